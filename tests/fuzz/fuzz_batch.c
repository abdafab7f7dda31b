/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the batch language's reading (src/core/lines.c,
 * batch_split_words in src/cli/batch.c) and its command lookup: the input
 * is a batch file, read line by line with the bounded reader (a small
 * limit, so that long lines are exercised), split into words, and the
 * first two words looked up in the dispatcher's tables as a batch line
 * would be. Nothing is run. Checks: no crash, a line is never longer than
 * the limit, a refused line holds what it was refused for, every word is
 * a piece of its line, and a line has at most BATCH_MAX_WORDS words.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/lines.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LIMIT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct iommuctl_ctx ctx;
	struct cli_batch b = { .iommufd = -1, .container = -1 };
	struct line_reader lr;
	unsigned long lines = 0;
	FILE *f;
	int rc;

	if (!size)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	ctx_init(&ctx);
	ctx.errf = devnull;
	ctx.outf = devnull;
	ctx.batch = &b;
	b.ctx = &ctx;
	line_reader_init(&lr, f, LIMIT);
	while ((rc = line_next(&lr)) != 1) {
		struct strv words = { 0 };
		const char *why = NULL;
		size_t total = 0;

		if (rc == -EIO || rc == -EFBIG)
			break;
		if (++lines != lr.lineno || lr.len > LIMIT)
			abort();
		if (rc == -EILSEQ && !memchr(lr.buf, '\0', lr.len))
			abort();
		if (rc)
			continue;
		if (strlen(lr.buf) != lr.len)
			abort();
		if (batch_split_words(lr.buf, &words, &why)) {
			if (!why)
				abort();
		} else {
			const struct cli_object *obj;
			const struct cli_verb *verb;

			if (words.n > BATCH_MAX_WORDS)
				abort();
			for (size_t i = 0; i < words.n; i++)
				total += strlen(words.v[i]);
			if (total > lr.len)
				abort();
			if (words.n && !cli_find_object(&ctx, words.v[0], &obj) && words.n > 1)
				cli_find_verb(&ctx, obj, words.v[1], &verb);
		}
		strv_free(&words);
	}
	line_reader_release(&lr);
	fclose(f);
	ctx_release(&ctx);
	return 0;
}
