/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded line reading (see lines.h): getc_unlocked into a buffer that
 * grows up to the limit, so that a stream without newlines (/dev/zero,
 * a binary file) costs at most the limit in memory.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcodes.h"
#include "core/lines.h"
#include "core/util.h"

void line_reader_init(struct line_reader *lr, FILE *f, size_t max)
{
	memset(lr, 0, sizeof(*lr));
	lr->f = f;
	lr->max = max ? max : LINE_MAX_BYTES;
}

void line_reader_release(struct line_reader *lr)
{
	free(lr->buf);
	lr->buf = NULL;
	lr->cap = lr->len = 0;
}

int line_next(struct line_reader *lr)
{
	bool nul = false;
	int c = 0;

	lr->len = 0;
	if (!lr->buf) {
		lr->cap = 256;
		lr->buf = xmalloc(lr->cap);
	}
	lr->buf[0] = '\0';
	/* the rest of the line that was too long */
	for (size_t skipped = 0; lr->skipping && (c = getc_unlocked(lr->f)) != EOF; skipped++) {
		if (c == '\n')
			lr->skipping = 0;
		else if (skipped >= LINE_SKIP_MAX)
			return -EFBIG;
	}
	lr->skipping = 0;
	while (c != EOF) {
		c = getc_unlocked(lr->f);
		if (c == EOF)
			break;
		if (lr->len + 2 > lr->cap) {
			size_t cap = lr->cap * 2;

			if (cap > lr->max + 1)
				cap = lr->max + 1;
			if (lr->len + 2 > cap) {
				/* over the limit: the line is refused, its rest skipped later */
				lr->buf[lr->len] = '\0';
				lr->skipping = c != '\n';
				lr->lineno++;
				return -E2BIG;
			}
			lr->buf = xrealloc(lr->buf, cap);
			lr->cap = cap;
		}
		lr->buf[lr->len++] = (char)c;
		if (!c)
			nul = true;
		if (c == '\n')
			break;
	}
	lr->buf[lr->len] = '\0';
	if (c == EOF && ferror(lr->f)) {
		lr->err = errno ? errno : EIO;
		return -EIO;
	}
	if (c == EOF && !lr->len)
		return 1;
	lr->lineno++;
	return nul ? -EILSEQ : 0;
}

int line_split_words(const char *line, struct strv *out, size_t max, const char **why)
{
	const char *p = line;

	while (*p) {
		const char *start;
		char *w, q = 0;
		size_t n = 0;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (out->n >= max) {
			*why = "too many words";
			return -E2BIG;
		}
		/* the word's end first, then a copy of its size without the quotes */
		for (start = p; *p && (q || !isspace((unsigned char)*p)); p++) {
			if (q && *p == q)
				q = 0;
			else if (!q && (*p == '"' || *p == '\''))
				q = *p;
			else
				n++;
		}
		if (q) {
			*why = "unterminated quote";
			return -EUSAGE;
		}
		w = xmalloc(n + 1);
		n = 0;
		for (const char *c = start; c < p; c++) {
			if (q && *c == q)
				q = 0;
			else if (!q && (*c == '"' || *c == '\''))
				q = *c;
			else
				w[n++] = *c;
		}
		w[n] = 0;
		strv_push_owned(out, w);
	}
	return 0;
}
