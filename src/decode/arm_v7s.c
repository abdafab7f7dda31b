/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm short-descriptor translation tables ("v7s"), used by the MediaTek,
 * Renesas and other IOMMUs through io-pgtable: Arm ARM DDI 0487 §G5.5
 * "Short-descriptor translation table format descriptors" (level 1:
 * page table, section, supersection; level 2: large and small page), plus
 * the MediaTek extension that keeps PA[32]/[33]/[34] in PTE bits 9/4/5.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

enum { V7S_L1_FAULT, V7S_L1_TABLE, V7S_SECTION, V7S_SECTION_MTK, V7S_SUPER, V7S_SUPER_MTK };
enum { V7S_L2_FAULT, V7S_LARGE, V7S_LARGE_MTK, V7S_SMALL, V7S_SMALL_MTK };

static bool v7s_mtk(const struct decode_entry *e)
{
	return e->opts->quirks & DECODE_QUIRK_MTK_EXT;
}

static int v7s_l1_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];

	switch (v & 3) {
	case 0:
		return V7S_L1_FAULT;
	case 1:
		return V7S_L1_TABLE;
	}
	if (v >> 18 & 1)
		return v7s_mtk(e) ? V7S_SUPER_MTK : V7S_SUPER;
	return v7s_mtk(e) ? V7S_SECTION_MTK : V7S_SECTION;
}

static int v7s_l2_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];

	if (!(v & 3))
		return V7S_L2_FAULT;
	if ((v & 3) == 1)
		return v7s_mtk(e) ? V7S_LARGE_MTK : V7S_LARGE;
	return v7s_mtk(e) ? V7S_SMALL_MTK : V7S_SMALL;
}

void v7s_type_meaning(const struct decode_entry *e, const struct bitfield *f,
		      uint64_t raw, char *buf, size_t len)
{
	static const char *const l1[] = {
		"fault", "page table", "section", "section", "supersection", "supersection",
	};
	static const char *const l2[] = {
		"fault", "large page", "large page", "small page", "small page",
	};

	if (e->fmt == &fmt_arm_v7s_l1)
		snprintf(buf, len, "%s", l1[v7s_l1_select(e)]);
	else
		snprintf(buf, len, "%s", l2[v7s_l2_select(e)]);
}

#define V7S_TYPE(h, l) { F_UINT(0, h, l, "type", "Descriptor Type"), .meaning = BFM(v7s_type_meaning) }

static const struct bitfield v7s_fault_fields[] = {
	V7S_TYPE(1, 0),
	{ F_UINT(0, 31, 2, "ignored", "Ignored (fault)"), .meaning = BFM(meaning_hex) },
};

static const struct bitfield v7s_l1_table_fields[] = {
	V7S_TYPE(1, 0),
	{ F_FLAG(0, 2, "pxn", "Privileged Execute-never") },
	{ F_FLAG(0, 3, "ns", "Non-secure") },
	{ F_RSVD(0, 4, 4) },
	{ F_UINT(0, 8, 5, "domain", "Domain") },
	{ F_UINT(0, 9, 9, "imp", "Implementation Defined") },
	{ F_ADDR(0, 31, 10, "addr", "Level 2 Table Address") },
};

#define V7S_SECTION_LOW \
	{ F_FLAG(0, 0, "pxn", "Privileged Execute-never") }, \
	V7S_TYPE(1, 1), \
	{ F_FLAG(0, 2, "b", "Bufferable") }, \
	{ F_FLAG(0, 3, "c", "Cacheable") }

#define V7S_SECTION_AP \
	{ F_FLAG(0, 10, "ap0", "AP[0] (access flag)") }, \
	{ F_FLAG(0, 11, "ap1", "AP[1] (unprivileged access)") }, \
	{ F_UINT(0, 14, 12, "tex", "TEX") }, \
	{ F_FLAG(0, 15, "ap2", "AP[2] (read-only)") }, \
	{ F_FLAG(0, 16, "s", "Shareable") }, \
	{ F_FLAG(0, 17, "ng", "Not Global") }, \
	{ F_FLAG(0, 18, "supersection", "Supersection") }, \
	{ F_FLAG(0, 19, "ns", "Non-secure") }

#define V7S_MTK_PA \
	{ F_FLAG(0, 4, "pa33", "PA[33] (MediaTek)") }, \
	{ F_FLAG(0, 5, "pa34", "PA[34] (MediaTek)") }

static const struct bitfield v7s_section_fields[] = {
	V7S_SECTION_LOW,
	{ F_FLAG(0, 4, "xn", "Execute-never") },
	{ F_UINT(0, 8, 5, "domain", "Domain") },
	{ F_UINT(0, 9, 9, "imp", "Implementation Defined") },
	V7S_SECTION_AP,
	{ F_ADDR(0, 31, 20, "addr", "Section Base Address") },
};

static const struct bitfield v7s_section_mtk_fields[] = {
	V7S_SECTION_LOW,
	V7S_MTK_PA,
	{ F_UINT(0, 8, 6, "domain_8_6", "Domain bits 3:1") },
	{ F_FLAG(0, 9, "pa32", "PA[32] (MediaTek)") },
	V7S_SECTION_AP,
	{ F_ADDR(0, 31, 20, "addr", "Section Base Address") },
};

static const struct bitfield v7s_super_fields[] = {
	V7S_SECTION_LOW,
	{ F_FLAG(0, 4, "xn", "Execute-never") },
	{ F_UINT(0, 8, 5, "pa_39_36", "Extended Base Address PA[39:36]"), .meaning = BFM(meaning_hex) },
	{ F_UINT(0, 9, 9, "imp", "Implementation Defined") },
	V7S_SECTION_AP,
	{ F_UINT(0, 23, 20, "pa_35_32", "Extended Base Address PA[35:32]"), .meaning = BFM(meaning_hex) },
	{ F_ADDR(0, 31, 24, "addr", "Supersection Base Address") },
};

static const struct bitfield v7s_super_mtk_fields[] = {
	V7S_SECTION_LOW,
	V7S_MTK_PA,
	{ F_UINT(0, 8, 6, "ext_8_6", "Extended Base Address bits (unused with MediaTek)") },
	{ F_FLAG(0, 9, "pa32", "PA[32] (MediaTek)") },
	V7S_SECTION_AP,
	{ F_UINT(0, 23, 20, "pa_35_32", "Extended Base Address bits (unused with MediaTek)") },
	{ F_ADDR(0, 31, 24, "addr", "Supersection Base Address") },
};

static const struct decode_layout v7s_l1_layouts[] = {
	[V7S_L1_FAULT] = LAYOUT("fault", v7s_fault_fields),
	[V7S_L1_TABLE] = LAYOUT("page-table", v7s_l1_table_fields),
	[V7S_SECTION] = LAYOUT("section", v7s_section_fields),
	[V7S_SECTION_MTK] = LAYOUT("section-mtk", v7s_section_mtk_fields),
	[V7S_SUPER] = LAYOUT("supersection", v7s_super_fields),
	[V7S_SUPER_MTK] = LAYOUT("supersection-mtk", v7s_super_mtk_fields),
};

#define V7S_L2_AP \
	{ F_FLAG(0, 4, "ap0", "AP[0] (access flag)") }, \
	{ F_FLAG(0, 5, "ap1", "AP[1] (unprivileged access)") }

#define V7S_L2_MID \
	{ F_FLAG(0, 10, "s", "Shareable") }, \
	{ F_FLAG(0, 11, "ng", "Not Global") }

static const struct bitfield v7s_large_fields[] = {
	V7S_TYPE(1, 0),
	{ F_FLAG(0, 2, "b", "Bufferable") },
	{ F_FLAG(0, 3, "c", "Cacheable") },
	V7S_L2_AP,
	{ F_RSVD(0, 8, 6) },
	{ F_FLAG(0, 9, "ap2", "AP[2] (read-only)") },
	V7S_L2_MID,
	{ F_UINT(0, 14, 12, "tex", "TEX") },
	{ F_FLAG(0, 15, "xn", "Execute-never") },
	{ F_ADDR(0, 31, 16, "addr", "Large Page Base Address") },
};

static const struct bitfield v7s_large_mtk_fields[] = {
	V7S_TYPE(1, 0),
	{ F_FLAG(0, 2, "b", "Bufferable") },
	{ F_FLAG(0, 3, "c", "Cacheable") },
	V7S_MTK_PA,
	{ F_RSVD(0, 8, 6) },
	{ F_FLAG(0, 9, "pa32", "PA[32] (MediaTek)") },
	V7S_L2_MID,
	{ F_UINT(0, 14, 12, "tex", "TEX") },
	{ F_FLAG(0, 15, "xn", "Execute-never") },
	{ F_ADDR(0, 31, 16, "addr", "Large Page Base Address") },
};

static const struct bitfield v7s_small_fields[] = {
	{ F_FLAG(0, 0, "xn", "Execute-never") },
	V7S_TYPE(1, 1),
	{ F_FLAG(0, 2, "b", "Bufferable") },
	{ F_FLAG(0, 3, "c", "Cacheable") },
	V7S_L2_AP,
	{ F_UINT(0, 8, 6, "tex", "TEX") },
	{ F_FLAG(0, 9, "ap2", "AP[2] (read-only)") },
	V7S_L2_MID,
	{ F_ADDR(0, 31, 12, "addr", "Small Page Base Address") },
};

static const struct bitfield v7s_small_mtk_fields[] = {
	{ F_FLAG(0, 0, "xn", "Execute-never") },
	V7S_TYPE(1, 1),
	{ F_FLAG(0, 2, "b", "Bufferable") },
	{ F_FLAG(0, 3, "c", "Cacheable") },
	V7S_MTK_PA,
	{ F_UINT(0, 8, 6, "tex", "TEX") },
	{ F_FLAG(0, 9, "pa32", "PA[32] (MediaTek)") },
	V7S_L2_MID,
	{ F_ADDR(0, 31, 12, "addr", "Small Page Base Address") },
};

static const struct decode_layout v7s_l2_layouts[] = {
	[V7S_L2_FAULT] = LAYOUT("fault", v7s_fault_fields),
	[V7S_LARGE] = LAYOUT("large-page", v7s_large_fields),
	[V7S_LARGE_MTK] = LAYOUT("large-page-mtk", v7s_large_mtk_fields),
	[V7S_SMALL] = LAYOUT("small-page", v7s_small_fields),
	[V7S_SMALL_MTK] = LAYOUT("small-page-mtk", v7s_small_mtk_fields),
};

static uint64_t v7s_mtk_pa(uint64_t v)
{
	return (v >> 9 & 1) << 32 | (v >> 4 & 1) << 33 | (v >> 5 & 1) << 34;
}

/* Simplified access model (AP[0] is the access flag), as IOMMU drivers use. */
static unsigned int v7s_ap_perms(uint64_t v, unsigned int ap1, unsigned int ap2)
{
	return DECODE_PERM_R | (v >> ap2 & 1 ? 0 : DECODE_PERM_W) |
	       (v >> ap1 & 1 ? DECODE_PERM_U : 0);
}

static int v7s_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	uint64_t v = e->words[0];
	bool mtk = v7s_mtk(e);
	bool l1 = e->fmt == &fmt_arm_v7s_l1;
	int idx = l1 ? v7s_l1_select(e) : v7s_l2_select(e);

	memset(pte, 0, sizeof(*pte));
	if (idx == 0)
		return 0;
	pte->present = true;
	pte->contig = 1;
	if (l1 && idx == V7S_L1_TABLE) {
		pte->addr = v & 0xfffffc00;
		pte->next_level = 2;
		pte->perms = DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X | DECODE_PERM_U;
		return 0;
	}
	pte->leaf = true;
	if (l1) {
		bool super = idx == V7S_SUPER || idx == V7S_SUPER_MTK;

		pte->page_shift = super ? 24 : 20;
		pte->contig = super ? 16 : 1;
		pte->addr = v & (super ? 0xff000000 : 0xfff00000);
		if (idx == V7S_SUPER)
			pte->addr |= bits64(v, 23, 20) << 32 | bits64(v, 8, 5) << 36;
		pte->perms = mtk ? DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X :
				   v7s_ap_perms(v, 11, 15) | (v >> 4 & 1 ? 0 : DECODE_PERM_X);
	} else {
		bool large = idx == V7S_LARGE || idx == V7S_LARGE_MTK;
		unsigned int xn = large ? 15 : 0;

		pte->page_shift = large ? 16 : 12;
		pte->contig = large ? 16 : 1;
		pte->addr = v & (large ? 0xffff0000 : 0xfffff000);
		pte->perms = (mtk ? DECODE_PERM_R | DECODE_PERM_W : v7s_ap_perms(v, 5, 9)) |
			     (v >> xn & 1 ? 0 : DECODE_PERM_X);
	}
	if (mtk)
		pte->addr |= v7s_mtk_pa(v);
	return 0;
}

static void v7s_validate(const struct decode_entry *e, struct decode_result *out)
{
	uint64_t v = e->words[0];

	if (e->fmt == &fmt_arm_v7s_l1 && v7s_l1_select(e) == V7S_SUPER_MTK && bits64(v, 23, 20))
		decode_result_warn(out, "pa_35_32",
				   "supersection bits 23:20 are set but unused with the MediaTek extension");
}

static int v7s_encode(const struct decode_opts *o, const struct decode_pte *pte,
		      uint64_t *words)
{
	bool mtk = o->quirks & DECODE_QUIRK_MTK_EXT;
	bool l1 = o->level == 1;
	unsigned int shift = pte->page_shift;
	uint64_t pa = pte->addr, v;

	if (!pte->present)
		return 0;
	if (!pte->leaf) {
		if (!l1 || (pa & ~0xfffffc00ULL))
			return -EINVAL;
		words[0] = pa | 1;
		return 0;
	}
	if (l1 ? shift != 20 && shift != 24 : shift != 12 && shift != 16)
		return -EINVAL;
	if (pa & ((1ULL << shift) - 1))
		return -EINVAL;
	if (mtk) {
		/* No permission bits exist: they carry address bits. */
		if (pte->perms != (DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X) &&
		    (l1 || pte->perms != (DECODE_PERM_R | DECODE_PERM_W)))
			return -EINVAL;
		if (pa >> 35)
			return -EINVAL;
		v = (pa & 0xffffffff) | (pa >> 32 & 1) << 9 | (pa >> 33 & 1) << 4 |
		    (pa >> 34 & 1) << 5;
	} else {
		unsigned int ap0 = l1 ? 10 : 4, ap1 = l1 ? 11 : 5, ap2 = l1 ? 15 : 9;

		if (!(pte->perms & DECODE_PERM_R))
			return -EINVAL;
		if (l1 && shift == 24) {
			if (pa >> 40)
				return -EINVAL;
			v = (pa & 0xff000000) | (pa >> 32 & 0xf) << 20 | (pa >> 36 & 0xf) << 5;
		} else {
			if (pa >> 32)
				return -EINVAL;
			v = pa;
		}
		v |= 1ULL << ap0;
		v |= pte->perms & DECODE_PERM_U ? 1ULL << ap1 : 0;
		v |= pte->perms & DECODE_PERM_W ? 0 : 1ULL << ap2;
		if (!(pte->perms & DECODE_PERM_X))
			v |= l1 ? 1ULL << 4 : shift == 16 ? 1ULL << 15 : 1;
	}
	if (l1)
		v |= 2 | (shift == 24 ? 1ULL << 18 : 0);
	else
		v |= shift == 16 ? 1 : 2;
	if (mtk && !(pte->perms & DECODE_PERM_X))
		v |= shift == 16 ? 1ULL << 15 : 1;
	words[0] = v;
	return 0;
}

static int v7s_level(const struct decode_opts *o, int level, struct decode_pt_level *g)
{
	g->shift = level == 1 ? 20 : 12;
	g->bits = level == 1 ? 12 : 8;
	return 0;
}

/* A table for the walker, given either level's format: always two levels. */
static int v7s_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	if (p->levels && p->levels != 2) {
		*why = "Arm v7s tables have 2 levels";
		return -EINVAL;
	}
	pt->fmt = &fmt_arm_v7s_l1;
	pt->fmt2 = &fmt_arm_v7s_l2;
	pt->top_level = 1;
	pt->leaf_level = 2;
	pt->top_bits = 12;
	pt->root_align = 16384;		/* TTBR0 (TTBCR.N 0): the 16K level-1 table's size */
	if (p->mtk_ext)
		pt->opts.quirks |= DECODE_QUIRK_MTK_EXT;
	return 0;
}

static const struct decode_pt_ops v7s_ops = {
	.parse = v7s_parse,
	.encode = v7s_encode,
	.level = v7s_level,
	.setup = v7s_walk_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS) | WALK_PARAM_BIT(WALK_PARAM_MTK_EXT),
};

const struct decode_fmt fmt_arm_v7s_l1 = {
	.name = "arm-v7s-l1",
	.summary = "Arm short-descriptor level-1 entry (32-bit): page table, section, supersection",
	.spec = "Arm ARM DDI 0487 §G5.5 Short-descriptor translation table format descriptors",
	.nwords = 1,
	.width = 32,
	.opts = DECODE_OPT_LEVEL | DECODE_OPT_MTK_EXT,
	.level_min = 1,
	.level_max = 1,
	.level_default = 1,
	.layouts = v7s_l1_layouts,
	.nlayouts = ARRAY_SIZE(v7s_l1_layouts),
	.select = v7s_l1_select,
	.validate = v7s_validate,
	.pt = &v7s_ops,
};

const struct decode_fmt fmt_arm_v7s_l2 = {
	.name = "arm-v7s-l2",
	.summary = "Arm short-descriptor level-2 entry (32-bit): large or small page",
	.spec = "Arm ARM DDI 0487 §G5.5 Short-descriptor translation table format descriptors",
	.nwords = 1,
	.width = 32,
	.opts = DECODE_OPT_LEVEL | DECODE_OPT_MTK_EXT,
	.level_min = 2,
	.level_max = 2,
	.level_default = 2,
	.layouts = v7s_l2_layouts,
	.nlayouts = ARRAY_SIZE(v7s_l2_layouts),
	.select = v7s_l2_select,
	.validate = v7s_validate,
	.pt = &v7s_ops,
};
