#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of `iommuctl decode`: every format on the vectors in
# tests/cli/golden-decode/input/vectors.txt (text and JSON), `decode list`,
# batch input from a file and from standard input, `decode log` on a kernel
# log with VT-d (every format), AMD-Vi, SMMUv3 (whole and cut-short records)
# and RISC-V IOMMU fault reports, and the error cases with their exact exit
# statuses and messages.
#   tests/cli/test-decode.sh [BINARY]        (default ./iommuctl)
#   UPDATE=1 tests/cli/test-decode.sh        rewrite the expected files
set -u
export LC_ALL=C
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
golden=tests/cli/golden-decode
input=$golden/input

. tests/cli/lib.sh

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# compare NAME FILE: FILE against $golden/NAME
compare() { golden_compare "$1" "$2" "$golden/$1"; }

# run NAME RC STDIN ARGS...: run `iommuctl ARGS` with STDIN (a file, or
# /dev/null), require exit status RC, compare stdout with NAME and, when
# anything went to stderr or RC is not 0, stderr with NAME.err. A .json
# NAME must be valid JSON.
run() {
	local name=$1 want_rc=$2 in=$3 rc; shift 3
	"$bin" "$@" <"$in" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit status $rc, expected $want_rc: $(head -n 2 "$tmp/err")"
		return
	fi
	case $name in
	*.json)
		if ! python3 -m json.tool "$tmp/out" >/dev/null 2>&1; then
			bad "$name: output is not valid JSON"
			return
		fi ;;
	esac
	compare "$name" "$tmp/out"
	if [ -s "$tmp/err" ] || [ "$want_rc" -ne 0 ]; then
		compare "$name.err" "$tmp/err"
	fi
}

# 1. every format on its vectors, text and JSON
grep -v '^#' "$input/vectors.txt" | grep -v '^ *$' > "$tmp/vectors"
while read -r stem args; do
	# shellcheck disable=SC2086
	run "vectors/$stem.txt" 0 /dev/null decode $args
	# shellcheck disable=SC2086
	run "vectors/$stem.json" 0 /dev/null -j decode $args
done < "$tmp/vectors"

# every format in the registry has at least one vector
"$bin" decode list -n -o name > "$tmp/names" 2>&1 || bad "decode list -n -o name failed"
awk '{print $2}' "$tmp/vectors" > "$tmp/used"
for f in $(cat "$tmp/names"); do
	if grep -qx -- "$f" "$tmp/used"; then ok "vector for $f"
	else bad "no vector decodes format $f (add one to $input/vectors.txt)"; fi
done
[ "$(wc -l < "$tmp/names")" -ge 30 ] && ok "decode list names every format" ||
	bad "decode list -n -o name printed $(wc -l < "$tmp/names") names"

# 2. decode list
run list.txt 0 /dev/null decode list
run list.json 0 /dev/null -j decode list
run list-names.txt 0 /dev/null decode list -n -o name
run list-spec.txt 0 /dev/null decode list -o NAME,WORDS,BITS,SPEC
run list-columns.txt 0 /dev/null decode list --list-columns
run list-default.txt 0 /dev/null decode

# 3. batch: a file, standard input ('-' and implicit), several sources, JSON,
# a bad line (FILE:LINE diagnostic, the other lines still decoded, status 2)
run batch-file.txt 0 /dev/null decode vtd-sl-pte --level 2 "@$input/batch-sl-pte.txt"
run batch-stdin.txt 0 "$input/batch-sl-pte.txt" decode vtd-sl-pte --level 2 -
run batch-implicit.txt 0 "$input/batch-sl-pte.txt" decode vtd-sl-pte --level 2
run batch-file.json 0 /dev/null -j decode vtd-sl-pte --level 2 "@$input/batch-sl-pte.txt"
run batch-two.txt 0 "$input/batch-context.txt" decode vtd-context - "@$input/batch-context.txt"
run batch-efr.txt 0 "$input/batch-efr.txt" decode amd-features
run batch-bad.txt 2 "$input/batch-bad.txt" decode vtd-context -
run batch-bad.json 2 "$input/batch-bad.txt" -j decode vtd-context -
run batch-empty.json 0 /dev/null -j decode vtd-cap -
if cmp -s "$golden/batch-file.txt" "$golden/batch-stdin.txt" &&
   cmp -s "$golden/batch-file.txt" "$golden/batch-implicit.txt"; then
	ok "batch output is the same from a file and from stdin"
else
	bad "batch output differs between @FILE and stdin"
fi
# one entry decoded alone equals the same entry in a batch
first=$(grep -v '^#' "$input/batch-sl-pte.txt" | head -n 1)
# shellcheck disable=SC2086
"$bin" decode vtd-sl-pte --level 2 $first > "$tmp/one"
if [ -s "$tmp/one" ] && cmp -s "$tmp/one" <(head -n "$(wc -l < "$tmp/one")" "$golden/batch-file.txt"); then
	ok "batch entry equals the one-shot decode"
else
	bad "the first batch entry differs from 'decode vtd-sl-pte --level 2 $first'"
fi

# 4. decode log
run log.txt 0 /dev/null decode log "$input/kernel.log"
run log.json 0 "$input/kernel.log" -j decode log
run log-stdin.txt 0 "$input/kernel.log" decode log -
if diff <(grep -v '^    iommuctl: ' "$golden/log.txt") "$input/kernel.log" >/dev/null; then
	ok "decode log passes every input line through unchanged"
else
	bad "decode log changed or dropped input lines"
fi
n=$(grep -c '^    iommuctl: ' "$golden/log.txt")
m=$(python3 -c "import json; print(len(json.load(open('$golden/log.json'))))" 2>/dev/null)
[ "$n" = "$m" ] && [ "$n" -ge 25 ] && ok "decode log: $n annotations, $m JSON events" ||
	bad "decode log: $n annotations but ${m:-?} JSON events"

# 5. errors: exact exit statuses and messages
run err-unknown-format.txt 2 /dev/null decode nosuchformat 0x1
run err-prefix-format.txt 2 /dev/null decode vtd-c 0x1
run err-bad-hex.txt 2 /dev/null decode vtd-cap 0xzz
run err-bad-hex-2.txt 2 /dev/null decode vtd-context 0x1 12g4
run err-wide.txt 2 /dev/null decode vtd-cap 0x11111111111111111
run err-too-many.txt 2 /dev/null decode vtd-cap 0x1 0x2
run err-too-few.txt 2 /dev/null decode vtd-context 0x1
run err-32bit.txt 2 /dev/null decode arm-v7s-l1 0x100000000
run err-level-not-taken.txt 2 /dev/null decode vtd-cap 0x1 --level 2
run err-level-range.txt 2 /dev/null decode arm-lpae-s1 0x3 --level 4
run err-granule.txt 2 /dev/null decode arm-lpae-s1 0x3 --granule 8K
run err-granule-not-taken.txt 2 /dev/null decode vtd-sl-pte 0x3 --granule 4K
run err-page-size.txt 2 /dev/null decode ppc-tce 0x3 --page-size 3K
run err-page-both.txt 2 /dev/null decode ppc-tce 0x3 --page-size 64K --page-shift 16
run err-mtk.txt 2 /dev/null decode arm-lpae-s1 0x3 --mtk-ext
run err-big-endian.txt 2 /dev/null decode vtd-cap 0x3 --big-endian
run err-byteorder.txt 2 /dev/null decode vtd-cap 0x3 --byteorder middle
run err-mixed.txt 2 /dev/null decode vtd-cap 0x3 -
run err-no-file.txt 1 /dev/null decode vtd-cap @/nonexistent/iommuctl-test
run err-unknown-option.txt 2 /dev/null decode vtd-cap 0x3 --frobnicate
run err-log-no-file.txt 1 /dev/null decode log /nonexistent/iommuctl-test.log
run err-list-column.txt 2 /dev/null decode list -o NAME,NOPE
# the AMD features as iommuctl displays them paste back into decode, as
# sysfs's own text does: iommu list's "0x29d3,0x0", iommu show's "0x29d3, 0x0"
amd=tests/fixtures/amd/snapshot.tar
sysfs=$(tar -xOf "$amd" --wildcards '*amd-iommu/features' | head -n 1)
"$bin" decode amd-efr "$sysfs" > "$tmp/efr-sysfs" 2>&1 || bad "decode amd-efr '$sysfs' (sysfs's text)"
listed=$("$bin" -F "$amd" --numeric iommu list -n -o FEATURES | head -n 1)
shown=$("$bin" -F "$amd" --numeric iommu show ivhd0 | sed -n 's/^  features: //p')
for alias in amd-efr amd-features; do
	for text in "$listed" "$shown"; do
		if [ -n "$text" ] && "$bin" decode "$alias" "$text" > "$tmp/efr" 2>&1 && cmp -s "$tmp/efr" "$tmp/efr-sysfs"; then
			ok "decode $alias '$text' (iommuctl's display) = decode '$sysfs'"
		else
			bad "decode $alias '$text' (iommuctl's display) differs from '$sysfs': $(head -n 2 "$tmp/efr")"
		fi
	done
	# word by word, as the shell splits "0x29d3, 0x0" unquoted
	# shellcheck disable=SC2086
	"$bin" decode "$alias" $shown > "$tmp/efr" 2>&1 && cmp -s "$tmp/efr" "$tmp/efr-sysfs" &&
		ok "decode $alias $shown (unquoted)" || bad "decode $alias $shown (unquoted): $(head -n 1 "$tmp/efr")"
done
"$bin" decode vtd-cap --help > "$tmp/help" 2>&1 && grep -q -- '--byteorder' "$tmp/help" &&
	ok "decode FORMAT --help lists the options" || bad "decode vtd-cap --help"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
