#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Captures the IOMMU-related ACPI tables QEMU writes into tests/fixtures/acpi/:
# boots scenarios of tests/vm/lib.sh (the same machines and devices as the
# other fixtures) with guest/acpi-tables.sh, which copies
# /sys/firmware/acpi/tables/{DMAR,IVRS,IORT,VIOT} out byte for byte.
#   vtd, vtd-sm -> DMAR   amd -> IVRS   virtio -> VIOT
#   arm64-smmuv3 booted through UEFI (qemu-efi-aarch64's QEMU_EFI.fd as -bios,
#   acpi=force) -> IORT; without firmware QEMU gives the kernel a device tree.
# The tables go to tests/fixtures/acpi/<scenario>/<SIGNATURE>.
#
# usage: tests/vm/capture-acpi.sh [SCENARIO...]
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

EFI_AARCH64=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
scenarios=("$@")
((${#scenarios[@]})) || scenarios=(vtd vtd-sm amd virtio arm64-smmuv3)
failed=0
for s in "${scenarios[@]}"; do
	vm_is_scenario "$s" || vm_die "unknown scenario '$s'"
	out=$VM_CACHE/runs/acpi/$s
	rm -rf "$out"
	extra=()
	append=${IOMMUCTL_VM_APPEND:-}
	if [[ $(vm_scn_flavour "$s") != amd64 ]]; then
		vm_arm64_need_tools
		[[ -r $EFI_AARCH64 ]] || vm_apt_install qemu-efi-aarch64
		extra=(-bios "$EFI_AARCH64")
		append+=" acpi=force"
		# UEFI under TCG takes its time before the kernel starts
		VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-300}
	fi
	rc=0
	VM_QEMU_EXTRA=("${extra[@]}")
	IOMMUCTL_VM_APPEND=$append vm_run "$s" "$VM_DIR/guest/acpi-tables.sh" "$out" || rc=$?
	if ((rc)); then
		echo "capture-acpi: $s FAILED (exit $rc; see $out/.vm/)" >&2
		failed=1
		continue
	fi
	dst=$VM_REPO/tests/fixtures/acpi/$s
	mkdir -p "$dst"
	got=()
	for t in DMAR IVRS IORT VIOT; do
		[[ -s $out/$t ]] || continue
		cp "$out/$t" "$dst/$t"
		got+=("$t ($(stat -c %s "$out/$t") bytes)")
	done
	echo "capture-acpi: $s: ${got[*]:-no table}"
done
exit "$failed"
