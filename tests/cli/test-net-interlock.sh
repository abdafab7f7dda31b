#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The network interlock reads this network namespace through netlink
# (libnl-route-3), without a VM: each case runs in a network namespace of
# its own (unshare -n) whose veth interfaces nic0 and nic1 stand for the
# NICs, with the vtd fixture's sysfs tree bound over /sys in a private mount
# namespace, its 00:04.0 (group 2) and 01:00.0 (group 6) given net/nic0 and
# net/nic1: iommuctl reads the running machine, as a claim does. `group
# claim --dry-run` checks the interlocks and writes nothing.
#  - an idle NIC (up, its link-local address) is claimed;
#  - a route of table 100 only (ip rule), IPv4 or IPv6, or through a
#    nexthop object: refused, naming the route and table; an address with
#    no route: refused, naming it;
#  - a bridge port whose bridge has the address: refused, naming the bridge;
#  - the SSH session: $SSH_CONNECTION's, and an established TCP connection
#    to local port 22 without it (sock_diag);
#  - an interface of the tree netlink does not show: refused, saying so;
#  - --force claims anyway; a --sysfs-root tree is not judged by this
#    machine's network;
#  - libnl-route-3 and libmount are mapped by a claim, not by group list;
#    either one hidden: the claim fails with the one line naming it, exit 4.
# (Bonds and VLANs need the bonding and 8021q modules: test-vm-netlock.sh.)
#   tests/cli/test-net-interlock.sh [BINARY]        (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
	skip "network interlock: needs root, unshare and ip (iproute2)"
	finish
fi
if ! unshare -mn --propagation private sh -c 'ip link add v0 type veth peer name v1' 2>"$tmp/err"; then
	skip "network interlock: no network namespace with veth here: $(head -c 200 "$tmp/err")"
	finish
fi

t=$tmp/t
mkdir -p "$t"
tar -xf tests/fixtures/vtd/snapshot.tar -C "$t" || { bad "cannot extract the vtd fixture"; finish; }
mkdir -p "$t/sys/class/net" "$t/sys/bus/pci/drivers/vfio-pci"
for x in "0000:00:04.0 nic0" "0000:00:06.0/0000:01:00.0 nic1"; do
	set -- $x
	mkdir -p "$t/sys/devices/pci0000:00/$1/net/$2"
	echo 1 > "$t/sys/devices/pci0000:00/$1/net/$2/ifindex"
	ln -s "../../devices/pci0000:00/$1/net/$2" "$t/sys/class/net/$2"
done

# inns SETUP CMD...: CMD in a network namespace whose nic0 and nic1 (veths,
# up) SETUP (shell) configures, the tree bound over /sys first; stdout in
# $tmp/out, stderr in $tmp/err; returns CMD's status (97-99: the setup failed)
inns() {
	local setup=$1; shift
	unshare -mn --propagation private sh -c '
		mount --bind "$1/sys" /sys || exit 99
		ip link set lo up &&
		ip link add nic0 type veth peer name peer0 && ip link add nic1 type veth peer name peer1 &&
		for l in nic0 nic1 peer0 peer1; do ip link set $l up || exit 98; done &&
		eval "$2" || exit 97
		shift 2; exec "$@"' sh "$t" "$setup" "$@" >"$tmp/out" 2>"$tmp/err"
}
claim() { "$bin" group claim --dry-run --state-dir "$tmp/state" "$@"; }
# refused NAME SETUP GROUP WANT [ENV...]: the claim of GROUP refused (exit 1) naming WANT
refused() {
	local name=$1 setup=$2 group=$3 want=$4 rc; shift 4
	inns "$setup" env "$@" "$bin" group claim --dry-run --state-dir "$tmp/state" "$group"; rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$want" "$tmp/err"; then
		ok "$name: refused, naming it ($want)"
	else
		bad "$name: exit $rc, want 1 and '$want': $(head -c 400 "$tmp/err")"
	fi
}
allowed() { # NAME SETUP GROUP [ARGS...]
	local name=$1 setup=$2 group=$3 rc; shift 3
	inns "$setup" "$bin" group claim --dry-run --state-dir "$tmp/state" "$@" "$group"; rc=$?
	[ $rc -eq 0 ] && ok "$name: claimed" || bad "$name: exit $rc: $(head -c 400 "$tmp/err")"
}

allowed "an idle NIC (up, link-local only)" ":" 2
grep -q "0000:00:04.0.*vfio-pci" "$tmp/out" && ok "...the plan rebinds 00:04.0" ||
	bad "idle NIC: no plan for 00:04.0: $(head -c 300 "$tmp/out")"
# the fixture's tree as --sysfs-root: the veths are not its devices, even with the same names
inns "ip route add 10.1.0.0/16 dev nic0 table 100" "$bin" --sysfs-root "$t/sys" group claim --dry-run \
	--state-dir "$tmp/state" 2
[ $? -eq 0 ] && ok "--sysfs-root: a tree is not judged by this machine's network" ||
	bad "--sysfs-root: $(head -c 300 "$tmp/err")"

table100="ip route add 10.1.0.0/16 dev nic0 table 100 && ip rule add from 10.1.0.0/16 table 100"
refused "a route of table 100 only" "$table100" 2 \
	"0000:00:04.0 holds the network interface nic0 (carries route 10.1.0.0/16 table 100)"
refused "an IPv6 route of table 100 only" "ip -6 route add 2001:db8:1::/48 dev nic0 table 100" 2 \
	"network interface nic0 (carries route 2001:db8:1::/48 table 100)"
grep -q "refusing to claim group 2:.*(--force to claim it anyway)" "$tmp/err" && ok "...one refusal line with --force" ||
	bad "refusal line: $(head -c 300 "$tmp/err")"
refused "a route through a nexthop object (ip nexthop)" \
	"ip nexthop add id 7 dev nic0 && ip nexthop add id 8 group 7 && ip route add 10.4.0.0/16 nhid 8 table 100" 2 \
	"network interface nic0 (carries route 10.4.0.0/16 table 100)"
if [ -w /proc/sys/net/ipv4/nexthop_compat_mode ]; then
	# without the compat mode the route names the object only (RTA_NH_ID), no interface
	refused "a route through a nexthop object, nexthop_compat_mode 0" \
		"echo 0 > /proc/sys/net/ipv4/nexthop_compat_mode && ip nexthop add id 7 dev nic0 && ip nexthop add id 8 group 7 && ip -6 nexthop add id 9 dev nic1 && ip route add 10.4.0.0/16 nhid 8 table 100" 2 \
		"network interface nic0 (carries route 10.4.0.0/16 table 100)"
else
	skip "nexthop_compat_mode 0: this kernel has no /proc/sys/net/ipv4/nexthop_compat_mode"
fi
refused "the default route" "ip addr add 10.2.0.1/24 dev nic1 && ip route add default via 10.2.0.254" 6 \
	"0000:01:00.0 holds the network interface nic1 (carries route default table main, and"
refused "an address with no route (/32)" "ip addr add 10.3.0.1/32 dev nic1 noprefixroute" 6 \
	"network interface nic1 (has address 10.3.0.1/32)"
refused "a bridge port, the bridge has the address" \
	"ip link add br0 type bridge && ip link set nic0 master br0 && ip link set br0 up && ip addr add 10.5.0.1/24 dev br0" \
	2 "network interface nic0 (member of bridge br0, which carries route 10.5.0.0/24 table main, and 1 more route or address)"
allowed "a bridge port, the bridge carries nothing" "ip link add br0 type bridge && ip link set nic0 master br0" 2
refused "SSH_CONNECTION: the server address is on the NIC" "ip addr add 10.9.0.5/32 dev nic1 noprefixroute" 6 \
	"network interface nic1 (carries this SSH session: 10.9.0.5 port 22 from 10.9.0.7)" \
	SSH_CONNECTION="10.9.0.7 50000 10.9.0.5 22"
refused "SSH_CONNECTION: the route to the client leaves through the NIC" \
	"ip addr add 10.9.1.5/32 dev nic0 && ip route add 10.9.2.0/24 dev nic1 table 100 && ip rule add to 10.9.2.0/24 table 100" \
	6 "network interface nic1 (carries this SSH session: 10.9.1.5 port 22 from 10.9.2.7)" \
	SSH_CONNECTION="10.9.2.7 50000 10.9.1.5 22"

refused "an interface this network namespace does not show" "ip link set nic1 name other1" 6 \
	"network interface nic1, whose traffic cannot be checked (netlink does not show it"
# an established TCP connection to port 22 on nic1's address, without SSH_CONNECTION
if command -v python3 >/dev/null; then
	tcp="ip addr add 10.11.0.5/32 dev nic1 noprefixroute && python3 -c '
import os, socket, sys, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((\"10.11.0.5\", 22)); l.listen(1)
c = socket.create_connection((\"10.11.0.5\", 22)); a, _ = l.accept()
if os.fork() == 0:
    time.sleep(60); sys.exit(0)
os._exit(0)' >/dev/null 2>&1"
	refused "an established TCP connection to port 22 (sock_diag)" "$tcp" 6 \
		"network interface nic1 (carries this SSH session: 10.11.0.5 port 22 from 10.11.0.5)" SSH_CONNECTION=
else
	skip "established TCP connection: python3 is missing"
fi
inns "$table100" "$bin" group claim --dry-run --force --state-dir "$tmp/state" 2
[ $? -eq 0 ] && ok "--force claims it anyway" || bad "--force: $(head -c 300 "$tmp/err")"
inns "$table100" "$bin" -j group claim --dry-run --state-dir "$tmp/state" 2
if python3 -c 'import json,sys; d=json.load(sys.stdin); i=d["interlocks"]; assert i[0]["device"] == "0000:00:04.0" and "table 100" in i[0]["holds"]' < "$tmp/out" 2>/dev/null
then ok "-j: the interlocks list names the route"
else bad "-j: $(head -c 400 "$tmp/out")"; fi

# on demand: a claim maps libnl-route-3 and libmount, group list neither
inns "$table100" env LD_DEBUG=libs "$bin" group claim --dry-run --state-dir "$tmp/state" 2
nl=$(sed -n 's|.*trying file=\(.*/libnl-route-3\.so\.[0-9]*\)$|\1|p' "$tmp/err" | tail -n 1)
mnt=$(sed -n 's|.*trying file=\(.*/libmount\.so\.[0-9]*\)$|\1|p' "$tmp/err" | tail -n 1)
[ -n "$nl" ] && [ -n "$mnt" ] && ok "a claim loads libnl-route-3 and libmount" ||
	bad "a claim loads neither libnl-route-3 ($nl) nor libmount ($mnt)"
inns ":" env LD_DEBUG=libs "$bin" group list
grep -qE "libnl-route|libnl-3|libmount" "$tmp/err" && bad "group list loads libnl or libmount" ||
	ok "group list loads neither libnl nor libmount"
# hidden: an empty file bound over the library the loader would map
: > "$tmp/empty"
for lib in "$nl:libnl-route-3.so.200" "$mnt:libmount.so.1"; do
	set -- "${lib%%:*}" "${lib#*:}"
	[ -n "$1" ] || continue
	inns "mount --bind '$tmp/empty' '$(readlink -f "$1")'" "$bin" group claim --dry-run --state-dir "$tmp/state" 2
	rc=$?
	if [ $rc -eq 4 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
		grep -qE "^iommuctl: [a-z ]+: ${2//./\\.} cannot be loaded \(install the Debian package [a-z0-9.+-]+\): " "$tmp/err"
	then ok "$2 hidden: the claim fails, exit 4, one line naming it"
	else bad "$2 hidden: exit $rc: $(head -c 300 "$tmp/err")"; fi
	inns "mount --bind '$tmp/empty' '$(readlink -f "$1")'" "$bin" group claim --dry-run --force --state-dir "$tmp/state" 2
	[ $? -eq 0 ] && ok "$2 hidden: --force claims without the interlocks" || bad "$2 hidden, --force: $(head -c 300 "$tmp/err")"
done
finish
