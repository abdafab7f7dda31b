/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Presentation only: the one writer every command prints through. It
 * streams: JSON is written as the calls arrive (a stack of open containers,
 * no tree in memory), so a walk of millions of ranges or a log of
 * millions of lines prints in constant memory. The same calls print text.
 * Two shapes:
 *  - list views: a column table (libsmartcols) chosen with -o, rendered as
 *    an aligned table, raw, or JSON {"<name>": [ {...}, ... ]};
 *  - detail views: one call per field, written as "label: value" text or
 *    "key": value JSON; and, for layouts of their own (a walk's columns),
 *    the out_fmt_* calls: a printf format for text, a key for JSON, one
 *    call (iproute2's print_* model).
 * Nothing here reads machine state or decides anything; json-c is used
 * only here.
 */
#ifndef IOMMUCTL_OUT_H
#define IOMMUCTL_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct strv;

/* How to render: the renderer's share of the command line. */
struct out_opts {
	FILE *f;               /* where the document goes (stdout) */
	bool json;
	bool pretty;
	/* list views */
	const char *columns;   /* -o COL,... ("+COL" appends to the defaults) */
	bool noheadings;
	bool raw;              /* -r: one line a row, cells separated by one space */
	bool pairs;            /* -P: KEY="value" pairs */
	bool list_columns;
	/*
	 * -w: the width an aligned table fits; 0: the terminal's (COLUMNS, then
	 * the terminal's size) when the file is a terminal, else no limit.
	 */
	int width;
	const char *sort;      /* --sort COL: rows in the order of that column */
	/* --filter COL=GLOB or COL!=GLOB: the rows all of them keep */
	const char *const *filters;
	size_t nfilters;
};

struct out;

struct out *out_new(const struct out_opts *opts);
/* Ends what is still open (as out_end) and frees. */
void out_free(struct out *o);
/*
 * Push what was written to the file; -EIO if a write failed. Ends
 * nothing: a failure reported after it still lands in the same JSON
 * document (see out_error).
 */
int out_flush(struct out *o);
/*
 * Close every open container and end the JSON document with a newline;
 * the next call starts a new document. Text: nothing to close. Returns
 * -EIO if a write failed. The command line ends the document once, when
 * the command returns.
 */
int out_end(struct out *o);
bool out_is_json(const struct out *o);
/* The document goes to a terminal (mem read refuses raw bytes there). */
bool out_isatty(const struct out *o);
const struct out_opts *out_opts(const struct out *o);
/* True once anything was written since the last out_flush. */
bool out_started(const struct out *o);

/*
 * The document of one command inside another (a batch line's "result").
 * Until out_doc_end, writes land as they would at the top level of a
 * document of their own, whose value is member key of the open
 * container: an unkeyed container is the value, anything else opens an
 * object for it; nothing written gives {}. An out_end in between ends
 * only the nested document. One level deep; nothing in text.
 */
void out_doc_begin(struct out *o, const char *key);
void out_doc_end(struct out *o);
/*
 * The list-view options (columns, noheadings, raw, list_columns) of what
 * follows: each line of a batch brings its own -o, -n, -r.
 */
void out_set_list(struct out *o, const struct out_opts *list);

/*
 * Under -j, a failure is also a JSON object on stdout: closes what is open
 * (inside an open document, as its member or item "error") and writes
 * {"error": {"message": ..., "errno": ..., "exit": ...}}. Text: nothing.
 */
void out_error(struct out *o, const char *message, int err, int exit_status);

/* ---- list views ---- */

enum out_col_type {
	OCT_STR,      /* text; JSON string (null when unset) */
	OCT_NUM,      /* decimal; JSON number */
	OCT_HEX,      /* "0x..." in both */
	OCT_BOOL,     /* yes/no; JSON true/false */
	OCT_LIST,     /* comma-separated text; JSON array of strings */
	OCT_NUMLIST,  /* comma-separated text; JSON array of numbers (set with decimal items) */
};

#define OCF_DEFAULT (1u << 0)  /* shown without -o */
#define OCF_RIGHT   (1u << 1)  /* right-aligned */
/*
 * Text that may be wrapped, between words and after the commas of a list,
 * onto more lines of its cell when the table is wider than the terminal
 * (never cut).
 */
#define OCF_WRAP    (1u << 2)
/*
 * A default column left out, the rightmost first, when the table does not
 * fit the terminal even with its text wrapped; never one named with -o.
 */
#define OCF_HIDE    (1u << 3)
/* Shown without -o in text only / in JSON only (the text view's compact form of JSON's columns). */
#define OCF_DEFAULT_TEXT (1u << 4)
#define OCF_DEFAULT_JSON (1u << 5)

/*
 * Text, not pointers: a table of columns then needs no relocation in a PIE
 * and stays read-only (docs/ARCHITECTURE.md, "A big static table"). The
 * compiler warns about a longer initializer (an error with DEVELOPER=1 and
 * in the clang build of make check), but one of exactly the array's size
 * loses its NUL silently: the sizes keep a margin over the longest text
 * (15, 131 and 17 today).
 */
struct out_col {
	char name[20];         /* -o name and header, upper case: "GROUP"; its
	                        * lower case is the JSON key, so use [A-Z0-9_] */
	enum out_col_type type;
	double width;          /* libsmartcols width hint */
	unsigned flags;
	char help[144];        /* one line for --list-columns */
	char key[32];          /* JSON key when it is not the name in lower case
	                        * (a count "ndevices" under the header DEVICES); "" when it is */
};

struct out_table;
struct out_row;

/*
 * Start a table: JSON key `name` ("groups"), columns chosen from the
 * writer's opts->columns (NULL: defaults); the columns of --sort and
 * --filter are read too (out_table_selected) but not shown unless chosen.
 * Unknown columns, or a filter without COL=, give -EUSAGE and a malloc'd
 * one-line reason in *why. With opts->list_columns, prints the column list
 * and returns 1 (the caller then stops).
 */
int out_table_new(struct out *o, const char *name, const struct out_col *cols, size_t ncols,
		  struct out_table **tab, char **why);
struct out_row *out_table_row(struct out_table *tab);
/* Whether column col (index into cols[]) is shown: a command computes only those. */
bool out_table_selected(const struct out_table *tab, int col);
/* Set a cell by column index into cols[]; unselected columns are ignored. */
void out_cell_str(struct out_row *row, int col, const char *s);
void out_cell_u64(struct out_row *row, int col, uint64_t v);
void out_cell_hex(struct out_row *row, int col, uint64_t v);
void out_cell_bool(struct out_row *row, int col, bool v);
void out_cell_list(struct out_row *row, int col, const struct strv *items);
/*
 * Render and free: the rows --filter keeps, in the order of --sort (a
 * stable sort: numbers by value, text in version order, cells with no
 * value first). Text: empty cells print "-" ("" with -P); an aligned
 * table fits the width (opts->width) by wrapping OCF_WRAP columns and
 * leaving out OCF_HIDE ones; no line ends in a blank. At the top level the JSON is a document of its own
 * ({"name": [...]}); inside an open object, a member "name": [...].
 * Returns 0 or -errno.
 */
int out_table_print(struct out_table *tab);
void out_table_free(struct out_table *tab);

/* ---- detail views ---- */

/*
 * Objects and lists. In text, a labelled object prints "label:" and
 * indents what follows; an object inside a list prints its label as the
 * item's heading. key is the JSON member name (ignored inside a list).
 * A value, or a keyed container, written at the top level opens an object
 * around it (closed by out_flush); an unkeyed container there is the
 * document itself. Text labels and values, out_text, out_textf and the
 * strings of out_fmt_str print control characters (C0, DEL, C1) and bytes
 * that are not UTF-8 as \xNN, as the list views do (core/textesc.h);
 * out_textf keeps a newline that ends its format.
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
void out_null(struct out *o, const char *key, const char *label);
/* A list of strings: JSON array; text "label: a, b, c". */
void out_strv(struct out *o, const char *key, const char *label, const struct strv *sv);
/* Text only: a free line at the current indentation (ignored in JSON). */
__attribute__((format(printf, 2, 3)))
void out_text(struct out *o, const char *fmt, ...);

/*
 * One call, both forms, for layouts of the command's own: in text, fmt
 * (printf, one conversion taking val) is printed as is, without
 * indentation or newline; in JSON, "key": val. key NULL: text only;
 * fmt NULL: JSON only. out_fmt_hex is "0x..." in JSON and passes val as
 * uint64_t to fmt ("%#" PRIx64, "0x%016" PRIx64).
 */
void out_fmt_str(struct out *o, const char *key, const char *fmt, const char *val);
void out_fmt_u64(struct out *o, const char *key, const char *fmt, uint64_t val);
void out_fmt_i64(struct out *o, const char *key, const char *fmt, int64_t val);
void out_fmt_hex(struct out *o, const char *key, const char *fmt, uint64_t val);
void out_fmt_bool(struct out *o, const char *key, const char *fmt, bool val);
/* Text only: printf a fragment (no indentation, no newline). */
__attribute__((format(printf, 2, 3)))
void out_textf(struct out *o, const char *fmt, ...);
/* Text only: end the line. */
void out_nl(struct out *o);
/*
 * fn(priv) runs each time before the writer hands bytes to its file (a
 * progress line on the same terminal is erased first); while it is set,
 * the writer hands whole lines only, up to out_flush or out_sync.
 */
void out_set_before_write(struct out *o, void (*fn)(void *priv), void *priv);
/*
 * A JSON value spelled by the caller (a number that does not fit uint64,
 * such as 2^64): written verbatim as the member's value. Text: nothing.
 */
void out_json_raw(struct out *o, const char *key, const char *json);
/*
 * A document that is text in every mode (a completion script, a man
 * page fragment): written verbatim.
 */
void out_verbatim(struct out *o, const char *s);
/* Bytes written as they are, in every mode (mem read --binary). */
void out_bytes(struct out *o, const void *buf, size_t n);

/*
 * The writer buffers what it writes. Before writing to its stream
 * directly (a renderer's own buffer, as decode's text), hand it the
 * buffered bytes: -EIO if the stream has failed.
 */
int out_sync(struct out *o);
FILE *out_stream(const struct out *o);

#endif
