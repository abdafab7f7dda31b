#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommuctl in a real boot sequence, as an operator installs it: a Debian
# bookworm root (debootstrap minbase + systemd, udev, kmod and the runtime
# packages of iommuctl's libraries; cached, tests/vm/mkroot.sh), the harness's
# Debian kernel and its modules, iommuctl installed by `make install
# DESTDIR=ROOT PREFIX=/usr`, one line in /etc/iommuctl/claims.d, the unit
# enabled; an ext4 image of it booted three times under QEMU (q35, intel-iommu,
# TCG) by a busybox initramfs that only mounts it (tests/vm/lib-boot.sh). The
# NIC at 00:04.0 (e1000e) is named; another e1000e at 01:00.0 is not, so the
# e1000e module is loaded by udev either way.
#   boot 1: the rule holds 00:04.0, the unit applies and records it;
#   boot 2: 00:04.0 on vfio-pci and e1000e never probed it (no e1000e line for
#           it in the kernel log, one for 01:00.0), apply --check matches, the
#           unit is active, the record untouched; then the line dropped (a copy
#           of the claims and record): apply gives it back to e1000e;
#   boot 3: an e1000 (8086:100e) at 00:04.0: the hook refuses it in the kernel
#           log ("a different card"), the unit fails, e1000 keeps the card.
# BINARY must be a build of this tree (its Makefile installs it); the other
# builds (the sanitizer one) say so in a note: the boots run once. Prints one
# line per check and "N passed, M failed, K skipped"; skips only when QEMU
# cannot run here (a failed download or debootstrap fails on CI).
#   tests/cli/test-vm-boot.sh [BINARY]      (default ./iommuctl)
# Environment: KEEP=1 keeps the boots' outputs, tests/vm/lib.sh's and
# lib-boot.sh's settings.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
# shellcheck source=lib.sh
. tests/cli/lib.sh
# Debian's stock kernel and its modules (ext4, e1000...), not a module-free image
unset IOMMUCTL_VM_KERNEL_IMAGE

what="boot tests (udev rule, iommuctl-apply.service)"
[ -n "${IOMMUCTL_VM_SKIP:-}" ] && { skip "$what: IOMMUCTL_VM_SKIP is set"; finish; }
[ -x "$bin" ] || { bad "no binary at $bin"; finish; }
[ "$(uname -m)" = x86_64 ] || { skip "$what: the guests are x86_64 and this is $(uname -m)"; finish; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "$what: qemu-system-x86_64 is missing and only root can install it (apt-get install qemu-system-x86)"
	finish
fi
# the build this tree's Makefile installs: O=build is ./iommuctl, O=DIR is DIR/iommuctl
case $bin in
"$repo/iommuctl") objdir=build ;;
"$repo"/build-san/*)
	note "$what: run once, for the normal build (the root would need the sanitizer runtimes)"
	finish ;;
"$repo"/*/iommuctl) objdir=${bin#"$repo"/}; objdir=${objdir%/iommuctl} ;;
*) skip_broken "$what: $bin is no build of this tree: make install cannot install it"; finish ;;
esac
[ "$(id -u)" -eq 0 ] || { skip_broken "$what: debootstrap and make install into a root need root"; finish; }

out=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-vm-boot.XXXXXX")
t_all=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- the system: root, kernel, iommuctl installed, the desired state ----
t0=$(date +%s.%N)
if ! bash -c '
	set -e
	. tests/vm/lib.sh; . tests/vm/lib-boot.sh
	bin=$1 out=$2 objdir=$3
	vm_fetch_kernel
	mapfile -t pkgs < <(vm_root_pkgs "$bin")
	vm_debian_root "${pkgs[@]}"
	echo "$VM_ROOT" > "$out/root-cache"
	vm_root_copy "$out/root"
	vm_root_initramfs "$out/initrd.cpio"' _ "$bin" "$out" "$objdir" >"$out/prepare.log" 2>&1; then
	skip_broken "$what: cannot prepare the Debian root: $(grep -E 'ERROR' "$out/prepare.log" | tail -n 1 | sed 's/^vm: ERROR: //')"
	rm -rf "$out"
	finish
fi
root=$out/root
note "the root: $(cat "$out/root-cache") ($(du -sm "$(cat "$out/root-cache")" | cut -f1) MB), copied with the kernel's modules in $(since "$t0") s"

# as a user installs it; -o: never rebuild the binary other suites may be running
if make -s -C "$repo" -o "${bin#"$repo"/}" O="$objdir" install DESTDIR="$root" PREFIX=/usr >"$out/install.log" 2>&1; then
	ok "make install DESTDIR=ROOT PREFIX=/usr: /usr/sbin/iommuctl, the rule and the unit in the root"
else
	bad "make install into the root failed: $(tail -n 3 "$out/install.log" | tr '\n' ' ')"
	finish
fi
for f in usr/sbin/iommuctl usr/lib/udev/rules.d/70-iommuctl.rules usr/lib/systemd/system/iommuctl-apply.service; do
	[ -e "$root/$f" ] || bad "make install did not install /$f"
done
if chroot "$root" /usr/sbin/iommuctl --version >"$out/version.log" 2>&1; then
	ok "iommuctl runs in the root with the root's own libraries: $(head -n 1 "$out/version.log")"
else
	bad "iommuctl does not run in the root: $(head -n 3 "$out/version.log" | tr '\n' ' ')"
fi
mkdir -p "$root/etc/iommuctl/claims.d"
cat >"$root/etc/iommuctl/claims.d/50-test.conf" <<'EOF'
# the first NIC, for VMs
device 0000:00:04.0 id=8086:10d3
EOF
install -m 0755 tests/vm/boot/collect.sh "$root/usr/local/sbin/iommuctl-test-collect"
install -m 0644 tests/vm/boot/iommuctl-test.service "$root/etc/systemd/system/iommuctl-test.service"
if chroot "$root" systemctl enable iommuctl-apply.service iommuctl-test.service >"$out/enable.log" 2>&1 &&
	[ -L "$root/etc/systemd/system/sysinit.target.wants/iommuctl-apply.service" ]; then
	ok "systemctl enable iommuctl-apply.service (in the root): linked into sysinit.target.wants"
else
	bad "systemctl enable in the root: $(tr '\n' ' ' <"$out/enable.log")"
fi
t0=$(date +%s.%N)
if (. tests/vm/lib.sh && . tests/vm/lib-boot.sh && vm_root_image "$root" "$out/disk.img") >"$out/image.log" 2>&1; then
	note "ext4 image of the root ($(du -m --apparent-size "$out/disk.img" | cut -f1) MB) made in $(since "$t0") s"
	rm -rf "$root"
else
	bad "mkfs.ext4 -d: $(tail -n 3 "$out/image.log" | tr '\n' ' ')"
	finish
fi

# boot N NIC-MODEL [APPEND]: the image booted with NIC-MODEL at 00:04.0 and
# an e1000e behind a root port (01:00.0); the guest's files in $out/bootN
boot() {
	local n=$1 nic=$2 append=${3:-} rc=0
	t0=$(date +%s.%N)
	bash -c '
		. tests/vm/lib.sh; . tests/vm/lib-boot.sh
		vm_fetch_kernel
		vm_root_boot "$1/disk.img" "$1/initrd.cpio" "$1/boot$2" "iommuctl_test.boot=$2 $4" \
			"$3,addr=0x4,romfile=" pcie-root-port,id=rp1,addr=0x6,chassis=1,slot=1 e1000e,bus=rp1,addr=0x0,romfile=' \
		_ "$out" "$n" "$nic" "$append" >"$out/boot$n.log" 2>&1 || rc=$?
	d=$out/boot$n
	if [ "$rc" -ne 0 ]; then
		bad "boot $n ($nic at 00:04.0): the guest did not finish (status $rc after $(since "$t0") s):"
		grep -v '^vm:   |' "$out/boot$n.log" | tail -n 3 | sed 's/^/     /'
		tail -n 25 "$d/.vm/console.log" 2>/dev/null | sed 's/^/     | /'
		KEEP=1
		return 1
	fi
	ok "boot $n ($nic at 00:04.0) ran to power-off in $(since "$t0") s (the test unit started $(cut -d. -f1 "$d/uptime") s after power-on)"
}
# has N FILE REGEX: FILE of boot N has a line matching REGEX (grep -E)
has() { grep -Eq -- "$3" "$out/boot$1/$2"; }
dev() { grep "^$2 " "$out/boot$1/devices"; }
unitlog() { tail -n 4 "$out/boot$1/unit-journal" | tr '\n' ' '; }

NIC=0000:00:04.0
# ---- boot 1: the rule holds the NIC, the unit applies ----
if boot 1 e1000e; then
	has 1 dmesg "iommuctl: $NIC: held for vfio-pci \(driver_override\), before any driver bound it" &&
		ok "boot 1: the udev rule's hook held $NIC (kernel log)" || bad "boot 1: no 'held for vfio-pci' line in the kernel log"
	[ "$(cat "$out/boot1/is-active")" = active ] && ok "boot 1: iommuctl-apply.service is active" ||
		bad "boot 1: iommuctl-apply.service is $(cat "$out/boot1/is-active"): $(unitlog 1)"
	dev 1 $NIC | grep -q "driver=vfio-pci override=vfio-pci" && ok "boot 1: $NIC is on vfio-pci" ||
		bad "boot 1: $(dev 1 $NIC)"
	[ -f "$out/boot1/applied.json" ] && grep -q "\"key\": \"$NIC\"" "$out/boot1/applied.json" &&
		ok "boot 1: the record /var/lib/iommuctl/applied.json holds $NIC's group" || bad "boot 1: no record of $NIC"
	grep -q " 0000:00:04.0.json$" "$out/boot1/claims" &&
		ok "boot 1: the unit's apply journalled the held NIC (/run/iommuctl/claims/$NIC.json)" ||
		bad "boot 1: no claim journal for $NIC: $(tr '\n' ' ' <"$out/boot1/claims")"
	has 1 unit-journal '^result: (applied|nothing to do)' && has 1 unit-journal '^result: matches' &&
		ok "boot 1: the unit ran apply, then apply --check: matches" || bad "boot 1: the unit's journal: $(unitlog 1)"
	has 1 dmesg "e1000e $NIC" && bad "boot 1: e1000e probed $NIC: $(grep "e1000e $NIC" "$out/boot1/dmesg" | head -n 1)" ||
		ok "boot 1: e1000e never probed $NIC"
	has 1 journal 'deprecated\. Please fix iommuctl-apply' &&
		bad "boot 1: $(grep -o 'systemd-udev-settle.*' "$out/boot1/journal" | head -n 1)" ||
		ok "boot 1: the unit pulls in no deprecated systemd-udev-settle.service (no warning in the journal)"
fi

# ---- boot 2: the same disk, the same machine ----
if [ -d "$out/boot1" ] && boot 2 e1000e iommuctl_test.give_back=1; then
	has 2 dmesg 'e1000e: Intel\(R\) PRO/1000 Network Driver' && has 2 dmesg 'e1000e 0000:01:00\.0 .*: \(PCI Express' &&
		ok "boot 2: udev loaded e1000e from the root and it probed 01:00.0" ||
		bad "boot 2: e1000e was not loaded, or did not probe 01:00.0: $(grep e1000e "$out/boot2/dmesg" | head -n 3 | tr '\n' ' ')"
	has 2 dmesg "e1000e $NIC" && bad "boot 2: e1000e probed $NIC: $(grep "e1000e $NIC" "$out/boot2/dmesg" | head -n 2 | tr '\n' ' ')" ||
		ok "boot 2: the kernel log has no e1000e line for $NIC: its host driver never bound it"
	has 2 dmesg "iommuctl: $NIC: held for vfio-pci" && ok "boot 2: the rule held it again (kernel log)" ||
		bad "boot 2: no 'held for vfio-pci' line"
	dev 2 $NIC | grep -q "driver=vfio-pci override=vfio-pci" && ok "boot 2: $NIC is on vfio-pci" || bad "boot 2: $(dev 2 $NIC)"
	g=$(dev 2 $NIC | sed -n 's/.* group=//p')
	grep -qx "$g" "$out/boot2/dev-vfio" && ok "boot 2: /dev/vfio/$g exists" || bad "boot 2: no /dev/vfio/$g: $(tr '\n' ' ' <"$out/boot2/dev-vfio")"
	[ "$(cat "$out/boot2/check.rc")" = 0 ] && has 2 check.out '^result: matches' &&
		ok "boot 2: iommuctl apply --check: exit 0, matches (no drift)" ||
		bad "boot 2: apply --check exit $(cat "$out/boot2/check.rc"): $(tail -n 4 "$out/boot2/check.out" | tr '\n' ' ')"
	[ "$(cat "$out/boot2/is-active")" = active ] && ok "boot 2: systemctl is-active iommuctl-apply: active" ||
		bad "boot 2: iommuctl-apply.service is $(cat "$out/boot2/is-active"): $(unitlog 2)"
	has 2 unit-journal '^result: nothing to do' && ok "boot 2: the unit's apply: nothing to do" || bad "boot 2: the unit's journal: $(unitlog 2)"
	cmp -s "$out/boot1/applied.json" "$out/boot2/applied.json" && cmp -s "$out/boot1/applied.stat" "$out/boot2/applied.stat" &&
		ok "boot 2: the record is the one boot 1 wrote (same bytes, inode and mtime)" || bad "boot 2: the record was rewritten"
	# then the line dropped (the test unit, give_back): apply gives the NIC back to e1000e
	gb=$out/boot2/give-back
	[ "$(cat "$gb/apply.rc" 2>/dev/null)" = 0 ] && grep -q '^result: applied' "$gb/apply.out" &&
		grep -q "^$NIC driver=e1000e override=(null)$" "$gb/devices" && grep -Eq "e1000e $NIC .*: \(PCI Express" "$gb/dmesg" &&
		ok "boot 2: the line dropped, apply gave $NIC back to e1000e (it probed it then), no driver_override" ||
		bad "boot 2: giving it back: apply exit $(cat "$gb/apply.rc" 2>/dev/null), $(grep "^$NIC " "$gb/devices" 2>/dev/null): $(tail -n 4 "$gb/apply.out" 2>/dev/null | tr '\n' ' ')"
fi

# ---- boot 3: another card at 00:04.0 ----
if [ -d "$out/boot1" ] && boot 3 e1000; then
	has 3 dmesg "iommuctl: $NIC: 8086:100e.* is at this address, /etc/iommuctl/claims.d/50-test.conf:2 expects 8086:10d3: a different card" &&
		ok "boot 3: the kernel log has the hook's refusal: $(grep -o "iommuctl: $NIC: .*a different card" "$out/boot3/dmesg" | head -n 1 | cut -c1-160)" ||
		bad "boot 3: no 'a different card' line in the kernel log: $(grep 'iommuctl:' "$out/boot3/dmesg" | tr '\n' ' ')"
	[ "$(cat "$out/boot3/is-active")" = failed ] && grep -q '^Result=exit-code' "$out/boot3/unit-show" &&
		ok "boot 3: iommuctl-apply.service failed (Result=exit-code)" ||
		bad "boot 3: iommuctl-apply.service is $(cat "$out/boot3/is-active") ($(tr '\n' ' ' <"$out/boot3/unit-show"))"
	has 3 unit-journal "a different device is there now \(swapped or moved card\): not claimed" &&
		ok "boot 3: the unit's journal says why: $(grep -o "$NIC (8086:100e[^)]*)" "$out/boot3/unit-journal" | head -n 1) ... a different device is there now" ||
		bad "boot 3: the unit's journal: $(unitlog 3)"
	dev 3 $NIC | grep -q "8086:100e driver=e1000 override=(null)" && ok "boot 3: the e1000 at $NIC stays on its own driver, no driver_override" ||
		bad "boot 3: $(dev 3 $NIC)"
	[ "$(cat "$out/boot3/check.rc")" = 5 ] && ok "boot 3: apply --check exits 5" || bad "boot 3: apply --check exit $(cat "$out/boot3/check.rc")"
fi

echo "time: $(since "$t_all") s for the whole suite"
if [ -n "${KEEP:-}" ]; then
	rm -f "$out/disk.img"
	echo "outputs kept in $out (boot*/: the guest's files; boot*/.vm/console.log)"
else
	rm -rf "$out"
fi
finish
