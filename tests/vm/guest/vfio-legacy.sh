#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh): the VFIO legacy container path on Debian's stock
# kernel. Binds edu (00:03.0) to vfio-pci through driver_override, then records
# vfio status, vfio probe (with an MSI-window map that must be refused), a
# forced --path iommufd probe (must fail and say why), and a batch run on the
# legacy container, and handing the device over (handover.sh: vfio caps, cdi,
# send of the container, the group and the device). The host side (tests/cli/test-vm-vfio.sh) judges the files.
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
exit 0
