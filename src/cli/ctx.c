/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Invocation context: source selection (machine, --sysfs-root, -F), the
 * output sink, diagnostics in one format, errno to exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/dump/snapshot.h"
#include "cli/ctx.h"
#include "core/dlib.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"
#include "output/out.h"

void ctx_init(struct iommuctl_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->outf = stdout;
	ctx->errf = stderr;
	ctx->euid = geteuid();
}

void ctx_release(struct iommuctl_ctx *ctx)
{
	view_free(ctx->view);
	ctx->view = NULL;
	out_free(ctx->out);
	ctx->out = NULL;
}

int ctx_view(struct iommuctl_ctx *ctx, struct view **view)
{
	int err;

	if (ctx->view) {
		*view = ctx->view;
		return 0;
	}
	/* the dispatcher's promise: a CLI_NO_VIEW verb reads no machine state */
	if (ctx->no_view)
		return err_report(ctx, -EINVAL, "internal error: a verb that reads no machine state opened it");
	if (ctx->snapshot && ctx->sysfs_root)
		return err_report(ctx, -EUSAGE, "--snapshot and --sysfs-root exclude each other");
	if (ctx->snapshot) {
		char *why = NULL;

		err = snapshot_view_open(ctx->snapshot, &ctx->view, &why);
		if (err == -ELIBACC) {
			free(why);
			return err_lib(ctx, err);
		}
		if (err) {
			err_input(ctx, err, "%s: %s", ctx->snapshot, why ? why : strerror(-err));
			free(why);
			return err;
		}
	} else if (ctx->sysfs_root) {
		/*
		 * A tree named .../sys is taken as the /sys of a captured system
		 * whose other parts (/dev/vfio, /proc/sys/kernel) lie beside it,
		 * as in an extracted snapshot; any other name gives /sys only.
		 */
		char *norm = path_normalize(ctx->sysfs_root), *slash = strrchr(norm, '/');
		char *parent = NULL;

		if (ctx->sysfs_root[0] != '/') {
			char *cwd = get_current_dir_name(), *abs = xasprintf("%s/%s", cwd ? cwd : ".", ctx->sysfs_root);

			free(norm);
			norm = path_normalize(abs);
			slash = strrchr(norm, '/');
			free(abs);
			free(cwd);
		}
		if (slash && !strcmp(slash + 1, "sys"))
			parent = slash == norm ? xstrdup("/") : xstrndup(norm, slash - norm);
		err = view_root_new(parent, ctx->sysfs_root, &ctx->view);
		free(parent);
		free(norm);
		if (err)
			return err_input(ctx, err, "--sysfs-root %s: not a directory", ctx->sysfs_root);
	} else {
		err = view_root_new("/", NULL, &ctx->view);
		if (err)
			return err_report(ctx, err, "cannot open the running system");
	}
	*view = ctx->view;
	return 0;
}

void ctx_list_opts(const struct iommuctl_ctx *ctx, struct out_opts *opts)
{
	opts->columns = ctx->columns;
	opts->noheadings = ctx->noheadings;
	opts->raw = ctx->raw;
	opts->pairs = ctx->pairs;
	opts->list_columns = ctx->list_columns;
	opts->width = ctx->width;
	opts->sort = ctx->sort;
	opts->filters = ctx->filters;
	opts->nfilters = ctx->nfilters;
}

static void progress_clear(void *priv);

/* The output goes to the terminal the progress line is drawn on. */
static bool progress_shares_terminal(const struct iommuctl_ctx *ctx)
{
	struct stat o, e;

	return isatty(fileno(ctx->outf)) && !fstat(fileno(ctx->outf), &o) &&
	       !fstat(STDERR_FILENO, &e) && o.st_rdev == e.st_rdev;
}

struct out *ctx_out(struct iommuctl_ctx *ctx)
{
	if (!ctx->out) {
		struct out_opts opts = { .f = ctx->outf, .json = ctx->json, .pretty = ctx->pretty };

		ctx_list_opts(ctx, &opts);
		ctx->out = out_new(&opts);
		if (ctx->progress_shown && progress_shares_terminal(ctx))
			out_set_before_write(ctx->out, progress_clear, ctx);
	}
	return ctx->out;
}

int cli_table_new(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		  size_t ncols, struct out_table **tab)
{
	char *why = NULL;
	int err = out_table_new(ctx_out(ctx), name, cols, ncols, tab, &why);

	if (err < 0) {
		err_msg(ctx, "%s", why ? why : strerror(-err));
		free(why);
	}
	return err;
}

int ctx_finish(struct iommuctl_ctx *ctx, int err)
{
	int status = exit_status_from_err(err);

	/* a file that cannot be read is no answer about the machine (not 3) */
	if (err && ctx->input_failed && status != EXIT_USAGE && status != EXIT_UNSUPPORTED)
		status = EXIT_FAIL;

	/* a verdict is the output itself: no error object */
	if (err && err != -EVERDICT && ctx->json) {
		const char *msg = ctx->errmsg[0] ? ctx->errmsg :
				  err == -EUSAGE ? "invalid usage" : err == -EDRIFT ? "drift" : strerror(-err);

		/* drift is a state of the machine, not a system error: errno 0 */
		out_error(ctx_out(ctx), msg, err == -EUSAGE ? EINVAL : err == -EDRIFT ? 0 : -err, status);
	}
	if (ctx->out && out_end(ctx->out) && !err) {
		err_msg(ctx, "write error on standard output");
		status = exit_status_from_err(-EIO);
	}
	/* the document is over: nothing may write to the caller's file after this */
	out_free(ctx->out);
	ctx->out = NULL;
	return status;
}

static void __attribute__((format(printf, 3, 0)))
vmsg(struct iommuctl_ctx *ctx, const char *kind, const char *fmt, va_list ap)
{
	/* a diagnostic on a line of its own, not after the progress */
	if (ctx->errf == stderr)
		progress_clear(ctx);
	if (!kind && !ctx->errmsg[0]) {
		va_list aq;

		va_copy(aq, ap);
		vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, aq);
		va_end(aq);
	}
	fputs("iommuctl: ", ctx->errf);
	if (ctx->cmdname[0])
		fprintf(ctx->errf, "%s: ", ctx->cmdname);
	if (ctx->where)
		fprintf(ctx->errf, "%s: ", ctx->where);
	if (kind)
		fprintf(ctx->errf, "%s: ", kind);
	vfprintf(ctx->errf, fmt, ap);
	fputc('\n', ctx->errf);
}

void err_msg(struct iommuctl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, NULL, fmt, ap);
	va_end(ap);
	ctx->reported = true;
}

int err_report(struct iommuctl_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, NULL, fmt, ap);
	va_end(ap);
	ctx->reported = true;
	return err;
}

int err_fixed(struct iommuctl_ctx *ctx, int err, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err = verr_fixed(ctx, err, fix, fmt, ap);
	va_end(ap);
	return err;
}

int verr_fixed(struct iommuctl_ctx *ctx, int err, const char *fix, const char *fmt, va_list ap)
{
	bool first = !ctx->errmsg[0];
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	if (!msg)
		return err_report(ctx, err, "%s", strerror(ENOMEM));
	if (!fix || !*fix) {
		err_report(ctx, err, "%s", msg);
	} else {
		err_report(ctx, err, "%s; fix: %s", msg, fix);
		if (first) {
			/* the message alone for JSON; the fix beside it */
			snprintf(ctx->errmsg, sizeof(ctx->errmsg), "%s", msg);
			snprintf(ctx->errfix, sizeof(ctx->errfix), "%s", fix);
		}
	}
	free(msg);
	return err;
}

int err_input(struct iommuctl_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(ctx, NULL, fmt, ap);
	va_end(ap);
	ctx->reported = ctx->input_failed = true;
	return err;
}

int err_lib(struct iommuctl_ctx *ctx, int err)
{
	const char *why = dlib_error();

	return err_report(ctx, err, "%s", why ? why : strerror(-err));
}

void warn_msg(struct iommuctl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vmsg(ctx, "warning", fmt, ap);
	va_end(ap);
}

void note_msg(struct iommuctl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vmsg(ctx, "note", fmt, ap);
	va_end(ap);
}

static bool progress_wanted(struct iommuctl_ctx *ctx)
{
	return !ctx->quiet && ctx->errf == stderr && isatty(STDERR_FILENO);
}

/* The progress line erased: the cursor back at the start of an empty line. */
static void progress_clear(void *priv)
{
	struct iommuctl_ctx *ctx = priv;

	if (!ctx->progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	ctx->progress_shown = false;
}

void progress_msg(struct iommuctl_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!progress_wanted(ctx))
		return;
	/*
	 * The writer erases the line before it writes the next lines of the
	 * result, and writes whole lines while it is shown: on one terminal
	 * the progress never runs into a result line.
	 */
	if (!ctx->progress_shown && ctx->out && progress_shares_terminal(ctx))
		out_set_before_write(ctx->out, progress_clear, ctx);
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	ctx->progress_shown = true;
}

void progress_done(struct iommuctl_ctx *ctx)
{
	progress_clear(ctx);
	if (ctx->out)
		out_set_before_write(ctx->out, NULL, NULL);
}
