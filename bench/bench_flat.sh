#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Flattened kdump streams (issue 18): what reading one as it is costs,
# against reassembling it first with makedumpfile -R, in the same run.
# tests/tools/mkdump writes SIZE MiB of memory (half random pages, stored
# raw; half zero pages, zlib-compressed) as a kdump file and as QEMU's
# flattened stream of it (16 KiB records), and bench_run times, best of
# several runs, warm page cache:
#   read(2) floor   cat STREAM > /dev/null
#   reassemble      makedumpfile -R OUT < STREAM (what iommuctl needed before)
#   info plain      iommuctl mem info on the reassembled file
#   info stream     iommuctl mem info on the stream: the index pass, then
#                   the same work
# and prints the index pass (info stream - info plain) and the ratios. No
# thresholds. Usage: bench/bench_flat.sh [BINARY] [SIZE_MIB]   (./iommuctl, 256)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-./iommuctl}
mib=${2:-256}
# shellcheck source=lib.sh
. bench/lib.sh
bench_run_build
command -v makedumpfile >/dev/null 2>&1 || { echo "bench_flat: makedumpfile is not installed (apt-get install makedumpfile)" >&2; exit 1; }
out=${O:-build}/bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-flat.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cc -std=gnu11 -O2 -D_GNU_SOURCE -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD -Isrc \
	tests/tools/mkdump.c -o "$out/mkdump" -lz -llzo2 -lsnappy -lzstd
half=$((mib / 2 * 1024 * 1024))
printf 'region 0x100000 0x%x seed:3\nregion 0x%x 0x%x zero\n' "$half" $((0x100000 + half)) "$half" >"$tmp/spec"
"$out/mkdump" -o "$tmp/plain.kdump" -f kdump -c zlib "$tmp/spec"
"$out/mkdump" -o "$tmp/stream.kdump" -f kdump -c zlib -F 16384 "$tmp/spec"
cmp -s <("$bin" mem read "$tmp/plain.kdump" 0x100000 0x100000) <("$bin" mem read "$tmp/stream.kdump" 0x100000 0x100000) ||
	{ echo "bench_flat: the stream does not read as the plain file does" >&2; exit 1; }

# time NAME COMMAND...: "NAME BEST" (seconds) into $tmp/res
time_it() {
	local name=$1 line
	shift
	line=$("$bench_run" -n 7 -t 20 -- "$@")
	set -- $line
	[ "$6" = 0 ] || { echo "bench_flat: $name exited with status $6" >&2; exit 1; }
	echo "$name $2" >>"$tmp/res"
}
: >"$tmp/res"
cat "$tmp/stream.kdump" >/dev/null   # warm
time_it floor sh -c "cat '$tmp/stream.kdump' >/dev/null"
time_it reassemble sh -c "makedumpfile -R '$tmp/re.kdump' < '$tmp/stream.kdump' && rm -f '$tmp/re.kdump'"
time_it info_plain "$bin" mem info "$tmp/plain.kdump"
time_it info_stream "$bin" mem info "$tmp/stream.kdump"
records=$("$bin" -j mem info "$tmp/stream.kdump" | python3 -c 'import json,sys; print(json.load(sys.stdin)["kdump"]["flat_records"])')
awk -v mib="$mib" -v size="$(stat -c %s "$tmp/stream.kdump")" -v rec="$records" '
	{ t[$1] = $2 }
	END {
		idx = t["info_stream"] - t["info_plain"]; if (idx < 0) idx = 0
		printf "flattened kdump stream of %d MiB of memory: %.1f MiB, %d records (best of up to 7 runs, warm cache)\n", mib, size / 1048576, rec
		printf "  %-44s %9.1f ms\n", "read(2) of the stream (floor)", t["floor"] * 1000
		printf "  %-44s %9.1f ms\n", "makedumpfile -R (reassemble, as before)", t["reassemble"] * 1000
		printf "  %-44s %9.1f ms\n", "iommuctl mem info, reassembled file", t["info_plain"] * 1000
		printf "  %-44s %9.1f ms\n", "iommuctl mem info, the stream as it is", t["info_stream"] * 1000
		printf "  %-44s %9.1f ms\n", "  of which the index pass", idx * 1000
		printf "ratios: index pass / makedumpfile -R = %.3f; index pass / read(2) floor = %.2f;\n", idx / t["reassemble"], idx / t["floor"]
		printf "        first answer from the stream (info stream) / (makedumpfile -R + info plain) = %.3f\n", t["info_stream"] / (t["reassemble"] + t["info_plain"])
	}' "$tmp/res"
