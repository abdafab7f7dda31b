/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Escaping untrusted text for a terminal: a table for the common bytes,
 * a UTF-8 check for the rest (whose C1 range, U+0080..U+009F, some
 * terminals obey as controls). See textesc.h.
 */
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <string.h>

#include "core/textesc.h"
#include "core/util.h"

/* Bytes that need a closer look: the NUL, controls, '\\', DEL and above. */
static const unsigned char special[256] = {
	[0 ... 0x1f] = 1, ['\\'] = 1, [0x7f ... 0xff] = 1,
};

static bool locale_pending;

void text_locale_later(void)
{
	locale_pending = true;
}

void text_locale(void)
{
	if (locale_pending) {
		locale_pending = false;
		setlocale(LC_CTYPE, "");
	}
}

static bool utf8_locale(void)
{
	const char *cs;

	text_locale();
	cs = nl_langinfo(CODESET);

	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

static bool cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Length of the printable UTF-8 character at p (a byte above 0x7f), 0: escape the byte. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] >= 0xc2 && p[0] <= 0xdf && cont(p[1]))
		return p[0] == 0xc2 && p[1] <= 0x9f ? 0 : 2;   /* C1 controls */
	if (p[0] >= 0xe0 && p[0] <= 0xef && cont(p[1]) && cont(p[2])) {
		if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f))
			return 0;   /* overlong, or a surrogate */
		return 3;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4 && cont(p[1]) && cont(p[2]) && cont(p[3])) {
		if ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;   /* overlong, or above U+10FFFF */
		return 4;
	}
	return 0;
}

size_t text_safe_prefix(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *start = p;
	int utf8 = -1;

	for (;;) {
		size_t n;

		while (!special[*p])
			p++;
		if (*p == '\\' && p[1] != 'x') {
			p++;
			continue;
		}
		if (*p < 0x80 || *p == 0xff)
			break;
		if (utf8 < 0)
			utf8 = utf8_locale();
		n = utf8 ? utf8_len(p) : 0;
		if (!n)
			break;
		p += n;
	}
	return (size_t)(p - start);
}

void text_escape_byte(unsigned char c, char out[4])
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[c >> 4];
	out[3] = hex[c & 15];
}

char *text_escape(const char *s)
{
	size_t n = text_safe_prefix(s), len;
	char *out, *w;

	if (!s[n])
		return NULL;
	len = strlen(s);
	out = w = xmalloc(4 * len + 1);
	for (;;) {
		memcpy(w, s, n);
		w += n;
		s += n;
		if (!*s)
			break;
		text_escape_byte((unsigned char)*s++, w);
		w += 4;
		n = text_safe_prefix(s);
	}
	*w = '\0';
	return out;
}
