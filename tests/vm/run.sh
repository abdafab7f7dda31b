#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs one guest script in one scenario by hand (for writing and debugging live
# tests): boots the VM through tests/vm/lib.sh, prints the script's output and
# where the results are, and exits with the script's status (2: the VM failed).
#
# usage: tests/vm/run.sh SCENARIO GUEST_SCRIPT [OUTDIR]
set -euo pipefail

if (($# < 2 || $# > 3)); then
	sed -n 's/^# usage: /usage: /p' "$0" >&2
	exit 2
fi
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

scenario=$1
guest=$2
out=${3:-$VM_CACHE/runs/manual/$scenario}
vm_is_scenario "$scenario" || vm_die "unknown scenario '$scenario' (known: ${VM_SCENARIOS[*]})"
[[ -z $(ls -A "$out" 2>/dev/null) || $# -eq 2 ]] || vm_die "$out is not empty"
rm -rf "$out"
rc=0
vm_run "$scenario" "$guest" "$out" || rc=$?
if [[ -f $out/.vm/guest.log ]]; then
	sed 's/^/guest| /' "$out/.vm/guest.log"
fi
echo "$scenario: status $rc after ${VM_BOOT_SECONDS:-?} s; outputs in $out (console: $out/.vm/console.log)"
exit "$rc"
