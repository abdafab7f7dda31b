/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mkdump: write synthetic memory dumps for tests and benchmarks -- ELF64
 * vmcores (VMCOREINFO note, optional e_phnum overflow), kdump-compressed
 * files (raw, zlib, lzo, snappy or zstd pages; excluded pages; incomplete
 * flag) and raw images -- from a list of "region/word/exclude/image" lines.
 * Written from the format description in formats.md section 9.
 *
 * Build: cc -std=gnu11 -D_GNU_SOURCE -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY
 *        -DHAVE_ZSTD tests/tools/mkdump.c -o mkdump -lz -llzo2 -lsnappy -lzstd
 * Unit tests #define MKDUMP_NO_MAIN and #include this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_ZLIB
#include <zlib.h>
#endif
#ifdef HAVE_LZO2
#include <lzo/lzo1x.h>
#endif
#ifdef HAVE_SNAPPY
#include <snappy-c.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif

#include "mkdump.h"

struct mkdump_ext {
	uint64_t pa;
	uint64_t len;
	uint8_t *data;          /* NULL: excluded */
};

struct mkdump {
	struct mkdump_ext *e;
	size_t n, cap;
};

static char *mkdump_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *mkdump_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

struct mkdump *mkdump_new(void)
{
	return calloc(1, sizeof(struct mkdump));
}

void mkdump_free(struct mkdump *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->e[i].data);
	free(d->e);
	free(d);
}

static bool mkdump_overlaps(const struct mkdump *d, uint64_t pa, uint64_t len)
{
	for (size_t i = 0; i < d->n; i++)
		if (pa < d->e[i].pa + d->e[i].len && d->e[i].pa < pa + len)
			return true;
	return false;
}

static int mkdump_add(struct mkdump *d, uint64_t pa, uint64_t len, uint8_t *data)
{
	if (!len || pa + len < pa || mkdump_overlaps(d, pa, len)) {
		free(data);
		return -EEXIST;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct mkdump_ext *e = realloc(d->e, cap * sizeof(*e));

		if (!e) {
			free(data);
			return -ENOMEM;
		}
		d->e = e;
		d->cap = cap;
	}
	d->e[d->n++] = (struct mkdump_ext){ pa, len, data };
	return 0;
}

int mkdump_region(struct mkdump *d, uint64_t pa, uint64_t len, const char *pattern)
{
	uint8_t *buf;
	char *end;

	if (!len || len > (1ull << 40))
		return -EINVAL;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	if (!strncmp(pattern, "seed:", 5)) {
		uint64_t seed = strtoull(pattern + 5, &end, 0);

		if (*end) {
			free(buf);
			return -EINVAL;
		}
		for (uint64_t i = 0; i < len; i++)
			buf[i] = mkdump_pattern_byte(seed, pa + i);
	} else if (!strncmp(pattern, "fill:", 5)) {
		unsigned long v = strtoul(pattern + 5, &end, 0);

		if (*end || v > 0xff) {
			free(buf);
			return -EINVAL;
		}
		memset(buf, (int)v, len);
	} else if (!strcmp(pattern, "zero")) {
		memset(buf, 0, len);
	} else {
		free(buf);
		return -EINVAL;
	}
	return mkdump_add(d, pa, len, buf);
}

static struct mkdump_ext *mkdump_find(struct mkdump *d, uint64_t pa, uint64_t len)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->e[i].pa <= pa && pa + len <= d->e[i].pa + d->e[i].len)
			return &d->e[i];
	return NULL;
}

int mkdump_bytes(struct mkdump *d, uint64_t pa, const void *buf, uint64_t len)
{
	struct mkdump_ext *e = mkdump_find(d, pa, len);
	uint8_t *copy;

	if (e) {
		if (!e->data)
			return -EEXIST;
		memcpy(e->data + (pa - e->pa), buf, len);
		return 0;
	}
	copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, buf, len);
	return mkdump_add(d, pa, len, copy);
}

int mkdump_word(struct mkdump *d, uint64_t pa, uint64_t val, uint32_t page_size)
{
	uint8_t le[8];
	uint64_t lo, hi;

	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(val >> (8 * i));
	if (!mkdump_find(d, pa, 8) && !mkdump_overlaps(d, pa, 8)) {
		if (!page_size)
			page_size = 4096;
		/* a zero page around the word, clipped to the gaps between extents */
		lo = pa & ~(uint64_t)(page_size - 1);
		hi = lo + page_size;
		if (pa + 8 > hi)
			hi += page_size;
		for (size_t i = 0; i < d->n; i++) {
			uint64_t s = d->e[i].pa, t = s + d->e[i].len;

			if (t <= pa && t > lo)
				lo = t;
			if (s >= pa + 8 && s < hi)
				hi = s;
		}
		if (mkdump_region(d, lo, hi - lo, "zero"))
			return -ENOMEM;
	}
	return mkdump_bytes(d, pa, le, 8);
}

int mkdump_exclude(struct mkdump *d, uint64_t pa, uint64_t len)
{
	return mkdump_add(d, pa, len, NULL);
}

static int mkdump_image(struct mkdump *d, const char *path, uint64_t pa)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long sz;
	int ret;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EINVAL;
	}
	buf = malloc((size_t)sz);
	if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	ret = mkdump_add(d, pa, (uint64_t)sz, buf);
	return ret;
}

int mkdump_spec_line(struct mkdump *d, const char *line, uint32_t page_size, char **why)
{
	char kw[16], a[4096], b[64], c[64];
	uint64_t x, y;
	int n, ret = -EINVAL;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\n')
		return 0;
	n = sscanf(line, "%15s %4095s %63s %63s", kw, a, b, c);
	if (!strcmp(kw, "region") && n == 4) {
		x = strtoull(a, NULL, 0);
		y = strtoull(b, NULL, 0);
		ret = mkdump_region(d, x, y, c);
	} else if (!strcmp(kw, "region") && n == 3) {
		ret = mkdump_region(d, strtoull(a, NULL, 0), strtoull(b, NULL, 0), "seed:1");
	} else if (!strcmp(kw, "word") && n >= 3) {
		ret = mkdump_word(d, strtoull(a, NULL, 0), strtoull(b, NULL, 0), page_size);
	} else if (!strcmp(kw, "exclude") && n >= 3) {
		ret = mkdump_exclude(d, strtoull(a, NULL, 0), strtoull(b, NULL, 0));
	} else if (!strcmp(kw, "image") && n >= 3) {
		ret = mkdump_image(d, a, strtoull(b, NULL, 0));
	}
	if (ret && why)
		*why = mkdump_fmt("bad or overlapping spec line: %s", line);
	return ret;
}

/* ---- output helpers ---- */

struct mkdump_out {
	int fd;
	bool be;
	int err;
};

static void put(struct mkdump_out *w, uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned sh = w->be ? 8 * (size - 1 - i) : 8 * i;

		p[i] = (uint8_t)(v >> sh);
	}
}

static void wr(struct mkdump_out *w, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len && !w->err) {
		ssize_t r = pwrite(w->fd, p, len, (off_t)off);

		if (r <= 0) {
			w->err = r < 0 ? -errno : -EIO;
			return;
		}
		p += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
}

static int ext_cmp(const void *a, const void *b)
{
	const struct mkdump_ext *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static const char *mkdump_default_vmcoreinfo(uint32_t page_size, char *buf, size_t len)
{
	snprintf(buf, len,
		 "OSRELEASE=6.1.0-mkdump\nPAGESIZE=%u\nSYMBOL(swapper_pg_dir)=ffffffff82a0a000\n"
		 "NUMBER(phys_base)=0\nCRASHTIME=1700000000\n", page_size);
	return buf;
}

static uint16_t mkdump_em(const char *machine)
{
	static const struct { const char *name; uint16_t em; } t[] = {
		{ "x86_64", 62 }, { "aarch64", 183 }, { "ppc64", 21 }, { "ppc64le", 21 },
		{ "s390x", 22 }, { "riscv64", 243 }, { "loongarch64", 258 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, machine))
			return t[i].em;
	return 62;
}

/* ---- ELF ---- */

struct mkdump_seg {
	uint64_t pa, filesz, memsz, off;
	const uint8_t *data;
};

static int mkdump_write_elf(struct mkdump *d, const struct mkdump_opts *o, struct mkdump_out *w,
			    const char *vmci, char **why)
{
	struct mkdump_seg *s = NULL;
	size_t ns = 0, cap = 0;
	uint64_t split = o->split ? o->split : UINT64_MAX;
	uint64_t phnum, phoff = 64, shoff, noteoff, notesz = 0, off;
	size_t vlen = strlen(vmci);
	uint8_t hdr[64] = { 0 };

	for (size_t i = 0; i < d->n; i++) {
		struct mkdump_ext *e = &d->e[i];

		if (!e->data && ns && s[ns - 1].filesz == s[ns - 1].memsz &&
		    s[ns - 1].pa + s[ns - 1].memsz == e->pa) {
			s[ns - 1].memsz += e->len;
			continue;
		}
		for (uint64_t at = 0; at < e->len; at += split) {
			uint64_t l = e->len - at < split ? e->len - at : split;

			if (!e->data)
				l = e->len;
			if (ns == cap) {
				cap = cap ? cap * 2 : 64;
				s = realloc(s, cap * sizeof(*s));
				if (!s)
					return -ENOMEM;
			}
			s[ns++] = (struct mkdump_seg){ e->pa + at, e->data ? l : 0, l, 0,
						       e->data ? e->data + at : NULL };
			if (!e->data)
				break;
		}
	}
	phnum = ns + (vlen ? 1 : 0);
	shoff = phoff + phnum * 56;
	noteoff = shoff + ((phnum >= 0xffff || o->force_xnum) ? 64 : 0);
	if (vlen)
		notesz = 12 + 12 + ((vlen + 3) & ~3ull);
	off = (noteoff + notesz + o->page_size - 1) & ~(uint64_t)(o->page_size - 1);
	for (size_t i = 0; i < ns; i++) {
		s[i].off = off;
		off += s[i].filesz;
	}

	memcpy(hdr, "\x7f" "ELF", 4);
	hdr[4] = 2;
	hdr[5] = w->be ? 2 : 1;
	hdr[6] = 1;
	put(w, hdr + 16, 2, 4);                         /* ET_CORE */
	put(w, hdr + 18, 2, mkdump_em(o->machine));
	put(w, hdr + 20, 4, 1);
	put(w, hdr + 32, 8, phoff);
	put(w, hdr + 52, 2, 64);
	put(w, hdr + 54, 2, 56);
	if (phnum >= 0xffff || o->force_xnum) {
		uint8_t sh[64] = { 0 };

		put(w, hdr + 40, 8, shoff);
		put(w, hdr + 56, 2, 0xffff);
		put(w, hdr + 58, 2, 64);
		put(w, hdr + 60, 2, 1);
		put(w, sh + 44, 4, phnum);              /* sh_info */
		wr(w, shoff, sh, sizeof(sh));
	} else {
		put(w, hdr + 56, 2, phnum);
	}
	wr(w, 0, hdr, sizeof(hdr));

	uint8_t *ph = calloc(phnum ? phnum : 1, 56);

	if (!ph) {
		free(s);
		return -ENOMEM;
	}
	size_t k = 0;

	if (vlen) {
		uint8_t *p = ph;
		uint8_t nh[24] = { 0 };

		put(w, p, 4, 4);                        /* PT_NOTE */
		put(w, p + 8, 8, noteoff);
		put(w, p + 32, 8, notesz);
		put(w, p + 40, 8, notesz);
		put(w, nh, 4, 11);
		put(w, nh + 4, 4, vlen);
		put(w, nh + 8, 4, 0);
		memcpy(nh + 12, "VMCOREINFO", 11);
		wr(w, noteoff, nh, 24);
		wr(w, noteoff + 24, vmci, vlen);
		k = 1;
	}
	for (size_t i = 0; i < ns; i++, k++) {
		uint8_t *p = ph + 56 * k;

		put(w, p, 4, 1);                        /* PT_LOAD */
		put(w, p + 4, 4, 7);
		put(w, p + 8, 8, s[i].off);
		put(w, p + 16, 8, 0xffff888000000000ull + s[i].pa);
		put(w, p + 24, 8, s[i].pa);
		put(w, p + 32, 8, s[i].filesz);
		put(w, p + 40, 8, s[i].memsz);
		put(w, p + 48, 8, 0);
		if (s[i].filesz)
			wr(w, s[i].off, s[i].data, s[i].filesz);
	}
	wr(w, phoff, ph, phnum * 56);
	if (!w->err && ftruncate(w->fd, (off_t)off))
		w->err = -errno;
	free(ph);
	free(s);
	if (w->err && why)
		*why = mkdump_fmt("write: %s", strerror(-w->err));
	return w->err;
}

/* ---- raw ---- */

static int mkdump_write_raw(struct mkdump *d, const struct mkdump_opts *o, struct mkdump_out *w,
			    char **why)
{
	uint64_t end = 0;

	for (size_t i = 0; i < d->n; i++) {
		if (d->e[i].pa < o->raw_base) {
			if (why)
				*why = mkdump_fmt("region 0x%" PRIx64 " is below the raw base", d->e[i].pa);
			return -EINVAL;
		}
		if (d->e[i].pa + d->e[i].len > end)
			end = d->e[i].pa + d->e[i].len;
		if (d->e[i].data)
			wr(w, d->e[i].pa - o->raw_base, d->e[i].data, d->e[i].len);
	}
	if (!w->err && end > o->raw_base && ftruncate(w->fd, (off_t)(end - o->raw_base)))
		w->err = -errno;
	return w->err;
}

/* ---- kdump ---- */

static size_t mkdump_compress(const struct mkdump_opts *o, const uint8_t *src, uint8_t *dst,
			      size_t cap, char **why)
{
	size_t ps = o->page_size;

	(void)ps;
	(void)src;
	(void)dst;
	(void)cap;

	switch (o->comp) {
	case MKDUMP_COMP_NONE:
		return 0;
#ifdef HAVE_ZLIB
	case MKDUMP_COMP_ZLIB: {
		uLongf dl = cap;

		return compress2(dst, &dl, src, ps, Z_BEST_SPEED) == Z_OK ? dl : 0;
	}
#endif
#ifdef HAVE_LZO2
	case MKDUMP_COMP_LZO: {
		static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint dl = cap;

		return lzo1x_1_compress(src, ps, dst, &dl, wrk) == LZO_E_OK ? dl : 0;
	}
#endif
#ifdef HAVE_SNAPPY
	case MKDUMP_COMP_SNAPPY: {
		size_t dl = cap;

		return snappy_compress((const char *)src, ps, (char *)dst, &dl) == SNAPPY_OK ? dl : 0;
	}
#endif
#ifdef HAVE_ZSTD
	case MKDUMP_COMP_ZSTD: {
		size_t r = ZSTD_compress(dst, cap, src, ps, 1);

		return ZSTD_isError(r) ? 0 : r;
	}
#endif
	default:
		if (why && !*why)
			*why = mkdump_fmt("compression 0x%x not built into mkdump", o->comp);
		return (size_t)-1;
	}
}

static int u64cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int mkdump_write_kdump(struct mkdump *d, const struct mkdump_opts *o, struct mkdump_out *w,
			      const char *vmci, char **why)
{
	uint32_t ps = o->page_size, shift = (uint32_t)__builtin_ctz(ps);
	uint64_t *pfns = NULL, np = 0, cap = 0, maxpfn = 0;
	size_t vlen = strlen(vmci);
	int ret = -ENOMEM;

	/* dumped pfns: every page a data extent touches */
	for (size_t i = 0; i < d->n; i++) {
		uint64_t first = d->e[i].pa >> shift, last = (d->e[i].pa + d->e[i].len - 1) >> shift;

		if (last + 1 > maxpfn)
			maxpfn = last + 1;
		if (!d->e[i].data)
			continue;
		for (uint64_t p = first; p <= last; p++) {
			if (np == cap) {
				cap = cap ? cap * 2 : 1024;
				uint64_t *n = realloc(pfns, cap * sizeof(*n));

				if (!n)
					goto out;
				pfns = n;
			}
			pfns[np++] = p;
		}
	}
	qsort(pfns, np, sizeof(*pfns), u64cmp);
	{
		uint64_t u = 0;

		for (uint64_t i = 0; i < np; i++)
			if (!u || pfns[u - 1] != pfns[i])
				pfns[u++] = pfns[i];
		np = u;
	}
	uint64_t max_mapnr = o->max_mapnr ? o->max_mapnr : maxpfn;
	uint64_t bm_bytes = ((max_mapnr + 7) / 8 + ps - 1) / ps * ps;
	uint64_t sub_blocks = (104 + vlen + ps - 1) / ps;
	uint64_t bm1_off = (1 + sub_blocks) * ps, bm2_off = bm1_off + bm_bytes;
	uint64_t desc_off = bm2_off + bm_bytes, data_off = desc_off + np * 24;
	uint8_t hdr[464] = { 0 }, sub[104] = { 0 };
	uint8_t *bm1 = calloc(1, bm_bytes ? bm_bytes : 1), *bm2 = calloc(1, bm_bytes ? bm_bytes : 1);
	uint8_t *page = malloc(ps), *cbuf = malloc(2 * ps + 1024), *descs = calloc(np ? np : 1, 24);
	uint32_t status = o->comp;

	if (!bm1 || !bm2 || !page || !cbuf || !descs)
		goto out2;
	for (size_t i = 0; i < d->n; i++) {
		uint64_t first = d->e[i].pa >> shift, last = (d->e[i].pa + d->e[i].len - 1) >> shift;

		for (uint64_t p = first; p <= last && p < max_mapnr; p++)
			bm1[p / 8] |= (uint8_t)(1u << (p % 8));
	}
	for (uint64_t i = 0; i < np; i++)
		if (pfns[i] < max_mapnr)
			bm2[pfns[i] / 8] |= (uint8_t)(1u << (pfns[i] % 8));

	if (o->incomplete >= 0)
		status |= 0x8;
	memcpy(hdr, "KDUMP   ", 8);
	put(w, hdr + 8, 4, 6);
	memcpy(hdr + 12, "Linux", 5);
	memcpy(hdr + 12 + 65, "mkdump", 6);
	memcpy(hdr + 12 + 130, "6.1.0-mkdump", 12);
	memcpy(hdr + 12 + 195, "#1 SMP", 6);
	strncpy((char *)hdr + 12 + 260, o->machine, 64);
	put(w, hdr + 424, 4, status);
	put(w, hdr + 428, 4, ps);
	put(w, hdr + 432, 4, sub_blocks);
	put(w, hdr + 436, 4, 2 * bm_bytes / ps);
	put(w, hdr + 440, 4, max_mapnr > UINT32_MAX ? UINT32_MAX : max_mapnr);
	put(w, hdr + 444, 4, np);
	put(w, hdr + 460, 4, 1);
	wr(w, 0, hdr, sizeof(hdr));

	put(w, sub + 8, 4, 31);
	put(w, sub + 24, 8, max_mapnr);
	if (vlen) {
		put(w, sub + 32, 8, ps + 104);
		put(w, sub + 40, 8, vlen);
		wr(w, ps + 104, vmci, vlen);
	}
	put(w, sub + 88, 8, max_mapnr);
	put(w, sub + 96, 8, max_mapnr);
	wr(w, ps, sub, sizeof(sub));
	wr(w, bm1_off, bm1, bm_bytes);
	wr(w, bm2_off, bm2, bm_bytes);

	uint64_t off = data_off, kept = 0;
	size_t ei = 0;

	for (uint64_t i = 0; i < np && !w->err; i++) {
		uint64_t pa = pfns[i] << shift;
		size_t clen;
		uint32_t flags = o->comp;

		if (pfns[i] >= max_mapnr)
			continue;
		if (o->incomplete >= 0 && (long)kept >= o->incomplete)
			break;
		memset(page, 0, ps);
		while (ei < d->n && d->e[ei].pa + d->e[ei].len <= pa)
			ei++;
		for (size_t j = ei; j < d->n && d->e[j].pa < pa + ps; j++) {
			uint64_t s = d->e[j].pa > pa ? d->e[j].pa : pa;
			uint64_t t = d->e[j].pa + d->e[j].len < pa + ps ? d->e[j].pa + d->e[j].len : pa + ps;

			if (d->e[j].data && s < t)
				memcpy(page + (s - pa), d->e[j].data + (s - d->e[j].pa), t - s);
		}
		clen = mkdump_compress(o, page, cbuf, 2 * ps + 1024, why);
		if (clen == (size_t)-1) {
			ret = -EOPNOTSUPP;
			goto out2;
		}
		if (!clen || clen >= ps) {
			clen = ps;
			flags = 0;
			wr(w, off, page, ps);
		} else {
			wr(w, off, cbuf, clen);
		}
		put(w, descs + 24 * i, 8, off);
		put(w, descs + 24 * i + 8, 4, clen);
		put(w, descs + 24 * i + 12, 4, flags);
		off += clen;
		kept++;
	}
	wr(w, desc_off, descs, np * 24);
	if (!w->err && ftruncate(w->fd, (off_t)off))
		w->err = -errno;
	ret = w->err;
	if (ret && why && !*why)
		*why = mkdump_fmt("write: %s", strerror(-ret));
out2:
	free(bm1);
	free(bm2);
	free(page);
	free(cbuf);
	free(descs);
out:
	free(pfns);
	return ret;
}

/* ---- makedumpfile's flattened stream (formats.md 9.2) ---- */

static void mkdump_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static int mkdump_put(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int mkdump_record(int fd, uint64_t off, const uint8_t *data, uint64_t len)
{
	uint8_t h[16];

	mkdump_be64(h, off);
	mkdump_be64(h + 8, len);
	return mkdump_put(fd, h, sizeof(h)) ?: mkdump_put(fd, data, (size_t)len);
}

/* Rewrite the kdump file at path as a flattened stream of chunk-byte records. */
static int mkdump_flatten(const char *path, uint64_t chunk, bool shuffle, char **why)
{
	struct stat st;
	uint8_t *img, hdr[4096] = "makedumpfile", end[16];
	uint64_t nrec, *order;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0 || fstat(fd, &st) || !(img = malloc((size_t)st.st_size + 1)) ||
	    read(fd, img, (size_t)st.st_size) != st.st_size) {
		if (why)
			*why = mkdump_fmt("%s: cannot read back the kdump file", path);
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	close(fd);
	nrec = ((uint64_t)st.st_size + chunk - 1) / chunk;
	order = calloc(nrec, sizeof(*order));
	for (uint64_t i = 0; i < nrec; i++)
		order[i] = i;
	if (shuffle)   /* a fixed permutation: odd records first, then even ones backwards */
		for (uint64_t i = 0, k = 0; i < nrec; i++)
			order[i] = i < nrec / 2 ? 2 * i + 1 : (nrec - 1 - 2 * (k++)) & ~1ull;
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	mkdump_be64(hdr + 16, 1);
	mkdump_be64(hdr + 24, 1);
	ret = fd < 0 ? -errno : mkdump_put(fd, hdr, sizeof(hdr));
	if (!ret && shuffle) {
		/* a zeroed header first: the real one, sent later, must win */
		uint8_t zero[512] = { 0 };

		ret = mkdump_record(fd, 0, zero, sizeof(zero) < (size_t)st.st_size ? sizeof(zero)
								   : (size_t)st.st_size);
	}
	for (uint64_t i = 0; !ret && i < nrec; i++) {
		uint64_t off = order[i] * chunk, len = (uint64_t)st.st_size - off;

		ret = mkdump_record(fd, off, img + off, len < chunk ? len : chunk);
	}
	memset(end, 0xff, sizeof(end));
	if (!ret)
		ret = mkdump_put(fd, end, sizeof(end));
	if (fd >= 0 && close(fd) && !ret)
		ret = -errno;
	if (ret && why)
		*why = mkdump_fmt("%s: cannot write the flattened stream", path);
	free(order);
	free(img);
	return ret;
}

int mkdump_write(struct mkdump *d, const struct mkdump_opts *o_in, const char *path, char **why)
{
	struct mkdump_opts o = *o_in;
	struct mkdump_out w = { .be = o_in->big_endian };
	char vbuf[256];
	const char *vmci;
	int ret;

	if (!o.page_size)
		o.page_size = 4096;
	if (!o.machine)
		o.machine = "x86_64";
	if (o.page_size & (o.page_size - 1))
		return -EINVAL;
	vmci = o.vmcoreinfo ? o.vmcoreinfo : mkdump_default_vmcoreinfo(o.page_size, vbuf, sizeof(vbuf));
	qsort(d->e, d->n, sizeof(*d->e), ext_cmp);
	w.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w.fd < 0) {
		if (why)
			*why = mkdump_fmt("%s: %s", path, strerror(errno));
		return -errno;
	}
	switch (o.format) {
	case MKDUMP_ELF:
		ret = mkdump_write_elf(d, &o, &w, vmci, why);
		break;
	case MKDUMP_KDUMP:
		ret = mkdump_write_kdump(d, &o, &w, vmci, why);
		break;
	default:
		ret = mkdump_write_raw(d, &o, &w, why);
		break;
	}
	if (close(w.fd) && !ret)
		ret = -errno;
	if (!ret && o.format == MKDUMP_KDUMP && o.flat_chunk)
		ret = mkdump_flatten(path, o.flat_chunk, o.flat_shuffle, why);
	return ret;
}

#ifndef MKDUMP_NO_MAIN
#include <getopt.h>

static void usage(FILE *f)
{
	fputs("usage: mkdump -o OUT [-f elf|kdump|raw] [-c none|zlib|lzo|snappy|zstd] [-P PAGESIZE]\n"
	      "              [-B RAWBASE] [-m MACHINE] [-S SPLITBYTES] [-X] [-E] [-I KEEP_PAGES]\n"
	      "              [-M MAX_MAPNR] [-V VMCOREINFO|-N] [-e SPECLINE]... [SPECFILE|-]\n"
	      "spec lines: region PA LEN seed:N|fill:0xBB|zero   word PA VALUE\n"
	      "            exclude PA LEN                          image FILE PA\n"
	      "-X: e_phnum = PN_XNUM (count in section 0) even when not needed; -E: big-endian;\n"
	      "-I N: mark incomplete and keep only the first N dumped pages; -N: no VMCOREINFO\n"
	      "-F CHUNK: kdump as makedumpfile's flattened stream, records of CHUNK bytes;\n"
	      "-R: (with -F) records out of order, the header sent twice (a zeroed one first)\n", f);
}

int main(int argc, char **argv)
{
	struct mkdump_opts o = { .format = MKDUMP_ELF, .incomplete = -1 };
	struct mkdump *d = mkdump_new();
	const char *out = NULL;
	char *why = NULL;
	int c, ret;

	if (!d)
		return 1;
	while ((c = getopt(argc, argv, "o:f:c:P:B:m:S:XEI:M:V:Ne:F:Rh")) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'f':
			o.format = !strcmp(optarg, "kdump") ? MKDUMP_KDUMP :
				   !strcmp(optarg, "raw") ? MKDUMP_RAW : MKDUMP_ELF;
			break;
		case 'c':
			o.comp = !strcmp(optarg, "zlib") ? MKDUMP_COMP_ZLIB :
				 !strcmp(optarg, "lzo") ? MKDUMP_COMP_LZO :
				 !strcmp(optarg, "snappy") ? MKDUMP_COMP_SNAPPY :
				 !strcmp(optarg, "zstd") ? MKDUMP_COMP_ZSTD : MKDUMP_COMP_NONE;
			break;
		case 'P': o.page_size = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'B': o.raw_base = strtoull(optarg, NULL, 0); break;
		case 'm': o.machine = optarg; break;
		case 'S': o.split = strtoull(optarg, NULL, 0); break;
		case 'X': o.force_xnum = true; break;
		case 'E': o.big_endian = true; break;
		case 'I': o.incomplete = strtol(optarg, NULL, 0); break;
		case 'M': o.max_mapnr = strtoull(optarg, NULL, 0); break;
		case 'V': o.vmcoreinfo = optarg; break;
		case 'N': o.vmcoreinfo = ""; break;
		case 'F': o.flat_chunk = strtoull(optarg, NULL, 0); break;
		case 'R': o.flat_shuffle = true; break;
		case 'e':
			if (mkdump_spec_line(d, optarg, o.page_size, &why)) {
				fprintf(stderr, "mkdump: %s\n", why);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!out) {
		usage(stderr);
		return 2;
	}
	if (optind < argc) {
		FILE *f = strcmp(argv[optind], "-") ? fopen(argv[optind], "r") : stdin;
		char line[8192];

		if (!f) {
			perror(argv[optind]);
			return 1;
		}
		while (fgets(line, sizeof(line), f))
			if (mkdump_spec_line(d, line, o.page_size, &why)) {
				fprintf(stderr, "mkdump: %s", why);
				return 2;
			}
		if (f != stdin)
			fclose(f);
	}
	ret = mkdump_write(d, &o, out, &why);
	if (ret) {
		fprintf(stderr, "mkdump: %s\n", why ? why : strerror(-ret));
		return 1;
	}
	mkdump_free(d);
	free(why);
	return 0;
}
#endif
