#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the powernv memory-dump walks: a kprobe event on
# opal_pci_map_pe_dma_window records every DMA window the kernel gives a PE
# (ppc64 ABI: r3 PHB, r4 PE, r5 window, r6 levels, r7 TCE table address, r8 its
# size in bytes, r9 TCE page size); edu is claimed, and a batch maps memory in
# the 32-bit window and in a 2-level DDW, then holds the maps while the host
# dumps guest memory (guest/dump-ppc-hold.sh, guest/dump-hold.sh). The host side
# (tests/cli/test-vm-dump-ppc.sh) walks the TCE tables in the dump.
set -u
dev=0000:01:00.0
. /guest/lib.sh
tr=/sys/kernel/tracing

mount -t tracefs nodev $tr 2>/dev/null
echo 'p:tvt opal_pci_map_pe_dma_window phb=%r3 pe=%r4 win=%r5 levels=%r6 addr=%r7 size=%r8 pgsz=%r9' \
	> $tr/kprobe_events 2> "$out/kprobe.err" || echo "kprobe event refused" >> "$out/kprobe.err"
echo 1 > $tr/events/kprobes/tvt/enable 2>> "$out/kprobe.err"
run claim iommuctl group claim $dev
# only the windows of this batch's container from here on
echo > $tr/trace
run batch iommuctl -j batch /guest/dump-batch-ppc.txt
run release iommuctl group release $dev
exit 0
