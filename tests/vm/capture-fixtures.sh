#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerates tests/fixtures/<scenario>/ from real kernels: boots every scenario
# of tests/vm/lib.sh (vtd, vtd-sm, amd, virtio, vtd-topo), runs guest/capture.sh there
# (iommuctl snapshot save and the kernel's own views), checks what came back and
# installs it. Prints how long each scenario took.
#
# usage: tests/vm/capture-fixtures.sh [--keep-partial] [SCENARIO...]
#   --keep-partial  also store a scenario's other files when only its snapshot
#                   failed (its stale snapshot.tar is then removed); the run
#                   still fails
set -euo pipefail

usage() {
	sed -n 's/^# usage: /usage: /p; s/^#   /  /p' "$0" >&2
	exit 2
}

keep_partial=0
scenarios=()
while (($#)); do
	case $1 in
	--keep-partial) keep_partial=1 ;;
	-h | --help) usage ;;
	-*) echo "capture-fixtures: unknown option $1" >&2; usage ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The default is the four x86 scenarios; the arm64 ones (lib-arm64.sh) and
# powernv (lib-ppc64.sh) are captured when named, or all of them with "all".
if ((${#scenarios[@]} == 0)); then
	for s in "${VM_SCENARIOS[@]}"; do
		[[ $(vm_scn_flavour "$s") == amd64 ]] && scenarios+=("$s")
	done
elif [[ ${scenarios[*]} == all ]]; then
	scenarios=("${VM_SCENARIOS[@]}")
fi
for s in "${scenarios[@]}"; do
	vm_is_scenario "$s" || vm_die "unknown scenario '$s' (known: ${VM_SCENARIOS[*]})"
done

FIXTURES=$VM_REPO/tests/fixtures
FIXTURE_FILES=(snapshot.tar groups.ls devices.txt dmesg.txt uname)
MAX_FIXTURE_BYTES=$((1024 * 1024))
# A line of the guest's dmesg that proves the scenario's IOMMU is up (vtd-sm:
# ECAP bit 43, SMTS, the scalable-mode capability, is set; powernv: the PHB
# gave a PE its 32-bit TCE table).
declare -A IOMMU_EVIDENCE=(
	[vtd]='DMAR: Intel\(R\) Virtualization Technology for Directed I/O'
	[vtd-topo]='DMAR: Intel\(R\) Virtualization Technology for Directed I/O'
	[vtd-sm]='DMAR: dmar[0-9]+: reg_base_addr .* ecap [0-9a-f]*[89a-f][0-9a-f]{10}$'
	[amd]='AMD-Vi: Interrupt remapping enabled'
	[vtd-7.2]='DMAR: Intel\(R\) Virtualization Technology for Directed I/O'
	# ECAP SMTS (bit 43) and FSTS (bit 47): scalable mode with first stage
	[vtd-sm-7.2]='DMAR: dmar[0-9]+: reg_base_addr .* ecap [0-9a-f]*[89a-f][89a-f][0-9a-f]{10}$'
	[amd-7.2]='AMD-Vi: X2APIC enabled'
	[virtio]='virtio_iommu virtio[0-9]+: input address'
	[arm64-smmuv3]='arm-smmu-v3 [0-9a-f]+\.smmuv3: ias [0-9]+-bit, oas [0-9]+-bit'
	[arm64-smmuv3-16k]='arm-smmu-v3 [0-9a-f]+\.smmuv3: ias [0-9]+-bit, oas [0-9]+-bit'
	# Linux 7.2 prints "oas N-bit (features 0x...)"; features bit 9 is
	# TRANS_S1, bit 10 TRANS_S2: the s2 scenario's SMMU must have bit 10 only
	[arm64-smmuv3-7.2]='arm-smmu-v3 [0-9a-f]+\.smmuv3: oas [0-9]+-bit \(features 0x[0-9a-f]+\)'
	[arm64-smmuv3-16k-7.2]='arm-smmu-v3 [0-9a-f]+\.smmuv3: oas [0-9]+-bit \(features 0x[0-9a-f]+\)'
	[arm64-smmuv3-s2-7.2]='arm-smmu-v3 [0-9a-f]+\.smmuv3: oas [0-9]+-bit \(features 0x[0-9a-f]*[45cd][0-9a-f]{2}\)'
	[powernv]='pci [0-9a-f]{4}:[0-9a-f]{2} *: \[PE# [0-9a-f]+\] Setting up 32-bit TCE table at'
	[riscv-7.2]='pci 0000:00:03\.0: Adding to iommu group [0-9]+$'
)
# The e1000e functions that must be bound to e1000e and in a group (powernv has
# one device per PHB: tests/vm/lib-ppc64.sh).
declare -A E1000E_BDFS=([powernv]=0003:01:00.0)
# powernv on 7.2 (4K and 64K pages): the same PHBs and devices
for _s in powernv-7.2 powernv-64k-7.2; do
	IOMMU_EVIDENCE[$_s]=${IOMMU_EVIDENCE[powernv]}
	E1000E_BDFS[$_s]=${E1000E_BDFS[powernv]}
done

loud() {
	printf '\n!!!!!!!! %s\n\n' "$*" >&2
}

if [[ ! -x $IOMMUCTL ]]; then
	loud "iommuctl binary not found at $IOMMUCTL: run make (or set IOMMUCTL); every snapshot will fail"
elif ! "$IOMMUCTL" snapshot save --help >/dev/null 2>&1; then
	loud "$IOMMUCTL does not support 'snapshot save' yet ($("$IOMMUCTL" snapshot save --help 2>&1 | head -n1)); every snapshot will fail"
fi

# check_outputs SCENARIO DIR: print one line per problem with the guest's outputs.
check_outputs() {
	local s=$1 d=$2 f bdf
	[[ -s $d/uname ]] || echo "no uname"
	grep -q -- ' -> ' "$d/groups.ls" 2>/dev/null || echo "groups.ls lists no group member"
	grep -Eq -- "${IOMMU_EVIDENCE[$s]}" "$d/dmesg.txt" 2>/dev/null ||
		echo "dmesg.txt lacks the IOMMU line /${IOMMU_EVIDENCE[$s]}/"
	for bdf in ${E1000E_BDFS[$s]:-0000:00:04.0 0000:01:00.0}; do
		grep -Eq "^$bdf 8086:10d3 [0-9a-f]+ driver=e1000e group=[0-9]+$" "$d/devices.txt" 2>/dev/null ||
			echo "$bdf is not an e1000e bound to its driver in an IOMMU group: $(grep "^$bdf" "$d/devices.txt" 2>/dev/null)"
	done
	if [[ ! -s $d/snapshot.tar ]]; then
		echo "no snapshot.tar ($(grep -m1 -A1 '^capture: FAILED' "$d/.vm/guest.log" 2>/dev/null |
			sed 's/^capture: *\(FAILED: \)\{0,1\}//' | tr '\n' ' ' | sed 's/ *$//'))"
	elif ! tar -tf "$d/snapshot.tar" >/dev/null 2>&1; then
		echo "snapshot.tar is not a tar archive"
	fi
	for f in "${FIXTURE_FILES[@]}"; do
		if [[ -f $d/$f ]] && (($(stat -c %s "$d/$f") > MAX_FIXTURE_BYTES)); then
			echo "$f is larger than 1 MiB ($(stat -c %s "$d/$f") bytes)"
		fi
	done
}

install_fixtures() {
	local s=$1 d=$2 f
	mkdir -p "$FIXTURES/$s"
	for f in "${FIXTURE_FILES[@]}"; do
		if [[ -f $d/$f ]]; then
			cp "$d/$f" "$FIXTURES/$s/$f"
		else
			rm -f "$FIXTURES/$s/$f"
		fi
	done
}

runs=$VM_CACHE/runs/capture
mkdir -p "$runs"
initrd=$runs/initramfs.cpio
# One initramfs per kernel flavour (amd64, arm64, arm64-16k, powerpc64le), built when the
# first scenario of that flavour comes up.
built_flavour=
prepare_flavour() {
	local s=$1 t0 t1
	vm_select "$s"
	[[ $VM_WORLD/$VM_FLAVOUR == "$built_flavour" ]] && return 0
	if [[ $VM_ARCH == arm64 && $IOMMUCTL_ARM64 == "$VM_REPO/build-arm64/iommuctl" ]]; then
		vm_arm64_build_iommuctl ||
			loud "cannot cross-build iommuctl for arm64: every arm64 snapshot will fail"
	fi
	if [[ $VM_ARCH == ppc64 && $IOMMUCTL_PPC64 == "$VM_REPO/build-ppc64/iommuctl" ]]; then
		vm_ppc64_build_iommuctl ||
			loud "cannot cross-build iommuctl for ppc64el: every powernv snapshot will fail"
	fi
	if [[ $VM_ARCH == riscv64 && $IOMMUCTL_RISCV64 == "$VM_REPO/build-riscv64/iommuctl" ]]; then
		vm_riscv64_build_iommuctl ||
			loud "cannot cross-build iommuctl for riscv64: every riscv64 snapshot will fail"
	fi
	vm_fetch_kernel
	t0=$(date +%s.%N)
	vm_build_initramfs "$initrd" "$VM_DIR/guest/capture.sh"
	t1=$(date +%s.%N)
	printf 'kernel %s, initramfs built in %.1f s\n' "$VM_KVER" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')"
	built_flavour=$VM_WORLD/$VM_FLAVOUR
}

declare -A result=() secs=()
failed=0
for s in "${scenarios[@]}"; do
	prepare_flavour "$s"
	out=$runs/$s
	rm -rf "$out"
	rc=0
	vm_boot "$s" "$initrd" "$out" || rc=$?
	secs[$s]=$VM_BOOT_SECONDS
	if ((rc == 2)); then
		result[$s]="FAILED: the VM failed (see $out/.vm/)"
		failed=1
		loud "$s (${secs[$s]} s): ${result[$s]}"
		continue
	fi
	mapfile -t problems < <(check_outputs "$s" "$out")
	if ((${#problems[@]} == 0)); then
		install_fixtures "$s" "$out"
		result[$s]=ok
	else
		failed=1
		result[$s]="FAILED: $(printf '%s; ' "${problems[@]}")"
		only_snapshot=1
		for p in "${problems[@]}"; do
			[[ $p == "no snapshot.tar"* ]] || only_snapshot=0
		done
		if ((keep_partial && only_snapshot)); then
			install_fixtures "$s" "$out"
			result[$s]+="stored without snapshot.tar (--keep-partial)"
		else
			result[$s]+="fixtures left untouched"
		fi
		loud "$s (${secs[$s]} s): ${result[$s]}"
		continue
	fi
	printf '%-16s %5s s  %s\n' "$s" "${secs[$s]}" "${result[$s]}"
done

echo
echo "scenario   time  result (outputs of the last run: $runs/<scenario>/)"
total=0
for s in "${scenarios[@]}"; do
	printf '%-16s %5s s  %s\n' "$s" "${secs[$s]:-?}" "${result[$s]}"
	total=$(awk -v a="$total" -v b="${secs[$s]:-0}" 'BEGIN { print a + b }')
done
printf 'total    %5.1f s\n' "$total"
rm -f "$initrd"
if ((failed)); then
	loud "fixture capture FAILED for at least one scenario (see above)"
	exit 1
fi
echo "fixtures written to $FIXTURES/{$(IFS=,; echo "${scenarios[*]}")}"
