// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio status: what the running kernel offers, found by trying it. Each
 * iommufd ioctl is called with arguments chosen so that the errno tells the
 * answer as iommufd defines it: ENOTTY (ioctl unknown), E2BIG (a field past
 * the end of the kernel's struct), EOPNOTSUPP (a value it does not support);
 * anything else (ENOENT for device ID 0) means the ioctl exists. Each row
 * records what answered and how (the call, its errno, the values it
 * returned); the command line words it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "core/util.h"

struct vfio_feature *vfio_status_add(struct vfio_status *st, const char *key, enum vfio_avail avail,
				     enum vfio_op op, int err)
{
	struct vfio_feature *f;

	st->features = xrealloc(st->features, (st->n + 1) * sizeof(*st->features));
	f = &st->features[st->n++];
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->avail = avail;
	f->basis = VFIO_BASIS_PROBED;
	f->op = op;
	f->err = err < 0 ? -err : err;
	return f;
}

/* Not tried: `needs` is absent (err: why that one is). */
static void add_needs(struct vfio_status *st, const char *key, const char *needs, int err)
{
	struct vfio_feature *f = vfio_status_add(st, key, VFIO_AVAIL_NO, VOP_NONE, err);

	f->basis = VFIO_BASIS_NEEDS;
	f->needs = needs;
}

/* Not tried: only a bound device can tell. */
static void add_needs_device(struct vfio_status *st, const char *key)
{
	vfio_status_add(st, key, VFIO_AVAIL_UNKNOWN, VOP_NONE, 0)->basis = VFIO_BASIS_NEEDS_DEVICE;
}

void vfio_status_release(struct vfio_status *st)
{
	free(st->features);
	memset(st, 0, sizeof(*st));
}

/* Call an ioctl with a zeroed struct of `size` bytes (size in its first u32). */
static int probe_ioctl(int fd, unsigned long req, void *buf, uint32_t size)
{
	memcpy(buf, &size, sizeof(size));
	return ioctl(fd, req, buf) < 0 ? -errno : 0;
}

struct ioctl_probe {
	const char *key;
	unsigned long req;
	uint32_t size;
};

/* ioctls whose presence is all we can learn without a bound device. */
static const struct ioctl_probe presence_probes[] = {
	{ "hw_info", IOMMU_GET_HW_INFO, sizeof(struct iommu_hw_info) },
	{ "viommu", IOMMU_VIOMMU_ALLOC, sizeof(struct iommu_viommu_alloc) },
	{ "vdevice", IOMMU_VDEVICE_ALLOC, sizeof(struct iommu_vdevice_alloc) },
	{ "veventq", IOMMU_VEVENTQ_ALLOC, sizeof(struct iommu_veventq_alloc) },
	{ "hw_queue", IOMMU_HW_QUEUE_ALLOC, 48 },
};

static void probe_container(struct vfio_status *st)
{
	static const struct {
		const char *key;
		unsigned long ext;
	} exts[] = {
		{ "container_type1", VFIO_TYPE1_IOMMU },
		{ "container_type1v2", VFIO_TYPE1v2_IOMMU },
		{ "container_spapr_tce", VFIO_SPAPR_TCE_IOMMU },
		{ "container_spapr_tce_v2", VFIO_SPAPR_TCE_v2_IOMMU },
		{ "container_noiommu", VFIO_NOIOMMU_IOMMU },
		{ "container_unmap_all", VFIO_UNMAP_ALL },
		{ "container_update_vaddr", VFIO_UPDATE_VADDR },
		{ "container_dma_cc", VFIO_DMA_CC_IOMMU },
	};
	int fd = -1, api = 0;
	int rc = vfio_container_open(&fd, &api);

	if (rc) {
		vfio_status_add(st, "container", VFIO_AVAIL_NO, VOP_OPEN_CONTAINER, rc);
		for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
			add_needs(st, exts[i].key, "container", rc);
		return;
	}
	vfio_status_add(st, "container", VFIO_AVAIL_YES, VOP_OPEN_CONTAINER, 0)->val[0] = (uint64_t)api;
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		rc = vfio_check_extension(fd, exts[i].ext);
		if (rc > 0)
			vfio_status_add(st, exts[i].key, VFIO_AVAIL_YES, VOP_CHECK_EXT, 0);
		else if (rc == 0)
			vfio_status_add(st, exts[i].key, VFIO_AVAIL_NO, VOP_CHECK_EXT, 0)->basis = VFIO_BASIS_NOT_OFFERED;
		else
			vfio_status_add(st, exts[i].key, VFIO_AVAIL_UNKNOWN, VOP_CHECK_EXT, rc);
	}
	close(fd);
}

static void absent_iommufd(struct vfio_status *st, int err)
{
	static const char *const keys[] = {
		"ioas", "allow_iovas", "ioas_map_file", "hwpt_alloc", "hwpt_fault", "hwpt_pasid", "hwpt_nest_parent",
		"fault_queue", "hw_info", "viommu", "vdevice", "veventq", "hw_queue", "sw_msi_option",
		"pasid_attach", "rlimit_mode_option", "huge_pages_option",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		add_needs(st, keys[i], "iommufd", err);
}

static void probe_hwpt(struct vfio_status *st, int fd)
{
	struct iommu_hwpt_alloc h;
	int rc;

	/* dev_id 0 never exists: a kernel that knows the ioctl answers ENOENT. */
	memset(&h, 0, sizeof(h));
	rc = probe_ioctl(fd, IOMMU_HWPT_ALLOC, &h, IOMMU_HWPT_ALLOC_SIZE_V1);
	if (rc == -ENOTTY) {
		vfio_status_add(st, "hwpt_alloc", VFIO_AVAIL_NO, VOP_HWPT_ALLOC, rc);
		add_needs(st, "hwpt_fault", "hwpt_alloc", rc);
		add_needs(st, "hwpt_pasid", "hwpt_alloc", rc);
		add_needs(st, "hwpt_nest_parent", "hwpt_alloc", rc);
		return;
	}
	vfio_status_add(st, "hwpt_alloc", VFIO_AVAIL_YES, VOP_HWPT_ALLOC, rc);
	/* A non-zero fault_id past the v1 struct: E2BIG when the kernel's struct ends before it. */
	memset(&h, 0, sizeof(h));
	h.flags = IOMMU_HWPT_FAULT_ID_VALID;
	h.fault_id = 1;
	rc = probe_ioctl(fd, IOMMU_HWPT_ALLOC, &h, sizeof(h));
	vfio_status_add(st, "hwpt_fault", rc == -E2BIG ? VFIO_AVAIL_NO : VFIO_AVAIL_YES, VOP_HWPT_ALLOC, rc);
	add_needs_device(st, "hwpt_pasid");
	add_needs_device(st, "hwpt_nest_parent");
}

/*
 * IOMMU_IOAS_MAP_FILE (v6.13+) for real: a page of a memfd mapped into the
 * empty IOAS where the kernel chooses, and unmapped. val[0]: that IOVA,
 * val[1]: the bytes mapped. ENOTTY: not in this kernel; a failure of the
 * memfd itself leaves the answer unknown.
 */
static void probe_map_file(struct vfio_status *st, int fd, uint32_t ioas)
{
	struct vfio_feature *f;
	uint64_t iova = 0;
	void *va = NULL;
	int mfd = -1, rc = vfio_memfd_alloc(4096, 0x5a, &mfd, &va);

	if (rc) {
		vfio_status_add(st, "ioas_map_file", VFIO_AVAIL_UNKNOWN, VOP_MEMFD, rc);
		return;
	}
	rc = vfio_ioas_map_file(fd, ioas, mfd, 0, 4096, false, true, &iova);
	f = vfio_status_add(st, "ioas_map_file", rc == -ENOTTY ? VFIO_AVAIL_NO : rc ? VFIO_AVAIL_UNKNOWN : VFIO_AVAIL_YES,
		VOP_IOAS_MAP_FILE, rc);
	if (!rc) {
		f->val[0] = iova;
		f->val[1] = 4096;
		vfio_ioas_unmap(fd, ioas, iova, 4096, NULL);
	}
	vfio_buffer_free(va, 4096);
	close(mfd);
}

static void probe_ioas(struct vfio_status *st, int fd)
{
	struct vfio_feature *f;
	struct vfio_range *r = NULL;
	uint64_t align = 0, val = 0;
	uint32_t ioas = 0;
	size_t n = 0;
	int rc;

	rc = vfio_ioas_alloc(fd, &ioas);
	if (rc) {
		vfio_status_add(st, "ioas", VFIO_AVAIL_NO, VOP_IOAS_ALLOC, rc);
		return;
	}
	rc = vfio_ioas_ranges(fd, ioas, &r, &n, &align);
	f = vfio_status_add(st, "ioas", VFIO_AVAIL_YES, VOP_IOVA_RANGES, rc);
	if (!rc) {
		f->val[0] = n ? r[0].start : 0;
		f->val[1] = n ? r[n - 1].last : 0;
		f->val[2] = align;
	}
	free(r);
	rc = vfio_ioas_allow_iovas(fd, ioas, NULL, 0);
	vfio_status_add(st, "allow_iovas", rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_YES, VOP_ALLOW_IOVAS, rc);
	rc = vfio_option(fd, IOMMU_OPTION_HUGE_PAGES, false, ioas, &val);
	f = vfio_status_add(st, "huge_pages_option", rc ? VFIO_AVAIL_NO : VFIO_AVAIL_YES, VOP_OPTION, rc);
	f->val[0] = val;
	probe_map_file(st, fd, ioas);
	vfio_destroy(fd, ioas);
}

static void probe_fault_queue(struct vfio_status *st, int fd)
{
	struct iommu_fault_alloc fa;
	int rc;

	memset(&fa, 0, sizeof(fa));
	rc = probe_ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &fa, sizeof(fa));
	if (!rc) {
		close((int)fa.out_fault_fd);
		vfio_destroy(fd, fa.out_fault_id);
	}
	vfio_status_add(st, "fault_queue", !rc ? VFIO_AVAIL_YES : rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_UNKNOWN,
	    VOP_NONE, rc);
}

/*
 * IOMMU_OPTION_RLIMIT_MODE on an iommufd that holds no object: read it, and
 * set it to what it is, which tells whether this process may set it
 * (CAP_SYS_RESOURCE) without changing anything that outlives the probe.
 * val[0]: the mode, val[1]: 1 when it may be set; err: why not.
 */
static void probe_rlimit_mode(struct vfio_status *st, int fd)
{
	struct vfio_feature *f;
	uint64_t mode = 0;
	int rc = vfio_rlimit_mode(fd, false, &mode);

	if (rc) {
		vfio_status_add(st, "rlimit_mode_option", rc == -EOPNOTSUPP || rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_UNKNOWN,
		    VOP_RLIMIT_MODE, rc);
		return;
	}
	rc = vfio_rlimit_mode(fd, true, &mode);
	f = vfio_status_add(st, "rlimit_mode_option", VFIO_AVAIL_YES, VOP_RLIMIT_MODE, rc);
	f->val[0] = mode;
	f->val[1] = rc == 0;
}

static void probe_iommufd(struct vfio_status *st)
{
	uint64_t val = 0;
	int fd = -1, rc;

	rc = vfio_iommufd_open(&fd);
	if (rc) {
		vfio_status_add(st, "iommufd", VFIO_AVAIL_NO, VOP_OPEN_IOMMUFD, rc);
		absent_iommufd(st, rc);
		return;
	}
	vfio_status_add(st, "iommufd", VFIO_AVAIL_YES, VOP_OPEN_IOMMUFD, 0);
	probe_ioas(st, fd);
	probe_hwpt(st, fd);
	probe_fault_queue(st, fd);

	for (size_t i = 0; i < ARRAY_SIZE(presence_probes); i++) {
		const struct ioctl_probe *p = &presence_probes[i];
		uint64_t buf[16];

		memset(buf, 0, sizeof(buf));
		rc = probe_ioctl(fd, p->req, buf, p->size);
		vfio_status_add(st, p->key, rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_YES, VOP_NONE, rc);
	}

	/* The proposed per-device SW_MSI window options: EOPNOTSUPP where unknown. */
	rc = vfio_option(fd, IOMMU_OPTION_SW_MSI_START, false, 0, &val);
	vfio_status_add(st, "sw_msi_option", rc == -EOPNOTSUPP || rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_YES,
	    VOP_OPTION, rc);
	add_needs_device(st, "pasid_attach");
	probe_rlimit_mode(st, fd);
	close(fd);
}

int vfio_status_probe(struct vfio_status *st)
{
	probe_container(st);
	probe_iommufd(st);
	return 0;
}
