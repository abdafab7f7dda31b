# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054,SC2034 # QEMU options hold commas; variables are for callers
# tests/vm/lib-riscv64.sh: the RISC-V IOMMU scenario of tests/vm/lib.sh, which
# sources this file. The other scenarios do not depend on anything here.
#
# Scenario riscv-7.2 (the 7.2 world: Linux 7.2 from sid, QEMU 11): Debian's
# riscv64 kernel (linux-binary-7.2.*-riscv64; its vmlinuz is an EFI image that
# QEMU boots directly) under qemu-system-riscv64 -M virt,aia=aplic-imsic -cpu
# rv64 with OpenSBI (fw_dynamic.bin of the sid root's opensbi package) and a
# riscv-iommu-pci at 00:01.0, before the common PCI devices at their common
# addresses (edu 00:03.0, e1000e 00:04.0, the virtio-blk output disk 00:05.0,
# a root port 00:06.0 with an e1000e behind it). Without aia=aplic-imsic (MSIs
# through the IMSIC) the IOMMU's probe fails: "unable to allocate irq vectors".
#
# What the stock riscv64 7.2 kernel can do with the IOMMU (its config, and
# drivers/iommu/Kconfig, drivers/vfio/Kconfig, vfio_main.c of 7.2): every
# group gets the identity domain (IOMMU_DMA is def_bool ARM64 || X86 || S390:
# no DMA domains on RISC-V, iommu_get_default_domain_type forces IDENTITY);
# VFIO_CONTAINER selects VFIO_IOMMU_TYPE1 only on X86, S390, ARM and ARM64,
# and IOMMUFD is off; and vfio-pci's probe fails with EINVAL anyway
# (__vfio_register_dev: the RISC-V IOMMU driver has no .capable, so no
# IOMMU_CAP_CACHE_COHERENCY). No user of the kernel can map DMA through a
# paging domain: the DDT holds valid device contexts with fsc Bare only. The
# common modules are virtio_blk, e1000e, vfio and vfio_pci (no
# vfio_iommu_type1 exists). The riscv64 7.2 rebuild of tests/vm/build-kernel.sh
# --arch riscv64 (IOMMUFD, the VFIO cdev and a .capable op for the driver)
# boots in this same scenario (IOMMUCTL_VM_KERNEL_IMAGE): test-vm-dump's
# riscv-7.2-vfio maps through iommufd and walks the paging domain, and
# test-vm-vfio's part 5 checks vfio status, probe, batch (edu's DMA through
# tests/tools/edu-dma.c, built by vm_riscv64_cc) and doctor there.
#
# What goes into the guest: busybox-static:riscv64 from sid, the kernel's
# modules, and $IOMMUCTL_RISCV64 (default <repo>/build-riscv64/iommuctl, made
# by vm_riscv64_build_iommuctl) with the libraries its DT_NEEDED entries and
# its .iommuctl.dlopen list name, and the C library and loader, all from the
# sysroot of sid's riscv64 packages in the cache.
#
# The cross build: bookworm has no riscv64 packages, and the host's
# gcc-riscv64-linux-gnu comes with bookworm's cross C library (glibc 2.36),
# older than the sid libraries in the sysroot. So the build uses the host's
# cross compiler against the sysroot's own libc6-dev: --sysroot and -B to the
# sysroot put its crt files, libc and loader in the link, and -isystem its
# headers before the cross compiler's own (which it would otherwise search
# first, being outside the sysroot). The guest gets the sysroot's libc and
# loader, which the binary was linked against (GLIBC_2.38 symbols).
#
# Environment: IOMMUCTL_RISCV64 (the binary for the guest).

VM_SCENARIOS+=(riscv-7.2)
: "${IOMMUCTL_RISCV64:=$VM_REPO/build-riscv64/iommuctl}"
declare -gA VM_SCN_DEVICE VM_SCN_APPEND VM_SCN_MODULES VM_SCN_FLAVOUR VM_SCN_WORLD
VM_SCN_DEVICE[riscv-7.2]=riscv-iommu-pci,addr=0x1
VM_SCN_APPEND[riscv-7.2]=''
VM_SCN_MODULES[riscv-7.2]=''
VM_SCN_FLAVOUR[riscv-7.2]=riscv64
VM_SCN_WORLD[riscv-7.2]=7.2
VM_COMMON_MODULES_RISCV64=(virtio_blk e1000e vfio vfio_pci)
VM_RISCV64_CROSS=riscv64-linux-gnu
VM_RISCV64_MULTIARCH=riscv64-linux-gnu
VM_RISCV64_SYSROOT=$VM_CACHE/riscv64-sysroot
# From sid: the C library the build links against, the -dev packages of the
# libraries iommuctl builds against, what they load at run time, and what
# their pkg-config files require (sid's names: libarchive13t64, libnettle8t64;
# liblz4 needs libxxhash there)
VM_RISCV64_SYSROOT_PKGS=(libc6 libc6-dev libgcc-s1 libsmartcols-dev libsmartcols1
	libjson-c-dev libjson-c5 libarchive-dev libarchive13t64 zlib1g-dev zlib1g liblzo2-dev liblzo2-2
	libsnappy-dev libsnappy1v5 libzstd-dev libzstd1 libpci-dev libpci3 libudev1 libnl-route-3-dev
	libnl-route-3-200 libnl-3-dev libnl-3-200 libmount-dev libmount1 libblkid-dev libblkid1
	libselinux1-dev libselinux1 libsepol-dev libsepol2 libpcre2-dev libpcre2-8-0 libacl1 libbz2-1.0
	liblz4-1 libxxhash0 liblzma5 libnettle8t64 libstdc++6 libsystemd0)

# _vm_riscv64_unpack DIR PKG...: sid's riscv64 packages unpacked into
# DIR/root once (lib-world.sh's vm_sid_unpack)
_vm_riscv64_unpack() {
	local dir=$1
	shift
	vm_sid_unpack riscv64 "$dir" "$@"
}

vm_riscv64_need_tools() {
	local pkgs=()
	command -v cpio >/dev/null 2>&1 || pkgs+=(cpio)
	command -v "$VM_RISCV64_CROSS-readelf" >/dev/null 2>&1 || pkgs+=("binutils-$VM_RISCV64_CROSS")
	# the host's own (amd64) busybox gives the applet list for the guest's links
	vm_busybox_static >/dev/null || pkgs+=(busybox-static)
	((${#pkgs[@]})) || return 0
	vm_apt_install "${pkgs[@]}"
}

vm_riscv64_busybox() {
	local d=$VM_CACHE/kernel-riscv64/busybox-static lockfd
	mkdir -p "$VM_CACHE/kernel-riscv64"
	exec {lockfd}>"$VM_CACHE/kernel-riscv64/.busybox.lock"
	flock "$lockfd"
	_vm_riscv64_unpack "$d" busybox-static:riscv64 >&2 || vm_die "cannot fetch busybox-static:riscv64 from sid"
	exec {lockfd}>&-
	# sid's busybox-static is in /usr/bin (merged /usr)
	if [[ -x $d/root/usr/bin/busybox ]]; then echo "$d/root/usr/bin/busybox"; else echo "$d/root/bin/busybox"; fi
}

# _vm_riscv64_libdirs SYSROOT: where the guest's libraries come from
_vm_riscv64_libdirs() {
	echo "$1/usr/lib/$VM_RISCV64_MULTIARCH $1/lib/$VM_RISCV64_MULTIARCH"
}

# Copy a riscv64 binary's libraries (DT_NEEDED, recursively, and what it loads
# on demand), the sysroot's C library among them, and its dynamic loader into
# ROOT, under the paths the guest's loader searches.
_vm_riscv64_copy_libs() {
	local root=$1 bin=$2 libs lib sr=$VM_RISCV64_SYSROOT
	$VM_RISCV64_CROSS-readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter' || return 0
	vm_riscv64_sysroot || vm_die "cannot build the riscv64 sysroot $sr"
	mkdir -p "$root/lib" "$root/lib/$VM_RISCV64_MULTIARCH"
	cp -L "$sr/usr/lib/$VM_RISCV64_MULTIARCH/ld-linux-riscv64-lp64d.so.1" "$root/lib/ld-linux-riscv64-lp64d.so.1"
	# shellcheck disable=SC2046 # the library directories, split
	libs=$(_vm_needed_libs "$VM_RISCV64_CROSS-readelf" "$bin" "the riscv64 sysroot $sr" \
		$(_vm_riscv64_libdirs "$sr")) || exit 1
	for lib in $libs; do
		cp -L "$lib" "$root/lib/$VM_RISCV64_MULTIARCH/${lib##*/}"
	done
}

# vm_riscv64_sysroot: sid's riscv64 libraries unpacked into
# $VM_CACHE/riscv64-sysroot (once; rebuilt when the package list changes).
# The kernel's headers come from sid's linux-libc-dev (Architecture: all,
# fetched as amd64). Absolute symlinks are made relative; lib -> usr/lib as on a merged-/usr
# system (the loader path /lib/ld-linux-riscv64-lp64d.so.1 of libc.so's
# linker script is looked up in the sysroot).
vm_riscv64_sysroot() {
	local sr=$VM_RISCV64_SYSROOT l t lockfd
	[[ -e $sr/.complete && $(<"$sr/.complete") == "${VM_RISCV64_SYSROOT_PKGS[*]}" ]] && return 0
	mkdir -p "$(dirname "$sr")"
	exec {lockfd}>"$sr.lock"
	flock "$lockfd"
	if [[ -e $sr/.complete && $(<"$sr/.complete") == "${VM_RISCV64_SYSROOT_PKGS[*]}" ]]; then
		exec {lockfd}>&-
		return 0
	fi
	rm -rf "$sr.tmp" "$sr.hdr"
	if ! _vm_riscv64_unpack "$sr.tmp" "${VM_RISCV64_SYSROOT_PKGS[@]}" >&2 ||
		! vm_sid_unpack amd64 "$sr.hdr" linux-libc-dev >&2; then
		exec {lockfd}>&-
		return 1
	fi
	cp -a "$sr.hdr/root/usr/include/." "$sr.tmp/root/usr/include/"
	rm -rf "$sr.hdr"
	while IFS= read -r l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$sr.tmp/root$t")" "$l"
	done < <(find "$sr.tmp/root" -type l -lname '/*')
	[[ -e $sr.tmp/root/lib ]] || ln -s usr/lib "$sr.tmp/root/lib"
	rm -rf "$sr"
	mv "$sr.tmp/root" "$sr"
	rm -rf "$sr.tmp"
	printf '%s' "${VM_RISCV64_SYSROOT_PKGS[*]}" >"$sr/.complete"
	exec {lockfd}>&-
}

# vm_riscv64_build_iommuctl: cross-build $VM_REPO/build-riscv64/iommuctl
# against the sysroot (installs the cross compiler when missing and root).
# Returns 1 with a message when that is impossible.
vm_riscv64_build_iommuctl() {
	local sr=$VM_RISCV64_SYSROOT ma=$VM_RISCV64_MULTIARCH
	if ! command -v $VM_RISCV64_CROSS-gcc >/dev/null 2>&1; then
		if [[ $(id -u) -ne 0 ]]; then
			vm_log "cannot cross-build iommuctl for riscv64: no $VM_RISCV64_CROSS-gcc (not root)"
			return 1
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			gcc-$VM_RISCV64_CROSS >&2 ||
			{ vm_log "apt-get install gcc-$VM_RISCV64_CROSS failed"; return 1; }
	fi
	vm_riscv64_sysroot || { vm_log "cannot build the riscv64 sysroot $sr (apt-get download from sid failed)"; return 1; }
	# binutils 2.40 ignores -z pack-relative-relocs on riscv64 with a warning
	PKG_CONFIG_LIBDIR=$sr/usr/lib/$ma/pkgconfig:$sr/usr/share/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$sr \
		make -C "$VM_REPO" -s -j"$(nproc)" O=build-riscv64 CC=$VM_RISCV64_CROSS-gcc \
		CPPFLAGS="-isystem $sr/usr/include/$ma -isystem $sr/usr/include" \
		LDFLAGS="--sysroot=$sr -B$sr/usr/lib/$ma/ -L$sr/usr/lib/$ma -Wl,-rpath-link=$sr/usr/lib/$ma" \
		build-riscv64/iommuctl 2>&1 | grep -v 'pack-relative-relocs ignored' >&2
	[[ ${PIPESTATUS[0]} == 0 ]] || { vm_log "cross build of iommuctl for riscv64 failed"; return 1; }
}

# vm_riscv64_cc OUT SRC... [CFLAGS...]: a small test program for the guest
# (tests/tools/edu-dma.c), cross-built as iommuctl is, against the sysroot's
# C library, which the guest gets with iommuctl. Returns 1 with the
# compiler's message when it cannot.
vm_riscv64_cc() {
	local out=$1 sr=$VM_RISCV64_SYSROOT ma=$VM_RISCV64_MULTIARCH
	shift
	command -v $VM_RISCV64_CROSS-gcc >/dev/null 2>&1 || { vm_log "no $VM_RISCV64_CROSS-gcc"; return 1; }
	vm_riscv64_sysroot || { vm_log "cannot build the riscv64 sysroot $sr"; return 1; }
	$VM_RISCV64_CROSS-gcc -std=gnu11 -D_GNU_SOURCE -O2 -isystem "$sr/usr/include/$ma" -isystem "$sr/usr/include" \
		--sysroot="$sr" -B"$sr/usr/lib/$ma/" -L"$sr/usr/lib/$ma" -Wl,-rpath-link="$sr/usr/lib/$ma" \
		-o "$out" "$@" 2>&1 | grep -v 'pack-relative-relocs ignored' >&2
	[[ ${PIPESTATUS[0]} == 0 ]]
}

# The QEMU command of the scenario (vm_boot_accel runs it under timeout):
# the machine, firmware and CPU; the IOMMU comes first among the devices.
# _vm_riscv64_qemu_cmd SCENARIO ACCEL CONSOLE DISK INITRD EXTRA... sets cmd.
_vm_riscv64_qemu_cmd() {
	local s=$1 accel=$2 console=$3 disk=$4 initrd=$5 qemu fw
	shift 5
	[[ $VM_WORLD == 7.2 ]] || vm_die "$s runs in the 7.2 world only (QEMU 11, Linux 7.2)"
	vm_sid_qemu_root   # here, not in the $(...) below: it sets VM_SID_ROOT
	qemu=$(vm_qemu_bin qemu-system-riscv64) || vm_die "no qemu-system-riscv64 (QEMU 11) for $s"
	fw=$VM_SID_ROOT/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
	[[ -f $fw ]] || vm_die "no OpenSBI firmware $fw (sid's opensbi package) for $s"
	cmd=(
		"$qemu" -machine virt,aia=aplic-imsic -accel "$accel" -cpu rv64
		-bios "$fw"
		-m "$VM_MEM" -smp "$VM_SMP" -nodefaults -no-user-config -no-reboot
		-display none -monitor none -chardev "$console" -serial chardev:con
		-kernel "$VM_KERNEL" -initrd "$initrd" -append "$(vm_kernel_cmdline "$s")"
		-device "${VM_SCN_DEVICE[$s]}"
		-drive "if=none,id=vmout,format=raw,file=$disk"
		"${VM_DEVICES[@]}" "$@"
	)
}
