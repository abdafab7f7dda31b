# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054,SC2034 # QEMU options hold commas; variables are for callers
# tests/vm/lib-boot.sh: boot a real Debian bookworm system (systemd, udev,
# kmod) under QEMU with the harness's Debian kernel, for the tests of what
# iommuctl installs into a boot sequence (the udev rule, iommuctl-apply.service).
# Source it after lib.sh.
#
#   vm_root_pkgs BIN                 the packages of the root: systemd, udev, kmod,
#                                    ... and the Debian packages of BIN's libraries
#   vm_debian_root PKG...            debootstrap --variant=minbase bookworm with
#                                    PKG..., once per package list, into the cache:
#                                    sets VM_ROOT (do not change it: copy it)
#   vm_root_copy DIR                 a copy of VM_ROOT in DIR, with the kernel's
#                                    modules in DIR/lib/modules/$VM_KVER
#   vm_root_image DIR IMG            an ext4 image of DIR (mkfs.ext4 -d)
#   vm_root_initramfs OUT            a busybox initramfs that loads virtio_blk and
#                                    ext4, mounts the disk whose serial is
#                                    iommuctl-root and switch_roots to /sbin/init
#   vm_root_boot IMG INITRD OUTDIR APPEND DEVICE...
#                                    boots it (q35, intel-iommu, TCG) with the image
#                                    as root disk and DEVICE... (QEMU -device
#                                    values); what the guest tars onto the disk
#                                    with serial iommuctl-out lands in OUTDIR
#
# Cache: $VM_CACHE/debian-root/bookworm-KEY/ (KEY: a hash of the package list)
# holds root/ (the debootstrap tree), packages, debootstrap.log, seconds.
# Settings: IOMMUCTL_VM_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# IOMMUCTL_VM_BOOT_TIMEOUT (seconds per boot, default 300), IOMMUCTL_VM_MEM,
# IOMMUCTL_VM_VERBOSE. See tests/vm/README ("A real Debian root").

VM_DEBIAN_SUITE=bookworm
VM_DEBIAN_MIRROR=${IOMMUCTL_VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
VM_BOOT_TIMEOUT=${IOMMUCTL_VM_BOOT_TIMEOUT:-300}
# What the tests need of the system, on top of minbase: systemd as init,
# udev (the rule), kmod (modprobe, for udev and the unit), and iproute2 and
# pciutils to look around when a boot goes wrong.
VM_ROOT_BASE_PKGS=(systemd systemd-sysv udev kmod iproute2 pciutils)
# The modules the initramfs loads to mount the root; the host drivers of the
# test devices stay in the root's /lib/modules, for its udev to load.
VM_ROOT_INITRD_MODULES=(virtio_blk crc32c_generic ext4)

# vm_root_pkgs BIN: VM_ROOT_BASE_PKGS and the packages that hold BIN's
# shared libraries on this machine (dpkg -S), one a line, sorted
vm_root_pkgs() {
	local bin=$1 lib pkg
	local -a pkgs=("${VM_ROOT_BASE_PKGS[@]}")
	while read -r lib; do
		pkg=$(dpkg -S "$(realpath "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null) ||
			vm_die "no Debian package holds $lib, which $bin needs: the root cannot have it"
		pkgs+=("${pkg%%:*}")
	done < <(LC_ALL=C ldd "$bin" | awk '/=> \// { print $3 }')
	printf '%s\n' "${pkgs[@]}" | sort -u
}

# vm_debian_root PKG...: the cached root with PKG... (built once: about a
# minute and 60 MB of downloads). Dies with the reason when it cannot.
vm_debian_root() {
	local key dir tmp lockfd t0 rc=0 list
	list=$(printf '%s\n' "$@" | sort -u)
	[[ $(id -u) -eq 0 ]] || vm_die "only root can run debootstrap (the Debian root of the boot tests)"
	command -v debootstrap >/dev/null 2>&1 || vm_apt_install debootstrap
	command -v mkfs.ext4 >/dev/null 2>&1 || vm_apt_install e2fsprogs
	key=$(printf '%s %s\n%s\n' "$VM_DEBIAN_SUITE" minbase "$list" | sha256sum | cut -c1-12)
	dir=$VM_CACHE/debian-root/$VM_DEBIAN_SUITE-$key
	VM_ROOT=$dir/root
	[[ -e $dir/.complete ]] && return 0
	mkdir -p "$VM_CACHE/debian-root" || vm_die "cannot create $VM_CACHE/debian-root"
	# concurrent runs sharing the cache build it once
	exec {lockfd}>"$VM_CACHE/debian-root/.lock"
	flock "$lockfd"
	if [[ -e $dir/.complete ]]; then
		exec {lockfd}>&-
		return 0
	fi
	tmp=$(mktemp -d "$VM_CACHE/debian-root/.build.XXXXXX")
	chmod 0755 "$tmp"
	printf '%s\n' "$list" >"$tmp/packages"
	vm_log "debootstrap $VM_DEBIAN_SUITE (minbase + $(echo "$list" | tr '\n' ' ')) from $VM_DEBIAN_MIRROR into $dir (once; about a minute)"
	t0=$SECONDS
	debootstrap --variant=minbase --include="$(echo "$list" | paste -sd,)" \
		"$VM_DEBIAN_SUITE" "$tmp/root" "$VM_DEBIAN_MIRROR" >"$tmp/debootstrap.log" 2>&1 || rc=$?
	if ((rc)) || [[ ! -x $tmp/root/lib/systemd/systemd ]]; then
		cp "$tmp/debootstrap.log" "$VM_CACHE/debian-root/last-failure.log" 2>/dev/null
		rm -rf "$tmp"
		exec {lockfd}>&-
		vm_die "debootstrap $VM_DEBIAN_SUITE from $VM_DEBIAN_MIRROR failed (status $rc; a download failure?): $(grep -E '^[EW]:' "$VM_CACHE/debian-root/last-failure.log" | tail -n 2 | tr '\n' ' ')(log: $VM_CACHE/debian-root/last-failure.log)"
	fi
	echo $((SECONDS - t0)) >"$tmp/seconds"
	# the downloaded packages are not part of the system
	rm -f "$tmp/root/var/cache/apt/archives/"*.deb
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.complete"
	exec {lockfd}>&-
	vm_log "debian root ready in $(cat "$dir/seconds") s: $VM_ROOT"
}

# vm_root_copy DIR: VM_ROOT copied to DIR (created), plus the harness
# kernel's modules (its modules.dep included), as its package would put them
vm_root_copy() {
	local d=$1
	[[ -n ${VM_ROOT:-} && -d $VM_ROOT ]] || vm_die "call vm_debian_root first"
	[[ -n ${VM_MODDIR:-} ]] || vm_die "the boot tests need the harness's modular kernel (vm_fetch_kernel, no IOMMUCTL_VM_KERNEL_IMAGE)"
	mkdir -p "$d"
	cp -a "$VM_ROOT/." "$d/" || vm_die "cannot copy $VM_ROOT to $d"
	mkdir -p "$d/lib/modules"
	cp -a "$VM_MODDIR" "$d/lib/modules/" || vm_die "cannot copy the modules of $VM_KVER into $d"
}

# vm_root_image DIR IMG: an ext4 file system holding DIR, with room to spare
vm_root_image() {
	local d=$1 img=$2 mb
	mb=$(du -sm "$d" | cut -f1)
	rm -f "$img"
	truncate -s "$((mb + mb / 4 + 128))M" "$img"
	mkfs.ext4 -q -F -L iommuctl-root -d "$d" "$img" >&2 || vm_die "mkfs.ext4 -d $d $img failed"
}

# vm_root_initramfs OUT: busybox, the modules of VM_ROOT_INITRD_MODULES and
# their dependencies, and tests/vm/boot-init.sh as /init
vm_root_initramfs() {
	local out=$1 root bb a m
	bb=$(vm_busybox_static) || vm_die "no statically linked busybox (apt-get install busybox-static)"
	root=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-boot-initramfs.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,newroot,lib/modules,etc}
	cp "$bb" "$root/bin/busybox"
	for a in $("$bb" --list); do
		[[ $a == busybox ]] || ln -s busybox "$root/bin/$a"
	done
	vm_module_order "${VM_ROOT_INITRD_MODULES[@]}"
	for m in "${VM_MODULE_ORDER[@]}"; do
		vm_ko "$m"
		cp "$VM_KO_CACHE/$m.ko" "$root/lib/modules/"
	done
	printf '%s\n' "${VM_MODULE_ORDER[@]}" >"$root/etc/modules"
	cp "$VM_DIR/boot-init.sh" "$root/init"
	chmod 0755 "$root/init"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) >"$out.tmp" ||
		{ rm -rf "$root"; vm_die "cpio failed"; }
	mv "$out.tmp" "$out"
	rm -rf "$root"
}

# vm_root_boot IMG INITRD OUTDIR APPEND DEVICE...: one boot. Root disk
# 00:05.0, output disk 00:07.0 (serial iommuctl-out, 64 MiB, a tar archive
# when the guest wrote one), then DEVICE... (-device values; the tests use
# 00:04.0 and a root port at 00:06.0). OUTDIR/.vm/: console.log, qemu.log,
# qemu.cmd. Sets VM_BOOT_SECONDS. Returns 0 when the guest powered off and
# left results, 2 otherwise (timeout, QEMU error, nothing written).
vm_root_boot() {
	local img=$1 initrd=$2 outdir=$3 append=$4 disk rc=0 t0 console d
	shift 4
	local -a devs=()
	for d in "$@"; do devs+=(-device "$d"); done
	mkdir -p "$outdir/.vm"
	disk=$outdir/.vm/out.img
	rm -f "$disk"
	truncate -s 64M "$disk"
	if [[ $VM_VERBOSE == 1 ]]; then
		console="stdio,id=con,signal=off,logfile=$outdir/.vm/console.log"
	else
		console="file,id=con,path=$outdir/.vm/console.log"
	fi
	local -a cmd=(
		timeout -k 5 "$VM_BOOT_TIMEOUT"
		qemu-system-x86_64 -machine q35,kernel-irqchip=split -accel tcg
		-m "${IOMMUCTL_VM_MEM:-512M}" -smp 1 -nodefaults -no-user-config -no-reboot
		-display none -monitor none -chardev "$console" -serial chardev:con
		-kernel "$VM_KERNEL" -initrd "$initrd"
		-append "console=ttyS0,115200 panic=-1 $VM_X86_APPEND intel_iommu=on iommuctl_boot.root=iommuctl-root systemd.firstboot=off $append"
		-device "${VM_SCN_DEVICE[vtd]}"
		-drive "if=none,id=root,format=raw,file=$img"
		-device virtio-blk-pci,addr=0x5,drive=root,serial=iommuctl-root
		-drive "if=none,id=out,format=raw,file=$disk"
		-device virtio-blk-pci,addr=0x7,drive=out,serial=iommuctl-out
		"${devs[@]}"
	)
	printf '%q ' "${cmd[@]}" >"$outdir/.vm/qemu.cmd"
	t0=$(date +%s.%N)
	"${cmd[@]}" </dev/null 2>"$outdir/.vm/qemu.log" || rc=$?
	VM_BOOT_SECONDS=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	if ((rc == 124 || rc == 137)); then
		vm_log "ERROR: the boot timed out after ${VM_BOOT_TIMEOUT}s; console: $outdir/.vm/console.log"
		tail -n 20 "$outdir/.vm/console.log" | sed 's/^/vm:   | /' >&2
		return 2
	elif ((rc != 0)); then
		vm_log "ERROR: QEMU exited with status $rc: $(tail -n 3 "$outdir/.vm/qemu.log" | tr '\n' ' ')"
		return 2
	fi
	# GNU tar reads an all-zero disk as an empty archive: judge by a file the guest writes
	if ! tar --no-same-owner -xf "$disk" -C "$outdir" 2>"$outdir/.vm/tar.log" || [[ ! -f $outdir/done ]]; then
		vm_log "ERROR: the guest wrote no results; console: $outdir/.vm/console.log"
		tail -n 20 "$outdir/.vm/console.log" | sed 's/^/vm:   | /' >&2
		return 2
	fi
	rm -f "$disk"
	return 0
}
