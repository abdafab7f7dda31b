/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshot files: one tar archive holding everything the inventory reads
 * from a machine (sysfs files, links and directories under their real
 * paths, plus a metadata member), read back as a view so that every read
 * command works offline exactly as live. Layout: snapshot_write.c.
 */
#ifndef IOMMUCTL_SNAPSHOT_H
#define IOMMUCTL_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct view;

/* The first member of every snapshot, outside the machine's namespace. */
#define SNAPSHOT_META_NAME "iommuctl-snapshot.json"
#define SNAPSHOT_FORMAT_VERSION 1

/* Limits on what a snapshot may hold; larger archives are rejected. */
#define SNAPSHOT_MAX_BYTES   (256u << 20)   /* file contents, in total */
#define SNAPSHOT_MAX_MEMBER  (64u << 20)    /* one file */
#define SNAPSHOT_MAX_MEMBERS (1u << 20)

struct snapshot_meta {
	int format_version;      /* 0: the archive has no metadata member */
	char *tool_version;      /* NULL when unknown, for every string */
	char *created;           /* UTC, ISO 8601: "2025-01-31T12:00:00Z" */
	char *hostname;          /* the machine the data came from */
	char *kernel_release;
};

void snapshot_meta_release(struct snapshot_meta *meta);

struct snapshot_stats {
	size_t files;            /* regular files with their content */
	size_t placeholders;     /* files seen in a listing, never read */
	size_t dirs;
	size_t links;
	size_t devices;          /* character device nodes */
	size_t others;
	uint64_t bytes;          /* file contents */
};

size_t snapshot_stats_entries(const struct snapshot_stats *stats);

/*
 * Open a snapshot file ("-": standard input) as a read-only view. On
 * failure returns -errno and, when why is not NULL, a malloc'd one-line
 * reason ("not a tar archive", "truncated archive in member sys/...").
 */
int snapshot_view_open(const char *file, struct view **v, char **why);

/* Metadata and counts of a view from snapshot_view_open; -EINVAL for any other view. */
int snapshot_view_info(struct view *v, const struct snapshot_meta **meta,
		       const struct snapshot_stats **stats);

#endif
