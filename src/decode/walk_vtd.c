/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VT-d: requester -> page table (formats.md §1.4 root table, §1.5 legacy
 * context entry, §1.6 scalable-mode context entry, §1.7 PASID directory and
 * table, §1.8 the walk; Intel VT-d spec §3.4-3.6, §9.1-9.6). Legacy: TT and
 * AW pick a second-stage table or pass-through. Scalable: the PASID entry's
 * PGTT picks first stage, second stage, nested (second stage walked) or
 * pass-through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

#define VTD_ADDR(v)	((v) & GENMASK64(63, 12))

static void vtd_stop_np(struct walk_trail *t, struct walk_step *s)
{
	snprintf(s->summary, sizeof(s->summary), "not present");
	walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "%s at 0x%llx is not present", s->what,
			(unsigned long long)s->pa);
}

/* Build a table target; a geometry the hardware cannot use stops the trail. */
static bool vtd_table(struct walk_trail *t, struct walk_target *tgt,
		      const struct decode_fmt *fmt, uint64_t root, int levels, const char *what)
{
	struct walk_pt_params p = { .levels = levels };
	const char *why;

	if (walk_pt_setup(&tgt->pt, fmt, root, &p, &why)) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "%s: %s", what, why ? why : "bad geometry");
		return false;
	}
	tgt->kind = WALK_TGT_TABLE;
	return true;
}

/* Legacy context entry (§1.5) -> target. */
static bool vtd_ctx_target(struct walk_trail *t, struct walk_step *s, struct walk_target *tgt)
{
	uint64_t q0 = s->words[0], q1 = s->words[1];
	unsigned int tt = (unsigned int)bits64(q0, 3, 2), aw = (unsigned int)bits64(q1, 2, 0);

	if (!(q0 & 1)) {
		vtd_stop_np(t, s);
		return false;
	}
	if (walk_step_reserved(t, s))
		return false;
	if (tt == 2) {
		snprintf(s->summary, sizeof(s->summary), "present, TT=2 pass-through, DID %u",
			 (unsigned int)bits64(q1, 23, 8));
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "pass-through (context TT=2)");
		return true;
	}
	if (tt == 3 || aw > 3) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "context entry at 0x%llx: %s",
				(unsigned long long)s->pa, tt == 3 ? "TT=3 is reserved" :
				"AW above 3 is reserved");
		return false;
	}
	snprintf(s->summary, sizeof(s->summary),
		 "present, TT=%u, AW=%u (%d-level), second stage at 0x%llx, DID %u", tt, aw, aw + 2,
		 (unsigned long long)VTD_ADDR(q0), (unsigned int)bits64(q1, 23, 8));
	return vtd_table(t, tgt, &fmt_vtd_sl_pte, VTD_ADDR(q0), (int)aw + 2, "context entry");
}

/* PASID table entry (§1.7) -> target by PGTT. */
static bool vtd_pasid_target(struct walk_trail *t, struct walk_step *s, struct walk_target *tgt)
{
	uint64_t q0 = s->words[0], q2 = s->words[2];
	unsigned int pgtt = (unsigned int)bits64(q0, 8, 6), aw = (unsigned int)bits64(q0, 4, 2);
	unsigned int fspm = (unsigned int)bits64(q2, 3, 2);

	if (!(q0 & 1)) {
		vtd_stop_np(t, s);
		return false;
	}
	if (walk_step_reserved(t, s))
		return false;
	switch (pgtt) {
	case 1:
		snprintf(s->summary, sizeof(s->summary),
			 "present, PGTT=1 first stage at 0x%llx, %u-level, DID %u",
			 (unsigned long long)VTD_ADDR(q2), 4 + fspm,
			 (unsigned int)bits64(s->words[1], 15, 0));
		if (fspm > 1) {
			walk_trail_stop(t, WALK_STOP_MALFORMED, "PASID entry at 0x%llx: FSPM %u is reserved",
					(unsigned long long)s->pa, fspm);
			return false;
		}
		return vtd_table(t, tgt, &fmt_vtd_fl_pte, VTD_ADDR(q2), 4 + (int)fspm, "PASID entry");
	case 2:
	case 3:
		snprintf(s->summary, sizeof(s->summary),
			 "present, PGTT=%u %s, second stage at 0x%llx, AW=%u, DID %u", pgtt,
			 pgtt == 2 ? "second stage" : "nested", (unsigned long long)VTD_ADDR(q0), aw,
			 (unsigned int)bits64(s->words[1], 15, 0));
		if (aw < 1 || aw > 3) {
			walk_trail_stop(t, WALK_STOP_MALFORMED, "PASID entry at 0x%llx: AW %u is reserved",
					(unsigned long long)s->pa, aw);
			return false;
		}
		if (!vtd_table(t, tgt, &fmt_vtd_sl_pte, VTD_ADDR(q0), (int)aw + 2, "PASID entry"))
			return false;
		if (pgtt == 3) {
			tgt->pt.nested = true;
			snprintf(tgt->note, sizeof(tgt->note),
				 "nested (PGTT=3): walking the second stage only; the first stage at "
				 "0x%llx holds guest-physical addresses",
				 (unsigned long long)VTD_ADDR(q2));
		}
		return true;
	case 4:
		snprintf(s->summary, sizeof(s->summary), "present, PGTT=4 pass-through, DID %u",
			 (unsigned int)bits64(s->words[1], 15, 0));
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "pass-through (PASID entry PGTT=4)");
		return true;
	default:
		walk_trail_stop(t, WALK_STOP_MALFORMED, "PASID entry at 0x%llx: PGTT %u is reserved",
				(unsigned long long)s->pa, pgtt);
		return false;
	}
}

/* Root entry (§1.4): the context table for devfn, or 0 when not present. */
static uint64_t vtd_root_ctp(const struct walk_hier *h, struct walk_step *s, unsigned int devfn)
{
	bool upper = h->scalable && devfn >= 0x80;
	uint64_t w = upper ? s->words[1] : s->words[0];

	if (!(w & 1)) {
		snprintf(s->summary, sizeof(s->summary), "%s not present",
			 h->scalable ? (upper ? "upper context table" : "lower context table") :
				       "context table");
		return 0;
	}
	snprintf(s->summary, sizeof(s->summary), "present, %scontext table at 0x%llx",
		 h->scalable ? (upper ? "upper " : "lower ") : "", (unsigned long long)VTD_ADDR(w));
	return VTD_ADDR(w) | 1;	/* bit 0 marks "present" for callers */
}

static const struct decode_fmt *vtd_root_fmt(const struct walk_hier *h)
{
	return h->scalable ? &fmt_vtd_root_sm : &fmt_vtd_root;
}

static const struct decode_fmt *vtd_ctx_fmt(const struct walk_hier *h)
{
	return h->scalable ? &fmt_vtd_context_sm : &fmt_vtd_context;
}

static int vtd_resolve(const struct walk_hier *h, const struct walk_mem *m,
		       const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt)
{
	unsigned int bus = rid->id >> 8 & 0xff, devfn = rid->id & 0xff, pdts;
	struct walk_step *s;
	uint64_t ctp, q0, q1, dir, pt;
	uint32_t pasid;

	if (rid->id > 0xffff) {
		walk_trail_stop(t, WALK_STOP_RANGE, "requester ID 0x%x is above 0xffff", rid->id);
		return 0;
	}
	s = walk_step_read(t, m, "root entry", vtd_root_fmt(h), NULL, h->base, bus, 16);
	if (!s || walk_step_reserved(t, s))
		return 0;
	ctp = vtd_root_ctp(h, s, devfn);
	if (!ctp) {
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "root entry at 0x%llx (bus %02x): %s",
				(unsigned long long)s->pa, bus, s->summary);
		return 0;
	}
	ctp &= ~1ULL;
	if (!h->scalable) {
		s = walk_step_read(t, m, "context entry", &fmt_vtd_context, NULL, ctp, devfn, 16);
		if (s)
			vtd_ctx_target(t, s, tgt);
		return 0;
	}
	s = walk_step_read(t, m, "context entry", &fmt_vtd_context_sm, NULL, ctp, devfn & 0x7f, 32);
	if (!s)
		return 0;
	q0 = s->words[0];
	q1 = s->words[1];
	if (!(q0 & 1)) {
		vtd_stop_np(t, s);
		return 0;
	}
	if (walk_step_reserved(t, s))
		return 0;
	pdts = (unsigned int)bits64(q0, 11, 9);
	pasid = rid->has_pasid ? rid->pasid : (uint32_t)bits64(q1, 19, 0);
	snprintf(s->summary, sizeof(s->summary),
		 "present, PASID directory at 0x%llx (%u entries), RID_PASID %u%s",
		 (unsigned long long)VTD_ADDR(q0), 1u << (pdts + 7), (unsigned int)bits64(q1, 19, 0),
		 q0 & 8 ? ", PASIDE" : "");
	if (rid->has_pasid && pasid != bits64(q1, 19, 0) && !(q0 & 8)) {
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT,
				"context entry at 0x%llx: requests with a PASID are not enabled (PASIDE=0)",
				(unsigned long long)s->pa);
		return 0;
	}
	if (pasid > WALK_PASID_MAX || (pasid >> 6) >= 1u << (pdts + 7)) {
		walk_trail_stop(t, WALK_STOP_RANGE,
				"PASID %u is beyond the PASID directory (PDTS=%u: %u entries)", pasid,
				pdts, 1u << (pdts + 7));
		return 0;
	}
	dir = VTD_ADDR(q0);
	s = walk_step_read(t, m, "PASID directory entry", &fmt_vtd_pasid_dir, NULL, dir, pasid >> 6, 8);
	if (!s)
		return 0;
	if (!(s->words[0] & 1)) {
		vtd_stop_np(t, s);
		return 0;
	}
	if (walk_step_reserved(t, s))
		return 0;
	pt = VTD_ADDR(s->words[0]);
	snprintf(s->summary, sizeof(s->summary), "present, PASID table at 0x%llx",
		 (unsigned long long)pt);
	s = walk_step_read(t, m, "PASID entry", &fmt_vtd_pasid, NULL, pt, pasid & 63, 64);
	if (s)
		vtd_pasid_target(t, s, tgt);
	return 0;
}

/* Report a structure problem for a range of requesters and go on. */
static int vtd_problem(walk_hier_cb cb, void *priv, uint32_t id, uint32_t last,
		       const struct walk_trail *t)
{
	struct walk_rid r = { .id = id, .id_last = last };

	return cb(priv, &r, NULL, t);
}

static int vtd_enum_pasids(const struct walk_hier *h, const struct walk_mem *m,
			   uint64_t max_tables, uint64_t *tables, walk_hier_cb cb, void *priv,
			   uint32_t id, const struct walk_trail *tctx)
{
	const struct walk_step *cs = &tctx->steps[tctx->n - 1];
	unsigned int ndir = 1u << (bits64(cs->words[0], 11, 9) + 7);
	uint64_t dir = VTD_ADDR(cs->words[0]);
	struct walk_trail td, tp;
	int ret;

	if (ndir > 1u << 14)
		ndir = 1u << 14;
	for (unsigned int di = 0; di < ndir; di++) {
		struct walk_step *s;
		uint64_t pt;

		td = *tctx;
		s = walk_step_read(&td, m, "PASID directory entry", &fmt_vtd_pasid_dir, NULL, dir, di, 8);
		if (!s) {
			struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true, .pasid = di << 6 };

			/* The rest of the directory is as unreadable: report once. */
			return cb(priv, &r, NULL, &td);
		}
		if (!(s->words[0] & 1))
			continue;
		if (walk_step_reserved(&td, s)) {
			struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true, .pasid = di << 6 };

			if ((ret = cb(priv, &r, NULL, &td)))
				return ret;
			continue;
		}
		pt = VTD_ADDR(s->words[0]);
		snprintf(s->summary, sizeof(s->summary), "present, PASID table at 0x%llx",
			 (unsigned long long)pt);
		if (++*tables > max_tables)
			return -E2BIG;
		for (unsigned int pi = 0; pi < 64; pi++) {
			struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true,
					      .pasid = di << 6 | pi };
			struct walk_target tgt;
			struct walk_step *ps;

			tp = td;
			memset(&tgt, 0, sizeof(tgt));
			ps = walk_step_read(&tp, m, "PASID entry", &fmt_vtd_pasid, NULL, pt, pi, 64);
			if (!ps) {
				if ((ret = cb(priv, &r, NULL, &tp)))
					return ret;
				break;
			}
			if (!(ps->words[0] & 1))
				continue;
			ret = vtd_pasid_target(&tp, ps, &tgt) ? cb(priv, &r, &tgt, &tp) :
								cb(priv, &r, NULL, &tp);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int vtd_enum(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
		    uint64_t *tables, walk_hier_cb cb, void *priv)
{
	const unsigned int csize = h->scalable ? 32 : 16;
	struct walk_trail tr, tc;
	int ret;

	if (++*tables > max_tables)
		return -E2BIG;
	for (unsigned int bus = 0; bus < 256; bus++) {
		struct walk_step *s;

		walk_trail_init(&tr);
		s = walk_step_read(&tr, m, "root entry", vtd_root_fmt(h), NULL, h->base, bus, 16);
		if (!s) {
			/* The root table is one page: the rest is as unreadable. */
			return vtd_problem(cb, priv, bus << 8, 0xffff, &tr);
		}
		if (walk_step_reserved(&tr, s)) {
			if ((ret = vtd_problem(cb, priv, bus << 8, bus << 8 | 0xff, &tr)))
				return ret;
			continue;
		}
		for (unsigned int half = 0; half < (h->scalable ? 2u : 1u); half++) {
			unsigned int first = half * 0x80, n = h->scalable ? 0x80 : 0x100;
			uint64_t ctp;

			tc = tr;
			ctp = vtd_root_ctp(h, &tc.steps[0], first);
			if (!ctp)
				continue;
			ctp &= ~1ULL;
			if (++*tables > max_tables)
				return -E2BIG;
			for (unsigned int i = 0; i < n; i++) {
				uint32_t id = bus << 8 | (first + i);
				struct walk_trail t = tc;
				struct walk_target tgt;
				struct walk_step *cs;

				memset(&tgt, 0, sizeof(tgt));
				cs = walk_step_read(&t, m, "context entry", vtd_ctx_fmt(h), NULL, ctp, i,
						    csize);
				if (!cs) {
					ret = vtd_problem(cb, priv, id, bus << 8 | (first + n - 1), &t);
					if (ret)
						return ret;
					break;
				}
				if (!(cs->words[0] & 1))
					continue;
				if (!h->scalable) {
					ret = vtd_ctx_target(&t, cs, &tgt) ? cb(priv, &(struct walk_rid){ .id = id, .id_last = id }, &tgt, &t) :
									    vtd_problem(cb, priv, id, id, &t);
				} else if (walk_step_reserved(&t, cs)) {
					ret = vtd_problem(cb, priv, id, id, &t);
				} else {
					snprintf(cs->summary, sizeof(cs->summary),
						 "present, PASID directory at 0x%llx",
						 (unsigned long long)VTD_ADDR(cs->words[0]));
					ret = vtd_enum_pasids(h, m, max_tables, tables, cb, priv, id, &t);
				}
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/* RTADDR_REG bits 11:10 (TTM) are flags, not address (§10.4.6). */
static const struct walk_hier_opt vtd_opts[] = {
	{ .name = "rtaddr", .key = WALK_HK_BASE, .required = true, .keep = GENMASK64(63, 12),
	  .group = "rtaddr" },
	{ .name = "scalable", .key = WALK_HK_SCALABLE, .flag = true, .group = "scalable" },
	{ .name = "dev", .key = WALK_HK_ID, .group = "dev" },
	{ .name = "pasid", .key = WALK_HK_PASID, .group = "pasid" },
};

const struct walk_fam walk_fam_vtd = {
	.name = "vtd",
	.opts = vtd_opts,
	.nopts = ARRAY_SIZE(vtd_opts),
	.pci_ids = true,
	.resolve = vtd_resolve,
	.enumerate = vtd_enum,
};
