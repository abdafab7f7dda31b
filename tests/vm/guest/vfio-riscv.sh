#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the riscv64 7.2 rebuild (IOMMUFD, the VFIO
# cdev, riscv-iommu-capable.patch) on QEMU 11's riscv-iommu-pci (riscv-7.2,
# booted with iommufd.allow_unsafe_interrupts=1): edu on vfio-pci; vfio
# status, vfio probe, msi show and doctor as this kernel answers them, and
# batch runs through iommufd (maps, memfds through IOMMU_IOAS_MAP_FILE that
# edu DMAs through, and refusals). The host (tests/cli/test-vm-vfio.sh,
# part 5) judges the files.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
ls /dev/iommu /dev/vfio /dev/vfio/devices > "$out/dev-vfio.txt" 2>&1
g=$(basename "$(readlink /sys/bus/pci/devices/$dev/iommu_group)")
echo "$g" > "$out/group.txt"
cat "/sys/kernel/iommu_groups/$g/reserved_regions" > "$out/reserved-regions.txt" 2>&1
cat "/sys/kernel/iommu_groups/$g/type" > "$out/group-type.txt" 2>&1
cat /sys/module/iommufd/parameters/allow_unsafe_interrupts > "$out/allow-unsafe.txt" 2>&1
readlink "/sys/bus/pci/devices/$dev/iommu" > "$out/iommu-link.txt" 2>&1
cat /proc/interrupts > "$out/interrupts.txt" 2>&1
run status iommuctl -j vfio status
run status-text iommuctl vfio status
run probe iommuctl -j vfio probe $dev --msi-check
run probe-text iommuctl vfio probe $dev --msi-check
run probe-pasid iommuctl -j vfio probe $dev --pasid 1
run probe-pasid-text iommuctl vfio probe $dev --pasid 1
run probe-legacy iommuctl -j vfio probe $dev --path legacy
run msi iommuctl -j msi show $dev
run msi-text iommuctl msi show $dev
run doctor iommuctl -j doctor
run doctor-text iommuctl doctor
[ -x /bin/edu-dma ] && run batch iommuctl -j batch /guest/vfio-batch-riscv.txt
run batch-neg iommuctl -j batch --force /guest/vfio-batch-riscv-neg.txt
exit 0
