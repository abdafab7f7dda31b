#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run-all: once
# The Debian package (debian/): built from a copy of this tree with
# dpkg-buildpackage -us -uc -b, it
#  - builds (Build-Depends met: scripts/install-deps.sh installs them);
#  - is lintian-clean: no error, no warning (info and pedantic tags are
#    listed as notes);
#  - holds the binary, every man/*.8, the bash, zsh and fish completions
#    where Debian's shells read them, the udev rule and the unit;
#  - depends on every library the binary loads on demand: each SONAME the
#    binary would dlopen (its strings, not its NEEDED entries, which
#    dpkg-shlibdeps sees) belongs to a package on this machine that the
#    Depends line names;
#  - carries the tool's version: debian/changelog's is the Makefile's
#    VERSION of the tree (outside git), and the packaged --version and man
#    pages say it;
#  - enables iommuctl-apply.service at install, and starts nothing.
# The binary given is not used: the package builds its own (a minute).
#   tests/cli/test-deb.sh [BINARY]
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
top=$PWD
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if ! command -v dpkg-query >/dev/null; then
	skip "Debian package: not a Debian-family system (no dpkg)"
	finish
fi
for t in dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian; do
	command -v "${t%%:*}" >/dev/null ||
		{ skip_broken "Debian package: no ${t%%:*} (install ${t#*:}: scripts/install-deps.sh test)"; finish; }
done
if ! dpkg-checkbuilddeps >"$tmp/bd" 2>&1; then
	if grep -q 'Unmet build dependencies' "$tmp/bd"; then
		skip_broken "Debian package: Build-Depends not met: $(sed 's/.*Unmet build dependencies: //' "$tmp/bd" | tr '\n' ' ')"
	else
		bad "dpkg-checkbuilddeps: $(tr '\n' ' ' <"$tmp/bd")"
	fi
	finish
fi

# Build-Depends: the -dev package (scripts/install-deps.sh's build list) of
# every pkg-config module the Makefile asks for
bdeps=" $(awk '/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, ""); print; next }
	on && /^[ \t]/ { print; next } { on = 0 }' debian/control |
	tr ',|' '\n\n' | sed 's/[[(<].*//; s/ //g' | grep -v '^$' | tr '\n' ' ') "
mods=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -s --no-print-directory \
	--eval 'print-pc: ; @echo $(LIBS_PC) $(DL_PC) $(OPT_PC)' print-pc 2>/dev/null | tr ' ' '\n' | sort -u)
map=$(sed -n '/^build_mods="/,/"$/p' scripts/install-deps.sh | tr -d '"' | sed 's/^build_mods=//')
[ -n "$mods" ] || bad "no pkg-config module from the Makefile (LIBS_PC, DL_PC, OPT_PC)"
for m in $mods pkg-config; do
	if [ "$m" = pkg-config ]; then p=pkg-config
	else p=$(grep "^$m:" <<<"$map" | cut -d: -f2); fi
	if [ -z "$p" ]; then
		bad "Build-Depends: pkg-config module $m has no package in scripts/install-deps.sh's build_mods"
	elif [[ $bdeps == *" $p "* ]]; then
		ok "Build-Depends names $p (for $m)"
	else
		bad "Build-Depends lacks $p (the Makefile asks pkg-config for $m): add it to debian/control"
	fi
done

# the tree as it is, tracked and new files, without build output or .git
src=$tmp/iommuctl
mkdir -p "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		(cd "$top" && xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' _) |
		tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude='./build-*' --exclude=./iommuctl --exclude=./debian/iommuctl \
		-cf - . | tar -xf - -C "$src"
fi
[ -f "$src/debian/rules" ] || { bad "copy of the tree has no debian/rules"; finish; }

# the Makefile's version of the tree outside git: what the changelog must say
tree_version=$(env -u GIT_DIR -u GIT_WORK_TREE -u MAKEFLAGS -u MAKELEVEL -u MFLAGS GIT_CEILING_DIRECTORIES="$tmp" \
	make -s --no-print-directory -C "$src" --eval 'print-version: ; @echo $(VERSION)' print-version 2>/dev/null)
deb_version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
want_version=${deb_version%-*}
if [ "$want_version" = "$tree_version" ]; then
	ok "debian/changelog's version $deb_version is the tool's ($tree_version)"
else
	bad "debian/changelog says $deb_version, the tree's VERSION is '$tree_version': add a changelog entry (dch -v $tree_version)"
fi

t0=$SECONDS
if ! (cd "$src" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS DEB_BUILD_OPTIONS="parallel=2 noautodbgsym" \
	GIT_CEILING_DIRECTORIES="$tmp" dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	bad "dpkg-buildpackage -us -uc -b failed:"
	tail -n 25 "$tmp/build.log" | sed 's/^/     /'
	finish
fi
deb=$(ls "$tmp"/iommuctl_*.deb 2>/dev/null | head -n 1)
changes=$(ls "$tmp"/iommuctl_*.changes 2>/dev/null | head -n 1)
if [ -z "$deb" ] || [ -z "$changes" ]; then
	bad "dpkg-buildpackage made no iommuctl .deb/.changes in $tmp"
	finish
fi
ok "dpkg-buildpackage -us -uc -b: $(basename "$deb") ($((SECONDS - t0)) s)"

# lintian over the .changes: the .deb, the .buildinfo and the changes
# themselves; root or not, the same checks (its "not recommended" line is
# stderr's)
lintian --info --pedantic --display-experimental "$changes" >"$tmp/lintian" 2>"$tmp/lintian.err"
lrc=$?
if grep -qE '^[EW]: ' "$tmp/lintian"; then
	bad "lintian: errors or warnings:"
	grep -E '^[EW]: ' "$tmp/lintian" | sed 's/^/     /'
elif [ $lrc -ne 0 ]; then
	bad "lintian failed (status $lrc): $(grep -v 'root privileges' "$tmp/lintian.err" | tail -n 3 | tr '\n' ' ')"
else
	ok "lintian: no error, no warning"
	while IFS= read -r l; do note "lintian: $l"; done < <(grep -E '^[IPX]: ' "$tmp/lintian")
fi

# the files
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$tmp/contents"
has() {
	if grep -qxF "$1" "$tmp/contents"; then ok "package holds $1"; else bad "package lacks $1"; fi
}
has /usr/sbin/iommuctl
for m in man/*.8; do has "/usr/share/man/man8/$(basename "$m").gz"; done
has /usr/share/bash-completion/completions/iommuctl
has /usr/share/zsh/vendor-completions/_iommuctl
has /usr/share/fish/vendor_completions.d/iommuctl.fish
has /lib/udev/rules.d/70-iommuctl.rules
has /lib/systemd/system/iommuctl-apply.service
has /usr/share/doc/iommuctl/copyright

x=$tmp/x
dpkg-deb -x "$deb" "$x" && dpkg-deb -e "$deb" "$x/DEBIAN" || { bad "dpkg-deb cannot unpack $deb"; finish; }
ib=$x/usr/sbin/iommuctl
v=$("$ib" --version 2>&1)
if grep -qE "^iommuctl $want_version( |\$)" <<<"$v"; then
	ok "packaged binary: --version says $want_version"
else
	bad "packaged binary: --version: $v (want $want_version)"
fi
if "$ib" -F tests/fixtures/vtd/snapshot.tar group list 2>&1 | grep -q '^ *GROUP '; then
	ok "packaged binary: -F snapshot group list"
else
	bad "packaged binary: -F snapshot group list: $("$ib" -F tests/fixtures/vtd/snapshot.tar group list 2>&1 | head -n 2)"
fi
if zcat "$x/usr/share/man/man8/iommuctl.8.gz" | grep -qE "^\\.TH .*\"iommuctl $want_version\""; then
	ok "packaged man page: iommuctl $want_version"
else
	bad "packaged man page: $(zcat "$x/usr/share/man/man8/iommuctl.8.gz" | grep -m1 '^\.TH')"
fi
grep -q 'PROGRAM="/usr/sbin/iommuctl apply hook' "$x/lib/udev/rules.d/70-iommuctl.rules" &&
	grep -qx 'ExecStart=/usr/sbin/iommuctl apply' "$x/lib/systemd/system/iommuctl-apply.service" &&
	ok "rule and unit run /usr/sbin/iommuctl" || bad "rule or unit does not run /usr/sbin/iommuctl"

# Depends: each library the binary loads on demand
depends=$(dpkg-deb -f "$deb" Depends)
note "Depends: $depends"
needed=$(readelf -dW "$ib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
sonames=$(strings -a "$ib" | grep -E '^lib[A-Za-z0-9_+.-]*\.so\.[0-9]+$' | sort -u | grep -vxF "$needed")
if [ -z "$sonames" ]; then
	bad "no SONAME string in the packaged binary: the check of the loaded-on-demand libraries cannot work"
fi
deps_names=" $(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*//; s/:any//; s/ //g' | tr '\n' ' ') "
for so in $sonames; do
	pkg=$(dpkg-query -S "*/$so" 2>/dev/null | sed -n '1s/[:,].*//p')
	if [ -z "$pkg" ]; then
		bad "loaded on demand: $so: no package on this machine holds it"
	elif [[ $deps_names == *" $pkg "* ]]; then
		ok "loaded on demand: $so ($pkg) is in Depends"
	else
		bad "loaded on demand: $so ($pkg) is missing from Depends"
	fi
done

# the unit: enabled by postinst, never started or restarted by it
pi=$x/DEBIAN/postinst
if [ -f "$pi" ] && grep -q "deb-systemd-helper enable 'iommuctl-apply.service'" "$pi"; then
	ok "postinst enables iommuctl-apply.service"
else
	bad "postinst does not enable iommuctl-apply.service"
fi
if grep -qE 'deb-systemd-invoke|systemctl (start|restart)' "$x/DEBIAN/postinst" "$x/DEBIAN/prerm" 2>/dev/null; then
	bad "a maintainer script starts or stops the unit (it would rebind devices)"
else
	ok "no maintainer script starts, restarts or stops iommuctl-apply.service"
fi
finish
