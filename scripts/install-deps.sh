#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what iommuctl needs, only when it is missing: "build" for make,
# "test" for make check. Knows apt (Debian, Ubuntu) and dnf (Fedora, RHEL).
# Uses sudo when not root. Prints nothing when everything is present.
set -eu

what=${1:-build}

# pkg-config module -> apt package / dnf package. Each development package
# brings its library (libarchive-dev: libarchive13, ...), which the binary
# links or loads on demand (src/core/dlib.h): both are needed to build.
build_mods="smartcols:libsmartcols-dev:libsmartcols-devel
json-c:libjson-c-dev:json-c-devel
libarchive:libarchive-dev:libarchive-devel
libpci:libpci-dev:pciutils-devel
libbpf:libbpf-dev:libbpf-devel
zlib:zlib1g-dev:zlib-devel
lzo2:liblzo2-dev:lzo-devel
snappy:libsnappy-dev:snappy-devel
libzstd:libzstd-dev:libzstd-devel
libnl-route-3.0:libnl-route-3-dev:libnl3-devel
mount:libmount-dev:libmount-devel"
test_mods="cmocka:libcmocka-dev:libcmocka-devel"
# command -> apt package / dnf package
build_cmds="cc:gcc:gcc
make:make:make
pkg-config:pkg-config:pkgconf-pkg-config"
test_cmds="clang:clang:clang
python3:python3:python3
groff:groff-base:groff-base
zsh:zsh:zsh
fish:fish:fish
tar:tar:tar
makedumpfile:makedumpfile:makedumpfile
iasl:acpica-tools:acpica-tools
strace:strace:strace
lspci:pciutils:pciutils
ip:iproute2:iproute"
# file -> apt package / dnf package (tests/cli/test-completion.sh loads bash-completion)
test_files="/usr/share/bash-completion/bash_completion:bash-completion:bash-completion"
# python3 module -> apt package / dnf package
test_pymods="jsonschema:python3-jsonschema:python3-jsonschema"

if command -v apt-get >/dev/null 2>&1; then col=2; pm=apt
elif command -v dnf >/dev/null 2>&1; then col=3; pm=dnf
else pm=none; col=2; fi

missing=""
check_cmds() {
	for line in $1; do
		cmd=${line%%:*}
		command -v "$cmd" >/dev/null 2>&1 || missing="$missing $(echo "$line" | cut -d: -f$col)"
	done
}
check_pymods() {
	for line in $1; do
		mod=${line%%:*}
		python3 -c "import $mod" >/dev/null 2>&1 || missing="$missing $(echo "$line" | cut -d: -f$col)"
	done
}
check_files() {
	for line in $1; do
		[ -e "${line%%:*}" ] || missing="$missing $(echo "$line" | cut -d: -f$col)"
	done
}
check_mods() {
	for line in $1; do
		mod=${line%%:*}
		pkg-config --exists "$mod" 2>/dev/null || missing="$missing $(echo "$line" | cut -d: -f$col)"
	done
}

check_cmds "$build_cmds"
# pkg-config itself may be what is missing: then every module counts as missing
check_mods "$build_mods"
if [ "$what" = test ]; then
	check_cmds "$test_cmds"
	check_mods "$test_mods"
	check_pymods "$test_pymods"
	# the Debian package's build and lint (tests/cli/test-deb.sh), where
	# there is dpkg
	if [ $pm = apt ]; then
		check_cmds "dpkg-buildpackage:dpkg-dev dh:debhelper lintian:lintian"
	fi
	check_files "$test_files"
	# libFuzzer's runtime is a separate package from clang itself
	if ! command -v clang >/dev/null 2>&1; then
		[ $pm = dnf ] && missing="$missing compiler-rt" || missing="$missing libclang-rt-dev"
	elif ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
		clang -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1; then
		[ $pm = dnf ] && missing="$missing compiler-rt" || missing="$missing libclang-rt-dev"
	fi
fi
[ -n "$missing" ] || exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "install-deps: installing:$missing" >&2
case $pm in
apt)
	export DEBIAN_FRONTEND=noninteractive
	# an index this machine cannot read (a foreign architecture, a mirror in
	# sync) need not stop the install: its result is what counts
	$sudo apt-get update -q >/dev/null || echo "install-deps: apt-get update reported errors; trying the install" >&2
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
	;;
dnf)
	# shellcheck disable=SC2086
	$sudo dnf install -y -q $missing
	;;
*)
	echo "install-deps: no apt-get or dnf here; install by hand:$missing" >&2
	exit 1
	;;
esac
