#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the 7.2 rebuild (IOMMUFD, AMD_IOMMU_IOMMUFD)
# on QEMU's AMD-Vi (amd-7.2): edu on vfio-pci; vfio status and vfio probe as
# this kernel and this emulated IOMMU answer them (the AMD driver has
# vIOMMUs in 7.2), and a batch that asks for a nest-parent HWPT, a vIOMMU on
# it and a vDEVICE. The host (tests/cli/test-vm-vfio.sh) judges the files.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
run status iommuctl -j vfio status
run probe iommuctl -j vfio probe $dev
run probe-text iommuctl vfio probe $dev
run batch-viommu iommuctl -j batch --force /guest/vfio-batch-amd-viommu.txt
exit 0
