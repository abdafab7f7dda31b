// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio probe: the passthrough path end to end for one device already bound
 * to a VFIO driver. iommufd + device cdev first; when that path fails before
 * the device is attached, the legacy group + type1 container second. Every
 * step is recorded as data (which step, the call, its errno, the values it
 * involved), so the caller can say what was done and why each path failed.
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

/*
 * Record a step. A failure (neither expected nor optional) is the path's
 * first unless one came before; the return is the error that stops it.
 */
static int step(struct vfio_path_run *p, struct vfio_step s)
{
	bool counts = s.err && !s.expected && !s.optional;

	p->steps = xrealloc(p->steps, (p->nsteps + 1) * sizeof(*p->steps));
	p->steps[p->nsteps] = s;
	if (counts && !p->err) {
		p->err = s.err;
		p->failed_op = s.op;
		p->failed_step = (int)p->nsteps;
	}
	p->nsteps++;
	return counts ? s.err : 0;
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

/* What an answer says of a feature: it worked; the kernel or this IOMMU lacks it; unclear. */
static enum vfio_avail avail_of(int rc)
{
	if (!rc)
		return VFIO_AVAIL_YES;
	if (rc == -ENOTTY || rc == -E2BIG || rc == -EOPNOTSUPP)
		return VFIO_AVAIL_NO;
	return VFIO_AVAIL_UNKNOWN;
}

static void feat(struct vfio_probe_result *res, const char *key, enum vfio_avail avail, enum vfio_op op,
		 int err, const uint64_t v[3])
{
	struct vfio_feature *f = vfio_status_add(&res->feats, key, avail, op, err);

	if (v)
		memcpy(f->val, v, sizeof(f->val));
}

/* A step of the newer iommufd: recorded (optional unless counted) and kept as a feature. */
static int newer(struct vfio_path_run *p, struct vfio_probe_result *res, const char *key,
		 struct vfio_step s, bool counted)
{
	s.optional = !counted;
	feat(res, key, avail_of(s.err), s.op, s.err, s.v);
	return step(p, s);
}

/* The objects the newer steps made, undone in reverse. */
struct newer_objs {
	uint32_t hwpt_pasid, nest_parent, viommu, vdevice, veventq;
	int veventq_fd;
	bool rid_on_pasid_hwpt, pasid_attached;
};

/*
 * What the attached device's IOMMU offers of the newer iommufd: a memfd
 * page through IOMMU_IOAS_MAP_FILE, a PASID-compatible HWPT, a nest-parent
 * HWPT, a vIOMMU on it (or, without one, on none: a driver without vIOMMUs
 * says EOPNOTSUPP before it looks at the HWPT), a vDEVICE and an event
 * queue on that vIOMMU; with req->pasid, the device moved onto the PASID
 * HWPT and that PASID attached to it. Returns the error of a counted step.
 */
static int newer_steps(const struct vfio_probe_req *req, struct vfio_probe_result *res, int ifd, int dfd,
		       uint32_t ioas, uint32_t dev_id, struct newer_objs *n)
{
	struct vfio_path_run *p = &res->iommufd;
	uint64_t iova = 0;
	uint32_t type, pt;
	void *va = NULL;
	int mfd = -1, rc;

	rc = vfio_memfd_alloc(4096, 0x3c, &mfd, &va);
	if (!rc) {
		rc = vfio_ioas_map_file(ifd, ioas, mfd, 0, 4096, false, true, &iova);
		if (!rc)
			vfio_ioas_unmap(ifd, ioas, iova, 4096, NULL);
		newer(p, res, "ioas_map_file", (struct vfio_step){ .kind = VSTEP_MAP_FILE,
				.op = VOP_IOAS_MAP_FILE, .err = rc, .v = { iova } }, false);
		vfio_buffer_free(va, 4096);
		close(mfd);
	} else {
		newer(p, res, "ioas_map_file", (struct vfio_step){ .kind = VSTEP_MAP_FILE, .op = VOP_MEMFD,
				.err = rc }, false);
	}

	rc = vfio_hwpt_alloc(ifd, dev_id, ioas, IOMMU_HWPT_ALLOC_PASID, &n->hwpt_pasid);
	if (rc)
		n->hwpt_pasid = 0;
	newer(p, res, "hwpt_pasid", (struct vfio_step){ .kind = VSTEP_HWPT_PASID, .op = VOP_HWPT_ALLOC_PASID,
			.err = rc, .v = { n->hwpt_pasid } }, false);

	rc = vfio_hwpt_alloc(ifd, dev_id, ioas, IOMMU_HWPT_ALLOC_NEST_PARENT, &n->nest_parent);
	if (rc)
		n->nest_parent = 0;
	newer(p, res, "hwpt_nest_parent", (struct vfio_step){ .kind = VSTEP_NEST_PARENT,
			.op = VOP_HWPT_NEST_PARENT, .err = rc, .v = { n->nest_parent } }, false);

	type = vfio_viommu_type_for(res->have_hw_info ? res->hw.data_type : 0);
	rc = vfio_viommu_alloc(ifd, type, dev_id, n->nest_parent, &n->viommu);
	if (rc)
		n->viommu = 0;
	newer(p, res, "viommu", (struct vfio_step){ .kind = VSTEP_VIOMMU, .op = VOP_VIOMMU_ALLOC, .err = rc,
			.v = { n->viommu, type, n->nest_parent } }, false);
	if (n->viommu) {
		/* the device's virtual ID on the vIOMMU: its own requester ID will do */
		rc = vfio_vdevice_alloc(ifd, n->viommu, dev_id, 1, &n->vdevice);
		if (rc)
			n->vdevice = 0;
		newer(p, res, "vdevice", (struct vfio_step){ .kind = VSTEP_VDEVICE, .op = VOP_VDEVICE_ALLOC,
				.err = rc, .v = { n->vdevice, 1 } }, false);
		rc = vfio_veventq_alloc(ifd, n->viommu, type, 64, &n->veventq, &n->veventq_fd);
		if (rc) {
			n->veventq = 0;
			n->veventq_fd = -1;
		}
		newer(p, res, "veventq", (struct vfio_step){ .kind = VSTEP_VEVENTQ, .op = VOP_VEVENTQ_ALLOC,
				.err = rc, .v = { n->veventq, type } }, false);
	}

	if (!req->pasid)
		return 0;
	/* a PASID needs a PASID-compatible HWPT, and so does the device's own attachment */
	pt = n->hwpt_pasid ? n->hwpt_pasid : ioas;
	if (n->hwpt_pasid) {
		rc = vfio_device_attach(dfd, n->hwpt_pasid, -1, NULL);
		if (step(p, (struct vfio_step){ .kind = VSTEP_REATTACH_PASID_HWPT, .op = VOP_ATTACH, .err = rc,
						.v = { n->hwpt_pasid } }))
			return rc;
		n->rid_on_pasid_hwpt = true;
	}
	iova = 0;
	{
		uint32_t out = 0;

		rc = vfio_device_attach(dfd, pt, req->pasid, &out);
		if (rc) {
			newer(p, res, "pasid_attach", (struct vfio_step){ .kind = VSTEP_PASID_ATTACH,
					.op = VOP_ATTACH_PASID, .err = rc, .v = { (uint64_t)req->pasid, pt } }, true);
			return rc;
		}
		n->pasid_attached = true;
		newer(p, res, "pasid_attach", (struct vfio_step){ .kind = VSTEP_PASID_ATTACH,
				.op = VOP_ATTACH_PASID, .v = { (uint64_t)req->pasid, pt, out } }, true);
	}
	return 0;
}

/* Detach the PASID (a counted step), then put the device back on the IOAS's own domain. */
static int newer_pasid_detach(const struct vfio_probe_req *req, struct vfio_probe_result *res, int dfd,
			      struct newer_objs *n)
{
	int rc;

	if (!n->pasid_attached)
		return 0;
	rc = vfio_device_detach(dfd, req->pasid);
	if (!step(&res->iommufd, (struct vfio_step){ .kind = VSTEP_PASID_DETACH, .op = VOP_DETACH_PASID,
						     .err = rc, .v = { (uint64_t)req->pasid } }))
		n->pasid_attached = false;
	return rc;
}

static void newer_release(struct vfio_probe_result *res, int ifd, int dfd, uint32_t pasid,
			  struct newer_objs *n)
{
	if (n->pasid_attached)
		vfio_device_detach(dfd, pasid);
	if (n->veventq_fd >= 0)
		close(n->veventq_fd);
	if (n->veventq)
		vfio_destroy(ifd, n->veventq);
	if (n->vdevice)
		vfio_destroy(ifd, n->vdevice);
	if (n->viommu)
		vfio_destroy(ifd, n->viommu);
	/* a HWPT the device is attached to cannot go: the caller detached it, or closes all */
	if (n->nest_parent)
		vfio_destroy(ifd, n->nest_parent);
	if (n->hwpt_pasid)
		vfio_destroy(ifd, n->hwpt_pasid);
	(void)res;
}

static int path_iommufd(const struct vfio_probe_req *req, struct vfio_probe_result *res,
			bool *attached)
{
	struct vfio_path_run *p = &res->iommufd;
	struct newer_objs n = { .veventq_fd = -1 };
	int ifd = -1, dfd = -1, rc;
	uint32_t dev_id = 0, ioas = 0, hwpt = 0;
	bool have_ioas = false, mapped = false, detached = false;
	void *buf = NULL;
	uint64_t unmapped = 0;

	p->attempted = true;
	*attached = false;
	rc = vfio_iommufd_open(&ifd);
	if (step(p, (struct vfio_step){ .kind = VSTEP_OPEN_IOMMUFD, .op = VOP_OPEN_IOMMUFD, .err = rc }))
		goto out;
	if (!req->cdev) {
		step(p, (struct vfio_step){ .kind = VSTEP_FIND_CDEV, .op = VOP_OPEN_CDEV, .err = -ENOENT,
					    .name = req->device });
		goto out;
	}
	rc = vfio_cdev_open(req->cdev, &dfd);
	if (step(p, (struct vfio_step){ .kind = VSTEP_OPEN_CDEV, .op = VOP_OPEN_CDEV, .err = rc,
					.name = req->cdev }))
		goto out;
	rc = vfio_device_bind(dfd, ifd, &dev_id);
	if (step(p, (struct vfio_step){ .kind = VSTEP_BIND, .op = VOP_BIND, .err = rc, .v = { dev_id } }))
		goto out;
	res->dev_id = dev_id;
	rc = vfio_ioas_alloc(ifd, &ioas);
	if (step(p, (struct vfio_step){ .kind = VSTEP_IOAS_ALLOC, .op = VOP_IOAS_ALLOC, .err = rc,
					.v = { ioas } }))
		goto out;
	have_ioas = true;
	res->ioas_id = ioas;
	rc = vfio_device_attach(dfd, ioas, -1, &hwpt);
	if (step(p, (struct vfio_step){ .kind = VSTEP_ATTACH, .op = VOP_ATTACH, .err = rc,
					.v = { ioas, hwpt } }))
		goto out;
	*attached = true;
	res->hwpt_id = hwpt;

	rc = vfio_ioas_ranges(ifd, ioas, &res->ranges, &res->nranges, &res->alignment);
	if (step(p, (struct vfio_step){ .kind = VSTEP_IOVA_RANGES, .op = VOP_IOVA_RANGES, .err = rc }))
		goto out;
	/* informative only: the path does not depend on it */
	rc = vfio_hw_info_get(ifd, dev_id, &res->hw);
	res->have_hw_info = !rc;
	step(p, (struct vfio_step){ .kind = VSTEP_HW_INFO, .op = VOP_HW_INFO, .err = rc, .optional = true });
	if (newer_steps(req, res, ifd, dfd, ioas, dev_id, &n))
		goto out;

	rc = vfio_buffer_alloc(res->size, &buf);
	if (step(p, (struct vfio_step){ .kind = VSTEP_BUFFER, .op = VOP_BUFFER, .err = rc,
					.v = { res->size } }))
		goto out;
	rc = choose_iova(req, res, res->alignment);
	if (rc) {
		step(p, (struct vfio_step){ .kind = VSTEP_CHOOSE_IOVA, .op = VOP_IOAS_MAP, .err = -ENOSPC,
					    .v = { res->size } });
		goto out;
	}
	rc = vfio_ioas_map(ifd, ioas, buf, res->size, true, true, &res->iova);
	if (step(p, (struct vfio_step){ .kind = VSTEP_MAP, .op = VOP_IOAS_MAP, .err = rc,
					.v = { res->iova } }))
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
		if (!rc)
			vfio_ioas_unmap(ifd, ioas, msi, 4096, NULL);
		/* refused is the point; accepted is the failure: the window is not reserved */
		step(p, (struct vfio_step){ .kind = VSTEP_MAP_MSI, .op = VOP_IOAS_MAP, .err = rc ? rc : -EEXIST,
					    .expected = rc != 0, .v = { req->msi_start } });
	}
	rc = vfio_ioas_unmap(ifd, ioas, res->iova, res->size, &unmapped);
	if (!step(p, (struct vfio_step){ .kind = VSTEP_UNMAP, .op = VOP_IOAS_UNMAP, .err = rc,
					 .v = { res->iova, unmapped } })) {
		mapped = false;
		res->unmapped = true;
	}
	newer_pasid_detach(req, res, dfd, &n);
	rc = vfio_device_detach(dfd, -1);
	detached = !step(p, (struct vfio_step){ .kind = VSTEP_DETACH, .op = VOP_DETACH, .err = rc });
out:
	if (mapped)
		vfio_ioas_unmap(ifd, ioas, res->iova, res->size, NULL);
	if (!detached && *attached && dfd >= 0) {
		if (n.pasid_attached)
			vfio_device_detach(dfd, req->pasid);
		n.pasid_attached = false;
		vfio_device_detach(dfd, -1);
	}
	newer_release(res, ifd, dfd, req->pasid, &n);
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
	if (step(p, (struct vfio_step){ .kind = VSTEP_BUFFER, .op = VOP_BUFFER, .err = rc,
					.v = { res->size } }))
		return;
	rc = vfio_spapr_register(cfd, buf, res->size);
	if (step(p, (struct vfio_step){ .kind = VSTEP_SPAPR_REGISTER, .op = VOP_SPAPR_REGISTER, .err = rc,
					.v = { res->size } }))
		goto out;
	res->registered = true;
	if (choose_iova(req, res, res->alignment)) {
		step(p, (struct vfio_step){ .kind = VSTEP_CHOOSE_IOVA, .op = VOP_DMA_MAP, .err = -ENOSPC,
					    .v = { res->size, 1 } });
		goto out;
	}
	rc = vfio_dma_map(cfd, buf, res->iova, res->size, true);
	if (step(p, (struct vfio_step){ .kind = VSTEP_MAP, .op = VOP_DMA_MAP, .err = rc,
					.v = { res->iova } }))
		goto out;
	mapped = res->mapped = true;
	if (req->while_mapped) {
		rc = req->while_mapped(req->arg, res);
		if (rc)
			p->err = p->err ? p->err : rc;
	}
	rc = vfio_dma_unmap(cfd, res->iova, res->size, &unmapped);
	if (!step(p, (struct vfio_step){ .kind = VSTEP_UNMAP, .op = VOP_DMA_UNMAP, .err = rc,
					 .v = { res->iova, unmapped } })) {
		mapped = false;
		res->unmapped = true;
	}
	if (p->err)
		goto out;

	res->ddw_page_shift = req->ddw_page_shift ? req->ddw_page_shift : ddw_default_shift(si->ddw_pgsizes);
	res->ddw_levels = req->ddw_levels ? req->ddw_levels : PROBE_DDW_LEVELS;
	res->ddw_size = req->ddw_size ? req->ddw_size : PROBE_DDW_SIZE;
	if (!si->ddw) {
		step(p, (struct vfio_step){ .kind = VSTEP_DDW_NONE, .op = VOP_SPAPR_CREATE });
		goto out;
	}
	rc = vfio_spapr_window_create(cfd, res->ddw_page_shift, res->ddw_size, res->ddw_levels,
				      &res->ddw_start);
	if (step(p, (struct vfio_step){ .kind = VSTEP_DDW_CREATE, .op = VOP_SPAPR_CREATE, .err = rc,
					.v = { res->ddw_page_shift, res->ddw_size, res->ddw_levels } }))
		goto out;
	res->ddw_created = true;
	rc = vfio_spapr_window_remove(cfd, res->ddw_start);
	if (!step(p, (struct vfio_step){ .kind = VSTEP_DDW_REMOVE, .op = VOP_SPAPR_REMOVE, .err = rc,
					 .v = { res->ddw_start } }))
		res->ddw_removed = true;
out:
	if (mapped)
		vfio_dma_unmap(cfd, res->iova, res->size, NULL);
	if (res->ddw_created && !res->ddw_removed)
		vfio_spapr_window_remove(cfd, res->ddw_start);
	if (res->registered) {
		rc = vfio_spapr_unregister(cfd, buf, res->size);
		step(p, (struct vfio_step){ .kind = VSTEP_SPAPR_UNREGISTER, .op = VOP_SPAPR_UNREGISTER,
					    .err = rc });
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
	if (step(p, (struct vfio_step){ .kind = VSTEP_OPEN_CONTAINER, .op = VOP_OPEN_CONTAINER, .err = rc,
					.v = { (uint64_t)api } }))
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
		step(p, (struct vfio_step){ .kind = VSTEP_FIND_MODEL, .op = VOP_CHECK_EXT, .err = -ENODEV,
					    .v = { vfio_check_extension(cfd, VFIO_SPAPR_TCE_IOMMU) > 0 } });
		goto out;
	}
	res->spapr = type == VFIO_SPAPR_TCE_v2_IOMMU;
	res->container_type = vfio_iommu_type_name(type);
	step(p, (struct vfio_step){ .kind = VSTEP_CHOOSE_MODEL, .op = VOP_CHECK_EXT,
				    .name = res->container_type });
	if (req->group < 0) {
		step(p, (struct vfio_step){ .kind = VSTEP_FIND_GROUP, .op = VOP_OPEN_GROUP, .err = -ENOENT,
					    .name = req->device });
		goto out;
	}
	rc = vfio_group_open((unsigned)req->group, req->noiommu_group, &gfd);
	if (step(p, (struct vfio_step){ .kind = VSTEP_OPEN_GROUP, .op = VOP_OPEN_GROUP, .err = rc,
					.v = { (uint64_t)req->group, req->noiommu_group } }))
		goto out;
	rc = vfio_group_status(gfd, &gflags);
	if (!rc && !(gflags & VFIO_GROUP_FLAGS_VIABLE))
		rc = -EBUSY;
	if (step(p, (struct vfio_step){ .kind = VSTEP_GROUP_VIABLE, .op = VOP_GROUP_STATUS, .err = rc }))
		goto out;
	rc = vfio_group_set_container(gfd, cfd);
	if (step(p, (struct vfio_step){ .kind = VSTEP_SET_CONTAINER, .op = VOP_SET_CONTAINER, .err = rc }))
		goto out;
	in_container = true;
	rc = vfio_set_iommu(cfd, type);
	if (step(p, (struct vfio_step){ .kind = VSTEP_SET_IOMMU, .op = VOP_SET_IOMMU, .err = rc,
					.name = res->container_type }))
		goto out;
	/*
	 * The device before the container's ranges: iommufd's emulation of the
	 * container attaches a group's device to its IOAS only when the device
	 * is opened, and until then reports the whole 64-bit space (type1
	 * itself attached the group at VFIO_SET_IOMMU: either order holds).
	 */
	rc = vfio_group_device_fd(gfd, req->device, &dfd);
	if (step(p, (struct vfio_step){ .kind = VSTEP_OPEN_DEVICE, .op = VOP_GET_DEVICE_FD, .err = rc,
					.name = req->device }))
		goto out;
	rc = vfio_device_info_get(dfd, &dflags, &nreg, &nirq);
	if (step(p, (struct vfio_step){ .kind = VSTEP_DEVICE_INFO, .op = VOP_DEVICE_INFO, .err = rc,
					.v = { dflags, nreg, nirq } }))
		goto out;
	if (res->spapr) {
		struct vfio_spapr_info *si = &res->spapr_info;

		rc = vfio_spapr_info_get(cfd, si);
		if (step(p, (struct vfio_step){ .kind = VSTEP_SPAPR_INFO, .op = VOP_SPAPR_INFO, .err = rc }))
			goto out;
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
		if (step(p, (struct vfio_step){ .kind = VSTEP_IOMMU_INFO, .op = VOP_IOMMU_INFO, .err = rc }))
			goto out;
		res->pgsizes = ti.pgsizes;
		res->ranges = ti.ranges;
		res->nranges = ti.nranges;
		res->have_range_cap = ti.have_ranges;
		res->have_dma_avail = ti.have_dma_avail;
		res->dma_avail = ti.dma_avail;
		ti.ranges = NULL;
		res->alignment = ti.pgsizes ? ti.pgsizes & -ti.pgsizes : 4096;
	}
	if (type == VFIO_NOIOMMU_IOMMU)
		goto out;       /* no IOMMU: nothing to map */
	if (res->spapr) {
		spapr_steps(req, res, cfd);
		goto out;
	}
	rc = vfio_buffer_alloc(res->size, &buf);
	if (step(p, (struct vfio_step){ .kind = VSTEP_BUFFER, .op = VOP_BUFFER, .err = rc,
					.v = { res->size } }))
		goto out;
	align = res->alignment;
	if (choose_iova(req, res, align)) {
		step(p, (struct vfio_step){ .kind = VSTEP_CHOOSE_IOVA, .op = VOP_DMA_MAP, .err = -ENOSPC,
					    .v = { res->size } });
		goto out;
	}
	rc = vfio_dma_map(cfd, buf, res->iova, res->size, true);
	if (step(p, (struct vfio_step){ .kind = VSTEP_MAP, .op = VOP_DMA_MAP, .err = rc,
					.v = { res->iova } }))
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
		if (!rc)
			vfio_dma_unmap(cfd, req->msi_start, 4096, NULL);
		/* refused is the point; accepted is the failure: the window is not reserved */
		step(p, (struct vfio_step){ .kind = VSTEP_MAP_MSI, .op = VOP_DMA_MAP, .err = rc ? rc : -EEXIST,
					    .expected = rc != 0, .v = { req->msi_start } });
	}
	rc = vfio_dma_unmap(cfd, res->iova, res->size, &unmapped);
	if (!step(p, (struct vfio_step){ .kind = VSTEP_UNMAP, .op = VOP_DMA_UNMAP, .err = rc,
					 .v = { res->iova, unmapped } })) {
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
	res->iommufd.failed_step = res->legacy.failed_step = -1;
	res->size = req->size ? req->size : 0x10000;
	res->iommu_kind = req->iommu_kind;
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
		vfio_status_release(&res->feats);
		res->dev_id = res->ioas_id = res->hwpt_id = 0;
	}
	rc = path_legacy(req, res);
	if (!rc)
		res->used = VFIO_PATH_LEGACY;
	return rc;
}

void vfio_probe_result_release(struct vfio_probe_result *res)
{
	free(res->iommufd.steps);
	free(res->legacy.steps);
	vfio_status_release(&res->feats);
	free(res->ranges);
	memset(res, 0, sizeof(*res));
}
