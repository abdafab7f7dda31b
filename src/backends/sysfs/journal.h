/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Journals: what a change must be able to undo, written atomically before
 * its first write and after every write since, so that a later 'group
 * release' can finish or undo it after a failure, a crash or kill -9.
 * KEY.json records a claim (the drivers to return to), KEY.type.json an
 * unfinished type change (the type and the drivers to return to).
 */
#ifndef IOMMUCTL_CLAIM_JOURNAL_H
#define IOMMUCTL_CLAIM_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/sysfs/claim.h"

struct claim_txn;

/* Bounds of a journal of ours; anything beyond is refused unread. */
#define CLAIM_JOURNAL_MAX_BYTES   (1024 * 1024)
#define CLAIM_JOURNAL_MAX_DEVICES 256

/* A journal as read back. */
struct claim_journal {
	char *state;              /* "claiming", "claimed", "releasing", "typing", "failed" */
	char *driver;
	char *type_before;        /* a type change's journal: the type to return to */
	char *type_target;        /* ...and the type it was changing to */
	char *source;             /* where it was made (claim_opts.source); NULL: the running machine */
	unsigned group;
	long pid;
	struct claim_member *devs;   /* addr, bus, before, action, why (progress) */
	size_t ndevs;
};

/* What a journal holds when written, and what the per-write update needs. */
struct claim_journal_hook {
	const char *state;
	const char *driver;
	const struct claim_member *devs;   /* the recorded states */
	size_t ndevs;
	const char **progress;             /* per device: its last step, or NULL */
	const char *type_before, *type_target;   /* type changes only */
};

/*
 * Journals live in the claims directory dir (claim_state_open() in lock.h);
 * path is the journal's full name, for messages, and its last component the
 * name in dir. Nothing follows a link there.
 */

/*
 * Write atomically: a new temporary file (O_EXCL, random name) beside it,
 * fsync, rename, fsync of the directory. The journal records r->source.
 */
int claim_journal_write(int dir, const char *path, const struct claim_journal_hook *h,
			const struct claim_result *r);
/* Remove, and fsync the directory; 0 when there was none. */
int claim_journal_remove(int dir, const char *path);
/* Whether there is anything by the journal's name. */
bool claim_journal_exists(int dir, const char *path);
/*
 * Read a journal, as untrusted input: a regular file of the effective user
 * (or root), not writable by others, opened without following a link or
 * waiting on a FIFO, at most CLAIM_JOURNAL_MAX_BYTES and
 * CLAIM_JOURNAL_MAX_DEVICES, every name in it valid (claim_name_valid()),
 * made on source (see claim_opts.source). -ENOENT: none (dir < 0: no claims
 * directory, none either); else 0, or -errno with *why saying what is wrong
 * and what to do: -EPERM (an unsafe file), -EBADMSG (not a journal of ours,
 * or a bad one), -EXDEV (another source's).
 */
int claim_journal_read(int dir, const char *path, const char *source, struct claim_journal *j,
		       char **why);
void claim_journal_free(struct claim_journal *j);

/* The transaction's after_write with priv a struct claim_journal_hook: progress, rewrite. */
int claim_journal_after_write(struct claim_txn *t, const struct claim_step *s);

/*
 * Type changes keep a journal (KEY.type.json beside the claim journal) from
 * before their first write: begin refuses (-EALREADY) while an interrupted
 * one exists, else (unless dry-run) writes it into t->dir and journals every
 * later write of t; pause stops that (rollback); end removes it, or keeps it marked
 * failed. claim_release undoes what such a journal recorded.
 */
char *claim_type_journal_path(const char *state_dir, const char *key);
int claim_type_journal_check(int dir, const char *state_dir, struct claim_result *r);
int claim_type_journal_begin(struct claim_txn *t, const char *type_before, const char *target);
void claim_type_journal_pause(struct claim_txn *t);
void claim_type_journal_end(struct claim_txn *t, bool keep);

#endif
