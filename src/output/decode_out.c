/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Text and JSON forms of a decode result. The text renderer formats
 * numbers by hand into a large buffer instead of going through stdio per
 * field: batch decoding prints several lines per entry at millions of
 * entries a second, and printf would dominate the run time.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "output/decode_out.h"
#include "core/util.h"
#include "decode/decode.h"
#include "output/out.h"

static const char hex_digits[] = "0123456789abcdef";

/* ---- buffer ---- */

void decode_buf_init(struct decode_buf *b, struct out *o, size_t cap)
{
	b->data = xmalloc(cap);
	b->len = 0;
	b->cap = cap;
	b->o = o;
	b->error = 0;
	b->cache = NULL;
}

static void text_cache_free(struct decode_text_cache *c);

int decode_buf_flush(struct decode_buf *b)
{
	/* after what the writer holds: the stream gets the bytes in order */
	if (b->len && !b->error && (out_sync(b->o) || fwrite(b->data, 1, b->len, out_stream(b->o)) != b->len))
		b->error = -EIO;
	b->len = 0;
	return b->error;
}

int decode_buf_release(struct decode_buf *b)
{
	int err = decode_buf_flush(b);

	free(b->data);
	b->data = NULL;
	b->cap = 0;
	text_cache_free(b->cache);
	b->cache = NULL;
	return err;
}

char *decode_buf_reserve(struct decode_buf *b, size_t n)
{
	if (b->cap - b->len < n) {
		decode_buf_flush(b);
		if (b->cap < n) {
			b->data = xrealloc(b->data, n);
			b->cap = n;
		}
	}
	return b->data + b->len;
}

void decode_buf_puts(struct decode_buf *b, const char *s)
{
	size_t n = strlen(s);

	memcpy(decode_buf_reserve(b, n), s, n);
	b->len += n;
}

/* ---- number formatting ---- */

static unsigned int hex_ndigits(uint64_t v)
{
	return v ? (unsigned int)(64 - __builtin_clzll(v) + 3) / 4 : 1;
}

char *decode_put_hex(char *p, uint64_t v, unsigned int min_digits)
{
	unsigned int n = hex_ndigits(v);

	if (n < min_digits)
		n = min_digits;
	*p++ = '0';
	*p++ = 'x';
	for (unsigned int i = n; i-- > 0; v >>= 4)
		p[i] = hex_digits[v & 15];
	return p + n;
}

static char *put_dec(char *p, unsigned int v)
{
	char tmp[12];
	unsigned int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/*
 * Copy n bytes 16 at a time: a call to memcpy costs more than the short
 * prefix and meaning of a record line. Reads and writes up to 15 bytes
 * past n: s and p must have that room (the prefixes and meanings do).
 */
_Static_assert(DECODE_MEANING_MAX % 16 == 0, "put_chunks reads meanings 16 bytes at a time");

static char *put_chunks(char *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 16)
		memcpy(p + i, s + i, 16);
	return p + n;
}

static char *put_pad(char *p, size_t have, size_t width)
{
	if (have < width) {
		memset(p, ' ', width - have);
		p += width - have;
	}
	return p;
}

unsigned int decode_word_digits(const struct decode_fmt *fmt)
{
	return fmt->width && fmt->width < 64 ? fmt->width / 4 : 16;
}

/* "127:76" in the numbering of the whole entry, "5" for one bit, "-" when derived. */
static char *put_bits(char *p, const struct decode_record *rec)
{
	unsigned int base = rec->word * 64;

	if (rec->derived) {
		*p++ = '-';
		return p;
	}
	p = put_dec(p, base + rec->hi);
	if (rec->hi != rec->lo) {
		*p++ = ':';
		p = put_dec(p, base + rec->lo);
	}
	return p;
}

/* ---- text ---- */

struct text_widths {
	size_t bits, label, raw;
};

static void text_widths(const struct decode_result *r, struct text_widths *w)
{
	char tmp[24];

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < r->nrecords; i++) {
		const struct decode_record *rec = &r->records[i];
		size_t n = (size_t)(put_bits(tmp, rec) - tmp);

		if (n > w->bits)
			w->bits = n;
		n = strlen(rec->label);
		if (n > w->label)
			w->label = n;
		n = 2 + hex_ndigits(rec->raw);
		if (n > w->raw)
			w->raw = n;
	}
}

/* Room one record line needs, without indentation and newline. */
static size_t text_line_max(const struct text_widths *w)
{
	return w->bits + w->label + w->raw + DECODE_MEANING_MAX + 8;
}

static char *text_line(char *p, const struct decode_record *rec, const struct text_widths *w)
{
	char *start = p;
	size_t n = strlen(rec->label);

	p = put_bits(p, rec);
	p = put_pad(p, (size_t)(p - start), w->bits + 2);
	p = put_str(p, rec->label, n);
	p = put_pad(p, n, w->label + 2);
	start = p;
	p = decode_put_hex(p, rec->raw, 0);
	if (rec->meaning[0]) {
		p = put_pad(p, (size_t)(p - start), w->raw + 2);
		p = put_str(p, rec->meaning, strlen(rec->meaning));
	}
	return p;
}

/* The options that matter for this format, resolved to what decode_run() used. */
struct shown_opts {
	bool level, granule, page;
	int level_val;
	unsigned int granule_val, page_shift;
	unsigned int quirks;
	enum decode_byteorder byteorder;
};

static void shown_opts(const struct decode_fmt *fmt, const struct decode_opts *opts,
		       struct shown_opts *s)
{
	struct decode_opts dflt;

	if (!opts) {
		decode_opts_init(&dflt);
		opts = &dflt;
	}
	s->level = fmt->opts & DECODE_OPT_LEVEL;
	s->granule = fmt->opts & DECODE_OPT_GRANULE;
	s->page = fmt->opts & DECODE_OPT_PAGE_SHIFT;
	s->level_val = opts->level == DECODE_LEVEL_UNSET ? fmt->level_default : opts->level;
	s->granule_val = opts->granule ? opts->granule : 4096;
	s->page_shift = opts->page_shift ? opts->page_shift : 12;
	s->quirks = opts->quirks;
	s->byteorder = opts->byteorder;
}

static const char *const byteorder_names[] = {
	[DECODE_BO_VALUE] = "value",
	[DECODE_BO_LE] = "le",
	[DECODE_BO_BE] = "be",
};

static const struct {
	unsigned int quirk;
	const char *name;
} quirk_names[] = {
	{ DECODE_QUIRK_MTK_EXT, "mtk-ext" },
	{ DECODE_QUIRK_BIG_ENDIAN, "big-endian" },
};

/* " [level 3, granule 4K, layout page]" or nothing. */
static char *put_heading_opts(char *p, const struct decode_result *r, const struct decode_opts *opts)
{
	struct shown_opts s;
	char sz[24];
	bool any = false;

	shown_opts(r->fmt, opts, &s);
#define SEP() do { p = put_str(p, any ? ", " : " [", 2); any = true; } while (0)
	if (s.level) {
		SEP();
		p = put_str(p, "level ", 6);
		if (s.level_val < 0)
			*p++ = '-';
		p = put_dec(p, (unsigned int)(s.level_val < 0 ? -s.level_val : s.level_val));
	}
	if (s.granule) {
		SEP();
		size_format(s.granule_val, sz, sizeof(sz));
		p = put_str(p, "granule ", 8);
		p = put_str(p, sz, strlen(sz));
	}
	if (s.page) {
		SEP();
		size_format(1ULL << s.page_shift, sz, sizeof(sz));
		p = put_str(p, "page ", 5);
		p = put_str(p, sz, strlen(sz));
	}
	for (size_t i = 0; i < ARRAY_SIZE(quirk_names); i++)
		if (s.quirks & quirk_names[i].quirk) {
			SEP();
			p = put_str(p, quirk_names[i].name, strlen(quirk_names[i].name));
		}
	if (s.byteorder != DECODE_BO_VALUE) {
		SEP();
		p = put_str(p, "byteorder ", 10);
		p = put_str(p, byteorder_names[s.byteorder], 2);
	}
	if (r->fmt->nlayouts > 1 && r->layout) {
		SEP();
		p = put_str(p, "layout ", 7);
		p = put_str(p, r->layout, strlen(r->layout));
	}
#undef SEP
	if (any)
		*p++ = ']';
	return p;
}

static size_t heading_max(const struct decode_result *r)
{
	return strlen(r->fmt->name) + r->fmt->nwords * 20 +
	       (r->layout ? strlen(r->layout) : 0) + 128;
}

static char *put_heading(char *p, const struct decode_result *r, const uint64_t *words,
			 const struct decode_opts *opts)
{
	unsigned int digits = decode_word_digits(r->fmt);

	p = put_str(p, r->fmt->name, strlen(r->fmt->name));
	for (unsigned int i = 0; i < r->fmt->nwords; i++) {
		*p++ = ' ';
		p = decode_put_hex(p, words[i], digits);
	}
	return put_heading_opts(p, r, opts);
}

/*
 * Everything left of the RAW column ("  63:12  Label    ") depends only on
 * which records an entry has, and consecutive entries of a batch nearly
 * always have the same ones: keep those prefixes for a few record sets.
 */
struct text_rec_key {
	const char *label;
	unsigned int word, hi, lo;
	bool derived;
};

struct text_prefixes {
	size_t n;
	struct text_rec_key *keys;
	char **prefix;
	size_t *len;
	size_t room;		/* sum of len[i] + 4 + DECODE_MEANING_MAX + 2 + 16 */
};

#define TEXT_CACHE_SLOTS 8

struct decode_text_cache {
	struct text_prefixes slot[TEXT_CACHE_SLOTS];
	unsigned int next;
};

static void prefixes_clear(struct text_prefixes *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->prefix[i]);
	free(t->keys);
	free(t->prefix);
	free(t->len);
	memset(t, 0, sizeof(*t));
}

static void text_cache_free(struct decode_text_cache *c)
{
	if (!c)
		return;
	for (unsigned int i = 0; i < TEXT_CACHE_SLOTS; i++)
		prefixes_clear(&c->slot[i]);
	free(c);
}

static bool prefixes_match(const struct text_prefixes *t, const struct decode_result *r)
{
	if (t->n != r->nrecords || !t->n)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		const struct decode_record *rec = &r->records[i];
		const struct text_rec_key *k = &t->keys[i];

		if (k->label != rec->label || k->derived != rec->derived ||
		    (!rec->derived && (k->word != rec->word || k->hi != rec->hi || k->lo != rec->lo)))
			return false;
	}
	return true;
}

static void prefixes_build(struct text_prefixes *t, const struct decode_result *r)
{
	struct text_widths w;

	text_widths(r, &w);
	t->n = r->nrecords;
	t->keys = xcalloc(t->n, sizeof(*t->keys));
	t->prefix = xcalloc(t->n, sizeof(*t->prefix));
	t->len = xcalloc(t->n, sizeof(*t->len));
	for (size_t i = 0; i < t->n; i++) {
		const struct decode_record *rec = &r->records[i];
		size_t n = strlen(rec->label);
		char *p = xmalloc(w.bits + w.label + 8 + 16), *q = p;	/* + put_chunks' room */

		t->keys[i] = (struct text_rec_key){ rec->label, rec->word, rec->hi, rec->lo, rec->derived };
		*q++ = ' ';
		*q++ = ' ';
		q = put_bits(q, rec);
		q = put_pad(q, (size_t)(q - p) - 2, w.bits + 2);
		q = put_str(q, rec->label, n);
		q = put_pad(q, n, w.label + 2);
		t->prefix[i] = p;
		t->len[i] = (size_t)(q - p);
		t->room += t->len[i] + 4 + DECODE_MEANING_MAX + 2 + 16;
	}
}

static const struct text_prefixes *text_prefixes(struct decode_buf *b, const struct decode_result *r)
{
	struct decode_text_cache *c = b->cache;
	struct text_prefixes *t;

	if (!c)
		c = b->cache = xcalloc(1, sizeof(*c));
	for (unsigned int i = 0; i < TEXT_CACHE_SLOTS; i++)
		if (prefixes_match(&c->slot[i], r))
			return &c->slot[i];
	t = &c->slot[c->next];
	c->next = (c->next + 1) % TEXT_CACHE_SLOTS;
	prefixes_clear(t);
	prefixes_build(t, r);
	return t;
}

void decode_text_entry(struct decode_buf *b, const struct decode_result *r, const uint64_t *words,
		       const struct decode_opts *opts)
{
	const struct text_prefixes *t = NULL;
	size_t wraw = 0;
	char *p;

	if (r->nrecords)
		t = text_prefixes(b, r);
	for (size_t i = 0; i < r->nrecords; i++) {
		size_t n = 2 + hex_ndigits(r->records[i].raw);

		if (n > wraw)
			wraw = n;
	}
	/* room for the heading and every line at once: one check per entry */
	p = decode_buf_reserve(b, heading_max(r) + (t ? t->room : 0));
	p = put_heading(p, r, words, opts);
	*p++ = '\n';
	for (size_t i = 0; i < r->nrecords; i++) {
		const struct decode_record *rec = &r->records[i];
		size_t ml = rec->mlen ? rec->mlen - 1u : strlen(rec->meaning);
		char *start;

		p = put_chunks(p, t->prefix[i], t->len[i]);
		start = p;
		p = decode_put_hex(p, rec->raw, 0);
		if (ml) {
			p = put_pad(p, (size_t)(p - start), wraw + 2);
			/* the meaning array is a multiple of 16 bytes: room to read on */
			p = ml < sizeof(rec->meaning) ? put_chunks(p, rec->meaning, ml)
						      : put_str(p, rec->meaning, ml);
		}
		*p++ = '\n';
	}
	b->len = (size_t)(p - b->data);
	for (size_t i = 0; i < r->nwarnings; i++) {
		decode_buf_puts(b, "  warning: ");
		decode_buf_puts(b, r->warnings[i].text);
		decode_buf_puts(b, "\n");
	}
}

/* ---- emitter (detail views, JSON) ---- */

static void emit_value(struct out *o, const struct decode_record *rec)
{
	switch (rec->kind) {
	case BF_FLAG:
		if (!rec->derived) {
			out_bool(o, "value", NULL, rec->value);
			break;
		}
		out_u64(o, "value", NULL, rec->value);
		break;
	case BF_ADDR:
		out_hex(o, "value", NULL, rec->value);
		break;
	default:
		out_u64(o, "value", NULL, rec->value);
		break;
	}
}

static void emit_fields(struct out *o, const struct decode_result *r)
{
	char buf[40];

	out_list_begin(o, "fields", NULL);
	for (size_t i = 0; i < r->nrecords; i++) {
		const struct decode_record *rec = &r->records[i];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "key", NULL, rec->key);
		out_str(o, "label", NULL, rec->label);
		if (rec->derived) {
			out_str(o, "bits", NULL, NULL);
			out_str(o, "word", NULL, NULL);
			out_str(o, "hi", NULL, NULL);
			out_str(o, "lo", NULL, NULL);
		} else {
			*put_bits(buf, rec) = '\0';
			out_str(o, "bits", NULL, buf);
			out_u64(o, "word", NULL, rec->word);
			out_u64(o, "hi", NULL, rec->hi);
			out_u64(o, "lo", NULL, rec->lo);
		}
		out_bool(o, "derived", NULL, rec->derived);
		out_hex(o, "raw", NULL, rec->raw);
		emit_value(o, rec);
		out_str(o, "meaning", NULL, rec->meaning);
		out_obj_end(o);
	}
	out_list_end(o);
	out_list_begin(o, "warnings", NULL);
	for (size_t i = 0; i < r->nwarnings; i++) {
		out_obj_begin(o, NULL, NULL);
		out_str(o, "key", NULL, r->warnings[i].key);
		out_str(o, "text", NULL, r->warnings[i].text);
		out_obj_end(o);
	}
	out_list_end(o);
}

static void emit_input(struct out *o, const struct decode_result *r, const uint64_t *words,
		       const struct decode_opts *opts)
{
	unsigned int digits = decode_word_digits(r->fmt);
	struct shown_opts s;
	struct strv quirks = { 0 };
	char buf[24];

	out_list_begin(o, "words", NULL);
	for (unsigned int i = 0; i < r->fmt->nwords; i++) {
		*decode_put_hex(buf, words[i], digits) = '\0';
		out_str(o, NULL, NULL, buf);
	}
	out_list_end(o);
	shown_opts(r->fmt, opts, &s);
	out_str(o, "byteorder", NULL, byteorder_names[s.byteorder]);
	if (s.level)
		out_i64(o, "level", NULL, s.level_val);
	if (s.granule)
		out_u64(o, "granule", NULL, s.granule_val);
	if (s.page)
		out_u64(o, "page_shift", NULL, s.page_shift);
	if (r->fmt->opts & (DECODE_OPT_MTK_EXT | DECODE_OPT_BIG_ENDIAN)) {
		for (size_t i = 0; i < ARRAY_SIZE(quirk_names); i++)
			if (s.quirks & quirk_names[i].quirk)
				strv_push(&quirks, quirk_names[i].name);
		out_strv(o, "quirks", NULL, &quirks);
		strv_free(&quirks);
	}
}

void decode_emit_entry(struct out *o, const char *key, const char *label,
		       const struct decode_result *r, const uint64_t *words,
		       const struct decode_opts *opts)
{
	out_obj_begin(o, key, label);
	if (out_is_json(o)) {
		out_str(o, "format", NULL, r->fmt->name);
		out_str(o, "layout", NULL, r->layout);
		if (words)
			emit_input(o, r, words, opts);
		emit_fields(o, r);
	} else {
		struct text_widths w;
		char *line, *end;

		text_widths(r, &w);
		line = xmalloc(text_line_max(&w) + heading_max(r));
		if (words) {
			end = put_heading(line, r, words, opts);
			*end = '\0';
			out_text(o, "%s", line);
		}
		for (size_t i = 0; i < r->nrecords; i++) {
			end = text_line(line, &r->records[i], &w);
			*end = '\0';
			out_text(o, "%s", line);
		}
		for (size_t i = 0; i < r->nwarnings; i++)
			out_text(o, "warning: %s", r->warnings[i].text);
		free(line);
	}
	out_obj_end(o);
}

void decode_emit(struct out *o, const char *key, const char *label, const struct decode_result *r)
{
	decode_emit_entry(o, key, label, r, NULL, NULL);
}

/* ---- entries one after another ---- */

void decode_printer_begin(struct decode_printer *p, struct out *o, bool list)
{
	p->o = o;
	p->list = list;
	if (!out_is_json(o))
		decode_buf_init(&p->buf, o, 1 << 20);	/* few write(2)s for millions of entries */
	else if (list)
		out_list_begin(o, NULL, NULL);
}

void decode_printer_entry(struct decode_printer *p, const struct decode_result *r,
			  const uint64_t *words, const struct decode_opts *opts)
{
	if (out_is_json(p->o))
		decode_emit_entry(p->o, NULL, NULL, r, words, opts);
	else
		decode_text_entry(&p->buf, r, words, opts);
}

bool decode_printer_failed(const struct decode_printer *p)
{
	return !out_is_json(p->o) && p->buf.error;
}

int decode_printer_end(struct decode_printer *p)
{
	if (!out_is_json(p->o))
		return decode_buf_release(&p->buf);
	if (p->list)
		out_list_end(p->o);
	return out_flush(p->o);
}
