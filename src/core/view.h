/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The view: the one small interface every inventory read goes through, so
 * that the running machine, a sysfs tree under another root and a snapshot
 * file are read by the same code (offline equals live by construction).
 *
 * Paths are absolute paths as on the machine ("/sys/kernel/iommu_groups",
 * "/proc/sys/kernel/osrelease", "/dev/vfio"). Implementations: rooted
 * directory (view_root.c), snapshot archive (backends/dump/snapshot.c), and
 * a recorder that wraps another view and keeps what was read (for
 * `snapshot save`).
 */
#ifndef IOMMUCTL_VIEW_H
#define IOMMUCTL_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strv;
struct view;

enum view_kind {
	VIEW_NONE = 0,   /* does not exist */
	VIEW_FILE,
	VIEW_DIR,
	VIEW_LINK,
	VIEW_CHR,        /* a character device node (/dev/vfio/N) */
	VIEW_OTHER,
};

struct view_ops {
	const char *name;
	/* Whole file into a NUL-terminated malloc'd buffer; *len excludes the NUL. */
	int (*read_file)(struct view *v, const char *path, char **buf, size_t *len);
	/* Target of the symbolic link at path; -EINVAL when path is not a link. */
	int (*read_link)(struct view *v, const char *path, char **target);
	/* Names in the directory (no "." or ".."), any order. */
	int (*list_dir)(struct view *v, const char *path, struct strv *names);
	/* What path is, without following a final link; VIEW_NONE if absent. */
	int (*kind)(struct view *v, const char *path, enum view_kind *kind);
	/* Optional (NULL: read-only view, -EROFS). */
	int (*write_file)(struct view *v, const char *path, const char *buf, size_t len);
	void (*destroy)(struct view *v);
	/*
	 * Optional directory descriptors (NULL: view_dir_* read by path).
	 * dir_open opens the directory at path (links followed, inside the
	 * view); the *_at calls read one name in it. They answer -EXDEV when
	 * they cannot serve a name themselves (a link in last place, a name
	 * with a slash): the caller then reads the joined path.
	 */
	int (*dir_open)(struct view *v, const char *path, int *fd);
	int (*read_file_at)(struct view *v, int dirfd, const char *name, char **buf, size_t *len);
	int (*read_link_at)(struct view *v, int dirfd, const char *name, char **target);
	int (*list_dir_at)(struct view *v, int dirfd, const char *name, struct strv *names);
};

struct view {
	const struct view_ops *ops;
};

/*
 * Rooted directory. sysroot replaces "/" for every path (NULL: no paths
 * outside /sys exist); sysfs, when set, replaces "/sys" (the --sysfs-root
 * directory). view_root_new("/", NULL) is the running machine.
 *
 * Every path and every symbolic link on its way resolves inside its root
 * (sysroot; sysfs for /sys when it is not sysroot's "sys"): an absolute
 * link starts again from the root, ".." of the root is the root. Only
 * regular files are read or written; a FIFO, socket or device gives
 * -EINVAL without being opened, a directory -EISDIR, over 64 MiB -EFBIG.
 */
int view_root_new(const char *sysroot, const char *sysfs, struct view **v);

/* How a rooted view resolves paths inside its root. */
enum view_resolver {
	VIEW_RESOLVE_OPENAT2,   /* openat2(2) RESOLVE_IN_ROOT (Linux 5.6+), the default */
	VIEW_RESOLVE_WALK,      /* the same by hand, component by component */
};
enum view_resolver view_root_resolver(struct view *v);
/* For tests: choose the resolver; -ENOSYS when openat2 does not work here. */
int view_root_set_resolver(struct view *v, enum view_resolver how);
/*
 * The walk (exposed for tests): resolve rel below the directory root as
 * RESOLVE_IN_ROOT does, each component opened O_PATH|O_NOFOLLOW. On
 * success *dirfd (O_PATH, the caller closes it) is the directory holding
 * the last component and *name (malloc'd) its name, "." when the path
 * ends at a directory; follow: a link in last place is resolved too,
 * else it is left as the name.
 */
int view_root_walk(int root, const char *rel, bool follow, int *dirfd, char **name);

void view_free(struct view *v);

int view_read_file(struct view *v, const char *path, char **buf, size_t *len);
int view_read_link(struct view *v, const char *path, char **target);
int view_list_dir(struct view *v, const char *path, struct strv *names); /* sorted, natural order */
int view_kind(struct view *v, const char *path, enum view_kind *kind);
int view_write_file(struct view *v, const char *path, const char *buf, size_t len);
bool view_exists(struct view *v, const char *path);

/* Convenience reads; paths given printf-style. */
__attribute__((format(printf, 3, 4)))
int view_read_str(struct view *v, char **out, const char *fmt, ...);   /* trailing newline stripped */
__attribute__((format(printf, 3, 4)))
int view_read_u64(struct view *v, uint64_t *out, const char *fmt, ...); /* "0x.." or decimal */
__attribute__((format(printf, 3, 4)))
int view_link_name(struct view *v, char **name, const char *fmt, ...);  /* basename of a link's target */
__attribute__((format(printf, 3, 4)))
int view_list(struct view *v, struct strv *names, const char *fmt, ...);

/*
 * An open directory, for reading many names in one place. On the machine
 * (a rooted view) it is a directory descriptor: the directory's path is
 * looked up once, inside the root, and each name costs one *at() call or
 * a few, with no path walk. Other views read the joined path; they resolve
 * the directory's path once, so a recorder keeps the links met on the way
 * as it does for any read. The names are single components; a name that
 * is a link, or holds a slash, is read by path (inside the root as ever).
 */
struct view_dir {
	struct view *v;
	char *path;               /* as opened (resolved, on views read by path) */
	int fd;                   /* -1: read by path */
};

int view_dir_open(struct view *v, const char *path, struct view_dir *d);
void view_dir_close(struct view_dir *d);
int view_dir_read_file(struct view_dir *d, const char *name, char **buf, size_t *len);
/* Trailing newline stripped. */
int view_dir_read_str(struct view_dir *d, const char *name, char **out);
int view_dir_read_link(struct view_dir *d, const char *name, char **target);
/* Basename of the link's target. */
int view_dir_link_name(struct view_dir *d, const char *name, char **base);
/* Names in the directory name below d (NULL: d itself), sorted in natural order. */
int view_dir_list(struct view_dir *d, const char *name, struct strv *names);

/*
 * Resolve every symbolic link in path (like realpath, inside the view),
 * calling visit for each link met so a recorder can keep it. Loops and
 * chains longer than 40 links give -ELOOP.
 */
int view_resolve(struct view *v, const char *path, char **resolved,
		 void (*visit)(void *arg, const char *link, const char *target), void *arg);

/* Join a link's directory and its (relative or absolute) target; normalises "..". */
char *path_join_link(const char *linkpath, const char *target);
/* Normalise "a/./b/../c" and repeated slashes; the result is absolute. */
char *path_normalize(const char *path);

#endif
