/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct iommuctl_ctx: the options of one invocation and the handles a
 * command works through (the view onto sysfs, the output sink). Passed to
 * every command instead of keeping option state in globals.
 */
#ifndef IOMMUCTL_CLI_CTX_H
#define IOMMUCTL_CLI_CTX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct view;
struct out;
struct cli_batch;
struct cli_mem_keep;

struct iommuctl_ctx {
	/* global options */
	bool json;
	bool pretty;
	bool numeric;          /* no names from the hardware database */
	bool quiet;
	int verbose;
	const char *sysfs_root; /* --sysfs-root DIR: a sysfs tree instead of /sys */
	const char *snapshot;   /* -F FILE: a snapshot instead of the machine */

	/* list-view options (shared by every list verb) */
	const char *columns;    /* -o COL,... ("+COL" appends to the defaults) */
	bool noheadings;
	bool raw;
	bool pairs;             /* -P */
	bool list_columns;
	int width;              /* -w N; 0: the terminal's */
	const char *sort;       /* --sort COL */
	const char *filters[16]; /* --filter COL=GLOB, ... */
	size_t nfilters;

	/* what is running, for diagnostics: "group show" */
	char cmdname[64];
	/* inside a batch: its run (cli/batch.c), and "FILE:LINE: COMMAND" of the line running */
	struct cli_batch *batch;
	struct cli_mem_keep *mem_keep; /* the dumps a batch keeps open between lines (cli/memsrc.h) */
	const char *where;
	const char *usage;      /* ... and how its command is written, "ioas map IOAS [size=N] ..." */
	bool reported;          /* a diagnostic was printed for the failure */
	bool input_failed;      /* ... and it was an input file's (err_input): exit 1 */
	char errmsg[512];       /* the first one, for the JSON error object */
	char errfix[512];       /* what to do about it (err_fixed), when said: a batch line's "fix" */
	unsigned int euid;      /* geteuid(), for CLI_NEEDS_ROOT (tests set it) */
	bool no_view;           /* a CLI_NO_VIEW verb runs: ctx_view() refuses */
	bool progress_shown;    /* a progress line is on stderr's terminal */

	FILE *outf;             /* stdout, or a memory stream in tests */
	FILE *errf;             /* stderr, likewise */
	struct view *view;      /* opened on first use by ctx_view() */
	struct out *out;        /* created by ctx_out() */
};

void ctx_init(struct iommuctl_ctx *ctx);
void ctx_release(struct iommuctl_ctx *ctx);

/*
 * The view the inventory reads through: the snapshot given with -F, the
 * tree given with --sysfs-root, or the running machine. Returns -errno and
 * reports why when the source cannot be opened.
 */
int ctx_view(struct iommuctl_ctx *ctx, struct view **view);
struct out_col;
struct out_table;
/*
 * A list view's table on the writer; an unknown -o column is reported.
 * 1: --list-columns printed the columns, the caller stops.
 */
int cli_table_new(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		  size_t ncols, struct out_table **tab);

/* The writer, made from the options of this invocation on first use. */
struct out *ctx_out(struct iommuctl_ctx *ctx);
struct out_opts;
/* The list-view options of the context (-o, -n, -r, -P, -w, --sort, --filter) into opts. */
void ctx_list_opts(const struct iommuctl_ctx *ctx, struct out_opts *opts);

/*
 * The end of a command: under -j a failure is also a JSON error object on
 * stdout (the message of the first diagnostic); then the writer is
 * flushed. Returns the exit status for err.
 */
int ctx_finish(struct iommuctl_ctx *ctx, int err);

/*
 * One diagnostic line on stderr: "iommuctl: group show: <message>"; in a
 * batch "iommuctl: batch: FILE:LINE: COMMAND: <message>".
 */
__attribute__((format(printf, 2, 3)))
void err_msg(struct iommuctl_ctx *ctx, const char *fmt, ...);
/* Same, returning err so that callers can `return err_report(...)`. */
__attribute__((format(printf, 3, 4)))
int err_report(struct iommuctl_ctx *ctx, int err, const char *fmt, ...);
/*
 * Same, with the remedy: "<message>; fix: <fix>" on the one line, the
 * message and the fix kept apart for JSON (errmsg, errfix). fix NULL:
 * err_report.
 */
__attribute__((format(printf, 4, 5)))
int err_fixed(struct iommuctl_ctx *ctx, int err, const char *fix, const char *fmt, ...);
__attribute__((format(printf, 4, 0)))
int verr_fixed(struct iommuctl_ctx *ctx, int err, const char *fix, const char *fmt, va_list ap);
/*
 * Same, for an input file named on the command line (snapshot, dump, FILE)
 * that is missing, unreadable or not recognised: the exit status is 1
 * whatever err is (-ENOENT of a file is not "no such group", status 3),
 * the JSON error object keeps err's errno.
 */
__attribute__((format(printf, 3, 4)))
int err_input(struct iommuctl_ctx *ctx, int err, const char *fmt, ...);
/*
 * A library loaded on demand could not be (err is -ELIBACC, from
 * dlib_load() or a backend that called it): the one line that names it
 * and its package, "libarchive.so.13 cannot be loaded (install the Debian
 * package libarchive13): ...". Returns err.
 */
int err_lib(struct iommuctl_ctx *ctx, int err);
/* A warning: stderr, "iommuctl: group show: warning: ...", unless -q. */
__attribute__((format(printf, 2, 3)))
void warn_msg(struct iommuctl_ctx *ctx, const char *fmt, ...);
/* A note: what could not be added to an answer that stands, "iommuctl: walk roots: note: ...", unless -q. */
__attribute__((format(printf, 2, 3)))
void note_msg(struct iommuctl_ctx *ctx, const char *fmt, ...);
/*
 * Progress on stderr, only when it is a terminal and not -q: one line,
 * redrawn in place; erased before anything else is written to the
 * terminal (stdout on the same terminal, a diagnostic) and by
 * progress_done.
 */
__attribute__((format(printf, 2, 3)))
void progress_msg(struct iommuctl_ctx *ctx, const char *fmt, ...);
void progress_done(struct iommuctl_ctx *ctx);

#endif
