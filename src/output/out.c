/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * List views through libsmartcols (lsblk's engine: alignment, -o, raw,
 * JSON), detail views through a small emitter that writes text directly
 * or builds a json-c tree printed at flush. JSON keys of table columns are
 * the lower-cased column names, so names are chosen to be snake_case.
 */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <libsmartcols/libsmartcols.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

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
	struct iommuctl_ctx *ctx;
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
	char *key = xstrdup(c->name);

	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return key;
}

static void print_columns(struct iommuctl_ctx *ctx, const struct out_col *cols, size_t ncols)
{
	if (ctx->json) {
		struct out *o = ctx_out(ctx);

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
		out_flush(o);
		return;
	}
	fputs("Available columns (* = default):\n", ctx->outf);
	for (size_t i = 0; i < ncols; i++)
		fprintf(ctx->outf, " %c %-16s %s\n", cols[i].flags & OCF_DEFAULT ? '*' : ' ',
			cols[i].name, cols[i].help);
}

static int parse_selection(struct out_table *tab)
{
	struct iommuctl_ctx *ctx = tab->ctx;
	const char *spec = ctx->columns, *p;

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

		if (c < 0)
			return err_report(ctx, -EUSAGE, "unknown column '%.*s' (see --list-columns)",
					  (int)len, p);
		if (tab->map[c] < 0) {  /* selected twice: shown once */
			tab->map[c] = (int)tab->nsel;
			tab->sel[tab->nsel++] = c;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (!tab->nsel)
		return err_report(ctx, -EUSAGE, "no columns selected");
	return 0;
}

int out_table_new(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		  size_t ncols, struct out_table **tabp)
{
	struct out_table *tab;
	int err;

	if (ctx->list_columns) {
		print_columns(ctx, cols, ncols);
		return 1;
	}
	tab = xcalloc(1, sizeof(*tab));
	tab->ctx = ctx;
	tab->name = name;
	tab->cols = cols;
	tab->ncols = ncols;
	tab->map = xcalloc(ncols, sizeof(*tab->map));
	tab->sel = xcalloc(ncols, sizeof(*tab->sel));
	tab->tail = &tab->head;
	for (size_t i = 0; i < ncols; i++)
		tab->map[i] = -1;
	err = parse_selection(tab);
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
	c->text = xasprintf("%llu", (unsigned long long)v);
}

void out_cell_hex(struct out_row *row, int col, uint64_t v)
{
	struct out_cell *c = cell(row, col);

	if (c)
		c->text = xasprintf("0x%llx", (unsigned long long)v);
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

static json_object *cell_json(const struct out_col *col, const struct out_cell *c)
{
	json_object *a;

	if (col->type == OCT_LIST) {
		a = json_object_new_array();
		for (size_t i = 0; c->set && i < c->list.n; i++)
			json_object_array_add(a, json_object_new_string(c->list.v[i]));
		return a;
	}
	if (!c->set)
		return NULL;
	switch (col->type) {
	case OCT_NUM:
		return json_object_new_uint64(c->num);
	case OCT_BOOL:
		return json_object_new_boolean(c->flag);
	default:
		return json_object_new_string(c->text);
	}
}

static int table_print_json(struct out_table *tab)
{
	json_object *root = json_object_new_object(), *rows = json_object_new_array();
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	char **keys = xcalloc(tab->nsel, sizeof(*keys));

	for (size_t i = 0; i < tab->nsel; i++)
		keys[i] = col_key(&tab->cols[tab->sel[i]]);
	for (struct out_row *r = tab->head; r; r = r->next) {
		json_object *jr = json_object_new_object();

		for (size_t i = 0; i < tab->nsel; i++)
			json_object_object_add(jr, keys[i], cell_json(&tab->cols[tab->sel[i]], &r->cells[i]));
		json_object_array_add(rows, jr);
	}
	json_object_object_add(root, tab->name, rows);
	flags |= tab->ctx->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;
	fputs(json_object_to_json_string_ext(root, flags), tab->ctx->outf);
	fputc('\n', tab->ctx->outf);
	json_object_put(root);
	for (size_t i = 0; i < tab->nsel; i++)
		free(keys[i]);
	free(keys);
	return ferror(tab->ctx->outf) ? -EIO : 0;
}

static int table_print_text(struct out_table *tab)
{
	struct libscols_table *tb = scols_new_table();
	int err = 0;

	if (!tb)
		return -ENOMEM;
	scols_table_set_stream(tb, tab->ctx->outf);
	scols_table_enable_raw(tb, tab->ctx->raw);
	scols_table_enable_noheadings(tb, tab->ctx->noheadings);
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
out:
	scols_unref_table(tb);
	return err;
}

int out_table_print(struct out_table *tab)
{
	int err = tab->ctx->json ? table_print_json(tab) : table_print_text(tab);

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

/* ---- detail views ---- */

#define OUT_MAX_DEPTH 32

struct out {
	FILE *f;
	bool json;
	bool pretty;
	int indent;                         /* text: current indentation */
	int depth;
	bool labelled[OUT_MAX_DEPTH];       /* text: did this level indent */
	json_object *stack[OUT_MAX_DEPTH];  /* json: open containers */
	json_object *root;
};

struct out *out_new(FILE *f, bool json, bool pretty)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->f = f;
	o->json = json;
	o->pretty = pretty;
	return o;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	json_object_put(o->root);
	free(o);
}

bool out_is_json(const struct out *o)
{
	return o->json;
}

int out_flush(struct out *o)
{
	int flags = o->pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN;

	if (!o->json || !o->root)
		return 0;
	flags |= JSON_C_TO_STRING_NOSLASHESCAPE;
	fputs(json_object_to_json_string_ext(o->root, flags), o->f);
	fputc('\n', o->f);
	json_object_put(o->root);
	o->root = NULL;
	o->depth = 0;
	return ferror(o->f) ? -EIO : 0;
}

static void json_add(struct out *o, const char *key, json_object *val)
{
	json_object *top;

	if (!o->depth) {
		if (!o->root) {
			o->root = json_object_new_object();
			o->stack[o->depth++] = o->root;
		} else {
			o->stack[o->depth++] = o->root;
		}
	}
	top = o->stack[o->depth - 1];
	if (json_object_is_type(top, json_type_array))
		json_object_array_add(top, val);
	else
		json_object_object_add(top, key ? key : "value", val);
}

static void json_open(struct out *o, const char *key, json_object *c)
{
	if (!o->depth && !o->root) {
		o->root = c;
		o->stack[o->depth++] = c;
		return;
	}
	json_add(o, key, c);
	if (o->depth < OUT_MAX_DEPTH)
		o->stack[o->depth++] = c;
}

static void text_open(struct out *o, const char *label)
{
	if (o->depth >= OUT_MAX_DEPTH)
		return;
	o->labelled[o->depth++] = label != NULL;
	if (label) {
		fprintf(o->f, "%*s%s:\n", o->indent, "", label);
		o->indent += 2;
	}
}

static void text_close(struct out *o)
{
	if (o->depth <= 0)
		return;
	if (o->labelled[--o->depth])
		o->indent -= 2;
}

void out_obj_begin(struct out *o, const char *key, const char *label)
{
	if (o->json)
		json_open(o, key, json_object_new_object());
	else
		text_open(o, label);
}

void out_list_begin(struct out *o, const char *key, const char *label)
{
	if (o->json)
		json_open(o, key, json_object_new_array());
	else
		text_open(o, label);
}

static void json_close(struct out *o)
{
	if (o->depth > 0)
		o->depth--;
}

void out_obj_end(struct out *o)
{
	if (o->json)
		json_close(o);
	else
		text_close(o);
}

void out_list_end(struct out *o)
{
	out_obj_end(o);
}

static void text_line(struct out *o, const char *label, const char *val)
{
	if (label)
		fprintf(o->f, "%*s%s: %s\n", o->indent, "", label, val);
	else
		fprintf(o->f, "%*s%s\n", o->indent, "", val);
}

void out_str(struct out *o, const char *key, const char *label, const char *val)
{
	if (o->json)
		json_add(o, key, val ? json_object_new_string(val) : NULL);
	else
		text_line(o, label ? label : key, val ? val : "-");
}

void out_u64(struct out *o, const char *key, const char *label, uint64_t val)
{
	char buf[32];

	if (o->json) {
		json_add(o, key, json_object_new_uint64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)val);
	text_line(o, label ? label : key, buf);
}

void out_i64(struct out *o, const char *key, const char *label, int64_t val)
{
	char buf[32];

	if (o->json) {
		json_add(o, key, json_object_new_int64(val));
		return;
	}
	snprintf(buf, sizeof(buf), "%lld", (long long)val);
	text_line(o, label ? label : key, buf);
}

void out_hex(struct out *o, const char *key, const char *label, uint64_t val)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)val);
	out_str(o, key, label, buf);
}

void out_bool(struct out *o, const char *key, const char *label, bool val)
{
	if (o->json)
		json_add(o, key, json_object_new_boolean(val));
	else
		text_line(o, label ? label : key, val ? "yes" : "no");
}

void out_strv(struct out *o, const char *key, const char *label, const struct strv *sv)
{
	if (o->json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < sv->n; i++)
			json_object_array_add(a, json_object_new_string(sv->v[i]));
		json_add(o, key, a);
	} else {
		char *s = strv_join(sv, ", ");

		text_line(o, label ? label : key, sv->n ? s : "-");
		free(s);
	}
}

void out_text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	fprintf(o->f, "%*s", o->indent, "");
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
}
