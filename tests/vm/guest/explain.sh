#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Guest script (busybox sh) of tests/cli/test-vm-explain.sh: device tree and
# explain on the live kernel of the vtd-topo guest, as root (the whole config
# space) and as nobody (64 bytes of it: ACS unknown). Writes, into /out:
# devices.txt (the kernel's groups, as capture.sh writes it), tree-root.json,
# tree-user.json, tree-root.txt, and explain-ADDR.{json,txt} and their exit
# statuses (explain.rc) for every PCI function.
OUT=${OUT:-/out}
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
status=0

for d in /sys/bus/pci/devices/*; do
	drv=-
	grp=-
	[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	[ -e "$d/iommu_group" ] && grp=$(basename "$(readlink "$d/iommu_group")")
	echo "${d##*/} $(cat "$d/vendor"):$(cat "$d/device") $(cat "$d/class") driver=$drv group=$grp"
done | sed 's/0x//g' > "$OUT/devices.txt"

iommuctl -j device tree > "$OUT/tree-root.json" 2> "$OUT/tree-root.err" || status=1
iommuctl device tree > "$OUT/tree-root.txt" 2>&1 || status=1
: > "$OUT/explain.rc"
for d in /sys/bus/pci/devices/*; do
	a=${d##*/}
	[ -e "$d/iommu_group" ] || continue
	iommuctl -j explain "$a" > "$OUT/explain-$a.json" 2>&1
	echo "$a $?" >> "$OUT/explain.rc"
	iommuctl explain "$a" > "$OUT/explain-$a.txt" 2>&1
done
# as a normal user: sysfs gives the first 64 bytes of config space
grep -q '^nobody:' /etc/passwd 2>/dev/null ||
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd
grep -q '^nogroup:' /etc/group 2>/dev/null || echo 'nogroup:x:65534:' >> /etc/group
chmod 755 /    # the initramfs's root came from mktemp -d (0700)
if [ "$(su -s /bin/sh nobody -c 'id -u' 2>/dev/null)" = 65534 ]; then
	su -s /bin/sh nobody -c 'iommuctl -j device tree' > "$OUT/tree-user.json" 2> "$OUT/tree-user.err" ||
		status=1
	su -s /bin/sh nobody -c 'iommuctl explain 0000:04:00.0' > "$OUT/explain-user.txt" 2>&1 || status=1
else
	echo "su cannot run a command as nobody here: $(su -s /bin/sh nobody -c 'id -u' 2>&1 | head -n 2)" \
		> "$OUT/tree-user.err"
fi
exit $status
