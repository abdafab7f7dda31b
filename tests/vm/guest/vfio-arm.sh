#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the arm64 SMMUv3 scenarios: the VFIO legacy
# container path on Debian's stock arm64 kernel. Binds edu (00:03.0) to vfio-pci
# through driver_override (on arm64 it joins an IOMMU group only then), records
# vfio status, vfio probe with an MSI-window check, msi show, and a forced batch
# whose map at Arm's software MSI window (0x8000000) must be refused. The host
# side (tests/cli/test-vm-vfio-arm.sh) judges the files.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
readlink /sys/bus/pci/devices/$dev/iommu_group > "$out/group.txt" 2>&1
cat /sys/bus/pci/devices/$dev/iommu_group/reserved_regions > "$out/resv.txt" 2>&1
ls -l /dev/vfio > "$out/dev-vfio.txt" 2>&1

run status iommuctl -j vfio status
run probe iommuctl -j vfio probe $dev --msi-check
run probe-text iommuctl vfio probe $dev --msi-check
run msi iommuctl -j msi show $dev
run msi-text iommuctl msi show $dev
run batch-neg iommuctl -j batch --force /guest/vfio-batch-arm-msi.txt
run batch-neg-text iommuctl batch --force /guest/vfio-batch-arm-msi.txt
exit 0
