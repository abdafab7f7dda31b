/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iommu list / iommu show: the IOMMU hardware units the kernel registered
 * (/sys/class/iommu), their kind, raw registers as sysfs exposes them, and
 * the devices each one serves. Rendered from the inventory only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/decode_out.h"
#include "decode/decode.h"
#include "output/out.h"

enum {
	COL_NAME,
	COL_KIND,
	COL_DEVICES,
	COL_GROUPS,
	COL_CAP,
	COL_ECAP,
	COL_FEATURES,
	COL_FLAGS,
	COL_ADDRESS,
	COL_VERSION,
	COL_PARENT,
	COL_DRIVER,
	COL_MEMBERS,
	COL_GROUP_IDS,
	COL_PATH,
};

static const struct out_col iommu_cols[] = {
	[COL_NAME] = { "NAME", OCT_STR, 0, OCF_DEFAULT, "unit name (dmar0, ivhd0, smmu3.0x..., ...)" },
	[COL_KIND] = { "KIND", OCT_STR, 0, OCF_DEFAULT,
		       "intel-vtd, amd-vi, virtio-iommu, arm-smmu-v3, ... or the parent's driver" },
	[COL_DEVICES] = { "DEVICES", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "number of devices it serves",
			  .key = "ndevices" },
	[COL_GROUPS] = { "GROUPS", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT,
			 "number of groups of those devices", .key = "ngroups" },
	[COL_CAP] = { "CAP", OCT_HEX, 0, OCF_DEFAULT_JSON,
		      "capability register (VT-d CAP, AMD capability header)" },
	[COL_ECAP] = { "ECAP", OCT_HEX, 0, OCF_DEFAULT_JSON, "VT-d extended capability register" },
	[COL_FEATURES] = { "FEATURES", OCT_LIST, 0, OCF_DEFAULT_JSON,
			   "AMD extended feature register(s), as sysfs lists them" },
	[COL_FLAGS] = { "FLAGS", OCT_LIST, 0, OCF_DEFAULT_TEXT | OCF_WRAP,
			"a few features decoded: VT-d SM,FS,SS,PT,PASID,PRS,NEST,DT,IR; AMD PPR,GT,GA,NX,PASID,HD",
			.key = "decoded_features" },
	[COL_ADDRESS] = { "ADDRESS", OCT_HEX, 0, 0, "VT-d register base address", .key = "register_base" },
	[COL_VERSION] = { "VERSION", OCT_STR, 0, 0, "VT-d architecture version" },
	[COL_PARENT] = { "PARENT", OCT_STR, 0, 0, "the device the unit hangs off" },
	[COL_DRIVER] = { "DRIVER", OCT_STR, 0, 0, "driver of the parent device", .key = "parent_driver" },
	[COL_MEMBERS] = { "MEMBERS", OCT_LIST, 0, OCF_WRAP, "the devices it serves" },
	[COL_GROUP_IDS] = { "GROUP_IDS", OCT_NUMLIST, 0, OCF_WRAP, "the groups of those devices" },
	[COL_PATH] = { "PATH", OCT_STR, 0, 0, "sysfs directory" },
};

static const struct inv_attr *unit_attr(const struct inv_unit *u, const char *key)
{
	for (size_t i = 0; i < u->nattrs; i++)
		if (!strcmp(u->attrs[i].desc->key, key))
			return &u->attrs[i];
	return NULL;
}

/*
 * A register's cell. A value that did not parse shows as sysfs wrote it in
 * text; JSON has null there, so that the key keeps its type ("0x..." hex).
 */
static void cell_attr_hex(struct out_row *row, int col, const struct inv_unit *u, const char *key,
			  bool json)
{
	const struct inv_attr *a = unit_attr(u, key);

	if (a && a->nvals)
		out_cell_hex(row, col, a->vals[0]);
	else if (a && a->text && !json)
		out_cell_str(row, col, a->text);
}

static void attr_hex_strings(const struct inv_attr *a, struct strv *sv)
{
	for (size_t i = 0; a && i < a->nvals; i++)
		strv_push_owned(sv, xasprintf("0x%llx", (unsigned long long)a->vals[i]));
}

/*
 * The text view's FLAGS: a few features that tell units apart, from the
 * registers sysfs shows (bit positions as in the decode tables: VT-d spec
 * §10.4.3 ECAP_REG; AMD IOMMU spec, MMIO offset 0x0030 Extended Feature
 * Register). Units whose registers sysfs does not show have none.
 */
static void unit_flags(const struct inv_unit *u, struct strv *flags)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} vtd[] = {
		{ 43, "SM" }, { 47, "FS" }, { 46, "SS" }, { 6, "PT" }, { 40, "PASID" }, { 29, "PRS" }, { 26, "NEST" }, { 2, "DT" },
		{ 3, "IR" },
	}, amd[] = {
		{ 1, "PPR" }, { 4, "GT" }, { 7, "GA" }, { 3, "NX" }, { 52, "HD" },
	};
	const struct inv_attr *a = unit_attr(u, "ecap");

	if (a && a->nvals) {
		for (size_t i = 0; i < ARRAY_SIZE(vtd); i++)
			if (a->vals[0] >> vtd[i].bit & 1)
				strv_push(flags, vtd[i].name);
		return;
	}
	a = unit_attr(u, "features");
	if (!a || !a->nvals)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(amd); i++)
		if (a->vals[0] >> amd[i].bit & 1)
			strv_push(flags, amd[i].name);
	/* PASmax, bits 36:32: PASIDs of that many bits, 0: none */
	if (a->vals[0] >> 32 & 0x1f)
		strv_push(flags, "PASID");
}

/* What each column reads, besides the units. */
static const unsigned int iommu_col_need[] = {
	[COL_GROUPS] = INV_NEED_GROUPS,
	[COL_CAP] = INV_NEED_UNIT_ATTRS,
	[COL_ECAP] = INV_NEED_UNIT_ATTRS,
	[COL_FEATURES] = INV_NEED_UNIT_ATTRS,
	[COL_FLAGS] = INV_NEED_UNIT_ATTRS,
	[COL_ADDRESS] = INV_NEED_UNIT_ATTRS,
	[COL_VERSION] = INV_NEED_UNIT_ATTRS,
	[COL_GROUP_IDS] = INV_NEED_GROUPS,
	[COL_PATH] = 0,
};
_Static_assert(ARRAY_SIZE(iommu_col_need) == ARRAY_SIZE(iommu_cols), "a need for every column");

static int iommu_list(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	bool json = out_is_json(ctx_out(ctx));
	struct inventory inv;
	struct out_table *tab;
	int err;

	err = cli_list_begin(ctx, "units", iommu_cols, ARRAY_SIZE(iommu_cols), INV_SCOPE_UNITS,
			     INV_NEED_UNITS, iommu_col_need, &tab, &inv);
	if (err)
		return err < 0 ? err : 0;
	for (size_t i = 0; i < inv.nunits; i++) {
		const struct inv_unit *u = &inv.units[i];
		struct out_row *row = out_table_row(tab);
		struct strv groups = { 0 }, features = { 0 };
		const struct inv_attr *a;

		inventory_unit_groups(&inv, u, &groups);
		out_cell_str(row, COL_NAME, u->name);
		out_cell_str(row, COL_KIND, u->kind_name);
		out_cell_u64(row, COL_DEVICES, u->devices.n);
		out_cell_u64(row, COL_GROUPS, groups.n);
		cell_attr_hex(row, COL_CAP, u, "cap", json);
		cell_attr_hex(row, COL_ECAP, u, "ecap", json);
		a = unit_attr(u, "features");
		attr_hex_strings(a, &features);
		if (a && a->text && !a->nvals && !json)
			strv_push(&features, a->text);
		out_cell_list(row, COL_FEATURES, &features);
		if (out_table_selected(tab, COL_FLAGS)) {
			struct strv flags = { 0 };

			unit_flags(u, &flags);
			out_cell_list(row, COL_FLAGS, &flags);
			strv_free(&flags);
		}
		cell_attr_hex(row, COL_ADDRESS, u, "address", json);
		a = unit_attr(u, "version");
		out_cell_str(row, COL_VERSION, a ? a->text : NULL);
		out_cell_str(row, COL_PARENT, u->parent);
		out_cell_str(row, COL_DRIVER, u->parent_driver);
		out_cell_list(row, COL_MEMBERS, &u->devices);
		out_cell_list(row, COL_GROUP_IDS, &groups);
		out_cell_str(row, COL_PATH, u->path);
		strv_free(&groups);
		strv_free(&features);
	}
	err = out_table_print(tab);
	inventory_release(&inv);
	return err;
}

/*
 * One register or attribute: hex as "0x..", counts as numbers. A value
 * that did not parse is shown as sysfs wrote it in text, and is null in
 * JSON, so that each key keeps one type.
 */
static void show_attr(struct out *o, const struct inv_attr *a)
{
	const struct inv_attr_desc *d = a->desc;
	struct strv sv = { 0 };

	if (!a->text) {
		out_str(o, d->key, d->label, NULL);
		return;
	}
	if (!a->nvals) {
		out_str(o, d->key, d->label, d->type == INV_ATTR_STR || !out_is_json(o) ? a->text : NULL);
		return;
	}
	switch (d->type) {
	case INV_ATTR_HEX:
		out_hex(o, d->key, d->label, a->vals[0]);
		break;
	case INV_ATTR_DEC:
		out_u64(o, d->key, d->label, a->vals[0]);
		break;
	case INV_ATTR_HEX_LIST:
		attr_hex_strings(a, &sv);
		out_strv(o, d->key, d->label, &sv);
		strv_free(&sv);
		break;
	default:
		out_str(o, d->key, d->label, a->text);
		break;
	}
}

/*
 * The words a register's decoder takes. AMD "features" is special: its two
 * values came in either order across kernels, and the decoder knows how
 * to tell EFR from EFR2.
 */
static int attr_words(const struct inv_attr *a, uint64_t *words, size_t nwords)
{
	if (!a->nvals)
		return -EINVAL;
	memset(words, 0, nwords * sizeof(*words));
	if (!strcmp(a->desc->decode, "amd-efr"))
		return decode_amd_features_parse(a->text, words);
	for (size_t i = 0; i < a->nvals && i < nwords; i++)
		words[i] = a->vals[i];
	return 0;
}

/*
 * Each decodable register field by field, from the same raw values, through
 * the decoder engine and the same rendering as `iommuctl decode`.
 */
static void show_decoded(struct iommuctl_ctx *ctx, struct out *o, const struct inv_unit *u)
{
	bool any = false;

	for (size_t i = 0; i < u->nattrs; i++)
		any |= u->attrs[i].desc->decode != NULL;
	if (!any)
		return;
	out_obj_begin(o, "decoded", "decoded");
	for (size_t i = 0; i < u->nattrs; i++) {
		const struct inv_attr *a = &u->attrs[i];
		const struct decode_fmt *fmt;
		uint64_t words[DECODE_MAX_WORDS];
		struct decode_result res;
		char *label;

		if (!a->desc->decode)
			continue;
		fmt = decode_format_find(a->desc->decode);
		if (!fmt || attr_words(a, words, DECODE_MAX_WORDS) ||
		    decode_run(fmt, words, NULL, &res)) {
			warn_msg(ctx, "%s: %s: cannot decode as %s", u->name, a->desc->key, a->desc->decode);
			out_str(o, a->desc->key, a->desc->label, NULL);
			continue;
		}
		label = xasprintf("%s (%s)", a->desc->label, fmt->name);
		decode_emit(o, a->desc->key, label, &res);
		free(label);
		decode_result_release(&res);
	}
	out_obj_end(o);
}

/* A unit by name, or by the PCI address of the device it hangs off. */
static const struct inv_unit *unit_select(const struct inventory *inv, const char *sel)
{
	const struct inv_unit *u = inventory_unit(inv, sel);
	struct pci_addr a;
	char canon[16];

	if (u || pci_addr_parse(sel, &a))
		return u;
	pci_addr_format(&a, canon, sizeof(canon));
	u = inventory_unit(inv, canon);
	for (size_t i = 0; !u && i < inv->nunits; i++)
		if (inv->units[i].parent && !strcmp(inv->units[i].parent, canon))
			u = &inv->units[i];
	return u;
}

struct iommu_show_opts {
	bool no_decode;
};

enum { OPT_NO_DECODE = 0x300 };

static const struct argp_option iommu_show_options[] = {
	{ "no-decode", OPT_NO_DECODE, NULL, 0, "show the registers' raw values only, not their fields", 0 },
	{ 0 }
};

static error_t iommu_show_parse(int key, char *arg, struct argp_state *state)
{
	struct iommu_show_opts *so = state->input;

	if (key != OPT_NO_DECODE)
		return ARGP_ERR_UNKNOWN;
	so->no_decode = true;
	return 0;
}

static int iommu_show(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct iommu_show_opts *so = opts;
	struct out *o = ctx_out(ctx);
	struct strv objs = { 0 }, groups = { 0 };
	const struct inv_unit *u;
	struct inventory inv;
	int err;

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	u = unit_select(&inv, argv[0]);
	if (!u) {
		cli_inventory_warn(ctx, &inv, INV_SCOPE_UNITS, &objs);
		err = err_report(ctx, -ENOENT, "no IOMMU unit '%s' (see 'iommuctl iommu list')", argv[0]);
		inventory_release(&inv);
		return err;
	}
	strv_push(&objs, u->name);
	cli_inventory_warn(ctx, &inv, INV_SCOPE_UNITS, &objs);
	strv_free(&objs);

	out_obj_begin(o, NULL, NULL);
	out_str(o, "name", "name", u->name);
	out_str(o, "kind", "kind", u->kind_name);
	out_str(o, "parent", "parent", u->parent);
	out_str(o, "parent_driver", "parent driver", u->parent_driver);
	out_str(o, "path", "path", u->path);
	/* JSON keeps the key for every kind; text shows the block only when it has lines */
	if (u->nattrs || out_is_json(o)) {
		out_obj_begin(o, "registers", "registers");
		for (size_t i = 0; i < u->nattrs; i++)
			show_attr(o, &u->attrs[i]);
		out_obj_end(o);
	}
	if (!so->no_decode)
		show_decoded(ctx, o, u);
	inventory_unit_groups(&inv, u, &groups);
	if (out_is_json(o)) {
		uint64_t *ids = xcalloc(groups.n, sizeof(*ids));

		for (size_t i = 0; i < groups.n; i++)
			parse_u64(groups.v[i], &ids[i]);
		cli_out_u64_list(o, "group_ids", "groups", ids, groups.n);
		free(ids);
	} else {
		out_strv(o, "group_ids", "groups", &groups);
	}
	strv_free(&groups);
	out_list_begin(o, "devices", "devices");
	for (size_t i = 0; i < u->devices.n; i++) {
		const struct inv_device *d = inventory_device(&inv, u->devices.v[i]);
		char grp[16] = "-";

		if (d && d->group >= 0)
			snprintf(grp, sizeof(grp), "%d", d->group);
		if (!out_is_json(o)) {
			out_text(o, "%-14s group %-4s driver %s", u->devices.v[i], grp,
				 d && d->driver ? d->driver : "-");
			continue;
		}
		out_obj_begin(o, NULL, NULL);
		out_str(o, "address", NULL, u->devices.v[i]);
		if (d && d->group >= 0)
			out_u64(o, "group", NULL, (uint64_t)d->group);
		else
			out_str(o, "group", NULL, NULL);
		out_str(o, "driver", NULL, d ? d->driver : NULL);
		out_obj_end(o);
	}
	out_list_end(o);
	out_obj_end(o);
	err = out_flush(o);
	inventory_release(&inv);
	return err;
}

static const struct cli_verb iommu_verbs[] = {
	{
		.name = "list",
		.alias = "ls",
		.summary = "list the IOMMU hardware units",
		.doc = "One row per unit the kernel registered under /sys/class/iommu: Intel VT-d "
		       "(dmarN), AMD-Vi (ivhdN), virtio-iommu, Arm SMMU and others. Registers are "
		       "shown raw, as \"0x...\" values.",
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_LIST,
		.run = iommu_list,
	},
	{
		.name = "show",
		.summary = "show one IOMMU unit: kind, registers, devices it serves",
		.args_doc = "UNIT",
		.doc = "UNIT is a unit name as 'iommu list' shows it (dmar0, ivhd0), or the PCI "
		       "address of the device it belongs to. The VT-d CAP and ECAP and the AMD "
		       "extended feature registers are also decoded field by field, with the "
		       "decoder of 'iommuctl decode' (--no-decode: raw values only).",
		.options = iommu_show_options,
		.parser = iommu_show_parse,
		.opts_size = sizeof(struct iommu_show_opts),
		.min_args = 1,
		.max_args = 1,
		.run = iommu_show,
	},
	{ 0 }
};

const struct cli_object cli_object_iommu = {
	.name = "iommu",
	.summary = "IOMMU hardware units: kind, registers, the devices they serve",
	.default_verb = "list",
	.verbs = iommu_verbs,
};
