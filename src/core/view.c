/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The backend-neutral half of the view: wrappers over the ops, printf-style
 * convenience reads, and path arithmetic (normalisation, symlink
 * resolution inside a view, for views that cannot ask the OS to do it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "core/view.h"

void view_free(struct view *v)
{
	if (v && v->ops->destroy)
		v->ops->destroy(v);
}

int view_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	size_t dummy;

	return v->ops->read_file(v, path, buf, len ? len : &dummy);
}

int view_read_link(struct view *v, const char *path, char **target)
{
	return v->ops->read_link(v, path, target);
}

int view_list_dir(struct view *v, const char *path, struct strv *names)
{
	int err = v->ops->list_dir(v, path, names);

	if (!err)
		strv_sort(names);
	return err;
}

int view_kind(struct view *v, const char *path, enum view_kind *kind)
{
	return v->ops->kind(v, path, kind);
}

int view_write_file(struct view *v, const char *path, const char *buf, size_t len)
{
	if (!v->ops->write_file)
		return -EROFS;
	return v->ops->write_file(v, path, buf, len);
}

bool view_exists(struct view *v, const char *path)
{
	enum view_kind k;

	return view_kind(v, path, &k) == 0 && k != VIEW_NONE;
}

int view_read_str(struct view *v, char **out, const char *fmt, ...)
{
	va_list ap;
	char *path, *buf;
	int err;

	va_start(ap, fmt);
	path = xvasprintf(fmt, ap);
	va_end(ap);
	err = view_read_file(v, path, &buf, NULL);
	free(path);
	if (err)
		return err;
	*out = str_rstrip(buf);
	return 0;
}

int view_read_u64(struct view *v, uint64_t *out, const char *fmt, ...)
{
	va_list ap;
	char *path, *buf;
	int err;

	va_start(ap, fmt);
	path = xvasprintf(fmt, ap);
	va_end(ap);
	err = view_read_file(v, path, &buf, NULL);
	free(path);
	if (err)
		return err;
	str_rstrip(buf);
	err = parse_u64(buf, out);
	free(buf);
	return err;
}

/* The last component of a link's target (freed here), malloc'd. */
static char *link_base(char *target)
{
	const char *slash = strrchr(target, '/');
	char *base = xstrdup(slash ? slash + 1 : target);

	free(target);
	return base;
}

int view_link_name(struct view *v, char **name, const char *fmt, ...)
{
	va_list ap;
	char *path, *target;
	int err;

	va_start(ap, fmt);
	path = xvasprintf(fmt, ap);
	va_end(ap);
	err = view_read_link(v, path, &target);
	free(path);
	if (err)
		return err;
	*name = link_base(target);
	return 0;
}

int view_list(struct view *v, struct strv *names, const char *fmt, ...)
{
	va_list ap;
	char *path;
	int err;

	va_start(ap, fmt);
	path = xvasprintf(fmt, ap);
	va_end(ap);
	err = view_list_dir(v, path, names);
	free(path);
	return err;
}

char *path_normalize(const char *path)
{
	struct strv parts = { 0 };
	char *copy = xstrdup(path), *save = NULL, *tok, *out;

	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (parts.n) {
				free(parts.v[--parts.n]);
				parts.v[parts.n] = NULL;
			}
			continue;
		}
		strv_push(&parts, tok);
	}
	free(copy);
	if (!parts.n) {
		strv_free(&parts);
		return xstrdup("/");
	}
	tok = strv_join(&parts, "/");
	out = xasprintf("/%s", tok);
	free(tok);
	strv_free(&parts);
	return out;
}

char *path_join_link(const char *linkpath, const char *target)
{
	char *dir, *slash, *joined, *out;

	if (target[0] == '/')
		return path_normalize(target);
	dir = xstrdup(linkpath);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	joined = xasprintf("%s/%s", dir, target);
	out = path_normalize(joined);
	free(dir);
	free(joined);
	return out;
}

#define VIEW_MAX_LINKS 40

int view_resolve(struct view *v, const char *path, char **resolved,
		 void (*visit)(void *arg, const char *link, const char *target), void *arg)
{
	char *cur = path_normalize(path);
	int links = 0;
	size_t pos = 1;

	/*
	 * Walk the components left to right; when a prefix is a link,
	 * splice its target in and start again from the root.
	 */
	while (pos <= strlen(cur)) {
		char *slash = strchr(cur + pos, '/');
		size_t end = slash ? (size_t)(slash - cur) : strlen(cur);
		char *prefix = xstrndup(cur, end), *target;
		int err = view_read_link(v, prefix, &target);

		if (err == 0) {
			char *joined, *next;

			if (++links > VIEW_MAX_LINKS) {
				free(prefix);
				free(target);
				free(cur);
				return -ELOOP;
			}
			if (visit)
				visit(arg, prefix, target);
			joined = path_join_link(prefix, target);
			next = slash ? xasprintf("%s%s", joined, slash) : xstrdup(joined);
			free(joined);
			free(target);
			free(prefix);
			free(cur);
			cur = path_normalize(next);
			free(next);
			pos = 1;
			continue;
		}
		free(prefix);
		if (err != -EINVAL && err != -ENOENT) {
			free(cur);
			return err;
		}
		if (err == -ENOENT)
			break;  /* the rest cannot be links either */
		pos = end + 1;
	}
	*resolved = cur;
	return 0;
}

/* ---- open directories ---- */

int view_dir_open(struct view *v, const char *path, struct view_dir *d)
{
	int err;

	d->v = v;
	d->fd = -1;
	d->path = NULL;
	if (v->ops->dir_open) {
		err = v->ops->dir_open(v, path, &d->fd);
		if (err)
			return err;
		d->path = xstrdup(path);
		return 0;
	}
	/*
	 * Once here, so that each name below is read by its real path; a
	 * directory that is not there fails at the first read, as by path.
	 */
	return view_resolve(v, path, &d->path, NULL, NULL);
}

void view_dir_close(struct view_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	free(d->path);
	d->fd = -1;
	d->path = NULL;
}

static char *dir_join(const struct view_dir *d, const char *name)
{
	return xasprintf("%s/%s", strcmp(d->path, "/") ? d->path : "", name);
}

int view_dir_read_file(struct view_dir *d, const char *name, char **buf, size_t *len)
{
	size_t dummy;
	char *path;
	int err = -EXDEV;

	if (!len)
		len = &dummy;
	if (d->fd >= 0)
		err = d->v->ops->read_file_at(d->v, d->fd, name, buf, len);
	if (err != -EXDEV)
		return err;
	path = dir_join(d, name);
	err = view_read_file(d->v, path, buf, len);
	free(path);
	return err;
}

int view_dir_read_str(struct view_dir *d, const char *name, char **out)
{
	char *buf;
	int err = view_dir_read_file(d, name, &buf, NULL);

	if (err)
		return err;
	*out = str_rstrip(buf);
	return 0;
}

int view_dir_read_link(struct view_dir *d, const char *name, char **target)
{
	char *path;
	int err = -EXDEV;

	if (d->fd >= 0)
		err = d->v->ops->read_link_at(d->v, d->fd, name, target);
	if (err != -EXDEV)
		return err;
	path = dir_join(d, name);
	err = view_read_link(d->v, path, target);
	free(path);
	return err;
}

int view_dir_link_name(struct view_dir *d, const char *name, char **base)
{
	char *target;
	int err = view_dir_read_link(d, name, &target);

	if (err)
		return err;
	*base = link_base(target);
	return 0;
}

int view_dir_list(struct view_dir *d, const char *name, struct strv *names)
{
	char *path;
	int err = -EXDEV;

	if (d->fd >= 0) {
		err = d->v->ops->list_dir_at(d->v, d->fd, name ? name : ".", names);
		if (!err)
			strv_sort(names);
	}
	if (err != -EXDEV)
		return err;
	path = name ? dir_join(d, name) : xstrdup(d->path);
	err = view_list_dir(d->v, path, names);
	free(path);
	return err;
}
