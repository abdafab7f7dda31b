/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * device list / device show: the device-centric view. Address, IDs,
 * class, driver, group and IOMMU unit from sysfs, and the ATS, PRI, PASID
 * and ACS capabilities decoded from each device's config space.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/explain.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

enum {
	COL_ADDRESS,
	COL_ID,
	COL_CLASS,
	COL_DRIVER,
	COL_GROUP,
	COL_UNIT,
	COL_ATS,
	COL_PRI,
	COL_PASID,
	COL_ACS,
	COL_CAPS,
	COL_PASID_WIDTH,
	COL_ACS_CAP,
	COL_ACS_CTRL,
	COL_DRIVER_OVERRIDE,
	COL_VFIO,
	COL_VIABLE,
	COL_SUBSYSTEM,
	COL_REVISION,
	COL_PCIE_TYPE,
	COL_BUS,
	COL_VENDOR_NAME,
	COL_DEVICE_NAME,
	COL_CLASS_NAME,
	COL_PATH,
};

static const struct out_col device_cols[] = {
	[COL_ADDRESS] = { "ADDRESS", OCT_STR, 0, OCF_DEFAULT, "PCI address (or sysfs name)" },
	[COL_ID] = { "ID", OCT_STR, 0, OCF_DEFAULT, "vendor:device" },
	[COL_CLASS] = { "CLASS", OCT_STR, 0, OCF_DEFAULT, "class code" },
	[COL_DRIVER] = { "DRIVER", OCT_STR, 0, OCF_DEFAULT, "bound driver" },
	[COL_GROUP] = { "GROUP", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "IOMMU group number" },
	[COL_UNIT] = { "UNIT", OCT_STR, 0, OCF_DEFAULT, "IOMMU unit" },
	[COL_ATS] = { "ATS", OCT_STR, 0, OCF_DEFAULT_JSON,
		      "Address Translation Services: enabled, disabled, absent, unknown", .key = "ats_state" },
	[COL_PRI] = { "PRI", OCT_STR, 0, OCF_DEFAULT_JSON,
		      "Page Request Interface: enabled, disabled, absent, unknown", .key = "pri_state" },
	[COL_PASID] = { "PASID", OCT_STR, 0, OCF_DEFAULT_JSON,
			"PASID capability: enabled, disabled, absent, unknown", .key = "pasid_state" },
	[COL_ACS] = { "ACS", OCT_STR, 0, OCF_DEFAULT_JSON,
		      "Access Control Services: enabled, disabled, absent, unknown", .key = "acs_state" },
	[COL_CAPS] = { "CAPS", OCT_LIST, 0, OCF_DEFAULT_TEXT | OCF_WRAP,
		       "ATS, PRI, PASID, ACS as present: + enabled, - disabled, ? unknown (? alone: all)" },
	[COL_PASID_WIDTH] = { "PASID_WIDTH", OCT_NUM, 0, OCF_RIGHT, "max PASID width in bits",
			      .key = "pasid_max_width" },
	[COL_ACS_CAP] = { "ACS_CAP", OCT_LIST, 0, 0, "ACS controls supported (SV,TB,RR,CR,UF,EC,DT)",
			  .key = "acs_supported" },
	[COL_ACS_CTRL] = { "ACS_CTRL", OCT_LIST, 0, 0, "ACS controls enabled", .key = "acs_enabled" },
	[COL_DRIVER_OVERRIDE] = { "DRIVER_OVERRIDE", OCT_STR, 0, 0, "driver_override" },
	[COL_VFIO] = { "VFIO", OCT_LIST, 0, 0, "VFIO device nodes (/dev/vfio/devices/vfioN)",
		       .key = "vfio_cdevs" },
	[COL_VIABLE] = { "VIABLE", OCT_BOOL, 0, 0, "its group is usable by VFIO as it stands",
			 .key = "group_viable" },
	[COL_SUBSYSTEM] = { "SUBSYSTEM", OCT_STR, 0, 0, "subsystem vendor:device" },
	[COL_REVISION] = { "REVISION", OCT_STR, 0, 0, "revision ID" },
	[COL_PCIE_TYPE] = { "PCIE_TYPE", OCT_STR, 0, 0, "PCI Express device/port type" },
	[COL_BUS] = { "BUS", OCT_STR, 0, 0, "bus type (pci, platform, ...)" },
	[COL_VENDOR_NAME] = { "VENDOR_NAME", OCT_STR, 0, OCF_WRAP, "vendor name (hardware database)" },
	[COL_DEVICE_NAME] = { "DEVICE_NAME", OCT_STR, 0, OCF_WRAP, "device name (hardware database)" },
	[COL_CLASS_NAME] = { "CLASS_NAME", OCT_STR, 0, OCF_WRAP, "class name (hardware database)" },
	[COL_PATH] = { "PATH", OCT_STR, 0, 0, "sysfs directory" },
};

static const char *pcie_type(const struct inv_device *d)
{
	if (d->cfg.pcie == PCICFG_ABSENT)
		return "conventional";
	if (d->cfg.pcie != PCICFG_PRESENT)
		return NULL;
	return pcicfg_pcie_type_name(d->cfg.pcie_type);
}

static const char *subsystem_id(const struct inv_device *d, char *buf, size_t len)
{
	if (!d->has_subsys)
		return NULL;
	snprintf(buf, len, "%04x:%04x", d->subsys_vendor, d->subsys_device);
	return buf;
}

static const char *revision(const struct inv_device *d, char *buf, size_t len)
{
	if (!d->has_revision)
		return NULL;
	snprintf(buf, len, "0x%02x", d->revision);
	return buf;
}

/* What each column reads, besides every PCI device and the groups' members. */
static const unsigned int device_col_need[] = {
	[COL_ID] = INV_NEED_IDS,
	[COL_CLASS] = INV_NEED_IDS,
	[COL_DRIVER] = INV_NEED_DRIVER,
	[COL_GROUP] = 0,                 /* from the groups' members */
	[COL_UNIT] = INV_NEED_DEV_UNIT,
	[COL_ATS] = INV_NEED_CONFIG,
	[COL_PRI] = INV_NEED_CONFIG,
	[COL_PASID] = INV_NEED_CONFIG,
	[COL_ACS] = INV_NEED_CONFIG,
	[COL_CAPS] = INV_NEED_CONFIG,
	[COL_PASID_WIDTH] = INV_NEED_CONFIG,
	[COL_ACS_CAP] = INV_NEED_CONFIG,
	[COL_ACS_CTRL] = INV_NEED_CONFIG,
	[COL_DRIVER_OVERRIDE] = INV_NEED_OVERRIDE,
	[COL_VFIO] = INV_NEED_CDEVS,
	[COL_VIABLE] = INV_NEED_DRIVER,
	[COL_SUBSYSTEM] = INV_NEED_IDS,
	[COL_REVISION] = INV_NEED_REVISION,
	[COL_PCIE_TYPE] = INV_NEED_CONFIG,
	[COL_BUS] = INV_NEED_BUS,
	[COL_VENDOR_NAME] = INV_NEED_IDS,
	[COL_DEVICE_NAME] = INV_NEED_IDS,
	[COL_CLASS_NAME] = INV_NEED_IDS,
	[COL_PATH] = INV_NEED_PATH,
};
_Static_assert(ARRAY_SIZE(device_col_need) == ARRAY_SIZE(device_cols), "a need for every column");

/*
 * The text view's one column for the four capabilities: those present,
 * with lspci's + (enabled) and - (disabled), ? where the config space
 * does not tell; "?" alone when it tells nothing.
 */
static void device_caps(const struct inv_device *d, struct strv *caps)
{
	const struct {
		const char *name;
		enum pcicfg_state state;
		const char *word;
	} c[] = {
		{ "ATS", d->cfg.ats.state, cli_ats_state(d) },
		{ "PRI", d->cfg.pri.state, cli_pri_state(d) },
		{ "PASID", d->cfg.pasid.state, cli_pasid_state(d) },
		{ "ACS", d->cfg.acs.state, cli_acs_state(d) },
	};
	size_t unknown = 0;

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		if (c[i].state == PCICFG_ABSENT)
			continue;
		if (c[i].state != PCICFG_PRESENT)
			unknown++;
		strv_push_owned(caps, xasprintf("%s%c", c[i].name, c[i].state != PCICFG_PRESENT ? '?' :
						!strcmp(c[i].word, "enabled") ? '+' : '-'));
	}
	if (unknown == ARRAY_SIZE(c)) {
		strv_free(caps);
		strv_push(caps, "?");
	}
}

static void device_row(struct out_table *tab, const struct inventory *inv, struct names *names,
		       const struct inv_device *d)
{
	struct out_row *row = out_table_row(tab);
	struct strv cap = { 0 }, ctrl = { 0 }, cdevs = { 0 };
	struct pci_names pn;
	const struct inv_group *g = d->group >= 0 ? inventory_group(inv, (unsigned int)d->group) : NULL;
	char buf[32];

	/* a hardware database lookup costs more than reading the device: only when shown */
	if (out_table_selected(tab, COL_VENDOR_NAME) || out_table_selected(tab, COL_DEVICE_NAME) ||
	    out_table_selected(tab, COL_CLASS_NAME))
		cli_device_names(names, d, &pn);
	else
		memset(&pn, 0, sizeof(pn));
	out_cell_str(row, COL_ADDRESS, d->name);
	out_cell_str(row, COL_ID, cli_device_id(d, buf, sizeof(buf)));
	out_cell_str(row, COL_CLASS, cli_device_class(d, buf, sizeof(buf)));
	out_cell_str(row, COL_DRIVER, d->driver);
	if (d->group >= 0)
		out_cell_u64(row, COL_GROUP, (uint64_t)d->group);
	out_cell_str(row, COL_UNIT, d->unit);
	if (d->pci) {
		out_cell_str(row, COL_ATS, cli_ats_state(d));
		out_cell_str(row, COL_PRI, cli_pri_state(d));
		out_cell_str(row, COL_PASID, cli_pasid_state(d));
		out_cell_str(row, COL_ACS, cli_acs_state(d));
		if (out_table_selected(tab, COL_CAPS)) {
			struct strv caps = { 0 };

			device_caps(d, &caps);
			out_cell_list(row, COL_CAPS, &caps);
			strv_free(&caps);
		}
	}
	if (d->cfg.pasid.state == PCICFG_PRESENT)
		out_cell_u64(row, COL_PASID_WIDTH, d->cfg.pasid.max_width);
	if (d->cfg.acs.state == PCICFG_PRESENT) {
		cli_acs_bits(d->cfg.acs.cap, &cap);
		cli_acs_bits(d->cfg.acs.ctrl, &ctrl);
		out_cell_list(row, COL_ACS_CAP, &cap);
		out_cell_list(row, COL_ACS_CTRL, &ctrl);
	}
	out_cell_str(row, COL_DRIVER_OVERRIDE, d->driver_override);
	cli_device_cdevs(d, &cdevs);
	out_cell_list(row, COL_VFIO, &cdevs);
	if (g && g->viable_known)
		out_cell_bool(row, COL_VIABLE, g->viable);
	out_cell_str(row, COL_SUBSYSTEM, subsystem_id(d, buf, sizeof(buf)));
	out_cell_str(row, COL_REVISION, revision(d, buf, sizeof(buf)));
	if (d->pci)
		out_cell_str(row, COL_PCIE_TYPE, pcie_type(d));
	out_cell_str(row, COL_BUS, d->bus);
	out_cell_str(row, COL_VENDOR_NAME, pn.vendor);
	out_cell_str(row, COL_DEVICE_NAME, pn.device);
	out_cell_str(row, COL_CLASS_NAME, pn.class_name);
	out_cell_str(row, COL_PATH, d->path);
	strv_free(&cap);
	strv_free(&ctrl);
	strv_free(&cdevs);
	pci_names_release(&pn);
}

static int device_list(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct inventory inv;
	struct out_table *tab;
	struct names *names;
	int err;

	err = cli_list_begin(ctx, "devices", device_cols, ARRAY_SIZE(device_cols), INV_SCOPE_DEVICES,
			     INV_NEED_PCI | INV_NEED_GROUPS, device_col_need, &tab, &inv);
	if (err)
		return err < 0 ? err : 0;
	names = out_table_selected(tab, COL_VENDOR_NAME) || out_table_selected(tab, COL_DEVICE_NAME) ||
		out_table_selected(tab, COL_CLASS_NAME) ? cli_names_open(ctx) : NULL;
	for (size_t i = 0; i < inv.ndevices; i++)
		device_row(tab, &inv, names, &inv.devices[i]);
	names_free(names);
	err = out_table_print(tab);
	inventory_release(&inv);
	return err;
}

/* ---- device show ---- */

static void show_offset(struct out *o, enum pcicfg_state s, uint16_t offset)
{
	if (s == PCICFG_PRESENT)
		out_hex(o, "offset", "offset", offset);
}

static void show_ats(struct out *o, const struct inv_device *d)
{
	const struct pcicfg_ats *a = &d->cfg.ats;

	out_obj_begin(o, "ats", "ATS");
	out_str(o, "state", "state", cli_ats_state(d));
	show_offset(o, a->state, a->offset);
	if (a->state == PCICFG_PRESENT) {
		out_u64(o, "invalidate_queue_depth", "invalidate queue depth", a->inv_queue_depth);
		out_bool(o, "page_aligned_request", "page aligned request", a->page_aligned);
		out_bool(o, "global_invalidate", "global invalidate", a->global_inval);
		out_bool(o, "relaxed_ordering", "relaxed ordering", a->relaxed_ordering);
		out_u64(o, "stu", "smallest translation unit", a->stu);
	}
	out_obj_end(o);
}

static void show_pri(struct out *o, const struct inv_device *d)
{
	const struct pcicfg_pri *p = &d->cfg.pri;

	out_obj_begin(o, "pri", "PRI");
	out_str(o, "state", "state", cli_pri_state(d));
	show_offset(o, p->state, p->offset);
	if (p->state == PCICFG_PRESENT) {
		out_u64(o, "capacity", "outstanding request capacity", p->capacity);
		out_u64(o, "allocation", "outstanding request allocation", p->alloc);
		out_bool(o, "stopped", "stopped", p->stopped);
		out_bool(o, "pasid_required", "PRG response PASID required", p->pasid_required);
	}
	out_obj_end(o);
}

static void show_pasid(struct out *o, const struct inv_device *d)
{
	const struct pcicfg_pasid *p = &d->cfg.pasid;

	out_obj_begin(o, "pasid", "PASID");
	out_str(o, "state", "state", cli_pasid_state(d));
	show_offset(o, p->state, p->offset);
	if (p->state == PCICFG_PRESENT) {
		out_u64(o, "max_width", "max PASID width", p->max_width);
		out_bool(o, "exec", "execute permission supported", p->exec);
		out_bool(o, "priv", "privileged mode supported", p->priv);
		out_bool(o, "exec_enabled", "execute permission enabled", p->exec_enabled);
		out_bool(o, "priv_enabled", "privileged mode enabled", p->priv_enabled);
	}
	out_obj_end(o);
}

static void show_acs(struct out *o, const struct inv_device *d)
{
	const struct pcicfg_acs *a = &d->cfg.acs;
	struct strv cap = { 0 }, ctrl = { 0 };

	out_obj_begin(o, "acs", "ACS");
	out_str(o, "state", "state", cli_acs_state(d));
	show_offset(o, a->state, a->offset);
	if (a->state == PCICFG_PRESENT) {
		cli_acs_bits(a->cap, &cap);
		cli_acs_bits(a->ctrl, &ctrl);
		out_hex(o, "cap", "capability register", a->cap);
		out_hex(o, "ctrl", "control register", a->ctrl);
		out_strv(o, "supported", "supported", &cap);
		out_strv(o, "enabled", "enabled", &ctrl);
		if (a->cap & PCI_ACS_EC)
			out_u64(o, "egress_vector_size", "egress control vector size", a->egress_vec);
	}
	out_obj_end(o);
	strv_free(&cap);
	strv_free(&ctrl);
}

static int device_show(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct strv objs = { 0 }, cdevs = { 0 };
	const struct inv_device *d;
	const struct inv_group *g = NULL;
	struct inventory inv;
	struct pci_names pn;
	struct names *names;
	char buf[32];
	int err;

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	err = cli_device_select(ctx, &inv, argv[0], NULL, (struct inv_device **)&d);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	strv_push(&objs, d->name);
	cli_inventory_warn(ctx, &inv, INV_SCOPE_DEVICES, &objs);
	strv_free(&objs);
	if (d->group >= 0)
		g = inventory_group(&inv, (unsigned int)d->group);

	names = cli_names_open(ctx);
	cli_device_names(names, d, &pn);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "address", "address", d->name);
	out_str(o, "bus", "bus", d->bus);
	out_str(o, "id", "id", cli_device_id(d, buf, sizeof(buf)));
	out_str(o, "subsystem", "subsystem", subsystem_id(d, buf, sizeof(buf)));
	out_str(o, "class", "class", cli_device_class(d, buf, sizeof(buf)));
	out_str(o, "revision", "revision", revision(d, buf, sizeof(buf)));
	cli_out_opt_str(o, "vendor_name", "vendor", pn.vendor);
	cli_out_opt_str(o, "device_name", "device", pn.device);
	cli_out_opt_str(o, "class_name", "class name", pn.class_name);
	out_str(o, "driver", "driver", d->driver);
	out_str(o, "driver_override", "driver override", d->driver_override);
	if (d->group >= 0)
		out_u64(o, "group", "group", (uint64_t)d->group);
	else
		out_str(o, "group", "group", NULL);
	if (g && g->viable_known)
		out_bool(o, "group_viable", "group viable", g->viable);
	else
		out_str(o, "group_viable", "group viable", g && !out_is_json(o) ? "unknown" : NULL);
	out_str(o, "unit", "iommu unit", d->unit);
	cli_device_cdevs(d, &cdevs);
	out_strv(o, "vfio_cdevs", "vfio cdev", &cdevs);
	strv_free(&cdevs);
	cli_show_holders(ctx, o, &inv, g, d->name);
	out_str(o, "path", "path", d->path);
	if (d->pci) {
		if (d->cfg_err)
			out_str(o, "config_size", "config space", NULL);
		else
			out_u64(o, "config_size", "config space", d->cfg.len);
		out_str(o, "pcie_type", "pcie type", pcie_type(d));
		show_ats(o, d);
		show_pri(o, d);
		show_pasid(o, d);
		show_acs(o, d);
	}
	out_obj_end(o);
	err = out_flush(o);
	pci_names_release(&pn);
	names_free(names);
	inventory_release(&inv);
	return err;
}

static const struct cli_verb device_verbs[] = {
	{
		.name = "list",
		.alias = "ls",
		.summary = "list devices with their group, IOMMU unit, ATS, PRI, PASID and ACS",
		.doc = "One row per PCI device (and per non-PCI member of an IOMMU group). The "
		       "capability columns read the device's config space: without root only its "
		       "first 64 bytes are readable, and they show 'unknown'.",
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_LIST,
		.run = device_list,
	},
	{
		.name = "show",
		.summary = "show one device: IDs, driver, group, unit, decoded capabilities",
		.args_doc = "ADDR",
		.doc = "ADDR is a PCI address (0000:00:03.0 or 00:03.0) or a sysfs device name. "
		       "Exit status 3 when there is no such device. On the live machine, 'holders' "
		       "lists each process and fd that holds the device: its group's /dev/vfio/N, "
		       "its cdev, or a device fd (root sees every process).",
		.min_args = 1,
		.max_args = 1,
		.run = device_show,
	},
	{
		.name = "tree",
		.summary = "the PCI hierarchy as lspci -tv draws it, with ACS, group, driver, viability",
		.doc = "Each device under its bridge, each port with the ACS controls it enables "
		       "(SV RR CR UF TB; '[no ACS]', '[ACS ?]' when config space is too short to "
		       "tell, '[ACS by quirk NAME]'), its IOMMU group, driver and whether the "
		       "group is viable. 'iommuctl explain' says why a group is what it is.",
		.min_args = 0,
		.max_args = 0,
		.run = cli_device_tree,
	},
	{ 0 }
};

const struct cli_object cli_object_device = {
	.name = "device",
	.summary = "devices: group, IOMMU unit, ATS/PRI/PASID/ACS capabilities",
	.default_verb = "list",
	.verbs = device_verbs,
	.batch_verbs = cli_batch_device_verbs,
};
