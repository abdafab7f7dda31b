/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Apply a desired state (desired.h) to the machine as one transaction, and
 * check it: the plan (per IOMMU group: release, type change, claim, or
 * nothing), the refusals that stop everything before the first write
 * (a swapped card, a companion no line authorises, conflicting drivers or
 * types), the run (releases, then types, then claims, through the claim
 * engine and its journals; on a failure every change this run made is
 * undone in reverse order), and the record of what was applied
 * (applied.json: each group's members with their IDs, reserved regions
 * and type) that --check compares after a reboot or an update (drift).
 * Nothing here prints: the outcome is data for the command line.
 */
#ifndef IOMMUCTL_APPLY_H
#define IOMMUCTL_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/desired.h"
#include "core/util.h"

struct view;
struct inventory;

#define APPLY_RECORD_DEFAULT "/var/lib/iommuctl/applied.json"
#define APPLY_RECORD_ENV     "IOMMUCTL_APPLY_RECORD"
#define APPLY_RECORD_FORMAT  "iommuctl-applied"
#define APPLY_RECORD_VERSION 1
/* A record larger than this is not read (a machine's worth of groups is far smaller). */
#define APPLY_RECORD_MAX     (16u << 20)

/* ---- the record ---- */

struct apply_rec_dev {
	char *addr;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code;
	char *driver;             /* as left by the apply; NULL: unbound */
};

struct apply_rec_group {
	char *key;                /* the first device line's address in the group */
	unsigned group;           /* its number then (numbers change across boots: not compared) */
	char *driver;
	char *type;               /* as left; NULL: unknown */
	struct apply_rec_dev *devs;
	size_t ndevs;
	struct inv_resv *resv;
	size_t nresv;
};

struct apply_record {
	char *kernel_release;
	char *source;
	long long updated;
	struct apply_rec_group *groups;
	size_t ngroups;
};

/* -ENOENT: none; other -errno with *why: unreadable or not a record (hostile input is refused). */
int apply_record_read(const char *path, struct apply_record *rec, char **why);
void apply_record_free(struct apply_record *rec);

/* ---- the plan and the run ---- */

enum apply_action {
	APPLY_NONE,               /* as asked already */
	APPLY_CHANGE,             /* a type change and/or a claim */
	APPLY_RELEASE,            /* claimed by an earlier apply, no longer named */
};

struct apply_member {
	char *addr;
	char ids[48];             /* "10de:2204" (subsystem too when known) */
	bool has_class;
	uint32_t class_code;
	const char *class_word;   /* "audio", or NULL */
	/*
	 * "named" (a device line), "companion" (a companion line, or let in by
	 * companions=), "kept" (stays as it is: a bridge, or on the driver
	 * already), "unauthorised" (no line lets it in), "mismatch" (its
	 * companion line expects other IDs), "released"
	 */
	const char *role;
	const char *where;        /* the line naming it, or NULL */
};

struct apply_group {
	unsigned group;
	char *key;                /* the first named device of the group (in file order) */
	enum apply_action action;
	char *driver;             /* the driver asked for */
	char *type_want;          /* NULL: not asked */
	char *type_now;           /* as found */
	bool need_type, need_claim;
	bool done_release, done_type, done_claim;   /* what the run changed (for rollback) */
	struct apply_member *members;
	size_t nmembers;
	struct claim_result claim;   /* the claim's plan (dry run) or result, or the release's */
	struct claim_result type;    /* the type change's result */
	int err;                  /* this group's failure, -errno */
	char *why;                /* ...in one line */
	struct strv problems;     /* refusals found by the plan */
	struct strv drift;        /* differences from the record (check) */
};

struct apply_plan {
	struct apply_group *groups;
	size_t ngroups;
	struct strv problems;     /* refusals not tied to one group (a missing device) */
	struct strv notes;        /* facts worth saying that refuse nothing */
	unsigned nproblems;       /* all refusals, with the groups' */
	unsigned ndrift;          /* all drift items (check) */
	/* the run */
	bool changed;             /* something was changed and left changed */
	bool rolled_back;
	bool rollback_failed;
	struct strv rollback_errors;
	int failed_group;         /* index of the group whose step failed, -1 */
	char *why;                /* the failure in one line */
};

struct apply_opts {
	struct claim_opts claim;  /* state_dir, source, force, settle, step callback; driver unused */
	const char *record;       /* applied.json path */
	bool dry_run;
};

/*
 * The record path: path, else $IOMMUCTL_APPLY_RECORD, else for a
 * --sysfs-root tree STATE_DIR/applied.json, else /var/lib/iommuctl/applied.json.
 */
char *apply_record_path(const char *path, bool tree, const char *state_dir);

/*
 * Plan: compare the desired state with the machine (inv, read through v)
 * and the record (rec, or NULL). Never writes. Returns 0 (p->nproblems
 * says whether the run would be refused).
 */
int apply_plan_make(struct view *v, const struct inventory *inv, const struct desired *d,
		    const struct apply_record *rec, const struct apply_opts *o, struct apply_plan *p);

/*
 * Check: the plan plus drift: each item that keeps the machine from
 * matching the desired state and the record goes into the groups' drift
 * (and problems). Never writes. 0, or -errno when the machine could not
 * be read.
 */
int apply_check(struct view *v, const struct inventory *inv, const struct desired *d,
		const struct apply_record *rec, struct apply_plan *p);

/*
 * Run a plan made by apply_plan_make with no problems: releases, type
 * changes, claims, in that order; on a failure, undo every change of this
 * run in reverse order. 0 on success (then the record is written when its
 * content changed: *record_written); -errno of the failed step otherwise
 * (p->failed_group, p->why, p->rolled_back / rollback_failed).
 */
int apply_run(struct view *v, const struct inventory *inv, const struct desired *d,
	      const struct apply_opts *o, struct apply_plan *p, bool *record_written);

/* The record text for the state the plan leaves (for apply_run and tests). */
char *apply_record_text(struct view *v, const struct inventory *inv, const struct apply_plan *p);

void apply_plan_free(struct apply_plan *p);

/* ---- the udev hook ---- */

struct apply_hook_result {
	char *addr;               /* canonical */
	char ids[48];             /* as found */
	char *line;               /* FILE:LINE of the line that decided, or NULL */
	char *driver;             /* the driver_override it holds the device for; NULL: none */
	bool wrote;               /* driver_override was written now */
	char *why;                /* what was done, or why not, in one line */
};

/*
 * What a udev rule runs when a PCI device appears (iommuctl-apply(8)):
 * when a line names addr (or lets it in as a companion of a named device
 * in its group) and its IDs are the line's, and nothing is bound to it
 * yet, write its driver_override so that no host driver can bind it, and
 * leave the marker ADDR.held in STATE/claims (claim_devstate.probe). Reads
 * only what it needs (no inventory): it runs once per device at boot.
 * 0 (hr->driver NULL: not named, nothing to do); -EPERM when the IDs
 * differ (a swapped card: left alone, hr->why); -EBUSY when a driver is
 * bound already (apply claims it later); other -errno.
 */
int apply_hook(struct view *v, const struct desired *d, const char *addr, const char *state_dir,
	       struct apply_hook_result *hr);
void apply_hook_free(struct apply_hook_result *hr);

#endif
