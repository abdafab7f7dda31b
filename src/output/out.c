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
#include <libsmartcols/libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/exitcodes.h"
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
};

struct out *out_new(const struct out_opts *opts)
{
	struct out *o = xcalloc(1, sizeof(*o));

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

/* ---- JSON primitives ---- */

void out_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':  fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*p < 0x20) {
				fputs("\\u00", f);
				fputc(hex[*p >> 4], f);
				fputc(hex[*p & 15], f);
			} else {
				fputc(*p, f);
			}
		}
	}
	fputc('"', f);
}

static void json_indent(struct out *o, int depth)
{
	fputc('\n', o->f);
	for (int i = 0; i < depth; i++)
		fputs("  ", o->f);
}

/* Separator, indentation and key of a new member or item of the open container. */
static void json_key(struct out *o, const char *key)
{
	struct out_frame *t = &o->st[o->depth - 1];

	if (t->n++)
		fputc(',', o->f);
	if (o->opt.pretty)
		json_indent(o, o->depth);
	if (!t->list) {
		out_json_string(o->f, key ? key : "value");
		fputs(o->opt.pretty ? ": " : ":", o->f);
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
	fputc('{', o->f);
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
	fputc(list ? '[' : '{', o->f);
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
	fputc(list ? ']' : '}', o->f);
}

static void json_end_document(struct out *o)
{
	while (o->depth > o->base)
		json_close(o);
	if (o->root_held) {
		if (o->opt.pretty)
			json_indent(o, o->base);
		fputc(o->root_list ? ']' : '}', o->f);
		if (!o->base)
			fputc('\n', o->f);
		o->root_held = false;
	}
	o->skip = 0;
	o->started = false;
}

int out_flush(struct out *o)
{
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
		fputs("{}", o->f);
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

static void text_open(struct out *o, const char *label)
{
	if (o->skip || o->depth >= OUT_MAX_DEPTH) {
		o->skip++;
		return;
	}
	o->st[o->depth++].labelled = label != NULL;
	if (label) {
		fprintf(o->f, "%*s%s:\n", o->indent, "", label);
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
	if (label)
		fprintf(o->f, "%*s%s: %s\n", o->indent, "", label, val);
	else
		fprintf(o->f, "%*s%s\n", o->indent, "", val);
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
		out_json_string(o->f, val);
	else
		fputs("null", o->f);
}

void out_null(struct out *o, const char *key, const char *label)
{
	out_str(o, key, label, NULL);
}

void out_u64(struct out *o, const char *key, const char *label, uint64_t val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, val);
	if (!o->opt.json)
		text_line(o, label ? label : key, buf);
	else if (json_value(o, key))
		fputs(buf, o->f);
}

void out_i64(struct out *o, const char *key, const char *label, int64_t val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, val);
	if (!o->opt.json)
		text_line(o, label ? label : key, buf);
	else if (json_value(o, key))
		fputs(buf, o->f);
}

void out_hex(struct out *o, const char *key, const char *label, uint64_t val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%" PRIx64, val);
	out_str(o, key, label, buf);
}

void out_bool(struct out *o, const char *key, const char *label, bool val)
{
	if (!o->opt.json)
		text_line(o, label ? label : key, val ? "yes" : "no");
	else if (json_value(o, key))
		fputs(val ? "true" : "false", o->f);
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
	fprintf(o->f, "%*s", o->indent, "");
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
	o->started = true;
}

void out_textf(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->opt.json)
		return;
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	o->started = true;
}

void out_nl(struct out *o)
{
	if (!o->opt.json)
		fputc('\n', o->f);
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
			fprintf(o->f, fmt, val ? val : "-");
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
			fprintf(o->f, fmt, val);
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
			fprintf(o->f, fmt, val);
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
			fprintf(o->f, fmt, val);
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
		fputs(json, o->f);
}

void out_verbatim(struct out *o, const char *s)
{
	fputs(s, o->f);
}

void out_bytes(struct out *o, const void *buf, size_t n)
{
	fwrite(buf, 1, n, o->f);
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
	char *key = xstrdup(c->key ? c->key : c->name);

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
	fputs("Available columns (* = default):\n", o->f);
	for (size_t i = 0; i < ncols; i++)
		fprintf(o->f, " %c %-16s %s\n", cols[i].flags & OCF_DEFAULT ? '*' : ' ',
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
	return ferror(o->f) ? -EIO : 0;
}

static int table_print_text(struct out_table *tab)
{
	const struct out_opts *opt = &tab->o->opt;
	struct libscols_table *tb = scols_new_table();
	int err = 0;

	if (!tb)
		return -ENOMEM;
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
