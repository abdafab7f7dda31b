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
#include "decode/vtd_fields.h"
#include "decode/walk.h"

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

/* One entry of a VT-d structure: the tables are arrays of the format's entries. */
static struct walk_step *vtd_read(struct walk_trail *t, const struct walk_mem *m, const char *what,
				  const struct decode_fmt *fmt, uint64_t table, uint64_t index)
{
	return walk_step_read(t, m, what, fmt, NULL, table, index, decode_fmt_entry_size(fmt));
}

/* Legacy context entry (§1.5) -> target. */
static bool vtd_ctx_target(struct walk_trail *t, struct walk_step *s, struct walk_target *tgt)
{
	const uint64_t *q = s->words;
	unsigned int tt = (unsigned int)FIELD_GET(q, VTD_CTX_TT);
	unsigned int aw = (unsigned int)FIELD_GET(q, VTD_CTX_AW);
	unsigned int did = (unsigned int)FIELD_GET(q, VTD_CTX_DID);
	uint64_t sl = FIELD_ADDR(q, VTD_CTX_SLPTPTR);

	if (!FLAG_GET(q, VTD_CTX_P)) {
		vtd_stop_np(t, s);
		return false;
	}
	if (walk_step_reserved(t, s))
		return false;
	if (tt == VTD_TT_PT) {
		snprintf(s->summary, sizeof(s->summary), "present, TT=%u pass-through, DID %u", tt,
			 did);
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "pass-through (context TT=%u)", tt);
		return true;
	}
	if (tt == VTD_TT_RSVD) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "context entry at 0x%llx: TT=%u is reserved",
				(unsigned long long)s->pa, tt);
		return false;
	}
	if (aw > VTD_AW_MAX) {
		walk_trail_stop(t, WALK_STOP_MALFORMED,
				"context entry at 0x%llx: AW above %u is reserved",
				(unsigned long long)s->pa, VTD_AW_MAX);
		return false;
	}
	snprintf(s->summary, sizeof(s->summary),
		 "present, TT=%u, AW=%u (%d-level), second stage at 0x%llx, DID %u", tt, aw,
		 VTD_AW_LEVELS(aw), (unsigned long long)sl, did);
	return vtd_table(t, tgt, &fmt_vtd_sl_pte, sl, VTD_AW_LEVELS(aw), "context entry");
}

/* PASID table entry (§1.7) -> target by PGTT. */
static bool vtd_pasid_target(struct walk_trail *t, struct walk_step *s, struct walk_target *tgt)
{
	const uint64_t *q = s->words;
	unsigned int pgtt = (unsigned int)FIELD_GET(q, VTD_PASID_PGTT);
	unsigned int aw = (unsigned int)FIELD_GET(q, VTD_PASID_AW);
	unsigned int fspm = (unsigned int)FIELD_GET(q, VTD_PASID_FSPM);
	unsigned int did = (unsigned int)FIELD_GET(q, VTD_PASID_DID);
	uint64_t fs = FIELD_ADDR(q, VTD_PASID_FSPTPTR), ss = FIELD_ADDR(q, VTD_PASID_SSPTPTR);

	if (!FLAG_GET(q, VTD_PASID_P)) {
		vtd_stop_np(t, s);
		return false;
	}
	if (walk_step_reserved(t, s))
		return false;
	switch (pgtt) {
	case VTD_PGTT_FS:
		snprintf(s->summary, sizeof(s->summary),
			 "present, PGTT=%u first stage at 0x%llx, %d-level, DID %u", pgtt,
			 (unsigned long long)fs, VTD_FSPM_LEVELS(fspm), did);
		if (fspm > VTD_FSPM_MAX) {
			walk_trail_stop(t, WALK_STOP_MALFORMED, "PASID entry at 0x%llx: FSPM %u is reserved",
					(unsigned long long)s->pa, fspm);
			return false;
		}
		return vtd_table(t, tgt, &fmt_vtd_fl_pte, fs, VTD_FSPM_LEVELS(fspm), "PASID entry");
	case VTD_PGTT_SS:
	case VTD_PGTT_NESTED:
		snprintf(s->summary, sizeof(s->summary),
			 "present, PGTT=%u %s, second stage at 0x%llx, AW=%u, DID %u", pgtt,
			 pgtt == VTD_PGTT_SS ? "second stage" : "nested", (unsigned long long)ss, aw,
			 did);
		if (aw < 1 || aw > VTD_AW_MAX) {
			walk_trail_stop(t, WALK_STOP_MALFORMED, "PASID entry at 0x%llx: AW %u is reserved",
					(unsigned long long)s->pa, aw);
			return false;
		}
		if (!vtd_table(t, tgt, &fmt_vtd_sl_pte, ss, VTD_AW_LEVELS(aw), "PASID entry"))
			return false;
		if (pgtt == VTD_PGTT_NESTED) {
			tgt->pt.nested = true;
			snprintf(tgt->note, sizeof(tgt->note),
				 "nested (PGTT=%u): walking the second stage only; the first stage at "
				 "0x%llx holds guest-physical addresses", pgtt, (unsigned long long)fs);
		}
		return true;
	case VTD_PGTT_PT:
		snprintf(s->summary, sizeof(s->summary), "present, PGTT=%u pass-through, DID %u", pgtt,
			 did);
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "pass-through (PASID entry PGTT=%u)", pgtt);
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
	bool upper = h->scalable && devfn >= VTD_ROOT_SM_UPPER;
	bool present = upper ? FLAG_GET(s->words, VTD_ROOT_SM_UP) :
			       h->scalable ? FLAG_GET(s->words, VTD_ROOT_SM_LP) :
			       FLAG_GET(s->words, VTD_ROOT_P);
	uint64_t ctp = upper ? FIELD_ADDR(s->words, VTD_ROOT_SM_UCTP) :
			       h->scalable ? FIELD_ADDR(s->words, VTD_ROOT_SM_LCTP) :
			       FIELD_ADDR(s->words, VTD_ROOT_CTP);

	if (!present) {
		snprintf(s->summary, sizeof(s->summary), "%s not present",
			 h->scalable ? (upper ? "upper context table" : "lower context table") :
				       "context table");
		return 0;
	}
	snprintf(s->summary, sizeof(s->summary), "present, %scontext table at 0x%llx",
		 h->scalable ? (upper ? "upper " : "lower ") : "", (unsigned long long)ctp);
	return ctp | 1;	/* bit 0 marks "present" for callers */
}

static const struct decode_fmt *vtd_root_fmt(const struct walk_hier *h)
{
	return h->scalable ? &fmt_vtd_root_sm : &fmt_vtd_root;
}

static const struct decode_fmt *vtd_ctx_fmt(const struct walk_hier *h)
{
	return h->scalable ? &fmt_vtd_context_sm : &fmt_vtd_context;
}

static bool vtd_ctx_present(const struct walk_hier *h, const uint64_t *q)
{
	return h->scalable ? FLAG_GET(q, VTD_SMCTX_P) : FLAG_GET(q, VTD_CTX_P);
}

static int vtd_resolve(const struct walk_hier *h, const struct walk_mem *m,
		       const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt)
{
	unsigned int bus = rid->id >> 8 & 0xff, devfn = rid->id & 0xff, pdts, rid_pasid;
	struct walk_step *s;
	const uint64_t *q;
	uint64_t ctp, dir, pt;
	uint32_t pasid;

	if (rid->id > 0xffff) {
		walk_trail_stop(t, WALK_STOP_RANGE, "requester ID 0x%x is above 0xffff", rid->id);
		return 0;
	}
	s = vtd_read(t, m, "root entry", vtd_root_fmt(h), h->base, bus);
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
		s = vtd_read(t, m, "context entry", &fmt_vtd_context, ctp, devfn);
		if (s)
			vtd_ctx_target(t, s, tgt);
		return 0;
	}
	s = vtd_read(t, m, "context entry", &fmt_vtd_context_sm, ctp,
		     devfn & (VTD_ROOT_SM_UPPER - 1));
	if (!s)
		return 0;
	q = s->words;
	if (!FLAG_GET(q, VTD_SMCTX_P)) {
		vtd_stop_np(t, s);
		return 0;
	}
	if (walk_step_reserved(t, s))
		return 0;
	pdts = (unsigned int)FIELD_GET(q, VTD_SMCTX_PDTS);
	rid_pasid = (unsigned int)FIELD_GET(q, VTD_SMCTX_RID_PASID);
	dir = FIELD_ADDR(q, VTD_SMCTX_PASIDDIRPTR);
	pasid = rid->has_pasid ? rid->pasid : rid_pasid;
	snprintf(s->summary, sizeof(s->summary),
		 "present, PASID directory at 0x%llx (%u entries), RID_PASID %u%s",
		 (unsigned long long)dir, VTD_PDTS_ENTRIES(pdts), rid_pasid,
		 FLAG_GET(q, VTD_SMCTX_PASIDE) ? ", PASIDE" : "");
	if (rid->has_pasid && pasid != rid_pasid && !FLAG_GET(q, VTD_SMCTX_PASIDE)) {
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT,
				"context entry at 0x%llx: requests with a PASID are not enabled (PASIDE=0)",
				(unsigned long long)s->pa);
		return 0;
	}
	if (pasid > WALK_PASID_MAX || (pasid >> VTD_PASID_TABLE_BITS) >= VTD_PDTS_ENTRIES(pdts)) {
		walk_trail_stop(t, WALK_STOP_RANGE,
				"PASID %u is beyond the PASID directory (PDTS=%u: %u entries)", pasid,
				pdts, VTD_PDTS_ENTRIES(pdts));
		return 0;
	}
	s = vtd_read(t, m, "PASID directory entry", &fmt_vtd_pasid_dir, dir,
		     pasid >> VTD_PASID_TABLE_BITS);
	if (!s)
		return 0;
	if (!FLAG_GET(s->words, VTD_PASIDDIR_P)) {
		vtd_stop_np(t, s);
		return 0;
	}
	if (walk_step_reserved(t, s))
		return 0;
	pt = FIELD_ADDR(s->words, VTD_PASIDDIR_PTP);
	snprintf(s->summary, sizeof(s->summary), "present, PASID table at 0x%llx",
		 (unsigned long long)pt);
	s = vtd_read(t, m, "PASID entry", &fmt_vtd_pasid, pt,
		     pasid & ((1u << VTD_PASID_TABLE_BITS) - 1));
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
	const unsigned int bits = VTD_PASID_TABLE_BITS;
	unsigned int ndir = VTD_PDTS_ENTRIES((unsigned int)FIELD_GET(cs->words, VTD_SMCTX_PDTS));
	uint64_t dir = FIELD_ADDR(cs->words, VTD_SMCTX_PASIDDIRPTR);
	struct walk_trail td, tp;
	int ret;

	if (ndir > 1u << (WALK_PASID_BITS - bits))
		ndir = 1u << (WALK_PASID_BITS - bits);
	for (unsigned int di = 0; di < ndir; di++) {
		struct walk_step *s;
		uint64_t pt;

		td = *tctx;
		s = vtd_read(&td, m, "PASID directory entry", &fmt_vtd_pasid_dir, dir, di);
		if (!s) {
			struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true,
					      .pasid = di << bits };

			/* The rest of the directory is as unreadable: report once. */
			return cb(priv, &r, NULL, &td);
		}
		if (!FLAG_GET(s->words, VTD_PASIDDIR_P))
			continue;
		if (walk_step_reserved(&td, s)) {
			struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true,
					      .pasid = di << bits };

			if ((ret = cb(priv, &r, NULL, &td)))
				return ret;
			continue;
		}
		pt = FIELD_ADDR(s->words, VTD_PASIDDIR_PTP);
		snprintf(s->summary, sizeof(s->summary), "present, PASID table at 0x%llx",
			 (unsigned long long)pt);
		if (++*tables > max_tables)
			return -E2BIG;
		for (unsigned int pi = 0; pi < 1u << bits; pi++) {
			struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true,
					      .pasid = di << bits | pi };
			struct walk_target tgt;
			struct walk_step *ps;

			tp = td;
			memset(&tgt, 0, sizeof(tgt));
			ps = vtd_read(&tp, m, "PASID entry", &fmt_vtd_pasid, pt, pi);
			if (!ps) {
				if ((ret = cb(priv, &r, NULL, &tp)))
					return ret;
				break;
			}
			if (!FLAG_GET(ps->words, VTD_PASID_P))
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
	struct walk_trail tr, tc;
	int ret;

	if (++*tables > max_tables)
		return -E2BIG;
	for (unsigned int bus = 0; bus < 256; bus++) {
		struct walk_step *s;

		walk_trail_init(&tr);
		s = vtd_read(&tr, m, "root entry", vtd_root_fmt(h), h->base, bus);
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
			unsigned int first = half * VTD_ROOT_SM_UPPER;
			unsigned int n = h->scalable ? VTD_ROOT_SM_UPPER : 0x100;
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
				cs = vtd_read(&t, m, "context entry", vtd_ctx_fmt(h), ctp, i);
				if (!cs) {
					ret = vtd_problem(cb, priv, id, bus << 8 | (first + n - 1), &t);
					if (ret)
						return ret;
					break;
				}
				if (!vtd_ctx_present(h, cs->words))
					continue;
				if (!h->scalable) {
					ret = vtd_ctx_target(&t, cs, &tgt) ? cb(priv, &(struct walk_rid){ .id = id, .id_last = id }, &tgt, &t) :
									    vtd_problem(cb, priv, id, id, &t);
				} else if (walk_step_reserved(&t, cs)) {
					ret = vtd_problem(cb, priv, id, id, &t);
				} else {
					snprintf(cs->summary, sizeof(cs->summary),
						 "present, PASID directory at 0x%llx",
						 (unsigned long long)FIELD_ADDR(cs->words,
										VTD_SMCTX_PASIDDIRPTR));
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
	{ .name = "rtaddr", .key = WALK_HK_BASE, .required = true,
	  .keep = FIELD_MASK(VTD_RTADDR_RTA), .group = "rtaddr" },
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
