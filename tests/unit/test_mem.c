/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory sources: known patterns read back through ELF, every kdump
 * compression and raw images; reads across pages and segments; excluded
 * and missing memory; e_phnum overflow; hostile files. Dumps are written
 * into a temporary directory by the generator in tests/tools/mkdump.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#define MKDUMP_NO_MAIN
#include "../tools/mkdump.c"

#include "backends/dump/mem.h"
#include "core/util.h"

static char tmpdir[64];
static unsigned file_seq;

static char *tpath(void)
{
	static char p[128];

	snprintf(p, sizeof(p), "%s/d%u", tmpdir, file_seq++);
	return p;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb; (void)flag; (void)f;
	return remove(p);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_mem.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- the standard description and what each container must return ---- */

#define STD_WORD_PA  0x300008ull
#define STD_WORD     0x1122334455667788ull
#define RAW_BASE     0x100000ull

static void std_desc(struct mkdump *d)
{
	assert_int_equal(mkdump_region(d, 0x100000, 0x5000, "seed:1"), 0);
	assert_int_equal(mkdump_region(d, 0x105000, 0x3000, "seed:2"), 0);
	assert_int_equal(mkdump_exclude(d, 0x108000, 0x2000), 0);
	assert_int_equal(mkdump_region(d, 0x200010, 0x1ff0, "seed:3"), 0);
	assert_int_equal(mkdump_word(d, STD_WORD_PA, STD_WORD, 4096), 0);
}

enum { ABSENT = -1, EXCLUDED = -2 };

static int std_expect(enum mkdump_format f, uint64_t pa)
{
	if (pa >= 0x100000 && pa < 0x105000)
		return mkdump_pattern_byte(1, pa);
	if (pa >= 0x105000 && pa < 0x108000)
		return mkdump_pattern_byte(2, pa);
	if (pa >= 0x200010 && pa < 0x202000)
		return mkdump_pattern_byte(3, pa);
	if (pa >= STD_WORD_PA && pa < STD_WORD_PA + 8)
		return (uint8_t)(STD_WORD >> (8 * (pa - STD_WORD_PA)));
	if (pa >= 0x300000 && pa < 0x301000)
		return 0;
	if (f == MKDUMP_KDUMP && pa >= 0x200000 && pa < 0x200010)
		return 0;               /* rest of a dumped page */
	if (f == MKDUMP_RAW)
		return pa >= RAW_BASE && pa < 0x301000 ? 0 : ABSENT;
	if (pa >= 0x108000 && pa < 0x10a000)
		return EXCLUDED;
	return ABSENT;
}

static char *write_dump(struct mkdump_opts *o, void (*desc)(struct mkdump *))
{
	struct mkdump *d = mkdump_new();
	char *path = tpath(), *why = NULL;
	int ret;

	if (!o->page_size)
		o->page_size = 4096;
	desc(d);
	ret = mkdump_write(d, o, path, &why);
	if (ret)
		fail_msg("mkdump_write: %s", why ? why : strerror(-ret));
	mkdump_free(d);
	return path;
}

static struct mem_source *open_ok(const char *path, const struct mem_open_opts *o)
{
	struct mem_source *m = NULL;
	char *why = NULL;
	int ret = mem_open(path, o, &m, &why);

	if (ret)
		fail_msg("mem_open(%s): %d %s", path, ret, why ? why : "");
	assert_null(why);
	return m;
}

static int open_err(const char *path, const struct mem_open_opts *o, const char *why_has)
{
	struct mem_source *m = NULL;
	char *why = NULL;
	int ret = mem_open(path, o, &m, &why);

	assert_true(ret < 0);
	assert_null(m);
	assert_non_null(why);
	if (why_has && !strstr(why, why_has))
		fail_msg("reason \"%s\" lacks \"%s\"", why, why_has);
	free(why);
	return ret;
}

/* Read [pa, pa+len) and compare with the expectation, errors included. */
static void check_read(struct mem_source *m, enum mkdump_format f, uint64_t pa, size_t len)
{
	static uint8_t buf[65536];
	int ret, want = 0;
	uint64_t bad = 0;

	assert_true(len <= sizeof(buf));
	for (size_t i = 0; i < len; i++) {
		int e = std_expect(f, pa + i);

		if (e < 0) {
			want = e == ABSENT ? -ENXIO : -ENODATA;
			bad = pa + i;
			break;
		}
	}
	ret = mem_read(m, pa, buf, len);
	if (ret != want)
		fail_msg("read 0x%" PRIx64 "+0x%zx: %d, want %d", pa, len, ret, want);
	if (ret) {
		assert_int_equal(mem_last_fault(m)->pa, bad);
		assert_int_equal(mem_last_fault(m)->err, ret);
		assert_non_null(mem_last_fault(m)->why);
		len = bad - pa;
	}
	for (size_t i = 0; i < len; i++)
		if (buf[i] != std_expect(f, pa + i))
			fail_msg("byte at 0x%" PRIx64 ": 0x%02x, want 0x%02x", pa + i, buf[i],
				 std_expect(f, pa + i));
}

static void check_std(struct mem_source *m, enum mkdump_format f)
{
	static const struct { uint64_t pa; size_t len; } cases[] = {
		{ 0x100000, 8 }, { 0x100ffc, 8 }, { 0x104ff8, 16 }, { 0x101000, 0x4000 },
		{ 0x100001, 0x7fff }, { 0x107ff0, 0x20 }, { 0x108000, 8 }, { 0x109ff8, 16 },
		{ 0x10a000, 8 }, { 0xfff00, 0x200 }, { 0x200000, 0x20 }, { 0x200010, 0x1ff0 },
		{ 0x201ff8, 16 }, { STD_WORD_PA, 8 }, { STD_WORD_PA - 4, 8 }, { 0x300ff8, 16 },
		{ 0, 1 }, { 0x7fffffffffff, 8 },
	};
	unsigned seed = 12345;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_read(m, f, cases[i].pa, cases[i].len);
	for (int i = 0; i < 400; i++) {
		uint64_t pa;
		size_t len;

		seed = seed * 1103515245u + 12345u;
		pa = 0xff000 + (seed >> 4) % 0x203000;
		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 8) % (i % 2 ? 16 : 9000);
		check_read(m, f, pa, len);
	}
}

/* ---- containers ---- */

static void test_elf_roundtrip(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_ELF, .incomplete = -1 };
	struct mem_source *m;
	struct mem_info in;
	size_t vl;
	const char *v;

	(void)state;
	m = open_ok(write_dump(&o, std_desc), NULL);
	check_std(m, MKDUMP_ELF);
	mem_info(m, &in);
	assert_int_equal(in.format, MEM_FMT_ELF);
	assert_string_equal(in.format_name, "elf");
	assert_string_equal(in.machine, "x86_64");
	assert_false(in.big_endian);
	assert_int_equal(in.page_size, 4096);
	assert_string_equal(in.page_size_from, "vmcoreinfo");
	assert_int_equal(in.nr_segments, 4);
	assert_int_equal(in.nr_data_ranges, 4);
	assert_int_equal(in.nr_excluded_ranges, 1);
	assert_int_equal(in.excluded_bytes, 0x2000);
	assert_int_equal(in.data_bytes, 0x5000 + 0x3000 + 0x1ff0 + 0x1000);
	assert_int_equal(in.pa_min, 0x100000);
	assert_int_equal(in.pa_end, 0x301000);
	assert_false(in.phnum_extended);
	assert_non_null(in.vmcoreinfo);
	assert_string_equal(in.osrelease, "6.1.0-mkdump");
	v = mem_vmcoreinfo_lookup(m, "SYMBOL(swapper_pg_dir)", &vl);
	assert_non_null(v);
	assert_int_equal(vl, 16);
	assert_memory_equal(v, "ffffffff82a0a000", 16);
	assert_null(mem_vmcoreinfo_lookup(m, "SYMBOL(nope)", NULL));
	assert_null(in.warning);
	mem_close(m);
}

static void test_elf_ranges(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_ELF, .incomplete = -1 };
	struct mem_source *m;
	struct mem_range r;
	static const struct { uint64_t s, e; enum mem_range_kind k; } want[] = {
		{ 0x100000, 0x105000, MEM_RANGE_DATA }, { 0x105000, 0x108000, MEM_RANGE_DATA },
		{ 0x108000, 0x10a000, MEM_RANGE_EXCLUDED }, { 0x200010, 0x202000, MEM_RANGE_DATA },
		{ 0x300000, 0x301000, MEM_RANGE_DATA },
	};
	size_t n = 0;

	(void)state;
	m = open_ok(write_dump(&o, std_desc), NULL);
	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end, n++) {
		assert_true(n < ARRAY_SIZE(want));
		assert_int_equal(r.start, want[n].s);
		assert_int_equal(r.end, want[n].e);
		assert_int_equal(r.kind, want[n].k);
		assert_true(r.segment >= 1);
		if (r.kind == MEM_RANGE_DATA)
			assert_true(r.file_offset >= 4096);
	}
	assert_int_equal(n, ARRAY_SIZE(want));
	/* a pa inside a range returns that range */
	assert_int_equal(mem_range_next(m, 0x106000, &r), 0);
	assert_int_equal(r.start, 0x105000);
	assert_int_equal(mem_range_next(m, 0x301000, &r), -ENOENT);
	mem_close(m);
}

/*
 * The standard dump as a kdump file: as such (chunk 0), and in makedumpfile's
 * flattened stream of chunk-byte records, in order or shuffled with the
 * header sent twice; each must read the same.
 */
static void kdump_roundtrip_as(enum mkdump_comp comp, unsigned flag, uint64_t chunk, bool shuffle)
{
	struct mkdump_opts o = { .format = MKDUMP_KDUMP, .comp = comp, .incomplete = -1,
				 .flat_chunk = chunk, .flat_shuffle = shuffle };
	struct mem_source *m;
	struct mem_info in;
	struct mem_range r;
	size_t n = 0;

	m = open_ok(write_dump(&o, std_desc), NULL);
	check_std(m, MKDUMP_KDUMP);
	mem_info(m, &in);
	assert_int_equal(in.flattened, chunk != 0);
	if (chunk) {
		assert_true(in.flat_records >= in.flat_size / chunk);
		assert_true(in.flat_extents >= 1 && in.flat_extents <= in.flat_records);
		assert_true(in.flat_size < in.file_size);
		assert_null(in.warning);
	}
	assert_int_equal(in.format, MEM_FMT_KDUMP);
	assert_string_equal(in.machine, "x86_64");
	assert_string_equal(in.osrelease, "6.1.0-mkdump");
	assert_int_equal(in.page_size, 4096);
	assert_string_equal(in.page_size_from, "header");
	assert_int_equal(in.comp_declared, flag);
	if (flag)
		assert_int_equal(in.comp_seen, flag);
	assert_false(in.incomplete);
	assert_int_equal(in.header_version, 6);
	assert_int_equal(in.max_pfn, 0x301);
	assert_int_equal(in.data_bytes, (8 + 2 + 1) * 4096);
	assert_int_equal(in.excluded_bytes, 2 * 4096);
	assert_int_equal(in.nr_data_ranges, 3);
	assert_int_equal(in.nr_excluded_ranges, 1);
	assert_int_equal(in.pa_min, 0x100000);
	assert_int_equal(in.pa_end, 0x301000);
	assert_non_null(in.vmcoreinfo);
	assert_non_null(mem_vmcoreinfo_lookup(m, "PAGESIZE", NULL));
	assert_true(in.cache_hits > 0);
	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end)
		n++;
	assert_int_equal(n, 4);
	assert_int_equal(mem_range_next(m, 0x109000, &r), 0);
	assert_int_equal(r.kind, MEM_RANGE_EXCLUDED);
	assert_int_equal(r.start, 0x108000);
	assert_int_equal(r.end, 0x10a000);
	assert_int_equal(mem_range_next(m, 0x200000, &r), 0);
	assert_int_equal(r.kind, MEM_RANGE_DATA);
	assert_true(r.file_offset > 0);
	mem_close(m);
}

static void kdump_roundtrip(enum mkdump_comp comp, unsigned flag)
{
	kdump_roundtrip_as(comp, flag, 0, false);
	kdump_roundtrip_as(comp, flag, 16384, false);  /* QEMU's record size */
	kdump_roundtrip_as(comp, flag, 1000, true);
	kdump_roundtrip_as(comp, flag, 7, true);       /* every structure split across records */
}

static void test_kdump_none(void **state) { (void)state; kdump_roundtrip(MKDUMP_COMP_NONE, 0); }

#define KDUMP_COMP_TEST(name, have, comp, flag)                                     \
	static void test_kdump_##name(void **state)                                 \
	{                                                                           \
		(void)state;                                                        \
		if (!(have))                                                        \
			skip();                                                     \
		kdump_roundtrip(comp, flag);                                        \
	}

#ifdef HAVE_ZLIB
#define HAVE_ZLIB_B 1
#else
#define HAVE_ZLIB_B 0
#endif
#ifdef HAVE_LZO2
#define HAVE_LZO2_B 1
#else
#define HAVE_LZO2_B 0
#endif
#ifdef HAVE_SNAPPY
#define HAVE_SNAPPY_B 1
#else
#define HAVE_SNAPPY_B 0
#endif
#ifdef HAVE_ZSTD
#define HAVE_ZSTD_B 1
#else
#define HAVE_ZSTD_B 0
#endif

KDUMP_COMP_TEST(zlib, HAVE_ZLIB_B, MKDUMP_COMP_ZLIB, MEM_COMP_ZLIB)
KDUMP_COMP_TEST(lzo, HAVE_LZO2_B, MKDUMP_COMP_LZO, MEM_COMP_LZO)
KDUMP_COMP_TEST(snappy, HAVE_SNAPPY_B, MKDUMP_COMP_SNAPPY, MEM_COMP_SNAPPY)
KDUMP_COMP_TEST(zstd, HAVE_ZSTD_B, MKDUMP_COMP_ZSTD, MEM_COMP_ZSTD)

static void test_raw(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_RAW, .raw_base = RAW_BASE, .incomplete = -1 };
	struct mem_open_opts mo = { .format = MEM_FMT_RAW, .raw_base = RAW_BASE };
	struct mem_source *m;
	struct mem_info in;
	struct mem_range r;

	(void)state;
	m = open_ok(write_dump(&o, std_desc), &mo);
	check_std(m, MKDUMP_RAW);
	mem_info(m, &in);
	assert_int_equal(in.format, MEM_FMT_RAW);
	assert_int_equal(in.pa_min, RAW_BASE);
	assert_int_equal(in.pa_end, 0x301000);
	assert_int_equal(mem_range_next(m, 0, &r), 0);
	assert_int_equal(r.file_offset, 0);
	assert_int_equal(r.segment, -1);
	mem_close(m);
}

/*
 * mem_peek(): ELF and raw files serve memory in place, a pointer into the
 * mapping of the file (two peeks lie as far apart as their file offsets),
 * copying nothing (bytes_copied); what is not in one stretch of the file,
 * or not in it at all, or compressed, is -EAGAIN, for mem_read() to read
 * or explain.
 */
static void peek_check(struct mem_source *m, enum mkdump_format f)
{
	struct mem_range r0, r3;
	struct mem_info in;
	const void *p, *q, *w;
	uint8_t buf[16];

	assert_int_equal(mem_peek(m, 0x101000, 4096, &p), 0);
	for (uint64_t i = 0; i < 4096; i++)
		assert_int_equal(((const uint8_t *)p)[i], std_expect(f, 0x101000 + i));
	assert_int_equal(mem_peek(m, 0x101000, 4096, &q), 0);
	assert_ptr_equal(p, q);
	assert_int_equal(mem_peek(m, 0x200010, 0x1ff0, &w), 0);
	assert_int_equal(mem_range_next(m, 0x101000, &r0), 0);
	assert_int_equal(mem_range_next(m, 0x200010, &r3), 0);
	assert_int_equal((const uint8_t *)w - (const uint8_t *)p,
			 (int64_t)(r3.file_offset + (0x200010 - r3.start)) -
			 (int64_t)(r0.file_offset + (0x101000 - r0.start)));
	mem_info(m, &in);
	assert_int_equal(in.peeks, 3);
	assert_int_equal(in.bytes_copied, 0);
	/* past the end of its stretch, or of everything */
	assert_int_equal(mem_peek(m, f == MKDUMP_ELF ? 0x200010 : 0x300ff8, 16 + (f == MKDUMP_ELF) * 0x1fe1,
				  &p), -EAGAIN);
	assert_int_equal(mem_peek(m, 0x5000000, 8, &p), -EAGAIN);
	assert_int_equal(mem_peek(m, ~0ull - 3, 8, &p), -EAGAIN);
	if (f == MKDUMP_ELF) {
		/* two segments, excluded bytes */
		assert_int_equal(mem_peek(m, 0x104ff8, 16, &p), -EAGAIN);
		assert_int_equal(mem_peek(m, 0x108000, 8, &p), -EAGAIN);
		assert_int_equal(mem_read(m, 0x104ff8, buf, 16), 0);
		for (uint64_t i = 0; i < 16; i++)
			assert_int_equal(buf[i], std_expect(f, 0x104ff8 + i));
		mem_info(m, &in);
		assert_int_equal(in.bytes_copied, 16);
	}
	assert_int_equal(mem_check(m), 0);
}

static void test_peek(void **state)
{
	struct mkdump_opts e = { .format = MKDUMP_ELF, .incomplete = -1 };
	struct mkdump_opts r = { .format = MKDUMP_RAW, .raw_base = RAW_BASE, .incomplete = -1 };
	struct mkdump_opts k = { .format = MKDUMP_KDUMP, .comp = MKDUMP_COMP_NONE, .incomplete = -1 };
	struct mem_open_opts mo = { .format = MEM_FMT_RAW, .raw_base = RAW_BASE };
	struct mem_source *m;
	const void *p;

	(void)state;
	m = open_ok(write_dump(&e, std_desc), NULL);
	peek_check(m, MKDUMP_ELF);
	mem_close(m);
	m = open_ok(write_dump(&r, std_desc), &mo);
	peek_check(m, MKDUMP_RAW);
	mem_close(m);
	m = open_ok(write_dump(&k, std_desc), NULL);
	assert_int_equal(mem_peek(m, 0x101000, 4096, &p), -EAGAIN);
	mem_close(m);
}

static void test_raw_autodetect_and_options(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_RAW, .raw_base = RAW_BASE, .incomplete = -1 };
	struct mem_open_opts mo = { .raw_base = RAW_BASE, .raw_page_size = 65536 };
	struct mem_open_opts bad = { .format = MEM_FMT_RAW, .raw_page_size = 1000 };
	struct mem_open_opts wrap = { .format = MEM_FMT_RAW, .raw_base = UINT64_MAX - 10 };
	const char *p = write_dump(&o, std_desc);
	struct mem_source *m;
	struct mem_info in;
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s", p);
	m = open_ok(path, &mo);         /* no magic: raw */
	mem_info(m, &in);
	assert_int_equal(in.format, MEM_FMT_RAW);
	assert_int_equal(in.page_size, 65536);
	assert_string_equal(in.page_size_from, "option");
	check_std(m, MKDUMP_RAW);
	mem_close(m);
	assert_int_equal(open_err(path, &bad, "page size"), -EINVAL);
	assert_int_equal(open_err(path, &wrap, "wraps"), -EINVAL);
}

static void big_endian_desc(struct mkdump *d)
{
	std_desc(d);
}

static void test_big_endian(void **state)
{
	struct mkdump_opts e = { .format = MKDUMP_ELF, .big_endian = true, .machine = "ppc64",
				 .incomplete = -1 };
	struct mkdump_opts k = { .format = MKDUMP_KDUMP, .big_endian = true, .machine = "s390x",
				 .incomplete = -1, .comp = HAVE_ZLIB_B ? MKDUMP_COMP_ZLIB : MKDUMP_COMP_NONE };
	struct mem_source *m;
	struct mem_info in;

	(void)state;
	m = open_ok(write_dump(&e, big_endian_desc), NULL);
	mem_info(m, &in);
	assert_true(in.big_endian);
	assert_string_equal(in.machine, "ppc64");
	check_std(m, MKDUMP_ELF);
	mem_close(m);
	m = open_ok(write_dump(&k, big_endian_desc), NULL);
	mem_info(m, &in);
	assert_true(in.big_endian);
	assert_string_equal(in.machine, "s390x");
	check_std(m, MKDUMP_KDUMP);
	mem_close(m);
}

static void test_page_sizes(void **state)
{
	static const uint32_t sizes[] = { 512, 16384, 65536 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct mkdump_opts o = { .format = MKDUMP_KDUMP, .page_size = sizes[i],
					 .incomplete = -1,
					 .comp = HAVE_ZSTD_B ? MKDUMP_COMP_ZSTD : MKDUMP_COMP_NONE };
		struct mem_source *m = open_ok(write_dump(&o, std_desc), NULL);
		struct mem_info in;
		uint8_t b[8];

		mem_info(m, &in);
		assert_int_equal(in.page_size, sizes[i]);
		assert_int_equal(mem_read(m, STD_WORD_PA, b, 8), 0);
		assert_memory_equal(b, "\x88\x77\x66\x55\x44\x33\x22\x11", 8);
		for (uint64_t pa = 0x100000; pa < 0x108000; pa += 0x1000 - 3) {
			assert_int_equal(mem_read(m, pa, b, 8), 0);
			for (int j = 0; j < 8; j++)
				assert_int_equal(b[j], std_expect(MKDUMP_KDUMP, pa + (uint64_t)j));
		}
		mem_close(m);
	}
}

/* ---- e_phnum overflow ---- */

static void many_desc(struct mkdump *d)
{
	assert_int_equal(mkdump_region(d, 0x1000000, 70000 * 64, "seed:9"), 0);
}

static void test_elf_phnum_overflow(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_ELF, .split = 64, .incomplete = -1 };
	struct mem_source *m;
	struct mem_info in;
	uint8_t buf[256];

	(void)state;
	m = open_ok(write_dump(&o, many_desc), NULL);
	mem_info(m, &in);
	assert_true(in.phnum_extended);
	assert_int_equal(in.nr_segments, 70000);
	assert_int_equal(in.nr_data_ranges, 70000);
	for (uint64_t pa = 0x1000000; pa < 0x1000000 + 70000 * 64; pa += 4099 * 7) {
		size_t len = sizeof(buf);

		if (pa + len > 0x1000000 + 70000 * 64)
			len = 0x1000000 + 70000 * 64 - pa;
		assert_int_equal(mem_read(m, pa, buf, len), 0);
		for (size_t i = 0; i < len; i++)
			assert_int_equal(buf[i], mkdump_pattern_byte(9, pa + i));
	}
	assert_int_equal(mem_read(m, 0x1000000 + 70000 * 64 - 4, buf, 8), -ENXIO);
	assert_int_equal(mem_last_fault(m)->pa, 0x1000000 + 70000 * 64);
	mem_close(m);
}

static void test_elf_forced_xnum(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_ELF, .force_xnum = true, .incomplete = -1 };
	struct mem_source *m;
	struct mem_info in;

	(void)state;
	m = open_ok(write_dump(&o, std_desc), NULL);
	mem_info(m, &in);
	assert_true(in.phnum_extended);
	check_std(m, MKDUMP_ELF);
	mem_close(m);
}

/* ---- kdump specifics ---- */

static void test_kdump_incomplete(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_KDUMP, .incomplete = 3,
				 .comp = HAVE_ZLIB_B ? MKDUMP_COMP_ZLIB : MKDUMP_COMP_NONE };
	struct mem_source *m;
	struct mem_info in;
	uint8_t b[16];

	(void)state;
	m = open_ok(write_dump(&o, std_desc), NULL);
	mem_info(m, &in);
	assert_true(in.incomplete);
	assert_int_equal(mem_read(m, 0x102ff8, b, 8), 0);
	assert_int_equal(mem_read(m, 0x102ff8, b, 16), -ENODATA);
	assert_int_equal(mem_last_fault(m)->pa, 0x103000);
	assert_non_null(strstr(mem_last_fault(m)->why, "incomplete"));
	assert_int_equal(mem_read(m, STD_WORD_PA, b, 8), -ENODATA);
	assert_int_equal(mem_read(m, 0x500000, b, 8), -ENXIO);
	mem_close(m);
}

static void test_kdump_excluded_message(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_KDUMP, .incomplete = -1 };
	struct mem_source *m;
	uint8_t b[8];

	(void)state;
	m = open_ok(write_dump(&o, std_desc), NULL);
	assert_int_equal(mem_read(m, 0x108100, b, 8), -ENODATA);
	assert_non_null(strstr(mem_last_fault(m)->why, "excluded"));
	assert_int_equal(mem_read(m, 0x180000, b, 8), -ENXIO);
	assert_int_equal(mem_read(m, 0x301000, b, 8), -ENXIO);
	assert_non_null(strstr(mem_last_fault(m)->why, "beyond"));
	assert_int_equal(mem_read(m, UINT64_MAX - 3, b, 8), -EINVAL);
	assert_int_equal(mem_read(m, 0x100000, b, 0), 0);
	mem_close(m);
}

static void test_cache_walk(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_KDUMP, .incomplete = -1,
				 .comp = HAVE_ZSTD_B ? MKDUMP_COMP_ZSTD : MKDUMP_COMP_NONE };
	struct mem_source *m;
	struct mem_info in;
	uint64_t w;

	(void)state;
	m = open_ok(write_dump(&o, std_desc), NULL);
	for (int pass = 0; pass < 3; pass++)
		for (uint64_t pa = 0x100000; pa < 0x108000; pa += 8) {
			assert_int_equal(mem_read(m, pa, &w, 8), 0);
			assert_int_equal(w, mkdump_pattern_word(pa < 0x105000 ? 1 : 2, pa));
		}
	mem_info(m, &in);
	assert_int_equal(in.cache_misses, 8);
	assert_int_equal(in.reads, 3 * 0x8000 / 8);
	mem_close(m);
}

static void test_names(void **state)
{
	char b[64];

	(void)state;
	mem_comp_names(0, b, sizeof(b));
	assert_string_equal(b, "none");
	mem_comp_names(MEM_COMP_ZLIB | MEM_COMP_ZSTD, b, sizeof(b));
	assert_string_equal(b, "zlib,zstd");
	mem_comp_names(MEM_COMP_MASK, b, sizeof(b));
	assert_string_equal(b, "zlib,lzo,snappy,zstd");
	mem_comp_names(MEM_COMP_MASK, b, 6);
	assert_string_equal(b, "zlib");
	assert_string_equal(mem_format_name(MEM_FMT_KDUMP), "kdump");
	assert_string_equal(mem_format_name(MEM_FMT_AUTO), "auto");
}

/* ---- hostile files ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static char *spit(const void *b, size_t len)
{
	char *p = tpath();
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	fclose(f);
	return p;
}

static void put_le(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Open and read everything; whatever happens, it must be clean. */
static void poke_all(const char *path)
{
	struct mem_source *m = NULL;
	char *why = NULL;
	struct mem_range r;
	uint8_t b[4096];

	if (mem_open(path, NULL, &m, &why)) {
		assert_non_null(why);
		free(why);
		return;
	}
	for (uint64_t pa = 0; !mem_range_next(m, pa, &r) && pa < 0x10000000; pa = r.end)
		for (uint64_t a = r.start; a < r.end && a < r.start + 0x20000; a += 4096 - 5) {
			int ret = mem_read(m, a, b, 8);

			assert_true(ret == 0 || ret == -ENXIO || ret == -ENODATA || ret == -EIO ||
				    ret == -EOPNOTSUPP);
		}
	mem_close(m);
}

static void test_hostile_elf(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_ELF, .incomplete = -1 };
	size_t len;
	uint8_t *orig = slurp(write_dump(&o, std_desc), &len), *b = malloc(len);
	uint8_t *ph1 = b + 64 + 56;     /* phdr 0 is the note */
	struct mem_source *m;
	uint8_t w[8];

	(void)state;
	assert_non_null(b);
	/* truncations */
	assert_int_equal(open_err(spit(orig, 40), NULL, "truncated ELF header"), -EINVAL);
	assert_int_equal(open_err(spit(orig, 64 + 56 * 2), NULL, "program headers"), -EINVAL);
	assert_int_equal(open_err(spit(orig, len - 1), NULL, "past the end"), -EINVAL);
	for (size_t cut = 1; cut < len; cut += cut < 1024 ? 7 : 4093)
		poke_all(spit(orig, cut));

#define RESET() memcpy(b, orig, len)
	RESET();
	b[4] = 1;
	assert_int_equal(open_err(spit(b, len), NULL, "ELF32"), -EOPNOTSUPP);
	RESET();
	b[4] = 7;
	assert_int_equal(open_err(spit(b, len), NULL, "class"), -EINVAL);
	RESET();
	b[5] = 3;
	assert_int_equal(open_err(spit(b, len), NULL, "encoding"), -EINVAL);
	RESET();
	put_le(b + 16, 2, 2);
	assert_int_equal(open_err(spit(b, len), NULL, "e_type"), -EINVAL);
	RESET();
	put_le(b + 54, 2, 8);
	assert_int_equal(open_err(spit(b, len), NULL, "e_phentsize"), -EINVAL);
	RESET();
	put_le(b + 56, 2, 0);
	assert_int_equal(open_err(spit(b, len), NULL, "no program headers"), -EINVAL);
	RESET();
	put_le(b + 32, 8, UINT64_MAX - 8);
	assert_int_equal(open_err(spit(b, len), NULL, "past the end"), -EINVAL);
	/* phnum overflow with a bad section 0 */
	RESET();
	put_le(b + 56, 2, 0xffff);
	assert_int_equal(open_err(spit(b, len), NULL, "section header 0"), -EINVAL);
	put_le(b + 40, 8, len - 10);
	assert_int_equal(open_err(spit(b, len), NULL, "section header 0"), -EINVAL);
	put_le(b + 40, 8, UINT64_MAX - 3);
	assert_int_equal(open_err(spit(b, len), NULL, "section header 0"), -EINVAL);
	put_le(b + 40, 8, 0x1000);      /* points at data: sh_info is pattern bytes */
	assert_true(open_err(spit(b, len), NULL, NULL) == -EINVAL);
	/* segments */
	RESET();
	put_le(ph1 + 8, 8, len);        /* p_offset past EOF */
	assert_int_equal(open_err(spit(b, len), NULL, "past the end"), -EINVAL);
	RESET();
	put_le(ph1 + 32, 8, UINT64_MAX); /* p_filesz huge */
	assert_int_equal(open_err(spit(b, len), NULL, "p_filesz"), -EINVAL);
	RESET();
	put_le(ph1 + 40, 8, UINT64_MAX); /* p_memsz huge: wraps */
	assert_int_equal(open_err(spit(b, len), NULL, "wraps"), -EINVAL);
	RESET();
	put_le(ph1 + 8 + 56, 8, 0);     /* second segment's data at offset 0: allowed, reads header */
	poke_all(spit(b, len));
	RESET();
	put_le(b + 64 + 8, 8, UINT64_MAX - 2); /* note offset past EOF: a warning, not an error */
	m = open_ok(spit(b, len), NULL);
	{
		struct mem_info in;

		mem_info(m, &in);
		assert_non_null(in.warning);
		assert_null(in.vmcoreinfo);
		assert_string_equal(in.page_size_from, "default");
	}
	mem_close(m);
	RESET();
	put_le(b + 64 + 32, 8, len);    /* note size past EOF */
	poke_all(spit(b, len));
	RESET();
	put_le(b + 64 + 8 + 0, 8, 64);  /* notes pointing at the phdrs: garbage notes */
	poke_all(spit(b, len));

	/* overlapping segments: lower start wins, overlap counted */
	RESET();
	put_le(ph1 + 56 + 24, 8, 0x104000); /* segment 2 (seed:2, 0x3000) now at 0x104000 */
	m = open_ok(spit(b, len), NULL);
	{
		struct mem_info in;

		mem_info(m, &in);
		assert_int_equal(in.overlap_bytes, 0x1000);
		assert_int_equal(mem_read(m, 0x104ff8, w, 8), 0);
		for (int i = 0; i < 8; i++)
			assert_int_equal(w[i], mkdump_pattern_byte(1, 0x104ff8 + (uint64_t)i));
		/* after the overlap, segment 2 continues from its own offset + 0x1000 */
		assert_int_equal(mem_read(m, 0x105000, w, 8), 0);
		for (int i = 0; i < 8; i++)
			assert_int_equal(w[i], mkdump_pattern_byte(2, 0x106000 + (uint64_t)i));
	}
	mem_close(m);
	/* a segment fully inside another */
	RESET();
	put_le(ph1 + 56 + 24, 8, 0x100000);
	put_le(ph1 + 56 + 32, 8, 0x1000);
	put_le(ph1 + 56 + 40, 8, 0x1000);
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x100800, w, 8), 0);
	assert_int_equal(w[0], mkdump_pattern_byte(1, 0x100800));
	mem_close(m);
	/* random byte flips in the headers */
	unsigned seed = 7;

	for (int i = 0; i < 300; i++) {
		RESET();
		for (int j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			b[(seed >> 8) % 512] ^= (uint8_t)(1u << (seed % 8));
		}
		poke_all(spit(b, len));
	}
#undef RESET
	free(orig);
	free(b);
}

/* kdump header offsets for the hostile edits */
#define H_STATUS 424
#define H_BS 428
#define H_SUB 432
#define H_BM 436
#define H_MAXMAPNR 440

static void test_hostile_kdump(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_KDUMP, .incomplete = -1,
				 .comp = HAVE_ZLIB_B ? MKDUMP_COMP_ZLIB : MKDUMP_COMP_NONE };
	size_t len;
	uint8_t *orig = slurp(write_dump(&o, std_desc), &len), *b = malloc(len);
	uint32_t bm_blocks = (uint32_t)orig[H_BM] | (uint32_t)orig[H_BM + 1] << 8;
	uint64_t desc = 4096 * (1 + 1 + (uint64_t)bm_blocks), d0;
	struct mem_source *m;
	uint8_t w[8];

	(void)state;
	assert_non_null(b);
#define RESET() memcpy(b, orig, len)
	assert_int_equal(open_err(spit(orig, 100), &(struct mem_open_opts){ .format = MEM_FMT_KDUMP },
				  "truncated kdump header"), -EINVAL);
	assert_int_equal(open_err(spit(orig, 5000), NULL, "sub-header"), -EINVAL);
	assert_int_equal(open_err(spit(orig, desc - 1), NULL, "bitmaps"), -EINVAL);
	assert_int_equal(open_err(spit(orig, desc + 30), NULL, "descriptors"), -EINVAL);
	for (size_t cut = 1; cut < len; cut += cut < 1024 ? 13 : 2039)
		poke_all(spit(orig, cut));
	/* a file cut in the page data opens; the lost pages read as -EIO */
	m = open_ok(spit(orig, len - 10), NULL);
	assert_int_equal(mem_read(m, STD_WORD_PA, w, 8), -EIO);
	assert_int_equal(mem_read(m, 0x100000, w, 8), 0);
	mem_close(m);

	RESET();
	put_le(b + H_BS, 4, 3000);
	assert_int_equal(open_err(spit(b, len), NULL, "block size"), -EINVAL);
	RESET();
	put_le(b + H_BS, 4, 1u << 30);
	assert_int_equal(open_err(spit(b, len), NULL, "block size"), -EINVAL);
	RESET();
	put_le(b + H_SUB, 4, 0xffffffff);
	assert_int_equal(open_err(spit(b, len), NULL, "sub-header"), -EINVAL);
	RESET();
	put_le(b + H_SUB, 4, 0);
	assert_int_equal(open_err(spit(b, len), NULL, "sub-header"), -EINVAL);
	RESET();
	put_le(b + H_BM, 4, 0xfffffffe);
	assert_int_equal(open_err(spit(b, len), NULL, "bitmaps"), -EINVAL);
	RESET();
	put_le(b + H_BM, 4, 3);
	assert_int_equal(open_err(spit(b, len), NULL, "even"), -EINVAL);
	RESET();
	memcpy(b + 12 + 260, "i686\0\0", 6);
	assert_int_equal(open_err(spit(b, len), NULL, "32-bit"), -EOPNOTSUPP);
	/* a huge max_mapnr is clipped to the bitmap */
	RESET();
	put_le(b + H_MAXMAPNR, 4, 0xffffffff);
	put_le(b + 4096 + 96, 8, UINT64_MAX);
	m = open_ok(spit(b, len), NULL);
	check_std(m, MKDUMP_KDUMP);
	mem_close(m);
	/* every bit of bitmap 2 set: far more descriptors than the file holds */
	RESET();
	memset(b + 4096 * 2 + 4096 * (bm_blocks / 2), 0xff, 4096 * (bm_blocks / 2));
	put_le(b + 4096 + 96, 8, 4096 * 8 * (bm_blocks / 2));
	assert_int_equal(open_err(spit(b, len), NULL, "descriptors"), -EINVAL);
	/* same with the incomplete flag: opens, the missing pages are lost */
	b[H_STATUS] |= 0x8;
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x7fff000, w, 8), -ENODATA);
	mem_close(m);

	/* descriptor 0 edits (pfn 0x100) */
	d0 = desc;
	RESET();
	put_le(b + d0, 8, len);         /* data offset past EOF */
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x100000, w, 8), -EIO);
	assert_non_null(strstr(mem_last_fault(m)->why, "out of the file"));
	assert_int_equal(mem_read(m, 0x101000, w, 8), 0);
	mem_close(m);
	RESET();
	put_le(b + d0 + 8, 4, 0xffffffff); /* size huge */
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x100000, w, 8), -EIO);
	mem_close(m);
	RESET();
	put_le(b + d0 + 12, 4, 0x40);   /* unknown flag */
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x100000, w, 8), -EIO);
	assert_non_null(strstr(mem_last_fault(m)->why, "flags"));
	mem_close(m);
	RESET();
	put_le(b + d0 + 12, 4, 0x3);    /* two compressions at once */
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x100000, w, 8), -EIO);
	mem_close(m);
	RESET();
	put_le(b + d0 + 12, 4, 0);      /* raw, but shorter than a page */
	put_le(b + d0 + 8, 4, 100);
	m = open_ok(spit(b, len), NULL);
	assert_int_equal(mem_read(m, 0x100000, w, 8), -EIO);
	mem_close(m);
	if (HAVE_ZLIB_B) {
		/* corrupt compressed data: every compression, via the flag */
		static const unsigned flags[] = { 0x1, 0x2, 0x4, 0x20 };

		for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
			RESET();
			put_le(b + d0 + 12, 4, flags[i]);
			m = open_ok(spit(b, len), NULL);
			assert_true(mem_read(m, 0x100000, w, 8) == -EIO ||
				    mem_last_fault(m)->err == -EOPNOTSUPP);
			mem_close(m);
		}
		/* the word page (descriptor 10) compresses well: damage its zlib stream */
		RESET();
		{
			uint64_t off = 0, d10 = d0 + 10 * 24;
			uint32_t sz = 0;

			for (int i = 0; i < 8; i++)
				off |= (uint64_t)b[d10 + i] << (8 * i);
			for (int i = 0; i < 4; i++)
				sz |= (uint32_t)b[d10 + 8 + i] << (8 * i);
			assert_true(sz < 4096);
			memset(b + off + sz / 2, 0x5a, sz - sz / 2);
		}
		m = open_ok(spit(b, len), NULL);
		assert_int_equal(mem_read(m, STD_WORD_PA, w, 8), -EIO);
		assert_non_null(strstr(mem_last_fault(m)->why, "corrupt zlib"));
		assert_int_equal(mem_read(m, STD_WORD_PA, w, 8), -EIO);  /* not cached as good */
		mem_close(m);
	}
	/* random flips in header, bitmaps and descriptors */
	unsigned seed = 11;

	for (int i = 0; i < 300; i++) {
		RESET();
		for (int j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (i % 2 ? 512 : desc + 256 < len ? desc + 256 : len);

			b[at] ^= (uint8_t)(1u << (seed % 8));
		}
		poke_all(spit(b, len));
	}
#undef RESET
	free(orig);
	free(b);
}

/* big-endian 64-bit at p */
static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static void test_hostile_flat(void **state)
{
	struct mkdump_opts o = { .format = MKDUMP_KDUMP, .comp = MKDUMP_COMP_ZLIB, .incomplete = -1,
				 .flat_chunk = 4096 };
	uint8_t *b, *orig, rec[16];
	size_t len, hdr = 4096;
	struct mem_source *m;
	struct mem_info in;
	unsigned seed = 5;
	char *path;
	FILE *f;

	(void)state;
	path = write_dump(&o, std_desc);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	orig = xmalloc(len);
	b = xmalloc(len + 64);
	assert_int_equal(fread(orig, 1, len, f), len);
	fclose(f);
#define RESET() memcpy(b, orig, len)
	/* the header: type, version, signature padding, size */
	RESET();
	put_be64(b + 16, 2);
	assert_int_equal(open_err(spit(b, len), NULL, "type 2, version 1"), -EINVAL);
	RESET();
	put_be64(b + 24, 0);
	assert_int_equal(open_err(spit(b, len), NULL, "version 0"), -EINVAL);
	RESET();
	b[14] = 'x';
	assert_int_equal(open_err(spit(b, len), NULL, "bad signature"), -EINVAL);
	assert_int_equal(open_err(spit(orig, 2000), NULL, "truncated header"), -EINVAL);
	/* the first record: negative size, negative offset, offset + size wraps, past the end */
	RESET();
	put_be64(b + hdr + 8, (uint64_t)-5);
	assert_int_equal(open_err(spit(b, len), NULL, "bad record header at file offset 0x1000"), -EINVAL);
	RESET();
	put_be64(b + hdr, 1ull << 63);
	assert_int_equal(open_err(spit(b, len), NULL, "bad record header"), -EINVAL);
	RESET();
	put_be64(b + hdr, (1ull << 62) - 1);
	put_be64(b + hdr + 8, (1ull << 62) + 2);
	assert_int_equal(open_err(spit(b, len), NULL, "bad record header"), -EINVAL);
	RESET();
	put_be64(b + hdr + 8, len);
	assert_int_equal(open_err(spit(b, len), NULL, "runs past the end of the file"), -EINVAL);
	/* a record far beyond what the stream can fill */
	RESET();
	put_be64(b + hdr, 1ull << 40);
	assert_int_equal(open_err(spit(b, len), NULL, "far beyond"), -EINVAL);
	/* cut short: the end marker missing, a record header cut, a record's data cut */
	m = open_ok(spit(orig, len - 16), NULL);
	mem_info(m, &in);
	assert_non_null(strstr(in.warning, "without its end marker"));
	check_std(m, MKDUMP_KDUMP);
	mem_close(m);
	assert_int_equal(open_err(spit(orig, len - 30), NULL, "runs past the end"), -EINVAL);
	/* bytes after the end marker */
	memcpy(b, orig, len);
	memset(b + len, 0x5a, 64);
	m = open_ok(spit(b, len + 64), NULL);
	mem_info(m, &in);
	assert_non_null(strstr(in.warning, "after the end marker"));
	mem_close(m);
	/* only the header and the end marker: no data */
	memcpy(b, orig, hdr);
	memset(b + hdr, 0xff, 16);
	assert_int_equal(open_err(spit(b, hdr + 16), NULL, "no record carries data"), -EINVAL);
	/* records that carry nothing are skipped; so many that carry data are refused */
	{
		size_t nrec = (1u << 20) + 300 * 1024, blen = hdr + nrec * 17 + 16, at = hdr;
		uint8_t *big = xcalloc(1, blen);

		memcpy(big, orig, hdr);
		for (size_t i = 0; i < nrec; i++, at += 17) {
			put_be64(big + at, i);
			put_be64(big + at + 8, 1);
		}
		memset(big + at, 0xff, 16);
		assert_int_equal(open_err(spit(big, blen), NULL, "too many to index"), -E2BIG);
		free(big);
	}
	/* random flips in the header, the record headers and the data */
	for (int i = 0; i < 300; i++) {
		RESET();
		for (int j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (i % 3 == 0 ? 64 : i % 3 == 1 ? len : hdr + 4096 + 64);

			b[at] ^= (uint8_t)(1u << (seed % 8));
		}
		poke_all(spit(b, len));
	}
	/* record headers only: each rewritten with a random offset and size */
	for (int i = 0; i < 100; i++) {
		RESET();
		seed = seed * 1103515245u + 12345u;
		put_be64(rec, (uint64_t)seed * 977 % (len * 3));
		put_be64(rec + 8, seed % 9000);
		memcpy(b + hdr + 16 * (i % 2) + 4112 * (size_t)(seed % 3), rec, 16);
		poke_all(spit(b, len));
	}
#undef RESET
	free(orig);
	free(b);
}

static void test_hostile_misc(void **state)
{
	uint8_t flat[4096] = "makedumpfile";
	struct mem_source *m;
	uint8_t w[8];

	(void)state;
	assert_int_equal(open_err(spit("", 0), NULL, "empty"), -EINVAL);
	/* a flattened header of type 0 (the rest of tests are in test_hostile_flat) */
	assert_int_equal(open_err(spit(flat, sizeof(flat)), NULL, "type 0, version 0"), -EINVAL);
	assert_int_equal(open_err(tmpdir, NULL, "not a regular file"), -EINVAL);
	assert_int_equal(open_err("/nonexistent/dump", NULL, "nonexistent"), -ENOENT);
	/* forced raw reads anything, the flattened header included */
	m = open_ok(spit(flat, sizeof(flat)), &(struct mem_open_opts){ .format = MEM_FMT_RAW });
	assert_int_equal(mem_read(m, 0, w, 8), 0);
	assert_memory_equal(w, "makedump", 8);
	mem_close(m);
	/* forced formats on the wrong file */
	assert_int_equal(open_err(spit(flat, sizeof(flat)), &(struct mem_open_opts){ .format = MEM_FMT_ELF },
				  NULL), -EINVAL);
	assert_int_equal(open_err(spit(flat, sizeof(flat)), &(struct mem_open_opts){ .format = MEM_FMT_KDUMP },
				  "flattened dump: type 0"), -EINVAL);
	mem_close(NULL);
}

/* ---- holes of sparse files (B16) ---- */

/*
 * A 16 MiB raw image written at [0, 8K) and [8M, 8M+4K) only: two holes,
 * found in order and clipped to what is asked; none in a kdump file. The
 * file system must report holes (tmpfs and ext4 do), else skipped.
 */
static void test_holes(void **state)
{
	struct mem_open_opts ro = { .format = MEM_FMT_RAW, .raw_base = RAW_BASE };
	struct mkdump_opts kd = { .format = MKDUMP_KDUMP, .incomplete = -1 };
	static uint8_t data[8192];
	const uint64_t mib = 1 << 20, b = RAW_BASE;
	struct mem_source *m;
	uint64_t hs, he;
	char path[128];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s", tpath());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	memset(data, 0x5a, sizeof(data));
	assert_int_equal(pwrite(fd, data, 8192, 0), 8192);
	assert_int_equal(pwrite(fd, data, 4096, 8 * mib), 4096);
	assert_int_equal(ftruncate(fd, 16 * mib), 0);
	if (lseek(fd, 0, SEEK_HOLE) != 8192) {
		close(fd);
		skip();
	}
	close(fd);
	m = open_ok(path, &ro);
	assert_int_equal(mem_hole_next(m, b, b + 16 * mib, &hs, &he), 0);
	assert_int_equal(hs, b + 8192);
	assert_int_equal(he, b + 8 * mib);
	assert_int_equal(mem_hole_next(m, b + 8 * mib, b + 16 * mib, &hs, &he), 0);
	assert_int_equal(hs, b + 8 * mib + 4096);
	assert_int_equal(he, b + 16 * mib);
	/* clipped to the question; inside a hole, from where it is asked */
	assert_int_equal(mem_hole_next(m, b + 4096, b + 12288, &hs, &he), 0);
	assert_int_equal(hs, b + 8192);
	assert_int_equal(he, b + 12288);
	assert_int_equal(mem_hole_next(m, b + mib, b + 2 * mib, &hs, &he), 0);
	assert_int_equal(hs, b + mib);
	assert_int_equal(he, b + 2 * mib);
	/* none in data, none outside the image */
	assert_int_equal(mem_hole_next(m, b, b + 8192, &hs, &he), -ENOENT);
	assert_int_equal(mem_hole_next(m, 0, b, &hs, &he), -ENOENT);
	assert_int_equal(mem_hole_next(m, b + 16 * mib, b + 32 * mib, &hs, &he), -ENOENT);
	/* and the holes read as zeros */
	assert_int_equal(mem_read(m, b + 8192 - 8, data, 16), 0);
	assert_int_equal(data[7], 0x5a);
	assert_int_equal(data[8], 0);
	mem_close(m);

	m = open_ok(write_dump(&kd, std_desc), NULL);
	assert_int_equal(mem_hole_next(m, 0, UINT64_MAX, &hs, &he), -ENOENT);
	mem_close(m);
}

/* ---- a file that changes under the mapping (B15) ---- */

/*
 * Cut the file at `cut` (a page boundary) while it is open, then read
 * every data range it had: the reads that touch the lost part would raise
 * SIGBUS on the mapping. Each must fail with -ESTALE naming the file
 * offset, and every read and range query after the first failure too
 * (the source is unusable), the parts still in the file included.
 */
static void check_shrunk(const char *file, const struct mem_open_opts *o, off_t cut)
{
	static uint8_t buf[0x400000];
	struct mem_range rs[16], r;
	struct mem_source *m;
	char path[128];
	size_t n = 0;
	bool failed = false;

	snprintf(path, sizeof(path), "%s", file);
	m = open_ok(path, o);
	for (uint64_t pa = 0; n < ARRAY_SIZE(rs) && !mem_range_next(m, pa, &r); pa = r.end)
		if (r.kind == MEM_RANGE_DATA && r.end - r.start <= sizeof(buf))
			rs[n++] = r;
	assert_true(n > 0);
	assert_int_equal(mem_read(m, rs[0].start, buf, 8), 0);
	assert_int_equal(truncate(path, cut), 0);
	for (size_t i = 0; i < n; i++) {
		int ret = mem_read(m, rs[i].start, buf, rs[i].end - rs[i].start);

		if (failed || ret) {
			const struct mem_fault *f = mem_last_fault(m);

			assert_int_equal(ret, -ESTALE);
			assert_int_equal(f->err, -ESTALE);
			assert_int_equal(f->pa, rs[i].start);
			if (!strstr(f->why, "the file changed or could not be read at offset 0x"))
				fail_msg("%s: %s", path, f->why);
			failed = true;
		}
	}
	assert_true(failed);
	assert_int_equal(mem_read(m, rs[0].start, buf, 8), -ESTALE);
	assert_int_equal(mem_range_next(m, 0, &r), -ESTALE);
	mem_close(m);
}

static void test_file_shrinks(void **state)
{
	struct mkdump_opts raw = { .format = MKDUMP_RAW, .raw_base = RAW_BASE, .incomplete = -1 };
	struct mkdump_opts elf = { .format = MKDUMP_ELF, .incomplete = -1 };
	struct mkdump_opts kd = { .format = MKDUMP_KDUMP, .comp = MKDUMP_COMP_NONE, .incomplete = -1 };
	struct mem_open_opts ro = { .format = MEM_FMT_RAW, .raw_base = RAW_BASE };
	struct stat st;
	const char *p;

	(void)state;
	p = write_dump(&raw, std_desc);
	assert_int_equal(stat(p, &st), 0);
	check_shrunk(p, &ro, (st.st_size / 2) & ~4095);
	p = write_dump(&elf, std_desc);
	assert_int_equal(stat(p, &st), 0);
	check_shrunk(p, NULL, (st.st_size / 2) & ~4095);
	p = write_dump(&kd, std_desc);
	assert_int_equal(stat(p, &st), 0);
	check_shrunk(p, NULL, (st.st_size / 2) & ~4095);
	/* the bitmaps gone: the range query itself touches them */
	p = write_dump(&kd, std_desc);
	check_shrunk(p, NULL, 8192);
#ifdef HAVE_ZSTD
	kd.comp = MKDUMP_COMP_ZSTD;
	p = write_dump(&kd, std_desc);
	assert_int_equal(stat(p, &st), 0);
	check_shrunk(p, NULL, (st.st_size / 2) & ~4095);
#endif
}

/*
 * A SIGBUS that is not about a dump's mapping is not swallowed: with a
 * source open, a cut file mapped elsewhere still kills the process by
 * SIGBUS (in a child), and so does kill(SIGBUS).
 */
static void test_other_sigbus(void **state)
{
	static char xs[8192];

	memset(xs, 'x', sizeof(xs));
	for (int how = 0; how < 2; how++) {
		char path[128], other[128];
		pid_t pid;
		int status;

		(void)state;
		snprintf(path, sizeof(path), "%s", spit("0123456789abcdef", 16));
		snprintf(other, sizeof(other), "%s", spit(xs, sizeof(xs)));
		pid = fork();
		assert_true(pid >= 0);
		if (!pid) {
			struct mem_open_opts ro = { .format = MEM_FMT_RAW };
			struct mem_source *m = NULL;
			volatile const char *q;
			int fd = open(other, O_RDONLY);

			signal(SIGBUS, SIG_DFL);
			q = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
			if (fd < 0 || q == MAP_FAILED || mem_open(path, &ro, &m, NULL) || truncate(other, 0))
				_exit(2);
			if (how)
				kill(getpid(), SIGBUS);
			else
				(void)q[4096];
			_exit(0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGBUS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_roundtrip),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_elf_ranges),
		cmocka_unit_test(test_kdump_none),
		cmocka_unit_test(test_kdump_zlib),
		cmocka_unit_test(test_kdump_lzo),
		cmocka_unit_test(test_kdump_snappy),
		cmocka_unit_test(test_kdump_zstd),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_raw_autodetect_and_options),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_page_sizes),
		cmocka_unit_test(test_elf_phnum_overflow),
		cmocka_unit_test(test_elf_forced_xnum),
		cmocka_unit_test(test_kdump_incomplete),
		cmocka_unit_test(test_kdump_excluded_message),
		cmocka_unit_test(test_cache_walk),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hostile_elf),
		cmocka_unit_test(test_hostile_kdump),
		cmocka_unit_test(test_hostile_flat),
		cmocka_unit_test(test_hostile_misc),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_file_shrinks),
		cmocka_unit_test(test_other_sigbus),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
