/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshot files: one tar archive holding everything the inventory reads
 * from a machine (sysfs files, links and directories under their real
 * paths, plus a metadata member), read back as a view so that every read
 * command works offline exactly as live.
 */
#ifndef IOMMUCTL_SNAPSHOT_H
#define IOMMUCTL_SNAPSHOT_H

struct view;

/*
 * Open a snapshot file as a read-only view. On failure returns -errno and,
 * when why is not NULL, a malloc'd one-line reason ("not a tar archive",
 * "truncated member sys/...").
 */
int snapshot_view_open(const char *file, struct view **v, char **why);

#endif
