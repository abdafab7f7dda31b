// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VFIO and iommufd ioctl wrappers (one per operation, -errno on failure),
 * the container model names, test buffers, IOVA placement, and the table
 * that turns (operation, errno) into an explanation. The ioctl numbers and
 * layouts come from uapi.h, never from the build host's kernel headers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/vfio/uapi.h"
#include "backends/vfio/vfio.h"
#include "core/util.h"

static int xioctl(int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	return rc < 0 ? -errno : rc;
}

/* Same, for ioctls whose positive result means nothing. */
static int xioctl0(int fd, unsigned long req, void *arg)
{
	int rc = xioctl(fd, req, arg);

	return rc < 0 ? rc : 0;
}

static int xopen(const char *path, int *fd)
{
	int f = open(path, O_RDWR | O_CLOEXEC);

	if (f < 0)
		return -errno;
	*fd = f;
	return 0;
}

/* ---- names and explanations ---- */

static const char *const op_names[VOP__COUNT] = {
	[VOP_NONE] = "-",
	[VOP_OPEN_IOMMUFD] = "open " VFIO_PATH_IOMMU,
	[VOP_OPEN_CDEV] = "open device cdev",
	[VOP_BIND] = "VFIO_DEVICE_BIND_IOMMUFD",
	[VOP_IOAS_ALLOC] = "IOMMU_IOAS_ALLOC",
	[VOP_ATTACH] = "VFIO_DEVICE_ATTACH_IOMMUFD_PT",
	[VOP_ATTACH_PASID] = "VFIO_DEVICE_ATTACH_IOMMUFD_PT (PASID)",
	[VOP_DETACH] = "VFIO_DEVICE_DETACH_IOMMUFD_PT",
	[VOP_IOVA_RANGES] = "IOMMU_IOAS_IOVA_RANGES",
	[VOP_ALLOW_IOVAS] = "IOMMU_IOAS_ALLOW_IOVAS",
	[VOP_IOAS_MAP] = "IOMMU_IOAS_MAP",
	[VOP_IOAS_UNMAP] = "IOMMU_IOAS_UNMAP",
	[VOP_HWPT_ALLOC] = "IOMMU_HWPT_ALLOC",
	[VOP_HW_INFO] = "IOMMU_GET_HW_INFO",
	[VOP_DESTROY] = "IOMMU_DESTROY",
	[VOP_OPTION] = "IOMMU_OPTION",
	[VOP_OPEN_CONTAINER] = "open " VFIO_PATH_CONTAINER,
	[VOP_API_VERSION] = "VFIO_GET_API_VERSION",
	[VOP_CHECK_EXT] = "VFIO_CHECK_EXTENSION",
	[VOP_OPEN_GROUP] = "open group node",
	[VOP_GROUP_STATUS] = "VFIO_GROUP_GET_STATUS",
	[VOP_SET_CONTAINER] = "VFIO_GROUP_SET_CONTAINER",
	[VOP_SET_IOMMU] = "VFIO_SET_IOMMU",
	[VOP_IOMMU_INFO] = "VFIO_IOMMU_GET_INFO",
	[VOP_GET_DEVICE_FD] = "VFIO_GROUP_GET_DEVICE_FD",
	[VOP_DEVICE_INFO] = "VFIO_DEVICE_GET_INFO",
	[VOP_DMA_MAP] = "VFIO_IOMMU_MAP_DMA",
	[VOP_DMA_UNMAP] = "VFIO_IOMMU_UNMAP_DMA",
	[VOP_BUFFER] = "mmap test buffer",
	[VOP_SPAPR_INFO] = "VFIO_IOMMU_SPAPR_TCE_GET_INFO",
	[VOP_SPAPR_REGISTER] = "VFIO_IOMMU_SPAPR_REGISTER_MEMORY",
	[VOP_SPAPR_UNREGISTER] = "VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY",
	[VOP_SPAPR_CREATE] = "VFIO_IOMMU_SPAPR_TCE_CREATE",
	[VOP_SPAPR_REMOVE] = "VFIO_IOMMU_SPAPR_TCE_REMOVE",
	[VOP_RLIMIT_MODE] = "IOMMU_OPTION_RLIMIT_MODE",
	[VOP_IOAS_MAP_FILE] = "IOMMU_IOAS_MAP_FILE",
	[VOP_VIOMMU_ALLOC] = "IOMMU_VIOMMU_ALLOC",
	[VOP_VDEVICE_ALLOC] = "IOMMU_VDEVICE_ALLOC",
	[VOP_VEVENTQ_ALLOC] = "IOMMU_VEVENTQ_ALLOC",
	[VOP_HWPT_ALLOC_PASID] = "IOMMU_HWPT_ALLOC (IOMMU_HWPT_ALLOC_PASID)",
	[VOP_HWPT_NEST_PARENT] = "IOMMU_HWPT_ALLOC (IOMMU_HWPT_ALLOC_NEST_PARENT)",
	[VOP_DETACH_PASID] = "VFIO_DEVICE_DETACH_IOMMUFD_PT (PASID)",
	[VOP_MEMFD] = "memfd_create",
};

const char *vfio_op_name(enum vfio_op op)
{
	return (unsigned)op < VOP__COUNT && op_names[op] ? op_names[op] : "?";
}

_Static_assert(VOP__COUNT <= 256, "struct explain keeps op in a byte");

/* Text in the row, not a pointer to it: the tables stay in .rodata, unrelocated. */
struct explain {
	unsigned char op;         /* enum vfio_op; VOP_NONE: any operation */
	unsigned char err;        /* positive errno */
	char text[256];
};

/* Specific rows first: the first match wins. */
static const struct explain explain_table[] = {
	{ VOP_OPEN_IOMMUFD, ENOENT, "no " VFIO_PATH_IOMMU ": the kernel has no iommufd "
	  "(CONFIG_IOMMUFD, which not every distribution's kernel enables) or the iommufd module is not loaded" },
	{ VOP_OPEN_IOMMUFD, ENXIO, "no " VFIO_PATH_IOMMU ": the kernel has no iommufd (CONFIG_IOMMUFD)" },
	{ VOP_OPEN_IOMMUFD, ENODEV, "no " VFIO_PATH_IOMMU ": the kernel has no iommufd (CONFIG_IOMMUFD)" },
	{ VOP_OPEN_CDEV, ENOENT, "the device has no VFIO cdev: the kernel lacks CONFIG_VFIO_DEVICE_CDEV "
	  "(v6.6+), or the device is not bound to a VFIO driver" },
	{ VOP_OPEN_CDEV, EBUSY, "the device is in use: another process has it open" },
	{ VOP_BIND, EBUSY, "DMA ownership refused: the device or its group is in use (a VFIO group "
	  "fd or another cdev user), or another device of the IOMMU group is bound to a kernel "
	  "driver that uses the DMA API (the group is not viable)" },
	{ VOP_BIND, EPERM, "the IOMMU cannot isolate MSIs (no interrupt remapping): iommufd refuses "
	  "unless loaded with allow_unsafe_interrupts=1" },
	{ VOP_BIND, EINVAL, "the kernel refused the bind arguments (is the fd an iommufd?)" },
	{ VOP_BIND, ENODEV, "the device went away or has no IOMMU group" },
	{ VOP_ATTACH, EINVAL, "the IOAS or HWPT is not compatible with this device's IOMMU" },
	{ VOP_ATTACH, EADDRINUSE, "the device's reserved regions collide with IOVAs already mapped "
	  "or promised with IOMMU_IOAS_ALLOW_IOVAS" },
	{ VOP_ATTACH, EBUSY, "the device is already attached elsewhere" },
	{ VOP_ATTACH, EPERM, "the device has a non-relaxable direct-mapped region (an RMRR) and "
	  "cannot be assigned" },
	{ VOP_ATTACH_PASID, EINVAL, "the kernel does not know VFIO_DEVICE_ATTACH_PASID (added in "
	  "v6.15), the PASID is out of range, or a HWPT involved is not PASID-compatible (the PASID's "
	  "and the device's own must both be allocated with IOMMU_HWPT_ALLOC_PASID)" },
	{ VOP_DETACH_PASID, EINVAL, "the kernel does not know VFIO_DEVICE_DETACH_PASID (added in "
	  "v6.15), or the PASID is out of range" },
	{ VOP_IOAS_MAP_FILE, EBADF, "not an open file descriptor" },
	{ VOP_IOAS_MAP_FILE, EINVAL, "the file cannot be pinned this way (only memfds/shmem, hugetlbfs "
	  "and, since v6.19, dma-bufs), or the range is outside it or not page aligned" },
	{ VOP_IOAS_MAP_FILE, EEXIST, "the IOVA range overlaps an existing mapping" },
	{ VOP_VIOMMU_ALLOC, EOPNOTSUPP, "this IOMMU's driver has no vIOMMU (no get_viommu_size/viommu_init "
	  "in the kernel's driver), or the type is not one it takes" },
	{ VOP_VIOMMU_ALLOC, EINVAL, "the HWPT is not a nesting parent (allocate it with "
	  "IOMMU_HWPT_ALLOC_NEST_PARENT)" },
	{ VOP_VIOMMU_ALLOC, ENOENT, "no such device ID or HWPT: the driver has vIOMMUs but needs a "
	  "nest-parent HWPT" },
	{ VOP_VDEVICE_ALLOC, EEXIST, "the device already has a vDEVICE" },
	{ VOP_VDEVICE_ALLOC, EINVAL, "the device is behind another physical IOMMU than the vIOMMU, or "
	  "the virtual ID is out of range" },
	{ VOP_VDEVICE_ALLOC, ENOENT, "no such vIOMMU or device ID" },
	{ VOP_VEVENTQ_ALLOC, EOPNOTSUPP, "the vIOMMU reports no events of this type (or the type is the "
	  "reserved default)" },
	{ VOP_VEVENTQ_ALLOC, EEXIST, "the vIOMMU already has an event queue of this type" },
	{ VOP_HWPT_ALLOC_PASID, EOPNOTSUPP, "the IOMMU cannot give this device a PASID-compatible "
	  "domain (VT-d: scalable mode with first-stage translation, ECAP.FLTS, is needed)" },
	{ VOP_HWPT_ALLOC_PASID, EINVAL, "the kernel does not know IOMMU_HWPT_ALLOC_PASID (v6.15+)" },
	{ VOP_HWPT_NEST_PARENT, EOPNOTSUPP, "the IOMMU cannot nest (VT-d: ECAP.NEST; SMMUv3: stage 1 "
	  "and stage 2 both)" },
	{ VOP_ATTACH_PASID, EOPNOTSUPP, "the device, its driver or the IOMMU cannot attach a PASID "
	  "(PASID capability off, or the domain was not allocated PASID-capable)" },
	{ VOP_DETACH, EINVAL, "nothing to detach, or the kernel does not know VFIO_DEVICE_DETACH_PASID" },
	{ VOP_IOAS_MAP, EEXIST, "the IOVA range overlaps an existing mapping" },
	{ VOP_IOAS_MAP, EINVAL, "the IOVA range overlaps a reserved region (the MSI window, a "
	  "direct-mapped region, beyond the IOMMU's address width), or is not aligned to "
	  "out_iova_alignment, or the length is 0" },
	{ VOP_IOAS_MAP, ENOSPC, "no free IOVA range is large enough" },
	{ VOP_IOAS_MAP, ENOMEM, "cannot pin the buffer: RLIMIT_MEMLOCK too low (ulimit -l) or out of memory" },
	{ VOP_IOAS_UNMAP, ENOENT, "no mapping at that IOVA" },
	{ VOP_IOAS_UNMAP, EINVAL, "the range cuts through a mapping (unmaps must cover whole maps)" },
	{ VOP_ALLOW_IOVAS, EADDRINUSE, "the range overlaps a region an attached device reserves "
	  "(the MSI window, a direct-mapped region)" },
	{ VOP_ALLOW_IOVAS, EINVAL, "ranges must be non-empty, ordered and non-overlapping" },
	{ VOP_HWPT_ALLOC, EOPNOTSUPP, "the kernel or the IOMMU does not support these HWPT flags "
	  "(PASID-capable needs v6.15 and a PASID-capable IOMMU; nest-parent needs nesting: "
	  "VT-d ECAP.NEST, SMMUv3 with both stages, AMD-Vi EFR.GIOSup; dirty tracking needs hardware "
	  "A/D bits)" },
	{ VOP_HWPT_ALLOC, ENOENT, "no such device ID (bind the device first)" },
	{ VOP_HWPT_ALLOC, EINVAL, "the pt_id is neither an IOAS nor a nesting-parent HWPT" },
	{ VOP_HW_INFO, ENOENT, "no such device ID (bind the device first)" },
	{ VOP_DESTROY, EBUSY, "the object is in use: a device is attached to it, or a HWPT, vIOMMU or "
	  "vDEVICE was made on it" },
	{ VOP_DESTROY, ENOENT, "no object with that ID: it was destroyed already" },
	{ VOP_OPTION, EOPNOTSUPP, "the kernel does not know this IOMMU_OPTION (IOMMU_OPTION_SW_MSI_START/"
	  "SIZE are proposed, not in mainline)" },
	{ VOP_OPTION, EBUSY, "the option must be set before the device is attached" },
	{ VOP_RLIMIT_MODE, EPERM, "setting the accounting mode needs CAP_SYS_RESOURCE" },
	{ VOP_RLIMIT_MODE, EBUSY, "the iommufd already holds objects (an IOAS, a HWPT or a bound "
	  "device): the accounting mode is chosen on an empty iommufd, before the first of them" },
	{ VOP_RLIMIT_MODE, EOPNOTSUPP, "the kernel does not know IOMMU_OPTION_RLIMIT_MODE" },
	{ VOP_RLIMIT_MODE, EINVAL, "the kernel knows only the modes 0 (per user) and 1 (per process)" },
	{ VOP_OPTION, EADDRINUSE, "the window overlaps another reserved region" },
	{ VOP_CHECK_EXT, ENODEV, "iommufd's emulated container (CONFIG_IOMMUFD_VFIO_CONTAINER) answers "
	  "VFIO_DMA_CC_IOMMU only once a group is set on it (it has no IOAS before)" },
	{ VOP_OPEN_CONTAINER, ENOENT, "no " VFIO_PATH_CONTAINER ": the vfio module is not loaded, or "
	  "the kernel has no legacy container (CONFIG_VFIO_CONTAINER)" },
	{ VOP_OPEN_GROUP, ENOENT, "no VFIO group node: no device of the IOMMU group is bound to a VFIO "
	  "driver (bind with 'iommuctl group claim')" },
	{ VOP_OPEN_GROUP, EBUSY, "the group node is open in another process, or its devices are "
	  "bound through iommufd cdevs" },
	{ VOP_OPEN_GROUP, EPERM, "a no-IOMMU group needs CAP_SYS_RAWIO" },
	{ VOP_GROUP_STATUS, EBUSY, "the group is not viable: a device in it is bound to a kernel driver "
	  "that uses the DMA API (see 'iommuctl group show')" },
	{ VOP_SET_CONTAINER, EBUSY, "the group already belongs to a container, or a device of it is "
	  "bound to iommufd through its cdev" },
	{ VOP_SET_CONTAINER, EPERM, "the group is not viable, or a no-IOMMU group without CAP_SYS_RAWIO" },
	{ VOP_SET_CONTAINER, EINVAL, "the container already holds groups with a different IOMMU model" },
	{ VOP_SET_IOMMU, EPERM, "the IOMMU cannot isolate MSIs (no interrupt remapping): type1 refuses "
	  "unless vfio_iommu_type1.allow_unsafe_interrupts=1" },
	{ VOP_SET_IOMMU, ENODEV, "no IOMMU driver for this model: is vfio_iommu_type1 loaded?" },
	{ VOP_SET_IOMMU, EINVAL, "the container has no group yet, already has a model, or the model is "
	  "not supported" },
	{ VOP_SET_IOMMU, EBUSY, "the container already has an IOMMU model" },
	{ VOP_GET_DEVICE_FD, EBUSY, "the device is already open (through its cdev or another user)" },
	{ VOP_GET_DEVICE_FD, ENODEV, "the device is not in this group or not bound to vfio-pci" },
	{ VOP_GET_DEVICE_FD, EINVAL, "the group has no container with an IOMMU model set" },
	{ VOP_DMA_MAP, EINVAL, "the IOVA range is not usable: outside the usable IOVA ranges (a "
	  "reserved region such as the MSI window, or beyond the address width), not aligned to the "
	  "smallest IOMMU page, or of length 0" },
	{ VOP_DMA_MAP, EEXIST, "the IOVA range overlaps an existing mapping" },
	{ VOP_DMA_MAP, ENOSPC, "the container reached its mapping limit (vfio_iommu_type1.dma_entry_limit)" },
	{ VOP_DMA_MAP, ENOMEM, "cannot pin the buffer: RLIMIT_MEMLOCK too low (ulimit -l) or out of memory" },
	{ VOP_DMA_MAP, EPERM, "pinning memory needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK" },
	{ VOP_DMA_UNMAP, EINVAL, "the range cuts through a mapping, or is not page aligned" },
	/* SPAPR TCE (POWER) containers: IOVAs are bus addresses inside a DMA window */
	{ VOP_DMA_MAP, ENXIO, "the IOVA range is outside every DMA window of the SPAPR container "
	  "(the 32-bit window or a DDW created with VFIO_IOMMU_SPAPR_TCE_CREATE)" },
	{ VOP_DMA_UNMAP, ENXIO, "the IOVA range is outside every DMA window of the SPAPR container" },
	{ VOP_SPAPR_INFO, ENOTTY, "the container has no IOMMU model set, or it is not SPAPR TCE" },
	{ VOP_SPAPR_INFO, ENXIO, "no group is attached to the container" },
	{ VOP_SPAPR_REGISTER, ENOMEM, "cannot pin the memory: RLIMIT_MEMLOCK too low (ulimit -l) or "
	  "out of memory" },
	{ VOP_SPAPR_REGISTER, EBUSY, "this memory is already registered in the container" },
	{ VOP_SPAPR_REGISTER, EINVAL, "the range is not page aligned, has flags set, or overlaps a "
	  "registered region of a different size" },
	{ VOP_SPAPR_REGISTER, ENOTTY, "memory pre-registration needs a SPAPR TCE v2 container" },
	{ VOP_SPAPR_UNREGISTER, ENOENT, "this memory is not registered (the range must match a "
	  "registration exactly)" },
	{ VOP_SPAPR_UNREGISTER, EBUSY, "the memory is still mapped: unmap it first" },
	{ VOP_SPAPR_UNREGISTER, EPERM, "nothing was ever registered through this container" },
	{ VOP_SPAPR_CREATE, EINVAL, "the kernel refused the window: the page size is not one of the "
	  "DDW page sizes, the size is not a power of two or below the page size, or the levels exceed "
	  "the maximum" },
	{ VOP_SPAPR_CREATE, ENOSPC, "no free window slot: max_dynamic_windows_supported windows "
	  "exist already" },
	{ VOP_SPAPR_CREATE, EPERM, "the platform cannot create dynamic DMA windows" },
	{ VOP_SPAPR_CREATE, ENXIO, "no group is attached to the container" },
	{ VOP_SPAPR_CREATE, ENOMEM, "cannot account the TCE table against RLIMIT_MEMLOCK (ulimit -l) "
	  "or allocate it: try more levels or a smaller window" },
	{ VOP_SPAPR_CREATE, ENOTTY, "dynamic DMA windows need a SPAPR TCE v2 container" },
	{ VOP_SPAPR_REMOVE, EINVAL, "no DMA window starts at that bus address" },
	{ VOP_SPAPR_REMOVE, EPERM, "the platform cannot remove DMA windows" },
	{ VOP_NONE, ENOTTY, "the kernel does not know this ioctl" },
	{ VOP_NONE, E2BIG, "the kernel's structure is older than ours and a field it does not know "
	  "was set" },
	{ VOP_NONE, EACCES, "permission denied: VFIO needs root or access to the device node" },
	{ VOP_NONE, EPERM, "operation not permitted: VFIO needs root (CAP_SYS_ADMIN for some ioctls)" },
};

/*
 * What to do about it, in iommuctl's words (the batch language's lines,
 * iommuctl commands, the kernel's options); looked up as explain_table.
 */
static const struct explain fix_table[] = {
	{ VOP_OPEN_IOMMUFD, ENOENT, "modprobe iommufd; if there is no such module, boot a kernel built with "
	  "CONFIG_IOMMUFD, or use the legacy container ('container open', 'group add', 'dma map')" },
	{ VOP_OPEN_IOMMUFD, ENXIO, "boot a kernel built with CONFIG_IOMMUFD, or use the legacy container "
	  "('container open', 'group add', 'dma map')" },
	{ VOP_OPEN_IOMMUFD, ENODEV, "boot a kernel built with CONFIG_IOMMUFD, or use the legacy container "
	  "('container open', 'group add', 'dma map')" },
	{ VOP_OPEN_CDEV, ENOENT, "bind the device's group to vfio-pci first ('iommuctl group claim ADDR'); "
	  "on a kernel without CONFIG_VFIO_DEVICE_CDEV use 'device open' through the group" },
	{ VOP_OPEN_CDEV, EBUSY, "close the other user ('iommuctl device show ADDR' names the process)" },
	{ VOP_BIND, EBUSY, "close the group's other users ('iommuctl group show ADDR' names them) and bind "
	  "every device of the group to vfio-pci ('iommuctl group claim ADDR')" },
	{ VOP_BIND, EPERM, "use an IOMMU with interrupt remapping, or load iommufd with "
	  "allow_unsafe_interrupts=1 if the risk is accepted" },
	{ VOP_BIND, EINVAL, "bind after 'iommufd open' in the same run" },
	{ VOP_BIND, ENODEV, "check the device is still there ('iommuctl device show ADDR')" },
	{ VOP_ATTACH, EINVAL, "attach to an IOAS ('device attach DEV IOAS') or to a HWPT allocated for this "
	  "device ('hwpt alloc DEV IOAS')" },
	{ VOP_ATTACH, EADDRINUSE, "attach the device before mapping or allowing IOVAs in its reserved "
	  "regions ('iommuctl msi show ADDR' lists them), or unmap what is there" },
	{ VOP_ATTACH, EBUSY, "detach it first ('device detach DEV')" },
	{ VOP_ATTACH, EPERM, "leave this device to its kernel driver; it cannot be assigned" },
	{ VOP_ATTACH_PASID, EINVAL, "on v6.15+ attach the device itself to a HWPT allocated with 'pasid' "
	  "('hwpt alloc DEV IOAS pasid'), then the PASID to a HWPT allocated the same way" },
	{ VOP_DETACH_PASID, EINVAL, "detach only a PASID that is attached, on a v6.15+ kernel" },
	{ VOP_IOAS_MAP_FILE, EBADF, "map a file the run holds ('ioas map-file IOAS size=N')" },
	{ VOP_IOAS_MAP_FILE, EINVAL, "give a size that is a multiple of the page size, and an iova= inside "
	  "the usable ranges ('ioas ranges IOAS')" },
	{ VOP_IOAS_MAP_FILE, EEXIST, "unmap what is there first, choose another iova=, or leave iova= out "
	  "and let the kernel choose" },
	{ VOP_VIOMMU_ALLOC, EOPNOTSUPP, "use an IOMMU whose driver has vIOMMUs (SMMUv3 with nesting; "
	  "'iommuctl vfio probe ADDR' says what this one offers), or a HWPT without one" },
	{ VOP_VIOMMU_ALLOC, EINVAL, "allocate the HWPT as a nest parent: 'hwpt alloc DEV IOAS nest-parent'" },
	{ VOP_VIOMMU_ALLOC, ENOENT, "bind the device and allocate a nest-parent HWPT for it first" },
	{ VOP_VDEVICE_ALLOC, EEXIST, "destroy the device's vDEVICE first ('destroy VDEVICE')" },
	{ VOP_VDEVICE_ALLOC, EINVAL, "give a device behind the vIOMMU's IOMMU, and a virt-id the guest's "
	  "IOMMU can hold (a stream ID, device ID or requester ID)" },
	{ VOP_VDEVICE_ALLOC, ENOENT, "allocate the vIOMMU and bind the device in this run first" },
	{ VOP_VEVENTQ_ALLOC, EOPNOTSUPP, "ask for an event type the vIOMMU's driver reports" },
	{ VOP_VEVENTQ_ALLOC, EEXIST, "use the event queue the vIOMMU already has" },
	{ VOP_HWPT_ALLOC_PASID, EOPNOTSUPP, "on VT-d boot with scalable mode and first-stage translation "
	  "(intel_iommu=on,sm_on; QEMU: x-scalable-mode=on with fsts=on), or do without PASIDs" },
	{ VOP_HWPT_ALLOC_PASID, EINVAL, "boot a v6.15+ kernel for PASID HWPTs" },
	{ VOP_HWPT_NEST_PARENT, EOPNOTSUPP, "use an IOMMU that can nest, or a plain HWPT "
	  "('hwpt alloc DEV IOAS')" },
	{ VOP_ATTACH_PASID, EOPNOTSUPP, "enable the device's PASID capability and allocate the HWPTs with "
	  "'pasid' ('hwpt alloc DEV IOAS pasid')" },
	{ VOP_DETACH, EINVAL, "detach only what is attached ('device attach' or 'pasid attach' first)" },
	{ VOP_IOAS_MAP, EEXIST, "unmap what is there first, choose another iova=, or leave iova= out and "
	  "let the kernel choose" },
	{ VOP_IOAS_MAP, EINVAL, "choose an iova= inside the usable ranges ('ioas ranges IOAS') and aligned "
	  "to their alignment, or leave iova= out and let the kernel choose" },
	{ VOP_IOAS_MAP, ENOSPC, "map less, unmap something first, or allow a larger IOVA range" },
	{ VOP_IOAS_MAP, ENOMEM, "raise RLIMIT_MEMLOCK (ulimit -l, LimitMEMLOCK= of a systemd unit) or map "
	  "less" },
	{ VOP_IOAS_UNMAP, ENOENT, "name a map of this IOAS ('ioas unmap IOAS MAP'), or an iova= and size= "
	  "that cover whole maps" },
	{ VOP_IOAS_UNMAP, EINVAL, "unmap whole maps: name the map ('ioas unmap IOAS MAP'), or give iova= "
	  "and size= covering it all" },
	{ VOP_ALLOW_IOVAS, EADDRINUSE, "allow only ranges inside the usable ones ('ioas ranges IOAS'), or "
	  "allow before attaching the device" },
	{ VOP_ALLOW_IOVAS, EINVAL, "give non-empty ranges in ascending order that do not overlap" },
	{ VOP_HWPT_ALLOC, EOPNOTSUPP, "leave out the flags this IOMMU lacks ('iommuctl vfio probe ADDR' "
	  "says which it has)" },
	{ VOP_HWPT_ALLOC, ENOENT, "bind the device in this run first ('device bind ADDR')" },
	{ VOP_HWPT_ALLOC, EINVAL, "give an IOAS, or a HWPT allocated with 'nest-parent'" },
	{ VOP_HW_INFO, ENOENT, "bind the device in this run first ('device bind ADDR')" },
	{ VOP_DESTROY, EBUSY, "detach the devices attached to it and destroy what was made on it first" },
	{ VOP_DESTROY, ENOENT, "destroy each object once" },
	{ VOP_OPTION, EOPNOTSUPP, "do without the option on this kernel (the default software MSI window "
	  "stays; 'iommuctl msi show ADDR' shows it)" },
	{ VOP_OPTION, EBUSY, "set the option before 'device attach'" },
	{ VOP_RLIMIT_MODE, EPERM, "run as root, or with CAP_SYS_RESOURCE" },
	{ VOP_RLIMIT_MODE, EBUSY, "put 'option rlimit-mode' before the first 'ioas alloc', 'hwpt alloc' "
	  "and 'device bind'" },
	{ VOP_RLIMIT_MODE, EOPNOTSUPP, "do without it: this kernel charges the user" },
	{ VOP_RLIMIT_MODE, EINVAL, "write 'option rlimit-mode user' or 'option rlimit-mode process'" },
	{ VOP_OPTION, EADDRINUSE, "choose a window that overlaps no reserved region ('iommuctl msi show "
	  "ADDR')" },
	{ VOP_OPEN_CONTAINER, ENOENT, "modprobe vfio vfio_iommu_type1, or use iommufd ('iommufd open', "
	  "'device bind')" },
	{ VOP_OPEN_GROUP, ENOENT, "bind the group to vfio-pci first: 'iommuctl group claim ADDR'" },
	{ VOP_OPEN_GROUP, EBUSY, "close the other user ('iommuctl group show ADDR' names it), or use the "
	  "cdevs through iommufd ('device bind')" },
	{ VOP_OPEN_GROUP, EPERM, "run as root with CAP_SYS_RAWIO" },
	{ VOP_GROUP_STATUS, EBUSY, "bind every device of the group to vfio-pci: 'iommuctl group claim ADDR'" },
	{ VOP_SET_CONTAINER, EBUSY, "close the other container or the iommufd that holds the group" },
	{ VOP_SET_CONTAINER, EPERM, "bind every device of the group to vfio-pci: 'iommuctl group claim ADDR'" },
	{ VOP_SET_CONTAINER, EINVAL, "open a second container for this group" },
	{ VOP_SET_IOMMU, EPERM, "use an IOMMU with interrupt remapping, or load vfio_iommu_type1 with "
	  "allow_unsafe_interrupts=1 if the risk is accepted" },
	{ VOP_SET_IOMMU, ENODEV, "modprobe vfio_iommu_type1 (spapr: vfio_iommu_spapr_tce)" },
	{ VOP_SET_IOMMU, EINVAL, "'group add' a group first, then 'container set-iommu' once, with a model "
	  "'vfio status' lists" },
	{ VOP_SET_IOMMU, EBUSY, "set the model once per container" },
	{ VOP_GET_DEVICE_FD, EBUSY, "close the device's other user ('iommuctl device show ADDR' names it)" },
	{ VOP_GET_DEVICE_FD, ENODEV, "give a device of a group this run added, bound to vfio-pci" },
	{ VOP_GET_DEVICE_FD, EINVAL, "'container set-iommu' after 'group add', before 'device open'" },
	{ VOP_DMA_MAP, EINVAL, "choose an iova= inside the container's usable ranges ('container info'), "
	  "page aligned, or leave iova= out" },
	{ VOP_DMA_MAP, EEXIST, "unmap what is there first ('dma unmap'), or choose another iova=" },
	{ VOP_DMA_MAP, ENOSPC, "unmap some maps, or raise vfio_iommu_type1.dma_entry_limit" },
	{ VOP_DMA_MAP, ENOMEM, "raise RLIMIT_MEMLOCK (ulimit -l, LimitMEMLOCK= of a systemd unit) or map "
	  "less" },
	{ VOP_DMA_MAP, EPERM, "run as root, or raise RLIMIT_MEMLOCK" },
	{ VOP_DMA_UNMAP, EINVAL, "unmap whole maps: name the map ('dma unmap MAP')" },
	{ VOP_DMA_MAP, ENXIO, "map inside a DMA window ('spapr info' lists them; 'spapr window create' "
	  "makes one)" },
	{ VOP_DMA_UNMAP, ENXIO, "unmap inside a DMA window ('spapr info' lists them)" },
	{ VOP_SPAPR_INFO, ENOTTY, "'container set-iommu spapr-v2' first" },
	{ VOP_SPAPR_INFO, ENXIO, "'group add' a group first" },
	{ VOP_SPAPR_REGISTER, ENOMEM, "raise RLIMIT_MEMLOCK (ulimit -l) or register less" },
	{ VOP_SPAPR_REGISTER, EBUSY, "use the registration that exists" },
	{ VOP_SPAPR_REGISTER, EINVAL, "register whole pages, each range once" },
	{ VOP_SPAPR_REGISTER, ENOTTY, "'container set-iommu spapr-v2'" },
	{ VOP_SPAPR_UNREGISTER, ENOENT, "unregister the MEM exactly as it was registered" },
	{ VOP_SPAPR_UNREGISTER, EBUSY, "unmap the maps that use it first ('dma unmap MAP')" },
	{ VOP_SPAPR_UNREGISTER, EPERM, "register memory first ('spapr register')" },
	{ VOP_SPAPR_CREATE, EINVAL, "give a page-shift from 'spapr info' (its ddw page sizes), a "
	  "power-of-two size and levels up to its maximum" },
	{ VOP_SPAPR_CREATE, ENOSPC, "remove a window first ('spapr window remove ADDR')" },
	{ VOP_SPAPR_CREATE, EPERM, "use the default 32-bit window" },
	{ VOP_SPAPR_CREATE, ENXIO, "'group add' a group first" },
	{ VOP_SPAPR_CREATE, ENOMEM, "raise RLIMIT_MEMLOCK (ulimit -l), use more levels, or a smaller window" },
	{ VOP_SPAPR_CREATE, ENOTTY, "'container set-iommu spapr-v2'" },
	{ VOP_SPAPR_REMOVE, EINVAL, "give a window's start as 'spapr info' lists it" },
	{ VOP_SPAPR_REMOVE, EPERM, "keep the window" },
	{ VOP_NONE, ENOTTY, "boot a kernel that has it ('iommuctl vfio status' says what this one has)" },
	{ VOP_NONE, E2BIG, "use an iommuctl built for this kernel's headers" },
	{ VOP_NONE, EACCES, "run as root, or give the user the device nodes (/dev/vfio, /dev/iommu)" },
	{ VOP_NONE, EPERM, "run as root" },
};

static const char *table_lookup(const struct explain *t, size_t n, enum vfio_op op, int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < n; i++)
		if (t[i].op == op && t[i].err == err)
			return t[i].text;
	for (size_t i = 0; i < n; i++)
		if (t[i].op == VOP_NONE && t[i].err == err)
			return t[i].text;
	return NULL;
}

char *vfio_ranges_text(const struct vfio_range *r, size_t n)
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

const char *vfio_explain(enum vfio_op op, int err)
{
	return table_lookup(explain_table, ARRAY_SIZE(explain_table), op, err);
}

const char *vfio_fix(enum vfio_op op, int err)
{
	return table_lookup(fix_table, ARRAY_SIZE(fix_table), op, err);
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ENOTTY, "ENOTTY" }, { ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { EADDRINUSE, "EADDRINUSE" },
	{ EOVERFLOW, "EOVERFLOW" }, { EMSGSIZE, "EMSGSIZE" }, { ENOSPC, "ENOSPC" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { EROFS, "EROFS" },
};

const char *vfio_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}

/* ---- iommufd and the device cdev ---- */

int vfio_iommufd_open(int *fd)
{
	return xopen(VFIO_PATH_IOMMU, fd);
}

int vfio_cdev_open(const char *cdev, int *fd)
{
	char path[128];

	if (strchr(cdev, '/'))
		snprintf(path, sizeof(path), "%s", cdev);
	else
		snprintf(path, sizeof(path), VFIO_PATH_CDEV_DIR "/%s", cdev);
	return xopen(path, fd);
}

int vfio_device_bind(int devfd, int iommufd, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = iommufd };
	int rc = xioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (rc < 0)
		return rc;
	*dev_id = b.out_devid;
	return 0;
}

int vfio_ioas_alloc(int iommufd, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };
	int rc = xioctl(iommufd, IOMMU_IOAS_ALLOC, &a);

	if (rc < 0)
		return rc;
	*ioas_id = a.out_ioas_id;
	return 0;
}

int vfio_device_attach(int devfd, uint32_t pt_id, int64_t pasid, uint32_t *out_pt)
{
	struct vfio_device_attach_iommufd_pt a = { .pt_id = pt_id };
	int rc;

	/* Without the PASID flag, send the original 12-byte struct: older kernels want no more. */
	a.argsz = pasid < 0 ? 12 : sizeof(a);
	if (pasid >= 0) {
		a.flags = VFIO_DEVICE_ATTACH_PASID;
		a.pasid = (uint32_t)pasid;
	}
	rc = xioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
	if (rc < 0)
		return rc;
	if (out_pt)
		*out_pt = a.pt_id;
	return 0;
}

int vfio_device_detach(int devfd, int64_t pasid)
{
	struct vfio_device_detach_iommufd_pt d = { .argsz = 8 };

	if (pasid >= 0) {
		d.argsz = sizeof(d);
		d.flags = VFIO_DEVICE_DETACH_PASID;
		d.pasid = (uint32_t)pasid;
	}
	return xioctl0(devfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

int vfio_ioas_ranges(int iommufd, uint32_t ioas, struct vfio_range **r, size_t *n,
		     uint64_t *alignment)
{
	struct iommu_ioas_iova_ranges q = { .size = sizeof(q), .ioas_id = ioas };
	struct iommu_iova_range *buf = NULL;
	uint32_t cap = 0;
	int rc;

	for (int tries = 0; tries < 4; tries++) {
		q.num_iovas = cap;
		q.allowed_iovas = (uintptr_t)buf;
		rc = xioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, &q);
		if (rc == -EMSGSIZE && q.num_iovas > cap) {
			cap = q.num_iovas;
			buf = xrealloc(buf, cap * sizeof(*buf));
			continue;
		}
		break;
	}
	if (rc < 0) {
		free(buf);
		return rc;
	}
	*n = q.num_iovas;
	*r = xcalloc(q.num_iovas ? q.num_iovas : 1, sizeof(**r));
	for (size_t i = 0; i < *n; i++) {
		(*r)[i].start = buf[i].start;
		(*r)[i].last = buf[i].last;
	}
	if (alignment)
		*alignment = q.out_iova_alignment;
	free(buf);
	return 0;
}

int vfio_ioas_allow_iovas(int iommufd, uint32_t ioas, const struct vfio_range *r, size_t n)
{
	struct iommu_iova_range *buf = xcalloc(n ? n : 1, sizeof(*buf));
	struct iommu_ioas_allow_iovas a = { .size = sizeof(a), .ioas_id = ioas,
					    .num_iovas = (uint32_t)n };
	int rc;

	for (size_t i = 0; i < n; i++) {
		buf[i].start = r[i].start;
		buf[i].last = r[i].last;
	}
	a.allowed_iovas = (uintptr_t)buf;
	rc = xioctl(iommufd, IOMMU_IOAS_ALLOW_IOVAS, &a);
	free(buf);
	return rc < 0 ? rc : 0;
}

int vfio_ioas_map(int iommufd, uint32_t ioas, void *va, uint64_t len, bool fixed,
		  bool writeable, uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .ioas_id = ioas, .user_va = (uintptr_t)va, .length = len,
		.flags = IOMMU_IOAS_MAP_READABLE | (writeable ? IOMMU_IOAS_MAP_WRITEABLE : 0) |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.iova = fixed ? *iova : 0,
	};
	int rc = xioctl(iommufd, IOMMU_IOAS_MAP, &m);

	if (rc < 0)
		return rc;
	*iova = m.iova;
	return 0;
}

int vfio_ioas_unmap(int iommufd, uint32_t ioas, uint64_t iova, uint64_t len, uint64_t *unmapped)
{
	struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len };
	int rc = xioctl(iommufd, IOMMU_IOAS_UNMAP, &u);

	if (rc < 0)
		return rc;
	if (unmapped)
		*unmapped = u.length;
	return 0;
}

int vfio_hwpt_alloc(int iommufd, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		    uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc h = { .size = IOMMU_HWPT_ALLOC_SIZE_V1, .flags = flags,
				      .dev_id = dev_id, .pt_id = pt_id };
	int rc = xioctl(iommufd, IOMMU_HWPT_ALLOC, &h);

	if (rc < 0)
		return rc;
	*hwpt_id = h.out_hwpt_id;
	return 0;
}

int vfio_destroy(int iommufd, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return xioctl0(iommufd, IOMMU_DESTROY, &d);
}

int vfio_option(int iommufd, uint32_t option, bool set, uint32_t object_id, uint64_t *val)
{
	struct iommu_option o = { .size = sizeof(o), .option_id = option,
				  .op = set ? IOMMU_OPTION_OP_SET : IOMMU_OPTION_OP_GET,
				  .object_id = object_id, .val64 = set ? *val : 0 };
	int rc = xioctl(iommufd, IOMMU_OPTION, &o);

	if (rc < 0)
		return rc;
	if (!set)
		*val = o.val64;
	return 0;
}

int vfio_rlimit_mode(int iommufd, bool set, uint64_t *mode)
{
	/* a global option: object 0 */
	return vfio_option(iommufd, IOMMU_OPTION_RLIMIT_MODE, set, 0, mode);
}

const char *vfio_rlimit_mode_name(uint64_t mode)
{
	return mode == VFIO_RLIMIT_USER ? "user" : mode == VFIO_RLIMIT_PROCESS ? "process" : NULL;
}

int vfio_hw_info_get(int iommufd, uint32_t dev_id, struct vfio_hw_info *hi)
{
	struct iommu_hw_info_vtd vtd = { 0 };
	struct iommu_hw_info q = { .size = sizeof(q), .dev_id = dev_id, .data_len = sizeof(vtd),
				   .data_uptr = (uintptr_t)&vtd };
	int rc = xioctl(iommufd, IOMMU_GET_HW_INFO, &q);

	memset(hi, 0, sizeof(*hi));
	if (rc < 0)
		return rc;
	hi->data_type = q.out_data_type;
	hi->capabilities = q.out_capabilities;
	hi->max_pasid_log2 = q.out_max_pasid_log2;
	switch (q.out_data_type) {
	case IOMMU_HW_INFO_TYPE_NONE:
		hi->type_name = "none";
		break;
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		hi->type_name = "intel-vtd";
		hi->vtd_cap = vtd.cap_reg;
		hi->vtd_ecap = vtd.ecap_reg;
		break;
	case IOMMU_HW_INFO_TYPE_ARM_SMMUV3:
		hi->type_name = "arm-smmuv3";
		break;
	case IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV:
		hi->type_name = "tegra241-cmdqv";
		break;
	case IOMMU_HW_INFO_TYPE_AMD: {
		struct iommu_hw_info_amd amd;

		/* the same buffer, read as the AMD layout (16 bytes: EFR, EFR2) */
		memcpy(&amd, &vtd, sizeof(amd));
		hi->type_name = "amd";
		hi->amd_efr = amd.efr;
		hi->amd_efr2 = amd.efr2;
		break;
	}
	default:
		hi->type_name = "unknown";
		break;
	}
	return 0;
}

int vfio_ioas_map_file(int iommufd, uint32_t ioas, int fd, uint64_t start, uint64_t len,
		       bool fixed, bool writeable, uint64_t *iova)
{
	struct iommu_ioas_map_file m = {
		.size = sizeof(m), .ioas_id = ioas, .fd = fd, .start = start, .length = len,
		.flags = IOMMU_IOAS_MAP_READABLE | (writeable ? IOMMU_IOAS_MAP_WRITEABLE : 0) |
			 (fixed ? IOMMU_IOAS_MAP_FIXED_IOVA : 0),
		.iova = fixed ? *iova : 0,
	};
	int rc = xioctl(iommufd, IOMMU_IOAS_MAP_FILE, &m);

	if (rc < 0)
		return rc;
	*iova = m.iova;
	return 0;
}

int vfio_memfd_alloc(uint64_t size, int fill, int *fd, void **va)
{
	int f = memfd_create("iommuctl-map-file", MFD_CLOEXEC);
	void *p;
	int err;

	if (f < 0)
		return -errno;
	if (ftruncate(f, (off_t)size) < 0) {
		err = -errno;
		close(f);
		return err;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	if (p == MAP_FAILED) {
		err = -errno;
		close(f);
		return err;
	}
	memset(p, fill, size);   /* the pages exist before the kernel pins them */
	*fd = f;
	*va = p;
	return 0;
}

int vfio_viommu_alloc(int iommufd, uint32_t type, uint32_t dev_id, uint32_t hwpt_id,
		      uint32_t *viommu_id)
{
	struct iommu_viommu_alloc a = { .size = sizeof(a), .type = type, .dev_id = dev_id,
					.hwpt_id = hwpt_id };
	int rc = xioctl(iommufd, IOMMU_VIOMMU_ALLOC, &a);

	if (rc < 0)
		return rc;
	*viommu_id = a.out_viommu_id;
	return 0;
}

int vfio_vdevice_alloc(int iommufd, uint32_t viommu_id, uint32_t dev_id, uint64_t virt_id,
		       uint32_t *vdevice_id)
{
	struct iommu_vdevice_alloc a = { .size = sizeof(a), .viommu_id = viommu_id, .dev_id = dev_id,
					 .virt_id = virt_id };
	int rc = xioctl(iommufd, IOMMU_VDEVICE_ALLOC, &a);

	if (rc < 0)
		return rc;
	*vdevice_id = a.out_vdevice_id;
	return 0;
}

int vfio_veventq_alloc(int iommufd, uint32_t viommu_id, uint32_t type, uint32_t depth,
		       uint32_t *id, int *fd)
{
	struct iommu_veventq_alloc a = { .size = sizeof(a), .viommu_id = viommu_id, .type = type,
					 .veventq_depth = depth };
	int rc = xioctl(iommufd, IOMMU_VEVENTQ_ALLOC, &a);

	if (rc < 0)
		return rc;
	*id = a.out_veventq_id;
	*fd = (int)a.out_veventq_fd;
	return 0;
}

uint32_t vfio_viommu_type_for(uint32_t hw_info_type)
{
	if (hw_info_type == IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV)
		return IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV;
	return IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
}

const char *vfio_viommu_type_name(uint32_t type)
{
	switch (type) {
	case IOMMU_VIOMMU_TYPE_DEFAULT:
		return "default";
	case IOMMU_VIOMMU_TYPE_ARM_SMMUV3:
		return "arm-smmuv3";
	case IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV:
		return "tegra241-cmdqv";
	default:
		return NULL;
	}
}

/* ---- the legacy container ---- */

int vfio_container_open(int *fd, int *api_version)
{
	int rc = xopen(VFIO_PATH_CONTAINER, fd);

	if (rc)
		return rc;
	rc = xioctl(*fd, VFIO_GET_API_VERSION, NULL);
	if (rc < 0) {
		close(*fd);
		*fd = -1;
		return rc;
	}
	if (api_version)
		*api_version = rc;
	return 0;
}

int vfio_check_extension(int container, unsigned long ext)
{
	int rc = ioctl(container, VFIO_CHECK_EXTENSION, ext);

	return rc < 0 ? -errno : rc;
}

int vfio_group_open(unsigned int group, bool noiommu, int *fd)
{
	char path[64];

	snprintf(path, sizeof(path), noiommu ? VFIO_PATH_NOIOMMU_GROUP_FMT : VFIO_PATH_GROUP_FMT, group);
	return xopen(path, fd);
}

int vfio_group_status(int groupfd, uint32_t *flags)
{
	struct vfio_group_status s = { .argsz = sizeof(s) };
	int rc = xioctl(groupfd, VFIO_GROUP_GET_STATUS, &s);

	if (rc < 0)
		return rc;
	*flags = s.flags;
	return 0;
}

int vfio_group_set_container(int groupfd, int container)
{
	return xioctl0(groupfd, VFIO_GROUP_SET_CONTAINER, &container);
}

int vfio_group_unset_container(int groupfd)
{
	return xioctl0(groupfd, VFIO_GROUP_UNSET_CONTAINER, NULL);
}

int vfio_set_iommu(int container, unsigned long type)
{
	int rc = ioctl(container, VFIO_SET_IOMMU, type);

	return rc < 0 ? -errno : 0;
}

/* Walk the capability chain of a VFIO_IOMMU_GET_INFO answer held in buf[0..len). */
static void type1_caps(const uint8_t *buf, size_t len, uint32_t off, struct vfio_type1_info *ti)
{
	for (int guard = 0; off && guard < 64; guard++) {
		struct vfio_info_cap_header h;

		if (off < sizeof(struct vfio_iommu_type1_info) || off + sizeof(h) > len)
			return;
		memcpy(&h, buf + off, sizeof(h));
		if (h.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range c;

			if (off + sizeof(c) > len)
				return;
			memcpy(&c, buf + off, sizeof(c));
			if (off + sizeof(c) + (uint64_t)c.nr_iovas * sizeof(struct vfio_iova_range) > len)
				return;
			ti->have_ranges = true;
			ti->nranges = c.nr_iovas;
			ti->ranges = xcalloc(c.nr_iovas ? c.nr_iovas : 1, sizeof(*ti->ranges));
			for (uint32_t i = 0; i < c.nr_iovas; i++) {
				struct vfio_iova_range vr;

				memcpy(&vr, buf + off + sizeof(c) + i * sizeof(vr), sizeof(vr));
				ti->ranges[i].start = vr.start;
				ti->ranges[i].last = vr.end;
			}
		} else if (h.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail c;

			if (off + sizeof(c) > len)
				return;
			memcpy(&c, buf + off, sizeof(c));
			ti->have_dma_avail = true;
			ti->dma_avail = c.avail;
		}
		if (h.next <= off)
			return;
		off = h.next;
	}
}

int vfio_type1_info_get(int container, struct vfio_type1_info *ti)
{
	struct vfio_iommu_type1_info *info;
	uint32_t argsz = sizeof(*info);
	int rc;

	memset(ti, 0, sizeof(*ti));
	/* Two calls: the kernel raises argsz to what the capability chain needs. */
	for (int tries = 0; tries < 3; tries++) {
		info = xcalloc(1, argsz);
		info->argsz = argsz;
		rc = xioctl(container, VFIO_IOMMU_GET_INFO, info);
		if (rc < 0) {
			free(info);
			return rc;
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
		info = NULL;
	}
	if (!info)
		return -EMSGSIZE;
	if (info->flags & VFIO_IOMMU_INFO_PGSIZES)
		ti->pgsizes = info->iova_pgsizes;
	if (info->flags & VFIO_IOMMU_INFO_CAPS)
		type1_caps((const uint8_t *)info, argsz, info->cap_offset, ti);
	free(info);
	return 0;
}

void vfio_type1_info_release(struct vfio_type1_info *ti)
{
	free(ti->ranges);
	memset(ti, 0, sizeof(*ti));
}

int vfio_group_device_fd(int groupfd, const char *device, int *fd)
{
	int rc = ioctl(groupfd, VFIO_GROUP_GET_DEVICE_FD, device);

	if (rc < 0)
		return -errno;
	*fd = rc;
	return 0;
}

int vfio_device_info_get(int devfd, uint32_t *flags, uint32_t *regions, uint32_t *irqs)
{
	struct vfio_device_info i = { .argsz = sizeof(i) };
	int rc = xioctl(devfd, VFIO_DEVICE_GET_INFO, &i);

	if (rc < 0)
		return rc;
	*flags = i.flags;
	*regions = i.num_regions;
	*irqs = i.num_irqs;
	return 0;
}

int vfio_dma_map(int container, void *va, uint64_t iova, uint64_t size, bool writeable)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .vaddr = (uintptr_t)va, .iova = iova, .size = size,
		.flags = VFIO_DMA_MAP_FLAG_READ | (writeable ? VFIO_DMA_MAP_FLAG_WRITE : 0),
	};

	return xioctl0(container, VFIO_IOMMU_MAP_DMA, &m);
}

int vfio_dma_unmap(int container, uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = iova, .size = size };
	int rc = xioctl(container, VFIO_IOMMU_UNMAP_DMA, &u);

	if (rc < 0)
		return rc;
	if (unmapped)
		*unmapped = u.size;
	return 0;
}

/* ---- SPAPR TCE ---- */

int vfio_spapr_info_get(int container, struct vfio_spapr_info *si)
{
	struct vfio_iommu_spapr_tce_info i = { .argsz = sizeof(i) };
	int rc = xioctl0(container, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &i);

	memset(si, 0, sizeof(*si));
	if (rc)
		return rc;
	si->flags = i.flags;
	si->dma32_start = i.dma32_window_start;
	si->dma32_size = i.dma32_window_size;
	si->ddw = i.flags & VFIO_IOMMU_SPAPR_INFO_DDW;
	if (si->ddw) {
		si->ddw_pgsizes = i.ddw.pgsizes;
		si->ddw_max_windows = i.ddw.max_dynamic_windows_supported;
		si->ddw_levels = i.ddw.levels;
	}
	return 0;
}

int vfio_spapr_register(int container, void *va, uint64_t size)
{
	struct vfio_iommu_spapr_register_memory m = {
		.argsz = sizeof(m), .vaddr = (uintptr_t)va, .size = size,
	};

	return xioctl0(container, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &m);
}

int vfio_spapr_unregister(int container, void *va, uint64_t size)
{
	struct vfio_iommu_spapr_register_memory m = {
		.argsz = sizeof(m), .vaddr = (uintptr_t)va, .size = size,
	};

	return xioctl0(container, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &m);
}

int vfio_spapr_window_create(int container, unsigned page_shift, uint64_t window_size,
			     unsigned levels, uint64_t *start)
{
	struct vfio_iommu_spapr_tce_create c = {
		.argsz = sizeof(c), .page_shift = page_shift, .window_size = window_size,
		.levels = levels,
	};
	int rc = xioctl0(container, VFIO_IOMMU_SPAPR_TCE_CREATE, &c);

	if (!rc && start)
		*start = c.start_addr;
	return rc;
}

int vfio_spapr_window_remove(int container, uint64_t start)
{
	struct vfio_iommu_spapr_tce_remove r = { .argsz = sizeof(r), .start_addr = start };

	return xioctl0(container, VFIO_IOMMU_SPAPR_TCE_REMOVE, &r);
}

const char *vfio_spapr_map_explain(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
		return "the SPAPR container is not enabled: a v2 container maps only after memory was "
		       "registered (VFIO_IOMMU_SPAPR_REGISTER_MEMORY), a v1 one after VFIO_IOMMU_ENABLE; "
		       "or the window's IOMMU page is larger than the host page backing the buffer";
	case EINVAL:
		/* v2 (tce_iommu_prereg_ua_to_hpa): also when the registered memory's
		 * host pages are smaller than the window's IOMMU page */
		return "the buffer is not inside registered memory (v2), the IOVA, size or address "
		       "is not aligned to the window's IOMMU page, or the window's IOMMU page is larger "
		       "than the host pages backing the memory";
	default:
		return NULL;
	}
}

char *vfio_pgsizes_text(uint64_t pgsizes)
{
	struct strv sv = { 0 };
	char *s;

	for (unsigned b = 0; b < 64; b++) {
		uint64_t v = 1ULL << b;

		if (!(pgsizes & v))
			continue;
		if (b >= 30)
			strv_push_owned(&sv, xasprintf("%lluG", (unsigned long long)(v >> 30)));
		else if (b >= 20)
			strv_push_owned(&sv, xasprintf("%lluM", (unsigned long long)(v >> 20)));
		else if (b >= 10)
			strv_push_owned(&sv, xasprintf("%lluK", (unsigned long long)(v >> 10)));
		else
			strv_push_owned(&sv, xasprintf("%llu", (unsigned long long)v));
	}
	s = sv.n ? strv_join(&sv, ", ") : xstrdup("none");
	strv_free(&sv);
	return s;
}

static const struct {
	const char *name;
	unsigned long type;
} iommu_types[] = {
	{ "type1", VFIO_TYPE1_IOMMU },
	{ "type1v2", VFIO_TYPE1v2_IOMMU },
	{ "type1-nesting", VFIO_TYPE1_NESTING_IOMMU },
	{ "spapr", VFIO_SPAPR_TCE_IOMMU },
	{ "spapr-v2", VFIO_SPAPR_TCE_v2_IOMMU },
	{ "noiommu", VFIO_NOIOMMU_IOMMU },
};

int vfio_iommu_type_parse(const char *s, unsigned long *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(iommu_types); i++)
		if (!strcmp(s, iommu_types[i].name)) {
			*type = iommu_types[i].type;
			return 0;
		}
	return -EINVAL;
}

const char *vfio_iommu_type_name(unsigned long type)
{
	for (size_t i = 0; i < ARRAY_SIZE(iommu_types); i++)
		if (iommu_types[i].type == type)
			return iommu_types[i].name;
	return "unknown";
}

int vfio_buffer_alloc(uint64_t size, void **va)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -errno;
	memset(p, 0xa5, size);   /* touch every page so pinning finds them present */
	*va = p;
	return 0;
}

void vfio_buffer_free(void *va, uint64_t size)
{
	if (va)
		munmap(va, size);
}

int vfio_pick_iova(const struct vfio_range *r, size_t n, uint64_t align, uint64_t size,
		   uint64_t want, uint64_t *iova)
{
	if (!align)
		align = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t a = r[i].start > want ? r[i].start : want;

		if (a % align) {
			if (a > UINT64_MAX - align)
				continue;
			a += align - a % align;
		}
		if (a < r[i].start || a > r[i].last || size == 0 || r[i].last - a < size - 1)
			continue;
		*iova = a;
		return 0;
	}
	return -ENOSPC;
}
