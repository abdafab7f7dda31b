/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mktables: build physical memory holding IOMMU table hierarchies with
 * known mappings for every family the walker knows (VT-d, AMD, Arm LPAE and
 * v7s, SMMUv3, PowerPC TCE, RISC-V) plus hostile tables (loops, shared,
 * outside the dump, excluded pages, reserved bits), and write it as ELF,
 * raw and kdump (every compression) with the walk commands and the
 * expected mapping lists. Entries are encoded here from formats.md, not
 * with iommuctl's encoders, so the walker is checked against an
 * independent writer.
 *
 * Build: cc -std=gnu11 -D_GNU_SOURCE -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY
 *        -DHAVE_ZSTD -Itests/tools tests/tools/mktables.c -o mktables
 *        -lz -llzo2 -lsnappy -lzstd
 * Usage: mktables DIR  -> DIR/mem.elf, mem.raw, mem-{zlib,lzo,snappy,zstd,none}.kdump,
 *                         DIR/cases (NAME<TAB>ARGS), DIR/expect/NAME (walk text lines)
 * Unit tests #define MKTABLES_NO_MAIN and #include this file: they use the
 * builder and its in-memory image (mt_read) without any dump.
 */
#define MKDUMP_NO_MAIN
#include "mkdump.c"

#include <sys/stat.h>

/* ---- a sparse physical memory image ---- */

#define MT_PAGE 4096u

struct mt_page {
	uint64_t pa;
	uint8_t *data;		/* NULL: excluded */
};

struct mt_mem {
	struct mt_page *p;
	size_t n, cap;
	size_t hint;
};

static struct mt_page *mt_find(struct mt_mem *m, uint64_t pa)
{
	pa &= ~(uint64_t)(MT_PAGE - 1);
	if (m->hint < m->n && m->p[m->hint].pa == pa)
		return &m->p[m->hint];
	for (size_t i = 0; i < m->n; i++)
		if (m->p[i].pa == pa) {
			m->hint = i;
			return &m->p[i];
		}
	return NULL;
}

static struct mt_page *mt_page_add(struct mt_mem *m, uint64_t pa, bool excluded)
{
	struct mt_page *p = mt_find(m, pa);

	if (p)
		return p;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->p = realloc(m->p, m->cap * sizeof(*m->p));
		if (!m->p)
			abort();
	}
	p = &m->p[m->n++];
	p->pa = pa & ~(uint64_t)(MT_PAGE - 1);
	p->data = excluded ? NULL : calloc(1, MT_PAGE);
	if (!excluded && !p->data)
		abort();
	return p;
}

static void mt_zero(struct mt_mem *m, uint64_t pa, uint64_t len)
{
	for (uint64_t a = pa & ~(uint64_t)(MT_PAGE - 1); a < pa + len; a += MT_PAGE)
		mt_page_add(m, a, false);
}

static void mt_put(struct mt_mem *m, uint64_t pa, uint64_t v, unsigned int size, bool be)
{
	struct mt_page *p = mt_page_add(m, pa, false);

	if (!p->data)
		abort();
	for (unsigned int i = 0; i < size; i++)
		p->data[(pa & (MT_PAGE - 1)) + i] = (uint8_t)(v >> (8 * (be ? size - 1 - i : i)));
}

static uint64_t mt_get(struct mt_mem *m, uint64_t pa, unsigned int size, bool be)
{
	struct mt_page *p = mt_find(m, pa);
	uint64_t v = 0;

	if (!p || !p->data)
		return 0;
	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p->data[(pa & (MT_PAGE - 1)) + i] << (8 * (be ? size - 1 - i : i));
	return v;
}

/* The read callback contract of walk.h: -ENXIO outside, -ENODATA excluded. */
static int mt_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	struct mt_mem *m = priv;
	uint8_t *out = buf;

	while (len) {
		struct mt_page *p = mt_find(m, pa);
		size_t off = pa & (MT_PAGE - 1), n = MT_PAGE - off < len ? MT_PAGE - off : len;

		if (!p || !p->data) {
			if (fault)
				*fault = pa;
			return p ? -ENODATA : -ENXIO;
		}
		memcpy(out, p->data + off, n);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

/* ---- expected output ---- */

#define MT_R 1u
#define MT_W 2u
#define MT_X 4u
#define MT_U 8u

struct mt_run {
	uint64_t iova, last, pa;
	unsigned int perms, ps;
	bool have;
};

struct mt_expect {
	char *buf;
	size_t len;
	FILE *f;
	struct mt_run run;
	uint64_t pages;
};

static void mt_size(uint64_t size, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (size >= 1024 && !(size & 1023) && u < 5) {
		size >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%llu", (unsigned long long)size);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)size, units[u]);
}

static void mt_flush(struct mt_expect *e)
{
	char size[24], ps[24], perms[5];

	if (!e->run.have)
		return;
	mt_size(e->run.last - e->run.iova + 1, size, sizeof(size));
	mt_size(1ULL << e->run.ps, ps, sizeof(ps));
	perms[0] = e->run.perms & MT_R ? 'r' : '-';
	perms[1] = e->run.perms & MT_W ? 'w' : '-';
	perms[2] = e->run.perms & MT_X ? 'x' : '-';
	perms[3] = e->run.perms & MT_U ? 'u' : '-';
	perms[4] = 0;
	fprintf(e->f, "0x%016llx  0x%016llx  %-6s %-5s %s\n", (unsigned long long)e->run.iova,
		(unsigned long long)e->run.pa, size, perms, ps);
	e->run.have = false;
}

/* One page, in ascending IOVA order, coalesced as the walker does. */
static void mt_expect_page(struct mt_expect *e, uint64_t iova, uint64_t pa, unsigned int ps,
			   unsigned int perms)
{
	struct mt_run *r = &e->run;
	uint64_t last = iova + ((1ULL << ps) - 1);

	e->pages++;
	if (r->have && r->last + 1 == iova && r->perms == perms && r->ps == ps &&
	    r->pa + (r->last - r->iova + 1) == pa) {
		r->last = last;
		return;
	}
	mt_flush(e);
	*r = (struct mt_run){ iova, last, pa, perms, ps, true };
}

/* ---- page-table builders ---- */

enum mt_kind { MT_VTD_SL, MT_X86, MT_AMD_V1, MT_LPAE_S1, MT_LPAE_S2, MT_V7S, MT_TCE, MT_RISCV };

struct mt_pt {
	struct mt_mem *mem;
	uint64_t *next;		/* bump allocator of table memory */
	enum mt_kind kind;
	int levels;		/* levels; depth 0 = top */
	unsigned int shift[6], bits[6];
	unsigned int esz;
	bool be, mtk;
	unsigned int granule;	/* LPAE */
	uint64_t root;
	uint64_t offset;	/* TCE bus offset */
	unsigned int space;	/* input bits (for sign extension) */
	struct mt_expect *exp;
};

static uint64_t mt_alloc(struct mt_pt *pt, uint64_t size)
{
	/* Tables are aligned to their size (LPAE 16K/64K granules need it), at most 64K. */
	uint64_t align = size < 65536 ? size : 65536, pa;

	*pt->next = (*pt->next + align - 1) & ~(align - 1);
	pa = *pt->next;
	*pt->next += size;
	mt_zero(pt->mem, pa, size);
	return pa;
}

static uint64_t mt_table_bytes(const struct mt_pt *pt, int d)
{
	return (1ULL << pt->bits[d]) * pt->esz;
}

/* The level number the family's decoder uses at depth d. */
static int mt_level(const struct mt_pt *pt, int d)
{
	switch (pt->kind) {
	case MT_LPAE_S1:
	case MT_LPAE_S2:
		return 4 - pt->levels + d;
	case MT_V7S:
		return d + 1;
	case MT_RISCV:
		return pt->levels - 1 - d;
	default:
		return pt->levels - d;
	}
}

static uint64_t lpae_pack(const struct mt_pt *pt, uint64_t pa)
{
	if (pt->granule == 65536)
		return (pa | pa >> 36) & 0x0000fffffffff000ULL;
	return pa & 0x0000fffffffff000ULL;
}

/* A table entry at depth d pointing to the table at pa. */
static uint64_t mt_tab_entry(const struct mt_pt *pt, int d, uint64_t pa)
{
	switch (pt->kind) {
	case MT_VTD_SL:
		return pa | 7;
	case MT_X86:
		return pa | 7;
	case MT_AMD_V1:
		return pa | 1 | (uint64_t)(mt_level(pt, d) - 1) << 9 | 3ULL << 61;
	case MT_LPAE_S1:
	case MT_LPAE_S2:
		return lpae_pack(pt, pa) | 3;
	case MT_V7S:
		return pa | 1;
	case MT_TCE:
		return pa | 3;
	case MT_RISCV:
		return pa >> 12 << 10 | 1;
	}
	return 0;
}

/* A leaf at depth d for a page of 2^ps at pa. */
static uint64_t mt_leaf_entry(const struct mt_pt *pt, int d, uint64_t pa, unsigned int ps,
			      unsigned int perms)
{
	int level = mt_level(pt, d);
	uint64_t v;

	switch (pt->kind) {
	case MT_VTD_SL:
		return pa | (perms & MT_R ? 1 : 0) | (perms & MT_W ? 2 : 0) | (perms & MT_X ? 4 : 0) |
		       (level > 1 ? 0x80 : 0);
	case MT_X86:
		return pa | 1 | (perms & MT_W ? 2 : 0) | (perms & MT_U ? 4 : 0) |
		       (level > 1 ? 0x80 : 0) | (perms & MT_X ? 0 : 1ULL << 63);
	case MT_AMD_V1:
		v = pa | 1 | (perms & MT_R ? 1ULL << 61 : 0) | (perms & MT_W ? 1ULL << 62 : 0);
		if (ps > pt->shift[d])
			v |= 7ULL << 9 | (((1ULL << (ps - 1)) - 1) & ~0xfffULL);
		return v;
	case MT_LPAE_S1:
		return lpae_pack(pt, pa) | (level == 3 ? 3 : 1) | 1ULL << 10 |
		       (perms & MT_W ? 0 : 1ULL << 7) | (perms & MT_U ? 1ULL << 6 : 0) |
		       (perms & MT_X ? 0 : 3ULL << 53);
	case MT_LPAE_S2:
		return lpae_pack(pt, pa) | (level == 3 ? 3 : 1) | 1ULL << 10 |
		       (perms & MT_R ? 1ULL << 6 : 0) | (perms & MT_W ? 1ULL << 7 : 0) |
		       (perms & MT_X ? 0 : 2ULL << 53);
	case MT_V7S:
		if (pt->mtk) {
			v = (pa & 0xffffffffULL) | (pa >> 32 & 1) << 9 | (pa >> 33 & 1) << 4 |
			    (pa >> 34 & 1) << 5;
			if (level == 1)
				return v | 2 | (ps == 24 ? 1ULL << 18 : 0);
			return v | (ps == 16 ? 1 : 2) |
			       (perms & MT_X ? 0 : ps == 16 ? 1ULL << 15 : 1);
		}
		if (level == 1)
			return (ps == 24 ? pa & 0xff000000 : pa) | 2 | (ps == 24 ? 1ULL << 18 : 0) |
			       1ULL << 10 | (perms & MT_U ? 1ULL << 11 : 0) |
			       (perms & MT_W ? 0 : 1ULL << 15) | (perms & MT_X ? 0 : 1ULL << 4);
		return pa | (ps == 16 ? 1 : 2) | 1ULL << 4 | (perms & MT_U ? 1ULL << 5 : 0) |
		       (perms & MT_W ? 0 : 1ULL << 9) |
		       (perms & MT_X ? 0 : ps == 16 ? 1ULL << 15 : 1);
	case MT_TCE:
		return pa | (perms & MT_R ? 1 : 0) | (perms & MT_W ? 2 : 0);
	case MT_RISCV:
		v = pa >> 12 << 10 | 1 | 0xc0 | (perms & MT_R ? 2 : 0) | (perms & MT_W ? 4 : 0) |
		    (perms & MT_X ? 8 : 0) | (perms & MT_U ? 16 : 0);
		if (ps == 16 && level == 0)
			v |= 1ULL << 63 | 8ULL << 10;
		return v;
	}
	return 0;
}

static void mt_pt_init(struct mt_pt *pt, struct mt_mem *mem, uint64_t *next, enum mt_kind kind,
		       int levels, struct mt_expect *exp)
{
	memset(pt, 0, sizeof(*pt));
	pt->mem = mem;
	pt->next = next;
	pt->kind = kind;
	pt->levels = levels;
	pt->esz = 8;
	pt->exp = exp;
	for (int d = 0; d < levels; d++) {
		pt->bits[d] = 9;
		pt->shift[d] = 12 + 9 * (unsigned int)(levels - 1 - d);
	}
	if (kind == MT_AMD_V1 && levels == 6)
		pt->bits[0] = 7;
}

static void mt_lpae_init(struct mt_pt *pt, struct mt_mem *mem, uint64_t *next, bool s2,
			 unsigned int granule, unsigned int ias, int levels, struct mt_expect *exp)
{
	unsigned int pg = granule == 65536 ? 16 : granule == 16384 ? 14 : 12, bpl = pg - 3;

	if (!levels)
		levels = (int)((ias - pg + bpl - 1) / bpl);

	mt_pt_init(pt, mem, next, s2 ? MT_LPAE_S2 : MT_LPAE_S1, levels, exp);
	pt->granule = granule;
	for (int d = 0; d < levels; d++) {
		pt->shift[d] = pg + bpl * (unsigned int)(levels - 1 - d);
		pt->bits[d] = bpl;
	}
	pt->bits[0] = ias - pt->shift[0];
}

static void mt_v7s_init(struct mt_pt *pt, struct mt_mem *mem, uint64_t *next, bool mtk,
			struct mt_expect *exp)
{
	mt_pt_init(pt, mem, next, MT_V7S, 2, exp);
	pt->esz = 4;
	pt->mtk = mtk;
	pt->shift[0] = 20;
	pt->bits[0] = 12;
	pt->shift[1] = 12;
	pt->bits[1] = 8;
}

static void mt_tce_init(struct mt_pt *pt, struct mt_mem *mem, uint64_t *next, int levels,
			unsigned int ps, unsigned int level_bits, unsigned int top_bits,
			uint64_t offset, struct mt_expect *exp)
{
	mt_pt_init(pt, mem, next, MT_TCE, levels, exp);
	pt->be = true;
	pt->offset = offset;
	for (int d = 0; d < levels; d++) {
		pt->shift[d] = ps + level_bits * (unsigned int)(levels - 1 - d);
		pt->bits[d] = d ? level_bits : top_bits;
	}
}

static uint64_t mt_root(struct mt_pt *pt)
{
	if (!pt->root)
		pt->root = mt_alloc(pt, mt_table_bytes(pt, 0));
	return pt->root;
}

/* Map one page of 2^ps at the depth whose slots are at most that big. */
static void mt_map(struct mt_pt *pt, uint64_t iova, uint64_t pa, unsigned int ps, unsigned int perms)
{
	uint64_t raw = iova - pt->offset, table = mt_root(pt);
	unsigned int space = pt->shift[0] + pt->bits[0];
	int d = 0;

	if (space < 64)
		raw &= (1ULL << space) - 1;
	while (pt->shift[d] > ps) {
		uint64_t idx = (raw >> pt->shift[d]) & ((1ULL << pt->bits[d]) - 1);
		uint64_t ea = table + idx * pt->esz, v = mt_get(pt->mem, ea, pt->esz, pt->be), next;

		if (!v) {
			next = mt_alloc(pt, mt_table_bytes(pt, d + 1));
			mt_put(pt->mem, ea, mt_tab_entry(pt, d, next), pt->esz, pt->be);
		} else {
			switch (pt->kind) {
			case MT_LPAE_S1:
			case MT_LPAE_S2:
				next = pt->granule == 65536 ?
				       ((v & 0x0000fffffffff000ULL) | (v & 0x0000fffffffff000ULL) << 36) &
				       0x000fffffffff0000ULL : v & 0x0000fffffffff000ULL;
				break;
			case MT_V7S:
				next = v & 0xfffffc00;
				break;
			case MT_RISCV:
				next = (v >> 10 & ((1ULL << 44) - 1)) << 12;
				break;
			default:
				next = v & 0x000ffffffffff000ULL;
				break;
			}
		}
		table = next;
		d++;
	}
	{
		uint64_t idx = (raw >> pt->shift[d]) & ((1ULL << pt->bits[d]) - 1);
		unsigned int reps = ps > pt->shift[d] ? 1u << (ps - pt->shift[d]) : 1;
		uint64_t v = mt_leaf_entry(pt, d, pa, ps, perms);

		for (unsigned int i = 0; i < reps; i++)
			mt_put(pt->mem, table + (idx + i) * pt->esz, v, pt->esz, pt->be);
	}
	if (pt->exp)
		mt_expect_page(pt->exp, iova, pa, ps, perms);
}

/* Address of the entry at depth d for iova (tables must exist down to d). */
static uint64_t mt_entry_addr(struct mt_pt *pt, uint64_t iova, int depth)
{
	uint64_t raw = iova - pt->offset, table = mt_root(pt);

	for (int d = 0;; d++) {
		uint64_t idx = (raw >> pt->shift[d]) & ((1ULL << pt->bits[d]) - 1);
		uint64_t ea = table + idx * pt->esz, v;

		if (d == depth)
			return ea;
		v = mt_get(pt->mem, ea, pt->esz, pt->be);
		table = pt->kind == MT_RISCV ? (v >> 10 & ((1ULL << 44) - 1)) << 12 :
			pt->kind == MT_V7S ? v & 0xfffffc00 : v & 0x0000fffffffff000ULL;
	}
}

/* ---- scenarios ---- */

struct mt_case {
	char name[48];
	char args[512];
	bool expect;		/* expect/NAME holds the walk's text lines */
	bool raw_ok;		/* the raw image gives the same output */
	int want_rc;		/* expected exit status */
	char *expect_text;
};

struct mt_world {
	struct mt_mem mem;
	struct mt_case cases[160];
	size_t ncases;
	uint64_t next;		/* allocator: per scenario area */
	uint64_t area;
	struct mt_expect exp;
	uint64_t excluded[8];
	size_t nexcluded;
};

static void mt_area(struct mt_world *w)
{
	w->area += 0x100000;
	w->next = w->area;
}

static void mt_exp_begin(struct mt_world *w)
{
	memset(&w->exp, 0, sizeof(w->exp));
	w->exp.f = open_memstream(&w->exp.buf, &w->exp.len);
	fputs("IOVA                PA                  SIZE   PERMS PAGE\n", w->exp.f);
}

__attribute__((format(printf, 5, 6)))
static void mt_case(struct mt_world *w, const char *name, int rc, bool raw_ok, const char *fmt, ...)
{
	struct mt_case *c = &w->cases[w->ncases++];
	va_list ap;

	snprintf(c->name, sizeof(c->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(c->args, sizeof(c->args), fmt, ap);
	va_end(ap);
	c->want_rc = rc;
	c->raw_ok = raw_ok;
}

/* A walk case whose expected output is what the builder recorded. */
__attribute__((format(printf, 3, 4)))
static void mt_case_expect(struct mt_world *w, const char *name, const char *fmt, ...)
{
	struct mt_case *c = &w->cases[w->ncases++];
	va_list ap;

	snprintf(c->name, sizeof(c->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(c->args, sizeof(c->args), fmt, ap);
	va_end(ap);
	mt_flush(&w->exp);
	fclose(w->exp.f);
	c->expect_text = w->exp.buf;
	c->expect = true;
	c->raw_ok = true;
}

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)
#define KiB (1ULL << 10)

static void sc_vtd_sl(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_VTD_SL, 4, &w->exp);
	for (int i = 0; i < 8; i++)
		mt_map(&pt, 0x1000ULL * (uint64_t)i, 0x80000000ULL + 0x1000ULL * (uint64_t)i, 12, MT_R | MT_W);
	mt_map(&pt, 0x8000, 0x90000000, 12, MT_R);
	mt_map(&pt, 0x9000, 0x90001000, 12, MT_R);
	mt_map(&pt, 0xb000, 0x90003000, 12, MT_R);
	mt_map(&pt, 0x200000, 0x40000000, 21, MT_R | MT_W);
	mt_map(&pt, 0x400000, 0x40200000, 21, MT_R | MT_W);
	mt_map(&pt, 0x40000000, 0x100000000ULL, 30, MT_R | MT_W | MT_X);
	mt_map(&pt, 0x7ffffffff000ULL, 0x12345000, 12, MT_W);
	mt_case_expect(w, "vtd-sl", "--format vtd-sl-pte --levels 4 --root 0x%llx",
		       (unsigned long long)pt.root);
	mt_case(w, "vtd-sl-window", 0, true,
		"--format vtd-sl-pte --root 0x%llx --iova 0x3000-0x200fff",
		(unsigned long long)pt.root);
	mt_case(w, "vtd-sl-limit", 1, true, "--format vtd-sl-pte --root 0x%llx --max-tables 3",
		(unsigned long long)pt.root);
	mt_case(w, "T:vtd-sl-4k", 0, true, "--format vtd-sl-pte --root 0x%llx 0x3abc",
		(unsigned long long)pt.root);
	mt_case(w, "T:vtd-sl-1g", 0, true, "--format vtd-sl-pte --root 0x%llx 0x40123456",
		(unsigned long long)pt.root);
	mt_case(w, "T:vtd-sl-np", 3, true, "--format vtd-sl-pte --root 0x%llx 0xa000",
		(unsigned long long)pt.root);
	mt_case(w, "T:vtd-sl-range", 3, true, "--format vtd-sl-pte --root 0x%llx 0x1000000000000",
		(unsigned long long)pt.root);
}

static void sc_x86(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_X86, 4, &w->exp);
	mt_map(&pt, 0x1000, 0xa0000000, 12, MT_R | MT_W | MT_X | MT_U);
	mt_map(&pt, 0x2000, 0xa0001000, 12, MT_R | MT_X | MT_U);
	mt_map(&pt, 0xffff800000000000ULL, 0xb0000000, 12, MT_R | MT_W);
	mt_map(&pt, 0xffffffffc0000000ULL, 0xc0000000, 30, MT_R | MT_W);
	mt_case_expect(w, "vtd-fl", "--format vtd-fl-pte --root 0x%llx", (unsigned long long)pt.root);
	mt_case(w, "T:vtd-fl-high", 0, true, "--format vtd-fl-pte --root 0x%llx 0xffff800000000123",
		(unsigned long long)pt.root);
	mt_case(w, "T:vtd-fl-noncanon", 3, true, "--format vtd-fl-pte --root 0x%llx 0x0000800000000000",
		(unsigned long long)pt.root);

	mt_area(w);
	mt_exp_begin(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_X86, 5, &w->exp);
	mt_map(&pt, 0x5000, 0xc0005000, 12, MT_R | MT_W | MT_X);
	mt_map(&pt, 0x100000000000000ULL, 0xc0200000, 21, MT_R);
	mt_case_expect(w, "amd-v2-5lvl", "--format amd-v2-pte --levels 5 --root 0x%llx",
		       (unsigned long long)pt.root);
}

static void sc_amd_v1(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_AMD_V1, 3, &w->exp);
	mt_map(&pt, 0x0, 0x1000000, 12, MT_R | MT_W);
	mt_map(&pt, 0x10000, 0x2000000, 16, MT_R | MT_W);
	mt_map(&pt, 0x200000, 0x3000000, 21, MT_R);
	mt_map(&pt, 0x800000, 0x4000000, 23, MT_R | MT_W);
	mt_map(&pt, 0x40000000, 0x80000000, 30, MT_W);
	mt_case_expect(w, "amd-v1", "--format amd-v1-pte --levels 3 --root 0x%llx",
		       (unsigned long long)pt.root);
	mt_case(w, "T:amd-v1-64k", 0, true, "--format amd-v1-pte --levels 3 --root 0x%llx 0x1abcd",
		(unsigned long long)pt.root);
	mt_case(w, "T:amd-v1-8m", 0, true, "--format amd-v1-pte --levels 3 --root 0x%llx 0xa12345",
		(unsigned long long)pt.root);
}

static void sc_lpae(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	mt_lpae_init(&pt, &w->mem, &w->next, false, 4096, 48, 0, &w->exp);
	mt_map(&pt, 0x0, 0x50000000, 12, MT_R | MT_W | MT_U);
	mt_map(&pt, 0x1000, 0x50001000, 12, MT_R | MT_X);
	mt_map(&pt, 0x200000, 0x60000000, 21, MT_R | MT_W);
	mt_map(&pt, 0x40000000, 0x140000000ULL, 30, MT_R);
	mt_map(&pt, 0xffff12345000ULL, 0x87654000, 12, MT_R | MT_W);
	mt_case_expect(w, "lpae-s1-4k", "--format arm-lpae-s1 --root 0x%llx", (unsigned long long)pt.root);
	mt_case(w, "T:lpae-s1-4k", 0, true, "--format arm-lpae-s1 --root 0x%llx 0xffff12345678",
		(unsigned long long)pt.root);

	mt_area(w);
	mt_exp_begin(w);
	mt_lpae_init(&pt, &w->mem, &w->next, true, 65536, 40, 0, &w->exp);
	mt_map(&pt, 0x0, 0xd0000000, 16, MT_R | MT_W);
	mt_map(&pt, 0x10000, 0xf123456780000ULL, 16, MT_R | MT_X);
	mt_map(&pt, 0x20000000, 0x100000000ULL, 29, MT_R);
	mt_map(&pt, 0xff00000000ULL, 0xd0010000, 16, MT_W);
	mt_case_expect(w, "lpae-s2-64k", "--format arm-lpae-s2 --granule 64K --ias 40 --root 0x%llx",
		       (unsigned long long)pt.root);
	mt_case(w, "T:lpae-s2-52bit", 0, true,
		"--format arm-lpae-s2 --granule 64K --ias 40 --root 0x%llx 0x1abcd",
		(unsigned long long)pt.root);

	mt_area(w);
	mt_exp_begin(w);
	mt_lpae_init(&pt, &w->mem, &w->next, false, 16384, 36, 0, &w->exp);
	mt_map(&pt, 0x4000, 0x80004000, 14, MT_R | MT_W);
	mt_map(&pt, 0x8000, 0x80008000, 14, MT_R | MT_W);
	mt_map(&pt, 0x2000000, 0x100000000ULL, 25, MT_R);
	mt_case_expect(w, "lpae-s1-16k", "--format arm-lpae-s1 --granule 16K --ias 36 --root 0x%llx",
		       (unsigned long long)pt.root);
}

static void sc_v7s(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	mt_v7s_init(&pt, &w->mem, &w->next, false, &w->exp);
	mt_map(&pt, 0x4000, 0x45678000, 12, MT_R | MT_W);
	mt_map(&pt, 0x10000, 0x90000000, 16, MT_R | MT_W | MT_U);
	mt_map(&pt, 0x100000, 0x80100000, 20, MT_R | MT_W | MT_X);
	mt_map(&pt, 0x1000000, 0x20000000, 24, MT_R);
	mt_case_expect(w, "v7s", "--format arm-v7s --root 0x%llx", (unsigned long long)pt.root);
	mt_case(w, "T:v7s-large", 0, true, "--format arm-v7s --root 0x%llx 0x1abcd",
		(unsigned long long)pt.root);

	mt_area(w);
	mt_exp_begin(w);
	mt_v7s_init(&pt, &w->mem, &w->next, true, &w->exp);
	mt_map(&pt, 0x1000, 0x245678000ULL, 12, MT_R | MT_W | MT_X);
	mt_map(&pt, 0x2000, 0x140000000ULL, 12, MT_R | MT_W);
	mt_map(&pt, 0x200000, 0x180000000ULL, 20, MT_R | MT_W | MT_X);
	mt_case_expect(w, "v7s-mtk", "--format arm-v7s --mtk-ext --root 0x%llx",
		       (unsigned long long)pt.root);
	mt_case(w, "T:v7s-mtk", 0, true, "--format arm-v7s --mtk-ext --root 0x%llx 0x1234",
		(unsigned long long)pt.root);
}

static void sc_tce(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	/* 64 MiB window of 4 KiB TCEs: one table of 16384 entries. */
	mt_tce_init(&pt, &w->mem, &w->next, 1, 12, 14, 14, 0, &w->exp);
	mt_map(&pt, 0x0, 0x80000000, 12, MT_R | MT_W);
	mt_map(&pt, 0x1000, 0x80001000, 12, MT_R | MT_W);
	mt_map(&pt, 0x5000, 0x1234000, 12, MT_R);
	mt_map(&pt, 0x3fff000, 0x9000, 12, MT_W);
	mt_case_expect(w, "tce-1", "--format ppc-tce --window-size 64M --root 0x%llx",
		       (unsigned long long)pt.root);

	mt_area(w);
	mt_exp_begin(w);
	/* 1 TiB window of 64 KiB TCEs at bus 8<<56... two levels of 8192 (formats.md P3). */
	mt_tce_init(&pt, &w->mem, &w->next, 2, 16, 13, 11, 0x800000000000000ULL, &w->exp);
	mt_map(&pt, 0x800000000000000ULL, 0x1000000, 16, MT_R | MT_W);
	mt_map(&pt, 0x800000801230000ULL, 0x200010000ULL, 16, MT_R);
	mt_case_expect(w, "tce-2",
		       "--format ppc-tce --levels 2 --page-shift 16 --window-size 1T --bus-offset 0x800000000000000 --kernel-page-size 64K --root 0x%llx",
		       (unsigned long long)pt.root);
	mt_case(w, "T:tce-2", 0, true,
		"--format ppc-tce --levels 2 --page-shift 16 --window-size 1T --bus-offset 0x800000000000000 --kernel-page-size 64K --root 0x%llx 0x800000801234567",
		(unsigned long long)pt.root);
	mt_case(w, "T:tce-2-below", 3, true,
		"--format ppc-tce --levels 2 --page-shift 16 --window-size 1T --bus-offset 0x800000000000000 --kernel-page-size 64K --root 0x%llx 0x1000",
		(unsigned long long)pt.root);
}

static void sc_riscv(struct mt_world *w)
{
	struct mt_pt pt;

	mt_area(w);
	mt_exp_begin(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_RISCV, 3, &w->exp);
	mt_map(&pt, 0x1000, 0x80201000, 12, MT_R | MT_W | MT_U);
	mt_map(&pt, 0x10000, 0x81000000, 16, MT_R | MT_X);
	mt_map(&pt, 0x200000, 0x80400000, 21, MT_R | MT_W | MT_X);
	mt_map(&pt, 0xffffffffc0000000ULL, 0x40000000, 30, MT_R);
	mt_case_expect(w, "riscv-sv39", "--format riscv-pte --levels 3 --root 0x%llx",
		       (unsigned long long)pt.root);
	mt_case(w, "T:riscv-napot", 0, true, "--format riscv-pte --root 0x%llx 0x1f00f",
		(unsigned long long)pt.root);

	mt_area(w);
	mt_exp_begin(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_RISCV, 4, &w->exp);
	pt.be = true;
	mt_map(&pt, 0x2000, 0x1000, 12, MT_R | MT_W);
	mt_map(&pt, 0x7fff00000000ULL, 0x2000, 12, MT_R);
	mt_case_expect(w, "riscv-sv48-be", "--format riscv-pte --levels 4 --big-endian --root 0x%llx",
		       (unsigned long long)pt.root);
}

/* ---- hierarchies ---- */

static void sc_vtd_legacy(struct mt_world *w)
{
	struct mt_pt a, b;
	uint64_t root, ctx0, ctx1;

	mt_area(w);
	root = w->next;
	mt_zero(&w->mem, root, 4096);
	ctx0 = root + 0x1000;
	ctx1 = root + 0x2000;
	mt_zero(&w->mem, ctx0, 0x2000);
	w->next = root + 0x3000;
	mt_put(&w->mem, root + 0 * 16, ctx0 | 1, 8, false);
	mt_put(&w->mem, root + 1 * 16, ctx1 | 1, 8, false);
	mt_pt_init(&a, &w->mem, &w->next, MT_VTD_SL, 4, NULL);
	mt_map(&a, 0xfee00000ULL - 0x1000, 0x7f000000, 12, MT_R | MT_W);
	mt_map(&a, 0x100000, 0x7e000000, 21, MT_R);
	mt_pt_init(&b, &w->mem, &w->next, MT_VTD_SL, 3, NULL);
	mt_map(&b, 0x3000, 0x7d000000, 12, MT_R | MT_W);
	/* 00:03.0: TT 0, AW 2 (4-level), DID 5 */
	mt_put(&w->mem, ctx0 + 0x18 * 16, mt_root(&a) | 1, 8, false);
	mt_put(&w->mem, ctx0 + 0x18 * 16 + 8, 2 | 5ULL << 8, 8, false);
	/* 00:04.0: pass-through */
	mt_put(&w->mem, ctx0 + 0x20 * 16, 1 | 2 << 2, 8, false);
	mt_put(&w->mem, ctx0 + 0x20 * 16 + 8, 2 | 6ULL << 8, 8, false);
	/* 01:00.0: AW 1 (3-level) */
	mt_put(&w->mem, ctx1 + 0, mt_root(&b) | 1, 8, false);
	mt_put(&w->mem, ctx1 + 8, 1 | 7ULL << 8, 8, false);
	/* 01:00.1: same table as 00:03.0 */
	mt_put(&w->mem, ctx1 + 16, mt_root(&a) | 1, 8, false);
	mt_put(&w->mem, ctx1 + 24, 2 | 5ULL << 8, 8, false);
	mt_case(w, "vtd-legacy-dev", 0, true, "--format vtd --rtaddr 0x%llx --dev 00:03.0",
		(unsigned long long)root);
	mt_case(w, "vtd-legacy-all", 0, true, "--format vtd --rtaddr 0x%llx --all-devices",
		(unsigned long long)root);
	mt_case(w, "T:vtd-legacy", 0, true, "--format vtd --rtaddr 0x%llx --dev 00:03.0 0xfedff010",
		(unsigned long long)root);
	mt_case(w, "T:vtd-legacy-pt", 0, true, "--format vtd --rtaddr 0x%llx --dev 00:04.0 0x1234",
		(unsigned long long)root);
	mt_case(w, "T:vtd-legacy-3lvl", 0, true, "--format vtd --rtaddr 0x%llx --dev 01:00.0 0x3008",
		(unsigned long long)root);
	mt_case(w, "T:vtd-legacy-nodev", 3, true, "--format vtd --rtaddr 0x%llx --dev 00:05.0 0x1000",
		(unsigned long long)root);
	mt_case(w, "T:vtd-legacy-nobus", 3, true, "--format vtd --rtaddr 0x%llx --dev 02:00.0 0x1000",
		(unsigned long long)root);
}

static void sc_vtd_sm(struct mt_world *w)
{
	struct mt_pt sl, fl;
	uint64_t root, ctxl, ctxu, dir, ptab;

	mt_area(w);
	root = w->next;
	ctxl = root + 0x1000;
	ctxu = root + 0x2000;
	dir = root + 0x3000;
	ptab = root + 0x4000;
	mt_zero(&w->mem, root, 0x5000);
	w->next = root + 0x5000;
	mt_put(&w->mem, root, ctxl | 1, 8, false);
	mt_put(&w->mem, root + 8, ctxu | 1, 8, false);
	mt_pt_init(&sl, &w->mem, &w->next, MT_VTD_SL, 4, NULL);
	mt_map(&sl, 0x10000, 0x60000000, 12, MT_R | MT_W);
	mt_map(&sl, 0x11000, 0x60001000, 12, MT_R | MT_W);
	mt_pt_init(&fl, &w->mem, &w->next, MT_X86, 4, NULL);
	mt_map(&fl, 0x20000, 0x61000000, 12, MT_R | MT_W | MT_U);
	/* 00:02.0 (devfn 0x10, lower table): PASIDE, PDTS 0, RID_PASID 0 */
	mt_put(&w->mem, ctxl + 0x10 * 32, dir | 1 | 8, 8, false);
	/* 00:10.0 (devfn 0x80, upper table): same directory */
	mt_put(&w->mem, ctxu + 0 * 32, dir | 1 | 8, 8, false);
	mt_put(&w->mem, dir, ptab | 1, 8, false);
	/* PASID 0: second stage, AW 2; PASID 1: first stage 4-level; 2: nested; 3: pass-through */
	mt_put(&w->mem, ptab + 0 * 64, mt_root(&sl) | 1 | 2 << 2 | 2 << 6, 8, false);
	mt_put(&w->mem, ptab + 0 * 64 + 8, 9, 8, false);
	mt_put(&w->mem, ptab + 1 * 64, 1 | 2 << 2 | 1 << 6, 8, false);
	mt_put(&w->mem, ptab + 1 * 64 + 16, mt_root(&fl), 8, false);
	mt_put(&w->mem, ptab + 2 * 64, mt_root(&sl) | 1 | 2 << 2 | 3 << 6, 8, false);
	mt_put(&w->mem, ptab + 2 * 64 + 16, mt_root(&fl), 8, false);
	mt_put(&w->mem, ptab + 3 * 64, 1 | 4 << 6, 8, false);
	/* PASID 4: reserved bits set (q0 bit 10) */
	mt_put(&w->mem, ptab + 4 * 64, mt_root(&sl) | 1 | 2 << 2 | 2 << 6 | 1 << 10, 8, false);
	mt_case(w, "vtd-sm-rid", 0, true, "--format vtd --scalable --rtaddr 0x%llx --dev 00:02.0",
		(unsigned long long)root);
	mt_case(w, "vtd-sm-pasid1", 0, true,
		"--format vtd --scalable --rtaddr 0x%llx --dev 00:02.0 --pasid 1", (unsigned long long)root);
	mt_case(w, "vtd-sm-all", 1, true, "--format vtd --scalable --rtaddr 0x%llx --all-devices",
		(unsigned long long)root);
	mt_case(w, "T:vtd-sm-fl", 0, true,
		"--format vtd --scalable --rtaddr 0x%llx --dev 00:02.0 --pasid 1 0x20008",
		(unsigned long long)root);
	mt_case(w, "T:vtd-sm-nested", 0, true,
		"--format vtd --scalable --rtaddr 0x%llx --dev 00:02.0 --pasid 2 0x11008",
		(unsigned long long)root);
	mt_case(w, "T:vtd-sm-pt", 0, true,
		"--format vtd --scalable --rtaddr 0x%llx --dev 00:10.0 --pasid 3 0x11008",
		(unsigned long long)root);
	mt_case(w, "T:vtd-sm-rsvd", 3, true,
		"--format vtd --scalable --rtaddr 0x%llx --dev 00:02.0 --pasid 4 0x11008",
		(unsigned long long)root);
	mt_case(w, "T:vtd-sm-nopasid", 3, true,
		"--format vtd --scalable --rtaddr 0x%llx --dev 00:02.0 --pasid 70 0x11008",
		(unsigned long long)root);
}

static void sc_smmu(struct mt_world *w)
{
	struct mt_pt s1, s2, s1b, s1c;
	uint64_t st, cd, l1, l2, l1cd, cdt;

	/* linear, 32 STEs */
	mt_area(w);
	st = w->next;
	cd = st + 0x800;
	mt_zero(&w->mem, st, 0x1000);
	w->next = st + 0x1000;
	mt_lpae_init(&s1, &w->mem, &w->next, false, 4096, 48, 0, NULL);
	mt_map(&s1, 0x8000000, 0x70000000, 12, MT_R | MT_W | MT_U);
	mt_map(&s1, 0x8001000, 0x70001000, 12, MT_R | MT_W | MT_U);
	mt_lpae_init(&s2, &w->mem, &w->next, true, 4096, 40, 3, NULL);
	mt_map(&s2, 0x1000, 0x71000000, 12, MT_R | MT_W);
	mt_map(&s2, 0x8000000000ULL, 0x72000000, 21, MT_R);
	/* SID 1: stage 1, one CD */
	mt_put(&w->mem, st + 1 * 64, 1 | 5 << 1 | cd, 8, false);
	mt_put(&w->mem, cd, 16 | 0ULL << 6 | 1ULL << 31 | 5ULL << 32 | 1ULL << 41 | 0x42ULL << 48, 8, false);
	mt_put(&w->mem, cd + 8, mt_root(&s1), 8, false);
	/* SID 2: stage 2, T0SZ 24, SL0 1 (level 1, two concatenated tables) */
	mt_put(&w->mem, st + 2 * 64, 1 | 6 << 1, 8, false);
	mt_put(&w->mem, st + 2 * 64 + 16, 3 | 24ULL << 32 | 1ULL << 38 | 2ULL << 48 | 1ULL << 51, 8, false);
	mt_put(&w->mem, st + 2 * 64 + 24, mt_root(&s2), 8, false);
	/* SID 3: bypass; SID 4: abort */
	mt_put(&w->mem, st + 3 * 64, 1 | 4 << 1, 8, false);
	mt_put(&w->mem, st + 4 * 64, 1, 8, false);
	mt_case(w, "smmuv3-s1", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --sid 1",
		(unsigned long long)st);
	mt_case(w, "smmuv3-s2", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --sid 2",
		(unsigned long long)st);
	mt_case(w, "smmuv3-linear-all", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --all-devices",
		(unsigned long long)st);
	mt_case(w, "T:smmuv3-s2", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --sid 2 0x8000012345",
		(unsigned long long)st);
	mt_case(w, "T:smmuv3-bypass", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --sid 3 0x1000",
		(unsigned long long)st);
	mt_case(w, "T:smmuv3-abort", 3, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --sid 4 0x1000",
		(unsigned long long)st);
	mt_case(w, "T:smmuv3-beyond", 3, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 5 --sid 40 0x1000",
		(unsigned long long)st);

	/* two-level: LOG2SIZE 16, SPLIT 8; SID 0x1234 with a 2-level CD table */
	mt_area(w);
	l1 = w->next;
	l2 = l1 + 0x1000;
	l1cd = l2 + 0x4000;
	cdt = l1cd + 0x1000;
	mt_zero(&w->mem, l1, 0x1000 + 0x4000 + 0x1000 + 0x10000);
	w->next = cdt + 0x10000;
	mt_lpae_init(&s1b, &w->mem, &w->next, false, 65536, 42, 0, NULL);
	mt_map(&s1b, 0x30000, 0x73000000, 16, MT_R | MT_W);
	mt_lpae_init(&s1c, &w->mem, &w->next, false, 16384, 36, 0, NULL);
	mt_map(&s1c, 0x4000, 0x74000000, 14, MT_R);
	mt_put(&w->mem, l1 + 0x12 * 8, l2 | 9, 8, false);
	mt_put(&w->mem, l2 + 0x34 * 64, 1 | 5 << 1 | 2 << 4 | l1cd | 10ULL << 59, 8, false);
	mt_put(&w->mem, l2 + 0x34 * 64 + 8, 2, 8, false);
	mt_put(&w->mem, l1cd, cdt | 1, 8, false);
	mt_put(&w->mem, cdt + 0 * 64, 22 | 1ULL << 6 | 1ULL << 31 | 1ULL << 41, 8, false);
	mt_put(&w->mem, cdt + 0 * 64 + 8, mt_root(&s1b), 8, false);
	mt_put(&w->mem, cdt + 5 * 64, 28 | 2ULL << 6 | 1ULL << 31 | 1ULL << 41, 8, false);
	mt_put(&w->mem, cdt + 5 * 64 + 8, mt_root(&s1c), 8, false);
	mt_case(w, "smmuv3-2lvl", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 0x10210 --sid 0x1234",
		(unsigned long long)l1);
	mt_case(w, "smmuv3-2lvl-ssid", 0, true,
		"--format smmuv3 --strtab 0x%llx --strtab-cfg 0x10210 --sid 0x1234 --ssid 5",
		(unsigned long long)l1);
	mt_case(w, "smmuv3-2lvl-all", 0, true, "--format smmuv3 --strtab 0x%llx --strtab-cfg 0x10210 --all-devices",
		(unsigned long long)l1);
	mt_case(w, "T:smmuv3-2lvl-ssid", 0, true,
		"--format smmuv3 --strtab 0x%llx --strtab-cfg 0x10210 --sid 0x1234 --ssid 5 0x5678",
		(unsigned long long)l1);
	mt_case(w, "T:smmuv3-2lvl-nol2", 3, true,
		"--format smmuv3 --strtab 0x%llx --strtab-cfg 0x10210 --sid 0x1334 0x5678",
		(unsigned long long)l1);
}

static void dte_set_gcr3(uint64_t *q, uint64_t g)
{
	q[0] |= (g >> 12 & 7) << 58;
	q[1] |= (g >> 15 & 0xffff) << 16 | (g >> 31 & 0x1fffff) << 43;
}

static void sc_amd(struct mt_world *w)
{
	struct mt_pt v1, v2a, v2b;
	uint64_t dt, gcr3, q[4];

	mt_area(w);
	dt = w->next;
	gcr3 = dt + 0x2000;
	mt_zero(&w->mem, dt, 0x3000);
	w->next = dt + 0x3000;
	mt_pt_init(&v1, &w->mem, &w->next, MT_AMD_V1, 3, NULL);
	mt_map(&v1, 0x1000, 0x75000000, 12, MT_R | MT_W);
	mt_map(&v1, 0x2000, 0x75001000, 12, MT_R | MT_W);
	mt_pt_init(&v2a, &w->mem, &w->next, MT_X86, 4, NULL);
	mt_map(&v2a, 0x7000, 0x76000000, 12, MT_R | MT_W | MT_X);
	mt_pt_init(&v2b, &w->mem, &w->next, MT_X86, 4, NULL);
	mt_map(&v2b, 0x9000, 0x77000000, 12, MT_R | MT_U);
	/* 00:03.0: Mode 3, IR=1 IW=0 (read-only through the DTE) */
	mt_put(&w->mem, dt + 0x18 * 32, 3 | 3 << 9 | mt_root(&v1) | 1ULL << 61, 8, false);
	mt_put(&w->mem, dt + 0x18 * 32 + 8, 3, 8, false);
	/* 00:05.0: Mode 0, GV, GIoV, GLX 0, GCR3 */
	memset(q, 0, sizeof(q));
	q[0] = 3 | 1ULL << 54 | 1ULL << 55 | 3ULL << 61;
	q[1] = 4;
	dte_set_gcr3(q, gcr3);
	for (int i = 0; i < 4; i++)
		mt_put(&w->mem, dt + 0x28 * 32 + 8 * (uint64_t)i, q[i], 8, false);
	mt_put(&w->mem, gcr3 + 0 * 8, mt_root(&v2a) | 1, 8, false);
	mt_put(&w->mem, gcr3 + 7 * 8, mt_root(&v2b) | 1, 8, false);
	/* 00:06.0: Mode 0: no translation */
	mt_put(&w->mem, dt + 0x30 * 32, 3 | 3ULL << 61, 8, false);
	mt_case(w, "amd-dev", 0, true, "--format amd --dte-base 0x%llx --dte-count 256 --dev 00:03.0",
		(unsigned long long)dt);
	mt_case(w, "amd-v2-dma", 0, true, "--format amd --dte-base 0x%llx --dte-count 256 --dev 00:05.0",
		(unsigned long long)dt);
	mt_case(w, "amd-pasid", 0, true,
		"--format amd --dte-base 0x%llx --dte-count 256 --dev 00:05.0 --pasid 7",
		(unsigned long long)dt);
	mt_case(w, "amd-all", 0, true, "--format amd --dte-base 0x%llx --dte-count 256 --all-devices",
		(unsigned long long)dt);
	mt_case(w, "T:amd-v1", 0, true, "--format amd --dte-base 0x%llx --dte-count 256 --dev 00:03.0 0x2468",
		(unsigned long long)dt);
	mt_case(w, "T:amd-gcr3", 0, true,
		"--format amd --dte-base 0x%llx --dte-count 256 --dev 00:05.0 --pasid 7 0x9abc",
		(unsigned long long)dt);
	mt_case(w, "T:amd-mode0", 0, true, "--format amd --dte-base 0x%llx --dte-count 256 --dev 00:06.0 0x9abc",
		(unsigned long long)dt);
	mt_case(w, "T:amd-nopasid", 3, true,
		"--format amd --dte-base 0x%llx --dte-count 256 --dev 00:05.0 --pasid 8 0x9abc",
		(unsigned long long)dt);
}

static uint64_t rv_ppn(uint64_t pa)
{
	return pa >> 12 << 10;
}

static void sc_riscv_hier(struct mt_world *w)
{
	struct mt_pt a, b, c;
	uint64_t ddt, ddt1, pdt, ddt3, ddt3b, ddt3c;

	/* 2-level DDT, base DCs */
	mt_area(w);
	ddt = w->next;
	ddt1 = ddt + 0x1000;
	pdt = ddt + 0x3000;
	mt_zero(&w->mem, ddt, 0x4000);
	w->next = ddt + 0x4000;
	mt_pt_init(&a, &w->mem, &w->next, MT_RISCV, 3, NULL);
	mt_map(&a, 0x4000, 0x78000000, 12, MT_R | MT_W);
	mt_pt_init(&b, &w->mem, &w->next, MT_RISCV, 4, NULL);
	mt_map(&b, 0x5000, 0x79000000, 12, MT_R);
	mt_put(&w->mem, ddt + 0 * 8, rv_ppn(ddt1) | 1, 8, false);
	mt_put(&w->mem, ddt + 2 * 8, rv_ppn(ddt + 0x2000) | 1, 8, false);
	/* 00:03.0 (id 0x18): iosatp Sv39 */
	mt_put(&w->mem, ddt1 + 0x18 * 32, 1, 8, false);
	mt_put(&w->mem, ddt1 + 0x18 * 32 + 24, 8ULL << 60 | mt_root(&a) >> 12, 8, false);
	/* 01:05.0 (id 0x128): PDTV, PD8; PID 3 -> Sv48, PID 5 -> Bare */
	mt_put(&w->mem, ddt + 0x2000 + 0x28 * 32, 1 | 1 << 5, 8, false);
	mt_put(&w->mem, ddt + 0x2000 + 0x28 * 32 + 24, 1ULL << 60 | pdt >> 12, 8, false);
	mt_put(&w->mem, pdt + 3 * 16, 1 | 1 << 1, 8, false);
	mt_put(&w->mem, pdt + 3 * 16 + 8, 9ULL << 60 | mt_root(&b) >> 12, 8, false);
	mt_put(&w->mem, pdt + 5 * 16, 1, 8, false);
	mt_case(w, "riscv-dev", 0, true, "--format riscv --ddtp 0x%llx --dev 00:03.0",
		(unsigned long long)(rv_ppn(ddt) | 3));
	mt_case(w, "riscv-pdt", 0, true, "--format riscv --ddtp 0x%llx --dev 01:05.0 --pasid 3",
		(unsigned long long)(rv_ppn(ddt) | 3));
	mt_case(w, "riscv-all", 0, true, "--format riscv --ddtp 0x%llx --all-devices",
		(unsigned long long)(rv_ppn(ddt) | 3));
	mt_case(w, "T:riscv-pdt", 0, true, "--format riscv --ddtp 0x%llx --dev 01:05.0 --pasid 3 0x5010",
		(unsigned long long)(rv_ppn(ddt) | 3));
	mt_case(w, "T:riscv-nopid", 0, true, "--format riscv --ddtp 0x%llx --dev 01:05.0 0x5010",
		(unsigned long long)(rv_ppn(ddt) | 3));
	mt_case(w, "T:riscv-bare-pid", 0, true, "--format riscv --ddtp 0x%llx --dev 01:05.0 --pasid 5 0x5010",
		(unsigned long long)(rv_ppn(ddt) | 3));

	/* 3-level DDT, extended DCs, device 0x12a5 -> Sv57 */
	mt_area(w);
	ddt3 = w->next;
	ddt3b = ddt3 + 0x1000;
	ddt3c = ddt3 + 0x2000;
	mt_zero(&w->mem, ddt3, 0x3000);
	w->next = ddt3 + 0x3000;
	mt_pt_init(&c, &w->mem, &w->next, MT_RISCV, 5, NULL);
	mt_map(&c, 0xff00000000000000ULL, 0x7a000000, 12, MT_R | MT_W);
	mt_put(&w->mem, ddt3 + 0 * 8, rv_ppn(ddt3b) | 1, 8, false);
	mt_put(&w->mem, ddt3b + 0x4a * 8, rv_ppn(ddt3c) | 1, 8, false);
	mt_put(&w->mem, ddt3c + 0x25 * 64, 1, 8, false);
	mt_put(&w->mem, ddt3c + 0x25 * 64 + 24, 10ULL << 60 | mt_root(&c) >> 12, 8, false);
	mt_case(w, "riscv-ext-3lvl", 0, true, "--format riscv --ddtp 0x%llx --ext-dc --dev 0x12a5",
		(unsigned long long)(rv_ppn(ddt3) | 4));
	mt_case(w, "T:riscv-ext-3lvl", 0, true,
		"--format riscv --ddtp 0x%llx --ext-dc --dev 0x12a5 0xff00000000000042",
		(unsigned long long)(rv_ppn(ddt3) | 4));
}

/* ---- hostile tables ---- */

static void sc_hostile(struct mt_world *w)
{
	struct mt_pt pt;
	uint64_t r, a, b, leaf, far = 0x7000000000ULL;

	/* a level-4 table whose entry 1 points to itself */
	mt_area(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_VTD_SL, 4, NULL);
	mt_map(&pt, 0x1000, 0x50000000, 12, MT_R | MT_W);
	r = mt_root(&pt);
	mt_put(&w->mem, r + 8, r | 3, 8, false);
	mt_case(w, "h-self", 1, true, "--format vtd-sl-pte --root 0x%llx", (unsigned long long)r);
	mt_case(w, "T:h-self", 3, true, "--format vtd-sl-pte --root 0x%llx 0x8000000000",
		(unsigned long long)r);

	/* two tables pointing at each other: A (L4)[0] -> B (L3)[0] -> A */
	mt_area(w);
	a = w->next;
	b = a + 0x1000;
	leaf = a + 0x2000;
	mt_zero(&w->mem, a, 0x3000);
	w->next = a + 0x3000;
	mt_put(&w->mem, a, b | 3, 8, false);
	mt_put(&w->mem, b, a | 3, 8, false);
	mt_put(&w->mem, b + 8, leaf | 3, 8, false);
	mt_put(&w->mem, leaf + 0x10 * 8, 0x51000000 | 3 | 0x80, 8, false);
	mt_case(w, "h-mutual", 1, true, "--format vtd-sl-pte --root 0x%llx --levels 4 --iova 0-0x7fffffffff",
		(unsigned long long)a);
	mt_case(w, "T:h-mutual", 3, true, "--format vtd-sl-pte --root 0x%llx 0x1000", (unsigned long long)a);

	/* entries pointing outside the dump, mappings on both sides */
	mt_area(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_VTD_SL, 4, NULL);
	mt_map(&pt, 0x1000, 0x52000000, 12, MT_R | MT_W);
	mt_map(&pt, 0x600000, 0x52600000, 12, MT_R | MT_W);
	mt_put(&w->mem, mt_entry_addr(&pt, 0x200000, 2), far | 3, 8, false);
	mt_put(&w->mem, mt_entry_addr(&pt, 0x400000, 2), (far + 0x1000) | 3, 8, false);
	mt_case(w, "h-outside", 1, false, "--format vtd-sl-pte --root 0x%llx", (unsigned long long)pt.root);
	mt_case(w, "T:h-outside", 1, false, "--format vtd-sl-pte --root 0x%llx 0x200000",
		(unsigned long long)pt.root);

	/* a leaf table in an excluded page, in the middle of mappings */
	mt_area(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_VTD_SL, 4, NULL);
	mt_map(&pt, 0x0, 0x53000000, 12, MT_R | MT_W);
	mt_map(&pt, 0x200000, 0x53200000, 12, MT_R | MT_W);
	mt_map(&pt, 0x400000, 0x53400000, 12, MT_R | MT_W);
	{
		uint64_t ex = mt_entry_addr(&pt, 0x200000, 3) & ~0xfffULL;
		struct mt_page *p = mt_find(&w->mem, ex);

		free(p->data);
		p->data = NULL;
		w->excluded[w->nexcluded++] = ex;
	}
	mt_case(w, "h-excluded", 1, false, "--format vtd-sl-pte --root 0x%llx", (unsigned long long)pt.root);
	mt_case(w, "T:h-excluded", 1, false, "--format vtd-sl-pte --root 0x%llx 0x200000",
		(unsigned long long)pt.root);

	/* a shared level-2 table under two level-3 entries, and a malformed AMD PDE */
	mt_area(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_VTD_SL, 4, NULL);
	mt_map(&pt, 0x1000, 0x54000000, 12, MT_R | MT_W);
	mt_put(&w->mem, mt_entry_addr(&pt, 0x40000000, 1), mt_get(&w->mem, mt_entry_addr(&pt, 0, 1), 8, false),
	       8, false);
	mt_case(w, "h-shared", 0, true, "--format vtd-sl-pte --root 0x%llx", (unsigned long long)pt.root);
	mt_case(w, "h-shared-expand", 0, true, "--format vtd-sl-pte --root 0x%llx --expand-shared",
		(unsigned long long)pt.root);
	mt_case(w, "T:h-shared", 0, true, "--format vtd-sl-pte --root 0x%llx 0x40001000",
		(unsigned long long)pt.root);
	/* reserved bit 62 in a PTE: walk lists it, translate stops */
	mt_map(&pt, 0x2000, 0x54001000, 12, MT_R | MT_W);
	mt_put(&w->mem, mt_entry_addr(&pt, 0x2000, 3),
	       mt_get(&w->mem, mt_entry_addr(&pt, 0x2000, 3), 8, false) | 1ULL << 62, 8, false);
	mt_case(w, "T:h-rsvd", 3, true, "--format vtd-sl-pte --root 0x%llx 0x2000",
		(unsigned long long)pt.root);

	mt_area(w);
	mt_pt_init(&pt, &w->mem, &w->next, MT_AMD_V1, 3, NULL);
	mt_map(&pt, 0x1000, 0x55000000, 12, MT_R | MT_W);
	mt_put(&w->mem, mt_root(&pt) + 8, (mt_root(&pt) + 0x1000) | 1 | 3 << 9 | 3ULL << 61, 8, false);
	mt_case(w, "h-bad", 1, true, "--format amd-v1-pte --levels 3 --root 0x%llx",
		(unsigned long long)pt.root);
	mt_case(w, "T:h-bad", 3, true, "--format amd-v1-pte --levels 3 --root 0x%llx 0x40000000",
		(unsigned long long)pt.root);
}

static void mt_build(struct mt_world *w)
{
	w->area = 0x1000000;
	sc_vtd_sl(w);
	sc_x86(w);
	sc_amd_v1(w);
	sc_lpae(w);
	sc_v7s(w);
	sc_tce(w);
	sc_riscv(w);
	sc_vtd_legacy(w);
	sc_vtd_sm(w);
	sc_smmu(w);
	sc_amd(w);
	sc_riscv_hier(w);
	sc_hostile(w);
}

static int page_cmp(const void *x, const void *y)
{
	const struct mt_page *a = x, *b = y;

	return a->pa < b->pa ? -1 : a->pa > b->pa;
}

/* Hand the image to mkdump: runs of contiguous pages become one extent. */
static struct mkdump *mt_to_mkdump(struct mt_mem *m)
{
	struct mkdump *d = mkdump_new();

	qsort(m->p, m->n, sizeof(*m->p), page_cmp);
	m->hint = 0;
	for (size_t i = 0; i < m->n;) {
		size_t j = i + 1;

		if (!m->p[i].data) {
			if (mkdump_exclude(d, m->p[i].pa, MT_PAGE))
				abort();
			i++;
			continue;
		}
		while (j < m->n && m->p[j].data && m->p[j].pa == m->p[j - 1].pa + MT_PAGE)
			j++;
		{
			uint8_t *buf = malloc((j - i) * MT_PAGE);

			for (size_t k = i; k < j; k++)
				memcpy(buf + (k - i) * MT_PAGE, m->p[k].data, MT_PAGE);
			if (mkdump_bytes(d, m->p[i].pa, buf, (j - i) * MT_PAGE))
				abort();
			free(buf);
		}
		i = j;
	}
	return d;
}

#ifndef MKTABLES_NO_MAIN
static void mt_write(struct mkdump *d, const char *dir, const char *name, enum mkdump_format f,
		     enum mkdump_comp c)
{
	struct mkdump_opts o = { .format = f, .comp = c, .incomplete = -1 };
	char path[4096], *why = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mkdump_write(d, &o, path, &why)) {
		fprintf(stderr, "mktables: %s: %s\n", path, why ? why : "write failed");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static struct mt_world w;
	struct mkdump *d;
	char path[4096];
	FILE *f;

	if (argc != 2) {
		fputs("usage: mktables DIR\n", stderr);
		return 2;
	}
	mkdir(argv[1], 0755);
	mt_build(&w);
	d = mt_to_mkdump(&w.mem);
	mt_write(d, argv[1], "mem.elf", MKDUMP_ELF, MKDUMP_COMP_NONE);
	mt_write(d, argv[1], "mem.raw", MKDUMP_RAW, MKDUMP_COMP_NONE);
	mt_write(d, argv[1], "mem-none.kdump", MKDUMP_KDUMP, MKDUMP_COMP_NONE);
	mt_write(d, argv[1], "mem-zlib.kdump", MKDUMP_KDUMP, MKDUMP_COMP_ZLIB);
	mt_write(d, argv[1], "mem-lzo.kdump", MKDUMP_KDUMP, MKDUMP_COMP_LZO);
	mt_write(d, argv[1], "mem-snappy.kdump", MKDUMP_KDUMP, MKDUMP_COMP_SNAPPY);
	mt_write(d, argv[1], "mem-zstd.kdump", MKDUMP_KDUMP, MKDUMP_COMP_ZSTD);
	mkdump_free(d);
	snprintf(path, sizeof(path), "%s/cases", argv[1]);
	f = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/expect", argv[1]);
	mkdir(path, 0755);
	for (size_t i = 0; i < w.ncases; i++) {
		struct mt_case *c = &w.cases[i];

		fprintf(f, "%s\t%d\t%s\t%s\n", c->name, c->want_rc, c->raw_ok ? "raw" : "-", c->args);
		if (c->expect) {
			FILE *e;

			snprintf(path, sizeof(path), "%s/expect/%s", argv[1], c->name);
			e = fopen(path, "w");
			fputs(c->expect_text, e);
			fclose(e);
		}
	}
	fclose(f);
	return 0;
}
#endif
