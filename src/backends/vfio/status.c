// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio status: what the running kernel offers, found by trying it. Each
 * iommufd ioctl is called with arguments chosen so that the errno tells the
 * answer as iommufd defines it: ENOTTY (ioctl unknown), E2BIG (a field past
 * the end of the kernel's struct), EOPNOTSUPP (a value it does not support);
 * anything else (ENOENT for device ID 0) means the ioctl exists.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "core/util.h"

struct vfio_feature *vfio_status_add(struct vfio_status *st, const char *key, const char *label,
				     enum vfio_avail avail, int err, char *detail)
{
	struct vfio_feature *f;

	st->features = xrealloc(st->features, (st->n + 1) * sizeof(*st->features));
	f = &st->features[st->n++];
	f->key = key;
	f->label = label;
	f->avail = avail;
	f->err = err < 0 ? -err : err;
	f->detail = detail;
	return f;
}

void vfio_status_release(struct vfio_status *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->features[i].detail);
	free(st->features);
	memset(st, 0, sizeof(*st));
}

static char *errtext(enum vfio_op op, int err)
{
	const char *why = vfio_explain(op, err);

	return xasprintf("%s: %s", vfio_errno_name(err), why ? why : strerror(-err < 0 ? err : -err));
}

/* Call an ioctl with a zeroed struct of `size` bytes (size in its first u32). */
static int probe_ioctl(int fd, unsigned long req, void *buf, uint32_t size)
{
	memcpy(buf, &size, sizeof(size));
	return ioctl(fd, req, buf) < 0 ? -errno : 0;
}

struct ioctl_probe {
	const char *key;
	const char *label;
	unsigned long req;
	uint32_t size;
	const char *since;       /* the release that added it, for the "absent" reason */
};

/* ioctls whose presence is all we can learn without a bound device. */
static const struct ioctl_probe presence_probes[] = {
	{ "hw_info", "IOMMU_GET_HW_INFO (hardware info, PASID width)", IOMMU_GET_HW_INFO,
	  sizeof(struct iommu_hw_info), "v6.7" },
	{ "viommu", "vIOMMU (IOMMU_VIOMMU_ALLOC)", IOMMU_VIOMMU_ALLOC,
	  sizeof(struct iommu_viommu_alloc), "v6.13" },
	{ "veventq", "vIOMMU event queues (IOMMU_VEVENTQ_ALLOC)", IOMMU_VEVENTQ_ALLOC,
	  sizeof(struct iommu_veventq_alloc), "v6.15" },
	{ "hw_queue", "vIOMMU hardware queues (IOMMU_HW_QUEUE_ALLOC)", IOMMU_HW_QUEUE_ALLOC, 48,
	  "v6.17" },
};

static void probe_container(struct vfio_status *st)
{
	static const struct {
		const char *key, *label;
		unsigned long ext;
		const char *absent;
	} exts[] = {
		{ "container_type1", "container type1", VFIO_TYPE1_IOMMU, "no type1 IOMMU driver (vfio_iommu_type1 not loaded?)" },
		{ "container_type1v2", "container type1v2", VFIO_TYPE1v2_IOMMU, "no type1 IOMMU driver (vfio_iommu_type1 not loaded?)" },
		{ "container_spapr_tce", "container spapr (SPAPR TCE v1)", VFIO_SPAPR_TCE_IOMMU,
		  "no SPAPR TCE IOMMU driver (IBM POWER only: vfio_iommu_spapr_tce)" },
		{ "container_spapr_tce_v2", "container spapr-v2 (SPAPR TCE v2)", VFIO_SPAPR_TCE_v2_IOMMU,
		  "no SPAPR TCE IOMMU driver (IBM POWER only: vfio_iommu_spapr_tce)" },
		{ "container_noiommu", "container noiommu", VFIO_NOIOMMU_IOMMU,
		  "not enabled: vfio.enable_unsafe_noiommu_mode=1 turns it on (no DMA isolation at all)" },
		{ "container_unmap_all", "type1 unmap-all", VFIO_UNMAP_ALL, "not offered" },
		{ "container_update_vaddr", "type1 update-vaddr", VFIO_UPDATE_VADDR, "not offered" },
		{ "container_dma_cc", "cache-coherent DMA (DMA_CC)", VFIO_DMA_CC_IOMMU, "not offered" },
	};
	int fd = -1, api = 0;
	int rc = vfio_container_open(&fd, &api);

	if (rc) {
		vfio_status_add(st, "container", "legacy container (" VFIO_PATH_CONTAINER ")",
				VFIO_AVAIL_NO, rc, errtext(VOP_OPEN_CONTAINER, rc));
		for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
			vfio_status_add(st, exts[i].key, exts[i].label, VFIO_AVAIL_NO, rc,
					xstrdup("no legacy container"));
		return;
	}
	vfio_status_add(st, "container", "legacy container (" VFIO_PATH_CONTAINER ")", VFIO_AVAIL_YES,
			0, xasprintf("API version %d", api));
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++) {
		rc = vfio_check_extension(fd, exts[i].ext);
		if (rc > 0)
			vfio_status_add(st, exts[i].key, exts[i].label, VFIO_AVAIL_YES, 0, NULL);
		else if (rc == 0)
			vfio_status_add(st, exts[i].key, exts[i].label, VFIO_AVAIL_NO, 0,
					xstrdup(exts[i].absent));
		else
			vfio_status_add(st, exts[i].key, exts[i].label, VFIO_AVAIL_UNKNOWN, rc,
					errtext(VOP_CHECK_EXT, rc));
	}
	close(fd);
}

static void absent_iommufd(struct vfio_status *st, int err)
{
	static const struct {
		const char *key, *label;
	} rows[] = {
		{ "ioas", "IOAS (IOMMU_IOAS_ALLOC, IOVA_RANGES)" },
		{ "allow_iovas", "IOMMU_IOAS_ALLOW_IOVAS" },
		{ "hwpt_alloc", "HWPT (IOMMU_HWPT_ALLOC)" },
		{ "hwpt_fault", "fault-capable HWPT (fault_id)" },
		{ "hwpt_pasid", "PASID-capable HWPT (IOMMU_HWPT_ALLOC_PASID)" },
		{ "hwpt_nest_parent", "nest-parent HWPT" },
		{ "fault_queue", "fault queues (IOMMU_FAULT_QUEUE_ALLOC)" },
		{ "hw_info", "IOMMU_GET_HW_INFO (hardware info, PASID width)" },
		{ "viommu", "vIOMMU (IOMMU_VIOMMU_ALLOC)" },
		{ "veventq", "vIOMMU event queues (IOMMU_VEVENTQ_ALLOC)" },
		{ "hw_queue", "vIOMMU hardware queues (IOMMU_HW_QUEUE_ALLOC)" },
		{ "sw_msi_option", "IOMMU_OPTION_SW_MSI_START/SIZE" },
		{ "pasid_attach", "PASID attach (VFIO_DEVICE_ATTACH_PASID)" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		vfio_status_add(st, rows[i].key, rows[i].label, VFIO_AVAIL_NO, err, xstrdup("no iommufd"));
}

static void probe_hwpt(struct vfio_status *st, int fd)
{
	struct iommu_hwpt_alloc h;
	int rc;

	/* dev_id 0 never exists: a kernel that knows the ioctl answers ENOENT. */
	memset(&h, 0, sizeof(h));
	rc = probe_ioctl(fd, IOMMU_HWPT_ALLOC, &h, IOMMU_HWPT_ALLOC_SIZE_V1);
	if (rc == -ENOTTY) {
		vfio_status_add(st, "hwpt_alloc", "HWPT (IOMMU_HWPT_ALLOC)", VFIO_AVAIL_NO, rc,
				xstrdup("ENOTTY: the kernel predates IOMMU_HWPT_ALLOC (v6.7)"));
		vfio_status_add(st, "hwpt_fault", "fault-capable HWPT (fault_id)", VFIO_AVAIL_NO, rc,
				xstrdup("no IOMMU_HWPT_ALLOC"));
		vfio_status_add(st, "hwpt_pasid", "PASID-capable HWPT (IOMMU_HWPT_ALLOC_PASID)",
				VFIO_AVAIL_NO, rc, xstrdup("no IOMMU_HWPT_ALLOC"));
		vfio_status_add(st, "hwpt_nest_parent", "nest-parent HWPT", VFIO_AVAIL_NO, rc,
				xstrdup("no IOMMU_HWPT_ALLOC"));
		return;
	}
	vfio_status_add(st, "hwpt_alloc", "HWPT (IOMMU_HWPT_ALLOC)", VFIO_AVAIL_YES, rc,
			xstrdup("paging HWPTs; the flags a device's IOMMU accepts are tried in a batch"));
	/* A non-zero fault_id past the v1 struct: E2BIG when the kernel's struct ends before it. */
	memset(&h, 0, sizeof(h));
	h.flags = IOMMU_HWPT_FAULT_ID_VALID;
	h.fault_id = 1;
	rc = probe_ioctl(fd, IOMMU_HWPT_ALLOC, &h, sizeof(h));
	if (rc == -E2BIG)
		vfio_status_add(st, "hwpt_fault", "fault-capable HWPT (fault_id)", VFIO_AVAIL_NO, rc,
				xstrdup("E2BIG: struct iommu_hwpt_alloc has no fault_id here (v6.11+)"));
	else
		vfio_status_add(st, "hwpt_fault", "fault-capable HWPT (fault_id)", VFIO_AVAIL_YES, rc,
				NULL);
	vfio_status_add(st, "hwpt_pasid", "PASID-capable HWPT (IOMMU_HWPT_ALLOC_PASID)",
			VFIO_AVAIL_UNKNOWN, 0,
			xstrdup("checked against a bound device: a batch's 'hwpt alloc DEV IOAS pasid' tries it"));
	vfio_status_add(st, "hwpt_nest_parent", "nest-parent HWPT", VFIO_AVAIL_UNKNOWN, 0,
			xstrdup("depends on the device's IOMMU: a batch's 'hwpt alloc DEV IOAS nest-parent' tries it"));
}

static void probe_iommufd(struct vfio_status *st)
{
	struct vfio_range *r = NULL;
	uint64_t align = 0, val = 0;
	uint32_t ioas = 0;
	size_t n = 0;
	int fd = -1, rc;

	rc = vfio_iommufd_open(&fd);
	if (rc) {
		vfio_status_add(st, "iommufd", "iommufd (" VFIO_PATH_IOMMU ")", VFIO_AVAIL_NO, rc,
				errtext(VOP_OPEN_IOMMUFD, rc));
		absent_iommufd(st, rc);
		return;
	}
	vfio_status_add(st, "iommufd", "iommufd (" VFIO_PATH_IOMMU ")", VFIO_AVAIL_YES, 0, NULL);

	rc = vfio_ioas_alloc(fd, &ioas);
	if (rc) {
		vfio_status_add(st, "ioas", "IOAS (IOMMU_IOAS_ALLOC, IOVA_RANGES)", VFIO_AVAIL_NO, rc,
				errtext(VOP_IOAS_ALLOC, rc));
	} else {
		rc = vfio_ioas_ranges(fd, ioas, &r, &n, &align);
		if (rc)
			vfio_status_add(st, "ioas", "IOAS (IOMMU_IOAS_ALLOC, IOVA_RANGES)", VFIO_AVAIL_YES,
					rc, errtext(VOP_IOVA_RANGES, rc));
		else
			vfio_status_add(st, "ioas", "IOAS (IOMMU_IOAS_ALLOC, IOVA_RANGES)", VFIO_AVAIL_YES, 0,
					xasprintf("an empty IOAS allows 0x%llx-0x%llx, alignment %llu",
						  n ? (unsigned long long)r[0].start : 0ULL,
						  n ? (unsigned long long)r[n - 1].last : 0ULL,
						  (unsigned long long)align));
		free(r);
		rc = vfio_ioas_allow_iovas(fd, ioas, NULL, 0);
		vfio_status_add(st, "allow_iovas", "IOMMU_IOAS_ALLOW_IOVAS",
				rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_YES, rc,
				rc && rc != -ENOTTY ? errtext(VOP_ALLOW_IOVAS, rc) :
				rc ? xstrdup("ENOTTY") : NULL);
		rc = vfio_option(fd, IOMMU_OPTION_HUGE_PAGES, false, ioas, &val);
		vfio_status_add(st, "huge_pages_option", "IOMMU_OPTION_HUGE_PAGES",
				rc ? VFIO_AVAIL_NO : VFIO_AVAIL_YES, rc,
				rc ? errtext(VOP_OPTION, rc) : xasprintf("%llu", (unsigned long long)val));
		vfio_destroy(fd, ioas);
	}

	probe_hwpt(st, fd);

	{
		struct iommu_fault_alloc fa;

		memset(&fa, 0, sizeof(fa));
		rc = probe_ioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &fa, sizeof(fa));
		if (!rc) {
			close((int)fa.out_fault_fd);
			vfio_destroy(fd, fa.out_fault_id);
			vfio_status_add(st, "fault_queue", "fault queues (IOMMU_FAULT_QUEUE_ALLOC)",
					VFIO_AVAIL_YES, 0, xstrdup("a queue was allocated and freed"));
		} else {
			vfio_status_add(st, "fault_queue", "fault queues (IOMMU_FAULT_QUEUE_ALLOC)",
					rc == -ENOTTY ? VFIO_AVAIL_NO : VFIO_AVAIL_UNKNOWN, rc,
					rc == -ENOTTY ? xstrdup("ENOTTY: the kernel predates fault queues (v6.11)") :
					errtext(VOP_NONE, rc));
		}
	}

	for (size_t i = 0; i < ARRAY_SIZE(presence_probes); i++) {
		const struct ioctl_probe *p = &presence_probes[i];
		uint64_t buf[16];

		memset(buf, 0, sizeof(buf));
		rc = probe_ioctl(fd, p->req, buf, p->size);
		if (rc == -ENOTTY)
			vfio_status_add(st, p->key, p->label, VFIO_AVAIL_NO, rc,
					xasprintf("ENOTTY: the kernel predates it (%s)", p->since));
		else
			vfio_status_add(st, p->key, p->label, VFIO_AVAIL_YES, rc,
					xasprintf("the ioctl exists (%s with no device)", vfio_errno_name(rc)));
	}

	/* The proposed per-device SW_MSI window options: EOPNOTSUPP where unknown. */
	val = 0;
	rc = vfio_option(fd, IOMMU_OPTION_SW_MSI_START, false, 0, &val);
	if (rc == -EOPNOTSUPP || rc == -ENOTTY)
		vfio_status_add(st, "sw_msi_option", "IOMMU_OPTION_SW_MSI_START/SIZE", VFIO_AVAIL_NO, rc,
				xstrdup("EOPNOTSUPP: not in this kernel (proposed in 2025, not mainline)"));
	else
		vfio_status_add(st, "sw_msi_option", "IOMMU_OPTION_SW_MSI_START/SIZE", VFIO_AVAIL_YES, rc,
				xasprintf("known (%s for object 0); set per device before attach",
					  rc ? vfio_errno_name(rc) : "ok"));
	vfio_status_add(st, "pasid_attach", "PASID attach (VFIO_DEVICE_ATTACH_PASID)",
			VFIO_AVAIL_UNKNOWN, 0,
			xstrdup("needs a bound device cdev: a batch's 'pasid attach DEV PASID IOAS' tries it"));
	close(fd);
}

int vfio_status_probe(struct vfio_status *st)
{
	probe_container(st);
	probe_iommufd(st);
	return 0;
}
