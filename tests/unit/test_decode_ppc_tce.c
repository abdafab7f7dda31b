/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PowerPC TCE decoder: invariants, vectors from reference/formats.md §6.3,
 * big-endian memory handling and round trips for leaf and indirect levels.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static void test_tce_invariants(void **state)
{
	static const char *const names[] = { "ppc-tce" };

	check_formats_named(names, N_ELEM(names));
	assert_true(decode_format_find("ppc-tce")->big_endian);
}

static const struct vector tce_vectors[] = {
	/* formats.md P1 */
	{ .fmt = "ppc-tce", .words = { 0x0000000012345003 }, .layout = "tce",
	  .exp = { { "read", 1 }, { "write", 1 }, { "rpn", 0x12345000 },
		   { "output_addr", 0x12345000 }, { "page_size", 4096, "4K" },
		   { "perms", 3, "rw--" } } },
	/* P2: 64 KiB pages, device read-only */
	{ .fmt = "ppc-tce", .words = { 0x0000000200010001 }, .page_shift = 16,
	  .exp = { { "read", 1 }, { "write", 0 }, { "output_addr", 0x200010000 },
		   { "page_size", 0x10000, "64K" }, { "perms", 1, "r---" } } },
	/* P2 as its memory bytes 00 00 00 02 00 01 00 01 read by a little-endian load */
	{ .fmt = "ppc-tce", .words = { 0x0100010002000000 }, .page_shift = 16,
	  .byteorder = DECODE_BO_LE,
	  .exp = { { "output_addr", 0x200010000 }, { "write", 0 } } },
	{ .fmt = "ppc-tce", .words = { 0x12345001 }, .page_shift = 16, .nwarn = 1,
	  .exp = { { "output_addr", 0x12340000 } } },
	{ .fmt = "ppc-tce", .words = { 0x0000000123450003 }, LEVEL(2), .layout = "indirect",
	  .exp = { { "next", 0x123450000 }, { "next_table", 0x123450000 },
		   { "next_level", 1 } } },
	{ .fmt = "ppc-tce", .words = { 0x123450001 }, LEVEL(2), .nwarn = 1,
	  .exp = { { "entry_type", 1, "table" } } },
	{ .fmt = "ppc-tce", .words = { 0x12345ff3 }, .nwarn = 1,
	  .exp = { { "rsvd_q0_11_2", 0x3fc } } },
	{ .fmt = "ppc-tce", .words = { 0x12345000 },
	  .exp = { { "entry_type", 0, "not present" } } },
};

static void test_tce_vectors(void **state)
{
	run_vectors(tce_vectors, N_ELEM(tce_vectors));
}

static void test_tce_roundtrip(void **state)
{
	static const unsigned int shifts[] = { 12, 16, 24, 28 };
	struct decode_opts o;
	size_t i;
	int level;

	for (i = 0; i < N_ELEM(shifts); i++) {
		struct decode_pte l = { .present = true, .leaf = true, .page_shift = shifts[i],
					.addr = 0x2000000000ULL + (1ULL << shifts[i]),
					.perms = DECODE_PERM_W };

		decode_opts_init(&o);
		o.page_shift = shifts[i];
		roundtrip("ppc-tce", &o, &l);
		l.perms = DECODE_PERM_R | DECODE_PERM_W;
		roundtrip("ppc-tce", &o, &l);
	}
	for (level = 2; level <= 5; level++) {
		struct decode_pte t = { .present = true, .addr = 0x123450000,
					.next_level = level - 1,
					.perms = DECODE_PERM_R | DECODE_PERM_W };

		decode_opts_init(&o);
		o.level = level;
		roundtrip("ppc-tce", &o, &t);
	}
}

/* The walker reads memory: bytes in, host value out. */
static void test_tce_memory(void **state)
{
	static const unsigned char mem[8] = { 0, 0, 0, 2, 0, 1, 0, 1 };
	const struct decode_fmt *tce = decode_format_find("ppc-tce");
	struct decode_pte pte;
	struct decode_opts o;
	uint64_t w;

	decode_words_load(tce, NULL, mem, &w);
	assert_int_equal(w, 0x0000000200010001ULL);
	decode_opts_init(&o);
	o.page_shift = 16;
	assert_int_equal(decode_pt_entry(tce, &w, &o, &pte), 0);
	assert_true(pte.leaf);
	assert_int_equal(pte.addr, 0x200010000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tce_invariants),
		cmocka_unit_test(test_tce_vectors),
		cmocka_unit_test(test_tce_roundtrip),
		cmocka_unit_test(test_tce_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
