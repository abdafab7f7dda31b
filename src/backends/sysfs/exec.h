/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The execution engine that claim, release and type changes share: a
 * transaction moves one device at a time (driver_override, unbind,
 * drivers_probe, bind), records every write and every verification as a
 * step of the result, and puts the members it touched back on failure.
 */
#ifndef IOMMUCTL_CLAIM_EXEC_H
#define IOMMUCTL_CLAIM_EXEC_H

#include <stdbool.h>
#include <string.h>

#include "backends/sysfs/claim.h"

static inline bool claim_streq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static inline const char *claim_or_none(const char *s)
{
	return s ? s : "(none)";
}

struct claim_txn {
	struct view *v;
	const struct claim_opts *opts;
	struct claim_result *r;
	const char *phase;        /* recorded in each step: "claim", "release", "type", ... */
	int dir;                  /* the claims directory (struct claim_hold), for the journals */
	int settle_ms;
	/* After each successful write, before the step callback: the journal's update. */
	int (*after_write)(struct claim_txn *t, const struct claim_step *s);
	void *priv;
};

void claim_txn_init(struct claim_txn *t, struct view *v, const struct claim_opts *opts,
		    struct claim_result *r);

/*
 * A driver or bus name that may be written to driver_override or put into
 * a sysfs path: [A-Za-z0-9_.-], 1 to 64 characters, not starting with a dot.
 */
bool claim_name_valid(const char *s);
/* s for a one-line message: quoted, control bytes as \xNN, long ones cut (malloc'd). */
char *claim_name_quote(const char *s);

int claim_devstate_read(struct view *v, const char *bus, const char *addr,
			struct claim_devstate *st);
void claim_devstate_free(struct claim_devstate *st);
void claim_devstate_copy(struct claim_devstate *dst, const struct claim_devstate *src);

/*
 * A step that is not a write (a verification: n stays 0), appended to the
 * result; claim_txn_step_done hands it to the step callback once complete.
 */
struct claim_step *claim_txn_step(struct claim_txn *t, const char *device, const char *op,
				  const char *path, const char *value);
void claim_txn_step_done(struct claim_txn *t, struct claim_step *s);
/* A write through the view, recorded and counted as the next step. */
int claim_txn_write(struct claim_txn *t, const char *device, const char *op, const char *path,
		    const char *value);
/*
 * Move one device to state want (unbind, override, probe, bind as needed);
 * -EINVAL, before any write, when a name in want is not claim_name_valid().
 */
int claim_txn_apply(struct claim_txn *t, struct claim_member *m, const struct claim_devstate *want);
/* Put every touched member back to m->before, in reverse order; collects errors. */
void claim_txn_rollback(struct claim_txn *t);
/* Wait for the VFIO group node devtmpfs creates after a bind: a verification step. */
void claim_txn_wait_vfio_node(struct claim_txn *t);

/*
 * Whether a change can act on g's members: 0, or -ENODATA when they are not
 * all known (not listed, or more than are read) and -ENODEV when there are
 * none, with the reason in r->why.
 */
int claim_members_check(const struct inv_group *g, struct claim_result *r);
/* Members of g with their current state and resolved paths (action KEEP). */
int claim_members_load(struct view *v, const struct inventory *inv, const struct inv_group *g,
		       struct claim_result *r);
void claim_member_free(struct claim_member *m);
/* Forget the members (a release that follows a type recovery loads them again). */
void claim_members_clear(struct claim_result *r);
/* Every member's state as it is now, into m->after. */
void claim_members_read_after(struct view *v, struct claim_result *r);

#endif
