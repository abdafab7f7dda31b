/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rooted-directory view: the running machine ("/"), or a captured
 * sysfs tree given with --sysfs-root (lsblk --sysroot, lspci -O
 * sysfs.path). Symbolic links inside sysfs are relative, so a captured
 * tree resolves within itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "core/view.h"

struct view_root {
	struct view view;
	char *sysroot;   /* NULL: only /sys exists */
	char *sysfs;     /* NULL: sysroot + /sys */
};

static struct view_root *to_root(struct view *v)
{
	return (struct view_root *)v;
}

/* Host path for a view path, or NULL when the view has no such place. */
static char *root_map(struct view *v, const char *path)
{
	struct view_root *r = to_root(v);

	if (path[0] != '/')
		return NULL;
	if (r->sysfs && (!strcmp(path, "/sys") || str_startswith(path, "/sys/")))
		return xasprintf("%s%s", r->sysfs, path + 4);
	if (!r->sysroot)
		return NULL;
	if (!strcmp(r->sysroot, "/"))
		return xstrdup(path);
	return xasprintf("%s%s", r->sysroot, path);
}

static int root_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	char *host = root_map(v, path);
	size_t cap = 4096, n = 0;
	char *data;
	int fd;

	if (!host)
		return -ENOENT;
	fd = open(host, O_RDONLY | O_CLOEXEC);
	free(host);
	if (fd < 0)
		return -errno;
	data = xmalloc(cap + 1);
	for (;;) {
		ssize_t r = read(fd, data + n, cap - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			close(fd);
			free(data);
			return r;
		}
		if (r == 0)
			break;
		n += r;
		if (n == cap) {
			if (cap >= (64u << 20)) {  /* no sysfs attribute is this large */
				close(fd);
				free(data);
				return -EFBIG;
			}
			cap *= 2;
			data = xrealloc(data, cap + 1);
		}
	}
	close(fd);
	data[n] = '\0';
	*buf = data;
	*len = n;
	return 0;
}

static int root_read_link(struct view *v, const char *path, char **target)
{
	char *host = root_map(v, path);
	char buf[PATH_MAX];
	ssize_t n;

	if (!host)
		return -ENOENT;
	n = readlink(host, buf, sizeof(buf) - 1);
	free(host);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	*target = xstrdup(buf);
	return 0;
}

static int root_list_dir(struct view *v, const char *path, struct strv *names)
{
	char *host = root_map(v, path);
	struct dirent *de;
	DIR *d;

	if (!host)
		return -ENOENT;
	d = opendir(host);
	free(host);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		strv_push(names, de->d_name);
	}
	closedir(d);
	return 0;
}

static int root_kind(struct view *v, const char *path, enum view_kind *kind)
{
	char *host = root_map(v, path);
	struct stat st;
	int err;

	if (!host) {
		*kind = VIEW_NONE;
		return 0;
	}
	err = lstat(host, &st);
	free(host);
	if (err) {
		if (errno == ENOENT || errno == ENOTDIR) {
			*kind = VIEW_NONE;
			return 0;
		}
		return -errno;
	}
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

static int root_write_file(struct view *v, const char *path, const char *buf, size_t len)
{
	char *host = root_map(v, path);
	ssize_t n;
	int fd, err = 0;

	if (!host)
		return -ENOENT;
	/* sysfs attributes take one write(); no O_CREAT, no O_TRUNC games */
	fd = open(host, O_WRONLY | O_CLOEXEC);
	free(host);
	if (fd < 0)
		return -errno;
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

	free(r->sysroot);
	free(r->sysfs);
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
};

int view_root_new(const char *sysroot, const char *sysfs, struct view **v)
{
	struct view_root *r;
	struct stat st;

	if (sysfs && (stat(sysfs, &st) || !S_ISDIR(st.st_mode)))
		return -ENOENT;
	r = xcalloc(1, sizeof(*r));
	r->view.ops = &view_root_ops;
	if (sysroot) {
		size_t n = strlen(sysroot);

		r->sysroot = xstrdup(sysroot);
		while (n > 1 && r->sysroot[n - 1] == '/')
			r->sysroot[--n] = '\0';
	}
	if (sysfs)
		r->sysfs = xstrdup(sysfs);
	*v = &r->view;
	return 0;
}
