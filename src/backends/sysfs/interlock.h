/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safety interlocks: does a group about to lose its drivers hold what keeps
 * this machine alive or reachable? The root (and /boot, /usr, /var)
 * filesystem's disk, an active swap device, a network interface with routes
 * or carrying the current SSH session, the console framebuffer or boot VGA
 * DRM device. Everything is read through the view (/proc/self/mountinfo,
 * /proc/swaps, /proc/net/..., /sys/class/...), so tests can fake it.
 */
#ifndef IOMMUCTL_INTERLOCK_H
#define IOMMUCTL_INTERLOCK_H

#include <stddef.h>

struct view;
struct strv;

struct interlock_hit {
	char *member;     /* the group member ("0000:00:05.0") */
	char *what;       /* "root filesystem (/ on /dev/vda1)", "eth0 (has routes)" */
};

/* Something the machine depends on, and the sysfs device directory behind it. */
struct interlock_item {
	char *path;       /* resolved /sys/devices/... of the device (or a child of it) */
	char *what;
};

/*
 * Gather every critical item the view shows. ssh_connection is the value
 * of $SSH_CONNECTION ("client cport server sport") or NULL.
 */
void interlock_items(struct view *v, const char *ssh_connection, struct interlock_item **items,
		     size_t *nitems);
void interlock_items_free(struct interlock_item *items, size_t n);

/*
 * Which of the members (names[i] with resolved sysfs directory paths[i])
 * are, or are ancestors of, a critical item. Appends to *hits.
 */
void interlock_check(struct view *v, const struct strv *names, const struct strv *paths,
		     const char *ssh_connection, struct interlock_hit **hits, size_t *nhits);
void interlock_hits_free(struct interlock_hit *hits, size_t n);

#endif
