/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel VT-d: Intel Virtualization Technology for Directed I/O Architecture
 * Specification (rev. 3.x/4.x), chapter 9 "Translation Structure Formats"
 * (root, context, PASID directory/table entries, second-stage paging entries)
 * and §10.4 register descriptions (CAP_REG, ECAP_REG, FRCD_REG), with the
 * fault reason codes of chapter 7. First-stage entries are in x86_pte.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/vtd_fields.h"
#include "decode/walk.h"

/* ---- root and context entries ---- */

static const struct bitfield vtd_root_fields[] = {
	{ FIELD_AT(F_FLAG, VTD_ROOT_P, "present", "Present") },
	{ F_RSVD(0, 11, 1) },
	{ FIELD_AT(F_ADDR, VTD_ROOT_CTP, "ctp", "Context-table Pointer") },
	{ F_RSVD(1, 63, 0) },
};

static const struct decode_layout vtd_root_layouts[] = { LAYOUT("root", vtd_root_fields) };

const struct decode_fmt fmt_vtd_root = {
	.name = "vtd-root",
	.summary = "VT-d root-table entry, legacy mode (128-bit)",
	.spec = "Intel VT-d spec §9.1 Root Entry",
	.nwords = 2,
	.layouts = vtd_root_layouts,
	.nlayouts = ARRAY_SIZE(vtd_root_layouts),
};

static const struct bitfield vtd_root_sm_fields[] = {
	{ FIELD_AT(F_FLAG, VTD_ROOT_SM_LP, "lp", "Lower Present") }, /* devfn 0x00-0x7f */
	{ F_RSVD(0, 11, 1) },
	{ FIELD_AT(F_ADDR, VTD_ROOT_SM_LCTP, "lctp", "Lower Context-table Pointer") },
	{ FIELD_AT(F_FLAG, VTD_ROOT_SM_UP, "up", "Upper Present") }, /* devfn 0x80-0xff */
	{ F_RSVD(1, 11, 1) },
	{ FIELD_AT(F_ADDR, VTD_ROOT_SM_UCTP, "uctp", "Upper Context-table Pointer") },
};

static const struct decode_layout vtd_root_sm_layouts[] = {
	LAYOUT("scalable-root", vtd_root_sm_fields),
};

const struct decode_fmt fmt_vtd_root_sm = {
	.name = "vtd-root-sm",
	.summary = "VT-d root-table entry, scalable mode (128-bit)",
	.spec = "Intel VT-d spec §9.2 Scalable-Mode Root Entry",
	.nwords = 2,
	.layouts = vtd_root_sm_layouts,
	.nlayouts = ARRAY_SIZE(vtd_root_sm_layouts),
};

const char *const vtd_tt_names[] = {
	[VTD_TT_SS] = "second-stage translation",
	[VTD_TT_SS_DEVTLB] = "second-stage translation, device-TLB allowed",
	[VTD_TT_PT] = "pass-through",
	[VTD_TT_RSVD] = NULL,
};

const char *const vtd_aw_names[] = {
	"30-bit, 2-level", "39-bit, 3-level", "48-bit, 4-level", "57-bit, 5-level",
};

void vtd_avail_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	/* A Linux kdump kernel marks context entries it inherited this way. */
	if (raw & 1)
		snprintf(buf, len, "0x%llx (bit 67: copied from the previous kernel by Linux kdump)",
			 (unsigned long long)raw);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)raw);
}

static const struct bitfield vtd_context_fields[] = {
	{ FIELD_AT(F_FLAG, VTD_CTX_P, "present", "Present") },
	{ F_FLAG(0, 1, "fpd", "Fault Processing Disable") },
	{ FIELD_AT(F_ENUM, VTD_CTX_TT, "tt", "Translation Type", vtd_tt_names) },
	{ F_RSVD(0, 11, 4) },
	{ FIELD_AT(F_ADDR, VTD_CTX_SLPTPTR, "slptptr", "Second-stage Page-table Pointer") },
	{ FIELD_AT(F_ENUM, VTD_CTX_AW, "aw", "Address Width", vtd_aw_names) },
	{ F_UINT(1, 6, 3, "avail", "Available to software"), .meaning = BFM(vtd_avail_meaning) },
	{ F_RSVD(1, 7, 7) },
	{ FIELD_AT(F_UINT, VTD_CTX_DID, "did", "Domain Identifier") },
	{ F_RSVD(1, 63, 24) },
};

static const struct decode_layout vtd_context_layouts[] = {
	LAYOUT("context", vtd_context_fields),
};

const struct decode_fmt fmt_vtd_context = {
	.name = "vtd-context",
	.summary = "VT-d context entry, legacy mode (128-bit)",
	.spec = "Intel VT-d spec §9.3 Context Entry",
	.nwords = 2,
	.layouts = vtd_context_layouts,
	.nlayouts = ARRAY_SIZE(vtd_context_layouts),
};

void vtd_pdts_meaning(const struct decode_entry *e, const struct bitfield *f,
		      uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "%u entries", VTD_PDTS_ENTRIES((unsigned int)raw));
}

static const struct bitfield vtd_context_sm_fields[] = {
	{ FIELD_AT(F_FLAG, VTD_SMCTX_P, "present", "Present") },
	{ F_FLAG(0, 1, "fpd", "Fault Processing Disable") },
	{ F_FLAG(0, 2, "dte", "Device-TLB Enable") },
	{ FIELD_AT(F_FLAG, VTD_SMCTX_PASIDE, "pasid_enable", "PASID Enable") },
	{ F_FLAG(0, 4, "pre", "Page Request Enable") },
	{ F_RSVD(0, 8, 5) },
	{ FIELD_AT(F_UINT, VTD_SMCTX_PDTS, "pdts", "PASID Directory Size"),
	  .meaning = BFM(vtd_pdts_meaning) },
	{ FIELD_AT(F_ADDR, VTD_SMCTX_PASIDDIRPTR, "pasid_dir_ptr", "PASID Directory Pointer") },
	{ FIELD_AT(F_UINT, VTD_SMCTX_RID_PASID, "rid_pasid", "RID_PASID") },
	{ F_FLAG(1, 20, "rid_priv", "RID_PRIV") },
	{ F_RSVD(1, 63, 21) },
	{ F_RSVD(2, 63, 0) },
	{ F_RSVD(3, 63, 0) },
};

static const struct decode_layout vtd_context_sm_layouts[] = {
	LAYOUT("scalable-context", vtd_context_sm_fields),
};

const struct decode_fmt fmt_vtd_context_sm = {
	.name = "vtd-context-sm",
	.summary = "VT-d context entry, scalable mode (256-bit)",
	.spec = "Intel VT-d spec §9.4 Scalable-Mode Context Entry",
	.nwords = 4,
	.layouts = vtd_context_sm_layouts,
	.nlayouts = ARRAY_SIZE(vtd_context_sm_layouts),
};

/* ---- PASID directory and table ---- */

static const struct bitfield vtd_pasid_dir_fields[] = {
	{ FIELD_AT(F_FLAG, VTD_PASIDDIR_P, "present", "Present") },
	{ F_FLAG(0, 1, "fpd", "Fault Processing Disable") },
	{ F_RSVD(0, 11, 2) },
	{ FIELD_AT(F_ADDR, VTD_PASIDDIR_PTP, "pasid_table_ptr", "PASID Table Pointer") },
};

static const struct decode_layout vtd_pasid_dir_layouts[] = {
	LAYOUT("pasid-dir", vtd_pasid_dir_fields),
};

const struct decode_fmt fmt_vtd_pasid_dir = {
	.name = "vtd-pasid-dir",
	.summary = "VT-d scalable-mode PASID directory entry (64-bit)",
	.spec = "Intel VT-d spec §9.5 Scalable-Mode PASID Directory Entry",
	.nwords = 1,
	.layouts = vtd_pasid_dir_layouts,
	.nlayouts = ARRAY_SIZE(vtd_pasid_dir_layouts),
};

const char *const vtd_pgtt_names[] = {
	[VTD_PGTT_FS] = "first-stage only",
	[VTD_PGTT_SS] = "second-stage only",
	[VTD_PGTT_NESTED] = "nested",
	[VTD_PGTT_PT] = "pass-through",
	[7] = NULL,	/* 0 and 5-7 are reserved */
};

const char *const vtd_fspm_names[] = { "4-level, 48-bit", "5-level, 57-bit" };

void vtd_pasid_aw_meaning(const struct decode_entry *e, const struct bitfield *f,
			  uint64_t raw, char *buf, size_t len)
{
	/* Only second-stage and nested translation use AW: no warning here. */
	if (raw >= 1 && raw <= VTD_AW_MAX)
		snprintf(buf, len, "%s", vtd_aw_names[raw]);
	else
		snprintf(buf, len, "reserved (%llu)", (unsigned long long)raw);
}

static const struct bitfield vtd_pasid_fields[] = {
	{ FIELD_AT(F_FLAG, VTD_PASID_P, "present", "Present") },
	{ F_FLAG(0, 1, "fpd", "Fault Processing Disable") },
	{ FIELD_AT(F_UINT, VTD_PASID_AW, "aw", "Address Width"), .meaning = BFM(vtd_pasid_aw_meaning) },
	{ F_RSVD(0, 5, 5) },
	{ FIELD_AT(F_ENUM, VTD_PASID_PGTT, "pgtt", "PASID Granular Translation Type",
		   vtd_pgtt_names) },
	{ F_FLAG(0, 9, "ssade", "Second-stage Accessed/Dirty Enable") },
	{ F_RSVD(0, 11, 10) },
	{ FIELD_AT(F_ADDR, VTD_PASID_SSPTPTR, "ssptptr", "Second-stage Page-table Pointer") },
	{ FIELD_AT(F_UINT, VTD_PASID_DID, "did", "Domain Identifier") },
	{ F_RSVD(1, 22, 16) },
	{ F_FLAG(1, 23, "pwsnp", "Page-walk Snoop") },
	{ F_FLAG(1, 24, "pgsnp", "Page Snoop") },
	{ F_FLAG(1, 25, "cd", "Cache Disable") },
	{ F_FLAG(1, 26, "emte", "Extended Memory Type Enable") },
	{ F_UINT(1, 29, 27, "emt", "Extended Memory Type") },
	{ F_FLAG(1, 30, "pwt", "Page-level Write-through") },
	{ F_FLAG(1, 31, "pcd", "Page-level Cache Disable") },
	{ F_UINT(1, 63, 32, "pat", "Page Attribute Table"), .meaning = BFM(meaning_hex) },
	{ F_FLAG(2, 0, "sre", "Supervisor Request Enable") },
	{ F_FLAG(2, 1, "ere", "Execute Request Enable") },
	{ FIELD_AT(F_ENUM, VTD_PASID_FSPM, "fspm", "First-stage Paging Mode", vtd_fspm_names) },
	{ F_FLAG(2, 4, "wpe", "Write Protect Enable") },
	{ F_FLAG(2, 5, "nxe", "No-Execute Enable") },
	{ F_FLAG(2, 6, "smep", "Supervisor Mode Execute Prevention") },
	{ F_FLAG(2, 7, "eafe", "Extended Accessed Flag Enable") },
	{ F_RSVD(2, 11, 8) },
	{ FIELD_AT(F_ADDR, VTD_PASID_FSPTPTR, "fsptptr", "First-stage Page-table Pointer") },
	{ F_RSVD(3, 63, 0) },
	{ F_RSVD(4, 63, 0) },
	{ F_RSVD(5, 63, 0) },
	{ F_RSVD(6, 63, 0) },
	{ F_RSVD(7, 63, 0) },
};

static const struct decode_layout vtd_pasid_layouts[] = {
	LAYOUT("pasid-entry", vtd_pasid_fields),
};

static void vtd_pasid_validate(const struct decode_entry *e, struct decode_result *out)
{
	uint64_t pgtt = FIELD_GET(e->words, VTD_PASID_PGTT);
	uint64_t aw = FIELD_GET(e->words, VTD_PASID_AW);

	if ((pgtt == VTD_PGTT_SS || pgtt == VTD_PGTT_NESTED) && (aw < 1 || aw > VTD_AW_MAX))
		decode_result_warn(out, "aw", "second-stage translation needs AW 1-3, found %llu",
				   (unsigned long long)aw);
}

const struct decode_fmt fmt_vtd_pasid = {
	.name = "vtd-pasid",
	.summary = "VT-d scalable-mode PASID table entry (512-bit)",
	.spec = "Intel VT-d spec §9.6 Scalable-Mode PASID Table Entry",
	.nwords = 8,
	.layouts = vtd_pasid_layouts,
	.nlayouts = ARRAY_SIZE(vtd_pasid_layouts),
	.validate = vtd_pasid_validate,
};

/* ---- second-stage paging entries ---- */

enum { SL_NOT_PRESENT, SL_TABLE_TOP, SL_TABLE, SL_PDPE_1G, SL_PDE_2M, SL_PTE };

const char *const vtd_emt_names[] = {
	"UC", "WC", NULL, NULL, "WT", "WP", "WB", NULL,
};

static const struct bitfield vtd_sl_np_fields[] = {
	{ F_FLAG(0, 0, "r", "Read") },
	{ F_FLAG(0, 1, "w", "Write") },
	{ F_UINT(0, 63, 2, "ignored", "Ignored (entry not present)"), .meaning = BFM(meaning_hex) },
};

/* PML5E and PML4E: PS is reserved. */
static const struct bitfield vtd_sl_top_fields[] = {
	{ F_FLAG(0, 0, "r", "Read") },
	{ F_FLAG(0, 1, "w", "Write") },
	{ F_FLAG(0, 2, "x", "Execute") },
	{ F_UINT(0, 6, 3, "ignored_6_3", "Ignored") },
	{ F_RSVD(0, 7, 7) },
	{ F_FLAG(0, 8, "a", "Accessed") },
	{ F_UINT(0, 10, 9, "ignored_10_9", "Ignored") },
	{ F_RSVD(0, 11, 11) },
	{ F_ADDR(0, 51, 12, "addr", "Next-table Address") },
	{ F_UINT(0, 61, 52, "ignored_61_52", "Ignored") },
	{ F_RSVD(0, 62, 62) },
	{ F_UINT(0, 63, 63, "ignored_63", "Ignored") },
};

static const struct bitfield vtd_sl_table_fields[] = {
	{ F_FLAG(0, 0, "r", "Read") },
	{ F_FLAG(0, 1, "w", "Write") },
	{ F_FLAG(0, 2, "x", "Execute") },
	{ F_UINT(0, 6, 3, "ignored_6_3", "Ignored") },
	{ F_FLAG(0, 7, "ps", "Page Size") },
	{ F_FLAG(0, 8, "a", "Accessed") },
	{ F_UINT(0, 10, 9, "ignored_10_9", "Ignored") },
	{ F_RSVD(0, 11, 11) },
	{ F_ADDR(0, 51, 12, "addr", "Next-table Address") },
	{ F_UINT(0, 61, 52, "ignored_61_52", "Ignored") },
	{ F_RSVD(0, 62, 62) },
	{ F_UINT(0, 63, 63, "ignored_63", "Ignored") },
};

#define VTD_SL_LEAF_LOW \
	{ F_FLAG(0, 0, "r", "Read") }, \
	{ F_FLAG(0, 1, "w", "Write") }, \
	{ F_FLAG(0, 2, "x", "Execute") }, \
	{ F_ENUM(0, 5, 3, "emt", "Extended Memory Type", vtd_emt_names) }, \
	{ F_FLAG(0, 6, "ipat", "Ignore PAT") }

#define VTD_SL_LEAF_HIGH \
	{ F_UINT(0, 61, 52, "ignored_61_52", "Ignored") }, \
	{ F_RSVD(0, 62, 62) }, /* transient mapping in old specifications */ \
	{ F_UINT(0, 63, 63, "ignored_63", "Ignored") }

static const struct bitfield vtd_sl_1g_fields[] = {
	VTD_SL_LEAF_LOW,
	{ F_FLAG(0, 7, "ps", "Page Size") },
	{ F_FLAG(0, 8, "a", "Accessed") },
	{ F_FLAG(0, 9, "d", "Dirty") },
	{ F_UINT(0, 10, 10, "ignored_10", "Ignored") },
	{ F_FLAG(0, 11, "snp", "Snoop") },
	{ F_RSVD(0, 29, 12) },
	{ F_ADDR(0, 51, 30, "addr", "Page Address") },
	VTD_SL_LEAF_HIGH,
};

static const struct bitfield vtd_sl_2m_fields[] = {
	VTD_SL_LEAF_LOW,
	{ F_FLAG(0, 7, "ps", "Page Size") },
	{ F_FLAG(0, 8, "a", "Accessed") },
	{ F_FLAG(0, 9, "d", "Dirty") },
	{ F_UINT(0, 10, 10, "ignored_10", "Ignored") },
	{ F_FLAG(0, 11, "snp", "Snoop") },
	{ F_RSVD(0, 20, 12) },
	{ F_ADDR(0, 51, 21, "addr", "Page Address") },
	VTD_SL_LEAF_HIGH,
};

static const struct bitfield vtd_sl_pte_fields[] = {
	VTD_SL_LEAF_LOW,
	{ F_UINT(0, 7, 7, "ignored_7", "Ignored") },
	{ F_FLAG(0, 8, "a", "Accessed") },
	{ F_FLAG(0, 9, "d", "Dirty") },
	{ F_UINT(0, 10, 10, "ignored_10", "Ignored") },
	{ F_FLAG(0, 11, "snp", "Snoop") },
	{ F_ADDR(0, 51, 12, "addr", "Page Address") },
	VTD_SL_LEAF_HIGH,
};

static const struct decode_layout vtd_sl_layouts[] = {
	[SL_NOT_PRESENT] = LAYOUT("not-present", vtd_sl_np_fields),
	[SL_TABLE_TOP] = LAYOUT("pml5e/pml4e", vtd_sl_top_fields),
	[SL_TABLE] = LAYOUT("table", vtd_sl_table_fields),
	[SL_PDPE_1G] = LAYOUT("pdpe-1g", vtd_sl_1g_fields),
	[SL_PDE_2M] = LAYOUT("pde-2m", vtd_sl_2m_fields),
	[SL_PTE] = LAYOUT("pte", vtd_sl_pte_fields),
};

/* No present bit: an entry without R and W is not present. */
static int vtd_sl_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];
	int level = e->opts->level;

	if (!(v & 3))
		return SL_NOT_PRESENT;
	if (level == 1)
		return SL_PTE;
	if (level >= 4)
		return SL_TABLE_TOP;
	if (v & (1ULL << 7))
		return level == 3 ? SL_PDPE_1G : SL_PDE_2M;
	return SL_TABLE;
}

static int vtd_sl_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	int idx = vtd_sl_select(e);
	uint64_t v = e->words[0];
	int level = e->opts->level;

	memset(pte, 0, sizeof(*pte));
	pte->present = idx != SL_NOT_PRESENT;
	if (!pte->present)
		return 0;
	pte->perms = (v & 1 ? DECODE_PERM_R : 0) | (v & 2 ? DECODE_PERM_W : 0) |
		     (v & 4 ? DECODE_PERM_X : 0);
	pt_entry_9bit(pte, v, level, idx == SL_PTE || idx == SL_PDE_2M || idx == SL_PDPE_1G);
	return 0;
}

static int vtd_sl_encode(const struct decode_opts *o, const struct decode_pte *pte,
			 uint64_t *words)
{
	unsigned int shift = 12;
	uint64_t v;

	if (!pte->present)
		return 0;
	if (!(pte->perms & (DECODE_PERM_R | DECODE_PERM_W)) || (pte->perms & DECODE_PERM_U))
		return -EINVAL;
	if (pte->leaf) {
		if (o->level > 3)
			return -EINVAL;
		shift = 12 + 9 * (unsigned int)(o->level - 1);
		if (pte->page_shift != shift)
			return -EINVAL;
	} else if (o->level == 1) {
		return -EINVAL;
	}
	if (pte->addr & ~GENMASK64(51, shift))
		return -EINVAL;
	v = pte->addr;
	v |= pte->perms & DECODE_PERM_R ? 1 : 0;
	v |= pte->perms & DECODE_PERM_W ? 2 : 0;
	v |= pte->perms & DECODE_PERM_X ? 4 : 0;
	if (pte->leaf && o->level > 1)
		v |= 1ULL << 7;
	words[0] = v;
	return 0;
}

static int vtd_pt_level(const struct decode_opts *o, int level, struct decode_pt_level *g)
{
	return pt_level_9bit(level, 1, g);
}

/* A table for the walker: 2 to 5 levels (the context entry's AW + 2), default 4. */
static int vtd_sl_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	int levels = p->levels ? p->levels : 4;

	if (levels < 2 || levels > 5) {
		*why = "VT-d second-stage tables have 2 to 5 levels";
		return -EINVAL;
	}
	pt->top_level = levels;
	pt->leaf_level = 1;
	pt->top_bits = 9;
	return 0;
}

static const struct decode_pt_ops vtd_sl_ops = {
	.parse = vtd_sl_parse,
	.encode = vtd_sl_encode,
	.level = vtd_pt_level,
	.setup = vtd_sl_walk_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS),
};

const struct decode_fmt fmt_vtd_sl_pte = {
	.name = "vtd-sl-pte",
	.summary = "VT-d second-stage paging entry (level 1 = PTE ... 5 = PML5E)",
	.spec = "Intel VT-d spec §9.8 Second-Stage Paging Entries",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL,
	.level_min = 1,
	.level_max = 5,
	.level_default = 1,
	.layouts = vtd_sl_layouts,
	.nlayouts = ARRAY_SIZE(vtd_sl_layouts),
	.select = vtd_sl_select,
	.pt = &vtd_sl_ops,
};

const struct decode_fmt fmt_vtd_fl_pte = {
	.name = "vtd-fl-pte",
	.summary = "VT-d first-stage paging entry, x86-64 format (level 1 = PTE ... 5 = PML5E)",
	.spec = "Intel VT-d spec §9.7 First-Stage Paging Entries",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL,
	.level_min = 1,
	.level_max = 5,
	.level_default = 1,
	.layouts = x86_pte_layouts,
	.nlayouts = X86_PTE_NLAYOUTS,
	.select = x86_pte_select,
	.pt = &x86_pte_canonical_ops,
};

/* ---- registers ---- */

void vtd_nd_meaning(const struct decode_entry *e, const struct bitfield *f,
		    uint64_t raw, char *buf, size_t len)
{
	if (raw == 7)
		snprintf(buf, len, "reserved (7)");
	else
		snprintf(buf, len, "%llu domains", 1ULL << (4 + 2 * raw));
}

/* Space-separated names of the set bits of @raw, or @none. */
static void vtd_bitmap_meaning(uint64_t raw, const char *const *names, unsigned int n,
			       const char *none, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++)
		if (raw & (1u << i))
			used += (size_t)snprintf(buf + used, len - used, "%s%s",
						 used ? " " : "", names[i]);
	if (!used)
		snprintf(buf, len, "%s", none);
}

void vtd_sagaw_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	static const char *const widths[] = { "30-bit", "39-bit", "48-bit", "57-bit" };

	vtd_bitmap_meaning(raw, widths, ARRAY_SIZE(widths), "none", buf, len);
}

void vtd_width_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "%llu-bit", (unsigned long long)raw + 1);
}

void vtd_offset16_meaning(const struct decode_entry *e, const struct bitfield *f,
			  uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "offset 0x%llx", (unsigned long long)raw * 16);
}

void vtd_sllps_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	static const char *const sizes[] = { "2M", "1G", "512G", "1T" };

	vtd_bitmap_meaning(raw, sizes, ARRAY_SIZE(sizes), "4K only", buf, len);
}

void vtd_nfr_meaning(const struct decode_entry *e, const struct bitfield *f,
		     uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "%llu fault recording register%s", (unsigned long long)raw + 1,
		 raw ? "s" : "");
}

static const struct bitfield vtd_cap_fields[] = {
	{ F_UINT(0, 2, 0, "nd", "Number of Domains Supported"), .meaning = BFM(vtd_nd_meaning) },
	{ F_FLAG(0, 3, "afl", "Advanced Fault Logging") },
	{ F_FLAG(0, 4, "rwbf", "Required Write-Buffer Flushing") },
	{ F_FLAG(0, 5, "plmr", "Protected Low-Memory Region") },
	{ F_FLAG(0, 6, "phmr", "Protected High-Memory Region") },
	{ F_FLAG(0, 7, "cm", "Caching Mode") },
	{ F_UINT(0, 12, 8, "sagaw", "Supported Adjusted Guest Address Widths"),
	  .meaning = BFM(vtd_sagaw_meaning) },
	{ F_RSVD(0, 15, 13) },
	{ F_UINT(0, 21, 16, "mgaw", "Maximum Guest Address Width"),
	  .meaning = BFM(vtd_width_meaning) },
	{ F_FLAG(0, 22, "zlr", "Zero Length Read") },
	{ F_FLAG(0, 23, "isoch", "Isochrony (obsolete)") },
	{ F_UINT(0, 33, 24, "fro", "Fault-recording Register Offset"),
	  .meaning = BFM(vtd_offset16_meaning) },
	{ F_UINT(0, 37, 34, "sllps", "Second Stage Large Page Support"),
	  .meaning = BFM(vtd_sllps_meaning) },
	{ F_RSVD(0, 38, 38) },
	{ F_FLAG(0, 39, "psi", "Page Selective Invalidation") },
	{ F_UINT(0, 47, 40, "nfr", "Number of Fault-recording Registers"),
	  .meaning = BFM(vtd_nfr_meaning) },
	{ F_UINT(0, 53, 48, "mamv", "Maximum Address Mask Value") },
	{ F_FLAG(0, 54, "dwd", "Write Draining") },
	{ F_FLAG(0, 55, "drd", "Read Draining") },
	{ F_FLAG(0, 56, "fl1gp", "First Stage 1-GByte Page Support") },
	{ F_RSVD(0, 58, 57) },
	{ F_FLAG(0, 59, "pi", "Posted Interrupts Support") },
	{ F_FLAG(0, 60, "fl5lp", "First Stage 5-level Paging Support") },
	{ F_FLAG(0, 61, "ecmds", "Enhanced Command Support") },
	{ F_FLAG(0, 62, "esirtps", "Enhanced Set Interrupt Remap Table Pointer Support") },
	{ F_FLAG(0, 63, "esrtps", "Enhanced Set Root Table Pointer Support") },
};

static const struct decode_layout vtd_cap_layouts[] = { LAYOUT("cap", vtd_cap_fields) };

const struct decode_fmt fmt_vtd_cap = {
	.name = "vtd-cap",
	.summary = "VT-d Capability Register (CAP_REG, sysfs intel-iommu/cap)",
	.spec = "Intel VT-d spec §10.4.2 Capability Register",
	.nwords = 1,
	.layouts = vtd_cap_layouts,
	.nlayouts = ARRAY_SIZE(vtd_cap_layouts),
};

static const struct bitfield vtd_ecap_fields[] = {
	{ F_FLAG(0, 0, "c", "Page-walk Coherency") },
	{ F_FLAG(0, 1, "qi", "Queued Invalidation Support") },
	{ F_FLAG(0, 2, "dt", "Device-TLB Support") },
	{ F_FLAG(0, 3, "ir", "Interrupt Remapping Support") },
	{ F_FLAG(0, 4, "eim", "Extended Interrupt Mode") },
	{ F_FLAG(0, 5, "ch", "Caching Hints (obsolete)") },
	{ F_FLAG(0, 6, "pt", "Pass Through") },
	{ F_FLAG(0, 7, "sc", "Snoop Control") },
	{ F_UINT(0, 17, 8, "iro", "IOTLB Register Offset"), .meaning = BFM(vtd_offset16_meaning) },
	{ F_RSVD(0, 19, 18) },
	{ F_UINT(0, 23, 20, "mhmv", "Maximum Handle Mask Value") },
	{ F_FLAG(0, 24, "ecs", "Extended Context Support (obsolete)") },
	{ F_FLAG(0, 25, "mts", "Memory Type Support") },
	{ F_FLAG(0, 26, "nest", "Nested Translation Support") },
	{ F_FLAG(0, 27, "dis", "Deferred Invalidate Support (obsolete)") },
	{ F_FLAG(0, 28, "pasid_old", "PASID Support, pre-3.0 (obsolete)") },
	{ F_FLAG(0, 29, "prs", "Page Request Support") },
	{ F_FLAG(0, 30, "ers", "Execute Request Support") },
	{ F_FLAG(0, 31, "srs", "Supervisor Request Support") },
	{ F_FLAG(0, 32, "pot", "Page-walk Order Tracking (obsolete)") },
	{ F_FLAG(0, 33, "nwfs", "No Write Flag Support") },
	{ F_FLAG(0, 34, "eafs", "Extended Accessed Flag Support") },
	{ F_UINT(0, 39, 35, "pss", "PASID Size Supported"), .meaning = BFM(meaning_pasid_bits) },
	{ F_FLAG(0, 40, "pasid", "PASID Support") },
	{ F_FLAG(0, 41, "dit", "Device-TLB Invalidation Throttle") },
	{ F_FLAG(0, 42, "pds", "Page-request Drain Support") },
	{ F_FLAG(0, 43, "smts", "Scalable Mode Translation Support") },
	{ F_FLAG(0, 44, "vcs", "Virtual Command Support") },
	{ F_FLAG(0, 45, "slads", "Second Stage Accessed/Dirty Support") },
	{ F_FLAG(0, 46, "slts", "Second Stage Translation Support") },
	{ F_FLAG(0, 47, "flts", "First Stage Translation Support") },
	{ F_FLAG(0, 48, "smpwcs", "Scalable-Mode Page-walk Coherency Support") },
	{ F_FLAG(0, 49, "rps", "RID_PASID Support") },
	{ F_FLAG(0, 50, "tdxios", "TDX Connect I/O Support") }, /* datasheets only */
	{ F_FLAG(0, 51, "pms", "Performance Monitoring Support") },
	{ F_FLAG(0, 52, "adms", "Abort DMA Mode Support") }, /* datasheets only */
	{ F_FLAG(0, 53, "rprivs", "RID_PRIV Support") }, /* datasheets only */
	{ F_RSVD(0, 54, 54) },
	{ F_FLAG(0, 55, "hpts", "Hierarchical Page-table Support") }, /* datasheets only */
	{ F_FLAG(0, 56, "ptrs", "PASID in Translated Requests Support") },
	  /* datasheets only */
	{ F_FLAG(0, 57, "pbds", "Page-specific DMA Support") }, /* datasheets only */
	{ F_RSVD(0, 63, 58) },
};

static const struct decode_layout vtd_ecap_layouts[] = { LAYOUT("ecap", vtd_ecap_fields) };

const struct decode_fmt fmt_vtd_ecap = {
	.name = "vtd-ecap",
	.summary = "VT-d Extended Capability Register (ECAP_REG, sysfs intel-iommu/ecap)",
	.spec = "Intel VT-d spec §10.4.3 Extended Capability Register",
	.nwords = 1,
	.layouts = vtd_ecap_layouts,
	.nlayouts = ARRAY_SIZE(vtd_ecap_layouts),
};

/* ---- fault recording ---- */

/*
 * Reason codes with the wording of this tool. Legacy-mode translation
 * faults and interrupt-remapping faults only; scalable-mode codes (0x30 and
 * up) are not listed.
 */
static const char *const vtd_fault_reasons[] = {
	[0x00] = "reserved",
	[0x01] = "root entry not present",
	[0x02] = "context entry not present",
	[0x03] = "context entry invalid",
	[0x04] = "address beyond the maximum guest address width",
	[0x05] = "write to a page without write permission",
	[0x06] = "read from a page without read permission",
	[0x07] = "paging-structure entry could not be read",
	[0x08] = "root table could not be read",
	[0x09] = "context table could not be read",
	[0x0a] = "reserved bits set in a root entry",
	[0x0b] = "reserved bits set in a context entry",
	[0x0c] = "reserved bits set in a paging-structure entry",
	[0x0d] = "translation type of the context entry blocks the request",
	[0x20] = "reserved bits set in an interrupt request",
	[0x21] = "interrupt index beyond the remapping table size",
	[0x22] = "interrupt remapping entry not present",
	[0x23] = "interrupt remapping table could not be read",
	[0x24] = "reserved bits set in an interrupt remapping entry",
	[0x25] = "compatibility-format interrupt blocked",
	[0x26] = "interrupt blocked by source-id verification",
};

const char *decode_vtd_fault_reason(unsigned int code)
{
	if (code >= ARRAY_SIZE(vtd_fault_reasons))
		return NULL;
	return vtd_fault_reasons[code];
}

void vtd_fr_meaning(const struct decode_entry *e, const struct bitfield *f,
		    uint64_t raw, char *buf, size_t len)
{
	const char *s = decode_vtd_fault_reason((unsigned int)raw);

	snprintf(buf, len, "%s", s ? s : "unknown reason");
}

void vtd_sid_meaning(const struct decode_entry *e, const struct bitfield *f,
		     uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "%02llx:%02llx.%llx", (unsigned long long)(raw >> 8),
		 (unsigned long long)((raw >> 3) & 0x1f), (unsigned long long)(raw & 7));
}

const char *const vtd_frcd_t_names[] = { "write", "read" };
const char *const vtd_frcd_at_names[] = {
	"untranslated", "translation request", "translated", NULL,
};

static const struct bitfield vtd_frcd_fields[] = {
	{ F_RSVD(0, 11, 0) },
	{ F_ADDR(0, 63, 12, "fi", "Fault Info (page address)") },
	{ F_UINT(1, 15, 0, "sid", "Source Identifier"), .meaning = BFM(vtd_sid_meaning) },
	{ F_RSVD(1, 28, 16) },
	{ F_FLAG(1, 29, "priv", "Privilege Mode Requested") },
	{ F_FLAG(1, 30, "exe", "Execute Permission Requested") },
	{ F_FLAG(1, 31, "pp", "PASID Present") },
	{ F_UINT(1, 39, 32, "fr", "Fault Reason"), .meaning = BFM(vtd_fr_meaning) },
	{ F_UINT(1, 59, 40, "pv", "PASID Value") },
	{ F_ENUM(1, 61, 60, "at", "Address Type", vtd_frcd_at_names) },
	{ F_FLAG(1, 62, "t", "Type"), F_NAMES(vtd_frcd_t_names) },
	{ F_FLAG(1, 63, "f", "Fault") },
};

static const struct decode_layout vtd_frcd_layouts[] = { LAYOUT("frcd", vtd_frcd_fields) };

const struct decode_fmt fmt_vtd_frcd = {
	.name = "vtd-frcd",
	.summary = "VT-d Fault Recording Register (FRCD_REG, 128-bit)",
	.spec = "Intel VT-d spec §10.4.14 Fault Recording Registers; §7 fault reasons",
	.nwords = 2,
	.layouts = vtd_frcd_layouts,
	.nlayouts = ARRAY_SIZE(vtd_frcd_layouts),
};
