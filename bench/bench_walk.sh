#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Walker benchmark: a VT-d second-stage table mapping 64 GiB in 4 KiB pages
# (16M PTEs in 32768 leaf tables = 128 MiB of PTEs) in sparse dumps, walked
# with `iommuctl walk > /dev/null`. Prints the walk rate over the table
# bytes against baselines measured in the same run on the same files:
# read(2) of the file's data (and cat) for ELF, direct decompression of the
# same pages for zlib and zstd kdump files; the same with scattered pages
# (every page its own output line); and peak RSS for 4 GiB and 64 GiB
# mapped (it must not grow with the mapping count). Ratios, no thresholds.
# Usage: bench/bench_walk.sh [./iommuctl] [DIR for the dumps]
set -eu
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-./iommuctl}")
dir=${2:-$(mktemp -d)}
mkdir -p "$dir"
. bench/lib.sh
bench_walk_build
gib=${GIB:-64}
table_mib=$(( (gib * 512 + gib + 2) * 4096 / 1048576 ))

echo "generating dumps in $dir ..." >&2
root=$("$bw" gen "$dir/c.elf" "$gib" contig elf)
"$bw" gen "$dir/s.elf" "$gib" scatter elf >/dev/null
"$bw" gen "$dir/c.zlib" "$gib" contig zlib >/dev/null
"$bw" gen "$dir/c.zstd" "$gib" contig zstd >/dev/null
"$bw" gen "$dir/small.elf" 4 contig elf >/dev/null

# seconds (best of 3, wall clock) and max RSS (KiB) of a command, output to /dev/null
measure() {
	local best="" rss=0 t0 t1 t r
	for _ in 1 2 3; do
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

printf '%-44s %10s %10s %8s\n' "" "MiB/s" "baseline" "ratio"
row() { printf '%-44s %10s %10s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

cat "$dir/c.elf" > /dev/null	# warm the page cache
read -r t_cat _ < <(measure cat "$dir/c.elf")
cat_rate=$(rate "$(( $(stat -c %s "$dir/c.elf") / 1048576 ))" "$t_cat")
read2=$("$bw" read2 "$dir/c.elf")
read -r t rss_big < <(measure $(wcmd "$dir/c.elf"))
w=$(rate "$table_mib" "$t")
row "ELF, contiguous (few ranges) vs read(2)" "$w" "$read2"
row "ELF, contiguous vs cat" "$w" "$cat_rate"
lines=$(walk "$dir/s.elf" | wc -l)
read -r t _ < <(measure $(wcmd "$dir/s.elf"))
row "ELF, scattered ($lines lines) vs read(2)" "$(rate "$table_mib" "$t")" "$read2"
for c in zlib zstd; do
	base=$("$bw" decompress "$dir/c.$c")
	read -r t _ < <(measure $(wcmd "$dir/c.$c"))
	row "kdump $c vs direct decompression" "$(rate "$table_mib" "$t")" "$base"
done
"$bw" gen "$dir/small.zstd" 4 contig zstd >/dev/null
read -r _ rss_small < <(measure $(wcmd "$dir/small.elf"))
read -r _ rss_zs < <(measure $(wcmd "$dir/small.zstd"))
read -r _ rss_zb < <(measure $(wcmd "$dir/c.zstd"))
echo
echo "peak RSS (KiB), 4 GiB mapped (1M PTEs) vs $gib GiB ($((gib / 4))M PTEs):"
printf '  kdump zstd (heap only):            %8s %8s  ratio %s\n' "$rss_zs" "$rss_zb" "$(ratio "$rss_zb" "$rss_zs")"
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
