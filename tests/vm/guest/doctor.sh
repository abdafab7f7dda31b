# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of tests/cli/test-vm-doctor.sh (busybox sh, run by /init): runs
# iommuctl doctor in text and JSON, as root and as an unprivileged user, after
# handing the edu device (00:03.0) to vfio-pci where there is an IOMMU, and
# saves a snapshot for doctor to read on the host. Checks are the host's.
out=/out
run() { # NAME CMD...: stdout, stderr, status
	n=$1
	shift
	"$@" > "$out/$n.out" 2> "$out/$n.err"
	echo $? > "$out/$n.rc"
}
cat /proc/cmdline > "$out/cmdline.txt"
grep -E 'IR-|ITS-' /proc/interrupts > "$out/interrupts-ir.txt" 2>&1
dev=0000:00:03.0
if [ -e /sys/bus/pci/devices/$dev/iommu_group ]; then
	echo vfio-pci > /sys/bus/pci/devices/$dev/driver_override
	echo $dev > /sys/bus/pci/drivers_probe
fi
readlink /sys/bus/pci/devices/$dev/driver > "$out/driver.txt" 2>&1
ls -l /dev/vfio > "$out/dev-vfio.txt" 2>&1
run doctor iommuctl doctor
run doctor-json iommuctl -j doctor
run doctor-problems iommuctl doctor --problems
# an unprivileged user: doctor reads what the files allow, and says which nodes it cannot open
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
echo 'nogroup:x:65534:' >> /etc/group
# the initramfs root is mktemp's (0700): let the user reach the binaries and libraries
chmod go+rx /
chmod -R go+rX /bin /lib /lib64 /usr /etc 2>/dev/null
run doctor-user su -s /bin/sh nobody -c 'iommuctl -j doctor'
run snapshot iommuctl snapshot save "$out/snapshot.tar"
dmesg > "$out/dmesg.txt"
exit 0
