/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO and iommufd device nodes a source shows, read through the view
 * (the machine, a --sysfs-root tree, a snapshot): /dev/iommu, the legacy
 * container /dev/vfio/vfio and the device cdevs in /dev/vfio/devices. The
 * group nodes (/dev/vfio/N) are the inventory's. What a device can be
 * handed over with follows from these: iommufd with its cdev, or the
 * legacy container with its group's node.
 */
#ifndef IOMMUCTL_VFIO_NODES_H
#define IOMMUCTL_VFIO_NODES_H

#include <stdbool.h>

#include "core/util.h"

struct view;
struct inv_device;
struct inv_group;

struct vfio_nodes {
	bool iommu;               /* /dev/iommu */
	bool container;           /* /dev/vfio/vfio */
	struct strv cdevs;        /* the names in /dev/vfio/devices ("vfio0"), sorted */
};

/* Read them (what is absent or unreadable is absent). A recording view keeps the reads. */
void vfio_nodes_read(struct view *v, struct vfio_nodes *n);
void vfio_nodes_release(struct vfio_nodes *n);

enum vfio_backend { VFIO_BACKEND_NONE = 0, VFIO_BACKEND_IOMMUFD, VFIO_BACKEND_LEGACY };

/* "iommufd", "legacy", NULL. */
const char *vfio_backend_name(enum vfio_backend b);

/*
 * How device d (of group g, may be NULL) can be handed over: its cdev node
 * ("/dev/vfio/devices/vfio0", malloc'd, NULL: none in the source) and
 * whether each backend has every node it needs; *why_* (static) says what
 * is missing when not.
 */
struct vfio_dev_nodes {
	char *cdev;
	const char *group_node;   /* g->vfio_node, NULL: none */
	bool iommufd;             /* /dev/iommu and the cdev */
	bool legacy;              /* /dev/vfio/vfio and the group node */
	const char *why_not_iommufd;
	const char *why_not_legacy;
};
void vfio_dev_nodes_find(const struct vfio_nodes *n, const struct inv_device *d,
			 const struct inv_group *g, struct vfio_dev_nodes *dn);
void vfio_dev_nodes_release(struct vfio_dev_nodes *dn);

/*
 * A driver that makes a device a VFIO device: vfio-pci and its variant
 * drivers (mlx5_vfio_pci, nvgrace_gpu_vfio_pci, ...).
 */
bool vfio_driver_is_vfio(const char *driver);

#endif
