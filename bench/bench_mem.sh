#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory-source benchmark: builds bench/bench_mem.c against the memory
# sources (and libkdumpfile when pkg-config finds it) and runs it. Prints
# rates and ratios against baselines measured in the same run; no
# thresholds. Usage: bench/bench_mem.sh [DIR for the generated dumps]
set -eu
cd "$(dirname "$0")/.."
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
out=${O:-build}/bench
mkdir -p "$out"
defs="" libs=""
for pc in zlib:HAVE_ZLIB lzo2:HAVE_LZO2 snappy:HAVE_SNAPPY libzstd:HAVE_ZSTD \
	  libkdumpfile:HAVE_LIBKDUMPFILE; do
	if $PKG_CONFIG --exists "${pc%%:*}" 2>/dev/null; then
		defs="$defs -D${pc#*:}=1"
		libs="$libs $($PKG_CONFIG --cflags --libs "${pc%%:*}")"
	fi
done
# shellcheck disable=SC2086
# (src/core/dlib.c loads the decompressors; its header of SONAMEs is made by `make`)
$CC -std=gnu11 -D_GNU_SOURCE -O2 -g -Isrc -I"${O:-build}/gen" $defs -o "$out/bench_mem" bench/bench_mem.c \
	src/backends/dump/mem*.c src/core/util.c src/core/textesc.c src/core/dlib.c $libs
exec "$out/bench_mem" "$@"
