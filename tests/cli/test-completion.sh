#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Shell completion, driven through each shell's own entry point on a fixture
# snapshot: bash (the completion function called as readline calls it, with
# and without bash-completion loaded, and typed TAB in a pseudo-terminal),
# zsh (the completion function with compadd/_describe/_files capturing what
# they are given, and TAB typed in a pseudo-terminal with compinit) and fish
# (complete -C). Covers PCI addresses (':' is a bash word break), file and
# directory arguments, walk/translate --format, -o columns, group type's
# domain types, candidates from -F FILE / --sysfs-root DIR, prefixes of
# objects and verbs.
#   tests/cli/test-completion.sh [BINARY]    COMPLETIONS=DIR tests other scripts
# run-all: once (the scripts are the sources'; the sanitizer build's __complete runs in the other suites)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
top=$PWD
comp=$(realpath "${COMPLETIONS:-completions}")
snap=$top/tests/fixtures/vtd/snapshot.tar
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the scripts run "iommuctl": this binary
mkdir -p "$tmp/bin" "$tmp/work/vdir/sub" "$tmp/amd"
ln -s "$bin" "$tmp/bin/iommuctl"
export PATH=$tmp/bin:$PATH
touch "$tmp/work/vtd-notes.txt" "$tmp/work/vdir/sub/x"
tar -xf tests/fixtures/amd/snapshot.tar -C "$tmp/amd" 2>/dev/null
bashcomp=/usr/share/bash-completion/bash_completion
# what the fixtures hold, from their listings (not from the tool)
vtd_groups=$(tar -tf "$snap" | sed -n 's|^sys/kernel/iommu_groups/\([0-9]*\)/$|\1|p' | sort -n)
vtd_devs=$(tar -tf "$snap" | sed -n 's|^sys/bus/pci/devices/\(.*[^/]\)$|\1|p' | sort)
amd_units=$(ls "$tmp/amd/sys/class/iommu")
cd "$tmp/work"

# the words readline makes of LINE (COMP_WORDBREAKS), one a line
split_words() {
	python3 - "$1" <<'PY'
import re, sys
brk = "\"'><=;|&(:"
words, cur = [], ""
for t in re.findall(r"[ \t]+|[\"'><=;|&(:]+|[^ \t\"'><=;|&(:]+", sys.argv[1]):
    if t.isspace():
        if cur:
            words.append(cur)
        cur = ""
    elif t[0] in brk or (cur and cur[-1] in brk):
        if cur:
            words.append(cur)
        cur = t
    else:
        cur += t
words.append(cur)
print("\n".join(words))
PY
}

# bash_complete [bc] LINE: COMPREPLY, one a line, sorted, for the cursor at the end of LINE
bash_complete() {
	local pre=:
	[ "$1" = bc ] && { pre="source $bashcomp"; shift; }
	split_words "$1" > "$tmp/words"
	bash --norc --noprofile -c "$pre"'
		source "$1/iommuctl.bash" || exit 1
		COMP_LINE=$2 COMP_POINT=${#2}
		mapfile -t COMP_WORDS < "$3"
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_TYPE=9 COMP_KEY=9
		_iommuctl 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$1" "$tmp/words" | sed '/^$/d' | sort -u
}

# zsh_complete LINE: what the completion function hands compadd/_describe (and
# "<files>"/"<dirs>" for _files), sorted, filtered by the word's prefix as compadd does
zsh_complete() {
	zsh -f -c '
		emulate zsh
		_cap=()
		add() { local w; for w; do [[ $w == "$PREFIX"* ]] && _cap+=("$w"); done }
		compadd() {
			local arrays=0
			while (( $# )); do
				case $1 in
				-a) arrays=1; shift ;;
				-[SPdJVXxrRMFtoDOAEIipsW]) shift 2 ;;
				--) shift; break ;;
				-*) shift ;;
				*) break ;;
				esac
			done
			local n
			if (( arrays )); then for n; do add "${(@P)n}"; done; else add "$@"; fi
		}
		_describe() {
			while [[ $1 == -* ]]; do [[ $1 == -[tJVOo] ]] && shift; shift; done
			shift
			local x; local -a w
			for x in "${(@P)1}"; do x=${x//\\:/$'"'"'\1'"'"'}; x=${x%%:*}; w+=("${x//$'"'"'\1'"'"'/:}"); done
			add "${w[@]}"
		}
		_files() { [[ $1 == -/ ]] && _cap+=("<dirs>") || _cap+=("<files>"); }
		_directories() { _cap+=("<dirs>"); }
		words=(); CURRENT=1; PREFIX=
		source "$1/_iommuctl" 2>/dev/null
		_cap=()
		words=(${(z)2})
		[[ $2 == *" " ]] && words+=("")
		CURRENT=$#words PREFIX=${words[-1]}
		_iommuctl 2>/dev/null
		print -rl -- $_cap' _ "$comp" "$1" | sed '/^$/d' | sort -u
}

fish_complete() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' "$comp/iommuctl.fish" "$1" 2>/dev/null |
		cut -f1 | sed '/^$/d' | sort -u
}

# pty_line SHELL SETUP LINE: type SETUP, then LINE and TAB in an interactive
# shell on a pseudo-terminal; prints the command line as it stands after the TAB
pty_line() {
	python3 - "$@" <<'PY'
import os, pty, re, select, sys, time
shell, setup, line = sys.argv[1:4]
argv = {"bash": ["bash", "--norc", "--noprofile", "-i"], "zsh": ["zsh", "-f", "-i"]}[shell]
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm", PS1="$ ", PROMPT="$ ", INPUTRC="/dev/null")
    os.execvp(argv[0], argv)
buf = b""
def clean(b):
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z@]|\x1b[=>]|\x07|\r", b"", b)
def read_until(pat, timeout=20):
    global buf
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
        if re.search(pat, clean(buf)):
            return True
    return False
def send(s):
    os.write(fd, s.encode())
send(setup + "\necho RE''ADY\n")
read_until(rb"\nREADY")
buf = b""
def settle(quiet=0.8, timeout=20):
    """read until the terminal, once it answered, has been quiet for a while"""
    global buf
    end, last, n = time.time() + timeout, time.time(), len(buf)
    while time.time() < end and (len(buf) == n or time.time() - last < quiet):
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
            last = time.time()
send(line)
settle(0.3)
send("\t")
settle()
# Z first: zsh takes back an added space or '/' when the next key is not a character
send("Z\x01echo LINE=\r")
read_until(rb"\nLINE=[^\n]*\n")
send("exit\n")
time.sleep(0.2)
try:
    os.kill(pid, 9)
except OSError:
    pass
text = clean(buf).decode(errors="replace")
got = re.findall(r"(?m)^LINE=(.*?)\r?$", text)
print(got[-1] if got else "(no line read back: %r)" % text[-300:])
PY
}

# expect WHAT GOT WANT: the candidate sets are equal
expect() {
	if [ "$2" = "$3" ]; then ok "$1"
	else bad "$1: got [$(tr '\n' ' ' <<<"$2")] want [$(tr '\n' ' ' <<<"$3")]"; fi
}
# has WHAT GOT WORD...: each WORD is a candidate
has() {
	local what=$1 got=$2 w missing=""; shift 2
	for w; do grep -qxF -- "$w" <<<"$got" || missing="$missing $w"; done
	[ -z "$missing" ] && ok "$what" || bad "$what: lacks$missing (got [$(tr '\n' ' ' <<<"$got" | cut -c1-200)])"
}
# hasnt WHAT GOT WORD...: no WORD is a candidate
hasnt() {
	local what=$1 got=$2 w extra=""; shift 2
	for w; do grep -qxF -- "$w" <<<"$got" && extra="$extra $w"; done
	[ -z "$extra" ] && ok "$what" || bad "$what: offers$extra"
}
lines() { printf '%s\n' "$@" | sed '/^$/d' | sort -u; }
# the candidates of the tables and the tool's own lists, to compare with
columns_of() { "$bin" "$@" --list-columns | sed -n 's/^ [* ] \([A-Z0-9_%-]*\) .*/\1/p' | sort -u; }
dom_types="DMA DMA-FQ identity auto"

# the same checks in each shell: NAME FUNCTION
run_checks() {
	local sh=$1 f=$2 got dirs=vdir
	# 1. PCI addresses (bash replaces only what follows the last ':', so its
	#    candidates are the rest of the word)
	got=$($f "iommuctl -F $snap group show 0000:00:0")
	# fish adds the '/' of a directory itself; readline does it for bash (the pty checks below)
	[ "$sh" = fish ] && dirs=vdir/
	if [ "$f" = bash_complete ] || [ "$f" = bash_complete_bc ]; then
		expect "$sh: group show 0000:00:0 (-F)" "$got" "$(lines $(grep '^0000:00:0' <<<"$vtd_devs" | sed 's/^0000:00://'))"
		got=$($f "iommuctl -F $snap device show 0000:00:1f.")
		expect "$sh: device show 0000:00:1f." "$got" "$(lines $(grep '^0000:00:1f' <<<"$vtd_devs" | sed 's/^0000:00://'))"
	else
		expect "$sh: group show 0000:00:0 (-F)" "$got" "$(lines $(grep '^0000:00:0' <<<"$vtd_devs"))"
	fi
	# 2. -F FILE / --snapshot=FILE / --sysfs-root DIR: that view's groups, devices, units
	got=$($f "iommuctl -F $snap group show ")
	expect "$sh: group show: the snapshot's groups and devices" "$got" "$(lines $vtd_groups $vtd_devs)"
	got=$($f "iommuctl --snapshot=$snap group claim ")
	expect "$sh: --snapshot=FILE group claim" "$got" "$(lines $vtd_groups $vtd_devs)"
	got=$($f "iommuctl --sysfs-root $tmp/amd/sys iommu show ")
	expect "$sh: --sysfs-root DIR iommu show: the tree's units" "$got" "$(lines $amd_units)"
	got=$($f "iommuctl -F $snap iommu show ")
	expect "$sh: -F iommu show: the snapshot's units" "$got" "dmar0"
	got=$($f "iommuctl -vF$snap iommu show ")
	expect "$sh: -vFFILE iommu show" "$got" "dmar0"
	# 3. prefixes: gr sh is group show
	got=$($f "iommuctl -F $snap gr sh ")
	expect "$sh: gr sh (prefixes)" "$got" "$(lines $vtd_groups $vtd_devs)"
	got=$($f "iommuctl -F $snap grou ty 3 ")
	expect "$sh: grou ty 3: domain types" "$got" "$(lines $dom_types)"
	# 4. group type SEL TYPE
	got=$($f "iommuctl -F $snap group type 3 ")
	expect "$sh: group type 3: domain types" "$got" "$(lines $dom_types)"
	got=$($f "iommuctl group type 3 DMA")
	expect "$sh: group type 3 DMA" "$got" "$(lines DMA DMA-FQ)"
	# 5. files: batch FILE, --mem FILE, -F FILE, snapshot show FILE; directories
	got=$($f "iommuctl batch v")
	if [ "$sh" = zsh ]; then expect "$sh: batch v: files" "$got" "<files>"
	else expect "$sh: batch v: files" "$got" "$(lines $dirs vtd-notes.txt)"; fi
	got=$($f "iommuctl walk --mem v")
	if [ "$sh" = zsh ]; then expect "$sh: walk --mem: files" "$got" "<files>"
	else expect "$sh: walk --mem: files" "$got" "$(lines $dirs vtd-notes.txt)"; fi
	got=$($f "iommuctl translate --mem vt")
	if [ "$sh" = zsh ]; then expect "$sh: translate --mem: files" "$got" "<files>"
	else expect "$sh: translate --mem: files" "$got" "vtd-notes.txt"; fi
	got=$($f "iommuctl walk mappings --mem vd")
	if [ "$sh" = zsh ]; then expect "$sh: walk mappings --mem: files" "$got" "<files>"
	else expect "$sh: walk mappings --mem vd: a directory" "$got" "$dirs"; fi
	got=$($f "iommuctl --sysfs-root v")
	if [ "$sh" = zsh ]; then expect "$sh: --sysfs-root: directories" "$got" "<dirs>"
	else expect "$sh: --sysfs-root: directories" "$got" "$dirs"; fi
	# 6. walk/translate --format: the page-table formats and hierarchies walk takes
	got=$($f "iommuctl walk --format ")
	expect "$sh: walk --format" "$got" "$walk_formats"
	got=$($f "iommuctl translate --format ")
	expect "$sh: translate --format" "$got" "$walk_formats"
	got=$($f "iommuctl walk roots --format ")
	expect "$sh: walk roots --format" "$got" "$(lines vtd smmuv3 amd)"
	got=$($f "iommuctl walk --mem-format ")
	expect "$sh: walk --mem-format" "$got" "$(lines auto elf kdump raw)"
	# 7. -o/--output: the list view's columns; +COL; COL,COL; --sort COL, --filter COL=
	got=$($f "iommuctl -F $snap group list -o ")
	expect "$sh: group list -o: its columns" "$got" "$(columns_of group list)"
	got=$($f "iommuctl device list --output ")
	expect "$sh: device list --output: its columns" "$got" "$(columns_of device list)"
	got=$($f "iommuctl iommu ls -o ")
	expect "$sh: iommu ls -o: its columns" "$got" "$(columns_of iommu list)"
	got=$($f "iommuctl group list -o +ME")
	expect "$sh: group list -o +ME" "$got" "+MEMBERS"
	got=$($f "iommuctl group list -o GROUP,TY")
	expect "$sh: group list -o GROUP,TY" "$got" "GROUP,TYPE"
	got=$($f "iommuctl -F $snap group list --sort ")
	expect "$sh: group list --sort: its columns" "$got" "$(columns_of group list)"
	got=$($f "iommuctl group list --filter VI")
	expect "$sh: group list --filter VI" "$got" "VIABLE="
	# 8. objects, verbs, options still
	got=$($f "iommuctl gr")
	expect "$sh: gr" "$got" "group"
	got=$($f "iommuctl group ")
	has "$sh: group verbs" "$got" help list show claim release type
	got=$($f "iommuctl group show --c")
	expect "$sh: group show --c" "$got" "--check"
	got=$($f "iommuctl decode vtd-con")
	expect "$sh: decode vtd-con: decode formats" "$got" "$(lines vtd-context vtd-context-sm)"
}
walk_formats=$("$bin" decode list -n -r -o name,walk 2>/dev/null | awk '$2 != "-" && $2 != "" {print $1}' | sort -u)
# the tool's own table of walk formats is the reference when decode list has no walk column
if [ -z "$walk_formats" ]; then
	walk_formats=$(lines vtd-sl-pte vtd-fl-pte amd-v1-pte amd-v2-pte arm-lpae-s1 arm-lpae-s2 arm-v7s arm-v7s-l2 ppc-tce riscv-pte vtd smmuv3 amd riscv)
fi

bash_complete_bc() { bash_complete bc "$1"; }
run_checks bash bash_complete
if [ -r "$bashcomp" ]; then
	run_checks "bash+bash-completion" bash_complete_bc
else
	skip_broken "bash with bash-completion: no $bashcomp (install bash-completion: make test-deps)"
fi
if command -v zsh >/dev/null; then run_checks zsh zsh_complete
else skip_broken "zsh: not installed (make test-deps)"; fi
if command -v fish >/dev/null; then run_checks fish fish_complete
else skip_broken "fish: not installed (make test-deps)"; fi

# 9. typed TAB in a terminal: the line as it stands afterwards
bash_setup="bind 'set bell-style none'; source $comp/iommuctl.bash"
for mode in plain bash-completion; do
	setup=$bash_setup
	if [ $mode = bash-completion ]; then
		[ -r "$bashcomp" ] || continue
		setup="source $bashcomp; $bash_setup"
	fi
	got=$(pty_line bash "$setup" "iommuctl -F $snap group show 0000:01")
	expect "bash pty ($mode): group show 0000:01<TAB>" "$got" "iommuctl -F $snap group show 0000:01:00.0 Z"
	got=$(pty_line bash "$setup" "iommuctl -F $snap gr sh 0000:00:1")
	expect "bash pty ($mode): gr sh 0000:00:1<TAB>" "$got" "iommuctl -F $snap gr sh 0000:00:1f.Z"
	got=$(pty_line bash "$setup" "iommuctl mem info vd")
	expect "bash pty ($mode): mem info vd<TAB> (a directory: '/', no space)" "$got" "iommuctl mem info vdir/Z"
	got=$(pty_line bash "$setup" "iommuctl batch vt")
	expect "bash pty ($mode): batch vt<TAB>" "$got" "iommuctl batch vtd-notes.txt Z"
done
if command -v zsh >/dev/null; then
	zsh_setup="fpath=($comp \$fpath); autoload -U compinit; compinit -u -D; bindkey -e; unsetopt beep"
	got=$(pty_line zsh "$zsh_setup" "iommuctl -F $snap group show 0000:01")
	expect "zsh pty: group show 0000:01<TAB>" "$got" "iommuctl -F $snap group show 0000:01:00.0 Z"
	got=$(pty_line zsh "$zsh_setup" "iommuctl mem info vd")
	expect "zsh pty: mem info vd<TAB>" "$got" "iommuctl mem info vdir/Z"
	got=$(pty_line zsh "$zsh_setup" "iommuctl -F $snap gr ty 3 ide")
	expect "zsh pty: gr ty 3 ide<TAB>" "$got" "iommuctl -F $snap gr ty 3 identity Z"
fi
finish
