/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recording view: wraps another view, passes every read through and
 * keeps what it returned under its canonical path (links met on the way
 * included), so that `snapshot save` can write exactly what the inventory
 * read, and the snapshot view can answer the same reads the same way.
 */
#ifndef IOMMUCTL_VIEW_RECORD_H
#define IOMMUCTL_VIEW_RECORD_H

struct snapshot_meta;
struct snapshot_stats;
struct view;

/* inner stays the caller's: view_free(rec) does not free it. */
int view_record_new(struct view *inner, struct view **rec);

/* What has been recorded so far; -EINVAL if rec is not a recording view. */
int view_record_stats(struct view *rec, struct snapshot_stats *stats);

/*
 * Write what was recorded as a snapshot tar (FILE "-": standard output),
 * atomically: a temporary file beside FILE, fsync, rename. meta gives the
 * hostname, kernel release and (NULL: now) creation time. Returns -errno
 * and a malloc'd one-line reason in *why.
 */
int view_record_write_tar(struct view *rec, const char *file, const struct snapshot_meta *meta,
			  char **why);

#endif
