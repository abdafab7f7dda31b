#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Start-up cost of a PIE: the dynamic loader writes every relative
# relocation at each start, and each page of .data.rel.ro it writes is a
# copy-on-write page fault (issue 15). The big static tables (the decoder's
# field tables, the ACPI field tables, ...) hold text and indexes instead of
# pointers, so they need none and stay in .rodata: this counts the relative
# relocations (R_*_RELATIVE in .rela.dyn plus the offsets of a DT_RELR
# .relr.dyn) against a bound with some margin above today's count, and,
# when the binary has its symbol table, checks that a few of those tables
# are in .rodata. A count, not a time. MAX_RELATIVE overrides the bound.
#   tests/cli/test-relocs.sh [BINARY]        (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh

# 2942 relative relocations in a release build on x86-64 (5685 when the
# tables held pointers: 1904 for struct bitfield, 640 for struct
# acpi_field, 199 for struct out_col); any of them coming back crosses the
# bound.
max=${MAX_RELATIVE:-3100}

[ -f "$bin" ] || { bad "no $bin: build it first"; finish; }
command -v readelf >/dev/null || { skip "relocations: readelf (binutils) is missing"; finish; }
case $bin in
*build-san/*|*build-fuzz/*)
	note "relocations: sanitizer builds add their own (instrumented globals); the release build is checked"
	finish ;;
esac
grep -q 'Type:.*DYN' <<<"$(readelf -hW "$bin")" || { skip "relocations: $bin is not PIE"; finish; }

relocs=$(readelf -rW "$bin") || { bad "readelf -r $bin failed"; finish; }
rela=$(grep -c '_RELATIVE ' <<<"$relocs")
relr=0
if grep -q "section '.relr.dyn'" <<<"$relocs"; then
	# binutils 2.38+ print "N offsets" under the section's heading
	relr=$(awk '/^ *[0-9]+ offsets$/ { n += $1 } END { print n + 0 }' <<<"$relocs")
	if [ "$relr" -eq 0 ]; then
		skip "relocations: this readelf does not decode .relr.dyn ($(readelf -v | head -n 1))"
		finish
	fi
fi
n=$((rela + relr))
if [ "$n" -le "$max" ]; then
	ok "$n relative relocations ($rela RELA, $relr RELR), at most $max"
else
	bad "$n relative relocations ($rela RELA, $relr RELR), more than $max: a static table of pointers (char *, a function or table pointer) is relocated at every start; see 'A big static table' in docs/ARCHITECTURE.md"
fi

# The decoder's and the ACPI decoder's field tables, by symbol (a stripped
# binary has none).
if command -v objdump >/dev/null && syms=$(objdump -t "$bin" 2>/dev/null) &&
	grep -q ' smmu_ste_fields$' <<<"$syms"; then
	for s in smmu_ste_fields smmu_cd_fields amd_dte_fields vtd_ecap_fields vtd_sl_pte_fields ivhd11_f dmar_f; do
		sec=$(awk -v s="$s" '$NF == s { print $(NF - 2); exit }' <<<"$syms")
		[ "$sec" = .rodata ] && ok "$s is in .rodata" || bad "$s is in ${sec:-no section}, not .rodata: it holds a pointer"
	done
else
	note "table sections: no symbol table (stripped) or no objdump"
fi
finish
