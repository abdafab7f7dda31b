#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) of tests/cli/test-vm-apply.sh, second boot: the
# state disk holds what the first boot applied (claims.d and the record); QEMU
# now has a different card at 00:04.0 (an e1000, 8086:100e, where the e1000e
# was) and a function 00:08.1 (a virtio RNG, on virtio-pci) beside the edu at
# 00:08.0, in its IOMMU group. apply --check must exit 5 naming both; apply must refuse and
# change nothing. One line per check in /out/results.txt; logs in /out/log/.

OUT=${OUT:-/out}
RES=$OUT/results.txt
LOG=$OUT/log
mkdir -p "$LOG"
: > "$RES"
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

ok() { echo "ok   $*" | tee -a "$RES"; }
bad() { echo "FAIL $*" | tee -a "$RES"; }
run() {
	name=$1; shift
	"$@" > "$LOG/$name" 2>&1
	rc=$?
	echo "rc=$rc: $*" >> "$LOG/$name"
}
has() { grep -q -- "$2" "$LOG/$1"; }
drv() { d=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$d" || echo none; }
ovr() { cat "/sys/bus/pci/devices/$1/driver_override"; }
grp() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
state() { for a in $NIC $MF $MF1; do echo "$a driver=$(drv $a) override=$(ovr $a)"; done; }

NIC=0000:00:04.0 MF=0000:00:08.0 MF1=0000:00:08.1
mkdir -p /run && mount -t tmpfs tmpfs /run
[ -x /bin/iommuctl ] || { bad "no iommuctl in the guest"; exit 1; }
echo "00:04.0 $(cat /sys/bus/pci/devices/$NIC/vendor):$(cat /sys/bus/pci/devices/$NIC/device) on $(drv $NIC); 00:08.0 group $(grp $MF), 00:08.1 group $(grp $MF1) on $(drv $MF1)"
[ "$(grp $MF)" = "$(grp $MF1)" ] && ok "00:08.1 joined 00:08.0's IOMMU group $(grp $MF) (no ACS between the functions)" ||
	bad "00:08.0 group $(grp $MF), 00:08.1 group $(grp $MF1): the topology change did not happen"

sdev=
for b in /sys/block/vd*; do
	[ "$(cat "$b/serial" 2>/dev/null)" = iommuctl-state ] && sdev=/dev/${b##*/}
done
mkdir -p /state
if [ -z "$sdev" ] || ! mount -t ext4 "$sdev" /state || [ ! -s /state/applied.json ]; then
	bad "the state disk or the first boot's record is missing ($sdev)"
	exit 1
fi
ok "the first boot's record is on the state disk"
cp /state/applied.json "$LOG/record-before.json"

run check iommuctl apply --check --record /state/applied.json /state/claims.d
[ $rc -eq 5 ] && ok "apply --check after the reboot: exit 5" || bad "apply --check: exit $rc, not 5: $(tail -n 5 "$LOG/check")"
has check "drift: group $(grp $MF) gained $MF1 (1af4:1005.*, on virtio-pci)" &&
	ok "--check names the gained function: $(grep -o "group $(grp $MF) gained $MF1 ([^)]*)" "$LOG/check")" ||
	bad "no 'gained $MF1' line: $(grep -E 'drift|refused' "$LOG/check" | tr '\n' ' ')"
has check "refused: $NIC (8086:100e.*, network, on e1000): /state/claims.d/50-drift.conf:1 expects 8086:10d3" &&
	ok "--check names the swapped card at $NIC (8086:100e found, 8086:10d3 expected)" ||
	bad "no swapped-card line for $NIC: $(grep -E 'drift|refused' "$LOG/check" | tr '\n' ' ')"
has check "no longer viable" && ok "--check says the group is no longer viable" || bad "no 'no longer viable': $(grep drift "$LOG/check" | tr '\n' ' ')"
run checkj iommuctl -j apply --check --record /state/applied.json /state/claims.d
[ $rc -eq 5 ] && has checkj '"result":"drift"' && has checkj "gained $MF1" && ok "--check -j: exit 5, result drift, the gained member in the group's drift list" ||
	bad "--check -j: rc $rc: $(tail -c 300 "$LOG/checkj")"

state > "$LOG/state-before"
run apply iommuctl apply --record /state/applied.json /state/claims.d
state > "$LOG/state-after"
[ $rc -eq 1 ] && has apply 'refused' && cmp -s "$LOG/state-before" "$LOG/state-after" &&
	cmp -s /state/applied.json "$LOG/record-before.json" &&
	ok "apply after the change: exit 1, refused; devices and record untouched ($NIC stays on $(drv $NIC))" ||
	bad "apply after the change: rc $rc, state $(diff "$LOG/state-before" "$LOG/state-after" | grep '^[-+]0' | tr '\n' ' '): $(tail -n 3 "$LOG/apply")"
umount /state

echo "done"
grep -q '^FAIL' "$RES" && exit 1
exit 0
