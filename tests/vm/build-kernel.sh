#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/build-kernel.sh: build the x86_64 guest kernel that the iommufd/cdev
# live tests need (IOMMUFD, VFIO_DEVICE_CDEV, IOMMU_DEBUGFS) from Debian's own
# linux-source, into a cache outside the repository. Debian's stock images
# lack iommufd; this is a trimmed, module-free config that builds in 10-20 min
# on 2 cores.
#
#   tests/vm/build-kernel.sh [--series 6.12|7.2] [--force]   prints the bzImage path
#
# 6.12 (the default): bookworm's linux-source-6.12, installed on the host with
# apt-get, built into $CACHE/kernel-iommufd/.
# 7.2: sid's linux-source-7.2, downloaded through the private sid apt
# configuration (vm_sid_apt of tests/vm/lib-world.sh) and unpacked with
# dpkg-deb -x, never installed; built into $CACHE/kernel-iommufd-7.2/, with
# the AMD IOMMU debugfs (v6.17+) too.
# Either directory ends up holding bzImage, config, kernelrelease, build.log,
# build-seconds and .complete (written last).
set -euo pipefail

CACHE=${IOMMUCTL_VM_CACHE:-$HOME/.cache/iommuctl-vm}
JOBS=${JOBS:-$(nproc)}
FORCE=0
SERIES=6.12

log() { printf 'build-kernel: %s\n' "$*" >&2; }
die() { printf 'build-kernel: ERROR: %s\n' "$*" >&2; exit 1; }
usage() { printf 'usage: %s [--series 6.12|7.2] [--force]\n' "$0" >&2; exit 2; }

while (($#)); do
	case $1 in
	--force) FORCE=1 ;;
	--series) (($# >= 2)) || usage; SERIES=$2; shift ;;
	--series=*) SERIES=${1#--series=} ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
	shift
done
case $SERIES in
6.12) KDIR=${IOMMUCTL_VM_IOMMUFD_DIR:-$CACHE/kernel-iommufd} ;;
7.2) KDIR=${IOMMUCTL_VM_IOMMUFD72_DIR:-$CACHE/kernel-iommufd-7.2} ;;
*) die "--series $SERIES: 6.12 or 7.2" ;;
esac

if [[ -f $KDIR/.complete && $FORCE == 0 ]]; then
	echo "$KDIR/bzImage"
	exit 0
fi

# Build tools on the host (the 6.12 source is a host package too).
need=()
pkgs=(build-essential flex bison bc libelf-dev libssl-dev xz-utils)
[[ $SERIES == 6.12 ]] && pkgs=(linux-source-6.12 "${pkgs[@]}")
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
	[[ $(id -u) == 0 ]] || die "missing packages: run as root: apt-get install ${need[*]}"
	log "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
		{ apt-get update -q >&2 || echo >&2 "apt-get update reported errors (an index not needed here?): trying the install"; DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "${need[@]}" >&2; } ||
		die "apt-get install ${need[*]} failed"
fi

mkdir -p "$KDIR"
exec {lockfd}>"$KDIR/.lock"
flock "$lockfd"
rm -f "$KDIR/.complete"
t0=$(date +%s)

# The 7.2 source: sid's linux-source-7.2 .deb, kept in $KDIR/deb/, read
# through the 7.2 world's private sid apt configuration (lib-world.sh's
# vm_sid_apt; never the host's sources).
sid_download() {
	# shellcheck source=lib.sh
	. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
	{ vm_sid_update && (cd "$KDIR/deb" && vm_sid_apt apt-get download "$1" >&2); } ||
		{ vm_sid_update force && (cd "$KDIR/deb" && vm_sid_apt apt-get download "$1" >&2); }
}

if [[ $SERIES == 6.12 ]]; then
	tarball=$(find /usr/src -maxdepth 1 -name 'linux-source-6.12*.tar.xz' | sort -V | tail -n1)
	[[ -n $tarball ]] || die "no /usr/src/linux-source-6.12*.tar.xz (package linux-source-6.12)"
elif [[ ! -f $KDIR/src/Makefile ]]; then
	mkdir -p "$KDIR/deb"
	deb=$(find "$KDIR/deb" -maxdepth 1 -name 'linux-source-7.2_*.deb' | sort -V | tail -n1)
	if [[ -z $deb ]]; then
		log "downloading linux-source-7.2 from sid"
		sid_download linux-source-7.2 || die "could not download linux-source-7.2 from sid"
		deb=$(find "$KDIR/deb" -maxdepth 1 -name 'linux-source-7.2_*.deb' | sort -V | tail -n1)
		[[ -n $deb ]] || die "apt-get download left no linux-source-7.2_*.deb in $KDIR/deb"
	fi
	rm -rf "$KDIR/pkg"
	dpkg-deb -x "$deb" "$KDIR/pkg" || die "dpkg-deb -x $deb failed"
	tarball=$(find "$KDIR/pkg/usr/src" -maxdepth 1 -name 'linux-source-7.2*.tar.xz' | sort -V | tail -n1)
	[[ -n $tarball ]] || die "$deb holds no usr/src/linux-source-7.2*.tar.xz"
fi
if [[ ! -f $KDIR/src/Makefile ]]; then
	log "unpacking $tarball"
	rm -rf "$KDIR/src" "$KDIR/src.tmp"
	mkdir -p "$KDIR/src.tmp"
	tar -xJf "$tarball" -C "$KDIR/src.tmp" --strip-components=1
	mv "$KDIR/src.tmp" "$KDIR/src"
	rm -rf "$KDIR/pkg"
fi
cd "$KDIR/src"
sc() { scripts/config --file .config "$@"; }
wanted=(IOMMUFD VFIO_DEVICE_CDEV IOMMU_DEBUGFS INTEL_IOMMU_DEBUGFS VFIO_PCI)
if [[ $SERIES == 6.12 ]]; then
make -s x86_64_defconfig
make -s kvm_guest.config
# What the tests need.
sc -e IOMMU_SUPPORT -e IOMMUFD -e VFIO -e VFIO_CONTAINER -e VFIO_IOMMU_TYPE1 \
	-e VFIO_DEVICE_CDEV -e VFIO_PCI -e VFIO_PCI_CORE -e VFIO_NOIOMMU \
	-e IOMMU_DEBUGFS -e INTEL_IOMMU -e INTEL_IOMMU_DEBUGFS -e INTEL_IOMMU_SVM \
	-e AMD_IOMMU -e IRQ_REMAP -e VIRTIO_IOMMU -e PCI_PASID -e PCI_PRI -e PCI_ATS \
	-e DEBUG_FS -e DEBUG_FS_ALLOW_ALL -e DEVMEM -d STRICT_DEVMEM -d IO_STRICT_DEVMEM \
	-e VIRTIO_PCI -e VIRTIO_BLK -e E1000E -e BLK_DEV_INITRD -e DEVTMPFS -e PCIEPORTBUS
# No modules: the initramfs needs no .ko files and the harness loads nothing.
sc -d MODULES -e DEBUG_INFO_NONE -d DEBUG_INFO -d DEBUG_INFO_DWARF5 \
	-d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT -d DEBUG_INFO_BTF
# Trim what a QEMU test guest never uses.
sc -d DRM -d FB -d SOUND -d SND -d USB_SUPPORT -d WLAN -d WIRELESS -d CFG80211 \
	-d BT -d NETFILTER -d IPV6 -d MEDIA_SUPPORT -d HID -d INPUT_MOUSE -d INPUT_JOYSTICK \
	-d INPUT_TABLET -d INPUT_TOUCHSCREEN -d AGP -d NETWORK_FILESYSTEMS -d EXT4_FS \
	-d ISO9660_FS -d MSDOS_FS -d VFAT_FS -d AUTOFS_FS -d QUOTA -d SECURITY_SELINUX \
	-d AUDIT -d KVM -d XEN -d HYPERV -d HAMRADIO -d WAN -d ATA -d SCSI -d MD \
	-d NET_VENDOR_BROADCOM -d NET_VENDOR_REALTEK -d NET_VENDOR_AMD -d NET_VENDOR_NVIDIA \
	-d EFI -d HIBERNATION -d SUSPEND -d PROFILING -d KPROBES -d FTRACE \
	-d RETPOLINE -d MITIGATION_RETPOLINE -d CPU_MITIGATIONS -d SYSTEM_TRUSTED_KEYRING
else
# 7.2: from tinyconfig up, only what the test guests use (busybox initramfs
# on ttyS0, q35 with VT-d or AMD-Vi, edu, e1000e, virtio-blk for the results,
# unix sockets for send, memfds for IOMMU_IOAS_MAP_FILE): about half the
# objects of the defconfig, which matters on a 2-core machine shared by TCG
# guests. The AMD IOMMU's debugfs has content since v6.17 and its iommufd
# side (hardware info, vIOMMU) is an option of its own.
make -s tinyconfig
sc -e 64BIT -e SMP -e PRINTK -e PRINTK_TIME -e BUG -e MULTIUSER -e FUTEX -e EPOLL -e SIGNALFD \
	-e TIMERFD -e EVENTFD -e AIO -e POSIX_TIMERS -e FILE_LOCKING -e FHANDLE -e ADVISE_SYSCALLS \
	-e MEMBARRIER -e CROSS_MEMORY_ATTACH -e SYSVIPC -e INOTIFY_USER -e PROC_FS -e PROC_SYSCTL \
	-e SYSFS -e DEVTMPFS -e DEVTMPFS_MOUNT -e TMPFS -e SHMEM -e MEMFD_CREATE -e BLK_DEV_INITRD \
	-e RD_GZIP -e BINFMT_ELF -e BINFMT_SCRIPT -e TTY -e UNIX98_PTYS -e SERIAL_8250 \
	-e SERIAL_8250_CONSOLE -e MAGIC_SYSRQ -e DEBUG_KERNEL -e DEBUG_FS -e DEBUG_FS_ALLOW_ALL \
	-e DEVMEM -d STRICT_DEVMEM -e ACPI -e PCI -e PCI_MSI -e PCIEPORTBUS -e PCI_PASID -e PCI_PRI \
	-e PCI_ATS -e X86_X2APIC -e IRQ_REMAP -e HPET_TIMER -e BLOCK -e VIRTIO_MENU -e VIRTIO \
	-e VIRTIO_PCI -e VIRTIO_BLK -e NET -e UNIX -e NETDEVICES -e ETHERNET -e NET_VENDOR_INTEL \
	-e E1000E -e IOMMU_SUPPORT -e INTEL_IOMMU -e INTEL_IOMMU_SVM -e AMD_IOMMU -e VIRTIO_IOMMU \
	-e IOMMUFD -e VFIO -e VFIO_CONTAINER -e VFIO_IOMMU_TYPE1 -e VFIO_DEVICE_CDEV -e VFIO_PCI \
	-e VFIO_PCI_CORE -e VFIO_NOIOMMU -e IOMMU_DEBUGFS -e INTEL_IOMMU_DEBUGFS \
	-e AMD_IOMMU_DEBUGFS -e AMD_IOMMU_IOMMUFD -d MODULES -e DEBUG_INFO_NONE \
	-d CC_OPTIMIZE_FOR_SIZE -e CC_OPTIMIZE_FOR_PERFORMANCE -e KERNEL_GZIP
wanted+=(64BIT SMP PRINTK SERIAL_8250_CONSOLE BLK_DEV_INITRD BINFMT_ELF DEVTMPFS TMPFS
	MEMFD_CREATE ACPI PCI_MSI IRQ_REMAP VIRTIO_PCI VIRTIO_BLK UNIX E1000E VFIO_CONTAINER
	VFIO_IOMMU_TYPE1 INTEL_IOMMU INTEL_IOMMU_SVM AMD_IOMMU AMD_IOMMU_DEBUGFS AMD_IOMMU_IOMMUFD
	VIRTIO_IOMMU PCI_PASID PCI_ATS DEBUG_FS MAGIC_SYSRQ FUTEX EPOLL)
fi
sc --set-str LOCALVERSION -iommufd -d LOCALVERSION_AUTO
make -s olddefconfig
# An option renamed or given new dependencies since the list was written is
# silently dropped by olddefconfig: check the result, not the request.
for o in "${wanted[@]}"; do
	grep -q "^CONFIG_$o=y" .config || die "CONFIG_$o did not stay enabled (see $KDIR/src/.config)"
done
log "building bzImage ($SERIES) with $JOBS jobs (10-20 minutes on 2 cores)"
make -j"$JOBS" bzImage >"$KDIR/build.log" 2>&1 || { tail -n 30 "$KDIR/build.log" >&2; die "make bzImage failed (log: $KDIR/build.log)"; }
cp arch/x86/boot/bzImage "$KDIR/bzImage"
cp .config "$KDIR/config"
make -s kernelrelease >"$KDIR/kernelrelease"
t1=$(date +%s)
echo "$((t1 - t0))" >"$KDIR/build-seconds"
touch "$KDIR/.complete"
log "built $(cat "$KDIR/kernelrelease") in $((t1 - t0)) s: $KDIR/bzImage"
echo "$KDIR/bzImage"
