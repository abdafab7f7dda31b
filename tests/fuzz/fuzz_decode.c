/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the decoders: the hex parsers on arbitrary text, and
 * decode_run / decode_pt_entry on arbitrary words for every format and
 * option combination. Page-table entries that re-encode must decode to the
 * same thing. Build with clang -fsanitize=fuzzer,address,undefined -Isrc, this
 * file and every src/decode/ source; run with -max_total_time=60.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t format_count(void)
{
	size_t n = 0;

	while (decode_format_at(n))
		n++;
	return n;
}

static void fuzz_text(const uint8_t *data, size_t size)
{
	uint64_t words[DECODE_MAX_WORDS];
	char *s = malloc(size + 1);

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	decode_parse_word(s, words);
	decode_parse_line(s, words, DECODE_MAX_WORDS);
	decode_amd_features_parse(s, words);
	free(s);
}

static void fuzz_pt(const struct decode_fmt *fmt, const uint64_t *words,
		    const struct decode_opts *o)
{
	uint64_t again[DECODE_MAX_WORDS];
	struct decode_pte a, b;
	struct decode_opts vo = *o;

	if (decode_pt_entry(fmt, words, o, &a))
		return;
	/* Encoders take host values. */
	vo.byteorder = DECODE_BO_VALUE;
	if (decode_pt_encode(fmt, &vo, &a, again))
		return;
	if (decode_pt_entry(fmt, again, &vo, &b))
		abort();
	if (a.present != b.present || a.leaf != b.leaf || a.addr != b.addr ||
	    (a.leaf && a.page_shift != b.page_shift) || (a.present && a.perms != b.perms) ||
	    (a.present && !a.leaf && a.next_level != b.next_level))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int granules[] = { 0, 4096, 16384, 65536 };
	uint64_t words[DECODE_MAX_WORDS] = { 0 };
	const struct decode_fmt *fmt;
	struct decode_result r;
	struct decode_opts o;
	size_t nfmt = format_count();

	if (size < 3) {
		fuzz_text(data, size);
		return 0;
	}
	fuzz_text(data + 3, size - 3);

	fmt = decode_format_at(data[0] % nfmt);
	decode_opts_init(&o);
	if (fmt->opts & DECODE_OPT_LEVEL)
		o.level = fmt->level_min + data[1] % (fmt->level_max - fmt->level_min + 1);
	if (fmt->opts & DECODE_OPT_GRANULE)
		o.granule = granules[data[2] & 3];
	if (fmt->opts & DECODE_OPT_PAGE_SHIFT)
		o.page_shift = 12 + (data[1] >> 4) % 23;
	if ((fmt->opts & DECODE_OPT_MTK_EXT) && (data[2] & 4))
		o.quirks |= DECODE_QUIRK_MTK_EXT;
	if ((fmt->opts & DECODE_OPT_BIG_ENDIAN) && (data[2] & 8))
		o.quirks |= DECODE_QUIRK_BIG_ENDIAN;
	o.byteorder = (enum decode_byteorder)((data[2] >> 4) % 3);
	o.pa_bits = data[2] & 0x80 ? 39 + (data[1] & 15) : 0;

	memcpy(words, data + 3, size - 3 < sizeof(words) ? size - 3 : sizeof(words));
	if (fmt->width == 32)
		for (size_t i = 0; i < DECODE_MAX_WORDS; i++)
			words[i] &= 0xffffffff;

	if (decode_run(fmt, words, &o, &r) == 0) {
		for (size_t i = 0; i < r.nrecords; i++)
			if (!r.records[i].key || strlen(r.records[i].meaning) >= DECODE_MEANING_MAX)
				abort();
		decode_result_release(&r);
	}
	if (fmt->pt)
		fuzz_pt(fmt, words, &o);
	return 0;
}
