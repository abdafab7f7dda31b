# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/vm/capture-acpi.sh (busybox sh, run by /init): copies the
# IOMMU-related ACPI tables the firmware (QEMU) wrote into /out, byte for byte,
# and lists every table present (tables.ls) for the record.
ls -l /sys/firmware/acpi/tables/ > /out/tables.ls 2>&1
n=0
for t in DMAR IVRS IORT VIOT; do
	if [ -r "/sys/firmware/acpi/tables/$t" ]; then
		cat "/sys/firmware/acpi/tables/$t" > "/out/$t" && n=$((n + 1))
	fi
done
dmesg > /out/dmesg.txt
if [ "$n" -eq 0 ]; then
	echo "acpi-tables: FAILED: no DMAR, IVRS, IORT or VIOT in /sys/firmware/acpi/tables"
	exit 1
fi
exit 0
