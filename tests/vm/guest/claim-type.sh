#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) of tests/cli/test-vm-group.sh: group claim, release
# and type against a real kernel. Claims the e1000e (00:04.0) and edu (00:03.0)
# groups, switches types, kills a paused claim and releases it, races two
# claims, and trips the routed-NIC interlock. One line per check goes to
# /out/results.txt ("ok   ..." or "FAIL ..."); logs of each command to /out/log/.

OUT=${OUT:-/out}
RES=$OUT/results.txt
LOG=$OUT/log
mkdir -p "$LOG"
: > "$RES"
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

ok() { echo "ok   $*" | tee -a "$RES"; }
bad() { echo "FAIL $*" | tee -a "$RES"; }
check() { # description, then a command that must succeed
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else bad "$d"; fi
}
n=0
# run NAME CMD...: runs, keeps stdout+stderr in $LOG/NAME, sets $rc
run() {
	name=$1; shift
	"$@" > "$LOG/$name" 2>&1
	rc=$?
	echo "rc=$rc: $*" >> "$LOG/$name"
}
drv() { d=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$d" || echo none; }
ovr() { cat "/sys/bus/pci/devices/$1/driver_override"; }
grp() { basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"; }
gtype() { cat "/sys/kernel/iommu_groups/$(grp "$1")/type"; }
has() { grep -q -- "$2" "$LOG/$1"; }

# the state directory lives on a tmpfs, as /run does on a real system
mkdir -p /run && mount -t tmpfs tmpfs /run
NIC=0000:00:04.0 EDU=0000:00:03.0 NIC2=0000:01:00.0 PORT=0000:00:06.0
GN=$(grp $NIC) GE=$(grp $EDU)
echo "scenario $VM_SCENARIO: nic group $GN ($(drv $NIC)), edu group $GE ($(drv $EDU)), types $(gtype $NIC) $(gtype $EDU)"
[ -x /bin/iommuctl ] || { bad "no iommuctl in the guest"; exit 1; }

# ---- claim / release: e1000e ----
run nic-dry iommuctl group claim 00:04.0 --dry-run
[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && has nic-dry 'e1000e -> vfio-pci' &&
	ok "claim --dry-run prints the plan and changes nothing" || bad "claim --dry-run (rc $rc, driver $(drv $NIC))"

run snap-before iommuctl snapshot save /tmp/before.tar
[ $rc -eq 0 ] || bad "snapshot save before the claim: rc $rc: $(head -c 300 "$LOG/snap-before")"
t0=$(date +%s)
run nic-claim iommuctl -j group claim 00:04.0
[ $rc -eq 0 ] && ok "claim e1000e group $GN: exit 0" || bad "claim e1000e group $GN: exit $rc: $(head -c 300 "$LOG/nic-claim")"
[ "$(drv $NIC)" = vfio-pci ] && ok "00:04.0 is bound to vfio-pci" || bad "00:04.0 is bound to $(drv $NIC), not vfio-pci"
[ "$(ovr $NIC)" = vfio-pci ] && ok "00:04.0 driver_override is vfio-pci" || bad "00:04.0 driver_override is $(ovr $NIC)"
[ -c /dev/vfio/$GN ] && ok "/dev/vfio/$GN exists" || bad "/dev/vfio/$GN does not exist"
[ -f /run/iommuctl/claims/$NIC.json ] && ok "journal /run/iommuctl/claims/$NIC.json written" || bad "no journal in /run/iommuctl/claims"
grep -q '"state": "claimed"' /run/iommuctl/claims/$NIC.json && grep -q '"driver": "e1000e"' /run/iommuctl/claims/$NIC.json &&
	ok "journal records state claimed and the previous driver e1000e" || bad "journal content: $(cat /run/iommuctl/claims/$NIC.json)"
has nic-claim '"op":"drivers_probe"' && has nic-claim '"result":"claimed"' && ok "claim -j reports its steps" || bad "claim -j output lacks steps"

# snapshot diff against the live machine: the claim is exactly three changes
run diff-claimed iommuctl snapshot diff /tmp/before.tar
[ $rc -eq 1 ] && has diff-claimed "device $NIC: driver e1000e -> vfio-pci" &&
	has diff-claimed "device $NIC: driver_override none -> vfio-pci" &&
	has diff-claimed "group $GN: not viable -> viable" && has diff-claimed '^3 differences' &&
	ok "snapshot diff before.tar (live): the claim's three changes (driver, override, viable), exit 1" ||
	bad "snapshot diff after the claim: rc $rc: $(head -c 400 "$LOG/diff-claimed")"
run nic-claim2 iommuctl group claim $NIC
[ $rc -eq 0 ] && has nic-claim2 'already claimed' && ok "claiming it again succeeds and says so" || bad "second claim: rc $rc"
run nic-show iommuctl group show $NIC
has nic-show 'owner: iommuctl claim for vfio-pci' && ok "group show: owner is the claim" || bad "group show owner: $(grep owner "$LOG/nic-show")"

# a process holding the VFIO group: show names it, type refuses
sh -c "exec 3<>/dev/vfio/$GN; sleep 30" &
holder=$!
sleep 0.3
run nic-show-held iommuctl group show $NIC
has nic-show-held "VFIO: pid [0-9]* (sleep) has /dev/vfio/$GN open" && ok "group show: owner names the process with /dev/vfio/$GN open" ||
	bad "group show with an open /dev/vfio/$GN: $(grep owner "$LOG/nic-show-held")"
run nic-type-held iommuctl group type $NIC identity
[ $rc -eq 1 ] && has nic-type-held 'in use by VFIO' && [ "$(gtype $NIC)" = DMA ] &&
	ok "group type refuses while VFIO holds the group (exit 1)" || bad "type while held: rc $rc: $(tail -n 2 "$LOG/nic-type-held")"
kill $holder; wait $holder 2>/dev/null

run nic-release iommuctl group release 00:04.0
[ $rc -eq 0 ] && ok "release e1000e group: exit 0" || bad "release: exit $rc: $(tail -n 3 "$LOG/nic-release")"
[ "$(drv $NIC)" = e1000e ] && ok "00:04.0 is back on e1000e" || bad "00:04.0 is on $(drv $NIC) after release"
[ "$(ovr $NIC)" = "(null)" ] && ok "00:04.0 driver_override is cleared" || bad "00:04.0 driver_override is $(ovr $NIC)"
[ ! -e /run/iommuctl/claims/$NIC.json ] && ok "journal removed" || bad "journal still there after release"
run diff-released iommuctl -j snapshot diff /tmp/before.tar .host
[ $rc -eq 0 ] && has diff-released '"equal":true' &&
	ok "snapshot diff before.tar after the release: equal, exit 0" ||
	bad "snapshot diff after the release: rc $rc: $(head -c 400 "$LOG/diff-released")"
[ ! -e /dev/vfio/$GN ] && ok "/dev/vfio/$GN is gone" || bad "/dev/vfio/$GN still exists"
run nic-release2 iommuctl group release $NIC
[ $rc -eq 3 ] && ok "release without a journal exits 3" || bad "release without a journal: exit $rc"
echo "claim+release e1000e: $(( $(date +%s) - t0 )) s"

# ---- claim / release: edu (no driver) ----
run edu-claim iommuctl group claim $GE
[ $rc -eq 0 ] && [ "$(drv $EDU)" = vfio-pci ] && [ -c /dev/vfio/$GE ] &&
	ok "claim edu group $GE: vfio-pci, /dev/vfio/$GE" || bad "claim edu: rc $rc, driver $(drv $EDU): $(tail -n 3 "$LOG/edu-claim")"
run edu-release iommuctl group release $EDU
[ $rc -eq 0 ] && [ "$(drv $EDU)" = none ] && [ "$(ovr $EDU)" = "(null)" ] &&
	ok "release edu: unbound again, no driver_override" || bad "release edu: rc $rc, driver $(drv $EDU), override $(ovr $EDU)"

# ---- claim a group behind a root port (the port stays on pcieport) ----
run nic2-claim iommuctl group claim $NIC2
[ $rc -eq 0 ] && [ "$(drv $NIC2)" = vfio-pci ] && [ "$(drv $PORT)" = pcieport ] &&
	ok "claim 01:00.0: vfio-pci, its root port still pcieport" || bad "claim 01:00.0: rc $rc, $(drv $NIC2), port $(drv $PORT)"
run nic2-release iommuctl group release $NIC2
[ $rc -eq 0 ] && [ "$(drv $NIC2)" = e1000e ] && ok "release 01:00.0: back on e1000e" || bad "release 01:00.0: rc $rc, $(drv $NIC2)"

# ---- type ----
run edu-type-show iommuctl group type $EDU
[ $rc -eq 0 ] && has edu-type-show "type: $(gtype $EDU)" && ok "group type SEL shows $(gtype $EDU)" || bad "type show: rc $rc"
run edu-type-id iommuctl group type $EDU identity
[ $rc -eq 0 ] && [ "$(gtype $EDU)" = identity ] && ok "edu group type -> identity (sysfs says identity)" ||
	bad "edu type identity: rc $rc, type $(gtype $EDU): $(tail -n 3 "$LOG/edu-type-id")"
run edu-type-dma iommuctl group type $EDU DMA
[ $rc -eq 0 ] && [ "$(gtype $EDU)" = DMA ] && ok "edu group type -> DMA again" || bad "edu type DMA: rc $rc, type $(gtype $EDU)"

before=$(gtype $NIC)
run nic-type-id iommuctl -j group type $NIC identity
[ $rc -eq 0 ] && [ "$(gtype $NIC)" = identity ] && [ "$(drv $NIC)" = e1000e ] &&
	ok "e1000e group type -> identity, e1000e rebound" || bad "nic type identity: rc $rc, type $(gtype $NIC), driver $(drv $NIC): $(tail -c 400 "$LOG/nic-type-id")"
has nic-type-id '"op":"unbind"' && has nic-type-id '"op":"type"' && ok "type -j reports unbind, type write and rebind steps" || bad "type -j steps"
run nic-type-auto iommuctl group type $NIC auto
[ $rc -eq 0 ] && [ "$(gtype $NIC)" = "$before" ] && [ "$(drv $NIC)" = e1000e ] &&
	ok "e1000e group type auto -> $before (the boot default), e1000e rebound" || bad "type auto: rc $rc, type $(gtype $NIC), driver $(drv $NIC)"
run nic-type-fq iommuctl -j group type $NIC DMA-FQ
if [ $rc -eq 0 ]; then
	[ "$(gtype $NIC)" = DMA-FQ ] && [ "$(drv $NIC)" = e1000e ] && has nic-type-fq '"unbind_needed":false' &&
		ok "DMA -> DMA-FQ in place, e1000e stayed bound" || bad "DMA-FQ: type $(gtype $NIC), driver $(drv $NIC)"
	iommuctl group type $NIC DMA > "$LOG/nic-type-back" 2>&1
else
	# the kernel may refuse a flush queue under this IOMMU: the refusal must change nothing
	[ "$(gtype $NIC)" = "$before" ] && [ "$(drv $NIC)" = e1000e ] && ok "DMA-FQ refused by this kernel (rc $rc), nothing changed" ||
		bad "DMA-FQ failed (rc $rc) and left type $(gtype $NIC), driver $(drv $NIC)"
fi
run type-bad iommuctl group type $NIC passthrough
[ $rc -eq 2 ] && ok "unknown type word exits 2" || bad "unknown type word: exit $rc"

# The fault-injection hook (stop after the Nth write) exists only in a test
# build (make TEST_HOOKS=1); a release binary must not honour the variable.
if ! iommuctl --version | grep -q 'test hooks'; then
	IOMMUCTL_TEST_PAUSE_AFTER_STEP=2 timeout 20 iommuctl group claim $NIC > "$LOG/nohook-claim" 2>&1; rc=$?
	[ $rc -eq 0 ] && ! grep -q 'paused' "$LOG/nohook-claim" && [ "$(drv $NIC)" = vfio-pci ] &&
		ok "a release build ignores IOMMUCTL_TEST_PAUSE_AFTER_STEP: the claim ran through" ||
		bad "release build and the pause variable: rc $rc: $(cat "$LOG/nohook-claim")"
	run nohook-release iommuctl group release $NIC
	[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && ok "released again" || bad "release after the no-hook claim: rc $rc"
else
	# ---- killed in the middle of a claim; a second invocation is busy ----
	IOMMUCTL_TEST_PAUSE_AFTER_STEP=2 iommuctl group claim $NIC > "$LOG/kill-claim" 2>&1 &
	victim=$!
	i=0
	while ! grep -q 'paused after step 2' "$LOG/kill-claim" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q 'paused after step 2' "$LOG/kill-claim" && ok "claim paused after step 2 (test hook)" || bad "claim never paused: $(cat "$LOG/kill-claim")"
	t1=$(date +%s)
	run busy-claim iommuctl group claim $NIC
	[ $rc -eq 1 ] && has busy-claim 'busy' && [ $(( $(date +%s) - t1 )) -le 2 ] && ok "a second claim fails at once: busy (exit 1)" ||
		bad "second claim while locked: rc $rc: $(cat "$LOG/busy-claim")"
	run busy-type iommuctl group type $NIC identity
	[ $rc -eq 1 ] && has busy-type 'busy' && ok "type while a claim holds the lock: busy (exit 1)" || bad "type while locked: rc $rc"
	run busy-release iommuctl group release $NIC
	[ $rc -eq 1 ] && has busy-release 'busy' && ok "release while a claim holds the lock: busy (exit 1)" || bad "release while locked: rc $rc"
	kill -9 $victim; wait $victim 2>/dev/null
	echo "after kill -9: driver $(drv $NIC), override $(ovr $NIC)"
	[ "$(drv $NIC)" = none ] && [ "$(ovr $NIC)" = vfio-pci ] && ok "killed after unbind: device left unbound with driver_override set" ||
		bad "state after kill: driver $(drv $NIC), override $(ovr $NIC)"
	grep -q '"state": "claiming"' /run/iommuctl/claims/$NIC.json && ok "journal says claiming" || bad "journal after kill: $(cat /run/iommuctl/claims/$NIC.json)"
	run kill-reclaim iommuctl group claim $NIC
	[ $rc -eq 1 ] && has kill-reclaim 'interrupted' && ok "claim after a kill refuses and points to release" || bad "claim after kill: rc $rc"
	run kill-release iommuctl group release $NIC
	[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && [ "$(ovr $NIC)" = "(null)" ] && [ ! -e /run/iommuctl/claims/$NIC.json ] &&
		ok "release after kill -9 restores e1000e and clears driver_override" || bad "release after kill: rc $rc, $(drv $NIC), $(ovr $NIC)"

	# ---- killed in the middle of a type change: the journal lets release restore it ----
	before=$(gtype $NIC)
	IOMMUCTL_TEST_PAUSE_AFTER_STEP=2 iommuctl group type $NIC identity > "$LOG/kill-type" 2>&1 &
	victim=$!
	i=0
	while ! grep -q 'paused after step 2' "$LOG/kill-type" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 $victim; wait $victim 2>/dev/null
	echo "after kill -9 of a type change: driver $(drv $NIC), type $(gtype $NIC)"
	[ "$(drv $NIC)" = none ] && [ "$(gtype $NIC)" = identity ] &&
		ok "type change killed after the type write: e1000e unbound, type identity" ||
		bad "state after killing the type change: driver $(drv $NIC), type $(gtype $NIC): $(cat "$LOG/kill-type")"
	grep -q '"state": "typing"' /run/iommuctl/claims/$NIC.type.json && grep -q "\"type_before\": \"$before\"" /run/iommuctl/claims/$NIC.type.json &&
		ok "type journal says typing from $before" || bad "type journal after kill: $(cat /run/iommuctl/claims/$NIC.type.json 2>&1)"
	run kill-type-show iommuctl group show $NIC
	has kill-type-show 'type change to identity, interrupted' && ok "group show names the interrupted type change" ||
		bad "group show after the killed type change: $(grep -i owner "$LOG/kill-type-show")"
	run kill-type-again iommuctl group type $NIC DMA
	[ $rc -eq 1 ] && has kill-type-again 'interrupted type change' && ok "type after a kill refuses and points to release" ||
		bad "type after kill: rc $rc: $(tail -n 2 "$LOG/kill-type-again")"
	run kill-type-release iommuctl group release $NIC
	[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && [ "$(gtype $NIC)" = "$before" ] && [ ! -e /run/iommuctl/claims/$NIC.type.json ] &&
		ok "release after a killed type change: type $before again, e1000e rebound, journal removed" ||
		bad "release after killed type change: rc $rc, driver $(drv $NIC), type $(gtype $NIC): $(tail -n 3 "$LOG/kill-type-release")"
fi

# ---- two claims at once: one wins ----
iommuctl group claim $EDU > "$LOG/race-a" 2>&1 &
a=$!
iommuctl group claim $EDU > "$LOG/race-b" 2>&1 &
b=$!
wait $a; ra=$?
wait $b; rb=$?
wins=0
for x in a b; do grep -q 'result: claimed' "$LOG/race-$x" && wins=$((wins + 1)); done
others_ok=1
for x in a b; do
	grep -q 'result: claimed' "$LOG/race-$x" || grep -q 'busy' "$LOG/race-$x" || grep -q 'already claimed' "$LOG/race-$x" || others_ok=0
done
[ $wins -eq 1 ] && [ $others_ok -eq 1 ] && [ "$(drv $EDU)" = vfio-pci ] &&
	ok "two concurrent claims: exactly one claimed (rc $ra/$rb), the other busy or already claimed" ||
	bad "concurrent claims: $wins winners (rc $ra/$rb): $(cat "$LOG/race-a" "$LOG/race-b" | tr '\n' ' ')"
iommuctl group release $EDU > "$LOG/race-release" 2>&1

# ---- interlock: a NIC with routes ----
IF=$(ls /sys/bus/pci/devices/$NIC/net/ 2>/dev/null | head -n 1)
if [ -n "$IF" ]; then
	ip link set "$IF" up 2>/dev/null
	ip addr add 10.91.0.1/24 dev "$IF" 2>/dev/null
	grep -q "^$IF" /proc/net/route || ip route add 10.92.0.0/16 dev "$IF" 2>/dev/null
	echo "routes: $(grep -c "^$IF" /proc/net/route) for $IF"
	run lock-route iommuctl group claim $NIC
	[ $rc -eq 1 ] && has lock-route "network interface $IF (carries route 10.9" && [ "$(drv $NIC)" = e1000e ] &&
		ok "claim refuses a group whose NIC $IF has routes (exit 1), names it" || bad "routed NIC: rc $rc: $(cat "$LOG/lock-route")"
	run lock-route-type iommuctl group type $NIC identity
	[ $rc -eq 1 ] && has lock-route-type "carries route" && ok "type refuses it too" || bad "type on routed NIC: rc $rc"
	run lock-force iommuctl group claim --force $NIC
	[ $rc -eq 0 ] && [ "$(drv $NIC)" = vfio-pci ] && ok "--force claims it anyway" || bad "--force: rc $rc"
	run lock-release iommuctl group release $NIC
	[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && ok "and release gives it back" || bad "release after --force: rc $rc"
else
	bad "00:04.0 has no network interface"
fi

# SSH_CONNECTION: the server address on NIC2's interface
IF2=$(ls /sys/bus/pci/devices/$NIC2/net/ 2>/dev/null | head -n 1)
if [ -n "$IF2" ]; then
	# a /128 address: no prefix route, so only SSH_CONNECTION can tie the NIC to the session
	{
		ip link set "$IF2" up
		ip -6 addr add 2001:db8::5/128 dev "$IF2"
		cat /proc/net/if_inet6
		cat /proc/net/ipv6_route
	} > "$LOG/ssh-setup" 2>&1
	run lock-ssh env SSH_CONNECTION="2001:db8::99 50000 2001:db8::5 22" iommuctl group claim $NIC2
	[ $rc -eq 1 ] && has lock-ssh "carries this SSH session" && ok "claim refuses the NIC of the SSH session (SSH_CONNECTION)" ||
		bad "SSH interlock: rc $rc: $(cat "$LOG/lock-ssh")"
	[ "$(drv $NIC2)" = e1000e ] || { bad "SSH interlock changed 01:00.0"; iommuctl group release $NIC2 >/dev/null 2>&1; }
fi

echo "done"
grep -q '^FAIL' "$RES" && exit 1
exit 0
