#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The libraries that only some commands need are loaded on demand
# (src/core/dlib.h), not linked:
#  - the binary's NEEDED entries hold none of libarchive, zlib, lzo2,
#    snappy, zstd, libpci, libnl-route-3, libmount (the claims' interlocks:
#    tests/cli/test-net-interlock.sh hides those two);
#  - a command that shows no names does not map libpci;
#  - with one hidden (a private mount namespace binds an empty file over the
#    file the loader would map), the commands that need it fail with one
#    line naming the library and its Debian package, exit 4 (and under -j
#    the error object says the same), while the others still work:
#    libarchive: snapshot save, -F, snapshot diff fail; --version and
#    group list on a --sysfs-root tree work; libsmartcols: a text table
#    fails, its -j form, --version and decode work; json-c: -F (the
#    snapshot's metadata) fails, snapshot save and a --sysfs-root list
#    work; zstd / snappy: a walk of a
#    kdump of that compression fails, of zlib works; libpci: names fall
#    back silently to what --numeric shows.
#   tests/cli/test-dlopen.sh [BINARY]        (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# 1. not linked
command -v readelf >/dev/null || { bad "readelf (binutils) is missing"; finish; }
needed=$(readelf -dW "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
for l in libarchive libz liblzo2 libsnappy libzstd libpci libudev libsmartcols libjson-c libnl-route-3 libnl-3 libmount; do
	if grep -q "^$l\.so" <<<"$needed"; then bad "NEEDED holds $l: $(tr '\n' ' ' <<<"$needed")"
	else ok "$l not NEEDED"; fi
done

# 2. missing at run time
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	skip "missing libraries: needs root and unshare (a private mount namespace)"
	finish
fi
snap=tests/fixtures/vtd/snapshot.tar
mkdir -p "$tmp/tree"
tar -xf "$snap" -C "$tmp/tree" || { bad "cannot extract $snap"; finish; }
tree=$tmp/tree/sys
: > "$tmp/empty"

# resolve SONAME CMD...: the file the loader maps for SONAME when CMD runs
resolve() {
	local so=$1 f; shift
	f=$(LD_DEBUG=libs "$@" 2>&1 >/dev/null | sed -n "s|.*trying file=\(.*/$so\)\$|\1|p" | tail -n 1)
	[ -n "$f" ] && readlink -f "$f"
}
# hidden FILE CMD...: CMD run with an empty file bound over FILE, in a mount
# namespace of its own; its stdout in $tmp/out, stderr in $tmp/err, returns its status
hidden() {
	local file=$1; shift
	unshare -m --propagation private sh -c 'mount --bind "$1" "$2" || exit 99; shift 2; exec "$@"' \
		sh "$tmp/empty" "$file" "$@" >"$tmp/out" 2>"$tmp/err"
}
# expect_missing NAME SONAME WANT_RC FILE CMD...: CMD fails with one line naming SONAME and its package
expect_missing() {
	local name=$1 so=$2 file=$3 rc; shift 3
	hidden "$file" "$@"; rc=$?
	[ "$rc" -eq 4 ] && ok "$name: exit 4" || bad "$name: exit $rc, want 4 ($(head -c 300 "$tmp/err"))"
	if [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -qE "^iommuctl: [a-z ]+: ${so//./\\.} cannot be loaded \(install the Debian package [a-z0-9.+-]+\): " "$tmp/err"
	then ok "$name: one line naming $so and its package"
	else bad "$name: stderr is not the one line: $(head -c 400 "$tmp/err")"; fi
}
expect_works() { # NAME FILE CMD...: CMD exits 0 with nothing on stderr
	local name=$1 file=$2 rc; shift 2
	hidden "$file" "$@"; rc=$?
	[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && ok "$name: works" ||
		bad "$name: exit $rc: $(head -c 300 "$tmp/err")"
}

# libarchive
arch=$(resolve libarchive.so.13 "$bin" -F "$snap" group list)
if [ -z "$arch" ]; then
	bad "cannot find the libarchive the loader maps (LD_DEBUG=libs)"
else
	expect_missing "snapshot save" libarchive.so.13 "$arch" "$bin" --sysfs-root "$tree" snapshot save "$tmp/new.tar"
	[ ! -e "$tmp/new.tar" ] && ok "snapshot save: no file written" || bad "snapshot save wrote $tmp/new.tar"
	expect_missing "-F group list" libarchive.so.13 "$arch" "$bin" -F "$snap" group list
	expect_missing "snapshot diff" libarchive.so.13 "$arch" "$bin" snapshot diff "$snap" "$snap"
	hidden "$arch" "$bin" -j -F "$snap" group list
	if python3 -c 'import json,sys; e=json.load(sys.stdin)["error"]; assert e["exit"] == 4 and "libarchive" in e["message"] and "install the Debian package" in e["message"]' < "$tmp/out" 2>/dev/null
	then ok "-j -F group list: the error object names the library"
	else bad "-j -F group list: $(head -c 300 "$tmp/out")"; fi
	expect_works "--version" "$arch" "$bin" --version
	expect_works "--sysfs-root group list" "$arch" "$bin" --sysfs-root "$tree" group list
	"$bin" --sysfs-root "$tree" group list > "$tmp/want" 2>/dev/null
	cmp -s "$tmp/want" "$tmp/out" && ok "--sysfs-root group list: the same output" || bad "--sysfs-root group list: output differs"
	expect_works "decode" "$arch" "$bin" decode vtd-sl-pte 0x8000000012345003
fi

# libsmartcols: text tables only
scols=$(resolve libsmartcols.so.1 "$bin" --sysfs-root "$tree" group list)
if [ -z "$scols" ]; then
	bad "cannot find the libsmartcols the loader maps (LD_DEBUG=libs)"
else
	expect_missing "group list" libsmartcols.so.1 "$scols" "$bin" --sysfs-root "$tree" group list
	expect_missing "device list" libsmartcols.so.1 "$scols" "$bin" --sysfs-root "$tree" device list
	expect_works "-j group list, libsmartcols hidden" "$scols" "$bin" -j --sysfs-root "$tree" group list
	"$bin" -j --sysfs-root "$tree" group list > "$tmp/want" 2>/dev/null
	cmp -s "$tmp/want" "$tmp/out" && ok "-j group list, libsmartcols hidden: the same output" ||
		bad "-j group list, libsmartcols hidden: output differs"
	expect_works "--version, libsmartcols hidden" "$scols" "$bin" --version
	expect_works "decode, libsmartcols hidden" "$scols" "$bin" decode vtd-sl-pte 0x8000000012345003
fi

# json-c: reading JSON back
jsonc=$(resolve libjson-c.so.5 "$bin" -F "$snap" group list)
if [ -z "$jsonc" ]; then
	bad "cannot find the libjson-c the loader maps (LD_DEBUG=libs)"
else
	expect_missing "-F group list (the snapshot's metadata)" libjson-c.so.5 "$jsonc" "$bin" -F "$snap" group list
	expect_works "snapshot save, libjson-c hidden" "$jsonc" "$bin" --sysfs-root "$tree" snapshot save "$tmp/j.tar"
	[ -s "$tmp/j.tar" ] && ok "snapshot save, libjson-c hidden: the file is written" ||
		bad "snapshot save, libjson-c hidden: no $tmp/j.tar"
	expect_works "--sysfs-root group list, libjson-c hidden" "$jsonc" "$bin" --sysfs-root "$tree" group list
fi

# the kdump decompressors: the tables of test-walk.sh, in kdump files
cc=${CC:-cc}
command -v "$cc" >/dev/null || cc=gcc
if ! "$cc" -std=gnu11 -D_GNU_SOURCE -O1 -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD \
	-Itests/tools tests/tools/mktables.c -o "$tmp/mktables" -lz -llzo2 -lsnappy -lzstd 2>"$tmp/cc.err" ||
	! "$tmp/mktables" "$tmp/d" >/dev/null 2>&1; then
	bad "cannot build or run tests/tools/mktables.c: $(head -c 300 "$tmp/cc.err")"
	finish
fi
# the first case that walks cleanly
args=$(awk -F'\t' '$2 == 0 { print $4; exit }' "$tmp/d/cases")
# shellcheck disable=SC2086
walk() { "$bin" walk --mem "$tmp/d/$1" $args; }
for c in zstd snappy; do
	so=$(resolve "lib$c.so.1" walk "mem-$c.kdump")
	if [ -z "$so" ]; then bad "cannot find the lib$c the loader maps"; continue; fi
	# shellcheck disable=SC2086
	expect_missing "walk of a $c kdump" "lib$c.so.1" "$so" "$bin" walk --mem "$tmp/d/mem-$c.kdump" $args
	# shellcheck disable=SC2086
	expect_works "walk of a zlib kdump, lib$c hidden" "$so" "$bin" walk --mem "$tmp/d/mem-zlib.kdump" $args
	# shellcheck disable=SC2086
	expect_works "mem info of an ELF dump, lib$c hidden" "$so" "$bin" mem info "$tmp/d/mem.elf"
done

# LC_CTYPE is set from the environment at its first use (core/textesc.h):
# --version and decode read no locale file; a table and a text view still
# print by the environment's character set.
if ! command -v strace >/dev/null; then
	skip "locale: strace is missing"
elif locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
	opened() { LANG=C.UTF-8 LC_ALL= strace -f -e trace=open,openat,openat2 -o "$tmp/st" "$@" >/dev/null 2>&1; grep -c '/locale/' "$tmp/st"; }
	[ "$(opened "$bin" --sysfs-root "$tree" group list)" -gt 0 ] && ok "locale: group list reads it" ||
		bad "locale: group list opens no locale file (is strace watching?)"
	[ "$(opened "$bin" --version)" -eq 0 ] && ok "locale: --version reads none" ||
		bad "locale: --version opens $(grep '/locale/' "$tmp/st" | head -n 2 | tr '\n' ' ')"
	[ "$(opened "$bin" decode vtd-sl-pte 0x8000000012345003)" -eq 0 ] && ok "locale: decode reads none" ||
		bad "locale: decode opens $(grep '/locale/' "$tmp/st" | head -n 2 | tr '\n' ' ')"
	cp -a "$tmp/tree" "$tmp/utree"
	printf 'DM\303\251\n' > "$tmp/utree/sys/kernel/iommu_groups/0/type"
	for cmd in "group list" "group show 0"; do
		# shellcheck disable=SC2086
		u=$(LANG=C.UTF-8 LC_ALL= "$bin" --sysfs-root "$tmp/utree/sys" $cmd 2>&1)
		# shellcheck disable=SC2086
		c=$(LANG=C LC_ALL= "$bin" --sysfs-root "$tmp/utree/sys" $cmd 2>&1)
		if grep -q "DM$(printf '\303\251')" <<<"$u" && grep -qF 'DM\xc3\xa9' <<<"$c"; then
			ok "locale: $cmd prints UTF-8 in C.UTF-8 and escapes it in C"
		else
			bad "locale: $cmd: C.UTF-8 gave $(grep DM <<<"$u" | head -n 1), C gave $(grep DM <<<"$c" | head -n 1)"
		fi
	done
else
	skip "locale: this machine has no C.UTF-8 locale"
fi

# libpci: names are optional, and only the commands that show them map it
# maps_pci CMD...: whether CMD (its output discarded) loads libpci
maps_pci() { LD_DEBUG=libs "$@" 2>&1 >/dev/null | grep -q 'calling init: .*/libpci\.so'; }
cols=ADDRESS,VENDOR_NAME,DEVICE_NAME,CLASS_NAME
if ! maps_pci "$bin" --sysfs-root "$tree" device list -o $cols; then
	skip "names: this build or machine has no libpci"
else
	ok "device list -o $cols maps libpci"
	for c in "group list" "device list -o ADDRESS,ID,CLASS" "--numeric device list" "--numeric device show 0000:00:04.0" \
		"--numeric group show 2" "iommu list"; do
		# shellcheck disable=SC2086
		maps_pci "$bin" --sysfs-root "$tree" $c && bad "$c (no names) maps libpci" || ok "$c (no names) does not map libpci"
	done
	pci=$(resolve libpci.so.3 "$bin" --sysfs-root "$tree" device list -o $cols)
	if [ -z "$pci" ]; then
		bad "cannot find the libpci the loader maps (LD_DEBUG=libs)"
	else
		# a list of the test's own: the fixture's NIC has a name on any machine
		printf '8086  Test Vendor\n\t10d3  Test NIC\n' > "$tmp/t.ids"
		export IOMMUCTL_PCI_IDS=$tmp/t.ids
		"$bin" --sysfs-root "$tree" --numeric device list -o $cols > "$tmp/numeric"
		"$bin" --sysfs-root "$tree" device list -o $cols > "$tmp/named"
		grep -q 'Test NIC' "$tmp/named" && ok "device list: the names of \$IOMMUCTL_PCI_IDS" ||
			bad "device list: no name from \$IOMMUCTL_PCI_IDS: $(head -c 300 "$tmp/named")"
		expect_works "device list, libpci hidden" "$pci" "$bin" --sysfs-root "$tree" device list -o $cols
		cmp -s "$tmp/numeric" "$tmp/out" && ok "device list, libpci hidden: names as --numeric" ||
			bad "device list, libpci hidden: $(diff "$tmp/numeric" "$tmp/out" | head -5)"
		unset IOMMUCTL_PCI_IDS
	fi
fi
finish
