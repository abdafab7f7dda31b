/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm short-descriptor (v7s) decoders: invariants, hand-derived vectors
 * (reference/formats.md §4.5; Arm ARM §G5.5) with and without the MediaTek
 * PA[34:32] extension, and round trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static const char *const v7s_formats[] = { "arm-v7s-l1", "arm-v7s-l2" };

static void test_v7s_invariants(void **state)
{
	check_formats_named(v7s_formats, N_ELEM(v7s_formats));
}

static const struct vector l1_vectors[] = {
	/* formats.md S1: a Linux read/write cacheable section */
	{ .fmt = "arm-v7s-l1", .words = { 0x80131c0e }, .layout = "section",
	  .exp = { { "pxn", 0 }, { "type", 1, "section" }, { "b", 1 }, { "c", 1 }, { "xn", 0 },
		   { "domain", 0 }, { "imp", 0 }, { "ap0", 1 }, { "ap1", 1 }, { "tex", 1 },
		   { "ap2", 0 }, { "s", 1 }, { "ng", 1 }, { "supersection", 0 }, { "ns", 0 },
		   { "addr", 0x80100000 }, { "output_addr", 0x80100000 },
		   { "page_size", 0x100000, "1M" }, { "perms", 0xf, "rwxu" } } },
	/* S2 */
	{ .fmt = "arm-v7s-l1", .words = { 0x76543c01 }, .layout = "page-table",
	  .exp = { { "type", 1, "page table" }, { "ns", 0 }, { "addr", 0x76543c00 },
		   { "next_table", 0x76543c00 }, { "next_level", 2 } } },
	/* supersection with PA[35:32] = 3 in bits 23:20 */
	{ .fmt = "arm-v7s-l1", .words = { 0x12340402 }, .layout = "supersection",
	  .exp = { { "supersection", 1 }, { "pa_35_32", 3, "0x3" }, { "addr", 0x12000000 },
		   { "output_addr", 0x312000000 }, { "page_size", 0x1000000, "16M" },
		   { "contig", 16 }, { "perms", 7, "rwx-" } } },
	{ .fmt = "arm-v7s-l1", .words = { 0x40000202 }, .quirks = DECODE_QUIRK_MTK_EXT,
	  .layout = "section-mtk",
	  .exp = { { "pa32", 1 }, { "pa33", 0 }, { "output_addr", 0x140000000 },
		   { "perms", 7, "rwx-" } } },
	{ .fmt = "arm-v7s-l1", .words = { 0 }, .layout = "fault",
	  .exp = { { "type", 0, "fault" }, { "entry_type", 0 } } },
	{ .fmt = "arm-v7s-l1", .words = { 0x76543c11 }, .layout = "page-table", .nwarn = 1,
	  .exp = { { "rsvd_q0_4_4", 1 } } },
	{ .fmt = "arm-v7s-l1", .words = { 0x12340432 }, .quirks = DECODE_QUIRK_MTK_EXT,
	  .layout = "supersection-mtk", .nwarn = 1,
	  .exp = { { "pa33", 1 }, { "pa34", 1 }, { "output_addr", 0x612000000 } } },
};

static const struct vector l2_vectors[] = {
	/* formats.md S3 */
	{ .fmt = "arm-v7s-l2", .words = { 0x45678c5e }, .quirks = DECODE_QUIRK_MTK_EXT,
	  .layout = "small-page-mtk",
	  .exp = { { "xn", 0 }, { "b", 1 }, { "c", 1 }, { "pa33", 1 }, { "pa34", 0 },
		   { "tex", 1 }, { "pa32", 0 }, { "s", 1 }, { "ng", 1 },
		   { "output_addr", 0x245678000 }, { "perms", 7, "rwx-" } } },
	/* S4, with and without the extension */
	{ .fmt = "arm-v7s-l2", .words = { 0x40000e4e }, .quirks = DECODE_QUIRK_MTK_EXT,
	  .exp = { { "pa32", 1 }, { "output_addr", 0x140000000 } } },
	{ .fmt = "arm-v7s-l2", .words = { 0x40000e4e }, .layout = "small-page",
	  .exp = { { "ap2", 1 }, { "ap0", 0 }, { "output_addr", 0x40000000 },
		   { "perms", 5, "r-x-" } } },
	/* S5 */
	{ .fmt = "arm-v7s-l2", .words = { 0x90009c3d }, .layout = "large-page",
	  .exp = { { "type", 1, "large page" }, { "b", 1 }, { "c", 1 }, { "ap0", 1 },
		   { "ap1", 1 }, { "ap2", 0 }, { "s", 1 }, { "ng", 1 }, { "tex", 1 },
		   { "xn", 1 }, { "addr", 0x90000000 }, { "page_size", 0x10000, "64K" },
		   { "contig", 16 }, { "perms", 0xb, "rw-u" } } },
	{ .fmt = "arm-v7s-l2", .words = { 0 }, .layout = "fault",
	  .exp = { { "entry_type", 0, "not present" } } },
	{ .fmt = "arm-v7s-l2", .words = { 0x90009c7d }, .layout = "large-page", .nwarn = 1,
	  .exp = { { "rsvd_q0_8_6", 1 } } },
};

static void test_v7s_l1(void **state)
{
	run_vectors(l1_vectors, N_ELEM(l1_vectors));
}

static void test_v7s_l2(void **state)
{
	run_vectors(l2_vectors, N_ELEM(l2_vectors));
}

static void test_v7s_roundtrip(void **state)
{
	static const unsigned int rwx = DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X;
	static const struct { int level; unsigned int shift; uint64_t pa; } leaves[] = {
		{ 1, 20, 0x80100000 }, { 1, 24, 0xff000000 }, { 2, 12, 0x45678000 },
		{ 2, 16, 0x90000000 },
	};
	struct decode_pte t = { .present = true, .addr = 0x76543c00, .next_level = 2,
				.perms = rwx | DECODE_PERM_U };
	struct decode_opts o;
	size_t i;

	decode_opts_init(&o);
	roundtrip("arm-v7s-l1", &o, &t);
	for (i = 0; i < N_ELEM(leaves); i++) {
		const char *name = leaves[i].level == 1 ? "arm-v7s-l1" : "arm-v7s-l2";
		struct decode_pte l = { .present = true, .leaf = true,
					.page_shift = leaves[i].shift, .addr = leaves[i].pa,
					.perms = DECODE_PERM_R | DECODE_PERM_U };

		decode_opts_init(&o);
		roundtrip(name, &o, &l);
		l.perms = rwx;
		roundtrip(name, &o, &l);
		/* The extension: PA up to 35 bits, no permission bits. */
		o.quirks = DECODE_QUIRK_MTK_EXT;
		l.addr = leaves[i].pa | 0x700000000ULL;
		roundtrip(name, &o, &l);
		if (leaves[i].level == 2) {
			l.perms = DECODE_PERM_R | DECODE_PERM_W;
			roundtrip(name, &o, &l);
		}
	}
	/* Supersections reach PA[39:32] through the extended base address. */
	decode_opts_init(&o);
	roundtrip("arm-v7s-l1", &o, &(struct decode_pte){ .present = true, .leaf = true,
		  .page_shift = 24, .addr = 0xab12000000ULL, .perms = DECODE_PERM_R });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v7s_invariants),
		cmocka_unit_test(test_v7s_l1),
		cmocka_unit_test(test_v7s_l2),
		cmocka_unit_test(test_v7s_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
