# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054,SC2034 # QEMU options hold commas; variables are for callers
# tests/vm/lib-ppc64.sh: the POWER (PowerNV) scenario of tests/vm/lib.sh, which
# sources this file. The x86 and arm64 scenarios do not depend on anything here.
#
# Scenario powernv: Debian's ppc64el kernel (linux-image-*-powerpc64le; 6.12's
# has 4K pages, CONFIG_PPC_4K_PAGES=y) under qemu-system-ppc64 -machine
# powernv9 -accel tcg with QEMU's bundled skiboot. The IOMMU is the PHB's TCE translation (no /sys/class/iommu
# unit); VFIO is the SPAPR TCE v2 container. The machine creates its PHBs and
# their root ports only as defaults, so the QEMU command has no -nodefaults
# (-nic none -monitor none -parallel none instead). One device per PHB root bus,
# each its own PE and IOMMU group:
#   0000:01:00.0 edu         0001:01:00.0 edu
#   0002:01:00.0 virtio-blk (output disk)   0003:01:00.0 e1000e (driver e1000e)
#
# What goes into the guest: the ppc64el busybox (busybox-static:ppc64el,
# unpacked in the cache), the kernel's modules, and $IOMMUCTL_PPC64 (default
# <repo>/build-ppc64/iommuctl, made by vm_ppc64_build_iommuctl) with the
# libraries its DT_NEEDED entries name, from the sysroot and the cross libc.
#
# The cross build: the ppc64el -dev packages cannot be installed next to the
# host's (libssl3 versions differ between the amd64 security updates and the
# ppc64el main index), so the libraries are unpacked into a sysroot,
# $VM_CACHE/ppc64-sysroot, with apt-get download + dpkg-deb -x, and the build
# uses gcc-powerpc64le-linux-gnu against it.
#
# Environment: IOMMUCTL_PPC64, IOMMUCTL_VM_PPC64_KERNEL_PKG (for example
# linux-image-6.1.0-50-powerpc64le).

VM_SCENARIOS+=(powernv)
: "${IOMMUCTL_PPC64:=$VM_REPO/build-ppc64/iommuctl}"
declare -gA VM_SCN_DEVICE VM_SCN_APPEND VM_SCN_MODULES VM_SCN_FLAVOUR
# For powernv the "device" is the QEMU machine.
VM_SCN_DEVICE[powernv]=powernv9
VM_SCN_APPEND[powernv]=''
VM_SCN_MODULES[powernv]=''
VM_SCN_FLAVOUR[powernv]=powerpc64le
# The common modules of this architecture, in load order: VFIO's IOMMU driver is
# the SPAPR TCE one (there is no type1); virtio-pci is a module in 6.1 and built
# in in 6.12. vm_ppc64_fetch_kernel keeps those the kernel has as modules.
VM_PPC64_MODULES=(virtio_pci virtio_blk e1000e vfio vfio_iommu_spapr_tce vfio_pci)
VM_COMMON_MODULES_PPC64=("${VM_PPC64_MODULES[@]}")

# The 7.2 world (tests/vm/lib-world.sh): Debian unstable's stock 7.2 kernels
# under QEMU 11's powernv9 with the skiboot of QEMU 11's root (its
# /usr/share/qemu/skiboot.lid, found through -L; QEMU 11 warns that there is
# no PNOR image and boots without one). The devices are the 6.12 scenario's.
#   powernv-7.2      flavour powerpc64le: 4K pages (CONFIG_PPC_4K_PAGES=y,
#                    ARCH_FORCE_MAX_ORDER=12)
#   powernv-64k-7.2  flavour powerpc64le-64k: 64K pages (CONFIG_PPC_64K_PAGES=y,
#                    ARCH_FORCE_MAX_ORDER=8): Linux sizes every TCE table level
#                    to at least a 64K page (8192 entries) and gives the PEs'
#                    default windows 64K TCEs ("Setting up window#0
#                    0..3fffffff pg=10000")
declare -gA VM_SCN_WORLD
VM_SCENARIOS+=(powernv-7.2 powernv-64k-7.2)
for _s in powernv-7.2 powernv-64k-7.2; do
	VM_SCN_WORLD[$_s]=7.2
	VM_SCN_DEVICE[$_s]=powernv9
	VM_SCN_APPEND[$_s]=''
	VM_SCN_MODULES[$_s]=''
done
unset _s
VM_SCN_FLAVOUR[powernv-7.2]=powerpc64le
VM_SCN_FLAVOUR[powernv-64k-7.2]=powerpc64le-64k

# vm_ppc64_modules: VM_COMMON_MODULES_PPC64 = those of VM_PPC64_MODULES that
# the fetched kernel (VM_MODDIR) has as modules (virtio-pci is one in 6.1,
# built in since 6.12).
vm_ppc64_modules() {
	local m
	VM_COMMON_MODULES_PPC64=()
	for m in "${VM_PPC64_MODULES[@]}"; do
		grep -Eq "/${m//_/[-_]}\.ko[.a-z]*:" "$VM_MODDIR/modules.dep" && VM_COMMON_MODULES_PPC64+=("$m")
	done
}
VM_DEVICES_PPC64=(
	-device edu,bus=pcie.0,addr=0x0,dma_mask=0xffffffffffffffff
	-device edu,bus=pcie.1,addr=0x0,dma_mask=0xffffffffffffffff
	-device virtio-blk-pci,bus=pcie.2,addr=0x0,drive=vmout,serial=iommuctl-out
	-device e1000e,bus=pcie.3,addr=0x0,romfile=
)
VM_PPC64_CROSS=powerpc64le-linux-gnu
VM_PPC64_MULTIARCH=powerpc64le-linux-gnu
# The libraries iommuctl is built against (-dev), what they link to at run
# time, and the libraries those need in turn (the linker follows them with
# -rpath-link, the guest loads them).
VM_PPC64_SYSROOT_PKGS=(libsmartcols-dev libsmartcols1 libjson-c-dev libjson-c5 libarchive-dev
	libarchive13 zlib1g-dev zlib1g liblzo2-dev liblzo2-2 libsnappy-dev libsnappy1v5 libzstd-dev
	libzstd1 libpci-dev libpci3 libudev1 libnl-route-3-dev libnl-route-3-200 libnl-3-dev
	libnl-3-200 libmount-dev libmount1 libblkid-dev libblkid1 libselinux1-dev libselinux1 libsepol-dev
	libsepol2 libpcre2-dev libpcre2-8-0 libacl1 libbz2-1.0 liblz4-1 liblzma5 libnettle8 libxml2
	libicu72 libstdc++6 libgcc-s1)

vm_ppc64_need_tools() {
	local pkgs=()
	command -v qemu-system-ppc64 >/dev/null 2>&1 || pkgs+=(qemu-system-ppc)
	command -v cpio >/dev/null 2>&1 || pkgs+=(cpio)
	command -v $VM_PPC64_CROSS-readelf >/dev/null 2>&1 || pkgs+=(binutils-$VM_PPC64_CROSS)
	vm_busybox_static >/dev/null || pkgs+=(busybox-static)
	((${#pkgs[@]})) || return 0
	vm_apt_install "${pkgs[@]}"
}

# Debian 12's own index has only the 6.1 ppc64el kernel, and 6.1 cannot give a
# device to VFIO on powernv: vfio-pci's probe fails with EINVAL because the PHBs
# register no iommu_ops before v6.4, so the IOMMU_CAP_CACHE_COHERENCY check that
# VFIO has made since v6.0 fails. 6.12 comes from bookworm-security (which CI
# machines normally have) or from bookworm-backports, read through an apt
# configuration private to the cache: the machine's sources.list is not touched.
VM_PPC64_APT=$VM_CACHE/kernel-ppc64/apt
_vm_ppc64_bpo_apt() {
	local tool=$1
	shift
	"$tool" -o Dir::Etc::SourceList="$VM_PPC64_APT/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$VM_PPC64_APT/lists" -o Dir::Cache="$VM_PPC64_APT/cache" \
		-o APT::Architecture=ppc64el -o APT::Architectures::=ppc64el "$@"
}

# Print the newest 6.12 ppc64el kernel package of bookworm-backports (reading
# its index once per cache), or fail.
_vm_ppc64_bpo_kernel() {
	mkdir -p "$VM_PPC64_APT/lists/partial" "$VM_PPC64_APT/cache/archives/partial" || return 1
	if [[ ! -e $VM_PPC64_APT/.updated ]]; then
		echo "deb [arch=ppc64el signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm-backports main" \
			>"$VM_PPC64_APT/sources.list"
		vm_log "reading bookworm-backports' ppc64el index into $VM_PPC64_APT (for a 6.12 kernel)"
		_vm_ppc64_bpo_apt apt-get -q -o APT::Sandbox::User="$(id -un)" update >&2 || return 1
		touch "$VM_PPC64_APT/.updated"
	fi
	_vm_ppc64_bpo_apt apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-powerpc64le$' | sort -V | tail -n1 | grep .
}

# _vm_ppc64el_download_fallback DIR PKG...: after lib.sh's private apt
# configuration could not (vm_foreign_download), bookworm-backports' index
# when it was read.
_vm_ppc64el_download_fallback() {
	local dir=$1
	shift
	[[ -e $VM_PPC64_APT/.updated ]] || return 1
	(cd "$dir" && _vm_ppc64_bpo_apt apt-get download -q -o APT::Sandbox::User="$(id -un)" "$@" >&2) &&
		return 0
	# an old index names a package the mirror no longer has: the next run
	# reads it again
	rm -f "$VM_PPC64_APT/.updated"
	return 1
}

# _vm_ppc64_unpack DIR PKG...: download the packages and unpack them all into
# DIR/root (once; DIR/.complete marks it). Returns 1 when that fails.
_vm_ppc64_unpack() {
	vm_foreign_unpack ppc64el "$@"
}

vm_ppc64_busybox() {
	local d=$VM_CACHE/kernel-ppc64/busybox-static lockfd
	mkdir -p "$VM_CACHE/kernel-ppc64"
	exec {lockfd}>"$VM_CACHE/kernel-ppc64/.busybox.lock"
	flock "$lockfd"
	_vm_ppc64_unpack "$d" busybox-static || vm_die "cannot fetch busybox-static:ppc64el"
	exec {lockfd}>&-
	echo "$d/root/bin/busybox"
}

# Sets VM_KVER, VM_KERNEL (the vmlinux ELF, which skiboot loads) and VM_MODDIR.
# The cache is $VM_CACHE/kernel-ppc64/<kver>/. The kernel, in order: the
# package named by IOMMUCTL_VM_PPC64_KERNEL_PKG; the newest 6.12 in the cache;
# the newest linux-image-6.12.*-powerpc64le in apt's index, else in
# bookworm-backports'; last, 6.1 (cache, then apt), on which VFIO cannot work.
vm_ppc64_fetch_kernel() {
	local pkg=${IOMMUCTL_VM_PPC64_KERNEL_PKG:-} kdir
	local re12='6\.12\.[0-9]+\+deb[0-9]+-powerpc64le' re61='6\.1\.0-[0-9]+-powerpc64le'
	vm_ppc64_need_tools
	if [[ -z $pkg ]]; then
		kdir=$(find "$VM_CACHE/kernel-ppc64" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' 2>/dev/null |
			grep -E "/$re12\$" | sort -V | tail -n1)
		[[ -z $kdir ]] || pkg=linux-image-${kdir##*/}
	fi
	if [[ -z $pkg ]]; then
		vm_foreign_update ppc64el || vm_log "cannot read the ppc64el package indexes"
		pkg=$(vm_foreign_apt ppc64el apt-cache pkgnames linux-image-6.12. 2>/dev/null | grep -E "^linux-image-$re12\$" | sort -V | tail -n1)
		[[ -n $pkg ]] || pkg=$(_vm_ppc64_bpo_kernel) || pkg=
	fi
	if [[ -z $pkg ]]; then
		kdir=$(find "$VM_CACHE/kernel-ppc64" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' 2>/dev/null |
			grep -E "/$re61\$" | sort -V | tail -n1)
		if [[ -n $kdir ]]; then
			pkg=linux-image-${kdir##*/}
		else
			pkg=$(vm_foreign_apt ppc64el apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | grep -E "^linux-image-$re61\$" | sort -V | tail -n1)
		fi
		[[ -n $pkg ]] || vm_die "no linux-image-6.12.*/6.1.0-*-powerpc64le in apt's index or in bookworm-backports"
		vm_log "WARNING: only $pkg is available: VFIO cannot claim devices on powernv before v6.4"
	fi
	[[ $pkg =~ ^linux-image-(.+-powerpc64le)$ ]] || vm_die "bad ppc64el kernel package $pkg"
	VM_KVER=${BASH_REMATCH[1]}
	kdir=$VM_CACHE/kernel-ppc64/$VM_KVER
	mkdir -p "$VM_CACHE/kernel-ppc64"
	exec {lockfd}>"$VM_CACHE/kernel-ppc64/.lock"
	flock "$lockfd"
	if [[ ! -e $kdir/.complete ]]; then
		_vm_ppc64_unpack "$kdir" "$pkg" || vm_die "cannot fetch $pkg"
		vm_depmod -b "$kdir/root" "$VM_KVER" || { rm -rf "$kdir"; vm_die "depmod failed for $VM_KVER"; }
	fi
	exec {lockfd}>&-
	VM_KERNEL=$kdir/root/boot/vmlinux-$VM_KVER
	VM_MODDIR=$kdir/root/lib/modules/$VM_KVER
	VM_KO_CACHE=$kdir/ko
	[[ -f $VM_KERNEL ]] || vm_die "$pkg has no boot/vmlinux-$VM_KVER"
	vm_ppc64_modules
}

VM_PPC64_SYSROOT=$VM_CACHE/ppc64-sysroot
_vm_ppc64_libdirs() {
	local sr=$1
	echo "$sr/usr/lib/$VM_PPC64_MULTIARCH $sr/lib/$VM_PPC64_MULTIARCH /usr/$VM_PPC64_CROSS/lib"
}

# Copy a ppc64el binary's libraries (DT_NEEDED, recursively, from the sysroot
# and the cross libc) and the dynamic loader into ROOT, under the paths the
# guest's loader searches.
_vm_ppc64_copy_libs() {
	local root=$1 bin=$2 libs lib
	$VM_PPC64_CROSS-readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter' || return 0
	mkdir -p "$root/lib64" "$root/lib/$VM_PPC64_MULTIARCH"
	cp -L "/usr/$VM_PPC64_CROSS/lib/ld64.so.2" "$root/lib64/ld64.so.2"
	# shellcheck disable=SC2046 # the library directories, split
	libs=$(_vm_needed_libs "$VM_PPC64_CROSS-readelf" "$bin" "the sysroot and the cross libc" \
		$(_vm_ppc64_libdirs "$VM_PPC64_SYSROOT")) || exit 1
	for lib in $libs; do
		cp -L "$lib" "$root/lib/$VM_PPC64_MULTIARCH/${lib##*/}"
	done
}

# vm_ppc64_sysroot: the libraries iommuctl builds against, unpacked into
# $VM_CACHE/ppc64-sysroot (once; lib.sh's vm_foreign_sysroot).
vm_ppc64_sysroot() {
	vm_foreign_sysroot ppc64el "$VM_PPC64_SYSROOT" "${VM_PPC64_SYSROOT_PKGS[@]}"
}

# vm_ppc64_build_iommuctl: cross-build $VM_REPO/build-ppc64/iommuctl against the
# sysroot (installs the cross compiler when missing and root). Returns 1 with a
# message when that is impossible (no compiler and not root, no apt mirror).
vm_ppc64_build_iommuctl() {
	local sr=$VM_PPC64_SYSROOT d ldflags rpath=
	if ! command -v $VM_PPC64_CROSS-gcc >/dev/null 2>&1 || [[ ! -e /usr/$VM_PPC64_CROSS/lib/libc.so ]]; then
		if [[ $(id -u) -ne 0 ]]; then
			vm_log "cannot cross-build iommuctl for ppc64el: no $VM_PPC64_CROSS-gcc / libc6-dev-ppc64el-cross (not root)"
			return 1
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			gcc-$VM_PPC64_CROSS libc6-dev-ppc64el-cross >&2 ||
			{ vm_log "apt-get install gcc-$VM_PPC64_CROSS libc6-dev-ppc64el-cross failed"; return 1; }
	fi
	vm_ppc64_sysroot || { vm_log "cannot build the ppc64el sysroot $sr (apt-get download failed)"; return 1; }
	ldflags=
	for d in $(_vm_ppc64_libdirs "$sr"); do
		[[ $d == /usr/$VM_PPC64_CROSS/* ]] && continue
		ldflags+=" -L$d"
		rpath+=${rpath:+:}$d
	done
	PKG_CONFIG_LIBDIR=$sr/usr/lib/$VM_PPC64_MULTIARCH/pkgconfig:$sr/usr/share/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$sr \
		make -C "$VM_REPO" -s -j"$(nproc)" O=build-ppc64 CC=$VM_PPC64_CROSS-gcc \
		CPPFLAGS="-I$sr/usr/include" LDFLAGS="$ldflags -Wl,-rpath-link=$rpath" \
		build-ppc64/iommuctl >&2 || { vm_log "cross build of iommuctl for ppc64el failed"; return 1; }
}

# vm_ppc64_vfio_prepare [SCENARIO]: for the live POWER tests (SCENARIO:
# powernv, the default, powernv-7.2 or powernv-64k-7.2). Cross-builds iommuctl
# (unless $IOMMUCTL_PPC64 names a binary) and fetches the kernel (and in the
# 7.2 world QEMU 11); fails with the reason on stderr's last line when either
# is impossible, or when the only kernel is 6.1 (no VFIO on powernv before
# v6.4). Prints the kernel release.
vm_ppc64_vfio_prepare() {
	local s=${1:-powernv}
	vm_ppc64_need_tools
	if [[ -z ${IOMMUCTL_PPC64_GIVEN:-} ]]; then
		vm_ppc64_build_iommuctl || return 1
	fi
	vm_select "$s"
	vm_fetch_kernel
	[[ ${VM_WORLD:-6.12} == 7.2 ]] && vm_qemu_bin qemu-system-ppc64 >/dev/null
	if [[ $VM_KVER == 6.1.* ]]; then
		vm_log "only $VM_KVER is available, and VFIO cannot claim a device on powernv before v6.4"
		return 1
	fi
	echo "$VM_KVER"
}
