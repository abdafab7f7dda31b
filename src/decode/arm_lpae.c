/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm VMSAv8-64 long descriptors as used by Arm IOMMUs (SMMUv2/v3 and others
 * through io-pgtable): Arm Architecture Reference Manual for A-profile
 * (DDI 0487), §D8.3.1 "VMSAv8-64 descriptor formats", stage 1 and stage 2,
 * 4K/16K/64K granules, 48-bit output addresses and the FEAT_LPA 52-bit form
 * of the 64K granule (OA[51:48] in descriptor bits 15:12). Levels 0-3.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

enum { LPAE_INVALID, LPAE_TABLE, LPAE_TABLE_64K, LPAE_LEAF, LPAE_LEAF_64K };

static unsigned int lpae_pg_shift(const struct decode_opts *o)
{
	return o->granule == 65536 ? 16 : o->granule == 16384 ? 14 : 12;
}

static unsigned int lpae_level_shift(const struct decode_opts *o, int level)
{
	unsigned int pg = lpae_pg_shift(o);

	return pg + (unsigned int)(3 - level) * (pg - 3);
}

void lpae_type_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	bool last = e->opts->level == 3;

	snprintf(buf, len, "%s", raw ? (last ? "page" : "table") : (last ? "reserved" : "block"));
}

const char *const lpae_sh_names[] = {
	"non-shareable", NULL, "outer shareable", "inner shareable",
};

const char *const lpae_ap_names[] = {
	"read/write, privileged only", "read/write", "read-only, privileged only", "read-only",
};

const char *const lpae_s2ap_names[] = { "none", "read-only", "write-only", "read/write" };

const char *const lpae_aptable_names[] = {
	"no limit", "no unprivileged access", "read-only", "read-only, no unprivileged access",
};

void lpae_attr_idx_meaning(const struct decode_entry *e, const struct bitfield *f,
			   uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "MAIR attribute %llu", (unsigned long long)raw);
}

void lpae_memattr_meaning(const struct decode_entry *e, const struct bitfield *f,
			  uint64_t raw, char *buf, size_t len)
{
	static const char *const dev[] = { "nGnRnE", "nGnRE", "nGRE", "GRE" };
	static const char *const cache[] = { NULL, "NC", "WT", "WB" };

	if (!(raw >> 2))
		snprintf(buf, len, "device %s", dev[raw & 3]);
	else if (!(raw & 3))
		snprintf(buf, len, "reserved (%llu)", (unsigned long long)raw);
	else
		snprintf(buf, len, "normal, outer %s, inner %s", cache[raw >> 2], cache[raw & 3]);
}

void lpae_s2xn_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	static const char *const xn[] = {
		"executable", "not executable at EL1 (FEAT_XNX)", "not executable",
		"not executable at EL0 (FEAT_XNX)",
	};

	snprintf(buf, len, "%s", xn[raw & 3]);
}

#define LPAE_HEAD \
	{ F_FLAG(0, 0, "valid", "Valid") }, \
	{ F_UINT(0, 1, 1, "type", "Descriptor Type"), .meaning = BFM(lpae_type_meaning) }

static const struct bitfield lpae_invalid_fields[] = {
	{ F_FLAG(0, 0, "valid", "Valid") },
	{ F_UINT(0, 63, 1, "ignored", "Ignored (invalid descriptor)"), .meaning = BFM(meaning_hex) },
};

#define LPAE_S1_TABLE_HIGH \
	{ F_RSVD(0, 50, 48) }, \
	{ F_UINT(0, 58, 51, "ignored_58_51", "Ignored") }, \
	{ F_FLAG(0, 59, "pxn_table", "PXNTable") }, \
	{ F_FLAG(0, 60, "uxn_table", "UXNTable/XNTable") }, \
	{ F_ENUM(0, 62, 61, "ap_table", "APTable", lpae_aptable_names) }, \
	{ F_FLAG(0, 63, "ns_table", "NSTable") }

static const struct bitfield lpae_s1_table_fields[] = {
	LPAE_HEAD,
	{ F_UINT(0, 11, 2, "ignored_11_2", "Ignored") },
	{ F_ADDR(0, 47, 12, "nlta", "Next-level Table Address") },
	LPAE_S1_TABLE_HIGH,
};

static const struct bitfield lpae_s1_table_64k_fields[] = {
	LPAE_HEAD,
	{ F_UINT(0, 11, 2, "ignored_11_2", "Ignored") },
	{ F_UINT(0, 15, 12, "nlta_51_48", "Next-level Table Address [51:48]"),
	  .meaning = BFM(meaning_hex) },
	{ F_ADDR(0, 47, 16, "nlta", "Next-level Table Address [47:16]") },
	LPAE_S1_TABLE_HIGH,
};

#define LPAE_S2_TABLE_HIGH \
	{ F_RSVD(0, 50, 48) }, \
	{ F_UINT(0, 58, 51, "ignored_58_51", "Ignored") }, \
	{ F_RSVD(0, 63, 59) }

static const struct bitfield lpae_s2_table_fields[] = {
	LPAE_HEAD,
	{ F_UINT(0, 11, 2, "ignored_11_2", "Ignored") },
	{ F_ADDR(0, 47, 12, "nlta", "Next-level Table Address") },
	LPAE_S2_TABLE_HIGH,
};

static const struct bitfield lpae_s2_table_64k_fields[] = {
	LPAE_HEAD,
	{ F_UINT(0, 11, 2, "ignored_11_2", "Ignored") },
	{ F_UINT(0, 15, 12, "nlta_51_48", "Next-level Table Address [51:48]"),
	  .meaning = BFM(meaning_hex) },
	{ F_ADDR(0, 47, 16, "nlta", "Next-level Table Address [47:16]") },
	LPAE_S2_TABLE_HIGH,
};

#define LPAE_S1_LEAF_LOW \
	LPAE_HEAD, \
	{ F_UINT(0, 4, 2, "attr_idx", "AttrIndx"), .meaning = BFM(lpae_attr_idx_meaning) }, \
	{ F_FLAG(0, 5, "ns", "Non-secure") }, \
	{ F_ENUM(0, 7, 6, "ap", "Access Permissions AP[2:1]", lpae_ap_names) }, \
	{ F_ENUM(0, 9, 8, "sh", "Shareability", lpae_sh_names) }, \
	{ F_FLAG(0, 10, "af", "Access Flag") }, \
	{ F_FLAG(0, 11, "ng", "Not Global") }

#define LPAE_S1_LEAF_HIGH \
	{ F_RSVD(0, 49, 48) }, \
	{ F_FLAG(0, 50, "gp", "Guarded Page") }, \
	{ F_FLAG(0, 51, "dbm", "Dirty Bit Modifier") }, \
	{ F_FLAG(0, 52, "contiguous", "Contiguous") }, \
	{ F_FLAG(0, 53, "pxn", "Privileged Execute-never") }, \
	{ F_FLAG(0, 54, "uxn", "Unprivileged Execute-never") }, \
	{ F_UINT(0, 58, 55, "sw", "Reserved for software") }, \
	{ F_UINT(0, 62, 59, "pbha", "PBHA / ignored") }, \
	{ F_UINT(0, 63, 63, "ignored_63", "Ignored") }

static const struct bitfield lpae_s1_leaf_fields[] = {
	LPAE_S1_LEAF_LOW,
	{ F_ADDR(0, 47, 12, "oa", "Output Address") },
	LPAE_S1_LEAF_HIGH,
};

static const struct bitfield lpae_s1_leaf_64k_fields[] = {
	LPAE_S1_LEAF_LOW,
	{ F_UINT(0, 15, 12, "oa_51_48", "Output Address [51:48]"), .meaning = BFM(meaning_hex) },
	{ F_ADDR(0, 47, 16, "oa", "Output Address [47:16]") },
	LPAE_S1_LEAF_HIGH,
};

#define LPAE_S2_LEAF_LOW \
	LPAE_HEAD, \
	{ F_UINT(0, 5, 2, "mem_attr", "MemAttr"), .meaning = BFM(lpae_memattr_meaning) }, \
	{ F_ENUM(0, 7, 6, "s2ap", "Stage 2 Access Permissions", lpae_s2ap_names) }, \
	{ F_ENUM(0, 9, 8, "sh", "Shareability", lpae_sh_names) }, \
	{ F_FLAG(0, 10, "af", "Access Flag") }, \
	{ F_FLAG(0, 11, "fnxs", "FnXS") }

#define LPAE_S2_LEAF_HIGH \
	{ F_RSVD(0, 50, 48) }, \
	{ F_FLAG(0, 51, "dbm", "Dirty Bit Modifier") }, \
	{ F_FLAG(0, 52, "contiguous", "Contiguous") }, \
	{ F_UINT(0, 54, 53, "xn", "Execute-never"), .meaning = BFM(lpae_s2xn_meaning) }, \
	{ F_UINT(0, 58, 55, "sw", "Reserved for software") }, \
	{ F_UINT(0, 62, 59, "pbha", "PBHA / reserved for a System MMU") }, \
	{ F_RSVD(0, 63, 63) }

static const struct bitfield lpae_s2_leaf_fields[] = {
	LPAE_S2_LEAF_LOW,
	{ F_ADDR(0, 47, 12, "oa", "Output Address") },
	LPAE_S2_LEAF_HIGH,
};

static const struct bitfield lpae_s2_leaf_64k_fields[] = {
	LPAE_S2_LEAF_LOW,
	{ F_UINT(0, 15, 12, "oa_51_48", "Output Address [51:48]"), .meaning = BFM(meaning_hex) },
	{ F_ADDR(0, 47, 16, "oa", "Output Address [47:16]") },
	LPAE_S2_LEAF_HIGH,
};

static const struct decode_layout lpae_s1_layouts[] = {
	[LPAE_INVALID] = LAYOUT("invalid", lpae_invalid_fields),
	[LPAE_TABLE] = LAYOUT("table", lpae_s1_table_fields),
	[LPAE_TABLE_64K] = LAYOUT("table-64k", lpae_s1_table_64k_fields),
	[LPAE_LEAF] = LAYOUT("block/page", lpae_s1_leaf_fields),
	[LPAE_LEAF_64K] = LAYOUT("block/page-64k", lpae_s1_leaf_64k_fields),
};

static const struct decode_layout lpae_s2_layouts[] = {
	[LPAE_INVALID] = LAYOUT("invalid", lpae_invalid_fields),
	[LPAE_TABLE] = LAYOUT("table", lpae_s2_table_fields),
	[LPAE_TABLE_64K] = LAYOUT("table-64k", lpae_s2_table_64k_fields),
	[LPAE_LEAF] = LAYOUT("block/page", lpae_s2_leaf_fields),
	[LPAE_LEAF_64K] = LAYOUT("block/page-64k", lpae_s2_leaf_64k_fields),
};

static int lpae_select(const struct decode_entry *e)
{
	uint64_t v = e->words[0];
	bool g64 = e->opts->granule == 65536;

	if (!(v & 1))
		return LPAE_INVALID;
	if (e->opts->level < 3)
		return v & 2 ? (g64 ? LPAE_TABLE_64K : LPAE_TABLE) : (g64 ? LPAE_LEAF_64K : LPAE_LEAF);
	/* Type 01 at level 3 is reserved and behaves as invalid. */
	if (!(v & 2))
		return LPAE_INVALID;
	return g64 ? LPAE_LEAF_64K : LPAE_LEAF;
}

/* With 64K pages, OA[51:48] sits in bits 15:12; otherwise bits 47:12 are the address. */
static uint64_t lpae_addr_unpack(const struct decode_opts *o, uint64_t v)
{
	uint64_t a = v & GENMASK64(47, 12);

	if (o->granule == 65536)
		return (a | a << 36) & GENMASK64(51, 16);
	return a;
}

static uint64_t lpae_addr_pack(const struct decode_opts *o, uint64_t pa)
{
	if (o->granule == 65536)
		return (pa | pa >> 36) & GENMASK64(47, 12);
	return pa & GENMASK64(47, 12);
}

static unsigned int lpae_contig_count(const struct decode_opts *o, int level)
{
	if (o->granule == 16384)
		return level == 3 ? 128 : 32;
	return o->granule == 65536 ? 32 : 16;
}

/* The shallowest level a block may sit at (48-bit OA; FEAT_LPA for 64K level 1). */
static int lpae_min_block_level(const struct decode_opts *o)
{
	return o->granule == 16384 ? 2 : 1;
}

static bool lpae_is_s2(const struct decode_entry *e)
{
	return e->fmt->layouts == lpae_s2_layouts;
}

static unsigned int lpae_leaf_perms(bool s2, uint64_t v)
{
	unsigned int p = 0;

	if (s2) {
		p |= v >> 6 & 1 ? DECODE_PERM_R : 0;
		p |= v >> 7 & 1 ? DECODE_PERM_W : 0;
		p |= bits64(v, 54, 53) ? 0 : DECODE_PERM_X;
		return p;
	}
	p = DECODE_PERM_R;
	p |= v >> 7 & 1 ? 0 : DECODE_PERM_W;
	p |= v >> 6 & 1 ? DECODE_PERM_U : 0;
	p |= (v >> 53 & 1) && (v >> 54 & 1) ? 0 : DECODE_PERM_X;
	return p;
}

static unsigned int lpae_table_perms(bool s2, uint64_t v)
{
	unsigned int p = DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X;

	if (s2)
		return p;
	p |= DECODE_PERM_U;
	if (v >> 62 & 1)
		p &= ~DECODE_PERM_W;
	if (v >> 61 & 1)
		p &= ~DECODE_PERM_U;
	if ((v >> 59 & 1) && (v >> 60 & 1))
		p &= ~DECODE_PERM_X;
	return p;
}

static int lpae_parse(const struct decode_entry *e, struct decode_pte *pte)
{
	int idx = lpae_select(e);
	uint64_t v = e->words[0];
	int level = e->opts->level;

	memset(pte, 0, sizeof(*pte));
	if (idx == LPAE_INVALID)
		return 0;
	pte->present = true;
	pte->addr = lpae_addr_unpack(e->opts, v);
	if (idx == LPAE_TABLE || idx == LPAE_TABLE_64K) {
		pte->next_level = level + 1;
		pte->perms = lpae_table_perms(lpae_is_s2(e), v);
		return 0;
	}
	pte->leaf = true;
	pte->page_shift = lpae_level_shift(e->opts, level);
	pte->addr &= ~((1ULL << pte->page_shift) - 1);
	pte->perms = lpae_leaf_perms(lpae_is_s2(e), v);
	pte->contig = v >> 52 & 1 ? lpae_contig_count(e->opts, level) : 1;
	return 0;
}

static void lpae_validate(const struct decode_entry *e, struct decode_result *out)
{
	const struct decode_opts *o = e->opts;
	uint64_t v = e->words[0];
	int idx = lpae_select(e);
	unsigned int shift;
	uint64_t addr;

	if (o->granule == 65536 && o->level == 0) {
		decode_result_warn(out, NULL, "the 64K granule has no level 0");
		return;
	}
	if ((v & 3) == 1 && o->level == 3) {
		decode_result_warn(out, "type", "descriptor type 01 is reserved at level 3");
		return;
	}
	if (idx == LPAE_INVALID)
		return;
	addr = lpae_addr_unpack(o, v);
	if (idx == LPAE_TABLE || idx == LPAE_TABLE_64K) {
		if (addr & ((1ULL << lpae_pg_shift(o)) - 1))
			decode_result_warn(out, "nlta",
					   "table address 0x%llx is not aligned to the granule",
					   (unsigned long long)addr);
		return;
	}
	if (o->level < 3 && o->level < lpae_min_block_level(o))
		decode_result_warn(out, "type", "a block descriptor is not allowed at level %d%s",
				   o->level, o->granule == 65536 ? " without FEAT_LPA" : "");
	shift = lpae_level_shift(o, o->level);
	if (shift < 64 && (addr & ((1ULL << shift) - 1)))
		decode_result_warn(out, "oa", "output address 0x%llx is not aligned to the page size",
				   (unsigned long long)addr);
}

static int lpae_encode(const struct decode_opts *o, const struct decode_pte *pte,
		       uint64_t *words, bool s2)
{
	unsigned int shift = lpae_pg_shift(o);
	unsigned int oa_bits = o->granule == 65536 ? 52 : 48;
	uint64_t v;

	if (!pte->present)
		return 0;
	if (o->granule == 65536 && o->level == 0)
		return -EINVAL;
	if (pte->leaf) {
		shift = lpae_level_shift(o, o->level);
		if (pte->page_shift != shift || o->level < lpae_min_block_level(o))
			return -EINVAL;
	} else if (o->level == 3) {
		return -EINVAL;
	}
	if (pte->addr & ~GENMASK64(oa_bits - 1, shift))
		return -EINVAL;
	v = lpae_addr_pack(o, pte->addr) | 1;
	if (!pte->leaf) {
		/* Stage 1 tables can only take permissions away, hierarchically. */
		if (!s2) {
			v |= pte->perms & DECODE_PERM_W ? 0 : 1ULL << 62;
			v |= pte->perms & DECODE_PERM_U ? 0 : 1ULL << 61;
			v |= pte->perms & DECODE_PERM_X ? 0 : 3ULL << 59;
		}
		words[0] = v | 2;
		return 0;
	}
	if (o->level == 3)
		v |= 2;
	v |= 1ULL << 10;	/* AF: otherwise the first access faults */
	if (s2) {
		if (pte->perms & DECODE_PERM_U)
			return -EINVAL;
		v |= pte->perms & DECODE_PERM_R ? 1ULL << 6 : 0;
		v |= pte->perms & DECODE_PERM_W ? 1ULL << 7 : 0;
		v |= pte->perms & DECODE_PERM_X ? 0 : 2ULL << 53;
	} else {
		if (!(pte->perms & DECODE_PERM_R))
			return -EINVAL;
		v |= pte->perms & DECODE_PERM_W ? 0 : 1ULL << 7;
		v |= pte->perms & DECODE_PERM_U ? 1ULL << 6 : 0;
		v |= pte->perms & DECODE_PERM_X ? 0 : 3ULL << 53;
	}
	words[0] = v;
	return 0;
}

static int lpae_s1_encode(const struct decode_opts *o, const struct decode_pte *pte,
			  uint64_t *words)
{
	return lpae_encode(o, pte, words, false);
}

static int lpae_s2_encode(const struct decode_opts *o, const struct decode_pte *pte,
			  uint64_t *words)
{
	return lpae_encode(o, pte, words, true);
}

static int lpae_level(const struct decode_opts *o, int level, struct decode_pt_level *g)
{
	if (o->granule == 65536 && level == 0)
		return -EINVAL;
	g->shift = lpae_level_shift(o, level);
	g->bits = lpae_pg_shift(o) - 3;
	return 0;
}

/*
 * A table for the walker: the granule (default 4K) and the input size
 * (--ias, default 48 bits) give the number of levels; with --ias the top
 * table may be up to 16 concatenated tables (stage 2).
 */
static int lpae_walk_setup(struct walk_pt *pt, const struct walk_pt_params *p, const char **why)
{
	unsigned int pg, bpl, ias = p->ias, shift;
	int levels = p->levels;

	pt->opts.granule = p->granule ? p->granule : 4096;
	pg = lpae_pg_shift(&pt->opts);
	bpl = pg - 3;
	if (ias && (ias < pg + 1 || ias > 52)) {
		*why = "--ias is between the granule's page bits and 52";
		return -EINVAL;
	}
	if (!levels) {
		unsigned int va = (ias ? ias : 48) - pg;

		levels = (int)((va + bpl - 1) / bpl);
	}
	if (levels < 1 || levels > (pg == 16 ? 3 : 4)) {
		*why = "Arm LPAE tables have 1 to 4 levels (1 to 3 with the 64K granule)";
		return -EINVAL;
	}
	pt->top_level = 4 - levels;
	pt->leaf_level = 3;
	shift = pg + bpl * (unsigned int)(levels - 1);
	if (ias) {
		if (ias <= shift || ias - shift > bpl + 4) {
			*why = "--ias does not fit --levels (the top table would be empty or "
			       "more than 16 concatenated tables)";
			return -EINVAL;
		}
		pt->top_bits = ias - shift;
	} else {
		pt->top_bits = shift + bpl > 52 ? 52 - shift : bpl;
	}
	/* TTBR, TTB0, S2TTB: the top table is aligned to its size, at least 64 bytes */
	pt->root_align = pt->top_bits + 3 < 6 ? 64 : 1ULL << (pt->top_bits + 3);
	return 0;
}

#define LPAE_WALK_PARAMS \
	(WALK_PARAM_BIT(WALK_PARAM_LEVELS) | WALK_PARAM_BIT(WALK_PARAM_GRANULE) | \
	 WALK_PARAM_BIT(WALK_PARAM_IAS))

static const struct decode_pt_ops lpae_s1_ops = {
	.parse = lpae_parse,
	.encode = lpae_s1_encode,
	.level = lpae_level,
	.setup = lpae_walk_setup,
	.params = LPAE_WALK_PARAMS,
};

static const struct decode_pt_ops lpae_s2_ops = {
	.parse = lpae_parse,
	.encode = lpae_s2_encode,
	.level = lpae_level,
	.setup = lpae_walk_setup,
	.params = LPAE_WALK_PARAMS,
};

const struct decode_fmt fmt_arm_lpae_s1 = {
	.name = "arm-lpae-s1",
	.summary = "Arm VMSAv8-64 stage-1 descriptor (level 0-3; 4K/16K/64K granule)",
	.spec = "Arm ARM DDI 0487 §D8.3.1 VMSAv8-64 descriptor formats, stage 1",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL | DECODE_OPT_GRANULE,
	.level_min = 0,
	.level_max = 3,
	.level_default = 3,
	.layouts = lpae_s1_layouts,
	.nlayouts = ARRAY_SIZE(lpae_s1_layouts),
	.select = lpae_select,
	.validate = lpae_validate,
	.pt = &lpae_s1_ops,
};

const struct decode_fmt fmt_arm_lpae_s2 = {
	.name = "arm-lpae-s2",
	.summary = "Arm VMSAv8-64 stage-2 descriptor (level 0-3; 4K/16K/64K granule)",
	.spec = "Arm ARM DDI 0487 §D8.3.1 VMSAv8-64 descriptor formats, stage 2",
	.nwords = 1,
	.opts = DECODE_OPT_LEVEL | DECODE_OPT_GRANULE,
	.level_min = 0,
	.level_max = 3,
	.level_default = 3,
	.layouts = lpae_s2_layouts,
	.nlayouts = ARRAY_SIZE(lpae_s2_layouts),
	.select = lpae_select,
	.validate = lpae_validate,
	.pt = &lpae_s2_ops,
};
