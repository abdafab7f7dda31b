/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rooted-directory view: the running machine ("/"), or a captured
 * sysfs tree given with --sysfs-root (lsblk --sysroot, lspci -O
 * sysfs.path). A captured tree is untrusted: every path, and every link
 * met on the way, resolves inside the root as if the root were "/"
 * (openat2(2) RESOLVE_IN_ROOT, or the same walk by hand before Linux 5.6),
 * and only regular files are read or written, opened without blocking, so
 * a link to /etc/shadow reads as absent and a FIFO as unreadable.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#include "core/util.h"
#include "core/view.h"

#if defined(SYS_openat2) && defined(RESOLVE_IN_ROOT)
#define HAVE_OPENAT2 1
#else
#define HAVE_OPENAT2 0
#endif

#define ROOT_MAX_LINKS 40           /* as the kernel, and the snapshot view */
#define ROOT_MAX_FILE  (64u << 20)  /* no sysfs attribute is this large */

struct view_root {
	struct view view;
	int rootfd;                 /* the sysroot (O_PATH); -1: only /sys exists */
	int sysfd;                  /* where /sys paths resolve; -1: in rootfd, as "sys" */
	enum view_resolver how;
};

static struct view_root *to_root(struct view *v)
{
	return (struct view_root *)v;
}

/* The directory a view path resolves in and the path below it; -ENOENT: no such place. */
static int root_map(struct view_root *r, const char *path, int *dirfd, const char **rel)
{
	if (path[0] != '/')
		return -ENOENT;
	if (r->sysfd >= 0 && (!strcmp(path, "/sys") || str_startswith(path, "/sys/"))) {
		*dirfd = r->sysfd;
		path += 4;
	} else if (r->rootfd >= 0) {
		*dirfd = r->rootfd;
	} else {
		return -ENOENT;
	}
	while (*path == '/')
		path++;
	*rel = *path ? path : ".";
	return 0;
}

/* Reopen the directory reached through names (each a real directory) from root; -1: root. */
static int walk_reopen(int root, const struct strv *names, int *cur)
{
	int fd = -1;

	for (size_t i = 0; i < names->n; i++) {
		/* O_NOFOLLOW|O_DIRECTORY: a directory swapped for a link fails */
		int next = openat(fd < 0 ? root : fd, names->v[i],
				  O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		int err = -errno;

		if (fd >= 0)
			close(fd);
		if (next < 0)
			return err;
		fd = next;
	}
	*cur = fd;
	return 0;
}

int view_root_walk(int root, const char *rel, bool follow, int *dirfd, char **name)
{
	struct strv up = { 0 };     /* names from the root down to cur */
	char *rest = xstrdup(rel), *p = rest, *last = NULL;
	int cur = -1, links = 0, err = 0;

	for (;;) {
		char *comp, *next;
		struct stat st;
		int fd;

		while (*p == '/')
			p++;
		if (!*p) {
			last = xstrdup(".");   /* the path ends at a directory */
			break;
		}
		comp = p;
		next = strchr(p, '/');
		if (next) {
			*next++ = '\0';
			while (*next == '/')
				next++;
		} else {
			next = p + strlen(p);
		}
		if (!strcmp(comp, ".")) {
			p = next;
			continue;
		}
		if (!strcmp(comp, "..")) {
			/* ".." of the root is the root; else the parent we came from */
			if (up.n) {
				free(up.v[--up.n]);
				up.v[up.n] = NULL;
				if (cur >= 0)
					close(cur);
				cur = -1;
				err = walk_reopen(root, &up, &cur);
				if (err)
					break;
			}
			p = next;
			continue;
		}
		if (!*next && !follow) {
			last = xstrdup(comp);
			break;
		}
		fd = openat(cur < 0 ? root : cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st)) {
			err = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX], *spliced;
			ssize_t n;

			if (++links > ROOT_MAX_LINKS) {
				close(fd);
				err = -ELOOP;
				break;
			}
			n = readlinkat(fd, "", target, sizeof(target));
			err = n < 0 ? -errno : (size_t)n >= sizeof(target) ? -ENAMETOOLONG : 0;
			close(fd);
			if (err)
				break;
			target[n] = '\0';
			if (target[0] == '/') {
				/* an absolute link starts again from the root */
				strv_free(&up);
				if (cur >= 0)
					close(cur);
				cur = -1;
			}
			spliced = xasprintf("%s/%s", target, next);
			free(rest);
			rest = p = spliced;
			continue;
		}
		if (!*next) {
			close(fd);
			last = xstrdup(comp);
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			err = -ENOTDIR;
			break;
		}
		if (cur >= 0)
			close(cur);
		cur = fd;
		strv_push(&up, comp);
		p = next;
	}
	free(rest);
	strv_free(&up);
	if (!err && cur < 0) {
		cur = fcntl(root, F_DUPFD_CLOEXEC, 0);
		if (cur < 0)
			err = -errno;
	}
	if (err) {
		if (cur >= 0)
			close(cur);
		free(last);
		return err;
	}
	*dirfd = cur;
	*name = last;
	return 0;
}

#if HAVE_OPENAT2
static int openat2_in_root(int dirfd, const char *rel, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)flags,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;

	/* EAGAIN: a rename raced with ".." in the lookup; the kernel asks for a retry */
	for (int tries = 0; tries < 8; tries++) {
		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd < 0 ? -errno : fd;
}
#endif

/* Open a view path inside the root; follow: a link in last place is followed (inside, too). */
static int root_open(struct view_root *r, const char *path, int flags, bool follow)
{
	const char *rel;
	char *name;
	int base, dir, fd, err = root_map(r, path, &base, &rel);

	if (err)
		return err;
	flags |= O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
#if HAVE_OPENAT2
	if (r->how == VIEW_RESOLVE_OPENAT2)
		return openat2_in_root(base, rel, flags);
#endif
	err = view_root_walk(base, rel, follow, &dir, &name);
	if (err)
		return err;
	/* the walk left no link in last place (or was told to keep it): O_NOFOLLOW holds it to that */
	fd = openat(dir, name, flags | O_NOFOLLOW);
	err = fd < 0 ? -errno : fd;
	close(dir);
	free(name);
	return err;
}

/*
 * A regular file, opened for mode: what the path leads to is looked at
 * first (O_PATH opens nothing), so a FIFO, a device or a socket is never
 * opened for real; the descriptor is then checked to be the same file.
 */
static int root_open_regular(struct view_root *r, const char *path, int mode, struct stat *st)
{
	struct stat pre;
	int fd = root_open(r, path, O_PATH, true), err = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &pre))
		err = -errno;
	close(fd);
	if (err)
		return err;
	if (!S_ISREG(pre.st_mode))
		return S_ISDIR(pre.st_mode) ? -EISDIR : -EINVAL;
	fd = root_open(r, path, mode | O_NONBLOCK | O_NOCTTY, true);
	if (fd < 0)
		return fd;
	if (fstat(fd, st))
		err = -errno;
	else if (!S_ISREG(st->st_mode) || st->st_dev != pre.st_dev || st->st_ino != pre.st_ino)
		err = -EAGAIN;     /* replaced between the look and the open */
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
		err = -errno;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/*
 * Read an open regular file of st_size bytes (as fstat said: exact on a
 * disk or tmpfs, a page on sysfs, 0 on procfs). A file whose bytes all
 * came in one read, as its size promised, needs no read to see its end.
 */
static int read_whole(int fd, off_t st_size, char **buf, size_t *len)
{
	char first[4096], *data = first;
	size_t cap = sizeof(first), n = 0;

	/*
	 * Most files are a few bytes: they are read into the stack, and
	 * allocated at what they hold, not a page each (thousands of
	 * page-sized blocks freed in turn cost malloc more than the reads).
	 */
	for (;;) {
		ssize_t got;

		if (st_size > 0 && n == (size_t)st_size)
			break;         /* as long as it said: no read to see the end */
		if (n == cap) {
			size_t grown = data == first && st_size > (off_t)cap &&
				       (uint64_t)st_size < ROOT_MAX_FILE ? (size_t)st_size : 2 * cap;

			if (cap >= ROOT_MAX_FILE) {
				if (data != first)
					free(data);
				return -EFBIG;
			}
			if (data == first) {
				data = xmalloc(grown + 1);
				memcpy(data, first, n);
			} else {
				data = xrealloc(data, grown + 1);
			}
			cap = grown;
		}
		got = read(fd, data + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = -errno;

			if (data != first)
				free(data);
			return err;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (data == first) {
		data = xmalloc(n + 1);
		memcpy(data, first, n);
	}
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;
}

static int root_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	struct stat st;
	int fd = root_open_regular(to_root(v), path, O_RDONLY, &st), err;

	if (fd < 0)
		return fd;
	/* sysfs says 4096 for any attribute, so the size only refuses early */
	if ((uint64_t)st.st_size > ROOT_MAX_FILE) {
		close(fd);
		return -EFBIG;
	}
	err = read_whole(fd, st.st_size, buf, len);
	close(fd);
	return err;
}

static int root_read_link(struct view *v, const char *path, char **target)
{
	char buf[PATH_MAX];
	struct stat st;
	ssize_t n = 0;
	int fd = root_open(to_root(v), path, O_PATH, false), err = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st))
		err = -errno;
	else if (!S_ISLNK(st.st_mode))
		err = -EINVAL;
	else if ((n = readlinkat(fd, "", buf, sizeof(buf) - 1)) < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	*target = xstrdup(buf);
	return 0;
}

/* The names in the open directory fd (closed here), with getdents64: no stdio, no stat. */
static int list_fd(int fd, struct strv *names)
{
	char buf[16384] __attribute__((aligned(8)));
	int err = 0;

	for (;;) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 {
				uint64_t d_ino;
				int64_t d_off;
				unsigned short d_reclen;
				unsigned char d_type;
				char d_name[];
			} *de = (struct linux_dirent64 *)(buf + off);

			off += de->d_reclen;
			if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
				continue;
			strv_push(names, de->d_name);
		}
	}
	close(fd);
	return err;
}

static int root_list_dir(struct view *v, const char *path, struct strv *names)
{
	int fd = root_open(to_root(v), path, O_RDONLY | O_DIRECTORY, true);

	if (fd < 0)
		return fd;
	return list_fd(fd, names);
}

/* ---- directory descriptors ---- */

static int root_dir_open(struct view *v, const char *path, int *fd)
{
	/* O_PATH: the *at() calls need no more; a listing opens "." for itself */
	int dfd = root_open(to_root(v), path, O_PATH | O_DIRECTORY, true);

	if (dfd < 0)
		return dfd;
	*fd = dfd;
	return 0;
}

/* A name *at() can take as is: one component that is not "." or "..". */
static bool plain_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

/*
 * One name in an open directory: no path walk, so no way out of the root.
 * What it is is looked at first (fstatat does not open), so that a FIFO,
 * a device or a socket is never opened; a link is read by path, where the
 * root's rules follow it.
 */
static int root_read_file_at(struct view *v, int dirfd, const char *name, char **buf, size_t *len)
{
	struct stat st;
	int fd, err;

	if (!plain_name(name))
		return -EXDEV;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (S_ISLNK(st.st_mode))
		return -EXDEV;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	if ((uint64_t)st.st_size > ROOT_MAX_FILE)
		return -EFBIG;
	/* O_NONBLOCK|O_NOCTTY: should it be swapped since, no open blocks or takes a terminal */
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EXDEV : -errno;
	err = read_whole(fd, st.st_size, buf, len);
	close(fd);
	return err;
}

static int root_read_link_at(struct view *v, int dirfd, const char *name, char **target)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (!plain_name(name))
		return -EXDEV;
	n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*target = xstrdup(buf);
	return 0;
}

static int root_list_dir_at(struct view *v, int dirfd, const char *name, struct strv *names)
{
	int fd;

	if (strcmp(name, ".") && !plain_name(name))
		return -EXDEV;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP || errno == ENOTDIR ? -EXDEV : -errno;
	return list_fd(fd, names);
}

static int root_kind(struct view *v, const char *path, enum view_kind *kind)
{
	struct stat st;
	int fd = root_open(to_root(v), path, O_PATH, false), err = 0;

	if (fd == -ENOENT || fd == -ENOTDIR) {
		*kind = VIEW_NONE;
		return 0;
	}
	if (fd < 0)
		return fd;
	if (fstat(fd, &st))
		err = -errno;
	close(fd);
	if (err)
		return err;
	if (S_ISREG(st.st_mode))
		*kind = VIEW_FILE;
	else if (S_ISDIR(st.st_mode))
		*kind = VIEW_DIR;
	else if (S_ISLNK(st.st_mode))
		*kind = VIEW_LINK;
	else if (S_ISCHR(st.st_mode))
		*kind = VIEW_CHR;
	else
		*kind = VIEW_OTHER;
	return 0;
}

/* Whether fd is on sysfs (SYSFS_MAGIC), whose attributes are not files to cut. */
static bool on_sysfs(int fd)
{
	struct statfs sfs;

	return !fstatfs(fd, &sfs) && sfs.f_type == 0x62656572;
}

static int root_write_file(struct view *v, const char *path, const char *buf, size_t len)
{
	struct stat st;
	ssize_t n;
	int fd, err = 0;

	/* sysfs attributes are regular files and take one write(); no O_CREAT, no O_TRUNC */
	fd = root_open_regular(to_root(v), path, O_WRONLY, &st);
	if (fd < 0)
		return fd;
	/*
	 * A tree of regular files (--sysfs-root) keeps what was written last,
	 * as sysfs would show it, not the old bytes past its end ("" over
	 * "vfio-pci" left "\nfio-pci"). Cut only once the file is known to be
	 * the one looked at, and never on sysfs itself.
	 */
	if (st.st_size > 0 && !on_sysfs(fd) && ftruncate(fd, 0)) {
		err = -errno;
		close(fd);
		return err;
	}
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static void root_destroy(struct view *v)
{
	struct view_root *r = to_root(v);

	if (r->rootfd >= 0)
		close(r->rootfd);
	if (r->sysfd >= 0)
		close(r->sysfd);
	free(r);
}

static const struct view_ops view_root_ops = {
	.name = "sysfs",
	.read_file = root_read_file,
	.read_link = root_read_link,
	.list_dir = root_list_dir,
	.kind = root_kind,
	.write_file = root_write_file,
	.destroy = root_destroy,
	.dir_open = root_dir_open,
	.read_file_at = root_read_file_at,
	.read_link_at = root_read_link_at,
	.list_dir_at = root_list_dir_at,
};

/* Whether openat2(RESOLVE_IN_ROOT) works: the kernel may predate it, a seccomp filter refuse it. */
static bool openat2_works(int dirfd)
{
#if HAVE_OPENAT2
	int fd = openat2_in_root(dirfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return true;
	}
#endif
	return false;
}

static bool same_dir(int a, int b)
{
	struct stat sa, sb;

	return !fstat(a, &sa) && !fstat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int view_root_new(const char *sysroot, const char *sysfs, struct view **v)
{
	struct view_root *r = xcalloc(1, sizeof(*r));
	int err = 0;

	r->view.ops = &view_root_ops;
	r->rootfd = r->sysfd = -1;
	if (sysroot && (r->rootfd = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		err = -errno;
	if (!err && sysfs && (r->sysfd = open(sysfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		err = errno == ENOTDIR ? -ENOENT : -errno;
	if (err) {
		root_destroy(&r->view);
		return err;
	}
	if (r->rootfd >= 0 && r->sysfd >= 0) {
		/*
		 * sysfs is the root's "sys" (a tree named .../sys): one root, so
		 * that a link in /sys reaches the rest of the captured system and
		 * an absolute link "/sys/..." means the tree's own /sys.
		 */
		int sys = openat(r->rootfd, "sys", O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (sys >= 0 && same_dir(sys, r->sysfd)) {
			close(r->sysfd);
			r->sysfd = -1;
		}
		if (sys >= 0)
			close(sys);
	}
	r->how = openat2_works(r->rootfd >= 0 ? r->rootfd : r->sysfd) ? VIEW_RESOLVE_OPENAT2 :
		 VIEW_RESOLVE_WALK;
	*v = &r->view;
	return 0;
}

enum view_resolver view_root_resolver(struct view *v)
{
	return to_root(v)->how;
}

int view_root_set_resolver(struct view *v, enum view_resolver how)
{
	struct view_root *r = to_root(v);

	if (how == VIEW_RESOLVE_OPENAT2 && !openat2_works(r->rootfd >= 0 ? r->rootfd : r->sysfd))
		return -ENOSYS;
	r->how = how;
	return 0;
}
