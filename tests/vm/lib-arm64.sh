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
# resolved from Debian's multiarch arm64 directories.
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
declare -gA VM_SCN_CPU=([arm64-smmuv3]=cortex-a57 [arm64-smmuv3-16k]=max)

vm_scn_flavour() { echo "${VM_SCN_FLAVOUR[$1]:-amd64}"; }

# vm_select SCENARIO: make the scenario's kernel flavour the current one
# (VM_FLAVOUR, VM_ARCH); forgets the fetched kernel when the flavour changes.
vm_select() {
	local f
	f=$(vm_scn_flavour "$1")
	if [[ $f != "${VM_FLAVOUR:-amd64}" ]]; then
		VM_KVER=
		VM_DEP_KVER=
	fi
	VM_FLAVOUR=$f
	case $f in
	amd64) VM_ARCH=x86_64 ;;
	powerpc64le) VM_ARCH=ppc64 ;;
	*) VM_ARCH=arm64 ;;
	esac
}

vm_arm64_need_tools() {
	local pkgs=()
	command -v qemu-system-aarch64 >/dev/null 2>&1 || pkgs+=(qemu-system-arm)
	command -v cpio >/dev/null 2>&1 || pkgs+=(cpio)
	command -v aarch64-linux-gnu-readelf >/dev/null 2>&1 || pkgs+=(binutils-aarch64-linux-gnu)
	# the host's own (amd64) busybox gives the applet list for the guest's links
	vm_busybox_static >/dev/null || pkgs+=(busybox-static)
	((${#pkgs[@]})) || return 0
	vm_apt_install "${pkgs[@]}"
}

# The arm64 packages need apt to know the arm64 architecture.
vm_arm64_need_arch() {
	vm_need_foreign_arch arm64
}

# Download PKG (a .deb) and unpack it into DIR (once; DIR/.complete marks it).
_vm_arm64_unpack() {
	local pkg=$1 dir=$2 tmp deb
	[[ -e $dir/.complete ]] && return 0
	vm_arm64_need_arch
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$(dirname "$dir")/.fetch.XXXXXX")
	chmod 0755 "$tmp"
	vm_log "fetching $pkg into $dir"
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg" >&2); then
		apt-get update -q >&2
		(cd "$tmp" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg" >&2) ||
			{ rm -rf "$tmp"; vm_die "apt-get download $pkg failed"; }
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; vm_die "dpkg-deb -x $deb failed"; }
	rm -f "$deb"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.complete"
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
			vm_arm64_need_arch
			pkg=$(apt-cache pkgnames linux-image-6.12. 2>/dev/null |
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

# Copy an arm64 binary's libraries (DT_NEEDED, recursively, from Debian's
# multiarch directories) and the dynamic loader into ROOT. ldd cannot do this
# for a foreign binary.
_vm_arm64_copy_libs() {
	local root=$1 bin=$2 libs lib
	aarch64-linux-gnu-readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter' || return 0
	_vm_copy_abs "$root" /lib/ld-linux-aarch64.so.1
	libs=$(_vm_needed_libs aarch64-linux-gnu-readelf "$bin" "apt-get install its :arm64 package" \
		/lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu) || exit 1
	for lib in $libs; do
		_vm_copy_abs "$root" "$lib"
	done
}

# vm_arm64_build_iommuctl: cross-build $VM_REPO/build-arm64/iommuctl (installs the
# cross compiler and the arm64 -dev packages when missing and root). Returns 1
# with a message when that is impossible.
VM_ARM64_DEV_PKGS=(gcc-aarch64-linux-gnu libsmartcols-dev:arm64 libjson-c-dev:arm64
	libarchive-dev:arm64 zlib1g-dev:arm64 liblzo2-dev:arm64 libsnappy-dev:arm64
	libzstd-dev:arm64 libudev-dev:arm64)
vm_arm64_build_iommuctl() {
	local p missing=()
	for p in "${VM_ARM64_DEV_PKGS[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if ((${#missing[@]})); then
		if [[ $(id -u) -ne 0 ]]; then
			vm_log "cannot cross-build iommuctl for arm64: missing ${missing[*]} (not root)"
			return 1
		fi
		vm_arm64_need_arch
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
			{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; } ||
			{ vm_log "apt-get install ${missing[*]} failed"; return 1; }
	fi
	PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig \
		make -C "$VM_REPO" -s -j"$(nproc)" O=build-arm64 CC=aarch64-linux-gnu-gcc \
		build-arm64/iommuctl >&2 || { vm_log "cross build of iommuctl for arm64 failed"; return 1; }
}
