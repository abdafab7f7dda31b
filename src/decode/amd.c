/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AMD-Vi: AMD I/O Virtualization Technology (IOMMU) Specification (pub.
 * 48882), sections "Device Table Entry Format", "I/O Page Tables for Host
 * Translations" (v1 PDE/PTE, next-level 7 page sizes), "GCR3 Table" and
 * "Extended Feature Register" / "Extended Feature 2 Register". The v2 guest
 * page-table entry is the x86-64 format of x86_pte.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

/* ---- device table entry ---- */

const char *const amd_mode_names[] = {
	"no translation", "1 level", "2 levels", "3 levels", "4 levels", "5 levels",
	"6 levels", NULL,
};

const char *const amd_glx_names[] = { "1 level", "2 levels", "3 levels", NULL };

const char *const amd_ioctl_names[] = { "abort", "forward", "translate", NULL };

const char *const amd_sysmgt_names[] = {
	"blocked", "forward all", "forward INTx", "translate",
};

const char *const amd_intctl_names[] = {
	"target abort", "forward unmapped", "remapped", NULL,
};

const char *const amd_gpt_level_names[] = { "4-level", "5-level", NULL, NULL };

static const struct bitfield amd_dte_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_FLAG(0, 1, "tv", "Translation Information Valid") },
	{ F_RSVD(0, 6, 2) },
	{ F_UINT(0, 8, 7, "had", "Host Access Dirty") },
	{ F_ENUM(0, 11, 9, "mode", "Paging Mode", amd_mode_names) },
	{ F_ADDR(0, 51, 12, "host_pt_root", "Host Page Table Root Pointer") },
	{ F_FLAG(0, 52, "ppr", "Peripheral Page Request Enable") },
	{ F_FLAG(0, 53, "grpr", "Guest PPR Response with PASID") },
	{ F_FLAG(0, 54, "giov", "Guest I/O Protection Valid") },
	{ F_FLAG(0, 55, "gv", "Guest Translation Valid") },
	{ F_ENUM(0, 57, 56, "glx", "Guest Levels Translated", amd_glx_names) },
	{ F_UINT(0, 60, 58, "gcr3_14_12", "GCR3 Table Root Pointer [14:12]"),
	  .meaning = BFM(meaning_hex) },
	{ F_FLAG(0, 61, "ir", "I/O Read Permission") },
	{ F_FLAG(0, 62, "iw", "I/O Write Permission") },
	{ F_RSVD(0, 63, 63) },
	{ F_UINT(1, 15, 0, "domain_id", "Domain ID") },
	{ F_UINT(1, 31, 16, "gcr3_30_15", "GCR3 Table Root Pointer [30:15]"),
	  .meaning = BFM(meaning_hex) },
	{ F_FLAG(1, 32, "i", "IOTLB Enable") },
	{ F_FLAG(1, 33, "se", "Suppress I/O Page Fault Events") },
	{ F_FLAG(1, 34, "sa", "Suppress All I/O Page Fault Events") },
	{ F_ENUM(1, 36, 35, "ioctl", "Port I/O Control", amd_ioctl_names) },
	{ F_FLAG(1, 37, "cache", "IOTLB Cache Hint") },
	{ F_FLAG(1, 38, "sd", "Snoop Disable") },
	{ F_FLAG(1, 39, "ex", "Allow Exclusion") },
	{ F_ENUM(1, 41, 40, "sysmgt", "System Management Message Enable", amd_sysmgt_names) },
	{ F_RSVD(1, 42, 42) },
	{ F_UINT(1, 63, 43, "gcr3_51_31", "GCR3 Table Root Pointer [51:31]"),
	  .meaning = BFM(meaning_hex) },
	{ F_FLAG(2, 0, "iv", "Interrupt Map Valid") },
	{ F_UINT(2, 4, 1, "int_tab_len", "Interrupt Table Length"),
	  .meaning = BFM(meaning_pow2_entries) },
	{ F_FLAG(2, 5, "ig", "Ignore Unmapped Interrupts") },
	{ F_ADDR(2, 51, 6, "int_table_root", "Interrupt Table Root Pointer") },
	{ F_RSVD(2, 53, 52) },
	{ F_ENUM(2, 55, 54, "gpt_level", "Guest Paging Mode", amd_gpt_level_names) },
	{ F_FLAG(2, 56, "init_pass", "INIT Pass-through") },
	{ F_FLAG(2, 57, "eint_pass", "ExtInt Pass-through") },
	{ F_FLAG(2, 58, "nmi_pass", "NMI Pass-through") },
	{ F_RSVD(2, 59, 59) },
	{ F_ENUM(2, 61, 60, "int_ctl", "Interrupt Control", amd_intctl_names) },
	{ F_FLAG(2, 62, "lint0_pass", "LINT0 Pass-through") },
	{ F_FLAG(2, 63, "lint1_pass", "LINT1 Pass-through") },
	{ F_RSVD(3, 53, 0) },
	{ F_FLAG(3, 54, "attr_v", "Attribute Override Valid") },
	{ F_FLAG(3, 55, "mode0_fc", "Mode 0 Force Coherent") },
	{ F_UINT(3, 63, 56, "snoop_attr", "Snoop Attribute"), .meaning = BFM(meaning_hex) },
};

static const struct decode_layout amd_dte_layouts[] = { LAYOUT("dte", amd_dte_fields) };

static uint64_t amd_dte_gcr3(const uint64_t *w)
{
	return (bits64(w[0], 60, 58) << 12) | (bits64(w[1], 31, 16) << 15) |
	       (bits64(w[1], 63, 43) << 31);
}

static void amd_dte_derive(const struct decode_entry *e, struct decode_result *out)
{
	decode_result_add(out, "gcr3_root", "GCR3 Table Root Pointer", BF_ADDR,
			  amd_dte_gcr3(e->words), NULL);
}

static void amd_dte_validate(const struct decode_entry *e, struct decode_result *out)
{
	const uint64_t *w = e->words;
	uint64_t mode = bits64(w[0], 11, 9);

	if ((w[0] & 3) == 3 && mode >= 1 && mode <= 6 && !bits64(w[0], 51, 12))
		decode_result_warn(out, "host_pt_root",
				   "paging mode %llu but the host page table root is 0",
				   (unsigned long long)mode);
	if ((w[0] & 1) && (w[0] >> 55 & 1) && !amd_dte_gcr3(w))
		decode_result_warn(out, "gcr3_root",
				   "guest translation valid but the GCR3 table root is 0");
}

const struct decode_fmt fmt_amd_dte = {
	.name = "amd-dte",
	.summary = "AMD-Vi device table entry (256-bit)",
	.spec = "AMD IOMMU spec 48882, Device Table Entry Format",
	.nwords = 4,
	.layouts = amd_dte_layouts,
	.nlayouts = ARRAY_SIZE(amd_dte_layouts),
	.validate = amd_dte_validate,
	.derive = amd_dte_derive,
};

/* ---- v1 (host) page tables ---- */

enum { V1_NOT_PRESENT, V1_PDE, V1_PTE };

const char *const amd_pde_nl_names[] = {
	NULL, "level 1", "level 2", "level 3", "level 4", "level 5", "level 6", NULL,
};

const char *const amd_pte_nl_names[] = {
	"page of this level's size", NULL, NULL, NULL, NULL, NULL, NULL,
	"page size encoded in the address",
};

static const struct bitfield amd_v1_np_fields[] = {
	{ F_FLAG(0, 0, "pr", "Present") },
	{ F_UINT(0, 63, 1, "ignored", "Ignored (entry not present)"), .meaning = BFM(meaning_hex) },
};

static const struct bitfield amd_v1_pde_fields[] = {
	{ F_FLAG(0, 0, "pr", "Present") },
	{ F_UINT(0, 4, 1, "ignored_4_1", "Ignored") },
	{ F_FLAG(0, 5, "a", "Accessed") },
	{ F_UINT(0, 8, 6, "ignored_8_6", "Ignored") },
	{ F_ENUM(0, 11, 9, "next_level_field", "Next Level", amd_pde_nl_names) },
	{ F_ADDR(0, 51, 12, "addr", "Next Table Address") },
	{ F_RSVD(0, 60, 52) },
	{ F_FLAG(0, 61, "ir", "I/O Read Permission") },
	{ F_FLAG(0, 62, "iw", "I/O Write Permission") },
	{ F_UINT(0, 63, 63, "ignored_63", "Ignored") },
};

static const struct bitfield amd_v1_pte_fields[] = {
	{ F_FLAG(0, 0, "pr", "Present") },
	{ F_UINT(0, 4, 1, "ignored_4_1", "Ignored") },
	{ F_FLAG(0, 5, "a", "Accessed") },
	{ F_FLAG(0, 6, "d", "Dirty") },
	{ F_UINT(0, 8, 7, "ignored_8_7", "Ignored") },
	{ F_ENUM(0, 11, 9, "next_level_field", "Next Level", amd_pte_nl_names) },
	{ F_ADDR(0, 51, 12, "addr", "Page Address") },
	{ F_RSVD(0, 58, 52) },
	{ F_FLAG(0, 59, "u", "Untranslated Access Only") },
	{ F_FLAG(0, 60, "fc", "Force Coherent") },
	{ F_FLAG(0, 61, "ir", "I/O Read Permission") },
	{ F_FLAG(0, 62, "iw", "I/O Write Permission") },
	{ F_UINT(0, 63, 63, "ignored_63", "Ignored") },
};

static const struct decode_layout amd_v1_layouts[] = {
	[V1_NOT_PRESENT] = LAYOUT("not-present", amd_v1_np_fields),
	[V1_PDE] = LAYOUT("pde", amd_v1_pde_fields),
	[V1_PTE] = LAYOUT("pte", amd_v1_pte_fields),
};

static int amd_v1_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];
	uint64_t nl = bits64(v, 11, 9);

	if (!(v & 1))
		return V1_NOT_PRESENT;
	return nl == 0 || nl == 7 ? V1_PTE : V1_PDE;
}

static unsigned int amd_v1_default_shift(int level)
{
	return 12 + 9 * (unsigned int)(level - 1);
}

/* Next level 7: the run of ones from address bit 12 up encodes the size. */
static unsigned int amd_v1_nl7_shift(uint64_t v)
{
	uint64_t zeros = ~(v | 0xfff);

	return zeros ? 1 + (unsigned int)__builtin_ctzll(zeros) : 64;
}

static int amd_v1_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	uint64_t v = e->words[0];
	uint64_t nl = bits64(v, 11, 9);
	int level = e->opts->level;
	unsigned int dflt;

	memset(pte, 0, sizeof(*pte));
	if (!(v & 1))
		return 0;
	pte->present = true;
	pte->perms = (v >> 61 & 1 ? DECODE_PERM_R : 0) | (v >> 62 & 1 ? DECODE_PERM_W : 0);
	if (nl != 0 && nl != 7) {
		pte->addr = v & GENMASK64(51, 12);
		pte->next_level = (int)nl;
		return 0;
	}
	pte->leaf = true;
	dflt = amd_v1_default_shift(level);
	pte->page_shift = nl == 7 ? amd_v1_nl7_shift(v) : dflt;
	if (pte->page_shift > 52)
		pte->page_shift = 52;
	pte->addr = v & GENMASK64(51, 12) & ~((1ULL << pte->page_shift) - 1);
	/* Larger pages than the next level's are invalid (validate says so). */
	pte->contig = pte->page_shift > dflt && pte->page_shift - dflt < 32 ?
		      1u << (pte->page_shift - dflt) : 1;
	return 0;
}

static void amd_v1_validate(const struct decode_entry *e, struct decode_result *out)
{
	uint64_t v = e->words[0];
	uint64_t nl = bits64(v, 11, 9);
	int level = e->opts->level;
	unsigned int shift;

	if (!(v & 1))
		return;
	if (nl != 0 && nl != 7) {
		if ((int)nl >= level)
			decode_result_warn(out, "next_level_field",
					   "next level %llu is not below this entry's level %d",
					   (unsigned long long)nl, level);
		return;
	}
	if (level == 6)
		decode_result_warn(out, "next_level_field", "a level-6 table cannot map pages");
	if (nl == 7) {
		shift = amd_v1_nl7_shift(v);
		if (shift <= amd_v1_default_shift(level) ||
		    shift >= amd_v1_default_shift(level) + 9 || shift > 52)
			decode_result_warn(out, "addr",
					   "encoded page size 2^%u does not fit level %d", shift,
					   level);
	}
}

static int amd_v1_encode(const struct decode_opts *o, const struct decode_pte *pte,
			 uint64_t *words)
{
	unsigned int dflt = amd_v1_default_shift(o->level);
	uint64_t v;

	if (!pte->present)
		return 0;
	if (pte->perms & (DECODE_PERM_X | DECODE_PERM_U))
		return -EINVAL;
	v = 1;
	v |= pte->perms & DECODE_PERM_R ? 1ULL << 61 : 0;
	v |= pte->perms & DECODE_PERM_W ? 1ULL << 62 : 0;
	if (!pte->leaf) {
		if (o->level == 1 || pte->next_level < 1 || pte->next_level >= o->level ||
		    (pte->addr & ~GENMASK64(51, 12)))
			return -EINVAL;
		words[0] = v | pte->addr | (uint64_t)pte->next_level << 9;
		return 0;
	}
	if (o->level == 6 || pte->page_shift < dflt || pte->page_shift >= dflt + 9 ||
	    pte->page_shift > 51 ||
	    (pte->addr & ~GENMASK64(51, pte->page_shift)))
		return -EINVAL;
	v |= pte->addr;
	if (pte->page_shift > dflt)
		v |= 7ULL << 9 | (GENMASK64(pte->page_shift - 2, 12) & ~0xfffULL);
	words[0] = v;
	return 0;
}

static int amd_v1_level(const struct decode_opts *o, int level, struct decode_pt_level *g)
{
	pt_level_9bit(level, 1, g);
	/* The level-6 table indexes IOVA[63:57]: 128 entries. */
	if (level == 6)
		g->bits = 7;
	return 0;
}

/* A table for the walker: the DTE's Mode is the number of levels (default 3). */
static int amd_v1_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	int levels = p->levels ? p->levels : 3;

	if (levels < 1 || levels > 6) {
		*why = "AMD v1 tables have 1 to 6 levels (the DTE mode)";
		return -EINVAL;
	}
	pt->top_level = levels;
	pt->leaf_level = 1;
	pt->top_bits = levels == 6 ? 7 : 9;
	return 0;
}

static const struct decode_pt_ops amd_v1_ops = {
	.parse = amd_v1_parse,
	.encode = amd_v1_encode,
	.level = amd_v1_level,
	.setup = amd_v1_walk_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS),
};

const struct decode_fmt fmt_amd_v1_pte = {
	.name = "amd-v1-pte",
	.summary = "AMD-Vi host (v1) page-table entry, PDE or PTE (level 1 ... 6)",
	.spec = "AMD IOMMU spec 48882, I/O Page Tables for Host Translations",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL,
	.level_min = 1,
	.level_max = 6,
	.level_default = 1,
	.layouts = amd_v1_layouts,
	.nlayouts = ARRAY_SIZE(amd_v1_layouts),
	.select = amd_v1_select,
	.validate = amd_v1_validate,
	.pt = &amd_v1_ops,
};

const struct decode_fmt fmt_amd_v2_pte = {
	.name = "amd-v2-pte",
	.summary = "AMD-Vi guest (v2) page-table entry, x86-64 format (level 1 ... 5)",
	.spec = "AMD IOMMU spec 48882, I/O Page Tables for Guest Translations",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL,
	.level_min = 1,
	.level_max = 5,
	.level_default = 1,
	.layouts = x86_pte_layouts,
	.nlayouts = X86_PTE_NLAYOUTS,
	.select = x86_pte_select,
	.pt = &x86_pte_ops,
};

/* ---- GCR3 table entry ---- */

static const struct bitfield amd_gcr3_fields[] = {
	{ F_FLAG(0, 0, "valid", "Valid") },
	{ F_UINT(0, 11, 1, "ignored_11_1", "Ignored") },
	{ F_ADDR(0, 51, 12, "addr", "Guest CR3 / Next GCR3 Table Address") },
	{ F_RSVD(0, 63, 52) },
};

static const struct decode_layout amd_gcr3_layouts[] = { LAYOUT("gcr3", amd_gcr3_fields) };

const struct decode_fmt fmt_amd_gcr3 = {
	.name = "amd-gcr3",
	.summary = "AMD-Vi GCR3 table entry (per-PASID guest CR3)",
	.spec = "AMD IOMMU spec 48882, GCR3 Table",
	.nwords = 1,
	.layouts = amd_gcr3_layouts,
	.nlayouts = ARRAY_SIZE(amd_gcr3_layouts),
};

/* ---- extended feature registers ---- */

const char *const amd_hats_names[] = { "4 levels", "5 levels", "6 levels", NULL };
const char *const amd_gats_names[] = { "4 levels", "5 levels", NULL, NULL };
const char *const amd_devtblseg_names[] = {
	"not segmented", "2 segments", "4 segments", "8 segments",
};

static const struct bitfield amd_efr_fields[] = {
	{ F_FLAG(0, 0, "pref_sup", "Prefetch Support") },
	{ F_FLAG(0, 1, "ppr_sup", "Peripheral Page Request Support") },
	{ F_FLAG(0, 2, "xt_sup", "x2APIC Support") },
	{ F_FLAG(0, 3, "nx_sup", "No-Execute Support") },
	{ F_FLAG(0, 4, "gt_sup", "Guest Translation Support") },
	{ F_RSVD(0, 5, 5) },
	{ F_FLAG(0, 6, "ia_sup", "INVALIDATE_ALL Support") },
	{ F_FLAG(0, 7, "ga_sup", "Guest Virtual APIC Support") },
	{ F_FLAG(0, 8, "he_sup", "Hardware Error Registers Support") },
	{ F_FLAG(0, 9, "pc_sup", "Performance Counters Support") },
	{ F_ENUM(0, 11, 10, "hats", "Host Address Translation Size", amd_hats_names) },
	{ F_ENUM(0, 13, 12, "gats", "Guest Address Translation Size", amd_gats_names) },
	{ F_UINT(0, 15, 14, "glx_sup", "Guest CR3 Root Table Level Support") },
	{ F_UINT(0, 17, 16, "smif_sup", "SMI Filter Register Support") },
	{ F_UINT(0, 20, 18, "smif_rc", "SMI Filter Register Count") },
	{ F_UINT(0, 23, 21, "gam_sup", "Guest Virtual APIC Modes Supported") },
	{ F_UINT(0, 25, 24, "dual_ppr_log_sup", "Dual PPR Log Support") },
	{ F_RSVD(0, 27, 26) },
	{ F_UINT(0, 29, 28, "dual_event_log_sup", "Dual Event Log Support") },
	{ F_RSVD(0, 31, 30) },
	{ F_UINT(0, 36, 32, "pas_max", "Maximum PASID Supported"),
	  .meaning = BFM(meaning_pasid_bits) },
	{ F_FLAG(0, 37, "us_sup", "User/Supervisor Page Protection Support") },
	{ F_ENUM(0, 39, 38, "dev_tbl_seg_sup", "Device Table Segmentation Support",
		 amd_devtblseg_names) },
	{ F_FLAG(0, 40, "ppr_ovrflw_early_sup", "PPR Log Overflow Early Warning Support") },
	{ F_FLAG(0, 41, "ppr_auto_rsp_sup", "PPR Automatic Response Support") },
	{ F_UINT(0, 43, 42, "marc_sup", "Memory Access Routing and Control Support") },
	{ F_FLAG(0, 44, "blk_stop_mrk_sup", "Block StopMark Message Support") },
	{ F_FLAG(0, 45, "perf_opt_sup", "Performance Optimization Support") },
	{ F_FLAG(0, 46, "msi_cap_mmio_sup", "MSI Capability MMIO Access Support") },
	{ F_RSVD(0, 47, 47) },
	{ F_FLAG(0, 48, "gio_sup", "Guest I/O Protection Support") },
	{ F_FLAG(0, 49, "ha_sup", "Host Access Support") },
	{ F_FLAG(0, 50, "eph_sup", "Enhanced PPR Handling Support") },
	{ F_FLAG(0, 51, "attr_fw_sup", "Attribute Forward Support") },
	{ F_FLAG(0, 52, "hd_sup", "Host Dirty Support") },
	{ F_RSVD(0, 53, 53) },
	{ F_FLAG(0, 54, "inv_iotlb_type_sup", "Invalidate IOTLB Type Support") },
	{ F_RSVD(0, 60, 55) },
	{ F_FLAG(0, 61, "ga_update_dis_sup", "Disable Guest Virtual APIC Update Support") },
	{ F_FLAG(0, 62, "force_phy_dest_sup", "Force Physical Destination Mode Support") },
	{ F_FLAG(0, 63, "snp_sup", "SEV-SNP Support") },
	{ F_UINT(1, 4, 0, "efr2_4_0", "EFR2 bits 4:0 (not decoded)"), .meaning = BFM(meaning_hex) },
	{ F_UINT(1, 7, 5, "snp_avic_sup", "SNP Virtual APIC Support") },
	{ F_UINT(1, 63, 8, "efr2_63_8", "EFR2 bits 63:8 (not decoded)"),
	  .meaning = BFM(meaning_hex) },
};

static const struct decode_layout amd_efr_layouts[] = { LAYOUT("efr", amd_efr_fields) };

const struct decode_fmt fmt_amd_efr = {
	.name = "amd-efr",
	.summary = "AMD-Vi Extended Feature Register, optionally followed by EFR2 (sysfs amd-iommu/features)",
	.spec = "AMD IOMMU spec 48882, Extended Feature Register (MMIO 0x30) and EFR2 (MMIO 0x1A0)",
	.nwords = 2,
	.min_words = 1,
	.layouts = amd_efr_layouts,
	.nlayouts = ARRAY_SIZE(amd_efr_layouts),
};
