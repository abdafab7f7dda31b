/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What cdi and vfio caps share: a device's CDI name, the checks of the
 * CDI spec's name rules, and the choice of one backend for a set of devices.
 */
#ifndef IOMMUCTL_CLI_CDI_H
#define IOMMUCTL_CLI_CDI_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/vfio/nodes.h"

/* The kind of iommuctl's specs: vendor iommuctl.dev, class vfio. */
#define CLI_CDI_KIND "iommuctl.dev/vfio"
/* The prefix of the annotations of its specs, whatever their kind. */
#define CLI_CDI_ANNOTATION "iommuctl.dev/"

/* A PCI address as a CDI device name: "0000:01:00.0" -> "0000-01-00.0". */
void cli_cdi_name(const char *addr, char *buf, size_t len);
/* A device name the CDI spec allows: letters, digits, '-', '_', '.', alphanumeric at both ends. */
bool cli_cdi_name_ok(const char *name);
/* VENDOR/CLASS, each a letter first, a letter or digit last, '-', '_', '.' between. */
bool cli_cdi_kind_ok(const char *kind);

/*
 * The backend for devices with these nodes: want (VFIO_BACKEND_NONE: auto,
 * iommufd when every device has it, else legacy) when every device has
 * it; VFIO_BACKEND_NONE when not, *bad the first device that lacks it.
 */
enum vfio_backend cli_cdi_choose(const struct vfio_dev_nodes *dn, size_t n, enum vfio_backend want,
				  size_t *bad);

#endif
