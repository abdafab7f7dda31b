/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory-source benchmark: writes a sparse ELF vmcore holding ~128 MiB and
 * zlib/zstd kdump files of the same pages, then prints the rate of
 * mem_read() in 8-byte and 4 KiB reads against baselines measured in the
 * same run (read(2) streaming the same file bytes; decompressing the same
 * pages directly), as ratios. With -DHAVE_LIBKDUMPFILE also libkdumpfile's
 * kdump_read() on the same files. No thresholds. Built by bench_mem.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MKDUMP_NO_MAIN
#include "../tests/tools/mkdump.c"

#include "backends/dump/mem.h"

#ifdef HAVE_LIBKDUMPFILE
#include <libkdumpfile/kdumpfile.h>
#endif

#define NREG      64
#define REG_LEN   (2ull << 20)         /* 64 x 2 MiB = 128 MiB */
#define REG_GAP   (64ull << 20)
#define REG_BASE  (1ull << 32)
#define PS        4096u

/* what now() reads: wall time, or (bench_walk -c) this process's CPU time */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now(void)
{
	struct timespec ts;

	clock_gettime(bench_clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

/* Half pattern, half text per page: compresses about 2:1, like real memory. */
static void bench_desc(struct mkdump *d)
{
	uint8_t *buf = malloc(REG_LEN);
	static const char txt[] = "iommuctl benchmark page filler; ";

	for (unsigned r = 0; r < NREG; r++) {
		uint64_t pa = REG_BASE + r * REG_GAP;

		for (uint64_t i = 0; i < REG_LEN; i += 8) {
			uint64_t in = i % PS, w = mkdump_pattern_word(r + 1, pa + i);

			if (in < PS / 2)
				memcpy(buf + i, &w, 8);
			else
				memcpy(buf + i, txt + in % 32, 8);
		}
		if (mkdump_bytes(d, pa, buf, REG_LEN))
			abort();
	}
	free(buf);
}

static char *gen(const char *dir, const char *name, enum mkdump_format f, enum mkdump_comp c)
{
	struct mkdump_opts o = { .format = f, .comp = c, .incomplete = -1, .page_size = PS };
	struct mkdump *d = mkdump_new();
	char *path, *why = NULL;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		abort();
	bench_desc(d);
	if (mkdump_write(d, &o, path, &why)) {
		fprintf(stderr, "bench_mem: %s: %s\n", path, why ? why : "?");
		exit(1);
	}
	mkdump_free(d);
	return path;
}

static struct mem_source *open_or_die(const char *path)
{
	struct mem_source *m;
	char *why = NULL;

	if (mem_open(path, NULL, &m, &why)) {
		fprintf(stderr, "bench_mem: %s: %s\n", path, why);
		exit(1);
	}
	return m;
}

/* MiB/s of mem_read() over every data range in reads of `chunk` bytes. */
static double rate_mem(const char *path, size_t chunk)
{
	struct mem_source *m = open_or_die(path);
	static uint8_t buf[1 << 20];
	struct mem_range r;
	uint64_t total = 0, x = 0;
	double t = now();

	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end) {
		for (uint64_t a = r.start; a < r.end; a += chunk) {
			if (mem_read(m, a, buf, chunk))
				abort();
			x += buf[0];
		}
		total += r.end - r.start;
	}
	t = now() - t;
	sink = x;
	mem_close(m);
	return (double)total / (1 << 20) / t;
}

/* MiB/s of 8-byte reads at pseudo-random 8-byte-aligned addresses (a walker's pattern). */
static double rate_mem_random8(const char *path, uint64_t n)
{
	struct mem_source *m = open_or_die(path);
	uint64_t x = 0, v, s = 1;
	double t = now();

	for (uint64_t i = 0; i < n; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t off = (s >> 20) % (NREG * REG_LEN / 8) * 8;
		uint64_t pa = REG_BASE + off / REG_LEN * REG_GAP + off % REG_LEN;

		if (mem_read(m, pa, &v, 8))
			abort();
		x += v;
	}
	t = now() - t;
	sink = x;
	mem_close(m);
	return (double)(n * 8) / (1 << 20) / t;
}

/* Baseline: read(2) the data segments' file bytes in 1 MiB pieces. */
static double rate_read2(const char *path)
{
	struct mem_source *m = open_or_die(path);
	static uint8_t buf[1 << 20];
	struct mem_range r;
	uint64_t total = 0, x = 0;
	int fd = open(path, O_RDONLY);
	double t = now();

	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end) {
		if (lseek(fd, (off_t)r.file_offset, SEEK_SET) < 0)
			abort();
		for (uint64_t left = r.end - r.start; left;) {
			ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

			if (n <= 0)
				abort();
			x += buf[0];
			left -= (uint64_t)n;
			total += (uint64_t)n;
		}
	}
	t = now() - t;
	sink = x;
	close(fd);
	mem_close(m);
	return (double)total / (1 << 20) / t;
}

/* Baseline: decompress every page of a kdump file straight from its descriptors. */
static double rate_decompress(const char *path, unsigned comp)
{
	struct mem_source *m = open_or_die(path);
	struct mem_info in;
	struct mem_range r;
	struct stat st;
	int fd = open(path, O_RDONLY);
	const uint8_t *base;
	static uint8_t page[PS];
	uint64_t n, desc, x = 0;
	double t;
#ifdef HAVE_ZSTD
	ZSTD_DCtx *zd = ZSTD_createDCtx();
#endif

	mem_info(m, &in);
	n = in.data_bytes / PS;
	if (mem_range_next(m, 0, &r) || fstat(fd, &st))
		abort();
	desc = r.file_offset;   /* descriptors of consecutive dumped pages are consecutive */
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (base == MAP_FAILED)
		abort();
	t = now();
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *dp = base + desc + 24 * i;
		uint64_t off;
		uint32_t sz, fl;

		memcpy(&off, dp, 8);
		memcpy(&sz, dp + 8, 4);
		memcpy(&fl, dp + 12, 4);
		if (!fl) {
			memcpy(page, base + off, PS);
		} else if (fl == 1) {
#ifdef HAVE_ZLIB
			uLongf dl = PS;

			if (uncompress(page, &dl, base + off, sz) != Z_OK)
				abort();
#endif
		} else if (fl == 2) {
#ifdef HAVE_LZO2
			lzo_uint dl = PS;

			if (lzo1x_decompress_safe(base + off, sz, page, &dl, NULL) != LZO_E_OK)
				abort();
#endif
		} else if (fl == 4) {
#ifdef HAVE_SNAPPY
			size_t dl = PS;

			if (snappy_uncompress((const char *)base + off, sz, (char *)page, &dl) != SNAPPY_OK)
				abort();
#endif
		} else {
#ifdef HAVE_ZSTD
			if (ZSTD_decompressDCtx(zd, page, PS, base + off, sz) != PS)
				abort();
#endif
		}
		x += page[7];
	}
	t = now() - t;
	sink = x;
	(void)comp;
#ifdef HAVE_ZSTD
	ZSTD_freeDCtx(zd);
#endif
	munmap((void *)base, (size_t)st.st_size);
	close(fd);
	mem_close(m);
	return (double)(n * PS) / (1 << 20) / t;
}

#ifdef HAVE_LIBKDUMPFILE
/* libkdumpfile kdump_read(KDUMP_MACHPHYSADDR) over the same ranges. */
static double rate_kdumpfile(const char *path, size_t chunk)
{
	struct mem_source *m = open_or_die(path);
	kdump_ctx_t *ctx = kdump_new();
	int fd = open(path, O_RDONLY);
	static uint8_t buf[1 << 20];
	struct mem_range r;
	uint64_t total = 0, x = 0;
	double t;

	if (!ctx || kdump_open_fd(ctx, fd) != KDUMP_OK) {
		fprintf(stderr, "bench_mem: libkdumpfile: %s\n", ctx ? kdump_get_err(ctx) : "?");
		exit(1);
	}
	t = now();
	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end) {
		for (uint64_t a = r.start; a < r.end; a += chunk) {
			size_t n = chunk;

			if (kdump_read(ctx, KDUMP_MACHPHYSADDR, a, buf, &n) != KDUMP_OK || n != chunk)
				abort();
			x += buf[0];
		}
		total += r.end - r.start;
	}
	t = now() - t;
	sink = x;
	kdump_free(ctx);
	close(fd);
	mem_close(m);
	return (double)total / (1 << 20) / t;
}

static double rate_kdumpfile_random8(const char *path, uint64_t n)
{
	kdump_ctx_t *ctx = kdump_new();
	int fd = open(path, O_RDONLY);
	uint64_t x = 0, v, s = 1;
	double t;

	if (!ctx || kdump_open_fd(ctx, fd) != KDUMP_OK)
		exit(1);
	t = now();
	for (uint64_t i = 0; i < n; i++) {
		size_t len = 8;

		s = s * 6364136223846793005ull + 1442695040888963407ull;
		uint64_t off = (s >> 20) % (NREG * REG_LEN / 8) * 8;
		uint64_t pa = REG_BASE + off / REG_LEN * REG_GAP + off % REG_LEN;

		if (kdump_read(ctx, KDUMP_MACHPHYSADDR, pa, &v, &len) != KDUMP_OK)
			abort();
		x += v;
	}
	t = now() - t;
	sink = x;
	kdump_free(ctx);
	close(fd);
	return (double)(n * 8) / (1 << 20) / t;
}
#endif

static void row(const char *what, double rate, const char *vs, double base)
{
	printf("  %-26s %9.1f MiB/s  %7.3fx %-11s", what, rate, rate / base, vs);
	if (strstr(what, "8 B"))
		printf("  %6.1f ns/read", 8.0 / (rate * (1 << 20)) * 1e9);
	putchar('\n');
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bench_mem.XXXXXX";
	const char *where = argc > 1 ? argv[1] : NULL;
	char *elf, *kz, *ks;
	double base;

	if (where) {
		snprintf(dir, sizeof(dir), "%s", where);
	} else if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("bench_mem: %u regions x %llu MiB, %llu MiB apart, in %s\n", NREG,
	       REG_LEN >> 20, REG_GAP >> 20, dir);
	elf = gen(dir, "bench.elf", MKDUMP_ELF, MKDUMP_COMP_NONE);
	kz = gen(dir, "bench-zlib.kdump", MKDUMP_KDUMP, MKDUMP_COMP_ZLIB);
	ks = gen(dir, "bench-zstd.kdump", MKDUMP_KDUMP, MKDUMP_COMP_ZSTD);

	printf("ELF (baseline: read(2) of the same file bytes, 1 MiB at a time)\n");
	rate_read2(elf);        /* warm the page cache */
	base = rate_read2(elf);
	row("read(2) 1 MiB", base, "", base);
	row("mem_read 4 KiB", rate_mem(elf, 4096), "of read(2)", base);
	row("mem_read 8 B", rate_mem(elf, 8), "of read(2)", base);
	row("mem_read 8 B random", rate_mem_random8(elf, 1u << 20), "of read(2)", base);
#ifdef HAVE_LIBKDUMPFILE
	row("libkdumpfile 4 KiB", rate_kdumpfile(elf, 4096), "of read(2)", base);
	row("libkdumpfile 8 B", rate_kdumpfile(elf, 8), "of read(2)", base);
	row("libkdumpfile 8 B random", rate_kdumpfile_random8(elf, 1u << 20), "of read(2)", base);
#endif
	for (int i = 0; i < 2; i++) {
		const char *p = i ? ks : kz;

		printf("kdump %s (baseline: decompressing every page from its descriptor)\n",
		       i ? "zstd" : "zlib");
		rate_decompress(p, i ? 0x20 : 0x1);
		base = rate_decompress(p, i ? 0x20 : 0x1);
		row("direct decompression", base, "", base);
		row("mem_read 4 KiB", rate_mem(p, 4096), "of direct", base);
		row("mem_read 8 B", rate_mem(p, 8), "of direct", base);
		row("mem_read 8 B random", rate_mem_random8(p, 1u << 16), "of direct", base);
#ifdef HAVE_LIBKDUMPFILE
		row("libkdumpfile 4 KiB", rate_kdumpfile(p, 4096), "of direct", base);
		row("libkdumpfile 8 B", rate_kdumpfile(p, 8), "of direct", base);
		row("libkdumpfile 8 B random", rate_kdumpfile_random8(p, 1u << 16), "of direct", base);
#endif
	}
	if (!where) {
		unlink(elf);
		unlink(kz);
		unlink(ks);
		rmdir(dir);
	}
	free(elf);
	free(kz);
	free(ks);
	return 0;
}
