/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot view: a snapshot tar loaded whole into a snapshot tree,
 * then served read-only through the view interface, links resolved inside
 * the tree. The archive is untrusted input: every member is checked (name,
 * type, size, duplicates) and a bad one rejects the file with one line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/dump/snapshot.h"
#include "backends/dump/snapshot_tree.h"
#include "core/dlib_archive.h"
#include "core/dlib_jsonc.h"
#include "core/util.h"
#include "core/view.h"

#define SNAP_META_MAX (64u << 10)

struct snapshot_view {
	struct view view;
	struct snap_tree *tree;
	struct snapshot_meta meta;
	struct snapshot_stats stats;
};

static struct snapshot_view *to_snap(struct view *v)
{
	return (struct snapshot_view *)v;
}

/* ---- view operations ---- */

static int snap_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	struct snap_node *n;
	int err = snap_tree_lookup(to_snap(v)->tree, path, true, &n);

	if (err)
		return err;
	switch (n->kind) {
	case VIEW_FILE:
		break;
	case VIEW_DIR:
		return -EISDIR;
	case VIEW_CHR:
		return -ENXIO;  /* a device node is recorded, not its device */
	default:
		return -EINVAL;
	}
	if (!n->captured)
		return -ENODATA;  /* a placeholder: listed when saving, never read */
	*buf = xmalloc(n->len + 1);
	memcpy(*buf, n->data, n->len);
	(*buf)[n->len] = '\0';
	*len = n->len;
	return 0;
}

static int snap_read_link(struct view *v, const char *path, char **target)
{
	struct snap_node *n;
	int err = snap_tree_lookup(to_snap(v)->tree, path, false, &n);

	if (err)
		return err;
	if (n->kind != VIEW_LINK)
		return -EINVAL;
	*target = xstrdup(n->target);
	return 0;
}

static int snap_list_dir(struct view *v, const char *path, struct strv *names)
{
	struct snap_node *n;
	int err = snap_tree_lookup(to_snap(v)->tree, path, true, &n);

	if (err)
		return err;
	if (n->kind != VIEW_DIR)
		return -ENOTDIR;
	for (size_t i = 0; i < n->nchildren; i++)
		strv_push(names, n->children[i]->name);
	return 0;
}

static int snap_kind(struct view *v, const char *path, enum view_kind *kind)
{
	struct snap_node *n;
	int err = snap_tree_lookup(to_snap(v)->tree, path, false, &n);

	if (err == -ENOENT || err == -ENOTDIR) {
		*kind = VIEW_NONE;
		return 0;
	}
	if (err)
		return err;
	*kind = n->kind;
	return 0;
}

static void snap_destroy(struct view *v)
{
	struct snapshot_view *s = to_snap(v);

	snap_tree_free(s->tree);
	snapshot_meta_release(&s->meta);
	free(s);
}

static const struct view_ops snapshot_view_ops = {
	.name = "snapshot",
	.read_file = snap_read_file,
	.read_link = snap_read_link,
	.list_dir = snap_list_dir,
	.kind = snap_kind,
	.destroy = snap_destroy,
};

int snapshot_view_info(struct view *v, const struct snapshot_meta **meta,
		       const struct snapshot_stats **stats)
{
	if (!v || v->ops != &snapshot_view_ops)
		return -EINVAL;
	if (meta)
		*meta = &to_snap(v)->meta;
	if (stats)
		*stats = &to_snap(v)->stats;
	return 0;
}

/* ---- loading ---- */

struct loader {
	struct archive *a;
	struct snapshot_view *s;
	uint64_t bytes;
	size_t members;
	bool have_meta;
	char *last;      /* name of the last good member, for messages */
	char *why;
};

__attribute__((format(printf, 3, 4)))
static int fail(struct loader *l, int err, const char *fmt, ...)
{
	va_list ap;

	if (l->why)
		return err;
	va_start(ap, fmt);
	if (vasprintf(&l->why, fmt, ap) < 0)
		l->why = NULL;
	va_end(ap);
	/* member names come from the archive: keep the reason one plain line */
	for (char *p = l->why; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (l->why && strlen(l->why) > 300)
		strcpy(l->why + 296, "...");
	return err;
}

/*
 * A member name as a canonical absolute path: "./" prefixes and "."
 * components dropped, absolute names and ".." refused. NULL with *err 0
 * for the archive's root ("./").
 */
static char *member_path(struct loader *l, const char *name, int *err)
{
	struct strv parts = { 0 };
	char *copy, *tok, *save = NULL, *joined, *out;

	*err = 0;
	if (name[0] == '/') {
		*err = fail(l, -EINVAL, "member %s: absolute path", name);
		return NULL;
	}
	if (strlen(name) > SNAP_MAX_PATH) {
		*err = fail(l, -EINVAL, "member %.40s...: name too long", name);
		return NULL;
	}
	copy = xstrdup(name);
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			*err = fail(l, -EINVAL, "member %s: path leaves the archive (\"..\")", name);
			break;
		}
		strv_push(&parts, tok);
	}
	free(copy);
	if (*err || !parts.n) {
		strv_free(&parts);
		return NULL;
	}
	joined = strv_join(&parts, "/");
	out = xasprintf("/%s", joined);
	free(joined);
	strv_free(&parts);
	return out;
}

/* The whole of the current member's data, at most size bytes. */
static int read_data(struct loader *l, const char *name, int64_t size, char **data)
{
	char *buf = xmalloc((size_t)size + 1);
	size_t got = 0;

	while (got < (size_t)size) {
		la_ssize_t r = archive_read_data(l->a, buf + got, (size_t)size - got);

		if (r < 0) {
			const char *msg = archive_error_string(l->a);

			free(buf);
			if (msg && strstr(msg, "runcated"))
				return fail(l, -EINVAL, "truncated archive in member %s", name);
			return fail(l, -EINVAL, "member %s: %s", name, msg ? msg : "read error");
		}
		if (r == 0) {
			free(buf);
			return fail(l, -EINVAL, "truncated archive in member %s", name);
		}
		got += (size_t)r;
	}
	buf[got] = '\0';
	*data = buf;
	return 0;
}

static char *json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return xstrdup(json_object_get_string(v));
}

static int load_meta(struct loader *l, const char *data, size_t len)
{
	struct snapshot_meta *m = &l->s->meta;
	json_tokener *tok = json_tokener_new();
	json_object *o, *v;
	int version;

	o = json_tokener_parse_ex(tok, data, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		json_tokener_free(tok);
		return fail(l, -EINVAL, "%s: not a JSON object", SNAPSHOT_META_NAME);
	}
	json_tokener_free(tok);
	if (!json_object_object_get_ex(o, "format_version", &v) ||
	    !json_object_is_type(v, json_type_int) || json_object_get_int(v) < 1) {
		json_object_put(o);
		return fail(l, -EINVAL, "%s: no valid format_version", SNAPSHOT_META_NAME);
	}
	version = json_object_get_int(v);
	if (version > SNAPSHOT_FORMAT_VERSION) {
		json_object_put(o);
		return fail(l, -EOPNOTSUPP,
			    "snapshot format version %d is newer than this iommuctl reads (%d)",
			    version, SNAPSHOT_FORMAT_VERSION);
	}
	m->format_version = version;
	m->tool_version = json_str(o, "tool_version");
	m->created = json_str(o, "created");
	m->hostname = json_str(o, "hostname");
	m->kernel_release = json_str(o, "kernel_release");
	json_object_put(o);
	return 0;
}

static int load_member(struct loader *l, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e);
	unsigned type = archive_entry_filetype(e);
	enum view_kind kind;
	struct snap_node *n;
	char *path, *data = NULL;
	int64_t size;
	int err;

	if (!name || !name[0])
		return fail(l, -EINVAL, "member with no usable name");
	if (++l->members > SNAPSHOT_MAX_MEMBERS)
		return fail(l, -EINVAL, "more than %u members", SNAPSHOT_MAX_MEMBERS);
	if (archive_entry_hardlink(e))
		return fail(l, -EINVAL, "member %s: hard links are not supported", name);

	path = member_path(l, name, &err);
	if (!path) {
		if (!err && type != AE_IFDIR)
			err = fail(l, -EINVAL, "member %s: not a directory but names the root", name);
		return err;
	}
	/* by path, so that an archive packed again with "tar -C dir ." still has it */
	if (!strcmp(path + 1, SNAPSHOT_META_NAME)) {
		free(path);
		if (l->have_meta)
			return fail(l, -EINVAL, "duplicate member %s", name);
		size = archive_entry_size(e);
		if (type != AE_IFREG || size < 0 || size > SNAP_META_MAX)
			return fail(l, -EINVAL, "%s: not a metadata file", name);
		err = read_data(l, name, size, &data);
		if (!err)
			err = load_meta(l, data, (size_t)size);
		free(data);
		l->have_meta = true;
		return err;
	}

	switch (type) {
	case AE_IFREG:
		kind = VIEW_FILE;
		break;
	case AE_IFDIR:
		kind = VIEW_DIR;
		break;
	case AE_IFLNK:
		kind = VIEW_LINK;
		break;
	case AE_IFCHR:
		kind = VIEW_CHR;
		break;
	case AE_IFBLK:
	case AE_IFIFO:
	case AE_IFSOCK:
		kind = VIEW_OTHER;
		break;
	default:
		err = fail(l, -EINVAL, "member %s: unknown type", name);
		goto out;
	}

	size = kind == VIEW_FILE ? archive_entry_size(e) : 0;
	if (size < 0 || size > SNAPSHOT_MAX_MEMBER) {
		err = fail(l, -EINVAL, "member %s: size %lld is over the limit of %u MiB", name,
			   (long long)size, SNAPSHOT_MAX_MEMBER >> 20);
		goto out;
	}
	if (l->bytes + (uint64_t)size > SNAPSHOT_MAX_BYTES) {
		err = fail(l, -EINVAL, "contents over the limit of %u MiB", SNAPSHOT_MAX_BYTES >> 20);
		goto out;
	}
	l->bytes += (uint64_t)size;
	if (kind == VIEW_LINK && (!archive_entry_symlink(e) || !archive_entry_symlink(e)[0] ||
				  strlen(archive_entry_symlink(e)) > SNAP_MAX_PATH)) {
		err = fail(l, -EINVAL, "member %s: bad symbolic link target", name);
		goto out;
	}

	err = snap_tree_add(l->s->tree, path, kind, &n);
	if (err == -EEXIST && kind == VIEW_DIR && n->kind == VIEW_DIR) {
		err = 0;  /* a directory met again, or after its contents: merge */
		goto out;
	}
	if (err == -EEXIST) {
		err = fail(l, -EINVAL, "duplicate member %s", name);
		goto out;
	}
	if (err) {
		err = fail(l, -EINVAL, "member %s: lies under a member that is not a directory", name);
		goto out;
	}
	if (kind == VIEW_LINK)
		n->target = xstrdup(archive_entry_symlink(e));
	if (kind == VIEW_DIR)
		n->listed = true;
	if (kind == VIEW_FILE) {
		/* a zero-length, mode 0000 file is a placeholder (snapshot_write.c) */
		n->captured = size > 0 || (archive_entry_perm(e) & 0777) != 0;
		err = read_data(l, name, size, &n->data);
		if (!err)
			n->len = (size_t)size;
	}
out:
	free(path);
	return err;
}

static int load(struct loader *l)
{
	struct archive_entry *e;
	int r, err;

	for (;;) {
		r = archive_read_next_header(l->a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			const char *msg = archive_error_string(l->a);

			if (!l->members)
				return fail(l, -EINVAL, "not a tar archive");
			if (msg && strstr(msg, "runcated"))
				return fail(l, -EINVAL, "truncated archive after member %s", l->last);
			if (!msg || !strcmp(msg, "Damaged tar archive"))
				msg = "bad header";
			return fail(l, -EINVAL, "damaged archive after member %s: %s", l->last, msg);
		}
		err = load_member(l, e);
		if (err)
			return err;
		free(l->last);
		l->last = xstrdup(archive_entry_pathname(e));
	}
	if (!l->members)
		return fail(l, -EINVAL, "empty archive");
	return 0;
}

int snapshot_view_open(const char *file, struct view **v, char **why)
{
	struct loader l = { 0 };
	struct stat st;
	int fd, err;

	if (why)
		*why = NULL;
	/* -ELIBACC: the caller names the library (dlib_error()) */
	err = dlib_load(DLIB_ARCHIVE);
	if (!err)
		err = dlib_load(DLIB_JSONC);    /* the metadata */
	if (err)
		return err;
	if (!strcmp(file, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			return -EISDIR;
		}
	}
	l.s = xcalloc(1, sizeof(*l.s));
	l.s->view.ops = &snapshot_view_ops;
	l.s->tree = snap_tree_new();
	l.a = archive_read_new();
	if (!l.a) {
		err = fail(&l, -ENOMEM, "out of memory");
		goto out;
	}
	/* plain tar only: no decompression filters, which may run external programs */
	archive_read_support_format_tar(l.a);
	if (archive_read_open_fd(l.a, fd, 64 << 10) != ARCHIVE_OK) {
		/* libarchive's "unrecognized format" is EILSEQ on Linux (not public) */
		if (archive_errno(l.a) == EILSEQ || archive_errno(l.a) <= 0)
			err = fail(&l, -EINVAL, "not a tar archive");
		else
			err = fail(&l, -archive_errno(l.a), "%s", strerror(archive_errno(l.a)));
		goto out;
	}
	err = load(&l);
out:
	if (l.a)
		archive_read_free(l.a);
	free(l.last);
	if (fd != STDIN_FILENO)
		close(fd);
	if (err) {
		snap_destroy(&l.s->view);
		if (why)
			*why = l.why;
		else
			free(l.why);
		return err;
	}
	free(l.why);
	snap_tree_stats(l.s->tree, &l.s->stats);
	*v = &l.s->view;
	return 0;
}
