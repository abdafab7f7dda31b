// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VFIO and iommufd device nodes of a source (nodes.h), through the view.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/inventory.h"
#include "backends/vfio/nodes.h"
#include "backends/vfio/vfio.h"
#include "core/view.h"

void vfio_nodes_read(struct view *v, struct vfio_nodes *n)
{
	struct strv names = { 0 };

	memset(n, 0, sizeof(*n));
	n->iommu = view_exists(v, VFIO_PATH_IOMMU);
	n->container = view_exists(v, VFIO_PATH_CONTAINER);
	if (!view_list(v, &names, "%s", VFIO_PATH_CDEV_DIR))
		for (size_t i = 0; i < names.n; i++)
			if (str_startswith(names.v[i], "vfio"))
				strv_push(&n->cdevs, names.v[i]);
	strv_free(&names);
}

void vfio_nodes_release(struct vfio_nodes *n)
{
	strv_free(&n->cdevs);
	memset(n, 0, sizeof(*n));
}

const char *vfio_backend_name(enum vfio_backend b)
{
	return b == VFIO_BACKEND_IOMMUFD ? "iommufd" : b == VFIO_BACKEND_LEGACY ? "legacy" : NULL;
}

void vfio_dev_nodes_find(const struct vfio_nodes *n, const struct inv_device *d,
			 const struct inv_group *g, struct vfio_dev_nodes *dn)
{
	memset(dn, 0, sizeof(*dn));
	for (size_t i = 0; i < d->vfio_cdevs.n && !dn->cdev; i++)
		if (strv_contains(&n->cdevs, d->vfio_cdevs.v[i]))
			dn->cdev = xasprintf("%s/%s", VFIO_PATH_CDEV_DIR, d->vfio_cdevs.v[i]);
	dn->group_node = g ? g->vfio_node : NULL;
	if (!n->iommu)
		dn->why_not_iommufd = "no " VFIO_PATH_IOMMU " (the kernel has no iommufd)";
	else if (!d->vfio_cdevs.n)
		dn->why_not_iommufd = "the device has no VFIO cdev (CONFIG_VFIO_DEVICE_CDEV, v6.6+)";
	else if (!dn->cdev)
		dn->why_not_iommufd = "its cdev has no node in " VFIO_PATH_CDEV_DIR;
	else
		dn->iommufd = true;
	if (!n->container)
		dn->why_not_legacy = "no " VFIO_PATH_CONTAINER " (the kernel has no legacy container)";
	else if (!g)
		dn->why_not_legacy = "the device is in no IOMMU group";
	else if (!dn->group_node)
		dn->why_not_legacy = "its group has no node in /dev/vfio";
	else
		dn->legacy = true;
}

void vfio_dev_nodes_release(struct vfio_dev_nodes *dn)
{
	free(dn->cdev);
	memset(dn, 0, sizeof(*dn));
}

bool vfio_driver_is_vfio(const char *driver)
{
	size_t n = driver ? strlen(driver) : 0;

	if (!driver)
		return false;
	return !strcmp(driver, "vfio-pci") || str_startswith(driver, "vfio") ||
	       (n > 9 && !strcmp(driver + n - 9, "_vfio_pci"));
}
