#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the inventory list views read, counted, not timed: on synthetic trees
# (tests/tools/mksysfs.py) of 32 and 64 groups of 4 functions, the system
# calls of `group list`, `device list` and `iommu list` grow by a small,
# fixed number per device (the whole inventory read every attribute of
# every device: over a hundred calls each); a list view reads only what its
# columns show (no config space for `group list`, none of the IDs for
# `device list -o ADDRESS`), and each attribute once.
# Usage: tests/cli/test-inventory-reads.sh ./iommuctl
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
bin=$(realpath "${1:-./iommuctl}")

command -v strace >/dev/null 2>&1 || { skip_broken "strace is not installed (make check installs it)"; finish; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 tests/tools/mksysfs.py "$tmp/small" --groups 32 --per-group 4 >/dev/null &&
	python3 tests/tools/mksysfs.py "$tmp/large" --groups 64 --per-group 4 >/dev/null ||
	{ bad "mksysfs.py cannot build the trees"; finish; }

# calls TREE ARGS...: the number of system calls of `iommuctl --sysfs-root TREE/sys ARGS`
calls() {
	local tree=$1; shift
	# LeakSanitizer cannot run under ptrace: the sanitizer build's leaks are its other suites' business
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -c -o "$tmp/strace" "$bin" --sysfs-root "$tree/sys" "$@" >/dev/null 2>&1 || { echo -1; return; }
	awk '$NF == "total" { print $(NF - 2) ~ /^[0-9]+$/ ? $(NF - 2) : $(NF - 1) }' "$tmp/strace" |
		tail -n 1
}

# per device: (calls on 256 devices - calls on 128) / 128, at most MAX
per_device() {
	local max=$1 what=$2; shift 2
	local a b
	a=$(calls "$tmp/small" "$@") b=$(calls "$tmp/large" "$@")
	if [ "$a" -lt 0 ] || [ "$b" -lt 0 ]; then bad "$what: iommuctl failed under strace"; return; fi
	local per=$(( (b - a + 127) / 128 ))
	if [ "$per" -le "$max" ]; then ok "$what: $per system calls per device (at most $max; $a for 128 devices, $b for 256)"
	else bad "$what: $per system calls per device, more than $max ($a for 128 devices, $b for 256)"; fi
}

# group list: per group a directory, its type and reserved regions, its
# members; per member its directory and driver link
per_device 8 "group list" group list
# device list: per device its directory, uevent (IDs and driver), config space
per_device 12 "device list" device list
per_device 4 "device list -o ADDRESS" device list -o ADDRESS
per_device 3 "iommu list" iommu list

# opened: the names a command opens on the large tree ("class" is also /sys/class: not counted)
opened() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -e trace=openat,openat2 -o "$tmp/trace" "$bin" --sysfs-root "$tmp/large/sys" "$@" \
		>/dev/null 2>&1
	grep -v ENOENT "$tmp/trace" | grep -oE '"[^"]*"' | tr -d '"' | sed 's|.*/||'
}
n=$(opened group list | grep -cxE 'config|uevent|vendor|driver_override')
[ "$n" -eq 0 ] && ok "group list opens no config space and no IDs" ||
	bad "group list opens $n config or ID files"
n=$(opened device list -o ADDRESS,GROUP | grep -cxE 'config|uevent|vendor|subsystem_vendor')
[ "$n" -eq 0 ] && ok "device list -o ADDRESS,GROUP opens no config space and no IDs" ||
	bad "device list -o ADDRESS,GROUP opens $n config or ID files"
opened device list > "$tmp/names"
for f in config uevent; do
	n=$(grep -cx "$f" "$tmp/names")
	[ "$n" -eq 256 ] && ok "device list opens each device's $f once" ||
		bad "device list opens $f $n times for 256 devices"
done
n=$(grep -cxE 'vendor|revision|subsystem_vendor|subsystem_device' "$tmp/names")
[ "$n" -eq 0 ] && ok "device list reads the IDs from uevent, not one file each" ||
	bad "device list opens $n ID files beside uevent"

# the answers are the generator's: 64 groups, 256 devices, a quarter of the groups viable each way
n=$("$bin" --sysfs-root "$tmp/large/sys" group list -n | wc -l)
[ "$n" -eq 64 ] && ok "group list: 64 groups" || bad "group list: $n groups, not 64"
n=$("$bin" --sysfs-root "$tmp/large/sys" group list -n -o VIABLE | grep -c yes)
[ "$n" -eq 32 ] && ok "group list: 32 viable (vfio-pci or unbound)" || bad "group list: $n viable, not 32"
n=$("$bin" --sysfs-root "$tmp/large/sys" device list -n -o ADDRESS,ID,UNIT | awk '$2 ~ /^8086:/ && $3 == "dmar0"' | wc -l)
[ "$n" -eq 256 ] && ok "device list: 256 devices with IDs and unit" || bad "device list: $n devices with IDs and unit, not 256"
if "$bin" --sysfs-root "$tmp/large/sys" device list -j -o ADDRESS,DRIVER,GROUP >"$tmp/a" &&
	"$bin" --sysfs-root "$tmp/large/sys" -j device list >"$tmp/b" &&
	python3 - "$tmp/a" "$tmp/b" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["devices"]
b = json.load(open(sys.argv[2]))["devices"]
assert [(d["address"], d["driver"], d["group"]) for d in a] == \
       [(d["address"], d["driver"], d["group"]) for d in b]
PY
then ok "device list: the same drivers and groups with a few columns as with all"
else bad "device list: a few columns and the defaults disagree"; fi

finish
