#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2031 # the build subshell sources lib.sh, whose functions have their own locals
# Live VFIO test on arm64 (SMMUv3) in a QEMU guest (tests/vm, scenario
# arm64-smmuv3, Debian's stock arm64 6.12 kernel under TCG) with a cross-built
# iommuctl: edu bound to vfio-pci, vfio probe through the legacy type1
# container, its usable IOVA ranges exclude Arm's software MSI window
# (0x8000000-0x80fffff), and a batch map inside that window is refused (EINVAL)
# and explained while maps next to it succeed.
#   tests/cli/test-vm-vfio-arm.sh [BINARY]
# BINARY (the native build, given by make check) is not used: the guest needs an
# arm64 binary, which this script cross-builds into build-arm64/ (make
# O=build-arm64 CC=aarch64-linux-gnu-gcc), or takes from $IOMMUCTL_ARM64.
# Skips with a reason (still ending in "N passed, M failed") when
# qemu-system-aarch64 or the cross toolchain is missing and cannot be installed
# (not root). IOMMUCTL_VM_SKIP=1 skips it.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s.%N)
vm_arm64_ready "arm64 VFIO tests" "$tmp"
t1=$(date +%s.%N)
echo "# arm64 cross build: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

rc=0
IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-150} guest_run arm64-smmuv3 tests/vm/guest/vfio-arm.sh "$tmp/arm" || rc=$?

check() { # NAME PYTHON-EXPR (tests/cli/guest_check.py)
	check_guest "$tmp/arm" "$@"
}

if ((rc == 0)); then
	ok "arm64 6.12 guest ran ($secs s)"
	check "edu bound to vfio-pci and in an IOMMU group" \
		"t('driver.txt').strip().endswith('vfio-pci') and t('group.txt').strip()!=''"
	check "the kernel reports the software MSI window as a reserved region" \
		"'0x0000000008000000 0x00000000080fffff msi' in t('resv.txt')"
	check "status: legacy container type1v2 available" \
		"feat()['container_type1v2']['available'] is True"
	check "probe exits 0 on the legacy path (type1v2)" \
		"rc('probe')==0 and j('probe.out')['path_used']=='legacy' and j('probe.out')['container_type']=='type1v2'"
	check "probe: the kernel's usable IOVA ranges exclude the software MSI window" \
		"len(j('probe.out')['iova_ranges'])>=2 and not any(overlaps_msi(r) for r in j('probe.out')['iova_ranges'])"
	check "probe: a map in the MSI window is refused (EINVAL) and explained" \
		"j('probe.out')['msi_check']['refused'] and j('probe.out')['msi_check']['errno_name']=='EINVAL' and 'MSI window' in t('probe-text.out')"
	check "msi show: 0x8000000-0x80fffff is a software MSI window" \
		"[(r['start'], r['last'], r['kind']) for r in j('msi.out')['reserved_regions'] if r['type']=='msi']==[('0x8000000', '0x80fffff', 'sw_msi')] and 'software MSI window' in t('msi-text.out')"
	check "msi show: architecture arm64, unit kind arm-smmu-v3" \
		"j('msi.out')['arch']=='arm64' and j('msi.out')['iommu_kind']=='arm-smmu-v3'"
	check "msi show: usable IOVA below the window agrees with the kernel's ranges" \
		"j('msi.out')['usable_iova'][0]==[{'start': r['start'], 'last': r['last']} for r in j('probe.out')['iova_ranges']][0]"
	check "batch --force: map at 0x8000000 EINVAL; maps just below and above the window ok" \
		"(lambda L: L[9]['errno_name']=='EINVAL' and L[10]['status']=='ok' and L[11]['status']=='ok')(lines('batch-neg.out')) and rc('batch-neg')!=0"
	check "batch text output: line 9 FAIL EINVAL, explained as a reserved region (the MSI window)" \
		"'vfio-batch-arm-msi.txt:9: FAIL' in t('batch-neg-text.out') and 'EINVAL' in t('batch-neg-text.out') and 'MSI window' in t('batch-neg-text.err') and '6 ok, 1 failed' in t('batch-neg-text.out') and \"0x8000000-0x8000fff is not inside the container's usable ranges (0x0-0x7ffffff, 0x8100000-\" in t('batch-neg-text.err') and '; fix: choose an iova= inside 0x0-0x7ffffff, 0x8100000-' in t('batch-neg-text.err')"
else
	bad "arm64 6.12 guest did not run ($secs s): $(tail -n 3 "$tmp/arm.log" | tr '\n' ' ')"
	[ -f "$tmp/arm/.vm/guest.log" ] && sed 's/^/# guest: /' "$tmp/arm/.vm/guest.log" | tail -n 20
fi
finish
