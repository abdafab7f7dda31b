#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live tests of the network interlock on a real kernel: boots the QEMU guest
# of tests/vm with BINARY inside, the bonding and 8021q modules packed and
# loaded, and runs tests/vm/guest/netlock.sh there: a NIC with a route of
# table 100 only (ip rule), a bond member whose bond has the address, a
# VLAN's parent whose VLAN has it, an idle NIC, --force. Prints one line
# per check and ends with
# "N passed, M failed, K skipped". When no VM can boot here (no QEMU and no
# root to install it, IOMMUCTL_VM_SKIP=1), says why and counts a skip; a
# kernel that cannot be fetched is a skip too, except on CI (lib.sh).
#   tests/cli/test-vm-netlock.sh [BINARY]      (default ./iommuctl)
# Environment: IOMMUCTL_VM_NETLOCK_SCENARIOS (default "vtd"), KEEP=1 keeps
# the guests' outputs, plus the settings of tests/vm/lib.sh.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
repo=$PWD
scenarios=${IOMMUCTL_VM_NETLOCK_SCENARIOS:-vtd}
# shellcheck source=lib.sh
. tests/cli/lib.sh

# stop: nothing more can run; the reason was counted by skip or skip_broken
stop() { echo "$pass passed, $fail failed, $skipped skipped"; [ "$fail" -eq 0 ]; exit $?; }

[ -n "${IOMMUCTL_VM_SKIP:-}" ] && { skip "live network interlock tests: IOMMUCTL_VM_SKIP is set"; stop; }
[ -x "$bin" ] || { bad "no binary at $bin"; stop; }
[ "$(uname -m)" = x86_64 ] || { skip "live network interlock tests: the guests are x86_64 and this is $(uname -m)"; stop; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "live network interlock tests: qemu-system-x86_64 is missing and only root can install it (apt-get install qemu-system-x86)"
	stop
fi
# tools and kernel: lib.sh installs or fetches what is missing, or says why it cannot
why=$( (. tests/vm/lib.sh && vm_fetch_kernel) 2>&1 >/dev/null) ||
	{ skip_broken "live network interlock tests: cannot prepare a guest: $(echo "$why" | grep -i error | tail -n 1)"; stop; }

out=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-vm-netlock.XXXXXX")
for scn in $scenarios; do
	dir=$out/$scn
	t0=$(date +%s.%N)
	rc=0
	(
		. tests/vm/lib.sh
		IOMMUCTL_VM_MODULES="${IOMMUCTL_VM_MODULES:-} bonding 8021q" IOMMUCTL=$bin vm_run "$scn" tests/vm/guest/netlock.sh "$dir"
	) > "$out/$scn.vm.log" 2>&1 || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	guest_results "$scn" "$dir" "$out/$scn.vm.log" "$rc" || continue
done
if [ -n "${KEEP:-}" ]; then
	echo "outputs kept in $out (per-command logs in <scenario>/log/, console in <scenario>/.vm/)"
else
	rm -rf "$out"
fi
stop
