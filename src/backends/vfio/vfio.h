/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO backend: thin wrappers over the VFIO (container, group, device)
 * and iommufd ioctls, the run-time feature probe behind `vfio status`, the
 * passthrough sequence behind `vfio probe` (iommufd + cdev first, legacy
 * group + container second), and a table that explains an errno per
 * operation. Everything returns 0 or -errno and fills structures with
 * data (what was tried, what the kernel answered); the command line words
 * and prints it.
 */
#ifndef IOMMUCTL_VFIO_H
#define IOMMUCTL_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VFIO_PATH_IOMMU     "/dev/iommu"
#define VFIO_PATH_CONTAINER "/dev/vfio/vfio"
#define VFIO_PATH_GROUP_FMT "/dev/vfio/%u"
#define VFIO_PATH_NOIOMMU_GROUP_FMT "/dev/vfio/noiommu-%u"
#define VFIO_PATH_CDEV_DIR  "/dev/vfio/devices"

/* The operations we perform, for diagnostics and the errno explanations. */
enum vfio_op {
	VOP_NONE = 0,
	VOP_OPEN_IOMMUFD,
	VOP_OPEN_CDEV,
	VOP_BIND,
	VOP_IOAS_ALLOC,
	VOP_ATTACH,
	VOP_ATTACH_PASID,
	VOP_DETACH,
	VOP_IOVA_RANGES,
	VOP_ALLOW_IOVAS,
	VOP_IOAS_MAP,
	VOP_IOAS_UNMAP,
	VOP_HWPT_ALLOC,
	VOP_HW_INFO,
	VOP_DESTROY,
	VOP_OPTION,
	VOP_OPEN_CONTAINER,
	VOP_API_VERSION,
	VOP_CHECK_EXT,
	VOP_OPEN_GROUP,
	VOP_GROUP_STATUS,
	VOP_SET_CONTAINER,
	VOP_SET_IOMMU,
	VOP_IOMMU_INFO,
	VOP_GET_DEVICE_FD,
	VOP_DEVICE_INFO,
	VOP_DMA_MAP,
	VOP_DMA_UNMAP,
	VOP_BUFFER,
	VOP_SPAPR_INFO,
	VOP_SPAPR_REGISTER,
	VOP_SPAPR_UNREGISTER,
	VOP_SPAPR_CREATE,
	VOP_SPAPR_REMOVE,
	VOP_RLIMIT_MODE,          /* IOMMU_OPTION of IOMMU_OPTION_RLIMIT_MODE */
	VOP_IOAS_MAP_FILE,        /* v6.13+ */
	VOP_VIOMMU_ALLOC,         /* v6.13+ */
	VOP_VDEVICE_ALLOC,        /* v6.13+ */
	VOP_VEVENTQ_ALLOC,        /* v6.15+ */
	VOP_HWPT_ALLOC_PASID,     /* IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_PASID (v6.15+) */
	VOP_HWPT_NEST_PARENT,     /* IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT */
	VOP_DETACH_PASID,         /* VFIO_DEVICE_DETACH_IOMMUFD_PT with the PASID flag (v6.15+) */
	VOP_MEMFD,                /* memfd_create + ftruncate + mmap of a map-file buffer */
	VOP__COUNT,
};

/* "IOMMU_IOAS_MAP", "open /dev/iommu", ... */
const char *vfio_op_name(enum vfio_op op);
/*
 * Why op failed with err, in words, or NULL when we have nothing better
 * than strerror. Table-driven: (op, errno) first, then (any op, errno).
 */
const char *vfio_explain(enum vfio_op op, int err);
/*
 * What to do about it, in iommuctl's words (a batch line, a command, a
 * kernel option), or NULL; the same lookup as vfio_explain.
 */
const char *vfio_fix(enum vfio_op op, int err);
/* "ENOTTY", "E2BIG", ...; "E<n>" for others (static buffer per call site not needed: table). */
const char *vfio_errno_name(int err);

struct vfio_range {
	uint64_t start;
	uint64_t last;            /* inclusive */
};

/* "0x0-0xfedfffff, 0xfef00000-0xffffffffffff" ("none" for none), to free. */
char *vfio_ranges_text(const struct vfio_range *r, size_t n);

/* ---- iommufd and the device cdev ---- */

int vfio_iommufd_open(int *fd);
int vfio_cdev_open(const char *cdev, int *fd);          /* "vfio0" or a path */
int vfio_device_bind(int devfd, int iommufd, uint32_t *dev_id);
int vfio_ioas_alloc(int iommufd, uint32_t *ioas_id);
/* pt_id in: IOAS or HWPT; *out_pt (may be NULL): the HWPT attached. pasid < 0: none. */
int vfio_device_attach(int devfd, uint32_t pt_id, int64_t pasid, uint32_t *out_pt);
int vfio_device_detach(int devfd, int64_t pasid);
/* Allocates *r (caller frees); handles the EMSGSIZE two-call protocol. */
int vfio_ioas_ranges(int iommufd, uint32_t ioas, struct vfio_range **r, size_t *n,
		     uint64_t *alignment);
int vfio_ioas_allow_iovas(int iommufd, uint32_t ioas, const struct vfio_range *r, size_t n);
/* fixed: map at *iova, else the kernel picks and *iova returns it. */
int vfio_ioas_map(int iommufd, uint32_t ioas, void *va, uint64_t len, bool fixed,
		  bool writeable, uint64_t *iova);
int vfio_ioas_unmap(int iommufd, uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *unmapped);
int vfio_hwpt_alloc(int iommufd, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		    uint32_t *hwpt_id);
int vfio_destroy(int iommufd, uint32_t id);
/*
 * IOMMU_IOAS_MAP_FILE (v6.13+): length bytes of the file fd from offset
 * start (a memfd, or a dma-buf since v6.19); fixed: at *iova, else the
 * kernel picks and *iova returns it.
 */
int vfio_ioas_map_file(int iommufd, uint32_t ioas, int fd, uint64_t start, uint64_t len,
		       bool fixed, bool writeable, uint64_t *iova);
/* A memfd of size bytes, mapped shared at *va and filled with fill; *fd its descriptor. */
int vfio_memfd_alloc(uint64_t size, int fill, int *fd, void **va);
/* IOMMU_VIOMMU_ALLOC (v6.13+) on a nest-parent HWPT. */
int vfio_viommu_alloc(int iommufd, uint32_t type, uint32_t dev_id, uint32_t hwpt_id,
		      uint32_t *viommu_id);
/* IOMMU_VDEVICE_ALLOC (v6.13+): the device's virtual ID (vSID, vDeviceID, vRID) on a vIOMMU. */
int vfio_vdevice_alloc(int iommufd, uint32_t viommu_id, uint32_t dev_id, uint64_t virt_id,
		       uint32_t *vdevice_id);
/* IOMMU_VEVENTQ_ALLOC (v6.15+): *id the object, *fd the queue's file (the caller closes it). */
int vfio_veventq_alloc(int iommufd, uint32_t viommu_id, uint32_t type, uint32_t depth,
		       uint32_t *id, int *fd);
/*
 * The vIOMMU type a probe asks for an IOMMU kind (IOMMU_HW_INFO_TYPE_*): its
 * own where the uAPI has one (ARM SMMUv3, Tegra241 CMDQV); otherwise
 * ARM SMMUv3's number, as any non-default type: a driver without vIOMMUs
 * refuses every type with EOPNOTSUPP, and one with them (AMD in 7.2) takes
 * what its get_viommu_size() accepts.
 */
uint32_t vfio_viommu_type_for(uint32_t hw_info_type);
const char *vfio_viommu_type_name(uint32_t type);   /* "arm-smmuv3", "tegra241-cmdqv", "default", NULL */
int vfio_option(int iommufd, uint32_t option, bool set, uint32_t object_id, uint64_t *val);
/*
 * How the iommufd charges pinned pages to RLIMIT_MEMLOCK
 * (IOMMU_OPTION_RLIMIT_MODE, a global option): 0 per user, 1 per process.
 * Setting it needs CAP_SYS_RESOURCE (-EPERM) and an iommufd that holds no
 * object yet (-EBUSY).
 */
#define VFIO_RLIMIT_USER    0
#define VFIO_RLIMIT_PROCESS 1
int vfio_rlimit_mode(int iommufd, bool set, uint64_t *mode);
const char *vfio_rlimit_mode_name(uint64_t mode);   /* "user", "process", NULL: another value */

struct vfio_hw_info {
	uint32_t data_type;       /* IOMMU_HW_INFO_TYPE_* */
	const char *type_name;    /* "intel-vtd", "arm-smmuv3", "none", "unknown" */
	uint64_t capabilities;    /* IOMMU_HW_CAP_* */
	unsigned int max_pasid_log2;   /* 0: no PASID */
	uint64_t vtd_cap, vtd_ecap;    /* when data_type is VT-d */
	uint64_t amd_efr, amd_efr2;    /* when data_type is AMD (v6.19+) */
};
int vfio_hw_info_get(int iommufd, uint32_t dev_id, struct vfio_hw_info *hi);

/* ---- the legacy container ---- */

int vfio_container_open(int *fd, int *api_version);
/* > 0: supported, 0: not, -errno */
int vfio_check_extension(int container, unsigned long ext);
int vfio_group_open(unsigned int group, bool noiommu, int *fd);
int vfio_group_status(int groupfd, uint32_t *flags);
int vfio_group_set_container(int groupfd, int container);
int vfio_group_unset_container(int groupfd);
int vfio_set_iommu(int container, unsigned long type);

struct vfio_type1_info {
	uint64_t pgsizes;
	bool have_ranges;         /* the IOVA range capability was present */
	struct vfio_range *ranges;
	size_t nranges;
	bool have_dma_avail;
	uint32_t dma_avail;       /* mappings the container may still create */
};
int vfio_type1_info_get(int container, struct vfio_type1_info *ti);
void vfio_type1_info_release(struct vfio_type1_info *ti);
int vfio_group_device_fd(int groupfd, const char *device, int *fd);
int vfio_device_info_get(int devfd, uint32_t *flags, uint32_t *regions, uint32_t *irqs);
int vfio_dma_map(int container, void *va, uint64_t iova, uint64_t size, bool writeable);
int vfio_dma_unmap(int container, uint64_t iova, uint64_t size, uint64_t *unmapped);

/* ---- SPAPR TCE containers (IBM POWER) ---- */

struct vfio_spapr_info {
	uint32_t flags;           /* VFIO_IOMMU_SPAPR_INFO_DDW */
	uint64_t dma32_start, dma32_size;   /* the default 32-bit window (bus addresses) */
	bool ddw;                 /* dynamic DMA windows offered: the fields below are valid */
	uint64_t ddw_pgsizes;     /* bitmap of page sizes */
	uint32_t ddw_max_windows;
	uint32_t ddw_levels;      /* maximum TCE table levels */
};
int vfio_spapr_info_get(int container, struct vfio_spapr_info *si);
/* Pre-register (pin) user memory; v2 needs it before any map of that memory. */
int vfio_spapr_register(int container, void *va, uint64_t size);
int vfio_spapr_unregister(int container, void *va, uint64_t size);
/* Create a DDW; *start returns its bus address. */
int vfio_spapr_window_create(int container, unsigned page_shift, uint64_t window_size,
			     unsigned levels, uint64_t *start);
int vfio_spapr_window_remove(int container, uint64_t start);
/* Why a SPAPR container refused a map with err (EPERM, EINVAL), or NULL: type1's table does not fit. */
const char *vfio_spapr_map_explain(int err);
/* "4K, 64K, 16M" (caller frees). */
char *vfio_pgsizes_text(uint64_t pgsizes);

/* Container IOMMU models by name: "type1", "type1v2", "noiommu", "type1-nesting", "spapr", "spapr-v2". */
int vfio_iommu_type_parse(const char *s, unsigned long *type);
const char *vfio_iommu_type_name(unsigned long type);

/* A page-aligned anonymous buffer (mmap); freed with vfio_buffer_free. */
int vfio_buffer_alloc(uint64_t size, void **va);
void vfio_buffer_free(void *va, uint64_t size);

/* ---- vfio status: what the running kernel offers ---- */

enum vfio_avail { VFIO_AVAIL_NO = 0, VFIO_AVAIL_YES, VFIO_AVAIL_UNKNOWN };

/* What decided a feature's answer (the command line words it). */
enum vfio_basis {
	VFIO_BASIS_PROBED = 0,    /* a call answered: op and err (0: it worked) */
	VFIO_BASIS_NOT_OFFERED,   /* the container answered VFIO_CHECK_EXTENSION with 0 */
	VFIO_BASIS_NEEDS,         /* not tried: the feature `needs` is absent */
	VFIO_BASIS_NEEDS_DEVICE,  /* not tried: only a bound device can tell */
};

struct vfio_feature {
	const char *key;          /* "iommufd", "container_type1v2", ... */
	enum vfio_avail avail;
	enum vfio_basis basis;
	enum vfio_op op;          /* the call that decided it (VOP_NONE: a probe ioctl) */
	int err;                  /* its errno, positive (0 when it worked) */
	const char *needs;        /* VFIO_BASIS_NEEDS: the key of the feature it needs */
	/*
	 * What the call returned: "container" the API version; "ioas" the
	 * first and last IOVA an empty IOAS allows and the alignment;
	 * "huge_pages_option" the option's value.
	 */
	uint64_t val[3];
};

struct vfio_status {
	struct vfio_feature *features;
	size_t n;
};

/*
 * Probe the running kernel: container types, iommufd ioctls (ENOTTY:
 * ioctl unknown; E2BIG: struct larger than the kernel knows; EOPNOTSUPP:
 * value not supported). Opens and closes everything it uses. Device nodes
 * and cdevs are the caller's (they come from the view).
 */
int vfio_status_probe(struct vfio_status *st);
void vfio_status_release(struct vfio_status *st);
/* Append a probed feature (err: 0 or an errno, either sign) and return it. */
struct vfio_feature *vfio_status_add(struct vfio_status *st, const char *key, enum vfio_avail avail,
				     enum vfio_op op, int err);

/* ---- vfio probe: the passthrough path end to end ---- */

enum vfio_path { VFIO_PATH_AUTO = 0, VFIO_PATH_IOMMUFD_CDEV, VFIO_PATH_LEGACY };

/*
 * The steps of a probe, and the values each records in vfio_step.v[]
 * (and .name): the command line words them.
 */
enum vfio_step_kind {
	VSTEP_OPEN_IOMMUFD,       /* open /dev/iommu */
	VSTEP_FIND_CDEV,          /* the device has no cdev; name: the device */
	VSTEP_OPEN_CDEV,          /* name: the cdev ("vfio0") */
	VSTEP_BIND,               /* v[0]: the device ID */
	VSTEP_IOAS_ALLOC,         /* v[0]: the IOAS ID */
	VSTEP_ATTACH,             /* v[0]: the IOAS ID, v[1]: the HWPT ID */
	VSTEP_IOVA_RANGES,        /* the result's ranges and alignment */
	VSTEP_HW_INFO,            /* the result's hw; a failure is recorded, not counted */
	VSTEP_BUFFER,             /* v[0]: bytes */
	VSTEP_CHOOSE_IOVA,        /* v[0]: bytes; v[1]: 1 when inside the SPAPR 32-bit window */
	VSTEP_MAP,                /* v[0]: IOVA */
	VSTEP_MAP_MSI,            /* v[0]: IOVA; expected refusal; err -EEXIST: it was accepted */
	VSTEP_UNMAP,              /* v[0]: IOVA, v[1]: bytes unmapped */
	VSTEP_DETACH,
	VSTEP_OPEN_CONTAINER,     /* v[0]: the API version */
	VSTEP_FIND_MODEL,         /* no usable model; v[0]: 1 when SPAPR TCE v1 is offered */
	VSTEP_CHOOSE_MODEL,       /* name: the model ("type1v2") */
	VSTEP_FIND_GROUP,         /* the device has no group; name: the device */
	VSTEP_OPEN_GROUP,         /* v[0]: the group, v[1]: 1 for a noiommu group */
	VSTEP_GROUP_VIABLE,
	VSTEP_SET_CONTAINER,
	VSTEP_SET_IOMMU,          /* name: the model */
	VSTEP_SPAPR_INFO,         /* the result's spapr_info */
	VSTEP_IOMMU_INFO,         /* the result's pgsizes, ranges, have_range_cap, dma_avail */
	VSTEP_OPEN_DEVICE,        /* name: the device */
	VSTEP_DEVICE_INFO,        /* v[0]: VFIO_DEVICE_FLAGS_*, v[1]: regions, v[2]: IRQ types */
	VSTEP_SPAPR_REGISTER,     /* v[0]: bytes */
	VSTEP_DDW_NONE,           /* no DDW to create: the container offers none */
	VSTEP_DDW_CREATE,         /* v[0]: page shift, v[1]: bytes, v[2]: levels; the result's ddw_start */
	VSTEP_DDW_REMOVE,         /* v[0]: its start */
	VSTEP_SPAPR_UNREGISTER,
	/* the newer iommufd (v6.13+), tried on the attached device; optional unless asked for */
	VSTEP_MAP_FILE,           /* v[0]: the IOVA a memfd page got (then unmapped) */
	VSTEP_HWPT_PASID,         /* v[0]: the PASID-compatible HWPT's ID */
	VSTEP_NEST_PARENT,        /* v[0]: the nest-parent HWPT's ID */
	VSTEP_VIOMMU,             /* v[0]: the vIOMMU's ID, v[1]: the type asked, v[2]: the HWPT given (0: none) */
	VSTEP_VDEVICE,            /* v[0]: the vDEVICE's ID, v[1]: the virtual ID */
	VSTEP_VEVENTQ,            /* v[0]: the queue's ID, v[1]: the type asked */
	VSTEP_REATTACH_PASID_HWPT,/* the device itself moved onto the PASID HWPT: v[0] its ID */
	VSTEP_PASID_ATTACH,       /* v[0]: the PASID, v[1]: the HWPT or IOAS, v[2]: the HWPT attached */
	VSTEP_PASID_DETACH,       /* v[0]: the PASID */
};

struct vfio_step {
	enum vfio_step_kind kind;
	enum vfio_op op;          /* the call, for the errno's explanation */
	int err;                  /* 0: ok */
	bool expected;            /* a failure that was the point (MSI-window map) */
	bool optional;            /* a failure that does not matter (hardware info) */
	uint64_t v[3];            /* see enum vfio_step_kind */
	const char *name;         /* the request's device or cdev, or a static model name */
};

struct vfio_path_run {
	bool attempted;
	bool ok;
	int err;                  /* first failure */
	enum vfio_op failed_op;
	int failed_step;          /* index into steps of the first failure; -1: none */
	struct vfio_step *steps;
	size_t nsteps;
};

struct vfio_probe_result;
struct vfio_probe_req {
	const char *device;       /* canonical PCI address */
	int group;                /* IOMMU group, -1: none */
	bool noiommu_group;       /* /dev/vfio/noiommu-N */
	const char *cdev;         /* "vfio0", NULL: the device has none */
	enum vfio_path path;
	bool iova_set;
	uint64_t iova;
	uint64_t size;            /* test buffer size (page multiple) */
	bool msi_check;           /* also try a map inside msi_start..msi_last: expect refusal */
	/* SPAPR TCE v2 (POWER): the DDW to create and remove; 0: defaults */
	unsigned ddw_page_shift;  /* default: 16 (64K) if offered, else the smallest offered */
	unsigned ddw_levels;      /* default 1 */
	uint64_t ddw_size;        /* default 1 GiB */
	uint64_t msi_start, msi_last;
	uint32_t pasid;           /* also attach (and detach) this PASID; 0: not (PASID 0 is the device's own) */
	const char *iommu_kind;   /* the device's IOMMU unit's kind ("riscv-iommu"...), NULL: unknown; the
				     result keeps the pointer, for the words of drivers without hardware info */
	/* called while the test buffer is mapped (may be NULL); returns -errno */
	int (*while_mapped)(void *arg, const struct vfio_probe_result *res);
	void *arg;
};

struct vfio_probe_result {
	struct vfio_path_run iommufd;
	struct vfio_path_run legacy;
	enum vfio_path used;      /* the path that worked, VFIO_PATH_AUTO: none */
	/* what the kernel said (from the path used) */
	struct vfio_range *ranges;
	size_t nranges;
	bool have_range_cap;      /* type1: the IOVA range capability was present (v5.4+) */
	bool have_dma_avail;      /* type1: the kernel said how many more mappings it allows */
	uint32_t dma_avail;
	uint64_t alignment;       /* iommufd out_iova_alignment, or the smallest type1 page size */
	uint64_t pgsizes;         /* type1 page-size bitmap (0 on iommufd) */
	const char *container_type;  /* "type1v2" ... (legacy) */
	uint32_t dev_id, ioas_id, hwpt_id;  /* iommufd */
	bool have_hw_info;
	struct vfio_hw_info hw;
	const char *iommu_kind;   /* req->iommu_kind */
	uint64_t iova;            /* where the test buffer was mapped */
	uint64_t size;
	bool mapped, unmapped;
	bool msi_tested;
	int msi_err;              /* the refusal (0: the map was accepted: a problem) */
	/* SPAPR TCE (legacy path on POWER) */
	bool spapr;
	struct vfio_spapr_info spapr_info;
	bool registered;          /* the test buffer was pre-registered */
	bool ddw_created, ddw_removed;
	unsigned ddw_page_shift, ddw_levels;
	uint64_t ddw_size, ddw_start;
	/*
	 * The newer iommufd, as this device's IOMMU answered (iommufd path,
	 * once attached): keys ioas_map_file, hwpt_pasid, hwpt_nest_parent,
	 * viommu, vdevice, veventq, pasid_attach (the last only with a PASID
	 * asked for). val[] as the step's v[].
	 */
	struct vfio_status feats;
};

/*
 * Run the sequence. Returns 0 when a path worked end to end; otherwise the
 * error of the last path tried (both paths' steps and reasons are in res).
 */
int vfio_probe_run(const struct vfio_probe_req *req, struct vfio_probe_result *res);
void vfio_probe_result_release(struct vfio_probe_result *res);

/* First IOVA >= want, aligned, with [iova, iova+size) inside one of r; -ENOSPC if none. */
int vfio_pick_iova(const struct vfio_range *r, size_t n, uint64_t align, uint64_t size,
		   uint64_t want, uint64_t *iova);

#endif
