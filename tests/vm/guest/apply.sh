#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) of tests/cli/test-vm-apply.sh, first boot: iommuctl
# apply on a real kernel (vtd). Claims the e1000e (00:04.0) and edu (00:03.0)
# groups from a claims.d directory, applies again (nothing to do, the record
# not rewritten), releases them by dropping the lines, rolls back a failed
# apply (the last of three groups cannot be bound: every earlier change undone),
# refuses a swapped card (apply and the udev hook), gives back a NIC held in
# the boot's order (hook, then vfio-pci's load binds it, then apply), and
# leaves an applied state
# with its record on the state disk (serial iommuctl-state, ext4) for the
# second boot (apply-reboot.sh), which changes the topology. One line per check
# in /out/results.txt ("ok   ..." or "FAIL ..."); logs in /out/log/.

OUT=${OUT:-/out}
RES=$OUT/results.txt
LOG=$OUT/log
mkdir -p "$LOG"
: > "$RES"
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

ok() { echo "ok   $*" | tee -a "$RES"; }
bad() { echo "FAIL $*" | tee -a "$RES"; }
# run NAME CMD...: stdout+stderr in $LOG/NAME, status in $rc
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
gtype() { cat "/sys/kernel/iommu_groups/$(grp "$1")/type"; }
# state: what apply may change, one line per device (driver link, driver_override, group type)
state() { for a in $NIC $EDU $NIC2 $MF; do echo "$a driver=$(drv $a) override=$(ovr $a) type=$(gtype $a)"; done; }
# probes: how often e1000e has bound 00:04.0 this boot (it prints one line per probe)
probes() { dmesg | grep -c "e1000e $NIC .*: (PCI Express"; }
journals() { for j in /run/iommuctl/claims/*.json; do [ -e "$j" ] && printf '%s ' "${j##*/}"; done; }

NIC=0000:00:04.0 EDU=0000:00:03.0 NIC2=0000:01:00.0 MF=0000:00:08.0
mkdir -p /run && mount -t tmpfs tmpfs /run
[ -x /bin/iommuctl ] || { bad "no iommuctl in the guest"; exit 1; }
state > "$LOG/state-boot"
echo "boot state:"; cat "$LOG/state-boot"

# ---- apply claims the named groups ----
C=/etc/iommuctl/claims.d
mkdir -p $C
cat > $C/10-nic.conf <<EOF
# the first NIC, for a VM
device $NIC id=8086:10d3
EOF
cat > $C/20-edu.conf <<EOF
device 00:03.0 id=1234:11e8 type=DMA
EOF
run dry iommuctl apply --dry-run
[ $rc -eq 0 ] && has dry 'dry run, nothing changed' && [ "$(drv $NIC)" = e1000e ] && [ "$(drv $EDU)" = none ] &&
	ok "apply --dry-run prints the plan, changes nothing" || bad "apply --dry-run: rc $rc, $(drv $NIC), $(drv $EDU)"
run check0 iommuctl apply --check
[ $rc -eq 5 ] && has check0 "$NIC is on e1000e, not vfio-pci" &&
	ok "apply --check before apply: exit 5, '$NIC is on e1000e, not vfio-pci'" || bad "check before apply: rc $rc: $(tail -n 3 "$LOG/check0")"

run apply1 iommuctl -j apply
GN=$(grp $NIC) GE=$(grp $EDU)
[ $rc -eq 0 ] && has apply1 '"result":"applied"' && has apply1 '"nchanged":2' && has apply1 '"record_written":true' &&
	ok "apply (default claims.d): exit 0, applied, 2 groups changed, record written" || bad "apply: rc $rc: $(tail -c 400 "$LOG/apply1")"
[ "$(drv $NIC)" = vfio-pci ] && [ "$(drv $EDU)" = vfio-pci ] && [ "$(ovr $NIC)" = vfio-pci ] && [ "$(ovr $EDU)" = vfio-pci ] &&
	ok "00:04.0 (group $GN) and 00:03.0 (group $GE) are on vfio-pci, driver_override vfio-pci" ||
	bad "after apply: $NIC $(drv $NIC)/$(ovr $NIC), $EDU $(drv $EDU)/$(ovr $EDU)"
[ -c /dev/vfio/$GN ] && [ -c /dev/vfio/$GE ] && ok "/dev/vfio/$GN and /dev/vfio/$GE exist" || bad "no /dev/vfio/$GN or /dev/vfio/$GE"
REC=/var/lib/iommuctl/applied.json
grep -q "\"key\": \"$NIC\"" $REC && grep -q "\"key\": \"$EDU\"" $REC && grep -q '"vendor": 32902' $REC &&
	ok "the record $REC names both groups with their members' IDs" || bad "record: $(head -c 300 $REC 2>&1)"
cp $REC "$LOG/record1.json"
rec1=$(ls -i $REC | awk '{ print $1 }')

# ---- a second apply changes nothing ----
run apply2 iommuctl apply
[ $rc -eq 0 ] && has apply2 'result: nothing to do' && has apply2 'changed: no' &&
	ok "second apply: exit 0, 'result: nothing to do'" || bad "second apply: rc $rc: $(tail -n 4 "$LOG/apply2")"
[ "$(ls -i $REC | awk '{ print $1 }')" = "$rec1" ] && cmp -s $REC "$LOG/record1.json" &&
	ok "second apply: the record was not rewritten (same inode, same bytes)" || bad "second apply rewrote the record"
run apply2j iommuctl -j apply
has apply2j '"nchanged":0' && has apply2j '"record_written":false' && has apply2j '"changed":false' &&
	ok "second apply -j: nchanged 0, record_written false" || bad "second apply -j: $(tail -c 300 "$LOG/apply2j")"
run check1 iommuctl apply --check
[ $rc -eq 0 ] && has check1 'result: matches' && ok "apply --check after apply: exit 0, matches" || bad "check after apply: rc $rc: $(tail -n 3 "$LOG/check1")"

# ---- a line dropped: its group released, the other kept ----
rm $C/20-edu.conf
run drop1 iommuctl apply
[ $rc -eq 0 ] && [ "$(drv $EDU)" = none ] && [ "$(ovr $EDU)" = "(null)" ] && [ "$(drv $NIC)" = vfio-pci ] &&
	ok "edu line removed: apply releases group $GE (unbound, no driver_override), keeps $NIC" ||
	bad "drop edu: rc $rc, $EDU $(drv $EDU)/$(ovr $EDU), $NIC $(drv $NIC): $(tail -n 3 "$LOG/drop1")"
echo "# nothing" > $C/10-nic.conf
run drop2 iommuctl apply
[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && [ "$(ovr $NIC)" = "(null)" ] &&
	ok "no line left: apply gives $NIC back to e1000e" || bad "drop nic: rc $rc, $(drv $NIC)/$(ovr $NIC): $(tail -n 3 "$LOG/drop2")"
state > "$LOG/state-released"
cmp -s "$LOG/state-boot" "$LOG/state-released" && ok "every device as at boot again (driver, driver_override, type)" ||
	bad "after the releases: $(diff "$LOG/state-boot" "$LOG/state-released" | grep '^[-+]0' | tr '\n' ' ')"

# ---- a failed apply: every change before the failure undone ----
# group order is line order: the NIC's claim, the second NIC's type and
# claim succeed, then edu cannot be bound (pcieport refuses an endpoint)
F=/tmp/fail.d
mkdir -p $F
cat > $F/50-three.conf <<EOF
device $NIC id=8086:10d3
device $NIC2 id=8086:10d3 type=identity
device $EDU id=1234:11e8 driver=pcieport
EOF
cp $REC "$LOG/record-before-fail.json"
state > "$LOG/state-before-fail"
p0=$(probes)
run fail iommuctl -j apply $F
state > "$LOG/state-after-fail"
p1=$(probes)
[ $rc -eq 1 ] && has fail '"result":"failed, rolled back"' && has fail "claim for pcieport" &&
	ok "apply with a group that cannot be bound: exit 1, 'failed, rolled back', names the edu group's claim" ||
	bad "failing apply: rc $rc: $(tail -c 500 "$LOG/fail")"
has fail '"rollback_errors":\[\]' && ok "the rollback reports no errors" || bad "rollback errors: $(tail -c 300 "$LOG/fail")"
cmp -s "$LOG/state-before-fail" "$LOG/state-after-fail" &&
	ok "after the failure every device is as before: driver links, driver_override, group types" ||
	bad "state changed by a failed apply: $(diff "$LOG/state-before-fail" "$LOG/state-after-fail" | grep '^[-+]0' | tr '\n' ' ')"
[ "$p1" -eq $((p0 + 1)) ] && ok "the NIC's claim had happened and was undone: e1000e bound $NIC again ($p0 -> $p1 probes)" ||
	bad "e1000e probes of $NIC before/after the failed apply: $p0 -> $p1 (expected one more)"
cmp -s $REC "$LOG/record-before-fail.json" && ok "the failed apply left the record alone" || bad "the failed apply changed the record"
[ -z "$(journals)" ] && ok "no claim journal left behind" || bad "journals left: $(journals)"

# ---- a swapped card: refused, nothing written ----
S=/tmp/swap.d
mkdir -p $S
echo "device $NIC id=8086:100e" > $S/50-swap.conf
state > "$LOG/state-before-swap"
run swap iommuctl apply --record /tmp/swap-record.json $S
[ $rc -eq 1 ] && has swap "$NIC (8086:10d3.*, network, on e1000e): $S/50-swap.conf:1 expects 8086:100e; a different device is there now" &&
	ok "a file expecting 8086:100e at $NIC (8086:10d3 there): exit 1, refused and named" || bad "swapped: rc $rc: $(tail -n 4 "$LOG/swap")"
state > "$LOG/state-after-swap"
cmp -s "$LOG/state-before-swap" "$LOG/state-after-swap" && [ ! -e /tmp/swap-record.json ] && [ -z "$(journals)" ] &&
	ok "swapped: nothing written (devices as before, no record, no journal)" ||
	bad "swapped: state $(diff "$LOG/state-before-swap" "$LOG/state-after-swap" | grep '^[-+]0' | tr '\n' ' '), record $(ls /tmp/swap-record.json 2>&1), journals $(journals)"
# the udev hook, on edu (unbound, as a device is when the rule runs at boot)
echo "device $EDU id=1234:11e9" > $S/50-swap.conf
run hook-swap iommuctl apply hook --kmsg $EDU $S
[ $rc -eq 1 ] && has hook-swap "1234:11e8.* is at this address, $S/50-swap.conf:1 expects 1234:11e9: a different card" &&
	[ "$(ovr $EDU)" = "(null)" ] && [ ! -e /run/iommuctl/claims/$EDU.held ] &&
	ok "apply hook on a swapped card: exit 1, 'a different card', driver_override not written" ||
	bad "hook on a swapped card: rc $rc, override $(ovr $EDU): $(cat "$LOG/hook-swap")"
dmesg | grep -q "iommuctl: $EDU: 1234:11e8.* is at this address, .* a different card" &&
	ok "apply hook --kmsg: the refusal is in the kernel log" || bad "no 'a different card' line in dmesg"
echo "device $EDU id=1234:11e8" > $S/50-swap.conf
run hook-hold iommuctl apply hook --kmsg $EDU $S
[ $rc -eq 0 ] && [ "$(ovr $EDU)" = vfio-pci ] && [ -e /run/iommuctl/claims/$EDU.held ] &&
	dmesg | grep -q "iommuctl: $EDU: held for vfio-pci" &&
	ok "apply hook on the expected card (unbound): driver_override vfio-pci, marker, kernel log line" ||
	bad "hook hold: rc $rc, override $(ovr $EDU): $(cat "$LOG/hook-hold")"
run hook-apply iommuctl apply --record /tmp/hook-record.json $S
[ $rc -eq 0 ] && [ "$(drv $EDU)" = vfio-pci ] && ok "apply claims the held device: vfio-pci" ||
	bad "apply of the held device: rc $rc, $(drv $EDU): $(tail -n 3 "$LOG/hook-apply")"
echo "# nothing" > /tmp/empty.conf
run hook-release iommuctl apply --record /tmp/hook-record.json /tmp/empty.conf
[ "$(drv $EDU)" = none ] && [ "$(ovr $EDU)" = "(null)" ] &&
	ok "a held device claimed then released: back to the kernel's choice (unbound, no driver_override)" ||
	bad "held, applied, released: $(drv $EDU)/$(ovr $EDU): $(tail -n 3 "$LOG/hook-apply" "$LOG/hook-release")"

# ---- the boot order of the rule and the unit, on the NIC ----
# unbound when the rule runs; the hook holds it; vfio-pci takes it as its
# module loads (drivers_probe asks the same match); then apply; then the
# line dropped: it must go back to e1000e
B=/tmp/boot.d
mkdir -p $B
echo "device $NIC id=8086:10d3" > $B/50-nic.conf
echo $NIC > /sys/bus/pci/drivers/e1000e/unbind
run boot-hook iommuctl apply hook $NIC $B
echo $NIC > /sys/bus/pci/drivers_probe
[ $rc -eq 0 ] && [ "$(drv $NIC)" = vfio-pci ] && [ "$(ovr $NIC)" = vfio-pci ] &&
	ok "boot order: hook held $NIC, vfio-pci took it as it would when its module loads" ||
	bad "boot order: hook rc $rc, $(drv $NIC)/$(ovr $NIC): $(cat "$LOG/boot-hook")"
run boot-apply iommuctl apply --record /tmp/boot-record.json $B
[ $rc -eq 0 ] && has boot-apply 'held at boot (apply hook), taken by vfio-pci as it loaded: kept' &&
	[ -f /run/iommuctl/claims/$NIC.json ] && grep -q '"probe": true' /run/iommuctl/claims/$NIC.json &&
	ok "boot order: apply changes nothing and journals $NIC as held at boot (probe: true)" ||
	bad "boot order: apply rc $rc, journal $(cat /run/iommuctl/claims/$NIC.json 2>&1 | tr '\n' ' '): $(tail -n 4 "$LOG/boot-apply")"
p0=$(probes)
run boot-release iommuctl apply --record /tmp/boot-record.json /tmp/empty.conf
[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && [ "$(ovr $NIC)" = "(null)" ] && [ "$(probes)" -eq $((p0 + 1)) ] &&
	ok "boot order: the line dropped, apply gives $NIC back to e1000e (probed again), no driver_override" ||
	bad "boot order: release rc $rc, $(drv $NIC)/$(ovr $NIC): $(tail -n 4 "$LOG/boot-release")"

# ---- for the second boot: an applied state, its record on the state disk ----
sdev=
for b in /sys/block/vd*; do
	[ "$(cat "$b/serial" 2>/dev/null)" = iommuctl-state ] && sdev=/dev/${b##*/}
done
mkdir -p /state
if [ -n "$sdev" ] && mount -t ext4 "$sdev" /state; then
	mkdir -p /state/claims.d
	cat > /state/claims.d/50-drift.conf <<EOF
device $NIC id=8086:10d3
device $MF id=1234:11e8
EOF
	run drift-apply iommuctl apply --record /state/applied.json /state/claims.d
	[ $rc -eq 0 ] && [ "$(drv $NIC)" = vfio-pci ] && [ "$(drv $MF)" = vfio-pci ] && [ -s /state/applied.json ] &&
		ok "boot 1 of the reboot test: $NIC and $MF (group $(grp $MF)) applied, record on the state disk" ||
		bad "drift apply: rc $rc: $(tail -n 4 "$LOG/drift-apply")"
	run drift-check iommuctl apply --check --record /state/applied.json /state/claims.d
	[ $rc -eq 0 ] && ok "boot 1: --check matches" || bad "boot 1 check: rc $rc: $(tail -n 3 "$LOG/drift-check")"
	cp /state/applied.json "$LOG/drift-record.json"
	umount /state
else
	bad "no state disk (serial iommuctl-state) to mount"
fi

echo "done"
grep -q '^FAIL' "$RES" && exit 1
exit 0
