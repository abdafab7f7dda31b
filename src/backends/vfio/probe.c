// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio probe: the passthrough path end to end for one device already bound
 * to a VFIO driver. iommufd + device cdev first; when that path fails before
 * the device is attached, the legacy group + type1 container second. Every
 * step is recorded with its result or, on failure, the errno's explanation,
 * so the caller can say why each path failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "core/util.h"

/* Default placement of the test buffer: the first usable IOVA at or above 1 MiB. */
#define PROBE_IOVA_FLOOR 0x100000ULL

static int step(struct vfio_path_run *p, enum vfio_op op, int err, char *what, char *result)
{
	struct vfio_step *s;

	p->steps = xrealloc(p->steps, (p->nsteps + 1) * sizeof(*p->steps));
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof(*s));
	s->op = op;
	s->what = what;
	s->err = err;
	if (err) {
		const char *why = vfio_explain(op, err);

		free(result);
		s->result = xasprintf("%s: %s", vfio_errno_name(err), why ? why : strerror(-err));
		if (!p->err) {
			p->err = err;
			p->failed_op = op;
			p->why = xasprintf("%s failed: %s", what, s->result);
		}
	} else {
		s->result = result;
	}
	return err;
}

/* A failure that was the point of the step: recorded, not counted. */
static void step_expected(struct vfio_path_run *p, enum vfio_op op, int err, char *what)
{
	const char *why = vfio_explain(op, err);

	step(p, op, 0, what, xasprintf("refused as expected: %s: %s", vfio_errno_name(err),
				       why ? why : strerror(-err)));
	p->steps[p->nsteps - 1].expected = true;
	p->steps[p->nsteps - 1].err = err;
}

static char *ranges_text(const struct vfio_range *r, size_t n)
{
	struct strv sv = { 0 };
	char *s;

	for (size_t i = 0; i < n; i++)
		strv_push_owned(&sv, xasprintf("0x%llx-0x%llx", (unsigned long long)r[i].start,
					       (unsigned long long)r[i].last));
	s = n ? strv_join(&sv, ", ") : xstrdup("none");
	strv_free(&sv);
	return s;
}

static int choose_iova(const struct vfio_probe_req *req, struct vfio_probe_result *res,
		       uint64_t align)
{
	if (req->iova_set) {
		res->iova = req->iova;
		return 0;
	}
	if (!res->nranges) {
		res->iova = PROBE_IOVA_FLOOR;
		return 0;
	}
	if (!vfio_pick_iova(res->ranges, res->nranges, align, res->size, PROBE_IOVA_FLOOR, &res->iova))
		return 0;
	return vfio_pick_iova(res->ranges, res->nranges, align, res->size, 0, &res->iova);
}

/* ---- iommufd + cdev ---- */

static int path_iommufd(const struct vfio_probe_req *req, struct vfio_probe_result *res,
			bool *attached)
{
	struct vfio_path_run *p = &res->iommufd;
	int ifd = -1, dfd = -1, rc;
	uint32_t dev_id = 0, ioas = 0, hwpt = 0;
	bool have_ioas = false, mapped = false;
	void *buf = NULL;
	uint64_t unmapped = 0;

	p->attempted = true;
	*attached = false;
	rc = vfio_iommufd_open(&ifd);
	if (step(p, VOP_OPEN_IOMMUFD, rc, xstrdup("open " VFIO_PATH_IOMMU), xstrdup("ok")))
		goto out;
	if (!req->cdev) {
		step(p, VOP_OPEN_CDEV, -ENOENT, xasprintf("find the VFIO cdev of %s", req->device), NULL);
		goto out;
	}
	rc = vfio_cdev_open(req->cdev, &dfd);
	if (step(p, VOP_OPEN_CDEV, rc, xasprintf("open " VFIO_PATH_CDEV_DIR "/%s", req->cdev),
		 xstrdup("ok")))
		goto out;
	rc = vfio_device_bind(dfd, ifd, &dev_id);
	if (step(p, VOP_BIND, rc, xstrdup("bind the device to the iommufd"),
		 xasprintf("device ID %u", dev_id)))
		goto out;
	res->dev_id = dev_id;
	rc = vfio_ioas_alloc(ifd, &ioas);
	if (step(p, VOP_IOAS_ALLOC, rc, xstrdup("allocate an IOAS"), xasprintf("IOAS ID %u", ioas)))
		goto out;
	have_ioas = true;
	res->ioas_id = ioas;
	rc = vfio_device_attach(dfd, ioas, -1, &hwpt);
	if (step(p, VOP_ATTACH, rc, xasprintf("attach the device to IOAS %u", ioas),
		 xasprintf("attached; HWPT ID %u", hwpt)))
		goto out;
	*attached = true;
	res->hwpt_id = hwpt;

	rc = vfio_ioas_ranges(ifd, ioas, &res->ranges, &res->nranges, &res->alignment);
	if (step(p, VOP_IOVA_RANGES, rc, xstrdup("read the usable IOVA ranges"), NULL))
		goto out;
	{
		char *rt = ranges_text(res->ranges, res->nranges);

		p->steps[p->nsteps - 1].result = xasprintf("%s; alignment %llu", rt,
							   (unsigned long long)res->alignment);
		free(rt);
	}
	rc = vfio_hw_info_get(ifd, dev_id, &res->hw);
	if (!rc) {
		res->have_hw_info = true;
		step(p, VOP_HW_INFO, 0, xstrdup("read the IOMMU hardware info"),
		     xasprintf("type %s, capabilities 0x%llx, PASID width %u bits", res->hw.type_name,
			       (unsigned long long)res->hw.capabilities, res->hw.max_pasid_log2));
	} else {
		/* informative only: the path does not depend on it */
		const char *why = vfio_explain(VOP_HW_INFO, rc);

		step(p, VOP_HW_INFO, 0, xstrdup("read the IOMMU hardware info"),
		     xasprintf("not available: %s: %s", vfio_errno_name(rc), why ? why : strerror(-rc)));
	}

	rc = vfio_buffer_alloc(res->size, &buf);
	if (step(p, VOP_BUFFER, rc, xasprintf("allocate a %llu-byte test buffer",
					      (unsigned long long)res->size), xstrdup("ok")))
		goto out;
	rc = choose_iova(req, res, res->alignment);
	if (rc) {
		step(p, VOP_IOAS_MAP, -ENOSPC, xstrdup("choose an IOVA for the test buffer"), NULL);
		goto out;
	}
	rc = vfio_ioas_map(ifd, ioas, buf, res->size, true, true, &res->iova);
	if (step(p, VOP_IOAS_MAP, rc, xasprintf("map the buffer at IOVA 0x%llx",
						(unsigned long long)res->iova), xstrdup("mapped")))
		goto out;
	mapped = res->mapped = true;
	if (req->while_mapped) {
		rc = req->while_mapped(req->arg, res);
		if (rc)
			p->err = p->err ? p->err : rc;
	}
	if (req->msi_check) {
		uint64_t msi = req->msi_start;

		res->msi_tested = true;
		rc = vfio_ioas_map(ifd, ioas, buf, 4096, true, true, &msi);
		res->msi_err = rc;
		if (rc) {
			step_expected(p, VOP_IOAS_MAP, rc, xasprintf("map a page in the MSI window at 0x%llx",
								    (unsigned long long)req->msi_start));
		} else {
			vfio_ioas_unmap(ifd, ioas, msi, 4096, NULL);
			step(p, VOP_IOAS_MAP, -EEXIST, xasprintf("map a page in the MSI window at 0x%llx",
								 (unsigned long long)req->msi_start), NULL);
			free(p->steps[p->nsteps - 1].result);
			p->steps[p->nsteps - 1].result =
				xstrdup("the kernel ACCEPTED a map inside the MSI window: it does not reserve it");
			free(p->why);
			p->why = xstrdup("a map inside the MSI window was accepted");
		}
	}
	rc = vfio_ioas_unmap(ifd, ioas, res->iova, res->size, &unmapped);
	if (!step(p, VOP_IOAS_UNMAP, rc, xasprintf("unmap IOVA 0x%llx", (unsigned long long)res->iova),
		  xasprintf("%llu bytes unmapped", (unsigned long long)unmapped))) {
		mapped = false;
		res->unmapped = true;
	}
	rc = vfio_device_detach(dfd, -1);
	step(p, VOP_DETACH, rc, xstrdup("detach the device"), xstrdup("ok"));
out:
	if (mapped)
		vfio_ioas_unmap(ifd, ioas, res->iova, res->size, NULL);
	if (have_ioas)
		vfio_destroy(ifd, ioas);
	if (dfd >= 0)
		close(dfd);
	if (ifd >= 0)
		close(ifd);
	vfio_buffer_free(buf, res->size);
	p->ok = !p->err;
	return p->err;
}

/* ---- SPAPR TCE v2 (IBM POWER): the container part after VFIO_SET_IOMMU ---- */

/* Defaults of the DDW the probe creates and removes. */
#define PROBE_DDW_SIZE   (1ULL << 30)
#define PROBE_DDW_LEVELS 1

static unsigned ddw_default_shift(uint64_t pgsizes)
{
	if (pgsizes & (1ULL << 16))
		return 16;
	return pgsizes ? (unsigned)__builtin_ctzll(pgsizes) : 12;
}

/* A map the kernel refused with ENXIO: say which window the IOVA missed. */
static void spapr_outside(struct vfio_path_run *p, const struct vfio_spapr_info *si, uint64_t iova)
{
	struct vfio_step *s = &p->steps[p->nsteps - 1];

	free(s->result);
	s->result = xasprintf("ENXIO: IOVA 0x%llx is outside the DMA window 0x%llx-0x%llx",
			      (unsigned long long)iova, (unsigned long long)si->dma32_start,
			      (unsigned long long)(si->dma32_start + si->dma32_size - 1));
	free(p->why);
	p->why = xasprintf("%s failed: %s", s->what, s->result);
}

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

/*
 * Register the test buffer, map and unmap it in the 32-bit window, create
 * and remove a DDW, unregister. The device is open; cfd has the v2 model.
 */
static void spapr_steps(const struct vfio_probe_req *req, struct vfio_probe_result *res, int cfd)
{
	struct vfio_path_run *p = &res->legacy;
	const struct vfio_spapr_info *si = &res->spapr_info;
	bool mapped = false;
	void *buf = NULL;
	uint64_t unmapped = 0;
	int rc;

	rc = vfio_buffer_alloc(res->size, &buf);
	if (step(p, VOP_BUFFER, rc, xasprintf("allocate a %llu-byte test buffer",
					      (unsigned long long)res->size), xstrdup("ok")))
		return;
	rc = vfio_spapr_register(cfd, buf, res->size);
	if (step(p, VOP_SPAPR_REGISTER, rc, xasprintf("pre-register the %llu-byte test buffer",
						      (unsigned long long)res->size), xstrdup("registered")))
		goto out;
	res->registered = true;
	if (choose_iova(req, res, res->alignment)) {
		step(p, VOP_DMA_MAP, -ENOSPC, xasprintf("choose an IOVA in the 32-bit window for %llu bytes",
							(unsigned long long)res->size), NULL);
		goto out;
	}
	rc = vfio_dma_map(cfd, buf, res->iova, res->size, true);
	if (step(p, VOP_DMA_MAP, rc, xasprintf("map the buffer at IOVA 0x%llx",
					       (unsigned long long)res->iova), xstrdup("mapped"))) {
		if (rc == -ENXIO) {
			spapr_outside(p, si, res->iova);
		} else if (vfio_spapr_map_explain(rc)) {
			struct vfio_step *st = &p->steps[p->nsteps - 1];

			free(st->result);
			st->result = xasprintf("%s: %s", vfio_errno_name(rc), vfio_spapr_map_explain(rc));
			free(p->why);
			p->why = xasprintf("%s failed: %s", st->what, st->result);
		}
		goto out;
	}
	mapped = res->mapped = true;
	if (req->while_mapped) {
		rc = req->while_mapped(req->arg, res);
		if (rc)
			p->err = p->err ? p->err : rc;
	}
	rc = vfio_dma_unmap(cfd, res->iova, res->size, &unmapped);
	if (!step(p, VOP_DMA_UNMAP, rc, xasprintf("unmap IOVA 0x%llx", (unsigned long long)res->iova),
		  xasprintf("%llu bytes unmapped", (unsigned long long)unmapped))) {
		mapped = false;
		res->unmapped = true;
	}
	if (p->err)
		goto out;

	res->ddw_page_shift = req->ddw_page_shift ? req->ddw_page_shift : ddw_default_shift(si->ddw_pgsizes);
	res->ddw_levels = req->ddw_levels ? req->ddw_levels : PROBE_DDW_LEVELS;
	res->ddw_size = req->ddw_size ? req->ddw_size : PROBE_DDW_SIZE;
	if (!si->ddw) {
		step(p, VOP_SPAPR_CREATE, 0, xstrdup("create a dynamic DMA window"),
		     xstrdup("skipped: the container offers no dynamic DMA windows"));
		goto out;
	}
	rc = vfio_spapr_window_create(cfd, res->ddw_page_shift, res->ddw_size, res->ddw_levels,
				      &res->ddw_start);
	if (step(p, VOP_SPAPR_CREATE, rc, xasprintf("create a DDW: page shift %u, %llu bytes, %u level%s",
						    res->ddw_page_shift, (unsigned long long)res->ddw_size,
						    res->ddw_levels, res->ddw_levels == 1 ? "" : "s"),
		 xasprintf("window at bus address 0x%llx", (unsigned long long)res->ddw_start)))
		goto out;
	res->ddw_created = true;
	rc = vfio_spapr_window_remove(cfd, res->ddw_start);
	if (!step(p, VOP_SPAPR_REMOVE, rc, xasprintf("remove the DDW at 0x%llx",
						     (unsigned long long)res->ddw_start), xstrdup("removed")))
		res->ddw_removed = true;
out:
	if (mapped)
		vfio_dma_unmap(cfd, res->iova, res->size, NULL);
	if (res->ddw_created && !res->ddw_removed)
		vfio_spapr_window_remove(cfd, res->ddw_start);
	if (res->registered) {
		rc = vfio_spapr_unregister(cfd, buf, res->size);
		step(p, VOP_SPAPR_UNREGISTER, rc, xstrdup("unregister the test buffer"), xstrdup("ok"));
	}
	vfio_buffer_free(buf, res->size);
}

/* ---- legacy group + container ---- */

static int path_legacy(const struct vfio_probe_req *req, struct vfio_probe_result *res)
{
	struct vfio_path_run *p = &res->legacy;
	struct vfio_type1_info ti = { 0 };
	int cfd = -1, gfd = -1, dfd = -1, api = 0, rc;
	bool in_container = false, mapped = false;
	unsigned long type;
	uint32_t gflags = 0, dflags = 0, nreg = 0, nirq = 0;
	void *buf = NULL;
	uint64_t unmapped = 0, align;

	p->attempted = true;
	rc = vfio_container_open(&cfd, &api);
	if (step(p, VOP_OPEN_CONTAINER, rc, xstrdup("open " VFIO_PATH_CONTAINER),
		 xasprintf("API version %d", api)))
		goto out;
	if (req->noiommu_group)
		type = VFIO_NOIOMMU_IOMMU;
	else if (vfio_check_extension(cfd, VFIO_TYPE1v2_IOMMU) > 0)
		type = VFIO_TYPE1v2_IOMMU;
	else if (vfio_check_extension(cfd, VFIO_TYPE1_IOMMU) > 0)
		type = VFIO_TYPE1_IOMMU;
	else if (vfio_check_extension(cfd, VFIO_SPAPR_TCE_v2_IOMMU) > 0)
		type = VFIO_SPAPR_TCE_v2_IOMMU;
	else {
		step(p, VOP_CHECK_EXT, -ENODEV, xstrdup(vfio_check_extension(cfd, VFIO_SPAPR_TCE_IOMMU) > 0 ?
			"find a type1 or SPAPR TCE v2 IOMMU model (only SPAPR TCE v1 is offered)" :
			"find a type1 or SPAPR TCE v2 IOMMU model"), NULL);
		goto out;
	}
	res->spapr = type == VFIO_SPAPR_TCE_v2_IOMMU;
	res->container_type = vfio_iommu_type_name(type);
	step(p, VOP_CHECK_EXT, 0, xstrdup("choose the IOMMU model"), xstrdup(res->container_type));
	if (req->group < 0) {
		step(p, VOP_OPEN_GROUP, -ENOENT, xasprintf("find the IOMMU group of %s", req->device), NULL);
		goto out;
	}
	rc = vfio_group_open((unsigned)req->group, req->noiommu_group, &gfd);
	if (step(p, VOP_OPEN_GROUP, rc, xasprintf(req->noiommu_group ? "open " VFIO_PATH_NOIOMMU_GROUP_FMT :
						  "open " VFIO_PATH_GROUP_FMT, req->group), xstrdup("ok")))
		goto out;
	rc = vfio_group_status(gfd, &gflags);
	if (!rc && !(gflags & VFIO_GROUP_FLAGS_VIABLE))
		rc = -EBUSY;
	if (step(p, VOP_GROUP_STATUS, rc, xstrdup("check the group is viable"), xstrdup("viable")))
		goto out;
	rc = vfio_group_set_container(gfd, cfd);
	if (step(p, VOP_SET_CONTAINER, rc, xstrdup("add the group to the container"), xstrdup("ok")))
		goto out;
	in_container = true;
	rc = vfio_set_iommu(cfd, type);
	if (step(p, VOP_SET_IOMMU, rc, xasprintf("set the IOMMU model %s", res->container_type),
		 xstrdup("ok")))
		goto out;
	if (res->spapr) {
		struct vfio_spapr_info *si = &res->spapr_info;

		rc = vfio_spapr_info_get(cfd, si);
		if (step(p, VOP_SPAPR_INFO, rc, xstrdup("read the DMA windows (32-bit window, DDW)"), NULL))
			goto out;
		p->steps[p->nsteps - 1].result = spapr_info_text(si);
		res->ranges = xcalloc(1, sizeof(*res->ranges));
		if (si->dma32_size) {
			res->ranges[0].start = si->dma32_start;
			res->ranges[0].last = si->dma32_start + si->dma32_size - 1;
			res->nranges = 1;
		}
		res->alignment = 4096;
		res->pgsizes = si->ddw_pgsizes;
	} else if (type != VFIO_NOIOMMU_IOMMU) {
		rc = vfio_type1_info_get(cfd, &ti);
		if (step(p, VOP_IOMMU_INFO, rc, xstrdup("read the IOMMU info (page sizes, IOVA ranges)"), NULL))
			goto out;
		res->pgsizes = ti.pgsizes;
		res->ranges = ti.ranges;
		res->nranges = ti.nranges;
		ti.ranges = NULL;
		res->alignment = ti.pgsizes ? ti.pgsizes & -ti.pgsizes : 4096;
		{
			char *rt = ti.have_ranges ? ranges_text(res->ranges, res->nranges) :
				   xstrdup("no IOVA range capability (kernel before v5.4)");

			p->steps[p->nsteps - 1].result =
				xasprintf("page sizes 0x%llx; IOVA ranges %s", (unsigned long long)ti.pgsizes, rt);
			if (ti.have_dma_avail) {
				char *t = p->steps[p->nsteps - 1].result;

				p->steps[p->nsteps - 1].result = xasprintf("%s; %u more mappings allowed", t,
									   ti.dma_avail);
				free(t);
			}
			free(rt);
		}
	}
	rc = vfio_group_device_fd(gfd, req->device, &dfd);
	if (step(p, VOP_GET_DEVICE_FD, rc, xasprintf("open the device %s", req->device), xstrdup("ok")))
		goto out;
	rc = vfio_device_info_get(dfd, &dflags, &nreg, &nirq);
	if (step(p, VOP_DEVICE_INFO, rc, xstrdup("read the device info"),
		 xasprintf("%s%s, %u regions, %u IRQ types", dflags & VFIO_DEVICE_FLAGS_PCI ? "PCI" : "non-PCI",
			   dflags & VFIO_DEVICE_FLAGS_RESET ? ", resettable" : "", nreg, nirq)))
		goto out;
	if (type == VFIO_NOIOMMU_IOMMU)
		goto out;       /* no IOMMU: nothing to map */
	if (res->spapr) {
		spapr_steps(req, res, cfd);
		goto out;
	}
	rc = vfio_buffer_alloc(res->size, &buf);
	if (step(p, VOP_BUFFER, rc, xasprintf("allocate a %llu-byte test buffer",
					      (unsigned long long)res->size), xstrdup("ok")))
		goto out;
	align = res->alignment;
	if (choose_iova(req, res, align)) {
		step(p, VOP_DMA_MAP, -ENOSPC, xstrdup("choose an IOVA for the test buffer"), NULL);
		goto out;
	}
	rc = vfio_dma_map(cfd, buf, res->iova, res->size, true);
	if (step(p, VOP_DMA_MAP, rc, xasprintf("map the buffer at IOVA 0x%llx",
					       (unsigned long long)res->iova), xstrdup("mapped")))
		goto out;
	mapped = res->mapped = true;
	if (req->while_mapped) {
		rc = req->while_mapped(req->arg, res);
		if (rc)
			p->err = p->err ? p->err : rc;
	}
	if (req->msi_check) {
		res->msi_tested = true;
		rc = vfio_dma_map(cfd, buf, req->msi_start, 4096, true);
		res->msi_err = rc;
		if (rc) {
			step_expected(p, VOP_DMA_MAP, rc, xasprintf("map a page in the MSI window at 0x%llx",
								   (unsigned long long)req->msi_start));
		} else {
			vfio_dma_unmap(cfd, req->msi_start, 4096, NULL);
			step(p, VOP_DMA_MAP, -EEXIST, xasprintf("map a page in the MSI window at 0x%llx",
								(unsigned long long)req->msi_start), NULL);
			free(p->steps[p->nsteps - 1].result);
			p->steps[p->nsteps - 1].result =
				xstrdup("the kernel ACCEPTED a map inside the MSI window: it does not reserve it");
			free(p->why);
			p->why = xstrdup("a map inside the MSI window was accepted");
		}
	}
	rc = vfio_dma_unmap(cfd, res->iova, res->size, &unmapped);
	if (!step(p, VOP_DMA_UNMAP, rc, xasprintf("unmap IOVA 0x%llx", (unsigned long long)res->iova),
		  xasprintf("%llu bytes unmapped", (unsigned long long)unmapped))) {
		mapped = false;
		res->unmapped = true;
	}
out:
	if (mapped)
		vfio_dma_unmap(cfd, res->iova, res->size, NULL);
	if (dfd >= 0)
		close(dfd);
	if (in_container)
		vfio_group_unset_container(gfd);
	if (gfd >= 0)
		close(gfd);
	if (cfd >= 0)
		close(cfd);
	vfio_type1_info_release(&ti);
	vfio_buffer_free(buf, res->size);
	p->ok = !p->err;
	return p->err;
}

int vfio_probe_run(const struct vfio_probe_req *req, struct vfio_probe_result *res)
{
	bool attached = false;
	int rc = -ENODEV;

	memset(res, 0, sizeof(*res));
	res->size = req->size ? req->size : 0x10000;
	if (req->path != VFIO_PATH_LEGACY) {
		rc = path_iommufd(req, res, &attached);
		if (!rc) {
			res->used = VFIO_PATH_IOMMUFD_CDEV;
			return 0;
		}
		/* past the attach the failure is real: falling back would hide it */
		if (attached || req->path == VFIO_PATH_IOMMUFD_CDEV)
			return rc;
		free(res->ranges);
		res->ranges = NULL;
		res->nranges = 0;
		memset(&res->hw, 0, sizeof(res->hw));
		res->have_hw_info = false;
		res->dev_id = res->ioas_id = res->hwpt_id = 0;
	}
	rc = path_legacy(req, res);
	if (!rc)
		res->used = VFIO_PATH_LEGACY;
	return rc;
}

static void path_release(struct vfio_path_run *p)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		free(p->steps[i].what);
		free(p->steps[i].result);
	}
	free(p->steps);
	free(p->why);
	memset(p, 0, sizeof(*p));
}

void vfio_probe_result_release(struct vfio_probe_result *res)
{
	path_release(&res->iommufd);
	path_release(&res->legacy);
	free(res->ranges);
	memset(res, 0, sizeof(*res));
}
