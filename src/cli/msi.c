// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * msi show / sw-window: a group's reserved regions annotated for userspace
 * DMA (hardware versus software MSI window, direct versus direct-relaxable)
 * and the usable IOVA window, read through the view so snapshots work too;
 * and the proposed IOMMU_OPTION_SW_MSI_START/SIZE, probed on the running
 * kernel (exit 4 where it is missing).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/vfio/msi.h"
#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "cli/cli.h"
#include "cli/explain.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

static int msi_select(struct iommuctl_ctx *ctx, const struct inventory *inv, const char *arg,
		      struct inv_group **g)
{
	struct inv_device *d;
	struct inv_sel sel;

	if (inv_sel_parse(arg, &sel))
		return err_report(ctx, -EUSAGE,
				  "'%s' is neither a group number nor a PCI address (0000:00:03.0 or 00:03.0)", arg);
	if (!inventory_group_select(inv, &sel, g, &d))
		return 0;
	if (!inv->ngroups)
		return err_report(ctx, -EOPNOTSUPP, "%s", INV_NO_GROUPS_MSG);
	if (!sel.is_addr)
		return err_report(ctx, -ENOENT, "no IOMMU group %u (see 'iommuctl group list')", sel.group);
	if (!d)
		return err_report(ctx, -ENOENT, "no device %s", sel.addr);
	return err_report(ctx, -ENOENT, "%s is in no IOMMU group", d->name);
}

/* The IOMMU's DMA address width, when the source tells it, and how we know. */
static unsigned int group_width(const struct inv_unit *u, const char *arch, const char **how)
{
	*how = "unknown offline for this IOMMU: the whole 64-bit space is shown; 'vfio probe' "
	       "reports the kernel's own ranges";
	/* SPAPR TCE: no address width; DMA reaches memory only through the DMA
	 * windows, and a VFIO container starts with the 32-bit one alone. A
	 * ppc64 kernel without units (before 6.4) has the same PHBs. */
	if ((u && u->kind && !strcmp(u->kind->name, "spapr-tce")) ||
	    (!(u && u->kind) && arch && !strcmp(arch, "ppc64"))) {
		*how = "SPAPR TCE (POWER): DMA works only inside DMA windows; a VFIO container has "
		       "the 32-bit window 0x0-0x7fffffff, and dynamic windows (DDW) from bus address "
		       "0x800000000000000 once created: 'vfio probe' and a batch's 'spapr info' report them";
		return 31;
	}
	if (!u || !u->kind || strcmp(u->kind->name, "intel-vtd"))
		return 64;
	for (size_t i = 0; i < u->nattrs; i++)
		if (!strcmp(u->attrs[i].desc->key, "cap") && u->attrs[i].nvals) {
			unsigned int w = resv_vtd_width(u->attrs[i].vals[0]);

			if (w) {
				*how = "VT-d cap register: min(MGAW, widest SAGAW)";
				/*
				 * Scalable mode with first-stage tables (ECAP.SMTS, bit 43,
				 * and ECAP.FLTS, bit 47): Linux gives DMA domains first-stage
				 * x86-64 tables, whose IOVAs are the lower half of the
				 * canonical 48-bit space (4-level paging).
				 */
				for (size_t k = 0; k < u->nattrs; k++) {
					uint64_t e;

					if (strcmp(u->attrs[k].desc->key, "ecap") || !u->attrs[k].nvals)
						continue;
					e = u->attrs[k].vals[0];
					if ((e >> 43 & 1) && (e >> 47 & 1) && w > 47) {
						*how = "VT-d scalable mode with first-stage tables (ECAP.SMTS and FLTS), "
						       "which Linux uses for DMA domains: the lower half of the 48-bit "
						       "canonical space (57-bit with 5-level paging and CAP.FL5LP)";
						w = 47;
					}
				}
				return w;
			}
		}
	return 64;
}

/*
 * A group's reserved regions annotated, the IOVA width and the usable IOVA
 * windows, as keys of the object open in o (msi show, explain).
 */
void cli_msi_regions(struct iommuctl_ctx *ctx, const struct inventory *inv, const struct inv_group *g)
{
	struct out *o = ctx_out(ctx);
	const struct inv_unit *u = inventory_group_unit(inv, g);
	const char *kind = u ? u->kind_name : NULL, *arch, *how;
	struct resv_region *rr;
	struct vfio_range *win = NULL;
	size_t nwin = 0;
	unsigned int width;

	arch = resv_arch_guess(kind, inv->kernel_release);
	width = group_width(u, arch, &how);

	rr = xcalloc(g->nresv ? g->nresv : 1, sizeof(*rr));
	if (!g->resv_read)
		warn_msg(ctx, "group %u: reserved_regions is not readable in this source", g->id);
	out_list_begin(o, "reserved_regions", "reserved regions");
	for (size_t i = 0; i < g->nresv; i++) {
		const struct inv_resv *r = &g->resv[i];
		struct resv_info ri;
		char sz[32];

		resv_classify(r->type, r->start, r->end, kind, arch, &ri);
		rr[i].start = r->start;
		rr[i].end = r->end;
		rr[i].excluded = ri.excluded;
		size_format(r->end - r->start + 1, sz, sizeof(sz));
		if (!out_is_json(o)) {
			out_text(o, "0x%016llx-0x%016llx %6s %-16s %s", (unsigned long long)r->start,
				 (unsigned long long)r->end, sz, r->type, ri.label);
			out_text(o, "    %s", ri.why);
			continue;
		}
		out_obj_begin(o, NULL, NULL);
		out_hex(o, "start", NULL, r->start);
		out_hex(o, "last", NULL, r->end);
		out_u64(o, "size", NULL, r->end - r->start + 1);
		out_str(o, "type", NULL, r->type);
		out_str(o, "kind", NULL, ri.key);
		out_str(o, "meaning", NULL, ri.label);
		out_bool(o, "excluded", NULL, ri.excluded);
		out_str(o, "why", NULL, ri.why);
		out_obj_end(o);
	}
	out_list_end(o);
	resv_usable_window(width, rr, g->nresv, &win, &nwin);
	out_u64(o, "iova_width", "iova width (bits)", width);
	out_str(o, "iova_width_source", "iova width from", how);
	out_list_begin(o, "usable_iova", "usable iova");
	for (size_t i = 0; i < nwin; i++) {
		if (!out_is_json(o)) {
			out_text(o, "0x%016llx-0x%016llx", (unsigned long long)win[i].start,
				 (unsigned long long)win[i].last);
			continue;
		}
		out_obj_begin(o, NULL, NULL);
		out_hex(o, "start", NULL, win[i].start);
		out_hex(o, "last", NULL, win[i].last);
		out_obj_end(o);
	}
	out_list_end(o);
	free(win);
	free(rr);
}

static int msi_show(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct strv units = { 0 };
	struct inventory inv;
	struct inv_group *g;
	const struct inv_unit *u = NULL;
	const char *kind = NULL;
	int err;

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	err = msi_select(ctx, &inv, argv[0], &g);
	if (err)
		goto out;
	inventory_group_units(&inv, g, &units);
	if (units.n)
		u = inventory_unit(&inv, units.v[0]);
	if (u)
		kind = u->kind_name;

	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", g->id);
	out_strv(o, "members", "devices", &g->members);
	out_strv(o, "unit_names", "iommu units", &units);
	out_str(o, "iommu_kind", "iommu kind", kind);
	out_str(o, "arch", "architecture", resv_arch_guess(kind, inv.kernel_release));
	cli_msi_regions(ctx, &inv, g);
	out_obj_end(o);
	err = out_flush(o);
out:
	strv_free(&units);
	inventory_release(&inv);
	return err;
}

/* ---- sw-window ---- */

struct sw_opts {
	const char *start;
	const char *size;
};

enum { OPT_START = 0x400, OPT_SIZE_MB };

static const struct argp_option sw_options[] = {
	{ "start", OPT_START, "ADDR", 0, "window start, 1 MiB aligned", 0 },
	{ "size", OPT_SIZE_MB, "MB", 0, "window size in MB (0: the kernel's default)", 0 },
	{ 0 }
};

static error_t sw_parse(int key, char *arg, struct argp_state *state)
{
	struct sw_opts *o = state->input;

	switch (key) {
	case OPT_START:
		o->start = arg;
		break;
	case OPT_SIZE_MB:
		o->size = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * The option is per device and per iommufd, and must be set before attach,
 * so a one-shot command can only check that the kernel has it and that the
 * values are accepted; a batch run keeps the setting alive.
 */
static int msi_sw_window(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct sw_opts *so = opts;
	struct out *o = ctx_out(ctx);
	struct inventory inv;
	struct inv_device *d;
	uint64_t start = 0, size = 0, v = 0;
	uint32_t dev_id;
	int ifd = -1, dfd = -1, rc, err;

	if (so->start && (parse_u64(so->start, &start) || start % 0x100000))
		return err_report(ctx, -EUSAGE, "--start: '%s' is not a 1 MiB aligned address", so->start);
	if (so->size && parse_u64(so->size, &size))
		return err_report(ctx, -EUSAGE, "--size: '%s' is not a number of MB", so->size);
	rc = vfio_iommufd_open(&ifd);
	if (rc)
		return err_report(ctx, rc == -ENOENT ? -EOPNOTSUPP : rc, "%s",
				  vfio_explain(VOP_OPEN_IOMMUFD, rc) ? vfio_explain(VOP_OPEN_IOMMUFD, rc) :
				  strerror(-rc));
	rc = vfio_option(ifd, IOMMU_OPTION_SW_MSI_START, false, 0, &v);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY) {
		close(ifd);
		return err_report(ctx, -EOPNOTSUPP, "this kernel has no IOMMU_OPTION_SW_MSI_START/SIZE "
				  "(%s; proposed upstream in 2025, not mainline): the software MSI window "
				  "stays where the IOMMU driver puts it", vfio_errno_name(rc));
	}
	err = cli_inventory_load(ctx, &inv);
	if (err)
		goto out_fd;
	d = inventory_device(&inv, argv[0]);
	if (!d || !d->vfio_cdevs.n) {
		err = err_report(ctx, d ? -EINVAL : -ENOENT, d ? "%s has no VFIO cdev (bind it to vfio-pci)" :
				 "no device %s", d ? d->name : argv[0]);
		goto out_inv;
	}
	rc = vfio_cdev_open(d->vfio_cdevs.v[0], &dfd);
	if (!rc)
		rc = vfio_device_bind(dfd, ifd, &dev_id);
	if (!rc && so->start)
		rc = vfio_option(ifd, IOMMU_OPTION_SW_MSI_START, true, dev_id, &start);
	if (!rc && so->size)
		rc = vfio_option(ifd, IOMMU_OPTION_SW_MSI_SIZE, true, dev_id, &size);
	if (!rc)
		rc = vfio_option(ifd, IOMMU_OPTION_SW_MSI_START, false, dev_id, &start);
	if (!rc)
		rc = vfio_option(ifd, IOMMU_OPTION_SW_MSI_SIZE, false, dev_id, &size);
	if (rc) {
		err = err_report(ctx, rc, "%s: %s", d->name, vfio_explain(VOP_OPTION, rc) ?
				 vfio_explain(VOP_OPTION, rc) : strerror(-rc));
		goto out_inv;
	}
	out_obj_begin(o, NULL, NULL);
	out_str(o, "device", "device", d->name);
	out_hex(o, "sw_msi_start", "sw msi start", start);
	out_u64(o, "sw_msi_size_mb", "sw msi size (MB)", size);
	out_str(o, "note", "note", "per iommufd: the setting ends with this command; use it in a batch "
		"before 'device attach' to keep it");
	out_obj_end(o);
	err = out_flush(o);
out_inv:
	inventory_release(&inv);
out_fd:
	if (dfd >= 0)
		close(dfd);
	close(ifd);
	return err;
}

static const struct cli_verb msi_verbs[] = {
	{
		.name = "show",
		.summary = "reserved regions annotated and the usable IOVA window",
		.args_doc = "SEL",
		.doc = "SEL is a group number or a member's PCI address. sysfs prints both MSI kinds as "
		       "\"msi\": they are told apart by IOMMU driver and architecture. Works on snapshots.",
		.min_args = 1,
		.max_args = 1,
		.run = msi_show,
	},
	{
		.name = "sw-window",
		.summary = "set the software MSI window (IOMMU_OPTION_SW_MSI_*)",
		.args_doc = "ADDR",
		.doc = "The option was proposed upstream in 2025 and is not in mainline: on kernels "
		       "without it this exits 4 naming what is missing.",
		.options = sw_options,
		.parser = sw_parse,
		.opts_size = sizeof(struct sw_opts),
		.min_args = 1,
		.max_args = 1,
		.flags = CLI_LIVE,
		.run = msi_sw_window,
	},
	{ 0 }
};

const struct cli_object cli_object_msi = {
	.name = "msi",
	.summary = "MSI windows and the usable IOVA space of a group",
	.default_verb = NULL,
	.verbs = msi_verbs,
};
