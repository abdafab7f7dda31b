/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Group claim and release (see claim.h), as sequences of the shared parts:
 * the prologue and lock (lock.c), the plan and the refusals (plan.c), the
 * journal written before the first change and after every one (journal.c),
 * and the engine that changes one device at a time and rolls back every
 * touched device on any failure (exec.c). Release also finishes a type
 * change that was interrupted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/journal.h"
#include "backends/sysfs/lock.h"
#include "backends/sysfs/plan.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

/*
 * The outcome of giving a group back to what a journal recorded: the states
 * now as "after", the recorded ones as "before" (what the group is given
 * back to).
 */
static void report_recorded(struct view *v, struct claim_result *r, const struct claim_journal *j)
{
	claim_members_read_after(v, r);
	for (size_t i = 0; i < r->nmembers && i < j->ndevs; i++) {
		claim_devstate_free(&r->members[i].before);
		claim_devstate_copy(&r->members[i].before, &j->devs[i].before);
	}
}

/* Everything is as the journal recorded: it has done its job. */
static int journal_done(int dir, struct claim_result *r)
{
	int err = claim_journal_remove(dir, r->journal);

	if (err)
		claim_result_why(r, "restored, but cannot remove the journal %s: %s", r->journal, strerror(-err));
	r->changed = true;
	return err;
}

/* At most this many devices are named in the refusal of a journal that does not match its group. */
#define MISMATCH_NAMED 8

/*
 * A journal is acted on only when it lists exactly the group's members: one
 * that names another device (tampered, stale, or another group's) would
 * have release unbind whatever it says. -EBADMSG with the difference in
 * r->why otherwise.
 */
static int journal_matches_group(const struct inv_group *g, const struct claim_journal *j, const char *path,
				 struct claim_result *r)
{
	struct strv parts = { 0 };
	size_t more = 0;
	char *list;

	for (size_t i = 0; i < j->ndevs; i++) {
		if (strv_contains(&g->members, j->devs[i].addr))
			continue;
		if (parts.n < MISMATCH_NAMED)
			strv_push_owned(&parts, xasprintf("it lists %s, which is not a member of group %u",
							  j->devs[i].addr, g->id));
		else
			more++;
	}
	for (size_t i = 0; i < g->members.n; i++) {
		bool listed = false;

		for (size_t k = 0; k < j->ndevs && !listed; k++)
			listed = !strcmp(j->devs[k].addr, g->members.v[i]);
		if (listed)
			continue;
		if (parts.n < MISMATCH_NAMED)
			strv_push_owned(&parts, xasprintf("it does not list its member %s", g->members.v[i]));
		else
			more++;
	}
	if (!parts.n)
		return 0;
	if (more)
		strv_push_owned(&parts, xasprintf("and %zu more differences", more));
	list = strv_join(&parts, "; ");
	claim_result_why(r, "the journal %s does not match group %u: %s. Nothing was changed: the group has "
			 "changed since, or the journal is not this group's; check the devices, then remove it",
			 path, g->id, list);
	free(list);
	strv_free(&parts);
	return -EBADMSG;
}

/*
 * The members a journal recorded (exactly the group's), each with its
 * present state as "before" (what a release or recovery moves it from) and
 * why: "what -> recorded driver" for the devices the change moved, kept
 * otherwise.
 */
static int members_from_journal(struct view *v, const struct inventory *inv, const struct inv_group *g,
				const struct claim_journal *j, const char *path, const char *what,
				struct claim_result *r)
{
	int err = journal_matches_group(g, j, path, r);

	if (err)
		return err;
	r->members = xcalloc(j->ndevs ? j->ndevs : 1, sizeof(*r->members));
	for (size_t i = 0; i < j->ndevs; i++) {
		struct claim_member *m = &r->members[r->nmembers++];
		const struct inv_device *d = inventory_device(inv, j->devs[i].addr);

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
				   j->devs[i].before.probe ? "the kernel's choice (held at boot)" :
				   j->devs[i].before.driver ? j->devs[i].before.driver : "unbound") :
			 xasprintf("kept by the %s: not touched", *what ? "type change" : "claim");
	}
	return 0;
}

/*
 * The interlocks of a release or recovery, over the members it would
 * unbind: those bound now to another driver than the journal recorded, or,
 * with all_bound (the type must be written back first), every bound one.
 */
static int journal_interlocks(struct claim_txn *t, const struct claim_journal *j, bool all_bound,
			      enum claim_change change)
{
	struct claim_result *r = t->r;
	bool *unbinds = xcalloc(r->nmembers ? r->nmembers : 1, sizeof(*unbinds));
	int err;

	for (size_t i = 0; i < r->nmembers; i++) {
		const struct claim_member *m = &r->members[i];

		unbinds[i] = m->before.driver &&
			     (all_bound || (m->action == CLAIM_REBIND &&
					    !claim_streq(m->before.driver, j->devs[i].before.driver)));
	}
	err = claim_interlocks_refuse(t->v, t->opts, r, change, unbinds);
	free(unbinds);
	return err;
}

/* At most this many holders are named in a refusal. */
#define HOLDERS_NAMED 4

/*
 * A release unbinds members from the VFIO driver: refused (-EBUSY, the
 * exit status of "busy") while a process holds the group, its node, a
 * member's cdev or a device fd (r->holders), unless opts->force, which
 * goes on and says so (r->holders_forced). A /proc that cannot be listed
 * refuses nothing: the interlocks and the kernel still have their say.
 */
static int holders_refuse(struct claim_txn *t, const struct inventory *inv, const struct inv_group *g)
{
	struct claim_result *r = t->r;
	struct strv parts = { 0 };
	size_t total;
	char *list;

	claim_holders_free(&r->holders);
	if (claim_holders_find(t->v, inv, g, NULL, &r->holders) || !r->holders.n)
		return 0;
	if (t->opts->force) {
		r->holders_forced = true;
		return 0;
	}
	for (size_t i = 0; i < r->holders.n && i < HOLDERS_NAMED; i++)
		strv_push_owned(&parts, claim_holder_text(&r->holders.v[i]));
	total = r->holders.n + r->holders.dropped;
	if (total > HOLDERS_NAMED)
		strv_push_owned(&parts, xasprintf("and %zu more", total - HOLDERS_NAMED));
	list = strv_join(&parts, ", ");
	claim_result_why(r, "group %u: %s; close %s or use --force", r->group, list, total > 1 ? "them" : "it");
	free(list);
	strv_free(&parts);
	return -EBUSY;
}

/*
 * Finish an interrupted type change: the group's type back to the recorded
 * one (unbinding what is bound, since the kernel takes a type only then),
 * then every member back on its recorded driver. -ENOENT when there is no
 * type journal. On failure the journal stays, marked failed, for another try.
 */
static int type_recover(struct claim_txn *t, const struct inventory *inv, const struct inv_group *g,
			struct claim_result *r)
{
	char *path = claim_type_journal_path(t->opts->state_dir, r->key), *why = NULL, *now = NULL;
	struct claim_journal_hook hook;
	struct claim_journal j;
	int err = claim_journal_read(t->dir, path, r->source, &j, &why);

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
	err = members_from_journal(t->v, inv, g, &j, path, "interrupted type change: ", r);
	if (!err)
		err = journal_interlocks(t, &j, strcmp(r->type_before, j.type_before), CLAIM_CHANGE_RECOVER);
	if (!err)
		err = holders_refuse(t, inv, g);
	if (err || t->opts->dry_run)
		goto out;
	err = claim_check_root(t->v, r);
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
					 claim_or_none(j.devs[i].before.driver), strerror(-err));
	}
	if (err) {
		hook = (struct claim_journal_hook){ "failed", NULL, j.devs, j.ndevs, NULL, j.type_before,
						    j.type_target };
		claim_journal_write(t->dir, r->journal, &hook, r);
		goto out;
	}
	err = journal_done(t->dir, r);
out:
	free(r->type_after);
	r->type_after = NULL;
	if (domtype_read(t->v, r->group, &r->type_after))
		r->type_after = NULL;
	report_recorded(t->v, r, &j);
	free(now);
	free(why);
	free(path);
	claim_journal_free(&j);
	return err;
}

/* A claim journal already there: the group is claimed (r->already) or -EALREADY with why. */
static int journal_refusal(struct claim_result *r, const struct claim_journal *j, const char *target,
				 size_t nrebind)
{
	bool same = claim_streq(j->driver, target) && !strcmp(j->state, "claimed");

	if (same && !nrebind) {
		r->already = true;
		return 0;
	}
	if (same || !strcmp(j->state, "claimed"))
		return claim_result_why(r, "group %u was claimed for %s (journal %s), but %s; run 'iommuctl group "
					"release' first", r->group, claim_or_none(j->driver), r->journal,
					same ? "members have changed since" : "now another driver is asked for"),
		       -EALREADY;
	return claim_result_why(r, "an interrupted %s left the journal %s (state %s, pid %ld): run "
				"'iommuctl group release %s' to restore the group first",
				!strcmp(j->state, "releasing") ? "release" : "claim", r->journal, j->state,
				j->pid, r->key), -EALREADY;
}

/*
 * A member found unbound with the driver_override that `apply hook` wrote
 * at boot (its marker ADDR.held in the claims directory says which) was
 * held before any driver could bind it: what it had before is the kernel's
 * choice (claim_devstate.probe), and that is what a release gives back.
 * One found bound to that very driver was held too, and taken by the
 * driver as its module loaded (modprobe vfio-pci binds what
 * driver_override names, as iommuctl-apply.service does before apply):
 * it stays as it is (held_bound), and the journal gives it back the same way.
 */
static void held_adjust(int dir, struct claim_result *r)
{
	for (size_t i = 0; dir >= 0 && i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];
		char *name, buf[72];
		struct stat st;
		ssize_t n;
		int fd;

		if (!m->before.override || (m->before.driver && strcmp(m->before.driver, m->before.override)))
			continue;
		name = xasprintf("%s%s", m->addr, CLAIM_HELD_SUFFIX);
		fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		free(name);
		if (fd < 0)
			continue;
		n = !fstat(fd, &st) && S_ISREG(st.st_mode) && (st.st_uid == geteuid() || st.st_uid == 0) ?
		    read(fd, buf, sizeof(buf) - 1) : -1;
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		str_rstrip(buf);
		if (strcmp(buf, m->before.override))
			continue;
		if (m->before.driver) {
			m->held_bound = true;
			continue;
		}
		free(m->before.override);
		m->before.override = NULL;
		m->before.probe = true;
	}
}

/*
 * The devices as the journal records them: a held_bound member as moved by
 * the claim from the kernel's choice. A shallow copy (free the array only);
 * *nheld counts those members.
 */
static struct claim_member *journal_devs(const struct claim_result *r, size_t *nheld)
{
	struct claim_member *devs = xcalloc(r->nmembers ? r->nmembers : 1, sizeof(*devs));

	*nheld = 0;
	for (size_t i = 0; i < r->nmembers; i++) {
		devs[i] = r->members[i];
		if (devs[i].held_bound) {
			devs[i].action = CLAIM_REBIND;
			devs[i].before = (struct claim_devstate){ .probe = true };
			++*nheld;
		}
	}
	return devs;
}

/*
 * Nothing to change, but members held at boot and bound since: the journal
 * of a claim that is done, so that a release gives them back (without it,
 * nothing could until the next boot).
 */
static int held_journal(int dir, const struct claim_opts *opts, const char *target, struct claim_result *r)
{
	struct claim_journal_hook hook;
	const char **progress;
	struct claim_member *devs;
	size_t nheld;
	int err = 0;

	devs = journal_devs(r, &nheld);
	r->adopt = nheld > 0;
	for (size_t i = 0; i < r->nmembers; i++)
		if (r->members[i].held_bound) {
			free(r->members[i].why);
			r->members[i].why = xasprintf("held at boot (apply hook), taken by %s as it loaded: kept", target);
		}
	if (nheld && !opts->dry_run) {
		progress = xcalloc(r->nmembers ? r->nmembers : 1, sizeof(*progress));
		for (size_t i = 0; i < r->nmembers; i++)
			progress[i] = devs[i].action == CLAIM_REBIND ? "claimed" : "kept";
		hook = (struct claim_journal_hook){ "claimed", target, devs, r->nmembers, progress, NULL, NULL };
		err = claim_journal_write(dir, r->journal, &hook, r);
		if (err)
			claim_result_why(r, "cannot write the journal %s: %s", r->journal, strerror(-err));
		free(progress);
	}
	free(devs);
	return err;
}

int claim_group(struct view *v, const struct inventory *inv, const struct inv_group *g,
		const struct claim_opts *opts, struct claim_result *r)
{
	const char *target = opts->driver && *opts->driver ? opts->driver : CLAIM_DRIVER_DEFAULT;
	const char **progress = NULL;
	struct claim_member *jdevs = NULL;
	struct claim_journal_hook hook;
	struct claim_txn t;
	struct claim_journal j;
	struct claim_hold hold;
	char *why = NULL, *drvdir, *unloaded = NULL;
	size_t nheld;
	int err;
	size_t nrebind = 0;

	memset(r, 0, sizeof(*r));
	r->target = xstrdup(target);
	claim_txn_init(&t, v, opts, r);
	if (!claim_name_valid(target)) {
		char *q = claim_name_quote(target);

		claim_result_why(r, "%s is not a driver name ([A-Za-z0-9_.-], not starting with a dot)", q);
		free(q);
		return -EUSAGE;
	}
	err = claim_begin(opts, g, r, &hold);
	if (err)
		return err;
	t.dir = hold.dir;
	/* read the members' state under the lock: nobody else of ours is moving them */
	err = claim_members_load(v, inv, g, r);
	if (err)
		goto out;
	held_adjust(hold.dir, r);
	claim_plan(r, target);
	for (size_t i = 0; i < r->nmembers; i++)
		nrebind += r->members[i].action == CLAIM_REBIND;
	err = claim_type_journal_check(hold.dir, opts->state_dir, r);
	if (err)
		goto out;

	err = claim_journal_read(hold.dir, r->journal, r->source, &j, &why);
	if (err && err != -ENOENT) {
		claim_result_why(r, "%s", why);
		goto out;
	}
	if (!err) {
		err = journal_refusal(r, &j, target, nrebind);
		claim_journal_free(&j);
		goto out;
	}
	err = 0;
	if (!nrebind) {
		r->already = true;
		err = held_journal(hold.dir, opts, target, r);
		goto out;
	}
	drvdir = xasprintf("/sys/bus/%s/drivers/%s", r->members[0].bus, target);
	if (!view_exists(v, drvdir)) {
		unloaded = xasprintf("driver %s is not loaded: there is no %s", target, drvdir);
		/* a dry run (of a snapshot, say) plans on: loading the driver is its first step */
		if (!opts->dry_run) {
			err = -EOPNOTSUPP;
			claim_result_why(r, "%s (modprobe %s)", unloaded, target);
			free(drvdir);
			goto out;
		}
	}
	free(drvdir);
	err = claim_interlocks_refuse(v, opts, r, CLAIM_CHANGE_CLAIM, NULL);
	if (!err && unloaded)
		claim_result_why(r, "%s: the claim needs 'modprobe %s' first", unloaded, target);
	if (err || opts->dry_run)
		goto out;
	err = claim_check_root(v, r);
	if (err)
		goto out;

	/* the journal exists before the first change */
	jdevs = journal_devs(r, &nheld);
	progress = xcalloc(r->nmembers, sizeof(*progress));
	for (size_t i = 0; i < r->nmembers; i++)
		progress[i] = r->members[i].action == CLAIM_REBIND ? "planned" :
			      r->members[i].held_bound ? "claimed" : "kept";
	hook = (struct claim_journal_hook){ "claiming", target, jdevs, r->nmembers, progress, NULL, NULL };
	err = claim_journal_write(hold.dir, r->journal, &hook, r);
	if (err) {
		claim_result_why(r, "cannot write the journal %s: %s; nothing was changed", r->journal,
		     strerror(-err));
		goto out;
	}
	t.after_write = claim_journal_after_write;
	t.priv = &hook;
	for (size_t i = 0; i < r->nmembers && !err; i++) {
		struct claim_member *m = &r->members[i];
		struct claim_devstate want = { .driver = (char *)target, .override = (char *)target };

		if (m->action != CLAIM_REBIND)
			continue;
		progress[i] = "changing";
		err = claim_journal_write(hold.dir, r->journal, &hook, r);
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
		err = claim_journal_write(hold.dir, r->journal, &hook, r);
		if (err)
			claim_result_why(r, "cannot update the journal %s: %s", r->journal, strerror(-err));
	}
	if (err) {
		claim_txn_rollback(&t);
		if (!r->rollback_failed)
			claim_journal_remove(hold.dir, r->journal);
		else
			claim_journal_write(hold.dir, r->journal, (hook.state = "failed", &hook), r);
		goto out;
	}
	r->changed = true;
	if (claim_vfio_like(target))
		claim_txn_wait_vfio_node(&t);
out:
	free(progress);
	free(jdevs);
	free(why);
	free(unloaded);
	claim_members_read_after(v, r);
	claim_end(&hold);
	return err;
}

int claim_release(struct view *v, const struct inventory *inv, const struct inv_group *g,
		  const struct claim_opts *opts, struct claim_result *r)
{
	struct claim_txn t;
	struct claim_journal j = { 0 };
	struct claim_journal_hook hook;
	const char **progress = NULL;
	struct claim_hold hold;
	char *why = NULL, *claim_path;
	int err;
	bool any = false;

	memset(r, 0, sizeof(*r));
	claim_txn_init(&t, v, opts, r);
	t.phase = "release";
	err = claim_begin(opts, g, r, &hold);
	if (err)
		return err;
	t.dir = hold.dir;
	claim_path = xstrdup(r->journal);
	/* an interrupted type change first: it may have left devices without a driver */
	err = type_recover(&t, inv, g, r);
	if (err != -ENOENT) {
		if (err || opts->dry_run || !claim_journal_exists(hold.dir, claim_path))
			goto out;
		/* a claim journal too: released next, from where the recovery left the devices */
		claim_members_clear(r);
		free(r->target);
		r->target = NULL;
		free(r->journal);
		r->journal = xstrdup(claim_path);
		t.phase = "release";
	}
	err = claim_journal_read(hold.dir, r->journal, r->source, &j, &why);
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
	err = members_from_journal(v, inv, g, &j, r->journal, "", r);
	if (!err)
		err = journal_interlocks(&t, &j, false, CLAIM_CHANGE_RELEASE);
	if (err)
		goto out;
	for (size_t i = 0; i < j.ndevs; i++) {
		const struct claim_member *m = &r->members[i];

		progress[i] = m->action == CLAIM_REBIND ? "claimed" : "kept";
		if (m->action == CLAIM_REBIND && !claim_devstate_equal(&m->before, &j.devs[i].before))
			any = true;
	}
	/* a process holding the group: taking its devices away is refused, dry run or not */
	if (any) {
		err = holders_refuse(&t, inv, g);
		if (err)
			goto out;
	}
	if (opts->dry_run || !any) {
		r->already = !any;
		if (!any && !opts->dry_run) {
			/* the devices are as recorded: the journal has done its job */
			err = claim_journal_remove(hold.dir, r->journal);
			r->changed = true;
		}
		goto out;
	}
	err = claim_check_root(v, r);
	if (err)
		goto out;
	hook = (struct claim_journal_hook){ "releasing", j.driver, j.devs, j.ndevs, progress, NULL, NULL };
	err = claim_journal_write(hold.dir, r->journal, &hook, r);
	if (err) {
		claim_result_why(r, "cannot update the journal %s: %s; nothing was changed", r->journal,
		     strerror(-err));
		goto out;
	}
	t.after_write = claim_journal_after_write;
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
		claim_journal_write(hold.dir, r->journal, &hook, r);
		goto out;
	}
	err = journal_done(hold.dir, r);
out:
	report_recorded(v, r, &j);
	free(progress);
	free(why);
	free(claim_path);
	claim_journal_free(&j);
	claim_end(&hold);
	return err;
}
