/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm VMSAv8-64 (LPAE) descriptors: invariants, hand-derived vectors
 * (reference/formats.md §3.8; Arm ARM §D8.3.1), the 64K-granule 52-bit
 * address packing, level geometry and round trips for every granule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static const char *const lpae_formats[] = { "arm-lpae-s1", "arm-lpae-s2" };

static void test_lpae_invariants(void **state)
{
	check_formats_named(lpae_formats, N_ELEM(lpae_formats));
}

static const struct vector s1_vectors[] = {
	/* formats.md R1: what Linux builds for READ|WRITE|CACHE|NOEXEC */
	{ .fmt = "arm-lpae-s1", .words = { 0x0060000087654f47 }, LEVEL(3), .layout = "block/page",
	  .exp = { { "valid", 1 }, { "type", 1, "page" }, { "attr_idx", 1, "MAIR attribute 1" },
		   { "ns", 0 }, { "ap", 1, "read/write" }, { "sh", 3, "inner shareable" },
		   { "af", 1 }, { "ng", 1 }, { "oa", 0x87654000 }, { "dbm", 0 },
		   { "contiguous", 0 }, { "pxn", 1 }, { "uxn", 1 },
		   { "output_addr", 0x87654000 }, { "page_size", 4096, "4K" },
		   { "perms", 0xb, "rw-u" } } },
	/* R2: read-only 2 MiB block */
	{ .fmt = "arm-lpae-s1", .words = { 0x0000000040200fc5 }, LEVEL(2),
	  .exp = { { "type", 0, "block" }, { "ap", 3, "read-only" }, { "sh", 3 }, { "af", 1 },
		   { "ng", 1 }, { "oa", 0x40200000 }, { "page_size", 0x200000, "2M" },
		   { "perms", 0xd, "r-xu" } } },
	{ .fmt = "arm-lpae-s1", .words = { 0x0000000812345003 }, LEVEL(0), .layout = "table",
	  .exp = { { "type", 1, "table" }, { "nlta", 0x812345000 },
		   { "next_table", 0x812345000 }, { "next_level", 1 },
		   { "perms", 0xf, "rwxu" } } },
	/* R4: 64K granule, PA[51:48] = 0xf carried in bits 15:12 */
	{ .fmt = "arm-lpae-s1", .words = { 0x000012345678f403 }, LEVEL(3), .granule = 65536,
	  .layout = "block/page-64k",
	  .exp = { { "oa_51_48", 0xf, "0xf" }, { "oa", 0x123456780000 },
		   { "output_addr", 0x000f123456780000 }, { "page_size", 0x10000, "64K" },
		   { "ap", 0, "read/write, privileged only" }, { "perms", 7, "rwx-" } } },
	{ .fmt = "arm-lpae-s1", .words = { 0x40000001 }, LEVEL(3), .layout = "invalid",
	  .nwarn = 1, .exp = { { "entry_type", 0, "not present" } } },
	{ .fmt = "arm-lpae-s1", .words = { 0x40200401 }, LEVEL(2), .granule = 16384, .nwarn = 1,
	  .exp = { { "output_addr", 0x40000000 }, { "page_size", 0x2000000, "32M" } } },
	{ .fmt = "arm-lpae-s1", .words = { 0x1000000401 }, LEVEL(1), .granule = 16384,
	  .nwarn = 1, .exp = { { "page_size", 1ULL << 36, "64G" } } },
	{ .fmt = "arm-lpae-s1", .words = { 0 }, .layout = "invalid",
	  .exp = { { "valid", 0 }, { "ignored", 0 } } },
	/* Hierarchical limits in a table descriptor */
	{ .fmt = "arm-lpae-s1", .words = { 0x7800000012345003 }, LEVEL(1),
	  .exp = { { "ap_table", 3, "read-only, no unprivileged access" }, { "pxn_table", 1 },
		   { "uxn_table", 1 }, { "ns_table", 0 }, { "perms", 1, "r---" } } },
};

static const struct vector s2_vectors[] = {
	/* formats.md R3 */
	{ .fmt = "arm-lpae-s2", .words = { 0x00000001234567ff }, LEVEL(3),
	  .exp = { { "type", 1, "page" }, { "mem_attr", 0xf, "normal, outer WB, inner WB" },
		   { "s2ap", 3, "read/write" }, { "sh", 3 }, { "af", 1 }, { "fnxs", 0 },
		   { "oa", 0x123456000 }, { "xn", 0, "executable" }, { "perms", 7, "rwx-" } } },
	{ .fmt = "arm-lpae-s2", .words = { 0x0040000080000445 }, LEVEL(2),
	  .exp = { { "mem_attr", 1, "device nGnRE" }, { "s2ap", 1, "read-only" },
		   { "sh", 0, "non-shareable" }, { "xn", 2, "not executable" },
		   { "output_addr", 0x80000000 }, { "page_size", 0x200000 },
		   { "perms", 1, "r---" } } },
	{ .fmt = "arm-lpae-s2", .words = { 0x8000000012345003 }, LEVEL(1), .layout = "table",
	  .nwarn = 1, .exp = { { "rsvd_q0_63_59", 0x10 }, { "next_table", 0x12345000 } } },
	{ .fmt = "arm-lpae-s2", .words = { 0 }, LEVEL(1), .layout = "invalid",
	  .exp = { { "entry_type", 0 } } },
};

static void test_lpae_s1(void **state)
{
	run_vectors(s1_vectors, N_ELEM(s1_vectors));
}

static void test_lpae_s2(void **state)
{
	run_vectors(s2_vectors, N_ELEM(s2_vectors));
}

/* formats.md R5 and R6: index geometry per granule. */
static void test_lpae_geometry(void **state)
{
	const struct decode_fmt *s1 = decode_format_find("arm-lpae-s1");
	uint64_t iova = 0x0000ffff12345678ULL;
	static const unsigned int idx4k[] = { 0x1ff, 0x1fc, 0x91, 0x145 };
	struct decode_pt_level g;
	struct decode_opts o;
	int l;

	decode_opts_init(&o);
	for (l = 0; l <= 3; l++) {
		assert_int_equal(decode_pt_level(s1, &o, l, &g), 0);
		assert_int_equal((iova >> g.shift) & ((1ULL << g.bits) - 1), idx4k[l]);
	}
	o.granule = 65536;
	iova = 0x0000123456789abcULL;
	assert_int_equal(decode_pt_level(s1, &o, 0, &g), -EINVAL);
	assert_int_equal(decode_pt_level(s1, &o, 1, &g), 0);
	assert_int_equal(g.shift, 42);
	assert_int_equal(iova >> g.shift, 0x4);
	assert_int_equal(decode_pt_level(s1, &o, 2, &g), 0);
	assert_int_equal((iova >> g.shift) & ((1ULL << g.bits) - 1), 0x11a2);
	assert_int_equal(decode_pt_level(s1, &o, 3, &g), 0);
	assert_int_equal((iova >> g.shift) & ((1ULL << g.bits) - 1), 0x1678);
	o.granule = 16384;
	assert_int_equal(decode_pt_level(s1, &o, 1, &g), 0);
	assert_int_equal(g.shift, 36);
	assert_int_equal(g.bits, 11);
}

static void roundtrip_granule(const char *name, unsigned int granule, bool s2)
{
	unsigned int pg = granule == 65536 ? 16 : granule == 16384 ? 14 : 12;
	unsigned int bpl = pg - 3;
	struct decode_opts o;
	int level;

	decode_opts_init(&o);
	o.granule = granule;
	for (level = granule == 65536 ? 1 : 0; level <= 3; level++) {
		unsigned int shift = pg + (unsigned int)(3 - level) * bpl;
		/* A high PA: 52 bits with 64K pages, 48 otherwise. */
		uint64_t top = granule == 65536 ? 0xf000000000000ULL : 0xf00000000000ULL;

		o.level = level;
		if (level < 3) {
			struct decode_pte t = { .present = true, .addr = top | (1ULL << pg),
						.next_level = level + 1,
						.perms = s2 ? DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X :
							      0xf };

			roundtrip(name, &o, &t);
		}
		if (level >= (granule == 16384 ? 2 : 1) && shift < 48) {
			struct decode_pte l = { .present = true, .leaf = true, .page_shift = shift,
						.addr = top | (1ULL << shift),
						.perms = s2 ? DECODE_PERM_W : DECODE_PERM_R | DECODE_PERM_U };

			roundtrip(name, &o, &l);
		}
	}
}

static void test_lpae_roundtrip(void **state)
{
	static const unsigned int granules[] = { 4096, 16384, 65536 };
	size_t i;

	for (i = 0; i < N_ELEM(granules); i++) {
		roundtrip_granule("arm-lpae-s1", granules[i], false);
		roundtrip_granule("arm-lpae-s2", granules[i], true);
	}
}

/* formats.md R4: the packing Linux uses, checked through the encoder. */
static void test_lpae_52bit_packing(void **state)
{
	const struct decode_fmt *s1 = decode_format_find("arm-lpae-s1");
	struct decode_pte l = { .present = true, .leaf = true, .page_shift = 16,
				.addr = 0x000f123456780000ULL, .perms = DECODE_PERM_R };
	struct decode_opts o;
	uint64_t w;

	decode_opts_init(&o);
	o.granule = 65536;
	o.level = 3;
	assert_int_equal(decode_pt_encode(s1, &o, &l, &w), 0);
	assert_int_equal(w & 0x0000fffffffff000ULL, 0x12345678f000ULL);
	/* 4K pages cannot hold a 52-bit address. */
	o.granule = 4096;
	l.page_shift = 12;
	assert_int_equal(decode_pt_encode(s1, &o, &l, &w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpae_invariants),
		cmocka_unit_test(test_lpae_s1),
		cmocka_unit_test(test_lpae_s2),
		cmocka_unit_test(test_lpae_geometry),
		cmocka_unit_test(test_lpae_roundtrip),
		cmocka_unit_test(test_lpae_52bit_packing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
