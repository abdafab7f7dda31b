/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The writer. Detail views and JSON stream: each call writes at once,
 * keeping only a stack of open containers, so output of any length takes
 * constant memory. List views gather their rows (text alignment needs all
 * of them) and render through libsmartcols, lsblk's engine, or as JSON
 * through the same streaming calls. The JSON is spelled as json-c spells
 * it (plain: no spaces; -p: two-space indentation, "key": value), "/" is
 * not escaped.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "core/dlib_smartcols.h"
#include "core/exitcodes.h"
#include "core/textesc.h"
#include "core/util.h"
#include "output/out.h"

#define OUT_MAX_DEPTH 64

struct out_frame {
	bool list;           /* JSON array (else object) */
	bool labelled;       /* text: this level indented */
	size_t n;            /* JSON: members written */
};

struct out {
	struct out_opts opt;
	FILE *f;
	int depth;
	int skip;            /* containers opened past OUT_MAX_DEPTH: ignored */
	/*
	 * JSON: the top-level container was closed but its closing bracket is
	 * held back until out_flush, so that a later value at the top level
	 * still lands inside it (one document per flush).
	 */
	bool root_held;
	bool root_list;
	bool started;
	/*
	 * A document nested in another (out_doc_begin): it sits at depth
	 * base, as member doc_key of the container below; 0 at the top level.
	 */
	int base;
	const char *doc_key;
	bool doc_written;
	int indent;          /* text */
	/* out_set_before_write: run before bytes go to f; whole lines only */
	void (*before_write)(void *priv);
	void *before_priv;
	struct out_frame st[OUT_MAX_DEPTH];
	/* bytes not yet handed to f (see "bytes" below) */
	size_t blen;
	char buf[1 << 16];	/* a walk or batch decode writes a few hundred MB: few write(2)s */
};

struct out *out_new(const struct out_opts *opts)
{
	/* not calloc: zeroing the 64 KiB buffer faults in 16 pages a short command never writes */
	struct out *o = xmalloc(sizeof(*o));

	memset(o, 0, offsetof(struct out, buf));

	o->opt = *opts;
	o->f = opts->f ? opts->f : stdout;
	return o;
}

bool out_is_json(const struct out *o)
{
	return o->opt.json;
}

bool out_isatty(const struct out *o)
{
	return isatty(fileno(o->f));
}

const struct out_opts *out_opts(const struct out *o)
{
	return &o->opt;
}

bool out_started(const struct out *o)
{
	return o->started;
}

/* ---- bytes ----
 *
 * The writer is the program's one output path and a walk writes millions
 * of values: unlocked stdio (the tool has one thread) and number
 * formatting without printf's format parsing.
 */

/* Before bytes go to the file: the hook (a progress line erased). */
static inline void before_write(struct out *o)
{
	if (o->before_write)
		o->before_write(o->before_priv);
}

/* Hand the buffered bytes to the file: before anything writes to it directly. */
static void sync_(struct out *o)
{
	if (o->blen) {
		before_write(o);
		fwrite(o->buf, 1, o->blen, o->f);
		o->blen = 0;
		if (o->before_write)
			fflush(o->f);
	}
}

/*
 * The buffer is full: hand it over; with a hook, whole lines only (the
 * rest of a line stays), so that what the hook draws after it starts on a
 * line of its own.
 */
static void sync_full(struct out *o)
{
	char *nl;
	size_t n;

	if (!o->before_write || !(nl = memrchr(o->buf, '\n', o->blen))) {
		sync_(o);
		return;
	}
	n = (size_t)(nl - o->buf) + 1;
	before_write(o);
	fwrite(o->buf, 1, n, o->f);
	fflush(o->f);
	memmove(o->buf, o->buf + n, o->blen - n);
	o->blen -= n;
}

void out_set_before_write(struct out *o, void (*fn)(void *priv), void *priv)
{
	o->before_write = fn;
	o->before_priv = priv;
}

static inline void put(struct out *o, const char *s, size_t n)
{
	char *d;

	if (n > sizeof(o->buf) - o->blen) {
		sync_full(o);
		if (n > sizeof(o->buf) - o->blen) {
			sync_(o);
			if (n >= sizeof(o->buf)) {
				before_write(o);
				fwrite(s, 1, n, o->f);
				return;
			}
		}
	}
	d = o->buf + o->blen;
	o->blen += n;
	/* most pieces are a few bytes: a call to memcpy costs more than they do */
	if (n > 16) {
		memcpy(d, s, n);
		return;
	}
	while (n--)
		*d++ = *s++;
}

static inline void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static inline void putch(struct out *o, char c)
{
	if (o->blen == sizeof(o->buf))
		sync_full(o);
	o->buf[o->blen++] = c;
}

int out_sync(struct out *o)
{
	sync_(o);
	/* the caller writes to the stream next */
	before_write(o);
	return ferror(o->f) ? -EIO : 0;
}

FILE *out_stream(const struct out *o)
{
	return o->f;
}

/* fprintf, in order with the buffered bytes (layouts out of fmt_simple's reach) */
static void __attribute__((format(printf, 2, 0))) ovprintf(struct out *o, const char *fmt, va_list ap)
{
	sync_(o);
	before_write(o);
	vfprintf(o->f, fmt, ap);
}

static void __attribute__((format(printf, 2, 3))) oprintf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ovprintf(o, fmt, ap);
	va_end(ap);
}

/* val in decimal, at the end of buf[24]: returns where it starts */
static char *fmt_dec(char buf[24], uint64_t val)
{
	char *p = buf + 24;

	*--p = '\0';
	do
		*--p = (char)('0' + val % 10);
	while (val /= 10);
	return p;
}

static char *fmt_sdec(char buf[24], int64_t val)
{
	char *p;

	if (val >= 0)
		return fmt_dec(buf, (uint64_t)val);
	p = fmt_dec(buf, -(uint64_t)val);
	*--p = '-';
	return p;
}

/* "0x..." in lower case, at the end of buf[24] */
static char *fmt_hex(char buf[24], uint64_t val)
{
	static const char digits[] = "0123456789abcdef";
	char *p = buf + 24;

	*--p = '\0';
	while (val > 0xff) {
		*--p = digits[val & 15];
		*--p = digits[(val >> 4) & 15];
		val >>= 8;
	}
	*--p = digits[val & 15];
	if (val > 15)
		*--p = digits[val >> 4];
	*--p = 'x';
	*--p = '0';
	return p;
}

static void pad(struct out *o, char c, int n)
{
	while (n > 0) {
		size_t k;

		if (o->blen == sizeof(o->buf))
			sync_full(o);
		k = sizeof(o->buf) - o->blen;
		if (k > (size_t)n)
			k = (size_t)n;
		memset(o->buf + o->blen, c, k);
		o->blen += k;
		n -= (int)k;
	}
}

/*
 * The text layouts of out_fmt_*: literal text around one conversion of a
 * string or an integer, "%-10s ", "0x%016" PRIx64 "  ", "%-7" PRIu64.
 * Written without vfprintf (a walk prints millions of them); a layout
 * with anything else (a precision, a '*', two conversions) goes to
 * fprintf. Layouts are string literals, so each is parsed once and kept
 * by its address.
 */
enum fmt_arg { FA_STR, FA_U64, FA_I64 };

struct fmt_spec {
	const char *fmt;     /* the layout; NULL: slot empty */
	bool simple;         /* false: fprintf */
	bool left, zero;
	char conv;           /* s u d x */
	int width;
	size_t prefix;       /* literal bytes before the '%' */
	const char *rest;    /* literal text after the conversion */
	size_t restlen;
};

static void fmt_parse(struct fmt_spec *sp, const char *fmt)
{
	const char *pct = strchr(fmt, '%'), *p;

	*sp = (struct fmt_spec){ .fmt = fmt };
	if (!pct)
		return;
	for (p = pct + 1;; p++) {
		if (*p == '-')
			sp->left = true;
		else if (*p == '0')
			sp->zero = true;
		else if (*p == '#' || *p == '+' || *p == ' ')
			return;
		else
			break;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		sp->width = sp->width * 10 + (*p - '0');
		if (sp->width > 4096)
			return;
	}
	while (*p == 'l' || *p == 'j' || *p == 'z')
		p++;
	if (!*p || !strchr("sudix", *p) || strchr(p + 1, '%'))
		return;
	sp->conv = *p == 'i' ? 'd' : *p;
	sp->prefix = (size_t)(pct - fmt);
	sp->rest = p + 1;
	sp->restlen = strlen(sp->rest);
	sp->simple = !(sp->conv == 's' && sp->zero);
}

static const struct fmt_spec *fmt_spec(const char *fmt)
{
	static struct fmt_spec cache[64];
	struct fmt_spec *sp = &cache[((uintptr_t)fmt >> 3) % 64];

	if (sp->fmt != fmt)
		fmt_parse(sp, fmt);
	return sp;
}

static bool fmt_simple(struct out *o, const char *fmt, enum fmt_arg kind, const char *sval, uint64_t uval)
{
	const struct fmt_spec *sp = fmt_spec(fmt);
	char buf[24];
	const char *digits;
	size_t len;

	if (!sp->simple)
		return false;
	switch (sp->conv) {
	case 's':
		if (kind != FA_STR)
			return false;
		digits = sval ? sval : "-";
		break;
	case 'u':
		if (kind != FA_U64)
			return false;
		digits = fmt_dec(buf, uval);
		break;
	case 'd':
		if (kind != FA_I64 || (sp->zero && !sp->left && (int64_t)uval < 0))
			return false;
		digits = fmt_sdec(buf, (int64_t)uval);
		break;
	default: /* x */
		if (kind == FA_STR)
			return false;
		digits = fmt_hex(buf, uval) + 2;
	}
	len = strlen(digits);
	put(o, fmt, sp->prefix);
	if (!sp->left)
		pad(o, sp->zero ? '0' : ' ', sp->width - (int)len);
	put(o, digits, len);
	if (sp->left)
		pad(o, ' ', sp->width - (int)len);
	put(o, sp->rest, sp->restlen);
	return true;
}

/* ---- JSON primitives ---- */

/* The bytes a JSON string cannot hold as they are: controls, '"' and '\\'. */
static const unsigned char json_escaped[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static void json_string(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;

	putch(o, '"');
	for (;; p++) {
		const char *esc;
		char u[7];

		if (!json_escaped[*p])
			continue;
		/* the run of characters that need no escape, then this one */
		put(o, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		switch (*p) {
		case '"':  esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[*p >> 4];
			u[5] = hex[*p & 15];
			u[6] = '\0';
			esc = u;
		}
		puts_(o, esc);
		run = p + 1;
	}
	putch(o, '"');
}

static void json_indent(struct out *o, int depth)
{
	putch(o, '\n');
	for (int i = 0; i < depth; i++)
		puts_(o, "  ");
}

/* Separator, indentation and key of a new member or item of the open container. */
static void json_key(struct out *o, const char *key)
{
	struct out_frame *t = &o->st[o->depth - 1];

	if (t->n++)
		putch(o, ',');
	if (o->opt.pretty)
		json_indent(o, o->depth);
	if (!t->list) {
		json_string(o, key ? key : "value");
		puts_(o, o->opt.pretty ? ": " : ":");
	}
}

/* Where a document's value starts: nothing at the top level, its key in a nested one. */
static void json_doc_start(struct out *o)
{
	if (o->base)
		json_key(o, o->doc_key);
	o->doc_written = true;
	o->started = true;
}

/* Open the implicit top-level object, or reopen a held one. */
static void json_root(struct out *o)
{
	if (o->depth > o->base)
		return;
	if (o->root_held) {
		o->root_held = false;
		o->depth = o->base + 1;
		return;
	}
	json_doc_start(o);
	putch(o, '{');
	o->st[o->base] = (struct out_frame){ .list = false };
	o->depth = o->base + 1;
}

/* Position for a new member or item: separator, indentation, key. */
static void json_member(struct out *o, const char *key)
{
	json_root(o);
	json_key(o, key);
}

static void json_open(struct out *o, const char *key, bool list)
{
	if (o->skip || o->depth >= OUT_MAX_DEPTH) {
		o->skip++;
		return;
	}
	if (o->depth == o->base && !o->root_held && !key) {
		/* the container is the document */
		json_doc_start(o);
	} else {
		json_member(o, key);
	}
	putch(o, list ? '[' : '{');
	o->st[o->depth++] = (struct out_frame){ .list = list };
}

static void json_close(struct out *o)
{
	bool list;

	if (o->skip) {
		o->skip--;
		return;
	}
	if (o->depth <= o->base)
		return;
	list = o->st[--o->depth].list;
	if (o->depth == o->base) {
		o->root_held = true;
		o->root_list = list;
		return;
	}
	if (o->opt.pretty)
		json_indent(o, o->depth);
	putch(o, list ? ']' : '}');
}

static void json_end_document(struct out *o)
{
	while (o->depth > o->base)
		json_close(o);
	if (o->root_held) {
		if (o->opt.pretty)
			json_indent(o, o->base);
		putch(o, o->root_list ? ']' : '}');
		if (!o->base)
			putch(o, '\n');
		o->root_held = false;
	}
	o->skip = 0;
	o->started = false;
}

int out_flush(struct out *o)
{
	sync_(o);
	if (fflush(o->f) || ferror(o->f))
		return -EIO;
	return 0;
}

int out_end(struct out *o)
{
	if (o->opt.json)
		json_end_document(o);
	return out_flush(o);
}

void out_doc_begin(struct out *o, const char *key)
{
	if (!o->opt.json)
		return;
	/* a document at the top level first, so that the nested one has a container */
	json_root(o);
	o->base = o->depth;
	o->doc_key = key;
	o->doc_written = false;
}

void out_doc_end(struct out *o)
{
	if (!o->opt.json || !o->base)
		return;
	json_end_document(o);
	if (!o->doc_written) {
		json_key(o, o->doc_key);
		puts_(o, "{}");
	}
	o->base = 0;
	o->started = true;
}

void out_set_list(struct out *o, const struct out_opts *list)
{
	o->opt.columns = list->columns;
	o->opt.noheadings = list->noheadings;
	o->opt.raw = list->raw;
	o->opt.pairs = list->pairs;
	o->opt.list_columns = list->list_columns;
	o->opt.width = list->width;
	o->opt.sort = list->sort;
	o->opt.filters = list->filters;
	o->opt.nfilters = list->nfilters;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	out_end(o);
	free(o);
}

void out_error(struct out *o, const char *message, int err, int exit_status)
{
	if (!o->opt.json)
		return;
	/* back to the top level, whatever the failure interrupted */
	while (o->depth > 1)
		json_close(o);
	if (o->depth || o->root_held) {
		json_root(o);
		if (o->st[0].list) {
			json_open(o, NULL, false);
			json_open(o, "error", false);
		} else {
			json_open(o, "error", false);
		}
	} else {
		json_open(o, NULL, false);
		json_open(o, "error", false);
	}
	out_str(o, "message", NULL, message);
	out_i64(o, "errno", NULL, err < 0 ? -err : err);
	out_i64(o, "exit", NULL, exit_status);
	out_end(o);
}

/* ---- text primitives ---- */

/*
 * Text values and labels come from trees, snapshots and dumps: controls
 * (an escape sequence, a newline that forges a line) print as \xNN, as in
 * the list views (core/textesc.h).
 */
static void put_text(struct out *o, const char *s)
{
	for (;;) {
		size_t n = text_safe_prefix(s);
		char esc[4];

		put(o, s, n);
		s += n;
		if (!*s)
			return;
		text_escape_byte((unsigned char)*s++, esc);
		put(o, esc, sizeof(esc));
	}
}

/* printf, escaped as put_text; keep_nl: a newline that ends fmt is the layout's own */
static void __attribute__((format(printf, 2, 0)))
put_textv(struct out *o, const char *fmt, va_list ap, bool keep_nl)
{
	char small[512], *s = small;
	bool nl;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		s = xmalloc((size_t)n + 1);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	}
	nl = keep_nl && n && s[n - 1] == '\n' && fmt[strlen(fmt) - 1] == '\n';
	if (nl)
		s[n - 1] = '\0';
	put_text(o, s);
	if (nl)
		putch(o, '\n');
	if (s != small)
		free(s);
}

static void text_open(struct out *o, const char *label)
{
	if (o->skip || o->depth >= OUT_MAX_DEPTH) {
		o->skip++;
		return;
	}
	o->st[o->depth++].labelled = label != NULL;
	if (label) {
		pad(o, ' ', o->indent);
		put_text(o, label);
		put(o, ":\n", 2);
		o->indent += 2;
	}
	o->started = true;
}

static void text_close(struct out *o)
{
	if (o->skip) {
		o->skip--;
		return;
	}
	if (o->depth <= 0)
		return;
	if (o->st[--o->depth].labelled)
		o->indent -= 2;
}

static void text_line(struct out *o, const char *label, const char *val)
{
	pad(o, ' ', o->indent);
	if (label) {
		put_text(o, label);
		put(o, ": ", 2);
	}
	put_text(o, val);
	putch(o, '\n');
	o->started = true;
}

/* ---- detail views ---- */

void out_obj_begin(struct out *o, const char *key, const char *label)
{
	if (o->opt.json)
		json_open(o, key, false);
	else
		text_open(o, label);
}

void out_list_begin(struct out *o, const char *key, const char *label)
{
	if (o->opt.json)
		json_open(o, key, true);
	else
		text_open(o, label);
}

void out_obj_end(struct out *o)
{
	if (o->opt.json)
		json_close(o);
	else
		text_close(o);
}

void out_list_end(struct out *o)
{
	out_obj_end(o);
}

/* A JSON member whose value is written by the caller; false when skipped. */
static bool json_value(struct out *o, const char *key)
{
	if (o->skip)
		return false;
	json_member(o, key);
	return true;
}

void out_str(struct out *o, const char *key, const char *label, const char *val)
{
	if (!o->opt.json) {
		text_line(o, label ? label : key, val ? val : "-");
		return;
	}
	if (!json_value(o, key))
		return;
	if (val)
		json_string(o, val);
	else
		puts_(o, "null");
}

void out_null(struct out *o, const char *key, const char *label)
{
	out_str(o, key, label, NULL);
}

void out_u64(struct out *o, const char *key, const char *label, uint64_t val)
{
	char buf[24], *d = fmt_dec(buf, val);

	if (!o->opt.json)
		text_line(o, label ? label : key, d);
	else if (json_value(o, key))
		puts_(o, d);
}

void out_i64(struct out *o, const char *key, const char *label, int64_t val)
{
	char buf[24], *d = fmt_sdec(buf, val);

	if (!o->opt.json)
		text_line(o, label ? label : key, d);
	else if (json_value(o, key))
		puts_(o, d);
}

void out_hex(struct out *o, const char *key, const char *label, uint64_t val)
{
	char buf[24];

	out_str(o, key, label, fmt_hex(buf, val));
}

void out_bool(struct out *o, const char *key, const char *label, bool val)
{
	if (!o->opt.json)
		text_line(o, label ? label : key, val ? "yes" : "no");
	else if (json_value(o, key))
		puts_(o, val ? "true" : "false");
}

void out_strv(struct out *o, const char *key, const char *label, const struct strv *sv)
{
	if (o->opt.json) {
		json_open(o, key, true);
		for (size_t i = 0; i < sv->n; i++)
			out_str(o, NULL, NULL, sv->v[i]);
		json_close(o);
	} else {
		char *s = strv_join(sv, ", ");

		text_line(o, label ? label : key, sv->n ? s : "-");
		free(s);
	}
}

void out_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->opt.json)
		return;
	pad(o, ' ', o->indent);
	va_start(ap, fmt);
	put_textv(o, fmt, ap, false);
	va_end(ap);
	putch(o, '\n');
	o->started = true;
}

void out_textf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->opt.json)
		return;
	va_start(ap, fmt);
	put_textv(o, fmt, ap, true);
	va_end(ap);
	o->started = true;
}

void out_nl(struct out *o)
{
	if (!o->opt.json)
		putch(o, '\n');
}

/*
 * The out_fmt_* calls take a caller's format with one conversion; the
 * compiler cannot check it against the value, so each takes the one type
 * its name says.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void out_fmt_str(struct out *o, const char *key, const char *fmt, const char *val)
{
	if (!o->opt.json) {
		if (fmt) {
			char *esc = val ? text_escape(val) : NULL;

			if (esc)
				val = esc;
			if (!fmt_simple(o, fmt, FA_STR, val, 0))
				oprintf(o, fmt, val ? val : "-");
			free(esc);
			o->started = true;
		}
	} else if (key) {
		out_str(o, key, NULL, val);
	}
}

void out_fmt_u64(struct out *o, const char *key, const char *fmt, uint64_t val)
{
	if (!o->opt.json) {
		if (fmt) {
			if (!fmt_simple(o, fmt, FA_U64, NULL, val))
				oprintf(o, fmt, val);
			o->started = true;
		}
	} else if (key) {
		out_u64(o, key, NULL, val);
	}
}

void out_fmt_i64(struct out *o, const char *key, const char *fmt, int64_t val)
{
	if (!o->opt.json) {
		if (fmt) {
			if (!fmt_simple(o, fmt, FA_I64, NULL, (uint64_t)val))
				oprintf(o, fmt, val);
			o->started = true;
		}
	} else if (key) {
		out_i64(o, key, NULL, val);
	}
}

void out_fmt_hex(struct out *o, const char *key, const char *fmt, uint64_t val)
{
	if (!o->opt.json) {
		if (fmt) {
			if (!fmt_simple(o, fmt, FA_U64, NULL, val))
				oprintf(o, fmt, val);
			o->started = true;
		}
	} else if (key) {
		out_hex(o, key, NULL, val);
	}
}

#pragma GCC diagnostic pop

void out_fmt_bool(struct out *o, const char *key, const char *fmt, bool val)
{
	out_fmt_str(o, NULL, fmt, val ? "yes" : "no");
	if (o->opt.json && key)
		out_bool(o, key, NULL, val);
}

void out_json_raw(struct out *o, const char *key, const char *json)
{
	if (o->opt.json && json_value(o, key))
		puts_(o, json);
}

void out_verbatim(struct out *o, const char *s)
{
	puts_(o, s);
}

void out_bytes(struct out *o, const void *buf, size_t n)
{
	put(o, buf, n);
	o->started = true;
}

/* ---- list views ---- */

struct out_cell {
	bool set;
	char *text;                   /* text form (also JSON strings) */
	uint64_t num;                 /* OCT_NUM, OCT_HEX */
	bool flag;                    /* OCT_BOOL */
	struct strv list;             /* OCT_LIST */
};

struct out_row {
	struct out_cell *cells;       /* one per selected column */
	struct out_row *next;
	struct out_table *tab;
	size_t seq;                   /* order of arrival: the sort is stable */
};

struct out_filter {
	int pos;                      /* selected position of the column */
	bool negate;                  /* COL!=GLOB */
	const char *glob;
};

struct out_table {
	struct out *o;
	const char *name;
	const struct out_col *cols;
	size_t ncols;
	int *map;                     /* cols index -> selected position, or -1 */
	int *sel;                     /* selected position -> cols index */
	bool *hidden;                 /* selected position: read for --sort/--filter only */
	bool *named;                  /* selected position: named with -o (never left out) */
	size_t nsel;
	int sort;                     /* selected position of --sort, or -1 */
	struct out_filter *filters;
	size_t nfilters;
	size_t nrows;
	struct out_row *head, **tail;
};

static int col_find(const struct out_col *cols, size_t ncols, const char *name, size_t len)
{
	for (size_t i = 0; i < ncols; i++)
		if (strlen(cols[i].name) == len && !strncasecmp(cols[i].name, name, len))
			return (int)i;
	return -1;
}

static char *col_key(const struct out_col *c)
{
	char *key = xstrdup(c->key[0] ? c->key : c->name);

	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return key;
}

/* Shown without -o: in every view, or in this one (text or JSON) only. */
static bool col_default(const struct out *o, const struct out_col *c)
{
	return c->flags & (OCF_DEFAULT | (o->opt.json ? OCF_DEFAULT_JSON : OCF_DEFAULT_TEXT));
}

static void print_columns(struct out *o, const struct out_col *cols, size_t ncols)
{
	if (o->opt.json) {
		out_obj_begin(o, NULL, NULL);
		out_list_begin(o, "columns", NULL);
		for (size_t i = 0; i < ncols; i++) {
			char *key = col_key(&cols[i]);

			out_obj_begin(o, NULL, NULL);
			out_str(o, "name", NULL, cols[i].name);
			out_str(o, "key", NULL, key);
			out_bool(o, "default", NULL, col_default(o, &cols[i]));
			out_str(o, "help", NULL, cols[i].help);
			out_obj_end(o);
			free(key);
		}
		out_list_end(o);
		out_obj_end(o);
		out_end(o);
		return;
	}
	puts_(o, "Available columns (* = default):\n");
	for (size_t i = 0; i < ncols; i++)
		oprintf(o, " %c %-16s %s\n", col_default(o, &cols[i]) ? '*' : ' ',
			cols[i].name, cols[i].help);
}

/* Select column c (hidden: read for --sort/--filter, not shown); its position. */
static int select_col(struct out_table *tab, int c, bool hidden, bool named)
{
	int pos = tab->map[c];

	if (pos < 0) {
		pos = (int)tab->nsel++;
		tab->map[c] = pos;
		tab->sel[pos] = c;
		tab->hidden[pos] = hidden;
	}
	if (named)
		tab->named[pos] = true;
	return pos;
}

static int parse_selection(struct out_table *tab, char **why)
{
	const struct out_opts *opt = &tab->o->opt;
	const char *spec = opt->columns, *p;
	size_t shown;
	int c;

	if (!spec || *spec == '+') {
		for (size_t i = 0; i < tab->ncols; i++)
			if (col_default(tab->o, &tab->cols[i]))
				select_col(tab, (int)i, false, false);
		if (spec)
			spec++;
	}
	for (p = spec; p && *p;) {
		size_t len = strcspn(p, ",");

		c = col_find(tab->cols, tab->ncols, p, len);
		if (c < 0) {
			*why = xasprintf("unknown column '%.*s' (see --list-columns)", (int)len, p);
			return -EUSAGE;
		}
		select_col(tab, c, false, true);  /* selected twice: shown once */
		p += len;
		if (*p == ',')
			p++;
	}
	shown = tab->nsel;
	if (!shown) {
		*why = xstrdup("no columns selected");
		return -EUSAGE;
	}
	if (opt->sort) {
		c = col_find(tab->cols, tab->ncols, opt->sort, strlen(opt->sort));
		if (c < 0) {
			*why = xasprintf("--sort: unknown column '%s' (see --list-columns)", opt->sort);
			return -EUSAGE;
		}
		tab->sort = select_col(tab, c, true, false);
	}
	tab->filters = xcalloc(opt->nfilters ? opt->nfilters : 1, sizeof(*tab->filters));
	for (size_t i = 0; i < opt->nfilters; i++) {
		const char *f = opt->filters[i], *eq = strchr(f, '=');
		struct out_filter *fl = &tab->filters[tab->nfilters++];
		size_t len;

		if (!eq || eq == f || (eq == f + 1 && *f == '!')) {
			*why = xasprintf("--filter '%s': expected COL=GLOB or COL!=GLOB", f);
			return -EUSAGE;
		}
		fl->negate = eq[-1] == '!';
		len = (size_t)(eq - f) - fl->negate;
		fl->glob = eq + 1;
		c = col_find(tab->cols, tab->ncols, f, len);
		if (c < 0) {
			*why = xasprintf("--filter: unknown column '%.*s' (see --list-columns)", (int)len, f);
			return -EUSAGE;
		}
		fl->pos = select_col(tab, c, true, false);
	}
	return 0;
}

int out_table_new(struct out *o, const char *name, const struct out_col *cols, size_t ncols,
		  struct out_table **tabp, char **why)
{
	struct out_table *tab;
	int err;

	*why = NULL;
	if (o->opt.list_columns) {
		print_columns(o, cols, ncols);
		return 1;
	}
	tab = xcalloc(1, sizeof(*tab));
	tab->o = o;
	tab->name = name;
	tab->cols = cols;
	tab->ncols = ncols;
	tab->map = xcalloc(ncols, sizeof(*tab->map));
	tab->sel = xcalloc(ncols, sizeof(*tab->sel));
	tab->hidden = xcalloc(ncols, sizeof(*tab->hidden));
	tab->named = xcalloc(ncols, sizeof(*tab->named));
	tab->sort = -1;
	tab->tail = &tab->head;
	for (size_t i = 0; i < ncols; i++)
		tab->map[i] = -1;
	err = parse_selection(tab, why);
	if (err) {
		out_table_free(tab);
		return err;
	}
	*tabp = tab;
	return 0;
}

bool out_table_selected(const struct out_table *tab, int col)
{
	return col >= 0 && (size_t)col < tab->ncols && tab->map[col] >= 0;
}

struct out_row *out_table_row(struct out_table *tab)
{
	struct out_row *row = xcalloc(1, sizeof(*row));

	row->tab = tab;
	row->seq = tab->nrows++;
	row->cells = xcalloc(tab->nsel, sizeof(*row->cells));
	*tab->tail = row;
	tab->tail = &row->next;
	return row;
}

static struct out_cell *cell(struct out_row *row, int col)
{
	int pos;

	if (col < 0 || (size_t)col >= row->tab->ncols)
		return NULL;
	pos = row->tab->map[col];
	if (pos < 0)
		return NULL;
	free(row->cells[pos].text);
	strv_free(&row->cells[pos].list);
	row->cells[pos].set = true;
	return &row->cells[pos];
}

void out_cell_str(struct out_row *row, int col, const char *s)
{
	struct out_cell *c;

	if (!s || !(c = cell(row, col)))
		return;
	c->text = xstrdup(s);
}

void out_cell_u64(struct out_row *row, int col, uint64_t v)
{
	struct out_cell *c = cell(row, col);

	if (!c)
		return;
	c->num = v;
	c->text = xasprintf("%" PRIu64, v);
}

void out_cell_hex(struct out_row *row, int col, uint64_t v)
{
	struct out_cell *c = cell(row, col);

	if (!c)
		return;
	c->num = v;
	c->text = xasprintf("0x%" PRIx64, v);
}

void out_cell_bool(struct out_row *row, int col, bool v)
{
	struct out_cell *c = cell(row, col);

	if (!c)
		return;
	c->flag = v;
	c->text = xstrdup(v ? "yes" : "no");
}

void out_cell_list(struct out_row *row, int col, const struct strv *items)
{
	struct out_cell *c = cell(row, col);

	if (!c)
		return;
	for (size_t i = 0; i < items->n; i++)
		strv_push(&c->list, items->v[i]);
	c->text = strv_join(items, ",");
}

/* A cell with nothing to show: never set, or an empty text or list. */
static bool cell_empty(const struct out_cell *c)
{
	return !c->set || !c->text || !*c->text;
}

/* ---- --filter and --sort ---- */

/*
 * GLOB against what the cell prints: its text, or any item of a list; an
 * empty cell is matched by "-" (as it prints) or by an empty GLOB. Case is
 * ignored.
 */
static bool filter_match(const struct out_filter *f, const struct out_cell *c)
{
	if (cell_empty(c))
		return !*f->glob || !fnmatch(f->glob, "-", FNM_CASEFOLD);
	if (!fnmatch(f->glob, c->text, FNM_CASEFOLD))
		return true;
	for (size_t i = 0; i < c->list.n; i++)
		if (!fnmatch(f->glob, c->list.v[i], FNM_CASEFOLD))
			return true;
	return false;
}

static bool row_kept(const struct out_table *tab, const struct out_row *r)
{
	for (size_t i = 0; i < tab->nfilters; i++) {
		const struct out_filter *f = &tab->filters[i];

		if (filter_match(f, &r->cells[f->pos]) == f->negate)
			return false;
	}
	return true;
}

static int row_cmp(const void *a, const void *b)
{
	const struct out_row *x = *(struct out_row *const *)a, *y = *(struct out_row *const *)b;
	const struct out_table *tab = x->tab;
	const struct out_cell *cx = &x->cells[tab->sort], *cy = &y->cells[tab->sort];
	int r = 0;

	if (cell_empty(cx) || cell_empty(cy)) {
		r = (int)!cell_empty(cx) - (int)!cell_empty(cy);
	} else {
		switch (tab->cols[tab->sel[tab->sort]].type) {
		case OCT_NUM:
		case OCT_HEX:
			r = (cx->num > cy->num) - (cx->num < cy->num);
			break;
		case OCT_BOOL:
			r = (int)cx->flag - (int)cy->flag;
			break;
		default:
			r = strverscmp(cx->text, cy->text);
		}
	}
	return r ? r : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The rows to print, in their order: filtered, then sorted. */
static void table_select_rows(struct out_table *tab)
{
	struct out_row **v = xcalloc(tab->nrows ? tab->nrows : 1, sizeof(*v)), *r, *next;
	size_t n = 0;

	for (r = tab->head; r; r = next) {
		next = r->next;
		if (row_kept(tab, r)) {
			v[n++] = r;
			continue;
		}
		for (size_t i = 0; i < tab->nsel; i++) {
			free(r->cells[i].text);
			strv_free(&r->cells[i].list);
		}
		free(r->cells);
		free(r);
	}
	if (tab->sort >= 0 && n > 1)
		qsort(v, n, sizeof(*v), row_cmp);
	tab->head = NULL;
	tab->tail = &tab->head;
	for (size_t i = 0; i < n; i++) {
		*tab->tail = v[i];
		tab->tail = &v[i]->next;
	}
	*tab->tail = NULL;
	tab->nrows = n;
	free(v);
}

/* ---- JSON ---- */

static void cell_json(struct out *o, const char *key, const struct out_col *col,
		      const struct out_cell *c)
{
	if (col->type == OCT_LIST) {
		static const struct strv none;

		out_strv(o, key, NULL, c->set ? &c->list : &none);
		return;
	}
	if (col->type == OCT_NUMLIST) {
		out_list_begin(o, key, NULL);
		for (size_t i = 0; c->set && i < c->list.n; i++)
			out_u64(o, NULL, NULL, strtoull(c->list.v[i], NULL, 10));
		out_list_end(o);
		return;
	}
	if (!c->set) {
		out_null(o, key, NULL);
		return;
	}
	switch (col->type) {
	case OCT_NUM:
		out_u64(o, key, NULL, c->num);
		break;
	case OCT_BOOL:
		out_bool(o, key, NULL, c->flag);
		break;
	default:
		out_str(o, key, NULL, c->text);
	}
}

static int table_print_json(struct out_table *tab)
{
	struct out *o = tab->o;
	bool document = !o->depth && !o->root_held;
	char **keys = xcalloc(tab->nsel, sizeof(*keys));

	if (document)
		out_obj_begin(o, NULL, NULL);

	for (size_t i = 0; i < tab->nsel; i++)
		keys[i] = col_key(&tab->cols[tab->sel[i]]);
	out_list_begin(o, tab->name, NULL);
	for (struct out_row *r = tab->head; r; r = r->next) {
		out_obj_begin(o, NULL, NULL);
		for (size_t i = 0; i < tab->nsel; i++)
			if (!tab->hidden[i])
				cell_json(o, keys[i], &tab->cols[tab->sel[i]], &r->cells[i]);
		out_obj_end(o);
	}
	out_list_end(o);
	for (size_t i = 0; i < tab->nsel; i++)
		free(keys[i]);
	free(keys);
	if (document) {
		out_obj_end(o);
		return out_end(o);
	}
	sync_(o);
	return ferror(o->f) ? -EIO : 0;
}

/* ---- text ---- */

/* The width an aligned table fits: -w, else the terminal's; 0: no limit. */
static size_t table_width(const struct out *o)
{
	struct winsize ws;
	const char *env;
	char *end;
	long n;

	if (o->opt.width > 0)
		return (size_t)o->opt.width;
	if (!isatty(fileno(o->f)))
		return 0;
	env = getenv("COLUMNS");
	if (env && *env) {
		errno = 0;
		n = strtol(env, &end, 10);
		if (!errno && !*end && n > 0 && n < 100000)
			return (size_t)n;
	}
	if (!ioctl(fileno(o->f), TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return 80;
}

/* Columns on the terminal that a string takes, once escaped */
static size_t mbs_width(const char *s, size_t n)
{
	mbstate_t st;
	size_t w = 0;

	memset(&st, 0, sizeof(st));
	while (n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, n, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			k = 1;
			cw = 1;
		} else {
			if (!k)
				k = 1;
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += (size_t)cw;
		s += k;
		n -= k;
	}
	return w;
}

/*
 * Columns on the terminal that n bytes of s take as libsmartcols prints
 * them: what it escapes (\xNN, as core/textesc.h) counted escaped.
 */
static size_t text_width(const char *s, size_t n)
{
	char *copy = xstrndup(s, n), *esc = text_escape(copy);
	size_t w = esc ? mbs_width(esc, strlen(esc)) : mbs_width(copy, n);

	free(esc);
	free(copy);
	return w;
}

/*
 * Break points of a text: after a space (dropped at a break) or after a
 * comma (kept). The length of the piece at s, up to the next of them.
 */
static size_t piece_len(const char *s)
{
	size_t n = strcspn(s, " ,");

	return s[n] == ',' ? n + 1 : n;
}

/* The width of the widest piece between two break points. */
static size_t widest_word(const char *s)
{
	size_t best = 0;

	while (*s) {
		size_t n = piece_len(s), w;

		w = text_width(s, n);
		if (w > best)
			best = w;
		s += n;
		while (*s == ' ')
			s++;
	}
	return best;
}

/* s wrapped into lines of at most width columns (a longer word stays whole), joined by '\n'. */
static char *wrap_text(const char *s, size_t width)
{
	size_t cap = strlen(s) + 1, len = 0, linew = 0;
	char *out = xmalloc(cap * 2 + 1);
	bool space = false;	/* a space was seen between the last word and this one */

	while (*s) {
		size_t n = piece_len(s), w;

		w = text_width(s, n);
		if (len && linew + (space ? 1 : 0) + w > width) {
			out[len++] = '\n';
			linew = 0;
		} else if (len && space) {
			out[len++] = ' ';
			linew++;
		}
		memcpy(out + len, s, n);
		len += n;
		linew += w;
		s += n;
		space = *s == ' ';
		while (*s == ' ')
			s++;
	}
	out[len] = '\0';
	return out;
}

/* What each shown cell prints, and how the table fits its width. */
struct text_layout {
	size_t ncols;                 /* shown columns */
	int *pos;                     /* shown column -> selected position */
	bool *wrap;                   /* shown column: cells hold '\n' between lines */
	char ***cells;                /* [row][shown column], malloc'd */
};

/* A wrapped column narrower than this would be mostly line breaks */
#define WRAP_MIN 16

/*
 * Fit width: the natural width of every column first; when the table is
 * wider, OCF_WRAP columns shrink to their widest word (at least WRAP_MIN,
 * or their natural width) and OCF_HIDE columns not named with -o go, the
 * rightmost first, until it fits; what is left is shared among the wrapped
 * columns; their cells are wrapped between words. A table that still does
 * not fit runs over: nothing is cut.
 */
static void layout_fit(struct out_table *tab, struct text_layout *L, size_t width)
{
	size_t n = L->ncols, *nat = xcalloc(n, sizeof(size_t)), *minw = xcalloc(n, sizeof(size_t));
	size_t *w = xcalloc(n, sizeof(size_t)), total, fixed, nwrap, avail;
	bool *gone = xcalloc(n, sizeof(bool));
	size_t r = 0, k;

	for (size_t c = 0; c < n; c++) {
		const struct out_col *col = &tab->cols[tab->sel[L->pos[c]]];

		nat[c] = tab->o->opt.noheadings ? 0 : strlen(col->name);
		minw[c] = nat[c];
	}
	for (struct out_row *row = tab->head; row; row = row->next, r++)
		for (size_t c = 0; c < n; c++) {
			const char *s = L->cells[r][c];
			size_t cw = text_width(s, strlen(s));

			if (cw > nat[c])
				nat[c] = cw;
			if (tab->cols[tab->sel[L->pos[c]]].flags & OCF_WRAP) {
				cw = widest_word(s);
				if (cw > minw[c])
					minw[c] = cw;
			}
		}
	total = n - 1;
	for (size_t c = 0; c < n; c++)
		total += nat[c];
	if (total <= width)
		goto out;
	/* wrapped columns at their narrowest; then columns left out until it fits */
	for (size_t c = 0; c < n; c++) {
		if (tab->cols[tab->sel[L->pos[c]]].flags & OCF_WRAP) {
			if (minw[c] < WRAP_MIN)
				minw[c] = nat[c] < WRAP_MIN ? nat[c] : WRAP_MIN;
		} else {
			minw[c] = nat[c];
		}
	}
	for (;;) {
		size_t shown = 0, last = n;

		total = 0;
		for (size_t c = 0; c < n; c++)
			if (!gone[c]) {
				total += minw[c];
				shown++;
			}
		total += shown - 1;
		if (total <= width)
			break;
		for (size_t c = n; c-- > 1;)
			if (!gone[c] && !tab->named[L->pos[c]] &&
			    (tab->cols[tab->sel[L->pos[c]]].flags & OCF_HIDE)) {
				last = c;
				break;
			}
		if (last == n)
			break;
		gone[last] = true;
	}
	/* the room left, shared among the wrapped columns a column at a time */
	fixed = 0;
	nwrap = 0;
	k = 0;
	for (size_t c = 0; c < n; c++) {
		if (gone[c])
			continue;
		fixed += k++ ? 1 : 0;
		if (tab->cols[tab->sel[L->pos[c]]].flags & OCF_WRAP) {
			w[c] = minw[c];
			nwrap++;
		} else {
			fixed += nat[c];
		}
		fixed += w[c];
	}
	avail = width > fixed ? width - fixed : 0;
	while (avail && nwrap) {
		bool grew = false;

		for (size_t c = 0; c < n && avail; c++)
			if (!gone[c] && (tab->cols[tab->sel[L->pos[c]]].flags & OCF_WRAP) && w[c] < nat[c]) {
				w[c]++;
				avail--;
				grew = true;
			}
		if (!grew)
			break;
	}
	for (size_t c = 0; c < n; c++) {
		bool nl = false;

		if (gone[c] || !(tab->cols[tab->sel[L->pos[c]]].flags & OCF_WRAP) || w[c] >= nat[c])
			continue;
		/* a newline of the value itself must print as \x0a, not break the cell: not wrapped */
		r = 0;
		for (struct out_row *row = tab->head; row && !nl; row = row->next, r++)
			nl = strchr(L->cells[r][c], '\n') != NULL;
		if (nl)
			continue;
		L->wrap[c] = true;
		r = 0;
		for (struct out_row *row = tab->head; row; row = row->next, r++) {
			char *s = wrap_text(L->cells[r][c], w[c]);

			free(L->cells[r][c]);
			L->cells[r][c] = s;
		}
	}
	/* the columns left out: dropped from the layout */
	k = 0;
	for (size_t c = 0; c < n; c++) {
		if (gone[c]) {
			r = 0;
			for (struct out_row *row = tab->head; row; row = row->next, r++)
				free(L->cells[r][c]);
			continue;
		}
		L->pos[k] = L->pos[c];
		L->wrap[k] = L->wrap[c];
		r = 0;
		for (struct out_row *row = tab->head; row; row = row->next, r++)
			L->cells[r][k] = L->cells[r][c];
		k++;
	}
	L->ncols = k;
out:
	free(nat);
	free(minw);
	free(w);
	free(gone);
}

/* Lines of text into the writer, each without the blanks it ends in. */
static void put_trimmed(struct out *o, const char *s, size_t len)
{
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len, k = n;

		while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		put(o, s, k);
		if (nl) {
			putch(o, '\n');
			n++;
		}
		s += n;
		len -= n;
	}
}

static int table_print_text(struct out_table *tab)
{
	const struct out_opts *opt = &tab->o->opt;
	struct text_layout L = { 0 };
	struct libscols_table *tb = NULL;
	char *doc = NULL;
	size_t doclen = 0, r, width;
	FILE *mem = NULL;
	bool aligned = !opt->raw && !opt->pairs;
	/* -ELIBACC: the caller names the library (dlib_error()); dlib_load sets LC_CTYPE */
	int err = dlib_load(DLIB_SMARTCOLS);

	if (err)
		return err;
	L.pos = xcalloc(tab->nsel, sizeof(*L.pos));
	L.wrap = xcalloc(tab->nsel, sizeof(*L.wrap));
	for (size_t i = 0; i < tab->nsel; i++)
		if (!tab->hidden[i])
			L.pos[L.ncols++] = (int)i;
	L.cells = xcalloc(tab->nrows ? tab->nrows : 1, sizeof(*L.cells));
	r = 0;
	for (struct out_row *row = tab->head; row; row = row->next, r++) {
		L.cells[r] = xcalloc(L.ncols, sizeof(char *));
		for (size_t c = 0; c < L.ncols; c++) {
			const struct out_cell *cl = &row->cells[L.pos[c]];
			const char *s = cell_empty(cl) ? (opt->pairs ? "" : "-") : cl->text;

			/* as they are: libsmartcols escapes what it prints (layout_fit counts it so) */
			L.cells[r][c] = xstrdup(s);
		}
	}
	width = aligned ? table_width(tab->o) : 0;
	if (width)
		layout_fit(tab, &L, width);

	tb = scols_new_table();
	mem = open_memstream(&doc, &doclen);
	if (!tb || !mem) {
		err = -ENOMEM;
		goto out;
	}
	scols_table_set_stream(tb, mem);
	/* the width is fitted above: libsmartcols only aligns, it never cuts */
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
	scols_table_enable_raw(tb, opt->raw && !opt->pairs);
	scols_table_enable_export(tb, opt->pairs);
	scols_table_enable_noheadings(tb, opt->noheadings);
	for (size_t c = 0; c < L.ncols; c++) {
		const struct out_col *col = &tab->cols[tab->sel[L.pos[c]]];
		struct libscols_column *cl;
		int fl = 0;

		if (col->flags & OCF_RIGHT)
			fl |= SCOLS_FL_RIGHT;
		if (L.wrap[c])
			fl |= SCOLS_FL_WRAP;
		/* without headings, a header's width does not pad the column */
		cl = scols_table_new_column(tb, opt->noheadings && !opt->pairs ? "" : col->name, 0, fl);
		if (!cl) {
			err = -ENOMEM;
			goto out;
		}
		/* the lines of a wrapped cell: '\n' printed as the break it is, not as \x0a */
		if (L.wrap[c] && (scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
							    NULL) || scols_column_set_safechars(cl, "\n"))) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (r = 0; r < tab->nrows; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			err = -ENOMEM;
			goto out;
		}
		/* the cells themselves, not copies: the table frees them */
		for (size_t c = 0; c < L.ncols; c++) {
			if (scols_line_refer_data(ln, c, L.cells[r][c])) {
				err = -ENOMEM;
				goto out;
			}
			L.cells[r][c] = NULL;
		}
	}
	if (scols_print_table(tb) || fflush(mem) || ferror(mem)) {
		err = -EIO;
		goto out;
	}
	put_trimmed(tab->o, doc, doclen);
	tab->o->started = true;
out:
	if (tb)
		scols_unref_table(tb);
	if (mem)
		fclose(mem);
	free(doc);
	for (r = 0; r < tab->nrows; r++) {
		for (size_t c = 0; L.cells[r] && c < L.ncols; c++)
			free(L.cells[r][c]);
		free(L.cells[r]);
	}
	free(L.cells);
	free(L.pos);
	free(L.wrap);
	if (!err)
		sync_(tab->o);
	return err ? err : ferror(tab->o->f) ? -EIO : 0;
}

int out_table_print(struct out_table *tab)
{
	int err;

	table_select_rows(tab);
	err = tab->o->opt.json ? table_print_json(tab) : table_print_text(tab);
	out_table_free(tab);
	return err;
}

void out_table_free(struct out_table *tab)
{
	struct out_row *r, *next;

	if (!tab)
		return;
	for (r = tab->head; r; r = next) {
		next = r->next;
		for (size_t i = 0; i < tab->nsel; i++) {
			free(r->cells[i].text);
			strv_free(&r->cells[i].list);
		}
		free(r->cells);
		free(r);
	}
	free(tab->map);
	free(tab->sel);
	free(tab->hidden);
	free(tab->named);
	free(tab->filters);
	free(tab);
}
