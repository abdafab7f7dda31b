# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by the guest scripts (busybox sh) in /guest: the device under test
# and the output directory, and how the scripts give it to vfio-pci.
dev=${dev:-0000:00:03.0}
out=${OUT:-/out}

# bind_vfio DEV: binds DEV to vfio-pci through driver_override (on arm64 and
# with virtio-iommu, a PCI device joins its IOMMU group only then) and records
# the driver link in $out/driver.txt
bind_vfio() {
	echo vfio-pci > "/sys/bus/pci/devices/$1/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	readlink "/sys/bus/pci/devices/$1/driver" > "$out/driver.txt" 2>&1
}

# run NAME CMD...: stdout to NAME.out, stderr to NAME.err, status to NAME.rc
run() {
	n=$1
	shift
	"$@" > "$out/$n.out" 2> "$out/$n.err"
	echo $? > "$out/$n.rc"
}
