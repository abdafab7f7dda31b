#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The inventory benchmark's trees (bench/bench_inventory.sh) are read as the
# generator promises: tests/tools/mksysfs.py builds small trees (8 groups x
# 4 functions; 201 groups x 1, which spans two PCI domains and so two DMAR
# units), and `iommuctl --sysfs-root` group list, device list and iommu list
# (-j) must list every group, device and unit, with the drivers rotating
# e1000e, nvme, vfio-pci, none by group (viable: the vfio-pci and the
# driverless groups), type DMA-FQ and one reserved region per group. The
# bench's times mean nothing if the tool lists something else. Seconds.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck disable=SC1091
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# check GROUPS PER: build the tree, list it in JSON, compare with the promise
check() {
	local g=$1 per=$2 t=$tmp/${1}x$2 what c
	what="mksysfs ${g}x${per}"
	if ! python3 tests/tools/mksysfs.py "$t" --groups "$g" --per-group "$per" >"$tmp/gen" 2>&1; then
		bad "$what: the generator failed: $(cat "$tmp/gen")"
		return
	fi
	for c in group device iommu; do
		if ! "$bin" --sysfs-root "$t/sys" -j "$c" list >"$tmp/$c.json" 2>"$tmp/$c.err"; then
			bad "$what: $c list failed: $(head -n 3 "$tmp/$c.err")"
			return
		fi
		if [ -s "$tmp/$c.err" ]; then
			bad "$what: $c list warned: $(head -n 3 "$tmp/$c.err")"
		fi
	done
	if python3 - "$tmp" "$g" "$per" >"$tmp/why" 2>&1 <<'EOF'
import json
import sys

tmp, G, PER = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
DRIVERS = ["e1000e", "nvme", "vfio-pci", None]
groups = json.load(open(tmp + "/group.json"))["groups"]
devices = json.load(open(tmp + "/device.json"))["devices"]
units = json.load(open(tmp + "/iommu.json"))["units"]
errs = []
if sorted(x["group"] for x in groups) != list(range(G)):
    errs.append(f"groups {[x['group'] for x in groups][:10]}..., want 0..{G - 1}")
for x in groups:
    drv = DRIVERS[x["group"] % 4]
    want = dict(type="DMA-FQ", ndevices=PER, drivers=[drv] if drv else [],
                nreserved_regions=1, viable=drv in ("vfio-pci", None))
    got = {k: x.get(k) for k in want}
    if got != want:
        errs.append(f"group {x['group']}: {got}, want {want}")
want_addr = []
for g in range(G):
    dom, bus = divmod(g, 200)
    want_addr += [f"{dom:04x}:{bus + 1:02x}:00.{fn}" for fn in range(PER)]
if sorted(d["address"] for d in devices) != sorted(want_addr):
    errs.append(f"{len(devices)} devices, want {len(want_addr)}: {[d['address'] for d in devices][:4]}...")
for d in devices:
    if d["address"] not in want_addr:
        continue                        # reported above
    n = want_addr.index(d["address"])
    g = n // PER
    want = dict(id=f"8086:{0x10d3 + n % 16:04x}", **{"class": "0x020000"}, group=g,
                unit=f"dmar{g // 200}", driver=DRIVERS[g % 4])
    got = {k: d.get(k) for k in want}
    if got != want:
        errs.append(f"device {d['address']}: {got}, want {want}")
ndom = (G + 199) // 200
want_units = [dict(name=f"dmar{u}", kind="intel-vtd", ngroups=min(200, G - 200 * u),
                   ndevices=min(200, G - 200 * u) * PER) for u in range(ndom)]
got_units = sorted(({k: u.get(k) for k in ("name", "kind", "ngroups", "ndevices")} for u in units),
                   key=lambda u: u["name"])
if got_units != want_units:
    errs.append(f"units {got_units}, want {want_units}")
print("\n".join(errs[:5]))
sys.exit(1 if errs else 0)
EOF
	then
		ok "$what: group list, device list, iommu list read the tree as generated ($(cat "$tmp/gen"))"
	else
		bad "$what: $(cat "$tmp/why")"
	fi
}

check 8 4
check 201 1

# the generator refuses what it cannot lay out, and an existing tree
if python3 tests/tools/mksysfs.py "$tmp/x" --groups 1 --per-group 9 >/dev/null 2>&1 ||
	python3 tests/tools/mksysfs.py "$tmp/8x4" --groups 1 --per-group 1 >/dev/null 2>&1; then
	bad "mksysfs: --per-group 9 or an existing OUT/sys was accepted"
else
	ok "mksysfs: --per-group 9 and an existing OUT/sys are refused"
fi
finish
