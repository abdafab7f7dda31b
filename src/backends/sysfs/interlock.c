/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safety interlocks (see interlock.h): map mounts, swaps, routed network
 * interfaces, the SSH session and the console to the sysfs device
 * directories behind them, following dm/md slaves and bond/bridge/vlan
 * lower devices, so that a member that is (an ancestor of) one is caught.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/interlock.h"
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

/* Unescape mountinfo's octal escapes ("\040" for a space) in place. */
static void unoctal(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static void mounts_load(struct view *v, struct mount **mp, size_t *np)
{
	char *text = NULL, *save = NULL;
	struct mount *m = NULL;
	size_t n = 0;

	if (!view_read_file(v, "/proc/self/mountinfo", &text, NULL)) {
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *f[8] = { 0 }, *sep = strstr(line, " - "), *s2 = NULL;
			int k = 0;

			if (!sep)
				continue;
			*sep = '\0';
			for (char *t = strtok_r(line, " ", &s2); t && k < 5; t = strtok_r(NULL, " ", &s2))
				f[k++] = t;
			if (k < 5)
				continue;
			s2 = NULL;
			f[5] = strtok_r(sep + 3, " ", &s2);   /* fstype */
			f[6] = f[5] ? strtok_r(NULL, " ", &s2) : NULL; /* source */
			m = xrealloc(m, (n + 1) * sizeof(*m));
			m[n].majmin = xstrdup(f[2]);
			m[n].point = xstrdup(f[4]);
			unoctal(m[n].point);
			m[n].source = xstrdup(f[6] ? f[6] : "");
			unoctal(m[n].source);
			n++;
		}
	} else if (!view_read_file(v, "/proc/mounts", &text, NULL)) {
		for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *s2 = NULL, *src = strtok_r(line, " ", &s2), *pt = strtok_r(NULL, " ", &s2);

			if (!src || !pt)
				continue;
			m = xrealloc(m, (n + 1) * sizeof(*m));
			m[n].majmin = xstrdup("");
			m[n].point = xstrdup(pt);
			unoctal(m[n].point);
			m[n].source = xstrdup(src);
			n++;
		}
	}
	free(text);
	*mp = m;
	*np = n;
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

static void swaps_items(struct view *v, struct items *it, const struct mount *m, size_t n)
{
	char *text = NULL, *save = NULL;
	bool first = true;

	if (view_read_file(v, "/proc/swaps", &text, NULL))
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *file = strtok_r(line, " \t", &s2), *type = strtok_r(NULL, " \t", &s2);
		char *dir = NULL, *what;

		if (first) {  /* "Filename Type Size Used Priority" */
			first = false;
			continue;
		}
		if (!file || !type)
			continue;
		unoctal(file);
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
	free(text);
}

/* ---- network ---- */

/* An interface's device directory and, through lower_* links, the devices under it. */
static void net_add(struct view *v, struct items *it, const char *ifname, const char *what, int depth)
{
	char *link = xasprintf("/sys/class/net/%s", ifname), *dir = resolve(v, link);
	struct strv names = { 0 };

	free(link);
	if (!dir || depth > MAX_DEPTH) {
		free(dir);
		return;
	}
	item_add(it, dir, what);
	if (!view_list_dir(v, dir, &names))
		for (size_t i = 0; i < names.n; i++)
			if (str_startswith(names.v[i], "lower_"))
				net_add(v, it, names.v[i] + 6, what, depth + 1);
	strv_free(&names);
	free(dir);
}

struct route4 {
	char *ifname;
	uint32_t dest, mask;  /* network byte order, as /proc/net/route prints them */
};

static void routes4_load(struct view *v, struct route4 **rp, size_t *np)
{
	char *text = NULL, *save = NULL;
	struct route4 *r = NULL;
	size_t n = 0;
	bool first = true;

	if (view_read_file(v, "/proc/net/route", &text, NULL)) {
		*rp = NULL;
		*np = 0;
		return;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ifname[64];
		unsigned int dest, gw, flags, refcnt, use, metric, mask;

		if (first) {
			first = false;
			continue;
		}
		if (sscanf(line, "%63s %x %x %x %u %u %u %x", ifname, &dest, &gw, &flags, &refcnt, &use,
			   &metric, &mask) != 8)
			continue;
		r = xrealloc(r, (n + 1) * sizeof(*r));
		r[n].ifname = xstrdup(ifname);
		r[n].dest = dest;
		r[n].mask = mask;
		n++;
	}
	free(text);
	*rp = r;
	*np = n;
}

struct route6 {
	char *ifname;
	char dest[33];
	unsigned int plen;
};

static void routes6_load(struct view *v, struct route6 **rp, size_t *np)
{
	char *text = NULL, *save = NULL;
	struct route6 *r = NULL;
	size_t n = 0;

	if (view_read_file(v, "/proc/net/ipv6_route", &text, NULL)) {
		*rp = NULL;
		*np = 0;
		return;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dest[33], src[33], nh[33], ifname[64];
		unsigned int plen, slen, metric, refcnt, use, flags;

		if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %63s", dest, &plen, src, &slen, nh,
			   &metric, &refcnt, &use, &flags, ifname) != 10)
			continue;
		r = xrealloc(r, (n + 1) * sizeof(*r));
		r[n].ifname = xstrdup(ifname);
		memcpy(r[n].dest, dest, sizeof(dest));
		r[n].plen = plen;
		n++;
	}
	free(text);
	*rp = r;
	*np = n;
}

/* Link-local and multicast routes exist on every interface that is up: they say nothing. */
static bool route6_meaningful(const struct route6 *r)
{
	return strncmp(r->dest, "fe80", 4) && strncmp(r->dest, "ff", 2);
}

/* 32 hex digits -> 16 bytes */
static bool hex16(const char *s, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return false;
		out[i] = (uint8_t)b;
	}
	return true;
}

static bool prefix6_match(const uint8_t a[16], const uint8_t b[16], unsigned int plen)
{
	unsigned int full = plen / 8, rem = plen % 8;

	if (plen > 128 || memcmp(a, b, full))
		return false;
	return !rem || ((a[full] ^ b[full]) & (uint8_t)(0xff << (8 - rem))) == 0;
}

/* The interface routes (and, v6, local addresses) say addr goes through; NULL if none. */
static const char *ssh_iface(struct view *v, const char *addr, const struct route4 *r4, size_t n4,
			     const struct route6 *r6, size_t n6, char **owned)
{
	struct in_addr a4;
	uint8_t a6[16];
	const char *best = NULL;

	*owned = NULL;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		int bestlen = -1;

		for (size_t i = 0; i < n4; i++) {
			int len = __builtin_popcount(r4[i].mask);

			if ((a4.s_addr & r4[i].mask) == (r4[i].dest & r4[i].mask) && len > bestlen) {
				bestlen = len;
				best = r4[i].ifname;
			}
		}
		return best;
	}
	if (inet_pton(AF_INET6, addr, a6) == 1) {
		char *text = NULL, *save = NULL;
		int bestlen = -1;

		/* an address of this machine: its interface */
		if (!view_read_file(v, "/proc/net/if_inet6", &text, NULL)) {
			for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
				char hex[33], ifname[64];
				unsigned int idx, plen, scope, flags;
				uint8_t b[16];

				if (sscanf(line, "%32s %x %x %x %x %63s", hex, &idx, &plen, &scope, &flags,
					   ifname) == 6 && hex16(hex, b) && !memcmp(a6, b, 16) &&
				    strcmp(ifname, "lo")) {
					*owned = xstrdup(ifname);
					break;
				}
			}
			free(text);
			if (*owned)
				return *owned;
		}
		for (size_t i = 0; i < n6; i++) {
			uint8_t d[16];

			if (hex16(r6[i].dest, d) && prefix6_match(a6, d, r6[i].plen) &&
			    (int)r6[i].plen > bestlen && strcmp(r6[i].ifname, "lo")) {
				bestlen = (int)r6[i].plen;
				best = r6[i].ifname;
			}
		}
	}
	return best;
}

static void net_items(struct view *v, struct items *it, const char *ssh)
{
	struct route4 *r4;
	struct route6 *r6;
	size_t n4, n6;
	struct strv done = { 0 };

	routes4_load(v, &r4, &n4);
	routes6_load(v, &r6, &n6);
	if (ssh) {
		/* "client_ip client_port server_ip server_port" */
		char cip[64], sip[64];
		unsigned int cport, sport;

		if (sscanf(ssh, "%63s %u %63s %u", cip, &cport, sip, &sport) == 4) {
			const char *ips[2] = { sip, cip };

			for (int k = 0; k < 2; k++) {
				char *owned, *what;
				const char *ifn = ssh_iface(v, ips[k], r4, n4, r6, n6, &owned);

				if (ifn && !strv_contains(&done, ifn)) {
					what = xasprintf("network interface %s (carries this SSH session)", ifn);
					net_add(v, it, ifn, what, 0);
					strv_push(&done, ifn);
					free(what);
				}
				free(owned);
			}
		}
	}
	for (size_t i = 0; i < n4 + n6; i++) {
		const char *ifn = i < n4 ? r4[i].ifname : r6[i - n4].ifname;
		char *what;

		if (!strcmp(ifn, "lo") || strv_contains(&done, ifn))
			continue;
		if (i >= n4 && !route6_meaningful(&r6[i - n4]))
			continue;
		what = xasprintf("network interface %s (has routes)", ifn);
		net_add(v, it, ifn, what, 0);
		strv_push(&done, ifn);
		free(what);
	}
	for (size_t i = 0; i < n4; i++)
		free(r4[i].ifname);
	for (size_t i = 0; i < n6; i++)
		free(r6[i].ifname);
	free(r4);
	free(r6);
	strv_free(&done);
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

void interlock_items(struct view *v, const char *ssh, struct interlock_item **itemsp, size_t *np)
{
	struct items it = { 0 };
	struct mount *m;
	size_t nm;

	mounts_load(v, &m, &nm);
	mounts_items(v, &it, m, nm);
	swaps_items(v, &it, m, nm);
	mounts_free(m, nm);
	net_items(v, &it, ssh && *ssh ? ssh : NULL);
	console_items(v, &it);
	*itemsp = it.v;
	*np = it.n;
}

void interlock_items_free(struct interlock_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].path);
		free(items[i].what);
	}
	free(items);
}

void interlock_check(struct view *v, const struct strv *names, const struct strv *paths,
		     const char *ssh, struct interlock_hit **hits, size_t *nhits)
{
	struct interlock_item *items;
	size_t n;

	interlock_items(v, ssh, &items, &n);
	for (size_t m = 0; m < names->n && m < paths->n; m++) {
		const char *mp = paths->v[m];
		size_t len = strlen(mp);

		for (size_t i = 0; i < n; i++) {
			bool dup = false;

			if (strncmp(items[i].path, mp, len) ||
			    (items[i].path[len] != '\0' && items[i].path[len] != '/'))
				continue;
			for (size_t k = 0; k < *nhits; k++)
				dup |= !strcmp((*hits)[k].member, names->v[m]) &&
				       !strcmp((*hits)[k].what, items[i].what);
			if (dup)
				continue;
			*hits = xrealloc(*hits, (*nhits + 1) * sizeof(**hits));
			(*hits)[*nhits].member = xstrdup(names->v[m]);
			(*hits)[*nhits].what = xstrdup(items[i].what);
			(*nhits)++;
		}
	}
	interlock_items_free(items, n);
}

void interlock_hits_free(struct interlock_hit *hits, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(hits[i].member);
		free(hits[i].what);
	}
	free(hits);
}
