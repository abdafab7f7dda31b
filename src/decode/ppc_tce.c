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

/* No level geometry: level sizes come from the table's configuration. */
static const struct decode_pt_ops tce_ops = {
	.parse = tce_parse,
	.encode = tce_encode,
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
