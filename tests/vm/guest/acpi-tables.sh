# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/vm/capture-acpi.sh and tests/cli/test-vm-acpi.sh (busybox
# sh, run by /init): copies the IOMMU-related ACPI tables the firmware (QEMU)
# wrote into /out, byte for byte, and lists every table present (tables.ls);
# when the initramfs has iommuctl, also what it says of them on this live
# kernel (acpi-list.json, acpi-show.json, acpi-devices.json, and their
# exit statuses in acpi.rc) and a snapshot (snapshot.tar), which must hold
# the tables.
ls -l /sys/firmware/acpi/tables/ > /out/tables.ls 2>&1
n=0
for t in DMAR IVRS IORT VIOT; do
	if [ -r "/sys/firmware/acpi/tables/$t" ]; then
		cat "/sys/firmware/acpi/tables/$t" > "/out/$t" && n=$((n + 1))
	fi
done
ls -l /sys/kernel/iommu_groups/*/devices > /out/groups.ls 2>&1
dmesg > /out/dmesg.txt
if [ -x /bin/iommuctl ]; then
	: > /out/acpi.rc
	for v in list show devices; do
		iommuctl -j acpi $v > "/out/acpi-$v.json" 2> "/out/acpi-$v.err"
		echo "$v $?" >> /out/acpi.rc
	done
	iommuctl snapshot save /out/snapshot.tar > /out/snapshot.log 2>&1
	echo "snapshot $?" >> /out/acpi.rc
fi
if [ "$n" -eq 0 ]; then
	echo "acpi-tables: FAILED: no DMAR, IVRS, IORT or VIOT in /sys/firmware/acpi/tables"
	exit 1
fi
exit 0
