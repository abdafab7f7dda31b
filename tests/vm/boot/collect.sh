#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs in the Debian guest of tests/cli/test-vm-boot.sh (iommuctl-test.service,
# after iommuctl-apply.service): writes what this boot did -- the unit's state
# and journal, the kernel log, each PCI device's driver and driver_override,
# iommuctl apply --check, the record -- as a tar archive onto the disk whose
# serial is iommuctl-out, then powers the machine off. The host judges.
set -u
out=/run/iommuctl-test
mkdir -p "$out"
cd "$out" || exit 1
unit=iommuctl-apply.service

sed -n 's/.*iommuctl_test\.boot=\([^ ]*\).*/\1/p' /proc/cmdline > boot
uname -r > kernel-release
systemctl is-active "$unit" > is-active 2>&1
systemctl show -p ActiveState -p Result -p ExecMainStatus "$unit" > unit-show 2>&1
systemctl status --no-pager -l "$unit" > unit-status 2>&1
systemctl --failed --no-pager > failed 2>&1
journalctl -b --no-pager -o short-monotonic > journal 2>&1
journalctl -b -u "$unit" --no-pager -o cat > unit-journal 2>&1
dmesg > dmesg 2>&1
lsmod > lsmod 2>&1
cut -d" " -f1 /proc/uptime > uptime
for d in /sys/bus/pci/devices/*; do
	drv=none
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	grp=-
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	echo "${d##*/} $(cut -c3- "$d/vendor"):$(cut -c3- "$d/device") driver=$drv override=$(cat "$d/driver_override") group=$grp"
done > devices
ls /dev/vfio > dev-vfio 2>&1
ls -la /run/iommuctl/claims > claims 2>&1
iommuctl apply --check > check.out 2>&1
echo $? > check.rc
if [ -f /var/lib/iommuctl/applied.json ]; then
	cp /var/lib/iommuctl/applied.json applied.json
	stat -c '%i %Y' /var/lib/iommuctl/applied.json > applied.stat
fi
# iommuctl_test.give_back=1: then, as an operator would, drop the line (an
# empty claims directory, and a copy of the record: the one on disk stays
# for the next boot) and apply: the device must go back to its host driver
if grep -qw 'iommuctl_test.give_back=1' /proc/cmdline; then
	mkdir -p give-back/claims.d
	echo "# nothing" > give-back/claims.d/50-test.conf
	cp /var/lib/iommuctl/applied.json give-back/applied.json
	iommuctl apply --record give-back/applied.json give-back/claims.d > give-back/apply.out 2>&1
	echo $? > give-back/apply.rc
	for d in /sys/bus/pci/devices/*; do
		drv=none
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		echo "${d##*/} driver=$drv override=$(cat "$d/driver_override")"
	done > give-back/devices
	dmesg > give-back/dmesg 2>&1
fi
touch ./done

disk=
for b in /sys/block/vd*; do
	[ "$(cat "$b/serial" 2>/dev/null)" = iommuctl-out ] && disk=/dev/${b##*/}
done
if [ -n "$disk" ]; then
	tar -cf "$disk" -C "$out" . && sync
else
	echo "iommuctl-test: no output disk (serial iommuctl-out)"
fi
# the results are on the disk: no need to stop every unit first (file systems
# are still synced and unmounted)
systemctl poweroff --force
