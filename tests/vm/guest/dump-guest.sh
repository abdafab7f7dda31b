#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for tests/cli/test-vm-dump-arm.sh: binds edu
# (00:03.0) to vfio-pci, then a batch run maps buffers in a type1v2 container
# and holds them while the host dumps guest memory (guest/dump-hold.sh asks for
# the dump over virtio-serial). The host walks the SMMUv3 tables in the dumps.
set -u
dev=0000:00:03.0
. /guest/lib.sh
bind_vfio $dev
cat /sys/kernel/mm/transparent_hugepage/enabled > "$out/thp.txt" 2>&1
iommuctl -j batch /guest/dump-batch-arm.txt > "$out/batch.out" 2> "$out/batch.err"
echo $? > "$out/batch.rc"
exit 0
