# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054,SC2034 # QEMU options hold commas; variables are for callers
# tests/vm/lib-arm64.sh: the arm64 (SMMUv3) scenarios of tests/vm/lib.sh, which
# sources this file. The x86 scenarios do not depend on anything here.
#
# Scenarios: arm64-smmuv3 (Debian's linux-image-6.12.*-arm64, 4K pages,
# -cpu cortex-a57) and arm64-smmuv3-16k (the -arm64-16k kernel; cortex-a57 has
# no 16K granule, so -cpu max). Both boot qemu-system-aarch64 -machine
# virt,iommu=smmuv3,gic-version=3 under TCG, with the same PCI devices at the
# same addresses as the x86 scenarios, all behind the SMMU (built in to Debian's
# arm64 kernel).
#
# What goes into the guest: the arm64 busybox (from busybox-static:arm64,
# unpacked in the cache, so that the host keeps its own busybox), the arm64
# kernel's modules, and $IOMMUCTL_ARM64 (default <repo>/build-arm64/iommuctl,
# made by vm_arm64_build_iommuctl) with the libraries its DT_NEEDED entries name,
# resolved from the arm64 sysroot in the cache and the cross libc. Every arm64
# package comes through lib.sh's private apt configuration (vm_foreign_apt).
#
# Environment: IOMMUCTL_ARM64, IOMMUCTL_VM_ARM64_KERNEL_PKG (e.g.
# linux-image-6.12.117+deb12-arm64-unsigned; used for the 4K scenario; the 16K
# scenario uses the matching -arm64-16k package).

VM_SCENARIOS_ARM64=(arm64-smmuv3 arm64-smmuv3-16k)
VM_SCENARIOS+=("${VM_SCENARIOS_ARM64[@]}")
: "${IOMMUCTL_ARM64:=$VM_REPO/build-arm64/iommuctl}"
# (lib.sh declared these associative arrays; -g keeps their entries)
declare -gA VM_SCN_DEVICE VM_SCN_APPEND VM_SCN_MODULES
VM_SCN_DEVICE[arm64-smmuv3]=smmuv3
VM_SCN_DEVICE[arm64-smmuv3-16k]=smmuv3
VM_SCN_APPEND[arm64-smmuv3]=''
VM_SCN_APPEND[arm64-smmuv3-16k]=''
VM_SCN_MODULES[arm64-smmuv3]=''
VM_SCN_MODULES[arm64-smmuv3-16k]=''
# The kernel flavour (Debian's name) and QEMU CPU of every scenario; x86
# scenarios are "amd64".
declare -gA VM_SCN_FLAVOUR=([arm64-smmuv3]=arm64 [arm64-smmuv3-16k]=arm64-16k)
VM_SCN_CPU[arm64-smmuv3]=cortex-a57
VM_SCN_CPU[arm64-smmuv3-16k]=max

vm_scn_flavour() { echo "${VM_SCN_FLAVOUR[$1]:-amd64}"; }

# vm_select SCENARIO: make the scenario's kernel flavour the current one
# (VM_FLAVOUR, VM_ARCH); forgets the fetched kernel when the flavour changes.
vm_select() {
	local f w
	f=$(vm_scn_flavour "$1")
	w=$(vm_world "$1")
	if [[ $f != "${VM_FLAVOUR:-amd64}" || $w != "${VM_WORLD:-6.12}" ]]; then
		VM_KVER=
		VM_DEP_KVER=
	fi
	VM_FLAVOUR=$f
	VM_WORLD=$w
	case $f in
	amd64) VM_ARCH=x86_64 ;;
	powerpc64le*) VM_ARCH=ppc64 ;;
	riscv64) VM_ARCH=riscv64 ;;
	*) VM_ARCH=arm64 ;;
	esac
}

vm_arm64_need_tools() {
	local pkgs=()
	command -v qemu-system-aarch64 >/dev/null 2>&1 || pkgs+=(qemu-system-arm)
	command -v cpio >/dev/null 2>&1 || pkgs+=(cpio)
	command -v aarch64-linux-gnu-readelf >/dev/null 2>&1 || pkgs+=(binutils-aarch64-linux-gnu)
	# UEFI firmware: booted through it, QEMU writes ACPI tables (the IORT) (test-vm-acpi.sh)
	[[ -r /usr/share/qemu-efi-aarch64/QEMU_EFI.fd ]] || pkgs+=(qemu-efi-aarch64)
	# the host's own (amd64) busybox gives the applet list for the guest's links
	vm_busybox_static >/dev/null || pkgs+=(busybox-static)
	((${#pkgs[@]})) || return 0
	vm_apt_install "${pkgs[@]}"
}

# Download PKG (an arm64 .deb, through the private apt configuration of
# lib.sh) and unpack it into DIR (once; DIR/.complete marks it).
_vm_arm64_unpack() {
	vm_foreign_unpack arm64 "$2" "${1%:arm64}" || vm_die "apt-get download ${1%:arm64} (arm64) failed"
}

vm_arm64_busybox() {
	local d=$VM_CACHE/kernel-arm64/busybox-static
	_vm_arm64_unpack busybox-static:arm64 "$d"
	echo "$d/root/bin/busybox"
}

# Sets VM_KVER, VM_KERNEL and VM_MODDIR for the current arm64 flavour. The cache
# is $VM_CACHE/kernel-arm64/<kver>/ (apart from the x86 kernels in kernel/).
vm_arm64_fetch_kernel() {
	local pkg kdir
	vm_arm64_need_tools
	if [[ -n ${IOMMUCTL_VM_ARM64_KERNEL_PKG:-} ]]; then
		pkg=${IOMMUCTL_VM_ARM64_KERNEL_PKG/%-arm64-unsigned/-$VM_FLAVOUR-unsigned}
	else
		kdir=$(find "$VM_CACHE/kernel-arm64" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' 2>/dev/null |
			grep -E "/6\.12\.[0-9]+\+deb[0-9]+-$VM_FLAVOUR\$" | sort -V | tail -n1)
		if [[ -n $kdir ]]; then
			pkg=linux-image-${kdir##*/}-unsigned
		else
			vm_foreign_update arm64 || vm_die "cannot read the arm64 package indexes"
			pkg=$(vm_foreign_apt arm64 apt-cache pkgnames linux-image-6.12. 2>/dev/null |
				grep -E "^linux-image-6\.12\.[0-9]+\+deb[0-9]+-$VM_FLAVOUR-unsigned\$" | sort -V | tail -n1)
			[[ -n $pkg ]] || vm_die "no linux-image-6.12.*-$VM_FLAVOUR-unsigned in apt's index"
		fi
	fi
	[[ $pkg =~ ^linux-image-(.+)-unsigned$ ]] || vm_die "bad arm64 kernel package $pkg"
	VM_KVER=${BASH_REMATCH[1]}
	kdir=$VM_CACHE/kernel-arm64/$VM_KVER
	mkdir -p "$VM_CACHE/kernel-arm64"
	exec {lockfd}>"$VM_CACHE/kernel-arm64/.lock"
	flock "$lockfd"
	if [[ ! -e $kdir/.complete ]]; then
		_vm_arm64_unpack "$pkg:arm64" "$kdir"
		vm_depmod -b "$kdir/root" "$VM_KVER" || { rm -rf "$kdir"; vm_die "depmod failed for $VM_KVER"; }
	fi
	exec {lockfd}>&-
	VM_KERNEL=$kdir/root/boot/vmlinuz-$VM_KVER
	VM_MODDIR=$kdir/root/lib/modules/$VM_KVER
	VM_KO_CACHE=$kdir/ko
	[[ -f $VM_KERNEL ]] || vm_die "$pkg has no boot/vmlinuz-$VM_KVER"
}

# Copy an arm64 binary's libraries (DT_NEEDED, recursively, from the sysroot
# and the cross libc) and the dynamic loader into ROOT, under the paths the
# guest's loader searches. ldd cannot do this for a foreign binary.
_vm_arm64_copy_libs() {
	local root=$1 bin=$2 libs lib sr=$VM_ARM64_SYSROOT
	aarch64-linux-gnu-readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter' || return 0
	mkdir -p "$root/lib" "$root/lib/aarch64-linux-gnu"
	cp -L /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 "$root/lib/ld-linux-aarch64.so.1"
	libs=$(_vm_needed_libs aarch64-linux-gnu-readelf "$bin" "the sysroot and the cross libc" \
		"$sr/usr/lib/aarch64-linux-gnu" "$sr/lib/aarch64-linux-gnu" /usr/aarch64-linux-gnu/lib) || exit 1
	for lib in $libs; do
		cp -L "$lib" "$root/lib/aarch64-linux-gnu/${lib##*/}"
	done
}

# vm_arm64_build_iommuctl: cross-build $VM_REPO/build-arm64/iommuctl against
# a sysroot of the arm64 libraries in the cache (installs the cross compiler
# when missing and root; dpkg learns no arm64 architecture). Returns 1 with a
# message when that is impossible.
VM_ARM64_SYSROOT=$VM_CACHE/arm64-sysroot
VM_ARM64_SYSROOT_PKGS=(libsmartcols-dev libsmartcols1 libjson-c-dev libjson-c5 libarchive-dev
	libarchive13 zlib1g-dev zlib1g liblzo2-dev liblzo2-2 libsnappy-dev libsnappy1v5 libzstd-dev
	libzstd1 libpci-dev libpci3 libudev1 libnl-route-3-dev libnl-route-3-200 libnl-3-dev
	libnl-3-200 libmount-dev libmount1 libblkid-dev libblkid1 libselinux1-dev libselinux1 libsepol-dev
	libsepol2 libpcre2-dev libpcre2-8-0 libacl1 libbz2-1.0 liblz4-1 liblzma5 libnettle8 libxml2
	libicu72 libstdc++6 libgcc-s1)
vm_arm64_build_iommuctl() {
	if ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || [[ ! -e /usr/aarch64-linux-gnu/lib/libc.so ]]; then
		if [[ $(id -u) -ne 0 ]]; then
			vm_log "cannot cross-build iommuctl for arm64: no aarch64-linux-gnu-gcc / libc6-dev-arm64-cross (not root)"
			return 1
		fi
		vm_apt_install gcc-aarch64-linux-gnu libc6-dev-arm64-cross || return 1
	fi
	vm_foreign_sysroot arm64 "$VM_ARM64_SYSROOT" "${VM_ARM64_SYSROOT_PKGS[@]}" ||
		{ vm_log "cannot build the arm64 sysroot $VM_ARM64_SYSROOT (apt-get download failed)"; return 1; }
	vm_cross_build arm64 aarch64-linux-gnu aarch64-linux-gnu "$VM_ARM64_SYSROOT" build-arm64
}
