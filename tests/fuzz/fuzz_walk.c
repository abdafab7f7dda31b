/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the page-table walker: arbitrary bytes become
 * physical memory at address 0 (the last 4 KiB page that fits reads as
 * excluded), the first bytes choose a page-table format, its geometry, the
 * root and a hierarchy configuration; then walk_run(), walk_translate(),
 * walk_hier_resolve() and walk_hier_enum() run with small table caps, and
 * roots_find() looks for every family's root tables in the memory.
 * Checks: no crash, ranges ascend and do not overlap, caps hold.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/roots.h"
#include "decode/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_mem {
	const uint8_t *p;
	size_t n;
	uint64_t excl;		/* this page reads as excluded */
};

static int fz_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	const struct fz_mem *m = priv;

	if (pa >= m->n || len > m->n - pa) {
		if (fault)
			*fault = pa < m->n ? m->n : pa;
		return -ENXIO;
	}
	if (pa < m->excl + 4096 && pa + len > m->excl) {
		if (fault)
			*fault = pa > m->excl ? pa : m->excl;
		return -ENODATA;
	}
	memcpy(buf, m->p + pa, len);
	return 0;
}

/* In place, as a mapped dump serves tables; what fz_read would refuse is -EAGAIN. */
static int fz_peek(void *priv, uint64_t pa, size_t len, const void **p)
{
	const struct fz_mem *m = priv;

	if (pa >= m->n || len > m->n - pa || (pa < m->excl + 4096 && pa + len > m->excl))
		return -EAGAIN;
	*p = m->p + pa;
	return 0;
}

/* fz_read's failing stretches: past the input (-ENXIO), the excluded page (-ENODATA) */
static int fz_fault_end(void *priv, uint64_t pa, int err, uint64_t *end)
{
	const struct fz_mem *m = priv;

	if (err == -ENXIO && pa >= m->n) {
		*end = ~0ULL;
		return 0;
	}
	if (err == -ENODATA && pa >= m->excl && pa - m->excl < 4096) {
		*end = m->excl + 4096;
		return 0;
	}
	return -ENOENT;
}

struct fz_check {
	uint64_t last;
	bool any;
	unsigned int n;
};

static int fz_emit(void *priv, const struct walk_range *r)
{
	struct fz_check *c = priv;

	if (r->last < r->iova || (c->any && r->iova <= c->last))
		abort();
	c->last = r->last;
	c->any = true;
	return ++c->n > 100000;
}

static int fz_dev(void *priv, const struct walk_rid *rid, const struct walk_target *tgt,
		  const struct walk_trail *t)
{
	unsigned int *n = priv;

	if (!tgt && t->stop == WALK_STOP_OK)
		abort();	/* a problem always says why */
	return ++*n > 2000;
}

static int fz_range(void *priv, uint64_t pa, uint64_t *start, uint64_t *end)
{
	const struct fz_mem *m = priv;

	if (pa >= m->n)
		return -ENOENT;
	*start = pa;
	*end = m->n;
	return 0;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fmts[] = {
		"vtd-sl-pte", "vtd-fl-pte", "amd-v1-pte", "amd-v2-pte", "arm-lpae-s1",
		"arm-lpae-s2", "arm-v7s-l1", "ppc-tce", "riscv-pte",
	};
	static const unsigned int grans[] = { 0, 4096, 16384, 65536 };
	struct fz_mem mem;
	struct walk_mem m = { .read = fz_read, .fault_end = fz_fault_end, .priv = &mem };
	struct walk_pt_params p = { 0 };
	struct walk_pt pt;
	const uint8_t *h;
	uint64_t root, tables = 0;
	unsigned int ndev = 0;

	if (size < 32)
		return 0;
	h = data;
	mem.p = data;
	mem.n = size;
	mem.excl = size > 8192 ? (size / 2) & ~4095ULL : ~0ULL - 8192;
	/* half the inputs read tables in place, half copy them out */
	if (h[4] & 128)
		m.peek = fz_peek;

	p.levels = h[1] % 7;
	p.granule = grans[h[2] & 3];
	p.ias = h[2] & 4 ? 20 + h[3] % 40 : 0;
	p.mtk_ext = h[4] & 1;
	p.big_endian = h[4] & 2;
	p.page_shift = h[4] & 4 ? 12 + h[5] % 23 : 0;
	p.window_size = 1ULL << (12 + h[6] % 50);
	p.bus_offset = h[4] & 8 ? rd64(h + 8) : 0;
	p.level_entries = h[4] & 16 ? 1ULL << (h[7] % 20) : 0;
	root = rd64(h + 16) % (size + 4096);

	{
		const struct decode_fmt *f = decode_format_find(fmts[h[0] % 9]);
		struct walk_pt_params q = p;

		/* Options a format does not take are refused: clear them. */
		if (strcmp(f->name, "arm-lpae-s1") && strcmp(f->name, "arm-lpae-s2"))
			q.granule = q.ias = 0;
		if (strcmp(f->name, "arm-v7s-l1"))
			q.mtk_ext = false;
		if (strcmp(f->name, "riscv-pte"))
			q.big_endian = false;
		if (strcmp(f->name, "ppc-tce"))
			q.page_shift = 0, q.window_size = q.bus_offset = q.level_entries = 0;
		/* a root the format can hold: walk_pt_setup() refuses the others */
		if (!walk_pt_setup(&pt, f, 0, &q, NULL))
			root &= ~(pt.root_align - 1);
		if (!walk_pt_setup(&pt, f, root, &q, NULL)) {
			struct fz_check c = { 0 };
			struct walk_stats st = { 0 };
			struct walk_opts o = { .emit = fz_emit, .priv = &c, .max_tables = 256, .max_ranges = 4096,
					       .expand_shared = h[4] & 32 };

			if (h[4] & 64) {
				o.iova_start = rd64(h + 24);
				o.iova_last = o.iova_start + (rd64(h + 8) >> (h[5] & 63));
				if (o.iova_last < o.iova_start)
					o.iova_last = ~0ULL;
			}
			(void)walk_run(&pt, &m, &o, &st);
			if (st.tables > 256)
				abort();
			for (int i = 0; i < 4; i++) {
				struct walk_trail t;

				walk_trail_init(&t);
				(void)walk_translate(&pt, &m, rd64(h + 8 + 4 * (size_t)i) << (i * 7), &t);
				if (t.n > WALK_MAX_LEVELS)
					abort();
			}
		}
	}

	{
		struct walk_hier hi = {
			.family = (enum walk_family)(h[1] % 4),
			.base = root | (h[6] & 7),
			.scalable = h[5] & 1,
			.strtab_cfg = rd64(h + 24) & 0x307ff,
			.dte_count = 1 + h[7],
			.ext_dc = h[5] & 2,
			.params = { .big_endian = h[4] & 2 },
		};
		struct walk_rid rid = { .id = (uint32_t)rd64(h + 8) & 0xffffff,
					.has_pasid = h[5] & 4, .pasid = (uint32_t)rd64(h + 12) & 0xfffff };
		struct walk_trail t;
		struct walk_target tgt;

		walk_trail_init(&t);
		if (!walk_hier_resolve(&hi, &m, &rid, &t, &tgt) && t.stop == WALK_STOP_OK &&
		    tgt.kind == WALK_TGT_TABLE) {
			struct fz_check c = { 0 };
			struct walk_stats st = { 0 };
			struct walk_opts o = { .emit = fz_emit, .priv = &c, .max_tables = 64 };

			(void)walk_run(&tgt.pt, &m, &o, &st);
		}
		(void)walk_hier_enum(&hi, &m, 64, &tables, fz_dev, &ndev);
	}

	{
		static const enum walk_family fams[] = { WALK_FAM_VTD, WALK_FAM_SMMUV3, WALK_FAM_AMD };
		struct roots_opts ro = { .family = fams[h[3] % 3], .range_next = fz_range, .range_priv = &mem,
					 .max_checks = 8, .max_tables = 64 };
		struct root_candidate *c;
		struct roots_stats st;
		size_t n;

		if (roots_find(&m, &ro, &c, &n, &st) || st.checked > 8)
			abort();
		for (size_t i = 0; i < n; i++)
			if (c[i].requesters <= c[i].broken || c[i].tables > 64 ||
			    (i && c[i - 1].translated < c[i].translated))
				abort();	/* only useful candidates, caps hold, best first */
		free(c);
	}
	return 0;
}
