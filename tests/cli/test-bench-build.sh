#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmarks' own programs build (bench/lib.sh, as the bench scripts
# build them): `make bench` runs nowhere in `make check`, and a header that
# moved broke bench_walk and bench_mem unseen. Each is built into a
# directory of its own and must come out an executable; the standalone
# ones are also run once where that needs no setup (bench_run on true,
# attr_floor on a tree of one device). Seconds.
# run-all: once
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck disable=SC1091
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the SONAMEs header the memory sources' dlib.c includes: made by `make`
# in build/gen (the caller built iommuctl)
mkdir -p "$tmp/o"
cp -r "${O:-build}/gen" "$tmp/o/gen" 2>/dev/null || { bad "no ${O:-build}/gen: run make first"; finish; }
# shellcheck disable=SC1091
. bench/lib.sh

built() { # WHAT FILE LOG
	if [ -x "$2" ]; then ok "bench: $1 builds"; else bad "bench: $1 does not build: $(grep -m3 -i 'error' "$3")"; fi
}
for t in bench_run attr_floor startup_run bench_decode_floor; do
	O=$tmp/o bench_tool_build "$t" >"$tmp/$t.log" 2>&1
	built "$t" "$tmp/o/bench/$t" "$tmp/$t.log"
done
O=$tmp/o bench_walk_build >"$tmp/walk.log" 2>&1
built bench_walk "$tmp/o/bench/bench_walk" "$tmp/walk.log"
O=$tmp/o bench_mem_build >"$tmp/mem.log" 2>&1
built bench_mem "$tmp/o/bench/bench_mem" "$tmp/mem.log"

# the two that bench_inventory.sh runs on every tree
if [ -x "$tmp/o/bench/bench_run" ] && read -r n _ _ _ _ st _ < <("$tmp/o/bench/bench_run" -n 3 -- true) &&
	[ "$n" = 3 ] && [ "$st" = 0 ]; then
	ok "bench_run: 3 runs of true, status 0"
else
	bad "bench_run: 3 runs of true gave '${n:-} ${st:-}'"
fi
mkdir -p "$tmp/sys/bus/pci/devices/0000:00:01.0" "$tmp/sys/kernel/iommu_groups/0"
printf 'DRIVER=e1000e\n' >"$tmp/sys/bus/pci/devices/0000:00:01.0/uevent"
ln -s ../../../kernel/iommu_groups/0 "$tmp/sys/bus/pci/devices/0000:00:01.0/iommu_group"
got=$("$tmp/o/bench/attr_floor" "$tmp/sys" 2>&1)
if [ "$got" = 0000:00:01.0 ]; then
	ok "attr_floor: lists the one device of a tree"
else
	bad "attr_floor: listed '$got' for a tree of 0000:00:01.0"
fi
finish
