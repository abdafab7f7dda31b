/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safety interlocks: does a group about to lose its drivers hold what keeps
 * this machine alive or reachable? The root (and /boot, /usr, /var)
 * filesystem's disk, an active swap device, a network interface that
 * carries traffic (a route of any table, an address, the SSH session, or
 * that through the bond, bridge or VLAN on it), the console framebuffer or
 * boot VGA DRM device. Mounts, swaps and devices are read through the view
 * (/proc/self/mountinfo and /proc/swaps with libmount, /sys/class/...), so
 * tests can fake them; the network through netlink (netstate.h), on the
 * running machine only.
 */
#ifndef IOMMUCTL_INTERLOCK_H
#define IOMMUCTL_INTERLOCK_H

#include <stdbool.h>
#include <stddef.h>

struct view;
struct strv;
struct netstate;

struct interlock_hit {
	char *member;     /* the group member ("0000:00:05.0") */
	char *what;       /* "root filesystem (/ on /dev/vda1)",
			     "network interface eth0 (carries route 10.1.0.0/16 table 100)" */
};

/* Something the machine depends on, and the sysfs device directory behind it. */
struct interlock_item {
	char *path;       /* resolved /sys/devices/... of the device (or a child of it) */
	char *what;
};

/* Where the network interlock reads the network from. */
struct interlock_net {
	/* this network namespace, through netlink (the view is the running machine) */
	bool live;
	/* or this state (tests); neither: a tree, which has no network */
	const struct netstate *state;
	const char *ssh_connection;   /* $SSH_CONNECTION ("client cport server sport") or NULL */
};

/*
 * Gather the critical mounts, swaps and console devices the view shows.
 * 0, or -ELIBACC when libmount cannot be loaded (dlib_error()).
 */
int interlock_items(struct view *v, struct interlock_item **items, size_t *nitems);
void interlock_items_free(struct interlock_item *items, size_t n);

/*
 * Which of the members (names[i] with resolved sysfs directory paths[i])
 * are, or are ancestors of, a critical item, or have a network interface
 * that carries traffic (net; NULL: not looked at). Appends to *hits; a
 * network that cannot be read is a hit too, naming why. 0, or -ELIBACC
 * when libmount or libnl-route-3 cannot be loaded (dlib_error()).
 */
int interlock_check(struct view *v, const struct strv *names, const struct strv *paths,
		    const struct interlock_net *net, struct interlock_hit **hits, size_t *nhits);
void interlock_hits_free(struct interlock_hit *hits, size_t n);

#endif
