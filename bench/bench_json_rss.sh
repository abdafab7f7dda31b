#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Peak RSS of -j against text on the two largest outputs, which the writer
# must stream (issue 11: the same peak RSS in both modes):
#  1. `walk mappings` of bench_walk.sh's dump: a VT-d second-stage table
#     mapping GIB GiB in scattered 4 KiB pages, one range per page (the
#     default 64 GiB is 16M ranges);
#  2. `decode log` of a kernel log of LINES lines: the fault reports of
#     tests/cli/golden-decode/input/kernel.log repeated.
# Prints wall time and peak RSS (/usr/bin/time %M) of each mode, output to
# /dev/null, and the ratio -j / text. A measurement: no thresholds.
# Usage: bench/bench_json_rss.sh [./iommuctl] [DIR for the files (kept)]
#   GIB=N    the walk's mapping in GiB, 1-512 (default 64; 4 for a quick run)
#   LINES=N  lines of the kernel log (default 300000)
set -eu
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-./iommuctl}")
[ -x "$bin" ] || { echo "no $bin: run make first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "no /usr/bin/time (Debian: apt-get install time)" >&2; exit 1; }
dir=${2:-$(mktemp -d)}
[ -n "${2:-}" ] || trap 'rm -rf "$dir"' EXIT
gib=${GIB:-64}
lines=${LINES:-300000}
mkdir -p "$dir"

# the dump writer of bench_walk.sh
. bench/lib.sh
bench_walk_build
echo "generating a $gib GiB scattered dump and a $lines-line kernel log in $dir ..." >&2
root=$("$bw" gen "$dir/s.elf" "$gib" scatter elf)
log=tests/cli/golden-decode/input/kernel.log
awk -v n="$lines" '{ l[NR] = $0 } END { for (i = 0; i < n; i++) print l[i % NR + 1] }' "$log" > "$dir/kernel.log"

# seconds (wall) and peak RSS (KiB) of one run, output to /dev/null
measure() {
	/usr/bin/time -f '%e %M' -o "$dir/time" "$@" > /dev/null 2>"$dir/err" || true
	tail -n 1 "$dir/time"	# after "Command exited with non-zero status", if any
}
ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
row() { # LABEL ARGS...: text, then -j
	local t tr j jr
	read -r t tr < <(measure "$bin" "${@:2}")
	read -r j jr < <(measure "$bin" -j "${@:2}")
	printf '%-42s %9s %7s s %9s %7s s %8s\n' "$1" "$tr" "$t" "$jr" "$j" "$(ratio "$jr" "$tr")"
}

cat "$dir/s.elf" > /dev/null	# warm the page cache
ranges=$(( gib * 512 * 512 ))
printf '%-42s %9s %9s %9s %9s %8s\n' "" "text KiB" "time" "-j KiB" "time" "RSS -j/text"
row "walk mappings, $gib GiB, $ranges ranges" \
	walk --mem "$dir/s.elf" --format vtd-sl-pte --levels 4 --root "$root"
events=$("$bin" -j decode log "$dir/kernel.log" 2>/dev/null |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo "?")
row "decode log, $lines lines, $events events" decode log "$dir/kernel.log"
