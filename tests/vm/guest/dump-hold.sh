#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest side of the memory-dump handshake (host side: tests/vm/qmp-dump.py,
# set up by tests/vm/lib-dump.sh). Run it from a batch run's exec, so that the
# batch process (its parent) holds the VFIO container and the mapped buffers:
#
#   exec -- sh /guest/dump-hold.sh TAG
#
# It records, in $OUT (default /out):
#   TAG.buffers    "NAME VADDR SIZE PAGESIZE" per buffer of $IOMMUCTL_BUFFERS
#   TAG.objects    $IOMMUCTL_OBJECTS as given
#   TAG.NAME.pagemap   the parent's /proc/PID/pagemap entries of that buffer
#                  (8 bytes per page, little endian; bit 63 present, bits 0-54 PFN)
# then writes "dump TAG" on the virtio-serial port named iommuctl.dump and waits
# for the host's "done TAG" (the host dumps memory in between). Exit status 0
# when the host answered "done TAG", 1 otherwise.
set -u
tag=${1:?usage: dump-hold.sh TAG}
out=${OUT:-/out}
ppid=$PPID

port=
for p in /sys/class/virtio-ports/*; do
	[ "$(cat "$p/name" 2>/dev/null)" = iommuctl.dump ] && port=/dev/${p##*/}
done
if [ -z "$port" ] || [ ! -c "$port" ]; then
	echo "dump-hold: no virtio-serial port named iommuctl.dump" >&2
	exit 1
fi

ps=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps)
[ -n "$ps" ] || ps=4096
echo "${IOMMUCTL_OBJECTS:-}" > "$out/$tag.objects"
: > "$out/$tag.buffers"
for b in ${IOMMUCTL_BUFFERS:-}; do
	name=${b%%=*}
	va=${b#*=}; va=${va%+*}
	size=${b##*+}
	echo "$name $va $size $ps" >> "$out/$tag.buffers"
	dd if=/proc/$ppid/pagemap of="$out/$tag.$name.pagemap" bs=8 \
		skip=$((va / ps)) count=$(((size + ps - 1) / ps)) 2>/dev/null ||
		echo "dump-hold: cannot read /proc/$ppid/pagemap for $name" >&2
done
sync

exec 3<>"$port"
echo "dump $tag" >&3
reply=
read -r reply <&3
echo "$reply" > "$out/$tag.reply"
exec 3>&-
[ "$reply" = "done $tag" ]
