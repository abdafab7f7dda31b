#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2031 # the build subshell sources lib.sh, whose functions have their own locals
# Live VFIO test on POWER (powernv9 under TCG; tests/vm/lib-ppc64.sh) with a
# cross-built iommuctl, on Debian's ppc64el 6.12 under QEMU 7.2 (powernv) and
# Debian unstable's 7.2 under QEMU 11 with 4K pages (powernv-7.2) and 64K
# pages (powernv-64k-7.2): both edus claimed (two PEs, two groups), vfio
# status offers the SPAPR TCE v2 container, vfio probe maps in the 32-bit
# window and creates a 2-level DDW at 0x800000000000000, a batch maps in the
# 32-bit window and in a DDW, a map outside every window is refused (ENXIO)
# and explained, exec hands the container to a child, a 64K-page DDW refuses
# the 4K-page memory of a 4K kernel (EINVAL, explained) and maps the 64K-page
# memory of a 64K kernel, and release gives the devices back.
#   tests/cli/test-vm-vfio-ppc.sh [BINARY]
# make check boots powernv and powernv-64k-7.2, make check-vm-all powernv-7.2
# too (vm_matrix; IOMMUCTL_VM_SCENARIOS="powernv-7.2 ..." names them).
# BINARY (the native build, given by make check) is not used: the guest needs a
# ppc64el binary, which this script cross-builds into build-ppc64/ against a
# sysroot in the cache (vm_ppc64_build_iommuctl), or takes from $IOMMUCTL_PPC64.
# Run for the sanitizer build too it would boot the same guests again, so it
# skips there. Skips with a reason (still ending in "N passed, M failed") when
# qemu-system-ppc64 or the cross toolchain is missing and cannot be installed
# (not root), or when apt cannot fetch the kernel or the sysroot.
# IOMMUCTL_VM_SKIP=1 skips it.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

read -r -a scenarios <<<"$(vm_matrix "powernv powernv-64k-7.2" powernv-7.2)"

for s in "${scenarios[@]}"; do
	# The cross build and the kernel: a missing apt mirror is a reason to skip.
	t0=$(date +%s.%N)
	vm_ppc64_check "POWER VFIO tests ($s)" "${1:-}" "$tmp" "$s" || continue
	t1=$(date +%s.%N)
	echo "# $s: ppc64el cross build and kernel $kver: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

	rc=0
	d=$tmp/$s
	IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-360} guest_run "$s" tests/vm/guest/vfio-ppc.sh "$d" || rc=$?

	check() { # NAME PYTHON-EXPR (tests/cli/guest_check.py)
		check_guest "$d" "$s: $1" "$2"
	}

	if ((rc != 0)); then
		bad "$s guest did not run ($secs s): $(tail -n 3 "$d.log" | tr '\n' ' ')"
		[ -f "$d/.vm/guest.log" ] && sed 's/^/# guest: /' "$d/.vm/guest.log" | tail -n 20
		continue
	fi
	ok "$s guest, kernel $kver, ran ($secs s)"
	check "group claim: both edus (two PEs, groups 0 and 1) bound to vfio-pci" \
		"rc('claim')==0 and rc('claim2')==0 and t('driver.txt').split()==['../../../../bus/pci/drivers/vfio-pci']*2"
	check "status: SPAPR TCE v2 container available, no type1" \
		"feat()['container_spapr_tce_v2']['available'] is True and feat()['container_type1v2']['available'] is False"
	check "status: no device cdevs (bound vfio-dev devices without a device number)" \
		"feat()['device_cdev']['available'] is False and 'no device number' in feat()['device_cdev']['detail']"
	check "probe exits 0 on the legacy path (spapr-v2)" \
		"rc('probe')==0 and j('probe.out')['path_used']=='legacy' and j('probe.out')['container_type']=='spapr-v2'"
	check "probe: the 32-bit window is 0x0-0x7fffffff" \
		"j('probe.out')['spapr']['dma32_window_start']=='0x0' and j('probe.out')['spapr']['dma32_window_size']=='0x80000000' and j('probe.out')['iova_ranges']==[{'start': '0x0', 'last': '0x7fffffff'}]"
	check "probe: map and unmap in the 32-bit window ok" \
		"j('probe.out')['spapr']['registered'] and j('probe.out')['unmapped'] and int(j('probe.out')['iova'], 16) < 0x80000000"
	check "probe: a 2-level DDW created at 0x800000000000000 and removed" \
		"(lambda s: s['ddw'] and s['ddw_levels']==2 and s['ddw_created'] and s['ddw_start']=='0x800000000000000' and s['ddw_removed'])(j('probe.out')['spapr'])"
	check "msi show: kind spapr-tce, no reserved regions, the 32-bit window as usable IOVA" \
		"(lambda m: m['iommu_kind']=='spapr-tce' and m['arch']=='ppc64' and m['reserved_regions']==[] and m['usable_iova']==[{'start': '0x0', 'last': '0x7fffffff'}])(j('msi.out'))"
	check "batch: both groups in one spapr-v2 container, memory registered" \
		"(lambda L: all(L[n]['status']=='ok' for n in (7, 8, 9, 10, 11, 12, 13)))(lines('batch.out'))"
	check "batch: map in the 32-bit window (0x10000) ok" \
		"lines('batch.out')[14]['status']=='ok' and lines('batch.out')[14]['output']['iova']=='0x10000'"
	check "batch: DDW with 4K pages and 2 levels at 0x800000000000000" \
		"(lambda r: r['start']=='0x800000000000000' and r['page_shift']==12 and r['levels']==2)(lines('batch.out')[15]['output'])"
	check "batch: map in the DDW (0x800000000100000) ok" \
		"lines('batch.out')[16]['status']=='ok' and lines('batch.out')[16]['output']['iova']=='0x800000000100000'"
	check "batch: map at 0x100000000 refused (ENXIO), explained with both windows" \
		"lines('batch.out')[17]['errno_name']=='ENXIO' and 'outside the DMA windows 0x0-0x7fffffff, 0x800000000000000-0x80000003fffffff' in t('batch-text.err') and rc('batch')!=0"
	check "batch exec: the child got the container and both groups (fds and variables)" \
		"lines('batch.out')[18]['status']=='ok' and t('child-fds.txt').splitlines()[:3]==['container /dev/vfio/vfio', 'group0 /dev/vfio/0', 'group1 /dev/vfio/1'] and 'ddw=window:0x800000000000000+0x40000000' in env()['IOMMUCTL_OBJECTS'] and 'mddw=0x' in env().get('IOMMUCTL_BUFFERS', '')"
	check "batch text: 11 ok, 1 failed" "'11 ok, 1 failed' in t('batch-text.out')"
	if [ "$s" = powernv-64k-7.2 ]; then
		# the kernel maps a TCE onto memory whose pages are at least the TCE's
		# size: with 64K kernel pages a 64K-page DDW can map ordinary memory
		check "batch: a 64K-page DDW maps the 64K-page memory of a 64K kernel; a 4K-page DDW too" \
			"(lambda L: L[11]['status']=='ok' and L[14]['status']=='ok')(lines('batch-neg.out')) and rc('batch-neg')==0"
	else
		check "batch: a 64K-page DDW cannot map 4K-page memory (EINVAL, explained); a 4K-page DDW can" \
			"(lambda L: L[11]['errno_name']=='EINVAL' and L[14]['status']=='ok' and 'page-shift=12' in L[11]['fix'])(lines('batch-neg.out')) and '64 KiB IOMMU pages' in t('batch-neg-text.err') and '4 KiB host pages' in t('batch-neg-text.err')"
	fi
	check "the kernel set up VFIO's windows: 32-bit 0..7fffffff and the DDW at 800000000000000" \
		"'Setting up window#0 0..7fffffff pg=1000' in t('pe.txt') and 'Setting up window#1 800000000000000..80000003fffffff pg=1000' in t('pe.txt')"
	# the PEs' own default windows (while the devices had no driver) have TCEs
	# of the kernel's page size (pnv_pci_ioda2_setup_default_config: PAGE_SHIFT)
	if [ "$s" = powernv-64k-7.2 ]; then pg=10000; else pg=1000; fi
	check "the kernel's default windows have TCEs of its page size (pg=$pg)" \
		"'Setting up window#0 0..3fffffff pg=$pg' in t('pe.txt')"
	check "group release: both edus back to no driver" \
		"rc('release')==0 and rc('release2')==0 and t('driver-after.txt').split()==['0000:01:00.0', 'none', '0001:01:00.0', 'none']"
done
finish
