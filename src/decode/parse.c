/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hex input for the decoders: one word per argument or several per line,
 * "0x"-prefixed or bare (as sysfs prints registers), with '_' allowed
 * between digits so long values can be grouped.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "decode/fmt.h"

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;	/* ASCII lower case, without the locale's tolower() */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES 0x0101010101010101ULL
/*
 * Eight hex digits at once (dumps print "0x%016llx": batch decoding spends
 * most of its parsing here). Each byte is checked to be '0'-'9', 'a'-'f' or
 * 'A'-'F' with byte-wise range tests: for a byte b < 0x80, b + (0x80 - lo)
 * has its top bit set exactly when b >= lo, and no byte carries into the
 * next. The first character is the lowest byte of the load and the most
 * significant digit.
 */
static bool hex8(const char *s, uint32_t *out)
{
	uint64_t x, y, digit, letter, v;

	memcpy(&x, s, 8);
	if (x & (0x80 * ONES))
		return false;
	y = x | (0x20 * ONES);	/* 'A'-'F' as 'a'-'f'; only those two ranges map there */
	digit = ((x + (0x80 - '0') * ONES) & ~(x + (0x80 - '9' - 1) * ONES)) & (0x80 * ONES);
	letter = ((y + (0x80 - 'a') * ONES) & ~(y + (0x80 - 'f' - 1) * ONES)) & (0x80 * ONES);
	if ((digit | letter) != 0x80 * ONES)
		return false;
	v = (x & (0x0f * ONES)) + (letter >> 7) * 9;	/* each byte one digit's value */
	v = ((v & 0x0f000f000f000f00ULL) >> 8) | ((v & 0x000f000f000f000fULL) << 4);
	v = ((v & 0x00ff000000ff0000ULL) >> 16) | ((v & 0x000000ff000000ffULL) << 8);
	*out = (uint32_t)(((v & 0x0000ffff00000000ULL) >> 32) | ((v & 0xffffULL) << 16));
	return true;
}
#undef ONES
#endif

/* Parse exactly [s, s + n). */
static int decode_parse_span(const char *s, size_t n, uint64_t *word)
{
	uint64_t v = 0;
	bool overflow = false;
	size_t i = 0;
	int d, prev_us = 1;	/* no '_' first */

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n)
		return -EINVAL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n - i == 16) {
		uint32_t hi, lo;

		if (hex8(s + i, &hi) && hex8(s + i + 8, &lo)) {
			*word = (uint64_t)hi << 32 | lo;
			return 0;
		}
		/* '_', or not hex: the loop below says which */
	}
#endif
	for (; i < n; i++) {
		if (s[i] == '_') {
			if (prev_us)
				return -EINVAL;
			prev_us = 1;
			continue;
		}
		d = hex_digit((unsigned char)s[i]);
		if (d < 0)
			return -EINVAL;
		prev_us = 0;
		if (v >> 60)
			overflow = true;
		v = (v << 4) | (uint64_t)d;
	}
	if (prev_us)
		return -EINVAL;	/* trailing '_' */
	/* Garbage anywhere wins over overflow: the whole token is checked first. */
	if (overflow)
		return -ERANGE;
	*word = v;
	return 0;
}

int decode_parse_word(const char *s, uint64_t *word)
{
	if (!s)
		return -EINVAL;
	return decode_parse_span(s, strlen(s), word);
}

int decode_parse_words(const char *const *argv, int argc, uint64_t *words, size_t nwords)
{
	int i, err;

	if (argc < 0)
		return -EINVAL;
	if ((size_t)argc > nwords)
		return -E2BIG;
	for (i = 0; i < argc; i++) {
		err = decode_parse_word(argv[i], &words[i]);
		if (err)
			return err;
	}
	return argc;
}

static int decode_parse_tokens(const char *s, const char *seps, uint64_t *words, size_t nwords)
{
	size_t n = 0, len;
	int err;

	for (;;) {
		s += strspn(s, seps);
		if (!*s || *s == '#')
			break;
		len = strcspn(s, seps);
		if (n == nwords)
			return -E2BIG;
		err = decode_parse_span(s, len, &words[n]);
		if (err)
			return err;
		n++;
		s += len;
	}
	return (int)n;
}

int decode_parse_line(const char *line, uint64_t *words, size_t nwords)
{
	if (!line)
		return -EINVAL;
	return decode_parse_tokens(line, " \t\r\n", words, nwords);
}

int decode_amd_features_parse(const char *text, uint64_t *words)
{
	uint64_t v[2];
	int n;

	if (!text)
		return -EINVAL;
	n = decode_parse_tokens(text, ": \t\r\n", v, 2);
	if (n < 0)
		return n;
	if (n == 0)
		return -EINVAL;
	if (n == 1) {
		words[0] = v[0];
		words[1] = 0;
		return 0;
	}
	if (__builtin_popcountll(v[1]) > __builtin_popcountll(v[0])) {
		words[0] = v[1];
		words[1] = v[0];
	} else {
		words[0] = v[0];
		words[1] = v[1];
	}
	return 0;
}
