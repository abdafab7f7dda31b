#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) for the powernv memory-dump walks: a kprobe event on
# opal_pci_map_pe_dma_window records every DMA window the kernel gives a PE
# (ppc64 ABI: r3 PHB, r4 PE, r5 window, r6 levels, r7 TCE table address, r8 its
# size in bytes, r9 TCE page size); edu is claimed, and a batch maps memory in
# the 32-bit window and in a 2-level DDW, then holds the maps while the host
# dumps guest memory (guest/dump-ppc-hold.sh, guest/dump-hold.sh). The host side
# (tests/cli/test-vm-dump-ppc.sh) walks the TCE tables in the dump.
# The DDW's levels depend on the scenario: 2 on 6.12 (powernv); on 7.2 more
# levels than the 1 GiB window needs, so that the top levels are used at
# index 0 only: 4 with 4K kernel pages (512-entry levels: 9 + 9 + 0 + 0
# bits), 3 with 64K pages (8192-entry levels: 13 + 5 + 0 bits).
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
case ${VM_SCENARIO:-powernv} in
powernv-7.2) levels=4 ;;
powernv-64k-7.2) levels=3 ;;
*) levels=2 ;;
esac
sed "s/^\(spapr window create .*\) levels=2 /\1 levels=$levels /" /guest/dump-batch-ppc.txt > /tmp/dump-batch.txt
grep -q "levels=$levels " /tmp/dump-batch.txt || echo "dump-ppc: the batch has no levels=$levels window" >> "$out/kprobe.err"
run batch iommuctl -j batch /tmp/dump-batch.txt
run release iommuctl group release $dev
exit 0
