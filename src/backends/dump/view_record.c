/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The recording view: each successful read passes through, is resolved on
 * the inner view, and is kept under its canonical path with every link met
 * on the way, in a snapshot tree that `snapshot save` writes out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dump/snapshot.h"
#include "backends/dump/snapshot_tree.h"
#include "core/util.h"
#include "core/view.h"
#include "backends/dump/view_record.h"

/*
 * What is kept: a file with its content, a directory with every listed
 * entry (entries only listed are kept by kind: links with their targets,
 * files as placeholders), a link with its verbatim target, a device node.
 * Failed reads are not kept: the snapshot answers -ENOENT for them, or
 * -ENODATA where a listing showed the entry (its errno is not kept).
 */
struct view_record {
	struct view view;
	struct view *inner;
	struct snap_tree *tree;
};

static const struct view_ops view_record_ops;

static struct view_record *to_rec(struct view *v)
{
	return (struct view_record *)v;
}

/*
 * Keep one entry. When the machine changed between two reads and the kind
 * differs, the later answer wins, except over a directory that already
 * holds entries: the tree must stay a tree.
 */
static void rec_put(struct view_record *r, const char *path, enum view_kind kind,
		    const char *data, size_t len, const char *target, bool listed)
{
	struct snap_node *n;
	int err = snap_tree_add(r->tree, path, kind, &n);

	if (err == -EEXIST && n->kind != kind) {
		if (n->kind == VIEW_DIR && n->nchildren)
			return;
		free(n->data);
		free(n->target);
		n->data = n->target = NULL;
		n->len = 0;
		n->captured = n->listed = false;
		n->kind = kind;
		err = 0;
	} else if (err == -EEXIST) {
		err = 0;
	}
	if (err)
		return;
	switch (kind) {
	case VIEW_FILE:
		/* the first answer is the one replayed, however often it is read */
		if (data && !n->captured) {
			n->data = xmalloc(len + 1);
			memcpy(n->data, data, len);
			n->data[len] = '\0';
			n->len = len;
			n->captured = true;
		}
		break;
	case VIEW_LINK:
		if (!n->target)
			n->target = xstrdup(target);
		break;
	case VIEW_DIR:
		n->listed |= listed;
		break;
	default:
		break;
	}
}

static void rec_visit(void *arg, const char *link, const char *target)
{
	rec_put(arg, link, VIEW_LINK, NULL, 0, target, false);
}

/*
 * The canonical path of path on the inner view, keeping the links met.
 * Without follow the last component stays as it is (read_link, kind).
 */
static int rec_canon(struct view_record *r, const char *path, bool follow, char **out)
{
	char *norm, *parent, *cparent, *slash;
	int err;

	if (follow)
		return view_resolve(r->inner, path, out, rec_visit, r);
	norm = path_normalize(path);
	slash = strrchr(norm, '/');
	if (!slash[1]) {
		*out = norm;
		return 0;
	}
	parent = slash == norm ? xstrdup("/") : xstrndup(norm, (size_t)(slash - norm));
	err = view_resolve(r->inner, parent, &cparent, rec_visit, r);
	if (!err) {
		*out = xasprintf("%s/%s", strcmp(cparent, "/") ? cparent : "", slash + 1);
		free(cparent);
	}
	free(parent);
	free(norm);
	return err;
}

/* Keep an entry known only by its kind (listed, or asked about). */
static int rec_entry(struct view_record *r, const char *canon, enum view_kind kind)
{
	char *target;
	int err;

	if (kind == VIEW_NONE)
		return -ENOENT;
	if (kind != VIEW_LINK) {
		rec_put(r, canon, kind, NULL, 0, NULL, false);
		return 0;
	}
	/* a link's target is cheap and safe to read, and it is the whole link */
	err = view_read_link(r->inner, canon, &target);
	if (err)
		return err;
	rec_put(r, canon, VIEW_LINK, NULL, 0, target, false);
	free(target);
	return 0;
}

static int rec_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	struct view_record *r = to_rec(v);
	char *canon;
	int err = view_read_file(r->inner, path, buf, len);

	if (err)
		return err;
	err = rec_canon(r, path, true, &canon);
	if (err) {
		free(*buf);
		*buf = NULL;
		return err;
	}
	rec_put(r, canon, VIEW_FILE, *buf, *len, NULL, false);
	free(canon);
	return 0;
}

static int rec_read_link(struct view *v, const char *path, char **target)
{
	struct view_record *r = to_rec(v);
	char *canon;
	int err = view_read_link(r->inner, path, target);

	if (err)
		return err;
	err = rec_canon(r, path, false, &canon);
	if (err) {
		free(*target);
		*target = NULL;
		return err;
	}
	rec_put(r, canon, VIEW_LINK, NULL, 0, *target, false);
	free(canon);
	return 0;
}

static int rec_list_dir(struct view *v, const char *path, struct strv *names)
{
	struct view_record *r = to_rec(v);
	struct strv found = { 0 };
	char *canon;
	int err = view_list_dir(r->inner, path, &found);

	if (!err)
		err = rec_canon(r, path, true, &canon);
	if (err) {
		strv_free(&found);
		return err;
	}
	rec_put(r, canon, VIEW_DIR, NULL, 0, NULL, true);
	for (size_t i = 0; i < found.n; i++) {
		char *child = xasprintf("%s/%s", strcmp(canon, "/") ? canon : "", found.v[i]);
		enum view_kind kind;
		bool keep = snap_tree_get(r->tree, child) != NULL;

		/* an entry that vanished meanwhile is left out of the listing too */
		if (!keep)
			keep = view_kind(r->inner, child, &kind) == 0 &&
			       rec_entry(r, child, kind) == 0;
		if (keep)
			strv_push(names, found.v[i]);
		free(child);
	}
	free(canon);
	strv_free(&found);
	return 0;
}

static int rec_kind(struct view *v, const char *path, enum view_kind *kind)
{
	struct view_record *r = to_rec(v);
	char *canon;
	int err = view_kind(r->inner, path, kind);

	if (err || *kind == VIEW_NONE)
		return err;
	err = rec_canon(r, path, false, &canon);
	if (err)
		return err;
	err = rec_entry(r, canon, *kind);
	free(canon);
	return err;
}

static void rec_destroy(struct view *v)
{
	struct view_record *r = to_rec(v);

	snap_tree_free(r->tree);
	free(r);
}

static const struct view_ops view_record_ops = {
	.name = "record",
	.read_file = rec_read_file,
	.read_link = rec_read_link,
	.list_dir = rec_list_dir,
	.kind = rec_kind,
	.destroy = rec_destroy,
};

int view_record_new(struct view *inner, struct view **rec)
{
	struct view_record *r = xcalloc(1, sizeof(*r));

	r->view.ops = &view_record_ops;
	r->inner = inner;
	r->tree = snap_tree_new();
	*rec = &r->view;
	return 0;
}

int view_record_stats(struct view *rec, struct snapshot_stats *stats)
{
	if (!rec || rec->ops != &view_record_ops)
		return -EINVAL;
	snap_tree_stats(to_rec(rec)->tree, stats);
	return 0;
}

int view_record_write_tar(struct view *rec, const char *file, const struct snapshot_meta *meta,
			  char **why)
{
	*why = NULL;
	if (!rec || rec->ops != &view_record_ops)
		return -EINVAL;
	return snap_tree_write(to_rec(rec)->tree, file, meta, why);
}
