/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RISC-V IOMMU Architecture Specification v1.0, chapter 2 "Data Structures":
 * non-leaf DDT entries, the device context (base 32-byte and extended 64-byte
 * formats), non-leaf PDT entries and the process context; and the RISC-V
 * Privileged Architecture Sv39/Sv48/Sv57 page-table entries with the Svpbmt
 * and Svnapot extensions (levels 0 = 4K leaf ... 4).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

#define RV_PPN(w)	{ F_ADDR(w, 43, 0, "ppn", "Root Page Number"), .shift = 12 }

const char *const rv_iohgatp_mode_names[] = {
	"Bare", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	"Sv39x4 (Sv32x4 if fctl.GXL)", "Sv48x4", "Sv57x4", NULL, NULL, NULL, NULL, NULL,
};

static const char *const rv_iosatp_mode_names[] = {
	"Bare", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	"Sv39 (Sv32 if SXL)", "Sv48", "Sv57", NULL, NULL, NULL, NULL, NULL,
};

static const char *const rv_pdtp_mode_names[] = {
	"Bare", "PD8", "PD17", "PD20", NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

const char *const rv_msiptp_mode_names[] = {
	"Off", "Flat", NULL, NULL, NULL, NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static const struct bitfield rv_nonleaf_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_RSVD(0, 9, 1) },
	{ F_ADDR(0, 53, 10, "ppn", "Next Table Page Number"), .shift = 12 },
	{ F_RSVD(0, 63, 54) },
};

static const struct decode_layout rv_nonleaf_layouts[] = { LAYOUT("non-leaf", rv_nonleaf_fields) };

const struct decode_fmt fmt_riscv_ddte = {
	.name = "riscv-ddte",
	.summary = "RISC-V IOMMU non-leaf device-directory-table entry",
	.spec = "RISC-V IOMMU spec v1.0 §2.1 Device-Directory-Table (non-leaf DDT entry)",
	.nwords = 1,
	.opts = DECODE_OPT_BIG_ENDIAN,
	.layouts = rv_nonleaf_layouts,
	.nlayouts = ARRAY_SIZE(rv_nonleaf_layouts),
};

const struct decode_fmt fmt_riscv_pdte = {
	.name = "riscv-pdte",
	.summary = "RISC-V IOMMU non-leaf process-directory-table entry",
	.spec = "RISC-V IOMMU spec v1.0 §2.2 Process-Directory-Table (non-leaf PDT entry)",
	.nwords = 1,
	.opts = DECODE_OPT_BIG_ENDIAN,
	.layouts = rv_nonleaf_layouts,
	.nlayouts = ARRAY_SIZE(rv_nonleaf_layouts),
};

/* fsc is iosatp or, with DC.tc.PDTV, a PDT pointer: the mode names differ. */
void rv_fsc_mode_meaning(const struct decode_entry *e, const struct bitfield *f,
			 uint64_t raw, char *buf, size_t len)
{
	bool pdtv = e->fmt != &fmt_riscv_pc && (e->words[0] >> 5 & 1);
	const char *const *names = pdtv ? rv_pdtp_mode_names : rv_iosatp_mode_names;
	const char *name = names[raw & 15];

	if (name)
		snprintf(buf, len, "%s%s", pdtv ? "PDT " : "", name);
	else
		snprintf(buf, len, "reserved (%llu)", (unsigned long long)raw);
}

static void rv_fsc_validate(const struct decode_entry *e, struct decode_result *out,
			    unsigned int word)
{
	bool pdtv = e->fmt != &fmt_riscv_pc && (e->words[0] >> 5 & 1);
	const char *const *names = pdtv ? rv_pdtp_mode_names : rv_iosatp_mode_names;
	uint64_t mode = e->words[word] >> 60;

	if (!names[mode])
		decode_result_warn(out, "fsc_mode", "fsc.MODE %llu is reserved%s",
				   (unsigned long long)mode, pdtv ? " for a PDT pointer" : "");
}

#define RV_DC_BASE \
	{ F_FLAG(0, 0, "v", "Valid") }, \
	{ F_FLAG(0, 1, "en_ats", "Enable ATS") }, \
	{ F_FLAG(0, 2, "en_pri", "Enable PRI") }, \
	{ F_FLAG(0, 3, "t2gpa", "ATS Returns GPAs") }, \
	{ F_FLAG(0, 4, "dtf", "Disable Translation Fault Reporting") }, \
	{ F_FLAG(0, 5, "pdtv", "fsc Holds a PDT Pointer") }, \
	{ F_FLAG(0, 6, "prpr", "PRG Response PASID Required") }, \
	{ F_FLAG(0, 7, "gade", "G-stage A/D Update Enable") }, \
	{ F_FLAG(0, 8, "sade", "First-stage A/D Update Enable") }, \
	{ F_FLAG(0, 9, "dpe", "Default PASID Enable") }, \
	{ F_FLAG(0, 10, "sbe", "First-stage Tables Big-endian") }, \
	{ F_FLAG(0, 11, "sxl", "First-stage 32-bit (Sv32)") }, \
	{ F_RSVD(0, 63, 12) }, \
	{ F_ADDR(1, 43, 0, "iohgatp_ppn", "G-stage Root Page Number"), .shift = 12 }, \
	{ F_UINT(1, 59, 44, "gscid", "Guest Soft-Context ID") }, \
	{ F_ENUM(1, 63, 60, "iohgatp_mode", "G-stage Mode", rv_iohgatp_mode_names) }, \
	{ F_RSVD(2, 11, 0) }, \
	{ F_UINT(2, 31, 12, "pscid", "Process Soft-Context ID") }, \
	{ F_RSVD(2, 63, 32) }, \
	{ F_ADDR(3, 43, 0, "fsc_ppn", "First-stage / PDT Root Page Number"), .shift = 12 }, \
	{ F_RSVD(3, 59, 44) }, \
	{ F_UINT(3, 63, 60, "fsc_mode", "First-stage / PDT Mode"), \
	  .meaning = BFM(rv_fsc_mode_meaning) }

static const struct bitfield rv_dc_fields[] = {
	RV_DC_BASE,
};

static const struct bitfield rv_dc_ext_fields[] = {
	RV_DC_BASE,
	{ F_ADDR(4, 43, 0, "msiptp_ppn", "MSI Page Table Page Number"), .shift = 12 },
	{ F_RSVD(4, 59, 44) },
	{ F_ENUM(4, 63, 60, "msiptp_mode", "MSI Page Table Mode", rv_msiptp_mode_names) },
	{ F_UINT(5, 51, 0, "msi_addr_mask", "MSI Address Mask"), .meaning = BFM(meaning_hex) },
	{ F_RSVD(5, 63, 52) },
	{ F_UINT(6, 51, 0, "msi_addr_pattern", "MSI Address Pattern"), .meaning = BFM(meaning_hex) },
	{ F_RSVD(6, 63, 52) },
	{ F_RSVD(7, 63, 0) },
};

static const struct decode_layout rv_dc_layouts[] = { LAYOUT("dc", rv_dc_fields) };
static const struct decode_layout rv_dc_ext_layouts[] = { LAYOUT("dc-ext", rv_dc_ext_fields) };

static void rv_dc_validate(const struct decode_entry *e, struct decode_result *out)
{
	rv_fsc_validate(e, out, 3);
}

const struct decode_fmt fmt_riscv_dc = {
	.name = "riscv-dc",
	.summary = "RISC-V IOMMU device context, base format (4 x 64-bit)",
	.spec = "RISC-V IOMMU spec v1.0 §2.1 Device-Context (base format)",
	.nwords = 4,
	.opts = DECODE_OPT_BIG_ENDIAN,
	.layouts = rv_dc_layouts,
	.nlayouts = ARRAY_SIZE(rv_dc_layouts),
	.validate = rv_dc_validate,
};

const struct decode_fmt fmt_riscv_dc_ext = {
	.name = "riscv-dc-ext",
	.summary = "RISC-V IOMMU device context, extended format with MSI fields (8 x 64-bit)",
	.spec = "RISC-V IOMMU spec v1.0 §2.1 Device-Context (extended format)",
	.nwords = 8,
	.opts = DECODE_OPT_BIG_ENDIAN,
	.layouts = rv_dc_ext_layouts,
	.nlayouts = ARRAY_SIZE(rv_dc_ext_layouts),
	.validate = rv_dc_validate,
};

static const struct bitfield rv_pc_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_FLAG(0, 1, "ens", "Enable Supervisor Requests") },
	{ F_FLAG(0, 2, "sum", "Supervisor Access to User Memory") },
	{ F_RSVD(0, 11, 3) },
	{ F_UINT(0, 31, 12, "pscid", "Process Soft-Context ID") },
	{ F_RSVD(0, 63, 32) },
	{ F_ADDR(1, 43, 0, "fsc_ppn", "First-stage Root Page Number"), .shift = 12 },
	{ F_RSVD(1, 59, 44) },
	{ F_UINT(1, 63, 60, "fsc_mode", "First-stage Mode"), .meaning = BFM(rv_fsc_mode_meaning) },
};

static const struct decode_layout rv_pc_layouts[] = { LAYOUT("pc", rv_pc_fields) };

static void rv_pc_validate(const struct decode_entry *e, struct decode_result *out)
{
	rv_fsc_validate(e, out, 1);
}

const struct decode_fmt fmt_riscv_pc = {
	.name = "riscv-pc",
	.summary = "RISC-V IOMMU process context (2 x 64-bit)",
	.spec = "RISC-V IOMMU spec v1.0 §2.2 Process-Context",
	.nwords = 2,
	.opts = DECODE_OPT_BIG_ENDIAN,
	.layouts = rv_pc_layouts,
	.nlayouts = ARRAY_SIZE(rv_pc_layouts),
	.validate = rv_pc_validate,
};

/* ---- Registers (spec v1.0 chapter 5; drivers/iommu/riscv/iommu-bits.h) ---- */

const char *const rv_igs_names[] = { "MSI only", "WSI only", "MSI and WSI", NULL };

const char *const rv_ddtp_mode_names[] = {
	"Off", "Bare", "1LVL", "2LVL", "3LVL", NULL, NULL, NULL,
	NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

void rv_version_meaning(const struct decode_entry *e, const struct bitfield *f, uint64_t raw,
			char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u", (unsigned int)(raw >> 4 & 15), (unsigned int)(raw & 15));
}

void rv_pas_meaning(const struct decode_entry *e, const struct bitfield *f, uint64_t raw,
		    char *buf, size_t len)
{
	snprintf(buf, len, "%llu-bit physical addresses", (unsigned long long)raw);
}

static const struct bitfield rv_caps_fields[] = {
	{ F_UINT(0, 7, 0, "version", "Version (major.minor)"), .meaning = BFM(rv_version_meaning) },
	{ F_FLAG(0, 8, "sv32", "Sv32 First Stage") },
	{ F_FLAG(0, 9, "sv39", "Sv39 First Stage") },
	{ F_FLAG(0, 10, "sv48", "Sv48 First Stage") },
	{ F_FLAG(0, 11, "sv57", "Sv57 First Stage") },
	{ F_RSVD(0, 13, 12) },
	/* set by QEMU 11's riscv-iommu with its G-stage (RISCV_IOMMU_CAP_SVRSW60T59B) */
	{ F_FLAG(0, 14, "svrsw60t59b", "PTE Bits 60:59 for Software (Svrsw60t59b)") },
	{ F_FLAG(0, 15, "svpbmt", "Page-Based Memory Types (Svpbmt)") },
	{ F_FLAG(0, 16, "sv32x4", "Sv32x4 G-stage") },
	{ F_FLAG(0, 17, "sv39x4", "Sv39x4 G-stage") },
	{ F_FLAG(0, 18, "sv48x4", "Sv48x4 G-stage") },
	{ F_FLAG(0, 19, "sv57x4", "Sv57x4 G-stage") },
	{ F_RSVD(0, 20, 20) },
	{ F_FLAG(0, 21, "amo_mrif", "Atomic Updates to MRIFs") },
	{ F_FLAG(0, 22, "msi_flat", "MSI Address Translation, Flat (extended device contexts)") },
	{ F_FLAG(0, 23, "msi_mrif", "MSI Address Translation, MRIF Mode") },
	{ F_FLAG(0, 24, "amo_hwad", "Atomic Updates of PTE A/D Bits") },
	{ F_FLAG(0, 25, "ats", "PCIe ATS and PRI") },
	{ F_FLAG(0, 26, "t2gpa", "ATS Translations Return GPAs") },
	{ F_FLAG(0, 27, "end", "Big-endian Structures Selectable (fctl.BE)") },
	{ F_ENUM(0, 29, 28, "igs", "Interrupt Generation Support", rv_igs_names) },
	{ F_FLAG(0, 30, "hpm", "Hardware Performance Monitor") },
	{ F_FLAG(0, 31, "dbg", "Translation Request Debug Interface") },
	{ F_UINT(0, 37, 32, "pas", "Physical Address Size"), .meaning = BFM(rv_pas_meaning) },
	{ F_FLAG(0, 38, "pd8", "One-level PDT (PD8)") },
	{ F_FLAG(0, 39, "pd17", "Two-level PDT (PD17)") },
	{ F_FLAG(0, 40, "pd20", "Three-level PDT (PD20)") },
	{ F_RSVD(0, 41, 41) },
	{ F_FLAG(0, 42, "nl", "Non-leaf PTE Invalidation (IOTINVAL.VMA NL)") },
	{ F_FLAG(0, 43, "s", "Address-Range Invalidation (IOTINVAL S)") },
	{ F_RSVD(0, 55, 44) },
	{ F_UINT(0, 63, 56, "custom", "Designated for Custom Use"), .meaning = BFM(meaning_hex) },
};

static const struct decode_layout rv_caps_layouts[] = { LAYOUT("capabilities", rv_caps_fields) };

const struct decode_fmt fmt_riscv_caps = {
	.name = "riscv-caps",
	.summary = "RISC-V IOMMU capabilities register (offset 0, 64-bit)",
	.spec = "RISC-V IOMMU spec v1.0 §5.3 IOMMU capabilities (capabilities)",
	.nwords = 1,
	.layouts = rv_caps_layouts,
	.nlayouts = ARRAY_SIZE(rv_caps_layouts),
};

static const struct bitfield rv_fctl_fields[] = {
	{ F_FLAG(0, 0, "be", "Big-endian Memory Accesses") },
	{ F_FLAG(0, 1, "wsi", "Wire-Signaled Interrupts") },
	{ F_FLAG(0, 2, "gxl", "G-stage 32-bit (Sv32x4)") },
	{ F_RSVD(0, 15, 3) },
	{ F_UINT(0, 31, 16, "custom", "Designated for Custom Use"), .meaning = BFM(meaning_hex) },
	{ F_RSVD(0, 63, 32) },
};

static const struct decode_layout rv_fctl_layouts[] = { LAYOUT("fctl", rv_fctl_fields) };

const struct decode_fmt fmt_riscv_fctl = {
	.name = "riscv-fctl",
	.summary = "RISC-V IOMMU features-control register (offset 0x8, 32-bit)",
	.spec = "RISC-V IOMMU spec v1.0 §5.4 Features-control register (fctl)",
	.nwords = 1,
	.layouts = rv_fctl_layouts,
	.nlayouts = ARRAY_SIZE(rv_fctl_layouts),
};

static const struct bitfield rv_ddtp_fields[] = {
	{ F_ENUM(0, 3, 0, "iommu_mode", "IOMMU Mode", rv_ddtp_mode_names) },
	{ F_FLAG(0, 4, "busy", "Busy (a mode change in progress)") },
	{ F_RSVD(0, 9, 5) },
	{ F_ADDR(0, 53, 10, "ppn", "Root DDT Page Number"), .shift = 12 },
	{ F_RSVD(0, 63, 54) },
};

static const struct decode_layout rv_ddtp_layouts[] = { LAYOUT("ddtp", rv_ddtp_fields) };

const struct decode_fmt fmt_riscv_ddtp = {
	.name = "riscv-ddtp",
	.summary = "RISC-V IOMMU device-directory-table pointer register (offset 0x10, 64-bit)",
	.spec = "RISC-V IOMMU spec v1.0 §5.5 Device-directory-table pointer (ddtp)",
	.nwords = 1,
	.layouts = rv_ddtp_layouts,
	.nlayouts = ARRAY_SIZE(rv_ddtp_layouts),
};

/* ---- Sv39/Sv48/Sv57 page-table entries ---- */

enum { RV_PTE_INVALID, RV_PTE_TABLE, RV_PTE_LEAF };

const char *const rv_pbmt_names[] = { "PMA", "NC", "IO", NULL };

static const struct bitfield rv_pte_invalid_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_UINT(0, 63, 1, "ignored", "Ignored (invalid entry)"), .meaning = BFM(meaning_hex) },
};

static const struct bitfield rv_pte_table_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_FLAG(0, 1, "r", "Read") },
	{ F_FLAG(0, 2, "w", "Write") },
	{ F_FLAG(0, 3, "x", "Execute") },
	{ F_RSVD(0, 4, 4) },
	{ F_FLAG(0, 5, "g", "Global") },
	{ F_RSVD(0, 7, 6) },
	{ F_UINT(0, 9, 8, "rsw", "Reserved for Software") },
	{ F_ADDR(0, 53, 10, "ppn", "Next Table Page Number"), .shift = 12 },
	{ F_RSVD(0, 60, 54) },
	{ F_RSVD(0, 62, 61) },
	{ F_RSVD(0, 63, 63) },
};

static const struct bitfield rv_pte_leaf_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_FLAG(0, 1, "r", "Read") },
	{ F_FLAG(0, 2, "w", "Write") },
	{ F_FLAG(0, 3, "x", "Execute") },
	{ F_FLAG(0, 4, "u", "User") },
	{ F_FLAG(0, 5, "g", "Global") },
	{ F_FLAG(0, 6, "a", "Accessed") },
	{ F_FLAG(0, 7, "d", "Dirty") },
	{ F_UINT(0, 9, 8, "rsw", "Reserved for Software") },
	{ F_ADDR(0, 53, 10, "ppn", "Physical Page Number"), .shift = 12 },
	{ F_RSVD(0, 60, 54) },
	{ F_ENUM(0, 62, 61, "pbmt", "Page-based Memory Type (Svpbmt)", rv_pbmt_names) },
	{ F_FLAG(0, 63, "n", "NAPOT (Svnapot)") },
};

static const struct decode_layout rv_pte_layouts[] = {
	[RV_PTE_INVALID] = LAYOUT("invalid", rv_pte_invalid_fields),
	[RV_PTE_TABLE] = LAYOUT("table", rv_pte_table_fields),
	[RV_PTE_LEAF] = LAYOUT("leaf", rv_pte_leaf_fields),
};

static int rv_pte_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];

	if (!(v & 1))
		return RV_PTE_INVALID;
	return v & 0xe ? RV_PTE_LEAF : RV_PTE_TABLE;
}

static uint64_t rv_pte_ppn(uint64_t v)
{
	return bits64(v, 53, 10);
}

/* Svnapot defines one size: 64 KiB at level 0, marked by PPN[3:0] = 1000b. */
static bool rv_pte_napot64k(const struct decode_entry *e)
{
	uint64_t v = e->words[0];

	return (v >> 63) && e->opts->level == 0 && (rv_pte_ppn(v) & 0xf) == 8;
}

static int rv_pte_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	int idx = rv_pte_select(e);
	uint64_t v = e->words[0];
	int level = e->opts->level;

	memset(pte, 0, sizeof(*pte));
	if (idx == RV_PTE_INVALID)
		return 0;
	pte->present = true;
	if (idx == RV_PTE_TABLE) {
		pte->addr = rv_pte_ppn(v) << 12;
		pte->next_level = level - 1;
		pte->perms = DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X | DECODE_PERM_U;
		return 0;
	}
	pte->leaf = true;
	pte->perms = (v & 2 ? DECODE_PERM_R : 0) | (v & 4 ? DECODE_PERM_W : 0) |
		     (v & 8 ? DECODE_PERM_X : 0) | (v & 16 ? DECODE_PERM_U : 0);
	pte->contig = 1;
	if (rv_pte_napot64k(e)) {
		pte->page_shift = 16;
		pte->contig = 16;
	} else {
		pte->page_shift = 12 + 9 * (unsigned int)level;
	}
	pte->addr = (rv_pte_ppn(v) << 12) & ~((1ULL << pte->page_shift) - 1);
	return 0;
}

static void rv_pte_validate(const struct decode_entry *e, struct decode_result *out)
{
	uint64_t v = e->words[0];
	int level = e->opts->level;

	if (rv_pte_select(e) == RV_PTE_TABLE) {
		if (level == 0)
			decode_result_warn(out, "ppn", "a level-0 entry cannot point to a table");
		return;
	}
	if (rv_pte_select(e) != RV_PTE_LEAF)
		return;
	if ((v & 6) == 4)
		decode_result_warn(out, "w", "write without read is a reserved combination");
	if (v >> 63) {
		if (!rv_pte_napot64k(e))
			decode_result_warn(out, "n",
					   "N is set but this is not a level-0 entry with PPN[3:0] = 1000b");
		return;
	}
	if (level > 0 && (rv_pte_ppn(v) & GENMASK64(9 * (unsigned int)level - 1, 0)))
		decode_result_warn(out, "ppn", "superpage PPN is not aligned (misaligned superpage)");
}

static int rv_pte_encode(const struct decode_opts *o, const struct decode_pte *pte,
			 uint64_t *words)
{
	unsigned int shift = 12 + 9 * (unsigned int)o->level;
	bool napot = false;
	uint64_t v;

	if (!pte->present)
		return 0;
	if (!pte->leaf) {
		if (o->level == 0 || (pte->addr & 0xfff) || (pte->addr >> 56))
			return -EINVAL;
		words[0] = pte->addr >> 12 << 10 | 1;
		return 0;
	}
	if (o->level == 0 && pte->page_shift == 16)
		napot = true;
	else if (pte->page_shift != shift)
		return -EINVAL;
	if ((pte->addr & ((1ULL << pte->page_shift) - 1)) || (pte->addr >> 56))
		return -EINVAL;
	if (!(pte->perms & (DECODE_PERM_R | DECODE_PERM_X)) ||
	    (pte->perms & (DECODE_PERM_R | DECODE_PERM_W)) == DECODE_PERM_W)
		return -EINVAL;
	v = pte->addr >> 12 << 10 | 1 | 0xc0;	/* V, A, D */
	v |= pte->perms & DECODE_PERM_R ? 2 : 0;
	v |= pte->perms & DECODE_PERM_W ? 4 : 0;
	v |= pte->perms & DECODE_PERM_X ? 8 : 0;
	v |= pte->perms & DECODE_PERM_U ? 16 : 0;
	if (napot)
		v |= 1ULL << 63 | 8ULL << 10;
	words[0] = v;
	return 0;
}

static int rv_pte_level(const struct decode_opts *o, int level, struct decode_pt_level *g)
{
	return pt_level_9bit(level, 0, g);
}

/* A table for the walker: Sv39 (3 levels, the default), Sv48 or Sv57. */
static int rv_pte_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	int levels = p->levels ? p->levels : 3;

	if (levels < 3 || levels > 5) {
		*why = "RISC-V tables have 3 (Sv39), 4 (Sv48) or 5 (Sv57) levels";
		return -EINVAL;
	}
	pt->top_level = levels - 1;
	pt->leaf_level = 0;
	pt->top_bits = 9;
	pt->sign_extend = true;
	if (p->big_endian)
		pt->opts.quirks |= DECODE_QUIRK_BIG_ENDIAN;
	return 0;
}

static const struct decode_pt_ops rv_pte_ops = {
	.parse = rv_pte_parse,
	.encode = rv_pte_encode,
	.level = rv_pte_level,
	.setup = rv_pte_walk_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS) | WALK_PARAM_BIT(WALK_PARAM_BIG_ENDIAN),
};

const struct decode_fmt fmt_riscv_pte = {
	.name = "riscv-pte",
	.summary = "RISC-V Sv39/Sv48/Sv57 page-table entry (level 0 = 4K ... 4), Svpbmt, Svnapot",
	.spec = "RISC-V Privileged Architecture, Sv39/Sv48/Sv57 PTE; Svpbmt; Svnapot",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL | DECODE_OPT_BIG_ENDIAN,
	.level_min = 0,
	.level_max = 4,
	.level_default = 0,
	.layouts = rv_pte_layouts,
	.nlayouts = ARRAY_SIZE(rv_pte_layouts),
	.select = rv_pte_select,
	.validate = rv_pte_validate,
	.pt = &rv_pte_ops,
};
