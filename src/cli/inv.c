/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by iommu.c, group.c and device.c. Output is decided here
 * only in the small: the state words of a capability, how an ID is
 * spelled; everything they show comes from the loaded inventory.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/sysfs/claim.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"
#include "output/out.h"

static int inventory_load_for(struct iommuctl_ctx *ctx, struct inventory *inv, unsigned int need)
{
	struct view *v;
	int err = ctx_view(ctx, &v);

	if (err)
		return err;
	err = inventory_load_need(v, inv, need);
	if (err)
		return err_report(ctx, err, "cannot read the inventory: %s", strerror(-err));
	return 0;
}

int cli_inventory_load(struct iommuctl_ctx *ctx, struct inventory *inv)
{
	return inventory_load_for(ctx, inv, INV_NEED_ALL);
}

int cli_list_begin(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		   size_t ncols, unsigned int scope, unsigned int need, const unsigned int *col_need,
		   struct out_table **tab, struct inventory *inv)
{
	int err = cli_table_new(ctx, name, cols, ncols, tab);

	if (err)
		return err;
	for (size_t c = 0; c < ncols; c++)
		if (out_table_selected(*tab, (int)c))
			need |= col_need[c];
	err = inventory_load_for(ctx, inv, need);
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

	if (!ctx->numeric && !names_open(&n) && names_warning(n))
		warn_msg(ctx, "%s", names_warning(n));
	return n;
}

void cli_device_names(struct names *n, const struct inv_device *d, struct pci_names *pn)
{
	memset(pn, 0, sizeof(*pn));
	if (n && d->has_vendor && d->has_device)
		names_pci(n, d->vendor, d->device, d->has_class ? d->class_code : NAMES_NO_CLASS, pn);
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

void cli_out_holders(struct out *o, const struct claim_holders *h)
{
	if (!h) {
		out_str(o, "holders", "holders", NULL);
		return;
	}
	if (!h->n && !out_is_json(o)) {
		out_str(o, "holders", "holders", h->unreadable ? "none found (not every process could be searched)" :
			"none");
		return;
	}
	out_list_begin(o, "holders", "holders");
	for (size_t i = 0; i < h->n; i++) {
		const struct claim_holder *x = &h->v[i];

		out_obj_begin(o, NULL, NULL);
		if (x->node && x->device)
			out_text(o, "pid %ld (%s) fd %d: %s (%s)", x->pid, x->comm ? x->comm : "?", x->fd, x->node,
				 x->device);
		else if (x->node)
			out_text(o, "pid %ld (%s) fd %d: %s", x->pid, x->comm ? x->comm : "?", x->fd, x->node);
		else
			out_text(o, "pid %ld (%s) fd %d: device fd of %s", x->pid, x->comm ? x->comm : "?", x->fd,
				 x->device);
		out_fmt_i64(o, "pid", NULL, x->pid);
		out_fmt_str(o, "comm", NULL, x->comm);
		out_fmt_i64(o, "fd", NULL, x->fd);
		out_fmt_str(o, "node", NULL, x->node);
		out_fmt_str(o, "device", NULL, x->device);
		out_obj_end(o);
	}
	if (h->dropped)
		out_text(o, "... and %zu more", h->dropped);
	out_list_end(o);
}

void cli_show_holders(struct iommuctl_ctx *ctx, struct out *o, const struct inventory *inv,
		      const struct inv_group *g, const char *device)
{
	struct claim_holders h = { 0 };
	struct view *v;

	/*
	 * A fact of the running machine: offline sources cannot tell. A device
	 * in no IOMMU group has no VFIO objects to hold: not applicable.
	 */
	if (!g || ctx->snapshot || ctx->sysfs_root || ctx_view(ctx, &v)) {
		cli_out_holders(o, NULL);
		return;
	}
	if (claim_holders_find(v, inv, g, device, &h)) {
		cli_out_holders(o, NULL);
		return;
	}
	cli_out_holders(o, &h);
	claim_holders_free(&h);
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

void cli_out_owner(struct iommuctl_ctx *ctx, struct out *o, const struct inventory *inv,
		   const struct inv_group *g, const char *state_dir)
{
	struct claim_owner own;
	struct strv parts = { 0 };
	const char *sd = NULL;
	struct view *v;
	char *summary;

	if (!g || ctx->snapshot || ctx->sysfs_root || ctx_view(ctx, &v)) {
		out_str(o, "owner", "owner", NULL);
		cli_out_holders(o, NULL);
		return;
	}
	sd = claim_state_dir(state_dir);
	claim_owner_find(v, inv, g, sd, &own);
	if (own.problem)
		warn_msg(ctx, "%s", own.problem);
	if (!own.journal_checked && !own.vfio_checked) {
		out_str(o, "owner", "owner", NULL);
		cli_out_holders(o, NULL);
		claim_owner_release(&own);
		return;
	}
	if (own.journal)
		strv_push_owned(&parts, !strcmp(own.journal_state, "claimed") ?
				xasprintf("iommuctl claim for %s (journal %s)",
					  own.journal_driver ? own.journal_driver : "?", own.journal) :
				xasprintf("iommuctl claim for %s, interrupted in state %s (journal %s; "
					  "'group release' restores)", own.journal_driver ? own.journal_driver : "?",
					  own.journal_state, own.journal));
	if (own.type_journal)
		strv_push_owned(&parts, xasprintf("iommuctl type change to %s, interrupted in state %s (journal %s; "
						  "'group release' restores)",
						  own.type_journal_target ? own.type_journal_target : "?",
						  own.type_journal_state, own.type_journal));
	for (size_t i = 0; i < own.vfio_users.n; i++)
		strv_push_owned(&parts, xasprintf("VFIO: %s", own.vfio_users.v[i]));
	summary = parts.n ? strv_join(&parts, "; ") : xstrdup("none");
	if (!out_is_json(o)) {
		out_str(o, "owner", "owner", summary);
	} else {
		out_obj_begin(o, "owner", NULL);
		out_str(o, "summary", NULL, summary);
		out_str(o, "claim_journal", NULL, own.journal);
		out_str(o, "claim_driver", NULL, own.journal_driver);
		out_str(o, "claim_state", NULL, own.journal_state);
		out_str(o, "type_journal", NULL, own.type_journal);
		out_str(o, "type_journal_target", NULL, own.type_journal_target);
		if (own.vfio_checked)
			out_strv(o, "vfio_users", NULL, &own.vfio_users);
		else
			out_str(o, "vfio_users", NULL, NULL);
		out_obj_end(o);
	}
	/* the same processes, one per fd they hold */
	cli_out_holders(o, own.vfio_checked ? &own.holders : NULL);
	free(summary);
	strv_free(&parts);
	claim_owner_release(&own);
}

/* lspci -s's short form "DD.F" (any bus): "1f.2" -> 0x1f, 2 */
static bool short_devfn(const char *s, unsigned *dev, unsigned *fn)
{
	char *end;
	unsigned long d;

	if (!isxdigit((unsigned char)s[0]))
		return false;
	d = strtoul(s, &end, 16);
	if (end - s > 2 || *end != '.' || d > 0x1f || end[1] < '0' || end[1] > '7' || end[2])
		return false;
	*dev = (unsigned)d;
	*fn = (unsigned)(end[1] - '0');
	return true;
}

int cli_device_select(struct iommuctl_ctx *ctx, const struct inventory *inv, const char *sel,
		      const char *also, struct inv_device **dp)
{
	struct strv cand = { 0 };
	unsigned dev, fn;
	struct view *v;
	int err;

	*dp = inventory_device(inv, sel);
	if (*dp)
		return 0;
	if (pci_addr_looks_like(sel))
		return err_report(ctx, -ENOENT, "no device %s (see 'iommuctl device list')", sel);
	if (short_devfn(sel, &dev, &fn)) {
		for (size_t i = 0; i < inv->ndevices; i++) {
			const char *n = inv->devices[i].name;
			size_t l = strlen(n);
			char tail[8];
			size_t tl = (size_t)snprintf(tail, sizeof(tail), ":%02x.%u", dev, fn);

			if (inv->devices[i].pci && l > tl && !strcasecmp(n + l - tl, tail)) {
				*dp = &inv->devices[i];
				strv_push(&cand, n);
			}
		}
		if (cand.n == 1) {
			strv_free(&cand);
			return 0;
		}
		*dp = NULL;
		if (cand.n) {
			char *list = strv_join(&cand, ", ");

			err = err_report(ctx, -EUSAGE, "'%s' is ambiguous: %s", sel, list);
			free(list);
			strv_free(&cand);
			return err;
		}
		return err_report(ctx, -ENOENT, "no device %s on any bus (see 'iommuctl device list')", sel);
	}
	/* a device that is no IOMMU client: an IOMMU's own, or one translated by none */
	for (size_t i = 0; i < inv->nunits; i++)
		if (inv->units[i].parent && !strcmp(inv->units[i].parent, sel))
			return err_report(ctx, -ENOENT, "%s is the device of IOMMU unit %s, behind no IOMMU itself "
					  "(see 'iommuctl iommu show %s')", sel, inv->units[i].name,
					  inv->units[i].name);
	if (!strchr(sel, '/') && strcmp(sel, ".") && strcmp(sel, "..") && !ctx_view(ctx, &v)) {
		static const char *const buses[] = { "platform", "pci", "amba", "virtio", "acpi", "fsl-mc" };

		for (size_t i = 0; i < ARRAY_SIZE(buses); i++) {
			char *p = xasprintf("/sys/bus/%s/devices/%s", buses[i], sel);
			bool there = view_exists(v, p);

			free(p);
			if (there)
				return err_report(ctx, -ENOENT, "%s is a %s device behind no IOMMU: it has no IOMMU "
						  "group", sel, buses[i]);
		}
	}
	return err_report(ctx, -EUSAGE, "'%s' is not a %sPCI address (0000:00:03.0, 00:03.0 or 03.0) nor a "
			  "device name", sel, also ? also : "");
}
