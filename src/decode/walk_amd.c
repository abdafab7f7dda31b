/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AMD-Vi: device ID -> page table (formats.md §2.1 device table entry,
 * §2.2 v1 host table with Mode levels and DTE IR/IW, §2.3 GCR3 table and
 * v2 guest table; AMD IOMMU spec 48882 §2.2.2-2.2.6). Without a PASID the
 * v1 table (or, in Linux's v2-for-DMA mode, GCR3 PASID 0); with one the
 * GCR3 table picks the v2 table.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

#define DTE_SIZE 32

static uint64_t amd_gcr3_root(const uint64_t *q)
{
	return bits64(q[0], 60, 58) << 12 | bits64(q[1], 31, 16) << 15 | bits64(q[1], 63, 43) << 31;
}

static void amd_table(struct walk_trail *t, struct walk_target *tgt, const struct decode_fmt *fmt,
		      uint64_t root, int levels, unsigned int mask)
{
	struct walk_pt_params p = { .levels = levels };
	const char *why;

	if (walk_pt_setup(&tgt->pt, fmt, root, &p, &why)) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "DTE: %s", why ? why : "bad geometry");
		return;
	}
	tgt->pt.perms_mask = mask;
	tgt->kind = WALK_TGT_TABLE;
}

/* The v2 table of pasid through the GCR3 table (§2.3). */
static void amd_gcr3(struct walk_trail *t, const struct walk_mem *m, const struct walk_step *dte,
		     uint32_t pasid, struct walk_target *tgt)
{
	const uint64_t *q = dte->words;
	unsigned int glx = (unsigned int)bits64(q[0], 57, 56), gpt = (unsigned int)bits64(q[2], 55, 54);
	uint64_t table = amd_gcr3_root(q);

	if (glx > 2 || gpt > 1) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "DTE at 0x%llx: %s is reserved",
				(unsigned long long)dte->pa, glx > 2 ? "GLX=3" : "GuestPagingMode 2-3");
		return;
	}
	if (pasid >> (9 * (glx + 1))) {
		walk_trail_stop(t, WALK_STOP_RANGE, "PASID %u is beyond the %u-level GCR3 table", pasid,
				glx + 1);
		return;
	}
	for (int l = (int)glx; l >= 0; l--) {
		struct walk_step *s = walk_step_read(t, m, l ? "GCR3 table entry (non-leaf)" :
						     "GCR3 table entry", &fmt_amd_gcr3, NULL, table,
						     (pasid >> (9 * l)) & 0x1ff, 8);

		if (!s)
			return;
		if (!(s->words[0] & 1)) {
			snprintf(s->summary, sizeof(s->summary), "not valid");
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "GCR3 entry for PASID %u at 0x%llx is not valid",
					pasid, (unsigned long long)s->pa);
			return;
		}
		if (walk_step_reserved(t, s))
			return;
		table = s->words[0] & GENMASK64(51, 12);
		snprintf(s->summary, sizeof(s->summary), l ? "valid, next GCR3 table at 0x%llx" :
			 "valid, v2 table at 0x%llx", (unsigned long long)table);
	}
	amd_table(t, tgt, &fmt_amd_v2_pte, table, gpt ? 5 : 4,
		  DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X | DECODE_PERM_U);
}

/* Check a DTE read into s; false (trail stopped) when it cannot translate. */
static bool amd_dte_ok(struct walk_trail *t, struct walk_step *s)
{
	const uint64_t *q = s->words;

	if (!(q[0] & 1) || !(q[0] & 2)) {
		snprintf(s->summary, sizeof(s->summary), "%s", q[0] & 1 ? "valid, TV=0" : "not valid");
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "DTE at 0x%llx: %s", (unsigned long long)s->pa,
				q[0] & 1 ? "translation information not valid (TV=0)" : "not valid (V=0)");
		return false;
	}
	if (walk_step_reserved(t, s))
		return false;
	snprintf(s->summary, sizeof(s->summary), "valid, Mode %u, v1 root 0x%llx, IR %u IW %u, DomainID %u%s",
		 (unsigned int)bits64(q[0], 11, 9), (unsigned long long)(q[0] & GENMASK64(51, 12)),
		 (unsigned int)(q[0] >> 61 & 1), (unsigned int)(q[0] >> 62 & 1),
		 (unsigned int)bits64(q[1], 15, 0), q[0] >> 55 & 1 ? ", GV" : "");
	return true;
}

static void amd_dte_target(struct walk_trail *t, const struct walk_mem *m, struct walk_step *s,
			   const struct walk_rid *rid, struct walk_target *tgt)
{
	const uint64_t *q = s->words;
	unsigned int mode = (unsigned int)bits64(q[0], 11, 9);
	unsigned int mask = (q[0] >> 61 & 1 ? DECODE_PERM_R : 0) | (q[0] >> 62 & 1 ? DECODE_PERM_W : 0) |
			    DECODE_PERM_X | DECODE_PERM_U;

	if (rid->has_pasid || (!mode && (q[0] >> 55 & 1) && (q[0] >> 54 & 1))) {
		if (!(q[0] >> 55 & 1)) {
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT,
					"DTE at 0x%llx: guest translation is off (GV=0): no table for PASID %u",
					(unsigned long long)s->pa, rid->pasid);
			return;
		}
		amd_gcr3(t, m, s, rid->has_pasid ? rid->pasid : 0, tgt);
		if (!rid->has_pasid && t->stop == WALK_STOP_OK)
			snprintf(tgt->note, sizeof(tgt->note), "Mode 0 with GV and GIoV: v2 table of PASID 0");
		return;
	}
	if (mode == 0) {
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "Mode 0: no translation (IR %u, IW %u still apply)",
			 (unsigned int)(q[0] >> 61 & 1), (unsigned int)(q[0] >> 62 & 1));
		return;
	}
	if (mode == 7) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "DTE at 0x%llx: Mode 7 is reserved",
				(unsigned long long)s->pa);
		return;
	}
	amd_table(t, tgt, &fmt_amd_v1_pte, q[0] & GENMASK64(51, 12), (int)mode, mask);
}

static int amd_resolve(const struct walk_hier *h, const struct walk_mem *m,
		       const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt)
{
	uint32_t count = h->dte_count ? h->dte_count : 65536;
	struct walk_step *s;

	if (rid->id >= count) {
		walk_trail_stop(t, WALK_STOP_RANGE, "device ID 0x%x is beyond the device table (%u entries)",
				rid->id, count);
		return 0;
	}
	s = walk_step_read(t, m, "DTE", &fmt_amd_dte, NULL, h->base & GENMASK64(51, 12), rid->id, DTE_SIZE);
	if (s && amd_dte_ok(t, s))
		amd_dte_target(t, m, s, rid, tgt);
	return 0;
}

/* Every valid GCR3 entry below table (level l), PASIDs prefix << 9l .. */
static int amd_enum_gcr3(const struct walk_mem *m, uint64_t max_tables, uint64_t *tables,
			 walk_hier_cb cb, void *priv, uint32_t id, const struct walk_trail *tp,
			 uint64_t table, int l, uint32_t prefix, unsigned int gpt)
{
	int ret;

	if (++*tables > max_tables)
		return -E2BIG;
	for (uint32_t i = 0; i < 512; i++) {
		uint32_t pasid = (prefix << 9 | i) << (9 * l);
		struct walk_rid r = { .id = id, .id_last = id, .has_pasid = true, .pasid = pasid };
		struct walk_trail t = *tp;
		struct walk_target tgt;
		struct walk_step *s;

		if (pasid > WALK_PASID_MAX)
			break;
		s = walk_step_read(&t, m, l ? "GCR3 table entry (non-leaf)" : "GCR3 table entry",
				   &fmt_amd_gcr3, NULL, table, i, 8);
		if (!s)
			return cb(priv, &r, NULL, &t);
		if (!(s->words[0] & 1))
			continue;
		if (walk_step_reserved(&t, s)) {
			if ((ret = cb(priv, &r, NULL, &t)))
				return ret;
			continue;
		}
		snprintf(s->summary, sizeof(s->summary), l ? "valid, next GCR3 table at 0x%llx" :
			 "valid, v2 table at 0x%llx", (unsigned long long)(s->words[0] & GENMASK64(51, 12)));
		if (l) {
			ret = amd_enum_gcr3(m, max_tables, tables, cb, priv, id, &t,
					    s->words[0] & GENMASK64(51, 12), l - 1, prefix << 9 | i, gpt);
		} else {
			memset(&tgt, 0, sizeof(tgt));
			amd_table(&t, &tgt, &fmt_amd_v2_pte, s->words[0] & GENMASK64(51, 12), gpt ? 5 : 4,
				  DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_X | DECODE_PERM_U);
			ret = cb(priv, &r, t.stop == WALK_STOP_OK ? &tgt : NULL, &t);
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int amd_enum(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
		    uint64_t *tables, walk_hier_cb cb, void *priv)
{
	uint32_t count = h->dte_count ? h->dte_count : 65536;
	int ret;

	if (++*tables > max_tables)
		return -E2BIG;
	for (uint32_t id = 0; id < count; id++) {
		struct walk_rid r = { .id = id, .id_last = id };
		struct walk_trail t;
		struct walk_target tgt;
		struct walk_step *s;
		const uint64_t *q;

		walk_trail_init(&t);
		memset(&tgt, 0, sizeof(tgt));
		s = walk_step_read(&t, m, "DTE", &fmt_amd_dte, NULL, h->base & GENMASK64(51, 12), id,
				   DTE_SIZE);
		if (!s) {
			/* Report the rest of this page of DTEs once. */
			r.id_last = (id | 127) < count ? (id | 127) : count - 1;
			if ((ret = cb(priv, &r, NULL, &t)))
				return ret;
			id |= 127;
			continue;
		}
		q = s->words;
		if (!(q[0] & 1) || !(q[0] & 2))
			continue;
		if (!amd_dte_ok(&t, s)) {
			if ((ret = cb(priv, &r, NULL, &t)))
				return ret;
			continue;
		}
		if (bits64(q[0], 11, 9) || !(q[0] >> 55 & 1) || !(q[0] >> 54 & 1)) {
			amd_dte_target(&t, m, s, &r, &tgt);
			if ((ret = cb(priv, &r, t.stop == WALK_STOP_OK ? &tgt : NULL, &t)))
				return ret;
		}
		if (q[0] >> 55 & 1) {
			unsigned int glx = (unsigned int)bits64(q[0], 57, 56);

			if (glx > 2)
				continue;
			ret = amd_enum_gcr3(m, max_tables, tables, cb, priv, id, &t, amd_gcr3_root(q),
					    (int)glx, 0, (unsigned int)bits64(q[2], 55, 54) & 1);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static const struct walk_hier_opt amd_opts[] = {
	{ .name = "dte-base", .key = WALK_HK_BASE, .required = true, .group = "dte-base/--dte-count" },
	{ .name = "dte-count", .key = WALK_HK_DTE_COUNT, .lo = 1, .hi = 65536, .range = "1 to 65536",
	  .group = "dte-base/--dte-count" },
	{ .name = "dev", .key = WALK_HK_ID, .group = "dev" },
	{ .name = "pasid", .key = WALK_HK_PASID, .group = "pasid" },
};

const struct walk_fam walk_fam_amd = {
	.name = "amd",
	.opts = amd_opts,
	.nopts = ARRAY_SIZE(amd_opts),
	.pci_ids = true,
	.resolve = amd_resolve,
	.enumerate = amd_enum,
};
