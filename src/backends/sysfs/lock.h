/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where journals and locks live, the per-group lock, and the prologue that
 * every change of a group (claim, release, type) starts with: the group's
 * key (its lowest member address) names the journal and the lock, and the
 * lock is taken before any state is read, so a second invocation fails at
 * once with "busy" instead of racing the first. The state directory is
 * opened once and checked (no link, not another user's, not writable by
 * others); every file under it is reached relative to that descriptor.
 */
#ifndef IOMMUCTL_CLAIM_LOCK_H
#define IOMMUCTL_CLAIM_LOCK_H

#include <stdbool.h>
#include <sys/stat.h>

#include "backends/sysfs/claim.h"

/* STATE_DIR/claims, where journals and locks are kept. */
char *claim_claims_dir(const char *state_dir);
/* r->journal and r->lock from r->key. */
void claim_paths_set(const char *state_dir, struct claim_result *r);

/* The parents of path, as mkdir -p makes them (0755); path itself is the caller's. 0 or -errno. */
int claim_mkdir_parents(const char *path);

/*
 * Open STATE_DIR/claims (O_DIRECTORY|O_NOFOLLOW) into *dirfd, after checking
 * that neither it nor the state directory is a symbolic link, belongs to
 * another user than the effective one (root aside), or is writable by group
 * or others. With create, what is missing is made (0755, whatever the
 * umask); without, a missing directory gives -ENOENT. -EPERM (unsafe) or
 * another -errno with *why saying what to fix.
 */
int claim_state_open(const char *state_dir, bool create, int *dirfd, char **why);

/*
 * The same checks for a file under the claims directory, opened by the
 * caller with O_NOFOLLOW: a regular file of the effective user (or root),
 * not writable by group or others. what names it ("lock", "journal").
 * 0, or -EPERM with *why.
 */
int claim_file_check(const struct stat *st, const char *what, const char *path, char **why);

/* Open and flock (non-blocking) the group's lock in the claims directory; fd or -errno (-EBUSY). */
int claim_lock(int dirfd, struct claim_result *r, char **why);
void claim_unlock(int fd);

/* What a change holds while it runs: the claims directory and the lock. */
struct claim_hold {
	int dir;      /* the checked claims directory; -1 when a dry run found none */
	int lock;     /* the flocked lock; -1 when none was taken (dry run) */
};

/*
 * The prologue: r->group, r->key, r->source, r->journal and r->lock for g,
 * the claims directory (made unless opts->dry_run, checked always), then,
 * unless opts->dry_run, the lock. 0, or -errno with r->why set: -ENODEV for
 * a group without devices, -EPERM for an unsafe state directory, -EBUSY
 * while another invocation holds the lock. claim_end(h) ends what this
 * began, also after a failure.
 */
int claim_begin(const struct claim_opts *opts, const struct inv_group *g, struct claim_result *r,
		struct claim_hold *h);
void claim_end(struct claim_hold *h);

#endif
