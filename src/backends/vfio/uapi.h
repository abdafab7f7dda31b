/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Our own definitions of the VFIO and iommufd uAPI that iommuctl uses, so that
 * it builds on headers older than the running kernel (Debian 12 ships 6.1,
 * which predates the VFIO device cdev, HWPT allocation and PASID attach).
 * Layouts and numbers follow include/uapi/linux/vfio.h and iommufd.h; what a
 * kernel really offers is probed at run time. Never include <linux/vfio.h>.
 */
#ifndef IOMMUCTL_VFIO_UAPI_H
#define IOMMUCTL_VFIO_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#if defined(_UAPI_VFIO_H) || defined(_UAPI_IOMMUFD_H)
#error "uapi.h replaces <linux/vfio.h> and <linux/iommufd.h>: do not include both"
#endif

/* The kernel's __aligned_u64: 8-byte aligned on every ABI (i386 included). */
#define UAPI_U64 uint64_t __attribute__((aligned(8)))

/* ======================= VFIO (include/uapi/linux/vfio.h) ======================= */

#define VFIO_API_VERSION 0
#define VFIO_TYPE ';'
#define VFIO_BASE 100

/* VFIO_CHECK_EXTENSION arguments (container IOMMU models and features). */
#define VFIO_TYPE1_IOMMU         1
#define VFIO_SPAPR_TCE_IOMMU     2
#define VFIO_TYPE1v2_IOMMU       3
#define VFIO_DMA_CC_IOMMU        4
#define VFIO_EEH                 5
#define VFIO_TYPE1_NESTING_IOMMU 6
#define VFIO_SPAPR_TCE_v2_IOMMU  7
#define VFIO_NOIOMMU_IOMMU       8
#define VFIO_UNMAP_ALL           9
#define VFIO_UPDATE_VADDR        10

#define VFIO_GET_API_VERSION      _IO(VFIO_TYPE, VFIO_BASE + 0)
#define VFIO_CHECK_EXTENSION      _IO(VFIO_TYPE, VFIO_BASE + 1)
#define VFIO_SET_IOMMU            _IO(VFIO_TYPE, VFIO_BASE + 2)
#define VFIO_GROUP_GET_STATUS     _IO(VFIO_TYPE, VFIO_BASE + 3)
#define VFIO_GROUP_SET_CONTAINER  _IO(VFIO_TYPE, VFIO_BASE + 4)
#define VFIO_GROUP_UNSET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 5)
#define VFIO_GROUP_GET_DEVICE_FD  _IO(VFIO_TYPE, VFIO_BASE + 6)
#define VFIO_DEVICE_GET_INFO      _IO(VFIO_TYPE, VFIO_BASE + 7)
#define VFIO_IOMMU_GET_INFO       _IO(VFIO_TYPE, VFIO_BASE + 12)
#define VFIO_IOMMU_MAP_DMA        _IO(VFIO_TYPE, VFIO_BASE + 13)
#define VFIO_IOMMU_UNMAP_DMA      _IO(VFIO_TYPE, VFIO_BASE + 14)
/* Only on a device cdev fd (v6.6+). */
#define VFIO_DEVICE_BIND_IOMMUFD      _IO(VFIO_TYPE, VFIO_BASE + 18)
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)
#define VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 20)

struct vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next;           /* offset of the next capability from the info start; 0 ends */
};

#define VFIO_GROUP_FLAGS_VIABLE        (1u << 0)
#define VFIO_GROUP_FLAGS_CONTAINER_SET (1u << 1)

struct vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};

#define VFIO_DEVICE_FLAGS_RESET (1u << 0)
#define VFIO_DEVICE_FLAGS_PCI   (1u << 1)
#define VFIO_DEVICE_FLAGS_CAPS  (1u << 7)

struct vfio_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	uint32_t cap_offset;
	uint32_t pad;
};

#define VFIO_IOMMU_INFO_PGSIZES (1u << 0)
#define VFIO_IOMMU_INFO_CAPS    (1u << 1)

struct vfio_iommu_type1_info {
	uint32_t argsz;
	uint32_t flags;
	UAPI_U64 iova_pgsizes;   /* bitmap of supported page sizes */
	uint32_t cap_offset;
	uint32_t pad;
};

/* Capabilities chained after struct vfio_iommu_type1_info. */
#define VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE 1
#define VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION  2
#define VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL      3

struct vfio_iova_range {
	uint64_t start;
	uint64_t end;            /* inclusive */
};

struct vfio_iommu_type1_info_cap_iova_range {
	struct vfio_info_cap_header header;
	uint32_t nr_iovas;
	uint32_t reserved;
	struct vfio_iova_range iova_ranges[];
};

struct vfio_iommu_type1_info_dma_avail {
	struct vfio_info_cap_header header;
	uint32_t avail;
};

#define VFIO_DMA_MAP_FLAG_READ  (1u << 0)
#define VFIO_DMA_MAP_FLAG_WRITE (1u << 1)

struct vfio_iommu_type1_dma_map {
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t iova;
	uint64_t size;
};

#define VFIO_DMA_UNMAP_FLAG_ALL (1u << 1)

struct vfio_iommu_type1_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova;
	uint64_t size;           /* in: length; out: bytes unmapped */
};

struct vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;          /* 0 */
	int32_t iommufd;
	uint32_t out_devid;
};

/* PASID attach/detach (v6.15+): the flag extends the struct by @pasid. */
#define VFIO_DEVICE_ATTACH_PASID (1u << 0)
#define VFIO_DEVICE_DETACH_PASID (1u << 0)

struct vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;          /* in: IOAS or HWPT; out: the HWPT attached */
	uint32_t pasid;          /* only with VFIO_DEVICE_ATTACH_PASID */
};

struct vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;          /* only with VFIO_DEVICE_DETACH_PASID */
};

/*
 * SPAPR TCE (IBM POWER) containers. The ioctl numbers overlap others on
 * purpose in the kernel's header: GET_INFO is VFIO_IOMMU_GET_INFO's number,
 * +17..+20 are the device-cdev numbers above; the fd tells them apart.
 * ENABLE/DISABLE exist for v1 only. Map and unmap use the type1 structs;
 * IOVAs are absolute PCI bus addresses that must fall inside a window.
 */
#define VFIO_IOMMU_ENABLE                  _IO(VFIO_TYPE, VFIO_BASE + 15)
#define VFIO_IOMMU_DISABLE                 _IO(VFIO_TYPE, VFIO_BASE + 16)
#define VFIO_IOMMU_SPAPR_TCE_GET_INFO      _IO(VFIO_TYPE, VFIO_BASE + 12)
#define VFIO_IOMMU_SPAPR_REGISTER_MEMORY   _IO(VFIO_TYPE, VFIO_BASE + 17)
#define VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY _IO(VFIO_TYPE, VFIO_BASE + 18)
#define VFIO_IOMMU_SPAPR_TCE_CREATE        _IO(VFIO_TYPE, VFIO_BASE + 19)
#define VFIO_IOMMU_SPAPR_TCE_REMOVE        _IO(VFIO_TYPE, VFIO_BASE + 20)

struct vfio_iommu_spapr_tce_ddw_info {
	UAPI_U64 pgsizes;        /* bitmap of supported page sizes (4K/64K/16M...) */
	uint32_t max_dynamic_windows_supported;
	uint32_t levels;         /* maximum levels of a multi-level TCE table */
};

#define VFIO_IOMMU_SPAPR_INFO_DDW (1u << 0)

struct vfio_iommu_spapr_tce_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t dma32_window_start;   /* absolute PCI bus address (bytes) */
	uint32_t dma32_window_size;
	struct vfio_iommu_spapr_tce_ddw_info ddw;   /* valid with VFIO_IOMMU_SPAPR_INFO_DDW */
};

struct vfio_iommu_spapr_register_memory {
	uint32_t argsz;
	uint32_t flags;
	UAPI_U64 vaddr;
	UAPI_U64 size;
};

struct vfio_iommu_spapr_tce_create {
	uint32_t argsz;
	uint32_t flags;
	uint32_t page_shift;     /* in */
	uint32_t __resv1;
	UAPI_U64 window_size;    /* in */
	uint32_t levels;         /* in */
	uint32_t __resv2;
	UAPI_U64 start_addr;     /* out: the window's bus address */
};

struct vfio_iommu_spapr_tce_remove {
	uint32_t argsz;
	uint32_t flags;
	UAPI_U64 start_addr;     /* the window to remove */
};

/* ====================== iommufd (include/uapi/linux/iommufd.h) ====================== */

#define IOMMUFD_TYPE ';'

enum {
	IOMMUFD_CMD_DESTROY = 0x80,
	IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IOMMUFD_CMD_IOAS_COPY = 0x83,
	IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IOMMUFD_CMD_IOAS_MAP = 0x85,
	IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IOMMUFD_CMD_OPTION = 0x87,
	IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
	IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
	IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
	IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
	IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
};

#define IOMMU_DESTROY           _IO(IOMMUFD_TYPE, IOMMUFD_CMD_DESTROY)
#define IOMMU_IOAS_ALLOC        _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)
#define IOMMU_IOAS_ALLOW_IOVAS  _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOW_IOVAS)
#define IOMMU_IOAS_IOVA_RANGES  _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_IOVA_RANGES)
#define IOMMU_IOAS_MAP          _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)
#define IOMMU_IOAS_UNMAP        _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)
#define IOMMU_IOAS_MAP_FILE     _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP_FILE)
#define IOMMU_IOAS_CHANGE_PROCESS _IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_CHANGE_PROCESS)
#define IOMMU_OPTION            _IO(IOMMUFD_TYPE, IOMMUFD_CMD_OPTION)
#define IOMMU_HWPT_ALLOC        _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_ALLOC)
#define IOMMU_GET_HW_INFO       _IO(IOMMUFD_TYPE, IOMMUFD_CMD_GET_HW_INFO)
#define IOMMU_HWPT_INVALIDATE   _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HWPT_INVALIDATE)
#define IOMMU_FAULT_QUEUE_ALLOC _IO(IOMMUFD_TYPE, IOMMUFD_CMD_FAULT_QUEUE_ALLOC)
#define IOMMU_VIOMMU_ALLOC      _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VIOMMU_ALLOC)
#define IOMMU_VDEVICE_ALLOC     _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VDEVICE_ALLOC)
#define IOMMU_VEVENTQ_ALLOC     _IO(IOMMUFD_TYPE, IOMMUFD_CMD_VEVENTQ_ALLOC)
#define IOMMU_HW_QUEUE_ALLOC    _IO(IOMMUFD_TYPE, IOMMUFD_CMD_HW_QUEUE_ALLOC)

struct iommu_destroy {
	uint32_t size;
	uint32_t id;
};

struct iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

struct iommu_iova_range {
	UAPI_U64 start;
	UAPI_U64 last;           /* inclusive */
};

/* Two calls: EMSGSIZE with num_iovas set to the count needed. */
struct iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t __reserved;
	UAPI_U64 allowed_iovas;  /* user pointer to struct iommu_iova_range[] */
	UAPI_U64 out_iova_alignment;
};

struct iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t __reserved;
	UAPI_U64 allowed_iovas;
};

#define IOMMU_IOAS_MAP_FIXED_IOVA (1u << 0)
#define IOMMU_IOAS_MAP_WRITEABLE  (1u << 1)
#define IOMMU_IOAS_MAP_READABLE   (1u << 2)

struct iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t __reserved;
	UAPI_U64 user_va;
	UAPI_U64 length;
	UAPI_U64 iova;
};

/* v6.13+: map length bytes of a file (a memfd) from offset start; flags as IOAS_MAP's. */
struct iommu_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	UAPI_U64 start;
	UAPI_U64 length;
	UAPI_U64 iova;
};

/* v6.13+: move the pinned-page accounting to the calling process; __reserved must be 0. */
struct iommu_ioas_change_process {
	uint32_t size;
	uint32_t __reserved;
};

struct iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	UAPI_U64 iova;
	UAPI_U64 length;         /* in: length; out: bytes unmapped */
};

enum iommufd_option {
	IOMMU_OPTION_RLIMIT_MODE = 0,
	IOMMU_OPTION_HUGE_PAGES = 1,
	/*
	 * Proposed ("iommufd: Add IOMMU_OPTION_SW_MSI_START/SIZE ioctls", v2
	 * Oct 2025), not in mainline when this was written: per device
	 * (object_id = device ID), set before attach; START 1 MiB aligned,
	 * SIZE in MB. Kernels without it answer EOPNOTSUPP.
	 */
	IOMMU_OPTION_SW_MSI_START = 2,
	IOMMU_OPTION_SW_MSI_SIZE = 3,
};

enum iommufd_option_ops {
	IOMMU_OPTION_OP_SET = 0,
	IOMMU_OPTION_OP_GET = 1,
};

struct iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t __reserved;
	uint32_t object_id;
	UAPI_U64 val64;
};

#define IOMMU_HWPT_ALLOC_NEST_PARENT    (1u << 0)
#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING (1u << 1)
#define IOMMU_HWPT_FAULT_ID_VALID       (1u << 2)
#define IOMMU_HWPT_ALLOC_PASID          (1u << 3)   /* v6.15+ */

#define IOMMU_HWPT_DATA_NONE 0

struct iommu_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t out_hwpt_id;
	uint32_t __reserved;
	uint32_t data_type;
	uint32_t data_len;
	UAPI_U64 data_uptr;
	uint32_t fault_id;       /* v6.11+: with IOMMU_HWPT_FAULT_ID_VALID */
	uint32_t __reserved2;
};
/* The size before fault_id existed (v6.7-v6.10). */
#define IOMMU_HWPT_ALLOC_SIZE_V1 40

enum iommu_hw_info_type {
	IOMMU_HW_INFO_TYPE_NONE = 0,
	IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,   /* v6.17+ */
	IOMMU_HW_INFO_TYPE_AMD = 4,              /* v6.19+, CONFIG_AMD_IOMMU_IOMMUFD */
};

#define IOMMU_HW_CAP_DIRTY_TRACKING        (1u << 0)
#define IOMMU_HW_CAP_PCI_PASID_EXEC        (1u << 1)
#define IOMMU_HW_CAP_PCI_PASID_PRIV        (1u << 2)
#define IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED (1u << 3)

struct iommu_hw_info {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t data_len;
	UAPI_U64 data_uptr;
	uint32_t out_data_type;
	uint8_t out_max_pasid_log2;  /* was reserved before v6.15: reads 0 there */
	uint8_t __reserved[3];
	UAPI_U64 out_capabilities;
};

struct iommu_hw_info_vtd {
	uint32_t flags;
	uint32_t __reserved;
	UAPI_U64 cap_reg;
	UAPI_U64 ecap_reg;
};

struct iommu_hw_info_amd {
	UAPI_U64 efr;
	UAPI_U64 efr2;
};

struct iommu_fault_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_fault_id;
	uint32_t out_fault_fd;
};

struct iommu_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t __reserved;
	UAPI_U64 data_uptr;
};

/* vIOMMU types (v6.13+); 0 (DEFAULT) is refused with EOPNOTSUPP before anything else. */
enum iommu_viommu_type {
	IOMMU_VIOMMU_TYPE_DEFAULT = 0,
	IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	UAPI_U64 virt_id;        /* vSID (SMMUv3), vDeviceID (AMD), vRID (VT-d) */
};

enum iommu_veventq_type {
	IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

struct iommu_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t __reserved;
};

/* The kernel's sizes, so a typo in a field list cannot go unnoticed. */
_Static_assert(sizeof(struct vfio_iommu_type1_info) == 24, "vfio_iommu_type1_info");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_map) == 32, "vfio_iommu_type1_dma_map");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_unmap) == 24, "vfio_iommu_type1_dma_unmap");
_Static_assert(sizeof(struct vfio_device_info) == 24, "vfio_device_info");
_Static_assert(sizeof(struct vfio_iommu_spapr_tce_info) == 32, "vfio_iommu_spapr_tce_info");
_Static_assert(sizeof(struct vfio_iommu_spapr_register_memory) == 24, "vfio_iommu_spapr_register_memory");
_Static_assert(sizeof(struct vfio_iommu_spapr_tce_create) == 40, "vfio_iommu_spapr_tce_create");
_Static_assert(sizeof(struct vfio_iommu_spapr_tce_remove) == 16, "vfio_iommu_spapr_tce_remove");
_Static_assert(offsetof(struct vfio_iommu_spapr_tce_create, levels) == 24, "tce_create.levels");
_Static_assert(offsetof(struct vfio_iommu_spapr_tce_create, start_addr) == 32, "tce_create.start_addr");
_Static_assert(sizeof(struct vfio_device_bind_iommufd) == 16, "vfio_device_bind_iommufd");
_Static_assert(sizeof(struct iommu_ioas_iova_ranges) == 32, "iommu_ioas_iova_ranges");
_Static_assert(sizeof(struct iommu_ioas_map) == 40, "iommu_ioas_map");
_Static_assert(sizeof(struct iommu_ioas_unmap) == 24, "iommu_ioas_unmap");
_Static_assert(sizeof(struct iommu_option) == 24, "iommu_option");
_Static_assert(sizeof(struct iommu_hwpt_alloc) == 48, "iommu_hwpt_alloc");
_Static_assert(sizeof(struct iommu_hw_info) == 40, "iommu_hw_info");
_Static_assert(sizeof(struct iommu_viommu_alloc) == 40, "iommu_viommu_alloc");
_Static_assert(sizeof(struct iommu_ioas_map_file) == 40, "iommu_ioas_map_file");
_Static_assert(offsetof(struct iommu_ioas_map_file, start) == 16, "ioas_map_file.start");
_Static_assert(sizeof(struct iommu_ioas_change_process) == 8, "iommu_ioas_change_process");
_Static_assert(sizeof(struct iommu_vdevice_alloc) == 24, "iommu_vdevice_alloc");
_Static_assert(sizeof(struct iommu_veventq_alloc) == 32, "iommu_veventq_alloc");
_Static_assert(sizeof(struct iommu_hw_info_amd) == 16, "iommu_hw_info_amd");
_Static_assert(sizeof(struct vfio_device_attach_iommufd_pt) == 16, "vfio_device_attach_iommufd_pt");
_Static_assert(sizeof(struct vfio_device_detach_iommufd_pt) == 12, "vfio_device_detach_iommufd_pt");

#endif
