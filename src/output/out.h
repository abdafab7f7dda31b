/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Presentation only. Two shapes:
 *  - list views: a column table (libsmartcols) chosen with -o, rendered as
 *    an aligned table, raw, or JSON {"<name>": [ {...}, ... ]};
 *  - detail views: one emitter call per field, written as "label: value"
 *    text or "key": value JSON from the same calls.
 * Nothing here reads sysfs or decides anything.
 */
#ifndef IOMMUCTL_OUT_H
#define IOMMUCTL_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct iommuctl_ctx;
struct strv;

/* ---- list views ---- */

enum out_col_type {
	OCT_STR,      /* text; JSON string (null when unset) */
	OCT_NUM,      /* decimal; JSON number */
	OCT_HEX,      /* "0x..." in both */
	OCT_BOOL,     /* yes/no; JSON true/false */
	OCT_LIST,     /* comma-separated text; JSON array of strings */
};

#define OCF_DEFAULT (1u << 0)  /* shown without -o */
#define OCF_RIGHT   (1u << 1)  /* right-aligned */
#define OCF_WRAP    (1u << 2)  /* may be truncated or wrapped to fit */

struct out_col {
	const char *name;      /* -o name and header, upper case: "GROUP"; its
	                        * lower case is the JSON key, so use [A-Z0-9_] */
	enum out_col_type type;
	double width;          /* libsmartcols width hint */
	unsigned flags;
	const char *help;      /* one line for --list-columns */
};

struct out_table;
struct out_row;

/*
 * Start a table: JSON top-level key `name` ("groups"), columns chosen from
 * ctx->columns (NULL: defaults). Unknown columns give -EUSAGE with a
 * diagnostic. If ctx->list_columns is set, prints the column list and
 * returns 1 (the caller then stops).
 */
int out_table_new(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		  size_t ncols, struct out_table **tab);
struct out_row *out_table_row(struct out_table *tab);
/* Set a cell by column index into cols[]; unselected columns are ignored. */
void out_cell_str(struct out_row *row, int col, const char *s);
void out_cell_u64(struct out_row *row, int col, uint64_t v);
void out_cell_hex(struct out_row *row, int col, uint64_t v);
void out_cell_bool(struct out_row *row, int col, bool v);
void out_cell_list(struct out_row *row, int col, const struct strv *items);
/* Render and free. Returns 0 or -errno. */
int out_table_print(struct out_table *tab);
void out_table_free(struct out_table *tab);

/* ---- detail views ---- */

struct out;

struct out *out_new(FILE *f, bool json, bool pretty);
void out_free(struct out *o);
/* JSON: writes the document; text: nothing left to write. */
int out_flush(struct out *o);

/*
 * Objects and lists. In text, a labelled object prints "label:" and
 * indents what follows; an object inside a list prints its label as the
 * item's heading. key is the JSON member name (ignored inside a list).
 */
void out_obj_begin(struct out *o, const char *key, const char *label);
void out_obj_end(struct out *o);
void out_list_begin(struct out *o, const char *key, const char *label);
void out_list_end(struct out *o);

void out_str(struct out *o, const char *key, const char *label, const char *val); /* NULL: null / "-" */
void out_u64(struct out *o, const char *key, const char *label, uint64_t val);
void out_i64(struct out *o, const char *key, const char *label, int64_t val);
void out_hex(struct out *o, const char *key, const char *label, uint64_t val);
void out_bool(struct out *o, const char *key, const char *label, bool val);
/* A list of strings: JSON array; text "label: a, b, c". */
void out_strv(struct out *o, const char *key, const char *label, const struct strv *sv);
/* Text only: a free line at the current indentation (ignored in JSON). */
__attribute__((format(printf, 2, 3)))
void out_text(struct out *o, const char *fmt, ...);

bool out_is_json(const struct out *o);

#endif
