#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live VFIO tests in QEMU guests (tests/vm): vfio status, vfio probe, msi show
# and batch runs on a real kernel.
#   tests/cli/test-vm-vfio.sh [BINARY]
# 1. Debian's stock 6.12 (VT-d scenario): the legacy container path; a map in
#    the MSI window must be refused and explained; iommufd must be reported
#    absent; a process holding /dev/vfio/N is a holder and group release
#    refuses it. Runs whenever QEMU can boot (about 10 s).
# 2. The kernel rebuilt by tests/vm/build-kernel.sh (IOMMUFD, VFIO_DEVICE_CDEV,
#    IOMMU_DEBUGFS): the iommufd + cdev path, batch runs whose maps are checked
#    against the kernel's own page-table dump in debugfs. Runs only when the
#    image is already in the cache (building it takes ~10 min: not in make check).
# One line per check; ends with "N passed, M failed". IOMMUCTL_VM_SKIP=1 skips all.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
cache=${IOMMUCTL_VM_CACHE:-$HOME/.cache/iommuctl-vm}
image=${IOMMUCTL_VM_IOMMUFD_IMAGE:-$cache/kernel-iommufd/bzImage}
# shellcheck source=lib.sh
. tests/cli/lib.sh

if [ -n "${IOMMUCTL_VM_SKIP:-}" ]; then
	skip "IOMMUCTL_VM_SKIP is set"
	finish
fi
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "no qemu-system-x86_64 (and not root to install it)"
	finish
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# boot NAME SCENARIO GUEST [env...]: runs the guest, outputs in $tmp/NAME
boot() {
	local name=$1 scn=$2 guest=$3 rc=0
	shift 3
	local -x IOMMUCTL="$bin" "$@"
	guest_run "$scn" "$guest" "$tmp/$name" || rc=$?
	BOOT_SECONDS=$secs
	return "$rc"
}

# check DIR NAME PYTHON-EXPR: the expression sees j(file) (parsed JSON), t(file) (text), rc(name)
check() { # DIR NAME PYTHON-EXPR (tests/cli/guest_check.py)
	check_guest "$@"
}

# ---- 1. stock kernel: legacy container ----
if boot stock vtd tests/vm/guest/vfio-legacy.sh; then
	ok "stock 6.12 guest ran (${BOOT_SECONDS} s)"
	d=$tmp/stock
	check "$d" "stock: edu bound to vfio-pci" "t('driver.txt').strip().endswith('vfio-pci')"
	check "$d" "stock: status: container type1v2 yes, iommufd absent (ENOENT) with a reason" \
		"(lambda f: f['container_type1v2']['available'] is True and f['iommufd']['available'] is False and f['iommufd']['errno_name']=='ENOENT' and 'CONFIG_IOMMUFD' in f['iommufd']['detail'])(feat())"
	check "$d" "stock: status: every absence has a reason" \
		"all(x['detail'] for x in feat().values() if x['available'] is False)"
	check "$d" "stock: probe exits 0 on the legacy path" "rc('probe')==0 and j('probe.out')['path_used']=='legacy'"
	check "$d" "stock: probe says why iommufd+cdev failed" \
		"j('probe.out')['iommufd']['failed_op']=='open /dev/iommu' and 'CONFIG_IOMMUFD' in j('probe.out')['iommufd']['why']"
	check "$d" "stock: probe reports type1 IOVA ranges and alignment" \
		"len(j('probe.out')['iova_ranges'])>=2 and j('probe.out')['alignment']==4096 and j('probe.out')['container_type']=='type1v2'"
	check "$d" "stock: test buffer mapped and unmapped" "j('probe.out')['unmapped'] and j('probe.out')['iova']=='0x100000'"
	check "$d" "stock: a map in the MSI window is refused (EINVAL) and explained" \
		"j('probe.out')['msi_check']['refused'] and j('probe.out')['msi_check']['errno_name']=='EINVAL' and 'MSI window' in t('probe-text.out')"
	check "$d" "stock: msi show's usable IOVA equals the kernel's type1 ranges" \
		"j('msi.out')['usable_iova']==[{'start': r['start'], 'last': r['last']} for r in j('probe.out')['iova_ranges']]"
	check "$d" "stock: msi show calls 0xfee00000 a hardware MSI window" \
		"[r['kind'] for r in j('msi.out')['reserved_regions'] if r['type']=='msi']==['hw_msi']"
	check "$d" "stock: probe --path iommufd exits 4 and says why" \
		"rc('probe-iommufd')==4 and 'CONFIG_IOMMUFD' in t('probe-iommufd.err')"
	check "$d" "stock: probe of a device not bound to vfio exits 1 and says so" \
		"rc('probe-unbound')==1 and 'not to a VFIO driver' in t('probe-unbound.err')"
	check "$d" "stock: msi sw-window exits 4 naming what is missing" "rc('sw-window')==4 and '/dev/iommu' in t('sw-window.err')"
	check "$d" "stock: legacy batch: every line ok" "rc('batch')==0 and all(l['status']=='ok' for l in j('batch.out'))"
	check "$d" "stock: legacy batch: exec child got the container fd" \
		"t('exec-legacy.txt').splitlines()[-1]=='/dev/vfio/vfio' and 'container=' in t('exec-legacy.txt')"
	check "$d" "stock: batch --force: MSI-window map EINVAL, overlap EEXIST, iommufd EOPNOTSUPP" \
		"(lambda L: L[8]['errno_name']=='EINVAL' and L[9]['status']=='ok' and L[10]['errno_name']=='EEXIST' and L[11]['errno_name']=='EOPNOTSUPP' and L[12]['status']=='error')(lines('batch-neg.out')) and rc('batch-neg')!=0"
	check "$d" "stock: batch text output has FILE:LINE and a summary" \
		"'/guest/vfio-batch-legacy.txt:5: ok' in t('batch-text.out') and '10 ok, 0 failed' in t('batch-text.out')"
	# holders: H is the pid of a sleep holding /dev/vfio/G as fd 3 (holder.txt: "H G")
	hold="(lambda a: {'pid': int(a[0]), 'comm': 'sleep', 'fd': 3, 'node': '/dev/vfio/'+a[1], 'device': None})(t('holder.txt').split())"
	check "$d" "stock: holders: group claim for the release tests" "rc('hold-claim')==0 and t('holder.txt').strip()"
	check "$d" "stock: holders: group show -j names the process holding /dev/vfio/N (pid, comm, fd 3)" \
		"j('hold-show.out')['holders']==[$hold]"
	check "$d" "stock: holders: group show text lists it" \
		"'holders:\n  pid %(pid)d (sleep) fd 3: %(node)s\n' % $hold in t('hold-show-text.out')"
	check "$d" "stock: holders: device show -j names it too" "j('hold-device.out')['holders']==[$hold]"
	check "$d" "stock: holders: release refused (exit 1) naming the process, device still on vfio-pci" \
		"rc('hold-release')==1 and ('group %s: pid %d (sleep) holds %s (fd 3); close it or use --force' % (t('holder.txt').split()[1], $hold['pid'], $hold['node'])) in t('hold-release.err') and t('hold-driver.txt').strip().endswith('vfio-pci')"
	check "$d" "stock: holders: none once it is killed, and the release succeeds" \
		"j('hold-show-after.out')['holders']==[] and rc('hold-release-after')==0 and 'result: released' in t('hold-release-after.out') and not t('hold-driver-after.txt').strip().endswith('vfio-pci')"
	check "$d" "stock: holders: release --force goes on and says so" \
		"rc('hold-claim2')==0 and rc('hold-force')==0 and ('--force: releasing group %s although pid %s (sleep) holds' % (t('holder2.txt').split()[1], t('holder2.txt').split()[0])) in t('hold-force.err') and not t('hold-driver-force.txt').strip().endswith('vfio-pci')"
else
	bad "stock 6.12 guest did not run: $(tail -n 3 "$tmp/stock.log" | tr '\n' ' ')"
fi

# ---- 2. rebuilt kernel: iommufd + cdev ----
if [ ! -f "$image" ]; then
	skip "iommufd/cdev tests: no rebuilt kernel at $image (build it once with tests/vm/build-kernel.sh, ~10 min)"
elif boot iommufd vtd tests/vm/guest/vfio-iommufd.sh IOMMUCTL_VM_KERNEL_IMAGE="$image"; then
	ok "rebuilt 6.12 guest ran (${BOOT_SECONDS} s)"
	d=$tmp/iommufd
	check "$d" "iommufd: status: iommufd, IOAS, cdevs, HWPT, fault queues yes; vIOMMU ENOTTY; SW_MSI EOPNOTSUPP" \
		"(lambda f: all(f[k]['available'] is True for k in ('iommufd','ioas','allow_iovas','device_cdev','hwpt_alloc','hwpt_fault','fault_queue','hw_info')) and f['viommu']['errno_name']=='ENOTTY' and f['sw_msi_option']['errno_name']=='EOPNOTSUPP')(feat())"
	check "$d" "iommufd: probe used iommufd+cdev, legacy not tried" \
		"rc('probe')==0 and j('probe.out')['path_used']=='iommufd' and not j('probe.out')['legacy']['attempted']"
	check "$d" "iommufd: probe reports IOAS ranges, alignment and hw info" \
		"len(j('probe.out')['iova_ranges'])>=2 and j('probe.out')['alignment']==4096 and j('probe.out')['hw_info']['type']=='intel-vtd'"
	check "$d" "iommufd: the kernel's page table held the test buffer at 0x300000 (8 pages)" \
		"set(range(0x300, 0x308)) <= dts_pfns('dts-probe.txt')"
	check "$d" "iommufd: MSI-window map refused (EINVAL) and explained" \
		"j('probe.out')['msi_check']['refused'] and 'reserved region' in t('probe-text.out')"
	check "$d" "iommufd: probe --path legacy still works" "rc('probe-legacy')==0 and j('probe-legacy.out')['path_used']=='legacy'"
	check "$d" "iommufd: msi show's usable IOVA equals IOMMU_IOAS_IOVA_RANGES" \
		"j('msi.out')['usable_iova']==[{'start': r['start'], 'last': r['last']} for r in j('probe.out')['iova_ranges']]"
	check "$d" "iommufd: msi sw-window exits 4 (option not in 6.12)" "rc('sw-window')==4 and 'SW_MSI' in t('sw-window.err')"
	check "$d" "iommufd: batch: every line ok" "rc('batch')==0 and all(l['status']=='ok' for l in j('batch.out'))"
	check "$d" "iommufd: batch: exec child held the iommufd" "t('exec-iommufd.txt').splitlines()[1]=='/dev/iommu'"
	check "$d" "iommufd: batch: debugfs shows both maps while held" \
		"set(range(0x200,0x204)) | set(range(0x400,0x402)) <= dts_pfns('dts-mapped.txt')"
	check "$d" "iommufd: batch: after unmap m1 debugfs has m2 but not m1" \
		"not (set(range(0x200,0x204)) & dts_pfns('dts-unmapped.txt')) and set(range(0x400,0x402)) <= dts_pfns('dts-unmapped.txt')"
	check "$d" "iommufd: batch: hw-info reports the PASID width" "'max_pasid_log2' in line('batch.out', 9)['output']"
	check "$d" "iommufd: batch --force: MSI map EINVAL, PASID HWPT EOPNOTSUPP, PASID attach EINVAL, SW_MSI EOPNOTSUPP" \
		"(lambda L: L[8]['errno_name']=='EINVAL' and L[9]['errno_name']=='EOPNOTSUPP' and L[10]['errno_name']=='EINVAL' and L[11]['errno_name']=='EOPNOTSUPP')(lines('batch-neg.out'))"
	check "$d" "iommufd: holders: device show -j names the process holding the cdev (pid, comm, fd 3, node, device)" \
		"(lambda a: j('cdev-holders.out')['holders']==[{'pid': int(a[0]), 'comm': 'sleep', 'fd': 3, 'node': '/dev/vfio/devices/'+a[1], 'device': '0000:00:03.0'}])(t('cdev-holder.txt').split())"
	check "$d" "iommufd: holders: group show -j too" \
		"(lambda a: [h['pid'] for h in j('cdev-holders-group.out')['holders']]==[int(a[0])])(t('cdev-holder.txt').split())"
else
	bad "rebuilt 6.12 guest did not run: $(tail -n 3 "$tmp/iommufd.log" | tr '\n' ' ')"
fi
finish
