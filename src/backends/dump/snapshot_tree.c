/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The snapshot tree: an open-addressing hash table from canonical path to
 * node, plus each directory's children, and a lookup that resolves links
 * the way view_resolve() does (component by component, restarting from
 * the root after each link, at most SNAP_MAX_LINKS of them).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dump/snapshot.h"
#include "backends/dump/snapshot_tree.h"
#include "core/util.h"
#include "core/view.h"

struct snap_tree {
	struct snap_node **slots;  /* open addressing, linear probing */
	size_t cap;                /* a power of two */
	size_t n;
	struct snap_node *root;
};

static uint64_t path_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The slot holding path[0..len), or the empty slot where it would go. */
static struct snap_node **slot_find(const struct snap_tree *t, const char *path, size_t len)
{
	size_t i = path_hash(path, len) & (t->cap - 1);

	for (;; i = (i + 1) & (t->cap - 1)) {
		struct snap_node *n = t->slots[i];

		if (!n || (!strncmp(n->path, path, len) && n->path[len] == '\0'))
			return &t->slots[i];
	}
}

static void table_insert(struct snap_tree *t, struct snap_node *node)
{
	if ((t->n + 1) * 10 > t->cap * 7) {
		struct snap_node **old = t->slots;
		size_t oldcap = t->cap;

		t->cap *= 2;
		t->slots = xcalloc(t->cap, sizeof(*t->slots));
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				*slot_find(t, old[i]->path, strlen(old[i]->path)) = old[i];
		free(old);
	}
	*slot_find(t, node->path, strlen(node->path)) = node;
	t->n++;
}

static struct snap_node *node_new(const char *path, enum view_kind kind)
{
	struct snap_node *n = xcalloc(1, sizeof(*n));
	const char *slash;

	n->path = xstrdup(path);
	slash = strrchr(n->path, '/');
	n->name = slash ? slash + 1 : n->path;
	n->kind = kind;
	return n;
}

static void child_add(struct snap_node *dir, struct snap_node *child)
{
	if (dir->nchildren == dir->cap) {
		dir->cap = dir->cap ? dir->cap * 2 : 8;
		dir->children = xrealloc(dir->children, dir->cap * sizeof(*dir->children));
	}
	dir->children[dir->nchildren++] = child;
}

struct snap_tree *snap_tree_new(void)
{
	struct snap_tree *t = xcalloc(1, sizeof(*t));

	t->cap = 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->root = node_new("/", VIEW_DIR);
	t->root->name = "";
	table_insert(t, t->root);
	return t;
}

void snap_tree_free(struct snap_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->cap; i++) {
		struct snap_node *n = t->slots[i];

		if (!n)
			continue;
		free(n->path);
		free(n->data);
		free(n->target);
		free(n->children);
		free(n);
	}
	free(t->slots);
	free(t);
}

size_t snap_tree_count(const struct snap_tree *t)
{
	return t->n - 1;
}

struct snap_node *snap_tree_get(struct snap_tree *t, const char *path)
{
	return *slot_find(t, path, strlen(path));
}

int snap_tree_add(struct snap_tree *t, const char *path, enum view_kind kind,
		  struct snap_node **nodep)
{
	struct snap_node *parent = t->root, *n;
	size_t len = strlen(path);

	if (path[0] != '/' || len > SNAP_MAX_PATH || (len > 1 && path[len - 1] == '/'))
		return -EINVAL;
	n = snap_tree_get(t, path);
	if (n) {
		*nodep = n;
		return -EEXIST;
	}
	/* every ancestor, shortest first: create what is missing as a directory */
	for (size_t end = 1; end <= len; end++) {
		struct snap_node **slot;

		if (path[end] != '/' && path[end] != '\0')
			continue;
		if (parent->kind != VIEW_DIR)
			return -ENOTDIR;
		slot = slot_find(t, path, end);
		n = *slot;
		if (!n) {
			char *p = xstrndup(path, end);

			n = node_new(p, path[end] ? VIEW_DIR : kind);
			free(p);
			table_insert(t, n);
			child_add(parent, n);
		}
		parent = n;
	}
	*nodep = parent;
	return 0;
}

int snap_tree_lookup(struct snap_tree *t, const char *path, bool follow,
		     struct snap_node **nodep)
{
	char *cur = path_normalize(path);
	struct snap_node *node = t->root;
	size_t pos = 1;
	int links = 0;

	while (cur[pos]) {
		char *slash = strchr(cur + pos, '/');
		size_t end = slash ? (size_t)(slash - cur) : strlen(cur);
		struct snap_node *child;

		if (node->kind != VIEW_DIR) {
			free(cur);
			return -ENOTDIR;
		}
		child = *slot_find(t, cur, end);
		if (!child) {
			free(cur);
			return -ENOENT;
		}
		if (child->kind == VIEW_LINK && (slash || follow)) {
			char *prefix = xstrndup(cur, end), *joined, *next;

			if (++links > SNAP_MAX_LINKS) {
				free(prefix);
				free(cur);
				return -ELOOP;
			}
			joined = path_join_link(prefix, child->target);
			next = xasprintf("%s%s", joined, slash ? slash : "");
			free(prefix);
			free(joined);
			free(cur);
			cur = path_normalize(next);
			free(next);
			if (strlen(cur) > SNAP_MAX_PATH) {
				free(cur);
				return -ENAMETOOLONG;
			}
			node = t->root;
			pos = 1;
			continue;
		}
		node = child;
		pos = slash ? end + 1 : end;
	}
	free(cur);
	*nodep = node;
	return 0;
}

static int node_cmp(const void *a, const void *b)
{
	const struct snap_node *x = *(const struct snap_node *const *)a;
	const struct snap_node *y = *(const struct snap_node *const *)b;

	return strcmp(x->path, y->path);
}

struct snap_node **snap_tree_sorted(struct snap_tree *t, size_t *n)
{
	struct snap_node **v = xcalloc(t->n, sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i] && t->slots[i] != t->root)
			v[k++] = t->slots[i];
	qsort(v, k, sizeof(*v), node_cmp);
	*n = k;
	return v;
}

void snap_tree_stats(struct snap_tree *t, struct snapshot_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < t->cap; i++) {
		struct snap_node *n = t->slots[i];

		if (!n || n == t->root)
			continue;
		switch (n->kind) {
		case VIEW_FILE:
			if (n->captured) {
				st->files++;
				st->bytes += n->len;
			} else {
				st->placeholders++;
			}
			break;
		case VIEW_DIR:
			st->dirs++;
			break;
		case VIEW_LINK:
			st->links++;
			break;
		case VIEW_CHR:
			st->devices++;
			break;
		default:
			st->others++;
			break;
		}
	}
}

size_t snapshot_stats_entries(const struct snapshot_stats *st)
{
	return st->files + st->placeholders + st->dirs + st->links + st->devices + st->others;
}

void snapshot_meta_release(struct snapshot_meta *meta)
{
	free(meta->tool_version);
	free(meta->created);
	free(meta->hostname);
	free(meta->kernel_release);
	memset(meta, 0, sizeof(*meta));
}
