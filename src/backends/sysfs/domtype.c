/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Group default-domain type changes (see domtype.h). The kernel's rule
 * (Documentation/ABI/testing/sysfs-kernel-iommu_groups, "type"): writable
 * since v5.11 by CAP_SYS_ADMIN + CAP_SYS_RAWIO, only while no driver is
 * bound in the group and the group has no DMA owner (VFIO, iommufd); the
 * DMA -> DMA-FQ switch (v5.15) needs neither.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/journal.h"
#include "backends/sysfs/lock.h"
#include "backends/sysfs/plan.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

#define CAP_SYS_RAWIO 17
#define CAP_SYS_ADMIN 21

static const char *const type_words[] = { "DMA", "DMA-FQ", "identity", "auto" };

bool domtype_word_valid(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_words); i++)
		if (!strcmp(word, type_words[i]))
			return true;
	return false;
}

int domtype_kernel_version(struct view *v)
{
	char *rel = NULL;
	unsigned int maj, min;
	int ver = -1;

	if (view_read_str(v, &rel, "/proc/sys/kernel/osrelease"))
		return -1;
	if (sscanf(rel, "%u.%u", &maj, &min) == 2)
		ver = (int)(maj * 1000 + min);
	free(rel);
	return ver;
}


int domtype_read(struct view *v, unsigned int id, char **type)
{
	return view_read_str(v, type, "/sys/kernel/iommu_groups/%u/type", id);
}

int domtype_write(struct claim_txn *t, const char *word)
{
	char *path = xasprintf("/sys/kernel/iommu_groups/%u/type", t->r->group);
	int err = claim_txn_write(t, NULL, "type", path, word);

	free(path);
	return err;
}

static const char *type_errmsg(int err)
{
	switch (-err) {
	case EPERM:
	case EBUSY:
		return "the kernel refused: a driver is still bound, or VFIO/iommufd owns the group";
	case EACCES:
		return "the kernel refused: CAP_SYS_ADMIN and CAP_SYS_RAWIO are needed";
	case EINVAL:
		return "the kernel does not accept this type for this group";
	default:
		return strerror(-err);
	}
}

/* Unbind every member still bound (rollback phase), then write the old type back. */
static void rollback_type(struct claim_txn *t, const char *old)
{
	struct claim_result *r = t->r;
	char *now = NULL;
	int err;

	t->phase = "rollback";
	if (!domtype_read(t->v, r->group, &now) && !strcmp(now, old)) {
		free(now);
		return;
	}
	free(now);
	for (size_t i = 0; i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];
		struct claim_devstate unbound = { .driver = NULL, .override = m->before.override };

		if (m->action != CLAIM_REBIND)
			continue;
		err = claim_txn_apply(t, m, &unbound);
		if (err)
			strv_push_owned(&r->rollback_errors,
					xasprintf("%s: cannot unbind it to restore the type: %s", m->addr,
						  strerror(-err)));
	}
	err = domtype_write(t, old);
	if (err)
		strv_push_owned(&r->rollback_errors,
				xasprintf("group %u: cannot write its type back to %s: %s", r->group, old,
					  type_errmsg(err)));
}

int domtype_set(struct view *v, const struct inventory *inv, const struct inv_group *g,
		const char *word, const struct claim_opts *opts, struct claim_result *r)
{
	unsigned long long cap = 0;
	long euid;
	struct claim_txn t;
	char *path;
	struct claim_hold hold;
	int err, ver;
	bool type_written = false;

	memset(r, 0, sizeof(*r));
	claim_txn_init(&t, v, opts, r);
	t.phase = "type";
	r->group = g->id;
	r->target = xstrdup(word);
	if (!domtype_word_valid(word)) {
		claim_result_why(r, "'%s' is not a domain type: DMA, DMA-FQ, identity or auto", word);
		return -EUSAGE;
	}
	/* kernel support first: nothing else matters without it */
	path = xasprintf("/sys/kernel/iommu_groups/%u/type", g->id);
	err = domtype_read(v, g->id, &r->type_before);
	if (err) {
		claim_result_why(r, "this kernel has no %s (%s): it cannot show or change default domain types",
		    path, strerror(-err));
		free(path);
		return -EOPNOTSUPP;
	}
	free(path);
	ver = domtype_kernel_version(v);
	if (ver >= 0 && ver < 5011) {
		claim_result_why(r, "the type attribute is read-only before Linux 5.11 (this is %d.%d)", ver / 1000,
		    ver % 1000);
		return -EOPNOTSUPP;
	}
	if (ver >= 0 && ver < 5015 && !strcmp(word, "DMA-FQ")) {
		claim_result_why(r, "DMA-FQ can be written from Linux 5.15 on (this is %d.%d)", ver / 1000, ver % 1000);
		return -EOPNOTSUPP;
	}

	err = claim_begin(opts, g, r, &hold);
	if (err)
		return err;
	t.dir = hold.dir;
	/* state read under the lock */
	free(r->type_before);
	r->type_before = NULL;
	err = domtype_read(v, g->id, &r->type_before);
	if (err) {
		claim_result_why(r, "cannot read the group's type: %s", strerror(-err));
		goto out;
	}
	err = claim_members_load(v, inv, g, r);
	if (!err)
		err = claim_type_journal_check(hold.dir, opts->state_dir, r);
	if (err)
		goto out;
	r->type_no_unbind = !strcmp(word, "DMA-FQ") && !strcmp(r->type_before, "DMA");
	for (size_t i = 0; i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];

		if (r->type_no_unbind || !m->before.driver) {
			m->action = CLAIM_KEEP;
			m->why = xstrdup(r->type_no_unbind ? "stays bound: DMA -> DMA-FQ needs no unbind" :
							      "unbound: nothing to do");
		} else {
			m->action = CLAIM_REBIND;
			m->why = xasprintf("unbind from %s, rebind after the type is written",
					   m->before.driver);
		}
	}
	if (!strcmp(r->type_before, word)) {
		r->already = true;
		r->type_after = xstrdup(word);
		goto out;
	}
	/* privileges: the kernel's check is capable(CAP_SYS_ADMIN) && capable(CAP_SYS_RAWIO) */
	if (!claim_caps_read(v, &cap, &euid) &&
	    (!(cap & (1ull << CAP_SYS_ADMIN)) || !(cap & (1ull << CAP_SYS_RAWIO)))) {
		err = -EPERM;
		claim_result_why(r, "changing a group's type needs CAP_SYS_ADMIN and CAP_SYS_RAWIO "
		    "(effective capabilities 0x%llx lack %s)", cap,
		    !(cap & (1ull << CAP_SYS_ADMIN)) && !(cap & (1ull << CAP_SYS_RAWIO)) ?
		    "both" : !(cap & (1ull << CAP_SYS_ADMIN)) ? "CAP_SYS_ADMIN" : "CAP_SYS_RAWIO");
		goto out;
	}
	/* ownership: a process holding the group's VFIO node or a member's cdev */
	r->vfio.known = claim_vfio_users(v, inv, g, &r->vfio.users) == 0;
	if (r->vfio.users.n) {
		char *list = strv_join(&r->vfio.users, "; ");

		err = -EBUSY;
		claim_result_why(r, "group %u is in use by VFIO: %s", g->id, list);
		free(list);
		goto out;
	}
	/* DMA -> DMA-FQ unbinds nobody: no member is to be rebound, no interlock is asked */
	err = claim_interlocks_refuse(v, opts, r, CLAIM_CHANGE_TYPE, NULL);
	if (err)
		goto out;
	/* an interrupted type change must be undone first; then the journal, before the first write */
	err = claim_type_journal_begin(&t, r->type_before, word);
	if (err || opts->dry_run)
		goto out;

	/* 1. unbind, keeping each driver_override as it is */
	for (size_t i = 0; i < r->nmembers && !err; i++) {
		struct claim_member *m = &r->members[i];
		struct claim_devstate unbound = { .driver = NULL, .override = m->before.override };

		if (m->action == CLAIM_REBIND) {
			err = claim_txn_apply(&t, m, &unbound);
			if (err)
				claim_result_why(r, "%s: cannot unbind it from %s: %s", m->addr, m->before.driver,
				    r->nsteps && r->steps[r->nsteps - 1].detail ?
				    r->steps[r->nsteps - 1].detail : strerror(-err));
		}
	}
	/* 2. the type */
	if (!err) {
		err = domtype_write(&t, word);
		type_written = !err;
		if (err == -EINVAL && !strcmp(word, "DMA-FQ")) {
			claim_result_why(r, "the kernel does not accept DMA-FQ for group %u (%s)", g->id, type_errmsg(err));
		} else if (err == -EACCES && cap == 0) {
			claim_result_why(r, "cannot write the type of group %u: %s (the attribute is read-only, or "
			    "CAP_SYS_ADMIN and CAP_SYS_RAWIO are missing)", g->id, strerror(-err));
		} else if (err) {
			claim_result_why(r, "cannot write %s to the type of group %u: %s", word, g->id, type_errmsg(err));
		}
	}
	if (!err) {
		struct claim_step *s;
		char *now = NULL;

		err = domtype_read(v, g->id, &now);
		path = xasprintf("/sys/kernel/iommu_groups/%u/type", g->id);
		s = claim_txn_step(&t, NULL, "verify", path, word);
		free(path);
		if (!err && strcmp(word, "auto") && strcmp(now, word))
			err = -EIO;
		s->err = err;
		s->detail = err ? xasprintf("reads back %s", now ? now : strerror(-err)) :
				  xasprintf("now %s", now);
		if (err)
			claim_result_why(r, "group %u: wrote %s but the type reads back %s", g->id, word,
			    now ? now : strerror(-err));
		claim_txn_step_done(&t, s);
		free(now);
	}
	/* 3. rebind as before */
	for (size_t i = 0; i < r->nmembers && !err; i++) {
		struct claim_member *m = &r->members[i];

		if (m->action == CLAIM_REBIND) {
			err = claim_txn_apply(&t, m, &m->before);
			if (err)
				claim_result_why(r, "%s: cannot bind it back to %s under the new type: %s", m->addr,
				    m->before.driver, r->nsteps && r->steps[r->nsteps - 1].detail ?
				    r->steps[r->nsteps - 1].detail : strerror(-err));
		}
	}
	if (err) {
		/* the rollback is not journalled step by step: the journal keeps the states to return to */
		claim_type_journal_pause(&t);
		if (type_written || r->writes)
			rollback_type(&t, r->type_before);
		claim_txn_rollback(&t);
		claim_type_journal_end(&t, r->rollback_failed || r->rollback_errors.n);
		goto out;
	}
	claim_type_journal_end(&t, false);
	r->changed = true;
out:
	free(r->type_after);
	r->type_after = NULL;
	if (domtype_read(v, g->id, &r->type_after))
		r->type_after = NULL;
	claim_members_read_after(v, r);
	claim_end(&hold);
	return err;
}
