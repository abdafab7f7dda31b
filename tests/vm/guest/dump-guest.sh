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
# where the SMMU's registers are (a user-created arm-smmuv3 is not at virt's 0x09050000)
grep -i smmu /proc/iomem > "$out/iomem-smmu.txt" 2>/dev/null
# the registers as the guest's kernel read them (test-vm-dump's kernel view)
cat /sys/class/iommu/*/intel-iommu/cap > "$out/vtd-cap.txt" 2>/dev/null
cat /sys/class/iommu/*/intel-iommu/ecap > "$out/vtd-ecap.txt" 2>/dev/null
cat /sys/class/iommu/*/amd-iommu/features > "$out/amd-features.txt" 2>/dev/null
case ${VM_SCENARIO:-} in
arm64-smmuv3-s2*) batch=/guest/dump-batch-arm64-s2.txt ;;
arm64*) batch=/guest/dump-batch-arm64.txt ;;
riscv*)
	# Linux 7.2 on riscv64, stock: vfio-pci cannot bind (the probe above
	# fails, EINVAL) and every group is an identity one
	# (tests/vm/lib-riscv64.sh): record the kernel's own view of the groups
	# and where the IOMMU's registers are, then hold for the dump with no
	# maps (the host walks the DDT from the ddtp register). The riscv64
	# rebuild (tests/vm/build-kernel.sh --arch riscv64) has /dev/iommu and
	# binds edu: a batch maps buffers through iommufd instead and holds
	# them (riscv-7.2-vfio)
	for g in /sys/kernel/iommu_groups/*; do
		echo "${g##*/} $(cat "$g/type") $(ls "$g/devices" | tr '\n' ' ')"
	done > "$out/groups.txt"
	sed -n 1p /sys/bus/pci/devices/0000:00:01.0/resource > "$out/iommu-bar0.txt"
	if [ -c /dev/iommu ]; then
		ls /dev/vfio/devices > "$out/vfio-devices.txt" 2>&1
		# Linux turns THP off below 512 MiB of RAM; the admin may turn it
		# on: the 2 MiB buffers then get huge pages when memory allows, and
		# the kernel maps them with megapages and Svnapot 64K leaves
		echo always > /sys/kernel/mm/transparent_hugepage/enabled
		cat /sys/kernel/mm/transparent_hugepage/enabled > "$out/thp.txt" 2>&1
		run batch iommuctl -j batch /guest/dump-batch-riscv-iommufd.txt
	else
		run batch sh /guest/dump-hold.sh s1
	fi
	exit 0 ;;
*) batch=/guest/dump-batch-x86.txt ;;
esac
run batch iommuctl -j batch $batch
exit 0
