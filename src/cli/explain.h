/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between explain, device tree and msi show: the PCI hierarchy
 * drawn as lspci -tv draws it, and a group's reserved regions with the
 * usable IOVA space.
 */
#ifndef IOMMUCTL_CLI_EXPLAIN_H
#define IOMMUCTL_CLI_EXPLAIN_H

#include "backends/sysfs/inventory.h"

struct iommuctl_ctx;

/* Keys reserved_regions, iova_width, iova_width_source, usable_iova of the open object. */
void cli_msi_regions(struct iommuctl_ctx *ctx, const struct inventory *inv, const struct inv_group *g);

/* device tree */
int cli_device_tree(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv);

#endif
