/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walker engine: page-table geometry through the decoder formats'
 * page-table ops (each format's setup hook, in its own file, turns the
 * user's parameters into levels and table sizes; the parameters' ranges
 * are one table here), the streaming walk that lists coalesced ranges,
 * single-address translation with a per-level trail, and helpers the
 * hierarchy files (walk_vtd.c ...) share. Knows no format or family by
 * name. Pure: memory comes through a callback, results through callbacks
 * and structs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/walk.h"

#define WALK_CHUNK	4096	/* bytes of a table read at once */
#define WALK_PERMS_ALL	(DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X | DECODE_PERM_U)

static uint64_t mask_bits(unsigned int bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

static bool fmt_has_level(const struct decode_fmt *f, int level)
{
	return f && level >= f->level_min && level <= f->level_max;
}

/* ---- geometry ---- */

struct wk_geo {
	const struct decode_fmt *fmt;
	struct decode_opts opts;	/* as the decode_*() API takes them, level set */
	struct decode_opts ropts;	/* defaults filled in, for the parse hook */
	int level;
	unsigned int shift, bits;
	unsigned int esz;		/* entry bytes */
	bool be;			/* entries big-endian in memory */
};

static const struct decode_fmt *pt_fmt_at(const struct walk_pt *pt, int level)
{
	return fmt_has_level(pt->fmt, level) ? pt->fmt : pt->fmt2;
}

int walk_pt_levels(const struct walk_pt *pt)
{
	int n = pt->leaf_level - pt->top_level;

	return (n < 0 ? -n : n) + 1;
}

static int pt_dir(const struct walk_pt *pt)
{
	return pt->leaf_level >= pt->top_level ? 1 : -1;
}

/* Geometry of every depth (0 = top). Returns the number of levels or -errno. */
static int pt_geometry(const struct walk_pt *pt, struct wk_geo *g)
{
	int n = walk_pt_levels(pt), dir = pt_dir(pt);

	if (n < 1 || n > WALK_MAX_LEVELS)
		return -EINVAL;
	for (int d = 0; d < n; d++) {
		int level = pt->top_level + d * dir;
		struct decode_pt_level pl;
		struct decode_pte pte;
		uint64_t zero[DECODE_MAX_WORDS] = { 0 };

		g[d].fmt = pt_fmt_at(pt, level);
		if (!g[d].fmt || !g[d].fmt->pt)
			return -EINVAL;
		g[d].level = level;
		g[d].opts = pt->opts;
		g[d].opts.level = level;
		g[d].opts.byteorder = DECODE_BO_VALUE;
		/* Validates the options for this level once, not per entry. */
		if (decode_pt_entry(g[d].fmt, zero, &g[d].opts, &pte) || pte.present)
			return -EINVAL;
		g[d].ropts = g[d].opts;
		if (!g[d].ropts.granule)
			g[d].ropts.granule = 4096;
		if (!g[d].ropts.page_shift)
			g[d].ropts.page_shift = 12;
		if (!g[d].fmt->pt->level) {
			/*
			 * Every lower level has tce_level_bits (TCE), but only
			 * the window's index bits are decoded: a level above
			 * them is read at index 0 (Linux's pnv_tce() takes the
			 * index bits of level N at N * level bits, and an index
			 * inside the window has none above tce_window_bits).
			 */
			unsigned int ps = g[d].ropts.page_shift;
			unsigned int lo = (unsigned int)(level - 1) * pt->tce_level_bits;
			unsigned int e = pt->tce_window_bits;

			pl.bits = pt->tce_level_bits;
			if (e && lo >= e) {
				lo = e;
				pl.bits = 0;
			} else if (e && pl.bits > e - lo) {
				pl.bits = e - lo;
			}
			pl.shift = ps + lo;
		} else if (decode_pt_level(g[d].fmt, &g[d].opts, level, &pl)) {
			return -EINVAL;
		}
		if (d == 0)
			pl.bits = pt->top_bits;
		if (pl.shift >= 64 || pl.shift + pl.bits > 64 || pl.bits > 24)
			return -EINVAL;
		g[d].shift = pl.shift;
		g[d].bits = pl.bits;
		g[d].esz = (unsigned int)decode_fmt_entry_size(g[d].fmt);
		g[d].be = g[d].fmt->big_endian || (pt->opts.quirks & DECODE_QUIRK_BIG_ENDIAN);
		if (g[d].esz != 4 && g[d].esz != 8)
			return -EINVAL;
	}
	return n;
}

unsigned int walk_pt_input_bits(const struct walk_pt *pt)
{
	struct wk_geo g[WALK_MAX_LEVELS];

	if (pt_geometry(pt, g) < 1)
		return 0;
	return g[0].shift + g[0].bits;
}

/* ---- user parameters ---- */

#define STR_(x)	#x
#define STR(x)	STR_(x)

#define TCE_ONLY "--page-shift, --window-size, --bus-offset and --level-size apply to ppc-tce"

static const uint64_t lpae_granules[] = { 4096, 16384, 65536 };

/* The range of each parameter, as stored in struct walk_pt_params. */
static const struct walk_param_def {
	uint64_t lo, hi;		/* hi 0: any value */
	const uint64_t *values;		/* or one of these */
	size_t nvalues;
	bool log2;			/* walk_param_set() takes 2^value */
	const char *range;		/* for walk_param_set(): "1 to 6" */
	const char *bad;		/* for walk_pt_setup() */
	const char *not_taken;		/* the format does not take it */
} walk_params[WALK_NPARAMS] = {
	[WALK_PARAM_LEVELS] = {
		.lo = 1, .hi = WALK_MAX_LEVELS, .range = "1 to " STR(WALK_MAX_LEVELS),
		.bad = "a table has 1 to " STR(WALK_MAX_LEVELS) " levels",
		.not_taken = "--levels does not apply to this format",
	},
	[WALK_PARAM_GRANULE] = {
		.values = lpae_granules, .nvalues = ARRAY_SIZE(lpae_granules),
		.range = "4K, 16K or 64K", .bad = "the granule is 4K, 16K or 64K",
		.not_taken = "--granule applies to Arm LPAE tables",
	},
	[WALK_PARAM_MTK_EXT] = { .not_taken = "--mtk-ext applies to Arm v7s tables" },
	[WALK_PARAM_PAGE_SHIFT] = {
		.lo = 12, .hi = 34, .range = "12 to 34", .bad = "--page-shift is 12 to 34",
		.not_taken = TCE_ONLY,
	},
	[WALK_PARAM_WINDOW_SIZE] = { .not_taken = TCE_ONLY },
	[WALK_PARAM_BUS_OFFSET] = { .not_taken = TCE_ONLY },
	[WALK_PARAM_LEVEL_SIZE] = { .not_taken = TCE_ONLY },
	[WALK_PARAM_KERNEL_PAGE_SIZE] = {
		.lo = 12, .hi = 24, .log2 = true, .range = "a power of two from 4K to 16M",
		.bad = "--kernel-page-size is 4K to 16M", .not_taken = TCE_ONLY,
	},
	[WALK_PARAM_IAS] = { .not_taken = "--ias applies to Arm LPAE tables" },
	[WALK_PARAM_BIG_ENDIAN] = { .not_taken = "--big-endian applies to RISC-V tables" },
};

static uint64_t param_get(const struct walk_pt_params *p, enum walk_param id)
{
	switch (id) {
	case WALK_PARAM_LEVELS:
		return p->levels < 0 ? ~0ULL : (uint64_t)p->levels;
	case WALK_PARAM_GRANULE:
		return p->granule;
	case WALK_PARAM_MTK_EXT:
		return p->mtk_ext;
	case WALK_PARAM_PAGE_SHIFT:
		return p->page_shift;
	case WALK_PARAM_WINDOW_SIZE:
		return p->window_size;
	case WALK_PARAM_BUS_OFFSET:
		return p->bus_offset;
	case WALK_PARAM_LEVEL_SIZE:
		return p->level_entries;
	case WALK_PARAM_KERNEL_PAGE_SIZE:
		return p->kernel_page_shift;
	case WALK_PARAM_IAS:
		return p->ias;
	case WALK_PARAM_BIG_ENDIAN:
		return p->big_endian;
	case WALK_NPARAMS:
		break;
	}
	return 0;
}

static unsigned int narrow(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (unsigned int)v;
}

static void param_put(struct walk_pt_params *p, enum walk_param id, uint64_t v)
{
	switch (id) {
	case WALK_PARAM_LEVELS:
		p->levels = (int)narrow(v);
		break;
	case WALK_PARAM_GRANULE:
		p->granule = narrow(v);
		break;
	case WALK_PARAM_MTK_EXT:
		p->mtk_ext = v;
		break;
	case WALK_PARAM_PAGE_SHIFT:
		p->page_shift = narrow(v);
		break;
	case WALK_PARAM_WINDOW_SIZE:
		p->window_size = v;
		break;
	case WALK_PARAM_BUS_OFFSET:
		p->bus_offset = v;
		break;
	case WALK_PARAM_LEVEL_SIZE:
		p->level_entries = v;
		break;
	case WALK_PARAM_KERNEL_PAGE_SIZE:
		p->kernel_page_shift = narrow(v);
		break;
	case WALK_PARAM_IAS:
		p->ias = narrow(v);
		break;
	case WALK_PARAM_BIG_ENDIAN:
		p->big_endian = v;
		break;
	case WALK_NPARAMS:
		break;
	}
}

static bool param_ok(const struct walk_param_def *d, uint64_t v)
{
	if (d->nvalues) {
		for (size_t i = 0; i < d->nvalues; i++)
			if (v == d->values[i])
				return true;
		return false;
	}
	return !d->hi || (v >= d->lo && v <= d->hi);
}

int walk_param_set(struct walk_pt_params *p, enum walk_param id, uint64_t v, const char **why)
{
	const struct walk_param_def *d;

	if ((unsigned int)id >= WALK_NPARAMS)
		return -EINVAL;
	d = &walk_params[id];
	if (d->log2) {
		if (!v || (v & (v - 1))) {
			*why = d->range;
			return -ERANGE;
		}
		v = (uint64_t)__builtin_ctzll(v);
	}
	if (!param_ok(d, v)) {
		*why = d->range;
		return -ERANGE;
	}
	param_put(p, id, v);
	return 0;
}

int walk_pt_setup(struct walk_pt *pt, const struct decode_fmt *fmt, uint64_t root,
		  const struct walk_pt_params *pp, const char **why)
{
	static const struct walk_pt_params none;
	const struct walk_pt_params *p = pp ? pp : &none;
	struct wk_geo g[WALK_MAX_LEVELS];
	const char *dummy;
	int err;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(pt, 0, sizeof(*pt));
	if (!fmt || !fmt->pt) {
		*why = "not a page-table format";
		return -EOPNOTSUPP;
	}
	if (!fmt->pt->setup) {
		*why = "no walk geometry for this format";
		return -EOPNOTSUPP;
	}
	decode_opts_init(&pt->opts);
	pt->root = root;
	pt->root_align = 4096;
	pt->perms_mask = WALK_PERMS_ALL;
	pt->fmt = fmt;
	for (int i = 0; i < WALK_NPARAMS; i++) {
		const struct walk_param_def *d = &walk_params[i];
		uint64_t v = param_get(p, (enum walk_param)i);

		if (!v)
			continue;
		if (!(fmt->pt->params & WALK_PARAM_BIT(i))) {
			*why = d->not_taken;
			return -EINVAL;
		}
		if (!param_ok(d, v)) {
			*why = d->bad;
			return -EINVAL;
		}
	}
	err = fmt->pt->setup(pt, p, why);
	if (err)
		return err;
	if (pt_geometry(pt, g) < 1) {
		*why = "the options do not give a valid table geometry";
		return -EINVAL;
	}
	/*
	 * Refused, not masked: the registers and entries that hold a root
	 * have no bits below the alignment, so an unaligned value is not a
	 * root the hardware could walk (and Arm leaves it UNPREDICTABLE).
	 */
	if (root & (pt->root_align - 1)) {
		*why = "the root is not aligned as the format's top table must be";
		return -ERANGE;
	}
	return 0;
}

/* ---- entry loading ---- */

static uint64_t load_entry(const struct wk_geo *g, const uint8_t *p)
{
	uint64_t v = 0;

	if (g->esz == 8) {
		memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		return g->be ? __builtin_bswap64(v) : v;
#else
		return g->be ? v : __builtin_bswap64(v);
#endif
	}
	{
		uint32_t w;

		memcpy(&w, p, 4);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		return g->be ? __builtin_bswap32(w) : w;
#else
		return g->be ? w : __builtin_bswap32(w);
#endif
	}
}

static int parse_entry(const struct wk_geo *g, uint64_t v, struct decode_pte *pte)
{
	uint64_t w[DECODE_MAX_WORDS] = { v };
	struct decode_entry e = { .fmt = g->fmt, .words = w, .opts = &g->ropts };

	return g->fmt->pt->parse(&e, pte);
}

/* ---- visited set of intermediate tables ---- */

struct vset {
	uint64_t *key, *val;	/* key 0 = empty; stored as pa + 1 */
	size_t cap, n;
};

static size_t vset_hash(uint64_t k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k & (cap - 1);
}

static uint64_t *vset_slot(const struct vset *s, uint64_t pa)
{
	size_t i = vset_hash(pa + 1, s->cap);

	while (s->key[i] && s->key[i] != pa + 1)
		i = (i + 1) & (s->cap - 1);
	return &s->key[i];
}

static int vset_add(struct vset *s, uint64_t pa, uint64_t val, uint64_t *old)
{
	uint64_t *k;

	if ((s->n + 1) * 2 > s->cap) {
		struct vset t = { .cap = s->cap ? s->cap * 2 : 256 };

		t.key = calloc(t.cap, sizeof(uint64_t));
		t.val = calloc(t.cap, sizeof(uint64_t));
		if (!t.key || !t.val) {
			free(t.key);
			free(t.val);
			return -ENOMEM;
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->key[i]) {
				uint64_t *nk = vset_slot(&t, s->key[i] - 1);

				*nk = s->key[i];
				t.val[nk - t.key] = s->val[i];
			}
		t.n = s->n;
		free(s->key);
		free(s->val);
		*s = t;
	}
	k = vset_slot(s, pa);
	if (*k) {
		*old = s->val[k - s->key];
		return 1;
	}
	*k = pa + 1;
	s->val[k - s->key] = val;
	s->n++;
	return 0;
}

/* ---- the walk ---- */

struct wk_frame {
	uint64_t table;		/* PA */
	uint64_t base;		/* raw input address of entry 0 */
	uint64_t idx, last;	/* next entry, last entry in the window */
	unsigned int perms;
	int d;
	uint64_t cfirst, cend;	/* entries [cfirst, cend) are in buf */
	bool cbad;		/* buf could not be read: read entries one by one */
	const uint8_t *p;	/* entries [cfirst, cend): buf, or in place (walk_mem.peek) */
	uint8_t buf[WALK_CHUNK];
};

struct wk {
	const struct walk_pt *pt;
	const struct walk_mem *m;
	const struct walk_opts *o;
	struct walk_stats *st;
	struct wk_geo g[WALK_MAX_LEVELS];
	int n;				/* levels */
	unsigned int space_bits;
	uint64_t rs, rl;		/* raw window */
	uint64_t max_tables, max_ranges;
	bool cut;			/* max_ranges reached: the walk ends */
	bool zero_np;			/* an all-zero entry is never present */
	struct walk_range pend;
	bool have_pend;
	uint64_t covered;		/* raw last byte of the last leaf emitted */
	bool have_covered;
	struct vset seen;
	int ret;
};

static uint64_t wk_final(const struct wk *w, uint64_t raw)
{
	unsigned int b = w->space_bits;

	if (w->pt->sign_extend && b < 64 && (raw >> (b - 1) & 1))
		return raw | ~mask_bits(b);
	return raw + w->pt->iova_offset;
}

static int wk_flush(struct wk *w)
{
	if (!w->have_pend || w->ret)
		return w->ret;
	w->have_pend = false;
	switch (w->pend.kind) {
	case WALK_MAP:
		w->st->ranges++;
		break;
	case WALK_FAULT:
		w->st->faults++;
		break;
	case WALK_SHARED:
		w->st->shared++;
		break;
	case WALK_LOOP:
		w->st->loops++;
		break;
	case WALK_BAD:
		w->st->bad++;
		break;
	case WALK_LIMIT:
		w->st->limited++;
		break;
	}
	w->ret = w->o->emit ? w->o->emit(w->o->priv, &w->pend) : 0;
	return w->ret;
}

static bool wk_merges(const struct walk_range *p, const struct walk_range *r)
{
	if (p->kind != r->kind || p->last == ~0ULL || r->iova != p->last + 1)
		return false;
	switch (r->kind) {
	case WALK_MAP:
		return r->perms == p->perms && r->page_shift == p->page_shift &&
		       r->pa == p->pa + (p->last - p->iova + 1);
	case WALK_FAULT:
		return r->err == p->err && r->table == p->table;
	case WALK_LIMIT:
		return r->limit == p->limit;
	default:
		return false;
	}
}

/* Ranges emitted so far, of every kind (max_ranges counts them all). */
static uint64_t wk_listed(const struct walk_stats *st)
{
	return st->ranges + st->faults + st->shared + st->loops + st->bad + st->limited;
}

/*
 * max_ranges reached at raw_lo: the rest of the window becomes a limit
 * range (two across the hole of a sign-extended space) and the walk ends.
 */
static void wk_cut(struct wk *w, uint64_t raw_lo)
{
	struct walk_range r = { .kind = WALK_LIMIT, .limit = WALK_LIMIT_RANGES };
	unsigned int b = w->space_bits;
	uint64_t lowmax = mask_bits(b - 1);

	w->cut = true;
	w->st->out_of_ranges = true;
	if (w->pt->sign_extend && b < 64 && raw_lo <= lowmax && w->rl > lowmax) {
		r.iova = wk_final(w, raw_lo);
		r.last = wk_final(w, lowmax);
		w->pend = r;
		w->have_pend = true;
		if (wk_flush(w))
			return;
		raw_lo = lowmax + 1;
	}
	r.iova = wk_final(w, raw_lo);
	r.last = wk_final(w, w->rl);
	w->pend = r;
	w->have_pend = true;
	w->covered = w->rl;
	w->have_covered = true;
}

/* Queue a range given in raw input addresses; emit the previous run when it ends. */
static void wk_range(struct wk *w, struct walk_range *r, uint64_t raw_lo, uint64_t raw_hi)
{
	if (w->ret || w->cut)
		return;
	/*
	 * Output never goes back: a large page may already cover slots that
	 * come later in its table (hostile or replicated entries).
	 */
	if (w->have_covered && raw_lo <= w->covered) {
		if (raw_hi <= w->covered)
			return;
		if (r->kind == WALK_MAP)
			r->pa += w->covered + 1 - raw_lo;
		raw_lo = w->covered + 1;
	}
	w->covered = raw_hi;
	w->have_covered = true;
	r->iova = wk_final(w, raw_lo);
	r->last = wk_final(w, raw_hi);
	if (w->have_pend && wk_merges(&w->pend, r)) {
		w->pend.last = r->last;
		w->pend.pages += r->pages;
	} else {
		if (wk_flush(w))
			return;
		/* a new range: the budget says whether it is listed or the walk ends here */
		if (wk_listed(w->st) >= w->max_ranges) {
			wk_cut(w, raw_lo);
			return;
		}
		w->pend = *r;
		w->have_pend = true;
	}
	if (r->kind == WALK_MAP)
		w->st->bytes += raw_hi - raw_lo + 1;
}

/* Raw window of the input-address space. Returns false when empty. */
static bool wk_window(struct wk *w)
{
	const struct walk_opts *o = w->o;
	unsigned int b = w->space_bits;
	uint64_t rmax = mask_bits(b), s = o->iova_start, l = o->iova_last ? o->iova_last : ~0ULL;

	if (s > l)
		return false;
	if (w->pt->sign_extend && b < 64) {
		uint64_t lowmax = mask_bits(b - 1), highmin = ~lowmax;

		w->rs = s <= lowmax ? s : s < highmin ? lowmax + 1 : s & rmax;
		w->rl = l <= lowmax ? l : l < highmin ? lowmax : l & rmax;
		return w->rs <= w->rl;
	}
	if (l < w->pt->iova_offset)
		return false;
	s = s < w->pt->iova_offset ? 0 : s - w->pt->iova_offset;
	l -= w->pt->iova_offset;
	if (s > rmax)
		return false;
	w->rs = s;
	w->rl = l < rmax ? l : rmax;
	return true;
}

/* Entry range of a table that covers raw [base, ...) at depth d, in the window. */
static bool wk_span(const struct wk *w, int d, uint64_t base, uint64_t *first, uint64_t *last)
{
	const struct wk_geo *g = &w->g[d];
	uint64_t n1 = mask_bits(g->bits);	/* last index of a full table */
	uint64_t tlast = base + ((n1 << g->shift) | mask_bits(g->shift));

	if (tlast < base)
		tlast = ~0ULL;
	if (w->rl < base || w->rs > tlast)
		return false;
	*first = w->rs > base ? (w->rs - base) >> g->shift : 0;
	*last = (w->rl < tlast ? w->rl - base : tlast - base) >> g->shift;
	return true;
}

static void wk_other(struct wk *w, enum walk_kind kind, uint64_t lo, uint64_t hi, int level,
		     uint64_t table, uint64_t at, int err, uint64_t first)
{
	struct walk_range r = {
		.kind = kind, .level = level, .table = table, .at = at, .err = err,
		.first_iova = first,
	};

	if (lo < w->rs)
		lo = w->rs;
	if (hi > w->rl)
		hi = w->rl;
	wk_range(w, &r, lo, hi);
}

static void wk_leaf(struct wk *w, const struct wk_frame *f, uint64_t raw,
		    const struct decode_pte *pte)
{
	const struct wk_geo *g = &w->g[f->d];
	unsigned int ps = pte->page_shift;
	uint64_t pmask = mask_bits(ps), page = raw, plast, lo, hi;
	struct walk_range r = { .kind = WALK_MAP, .page_shift = ps, .pages = 1 };

	if (ps >= 64)
		return;
	if (ps > g->shift) {
		/* A page replicated over several slots: list it once. */
		page = raw & ~pmask;
		if (w->have_covered && page <= w->covered)
			return;
	}
	plast = page + pmask;
	if (plast < page)
		plast = ~0ULL;
	lo = page > w->rs ? page : w->rs;
	hi = plast < w->rl ? plast : w->rl;
	if (lo > hi || (w->have_covered && hi <= w->covered))
		return;
	r.pa = pte->addr + (lo - page);
	r.perms = f->perms & pte->perms & w->pt->perms_mask;
	wk_range(w, &r, lo, hi);
	if (!w->cut)
		w->st->pages++;
}

/*
 * How many of the nblk blocks of WALK_RUN_BLOCK 8-byte entries at b, in
 * the machine's order, go on a run whose step is dlt: each entry is the
 * one before it plus dlt (the first one's: the entry at b - 8). Per block
 * an OR of the differences, no branch per entry: a loop of fixed length
 * that the compiler vectorizes. The run check of a table of 4 KiB pages is
 * most of a walk's work; on x86-64 a second copy for AVX2 (4 entries an
 * instruction, not 2) is chosen at load time where the CPU has it. b need
 * not be aligned.
 */
#define WALK_RUN_BLOCK	32
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones) && (!defined(__clang__) || __clang_major__ >= 14)
#define WALK_RUN_CLONES	__attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef WALK_RUN_CLONES
#define WALK_RUN_CLONES
#endif
WALK_RUN_CLONES
static uint64_t run_blocks(const uint8_t *b, uint64_t nblk, uint64_t dlt)
{
	uint64_t i;

	for (i = 0; i < nblk; i++, b += 8 * WALK_RUN_BLOCK) {
		uint64_t x = 0;

		for (unsigned int k = 0; k < WALK_RUN_BLOCK; k++) {
			uint64_t c, p;

			memcpy(&c, b + 8 * k, 8);
			memcpy(&p, b + 8 * k - 8, 8);
			x |= c - p - dlt;
		}
		if (x)
			break;
	}
	return i;
}

/*
 * Fast path for runs of leaves: when entry i + 1 differs from entry i by a
 * power of two and the entries after keep that difference, the run is
 * checked by parsing its last entry (leaf, same page size and permissions,
 * address exactly n pages on) and emitted as one range without parsing the
 * entries in between. A constant power-of-two step can only change bits at
 * and above it; leaving the address field needs a wrap of the address,
 * which the check of the last entry catches. The frame's last slot is part
 * of a run only when the window holds all of it (a slot the window clips
 * is wk_leaf()'s to clip).
 */
static void wk_fast(struct wk *w, struct wk_frame *f, const struct wk_geo *g, uint64_t i,
		    uint64_t v, const struct decode_pte *first)
{
	uint64_t end = f->cend < f->last ? f->cend : f->last, j, prev = v, dlt, n;
	const uint8_t *b = f->p;
	struct decode_pte pte;
	struct walk_range r = { .kind = WALK_MAP };
	uint64_t raw = f->base + (f->last << g->shift), raw_last = raw + mask_bits(g->shift);

	if (f->cend > f->last && raw >= f->base && raw_last >= raw && raw_last <= w->rl)
		end = f->last + 1;
	if (i + 2 >= end)
		return;
	dlt = load_entry(g, b + (i + 1 - f->cfirst) * g->esz) - v;
	if (!dlt || (dlt & (dlt - 1)))
		return;
	j = i + 1;
	if (g->esz == 8 && g->be == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)) {
		/*
		 * Entries in the machine's order, the common case: a block of
		 * entries at a time, one branch for them all, before the loop
		 * below finds where a run ends.
		 */
		uint64_t nblk = (end - j) / WALK_RUN_BLOCK;
		uint64_t k = run_blocks(b + (j - f->cfirst) * 8, nblk, dlt);

		j += k * WALK_RUN_BLOCK;
		/*
		 * The entries left after whole blocks: one more block that ends
		 * at end, over entries already checked, when the run got there.
		 */
		if (k == nblk && k && j < end &&
		    run_blocks(b + (end - WALK_RUN_BLOCK - f->cfirst) * 8, 1, dlt))
			j = end;
		prev = v + (j - 1 - i) * dlt;
	}
	for (; j < end; j++) {
		uint64_t cur = load_entry(g, b + (j - f->cfirst) * g->esz);

		if (cur - prev != dlt)
			break;
		prev = cur;
	}
	n = j - (i + 1);
	if (n < 2 || parse_entry(g, prev, &pte) || !pte.present || !pte.leaf ||
	    pte.page_shift != first->page_shift || pte.perms != first->perms ||
	    pte.addr != first->addr + (n << g->shift))
		return;
	raw = f->base + ((i + 1) << g->shift);
	r.pa = first->addr + (1ULL << g->shift);
	r.perms = f->perms & first->perms & w->pt->perms_mask;
	r.page_shift = first->page_shift;
	r.pages = n;
	w->st->entries += n;
	w->st->run_entries += n;
	wk_range(w, &r, raw, raw + (n << g->shift) - 1);
	if (!w->cut)
		w->st->pages += n;
	f->idx = j;
}

static int wk_push(struct wk *w, struct wk_frame *stack, int *sp, uint64_t table, uint64_t base,
		   int d, unsigned int perms)
{
	struct wk_frame *f;
	uint64_t first, last;

	if (!wk_span(w, d, base, &first, &last))
		return 0;
	f = &stack[++*sp];
	f->table = table;
	f->base = base;
	f->idx = first;
	f->last = last;
	f->perms = perms;
	f->d = d;
	f->cfirst = f->cend = 0;
	f->cbad = false;
	w->st->tables++;
	if (w->o->progress && !(w->st->tables & 4095))
		w->o->progress(w->o->priv, w->st, wk_final(w, base + (first << w->g[d].shift)));
	return 0;
}

/*
 * The entry just taken (f->idx - 1, slot raw) and those after it up to k
 * are one range: the walk goes on after k. Returns the range's last address.
 */
static uint64_t wk_pass(struct wk_frame *f, const struct wk_geo *g, uint64_t raw, uint64_t k)
{
	uint64_t last = raw + ((k - (f->idx - 1)) << g->shift) + mask_bits(g->shift);

	f->idx = k + 1;
	return last;
}

/*
 * The entry at `at` (slot raw) failed to read at fault with err. Every
 * later entry of f that starts before the end of that failing stretch
 * fails the same way (it starts past fault, inside the stretch): pass them
 * all at once, *slot_last the last one's, instead of reading each (a hostile
 * --window-size made a TCE level of 2^24 unreadable entries, 256 times).
 * The one range is what the per-entry ranges merge into.
 */
static void wk_fault_run(struct wk *w, struct wk_frame *f, uint64_t raw, uint64_t *slot_last,
			 uint64_t at, uint64_t fault, int err)
{
	const struct wk_geo *g = &w->g[f->d];
	uint64_t end, k;

	if (!w->m->fault_end || fault < at || fault - at >= g->esz ||
	    w->m->fault_end(w->m->priv, fault, err, &end) || end <= fault)
		return;
	k = (end - f->table - 1) / g->esz;	/* the last entry that starts before end */
	if (k > f->last)
		k = f->last;
	if (k >= f->idx)
		*slot_last = wk_pass(f, g, raw, k);
}

/*
 * How many entries of f lie wholly below 2^64; those past them exist
 * nowhere (a hostile table near the top of the address space wraps).
 */
static uint64_t wk_nfit(const struct wk_frame *f, const struct wk_geo *g)
{
	uint64_t room = ~0ULL - f->table;	/* bytes after the first */

	return room < g->esz - 1 ? 0 : (room - (g->esz - 1)) / g->esz + 1;
}

static void wk_load(struct wk *w, struct wk_frame *f)
{
	const struct wk_geo *g = &w->g[f->d];
	uint64_t n = WALK_CHUNK / g->esz, end = f->idx + n, nfit = wk_nfit(f, g);
	int err;

	if (end > f->last + 1)
		end = f->last + 1;
	f->cfirst = f->idx;
	f->cend = end;
	/* a chunk never runs past 2^64: what lies beyond is read (and fails) per entry */
	if (f->idx >= nfit) {
		f->cbad = true;
		return;
	}
	if (end > nfit)
		f->cend = end = nfit;
	if (w->m->peek) {
		const void *p;

		err = w->m->peek(w->m->priv, f->table + f->idx * g->esz,
				 (size_t)((end - f->idx) * g->esz), &p);
		if (!err) {
			f->p = p;
			f->cbad = false;
			return;
		}
		if (err != -EAGAIN) {
			f->cbad = true;
			if (walk_mem_failed(err))
				w->ret = err;
			return;
		}
	}
	f->p = f->buf;
	err = w->m->read(w->m->priv, f->table + f->idx * g->esz, f->buf,
			 (size_t)((end - f->idx) * g->esz), NULL);
	f->cbad = err != 0;
	if (walk_mem_failed(err))
		w->ret = err;
}

int walk_run(const struct walk_pt *pt, const struct walk_mem *m, const struct walk_opts *o,
	     struct walk_stats *st)
{
	struct wk *w = calloc(1, sizeof(*w));
	struct wk_frame *stack = NULL;
	int sp = -1, ret;

	if (!w)
		return -ENOMEM;
	w->pt = pt;
	w->m = m;
	w->o = o;
	w->st = st;
	w->max_tables = o->max_tables ? o->max_tables : WALK_MAX_TABLES_DEFAULT;
	w->max_ranges = o->max_ranges ? o->max_ranges : WALK_MAX_RANGES_DEFAULT;
	w->n = pt_geometry(pt, w->g);
	if (w->n < 1) {
		free(w);
		return -EINVAL;
	}
	w->space_bits = w->g[0].shift + w->g[0].bits;
	w->zero_np = true;
	if (!wk_window(w))
		goto done;
	stack = malloc(sizeof(*stack) * WALK_MAX_LEVELS);
	if (!stack) {
		free(w);
		return -ENOMEM;
	}
	if (st->tables >= w->max_tables)
		wk_other(w, WALK_LIMIT, w->rs, w->rl, pt->top_level, pt->root, 0, 0, 0);
	else
		wk_push(w, stack, &sp, pt->root, 0, 0, WALK_PERMS_ALL);

	while (sp >= 0 && !w->ret && !w->cut) {
		struct wk_frame *f = &stack[sp];
		const struct wk_geo *g = &w->g[f->d];
		struct decode_pte pte;
		uint64_t i, v, raw, slot_last, at;
		int cd, err;

		if (f->idx > f->last) {
			sp--;
			continue;
		}
		if (f->idx >= f->cend)
			wk_load(w, f);
		i = f->idx++;
		at = f->table + i * g->esz;
		raw = f->base + (i << g->shift);
		slot_last = raw + mask_bits(g->shift);
		if (!f->cbad) {
			v = load_entry(g, f->p + (i - f->cfirst) * g->esz);
		} else {
			uint8_t e[8];
			uint64_t fault = at;

			if (i >= wk_nfit(f, g)) {
				/* past the end of the address space: so are the rest */
				slot_last = wk_pass(f, g, raw, f->last);
				wk_other(w, WALK_FAULT, raw, slot_last, g->level, f->table, ~0ULL, -ENXIO, 0);
				continue;
			}
			err = m->read(m->priv, at, e, g->esz, &fault);
			if (walk_mem_failed(err)) {
				w->ret = err;
				break;
			}
			if (err) {
				wk_fault_run(w, f, raw, &slot_last, at, fault, err);
				wk_other(w, WALK_FAULT, raw, slot_last, g->level, f->table, fault, err, 0);
				continue;
			}
			v = load_entry(g, e);
		}
		if (!v && w->zero_np)
			continue;
		if (parse_entry(g, v, &pte) || !pte.present)
			continue;
		st->entries++;
		if (pte.leaf) {
			wk_leaf(w, f, raw, &pte);
			if (!f->cbad && pte.page_shift == g->shift)
				wk_fast(w, f, g, i, v, &pte);
			continue;
		}
		cd = (pte.next_level - pt->top_level) * pt_dir(pt);
		if (cd <= f->d || cd >= w->n) {
			wk_other(w, WALK_BAD, raw, slot_last, g->level, f->table, at, 0, 0);
			continue;
		}
		for (int k = 0; k <= sp; k++)
			if (stack[k].table == pte.addr) {
				wk_other(w, WALK_LOOP, raw, slot_last, pte.next_level, pte.addr, at, 0, 0);
				goto next;
			}
		if (cd < w->n - 1 && !o->expand_shared) {
			uint64_t first = raw > w->rs ? raw : w->rs, old;

			ret = vset_add(&w->seen, pte.addr, wk_final(w, first), &old);
			if (ret < 0) {
				w->ret = ret;
				break;
			}
			if (ret) {
				wk_other(w, WALK_SHARED, raw, slot_last, pte.next_level, pte.addr, at, 0,
					 old);
				continue;
			}
		}
		if (st->tables >= w->max_tables) {
			wk_other(w, WALK_LIMIT, raw, slot_last, pte.next_level, pte.addr, at, 0, 0);
			continue;
		}
		wk_push(w, stack, &sp, pte.addr, raw, cd, f->perms & pte.perms);
next:;
	}
done:
	wk_flush(w);
	ret = w->ret;
	free(w->seen.key);
	free(w->seen.val);
	free(stack);
	free(w);
	return ret;
}

/* ---- trail helpers ---- */

void walk_trail_init(struct walk_trail *t)
{
	memset(t, 0, sizeof(*t));
}

void walk_trail_stop(struct walk_trail *t, enum walk_stop s, const char *fmt, ...)
{
	va_list ap;

	t->stop = s;
	va_start(ap, fmt);
	vsnprintf(t->why, sizeof(t->why), fmt, ap);
	va_end(ap);
}

const char *walk_err_text(int err)
{
	switch (err) {
	case -ENXIO:
		return "not in the dump";
	case -ENODATA:
		return "excluded from the dump";
	case -EIO:
		return "corrupt in the dump";
	case -EOPNOTSUPP:
		return "compressed with an unsupported method";
	default:
		return "unreadable";
	}
}

static const char *const stop_names[] = {
	[WALK_STOP_OK] = "translated",
	[WALK_STOP_IDENTITY] = "identity",
	[WALK_STOP_NOT_PRESENT] = "not_present",
	[WALK_STOP_UNREADABLE] = "unreadable",
	[WALK_STOP_RESERVED] = "reserved_bits",
	[WALK_STOP_LOOP] = "loop",
	[WALK_STOP_MALFORMED] = "malformed",
	[WALK_STOP_RANGE] = "out_of_range",
	[WALK_STOP_BLOCKED] = "blocked",
};

const char *walk_stop_name(enum walk_stop s)
{
	return (unsigned int)s < ARRAY_SIZE(stop_names) ? stop_names[s] : "unknown";
}

static const char *const kind_names[] = {
	[WALK_MAP] = "mapping",
	[WALK_FAULT] = "unreadable",
	[WALK_SHARED] = "shared",
	[WALK_LOOP] = "loop",
	[WALK_BAD] = "malformed",
	[WALK_LIMIT] = "limit",
};

const char *walk_kind_name(enum walk_kind k)
{
	return (unsigned int)k < ARRAY_SIZE(kind_names) ? kind_names[k] : "unknown";
}

/* Decode the step's words: layout name, and whether reserved bits are set. */
static bool step_decode(struct walk_step *s, char *warn, size_t len)
{
	struct decode_result r;
	bool rsvd = false;

	if (decode_run(s->fmt, s->words, &s->opts, &r))
		return false;
	s->layout = r.layout;
	for (size_t i = 0; i < r.nrecords; i++)
		if (r.records[i].kind == BF_RSVD && r.records[i].raw) {
			rsvd = true;
			break;
		}
	if (rsvd && warn)
		for (size_t i = 0; i < r.nwarnings; i++)
			if (r.warnings[i].key && !strncmp(r.warnings[i].key, "rsvd_", 5)) {
				snprintf(warn, len, "%s", r.warnings[i].text);
				break;
			}
	decode_result_release(&r);
	return rsvd;
}

struct walk_step *walk_step_read(struct walk_trail *t, const struct walk_mem *m, const char *what,
				 const struct decode_fmt *fmt, const struct decode_opts *opts,
				 uint64_t table, uint64_t index, size_t size)
{
	uint8_t buf[DECODE_MAX_WORDS * 8];
	struct walk_step *s;
	uint64_t fault;
	size_t esz = decode_fmt_entry_size(fmt);
	int err;

	if (t->n >= WALK_MAX_STEPS) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "too many steps");
		return NULL;
	}
	s = &t->steps[t->n++];
	memset(s, 0, sizeof(*s));
	s->what = what;
	s->fmt = fmt;
	if (opts)
		s->opts = *opts;
	else
		decode_opts_init(&s->opts);
	s->opts.byteorder = DECODE_BO_VALUE;
	s->level = s->opts.level;
	s->table = table;
	s->index = index;
	s->pa = table + index * size;
	fault = s->pa;
	err = m->read(m->priv, s->pa, buf, esz, &fault);
	if (err) {
		t->err = err;
		t->fault_pa = fault;
		walk_trail_stop(t, WALK_STOP_UNREADABLE, "%s at 0x%llx is %s (0x%llx)", what,
				(unsigned long long)s->pa, walk_err_text(err),
				(unsigned long long)fault);
		snprintf(s->summary, sizeof(s->summary), "%s", walk_err_text(err));
		return NULL;
	}
	decode_words_load(fmt, &s->opts, buf, s->words);
	s->read = true;
	return s;
}

bool walk_step_reserved(struct walk_trail *t, struct walk_step *s)
{
	char warn[DECODE_WARNING_MAX] = "";

	if (!step_decode(s, warn, sizeof(warn)))
		return false;
	if (!s->summary[0])
		snprintf(s->summary, sizeof(s->summary), "reserved bits set");
	walk_trail_stop(t, WALK_STOP_RESERVED, "%s at 0x%llx: %s", s->what,
			(unsigned long long)s->pa, warn[0] ? warn : "reserved bits are set");
	return true;
}

/* ---- translation ---- */

static void pte_summary(const struct walk_step *s, char *buf, size_t len)
{
	char perms[8], size[16];

	decode_perms_format(s->pte.perms, perms);
	if (!s->pte.present) {
		snprintf(buf, len, "not present");
	} else if (s->pte.leaf) {
		size_format(1ULL << s->pte.page_shift, size, sizeof(size));
		snprintf(buf, len, "%s page at 0x%llx, %s", size, (unsigned long long)s->pte.addr,
			 perms);
	} else {
		snprintf(buf, len, "level-%d table at 0x%llx, %s", s->pte.next_level,
			 (unsigned long long)s->pte.addr, perms);
	}
}

int walk_translate(const struct walk_pt *pt, const struct walk_mem *m, uint64_t iova,
		   struct walk_trail *t)
{
	struct wk_geo g[WALK_MAX_LEVELS];
	uint64_t table = pt->root, raw, tables[WALK_MAX_LEVELS];
	unsigned int perms = WALK_PERMS_ALL, bits;
	int n = pt_geometry(pt, g), d = 0;

	if (n < 1)
		return -EINVAL;
	bits = g[0].shift + g[0].bits;
	/* The input address in table terms: offset removed, canonical form checked. */
	raw = iova - pt->iova_offset;
	if (iova < pt->iova_offset ||
	    (bits < 64 && !pt->sign_extend && (raw >> bits)) ||
	    (bits < 64 && pt->sign_extend && (raw >> (bits - 1)) &&
	     (raw >> (bits - 1)) != mask_bits(65 - bits))) {
		walk_trail_stop(t, WALK_STOP_RANGE,
				"0x%llx is outside the %u-bit input address space%s%s",
				(unsigned long long)iova, bits,
				pt->sign_extend ? " (addresses are sign-extended)" : "",
				pt->iova_offset ? " of the window" : "");
		return 0;
	}
	raw &= mask_bits(bits);
	for (;;) {
		const struct wk_geo *gd = &g[d];
		uint64_t idx = (raw >> gd->shift) & mask_bits(gd->bits);
		struct walk_step *s;
		int cd;

		tables[d] = table;
		s = walk_step_read(t, m, "page table", gd->fmt, &gd->opts, table, idx, gd->esz);
		if (!s)
			return t->stop == WALK_STOP_UNREADABLE ? 0 : -E2BIG;
		s->level = gd->level;
		if (parse_entry(gd, s->words[0], &s->pte)) {
			walk_trail_stop(t, WALK_STOP_MALFORMED, "level %d entry at 0x%llx cannot be parsed",
					gd->level, (unsigned long long)s->pa);
			return 0;
		}
		pte_summary(s, s->summary, sizeof(s->summary));
		if (walk_step_reserved(t, s))
			return 0;
		if (!s->pte.present) {
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT,
					"not present at level %d (entry 0x%llx at 0x%llx)", gd->level,
					(unsigned long long)s->words[0], (unsigned long long)s->pa);
			return 0;
		}
		perms &= s->pte.perms;
		if (s->pte.leaf) {
			unsigned int ps = s->pte.page_shift;

			t->stop = WALK_STOP_OK;
			t->page_shift = ps;
			t->perms = perms & pt->perms_mask;
			t->pa = s->pte.addr + (raw & mask_bits(ps));
			return 0;
		}
		cd = (s->pte.next_level - pt->top_level) * pt_dir(pt);
		if (cd <= d || cd >= n) {
			walk_trail_stop(t, WALK_STOP_MALFORMED,
					"level %d entry at 0x%llx points to a level-%d table, which cannot follow",
					gd->level, (unsigned long long)s->pa, s->pte.next_level);
			return 0;
		}
		for (int k = 0; k <= d; k++)
			if (tables[k] == s->pte.addr) {
				walk_trail_stop(t, WALK_STOP_LOOP,
						"the level-%d entry at 0x%llx points back to the level-%d table at 0x%llx",
						gd->level, (unsigned long long)s->pa, g[k].level,
						(unsigned long long)tables[k]);
				return 0;
			}
		table = s->pte.addr;
		d = cd;
	}
}
