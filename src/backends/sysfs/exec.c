/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The execution engine (see exec.h): one device at a time through
 * driver_override, unbind, drivers_probe (and bind as a fallback), each
 * change verified by reading the driver link back, every write and check
 * recorded as a step, and the rollback that puts every touched member back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/sysfs/exec.h"
#include "backends/sysfs/plan.h"
#include "backends/sysfs/inventory.h"
#include "core/util.h"
#include "core/view.h"

#define POLL_MS 10

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

/* ---- results ---- */

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

void claim_member_free(struct claim_member *m)
{
	free(m->addr);
	free(m->bus);
	free(m->path);
	free(m->why);
	claim_devstate_free(&m->before);
	claim_devstate_free(&m->after);
}

void claim_members_clear(struct claim_result *r)
{
	for (size_t i = 0; i < r->nmembers; i++)
		claim_member_free(&r->members[i]);
	free(r->members);
	r->members = NULL;
	r->nmembers = 0;
}

void claim_result_release(struct claim_result *r)
{
	claim_members_clear(r);
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
	claim_holders_free(&r->holders);
	free(r->key);
	free(r->journal);
	free(r->lock);
	free(r->source);
	free(r->target);
	free(r->why);
	free(r->type_before);
	free(r->type_after);
	memset(r, 0, sizeof(*r));
}

/* ---- device states ---- */

void claim_devstate_free(struct claim_devstate *st)
{
	free(st->driver);
	free(st->override);
	st->driver = st->override = NULL;
}

bool claim_devstate_equal(const struct claim_devstate *a, const struct claim_devstate *b)
{
	if (a->probe || b->probe) {
		const struct claim_devstate *s = a->probe ? b : a;

		/* the kernel's choice: no override, and no VFIO driver it would never pick */
		return (a->probe && b->probe) || (!s->override && !claim_vfio_like(s->driver));
	}
	return claim_streq(a->driver, b->driver) && claim_streq(a->override, b->override);
}

void claim_devstate_copy(struct claim_devstate *dst, const struct claim_devstate *src)
{
	dst->driver = src->driver ? xstrdup(src->driver) : NULL;
	dst->override = src->override ? xstrdup(src->override) : NULL;
	dst->probe = src->probe;
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

/* ---- members ---- */

int claim_members_check(const struct inv_group *g, struct claim_result *r)
{
	/* members not all known: acting on some of them would leave the group half done */
	if (g->members_err)
		return claim_result_why(r, "%s", g->reason ? g->reason : "its members cannot be listed"), -ENODATA;
	if (!g->members.n)
		return claim_result_why(r, "group %u has no devices", g->id), -ENODEV;
	return 0;
}

int claim_members_load(struct view *v, const struct inventory *inv, const struct inv_group *g,
		       struct claim_result *r)
{
	int err;

	r->group = g->id;
	if ((err = claim_members_check(g, r)))
		return err;
	/* members are in natural order: the first is the lowest address */
	if (!r->key)
		r->key = xstrdup(g->members.v[0]);
	r->members = xcalloc(g->members.n, sizeof(*r->members));
	for (size_t i = 0; i < g->members.n; i++) {
		const struct inv_device *d = inventory_device(inv, g->members.v[i]);
		struct claim_member *m = &r->members[r->nmembers++];

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

void claim_members_read_after(struct view *v, struct claim_result *r)
{
	for (size_t i = 0; i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];

		claim_devstate_free(&m->after);
		if (claim_devstate_read(v, m->bus, m->addr, &m->after))
			memset(&m->after, 0, sizeof(m->after));
	}
}

/* ---- the transaction ---- */

void claim_txn_init(struct claim_txn *t, struct view *v, const struct claim_opts *opts,
		    struct claim_result *r)
{
	memset(t, 0, sizeof(*t));
	t->v = v;
	t->opts = opts;
	t->r = r;
	t->phase = "claim";
	t->dir = -1;
	t->settle_ms = opts->settle_ms >= 0 ? opts->settle_ms : CLAIM_SETTLE_MS_DEFAULT;
}

bool claim_name_valid(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
	size_t n = s ? strlen(s) : 0;

	return n && n <= 64 && s[0] != '.' && strspn(s, ok) == n;
}

char *claim_name_quote(const char *s)
{
	size_t n = strlen(s), cut = n > 64 ? 64 : n;
	char *q = xmalloc(cut * 4 + 8), *p = q;

	*p++ = '"';
	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	*p++ = '"';
	if (cut < n)
		p += sprintf(p, "...");
	*p = '\0';
	return q;
}

struct claim_step *claim_txn_step(struct claim_txn *t, const char *device, const char *op,
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

void claim_txn_step_done(struct claim_txn *t, struct claim_step *s)
{
	if (t->opts->step_cb)
		t->opts->step_cb(t->opts->cb_arg, s);
}

int claim_txn_write(struct claim_txn *t, const char *device, const char *op, const char *path,
		    const char *value)
{
	struct claim_step *s = claim_txn_step(t, device, op, path, value);
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
	claim_txn_step_done(t, s);
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
		if (err || claim_streq(st.driver, want))
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
	s = claim_txn_step(t, m->addr, "verify", link, want ? want : "(unbound)");
	s->err = err;
	if (!err)
		s->detail = xasprintf(want ? "bound to %s" : "unbound", want);
	else if (err == -ENODEV)
		s->detail = xstrdup("the device disappeared");
	else if (err == -EBUSY)
		s->detail = xasprintf("bound to %s instead of %s", st.driver, want);
	else if (err == -ETIMEDOUT)
		s->detail = want ? xasprintf("not bound to %s after %d ms (driver: %s)", want,
					     t->settle_ms, claim_or_none(st.driver)) :
				   xasprintf("still bound to %s after %d ms", st.driver, t->settle_ms);
	else
		s->detail = xasprintf("cannot read the driver link: %s", strerror(-err));
	claim_txn_step_done(t, s);
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

/*
 * Back to the kernel's choice (claim_devstate.probe): unbind what holds
 * it, clear driver_override, and let the kernel probe. Whatever binds then
 * (or nothing, for a device no loaded driver takes) is the outcome.
 */
static int apply_probe(struct claim_txn *t, struct claim_member *m, const struct claim_devstate *cur)
{
	struct claim_devstate probe = { .probe = true };
	char *path;
	int err = 0;

	if (claim_devstate_equal(cur, &probe))
		return 0;
	m->touched = true;
	if (cur->driver) {
		path = xasprintf("/sys/bus/%s/drivers/%s/unbind", m->bus, cur->driver);
		err = claim_txn_write(t, m->addr, "unbind", path, m->addr);
		free(path);
		if (!err)
			err = wait_driver(t, m, NULL);
	}
	if (!err && cur->override)
		err = set_override(t, m, NULL);
	if (!err) {
		path = xasprintf("/sys/bus/%s/drivers_probe", m->bus);
		err = claim_txn_write(t, m->addr, "drivers_probe", path, m->addr);
		free(path);
	}
	return err;
}

int claim_txn_apply(struct claim_txn *t, struct claim_member *m, const struct claim_devstate *want)
{
	struct claim_devstate cur;
	const char *ovr;
	char *path;
	int err;

	/* the last guard of what reaches sysfs: names only, never a path or a second line */
	if ((want->driver && !claim_name_valid(want->driver)) ||
	    (want->override && !claim_name_valid(want->override)) || !claim_name_valid(m->bus))
		return -EINVAL;
	err = claim_devstate_read(t->v, m->bus, m->addr, &cur);
	if (err)
		return err;
	ovr = cur.override;
	if (want->probe) {
		err = apply_probe(t, m, &cur);
		goto out;
	}
	if (claim_streq(cur.driver, want->driver)) {
		if (!claim_streq(cur.override, want->override)) {
			m->touched = true;
			err = set_override(t, m, want->override);
		}
		goto out;
	}
	m->touched = true;
	/* driver_override first: the device can then only match the driver we want */
	if (want->driver && !claim_streq(ovr, want->driver)) {
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
	if (!claim_streq(ovr, want->override))
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
					m->before.probe ?
					xasprintf("%s: could not give it back to the kernel's choice of driver: %s",
						  m->addr, strerror(-err)) :
					xasprintf("%s: could not restore driver %s, driver_override %s: %s",
						  m->addr, claim_or_none(m->before.driver),
						  claim_or_none(m->before.override), strerror(-err)));
	}
	r->rolled_back = true;
	r->rollback_failed = r->rollback_errors.n > 0;
	t->phase = saved;
}

void claim_txn_wait_vfio_node(struct claim_txn *t)
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
	s = claim_txn_step(t, NULL, "verify", plain, "exists");
	s->detail = found ? xstrdup("VFIO group node present") :
			    xasprintf("no %s after %d ms", plain, t->settle_ms);
	claim_txn_step_done(t, s);
	free(plain);
	free(noiommu);
}
