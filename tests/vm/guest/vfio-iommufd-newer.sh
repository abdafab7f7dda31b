#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# Sourced by vfio-iommufd.sh (edu on vfio-pci, $dev, run): the newer iommufd
# and VFIO, as the kernel answers them (Linux 6.13-7.2; a 6.12 rebuild
# answers ENOTTY/EINVAL and the host checks that): vfio probe --pasid with
# the kernel's debugfs listing while mapped, a batch mapping memfds with
# IOMMU_IOAS_MAP_FILE that edu (tests/tools/edu-dma.c, /bin/edu-dma) reads
# and writes through the IOMMU, PASID attach and detach, and a device fd
# held through the legacy group (an anonymous inode) found by the
# vfio-device-syspath line of fdinfo (Linux 6.18+).
dbg=/sys/kernel/debug/iommu/intel/$dev
run probe-pasid iommuctl -j vfio probe $dev --pasid 1 \
	--while-mapped "ls -R $dbg > $out/debugfs-pasid-probe.txt 2>&1"
run probe-pasid-text iommuctl vfio probe $dev --pasid 1
[ -x /bin/edu-dma ] && run batch-newer iommuctl -j batch --force /guest/vfio-batch-iommufd-newer.txt
# a device fd from VFIO_GROUP_GET_DEVICE_FD: the while-mapped shell's parent holds it
run fdinfo-holders iommuctl -j vfio probe $dev --path legacy --while-mapped \
	"grep -H vfio-device-syspath /proc/\$PPID/fdinfo/* > $out/fdinfo-lines.txt 2>&1; echo \$PPID > $out/fdinfo-pid.txt; ls -l /proc/\$PPID/fd > $out/fdinfo-fds.txt 2>&1; iommuctl -j device show $dev > $out/fdinfo-device-show.out 2> $out/fdinfo-device-show.err"
