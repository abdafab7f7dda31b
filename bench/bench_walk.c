/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helper of bench/bench_walk.sh: writes a VT-d second-stage table (4
 * levels, 4 KiB pages, GIB GiB mapped: GIB*512 leaf tables) as a sparse
 * ELF or kdump dump holding only the tables, physically contiguous pages
 * or scattered ones; and measures the baselines the walk is compared with
 * (read(2) of the same file bytes; direct decompression of the same kdump
 * pages), reusing bench/bench_mem.c's baselines.
 *   bench_walk gen OUT GIB contig|scatter elf|none|zlib|lzo|snappy|zstd   -> prints the root PA
 *   bench_walk read2 FILE | mmapsum FILE | decompress FILE  -> prints MiB/s
 *   bench_walk read2proc FILE    -> read(2) of the data, nothing printed (timed from outside)
 * With -c first (bench_walk -c read2 FILE...), the rates are of the
 * process's CPU time (CLOCK_PROCESS_CPUTIME_ID) over the same loop, not of
 * the wall time: on a machine whose CPUs other jobs share, the steadier
 * figure, to set beside a walk's least CPU time (bench_run).
 */
#define main bench_mem_main
#include "bench_mem.c"
#undef main

#define TBASE 0x1000000ull

static int walk_gen(const char *out, unsigned gib, bool scatter, const char *fmt)
{
	uint64_t leaf = (uint64_t)gib * 512, pages = 2 + gib + leaf, npte = leaf * 512;
	uint64_t *t = calloc(pages, PS);
	struct mkdump_opts o = { .format = MKDUMP_ELF, .incomplete = -1, .page_size = PS };
	struct mkdump *d = mkdump_new();
	char *why = NULL;

	if (!t || !gib || gib > 512)
		return 1;
	/* root, one level-3 table, gib level-2 tables, then the leaf tables */
	t[0] = (TBASE + PS) | 3;
	for (uint64_t i = 0; i < gib; i++)
		t[512 + i] = (TBASE + (2 + i) * PS) | 3;
	for (uint64_t i = 0; i < leaf; i++)
		t[(2 + i / 512) * 512 + i % 512] = (TBASE + (2 + gib + i) * PS) | 3;
	for (uint64_t i = 0; i < npte; i++) {
		/* scatter: a permutation of the pages, so no two neighbours are contiguous */
		uint64_t pfn = scatter ? (i * 7919 + 13) % npte : i;

		t[(2 + gib) * 512 + i] = ((1ull << 36) + pfn * PS) | 3;
	}
	if (mkdump_bytes(d, TBASE, t, pages * PS))
		return 1;
	free(t);
	if (strcmp(fmt, "elf")) {
		o.format = MKDUMP_KDUMP;
		o.comp = !strcmp(fmt, "zlib") ? MKDUMP_COMP_ZLIB : !strcmp(fmt, "lzo") ? MKDUMP_COMP_LZO :
			 !strcmp(fmt, "snappy") ? MKDUMP_COMP_SNAPPY : !strcmp(fmt, "zstd") ? MKDUMP_COMP_ZSTD :
			 MKDUMP_COMP_NONE;
		if (o.comp == MKDUMP_COMP_NONE && strcmp(fmt, "none"))
			return 1;
	}
	if (mkdump_write(d, &o, out, &why)) {
		fprintf(stderr, "bench_walk: %s: %s\n", out, why ? why : "?");
		return 1;
	}
	mkdump_free(d);
	printf("0x%llx\n", TBASE);
	return 0;
}

/*
 * The floor of reading in place: the same file bytes as rate_read2(),
 * mapped and summed 8 bytes at a time (first touch of every page, as a
 * walk of a dump that is in the page cache but not yet mapped).
 */
static double rate_mmapsum(const char *path)
{
	struct mem_source *m = open_or_die(path);
	struct mem_range r;
	struct stat st;
	int fd = open(path, O_RDONLY);
	const uint8_t *base;
	uint64_t total = 0, x = 0;
	double t;

	if (fd < 0 || fstat(fd, &st))
		abort();
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (base == MAP_FAILED)
		abort();
	t = now();
	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end) {
		const uint8_t *p = base + r.file_offset;
		uint64_t n = (r.end - r.start) / 8;

		for (uint64_t i = 0; i < n; i++) {
			uint64_t v;

			memcpy(&v, p + 8 * i, 8);
			x += v;
		}
		total += n * 8;
	}
	t = now() - t;
	sink = x;
	munmap((void *)base, (size_t)st.st_size);
	close(fd);
	mem_close(m);
	return (double)total / (1 << 20) / t;
}

/* read(2) of the file's data as a process of its own: the script times it as it times a walk. */
static int read2proc(const char *path)
{
	rate_read2(path);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "-c")) {
		bench_clock = CLOCK_PROCESS_CPUTIME_ID;
		argc--;
		argv++;
	}
	if (argc == 6 && !strcmp(argv[1], "gen"))
		return walk_gen(argv[2], (unsigned)atoi(argv[3]), !strcmp(argv[4], "scatter"), argv[5]);
	if (argc == 3 && !strcmp(argv[1], "read2")) {
		printf("%.0f\n", rate_read2(argv[2]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "mmapsum")) {
		printf("%.0f\n", rate_mmapsum(argv[2]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "read2proc"))
		return read2proc(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "decompress")) {
		printf("%.0f\n", rate_decompress(argv[2], 0));
		return 0;
	}
	fputs("usage: bench_walk gen OUT GIB contig|scatter elf|none|zlib|lzo|snappy|zstd | "
	      "[-c] read2|read2proc|mmapsum|decompress FILE\n", stderr);
	return 2;
}
