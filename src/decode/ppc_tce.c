/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PowerPC Translation Control Entries: Linux on Power Architecture Reference
 * (LoPAR), "Translation Control Entry" (PCI TCE: read/write bits and real
 * page number; entries are big-endian in memory), and the multi-level
 * (indirect) TCE tables of POWER8+ PHBs (IODA2), whose upper levels hold the
 * next level's address with read and write set. Bits are numbered LSB = 0.
 */
#include <errno.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

/* Linux on POWER: the kernel page size that bounds TCE level sizes (64K kernels). */
#define TCE_KERNEL_PAGE_SHIFT 16

enum { TCE_LEAF, TCE_INDIRECT };

static const struct bitfield tce_leaf_fields[] = {
	{ F_FLAG(0, 0, "read", "Read (device may read memory)") },
	{ F_FLAG(0, 1, "write", "Write (device may write memory)") },
	{ F_RSVD(0, 11, 2) },
	{ F_ADDR(0, 63, 12, "rpn", "Real Page Address") },
};

static const struct bitfield tce_indirect_fields[] = {
	{ F_FLAG(0, 0, "read", "Read (set in valid pointers)") },
	{ F_FLAG(0, 1, "write", "Write (set in valid pointers)") },
	{ F_RSVD(0, 11, 2) },
	{ F_ADDR(0, 63, 12, "next", "Next-level Table Address") },
};

static const struct decode_layout tce_layouts[] = {
	[TCE_LEAF] = LAYOUT("tce", tce_leaf_fields),
	[TCE_INDIRECT] = LAYOUT("indirect", tce_indirect_fields),
};

static int tce_select(const struct decode_entry *e)
{
	return e->opts->level == 1 ? TCE_LEAF : TCE_INDIRECT;
}

static int tce_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	uint64_t v = e->words[0];

	memset(pte, 0, sizeof(*pte));
	if (!(v & 3))
		return 0;
	pte->present = true;
	pte->perms = (v & 1 ? DECODE_PERM_R : 0) | (v & 2 ? DECODE_PERM_W : 0);
	if (e->opts->level > 1) {
		pte->addr = v & GENMASK64(63, 12);
		pte->next_level = e->opts->level - 1;
		return 0;
	}
	pte->leaf = true;
	pte->page_shift = e->opts->page_shift;
	pte->addr = v & GENMASK64(63, pte->page_shift);
	pte->contig = 1;
	return 0;
}

static void tce_validate(const struct decode_entry *e, struct decode_result *out)
{
	uint64_t v = e->words[0];
	unsigned int ps = e->opts->page_shift;

	if (e->opts->level == 1 && (v & 3) && ps > 12 && bits64(v, ps - 1, 12))
		decode_result_warn(out, "rpn", "address bits %u:12 are set in a 2^%u-byte TCE page",
				   ps - 1, ps);
	if (e->opts->level > 1 && (v & 3) && (v & 3) != 3)
		decode_result_warn(out, NULL, "a valid indirect entry has both read and write set");
}

static int tce_encode(const struct decode_opts *o, const struct decode_pte *pte,
		      uint64_t *words)
{
	unsigned int shift = o->level == 1 ? o->page_shift : 12;

	if (!pte->present)
		return 0;
	if (pte->leaf != (o->level == 1) || (pte->leaf && pte->page_shift != o->page_shift))
		return -EINVAL;
	if (pte->perms & ~(DECODE_PERM_R | DECODE_PERM_W) || !pte->perms)
		return -EINVAL;
	if (pte->addr & ((1ULL << shift) - 1))
		return -EINVAL;
	/* Linux sets both bits in pointers; keep what the caller asked for. */
	words[0] = pte->addr | pte->perms;
	return 0;
}

static unsigned int ilog2_ceil(uint64_t v)
{
	unsigned int b = 0;

	while (b < 64 && (1ULL << b) < v)
		b++;
	return b;
}

/*
 * A table for the walker: the DMA window (or the entries per level) sizes
 * it; unless given, the lower levels are sized as Linux sizes them, by the
 * kernel's page size. Level 1 holds the TCEs.
 */
static int tce_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	unsigned int ps = p->page_shift ? p->page_shift : 12, e_bits, s;
	int levels = p->levels ? p->levels : 1;

	if (levels < 1 || levels > 5) {
		*why = "TCE tables have 1 to 5 levels";
		return -EINVAL;
	}
	if (p->level_entries && (p->level_entries & (p->level_entries - 1))) {
		*why = "--level-size is a power of two";
		return -EINVAL;
	}
	if (p->window_size) {
		if ((p->window_size & (p->window_size - 1)) || p->window_size >> ps == 0) {
			*why = "--window-size is a power of two of at least one TCE page";
			return -EINVAL;
		}
		e_bits = ilog2_ceil(p->window_size >> ps);
	} else if (p->level_entries) {
		e_bits = ilog2_ceil(p->level_entries) * (unsigned int)levels;
	} else {
		*why = "a TCE table needs --window-size (or --level-size)";
		return -EINVAL;
	}
	if (p->level_entries)
		s = ilog2_ceil(p->level_entries);
	else if (levels == 1)
		s = e_bits;
	else {
		/* Linux: level_shift = max(ceil(log2(entries) / levels) + 3, PAGE_SHIFT). */
		unsigned int kps = p->kernel_page_shift ? p->kernel_page_shift : TCE_KERNEL_PAGE_SHIFT;

		s = (e_bits + (unsigned int)levels - 1) / (unsigned int)levels + 3;
		if (s < kps)
			s = kps;
		s -= 3;
	}
	if (e_bits + ps > 64) {
		*why = "--levels, --level-size and --window-size do not fit together";
		return -EINVAL;
	}
	pt->top_level = levels;
	pt->leaf_level = 1;
	pt->tce_level_bits = s;
	pt->tce_window_bits = e_bits;
	/*
	 * The levels may hold more index bits than the window has: Linux rounds
	 * every level up to a kernel page, so a 3-level table of a 1 GiB window
	 * of 4K TCEs on a 64K kernel (8192 entries a level) uses 18 bits, 13 in
	 * the TCE level, 5 in the middle one and none (index 0) at the top.
	 */
	pt->top_bits = s * (unsigned int)(levels - 1) >= e_bits ? 0 :
		e_bits - s * (unsigned int)(levels - 1);
	pt->opts.page_shift = ps;
	pt->iova_offset = p->bus_offset;
	return 0;
}

/* No level geometry: level sizes come from the table's configuration (setup). */
static const struct decode_pt_ops tce_ops = {
	.parse = tce_parse,
	.encode = tce_encode,
	.setup = tce_walk_setup,
	.params = WALK_PARAM_BIT(WALK_PARAM_LEVELS) | WALK_PARAM_BIT(WALK_PARAM_PAGE_SHIFT) |
		  WALK_PARAM_BIT(WALK_PARAM_WINDOW_SIZE) | WALK_PARAM_BIT(WALK_PARAM_BUS_OFFSET) |
		  WALK_PARAM_BIT(WALK_PARAM_LEVEL_SIZE) |
		  WALK_PARAM_BIT(WALK_PARAM_KERNEL_PAGE_SIZE),
};

const struct decode_fmt fmt_ppc_tce = {
	.name = "ppc-tce",
	.summary = "PowerPC TCE (big-endian in memory); level 1 = TCE, 2-5 = indirect levels",
	.spec = "LoPAR Translation Control Entry; IODA2 multi-level TCE tables",
	.nwords = 1,
	.big_endian = true,
	.opts = DECODE_OPT_LEVEL | DECODE_OPT_PAGE_SHIFT,
	.level_min = 1,
	.level_max = 5,
	.level_default = 1,
	.layouts = tce_layouts,
	.nlayouts = ARRAY_SIZE(tce_layouts),
	.select = tce_select,
	.validate = tce_validate,
	.pt = &tce_ops,
};
