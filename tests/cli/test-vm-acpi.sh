#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live tests of iommuctl acpi on real kernels: boots the QEMU guests of
# tests/vm (vtd: DMAR, amd: IVRS, virtio: VIOT, and arm64-smmuv3 through UEFI
# firmware, which makes QEMU write an IORT) with BINARY inside, running
# tests/vm/guest/acpi-tables.sh: the guest copies its tables out, runs
# acpi list/show/devices and saves a snapshot. Checks: the tables are the
# fixtures byte for byte (tests/fixtures/acpi/: what this QEMU writes);
# every command exits 0 on the live kernel; acpi devices on the guest's
# snapshot equals what it printed live (snapshot save keeps the tables);
# every device the kernel put in a group is one the table covers, and on
# vtd and amd the table and the kernel agree on every device (no finding).
# Ends with "N passed, M failed, K skipped"; no QEMU here, IOMMUCTL_VM_SKIP,
# or no arm64 cross build is a skip with its reason.
#   tests/cli/test-vm-acpi.sh [BINARY]      (default ./iommuctl)
# Environment: IOMMUCTL_VM_ACPI_SCENARIOS (default "vtd amd virtio
# arm64-smmuv3"), KEEP=1 keeps the guests' outputs, plus tests/vm/lib.sh's.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
scenarios=${IOMMUCTL_VM_ACPI_SCENARIOS:-vtd amd virtio arm64-smmuv3}
# shellcheck source=lib.sh
. tests/cli/lib.sh

stop() { echo "$pass passed, $fail failed, $skipped skipped"; [ "$fail" -eq 0 ]; exit $?; }

[ -n "${IOMMUCTL_VM_SKIP:-}" ] && { skip "live acpi tests: IOMMUCTL_VM_SKIP is set"; stop; }
[ -x "$bin" ] || { bad "no binary at $bin"; stop; }
[ "$(uname -m)" = x86_64 ] || { skip "live acpi tests: the guests are x86_64 and this is $(uname -m)"; stop; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "live acpi tests: qemu-system-x86_64 is missing and only root can install it"
	stop
fi
why=$( (. tests/vm/lib.sh && vm_fetch_kernel) 2>&1 >/dev/null) ||
	{ skip_broken "live acpi tests: cannot prepare a guest: $(echo "$why" | grep -i error | tail -n 1)"; stop; }

out=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-vm-acpi.XXXXXX")
efi=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
for scn in $scenarios; do
	dir=$out/$scn
	case $scn in
	vtd | vtd-sm) table=DMAR ;;
	amd) table=IVRS ;;
	virtio) table=VIOT ;;
	arm64-*) table=IORT ;;
	*) bad "$scn: no table known for this scenario"; continue ;;
	esac
	if [[ $scn == arm64-* ]]; then
		case $bin in
		*build-san/*) note "$scn: the guest runs the cross-built binary, not $bin: it runs once, for the normal build"; continue ;;
		esac
		vm_arm64_check "live acpi tests ($scn)" "$out" || continue
		if [ ! -r "$efi" ]; then
			if [ "$(id -u)" -eq 0 ]; then
				(. tests/vm/lib.sh && vm_apt_install qemu-efi-aarch64) >"$out/efi.log" 2>&1
			fi
			[ -r "$efi" ] || { skip_broken "$scn: no UEFI firmware $efi (apt-get install qemu-efi-aarch64)"; continue; }
		fi
	fi
	t0=$(date +%s.%N)
	rc=0
	(
		. tests/vm/lib.sh
		if [[ $scn == arm64-* ]]; then
			# UEFI makes QEMU write ACPI tables; it takes its time under TCG
			VM_QEMU_EXTRA=(-bios "$efi")
			VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-400}
			export IOMMUCTL_VM_APPEND="${IOMMUCTL_VM_APPEND:-} acpi=force"
		fi
		IOMMUCTL=$bin vm_run "$scn" tests/vm/guest/acpi-tables.sh "$dir"
	) >"$out/$scn.vm.log" 2>&1 || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" -ne 0 ] || [ ! -f "$dir/acpi.rc" ]; then
		bad "$scn: the guest did not run to the end (status $rc after ${secs}s):"
		sed 's/^/     /' "$out/$scn.vm.log" | tail -n 15
		KEEP=1
		continue
	fi
	echo "time $scn: ${secs}s"
	if cmp -s "$dir/$table" "tests/fixtures/acpi/$scn/$table"; then
		ok "$scn: the guest's $table is tests/fixtures/acpi/$scn/$table byte for byte"
	else
		bad "$scn: the guest's $table differs from tests/fixtures/acpi/$scn/$table (QEMU changed: tests/vm/capture-acpi.sh $scn)"
	fi
	while read -r v st; do
		if [ "$st" = 0 ]; then ok "$scn: live acpi $v exits 0"
		else bad "$scn: live acpi $v exits $st: $(head -n 2 "$dir/acpi-$v.err" "$dir/snapshot.log" 2>/dev/null | tr '\n' ' ')"; fi
	done <"$dir/acpi.rc"
	"$bin" -F "$dir/snapshot.tar" -j acpi devices >"$dir/offline.json" 2>"$dir/offline.err"
	if [ -s "$dir/offline.json" ] && cmp -s "$dir/offline.json" "$dir/acpi-devices.json"; then
		ok "$scn: acpi devices on the guest's snapshot equals the live one"
	else
		bad "$scn: acpi devices on the snapshot differs from the live one: $(head -n 1 "$dir/offline.err")"
		diff <(python3 -m json.tool "$dir/acpi-devices.json" 2>&1) <(python3 -m json.tool "$dir/offline.json" 2>&1) | head -n 10 | sed 's/^/     /'
	fi
	if python3 - "$dir/acpi-devices.json" "$scn" >"$dir/facts" 2>&1 <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))['acpi_tables'][0]
scn = sys.argv[2]
bad = []
for d in doc['devices']:
    if d['group'] is not None and d['iommu'] is None:
        bad.append('%s is in group %s, but the table covers it not' % (d['device'], d['group']))
if scn in ('vtd', 'vtd-sm', 'amd') and doc['findings']:
    bad += [f['text'] for f in doc['findings']]
if not any(d['group'] is not None for d in doc['devices']):
    bad.append('no device in a group')
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	then
		ok "$scn: every grouped device is covered by the $table$([ "$scn" = virtio ] || [[ $scn == arm64-* ]] || echo ', and no finding')"
	else
		bad "$scn: the $table and the kernel disagree: $(head -n 3 "$dir/facts" | tr '\n' ';')"
	fi
done
if [ -n "${KEEP:-}" ]; then
	echo "outputs kept in $out"
else
	rm -rf "$out"
fi
stop
