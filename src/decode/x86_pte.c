/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86-64 style paging entries, shared by two IOMMUs: Intel VT-d spec §9.7
 * "First-Stage Paging Entries" and the AMD I/O Virtualization Technology
 * (IOMMU) Specification (pub. 48882), "I/O Page Tables for Guest
 * Translations" (v2 tables). Both follow the 4/5-level IA-32e format;
 * levels are numbered 1 = PTE ... 5 = PML5E.
 */
#include <errno.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

enum { X86_NOT_PRESENT, X86_TABLE_TOP, X86_TABLE, X86_PDPE_1G, X86_PDE_2M, X86_PTE };

static const struct bitfield x86_np_fields[] = {
	{ F_FLAG(0, 0, "present", "Present") },
	{ F_UINT(0, 63, 1, "ignored", "Ignored (entry not present)"), .meaning = BFM(meaning_hex) },
};

#define X86_LOW \
	{ F_FLAG(0, 0, "present", "Present") }, \
	{ F_FLAG(0, 1, "rw", "Read/Write"), F_NAMES(x86_rw_names) }, \
	{ F_FLAG(0, 2, "us", "User/Supervisor"), F_NAMES(x86_us_names) }, \
	{ F_FLAG(0, 3, "pwt", "Page-level Write-through") }, \
	{ F_FLAG(0, 4, "pcd", "Page-level Cache Disable") }, \
	{ F_FLAG(0, 5, "a", "Accessed") }

#define X86_HIGH \
	{ F_UINT(0, 62, 52, "ignored_62_52", "Ignored") }, \
	{ F_FLAG(0, 63, "xd", "Execute Disable") }

const char *const x86_rw_names[] = { "read-only", "read/write" };
const char *const x86_us_names[] = { "supervisor", "user" };

/* PML5E and PML4E: PS is reserved. */
static const struct bitfield x86_top_fields[] = {
	X86_LOW,
	{ F_UINT(0, 6, 6, "ignored_6", "Ignored") },
	{ F_RSVD(0, 7, 7) },
	{ F_UINT(0, 9, 8, "ignored_9_8", "Ignored") },
	{ F_FLAG(0, 10, "ea", "Extended Accessed") },
	{ F_UINT(0, 11, 11, "ignored_11", "Ignored") },
	{ F_ADDR(0, 51, 12, "addr", "Next-table Address") },
	X86_HIGH,
};

static const struct bitfield x86_table_fields[] = {
	X86_LOW,
	{ F_UINT(0, 6, 6, "ignored_6", "Ignored") },
	{ F_FLAG(0, 7, "ps", "Page Size") },
	{ F_UINT(0, 9, 8, "ignored_9_8", "Ignored") },
	{ F_FLAG(0, 10, "ea", "Extended Accessed") },
	{ F_UINT(0, 11, 11, "ignored_11", "Ignored") },
	{ F_ADDR(0, 51, 12, "addr", "Next-table Address") },
	X86_HIGH,
};

#define X86_LEAF_MID \
	{ F_FLAG(0, 6, "d", "Dirty") }, \
	{ F_FLAG(0, 7, "ps", "Page Size") }, \
	{ F_FLAG(0, 8, "g", "Global") }, \
	{ F_UINT(0, 9, 9, "ignored_9", "Ignored") }, \
	{ F_FLAG(0, 10, "ea", "Extended Accessed") }, \
	{ F_UINT(0, 11, 11, "ignored_11", "Ignored") }, \
	{ F_FLAG(0, 12, "pat", "Page Attribute Table") }

static const struct bitfield x86_1g_fields[] = {
	X86_LOW,
	X86_LEAF_MID,
	{ F_RSVD(0, 29, 13) },
	{ F_ADDR(0, 51, 30, "addr", "Page Address") },
	X86_HIGH,
};

static const struct bitfield x86_2m_fields[] = {
	X86_LOW,
	X86_LEAF_MID,
	{ F_RSVD(0, 20, 13) },
	{ F_ADDR(0, 51, 21, "addr", "Page Address") },
	X86_HIGH,
};

static const struct bitfield x86_pte_fields[] = {
	X86_LOW,
	{ F_FLAG(0, 6, "d", "Dirty") },
	{ F_FLAG(0, 7, "pat", "Page Attribute Table") },
	{ F_FLAG(0, 8, "g", "Global") },
	{ F_UINT(0, 9, 9, "ignored_9", "Ignored") },
	{ F_FLAG(0, 10, "ea", "Extended Accessed") },
	{ F_UINT(0, 11, 11, "ignored_11", "Ignored") },
	{ F_ADDR(0, 51, 12, "addr", "Page Address") },
	X86_HIGH,
};

const struct decode_layout x86_pte_layouts[X86_PTE_NLAYOUTS] = {
	[X86_NOT_PRESENT] = LAYOUT("not-present", x86_np_fields),
	[X86_TABLE_TOP] = LAYOUT("pml5e/pml4e", x86_top_fields),
	[X86_TABLE] = LAYOUT("table", x86_table_fields),
	[X86_PDPE_1G] = LAYOUT("pdpe-1g", x86_1g_fields),
	[X86_PDE_2M] = LAYOUT("pde-2m", x86_2m_fields),
	[X86_PTE] = LAYOUT("pte", x86_pte_fields),
};

int x86_pte_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];
	int level = e->opts->level;

	if (!(v & 1))
		return X86_NOT_PRESENT;
	if (level == 1)
		return X86_PTE;
	if (level >= 4)
		return X86_TABLE_TOP;
	if (v & (1ULL << 7))
		return level == 3 ? X86_PDPE_1G : X86_PDE_2M;
	return X86_TABLE;
}

static unsigned int x86_perms(uint64_t v)
{
	return DECODE_PERM_R | (v & 2 ? DECODE_PERM_W : 0) | (v & 4 ? DECODE_PERM_U : 0) |
	       (v >> 63 ? 0 : DECODE_PERM_X);
}

static int x86_pte_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	int idx = x86_pte_select(e);
	uint64_t v = e->words[0];
	int level = e->opts->level;

	memset(pte, 0, sizeof(*pte));
	pte->present = idx != X86_NOT_PRESENT;
	if (!pte->present)
		return 0;
	pte->perms = x86_perms(v);
	pt_entry_9bit(pte, v, level, idx == X86_PTE || idx == X86_PDE_2M || idx == X86_PDPE_1G);
	return 0;
}

static int x86_pte_encode(const struct decode_opts *o, const struct decode_pte *pte,
			  uint64_t *words)
{
	unsigned int shift = 12;
	uint64_t v;

	if (!pte->present)
		return 0;
	/* Every present x86 entry is readable. */
	if (!(pte->perms & DECODE_PERM_R))
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
	v = pte->addr | 1;
	v |= pte->perms & DECODE_PERM_W ? 2 : 0;
	v |= pte->perms & DECODE_PERM_U ? 4 : 0;
	v |= pte->perms & DECODE_PERM_X ? 0 : 1ULL << 63;
	if (pte->leaf && o->level > 1)
		v |= 1ULL << 7;
	words[0] = v;
	return 0;
}

static int x86_pte_level(const struct decode_opts *o, int level, struct decode_pt_level *g)
{
	return pt_level_9bit(level, 1, g);
}

/* A table for the walker: 4-level (the default) or 5-level paging. */
static int x86_pte_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	int levels = p->levels ? p->levels : 4;

	if (levels < 4 || levels > 5) {
		*why = "x86-64 format tables have 4 or 5 levels";
		return -EINVAL;
	}
	pt->top_level = levels;
	pt->leaf_level = 1;
	pt->top_bits = 9;
	return 0;
}

/* ... whose input addresses are canonical: sign-extended from the top bit. */
static int x86_pte_canonical_setup(struct walk_pt *pt, const struct walk_pt_params *p,
				   const char **why)
{
	int err = x86_pte_walk_setup(pt, p, why);

	if (!err)
		pt->sign_extend = true;
	return err;
}

const struct decode_pt_ops x86_pte_ops = {
	.parse = x86_pte_parse,
	.encode = x86_pte_encode,
	.level = x86_pte_level,
	.setup = x86_pte_walk_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS),
};

const struct decode_pt_ops x86_pte_canonical_ops = {
	.parse = x86_pte_parse,
	.encode = x86_pte_encode,
	.level = x86_pte_level,
	.setup = x86_pte_canonical_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS),
};
