/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering of decode results (struct decode_result), shared by `decode`
 * and by detail views that embed a decoded register (iommu show). Text and
 * JSON come from the same records. Entries printed one after another (a
 * batch) go through struct decode_printer: JSON through the writer, text
 * through a tight buffered renderer (struct decode_buf) because it must
 * keep up with millions of entries a second.
 */
#ifndef IOMMUCTL_DECODE_OUT_H
#define IOMMUCTL_DECODE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct out;
struct decode_fmt;
struct decode_opts;
struct decode_result;

/**
 * decode_emit() - one decode result as a nested object of a detail view
 * @o: emitter
 * @key: JSON member name ("cap_decoded")
 * @label: text heading ("capability fields")
 * @r: a result from decode_run()
 *
 * JSON: {"format", "layout", "fields": [...], "warnings": [...]}, the same
 * shape as `iommuctl decode -j` without the input words and options.
 * Text: the heading, then one line per field (bits, label, raw, meaning)
 * and one per warning, indented under the heading.
 */
void decode_emit(struct out *o, const char *key, const char *label, const struct decode_result *r);

/**
 * decode_emit_entry() - like decode_emit(), with the input words and the
 * options the entry was decoded with (the shape `decode -j` prints)
 * @o: emitter
 * @key: JSON member name, or NULL at top level or inside a list
 * @label: text heading, or NULL
 * @r: result
 * @words: the words as given, r->fmt->nwords of them
 * @opts: the options given to decode_run(), or NULL
 */
void decode_emit_entry(struct out *o, const char *key, const char *label,
		       const struct decode_result *r, const uint64_t *words,
		       const struct decode_opts *opts);

struct decode_text_cache;

/*
 * An output buffer written to a stream in large blocks, and what the text
 * renderer remembers between entries of the same layout.
 */
struct decode_buf {
	char *data;
	size_t len;
	size_t cap;
	struct out *o;	/* the writer, whose stream this is */
	int error;	/* -EIO once a write failed */
	struct decode_text_cache *cache;
};

/* Text onto the writer's stream, in blocks of cap bytes. */
void decode_buf_init(struct decode_buf *b, struct out *o, size_t cap);
/* Write out what is buffered. Returns 0 or -EIO. */
int decode_buf_flush(struct decode_buf *b);
/* Flush and free. Returns 0 or -EIO. */
int decode_buf_release(struct decode_buf *b);
/* Make room for n more bytes (flushing if needed); returns the write position. */
char *decode_buf_reserve(struct decode_buf *b, size_t n);
void decode_buf_puts(struct decode_buf *b, const char *s);

/**
 * decode_text_entry() - the text form of one decoded entry
 * @b: buffer
 * @r: result
 * @words: the words as given
 * @opts: the options given to decode_run(), or NULL
 *
 * A heading line "FORMAT WORD... [level N, layout NAME]", then per field
 * "  BITS  LABEL  RAW  MEANING" (columns aligned within the entry) and
 * per warning "  warning: TEXT".
 */
void decode_text_entry(struct decode_buf *b, const struct decode_result *r, const uint64_t *words,
		       const struct decode_opts *opts);

/*
 * Decoded entries, one after another: `decode FORMAT VALUE` prints one,
 * a batch any number. JSON: the entry's object (decode_emit_entry), and
 * for a batch an array of them; text: decode_text_entry().
 */
struct decode_printer {
	struct out *o;
	bool list;
	struct decode_buf buf;       /* text */
};

void decode_printer_begin(struct decode_printer *p, struct out *o, bool list);
void decode_printer_entry(struct decode_printer *p, const struct decode_result *r,
			  const uint64_t *words, const struct decode_opts *opts);
/* True once a write failed: the rest of a batch need not be decoded. */
bool decode_printer_failed(const struct decode_printer *p);
/* Close the batch and push out what is buffered. Returns 0 or -EIO. */
int decode_printer_end(struct decode_printer *p);

/* "0x" and at least min_digits hex digits; returns the end. No terminator. */
char *decode_put_hex(char *p, uint64_t v, unsigned int min_digits);

/* Hex digits of one word of fmt: 8 for 32-bit formats, else 16. */
unsigned int decode_word_digits(const struct decode_fmt *fmt);

#endif
