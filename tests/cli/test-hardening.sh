#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The built binary is hardened as the Makefile promises (the flags of
# Debian's dpkg-buildflags): full RELRO (GNU_RELRO and BIND_NOW), PIE, the
# stack protector, FORTIFY's checked functions and, on x86-64, CET's
# landing pads (-fcf-protection). A sanitizer build is checked for what it keeps (RELRO, PIE).
#   tests/cli/test-hardening.sh [BINARY]        (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh

command -v readelf >/dev/null || { bad "readelf (binutils) is missing"; finish; }
dyn=$(readelf -dW "$bin") segs=$(readelf -lW "$bin") hdr=$(readelf -hW "$bin")
syms=$(readelf --dyn-syms -W "$bin")

grep -q 'GNU_RELRO' <<<"$segs" && ok "GNU_RELRO segment" || bad "no GNU_RELRO segment"
grep -qE '\(FLAGS\).*BIND_NOW|FLAGS_1.*NOW' <<<"$dyn" && ok "BIND_NOW (full RELRO)" || bad "no BIND_NOW"
grep -q 'Type:.*DYN' <<<"$hdr" && ok "position-independent executable" || bad "not PIE: $(grep Type: <<<"$hdr")"
case $bin in
*build-san/*|*build-fuzz/*)
	note "stack protector, FORTIFY and CET: sanitizer builds instrument differently; the release build is checked"
	finish ;;
esac
grep -q '__stack_chk_fail' <<<"$syms" && ok "stack protector (__stack_chk_fail)" || bad "no __stack_chk_fail: built without -fstack-protector-strong"
n=$(grep -cE ' __[a-z_]+_chk(@|$)' <<<"$syms")
[ "$n" -gt 0 ] && ok "FORTIFY_SOURCE: $n checked functions (_chk)" || bad "no _chk symbols: built without -D_FORTIFY_SOURCE"
if [ "$(uname -m)" = x86_64 ] && grep -q 'Machine:.*X86-64' <<<"$hdr"; then
	# -fcf-protection: every function starts with an ENDBR64 landing pad. (The
	# IBT/SHSTK property note needs every linked object marked, Debian's C
	# runtime objects included, which bookworm's are not.)
	n=$(objdump -d --no-show-raw-insn "$bin" | grep -c 'endbr64')
	[ "$n" -gt 100 ] && ok "CET landing pads: $n endbr64" || bad "$n endbr64: built without -fcf-protection"
fi
finish
