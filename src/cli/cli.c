/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dispatcher: object table, exact/alias/unique-prefix matching (an
 * ambiguous prefix is an error listing the candidates, never first-match),
 * per-verb argp parsing with the shared option groups, help generated from
 * the tables, and --dump-commands for the completion generator.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

/* The objects, in the order help lists them. */
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
	&cli_object_batch,
	NULL,
};

/* ---- shared option groups ---- */

enum {
	OPT_SYSFS_ROOT = 0x100,
	OPT_NUMERIC,
	OPT_LIST_COLUMNS,
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

static const struct argp_option list_options[] = {
	{ "output", 'o', "COL,...", 0, "columns to show (+COL,... adds to the defaults)", -2 },
	{ "list-columns", OPT_LIST_COLUMNS, NULL, 0, "list the available columns", -2 },
	{ "noheadings", 'n', NULL, 0, "no header line", -2 },
	{ "raw", 'r', NULL, 0, "raw output: no alignment", -2 },
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

		err_msg(ctx, "'%s%s' is ambiguous: %s", prefix, s, list);
		free(list);
	}
	strv_free(cand);
	return err;
}

int cli_find_object(struct iommuctl_ctx *ctx, const char *name, const struct cli_object **objp)
{
	const char *names[32], *aliases[32];
	struct strv cand = { 0 };
	size_t n = 0, idx = 0;
	int err;

	for (; cli_objects[n] && n < ARRAY_SIZE(names); n++) {
		names[n] = cli_objects[n]->name;
		aliases[n] = cli_objects[n]->alias;
	}
	err = cli_match(names, aliases, n, name, &idx, &cand);
	if (!err)
		*objp = cli_objects[idx];
	return match_report(ctx, err, "", name, &cand);
}

int cli_find_verb(struct iommuctl_ctx *ctx, const struct cli_object *obj, const char *name,
		  const struct cli_verb **verbp)
{
	const char *names[64], *aliases[64];
	struct strv cand = { 0 };
	size_t n = 0, idx = 0;
	char *prefix;
	int err;

	for (; obj->verbs[n].name && n < ARRAY_SIZE(names); n++) {
		names[n] = obj->verbs[n].name;
		aliases[n] = obj->verbs[n].alias;
	}
	err = cli_match(names, aliases, n, name, &idx, &cand);
	if (!err)
		*verbp = &obj->verbs[idx];
	prefix = xasprintf("%s ", obj->name);
	err = match_report(ctx, err, prefix, name, &cand);
	free(prefix);
	return err;
}

/* ---- help ---- */

void cli_help_root(struct iommuctl_ctx *ctx, FILE *f)
{
	fputs("Usage: iommuctl [OPTION...] OBJECT [VERB] [ARGS...]\n"
	      "Inspect and configure IOMMUs: units, groups, devices, and their tables.\n\n"
	      "Objects:\n", f);
	for (size_t i = 0; cli_objects[i]; i++)
		fprintf(f, "  %-10s %s\n", cli_objects[i]->name, cli_objects[i]->summary);
	fputs("\nRun 'iommuctl OBJECT --help' for its verbs, 'iommuctl OBJECT VERB --help' for\n"
	      "a verb's options, and 'iommuctl --help' for the global options.\n", f);
}

void cli_help_object(struct iommuctl_ctx *ctx, const struct cli_object *obj, FILE *f)
{
	fprintf(f, "Usage: iommuctl [OPTION...] %s VERB [ARGS...]\n%s\n\nVerbs:\n", obj->name,
		obj->summary);
	for (const struct cli_verb *v = obj->verbs; v->name; v++) {
		char *syn = xasprintf("%s %s", v->name, v->args_doc ? v->args_doc : "");

		fprintf(f, "  %-28s %s\n", syn, v->summary);
		free(syn);
	}
	if (obj->fallback) {
		const struct cli_verb *v = obj->fallback;
		char *syn = xasprintf("%s %s", v->name, v->args_doc ? v->args_doc : "");

		fprintf(f, "  %-28s %s\n", syn, v->summary);
		free(syn);
	}
	if (obj->default_verb)
		fprintf(f, "\nWith no verb, '%s %s' runs.\n", obj->name, obj->default_verb);
	fprintf(f, "Run 'iommuctl %s VERB --help' for a verb's options.\n", obj->name);
}

/* ---- preconditions ---- */

int cli_preconditions(struct iommuctl_ctx *ctx, const struct cli_verb *verb, const void *opts,
		      int argc, char **argv)
{
	const char *source = ctx->snapshot ? "a snapshot (-F)" : ctx->sysfs_root ? "--sysfs-root" : NULL;
	bool changes = !verb->changes_nothing || !verb->changes_nothing(opts, argc, argv);

	if ((verb->flags & CLI_NO_VIEW) && source)
		return err_report(ctx, -EUSAGE, "reads no machine state: %s does not apply", source);
	if ((verb->flags & CLI_LIVE) && source)
		return err_report(ctx, -EOPNOTSUPP, "drives the running kernel: it cannot use %s", source);
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
		return 0;
	case ARGP_KEY_ARG:
		strv_push(&vp->args, arg);
		return 0;
	case ARGP_KEY_END:
		if ((int)vp->args.n < vp->verb->min_args)
			argp_error(state, "missing argument: %s", vp->verb->args_doc);
		if (vp->verb->max_args >= 0 && (int)vp->args.n > vp->verb->max_args)
			argp_error(state, "unexpected argument '%s'", vp->args.v[vp->verb->max_args]);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static int run_verb(struct iommuctl_ctx *ctx, const struct cli_object *obj,
		    const struct cli_verb *verb, int argc, char **argv)
{
	struct argp_child children[4] = { { 0 } };
	struct argp verb_argp = { 0 }, own = { 0 };
	struct verb_parse vp = { .ctx = ctx, .verb = verb };
	/* a fallback verb is named by the word typed (decode vtd-cap) */
	const char *shown = verb == obj->fallback ? argv[1] : verb->name;
	char *name = xasprintf("iommuctl %s %s", obj->name, shown);
	char *doc;
	size_t nc = 0;
	int err;

	snprintf(ctx->cmdname, sizeof(ctx->cmdname), "%s %s", obj->name, shown);
	if (verb->options) {
		own.options = verb->options;
		own.parser = verb->parser;
		children[nc++] = (struct argp_child){ &own, 0, "Options:", 1 };
	}
	children[nc++] = (struct argp_child){ &cli_global_argp, 0, "Global options:", 3 };
	if (verb->flags & CLI_LIST)
		children[nc++] = (struct argp_child){ &cli_list_argp, 0, "List options:", 2 };
	doc = xasprintf("%s%s%s", verb->summary, verb->doc ? "\v" : "", verb->doc ? verb->doc : "");
	verb_argp.parser = verb_parse_top;
	verb_argp.args_doc = verb->args_doc;
	verb_argp.doc = doc;
	verb_argp.children = children;
	vp.opts = xcalloc(1, verb->opts_size ? verb->opts_size : 1);

	argv[0] = name;
	err = argp_parse(&verb_argp, argc, argv, 0, NULL, &vp);
	if (err) {
		err = -EUSAGE;
		goto out;
	}
	err = cli_preconditions(ctx, verb, vp.opts, (int)vp.args.n, vp.args.v);
	if (err)
		goto out;
	ctx->no_view = verb->flags & CLI_NO_VIEW;
	err = verb->run(ctx, vp.opts, (int)vp.args.n, vp.args.v);
	ctx->no_view = false;
out:
	free(vp.opts);
	strv_free(&vp.args);
	free(doc);
	free(name);
	return err;
}

int cli_dispatch(struct iommuctl_ctx *ctx, int argc, char **argv)
{
	const struct cli_object *obj;
	const struct cli_verb *verb;
	const char *vname;
	int err;

	if (!strcmp(argv[0], "help")) {
		if (argc > 1 && cli_find_object(ctx, argv[1], &obj) == 0) {
			cli_help_object(ctx, obj, ctx->outf);
			return 0;
		}
		cli_help_root(ctx, ctx->outf);
		return 0;
	}
	err = cli_find_object(ctx, argv[0], &obj);
	if (err == -ENOENT)
		return err_report(ctx, -EUSAGE, "unknown object '%s' (see 'iommuctl help')", argv[0]);
	if (err)
		return err;
	snprintf(ctx->cmdname, sizeof(ctx->cmdname), "%s", obj->name);

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
				  !strcmp(argv[1], "-?") || !strcmp(argv[1], "--usage"))) {
			cli_help_object(ctx, obj, ctx->outf);
			return 0;
		}
		if (!obj->default_verb) {
			cli_help_object(ctx, obj, ctx->errf);
			ctx->reported = true;
			return -EUSAGE;
		}
		vname = obj->default_verb;
		/* options after the object belong to the default verb */
		err = cli_find_verb(ctx, obj, vname, &verb);
		if (err)
			return err;
		return run_verb(ctx, obj, verb, argc, argv);
	}
	vname = argv[1];
	if (!strcmp(vname, "help")) {
		cli_help_object(ctx, obj, ctx->outf);
		return 0;
	}
	err = cli_find_verb(ctx, obj, vname, &verb);
	if (err == -ENOENT && obj->fallback)
		return run_verb(ctx, obj, obj->fallback, argc, argv);
	if (err == -ENOENT)
		return err_report(ctx, -EUSAGE, "unknown verb '%s' (see 'iommuctl %s help')", vname,
				  obj->name);
	if (err)
		return err;
	return run_verb(ctx, obj, verb, argc - 1, argv + 1);
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

static void verb_out(struct out *o, const char *key, const struct cli_verb *v)
{
	out_obj_begin(o, key, NULL);
	out_str(o, "name", NULL, v->name);
	if (v->alias)
		out_str(o, "alias", NULL, v->alias);
	out_str(o, "summary", NULL, v->summary);
	out_str(o, "args", NULL, v->args_doc ? v->args_doc : "");
	out_bool(o, "list", NULL, v->flags & CLI_LIST);
	out_bool(o, "writes", NULL, v->flags & CLI_WRITES);
	options_out(o, "options", v->options);
	out_obj_end(o);
}

int cli_dump_commands(struct iommuctl_ctx *ctx, FILE *f)
{
	struct out *o = out_new(&(struct out_opts){ .f = f, .json = true, .pretty = true });
	int err;

	out_obj_begin(o, NULL, NULL);
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
		out_list_begin(o, "verbs", NULL);
		for (const struct cli_verb *v = obj->verbs; v->name; v++)
			verb_out(o, NULL, v);
		out_list_end(o);
		if (obj->fallback)
			verb_out(o, "fallback", obj->fallback);
		out_obj_end(o);
	}
	out_list_end(o);
	out_obj_end(o);
	err = out_end(o);
	out_free(o);
	return err;
}
