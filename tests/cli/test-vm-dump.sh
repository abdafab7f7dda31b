#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2031 # the subshells source lib.sh, whose functions have their own locals
# Offline page-table walks checked against real kernels. In QEMU guests of
# tests/vm -- Arm SMMUv3 (Debian's arm64 6.12 kernel with 4K pages, and the
# -arm64-16k kernel), Intel VT-d in legacy and scalable mode, and AMD-Vi
# (Debian's amd64 6.12 kernel) -- a batch run maps buffers for edu through
# VFIO and holds them while the host dumps guest memory over QMP (ELF and
# kdump) and reads the IOMMU's root register (STRTAB_BASE and
# STRTAB_BASE_CFG, RTADDR_REG, the device table base). Then, from the dumps
# alone: iommuctl translate (from that register through the stream table, STE
# and CD; root, context and PASID entries; the device table entry) of every
# mapped page, and walk mappings, must give exactly the physical pages the
# guest's /proc/PID/pagemap gives for the buffers; walk roots, with --format
# and without it, must rank that register's table first, and the root the
# kernel itself recorded, which walk roots reads from the dump's VMCOREINFO
# (QEMU's vmcoreinfo device, filled by the guest's qemu_fw_cfg), kallsyms and
# BTF, must be that register's, ranked first (RISC-V too). The kdump dump is
# read both as QEMU wrote it (makedumpfile's flattened stream) and as
# makedumpfile -R reassembles it.
#   tests/cli/test-vm-dump.sh [BINARY] [SCENARIO...]
# BINARY (default ./iommuctl) reads the dumps on the host; the x86 guests run
# it too, the arm64 guests the cross-built build-arm64/iommuctl (or
# $IOMMUCTL_ARM64). SCENARIO defaults to all five, riscv-7.2 and
# riscv-7.2-vfio (a block of their own below: the registers, walk roots and
# the DDT against the kernel's groups; the stock riscv64 7.2 guest has no VFIO
# maps, the riscv64 rebuild of tests/vm/build-kernel.sh --arch riscv64 holds
# iommufd maps, walked page by page; skipped until that kernel is built). The arm64 half is skipped
# with a reason when qemu-system-aarch64 or the cross toolchain is missing and
# cannot be installed (not root), the kdump half without makedumpfile.
# IOMMUCTL_VM_SKIP=1 skips everything; IOMMUCTL_TEST_KEEP=1 keeps the dumps.
# IOMMUCTL_VM_SHARE=DIR (tests/run-all.sh sets it for one make check): a
# scenario's guest run is kept there, and a later build's run (the sanitizer
# build) checks its own binary on those dumps instead of booting the guests
# again; it says so in a note.
set -u
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
bin=${1:-./iommuctl}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
[ $# -gt 0 ] && shift
scenarios=${*:-${IOMMUCTL_VM_SCENARIOS:-arm64-smmuv3 arm64-smmuv3-16k vtd vtd-sm amd}}
share=${IOMMUCTL_VM_SHARE:+$IOMMUCTL_VM_SHARE/test-vm-dump}
# shellcheck source=lib.sh
. tests/cli/lib.sh
# the 7.2 world: make check walks vtd-sm-7.2 (x86), arm64-smmuv3-s2-7.2 (arm64)
# and riscv-7.2 (below); make check-vm-all (IOMMUCTL_VM_ALL=1) vtd-7.2, amd-7.2
# and the 4K and 16K arm64 ones too
if [ $# -eq 0 ] && [ -z "${IOMMUCTL_VM_SCENARIOS:-}" ]; then
	scenarios="$scenarios $(vm_matrix "vtd-sm-7.2 arm64-smmuv3-s2-7.2" vtd-7.2 amd-7.2 arm64-smmuv3-7.2 arm64-smmuv3-16k-7.2)"
fi
tmp=$(mktemp -d)
# IOMMUCTL_TEST_KEEP=1 keeps the dumps and the guest's files for a look
if [ -n "${IOMMUCTL_TEST_KEEP:-}" ]; then echo "# keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
if [ -n "${IOMMUCTL_VM_SKIP:-}" ]; then
	skip "IOMMUCTL_VM_SKIP is set"
	finish
fi
case " $scenarios " in *" arm64"*)
	vm_arm64_check "arm64 dump walks" "$tmp" ||
		scenarios=$(echo "$scenarios" | tr ' ' '\n' | grep -v '^arm64' | tr '\n' ' ') ;;
esac
# the 7.2 world's QEMU (the sid root, built once): without it the 7.2 arm64 scenarios are skipped
case " $scenarios " in *" arm64-"*"-7.2 "*)
	if ! (. tests/vm/lib.sh && VM_WORLD=7.2 && vm_qemu_bin qemu-system-aarch64) >"$tmp/qemu11.log" 2>&1; then
		skip "arm64 7.2 dump walks: QEMU cannot run here (no QEMU 11 root: $(tail -n 1 "$tmp/qemu11.log"))"
		scenarios=$(echo "$scenarios" | tr ' ' '\n' | grep -v '^arm64-.*-7\.2$' | tr '\n' ' ')
	fi ;;
esac
if [ "$(id -u)" -ne 0 ] && ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	skip "x86 dump walks: no qemu-system-x86_64 (and not root to install it)"
	scenarios=$(echo "$scenarios" | tr ' ' '\n' | grep '^arm64' | tr '\n' ' ')
fi
kdump=1
if ! (. tests/vm/lib.sh && . tests/vm/lib-dump.sh && vm_dump_need_makedumpfile) >"$tmp/mdf.log" 2>&1; then
	kdump=0
	skip_broken "kdump half: $(tail -n 1 "$tmp/mdf.log")"
fi

# Where each scenario's IOMMU keeps its root register, and how many 32-bit
# words to read there: QEMU virt's SMMUv3 at 0x09050000 (STRTAB_BASE at +0x80,
# 64 bits, read as two words; STRTAB_BASE_CFG at +0x88); QEMU's intel-iommu at
# 0xfed90000 (RTADDR_REG at +0x20); QEMU's amd-iommu at 0xfed80000 (the device
# table base register at +0). edu at 00:03.0 is requester/stream 0x18.
declare -A XP=([arm64-smmuv3]=0x9050080:3 [arm64-smmuv3-16k]=0x9050080:3
	[vtd]=0xfed90020:2 [vtd-sm]=0xfed90020:2 [amd]=0xfed80000:2)
declare -A LABEL=([arm64-smmuv3]="arm64 4K" [arm64-smmuv3-16k]="arm64 16K"
	[vtd]="VT-d" [vtd-sm]="VT-d scalable" [amd]="AMD-Vi")
declare -A HIGH=([arm64-smmuv3]=0x7fff80000000 [arm64-smmuv3-16k]=0x7fff80000000
	[vtd]=0x7fff800000 [vtd-sm]=0x7fff800000 [amd]=0x7fff800000)

# ---- arm64 SMMUv3 on Linux 7.2 under QEMU 11 (the 7.2 world) ----
# arm64-smmuv3-7.2 (4K) and -16k-7.2 as the 6.12 ones (stage 1, STE Config 5);
# arm64-smmuv3-s2-7.2 has a user-created stage-2-only arm-smmuv3 on the
# platform bus (tests/vm/lib-arm64.sh), its registers at 0x0c000000, which the
# guest's /proc/iomem must confirm; its STE is Config 6 (S2TTB, VTCR fields)
# and its input size the SMMU's 44-bit OAS, so the high map sits below 2^44
# (guest/dump-batch-arm64-s2.txt).
XP+=([arm64-smmuv3-7.2]=0x9050080:3 [arm64-smmuv3-16k-7.2]=0x9050080:3 [arm64-smmuv3-s2-7.2]=0xc000080:3)
LABEL+=([arm64-smmuv3-7.2]="arm64 4K 7.2" [arm64-smmuv3-16k-7.2]="arm64 16K 7.2"
	[arm64-smmuv3-s2-7.2]="arm64 stage-2 7.2")
HIGH+=([arm64-smmuv3-7.2]=0x7fff80000000 [arm64-smmuv3-16k-7.2]=0x7fff80000000
	[arm64-smmuv3-s2-7.2]=0xfff80000000)
# STE Config each scenario's walk must go through
declare -A STE_CONFIG=([arm64-smmuv3-7.2]="stage 1" [arm64-smmuv3-16k-7.2]="stage 1"
	[arm64-smmuv3-s2-7.2]="stage 2")
# arm64_72_checks SCENARIO DIR: the guest's view of the SMMU the walks start from
arm64_72_checks() {
	local s=$1 d=$2 label=${LABEL[$1]} base=${XP[$1]%%:*} iomem
	[ -n "${STE_CONFIG[$s]:-}" ] || return 0
	iomem=$(tr '\n' ' ' <"$d/out/iomem-smmu.txt" 2>/dev/null)
	if grep -qi "^ *0*$(printf '%x' $((base & ~0xffff)))-[0-9a-f]* : .*smmuv3" "$d/out/iomem-smmu.txt" 2>/dev/null; then
		ok "$label: the guest's /proc/iomem puts the SMMU at $(printf '0x%x' $((base & ~0xffff))) ($iomem)"
	else
		bad "$label: the guest's /proc/iomem does not put the SMMU at $(printf '0x%x' $((base & ~0xffff))): '$iomem'"
	fi
}
# arm64_72_ste SCENARIO FMT: the STE the kernel wrote for edu translates as the
# scenario says (Config stage 1 with a stage-1 CD and table, or Config 6 with
# S2TTB and stage-2 descriptors); $mem and $hier are check_scenario's
arm64_72_ste() {
	local s=$1 fmt=$2 label=${LABEL[$1]} want out tbl
	[ -n "${STE_CONFIG[$s]:-}" ] || return 0
	want=${STE_CONFIG[$s]}
	tbl=arm-lpae-s${want#stage }
	out=$("$bin" translate --mem "$mem" "${hier[@]}" 0x100000 2>&1)
	if printf '%s\n' "$out" | grep -q "^STE .*valid, Config $want" &&
		printf '%s\n' "$out" | grep -q "^page table: $tbl, "; then
		ok "$label $fmt: edu's STE is Config $want, its table $tbl ($(printf '%s\n' "$out" | grep '^page table:'))"
	else
		bad "$label $fmt: edu's STE is not Config $want with $tbl tables: $(printf '%s\n' "$out" | grep -E '^(STE|page table)' | tr '\n' ' ')"
	fi
}
# ---- x86 on Linux 7.2 / QEMU 11 ----
# The same walks on tables the kernel's generic page-table code wrote
# (drivers/iommu/generic_pt, 6.19+): the VT-d second stage in vtd-7.2, the
# x86-64 first stage under a scalable-mode PASID entry in vtd-sm-7.2 (QEMU's
# fsts=on: ECAP FSTS without SLTS, so first stage is all the kernel can use),
# AMD v1 in amd-7.2. x86_72_view then checks, on each dump, that the
# structures iommuctl walked through are those the kernel's rules pick for
# the registers the guest itself read (its sysfs cap/ecap, features).
XP+=([vtd-7.2]=0xfed90020:2 [vtd-sm-7.2]=0xfed90020:2 [amd-7.2]=0xfed80000:2)
LABEL+=([vtd-7.2]="VT-d 7.2" [vtd-sm-7.2]="VT-d first stage 7.2" [amd-7.2]="AMD-Vi 7.2")
HIGH+=([vtd-7.2]=0x7fff800000 [vtd-sm-7.2]=0x7fff800000 [amd-7.2]=0x7fff800000)
declare -A VIEW
VIEW+=([vtd-7.2]=x86_72_view [vtd-sm-7.2]=x86_72_view [amd-7.2]=x86_72_view)

# x86_72_view SCENARIO DIR FMT (in check_scenario: $mem, $label, hier)
x86_72_view() {
	local s=$1 d=$2 fmt=$3 line rc want got
	"$bin" -j translate --mem "$mem" "${hier[@]}" 0x100088 >"$d/view-$fmt.json" 2>"$d/view-$fmt.err"
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "$label $fmt: ${line#ok }" ;;
		*) bad "$label $fmt: ${line#FAIL }" ;;
		esac
	done < <(python3 - "$s" "$d/view-$fmt.json" "$d/out" 2>&1 <<'PY'
import json, os, sys
s, path, out = sys.argv[1:4]
def reg(name):
    try:
        return int(open(os.path.join(out, name)).read().split()[0].split(":")[0], 16)
    except (OSError, IndexError, ValueError):
        return None
def bits(v, hi, lo):
    return v >> lo & ((1 << (hi - lo + 1)) - 1)
try:
    t = json.load(open(path))
except (OSError, ValueError) as e:
    sys.exit(print("FAIL translate -j: %s" % e))
steps = {st["what"]: [int(w, 16) for w in st["entry"]] for st in t["steps"] if st.get("entry")}
fmt, levels, root = t.get("format"), t.get("levels"), int(t.get("root") or "0", 16)
if s == "vtd-sm-7.2":
    cap, ecap = reg("vtd-cap.txt"), reg("vtd-ecap.txt")
    if cap is None or ecap is None:
        sys.exit(print("FAIL the guest's cap/ecap are missing"))
    if not (bits(ecap, 43, 43) and bits(ecap, 47, 47) and not bits(ecap, 46, 46)):
        print("FAIL ECAP 0x%x: not scalable mode with first stage only (SMTS, FSTS, no SLTS)" % ecap)
    pe = steps.get("PASID entry")
    if not pe:
        sys.exit(print("FAIL no PASID entry in the walk: %s" % list(steps)))
    pgtt, fspm, fsptr = bits(pe[0], 8, 6), bits(pe[2], 3, 2), pe[2] & ~0xfff
    # the kernel's rule (compute_vasz_lg2_fs): 5-level only with MGAW > 48 and CAP FS5LP
    want = 1 if bits(cap, 21, 16) + 1 > 48 and bits(cap, 60, 60) else 0
    if pgtt == 1 and fmt == "vtd-fl-pte" and root == fsptr:
        print("ok the PASID entry is first stage (PGTT=1), walked as x86-64 paging from FSPTPTR 0x%x" % fsptr)
    else:
        print("FAIL PASID entry PGTT=%d FSPTPTR 0x%x; walked %s from 0x%x" % (pgtt, fsptr, fmt, root))
    if fspm == want and levels == 4 + fspm:
        print("ok FSPM=%d: %d-level first stage, as the guest's CAP 0x%x (MGAW %d, FS5LP %d) makes the kernel choose"
              % (fspm, levels, cap, bits(cap, 21, 16) + 1, bits(cap, 60, 60)))
    else:
        print("FAIL FSPM=%d (the kernel would pick %d for CAP 0x%x); walked %s levels" % (fspm, want, cap, levels))
elif s == "vtd-7.2":
    cap = reg("vtd-cap.txt")
    ce = steps.get("context entry")
    if cap is None or not ce:
        sys.exit(print("FAIL no CAP (%s) or no context entry in the walk (%s)" % (cap, list(steps))))
    tt, aw = bits(ce[0], 3, 2), bits(ce[1], 2, 0)
    mgaw, sagaw = bits(cap, 21, 16) + 1, bits(cap, 12, 8)
    # the kernel's rule (compute_vasz_lg2_ss): the widest table MGAW and SAGAW both allow
    if mgaw > 48 and sagaw >= 8:
        top = 4
    elif mgaw > 39 and sagaw >= 4:
        top = 3 + ((sagaw >> 3) & -(sagaw >> 3)).bit_length()
    else:
        top = 2 + ((sagaw >> 2) & -(sagaw >> 2)).bit_length()
    if tt == 0 and fmt == "vtd-sl-pte" and aw + 2 == levels == top + 1:
        print("ok legacy context entry TT=0, AW=%d: %d-level second stage, as the guest's CAP 0x%x (MGAW %d, SAGAW 0x%x) makes the kernel choose"
              % (aw, levels, cap, mgaw, sagaw))
    else:
        print("FAIL context TT=%d AW=%d, walked %s %s levels; the kernel would pick %d levels" % (tt, aw, fmt, levels, top + 1))
elif s == "amd-7.2":
    feat = reg("amd-features.txt")
    dte = steps.get("DTE")
    if feat is None or not dte:
        sys.exit(print("FAIL no features (%s) or no DTE in the walk (%s)" % (feat, list(steps))))
    mode, gv = bits(dte[0], 11, 9), bits(dte[0], 55, 55)
    # v2 tables for DMA need EFR GT and GIOSup (amd_iommu_v2_pgtbl_supported)
    v2 = bits(feat, 4, 4) and bits(feat, 48, 48)
    if fmt == "amd-v1-pte" and mode == levels and not gv and not v2:
        print("ok DTE Mode %d (GV=0): a %d-level v1 table; the guest's EFR 0x%x has no GIOSup, so no v2 table for DMA"
              % (mode, levels, feat))
    else:
        print("FAIL DTE Mode %d GV %d, walked %s %s levels, EFR 0x%x" % (mode, gv, fmt, levels, feat))
PY
)
	[ "$s" = vtd-sm-7.2 ] || return 0
	# the PASID the kernel gives DMA without a PASID (RID_PASID 0) and one
	# that edu, with no PASID capability, cannot send (PASIDE=0)
	want=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["translation"]["pa"])' <"$d/view-$fmt.json" 2>/dev/null)
	got=$("$bin" -j translate --mem "$mem" "${hier[@]}" --pasid 0 0x100088 2>&1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["translation"]["pa"])' 2>&1)
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		ok "$label $fmt: --pasid 0 (the context entry's RID_PASID) translates as without a PASID ($got)"
	else
		bad "$label $fmt: --pasid 0 gives '$got', without a PASID '$want'"
	fi
	"$bin" translate --mem "$mem" "${hier[@]}" --pasid 1 0x100088 >/dev/null 2>"$d/pasid1.err"
	rc=$?
	if [ $rc -eq 3 ] && grep -q 'PASIDE=0' "$d/pasid1.err"; then
		ok "$label $fmt: --pasid 1 is not translated (exit 3): the kernel left PASID requests off for edu (PASIDE=0)"
	else
		bad "$label $fmt: --pasid 1: exit $rc: $(head -c 200 "$d/pasid1.err")"
	fi
}
# ---- end of x86 7.2 ----

# hier_args SCENARIO XPFILE: prints the options that name the table (one per
# line), and a comment line on stderr saying what the register held
hier_args() {
	local s=$1 f=$2 lo hi w2 base v
	lo=$(awk 'NR==1 { print $2 }' "$f")
	hi=$(awk 'NR==2 { print $2 }' "$f")
	w2=$(awk 'NR==3 { print $2 }' "$f")
	[ -n "$lo" ] && [ -n "$hi" ] || return 1
	v=$(( (hi << 32) | lo ))
	case $s in
	arm64*)
		# STRTAB_BASE: ADDR is bits 51:6 (bit 62 is RA)
		base=$(printf '0x%x' $(( v & 0x000fffffffffffc0 )))
		echo "# STRTAB_BASE $(printf '0x%x' $v) -> $base, STRTAB_BASE_CFG $w2" >&2
		[ "$base" != 0x0 ] && [ -n "$w2" ] || return 1
		printf '%s\n' --format smmuv3 --strtab "$base" --strtab-cfg "$w2" --sid 0x18 ;;
	vtd*)
		# RTADDR_REG: the root table address in bits 63:12, TTM in 11:10 (01: scalable)
		base=$(printf '0x%x' $(( v & ~0xfff )))
		echo "# RTADDR_REG $(printf '0x%x' $v) -> $base, TTM $(( (v >> 10) & 3 ))" >&2
		[ "$base" != 0x0 ] || return 1
		printf '%s\n' --format vtd --rtaddr "$base" --dev 00:03.0
		[ $(( (v >> 10) & 3 )) -eq 1 ] && echo --scalable ;;
	amd*)
		# device table base register: base in bits 51:12, size in 8:0 ((n+1) 4K pages)
		base=$(printf '0x%x' $(( v & 0x000ffffffffff000 )))
		echo "# DEV_TAB_BASE $(printf '0x%x' $v) -> $base, $(( ((v & 0x1ff) + 1) * 4096 / 32 )) entries" >&2
		[ "$base" != 0x0 ] || return 1
		printf '%s\n' --format amd --dte-base "$base" --dte-count $(( ((v & 0x1ff) + 1) * 4096 / 32 )) --dev 00:03.0 ;;
	esac
}

# roots_first ERRFILE [OPTION...]: the walk options of the first candidate
# walk roots finds in $mem (empty when none), its stderr in ERRFILE
roots_first() {
	local err=$1
	shift
	"$bin" -j walk roots "$@" --mem "$mem" 2>"$err" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["roots"]; print(r[0]["walk_options"] if r else "")' 2>&1
}

# kroots_check LABEL FILE [-f FAMILY] HIER...: walk roots -j (--format FAMILY with -f, else none) on $mem
# reads, from the dump alone, the roots the kernel recorded; the one unit's
# must be what the register held (for SMMUv3 with the register's own
# STRTAB_BASE_CFG, which the kernel computed the same way), ranked first by
# the scan. FILE.json and FILE.err keep what it printed.
kroots_check() {
	local label=$1 f=$2 want got
	local -a h a=()
	shift 2
	[ "$1" = -f ] && { a=(--format "$2"); shift 2; }
	h=("$@")
	case ${h[1]} in
	smmuv3) want="--format smmuv3 --strtab ${h[3]} --strtab-cfg $(printf '0x%x' "${h[5]}")" ;;
	*) want=$want_opts ;;
	esac
	"$bin" -j walk roots "${a[@]}" --mem "$mem" >"$f.json" 2>"$f.err"
	got=$(python3 -c '
import json, sys
k = json.load(open(sys.argv[1])).get("kernel", {})
if "note" in k:
    sys.exit(print("note: " + k["note"]))
u = [x for x in k.get("units", []) if x.get("family")]
if len(u) != 1:
    sys.exit(print("%d units: %s" % (len(u), k.get("units"))))
u = u[0]
print("%s|%s|%s|%s %s symbols from %s, BTF %s bytes" % (u.get("walk_options"), u.get("scan_rank"), u["name"],
      u.get("reason", ""), k["symbols"], k["symbols_from"], k.get("btf_bytes")))' "$f.json" 2>&1)
	if [ "${got%%|*}" = "$want" ] && [ "$(echo "$got" | cut -d'|' -f2)" = 1 ]; then
		ok "$label: walk roots ${a[*]:+${a[*]} }reads the kernel's own root ($(echo "$got" | cut -d'|' -f3): $want) from VMCOREINFO, kallsyms and BTF, and the scan ranks it first ($(echo "$got" | cut -d'|' -f4))"
	else
		bad "$label: the kernel-recorded root: '$got', want '$want' ranked 1 $(head -c 300 "$f.err")"
	fi
}

check_scenario() { # SCENARIO
	local s=$1 label=${LABEL[$1]} d=$tmp/$1 fmt mem rc
	local -a hier fmts
	fmts=(--format elf)
	# QEMU's kdump output (flattened) is walked as it is, and reassembled when makedumpfile is here
	fmts+=(--format kdump-zlib)
	rc=0
	if [ -n "$share" ] && [ -f "$share/$s/.ok" ] && cp -al "$share/$s" "$d" 2>/dev/null; then
		rm -f "$d/.ok"
		note "$label: the guest run (its dumps and pagemaps) of $(cat "$share/$s/.ok") earlier in this run is reused; the checks on the dumps below run with $bin"
	else
		# arm64's kernel keeps 64 MiB for CMA: 256M leaves too little room to
		# unpack the initramfs (the cross-built binary with every library it
		# may load on demand, libicu's 30 MB of data among them)
		# QEMU's vmcoreinfo device, filled by the guest's qemu_fw_cfg: the dumps
		# carry VMCOREINFO, from which walk roots reads the kernel's own roots
		VM_DUMP_VMCOREINFO=1 IOMMUCTL_VM_MODULES="${IOMMUCTL_VM_MODULES:-} qemu_fw_cfg" \
		IOMMUCTL_VM_MEM=$([[ $s == arm64* ]] && echo 384M || echo 256M) IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-200} dump_guest_run "$s" \
			tests/vm/guest/dump-guest.sh "$d" addr=0x7 --timeout "$(( ${IOMMUCTL_VM_TIMEOUT:-200} - 20 ))" --xp "${XP[$s]}" "${fmts[@]}" || rc=$?
		dump_guest_report "$rc" "$label" "$d" s1 VFIO || return
		# for the next build's run (before anything below writes into $d)
		if [ -n "$share" ] && mkdir -p "$share" && rm -rf "$share/$s.new" && cp -al "$d" "$share/$s.new"; then
			echo "$bin" >"$share/$s.new/.ok" && mv "$share/$s.new" "$share/$s"
		fi
	fi
	arm64_72_checks "$s" "$d"
	if mapfile -t hier < <(hier_args "$s" "$d/dump/s1.xp" 2>"$d/regs.txt") && ((${#hier[@]})); then
		ok "$label: the IOMMU's root register read over QMP: $(tr -d '#' <"$d/regs.txt" | tr '\n' ' ')"
	else
		bad "$label: no usable root register from QMP: $(tr '\n' ' ' <"$d/dump/s1.xp")"
		return
	fi
	for fmt in elf kdump flat; do
		[ "$fmt" != kdump ] || [ "$kdump" = 1 ] || continue
		dump_open "$bin" "$d/dump" s1 $fmt "$label $fmt" || continue
		# without the register: walk roots must find the same table in the dump alone
		roots=$(roots_first "$d/roots.err" --format "${hier[1]}")
		want_opts="--format ${hier[*]:1:3}"
		case ${hier[1]} in
		vtd) [[ " ${hier[*]} " == *" --scalable "* ]] && want_opts+=" --scalable" ;;
		smmuv3) want_opts+=" --strtab-cfg $(printf '0x%x' $(( (hier[5] & ~0x3f) | ((hier[5] >> 6 & 0x1f) + 9) )))" ;;
		amd) want_opts+=" --dte-count ${hier[5]}" ;;
		esac
		if [ "$roots" = "$want_opts" ]; then
			ok "$label $fmt: walk roots ranks the register's table first ($roots)"
		else
			bad "$label $fmt: walk roots: '$roots', want '$want_opts' $(head -c 200 "$d/roots.err")"
		fi
		# ... and so without being told the family: every family looked for, ranked together
		roots=$(roots_first "$d/roots-all.err")
		if [ "$roots" = "$want_opts" ]; then
			ok "$label $fmt: walk roots without --format ranks the register's table first"
		else
			bad "$label $fmt: walk roots without --format: '$roots', want '$want_opts' $(head -c 200 "$d/roots-all.err")"
		fi
		# ... and the root the kernel itself recorded (VMCOREINFO's kallsyms, the
		# BTF in the dump, iommu_device_list) is the register's, ranked first
		kroots_check "$label $fmt" "$d/kroots-$fmt" "${hier[@]}"
		check_dump_run "$d/check-$fmt.txt" "$label $fmt" --iommuctl "$bin" --dir "$d/out" --tag s1 \
			--mem "$mem" --readonly ro --unmapped 0x110000 \
			--unmapped "$(printf '0x%x' $((HIGH[$s] + 0x20000)))" -- "${hier[@]}"
		arm64_72_ste "$s" "$fmt"
		[ -z "${VIEW[$s]:-}" ] || "${VIEW[$s]}" "$s" "$d" "$fmt"
	done
}

# ---- RISC-V IOMMU (riscv-7.2: Linux 7.2 under QEMU 11, tests/vm/lib-riscv64.sh) ----
# QEMU's riscv-iommu-pci at 00:01.0; with the dump's virtio-serial at 00:07.0
# Linux 7.2 puts its BAR0 (the registers) at 0x400208000 (the guest says
# where: checked). Six words from there: capabilities (0x0, 64 bits), fctl
# (0x8), 0xc, ddtp (0x10, 64 bits). The stock riscv64 7.2 kernel makes no
# paging domain (no DMA domains on RISC-V, and vfio-pci's probe fails: the
# driver reports no IOMMU_CAP_CACHE_COHERENCY), so every device context is
# an identity one (fsc Bare): the walks from ddtp are checked against the
# guest's own list of groups and their types, and the registers against the
# spec and the kernel's choices.
#
# riscv-7.2-vfio: the same VM scenario (riscv-7.2) on the riscv64 7.2 rebuild
# (tests/vm/build-kernel.sh --series 7.2 --arch riscv64: IOMMUFD, the VFIO
# cdev, and tests/vm/patches/riscv-iommu-capable.patch, which lets vfio-pci
# bind). iommufd_device_bind refuses a device without isolated MSIs (7.2's
# iommu_group_has_isolated_msi: the IMSIC's MSI domain does not set
# IRQ_DOMAIN_FLAG_ISOLATED_MSI and the RISC-V IOMMU driver remaps no MSIs),
# so its command line has iommufd.allow_unsafe_interrupts=1 (edu raises no
# interrupts here). The guest (dump-guest.sh, on finding /dev/iommu) binds
# edu through iommufd, attaches it to an IOAS (the driver's paging domain,
# generic_pt's riscv64 format) and holds four maps
# (guest/dump-batch-riscv-iommufd.txt) while QMP dumps memory: the walks from
# ddtp through the DDT and edu's device context (fsc) to the Sv leaves must
# give the guest's pagemap, page by page, in ELF and kdump. The rebuild has no
# kallsyms or BTF: the kernel-recorded root is checked on riscv-7.2.
XP[riscv-7.2]=0x400208000:6
LABEL[riscv-7.2]="RISC-V"
XP[riscv-7.2-vfio]=0x400208000:6
LABEL[riscv-7.2-vfio]="RISC-V VFIO"
HIGH[riscv-7.2-vfio]=0xffffffff800000
riscv72_image=${IOMMUCTL_VM_IOMMUFD72_RISCV64_IMAGE:-${IOMMUCTL_VM_CACHE:-$HOME/.cache/iommuctl-vm}/kernel-iommufd-7.2-riscv64/Image}
[ $# -gt 0 ] || [ -n "${IOMMUCTL_VM_SCENARIOS:-}" ] || scenarios+=" riscv-7.2 riscv-7.2-vfio"
case " $scenarios " in *" riscv"*)
	if [ -z "${IOMMUCTL_RISCV64:-}" ] && ! (. tests/vm/lib.sh && vm_riscv64_need_tools &&
		vm_riscv64_build_iommuctl) >"$tmp/riscv64-build.log" 2>&1; then
		skip_broken "RISC-V dump walks: cannot cross-build iommuctl for riscv64: $(tail -n 2 "$tmp/riscv64-build.log" | tr '\n' ' ')"
		scenarios=$(echo "$scenarios" | tr ' ' '\n' | grep -v '^riscv' | tr '\n' ' ')
	fi ;;
esac

# rv_json FILE EXPR: a Python expression on the JSON in FILE (as j), printed
rv_json() {
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>&1
}

# riscv_vfio_walks SCENARIO DIR FMT: on the rebuild, edu's device context
# leads to the paging domain's table (iosatp in fsc, no process directory:
# the driver builds none), and the walks from ddtp agree with the guest's
# pagemap page by page; $mem and $hier are check_riscv's
riscv_vfio_walks() {
	local s=$1 d=$2 fmt=$3 label="${LABEL[$1]} $3" got want iova n size
	"$bin" -j translate "${hier[@]}" --dev 00:03.0 --mem "$mem" 0x100088 >"$d/tr-$fmt.json" 2>"$d/tr-$fmt.err"
	got=$(rv_json "$d/tr-$fmt.json" '"%s levels=%s input_bits=%s | %s" % (j.get("format"), j.get("levels"), j.get("input_bits"), "; ".join("%s: %s" % (st.get("what"), st.get("summary")) for st in j.get("steps", []) if st.get("what") != "page table"))')
	# the deepest Sv mode the IOMMU has (riscv_iommu_alloc_paging_domain):
	# QEMU's riscv-iommu has Sv57 (iosatp MODE 10), five levels, 57 bits
	want="riscv-pte levels=5 input_bits=57 | "
	if [ $(( (caps >> 11) & 1 )) -ne 1 ]; then
		bad "$label: the IOMMU has no Sv57 (capabilities $caps): this check expects QEMU's riscv-iommu"
	elif [ "${got#"$want"}" != "$got" ] && echo "$got" | grep -q 'device context: valid, iosatp MODE 10,' &&
		! echo "$got" | grep -qi 'process'; then
		ok "$label: translate --dev 00:03.0: DDT entries to edu's device context, fsc is iosatp Sv57 (no process directory), 5 levels ($got)"
	else
		bad "$label: translate --dev 00:03.0: '$got', want $want with an iosatp MODE 10 device context $(head -c 200 "$d/tr-$fmt.err")"
	fi
	check_dump_run "$d/check-$fmt.txt" "$label" --iommuctl "$bin" --dir "$d/out" --tag s1 \
		--mem "$mem" --readonly ro --unmapped 0x110000 \
		--unmapped "$(printf '0x%x' $((HIGH[$s] + 0x20000)))" -- "${hier[@]}" --dev 00:03.0
	# the leaf sizes the kernel chose: a megapage for "big" and Svnapot 64K
	# runs for "napot" (dump-batch-riscv-iommufd.txt) where the guest's
	# pagemap shows the buffer physically contiguous and aligned (a
	# transparent huge page), 4K pages otherwise
	for n in big:0x40000000:2097152 napot:0x60010000:65536; do
		size=${n##*:}
		iova=${n#*:}; iova=${iova%:*}
		n=${n%%:*}
		want=$(python3 - "$d/out/s1.$n.pagemap" "$size" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
pfn = [e & ((1 << 55) - 1) if e >> 63 else None for (e,) in struct.iter_unpack("<Q", data[: len(data) // 8 * 8])]
n = int(sys.argv[2]) // 4096
# the leaf holding the map's first page: big's starts on a 2 MiB boundary,
# napot's 64 KiB into one, so its first 64 KiB block is pages 0-15 either way
ok = len(pfn) >= n and None not in pfn[:n] and pfn[0] % n == 0 and all(pfn[i] == pfn[0] + i for i in range(n))
print(sys.argv[2] if ok else 4096)
PY
)
		got=$(rv_json <("$bin" -j translate "${hier[@]}" --dev 00:03.0 --mem "$mem" "$iova" 2>&1) 'j["translation"]["page_size"]')
		if [ "$got" = "$want" ]; then
			ok "$label: translate $iova ($n): a $got-byte leaf, as the guest's pagemap allows"
		else
			bad "$label: translate $iova ($n): page_size '$got', the guest's pagemap says $want"
		fi
	done
}

check_riscv() { # SCENARIO
	local s=$1 label=${LABEL[$1]} d=$tmp/$1 rc=0 fmt w caps fctl ddtp bar want got vfio=0
	local -a hier fmts=(--format elf)
	[ "$kdump" = 1 ] && fmts+=(--format kdump-zlib)
	if [ "$s" = riscv-7.2-vfio ]; then
		vfio=1
		if [ ! -f "$riscv72_image" ]; then
			skip "RISC-V VFIO dump walks on 7.2: the rebuilt (iommufd) kernel is not built yet (build it once with tests/vm/build-kernel.sh --series 7.2 --arch riscv64)"
			return
		fi
		# for this guest run only (the function's locals, exported)
		local -x IOMMUCTL_VM_KERNEL_IMAGE=$riscv72_image \
			IOMMUCTL_VM_APPEND="${IOMMUCTL_VM_APPEND:-} iommufd.allow_unsafe_interrupts=1"
	fi
	if [ -n "$share" ] && [ -f "$share/$s/.ok" ] && cp -al "$share/$s" "$d" 2>/dev/null; then
		rm -f "$d/.ok"
		note "$label: the guest run of $(cat "$share/$s/.ok") earlier in this run is reused; the checks on the dumps below run with $bin"
	else
		# the VM scenario is riscv-7.2 either way (the kernel makes the difference)
		VM_DUMP_VMCOREINFO=1 IOMMUCTL_VM_MODULES="${IOMMUCTL_VM_MODULES:-} qemu_fw_cfg" \
		IOMMUCTL_VM_MEM=512M IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-300} dump_guest_run riscv-7.2 \
			tests/vm/guest/dump-guest.sh "$d" addr=0x7 --timeout 240 --xp "${XP[$s]}" \
			"${fmts[@]}" || rc=$?
		if [ $vfio = 1 ]; then
			dump_guest_report "$rc" "$label" "$d" s1 "iommufd (VFIO)" || return
		else
			dump_guest_report "$rc" "$label" "$d" s1 "identity-domain (no VFIO)" || return
		fi
		if [ -n "$share" ] && mkdir -p "$share" && rm -rf "$share/$s.new" && cp -al "$d" "$share/$s.new"; then
			echo "$bin" >"$share/$s.new/.ok" && mv "$share/$s.new" "$share/$s"
		fi
	fi
	bar=$(awk '{ print $1 }' "$d/out/iommu-bar0.txt" 2>/dev/null)
	if [ $((bar)) -eq $((${XP[$s]%:*})) ]; then
		ok "$label: the IOMMU's BAR0 is at $bar in the guest, where the host read the registers"
	else
		bad "$label: the guest's BAR0 is '$bar', the host read ${XP[$s]%:*}"
		return
	fi
	mapfile -t w < <(awk '{ print $2 }' "$d/dump/s1.xp")
	caps=$(printf '0x%x' $(( (w[1] << 32) | w[0] )))
	fctl=${w[2]}
	ddtp=$(printf '0x%x' $(( (w[5] << 32) | w[4] )))
	note "$label: capabilities $caps, fctl $fctl, ddtp $ddtp (QMP xp)"
	if [ $vfio = 1 ]; then
		# the rebuild: vfio-pci binds edu (the patch's .capable), iommufd
		# binds it only with allow_unsafe_interrupts (device.c's warning)
		if [ "$(basename "$(cat "$d/out/driver.txt" 2>/dev/null)")" = vfio-pci ] &&
			! grep -q 'probe with driver vfio-pci failed' "$d/out/.vm/dmesg"; then
			ok "$label: vfio-pci binds edu on the rebuild (the RISC-V IOMMU driver answers IOMMU_CAP_CACHE_COHERENCY), /dev/vfio/devices: $(tr '\n' ' ' <"$d/out/vfio-devices.txt")"
		else
			bad "$label: vfio-pci did not bind edu: '$(cat "$d/out/driver.txt" 2>/dev/null)' $(grep -m1 'vfio' "$d/out/.vm/dmesg")"
		fi
		if grep -q '0000:00:03.0: MSI interrupts are not secure' "$d/out/.vm/dmesg"; then
			ok "$label: iommufd binds edu without isolated MSIs only as allowed (iommufd.allow_unsafe_interrupts=1: its warning is in dmesg)"
		else
			bad "$label: no iommufd warning about unisolated MSIs for edu in dmesg: has the platform isolated MSIs now? (drop allow_unsafe_interrupts)"
		fi
	# VFIO: why there are no maps to walk (vfio_main.c __vfio_register_dev)
	elif grep -q 'vfio-pci 0000:00:03.0: probe with driver vfio-pci failed with error -22' "$d/out/.vm/dmesg"; then
		ok "$label: vfio-pci cannot bind edu (probe: EINVAL, the RISC-V IOMMU driver reports no IOMMU_CAP_CACHE_COHERENCY): identity device contexts only"
	else
		bad "$label: vfio-pci's probe of edu did not fail as expected ($(cat "$d/out/driver.txt" 2>/dev/null)): this test should map and walk buffers now"
	fi
	"$bin" -j decode riscv-caps "$caps" >"$d/caps.json" 2>&1
	got=$(rv_json "$d/caps.json" '" ".join("%s=%s" % (f["key"], f["meaning"] if f.get("meaning") else f["value"]) for f in j["fields"] if f["key"] in ("version","sv39","sv48","sv57","msi_flat","igs","pas","pd8","pd17","pd20")) + " warnings=%d" % len(j.get("warnings", []))')
	case $got in
	"version=1.0 "*" warnings=0") ok "$label: decode riscv-caps $caps: $got" ;;
	*) bad "$label: decode riscv-caps $caps: $got" ;;
	esac
	"$bin" -j decode riscv-fctl "$fctl" >"$d/fctl.json" 2>&1
	got=$(rv_json "$d/fctl.json" '" ".join("%s=%d" % (f["key"], int(f["value"])) for f in j["fields"] if f["key"] in ("be","wsi","gxl")) + " warnings=%d" % len(j.get("warnings", []))')
	# little-endian structures, MSIs through the IMSIC (aia=aplic-imsic), no Sv32x4
	if [ "$got" = "be=0 wsi=0 gxl=0 warnings=0" ]; then ok "$label: decode riscv-fctl $fctl: $got"
	else bad "$label: decode riscv-fctl $fctl: $got"; fi
	"$bin" -j decode riscv-ddtp "$ddtp" >"$d/ddtp.json" 2>&1
	got=$(rv_json "$d/ddtp.json" '" ".join("%s=%s" % (f["key"], f.get("meaning") or f["value"]) for f in j["fields"] if f["key"] in ("iommu_mode","busy")) + " warnings=%d" % len(j.get("warnings", []))')
	# the kernel asks for the deepest mode (RISCV_IOMMU_DDTP_IOMMU_MODE_MAX, 3LVL)
	case $got in
	"iommu_mode=3LVL busy="*" warnings=0") ok "$label: decode riscv-ddtp $ddtp: $got" ;;
	*) bad "$label: decode riscv-ddtp $ddtp: $got" ;;
	esac
	# 64-byte device contexts when the IOMMU has MSI_FLAT (riscv_iommu_get_dc)
	hier=(--format riscv --ddtp "$ddtp")
	[ $(( (caps >> 22) & 1 )) -eq 1 ] && hier+=(--ext-dc)
	# the kernel's view: every device with a group, its group's type; on the
	# rebuild edu is attached to the IOAS's paging domain while the dump is
	# taken (the group's default domain, which sysfs reports, stays identity)
	want=$(awk -v vfio=$vfio '{ for (i = 3; i <= NF; i++) print $i, (vfio && $i == "0000:00:03.0" ? "mapping" : $2) }' \
		"$d/out/groups.txt" | sort | tr '\n' ' ')
	for fmt in elf kdump; do
		[ "$fmt" = elf ] || [ "$kdump" = 1 ] || continue
		dump_open "$bin" "$d/dump" s1 $fmt "$label $fmt" || continue
		# without the register: walk roots must find the same directory in the dump alone
		got=$(roots_first "$d/roots.err" --format riscv)
		if [ "$got" = "${hier[*]}" ]; then
			ok "$label $fmt: walk roots ranks the register's directory first ($got)"
		else
			bad "$label $fmt: walk roots: '$got', want '${hier[*]}' $(head -c 200 "$d/roots.err")"
		fi
		# the kernel's own riscv_iommu_device: ddt_phys and ddt_mode are the register's.
		# --format riscv: without it the scan ranks two SMMUv3-looking pages of
		# blocked STEs (64 and 32 "devices") above the directory's 7 identity
		# devices (seen: rank 3 of 4); the kernel's root says which is real
		want_opts="${hier[*]}"
		if [ $vfio = 0 ]; then
			kroots_check "$label $fmt" "$d/kroots-$fmt" -f riscv "${hier[@]}"
			got=$("$bin" -j walk roots --mem "$mem" 2>/dev/null | python3 -c 'import json,sys; print([u.get("scan_rank") for u in json.load(sys.stdin)["kernel"]["units"]])' 2>&1)
			note "$label $fmt: without --format the scan ranks the kernel's directory $got"
		fi
		"$bin" -j walk mappings "${hier[@]}" --all-devices --mem "$mem" >"$d/all-$fmt.json" 2>"$d/all-$fmt.err"
		got=$(rv_json "$d/all-$fmt.json" '" ".join(sorted(set("0000:%s %s" % (m["device"], m["kind"]) for m in j["mappings"]))) + " "')
		if [ "$got" = "$want" ]; then
			ok "$label $fmt: walk --all-devices from ddtp: the device contexts are the kernel's groups ($got)"
		else
			bad "$label $fmt: walk --all-devices: '$got', the guest's groups: '$want' $(head -c 300 "$d/all-$fmt.err")"
		fi
		if [ $vfio = 1 ]; then
			riscv_vfio_walks "$s" "$d" "$fmt"
		else
			"$bin" -j translate "${hier[@]}" --dev 00:03.0 --mem "$mem" 0x100000 >"$d/tr-$fmt.json" 2>"$d/tr-$fmt.err"
			rc=$?
			if [ $rc -eq 0 ] && grep -q identity "$d/tr-$fmt.json"; then
				ok "$label $fmt: translate --format riscv --dev 00:03.0: DDT to an identity device context"
			else
				bad "$label $fmt: translate --dev 00:03.0: exit $rc, $(head -c 300 "$d/tr-$fmt.json") $(head -c 200 "$d/tr-$fmt.err")"
			fi
		fi
		# the IOMMU's own function (device ID 8) has no device context
		"$bin" translate "${hier[@]}" --dev 00:01.0 --mem "$mem" 0x100000 >"$d/tr8-$fmt.txt" 2>&1
		rc=$?
		if [ $rc -eq 3 ]; then ok "$label $fmt: translate --dev 00:01.0 (the IOMMU itself, no group): not valid, exit 3"
		else bad "$label $fmt: translate --dev 00:01.0: exit $rc: $(head -c 200 "$d/tr8-$fmt.txt")"; fi
	done
}

for s in $scenarios; do
	[ -n "${XP[$s]:-}" ] || { bad "unknown scenario $s (known: ${!XP[*]})"; continue; }
	case $s in riscv*) check_riscv "$s"; continue ;; esac
	check_scenario "$s"
done
finish
