/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The state directory, the per-group lock (an flock on KEY.lock that the
 * kernel lets go when the holder exits, also after kill -9), and the
 * prologue every change of a group starts with (see lock.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/inventory.h"
#include "backends/sysfs/lock.h"
#include "core/util.h"

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

static int mkdir_p(const char *dir, mode_t mode)
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
	if (mkdir(dir, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int claim_lock(const char *state_dir, struct claim_result *r, char **why)
{
	char *dir = claim_claims_dir(state_dir), pidbuf[32];
	int fd, err, n;

	*why = NULL;
	claim_paths_set(state_dir, r);
	err = mkdir_p(dir, 0755);
	if (err) {
		*why = xasprintf("cannot create the state directory %s: %s", dir, strerror(-err));
		free(dir);
		return err;
	}
	free(dir);
	fd = open(r->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		*why = xasprintf("cannot open the lock %s: %s", r->lock, strerror(-err));
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		char buf[32] = "", *holder;
		ssize_t got;

		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		got = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[got > 0 ? got : 0] = '\0';
		str_rstrip(buf);
		holder = buf[0] ? xasprintf(" (pid %s)", buf) : xstrdup("");
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
		int *lockfd)
{
	char *why = NULL;
	int fd;

	*lockfd = -1;
	r->group = g->id;
	if (!g->members.n)
		return claim_result_why(r, "group %u has no devices", g->id), -ENODEV;
	/* members are in natural order: the first is the lowest address */
	free(r->key);
	r->key = xstrdup(g->members.v[0]);
	claim_paths_set(opts->state_dir, r);
	if (opts->dry_run)
		return 0;
	fd = claim_lock(opts->state_dir, r, &why);
	if (fd < 0) {
		claim_result_why(r, "%s", why);
		free(why);
		return fd;
	}
	*lockfd = fd;
	return 0;
}
