#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the powernv scenarios: VFIO through the SPAPR
# TCE v2 container on Debian's ppc64el kernels (6.12; 7.2 with 4K and 64K
# pages). Claims both edus (0000:01:00.0
# and 0001:01:00.0, one PE and IOMMU group each), records vfio status, vfio
# probe with a 2-level DDW, msi show, a batch over both groups (32-bit window
# and DDW maps, a map outside every window, exec) and a batch whose 64K-page
# DDW cannot map 4K-page memory (a 64K kernel's memory it can), then releases
# the groups. The host side
# (tests/cli/test-vm-vfio-ppc.sh) judges the files.
set -u
a=0000:01:00.0
b=0001:01:00.0
dev=$a
. /guest/lib.sh
run claim iommuctl -j group claim $a
run claim2 iommuctl -j group claim $b
readlink /sys/bus/pci/devices/$a/driver > "$out/driver.txt" 2>&1
readlink /sys/bus/pci/devices/$b/driver >> "$out/driver.txt" 2>&1
ls -l /dev/vfio > "$out/dev-vfio.txt" 2>&1
run status iommuctl -j vfio status
run probe iommuctl -j vfio probe $a --ddw-levels 2
run probe-text iommuctl vfio probe $a --ddw-levels 2
run msi iommuctl -j msi show $a
run batch iommuctl -j batch --force /guest/vfio-batch-ppc.txt
run batch-text iommuctl batch --force /guest/vfio-batch-ppc.txt
run batch-neg iommuctl -j batch --force /guest/vfio-batch-ppc-neg.txt
run batch-neg-text iommuctl batch --force /guest/vfio-batch-ppc-neg.txt
run release iommuctl -j group release $a
run release2 iommuctl -j group release $b
for d in $a $b; do
	echo "$d $(readlink /sys/bus/pci/devices/$d/driver 2>/dev/null || echo none)"
done > "$out/driver-after.txt"
dmesg | grep 'PE#' > "$out/pe.txt"
exit 0
