#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Live tests of iommuctl apply on a real kernel (the vtd scenario of tests/vm),
# with BINARY inside. Boot 1 (tests/vm/guest/apply.sh): apply claims the named
# groups, a second apply changes nothing, dropped lines are released, a failed
# apply (the last of three groups cannot be bound) leaves every device as it
# was, a swapped card is refused by apply and by the udev hook; then a state is
# applied with its record on a disk that outlives the guest. Boot 2
# (tests/vm/guest/apply-reboot.sh), the same disk, another topology: an e1000
# where the e1000e was, and a function (a virtio RNG) gained by the edu's group: apply
# --check exits 5 naming both. Prints one line per check and
# "N passed, M failed, K skipped"; skips only when QEMU cannot run here
# (tests/cli/lib.sh: a failed download is a failure on CI).
#   tests/cli/test-vm-apply.sh [BINARY]      (default ./iommuctl)
# Environment: KEEP=1 keeps the guests' outputs, plus tests/vm/lib.sh's settings.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
# Debian's stock kernel and its modules (ext4, e1000...), not a module-free image
unset IOMMUCTL_VM_KERNEL_IMAGE

[ -n "${IOMMUCTL_VM_SKIP:-}" ] && { skip "live apply tests: IOMMUCTL_VM_SKIP is set"; finish; }
[ -x "$bin" ] || { bad "no binary at $bin"; finish; }
[ "$(uname -m)" = x86_64 ] || { skip "live apply tests: the guests are x86_64 and this is $(uname -m)"; finish; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
	skip "live apply tests: qemu-system-x86_64 is missing and only root can install it (apt-get install qemu-system-x86)"
	finish
fi
why=$( (. tests/vm/lib.sh && vm_fetch_kernel) 2>&1 >/dev/null) ||
	{ skip_broken "live apply tests: cannot prepare a guest: $(echo "$why" | grep -i error | tail -n 1)"; finish; }

out=$(mktemp -d "${TMPDIR:-/tmp}/iommuctl-vm-apply.XXXXXX")
# the disk that outlives the first guest: ext4, made here, mounted by both
state=$out/state.img
truncate -s 16M "$state"
mkfs.ext4 -q -F -L iommuctl-state "$state" || { bad "mkfs.ext4 $state failed"; finish; }

# boot NAME GUEST E1000E-OR-E1000 EXTRA-DEVICE...: the vtd scenario with the
# state disk at 00:09.0, an edu at 00:08.0 (multifunction), the card at
# 00:04.0 of the given model, and more -device values
boot() {
	local name=$1 guest=$2 nic=$3 rc=0 t0
	shift 3
	t0=$(date +%s.%N)
	IOMMUCTL=$bin IOMMUCTL_VM_MODULES="crc32c_generic ext4 e1000" bash -c '
		. tests/vm/lib.sh
		nic=$1 guest=$2 dir=$3 state=$4; shift 4
		for i in "${!VM_DEVICES[@]}"; do
			[[ ${VM_DEVICES[$i]} == e1000e,addr=0x4,* ]] && VM_DEVICES[$i]=$nic,addr=0x4,romfile=
		done
		VM_QEMU_EXTRA=(-drive "if=none,id=state,format=raw,file=$state"
			-device virtio-blk-pci,addr=0x9,drive=state,serial=iommuctl-state
			-device edu,addr=0x8.0,multifunction=on,dma_mask=0xffffffffffffffff)
		for d in "$@"; do VM_QEMU_EXTRA+=(-device "$d"); done
		vm_run vtd "$guest" "$dir"' _ "$nic" "$guest" "$out/$name" "$state" "$@" >"$out/$name.log" 2>&1 || rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	guest_results "$name" "$out/$name" "$out/$name.log" "$rc"
}

if boot boot1 tests/vm/guest/apply.sh e1000e; then
	boot boot2 tests/vm/guest/apply-reboot.sh e1000 virtio-rng-pci,addr=0x8.1
fi
if [ -n "${KEEP:-}" ]; then
	echo "outputs kept in $out (logs in boot*/log/, console in boot*/.vm/)"
else
	rm -rf "$out"
fi
finish
