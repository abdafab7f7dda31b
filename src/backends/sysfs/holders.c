/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a group's VFIO objects open (see holders.h): every
 * /proc/PID/fd link is read through the view and compared with the
 * group's node and its members' cdevs; a link to an anonymous VFIO device
 * file has its /proc/PID/fdinfo/FD read for the kernel's
 * "vfio-device-syspath:" line (Linux 6.18+), whose last component names
 * the device. /proc is a moving target and, on a --sysfs-root tree or in
 * a test, untrusted: names that are not numbers are passed over, and so is
 * whatever vanishes or cannot be read on the way.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/holders.h"
#include "backends/sysfs/inventory.h"
#include "core/util.h"
#include "core/view.h"

/* What /proc/PID/fd shows for a device fd that VFIO_GROUP_GET_DEVICE_FD made. */
#define ANON_VFIO_DEVICE "anon_inode:[vfio-device]"
#define SYSPATH_TAG      "vfio-device-syspath:"
#define COMM_MAX         64

/* The nodes to look for, each with the member it stands for (NULL: the group node). */
struct wanted {
	struct strv nodes;
	struct strv node_devs;    /* "" for the group node */
	struct strv members;      /* the members a device fd may name */
};

/* A /proc name that is a number as the kernel writes it: decimal, no sign, no leading zero but "0". */
static bool proc_number(const char *s, long max, long *out)
{
	size_t len = strlen(s);
	long v = 0;

	if (!len || len > 10 || strspn(s, "0123456789") != len || (s[0] == '0' && len > 1))
		return false;
	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	if (v > max)
		return false;
	*out = v;
	return true;
}

/*
 * The member a device fd's fdinfo names, or NULL: the first line that
 * starts with the tag, its value a path under /sys whose last component
 * is one of the members. Anything else (no such line, a value that is
 * empty, relative, or names no member) ties the fd to nothing.
 */
static const char *fdinfo_member(const char *text, const struct strv *members)
{
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);

		if (len > strlen(SYSPATH_TAG) && !strncmp(p, SYSPATH_TAG, strlen(SYSPATH_TAG))) {
			const char *val = p + strlen(SYSPATH_TAG), *end = p + len, *base;

			while (val < end && (*val == ' ' || *val == '\t'))
				val++;
			while (end > val && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
				end--;
			if (end - val < 6 || strncmp(val, "/sys/", 5))
				return NULL;
			for (base = end; base > val && base[-1] != '/'; base--)
				;
			for (size_t i = 0; i < members->n; i++)
				if (strlen(members->v[i]) == (size_t)(end - base) &&
				    !memcmp(base, members->v[i], (size_t)(end - base)))
					return members->v[i];
			return NULL;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static char *comm_read(struct view *v, long pid)
{
	char *comm = NULL;

	if (view_read_str(v, &comm, "/proc/%ld/comm", pid))
		return NULL;
	comm[strcspn(comm, "\n")] = '\0';
	if (strlen(comm) > COMM_MAX)
		comm[COMM_MAX] = '\0';
	return comm;
}

static void holder_add(struct claim_holders *h, long pid, const char *comm, int fd, const char *node,
		       const char *device)
{
	struct claim_holder *x;

	if (h->n >= CLAIM_HOLDERS_MAX) {
		h->dropped++;
		return;
	}
	h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
	x = &h->v[h->n++];
	x->pid = pid;
	x->comm = comm ? xstrdup(comm) : NULL;
	x->fd = fd;
	x->node = node ? xstrdup(node) : NULL;
	x->device = device && *device ? xstrdup(device) : NULL;
}

/* The holders among one process's fds. */
static void scan_pid(struct view *v, long pid, const struct wanted *w, struct claim_holders *h)
{
	struct strv fds = { 0 };
	char *fddir = xasprintf("/proc/%ld/fd", pid), *comm = NULL;
	bool comm_read_done = false;
	int err = view_list_dir(v, fddir, &fds);

	if (err) {
		/* gone since /proc was listed (or never a process): nothing it holds */
		if (err != -ENOENT && err != -ESRCH && err != -ENOTDIR)
			h->unreadable++;
		free(fddir);
		return;
	}
	for (size_t k = 0; k < fds.n; k++) {
		const char *node = NULL, *dev = NULL;
		char *link, *target = NULL;
		long fd;

		if (!proc_number(fds.v[k], INT_MAX, &fd))
			continue;
		link = xasprintf("%s/%s", fddir, fds.v[k]);
		if (view_read_link(v, link, &target)) {
			free(link);
			continue;   /* closed (or the process exited) meanwhile */
		}
		free(link);
		for (size_t i = 0; i < w->nodes.n && !node; i++)
			if (!strcmp(target, w->nodes.v[i])) {
				node = w->nodes.v[i];
				dev = w->node_devs.v[i];
			}
		if (!node && w->members.n && !strcmp(target, ANON_VFIO_DEVICE)) {
			char *info = NULL;

			if (!view_read_str(v, &info, "/proc/%ld/fdinfo/%ld", pid, fd))
				dev = fdinfo_member(info, &w->members);
			free(info);
		}
		free(target);
		if (!node && !dev)
			continue;
		if (!comm_read_done) {
			comm = comm_read(v, pid);
			comm_read_done = true;
		}
		holder_add(h, pid, comm, (int)fd, node, dev);
	}
	free(comm);
	strv_free(&fds);
	free(fddir);
}

int claim_holders_find(struct view *v, const struct inventory *inv, const struct inv_group *g,
		       const char *device, struct claim_holders *h)
{
	struct wanted w = { 0 };
	struct strv pids = { 0 };
	int err = 0;

	memset(h, 0, sizeof(*h));
	if (g->vfio_node) {
		strv_push(&w.nodes, g->vfio_node);
		strv_push(&w.node_devs, "");
	}
	for (size_t i = 0; i < g->members.n; i++) {
		const struct inv_device *d = inventory_device(inv, g->members.v[i]);

		if (device && strcmp(device, g->members.v[i]))
			continue;
		strv_push(&w.members, g->members.v[i]);
		for (size_t k = 0; d && k < d->vfio_cdevs.n; k++) {
			strv_push_owned(&w.nodes, xasprintf("/dev/vfio/devices/%s", d->vfio_cdevs.v[k]));
			strv_push(&w.node_devs, g->members.v[i]);
		}
	}
	/* nothing to hold open: a group without a VFIO node or cdev has no VFIO user */
	if (!w.nodes.n)
		goto out;
	err = view_list_dir(v, "/proc", &pids);
	if (err)
		goto out;
	for (size_t i = 0; i < pids.n; i++) {
		long pid;

		if (proc_number(pids.v[i], INT_MAX, &pid) && pid > 0)
			scan_pid(v, pid, &w, h);
	}
out:
	strv_free(&pids);
	strv_free(&w.nodes);
	strv_free(&w.node_devs);
	strv_free(&w.members);
	return err;
}

void claim_holders_free(struct claim_holders *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].comm);
		free(h->v[i].node);
		free(h->v[i].device);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

char *claim_holder_text(const struct claim_holder *h)
{
	if (h->node)
		return xasprintf("pid %ld (%s) holds %s (fd %d)", h->pid, h->comm ? h->comm : "?", h->node, h->fd);
	return xasprintf("pid %ld (%s) holds a device fd of %s (fd %d)", h->pid, h->comm ? h->comm : "?",
			 h->device ? h->device : "?", h->fd);
}
