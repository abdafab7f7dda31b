/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm SMMUv3: stream ID -> page table (formats.md §5.1 STRTAB_BASE_CFG and
 * the linear/2-level stream table, §5.2 STE, §5.3 CD and L1 CD descriptor,
 * §5.4 LPAE parameters from STE/CD; Arm IHI 0070 §3.3-3.4, §5.1-5.4).
 * Stage 1 walks CD.TTB0 with TG0/T0SZ; stage 2 walks STE.S2TTB with
 * S2TG/S2T0SZ/S2SL0; nested STEs walk stage 2 and say so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

#define STE_SIZE	64
#define CD_SIZE		64

static unsigned int tg_granule(unsigned int tg)
{
	return tg == 0 ? 4096 : tg == 1 ? 65536 : tg == 2 ? 16384 : 0;
}

static void smmu_table(struct walk_trail *t, struct walk_target *tgt, const struct decode_fmt *fmt,
		       uint64_t root, unsigned int granule, unsigned int ias, int levels,
		       const char *what)
{
	struct walk_pt_params p = { .granule = granule, .ias = ias, .levels = levels };
	const char *why;

	if (!granule) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "%s: reserved granule encoding", what);
		return;
	}
	if (walk_pt_setup(&tgt->pt, fmt, root, &p, &why)) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "%s: %s (granule %uK, %u-bit input)", what,
				why ? why : "bad geometry", granule >> 10, ias);
		return;
	}
	tgt->kind = WALK_TGT_TABLE;
}

/*
 * Stage 2 from the STE (§5.2, §5.4): the VTCR-like fields S2T0SZ (input size
 * 64 - S2T0SZ), S2SL0 (the starting level: 2 - SL0 with the 4K granule,
 * 3 - SL0 with 16K and 64K; 3 is reserved) and S2TG. The top table may be up
 * to 16 concatenated tables (the input size beyond what one table at the
 * starting level resolves), as Linux's io-pgtable-arm makes them when that
 * saves a level. The summary names them, with the table it starts from.
 */
static void smmu_s2(struct walk_trail *t, struct walk_step *s, struct walk_target *tgt,
		    const char *config)
{
	uint64_t d2 = s->words[2];
	unsigned int t0sz = (unsigned int)bits64(d2, 37, 32), sl0 = (unsigned int)bits64(d2, 39, 38);
	unsigned int tg = (unsigned int)bits64(d2, 47, 46), gran = tg_granule(tg);
	int start = gran == 4096 ? 2 - (int)sl0 : 3 - (int)sl0;
	static const char *const g[] = { "4K", "64K", "16K", "reserved" };
	char sl[16] = "reserved";

	if (sl0 != 3)
		snprintf(sl, sizeof(sl), "level %d", start & 3);
	snprintf(s->summary, sizeof(s->summary),
		 "valid, Config %s, S2TTB 0x%llx, VMID %u, S2T0SZ %u (%u-bit), S2SL0 %u (%.8s), S2TG %s",
		 config, (unsigned long long)(s->words[3] & GENMASK64(51, 4)),
		 (unsigned int)(d2 & 0xffff), t0sz & 63, 64 - (t0sz & 63), sl0 & 3, sl, g[tg & 3]);
	if (sl0 == 3) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "STE at 0x%llx: S2SL0=3 is reserved",
				(unsigned long long)s->pa);
		return;
	}
	smmu_table(t, tgt, &fmt_arm_lpae_s2, s->words[3] & GENMASK64(51, 4), gran, 64 - t0sz,
		   4 - start, "STE stage 2");
}

/* A CD (§5.3) -> stage-1 table. */
static void smmu_cd_target(struct walk_trail *t, struct walk_step *s, struct walk_target *tgt)
{
	uint64_t d0 = s->words[0];
	unsigned int t0sz = (unsigned int)bits64(d0, 5, 0);

	if (!(d0 >> 31 & 1)) {
		snprintf(s->summary, sizeof(s->summary), "not valid");
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "CD at 0x%llx is not valid",
				(unsigned long long)s->pa);
		return;
	}
	if (walk_step_reserved(t, s))
		return;
	snprintf(s->summary, sizeof(s->summary), "valid, TTB0 0x%llx, T0SZ %u (%u-bit), TG0 %uK, ASID %u%s",
		 (unsigned long long)(s->words[1] & GENMASK64(51, 4)), t0sz, 64 - t0sz,
		 tg_granule((unsigned int)bits64(d0, 7, 6)) >> 10, (unsigned int)bits64(d0, 63, 48),
		 d0 >> 14 & 1 ? ", EPD0" : "");
	if (d0 >> 14 & 1) {
		tgt->kind = WALK_TGT_BLOCKED;
		snprintf(tgt->note, sizeof(tgt->note), "TTB0 walks disabled (CD.EPD0=1): every access faults");
		return;
	}
	if (!(d0 >> 41 & 1)) {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "CD at 0x%llx: AA64=0 (AArch32 tables) is not supported",
				(unsigned long long)s->pa);
		return;
	}
	smmu_table(t, tgt, &fmt_arm_lpae_s1, s->words[1] & GENMASK64(51, 4),
		   tg_granule((unsigned int)bits64(d0, 7, 6)), 64 - t0sz, 0, "CD");
}

/* The CD for ssid under an S1 STE (linear or 2-level CD table). */
static void smmu_cd(struct walk_trail *t, const struct walk_mem *m, const struct walk_step *ste,
		    uint32_t ssid, struct walk_target *tgt)
{
	uint64_t d0 = ste->words[0], ptr = d0 & GENMASK64(51, 6);
	unsigned int fmt = (unsigned int)bits64(d0, 5, 4), split = fmt == 1 ? 6 : 10;
	struct walk_step *s;

	if (fmt == 0) {
		s = walk_step_read(t, m, "CD", &fmt_smmuv3_cd, NULL, ptr, ssid, CD_SIZE);
	} else if (fmt == 1 || fmt == 2) {
		s = walk_step_read(t, m, "L1 CD descriptor", &fmt_smmuv3_l1_cd, NULL, ptr, ssid >> split, 8);
		if (!s)
			return;
		if (!(s->words[0] & 1)) {
			snprintf(s->summary, sizeof(s->summary), "not valid");
			walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "L1 CD descriptor at 0x%llx is not valid",
					(unsigned long long)s->pa);
			return;
		}
		if (walk_step_reserved(t, s))
			return;
		snprintf(s->summary, sizeof(s->summary), "valid, CD table at 0x%llx",
			 (unsigned long long)(s->words[0] & GENMASK64(51, 12)));
		s = walk_step_read(t, m, "CD", &fmt_smmuv3_cd, NULL, s->words[0] & GENMASK64(51, 12),
				   ssid & ((1u << split) - 1), CD_SIZE);
	} else {
		walk_trail_stop(t, WALK_STOP_MALFORMED, "STE at 0x%llx: S1Fmt=3 is reserved",
				(unsigned long long)ste->pa);
		return;
	}
	if (s)
		smmu_cd_target(t, s, tgt);
}

/* The STE's meaning, for a requester with or without a substream. */
static void smmu_ste_target(struct walk_trail *t, const struct walk_mem *m, struct walk_step *s,
			    const struct walk_rid *rid, struct walk_target *tgt)
{
	uint64_t d0 = s->words[0];
	unsigned int cfg = (unsigned int)bits64(d0, 3, 1), cdmax = (unsigned int)bits64(d0, 63, 59);
	unsigned int s1dss = (unsigned int)bits64(s->words[1], 1, 0);

	if (!(d0 & 1)) {
		snprintf(s->summary, sizeof(s->summary), "not valid");
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "STE at 0x%llx is not valid",
				(unsigned long long)s->pa);
		return;
	}
	if (walk_step_reserved(t, s))
		return;
	switch (cfg) {
	case 0:
		snprintf(s->summary, sizeof(s->summary), "valid, Config abort");
		tgt->kind = WALK_TGT_BLOCKED;
		snprintf(tgt->note, sizeof(tgt->note), "STE Config=abort: every access is aborted");
		return;
	case 4:
		snprintf(s->summary, sizeof(s->summary), "valid, Config bypass");
		tgt->kind = WALK_TGT_IDENTITY;
		snprintf(tgt->note, sizeof(tgt->note), "bypass (STE Config=0b100)");
		return;
	case 6:
	case 7:
		smmu_s2(t, s, tgt, cfg == 6 ? "stage 2" : "nested");
		if (cfg == 7 && t->stop == WALK_STOP_OK)
			snprintf(tgt->note, sizeof(tgt->note),
				 "nested (Config=0b111): walking stage 2 only; stage-1 CDs at 0x%llx hold IPAs",
				 (unsigned long long)(d0 & GENMASK64(51, 6)));
		return;
	case 5:
		snprintf(s->summary, sizeof(s->summary),
			 "valid, Config stage 1, CD table at 0x%llx (S1Fmt %u, S1CDMax %u, S1DSS %u)",
			 (unsigned long long)(d0 & GENMASK64(51, 6)), (unsigned int)bits64(d0, 5, 4),
			 cdmax, s1dss);
		break;
	default:
		walk_trail_stop(t, WALK_STOP_MALFORMED, "STE at 0x%llx: Config %u is reserved",
				(unsigned long long)s->pa, cfg);
		return;
	}
	if (rid->has_pasid) {
		if (!cdmax || rid->pasid >= 1u << cdmax) {
			walk_trail_stop(t, WALK_STOP_RANGE, "SSID %u is beyond the CD table (S1CDMax %u)",
					rid->pasid, cdmax);
			return;
		}
		smmu_cd(t, m, s, rid->pasid, tgt);
		return;
	}
	if (cdmax && s1dss != 2) {
		if (s1dss == 1) {
			tgt->kind = WALK_TGT_IDENTITY;
			snprintf(tgt->note, sizeof(tgt->note), "no SubstreamID: stage 1 bypassed (S1DSS=1)");
		} else {
			tgt->kind = WALK_TGT_BLOCKED;
			snprintf(tgt->note, sizeof(tgt->note), "no SubstreamID: %s (S1DSS=%u)",
				 s1dss ? "reserved" : "terminated", s1dss);
		}
		return;
	}
	smmu_cd(t, m, s, 0, tgt);
}

struct smmu_cfg {
	unsigned int log2size, split, fmt;
};

static int smmu_cfg(const struct walk_hier *h, struct smmu_cfg *c, struct walk_trail *t)
{
	c->log2size = (unsigned int)bits64(h->strtab_cfg, 5, 0);
	c->split = (unsigned int)bits64(h->strtab_cfg, 10, 6);
	c->fmt = (unsigned int)bits64(h->strtab_cfg, 17, 16);
	if (c->fmt > 1 || c->log2size > 32 || (c->fmt == 1 && (c->split < 1 || c->split > 24 ||
							       c->split > c->log2size))) {
		walk_trail_stop(t, WALK_STOP_MALFORMED,
				"STRTAB_BASE_CFG 0x%llx: FMT %u, SPLIT %u, LOG2SIZE %u is not a stream table layout",
				(unsigned long long)h->strtab_cfg, c->fmt, c->split, c->log2size);
		return -EINVAL;
	}
	return 0;
}

/* Up to the STE of sid; NULL when the trail stopped. */
static struct walk_step *smmu_ste(const struct walk_hier *h, const struct smmu_cfg *c,
				  const struct walk_mem *m, uint32_t sid, struct walk_trail *t)
{
	uint64_t base = h->base & GENMASK64(51, 6);
	struct walk_step *s;
	unsigned int span;

	if (c->log2size < 32 && sid >> c->log2size) {
		walk_trail_stop(t, WALK_STOP_RANGE, "stream ID 0x%x is beyond the stream table (LOG2SIZE %u)",
				sid, c->log2size);
		return NULL;
	}
	if (c->fmt == 0)
		return walk_step_read(t, m, "STE", &fmt_smmuv3_ste, NULL, base, sid, STE_SIZE);
	s = walk_step_read(t, m, "L1 stream descriptor", &fmt_smmuv3_l1_std, NULL, base,
			   sid >> c->split, 8);
	if (!s)
		return NULL;
	span = (unsigned int)bits64(s->words[0], 4, 0);
	if (!span) {
		snprintf(s->summary, sizeof(s->summary), "not valid (Span 0)");
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT, "L1 stream descriptor at 0x%llx is not valid",
				(unsigned long long)s->pa);
		return NULL;
	}
	if (walk_step_reserved(t, s))
		return NULL;
	snprintf(s->summary, sizeof(s->summary), "valid, %u STEs at 0x%llx", 1u << (span - 1),
		 (unsigned long long)(s->words[0] & GENMASK64(51, 6)));
	if (span > 12 || (sid & ((1u << c->split) - 1)) >= 1u << (span - 1)) {
		walk_trail_stop(t, WALK_STOP_NOT_PRESENT,
				"stream ID 0x%x is beyond the level-2 table (Span %u)", sid, span);
		return NULL;
	}
	return walk_step_read(t, m, "STE", &fmt_smmuv3_ste, NULL, s->words[0] & GENMASK64(51, 6),
			      sid & ((1u << c->split) - 1), STE_SIZE);
}

static int smmuv3_resolve(const struct walk_hier *h, const struct walk_mem *m,
			  const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt)
{
	struct smmu_cfg c;
	struct walk_step *s;

	if (smmu_cfg(h, &c, t))
		return -EINVAL;
	s = smmu_ste(h, &c, m, rid->id, t);
	if (s)
		smmu_ste_target(t, m, s, rid, tgt);
	return 0;
}

static int smmu_emit(walk_hier_cb cb, void *priv, const struct walk_rid *rid,
		     const struct walk_trail *t, const struct walk_target *tgt)
{
	return cb(priv, rid, t->stop == WALK_STOP_OK ? tgt : NULL, t);
}

/* Every valid CD of an S1 STE with substreams. */
static int smmu_enum_cds(const struct walk_mem *m, uint64_t max_tables, uint64_t *tables,
			 walk_hier_cb cb, void *priv, uint32_t sid, const struct walk_trail *tste)
{
	const struct walk_step *ste = &tste->steps[tste->n - 1];
	uint64_t d0 = ste->words[0], ptr = d0 & GENMASK64(51, 6);
	unsigned int fmt = (unsigned int)bits64(d0, 5, 4), cdmax = (unsigned int)bits64(d0, 63, 59);
	unsigned int split = fmt == 0 ? WALK_PASID_BITS : fmt == 1 ? 6 : 10;
	uint32_t n = cdmax > WALK_PASID_BITS ? 1u << WALK_PASID_BITS : 1u << cdmax;
	int ret;

	if (fmt == 3)
		return 0;
	for (uint32_t l1 = 0; l1 < (fmt ? (n + (1u << split) - 1) >> split : 1); l1++) {
		struct walk_trail t1 = *tste;
		uint64_t cdt = ptr;
		uint32_t first = l1 << split, cnt = fmt ? 1u << split : n;

		if (fmt) {
			struct walk_step *s = walk_step_read(&t1, m, "L1 CD descriptor", &fmt_smmuv3_l1_cd,
							     NULL, ptr, l1, 8);
			struct walk_rid r = { .id = sid, .id_last = sid, .has_pasid = true, .pasid = first };

			if (!s) {
				if ((ret = cb(priv, &r, NULL, &t1)))
					return ret;
				continue;
			}
			if (!(s->words[0] & 1))
				continue;
			cdt = s->words[0] & GENMASK64(51, 12);
			snprintf(s->summary, sizeof(s->summary), "valid, CD table at 0x%llx",
				 (unsigned long long)cdt);
		}
		if (++*tables > max_tables)
			return -E2BIG;
		if (first + cnt > n)
			cnt = n - first;
		for (uint32_t i = 0; i < cnt; i++) {
			struct walk_rid r = { .id = sid, .id_last = sid, .has_pasid = true, .pasid = first + i };
			struct walk_trail t2 = t1;
			struct walk_target tgt;
			struct walk_step *s;

			memset(&tgt, 0, sizeof(tgt));
			s = walk_step_read(&t2, m, "CD", &fmt_smmuv3_cd, NULL, cdt, i, CD_SIZE);
			if (!s) {
				if ((ret = cb(priv, &r, NULL, &t2)))
					return ret;
				break;
			}
			if (!(s->words[0] >> 31 & 1))
				continue;
			smmu_cd_target(&t2, s, &tgt);
			if ((ret = smmu_emit(cb, priv, &r, &t2, &tgt)))
				return ret;
		}
	}
	return 0;
}

static int smmu_enum_ste(const struct walk_mem *m, uint64_t max_tables, uint64_t *tables,
			 walk_hier_cb cb, void *priv, uint32_t sid, struct walk_trail *t)
{
	struct walk_step *s = &t->steps[t->n - 1];
	struct walk_rid r = { .id = sid, .id_last = sid };
	struct walk_target tgt;
	uint64_t d0 = s->words[0];

	memset(&tgt, 0, sizeof(tgt));
	if (bits64(d0, 3, 1) == 5 && bits64(d0, 63, 59) && !walk_step_reserved(t, s)) {
		snprintf(s->summary, sizeof(s->summary), "valid, Config stage 1, CD table at 0x%llx",
			 (unsigned long long)(d0 & GENMASK64(51, 6)));
		return smmu_enum_cds(m, max_tables, tables, cb, priv, sid, t);
	}
	if (t->stop != WALK_STOP_OK)
		return cb(priv, &r, NULL, t);
	smmu_ste_target(t, m, s, &r, &tgt);
	return smmu_emit(cb, priv, &r, t, &tgt);
}

static int smmuv3_enum(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
		       uint64_t *tables, walk_hier_cb cb, void *priv)
{
	uint64_t base = h->base & GENMASK64(51, 6);
	struct walk_trail t;
	struct smmu_cfg c;
	uint64_t n;
	int ret;

	walk_trail_init(&t);
	if (smmu_cfg(h, &c, &t))
		return cb(priv, &(struct walk_rid){ 0 }, NULL, &t);
	if (++*tables > max_tables)
		return -E2BIG;
	n = c.log2size > 24 ? 1ULL << 24 : 1ULL << c.log2size;
	if (c.fmt == 0) {
		for (uint64_t sid = 0; sid < n; sid++) {
			struct walk_step *s;

			walk_trail_init(&t);
			s = walk_step_read(&t, m, "STE", &fmt_smmuv3_ste, NULL, base, sid, STE_SIZE);
			if (!s)
				return cb(priv, &(struct walk_rid){ .id = (uint32_t)sid,
						.id_last = (uint32_t)(n - 1) }, NULL, &t);
			if (!(s->words[0] & 1))
				continue;
			if ((ret = smmu_enum_ste(m, max_tables, tables, cb, priv, (uint32_t)sid, &t)))
				return ret;
		}
		return 0;
	}
	for (uint64_t l1 = 0; l1 < n >> c.split; l1++) {
		uint32_t first = (uint32_t)(l1 << c.split), last = first + (1u << c.split) - 1;
		struct walk_trail t1;
		struct walk_step *s;
		unsigned int span;
		uint64_t l2;

		walk_trail_init(&t1);
		s = walk_step_read(&t1, m, "L1 stream descriptor", &fmt_smmuv3_l1_std, NULL, base, l1, 8);
		if (!s) {
			if ((ret = cb(priv, &(struct walk_rid){ .id = first, .id_last = last }, NULL, &t1)))
				return ret;
			continue;
		}
		span = (unsigned int)bits64(s->words[0], 4, 0);
		if (!span)
			continue;
		if (span > 12 || walk_step_reserved(&t1, s)) {
			if (t1.stop == WALK_STOP_OK)
				walk_trail_stop(&t1, WALK_STOP_MALFORMED, "L1 stream descriptor at 0x%llx: Span %u",
						(unsigned long long)s->pa, span);
			if ((ret = cb(priv, &(struct walk_rid){ .id = first, .id_last = last }, NULL, &t1)))
				return ret;
			continue;
		}
		l2 = s->words[0] & GENMASK64(51, 6);
		snprintf(s->summary, sizeof(s->summary), "valid, %u STEs at 0x%llx", 1u << (span - 1),
			 (unsigned long long)l2);
		if (++*tables > max_tables)
			return -E2BIG;
		for (uint32_t i = 0; i < (1u << (span - 1)) && i < (1u << c.split); i++) {
			struct walk_trail t2 = t1;

			s = walk_step_read(&t2, m, "STE", &fmt_smmuv3_ste, NULL, l2, i, STE_SIZE);
			if (!s) {
				if ((ret = cb(priv, &(struct walk_rid){ .id = first + i, .id_last = last },
					      NULL, &t2)))
					return ret;
				break;
			}
			if (!(s->words[0] & 1))
				continue;
			if ((ret = smmu_enum_ste(m, max_tables, tables, cb, priv, first + i, &t2)))
				return ret;
		}
	}
	return 0;
}

#define SMMU_GROUP "strtab/--strtab-cfg/--sid/--ssid"

/* --pasid is another name for --ssid; requesters are stream IDs, not --dev. */
static const struct walk_hier_opt smmuv3_opts[] = {
	{ .name = "strtab", .key = WALK_HK_BASE, .required = true, .group = SMMU_GROUP },
	{ .name = "strtab-cfg", .key = WALK_HK_STRTAB_CFG, .required = true, .group = SMMU_GROUP },
	{ .name = "sid", .key = WALK_HK_ID, .group = SMMU_GROUP },
	{ .name = "ssid", .key = WALK_HK_PASID, .group = SMMU_GROUP },
	{ .name = "pasid", .key = WALK_HK_PASID, .group = "pasid" },
	{ .name = "dev", .key = WALK_HK_NONE, .group = "dev (use --sid)" },
};

const struct walk_fam walk_fam_smmuv3 = {
	.name = "smmuv3",
	.opts = smmuv3_opts,
	.nopts = ARRAY_SIZE(smmuv3_opts),
	.resolve = smmuv3_resolve,
	.enumerate = smmuv3_enum,
};
