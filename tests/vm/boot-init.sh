#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the boot tests' initramfs (busybox sh, PID 1; tests/vm/lib-boot.sh):
# loads what mounting the root needs (virtio_blk, ext4: /etc/modules, in
# order), mounts the disk whose serial iommuctl_boot.root= names read-write
# and hands over to its /sbin/init (systemd). Nothing else: the root's own
# udev loads every other module, the host drivers of the test devices too.

export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
	echo "boot-init: FAILED: $*"
	poweroff -f
	echo o > /proc/sysrq-trigger
}

serial=
for w in $(cat /proc/cmdline); do
	case $w in
	iommuctl_boot.root=*) serial=${w#*=} ;;
	esac
done
[ -n "$serial" ] || fail "no iommuctl_boot.root= on the kernel command line"
for m in $(cat /etc/modules); do
	insmod "/lib/modules/$m.ko" || fail "insmod $m"
done

dev=
i=0
while [ -z "$dev" ] && [ $i -lt 100 ]; do
	for b in /sys/block/vd*; do
		[ -e "$b/serial" ] && [ "$(cat "$b/serial")" = "$serial" ] && [ -b "/dev/${b##*/}" ] && dev=/dev/${b##*/}
	done
	[ -n "$dev" ] || { sleep 0.1; i=$((i + 1)); }
done
[ -n "$dev" ] || fail "no disk with serial $serial"
mount -t ext4 -o rw "$dev" /newroot || fail "mount $dev"
[ -e /newroot/sbin/init ] || [ -L /newroot/sbin/init ] || fail "$dev has no /sbin/init"
echo "boot-init: root $dev, switching to /sbin/init"
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /sbin/init
