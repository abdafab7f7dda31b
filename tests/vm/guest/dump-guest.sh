#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for tests/cli/test-vm-dump.sh: binds edu
# (00:03.0) to vfio-pci, then a batch run (guest/dump-batch-arm64.txt or
# dump-batch-x86.txt) maps buffers in a type1v2 container and holds them while
# the host dumps guest memory (guest/dump-hold.sh asks for the dump over
# virtio-serial). The host walks the IOMMU's tables in the dumps.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
cat /sys/kernel/mm/transparent_hugepage/enabled > "$out/thp.txt" 2>&1
cat /sys/class/iommu/*/intel-iommu/address > "$out/vtd-address.txt" 2>/dev/null
# the registers as the guest's kernel read them (test-vm-dump's kernel view)
cat /sys/class/iommu/*/intel-iommu/cap > "$out/vtd-cap.txt" 2>/dev/null
cat /sys/class/iommu/*/intel-iommu/ecap > "$out/vtd-ecap.txt" 2>/dev/null
cat /sys/class/iommu/*/amd-iommu/features > "$out/amd-features.txt" 2>/dev/null
case ${VM_SCENARIO:-} in
arm64*) batch=/guest/dump-batch-arm64.txt ;;
*) batch=/guest/dump-batch-x86.txt ;;
esac
run batch iommuctl -j batch $batch
exit 0
