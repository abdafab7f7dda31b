# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2054 # QEMU options hold commas
# tests/vm/lib-dump.sh: memory dumps of a running tests/vm guest, taken while
# the guest holds IOMMU state (source it after tests/vm/lib.sh).
#
#   vm_dump_setup DIR DEVOPTS   adds to VM_QEMU_EXTRA a QMP socket (DIR/qmp.sock)
#                               and a virtio-serial port named iommuctl.dump
#                               (DIR/port.sock) on a virtio-serial-pci device
#                               placed by DEVOPTS (addr=0x7, bus=pcie.3, ...);
#                               with VM_DUMP_VMCOREINFO=1 also QEMU's vmcoreinfo
#                               device, which the guest's qemu_fw_cfg module
#                               fills with the kernel's VMCOREINFO (fw_cfg:
#                               x86 and arm64 virt, not powernv)
#   vm_dump_start DIR [qmp-dump.py options]
#                               starts tests/vm/qmp-dump.py in the background
#                               (before the guest boots); VM_DUMP_PID
#   vm_dump_wait                its exit status (after the guest is gone; a
#                               coordinator still waiting is stopped)
#   vm_dump_unflatten IN OUT    makedumpfile -R: QEMU 7.2's kdump output is in
#                               makedumpfile's flattened format
#   vm_dump_need_makedumpfile   installs makedumpfile when missing (root);
#                               1 with a message when impossible
#
# In the guest, tests/vm/guest/dump-hold.sh (run from a batch exec) records the
# buffers' pagemap and asks for the dump; see qmp-dump.py for the files.

vm_dump_setup() {
	local dir=$1 devopts=$2
	mkdir -p "$dir"
	rm -f "$dir/qmp.sock" "$dir/port.sock"
	VM_QEMU_EXTRA+=(
		-chardev "socket,id=qmp0,path=$dir/qmp.sock,server=on,wait=off" -mon chardev=qmp0,mode=control
		-device "virtio-serial-pci,id=vser0,$devopts"
		-chardev "socket,id=dumpport,path=$dir/port.sock,server=on,wait=off"
		-device virtserialport,bus=vser0.0,chardev=dumpport,name=iommuctl.dump
	)
	[[ ${VM_DUMP_VMCOREINFO:-0} == 1 ]] && VM_QEMU_EXTRA+=(-device vmcoreinfo)
	return 0
}

vm_dump_start() {
	local dir=$1
	shift
	python3 "$VM_DIR/qmp-dump.py" --qmp "$dir/qmp.sock" --port "$dir/port.sock" --out "$dir" "$@" \
		2>"$dir/qmp-dump.err" &
	VM_DUMP_PID=$!
	VM_DUMP_DIR=$dir
}

vm_dump_wait() {
	local rc=0 i
	[[ -n ${VM_DUMP_PID:-} ]] || return 1
	# QEMU is gone for good: a coordinator still waiting for a request (the
	# guest never asked) or for a retried boot has nothing more to serve
	for ((i = 0; i < 50; i++)); do
		kill -0 "$VM_DUMP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$VM_DUMP_PID" 2>/dev/null && echo "qmp-dump: stopped, QEMU has exited" >>"$VM_DUMP_DIR/qmp-dump.err"
	wait "$VM_DUMP_PID" || rc=$?
	VM_DUMP_PID=
	return "$rc"
}

vm_dump_need_makedumpfile() {
	command -v makedumpfile >/dev/null 2>&1 && return 0
	if [[ $(id -u) -ne 0 ]]; then
		vm_log "no makedumpfile (and not root to apt-get install makedumpfile)"
		return 1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends makedumpfile >&2 ||
		{ apt-get update -q >&2 || vm_log "apt-get update reported errors (an index not needed here?): trying the install"; DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends makedumpfile >&2; } ||
		{ vm_log "apt-get install makedumpfile failed"; return 1; }
}

vm_dump_unflatten() {
	makedumpfile -R "$2" <"$1" >/dev/null 2>&1
}
