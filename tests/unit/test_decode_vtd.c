/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VT-d decoders: table invariants, vectors worked out by hand from the VT-d
 * specification (chapter 9, §10.4) and reference/formats.md §1.12, fault
 * reasons, and encode/decode round trips of the paging entries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static const char *const vtd_formats[] = {
	"vtd-root", "vtd-root-sm", "vtd-context", "vtd-context-sm", "vtd-pasid-dir",
	"vtd-pasid", "vtd-sl-pte", "vtd-fl-pte", "vtd-cap", "vtd-ecap", "vtd-frcd",
};

static void test_vtd_invariants(void **state)
{
	check_formats_named(vtd_formats, N_ELEM(vtd_formats));
}

static const struct vector root_vectors[] = {
	/* formats.md V1 */
	{ .fmt = "vtd-root", .words = { 0x0000000123456001, 0 },
	  .exp = { { "present", 1, "yes" }, { "ctp", 0x123456000, "0x123456000" } } },
	{ .fmt = "vtd-root", .words = { 0, 0 },
	  .exp = { { "present", 0, "no" }, { "ctp", 0 } } },
	{ .fmt = "vtd-root", .words = { 0x123456003, 1 }, .nwarn = 2,
	  .exp = { { "rsvd_q0_11_1", 1, "not zero" }, { "rsvd_q1_63_0", 1 } } },
	{ .fmt = "vtd-root-sm", .words = { 0x0000000123456001, 0x0000000234567001 },
	  .exp = { { "lp", 1 }, { "lctp", 0x123456000 }, { "up", 1 },
		   { "uctp", 0x234567000 } } },
	{ .fmt = "vtd-root-sm", .words = { 0x123456001, 0 },
	  .exp = { { "lp", 1 }, { "up", 0 }, { "uctp", 0 } } },
	{ .fmt = "vtd-root-sm", .words = { 0x801, 0x1000 }, .nwarn = 1,
	  .exp = { { "rsvd_q0_11_1", 0x400 }, { "lctp", 0 }, { "uctp", 0x1000 } } },
};

static const struct vector context_vectors[] = {
	/* formats.md V2 */
	{ .fmt = "vtd-context", .words = { 0x7f3a2001, 0x2a02 },
	  .exp = { { "present", 1 }, { "fpd", 0 }, { "tt", 0, "second-stage translation" },
		   { "slptptr", 0x7f3a2000 }, { "aw", 2, "48-bit, 4-level" },
		   { "avail", 0, "0x0" }, { "did", 0x2a, "42" } } },
	/* pass-through, 5-level, kdump-copied marker in bit 67 */
	{ .fmt = "vtd-context", .words = { 0x9, 0x1010b },
	  .exp = { { "tt", 2, "pass-through" }, { "aw", 3, "57-bit, 5-level" },
		   { "avail", 1, "0x1 (bit 67: copied from the previous kernel by Linux kdump)" },
		   { "did", 0x101 } } },
	{ .fmt = "vtd-context", .words = { 0x123450007, 0x81 }, .nwarn = 1,
	  .exp = { { "fpd", 1 }, { "tt", 1, "second-stage translation, device-TLB allowed" },
		   { "slptptr", 0x123450000 }, { "aw", 1, "39-bit, 3-level" },
		   { "rsvd_q1_7_7", 1 } } },
	{ .fmt = "vtd-context-sm", .words = { 0x8765481d, 0x112345, 0, 0 },
	  .exp = { { "present", 1 }, { "fpd", 0 }, { "dte", 1 }, { "pasid_enable", 1 },
		   { "pre", 1 }, { "pdts", 4, "2048 entries" },
		   { "pasid_dir_ptr", 0x87654000 }, { "rid_pasid", 0x12345 },
		   { "rid_priv", 1 } } },
	{ .fmt = "vtd-context-sm", .words = { 0, 0, 0, 0 },
	  .exp = { { "present", 0 }, { "pdts", 0, "128 entries" } } },
	{ .fmt = "vtd-context-sm", .words = { 0x21, 1ULL << 21, 0, 1 }, .nwarn = 3,
	  .exp = { { "present", 1 }, { "rsvd_q0_8_5", 1 }, { "rsvd_q1_63_21", 1 },
		   { "rsvd_q3_63_0", 1 } } },
	/* Linux 7.2's context entry for edu (no PASID capability: PASIDE 0) */
	{ .fmt = "vtd-context-sm", .words = { 0x2673401, 0, 0, 0 },
	  .exp = { { "present", 1 }, { "dte", 0 }, { "pasid_enable", 0 }, { "pre", 0 },
		   { "pdts", 2, "512 entries" }, { "pasid_dir_ptr", 0x2673000 },
		   { "rid_pasid", 0 } } },
};

static const struct vector pasid_vectors[] = {
	{ .fmt = "vtd-pasid-dir", .words = { 0x12345003 },
	  .exp = { { "present", 1 }, { "fpd", 1 }, { "pasid_table_ptr", 0x12345000 } } },
	{ .fmt = "vtd-pasid-dir", .words = { 0 }, .exp = { { "present", 0 } } },
	{ .fmt = "vtd-pasid-dir", .words = { 0x12345ffd }, .nwarn = 1,
	  .exp = { { "rsvd_q0_11_2", 0x3ff }, { "pasid_table_ptr", 0x12345000 } } },
	/* formats.md V5 */
	{ .fmt = "vtd-pasid", .words = { 0xaaaab089, 0x800005 },
	  .exp = { { "present", 1 }, { "fpd", 0 }, { "aw", 2, "48-bit, 4-level" },
		   { "pgtt", 2, "second-stage only" }, { "ssade", 0 },
		   { "ssptptr", 0xaaaab000 }, { "did", 5 }, { "pwsnp", 1 }, { "pgsnp", 0 } } },
	/* first-stage only, 5-level, SRE and WPE; AW unused there */
	{ .fmt = "vtd-pasid", .words = { 0x41, 0x3, 0x123456015 },
	  .exp = { { "pgtt", 1, "first-stage only" }, { "aw", 0, "reserved (0)" },
		   { "did", 3 }, { "sre", 1 }, { "ere", 0 }, { "fspm", 1, "5-level, 57-bit" },
		   { "wpe", 1 }, { "fsptptr", 0x123456000 } } },
	{ .fmt = "vtd-pasid", .words = { 0x121, 0, 0, 0, 0xff }, .nwarn = 2,
	  .exp = { { "pgtt", 4, "pass-through" }, { "rsvd_q0_5_5", 1 },
		   { "rsvd_q4_63_0", 0xff } } },
	/* second-stage with AW 0: the cross-field check speaks */
	{ .fmt = "vtd-pasid", .words = { 0x81 }, .nwarn = 1,
	  .exp = { { "pgtt", 2 }, { "aw", 0 } } },
	{ .fmt = "vtd-pasid", .words = { 0x1 }, .nwarn = 1,
	  .exp = { { "pgtt", 0, "reserved (0)" } } },
	/* Linux 7.2's PASID entry for a DMA domain under QEMU 11's fsts (test-vm-dump's
	 * vtd-sm-7.2): first stage, 4-level, no SRE; AW 2 is set there too */
	{ .fmt = "vtd-pasid", .words = { 0x49, 0x3, 0xf024000 },
	  .exp = { { "present", 1 }, { "aw", 2, "48-bit, 4-level" },
		   { "pgtt", 1, "first-stage only" }, { "did", 3 }, { "sre", 0 }, { "wpe", 0 },
		   { "fspm", 0 }, { "fsptptr", 0xf024000 } } },
};

static const struct vector sl_vectors[] = {
	/* formats.md V3: the level-2 entry maps a 2 MiB page */
	{ .fmt = "vtd-sl-pte", .words = { 0x40200083 }, LEVEL(2), .layout = "pde-2m",
	  .exp = { { "r", 1 }, { "w", 1 }, { "ps", 1 }, { "addr", 0x40200000 },
		   { "entry_type", 2, "leaf" }, { "output_addr", 0x40200000 },
		   { "page_size", 0x200000, "2M" }, { "perms", 3, "rw--" } } },
	{ .fmt = "vtd-sl-pte", .words = { 0x123456003 }, LEVEL(1), .layout = "pte",
	  .exp = { { "addr", 0x123456000 }, { "emt", 0, "UC" }, { "output_addr", 0x123456000 },
		   { "page_size", 4096, "4K" } } },
	{ .fmt = "vtd-sl-pte", .words = { 0x7f000003 }, LEVEL(4), .layout = "pml5e/pml4e",
	  .exp = { { "entry_type", 1, "table" }, { "next_table", 0x7f000000 },
		   { "next_level", 3 } } },
	{ .fmt = "vtd-sl-pte", .words = { 0x40201083 }, LEVEL(3), .layout = "pdpe-1g", .nwarn = 1,
	  .exp = { { "rsvd_q0_29_12", 0x201 }, { "addr", 0x40000000 },
		   { "page_size", 1ULL << 30, "1G" } } },
	{ .fmt = "vtd-sl-pte", .words = { 0x123456000 }, LEVEL(1), .layout = "not-present",
	  .exp = { { "entry_type", 0, "not present" } } },
	{ .fmt = "vtd-sl-pte", .words = { 0x12345803 }, LEVEL(2), .layout = "table", .nwarn = 1,
	  .exp = { { "rsvd_q0_11_11", 1 }, { "next_table", 0x12345000 } } },
	/* written by Linux 7.2's generic page tables (vtd-7.2): bit 10 of a table
	 * entry is their software bit (flush done), an ignored bit */
	{ .fmt = "vtd-sl-pte", .words = { 0x2fb7403 }, LEVEL(3), .layout = "table",
	  .exp = { { "r", 1 }, { "w", 1 }, { "next_table", 0x2fb7000 }, { "next_level", 2 } } },
	{ .fmt = "vtd-sl-pte", .words = { 0x89fe003 }, LEVEL(1), .layout = "pte",
	  .exp = { { "output_addr", 0x89fe000 }, { "perms", 3, "rw--" } } },
};

static const struct vector fl_vectors[] = {
	/* formats.md V4 */
	{ .fmt = "vtd-fl-pte", .words = { 0x8000000123456067 }, LEVEL(1), .layout = "pte",
	  .exp = { { "present", 1 }, { "rw", 1, "read/write" }, { "us", 1, "user" },
		   { "pwt", 0 }, { "pcd", 0 }, { "a", 1 }, { "d", 1 }, { "pat", 0 },
		   { "g", 0 }, { "xd", 1 }, { "addr", 0x123456000 },
		   { "output_addr", 0x123456000 }, { "perms", 0xb, "rw-u" } } },
	{ .fmt = "vtd-fl-pte", .words = { 0x402000e3 }, LEVEL(2), .layout = "pde-2m",
	  .exp = { { "us", 0, "supervisor" }, { "addr", 0x40200000 },
		   { "page_size", 0x200000 }, { "perms", 7, "rwx-" } } },
	{ .fmt = "vtd-fl-pte", .words = { 0x12345087 }, LEVEL(4), .layout = "pml5e/pml4e",
	  .nwarn = 1,
	  .exp = { { "rsvd_q0_7_7", 1 }, { "next_table", 0x12345000 }, { "next_level", 3 } } },
	{ .fmt = "vtd-fl-pte", .words = { 0x12345006 }, LEVEL(1), .layout = "not-present",
	  .exp = { { "entry_type", 0 } } },
	/* written by Linux 7.2's generic x86-64 page tables (vtd-sm-7.2): U and A on
	 * every entry, D on writable leaves, bit 9 of a table entry their software bit */
	{ .fmt = "vtd-fl-pte", .words = { 0xf1c4227 }, LEVEL(4), .layout = "pml5e/pml4e",
	  .exp = { { "present", 1 }, { "rw", 1 }, { "us", 1, "user" }, { "a", 1 },
		   { "next_table", 0xf1c4000 }, { "next_level", 3 }, { "perms", 0xf, "rwxu" } } },
	{ .fmt = "vtd-fl-pte", .words = { 0xa96d067 }, LEVEL(1), .layout = "pte",
	  .exp = { { "us", 1 }, { "a", 1 }, { "d", 1 }, { "xd", 0 },
		   { "output_addr", 0xa96d000 }, { "page_size", 4096 }, { "perms", 0xf, "rwxu" } } },
};

static const struct vector reg_vectors[] = {
	/* formats.md V7 */
	{ .fmt = "vtd-cap", .words = { 0xd2008c40660462 },
	  .exp = { { "nd", 2, "256 domains" }, { "afl", 0 }, { "rwbf", 0 }, { "plmr", 1 },
		   { "phmr", 1 }, { "cm", 0 }, { "sagaw", 4, "48-bit" },
		   { "mgaw", 38, "39-bit" }, { "zlr", 1 }, { "fro", 0x40, "offset 0x400" },
		   { "sllps", 3, "2M 1G" }, { "psi", 1 },
		   { "nfr", 0, "1 fault recording register" }, { "mamv", 18 }, { "dwd", 1 },
		   { "drd", 1 }, { "fl1gp", 0 }, { "pi", 0 }, { "fl5lp", 0 } } },
	{ .fmt = "vtd-cap", .words = { 0xf800000000000606 },
	  .exp = { { "nd", 6, "65536 domains" }, { "sagaw", 6, "39-bit 48-bit" },
		   { "mgaw", 0, "1-bit" }, { "sllps", 0, "4K only" }, { "pi", 1 },
		   { "fl5lp", 1 }, { "ecmds", 1 }, { "esirtps", 1 }, { "esrtps", 1 } } },
	{ .fmt = "vtd-cap", .words = { 0x4000002007 }, .nwarn = 2,
	  .exp = { { "nd", 7, "reserved (7)" }, { "sagaw", 0, "none" },
		   { "rsvd_q0_15_13", 1 }, { "rsvd_q0_38_38", 1 } } },
	{ .fmt = "vtd-cap", .words = { 0x70022000000 },
	  .exp = { { "fro", 0x22, "offset 0x220" },
		   { "nfr", 7, "8 fault recording registers" } } },
	/* formats.md V8, checked against the Intel datasheet default */
	{ .fmt = "vtd-ecap", .words = { 0xf050da },
	  .exp = { { "c", 0 }, { "qi", 1 }, { "dt", 0 }, { "ir", 1 }, { "eim", 1 },
		   { "ch", 0 }, { "pt", 1 }, { "sc", 1 }, { "iro", 0x50, "offset 0x500" },
		   { "mhmv", 0xf } } },
	{ .fmt = "vtd-ecap", .words = { 0xc998a0f050da },
	  .exp = { { "smts", 1 }, { "pasid", 1 }, { "pss", 19, "20-bit PASID" }, { "flts", 1 },
		   { "slts", 1 }, { "prs", 1 }, { "srs", 1 }, { "ers", 0 }, { "nest", 0 } } },
	{ .fmt = "vtd-ecap", .words = { (1ULL << 54) | (1ULL << 18) }, .nwarn = 2,
	  .exp = { { "rsvd_q0_54_54", 1 }, { "rsvd_q0_19_18", 1 } } },
};

static const struct vector frcd_vectors[] = {
	/* formats.md V9 */
	{ .fmt = "vtd-frcd", .words = { 0xdeadb000, 0xc000000600000300 },
	  .exp = { { "f", 1 }, { "t", 1, "read" }, { "at", 0, "untranslated" }, { "pv", 0 },
		   { "fr", 6, "read from a page without read permission" }, { "pp", 0 },
		   { "sid", 0x300, "03:00.0" }, { "fi", 0xdeadb000 } } },
	{ .fmt = "vtd-frcd", .words = { 0x7fff12345000, 0xa1234505a00000f9 },
	  .exp = { { "f", 1 }, { "t", 0, "write" }, { "at", 2, "translated" },
		   { "pv", 0x12345 }, { "fr", 5, "write to a page without write permission" },
		   { "pp", 1 }, { "exe", 0 }, { "priv", 1 }, { "sid", 0xf9, "00:1f.1" },
		   { "fi", 0x7fff12345000 } } },
	{ .fmt = "vtd-frcd", .words = { 0xfff, 0x8000003000010000 }, .nwarn = 2,
	  .exp = { { "rsvd_q0_11_0", 0xfff }, { "rsvd_q1_28_16", 1 },
		   { "fr", 0x30, "unknown reason" } } },
};

static void test_vtd_root(void **state)
{
	run_vectors(root_vectors, N_ELEM(root_vectors));
}

static void test_vtd_context(void **state)
{
	run_vectors(context_vectors, N_ELEM(context_vectors));
}

static void test_vtd_pasid(void **state)
{
	run_vectors(pasid_vectors, N_ELEM(pasid_vectors));
}

static void test_vtd_sl_pte(void **state)
{
	run_vectors(sl_vectors, N_ELEM(sl_vectors));
}

static void test_vtd_fl_pte(void **state)
{
	run_vectors(fl_vectors, N_ELEM(fl_vectors));
}

static void test_vtd_registers(void **state)
{
	run_vectors(reg_vectors, N_ELEM(reg_vectors));
}

static void test_vtd_frcd(void **state)
{
	run_vectors(frcd_vectors, N_ELEM(frcd_vectors));
}

static void test_vtd_fault_reason(void **state)
{
	assert_string_equal(decode_vtd_fault_reason(1), "root entry not present");
	assert_string_equal(decode_vtd_fault_reason(0xd),
			    "translation type of the context entry blocks the request");
	assert_non_null(decode_vtd_fault_reason(0x26));
	assert_null(decode_vtd_fault_reason(0x0e));
	assert_null(decode_vtd_fault_reason(0x27));
	assert_null(decode_vtd_fault_reason(1000));
}

static void roundtrip_x86_like(const char *name, bool fl)
{
	static const unsigned int rw = DECODE_PERM_R | DECODE_PERM_W;
	struct decode_opts o;
	int level;

	decode_opts_init(&o);
	for (level = 1; level <= 5; level++) {
		o.level = level;
		if (level > 1) {
			struct decode_pte t = {
				.present = true, .addr = 0x123456000, .next_level = level - 1,
				.perms = fl ? rw | DECODE_PERM_X | DECODE_PERM_U : rw | DECODE_PERM_X,
			};

			roundtrip(name, &o, &t);
		}
		if (level <= 3) {
			unsigned int shift = 12 + 9 * (unsigned int)(level - 1);
			struct decode_pte l = {
				.present = true, .leaf = true, .page_shift = shift,
				.addr = 0xabcULL << 30, .contig = 1,
				.perms = fl ? DECODE_PERM_R | DECODE_PERM_U : DECODE_PERM_W,
			};

			roundtrip(name, &o, &l);
		}
	}
}

static void test_vtd_roundtrip(void **state)
{
	const struct decode_fmt *sl = decode_format_find("vtd-sl-pte");
	struct decode_pte bad = { .present = true, .leaf = true, .page_shift = 30,
				  .addr = 0x40000000, .perms = DECODE_PERM_R };
	struct decode_opts o;
	uint64_t w;

	roundtrip_x86_like("vtd-sl-pte", false);
	roundtrip_x86_like("vtd-fl-pte", true);

	decode_opts_init(&o);
	o.level = 4;	/* no 512 GiB pages */
	assert_int_equal(decode_pt_encode(sl, &o, &(struct decode_pte){ .present = true,
		.leaf = true, .page_shift = 39, .perms = DECODE_PERM_R }, &w), -EINVAL);
	o.level = 2;	/* size does not match the level */
	assert_int_equal(decode_pt_encode(sl, &o, &bad, &w), -EINVAL);
	o.level = 3;
	bad.addr = 0x40001000;	/* misaligned */
	assert_int_equal(decode_pt_encode(sl, &o, &bad, &w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vtd_invariants),
		cmocka_unit_test(test_vtd_root),
		cmocka_unit_test(test_vtd_context),
		cmocka_unit_test(test_vtd_pasid),
		cmocka_unit_test(test_vtd_sl_pte),
		cmocka_unit_test(test_vtd_fl_pte),
		cmocka_unit_test(test_vtd_registers),
		cmocka_unit_test(test_vtd_frcd),
		cmocka_unit_test(test_vtd_fault_reason),
		cmocka_unit_test(test_vtd_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
