/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RISC-V IOMMU: device ID -> page table (formats.md §7.1 ddtp, §7.2
 * device directory table, §7.3 device context, §7.4 process directory
 * table and process context; RISC-V IOMMU spec 1.0 §2.1-2.2, §3.1-3.3).
 * fsc is iosatp (Sv39/48/57) or, with PDTV, the PDT root; a non-Bare
 * iohgatp (G-stage) is reported, not walked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

static uint64_t rv_ppn_pa(uint64_t v)
{
	return bits64(v, 53, 10) << 12;
}

static uint64_t rv_atp_pa(uint64_t v)
{
	return bits64(v, 43, 0) << 12;
}

static void rv_opts(const struct walk_hier *h, struct decode_opts *o)
{
	decode_opts_init(o);
	if (h->params.big_endian)
		o->quirks |= DECODE_QUIRK_BIG_ENDIAN;
}

/* DDI split (§7.2): bits of the device ID per level, leaf first. */
static void rv_ddi(const struct walk_hier *h, unsigned int *b0, unsigned int *b1)
{
	*b0 = h->ext_dc ? 6 : 7;
	*b1 = 9;
}

static int rv_ddt_levels(const struct walk_hier *h, struct walk_trail *t)
{
	unsigned int mode = (unsigned int)bits64(h->base, 3, 0);

	if (mode < 2 || mode > 4) {
		if (mode > 4)
			walk_trail_stop(t, WALK_STOP_MALFORMED, "ddtp 0x%llx: iommu_mode %u is reserved",
					(unsigned long long)h->base, mode);
		return -(int)mode - 1;
	}
	return (int)mode - 1;
}

/* Translation from a Sv mode (fsc / PC.fsc) to a target. */
static void rv_atp_target(const struct walk_hier *h, struct walk_trail *t, uint64_t atp,
			  const char *what, struct walk_target *tgt)
{
	unsigned int mode = (unsigned int)bits64(atp, 63, 60);
	struct walk_pt_params p = { .big_endian = h->params.big_endian };
	const char *why;

	if (mode == 0) {
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "%s MODE Bare: no first-stage translation", what);
		return;
	}
	if (mode < 8 || mode > 10) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "%s MODE %u is reserved", what, mode);
		return;
	}
	p.levels = (int)mode - 5;
	if (walk_pt_setup(&tgt->pt, &fmt_riscv_pte, rv_atp_pa(atp), &p, &why)) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "%s: %s", what, why ? why : "bad geometry");
		return;
	}
	tgt->kind = WALK_TGT_TABLE;
}

static void rv_pc_target(const struct walk_hier *h, struct walk_trail *t, struct walk_step *s,
			 struct walk_target *tgt)
{
	if (!(s->words[0] & 1)) {
		snprintf(s->summary, sizeof(s->summary), "not valid");
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "process context at 0x%llx is not valid",
				(unsigned long long)s->pa);
		return;
	}
	if (walk_step_reserved(t, s))
		return;
	snprintf(s->summary, sizeof(s->summary), "valid, fsc MODE %u, root 0x%llx, PSCID %u",
		 (unsigned int)bits64(s->words[1], 63, 60), (unsigned long long)rv_atp_pa(s->words[1]),
		 (unsigned int)bits64(s->words[0], 31, 12));
	rv_atp_target(h, t, s->words[1], "PC.fsc", tgt);
}

/* PDT walk (§7.4) for pid; the DC step is the last one of t. */
static void rv_pdt(const struct walk_hier *h, const struct walk_mem *m, struct walk_trail *t,
		   uint64_t fsc, uint32_t pid, struct walk_target *tgt)
{
	static const unsigned int lo[] = { 0, 8, 17 };
	unsigned int mode = (unsigned int)bits64(fsc, 63, 60), levels;
	uint64_t table = rv_atp_pa(fsc);
	struct decode_opts o;
	struct walk_step *s;

	if (mode < 1 || mode > 3) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "DC.fsc PDT mode %u is reserved", mode);
		return;
	}
	levels = mode;
	if (pid >> (mode == 1 ? 8 : mode == 2 ? 17 : 20)) {
		walk_trail_stop(t, WALK_STOP_RANGE, "process ID %u is beyond the PDT (%s)", pid,
				mode == 1 ? "PD8" : mode == 2 ? "PD17" : "PD20");
		return;
	}
	rv_opts(h, &o);
	for (int l = (int)levels - 1; l > 0; l--) {
		unsigned int idx = (pid >> lo[l]) & (l == 2 ? 7 : 0x1ff);

		s = walk_step_read(t, m, "PDT entry", &fmt_riscv_pdte, &o, table, idx, 8);
		if (!s)
			return;
		if (!(s->words[0] & 1)) {
			snprintf(s->summary, sizeof(s->summary), "not valid");
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "PDT entry at 0x%llx is not valid",
					(unsigned long long)s->pa);
			return;
		}
		if (walk_step_reserved(t, s))
			return;
		table = rv_ppn_pa(s->words[0]);
		snprintf(s->summary, sizeof(s->summary), "valid, next PDT at 0x%llx",
			 (unsigned long long)table);
	}
	s = walk_step_read(t, m, "process context", &fmt_riscv_pc, &o, table, pid & 0xff, 16);
	if (s)
		rv_pc_target(h, t, s, tgt);
}

static void rv_dc_target(const struct walk_hier *h, const struct walk_mem *m, struct walk_trail *t,
			 struct walk_step *s, const struct walk_rid *rid, struct walk_target *tgt)
{
	uint64_t tc = s->words[0], iohgatp = s->words[1], fsc = s->words[3];

	if (!(tc & 1)) {
		snprintf(s->summary, sizeof(s->summary), "not valid");
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "device context at 0x%llx is not valid",
				(unsigned long long)s->pa);
		return;
	}
	if (walk_step_reserved(t, s))
		return;
	snprintf(s->summary, sizeof(s->summary), "valid, %s MODE %u, root 0x%llx, iohgatp MODE %u",
		 tc >> 5 & 1 ? "pdtp" : "iosatp", (unsigned int)bits64(fsc, 63, 60),
		 (unsigned long long)rv_atp_pa(fsc), (unsigned int)bits64(iohgatp, 63, 60));
	if (bits64(iohgatp, 63, 60)) {
		walk_trail_stop(t, WALK_STOP_BLOCKED,
				"device context at 0x%llx: two-stage translation (iohgatp MODE %u) is not walked",
				(unsigned long long)s->pa, (unsigned int)bits64(iohgatp, 63, 60));
		return;
	}
	if (!(tc >> 5 & 1)) {
		if (rid->has_pasid) {
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT,
					"device context at 0x%llx has no process directory (PDTV=0)",
					(unsigned long long)s->pa);
			return;
		}
		rv_atp_target(h, t, fsc, "DC.fsc", tgt);
		return;
	}
	if (!rid->has_pasid && !(tc >> 9 & 1)) {
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note),
			 "no process ID and DPE=0: the first stage is Bare for this requester");
		return;
	}
	if (bits64(fsc, 63, 60) == 0) {
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "DC.fsc PDT mode Bare: no first-stage translation");
		return;
	}
	rv_pdt(h, m, t, fsc, rid->has_pasid ? rid->pasid : 0, tgt);
}

static const struct decode_fmt *rv_dc_fmt(const struct walk_hier *h)
{
	return h->ext_dc ? &fmt_riscv_dc_ext : &fmt_riscv_dc;
}

static int riscv_resolve(const struct walk_hier *h, const struct walk_mem *m,
			 const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt)
{
	unsigned int b0, b1, dcsz = h->ext_dc ? 64 : 32;
	int levels = rv_ddt_levels(h, t);
	uint64_t table = rv_ppn_pa(h->base);
	struct decode_opts o;
	struct walk_step *s;

	if (levels < 0) {
		if (levels == -1) {
			tgt->kind = WALK_TGT_BLOCKED;
			snprintf(tgt->note, sizeof(tgt->note), "ddtp mode Off: all DMA is blocked");
		} else if (levels == -2) {
			tgt->kind = WALK_TGT_IDENTITY;
			snprintf(tgt->note, sizeof(tgt->note), "ddtp mode Bare: no translation");
		}
		return 0;
	}
	rv_ddi(h, &b0, &b1);
	if (rid->id >> (b0 + b1 * (unsigned int)(levels - 1)) || rid->id >> 24) {
		walk_trail_stop(t, WALK_STOP_RANGE, "device ID 0x%x is beyond a %d-level DDT", rid->id,
				levels);
		return 0;
	}
	rv_opts(h, &o);
	for (int l = levels - 1; l > 0; l--) {
		unsigned int shift = b0 + b1 * (unsigned int)(l - 1);

		s = walk_step_read(t, m, "DDT entry", &fmt_riscv_ddte, &o, table,
				   (rid->id >> shift) & 0x1ff, 8);
		if (!s)
			return 0;
		if (!(s->words[0] & 1)) {
			snprintf(s->summary, sizeof(s->summary), "not valid");
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "DDT entry at 0x%llx is not valid",
					(unsigned long long)s->pa);
			return 0;
		}
		if (walk_step_reserved(t, s))
			return 0;
		table = rv_ppn_pa(s->words[0]);
		snprintf(s->summary, sizeof(s->summary), "valid, next DDT at 0x%llx",
			 (unsigned long long)table);
	}
	s = walk_step_read(t, m, "device context", rv_dc_fmt(h), &o, table,
			   rid->id & ((1u << b0) - 1), dcsz);
	if (s)
		rv_dc_target(h, m, t, s, rid, tgt);
	return 0;
}

struct rv_enum {
	const struct walk_hier *h;
	const struct walk_mem *m;
	uint64_t max_tables, *tables;
	walk_hier_cb cb;
	void *priv;
	struct decode_opts o;
};

static int rv_emit(struct rv_enum *e, const struct walk_rid *r, struct walk_trail *t,
		   const struct walk_target *tgt)
{
	return e->cb(e->priv, r, t->stop == WALK_STOP_OK ? tgt : NULL, t);
}

/* Every valid PC under a PDT table of level l (0 = PCs). */
static int rv_enum_pdt(struct rv_enum *e, uint32_t id, const struct walk_trail *tp, uint64_t table,
		       int l, uint32_t prefix)
{
	static const unsigned int lo[] = { 0, 8, 17 };
	unsigned int n = l == 0 ? 256 : l == 1 ? 512 : 8;
	int ret;

	if (++*e->tables > e->max_tables)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t pid = prefix | i << lo[l];
		struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true, .pasid = pid };
		struct walk_trail t = *tp;
		struct walk_target tgt;
		struct walk_step *s;

		memset(&tgt, 0, sizeof(tgt));
		s = walk_step_read(&t, e->m, l ? "PDT entry" : "process context",
				   l ? &fmt_riscv_pdte : &fmt_riscv_pc, &e->o, table, i, l ? 8 : 16);
		if (!s)
			return e->cb(e->priv, &r, NULL, &t);
		if (!(s->words[0] & 1))
			continue;
		if (l) {
			if (walk_step_reserved(&t, s)) {
				ret = e->cb(e->priv, &r, NULL, &t);
			} else {
				snprintf(s->summary, sizeof(s->summary), "valid, next PDT at 0x%llx",
					 (unsigned long long)rv_ppn_pa(s->words[0]));
				ret = rv_enum_pdt(e, id, &t, rv_ppn_pa(s->words[0]), l - 1, pid);
			}
		} else {
			rv_pc_target(e->h, &t, s, &tgt);
			ret = rv_emit(e, &r, &t, &tgt);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int rv_enum_dc(struct rv_enum *e, uint32_t id, struct walk_trail *t, struct walk_step *s)
{
	struct walk_rid r = { .id = id, .id_last = id };
	struct walk_target tgt;
	uint64_t tc = s->words[0], fsc = s->words[3];
	unsigned int mode = (unsigned int)bits64(fsc, 63, 60);

	memset(&tgt, 0, sizeof(tgt));
	if ((tc >> 5 & 1) && !bits64(s->words[1], 63, 60) && mode >= 1 && mode <= 3) {
		int ret;

		if (walk_step_reserved(t, s))
			return e->cb(e->priv, &r, NULL, t);
		snprintf(s->summary, sizeof(s->summary), "valid, PDT at 0x%llx (mode %u)",
			 (unsigned long long)rv_atp_pa(fsc), mode);
		if (!(tc >> 9 & 1)) {
			/* Requests without a process ID: the first stage is Bare. */
			tgt.kind = WALK_TGT_IDENTITY;
			snprintf(tgt.note, sizeof(tgt.note),
				 "no process ID and DPE=0: the first stage is Bare for this requester");
			if ((ret = e->cb(e->priv, &r, &tgt, t)))
				return ret;
		}
		return rv_enum_pdt(e, id, t, rv_atp_pa(fsc), (int)mode - 1, 0);
	}
	rv_dc_target(e->h, e->m, t, s, &r, &tgt);
	return rv_emit(e, &r, t, &tgt);
}

/* Every valid DC under a DDT table of level l (0 = DCs), IDs prefix... */
static int rv_enum_ddt(struct rv_enum *e, const struct walk_trail *tp, uint64_t table, int l,
		       uint32_t prefix)
{
	unsigned int b0, b1, dcsz = e->h->ext_dc ? 64 : 32;
	unsigned int shift, n;
	int ret;

	rv_ddi(e->h, &b0, &b1);
	shift = l ? b0 + b1 * (unsigned int)(l - 1) : 0;
	n = l ? 512 : 1u << b0;
	if (l == 2 && b0 + 2 * b1 > 24)
		n = 1u << (24 - shift);
	if (++*e->tables > e->max_tables)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t id = prefix | i << shift;
		struct walk_rid r = { .id = id, .id_last = id | ((1u << shift) - 1) };
		struct walk_trail t = *tp;
		struct walk_step *s;

		s = walk_step_read(&t, e->m, l ? "DDT entry" : "device context",
				   l ? &fmt_riscv_ddte : rv_dc_fmt(e->h), &e->o, table, i, l ? 8 : dcsz);
		if (!s)
			return e->cb(e->priv, &r, NULL, &t);
		if (!(s->words[0] & 1))
			continue;
		if (!l) {
			ret = rv_enum_dc(e, id, &t, s);
		} else if (walk_step_reserved(&t, s)) {
			ret = e->cb(e->priv, &r, NULL, &t);
		} else {
			snprintf(s->summary, sizeof(s->summary), "valid, next DDT at 0x%llx",
				 (unsigned long long)rv_ppn_pa(s->words[0]));
			ret = rv_enum_ddt(e, &t, rv_ppn_pa(s->words[0]), l - 1, id);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int riscv_enum(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
		      uint64_t *tables, walk_hier_cb cb, void *priv)
{
	struct rv_enum e = { .h = h, .m = m, .max_tables = max_tables, .tables = tables,
			     .cb = cb, .priv = priv };
	struct walk_trail t;
	int levels;

	walk_trail_init(&t);
	levels = rv_ddt_levels(h, &t);
	if (levels < 0) {
		struct walk_target tgt = { .kind = levels == -2 ? WALK_TGT_IDENTITY : WALK_TGT_BLOCKED };
		struct walk_rid r = { .id = 0, .id_last = 0xffffff };

		if (t.stop != WALK_STOP_OK)
			return cb(priv, &r, NULL, &t);
		snprintf(tgt.note, sizeof(tgt.note), levels == -2 ? "ddtp mode Bare: no translation" :
			 "ddtp mode Off: all DMA is blocked");
		return cb(priv, &r, &tgt, &t);
	}
	rv_opts(h, &e.o);
	return rv_enum_ddt(&e, &t, rv_ppn_pa(h->base), levels - 1, 0);
}

#define RV_GROUP "ddtp/--ext-dc/--big-endian"

static const struct walk_hier_opt riscv_opts[] = {
	{ .name = "ddtp", .key = WALK_HK_BASE, .required = true, .group = RV_GROUP },
	{ .name = "ext-dc", .key = WALK_HK_EXT_DC, .flag = true, .group = RV_GROUP },
	{ .name = "big-endian", .key = WALK_HK_BIG_ENDIAN, .flag = true, .group = RV_GROUP },
	{ .name = "dev", .key = WALK_HK_ID, .group = "dev" },
	{ .name = "pasid", .key = WALK_HK_PASID, .group = "pasid" },
};

const struct walk_fam walk_fam_riscv = {
	.name = "riscv",
	.opts = riscv_opts,
	.nopts = ARRAY_SIZE(riscv_opts),
	.pci_ids = true,
	.resolve = riscv_resolve,
	.enumerate = riscv_enum,
};
