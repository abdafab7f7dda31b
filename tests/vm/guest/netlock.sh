#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) of tests/cli/test-vm-netlock.sh: the network
# interlock of group claim, read through netlink, on the e1000e NICs 00:04.0
# and 01:00.0 with a policy-routing table, a bond (bonding, made through
# /sys/class/net/bonding_masters) and a VLAN (8021q). One line per check
# goes to /out/results.txt ("ok   ..." or "FAIL ..."); logs to /out/log/.

OUT=${OUT:-/out}
RES=$OUT/results.txt
LOG=$OUT/log
mkdir -p "$LOG"
: > "$RES"
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

ok() { echo "ok   $*" | tee -a "$RES"; }
bad() { echo "FAIL $*" | tee -a "$RES"; }
run() { # NAME CMD...: stdout+stderr in $LOG/NAME, status in $rc
	name=$1; shift
	"$@" > "$LOG/$name" 2>&1
	rc=$?
	echo "rc=$rc: $*" >> "$LOG/$name"
}
has() { grep -q -- "$2" "$LOG/$1"; }
drv() { d=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) && basename "$d" || echo none; }
ifof() { ls "/sys/bus/pci/devices/$1/net/" 2>/dev/null | head -n 1; }
# refused NAME DEV WANT: claim --dry-run of DEV's group exits 1 naming WANT, DEV keeps e1000e
refused() {
	run "$1" iommuctl group claim --dry-run "$2"
	if [ $rc -eq 1 ] && has "$1" "$3" && [ "$(drv "$2")" = e1000e ]; then
		ok "$1: refused, naming it ($3)"
	else
		bad "$1: rc $rc, want 1 and '$3': $(head -c 400 "$LOG/$1")"
	fi
}
forced() { # NAME LABEL DEV: --force claims DEV anyway, and release gives it back to e1000e
	run "$1-force" iommuctl group claim --force "$3"
	[ $rc -eq 0 ] && [ "$(drv "$3")" = vfio-pci ] && ok "$2: --force claims it anyway" ||
		bad "$2 --force: rc $rc: $(head -c 300 "$LOG/$1-force")"
	run "$1-release" iommuctl group release "$3"
	[ $rc -eq 0 ] && [ "$(drv "$3")" = e1000e ] && ok "$2: released" || bad "$2 release after --force: rc $rc"
}
allowed() { # NAME DEV
	run "$1" iommuctl group claim --dry-run "$2"
	[ $rc -eq 0 ] && ok "$1: claimed (--dry-run)" || bad "$1: rc $rc: $(head -c 400 "$LOG/$1")"
}

mkdir -p /run && mount -t tmpfs tmpfs /run
NIC=0000:00:04.0 NIC2=0000:01:00.0
[ -x /bin/iommuctl ] || { bad "no iommuctl in the guest"; exit 1; }
IF=$(ifof $NIC) IF2=$(ifof $NIC2)
echo "scenario $VM_SCENARIO: $NIC $IF ($(drv $NIC)), $NIC2 $IF2 ($(drv $NIC2))"
[ -n "$IF" ] && [ -n "$IF2" ] || { bad "the NICs have no network interface ($IF, $IF2)"; exit 1; }
ip link set lo up
ip link set "$IF" up
ip link set "$IF2" up

# ---- an idle NIC: up, its link-local address and routes only ----
allowed idle $NIC
run idle-claim iommuctl group claim $NIC
[ $rc -eq 0 ] && [ "$(drv $NIC)" = vfio-pci ] && ok "idle NIC: claimed" || bad "idle NIC claim: rc $rc: $(head -c 300 "$LOG/idle-claim")"
run idle-release iommuctl group release $NIC
[ $rc -eq 0 ] && [ "$(drv $NIC)" = e1000e ] && ok "idle NIC: released" || bad "idle NIC release: rc $rc"
IF=$(ifof $NIC)
ip link set "$IF" up

# ---- policy routing: a route of table 100 only ----
{
	ip route add 10.1.0.0/16 dev "$IF" table 100 &&
	ip rule add from 10.1.0.0/16 table 100 &&
	ip route show table 100 && ip rule show
} > "$LOG/table100-setup" 2>&1 || bad "table 100 setup: $(cat "$LOG/table100-setup")"
grep -q "^$IF" /proc/net/route && bad "table 100: the route is in the main table too ($(cat /proc/net/route))"
refused table100 $NIC "$NIC holds the network interface $IF (carries route 10.1.0.0/16 table 100)"
forced table100 "table 100" $NIC
ip rule del from 10.1.0.0/16 table 100 2>/dev/null
IF=$(ifof $NIC)
ip link set "$IF" up
allowed table100-gone $NIC

# ---- a bond member; the bond carries the address ----
if [ -e /sys/class/net/bonding_masters ]; then
	{
		# loading bonding makes bond0 (max_bonds=1)
		{ [ -e /sys/class/net/bond0 ] || echo +bond0 > /sys/class/net/bonding_masters; } &&
		ip link set "$IF" down &&
		echo "+$IF" > /sys/class/net/bond0/bonding/slaves &&
		ip link set bond0 up &&
		cat /sys/class/net/bond0/bonding/slaves
	} > "$LOG/bond-setup" 2>&1 || bad "bond setup: $(cat "$LOG/bond-setup")"
	allowed bond-idle $NIC
	ip addr add 10.5.0.1/24 dev bond0 >> "$LOG/bond-setup" 2>&1
	refused bond $NIC "$NIC holds the network interface $IF (member of bond bond0, which carries route 10.5.0.0/24 table main"
	forced bond bond $NIC
	echo "-$IF" > /sys/class/net/bond0/bonding/slaves 2>/dev/null
	echo -bond0 > /sys/class/net/bonding_masters
else
	bad "bond: no /sys/class/net/bonding_masters (the bonding module is not loaded)"
fi

# ---- a VLAN's parent; the VLAN carries the address ----
{
	ip link add link "$IF2" name "$IF2.10" type vlan id 10 &&
	ip link set "$IF2.10" up
} > "$LOG/vlan-setup" 2>&1
if [ -e "/sys/class/net/$IF2.10" ]; then
	allowed vlan-idle $NIC2
	ip addr add 10.6.0.1/24 dev "$IF2.10" >> "$LOG/vlan-setup" 2>&1
	refused vlan $NIC2 "$NIC2 holds the network interface $IF2 (parent of vlan $IF2.10, which carries route 10.6.0.0/24 table main"
	ip addr del 10.6.0.1/24 dev "$IF2.10"
	ip -6 addr add 2001:db8:6::1/128 dev "$IF2.10"
	refused vlan-v6 $NIC2 "network interface $IF2 (parent of vlan $IF2.10, which carries route 2001:db8:6::1/128 table main"
else
	bad "vlan: $IF2.10 not made: $(cat "$LOG/vlan-setup")"
fi

echo "done"
grep -q '^FAIL' "$RES" && exit 1
exit 0
