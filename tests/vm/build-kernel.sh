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

# The 7.2 source: sid's linux-source-7.2 .deb, kept in $KDIR/deb/ (the private
# sid apt configuration of the 7.2 world; never the host's sources).
sid_download() {
	local here=$PWD
	cd "$KDIR/deb"
	if [[ -f $(dirname "${BASH_SOURCE[0]}")/lib-world.sh ]] || declare -F vm_sid_apt >/dev/null; then
		# shellcheck source=/dev/null
		declare -F vm_sid_apt >/dev/null || . "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
	fi
	if declare -F vm_sid_apt >/dev/null; then
		vm_sid_apt apt-get -q download "$1" >&2
	else
		# Before the world API: the private configuration the proto root was made with.
		local d=${IOMMUCTL_VM_SID_APT_DIR:-$CACHE/proto/apt-sid}
		[[ -f $d/sources.list ]] || die "no private sid apt configuration ($d/sources.list)"
		apt-get -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
			-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::Status="$d/status" \
			-o APT::Architectures::=amd64 -o APT::Sandbox::User=root -q download "$1" >&2
	fi
	cd "$here"
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
make -s x86_64_defconfig
make -s kvm_guest.config
sc() { scripts/config --file .config "$@"; }
# What the tests need.
sc -e IOMMU_SUPPORT -e IOMMUFD -e VFIO -e VFIO_CONTAINER -e VFIO_IOMMU_TYPE1 \
	-e VFIO_DEVICE_CDEV -e VFIO_PCI -e VFIO_PCI_CORE -e VFIO_NOIOMMU \
	-e IOMMU_DEBUGFS -e INTEL_IOMMU -e INTEL_IOMMU_DEBUGFS -e INTEL_IOMMU_SVM \
	-e AMD_IOMMU -e IRQ_REMAP -e VIRTIO_IOMMU -e PCI_PASID -e PCI_PRI -e PCI_ATS \
	-e DEBUG_FS -e DEBUG_FS_ALLOW_ALL -e DEVMEM -d STRICT_DEVMEM -d IO_STRICT_DEVMEM \
	-e VIRTIO_PCI -e VIRTIO_BLK -e E1000E -e BLK_DEV_INITRD -e DEVTMPFS -e PCIEPORTBUS
# 7.2: the AMD IOMMU's debugfs has content since v6.17; its iommufd side
# (hardware info, vIOMMU) is an option of its own; memfds for IOMMU_IOAS_MAP_FILE.
wanted=(IOMMUFD VFIO_DEVICE_CDEV IOMMU_DEBUGFS INTEL_IOMMU_DEBUGFS VFIO_PCI)
if [[ $SERIES == 7.2 ]]; then
	sc -e AMD_IOMMU_DEBUGFS -e AMD_IOMMU_IOMMUFD -e MEMFD_CREATE -e SHMEM -e TMPFS
	wanted+=(UNIX VFIO_CONTAINER VFIO_IOMMU_TYPE1 INTEL_IOMMU INTEL_IOMMU_SVM AMD_IOMMU AMD_IOMMU_DEBUGFS
		AMD_IOMMU_IOMMUFD IRQ_REMAP VIRTIO_IOMMU PCI_PASID PCI_ATS DEBUG_FS MEMFD_CREATE)
fi
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
if [[ $SERIES == 7.2 ]]; then
	# No TCP/IP, io_uring, PC cards or 9p in the guests the rebuild boots (the
	# unix sockets of send stay): a shorter build on busy machines.
	sc -d INET -d IO_URING -d PCCARD -d NET_9P -d CPU_FREQ -d NETLABEL -d ETHTOOL_NETLINK \
		-d WIRELESS -d RFKILL -d SECURITY -d BPF_SYSCALL -d CGROUPS -d CRYPTO_USER_API_HASH
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
