# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054,SC2034 # QEMU options hold commas; variables are for callers
# tests/vm/lib-world.sh: the second world of tests/vm -- Linux 7.2 under QEMU 11 --
# beside the first (Debian 12's 6.12 kernels under the host's QEMU 7.2). lib.sh
# sources it. Nothing here changes a 6.12 scenario.
#
# A scenario belongs to the 7.2 world when VM_SCN_WORLD[S]=7.2; its name ends
# in -7.2 (vtd-7.2, arm64-smmuv3-16k-7.2, riscv-7.2, ...). For such a scenario
#   - the kernel is Debian unstable's stock linux-binary-7.2.*+deb14-FLAVOUR
#     (with its linux-modules- package), read through an apt configuration
#     private to the cache ($VM_CACHE/apt-sid: all four architectures, the
#     host's sources and dpkg untouched) and unpacked into
#     $VM_CACHE/kernel-sid/<release>/ (IOMMUCTL_VM_SID_KERNEL=<release> pins
#     one, e.g. 7.2.13+deb14; default: the newest 7.2 in the index, or in the
#     cache when the index cannot be read);
#   - QEMU is Debian unstable's (11.1 when this was written), from a minimal
#     root debootstrapped once into $VM_CACHE/qemu-sid/<key>/root and run
#     through that root's own dynamic loader and libraries (no chroot): the
#     scripts in $VM_CACHE/qemu-sid/<key>/bin/ stand for its binaries.
#     IOMMUCTL_VM_QEMU11_ROOT=DIR uses an existing root of that kind instead.
#
#   vm_world SCENARIO          6.12 or 7.2
#   vm_qemu_bin NAME           the executable to run for QEMU binary NAME
#                              (qemu-system-x86_64, ...) in the current world
#   vm_qemu_version            "11.1.3" (the current world's QEMU)
#   vm_world_line SCENARIO     "SCENARIO: Linux <release>, QEMU <version>"
#                              (after vm_select + vm_fetch_kernel)
#   vm_sid_apt TOOL ARGS...    apt-get/apt-cache in the private sid configuration
#   vm_sid_unpack ARCH DIR PKG...   download PKG... (ARCH) from sid and unpack them
#                              into DIR/root, once (DIR/.complete)
#   vm_sid_fetch_kernel        (vm_fetch_kernel calls it) sets VM_KVER,
#                              VM_KERNEL, VM_MODDIR, VM_KO_CACHE
#   VM_SID_ROOT                the QEMU 11 root (set by vm_qemu_bin in 7.2), for
#                              firmware paths such as OpenSBI's

VM_SID_SUITE=${IOMMUCTL_VM_SID_SUITE:-sid}
VM_SID_MIRROR=${IOMMUCTL_VM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
VM_SID_SERIES=7.2
# The QEMU packages of the root: every system emulator the scenarios use and
# their firmware (OpenSBI for RISC-V, EDK2 for arm64's ACPI boot).
VM_SID_QEMU_PKGS=(qemu-system-x86 qemu-system-arm qemu-system-ppc qemu-system-riscv
	opensbi qemu-efi-aarch64)
VM_WORLD=6.12


# The x86 scenarios of the 7.2 world: the 6.12 ones again, and VT-d scalable
# mode with first-stage translation (QEMU 11's fsts; svm needs device-iotlb),
# which QEMU 7.2 cannot emulate. QEMU 11 takes only aw-bits=48 with fsts (and
# 39 or 48 otherwise), so the first stage is 4-level x86-64 paging (FSPM 0):
# no 5-level table of either stage can be had. With fsts the unit has no
# second stage (ECAP FSTS without SLTS) and Linux 7.2 puts every DMA domain in
# a first-stage table (intel_iommu_domain_alloc_first_stage). -cpu max: the
# guest CPU has 1 GiB pages (the kernel allows them in first-stage tables
# with CAP FS1GP) and x2APIC (amd-7.2's xtsup). amd-7.2 also turns on QEMU
# 11's dma-remap (the translation path of VFIO devices under a virtual AMD
# IOMMU) and xtsup (x2APIC interrupt remapping: "AMD-Vi: X2APIC enabled").
VM_SCENARIOS+=(vtd-7.2 vtd-sm-7.2 amd-7.2)
VM_SCN_WORLD[vtd-7.2]=7.2
VM_SCN_WORLD[vtd-sm-7.2]=7.2
VM_SCN_WORLD[amd-7.2]=7.2
VM_SCN_DEVICE[vtd-7.2]=intel-iommu,intremap=on,caching-mode=on
VM_SCN_DEVICE[vtd-sm-7.2]=intel-iommu,intremap=on,caching-mode=on,scalable-mode=on,fsts=on,pasid-bits=20,svm=on,device-iotlb=on,aw-bits=48
VM_SCN_DEVICE[amd-7.2]=amd-iommu,intremap=on,dma-remap=on,xtsup=on
VM_SCN_APPEND[vtd-7.2]=intel_iommu=on
VM_SCN_APPEND[vtd-sm-7.2]=intel_iommu=on,sm_on
VM_SCN_APPEND[amd-7.2]=''
VM_SCN_MODULES[vtd-7.2]=''
VM_SCN_MODULES[vtd-sm-7.2]=''
VM_SCN_MODULES[amd-7.2]=''
VM_SCN_CPU[vtd-7.2]=max
VM_SCN_CPU[vtd-sm-7.2]=max
VM_SCN_CPU[amd-7.2]=max

vm_world() { echo "${VM_SCN_WORLD[$1]:-6.12}"; }

# The private apt configuration of the sid packages (kernels of every
# flavour, busybox and sysroots of foreign architectures).
VM_SID_APT=$VM_CACHE/apt-sid
vm_sid_apt() {
	local tool=$1 d=$VM_SID_APT
	shift
	"$tool" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::Status="$d/status" \
		-o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
		-o APT::Architectures::=ppc64el -o APT::Architectures::=riscv64 \
		-o APT::Sandbox::User="$(id -un)" -q "$@"
}

# vm_sid_update [force]: read sid's indexes (once per cache, or again with
# force). Returns 1 when apt cannot read them.
vm_sid_update() {
	local d=$VM_SID_APT lockfd rc=0
	[[ -e $d/.updated && ${1:-} != force ]] && return 0
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" || return 1
	exec {lockfd}>"$d.lock"
	flock "$lockfd"
	if [[ ! -e $d/.updated || ${1:-} == force ]]; then
		[[ -e $d/status ]] || : >"$d/status"
		echo "deb [arch=amd64,arm64,ppc64el,riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $VM_SID_MIRROR $VM_SID_SUITE main" >"$d/sources.list"
		vm_log "reading Debian $VM_SID_SUITE's indexes (amd64, arm64, ppc64el, riscv64) into $d"
		if vm_sid_apt apt-get update >&2; then touch "$d/.updated"; else rc=1; fi
	fi
	exec {lockfd}>&-
	return "$rc"
}

# vm_sid_unpack ARCH DIR PKG...: PKG... of ARCH from sid, unpacked into
# DIR/root once (DIR/.complete). Returns 1 with a message when it cannot.
vm_sid_unpack() {
	local arch=$1 dir=$2
	shift 2
	_vm_unpack_with "$dir" "$* ($arch, $VM_SID_SUITE)" _vm_sid_download "$arch" "$@"
}

# _vm_sid_download ARCH DIR PKG...: PKG... of ARCH from sid into DIR (the
# indexes read again once when an old one names what the mirror no longer has)
_vm_sid_download() {
	local arch=$1 dir=$2 p
	shift 2
	local -a qual=()
	for p in "$@"; do qual+=("${p%:*}:$arch"); done
	{ vm_sid_update && (cd "$dir" && vm_sid_apt apt-get download "${qual[@]}" >&2); } ||
		{ vm_sid_update force && (cd "$dir" && vm_sid_apt apt-get download "${qual[@]}" >&2); }
}

# Debian's name of the architecture of a kernel flavour
_vm_sid_arch() {
	case $1 in
	amd64) echo amd64 ;;
	arm64*) echo arm64 ;;
	powerpc64le*) echo ppc64el ;;
	riscv64) echo riscv64 ;;
	*) vm_die "no Debian architecture known for kernel flavour $1" ;;
	esac
}

# vm_sid_fetch_kernel: the stock 7.2 kernel of VM_FLAVOUR (image, modules and
# config), with the modules.dep depmod made for it. Sets VM_KVER (e.g.
# 7.2.13+deb14-amd64), VM_KERNEL, VM_MODDIR, VM_KO_CACHE.
vm_sid_fetch_kernel() {
	local rel=${IOMMUCTL_VM_SID_KERNEL:-} kdir lockfd arch
	arch=$(_vm_sid_arch "$VM_FLAVOUR")
	mkdir -p "$VM_CACHE/kernel-sid" || vm_die "cannot create $VM_CACHE/kernel-sid"
	if [[ -z $rel ]]; then
		kdir=$(find "$VM_CACHE/kernel-sid" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' 2>/dev/null |
			grep -E "/${VM_SID_SERIES//./\\.}\.[0-9]+\+deb[0-9]+-$VM_FLAVOUR\$" | sort -V | tail -n1)
		if [[ -n $kdir ]]; then
			rel=${kdir##*/}
			rel=${rel%-"$VM_FLAVOUR"}
		else
			vm_sid_update || vm_die "cannot read Debian $VM_SID_SUITE's package indexes (a download failure?)"
			rel=$(vm_sid_apt apt-cache pkgnames "linux-binary-$VM_SID_SERIES." 2>/dev/null |
				grep -E "^linux-binary-${VM_SID_SERIES//./\\.}\.[0-9]+\+deb[0-9]+-$VM_FLAVOUR\$" |
				sort -V | tail -n1)
			[[ -n $rel ]] || vm_die "no linux-binary-$VM_SID_SERIES.*-$VM_FLAVOUR in Debian $VM_SID_SUITE's index"
			rel=${rel#linux-binary-}
			rel=${rel%-"$VM_FLAVOUR"}
		fi
	fi
	VM_KVER=$rel-$VM_FLAVOUR
	kdir=$VM_CACHE/kernel-sid/$VM_KVER
	exec {lockfd}>"$VM_CACHE/kernel-sid/.lock"
	flock "$lockfd"
	if [[ ! -e $kdir/.complete ]]; then
		vm_sid_unpack "$arch" "$kdir.fetch" "linux-binary-$VM_KVER" "linux-modules-$VM_KVER" \
			"linux-base-$VM_KVER" || { exec {lockfd}>&-; vm_die "cannot fetch Linux $VM_KVER from Debian $VM_SID_SUITE"; }
		# the modules live under /usr/lib/modules; the package has no modules.dep
		vm_depmod -b "$kdir.fetch/root/usr" "$VM_KVER" ||
			{ exec {lockfd}>&-; vm_die "depmod failed for $VM_KVER"; }
		rm -rf "$kdir"
		mv "$kdir.fetch" "$kdir"
	fi
	exec {lockfd}>&-
	VM_MODDIR=$kdir/root/usr/lib/modules/$VM_KVER
	VM_KERNEL=$VM_MODDIR/vmlinuz
	VM_KO_CACHE=$kdir/ko
	[[ -f $VM_KERNEL ]] || vm_die "Linux $VM_KVER from $VM_SID_SUITE has no vmlinuz in $VM_MODDIR"
}

# vm_sid_qemu_root: the QEMU 11 root (debootstrap --variant=minbase sid with
# VM_SID_QEMU_PKGS), built once per package list (about 90 s and 250 MB), and
# the wrapper scripts in its bin/. Sets VM_SID_ROOT and VM_SID_QEMU_BIN.
vm_sid_qemu_root() {
	local key dir tmp lockfd rc=0 list b
	if [[ -n ${IOMMUCTL_VM_QEMU11_ROOT:-} ]]; then
		dir=$VM_CACHE/qemu-sid/given-$(printf '%s' "$IOMMUCTL_VM_QEMU11_ROOT" | sha256sum | cut -c1-12)
		_vm_sid_wrappers "$IOMMUCTL_VM_QEMU11_ROOT" "$dir"
		return 0
	fi
	list=$(printf '%s\n' "${VM_SID_QEMU_PKGS[@]}" | sort -u)
	key=$(printf '%s minbase\n%s\n' "$VM_SID_SUITE" "$list" | sha256sum | cut -c1-12)
	dir=$VM_CACHE/qemu-sid/$key
	if [[ ! -e $dir/.complete ]]; then
		[[ $(id -u) -eq 0 ]] || vm_die "only root can run debootstrap (the QEMU 11 root of the $VM_SID_SERIES world)"
		command -v debootstrap >/dev/null 2>&1 || vm_apt_install debootstrap
		mkdir -p "$VM_CACHE/qemu-sid"
		exec {lockfd}>"$VM_CACHE/qemu-sid/.lock"
		flock "$lockfd"
		if [[ ! -e $dir/.complete ]]; then
			tmp=$(mktemp -d "$VM_CACHE/qemu-sid/.build.XXXXXX")
			chmod 0755 "$tmp"
			vm_log "debootstrap $VM_SID_SUITE (minbase + $(echo "$list" | tr '\n' ' ')) into $dir (once; about 90 s)"
			debootstrap --variant=minbase --include="$(echo "$list" | paste -sd,)" \
				"$VM_SID_SUITE" "$tmp/root" "$VM_SID_MIRROR" >"$tmp/debootstrap.log" 2>&1 || rc=$?
			if ((rc)) || [[ ! -x $tmp/root/usr/bin/qemu-system-x86_64 ]]; then
				cp "$tmp/debootstrap.log" "$VM_CACHE/qemu-sid/last-failure.log" 2>/dev/null
				rm -rf "$tmp"
				exec {lockfd}>&-
				vm_die "debootstrap $VM_SID_SUITE with QEMU failed (status $rc; a download failure?): $(grep -E '^[EW]:' "$VM_CACHE/qemu-sid/last-failure.log" | tail -n 2 | tr '\n' ' ')(log: $VM_CACHE/qemu-sid/last-failure.log)"
			fi
			rm -f "$tmp/root/var/cache/apt/archives/"*.deb
			rm -rf "$dir"
			mv "$tmp" "$dir"
			_vm_sid_wrappers "$dir/root" "$dir" || { exec {lockfd}>&-; vm_die "QEMU in $dir/root does not run"; }
			touch "$dir/.complete"
		fi
		exec {lockfd}>&-
	fi
	VM_SID_ROOT=$dir/root
	VM_SID_QEMU_BIN=$dir/bin
}

# _vm_sid_wrappers ROOT DIR: DIR/bin/qemu-* scripts that run ROOT's QEMU
# binaries through ROOT's loader and libraries, with ROOT's firmware and
# modules; DIR/version records what `qemu-system-x86_64 --version` says.
_vm_sid_wrappers() {
	local r=$1 dir=$2 b n ld
	ld=$r/usr/lib64/ld-linux-x86-64.so.2
	[[ -x $ld ]] || ld=$r/lib64/ld-linux-x86-64.so.2
	[[ -x $ld ]] || { vm_log "no x86-64 dynamic loader in $r"; return 1; }
	mkdir -p "$dir/bin"
	for b in "$r"/usr/bin/qemu-system-* "$r"/usr/bin/qemu-img; do
		[[ -f $b ]] || continue
		n=${b##*/}
		{
			printf '#!/bin/sh\n# %s of %s, through its own loader and libraries\n' "$n" "$r"
			printf 'QEMU_MODULE_DIR=%q/usr/lib/x86_64-linux-gnu/qemu; export QEMU_MODULE_DIR\n' "$r"
			if [[ $n == qemu-system-* ]]; then
				printf 'exec %q --argv0 %q --library-path %q %q -L %q "$@"\n' "$ld" "$n" \
					"$r/usr/lib/x86_64-linux-gnu:$r/lib/x86_64-linux-gnu" "$b" "$r/usr/share/qemu"
			else
				printf 'exec %q --argv0 %q --library-path %q %q "$@"\n' "$ld" "$n" \
					"$r/usr/lib/x86_64-linux-gnu:$r/lib/x86_64-linux-gnu" "$b"
			fi
		} >"$dir/bin/$n.tmp"
		chmod 0755 "$dir/bin/$n.tmp"
		mv "$dir/bin/$n.tmp" "$dir/bin/$n"
	done
	"$dir/bin/qemu-system-x86_64" --version 2>&1 | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p' >"$dir/version.tmp"
	[[ -s $dir/version.tmp ]] || { vm_log "$dir/bin/qemu-system-x86_64 --version failed"; rm -f "$dir/version.tmp"; return 1; }
	mv "$dir/version.tmp" "$dir/version"
	VM_SID_ROOT=$r
	VM_SID_QEMU_BIN=$dir/bin
}

# vm_qemu_bin NAME: the QEMU binary NAME of the current world
vm_qemu_bin() {
	if [[ $VM_WORLD == 7.2 ]]; then
		[[ -n ${VM_SID_QEMU_BIN:-} ]] || vm_sid_qemu_root
		[[ -x $VM_SID_QEMU_BIN/$1 ]] || vm_die "the QEMU 11 root has no $1 (packages: ${VM_SID_QEMU_PKGS[*]})"
		echo "$VM_SID_QEMU_BIN/$1"
	else
		echo "$1"
	fi
}

# vm_qemu_version: the version of the current world's QEMU
vm_qemu_version() {
	if [[ $VM_WORLD == 7.2 ]]; then
		# here, not in vm_qemu_bin's subshell: VM_SID_QEMU_BIN must stay set
		[[ -n ${VM_SID_QEMU_BIN:-} ]] || vm_sid_qemu_root
		cat "$VM_SID_QEMU_BIN/../version" 2>/dev/null
	else
		qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p'
	fi
}

# vm_world_line SCENARIO: which kernel and QEMU a scenario runs on
vm_world_line() {
	local s=$1 k=${VM_KVER:-?}
	[[ ${VM_BUILTIN:-0} == 1 ]] && k="$k (rebuilt: ${VM_KERNEL:-?})"
	printf '%s: Linux %s, QEMU %s\n' "$s" "$k" "$(vm_qemu_version)"
}
