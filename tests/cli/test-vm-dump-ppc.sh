#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2031 # the subshells source lib.sh, whose functions have their own locals
# TCE table walks in memory dumps of a real POWER kernel (powernv9 under TCG,
# Debian's ppc64el 6.12; tests/vm/lib-ppc64.sh): while a batch run in the guest
# holds a map in the 32-bit window (1-level table) and one in a 2-level DDW at
# 0x800000000000000 (tests/vm/guest/dump-batch-ppc.txt), the host dumps guest
# memory over QMP (tests/vm/lib-dump.sh, qmp-dump.py). A kprobe event on
# opal_pci_map_pe_dma_window in the guest gives each window's TCE table
# address, levels, table size and page size. Then, page by page against the
# guest's /proc/PID/pagemap (tests/vm/check-dump.py): iommuctl translate
# --format ppc-tce and walk mappings, one window at a time.
#   tests/cli/test-vm-dump-ppc.sh [BINARY]      (BINARY walks the dump on the host)
# The guest runs the cross-built iommuctl (build-ppc64/, or $IOMMUCTL_PPC64).
# Skips with a reason like test-vm-vfio-ppc.sh; skipped for the sanitizer build
# of make check (one more boot of the same guest). IOMMUCTL_VM_SKIP=1 skips it;
# IOMMUCTL_TEST_KEEP=1 keeps the dump and the guest's files.
set -u
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
bin=${1:-./iommuctl}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
. tests/cli/lib.sh

tmp=$(mktemp -d)
if [ -n "${IOMMUCTL_TEST_KEEP:-}" ]; then echo "# keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
vm_ppc64_check "POWER dump walks" "$bin" "$tmp" || finish

kdump=1
if ! (. tests/vm/lib.sh && . tests/vm/lib-dump.sh && vm_dump_need_makedumpfile) >"$tmp/mdf.log" 2>&1; then
	kdump=0
	skip_broken "POWER dump walks, kdump half: $(tail -n 1 "$tmp/mdf.log")"
fi
fmts=(--format elf)
# QEMU's kdump output (flattened) is walked as it is, and reassembled when makedumpfile is here
fmts+=(--format kdump-zlib)

d=$tmp/ppc
rc=0
# powernv needs 1 GiB: each ELF dump is that large (sparse files are not
# written by QEMU); the virtio-serial port sits on the free PHB 4.
IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-200} dump_guest_run powernv tests/vm/guest/dump-ppc.sh "$d" \
	bus=pcie.4,addr=0x0 --timeout 180 "${fmts[@]}" || rc=$?
dump_guest_report "$rc" "powernv ($kver)" "$d" p1 SPAPR || finish

# The windows from the kprobe trace: the last set-up (non-zero table address)
# of window 0 and of window 1 of the PE (window number = PE * 2 + N).
# "... tvt: (opal_pci_map_pe_dma_window+0x0/0x38) phb=0x.. pe=0x1fd win=0x3fb levels=0x2 addr=0x.. size=0x.. pgsz=0x1000"
win() { # N -> "levels addr size pgsz"
	python3 - "$1" "$d/out/p1.trace" <<'PY'
import re, sys
n, last = int(sys.argv[1]), ""
for line in open(sys.argv[2]):
    if " tvt: " not in line:
        continue
    v = {k: int(x, 0) for k, x in re.findall(r"(\w+)=(0x[0-9a-f]+|\d+)", line)}
    if v.get("addr") and v.get("win", -1) % 2 == n:
        last = "%d 0x%x %d %d" % (v["levels"], v["addr"], v["size"], v["pgsz"])
print(last)
PY
}
read -r l0 a0 s0 p0 <<<"$(win 0)"
read -r l1 a1 s1 p1 <<<"$(win 1)"
echo "# window 0: levels $l0, table $a0, $s0 bytes, page $p0; window 1: levels $l1, table $a1, $s1 bytes, page $p1"
if [ "${l0:-}" = 1 ] && [ "${p0:-}" = 4096 ] && [ "${l1:-}" = 2 ] && [ "${p1:-}" = 4096 ]; then
	ok "kprobe: the 32-bit window's table ($a0, 1 level) and the DDW's ($a1, 2 levels, $((s1 / 8)) entries per level)"
else
	bad "kprobe trace lacks the windows: $(grep ' tvt: ' "$d/out/p1.trace" | tail -n 3 | tr '\n' ' ') $(cat "$d/out/kprobe.err" 2>/dev/null)"
	finish
fi

check_dump() { # NAME MAP LABEL ARGS...: one table per window, each check takes the map of its window
	local name=$1 map=$2 label=$3
	shift 3
	check_dump_run "$d/check-$name.txt" "$label" --iommuctl "$bin" --dir "$d/out" --tag p1 --map "$map" \
		--mem "$mem" "$@"
}
kps=$(awk 'NR == 1 { print $4 }' "$d/out/p1.buffers")
for fmt in elf kdump flat; do
	[ "$fmt" != kdump ] || [ "$kdump" = 1 ] || continue
	dump_open "$bin" "$d/dump" p1 $fmt "$fmt (ppc64)" || continue
	check_dump w32 m32 "$fmt: 32-bit window (1 level)" --unmapped 0x30000 --unmapped 0x7ffff000 -- \
		--format ppc-tce --root "$a0" --levels 1 --page-shift 12 --window-size 0x80000000
	check_dump ddw mddw "$fmt: DDW (2 levels)" --unmapped 0x800000000000000 --unmapped 0x80000003ffff000 -- \
		--format ppc-tce --root "$a1" --levels 2 --page-shift 12 --window-size 0x40000000 \
		--bus-offset 0x800000000000000 --level-size $((s1 / 8))
	# the level size Linux's rule gives for the guest kernel's page size (what
	# the guest saw in smaps) is the one the kernel gave OPAL
	check_dump ddw-rule mddw "$fmt: DDW (2 levels, --kernel-page-size $kps)" --unmapped 0x800000000000000 -- \
		--format ppc-tce --root "$a1" --levels 2 --page-shift 12 --window-size 0x40000000 \
		--bus-offset 0x800000000000000 --kernel-page-size "$kps"
	# ... and the level size matters: with 64K pages' rule the map is not found
	st=$("$bin" -j translate --mem "$mem" --format ppc-tce --root "$a1" --levels 2 --page-shift 12 \
		--window-size 0x40000000 --bus-offset 0x800000000000000 --kernel-page-size 64K 0x800000012340000 \
		2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["translation"]["status"])' 2>&1)
	if [ "$st" = not_present ]; then
		ok "$fmt: DDW with 64K pages' level size: 0x800000012340000 is not found (the rule matters)"
	else
		bad "$fmt: DDW with 64K pages' level size: status '$st'"
	fi
done
finish
