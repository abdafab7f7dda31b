/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dispatcher: object table, exact/alias/unique-prefix matching (an
 * ambiguous prefix is an error listing the candidates, never first-match),
 * per-verb argp parsing with the shared option groups, help generated from
 * the tables, and --dump-commands for the completion generator. The lines
 * of a batch come through here too (cli_dispatch with ctx->batch set).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/sysfs/inventory.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

/* The objects, in the order help lists them; the batch language's own last. */
const struct cli_object *const cli_objects[] = {
	&cli_object_iommu,
	&cli_object_group,
	&cli_object_device,
	&cli_object_snapshot,
	&cli_object_decode,
	&cli_object_mem,
	&cli_object_walk,
	&cli_object_translate,
	&cli_object_vfio,
	&cli_object_msi,
	&cli_object_acpi,
	&cli_object_cdi,
	&cli_object_batch,
	&cli_object_apply,
	&cli_object_doctor,
	&cli_object_explain,
	&cli_object_iommufd,
	&cli_object_ioas,
	&cli_object_hwpt,
	&cli_object_pasid,
	&cli_object_viommu,
	&cli_object_vdevice,
	&cli_object_hw_info,
	&cli_object_option,
	&cli_object_destroy,
	&cli_object_container,
	&cli_object_dma,
	&cli_object_spapr,
	&cli_object_exec,
	&cli_object_send,
	NULL,
};

const struct cli_verb *cli_verb_next(const struct cli_object *obj, const struct cli_verb *v)
{
	const struct cli_verb *own_end = obj->verbs;

	v = v ? v + 1 : obj->verbs;
	if (v->name)
		return v;
	/* at the end of the object's own verbs its batch verbs follow */
	while (own_end->name)
		own_end++;
	if (v == own_end && obj->batch_verbs && obj->batch_verbs->name)
		return obj->batch_verbs;
	return NULL;
}

static bool batch_only(const struct cli_object *obj, const struct cli_verb *v)
{
	return ((obj->flags | (v ? v->flags : 0)) & CLI_BATCH_ONLY) != 0;
}

static bool in_batch(const struct iommuctl_ctx *ctx)
{
	return ctx && ctx->batch;
}

/* -h, --help: asked for on this command line (one parse at a time) */
static bool help_asked;

/* ---- shared option groups ---- */

enum {
	OPT_SYSFS_ROOT = 0x100,
	OPT_NUMERIC,
	OPT_LIST_COLUMNS,
	OPT_SORT,
	OPT_FILTER,
};

static const struct argp_option global_options[] = {
	{ "json", 'j', NULL, 0, "JSON output", -1 },
	{ "pretty", 'p', NULL, 0, "indent JSON output", -1 },
	{ "sysfs-root", OPT_SYSFS_ROOT, "DIR", 0, "read a sysfs tree under DIR instead of /sys", -1 },
	{ "snapshot", 'F', "FILE", 0, "read a snapshot file instead of this machine", -1 },
	{ "numeric", OPT_NUMERIC, NULL, 0, "show numeric IDs only, no hardware database names", -1 },
	{ "verbose", 'v', NULL, 0, "more detail (repeatable)", -1 },
	{ "quiet", 'q', NULL, 0, "no warnings or progress", -1 },
	{ 0 }
};

static error_t global_parse(int key, char *arg, struct argp_state *state)
{
	struct iommuctl_ctx *ctx = state->input;

	switch (key) {
	case 'j':
		ctx->json = true;
		break;
	case 'p':
		ctx->pretty = true;
		ctx->json = true;
		break;
	case OPT_SYSFS_ROOT:
		ctx->sysfs_root = arg;
		break;
	case 'F':
		ctx->snapshot = arg;
		break;
	case OPT_NUMERIC:
		ctx->numeric = true;
		break;
	case 'v':
		ctx->verbose++;
		break;
	case 'q':
		ctx->quiet = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp cli_global_argp = {
	.options = global_options,
	.parser = global_parse,
};

/* In a batch line: the global options are the batch's, set on its command line. */
static error_t line_global_parse(int key, char *arg, struct argp_state *state)
{
	for (const struct argp_option *o = global_options; o->name; o++)
		if (o->key == key) {
			argp_error(state, "--%s is an option of the whole batch: give it to 'iommuctl batch'",
				   o->name);
			return EINVAL;
		}
	return ARGP_ERR_UNKNOWN;
}

static const struct argp line_global_argp = {
	.options = global_options,
	.parser = line_global_parse,
};

static const struct argp_option list_options[] = {
	{ "output", 'o', "COL,...", 0, "columns to show (+COL,... adds to the defaults)", -2 },
	{ "list-columns", OPT_LIST_COLUMNS, NULL, 0, "list the available columns", -2 },
	{ "noheadings", 'n', NULL, 0, "no header line", -2 },
	{ "raw", 'r', NULL, 0, "raw output: one space between cells, - for none, blanks as \\x20", -2 },
	{ "pairs", 'P', NULL, 0, "KEY=\"value\" pairs", -2 },
	{ "width", 'w', "N", 0, "fit N columns (default: the terminal's, COLUMNS first; no limit when "
	  "not a terminal)", -2 },
	{ "sort", OPT_SORT, "COL", 0, "sort the rows by column COL", -2 },
	{ "filter", OPT_FILTER, "COL=GLOB", 0, "only the rows whose COL matches GLOB; COL!=GLOB: does "
	  "not match (repeatable: all must hold)", -2 },
	{ 0 }
};

static error_t list_parse(int key, char *arg, struct argp_state *state)
{
	struct iommuctl_ctx *ctx = state->input;

	switch (key) {
	case 'o':
		ctx->columns = arg;
		break;
	case OPT_LIST_COLUMNS:
		ctx->list_columns = true;
		break;
	case 'n':
		ctx->noheadings = true;
		break;
	case 'r':
		ctx->raw = true;
		break;
	case 'P':
		ctx->pairs = true;
		break;
	case 'w': {
		char *end;
		long n;

		errno = 0;
		n = strtol(arg, &end, 10);
		if (errno || end == arg || *end || n < 1 || n > 100000) {
			argp_error(state, "--width '%s': expected a number of columns, 1 or more", arg);
			return EINVAL;
		}
		ctx->width = (int)n;
		break;
	}
	case OPT_SORT:
		ctx->sort = arg;
		break;
	case OPT_FILTER:
		if (ctx->nfilters == ARRAY_SIZE(ctx->filters)) {
			argp_error(state, "--filter: at most %zu", ARRAY_SIZE(ctx->filters));
			return EINVAL;
		}
		ctx->filters[ctx->nfilters++] = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp cli_list_argp = {
	.options = list_options,
	.parser = list_parse,
};

/* ---- matching ---- */

int cli_match(const char *const *names, const char *const *aliases, size_t n, const char *s,
	      size_t *idx, struct strv *cand)
{
	size_t len = strlen(s), found = 0;

	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], s) || (aliases && aliases[i] && !strcmp(aliases[i], s))) {
			*idx = i;
			return 0;
		}
	for (size_t i = 0; len && i < n; i++)
		if (!strncmp(names[i], s, len)) {
			*idx = i;
			found++;
			strv_push(cand, names[i]);
		}
	if (found == 1)
		return 0;
	return found ? -EUSAGE : -ENOENT;
}

static int match_report(struct iommuctl_ctx *ctx, int err, const char *prefix, const char *s,
			struct strv *cand)
{
	if (err == -EUSAGE) {
		char *list = strv_join(cand, ", ");

		if (in_batch(ctx))
			err_fixed(ctx, err, "write the whole word", "'%s%s' is ambiguous: %s", prefix, s, list);
		else
			err_msg(ctx, "'%s%s' is ambiguous: %s", prefix, s, list);
		free(list);
	}
	strv_free(cand);
	return err;
}

/*
 * cli_match over n names, of which the hidden ones (batch-only, outside a
 * batch) match only by their exact name or alias.
 */
static int match_scoped(struct iommuctl_ctx *ctx, const char *const *names, const char *const *aliases,
			const bool *hidden, size_t n, const char *s, const char *prefix, size_t *idx)
{
	const char *vn[64] = { 0 }, *va[64] = { 0 };
	size_t map[64], m = 0, k = 0;
	struct strv cand = { 0 };
	int err;

	for (size_t i = 0; i < n && m < ARRAY_SIZE(vn); i++)
		if (!hidden[i]) {
			vn[m] = names[i];
			va[m] = aliases[i];
			map[m++] = i;
		}
	err = cli_match(vn, va, m, s, &k, &cand);
	if (!err)
		*idx = map[k];
	for (size_t i = 0; err == -ENOENT && i < n; i++)
		if (hidden[i] && (!strcmp(names[i], s) || (aliases[i] && !strcmp(aliases[i], s)))) {
			*idx = i;
			err = 0;
		}
	return match_report(ctx, err, prefix, s, &cand);
}

int cli_find_object(struct iommuctl_ctx *ctx, const char *name, const struct cli_object **objp)
{
	const char *names[32], *aliases[32];
	bool hidden[32];
	size_t n = 0, idx = 0;
	int err;

	for (; cli_objects[n] && n < ARRAY_SIZE(names); n++) {
		names[n] = cli_objects[n]->name;
		aliases[n] = cli_objects[n]->alias;
		hidden[n] = !in_batch(ctx) && batch_only(cli_objects[n], NULL);
	}
	err = match_scoped(ctx, names, aliases, hidden, n, name, "", &idx);
	if (!err)
		*objp = cli_objects[idx];
	return err;
}

int cli_find_verb(struct iommuctl_ctx *ctx, const struct cli_object *obj, const char *name,
		  const struct cli_verb **verbp)
{
	const char *names[64], *aliases[64];
	const struct cli_verb *verbs[64], *v;
	bool hidden[64];
	size_t n = 0, idx = 0;
	char *prefix;
	int err;

	cli_for_each_verb(obj, v) {
		if (n == ARRAY_SIZE(names))
			break;
		names[n] = v->name;
		aliases[n] = v->alias;
		hidden[n] = !in_batch(ctx) && batch_only(obj, v);
		verbs[n++] = v;
	}
	prefix = xasprintf("%s ", obj->name);
	err = match_scoped(ctx, names, aliases, hidden, n, name, prefix, &idx);
	free(prefix);
	if (!err)
		*verbp = verbs[idx];
	return err;
}

/* ---- help ---- */

/* The options of the command line before the object (main.c parses them). */
const struct argp_option cli_root_options[] = {
	{ "help", 'h', NULL, 0, "show this help", -1 },
	{ "version", 'V', NULL, 0, "print the version", -1 },
	{ "dump-commands", CLI_OPT_DUMP_COMMANDS, NULL, 0, "describe every command as JSON", -1 },
	{ "completion", CLI_OPT_COMPLETION, "SHELL", 0, "print the bash, zsh or fish completion script", -1 },
	{ 0 }
};

/* The width help is wrapped to: the terminal's, else $COLUMNS, else 80. */
static int help_width(FILE *f)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	int w = 80;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		w = ws.ws_col;
	else if (c && atoi(c) > 0)
		w = atoi(c);
	return w < 40 ? 40 : w > 1000 ? 1000 : w;
}

/*
 * argp's help, once per process: wrapped to the width of f, without the
 * note on arguments of short and long options (ARGP_HELP_FMT, read once by
 * argp; the user's own settings come last and win).
 */
static void help_fmt(FILE *f)
{
	const char *user = getenv("ARGP_HELP_FMT");
	char *fmt = xasprintf("no-dup-args-note,header-col=0,rmargin=%d%s%s", help_width(f) - 1, user ? "," : "",
			      user ? user : "");

	setenv("ARGP_HELP_FMT", fmt, 1);
	free(fmt);
}

/*
 * text from column pos on, wrapped to width, each further line starting at
 * column col; then a newline
 */
static void help_wrap(FILE *f, int width, int col, int pos, const char *text)
{
	while (*text) {
		size_t wl = strcspn(text, " ");

		/* as argp's: the last column stays free */
		if (pos > col && pos + 1 + (int)wl >= width) {
			fprintf(f, "\n%*s", col, "");
			pos = col;
		} else if (pos > col) {
			fputc(' ', f);
			pos++;
		}
		fprintf(f, "%.*s", (int)wl, text);
		pos += (int)wl;
		text += wl;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

/* "  NAME  text" with text wrapped to width under itself (a hanging indent). */
static void help_row(FILE *f, int width, int col, const char *name, const char *text)
{
	int pos;

	if ((int)strlen(name) + 3 > col)
		pos = fprintf(f, "  %s\n%*s", name, col, "") - (int)strlen(name) - 3;
	else
		pos = fprintf(f, "  %-*s ", col - 3, name);
	help_wrap(f, width, col, pos, text);
}

static void cli_help_verb(const struct argp *argp, FILE *f, unsigned flags, char *name);

/* text wrapped to width, no indent */
static void help_para(FILE *f, int width, const char *text)
{
	help_wrap(f, width, 0, 0, text);
}

void cli_help_root(struct iommuctl_ctx *ctx, FILE *f, bool full)
{
	int width = help_width(f);

	fputs("Usage: iommuctl [OPTION...] OBJECT [VERB] [ARGS...]\n"
	      "Inspect and configure IOMMUs: units, groups, devices, and their tables.\n\n"
	      "Objects:\n", f);
	for (size_t i = 0; cli_objects[i]; i++)
		if (!batch_only(cli_objects[i], NULL))
			help_row(f, width, 13, cli_objects[i]->name, cli_objects[i]->summary);
	fputs("\nBatch commands (lines of 'iommuctl batch FILE', like the objects):\n", f);
	for (size_t i = 0; cli_objects[i]; i++)
		if (batch_only(cli_objects[i], NULL))
			help_row(f, width, 13, cli_objects[i]->name, cli_objects[i]->summary);
	if (full) {
		struct argp_child children[] = { { &cli_global_argp, 0, NULL, 0 }, { 0 } };
		struct argp root = { .options = cli_root_options, .children = children };

		fputs("\nOptions:\n", f);
		cli_help_verb(&root, f, ARGP_HELP_LONG, (char *)"iommuctl");
		fputs("\nRun 'iommuctl OBJECT --help' for its verbs and\n"
		      "'iommuctl OBJECT VERB --help' for a verb's options.\n", f);
		return;
	}
	fputs("\nRun 'iommuctl --help' for the options, 'iommuctl OBJECT --help' for\n"
	      "an object's verbs and 'iommuctl OBJECT VERB --help' for a verb's.\n", f);
}

static void help_verb_line(FILE *f, int width, const struct cli_verb *v)
{
	char *syn = xasprintf("%s %s", v->name, v->args_doc ? v->args_doc : "");

	help_row(f, width, 31, syn, v->summary);
	free(syn);
}

void cli_help_object(struct iommuctl_ctx *ctx, const struct cli_object *obj, FILE *f)
{
	const struct cli_verb *v;
	bool own = false, more = false;
	int width = help_width(f);

	cli_for_each_verb(obj, v) {
		own |= !batch_only(obj, v);
		more |= batch_only(obj, v);
	}
	if (!own && !more && obj->fallback) {
		/* one command: destroy OBJ */
		v = obj->fallback;
		fprintf(f, "Usage, as a line of 'iommuctl batch FILE': %s %s\n%s\n\n"
			   "Run 'iommuctl %s --help' for its options.\n", obj->name,
			v->args_doc ? v->args_doc : v->name, obj->summary, obj->name);
		return;
	}
	if (batch_only(obj, NULL))
		fprintf(f, "Usage, as a line of 'iommuctl batch FILE': %s VERB [ARGS...]\n", obj->name);
	else
		fprintf(f, "Usage: iommuctl [OPTION...] %s VERB [ARGS...]\n", obj->name);
	help_para(f, width, obj->summary);
	fprintf(f, "\n%s\n", own ? "Verbs:" : "Verbs (lines of 'iommuctl batch FILE'):");
	cli_for_each_verb(obj, v)
		if (own ? !batch_only(obj, v) : true)
			help_verb_line(f, width, v);
	if (obj->fallback)
		help_verb_line(f, width, obj->fallback);
	if (own && more) {
		fputs("\nBatch verbs (lines of 'iommuctl batch FILE'):\n", f);
		cli_for_each_verb(obj, v)
			if (batch_only(obj, v))
				help_verb_line(f, width, v);
	}
	fputc('\n', f);
	if (obj->default_verb)
		fprintf(f, "With no verb, '%s %s' runs.\n", obj->name, obj->default_verb);
	fprintf(f, "Run 'iommuctl %s VERB --help' for a verb's options.\n", obj->name);
}

/*
 * Close matches of a mistyped word among names: at most 2 edits (1 for a
 * word of 4 letters or less), an adjacent swap counting as one.
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}

void cli_suggest(struct strv *out, const char *const *names, size_t n, const char *s)
{
	size_t max = strlen(s) <= 4 ? 1 : 2;

	for (size_t i = 0; i < n; i++)
		if (names[i] && edit_distance(names[i], s) <= max && !strv_contains(out, names[i]))
			strv_push(out, names[i]);
}

/* " (did you mean: a, b?)" or "", for a message; the caller frees */
static char *suggestion(const char *const *names, size_t n, const char *s)
{
	struct strv cand = { 0 };
	char *list, *r;

	cli_suggest(&cand, names, n, s);
	if (!cand.n)
		return xstrdup("");
	list = strv_join(&cand, ", ");
	r = xasprintf("; did you mean: %s?", list);
	free(list);
	strv_free(&cand);
	return r;
}

/*
 * argp_help written to f without its blank lines in a row (argp leaves two
 * between option groups) and without trailing blanks. Named for the check
 * that only help writes stdout outside src/output.
 */
static void cli_help_verb(const struct argp *argp, FILE *f, unsigned flags, char *name)
{
	char *buf = NULL, *line, *next;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	bool blank = false, first = true;

	if (!m) {
		argp_help(argp, f, flags, name);
		return;
	}
	fflush(f);
	help_fmt(f);
	argp_help(argp, m, flags, name);
	fclose(m);
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!*str_rstrip(line)) {
			blank = true;
			continue;
		}
		fprintf(f, "%s%s\n", blank && !first ? "\n" : "", line);
		blank = first = false;
	}
	free(buf);
}

/* ---- preconditions ---- */

int cli_preconditions(struct iommuctl_ctx *ctx, const struct cli_verb *verb, const void *opts,
		      int argc, char **argv)
{
	const char *source = ctx->snapshot ? "a snapshot (-F)" : ctx->sysfs_root ? "--sysfs-root" : NULL;
	bool changes = !verb->changes_nothing || !verb->changes_nothing(opts, argc, argv);

	if ((verb->flags & CLI_BATCH_ONLY) && !in_batch(ctx))
		return err_report(ctx, -EUSAGE, "a batch command: it runs as a line of 'iommuctl batch FILE'");
	if ((verb->flags & CLI_NO_VIEW) && source)
		return err_report(ctx, -EUSAGE, "reads no machine state: %s does not apply", source);
	if ((verb->flags & CLI_LIVE) && source)
		return err_fixed(ctx, -EOPNOTSUPP, in_batch(ctx) ? "run the batch on the live machine, without -F "
				 "or --sysfs-root" : NULL, "drives the running kernel: it cannot use %s", source);
	if ((verb->flags & CLI_WRITES) && ctx->snapshot && changes)
		return err_report(ctx, -EOPNOTSUPP, "a snapshot is read-only: this verb changes a live machine");
	if ((verb->flags & CLI_NEEDS_ROOT) && !source && changes && ctx->euid != 0)
		return err_report(ctx, -EPERM, "changing the machine needs root%s",
				  verb->changes_nothing ? " (--dry-run shows the plan as any user)" : "");
	return 0;
}

/* ---- per-verb parsing ---- */

struct verb_parse {
	struct iommuctl_ctx *ctx;
	const struct cli_verb *verb;
	void *opts;
	struct strv args;
};

static error_t verb_parse_top(int key, char *arg, struct argp_state *state)
{
	struct verb_parse *vp = state->input;
	size_t i = 0;

	switch (key) {
	case ARGP_KEY_INIT:
		if (vp->verb->options)
			state->child_inputs[i++] = vp->opts;
		state->child_inputs[i++] = vp->ctx;
		if (vp->verb->flags & CLI_LIST)
			state->child_inputs[i++] = vp->ctx;
		/* a batch line writes nothing of argp's on stdout (--version) */
		if (in_batch(vp->ctx))
			state->out_stream = state->err_stream;
		return 0;
	case ARGP_KEY_ARG:
		strv_push(&vp->args, arg);
		/* exec -- CMD ARGS...: what follows the first argument is its own */
		if (vp->verb->flags & CLI_ARGS_REST)
			while (state->next < state->argc)
				strv_push(&vp->args, state->argv[state->next++]);
		return 0;
	case ARGP_KEY_END:
		/* argp_error exits, except in a batch line (ARGP_NO_EXIT) */
		if (help_asked)
			return 0;
		if ((int)vp->args.n < vp->verb->min_args) {
			argp_error(state, "missing argument: %s", vp->verb->args_doc);
			return EINVAL;
		}
		if (vp->verb->max_args >= 0 && (int)vp->args.n > vp->verb->max_args) {
			argp_error(state, "unexpected argument '%s'", vp->args.v[vp->verb->max_args]);
			return EINVAL;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/*
 * The batch language's words for options: KEY=VALUE is --KEY=VALUE when
 * KEY is an option of the verb that takes a value, and a bare FLAG is
 * --FLAG when it is one that takes none. NULL: the word stays as it is.
 */
static char *language_word(const struct argp_option *opts, const char *w)
{
	const char *eq = strchr(w, '=');
	size_t klen = eq ? (size_t)(eq - w) : strlen(w);

	if (w[0] == '-')
		return NULL;
	for (const struct argp_option *o = opts; o && (o->name || o->key); o++)
		if (o->name && strlen(o->name) == klen && !strncmp(o->name, w, klen) && !eq == !o->arg)
			return xasprintf("--%s", w);
	return NULL;
}

/*
 * argp_parse, a mistake being one diagnostic line in the tool's style:
 * argp's complaints, and getopt's, which go to stderr itself (glibc lets a
 * program assign stderr), are caught and the first line reported without
 * argp's program name (av->v[0]), then, on the command line, where to look
 * (argp's own "Try ... --usage" tail is not shown). Nothing exits or
 * reaches stdout: help is the caller's (ARGP_NO_HELP).
 */
int cli_parse_args(struct iommuctl_ctx *ctx, const struct argp *argp, unsigned flags,
		   struct strv *av, void *input)
{
	char *buf = NULL, *nl;
	size_t len = 0, plen = strlen(av->v[0]);
	FILE *cap = open_memstream(&buf, &len), *saved = stderr;
	int err;

	if (!cap)
		return err_report(ctx, -ENOMEM, "%s", strerror(ENOMEM));
	stderr = cap;
	err = argp_parse(argp, (int)av->n, av->v, flags | ARGP_NO_EXIT | ARGP_NO_HELP, NULL, input);
	stderr = saved;
	fclose(cap);
	if (err) {
		const char *msg = buf && *buf ? buf : "invalid usage";

		if ((nl = strchr(msg, '\n')))
			*nl = 0;
		if (!strncmp(msg, av->v[0], plen) && !strncmp(msg + plen, ": ", 2))
			msg += plen + 2;
		if (in_batch(ctx) && ctx->usage) {
			char *fix = xasprintf("write it as '%s'", ctx->usage);

			err = err_fixed(ctx, -EUSAGE, fix, "%s", msg);
			free(fix);
		} else {
			err = err_report(ctx, -EUSAGE, "%s", msg);
		}
		if (!in_batch(ctx))
			fprintf(ctx->errf, "Try '%s --help'.\n", av->v[0]);
	}
	free(buf);
	return err;
}

static error_t help_parse(int key, char *arg, struct argp_state *state)
{
	if (key == 'h') {
		help_asked = true;
		return 0;
	}
	return global_parse(key, arg, state);
}

/*
 * The global options as a verb's help shows them: those that cannot apply
 * to it hidden (still parsed, so that the dispatcher says why they do not
 * apply), -h, --help added.
 */
static void verb_global_options(const struct cli_verb *verb, struct argp_option *opts, size_t n)
{
	bool no_source = verb->flags & (CLI_NO_VIEW | CLI_LIVE);
	bool no_names = no_source || (verb->flags & CLI_WRITES);
	size_t i = 0;

	for (const struct argp_option *o = global_options; o->name && i + 2 < n; o++) {
		opts[i] = *o;
		if ((no_source && (o->key == 'F' || o->key == OPT_SYSFS_ROOT)) ||
		    (no_names && o->key == OPT_NUMERIC))
			opts[i].flags |= OPTION_HIDDEN;
		i++;
	}
	opts[i++] = (struct argp_option){ "help", 'h', NULL, 0, "show this help", -1 };
	opts[i] = (struct argp_option){ 0 };
}

/*
 * Run verb of obj on argv (argv[0]: the object word; shown: the verb as
 * typed, NULL for an object that is one command).
 */
/*
 * How a batch line of this verb is written: "ioas map IOAS [size=N]
 * [iova=ADDR] [readonly] [name=NAME]" (the language's words for a verb of
 * the language, "[OPTION...]" for a command of the command line).
 */
static char *batch_synopsis(const struct cli_object *obj, const struct cli_verb *verb, const char *shown,
			    bool words)
{
	struct strv sv = { 0 };
	char *t;

	strv_push(&sv, obj->name);
	if (shown)
		strv_push(&sv, shown);
	if (verb->args_doc && *verb->args_doc)
		strv_push(&sv, verb->args_doc);
	for (const struct argp_option *o = verb->options; words && o && (o->name || o->key); o++)
		if (o->name && !(o->flags & OPTION_HIDDEN))
			strv_push_owned(&sv, o->arg ? xasprintf("[%s=%s]", o->name, o->arg) :
					xasprintf("[%s]", o->name));
	if (!words)
		strv_push(&sv, "[OPTION...]");
	t = strv_join(&sv, " ");
	strv_free(&sv);
	return t;
}

static int run_verb(struct iommuctl_ctx *ctx, const struct cli_object *obj,
		    const struct cli_verb *verb, const char *shown, int argc, char **argv)
{
	struct argp_child children[4] = { { 0 } };
	struct argp verb_argp = { 0 }, own = { 0 }, globals = { .parser = help_parse };
	struct argp_option gopts[ARRAY_SIZE(global_options) + 1];
	struct verb_parse vp = { .ctx = ctx, .verb = verb };
	bool words = batch_only(obj, verb);
	unsigned flags = verb->flags & CLI_ARGS_REST ? ARGP_IN_ORDER : 0;
	struct strv av = { 0 };
	const char *note;
	char *doc, *usage = NULL;
	size_t nc = 0;
	int err;

	/* a batch's diagnostics name the batch and the line (ctx->where) */
	if (!in_batch(ctx))
		snprintf(ctx->cmdname, sizeof(ctx->cmdname), "%s%s%s", obj->name, shown ? " " : "",
			 shown ? shown : "");
	if (verb->options) {
		own.options = verb->options;
		own.parser = verb->parser;
		children[nc++] = (struct argp_child){ &own, 0, "Options:", 1 };
	}
	verb_global_options(verb, gopts, ARRAY_SIZE(gopts));
	globals.options = gopts;
	children[nc++] = (struct argp_child){ in_batch(ctx) ? &line_global_argp : &globals, 0,
					      "Global options:", 3 };
	if (verb->flags & CLI_LIST)
		children[nc++] = (struct argp_child){ &cli_list_argp, 0, "List options:", 2 };
	note = !words ? NULL : verb->options ?
	       "A line of 'iommuctl batch FILE'. Its options may also be written as the batch "
	       "language has them: KEY=VALUE for --KEY=VALUE, FLAG for --FLAG." :
	       "A line of 'iommuctl batch FILE'.";
	doc = xasprintf("%s%s%s%s%s", verb->summary, verb->doc || note ? "\v" : "", verb->doc ? verb->doc : "",
			verb->doc && note ? "\n\n" : "", note ? note : "");
	verb_argp.parser = verb_parse_top;
	verb_argp.args_doc = verb->args_doc;
	verb_argp.doc = doc;
	verb_argp.children = children;
	vp.opts = xcalloc(1, verb->opts_size ? verb->opts_size : 1);

	/* argp's program name, then the words (the caller's array stays as it is) */
	strv_push_owned(&av, shown ? xasprintf("iommuctl %s %s", obj->name, shown) :
			xasprintf("iommuctl %s", obj->name));
	for (int i = 1; i < argc; i++) {
		char *w = NULL;

		if (words && !strcmp(argv[i], "--")) {
			for (; i < argc; i++)
				strv_push(&av, argv[i]);
			break;
		}
		if (words)
			w = language_word(verb->options, argv[i]);
		strv_push_owned(&av, w ? w : xstrdup(argv[i]));
	}
	help_asked = false;
	if (in_batch(ctx)) {
		free(usage);
		usage = batch_synopsis(obj, verb, shown, words);
		ctx->usage = usage;
	}
	err = cli_parse_args(ctx, &verb_argp, flags, &av, &vp);
	if (err)
		goto out;
	if (help_asked) {
		/* argp's: usage, the summary, the options, the longer text */
		cli_help_verb(&verb_argp, ctx->outf, ARGP_HELP_SHORT_USAGE | ARGP_HELP_DOC | ARGP_HELP_LONG,
			      av.v[0]);
		goto out;
	}
	if (in_batch(ctx)) {
		/* this line's -o, -n, -r, -P, -w, --sort, --filter */
		struct out_opts lo = { 0 };

		ctx_list_opts(ctx, &lo);
		out_set_list(ctx_out(ctx), &lo);
	}
	err = cli_preconditions(ctx, verb, vp.opts, (int)vp.args.n, vp.args.v);
	if (err)
		goto out;
	ctx->no_view = verb->flags & CLI_NO_VIEW;
	err = verb->run(ctx, vp.opts, (int)vp.args.n, vp.args.v);
	ctx->no_view = false;
out:
	ctx->usage = NULL;
	free(usage);
	free(vp.opts);
	strv_free(&vp.args);
	strv_free(&av);
	free(doc);
	return err;
}

static bool is_help(const char *w)
{
	return !strcmp(w, "--help") || !strcmp(w, "-h") || !strcmp(w, "-?") || !strcmp(w, "--usage");
}

int cli_dispatch(struct iommuctl_ctx *ctx, int argc, char **argv)
{
	const struct cli_object *obj;
	const struct cli_verb *verb;
	const char *vname;
	int err;

	if (!strcmp(argv[0], "help")) {
		if (in_batch(ctx))
			return err_report(ctx, -EUSAGE, "no help in a batch (run 'iommuctl help')");
		if (argc > 1 && cli_find_object(ctx, argv[1], &obj) == 0) {
			cli_help_object(ctx, obj, ctx->outf);
			return 0;
		}
		cli_help_root(ctx, ctx->outf, true);
		return 0;
	}
	err = cli_find_object(ctx, argv[0], &obj);
	if (err == -ENOENT) {
		const char *names[64];
		size_t n = 0;
		char *hint;

		for (size_t i = 0; cli_objects[i] && n < ARRAY_SIZE(names); i++)
			if (in_batch(ctx) || !batch_only(cli_objects[i], NULL))
				names[n++] = cli_objects[i]->name;
		hint = suggestion(names, n, argv[0]);
		err = err_report(ctx, -EUSAGE, "unknown object '%s'%s (see 'iommuctl help')", argv[0], hint);
		free(hint);
		return err;
	}
	if (err)
		return err;
	if (in_batch(ctx) && obj == &cli_object_batch)
		return err_fixed(ctx, -EUSAGE, "run the other file as an 'iommuctl batch' of its own, or put its "
				 "lines in this one", "a batch cannot run another batch");
	if (!in_batch(ctx))
		snprintf(ctx->cmdname, sizeof(ctx->cmdname), "%s", obj->name);

	/* an object without verbs is one command: every word is its own */
	if (!cli_verb_next(obj, NULL) && obj->fallback)
		return run_verb(ctx, obj, obj->fallback, NULL, argc, argv);
	if (argc < 2 || argv[1][0] == '-') {
		if (!in_batch(ctx) && argc >= 2 && is_help(argv[1])) {
			cli_help_object(ctx, obj, ctx->outf);
			return 0;
		}
		if (!obj->default_verb) {
			if (in_batch(ctx))
				return err_report(ctx, -EUSAGE, "'%s' needs a verb (see 'iommuctl %s help')",
						  obj->name, obj->name);
			cli_help_object(ctx, obj, ctx->errf);
			ctx->reported = true;
			return -EUSAGE;
		}
		vname = obj->default_verb;
		/* options after the object belong to the default verb */
		err = cli_find_verb(ctx, obj, vname, &verb);
		if (err)
			return err;
		return run_verb(ctx, obj, verb, verb->name, argc, argv);
	}
	vname = argv[1];
	if (!strcmp(vname, "help")) {
		if (in_batch(ctx))
			return err_report(ctx, -EUSAGE, "no help in a batch (run 'iommuctl %s help')", obj->name);
		cli_help_object(ctx, obj, ctx->outf);
		return 0;
	}
	err = cli_find_verb(ctx, obj, vname, &verb);
	/*
	 * a fallback verb is named by the word typed (decode vtd-cap), or,
	 * when it is the default verb's argument, by that verb (translate
	 * 0x1000 is translate iova IOVA)
	 */
	if (err == -ENOENT && obj->fallback) {
		const struct cli_verb *dv = NULL;
		const char *shown = argv[1];

		if (obj->default_verb && !cli_find_verb(ctx, obj, obj->default_verb, &dv) && dv->args_doc &&
		    str_startswith(dv->args_doc, obj->fallback->name))
			shown = dv->name;
		return run_verb(ctx, obj, obj->fallback, shown, argc, argv);
	}
	if (err == -ENOENT) {
		const char *names[64];
		size_t n = 0;
		char *hint;

		cli_for_each_verb(obj, verb)
			if (n < ARRAY_SIZE(names) && (in_batch(ctx) || !batch_only(obj, verb)))
				names[n++] = verb->name;
		hint = suggestion(names, n, vname);
		err = err_report(ctx, -EUSAGE, "unknown verb '%s'%s (see 'iommuctl %s help')", vname, hint,
				 obj->name);
		free(hint);
		return err;
	}
	if (err)
		return err;
	return run_verb(ctx, obj, verb, verb->name, argc - 1, argv + 1);
}

/* ---- machine-readable command description ---- */

static void options_out(struct out *o, const char *key, const struct argp_option *opts)
{
	out_list_begin(o, key, NULL);
	for (const struct argp_option *p = opts; p && (p->name || p->key); p++) {
		char s[2] = { 0 };

		if (p->flags & OPTION_HIDDEN)
			continue;
		out_obj_begin(o, NULL, NULL);
		if (p->name)
			out_str(o, "long", NULL, p->name);
		if (p->key > 0 && p->key < 256 && isprint(p->key)) {
			s[0] = (char)p->key;
			out_str(o, "short", NULL, s);
		}
		if (p->arg)
			out_str(o, "arg", NULL, p->arg);
		if (p->doc)
			out_str(o, "doc", NULL, p->doc);
		out_obj_end(o);
	}
	out_list_end(o);
}

static void verb_out(struct out *o, const char *key, const struct cli_object *obj,
		     const struct cli_verb *v)
{
	out_obj_begin(o, key, NULL);
	out_str(o, "name", NULL, v->name);
	if (v->alias)
		out_str(o, "alias", NULL, v->alias);
	out_str(o, "summary", NULL, v->summary);
	out_str(o, "args", NULL, v->args_doc ? v->args_doc : "");
	out_bool(o, "list", NULL, v->flags & CLI_LIST);
	out_bool(o, "writes", NULL, v->flags & CLI_WRITES);
	out_bool(o, "batch_only", NULL, batch_only(obj, v));
	options_out(o, "options", v->options);
	out_obj_end(o);
}

int cli_dump_commands(struct iommuctl_ctx *ctx, FILE *f)
{
	struct out *o = out_new(&(struct out_opts){ .f = f, .json = true, .pretty = true });
	const struct cli_verb *v;
	int err;

	out_obj_begin(o, NULL, NULL);
	options_out(o, "root_options", cli_root_options);
	options_out(o, "global_options", global_options);
	options_out(o, "list_options", list_options);
	out_list_begin(o, "objects", NULL);
	for (size_t i = 0; cli_objects[i]; i++) {
		const struct cli_object *obj = cli_objects[i];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "name", NULL, obj->name);
		if (obj->alias)
			out_str(o, "alias", NULL, obj->alias);
		out_str(o, "summary", NULL, obj->summary);
		if (obj->default_verb)
			out_str(o, "default_verb", NULL, obj->default_verb);
		out_bool(o, "batch_only", NULL, batch_only(obj, NULL));
		out_list_begin(o, "verbs", NULL);
		cli_for_each_verb(obj, v)
			verb_out(o, NULL, obj, v);
		out_list_end(o);
		if (obj->fallback)
			verb_out(o, "fallback", obj, obj->fallback);
		out_obj_end(o);
	}
	out_list_end(o);
	/* the KIND values iommu list prints (the documentation is checked against them) */
	out_list_begin(o, "iommu_kinds", NULL);
	for (size_t i = 0; i < inv_nkinds; i++)
		out_str(o, NULL, NULL, inv_kinds[i].name);
	out_list_end(o);
	out_obj_end(o);
	err = out_end(o);
	out_free(o);
	return err;
}
