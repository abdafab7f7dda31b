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
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

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

/* Hand the buffered bytes to the file: before anything writes to it directly. */
static void sync_(struct out *o)
{
	if (o->blen) {
		fwrite(o->buf, 1, o->blen, o->f);
		o->blen = 0;
	}
}

static inline void put(struct out *o, const char *s, size_t n)
{
	char *d;

	if (n > sizeof(o->buf) - o->blen) {
		sync_(o);
		if (n >= sizeof(o->buf)) {
			fwrite(s, 1, n, o->f);
			return;
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
		sync_(o);
	o->buf[o->blen++] = c;
}

int out_sync(struct out *o)
{
	sync_(o);
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
			sync_(o);
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
	o->opt.list_columns = list->list_columns;
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
	uint64_t num;                 /* OCT_NUM */
	bool flag;                    /* OCT_BOOL */
	struct strv list;             /* OCT_LIST */
};

struct out_row {
	struct out_cell *cells;       /* one per selected column */
	struct out_row *next;
	struct out_table *tab;
};

struct out_table {
	struct out *o;
	const char *name;
	const struct out_col *cols;
	size_t ncols;
	int *map;                     /* cols index -> selected position, or -1 */
	int *sel;                     /* selected position -> cols index */
	size_t nsel;
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
			out_bool(o, "default", NULL, cols[i].flags & OCF_DEFAULT);
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
		oprintf(o, " %c %-16s %s\n", cols[i].flags & OCF_DEFAULT ? '*' : ' ',
			cols[i].name, cols[i].help);
}

static int parse_selection(struct out_table *tab, char **why)
{
	const char *spec = tab->o->opt.columns, *p;

	if (!spec || *spec == '+') {
		for (size_t i = 0; i < tab->ncols; i++)
			if (tab->cols[i].flags & OCF_DEFAULT) {
				tab->map[i] = (int)tab->nsel;
				tab->sel[tab->nsel++] = (int)i;
			}
		if (spec)
			spec++;
	}
	for (p = spec; p && *p;) {
		size_t len = strcspn(p, ",");
		int c = col_find(tab->cols, tab->ncols, p, len);

		if (c < 0) {
			*why = xasprintf("unknown column '%.*s' (see --list-columns)", (int)len, p);
			return -EUSAGE;
		}
		if (tab->map[c] < 0) {  /* selected twice: shown once */
			tab->map[c] = (int)tab->nsel;
			tab->sel[tab->nsel++] = c;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!tab->nsel) {
		*why = xstrdup("no columns selected");
		return -EUSAGE;
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

	if (c)
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

static int table_print_text(struct out_table *tab)
{
	const struct out_opts *opt = &tab->o->opt;
	struct libscols_table *tb;
	/* -ELIBACC: the caller names the library (dlib_error()); dlib_load sets LC_CTYPE */
	int err = dlib_load(DLIB_SMARTCOLS);

	if (err)
		return err;
	tb = scols_new_table();
	if (!tb)
		return -ENOMEM;
	sync_(tab->o);
	scols_table_set_stream(tb, tab->o->f);
	scols_table_enable_raw(tb, opt->raw);
	scols_table_enable_noheadings(tb, opt->noheadings);
	if (opt->width > 0)
		scols_table_set_termwidth(tb, (size_t)opt->width);
	for (size_t i = 0; i < tab->nsel; i++) {
		const struct out_col *c = &tab->cols[tab->sel[i]];
		int fl = 0;

		if (c->flags & OCF_RIGHT)
			fl |= SCOLS_FL_RIGHT;
		if (c->flags & OCF_WRAP)
			fl |= SCOLS_FL_TRUNC;
		if (!scols_table_new_column(tb, c->name, c->width, fl)) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (struct out_row *r = tab->head; r; r = r->next) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln) {
			err = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < tab->nsel; i++)
			if (r->cells[i].set && r->cells[i].text && *r->cells[i].text)
				scols_line_set_data(ln, i, r->cells[i].text);
	}
	if (scols_print_table(tb))
		err = -EIO;
	tab->o->started = true;
out:
	scols_unref_table(tb);
	return err;
}

int out_table_print(struct out_table *tab)
{
	int err = tab->o->opt.json ? table_print_json(tab) : table_print_text(tab);

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
	free(tab);
}
