/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the VFIO backend against a fake kernel: open() and ioctl()
 * are wrapped (link with -Wl,--wrap=ioctl,--wrap=open) so every path runs
 * without VFIO: iommufd + cdev, the legacy container, the fallback between
 * them, the errno conventions of vfio status, the MSI-window refusal, the
 * pure helpers (IOVA placement, reserved-region classes, the usable window),
 * and batch runs, with the fake machine of fake_sysfs.c where a line needs one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <argp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backends/vfio/msi.h"
#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/vfio.h"
#include "core/exitcodes.h"
#include "core/util.h"

#include "fake_sysfs.c"

/* Resolved by --wrap; NULL when the test was linked without it (then tests skip). */
extern int __real_open(const char *path, int flags, ...) __attribute__((weak));
extern int __real_ioctl(int fd, unsigned long req, ...) __attribute__((weak));
extern ssize_t __real_sendmsg(int fd, const struct msghdr *mh, int flags) __attribute__((weak));

#define WRAPPED() do { if (!&__real_ioctl || !&__real_open) skip(); } while (0)

/* ---- the fake kernel ---- */

#define FD_IOMMU     1001
#define FD_CONTAINER 1002
#define FD_GROUP     1003
#define FD_CDEV      1004
#define FD_DEVICE    1005

static struct fake {
	bool have_iommu, have_container, have_group, have_cdev;
	bool group_viable;
	unsigned long fail_req;   /* this request fails with fail_err */
	int fail_err;
	uint64_t fail_iova;       /* ...only for maps at this IOVA (0: any) */
	unsigned long calls[64];
	int ncalls;
	uint32_t last_attach_argsz, last_attach_flags, last_attach_pasid;
	/* SPAPR TCE v2 (POWER): the container offers only spapr and spapr-v2 */
	bool spapr;
	bool spapr_v1_only;       /* ...and of those only v1 */
	unsigned long set_iommu_type;
	uint32_t info_argsz;
	struct vfio_iommu_spapr_register_memory reg, unreg;
	struct vfio_iommu_spapr_tce_create create;
	struct vfio_iommu_spapr_tce_remove remove;
	struct vfio_iommu_type1_dma_map map;   /* the last map asked for */
	bool ddw_live;
	uint64_t ddw_size;
	uint64_t sw_msi[2];       /* IOMMU_OPTION_SW_MSI_START, _SIZE as last set */
	/* IOMMU_OPTION_RLIMIT_MODE: the iommufd's mode; a set fails EPERM, or EBUSY with objects */
	uint64_t rlimit_mode;
	bool rlimit_eperm;
	int objects;              /* IOASes allocated and devices bound, less those destroyed */
	/*
	 * The newer iommufd (v6.13+), answered only with newer set: each
	 * HWPT gets the next ID from 20; the flags' errno (PASID, NEST_PARENT);
	 * the vIOMMU (ID 30), vDEVICE (31) and event queue (32, fd 999)
	 * allocations' errno; what the last of each was asked.
	 */
	bool newer;
	uint64_t amd_efr, amd_efr2;   /* IOMMU_GET_HW_INFO answers for AMD-Vi when amd_efr is set */
	bool hw_none;             /* ...type none, no data (a driver without hw_info: RISC-V) */
	int map_file_err, hwpt_pasid_err, nest_err, viommu_err, vdevice_err, veventq_err;
	uint32_t next_hwpt;
	struct iommu_ioas_map_file map_file;
	struct iommu_viommu_alloc viommu;
	struct iommu_vdevice_alloc vdevice;
	struct iommu_veventq_alloc veventq;
	uint32_t last_detach_argsz, last_detach_flags, last_detach_pasid;
	int pasid_attach_err;     /* a PASID attach fails with it */
	uint32_t pasid_pt;        /* the pt_id of the last PASID attach */
	uint32_t rid_pt;          /* the pt_id of the last attach of the device itself */
	uint32_t destroyed[16];
	int ndestroyed;
	/* the last sendmsg of fake fds (send): its bytes and fds */
	char sent[4096];
	size_t sent_len;
	int sent_fds[16];
	int nsent_fds;
} fk;

#define FAKE_DDW_START 0x800000000000000ULL
#define FAKE_DMA32_SIZE 0x80000000ULL        /* powernv: bus 0..2 GiB */

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	fk.have_iommu = fk.have_container = fk.have_group = fk.have_cdev = true;
	fk.group_viable = true;
}

/*
 * sendmsg of the fake kernel's fds (send): kept in fk.sent, as if the peer
 * had taken them; any other goes to the kernel.
 */
ssize_t __wrap_sendmsg(int fd, const struct msghdr *mh, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *mh, int flags)
{
	struct cmsghdr *c = CMSG_FIRSTHDR(mh);
	size_t n = 0;

	if (!c || c->cmsg_type != SCM_RIGHTS)
		return __real_sendmsg(fd, mh, flags);
	fk.nsent_fds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
	assert_true(fk.nsent_fds <= 16);
	memcpy(fk.sent_fds, CMSG_DATA(c), (size_t)fk.nsent_fds * sizeof(int));
	for (int i = 0; i < fk.nsent_fds; i++)
		if (fk.sent_fds[i] < FD_IOMMU)
			return __real_sendmsg(fd, mh, flags);
	for (size_t i = 0; i < mh->msg_iovlen; i++) {
		assert_true(n + mh->msg_iov[i].iov_len < sizeof(fk.sent));
		memcpy(fk.sent + n, mh->msg_iov[i].iov_base, mh->msg_iov[i].iov_len);
		n += mh->msg_iov[i].iov_len;
	}
	fk.sent[n] = '\0';
	fk.sent_len = n;
	return (ssize_t)n;
}

int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
	static const struct {
		const char *path;
		int fd;
		size_t have;
	} nodes[] = {
		{ "/dev/iommu", FD_IOMMU, offsetof(struct fake, have_iommu) },
		{ "/dev/vfio/vfio", FD_CONTAINER, offsetof(struct fake, have_container) },
		{ "/dev/vfio/1", FD_GROUP, offsetof(struct fake, have_group) },
		{ "/dev/vfio/devices/vfio0", FD_CDEV, offsetof(struct fake, have_cdev) },
	};
	va_list ap;
	int mode;

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (!strcmp(path, nodes[i].path)) {
			if (!*(bool *)((char *)&fk + nodes[i].have)) {
				errno = ENOENT;
				return -1;
			}
			return nodes[i].fd;
		}
	va_start(ap, flags);
	mode = va_arg(ap, int);
	va_end(ap);
	return __real_open(path, flags, mode);
}

static int fake_fail(unsigned long req, uint64_t iova)
{
	if (fk.fail_req == req && (!fk.fail_iova || fk.fail_iova == iova)) {
		errno = fk.fail_err;
		return -1;
	}
	return 0;
}

static const struct iommu_iova_range fake_ranges[] = {
	{ 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff },
};

/* The SPAPR TCE v2 container (its ioctl numbers overlap the cdev ones: dispatch by fd). */
static int fake_spapr(unsigned long req, void *arg)
{
	switch (req) {
	case VFIO_SET_IOMMU:
		fk.set_iommu_type = (unsigned long)arg;
		return fake_fail(req, 0);
	case VFIO_IOMMU_SPAPR_TCE_GET_INFO: {
		struct vfio_iommu_spapr_tce_info *i = arg;

		fk.info_argsz = i->argsz;
		if (fake_fail(req, 0))
			return -1;
		i->flags = VFIO_IOMMU_SPAPR_INFO_DDW;
		i->dma32_window_start = 0;
		i->dma32_window_size = (uint32_t)FAKE_DMA32_SIZE;
		i->ddw.pgsizes = 0x1000 | 0x10000 | 0x1000000;
		i->ddw.max_dynamic_windows_supported = 2;
		i->ddw.levels = 5;
		return 0;
	}
	case VFIO_IOMMU_SPAPR_REGISTER_MEMORY:
		fk.reg = *(struct vfio_iommu_spapr_register_memory *)arg;
		return fake_fail(req, 0);
	case VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY:
		fk.unreg = *(struct vfio_iommu_spapr_register_memory *)arg;
		return fake_fail(req, 0);
	case VFIO_IOMMU_SPAPR_TCE_CREATE: {
		struct vfio_iommu_spapr_tce_create *c = arg;

		fk.create = *c;
		if (fake_fail(req, 0))
			return -1;
		c->start_addr = FAKE_DDW_START;
		fk.ddw_live = true;
		fk.ddw_size = c->window_size;
		return 0;
	}
	case VFIO_IOMMU_SPAPR_TCE_REMOVE:
		fk.remove = *(struct vfio_iommu_spapr_tce_remove *)arg;
		if (fake_fail(req, 0))
			return -1;
		fk.ddw_live = false;
		return 0;
	case VFIO_IOMMU_MAP_DMA: {
		struct vfio_iommu_type1_dma_map *m = arg;
		bool in32 = m->iova + m->size <= FAKE_DMA32_SIZE;
		bool in64 = fk.ddw_live && m->iova >= FAKE_DDW_START &&
			    m->iova + m->size <= FAKE_DDW_START + fk.ddw_size;

		fk.map = *m;
		if (!in32 && !in64) {
			errno = ENXIO;
			return -1;
		}
		return fake_fail(req, m->iova);
	}
	case VFIO_IOMMU_UNMAP_DMA:
		return fake_fail(req, 0);
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* The newer iommufd's ioctls with fk.newer: 1 answered (0 or -1 with errno), 0 not ours. */
static int fake_newer(unsigned long req, void *arg, int *ret)
{
	int err = 0;

	switch (req) {
	case IOMMU_IOAS_MAP_FILE: {
		struct iommu_ioas_map_file *m = arg;

		fk.map_file = *m;
		err = fk.map_file_err;
		if (!err && !(m->flags & IOMMU_IOAS_MAP_FIXED_IOVA))
			m->iova = 0x7000000;
		break;
	}
	case IOMMU_HWPT_ALLOC: {
		struct iommu_hwpt_alloc *h = arg;

		err = h->flags & IOMMU_HWPT_ALLOC_PASID ? fk.hwpt_pasid_err :
		      h->flags & IOMMU_HWPT_ALLOC_NEST_PARENT ? fk.nest_err : 0;
		if (!err)
			h->out_hwpt_id = 20 + fk.next_hwpt++;
		break;
	}
	case IOMMU_VIOMMU_ALLOC: {
		struct iommu_viommu_alloc *v = arg;

		fk.viommu = *v;
		/* as the kernel: the driver is asked before the HWPT is looked up */
		err = fk.viommu_err ? fk.viommu_err : v->hwpt_id ? 0 : ENOENT;
		if (!err)
			v->out_viommu_id = 30;
		break;
	}
	case IOMMU_VDEVICE_ALLOC:
		fk.vdevice = *(struct iommu_vdevice_alloc *)arg;
		err = fk.vdevice_err;
		if (!err)
			((struct iommu_vdevice_alloc *)arg)->out_vdevice_id = 31;
		break;
	case IOMMU_VEVENTQ_ALLOC:
		fk.veventq = *(struct iommu_veventq_alloc *)arg;
		err = fk.veventq_err;
		if (!err) {
			((struct iommu_veventq_alloc *)arg)->out_veventq_id = 32;
			((struct iommu_veventq_alloc *)arg)->out_veventq_fd = 999;
		}
		break;
	case VFIO_DEVICE_DETACH_IOMMUFD_PT: {
		struct vfio_device_detach_iommufd_pt *d = arg;

		fk.last_detach_argsz = d->argsz;
		fk.last_detach_flags = d->flags;
		if (d->flags & VFIO_DEVICE_DETACH_PASID)
			fk.last_detach_pasid = d->pasid;
		break;
	}
	case IOMMU_DESTROY:
		if (fk.ndestroyed < 16)
			fk.destroyed[fk.ndestroyed++] = ((struct iommu_destroy *)arg)->id;
		fk.objects -= fk.objects > 0;
		break;
	default:
		return 0;
	}
	errno = err;
	*ret = err ? -1 : 0;
	return 1;
}

int __wrap_ioctl(int fd, unsigned long req, ...);
int __wrap_ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd < 1000)
		return __real_ioctl(fd, req, arg);
	if (fk.ncalls < 64)
		fk.calls[fk.ncalls++] = req;
	if (fk.spapr && fd == FD_CONTAINER && req != VFIO_GET_API_VERSION && req != VFIO_CHECK_EXTENSION)
		return fake_spapr(req, arg);
	if (fk.newer) {
		int ret;

		if (fake_newer(req, arg, &ret))
			return ret;
	}
	switch (req) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		if (fk.spapr)
			return (unsigned long)arg == VFIO_SPAPR_TCE_IOMMU ||
			       ((unsigned long)arg == VFIO_SPAPR_TCE_v2_IOMMU && !fk.spapr_v1_only);
		return (unsigned long)arg == VFIO_TYPE1v2_IOMMU || (unsigned long)arg == VFIO_TYPE1_IOMMU;
	case VFIO_GROUP_GET_STATUS: {
		struct vfio_group_status *s = arg;

		s->flags = fk.group_viable ? VFIO_GROUP_FLAGS_VIABLE : 0;
		return fake_fail(req, 0);
	}
	case VFIO_GROUP_GET_DEVICE_FD:
		return fake_fail(req, 0) ? -1 : FD_DEVICE;
	case VFIO_IOMMU_GET_INFO: {
		struct vfio_iommu_type1_info *i = arg;
		uint32_t need = sizeof(*i) + sizeof(struct vfio_iommu_type1_info_cap_iova_range) +
				2 * sizeof(struct vfio_iova_range) +
				sizeof(struct vfio_iommu_type1_info_dma_avail);

		if (fake_fail(req, 0))
			return -1;
		i->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
		i->iova_pgsizes = 0x40201000;
		if (i->argsz < need) {
			i->argsz = need;
			i->cap_offset = 0;
			return 0;
		}
		{
			uint8_t *b = arg;
			struct vfio_iommu_type1_info_cap_iova_range c = {
				.header = { .id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, .version = 1 },
				.nr_iovas = 2,
			};
			struct vfio_iova_range r[2] = { { 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff } };
			struct vfio_iommu_type1_info_dma_avail av = {
				.header = { .id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, .version = 1 }, .avail = 65535,
			};
			uint32_t off = sizeof(*i), off2 = off + sizeof(c) + sizeof(r);

			c.header.next = off2;
			memcpy(b + off, &c, sizeof(c));
			memcpy(b + off + sizeof(c), r, sizeof(r));
			memcpy(b + off2, &av, sizeof(av));
			i->cap_offset = off;
		}
		return 0;
	}
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info *i = arg;

		i->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		i->num_regions = 9;
		i->num_irqs = 5;
		return 0;
	}
	case VFIO_IOMMU_MAP_DMA:
		fk.map = *(struct vfio_iommu_type1_dma_map *)arg;
		return fake_fail(req, fk.map.iova);
	case VFIO_IOMMU_UNMAP_DMA:
		return fake_fail(req, 0);
	case VFIO_DEVICE_BIND_IOMMUFD:
		((struct vfio_device_bind_iommufd *)arg)->out_devid = 7;
		if (fake_fail(req, 0))
			return -1;
		fk.objects++;
		return 0;
	case IOMMU_IOAS_ALLOC:
		((struct iommu_ioas_alloc *)arg)->out_ioas_id = 2;
		if (fake_fail(req, 0))
			return -1;
		fk.objects++;
		return 0;
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT: {
		struct vfio_device_attach_iommufd_pt *a = arg;

		fk.last_attach_argsz = a->argsz;
		fk.last_attach_flags = a->flags;
		fk.last_attach_pasid = a->argsz >= 16 ? a->pasid : 0;
		if (fake_fail(req, 0))
			return -1;
		if (a->flags & VFIO_DEVICE_ATTACH_PASID) {
			fk.pasid_pt = a->pt_id;
			if (fk.pasid_attach_err) {
				errno = fk.pasid_attach_err;
				return -1;
			}
		} else {
			fk.rid_pt = a->pt_id;
		}
		a->pt_id = fk.newer && a->pt_id >= 20 ? a->pt_id : 3;
		return 0;
	}
	case IOMMU_IOAS_IOVA_RANGES: {
		struct iommu_ioas_iova_ranges *q = arg;

		if (q->num_iovas < 2) {
			q->num_iovas = 2;
			errno = EMSGSIZE;
			return -1;
		}
		memcpy((void *)(uintptr_t)q->allowed_iovas, fake_ranges, sizeof(fake_ranges));
		q->num_iovas = 2;
		q->out_iova_alignment = 4096;
		return 0;
	}
	case IOMMU_GET_HW_INFO: {
		struct iommu_hw_info *h = arg;

		if (fake_fail(req, 0))
			return -1;
		if (fk.hw_none) {
			/* Linux 7.2's core for a driver without hw_info: no data, ATS not supported */
			h->out_data_type = IOMMU_HW_INFO_TYPE_NONE;
			h->data_len = 0;
			h->out_capabilities = IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;
			h->out_max_pasid_log2 = 0;
			return 0;
		}
		if (fk.amd_efr) {
			struct iommu_hw_info_amd a = { fk.amd_efr, fk.amd_efr2 };

			h->out_data_type = IOMMU_HW_INFO_TYPE_AMD;
			h->out_max_pasid_log2 = 0;
			if (h->data_uptr && h->data_len >= sizeof(a))
				memcpy((void *)(uintptr_t)h->data_uptr, &a, sizeof(a));
			return 0;
		}
		h->out_data_type = IOMMU_HW_INFO_TYPE_INTEL_VTD;
		h->out_max_pasid_log2 = 20;
		return 0;
	}
	case IOMMU_IOAS_MAP:
		return fake_fail(req, ((struct iommu_ioas_map *)arg)->iova);
	case IOMMU_DESTROY:
		if (fake_fail(req, 0))
			return -1;
		fk.objects -= fk.objects > 0;
		return 0;
	case IOMMU_IOAS_UNMAP:
	case VFIO_DEVICE_DETACH_IOMMUFD_PT:
	case VFIO_GROUP_SET_CONTAINER:
	case VFIO_GROUP_UNSET_CONTAINER:
	case VFIO_SET_IOMMU:
	case IOMMU_IOAS_ALLOW_IOVAS:
	case IOMMU_HWPT_ALLOC:
	case IOMMU_FAULT_QUEUE_ALLOC:
	case IOMMU_VIOMMU_ALLOC:
	case IOMMU_VEVENTQ_ALLOC:
	case IOMMU_HW_QUEUE_ALLOC:
		return fake_fail(req, 0);
	case IOMMU_OPTION: {
		struct iommu_option *op = arg;
		uint64_t *v = &fk.sw_msi[op->option_id == IOMMU_OPTION_SW_MSI_SIZE];

		if (fake_fail(req, 0))
			return -1;
		if (op->option_id == IOMMU_OPTION_RLIMIT_MODE) {
			/* as the kernel: object 0 only; a set needs the privilege and no object yet */
			if (op->object_id) {
				errno = EOPNOTSUPP;
				return -1;
			}
			if (op->op == IOMMU_OPTION_OP_GET) {
				op->val64 = fk.rlimit_mode;
				return 0;
			}
			errno = fk.rlimit_eperm ? EPERM : fk.objects ? EBUSY : op->val64 > 1 ? EINVAL : 0;
			if (errno)
				return -1;
			fk.rlimit_mode = op->val64;
			return 0;
		}
		/* the software MSI window: a get reads back what the last set wrote */
		if (op->op == IOMMU_OPTION_OP_SET)
			*v = op->val64;
		else
			op->val64 = *v;
		return 0;
	}
	default:
		errno = ENOTTY;
		return -1;
	}
}

static int called(unsigned long req)
{
	int n = 0;

	for (int i = 0; i < fk.ncalls; i++)
		n += fk.calls[i] == req;
	return n;
}

/* The index of the first call of req, or -1. */
static int first_call(unsigned long req)
{
	for (int i = 0; i < fk.ncalls; i++)
		if (fk.calls[i] == req)
			return i;
	return -1;
}

/*
 * The words the command line gives a path's failure and a status row
 * (cli/vfio.c), built from the backend's data; kept until the next call.
 */
static const char *why_of(const struct vfio_probe_result *res, const struct vfio_path_run *p)
{
	static char *last;

	free(last);
	last = cli_vfio_path_why(res, p);
	return last;
}

static const char *detail_of(const struct vfio_feature *f)
{
	static char *last;

	free(last);
	last = cli_vfio_feature_detail(f);
	return last;
}

static const struct vfio_probe_req base_req = {
	.device = "0000:00:03.0", .group = 1, .cdev = "vfio0", .size = 0x10000,
};

/* ---- probe ---- */

static void test_probe_iommufd(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(res.used, VFIO_PATH_IOMMUFD_CDEV);
	assert_false(res.legacy.attempted);
	assert_int_equal(res.dev_id, 7);
	assert_int_equal(res.hwpt_id, 3);
	assert_int_equal(res.nranges, 2);
	assert_int_equal(res.alignment, 4096);
	assert_int_equal(res.iova, 0x100000);
	assert_true(res.unmapped);
	assert_int_equal(res.hw.max_pasid_log2, 20);
	/* the EMSGSIZE two-call protocol of IOMMU_IOAS_IOVA_RANGES */
	assert_int_equal(called(IOMMU_IOAS_IOVA_RANGES), 2);
	assert_int_equal(called(IOMMU_DESTROY), 1);
	/* no PASID: the original 12-byte struct */
	assert_int_equal(fk.last_attach_argsz, 12);
	assert_int_equal(fk.last_attach_flags, 0);
	vfio_probe_result_release(&res);
}

static void test_probe_fallback_no_iommufd(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.have_iommu = false;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(res.used, VFIO_PATH_LEGACY);
	assert_true(res.iommufd.attempted);
	assert_int_equal(res.iommufd.err, -ENOENT);
	assert_int_equal(res.iommufd.failed_op, VOP_OPEN_IOMMUFD);
	assert_non_null(strstr(why_of(&res, &res.iommufd), "CONFIG_IOMMUFD"));
	assert_string_equal(res.container_type, "type1v2");
	assert_int_equal(res.nranges, 2);
	assert_int_equal(res.ranges[1].last, 0x7fffffffff);
	assert_int_equal(res.pgsizes, 0x40201000);
	assert_int_equal(res.alignment, 4096);
	assert_true(res.unmapped);
	assert_int_equal(called(VFIO_IOMMU_GET_INFO), 2);
	/*
	 * the device opened before the container's ranges are read: iommufd's
	 * emulated container attaches it to its IOAS only then (a RISC-V 7.2
	 * guest reported the whole 64-bit space the other way round)
	 */
	assert_true(first_call(VFIO_GROUP_GET_DEVICE_FD) >= 0);
	assert_true(first_call(VFIO_GROUP_GET_DEVICE_FD) < first_call(VFIO_IOMMU_GET_INFO));
	assert_int_equal(called(VFIO_GROUP_UNSET_CONTAINER), 1);
	vfio_probe_result_release(&res);
}

static void test_probe_fallback_no_cdev(void **state)
{
	struct vfio_probe_req req = base_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	req.cdev = NULL;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	assert_int_equal(res.used, VFIO_PATH_LEGACY);
	assert_int_equal(res.iommufd.failed_op, VOP_OPEN_CDEV);
	assert_non_null(strstr(why_of(&res, &res.iommufd), "VFIO_DEVICE_CDEV"));
	vfio_probe_result_release(&res);
}

static void test_probe_fallback_bind_ebusy(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.fail_req = VFIO_DEVICE_BIND_IOMMUFD;
	fk.fail_err = EBUSY;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(res.used, VFIO_PATH_LEGACY);
	assert_int_equal(res.iommufd.err, -EBUSY);
	assert_non_null(strstr(why_of(&res, &res.iommufd), "ownership"));
	vfio_probe_result_release(&res);
}

static void test_probe_no_fallback_after_attach(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.fail_req = IOMMU_IOAS_MAP;
	fk.fail_err = EINVAL;
	assert_int_equal(vfio_probe_run(&base_req, &res), -EINVAL);
	assert_false(res.legacy.attempted);
	assert_int_equal(res.iommufd.failed_op, VOP_IOAS_MAP);
	assert_non_null(strstr(why_of(&res, &res.iommufd), "reserved region"));
	/* the IOAS is still destroyed */
	assert_int_equal(called(IOMMU_DESTROY), 1);
	vfio_probe_result_release(&res);
}

static void test_probe_iommufd_only(void **state)
{
	struct vfio_probe_req req = base_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.have_iommu = false;
	req.path = VFIO_PATH_IOMMUFD_CDEV;
	assert_int_equal(vfio_probe_run(&req, &res), -ENOENT);
	assert_false(res.legacy.attempted);
	vfio_probe_result_release(&res);
}

static void test_probe_both_fail(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.have_iommu = false;
	fk.group_viable = false;
	assert_int_equal(vfio_probe_run(&base_req, &res), -EBUSY);
	assert_int_equal(res.used, VFIO_PATH_AUTO);
	assert_int_equal(res.legacy.failed_op, VOP_GROUP_STATUS);
	assert_non_null(strstr(why_of(&res, &res.legacy), "not viable"));
	assert_non_null(why_of(&res, &res.iommufd));
	assert_int_equal(called(VFIO_GROUP_SET_CONTAINER), 0);
	vfio_probe_result_release(&res);
}

static void test_probe_legacy_eperm_msi(void **state)
{
	struct vfio_probe_req req = base_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	req.path = VFIO_PATH_LEGACY;
	fk.fail_req = VFIO_SET_IOMMU;
	fk.fail_err = EPERM;
	assert_int_equal(vfio_probe_run(&req, &res), -EPERM);
	assert_false(res.iommufd.attempted);
	assert_non_null(strstr(why_of(&res, &res.legacy), "allow_unsafe_interrupts"));
	vfio_probe_result_release(&res);
}

static void test_probe_msi_window_refused(void **state)
{
	struct vfio_probe_req req = base_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	req.path = VFIO_PATH_LEGACY;
	req.msi_check = true;
	req.msi_start = 0xfee00000;
	req.msi_last = 0xfeefffff;
	fk.fail_req = VFIO_IOMMU_MAP_DMA;
	fk.fail_err = EINVAL;
	fk.fail_iova = 0xfee00000;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	assert_true(res.msi_tested);
	assert_int_equal(res.msi_err, -EINVAL);
	vfio_probe_result_release(&res);

	/* a kernel that accepts it is a failure */
	fake_reset();
	assert_int_not_equal(vfio_probe_run(&req, &res), 0);
	assert_int_equal(res.msi_err, 0);
	assert_non_null(strstr(why_of(&res, &res.legacy), "MSI window"));
	vfio_probe_result_release(&res);
}

/* ---- status: the errno conventions ---- */

static const struct vfio_feature *feat(const struct vfio_status *st, const char *key)
{
	for (size_t i = 0; i < st->n; i++)
		if (!strcmp(st->features[i].key, key))
			return &st->features[i];
	fail_msg("no feature %s", key);
	return NULL;
}

static void test_status_errno_mapping(void **state)
{
	struct vfio_status st = { 0 };

	WRAPPED();
	fake_reset();
	fk.fail_req = IOMMU_OPTION;
	fk.fail_err = EOPNOTSUPP;
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "container_type1v2")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "container_noiommu")->avail, VFIO_AVAIL_NO);
	assert_int_equal(feat(&st, "iommufd")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "ioas")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "hwpt_alloc")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "viommu")->avail, VFIO_AVAIL_YES);
	/* EOPNOTSUPP: the option value is unknown */
	assert_int_equal(feat(&st, "sw_msi_option")->avail, VFIO_AVAIL_NO);
	assert_int_equal(feat(&st, "sw_msi_option")->err, EOPNOTSUPP);
	vfio_status_release(&st);

	/* ENOTTY: the ioctl is unknown */
	fake_reset();
	fk.fail_req = IOMMU_VIOMMU_ALLOC;
	fk.fail_err = ENOTTY;
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "viommu")->avail, VFIO_AVAIL_NO);
	assert_non_null(strstr(detail_of(feat(&st, "viommu")), "ENOTTY"));
	vfio_status_release(&st);

	/* E2BIG: the kernel's struct iommu_hwpt_alloc has no fault_id */
	fake_reset();
	fk.fail_req = IOMMU_HWPT_ALLOC;
	fk.fail_err = E2BIG;
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "hwpt_alloc")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "hwpt_fault")->avail, VFIO_AVAIL_NO);
	assert_int_equal(feat(&st, "hwpt_fault")->err, E2BIG);
	vfio_status_release(&st);

	/* nothing at all: every row is absent and says why */
	fake_reset();
	fk.have_iommu = fk.have_container = false;
	vfio_status_probe(&st);
	for (size_t i = 0; i < st.n; i++) {
		assert_int_equal(st.features[i].avail, VFIO_AVAIL_NO);
		assert_non_null(detail_of(&st.features[i]));
	}
	vfio_status_release(&st);
}

static void test_attach_pasid_layout(void **state)
{
	uint32_t out = 0;

	WRAPPED();
	fake_reset();
	assert_int_equal(vfio_device_attach(FD_CDEV, 2, 5, &out), 0);
	assert_int_equal(fk.last_attach_argsz, 16);
	assert_int_equal(fk.last_attach_flags, VFIO_DEVICE_ATTACH_PASID);
	assert_int_equal(fk.last_attach_pasid, 5);
	assert_int_equal(out, 3);
	fk.fail_req = VFIO_DEVICE_ATTACH_IOMMUFD_PT;
	fk.fail_err = EINVAL;
	assert_int_equal(vfio_device_attach(FD_CDEV, 2, 5, &out), -EINVAL);
	assert_non_null(strstr(vfio_explain(VOP_ATTACH_PASID, -EINVAL), "v6.15"));
}

/* ---- pure helpers ---- */

static void test_explain(void **state)
{
	assert_non_null(strstr(vfio_explain(VOP_DMA_MAP, -EINVAL), "MSI window"));
	assert_non_null(strstr(vfio_explain(VOP_SET_IOMMU, EPERM), "allow_unsafe_interrupts"));
	/* DMA_CC on iommufd's emulated container before a group is set (the 7.2 rebuilds' /dev/vfio/vfio) */
	assert_non_null(strstr(vfio_explain(VOP_CHECK_EXT, -ENODEV), "CONFIG_IOMMUFD_VFIO_CONTAINER"));
	/* generic rows */
	assert_non_null(strstr(vfio_explain(VOP_HW_INFO, -ENOTTY), "does not know this ioctl"));
	assert_non_null(strstr(vfio_explain(VOP_IOAS_ALLOC, -E2BIG), "older than ours"));
	assert_null(vfio_explain(VOP_IOAS_ALLOC, -ETIMEDOUT));
	assert_string_equal(vfio_errno_name(-EOPNOTSUPP), "EOPNOTSUPP");
	assert_string_equal(vfio_errno_name(EADDRINUSE), "EADDRINUSE");
	for (int op = 0; op < VOP__COUNT; op++)
		assert_string_not_equal(vfio_op_name((enum vfio_op)op), "?");
}

static void test_pick_iova(void **state)
{
	const struct vfio_range r[] = { { 0, 0xfedfffff }, { 0xfef00000, 0x7fffffffff } };
	uint64_t iova;

	assert_int_equal(vfio_pick_iova(r, 2, 4096, 0x10000, 0x100000, &iova), 0);
	assert_int_equal(iova, 0x100000);
	/* does not straddle the MSI hole */
	assert_int_equal(vfio_pick_iova(r, 2, 4096, 0x200000, 0xfed00000, &iova), 0);
	assert_int_equal(iova, 0xfef00000);
	assert_int_equal(vfio_pick_iova(r, 2, 4096, 0x1000, 0x1001, &iova), 0);
	assert_int_equal(iova, 0x2000);
	assert_int_equal(vfio_pick_iova(r, 2, 4096, 0x1000, 0x8000000000, &iova), -ENOSPC);
}

static void test_resv_classes(void **state)
{
	struct resv_info ri;

	resv_classify("msi", 0xfee00000, 0xfeefffff, "intel-vtd", "x86", &ri);
	assert_int_equal(ri.cls, RESV_MSI_HW);
	resv_classify("msi", 0x8000000, 0x80fffff, "arm-smmu-v3", "arm64", &ri);
	assert_int_equal(ri.cls, RESV_MSI_SW);
	resv_classify("msi", 0xfee00000, 0xfeefffff, "virtio-iommu", "x86", &ri);
	assert_int_equal(ri.cls, RESV_MSI_HW);
	resv_classify("msi", 0x8000000, 0x80fffff, "virtio-iommu", "arm64", &ri);
	assert_int_equal(ri.cls, RESV_MSI_SW);
	resv_classify("msi", 0x8000000, 0x80fffff, NULL, NULL, &ri);
	assert_int_equal(ri.cls, RESV_MSI_SW);
	resv_classify("msi", 0x1000000, 0x10fffff, NULL, NULL, &ri);
	assert_int_equal(ri.cls, RESV_MSI_UNKNOWN);
	resv_classify("direct-relaxable", 0, 0xffffff, "intel-vtd", "x86", &ri);
	assert_int_equal(ri.cls, RESV_DIRECT_RELAXABLE);
	assert_false(ri.excluded);
	resv_classify("direct", 0, 0xffffff, "intel-vtd", "x86", &ri);
	assert_true(ri.excluded);
	assert_string_equal(resv_arch_guess(NULL, "6.12.117+deb12-arm64"), "arm64");
	assert_string_equal(resv_arch_guess("amd-vi", NULL), "x86");
	assert_null(resv_arch_guess(NULL, NULL));
	/* VT-d cap from the QEMU fixture: MGAW 39, SAGAW 39-bit */
	assert_int_equal(resv_vtd_width(0xd2008c22260286ULL), 39);
}

static void test_usable_window(void **state)
{
	const struct resv_region r[] = {
		{ 0xfd00000000, 0xffffffffff, true },
		{ 0, 0xffffff, false },              /* direct-relaxable: usable */
		{ 0xfee00000, 0xfeefffff, true },
	};
	struct vfio_range *w;
	size_t n;

	resv_usable_window(39, r, 3, &w, &n);
	assert_int_equal(n, 2);
	assert_int_equal(w[0].start, 0);
	assert_int_equal(w[0].last, 0xfedfffff);
	assert_int_equal(w[1].start, 0xfef00000);
	assert_int_equal(w[1].last, 0x7fffffffff);
	free(w);
	resv_usable_window(64, r, 3, &w, &n);
	assert_int_equal(n, 3);
	assert_int_equal(w[2].start, 0x10000000000);
	assert_int_equal(w[2].last, UINT64_MAX);
	free(w);
	/* a region reaching the top */
	{
		const struct resv_region top[] = { { 0x8000000000, UINT64_MAX, true } };

		resv_usable_window(64, top, 1, &w, &n);
		assert_int_equal(n, 1);
		assert_int_equal(w[0].last, 0x7fffffffff);
		free(w);
	}
}


/* ---- SPAPR TCE (IBM POWER) ---- */

static void test_status_spapr(void **state)
{
	struct vfio_status st = { 0 };

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "container_spapr_tce")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "container_spapr_tce_v2")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "container_type1v2")->avail, VFIO_AVAIL_NO);
	assert_int_equal(feat(&st, "container_type1")->avail, VFIO_AVAIL_NO);
	vfio_status_release(&st);

	/* x86: absent, and says why */
	fake_reset();
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "container_spapr_tce_v2")->avail, VFIO_AVAIL_NO);
	assert_non_null(strstr(detail_of(feat(&st, "container_spapr_tce_v2")), "POWER"));
	vfio_status_release(&st);
}

static const struct vfio_probe_req spapr_req = {
	.device = "0000:00:03.0", .group = 1, .cdev = NULL, .size = 0x10000,
	.path = VFIO_PATH_LEGACY,
};

static void test_probe_spapr_sequence(void **state)
{
	static const unsigned long want[] = {
		VFIO_GET_API_VERSION,
		VFIO_CHECK_EXTENSION, VFIO_CHECK_EXTENSION, VFIO_CHECK_EXTENSION, /* type1v2, type1, spapr-v2 */
		VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU,
		VFIO_GROUP_GET_DEVICE_FD, VFIO_DEVICE_GET_INFO, VFIO_IOMMU_SPAPR_TCE_GET_INFO,
		VFIO_IOMMU_SPAPR_REGISTER_MEMORY, VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA,
		VFIO_IOMMU_SPAPR_TCE_CREATE, VFIO_IOMMU_SPAPR_TCE_REMOVE,
		VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, VFIO_GROUP_UNSET_CONTAINER,
	};
	struct vfio_probe_req req = spapr_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	req.ddw_levels = 2;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	assert_int_equal(res.used, VFIO_PATH_LEGACY);
	assert_true(res.spapr);
	assert_string_equal(res.container_type, "spapr-v2");
	assert_int_equal(fk.ncalls, (int)(sizeof(want) / sizeof(want[0])));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(fk.calls[i], want[i]);
	assert_int_equal(fk.set_iommu_type, VFIO_SPAPR_TCE_v2_IOMMU);
	/* GET_INFO */
	assert_int_equal(fk.info_argsz, 32);
	assert_int_equal(res.spapr_info.dma32_start, 0);
	assert_int_equal(res.spapr_info.dma32_size, FAKE_DMA32_SIZE);
	assert_true(res.spapr_info.ddw);
	assert_int_equal(res.spapr_info.ddw_pgsizes, 0x1011000);
	assert_int_equal(res.spapr_info.ddw_max_windows, 2);
	assert_int_equal(res.spapr_info.ddw_levels, 5);
	assert_int_equal(res.nranges, 1);
	assert_int_equal(res.ranges[0].last, FAKE_DMA32_SIZE - 1);
	/* registration, then the map inside the 32-bit window, of the same memory */
	assert_int_equal(fk.reg.argsz, 24);
	assert_int_equal(fk.reg.flags, 0);
	assert_int_equal(fk.reg.size, 0x10000);
	assert_int_not_equal(fk.reg.vaddr, 0);
	assert_int_equal(fk.map.argsz, 32);
	assert_int_equal(fk.map.vaddr, fk.reg.vaddr);
	assert_int_equal(fk.map.iova, 0x100000);
	assert_int_equal(fk.map.size, 0x10000);
	assert_int_equal(fk.map.flags, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	assert_true(res.unmapped);
	/* the DDW: 64K pages by default, the levels asked for, 1 GiB */
	assert_int_equal(fk.create.argsz, 40);
	assert_int_equal(fk.create.flags, 0);
	assert_int_equal(fk.create.page_shift, 16);
	assert_int_equal(fk.create.levels, 2);
	assert_int_equal(fk.create.window_size, 1ULL << 30);
	assert_int_equal(fk.create.__resv1, 0);
	assert_int_equal(fk.create.__resv2, 0);
	assert_true(res.ddw_created);
	assert_int_equal(res.ddw_start, FAKE_DDW_START);
	assert_int_equal(fk.remove.argsz, 16);
	assert_int_equal(fk.remove.start_addr, FAKE_DDW_START);
	assert_true(res.ddw_removed);
	assert_false(fk.ddw_live);
	/* unregistered exactly what was registered */
	assert_memory_equal(&fk.unreg, &fk.reg, sizeof(fk.reg));
	vfio_probe_result_release(&res);

	/* explicit page shift and size; auto path falls back to the container */
	fake_reset();
	fk.spapr = true;
	fk.have_iommu = false;
	req = spapr_req;
	req.path = VFIO_PATH_AUTO;
	req.ddw_page_shift = 24;
	req.ddw_size = 1ULL << 34;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	assert_int_equal(fk.create.page_shift, 24);
	assert_int_equal(fk.create.levels, 1);
	assert_int_equal(fk.create.window_size, 1ULL << 34);
	vfio_probe_result_release(&res);
}

static void test_probe_spapr_outside_window(void **state)
{
	struct vfio_probe_req req = spapr_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	req.iova_set = true;
	req.iova = 0x80000000;        /* just past the 32-bit window */
	assert_int_equal(vfio_probe_run(&req, &res), -ENXIO);
	assert_int_equal(res.legacy.failed_op, VOP_DMA_MAP);
	assert_non_null(strstr(why_of(&res, &res.legacy), "outside the DMA window 0x0-0x7fffffff"));
	assert_false(res.mapped);
	assert_int_equal(called(VFIO_IOMMU_SPAPR_TCE_CREATE), 0);
	/* the registration is undone */
	assert_int_equal(called(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY), 1);
	vfio_probe_result_release(&res);
}

static void test_probe_spapr_ddw_create_fails(void **state)
{
	struct vfio_probe_req req = spapr_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_SPAPR_TCE_CREATE;
	fk.fail_err = EINVAL;
	assert_int_equal(vfio_probe_run(&req, &res), -EINVAL);
	assert_int_equal(res.legacy.failed_op, VOP_SPAPR_CREATE);
	assert_non_null(strstr(why_of(&res, &res.legacy), "page size"));
	assert_true(res.unmapped);
	assert_false(res.ddw_created);
	assert_int_equal(called(VFIO_IOMMU_SPAPR_TCE_REMOVE), 0);
	assert_int_equal(called(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY), 1);
	vfio_probe_result_release(&res);

	/* no free window slot */
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_SPAPR_TCE_CREATE;
	fk.fail_err = ENOSPC;
	assert_int_equal(vfio_probe_run(&req, &res), -ENOSPC);
	assert_non_null(strstr(why_of(&res, &res.legacy), "max_dynamic_windows_supported"));
	vfio_probe_result_release(&res);
}

static void test_probe_spapr_register_fails(void **state)
{
	struct vfio_probe_req req = spapr_req;
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_SPAPR_REGISTER_MEMORY;
	fk.fail_err = ENOMEM;
	assert_int_equal(vfio_probe_run(&req, &res), -ENOMEM);
	assert_int_equal(res.legacy.failed_op, VOP_SPAPR_REGISTER);
	assert_non_null(strstr(why_of(&res, &res.legacy), "RLIMIT_MEMLOCK"));
	assert_int_equal(called(VFIO_IOMMU_MAP_DMA), 0);
	assert_int_equal(called(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY), 0);
	assert_false(res.registered);
	vfio_probe_result_release(&res);

	/* a v2 map before any registration: EPERM, explained for SPAPR */
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_MAP_DMA;
	fk.fail_err = EPERM;
	assert_int_equal(vfio_probe_run(&req, &res), -EPERM);
	assert_non_null(strstr(why_of(&res, &res.legacy), "not enabled"));
	assert_null(strstr(why_of(&res, &res.legacy), "CAP_IPC_LOCK"));
	vfio_probe_result_release(&res);

	/* EPERM/EBUSY elsewhere come from the shared table */
	assert_non_null(strstr(vfio_explain(VOP_SPAPR_UNREGISTER, -EBUSY), "still mapped"));
	assert_non_null(strstr(vfio_explain(VOP_DMA_MAP, -ENXIO), "outside every DMA window"));
	assert_string_equal(vfio_op_name(VOP_SPAPR_CREATE), "VFIO_IOMMU_SPAPR_TCE_CREATE");
}

static void test_probe_spapr_only_v1(void **state)
{
	struct vfio_probe_req req = spapr_req;
	struct vfio_probe_result res;
	char *t;

	WRAPPED();
	fake_reset();
	fk.spapr = fk.spapr_v1_only = true;
	assert_int_equal(vfio_probe_run(&req, &res), -ENODEV);
	assert_int_equal(res.legacy.failed_op, VOP_CHECK_EXT);
	assert_non_null(strstr(why_of(&res, &res.legacy), "only SPAPR TCE v1 is offered"));
	assert_int_equal(called(VFIO_SET_IOMMU), 0);
	vfio_probe_result_release(&res);
	t = vfio_pgsizes_text(0x1011000);
	assert_string_equal(t, "4K, 64K, 16M");
	free(t);
}

/* ---- batch: SPAPR lines ---- */

/*
 * Run a batch of text lines (on the machine view, when not NULL); its
 * stdout in *out. With $IOMMUCTL_JSON_SAMPLES set, a JSON run is also kept
 * there (batch-N.json), for tests/cli/test-json-schema.sh.
 */
static char *batch_err;     /* what the last batch_out wrote to stderr */

static int batch_out(const char *text, struct view *view, bool json, char **out)
{
	static int nsample;
	const char *dir = getenv("IOMMUCTL_JSON_SAMPLES");
	struct iommuctl_ctx ctx;
	struct { bool force; char pad[15]; } opts = { 0 };
	char path[] = "/tmp/iommuctl-batch-XXXXXX";
	char *err = NULL, *argv[2];
	size_t outn = 0, errn = 0;
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ctx_init(&ctx);
	ctx.json = json;
	ctx.view = view;
	ctx.outf = open_memstream(out, &outn);
	ctx.errf = open_memstream(&err, &errn);
	argv[0] = path;
	argv[1] = NULL;
	rc = cli_object_batch.verbs[0].run(&ctx, &opts, 1, argv);
	/* the end of the command: under -j a failure closes the array with an error object */
	ctx_finish(&ctx, rc);
	ctx_release(&ctx);
	fclose(ctx.outf);
	fclose(ctx.errf);
	unlink(path);
	free(batch_err);
	batch_err = err;
	if (dir && json) {
		char *sample = xasprintf("%s/batch-%d.json", dir, ++nsample);
		FILE *f = fopen(sample, "w");

		assert_non_null(f);
		fputs(*out, f);
		fclose(f);
		free(sample);
	}
	return rc;
}

static json_object *run_batch(const char *text, int *rc)
{
	char *out = NULL;
	json_object *j;

	*rc = batch_out(text, NULL, true, &out);
	j = json_tokener_parse(out);
	assert_non_null(j);
	free(out);
	return j;
}

static json_object *line_res(json_object *all, size_t i, const char *status)
{
	json_object *l = json_object_array_get_idx(all, i), *v;

	assert_non_null(l);
	assert_true(json_object_object_get_ex(l, "status", &v));
	if (strcmp(json_object_get_string(v), status)) {
		json_object_object_get_ex(l, "message", &v);
		fail_msg("line %zu: want %s: %s", i + 1, status, json_object_get_string(v));
	}
	return l;
}

static const char *member(json_object *l, const char *outer, const char *key)
{
	json_object *o, *v;

	if (outer) {
		assert_true(json_object_object_get_ex(l, outer, &o));
		l = o;
	}
	assert_true(json_object_object_get_ex(l, key, &v));
	return json_object_get_string(v);
}

/* ---- send: the held fds over a unix socket ---- */

/* A listening socket nobody accepts on: connect(2) lands in its backlog. */
static int listener(char *dir, char *sock, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	assert_non_null(mkdtemp(dir));
	snprintf(sock, len, "%s/s", dir);
	assert_true(strlen(sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 64), 0);
	return s;
}

static json_object *sent_message(void)
{
	json_object *m;

	assert_true(fk.sent_len > 0);
	assert_int_equal(fk.sent[fk.sent_len - 1], '\n');
	m = json_tokener_parse(fk.sent);
	assert_non_null(m);
	return m;
}

/* fds[i] of the message, as a string of its key */
static const char *sent_fd(json_object *m, size_t i, const char *key)
{
	json_object *fds, *v;

	assert_true(json_object_object_get_ex(m, "fds", &fds));
	assert_true(i < json_object_array_length(fds));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(fds, i), key, &v));
	return v ? json_object_get_string(v) : NULL;
}

static void test_batch_send(void **state)
{
	char dir[] = "/tmp/iommuctl-send-XXXXXX", sock[128], text[1024];
	struct fake_sysfs *fs;
	json_object *all, *m;
	char *out = NULL;
	int ls;

	WRAPPED();
	if (!&__real_sendmsg)
		skip();
	ls = listener(dir, sock, sizeof(sock));
	fs = fake_new();
	fake_driver(fs, "vfio-pci", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	fake_file(fs, "/sys/devices/pci0000:00/0000:00:03.0/vfio-dev/vfio0/dev", "511:0\n");

	/* iommufd: the mode set first, as KubeVirt does, then a device bound, then both sent */
	fake_reset();
	snprintf(text, sizeof(text), "iommufd open\noption rlimit-mode\noption rlimit-mode process\n"
		 "device bind 0000:00:03.0 name=edu\nsend %s\nsend %s edu rlimit-mode=keep timeout=2\n",
		 sock, sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), 0);
	all = json_tokener_parse(out);
	free(out);
	assert_string_equal(member(line_res(all, 1, "ok"), "output", "rlimit_mode"), "user");
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "rlimit_mode"), "process");
	assert_int_equal(fk.rlimit_mode, VFIO_RLIMIT_PROCESS);
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "socket"), sock);
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "socket_type"), "stream");
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "rlimit_mode"), "process");
	/* the last message: the device alone */
	assert_int_equal(fk.nsent_fds, 1);
	assert_int_equal(fk.sent_fds[0], FD_CDEV);
	m = sent_message();
	assert_string_equal(sent_fd(m, 0, "kind"), "device");
	assert_string_equal(sent_fd(m, 0, "path"), "/dev/vfio/devices/vfio0");
	assert_string_equal(sent_fd(m, 0, "address"), "0000:00:03.0");
	assert_string_equal(sent_fd(m, 0, "dev_id"), "7");
	json_object_put(m);
	json_object_put(all);

	/* every fd held, in order: the iommufd, then the device */
	fake_reset();
	snprintf(text, sizeof(text), "option rlimit-mode process\ndevice bind 0000:00:03.0 name=edu\nsend %s\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), false, &out), 0);
	assert_non_null(strstr(out, ": ok    send "));
	assert_non_null(strstr(out, ": 2 fds to "));
	assert_non_null(strstr(out, "(iommufd, edu); RLIMIT_MODE process\n"));
	free(out);
	assert_int_equal(fk.nsent_fds, 2);
	assert_int_equal(fk.sent_fds[0], FD_IOMMU);
	assert_int_equal(fk.sent_fds[1], FD_CDEV);
	m = sent_message();
	assert_string_equal(sent_fd(m, 0, "index"), "0");
	assert_string_equal(sent_fd(m, 0, "kind"), "iommufd");
	assert_string_equal(sent_fd(m, 0, "path"), "/dev/iommu");
	assert_string_equal(sent_fd(m, 0, "rlimit_mode"), "process");
	assert_string_equal(sent_fd(m, 1, "index"), "1");
	assert_string_equal(sent_fd(m, 1, "name"), "edu");
	json_object_put(m);

	/* the mode asked for on an iommufd that holds a device: EBUSY, and what to do */
	fake_reset();
	snprintf(text, sizeof(text), "device bind 0000:00:03.0 name=edu\nsend %s\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EBUSY);
	all = json_tokener_parse(out);
	free(out);
	assert_non_null(strstr(member(line_res(all, 1, "error"), NULL, "message"), "EBUSY"));
	assert_non_null(strstr(member(line_res(all, 1, "error"), NULL, "fix"),
			       "put 'option rlimit-mode process' before the first of them"));
	assert_int_equal(fk.nsent_fds, 0);
	json_object_put(all);

	/* without the privilege (CAP_SYS_RESOURCE) */
	fake_reset();
	fk.rlimit_eperm = true;
	assert_int_equal(batch_out("option rlimit-mode process\n", fake_view(fs), true, &out), -EPERM);
	assert_non_null(strstr(out, "CAP_SYS_RESOURCE"));
	free(out);

	/* a kernel without the option: the iommufd goes as it is, the message says null */
	fake_reset();
	fk.fail_req = IOMMU_OPTION;
	fk.fail_err = EOPNOTSUPP;
	snprintf(text, sizeof(text), "iommufd open\nsend %s\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), 0);
	free(out);
	m = sent_message();
	assert_null(sent_fd(m, 0, "rlimit_mode"));
	json_object_put(m);

	/* legacy: the container, the group, the device opened through it */
	fake_reset();
	snprintf(text, sizeof(text), "container open\ngroup add 1 name=g\ncontainer set-iommu\n"
		 "device open 0000:00:03.0 name=d\nsend %s\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), 0);
	free(out);
	assert_int_equal(fk.nsent_fds, 3);
	assert_int_equal(fk.sent_fds[0], FD_CONTAINER);
	assert_int_equal(fk.sent_fds[1], FD_GROUP);
	assert_int_equal(fk.sent_fds[2], FD_DEVICE);
	m = sent_message();
	assert_string_equal(sent_fd(m, 0, "container_type"), "type1v2");
	assert_string_equal(sent_fd(m, 1, "kind"), "group");
	assert_string_equal(sent_fd(m, 1, "path"), "/dev/vfio/1");
	assert_string_equal(sent_fd(m, 1, "group"), "1");
	assert_null(sent_fd(m, 2, "path"));
	assert_null(sent_fd(m, 2, "dev_id"));
	json_object_put(m);
	/* the group went to the peer: the end of the run leaves it in the container */
	assert_int_equal(called(VFIO_GROUP_UNSET_CONTAINER), 0);

	/* the same run without send takes it out */
	fake_reset();
	assert_int_equal(batch_out("container open\ngroup add 1 name=g\ncontainer set-iommu\n",
				   fake_view(fs), true, &out), 0);
	free(out);
	assert_int_equal(called(VFIO_GROUP_UNSET_CONTAINER), 1);

	/* nothing held; names it does not hold; bad words; no such socket */
	fake_reset();
	snprintf(text, sizeof(text), "send %s\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EINVAL);
	assert_non_null(strstr(out, "nothing to send"));
	free(out);
	snprintf(text, sizeof(text), "iommufd open\nsend %s nosuch\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EIO);
	assert_non_null(strstr(out, "no object named 'nosuch'"));
	free(out);
	snprintf(text, sizeof(text), "iommufd open\nsend %s container\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EIO);
	assert_non_null(strstr(out, "the container is not open"));
	free(out);
	snprintf(text, sizeof(text), "iommufd open\nsend %s rlimit-mode=all\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EUSAGE);
	free(out);
	snprintf(text, sizeof(text), "iommufd open\nsend %s timeout=0\n", sock);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EUSAGE);
	free(out);
	snprintf(text, sizeof(text), "iommufd open\nsend %s/nosuch\n", dir);
	assert_int_equal(batch_out(text, fake_view(fs), true, &out), -EIO);
	assert_non_null(strstr(out, "/nosuch: cannot use it: no such socket"));
	free(out);

	close(ls);
	unlink(sock);
	rmdir(dir);
	fake_free(fs);
	(void)state;
}

/* IOMMU_OPTION_RLIMIT_MODE in vfio status: the mode of a new iommufd, and whether it may be set. */
static void test_status_rlimit_mode(void **state)
{
	struct vfio_status st = { 0 };
	char *d;

	WRAPPED();
	fake_reset();
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "rlimit_mode_option")->avail, VFIO_AVAIL_YES);
	d = cli_vfio_feature_detail(feat(&st, "rlimit_mode_option"));
	assert_string_equal(d, "0 (per user) on a new iommufd; this process may set it");
	free(d);
	vfio_status_release(&st);

	fake_reset();
	fk.rlimit_eperm = true;
	vfio_status_probe(&st);
	assert_int_equal(feat(&st, "rlimit_mode_option")->avail, VFIO_AVAIL_YES);
	assert_int_equal(feat(&st, "rlimit_mode_option")->err, EPERM);
	d = cli_vfio_feature_detail(feat(&st, "rlimit_mode_option"));
	assert_non_null(strstr(d, "EPERM: setting the accounting mode needs CAP_SYS_RESOURCE"));
	free(d);
	vfio_status_release(&st);
	(void)state;
}

static void test_batch_spapr(void **state)
{
	json_object *all;
	int rc;

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	all = run_batch("container set-iommu spapr-v2\n"
			"spapr info\n"
			"spapr register size=65536 name=buf\n"
			"dma map iova=0x1000000 mem=buf name=m32\n"
			"spapr window create page-shift=16 size=0x40000000 levels=2 name=ddw\n"
			"dma map iova=0x800000000000000 mem=buf name=m64\n"
			"dma unmap m64\n"
			"dma unmap m32\n"
			"spapr window remove ddw\n"
			"spapr unregister buf\n"
			"dma ranges\n", &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(json_object_array_length(all), 11);
	for (size_t i = 0; i < 11; i++)
		line_res(all, i, "ok");
	/* dma ranges on a SPAPR container reads the SPAPR layout */
	assert_string_equal(member(line_res(all, 10, "ok"), "output", "dma32_window_size"), "0x80000000");
	assert_int_equal(fk.set_iommu_type, VFIO_SPAPR_TCE_v2_IOMMU);
	assert_string_equal(member(line_res(all, 1, "ok"), "output", "dma32_window_size"), "0x80000000");
	assert_string_equal(member(line_res(all, 1, "ok"), "output", "ddw_page_sizes"),
			    "[ \"4K\", \"64K\", \"16M\" ]");
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "start"), "0x800000000000000");
	assert_int_equal(fk.create.argsz, 40);
	assert_int_equal(fk.create.page_shift, 16);
	assert_int_equal(fk.create.levels, 2);
	assert_int_equal(fk.create.window_size, 0x40000000);
	/* both maps used the registered buffer */
	assert_int_equal(fk.map.vaddr, fk.reg.vaddr);
	assert_int_equal(fk.map.iova, FAKE_DDW_START);
	assert_int_equal(fk.remove.start_addr, FAKE_DDW_START);
	assert_memory_equal(&fk.unreg, &fk.reg, sizeof(fk.reg));
	json_object_put(all);

	/* outside every window: ENXIO, and which windows there are */
	fake_reset();
	fk.spapr = true;
	all = run_batch("container set-iommu spapr-v2\n"
			"spapr register size=4096 name=buf\n"
			"dma map iova=0x90000000 mem=buf\n", &rc);
	assert_int_equal(rc, -ENXIO);
	assert_non_null(strstr(member(line_res(all, 2, "error"), NULL, "message"),
			       "outside the DMA window 0x0-0x7fffffff"));
	assert_string_equal(member(line_res(all, 2, "error"), NULL, "errno_name"), "ENXIO");
	assert_string_equal(member(line_res(all, 2, "error"), NULL, "errno"), "6");
	/* the run's end undoes the registration */
	assert_int_equal(called(VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY), 1);
	json_object_put(all);

	/* v2 maps only registered memory */
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_MAP_DMA;
	fk.fail_err = EINVAL;
	all = run_batch("container set-iommu spapr-v2\n"
			"dma map iova=0x10000 size=65536\n", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(member(line_res(all, 1, "error"), NULL, "message"), "registered memory"));
	json_object_put(all);

	/* EINVAL in a DDW whose TCE pages are larger than the host's (as Linux
	 * 6.12 does on powernv with 4K host pages): the line says so */
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_MAP_DMA;
	fk.fail_err = EINVAL;
	all = run_batch("container set-iommu spapr-v2\n"
			"spapr register size=0x40000 name=buf\n"
			"spapr window create page-shift=24 size=0x40000000 name=big\n"
			"dma map iova=0x800000000000000 mem=buf\n", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(member(line_res(all, 3, "error"), NULL, "message"),
			       "window big has 16384 KiB IOMMU pages"));
	assert_string_equal(member(line_res(all, 3, "error"), NULL, "errno_name"), "EINVAL");
	json_object_put(all);

	/* a window the kernel refuses; spapr lines need a SPAPR container */
	fake_reset();
	fk.spapr = true;
	fk.fail_req = VFIO_IOMMU_SPAPR_TCE_CREATE;
	fk.fail_err = EINVAL;
	all = run_batch("spapr info\n", &rc);
	assert_non_null(strstr(member(line_res(all, 0, "error"), NULL, "message"), "no SPAPR TCE container"));
	assert_non_null(strstr(member(line_res(all, 0, "error"), NULL, "fix"), "spapr-v2"));
	json_object_put(all);
	all = run_batch("container set-iommu spapr-v2\n"
			"spapr window create page-shift=13 size=0x10000000\n", &rc);
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(member(line_res(all, 1, "error"), NULL, "message"),
			       "VFIO_IOMMU_SPAPR_TCE_CREATE: EINVAL"));
	json_object_put(all);
}

/* exec tells the child where each buffer lives: IOMMUCTL_BUFFERS and {va:NAME} */
static void test_batch_exec_buffers(void **state)
{
	char path[] = "/tmp/iommuctl-exec-XXXXXX", text[512], want[256], got[256] = "";
	json_object *all;
	unsigned long long va;
	int fd, rc;
	ssize_t n;

	WRAPPED();
	fake_reset();
	fk.spapr = true;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	snprintf(text, sizeof(text),
		 "container set-iommu spapr-v2\n"
		 "spapr register size=65536 name=buf\n"
		 "dma map iova=0x1000000 mem=buf name=m32\n"
		 "exec -- sh -c 'printf %%s \"$IOMMUCTL_BUFFERS|{va:buf}|{va:nosuch}\" > %s'\n", path);
	all = run_batch(text, &rc);
	assert_int_equal(rc, 0);
	va = (unsigned long long)fk.reg.vaddr;
	snprintf(want, sizeof(want), "0x%llx", va);
	assert_string_equal(member(line_res(all, 1, "ok"), "output", "vaddr"), want);
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "vaddr"), want);
	n = read(fd, got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = 0;
	snprintf(want, sizeof(want), "buf=0x%llx+0x10000 m32=0x%llx+0x10000|0x%llx|{va:nosuch}", va, va, va);
	assert_string_equal(got, want);
	close(fd);
	unlink(path);
	json_object_put(all);
	(void)state;
}

/*
 * A provisioning script: ordinary commands (group list, group show) and the
 * batch language (the container, the group, the device, a map) in one run,
 * matched like the command line (prefixes; key=value and --key both), in one
 * JSON array whose lines hold each command's own document, or in text, each
 * output followed by its status line.
 */
static void test_batch_ordinary_lines(void **state)
{
	static const char script[] =
		"group list -o GROUP,DEVICES\n"
		"container open\n"
		"gr add 1 name=g\n"
		"container set-iommu\n"
		"device open 0000:00:03.0 --name=edu\n"
		"dma m iova=0x100000 size=0x2000 readonly\n"
		"group show 1\n";
	struct fake_sysfs *fs;
	json_object *all, *l, *v;
	char *text = NULL;

	WRAPPED();
	fake_reset();
	fs = fake_new();
	fake_driver(fs, "vfio-pci", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	assert_int_equal(batch_out(script, fake_view(fs), true, &text), 0);
	all = json_tokener_parse(text);
	free(text);
	assert_non_null(all);
	assert_int_equal(json_object_array_length(all), 7);
	for (size_t i = 0; i < 7; i++)
		line_res(all, i, "ok");
	/* group list: its own {"groups": [...]} as the line's result */
	l = line_res(all, 0, "ok");
	assert_true(json_object_object_get_ex(l, "output", &v));
	assert_true(json_object_object_get_ex(v, "groups", &v));
	assert_int_equal(json_object_array_length(v), 1);
	assert_string_equal(member(json_object_array_get_idx(v, 0), NULL, "group"), "1");
	assert_string_equal(member(json_object_array_get_idx(v, 0), NULL, "ndevices"), "1");
	/* the batch lines in between */
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "name"), "g");
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "group"), "1");
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "name"), "edu");
	assert_string_equal(member(line_res(all, 5, "ok"), "output", "iova"), "0x100000");
	assert_int_equal(called(VFIO_IOMMU_MAP_DMA), 1);
	assert_int_equal(fk.map.size, 0x2000);
	assert_int_equal(fk.map.flags, VFIO_DMA_MAP_FLAG_READ);
	/* group show: a detail view's document */
	assert_string_equal(member(line_res(all, 6, "ok"), "output", "group"), "1");
	assert_string_equal(member(line_res(all, 6, "ok"), "output", "type"), "DMA");
	json_object_put(all);

	/* text: each command's output, then its status line */
	fake_reset();
	assert_int_equal(batch_out(script, fake_view(fs), false, &text), 0);
	assert_non_null(strstr(text, "GROUP DEVICES\n    1       1\n"));
	assert_non_null(strstr(text, ":1: ok    group list -o GROUP,DEVICES\n"));
	assert_non_null(strstr(text, ":3: ok    gr add 1 name=g: group 1 in the container\n"));
	assert_non_null(strstr(text, ":6: ok    dma m iova=0x100000 size=0x2000 readonly: map map1: IOVA 0x100000, 8192 bytes\n"));
	assert_non_null(strstr(text, "group: 1\ntype: DMA\n"));
	assert_non_null(strstr(text, "7 ok, 0 failed\n"));
	free(text);
	fake_free(fs);
	(void)state;
}

/* The iommufd lines, each once, with what each reports. */
static void test_batch_iommufd(void **state)
{
	static const char script[] =
		"iommufd open\n"
		"ioas alloc name=a\n"
		"device bind 0000:00:03.0 name=edu\n"
		"device attach edu a\n"
		"ioas ranges a\n"
		"ioas allow-iovas a 0x10000000+0x1000 0x20000000-0x20000fff\n"
		"ioas map a size=0x2000 iova=0x200000 name=m\n"
		"hw-info edu\n"
		"hwpt alloc edu a pasid dirty name=h\n"
		"pasid attach edu 5 h\n"
		"pasid detach edu 5\n"
		"option sw-msi edu start=0x8000000 size=1\n"
		"ioas unmap a m\n"
		"device detach edu\n"
		"destroy h\n"
		"ioas map a size=4097\n";
	struct fake_sysfs *fs;
	json_object *all, *l, *v;
	char *text = NULL;

	WRAPPED();
	fake_reset();
	fs = fake_new();
	fake_driver(fs, "vfio-pci", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	fake_file(fs, "/sys/devices/pci0000:00/0000:00:03.0/vfio-dev/vfio0/dev", "511:0\n");
	assert_int_equal(batch_out(script, fake_view(fs), true, &text), -EUSAGE);
	all = json_tokener_parse(text);
	free(text);
	assert_non_null(all);
	/* 16 lines, then the error object of the last */
	assert_int_equal(json_object_array_length(all), 17);
	assert_string_equal(member(line_res(all, 0, "ok"), "output", "fd"), "1001");
	assert_string_equal(member(line_res(all, 1, "ok"), "output", "ioas_id"), "2");
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "dev_id"), "7");
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "device"), "0000:00:03.0");
	assert_string_equal(member(line_res(all, 3, "ok"), "output", "pt_id"), "3");
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "alignment"), "4096");
	l = line_res(all, 5, "ok");
	assert_true(json_object_object_get_ex(l, "output", &v));
	assert_true(json_object_object_get_ex(v, "allowed", &v));
	assert_string_equal(member(json_object_array_get_idx(v, 1), NULL, "last"), "0x20000fff");
	assert_string_equal(member(line_res(all, 6, "ok"), "output", "iova"), "0x200000");
	assert_string_equal(member(line_res(all, 7, "ok"), "output", "max_pasid_log2"), "20");
	assert_string_equal(member(line_res(all, 8, "ok"), "output", "flags"), "0xa");
	assert_string_equal(member(line_res(all, 9, "ok"), "output", "pasid_number"), "5");
	assert_int_equal(fk.last_attach_pasid, 5);
	assert_string_equal(member(line_res(all, 11, "ok"), "output", "sw_msi_size_mb"), "1");
	assert_string_equal(member(line_res(all, 12, "ok"), "output", "unmapped_bytes"), "8192");
	line_res(all, 13, "ok");
	line_res(all, 14, "ok");
	/* a usage error: no errno, the message */
	l = line_res(all, 15, "error");
	assert_true(json_object_object_get_ex(l, "errno", &v));
	assert_null(v);
	assert_string_equal(member(l, NULL, "message"), "size=4097: not a positive multiple of 4096");
	assert_string_equal(member(json_object_array_get_idx(all, 16), "error", "exit"), "2");
	json_object_put(all);
	fake_free(fs);
	(void)state;
}

/* ---- the command line: vfio status and probe as printed ---- */

/*
 * Run `OBJECT VERB OPTION... [ADDR]` (v: the verb's row) as the command
 * line would, on the fake kernel and on a fake sysfs where 0000:00:03.0
 * (group 1) is bound to vfio-pci with the cdev vfio0; mode 0 text, 1 -j,
 * 2 -j -p. Returns stdout. With $IOMMUCTL_JSON_SAMPLES set, a JSON document
 * is also kept there as NAME.json (NAME-pretty.json with -p), for
 * tests/cli/test-json-schema.sh to validate against its schema.
 */
static char *run_cli_verb(const char *name, int mode, const struct cli_verb *v, bool with_addr,
			  const char *const *opts, int *rc)
{
	struct argp a = { .options = v->options, .parser = v->parser };
	struct fake_sysfs *fs = fake_new();
	char dev[] = "0000:00:03.0", *argv[8] = { (char *)v->name }, *addr[] = { dev, NULL };
	const char *dir = getenv("IOMMUCTL_JSON_SAMPLES");
	struct iommuctl_ctx ctx;
	char *out = NULL, *err = NULL;
	size_t outn = 0, errn = 0;
	void *o = xcalloc(1, v->opts_size ? v->opts_size : 1);
	int argc = 1;

	for (; opts && opts[argc - 1]; argc++)
		argv[argc] = (char *)opts[argc - 1];
	if (v->parser)
		assert_int_equal(argp_parse(&a, argc, argv, ARGP_NO_EXIT | ARGP_NO_HELP | ARGP_SILENT, NULL, o), 0);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	fake_file(fs, "/sys/devices/pci0000:00/0000:00:03.0/vfio-dev/vfio0/dev", "511:0\n");
	ctx_init(&ctx);
	ctx.json = mode > 0;
	ctx.pretty = mode > 1;
	ctx.view = fake_view(fs);
	ctx.outf = open_memstream(&out, &outn);
	ctx.errf = open_memstream(&err, &errn);
	*rc = ctx_finish(&ctx, v->run(&ctx, o, with_addr ? 1 : 0, addr));
	fclose(ctx.outf);
	fclose(ctx.errf);
	ctx_release(&ctx);
	fake_free(fs);
	free(o);
	free(err);
	if (dir && mode) {
		char *path = xasprintf("%s/%s%s.json", dir, name, mode > 1 ? "-pretty" : "");
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(out, f);
		fclose(f);
		free(path);
	}
	return out;
}

/* `vfio status` (verb 0) or `vfio probe ADDR` (verb 1): see run_cli_verb(). */
static char *run_vfio_cli(const char *name, int mode, int verb, const char *const *opts, int *rc)
{
	return run_cli_verb(name, mode, &cli_object_vfio.verbs[verb], verb != 0, opts, rc);
}

/* The JSON document of a run, and one member by a dotted path ("legacy.why"). */
static json_object *cli_json(const char *name, int verb, const char *const *opts, int *rc)
{
	char *out = run_vfio_cli(name, 2, verb, opts, rc);
	json_object *j;

	free(out);
	out = run_vfio_cli(name, 1, verb, opts, rc);
	j = json_tokener_parse(out);
	assert_non_null(j);
	free(out);
	return j;
}

static json_object *jpath(json_object *j, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k; k = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(j, k, &j))
			fail_msg("no %s in %s", k, path);
	free(copy);
	return j;
}

static const char *jstr(json_object *j, const char *path)
{
	return json_object_get_string(jpath(j, path));
}

/* A status row by key. */
static json_object *jfeat(json_object *st, const char *key)
{
	json_object *rows = jpath(st, "kernel_features");

	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);

		if (!strcmp(jstr(r, "key"), key))
			return r;
	}
	fail_msg("no status row %s", key);
	return NULL;
}

static void test_cli_probe(void **state)
{
	static const char *const legacy[] = { "--path", "legacy", NULL };
	static const char *const legacy_msi[] = { "--path", "legacy", "--msi-check", NULL };
	static const char *const iommufd_only[] = { "--path", "iommufd", NULL };
	static const char *const spapr_outside[] = { "--path", "legacy", "--iova", "0x90000000", NULL };
	json_object *j, *steps;
	char *text;
	int rc;

	WRAPPED();
	fake_reset();
	j = cli_json("vfio-probe-iommufd", 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(jstr(j, "path_used"), "iommufd");
	assert_false(json_object_get_boolean(jpath(j, "legacy.attempted")));
	assert_int_equal(json_object_get_int(jpath(j, "hw_info.max_pasid_log2")), 20);
	json_object_put(j);

	/* no /dev/iommu: the legacy path, and why iommufd failed, errno as number and name */
	fake_reset();
	fk.have_iommu = false;
	j = cli_json("vfio-probe-fallback", 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(jstr(j, "path_used"), "legacy");
	assert_int_equal(json_object_get_int(jpath(j, "iommufd.errno")), ENOENT);
	assert_string_equal(jstr(j, "iommufd.errno_name"), "ENOENT");
	assert_non_null(strstr(jstr(j, "iommufd.why"), "CONFIG_IOMMUFD"));
	json_object_put(j);
	fake_reset();
	fk.have_iommu = false;
	text = run_vfio_cli("", 0, 1, NULL, &rc);
	assert_non_null(strstr(text, "iommufd + cdev: FAILED\n  FAIL  open /dev/iommu: ENOENT: "));
	assert_non_null(strstr(text, "legacy group + container: ok\n"));
	free(text);

	/* both fail: the document ends with the error object */
	fake_reset();
	fk.have_iommu = false;
	fk.group_viable = false;
	j = cli_json("vfio-probe-both-fail", 1, NULL, &rc);
	assert_int_not_equal(rc, 0);
	assert_string_equal(jstr(j, "legacy.failed_op"), "VFIO_GROUP_GET_STATUS");
	assert_int_equal(json_object_get_int(jpath(j, "error.exit")), rc);
	json_object_put(j);

	/* the MSI window refused: an expected failure, a step that is ok */
	fake_reset();
	fk.fail_req = VFIO_IOMMU_MAP_DMA;
	fk.fail_err = EINVAL;
	fk.fail_iova = 0xfee00000;
	j = cli_json("vfio-probe-msi-refused", 1, legacy_msi, &rc);
	assert_int_equal(rc, 0);
	assert_true(json_object_get_boolean(jpath(j, "msi_check.refused")));
	assert_string_equal(jstr(j, "msi_check.errno_name"), "EINVAL");
	steps = jpath(j, "legacy.steps");
	for (size_t i = 0; i < json_object_array_length(steps); i++)
		if (json_object_get_boolean(jpath(json_object_array_get_idx(steps, i), "expected_failure")))
			assert_true(json_object_get_boolean(jpath(json_object_array_get_idx(steps, i), "ok")));
	json_object_put(j);

	/* ...and accepted: the path fails, and says so */
	fake_reset();
	j = cli_json("vfio-probe-msi-accepted", 1, legacy_msi, &rc);
	assert_int_not_equal(rc, 0);
	assert_false(json_object_get_boolean(jpath(j, "msi_check.refused")));
	assert_string_equal(jstr(j, "legacy.why"), "a map inside the MSI window was accepted");
	json_object_put(j);

	/* hardware info unavailable: recorded with its errno, not a failure */
	fake_reset();
	fk.fail_req = IOMMU_GET_HW_INFO;
	fk.fail_err = EOPNOTSUPP;
	j = cli_json("vfio-probe-no-hw-info", 1, iommufd_only, &rc);
	assert_int_equal(rc, 0);
	assert_true(json_object_get_boolean(jpath(j, "iommufd.ok")));
	json_object_put(j);

	/* SPAPR TCE: the windows, and a map outside them */
	fake_reset();
	fk.spapr = true;
	j = cli_json("vfio-probe-spapr", 1, legacy, &rc);
	assert_int_equal(rc, 0);
	assert_true(json_object_get_boolean(jpath(j, "spapr.ddw_created")));
	json_object_put(j);
	fake_reset();
	fk.spapr = true;
	j = cli_json("vfio-probe-spapr-outside", 1, spapr_outside, &rc);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(jstr(j, "legacy.why"), "outside the DMA window 0x0-0x7fffffff"));
	json_object_put(j);
	(void)state;
}

/* vfio caps on the fake kernel: what was probed, in the report's own keys. */
static void test_cli_caps(void **state)
{
	json_object *j, *d;
	char *out;
	int rc;

	WRAPPED();
	fake_reset();
	out = run_cli_verb("vfio-caps-fake", 2, &cli_object_vfio.verbs[2], false, NULL, &rc);
	free(out);
	out = run_cli_verb("vfio-caps-fake", 1, &cli_object_vfio.verbs[2], false, NULL, &rc);
	assert_int_equal(rc, 0);
	j = json_tokener_parse(out);
	assert_non_null(j);
	free(out);
	assert_false(json_object_get_boolean(jpath(j, "offline")));
	assert_true(json_object_get_boolean(jpath(j, "iommufd.available")));
	assert_string_equal(jstr(j, "iommufd.rlimit_mode"), "user");
	assert_true(json_object_get_boolean(jpath(j, "iommufd.settable")));
	assert_string_equal(json_object_get_string(json_object_array_get_idx(jpath(j, "legacy.container_types"), 0)),
			    "type1v2");
	assert_int_equal(json_object_array_length(jpath(j, "devices")), 1);
	d = json_object_array_get_idx(jpath(j, "devices"), 0);
	assert_string_equal(jstr(d, "pciBusID"), "0000:00:03.0");
	assert_int_equal(json_object_get_int(jpath(d, "iommuGroup")), 1);
	assert_string_equal(jstr(d, "cdi_name"), "0000-00-03.0");
	json_object_put(j);

	/* a process without CAP_SYS_RESOURCE: it may not set the mode */
	fake_reset();
	fk.rlimit_eperm = true;
	out = run_cli_verb("vfio-caps-eperm", 1, &cli_object_vfio.verbs[2], false, NULL, &rc);
	j = json_tokener_parse(out);
	free(out);
	assert_false(json_object_get_boolean(jpath(j, "iommufd.settable")));
	json_object_put(j);
	(void)state;
}

static void test_cli_status(void **state)
{
	json_object *j, *rows;
	char *text;
	int rc;

	WRAPPED();
	fake_reset();
	j = cli_json("vfio-status-all", 0, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_false(json_object_get_boolean(jpath(j, "offline")));
	assert_true(json_object_get_boolean(jpath(jfeat(j, "viommu"), "available")));
	/* unknown: null, not a string */
	assert_null(jpath(jfeat(j, "pasid_attach"), "available"));
	assert_string_equal(jstr(jfeat(j, "container"), "detail"), "API version 0");
	json_object_put(j);

	fake_reset();
	fk.fail_req = IOMMU_VIOMMU_ALLOC;
	fk.fail_err = ENOTTY;
	j = cli_json("vfio-status-no-viommu", 0, NULL, &rc);
	assert_false(json_object_get_boolean(jpath(jfeat(j, "viommu"), "available")));
	assert_int_equal(json_object_get_int(jpath(jfeat(j, "viommu"), "errno")), ENOTTY);
	assert_string_equal(jstr(jfeat(j, "viommu"), "errno_name"), "ENOTTY");
	assert_string_equal(jstr(jfeat(j, "viommu"), "detail"), "ENOTTY: the kernel predates it (v6.13)");
	json_object_put(j);
	fake_reset();
	fk.fail_req = IOMMU_VIOMMU_ALLOC;
	fk.fail_err = ENOTTY;
	text = run_vfio_cli("", 0, 0, NULL, &rc);
	assert_non_null(strstr(text, "\nvIOMMU (IOMMU_VIOMMU_ALLOC)                      no      "
			       "ENOTTY: the kernel predates it (v6.13)\n"));
	free(text);

	/* nothing at all: every row absent, each with its reason */
	fake_reset();
	fk.have_iommu = fk.have_container = false;
	j = cli_json("vfio-status-nothing", 0, NULL, &rc);
	rows = jpath(j, "kernel_features");
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *r = json_object_array_get_idx(rows, i);

		assert_false(json_object_get_boolean(jpath(r, "available")));
		assert_non_null(jstr(r, "detail"));
	}
	json_object_put(j);

	fake_reset();
	fk.spapr = true;
	j = cli_json("vfio-status-spapr", 0, NULL, &rc);
	assert_true(json_object_get_boolean(jpath(jfeat(j, "container_spapr_tce_v2"), "available")));
	json_object_put(j);
	(void)state;
}

/* msi sw-window: the window set on the device, as the kernel reads it back */
static void test_cli_msi_sw_window(void **state)
{
	static const char *const opts[] = { "--start=0x8000000", "--size=2", NULL };
	const struct cli_verb *v = cli_object_msi.verbs;
	char *out;
	int rc;

	WRAPPED();
	while (strcmp(v->name, "sw-window"))
		v++;
	fake_reset();
	out = run_cli_verb("msi-sw-window", 1, v, true, opts, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "{\"device\":\"0000:00:03.0\",\"sw_msi_start\":\"0x8000000\","
			    "\"sw_msi_size_mb\":2,\"note\":\"per iommufd: the setting ends with this "
			    "command; use it in a batch before 'device attach' to keep it\"}\n");
	free(out);
	free(run_cli_verb("msi-sw-window", 2, v, true, opts, &rc));
	assert_int_equal(rc, 0);
	/* a kernel without the option: refused, nothing printed but the error */
	fake_reset();
	fk.fail_req = IOMMU_OPTION;
	fk.fail_err = EOPNOTSUPP;
	out = run_cli_verb("error-msi-sw-window", 1, v, true, opts, &rc);
	assert_int_equal(rc, EXIT_UNSUPPORTED);
	assert_true(str_startswith(out, "{\"error\":{\"message\":\"this kernel has no IOMMU_OPTION_SW_MSI"));
	free(out);
	(void)state;
}

/* ---- the newer iommufd (v6.13+): status, probe, batch ---- */

static const struct vfio_feature *pfeat(const struct vfio_probe_result *res, const char *key)
{
	for (size_t i = 0; i < res->feats.n; i++)
		if (!strcmp(res->feats.features[i].key, key))
			return &res->feats.features[i];
	return NULL;
}

static const struct vfio_step *pstep(const struct vfio_path_run *p, enum vfio_step_kind kind)
{
	for (size_t i = 0; i < p->nsteps; i++)
		if (p->steps[i].kind == kind)
			return &p->steps[i];
	return NULL;
}

static const char *pdetail(const struct vfio_probe_result *res, const char *key)
{
	static char *last;

	free(last);
	last = cli_vfio_probe_feature_detail(res, pfeat(res, key));
	return last ? last : "";
}

static bool destroyed_before(uint32_t a, uint32_t b)
{
	int ia = -1, ib = -1;

	for (int i = 0; i < fk.ndestroyed; i++) {
		if (fk.destroyed[i] == a && ia < 0)
			ia = i;
		if (fk.destroyed[i] == b && ib < 0)
			ib = i;
	}
	return ia >= 0 && ib >= 0 && ia < ib;
}

static void test_status_map_file(void **state)
{
	struct vfio_status st = { 0 };
	const struct vfio_feature *f;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	vfio_status_probe(&st);
	f = feat(&st, "ioas_map_file");
	assert_int_equal(f->avail, VFIO_AVAIL_YES);
	assert_int_equal(f->val[0], 0x7000000);
	/* a page of a real memfd, from offset 0, where the kernel chooses, into the IOAS */
	assert_int_equal(fk.map_file.size, sizeof(struct iommu_ioas_map_file));
	assert_int_equal(fk.map_file.length, 4096);
	assert_int_equal(fk.map_file.start, 0);
	assert_int_equal(fk.map_file.ioas_id, 2);
	assert_true(fk.map_file.fd >= 0);
	assert_int_equal(fk.map_file.flags & IOMMU_IOAS_MAP_FIXED_IOVA, 0);
	assert_int_equal(fk.map_file.flags & (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE),
			 IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE);
	assert_non_null(strstr(detail_of(f), "memfd page was mapped at IOVA 0x7000000"));
	/* IOMMU_VDEVICE_ALLOC answers ENOENT for vIOMMU 0: it exists */
	assert_int_equal(feat(&st, "vdevice")->avail, VFIO_AVAIL_YES);
	vfio_status_release(&st);

	/* a kernel before 6.13: ENOTTY, said as such */
	fake_reset();
	fk.newer = true;
	fk.map_file_err = ENOTTY;
	vfio_status_probe(&st);
	f = feat(&st, "ioas_map_file");
	assert_int_equal(f->avail, VFIO_AVAIL_NO);
	assert_int_equal(f->err, ENOTTY);
	assert_string_equal(detail_of(f), "ENOTTY: the kernel predates it (v6.13)");
	vfio_status_release(&st);

	/* another refusal leaves it unknown, with the errno explained */
	fake_reset();
	fk.newer = true;
	fk.map_file_err = EINVAL;
	vfio_status_probe(&st);
	f = feat(&st, "ioas_map_file");
	assert_int_equal(f->avail, VFIO_AVAIL_UNKNOWN);
	assert_non_null(strstr(detail_of(f), "EINVAL: the file cannot be pinned"));
	vfio_status_release(&st);
}

/* VT-d in scalable mode without nesting (QEMU's intel-iommu): no vIOMMU, said why */
static void test_probe_newer_vtd(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	fk.nest_err = EOPNOTSUPP;
	fk.viommu_err = EOPNOTSUPP;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(pfeat(&res, "ioas_map_file")->avail, VFIO_AVAIL_YES);
	assert_int_equal(fk.map_file.length, 4096);
	assert_int_equal(pfeat(&res, "hwpt_pasid")->avail, VFIO_AVAIL_YES);
	assert_int_equal(pfeat(&res, "hwpt_pasid")->val[0], 20);
	assert_int_equal(pfeat(&res, "hwpt_nest_parent")->avail, VFIO_AVAIL_NO);
	assert_int_equal(pfeat(&res, "hwpt_nest_parent")->err, EOPNOTSUPP);
	assert_non_null(strstr(pdetail(&res, "hwpt_nest_parent"), "cannot nest (ECAP.NEST, bit 26, is clear)"));
	/* the vIOMMU asked with no HWPT: the driver is asked first */
	assert_int_equal(fk.viommu.hwpt_id, 0);
	assert_int_equal(fk.viommu.dev_id, 7);
	assert_int_equal(fk.viommu.type, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
	assert_int_equal(pfeat(&res, "viommu")->avail, VFIO_AVAIL_NO);
	assert_non_null(strstr(pdetail(&res, "viommu"), "EOPNOTSUPP: the intel-vtd IOMMU driver implements no vIOMMU"));
	/* nothing on a vIOMMU that is not there, and no PASID unless asked */
	assert_null(pfeat(&res, "vdevice"));
	assert_null(pfeat(&res, "veventq"));
	assert_null(pfeat(&res, "pasid_attach"));
	/* optional: the path is ok */
	assert_true(res.iommufd.ok);
	/* the PASID HWPT goes before its IOAS */
	assert_true(destroyed_before(20, 2));
	vfio_probe_result_release(&res);

	/* a driver with vIOMMUs but no nest parent: ENOENT, read as such */
	fake_reset();
	fk.newer = true;
	fk.nest_err = EOPNOTSUPP;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(pfeat(&res, "viommu")->err, ENOENT);
	assert_non_null(strstr(pdetail(&res, "viommu"), "needs a nest-parent HWPT, which this IOMMU refused (EOPNOTSUPP)"));
	vfio_probe_result_release(&res);

	/*
	 * AMD-Vi as QEMU 11.1 emulates it (EFR 0x29d7: GTSup but no GIOSup;
	 * EFR2 0): the bits Linux 7.2's driver checks, named
	 */
	fake_reset();
	fk.newer = true;
	fk.amd_efr = 0x29d7;
	fk.hwpt_pasid_err = EOPNOTSUPP;
	fk.nest_err = EOPNOTSUPP;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_string_equal(pdetail(&res, "hwpt_nest_parent"), "EOPNOTSUPP: this AMD-Vi unit cannot nest: the "
			    "driver wants EFR.GTSup (bit 4, set), EFR.GIOSup (bit 48, clear) and EFR2.GCR3TRPMode "
			    "(bit 3, clear)");
	assert_string_equal(pdetail(&res, "hwpt_pasid"), "EOPNOTSUPP: a PASID-compatible domain needs AMD v2 page "
			    "tables and PPR: EFR.GTSup (bit 4, set), GIOSup (bit 48, clear), PPRSup (bit 1, set), "
			    "EPHSup (bit 50, clear)");
	vfio_probe_result_release(&res);

	/* a 6.12 kernel: the newer ioctls unknown; still optional */
	fake_reset();
	fk.newer = true;
	fk.map_file_err = ENOTTY;
	fk.hwpt_pasid_err = EOPNOTSUPP;
	fk.nest_err = EOPNOTSUPP;
	fk.viommu_err = ENOTTY;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(pfeat(&res, "ioas_map_file")->avail, VFIO_AVAIL_NO);
	assert_int_equal(pfeat(&res, "viommu")->avail, VFIO_AVAIL_NO);
	assert_non_null(strstr(pdetail(&res, "viommu"), "ENOTTY"));
	vfio_probe_result_release(&res);
}

/*
 * Linux 7.2's RISC-V IOMMU driver, as the riscv64 rebuild of test-vm-vfio
 * answers: IOMMU_GET_HW_INFO of type none (no hw_info op), EOPNOTSUPP for
 * every HWPT flag (no domain_alloc_paging_flags) and for the vIOMMU, and a
 * PASID then refused on the IOAS's own HWPT (EINVAL): each said for
 * riscv-iommu, by the unit's kind, not as VT-d's or SMMUv3's reasons.
 */
static void test_probe_newer_riscv(void **state)
{
	struct vfio_probe_req req = base_req;
	struct vfio_probe_result res;
	const struct vfio_step *s;
	char *t;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	fk.hw_none = true;
	fk.hwpt_pasid_err = EOPNOTSUPP;
	fk.nest_err = EOPNOTSUPP;
	fk.viommu_err = EOPNOTSUPP;
	fk.pasid_attach_err = EINVAL;
	req.iommu_kind = "riscv-iommu";
	req.pasid = 1;
	assert_int_equal(vfio_probe_run(&req, &res), -EINVAL);
	assert_true(res.have_hw_info);
	assert_int_equal(res.hw.data_type, IOMMU_HW_INFO_TYPE_NONE);
	assert_string_equal(res.hw.type_name, "none");
	s = pstep(&res.iommufd, VSTEP_HW_INFO);
	assert_non_null(s);
	t = cli_vfio_step_result(&res, s);
	assert_string_equal(t, "type none (the riscv-iommu driver has no hw_info op: no driver data), capabilities "
			    "0x8 (PCI_ATS_NOT_SUPPORTED), PASID width 0 bits");
	free(t);
	t = cli_vfio_hw_info_detail(&res);
	assert_non_null(strstr(t, "the riscv-iommu driver has no hw_info op: IOMMU_GET_HW_INFO succeeds with type "
			       "none and no driver data"));
	free(t);
	assert_string_equal(pdetail(&res, "hwpt_pasid"), "EOPNOTSUPP: the RISC-V IOMMU driver (riscv-iommu) has no "
			    "PASIDs: it has no domain_alloc_paging_flags, so iommufd refuses IOMMU_HWPT_ALLOC_PASID (as "
			    "any HWPT flag), and its device contexts have no process directory (no set_dev_pasid)");
	assert_non_null(strstr(pdetail(&res, "hwpt_nest_parent"), "EOPNOTSUPP: the RISC-V IOMMU driver "
			       "(riscv-iommu) cannot nest: it has no domain_alloc_paging_flags"));
	assert_null(strstr(pdetail(&res, "hwpt_nest_parent"), "VT-d"));
	assert_non_null(strstr(pdetail(&res, "viommu"), "EOPNOTSUPP: the riscv-iommu IOMMU driver implements no vIOMMU"));
	/* the PASID went to the IOAS's own HWPT (2), which is not PASID-compatible */
	assert_int_equal(fk.pasid_pt, 2);
	assert_non_null(strstr(pdetail(&res, "pasid_attach"), "EINVAL: PASID 1 went to the IOAS's own HWPT 2, which "
			       "is not PASID-compatible (this IOMMU refused IOMMU_HWPT_ALLOC_PASID: EOPNOTSUPP)"));
	vfio_probe_result_release(&res);

	/* any other type keeps its own name; a kind without a type-none answer is not RISC-V's */
	fake_reset();
	fk.newer = true;
	fk.nest_err = EOPNOTSUPP;
	fk.viommu_err = EOPNOTSUPP;
	fk.hwpt_pasid_err = EOPNOTSUPP;
	req.pasid = 0;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	assert_null(cli_vfio_hw_info_detail(&res));
	assert_non_null(strstr(pdetail(&res, "viommu"), "the intel-vtd IOMMU driver"));
	assert_non_null(strstr(pdetail(&res, "hwpt_nest_parent"), "ECAP.NEST"));
	vfio_probe_result_release(&res);
	t = cli_vfio_hw_caps_text(0x9 | 0x100);
	assert_string_equal(t, "DIRTY_TRACKING, PCI_ATS_NOT_SUPPORTED, 0x100 unknown");
	free(t);
}

/* A nesting IOMMU: vIOMMU on the nest parent, a vDEVICE and an event queue; all undone */
static void test_probe_newer_viommu(void **state)
{
	struct vfio_probe_result res;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(pfeat(&res, "hwpt_nest_parent")->val[0], 21);
	assert_int_equal(fk.viommu.hwpt_id, 21);
	assert_int_equal(pfeat(&res, "viommu")->avail, VFIO_AVAIL_YES);
	assert_non_null(strstr(pdetail(&res, "viommu"), "vIOMMU 30 of type arm-smmuv3 on nest-parent HWPT 21"));
	assert_int_equal(fk.vdevice.viommu_id, 30);
	assert_int_equal(fk.vdevice.dev_id, 7);
	assert_int_equal(pfeat(&res, "vdevice")->avail, VFIO_AVAIL_YES);
	assert_int_equal(fk.veventq.viommu_id, 30);
	assert_int_equal(fk.veventq.type, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
	assert_int_equal(pfeat(&res, "veventq")->avail, VFIO_AVAIL_YES);
	/* undone in reverse: queue, vDEVICE, vIOMMU, HWPTs, IOAS */
	assert_true(destroyed_before(32, 31));
	assert_true(destroyed_before(31, 30));
	assert_true(destroyed_before(30, 21));
	assert_true(destroyed_before(21, 2));
	assert_true(destroyed_before(20, 2));
	vfio_probe_result_release(&res);

	/* the vDEVICE refused: the queue is still tried, the probe still ok */
	fake_reset();
	fk.newer = true;
	fk.vdevice_err = EINVAL;
	assert_int_equal(vfio_probe_run(&base_req, &res), 0);
	assert_int_equal(pfeat(&res, "vdevice")->avail, VFIO_AVAIL_UNKNOWN);
	assert_non_null(strstr(pdetail(&res, "vdevice"), "another physical IOMMU"));
	assert_non_null(pfeat(&res, "veventq"));
	vfio_probe_result_release(&res);
}

static void test_probe_pasid(void **state)
{
	struct vfio_probe_req req = base_req;
	struct vfio_probe_result res;
	const struct vfio_step *s;
	char *why;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	req.pasid = 5;
	req.path = VFIO_PATH_IOMMUFD_CDEV;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	/* the device itself moved onto the PASID HWPT, then PASID 5 attached to it */
	s = pstep(&res.iommufd, VSTEP_REATTACH_PASID_HWPT);
	assert_non_null(s);
	assert_int_equal(s->v[0], 20);
	assert_int_equal(fk.pasid_pt, 20);
	assert_int_equal(fk.last_attach_pasid, 5);
	assert_int_equal(pfeat(&res, "pasid_attach")->avail, VFIO_AVAIL_YES);
	assert_non_null(strstr(pdetail(&res, "pasid_attach"), "PASID 5 attached to HWPT 20 and detached"));
	/* detached with the PASID flag and the 12-byte struct */
	assert_int_equal(fk.last_detach_pasid, 5);
	assert_int_equal(pstep(&res.iommufd, VSTEP_PASID_DETACH)->err, 0);
	assert_true(destroyed_before(20, 2));
	vfio_probe_result_release(&res);

	/* refused (a 6.12 kernel says EINVAL): the probe fails there, the device is let go */
	fake_reset();
	fk.newer = true;
	fk.pasid_attach_err = EINVAL;
	assert_int_equal(vfio_probe_run(&req, &res), -EINVAL);
	assert_false(res.legacy.attempted);
	assert_int_equal(res.iommufd.failed_op, VOP_ATTACH_PASID);
	assert_int_equal(pfeat(&res, "pasid_attach")->avail, VFIO_AVAIL_UNKNOWN);
	why = cli_vfio_path_why(&res, &res.iommufd);
	assert_non_null(strstr(why, "attach PASID 5 to 20 failed: EINVAL:"));
	assert_non_null(strstr(why, "PASID-compatible"));
	free(why);
	assert_true(destroyed_before(20, 2));
	vfio_probe_result_release(&res);

	/* no PASID HWPT: the PASID goes to the IOAS, the kernel decides */
	fake_reset();
	fk.newer = true;
	fk.hwpt_pasid_err = EOPNOTSUPP;
	assert_int_equal(vfio_probe_run(&req, &res), 0);
	assert_null(pstep(&res.iommufd, VSTEP_REATTACH_PASID_HWPT));
	assert_int_equal(fk.pasid_pt, 2);
	vfio_probe_result_release(&res);
}

static void test_cli_probe_newer(void **state)
{
	static const char *const pasid[] = { "--pasid", "5", NULL };
	static const char *const bad[] = { "--pasid", "0", NULL };
	static const char *const legacy_pasid[] = { "--path", "legacy", "--pasid", "5", NULL };
	json_object *j, *l;
	char *text;
	int rc;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	fk.nest_err = EOPNOTSUPP;
	fk.viommu_err = EOPNOTSUPP;
	j = cli_json("vfio-probe-newer", 1, pasid, &rc);
	assert_int_equal(rc, 0);
	l = jpath(j, "iommufd_features");
	assert_int_equal(json_object_array_length(l), 5);
	assert_string_equal(jstr(json_object_array_get_idx(l, 3), "key"), "viommu");
	assert_false(json_object_get_boolean(jpath(json_object_array_get_idx(l, 3), "available")));
	assert_string_equal(jstr(json_object_array_get_idx(l, 3), "errno_name"), "EOPNOTSUPP");
	assert_string_equal(jstr(json_object_array_get_idx(l, 4), "key"), "pasid_attach");
	assert_true(json_object_get_boolean(jpath(json_object_array_get_idx(l, 4), "available")));
	json_object_put(j);
	fake_reset();
	fk.newer = true;
	fk.nest_err = EOPNOTSUPP;
	fk.viommu_err = EOPNOTSUPP;
	text = run_vfio_cli("", 0, 1, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "newer iommufd on this device:\n  IOMMU_IOAS_MAP_FILE (a memfd page)"));
	assert_non_null(strstr(text, "implements no vIOMMU"));
	free(text);
	/* usage: PASID 0 is the device's own; no PASIDs in a legacy container */
	fake_reset();
	free(run_vfio_cli("", 0, 1, bad, &rc));
	assert_int_equal(rc, EXIT_USAGE);
	free(run_vfio_cli("", 0, 1, legacy_pasid, &rc));
	assert_int_equal(rc, EXIT_USAGE);
}

static void test_batch_newer(void **state)
{
	static const char script[] =
		"ioas alloc name=a\n"
		"device bind 0000:00:03.0 name=edu\n"
		"hwpt alloc edu a nest-parent name=np\n"
		"viommu alloc edu np name=v\n"
		"vdevice alloc v edu virt-id=0x10 name=vd\n"
		"ioas map-file a size=0x2000 fill=0x5a name=mf\n"
		"exec -- sh -c 'test \"$(head -c 2 /proc/self/fd/{fd:mf})\" = ZZ'\n"
		"destroy vd\n"
		"destroy v\n"
		"ioas unmap a mf\n"
		"viommu alloc edu a\n";
	struct fake_sysfs *fs;
	json_object *all, *l, *v;
	char *text = NULL;

	WRAPPED();
	fake_reset();
	fk.newer = true;
	fs = fake_new();
	fake_driver(fs, "vfio-pci", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	fake_file(fs, "/sys/devices/pci0000:00/0000:00:03.0/vfio-dev/vfio0/dev", "511:0\n");
	assert_int_equal(batch_out(script, fake_view(fs), true, &text), -EUSAGE);
	all = json_tokener_parse(text);
	free(text);
	assert_non_null(all);
	assert_int_equal(json_object_array_length(all), 12);
	assert_string_equal(member(line_res(all, 2, "ok"), "output", "hwpt_id"), "20");
	assert_string_equal(member(line_res(all, 3, "ok"), "output", "viommu_id"), "30");
	assert_string_equal(member(line_res(all, 3, "ok"), "output", "viommu_type"), "1");
	assert_int_equal(fk.viommu.hwpt_id, 20);
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "vdevice_id"), "31");
	assert_string_equal(member(line_res(all, 4, "ok"), "output", "virt_id"), "0x10");
	assert_int_equal(fk.vdevice.virt_id, 0x10);
	l = line_res(all, 5, "ok");
	assert_string_equal(member(l, "output", "iova"), "0x7000000");
	assert_string_equal(member(l, "output", "size"), "8192");
	assert_int_equal(fk.map_file.length, 0x2000);
	assert_true(fk.map_file.fd >= 0);
	/* the child read the memfd's bytes through the fd the run held */
	line_res(all, 6, "ok");
	line_res(all, 7, "ok");
	line_res(all, 8, "ok");
	assert_true(destroyed_before(31, 30));
	assert_string_equal(member(line_res(all, 9, "ok"), "output", "unmapped_bytes"), "8192");
	/* a vIOMMU needs a HWPT: an IOAS is a usage error */
	l = line_res(all, 10, "error");
	assert_true(json_object_object_get_ex(l, "message", &v));
	assert_string_equal(json_object_get_string(v), "'a' is an IOAS (line 1), where a HWPT is wanted");
	assert_non_null(strstr(member(l, NULL, "fix"), "write it as 'viommu alloc DEV HWPT [type=TYPE] [name=NAME]'"));
	assert_non_null(strstr(member(l, NULL, "fix"), "the run holds hwpt 'np' (line 3)"));
	json_object_put(all);
	fake_free(fs);
	(void)state;
}


/*
 * Issue 18: every refusal of the language says what the kernel meant and
 * what to do, with what the run knows (the lines that set things up).
 */
static json_object *refusal(struct fake_sysfs *fs, unsigned long req, int err, uint64_t iova, const char *script,
			    size_t line)
{
	char *out = NULL;
	json_object *all, *l;

	/* the fake kernel refuses req with err (at iova: 0, any) */
	fake_reset();
	fk.fail_req = req;
	fk.fail_err = err;
	fk.fail_iova = iova;
	batch_out(script, fake_view(fs), true, &out);
	all = json_tokener_parse(out);
	assert_non_null(all);
	free(out);
	l = json_object_get(line_res(all, line, "error"));
	json_object_put(all);
	return l;
}

#define HAS(l, key, text) do { \
	const char *v_ = member(l, NULL, key); \
	if (!strstr(v_, text)) \
		fail_msg("%s: '%s' lacks '%s'", key, v_, text); \
} while (0)

static void test_batch_refusals(void **state)
{
	struct fake_sysfs *fs;
	json_object *l;

	WRAPPED();
	fs = fake_new();
	fake_driver(fs, "vfio-pci", false);
	fake_driver(fs, "e1000e", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	fake_device(fs, "0000:00:04.0", NULL, 2, "e1000e", NULL);
	fake_file(fs, "/sys/devices/pci0000:00/0000:00:03.0/vfio-dev/vfio0/dev", "511:0\n");
	fake_file(fs, "/sys/kernel/iommu_groups/1/reserved_regions",
		  "0x00000000fee00000 0x00000000feefffff msi\n");

	/* ENOSPC after allow-iovas: the allowed ranges, their line, and the ways out */
	l = refusal(fs, IOMMU_IOAS_MAP, ENOSPC, 0, "ioas alloc name=a\n# allowed\nioas allow-iovas a 0x8000000+0x100000\nioas map a size=0x200000\n", 2);
	assert_string_equal(member(l, NULL, "errno_name"), "ENOSPC");
	HAS(l, "message", "IOMMU_IOAS_MAP: ENOSPC: no free IOVA range is large enough: IOAS 'a' allows only "
	    "0x8000000-0x80fffff (line 3), and the kernel picks a map's IOVA inside the allowed ranges only");
	HAS(l, "fix", "give iova= yourself");
	HAS(l, "fix", "'ioas allow-iovas a START+SIZE' replaces line 3's");
	json_object_put(l);

	/* a map given where the IOAS goes: the line as it should be */
	l = refusal(fs, 0, 0, 0, "ioas alloc name=a\nioas map a size=0x1000 name=m1\nioas unmap m1\n", 2);
	assert_string_equal(member(l, NULL, "message"), "'m1' is a map (line 2), where an IOAS is wanted");
	HAS(l, "fix", "write it as 'ioas unmap IOAS [MAP] [iova=ADDR] [size=N]'");
	HAS(l, "fix", "'m1' is a map of IOAS 'a', which goes first: 'ioas unmap a m1'");
	json_object_put(l);

	/* a fixed IOVA on a map of this run: which one, and how to unmap it */
	l = refusal(fs, IOMMU_IOAS_MAP, EEXIST, 0x201000, "ioas alloc name=a\nioas map a size=0x2000 iova=0x200000 name=m1\n"
		    "ioas map a size=0x1000 iova=0x201000\n", 2);
	HAS(l, "message", "overlaps map 'm1' 0x200000-0x201fff (line 2)");
	HAS(l, "fix", "unmap it first ('ioas unmap a m1')");
	json_object_put(l);

	/* a fixed IOVA outside the usable ranges: the ranges */
	l = refusal(fs, IOMMU_IOAS_MAP, EINVAL, 0, "ioas alloc name=a\nioas map a size=0x1000 iova=0xfee00000\n", 1);
	HAS(l, "message", "0xfee00000-0xfee00fff is not inside the usable ranges of IOAS 'a' "
	    "(0x0-0xfedfffff, 0xfef00000-0x7fffffffff)");
	HAS(l, "fix", "choose an iova= inside 0x0-0xfedfffff, 0xfef00000-0x7fffffffff");
	json_object_put(l);

	/* a fixed IOVA past the last usable one: the domain's width (the fake's ranges end at 2^39 - 1) */
	l = refusal(fs, IOMMU_IOAS_MAP, EINVAL, 0, "ioas alloc name=a\nioas map a size=0x1000 iova=0x8000000000\n", 1);
	HAS(l, "message", "0x8000000000-0x8000000fff lies past 0x7fffffffff, the last IOVA IOAS 'a' can use "
	    "(0x0-0xfedfffff, 0xfef00000-0x7fffffffff): the attached devices' IOMMU domains translate no higher "
	    "IOVA (39 bits)");
	HAS(l, "fix", "choose an iova= inside 0x0-0xfedfffff, 0xfef00000-0x7fffffffff");
	json_object_put(l);
	l = refusal(fs, IOMMU_IOAS_MAP, EINVAL, 0, "ioas alloc name=a\nioas map a size=0x2000 iova=0x7ffffff000\n", 1);
	HAS(l, "message", "0x7ffffff000-0x8000000fff reaches past 0x7fffffffff");
	json_object_put(l);

	/* the same through the legacy container: its type1 ranges */
	l = refusal(fs, VFIO_IOMMU_MAP_DMA, EINVAL, 0, "container open\ngroup add 1\ncontainer set-iommu type1v2\n"
		    "dma map iova=0xfee00000 size=0x1000\n", 3);
	HAS(l, "message", "0xfee00000-0xfee00fff is not inside the container's usable ranges (0x");
	HAS(l, "fix", "choose an iova= inside 0x");
	json_object_put(l);

	/* an IOAS a device is attached to: which, since which line, and the line that frees it */
	l = refusal(fs, IOMMU_DESTROY, EBUSY, 0, "ioas alloc name=a\ndevice bind 0000:00:03.0 name=edu\ndevice attach edu a\ndestroy a\n", 3);
	HAS(l, "message", "IOMMU_DESTROY: EBUSY: the object is in use: a device is attached to it, or a HWPT, "
	    "vIOMMU or vDEVICE was made on it: device 'edu' is attached to it (line 3)");
	HAS(l, "fix", "first 'device detach edu'");
	json_object_put(l);

	/* attach after an allow-iovas over the device's MSI window */
	l = refusal(fs, VFIO_DEVICE_ATTACH_IOMMUFD_PT, EADDRINUSE, 0, "ioas alloc name=a\nioas allow-iovas a 0xfe000000+0x2000000\n"
		    "device bind 0000:00:03.0 name=edu\ndevice attach edu a\n", 3);
	HAS(l, "message", "its msi region 0xfee00000-0xfeefffff lies in the range 0xfe000000-0xffffffff "
	    "that line 2 allowed");
	HAS(l, "fix", "attach 'edu' before mapping or allowing IOVAs there");
	json_object_put(l);

	/* a map that is gone, a name taken, a word of no option, devices not there or not for VFIO */
	l = refusal(fs, 0, 0, 0, "ioas alloc name=a\nioas map a size=0x1000 name=m1\nioas unmap a m1\nioas unmap a m1\n", 3);
	assert_string_equal(member(l, NULL, "message"), "'m1' is gone: line 3 ended the map that line 2 made");
	HAS(l, "fix", "make one first: 'ioas map IOAS size=N name=NAME'");
	json_object_put(l);
	l = refusal(fs, 0, 0, 0, "ioas alloc name=a\nioas alloc name=a\n", 1);
	assert_string_equal(member(l, NULL, "message"), "an object named 'a' exists: an IOAS, made on line 1");
	HAS(l, "fix", "another name=");
	json_object_put(l);
	l = refusal(fs, 0, 0, 0, "ioas alloc name=a\nioas map a size=0x1000 bogus=1\n", 1);
	HAS(l, "fix", "write it as 'ioas map IOAS [size=N] [iova=ADDR] [readonly] [name=NAME]'");
	json_object_put(l);
	l = refusal(fs, 0, 0, 0, "device bind 0000:00:09.0\n", 0);
	HAS(l, "fix", "'iommuctl device list'");
	json_object_put(l);
	l = refusal(fs, 0, 0, 0, "device bind 0000:00:04.0\n", 0);
	HAS(l, "message", "0000:00:04.0 is bound to e1000e");
	HAS(l, "fix", "'iommuctl group claim 0000:00:04.0'");
	json_object_put(l);

	/* in text, the fix ends the message's one line */
	{
		char *out = NULL;

		assert_int_equal(batch_out("ioas alloc name=a\nioas unmap a\n", fake_view(fs), false, &out),
				 -EUSAGE);
		free(out);
		assert_non_null(strstr(batch_err, ":2: ioas unmap a: missing iova=; fix: write it as 'ioas unmap "
				       "IOAS [MAP] [iova=ADDR] [size=N]'\n"));
	}
	fake_free(fs);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_iommufd),
		cmocka_unit_test(test_probe_fallback_no_iommufd),
		cmocka_unit_test(test_probe_fallback_no_cdev),
		cmocka_unit_test(test_probe_fallback_bind_ebusy),
		cmocka_unit_test(test_probe_no_fallback_after_attach),
		cmocka_unit_test(test_probe_iommufd_only),
		cmocka_unit_test(test_probe_both_fail),
		cmocka_unit_test(test_probe_legacy_eperm_msi),
		cmocka_unit_test(test_probe_msi_window_refused),
		cmocka_unit_test(test_status_errno_mapping),
		cmocka_unit_test(test_attach_pasid_layout),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_pick_iova),
		cmocka_unit_test(test_resv_classes),
		cmocka_unit_test(test_usable_window),
		cmocka_unit_test(test_status_spapr),
		cmocka_unit_test(test_probe_spapr_sequence),
		cmocka_unit_test(test_probe_spapr_outside_window),
		cmocka_unit_test(test_probe_spapr_ddw_create_fails),
		cmocka_unit_test(test_probe_spapr_register_fails),
		cmocka_unit_test(test_probe_spapr_only_v1),
		cmocka_unit_test(test_cli_probe),
		cmocka_unit_test(test_cli_status),
		cmocka_unit_test(test_cli_msi_sw_window),
		cmocka_unit_test(test_batch_spapr),
		cmocka_unit_test(test_batch_exec_buffers),
		cmocka_unit_test(test_batch_ordinary_lines),
		cmocka_unit_test(test_batch_iommufd),
		cmocka_unit_test(test_batch_send),
		cmocka_unit_test(test_status_rlimit_mode),
		cmocka_unit_test(test_cli_caps),
		cmocka_unit_test(test_status_map_file),
		cmocka_unit_test(test_probe_newer_vtd),
		cmocka_unit_test(test_probe_newer_riscv),
		cmocka_unit_test(test_probe_newer_viommu),
		cmocka_unit_test(test_probe_pasid),
		cmocka_unit_test(test_cli_probe_newer),
		cmocka_unit_test(test_batch_newer),
		cmocka_unit_test(test_batch_refusals),
	};

	if (!&__real_ioctl)
		fprintf(stderr, "test_vfio: linked without -Wl,--wrap=ioctl,--wrap=open: "
			"the fake-kernel tests are skipped\n");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
