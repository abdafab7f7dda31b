/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One way to name and open a memory dump, for every verb that reads one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int cli_mem_open(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *file,
		 struct mem_source **m)
{
	static const enum mem_format fmts[] = { MEM_FMT_AUTO, MEM_FMT_ELF, MEM_FMT_KDUMP, MEM_FMT_RAW };
	struct mem_open_opts oo = { .format = MEM_FMT_AUTO };
	const char *path = file ? file : o->file;
	struct mem_info info;
	char *why = NULL;
	int err;

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
		oo.format = fmts[i];
	}
	if (o->base) {
		if (parse_u64(o->base, &oo.raw_base))
			return err_report(ctx, -EUSAGE, "--mem-base %s: not a number (hex with 0x, or decimal)",
					  o->base);
		if (oo.format != MEM_FMT_AUTO && oo.format != MEM_FMT_RAW)
			return err_report(ctx, -EUSAGE, "--mem-base applies to raw images, not --mem-format %s",
					  o->format);
	}
	err = mem_open(path, &oo, m, &why);
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
