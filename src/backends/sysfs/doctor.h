/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * doctor: is this machine ready for VFIO, and if not, what to change. A
 * list of checks, each with an area, a verdict, the evidence (the file it
 * read and the value found) and the fix, gathered through the view only
 * (the machine, a --sysfs-root tree, a snapshot), so that `snapshot save`
 * records what it reads by running it on the recording view. The one fact
 * not read through the view is whether the user can open the VFIO nodes
 * (access(2), the running machine only; opts->live).
 */
#ifndef IOMMUCTL_DOCTOR_H
#define IOMMUCTL_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

struct view;

enum doctor_verdict { DOCTOR_OK = 0, DOCTOR_WARN, DOCTOR_FAIL, DOCTOR_UNKNOWN, DOCTOR_NVERDICTS };
enum doctor_area { DOCTOR_FIRMWARE = 0, DOCTOR_KERNEL, DOCTOR_VFIO, DOCTOR_GROUPS, DOCTOR_NAREAS };

struct doctor_check {
	char *id;                 /* "firmware.table", "group.5" */
	enum doctor_area area;
	enum doctor_verdict verdict;
	char *name;               /* short title: "IOMMU enabled" */
	char *evidence;           /* the file(s) read and the value(s) found */
	char *fix;                /* what to change; NULL when ok or nothing to do */
	bool live_only;           /* depends on the running machine (access(2)) */
};

struct doctor {
	struct doctor_check *checks;
	size_t n;
	size_t count[DOCTOR_NVERDICTS];
};

struct doctor_opts {
	bool live;                /* the running machine: access(2) on the nodes */
};

/* "ok", "warn", "fail", "unknown" / "firmware", "kernel", "vfio", "groups". */
const char *doctor_verdict_name(enum doctor_verdict v);
const char *doctor_area_name(enum doctor_area a);

/*
 * Run every check on v. Returns 0, or -errno only when nothing could be
 * read at all; a part of the source that cannot be read is a check with
 * verdict unknown.
 */
int doctor_gather(struct view *v, const struct doctor_opts *opts, struct doctor *d);
void doctor_release(struct doctor *d);

/* Pure helpers, exposed for tests. */
/* The value of word NAME= in a kernel command line (malloc'd), "" for a bare NAME, NULL: absent. */
char *doctor_cmdline_value(const char *cmdline, const char *name);
/* Whether /proc/interrupts text shows remapped (IR-) or isolated (ITS-) MSIs: 1 remapped, 2 ITS, 0 neither. */
int doctor_interrupts_isolated(const char *text);

#endif
