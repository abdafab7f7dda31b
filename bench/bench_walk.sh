#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Walker benchmark: a VT-d second-stage table mapping 64 GiB in 4 KiB pages
# (16M PTEs in 32768 leaf tables = 128 MiB of PTEs) in sparse dumps, walked
# with `iommuctl walk > /dev/null`. Prints the walk rate over the table
# bytes against baselines measured in the same run on the same files:
# read(2) of the file's data (in the benchmark process, and as a process of
# its own timed as the walk is), cat, and the floor of reading in place
# (the mapped file summed) for ELF; direct decompression of the same pages
# for zlib, zstd, lzo and snappy kdump files; the same with scattered pages
# (every page its own output line); and peak RSS for 4 GiB and 64 GiB
# mapped (it must not grow with the mapping count). A walk's wall time
# includes iommuctl's start-up: the last columns take off the time of a
# walk of a 1 GiB mapping (2 MiB of tables) measured in the same run.
# Every time is the best of RUNS runs (default 5). Ratios, no thresholds.
# The CPU columns are for a machine whose CPUs other jobs share, where the
# wall times follow the load: the walk's least CPU time (user+sys, wait4,
# bench_run; the 1 GiB walk's taken off) against the same baselines timed
# with the process's CPU clock over the same loop (bench_walk -c).
# Usage: bench/bench_walk.sh [./iommuctl] [DIR for the dumps]
set -eu
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-./iommuctl}")
dir=${2:-$(mktemp -d)}
mkdir -p "$dir"
. bench/lib.sh
bench_walk_build
bench_run_build
gib=${GIB:-64}
table_mib=$(( (gib * 512 + gib + 2) * 4096 / 1048576 ))
tiny_mib=$(( (512 + 1 + 2) * 4096 / 1048576 ))

echo "generating dumps in $dir ..." >&2
root=$("$bw" gen "$dir/c.elf" "$gib" contig elf)
"$bw" gen "$dir/s.elf" "$gib" scatter elf >/dev/null
for c in zlib zstd lzo snappy; do "$bw" gen "$dir/c.$c" "$gib" contig $c >/dev/null; done
"$bw" gen "$dir/small.elf" 4 contig elf >/dev/null
"$bw" gen "$dir/tiny.elf" 1 contig elf >/dev/null

# seconds (best of RUNS, wall clock) and max RSS (KiB) of a command, output to /dev/null
measure() {
	local best="" rss=0 t0 t1 t r i
	for ((i = 0; i < ${RUNS:-5}; i++)); do
		t0=$EPOCHREALTIME
		/usr/bin/time -f '%M' -o "$dir/time" "$@" > /dev/null
		t1=$EPOCHREALTIME
		read -r r < "$dir/time"
		t=$(awk "BEGIN{print $t1 - $t0}")
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
		[ "$r" -gt "$rss" ] && rss=$r
	done
	echo "$best $rss"
}
walk() { "$bin" walk --mem "$1" --format vtd-sl-pte --levels 4 --root "$root"; }
wcmd() { echo "$bin" walk --format vtd-sl-pte --levels 4 --root "$root" --mem "$1"; }
rate() { awk "BEGIN{t=$2; if (t < 0.001) t = 0.001; printf \"%.0f\", $1 / t}"; }
ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }

# least CPU seconds (user+sys) of RUNS runs of a command
cpu() { "$bench_run" -n "${RUNS:-5}" -- "$@" | awk '{print $7}'; }
# best MiB/s of RUNS runs of a bench_walk baseline
best() {
	local b=0 r i
	for ((i = 0; i < ${RUNS:-5}; i++)); do
		r=$("$bw" "$@"); [ "$r" -gt "$b" ] && b=$r
	done
	echo "$b"
}

# the start-up of iommuctl and of a walk: a walk of 2 MiB of tables
read -r t_start _ < <(measure $(wcmd "$dir/tiny.elf"))
c_start=$(cpu $(wcmd "$dir/tiny.elf"))
net() { awk "BEGIN{t=$2 - $t_start; if (t < 0.001) t = 0.001; printf \"%.0f\", $1 / t}"; }
cnet() { awk "BEGIN{t=$2 - $c_start; if (t < 0.0005) t = 0.0005; printf \"%.0f\", $1 / t}"; }

printf '%-46s %8s %8s %6s  %-15s  %s\n' "" "wall" "" "" "start-up off" "CPU, start-up off"
printf '%-46s %8s %8s %6s  %8s %6s  %8s %8s %6s\n' "" "MiB/s" "baseline" "ratio" "MiB/s" "ratio" \
	"MiB/s" "baseline" "ratio"
row() {	# label seconds baseline-MiB/s [cpu-seconds cpu-baseline-MiB/s]
	local w n c=""
	w=$(rate "$table_mib" "$2"); n=$(net "$((table_mib - tiny_mib))" "$2")
	if [ -n "${4:-}" ]; then
		c=$(cnet "$((table_mib - tiny_mib))" "$4")
		c=$(printf '%8s %8s %6s' "$c" "$5" "$(ratio "$c" "$5")")
	fi
	printf '%-46s %8s %8s %6s  %8s %6s  %s\n' "$1" "$w" "$3" "$(ratio "$w" "$3")" "$n" "$(ratio "$n" "$3")" "$c"
}
brow() { printf '%-46s %8s %8s %6s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

cat "$dir/c.elf" > /dev/null	# warm the page cache
data_mib=$(( $(stat -c %s "$dir/c.elf") / 1048576 ))
read -r t_cat _ < <(measure cat "$dir/c.elf")
cat_rate=$(rate "$data_mib" "$t_cat")
read2=0
for ((i = 0; i < ${RUNS:-5}; i++)); do
	r=$("$bw" read2 "$dir/c.elf"); [ "$r" -gt "$read2" ] && read2=$r
done
mmapsum=0
for ((i = 0; i < ${RUNS:-5}; i++)); do
	r=$("$bw" mmapsum "$dir/c.elf"); [ "$r" -gt "$mmapsum" ] && mmapsum=$r
done
read -r t_r2p _ < <(measure "$bw" read2proc "$dir/c.elf")
r2p=$(rate "$data_mib" "$t_r2p")
read2c=$(best -c read2 "$dir/c.elf")
read -r t rss_big < <(measure $(wcmd "$dir/c.elf"))
row "ELF, contiguous (few ranges) vs read(2)" "$t" "$read2" "$(cpu $(wcmd "$dir/c.elf"))" "$read2c"
row "ELF, contiguous vs a read(2) process" "$t" "$r2p"
row "ELF, contiguous vs cat" "$t" "$cat_rate"
row "ELF, contiguous vs the mapped file summed" "$t" "$mmapsum"
brow "  (the mapped file summed vs read(2): the floor)" "$mmapsum" "$read2"
lines=$(walk "$dir/s.elf" | wc -l)
read -r t _ < <(measure $(wcmd "$dir/s.elf"))
row "ELF, scattered ($lines lines) vs read(2)" "$t" "$read2" "$(cpu $(wcmd "$dir/s.elf"))" "$read2c"
for c in zlib zstd lzo snappy; do
	base=$(best decompress "$dir/c.$c")
	read -r t _ < <(measure $(wcmd "$dir/c.$c"))
	row "kdump $c vs direct decompression" "$t" "$base" "$(cpu $(wcmd "$dir/c.$c"))" \
		"$(best -c decompress "$dir/c.$c")"
done
"$bw" gen "$dir/small.zstd" 4 contig zstd >/dev/null
read -r _ rss_small < <(measure $(wcmd "$dir/small.elf"))
read -r _ rss_zs < <(measure $(wcmd "$dir/small.zstd"))
read -r _ rss_zb < <(measure $(wcmd "$dir/c.zstd"))
echo
echo "peak RSS (KiB), 4 GiB mapped (1M PTEs) vs $gib GiB ($((gib / 4))M PTEs):"
printf '  kdump zstd (the file is mapped: its pages read count):\n                                     %8s %8s  ratio %s\n' "$rss_zs" "$rss_zb" "$(ratio "$rss_zb" "$rss_zs")"
printf '  ELF (mapped file, at most a few windows resident at once):\n'
printf '                                     %8s %8s  ratio %s\n' "$rss_small" "$rss_big" "$(ratio "$rss_big" "$rss_small")"
if command -v valgrind >/dev/null; then
	heap() {
		valgrind --tool=massif --massif-out-file="$dir/massif" "$@" >/dev/null 2>&1
		sed -n 's/^mem_heap_B=//p' "$dir/massif" | sort -n | tail -1
	}
	hs=$(heap $(wcmd "$dir/small.zstd")); hb=$(heap $(wcmd "$dir/c.zstd"))
	printf '  peak heap (valgrind massif), zstd: %8s %8s bytes  ratio %s\n' "$hs" "$hb" "$(ratio "$hb" "$hs")"
fi
read -r t json_rss < <(measure "$bin" -j walk --mem "$dir/s.elf" --format vtd-sl-pte --root "$root")
printf '  -j on the scattered ELF walk (%s ranges, %.1f s): %s KiB (text: the same walk above)\n' "$lines" "$t" "$json_rss"
[ -n "${2:-}" ] || rm -rf "$dir"
