/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a group's VFIO objects open: the processes with the group's
 * /dev/vfio/N node, a member's VFIO cdev (/dev/vfio/devices/vfioN), or a
 * VFIO device fd obtained another way (VFIO_GROUP_GET_DEVICE_FD gives an
 * anon inode, "anon_inode:[vfio-device]"), tied to its member by the
 * "vfio-device-syspath:" line of /proc/PID/fdinfo/FD (Linux 6.18+). Found
 * through the /proc/PID/fd links and fdinfo files the view shows; only
 * root sees every process. Nothing here prints.
 */
#ifndef IOMMUCTL_HOLDERS_H
#define IOMMUCTL_HOLDERS_H

#include <stddef.h>

struct view;
struct inventory;
struct inv_group;

struct claim_holder {
	long pid;
	char *comm;       /* /proc/PID/comm (at most 64 bytes); NULL: unreadable (it exited) */
	int fd;
	char *node;       /* the node it has open; NULL: a device fd with no node (anon inode) */
	char *device;     /* the member it holds (a cdev's, a device fd's); NULL: the group node */
};

struct claim_holders {
	struct claim_holder *v;
	size_t n;
	size_t unreadable;  /* processes whose fd directory could not be listed (not ours, not root) */
	size_t dropped;     /* holders past CLAIM_HOLDERS_MAX, counted but not kept */
};

/* At most this many holders are kept (a hostile /proc could list millions). */
#define CLAIM_HOLDERS_MAX 4096

/*
 * The holders of g, in pid then fd order: of its VFIO node, its members'
 * cdevs and device fds; with device set, only those that hold that member
 * (its group's node, its own cdevs and device fds). 0, or -errno when
 * /proc cannot be listed (*h is then empty). A process or fd that vanishes
 * during the scan, or whose fdinfo is garbage, is passed over.
 */
int claim_holders_find(struct view *v, const struct inventory *inv, const struct inv_group *g,
		       const char *device, struct claim_holders *h);
void claim_holders_free(struct claim_holders *h);

/* "pid 123 (qemu) holds /dev/vfio/5 (fd 7)", "... holds a device fd of 0000:00:04.0 (fd 9)" */
char *claim_holder_text(const struct claim_holder *h);

#endif
