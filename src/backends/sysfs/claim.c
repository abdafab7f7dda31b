/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Group claim and release (see claim.h): plan by the kernel's ownership rule,
 * journal the previous driver and driver_override of every member before the
 * first write, change one device at a time through driver_override, unbind,
 * drivers_probe (and bind as a fallback), verify by reading the driver link
 * back, and put every touched device back as it was on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/inventory.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

#define JOURNAL_FORMAT "iommuctl-claim-journal"
#define JOURNAL_VERSION 1
#define POLL_MS 10

static bool streq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int claim_result_why(struct claim_result *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!r->why)
		r->why = s;
	else
		free(s);
	return 0;
}

const char *claim_state_dir(const char *state_dir)
{
	const char *env = getenv(CLAIM_STATE_DIR_ENV);

	if (state_dir && *state_dir)
		return state_dir;
	if (env && *env)
		return env;
	return CLAIM_STATE_DIR_DEFAULT;
}

void claim_devstate_free(struct claim_devstate *st)
{
	free(st->driver);
	free(st->override);
	st->driver = st->override = NULL;
}

bool claim_devstate_equal(const struct claim_devstate *a, const struct claim_devstate *b)
{
	return streq(a->driver, b->driver) && streq(a->override, b->override);
}

static void devstate_copy(struct claim_devstate *dst, const struct claim_devstate *src)
{
	dst->driver = src->driver ? xstrdup(src->driver) : NULL;
	dst->override = src->override ? xstrdup(src->override) : NULL;
}

int claim_devstate_read(struct view *v, const char *bus, const char *addr, struct claim_devstate *st)
{
	char *dir = xasprintf("/sys/bus/%s/devices/%s", bus, addr), *s = NULL;
	int err;

	memset(st, 0, sizeof(*st));
	if (!view_exists(v, dir)) {
		free(dir);
		return -ENODEV;
	}
	err = view_link_name(v, &s, "%s/driver", dir);
	if (!err)
		st->driver = s;
	else if (err != -ENOENT) {
		free(dir);
		return err;
	}
	s = NULL;
	err = view_read_str(v, &s, "%s/driver_override", dir);
	free(dir);
	if (!err && strcmp(s, "(null)") && *s)
		st->override = s;
	else
		free(s);
	if (err && err != -ENOENT) {
		claim_devstate_free(st);
		return err;
	}
	return 0;
}

/* ---- results ---- */

static void member_free(struct claim_member *m)
{
	free(m->addr);
	free(m->bus);
	free(m->path);
	free(m->why);
	claim_devstate_free(&m->before);
	claim_devstate_free(&m->after);
}

void claim_result_release(struct claim_result *r)
{
	for (size_t i = 0; i < r->nmembers; i++)
		member_free(&r->members[i]);
	free(r->members);
	for (size_t i = 0; i < r->nsteps; i++) {
		free(r->steps[i].device);
		free(r->steps[i].op);
		free(r->steps[i].path);
		free(r->steps[i].value);
		free(r->steps[i].detail);
	}
	free(r->steps);
	interlock_hits_free(r->hits, r->nhits);
	strv_free(&r->rollback_errors);
	strv_free(&r->vfio.users);
	free(r->key);
	free(r->journal);
	free(r->lock);
	free(r->target);
	free(r->why);
	free(r->type_before);
	free(r->type_after);
	memset(r, 0, sizeof(*r));
}

static struct claim_step *step_add(struct claim_txn *t, const char *device, const char *op,
				   const char *path, const char *value)
{
	struct claim_result *r = t->r;
	struct claim_step *s;

	r->steps = xrealloc(r->steps, (r->nsteps + 1) * sizeof(*r->steps));
	s = &r->steps[r->nsteps++];
	memset(s, 0, sizeof(*s));
	s->phase = t->phase;
	s->device = device ? xstrdup(device) : NULL;
	s->op = xstrdup(op);
	s->path = path ? xstrdup(path) : NULL;
	s->value = value ? xstrdup(value) : NULL;
	return s;
}

static void step_done(struct claim_txn *t, struct claim_step *s)
{
	if (t->opts->step_cb)
		t->opts->step_cb(t->opts->cb_arg, s);
}

void claim_txn_init(struct claim_txn *t, struct view *v, const struct claim_opts *opts,
		    struct claim_result *r)
{
	memset(t, 0, sizeof(*t));
	t->v = v;
	t->opts = opts;
	t->r = r;
	t->phase = "claim";
	t->settle_ms = opts->settle_ms >= 0 ? opts->settle_ms : CLAIM_SETTLE_MS_DEFAULT;
}

int claim_txn_write(struct claim_txn *t, const char *device, const char *op, const char *path,
		    const char *value)
{
	struct claim_step *s = step_add(t, device, op, path, value);
	/* an empty driver_override is written as a bare newline: the kernel's "clear" */
	const char *buf = value && *value ? value : "\n";
	int err;

	s->n = ++t->r->writes;
	err = view_write_file(t->v, path, buf, strlen(buf));
	s->err = err;
	if (err)
		s->detail = xasprintf("write failed: %s", strerror(-err));
	if (!err && t->after_write)
		err = t->after_write(t, s);
	step_done(t, s);
	return err;
}

/*
 * Wait until the device's driver link says want (NULL: unbound). Kernels
 * bind from drivers_probe synchronously, but a driver's probe may defer,
 * and unbinding can wait for users to let go: poll for settle_ms.
 */
static int wait_driver(struct claim_txn *t, struct claim_member *m, const char *want)
{
	long long deadline = now_ms() + t->settle_ms;
	char *link = xasprintf("/sys/bus/%s/devices/%s/driver", m->bus, m->addr);
	struct claim_step *s;
	struct claim_devstate st = { 0 };
	int err;

	for (;;) {
		err = claim_devstate_read(t->v, m->bus, m->addr, &st);
		if (err || streq(st.driver, want))
			break;
		/* bound to something else than asked: waiting will not help */
		if (want && st.driver) {
			err = -EBUSY;
			break;
		}
		if (now_ms() >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		claim_devstate_free(&st);
		sleep_ms(POLL_MS);
	}
	s = step_add(t, m->addr, "verify", link, want ? want : "(unbound)");
	s->err = err;
	if (!err)
		s->detail = xasprintf(want ? "bound to %s" : "unbound", want);
	else if (err == -ENODEV)
		s->detail = xstrdup("the device disappeared");
	else if (err == -EBUSY)
		s->detail = xasprintf("bound to %s instead of %s", st.driver, want);
	else if (err == -ETIMEDOUT)
		s->detail = want ? xasprintf("not bound to %s after %d ms (driver: %s)", want,
					     t->settle_ms, or_none(st.driver)) :
				   xasprintf("still bound to %s after %d ms", st.driver, t->settle_ms);
	else
		s->detail = xasprintf("cannot read the driver link: %s", strerror(-err));
	step_done(t, s);
	claim_devstate_free(&st);
	free(link);
	return err;
}

static int set_override(struct claim_txn *t, struct claim_member *m, const char *val)
{
	char *path = xasprintf("/sys/bus/%s/devices/%s/driver_override", m->bus, m->addr);
	int err = claim_txn_write(t, m->addr, "driver_override", path, val ? val : "");

	free(path);
	return err;
}

int claim_txn_apply(struct claim_txn *t, struct claim_member *m, const struct claim_devstate *want)
{
	struct claim_devstate cur;
	const char *ovr;
	char *path;
	int err;

	err = claim_devstate_read(t->v, m->bus, m->addr, &cur);
	if (err)
		return err;
	ovr = cur.override;
	if (streq(cur.driver, want->driver)) {
		if (!streq(cur.override, want->override)) {
			m->touched = true;
			err = set_override(t, m, want->override);
		}
		goto out;
	}
	m->touched = true;
	/* driver_override first: the device can then only match the driver we want */
	if (want->driver && !streq(ovr, want->driver)) {
		err = set_override(t, m, want->driver);
		if (err)
			goto out;
		ovr = want->driver;
	}
	if (cur.driver) {
		path = xasprintf("/sys/bus/%s/drivers/%s/unbind", m->bus, cur.driver);
		err = claim_txn_write(t, m->addr, "unbind", path, m->addr);
		free(path);
		if (!err)
			err = wait_driver(t, m, NULL);
		if (err)
			goto out;
	}
	if (want->driver) {
		path = xasprintf("/sys/bus/%s/drivers_probe", m->bus);
		err = claim_txn_write(t, m->addr, "drivers_probe", path, m->addr);
		free(path);
		if (err)
			goto out;
		err = wait_driver(t, m, want->driver);
		if (err == -ETIMEDOUT) {
			/* the rshim lesson: probing may not take; bind explicitly, once */
			path = xasprintf("/sys/bus/%s/drivers/%s/bind", m->bus, want->driver);
			err = claim_txn_write(t, m->addr, "bind", path, m->addr);
			free(path);
			if (!err)
				err = wait_driver(t, m, want->driver);
		}
		if (err)
			goto out;
	}
	if (!streq(ovr, want->override))
		err = set_override(t, m, want->override);
out:
	claim_devstate_free(&cur);
	return err;
}

void claim_txn_rollback(struct claim_txn *t)
{
	struct claim_result *r = t->r;
	const char *saved = t->phase;

	t->phase = "rollback";
	for (size_t i = r->nmembers; i-- > 0;) {
		struct claim_member *m = &r->members[i];
		struct claim_devstate now;
		int err;

		if (!m->touched)
			continue;
		err = claim_txn_apply(t, m, &m->before);
		if (!err)
			err = claim_devstate_read(t->v, m->bus, m->addr, &now);
		if (!err) {
			if (!claim_devstate_equal(&now, &m->before))
				err = -EIO;
			claim_devstate_free(&now);
		}
		if (err)
			strv_push_owned(&r->rollback_errors,
					xasprintf("%s: could not restore driver %s, driver_override %s: %s",
						  m->addr, or_none(m->before.driver),
						  or_none(m->before.override), strerror(-err)));
	}
	r->rolled_back = true;
	r->rollback_failed = r->rollback_errors.n > 0;
	t->phase = saved;
}

/* ---- members, lock, journal ---- */

int claim_members_load(struct view *v, const struct inventory *inv, const struct inv_group *g,
		       struct claim_result *r)
{
	r->group = g->id;
	if (!g->members.n)
		return claim_result_why(r, "group %u has no devices", g->id), -ENODEV;
	/* members are in natural order: the first is the lowest address */
	if (!r->key)
		r->key = xstrdup(g->members.v[0]);
	r->members = xcalloc(g->members.n, sizeof(*r->members));
	for (size_t i = 0; i < g->members.n; i++) {
		const struct inv_device *d = inventory_device(inv, g->members.v[i]);
		struct claim_member *m = &r->members[r->nmembers++];
		int err;

		m->addr = xstrdup(g->members.v[i]);
		m->bus = xstrdup(d && d->bus ? d->bus : "pci");
		m->path = d && d->path ? xstrdup(d->path) : NULL;
		err = claim_devstate_read(v, m->bus, m->addr, &m->before);
		if (err)
			return claim_result_why(r, "%s: cannot read its driver and driver_override: %s", m->addr,
				    strerror(-err)), err;
	}
	return 0;
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

static char *claims_dir(const char *state_dir)
{
	return xasprintf("%s/claims", claim_state_dir(state_dir));
}

static void paths_set(const char *state_dir, struct claim_result *r)
{
	char *dir = claims_dir(state_dir);

	free(r->journal);
	free(r->lock);
	r->journal = xasprintf("%s/%s.json", dir, r->key);
	r->lock = xasprintf("%s/%s.lock", dir, r->key);
	free(dir);
}

int claim_lock(const char *state_dir, struct claim_result *r, char **why)
{
	char *dir = claims_dir(state_dir), pidbuf[32];
	int fd, err, n;

	*why = NULL;
	paths_set(state_dir, r);
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

struct journal {
	char *state;
	char *driver;
	char *type_before;        /* a type change's journal: the type to return to */
	char *type_target;        /* ...and the type it was changing to */
	unsigned group;
	long pid;
	struct claim_member *devs;   /* addr, bus, before, action, why (progress) */
	size_t ndevs;
};

static void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->ndevs; i++)
		member_free(&j->devs[i]);
	free(j->devs);
	free(j->state);
	free(j->driver);
	free(j->type_before);
	free(j->type_target);
	memset(j, 0, sizeof(*j));
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* What a journal holds, and what the per-step journal update needs. */
struct journal_hook {
	const char *state;
	const char *driver;
	const struct claim_member *devs;   /* the recorded states */
	size_t ndevs;
	const char **progress;
	const char *type_before, *type_target;   /* type changes only */
};

/* Write the journal atomically: a temporary file, fsync, rename, fsync of the directory. */
static int journal_write(const char *path, const struct journal_hook *h, const struct claim_result *r)
{
	const char *state = h->state, *driver = h->driver;
	const struct claim_member *devs = h->devs;
	const char *const *progress = h->progress;
	size_t ndevs = h->ndevs;
	json_object *root = json_object_new_object(), *jdevs = json_object_new_array();
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid()), *dir, *slash;
	const char *text;
	size_t len;
	int fd, err = 0, dfd;

	json_object_object_add(root, "format", json_object_new_string(JOURNAL_FORMAT));
	json_object_object_add(root, "version", json_object_new_int(JOURNAL_VERSION));
	json_object_object_add(root, "state", json_object_new_string(state));
	json_object_object_add(root, "key", json_object_new_string(r->key));
	json_object_object_add(root, "group", json_object_new_int64(r->group));
	json_object_object_add(root, "driver", jstr(driver));
	if (h->type_before) {
		json_object_object_add(root, "type_before", jstr(h->type_before));
		json_object_object_add(root, "type_target", jstr(h->type_target));
	}
	json_object_object_add(root, "pid", json_object_new_int64(getpid()));
	json_object_object_add(root, "updated", json_object_new_int64(time(NULL)));
	for (size_t i = 0; i < ndevs; i++) {
		const struct claim_member *m = &devs[i];
		json_object *d = json_object_new_object();

		json_object_object_add(d, "address", json_object_new_string(m->addr));
		json_object_object_add(d, "bus", json_object_new_string(m->bus));
		json_object_object_add(d, "action", json_object_new_string(
					       m->action == CLAIM_REBIND ? "rebind" : "keep"));
		json_object_object_add(d, "driver", jstr(m->before.driver));
		json_object_object_add(d, "driver_override", jstr(m->before.override));
		json_object_object_add(d, "progress", jstr(progress ? progress[i] : NULL));
		json_object_array_add(jdevs, d);
	}
	json_object_object_add(root, "devices", jdevs);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
	} else {
		if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1)
			err = errno ? -errno : -EIO;
		if (!err && fsync(fd))
			err = -errno;
		if (close(fd) && !err)
			err = -errno;
		if (!err && rename(tmp, path))
			err = -errno;
		if (err)
			unlink(tmp);
	}
	json_object_put(root);
	free(tmp);
	if (err)
		return err;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

static int journal_remove(const char *path)
{
	char *dir, *slash;
	int dfd;

	if (unlink(path) && errno != ENOENT)
		return -errno;
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
	return 0;
}

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* -ENOENT: no journal; -EBADMSG: not one of ours (why says what) */
static int journal_read(const char *path, struct journal *j, char **why)
{
	json_object *root, *devs, *v;
	const char *s;

	memset(j, 0, sizeof(*j));
	*why = NULL;
	if (access(path, F_OK))
		return -errno;
	root = json_object_from_file(path);
	if (!root) {
		*why = xasprintf("%s: not a readable JSON journal", path);
		return -EBADMSG;
	}
	s = jget_str(root, "format");
	if (!s || strcmp(s, JOURNAL_FORMAT) || !json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array) || !jget_str(root, "state")) {
		*why = xasprintf("%s: not an iommuctl claim journal", path);
		json_object_put(root);
		return -EBADMSG;
	}
	j->state = xstrdup(jget_str(root, "state"));
	s = jget_str(root, "driver");
	j->driver = s ? xstrdup(s) : NULL;
	s = jget_str(root, "type_before");
	j->type_before = s && domtype_word_valid(s) ? xstrdup(s) : NULL;
	s = jget_str(root, "type_target");
	j->type_target = s && domtype_word_valid(s) ? xstrdup(s) : NULL;
	if (json_object_object_get_ex(root, "group", &v))
		j->group = (unsigned)json_object_get_int64(v);
	if (json_object_object_get_ex(root, "pid", &v))
		j->pid = (long)json_object_get_int64(v);
	j->ndevs = json_object_array_length(devs);
	j->devs = xcalloc(j->ndevs ? j->ndevs : 1, sizeof(*j->devs));
	for (size_t i = 0; i < j->ndevs; i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		struct claim_member *m = &j->devs[i];
		const char *addr = jget_str(d, "address"), *bus = jget_str(d, "bus");
		const char *act = jget_str(d, "action");

		if (!addr || !pci_addr_looks_like(addr)) {
			*why = xasprintf("%s: device %zu has no valid address", path, i);
			json_object_put(root);
			journal_free(j);
			return -EBADMSG;
		}
		m->addr = xstrdup(addr);
		m->bus = xstrdup(bus && !strchr(bus, '/') ? bus : "pci");
		m->action = act && !strcmp(act, "keep") ? CLAIM_KEEP : CLAIM_REBIND;
		s = jget_str(d, "driver");
		m->before.driver = s && !strchr(s, '/') ? xstrdup(s) : NULL;
		s = jget_str(d, "driver_override");
		m->before.override = s ? xstrdup(s) : NULL;
		s = jget_str(d, "progress");
		m->why = s ? xstrdup(s) : NULL;
	}
	json_object_put(root);
	return 0;
}

/* ---- privileges ---- */

int claim_caps_read(struct view *v, unsigned long long *capeff, long *euid)
{
	char *text = NULL, *p;
	int err = view_read_file(v, "/proc/self/status", &text, NULL);
	bool have = false;

	if (err)
		return err;
	*euid = -1;
	p = strstr(text, "\nCapEff:");
	if (p && sscanf(p + 8, "%llx", capeff) == 1)
		have = true;
	p = strstr(text, "\nUid:");
	if (p) {
		long ruid;

		if (sscanf(p + 5, "%ld %ld", &ruid, euid) != 2)
			*euid = -1;
	}
	free(text);
	return have ? 0 : -ENOENT;
}

#define CAP_DAC_OVERRIDE 1

static int check_root(struct view *v, struct claim_result *r)
{
	unsigned long long cap = 0;
	long euid = -1;

	/* not visible (a tree without /proc): let the kernel decide */
	if (claim_caps_read(v, &cap, &euid))
		return 0;
	if (euid == 0 || (cap & (1ull << CAP_DAC_OVERRIDE)))
		return 0;
	return claim_result_why(r, "this needs root: writing driver_override, unbind and drivers_probe "
		    "(effective uid %ld, no CAP_DAC_OVERRIDE)", euid), -EPERM;
}

/* ---- VFIO users ---- */

int claim_vfio_users(struct view *v, const struct inventory *inv, const struct inv_group *g,
		     struct strv *users)
{
	struct strv nodes = { 0 }, pids = { 0 };
	int err;

	if (g->vfio_node)
		strv_push(&nodes, g->vfio_node);
	for (size_t i = 0; i < g->members.n; i++) {
		const struct inv_device *d = inventory_device(inv, g->members.v[i]);

		for (size_t k = 0; d && k < d->vfio_cdevs.n; k++)
			strv_push_owned(&nodes, xasprintf("/dev/vfio/devices/%s", d->vfio_cdevs.v[k]));
	}
	if (!nodes.n)
		return 0;   /* nothing to hold open */
	err = view_list_dir(v, "/proc", &pids);
	if (err) {
		strv_free(&nodes);
		return err;
	}
	for (size_t i = 0; i < pids.n; i++) {
		struct strv fds = { 0 };
		char *fddir;

		if (pids.v[i][0] < '1' || pids.v[i][0] > '9' || strspn(pids.v[i], "0123456789") !=
		    strlen(pids.v[i]))
			continue;
		fddir = xasprintf("/proc/%s/fd", pids.v[i]);
		if (!view_list_dir(v, fddir, &fds)) {
			for (size_t k = 0; k < fds.n; k++) {
				char *link = xasprintf("%s/%s", fddir, fds.v[k]), *target = NULL;

				if (!view_read_link(v, link, &target) && strv_contains(&nodes, target)) {
					char *comm = NULL;

					view_read_str(v, &comm, "/proc/%s/comm", pids.v[i]);
					strv_push_owned(users, xasprintf("pid %s (%s) has %s open", pids.v[i],
									 comm ? comm : "?", target));
					free(comm);
					free(target);
					free(link);
					break;
				}
				free(target);
				free(link);
			}
		}
		strv_free(&fds);
		free(fddir);
	}
	strv_free(&pids);
	strv_free(&nodes);
	return 0;
}

/* An interrupted type change's journal: KEY.type.json beside the claim journal. */
static char *type_journal_path(const char *state_dir, const char *key)
{
	char *dir = claims_dir(state_dir), *p = xasprintf("%s/%s.type.json", dir, key);

	free(dir);
	return p;
}

/* A journal's path (taken), state and driver or target type, when it exists and is ours. */
static void journal_peek(char *path, bool type, char **at, char **what, char **state)
{
	struct journal j;
	char *why = NULL;

	if (!journal_read(path, &j, &why)) {
		*at = path;
		path = NULL;
		*what = type ? (j.type_target ? xstrdup(j.type_target) : NULL) :
			       (j.driver ? xstrdup(j.driver) : NULL);
		*state = xstrdup(j.state);
		journal_free(&j);
	}
	free(why);
	free(path);
}

void claim_owner_find(struct view *v, const struct inventory *inv, const struct inv_group *g,
		      const char *state_dir, struct claim_owner *o)
{
	memset(o, 0, sizeof(*o));
	if (state_dir && g->members.n) {
		char *dir = claims_dir(state_dir);

		o->journal_checked = true;
		journal_peek(xasprintf("%s/%s.json", dir, g->members.v[0]), false, &o->journal,
			     &o->journal_driver, &o->journal_state);
		journal_peek(type_journal_path(state_dir, g->members.v[0]), true, &o->type_journal,
			     &o->type_journal_target, &o->type_journal_state);
		free(dir);
	}
	o->vfio_checked = claim_vfio_users(v, inv, g, &o->vfio_users) == 0;
}

void claim_owner_release(struct claim_owner *o)
{
	free(o->journal);
	free(o->journal_driver);
	free(o->journal_state);
	free(o->type_journal);
	free(o->type_journal_target);
	free(o->type_journal_state);
	strv_free(&o->vfio_users);
	memset(o, 0, sizeof(*o));
}

/* ---- claim ---- */

/* Drivers that leave a device's DMA to its user: a claim keeps them. */
static bool vfio_like(const char *drv)
{
	size_t len = drv ? strlen(drv) : 0;

	return drv && (str_startswith(drv, "vfio") ||
		       (len > 8 && (!strcmp(drv + len - 8, "vfio_pci") || !strcmp(drv + len - 8, "vfio-pci"))));
}

static void plan(struct claim_result *r, const char *target)
{
	for (size_t i = 0; i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];
		const char *drv = m->before.driver;

		free(m->why);
		if (drv && !strcmp(drv, target)) {
			m->action = CLAIM_KEEP;
			m->why = xasprintf("already bound to %s", target);
		} else if (drv && (!strcmp(drv, "pcieport") || !strcmp(drv, "pci-stub"))) {
			m->action = CLAIM_KEEP;
			m->why = xasprintf("%s manages its own DMA (driver_managed_dma): kept", drv);
		} else if (drv && vfio_like(drv) && vfio_like(target)) {
			m->action = CLAIM_KEEP;
			m->why = xasprintf("already bound to the VFIO driver %s: kept", drv);
		} else {
			m->action = CLAIM_REBIND;
			m->why = drv ? xasprintf("%s -> %s", drv, target) :
				       xasprintf("unbound -> %s", target);
		}
	}
}

static void interlocks(struct view *v, struct claim_result *r, const char *ssh)
{
	struct strv names = { 0 }, paths = { 0 };

	for (size_t i = 0; i < r->nmembers; i++) {
		if (r->members[i].action != CLAIM_REBIND || !r->members[i].path)
			continue;
		strv_push(&names, r->members[i].addr);
		strv_push(&paths, r->members[i].path);
	}
	interlock_check(v, &names, &paths, ssh, &r->hits, &r->nhits);
	strv_free(&names);
	strv_free(&paths);
}

static int interlock_refusal(struct claim_result *r, const char *verb)
{
	struct strv parts = { 0 };
	char *list;

	for (size_t i = 0; i < r->nhits; i++)
		strv_push_owned(&parts, xasprintf("%s holds the %s", r->hits[i].member, r->hits[i].what));
	list = strv_join(&parts, "; ");
	claim_result_why(r, "refusing to %s group %u: %s (--force to %s it anyway)", verb, r->group, list, verb);
	free(list);
	strv_free(&parts);
	return -EPERM;
}

static void read_after(struct view *v, struct claim_result *r)
{
	for (size_t i = 0; i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];

		claim_devstate_free(&m->after);
		if (claim_devstate_read(v, m->bus, m->addr, &m->after))
			memset(&m->after, 0, sizeof(m->after));
	}
}

/*
 * The outcome of giving a group back to what a journal recorded: the states
 * now as "after", the recorded ones as "before" (what the group is given
 * back to).
 */
static void report_recorded(struct view *v, struct claim_result *r, const struct journal *j)
{
	read_after(v, r);
	for (size_t i = 0; i < r->nmembers && i < j->ndevs; i++) {
		claim_devstate_free(&r->members[i].before);
		devstate_copy(&r->members[i].before, &j->devs[i].before);
	}
}

/* Everything is as the journal recorded: it has done its job. */
static int journal_done(struct claim_result *r)
{
	int err = journal_remove(r->journal);

	if (err)
		claim_result_why(r, "restored, but cannot remove the journal %s: %s", r->journal, strerror(-err));
	r->changed = true;
	return err;
}

static void wait_vfio_node(struct claim_txn *t)
{
	char *plain = xasprintf("/dev/vfio/%u", t->r->group);
	char *noiommu = xasprintf("/dev/vfio/noiommu-%u", t->r->group);
	long long deadline = now_ms() + t->settle_ms;
	struct claim_step *s;
	bool found;

	/* devtmpfs creates the node from a kernel thread: it may lag the bind */
	while (!(found = view_exists(t->v, plain) || view_exists(t->v, noiommu)) &&
	       now_ms() < deadline)
		sleep_ms(POLL_MS);
	s = step_add(t, NULL, "verify", plain, "exists");
	s->detail = found ? xstrdup("VFIO group node present") :
			    xasprintf("no %s after %d ms", plain, t->settle_ms);
	step_done(t, s);
	free(plain);
	free(noiommu);
}


/* The journal follows every write: progress of a device is its last step. */
static int journal_after_write(struct claim_txn *t, const struct claim_step *s)
{
	struct journal_hook *h = t->priv;
	int err;

	for (size_t i = 0; i < h->ndevs && s->device; i++)
		if (!strcmp(h->devs[i].addr, s->device))
			h->progress[i] = s->op;
	err = journal_write(t->r->journal, h, t->r);
	if (err)
		claim_result_why(t->r, "cannot update the journal %s: %s", t->r->journal, strerror(-err));
	return err;
}

/*
 * The members a journal recorded, each with its present state as "before"
 * (what a release or recovery moves it from) and why: "what -> recorded
 * driver" for the devices the change moved, kept otherwise.
 */
static int members_from_journal(struct view *v, const struct inventory *inv, const struct journal *j,
				const char *path, const char *what, struct claim_result *r)
{
	r->members = xcalloc(j->ndevs ? j->ndevs : 1, sizeof(*r->members));
	for (size_t i = 0; i < j->ndevs; i++) {
		struct claim_member *m = &r->members[r->nmembers++];
		const struct inv_device *d = inventory_device(inv, j->devs[i].addr);
		int err;

		m->addr = xstrdup(j->devs[i].addr);
		m->bus = xstrdup(j->devs[i].bus);
		m->path = d && d->path ? xstrdup(d->path) : NULL;
		m->action = j->devs[i].action;
		err = claim_devstate_read(v, m->bus, m->addr, &m->before);
		if (err)
			return claim_result_why(r, "%s (recorded in %s): %s", m->addr, path,
						err == -ENODEV ? "no such device any more" : strerror(-err)), err;
		m->why = m->action == CLAIM_REBIND ?
			 xasprintf("%s%s -> %s", what, m->before.driver ? m->before.driver : "unbound",
				   j->devs[i].before.driver ? j->devs[i].before.driver : "unbound") :
			 xasprintf("kept by the %s: not touched", *what ? "type change" : "claim");
	}
	return 0;
}

/* ---- type-change journals ---- */

/*
 * A type change unbinds the group's members, writes the type and binds them
 * back: killed in between, it would leave devices without a driver. So it
 * keeps its own journal beside the claim journal (KEY.type.json, under the
 * same lock): the type and the drivers to return to, updated at every write.
 * 'group release' finishes what it recorded; claims and type changes refuse
 * to start while it exists.
 */

/* 0 when g has no interrupted type change; -EALREADY (why set) when it has. */
int claim_type_journal_check(const char *state_dir, struct claim_result *r)
{
	char *path = type_journal_path(state_dir, r->key), *why = NULL;
	struct journal j;
	int err = journal_read(path, &j, &why);

	if (err == -ENOENT) {
		err = 0;
	} else if (!err) {
		err = -EALREADY;
		claim_result_why(r, "an interrupted type change to %s left the journal %s (state %s, pid %ld): "
				 "run 'iommuctl group release %s' to restore the group first",
				 j.type_target ? j.type_target : "?", path, j.state, j.pid, r->key);
		journal_free(&j);
	} else {
		claim_result_why(r, "%s", why ? why : strerror(-err));
	}
	free(why);
	free(path);
	return err;
}

struct type_journal {
	struct journal_hook hook;
	const char **progress;
};

int claim_type_journal_begin(struct claim_txn *t, const char *type_before, const char *target)
{
	struct claim_result *r = t->r;
	struct type_journal *tj;
	int err = claim_type_journal_check(t->opts->state_dir, r);

	if (err)
		return err;
	if (t->opts->dry_run)
		return 0;
	free(r->journal);
	r->journal = type_journal_path(t->opts->state_dir, r->key);
	tj = xcalloc(1, sizeof(*tj));
	tj->progress = xcalloc(r->nmembers ? r->nmembers : 1, sizeof(*tj->progress));
	for (size_t i = 0; i < r->nmembers; i++)
		tj->progress[i] = r->members[i].action == CLAIM_REBIND ? "planned" : "kept";
	tj->hook = (struct journal_hook){ "typing", NULL, r->members, r->nmembers, tj->progress,
					  type_before, target };
	err = journal_write(r->journal, &tj->hook, r);
	if (err) {
		claim_result_why(r, "cannot write the journal %s: %s; nothing was changed", r->journal,
				 strerror(-err));
		free(tj->progress);
		free(tj);
		return err;
	}
	t->after_write = journal_after_write;
	t->priv = tj;
	return 0;
}

void claim_type_journal_pause(struct claim_txn *t)
{
	t->after_write = NULL;
}

void claim_type_journal_end(struct claim_txn *t, bool keep)
{
	struct type_journal *tj = t->priv;

	t->after_write = NULL;
	if (!tj)
		return;
	if (keep) {
		tj->hook.state = "failed";
		journal_write(t->r->journal, &tj->hook, t->r);
	} else {
		journal_remove(t->r->journal);
	}
	free(tj->progress);
	free(tj);
	t->priv = NULL;
}

/*
 * Finish an interrupted type change: the group's type back to the recorded
 * one (unbinding what is bound, since the kernel takes a type only then),
 * then every member back on its recorded driver. -ENOENT when there is no
 * type journal. On failure the journal stays, marked failed, for another try.
 */
static int type_recover(struct claim_txn *t, const struct inventory *inv, struct claim_result *r)
{
	char *path = type_journal_path(t->opts->state_dir, r->key), *why = NULL, *now = NULL;
	struct journal_hook hook;
	struct journal j;
	int err = journal_read(path, &j, &why);

	if (err) {
		if (err != -ENOENT)
			claim_result_why(r, "%s", why ? why : strerror(-err));
		free(why);
		free(path);
		return err;
	}
	if (!j.type_before) {
		claim_result_why(r, "%s: not a type-change journal (no valid type_before)", path);
		err = -EBADMSG;
		goto out;
	}
	err = domtype_read(t->v, r->group, &r->type_before);
	if (err) {
		claim_result_why(r, "cannot read the group's type: %s", strerror(-err));
		goto out;
	}
	err = members_from_journal(t->v, inv, &j, path, "interrupted type change: ", r);
	if (err || t->opts->dry_run)
		goto out;
	err = check_root(t->v, r);
	if (err)
		goto out;
	free(r->journal);
	r->journal = path;
	path = NULL;
	t->phase = "recover";
	if (strcmp(r->type_before, j.type_before)) {
		for (size_t i = 0; i < r->nmembers && !err; i++) {
			struct claim_member *m = &r->members[i];
			struct claim_devstate unbound = { .driver = NULL, .override = m->before.override };

			if (m->before.driver)
				err = claim_txn_apply(t, m, &unbound);
			if (err)
				claim_result_why(r, "%s: cannot unbind it to restore the type %s: %s", m->addr,
						 j.type_before, strerror(-err));
		}
		if (!err) {
			err = domtype_write(t, j.type_before);
			if (!err && !domtype_read(t->v, r->group, &now) && strcmp(j.type_before, "auto") &&
			    strcmp(now, j.type_before))
				err = -EIO;
			if (err)
				claim_result_why(r, "group %u: cannot write its type back to %s: %s", r->group,
						 j.type_before, now ? now : strerror(-err));
		}
	}
	for (size_t i = 0; i < r->nmembers && !err; i++) {
		struct claim_member *m = &r->members[i];

		if (m->action != CLAIM_REBIND)
			continue;
		err = claim_txn_apply(t, m, &j.devs[i].before);
		if (err)
			claim_result_why(r, "%s: cannot bind it back to %s: %s", m->addr,
					 or_none(j.devs[i].before.driver), strerror(-err));
	}
	if (err) {
		hook = (struct journal_hook){ "failed", NULL, j.devs, j.ndevs, NULL, j.type_before,
					      j.type_target };
		journal_write(r->journal, &hook, r);
		goto out;
	}
	err = journal_done(r);
out:
	free(r->type_after);
	r->type_after = NULL;
	if (domtype_read(t->v, r->group, &r->type_after))
		r->type_after = NULL;
	report_recorded(t->v, r, &j);
	free(now);
	free(why);
	free(path);
	journal_free(&j);
	return err;
}

int claim_group(struct view *v, const struct inventory *inv, const struct inv_group *g,
		const struct claim_opts *opts, struct claim_result *r)
{
	const char *target = opts->driver && *opts->driver ? opts->driver : CLAIM_DRIVER_DEFAULT;
	const char **progress = NULL;
	struct journal_hook hook;
	struct claim_txn t;
	struct journal j;
	char *why = NULL, *drvdir;
	int err, lockfd = -1;
	size_t nrebind = 0;

	memset(r, 0, sizeof(*r));
	r->target = xstrdup(target);
	claim_txn_init(&t, v, opts, r);
	if (strchr(target, '/') || !strcmp(target, ".") || !strcmp(target, ".."))
		return claim_result_why(r, "'%s' is not a driver name", target), -EUSAGE;
	r->group = g->id;
	if (!g->members.n)
		return claim_result_why(r, "group %u has no devices", g->id), -ENODEV;
	r->key = xstrdup(g->members.v[0]);
	paths_set(opts->state_dir, r);

	if (!opts->dry_run) {
		lockfd = claim_lock(opts->state_dir, r, &why);
		if (lockfd < 0) {
			claim_result_why(r, "%s", why);
			free(why);
			return lockfd;
		}
	}
	/* read the members' state under the lock: nobody else of ours is moving them */
	err = claim_members_load(v, inv, g, r);
	if (err)
		goto out;
	plan(r, target);
	for (size_t i = 0; i < r->nmembers; i++)
		nrebind += r->members[i].action == CLAIM_REBIND;
	err = claim_type_journal_check(opts->state_dir, r);
	if (err)
		goto out;

	err = journal_read(r->journal, &j, &why);
	if (err == -EBADMSG) {
		claim_result_why(r, "%s; move it away or run 'group release' after checking it", why);
		goto out;
	}
	if (err && err != -ENOENT) {
		claim_result_why(r, "cannot read the journal %s: %s", r->journal, strerror(-err));
		goto out;
	}
	if (!err) {
		bool same = streq(j.driver, target) && !strcmp(j.state, "claimed");

		if (same && !nrebind) {
			r->already = true;
		} else if (same || !strcmp(j.state, "claimed")) {
			err = -EALREADY;
			claim_result_why(r, "group %u was claimed for %s (journal %s), but %s; run 'iommuctl group "
			     "release' first", g->id, or_none(j.driver), r->journal,
			     same ? "members have changed since" : "now another driver is asked for");
		} else {
			err = -EALREADY;
			claim_result_why(r, "an interrupted %s left the journal %s (state %s, pid %ld): run "
			     "'iommuctl group release %s' to restore the group first",
			     !strcmp(j.state, "releasing") ? "release" : "claim", r->journal, j.state,
			     j.pid, r->key);
		}
		journal_free(&j);
		goto out;
	}
	err = 0;
	if (!nrebind) {
		r->already = true;
		goto out;
	}
	drvdir = xasprintf("/sys/bus/%s/drivers/%s", r->members[0].bus, target);
	if (!view_exists(v, drvdir)) {
		err = -EOPNOTSUPP;
		claim_result_why(r, "driver %s is not loaded: there is no %s (modprobe %s)", target, drvdir, target);
		free(drvdir);
		goto out;
	}
	free(drvdir);
	if (!opts->force) {
		interlocks(v, r, opts->ssh_connection);
		if (r->nhits) {
			err = interlock_refusal(r, "claim");
			goto out;
		}
	}
	if (opts->dry_run)
		goto out;
	err = check_root(v, r);
	if (err)
		goto out;

	/* the journal exists before the first change */
	progress = xcalloc(r->nmembers, sizeof(*progress));
	for (size_t i = 0; i < r->nmembers; i++)
		progress[i] = r->members[i].action == CLAIM_REBIND ? "planned" : "kept";
	hook = (struct journal_hook){ "claiming", target, r->members, r->nmembers, progress, NULL, NULL };
	err = journal_write(r->journal, &hook, r);
	if (err) {
		claim_result_why(r, "cannot write the journal %s: %s; nothing was changed", r->journal,
		     strerror(-err));
		goto out;
	}
	t.after_write = journal_after_write;
	t.priv = &hook;
	for (size_t i = 0; i < r->nmembers && !err; i++) {
		struct claim_member *m = &r->members[i];
		struct claim_devstate want = { .driver = (char *)target, .override = (char *)target };

		if (m->action != CLAIM_REBIND)
			continue;
		progress[i] = "changing";
		err = journal_write(r->journal, &hook, r);
		if (err) {
			claim_result_why(r, "cannot update the journal %s: %s", r->journal, strerror(-err));
			break;
		}
		err = claim_txn_apply(&t, m, &want);
		if (err) {
			const struct claim_step *s = r->nsteps ? &r->steps[r->nsteps - 1] : NULL;

			claim_result_why(r, "%s: %s %s: %s", m->addr, s ? s->op : "claim", s && s->path ? s->path : "",
			     s && s->detail ? s->detail : strerror(-err));
			break;
		}
		progress[i] = "claimed";
	}
	/* the rollback is not journalled step by step: the journal keeps the states to return to */
	t.after_write = NULL;
	if (!err) {
		hook.state = "claimed";
		err = journal_write(r->journal, &hook, r);
		if (err)
			claim_result_why(r, "cannot update the journal %s: %s", r->journal, strerror(-err));
	}
	if (err) {
		claim_txn_rollback(&t);
		if (!r->rollback_failed)
			journal_remove(r->journal);
		else
			journal_write(r->journal, (hook.state = "failed", &hook), r);
		goto out;
	}
	r->changed = true;
	if (vfio_like(target))
		wait_vfio_node(&t);
out:
	free(progress);
	free(why);
	read_after(v, r);
	claim_unlock(lockfd);
	return err;
}

/* ---- release ---- */

int claim_release(struct view *v, const struct inventory *inv, const struct inv_group *g,
		  const struct claim_opts *opts, struct claim_result *r)
{
	struct claim_txn t;
	struct journal j = { 0 };
	struct journal_hook hook;
	const char **progress = NULL;
	char *why = NULL, *claim_path;
	int err, lockfd = -1;
	bool any = false;

	memset(r, 0, sizeof(*r));
	claim_txn_init(&t, v, opts, r);
	t.phase = "release";
	r->group = g->id;
	if (!g->members.n)
		return claim_result_why(r, "group %u has no devices", g->id), -ENODEV;
	r->key = xstrdup(g->members.v[0]);
	paths_set(opts->state_dir, r);
	if (!opts->dry_run) {
		lockfd = claim_lock(opts->state_dir, r, &why);
		if (lockfd < 0) {
			claim_result_why(r, "%s", why);
			free(why);
			return lockfd;
		}
	}
	claim_path = xstrdup(r->journal);
	/* an interrupted type change first: it may have left devices without a driver */
	err = type_recover(&t, inv, r);
	if (err != -ENOENT) {
		if (err || opts->dry_run || access(claim_path, F_OK))
			goto out;
		/* a claim journal too: released next, from where the recovery left the devices */
		for (size_t i = 0; i < r->nmembers; i++)
			member_free(&r->members[i]);
		free(r->members);
		r->members = NULL;
		r->nmembers = 0;
		free(r->target);
		r->target = NULL;
		free(r->journal);
		r->journal = xstrdup(claim_path);
		t.phase = "release";
	}
	err = journal_read(r->journal, &j, &why);
	if (err == -ENOENT) {
		claim_result_why(r, "group %u has no claim journal (%s) and no interrupted type change: nothing "
				 "to release", g->id, r->journal);
		goto out;
	}
	if (err) {
		claim_result_why(r, "%s", why ? why : strerror(-err));
		goto out;
	}
	r->target = j.driver ? xstrdup(j.driver) : NULL;
	/* the journal's devices, each to be moved from its present state to the recorded one */
	progress = xcalloc(j.ndevs ? j.ndevs : 1, sizeof(*progress));
	err = members_from_journal(v, inv, &j, r->journal, "", r);
	if (err)
		goto out;
	for (size_t i = 0; i < j.ndevs; i++) {
		const struct claim_member *m = &r->members[i];

		progress[i] = m->action == CLAIM_REBIND ? "claimed" : "kept";
		if (m->action == CLAIM_REBIND && !claim_devstate_equal(&m->before, &j.devs[i].before))
			any = true;
	}
	if (opts->dry_run || !any) {
		r->already = !any;
		if (!any && !opts->dry_run) {
			/* the devices are as recorded: the journal has done its job */
			err = journal_remove(r->journal);
			r->changed = true;
		}
		goto out;
	}
	err = check_root(v, r);
	if (err)
		goto out;
	hook = (struct journal_hook){ "releasing", j.driver, j.devs, j.ndevs, progress, NULL, NULL };
	err = journal_write(r->journal, &hook, r);
	if (err) {
		claim_result_why(r, "cannot update the journal %s: %s; nothing was changed", r->journal,
		     strerror(-err));
		goto out;
	}
	t.after_write = journal_after_write;
	t.priv = &hook;
	/* in reverse: the last device claimed is the first given back */
	for (size_t i = r->nmembers; i-- > 0 && !err;) {
		struct claim_member *m = &r->members[i];

		if (m->action != CLAIM_REBIND)
			continue;
		err = claim_txn_apply(&t, m, &j.devs[i].before);
		if (err) {
			const struct claim_step *s = r->nsteps ? &r->steps[r->nsteps - 1] : NULL;

			claim_result_why(r, "%s: %s %s: %s", m->addr, s ? s->op : "restore",
			     s && s->path ? s->path : "", s && s->detail ? s->detail : strerror(-err));
		}
	}
	t.after_write = NULL;
	if (err) {
		for (size_t i = 0; i < j.ndevs; i++)
			progress[i] = j.devs[i].action == CLAIM_REBIND ? "claimed" : "kept";
		claim_txn_rollback(&t);
		/* back to where the release started: the journal still describes the group */
		hook.state = r->rollback_failed ? "failed" : j.state;
		journal_write(r->journal, &hook, r);
		goto out;
	}
	err = journal_done(r);
out:
	report_recorded(v, r, &j);
	free(progress);
	free(why);
	free(claim_path);
	journal_free(&j);
	claim_unlock(lockfd);
	return err;
}
