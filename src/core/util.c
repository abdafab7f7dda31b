/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Allocation, string vectors, number and PCI address parsing. Allocation
 * failure aborts with a message: a CLI tool has nothing better to do.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static void __attribute__((noreturn)) oom(void)
{
	fputs("iommuctl: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		oom();
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void strv_push_owned(struct strv *sv, char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void strv_push(struct strv *sv, const char *s)
{
	strv_push_owned(sv, xstrdup(s));
}

void strv_free(struct strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/*
 * Natural order (group 2 before 10), except that PCI addresses compare as
 * numbers: their parts are hex, which strverscmp() reads as decimal runs
 * and so would put 00:1f.0 before 00:10.0.
 */
struct sort_ent {
	uint64_t key;            /* the PCI address as a number */
	bool pci;
	char *s;
};

static int sort_ent_cmp(const void *a, const void *b)
{
	const struct sort_ent *x = a, *y = b;

	if (x->pci && y->pci && x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strverscmp(x->s, y->s);
}

/* Each name is parsed once, not at each of its n log n comparisons. */
void strv_sort(struct strv *sv)
{
	struct sort_ent *e;

	if (sv->n < 2)
		return;
	e = xmalloc(sv->n * sizeof(*e));
	for (size_t i = 0; i < sv->n; i++) {
		struct pci_addr a;

		e[i].s = sv->v[i];
		e[i].pci = !pci_addr_parse(sv->v[i], &a);
		e[i].key = e[i].pci ? pci_addr_key(&a) : 0;
	}
	qsort(e, sv->n, sizeof(*e), sort_ent_cmp);
	for (size_t i = 0; i < sv->n; i++)
		sv->v[i] = e[i].s;
	free(e);
}

bool strv_contains(const struct strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

char *strv_join(const struct strv *sv, const char *sep)
{
	size_t len = 1, seplen = strlen(sep);
	char *out, *p;

	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + seplen;
	p = out = xmalloc(len);
	*p = '\0';
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			p = stpcpy(p, sep);
		p = stpcpy(p, sv->v[i]);
	}
	return out;
}

char *str_rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

bool str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int parse_u64_base(const char *s, int base, uint64_t *val)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == s || *end)
		return -EINVAL;
	*val = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *val)
{
	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return s[2] ? parse_u64_base(s + 2, 16, val) : -EINVAL;
	return parse_u64_base(s, 10, val);
}

int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGTPE";
	size_t n = s ? strlen(s) : 0;
	const char *u;
	uint64_t v;
	char *num;
	int err, shift;

	if (!n)
		return -EINVAL;
	u = strchr(units, toupper((unsigned char)s[n - 1]));
	/* "0x1E" is hexadecimal, not 0x1 exabytes */
	if (!u || (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')))
		return parse_u64(s, bytes);
	num = xstrndup(s, n - 1);
	err = parse_u64_base(num, 10, &v);
	free(num);
	if (err)
		return err;
	shift = 10 * (int)(u - units + 1);
	if (v >> (64 - shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

static int hexfield(const char *s, size_t len, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (!len || len > 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower(s[i]) - 'a' + 10));
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int pci_addr_parse(const char *s, struct pci_addr *a)
{
	const char *c1, *c2, *dot, *bus;
	unsigned dom = 0, b, d, f;

	if (!s)
		return -EINVAL;
	c1 = strchr(s, ':');
	if (!c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		if (hexfield(s, c1 - s, 0xffff, &dom))
			return -EINVAL;
		bus = c1 + 1;
	} else {
		c2 = c1;
		bus = s;
	}
	dot = strchr(c2 + 1, '.');
	if (!dot || hexfield(bus, c2 - bus, 0xff, &b) || hexfield(c2 + 1, dot - c2 - 1, 0x1f, &d) ||
	    hexfield(dot + 1, strlen(dot + 1), 7, &f) || strlen(dot + 1) != 1)
		return -EINVAL;
	a->domain = dom;
	a->bus = b;
	a->dev = d;
	a->fn = f;
	return 0;
}

void pci_addr_format(const struct pci_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", a->domain, a->bus, a->dev, a->fn);
}

uint64_t pci_addr_key(const struct pci_addr *a)
{
	return (uint64_t)a->domain << 16 | a->bus << 8 | a->dev << 3 | a->fn;
}

bool pci_addr_looks_like(const char *s)
{
	struct pci_addr a;

	return pci_addr_parse(s, &a) == 0;
}

void size_format(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	char tmp[24], *p = tmp + sizeof(tmp);
	int u = -1;
	size_t n;

	while (size >= 1024 && !(size & 1023) && u < 5) {
		size >>= 10;
		u++;
	}
	/* by hand, not snprintf: a walk formats two sizes per range */
	if (u >= 0)
		*--p = units[u];
	do
		*--p = (char)('0' + size % 10);
	while (size /= 10);
	n = (size_t)(tmp + sizeof(tmp) - p);
	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}
