/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm SMMUv3 decoders: invariants and vectors derived by hand from the SMMUv3
 * specification chapter 5 and reference/formats.md §5.5.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static const char *const smmu_formats[] = {
	"smmuv3-ste", "smmuv3-cd", "smmuv3-l1-std", "smmuv3-l1-cd",
};

static void test_smmu_invariants(void **state)
{
	check_formats_named(smmu_formats, N_ELEM(smmu_formats));
}

static const struct vector ste_vectors[] = {
	/* formats.md M1 */
	{ .fmt = "smmuv3-ste", .words = { 0x500000081234502b, 0x00001000000000d6 },
	  .exp = { { "v", 1 }, { "config", 5, "stage 1 only" },
		   { "s1fmt", 2, "2-level, 64K leaf tables" }, { "s1_context_ptr", 0x812345000 },
		   { "s1cdmax", 10, "1024 CDs" }, { "s1dss", 2, "use substream 0" },
		   { "s1cir", 1, "write-back, read-allocate" }, { "s1cor", 1 },
		   { "s1csh", 3, "inner shareable" }, { "s1stalld", 0 },
		   { "eats", 0, "ATS disabled" }, { "strw", 0, "EL1" },
		   { "shcfg", 1, "use incoming" } } },
	/* formats.md M2, with V=1 and Config=6 (stage 2 only) in dword 0 */
	{ .fmt = "smmuv3-ste", .words = { 0xd, 0, 0x040a355800000003, 0x0000000088000000 },
	  .exp = { { "config", 6, "stage 2 only" }, { "s2vmid", 3 },
		   { "s2t0sz", 24, "40-bit input" }, { "s2sl0", 1, "start at level 1" },
		   { "s2ir0", 1 }, { "s2or0", 1 }, { "s2sh0", 3 }, { "s2tg", 0, "4K" },
		   { "s2ps", 2, "40-bit" }, { "s2aa64", 1 }, { "s2endi", 0 }, { "s2affd", 0 },
		   { "s2ptw", 0 }, { "s2hd", 0 }, { "s2ha", 0 }, { "s2s", 0 }, { "s2r", 1 },
		   { "s2ttb", 0x88000000 } } },
	{ .fmt = "smmuv3-ste", .words = { 0x0100000000000009, 1ULL << 41 }, .nwarn = 2,
	  .exp = { { "config", 4, "bypass" }, { "rsvd_q0_58_56", 1 },
		   { "rsvd_q1_43_41", 1 } } },
	{ .fmt = "smmuv3-ste", .words = { 0x3 }, .nwarn = 1,
	  .exp = { { "config", 1, "reserved (1)" } } },
	{ .fmt = "smmuv3-ste", .words = { 0xd }, .nwarn = 1,
	  .exp = { { "s2sl0", 0, "start at level 2" }, { "s2ttb", 0 } } },
	/* 64K stage 2 counts SL0 from level 3 */
	{ .fmt = "smmuv3-ste", .words = { 0, 0, 0x0000408000000000 },
	  .exp = { { "s2sl0", 2, "start at level 1" }, { "s2tg", 1, "64K" } } },
};

static const struct vector cd_vectors[] = {
	/* formats.md M3 */
	{ .fmt = "smmuv3-cd", .words = { 0x0042e205c0003510, 0x0000000800001000, 0,
					 0x00000000f404ff44 },
	  .exp = { { "t0sz", 16, "48-bit input" }, { "tg0", 0, "4K" }, { "ir0", 1 },
		   { "or0", 1 }, { "sh0", 3 }, { "epd0", 0 }, { "endi", 0 }, { "epd1", 1 },
		   { "v", 1 }, { "ips", 5, "48-bit" }, { "affd", 0 }, { "tbi0", 0 },
		   { "tbi1", 0 }, { "aa64", 1 }, { "hd", 0 }, { "ha", 0 }, { "s", 0 },
		   { "r", 1 }, { "a", 1 }, { "aset", 1 }, { "asid", 0x42 },
		   { "ttb0", 0x800001000 }, { "mair0", 0xf404ff44, "0xf404ff44" },
		   { "mair1", 0 }, { "tg1", 0, "0" } } },
	{ .fmt = "smmuv3-cd", .words = { 0x0000008080990000, 0, 0x1234000 },
	  .exp = { { "t1sz", 25, "39-bit input" }, { "tg1", 2, "4K" }, { "tbi1", 1 },
		   { "ttb1", 0x1234000 }, { "v", 1 }, { "t0sz", 0, "64-bit input" } } },
	{ .fmt = "smmuv3-cd", .words = { 0, 1ULL << 56, 0, 0, 0, 1ULL << 56, 0, 1ULL << 48 },
	  .nwarn = 3,
	  .exp = { { "rsvd_q1_57_56", 1 }, { "rsvd_q5_63_56", 1 }, { "rsvd_q7_63_48", 1 } } },
};

static const struct vector l1_vectors[] = {
	/* formats.md M5 */
	{ .fmt = "smmuv3-l1-std", .words = { 0x90000009 },
	  .exp = { { "span", 9, "256 STEs" }, { "l2ptr", 0x90000000 } } },
	{ .fmt = "smmuv3-l1-std", .words = { 0 }, .exp = { { "span", 0, "invalid" } } },
	{ .fmt = "smmuv3-l1-std", .words = { 0x9000002c }, .nwarn = 1,
	  .exp = { { "span", 12, "reserved (12)" }, { "rsvd_q0_5_5", 1 } } },
	{ .fmt = "smmuv3-l1-cd", .words = { 0x812340001 },
	  .exp = { { "v", 1 }, { "l2ptr", 0x812340000 } } },
	{ .fmt = "smmuv3-l1-cd", .words = { 0 }, .exp = { { "v", 0 } } },
	{ .fmt = "smmuv3-l1-cd", .words = { 0x0100000000001003 }, .nwarn = 2,
	  .exp = { { "rsvd_q0_11_1", 1 }, { "rsvd_q0_63_56", 1 }, { "l2ptr", 0x1000 } } },
};

static void test_smmu_ste(void **state)
{
	run_vectors(ste_vectors, N_ELEM(ste_vectors));
}

static void test_smmu_cd(void **state)
{
	run_vectors(cd_vectors, N_ELEM(cd_vectors));
}

static void test_smmu_l1(void **state)
{
	run_vectors(l1_vectors, N_ELEM(l1_vectors));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smmu_invariants),
		cmocka_unit_test(test_smmu_ste),
		cmocka_unit_test(test_smmu_cd),
		cmocka_unit_test(test_smmu_l1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
