# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054,SC2034 # QEMU options hold commas; variables are for callers
# tests/vm/lib.sh: run guest scripts on a real kernel with an emulated IOMMU.
# Source it from bash. It fetches Debian's stock linux-image-6.12 amd64 kernel
# into a cache outside the repository, builds a busybox-static initramfs around
# a guest script (plus iommuctl and its libraries), boots one scenario under
# qemu-system-x86_64 (q35, TCG) with a timeout, and brings the guest's /out back.
#
#   . tests/vm/lib.sh
#   vm_run vtd my-guest-script.sh /tmp/out      # fetch + initramfs + boot
#   vm_fetch_kernel; vm_build_initramfs initrd.cpio script.sh; vm_boot amd initrd.cpio /tmp/out
#
# Environment: IOMMUCTL (binary to put in the guest, default <repo>/iommuctl),
# IOMMUCTL_VM_CACHE, IOMMUCTL_VM_KERNEL_PKG, IOMMUCTL_VM_TIMEOUT, IOMMUCTL_VM_MEM,
# IOMMUCTL_VM_SMP, IOMMUCTL_VM_APPEND, IOMMUCTL_VM_MODULES, IOMMUCTL_VM_VERBOSE;
# VM_QEMU_EXTRA (bash array) adds QEMU options. IOMMUCTL_VM_KERNEL_IMAGE boots a
# bzImage with everything built in instead (tests/vm/build-kernel.sh makes one with
# iommufd): no modules are packed or loaded. lib-arm64.sh (sourced below) adds
# the arm64 SMMUv3 scenarios (qemu-system-aarch64, a cross-built iommuctl in
# $IOMMUCTL_ARM64), lib-ppc64.sh the POWER one (qemu-system-ppc64 powernv9,
# $IOMMUCTL_PPC64); vm_select SCENARIO picks a scenario's kernel flavour. See
# tests/vm/README.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_REPO=$(git -C "$VM_DIR" rev-parse --show-toplevel 2>/dev/null || (cd "$VM_DIR/../.." && pwd))
VM_CACHE=${IOMMUCTL_VM_CACHE:-$HOME/.cache/iommuctl-vm}
VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-120}
VM_MEM=${IOMMUCTL_VM_MEM:-512M}
VM_SMP=${IOMMUCTL_VM_SMP:-1}
VM_VERBOSE=${IOMMUCTL_VM_VERBOSE:-0}
VM_OUT_DISK_SIZE=${IOMMUCTL_VM_OUT_DISK_SIZE:-64M}
: "${IOMMUCTL:=$VM_REPO/iommuctl}"
if ! declare -p VM_QEMU_EXTRA >/dev/null 2>&1; then
	VM_QEMU_EXTRA=()
fi

# The world of a scenario (lib-world.sh: 6.12 by default, 7.2 for Linux 7.2
# under QEMU 11) and its QEMU CPU (arm64 always; x86 where set).
declare -A VM_SCN_WORLD=() VM_SCN_CPU=()

# Scenarios: the IOMMU device (it comes first among the devices: QEMU starts
# without complaint when it does not, but PCI devices created before the
# intel-iommu get their DMA address space without it), extra kernel command line,
# and the modules to load before the common ones (the IOMMU driver must exist
# before the device drivers bind).
VM_SCENARIOS=(vtd vtd-sm amd virtio vtd-topo)
declare -A VM_SCN_DEVICE=(
	[vtd]=intel-iommu,intremap=on,caching-mode=on
	[vtd-topo]=intel-iommu,intremap=on,caching-mode=on
	[vtd-sm]=intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on,aw-bits=48
	[amd]=amd-iommu,intremap=on
	[virtio]=virtio-iommu-pci
)
declare -A VM_SCN_APPEND=(
	[vtd]=intel_iommu=on
	[vtd-topo]=intel_iommu=on
	[vtd-sm]=intel_iommu=on,sm_on
	[amd]=''
	# x86 virtio-iommu has no interrupt remapping: VFIO refuses it without this.
	[virtio]=vfio_iommu_type1.allow_unsafe_interrupts=1
)
declare -A VM_SCN_MODULES=(
	[vtd]=''
	[vtd-sm]=''
	[amd]=''
	[virtio]=virtio_iommu
	[vtd-topo]=''
)
# Booted only when named (not in VM_SCENARIOS, so never captured as fixtures),
# for doctor's verdicts (tests/cli/test-vm-doctor.sh): noiommu has no IOMMU
# device at all (no DMAR, no groups), vtd-pt the vtd device with passthrough
# as the default domain (iommu=pt), vtd-off the vtd device turned off on the
# command line (a DMAR table, no groups).
VM_SCN_DEVICE[noiommu]=''
VM_SCN_APPEND[noiommu]=''
VM_SCN_MODULES[noiommu]=''
VM_SCN_DEVICE[vtd-pt]=${VM_SCN_DEVICE[vtd]}
VM_SCN_APPEND[vtd-pt]='intel_iommu=on iommu=pt'
VM_SCN_MODULES[vtd-pt]=''
VM_SCN_DEVICE[vtd-off]=${VM_SCN_DEVICE[vtd]}
VM_SCN_APPEND[vtd-off]='intel_iommu=off'
VM_SCN_MODULES[vtd-off]=''
# Loaded in every scenario, in this order: the output disk, the NIC driver, VFIO.
VM_COMMON_MODULES=(virtio_blk e1000e vfio vfio_iommu_type1 vfio_pci)

# Guest devices, the same in every scenario (fixed addresses keep BDFs stable):
#   00:03.0 edu (DMA test device, no driver)   00:04.0 e1000e (driver e1000e)
#   00:05.0 virtio-blk (output disk)           00:06.0 pcie-root-port -> 01:00.0 e1000e
# romfile= keeps QEMU from loading iPXE option ROMs (faster, and no ipxe-qemu needed).
VM_DEVICES=(
	-device edu,addr=0x3,dma_mask=0xffffffffffffffff
	-device e1000e,addr=0x4,romfile=
	-device virtio-blk-pci,addr=0x5,drive=vmout,serial=iommuctl-out
	-device pcie-root-port,id=rp1,addr=0x6,chassis=1,slot=1
	-device e1000e,bus=rp1,addr=0x0,romfile=
)
# Devices a scenario adds after VM_DEVICES (x86 only; empty for the others).
# vtd-topo makes the kernel's grouping rules bite (iommuctl explain):
#   00:07.0 root port (ACS) -> switch: x3130-upstream -> two xio3130-downstream
#           (no ACS) -> an e1000e and an edu behind them
#   00:08.0 root port with ACS disabled -> edu
#   00:09.0 root port (ACS) -> a two-function e1000e (multifunction, no ACS)
#   00:0a.0 pci-bridge (conventional) -> two edu
#   00:0b.0 root port -> pcie-pci-bridge -> edu
#   00:0c.0/.1 e1000e, multifunction on the root bus (Intel RCiEPs: quirk)
#   00:0d.0/.1 edu, multifunction on the root bus (conventional)
declare -A VM_SCN_DEVICES_EXTRA=(
	[vtd-topo]='-device pcie-root-port,id=rp2,addr=0x7,chassis=2,slot=2
	-device x3130-upstream,id=up1,bus=rp2
	-device xio3130-downstream,id=dn1,bus=up1,chassis=3,slot=1
	-device xio3130-downstream,id=dn2,bus=up1,chassis=4,slot=2
	-device e1000e,bus=dn1,addr=0x0,romfile=
	-device edu,bus=dn2,addr=0x0
	-device pcie-root-port,id=rp3,addr=0x8,chassis=5,slot=3,disable-acs=on
	-device edu,bus=rp3,addr=0x0
	-device pcie-root-port,id=rp4,addr=0x9,chassis=6,slot=4
	-device e1000e,bus=rp4,addr=0x0.0,multifunction=on,romfile=
	-device e1000e,bus=rp4,addr=0x0.1,romfile=
	-device pci-bridge,id=pb1,addr=0xa,chassis_nr=7
	-device edu,bus=pb1,addr=0x1
	-device edu,bus=pb1,addr=0x2
	-device pcie-root-port,id=rp5,addr=0xb,chassis=8,slot=5
	-device pcie-pci-bridge,id=ppb1,bus=rp5
	-device edu,bus=ppb1,addr=0x1
	-device e1000e,addr=0xc.0,multifunction=on,romfile=
	-device e1000e,addr=0xc.1,romfile=
	-device edu,addr=0xd.0,multifunction=on
	-device edu,addr=0xd.1'
)

# The arm64 (SMMUv3) scenarios; they change nothing for the x86 ones. The current
# kernel flavour (VM_FLAVOUR: amd64, arm64, arm64-16k) decides the kernel, the
# busybox, the iommuctl binary and the QEMU command; vm_select SCENARIO sets it.
VM_FLAVOUR=amd64
VM_ARCH=x86_64
# shellcheck source-path=SCRIPTDIR source=lib-arm64.sh
. "$VM_DIR/lib-arm64.sh"
# The POWER (PowerNV) scenario: flavour powerpc64le, VM_ARCH ppc64.
# shellcheck source-path=SCRIPTDIR source=lib-ppc64.sh
. "$VM_DIR/lib-ppc64.sh"
# The 7.2 world (Linux 7.2 under QEMU 11) and its x86 scenarios.
# shellcheck source-path=SCRIPTDIR source=lib-world.sh
. "$VM_DIR/lib-world.sh"
# The RISC-V IOMMU scenario (riscv-7.2): flavour riscv64, VM_ARCH riscv64.
# shellcheck source-path=SCRIPTDIR source=lib-riscv64.sh
. "$VM_DIR/lib-riscv64.sh"

vm_log() { printf 'vm: %s\n' "$*" >&2; }
vm_die() {
	printf 'vm: ERROR: %s\n' "$*" >&2
	exit 1
}

vm_is_scenario() {
	[[ -n "${1:-}" && -v "VM_SCN_DEVICE[$1]" ]]
}

# Install what the harness needs from Debian's packages when it is missing.
vm_need_tools() {
	local missing=() pkgs=() t
	local -A pkg_of=(
		[qemu-system-x86_64]=qemu-system-x86 [cpio]=cpio [xz]=xz-utils [depmod]=kmod
		[dpkg-deb]=dpkg [apt-get]=apt [timeout]=coreutils [tar]=tar
	)
	for t in "${!pkg_of[@]}"; do
		if ! command -v "$t" >/dev/null 2>&1 && [[ ! -x /sbin/$t ]]; then
			missing+=("$t")
			pkgs+=("${pkg_of[$t]}")
		fi
	done
	if ! vm_busybox_static >/dev/null; then
		missing+=("static busybox")
		pkgs+=(busybox-static)
	fi
	((${#missing[@]})) || return 0
	vm_apt_install "${pkgs[@]}"
	vm_busybox_static >/dev/null || vm_die "no statically linked busybox after installing busybox-static"
}

# vm_apt_install PKG...: apt-get install them (needs root), once more after
# apt-get update when the index is stale; dies saying what to run otherwise.
vm_apt_install() {
	[[ $(id -u) -eq 0 ]] || vm_die "missing tools: run as root: apt-get install $*"
	vm_log "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 ||
		{ apt-get update -q >&2 || vm_log "apt-get update reported errors (an index not needed here?): trying the install"; DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends "$@" >&2; } ||
		vm_die "apt-get install $* failed"
}

# Foreign-architecture packages (arm64, ppc64el: kernels, busybox, the
# libraries the cross builds link) come through an apt configuration private
# to the cache, $VM_CACHE/apt-ARCH: the machine's Debian sources are read
# (apt-get indextargets) but never changed, and dpkg learns no foreign
# architecture. (An added architecture whose index fails to download makes
# every later apt-get update on the machine fail, the next harness's too.)
#   vm_foreign_apt ARCH TOOL ARGS...   runs apt-get/apt-cache in that configuration
vm_foreign_apt() {
	local arch=$1 tool=$2 d=$VM_CACHE/apt-$1
	shift 2
	"$tool" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::Status="$d/status" \
		-o APT::Architecture="$arch" -o APT::Architectures::="$arch" \
		-o APT::Sandbox::User="$(id -un)" -q "$@"
}

# vm_foreign_update ARCH [force]: read ARCH's indexes (once per cache, or
# again with force). A source that fails to update is tolerated: what
# matters is whether the packages can then be downloaded.
vm_foreign_update() {
	local arch=$1 d=$VM_CACHE/apt-$1
	[[ -e $d/.updated && ${2:-} != force ]] && return 0
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" || return 1
	[[ -e $d/status ]] || : >"$d/status"
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	apt-get indextargets --format '$(SITE) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' 'Origin: Debian' |
		sort -u | while read -r site rel comp; do
			echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $site $rel $comp"
		done >"$d/sources.list"
	[[ -s $d/sources.list ]] || { vm_log "apt knows no Debian source to read $arch packages from"; return 1; }
	vm_log "reading the $arch indexes of the machine's Debian sources into $d"
	vm_foreign_apt "$arch" apt-get update >&2 || vm_log "apt-get update ($arch) reported errors; going on"
	touch "$d/.updated"
}

# vm_foreign_download ARCH DIR PKG...: download ARCH's packages into DIR
# (reading the indexes again once if an old one names what the mirror no
# longer has; last, through _vm_ARCH_download_fallback DIR PKG... when the
# architecture's file defines one). Returns 1 when apt cannot.
vm_foreign_download() {
	local arch=$1 dir=$2
	shift 2
	if vm_foreign_update "$arch"; then
		(cd "$dir" && vm_foreign_apt "$arch" apt-get download "$@" >&2) && return 0
		vm_foreign_update "$arch" force &&
			(cd "$dir" && vm_foreign_apt "$arch" apt-get download "$@" >&2) && return 0
	fi
	declare -F "_vm_${arch}_download_fallback" >/dev/null && "_vm_${arch}_download_fallback" "$dir" "$@"
}

# vm_foreign_unpack ARCH DIR PKG...: download the packages and unpack them
# all into DIR/root (once; DIR/.complete marks it). Returns 1 when that fails.
vm_foreign_unpack() {
	local arch=$1 dir=$2
	shift 2
	_vm_unpack_with "$dir" "$* ($arch)" vm_foreign_download "$arch" "$@"
}

# _vm_unpack_with DIR WHAT DOWNLOAD ARG...: DOWNLOAD ARG1 TMPDIR ARG2... puts
# .deb files into TMPDIR; they are unpacked into DIR/root, once (DIR/.complete)
_vm_unpack_with() {
	local dir=$1 what=$2 dl=$3 first=$4 tmp deb
	shift 4
	[[ -e $dir/.complete ]] && return 0
	mkdir -p "$(dirname "$dir")"
	tmp=$(mktemp -d "$(dirname "$dir")/.fetch.XXXXXX")
	chmod 0755 "$tmp"
	vm_log "fetching $what into $dir"
	if ! "$dl" "$first" "$tmp" "$@"; then
		rm -rf "$tmp"
		vm_log "apt-get download $what failed"
		return 1
	fi
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; vm_log "dpkg-deb -x $deb failed"; return 1; }
		rm -f "$deb"
	done
	rm -rf "$dir"
	mv "$tmp" "$dir"
	touch "$dir/.complete"
}

# vm_foreign_sysroot ARCH SYSROOT PKG...: the libraries a cross build links
# (their -dev packages and what those need), unpacked into SYSROOT (once).
# Absolute symlinks (libz.so -> /lib/...) are made relative so that they
# resolve inside the sysroot. SYSROOT/.complete holds the package list: a
# sysroot cached for another list (a library the build gained) is rebuilt.
vm_foreign_sysroot() {
	local arch=$1 sr=$2 l t lockfd
	shift 2
	[[ -e $sr/.complete && $(<"$sr/.complete") == "$*" ]] && return 0
	# concurrent first runs (make check while capture-fixtures.sh) build it once
	mkdir -p "$(dirname "$sr")"
	exec {lockfd}>"$sr.lock"
	flock "$lockfd"
	if [[ -e $sr/.complete && $(<"$sr/.complete") == "$*" ]]; then
		exec {lockfd}>&-
		return 0
	fi
	rm -rf "$sr.tmp"
	vm_foreign_unpack "$arch" "$sr.tmp" "$@" || { exec {lockfd}>&-; return 1; }
	while IFS= read -r l; do
		t=$(readlink "$l")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$sr.tmp/root$t")" "$l"
	done < <(find "$sr.tmp/root" -type l -lname '/*')
	rm -rf "$sr"
	mv "$sr.tmp/root" "$sr"
	rm -rf "$sr.tmp"
	printf '%s' "$*" > "$sr/.complete"
	exec {lockfd}>&-
}

# vm_cross_build ARCH CROSS MULTIARCH SYSROOT OBJDIR: cross-build iommuctl
# into $VM_REPO/OBJDIR/iommuctl against the sysroot with CROSS-gcc.
vm_cross_build() {
	local arch=$1 cross=$2 ma=$3 sr=$4 o=$5 d ldflags='' rpath=''
	for d in "$sr/usr/lib/$ma" "$sr/lib/$ma"; do
		ldflags+=" -L$d"
		rpath+=${rpath:+:}$d
	done
	PKG_CONFIG_LIBDIR=$sr/usr/lib/$ma/pkgconfig:$sr/usr/share/pkgconfig \
		PKG_CONFIG_SYSROOT_DIR=$sr \
		make -C "$VM_REPO" -s -j"$(nproc)" O="$o" CC="$cross-gcc" \
		CPPFLAGS="-I$sr/usr/include -I$sr/usr/include/$ma" LDFLAGS="$ldflags -Wl,-rpath-link=$rpath" \
		"$o/iommuctl" >&2 || { vm_log "cross build of iommuctl for $arch failed"; return 1; }
}

# Print the path of a statically linked busybox, or fail.
vm_busybox_static() {
	local bb
	for bb in /bin/busybox /usr/bin/busybox; do
		[[ -x $bb ]] || continue
		# ldd fails on a static binary: look at what it says, not at its status.
		if [[ $(LC_ALL=C ldd "$bb" 2>&1) == *"not a dynamic executable"* ]]; then
			echo "$bb"
			return 0
		fi
	done
	return 1
}

vm_depmod() {
	if command -v depmod >/dev/null 2>&1; then depmod "$@"; else /sbin/depmod "$@"; fi
}

# The newest linux-image-6.12.*-amd64-unsigned that apt knows about.
vm_apt_kernel_pkg() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		grep -E '^linux-image-6\.12\.[0-9]+\+deb[0-9]+-amd64-unsigned$' | sort -V | tail -n1
}

# A kernel image with every driver built in (IOMMUCTL_VM_KERNEL_IMAGE, e.g. the
# output of tests/vm/build-kernel.sh): VM_BUILTIN=1 makes the initramfs carry and
# load no modules. The release comes from a kernelrelease file next to the image.
_vm_use_image() {
	local img=$1
	[[ -f $img ]] || vm_die "IOMMUCTL_VM_KERNEL_IMAGE=$img: no such file (run tests/vm/build-kernel.sh)"
	VM_KERNEL=$img
	VM_KVER=$(cat "$(dirname "$img")/kernelrelease" 2>/dev/null || echo custom)
	VM_MODDIR=
	VM_KO_CACHE=
	VM_BUILTIN=1
}

# Sets VM_KVER, VM_KERNEL (the bzImage) and VM_MODDIR. Uses, in order: the
# package named by IOMMUCTL_VM_KERNEL_PKG; the newest kernel already in the
# cache; the newest one in apt's index (after apt-get update if it has none).
vm_fetch_kernel() {
	local pkg=${IOMMUCTL_VM_KERNEL_PKG:-} kdir tmp deb
	VM_BUILTIN=0
	if [[ $VM_WORLD == 7.2 ]]; then
		if [[ -n ${IOMMUCTL_VM_KERNEL_IMAGE:-} ]]; then
			_vm_use_image "$IOMMUCTL_VM_KERNEL_IMAGE"
		else
			vm_sid_fetch_kernel
			# the POWER modules this kernel has (virtio-pci is built in)
			[[ $VM_ARCH == ppc64 ]] && vm_ppc64_modules
		fi
		return 0
	fi
	if [[ $VM_ARCH == arm64 ]]; then
		vm_arm64_fetch_kernel
		return 0
	fi
	if [[ $VM_ARCH == ppc64 ]]; then
		vm_ppc64_fetch_kernel
		return 0
	fi
	vm_need_tools
	if [[ -n ${IOMMUCTL_VM_KERNEL_IMAGE:-} ]]; then
		_vm_use_image "$IOMMUCTL_VM_KERNEL_IMAGE"
		return 0
	fi
	mkdir -p "$VM_CACHE/kernel" || vm_die "cannot create cache directory $VM_CACHE"
	if [[ -z $pkg ]]; then
		kdir=$(find "$VM_CACHE/kernel" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' 2>/dev/null |
			sort -V | tail -n1)
		if [[ -n $kdir ]]; then
			pkg=linux-image-${kdir##*/}-unsigned
		fi
	fi
	if [[ -z $pkg ]]; then
		pkg=$(vm_apt_kernel_pkg)
		if [[ -z $pkg ]]; then
			vm_log "apt knows no linux-image-6.12 package: running apt-get update"
			apt-get update -q >&2 || vm_log "apt-get update reported errors: looking at the index anyway"
			pkg=$(vm_apt_kernel_pkg)
		fi
		[[ -n $pkg ]] || vm_die "no linux-image-6.12.*-amd64-unsigned package in apt's index (is bookworm-security in sources.list?)"
	fi
	[[ $pkg =~ ^linux-image-(.+)-unsigned$ ]] || vm_die "IOMMUCTL_VM_KERNEL_PKG=$pkg: expected linux-image-<version>-unsigned"
	VM_KVER=${BASH_REMATCH[1]}
	kdir=$VM_CACHE/kernel/$VM_KVER
	# Concurrent runs sharing the cache fetch one at a time.
	exec {lockfd}>"$VM_CACHE/kernel/.lock"
	flock "$lockfd"
	if [[ ! -e $kdir/.complete ]]; then
		vm_log "fetching $pkg into $kdir"
		tmp=$(mktemp -d "$VM_CACHE/kernel/.fetch.XXXXXX")
		chmod 0755 "$tmp"
		# apt's sandbox user cannot write into a root-owned cache: download as ourselves.
		if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg" >&2); then
			rm -rf "$tmp"
			exec {lockfd}>&-
			vm_die "apt-get download $pkg failed (an old index? run apt-get update, or set IOMMUCTL_VM_KERNEL_PKG)"
		fi
		deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
		dpkg-deb -x "$deb" "$tmp/root" || { rm -rf "$tmp"; vm_die "dpkg-deb -x $deb failed"; }
		rm -f "$deb"
		# Debian's package has no modules.dep: its postinst runs depmod.
		vm_depmod -b "$tmp/root" "$VM_KVER" || { rm -rf "$tmp"; vm_die "depmod failed for $VM_KVER"; }
		[[ -f $tmp/root/boot/vmlinuz-$VM_KVER ]] || { rm -rf "$tmp"; vm_die "$pkg has no boot/vmlinuz-$VM_KVER"; }
		rm -rf "$kdir"
		mv "$tmp" "$kdir"
		touch "$kdir/.complete"
	fi
	exec {lockfd}>&-
	VM_KERNEL=$kdir/root/boot/vmlinuz-$VM_KVER
	VM_MODDIR=$kdir/root/lib/modules/$VM_KVER
	VM_KO_CACHE=$kdir/ko
}

# Read the fetched kernel's modules.dep once into VM_DEP_OF[name]="path|dep dep ..."
# (names normalised: '-' -> '_').
declare -A VM_DEP_OF=()
VM_DEP_KVER=
_vm_read_moddep() {
	local line path deps n d
	[[ -n ${VM_MODDIR:-} ]] || vm_die "call vm_fetch_kernel first"
	[[ $VM_DEP_KVER == "$VM_KVER" ]] && return 0
	VM_DEP_OF=()
	while IFS= read -r line; do
		path=${line%%:*}
		deps=${line#*:}
		n=${path##*/}
		n=${n%%.ko*}
		n=${n//-/_}
		VM_DEP_OF[$n]="${path}|"
		for d in $deps; do
			d=${d##*/}
			d=${d%%.ko*}
			VM_DEP_OF[$n]+="${d//-/_} "
		done
	done <"$VM_MODDIR/modules.dep"
	VM_DEP_KVER=$VM_KVER
}

_vm_visit_module() {
	local m=${1//-/_} x
	[[ -n ${_vm_seen[$m]:-} ]] && return 0
	[[ -n ${VM_DEP_OF[$m]:-} ]] ||
		vm_die "module $m is not a loadable module of $VM_KVER (built in, or misspelt?)"
	_vm_seen[$m]=1
	# modules.dep lists the whole closure; visiting it depth-first still orders it.
	for x in ${VM_DEP_OF[$m]#*|}; do
		_vm_visit_module "$x"
	done
	VM_MODULE_ORDER+=("$m")
}

# vm_module_order NAME...: sets VM_MODULE_ORDER to the normalised names of NAME...
# and everything they need, dependencies first, each once.
vm_module_order() {
	local -A _vm_seen=()
	local n
	_vm_read_moddep
	VM_MODULE_ORDER=()
	for n in "$@"; do
		_vm_visit_module "$n"
	done
}

# Copy a file to the same absolute path under ROOT, dereferencing symlinks.
_vm_copy_abs() {
	local root=$1 f=$2
	mkdir -p "$root$(dirname "$f")"
	cp -L "$f" "$root$f"
}

# Copy a dynamically linked binary's libraries (what ldd lists) and the loader.
# _vm_needed_libs READELF BIN HINT LIBDIR...: the shared libraries a foreign
# binary needs (its DT_NEEDED entries, recursively), found in the LIBDIRs, one
# path a line (ldd cannot read a foreign binary). Dies naming a library not
# found, followed by HINT.
_vm_needed_libs() {
	local readelf=$1 bin=$2 hint=$3 lib d f found
	shift 3
	local -a todo=("$bin")
	local -A seen=()
	while ((${#todo[@]})); do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		# the binary's own: also the libraries it loads on demand
		for lib in $("$readelf" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
			     [[ $f != "$bin" ]] || _vm_dlopen_sonames "$readelf" "$f"); do
			[[ -n ${seen[$lib]:-} ]] && continue
			seen[$lib]=1
			found=
			for d in "$@"; do
				if [[ -e $d/$lib ]]; then found=$d/$lib; break; fi
			done
			[[ -n $found ]] || vm_die "$bin needs $lib: not in $*${hint:+ ($hint)}"
			echo "$found"
			todo+=("$found")
		done
	done
}

# _vm_dlopen_sonames READELF BIN: the SONAMEs BIN loads on demand (dlopen),
# one a line: iommuctl lists them in its section .iommuctl.dlopen
# (src/core/dlib.c); ldd and DT_NEEDED do not show them.
_vm_dlopen_sonames() {
	"$1" -p .iommuctl.dlopen "$2" 2>/dev/null | sed -n 's/^ *\[ *[0-9a-f]*\] *\(lib[^ ]*\.so[^ ]*\)$/\1/p'
}

# _vm_copy_libs ROOT BIN: BIN's libraries (what ldd lists), and the ones it
# loads on demand with theirs, found beside its libc
_vm_copy_libs() {
	local root=$1 bin=$2 so dir
	_vm_copy_ldd "$root" "$bin" || return 0
	dir=$(LC_ALL=C ldd "$bin" | awk '/libc\.so/ && /=> \// { print $3 }')
	dir=${dir%/*}
	[[ -n $dir ]] || return 0
	for so in $(_vm_dlopen_sonames readelf "$bin"); do
		if [[ -e $dir/$so ]]; then
			_vm_copy_abs "$root" "$dir/$so"
			_vm_copy_ldd "$root" "$dir/$so"
		else
			vm_log "WARNING: $bin may load $so, not in $dir: the guest has none"
		fi
	done
}

# _vm_copy_ldd ROOT FILE: what ldd lists for FILE; 1 for a static binary
_vm_copy_ldd() {
	local root=$1 bin=$2 out line lib
	if ! out=$(LC_ALL=C ldd "$bin" 2>&1); then
		[[ $out == *"not a dynamic executable"* ]] && return 1
		vm_die "ldd $bin failed: $out"
	fi
	while IFS= read -r line; do
		case $line in
		*"=> not found"*) vm_die "ldd $bin: ${line%%=>*} not found" ;;
		*"=> /"*) lib=${line#*=> }; lib=${lib%% (*} ;;
		[[:space:]]/*) lib=${line#"${line%%[![:space:]]*}"}; lib=${lib%% (*} ;;
		*) continue ;;
		esac
		_vm_copy_abs "$root" "$lib"
	done <<<"$out"
}

# vm_ko NAME: the module NAME (normalised, from modules.dep) decompressed into
# $VM_KO_CACHE/NAME.ko once (busybox insmod reads no .ko.xz)
vm_ko() {
	local name=$1 path
	[[ -f $VM_KO_CACHE/$name.ko ]] && return 0
	_vm_read_moddep
	[[ -n ${VM_DEP_OF[$name]:-} ]] || vm_die "module $name is not a loadable module of $VM_KVER"
	path=${VM_DEP_OF[$name]%%|*}
	[[ $path == /* ]] || path=$VM_MODDIR/$path
	mkdir -p "$VM_KO_CACHE"
	case $path in
	*.ko.xz) xz -dc "$path" >"$VM_KO_CACHE/$name.ko.tmp" ;;
	*.ko.zst) zstd -qdc "$path" >"$VM_KO_CACHE/$name.ko.tmp" ;;
	*.ko.gz) gzip -dc "$path" >"$VM_KO_CACHE/$name.ko.tmp" ;;
	*) cp "$path" "$VM_KO_CACHE/$name.ko.tmp" ;;
	esac || vm_die "cannot decompress $path"
	mv "$VM_KO_CACHE/$name.ko.tmp" "$VM_KO_CACHE/$name.ko"
}

# vm_build_initramfs OUT GUEST_SCRIPT [SRC:DST ...]
# Builds an uncompressed newc cpio: busybox, the modules every scenario may load
# (plus IOMMUCTL_VM_MODULES), iommuctl and its libraries if $IOMMUCTL exists, the
# init, the guest script as /guest.sh, and extra files SRC copied to DST.
vm_build_initramfs() {
	local out=$1 guest=$2 root bb a m name path n extra
	shift 2
	[[ -f $guest ]] || vm_die "guest script $guest not found"
	[[ -n ${VM_KVER:-} ]] || vm_fetch_kernel
	local bin=$IOMMUCTL bblist
	if [[ $VM_ARCH == arm64 ]]; then
		bb=$(vm_arm64_busybox) || vm_die "no arm64 busybox"
		bin=$IOMMUCTL_ARM64
		# the arm64 busybox cannot run here: take the applet list from the
		# host's busybox (the same Debian version), else a minimal one
		bblist=$(vm_busybox_static 2>/dev/null) && bblist=$("$bblist" --list) ||
			bblist="sh ash cat cp dd dmesg echo grep insmod ls mkdir mount poweroff readlink sed setsid sleep sync tar tee tr basename dirname rm kill"
	elif [[ $VM_ARCH == ppc64 ]]; then
		bb=$(vm_ppc64_busybox) || vm_die "no ppc64el busybox"
		bin=$IOMMUCTL_PPC64
		bblist=$(vm_busybox_static 2>/dev/null) && bblist=$("$bblist" --list) ||
			bblist="sh ash cat cp dd dmesg echo grep insmod ls mkdir mount poweroff readlink sed setsid sleep sync tar tee tr basename dirname rm kill"
	elif [[ $VM_ARCH == riscv64 ]]; then
		bb=$(vm_riscv64_busybox) || vm_die "no riscv64 busybox"
		bin=$IOMMUCTL_RISCV64
		bblist=$(vm_busybox_static 2>/dev/null) && bblist=$("$bblist" --list) ||
			bblist="sh ash cat cp dd dmesg echo grep insmod ls mkdir mount poweroff readlink sed setsid sleep sync tar tee tr basename dirname rm kill"
	else
		bb=$(vm_busybox_static) || vm_die "no statically linked busybox (apt-get install busybox-static)"
		bblist=$("$bb" --list)
	fi
	root=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-initramfs.XXXXXX")
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/vm,proc,sys,dev,tmp,out,lib/modules,root}
	cp "$bb" "$root/bin/busybox"
	for a in $bblist; do
		[[ $a == busybox ]] || ln -s busybox "$root/bin/$a"
	done

	local -a want=("${VM_COMMON_MODULES[@]}")
	[[ $VM_ARCH == ppc64 ]] && want=("${VM_COMMON_MODULES_PPC64[@]}")
	[[ $VM_ARCH == riscv64 ]] && want=("${VM_COMMON_MODULES_RISCV64[@]}")
	[[ ${VM_BUILTIN:-0} == 1 ]] && want=()
	for n in "${VM_SCENARIOS[@]}"; do
		# only the scenarios that boot this kernel flavour
		[[ $(vm_scn_flavour "$n") == "$VM_FLAVOUR" && $(vm_world "$n") == "$VM_WORLD" ]] || continue
		# shellcheck disable=SC2206 # space-separated list
		want+=(${VM_SCN_MODULES[$n]})
	done
	# shellcheck disable=SC2206
	want+=(${IOMMUCTL_VM_MODULES:-})
	local -a all=()
	if [[ ${VM_BUILTIN:-0} != 1 ]]; then
		vm_module_order "${want[@]}"
		all=("${VM_MODULE_ORDER[@]}")
		mkdir -p "$VM_KO_CACHE"
	fi
	: >"$root/etc/vm/modules.dep"
	for name in "${all[@]}"; do
		vm_ko "$name"
		cp "$VM_KO_CACHE/$name.ko" "$root/lib/modules/$name.ko"
		# One line per module: its whole dependency closure in load order.
		vm_module_order "$name"
		{
			printf '%s:' "$name"
			printf ' %s' "${VM_MODULE_ORDER[@]:0:${#VM_MODULE_ORDER[@]}-1}"
			printf '\n'
		} >>"$root/etc/vm/modules.dep"
	done

	if [[ -x $bin && -f $bin ]]; then
		cp "$bin" "$root/bin/iommuctl"
		if [[ $VM_ARCH == arm64 ]]; then
			_vm_arm64_copy_libs "$root" "$bin"
		elif [[ $VM_ARCH == ppc64 ]]; then
			_vm_ppc64_copy_libs "$root" "$bin"
		elif [[ $VM_ARCH == riscv64 ]]; then
			_vm_riscv64_copy_libs "$root" "$bin"
		else
			_vm_copy_libs "$root" "$bin"
		fi
	else
		vm_log "WARNING: no iommuctl binary at $bin (run make, or set IOMMUCTL/IOMMUCTL_ARM64/IOMMUCTL_PPC64/IOMMUCTL_RISCV64): the guest has none"
	fi

	cp "$VM_DIR/init.sh" "$root/init"
	chmod 0755 "$root/init"
	cp "$guest" "$root/guest.sh"
	for extra in "$@"; do
		[[ $extra == *:/* ]] || vm_die "extra file '$extra': expected SRC:/ABSOLUTE/DST"
		mkdir -p "$root$(dirname "${extra#*:}")"
		cp -a "${extra%%:*}" "$root${extra#*:}" || vm_die "cannot copy ${extra%%:*}"
	done

	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) >"$out.tmp" || { rm -rf "$root"; vm_die "cpio failed"; }
	mv "$out.tmp" "$out"
	rm -rf "$root"
}

# vm_kernel_cmdline SCENARIO: the kernel command line for a scenario.
# On x86, no_timer_check: under TCG on a busy host the kernel's check that
# the timer interrupt reaches the CPU through the interrupt-remapped IO-APIC
# (a busy wait of a few ticks) can run out, and the guest panics before
# userspace ("timer doesn't work through Interrupt-remapped IO-APIC", seen
# in test-vm-boot on CI). The timer works; the check is skipped.
VM_X86_APPEND=no_timer_check

vm_kernel_cmdline() {
	local s=$1 mods gt=0 common=("${VM_COMMON_MODULES[@]}")
	[[ $(vm_scn_flavour "$s") == powerpc64le* ]] && common=("${VM_COMMON_MODULES_PPC64[@]}")
	[[ $(vm_scn_flavour "$s") == riscv64 ]] && common=("${VM_COMMON_MODULES_RISCV64[@]}")
	# Leave the guest time to send its results back after killing the script.
	((VM_TIMEOUT > 30)) && gt=$((VM_TIMEOUT - 20))
	# shellcheck disable=SC2086 # space-separated lists
	mods=$(printf '%s ' ${VM_SCN_MODULES[$s]} "${common[@]}" ${IOMMUCTL_VM_MODULES:-} |
		sed 's/ *$//' | tr ' ' ',')
	[[ ${VM_BUILTIN:-0} == 1 ]] && mods=
	local con=ttyS0,115200 x86=
	case $(vm_scn_flavour "$s") in
	amd64) x86=$VM_X86_APPEND ;;
	powerpc64le*) con=hvc0 ;;   # the OPAL console
	riscv64) ;;                # virt's 16550 UART
	*) con=ttyAMA0,115200 ;;
	esac
	printf '%s' "console=$con panic=-1 $x86 ${VM_SCN_APPEND[$s]} iommuctl_vm.scenario=$s iommuctl_vm.modules=$mods iommuctl_vm.guest_timeout=$gt ${IOMMUCTL_VM_APPEND:-}" |
		tr -s ' '
}

# vm_boot SCENARIO INITRAMFS OUTDIR (vm_boot_accel ACCEL SCENARIO INITRAMFS OUTDIR)
# Boots one scenario and extracts the guest's /out into OUTDIR (created, must be
# empty or absent). OUTDIR/.vm/ holds console.log, qemu.log, rc (the guest
# script's exit status), guest.log, dmesg and modules.
# Returns 0 when the guest script exited 0, 1 when it failed (its outputs are
# there), 2 when the VM itself failed (timeout, QEMU error, no results).
# The accelerator: IOMMUCTL_VM_ACCEL=kvm|tcg, or auto (default): KVM when
# /dev/kvm is usable and has not failed here before, else TCG. A KVM boot that
# fails is retried under TCG once and remembered in the cache, since the
# /dev/kvm of some sandboxes opens but cannot run a guest.
vm_accel() {
	local want=${IOMMUCTL_VM_ACCEL:-auto}
	case $want in
	kvm|tcg) echo "$want" ;;
	auto)
		if [[ -r /dev/kvm && -w /dev/kvm && ! -e $VM_CACHE/kvm-broken ]]; then echo kvm
		else echo tcg; fi ;;
	*) vm_die "IOMMUCTL_VM_ACCEL must be kvm, tcg or auto, not '$want'" ;;
	esac
}

vm_boot() {
	local accel rc=0
	if [[ $(vm_scn_flavour "$1") != amd64 ]]; then
		vm_boot_accel tcg "$@"   # a foreign architecture: TCG only
		return
	fi
	accel=$(vm_accel)
	if [[ $accel == kvm && ${IOMMUCTL_VM_ACCEL:-auto} == auto ]]; then
		# a working KVM boots in a few seconds; a broken one hangs, so
		# do not wait the full timeout for it
		VM_TIMEOUT=$((VM_TIMEOUT < 30 ? VM_TIMEOUT : 30)) vm_boot_accel kvm "$@" || rc=$?
	else
		vm_boot_accel "$accel" "$@" || rc=$?
	fi
	if ((rc == 2)) && [[ $accel == kvm && ${IOMMUCTL_VM_ACCEL:-auto} == auto ]]; then
		vm_log "$1: the KVM boot failed; retrying under TCG (recorded in $VM_CACHE/kvm-broken)"
		mkdir -p "$VM_CACHE" && touch "$VM_CACHE/kvm-broken"
		rm -rf "${3:?}/.vm/out.img"
		rc=0
		vm_boot_accel tcg "$@" || rc=$?
	fi
	return "$rc"
}

vm_boot_accel() {
	local accel=$1
	shift
	local s=$1 initrd=$2 outdir=$3 disk rc=0 t0 t1 console
	vm_is_scenario "$s" || vm_die "unknown scenario '$s' (known: ${VM_SCENARIOS[*]})"
	[[ -f $initrd ]] || vm_die "initramfs $initrd not found"
	[[ -n ${VM_KVER:-} ]] || vm_fetch_kernel
	mkdir -p "$outdir/.vm"
	disk=$outdir/.vm/out.img
	rm -f "$disk"
	truncate -s "$VM_OUT_DISK_SIZE" "$disk"
	if [[ $VM_VERBOSE == 1 ]]; then
		console="stdio,id=con,signal=off,logfile=$outdir/.vm/console.log"
	else
		console="file,id=con,path=$outdir/.vm/console.log"
	fi
	[[ $(vm_scn_flavour "$s") == "$VM_FLAVOUR" && $(vm_world "$s") == "$VM_WORLD" ]] ||
		vm_die "scenario $s needs the $(vm_world "$s") $(vm_scn_flavour "$s") kernel; $VM_WORLD $VM_FLAVOUR is selected (vm_select $s first)"
	local -a cmd extra=() x86cpu=()
	[[ -n ${VM_SCN_CPU[$s]:-} ]] && x86cpu=(-cpu "${VM_SCN_CPU[$s]}")
	# the scenario's own devices: words of a string that spans lines
	IFS=$' \t\n' read -r -d '' -a extra <<<"${VM_SCN_DEVICES_EXTRA[$s]:-}" || true
	if [[ $VM_ARCH == arm64 ]]; then cmd=(
		timeout -k 5 "$VM_TIMEOUT"
		"$(vm_qemu_bin qemu-system-aarch64)" -machine "virt,iommu=${VM_SCN_DEVICE[$s]},gic-version=3" -accel "$accel"
		-cpu "${VM_SCN_CPU[$s]}"
		-m "$VM_MEM" -smp "$VM_SMP" -nodefaults -no-user-config -no-reboot
		-display none -monitor none -chardev "$console" -serial chardev:con
		-kernel "$VM_KERNEL" -initrd "$initrd" -append "$(vm_kernel_cmdline "$s")"
		-drive "if=none,id=vmout,format=raw,file=$disk"
		"${VM_DEVICES[@]}" "${extra[@]}" "${VM_QEMU_EXTRA[@]}"
	)
	elif [[ $VM_ARCH == riscv64 ]]; then
		_vm_riscv64_qemu_cmd "$s" "$accel" "$console" "$disk" "$initrd" "${VM_QEMU_EXTRA[@]}"
		cmd=(timeout -k 5 "$VM_TIMEOUT" "${cmd[@]}")
	elif [[ $VM_ARCH == ppc64 ]]; then cmd=(
		# powernv creates its PHBs and root ports only as machine defaults:
		# no -nodefaults here, the other defaults are switched off one by one
		timeout -k 5 "$VM_TIMEOUT"
		"$(vm_qemu_bin qemu-system-ppc64)" -machine "${VM_SCN_DEVICE[$s]}" -accel "$accel"
		-m "${IOMMUCTL_VM_MEM:-1G}" -smp "$VM_SMP" -no-user-config -no-reboot
		-nic none -monitor none -parallel none -vga none
		-display none -chardev "$console" -serial chardev:con
		-kernel "$VM_KERNEL" -initrd "$initrd" -append "$(vm_kernel_cmdline "$s")"
		-drive "if=none,id=vmout,format=raw,file=$disk"
		"${VM_DEVICES_PPC64[@]}" "${VM_QEMU_EXTRA[@]}"
	)
	else cmd=(
		timeout -k 5 "$VM_TIMEOUT"
		"$(vm_qemu_bin qemu-system-x86_64)" -machine q35,kernel-irqchip=split -accel "$accel" "${x86cpu[@]}"
		-m "$VM_MEM" -smp "$VM_SMP" -nodefaults -no-user-config -no-reboot
		-display none -monitor none -chardev "$console" -serial chardev:con
		-kernel "$VM_KERNEL" -initrd "$initrd" -append "$(vm_kernel_cmdline "$s")"
		${VM_SCN_DEVICE[$s]:+-device "${VM_SCN_DEVICE[$s]}"}
		-drive "if=none,id=vmout,format=raw,file=$disk"
		"${VM_DEVICES[@]}" "${extra[@]}" "${VM_QEMU_EXTRA[@]}"
	); fi
	printf '%q ' "${cmd[@]}" >"$outdir/.vm/qemu.cmd"
	# which kernel and QEMU this run used, for the suites' notes
	vm_world_line "$s" >"$outdir/.vm/world"
	t0=$(date +%s.%N)
	"${cmd[@]}" </dev/null 2>"$outdir/.vm/qemu.log" || rc=$?
	t1=$(date +%s.%N)
	VM_BOOT_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	if ((rc == 124 || rc == 137)); then
		vm_log "ERROR: $s: QEMU timed out after ${VM_TIMEOUT}s; console: $outdir/.vm/console.log"
		tail -n 20 "$outdir/.vm/console.log" | sed 's/^/vm:   | /' >&2
		return 2
	elif ((rc != 0)); then
		vm_log "ERROR: $s: QEMU exited with status $rc: $(tail -n 3 "$outdir/.vm/qemu.log" | tr '\n' ' ')"
		tail -n 20 "$outdir/.vm/console.log" | sed 's/^/vm:   | /' >&2
		return 2
	fi
	if ! tar --no-same-owner -xf "$disk" -C "$outdir" || [[ ! -f $outdir/.vm/rc ]]; then
		vm_log "ERROR: $s: the guest wrote no results; console: $outdir/.vm/console.log"
		tail -n 20 "$outdir/.vm/console.log" | sed 's/^/vm:   | /' >&2
		return 2
	fi
	rm -f "$disk"
	if [[ -s $outdir/.vm/insmod-failed ]]; then
		vm_log "ERROR: $s: modules failed to load: $(tr '\n' ' ' <"$outdir/.vm/insmod-failed")(console: $outdir/.vm/console.log)"
		return 1
	fi
	case $(cat "$outdir/.vm/rc") in
	0) return 0 ;;
	137) vm_log "$s: guest script killed after $((VM_TIMEOUT - 20))s (IOMMUCTL_VM_TIMEOUT=$VM_TIMEOUT); log: $outdir/.vm/guest.log" ;;
	*) vm_log "$s: guest script exited with status $(cat "$outdir/.vm/rc"); log: $outdir/.vm/guest.log" ;;
	esac
	return 1
}

# vm_run SCENARIO GUEST_SCRIPT OUTDIR [SRC:DST ...]: fetch, build and boot in one.
vm_run() {
	local s=$1 guest=$2 outdir=$3 initrd rc=0
	shift 3
	vm_is_scenario "$s" || vm_die "unknown scenario '$s' (known: ${VM_SCENARIOS[*]})"
	vm_select "$s"
	vm_fetch_kernel
	mkdir -p "$outdir/.vm"
	initrd=$outdir/.vm/initramfs.cpio
	vm_build_initramfs "$initrd" "$guest" "$@"
	vm_boot "$s" "$initrd" "$outdir" || rc=$?
	rm -f "$initrd"
	return "$rc"
}
