#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2031 # the subshells source lib.sh, whose functions have their own locals
# TCE table walks in memory dumps of real POWER kernels (powernv9 under TCG;
# tests/vm/lib-ppc64.sh): Debian's ppc64el 6.12 under QEMU 7.2 (powernv), and
# Debian unstable's 7.2 under QEMU 11 with 4K pages (powernv-7.2) and with 64K
# pages (powernv-64k-7.2). While a batch run in the guest holds a map in the
# 32-bit window (1-level table) and one in a multilevel DDW at
# 0x800000000000000 (tests/vm/guest/dump-batch-ppc.txt: 2 levels on 6.12; on
# 7.2 more levels than the window needs, 4 with 4K pages and 3 with 64K, so
# that the top levels are used at index 0 only), the host dumps guest memory
# over QMP (tests/vm/lib-dump.sh, qmp-dump.py). A kprobe event on
# opal_pci_map_pe_dma_window in the guest gives each window's TCE table
# address, levels, level size and page size. Then, page by page against the
# guest's /proc/PID/pagemap (tests/vm/check-dump.py): iommuctl translate
# --format ppc-tce and walk mappings, one window at a time, with the level
# size the kernel gave OPAL, with Linux's rule for the guest kernel's page
# size (what the guest saw in smaps: 4K on powernv and powernv-7.2, 64K on
# powernv-64k-7.2), and with the other page size's rule, which must miss.
#   tests/cli/test-vm-dump-ppc.sh [BINARY]      (BINARY walks the dump on the host)
# make check boots powernv, make check-vm-all powernv-7.2 and powernv-64k-7.2
# too (vm_matrix; IOMMUCTL_VM_SCENARIOS="powernv-7.2 ..." names them): QEMU
# 11's powernv dumps are 2.2 GB each; make check's POWER 7.2 guest is
# test-vm-vfio-ppc's powernv-64k-7.2. The
# guests run the cross-built iommuctl (build-ppc64/, or $IOMMUCTL_PPC64).
# Skips with a reason like test-vm-vfio-ppc.sh; skipped for the sanitizer
# build of make check (one more boot of the same guests).
# IOMMUCTL_VM_SKIP=1 skips it; IOMMUCTL_TEST_KEEP=1 keeps the dumps and the
# guests' files.
set -u
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
bin=${1:-./iommuctl}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
. tests/cli/lib.sh

tmp=$(mktemp -d)
if [ -n "${IOMMUCTL_TEST_KEEP:-}" ]; then echo "# keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
read -r -a scenarios <<<"$(vm_matrix powernv powernv-7.2 powernv-64k-7.2)"
# the guest kernel's page size (CONFIG_PPC_4K_PAGES / CONFIG_PPC_64K_PAGES of
# each flavour's config) and the DDW levels of tests/vm/guest/dump-ppc.sh
declare -A want_kps=([powernv]=4096 [powernv-7.2]=4096 [powernv-64k-7.2]=65536)
declare -A want_levels=([powernv]=2 [powernv-7.2]=4 [powernv-64k-7.2]=3)

kdump=
# The windows from the kprobe trace: the last set-up (non-zero table address)
# of window 0 and of window 1 of the PE (window number = PE * 2 + N).
# "... tvt: (opal_pci_map_pe_dma_window+0x0/0x38) phb=0x.. pe=0x1fd win=0x3fb levels=0x2 addr=0x.. size=0x.. pgsz=0x1000"
win() { # N TRACE -> "levels addr size pgsz"
	python3 - "$1" "$2" <<'PY'
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
# Linux's TCE level size (pnv_pci_ioda2_table_alloc_pages): entries per level
# of a LEVELS-level table of 2^EBITS TCEs built by a kernel with PAGESIZE pages
linux_level_entries() { # EBITS LEVELS PAGESIZE
	local e=$1 l=$2 kps=$3 shift=0
	while [ $((1 << shift)) -lt "$kps" ]; do shift=$((shift + 1)); done
	local ls=$(((e + l - 1) / l + 3))
	[ "$ls" -ge "$shift" ] || ls=$shift
	echo $((1 << (ls - 3)))
}
ddw_status() { # ARGS...: the translation status of the DDW map's IOVA
	"$bin" -j translate --mem "$mem" --format ppc-tce --root "$a1" --levels "$l1" --page-shift 12 \
		--window-size 0x40000000 --bus-offset 0x800000000000000 "$@" 0x800000012340000 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["translation"]["status"])' 2>&1
}

for s in "${scenarios[@]}"; do
	vm_ppc64_check "POWER dump walks ($s)" "$bin" "$tmp" "$s" || continue
	if [ -z "$kdump" ]; then
		kdump=1
		if ! (. tests/vm/lib.sh && . tests/vm/lib-dump.sh && vm_dump_need_makedumpfile) >"$tmp/mdf.log" 2>&1; then
			kdump=0
			skip_broken "POWER dump walks, kdump half: $(tail -n 1 "$tmp/mdf.log")"
		fi
	fi
	# QEMU's kdump output (flattened) is walked as it is, and reassembled when makedumpfile is here
	fmts=(--format elf --format kdump-zlib)

	d=$tmp/$s
	rc=0
	# powernv needs 1 GiB: each ELF dump is that large (sparse files are not
	# written by QEMU); the virtio-serial port sits on the free PHB 4.
	IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-300} dump_guest_run "$s" tests/vm/guest/dump-ppc.sh "$d" \
		bus=pcie.4,addr=0x0 --timeout 240 "${fmts[@]}" || rc=$?
	dump_guest_report "$rc" "$s ($kver)" "$d" p1 SPAPR || continue

	kps=$(awk 'NR == 1 { print $4 }' "$d/out/p1.buffers")
	if [ "$kps" = "${want_kps[$s]}" ]; then
		ok "$s: the guest kernel's pages are $kps bytes (smaps KernelPageSize)"
	else
		bad "$s: the guest kernel's pages are '$kps' bytes (smaps), expected ${want_kps[$s]}"
	fi
	read -r l0 a0 s0 p0 <<<"$(win 0 "$d/out/p1.trace")"
	read -r l1 a1 s1 p1 <<<"$(win 1 "$d/out/p1.trace")"
	echo "# $s: window 0: levels $l0, table $a0, $s0 bytes, page $p0; window 1: levels $l1, table $a1, $s1 bytes, page $p1"
	# 1 GiB of 4K TCEs: 2^18 entries
	rule=$(linux_level_entries 18 "${want_levels[$s]}" "${want_kps[$s]}")
	if [ "${l0:-}" = 1 ] && [ "${p0:-}" = 4096 ] && [ "${l1:-}" = "${want_levels[$s]}" ] && [ "${p1:-}" = 4096 ]; then
		ok "$s: kprobe: the 32-bit window's table ($a0, 1 level) and the DDW's ($a1, $l1 levels, $((s1 / 8)) entries per level)"
	else
		bad "$s: kprobe trace lacks the windows: $(grep ' tvt: ' "$d/out/p1.trace" | tail -n 3 | tr '\n' ' ') $(cat "$d/out/kprobe.err" 2>/dev/null)"
		continue
	fi
	if [ "$((s1 / 8))" = "$rule" ]; then
		ok "$s: the kernel gave OPAL $rule-entry levels: Linux's rule for $l1 levels of 2^18 TCEs with ${want_kps[$s]}-byte pages"
	else
		bad "$s: the kernel gave OPAL $((s1 / 8))-entry levels; Linux's rule for ${want_kps[$s]}-byte pages says $rule"
	fi
	if [ "$kps" = 65536 ]; then other=4K; else other=64K; fi

	check_dump() { # NAME MAP LABEL ARGS...: one table per window, each check takes the map of its window
		local name=$1 map=$2 label=$3
		shift 3
		check_dump_run "$d/check-$name.txt" "$label" --iommuctl "$bin" --dir "$d/out" --tag p1 --map "$map" \
			--mem "$mem" "$@"
	}
	for fmt in elf kdump flat; do
		[ "$fmt" != kdump ] || [ "$kdump" = 1 ] || continue
		dump_open "$bin" "$d/dump" p1 $fmt "$s: $fmt (ppc64)" || continue
		check_dump w32 m32 "$s: $fmt: 32-bit window (1 level)" --unmapped 0x30000 --unmapped 0x7ffff000 -- \
			--format ppc-tce --root "$a0" --levels 1 --page-shift 12 --window-size 0x80000000
		check_dump ddw mddw "$s: $fmt: DDW ($l1 levels of $((s1 / 8)) entries)" \
			--unmapped 0x800000000000000 --unmapped 0x80000003ffff000 -- \
			--format ppc-tce --root "$a1" --levels "$l1" --page-shift 12 --window-size 0x40000000 \
			--bus-offset 0x800000000000000 --level-size $((s1 / 8))
		# the level size Linux's rule gives for the guest kernel's page size (what
		# the guest saw in smaps) is the one the kernel gave OPAL
		check_dump ddw-rule mddw "$s: $fmt: DDW ($l1 levels, --kernel-page-size $kps)" \
			--unmapped 0x800000000000000 -- \
			--format ppc-tce --root "$a1" --levels "$l1" --page-shift 12 --window-size 0x40000000 \
			--bus-offset 0x800000000000000 --kernel-page-size "$kps"
		# ... and the level size matters: with the other page size's rule the map is not found
		st=$(ddw_status --kernel-page-size "$other")
		if [ "$st" = not_present ]; then
			ok "$s: $fmt: DDW with $other pages' level size: 0x800000012340000 is not found (the rule matters)"
		else
			bad "$s: $fmt: DDW with $other pages' level size: status '$st'"
		fi
		# QEMU's dumps of powernv carry no VMCOREINFO, and the kdump header's
		# block size is QEMU's 4 KiB target page whatever the kernel's: with no
		# option the walker takes 64K pages' rule (and says so), which finds
		# the map on the 64K kernel
		desc=$("$bin" translate --mem "$mem" --format ppc-tce --root "$a1" --levels "$l1" --page-shift 12 \
			--window-size 0x40000000 --bus-offset 0x800000000000000 0x800000012340000 2>&1 |
			grep -m1 '^page table: ')
		case $desc in
		*", 8192 entries per lower level"*)
			ok "$s: $fmt: no option: 64K pages' level size (8192), the dump's page size ($("$bin" -j mem info "$mem" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("page_size"), d.get("page_size_from"))' 2>&1)) not taken for the kernel's" ;;
		*) bad "$s: $fmt: no option: '$desc'" ;;
		esac
		if [ "$kps" = 65536 ]; then
			st=$(ddw_status)
			[ "$st" = translated ] && ok "$s: $fmt: no option: the map is found with the assumed 64K rule" ||
				bad "$s: $fmt: no option: status '$st'"
		fi
	done
done
finish
