# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/vm/capture-fixtures.sh (busybox sh, run by /init): writes
# the fixture files into /out: snapshot.tar (iommuctl snapshot save), groups.ls,
# devices.txt, uname, dmesg.txt, plus sysfs.tar, a busybox copy of the IOMMU and
# PCI parts of sysfs for debugging the harness (never stored as a fixture).

status=0
uname -r > /out/uname
ls -l /sys/kernel/iommu_groups/*/devices > /out/groups.ls 2>&1

# One line per PCI function: address, vendor:device, class, driver, IOMMU group.
for d in /sys/bus/pci/devices/*; do
	drv=-
	grp=-
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	echo "${d##*/} $(cat "$d/vendor"):$(cat "$d/device") $(cat "$d/class") driver=$drv group=$grp"
done | sed 's/0x//g' > /out/devices.txt

# sysfs files report a size of 4096 whatever they hold, which busybox tar
# refuses; cp reads to EOF, so copy first (write-only and unreadable
# attributes just fail), then archive the copy. Symlinks stay symlinks.
mkdir -p /tmp/sysfs/sys/kernel /tmp/sysfs/sys/class /tmp/sysfs/sys/bus/pci /tmp/sysfs/sys/devices
cp -a /sys/kernel/iommu_groups /tmp/sysfs/sys/kernel/ 2>/dev/null
cp -a /sys/class/iommu /tmp/sysfs/sys/class/ 2>/dev/null
cp -a /sys/bus/pci/devices /tmp/sysfs/sys/bus/pci/ 2>/dev/null
for t in /sys/devices/pci0000:00 /sys/devices/virtual/iommu; do
	[ -e "$t" ] && cp -a "$t" "/tmp/sysfs$(dirname "$t")/" 2>/dev/null
done
tar -cf /out/sysfs.tar -C /tmp/sysfs sys || echo "capture: sysfs.tar failed (debug only)"

if [ ! -x /bin/iommuctl ]; then
	echo "capture: FAILED: no iommuctl in this initramfs (build it, or set IOMMUCTL)"
	status=1
elif iommuctl snapshot save /out/snapshot.tar > /out/snapshot.log 2>&1; rc=$?; [ $rc -ne 0 ]; then
	echo "capture: FAILED: iommuctl snapshot save /out/snapshot.tar: exit status $rc:"
	sed 's/^/capture:   /' /out/snapshot.log
	rm -f /out/snapshot.tar
	status=1
elif [ ! -s /out/snapshot.tar ]; then
	echo "capture: FAILED: iommuctl snapshot save wrote no /out/snapshot.tar"
	status=1
fi

dmesg > /out/dmesg.txt
exit $status
