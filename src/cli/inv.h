/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the inventory commands (iommu, group, device): loading the
 * inventory from the context's view, showing its warnings, names from the
 * hardware database, and the few field formats they have in common.
 */
#ifndef IOMMUCTL_CLI_INV_H
#define IOMMUCTL_CLI_INV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/sysfs/holders.h"
#include "backends/sysfs/inventory.h"
#include "core/names.h"

struct iommuctl_ctx;
struct out;

/* Open the view and load; -errno (reported) when the source cannot be opened. */
int cli_inventory_load(struct iommuctl_ctx *ctx, struct inventory *inv);

/*
 * Print the inventory's warnings in scope. objs (may be NULL) narrows them
 * to warnings about the source as a whole or about one of those objects.
 */
void cli_inventory_warn(struct iommuctl_ctx *ctx, const struct inventory *inv,
			unsigned int scope, const struct strv *objs);

struct out_col;
struct out_table;

/*
 * The start of every inventory list view: the column table (from -o), the
 * inventory, and its warnings in scope. The inventory is read for the
 * columns shown only: need (INV_NEED_*) plus col_need[c] for each shown
 * column c. Returns 1 when --list-columns was answered (nothing to
 * release), 0 with *tab and *inv to fill and release, or -errno with
 * nothing held.
 */
int cli_list_begin(struct iommuctl_ctx *ctx, const char *name, const struct out_col *cols,
		   size_t ncols, unsigned int scope, unsigned int need, const unsigned int *col_need,
		   struct out_table **tab, struct inventory *inv);

/* The hardware database unless --numeric; NULL (no names) is fine everywhere. */
/*
 * The device sel names: its sysfs name, a PCI address, or lspci -s's short
 * "DD.F" when one device on any bus has it. 0 and *d; else reported:
 * -ENOENT (no such device, or a device with no IOMMU group: an IOMMU's own
 * device, a platform device behind none), -EUSAGE (no device selector, an
 * ambiguous short form; its message names also, "a group number, ", as a
 * selector too).
 */
int cli_device_select(struct iommuctl_ctx *ctx, const struct inventory *inv, const char *sel,
		      const char *also, struct inv_device **d);

struct names *cli_names_open(struct iommuctl_ctx *ctx);
void cli_device_names(struct names *n, const struct inv_device *d, struct pci_names *pn);

/* "8086:10d3" / "0x020000" into buf, or NULL when not known. */
const char *cli_device_id(const struct inv_device *d, char *buf, size_t len);
const char *cli_device_class(const struct inv_device *d, char *buf, size_t len);

/* "enabled", "disabled", "absent", "unknown" for a device capability. */
const char *cli_ats_state(const struct inv_device *d);
const char *cli_pri_state(const struct inv_device *d);
const char *cli_pasid_state(const struct inv_device *d);
const char *cli_acs_state(const struct inv_device *d);
/* Names of the ACS bits set in reg, in bit order. */
void cli_acs_bits(uint16_t reg, struct strv *names);

/* The VFIO cdev nodes of a device: "/dev/vfio/devices/vfio0". */
void cli_device_cdevs(const struct inv_device *d, struct strv *paths);

/*
 * The processes that hold a group's VFIO objects, as the member "holders":
 * a list of {pid, comm, fd, node, device} (text: one line each, "none"
 * when empty); h NULL: not known (null, text "-").
 */
void cli_out_holders(struct out *o, const struct claim_holders *h);
/*
 * Find and print them for g (device: those that hold that member) on the
 * running machine; null on a snapshot, a --sysfs-root tree, when /proc
 * cannot be listed, or without a group (g NULL).
 */
void cli_show_holders(struct iommuctl_ctx *ctx, struct out *o, const struct inventory *inv,
		      const struct inv_group *g, const char *device);

/*
 * Who owns g, as the members "owner" (an iommuctl claim or interrupted type
 * change journal in state_dir, NULL: the default; the processes with its
 * VFIO objects open) and "holders": facts of the running machine, null on
 * a snapshot, a --sysfs-root tree, or without a group (g NULL).
 */
void cli_out_owner(struct iommuctl_ctx *ctx, struct out *o, const struct inventory *inv,
		   const struct inv_group *g, const char *state_dir);

/* Detail helpers: a string that text output omits when NULL (JSON: null). */
void cli_out_opt_str(struct out *o, const char *key, const char *label, const char *val);
/* A list of numbers: JSON array of numbers, text "label: 1, 2, 3". */
void cli_out_u64_list(struct out *o, const char *key, const char *label, const uint64_t *vals,
		      size_t n);

#endif
