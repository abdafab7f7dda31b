/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inventory_diff(): see invdiff.h. Groups are matched through their
 * members: a union-find over the old and the new groups joins two groups
 * that hold the same device, and each component of that graph is one
 * change (or none). Every lookup is a hash probe or a binary search, so a
 * diff of two 16 384-device inventories stays linear in practice.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/invdiff.h"
#include "backends/sysfs/inventory.h"

static const char *const kind_names[INVDIFF_NKINDS] = {
	[INVDIFF_KERNEL] = "kernel",
	[INVDIFF_UNIT_ADDED] = "unit-added",
	[INVDIFF_UNIT_REMOVED] = "unit-removed",
	[INVDIFF_UNIT_CHANGED] = "unit-changed",
	[INVDIFF_DEVICE_ADDED] = "device-added",
	[INVDIFF_DEVICE_REMOVED] = "device-removed",
	[INVDIFF_DEVICE_CHANGED] = "device-changed",
	[INVDIFF_GROUP_ADDED] = "group-added",
	[INVDIFF_GROUP_REMOVED] = "group-removed",
	[INVDIFF_GROUP_RENUMBERED] = "group-renumbered",
	[INVDIFF_GROUP_SPLIT] = "group-split",
	[INVDIFF_GROUP_MERGED] = "group-merged",
	[INVDIFF_GROUP_REGROUPED] = "group-regrouped",
	[INVDIFF_GROUP_CHANGED] = "group-changed",
	[INVDIFF_RESV_ADDED] = "resv-added",
	[INVDIFF_RESV_REMOVED] = "resv-removed",
};

const char *invdiff_kind_name(enum invdiff_kind k)
{
	return (unsigned int)k < INVDIFF_NKINDS ? kind_names[k] : "?";
}

static struct invdiff_change *add(struct invdiff *d, enum invdiff_kind kind, const char *object,
				  const char *field, const char *before, const char *after)
{
	struct invdiff_change *c;

	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->changes = xrealloc(d->changes, d->cap * sizeof(*d->changes));
	}
	c = &d->changes[d->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->object = object ? xstrdup(object) : NULL;
	c->field = field ? xstrdup(field) : NULL;
	c->before = before ? xstrdup(before) : NULL;
	c->after = after ? xstrdup(after) : NULL;
	return c;
}

__attribute__((format(printf, 2, 3)))
static void say(struct invdiff_change *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	c->text = xvasprintf(fmt, ap);
	va_end(ap);
}

static const char *or_none(const char *s)
{
	return s ? s : "none";
}

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* ---- the kernel and the units ---- */

static void diff_units(const struct inventory *a, const struct inventory *b, struct invdiff *d)
{
	struct strv names = { 0 };

	for (size_t i = 0; i < a->nunits; i++)
		strv_push(&names, a->units[i].name);
	for (size_t i = 0; i < b->nunits; i++)
		if (!inventory_unit(a, b->units[i].name))
			strv_push(&names, b->units[i].name);
	strv_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		const struct inv_unit *ua = inventory_unit(a, names.v[i]), *ub = inventory_unit(b, names.v[i]);
		struct invdiff_change *c;

		if (!ua || !ub) {
			const struct inv_unit *u = ua ? ua : ub;

			c = add(d, ua ? INVDIFF_UNIT_REMOVED : INVDIFF_UNIT_ADDED, u->name, NULL,
				ua ? or_none(u->kind_name) : NULL, ub ? or_none(u->kind_name) : NULL);
			say(c, "IOMMU unit %s (%s) %s", u->name, or_none(u->kind_name),
			    ua ? "is gone" : "appeared");
			continue;
		}
		if (!str_eq(ua->kind_name, ub->kind_name)) {
			c = add(d, INVDIFF_UNIT_CHANGED, ua->name, "kind", ua->kind_name, ub->kind_name);
			say(c, "IOMMU unit %s: kind %s -> %s", ua->name, or_none(ua->kind_name),
			    or_none(ub->kind_name));
			continue;
		}
		/* the same kind: the same attribute table, in the same order */
		for (size_t k = 0; k < ua->nattrs && k < ub->nattrs; k++) {
			const struct inv_attr *x = &ua->attrs[k], *y = &ub->attrs[k];

			if (x->desc != y->desc || str_eq(x->text, y->text))
				continue;
			c = add(d, INVDIFF_UNIT_CHANGED, ua->name, x->desc->key, x->text, y->text);
			say(c, "IOMMU unit %s: %s %s -> %s", ua->name, x->desc->label,
			    x->text ? x->text : "unreadable", y->text ? y->text : "unreadable");
		}
	}
	strv_free(&names);
}

/* ---- groups ---- */

struct member_ix {
	const char *name;
	size_t group;             /* index into inv->groups */
};

static int member_cmp(const void *x, const void *y)
{
	return strcmp(((const struct member_ix *)x)->name, ((const struct member_ix *)y)->name);
}

static struct member_ix *member_index(const struct inventory *inv, size_t *n)
{
	struct member_ix *ix;
	size_t total = 0, k = 0;

	for (size_t i = 0; i < inv->ngroups; i++)
		total += inv->groups[i].members.n;
	ix = xcalloc(total ? total : 1, sizeof(*ix));
	for (size_t i = 0; i < inv->ngroups; i++)
		for (size_t m = 0; m < inv->groups[i].members.n; m++)
			ix[k++] = (struct member_ix){ inv->groups[i].members.v[m], i };
	qsort(ix, total, sizeof(*ix), member_cmp);
	*n = total;
	return ix;
}

/* The index of the group holding name, or SIZE_MAX. */
static size_t member_group(const struct member_ix *ix, size_t n, const char *name)
{
	struct member_ix key = { name, 0 };
	const struct member_ix *hit = bsearch(&key, ix, n, sizeof(*ix), member_cmp);

	return hit ? hit->group : SIZE_MAX;
}

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void uf_union(size_t *parent, size_t x, size_t y)
{
	x = uf_find(parent, x);
	y = uf_find(parent, y);
	if (x != y) {
		if (x < y)
			parent[y] = x;
		else
			parent[x] = y;
	}
}

static void group_copy(struct invdiff_group *to, const struct inv_group *g)
{
	to->id = g->id;
	memset(&to->members, 0, sizeof(to->members));
	for (size_t m = 0; m < g->members.n; m++)
		strv_push(&to->members, g->members.v[m]);
}

/* "5 (0000:00:03.0, 0000:00:03.1)" */
static char *group_words(const struct inv_group *g)
{
	char *list = strv_join(&g->members, ", ");
	char *s = xasprintf("%u (%s)", g->id, list);

	free(list);
	return s;
}

/* "5 (...) and 6 (...)" or "5 (...), 6 (...) and 7 (...)" */
static char *groups_words(const struct inventory *inv, const size_t *ix, size_t n)
{
	struct strv parts = { 0 };
	char *head, *s;

	for (size_t i = 0; i < n; i++)
		strv_push_owned(&parts, group_words(&inv->groups[ix[i]]));
	if (n == 1) {
		s = xstrdup(parts.v[0]);
	} else {
		char *last = parts.v[--parts.n];

		head = strv_join(&parts, ", ");
		s = xasprintf("%s and %s", head, last);
		free(head);
		free(last);
	}
	strv_free(&parts);
	return s;
}

static char *groups_ids(const struct inventory *inv, const size_t *ix, size_t n)
{
	struct strv ids = { 0 };
	char *s;

	for (size_t i = 0; i < n; i++)
		strv_push_owned(&ids, xasprintf("%u", inv->groups[ix[i]].id));
	s = strv_join(&ids, ",");
	strv_free(&ids);
	return s;
}

static const char *viable_word(const struct inv_group *g)
{
	return !g->viable_known ? "unknown" : g->viable ? "viable" : "not viable";
}

static int resv_cmp(const void *x, const void *y)
{
	const struct inv_resv *p = x, *q = y;

	if (p->start != q->start)
		return p->start < q->start ? -1 : 1;
	if (p->end != q->end)
		return p->end < q->end ? -1 : 1;
	return strcmp(p->type ? p->type : "", q->type ? q->type : "");
}

static struct inv_resv *resv_sorted(const struct inv_group *g)
{
	struct inv_resv *r = xcalloc(g->nresv ? g->nresv : 1, sizeof(*r));

	if (g->nresv)
		memcpy(r, g->resv, g->nresv * sizeof(*r));
	qsort(r, g->nresv, sizeof(*r), resv_cmp);
	return r;
}

static void resv_one(struct invdiff *d, const struct inv_group *ga, const struct inv_group *gb,
		     const struct inv_resv *r, bool added)
{
	char *range = xasprintf("0x%" PRIx64 "-0x%" PRIx64 " %s", r->start, r->end,
				r->type ? r->type : "?");
	char *obj = xasprintf("%u", ga->id);
	struct invdiff_change *c = add(d, added ? INVDIFF_RESV_ADDED : INVDIFF_RESV_REMOVED, obj,
				       NULL, added ? NULL : range, added ? range : NULL);

	if (ga->id == gb->id)
		say(c, "group %u: reserved region %s %s", ga->id, range, added ? "appeared" : "is gone");
	else
		say(c, "group %u (now %u): reserved region %s %s", ga->id, gb->id, range,
		    added ? "appeared" : "is gone");
	free(range);
	free(obj);
}

/* Two groups that hold the same devices: type, viability, reserved regions. */
static void diff_kept(struct invdiff *d, const struct inv_group *ga, const struct inv_group *gb)
{
	char *obj = xasprintf("%u", ga->id), *now = NULL;
	struct invdiff_change *c;

	if (ga->id != gb->id) {
		char *x = xasprintf("%u", ga->id), *y = xasprintf("%u", gb->id), *w = group_words(gb);

		c = add(d, INVDIFF_GROUP_RENUMBERED, obj, NULL, x, y);
		c->old_groups = xcalloc(1, sizeof(*c->old_groups));
		c->new_groups = xcalloc(1, sizeof(*c->new_groups));
		group_copy(c->old_groups, ga);
		group_copy(c->new_groups, gb);
		c->nold = c->nnew = 1;
		say(c, "group %u is now group %s", ga->id, w);
		free(x);
		free(y);
		free(w);
		now = xasprintf(" (now %u)", gb->id);
	}
	if (!str_eq(ga->type, gb->type)) {
		c = add(d, INVDIFF_GROUP_CHANGED, obj, "type", ga->type, gb->type);
		say(c, "group %u%s: type %s -> %s", ga->id, now ? now : "", or_none(ga->type),
		    or_none(gb->type));
	}
	if (ga->viable_known != gb->viable_known || ga->viable != gb->viable) {
		c = add(d, INVDIFF_GROUP_CHANGED, obj, "viable", viable_word(ga), viable_word(gb));
		say(c, "group %u%s: %s -> %s: %s", ga->id, now ? now : "", viable_word(ga),
		    viable_word(gb), gb->reason ? gb->reason : "no reason recorded");
	}
	if (ga->resv_read && gb->resv_read) {
		struct inv_resv *ra = resv_sorted(ga), *rb = resv_sorted(gb);
		size_t i = 0, j = 0;

		while (i < ga->nresv || j < gb->nresv) {
			int cmp = i == ga->nresv ? 1 : j == gb->nresv ? -1 : resv_cmp(&ra[i], &rb[j]);

			if (cmp < 0)
				resv_one(d, ga, gb, &ra[i++], false);
			else if (cmp > 0)
				resv_one(d, ga, gb, &rb[j++], true);
			else
				i++, j++;
		}
		free(ra);
		free(rb);
	}
	free(now);
	free(obj);
}

static void diff_component(struct invdiff *d, const struct inventory *a, const struct inventory *b,
			   const size_t *ia, size_t na, const size_t *ib, size_t nb)
{
	enum invdiff_kind kind;
	struct invdiff_change *c;
	char *wa, *wb, *ida, *idb;

	if (na == 1 && nb == 1) {
		diff_kept(d, &a->groups[ia[0]], &b->groups[ib[0]]);
		return;
	}
	kind = !nb ? INVDIFF_GROUP_REMOVED : !na ? INVDIFF_GROUP_ADDED :
	       na == 1 ? INVDIFF_GROUP_SPLIT : nb == 1 ? INVDIFF_GROUP_MERGED : INVDIFF_GROUP_REGROUPED;
	wa = na ? groups_words(a, ia, na) : NULL;
	wb = nb ? groups_words(b, ib, nb) : NULL;
	ida = na ? groups_ids(a, ia, na) : NULL;
	idb = nb ? groups_ids(b, ib, nb) : NULL;
	c = add(d, kind, na ? ida : idb, NULL, ida, idb);
	c->nold = na;
	c->nnew = nb;
	c->old_groups = xcalloc(na ? na : 1, sizeof(*c->old_groups));
	c->new_groups = xcalloc(nb ? nb : 1, sizeof(*c->new_groups));
	for (size_t i = 0; i < na; i++)
		group_copy(&c->old_groups[i], &a->groups[ia[i]]);
	for (size_t i = 0; i < nb; i++)
		group_copy(&c->new_groups[i], &b->groups[ib[i]]);
	switch (kind) {
	case INVDIFF_GROUP_REMOVED:
		say(c, "group %s is gone", wa);
		break;
	case INVDIFF_GROUP_ADDED:
		say(c, "group %s is new", wb);
		break;
	case INVDIFF_GROUP_SPLIT:
		say(c, "group %s split into groups %s", wa, wb);
		break;
	case INVDIFF_GROUP_MERGED:
		say(c, "groups %s merged into group %s", wa, wb);
		break;
	default:
		say(c, "groups %s regrouped as %s", wa, wb);
		break;
	}
	free(wa);
	free(wb);
	free(ida);
	free(idb);
}

static int size_cmp(const void *x, const void *y)
{
	size_t p = *(const size_t *)x, q = *(const size_t *)y;

	return p < q ? -1 : p > q;
}

static void diff_groups(const struct inventory *a, const struct inventory *b, struct invdiff *d)
{
	size_t na = a->ngroups, nb = b->ngroups, nix_b;
	struct member_ix *ix_b = member_index(b, &nix_b);
	size_t *parent = xcalloc(na + nb + 1, sizeof(*parent));
	size_t *order = xcalloc(na + nb + 1, sizeof(*order));
	size_t *ia = xcalloc(na + 1, sizeof(*ia)), *ib = xcalloc(nb + 1, sizeof(*ib));

	for (size_t i = 0; i < na + nb; i++)
		parent[i] = i;
	for (size_t i = 0; i < na; i++) {
		const struct inv_group *g = &a->groups[i];

		for (size_t m = 0; m < g->members.n; m++) {
			size_t j = member_group(ix_b, nix_b, g->members.v[m]);

			if (j != SIZE_MAX)
				uf_union(parent, i, na + j);
		}
	}
	/*
	 * Components in the order of their smallest node: old groups by
	 * number (the inventory keeps them sorted), then groups only new.
	 * Sorting (root, node) pairs groups each component's nodes together.
	 */
	for (size_t i = 0; i < na + nb; i++)
		order[i] = uf_find(parent, i) * (na + nb) + i;
	qsort(order, na + nb, sizeof(*order), size_cmp);
	for (size_t k = 0; k < na + nb;) {
		size_t root = order[k] / (na + nb), n_a = 0, n_b = 0;

		for (; k < na + nb && order[k] / (na + nb) == root; k++) {
			size_t node = order[k] % (na + nb);

			if (node < na)
				ia[n_a++] = node;
			else
				ib[n_b++] = node - na;
		}
		diff_component(d, a, b, ia, n_a, ib, n_b);
	}
	free(ix_b);
	free(parent);
	free(order);
	free(ia);
	free(ib);
}

/* ---- devices ---- */

static char *dev_id(const struct inv_device *dev)
{
	if (!dev->has_vendor || !dev->has_device)
		return NULL;
	return xasprintf("%04x:%04x", dev->vendor, dev->device);
}

static char *dev_subsys(const struct inv_device *dev)
{
	if (!dev->has_subsys)
		return NULL;
	return xasprintf("%04x:%04x", dev->subsys_vendor, dev->subsys_device);
}

static char *dev_class(const struct inv_device *dev)
{
	return dev->has_class ? xasprintf("0x%06x", dev->class_code) : NULL;
}

static char *dev_group(const struct inv_device *dev)
{
	return dev->group >= 0 ? xasprintf("%d", dev->group) : NULL;
}

/* "(8086:10d3, e1000e, group 3)": what identifies a device that came or went */
static char *dev_words(const struct inv_device *dev)
{
	char *id = dev_id(dev), *grp = dev_group(dev);
	char *s = xasprintf("(%s, %s, %s%s)", id ? id : "no ID",
			    dev->driver ? dev->driver : "no driver", grp ? "group " : "in no group",
			    grp ? grp : "");

	free(id);
	free(grp);
	return s;
}

static void dev_field(struct invdiff *d, const char *name, const char *field, const char *label,
		      char *before, char *after)
{
	if (!str_eq(before, after)) {
		struct invdiff_change *c = add(d, INVDIFF_DEVICE_CHANGED, name, field, before, after);

		say(c, "device %s: %s %s -> %s", name, label, or_none(before), or_none(after));
	}
	free(before);
	free(after);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void diff_devices(const struct inventory *a, const struct inventory *b, struct invdiff *d)
{
	struct strv names = { 0 };

	for (size_t i = 0; i < a->ndevices; i++)
		strv_push(&names, a->devices[i].name);
	for (size_t i = 0; i < b->ndevices; i++)
		if (!inventory_device(a, b->devices[i].name))
			strv_push(&names, b->devices[i].name);
	strv_sort(&names);
	for (size_t i = 0; i < names.n; i++) {
		const struct inv_device *x = inventory_device(a, names.v[i]);
		const struct inv_device *y = inventory_device(b, names.v[i]);
		const char *name = names.v[i];

		if (!x || !y) {
			const struct inv_device *dev = x ? x : y;
			char *w = dev_words(dev), *id = dev_id(dev);
			struct invdiff_change *c = add(d, x ? INVDIFF_DEVICE_REMOVED : INVDIFF_DEVICE_ADDED,
						       dev->name, NULL, x ? id : NULL, y ? id : NULL);

			say(c, "device %s %s %s", dev->name, w, x ? "is gone" : "appeared");
			free(w);
			free(id);
			continue;
		}
		dev_field(d, name, "id", "another card: ID", dev_id(x), dev_id(y));
		dev_field(d, name, "subsystem", "subsystem", dev_subsys(x), dev_subsys(y));
		dev_field(d, name, "class", "class", dev_class(x), dev_class(y));
		dev_field(d, name, "driver", "driver", dup_or_null(x->driver), dup_or_null(y->driver));
		dev_field(d, name, "driver_override", "driver_override",
			  dup_or_null(x->driver_override), dup_or_null(y->driver_override));
		dev_field(d, name, "unit", "IOMMU unit", dup_or_null(x->unit), dup_or_null(y->unit));
		/* moves between groups are the groups' changes; in or out of any group is the device's */
		if ((x->group < 0) != (y->group < 0))
			dev_field(d, name, "group", "group", dev_group(x), dev_group(y));
	}
	strv_free(&names);
}

void inventory_diff(const struct inventory *a, const struct inventory *b, struct invdiff *d)
{
	memset(d, 0, sizeof(*d));
	/* a source without /proc (a bare sysfs tree) says nothing about its kernel */
	if (a->kernel_release && b->kernel_release && strcmp(a->kernel_release, b->kernel_release)) {
		struct invdiff_change *c = add(d, INVDIFF_KERNEL, NULL, NULL, a->kernel_release,
					       b->kernel_release);

		say(c, "kernel release %s -> %s", a->kernel_release ? a->kernel_release : "unknown",
		    b->kernel_release ? b->kernel_release : "unknown");
	}
	diff_units(a, b, d);
	diff_groups(a, b, d);
	diff_devices(a, b, d);
}

void invdiff_release(struct invdiff *d)
{
	for (size_t i = 0; i < d->n; i++) {
		struct invdiff_change *c = &d->changes[i];

		free(c->object);
		free(c->field);
		free(c->before);
		free(c->after);
		free(c->text);
		for (size_t k = 0; k < c->nold; k++)
			strv_free(&c->old_groups[k].members);
		for (size_t k = 0; k < c->nnew; k++)
			strv_free(&c->new_groups[k].members);
		free(c->old_groups);
		free(c->new_groups);
	}
	free(d->changes);
	memset(d, 0, sizeof(*d));
}
