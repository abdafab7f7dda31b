/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AMD-Vi decoders: invariants, hand-derived vectors (reference/formats.md
 * §2.5 and the AMD IOMMU specification's DTE, v1 PTE, GCR3 and EFR layouts),
 * the reassembled GCR3 root, next-level-7 page sizes and round trips.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static const char *const amd_formats[] = {
	"amd-dte", "amd-v1-pte", "amd-v2-pte", "amd-gcr3", "amd-efr",
};

static void test_amd_invariants(void **state)
{
	check_formats_named(amd_formats, N_ELEM(amd_formats));
}

static const struct vector dte_vectors[] = {
	/* formats.md A1 */
	{ .fmt = "amd-dte", .words = { 0x6000000012345603, 0x7, 0x2000000123456f13, 0 },
	  .exp = { { "v", 1 }, { "tv", 1 }, { "had", 0 }, { "mode", 3, "3 levels" },
		   { "host_pt_root", 0x12345000 }, { "ppr", 0 }, { "giov", 0 }, { "gv", 0 },
		   { "ir", 1 }, { "iw", 1 }, { "domain_id", 7 }, { "iv", 1 },
		   { "int_tab_len", 9, "512 entries" }, { "int_table_root", 0x123456f00 },
		   { "int_ctl", 2, "remapped" }, { "gcr3_root", 0 } } },
	/* formats.md A2: GCR3 root 0x123456000 split over three fields */
	{ .fmt = "amd-dte", .words = { 0x18c0000000000003, 0x00001000468a0012, 0, 0 },
	  .exp = { { "mode", 0, "no translation" }, { "gv", 1 }, { "giov", 1 },
		   { "glx", 0, "1 level" }, { "gcr3_14_12", 6, "0x6" },
		   { "gcr3_30_15", 0x468a }, { "gcr3_51_31", 2 }, { "domain_id", 0x12 },
		   { "gcr3_root", 0x123456000, "0x123456000" } } },
	/* Linux 7.2's DTE for edu in a VFIO domain (amd-7.2): v1, Mode 3, no GV */
	{ .fmt = "amd-dte", .words = { 0x60000000022e9603, 0xa, 0x1, 0 },
	  .exp = { { "v", 1 }, { "tv", 1 }, { "mode", 3, "3 levels" },
		   { "host_pt_root", 0x22e9000 }, { "gv", 0 }, { "ir", 1 }, { "iw", 1 },
		   { "domain_id", 10 }, { "iv", 1 } } },
	{ .fmt = "amd-dte", .words = { 0xe05, 0, 0, 1 }, .nwarn = 3,
	  .exp = { { "rsvd_q0_6_2", 1 }, { "mode", 7, "reserved (7)" },
		   { "rsvd_q3_53_0", 1 } } },
	{ .fmt = "amd-dte", .words = { 0x803, 0, 0, 0 }, .nwarn = 1,
	  .exp = { { "mode", 4, "4 levels" }, { "host_pt_root", 0 } } },
	{ .fmt = "amd-dte", .words = { 0x0080000000000001, 0x0000000300000000, 0x00c0000000000000, 0 },
	  .nwarn = 2,
	  .exp = { { "gv", 1 }, { "i", 1 }, { "se", 1 }, { "gpt_level", 3, "reserved (3)" },
		   { "gcr3_root", 0 } } },
};

static const struct vector v1_vectors[] = {
	/* formats.md A3 */
	{ .fmt = "amd-v1-pte", .words = { 0x60000000abcde601 }, LEVEL(4), .layout = "pde",
	  .exp = { { "pr", 1 }, { "next_level_field", 3, "level 3" }, { "addr", 0xabcde000 },
		   { "ir", 1 }, { "iw", 1 }, { "next_table", 0xabcde000 }, { "next_level", 3 },
		   { "perms", 3, "rw--" } } },
	/* A4 */
	{ .fmt = "amd-v1-pte", .words = { 0x6000000011111001 }, LEVEL(1), .layout = "pte",
	  .exp = { { "next_level_field", 0, "page of this level's size" }, { "fc", 0 },
		   { "u", 0 }, { "output_addr", 0x11111000 }, { "page_size", 4096, "4K" } } },
	/* A5: next level 7, three ones from bit 12 = 64 KiB */
	{ .fmt = "amd-v1-pte", .words = { 0x6000000200007e01 }, LEVEL(1), .layout = "pte",
	  .exp = { { "next_level_field", 7, "page size encoded in the address" },
		   { "addr", 0x200007000 }, { "output_addr", 0x200000000 },
		   { "page_size", 0x10000, "64K" }, { "contig", 16 } } },
	/* A6 */
	{ .fmt = "amd-v1-pte", .words = { 0x6000000040600001 }, LEVEL(2),
	  .exp = { { "output_addr", 0x40600000 }, { "page_size", 0x200000, "2M" } } },
	/* written by Linux 7.2's generic AMD v1 page tables (amd-7.2): FC on leaves */
	{ .fmt = "amd-v1-pte", .words = { 0x60000000022ed401 }, LEVEL(3), .layout = "pde",
	  .exp = { { "next_level_field", 2 }, { "next_table", 0x22ed000 }, { "next_level", 2 },
		   { "perms", 3, "rw--" } } },
	{ .fmt = "amd-v1-pte", .words = { 0x7000000009fd5001 }, LEVEL(1), .layout = "pte",
	  .exp = { { "next_level_field", 0 }, { "fc", 1 }, { "output_addr", 0x9fd5000 },
		   { "page_size", 4096, "4K" }, { "perms", 3, "rw--" } } },
	{ .fmt = "amd-v1-pte", .words = { 0x2000000012345601 }, LEVEL(2), .nwarn = 1,
	  .exp = { { "next_level_field", 3 }, { "perms", 1, "r---" } } },
	{ .fmt = "amd-v1-pte", .words = { 0 }, LEVEL(3), .layout = "not-present",
	  .exp = { { "entry_type", 0, "not present" } } },
	/* 8 MiB at level 2: ones in address bits 12..21, a zero at 22 */
	{ .fmt = "amd-v1-pte", .words = { 0x60000000403ffe01 }, LEVEL(2),
	  .exp = { { "output_addr", 0x40000000 }, { "page_size", 0x800000, "8M" },
		   { "contig", 4 } } },
	{ .fmt = "amd-v1-pte", .words = { 0x6000000000000e01 }, LEVEL(6), .nwarn = 2,
	  .exp = { { "entry_type", 2 } } },
	{ .fmt = "amd-v1-pte", .words = { 0x0010000000000001 }, LEVEL(1), .nwarn = 1,
	  .exp = { { "rsvd_q0_58_52", 1 } } },
};

static const struct vector v2_vectors[] = {
	{ .fmt = "amd-v2-pte", .words = { 0x8000000123456067 }, LEVEL(1), .layout = "pte",
	  .exp = { { "present", 1 }, { "xd", 1 }, { "output_addr", 0x123456000 },
		   { "perms", 0xb, "rw-u" } } },
	{ .fmt = "amd-v2-pte", .words = { 0x1400000e7 }, LEVEL(3), .layout = "pdpe-1g",
	  .exp = { { "ps", 1 }, { "addr", 0x140000000 }, { "page_size", 1ULL << 30, "1G" },
		   { "perms", 0xf, "rwxu" } } },
	{ .fmt = "amd-v2-pte", .words = { 0 }, LEVEL(5), .layout = "not-present",
	  .exp = { { "present", 0 } } },
};

static const struct vector gcr3_vectors[] = {
	{ .fmt = "amd-gcr3", .words = { 0x123456001 },
	  .exp = { { "valid", 1 }, { "addr", 0x123456000 } } },
	{ .fmt = "amd-gcr3", .words = { 0 }, .exp = { { "valid", 0 } } },
	{ .fmt = "amd-gcr3", .words = { 0x0010000123456001 }, .nwarn = 1,
	  .exp = { { "rsvd_q0_63_52", 1 }, { "addr", 0x123456000 } } },
};

static const struct vector efr_vectors[] = {
	{ .fmt = "amd-efr", .words = { 0x8001000f00005853, 0 },
	  .exp = { { "pref_sup", 1 }, { "ppr_sup", 1 }, { "xt_sup", 0 }, { "gt_sup", 1 },
		   { "ia_sup", 1 }, { "hats", 2, "6 levels" }, { "gats", 1, "5 levels" },
		   { "glx_sup", 1 }, { "pas_max", 15, "16-bit PASID" }, { "gio_sup", 1 },
		   { "snp_sup", 1 }, { "snp_avic_sup", 0 } } },
	{ .fmt = "amd-efr", .words = { 0x8001000f00005853, 0x20 },
	  .exp = { { "snp_avic_sup", 1 }, { "efr2_4_0", 0 } } },
	{ .fmt = "amd-efr", .words = { (1ULL << 5) | (1ULL << 47) | 0xc00, 0 }, .nwarn = 3,
	  .exp = { { "rsvd_q0_5_5", 1 }, { "rsvd_q0_47_47", 1 },
		   { "hats", 3, "reserved (3)" } } },
};

static void test_amd_dte(void **state)
{
	run_vectors(dte_vectors, N_ELEM(dte_vectors));
}

static void test_amd_v1(void **state)
{
	run_vectors(v1_vectors, N_ELEM(v1_vectors));
}

static void test_amd_v2(void **state)
{
	run_vectors(v2_vectors, N_ELEM(v2_vectors));
}

static void test_amd_gcr3(void **state)
{
	run_vectors(gcr3_vectors, N_ELEM(gcr3_vectors));
}

static void test_amd_efr(void **state)
{
	const struct decode_fmt *efr = decode_format_find("amd-efr");
	uint64_t w[2];
	struct decode_result r;

	run_vectors(efr_vectors, N_ELEM(efr_vectors));
	/* From the sysfs text of a current kernel, EFR:EFR2. */
	assert_int_equal(decode_amd_features_parse("8001000f00005853:20\n", w), 0);
	assert_int_equal(decode_run(efr, w, NULL, &r), 0);
	assert_int_equal(decode_result_find(&r, "snp_avic_sup")->value, 1);
	decode_result_release(&r);
	assert_int_equal(efr->min_words, 1);
}

static void test_amd_v1_roundtrip(void **state)
{
	struct decode_opts o;
	int level;
	unsigned int shift;

	decode_opts_init(&o);
	for (level = 1; level <= 6; level++) {
		o.level = level;
		if (level > 1) {
			struct decode_pte t = { .present = true, .addr = 0x12345000,
						.next_level = level - 1,
						.perms = DECODE_PERM_R | DECODE_PERM_W };

			roundtrip("amd-v1-pte", &o, &t);
			t.next_level = 1;	/* a level skip encodes too */
			t.perms = DECODE_PERM_R;
			roundtrip("amd-v1-pte", &o, &t);
		}
		if (level == 6)
			continue;
		/* Default size, then every next-level-7 size this level can hold. */
		for (shift = 12 + 9 * (unsigned int)(level - 1);
		     shift < 12 + 9 * (unsigned int)level && shift <= 51; shift++) {
			struct decode_pte l = { .present = true, .leaf = true, .page_shift = shift,
						.addr = 1ULL << 51, .perms = DECODE_PERM_W };
			uint64_t w;
			struct decode_pte back;

			roundtrip("amd-v1-pte", &o, &l);
			assert_int_equal(decode_pt_encode(decode_format_find("amd-v1-pte"), &o,
							  &l, &w), 0);
			assert_int_equal(decode_pt_entry(decode_format_find("amd-v1-pte"), &w, &o,
							 &back), 0);
			assert_int_equal(back.contig,
					 1u << (shift - (12 + 9 * (unsigned int)(level - 1))));
		}
	}
}

static void test_amd_v2_roundtrip(void **state)
{
	struct decode_pte l = { .present = true, .leaf = true, .page_shift = 21,
				.addr = 0x7fe00000, .perms = DECODE_PERM_R | DECODE_PERM_X };
	struct decode_pte t = { .present = true, .addr = 0x1000, .next_level = 4,
				.perms = DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_U };
	struct decode_opts o;

	decode_opts_init(&o);
	o.level = 2;
	roundtrip("amd-v2-pte", &o, &l);
	o.level = 5;
	roundtrip("amd-v2-pte", &o, &t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amd_invariants),
		cmocka_unit_test(test_amd_dte),
		cmocka_unit_test(test_amd_v1),
		cmocka_unit_test(test_amd_v2),
		cmocka_unit_test(test_amd_gcr3),
		cmocka_unit_test(test_amd_efr),
		cmocka_unit_test(test_amd_v1_roundtrip),
		cmocka_unit_test(test_amd_v2_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
