/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safety interlocks (see interlock.h): map mounts and swaps (read with
 * libmount) and the console to the sysfs device directories behind them,
 * following dm/md slaves, so that a member that is (an ancestor of) one is
 * caught; and judge each network interface below a member by the network
 * state netlink gives (netstate.h): its routes, addresses and SSH sessions,
 * and those of the bonds, bridges and VLANs above it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sys/sysmacros.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/interlock.h"
#include "backends/sysfs/netstate.h"
#include "core/dlib_mount.h"
#include "core/util.h"
#include "core/view.h"

#define MAX_DEPTH 8

struct items {
	struct interlock_item *v;
	size_t n;
};

static void item_add(struct items *it, const char *path, const char *what)
{
	for (size_t i = 0; i < it->n; i++)
		if (!strcmp(it->v[i].path, path) && !strcmp(it->v[i].what, what))
			return;
	it->v = xrealloc(it->v, (it->n + 1) * sizeof(*it->v));
	it->v[it->n].path = xstrdup(path);
	it->v[it->n].what = xstrdup(what);
	it->n++;
}

static char *resolve(struct view *v, const char *path)
{
	char *r = NULL;

	if (!view_exists(v, path) || view_resolve(v, path, &r, NULL, NULL))
		return NULL;
	return r;
}

/* ---- block devices ---- */

/* A block device directory (resolved) and, recursively, the devices under dm/md. */
static void block_add(struct view *v, struct items *it, const char *dir, const char *what, int depth)
{
	struct strv slaves = { 0 };
	char *sdir;

	if (depth > MAX_DEPTH)
		return;
	item_add(it, dir, what);
	sdir = xasprintf("%s/slaves", dir);
	if (view_list_dir(v, sdir, &slaves)) {
		/* a partition of a dm or md device: the slaves are on its parent */
		char *parent = xstrdup(dir), *slash = strrchr(parent, '/');

		free(sdir);
		sdir = NULL;
		if (slash) {
			*slash = '\0';
			sdir = xasprintf("%s/slaves", parent);
			strv_free(&slaves);
			if (view_list_dir(v, sdir, &slaves))
				strv_free(&slaves);
		}
		free(parent);
	}
	for (size_t i = 0; i < slaves.n; i++) {
		char *link = xasprintf("/sys/class/block/%s", slaves.v[i]);
		char *r = resolve(v, link);

		if (r)
			block_add(v, it, r, what, depth + 1);
		free(r);
		free(link);
	}
	strv_free(&slaves);
	free(sdir);
}

/* "/dev/vda1", "/dev/mapper/root", "/dev/disk/by-uuid/..." -> block device directory */
static char *block_from_devnode(struct view *v, const char *node)
{
	char *r = NULL, *name, *link, *dir;
	const char *base;

	if (!str_startswith(node, "/dev/"))
		return NULL;
	/* symbolic links in /dev lead to the kernel's name */
	if (view_resolve(v, node, &r, NULL, NULL))
		r = xstrdup(node);
	base = strrchr(r, '/') + 1;
	name = xstrdup(base);
	free(r);
	/* sysfs spells "cciss/c0d0" as "cciss!c0d0" */
	link = xasprintf("/sys/class/block/%s", name);
	dir = resolve(v, link);
	free(link);
	free(name);
	return dir;
}

static char *block_from_majmin(struct view *v, const char *majmin)
{
	char *link = xasprintf("/sys/dev/block/%s", majmin), *dir = resolve(v, link);

	free(link);
	return dir;
}

struct mount {
	char *majmin, *point, *source;
};

/*
 * A table of the view's file through libmount: mountinfo, /proc/mounts or
 * /proc/swaps, told apart by libmount from the text. NULL when the file is
 * absent or unreadable; *err -ELIBACC when libmount cannot be loaded.
 */
static struct libmnt_table *table_read(struct view *v, const char *path, int *err)
{
	struct libmnt_table *tb = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	*err = 0;
	if (view_read_file(v, path, &text, &len))
		return NULL;
	*err = dlib_load(DLIB_MOUNT);
	f = *err || !len ? NULL : fmemopen(text, len, "r");
	if (f) {
		tb = mnt_new_table();
		/* the name is for libmount's messages: the text is the view's */
		if (tb && mnt_table_parse_stream(tb, f, strrchr(path, '/') + 1)) {
			mnt_unref_table(tb);
			tb = NULL;
		}
		fclose(f);
	}
	free(text);
	return tb;
}

static int mounts_load(struct view *v, struct mount **mp, size_t *np)
{
	struct libmnt_table *tb;
	struct libmnt_iter *itr;
	struct libmnt_fs *fs;
	struct mount *m = NULL;
	size_t n = 0;
	int err;

	*mp = NULL;
	*np = 0;
	tb = table_read(v, "/proc/self/mountinfo", &err);
	if (!tb && !err)
		tb = table_read(v, "/proc/mounts", &err);
	if (!tb)
		return err;
	itr = mnt_new_iter(MNT_ITER_FORWARD);
	while (itr && mnt_table_next_fs(tb, itr, &fs) == 0) {
		const char *src = mnt_fs_get_source(fs), *pt = mnt_fs_get_target(fs);
		dev_t dev = mnt_fs_get_devno(fs);

		if (!pt)
			continue;
		m = xrealloc(m, (n + 1) * sizeof(*m));
		/* /proc/mounts has no device numbers: the source names the device */
		m[n].majmin = dev ? xasprintf("%u:%u", major(dev), minor(dev)) : xstrdup("");
		m[n].point = xstrdup(pt);
		m[n].source = xstrdup(src ? src : "");
		n++;
	}
	mnt_free_iter(itr);
	mnt_unref_table(tb);
	*mp = m;
	*np = n;
	return 0;
}

static void mounts_free(struct mount *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].majmin);
		free(m[i].point);
		free(m[i].source);
	}
	free(m);
}

static char *mount_block(struct view *v, const struct mount *m)
{
	char *dir = NULL;

	if (m->majmin[0] && strncmp(m->majmin, "0:", 2))
		dir = block_from_majmin(v, m->majmin);
	if (!dir)
		dir = block_from_devnode(v, m->source);
	return dir;
}

/* The filesystems a machine cannot lose; the last mount of a point is the visible one. */
static const char *const critical_mounts[] = { "/", "/boot", "/boot/efi", "/usr", "/var" };

static void mounts_items(struct view *v, struct items *it, const struct mount *m, size_t n)
{
	for (size_t c = 0; c < ARRAY_SIZE(critical_mounts); c++) {
		const char *pt = critical_mounts[c];

		for (size_t i = n; i-- > 0;) {
			char *dir, *what;

			if (strcmp(m[i].point, pt))
				continue;
			dir = mount_block(v, &m[i]);
			if (dir) {
				what = xasprintf("%s filesystem (%s on %s)", !strcmp(pt, "/") ? "root" : pt,
						 pt, m[i].source);
				block_add(v, it, dir, what, 0);
				free(what);
				free(dir);
			}
			break;
		}
	}
}

static int swaps_items(struct view *v, struct items *it, const struct mount *m, size_t n)
{
	struct libmnt_table *tb;
	struct libmnt_iter *itr;
	struct libmnt_fs *fs;
	int err;

	tb = table_read(v, "/proc/swaps", &err);
	if (!tb)
		return err;
	itr = mnt_new_iter(MNT_ITER_FORWARD);
	while (itr && mnt_table_next_fs(tb, itr, &fs) == 0) {
		const char *file = mnt_fs_get_source(fs), *type = mnt_fs_get_swaptype(fs);
		char *dir = NULL, *what;

		if (!file || !type)
			continue;
		if (!strcmp(type, "partition")) {
			dir = block_from_devnode(v, file);
		} else {
			/* a swap file: the device of the filesystem it lives on */
			size_t best = 0, bi = n;

			for (size_t i = 0; i < n; i++) {
				size_t len = strlen(m[i].point);

				if ((!strcmp(m[i].point, "/") || (str_startswith(file, m[i].point) &&
				     file[len] == '/')) && len >= best) {
					best = len;
					bi = i;
				}
			}
			if (bi < n)
				dir = mount_block(v, &m[bi]);
		}
		if (!dir)
			continue;
		what = xasprintf("active swap (%s)", file);
		block_add(v, it, dir, what, 0);
		free(what);
		free(dir);
	}
	mnt_free_iter(itr);
	mnt_unref_table(tb);
	return 0;
}

/* ---- network ---- */

/*
 * A network interface carries traffic when the kernel routes through it
 * (a route of any table, IPv4 or IPv6, but the link-local and multicast
 * ones every interface that is up has, and the local, broadcast and anycast
 * entries an address makes, which count as the address), when it has an
 * address wider than the link, or when an SSH session's local address is
 * on it or the route to its peer leaves through it. Its device carries
 * the traffic of what sits on it too: the bond or bridge it is enslaved
 * to, a VLAN or macvlan on it, and so on up.
 */

static const char *table_name(uint32_t t, char *buf, size_t len)
{
	if (t == RT_TABLE_MAIN)
		return "main";
	if (t == RT_TABLE_LOCAL)
		return "local";
	if (t == RT_TABLE_DEFAULT)
		return "default";
	snprintf(buf, len, "%u", t);
	return buf;
}

static bool v6_linklocal_or_multicast(int family, const uint8_t a[16])
{
	return family == AF_INET6 && (a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80));
}

static bool route_counts(const struct net_route *r)
{
	if (r->type == RTN_LOCAL || r->type == RTN_BROADCAST || r->type == RTN_ANYCAST ||
	    r->type == RTN_MULTICAST)
		return false;
	return !(r->plen && v6_linklocal_or_multicast(r->family, r->dst));
}

static bool addr_counts(const struct net_addr *a)
{
	return a->scope < RT_SCOPE_LINK && !v6_linklocal_or_multicast(a->family, a->addr);
}

/* What link ifindex carries itself ("carries route 10.1.0.0/16 table 100"); NULL: nothing. */
static char *link_traffic(const struct netstate *ns, int ifindex)
{
	char a[INET6_ADDRSTRLEN], p[INET6_ADDRSTRLEN], tb[16];
	char *first = NULL, *out;
	size_t more = 0;

	for (size_t i = 0; i < ns->nssh; i++) {
		const struct net_ssh *s = &ns->ssh[i];
		bool here = s->oif == ifindex;

		for (size_t k = 0; k < ns->naddrs && !here; k++)
			here = ns->addrs[k].ifindex == ifindex && ns->addrs[k].family == s->family &&
			       !memcmp(ns->addrs[k].addr, s->local, s->family == AF_INET ? 4 : 16);
		if (here) {
			inet_ntop(s->family, s->local, a, sizeof(a));
			inet_ntop(s->family, s->peer, p, sizeof(p));
			return xasprintf("carries this SSH session: %s port %u from %s", a, s->lport, p);
		}
	}
	for (size_t i = 0; i < ns->nroutes; i++) {
		const struct net_route *r = &ns->routes[i];
		bool via = false;

		for (size_t k = 0; k < r->noif; k++)
			via |= r->oif[k] == ifindex;
		if (!via || !route_counts(r))
			continue;
		if (first) {
			more++;
			continue;
		}
		inet_ntop(r->family, r->dst, a, sizeof(a));
		if (r->plen)
			first = xasprintf("carries route %s/%u table %s", a, r->plen, table_name(r->table, tb, sizeof(tb)));
		else
			first = xasprintf("carries route default%s table %s", r->family == AF_INET6 ? " (IPv6)" : "",
					  table_name(r->table, tb, sizeof(tb)));
	}
	for (size_t i = 0; i < ns->naddrs; i++) {
		const struct net_addr *ad = &ns->addrs[i];

		if (ad->ifindex != ifindex || !addr_counts(ad))
			continue;
		if (first) {
			more++;
			continue;
		}
		inet_ntop(ad->family, ad->addr, a, sizeof(a));
		first = xasprintf("has address %s/%u", a, ad->plen);
	}
	if (!first || !more)
		return first;
	out = xasprintf("%s, and %zu more route%s or address%s", first, more, more > 1 ? "s" : "",
			more > 1 ? "es" : "");
	free(first);
	return out;
}

/* "member of bond bond0", "parent of vlan eth0.10": how 'to' sits on 'from' */
static char *step_words(const struct net_link *from, const struct net_link *to, bool master)
{
	if (master)
		return xasprintf("member of %s %s", to->kind ? to->kind : "master", to->name);
	return xasprintf("parent of %s %s", to->kind ? to->kind : "device", to->name);
}

/*
 * Why the link carries traffic, itself or through what sits on it, nearest
 * first; NULL: it does not. Breadth first over masters and upper devices.
 */
static char *link_in_use(const struct netstate *ns, const struct net_link *start)
{
	struct node {
		const struct net_link *l;
		int prev;       /* index of the node it was reached from; -1: start */
		bool master;    /* reached as the master of prev */
	} *q = xmalloc((ns->nlinks + 1) * sizeof(*q));
	size_t head = 0, tail = 0;
	char *why = NULL;

	q[tail++] = (struct node){ start, -1, false };
	while (head < tail && !why) {
		size_t cur = head++;
		const struct net_link *l = q[cur].l;
		char *t = link_traffic(ns, l->ifindex);

		if (t) {
			/* the path back to the start, as words */
			struct strv parts = { 0 };
			char *path;

			for (int i = (int)cur; q[i].prev >= 0; i = q[i].prev)
				strv_push_owned(&parts, step_words(q[q[i].prev].l, q[i].l, q[i].master));
			if (!parts.n) {
				why = t;
			} else {
				/* parts run from the far end back: reverse them */
				for (size_t a = 0, b = parts.n - 1; a < b; a++, b--) {
					char *x = parts.v[a];

					parts.v[a] = parts.v[b];
					parts.v[b] = x;
				}
				path = strv_join(&parts, ", ");
				why = xasprintf("%s, which %s", path, t);
				free(path);
				free(t);
			}
			strv_free(&parts);
			break;
		}
		for (size_t i = 0; i < ns->nlinks && tail < ns->nlinks + 1; i++) {
			const struct net_link *n = &ns->links[i];
			bool master = n->ifindex == l->master, upper = n->lower == l->ifindex && n != l;
			bool seen = false;

			if (!master && !upper)
				continue;
			for (size_t k = 0; k < tail; k++)
				seen |= q[k].l == n;
			if (!seen)
				q[tail++] = (struct node){ n, (int)cur, master };
		}
	}
	free(q);
	return why;
}

/* The network interfaces of a device directory: /sys/class/net entries below it. */
static void member_netdevs(struct view *v, const char *mp, const struct strv *all, const struct strv *dirs,
			   struct strv *out)
{
	size_t len = strlen(mp);

	for (size_t i = 0; i < all->n; i++)
		if (dirs->v[i][0] && !strncmp(dirs->v[i], mp, len) && dirs->v[i][len] == '/')
			strv_push(out, all->v[i]);
}

static void hit_add(struct interlock_hit **hits, size_t *nhits, const char *member, char *what)
{
	for (size_t k = 0; k < *nhits; k++)
		if (!strcmp((*hits)[k].member, member) && !strcmp((*hits)[k].what, what)) {
			free(what);
			return;
		}
	*hits = xrealloc(*hits, (*nhits + 1) * sizeof(**hits));
	(*hits)[*nhits].member = xstrdup(member);
	(*hits)[*nhits].what = what;
	(*nhits)++;
}

static int net_check(struct view *v, const struct strv *names, const struct strv *paths,
		     const struct interlock_net *net, struct interlock_hit **hits, size_t *nhits)
{
	struct strv all = { 0 }, dirs = { 0 }, *devs;
	struct netstate own, *ns = NULL;
	bool any = false;
	char *why = NULL;
	int err = 0;

	if (!net || (!net->state && !net->live) || view_list_dir(v, "/sys/class/net", &all))
		return 0;
	for (size_t i = 0; i < all.n; i++) {
		char *link = xasprintf("/sys/class/net/%s", all.v[i]), *r = resolve(v, link);

		strv_push(&dirs, r ? r : "");
		free(r);
		free(link);
	}
	devs = xcalloc(names->n, sizeof(*devs));
	for (size_t m = 0; m < names->n && m < paths->n; m++) {
		member_netdevs(v, paths->v[m], &all, &dirs, &devs[m]);
		any |= devs[m].n > 0;
	}
	if (any && net->state) {
		ns = (struct netstate *)net->state;
	} else if (any) {
		err = netstate_read(&own, net->ssh_connection, &why);
		if (!err)
			ns = &own;
	}
	for (size_t m = 0; any && m < names->n && m < paths->n && err != -ELIBACC; m++) {
		for (size_t d = 0; d < devs[m].n; d++) {
			const char *ifn = devs[m].v[d];
			const struct net_link *l = ns ? netstate_link_by_name(ns, ifn) : NULL;
			char *use;

			if (err) {
				/* no fallback to /proc/net/route: it shows the main table only */
				hit_add(hits, nhits, names->v[m],
					xasprintf("network interface %s, whose traffic cannot be checked (%s)", ifn,
						  why ? why : strerror(-err)));
				continue;
			}
			if (!l) {
				/* sysfs of another network namespace than the one netlink reads */
				hit_add(hits, nhits, names->v[m],
					xasprintf("network interface %s, whose traffic cannot be checked (netlink "
						  "does not show it: another network namespace?)", ifn));
				continue;
			}
			use = link_in_use(ns, l);
			if (use)
				hit_add(hits, nhits, names->v[m], xasprintf("network interface %s (%s)", ifn, use));
			free(use);
		}
	}
	for (size_t m = 0; m < names->n; m++)
		strv_free(&devs[m]);
	free(devs);
	if (ns == &own)
		netstate_free(&own);
	free(why);
	strv_free(&all);
	strv_free(&dirs);
	return err == -ELIBACC ? err : 0;
}

/* ---- console ---- */

static bool fbcon_bound(struct view *v)
{
	struct strv names = { 0 };
	bool bound = false;

	if (view_list_dir(v, "/sys/class/vtconsole", &names))
		return false;
	for (size_t i = 0; i < names.n && !bound; i++) {
		char *name = NULL, *bind = NULL;

		if (!view_read_str(v, &name, "/sys/class/vtconsole/%s/name", names.v[i]) &&
		    !view_read_str(v, &bind, "/sys/class/vtconsole/%s/bind", names.v[i]))
			bound = strstr(name, "frame buffer") && !strcmp(bind, "1");
		free(name);
		free(bind);
	}
	strv_free(&names);
	return bound;
}

static void console_items(struct view *v, struct items *it)
{
	struct strv names = { 0 };

	if (fbcon_bound(v) && !view_list_dir(v, "/sys/class/graphics", &names)) {
		for (size_t i = 0; i < names.n; i++) {
			char *link, *dir, *what;

			if (!str_startswith(names.v[i], "fb"))
				continue;
			link = xasprintf("/sys/class/graphics/%s/device", names.v[i]);
			dir = resolve(v, link);
			if (dir) {
				what = xasprintf("console framebuffer %s", names.v[i]);
				item_add(it, dir, what);
				free(what);
			}
			free(dir);
			free(link);
		}
	}
	strv_free(&names);
	if (view_list_dir(v, "/sys/class/drm", &names))
		return;
	for (size_t i = 0; i < names.n; i++) {
		char *link, *dir, *bootvga = NULL, *what;

		/* card0, not its connectors card0-HDMI-A-1 */
		if (!str_startswith(names.v[i], "card") || strchr(names.v[i], '-'))
			continue;
		link = xasprintf("/sys/class/drm/%s/device", names.v[i]);
		dir = resolve(v, link);
		free(link);
		if (dir && !view_read_str(v, &bootvga, "%s/boot_vga", dir) && !strcmp(bootvga, "1")) {
			what = xasprintf("DRM %s (boot VGA device, the console)", names.v[i]);
			item_add(it, dir, what);
			free(what);
		}
		free(bootvga);
		free(dir);
	}
	strv_free(&names);
}

int interlock_items(struct view *v, struct interlock_item **itemsp, size_t *np)
{
	struct items it = { 0 };
	struct mount *m;
	size_t nm;
	int err = mounts_load(v, &m, &nm);

	if (!err) {
		mounts_items(v, &it, m, nm);
		err = swaps_items(v, &it, m, nm);
		mounts_free(m, nm);
	}
	if (!err)
		console_items(v, &it);
	if (err) {
		interlock_items_free(it.v, it.n);
		it.v = NULL;
		it.n = 0;
	}
	*itemsp = it.v;
	*np = it.n;
	return err;
}

void interlock_items_free(struct interlock_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].path);
		free(items[i].what);
	}
	free(items);
}

int interlock_check(struct view *v, const struct strv *names, const struct strv *paths,
		    const struct interlock_net *net, struct interlock_hit **hits, size_t *nhits)
{
	struct interlock_item *items;
	size_t n;
	int err = interlock_items(v, &items, &n);

	if (err)
		return err;
	for (size_t m = 0; m < names->n && m < paths->n; m++) {
		const char *mp = paths->v[m];
		size_t len = strlen(mp);

		for (size_t i = 0; i < n; i++) {
			if (strncmp(items[i].path, mp, len) ||
			    (items[i].path[len] != '\0' && items[i].path[len] != '/'))
				continue;
			hit_add(hits, nhits, names->v[m], xstrdup(items[i].what));
		}
	}
	interlock_items_free(items, n);
	return net_check(v, names, paths, net, hits, nhits);
}

void interlock_hits_free(struct interlock_hit *hits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hits[i].member);
		free(hits[i].what);
	}
	free(hits);
}
