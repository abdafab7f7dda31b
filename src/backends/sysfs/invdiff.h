/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The difference between two inventories (two snapshots, or a snapshot and
 * the machine): what a fleet operator asks after a firmware or kernel
 * update. Groups are matched by the devices they hold, not by their numbers
 * (which follow probe order): groups that share devices on the two sides
 * form one component, and a component is a group kept (perhaps renumbered),
 * split, merged or regrouped. Nothing here prints.
 */
#ifndef IOMMUCTL_INVDIFF_H
#define IOMMUCTL_INVDIFF_H

#include <stddef.h>

#include "core/util.h"

struct inventory;

enum invdiff_kind {
	INVDIFF_KERNEL,           /* the kernel release */
	INVDIFF_UNIT_ADDED,
	INVDIFF_UNIT_REMOVED,
	INVDIFF_UNIT_CHANGED,     /* field: "kind" or an attribute key */
	INVDIFF_DEVICE_ADDED,
	INVDIFF_DEVICE_REMOVED,
	INVDIFF_DEVICE_CHANGED,   /* field: "id", "subsystem", "class", "driver", "driver_override", "unit", "group" */
	INVDIFF_GROUP_ADDED,
	INVDIFF_GROUP_REMOVED,
	INVDIFF_GROUP_RENUMBERED,
	INVDIFF_GROUP_SPLIT,
	INVDIFF_GROUP_MERGED,
	INVDIFF_GROUP_REGROUPED,
	INVDIFF_GROUP_CHANGED,    /* field: "type" or "viable" */
	INVDIFF_RESV_ADDED,       /* a reserved region of a kept group */
	INVDIFF_RESV_REMOVED,
	INVDIFF_NKINDS
};

/* The JSON value of kind ("group-split"). */
const char *invdiff_kind_name(enum invdiff_kind k);

/* One side's groups, for the group kinds: the group and its members. */
struct invdiff_group {
	unsigned int id;
	struct strv members;
};

struct invdiff_change {
	enum invdiff_kind kind;
	char *object;             /* "0000:00:03.0", "dmar0", "5" (a group: the old number, else the new) */
	char *field;              /* what changed, for the *_CHANGED kinds; else NULL */
	char *before;             /* the old value (NULL: none) */
	char *after;              /* the new value (NULL: none) */
	char *text;               /* one line saying it */
	struct invdiff_group *old_groups, *new_groups;   /* the group kinds only */
	size_t nold, nnew;
};

struct invdiff {
	struct invdiff_change *changes;
	size_t n;
	size_t cap;
};

/* The changes from a to b, in a stable order: kernel, units, groups, devices. */
void inventory_diff(const struct inventory *a, const struct inventory *b, struct invdiff *d);
void invdiff_release(struct invdiff *d);

#endif
