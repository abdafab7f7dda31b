/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-memory file tree behind snapshots: canonical absolute paths mapped
 * to nodes (file with its content, directory with its children, symbolic
 * link with its verbatim target, device node). The recorder fills one while
 * `snapshot save` reads, the reader loads one from a tar, and lookups
 * resolve symbolic links inside the tree, never on the host.
 */
#ifndef IOMMUCTL_SNAPSHOT_TREE_H
#define IOMMUCTL_SNAPSHOT_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/view.h"

struct snapshot_meta;
struct snapshot_stats;

struct snap_node {
	char *path;               /* canonical and absolute: "/sys/kernel" */
	const char *name;         /* last component, inside path */
	enum view_kind kind;
	bool captured;            /* VIEW_FILE: content known (else only listed) */
	bool listed;              /* VIEW_DIR: its listing was read */
	char *data;               /* VIEW_FILE, captured: NUL-terminated */
	size_t len;
	char *target;             /* VIEW_LINK: as readlink gave it */
	struct snap_node **children; /* VIEW_DIR */
	size_t nchildren;
	size_t cap;
};

struct snap_tree;

/* Limits on anything that enters a tree, and on link chains in a lookup. */
#define SNAP_MAX_PATH  4096
#define SNAP_MAX_LINKS 40

struct snap_tree *snap_tree_new(void);
void snap_tree_free(struct snap_tree *t);
size_t snap_tree_count(const struct snap_tree *t);  /* nodes, not counting "/" */

/* The node at exactly this canonical path (no link resolution), or NULL. */
struct snap_node *snap_tree_get(struct snap_tree *t, const char *path);

/*
 * Add a node at a canonical absolute path, creating missing ancestors as
 * directories. -EEXIST with *node set when the path is taken; -ENOTDIR
 * when an ancestor is not a directory (a link included: nothing is
 * stored behind a link).
 */
int snap_tree_add(struct snap_tree *t, const char *path, enum view_kind kind,
		  struct snap_node **node);

/*
 * Find path, resolving links in every component but the last, and in the
 * last too when follow is set. -ENOENT, -ENOTDIR, -ELOOP (more than
 * SNAP_MAX_LINKS links), -ENAMETOOLONG.
 */
int snap_tree_lookup(struct snap_tree *t, const char *path, bool follow,
		     struct snap_node **node);

/* Every node but "/", sorted by path (parents before children); malloc'd. */
struct snap_node **snap_tree_sorted(struct snap_tree *t, size_t *n);

/* Count what the tree holds. */
void snap_tree_stats(struct snap_tree *t, struct snapshot_stats *stats);

/*
 * Write the tree as a snapshot tar (layout in snapshot_write.c), atomically
 * unless file is "-" (standard output). meta's hostname, kernel_release
 * and created are written as given (created NULL: now). Returns -errno and
 * a malloc'd one-line reason in *why.
 */
int snap_tree_write(struct snap_tree *t, const char *file, const struct snapshot_meta *meta,
		    char **why);

#endif
