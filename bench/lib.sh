# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmarks' own programs, built into $O/bench (default build/bench);
# sourced from the repository's top by the bench scripts and by
# tests/cli/test-bench-build.sh, which builds every one of them.

# bench_tool_build NAME: bench/NAME.c, which needs nothing of iommuctl,
# into $O/bench/NAME; sets $tool to it.
bench_tool_build() {
	local out=${O:-build}/bench
	mkdir -p "$out"
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -o "$out/$1" "bench/$1.c"
	tool=$(realpath "$out/$1")
}

# Shared by the walk benchmarks (sourced, from the repository's top):
# builds bench/bench_walk.c, the generator of VT-d second-level tables in
# ELF and kdump dumps, into $O/bench (default build/bench) and sets $bw to it.
bench_walk_build() {
	local out=${O:-build}/bench
	mkdir -p "$out"
	# the decompressors are loaded on demand (src/core/dlib.c; its header
	# of SONAMEs is made by `make`, in $O/gen)
	# (dlib.c includes every library's header: libnl's and libmount's live
	# in directories of their own)
	# shellcheck disable=SC2046 # the flags, split
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -g -Isrc -Ibench -I"${O:-build}/gen" \
		$(pkg-config --cflags libnl-route-3.0 mount) -DHAVE_ZLIB=1 -DHAVE_LZO2=1 \
		-DHAVE_SNAPPY=1 -DHAVE_ZSTD=1 -o "$out/bench_walk" bench/bench_walk.c \
		src/backends/dump/mem*.c src/core/util.c src/core/textesc.c src/core/dlib.c -lz -llzo2 -lsnappy -lzstd
	bw=$out/bench_walk
}

# Shared by the inventory benchmark: builds bench/bench_run.c, which times
# a command by fork+exec+wait4 with no shell in between, and
# bench/attr_floor.c (device list's reads and nothing else) into $O/bench
# and sets $bench_run and $attr_floor to them.
bench_run_build() {
	bench_tool_build attr_floor
	attr_floor=$tool
	bench_tool_build bench_run
	bench_run=$tool
}

# bench_mem_build: bench/bench_mem.c against the memory sources (and
# libkdumpfile when pkg-config finds it) into $O/bench/bench_mem; sets $bm.
bench_mem_build() {
	local out=${O:-build}/bench pc defs="" libs
	mkdir -p "$out"
	# dlib.c includes every library's header: libnl's and libmount's live
	# in directories of their own
	libs=$(${PKG_CONFIG:-pkg-config} --cflags libnl-route-3.0 mount)
	for pc in zlib:HAVE_ZLIB lzo2:HAVE_LZO2 snappy:HAVE_SNAPPY libzstd:HAVE_ZSTD \
		libkdumpfile:HAVE_LIBKDUMPFILE; do
		if ${PKG_CONFIG:-pkg-config} --exists "${pc%%:*}" 2>/dev/null; then
			defs="$defs -D${pc#*:}=1"
			libs="$libs $(${PKG_CONFIG:-pkg-config} --cflags --libs "${pc%%:*}")"
		fi
	done
	# (src/core/dlib.c loads the decompressors; its header of SONAMEs is made by `make`)
	# shellcheck disable=SC2086 # the flags, split
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -g -Isrc -I"${O:-build}/gen" $defs -o "$out/bench_mem" \
		bench/bench_mem.c src/backends/dump/mem*.c src/core/util.c src/core/textesc.c src/core/dlib.c $libs
	bm=$out/bench_mem
}
