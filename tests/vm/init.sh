#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# /init of the test initramfs (busybox sh, PID 1): mounts the pseudo filesystems,
# loads the kernel modules the scenario names on the kernel command line, runs
# /guest.sh with /out as its output directory, writes /out as a tar archive raw
# onto the output disk (virtio-blk, serial "iommuctl-out") and powers off.

export PATH=/bin:/sbin:/usr/bin:/usr/sbin
umask 022

log() { echo "vm-init: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || log "debugfs not available"
mkdir -p /out/.vm /tmp

cmdline=$(cat /proc/cmdline)
scenario=
modules=
guest_timeout=0
for w in $cmdline; do
	case $w in
	iommuctl_vm.scenario=*) scenario=${w#*=} ;;
	iommuctl_vm.modules=*) modules=${w#*=} ;;
	iommuctl_vm.guest_timeout=*) guest_timeout=${w#*=} ;;
	esac
done
log "scenario '$scenario', kernel $(uname -r)"

# insmod one module by its normalised name; parameters come from the kernel
# command line ("name.param=value"), as the kernel would pass them to modprobe.
insmod_one() {
	[ -e "/sys/module/$1/initstate" ] && return 0
	params=
	for w in $cmdline; do
		case $w in
		"$1".*=*) params="$params ${w#"$1".}" ;;
		esac
	done
	# shellcheck disable=SC2086 # params is a word list on purpose
	if insmod "/lib/modules/$1.ko" $params; then
		log "insmod $1$params"
	else
		log "FAILED: insmod $1$params"
		echo "$1" >> /out/.vm/insmod-failed
	fi
}

# /etc/vm/modules.dep: "name: dep dep ..." with every dependency listed before
# the modules that need it.
for m in $(echo "$modules" | tr ',' ' '); do
	line=$(grep "^$m:" /etc/vm/modules.dep)
	if [ -z "$line" ]; then
		log "FAILED: module $m is not in this initramfs"
		echo "$m" >> /out/.vm/insmod-failed
		continue
	fi
	for d in ${line#*:} "$m"; do
		insmod_one "$d"
	done
done

# The output disk: the virtio-blk disk whose serial is iommuctl-out.
outdev=
i=0
while [ -z "$outdev" ] && [ $i -lt 100 ]; do
	for b in /sys/block/vd*; do
		[ -e "$b/serial" ] || continue
		if [ "$(cat "$b/serial")" = iommuctl-out ] && [ -b "/dev/${b##*/}" ]; then
			outdev=/dev/${b##*/}
		fi
	done
	[ -n "$outdev" ] || { sleep 0.1; i=$((i + 1)); }
done
[ -n "$outdev" ] || log "FAILED: no output disk (virtio_blk not loaded?)"

log "running /guest.sh"
export VM_SCENARIO="$scenario" OUT=/out
cd /
# The script runs in its own session so that a watchdog, shorter than the host's
# timeout, can kill it with everything it started (which would otherwise keep
# the pipe to tee open) and /out still comes back.
run_guest() {
	setsid sh /guest.sh < /dev/null &
	gpid=$!
	wd=
	if [ "$guest_timeout" -gt 0 ]; then
		setsid sh -c "sleep $guest_timeout; echo 'vm-init: guest script still running after ${guest_timeout}s: killing it'; kill -KILL -$gpid" \
			> /dev/console 2>&1 &
		wd=$!
	fi
	wait "$gpid"
	echo $? > /out/.vm/rc
	[ -z "$wd" ] || kill -KILL -"$wd" 2>/dev/null
}
run_guest 2>&1 | tee /out/.vm/guest.log
log "guest script exited with status $(cat /out/.vm/rc 2>/dev/null || echo '?')"

cat /proc/modules > /out/.vm/modules
dmesg > /out/.vm/dmesg
if [ -n "$outdev" ]; then
	if tar -cf "$outdev" -C /out . && sync; then
		log "results written to $outdev"
	else
		log "FAILED: writing results to $outdev"
	fi
fi
poweroff -f
echo o > /proc/sysrq-trigger
