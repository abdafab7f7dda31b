/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One way to name and open a memory dump, for every verb that reads one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/dump/mem.h"
#include "cli/ctx.h"
#include "cli/memsrc.h"
#include "core/dlib.h"
#include "core/exitcodes.h"
#include "core/util.h"

error_t cli_mem_parse_opt(struct cli_mem_opts *o, int key, char *arg)
{
	switch (key) {
	case CLI_OPT_MEM:
		o->file = arg;
		return 0;
	case CLI_OPT_MEM_FORMAT:
		o->format = arg;
		return 0;
	case CLI_OPT_MEM_BASE:
		o->base = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* The path and open options o names; -EUSAGE (reported) for bad ones. */
static int mem_args(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *file,
		    const char **pathp, struct mem_open_opts *oo)
{
	static const enum mem_format fmts[] = { MEM_FMT_AUTO, MEM_FMT_ELF, MEM_FMT_KDUMP, MEM_FMT_RAW };
	const char *path = file ? file : o->file;

	*oo = (struct mem_open_opts){ .format = MEM_FMT_AUTO };
	if (!path)
		return err_report(ctx, -EUSAGE, "--mem FILE is required (the memory dump to read)");
	if (file && o->file && strcmp(file, o->file))
		return err_report(ctx, -EUSAGE, "two dumps named: %s and --mem %s", file, o->file);
	if (o->format) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(fmts); i++)
			if (!strcmp(o->format, mem_format_name(fmts[i])))
				break;
		if (i == ARRAY_SIZE(fmts))
			return err_report(ctx, -EUSAGE, "--mem-format %s: give auto, elf, kdump or raw",
					  o->format);
		oo->format = fmts[i];
	}
	if (o->base) {
		if (parse_u64(o->base, &oo->raw_base))
			return err_report(ctx, -EUSAGE, "--mem-base %s: not a number (hex with 0x, or decimal)",
					  o->base);
		if (oo->format != MEM_FMT_AUTO && oo->format != MEM_FMT_RAW)
			return err_report(ctx, -EUSAGE, "--mem-base applies to raw images, not --mem-format %s",
					  o->format);
	}
	*pathp = path;
	return 0;
}

/* Open path as oo says; every failure reported in one line naming the file. */
static int mem_open_report(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *path,
			   const struct mem_open_opts *oo, struct mem_source **m)
{
	struct mem_info info;
	char *why = NULL;
	int err;

	err = mem_open(path, oo, m, &why);
	if (err == -ELIBACC) {
		free(why);
		return err_lib(ctx, err);
	}
	if (err) {
		/* a reason that does not name the file gets it, so the one line always does */
		if (why && str_startswith(why, path))
			err_input(ctx, err, "%s", why);
		else
			err_input(ctx, err, "%s: %s", path, why ? why : strerror(-err));
		free(why);
		return err;
	}
	mem_info(*m, &info);
	if (o->base && info.format != MEM_FMT_RAW) {
		mem_close(*m);
		*m = NULL;
		return err_report(ctx, -EUSAGE, "--mem-base applies to raw images; %s is %s", path,
				  info.format_name);
	}
	return 0;
}

int cli_mem_open_fresh(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *file,
		       struct mem_source **m)
{
	struct mem_open_opts oo;
	const char *path;
	int err;

	*m = NULL;
	if ((err = mem_args(ctx, o, file, &path, &oo)))
		return err;
	if (ctx->mem_keep)
		ctx->mem_keep->opens++;
	return mem_open_report(ctx, o, path, &oo, m);
}

static bool same_file(const struct cli_mem_kept *s, const struct stat *st)
{
	return s->dev == st->st_dev && s->ino == st->st_ino && s->size == st->st_size &&
	       s->mtime.tv_sec == st->st_mtim.tv_sec && s->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       s->ctime.tv_sec == st->st_ctim.tv_sec && s->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static void kept_drop(struct cli_mem_kept *s)
{
	mem_close(s->m);
	free(s->path);
	*s = (struct cli_mem_kept){ 0 };
}

int cli_mem_open(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *file,
		 struct mem_source **m)
{
	struct cli_mem_keep *k = ctx->mem_keep;
	struct cli_mem_kept *s, *victim, kept;
	struct stat before, after;
	struct mem_open_opts oo;
	const char *path;
	int err;

	*m = NULL;
	if ((err = mem_args(ctx, o, file, &path, &oo)))
		return err;
	/* not in a batch, or a file whose identity cannot be had: opened as it is */
	if (!k || stat(path, &before) || !S_ISREG(before.st_mode)) {
		if (k)
			k->opens++;
		return mem_open_report(ctx, o, path, &oo, m);
	}
	for (s = k->slot; s < k->slot + CLI_MEM_KEEP; s++) {
		if (!s->m || strcmp(s->path, path) || s->format != (int)oo.format ||
		    s->raw_base != oo.raw_base)
			continue;
		if (same_file(s, &before) && !mem_check(s->m)) {
			s->used = ++k->clock;
			*m = s->m;
			return 0;
		}
		/* changed, or it failed under the reader: opened again */
		kept_drop(s);
	}
	/* a free slot, else the one used longest ago */
	victim = &k->slot[0];
	for (s = k->slot; s < k->slot + CLI_MEM_KEEP; s++) {
		if (!s->m) {
			victim = s;
			break;
		}
		if (s->used < victim->used)
			victim = s;
	}
	k->opens++;
	if ((err = mem_open_report(ctx, o, path, &oo, m)))
		return err;
	kept = (struct cli_mem_kept){
		.m = *m, .format = (int)oo.format, .raw_base = oo.raw_base,
		.dev = before.st_dev, .ino = before.st_ino, .size = before.st_size,
		.mtime = before.st_mtim, .ctime = before.st_ctim, .used = ++k->clock,
	};
	/* the file replaced while it was opened: used once, not kept */
	if (stat(path, &after) || !same_file(&kept, &after))
		return 0;
	if (victim->m)
		kept_drop(victim);
	kept.path = xstrdup(path);
	*victim = kept;
	return 0;
}

void cli_mem_close(struct iommuctl_ctx *ctx, struct mem_source *m)
{
	struct cli_mem_keep *k = ctx->mem_keep;

	if (!m)
		return;
	if (k)
		for (size_t i = 0; i < CLI_MEM_KEEP; i++)
			if (k->slot[i].m == m)
				return;
	mem_close(m);
}

void cli_mem_keep_release(struct cli_mem_keep *k)
{
	for (size_t i = 0; i < CLI_MEM_KEEP; i++)
		if (k->slot[i].m)
			kept_drop(&k->slot[i]);
}
