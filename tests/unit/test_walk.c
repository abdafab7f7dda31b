/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmocka tests of the walker (src/decode/walk*.c) on synthetic tables in
 * memory, built by tests/tools/mktables.c's independent encoders: every
 * page-table family against the mapping list the builder recorded, the
 * hierarchies (VT-d legacy and scalable, SMMUv3, AMD, RISC-V), hostile
 * tables (loops, shared, outside, excluded, malformed, limits), random
 * memory for every format, and the tables the walker is driven by (each
 * format's setup hook, the parameter ranges, the family table).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#pragma GCC diagnostic ignored "-Wunused-function"
#define MKTABLES_NO_MAIN
#include "../tools/mktables.c"

#include "core/util.h"
#include "decode/roots.h"
#include "decode/walk.h"

static struct mt_world *world;

static int setup_world(void **state)
{
	world = calloc(1, sizeof(*world));
	mt_build(world);
	return 0;
}

static int teardown_world(void **state)
{
	return 0;
}

/* Collects walk ranges as the CLI's text lines, plus counts by kind. */
struct collect {
	char *buf;
	size_t len;
	FILE *f;
	unsigned int kinds[8];
	struct walk_range last;
	uint64_t prev_iova;
	bool any;
	int stop_after;		/* > 0: return 1 after this many ranges */
};

static int collect_range(void *priv, const struct walk_range *r)
{
	struct collect *c = priv;
	char size[16], perms[8], psz[16];

	/* Ascending, non-overlapping output is part of the contract. */
	if (c->any)
		assert_true(r->iova > c->prev_iova);
	assert_true(r->last >= r->iova);
	c->prev_iova = r->last;
	c->any = true;
	c->kinds[r->kind]++;
	c->last = *r;
	if (r->kind == WALK_MAP) {
		size_format(r->last - r->iova + 1, size, sizeof(size));
		decode_perms_format(r->perms, perms);
		size_format(1ULL << r->page_shift, psz, sizeof(psz));
		fprintf(c->f, "0x%016llx  0x%016llx  %-6s %-5s %s\n", (unsigned long long)r->iova,
			(unsigned long long)r->pa, size, perms, psz);
	} else {
		fprintf(c->f, "! %s 0x%llx-0x%llx table 0x%llx\n", walk_kind_name(r->kind),
			(unsigned long long)r->iova, (unsigned long long)r->last,
			(unsigned long long)r->table);
	}
	if (c->stop_after > 0 && --c->stop_after == 0)
		return 1;
	return 0;
}

static void collect_begin(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->buf, &c->len);
	fputs("IOVA                PA                  SIZE   PERMS PAGE\n", c->f);
}

static char *collect_end(struct collect *c)
{
	fclose(c->f);
	return c->buf;
}

static const struct mt_case *find_case(const char *name)
{
	for (size_t i = 0; i < world->ncases; i++)
		if (!strcmp(world->cases[i].name, name))
			return &world->cases[i];
	fail_msg("no case %s", name);
	return NULL;
}

/* The value after "--opt " in a case's arguments. */
static uint64_t case_arg(const struct mt_case *c, const char *opt)
{
	char key[40];
	const char *p;

	snprintf(key, sizeof(key), "%s ", opt);
	p = strstr(c->args, key);
	assert_non_null(p);
	return strtoull(p + strlen(key), NULL, 0);
}

static bool case_has(const struct mt_case *c, const char *opt)
{
	return strstr(c->args, opt) != NULL;
}

static struct walk_mem world_mem(void)
{
	return (struct walk_mem){ .read = mt_read, .priv = &world->mem };
}

/* Build the walk_pt a raw-format case describes. */
static void case_pt(const struct mt_case *c, struct walk_pt *pt)
{
	struct walk_pt_params p = { 0 };
	char fmt[32];
	const struct decode_fmt *f;
	const char *s = strstr(c->args, "--format ");

	assert_non_null(s);
	sscanf(s + 9, "%31s", fmt);
	f = decode_format_find(!strcmp(fmt, "arm-v7s") ? "arm-v7s-l1" : fmt);
	assert_non_null(f);
	if (case_has(c, "--levels "))
		p.levels = (int)case_arg(c, "--levels");
	if (case_has(c, "--granule 64K"))
		p.granule = 65536;
	if (case_has(c, "--granule 16K"))
		p.granule = 16384;
	if (case_has(c, "--ias "))
		p.ias = (unsigned int)case_arg(c, "--ias");
	if (case_has(c, "--page-shift "))
		p.page_shift = (unsigned int)case_arg(c, "--page-shift");
	if (case_has(c, "--window-size 64M"))
		p.window_size = 64ULL << 20;
	if (case_has(c, "--window-size 1T"))
		p.window_size = 1ULL << 40;
	if (case_has(c, "--bus-offset "))
		p.bus_offset = case_arg(c, "--bus-offset");
	p.mtk_ext = case_has(c, "--mtk-ext");
	p.big_endian = case_has(c, "--big-endian");
	assert_int_equal(walk_pt_setup(pt, f, case_arg(c, "--root"), &p, NULL), 0);
}

static void check_family(const char *name)
{
	const struct mt_case *c = find_case(name);
	struct walk_mem m = world_mem();
	struct walk_stats st = { 0 };
	struct walk_opts o = { .emit = collect_range };
	struct collect col;
	struct walk_pt pt;
	char *got;

	assert_true(c->expect);
	case_pt(c, &pt);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	got = collect_end(&col);
	assert_string_equal(got, c->expect_text);
	assert_int_equal(st.faults + st.loops + st.bad + st.limited, 0);
	free(got);
}

static void test_families(void **state)
{
	static const char *const names[] = {
		"vtd-sl", "vtd-fl", "amd-v2-5lvl", "amd-v1", "lpae-s1-4k", "lpae-s2-64k",
		"lpae-s1-16k", "v7s", "v7s-mtk", "tce-1", "tce-2", "riscv-sv39", "riscv-sv48-be",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check_family(names[i]);
}

/*
 * Tables read in place: a memory that serves them so (walk_mem.peek, as a
 * mapped ELF dump does) is never asked to copy a table out, and the walk
 * lists the same ranges; one that cannot (-EAGAIN, as a kdump file) has
 * them read as before.
 */
struct peek_mem {
	struct mt_mem *mem;
	unsigned long peeks, reads;
	bool refuse;		/* peek always -EAGAIN */
};

static int pm_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	struct peek_mem *pm = priv;

	pm->reads++;
	return mt_read(pm->mem, pa, buf, len, fault);
}

static int pm_peek(void *priv, uint64_t pa, size_t len, const void **p)
{
	struct peek_mem *pm = priv;
	struct mt_page *pg = mt_find(pm->mem, pa);
	size_t off = pa & (MT_PAGE - 1);

	if (pm->refuse || !pg || !pg->data || len > MT_PAGE - off)
		return -EAGAIN;
	pm->peeks++;
	*p = pg->data + off;
	return 0;
}

static void test_in_place(void **state)
{
	static const char *const names[] = {
		"vtd-sl", "vtd-fl", "amd-v1", "lpae-s1-4k", "lpae-s2-64k", "v7s", "tce-2",
		"riscv-sv39", "riscv-sv48-be",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned long chunks = 0;

		for (int refuse = 1; refuse >= 0; refuse--) {
			const struct mt_case *c = find_case(names[i]);
			struct peek_mem pm = { .mem = &world->mem, .refuse = refuse };
			struct walk_mem m = { .read = pm_read, .peek = pm_peek, .priv = &pm };
			struct walk_stats st = { 0 };
			struct walk_opts o = { .emit = collect_range };
			struct collect col;
			struct walk_pt pt;
			char *got;

			case_pt(c, &pt);
			collect_begin(&col);
			o.priv = &col;
			assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
			got = collect_end(&col);
			assert_string_equal(got, c->expect_text);
			if (refuse) {
				/* a read per table, or per 4 KiB of a larger one */
				assert_int_equal(pm.peeks, 0);
				assert_true(pm.reads >= st.tables);
				chunks = pm.reads;
			} else {
				assert_int_equal(pm.reads, 0);
				assert_int_equal(pm.peeks, chunks);
			}
			free(got);
		}
	}
}

/* Every page the walk lists translates to the same address, page by page. */
static void test_translate_agrees(void **state)
{
	static const char *const names[] = {
		"vtd-sl", "vtd-fl", "amd-v1", "lpae-s1-4k", "lpae-s2-64k", "v7s", "v7s-mtk",
		"tce-2", "riscv-sv39",
	};
	struct walk_mem m = world_mem();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct mt_case *c = find_case(names[i]);
		const char *line = c->expect_text;
		struct walk_pt pt;

		case_pt(c, &pt);
		while ((line = strchr(line, '\n')) && line[1]) {
			unsigned long long iova, pa;
			struct walk_trail t;

			line++;
			assert_int_equal(sscanf(line, "%llx %llx", &iova, &pa), 2);
			walk_trail_init(&t);
			assert_int_equal(walk_translate(&pt, &m, iova + 8, &t), 0);
			assert_int_equal(t.stop, WALK_STOP_OK);
			assert_int_equal(t.pa, pa + 8);
			assert_true(t.n >= 1);
		}
	}
}

static void test_window_and_stop(void **state)
{
	const struct mt_case *c = find_case("vtd-sl");
	struct walk_mem m = world_mem();
	struct walk_stats st = { 0 };
	struct walk_opts o = { .emit = collect_range, .iova_start = 0x3000, .iova_last = 0x200fff };
	struct collect col;
	struct walk_pt pt;
	char *got;

	case_pt(c, &pt);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	got = collect_end(&col);
	assert_non_null(strstr(got, "0x0000000000003000  0x0000000080003000  20K"));
	/* the 2 MiB page is clipped to the window */
	assert_non_null(strstr(got, "0x0000000000200000  0x0000000040000000  4K     rw--  2M"));
	assert_null(strstr(got, "\n0x0000000040000000"));
	free(got);

	/* a non-zero emit return stops the walk and comes back */
	memset(&st, 0, sizeof(st));
	o.iova_start = o.iova_last = 0;
	collect_begin(&col);
	col.stop_after = 2;
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 1);
	free(collect_end(&col));
	assert_int_equal(col.kinds[WALK_MAP], 2);
}

/* A walk of a hostile case: counts of each kind of range. */
static void hostile(const char *name, bool expand, uint64_t max_tables, unsigned int maps,
		    unsigned int faults, unsigned int loops, unsigned int shared, unsigned int bad,
		    unsigned int limited, int fault_err)
{
	const struct mt_case *c = find_case(name);
	struct walk_mem m = world_mem();
	struct walk_stats st = { 0 };
	struct walk_opts o = { .emit = collect_range, .expand_shared = expand, .max_tables = max_tables };
	struct collect col;
	struct walk_pt pt;

	case_pt(c, &pt);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	free(collect_end(&col));
	assert_int_equal(col.kinds[WALK_MAP], maps);
	assert_int_equal(col.kinds[WALK_FAULT], faults);
	assert_int_equal(col.kinds[WALK_LOOP], loops);
	assert_int_equal(col.kinds[WALK_SHARED], shared);
	assert_int_equal(col.kinds[WALK_BAD], bad);
	assert_int_equal(col.kinds[WALK_LIMIT], limited);
	assert_int_equal(st.faults, faults);
	assert_int_equal(st.loops, loops);
	if (faults)
		assert_int_equal(col.last.kind == WALK_FAULT ? col.last.err : fault_err, fault_err);
	if (max_tables)
		assert_true(st.tables <= max_tables);
}

static void test_hostile(void **state)
{
	hostile("h-self", false, 0, 1, 0, 1, 0, 0, 0, 0);
	hostile("h-mutual", false, 0, 1, 0, 1, 0, 0, 0, 0);
	hostile("h-outside", false, 0, 2, 2, 0, 0, 0, 0, -ENXIO);
	hostile("h-excluded", false, 0, 2, 1, 0, 0, 0, 0, -ENODATA);
	hostile("h-shared", false, 0, 1, 0, 0, 1, 0, 0, 0);
	hostile("h-shared", true, 0, 2, 0, 0, 0, 0, 0, 0);
	hostile("h-bad", false, 0, 1, 0, 0, 0, 1, 0, 0);
	hostile("vtd-sl", false, 3, 2, 0, 0, 0, 0, 2, 0);
	hostile("vtd-sl", false, 1, 0, 0, 0, 0, 0, 2, 0);
}

/* A level-4 table whose every entry points at itself: no hang, 512 loops. */
static void test_self_loop_everywhere(void **state)
{
	struct mt_mem mem = { 0 };
	struct walk_mem m = { .read = mt_read, .priv = &mem };
	struct walk_stats st = { 0 };
	struct walk_opts o = { .emit = collect_range };
	struct collect col;
	struct walk_pt pt;
	struct walk_pt_params p = { .levels = 4 };

	mt_zero(&mem, 0x10000, 4096);
	for (int i = 0; i < 512; i++)
		mt_put(&mem, 0x10000 + 8 * (uint64_t)i, 0x10000 | 3, 8, false);
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), 0x10000, &p, NULL), 0);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	free(collect_end(&col));
	assert_int_equal(col.kinds[WALK_LOOP], 512);
	assert_int_equal(st.tables, 1);

	/* a fan-out of 512 entries into one level-3 table that fans into one level-2... */
	mt_zero(&mem, 0x20000, 3 * 4096);
	for (int i = 0; i < 512; i++) {
		mt_put(&mem, 0x20000 + 8 * (uint64_t)i, 0x21000 | 3, 8, false);
		mt_put(&mem, 0x21000 + 8 * (uint64_t)i, 0x22000 | 3, 8, false);
		mt_put(&mem, 0x22000 + 8 * (uint64_t)i, 0x30000000 | 3 | 0x80, 8, false);
	}
	pt.root = 0x20000;
	memset(&st, 0, sizeof(st));
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	free(collect_end(&col));
	assert_int_equal(st.tables, 3);
	assert_int_equal(col.kinds[WALK_SHARED], 511 + 511);
	/* expanded, the cap bounds the work */
	memset(&st, 0, sizeof(st));
	o.expand_shared = true;
	o.max_tables = 1000;
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	free(collect_end(&col));
	assert_true(st.tables <= 1000);
	assert_true(col.kinds[WALK_LIMIT] >= 1);
	for (size_t i = 0; i < mem.n; i++)
		free(mem.p[i].data);
	free(mem.p);
}

static void trail_stop(const char *name, const char *args_root_opt, uint64_t iova,
		       enum walk_stop want, int err)
{
	const struct mt_case *c = find_case(name);
	struct walk_mem m = world_mem();
	struct walk_trail t;
	struct walk_pt pt;

	(void)args_root_opt;
	case_pt(c, &pt);
	walk_trail_init(&t);
	assert_int_equal(walk_translate(&pt, &m, iova, &t), 0);
	assert_int_equal(t.stop, want);
	assert_true(t.why[0] || want == WALK_STOP_OK);
	if (want == WALK_STOP_UNREADABLE)
		assert_int_equal(t.err, err);
}

static void test_translate_stops(void **state)
{
	trail_stop("vtd-sl", NULL, 0x40123456, WALK_STOP_OK, 0);
	trail_stop("vtd-sl", NULL, 0xa000, WALK_STOP_NOT_PRESENT, 0);
	trail_stop("vtd-sl", NULL, 1ULL << 48, WALK_STOP_RANGE, 0);
	trail_stop("vtd-fl", NULL, 0x0000800000000000ULL, WALK_STOP_RANGE, 0);
	trail_stop("vtd-fl", NULL, 0xffff800000000010ULL, WALK_STOP_OK, 0);
	trail_stop("tce-2", NULL, 0x1000, WALK_STOP_RANGE, 0);
	trail_stop("h-self", NULL, 0x8000000000ULL, WALK_STOP_LOOP, 0);
	trail_stop("h-mutual", NULL, 0x1000, WALK_STOP_LOOP, 0);
	trail_stop("h-outside", NULL, 0x200000, WALK_STOP_UNREADABLE, -ENXIO);
	trail_stop("h-excluded", NULL, 0x200000, WALK_STOP_UNREADABLE, -ENODATA);
	trail_stop("h-bad", NULL, 0x40000000, WALK_STOP_MALFORMED, 0);
}

static void test_translate_reserved(void **state)
{
	const struct mt_case *c = find_case("T:h-rsvd");
	struct walk_mem m = world_mem();
	struct walk_trail t;
	struct walk_pt pt;
	struct walk_pt_params p = { .levels = 4 };

	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), case_arg(c, "--root"), &p,
				       NULL), 0);
	walk_trail_init(&t);
	assert_int_equal(walk_translate(&pt, &m, 0x2000, &t), 0);
	assert_int_equal(t.stop, WALK_STOP_RESERVED);
	assert_int_equal(t.n, 4);
}

/* ---- hierarchies ---- */

static void resolve(const char *name, struct walk_hier *h, uint32_t id, bool has_pasid,
		    uint32_t pasid, struct walk_trail *t, struct walk_target *tgt)
{
	struct walk_mem m = world_mem();
	struct walk_rid rid = { .id = id, .id_last = id, .has_pasid = has_pasid, .pasid = pasid };

	(void)name;
	walk_trail_init(t);
	assert_int_equal(walk_hier_resolve(h, &m, &rid, t, tgt), 0);
}

static uint64_t walk_count(const struct walk_pt *pt)
{
	struct walk_mem m = world_mem();
	struct walk_stats st = { 0 };
	struct walk_opts o = { 0 };

	assert_int_equal(walk_run(pt, &m, &o, &st), 0);
	return st.pages;
}

static void test_vtd(void **state)
{
	const struct mt_case *c = find_case("vtd-legacy-dev");
	struct walk_hier h = { .family = WALK_FAM_VTD, .base = case_arg(c, "--rtaddr") };
	struct walk_trail t;
	struct walk_target tgt;

	resolve(c->name, &h, 0x18, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_int_equal(tgt.kind, WALK_TGT_TABLE);
	assert_int_equal(walk_pt_levels(&tgt.pt), 4);
	assert_int_equal(t.n, 2);
	assert_int_equal(walk_count(&tgt.pt), 2);
	resolve(c->name, &h, 0x20, false, 0, &t, &tgt);
	assert_int_equal(tgt.kind, WALK_TGT_IDENTITY);
	resolve(c->name, &h, 0x100, false, 0, &t, &tgt);
	assert_int_equal(walk_pt_levels(&tgt.pt), 3);
	resolve(c->name, &h, 0x28, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_NOT_PRESENT);
	resolve(c->name, &h, 0x200, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_NOT_PRESENT);
	assert_int_equal(t.n, 1);

	c = find_case("vtd-sm-rid");
	h = (struct walk_hier){ .family = WALK_FAM_VTD, .base = case_arg(c, "--rtaddr"), .scalable = true };
	resolve(c->name, &h, 0x10, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_ptr_equal(tgt.pt.fmt, decode_format_find("vtd-sl-pte"));
	assert_int_equal(t.n, 4);
	resolve(c->name, &h, 0x10, true, 1, &t, &tgt);
	assert_ptr_equal(tgt.pt.fmt, decode_format_find("vtd-fl-pte"));
	assert_true(tgt.pt.sign_extend);
	resolve(c->name, &h, 0x10, true, 2, &t, &tgt);
	assert_true(tgt.pt.nested);
	assert_non_null(strstr(tgt.note, "nested"));
	resolve(c->name, &h, 0x80, true, 3, &t, &tgt);
	assert_int_equal(tgt.kind, WALK_TGT_IDENTITY);
	resolve(c->name, &h, 0x10, true, 4, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_RESERVED);
	resolve(c->name, &h, 0x10, true, 1u << 19, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_RANGE);
}

struct enum_count {
	unsigned int tables, identity, blocked, problems;
	uint32_t ids[64];
	uint32_t pasids[64];
	bool has_pasid[64];
	unsigned int n;
};

static int enum_cb(void *priv, const struct walk_rid *rid, const struct walk_target *tgt,
		   const struct walk_trail *t)
{
	struct enum_count *e = priv;

	if (e->n < 64) {
		e->ids[e->n] = rid->id;
		e->pasids[e->n] = rid->pasid;
		e->has_pasid[e->n] = rid->has_pasid;
		e->n++;
	}
	if (!tgt) {
		assert_int_not_equal(t->stop, WALK_STOP_OK);
		e->problems++;
	} else if (tgt->kind == WALK_TGT_TABLE) {
		e->tables++;
	} else if (tgt->kind == WALK_TGT_IDENTITY) {
		e->identity++;
	} else {
		e->blocked++;
	}
	return 0;
}

static void enumerate(const struct walk_hier *h, struct enum_count *e)
{
	struct walk_mem m = world_mem();
	uint64_t tables = 0;

	memset(e, 0, sizeof(*e));
	assert_int_equal(walk_hier_enum(h, &m, 0, &tables, enum_cb, e), 0);
	assert_true(tables > 0);
}

static void test_enumerate(void **state)
{
	const struct mt_case *c;
	struct walk_hier h;
	struct enum_count e;
	struct walk_mem m = world_mem();
	uint64_t tables = 0;

	c = find_case("vtd-legacy-all");
	h = (struct walk_hier){ .family = WALK_FAM_VTD, .base = case_arg(c, "--rtaddr") };
	enumerate(&h, &e);
	assert_int_equal(e.tables, 3);
	assert_int_equal(e.identity, 1);
	assert_int_equal(e.ids[0], 0x18);
	assert_int_equal(e.ids[3], 0x101);

	c = find_case("vtd-sm-all");
	h = (struct walk_hier){ .family = WALK_FAM_VTD, .base = case_arg(c, "--rtaddr"), .scalable = true };
	enumerate(&h, &e);
	assert_int_equal(e.tables, 6);
	assert_int_equal(e.identity, 2);
	assert_int_equal(e.problems, 2);
	assert_true(e.has_pasid[0]);

	/* the structure-table cap holds */
	assert_int_equal(walk_hier_enum(&h, &m, 2, &tables, enum_cb, &e), -E2BIG);

	c = find_case("smmuv3-linear-all");
	h = (struct walk_hier){ .family = WALK_FAM_SMMUV3, .base = case_arg(c, "--strtab"),
				.strtab_cfg = case_arg(c, "--strtab-cfg") };
	enumerate(&h, &e);
	assert_int_equal(e.tables, 2);
	assert_int_equal(e.identity, 1);
	assert_int_equal(e.blocked, 1);

	c = find_case("smmuv3-2lvl-all");
	h = (struct walk_hier){ .family = WALK_FAM_SMMUV3, .base = case_arg(c, "--strtab"),
				.strtab_cfg = case_arg(c, "--strtab-cfg") };
	enumerate(&h, &e);
	assert_int_equal(e.tables, 2);
	assert_int_equal(e.ids[0], 0x1234);
	assert_int_equal(e.pasids[1], 5);

	c = find_case("amd-all");
	h = (struct walk_hier){ .family = WALK_FAM_AMD, .base = case_arg(c, "--dte-base"), .dte_count = 256 };
	enumerate(&h, &e);
	assert_int_equal(e.tables, 3);
	assert_int_equal(e.identity, 1);
	assert_int_equal(e.pasids[2], 7);

	c = find_case("riscv-all");
	h = (struct walk_hier){ .family = WALK_FAM_RISCV, .base = case_arg(c, "--ddtp") };
	enumerate(&h, &e);
	assert_int_equal(e.tables, 2);
	assert_int_equal(e.identity, 2);
}

static void test_smmu_amd_riscv(void **state)
{
	const struct mt_case *c;
	struct walk_hier h;
	struct walk_trail t;
	struct walk_target tgt;

	c = find_case("smmuv3-s2");
	h = (struct walk_hier){ .family = WALK_FAM_SMMUV3, .base = case_arg(c, "--strtab"),
				.strtab_cfg = case_arg(c, "--strtab-cfg") };
	resolve(c->name, &h, 2, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_int_equal(walk_pt_levels(&tgt.pt), 3);
	assert_int_equal(tgt.pt.top_bits, 10);	/* two concatenated level-1 tables */
	assert_int_equal(walk_count(&tgt.pt), 2);
	resolve(c->name, &h, 1, false, 0, &t, &tgt);
	assert_int_equal(walk_pt_levels(&tgt.pt), 4);
	resolve(c->name, &h, 1, true, 1, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_RANGE);
	resolve(c->name, &h, 5, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_NOT_PRESENT);

	c = find_case("smmuv3-2lvl-ssid");
	h = (struct walk_hier){ .family = WALK_FAM_SMMUV3, .base = case_arg(c, "--strtab"),
				.strtab_cfg = case_arg(c, "--strtab-cfg") };
	resolve(c->name, &h, 0x1234, true, 5, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_int_equal(tgt.pt.opts.granule, 16384);
	assert_int_equal(t.n, 4);
	resolve(c->name, &h, 0x1234, false, 0, &t, &tgt);
	assert_int_equal(tgt.pt.opts.granule, 65536);
	resolve(c->name, &h, 0x1234, true, 6, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_NOT_PRESENT);
	h.strtab_cfg = 3u << 16;
	walk_trail_init(&t);
	assert_int_equal(walk_hier_resolve(&h, &(struct walk_mem){ .read = mt_read, .priv = &world->mem },
					   &(struct walk_rid){ 0 }, &t, &tgt), -EINVAL);

	c = find_case("amd-dev");
	h = (struct walk_hier){ .family = WALK_FAM_AMD, .base = case_arg(c, "--dte-base"), .dte_count = 256 };
	resolve(c->name, &h, 0x18, false, 0, &t, &tgt);
	assert_int_equal(tgt.pt.perms_mask & DECODE_PERM_W, 0);
	resolve(c->name, &h, 0x28, true, 7, &t, &tgt);
	assert_ptr_equal(tgt.pt.fmt, decode_format_find("amd-v2-pte"));
	resolve(c->name, &h, 0x28, false, 0, &t, &tgt);
	assert_ptr_equal(tgt.pt.fmt, decode_format_find("amd-v2-pte"));
	resolve(c->name, &h, 0x30, false, 0, &t, &tgt);
	assert_int_equal(tgt.kind, WALK_TGT_IDENTITY);
	resolve(c->name, &h, 0x300, false, 0, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_RANGE);

	c = find_case("riscv-pdt");
	h = (struct walk_hier){ .family = WALK_FAM_RISCV, .base = case_arg(c, "--ddtp") };
	resolve(c->name, &h, 0x128, true, 3, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_int_equal(walk_pt_levels(&tgt.pt), 4);
	resolve(c->name, &h, 0x128, true, 4, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_NOT_PRESENT);
	resolve(c->name, &h, 0x128, true, 300, &t, &tgt);
	assert_int_equal(t.stop, WALK_STOP_RANGE);
	resolve(c->name, &h, 0x18, false, 0, &t, &tgt);
	assert_int_equal(walk_pt_levels(&tgt.pt), 3);
	h.base = (h.base & ~0xfULL) | 1;
	resolve(c->name, &h, 0x18, false, 0, &t, &tgt);
	assert_int_equal(tgt.kind, WALK_TGT_IDENTITY);
	c = find_case("riscv-ext-3lvl");
	h = (struct walk_hier){ .family = WALK_FAM_RISCV, .base = case_arg(c, "--ddtp"), .ext_dc = true };
	resolve(c->name, &h, 0x12a5, false, 0, &t, &tgt);
	assert_int_equal(walk_pt_levels(&tgt.pt), 5);
	assert_int_equal(t.n, 3);
}

static void test_setup_errors(void **state)
{
	struct walk_pt pt;
	struct walk_pt_params p = { 0 };
	const char *why;

	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-cap"), 0, NULL, &why), -EOPNOTSUPP);
	p.levels = 6;
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), 0, &p, &why), -EINVAL);
	assert_non_null(why);
	p = (struct walk_pt_params){ .granule = 65536 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), 0, &p, &why), -EINVAL);
	p = (struct walk_pt_params){ .granule = 65536, .levels = 4 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("arm-lpae-s1"), 0, &p, &why), -EINVAL);
	p = (struct walk_pt_params){ 0 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 0, &p, &why), -EINVAL);
	p = (struct walk_pt_params){ .window_size = 3 << 20 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 0, &p, &why), -EINVAL);
	p = (struct walk_pt_params){ .levels = 6 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("amd-v1-pte"), 0, &p, &why), 0);
	assert_int_equal(walk_pt_input_bits(&pt), 64);
	p = (struct walk_pt_params){ .ias = 40, .levels = 3 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("arm-lpae-s2"), 0, &p, &why), 0);
	assert_int_equal(pt.top_bits, 10);
	p = (struct walk_pt_params){ .ias = 48, .levels = 2 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("arm-lpae-s2"), 0, &p, &why), -EINVAL);
}

/*
 * A stage-2 STE and its tables as Linux 7.2's arm-smmu-v3 wrote them for a
 * VFIO type1 domain on QEMU 11's stage-2-only SMMUv3 (tests/cli/
 * test-vm-dump.sh, arm64-smmuv3-s2-7.2; the entries copied from that dump):
 * a 2-level stream table (STRTAB_BASE_CFG 0x10210), edu's STE (SID 0x18)
 * Config 6 with S2T0SZ 20 (the SMMU's 44-bit OAS as input size), S2SL0 2
 * (level 0: a 32-entry table, more than the 16 tables concatenation allows,
 * so io-pgtable-arm keeps four levels), S2TG 4K, S2PS 44 bits, S2AA64, S2R;
 * leaves MemAttr 0xf (normal write-back), S2AP 3 (read/write) or 1 (the
 * read-only map), AF set.
 */
static void test_smmu_s2_linux72(void **state)
{
	static const struct { uint64_t pa, v; } e[] = {
		{ 0x44977000, 0x53e20009 },			/* L1 descriptor 0: Span 9 */
		{ 0x53e20000 + 0x18 * 64, 0xd },		/* STE word 0: V, Config 6 */
		{ 0x53e20000 + 0x18 * 64 + 16, 0x044c359400000008 },
		{ 0x53e20000 + 0x18 * 64 + 24, 0x49593000 },	/* S2TTB */
		{ 0x49593000 + 0x1f * 8, 0x49598003 },		/* level 0 */
		{ 0x49598000 + 0x1fe * 8, 0x49599003 },		/* level 1 */
		{ 0x49599000, 0x495ae003 },			/* level 2 */
		{ 0x495ae000 + 8, 0x42a3d7ff },			/* level 3: IOVA 0xfff80001000 */
		{ 0x49593000, 0x49597003 },
		{ 0x49597000, 0x4959a003 },
		{ 0x4959a000 + 0x91 * 8, 0x495af003 },
		{ 0x495af000 + 0x140 * 8, 0x42a1e77f },		/* IOVA 0x12340000, read-only */
	};
	struct mt_mem mem = { 0 };
	struct walk_mem m = { .read = mt_read, .priv = &mem };
	struct walk_hier h = { .family = WALK_FAM_SMMUV3, .base = 0x44977000, .strtab_cfg = 0x10210 };
	struct walk_rid rid = { .id = 0x18, .id_last = 0x18 };
	struct walk_trail t, t2;
	struct walk_target tgt;

	for (size_t i = 0; i < ARRAY_SIZE(e); i++)
		mt_put(&mem, e[i].pa, e[i].v, 8, false);
	memset(&tgt, 0, sizeof(tgt));
	walk_trail_init(&t);
	assert_int_equal(walk_hier_resolve(&h, &m, &rid, &t, &tgt), 0);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_int_equal(tgt.kind, WALK_TGT_TABLE);
	assert_ptr_equal(tgt.pt.fmt, decode_format_find("arm-lpae-s2"));
	assert_int_equal(walk_pt_levels(&tgt.pt), 4);
	assert_int_equal(walk_pt_input_bits(&tgt.pt), 44);
	assert_int_equal(tgt.pt.top_bits, 5);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.steps[1].summary, "valid, Config stage 2, S2TTB 0x49593000, VMID 8, "
			    "S2T0SZ 20 (44-bit), S2SL0 2 (level 0), S2TG 4K");

	t2 = t;
	assert_int_equal(walk_translate(&tgt.pt, &m, 0xfff80001234, &t2), 0);
	assert_int_equal(t2.stop, WALK_STOP_OK);
	assert_int_equal(t2.pa, 0x42a3d234);
	assert_int_equal(t2.page_shift, 12);
	assert_int_equal(t2.perms, DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X);
	assert_int_equal(t2.n, 6);
	t2 = t;
	assert_int_equal(walk_translate(&tgt.pt, &m, 0x12340000, &t2), 0);
	assert_int_equal(t2.stop, WALK_STOP_OK);
	assert_int_equal(t2.pa, 0x42a1e000);
	assert_int_equal(t2.perms, DECODE_PERM_R | DECODE_PERM_X);
	/* beyond the 44-bit input: a translation fault, not a wrapped index */
	t2 = t;
	assert_int_equal(walk_translate(&tgt.pt, &m, 0x100000000000ULL, &t2), 0);
	assert_int_equal(t2.stop, WALK_STOP_RANGE);
	t2 = t;
	assert_int_equal(walk_translate(&tgt.pt, &m, 0xfff80020000ULL, &t2), 0);
	assert_int_equal(t2.stop, WALK_STOP_NOT_PRESENT);

	/* S2SL0 3 is reserved: named in the summary, and the walk stops there */
	mt_put(&mem, 0x53e20000 + 0x18 * 64 + 16, 0x044c35d400000008, 8, false);
	walk_trail_init(&t);
	assert_int_equal(walk_hier_resolve(&h, &m, &rid, &t, &tgt), 0);
	assert_int_equal(t.stop, WALK_STOP_MALFORMED);
	assert_non_null(strstr(t.steps[1].summary, "S2SL0 3 (reserved)"));
	for (size_t i = 0; i < mem.n; i++)
		free(mem.p[i].data);
	free(mem.p);
}

/*
 * A root the hardware could not hold is refused (B18), with the alignment
 * it needs: a page frame for VT-d, AMD, RISC-V and TCE (the TVE keeps
 * address bits 12 and up), the top table's size for Arm (at least 64 bytes).
 */
static void test_root_alignment(void **state)
{
	static const struct {
		const char *fmt;
		struct walk_pt_params p;
		uint64_t align;
	} t[] = {
		{ "vtd-sl-pte", { 0 }, 4096 },
		{ "vtd-fl-pte", { .levels = 5 }, 4096 },
		{ "amd-v1-pte", { .levels = 6 }, 4096 },	/* a 128-entry top table, in a page */
		{ "amd-v2-pte", { 0 }, 4096 },
		{ "riscv-pte", { 0 }, 4096 },
		{ "ppc-tce", { .window_size = 1ULL << 30 }, 4096 },	/* a 2 MiB table */
		{ "arm-lpae-s1", { 0 }, 4096 },
		{ "arm-lpae-s1", { .ias = 32 }, 64 },		/* 4 entries */
		{ "arm-lpae-s2", { .granule = 65536, .ias = 40 }, 16384 },
		{ "arm-lpae-s2", { .ias = 40, .levels = 3 }, 8192 },	/* 2 concatenated tables */
		{ "arm-v7s-l1", { 0 }, 16384 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const struct decode_fmt *f = decode_format_find(t[i].fmt);
		struct walk_pt pt;
		const char *why = NULL;

		assert_int_equal(walk_pt_setup(&pt, f, 3 * t[i].align, &t[i].p, &why), 0);
		assert_int_equal(pt.root_align, t[i].align);
		assert_int_equal(walk_pt_setup(&pt, f, 3 * t[i].align + t[i].align / 2, &t[i].p, &why),
				 -ERANGE);
		assert_non_null(why);
		assert_int_equal(pt.root_align, t[i].align);
		assert_int_equal(walk_pt_setup(&pt, f, 0x100000 + 8, &t[i].p, &why), -ERANGE);
	}
}

/* ---- the tables the walker is driven by ---- */

/*
 * Every page-table format of the decoder registry walks through its own
 * setup hook, takes --levels, finds itself by name, refuses each parameter
 * its ops do not list with a sentence, and sets up with defaults (TCE with
 * a window, which it needs).
 */
static void test_format_setup_hooks(void **state)
{
	const struct decode_fmt *f;
	size_t npt = 0;

	for (size_t i = 0; (f = decode_format_at(i)); i++) {
		struct walk_pt_params p = { 0 };
		struct walk_pt pt;
		const char *why;

		if (!f->pt)
			continue;
		npt++;
		assert_ptr_equal(decode_format_find(f->name), f);
		assert_non_null(f->pt->setup);
		assert_true(f->pt->params & WALK_PARAM_BIT(WALK_PARAM_LEVELS));
		assert_int_equal(f->pt->params >> WALK_NPARAMS, 0);
		if (f->pt->params & WALK_PARAM_BIT(WALK_PARAM_WINDOW_SIZE))
			p.window_size = 1ULL << 30;
		assert_int_equal(walk_pt_setup(&pt, f, 0x10000, &p, &why), 0);
		assert_true(pt.fmt == f || pt.fmt2 == f);
		assert_int_equal(pt.root, 0x10000);
		assert_true(walk_pt_levels(&pt) >= 1 && walk_pt_levels(&pt) <= WALK_MAX_LEVELS);
		for (int id = 0; id < WALK_NPARAMS; id++) {
			struct walk_pt_params q = p;

			if (f->pt->params & WALK_PARAM_BIT(id))
				continue;
			assert_int_equal(walk_param_set(&q, (enum walk_param)id,
							id == WALK_PARAM_GRANULE ? 4096 :
							id == WALK_PARAM_PAGE_SHIFT ? 12 :
							id == WALK_PARAM_KERNEL_PAGE_SIZE ? 4096 : 1,
							&why), 0);
			why = NULL;
			assert_int_equal(walk_pt_setup(&pt, f, 0, &q, &why), -EINVAL);
			assert_non_null(why);
			assert_non_null(strstr(why, "appl"));
		}
	}
	assert_int_equal(npt, 10);
	/* A register is not a page-table format. */
	assert_int_equal(walk_pt_setup(&(struct walk_pt){ 0 }, decode_format_find("vtd-cap"), 0, NULL,
				       NULL), -EOPNOTSUPP);
}

/* One range per parameter, as the CLI gives it: bounds in, bounds out. */
static void test_param_ranges(void **state)
{
	static const struct {
		enum walk_param id;
		uint64_t v;
		int ret;
	} cases[] = {
		{ WALK_PARAM_LEVELS, 0, -ERANGE }, { WALK_PARAM_LEVELS, 1, 0 },
		{ WALK_PARAM_LEVELS, WALK_MAX_LEVELS, 0 }, { WALK_PARAM_LEVELS, WALK_MAX_LEVELS + 1, -ERANGE },
		{ WALK_PARAM_LEVELS, 1ULL << 32 | 2, -ERANGE },
		{ WALK_PARAM_GRANULE, 4096, 0 }, { WALK_PARAM_GRANULE, 8192, -ERANGE },
		{ WALK_PARAM_GRANULE, 16384, 0 }, { WALK_PARAM_GRANULE, 65536, 0 },
		{ WALK_PARAM_GRANULE, 0, -ERANGE },
		{ WALK_PARAM_PAGE_SHIFT, 11, -ERANGE }, { WALK_PARAM_PAGE_SHIFT, 12, 0 },
		{ WALK_PARAM_PAGE_SHIFT, 34, 0 }, { WALK_PARAM_PAGE_SHIFT, 35, -ERANGE },
		{ WALK_PARAM_PAGE_SHIFT, 1ULL << 32 | 16, -ERANGE },
		{ WALK_PARAM_KERNEL_PAGE_SIZE, 0, -ERANGE }, { WALK_PARAM_KERNEL_PAGE_SIZE, 2048, -ERANGE },
		{ WALK_PARAM_KERNEL_PAGE_SIZE, 3072, -ERANGE }, { WALK_PARAM_KERNEL_PAGE_SIZE, 4096, 0 },
		{ WALK_PARAM_KERNEL_PAGE_SIZE, 1 << 24, 0 }, { WALK_PARAM_KERNEL_PAGE_SIZE, 1 << 25, -ERANGE },
		{ WALK_PARAM_WINDOW_SIZE, 3 << 20, 0 }, { WALK_PARAM_IAS, 1ULL << 40, 0 },
		{ WALK_NPARAMS, 1, -EINVAL },
	};
	struct walk_pt_params p = { 0 };
	struct walk_pt pt;
	const char *why;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		why = NULL;
		assert_int_equal(walk_param_set(&p, cases[i].id, cases[i].v, &why), cases[i].ret);
		if (cases[i].ret == -ERANGE)
			assert_non_null(why);
	}
	assert_int_equal(p.levels, WALK_MAX_LEVELS);
	assert_int_equal(p.granule, 65536);
	assert_int_equal(p.page_shift, 34);
	assert_int_equal(p.kernel_page_shift, 24);
	assert_int_equal(p.window_size, 3 << 20);
	/* A value too wide for its field is not cut down to a valid one. */
	assert_true(p.ias > 64);
	p = (struct walk_pt_params){ .levels = 3 };
	assert_int_equal(walk_param_set(&p, WALK_PARAM_IAS, 1ULL << 32 | 40, &why), 0);
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("arm-lpae-s2"), 0, &p, &why), -EINVAL);
	/* walk_pt_setup() holds parameters set directly to the same ranges. */
	p = (struct walk_pt_params){ .granule = 8192 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("arm-lpae-s1"), 0, &p, &why), -EINVAL);
	p = (struct walk_pt_params){ .window_size = 1ULL << 30, .kernel_page_shift = 30, .levels = 2 };
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 0, &p, &why), -EINVAL);
	p.kernel_page_shift = 12;
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 0, &p, &why), 0);
}

/*
 * Every row of the family table is complete: named, found by its name at
 * its enum value, with resolve and enumerate, one requester option, one
 * required base, and options that name themselves in their group.
 */
static void test_family_table(void **state)
{
	const struct walk_fam *f;
	enum walk_family got;
	size_t i;

	for (i = 0; (f = walk_fam_at(i)); i++) {
		unsigned int ids = 0, bases = 0, pasids = 0;

		assert_non_null(f->name);
		assert_non_null(f->resolve);
		assert_non_null(f->enumerate);
		assert_int_equal(walk_family_find(f->name, &got), 0);
		assert_int_equal(got, i);
		assert_string_equal(walk_family_name((enum walk_family)i), f->name);
		assert_null(decode_format_find(f->name));
		for (size_t j = 0; j < f->nopts; j++) {
			const struct walk_hier_opt *o = &f->opts[j];

			assert_non_null(o->name);
			assert_non_null(o->group);
			assert_non_null(strstr(o->group, o->name));
			assert_ptr_equal(walk_fam_opt(f, o->name), o);
			assert_true(!o->hi || o->range);
			ids += o->key == WALK_HK_ID;
			pasids += o->key == WALK_HK_PASID;
			bases += o->key == WALK_HK_BASE && o->required;
			if (o->key != WALK_HK_NONE)
				assert_null(walk_fam_refuses(f, o->name));
		}
		assert_int_equal(ids, 1);
		assert_int_equal(bases, 1);
		assert_true(pasids >= 1);
	}
	assert_int_equal(i, WALK_FAM_RISCV + 1);
	assert_int_equal(walk_family_find("vtd-sl-pte", &got), -ENOENT);
	assert_int_equal(walk_family_find(NULL, &got), -ENOENT);
	assert_string_equal(walk_family_name((enum walk_family)i), "unknown");
}

/* What a hierarchy takes, refuses and how a value is stored. */
static void test_family_options(void **state)
{
	const struct walk_fam *vtd = walk_fam_at(WALK_FAM_VTD), *smmu = walk_fam_at(WALK_FAM_SMMUV3);
	const struct walk_fam *amd = walk_fam_at(WALK_FAM_AMD);
	struct walk_hier h = { 0 };
	struct walk_rid rid = { 0 };
	const char *why;
	char buf[24];

	assert_string_equal(walk_fam_refuses(vtd, "strtab"), "strtab/--strtab-cfg/--sid/--ssid");
	assert_string_equal(walk_fam_refuses(vtd, "ssid"), "strtab/--strtab-cfg/--sid/--ssid");
	assert_string_equal(walk_fam_refuses(smmu, "dev"), "dev (use --sid)");
	assert_string_equal(walk_fam_refuses(amd, "rtaddr"), "rtaddr");
	assert_string_equal(walk_fam_refuses(vtd, "big-endian"), "ddtp/--ext-dc/--big-endian");
	assert_null(walk_fam_refuses(smmu, "pasid"));
	assert_null(walk_fam_refuses(amd, "dev"));

	/* RTADDR's flag bits are dropped; the DTE count and PASID have ranges. */
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(vtd, "rtaddr"), 0x12345c00, &why), 0);
	assert_int_equal(h.base, 0x12345000);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(vtd, "scalable"), 1, &why), 0);
	assert_true(h.scalable);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(amd, "dte-count"), 0, &why), -ERANGE);
	assert_string_equal(why, "1 to 65536");
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(amd, "dte-count"), 65537, &why), -ERANGE);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(amd, "dte-count"), 65536, &why), 0);
	assert_int_equal(h.dte_count, 65536);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(smmu, "ssid"), WALK_PASID_MAX + 1, &why),
			 -ERANGE);
	assert_string_equal(why, "at most 0xfffff (20 bits)");
	assert_false(rid.has_pasid);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(smmu, "pasid"), WALK_PASID_MAX, &why), 0);
	assert_true(rid.has_pasid);
	assert_int_equal(rid.pasid, WALK_PASID_MAX);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(smmu, "sid"), 0x12345, &why), 0);
	assert_int_equal(rid.id, 0x12345);
	assert_int_equal(rid.id_last, 0x12345);
	assert_int_equal(walk_hier_set(&h, &rid, walk_fam_opt(smmu, "dev"), 1, &why), -EINVAL);

	/* Requesters print as the family says. */
	walk_rid_format(WALK_FAM_SMMUV3, 0x18, buf, sizeof(buf));
	assert_string_equal(buf, "0x18");
	walk_rid_format(WALK_FAM_AMD, 0x18, buf, sizeof(buf));
	assert_string_equal(buf, "00:03.0");
	walk_rid_format(WALK_FAM_RISCV, 0x12345, buf, sizeof(buf));
	assert_string_equal(buf, "0x12345");
}

/* Random bytes as tables, every format: no crash, ascending output, bounded work. */
static void test_random_memory(void **state)
{
	static const char *const fmts[] = {
		"vtd-sl-pte", "vtd-fl-pte", "amd-v1-pte", "amd-v2-pte", "arm-lpae-s1",
		"arm-lpae-s2", "arm-v7s-l1", "ppc-tce", "riscv-pte",
	};
	uint64_t seed = 12345;

	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		for (int round = 0; round < 20; round++) {
			struct mt_mem mem = { 0 };
			struct walk_mem m = { .read = mt_read, .priv = &mem };
			struct walk_stats st = { 0 };
			struct walk_opts o = { .emit = collect_range, .max_tables = 64 };
			struct walk_pt_params p = { .window_size = 1ULL << 30, .levels = 0 };
			struct collect col;
			struct walk_pt pt;
			struct walk_trail t;

			/* 16 pages of random words at 0..64K, entries mostly pointing inside */
			mt_zero(&mem, 0, 16 * 4096);
			for (uint64_t a = 0; a < 16 * 4096; a += 8) {
				uint64_t v;

				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				v = seed;
				if (round & 1)
					v = (v & 0xf000000000000fffULL) | (v & 0xf000);
				mt_put(&mem, a, v, 8, false);
			}
			if (strcmp(fmts[f], "ppc-tce"))
				p.window_size = 0;
			assert_int_equal(walk_pt_setup(&pt, decode_format_find(fmts[f]), 0, &p, NULL), 0);
			collect_begin(&col);
			o.priv = &col;
			assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
			free(collect_end(&col));
			assert_true(st.tables <= 64);
			for (int k = 0; k < 16; k++) {
				walk_trail_init(&t);
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				assert_int_equal(walk_translate(&pt, &m, seed >> (k & 31), &t), 0);
				assert_true(t.n <= WALK_MAX_LEVELS);
			}
			for (size_t i = 0; i < mem.n; i++)
				free(mem.p[i].data);
			free(mem.p);
		}
	}
}

/* Output does not grow memory: a fully mapped 1 GiB of 4K pages is one range. */
static void test_coalesce_large(void **state)
{
	struct mt_mem mem = { 0 };
	struct walk_mem m = { .read = mt_read, .priv = &mem };
	struct walk_stats st = { 0 };
	struct walk_opts o = { .emit = collect_range };
	struct walk_pt_params p = { .levels = 3 };
	struct collect col;
	struct walk_pt pt;
	uint64_t next = 0x100000;
	struct mt_pt b;

	mt_pt_init(&b, &mem, &next, MT_VTD_SL, 3, NULL);
	for (uint64_t i = 0; i < 512 * 64; i++)
		mt_map(&b, i << 12, 0x100000000ULL + (i << 12), 12, MT_R | MT_W);
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), b.root, &p, NULL), 0);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	free(collect_end(&col));
	assert_int_equal(col.kinds[WALK_MAP], 1);
	assert_int_equal(st.pages, 512 * 64);
	assert_int_equal(st.bytes, 512ULL * 64 * 4096);
	assert_int_equal(st.tables, 1 + 1 + 64);
	for (size_t i = 0; i < mem.n; i++)
		free(mem.p[i].data);
	free(mem.p);
}

/*
 * The run check (wk_fast, run_blocks): leaf tables of 4 KiB pages that are
 * one run but for one entry, at every place a block of the check begins or
 * ends, list exactly what a walk that parses every entry lists. Tables:
 * whole runs (which merge across tables), a different address, permission
 * or a hole at position p, a stride of two pages, a 2 MiB page between
 * runs, a bit the parse ignores (SNP) on one entry, an address that carries
 * out of the address field mid-table. The reference is the same tables
 * with bit 63 (ignored by the parse) set on every other leaf entry: no two
 * neighbours then differ by a power of two, so the run check never starts
 * and every entry is parsed. Walked in place (peek) and by reads, whole
 * and in windows that cut tables.
 */
struct run_world {
	struct mt_mem mem;
	struct mt_expect exp;
	struct mt_pt b;
	uint64_t next, mapped_last;
	uint64_t leaf[160];	/* leaf tables */
	size_t nleaf;
};

static void run_table(struct run_world *rw, uint64_t t, uint64_t pa, int what, unsigned int p)
{
	for (unsigned int k = 0; k < 512; k++) {
		uint64_t iova = (t << 21) + ((uint64_t)k << 12), a = pa + ((uint64_t)k << 12);
		unsigned int perms = MT_R | MT_W;

		if (what == 1 && k >= p)
			a += 16 << 12;			/* the address jumps at p */
		if (what == 2 && k == p)
			perms = MT_R;			/* one entry read-only */
		if (what == 3 && k == p)
			continue;			/* a hole at p */
		if (what == 4)
			a = pa + ((uint64_t)k << 13);	/* a stride of two pages */
		mt_map(&rw->b, iova, a, 12, perms);
	}
	rw->leaf[rw->nleaf++] = mt_entry_addr(&rw->b, t << 21, 2) & ~0xfffULL;
}

static char *run_walk(struct run_world *rw, uint64_t root, bool peek, uint64_t lo, uint64_t hi,
		      struct walk_stats *st)
{
	struct peek_mem pm = { .mem = &rw->mem, .refuse = !peek };
	struct walk_mem m = { .read = pm_read, .peek = pm_peek, .priv = &pm };
	struct walk_opts o = { .emit = collect_range, .iova_start = lo, .iova_last = hi };
	struct walk_pt_params p = { .levels = 3 };
	struct collect col;
	struct walk_pt pt;

	memset(st, 0, sizeof(*st));
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), root, &p, NULL), 0);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, st), 0);
	assert_int_equal(st->faults + st->loops + st->bad + st->limited, 0);
	return collect_end(&col);
}

static void test_leaf_runs(void **state)
{
	static const unsigned int at[] = { 1, 2, 3, 4, 31, 32, 33, 34, 63, 64, 65, 255, 256,
					   476, 477, 478, 479, 480, 481, 482, 507, 508, 509, 510, 511 };
	static const uint64_t windows[][2] = {
		{ 0x25000, 0x3ffff }, { 0x1000, 0x1fefff }, { 0x3000, 0x5e2fff }, { 0x201000, 0x7fffffff },
		{ 0x2000, 0x402800 }, { 0x1ff800, 0x3fffff },	/* the window cuts a slot */
	};
	struct run_world *rw = calloc(1, sizeof(*rw));
	struct walk_stats st, ref_st;
	uint64_t t = 0, pa = 0x100000000ULL, fast = 0;
	char *want, *got, *ref;

	(void)state;
	rw->next = 0x100000;
	rw->exp.f = open_memstream(&rw->exp.buf, &rw->exp.len);
	fputs("IOVA                PA                  SIZE   PERMS PAGE\n", rw->exp.f);
	mt_pt_init(&rw->b, &rw->mem, &rw->next, MT_VTD_SL, 3, &rw->exp);
	/* two whole runs, the second going on from the first: one range */
	run_table(rw, t++, pa, 0, 0);
	run_table(rw, t++, pa + (512 << 12), 0, 0);
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		for (int what = 1; what <= 3; what++)
			run_table(rw, t++, pa += 1ULL << 24, what, at[i]);
	run_table(rw, t++, pa += 1ULL << 24, 4, 0);
	/* a 2 MiB page, then a run of 4 KiB pages going on where it ends: two ranges */
	mt_map(&rw->b, t++ << 21, pa += 1ULL << 24, 21, MT_R | MT_W);
	run_table(rw, t++, pa + (1ULL << 21), 0, 0);
	rw->mapped_last = (t << 21) - 1;
	mt_flush(&rw->exp);
	fclose(rw->exp.f);
	want = rw->exp.buf;

	/* bits the builder cannot express, after the expected text ends */
	rw->b.exp = NULL;
	run_table(rw, t, pa += 1ULL << 24, 0, 0);
	mt_put(&rw->mem, rw->leaf[rw->nleaf - 1] + 8 * 100,
	       mt_get(&rw->mem, rw->leaf[rw->nleaf - 1] + 8 * 100, 8, false) | 1ULL << 11, 8, false);
	t++;
	run_table(rw, t++, (1ULL << 52) - (256ULL << 12), 0, 0);
	for (unsigned int k = 0; k < 512; k++)	/* the builder masks the address: carry into bit 52 */
		mt_put(&rw->mem, rw->leaf[rw->nleaf - 1] + 8 * k,
		       ((1ULL << 52) - (256ULL << 12) + ((uint64_t)k << 12)) | 3, 8, false);

	/* the tables as built: in place and by reads, the same */
	got = run_walk(rw, rw->b.root, true, 0, rw->mapped_last, &st);
	assert_string_equal(got, want);
	fast = st.run_entries;
	assert_true(fast > 75 * 500);		/* most entries of the 79 tables */
	free(got);
	got = run_walk(rw, rw->b.root, false, 0, rw->mapped_last, &st);
	assert_string_equal(got, want);
	assert_int_equal(st.run_entries, fast);
	free(got);
	{
		char *all = run_walk(rw, rw->b.root, true, 0, 0, &st);
		char *all_read = run_walk(rw, rw->b.root, false, 0, 0, &ref_st);
		uint64_t entries = st.entries;
		char *w[6], *wr[6];

		assert_string_equal(all, all_read);
		for (size_t i = 0; i < 6; i++) {
			w[i] = run_walk(rw, rw->b.root, true, windows[i][0], windows[i][1], &st);
			wr[i] = run_walk(rw, rw->b.root, false, windows[i][0], windows[i][1], &st);
			assert_string_equal(w[i], wr[i]);
		}

		/* the reference: every other leaf entry with bit 63 set, each entry parsed */
		for (size_t i = 0; i < rw->nleaf; i++)
			for (unsigned int k = 1; k < 512; k += 2) {
				uint64_t ea = rw->leaf[i] + 8 * k;

				mt_put(&rw->mem, ea, mt_get(&rw->mem, ea, 8, false) | 1ULL << 63, 8, false);
			}
		ref = run_walk(rw, rw->b.root, true, 0, rw->mapped_last, &ref_st);
		assert_int_equal(ref_st.run_entries, 0);
		assert_string_equal(ref, want);
		free(ref);
		ref = run_walk(rw, rw->b.root, true, 0, 0, &ref_st);
		assert_int_equal(ref_st.run_entries, 0);
		assert_string_equal(all, ref);
		assert_int_equal(entries, ref_st.entries);
		free(ref);
		for (size_t i = 0; i < 6; i++) {
			ref = run_walk(rw, rw->b.root, true, windows[i][0], windows[i][1], &ref_st);
			assert_string_equal(w[i], ref);
			free(ref);
			free(w[i]);
			free(wr[i]);
		}
		/* the SNP bit changes nothing listed; the carry splits the last table */
		assert_non_null(strstr(all, "0x000ffffffff00000  1M"));
		assert_non_null(strstr(all, "0x0000000000000000  1M"));
		free(all);
		free(all_read);
	}
	free(want);
	for (size_t i = 0; i < rw->mem.n; i++)
		free(rw->mem.p[i].data);
	free(rw->mem.p);
	free(rw);
}

/*
 * A memory that fails for good after `left` reads, as the dump file does
 * when it shrinks under the reader (-ESTALE): walks and the root search
 * stop and return that, rather than listing everything as unreadable.
 */
struct failing {
	struct walk_mem inner;
	int left;
	int range_err;		/* range_next returns this (0: the world's pages) */
};

static int failing_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	struct failing *f = priv;

	if (f->left-- <= 0) {
		if (fault)
			*fault = pa;
		return -ESTALE;
	}
	return f->inner.read(f->inner.priv, pa, buf, len, fault);
}

/* The world's pages as data ranges, one page each. */
static int failing_range_next(void *priv, uint64_t pa, uint64_t *start, uint64_t *end)
{
	struct failing *f = priv;
	uint64_t best = UINT64_MAX;

	if (f->range_err)
		return f->range_err;
	for (size_t i = 0; i < world->mem.n; i++)
		if (world->mem.p[i].data && world->mem.p[i].pa + MT_PAGE > pa && world->mem.p[i].pa < best)
			best = world->mem.p[i].pa;
	if (best == UINT64_MAX)
		return -ENOENT;
	*start = best;
	*end = best + MT_PAGE;
	return 0;
}

static void test_memory_fails(void **state)
{
	struct failing f = { .inner = world_mem(), .left = 3 };
	struct walk_mem m = { .read = failing_read, .priv = &f };
	struct walk_stats st = { 0 };
	struct walk_opts o = { .emit = collect_range };
	struct roots_opts ro = { .family = WALK_FAM_VTD, .range_next = failing_range_next,
				 .range_priv = &f };
	struct roots_stats rst;
	struct root_candidate *c;
	struct collect col;
	struct walk_pt pt;
	size_t n;

	case_pt(find_case("vtd-sl"), &pt);
	collect_begin(&col);
	o.priv = &col;
	assert_int_equal(walk_run(&pt, &m, &o, &st), -ESTALE);
	free(collect_end(&col));
	assert_int_equal(col.kinds[WALK_FAULT], 0);
	assert_int_equal(st.faults, 0);
	assert_true(walk_mem_failed(-ESTALE));
	assert_false(walk_mem_failed(0) || walk_mem_failed(-ENXIO) || walk_mem_failed(-ENODATA) ||
		     walk_mem_failed(-EIO) || walk_mem_failed(-EOPNOTSUPP));

	/* the root search: every page of the world is found before the failure... */
	f.left = 1 << 30;
	assert_int_equal(roots_find(&m, &ro, &c, &n, &rst), 0);
	assert_true(n >= 2);
	free(c);
	/* ...and stops at it, with nothing */
	f.left = 5;
	assert_int_equal(roots_find(&m, &ro, &c, &n, &rst), -ESTALE);
	assert_null(c);
	assert_int_equal(n, 0);
	assert_int_equal(rst.pages, 6);
	f.range_err = -ESTALE;
	assert_int_equal(roots_find(&m, &ro, &c, &n, &rst), -ESTALE);
}

/* Counts ranges by kind, and keeps the last: for walks too long to print. */
struct tally {
	uint64_t kinds[8];
	struct walk_range last;
};

static int tally_range(void *priv, const struct walk_range *r)
{
	struct tally *t = priv;

	t->kinds[r->kind]++;
	t->last = *r;
	return 0;
}

/*
 * A memory of its own for the unreadable-table tests: bytes [0, n) readable
 * but the page at excl (-ENODATA), nothing else (-ENXIO); fault_end tells
 * where a failing stretch ends when `ends` is set; reads are counted.
 */
struct spotty {
	uint8_t *p;
	uint64_t n, excl;
	bool ends;
	uint64_t reads;
};

static int spotty_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	struct spotty *s = priv;
	uint64_t f;
	int err;

	s->reads++;
	if (len && pa + (len - 1) < pa)
		return -EINVAL;	/* as mem_read(): a read that wraps fails the walk */
	if (pa < s->excl + 4096 && pa + len > s->excl)
		f = pa > s->excl ? pa : s->excl, err = -ENODATA;
	else if (pa >= s->n || len > s->n - pa)
		f = pa > s->n ? pa : s->n, err = -ENXIO;
	else {
		memcpy(buf, s->p + pa, len);
		return 0;
	}
	if (fault)
		*fault = f;
	return err;
}

static int spotty_fault_end(void *priv, uint64_t pa, int err, uint64_t *end)
{
	struct spotty *s = priv;

	if (!s->ends)
		return -ENOENT;
	if (err == -ENODATA && pa >= s->excl && pa < s->excl + 4096)
		return *end = s->excl + 4096, 0;
	if (err == -ENXIO && pa >= s->n)
		return *end = ~0ULL, 0;
	return -ENOENT;
}

static char *spotty_walk(struct spotty *s, const struct walk_pt *pt, struct walk_stats *st)
{
	struct walk_mem m = { .read = spotty_read, .fault_end = spotty_fault_end, .priv = s };
	struct walk_opts o = { .emit = collect_range };
	struct collect col;

	memset(st, 0, sizeof(*st));
	collect_begin(&col);
	o.priv = &col;
	s->reads = 0;
	assert_int_equal(walk_run(pt, &m, &o, st), 0);
	return collect_end(&col);
}

/*
 * Unreadable stretches of a table are passed in one step when the memory
 * says where they end, with the output of reading entry by entry; a table
 * of 2^24 entries outside the dump takes a few reads, not 2^24; a table
 * at the top of the address space ends at 2^64 without a read past it.
 */
static void test_unreadable_tables(void **state)
{
	struct walk_pt_params p = { .window_size = 1ULL << 26 };	/* 16384 TCEs: 128 KiB */
	struct spotty s = { .n = 96 * 1024, .excl = 40 * 1024 };
	struct walk_stats st1, st2;
	struct walk_pt pt;
	char *per_entry, *at_once;
	uint64_t reads1;

	/* a table at 0 that the dump holds in part: entries, a hole, the end */
	s.p = xcalloc(1, s.n);
	for (uint64_t i = 0; i < s.n / 8; i += 7) {
		uint64_t tce = (0x100000 + i * 4096) | 3;	/* read + write */

		memcpy(s.p + i * 8, &tce, 8);
	}
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 0, &p, NULL), 0);
	per_entry = spotty_walk(&s, &pt, &st1);
	reads1 = s.reads;
	s.ends = true;
	at_once = spotty_walk(&s, &pt, &st2);
	assert_string_equal(per_entry, at_once);
	assert_memory_equal(&st1, &st2, sizeof(st1));
	assert_int_equal(st2.faults, 2);	/* the excluded page; the rest past the dump */
	assert_true(reads1 > (4096 + 32 * 1024) / 8);	/* one per entry of the page and the tail */
	assert_true(s.reads < 40);
	free(per_entry);
	free(at_once);

	/* 2^24 entries, none in the dump */
	p.window_size = 1ULL << 36;
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 1ULL << 40, &p, NULL), 0);
	at_once = spotty_walk(&s, &pt, &st2);
	assert_int_equal(st2.faults, 1);
	assert_true(s.reads < 4);
	free(at_once);

	/* a table whose last 128 KiB would lie past 2^64 */
	p.window_size = 1ULL << 26;
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), ~0ULL - 0xffff, &p, NULL), 0);
	s.ends = false;
	at_once = spotty_walk(&s, &pt, &st2);
	/* one fault: below 2^64 not in the dump, past it nowhere (walk_run's 0 above: no read wrapped) */
	assert_int_equal(st2.faults, 1);
	assert_true(s.reads <= 8192 + 64);
	free(at_once);
	free(s.p);
}

/*
 * TCE level sizes as Linux 7.2 makes them (arch/powerpc/platforms/powernv/
 * pci-ioda-tce.c, pnv_pci_ioda2_table_alloc_pages): entries_shift =
 * log2(window) - page_shift; level_shift = max(ceil(entries_shift / levels)
 * + 3, PAGE_SHIFT), every level that size; pnv_tce() takes level N's index
 * from the bits at (N - 1) * (level_shift - 3) of the TCE index. With 64K
 * kernel pages a level holds 8192 entries at least, so a table may have
 * more levels than its window needs: the levels above the window's index
 * bits are used at index 0 only (the kernel accepts such a table while
 * (level_shift - 3) * levels + page_shift < 55; VFIO lets userspace ask
 * for up to 5 levels).
 */
static void test_tce_linux_levels(void **state)
{
	static const struct {
		unsigned int kps, ps, levels;
		uint64_t window;
		unsigned int level_bits, top_bits;
	} cases[] = {
		{ 12, 12, 1, 1ULL << 31, 19, 19 },	/* VFIO's 32-bit window: 1 level */
		{ 16, 12, 1, 1ULL << 31, 19, 19 },
		{ 12, 12, 2, 1ULL << 30, 9, 9 },	/* the DDW of the VM tests, 4K kernel
							 * (and a 1 GiB guest's own default window) */
		{ 16, 12, 2, 1ULL << 30, 13, 5 },	/* ... 64K kernel */
		{ 16, 16, 2, 1ULL << 30, 13, 1 },	/* a 64K kernel's default window: 64K TCEs */
		{ 12, 12, 3, 1ULL << 30, 9, 0 },
		{ 16, 12, 3, 1ULL << 30, 13, 0 },	/* 13 + 5 + 0 bits (was refused) */
		{ 12, 12, 4, 1ULL << 30, 9, 0 },	/* 9 + 9 + 0 + 0 bits (was refused) */
		{ 16, 12, 2, 1ULL << 40, 14, 14 },	/* the level no longer a page */
		{ 12, 16, 3, 1ULL << 40, 9, 6 },
	};
	struct walk_pt pt;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct walk_pt_params p = { .window_size = cases[i].window, .levels = (int)cases[i].levels,
					    .page_shift = cases[i].ps, .kernel_page_shift = cases[i].kps };

		assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), 0, &p, NULL), 0);
		assert_int_equal(pt.tce_level_bits, cases[i].level_bits);
		assert_int_equal(pt.top_bits, cases[i].top_bits);
		/* the input is the window, however many bits the levels hold */
		assert_int_equal(walk_pt_input_bits(&pt), (unsigned int)__builtin_ctzll(cases[i].window));
	}
}

/*
 * A 3-level table as a 64K Linux kernel builds it for a 1 GiB DDW of 4K
 * TCEs (VFIO_IOMMU_SPAPR_TCE_CREATE levels=3): 64 KiB levels, the top used
 * at index 0, the middle at 5 bits. Translate and walk find the page; the
 * 4K kernel's rule (512 entries a level) reads other entries and does not;
 * an address past the window is out of range, not aliased onto index 0.
 */
static void test_tce_3level_64k(void **state)
{
	struct mt_mem mem = { 0 };
	struct walk_mem m = { .read = mt_read, .priv = &mem };
	const uint64_t bus = 0x800000000000000ULL, top = 0x100000, mid = 0x200000, leaf = 0x300000;
	const uint64_t k = 21, j = 0x1234, page = 0x40000000;
	const uint64_t iova = bus + (((k << 13) | j) << 12);
	struct walk_pt_params p = { .window_size = 1ULL << 30, .levels = 3, .page_shift = 12,
				    .bus_offset = bus, .kernel_page_shift = 16 };
	struct walk_pt pt;
	struct walk_trail t;
	struct walk_stats st = { 0 };
	struct tally tl = { 0 };
	struct walk_opts o = { .emit = tally_range, .priv = &tl };

	(void)state;
	mt_zero(&mem, top, 0x10000);
	mt_zero(&mem, mid, 0x10000);
	mt_zero(&mem, leaf, 0x10000);
	mt_put(&mem, top, mid | 3, 8, true);
	mt_put(&mem, mid + 8 * k, leaf | 3, 8, true);
	mt_put(&mem, leaf + 8 * j, page | 3, 8, true);
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), top, &p, NULL), 0);

	walk_trail_init(&t);
	assert_int_equal(walk_translate(&pt, &m, iova + 0x567, &t), 0);
	assert_int_equal(t.stop, WALK_STOP_OK);
	assert_int_equal(t.pa, page + 0x567);
	assert_int_equal(t.n, 3);
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	assert_int_equal(tl.kinds[WALK_MAP], 1);
	assert_int_equal(tl.last.iova, iova);
	walk_trail_init(&t);
	assert_int_equal(walk_translate(&pt, &m, bus + (1ULL << 30), &t), 0);
	assert_int_equal(t.stop, WALK_STOP_RANGE);
	/* the same window with the given level size (the kprobe's 64 KiB) */
	p.kernel_page_shift = 0;
	p.level_entries = 8192;
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), top, &p, NULL), 0);
	walk_trail_init(&t);
	assert_int_equal(walk_translate(&pt, &m, iova, &t), 0);
	assert_int_equal(t.stop, WALK_STOP_OK);
	/* the 4K kernel's rule: 512 entries a level, another entry of mid */
	p.level_entries = 0;
	p.kernel_page_shift = 12;
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("ppc-tce"), top, &p, NULL), 0);
	walk_trail_init(&t);
	assert_int_equal(walk_translate(&pt, &m, iova, &t), 0);
	assert_int_equal(t.stop, WALK_STOP_NOT_PRESENT);
	for (size_t i = 0; i < mem.n; i++)
		free(mem.p[i].data);
	free(mem.p);
}

/*
 * The audit's B14 image, smaller: 65 level-2 tables whose 512 entries all
 * point at one leaf table, whose 512 entries all map the same page. Leaf
 * tables are not tracked and nothing coalesces: 17 million ranges from 276
 * KB of tables. The range budget cuts it: exactly max_ranges ranges, then
 * one limit range to the end of the window, and the walk ends.
 */
static void test_range_budget(void **state)
{
	struct mt_mem mem = { 0 };
	struct walk_mem m = { .read = mt_read, .priv = &mem };
	struct walk_pt_params p = { .levels = 4 };
	struct walk_pt pt;
	struct walk_stats st = { 0 };
	struct tally t = { 0 };
	struct walk_opts o = { .emit = tally_range, .priv = &t, .max_ranges = 600 };
	const uint64_t l3 = 0x2000, leaf = 0x80000, l2 = 0x100000, n2 = 65;

	mt_zero(&mem, 0x1000, 0x2000);
	mt_zero(&mem, leaf, 0x1000);
	mt_zero(&mem, l2, n2 * 0x1000);
	mt_put(&mem, 0x1000, l3 | 3, 8, false);
	for (uint64_t k = 0; k < n2; k++) {
		mt_put(&mem, l3 + 8 * k, (l2 + k * 0x1000) | 3, 8, false);
		for (uint64_t i = 0; i < 512; i++)
			mt_put(&mem, l2 + k * 0x1000 + 8 * i, leaf | 3, 8, false);
	}
	for (uint64_t i = 0; i < 512; i++)
		mt_put(&mem, leaf + 8 * i, 0x200000 | 3, 8, false);
	assert_int_equal(walk_pt_setup(&pt, decode_format_find("vtd-sl-pte"), 0x1000, &p, NULL), 0);

	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	assert_int_equal(t.kinds[WALK_MAP], 600);
	assert_int_equal(t.kinds[WALK_LIMIT], 1);
	assert_int_equal(t.last.kind, WALK_LIMIT);
	assert_int_equal(t.last.limit, WALK_LIMIT_RANGES);
	assert_int_equal(t.last.iova, 600 * 0x1000);
	assert_int_equal(t.last.last, (1ULL << 48) - 1);
	assert_true(st.out_of_ranges);
	assert_int_equal(st.ranges, 600);
	assert_int_equal(st.limited, 1);
	assert_true(st.tables <= 5);

	/* a second walk on the same statistics lists nothing but the limit */
	memset(&t, 0, sizeof(t));
	o.iova_start = 0x40000000;
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	assert_int_equal(t.kinds[WALK_MAP], 0);
	assert_int_equal(t.kinds[WALK_LIMIT], 1);
	assert_int_equal(t.last.iova, 0x40000000);

	/* the default budget: 2^24 ranges of the 17 million */
	memset(&t, 0, sizeof(t));
	memset(&st, 0, sizeof(st));
	o = (struct walk_opts){ .emit = tally_range, .priv = &t };
	assert_int_equal(walk_run(&pt, &m, &o, &st), 0);
	assert_int_equal(t.kinds[WALK_MAP], WALK_MAX_RANGES_DEFAULT);
	assert_int_equal(t.kinds[WALK_LIMIT], 1);
	assert_int_equal(t.last.iova, (uint64_t)WALK_MAX_RANGES_DEFAULT * 0x1000);
	assert_true(st.out_of_ranges);
	for (size_t i = 0; i < mem.n; i++)
		free(mem.p[i].data);
	free(mem.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_translate_agrees),
		cmocka_unit_test(test_in_place),
		cmocka_unit_test(test_window_and_stop),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_self_loop_everywhere),
		cmocka_unit_test(test_translate_stops),
		cmocka_unit_test(test_translate_reserved),
		cmocka_unit_test(test_vtd),
		cmocka_unit_test(test_enumerate),
		cmocka_unit_test(test_smmu_amd_riscv),
		cmocka_unit_test(test_setup_errors),
		cmocka_unit_test(test_root_alignment),
		cmocka_unit_test(test_format_setup_hooks),
		cmocka_unit_test(test_param_ranges),
		cmocka_unit_test(test_family_table),
		cmocka_unit_test(test_family_options),
		cmocka_unit_test(test_random_memory),
		cmocka_unit_test(test_coalesce_large),
		cmocka_unit_test(test_leaf_runs),
		cmocka_unit_test(test_range_budget),
		cmocka_unit_test(test_memory_fails),
		cmocka_unit_test(test_unreadable_tables),
		cmocka_unit_test(test_smmu_s2_linux72),
		cmocka_unit_test(test_tce_linux_levels),
		cmocka_unit_test(test_tce_3level_64k),
	};

	return cmocka_run_group_tests(tests, setup_world, teardown_world);
}
