#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Speed of `iommuctl decode`, as ratios against baselines measured in the
# same run (no pass/fail thresholds):
#  1. one-shot: `iommuctl decode vtd-cap VALUE` against `python3 -c pass`,
#     mean wall time per invocation over many runs (goal: 10x faster);
#  2. batch: entries per second decoding a generated file of one-word
#     entries from standard input in text (goal: 2 million/s), against
#     `cat` and `wc -l` over the same file; for vtd-sl-pte also against
#     bench/bench_decode_floor.c, the plain C way (fgets, strtoull, one
#     printf per line) to print the same text, which it checks is the same
#     bytes. Batch times are the best of RUNS_BATCH runs (default 3).
# Builds nothing: run `make` first. Usage: bench/bench_decode.sh [BINARY]
#   RUNS=N       one-shot repetitions (default 500; python3 gets RUNS/5)
#   ENTRIES=N    batch size (default 4000000)
#   FORMATS=...  batch formats (default "vtd-pasid-dir ppc-tce vtd-sl-pte")
set -eu
bin=$(realpath "${1:-./iommuctl}")
[ -x "$bin" ] || { echo "no $bin: run make first" >&2; exit 1; }
runs=${RUNS:-500}
entries=${ENTRIES:-4000000}
formats=${FORMATS:-"vtd-pasid-dir ppc-tce vtd-sl-pte"}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
# secs CMD...: wall seconds of one run of CMD (stdout to /dev/null)
secs() { local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now); echo "$t1 - $t0" | bc -l; }
# best IN CMD...: the least of RUNS_BATCH runs of secs, each reading file IN
best() {
	local b="" t i in=$1
	shift
	for ((i = 0; i < ${RUNS_BATCH:-3}; i++)); do
		t=$(secs "$@" < "$in")
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
fmt() { printf '%.3f' "$1"; }

echo "iommuctl decode benchmark ($(uname -m), $(nproc) CPUs, $bin)"
echo

# 1. one-shot start-up and decode
cap=0xd2008c22260286
"$bin" decode vtd-cap $cap > /dev/null
oneshot() { for ((i = 0; i < runs; i++)); do "$bin" decode vtd-cap $cap; done; }
pyruns=$((runs / 5 > 0 ? runs / 5 : 1))
python() { for ((i = 0; i < pyruns; i++)); do python3 -c pass; done; }
t_io=$(secs oneshot)
t_py=$(secs python)
per_io=$(echo "$t_io / $runs * 1000" | bc -l)
per_py=$(echo "$t_py / $pyruns * 1000" | bc -l)
echo "one-shot: iommuctl decode vtd-cap $cap"
echo "  iommuctl        $(fmt "$per_io") ms per invocation ($runs runs)"
echo "  python3 -c pass $(fmt "$per_py") ms per invocation ($pyruns runs)"
echo "  ratio           $(printf '%.1f' "$(echo "$per_py / $per_io" | bc -l)")x faster than python3 (goal 10x)"
echo

# 2. batch from stdin
python3 -c "
import sys
with open('$tmp/entries', 'w') as f:
    for i in range(0, $entries, 1000):
        f.write(''.join('0x%016x\n' % (((i + j) << 12) | 3) for j in range(min(1000, $entries - i))))
"
size=$(stat -c %s "$tmp/entries")
t_cat=$(best "$tmp/entries" cat)
t_wc=$(best "$tmp/entries" wc -l)
echo "batch: $entries one-word entries ($((size / 1000000)) MB), text to /dev/null"
echo "  baseline cat    $(fmt "$t_cat") s    wc -l $(fmt "$t_wc") s"
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
. bench/lib.sh
bench_tool_build bench_decode_floor
floor=$tool
cmp -s <("$floor" < "$tmp/entries") <("$bin" decode vtd-sl-pte - < "$tmp/entries") ||
	{ echo "bench_decode_floor does not print what iommuctl prints: fix it first" >&2; exit 1; }
t_floor=$(best "$tmp/entries" "$floor")
for f in $formats; do
	t=$(best "$tmp/entries" "$bin" decode "$f" -)
	out=$("$bin" decode "$f" - < "$tmp/entries" | wc -c)
	rate=$(echo "$entries / $t" | bc -l)
	printf '  %-15s %s s  %5.2f M entries/s  %.2fx the 2 M/s goal  %5.0f MB/s of text  (time: %.0fx cat, %.0fx wc -l)\n' \
		"$f" "$(fmt "$t")" "$(echo "$rate / 1000000" | bc -l)" "$(echo "$rate / 2000000" | bc -l)" \
		"$(echo "$out / $t / 1000000" | bc -l)" "$(echo "$t / $t_cat" | bc -l)" "$(echo "$t / $t_wc" | bc -l)"
	[ "$f" = vtd-sl-pte ] || continue
	printf '  %-15s %s s  %5.2f M entries/s  (fgets + strtoull + printf, the same text)\n' \
		"plain C floor" "$(fmt "$t_floor")" "$(echo "$entries / $t_floor / 1000000" | bc -l)"
	printf '  vtd-sl-pte: %.2f M entries/s, %.2fx the plain C floor (the goal: 3 M/s)\n' \
		"$(echo "$rate / 1000000" | bc -l)" "$(echo "$t_floor / $t" | bc -l)"
done
