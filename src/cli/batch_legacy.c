// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The batch language on the legacy VFIO container, for kernels without
 * iommufd: container open/set-iommu, group add, device open, dma map,
 * unmap and ranges, and the SPAPR TCE lines of IBM POWER (memory
 * registration, DMA windows). Rows of the dispatcher's tables
 * (CLI_BATCH_ONLY); what they make is held by the run (cli/batch.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/inv.h"
#include "core/exitcodes.h"

/* ---- the container, its groups and devices ---- */

static int container_open(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	int rc = batch_need_container(b);

	if (!rc) {
		res_u64(b, "fd", (uint64_t)b->container);
		res_text(b, "fd %d", b->container);
	}
	return rc;
}

static int container_set_iommu(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	const char *t = argc ? argv[0] : NULL;
	unsigned long type;
	int rc;

	if ((rc = batch_need_container(b)))
		return rc;
	if (vfio_iommu_type_parse(t ? t : "type1v2", &type))
		return batch_refuse(b, -EUSAGE, "give a model 'iommuctl vfio status' lists: type1v2 (the default), "
				    "type1, spapr-v2, spapr, noiommu", "unknown IOMMU model '%s'", t);
	rc = vfio_set_iommu(b->container, type);
	if (rc)
		return batch_fail_op(b, VOP_SET_IOMMU, rc);
	b->container_ready = true;
	b->container_type = vfio_iommu_type_name(type);
	b->spapr = type == VFIO_SPAPR_TCE_IOMMU || type == VFIO_SPAPR_TCE_v2_IOMMU;
	res_str(b, "container_type", vfio_iommu_type_name(type));
	res_text(b, "%s", vfio_iommu_type_name(type));
	return 0;
}

static const struct cli_verb container_verbs[] = {
	{
		.name = "open",
		.summary = "open the container (/dev/vfio/vfio; the first container line opens it too)",
		.max_args = 0,
		.run = container_open,
		BATCH_VERB,
	},
	{
		.name = "set-iommu",
		.summary = "set the container's IOMMU model, after its first group (default type1v2)",
		.args_doc = "[type1v2|type1|noiommu|spapr-v2|spapr]",
		.max_args = 1,
		.run = container_set_iommu,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_container = {
	.name = "container",
	.summary = "the batch's legacy VFIO container (/dev/vfio/vfio)",
	.flags = CLI_BATCH_ONLY,
	.verbs = container_verbs,
};

static int group_of(struct cli_batch *b, const char *sel, unsigned *gid, bool *noiommu)
{
	struct inv_device *d;
	struct inv_group *g;
	struct inv_sel s;
	int rc;

	if (inv_sel_parse(sel, &s))
		return batch_refuse(b, -EUSAGE, "give a group number or a device's PCI address, as in 'group add 3' "
				    "or 'group add 0000:00:03.0'", "'%s': not a group number or a PCI address", sel);
	if ((rc = batch_need_inventory(b)))
		return rc;
	if (inventory_group_select(&b->inv, &s, &g, &d))
		return batch_refuse(b, -ENOENT, "give a group or device that 'iommuctl group list' shows",
				    "no IOMMU group for '%s'", sel);
	*gid = g->id;
	*noiommu = g->vfio_node && strstr(g->vfio_node, "noiommu");
	return 0;
}

static int group_add(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	uint32_t flags = 0;
	unsigned gid = 0;
	bool noiommu = false;
	struct bobj *o;
	int fd, rc;

	if ((rc = group_of(b, argv[0], &gid, &noiommu)) || (rc = batch_need_container(b)))
		return rc;
	rc = vfio_group_open(gid, noiommu, &fd);
	if (rc)
		return batch_fail_op(b, VOP_OPEN_GROUP, rc);
	rc = vfio_group_status(fd, &flags);
	if (!rc && !(flags & VFIO_GROUP_FLAGS_VIABLE))
		rc = -EBUSY;
	if (rc) {
		close(fd);
		return batch_fail_op(b, VOP_GROUP_STATUS, rc);
	}
	rc = vfio_group_set_container(fd, b->container);
	if (rc) {
		close(fd);
		return batch_fail_op(b, VOP_SET_CONTAINER, rc);
	}
	if ((rc = batch_obj_new(b, bo->name, BK_GROUP, gid, &o))) {
		close(fd);
		return rc;
	}
	o->fd = fd;
	o->path = noiommu ? xasprintf(VFIO_PATH_NOIOMMU_GROUP_FMT, gid) : xasprintf(VFIO_PATH_GROUP_FMT, gid);
	res_u64(b, "group", gid);
	res_text(b, "group %u in the container", gid);
	return 0;
}

static const struct argp_option group_add_options[] = { BOPT_NAME, { 0 } };

const struct cli_verb cli_batch_group_verbs[] = {
	{
		.name = "add",
		.summary = "open a group (by number or a device's address) and add it to the container",
		.args_doc = "GROUP|ADDR",
		.options = group_add_options,
		.min_args = 1,
		.max_args = 1,
		.run = group_add,
		BATCH_VERB,
	},
	{ 0 }
};

int batch_device_open(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct inv_device *d;
	struct bobj *g = NULL, *o;
	unsigned int gid;
	int fd, rc;

	if ((rc = batch_need_inventory(b)))
		return rc;
	d = inventory_device(&b->inv, argv[0]);
	if (!d)
		return batch_refuse(b, -ENOENT, "give a PCI address that 'iommuctl device list' shows, as in "
				    "0000:00:03.0", "no device %s", argv[0]);
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && b->objs[i]->kind == BK_GROUP && (int)b->objs[i]->id == d->group)
			g = b->objs[i];
	if (!g)
		return batch_refuse(b, -EUSAGE, d->group >= 0 ? "put 'group add ADDR' before 'device open ADDR'" :
				    "the device has no IOMMU group: it cannot be opened through VFIO",
				    "the run holds no group of %s (group %d)", d->name, d->group);
	gid = g->id;
	rc = vfio_group_device_fd(g->fd, d->name, &fd);
	if (rc)
		return batch_fail_op(b, VOP_GET_DEVICE_FD, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_DEVICE, 0, &o))) {
		close(fd);
		return rc;
	}
	o->fd = fd;
	o->legacy = true;
	o->addr = xstrdup(d->name);
	res_str(b, "device", d->name);
	res_u64(b, "fd", (uint64_t)fd);
	res_text(b, "device %s: %s (through group %u)", o->name, d->name, gid);
	return 0;
}

/* ---- dma ---- */

/*
 * A SPAPR map the kernel refused with ENXIO: name the windows the IOVA
 * missed (the 32-bit window and the DDWs this run created).
 */
static int fail_outside(struct cli_batch *b, uint64_t iova, uint64_t len)
{
	struct vfio_spapr_info si;
	struct strv ws = { 0 };
	char *list;
	int err;

	if (!vfio_spapr_info_get(b->container, &si) && si.dma32_size)
		strv_push_owned(&ws, xasprintf("0x%llx-0x%llx", (unsigned long long)si.dma32_start,
					       (unsigned long long)(si.dma32_start + si.dma32_size - 1)));
	for (size_t i = 0; i < b->nobjs; i++)
		if (b->objs[i]->live && b->objs[i]->kind == BK_WINDOW)
			strv_push_owned(&ws, xasprintf("0x%llx-0x%llx (%s)",
						       (unsigned long long)b->objs[i]->iova,
						       (unsigned long long)(b->objs[i]->iova + b->objs[i]->len - 1),
						       b->objs[i]->name));
	list = ws.n ? strv_join(&ws, ", ") : xstrdup("none known");
	strv_free(&ws);
	err = batch_refuse(b, -ENXIO, vfio_fix(VOP_DMA_MAP, ENXIO),
			   "%s: ENXIO: IOVA 0x%llx-0x%llx is outside the DMA window%s %s",
			   vfio_op_name(VOP_DMA_MAP), (unsigned long long)iova,
			   (unsigned long long)(iova + len - 1), strchr(list, ',') ? "s" : "", list);
	free(list);
	return err;
}

/*
 * A SPAPR v2 map refused with EINVAL into a window of this run whose IOMMU
 * page is larger than the host page: the kernel maps a TCE only onto memory
 * whose backing pages are at least that large (mm_iommu_ua_to_hpa), which
 * ordinary anonymous memory is not. Says so and returns true.
 */
static bool spapr_page_too_big(struct cli_batch *b, uint64_t iova, const void *va, uint64_t len)
{
	long host = sysconf(_SC_PAGESIZE);

	for (size_t i = 0; i < b->nobjs; i++) {
		const struct bobj *o = b->objs[i];

		if (!o->live || o->kind != BK_WINDOW || iova < o->iova || iova - o->iova >= o->len)
			continue;
		if (host <= 0 || (1ULL << o->page_shift) <= (uint64_t)host)
			return false;
		char fix[128];

		snprintf(fix, sizeof(fix), "create the window with page-shift=%d, or back the memory with huge "
			 "pages", __builtin_ctzl((unsigned long)host));
		batch_refuse(b, -EINVAL, fix, "%s: EINVAL: window %s has %llu KiB IOMMU pages but the memory "
			     "at 0x%llx (%llu bytes) is backed by %ld KiB host pages: the kernel maps a TCE "
			     "only onto memory backed by pages at least as large", vfio_op_name(VOP_DMA_MAP),
			     o->name, (1ULL << o->page_shift) >> 10, (unsigned long long)(uintptr_t)va,
			     (unsigned long long)len, host >> 10);
		return true;
	}
	return false;
}

static int need_model(struct cli_batch *b)
{
	if (b->container < 0 || !b->container_ready)
		return batch_refuse(b, -EUSAGE, "put 'container open', 'group add GROUP' and 'container set-iommu' "
				    "before it", "no container with an IOMMU model");
	return 0;
}

static int dma_map(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	uint64_t len, iova;
	struct bobj *m, *mem = NULL;
	void *va;
	int rc;

	if ((rc = need_model(b)) || (rc = batch_num(b, "iova", bo->iova, true, &iova)))
		return rc;
	if (bo->mem) {
		/* SPAPR v2: map memory registered with 'spapr register' */
		if ((rc = batch_obj_ref(b, bo->mem, 1u << BK_MEM, &mem)))
			return rc;
		va = mem->va;
		len = mem->len;
	} else if ((rc = batch_map_buffer(b, bo->size, &len, &va))) {
		return rc;
	}
	rc = vfio_dma_map(b->container, va, iova, len, !bo->readonly);
	if (rc) {
		if (!mem)
			vfio_buffer_free(va, len);
		if (rc == -ENXIO && b->spapr)
			return fail_outside(b, iova, len);
		if (rc == -EINVAL && b->spapr && spapr_page_too_big(b, iova, va, len))
			return rc;
		if (b->spapr && vfio_spapr_map_explain(rc))
			return batch_refuse(b, rc, vfio_fix(VOP_DMA_MAP, rc), "%s: %s: %s", vfio_op_name(VOP_DMA_MAP),
					    vfio_errno_name(rc), vfio_spapr_map_explain(rc));
		if (rc == -EINVAL && !b->spapr) {
			/* outside the container's usable ranges: which they are */
			struct vfio_type1_info ti;
			char *u = NULL, *ctxt = NULL, *fix = NULL;
			bool inside = false;

			if (!vfio_type1_info_get(b->container, &ti)) {
				for (size_t i = 0; i < ti.nranges; i++)
					inside |= iova >= ti.ranges[i].start && iova + len - 1 <= ti.ranges[i].last;
				u = vfio_ranges_text(ti.ranges, ti.nranges);
				if (!inside) {
					ctxt = xasprintf("0x%llx-0x%llx is not inside the container's usable ranges (%s)",
							 (unsigned long long)iova, (unsigned long long)(iova + len - 1), u);
					fix = xasprintf("choose an iova= inside %s", u);
				}
				vfio_type1_info_release(&ti);
			}
			rc = batch_fail_opx(b, VOP_DMA_MAP, rc, ctxt, fix);
			free(u);
			free(ctxt);
			free(fix);
			return rc;
		}
		if (rc == -EEXIST) {
			char *near = batch_maps_text(b, NULL, iova, iova + len - 1);
			char *ctxt = near ? xasprintf("0x%llx-0x%llx overlaps %s", (unsigned long long)iova,
						      (unsigned long long)(iova + len - 1), near) : NULL;

			rc = batch_fail_opx(b, VOP_DMA_MAP, rc, ctxt, NULL);
			free(ctxt);
			free(near);
			return rc;
		}
		return batch_fail_op(b, VOP_DMA_MAP, rc);
	}
	if ((rc = batch_obj_new(b, bo->name, BK_MAP, 0, &m))) {
		vfio_dma_unmap(b->container, iova, len, NULL);
		if (!mem)
			vfio_buffer_free(va, len);
		return rc;
	}
	m->legacy = true;
	m->borrowed = mem != NULL;
	m->va = va;
	m->iova = iova;
	m->len = len;
	res_hex(b, "iova", iova);
	res_u64(b, "size", len);
	res_hex(b, "vaddr", (uintptr_t)va);
	res_text(b, "map %s: IOVA 0x%llx, %llu bytes", m->name, (unsigned long long)iova,
		 (unsigned long long)len);
	return 0;
}

static int dma_unmap(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);

	if (b->container < 0)
		return batch_refuse(b, -EUSAGE, "put 'container open' and the maps before it", "no container");
	return batch_unmap(b, NULL, argc ? argv[0] : NULL, opts);
}

static int spapr_info(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv);

static int dma_ranges(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct vfio_type1_info ti;
	int rc;

	if ((rc = need_model(b)))
		return rc;
	/* same ioctl number, SPAPR layout: never read it as type1 */
	if (b->spapr)
		return spapr_info(ctx, opts, argc, argv);
	rc = vfio_type1_info_get(b->container, &ti);
	if (rc)
		return batch_fail_op(b, VOP_IOMMU_INFO, rc);
	res_ranges(b, "iova_ranges", ti.ranges, ti.nranges);
	res_hex(b, "page_sizes", ti.pgsizes);
	res_text(b, "page sizes 0x%llx", (unsigned long long)ti.pgsizes);
	vfio_type1_info_release(&ti);
	return 0;
}

static const struct argp_option dma_map_options[] = {
	{ "iova", BO_IOVA, "ADDR", 0, "map at ADDR", 0 },
	{ "size", BO_SIZE, "N", 0, "bytes to map, a multiple of 4096 (a buffer of that size)", 0 },
	{ "mem", BO_MEM, "MEM", 0, "map this registered memory (SPAPR v2) instead of a new buffer", 0 },
	BOPT_READONLY,
	BOPT_NAME,
	{ 0 }
};

static const struct argp_option dma_unmap_options[] = {
	{ "iova", BO_IOVA, "ADDR", 0, "unmap from ADDR (instead of a MAP)", 0 },
	{ "size", BO_SIZE, "N", 0, "bytes to unmap from ADDR", 0 },
	{ 0 }
};

static const struct cli_verb dma_verbs[] = {
	{
		.name = "map",
		.summary = "map a new buffer (or registered memory) into the container at iova=ADDR",
		.options = dma_map_options,
		.max_args = 0,
		.run = dma_map,
		BATCH_VERB,
	},
	{
		.name = "unmap",
		.summary = "unmap a MAP, or iova=ADDR size=N, from the container",
		.args_doc = "[MAP]",
		.options = dma_unmap_options,
		.max_args = 1,
		.run = dma_unmap,
		BATCH_VERB,
	},
	{
		.name = "ranges",
		.summary = "the container's IOVA ranges and page sizes (SPAPR: its windows)",
		.max_args = 0,
		.run = dma_ranges,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_dma = {
	.name = "dma",
	.summary = "DMA maps in the legacy container",
	.flags = CLI_BATCH_ONLY,
	.verbs = dma_verbs,
};

/* ---- SPAPR TCE containers (IBM POWER): memory registration and DMA windows ---- */

static int need_spapr(struct cli_batch *b)
{
	if (b->container < 0 || !b->container_ready || !b->spapr)
		return batch_refuse(b, -EUSAGE, "put 'container open', 'group add GROUP' and 'container set-iommu "
				    "spapr-v2' before it", "no SPAPR TCE container");
	return 0;
}

static int spapr_info(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct vfio_spapr_info si;
	struct strv pg = { 0 };
	char *t;
	int rc;

	if ((rc = need_spapr(b)))
		return rc;
	rc = vfio_spapr_info_get(b->container, &si);
	if (rc)
		return batch_fail_op(b, VOP_SPAPR_INFO, rc);
	res_hex(b, "dma32_window_start", si.dma32_start);
	res_hex(b, "dma32_window_size", si.dma32_size);
	res_bool(b, "ddw", si.ddw);
	for (unsigned bit = 0; bit < 64; bit++)
		if (si.ddw_pgsizes & (1ULL << bit))
			strv_push_owned(&pg, vfio_pgsizes_text(1ULL << bit));
	res_strv(b, "ddw_page_sizes", &pg);
	strv_free(&pg);
	res_u64(b, "ddw_max_windows", si.ddw_max_windows);
	res_u64(b, "ddw_max_levels", si.ddw_levels);
	t = vfio_pgsizes_text(si.ddw_pgsizes);
	res_text(b, "32-bit window 0x%llx-0x%llx", (unsigned long long)si.dma32_start,
		 (unsigned long long)(si.dma32_start + si.dma32_size - 1));
	if (si.ddw)
		res_text(b, "DDW page sizes %s, %u windows, %u levels", t, si.ddw_max_windows, si.ddw_levels);
	else
		res_text(b, "no dynamic DMA windows");
	free(t);
	return 0;
}

static int spapr_register(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	struct bobj *o;
	uint64_t len;
	void *va;
	int rc;

	if ((rc = need_spapr(b)) || (rc = batch_map_buffer(b, bo->size, &len, &va)))
		return rc;
	rc = vfio_spapr_register(b->container, va, len);
	if (rc) {
		vfio_buffer_free(va, len);
		return batch_fail_op(b, VOP_SPAPR_REGISTER, rc);
	}
	if ((rc = batch_obj_new(b, bo->name, BK_MEM, ++b->nmems, &o))) {
		vfio_spapr_unregister(b->container, va, len);
		vfio_buffer_free(va, len);
		return rc;
	}
	o->va = va;
	o->len = len;
	res_u64(b, "size", len);
	res_hex(b, "vaddr", (uintptr_t)va);
	res_text(b, "mem %s: %llu bytes registered", o->name, (unsigned long long)len);
	return 0;
}

static int spapr_unregister(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bobj *o;
	int rc;

	if ((rc = need_spapr(b)) || (rc = batch_obj_ref(b, argv[0], 1u << BK_MEM, &o)))
		return rc;
	rc = vfio_spapr_unregister(b->container, o->va, o->len);
	if (rc)
		return batch_fail_op(b, VOP_SPAPR_UNREGISTER, rc);
	vfio_buffer_free(o->va, o->len);
	o->va = NULL;
	batch_obj_gone(b, o);
	res_text(b, "%s unregistered", o->name);
	return 0;
}

static int window_remove(struct cli_batch *b, const char *name)
{
	struct bobj *o;
	int rc;

	if ((rc = batch_obj_ref(b, name, 1u << BK_WINDOW, &o)))
		return rc;
	rc = vfio_spapr_window_remove(b->container, o->iova);
	if (rc)
		return batch_fail_op(b, VOP_SPAPR_REMOVE, rc);
	batch_obj_gone(b, o);
	res_text(b, "%s removed", o->name);
	return 0;
}

static int spapr_window(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cli_batch *b = batch_of(ctx);
	struct bopts *bo = opts;
	uint64_t shift, size, levels = 1, start = 0;
	struct bobj *o;
	int rc;

	if ((rc = need_spapr(b)))
		return rc;
	if (!strcmp(argv[0], "remove"))
		return window_remove(b, argc > 1 ? argv[1] : NULL);
	if (strcmp(argv[0], "create") || argc > 1)
		return batch_refuse(b, -EUSAGE, "write 'spapr window create page-shift=N size=N [levels=N]' or "
				    "'spapr window remove WINDOW'", "'%s': not create or remove", argv[0]);
	if ((rc = batch_num(b, "page-shift", bo->page_shift, true, &shift)) ||
	    (rc = batch_num(b, "size", bo->size, true, &size)) ||
	    (rc = batch_num(b, "levels", bo->levels, false, &levels)) < 0)
		return rc;
	if (shift < 12 || shift > 40)
		return batch_refuse(b, -EUSAGE, "give a page-shift from 12 to 40 that 'spapr info' lists (12, 16, "
				    "24 are usual)", "page-shift=%llu: not a page shift", (unsigned long long)shift);
	if (!size || (size & (size - 1)))
		return batch_refuse(b, -EUSAGE, "give a power of two, as in size=0x40000000",
				    "size=%llu: not a power of two", (unsigned long long)size);
	if (!levels || levels > 8)
		return batch_refuse(b, -EUSAGE, "give levels from 1 to 8, at most what 'spapr info' allows",
				    "levels=%llu: not a level count", (unsigned long long)levels);
	rc = vfio_spapr_window_create(b->container, (unsigned)shift, size, (unsigned)levels, &start);
	if (rc)
		return batch_fail_op(b, VOP_SPAPR_CREATE, rc);
	if ((rc = batch_obj_new(b, bo->name, BK_WINDOW, ++b->nwindows, &o))) {
		vfio_spapr_window_remove(b->container, start);
		return rc;
	}
	o->iova = start;
	o->len = size;
	o->page_shift = (uint32_t)shift;
	o->levels = (uint32_t)levels;
	res_hex(b, "start", start);
	res_u64(b, "size", size);
	res_u64(b, "page_shift", shift);
	res_u64(b, "levels", levels);
	res_text(b, "window %s: bus address 0x%llx-0x%llx, page shift %u, %u level%s", o->name,
		 (unsigned long long)start, (unsigned long long)(start + size - 1), o->page_shift,
		 o->levels, o->levels == 1 ? "" : "s");
	return 0;
}

static const struct argp_option register_options[] = {
	{ "size", BO_SIZE, "N", 0, "bytes to allocate and register, a multiple of 4096", 0 },
	BOPT_NAME,
	{ 0 }
};

static const struct argp_option window_options[] = {
	{ "page-shift", BO_PAGE_SHIFT, "N", 0, "create: IOMMU pages of 2^N bytes (12..40)", 0 },
	{ "size", BO_SIZE, "N", 0, "create: the window's size, a power of two", 0 },
	{ "levels", BO_LEVELS, "N", 0, "create: TCE table levels (1..8, default 1)", 0 },
	BOPT_NAME,
	{ 0 }
};

static const struct cli_verb spapr_verbs[] = {
	{
		.name = "info",
		.summary = "the 32-bit DMA window and the dynamic DMA windows offered",
		.max_args = 0,
		.run = spapr_info,
		BATCH_VERB,
	},
	{
		.name = "register",
		.summary = "allocate and pre-register memory (a v2 container maps only that)",
		.options = register_options,
		.max_args = 0,
		.run = spapr_register,
		BATCH_VERB,
	},
	{
		.name = "unregister",
		.summary = "unregister and free registered memory",
		.args_doc = "MEM",
		.min_args = 1,
		.max_args = 1,
		.run = spapr_unregister,
		BATCH_VERB,
	},
	{
		.name = "window",
		.summary = "create a dynamic DMA window (page-shift=N size=N), or remove one",
		.args_doc = "create|remove [WINDOW]",
		.options = window_options,
		.min_args = 1,
		.max_args = 2,
		.run = spapr_window,
		BATCH_VERB,
	},
	{ 0 }
};

const struct cli_object cli_object_spapr = {
	.name = "spapr",
	.summary = "SPAPR TCE containers (IBM POWER): registered memory, DMA windows",
	.flags = CLI_BATCH_ONLY,
	.verbs = spapr_verbs,
};
