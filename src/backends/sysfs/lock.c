/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state directory (opened once, checked, and used through its
 * descriptor only), the per-group lock (an flock on KEY.lock that the
 * kernel lets go when the holder exits, also after kill -9), where a
 * change's state comes from, and the prologue every change of a group
 * starts with (see lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/exec.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/lock.h"
#include "core/util.h"
#include "core/view.h"

const char *claim_state_dir(const char *state_dir)
{
	const char *env = getenv(CLAIM_STATE_DIR_ENV);

	if (state_dir && *state_dir)
		return state_dir;
	if (env && *env)
		return env;
	return CLAIM_STATE_DIR_DEFAULT;
}

char *claim_claims_dir(const char *state_dir)
{
	return xasprintf("%s/claims", claim_state_dir(state_dir));
}

void claim_paths_set(const char *state_dir, struct claim_result *r)
{
	char *dir = claim_claims_dir(state_dir);

	free(r->journal);
	free(r->lock);
	r->journal = xasprintf("%s/%s.json", dir, r->key);
	r->lock = xasprintf("%s/%s.lock", dir, r->key);
	free(dir);
}

int claim_mkdir_parents(const char *dir)
{
	char *p = xstrdup(dir);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			int err = -errno;

			free(p);
			return err;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

/*
 * Root may be trusted by anyone; anybody else's files are not. Only root's
 * or the effective user's, and writable by nobody else, can a directory or
 * file of the state be: another user who can write there could swap a lock
 * or a journal for a link to any file and have root overwrite it.
 */
static int owner_check(const struct stat *st, const char *what, const char *path, bool dir, char **why)
{
	uid_t euid = geteuid();

	if (st->st_uid != euid && st->st_uid != 0) {
		*why = dir ? xasprintf("%s %s belongs to uid %u, not to uid %u (the effective user) or root: "
				       "chown %u %s, or use another --state-dir", what, path,
				       (unsigned)st->st_uid, (unsigned)euid, (unsigned)euid, path) :
			     xasprintf("%s %s belongs to uid %u, not to uid %u (the effective user) or root: "
				       "it is not iommuctl's; remove it", what, path, (unsigned)st->st_uid,
				       (unsigned)euid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		*why = xasprintf("%s %s is group/world-writable: chmod go-w %s%s", what, path, path,
				 dir ? ", or use another --state-dir" : "");
		return -EPERM;
	}
	return 0;
}

int claim_file_check(const struct stat *st, const char *what, const char *path, char **why)
{
	if (!S_ISREG(st->st_mode)) {
		*why = xasprintf("%s %s is not a regular file: it is not iommuctl's; remove it", what, path);
		return -EPERM;
	}
	return owner_check(st, what, path, false, why);
}

/*
 * Open the directory name (relative to at; path for the messages) without
 * following a link, and check it. made: this invocation has just created
 * it, so its mode is set, whatever the umask left.
 */
static int dir_open(int at, const char *name, const char *path, const char *what, const char *link_fix,
		    bool made, int *fd, char **why)
{
	struct stat st;
	int err;

	*fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0) {
		err = -errno;
		if (!fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode)) {
			*why = xasprintf("%s %s is a symbolic link: %s", what, path, link_fix);
			return -EPERM;
		}
		if (err == -ENOTDIR)
			*why = xasprintf("%s %s is not a directory", what, path);
		else
			*why = xasprintf("cannot open the %s %s: %s", what, path, strerror(-err));
		return err;
	}
	if (fstat(*fd, &st)) {
		err = -errno;
		*why = xasprintf("cannot open the %s %s: %s", what, path, strerror(-err));
	} else {
		err = owner_check(&st, what, path, true, why);
		if (!err && made && (st.st_mode & 07777) != 0755 && fchmod(*fd, 0755)) {
			err = -errno;
			*why = xasprintf("cannot set the mode of the %s %s: %s", what, path, strerror(-err));
		}
	}
	if (err) {
		close(*fd);
		*fd = -1;
	}
	return err;
}

int claim_state_open(const char *state_dir, bool create, int *dirfd, char **why)
{
	const char *sd = claim_state_dir(state_dir);
	char *claims = claim_claims_dir(state_dir);
	bool made = false;
	int sfd, err = 0;

	*dirfd = -1;
	*why = NULL;
	if (create) {
		err = claim_mkdir_parents(sd);
		if (!err && !mkdir(sd, 0755))
			made = true;
		else if (!err && errno != EEXIST)
			err = -errno;
		if (err) {
			*why = xasprintf("cannot create the state directory %s: %s", sd, strerror(-err));
			goto out;
		}
	}
	err = dir_open(AT_FDCWD, sd, sd, "state directory", "give the directory itself with --state-dir",
		       made, &sfd, why);
	if (err)
		goto out;
	made = false;
	if (create) {
		if (!mkdirat(sfd, "claims", 0755))
			made = true;
		else if (errno != EEXIST)
			err = -errno;
		if (err) {
			*why = xasprintf("cannot create the claims directory %s: %s", claims, strerror(-err));
			close(sfd);
			goto out;
		}
	}
	err = dir_open(sfd, "claims", claims, "claims directory", "remove it (iommuctl makes the directory)",
		       made, dirfd, why);
	close(sfd);
out:
	free(claims);
	return err;
}

int claim_lock(int dirfd, struct claim_result *r, char **why)
{
	const char *name = strrchr(r->lock, '/') ? strrchr(r->lock, '/') + 1 : r->lock;
	char pidbuf[32];
	struct stat st;
	int fd, err, n;

	*why = NULL;
	/* no link followed, no FIFO waited on: checked as opened */
	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		if (err == -ELOOP) {
			*why = xasprintf("lock %s is a symbolic link: it is not iommuctl's; remove it", r->lock);
			return -EPERM;
		}
		*why = xasprintf("cannot open the lock %s: %s", r->lock, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		*why = xasprintf("cannot open the lock %s: %s", r->lock, strerror(-err));
		close(fd);
		return err;
	}
	err = claim_file_check(&st, "lock", r->lock, why);
	if (!err && st.st_nlink != 1) {
		/* written to below: a hard link would carry the write elsewhere */
		*why = xasprintf("lock %s has %lu hard links: it is not iommuctl's; remove it", r->lock,
				 (unsigned long)st.st_nlink);
		err = -EPERM;
	}
	if (err) {
		close(fd);
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		char buf[32] = "", *holder;
		ssize_t got;

		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		got = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[got > 0 ? got : 0] = '\0';
		str_rstrip(buf);
		/* only a number: the file is ours, but its text goes into a message */
		holder = buf[0] && strspn(buf, "0123456789") == strlen(buf) ? xasprintf(" (pid %s)", buf) :
									       xstrdup("");
		if (err == -EBUSY)
			*why = xasprintf("busy: another iommuctl%s is changing group %u (lock %s); "
					 "nothing was changed", holder, r->group, r->lock);
		else
			*why = xasprintf("cannot lock %s: %s", r->lock, strerror(-err));
		free(holder);
		close(fd);
		return err;
	}
	/* who holds it, for the busy message of the next one */
	n = snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pidbuf, n, 0) < 0) {
		/* informational only */
	}
	return fd;
}

void claim_unlock(int fd)
{
	if (fd >= 0)
		close(fd);  /* releases the flock; the file stays (unlinking it would race) */
}

int claim_begin(const struct claim_opts *opts, const struct inv_group *g, struct claim_result *r,
		struct claim_hold *h)
{
	char *why = NULL;
	int err, fd;

	h->dir = h->lock = -1;
	r->group = g->id;
	if ((err = claim_members_check(g, r)))
		return err;
	/* members are in natural order: the first is the lowest address */
	free(r->key);
	r->key = xstrdup(g->members.v[0]);
	free(r->source);
	r->source = opts->source ? xstrdup(opts->source) : NULL;
	claim_paths_set(opts->state_dir, r);
	/* a dry run makes nothing: without a state directory there is no journal to read */
	err = claim_state_open(opts->state_dir, !opts->dry_run, &h->dir, &why);
	if (err == -ENOENT && opts->dry_run)
		err = 0;
	if (err) {
		claim_result_why(r, "%s", why);
		free(why);
		return err;
	}
	free(why);
	if (opts->dry_run)
		return 0;
	fd = claim_lock(h->dir, r, &why);
	if (fd < 0) {
		claim_result_why(r, "%s", why);
		free(why);
		claim_end(h);
		return fd;
	}
	h->lock = fd;
	return 0;
}

void claim_end(struct claim_hold *h)
{
	claim_unlock(h->lock);
	if (h->dir >= 0)
		close(h->dir);
	h->dir = h->lock = -1;
}

/* The boot id is a UUID: anything else is not taken for one. */
static bool boot_id_valid(const char *s)
{
	return *s && strlen(s) <= 64 && strspn(s, "0123456789abcdefABCDEF-") == strlen(s);
}

int claim_place_find(struct view *v, const char *sysfs_root, const char *state_dir,
		     struct claim_place *p, char **why)
{
	const char *env = getenv(CLAIM_STATE_DIR_ENV);
	char *tree = NULL, *id = NULL;

	memset(p, 0, sizeof(*p));
	*why = NULL;
	if (sysfs_root) {
		int err;

		tree = realpath(sysfs_root, NULL);
		if (!tree) {
			err = -errno;
			*why = xasprintf("--sysfs-root %s: %s", sysfs_root, strerror(-err));
			return err;
		}
		/* the running machine's own sysfs, reached as a tree: still the running machine */
		if (!strcmp(tree, "/sys")) {
			free(tree);
			tree = NULL;
		}
	}
	if (tree)
		p->source = xasprintf("tree:%s", tree);
	else if (!view_read_str(v, &id, "/proc/sys/kernel/random/boot_id") && boot_id_valid(id))
		p->source = xasprintf("boot:%s", id);
	if (state_dir && *state_dir)
		p->state_dir = xstrdup(state_dir);
	else if (env && *env)
		p->state_dir = xstrdup(env);
	else if (tree)
		/* beside the tree: a tree's journals never meet the machine's or another tree's */
		p->state_dir = xasprintf("%s.iommuctl-state", tree);
	else
		p->state_dir = xstrdup(CLAIM_STATE_DIR_DEFAULT);
	free(id);
	free(tree);
	return 0;
}

void claim_place_free(struct claim_place *p)
{
	free(p->source);
	free(p->state_dir);
	memset(p, 0, sizeof(*p));
}
