/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The family table: one row per hierarchy (VT-d, SMMUv3, AMD-Vi, RISC-V),
 * each defined in its own walk_*.c with its name, options, resolve and
 * enumerate, and what every family shares: dispatch by family, lookups by
 * name, and storing the options the user gives. Adding a family is its
 * file, its row here and its value of enum walk_family.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/fmt.h"
#include "decode/walk.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

static const struct walk_fam *const families[] = {
	[WALK_FAM_VTD] = &walk_fam_vtd,
	[WALK_FAM_SMMUV3] = &walk_fam_smmuv3,
	[WALK_FAM_AMD] = &walk_fam_amd,
	[WALK_FAM_RISCV] = &walk_fam_riscv,
};

const struct walk_fam *walk_fam_at(size_t i)
{
	return i < ARRAY_SIZE(families) ? families[i] : NULL;
}

int walk_family_find(const char *name, enum walk_family *fam)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(families); i++)
		if (!strcmp(families[i]->name, name)) {
			*fam = (enum walk_family)i;
			return 0;
		}
	return -ENOENT;
}

const char *walk_family_name(enum walk_family fam)
{
	const struct walk_fam *f = walk_fam_at((size_t)fam);

	return f ? f->name : "unknown";
}

void walk_rid_format(enum walk_family fam, uint32_t id, char *buf, size_t len)
{
	const struct walk_fam *f = walk_fam_at((size_t)fam);

	if ((f && !f->pci_ids) || id > 0xffff)
		snprintf(buf, len, "0x%x", id);
	else
		snprintf(buf, len, "%02x:%02x.%x", id >> 8, (id >> 3) & 0x1f, id & 7);
}

int walk_hier_resolve(const struct walk_hier *h, const struct walk_mem *m,
		      const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt)
{
	const struct walk_fam *f = walk_fam_at((size_t)h->family);

	memset(tgt, 0, sizeof(*tgt));
	return f ? f->resolve(h, m, rid, t, tgt) : -EINVAL;
}

int walk_hier_enum(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
		   uint64_t *tables, walk_hier_cb cb, void *priv)
{
	const struct walk_fam *f = walk_fam_at((size_t)h->family);

	if (!max_tables)
		max_tables = WALK_MAX_TABLES_DEFAULT;
	return f ? f->enumerate(h, m, max_tables, tables, cb, priv) : -EINVAL;
}

/* ---- options ---- */

const struct walk_hier_opt *walk_fam_opt(const struct walk_fam *f, const char *name)
{
	for (size_t i = 0; i < f->nopts; i++)
		if (!strcmp(f->opts[i].name, name))
			return &f->opts[i];
	return NULL;
}

const char *walk_fam_refuses(const struct walk_fam *f, const char *name)
{
	const struct walk_hier_opt *o = walk_fam_opt(f, name);

	if (o)
		return o->key == WALK_HK_NONE ? o->group : NULL;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		o = walk_fam_opt(families[i], name);
		if (o && o->key != WALK_HK_NONE)
			return o->group;
	}
	return name;
}

_Static_assert(WALK_PASID_MAX == 0xfffff, "the range below says 0xfffff");

int walk_hier_set(struct walk_hier *h, struct walk_rid *rid, const struct walk_hier_opt *o,
		  uint64_t v, const char **why)
{
	if (o->hi && (v < o->lo || v > o->hi)) {
		*why = o->range;
		return -ERANGE;
	}
	switch (o->key) {
	case WALK_HK_NONE:
		*why = "not taken";
		return -EINVAL;
	case WALK_HK_BASE:
		h->base = o->keep ? v & o->keep : v;
		break;
	case WALK_HK_SCALABLE:
		h->scalable = v;
		break;
	case WALK_HK_STRTAB_CFG:
		h->strtab_cfg = v;
		break;
	case WALK_HK_DTE_COUNT:
		if (v > UINT32_MAX) {
			*why = "too many entries";
			return -ERANGE;
		}
		h->dte_count = (uint32_t)v;
		break;
	case WALK_HK_EXT_DC:
		h->ext_dc = v;
		break;
	case WALK_HK_BIG_ENDIAN:
		h->params.big_endian = v;
		break;
	case WALK_HK_ID:
		if (v > UINT32_MAX) {
			*why = "at most 0xffffffff (32 bits)";
			return -ERANGE;
		}
		rid->id = rid->id_last = (uint32_t)v;
		break;
	case WALK_HK_PASID:
		if (v > WALK_PASID_MAX) {
			*why = "at most 0xfffff (" STR(WALK_PASID_BITS) " bits)";
			return -ERANGE;
		}
		rid->has_pasid = true;
		rid->pasid = (uint32_t)v;
		break;
	}
	return 0;
}
