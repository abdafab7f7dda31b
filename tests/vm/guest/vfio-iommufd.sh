#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the kernel rebuilt with IOMMUFD, VFIO_DEVICE_CDEV
# and IOMMU_DEBUGFS (tests/vm/build-kernel.sh): binds edu (00:03.0) to vfio-pci,
# records vfio status, vfio probe through iommufd + cdev (the kernel's debugfs
# page tables dumped while the test buffer is mapped), a legacy-path probe,
# batch runs, a process holding the cdev (device show's holders), and handing
# the device over (handover.sh: vfio caps, cdi, send of the iommufd and the
# cdev), and the newer iommufd (vfio-iommufd-newer.sh: MAP_FILE with DMA
# through edu, PASID attach, vIOMMU, fdinfo holders). The host side
# (tests/cli/test-vm-vfio.sh) judges the files.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
ls -l /dev/iommu /dev/vfio /dev/vfio/devices > "$out/dev-vfio.txt" 2>&1
ls /sys/kernel/debug/iommu/intel > "$out/debugfs.txt" 2>&1

dts=/sys/kernel/debug/iommu/intel/$dev/domain_translation_struct
run status iommuctl -j vfio status
run status-text iommuctl vfio status
run probe iommuctl -j vfio probe $dev --msi-check --iova 0x300000 --size 0x8000 \
	--while-mapped "cat $dts > $out/dts-probe.txt 2>&1"
run probe-text iommuctl vfio probe $dev --msi-check
run probe-legacy iommuctl -j vfio probe $dev --path legacy --msi-check
run msi iommuctl -j msi show $dev
run sw-window iommuctl msi sw-window $dev --start 0x8000000 --size 1
run batch iommuctl -j batch /guest/vfio-batch-iommufd.txt
run batch-text iommuctl batch /guest/vfio-batch-iommufd.txt
run batch-neg iommuctl -j batch --force /guest/vfio-batch-iommufd-neg.txt

# a process with the device's cdev open: device show names it
cdev=$(ls /dev/vfio/devices | head -n 1)
sh -c "exec 3<>/dev/vfio/devices/$cdev; exec sleep 120" &
holder=$!
i=0
while [ "$(readlink "/proc/$holder/fd/3")" != "/dev/vfio/devices/$cdev" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "$holder $cdev" > "$out/cdev-holder.txt"
run cdev-holders iommuctl -j device show $dev
run cdev-holders-group iommuctl -j group show $dev
kill $holder; wait $holder 2>/dev/null
. /guest/vfio-iommufd-newer.sh
. /guest/handover.sh
handover iommufd "iommufd open"
run send-busy iommuctl batch /guest/vfio-send-busy.txt
exit 0
