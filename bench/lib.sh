# SPDX-License-Identifier: GPL-2.0-or-later
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
	local out=${O:-build}/bench
	mkdir -p "$out"
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -o "$out/bench_run" bench/bench_run.c
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -o "$out/attr_floor" bench/attr_floor.c
	bench_run=$(realpath "$out/bench_run")
	attr_floor=$(realpath "$out/attr_floor")
}
