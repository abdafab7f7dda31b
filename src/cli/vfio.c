// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio status / probe: what the running kernel offers for userspace DMA
 * (container types, iommufd and its objects, device cdevs, PASID, vIOMMU,
 * fault queues, the SW_MSI option), and the passthrough path for one device
 * end to end. The probing and the ioctl sequence live in backends/vfio; this
 * file selects, renders and explains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/vfio/vfio.h"
#include "cli/cli.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"
#include "output/out.h"

static const char *const avail_text[] = {
	[VFIO_AVAIL_NO] = "no",
	[VFIO_AVAIL_YES] = "yes",
	[VFIO_AVAIL_UNKNOWN] = "unknown",
};

/*
 * The device cdevs the view shows (/dev/vfio/devices), added as a status row.
 * /sys/class/vfio-dev exists since v6.1 whether or not the kernel has cdevs
 * (CONFIG_VFIO_DEVICE_CDEV, v6.6+): a bound device tells them apart, as only a
 * cdev kernel gives its vfio-dev/vfioN a device number ("dev").
 */
static void status_cdevs(struct view *v, struct vfio_status *st, const struct vfio_feature *iommufd)
{
	static const char label[] = "VFIO device cdevs (" VFIO_PATH_CDEV_DIR ")";
	struct strv names = { 0 };
	bool has_dev = false;

	if (view_list(v, &names, "%s", VFIO_PATH_CDEV_DIR) == 0 && names.n) {
		vfio_status_add(st, "device_cdev", label, VFIO_AVAIL_YES, 0, strv_join(&names, ", "));
		strv_free(&names);
		return;
	}
	strv_free(&names);
	if (view_list(v, &names, "/sys/class/vfio-dev") == 0 && names.n) {
		for (size_t i = 0; i < names.n && !has_dev; i++) {
			char *p = xasprintf("/sys/class/vfio-dev/%s/dev", names.v[i]);

			has_dev = view_exists(v, p);
			free(p);
		}
		if (has_dev)
			vfio_status_add(st, "device_cdev", label, VFIO_AVAIL_YES, 0,
					xstrdup("supported: the bound VFIO devices have device numbers, "
						"but " VFIO_PATH_CDEV_DIR " has no nodes"));
		else
			vfio_status_add(st, "device_cdev", label, VFIO_AVAIL_NO, ENOENT,
					xasprintf("none: the bound VFIO devices (%s) have no device number: "
						  "the kernel lacks CONFIG_VFIO_DEVICE_CDEV (v6.6+, needs iommufd)",
						  names.v[0]));
	} else if (iommufd && iommufd->avail == VFIO_AVAIL_YES &&
		   (view_exists(v, "/sys/class/vfio-dev") || view_exists(v, VFIO_PATH_CDEV_DIR))) {
		vfio_status_add(st, "device_cdev", label, VFIO_AVAIL_UNKNOWN, 0,
				xstrdup("no device is bound to a VFIO driver now: bind one to tell"));
	} else {
		vfio_status_add(st, "device_cdev", label, VFIO_AVAIL_NO, ENOENT,
				xstrdup(iommufd && iommufd->avail == VFIO_AVAIL_YES ?
					"none: CONFIG_VFIO_DEVICE_CDEV is off, or no device is bound to vfio-pci" :
					"none: needs iommufd and CONFIG_VFIO_DEVICE_CDEV (v6.6+)"));
	}
	strv_free(&names);
}

static int vfio_status(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct vfio_status st = { 0 };
	struct out *o = ctx_out(ctx);
	const struct vfio_feature *ifd = NULL;
	struct view *v;
	int err;

	err = ctx_view(ctx, &v);
	if (err)
		return err;
	if (ctx->snapshot || ctx->sysfs_root) {
		/* offline: only what the recorded tree shows; ioctls cannot be probed */
		bool c = view_exists(v, VFIO_PATH_CONTAINER), i = view_exists(v, VFIO_PATH_IOMMU);

		vfio_status_add(&st, "container", "legacy container (" VFIO_PATH_CONTAINER ")",
				c ? VFIO_AVAIL_YES : VFIO_AVAIL_NO, 0,
				xstrdup(c ? "node present (ioctls not probed: offline source)" :
					"node absent in this source"));
		vfio_status_add(&st, "iommufd", "iommufd (" VFIO_PATH_IOMMU ")",
				i ? VFIO_AVAIL_YES : VFIO_AVAIL_NO, 0,
				xstrdup(i ? "node present (ioctls not probed: offline source)" :
					"node absent in this source (or not recorded)"));
	} else {
		vfio_status_probe(&st);
	}
	for (size_t k = 0; k < st.n; k++)
		if (!strcmp(st.features[k].key, "iommufd"))
			ifd = &st.features[k];
	status_cdevs(v, &st, ifd);

	if (!out_is_json(o)) {
		for (size_t k = 0; k < st.n; k++) {
			const struct vfio_feature *f = &st.features[k];

			out_text(o, "%-48s %-7s %s", f->label, avail_text[f->avail], f->detail ? f->detail : "");
		}
	} else {
		out_obj_begin(o, NULL, NULL);
		out_bool(o, "offline", NULL, ctx->snapshot || ctx->sysfs_root);
		out_list_begin(o, "features", NULL);
		for (size_t k = 0; k < st.n; k++) {
			const struct vfio_feature *f = &st.features[k];

			out_obj_begin(o, NULL, NULL);
			out_str(o, "key", NULL, f->key);
			out_str(o, "label", NULL, f->label);
			out_str(o, "available", NULL, avail_text[f->avail]);
			out_str(o, "errno", NULL, f->err ? vfio_errno_name(f->err) : NULL);
			out_str(o, "detail", NULL, f->detail);
			out_obj_end(o);
		}
		out_list_end(o);
		out_obj_end(o);
	}
	err = out_flush(o);
	vfio_status_release(&st);
	return err;
}

/* ---- probe ---- */

struct probe_opts {
	const char *path;
	const char *iova;
	const char *size;
	const char *while_mapped;
	bool msi_check;
	const char *ddw_page_shift, *ddw_levels, *ddw_size;
};

enum {
	OPT_PATH = 0x300,
	OPT_IOVA,
	OPT_SIZE,
	OPT_MSI_CHECK,
	OPT_WHILE_MAPPED,
	OPT_DDW_PAGE_SHIFT,
	OPT_DDW_LEVELS,
	OPT_DDW_SIZE,
};

static const struct argp_option probe_options[] = {
	{ "path", OPT_PATH, "PATH", 0, "auto (iommufd+cdev, then legacy), iommufd or legacy", 0 },
	{ "iova", OPT_IOVA, "ADDR", 0, "map the test buffer here (default: first usable IOVA >= 1 MiB)", 0 },
	{ "size", OPT_SIZE, "BYTES", 0, "test buffer size, page multiple (default 64 KiB)", 0 },
	{ "msi-check", OPT_MSI_CHECK, NULL, 0,
	  "also try to map a page in the group's MSI window and expect the kernel to refuse", 0 },
	{ "while-mapped", OPT_WHILE_MAPPED, "CMD", 0,
	  "run CMD (sh -c) while the buffer is mapped; it sees IOMMUCTL_PROBE_IOVA/_SIZE/_PATH", 0 },
	{ "ddw-page-shift", OPT_DDW_PAGE_SHIFT, "SHIFT", 0,
	  "SPAPR TCE (POWER): page shift of the dynamic DMA window created and removed (default: 16 "
	  "if 64K is offered, else the smallest offered)", 0 },
	{ "ddw-levels", OPT_DDW_LEVELS, "N", 0, "SPAPR TCE (POWER): TCE table levels of that window "
	  "(default 1)", 0 },
	{ "ddw-size", OPT_DDW_SIZE, "BYTES", 0, "SPAPR TCE (POWER): size of that window, a power of two "
	  "(default 1 GiB)", 0 },
	{ 0 }
};

static error_t probe_parse(int key, char *arg, struct argp_state *state)
{
	struct probe_opts *o = state->input;

	switch (key) {
	case OPT_PATH:
		o->path = arg;
		break;
	case OPT_IOVA:
		o->iova = arg;
		break;
	case OPT_SIZE:
		o->size = arg;
		break;
	case OPT_MSI_CHECK:
		o->msi_check = true;
		break;
	case OPT_WHILE_MAPPED:
		o->while_mapped = arg;
		break;
	case OPT_DDW_PAGE_SHIFT:
		o->ddw_page_shift = arg;
		break;
	case OPT_DDW_LEVELS:
		o->ddw_levels = arg;
		break;
	case OPT_DDW_SIZE:
		o->ddw_size = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct hook_arg {
	struct iommuctl_ctx *ctx;
	const char *cmd;
	int status;
};

static int probe_hook(void *arg, const struct vfio_probe_result *res)
{
	struct hook_arg *h = arg;
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)res->iova);
	setenv("IOMMUCTL_PROBE_IOVA", buf, 1);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)res->size);
	setenv("IOMMUCTL_PROBE_SIZE", buf, 1);
	setenv("IOMMUCTL_PROBE_PATH", res->iommufd.attempted && !res->iommufd.err &&
	       !res->legacy.attempted ? "iommufd" : "legacy", 1);
	fflush(h->ctx->outf);
	h->status = system(h->cmd);
	if (h->status)
		warn_msg(h->ctx, "--while-mapped command exited with status %d", h->status);
	return 0;
}

static void render_path(struct out *o, const char *key, const char *label,
			const struct vfio_path_run *p)
{
	if (!out_is_json(o)) {
		if (!p->attempted) {
			out_text(o, "%s: not tried", label);
			return;
		}
		out_text(o, "%s: %s", label, p->ok ? "ok" : "FAILED");
		for (size_t i = 0; i < p->nsteps; i++) {
			const struct vfio_step *s = &p->steps[i];

			out_text(o, "  %-5s %s: %s", s->err && !s->expected ? "FAIL" : "ok", s->what,
				 s->result ? s->result : "");
		}
		return;
	}
	out_obj_begin(o, key, NULL);
	out_bool(o, "attempted", NULL, p->attempted);
	out_bool(o, "ok", NULL, p->attempted && p->ok);
	out_str(o, "errno", NULL, p->err ? vfio_errno_name(p->err) : NULL);
	out_str(o, "failed_op", NULL, p->err ? vfio_op_name(p->failed_op) : NULL);
	out_str(o, "why", NULL, p->why);
	out_list_begin(o, "steps", NULL);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct vfio_step *s = &p->steps[i];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "step", NULL, s->what);
		out_str(o, "op", NULL, vfio_op_name(s->op));
		out_bool(o, "ok", NULL, !s->err || s->expected);
		out_bool(o, "expected_failure", NULL, s->expected);
		out_str(o, "errno", NULL, s->err ? vfio_errno_name(s->err) : NULL);
		out_str(o, "result", NULL, s->result);
		out_obj_end(o);
	}
	out_list_end(o);
	out_obj_end(o);
}

static void render_ranges(struct out *o, const struct vfio_probe_result *r)
{
	if (!out_is_json(o)) {
		out_text(o, "usable IOVA ranges:");
		for (size_t i = 0; i < r->nranges; i++)
			out_text(o, "  0x%016llx-0x%016llx", (unsigned long long)r->ranges[i].start,
				 (unsigned long long)r->ranges[i].last);
		return;
	}
	out_list_begin(o, "iova_ranges", NULL);
	for (size_t i = 0; i < r->nranges; i++) {
		out_obj_begin(o, NULL, NULL);
		out_hex(o, "start", NULL, r->ranges[i].start);
		out_hex(o, "last", NULL, r->ranges[i].last);
		out_obj_end(o);
	}
	out_list_end(o);
}

static const char *driver_is_vfio(const char *drv)
{
	return drv && str_startswith(drv, "vfio") ? drv : NULL;
}

static int vfio_probe(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct probe_opts *po = opts;
	struct vfio_probe_req req = { 0 };
	struct vfio_probe_result res;
	struct hook_arg hook = { .ctx = ctx };
	struct out *o = ctx_out(ctx);
	struct inventory inv;
	struct inv_device *d;
	struct inv_group *g = NULL;
	uint64_t v;
	int err, rc;

	if (ctx->snapshot || ctx->sysfs_root)
		return err_report(ctx, -EOPNOTSUPP, "vfio probe drives the running kernel: it cannot use %s",
				  ctx->snapshot ? "a snapshot" : "--sysfs-root");
	if (!po->path || !strcmp(po->path, "auto"))
		req.path = VFIO_PATH_AUTO;
	else if (!strcmp(po->path, "iommufd"))
		req.path = VFIO_PATH_IOMMUFD_CDEV;
	else if (!strcmp(po->path, "legacy"))
		req.path = VFIO_PATH_LEGACY;
	else
		return err_report(ctx, -EUSAGE, "--path: '%s' is not auto, iommufd or legacy", po->path);
	if (po->iova) {
		if (parse_u64(po->iova, &req.iova))
			return err_report(ctx, -EUSAGE, "--iova: '%s' is not a number", po->iova);
		req.iova_set = true;
	}
	if (po->size) {
		if (parse_u64(po->size, &v) || !v || v % 4096)
			return err_report(ctx, -EUSAGE, "--size: '%s' is not a positive multiple of 4096", po->size);
		req.size = v;
	}
	if (po->ddw_page_shift) {
		if (parse_u64(po->ddw_page_shift, &v) || v < 12 || v > 40)
			return err_report(ctx, -EUSAGE, "--ddw-page-shift: '%s' is not a page shift (12..40)",
					  po->ddw_page_shift);
		req.ddw_page_shift = (unsigned)v;
	}
	if (po->ddw_levels) {
		if (parse_u64(po->ddw_levels, &v) || !v || v > 8)
			return err_report(ctx, -EUSAGE, "--ddw-levels: '%s' is not a level count (1..8)",
					  po->ddw_levels);
		req.ddw_levels = (unsigned)v;
	}
	if (po->ddw_size) {
		if (parse_u64(po->ddw_size, &v) || !v || (v & (v - 1)) || v < 4096)
			return err_report(ctx, -EUSAGE, "--ddw-size: '%s' is not a power of two >= 4096",
					  po->ddw_size);
		req.ddw_size = v;
	}

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	d = inventory_device(&inv, argv[0]);
	if (!d) {
		err = err_report(ctx, pci_addr_looks_like(argv[0]) ? -ENOENT : -EUSAGE,
				 pci_addr_looks_like(argv[0]) ? "no device %s" :
				 "'%s' is not a PCI address (0000:00:03.0 or 00:03.0)", argv[0]);
		goto out_inv;
	}
	if (!driver_is_vfio(d->driver)) {
		err = err_report(ctx, -EINVAL, "%s: bound to %s, not to a VFIO driver: bind it first "
				 "('iommuctl group claim %s', or driver_override + drivers_probe)", d->name,
				 d->driver ? d->driver : "no driver", d->name);
		goto out_inv;
	}
	if (d->group >= 0)
		g = inventory_group(&inv, (unsigned)d->group);
	req.device = d->name;
	req.group = d->group;
	req.noiommu_group = g && g->vfio_node && strstr(g->vfio_node, "noiommu");
	req.cdev = d->vfio_cdevs.n ? d->vfio_cdevs.v[0] : NULL;
	if (g && !g->viable)
		warn_msg(ctx, "%s: group %u is not viable: %s", d->name, g->id, g->reason ? g->reason : "");
	if (po->msi_check) {
		for (size_t i = 0; g && i < g->nresv; i++)
			if (!strcmp(g->resv[i].type, "msi")) {
				req.msi_check = true;
				req.msi_start = g->resv[i].start;
				req.msi_last = g->resv[i].end;
				break;
			}
		if (!req.msi_check)
			warn_msg(ctx, "%s: --msi-check: the group has no msi reserved region", d->name);
	}
	if (po->while_mapped) {
		hook.cmd = po->while_mapped;
		req.while_mapped = probe_hook;
		req.arg = &hook;
	}

	rc = vfio_probe_run(&req, &res);

	out_obj_begin(o, NULL, NULL);
	out_str(o, "device", "device", d->name);
	if (d->group >= 0)
		out_u64(o, "group", "group", (unsigned)d->group);
	else
		out_str(o, "group", "group", NULL);
	out_str(o, "path_used", "path used", res.used == VFIO_PATH_IOMMUFD_CDEV ? "iommufd" :
		res.used == VFIO_PATH_LEGACY ? "legacy" : NULL);
	render_path(o, "iommufd", "iommufd + cdev", &res.iommufd);
	render_path(o, "legacy", "legacy group + container", &res.legacy);
	if (res.used || res.nranges) {
		render_ranges(o, &res);
		out_u64(o, "alignment", "IOVA alignment", res.alignment);
		if (res.pgsizes)
			out_hex(o, "page_sizes", "page sizes", res.pgsizes);
		if (res.container_type && res.legacy.attempted)
			out_str(o, "container_type", "container type", res.container_type);
	}
	if (res.spapr && res.legacy.attempted) {
		const struct vfio_spapr_info *si = &res.spapr_info;
		struct strv pg = { 0 };

		/* a list: "4K", "64K", "16M" */
		for (unsigned b = 0; b < 64; b++)
			if (si->ddw_pgsizes & (1ULL << b)) {
				char *one = vfio_pgsizes_text(1ULL << b);

				strv_push_owned(&pg, one);
			}

		out_obj_begin(o, "spapr", "SPAPR TCE");
		out_hex(o, "dma32_window_start", "32-bit window start", si->dma32_start);
		out_hex(o, "dma32_window_size", "32-bit window size", si->dma32_size);
		out_bool(o, "ddw", "dynamic DMA windows", si->ddw);
		if (si->ddw) {
			out_strv(o, "ddw_page_sizes", "DDW page sizes", &pg);
			out_u64(o, "ddw_max_windows", "DDW windows", si->ddw_max_windows);
			out_u64(o, "ddw_max_levels", "DDW levels", si->ddw_levels);
		}
		out_bool(o, "registered", "buffer registered", res.registered);
		if (res.ddw_created || res.ddw_page_shift) {
			out_u64(o, "ddw_page_shift", "DDW page shift", res.ddw_page_shift);
			out_u64(o, "ddw_levels", "DDW levels used", res.ddw_levels);
			out_u64(o, "ddw_size", "DDW size", res.ddw_size);
			out_bool(o, "ddw_created", "DDW created", res.ddw_created);
			if (res.ddw_created)
				out_hex(o, "ddw_start", "DDW start", res.ddw_start);
			out_bool(o, "ddw_removed", "DDW removed", res.ddw_removed);
		}
		out_obj_end(o);
		strv_free(&pg);
	}
	if (res.have_hw_info) {
		out_obj_begin(o, "hw_info", "hardware info");
		out_str(o, "type", "type", res.hw.type_name);
		out_hex(o, "capabilities", "capabilities", res.hw.capabilities);
		out_u64(o, "max_pasid_log2", "PASID width", res.hw.max_pasid_log2);
		if (res.hw.data_type == 1) {
			out_hex(o, "vtd_cap", "VT-d cap", res.hw.vtd_cap);
			out_hex(o, "vtd_ecap", "VT-d ecap", res.hw.vtd_ecap);
		}
		out_obj_end(o);
	}
	if (res.mapped) {
		out_hex(o, "iova", "test buffer IOVA", res.iova);
		out_u64(o, "size", "test buffer size", res.size);
		out_bool(o, "unmapped", "unmapped", res.unmapped);
	}
	if (res.msi_tested) {
		out_obj_begin(o, "msi_check", "MSI window map");
		out_hex(o, "iova", "iova", req.msi_start);
		out_bool(o, "refused", "refused", res.msi_err != 0);
		out_str(o, "errno", "errno", res.msi_err ? vfio_errno_name(res.msi_err) : NULL);
		out_obj_end(o);
	}
	out_obj_end(o);
	err = out_flush(o);

	if (rc && !err) {
		bool nothing = res.iommufd.failed_op == VOP_OPEN_IOMMUFD &&
			       res.legacy.failed_op == VOP_OPEN_CONTAINER &&
			       res.iommufd.err == -ENOENT && res.legacy.err == -ENOENT;

		if (res.iommufd.attempted && res.legacy.attempted)
			err = err_report(ctx, nothing ? -EOPNOTSUPP : (rc == -ENOENT ? -EIO : rc),
					 "%s: both paths failed: iommufd+cdev: %s; legacy container: %s",
					 d->name, res.iommufd.why, res.legacy.why);
		else {
			const struct vfio_path_run *p = res.iommufd.attempted ? &res.iommufd : &res.legacy;
			/* the node of the only path asked for is missing: this kernel cannot */
			bool absent = p->err == -ENOENT && (p->failed_op == VOP_OPEN_IOMMUFD ||
							    p->failed_op == VOP_OPEN_CDEV ||
							    p->failed_op == VOP_OPEN_CONTAINER);

			err = err_report(ctx, absent ? -EOPNOTSUPP : rc == -ENOENT ? -EIO : rc,
					 "%s: %s path: %s", d->name,
					 p == &res.iommufd ? "iommufd+cdev" : "legacy container", p->why);
		}
	}
	vfio_probe_result_release(&res);
out_inv:
	inventory_release(&inv);
	return err;
}

static const struct cli_verb vfio_verbs[] = {
	{
		.name = "status",
		.summary = "what the running kernel offers for VFIO and iommufd",
		.doc = "Probes at run time: each ioctl is tried and its errno read as iommufd defines it "
		       "(ENOTTY: unknown ioctl; E2BIG: a field the kernel's struct lacks; EOPNOTSUPP: an "
		       "unsupported value). Every absence is given with its reason. With -F or "
		       "--sysfs-root only the device nodes of the source are shown.",
		.min_args = 0,
		.max_args = 0,
		.run = vfio_status,
	},
	{
		.name = "probe",
		.summary = "a device's passthrough path, step by step",
		.args_doc = "ADDR",
		.doc = "The device must already be bound to vfio-pci. iommufd with the device cdev is "
		       "tried first, the legacy group and type1 container second (saying why the first "
		       "failed); on IBM POWER the legacy container is SPAPR TCE v2: the 32-bit window is "
		       "read, the buffer pre-registered, and a dynamic DMA window created and removed. Reports the usable IOVA ranges and alignment, maps a test buffer at a "
		       "valid IOVA, unmaps it and closes everything.",
		.options = probe_options,
		.parser = probe_parse,
		.opts_size = sizeof(struct probe_opts),
		.min_args = 1,
		.max_args = 1,
		.flags = CLI_LIVE,
		.run = vfio_probe,
	},
	{ 0 }
};

const struct cli_object cli_object_vfio = {
	.name = "vfio",
	.summary = "VFIO and iommufd: what the kernel offers, and a device's passthrough path",
	.default_verb = "status",
	.verbs = vfio_verbs,
};
