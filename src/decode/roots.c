// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding VT-d root tables, SMMUv3 stream tables and AMD device tables in a
 * memory dump (see roots.h). The layout tests follow what Linux writes:
 * tables come from zeroed pages, so an entry that is not present is all
 * zero; SMMUv3 stream table pages hold valid STEs only (Linux makes every
 * STE of a new table abort or bypass); AMD device tables hold valid DTEs
 * only (Linux sets V in every entry up to the last device ID). Field
 * positions: formats.md §2 (VT-d root entries), §5.1 (L1 descriptors, STE
 * Config), §4 (DTE V). RISC-V (formats.md §7.1-7.2): the root of a 2- or
 * 3-level device directory is a page of non-leaf DDT entries, each zero or
 * valid with its reserved bits clear (riscv_iommu_get_dc fills a level as a
 * device appears); the two DDI splits of base and extended device contexts
 * are both tried.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/roots.h"

#define PAGE		4096u
#define PROGRESS_EVERY	(64ull << 20)

struct pre {
	struct walk_hier h;
	const char *layout;
	uint64_t score;		/* entries that passed the layout test */
};

/* pages of valid SMMUv3 STEs or AMD DTEs in a row */
struct run {
	enum walk_family family;
	uint64_t start, pages;
};

struct scan {
	const struct roots_opts *o;
	struct pre *v;
	size_t n, cap;
	uint64_t *l2;		/* SMMUv3: L2 tables named by L1 candidates; RISC-V:
				 * DDT pages named by candidate DDT pages */
	size_t nl2, capl2;
	struct run ste, dte;
};

static void pre_add(struct scan *s, const struct walk_hier *h, const char *layout, uint64_t score)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = (struct pre){ *h, layout, score };
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ---- VT-d: 256 root entries of 128 bits ---- */

/* One half of a root entry: 0, or present with a context-table pointer; bits 11:1 reserved. */
static bool vtd_half_ok(uint64_t e, uint64_t page, unsigned int *present)
{
	if (!(e & 1))
		return e == 0;
	if ((e & 0xffe) || !(e & ~0xfffull) || (e & ~0xfffull) == page)
		return false;
	(*present)++;
	return true;
}

static void vtd_page(struct scan *s, uint64_t pa, const uint8_t *p)
{
	unsigned int present = 0;
	bool legacy = true;
	struct walk_hier h = { .family = WALK_FAM_VTD, .base = pa };

	for (unsigned int i = 0; i < 256; i++) {
		uint64_t lo = le64(p + 16 * i), hi = le64(p + 16 * i + 8);

		if (!vtd_half_ok(lo, pa, &present) || !vtd_half_ok(hi, pa, &present))
			return;
		legacy &= hi == 0;
	}
	if (!present)
		return;
	/* legacy entries leave the upper half zero; a scalable table may too */
	if (legacy)
		pre_add(s, &h, "legacy", present);
	h.scalable = true;
	pre_add(s, &h, "scalable", present);
}

/* ---- SMMUv3: L1 descriptors, and pages of STEs ---- */

static void smmuv3_l1_page(struct scan *s, uint64_t pa, const uint8_t *p)
{
	unsigned int valid = 0, span = 0;
	struct walk_hier h = { .family = WALK_FAM_SMMUV3, .base = pa };
	size_t first = s->nl2;

	for (unsigned int i = 0; i < PAGE / 8; i++) {
		uint64_t d = le64(p + 8 * i), l2 = d & 0x000fffffffffffc0ull;

		if (!d)
			continue;
		/* Span 1..12 (the L2 table's STEs are 2^(Span-1)); bit 5 and 63:52 reserved */
		if (!(d & 0x1f) || (d & 0x1f) > 12 || (d & 0x20) || (d >> 52) || !l2 || l2 == pa ||
		    (span && (d & 0x1f) != span)) {
			s->nl2 = first;
			return;
		}
		span = d & 0x1f;
		valid++;
		if (s->nl2 == s->capl2) {
			s->capl2 = s->capl2 ? s->capl2 * 2 : 64;
			s->l2 = xrealloc(s->l2, s->capl2 * sizeof(*s->l2));
		}
		s->l2[s->nl2++] = l2;
	}
	if (!valid)
		return;
	/* FMT 1 (2-level), SPLIT = Span - 1, LOG2SIZE: the L1 entries of this page */
	h.strtab_cfg = 1u << 16 | (uint64_t)(span - 1) << 6 | (span - 1 + 9);
	pre_add(s, &h, "2-level", valid);
}

/* Every STE valid, Config abort, bypass or a translating one. */
static bool smmuv3_ste_page(const uint8_t *p)
{
	for (unsigned int i = 0; i < PAGE / 64; i++) {
		uint64_t d0 = le64(p + 64 * i);
		unsigned int cfg = (d0 >> 1) & 7;

		if (!(d0 & 1) || (cfg != 0 && cfg < 4))
			return false;
	}
	return true;
}

static unsigned int log2_floor(uint64_t v)
{
	unsigned int r = 0;

	while (v >>= 1)
		r++;
	return r;
}

/* The end of a run of STE pages (SMMUv3, a linear table) or DTE pages (AMD). */
static void run_end(struct scan *s, struct run *r)
{
	struct walk_hier h = { .family = r->family, .base = r->start };

	if (!r->pages)
		return;
	if (r->family == WALK_FAM_SMMUV3) {
		h.strtab_cfg = log2_floor(r->pages * (PAGE / 64));	/* FMT 0: linear */
		pre_add(s, &h, "linear", r->pages * (PAGE / 64));
	} else {
		uint64_t n = r->pages * (PAGE / 32);

		h.dte_count = n > 65536 ? 65536 : (uint32_t)n;
		pre_add(s, &h, "device table", h.dte_count);
	}
	r->pages = 0;
}

static void run_page(struct scan *s, struct run *r, uint64_t pa, bool ok)
{
	if (ok && r->pages && pa == r->start + r->pages * PAGE) {
		r->pages++;
		return;
	}
	run_end(s, r);
	if (ok) {
		r->start = pa;
		r->pages = 1;
	}
}

/* ---- AMD: 128 DTEs of 256 bits, every one valid ---- */

static bool amd_dte_page(const uint8_t *p)
{
	for (unsigned int i = 0; i < PAGE / 32; i++)
		if (!(le64(p + 32 * i) & 1))
			return false;
	return true;
}

/* ---- RISC-V: a root DDT page of non-leaf entries ---- */

static void riscv_ddt_page(struct scan *s, uint64_t pa, const uint8_t *p)
{
	static const char *const layouts[2][2] = { { "2LVL", "3LVL" },
						   { "2LVL, extended DCs", "3LVL, extended DCs" } };
	unsigned int present = 0, high = 0;
	size_t first = s->nl2;

	for (unsigned int i = 0; i < PAGE / 8; i++) {
		uint64_t e = le64(p + 8 * i), next = (e >> 10 & ((1ull << 44) - 1)) << 12;

		if (!e)
			continue;
		/* V, bits 9:1 and 63:54 reserved, a next table that is not this page */
		if (!(e & 1) || (e & 0x3fe) || (e >> 54) || !next || next == pa) {
			s->nl2 = first;
			return;
		}
		present++;
		high += i >= 256;
		/* a lower level of this directory: not a root of its own */
		if (s->nl2 == s->capl2) {
			s->capl2 = s->capl2 ? s->capl2 * 2 : 64;
			s->l2 = xrealloc(s->l2, s->capl2 * sizeof(*s->l2));
		}
		s->l2[s->nl2++] = next;
	}
	if (!present)
		return;
	for (int ext = 0; ext < 2; ext++)
		for (int lvl3 = 0; lvl3 < 2; lvl3++) {
			/* the top level of a 3LVL DDT with base DCs indexes 8 bits (23:16) */
			if (lvl3 && !ext && high)
				continue;
			struct walk_hier h = { .family = WALK_FAM_RISCV, .base = pa >> 12 << 10 | (lvl3 ? 4 : 3),
					       .ext_dc = ext };

			pre_add(s, &h, layouts[ext][lvl3], present);
		}
}

/* ---- checking the candidates ---- */

static int count_cb(void *priv, const struct walk_rid *rid, const struct walk_target *tgt,
		    const struct walk_trail *t)
{
	struct root_candidate *c = priv;

	(void)rid;
	(void)t;
	c->requesters++;
	if (!tgt)
		c->broken++;
	else if (tgt->kind == WALK_TGT_TABLE)
		c->translated++;
	else if (tgt->kind == WALK_TGT_IDENTITY)
		c->identity++;
	else
		c->blocked++;
	return 0;
}

static int by_score(const void *a, const void *b)
{
	const struct pre *x = a, *y = b;

	/* per family (each has its own budget of checks), best pre-check first */
	if (x->h.family != y->h.family)
		return x->h.family < y->h.family ? -1 : 1;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->h.base < y->h.base ? -1 : x->h.base > y->h.base;
}

static int by_rank(const void *a, const void *b)
{
	const struct root_candidate *x = a, *y = b;

	if (x->translated != y->translated)
		return x->translated < y->translated ? 1 : -1;
	if (x->requesters - x->broken != y->requesters - y->broken)
		return x->requesters - x->broken < y->requesters - y->broken ? 1 : -1;
	if (x->broken != y->broken)
		return x->broken > y->broken ? 1 : -1;
	if (x->h.base != y->h.base)
		return x->h.base < y->h.base ? -1 : 1;
	/* RISC-V: extended device contexts (what Linux uses when the IOMMU has
	 * MSI_FLAT) before base ones when both read the same */
	return (int)y->h.ext_dc - (int)x->h.ext_dc;
}

static bool is_l2_of_candidate(const struct scan *s, uint64_t base)
{
	for (size_t i = 0; i < s->nl2; i++)
		if (s->l2[i] == base)
			return true;
	return false;
}

int roots_find(const struct walk_mem *m, const struct roots_opts *o, struct root_candidate **out,
	       size_t *n, struct roots_stats *st)
{
	struct scan s = { .o = o, .ste.family = WALK_FAM_SMMUV3, .dte.family = WALK_FAM_AMD };
	struct roots_stats local = { 0 };
	bool vtd = o->any_family || o->family == WALK_FAM_VTD;
	bool smmu = o->any_family || o->family == WALK_FAM_SMMUV3;
	bool amd = o->any_family || o->family == WALK_FAM_AMD;
	bool riscv = o->any_family || o->family == WALK_FAM_RISCV;
	size_t fam_checks[WALK_FAM_RISCV + 1] = { 0 };
	size_t max_checks = o->max_checks ? o->max_checks : 256;
	uint64_t max_tables = o->max_tables ? o->max_tables : 4096, start, end, pa = 0, next_progress;
	struct root_candidate *c;
	size_t nc = 0;
	uint8_t *page;
	int err;

	*out = NULL;
	*n = 0;
	if (!st)
		st = &local;
	memset(st, 0, sizeof(*st));
	if (!vtd && !smmu && !amd && !riscv)
		return -EINVAL;
	page = xmalloc(PAGE);
	next_progress = PROGRESS_EVERY;
	while (!(err = o->range_next(o->range_priv, pa, &start, &end))) {
		for (uint64_t p = (start + PAGE - 1) & ~(uint64_t)(PAGE - 1); p + PAGE <= end; p += PAGE) {
			st->pages++;
			if (o->progress && st->pages * PAGE >= next_progress) {
				o->progress(o->progress_priv, st->pages * PAGE, p);
				next_progress += PROGRESS_EVERY;
			}
			err = m->read(m->priv, p, page, PAGE, NULL);
			if (walk_mem_failed(err))
				goto failed;
			if (err) {
				st->unreadable++;
				run_page(&s, &s.ste, p, false);
				run_page(&s, &s.dte, p, false);
				continue;
			}
			/* every family asked for, in this one pass over the dump */
			if (vtd)
				vtd_page(&s, p, page);
			if (smmu) {
				smmuv3_l1_page(&s, p, page);
				run_page(&s, &s.ste, p, smmuv3_ste_page(page));
			}
			if (amd)
				run_page(&s, &s.dte, p, amd_dte_page(page));
			if (riscv)
				riscv_ddt_page(&s, p, page);
		}
		if (end <= pa) {
			err = -ENOENT;
			break;
		}
		pa = end;
	}
	if (err != -ENOENT)
		goto failed;
	run_end(&s, &s.ste);
	run_end(&s, &s.dte);
	free(page);
	st->prechecked = s.n;

	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), by_score);
	c = xcalloc(s.n ? s.n : 1, sizeof(*c));
	for (size_t i = 0; i < s.n; i++) {
		struct root_candidate *r = &c[nc];

		/* max_checks candidates of each family */
		if (fam_checks[s.v[i].h.family] >= max_checks)
			continue;
		/* an STE run that an L1 candidate names is one of its L2 tables; a
		 * DDT page another one names is a lower level of that directory */
		if (!strcmp(s.v[i].layout, "linear") && is_l2_of_candidate(&s, s.v[i].h.base))
			continue;
		if (s.v[i].h.family == WALK_FAM_RISCV && is_l2_of_candidate(&s, s.v[i].h.base >> 10 << 12))
			continue;
		fam_checks[s.v[i].h.family]++;
		memset(r, 0, sizeof(*r));
		r->h = s.v[i].h;
		r->layout = s.v[i].layout;
		st->checked++;
		walk_hier_enum(&r->h, m, max_tables, &r->tables, count_cb, r);
		if (r->requesters > r->broken)
			nc++;
	}
	free(s.v);
	free(s.l2);
	qsort(c, nc, sizeof(*c), by_rank);
	*out = c;
	*n = nc;
	return 0;

failed:
	free(page);
	free(s.v);
	free(s.l2);
	return err;
}
