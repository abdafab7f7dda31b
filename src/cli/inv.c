/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by iommu.c, group.c and device.c. Output is decided here
 * only in the small: the state words of a capability, how an ID is
 * spelled; everything they show comes from the loaded inventory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/util.h"
#include "output/out.h"

int cli_inventory_load(struct iommuctl_ctx *ctx, struct inventory *inv)
{
	struct view *v;
	int err = ctx_view(ctx, &v);

	if (err)
		return err;
	err = inventory_load(v, inv);
	if (err)
		return err_report(ctx, err, "cannot read the inventory: %s", strerror(-err));
	return 0;
}

int cli_list_begin(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		   size_t ncols, unsigned int scope, struct out_table **tab, struct inventory *inv)
{
	int err = cli_table_new(ctx, name, cols, ncols, tab);

	if (err)
		return err;
	err = cli_inventory_load(ctx, inv);
	if (err) {
		out_table_free(*tab);
		return err;
	}
	cli_inventory_warn(ctx, inv, scope, NULL);
	return 0;
}

void cli_inventory_warn(struct iommuctl_ctx *ctx, const struct inventory *inv,
			unsigned int scope, const struct strv *objs)
{
	for (size_t i = 0; i < inv->nwarnings; i++) {
		const struct inv_warning *w = &inv->warnings[i];

		if (!(w->scope & scope))
			continue;
		if (objs && w->obj && !strv_contains(objs, w->obj))
			continue;
		warn_msg(ctx, "%s", w->text);
	}
}

struct names *cli_names_open(struct iommuctl_ctx *ctx)
{
	struct names *n = NULL;

	if (!ctx->numeric)
		names_open(&n);
	return n;
}

void cli_device_names(struct names *n, const struct inv_device *d, struct pci_names *pn)
{
	memset(pn, 0, sizeof(*pn));
	if (n && d->has_vendor && d->has_device)
		names_pci(n, d->vendor, d->device, d->has_class ? d->class_code : 0, pn);
}

const char *cli_device_id(const struct inv_device *d, char *buf, size_t len)
{
	if (!d->has_vendor || !d->has_device)
		return NULL;
	snprintf(buf, len, "%04x:%04x", d->vendor, d->device);
	return buf;
}

const char *cli_device_class(const struct inv_device *d, char *buf, size_t len)
{
	if (!d->has_class)
		return NULL;
	snprintf(buf, len, "0x%06x", d->class_code);
	return buf;
}

static const char *cap_state(enum pcicfg_state s, bool enabled)
{
	if (s == PCICFG_PRESENT)
		return enabled ? "enabled" : "disabled";
	return pcicfg_state_name(s);
}

const char *cli_ats_state(const struct inv_device *d)
{
	return cap_state(d->cfg.ats.state, d->cfg.ats.enabled);
}

const char *cli_pri_state(const struct inv_device *d)
{
	return cap_state(d->cfg.pri.state, d->cfg.pri.enabled);
}

const char *cli_pasid_state(const struct inv_device *d)
{
	return cap_state(d->cfg.pasid.state, d->cfg.pasid.enabled);
}

const char *cli_acs_state(const struct inv_device *d)
{
	return cap_state(d->cfg.acs.state, d->cfg.acs.ctrl & ((1u << PCI_ACS_BITS) - 1));
}

void cli_acs_bits(uint16_t reg, struct strv *names)
{
	for (unsigned int b = 0; b < PCI_ACS_BITS; b++)
		if (reg & (1u << b))
			strv_push(names, pcicfg_acs_bit_name(b));
}

void cli_device_cdevs(const struct inv_device *d, struct strv *paths)
{
	for (size_t i = 0; i < d->vfio_cdevs.n; i++)
		strv_push_owned(paths, xasprintf("/dev/vfio/devices/%s", d->vfio_cdevs.v[i]));
}

void cli_out_opt_str(struct out *o, const char *key, const char *label, const char *val)
{
	if (val || out_is_json(o))
		out_str(o, key, label, val);
}

void cli_out_u64_list(struct out *o, const char *key, const char *label, const uint64_t *vals,
		      size_t n)
{
	struct strv sv = { 0 };

	if (out_is_json(o)) {
		out_list_begin(o, key, label);
		for (size_t i = 0; i < n; i++)
			out_u64(o, NULL, NULL, vals[i]);
		out_list_end(o);
		return;
	}
	for (size_t i = 0; i < n; i++)
		strv_push_owned(&sv, xasprintf("%llu", (unsigned long long)vals[i]));
	out_strv(o, key, label, &sv);
	strv_free(&sv);
}
