/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RISC-V IOMMU decoders: invariants, vectors from reference/formats.md §7.6
 * and the RISC-V IOMMU and privileged specifications, Svnapot, and round
 * trips of Sv39/48/57 entries at every level.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_decode_helpers.h"

static const char *const rv_formats[] = {
	"riscv-ddte", "riscv-dc", "riscv-dc-ext", "riscv-pdte", "riscv-pc", "riscv-pte",
	"riscv-caps", "riscv-fctl", "riscv-ddtp",
};

static void test_rv_invariants(void **state)
{
	check_formats_named(rv_formats, N_ELEM(rv_formats));
}

static const struct vector dir_vectors[] = {
	/* formats.md RV1 */
	{ .fmt = "riscv-ddte", .words = { 0x0000000020080001 },
	  .exp = { { "v", 1 }, { "ppn", 0x80200000, "0x80200000" } } },
	{ .fmt = "riscv-ddte", .words = { 0 }, .exp = { { "v", 0 }, { "ppn", 0 } } },
	{ .fmt = "riscv-ddte", .words = { 0x0040000020080003 }, .nwarn = 2,
	  .exp = { { "rsvd_q0_9_1", 1 }, { "rsvd_q0_63_54", 1 } } },
	{ .fmt = "riscv-pdte", .words = { 0xc0001 }, .exp = { { "ppn", 0x300000 } } },
	{ .fmt = "riscv-pdte", .words = { 0x1 }, .exp = { { "v", 1 }, { "ppn", 0 } } },
	{ .fmt = "riscv-pdte", .words = { 0x421 }, .nwarn = 1,
	  .exp = { { "ppn", 0x1000 }, { "rsvd_q0_9_1", 0x10 } } },
	/* fctl.BE=1: a structure read with a little-endian load is swapped */
	{ .fmt = "riscv-ddte", .words = { 0x0100082000000000 }, .quirks = DECODE_QUIRK_BIG_ENDIAN,
	  .byteorder = DECODE_BO_LE, .exp = { { "ppn", 0x80200000 } } },
};

static const struct vector dc_vectors[] = {
	/* formats.md RV2 */
	{ .fmt = "riscv-dc", .words = { 0x1, 0, 0x5000, 0x9000000000080300 },
	  .exp = { { "v", 1 }, { "pdtv", 0 }, { "pscid", 5 }, { "fsc_mode", 9, "Sv48" },
		   { "fsc_ppn", 0x80300000 }, { "iohgatp_mode", 0, "Bare" } } },
	{ .fmt = "riscv-dc", .words = { 0x21, 0x8000400000090000, 0, 0x3000000000081000 },
	  .exp = { { "pdtv", 1 }, { "fsc_mode", 3, "PDT PD20" }, { "fsc_ppn", 0x81000000 },
		   { "iohgatp_mode", 8, "Sv39x4 (Sv32x4 if fctl.GXL)" }, { "gscid", 4 },
		   { "iohgatp_ppn", 0x90000000 } } },
	{ .fmt = "riscv-dc", .words = { 0x1001, 0, 0x1, 0x5000000000000000 }, .nwarn = 3,
	  .exp = { { "rsvd_q0_63_12", 1 }, { "rsvd_q2_11_0", 1 },
		   { "fsc_mode", 5, "reserved (5)" } } },
	{ .fmt = "riscv-dc", .words = { 0x21, 0, 0, 0x8000000000000000 }, .nwarn = 1,
	  .exp = { { "fsc_mode", 8, "reserved (8)" } } },
	{ .fmt = "riscv-dc-ext", .words = { 0x1, 0, 0x5000, 0x9000000000080300,
					    0x1000000000012345, 0xff, 0x2000, 0 },
	  .exp = { { "fsc_mode", 9, "Sv48" }, { "msiptp_mode", 1, "Flat" },
		   { "msiptp_ppn", 0x12345000 }, { "msi_addr_mask", 0xff, "0xff" },
		   { "msi_addr_pattern", 0x2000 } } },
	{ .fmt = "riscv-dc-ext", .words = { 0 }, .exp = { { "v", 0 }, { "msiptp_mode", 0, "Off" } } },
	{ .fmt = "riscv-dc-ext", .words = { 0, 0, 0, 0, 0x2000000000000000, 0, 0, 1 }, .nwarn = 2,
	  .exp = { { "msiptp_mode", 2, "reserved (2)" }, { "rsvd_q7_63_0", 1 } } },
	{ .fmt = "riscv-pc", .words = { 0x7003, 0x8000000000080400 },
	  .exp = { { "v", 1 }, { "ens", 1 }, { "sum", 0 }, { "pscid", 7 },
		   { "fsc_mode", 8, "Sv39 (Sv32 if SXL)" }, { "fsc_ppn", 0x80400000 } } },
	{ .fmt = "riscv-pc", .words = { 0, 0 },
	  .exp = { { "v", 0 }, { "fsc_mode", 0, "Bare" } } },
	{ .fmt = "riscv-pc", .words = { 0x9, 0x3000000000000000 }, .nwarn = 2,
	  .exp = { { "rsvd_q0_11_3", 1 }, { "fsc_mode", 3, "reserved (3)" } } },
};

static const struct vector pte_vectors[] = {
	/* formats.md RV3 */
	{ .fmt = "riscv-pte", .words = { 0x00000000200804d7 }, LEVEL(0), .layout = "leaf",
	  .exp = { { "v", 1 }, { "r", 1 }, { "w", 1 }, { "x", 0 }, { "u", 1 }, { "g", 0 },
		   { "a", 1 }, { "d", 1 }, { "ppn", 0x80201000 },
		   { "output_addr", 0x80201000 }, { "page_size", 4096, "4K" },
		   { "perms", 0xb, "rw-u" } } },
	/* RV4: 2 MiB page at level 1 */
	{ .fmt = "riscv-pte", .words = { 0x00000000201000cf }, LEVEL(1),
	  .exp = { { "x", 1 }, { "output_addr", 0x80400000 },
		   { "page_size", 0x200000, "2M" }, { "perms", 7, "rwx-" } } },
	/* A 64 KiB leaf as Linux 7.1+ writes it (drivers/iommu/generic_pt/fmt/riscv.h,
	 * riscvpt_install_leaf_entry): V | PPN(oa) | N | BIT(13) (PPN[3:0] = 1000b)
	 * with riscvpt_iommu_set_prot's A, U, R, W, D, X, in all 16 entries */
	{ .fmt = "riscv-pte", .words = { 0x80000000204020dfULL }, LEVEL(0), .layout = "leaf",
	  .exp = { { "n", 1 }, { "u", 1 }, { "a", 1 }, { "d", 1 }, { "output_addr", 0x81000000 },
		   { "page_size", 0x10000, "64K" }, { "contig", 16 }, { "perms", 0xf, "rwxu" } } },
	/* RV5: Svnapot 64 KiB */
	{ .fmt = "riscv-pte", .words = { 0x80000000204020d7 }, LEVEL(0),
	  .exp = { { "n", 1 }, { "pbmt", 0, "PMA" }, { "output_addr", 0x81000000 },
		   { "page_size", 0x10000, "64K" }, { "contig", 16 } } },
	{ .fmt = "riscv-pte", .words = { 0x20080001 }, LEVEL(2), .layout = "table",
	  .exp = { { "next_table", 0x80200000 }, { "next_level", 1 } } },
	{ .fmt = "riscv-pte", .words = { 0x20080005 }, LEVEL(0), .nwarn = 1,
	  .exp = { { "w", 1 }, { "r", 0 } } },
	{ .fmt = "riscv-pte", .words = { 0x200804cf }, LEVEL(1), .nwarn = 1,
	  .exp = { { "output_addr", 0x80200000 } } },
	{ .fmt = "riscv-pte", .words = { 0x20080041 }, LEVEL(1), .layout = "table", .nwarn = 1,
	  .exp = { { "rsvd_q0_7_6", 1 } } },
	{ .fmt = "riscv-pte", .words = { 0x40000000200800c7 }, LEVEL(0),
	  .exp = { { "pbmt", 2, "IO" } } },
	{ .fmt = "riscv-pte", .words = { 0x20080000 }, .layout = "invalid",
	  .exp = { { "entry_type", 0, "not present" } } },
};

/* The registers (spec v1.0 §5.3-5.5; bit names of drivers/iommu/riscv/iommu-bits.h) */
static const struct vector reg_vectors[] = {
	/* version 1.0, Sv39/48/57, Svpbmt, Sv39x4..Sv57x4, MSI_FLAT, MSI_MRIF, AMO_HWAD,
	 * ATS, T2GPA, IGS both, DBG, PAS 56, PD8/17/20 */
	{ .fmt = "riscv-caps", .words = { 0x000001f8a7ce8e10ULL },
	  .exp = { { "version", 0x10, "1.0" }, { "sv32", 0 }, { "sv39", 1 }, { "sv48", 1 },
		   { "sv57", 1 }, { "svpbmt", 1 }, { "sv39x4", 1 }, { "msi_flat", 1 },
		   { "end", 0 }, { "igs", 2, "MSI and WSI" }, { "dbg", 1 }, { "hpm", 0 },
		   { "pas", 56, "56-bit physical addresses" }, { "pd8", 1 }, { "pd17", 1 },
		   { "pd20", 1 }, { "nl", 0 }, { "s", 0 } } },
	/* QEMU 11.1's riscv-iommu-pci as Linux 7.2 left it (read over QMP in
	 * test-vm-dump's riscv-7.2 guest): Sv32..Sv57, Svrsw60t59b (bit 14),
	 * the G-stage modes, MSI_FLAT, MSI_MRIF, ATS, HPM, DBG, PAS 56, PD8 */
	{ .fmt = "riscv-caps", .words = { 0x00000078c2cf4f10ULL },
	  .exp = { { "version", 0x10, "1.0" }, { "sv32", 1 }, { "sv57", 1 }, { "svrsw60t59b", 1 },
		   { "svpbmt", 0 }, { "sv32x4", 1 }, { "sv57x4", 1 }, { "msi_flat", 1 },
		   { "msi_mrif", 1 }, { "amo_hwad", 0 }, { "ats", 1 }, { "igs", 0, "MSI only" },
		   { "hpm", 1 }, { "dbg", 1 }, { "pas", 56 }, { "pd8", 1 }, { "pd17", 0 },
		   { "pd20", 0 } } },
	{ .fmt = "riscv-caps", .words = { 0x0000000000101000ULL | 1ULL << 20 | 1ULL << 41 }, .nwarn = 3,
	  .exp = { { "rsvd_q0_13_12", 1 }, { "rsvd_q0_20_20", 1 }, { "rsvd_q0_41_41", 1 } } },
	{ .fmt = "riscv-caps", .words = { 3ULL << 28 | 0xabULL << 56 }, .nwarn = 1,
	  .exp = { { "igs", 3 }, { "custom", 0xab, "0xab" } } },
	{ .fmt = "riscv-fctl", .words = { 0 },
	  .exp = { { "be", 0 }, { "wsi", 0 }, { "gxl", 0 } } },
	{ .fmt = "riscv-fctl", .words = { 0x7 }, .exp = { { "be", 1 }, { "wsi", 1 }, { "gxl", 1 } } },
	{ .fmt = "riscv-fctl", .words = { 0x100000008ULL }, .nwarn = 2,
	  .exp = { { "rsvd_q0_15_3", 1 }, { "rsvd_q0_63_32", 1 } } },
	/* 3LVL, root DDT at 0x80400000 */
	{ .fmt = "riscv-ddtp", .words = { 0x0000000020100004ULL },
	  .exp = { { "iommu_mode", 4, "3LVL" }, { "busy", 0 }, { "ppn", 0x80400000 } } },
	{ .fmt = "riscv-ddtp", .words = { 1 }, .exp = { { "iommu_mode", 1, "Bare" } } },
	{ .fmt = "riscv-ddtp", .words = { 0 }, .exp = { { "iommu_mode", 0, "Off" } } },
	{ .fmt = "riscv-ddtp", .words = { 0x15 }, .nwarn = 1,
	  .exp = { { "iommu_mode", 5 }, { "busy", 1 } } },
	{ .fmt = "riscv-ddtp", .words = { 0x0040000000000022ULL }, .nwarn = 2,
	  .exp = { { "iommu_mode", 2, "1LVL" }, { "rsvd_q0_9_5", 1 }, { "rsvd_q0_63_54", 1 } } },
};

static void test_rv_registers(void **state)
{
	run_vectors(reg_vectors, N_ELEM(reg_vectors));
}

static void test_rv_directories(void **state)
{
	run_vectors(dir_vectors, N_ELEM(dir_vectors));
}

static void test_rv_contexts(void **state)
{
	run_vectors(dc_vectors, N_ELEM(dc_vectors));
}

static void test_rv_pte(void **state)
{
	run_vectors(pte_vectors, N_ELEM(pte_vectors));
}

/* formats.md RV6: Sv39 index geometry. */
static void test_rv_geometry(void **state)
{
	const struct decode_fmt *pte = decode_format_find("riscv-pte");
	static const unsigned int idx[] = { 0x145, 0x91, 0xfc };
	uint64_t va = 0x0000003f12345678ULL;
	struct decode_pt_level g;
	int l;

	for (l = 0; l <= 2; l++) {
		assert_int_equal(decode_pt_level(pte, NULL, l, &g), 0);
		assert_int_equal((va >> g.shift) & ((1ULL << g.bits) - 1), idx[l]);
	}
}

static void test_rv_roundtrip(void **state)
{
	struct decode_opts o;
	int level;

	decode_opts_init(&o);
	for (level = 0; level <= 4; level++) {
		unsigned int shift = 12 + 9 * (unsigned int)level;
		struct decode_pte l = { .present = true, .leaf = true, .page_shift = shift,
					.addr = 0xfULL << 52 | (1ULL << shift),
					.perms = DECODE_PERM_R | DECODE_PERM_X };

		o.level = level;
		if (shift < 52)
			roundtrip("riscv-pte", &o, &l);
		l.perms = DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_U;
		if (shift < 52)
			roundtrip("riscv-pte", &o, &l);
		if (level > 0) {
			struct decode_pte t = { .present = true, .addr = 0x80200000,
						.next_level = level - 1, .perms = 0xf };

			roundtrip("riscv-pte", &o, &t);
		}
	}
	o.level = 0;
	roundtrip("riscv-pte", &o, &(struct decode_pte){ .present = true, .leaf = true,
		  .page_shift = 16, .addr = 0x81000000, .perms = DECODE_PERM_R });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rv_invariants),
		cmocka_unit_test(test_rv_registers),
		cmocka_unit_test(test_rv_directories),
		cmocka_unit_test(test_rv_contexts),
		cmocka_unit_test(test_rv_pte),
		cmocka_unit_test(test_rv_geometry),
		cmocka_unit_test(test_rv_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
