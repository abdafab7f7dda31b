#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmarks run, at sizes that take seconds: `make bench` runs nowhere
# in `make check`, so a benchmark that stopped working (a generator that
# broke, a peer's output it no longer parses, a ratio of nothing) would go
# unseen. Each bench script must exit 0 and print its ratio lines with
# finite numbers. Timings are not judged (standing rule 8: no thresholds
# in tests); bench_mem, built by test-bench-build.sh, is left out here: its
# random-read rows take minutes at any size.
#   tests/cli/test-bench-smoke.sh [BINARY]
# run-all: once
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck disable=SC1091
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# bench NAME ENV... -- COMMAND...: run it, output in $tmp/NAME.out
bench() {
	local name=$1 rc t0=$SECONDS; shift
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env TMPDIR="$tmp" "${envs[@]}" timeout 600 "$@" >"$tmp/$name.out" 2>&1; rc=$?
	if [ "$rc" -ne 0 ]; then
		bad "$name: exit $rc: $(tail -n 3 "$tmp/$name.out" | tr '\n' ' ')"
		return 1
	fi
	note "$name: $((SECONDS - t0)) s"
}

# has NAME WHAT REGEX: a line of NAME's output matches (ERE), with no nan or inf in it
has() {
	local line
	line=$(grep -E -m 1 -- "$3" "$tmp/$1.out")
	if [ -n "$line" ] && ! grep -qiE '(^|[^a-z])(nan|inf)([^a-z]|$)' <<<"$line"; then
		ok "$1: $2"
	else
		bad "$1: $2: no line matches /$3/ ($(tail -n 2 "$tmp/$1.out" | tr '\n' ' '))"
	fi
}

num='[0-9]+(\.[0-9]+)?'
if bench bench_decode ENTRIES=20000 RUNS=5 RUNS_BATCH=1 FORMATS=vtd-sl-pte -- bash bench/bench_decode.sh "$bin"; then
	has bench_decode "one-shot decode against python3" "ratio +$num""x faster than python3"
	has bench_decode "batch rate against the plain C floor" "vtd-sl-pte: $num M entries/s, $num""x the plain C floor"
fi
if bench bench_startup RUNS=20 ROUNDS=1 -- bash bench/bench_startup.sh "$bin"; then
	has bench_startup "--version against /bin/true" "^iommuctl --version +$num +$num +$num +$num +$num +$num"
	has bench_startup "a one-shot decode against /bin/true" "^iommuctl decode vtd-sl-pte [^ ]+ +$num +$num +$num +$num"
fi
if bench bench_walk GIB=1 RUNS=1 -- bash bench/bench_walk.sh "$bin"; then
	has bench_walk "the ELF walk against read(2)" "^ELF, contiguous \(few ranges\) vs read\(2\) +$num +$num +$num"
	for c in zlib zstd lzo snappy; do
		has bench_walk "kdump $c against direct decompression" "^kdump $c vs direct decompression +$num +$num +$num"
	done
	has bench_walk "peak RSS, ELF" "^ +$num +$num +ratio $num$"
fi
if bench bench_json_rss GIB=1 LINES=2000 -- bash bench/bench_json_rss.sh "$bin"; then
	has bench_json_rss "walk mappings text and -j" "^walk mappings, 1 GiB, [0-9]+ ranges +$num +$num s +$num +$num s +$num$"
	has bench_json_rss "decode log text and -j" "^decode log, 2000 lines, [0-9]+ events +$num +$num s +$num +$num s +$num$"
fi
if bench bench_flat -- bash bench/bench_flat.sh "$bin" 16; then
	has bench_flat "the index pass against makedumpfile -R and read(2)" "^ratios: index pass / makedumpfile -R = $num; index pass / read\(2\) floor = $num"
fi
# the inventory bench binds trees over /sys in a mount namespace of its own
if [ "$(id -u)" -ne 0 ]; then
	skip "bench_inventory: needs root (unshare -m); make check runs as root on CI"
elif bench bench_inventory SIZES=32x2 PEERS=lspci MAXSECS=5 TIME=0.2 -- bash bench/bench_inventory.sh "$bin"; then
	has bench_inventory "group list against the find floor, real guest (its 8 lines)" \
		"^  iommuctl group list +[0-9]+ +$num ms +$num ms +$num ms +8 +$num""x +$num""x$"
	has bench_inventory "lspci -nnkv measured as a peer" "^  lspci -nnkv +[0-9]+ +$num ms +$num ms +$num ms +[0-9]+ +$num""x"
	has bench_inventory "device list against its reads alone" "^  synthetic, 32 groups x 2 devices = 64 devices: $num ms / $num ms = $num"
fi
finish
