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
# 3. The same on the 7.2 rebuild (build-kernel.sh --series 7.2) under QEMU 11,
#    scenario vtd-sm-7.2 (scalable mode, first-stage tables), plus what 7.2
#    adds: the newer iommufd probed (MAP_FILE, PASID HWPT and attach, vIOMMU),
#    memfds mapped with IOMMU_IOAS_MAP_FILE that edu DMAs through, and a device
#    fd's holder found by its fdinfo vfio-device-syspath line. Same rule.
# 4. The 7.2 rebuild on QEMU 11's AMD-Vi (amd-7.2): the vIOMMU the AMD driver
#    has, as this emulated unit allows it. Same rule.
# 5. The riscv64 7.2 rebuild (build-kernel.sh --series 7.2 --arch riscv64) on
#    QEMU 11's riscv-iommu-pci (riscv-7.2, iommufd.allow_unsafe_interrupts=1:
#    the IMSIC does not isolate MSIs), with the cross-built riscv64 iommuctl
#    (tests/vm/guest/vfio-riscv.sh): vfio status and probe through iommufd +
#    cdev, IOMMU_GET_HW_INFO of type none (the RISC-V driver has no hw_info
#    op), MAP_FILE, the PASID HWPT, nest parent and vIOMMU refused with
#    RISC-V's reasons, a batch whose memfds edu DMAs through, refusals
#    explained, and doctor's MSI-isolation verdict against the kernel's. Same
#    rule (its Image: ~11 min to build).
# IOMMUCTL_VFIO_PARTS="5" (or "3 5"...) runs only those parts (default: all).
# One line per check; ends with "N passed, M failed". IOMMUCTL_VM_SKIP=1 skips all.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
cache=${IOMMUCTL_VM_CACHE:-$HOME/.cache/iommuctl-vm}
image=${IOMMUCTL_VM_IOMMUFD_IMAGE:-$cache/kernel-iommufd/bzImage}
image72=${IOMMUCTL_VM_IOMMUFD72_IMAGE:-$cache/kernel-iommufd-7.2/bzImage}
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
# DMA through edu from a device fd a batch holds (the MAP_FILE checks)
if cc -std=gnu11 -D_GNU_SOURCE -O2 tests/tools/edu-dma.c -o "$tmp/edu-dma" 2>"$tmp/cc.err"; then
	extra+=("$tmp/edu-dma:/bin/edu-dma")
else
	bad "cannot build tests/tools/edu-dma.c: $(head -n 1 "$tmp/cc.err")"
fi

# the parts to run (IOMMUCTL_VFIO_PARTS, default all); part N: want N
parts=${IOMMUCTL_VFIO_PARTS:-1 2 3 4 5}
want() {
	case " $parts " in *" $1 "*) return 0 ;; esac
	note "part $1 not run (IOMMUCTL_VFIO_PARTS=$parts)"
	return 1
}

# boot NAME SCENARIO GUEST [env...]: runs the guest, outputs in $tmp/NAME,
# with the extra files of the array named by $BOOT_EXTRA (default extra)
boot() {
	local name=$1 scn=$2 guest=$3 rc=0
	shift 3
	local -x IOMMUCTL="$bin" "$@"
	local -n ex=${BOOT_EXTRA:-extra}
	guest_run "$scn" "$guest" "$tmp/$name" "${ex[@]}" || rc=$?
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
if ! want 1; then
	:
elif boot stock vtd tests/vm/guest/vfio-legacy.sh; then
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
	check "$d" "stock: batch --force: each refusal says what to do (fix), the overlap names the map it hits" \
		"(lambda L: \"0xfee00000-0xfee00fff is not inside the container's usable ranges (0x0-0xfedfffff, 0xfef00000-\" in L[8]['message'] and 'choose an iova= inside 0x0-0xfedfffff, 0xfef00000-' in L[8]['fix'] and \"overlaps map 'ok' 0x200000-0x201fff (line 9)\" in L[10]['message'] and 'unmap what is there first' in L[10]['fix'] and 'CONFIG_IOMMUFD' in L[11]['fix'] and \"no object named 'nosuch' (a map is wanted here)\"==L[12]['message'] and \"map 'ok' (line 9)\" in L[12]['fix'])(lines('batch-neg.out'))"
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

# ---- 2. and 3. rebuilt kernels: iommufd + cdev ----

# iommufd_checks DIR LABEL SERIES: what vfio-iommufd.sh recorded on a rebuilt
# kernel; SERIES 6.12 or 7.2 says which answers to expect where they differ.
iommufd_checks() {
	local d=$1 l=$2 v=$3
	check "$d" "$l: status: iommufd, IOAS, cdevs, HWPT, fault queues, hw info yes; SW_MSI EOPNOTSUPP" \
		"(lambda f: all(f[k]['available'] is True for k in ('iommufd','ioas','allow_iovas','device_cdev','hwpt_alloc','hwpt_fault','fault_queue','hw_info')) and f['sw_msi_option']['errno_name']=='EOPNOTSUPP')(feat())"
	check "$d" "$l: probe used iommufd+cdev, legacy not tried" \
		"rc('probe')==0 and j('probe.out')['path_used']=='iommufd' and not j('probe.out')['legacy']['attempted']"
	check "$d" "$l: probe reports IOAS ranges, alignment and hw info" \
		"len(j('probe.out')['iova_ranges'])>=2 and j('probe.out')['alignment']==4096 and j('probe.out')['hw_info']['type']=='intel-vtd'"
	check "$d" "$l: the kernel's page table held the test buffer at 0x300000 (8 pages)" \
		"set(range(0x300, 0x308)) <= dts_pfns('dts-probe.txt')"
	check "$d" "$l: MSI-window map refused (EINVAL) and explained" \
		"j('probe.out')['msi_check']['refused'] and 'reserved region' in t('probe-text.out')"
	check "$d" "$l: probe --path legacy still works" "rc('probe-legacy')==0 and j('probe-legacy.out')['path_used']=='legacy'"
	check "$d" "$l: probe --path legacy: the emulated container's ranges are the IOAS's (the device opened before VFIO_IOMMU_GET_INFO)" \
		"j('probe-legacy.out')['iova_ranges']==j('probe.out')['iova_ranges']"
	check "$d" "$l: msi show's usable IOVA equals IOMMU_IOAS_IOVA_RANGES" \
		"j('msi.out')['usable_iova']==[{'start': r['start'], 'last': r['last']} for r in j('probe.out')['iova_ranges']]"
	check "$d" "$l: msi sw-window exits 4 (the option is not mainline)" "rc('sw-window')==4 and 'SW_MSI' in t('sw-window.err')"
	check "$d" "$l: batch: every line ok" "rc('batch')==0 and all(l['status']=='ok' for l in j('batch.out'))"
	check "$d" "$l: batch: exec child held the iommufd" "t('exec-iommufd.txt').splitlines()[1]=='/dev/iommu'"
	check "$d" "$l: batch: debugfs shows both maps while held" \
		"set(range(0x200,0x204)) | set(range(0x400,0x402)) <= dts_pfns('dts-mapped.txt')"
	check "$d" "$l: batch: after unmap m1 debugfs has m2 but not m1" \
		"not (set(range(0x200,0x204)) & dts_pfns('dts-unmapped.txt')) and set(range(0x400,0x402)) <= dts_pfns('dts-unmapped.txt')"
	check "$d" "$l: batch: hw-info reports the PASID width" "'max_pasid_log2' in line('batch.out', 9)['output']"
	check "$d" "$l: holders: device show -j names the process holding the cdev (pid, comm, fd 3, node, device)" \
		"(lambda a: j('cdev-holders.out')['holders']==[{'pid': int(a[0]), 'comm': 'sleep', 'fd': 3, 'node': '/dev/vfio/devices/'+a[1], 'device': '0000:00:03.0'}])(t('cdev-holder.txt').split())"
	check "$d" "$l: holders: group show -j too" \
		"(lambda a: [h['pid'] for h in j('cdev-holders-group.out')['holders']]==[int(a[0])])(t('cdev-holder.txt').split())"
	check "$d" "$l: status: IOMMU_OPTION_RLIMIT_MODE known, 0 on a new iommufd, root may set it" \
		"feat()['rlimit_mode_option']['available'] is True and feat()['rlimit_mode_option']['errno'] is None and 'may set it' in feat()['rlimit_mode_option']['detail']"
	# issue 18: each refusal of the batch says what the kernel meant and what to do, with what
	# the run set up (the lines of vfio-batch-iommufd-neg.txt)
	local N="lines('batch-neg.out')"
	check "$d" "$l: batch --force: MSI-window map: EINVAL, outside the IOAS's usable ranges, choose an iova= inside them" \
		"(lambda L: L[8]['errno_name']=='EINVAL' and \"0xfee00000-0xfee00fff is not inside the usable ranges of IOAS 'a'\" in L[8]['message'] and 'choose an iova= inside 0x' in L[8]['fix'])($N)"
	check "$d" "$l: batch --force: map larger than the allowed range: ENOSPC naming the range and its line, and the ways out" \
		"(lambda L: L[19]['errno_name']=='ENOSPC' and \"IOAS 'b' allows only 0x8000000-0x80fffff (line 18)\" in L[19]['message'] and 'give iova= yourself' in L[19]['fix'] and \"'ioas allow-iovas b START+SIZE' replaces line 18's\" in L[19]['fix'] and L[20]['status']=='ok')($N)"
	check "$d" "$l: batch --force: 'ioas unmap m1' says m1 is a map and how the line is written" \
		"(lambda L: L[21]['message']==\"'m1' is a map (line 20), where an IOAS is wanted\" and \"'ioas unmap b m1'\" in L[21]['fix'] and \"write it as 'ioas unmap IOAS [MAP]\" in L[21]['fix'])($N)"
	check "$d" "$l: batch --force: overlapping map: EEXIST naming map m2, its range and line, and how to unmap it" \
		"(lambda L: L[23]['errno_name']=='EEXIST' and \"overlaps map 'm2' 0x300000-0x300fff (line 22)\" in L[23]['message'] and \"'ioas unmap a m2'\" in L[23]['fix'])($N)"
	check "$d" "$l: batch --force: destroying an IOAS a device is attached to: EBUSY naming edu and its attach line" \
		"(lambda L: L[24]['errno_name']=='EBUSY' and \"device 'edu' is attached to it (line 7)\" in L[24]['message'] and \"'device detach edu'\" in L[24]['fix'])($N)"
	check "$d" "$l: batch --force: a name taken, a device on e1000e, a size of no whole pages: each with its fix" \
		"(lambda L: L[25]['message']==\"an object named 'b' exists: an IOAS, made on line 17\" and 'another name=' in L[25]['fix'] and '0000:00:04.0 is bound to e1000e' in L[26]['message'] and \"'iommuctl group claim 0000:00:04.0'\" in L[26]['fix'] and 'whole 4096-byte pages' in L[27]['fix'])($N)"
	check "$d" "$l: batch --force: moving edu to an IOAS whose allowed range covers its MSI window: EADDRINUSE naming both" \
		"(lambda L: L[30]['errno_name']=='EADDRINUSE' and 'lies in the range 0xfe000000-0xffffffff that line 29 allowed' in L[30]['message'] and \"attach 'edu' before mapping or allowing IOVAs there\" in L[30]['fix'])($N)"
	check "$d" "$l: batch --force: every refusal has a fix, and the text form puts it on the message's one line" \
		"all(x['fix'] for x in $N.values() if x['status']=='error') and all('; fix: ' in x for x in t('batch-neg.err').splitlines() if x.startswith('iommuctl: batch: '))"
	# the newer iommufd: probed, so each kernel answers for itself
	local pf="{x['key']: x for x in j('probe.out')['iommufd_features']}"
	if [ "$v" = 6.12 ]; then
		check "$d" "$l: status: vIOMMU, vDEVICE and MAP_FILE ENOTTY (not in 6.12)" \
			"(lambda f: all(f[k]['available'] is False and f[k]['errno_name']=='ENOTTY' for k in ('viommu','vdevice','ioas_map_file')))(feat())"
		check "$d" "$l: batch --force: MSI map EINVAL, PASID HWPT EOPNOTSUPP, PASID attach EINVAL, SW_MSI EOPNOTSUPP" \
			"(lambda L: L[8]['errno_name']=='EINVAL' and L[9]['errno_name']=='EOPNOTSUPP' and L[10]['errno_name']=='EINVAL' and L[11]['errno_name']=='EOPNOTSUPP')(lines('batch-neg.out'))"
		check "$d" "$l: probe: MAP_FILE and the vIOMMU ENOTTY, nothing made, the probe still ok" \
			"(lambda f: f['ioas_map_file']['errno_name']=='ENOTTY' and f['viommu']['errno_name']=='ENOTTY' and 'vdevice' not in f)($pf)"
		check "$d" "$l: probe --pasid 1 fails at the PASID attach (6.12 knows no VFIO_DEVICE_ATTACH_PASID: EINVAL), said so" \
			"rc('probe-pasid')!=0 and j('probe-pasid.out')['iommufd']['failed_op']=='VFIO_DEVICE_ATTACH_IOMMUFD_PT (PASID)' and 'v6.15' in j('probe-pasid.out')['iommufd']['why']"
		check "$d" "$l: batch: ioas map-file ENOTTY (no IOMMU_IOAS_MAP_FILE in 6.12)" \
			"line('batch-newer.out', 10)['errno_name']=='ENOTTY'"
		check "$d" "$l: fdinfo: no vfio-device-syspath line in 6.12; the device fd is not tied to edu, the group node is" \
			"t('fdinfo-lines.txt').strip()=='' and [h['node'] for h in j('fdinfo-device-show.out')['holders'] if h['pid']==int(t('fdinfo-pid.txt'))]==['/dev/vfio/1']"
		return
	fi
	check "$d" "$l: status: MAP_FILE maps a memfd page; vIOMMU, vDEVICE, vEVENTQ, HW queue ioctls exist" \
		"(lambda f: f['ioas_map_file']['available'] is True and 'memfd page was mapped' in f['ioas_map_file']['detail'] and all(f[k]['available'] is True for k in ('viommu','vdevice','veventq','hw_queue')))(feat())"
	check "$d" "$l: probe: a memfd page through IOMMU_IOAS_MAP_FILE, a PASID-compatible HWPT (first stage)" \
		"(lambda f: f['ioas_map_file']['available'] is True and f['hwpt_pasid']['available'] is True)($pf)"
	check "$d" "$l: probe: no nest parent (EOPNOTSUPP, ECAP.NEST clear) and no vIOMMU: EOPNOTSUPP, the VT-d driver implements none" \
		"(lambda f: f['hwpt_nest_parent']['errno_name']=='EOPNOTSUPP' and f['viommu']['errno_name']=='EOPNOTSUPP' and 'implements no vIOMMU' in f['viommu']['detail'] and 'vdevice' not in f)($pf)"
	# edu has no PASID capability: the kernel gives the device's own PASID width, 0, whatever the unit's
	check "$d" "$l: probe: PASID width from IOMMU_GET_HW_INFO is the device's: 0 (edu has no PASID capability)" \
		"j('probe.out')['hw_info']['max_pasid_log2']==0"
	check "$d" "$l: probe --pasid 1: the device moved onto a PASID HWPT, PASID 1 attached and detached" \
		"rc('probe-pasid')==0 and (lambda f: f['pasid_attach']['available'] is True)({x['key']: x for x in j('probe-pasid.out')['iommufd_features']}) and 'newer iommufd on this device' in t('probe-pasid-text.out')"
	check "$d" "$l: probe --pasid 1: the kernel took the attach for the group and set up nothing (no PASID 1 in debugfs), and the probe says so" \
		"not any(x.rstrip(':').endswith('0000:00:03.0/1') for x in t('debugfs-pasid-probe.txt').split()) and 'domain_translation_struct' in t('debugfs-pasid-probe.txt') and 'nothing was set up: the device has no PASID capability' in t('probe-pasid-text.out')"
	check "$d" "$l: batch: memfds mapped with IOMMU_IOAS_MAP_FILE at 0x600000 and 0x700000" \
		"line('batch-newer.out', 10)['status']=='ok' and line('batch-newer.out', 10)['output']['iova']=='0x600000' and line('batch-newer.out', 11)['output']['iova']=='0x700000'"
	check "$d" "$l: batch: edu read the pattern written to one memfd and wrote it back into the other, through the IOMMU" \
		"t('edu-dma.txt').splitlines()==['ok: 4096 bytes read at 0x600000 and written at 0x700000', '0']"
	check "$d" "$l: batch: the kernel's page table held both memfd pages" "{0x600, 0x700} <= dts_pfns('dts-map-file.txt')"
	check "$d" "$l: batch: PASID HWPT, the device on it, PASID 1 attached and detached; the line says nothing was set up (edu has no PASIDs, debugfs agrees)" \
		"all(line('batch-newer.out', n)['status']=='ok' for n in (13, 14, 15, 17, 18)) and line('batch-newer.out', 15)['output']['pasid_set_up'] is False and not any(x.rstrip(':').endswith('0000:00:03.0/1') for x in t('debugfs-pasid-batch.txt').split())"
	check "$d" "$l: batch: nest-parent HWPT EOPNOTSUPP, explained" \
		"line('batch-newer.out', 19)['errno_name']=='EOPNOTSUPP' and 'nest' in line('batch-newer.out', 19)['message']"
	check "$d" "$l: batch --force: MSI map EINVAL, PASID attach to the IOAS's own HWPT EINVAL, SW_MSI EOPNOTSUPP" \
		"(lambda L: L[8]['errno_name']=='EINVAL' and L[10]['errno_name']=='EINVAL' and L[11]['errno_name']=='EOPNOTSUPP')(lines('batch-neg.out'))"
	check "$d" "$l: fdinfo: the legacy device fd's vfio-device-syspath line names edu" \
		"t('fdinfo-lines.txt').strip().endswith('vfio-device-syspath: /sys/devices/pci0000:00/0000:00:03.0')"
	check "$d" "$l: fdinfo: device show names the probe's group node and its device fd (an anonymous inode tied to edu by that line)" \
		"(lambda p: sorted((h['node'] or '', h['device'] or '') for h in j('fdinfo-device-show.out')['holders'] if h['pid']==p)==[('', '0000:00:03.0'), ('/dev/vfio/1', '')])(int(t('fdinfo-pid.txt')))"
}

if ! want 2; then
	:
elif [ ! -f "$image" ]; then
	skip "iommufd/cdev tests: no rebuilt kernel at $image (build it once with tests/vm/build-kernel.sh, ~10 min)"
elif boot iommufd vtd tests/vm/guest/vfio-iommufd.sh IOMMUCTL_VM_KERNEL_IMAGE="$image"; then
	ok "rebuilt 6.12 guest ran (${BOOT_SECONDS} s)"
	d=$tmp/iommufd
	iommufd_checks "$d" iommufd 6.12
	handover_checks "$d" iommufd iommufd
	check "$d" "iommufd: send of an iommufd that holds an IOAS: EBUSY, one line saying to choose the mode first" \
		"rc('send-busy')==1 and 'EBUSY' in t('send-busy.err') and \"put 'option rlimit-mode process' before the first of them\" in t('send-busy.err') and len(t('send-busy.err').strip().splitlines())==1"
else
	bad "rebuilt 6.12 guest did not run: $(tail -n 3 "$tmp/iommufd.log" | tr '\n' ' ')"
fi

# ---- 3. the 7.2 rebuild under QEMU 11 ----
if ! want 3; then
	:
elif [ ! -f "$image72" ]; then
	skip "iommufd/cdev tests on 7.2: the rebuilt (iommufd) kernel is not built yet (build it once with tests/vm/build-kernel.sh --series 7.2)"
elif [ "$(id -u)" -ne 0 ] && ! ls "$cache"/qemu-sid/*/.complete >/dev/null 2>&1 && [ -z "${IOMMUCTL_VM_QEMU11_ROOT:-}" ]; then
	skip "iommufd/cdev tests on 7.2: QEMU cannot run here (QEMU 11's root is debootstrapped once, as root)"
# TCG with -cpu max and the newer steps: more than the default 120 s on a busy machine
elif boot iommufd72 vtd-sm-7.2 tests/vm/guest/vfio-iommufd.sh IOMMUCTL_VM_KERNEL_IMAGE="$image72" \
	IOMMUCTL_VM_TIMEOUT="${IOMMUCTL_VM_TIMEOUT:-300}"; then
	ok "rebuilt 7.2 guest ran (${BOOT_SECONDS} s)"
	d=$tmp/iommufd72
	iommufd_checks "$d" iommufd-7.2 7.2
	handover_checks "$d" iommufd iommufd-7.2
else
	bad "rebuilt 7.2 guest did not run: $(tail -n 3 "$tmp/iommufd72.log" | tr '\n' ' ')"
fi

# ---- 4. the 7.2 rebuild on QEMU 11's AMD-Vi: the vIOMMU the AMD driver has, as this unit allows ----
if ! want 4; then
	:
elif [ ! -f "$image72" ]; then
	skip "AMD-Vi vIOMMU tests on 7.2: the rebuilt (iommufd) kernel is not built yet (build it once with tests/vm/build-kernel.sh --series 7.2)"
elif [ "$(id -u)" -ne 0 ] && ! ls "$cache"/qemu-sid/*/.complete >/dev/null 2>&1 && [ -z "${IOMMUCTL_VM_QEMU11_ROOT:-}" ]; then
	skip "AMD-Vi vIOMMU tests on 7.2: QEMU cannot run here (QEMU 11's root is debootstrapped once, as root)"
elif boot amd72 amd-7.2 tests/vm/guest/vfio-amd-viommu.sh IOMMUCTL_VM_KERNEL_IMAGE="$image72" \
	IOMMUCTL_VM_TIMEOUT="${IOMMUCTL_VM_TIMEOUT:-300}"; then
	ok "rebuilt 7.2 guest on AMD-Vi ran (${BOOT_SECONDS} s)"
	d=$tmp/amd72
	pf="{x['key']: x for x in j('probe.out')['iommufd_features']}"
	check "$d" "amd-7.2: probe through iommufd+cdev; IOMMU_GET_HW_INFO says amd with QEMU's EFR" \
		"rc('probe')==0 and j('probe.out')['path_used']=='iommufd' and j('probe.out')['hw_info']['type']=='amd' and j('probe.out')['hw_info']['amd_efr']=='0x29d7'"
	check "$d" "amd-7.2: probe: MAP_FILE maps a memfd page" "(lambda f: f['ioas_map_file']['available'] is True)($pf)"
	check "$d" "amd-7.2: probe: no nest parent, naming the EFR bits the driver wants (GIOSup clear)" \
		"(lambda f: f['hwpt_nest_parent']['errno_name']=='EOPNOTSUPP' and 'EFR.GIOSup (bit 48, clear)' in f['hwpt_nest_parent']['detail'])($pf)"
	check "$d" "amd-7.2: probe: the AMD driver has vIOMMUs (ENOENT without a parent, not EOPNOTSUPP) but this unit gives no nest parent" \
		"(lambda f: f['viommu']['errno_name']=='ENOENT' and 'which this IOMMU refused (EOPNOTSUPP)' in f['viommu']['detail'])($pf)"
	check "$d" "amd-7.2: probe: no PASID HWPT, naming the v2-table bits" \
		"(lambda f: f['hwpt_pasid']['errno_name']=='EOPNOTSUPP' and 'GIOSup (bit 48, clear)' in f['hwpt_pasid']['detail'])($pf)"
	check "$d" "amd-7.2: batch: nest-parent HWPT refused with a fix; the vIOMMU line then names the missing HWPT" \
		"(lambda L: L[8]['errno_name']=='EOPNOTSUPP' and L[8]['fix'] and \"no object named 'np'\" in L[9]['message'] and 'hwpt alloc DEV IOAS' in L[9]['fix'])(lines('batch-viommu.out'))"
else
	bad "rebuilt 7.2 guest on AMD-Vi did not run: $(tail -n 3 "$tmp/amd72.log" | tr '\n' ' ')"
fi
# ---- 5. the riscv64 7.2 rebuild on QEMU 11's RISC-V IOMMU ----
# What Linux 7.2's RISC-V IOMMU driver (drivers/iommu/riscv/iommu.c, with
# tests/vm/patches/riscv-iommu-capable.patch) gives iommufd: paging domains
# (Sv57 on QEMU's unit: IOVAs 0x0-0xffffffffffffff, the lower half of the
# sign-extended 57 bits) and nothing else: no hw_info op (IOMMU_GET_HW_INFO
# answers type none, its capabilities the core's: PCI_ATS_NOT_SUPPORTED, as
# the patch's .capable answers only IOMMU_CAP_CACHE_COHERENCY), no
# domain_alloc_paging_flags (iommufd refuses any HWPT flag: EOPNOTSUPP), no
# viommu_init, no PASIDs, no reserved regions (no MSI window), and no MSI
# isolation (the IMSIC's domain is not ISOLATED_MSI and the driver remaps no
# MSIs): the command line has iommufd.allow_unsafe_interrupts=1 and the kernel
# warns "MSI interrupts are not secure" for edu.
image72rv=${IOMMUCTL_VM_IOMMUFD72_RISCV64_IMAGE:-$cache/kernel-iommufd-7.2-riscv64/Image}
# shellcheck disable=SC2034 # boot reads it through BOOT_EXTRA
rv_extra=("$tmp/edu-dma-riscv64:/bin/edu-dma")
if ! want 5; then
	:
elif [ ! -f "$image72rv" ]; then
	skip "RISC-V VFIO tests on 7.2: the rebuilt (iommufd) kernel is not built yet (build it once with tests/vm/build-kernel.sh --series 7.2 --arch riscv64)"
elif [ "$(id -u)" -ne 0 ] && ! ls "$cache"/qemu-sid/*/.complete >/dev/null 2>&1 && [ -z "${IOMMUCTL_VM_QEMU11_ROOT:-}" ]; then
	skip "RISC-V VFIO tests on 7.2: QEMU cannot run here (QEMU 11's root is debootstrapped once, as root)"
elif [ -z "${IOMMUCTL_RISCV64:-}" ] && ! (. tests/vm/lib.sh && vm_riscv64_need_tools &&
	vm_riscv64_build_iommuctl) >"$tmp/riscv64-build.log" 2>&1; then
	skip_broken "RISC-V VFIO tests on 7.2: cannot cross-build iommuctl for riscv64: $(tail -n 2 "$tmp/riscv64-build.log" | tr '\n' ' ')"
elif ! (. tests/vm/lib.sh && vm_riscv64_cc "$tmp/edu-dma-riscv64" tests/tools/edu-dma.c) >"$tmp/riscv64-cc.log" 2>&1; then
	skip_broken "RISC-V VFIO tests on 7.2: cannot cross-build tests/tools/edu-dma.c for riscv64: $(tail -n 2 "$tmp/riscv64-cc.log" | tr '\n' ' ')"
elif BOOT_EXTRA=rv_extra boot riscv72 riscv-7.2 \
	tests/vm/guest/vfio-riscv.sh IOMMUCTL_VM_KERNEL_IMAGE="$image72rv" \
	IOMMUCTL_VM_APPEND="${IOMMUCTL_VM_APPEND:-} iommufd.allow_unsafe_interrupts=1" \
	IOMMUCTL_VM_TIMEOUT="${IOMMUCTL_VM_TIMEOUT:-300}"; then
	ok "rebuilt riscv64 7.2 guest on the RISC-V IOMMU ran (${BOOT_SECONDS} s)"
	d=$tmp/riscv72
	pf="{x['key']: x for x in j('probe.out')['iommufd_features']}"
	check "$d" "riscv-7.2: the rebuild booted; edu bound to vfio-pci behind riscv-iommu@0000:00:01.0 (an identity group until VFIO takes it)" \
		"(lambda w: 'Linux 7.2.' in w and '-iommufd' in w and 'QEMU 11' in w)(t('.vm/world')) and t('driver.txt').strip().endswith('vfio-pci') and t('iommu-link.txt').strip().endswith('/riscv-iommu@0000:00:01.0') and t('group-type.txt').strip()=='identity'"
	check "$d" "riscv-7.2: status: iommufd, IOAS, the cdev, HWPTs, hw info and MAP_FILE yes; SW_MSI EOPNOTSUPP; the vIOMMU ioctl exists (EOPNOTSUPP without a device)" \
		"(lambda f: all(f[k]['available'] is True for k in ('iommufd','ioas','allow_iovas','device_cdev','hwpt_alloc','hw_info','ioas_map_file','viommu')) and 'memfd page was mapped' in f['ioas_map_file']['detail'] and f['sw_msi_option']['errno_name']=='EOPNOTSUPP' and f['viommu']['errno_name']=='EOPNOTSUPP')(feat())"
	check "$d" "riscv-7.2: status: /dev/vfio/vfio is iommufd's emulated container (the kernel says so), DMA_CC ENODEV before a group is set, explained" \
		"'IOMMUFD is providing /dev/vfio/vfio' in t('.vm/dmesg') and feat()['container']['available'] is True and feat()['container_dma_cc']['errno_name']=='ENODEV' and 'CONFIG_IOMMUFD_VFIO_CONTAINER' in feat()['container_dma_cc']['detail']"
	check "$d" "riscv-7.2: probe through iommufd+cdev (legacy not tried), exit 0" \
		"rc('probe')==0 and j('probe.out')['path_used']=='iommufd' and not j('probe.out')['legacy']['attempted']"
	check "$d" "riscv-7.2: probe: IOMMU_IOAS_IOVA_RANGES 0x0-0xffffffffffffff (Sv57's lower half), alignment 4096" \
		"j('probe.out')['iova_ranges']==[{'start': '0x0', 'last': '0xffffffffffffff'}] and j('probe.out')['alignment']==4096"
	check "$d" "riscv-7.2: probe: IOMMU_GET_HW_INFO type none, capabilities 0x8 (PCI_ATS_NOT_SUPPORTED), PASID width 0: the riscv-iommu driver has no hw_info op, said so" \
		"(lambda h: h['type']=='none' and h['capabilities']=='0x8' and h['max_pasid_log2']==0 and h['detail'].startswith('the riscv-iommu driver has no hw_info op: IOMMU_GET_HW_INFO succeeds with type none'))(j('probe.out')['hw_info']) and 'type none (the riscv-iommu driver has no hw_info op: no driver data), capabilities 0x8 (PCI_ATS_NOT_SUPPORTED)' in t('probe-text.out')"
	check "$d" "riscv-7.2: probe --path legacy: iommufd's emulated container gives the domain's ranges (0x0-0xffffffffffffff), not the whole 64-bit space (the device opened before VFIO_IOMMU_GET_INFO)" \
		"rc('probe-legacy')==0 and j('probe-legacy.out')['path_used']=='legacy' and j('probe-legacy.out')['iova_ranges']==[{'start': '0x0', 'last': '0xffffffffffffff'}]"
	check "$d" "riscv-7.2: probe: MAP_FILE maps a memfd page" \
		"(lambda f: f['ioas_map_file']['available'] is True and f['ioas_map_file']['errno'] is None)($pf)"
	check "$d" "riscv-7.2: probe: PASID HWPT EOPNOTSUPP: the RISC-V driver has no PASIDs and no domain_alloc_paging_flags" \
		"(lambda f: f['hwpt_pasid']['errno_name']=='EOPNOTSUPP' and f['hwpt_pasid']['detail'].startswith('EOPNOTSUPP: the RISC-V IOMMU driver (riscv-iommu) has no PASIDs: it has no domain_alloc_paging_flags'))($pf)"
	check "$d" "riscv-7.2: probe: nest parent EOPNOTSUPP: the RISC-V driver cannot nest (single-stage domains), not VT-d's or SMMUv3's reason" \
		"(lambda f: f['hwpt_nest_parent']['errno_name']=='EOPNOTSUPP' and f['hwpt_nest_parent']['detail'].startswith('EOPNOTSUPP: the RISC-V IOMMU driver (riscv-iommu) cannot nest') and 'VT-d' not in f['hwpt_nest_parent']['detail'])($pf)"
	check "$d" "riscv-7.2: probe: vIOMMU EOPNOTSUPP, the riscv-iommu driver named; no vDEVICE tried" \
		"(lambda f: f['viommu']['errno_name']=='EOPNOTSUPP' and 'the riscv-iommu IOMMU driver implements no vIOMMU' in f['viommu']['detail'] and 'vdevice' not in f)($pf)"
	check "$d" "riscv-7.2: probe --pasid 1: EINVAL at the PASID attach (onto the IOAS's own HWPT, not PASID-compatible), said so" \
		"rc('probe-pasid')!=0 and j('probe-pasid.out')['iommufd']['failed_op']=='VFIO_DEVICE_ATTACH_IOMMUFD_PT (PASID)' and (lambda f: f['pasid_attach']['errno_name']=='EINVAL' and \"went to the IOAS's own HWPT\" in f['pasid_attach']['detail'] and 'refused IOMMU_HWPT_ALLOC_PASID: EOPNOTSUPP' in f['pasid_attach']['detail'])({x['key']: x for x in j('probe-pasid.out')['iommufd_features']})"
	check "$d" "riscv-7.2: no reserved regions in the group (sysfs), so no MSI window: msi show lists none, probe --msi-check says there is none to try" \
		"t('reserved-regions.txt').strip()=='' and j('msi.out')['reserved_regions']==[] and 'msi_check' not in j('probe.out') and 'the group has no msi reserved region' in t('probe.err')"
	check "$d" "riscv-7.2: msi show: riscv-iommu, riscv64; no width offline (says so), its usable IOVA holds the kernel's range" \
		"j('msi.out')['iommu_kind']=='riscv-iommu' and j('msi.out')['arch']=='riscv64' and 'unknown offline' in j('msi.out')['iova_width_source'] and all(int(u['start'],16)<=int(r['start'],16) and int(r['last'],16)<=int(u['last'],16) for r in j('probe.out')['iova_ranges'] for u in j('msi.out')['usable_iova'])"
	check "$d" "riscv-7.2: doctor: MSIs not isolated and allowed, as the kernel says (iommufd.allow_unsafe_interrupts=Y, 'MSI interrupts are not secure' for edu, no IR- chip): warn, RISC-V's reason and fix" \
		"t('allow-unsafe.txt').strip()=='Y' and 'vfio-pci 0000:00:03.0: MSI interrupts are not secure' in t('.vm/dmesg') and ' IR-' not in t('interrupts.txt') and (lambda c: c['verdict']=='warn' and 'iommufd.allow_unsafe_interrupts=Y' in c['evidence'] and 'riscv-iommu@0000:00:01.0: the RISC-V IOMMU driver remaps no MSIs' in c['evidence'] and 'On RISC-V nothing enables isolation' in c['fix'] and 'intremap' not in c['fix'])([c for c in j('doctor.out')['checks'] if c['check']=='kernel.irq-remapping'][0])"
	check "$d" "riscv-7.2: batch: every line ok (IOAS, bind, attach, ranges, hw-info, map, two MAP_FILEs, edu's DMA, unmaps, detach, destroy)" \
		"rc('batch')==0 and len(lines('batch.out'))==14 and all(l['status']=='ok' for l in j('batch.out'))"
	check "$d" "riscv-7.2: batch: the IOAS's ranges and hw-info as the probe's" \
		"line('batch.out', 9)['output']['iova_ranges']==j('probe.out')['iova_ranges'] and line('batch.out', 10)['output']['type']=='none' and line('batch.out', 10)['output']['capabilities']=='0x8'"
	check "$d" "riscv-7.2: batch: an anonymous map at 0x200000 and memfds through IOMMU_IOAS_MAP_FILE at 0x600000 and 0x700000" \
		"line('batch.out', 11)['output']['iova']=='0x200000' and line('batch.out', 12)['output']['iova']=='0x600000' and line('batch.out', 13)['output']['iova']=='0x700000'"
	check "$d" "riscv-7.2: batch: edu read the pattern written to one memfd and wrote it back into the other, through the RISC-V IOMMU" \
		"t('edu-dma.txt').splitlines()==['ok: 4096 bytes read at 0x600000 and written at 0x700000', '0']"
	check "$d" "riscv-7.2: batch: unmaps give back what was mapped, then detach and destroy" \
		"[line('batch.out', n)['output']['unmapped_bytes'] for n in (15, 16, 17)]==[4096, 4096, 16384] and line('batch.out', 18)['status']=='ok' and line('batch.out', 19)['status']=='ok'"
	N="lines('batch-neg.out')"
	check "$d" "riscv-7.2: batch --force: a map at 2^56: EINVAL, past the last usable IOVA (56 bits), with the ranges to choose from" \
		"(lambda L: L[7]['errno_name']=='EINVAL' and \"0x100000000000000-0x100000000000fff lies past 0xffffffffffffff, the last IOVA IOAS 'a' can use (0x0-0xffffffffffffff)\" in L[7]['message'] and '(56 bits)' in L[7]['message'] and 'choose an iova= inside 0x0-0xffffffffffffff' in L[7]['fix'])($N)"
	check "$d" "riscv-7.2: batch --force: a map across 2^56 reaches past it; a name taken, with its line and fix" \
		"(lambda L: L[13]['errno_name']=='EINVAL' and '0xfffffffffff000-0x100000000000fff reaches past 0xffffffffffffff' in L[13]['message'] and L[8]['message']==\"an object named 'a' exists: an IOAS, made on line 4\" and 'another name=' in L[8]['fix'])($N)"
	check "$d" "riscv-7.2: batch --force: PASID and nest-parent HWPTs EOPNOTSUPP, a plain HWPT ok, a vIOMMU on it EOPNOTSUPP; each refusal with a fix" \
		"(lambda L: L[9]['errno_name']=='EOPNOTSUPP' and L[10]['errno_name']=='EOPNOTSUPP' and L[11]['status']=='ok' and L[12]['errno_name']=='EOPNOTSUPP' and all(L[n]['fix'] for n in (7, 8, 9, 10, 12, 13)))($N) and rc('batch-neg')!=0"
else
	bad "rebuilt riscv64 7.2 guest did not run: $(tail -n 3 "$tmp/riscv72.log" | tr '\n' ' ')"
fi
finish
