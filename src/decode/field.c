/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bit-field engine: resolves options, extracts every field of the
 * selected layout into a record, warns about non-zero reserved bits and
 * reserved enum values, and appends what the page-table operations say
 * about the entry. Formats are data; this file is the only walker of them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/fmt.h"

void decode_opts_init(struct decode_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->level = DECODE_LEVEL_UNSET;
}

/* Fill in defaults and refuse options the format has no use for. */
static int decode_opts_resolve(const struct decode_fmt *fmt, const struct decode_opts *in,
			       struct decode_opts *out)
{
	static const unsigned int quirk_opt[][2] = {
		{ DECODE_QUIRK_MTK_EXT, DECODE_OPT_MTK_EXT },
		{ DECODE_QUIRK_BIG_ENDIAN, DECODE_OPT_BIG_ENDIAN },
	};
	unsigned int known = 0;
	size_t i;

	if (in)
		*out = *in;
	else
		decode_opts_init(out);

	if (out->level == DECODE_LEVEL_UNSET) {
		out->level = fmt->level_default;
	} else if (!(fmt->opts & DECODE_OPT_LEVEL) ||
		   out->level < fmt->level_min || out->level > fmt->level_max) {
		return -EINVAL;
	}

	if (out->granule) {
		if (!(fmt->opts & DECODE_OPT_GRANULE))
			return -EINVAL;
		if (out->granule != 4096 && out->granule != 16384 && out->granule != 65536)
			return -EINVAL;
	} else {
		out->granule = 4096;
	}

	if (out->page_shift) {
		/* TCE page sizes run from 4 KiB to 16 GiB. */
		if (!(fmt->opts & DECODE_OPT_PAGE_SHIFT) ||
		    out->page_shift < 12 || out->page_shift > 34)
			return -EINVAL;
	} else {
		out->page_shift = 12;
	}

	if (out->pa_bits > 64)
		return -EINVAL;

	for (i = 0; i < ARRAY_SIZE(quirk_opt); i++) {
		known |= quirk_opt[i][0];
		if ((out->quirks & quirk_opt[i][0]) && !(fmt->opts & quirk_opt[i][1]))
			return -EINVAL;
	}
	if (out->quirks & ~known)
		return -EINVAL;

	if (out->byteorder > DECODE_BO_BE)
		return -EINVAL;
	return 0;
}

static unsigned int fmt_width(const struct decode_fmt *fmt)
{
	return fmt->width ? fmt->width : 64;
}

static uint64_t swab_width(uint64_t v, unsigned int width)
{
	return width == 32 ? __builtin_bswap32((uint32_t)v) : __builtin_bswap64(v);
}

static bool fmt_is_big_endian(const struct decode_fmt *fmt, const struct decode_opts *opts)
{
	return fmt->big_endian || (opts && (opts->quirks & DECODE_QUIRK_BIG_ENDIAN));
}

/* Words as the hardware means them, from words as the caller loaded them. */
static int decode_words_convert(const struct decode_fmt *fmt, const struct decode_opts *opts,
				const uint64_t *in, uint64_t *out)
{
	unsigned int width = fmt_width(fmt);
	bool swap = false;
	unsigned int i;

	if (opts->byteorder != DECODE_BO_VALUE)
		swap = (opts->byteorder == DECODE_BO_BE) != fmt_is_big_endian(fmt, opts);

	memset(out, 0, sizeof(uint64_t) * DECODE_MAX_WORDS);
	for (i = 0; i < fmt->nwords; i++) {
		if (width < 64 && (in[i] >> width))
			return -ERANGE;
		out[i] = swap ? swab_width(in[i], width) : in[i];
	}
	return 0;
}

size_t decode_fmt_entry_size(const struct decode_fmt *fmt)
{
	return fmt->nwords * fmt_width(fmt) / 8;
}

void decode_words_load(const struct decode_fmt *fmt, const struct decode_opts *opts,
		       const void *mem, uint64_t *words)
{
	size_t bytes = fmt_width(fmt) / 8;
	bool be = fmt_is_big_endian(fmt, opts);
	const unsigned char *p = mem;
	unsigned int i;
	size_t b;

	for (i = 0; i < fmt->nwords; i++, p += bytes) {
		uint64_t v = 0;

		for (b = 0; b < bytes; b++)
			v |= (uint64_t)p[be ? bytes - 1 - b : b] << (8 * b);
		words[i] = v;
	}
}

uint64_t decode_field_get(const struct bitfield *f, const uint64_t *words)
{
	return bits64(words[f->word], f->hi, f->lo);
}

int decode_field_set(const struct decode_fmt *fmt, unsigned int layout, const char *key,
		     uint64_t value, uint64_t *words)
{
	const struct decode_layout *l;
	unsigned int i;

	if (layout >= fmt->nlayouts)
		return -ENOENT;
	l = &fmt->layouts[layout];
	for (i = 0; i < l->nfields; i++) {
		const struct bitfield *f = &l->fields[i];

		if (strcmp(f->key, key))
			continue;
		if (value > (GENMASK64(f->hi, f->lo) >> f->lo))
			return -ERANGE;
		words[f->word] &= ~GENMASK64(f->hi, f->lo);
		words[f->word] |= value << f->lo;
		return 0;
	}
	return -ENOENT;
}

void decode_perms_format(unsigned int perms, char *buf)
{
	buf[0] = perms & DECODE_PERM_R ? 'r' : '-';
	buf[1] = perms & DECODE_PERM_W ? 'w' : '-';
	buf[2] = perms & DECODE_PERM_X ? 'x' : '-';
	buf[3] = perms & DECODE_PERM_U ? 'u' : '-';
	buf[4] = '\0';
}

/*
 * Batch decoding runs this for every field of millions of entries, and
 * snprintf() was most of its time: these format the common meanings
 * directly. Output is truncated to len like snprintf's.
 */
static size_t meaning_copy(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return n;
}

static size_t meaning_number(char *buf, size_t len, uint64_t v, bool hex)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[24], *p = tmp + sizeof(tmp);
	size_t n;

	*--p = '\0';
	if (hex) {
		do {
			*--p = digits[v & 15];
			v >>= 4;
		} while (v);
		*--p = 'x';
		*--p = '0';
	} else {
		do {
			*--p = (char)('0' + v % 10);
			v /= 10;
		} while (v);
	}
	n = (size_t)(tmp + sizeof(tmp) - 1 - p);
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

static inline __attribute__((always_inline)) struct decode_record *
decode_record_new(struct decode_result *out)
{
	struct decode_record *r;

	if (out->nrecords == out->rcap) {
		size_t cap = out->rcap ? out->rcap * 2 : 32;

		r = realloc(out->records, cap * sizeof(*r));
		if (!r) {
			out->error = -ENOMEM;
			return NULL;
		}
		out->records = r;
		out->rcap = cap;
	}
	r = &out->records[out->nrecords++];
	/* every member but the meaning text; callers always write a meaning */
	memset(r, 0, offsetof(struct decode_record, meaning));
	r->meaning[0] = '\0';
	return r;
}

int decode_result_warn(struct decode_result *out, const char *key, const char *fmt, ...)
{
	struct decode_warning *w;
	va_list ap;

	if (out->nwarnings == out->wcap) {
		size_t cap = out->wcap ? out->wcap * 2 : 8;

		w = realloc(out->warnings, cap * sizeof(*w));
		if (!w) {
			out->error = -ENOMEM;
			return -ENOMEM;
		}
		out->warnings = w;
		out->wcap = cap;
	}
	w = &out->warnings[out->nwarnings++];
	w->key = key;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
	return 0;
}

static size_t decode_value_format(enum bf_kind kind, uint64_t value, char *buf, size_t len)
{
	return meaning_number(buf, len, value, kind == BF_ADDR);
}

int decode_result_add(struct decode_result *out, const char *key, const char *label,
		      enum bf_kind kind, uint64_t value, const char *meaning)
{
	struct decode_record *r = decode_record_new(out);

	if (!r)
		return -ENOMEM;
	r->key = key;
	r->label = label;
	r->kind = kind;
	r->derived = true;
	r->raw = value;
	r->value = value;
	if (meaning)
		r->mlen = (unsigned char)(1 + meaning_copy(r->meaning, sizeof(r->meaning), meaning));
	else
		r->mlen = (unsigned char)(1 + decode_value_format(kind, value, r->meaning,
								  sizeof(r->meaning)));
	return 0;
}

void decode_result_release(struct decode_result *r)
{
	free(r->records);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

const struct decode_record *decode_result_find(const struct decode_result *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nrecords; i++)
		if (!strcmp(r->records[i].key, key))
			return &r->records[i];
	return NULL;
}

/* What the fields' BFN_ and BFM_ indexes stand for (fmt.h). */
#define BF_NAMES_PTR(tbl)	[BFN_##tbl] = tbl,
#define BF_MEANING_PTR(fn)	[BFM_##fn] = fn,
static const char *const *const bf_names_tab[BFN_COUNT] = { BF_NAMES_LIST(BF_NAMES_PTR) };
static bf_meaning_fn *const bf_meaning_tab[BFM_COUNT] = { BF_MEANING_LIST(BF_MEANING_PTR) };

static const char *bf_name(const struct bitfield *f, uint64_t raw)
{
	if (!f->names || raw >= f->nnames)
		return NULL;
	return bf_names_tab[f->names][raw];
}

static void decode_field_record(const struct decode_entry *e, const struct bitfield *f,
				struct decode_result *out)
{
	struct decode_record *r = decode_record_new(out);
	uint64_t raw = decode_field_get(f, e->words);
	bool multi = e->fmt->nwords > 1;
	const char *name;
	size_t n = 0;

	if (!r)
		return;
	r->key = f->key;
	r->label = f->label;
	r->kind = f->kind;
	r->word = f->word;
	r->hi = f->hi;
	r->lo = f->lo;
	r->raw = raw;
	r->value = raw;

	switch (f->kind) {
	case BF_FLAG:
		name = bf_name(f, raw);
		if (name) {
			n = meaning_copy(r->meaning, sizeof(r->meaning), name);
		} else {
			/* most fields of most entries: the words without strlen */
			if (raw)
				memcpy(r->meaning, "yes", n = 4);
			else
				memcpy(r->meaning, "no", n = 3);
			n--;
		}
		break;
	case BF_UINT:
		/* Names on a number are labels only: a missing one is not reserved. */
		name = bf_name(f, raw);
		if (name)
			n = meaning_copy(r->meaning, sizeof(r->meaning), name);
		else
			n = decode_value_format(f->kind, raw, r->meaning, sizeof(r->meaning));
		break;
	case BF_ADDR:
		r->value = raw << (f->shift ? f->shift : f->lo);
		n = decode_value_format(f->kind, r->value, r->meaning, sizeof(r->meaning));
		if (e->opts->pa_bits && e->opts->pa_bits < 64 && (r->value >> e->opts->pa_bits))
			decode_result_warn(out, f->key,
					   "%s 0x%llx is beyond the %u-bit address width",
					   f->label, (unsigned long long)r->value, e->opts->pa_bits);
		break;
	case BF_ENUM:
		name = bf_name(f, raw);
		if (name) {
			n = meaning_copy(r->meaning, sizeof(r->meaning), name);
		} else {
			snprintf(r->meaning, sizeof(r->meaning), "reserved (%llu)",
				 (unsigned long long)raw);
			n = strlen(r->meaning);
			decode_result_warn(out, f->key, "%s: value %llu is reserved", f->label,
					   (unsigned long long)raw);
		}
		break;
	case BF_RSVD:
		n = meaning_copy(r->meaning, sizeof(r->meaning), raw ? "not zero" : "zero");
		if (!raw)
			break;
		if (multi)
			decode_result_warn(out, f->key,
					   "reserved bits %u:%u (word %u bits %u:%u) are 0x%llx, must be zero",
					   f->word * 64 + f->hi, f->word * 64 + f->lo, f->word, f->hi,
					   f->lo, (unsigned long long)raw);
		else
			decode_result_warn(out, f->key,
					   "reserved bits %u:%u are 0x%llx, must be zero",
					   f->hi, f->lo, (unsigned long long)raw);
		break;
	}
	if (f->meaning)
		bf_meaning_tab[f->meaning](e, f, raw, r->meaning, sizeof(r->meaning));
	else
		r->mlen = (unsigned char)(n + 1);
}

static const char *const pte_type_names[] = { "not present", "table", "leaf" };

static void decode_pt_records(const struct decode_entry *e, struct decode_result *out)
{
	struct decode_pte pte;
	char buf[DECODE_MEANING_MAX];
	unsigned int type;

	if (e->fmt->pt->parse(e, &pte))
		return;
	type = !pte.present ? 0 : pte.leaf ? 2 : 1;
	decode_result_add(out, "entry_type", "Entry type", BF_ENUM, type, pte_type_names[type]);
	if (!pte.present)
		return;
	if (pte.leaf) {
		decode_result_add(out, "output_addr", "Output address", BF_ADDR, pte.addr, NULL);
		size_format(1ULL << pte.page_shift, buf, sizeof(buf));
		decode_result_add(out, "page_size", "Page size", BF_UINT, 1ULL << pte.page_shift,
				  buf);
		if (pte.contig > 1)
			decode_result_add(out, "contig", "Replicated in consecutive slots",
					  BF_UINT, pte.contig, NULL);
	} else {
		decode_result_add(out, "next_table", "Next table address", BF_ADDR, pte.addr,
				  NULL);
		decode_result_add(out, "next_level", "Next table level", BF_UINT,
				  (uint64_t)pte.next_level, NULL);
	}
	decode_perms_format(pte.perms, buf);
	decode_result_add(out, "perms", "Permissions", BF_UINT, pte.perms, buf);
}

static int decode_run_keep(const struct decode_fmt *fmt, const uint64_t *words,
			   const struct decode_opts *opts, struct decode_result *out, bool keep)
{
	uint64_t w[DECODE_MAX_WORDS];
	struct decode_opts o;
	struct decode_entry e = { .fmt = fmt, .words = w, .opts = &o };
	const struct decode_layout *l;
	unsigned int i;
	int idx, err;

	if (keep) {
		/* the arrays stay; what they held goes */
		*out = (struct decode_result){ .records = out->records, .rcap = out->rcap,
					       .warnings = out->warnings, .wcap = out->wcap };
	} else {
		memset(out, 0, sizeof(*out));
	}
	if (!fmt || !words || fmt->nwords > DECODE_MAX_WORDS)
		return -EINVAL;
	err = decode_opts_resolve(fmt, opts, &o);
	if (err)
		return err;
	err = decode_words_convert(fmt, &o, words, w);
	if (err)
		return err;

	idx = fmt->select ? fmt->select(&e) : 0;
	if (idx < 0 || (unsigned int)idx >= fmt->nlayouts)
		return idx < 0 ? idx : -EINVAL;
	l = &fmt->layouts[idx];
	out->fmt = fmt;
	out->layout = l->name;

	for (i = 0; i < l->nfields; i++)
		decode_field_record(&e, &l->fields[i], out);
	if (fmt->pt)
		decode_pt_records(&e, out);
	if (fmt->derive)
		fmt->derive(&e, out);
	if (fmt->validate)
		fmt->validate(&e, out);

	if (out->error) {
		err = out->error;
		if (keep) {
			out->nrecords = out->nwarnings = 0;
			out->error = 0;
		} else {
			decode_result_release(out);
		}
		return err;
	}
	return 0;
}

int decode_run(const struct decode_fmt *fmt, const uint64_t *words,
	       const struct decode_opts *opts, struct decode_result *out)
{
	return decode_run_keep(fmt, words, opts, out, false);
}

int decode_run_again(const struct decode_fmt *fmt, const uint64_t *words,
		     const struct decode_opts *opts, struct decode_result *out)
{
	return decode_run_keep(fmt, words, opts, out, true);
}

static int decode_pt_prepare(const struct decode_fmt *fmt, const struct decode_opts *opts,
			     struct decode_opts *o)
{
	if (!fmt->pt)
		return -EOPNOTSUPP;
	return decode_opts_resolve(fmt, opts, o);
}

int decode_pt_entry(const struct decode_fmt *fmt, const uint64_t *words,
		    const struct decode_opts *opts, struct decode_pte *pte)
{
	uint64_t w[DECODE_MAX_WORDS];
	struct decode_opts o;
	struct decode_entry e = { .fmt = fmt, .words = w, .opts = &o };
	int err;

	err = decode_pt_prepare(fmt, opts, &o);
	if (err)
		return err;
	err = decode_words_convert(fmt, &o, words, w);
	if (err)
		return err;
	memset(pte, 0, sizeof(*pte));
	return fmt->pt->parse(&e, pte);
}

int decode_pt_encode(const struct decode_fmt *fmt, const struct decode_opts *opts,
		     const struct decode_pte *pte, uint64_t *words)
{
	struct decode_opts o;
	int err;

	err = decode_pt_prepare(fmt, opts, &o);
	if (err)
		return err;
	if (!fmt->pt->encode)
		return -EOPNOTSUPP;
	memset(words, 0, sizeof(uint64_t) * fmt->nwords);
	return fmt->pt->encode(&o, pte, words);
}

int decode_pt_level(const struct decode_fmt *fmt, const struct decode_opts *opts, int level,
		    struct decode_pt_level *g)
{
	struct decode_opts o;
	int err;

	err = decode_pt_prepare(fmt, opts, &o);
	if (err)
		return err;
	if (!fmt->pt->level)
		return -EOPNOTSUPP;
	if (level < fmt->level_min || level > fmt->level_max)
		return -EINVAL;
	return fmt->pt->level(&o, level, g);
}

int pt_level_9bit(int level, int leaf_level, struct decode_pt_level *g)
{
	g->shift = 12 + 9 * (unsigned int)(level - leaf_level);
	g->bits = 9;
	return 0;
}

void pt_entry_9bit(struct decode_pte *pte, uint64_t v, int level, bool leaf)
{
	pte->leaf = leaf;
	if (leaf) {
		pte->page_shift = 12 + 9 * (unsigned int)(level - 1);
		pte->addr = v & GENMASK64(51, pte->page_shift);
		pte->contig = 1;
	} else {
		pte->addr = v & GENMASK64(51, 12);
		pte->next_level = level - 1;
	}
}

void meaning_pasid_bits(const struct decode_entry *e, const struct bitfield *f, uint64_t raw,
			char *buf, size_t len)
{
	snprintf(buf, len, "%llu-bit PASID", (unsigned long long)raw + 1);
}

void meaning_pow2_entries(const struct decode_entry *e, const struct bitfield *f,
			  uint64_t raw, char *buf, size_t len)
{
	if (raw >= 64)
		snprintf(buf, len, "2^%llu entries", (unsigned long long)raw);
	else
		snprintf(buf, len, "%llu entries", 1ULL << raw);
}

void meaning_hex(const struct decode_entry *e, const struct bitfield *f, uint64_t raw,
		 char *buf, size_t len)
{
	meaning_number(buf, len, raw, true);
}
