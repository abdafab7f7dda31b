/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Bounded line reading for every reader of text input (batch files,
 * decode's @FILE and -, kernel logs): a line has a maximum length, a NUL
 * byte inside a line is an error rather than an end, and a read error
 * (a directory, an I/O failure) is not taken for the end of the file.
 */
#ifndef IOMMUCTL_LINES_H
#define IOMMUCTL_LINES_H

#include <stddef.h>
#include <stdio.h>

/* the longest line any reader takes (1 MiB), newline included */
#define LINE_MAX_BYTES (1u << 20)
/* a "line" that runs on this long is not text: the reading stops */
#define LINE_SKIP_MAX (64u << 20)

struct line_reader {
	FILE *f;
	size_t max;              /* longest line, 0 = LINE_MAX_BYTES */
	unsigned long lineno;    /* the line last returned (or refused) */
	char *buf;
	size_t cap;
	size_t len;              /* bytes in buf, its newline included */
	int err;                 /* the errno of a read error */
	int skipping;            /* the rest of a too-long line is still to skip */
};

void line_reader_init(struct line_reader *lr, FILE *f, size_t max);
void line_reader_release(struct line_reader *lr);

/*
 * The next line in lr->buf (NUL-terminated, length lr->len, with its
 * newline when it has one). Returns 0 for a line, 1 at the end of the
 * file, and for a line it cannot take (counted in lineno, the caller
 * reports it and may go on): -E2BIG as soon as it is longer than max (the
 * next call skips the rest of it first: a caller that stops there reads
 * no more of an endless line), -EILSEQ when it holds a NUL byte. -EFBIG
 * when that rest runs on past LINE_SKIP_MAX with no newline (/dev/zero, a
 * binary file): not text, the file ends there. -EIO (lr->err the errno)
 * when reading failed: the file ends there.
 */
int line_next(struct line_reader *lr);

struct strv;

/*
 * A line's words into out: blanks separate, quotes ('...' or "...") group
 * and are removed, '#' where a word would begin starts a comment. 0, or
 * with the reason in *why: -E2BIG past max words, -EUSAGE for an
 * unterminated quote.
 */
int line_split_words(const char *line, struct strv *out, size_t max, const char **why);

#endif
