/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded line reading (see lines.h): what stdio has read ahead, or
 * getc_unlocked, into a buffer that grows up to the limit, so that a
 * stream without newlines (/dev/zero, a binary file) costs at most the
 * limit in memory.
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

/*
 * What stdio holds of the stream already, to take in one piece rather
 * than a getc_unlocked() per byte (batch decoding spent a fifth of its
 * time there). glibc's FILE is public (bits/types/struct_FILE.h): the
 * bytes read ahead lie between _IO_read_ptr and _IO_read_end, and moving
 * _IO_read_ptr forward consumes them. Elsewhere, or while the stream is
 * being written, nothing is taken this way and getc_unlocked() does it all.
 * Taking only what is buffered keeps a pipe's lines coming as they are
 * written: nothing waits for more input than a getc_unlocked() would.
 */
static size_t buffered(FILE *f, const char **p)
{
#ifdef __GLIBC__
	if (f->_IO_write_ptr > f->_IO_write_base || f->_IO_read_end <= f->_IO_read_ptr)
		return 0;
	*p = f->_IO_read_ptr;
	return (size_t)(f->_IO_read_end - f->_IO_read_ptr);
#else
	(void)f;
	(void)p;
	return 0;
#endif
}

static void consume(FILE *f, size_t n)
{
#ifdef __GLIBC__
	f->_IO_read_ptr += n;
#else
	(void)f;
	(void)n;
#endif
}

/*
 * Room in lr->buf for want more bytes and the NUL, growing towards max + 1
 * bytes. false when the line would run past max: the buffer then holds
 * max bytes, for what fits.
 */
static bool line_room(struct line_reader *lr, size_t want)
{
	bool fits = lr->len + want <= lr->max;
	size_t need = fits ? lr->len + want + 1 : lr->max + 1, cap = lr->cap;

	if (need <= cap)
		return fits;
	while (cap < need)
		cap *= 2;
	if (cap > lr->max + 1)
		cap = lr->max + 1;
	lr->buf = xrealloc(lr->buf, cap);
	lr->cap = cap;
	return fits;
}

/*
 * The next piece of the stream, up to and including a newline: what stdio
 * holds (*one false: still in the stream, consume() takes it) or one byte
 * read with getc_unlocked (*one true: in *byte, taken already). Its length,
 * 0 at the end of the stream.
 */
static size_t piece(FILE *f, const char **p, char *byte, bool *one)
{
	size_t n = buffered(f, p);
	const char *nl;
	int c;

	*one = !n;
	if (n) {
		nl = memchr(*p, '\n', n);
		return nl ? (size_t)(nl - *p) + 1 : n;
	}
	c = getc_unlocked(f);
	if (c == EOF)
		return 0;
	*byte = (char)c;
	*p = byte;
	return 1;
}

/* The rest of a line that was too long: 0 once its newline is read or at EOF. */
static int line_skip(struct line_reader *lr, bool *eof)
{
	size_t skipped = 0;

	while (lr->skipping) {
		const char *p;
		char byte;
		bool one;
		size_t n = piece(lr->f, &p, &byte, &one);

		if (!n) {
			*eof = true;
			break;
		}
		if (!one)
			consume(lr->f, n);
		if (p[n - 1] == '\n')
			lr->skipping = 0;
		else if ((skipped += n) >= LINE_SKIP_MAX)
			return -EFBIG;
	}
	lr->skipping = 0;
	return 0;
}

int line_next(struct line_reader *lr)
{
	bool nul = false, eof = false;
	int err;

	lr->len = 0;
	if (!lr->buf) {
		lr->cap = lr->max < 256 ? lr->max + 1 : 256;
		lr->buf = xmalloc(lr->cap);
	}
	lr->buf[0] = '\0';
	err = line_skip(lr, &eof);
	if (err)
		return err;
	while (!eof) {
		const char *p;
		char byte;
		bool one;
		size_t n = piece(lr->f, &p, &byte, &one);

		if (!n) {
			eof = true;
			break;
		}
		if (!line_room(lr, n)) {
			/*
			 * Over the limit: the line is refused, its rest skipped
			 * later. Read are what fits and the byte after it.
			 */
			size_t fit = lr->max - lr->len;

			memcpy(lr->buf + lr->len, p, fit);
			lr->len += fit;
			lr->buf[lr->len] = '\0';
			lr->skipping = p[fit] != '\n';
			if (!one)
				consume(lr->f, fit + 1);
			lr->lineno++;
			return -E2BIG;
		}
		if (!one)
			consume(lr->f, n);
		memcpy(lr->buf + lr->len, p, n);
		if (memchr(p, '\0', n))
			nul = true;
		lr->len += n;
		if (p[n - 1] == '\n')
			break;
	}
	lr->buf[lr->len] = '\0';
	if (eof && ferror(lr->f)) {
		lr->err = errno ? errno : EIO;
		return -EIO;
	}
	if (eof && !lr->len)
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
