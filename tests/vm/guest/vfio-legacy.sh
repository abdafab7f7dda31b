#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh): the VFIO legacy container path on Debian's stock
# kernel. Binds edu (00:03.0) to vfio-pci through driver_override, then records
# vfio status, vfio probe (with an MSI-window map that must be refused), a
# forced --path iommufd probe (must fail and say why), a batch run on the
# legacy container, handing the device over (handover.sh: vfio caps, cdi,
# send of the container, the group and the device), and the holders of the
# group (a process with /dev/vfio/N open: shown, release refused, then
# released). The host side (tests/cli/test-vm-vfio.sh) judges the files.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
ls -l /dev/vfio > "$out/dev-vfio.txt" 2>&1

run status iommuctl -j vfio status
run status-text iommuctl vfio status
run probe iommuctl -j vfio probe $dev --msi-check
run probe-text iommuctl vfio probe $dev --msi-check
run probe-iommufd iommuctl -j vfio probe $dev --path iommufd
run probe-unbound iommuctl vfio probe 0000:00:04.0
run msi iommuctl -j msi show $dev
run sw-window iommuctl msi sw-window $dev --start 0x8000000 --size 1
run batch iommuctl -j batch /guest/vfio-batch-legacy.txt
run batch-text iommuctl batch /guest/vfio-batch-legacy.txt
run batch-neg iommuctl -j batch --force /guest/vfio-batch-legacy-neg.txt
. /guest/handover.sh
handover legacy "container open"

# ---- holders: a process with the group's node open; release refuses it ----
# edu goes back to no driver and is claimed by iommuctl, so that release has a journal
echo $dev > /sys/bus/pci/drivers/vfio-pci/unbind
echo > "/sys/bus/pci/devices/$dev/driver_override"
mkdir -p /run
grp=$(basename "$(readlink "/sys/bus/pci/devices/$dev/iommu_group")")
# hold GROUP-NODE FILE: a sleep with the node open as fd 3; its pid into FILE and $holder
hold() {
	sh -c "exec 3<>$1; exec sleep 120" &
	holder=$!
	i=0
	while [ "$(readlink "/proc/$holder/fd/3")" != "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo "$holder $grp" > "$out/$2"
}
run hold-claim iommuctl group claim $dev
hold "/dev/vfio/$grp" holder.txt
run hold-show iommuctl -j group show $dev
run hold-show-text iommuctl group show $dev
run hold-device iommuctl -j device show $dev
run hold-release iommuctl group release $dev
readlink "/sys/bus/pci/devices/$dev/driver" > "$out/hold-driver.txt" 2>&1
kill $holder; wait $holder 2>/dev/null
run hold-show-after iommuctl -j group show $dev
run hold-release-after iommuctl group release $dev
readlink "/sys/bus/pci/devices/$dev/driver" > "$out/hold-driver-after.txt" 2>&1
# --force releases it anyway, and says so
run hold-claim2 iommuctl group claim $dev
hold "/dev/vfio/$grp" holder2.txt
run hold-force iommuctl group release --force $dev
readlink "/sys/bus/pci/devices/$dev/driver" > "$out/hold-driver-force.txt" 2>&1
kill $holder; wait $holder 2>/dev/null
exit 0
