/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * group list / group show: IOMMU groups, their members, default domain
 * type, reserved regions, VFIO nodes, and whether VFIO could take the
 * group as it stands (the kernel's viability rule) and why not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/inv.h"
#include "core/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

enum {
	COL_GROUP,
	COL_TYPE,
	COL_DEVICES,
	COL_DRIVERS,
	COL_RESV,
	COL_VIABLE,
	COL_MEMBERS,
	COL_IDS,
	COL_UNIT,
	COL_VFIO,
	COL_REGIONS,
	COL_BLOCKERS,
	COL_REASON,
};

static const struct out_col group_cols[] = {
	[COL_GROUP] = { "GROUP", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT,
			"group number (not stable across boots)" },
	[COL_TYPE] = { "TYPE", OCT_STR, 0, OCF_DEFAULT,
		       "default domain type: DMA, DMA-FQ, identity, blocked, unmanaged" },
	[COL_DEVICES] = { "DEVICES", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "number of member devices" },
	[COL_DRIVERS] = { "DRIVERS", OCT_LIST, 0, OCF_DEFAULT, "drivers bound to the members" },
	[COL_RESV] = { "RESV", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "number of reserved regions" },
	[COL_VIABLE] = { "VIABLE", OCT_BOOL, 0, OCF_DEFAULT, "VFIO could use the group as it stands" },
	[COL_MEMBERS] = { "MEMBERS", OCT_LIST, 0, OCF_WRAP, "member device addresses" },
	[COL_IDS] = { "IDS", OCT_LIST, 0, OCF_WRAP, "vendor:device of each member" },
	[COL_UNIT] = { "UNIT", OCT_LIST, 0, 0, "IOMMU unit(s) serving the members" },
	[COL_VFIO] = { "VFIO", OCT_STR, 0, 0, "VFIO group node (/dev/vfio/N or /dev/vfio/noiommu-N)" },
	[COL_REGIONS] = { "REGIONS", OCT_LIST, 0, OCF_WRAP, "reserved regions: start-end type" },
	[COL_BLOCKERS] = { "BLOCKERS", OCT_LIST, 0, 0,
			   "members bound to a driver that uses the kernel DMA API" },
	[COL_REASON] = { "REASON", OCT_STR, 0, OCF_WRAP, "why the group is viable or not" },
};

static void region_text(const struct inv_resv *r, struct strv *sv)
{
	strv_push_owned(sv, xasprintf("0x%llx-0x%llx %s", (unsigned long long)r->start,
				      (unsigned long long)r->end, r->type));
}

static int group_list(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct inventory inv;
	struct out_table *tab;
	int err;

	err = out_table_new(ctx, "groups", group_cols, ARRAY_SIZE(group_cols), &tab);
	if (err)
		return err < 0 ? err : 0;
	err = cli_inventory_load(ctx, &inv);
	if (err) {
		out_table_free(tab);
		return err;
	}
	cli_inventory_warn(ctx, &inv, INV_SCOPE_GROUPS, NULL);
	for (size_t i = 0; i < inv.ngroups; i++) {
		const struct inv_group *g = &inv.groups[i];
		struct out_row *row = out_table_row(tab);
		struct strv drivers = { 0 }, units = { 0 }, regions = { 0 }, ids = { 0 };

		inventory_group_drivers(&inv, g, &drivers);
		inventory_group_units(&inv, g, &units);
		for (size_t j = 0; j < g->nresv; j++)
			region_text(&g->resv[j], &regions);
		for (size_t j = 0; j < g->members.n; j++) {
			const struct inv_device *d = inventory_device(&inv, g->members.v[j]);
			char buf[16];
			const char *id = d ? cli_device_id(d, buf, sizeof(buf)) : NULL;

			strv_push(&ids, id ? id : "-");
		}
		out_cell_u64(row, COL_GROUP, g->id);
		out_cell_str(row, COL_TYPE, g->type);
		out_cell_u64(row, COL_DEVICES, g->members.n);
		out_cell_list(row, COL_DRIVERS, &drivers);
		if (g->resv_read)
			out_cell_u64(row, COL_RESV, g->nresv);
		out_cell_bool(row, COL_VIABLE, g->viable);
		out_cell_list(row, COL_MEMBERS, &g->members);
		out_cell_list(row, COL_IDS, &ids);
		out_cell_list(row, COL_UNIT, &units);
		out_cell_str(row, COL_VFIO, g->vfio_node);
		out_cell_list(row, COL_REGIONS, &regions);
		out_cell_list(row, COL_BLOCKERS, &g->blockers);
		out_cell_str(row, COL_REASON, g->reason);
		strv_free(&drivers);
		strv_free(&units);
		strv_free(&regions);
		strv_free(&ids);
	}
	err = out_table_print(tab);
	inventory_release(&inv);
	return err;
}

static void show_member(struct out *o, const struct inventory *inv, struct names *names,
			const char *name)
{
	const struct inv_device *d = inventory_device(inv, name);
	struct pci_names pn = { 0 };
	struct strv cdevs = { 0 };
	char idbuf[16], clbuf[16];

	out_obj_begin(o, NULL, name);
	if (out_is_json(o))
		out_str(o, "address", NULL, name);
	if (!d) {
		out_obj_end(o);
		return;
	}
	cli_device_names(names, d, &pn);
	out_str(o, "id", "id", cli_device_id(d, idbuf, sizeof(idbuf)));
	out_str(o, "class", "class", cli_device_class(d, clbuf, sizeof(clbuf)));
	cli_out_opt_str(o, "vendor_name", "vendor", pn.vendor);
	cli_out_opt_str(o, "device_name", "device", pn.device);
	cli_out_opt_str(o, "class_name", "class name", pn.class_name);
	out_str(o, "driver", "driver", d->driver);
	out_str(o, "driver_override", "driver override", d->driver_override);
	out_str(o, "unit", "iommu unit", d->unit);
	cli_device_cdevs(d, &cdevs);
	out_strv(o, "vfio_cdevs", "vfio cdev", &cdevs);
	out_bool(o, "dma_api", "uses kernel DMA API", !inv_driver_viable(d->driver));
	out_obj_end(o);
	strv_free(&cdevs);
	pci_names_release(&pn);
}

static void show_region(struct out *o, const struct inv_resv *r)
{
	uint64_t size = r->end - r->start + 1;
	char sz[32];

	size_format(size, sz, sizeof(sz));
	if (!out_is_json(o)) {
		out_text(o, "0x%016llx-0x%016llx %6s %s", (unsigned long long)r->start,
			 (unsigned long long)r->end, sz, r->type);
		return;
	}
	out_obj_begin(o, NULL, NULL);
	out_hex(o, "start", NULL, r->start);
	out_hex(o, "end", NULL, r->end);
	out_u64(o, "size", NULL, size);
	out_str(o, "type", NULL, r->type);
	out_obj_end(o);
}

static int group_select_report(struct iommuctl_ctx *ctx, const struct inventory *inv,
			       const char *arg, struct inv_group **g)
{
	struct inv_device *d;
	struct inv_sel sel;
	int err = inv_sel_parse(arg, &sel);

	if (err)
		return err_report(ctx, -EUSAGE,
				  "'%s' is neither a group number nor a PCI address (0000:00:03.0 or 00:03.0)",
				  arg);
	err = inventory_group_select(inv, &sel, g, &d);
	if (!err)
		return 0;
	/* no groups at all: no IOMMU is enabled, so this kernel cannot answer */
	if (!inv->ngroups)
		return err_report(ctx, -EOPNOTSUPP, "%s", INV_NO_GROUPS_MSG);
	if (!sel.is_addr)
		return err_report(ctx, -ENOENT, "no IOMMU group %u (see 'iommuctl group list')", sel.group);
	if (!d)
		return err_report(ctx, -ENOENT, "no device %s", sel.addr);
	return err_report(ctx, -ENOENT, "%s is in no IOMMU group", d->name);
}

static int group_show(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct strv objs = { 0 }, units = { 0 };
	struct inventory inv;
	struct inv_group *g;
	struct names *names;
	int err;

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	err = group_select_report(ctx, &inv, argv[0], &g);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	strv_push_owned(&objs, xasprintf("%u", g->id));
	for (size_t i = 0; i < g->members.n; i++)
		strv_push(&objs, g->members.v[i]);
	cli_inventory_warn(ctx, &inv, INV_SCOPE_GROUPS, &objs);
	strv_free(&objs);

	names = cli_names_open(ctx);
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", g->id);
	out_str(o, "type", "type", g->type);
	out_bool(o, "viable", "viable", g->viable);
	out_str(o, "reason", "reason", g->reason);
	out_strv(o, "blockers", "blockers", &g->blockers);
	out_str(o, "vfio_group", "vfio group", g->vfio_node);
	inventory_group_units(&inv, g, &units);
	out_strv(o, "units", "iommu units", &units);
	strv_free(&units);
	out_list_begin(o, "devices", "devices");
	for (size_t i = 0; i < g->members.n; i++)
		show_member(o, &inv, names, g->members.v[i]);
	out_list_end(o);
	if (g->resv_read) {
		out_list_begin(o, "reserved_regions", "reserved regions");
		for (size_t i = 0; i < g->nresv; i++)
			show_region(o, &g->resv[i]);
		out_list_end(o);
	} else {
		out_str(o, "reserved_regions", "reserved regions", NULL);
	}
	out_obj_end(o);
	err = out_flush(o);
	names_free(names);
	inventory_release(&inv);
	return err;
}

static const struct cli_verb group_verbs[] = {
	{
		.name = "list",
		.alias = "ls",
		.summary = "list the IOMMU groups and whether VFIO could use them",
		.doc = "One row per group in /sys/kernel/iommu_groups. VIABLE follows the kernel's "
		       "rule: every member unbound, bound to vfio-pci (or another VFIO driver), or "
		       "bound to a driver that manages its own DMA (pcieport, pci-stub). Group "
		       "numbers are not stable across boots: scripts should select by address.",
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_LIST,
		.run = group_list,
	},
	{
		.name = "show",
		.summary = "show one group: members, reserved regions, viability and why",
		.args_doc = "SEL",
		.doc = "SEL is a group number or the PCI address of any member (0000:00:03.0 or "
		       "00:03.0). Exit status 3 when there is no such group.",
		.min_args = 1,
		.max_args = 1,
		.run = group_show,
	},
	{ 0 }
};

const struct cli_object cli_object_group = {
	.name = "group",
	.summary = "IOMMU groups: members, reserved regions, VFIO viability",
	.default_verb = "list",
	.verbs = group_verbs,
};
