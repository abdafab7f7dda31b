#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install puts every file where the system looks for it, and iommuctl
# works from there; make uninstall takes every file away again. For
# PREFIX=/usr and /usr/local, into a DESTDIR (the binary under test is
# installed as it is: INSTALL_BIN, no rebuild):
#  - every file is there: the binary, each man/*.8, the three completions,
#    the udev rule and iommuctl-apply.service;
#  - each is where its reader looks: the zsh completion in a directory of
#    zsh's own default $fpath, the fish one in fish's vendor directories,
#    the unit in systemd's unit path (systemd-analyze), the rule in udev's;
#  - the man pages carry a version, no @VERSION@, and pass groff -ww -man;
#    the rule and the unit name the installed binary;
#  - the installed binary runs: --version, a group list of a snapshot;
#  - the completions load from their installed paths through each shell's
#    own lookup, and complete: bash-completion's loader (XDG_DATA_DIRS), zsh's
#    compinit (fpath), fish's autoloading (XDG_DATA_DIRS); the bash one asks
#    the installed binary for the decode formats;
#  - make uninstall leaves no file behind.
#   tests/cli/test-install.sh [BINARY]        (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
snap=$PWD/tests/fixtures/vtd/snapshot.tar
[ -x "$bin" ] || { bad "no binary $bin"; finish; }

# make outside any make that runs this test (make check: its flags and jobserver are not ours)
mk() { env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory "$@"; }
# want NAME COND: ok/bad on a test command's status
want() { local name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

# in_list DIR LIST: DIR is a line of LIST
in_list() { grep -qxF "$1" <<<"$2"; }

zsh_fpath=$(command -v zsh >/dev/null && zsh -f -c 'print -l $fpath' 2>/dev/null)
fish_vendor=$(command -v fish >/dev/null && env -u XDG_DATA_DIRS fish -c \
	'printf "%s\n" $__fish_vendor_completionsdirs' 2>/dev/null)
unit_paths=$(command -v systemd-analyze >/dev/null && systemd-analyze --system unit-paths 2>/dev/null)

for prefix in /usr /usr/local; do
	root=$tmp/root$(tr / _ <<<"$prefix")
	if ! mk install DESTDIR="$root" PREFIX="$prefix" INSTALL_BIN="$bin" \
		>"$tmp/install.log" 2>&1; then
		bad "$prefix: make install failed: $(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
		continue
	fi
	ok "$prefix: make install into a DESTDIR"

	# every file, found by name wherever it went
	find "$root" -type f -printf '/%P\n' | sort >"$tmp/files"
	where() { grep -E "$1" "$tmp/files" | head -n 1; }
	b=$(where "^$prefix/sbin/iommuctl\$")
	want "$prefix: binary in $prefix/sbin" [ -n "$b" ]
	cmp -s "$bin" "$root$b" || bad "$prefix: the installed binary is not the one under test"
	for m in man/*.8; do
		p=$prefix/share/man/man8/$(basename "$m")
		if ! in_list "$p" "$(cat "$tmp/files")"; then
			bad "$prefix: no man page $p"
			continue
		fi
		if grep -q '@VERSION@' "$root$p" || ! grep -qE '^\.TH .*"iommuctl [^"@ ]+"' "$root$p"; then
			bad "$prefix: $p: .TH carries no version: $(grep -m1 '^\.TH' "$root$p")"
		elif ! command -v groff >/dev/null; then
			ok "$prefix: $p, versioned"
		elif out=$(groff -ww -z -man "$root$p" 2>&1) && [ -z "$out" ]; then
			ok "$prefix: $p, versioned, groff -ww -man clean"
		else
			bad "$prefix: $p: groff -ww -man: $(head -n 2 <<<"$out" | tr '\n' ' ')"
		fi
	done
	command -v groff >/dev/null || skip "$prefix: man page lint: no groff"

	bc=$(where '/bash-completion/completions/iommuctl$')
	want "$prefix: bash completion at $prefix/share/bash-completion/completions/iommuctl" \
		[ "$bc" = "$prefix/share/bash-completion/completions/iommuctl" ]
	zc=$(where '/_iommuctl$')
	if [ -z "$zc" ]; then
		bad "$prefix: no zsh completion _iommuctl"
	elif [ -z "$zsh_fpath" ]; then
		skip "$prefix: is $zc in zsh's fpath: no zsh"
	else
		want "$prefix: zsh completion $zc is in a directory of zsh's default fpath" \
			in_list "$(dirname "$zc")" "$zsh_fpath"
	fi
	fc=$(where '/iommuctl\.fish$')
	if [ -z "$fc" ]; then
		bad "$prefix: no fish completion iommuctl.fish"
	elif [ "$prefix" = /usr ] && [ -n "$fish_vendor" ]; then
		# fish reads XDG_DATA_DIRS/fish/vendor_completions.d, by default /usr/share's
		want "$prefix: fish completion $fc is in fish's default vendor completion directories" \
			in_list "$(dirname "$fc")" "$fish_vendor"
	else
		want "$prefix: fish completion at $prefix/share/fish/vendor_completions.d" \
			[ "$fc" = "$prefix/share/fish/vendor_completions.d/iommuctl.fish" ]
	fi
	rule=$(where '/rules\.d/70-iommuctl\.rules$')
	want "$prefix: udev rule in /lib/udev/rules.d or /usr/lib/udev/rules.d (udev reads no other prefix): ${rule:-none}" \
		grep -qE '^(/usr)?/lib/udev/rules\.d/70-iommuctl\.rules$' <<<"$rule"
	unit=$(where '/systemd/system/iommuctl-apply\.service$')
	if [ -z "$unit" ]; then
		bad "$prefix: no iommuctl-apply.service"
	elif [ -n "$unit_paths" ]; then
		want "$prefix: unit $unit is in systemd's unit path" in_list "$(dirname "$unit")" "$unit_paths"
	else
		skip "$prefix: is $unit in systemd's unit path: no systemd-analyze"
	fi
	if [ -n "$rule" ] && [ -n "$unit" ]; then
		want "$prefix: rule and unit run $prefix/sbin/iommuctl, nothing left to substitute" \
			sh -c 'grep -q "PROGRAM=\"$1 apply hook" "$2" && grep -q "^ExecStart=$1 apply\$" "$3" &&
				! grep -q @ "$2" "$3"' _ "$prefix/sbin/iommuctl" "$root$rule" "$root$unit"
	fi
	mans=(man/*.8); n=$(( ${#mans[@]} + 6 ))
	want "$prefix: $n files installed, no other" [ "$(wc -l <"$tmp/files")" -eq "$n" ]

	# the installed binary runs
	ib=$root$prefix/sbin/iommuctl
	v=$("$ib" --version 2>&1)
	want "$prefix: installed binary: --version: $v" grep -qE '^iommuctl [0-9a-f.]' <<<"$v"
	want "$prefix: installed binary: -F snapshot group list" \
		sh -c '"$1" -F "$2" group list 2>&1 | grep -q "^ *GROUP "' _ "$ib" "$snap"

	if [ "$prefix" = /usr ]; then
		share=$root/usr/share
		# bash: bash-completion's loader finds the file by the command's name,
		# and the completion asks the installed binary (first in PATH) for the formats
		bcs=/usr/share/bash-completion/bash_completion
		if [ ! -r "$bcs" ]; then
			skip_broken "bash completion lookup: no $bcs (bash-completion)"
		else
			out=$(env -u BASH_COMPLETION_USER_DIR XDG_DATA_DIRS="$share" PATH="$root/usr/sbin:$PATH" \
				bash --norc --noprofile -c '
				. "$1" >/dev/null 2>&1
				__load_completion iommuctl || { echo "loader: not found"; exit 1; }
				f=$(complete -p iommuctl | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
				shopt -s extdebug
				echo "from $(declare -F "$f" | cut -d" " -f3-)"
				COMP_WORDS=(iommuctl decode vtd-r) COMP_CWORD=2
				COMP_LINE="iommuctl decode vtd-r" COMP_POINT=${#COMP_LINE}
				"$f" iommuctl vtd-r decode
				echo "reply ${COMPREPLY[*]}"' _ "$bcs" 2>&1)
			want "bash: the loader reads the installed completion ($(head -n 1 <<<"$out"))" \
				grep -qxF "from $share/bash-completion/completions/iommuctl" <<<"$out"
			want "bash: 'iommuctl decode vtd-r<TAB>' completes vtd-root from the installed binary" \
				grep -qE '^reply .*\bvtd-root\b' <<<"$out"
		fi
		# zsh: compinit binds the installed _iommuctl to iommuctl
		if [ -z "$zsh_fpath" ] || [ -z "$zc" ]; then
			skip "zsh completion lookup: no zsh, or no _iommuctl installed"
		else
			out=$(ZDOTDIR=$tmp zsh -f -c '
				fpath=("$1" $fpath)
				autoload -Uz compinit && compinit -u -d "$2/zcompdump"
				print -r -- "comps ${_comps[iommuctl]}"
				autoload +X _iommuctl && print -r -- "from ${functions_source[_iommuctl]}"' \
				_ "$root$(dirname "$zc")" "$tmp" 2>&1)
			want "zsh: compinit binds _iommuctl to iommuctl" grep -qx 'comps _iommuctl' <<<"$out"
			want "zsh: _iommuctl is loaded from $(dirname "$zc")" grep -qxF "from $root$zc" <<<"$out"
		fi
		# fish: autoloads iommuctl.fish from XDG_DATA_DIRS/fish/vendor_completions.d
		# (for a command on PATH: the installed one)
		if ! command -v fish >/dev/null; then
			skip "fish completion lookup: no fish"
		else
			out=$(HOME=$tmp XDG_CONFIG_HOME=$tmp/cfg XDG_DATA_HOME=$tmp/data XDG_DATA_DIRS="$share" \
				PATH="$root/usr/sbin:$PATH" fish -c 'complete -C "iommuctl gro"; complete -C "iommuctl group "' 2>&1)
			want "fish: 'iommuctl gro<TAB>' completes group from the installed iommuctl.fish" \
				grep -qE '^group\b' <<<"$out"
			want "fish: 'iommuctl group <TAB>' offers its verbs" grep -qE '^list\b' <<<"$out"
			# without the installed directory, nothing: the completion came from there
			out=$(HOME=$tmp XDG_CONFIG_HOME=$tmp/cfg XDG_DATA_HOME=$tmp/data XDG_DATA_DIRS="$tmp/none" \
				PATH="$root/usr/sbin:$PATH" fish -c 'complete -C "iommuctl gro"' 2>&1)
			if grep -qE '^group\b' <<<"$out"; then
				note "fish: this machine has an iommuctl completion of its own: the check above does not tell them apart"
			fi
		fi
	fi

	# uninstall: nothing left
	if ! mk uninstall DESTDIR="$root" PREFIX="$prefix" >"$tmp/install.log" 2>&1; then
		bad "$prefix: make uninstall failed: $(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
	else
		left=$(find "$root" -type f -printf '/%P ')
		want "$prefix: make uninstall removes every file it installed${left:+ (left: $left)}" [ -z "$left" ]
	fi
done
finish
