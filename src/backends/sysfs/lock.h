/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where journals and locks live, the per-group lock, and the prologue that
 * every change of a group (claim, release, type) starts with: the group's
 * key (its lowest member address) names the journal and the lock, and the
 * lock is taken before any state is read, so a second invocation fails at
 * once with "busy" instead of racing the first.
 */
#ifndef IOMMUCTL_CLAIM_LOCK_H
#define IOMMUCTL_CLAIM_LOCK_H

#include "backends/sysfs/claim.h"

/* STATE_DIR/claims, where journals and locks are kept. */
char *claim_claims_dir(const char *state_dir);
/* r->journal and r->lock from r->key. */
void claim_paths_set(const char *state_dir, struct claim_result *r);

/* Open and flock (non-blocking) the group's lock in state_dir; fd or -errno (-EBUSY). */
int claim_lock(const char *state_dir, struct claim_result *r, char **why);
void claim_unlock(int fd);

/*
 * The prologue: r->group, r->key, r->journal and r->lock for g, then,
 * unless opts->dry_run, the lock, into *lockfd (-1 when none was taken;
 * claim_unlock(*lockfd) ends what this began). 0, or -errno with r->why
 * set: -ENODEV for a group without devices, -EBUSY while another
 * invocation holds the lock.
 */
int claim_begin(const struct claim_opts *opts, const struct inv_group *g, struct claim_result *r,
		int *lockfd);

#endif
