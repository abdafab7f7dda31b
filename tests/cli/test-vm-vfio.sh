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

# the receiving end of send, for the guests (linked as iommuctl is: the
# guest has its libraries)
extra=()
if cc -std=gnu11 -D_GNU_SOURCE -O2 -Isrc tests/tools/fdrecv.c -o "$tmp/fdrecv" -ljson-c 2>"$tmp/cc.err"; then
	extra=("$tmp/fdrecv:/bin/fdrecv")
else
	bad "cannot build tests/tools/fdrecv.c: $(head -n 1 "$tmp/cc.err")"
fi

# boot NAME SCENARIO GUEST [env...]: runs the guest, outputs in $tmp/NAME
boot() {
	local name=$1 scn=$2 guest=$3 rc=0
	shift 3
	local -x IOMMUCTL="$bin" "$@"
	guest_run "$scn" "$guest" "$tmp/$name" "${extra[@]}" || rc=$?
	BOOT_SECONDS=$secs
	return "$rc"
}

# check DIR NAME PYTHON-EXPR: the expression sees j(file) (parsed JSON), t(file) (text), rc(name)
check() { # DIR NAME PYTHON-EXPR (tests/cli/guest_check.py)
	check_guest "$@"
}

# handover_checks DIR BACKEND LABEL: what tests/vm/guest/handover.sh recorded
handover_checks() {
	local d=$1 be=$2 l=$3 out
	check "$d" "$l: vfio caps: backend $be, edu with its pciBusID, iommuGroup, viability, backends and CDI name" \
		"(lambda c: c['offline'] is False and c['backend']=='$be' and [x['pciBusID'] for x in c['devices']]==['0000:00:03.0'] and c['devices'][0]['iommuGroup']==1 and c['devices'][0]['viable'] is True and '$be' in c['devices'][0]['backends'] and c['devices'][0]['cdi_name']=='0000-00-03.0' and c['devices'][0]['owner']['summary']=='none')(j('caps.out'))"
	if [ "$be" = iommufd ]; then
		check "$d" "$l: vfio caps: RLIMIT_MODE user on a new iommufd, settable as root; iommufd and legacy both offered" \
			"(lambda c: c['iommufd']['rlimit_mode']=='user' and c['iommufd']['settable'] is True and c['iommufd']['node']=='/dev/iommu' and c['legacy']['container_types'][0]=='type1v2' and c['devices'][0]['backends']==['iommufd','legacy'])(j('caps.out'))"
	else
		check "$d" "$l: vfio caps: no iommufd (null mode), the container's type1v2, legacy only" \
			"(lambda c: c['iommufd']['available'] is False and c['iommufd']['rlimit_mode'] is None and 'type1v2' in c['legacy']['container_types'] and c['devices'][0]['backends']==['legacy'])(j('caps.out'))"
	fi
	echo "vfio-caps $d/caps.out" > "$tmp/manifest"
	out=$(python3 tests/tools/json-schema-check.py "$tmp/manifest" 2>&1) && ok "$l: vfio caps -j validates against its schema" ||
		bad "$l: vfio caps schema: $out"
	if out=$(python3 tests/tools/cdi-check.py --nodes "$d/cdi-nodes.txt" --backend "$be" "$d/cdi.json" 2>&1) && [ "$(cat "$d/cdi.rc")" = 0 ]; then
		ok "$l: cdi -o: a valid CDI spec for $be, names the CDI spec allows, every node a character device here ($(grep -c '^ok' <<<"$out") checks)"
	else
		bad "$l: cdi: rc $(cat "$d/cdi.rc" 2>/dev/null): $(grep -m 3 -v '^ok' <<<"$out" | tr '\n' ' ') $(head -n 2 "$d/cdi.err" 2>/dev/null)"
	fi
	check "$d" "$l: cdi --backend legacy: the group's node and the container" \
		"rc('cdi-legacy')==0 and j('cdi-legacy.out')['containerEdits']['deviceNodes'][0]['path']=='/dev/vfio/vfio' and j('cdi-legacy.out')['devices'][0]['containerEdits']['deviceNodes'][0]['path']=='/dev/vfio/1'"
	# the receiver's verdict on every fd
	if [ "$be" = iommufd ]; then
		check "$d" "$l: send: the receiver got the iommufd (/dev/iommu, IOMMU_IOAS_ALLOC works, RLIMIT_MODE process) and the bound cdev (VFIO_DEVICE_GET_INFO)" \
			"rc('recv-iommufd')==0 and (lambda r: r['ok'] and r['nfds']==2 and [c['kind'] for c in r['checks']]==['iommufd','device'] and all(c['ok'] for c in r['checks']) and r['checks'][0]['link']=='/dev/iommu' and r['checks'][1]['link']=='/dev/vfio/devices/vfio0' and r['message']['fds'][0]['rlimit_mode']=='process')(j('recv-iommufd.json'))"
	else
		check "$d" "$l: send: the receiver got the container (API version 0), the viable group /dev/vfio/1 and the device (VFIO_DEVICE_GET_INFO)" \
			"rc('recv-legacy')==0 and (lambda r: r['ok'] and r['nfds']==3 and [c['kind'] for c in r['checks']]==['container','group','device'] and all(c['ok'] for c in r['checks']) and r['checks'][0]['link']=='/dev/vfio/vfio' and r['checks'][1]['link']=='/dev/vfio/1' and r['checks'][2]['link'].startswith('anon_inode:'))(j('recv-legacy.json'))"
	fi
	check "$d" "$l: send: the batch line ok, its output names what the peer checked, and the peer's answer" \
		"rc('send-$be')==0 and (lambda L: L[max(L)]['status']=='ok' and L[max(L)]['output']['reply'].startswith('ok ') and L[max(L)]['output']['fds']==j('recv-$be.json')['message']['fds'])(lines('send-$be.out'))"
	python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1]))["message"], open(sys.argv[2], "w"))' \
		"$d/recv-$be.json" "$tmp/message.json" 2>/dev/null
	echo "send-message $tmp/message.json" > "$tmp/manifest"
	out=$(python3 tests/tools/json-schema-check.py "$tmp/manifest" 2>&1) && ok "$l: send: the message validates against send-message.schema.json" ||
		bad "$l: send message schema: $out"
	check "$d" "$l: send to no socket: exit 1, one line: no such socket" \
		"rc('send-none')==1 and 'send /tmp/none.sock: /tmp/none.sock: cannot use it: no such socket' in t('send-none.err') and len(t('send-none.err').strip().splitlines())==1"
	check "$d" "$l: send to a datagram socket: exit 1, one line" \
		"rc('send-dgram')==1 and 'a datagram socket?' in t('send-dgram.err') and len(t('send-dgram.err').strip().splitlines())==1"
	check "$d" "$l: send to a peer that closes: exit 1, one line" \
		"rc('send-closer')==1 and 'closed the connection' in t('send-closer.err') and len(t('send-closer.err').strip().splitlines())==1"
	check "$d" "$l: send ack to a peer that reads and says nothing: exit 1, one line" \
		"rc('send-silent')==1 and 'without answering' in t('send-silent.err') and len(t('send-silent.err').strip().splitlines())==1"
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
	handover_checks "$d" legacy stock
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
	check "$d" "iommufd: status: IOMMU_OPTION_RLIMIT_MODE known, 0 on a new iommufd, root may set it" \
		"feat()['rlimit_mode_option']['available'] is True and feat()['rlimit_mode_option']['errno'] is None and 'may set it' in feat()['rlimit_mode_option']['detail']"
	handover_checks "$d" iommufd iommufd
	check "$d" "iommufd: send of an iommufd that holds an IOAS: EBUSY, one line saying to choose the mode first" \
		"rc('send-busy')==1 and 'EBUSY' in t('send-busy.err') and \"put 'option rlimit-mode process' before the first of them\" in t('send-busy.err') and len(t('send-busy.err').strip().splitlines())==1"
else
	bad "rebuilt 6.12 guest did not run: $(tail -n 3 "$tmp/iommufd.log" | tr '\n' ' ')"
fi
finish
