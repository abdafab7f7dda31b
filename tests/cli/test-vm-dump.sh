#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck disable=SC2031 # the subshells source lib.sh, whose functions have their own locals
# Offline SMMUv3 walks checked against a real arm64 kernel. In the arm64 guests
# of tests/vm (Debian's 6.12 kernel, 4K pages, and the -arm64-16k kernel, 16K
# pages; TCG), a batch run maps buffers for edu through VFIO and holds them
# while the host dumps guest memory over QMP (ELF and kdump) and reads the
# SMMU's STRTAB_BASE and STRTAB_BASE_CFG registers. Then, from the dumps alone:
# iommuctl translate (stream table -> STE -> CD -> stage-1 tables) of every
# mapped page, and walk mappings, must give exactly the physical pages the
# guest's /proc/PID/pagemap gives for the buffers.
#   tests/cli/test-vm-dump-arm.sh [BINARY]
# BINARY (default ./iommuctl) reads the dumps on the host; the guest runs the
# cross-built build-arm64/iommuctl (or $IOMMUCTL_ARM64). Skips with a reason
# when qemu-system-aarch64 or the cross toolchain is missing and cannot be
# installed (not root), and skips the kdump half without makedumpfile.
# IOMMUCTL_VM_SKIP=1 skips it.
set -u
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD
bin=${1:-./iommuctl}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d)
# IOMMUCTL_TEST_KEEP=1 keeps the dumps and the guest's files for a look
if [ -n "${IOMMUCTL_TEST_KEEP:-}" ]; then echo "# keeping $tmp"; else trap 'rm -rf "$tmp"' EXIT; fi
vm_arm64_ready "arm64 dump walks" "$tmp"
kdump=1
if ! (. tests/vm/lib.sh && . tests/vm/lib-dump.sh && vm_dump_need_makedumpfile) >"$tmp/mdf.log" 2>&1; then
	kdump=0
	skip "kdump half: $(tail -n 1 "$tmp/mdf.log")"
fi

# QEMU virt: the SMMUv3's registers at 0x09050000; STRTAB_BASE at +0x80 (64
# bits, read as two words), STRTAB_BASE_CFG at +0x88. edu 00:03.0 is stream 0x18.
SMMU=0x09050000
SID=0x18

run_scenario() { # SCENARIO: boots it with the dump plumbing; results in $tmp/SCENARIO
	local s=$1 d=$tmp/$1 rc=0 t0 t1
	mkdir -p "$d"
	t0=$(date +%s.%N)
	fmts=(--format elf)
	[ "$kdump" = 1 ] && fmts+=(--format kdump-zlib)
	IOMMUCTL_VM_MEM=256M IOMMUCTL_VM_TIMEOUT=${IOMMUCTL_VM_TIMEOUT:-200} bash -c '
		. tests/vm/lib.sh; . tests/vm/lib-dump.sh
		d=$1 s=$2; shift 2
		vm_dump_setup "$d/dump" addr=0x7
		vm_dump_start "$d/dump" --timeout 180 "$@"
		rc=0
		vm_run "$s" tests/vm/guest/dump-arm.sh "$d/out" "$PWD/tests/vm/guest:/guest" || rc=$?
		vm_dump_wait || { echo "qmp-dump failed: $(cat "$d/dump/qmp-dump.err")" >&2; ((rc)) || rc=3; }
		exit $rc' _ "$d" "$s" --xp "$(printf '0x%x:3' $((SMMU + 0x80)))" "${fmts[@]}" >"$d/run.log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	return "$rc"
}

check_scenario() { # SCENARIO LABEL
	local s=$1 label=$2 d=$tmp/$1 base cfg lo hi fmt mem
	if ! run_scenario "$s"; then
		bad "$label: guest run with dumps failed ($secs s): $(grep -v '^vm: *|' "$d/run.log" | tail -n 3 | tr '\n' ' ')"
		[ -f "$d/out/.vm/guest.log" ] && sed 's/^/# guest: /' "$d/out/.vm/guest.log" | tail -n 10
		[ -f "$d/dump/qmp-dump.log" ] && sed 's/^/# qmp-dump: /' "$d/dump/qmp-dump.log" | tail -n 5
		return
	fi
	ok "$label: guest held its VFIO maps while the host dumped memory ($secs s)"
	if [ "$(cat "$d/out/batch.rc" 2>/dev/null)" = 0 ] && [ "$(cat "$d/out/s1.reply" 2>/dev/null)" = "done s1" ]; then
		ok "$label: batch run exit 0; the host answered the dump request"
	else
		bad "$label: batch rc $(cat "$d/out/batch.rc" 2>/dev/null), reply '$(cat "$d/out/s1.reply" 2>/dev/null)': $(tail -n 2 "$d/out/batch.err" 2>/dev/null | tr '\n' ' ')"
		return
	fi
	lo=$(awk 'NR==1 { print $2 }' "$d/dump/s1.xp")
	hi=$(awk 'NR==2 { print $2 }' "$d/dump/s1.xp")
	cfg=$(awk 'NR==3 { print $2 }' "$d/dump/s1.xp")
	# STRTAB_BASE: ADDR is bits 51:6 (bit 62 is RA)
	base=$(printf '0x%x' $(( ((hi << 32) | lo) & 0x000fffffffffffc0 )))
	echo "# $label: STRTAB_BASE $hi:$lo -> $base, STRTAB_BASE_CFG $cfg"
	if [ "$base" != 0x0 ] && [ -n "$cfg" ]; then
		ok "$label: the SMMU's stream table base read over QMP ($base, cfg $cfg)"
	else
		bad "$label: no stream table base from QMP: $(tr '\n' ' ' <"$d/dump/s1.xp")"
		return
	fi
	for fmt in elf kdump; do
		mem=$d/dump/s1.elf
		if [ "$fmt" = kdump ]; then
			[ "$kdump" = 1 ] || continue
			mem=$d/dump/s1.kdump
			if ! (. tests/vm/lib.sh && . tests/vm/lib-dump.sh && vm_dump_unflatten "$d/dump/s1.kdump-zlib" "$mem"); then
				bad "$label: makedumpfile -R could not reassemble QEMU's kdump output"
				continue
			fi
		fi
		info=$("$bin" -j mem info "$mem" 2>&1)
		if echo "$info" | grep -q "\"format\":\"$fmt\""; then
			ok "$label $fmt: iommuctl reads the dump as $fmt"
		else
			bad "$label $fmt: mem info: $(echo "$info" | head -c 300)"
		fi
		python3 tests/vm/check-dump.py --iommuctl "$bin" --dir "$d/out" --tag s1 --mem "$mem" \
			--label "$label $fmt" --readonly ro --unmapped 0x110000 --unmapped 0x7fff80020000 -- \
			--format smmuv3 --strtab "$base" --strtab-cfg "$cfg" --sid "$SID" >"$d/check-$fmt.txt" 2>&1
		while IFS= read -r line; do
			case $line in
			"ok   "*) ok "${line#ok   }" ;;
			"FAIL "*) bad "${line#FAIL }" ;;
			*) bad "$label $fmt: check-dump.py: $line" ;;
			esac
		done <"$d/check-$fmt.txt"
	done
}

check_scenario arm64-smmuv3 "arm64 4K"
check_scenario arm64-smmuv3-16k "arm64 16K"
finish
