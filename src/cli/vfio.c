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

#include "backends/sysfs/claim.h"
#include "backends/vfio/nodes.h"
#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "cli/cdi.h"
#include "cli/cli.h"
#include "cli/vfio.h"
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

/* ---- the words of vfio status ---- */

/* What an available feature says beside "yes". */
enum yes_form {
	YES_NOTHING,       /* nothing */
	YES_ERRNO,         /* the errno the call left, explained, if any */
	YES_TEXT,          /* .yes */
	YES_API_VERSION,   /* the container's API version */
	YES_IOAS_SPAN,     /* what an empty IOAS allows */
	YES_VALUE,         /* the option's value */
	YES_IOCTL_EXISTS,  /* which errno showed that the ioctl exists */
	YES_OPTION_KNOWN,  /* the option is known */
	YES_RLIMIT,        /* the accounting mode, and whether this process may set it */
	YES_MAP_FILE,      /* where a memfd page was mapped */
};

struct feature_words {
	const char *key;
	const char *label;
	const char *noun;        /* a row that needs this one says "no <noun>" */
	enum yes_form yes_form;
	const char *yes;         /* YES_TEXT */
	const char *no;          /* absent (not offered, or the errno that says the kernel lacks it);
	                          * NULL: the errno explained */
	const char *unknown;     /* only a bound device can tell */
};

#define NO_TYPE1 "no type1 IOMMU driver (vfio_iommu_type1 not loaded?)"
#define NO_SPAPR "no SPAPR TCE IOMMU driver (IBM POWER only: vfio_iommu_spapr_tce)"

static const struct feature_words feature_words[] = {
	{ .key = "container", .label = "legacy container (" VFIO_PATH_CONTAINER ")",
	  .noun = "legacy container", .yes_form = YES_API_VERSION },
	{ .key = "container_type1", .label = "container type1", .no = NO_TYPE1 },
	{ .key = "container_type1v2", .label = "container type1v2", .no = NO_TYPE1 },
	{ .key = "container_spapr_tce", .label = "container spapr (SPAPR TCE v1)", .no = NO_SPAPR },
	{ .key = "container_spapr_tce_v2", .label = "container spapr-v2 (SPAPR TCE v2)", .no = NO_SPAPR },
	{ .key = "container_noiommu", .label = "container noiommu",
	  .no = "not enabled: vfio.enable_unsafe_noiommu_mode=1 turns it on (no DMA isolation at all)" },
	{ .key = "container_unmap_all", .label = "type1 unmap-all", .no = "not offered" },
	{ .key = "container_update_vaddr", .label = "type1 update-vaddr", .no = "not offered" },
	{ .key = "container_dma_cc", .label = "cache-coherent DMA (DMA_CC)", .no = "not offered" },
	{ .key = "iommufd", .label = "iommufd (" VFIO_PATH_IOMMU ")", .noun = "iommufd" },
	{ .key = "ioas", .label = "IOAS (IOMMU_IOAS_ALLOC, IOVA_RANGES)", .yes_form = YES_IOAS_SPAN },
	{ .key = "allow_iovas", .label = "IOMMU_IOAS_ALLOW_IOVAS", .yes_form = YES_ERRNO, .no = "ENOTTY" },
	{ .key = "huge_pages_option", .label = "IOMMU_OPTION_HUGE_PAGES", .yes_form = YES_VALUE },
	{ .key = "ioas_map_file", .label = "IOMMU_IOAS_MAP_FILE (map a memfd)", .yes_form = YES_MAP_FILE,
	  .no = "ENOTTY: the kernel predates it (v6.13)" },
	{ .key = "hwpt_alloc", .label = "HWPT (IOMMU_HWPT_ALLOC)", .noun = "IOMMU_HWPT_ALLOC",
	  .yes_form = YES_TEXT,
	  .yes = "paging HWPTs; the flags a device's IOMMU accepts are tried in a batch",
	  .no = "ENOTTY: the kernel predates IOMMU_HWPT_ALLOC (v6.7)" },
	{ .key = "hwpt_fault", .label = "fault-capable HWPT (fault_id)",
	  .no = "E2BIG: struct iommu_hwpt_alloc has no fault_id here (v6.11+)" },
	{ .key = "hwpt_pasid", .label = "PASID-capable HWPT (IOMMU_HWPT_ALLOC_PASID)",
	  .unknown = "checked against a bound device: 'vfio probe DEV' tries it" },
	{ .key = "hwpt_nest_parent", .label = "nest-parent HWPT",
	  .unknown = "depends on the device's IOMMU: 'vfio probe DEV' tries it" },
	{ .key = "fault_queue", .label = "fault queues (IOMMU_FAULT_QUEUE_ALLOC)", .yes_form = YES_TEXT,
	  .yes = "a queue was allocated and freed",
	  .no = "ENOTTY: the kernel predates fault queues (v6.11)" },
	{ .key = "hw_info", .label = "IOMMU_GET_HW_INFO (hardware info, PASID width)",
	  .yes_form = YES_IOCTL_EXISTS, .no = "ENOTTY: the kernel predates it (v6.7)" },
	{ .key = "viommu", .label = "vIOMMU (IOMMU_VIOMMU_ALLOC)", .yes_form = YES_IOCTL_EXISTS,
	  .no = "ENOTTY: the kernel predates it (v6.13)" },
	{ .key = "vdevice", .label = "vDEVICE (IOMMU_VDEVICE_ALLOC)", .yes_form = YES_IOCTL_EXISTS,
	  .no = "ENOTTY: the kernel predates it (v6.13)" },
	{ .key = "veventq", .label = "vIOMMU event queues (IOMMU_VEVENTQ_ALLOC)",
	  .yes_form = YES_IOCTL_EXISTS, .no = "ENOTTY: the kernel predates it (v6.15)" },
	{ .key = "hw_queue", .label = "vIOMMU hardware queues (IOMMU_HW_QUEUE_ALLOC)",
	  .yes_form = YES_IOCTL_EXISTS, .no = "ENOTTY: the kernel predates it (v6.17)" },
	{ .key = "sw_msi_option", .label = "IOMMU_OPTION_SW_MSI_START/SIZE", .yes_form = YES_OPTION_KNOWN,
	  .no = "EOPNOTSUPP: not in this kernel (proposed in 2025, not mainline)" },
	{ .key = "rlimit_mode_option", .label = "IOMMU_OPTION_RLIMIT_MODE (memlock accounting)",
	  .yes_form = YES_RLIMIT },
	{ .key = "pasid_attach", .label = "PASID attach (VFIO_DEVICE_ATTACH_PASID)",
	  .unknown = "needs a bound device cdev: 'vfio probe DEV --pasid N' tries it" },
	{ .key = "device_cdev", .label = "VFIO device cdevs (" VFIO_PATH_CDEV_DIR ")" },
};

static const struct feature_words *words_of(const char *key)
{
	static const struct feature_words none = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(feature_words); i++)
		if (!strcmp(feature_words[i].key, key))
			return &feature_words[i];
	return &none;
}

const char *cli_vfio_feature_label(const char *key)
{
	const char *label = words_of(key)->label;

	return label ? label : key;
}

/* "ENOTTY: the kernel does not know this ioctl" */
static char *errno_text(enum vfio_op op, int err)
{
	const char *why = vfio_explain(op, err);

	return xasprintf("%s: %s", vfio_errno_name(err), why ? why : strerror(err < 0 ? -err : err));
}

char *cli_vfio_feature_detail(const struct vfio_feature *f)
{
	const struct feature_words *w = words_of(f->key);
	const char *noun;

	switch (f->basis) {
	case VFIO_BASIS_NEEDS:
		noun = words_of(f->needs)->noun;
		return xasprintf("no %s", noun ? noun : f->needs);
	case VFIO_BASIS_NEEDS_DEVICE:
		return w->unknown ? xstrdup(w->unknown) : NULL;
	case VFIO_BASIS_NOT_OFFERED:
		return xstrdup(w->no ? w->no : "not offered");
	case VFIO_BASIS_PROBED:
		break;
	}
	if (f->avail == VFIO_AVAIL_NO)
		return w->no ? xstrdup(w->no) : errno_text(f->op, f->err);
	if (f->avail == VFIO_AVAIL_UNKNOWN)
		return errno_text(f->op, f->err);
	switch (w->yes_form) {
	case YES_NOTHING:
		return NULL;
	case YES_ERRNO:
		return f->err ? errno_text(f->op, f->err) : NULL;
	case YES_TEXT:
		return xstrdup(w->yes);
	case YES_API_VERSION:
		return xasprintf("API version %d", (int)f->val[0]);
	case YES_IOAS_SPAN:
		if (f->err)
			return errno_text(f->op, f->err);
		return xasprintf("an empty IOAS allows 0x%llx-0x%llx, alignment %llu",
				 (unsigned long long)f->val[0], (unsigned long long)f->val[1],
				 (unsigned long long)f->val[2]);
	case YES_VALUE:
		return xasprintf("%llu", (unsigned long long)f->val[0]);
	case YES_MAP_FILE:
		return xasprintf("a memfd page was mapped at IOVA 0x%llx of an empty IOAS and unmapped",
				 (unsigned long long)f->val[0]);
	case YES_IOCTL_EXISTS:
		return xasprintf("the ioctl exists (%s with no device)", vfio_errno_name(f->err));
	case YES_OPTION_KNOWN:
		return xasprintf("known (%s for object 0); set per device before attach",
				 f->err ? vfio_errno_name(f->err) : "ok");
	case YES_RLIMIT:
		return f->val[1] ? xasprintf("%llu (per %s) on a new iommufd; this process may set it",
					     (unsigned long long)f->val[0],
					     f->val[0] == VFIO_RLIMIT_PROCESS ? "process" : "user") :
		       xasprintf("%llu (per %s) on a new iommufd; %s: %s", (unsigned long long)f->val[0],
				 f->val[0] == VFIO_RLIMIT_PROCESS ? "process" : "user", vfio_errno_name(f->err),
				 vfio_explain(VOP_RLIMIT_MODE, f->err) ? vfio_explain(VOP_RLIMIT_MODE, f->err) :
				 strerror(f->err));
	}
	return NULL;
}

/* ---- vfio status ---- */

/* One line of vfio status: a probed feature in words, or a fact of the view. */
struct status_row {
	const char *key;
	enum vfio_avail avail;
	int err;                  /* positive; 0: none */
	char *detail;
	uint64_t val[3];          /* the probe's values (struct vfio_feature) */
};

struct status_rows {
	struct status_row *v;
	size_t n;
};

static void row_add(struct status_rows *rows, const char *key, enum vfio_avail avail, int err,
		    char *detail)
{
	struct status_row *r;

	rows->v = xrealloc(rows->v, (rows->n + 1) * sizeof(*rows->v));
	r = &rows->v[rows->n++];
	r->key = key;
	r->avail = avail;
	r->err = err < 0 ? -err : err;
	r->detail = detail;
	memset(r->val, 0, sizeof(r->val));
}

static void rows_release(struct status_rows *rows)
{
	for (size_t i = 0; i < rows->n; i++)
		free(rows->v[i].detail);
	free(rows->v);
}

/*
 * The device cdevs the view shows (/dev/vfio/devices), added as a status row.
 * /sys/class/vfio-dev exists since v6.1 whether or not the kernel has cdevs
 * (CONFIG_VFIO_DEVICE_CDEV, v6.6+): a bound device tells them apart, as only a
 * cdev kernel gives its vfio-dev/vfioN a device number ("dev").
 */
static void status_cdevs(struct view *v, struct status_rows *rows, bool iommufd)
{
	struct strv names = { 0 };
	bool has_dev = false;

	if (view_list(v, &names, "%s", VFIO_PATH_CDEV_DIR) == 0 && names.n) {
		row_add(rows, "device_cdev", VFIO_AVAIL_YES, 0, strv_join(&names, ", "));
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
			row_add(rows, "device_cdev", VFIO_AVAIL_YES, 0,
				xstrdup("supported: the bound VFIO devices have device numbers, "
					"but " VFIO_PATH_CDEV_DIR " has no nodes"));
		else
			row_add(rows, "device_cdev", VFIO_AVAIL_NO, ENOENT,
				xasprintf("none: the bound VFIO devices (%s) have no device number: "
					  "the kernel lacks CONFIG_VFIO_DEVICE_CDEV (v6.6+, needs iommufd)",
					  names.v[0]));
	} else if (iommufd && (view_exists(v, "/sys/class/vfio-dev") || view_exists(v, VFIO_PATH_CDEV_DIR))) {
		row_add(rows, "device_cdev", VFIO_AVAIL_UNKNOWN, 0,
			xstrdup("no device is bound to a VFIO driver now: bind one to tell"));
	} else {
		row_add(rows, "device_cdev", VFIO_AVAIL_NO, ENOENT,
			xstrdup(iommufd ? "none: CONFIG_VFIO_DEVICE_CDEV is off, or no device is bound to vfio-pci" :
				"none: needs iommufd and CONFIG_VFIO_DEVICE_CDEV (v6.6+)"));
	}
	strv_free(&names);
}

/* The rows as kernel_features (JSON only), in the object open. */
static void status_features(struct out *o, const struct status_rows *rows)
{
	out_list_begin(o, "kernel_features", NULL);
	for (size_t k = 0; k < rows->n; k++) {
		const struct status_row *r = &rows->v[k];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "key", NULL, r->key);
		out_str(o, "label", NULL, cli_vfio_feature_label(r->key));
		if (r->avail == VFIO_AVAIL_UNKNOWN)
			out_null(o, "available", NULL);
		else
			out_bool(o, "available", NULL, r->avail == VFIO_AVAIL_YES);
		if (r->err)
			out_u64(o, "errno", NULL, (uint64_t)r->err);
		else
			out_null(o, "errno", NULL);
		out_str(o, "errno_name", NULL, r->err ? vfio_errno_name(r->err) : NULL);
		out_str(o, "detail", NULL, r->detail);
		out_obj_end(o);
	}
	out_list_end(o);
}

static void status_render(struct out *o, const struct status_rows *rows, bool offline)
{
	if (!out_is_json(o)) {
		for (size_t k = 0; k < rows->n; k++) {
			const struct status_row *r = &rows->v[k];

			out_text(o, "%-48s %-7s %s", cli_vfio_feature_label(r->key), avail_text[r->avail],
				 r->detail ? r->detail : "");
		}
		return;
	}
	out_obj_begin(o, NULL, NULL);
	out_bool(o, "offline", NULL, offline);
	status_features(o, rows);
	out_obj_end(o);
}

/*
 * The rows of vfio status: probed on the running kernel, or, offline, the
 * nodes the source shows. *iommufd: iommufd is there.
 */
static void status_collect(struct view *v, bool offline, struct status_rows *rows, bool *iommufd)
{
	*iommufd = false;
	if (offline) {
		/* only what the recorded tree shows; ioctls cannot be probed */
		bool c = view_exists(v, VFIO_PATH_CONTAINER);

		*iommufd = view_exists(v, VFIO_PATH_IOMMU);
		row_add(rows, "container", c ? VFIO_AVAIL_YES : VFIO_AVAIL_NO, 0,
			xstrdup(c ? "node present (ioctls not probed: offline source)" :
				"node absent in this source"));
		row_add(rows, "iommufd", *iommufd ? VFIO_AVAIL_YES : VFIO_AVAIL_NO, 0,
			xstrdup(*iommufd ? "node present (ioctls not probed: offline source)" :
				"node absent in this source (or not recorded)"));
	} else {
		struct vfio_status st = { 0 };

		vfio_status_probe(&st);
		for (size_t k = 0; k < st.n; k++) {
			const struct vfio_feature *f = &st.features[k];
			struct status_row *r;

			row_add(rows, f->key, f->avail, f->err, cli_vfio_feature_detail(f));
			r = &rows->v[rows->n - 1];
			memcpy(r->val, f->val, sizeof(r->val));
			if (!strcmp(f->key, "iommufd"))
				*iommufd = f->avail == VFIO_AVAIL_YES;
		}
		vfio_status_release(&st);
	}
	status_cdevs(v, rows, *iommufd);
}

static int vfio_status(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct status_rows rows = { 0 };
	struct out *o = ctx_out(ctx);
	bool offline = ctx->snapshot || ctx->sysfs_root, iommufd = false;
	struct view *v;
	int err;

	err = ctx_view(ctx, &v);
	if (err)
		return err;
	status_collect(v, offline, &rows, &iommufd);
	status_render(o, &rows, offline);
	err = out_flush(o);
	rows_release(&rows);
	return err;
}

/* ---- caps: one report for orchestrators ---- */

static const struct status_row *row_of(const struct status_rows *rows, const char *key)
{
	for (size_t i = 0; i < rows->n; i++)
		if (!strcmp(rows->v[i].key, key))
			return &rows->v[i];
	return NULL;
}

/* available: true, false, or null (unknown, or not a row of this source) */
static void avail_out(struct out *o, const char *key, const char *label, const struct status_row *r)
{
	if (!r || r->avail == VFIO_AVAIL_UNKNOWN)
		out_str(o, key, label, out_is_json(o) ? NULL : "unknown");
	else
		out_bool(o, key, label, r->avail == VFIO_AVAIL_YES);
}

/* The iommufd options the status probe tried, by their uapi names. */
static const struct {
	const char *key;
	const char *name;
} caps_options[] = {
	{ "rlimit_mode_option", "IOMMU_OPTION_RLIMIT_MODE" },
	{ "huge_pages_option", "IOMMU_OPTION_HUGE_PAGES" },
	{ "sw_msi_option", "IOMMU_OPTION_SW_MSI_START" },
};

/* The legacy container's models, by the names 'container set-iommu' takes. */
static const struct {
	const char *key;
	const char *name;
} caps_models[] = {
	{ "container_type1v2", "type1v2" },
	{ "container_type1", "type1" },
	{ "container_spapr_tce_v2", "spapr-v2" },
	{ "container_spapr_tce", "spapr" },
	{ "container_noiommu", "noiommu" },
};

static void caps_kernel(struct out *o, const struct status_rows *rows, const struct vfio_nodes *nodes,
			bool offline)
{
	const struct status_row *rl = row_of(rows, "rlimit_mode_option");
	struct strv models = { 0 };

	out_obj_begin(o, "iommufd", "iommufd");
	avail_out(o, "available", "available", row_of(rows, "iommufd"));
	out_str(o, "node", "node", nodes->iommu ? VFIO_PATH_IOMMU : NULL);
	avail_out(o, "device_cdev", "device cdevs", row_of(rows, "device_cdev"));
	if (rl && rl->avail == VFIO_AVAIL_YES) {
		out_str(o, "rlimit_mode", "RLIMIT_MODE of a new iommufd", vfio_rlimit_mode_name(rl->val[0]));
		out_bool(o, "settable", "this process may set it", rl->val[1] != 0);
	} else {
		out_str(o, "rlimit_mode", "RLIMIT_MODE of a new iommufd", NULL);
		out_str(o, "settable", "this process may set it", out_is_json(o) ? NULL : "unknown");
	}
	out_list_begin(o, "iommufd_options", "options");
	for (size_t i = 0; i < ARRAY_SIZE(caps_options); i++) {
		const struct status_row *r = row_of(rows, caps_options[i].key);
		const char *detail = r ? r->detail : offline ? "not probed: offline source" : "not probed";

		if (!out_is_json(o)) {
			/* one line an option */
			out_text(o, "%s: %s%s%s", caps_options[i].name, r ? avail_text[r->avail] : "unknown",
				 detail ? ": " : "", detail ? detail : "");
			continue;
		}
		out_obj_begin(o, NULL, NULL);
		out_str(o, "name", NULL, caps_options[i].name);
		avail_out(o, "available", NULL, r);
		if (r && r->avail == VFIO_AVAIL_YES && strcmp(caps_options[i].key, "sw_msi_option"))
			out_u64(o, "option_value", NULL, r->val[0]);
		else
			out_null(o, "option_value", NULL);
		if (r && r->err)
			out_u64(o, "errno", NULL, (uint64_t)r->err);
		else
			out_null(o, "errno", NULL);
		out_str(o, "errno_name", NULL, r && r->err ? vfio_errno_name(r->err) : NULL);
		out_str(o, "detail", NULL, detail);
		out_obj_end(o);
	}
	out_list_end(o);
	out_obj_end(o);

	out_obj_begin(o, "legacy", "legacy container");
	avail_out(o, "available", "available", row_of(rows, "container"));
	out_str(o, "node", "node", nodes->container ? VFIO_PATH_CONTAINER : NULL);
	for (size_t i = 0; i < ARRAY_SIZE(caps_models); i++) {
		const struct status_row *r = row_of(rows, caps_models[i].key);

		if (r && r->avail == VFIO_AVAIL_YES)
			strv_push(&models, caps_models[i].name);
	}
	if (offline)
		out_str(o, "container_types", "IOMMU models", out_is_json(o) ? NULL : "not probed: offline source");
	else
		out_strv(o, "container_types", "IOMMU models", &models);
	out_obj_end(o);
	strv_free(&models);
}


struct caps_opts {
	bool all;
};

enum { OPT_CAPS_ALL = 0x310 };

static const struct argp_option caps_options_argp[] = {
	{ "all", OPT_CAPS_ALL, NULL, 0, "every PCI device, not only those on a VFIO driver", 0 },
	{ 0 }
};

static error_t caps_parse(int key, char *arg, struct argp_state *state)
{
	struct caps_opts *o = state->input;

	if (key != OPT_CAPS_ALL)
		return ARGP_ERR_UNKNOWN;
	o->all = true;
	return 0;
}

static int vfio_caps(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct caps_opts *co = opts;
	struct status_rows rows = { 0 };
	struct out *o = ctx_out(ctx);
	bool offline = ctx->snapshot || ctx->sysfs_root, iommufd = false;
	const struct inv_device **devs;
	struct vfio_dev_nodes *dn;
	struct vfio_nodes nodes;
	struct inventory inv;
	enum vfio_backend be = VFIO_BACKEND_NONE;
	size_t n = 0, nvfio = 0, bad;
	struct view *v;
	int err;

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	err = ctx_view(ctx, &v);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	devs = xcalloc(inv.ndevices + 1, sizeof(*devs));
	for (int i = 0; i < argc; i++) {
		const struct inv_device *d = inventory_device(&inv, argv[i]);

		if (!d) {
			err = err_report(ctx, pci_addr_looks_like(argv[i]) ? -ENOENT : -EUSAGE,
					 pci_addr_looks_like(argv[i]) ? "no device %s" :
					 "'%s' is not a PCI address (0000:00:03.0 or 00:03.0)", argv[i]);
			free(devs);
			inventory_release(&inv);
			return err;
		}
	}
	for (size_t i = 0; i < inv.ndevices; i++) {
		const struct inv_device *d = &inv.devices[i];
		bool want = false;

		for (int k = 0; k < argc && !want; k++)
			want = inventory_device(&inv, argv[k]) == d;
		if (!argc)
			want = d->pci && (co->all || vfio_driver_is_vfio(d->driver));
		if (want)
			devs[n++] = d;
	}
	cli_inventory_warn(ctx, &inv, INV_SCOPE_DEVICES | INV_SCOPE_GROUPS, NULL);
	status_collect(v, offline, &rows, &iommufd);
	vfio_nodes_read(v, &nodes);
	dn = xcalloc(n + 1, sizeof(*dn));
	for (size_t i = 0; i < n; i++)
		vfio_dev_nodes_find(&nodes, devs[i], devs[i]->group >= 0 ?
				    inventory_group(&inv, (unsigned)devs[i]->group) : NULL, &dn[i]);
	/* the backend a spec of every device on a VFIO driver would take */
	{
		struct vfio_dev_nodes *vd = xcalloc(n + 1, sizeof(*vd));

		for (size_t i = 0; i < n; i++)
			if (vfio_driver_is_vfio(devs[i]->driver))
				vd[nvfio++] = dn[i];
		if (nvfio)
			be = cli_cdi_choose(vd, nvfio, VFIO_BACKEND_NONE, &bad);
		free(vd);
	}

	out_obj_begin(o, NULL, NULL);
	out_bool(o, "offline", "offline source", offline);
	out_str(o, "kernel_release", "kernel", inv.kernel_release);
	out_str(o, "backend", "backend for the VFIO devices", vfio_backend_name(be));
	out_str(o, "cdi_kind", "CDI kind", CLI_CDI_KIND);
	caps_kernel(o, &rows, &nodes, offline);
	if (out_is_json(o))
		status_features(o, &rows);
	out_u64(o, "ndevices", "devices listed", n);
	out_list_begin(o, "devices", NULL);
	for (size_t i = 0; i < n; i++) {
		const struct inv_device *d = devs[i];
		const struct inv_group *g = d->group >= 0 ? inventory_group(&inv, (unsigned)d->group) : NULL;
		struct strv cdevs = { 0 }, backends = { 0 };
		char name[32], idbuf[16];

		for (size_t k = 0; k < d->vfio_cdevs.n; k++)
			strv_push_owned(&cdevs, xasprintf("%s/%s", VFIO_PATH_CDEV_DIR, d->vfio_cdevs.v[k]));
		if (vfio_driver_is_vfio(d->driver) && dn[i].iommufd)
			strv_push(&backends, "iommufd");
		if (vfio_driver_is_vfio(d->driver) && dn[i].legacy)
			strv_push(&backends, "legacy");
		cli_cdi_name(d->name, name, sizeof(name));
		out_obj_begin(o, NULL, d->name);
		out_str(o, "pciBusID", "PCI address", d->name);
		if (d->group >= 0)
			out_u64(o, "iommuGroup", "IOMMU group", (unsigned)d->group);
		else
			out_null(o, "iommuGroup", "IOMMU group");
		out_str(o, "id", "id", cli_device_id(d, idbuf, sizeof(idbuf)));
		out_str(o, "driver", "driver", d->driver);
		if (g && g->viable_known)
			out_bool(o, "viable", "viable", g->viable);
		else
			out_str(o, "viable", "viable", out_is_json(o) ? NULL : "unknown");
		out_str(o, "reason", "reason", g ? g->reason : "the device is in no IOMMU group");
		out_str(o, "vfio_group", "vfio group", g ? g->vfio_node : NULL);
		out_strv(o, "vfio_cdevs", "vfio cdevs", &cdevs);
		out_strv(o, "backends", "backends", &backends);
		out_str(o, "cdi_name", "CDI name", vfio_driver_is_vfio(d->driver) && cli_cdi_name_ok(name) &&
			strlen(d->name) < sizeof(name) ? name : NULL);
		cli_out_owner(ctx, o, &inv, g, NULL);
		out_obj_end(o);
		strv_free(&cdevs);
		strv_free(&backends);
	}
	out_list_end(o);
	out_obj_end(o);
	err = out_flush(o);
	for (size_t i = 0; i < n; i++)
		vfio_dev_nodes_release(&dn[i]);
	free(dn);
	free(devs);
	vfio_nodes_release(&nodes);
	rows_release(&rows);
	inventory_release(&inv);
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
	const char *pasid;
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
	OPT_PROBE_PASID,
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
	{ "pasid", OPT_PROBE_PASID, "N", 0, "iommufd: also attach PASID N (1..0xfffff) to a PASID-compatible "
	  "HWPT, with the device itself moved onto it, and detach it (Linux 6.15+)", 0 },
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
	case OPT_PROBE_PASID:
		o->pasid = arg;
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
	out_flush(ctx_out(h->ctx));
	h->status = system(h->cmd);
	if (h->status)
		warn_msg(h->ctx, "--while-mapped command exited with status %d", h->status);
	return 0;
}

/*
 * The device's IOMMU driver, in words: the type of its hardware info, or,
 * for a driver that gives none (IOMMU_HW_INFO_TYPE_NONE: no hw_info op, as
 * Linux's RISC-V IOMMU driver), the kind of its unit.
 */
static const char *probe_driver_name(const struct vfio_probe_result *res)
{
	if (res->have_hw_info && res->hw.data_type != IOMMU_HW_INFO_TYPE_NONE)
		return res->hw.type_name;
	return res->iommu_kind ? res->iommu_kind : "device's";
}

/*
 * Linux's RISC-V IOMMU driver (drivers/iommu/riscv, through 7.2): no
 * hw_info op (the hardware info's type is none), no
 * domain_alloc_paging_flags (iommufd refuses every HWPT flag with
 * EOPNOTSUPP before the driver sees it), no PASIDs (device contexts without
 * a process directory: "the SVA and PASID features have not yet been
 * merged"), no vIOMMU.
 */
static bool probe_riscv(const struct vfio_probe_result *res)
{
	return res->iommu_kind && !strcmp(res->iommu_kind, "riscv-iommu") &&
	       (!res->have_hw_info || res->hw.data_type == IOMMU_HW_INFO_TYPE_NONE);
}

char *cli_vfio_hw_caps_text(uint64_t caps)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ IOMMU_HW_CAP_DIRTY_TRACKING, "DIRTY_TRACKING" },
		{ IOMMU_HW_CAP_PCI_PASID_EXEC, "PCI_PASID_EXEC" },
		{ IOMMU_HW_CAP_PCI_PASID_PRIV, "PCI_PASID_PRIV" },
		{ IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, "PCI_ATS_NOT_SUPPORTED" },
	};
	struct strv v = { 0 };
	uint64_t known = 0;
	char *t;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		known |= names[i].bit;
		if (caps & names[i].bit)
			strv_push(&v, names[i].name);
	}
	if (caps & ~known)
		strv_push_owned(&v, xasprintf("0x%llx unknown", (unsigned long long)(caps & ~known)));
	t = strv_join(&v, ", ");
	strv_free(&v);
	return t;
}

char *cli_vfio_hw_info_detail(const struct vfio_probe_result *res)
{
	if (!res->have_hw_info || res->hw.data_type != IOMMU_HW_INFO_TYPE_NONE)
		return NULL;
	return xasprintf("the %s driver has no hw_info op: IOMMU_GET_HW_INFO succeeds with type none and no "
			 "driver data; the capabilities and the PASID width are the kernel core's own%s",
			 probe_driver_name(res), probe_riscv(res) ?
			 " (Linux's RISC-V IOMMU driver reports none of its capabilities register here)" : "");
}

/* ---- the words of vfio probe ---- */


static char *spapr_info_text(const struct vfio_spapr_info *si)
{
	char *pg, *t;

	if (!si->ddw)
		return xasprintf("32-bit window 0x%llx-0x%llx (%llu MiB); no dynamic DMA windows",
				 (unsigned long long)si->dma32_start,
				 (unsigned long long)(si->dma32_start + si->dma32_size - 1),
				 (unsigned long long)(si->dma32_size >> 20));
	pg = vfio_pgsizes_text(si->ddw_pgsizes);
	t = xasprintf("32-bit window 0x%llx-0x%llx (%llu MiB); DDW page sizes %s, up to %u windows, "
		      "up to %u levels", (unsigned long long)si->dma32_start,
		      (unsigned long long)(si->dma32_start + si->dma32_size - 1),
		      (unsigned long long)(si->dma32_size >> 20), pg, si->ddw_max_windows, si->ddw_levels);
	free(pg);
	return t;
}

char *cli_vfio_step_what(const struct vfio_step *s)
{
	unsigned long long v0 = s->v[0], v1 = s->v[1], v2 = s->v[2];

	switch (s->kind) {
	case VSTEP_OPEN_IOMMUFD:
		return xstrdup("open " VFIO_PATH_IOMMU);
	case VSTEP_FIND_CDEV:
		return xasprintf("find the VFIO cdev of %s", s->name);
	case VSTEP_OPEN_CDEV:
		return xasprintf("open " VFIO_PATH_CDEV_DIR "/%s", s->name);
	case VSTEP_BIND:
		return xstrdup("bind the device to the iommufd");
	case VSTEP_IOAS_ALLOC:
		return xstrdup("allocate an IOAS");
	case VSTEP_ATTACH:
		return xasprintf("attach the device to IOAS %llu", v0);
	case VSTEP_IOVA_RANGES:
		return xstrdup("read the usable IOVA ranges");
	case VSTEP_HW_INFO:
		return xstrdup("read the IOMMU hardware info");
	case VSTEP_BUFFER:
		return xasprintf("allocate a %llu-byte test buffer", v0);
	case VSTEP_CHOOSE_IOVA:
		return v1 ? xasprintf("choose an IOVA in the 32-bit window for %llu bytes", v0) :
		       xstrdup("choose an IOVA for the test buffer");
	case VSTEP_MAP:
		return xasprintf("map the buffer at IOVA 0x%llx", v0);
	case VSTEP_MAP_MSI:
		return xasprintf("map a page in the MSI window at 0x%llx", v0);
	case VSTEP_UNMAP:
		return xasprintf("unmap IOVA 0x%llx", v0);
	case VSTEP_DETACH:
		return xstrdup("detach the device");
	case VSTEP_OPEN_CONTAINER:
		return xstrdup("open " VFIO_PATH_CONTAINER);
	case VSTEP_FIND_MODEL:
		return xstrdup(v0 ? "find a type1 or SPAPR TCE v2 IOMMU model (only SPAPR TCE v1 is offered)" :
			       "find a type1 or SPAPR TCE v2 IOMMU model");
	case VSTEP_CHOOSE_MODEL:
		return xstrdup("choose the IOMMU model");
	case VSTEP_FIND_GROUP:
		return xasprintf("find the IOMMU group of %s", s->name);
	case VSTEP_OPEN_GROUP:
		return v1 ? xasprintf("open /dev/vfio/noiommu-%llu", v0) : xasprintf("open /dev/vfio/%llu", v0);
	case VSTEP_GROUP_VIABLE:
		return xstrdup("check the group is viable");
	case VSTEP_SET_CONTAINER:
		return xstrdup("add the group to the container");
	case VSTEP_SET_IOMMU:
		return xasprintf("set the IOMMU model %s", s->name);
	case VSTEP_SPAPR_INFO:
		return xstrdup("read the DMA windows (32-bit window, DDW)");
	case VSTEP_IOMMU_INFO:
		return xstrdup("read the IOMMU info (page sizes, IOVA ranges)");
	case VSTEP_OPEN_DEVICE:
		return xasprintf("open the device %s", s->name);
	case VSTEP_DEVICE_INFO:
		return xstrdup("read the device info");
	case VSTEP_SPAPR_REGISTER:
		return xasprintf("pre-register the %llu-byte test buffer", v0);
	case VSTEP_DDW_NONE:
		return xstrdup("create a dynamic DMA window");
	case VSTEP_DDW_CREATE:
		return xasprintf("create a DDW: page shift %llu, %llu bytes, %llu level%s", v0, v1, v2,
				 v2 == 1 ? "" : "s");
	case VSTEP_DDW_REMOVE:
		return xasprintf("remove the DDW at 0x%llx", v0);
	case VSTEP_SPAPR_UNREGISTER:
		return xstrdup("unregister the test buffer");
	case VSTEP_MAP_FILE:
		return xstrdup("map a memfd page (IOMMU_IOAS_MAP_FILE)");
	case VSTEP_HWPT_PASID:
		return xstrdup("allocate a PASID-compatible HWPT (IOMMU_HWPT_ALLOC_PASID)");
	case VSTEP_NEST_PARENT:
		return xstrdup("allocate a nest-parent HWPT (IOMMU_HWPT_ALLOC_NEST_PARENT)");
	case VSTEP_VIOMMU:
		return v2 ? xasprintf("allocate a vIOMMU of type %llu (%s) on HWPT %llu", v1,
				      vfio_viommu_type_name((uint32_t)v1) ? vfio_viommu_type_name((uint32_t)v1) : "?", v2) :
		       xasprintf("allocate a vIOMMU of type %llu (%s) with no nest-parent HWPT", v1,
				 vfio_viommu_type_name((uint32_t)v1) ? vfio_viommu_type_name((uint32_t)v1) : "?");
	case VSTEP_VDEVICE:
		return xasprintf("allocate a vDEVICE with virtual ID %llu", v1);
	case VSTEP_VEVENTQ:
		return xasprintf("allocate a vIOMMU event queue of type %llu", v1);
	case VSTEP_REATTACH_PASID_HWPT:
		return xasprintf("move the device onto the PASID-compatible HWPT %llu", v0);
	case VSTEP_PASID_ATTACH:
		return xasprintf("attach PASID %llu to %llu", v0, v1);
	case VSTEP_PASID_DETACH:
		return xasprintf("detach PASID %llu", v0);
	}
	return xstrdup("?");
}

/* What a step that worked got back. */
static char *step_done(const struct vfio_probe_result *res, const struct vfio_step *s)
{
	unsigned long long v0 = s->v[0], v1 = s->v[1], v2 = s->v[2];
	char *t, *u;

	switch (s->kind) {
	case VSTEP_BIND:
		return xasprintf("device ID %llu", v0);
	case VSTEP_IOAS_ALLOC:
		return xasprintf("IOAS ID %llu", v0);
	case VSTEP_ATTACH:
		return xasprintf("attached; HWPT ID %llu", v1);
	case VSTEP_IOVA_RANGES:
		t = vfio_ranges_text(res->ranges, res->nranges);
		u = xasprintf("%s; alignment %llu", t, (unsigned long long)res->alignment);
		free(t);
		return u;
	case VSTEP_HW_INFO:
		t = cli_vfio_hw_caps_text(res->hw.capabilities);
		u = xasprintf("type %s%s%s%s, capabilities 0x%llx%s%s%s, PASID width %u bits", res->hw.type_name,
			      res->hw.data_type == IOMMU_HW_INFO_TYPE_NONE ? " (the " : "",
			      res->hw.data_type == IOMMU_HW_INFO_TYPE_NONE ? probe_driver_name(res) : "",
			      res->hw.data_type == IOMMU_HW_INFO_TYPE_NONE ? " driver has no hw_info op: no driver data)" : "",
			      (unsigned long long)res->hw.capabilities, *t ? " (" : "", t, *t ? ")" : "",
			      res->hw.max_pasid_log2);
		free(t);
		return u;
	case VSTEP_MAP_FILE:
		return xasprintf("mapped at IOVA 0x%llx and unmapped", v0);
	case VSTEP_HWPT_PASID:
	case VSTEP_NEST_PARENT:
		return xasprintf("HWPT ID %llu", v0);
	case VSTEP_VIOMMU:
		return xasprintf("vIOMMU ID %llu", v0);
	case VSTEP_VDEVICE:
		return xasprintf("vDEVICE ID %llu", v0);
	case VSTEP_VEVENTQ:
		return xasprintf("event queue ID %llu", v0);
	case VSTEP_PASID_ATTACH:
		return xasprintf("attached; HWPT ID %llu", v2);
	case VSTEP_PASID_DETACH:
	case VSTEP_REATTACH_PASID_HWPT:
		return xstrdup("ok");
	case VSTEP_MAP:
		return xstrdup("mapped");
	case VSTEP_UNMAP:
		return xasprintf("%llu bytes unmapped", v1);
	case VSTEP_OPEN_CONTAINER:
		return xasprintf("API version %d", (int)v0);
	case VSTEP_CHOOSE_MODEL:
		return xstrdup(s->name);
	case VSTEP_GROUP_VIABLE:
		return xstrdup("viable");
	case VSTEP_SPAPR_INFO:
		return spapr_info_text(&res->spapr_info);
	case VSTEP_IOMMU_INFO:
		t = res->have_range_cap ? vfio_ranges_text(res->ranges, res->nranges) :
		    xstrdup("no IOVA range capability (kernel before v5.4)");
		u = res->have_dma_avail ?
		    xasprintf("page sizes 0x%llx; IOVA ranges %s; %u more mappings allowed",
			      (unsigned long long)res->pgsizes, t, res->dma_avail) :
		    xasprintf("page sizes 0x%llx; IOVA ranges %s", (unsigned long long)res->pgsizes, t);
		free(t);
		return u;
	case VSTEP_DEVICE_INFO:
		return xasprintf("%s%s, %llu regions, %llu IRQ types", v0 & VFIO_DEVICE_FLAGS_PCI ? "PCI" : "non-PCI",
				 v0 & VFIO_DEVICE_FLAGS_RESET ? ", resettable" : "", v1, v2);
	case VSTEP_SPAPR_REGISTER:
		return xstrdup("registered");
	case VSTEP_DDW_NONE:
		return xstrdup("skipped: the container offers no dynamic DMA windows");
	case VSTEP_DDW_CREATE:
		return xasprintf("window at bus address 0x%llx", (unsigned long long)res->ddw_start);
	case VSTEP_DDW_REMOVE:
		return xstrdup("removed");
	default:
		return xstrdup("ok");
	}
}

char *cli_vfio_step_result(const struct vfio_probe_result *res, const struct vfio_step *s)
{
	const struct vfio_spapr_info *si = &res->spapr_info;
	const char *why;
	char *t, *u;

	if (!s->err)
		return step_done(res, s);
	if (s->kind == VSTEP_MAP_MSI && !s->expected)
		return xstrdup("the kernel ACCEPTED a map inside the MSI window: it does not reserve it");
	/* SPAPR TCE: IOVAs are bus addresses inside the DMA windows */
	if (s->kind == VSTEP_MAP && res->spapr && (s->err == -ENXIO || s->err == ENXIO))
		return xasprintf("ENXIO: IOVA 0x%llx is outside the DMA window 0x%llx-0x%llx",
				 (unsigned long long)s->v[0], (unsigned long long)si->dma32_start,
				 (unsigned long long)(si->dma32_start + si->dma32_size - 1));
	why = s->kind == VSTEP_MAP && res->spapr ? vfio_spapr_map_explain(s->err) : NULL;
	t = why ? xasprintf("%s: %s", vfio_errno_name(s->err), why) : errno_text(s->op, s->err);
	if (!s->expected && !s->optional)
		return t;
	u = xasprintf("%s: %s", s->expected ? "refused as expected" : "not available", t);
	free(t);
	return u;
}

char *cli_vfio_path_why(const struct vfio_probe_result *res, const struct vfio_path_run *p)
{
	const struct vfio_step *s;
	char *what, *result, *why;

	if (!p->err)
		return NULL;
	if (p->failed_step < 0 || (size_t)p->failed_step >= p->nsteps)
		return xstrdup(strerror(p->err < 0 ? -p->err : p->err));
	s = &p->steps[p->failed_step];
	if (s->kind == VSTEP_MAP_MSI)
		return xstrdup("a map inside the MSI window was accepted");
	what = cli_vfio_step_what(s);
	result = cli_vfio_step_result(res, s);
	why = xasprintf("%s failed: %s", what, result);
	free(what);
	free(result);
	return why;
}

/* ---- vfio probe ---- */

/* The newer iommufd's answers for the probed device, in words. */
static const struct {
	const char *key, *label;
} probe_feature_labels[] = {
	{ "ioas_map_file", "IOMMU_IOAS_MAP_FILE (a memfd page)" },
	{ "hwpt_pasid", "PASID-capable HWPT (IOMMU_HWPT_ALLOC_PASID)" },
	{ "hwpt_nest_parent", "nest-parent HWPT (IOMMU_HWPT_ALLOC_NEST_PARENT)" },
	{ "viommu", "vIOMMU (IOMMU_VIOMMU_ALLOC)" },
	{ "vdevice", "vDEVICE (IOMMU_VDEVICE_ALLOC)" },
	{ "veventq", "vIOMMU event queue (IOMMU_VEVENTQ_ALLOC)" },
	{ "pasid_attach", "PASID attach (VFIO_DEVICE_ATTACH_PASID)" },
};

static const char *probe_feature_label(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(probe_feature_labels); i++)
		if (!strcmp(probe_feature_labels[i].key, key))
			return probe_feature_labels[i].label;
	return key;
}

/*
 * What the device's IOMMU answered, in a sentence. The vIOMMU's answer is
 * read against the nest parent's: without one the kernel still asks the
 * driver first, so EOPNOTSUPP there means the driver has no vIOMMU at all
 * and ENOENT that it has but wants the parent this IOMMU refused.
 */
/* The probe's answer for the feature of that key ("hwpt_pasid"), or NULL. */
static const struct vfio_feature *probe_feature(const struct vfio_probe_result *res, const char *key)
{
	for (size_t i = 0; i < res->feats.n; i++)
		if (!strcmp(res->feats.features[i].key, key))
			return &res->feats.features[i];
	return NULL;
}

char *cli_vfio_probe_feature_detail(const struct vfio_probe_result *res, const struct vfio_feature *f)
{
	const struct vfio_feature *np = probe_feature(res, "hwpt_nest_parent");
	unsigned long long v0 = f->val[0], v1 = f->val[1], v2 = f->val[2];
	if (!strcmp(f->key, "viommu")) {
		const char *tn = vfio_viommu_type_name((uint32_t)v1);

		if (!f->err)
			return xasprintf("vIOMMU %llu of type %s on nest-parent HWPT %llu", v0, tn ? tn : "?", v2);
		if (f->err == EOPNOTSUPP)
			return xasprintf("EOPNOTSUPP: the %s IOMMU driver implements no vIOMMU (the kernel's "
					 "driver has no viommu_init); the uAPI's types are ARM SMMUv3 and "
					 "Tegra241 CMDQV", probe_driver_name(res));
		if (f->err == ENOENT && !v2 && np && np->err)
			return xasprintf("ENOENT: the driver has vIOMMUs but needs a nest-parent HWPT, which "
					 "this IOMMU refused (%s)", vfio_errno_name(np->err));
	}
	/* RISC-V: iommufd refuses any HWPT flag for a driver without domain_alloc_paging_flags */
	if (!strcmp(f->key, "hwpt_nest_parent") && f->err == EOPNOTSUPP && probe_riscv(res))
		return xstrdup("EOPNOTSUPP: the RISC-V IOMMU driver (riscv-iommu) cannot nest: it has no "
			       "domain_alloc_paging_flags, so iommufd refuses IOMMU_HWPT_ALLOC_NEST_PARENT (as "
			       "any HWPT flag); its paging domains are single-stage (the device context's fsc "
			       "holds iosatp, iohgatp is Bare), none a G-stage parent");
	if (!strcmp(f->key, "hwpt_pasid") && f->err == EOPNOTSUPP && probe_riscv(res))
		return xstrdup("EOPNOTSUPP: the RISC-V IOMMU driver (riscv-iommu) has no PASIDs: it has no "
			       "domain_alloc_paging_flags, so iommufd refuses IOMMU_HWPT_ALLOC_PASID (as any HWPT "
			       "flag), and its device contexts have no process directory (no set_dev_pasid)");
	/* a PASID on the IOAS's own HWPT: the kernel takes PASIDs on PASID-compatible HWPTs only */
	if (!strcmp(f->key, "pasid_attach") && f->err == EINVAL) {
		const struct vfio_feature *hp = probe_feature(res, "hwpt_pasid");

		if (hp && hp->err)
			return xasprintf("EINVAL: PASID %llu went to the IOAS's own HWPT %llu, which is not "
					 "PASID-compatible (this IOMMU refused IOMMU_HWPT_ALLOC_PASID: %s), and "
					 "the kernel attaches PASIDs to PASID-compatible HWPTs only (a kernel before "
					 "v6.15 also refuses VFIO_DEVICE_ATTACH_PASID itself with EINVAL)",
					 v0, v1, vfio_errno_name(hp->err));
	}
	if (!strcmp(f->key, "hwpt_nest_parent") && f->err == EOPNOTSUPP && res->have_hw_info &&
	    res->hw.data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return xasprintf("EOPNOTSUPP: this VT-d unit cannot nest (ECAP.NEST, bit 26, is %s)",
				 res->hw.vtd_ecap & (1ULL << 26) ? "set: another reason" : "clear");
	/* AMD-Vi (Linux 7.2's driver): what it checks before a nest parent, and before v2 tables */
	if (!strcmp(f->key, "hwpt_nest_parent") && f->err == EOPNOTSUPP && res->have_hw_info &&
	    res->hw.data_type == IOMMU_HW_INFO_TYPE_AMD)
		return xasprintf("EOPNOTSUPP: this AMD-Vi unit cannot nest: the driver wants EFR.GTSup "
				 "(bit 4, %s), EFR.GIOSup (bit 48, %s) and EFR2.GCR3TRPMode (bit 3, %s)",
				 res->hw.amd_efr & (1ULL << 4) ? "set" : "clear",
				 res->hw.amd_efr & (1ULL << 48) ? "set" : "clear",
				 res->hw.amd_efr2 & (1ULL << 3) ? "set" : "clear");
	if (!strcmp(f->key, "hwpt_pasid") && f->err == EOPNOTSUPP && res->have_hw_info &&
	    res->hw.data_type == IOMMU_HW_INFO_TYPE_AMD)
		return xasprintf("EOPNOTSUPP: a PASID-compatible domain needs AMD v2 page tables and PPR: "
				 "EFR.GTSup (bit 4, %s), GIOSup (bit 48, %s), PPRSup (bit 1, %s), EPHSup (bit 50, %s)",
				 res->hw.amd_efr & (1ULL << 4) ? "set" : "clear",
				 res->hw.amd_efr & (1ULL << 48) ? "set" : "clear",
				 res->hw.amd_efr & (1ULL << 1) ? "set" : "clear",
				 res->hw.amd_efr & (1ULL << 50) ? "set" : "clear");
	if (!strcmp(f->key, "hwpt_pasid") && f->err == EOPNOTSUPP && res->have_hw_info &&
	    res->hw.data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return xasprintf("EOPNOTSUPP: a PASID-compatible domain needs scalable mode with first-stage "
				 "tables (ECAP.SMTS bit 43 %s, ECAP.FLTS bit 47 %s)",
				 res->hw.vtd_ecap & (1ULL << 43) ? "set" : "clear",
				 res->hw.vtd_ecap & (1ULL << 47) ? "set" : "clear");
	if (f->err)
		return errno_text(f->op, f->err);
	if (!strcmp(f->key, "ioas_map_file"))
		return xasprintf("a memfd page mapped at IOVA 0x%llx and unmapped", v0);
	if (!strcmp(f->key, "hwpt_pasid") || !strcmp(f->key, "hwpt_nest_parent"))
		return xasprintf("HWPT %llu", v0);
	if (!strcmp(f->key, "vdevice"))
		return xasprintf("vDEVICE %llu, virtual ID %llu", v0, v1);
	if (!strcmp(f->key, "veventq"))
		return xasprintf("event queue %llu", v0);
	/*
	 * The core takes a PASID attach for a group and sets it up only on its
	 * devices that can issue PASIDs (max_pasids > 0): on one that cannot,
	 * the ioctl succeeds and no PASID entry is written.
	 */
	if (!strcmp(f->key, "pasid_attach") && res->have_hw_info && !res->hw.max_pasid_log2)
		return xasprintf("PASID %llu attached to HWPT %llu and detached, but nothing was set up: the "
				 "device has no PASID capability (PASID width 0 in IOMMU_GET_HW_INFO), and the "
				 "kernel takes the attach for its group without a PASID entry for this device", v0, v2);
	if (!strcmp(f->key, "pasid_attach"))
		return xasprintf("PASID %llu attached to HWPT %llu and detached", v0, v2);
	return NULL;
}

static void render_probe_features(struct out *o, const struct vfio_probe_result *res)
{
	if (!res->feats.n)
		return;
	if (!out_is_json(o))
		out_text(o, "newer iommufd on this device:");
	else
		out_list_begin(o, "iommufd_features", NULL);
	for (size_t i = 0; i < res->feats.n; i++) {
		const struct vfio_feature *f = &res->feats.features[i];
		char *d = cli_vfio_probe_feature_detail(res, f);

		if (!out_is_json(o)) {
			out_text(o, "  %-46s %-7s %s", probe_feature_label(f->key), avail_text[f->avail], d ? d : "");
		} else {
			out_obj_begin(o, NULL, NULL);
			out_str(o, "key", NULL, f->key);
			out_str(o, "label", NULL, probe_feature_label(f->key));
			if (f->avail == VFIO_AVAIL_UNKNOWN)
				out_null(o, "available", NULL);
			else
				out_bool(o, "available", NULL, f->avail == VFIO_AVAIL_YES);
			if (f->err)
				out_u64(o, "errno", NULL, (uint64_t)f->err);
			else
				out_null(o, "errno", NULL);
			out_str(o, "errno_name", NULL, f->err ? vfio_errno_name(f->err) : NULL);
			out_str(o, "detail", NULL, d);
			out_obj_end(o);
		}
		free(d);
	}
	if (out_is_json(o))
		out_list_end(o);
}

/* A step counts as failed unless its failure was the point or does not matter. */
static bool step_ok(const struct vfio_step *s)
{
	return !s->err || s->expected || s->optional;
}

static void out_errno(struct out *o, int err)
{
	if (err)
		out_u64(o, "errno", NULL, (uint64_t)(err < 0 ? -err : err));
	else
		out_null(o, "errno", NULL);
	out_str(o, "errno_name", NULL, err ? vfio_errno_name(err) : NULL);
}

static void render_path(struct out *o, const char *key, const char *label,
			const struct vfio_probe_result *res, const struct vfio_path_run *p)
{
	char *why;

	if (!out_is_json(o)) {
		if (!p->attempted) {
			out_text(o, "%s: not tried", label);
			return;
		}
		out_text(o, "%s: %s", label, p->ok ? "ok" : "FAILED");
		for (size_t i = 0; i < p->nsteps; i++) {
			const struct vfio_step *s = &p->steps[i];
			char *what = cli_vfio_step_what(s), *result = cli_vfio_step_result(res, s);

			out_text(o, "  %-5s %s: %s", step_ok(s) ? "ok" : "FAIL", what, result);
			free(what);
			free(result);
		}
		return;
	}
	why = cli_vfio_path_why(res, p);
	out_obj_begin(o, key, NULL);
	out_bool(o, "attempted", NULL, p->attempted);
	out_bool(o, "ok", NULL, p->attempted && p->ok);
	out_errno(o, p->err);
	out_str(o, "failed_op", NULL, p->err ? vfio_op_name(p->failed_op) : NULL);
	out_str(o, "why", NULL, why);
	out_list_begin(o, "steps", NULL);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct vfio_step *s = &p->steps[i];
		char *what = cli_vfio_step_what(s), *result = cli_vfio_step_result(res, s);

		out_obj_begin(o, NULL, NULL);
		out_str(o, "what", NULL, what);
		out_str(o, "op", NULL, vfio_op_name(s->op));
		out_bool(o, "ok", NULL, step_ok(s));
		out_bool(o, "expected_failure", NULL, s->expected);
		out_errno(o, s->err);
		out_str(o, "result", NULL, result);
		out_obj_end(o);
		free(what);
		free(result);
	}
	out_list_end(o);
	out_obj_end(o);
	free(why);
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
	if (po->pasid) {
		if (parse_u64(po->pasid, &v) || !v || v > 0xfffff)
			return err_report(ctx, -EUSAGE, "--pasid: '%s' is not a PASID (1..0xfffff)", po->pasid);
		if (req.path == VFIO_PATH_LEGACY)
			return err_report(ctx, -EUSAGE, "--pasid needs the iommufd path (a legacy container has no PASIDs)");
		req.pasid = (uint32_t)v;
		req.path = VFIO_PATH_IOMMUFD_CDEV;
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
	if (g) {
		const struct inv_unit *u = inventory_group_unit(&inv, g);

		req.iommu_kind = u ? u->kind_name : NULL;
	}
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
	render_path(o, "iommufd", "iommufd + cdev", &res, &res.iommufd);
	render_path(o, "legacy", "legacy group + container", &res, &res.legacy);
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
		{
			char *hd = cli_vfio_hw_info_detail(&res);

			if (hd || out_is_json(o))
				out_str(o, "detail", "what it means", hd);
			free(hd);
		}
		if (res.hw.data_type == IOMMU_HW_INFO_TYPE_INTEL_VTD) {
			out_hex(o, "vtd_cap", "VT-d cap", res.hw.vtd_cap);
			out_hex(o, "vtd_ecap", "VT-d ecap", res.hw.vtd_ecap);
		}
		if (res.hw.data_type == IOMMU_HW_INFO_TYPE_AMD) {
			out_hex(o, "amd_efr", "AMD EFR", res.hw.amd_efr);
			out_hex(o, "amd_efr2", "AMD EFR2", res.hw.amd_efr2);
		}
		out_obj_end(o);
	}
	render_probe_features(o, &res);
	if (res.mapped) {
		out_hex(o, "iova", "test buffer IOVA", res.iova);
		out_u64(o, "size", "test buffer size", res.size);
		out_bool(o, "unmapped", "unmapped", res.unmapped);
	}
	if (res.msi_tested) {
		out_obj_begin(o, "msi_check", "MSI window map");
		out_hex(o, "iova", "iova", req.msi_start);
		out_bool(o, "refused", "refused", res.msi_err != 0);
		if (out_is_json(o))
			out_errno(o, res.msi_err);
		else
			out_str(o, NULL, "errno", res.msi_err ? vfio_errno_name(res.msi_err) : NULL);
		out_obj_end(o);
	}
	out_obj_end(o);
	err = out_flush(o);

	if (rc && !err) {
		bool nothing = res.iommufd.failed_op == VOP_OPEN_IOMMUFD &&
			       res.legacy.failed_op == VOP_OPEN_CONTAINER &&
			       res.iommufd.err == -ENOENT && res.legacy.err == -ENOENT;

		char *why1 = cli_vfio_path_why(&res, &res.iommufd), *why2 = cli_vfio_path_why(&res, &res.legacy);

		if (res.iommufd.attempted && res.legacy.attempted)
			err = err_report(ctx, nothing ? -EOPNOTSUPP : (rc == -ENOENT ? -EIO : rc),
					 "%s: both paths failed: iommufd+cdev: %s; legacy container: %s",
					 d->name, why1, why2);
		else {
			const struct vfio_path_run *p = res.iommufd.attempted ? &res.iommufd : &res.legacy;
			/* the node of the only path asked for is missing: this kernel cannot */
			bool absent = p->err == -ENOENT && (p->failed_op == VOP_OPEN_IOMMUFD ||
							    p->failed_op == VOP_OPEN_CDEV ||
							    p->failed_op == VOP_OPEN_CONTAINER);

			err = err_report(ctx, absent ? -EOPNOTSUPP : rc == -ENOENT ? -EIO : rc,
					 "%s: %s path: %s", d->name,
					 p == &res.iommufd ? "iommufd+cdev" : "legacy container",
					 p == &res.iommufd ? why1 : why2);
		}
		free(why1);
		free(why2);
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
	{
		.name = "caps",
		.summary = "one report for orchestrators: what the kernel offers, and each device",
		.args_doc = "[ADDR...]",
		.doc = "What the kernel offers (iommufd and /dev/iommu, device cdevs, the legacy "
		       "container and its IOMMU models, the iommufd options probed: "
		       "IOMMU_OPTION_RLIMIT_MODE and whether this process may set it, HUGE_PAGES, "
		       "SW_MSI), the backend a CDI spec of the VFIO devices takes, and for each device "
		       "on a VFIO driver (those given, or every PCI device with --all) its pciBusID, "
		       "iommuGroup, viability, nodes, the backends it can be handed over with, its CDI "
		       "name and who holds its group. Keys named as the Kubernetes DRA drivers name the "
		       "same facts where they do (pciBusID, iommuGroup). With -F or --sysfs-root only "
		       "the nodes of the source are shown: nothing is probed and the owner is null.",
		.options = caps_options_argp,
		.parser = caps_parse,
		.opts_size = sizeof(struct caps_opts),
		.min_args = 0,
		.max_args = -1,
		.run = vfio_caps,
	},
	{ 0 }
};

const struct cli_object cli_object_vfio = {
	.name = "vfio",
	.summary = "VFIO and iommufd: what the kernel offers, and a device's passthrough path",
	.default_verb = "status",
	.verbs = vfio_verbs,
};
