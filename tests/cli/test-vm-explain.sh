#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live tests of explain and device tree on a real kernel: boots the vtd-topo
# guest of tests/vm/lib.sh (a switch without ACS behind an ACS root port, a
# root port with ACS disabled, a multifunction card, conventional PCI behind a
# PCI bridge and behind a PCIe-to-PCI bridge, Intel multifunction RCiEPs) with
# BINARY inside, runs tests/vm/guest/explain.sh there, and checks with
# tests/cli/explain-check.py that the groups the kernel's rules predict are
# the ones the kernel made, for every device, and that each device names the
# rule of tests/cli/explain-rules/vtd-topo.txt; as a normal user (64 bytes of
# config space) nothing differs and ACS is unknown, not guessed.
# Prints one line per check and "N passed, M failed, K skipped".
#   tests/cli/test-vm-explain.sh [BINARY]      (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
scn=vtd-topo

stop() { echo "$pass passed, $fail failed, $skipped skipped"; [ "$fail" -eq 0 ]; exit $?; }

[ -n "${IOMMUCTL_VM_SKIP:-}" ] && { skip "live explain tests: IOMMUCTL_VM_SKIP is set"; stop; }
[ -x "$bin" ] || { bad "no binary at $bin"; stop; }
[ "$(uname -m)" = x86_64 ] || { skip "live explain tests: the guest is x86_64 and this is $(uname -m)"; stop; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "live explain tests: qemu-system-x86_64 is missing and only root can install it (apt-get install qemu-system-x86)"
	stop
fi
why=$( (. tests/vm/lib.sh && vm_fetch_kernel) 2>&1 >/dev/null) ||
	{ skip_broken "live explain tests: cannot prepare a guest: $(echo "$why" | grep -i error | tail -n 1)"; stop; }

out=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-vm-explain.XXXXXX")
dir=$out/$scn
rc=0
(
	. tests/vm/lib.sh
	IOMMUCTL=$bin vm_run "$scn" tests/vm/guest/explain.sh "$dir"
) > "$out/vm.log" 2>&1 || rc=$?
if [ "$rc" -eq 2 ] || [ ! -s "$dir/tree-root.json" ]; then
	bad "$scn: the guest did not run (status $rc):"
	sed 's/^/     /' "$out/vm.log" | tail -n 15
	echo "outputs kept in $out"
	stop
fi
[ "$rc" -eq 0 ] && ok "$scn: the guest script exited 0" ||
	{ bad "$scn: the guest script exited $rc ($(cat "$dir/tree-root.err" "$dir/tree-user.err" 2>/dev/null | head -n 2))"; KEEP=1; }

# as root: predicted == kernel for every group, the rule of each device
while IFS= read -r line; do
	case $line in
	"ok   "*) ok "${line#ok   }" ;;
	"FAIL "*) bad "${line#FAIL }"; KEEP=1 ;;
	esac
done < <(python3 tests/cli/explain-check.py "$dir/tree-root.json" --label "$scn live, root" \
	--groups "$dir/devices.txt" --rules tests/cli/explain-rules/$scn.txt)

# explain of every device: exit 0, its group, the same comparison
n=0 badn=0
while read -r a st; do
	n=$((n + 1))
	if [ "$st" != 0 ] || ! python3 - "$dir/explain-$a.json" "$a" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = [x for x in d["devices"] if x["address"] == sys.argv[2]]
sys.exit(0 if d["device"] == sys.argv[2] and d["prediction"]["comparison"] == "same"
         and m and m[0]["rule"] != "none" and m[0]["reason"] else 1)
PY
	then
		badn=$((badn + 1))
		echo "     explain $a: status $st: $(head -c 200 "$dir/explain-$a.json")"
	fi
done < "$dir/explain.rc"
[ "$n" -gt 0 ] && [ "$badn" -eq 0 ] && ok "$scn live: explain of each of $n devices: exit 0, its rule, prediction the same" ||
	{ bad "$scn live: explain failed for $badn of $n devices"; KEEP=1; }
grep -q "with 0000:03:00.0: the path to the root is not ACS-isolated at 0000:03:00.0 (no ACS capability)" \
	"$dir/explain-0000:04:00.0.txt" && ok "$scn live: explain 04:00.0 names the downstream port without ACS" ||
	{ bad "$scn live: explain 04:00.0 does not name the port without ACS"; KEEP=1; }
grep -q "^ \\\\-0000:00:07.0 1b36:000c root port \[ACS SV RR CR UF\]" "$dir/explain-0000:04:00.0.txt" &&
	ok "$scn live: explain 04:00.0 draws its root port with the ACS controls the kernel enabled" ||
	{ bad "$scn live: explain 04:00.0 does not draw the root port's ACS"; KEEP=1; }

# as nobody: 64 bytes of config space; nothing may differ, ACS is unknown
if [ -s "$dir/tree-user.json" ]; then
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "${line#ok   }" ;;
		"FAIL "*) bad "${line#FAIL }"; KEEP=1 ;;
		esac
	done < <(python3 tests/cli/explain-check.py "$dir/tree-user.json" --label "$scn live, nobody" \
		--allow-unknown --groups "$dir/devices.txt")
	python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["prediction"]; sys.exit(0 if p["nunknown"] > 0 else 1)' \
		"$dir/tree-user.json" && grep -q "ACS ?" "$dir/explain-user.txt" &&
		ok "$scn live, nobody: ACS behind the ports is reported unknown, not guessed" ||
		{ bad "$scn live, nobody: ACS unknown not reported"; KEEP=1; }
else
	skip "$scn live, nobody: $(cat "$dir/tree-user.err" 2>/dev/null)"
fi

if [ -n "${KEEP:-}" ]; then echo "outputs kept in $out"; else rm -rf "$out"; fi
stop
