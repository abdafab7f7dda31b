/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Apply and check a desired state (see apply.h). The plan reads only; the
 * run changes groups through the claim engine (claim.h, domtype.h), whose
 * journals make every group's change recoverable on its own, and keeps the
 * list of what this run changed so that a failure anywhere undoes all of
 * it, newest first. The record (applied.json) is written once the run has
 * succeeded, replaced by a rename, and read back as untrusted input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/sysfs/apply.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/lock.h"
#include "core/fileio.h"
#include "core/util.h"
#include "core/view.h"
#include "output/out.h"

/* ---- small helpers ---- */

__attribute__((format(printf, 2, 3)))
static void push(struct strv *sv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strv_push_owned(sv, xvasprintf(fmt, ap));
	va_end(ap);
}

/* The IDs found, in the words of a line's (desired_ids_format). */
static void dev_ids(const struct inv_device *d, char *buf, size_t len)
{
	struct desired_ids ids = { d->vendor, d->device, d->has_subsys, d->subsys_vendor, d->subsys_device };

	if (!d->has_vendor || !d->has_device)
		snprintf(buf, len, "?:?");
	else
		desired_ids_format(&ids, buf, len);
}

/* Whether the device found matches the IDs a line expects (subsystem only when given). */
static bool ids_match(const struct inv_device *d, const struct desired_ids *want)
{
	if (!d->has_vendor || !d->has_device || d->vendor != want->vendor || d->device != want->device)
		return false;
	if (!want->has_subsys)
		return true;
	return d->has_subsys && d->subsys_vendor == want->subsys_vendor &&
	       d->subsys_device == want->subsys_device;
}

/* "0000:00:1f.4 (8086:a323, smbus, on i801_smbus)" */
static char *dev_words(const struct inv_device *d, const char *addr)
{
	char ids[48];
	const char *cw = d ? desired_class_word(d->class_code) : NULL;

	if (!d)
		return xstrdup(addr);
	dev_ids(d, ids, sizeof(ids));
	return xasprintf("%s (%s%s%s, %s%s)", addr, ids, cw && d->has_class ? ", " : "",
			 cw && d->has_class ? cw : "", d->driver ? "on " : "",
			 d->driver ? d->driver : "unbound");
}

void apply_plan_free(struct apply_plan *p)
{
	for (size_t i = 0; i < p->ngroups; i++) {
		struct apply_group *g = &p->groups[i];

		free(g->key);
		free(g->driver);
		free(g->type_want);
		free(g->type_now);
		for (size_t k = 0; k < g->nmembers; k++)
			free(g->members[k].addr);
		free(g->members);
		claim_result_release(&g->claim);
		claim_result_release(&g->type);
		free(g->why);
		strv_free(&g->problems);
		strv_free(&g->drift);
	}
	free(p->groups);
	strv_free(&p->problems);
	strv_free(&p->notes);
	strv_free(&p->rollback_errors);
	free(p->why);
	memset(p, 0, sizeof(*p));
	p->failed_group = -1;
}

char *apply_record_path(const char *path, bool tree, const char *state_dir)
{
	const char *env = getenv(APPLY_RECORD_ENV);

	if (path && *path)
		return xstrdup(path);
	if (env && *env)
		return xstrdup(env);
	if (tree && state_dir)
		return xasprintf("%s/applied.json", state_dir);
	return xstrdup(APPLY_RECORD_DEFAULT);
}

/* ---- the plan ---- */

static struct apply_group *group_for(struct apply_plan *p, const struct inv_group *ig, const char *key)
{
	for (size_t i = 0; i < p->ngroups; i++)
		if (p->groups[i].group == ig->id)
			return &p->groups[i];
	p->groups = xrealloc(p->groups, (p->ngroups + 1) * sizeof(*p->groups));
	memset(&p->groups[p->ngroups], 0, sizeof(*p->groups));
	p->groups[p->ngroups].group = ig->id;
	p->groups[p->ngroups].key = xstrdup(key);
	return &p->groups[p->ngroups++];
}

static const struct apply_rec_group *rec_find_key(const struct apply_record *rec, const char *key)
{
	for (size_t i = 0; rec && i < rec->ngroups; i++)
		if (!strcmp(rec->groups[i].key, key))
			return &rec->groups[i];
	return NULL;
}

/* The record's group for a plan group: the one with its key, else one listing a named member. */
static const struct apply_rec_group *rec_for(const struct apply_record *rec, const struct apply_group *g)
{
	const struct apply_rec_group *rg = rec_find_key(rec, g->key);

	for (size_t i = 0; !rg && rec && i < rec->ngroups; i++)
		for (size_t k = 0; k < rec->groups[i].ndevs && !rg; k++)
			for (size_t m = 0; m < g->nmembers; m++)
				if (!strcmp(g->members[m].role, "named") &&
				    !strcmp(g->members[m].addr, rec->groups[i].devs[k].addr))
					rg = &rec->groups[i];
	return rg;
}

/* Driver, type and companions of a group from its device lines; conflicts are problems. */
static void group_wants(struct apply_group *g, const struct desired *d, const struct inventory *inv,
			enum desired_companions *comp, uint32_t *classes)
{
	const struct desired_entry *first_drv = NULL, *first_type = NULL;

	*comp = DESIRED_COMP_NONE;
	*classes = 0;
	for (size_t i = 0; i < d->n; i++) {
		const struct desired_entry *e = &d->e[i];
		const struct inv_device *dev = inventory_device(inv, e->addr);
		const char *drv = e->driver ? e->driver : CLAIM_DRIVER_DEFAULT;

		if (e->companion || !dev || dev->group < 0 || (unsigned)dev->group != g->group)
			continue;
		if (!first_drv) {
			first_drv = e;
			g->driver = xstrdup(drv);
		} else if (strcmp(g->driver, drv)) {
			push(&g->problems, "group %u: %s asks for %s and %s for %s: one group has one driver",
			     g->group, first_drv->where, g->driver, e->where, drv);
		}
		if (e->type && !first_type) {
			first_type = e;
			g->type_want = xstrdup(e->type);
		} else if (e->type && strcmp(g->type_want, e->type)) {
			push(&g->problems, "group %u: %s asks for type %s and %s for %s", g->group,
			     first_type->where, g->type_want, e->where, e->type);
		}
		if (e->comp == DESIRED_COMP_ANY)
			*comp = DESIRED_COMP_ANY;
		else if (e->comp == DESIRED_COMP_CLASSES && *comp != DESIRED_COMP_ANY) {
			*comp = DESIRED_COMP_CLASSES;
			*classes |= e->comp_classes;
		}
	}
}

/* Each member's role; companions the lines do not allow are problems. */
static void group_members(struct apply_group *g, const struct inventory *inv, const struct inv_group *ig,
			  const struct desired *d, enum desired_companions comp, uint32_t classes)
{
	struct desired_entry policy = { .comp = comp, .comp_classes = classes };   /* the group's lines' */

	g->members = xcalloc(ig->members.n + 1, sizeof(*g->members));
	for (size_t i = 0; i < ig->members.n; i++) {
		const char *addr = ig->members.v[i];
		const struct inv_device *dev = inventory_device(inv, addr);
		const struct desired_entry *e = desired_find(d, addr);
		struct apply_member *m = &g->members[g->nmembers++];
		const struct claim_member *cm = NULL;

		m->addr = xstrdup(addr);
		if (dev) {
			dev_ids(dev, m->ids, sizeof(m->ids));
			m->has_class = dev->has_class;
			m->class_code = dev->class_code;
			m->class_word = dev->has_class ? desired_class_word(dev->class_code) : NULL;
		}
		m->where = e ? e->where : NULL;
		for (size_t k = 0; k < g->claim.nmembers; k++)
			if (!strcmp(g->claim.members[k].addr, addr))
				cm = &g->claim.members[k];
		if (e && !e->companion) {
			m->role = "named";
		} else if (e) {
			m->role = "companion";
			if (!dev || !ids_match(dev, &e->ids)) {
				char want[48];
				char *w = dev_words(dev, addr);

				m->role = "mismatch";
				desired_ids_format(&e->ids, want, sizeof(want));
				push(&g->problems, "group %u: companion %s: %s expects %s; a different device is "
				     "there now: not claimed", g->group, w, e->where, want);
				free(w);
			}
		} else if (!cm || cm->action == CLAIM_KEEP) {
			m->role = "kept";
		} else if (desired_lets_in(&policy, dev && dev->has_class, dev ? dev->class_code : 0)) {
			m->role = "companion";
		} else {
			char *w = dev_words(dev, addr);
			const char *cw = m->class_word;

			m->role = "unauthorised";
			push(&g->problems, "group %u: %s shares the group with %s and would be claimed with it, "
			     "but no line names it: add 'companion %s id=%.9s'%s%s%s, or move it out of the group",
			     g->group, w, g->key, addr, m->ids, cw ? " or companions=" : "", cw ? cw : "",
			     cw ? " to the device line" : "");
			free(w);
		}
	}
}

/* A refusal of the claim engine, naming the group once. */
static void group_problem(struct apply_group *g, const char *why, int err)
{
	char head[32];

	snprintf(head, sizeof(head), "group %u", g->group);
	if (why && str_startswith(why, head))
		push(&g->problems, "%s", why);
	else
		push(&g->problems, "%s: %s", head, why ? why : strerror(-err));
}

/* The plan's refusals and drift lines, its own and its groups'. */
static void plan_count(struct apply_plan *p)
{
	p->nproblems = p->problems.n;
	p->ndrift = 0;
	for (size_t i = 0; i < p->ngroups; i++) {
		p->nproblems += p->groups[i].problems.n;
		p->ndrift += p->groups[i].drift.n;
	}
}

int apply_plan_make(struct view *v, const struct inventory *inv, const struct desired *d,
		    const struct apply_record *rec, const struct apply_opts *o, struct apply_plan *p)
{
	struct claim_opts co = o->claim;

	memset(p, 0, sizeof(*p));
	p->failed_group = -1;
	co.dry_run = true;
	/* the named devices: there, the IDs expected, in a group */
	for (size_t i = 0; i < d->n; i++) {
		const struct desired_entry *e = &d->e[i];
		const struct inv_device *dev = inventory_device(inv, e->addr);
		const struct inv_group *ig;
		char want[48];

		desired_ids_format(&e->ids, want, sizeof(want));
		if (!dev) {
			if (!e->companion)
				push(&p->problems, "%s (%s): no device at this address: %s expected", e->addr, e->where, want);
			continue;
		}
		if (!ids_match(dev, &e->ids)) {
			char *w = dev_words(dev, e->addr);

			if (!e->companion)
				push(&p->problems, "%s: %s expects %s; a different device is there now "
				     "(swapped or moved card): not claimed", w, e->where, want);
			free(w);
			continue;
		}
		if (e->companion)
			continue;
		if (dev->group < 0 || !(ig = inventory_group(inv, (unsigned)dev->group))) {
			push(&p->problems, "%s (%s): in no IOMMU group: the kernel has no IOMMU for it", e->addr, e->where);
			continue;
		}
		group_for(p, ig, e->addr);
	}
	/* companion lines for devices in no planned group: worth saying, refuse nothing */
	for (size_t i = 0; i < d->n; i++) {
		const struct desired_entry *e = &d->e[i];
		const struct inv_device *dev = inventory_device(inv, e->addr);
		bool in = false;

		if (!e->companion)
			continue;
		for (size_t k = 0; dev && k < p->ngroups; k++)
			in |= dev->group >= 0 && (unsigned)dev->group == p->groups[k].group;
		if (!in)
			push(&p->notes, "companion %s (%s) is in no group of a device line: nothing to do for it",
			     e->addr, e->where);
	}
	/* each group: what it needs */
	for (size_t i = 0; i < p->ngroups; i++) {
		struct apply_group *g = &p->groups[i];
		const struct inv_group *ig = inventory_group(inv, g->group);
		enum desired_companions comp;
		uint32_t classes;
		int err;

		group_wants(g, d, inv, &comp, &classes);
		co.driver = g->driver;
		err = claim_group(v, inv, ig, &co, &g->claim);
		if (err)
			group_problem(g, g->claim.why, err);
		/* a refused claim is still one to make: the plan says so, with why */
		g->need_claim = err || !g->claim.already;
		group_members(g, inv, ig, d, comp, classes);
		if (domtype_read(v, g->group, &g->type_now))
			g->type_now = NULL;
		if (g->type_want && (!g->type_now || strcmp(g->type_now, g->type_want))) {
			g->need_type = true;
			err = domtype_set(v, inv, ig, g->type_want, &co, &g->type);
			if (err)
				push(&g->problems, "group %u: type %s: %s", g->group, g->type_want,
				     g->type.why ? g->type.why : strerror(-err));
		}
		g->action = g->need_type || g->need_claim ? APPLY_CHANGE : APPLY_NONE;
	}
	/* groups an earlier apply claimed that no line names now: released */
	for (size_t i = 0; rec && i < rec->ngroups; i++) {
		const struct apply_rec_group *rg = &rec->groups[i];
		const struct inv_device *dev = inventory_device(inv, rg->key);
		const struct desired_entry *e = desired_find(d, rg->key);
		const struct inv_group *ig;
		struct apply_group *g;
		bool named = false;
		int err;

		if (e && !e->companion)
			continue;
		for (size_t k = 0; k < p->ngroups; k++)
			named |= !strcmp(p->groups[k].key, rg->key);
		if (named)
			continue;
		if (!dev || dev->group < 0 || !(ig = inventory_group(inv, (unsigned)dev->group))) {
			push(&p->notes, "%s (group %u when applied) is gone: nothing to release", rg->key, rg->group);
			continue;
		}
		g = group_for(p, ig, rg->key);
		if (g->action != APPLY_NONE || g->need_claim || g->need_type || g->driver)
			continue;   /* another line's group now: that line decides */
		g->driver = xstrdup(rg->driver);
		err = claim_release(v, inv, ig, &co, &g->claim);
		if (err == -ENOENT) {
			/* not claimed on this boot (no journal): nothing of ours to give back */
			push(&p->notes, "group %u (%s): claimed by an earlier apply, no journal on this boot: "
			     "nothing to release", g->group, rg->key);
			claim_result_release(&g->claim);
			g->action = APPLY_NONE;
			g->members = xcalloc(1, sizeof(*g->members));
			continue;
		}
		if (err)
			push(&g->problems, "group %u: release: %s", g->group, g->claim.why ? g->claim.why : strerror(-err));
		g->action = APPLY_RELEASE;
		g->members = xcalloc(ig->members.n + 1, sizeof(*g->members));
		for (size_t k = 0; k < ig->members.n; k++) {
			const struct inv_device *md = inventory_device(inv, ig->members.v[k]);
			struct apply_member *m = &g->members[g->nmembers++];

			m->addr = xstrdup(ig->members.v[k]);
			if (md)
				dev_ids(md, m->ids, sizeof(m->ids));
			m->role = "released";
		}
	}
	plan_count(p);
	return 0;
}

/* ---- check: the plan, plus the record ---- */

static const struct apply_rec_dev *rec_dev(const struct apply_rec_group *rg, const char *addr)
{
	for (size_t i = 0; i < rg->ndevs; i++)
		if (!strcmp(rg->devs[i].addr, addr))
			return &rg->devs[i];
	return NULL;
}

static void check_group(struct apply_plan *p, struct apply_group *g, const struct inventory *inv,
			const struct apply_record *rec)
{
	const struct inv_group *ig = inventory_group(inv, g->group);
	const struct apply_rec_group *rg = rec_for(rec, g);
	bool shape = false;

	if (g->action == APPLY_RELEASE) {
		push(&g->drift, "group %u (%s): claimed by an earlier apply, no line names it now: apply releases it",
		     g->group, g->key);
		return;
	}
	/* the machine against the lines */
	for (size_t i = 0; g->need_claim && i < g->claim.nmembers; i++) {
		const struct claim_member *m = &g->claim.members[i];

		if (m->action == CLAIM_REBIND)
			push(&g->drift, "group %u: %s is %s%s, not %s", g->group, m->addr,
			     m->before.driver ? "on " : "", m->before.driver ? m->before.driver : "unbound", g->driver);
	}
	if (g->need_type)
		push(&g->drift, "group %u: type %s, not %s", g->group, g->type_now ? g->type_now : "unknown",
		     g->type_want);
	if (!rg) {
		if (rec)
			push(&g->drift, "group %u (%s): not in the record: run apply", g->group, g->key);
		return;
	}
	/* the group's shape against the record */
	for (size_t i = 0; ig && i < ig->members.n; i++) {
		const struct inv_device *dev = inventory_device(inv, ig->members.v[i]);
		const struct apply_rec_dev *rd = rec_dev(rg, ig->members.v[i]);
		char *w = dev_words(dev, ig->members.v[i]);

		if (!rd) {
			push(&g->drift, "group %u gained %s", g->group, w);
			shape = true;
		} else if (dev && (dev->vendor != rd->vendor || dev->device != rd->device ||
				   (dev->has_subsys && (dev->subsys_vendor != rd->subsys_vendor ||
							dev->subsys_device != rd->subsys_device)))) {
			push(&g->drift, "group %u: %s was %04x:%04x subsystem %04x:%04x when applied", g->group, w,
			     rd->vendor, rd->device, rd->subsys_vendor, rd->subsys_device);
			shape = true;
		}
		free(w);
	}
	for (size_t i = 0; i < rg->ndevs; i++)
		if (!ig || !strv_contains(&ig->members, rg->devs[i].addr)) {
			push(&g->drift, "group %u lost %s (%04x:%04x)", g->group, rg->devs[i].addr, rg->devs[i].vendor,
			     rg->devs[i].device);
			shape = true;
		}
	if (ig) {
		bool same = ig->nresv == rg->nresv;

		for (size_t i = 0; same && i < ig->nresv; i++)
			same = ig->resv[i].start == rg->resv[i].start && ig->resv[i].end == rg->resv[i].end &&
			       !strcmp(ig->resv[i].type ? ig->resv[i].type : "", rg->resv[i].type);
		if (!same) {
			push(&g->drift, "group %u: reserved regions changed (%zu now, %zu when applied)", g->group,
			     ig->nresv, rg->nresv);
			shape = true;
		}
	}
	if (rg->type && g->type_now && strcmp(rg->type, g->type_now) && !g->need_type)
		push(&g->drift, "group %u: type %s, %s when applied", g->group, g->type_now, rg->type);
	if (shape && ig && ig->viable_known && !ig->viable && g->drift.n) {
		char *last = g->drift.v[g->drift.n - 1];

		g->drift.v[g->drift.n - 1] = xasprintf("%s: no longer viable", last);
		free(last);
	}
	(void)p;
}

int apply_check(struct view *v, const struct inventory *inv, const struct desired *d,
		const struct apply_record *rec, struct apply_plan *p)
{
	struct apply_opts o;
	int err;

	memset(&o, 0, sizeof(o));
	err = apply_plan_make(v, inv, d, rec, &o, p);
	if (err)
		return err;
	for (size_t i = 0; i < p->ngroups; i++)
		check_group(p, &p->groups[i], inv, rec);
	/* worth knowing beside any drift: what changed under the groups */
	if (rec && rec->kernel_release && inv->kernel_release && strcmp(rec->kernel_release, inv->kernel_release))
		push(&p->notes, "the kernel is %s; the record was made under %s", inv->kernel_release,
		     rec->kernel_release);
	/* the record's groups the lines no longer name and that are not ours to release now */
	for (size_t i = 0; rec && i < rec->ngroups; i++) {
		bool seen = false;

		for (size_t k = 0; k < p->ngroups && !seen; k++)
			seen = rec_for(rec, &p->groups[k]) == &rec->groups[i];
		if (!seen && desired_find(d, rec->groups[i].key) == NULL)
			push(&p->problems, "%s (group %u when applied): in the record, named by no line now: "
			     "run apply to update the record", rec->groups[i].key, rec->groups[i].group);
	}
	plan_count(p);
	return 0;
}

/* ---- the record: writing ---- */

char *apply_record_text(struct view *v, const struct inventory *inv, const struct apply_plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct out *o;

	if (!f)
		return NULL;
	o = out_new(&(struct out_opts){ .f = f, .json = true, .pretty = true });
	out_str(o, "format", NULL, APPLY_RECORD_FORMAT);
	out_u64(o, "version", NULL, APPLY_RECORD_VERSION);
	out_str(o, "kernel_release", NULL, inv->kernel_release);
	out_list_begin(o, "groups", NULL);
	for (size_t i = 0; i < p->ngroups; i++) {
		const struct apply_group *g = &p->groups[i];
		const struct inv_group *ig = inventory_group(inv, g->group);
		char *type = NULL;

		if (g->action == APPLY_RELEASE || !ig)
			continue;
		if (domtype_read(v, g->group, &type))
			type = NULL;
		out_obj_begin(o, NULL, NULL);
		out_str(o, "key", NULL, g->key);
		out_u64(o, "group", NULL, g->group);
		out_str(o, "driver", NULL, g->driver);
		out_str(o, "type", NULL, type);
		out_list_begin(o, "devices", NULL);
		for (size_t k = 0; k < ig->members.n; k++) {
			const struct inv_device *dev = inventory_device(inv, ig->members.v[k]);

			out_obj_begin(o, NULL, NULL);
			out_str(o, "address", NULL, ig->members.v[k]);
			out_u64(o, "vendor", NULL, dev ? dev->vendor : 0);
			out_u64(o, "device", NULL, dev ? dev->device : 0);
			out_u64(o, "subsystem_vendor", NULL, dev ? dev->subsys_vendor : 0);
			out_u64(o, "subsystem_device", NULL, dev ? dev->subsys_device : 0);
			out_u64(o, "class", NULL, dev ? dev->class_code : 0);
			out_str(o, "driver", NULL, dev ? dev->driver : NULL);
			out_obj_end(o);
		}
		out_list_end(o);
		out_list_begin(o, "reserved_regions", NULL);
		for (size_t k = 0; k < ig->nresv; k++) {
			char s[24], e[24];

			snprintf(s, sizeof(s), "0x%llx", (unsigned long long)ig->resv[k].start);
			snprintf(e, sizeof(e), "0x%llx", (unsigned long long)ig->resv[k].end);
			out_obj_begin(o, NULL, NULL);
			out_str(o, "start", NULL, s);
			out_str(o, "end", NULL, e);
			out_str(o, "type", NULL, ig->resv[k].type ? ig->resv[k].type : "unknown");
			out_obj_end(o);
		}
		out_list_end(o);
		out_obj_end(o);
		free(type);
	}
	out_list_end(o);
	out_end(o);
	out_free(o);
	fclose(f);
	return text;
}

/* Write the record when its content differs: a temporary file beside it, then rename. */
static int record_write(const char *path, const char *text, bool *written, char **why)
{
	char *cur = NULL, *fwhy = NULL;
	size_t len = strlen(text);
	int fd, err = 0;

	*written = false;
	/* the same bytes: nothing to write (a second apply changes nothing) */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;

		if (!fstat(fd, &st) && S_ISREG(st.st_mode) && (size_t)st.st_size == len) {
			cur = xmalloc(len + 1);
			if (read(fd, cur, len) != (ssize_t)len) {
				free(cur);
				cur = NULL;
			}
		}
		close(fd);
	}
	if (cur && !memcmp(cur, text, len)) {
		free(cur);
		return 0;
	}
	free(cur);
	/* /var/lib/iommuctl, and /var/lib itself on a system that has none yet */
	err = claim_mkdir_parents(path);
	if (err) {
		*why = xasprintf("cannot make the directories of the record %s: %s", path, strerror(-err));
		return err;
	}
	err = file_replace(path, text, len, &fwhy);
	if (err)
		*why = xasprintf("cannot write the record %s: %s", path, fwhy ? fwhy : strerror(-err));
	else
		*written = true;
	free(fwhy);
	return err;
}

/* ---- the run ---- */

/* Undo what this run changed, newest first. */
static void rollback(struct view *v, const struct inventory *inv, const struct apply_opts *o,
		     struct apply_plan *p, ssize_t upto)
{
	struct claim_opts co = o->claim;

	co.dry_run = false;
	co.force = true;   /* putting back what this run moved: the interlocks passed on the way in */
	for (ssize_t i = upto; i >= 0; i--) {
		struct apply_group *g = &p->groups[i];
		const struct inv_group *ig = inventory_group(inv, g->group);
		struct claim_result r;
		int err;

		if (g->done_claim) {
			err = claim_release(v, inv, ig, &co, &r);
			if (err)
				push(&p->rollback_errors, "group %u: release of the claim: %s", g->group,
				     r.why ? r.why : strerror(-err));
			claim_result_release(&r);
		}
		if (g->done_type && g->type_now) {
			err = domtype_set(v, inv, ig, g->type_now, &co, &r);
			if (err)
				push(&p->rollback_errors, "group %u: type back to %s: %s", g->group, g->type_now,
				     r.why ? r.why : strerror(-err));
			claim_result_release(&r);
		}
		if (g->done_release) {
			co.driver = g->driver;
			err = claim_group(v, inv, ig, &co, &r);
			if (err)
				push(&p->rollback_errors, "group %u: claim again for %s: %s", g->group, g->driver,
				     r.why ? r.why : strerror(-err));
			claim_result_release(&r);
		}
	}
	p->rolled_back = true;
	p->rollback_failed = p->rollback_errors.n > 0;
}

/* One group's step of a phase; 0 or -errno (g->err, g->why). */
static int run_step(struct view *v, const struct inventory *inv, const struct apply_opts *o,
		    struct apply_group *g, int phase)
{
	const struct inv_group *ig = inventory_group(inv, g->group);
	struct claim_opts co = o->claim;
	int err = 0;

	co.dry_run = false;
	co.driver = g->driver;
	if (!ig)
		return -ENODEV;
	if (phase == 0 && g->action == APPLY_RELEASE) {
		claim_result_release(&g->claim);
		err = claim_release(v, inv, ig, &co, &g->claim);
		if (!err)
			g->done_release = true;
		else
			g->why = xasprintf("group %u: release: %s", g->group, g->claim.why ? g->claim.why : strerror(-err));
	} else if (phase == 1 && g->need_type) {
		claim_result_release(&g->type);
		err = domtype_set(v, inv, ig, g->type_want, &co, &g->type);
		if (!err)
			g->done_type = !g->type.already;
		else
			g->why = xasprintf("group %u: type %s: %s", g->group, g->type_want,
					   g->type.why ? g->type.why : strerror(-err));
	} else if (phase == 2 && (g->need_claim || g->claim.adopt)) {
		/* adopt: held at boot and taken by the driver as it loaded; only the journal is written */
		claim_result_release(&g->claim);
		err = claim_group(v, inv, ig, &co, &g->claim);
		if (!err)
			g->done_claim = !g->claim.already;
		else
			g->why = xasprintf("group %u: claim for %s: %s", g->group, g->driver,
					   g->claim.why ? g->claim.why : strerror(-err));
	}
	g->err = err;
	return err;
}

/*
 * One apply at a time: the lock "apply.lock" in the claims directory, taken
 * as the group locks are (each group's own lock is taken by its change).
 */
static int apply_lock(const struct apply_opts *o, struct claim_hold *h, char **why)
{
	struct claim_result r;
	int err;

	memset(&r, 0, sizeof(r));
	err = claim_state_open(o->claim.state_dir, true, &h->dir, why);
	if (err)
		return err;
	r.key = xstrdup("apply");
	claim_paths_set(o->claim.state_dir, &r);
	err = claim_lock(h->dir, &r, why);
	if (err < 0) {
		if (err == -EBUSY && *why) {
			char *w = *why;

			*why = xasprintf("another apply is running: %s", w);
			free(w);
		}
		claim_end(h);
	} else {
		h->lock = err;
		err = 0;
	}
	claim_result_release(&r);
	return err;
}

int apply_run(struct view *v, const struct inventory *inv, const struct desired *d,
	      const struct apply_opts *o, struct apply_plan *p, bool *record_written)
{
	struct claim_hold hold = { -1, -1 };
	struct inventory after;
	char *text, *why = NULL;
	int err = 0;

	(void)d;
	*record_written = false;
	if (p->nproblems)
		return -EPERM;
	if (o->dry_run)
		return 0;
	err = apply_lock(o, &hold, &p->why);
	if (err)
		return err;
	for (int phase = 0; phase < 3 && !err; phase++)
		for (size_t i = 0; i < p->ngroups && !err; i++) {
			err = run_step(v, inv, o, &p->groups[i], phase);
			if (err) {
				p->failed_group = (int)i;
				p->why = xstrdup(p->groups[i].why);
			}
		}
	if (err) {
		rollback(v, inv, o, p, (ssize_t)p->ngroups - 1);
		claim_end(&hold);
		return err;
	}
	/* the record: the state as left, read again */
	err = inventory_load(v, &after);
	if (err) {
		why = xasprintf("the machine cannot be read again for the record: %s", strerror(-err));
	} else {
		text = apply_record_text(v, &after, p);
		inventory_release(&after);
		err = record_write(o->record, text, record_written, &why);
		free(text);
	}
	if (err) {
		/* without its record the run is not done: --check could not see drift from it */
		p->why = why;
		rollback(v, inv, o, p, (ssize_t)p->ngroups - 1);
		claim_end(&hold);
		return err;
	}
	for (size_t i = 0; i < p->ngroups; i++)
		p->changed |= p->groups[i].done_claim || p->groups[i].done_type || p->groups[i].done_release;
	claim_end(&hold);
	return 0;
}

/* ---- the udev hook ---- */

void apply_hook_free(struct apply_hook_result *hr)
{
	free(hr->addr);
	free(hr->line);
	free(hr->driver);
	free(hr->why);
	memset(hr, 0, sizeof(*hr));
}

/* What the hook needs of a device: its IDs and class, read one file at a time. */
static int hook_device(struct view *v, const char *addr, struct inv_device *dev)
{
	uint64_t val;

	memset(dev, 0, sizeof(*dev));
	if (view_read_u64(v, &val, "/sys/bus/pci/devices/%s/vendor", addr) || val > 0xffff)
		return -ENODEV;
	dev->vendor = (uint16_t)val;
	dev->has_vendor = true;
	if (view_read_u64(v, &val, "/sys/bus/pci/devices/%s/device", addr) || val > 0xffff)
		return -ENODEV;
	dev->device = (uint16_t)val;
	dev->has_device = true;
	if (!view_read_u64(v, &val, "/sys/bus/pci/devices/%s/subsystem_vendor", addr) && val <= 0xffff) {
		dev->subsys_vendor = (uint16_t)val;
		if (!view_read_u64(v, &val, "/sys/bus/pci/devices/%s/subsystem_device", addr) && val <= 0xffff) {
			dev->subsys_device = (uint16_t)val;
			dev->has_subsys = true;
		}
	}
	if (!view_read_u64(v, &val, "/sys/bus/pci/devices/%s/class", addr) && val <= 0xffffff) {
		dev->class_code = (uint32_t)val;
		dev->has_class = true;
	}
	return 0;
}

/*
 * A device no line names: a device line of its group may let it in
 * (companions=). The group's members are listed once; each named member's
 * IDs are checked as apply checks them.
 */
static const struct desired_entry *hook_companion(struct view *v, const struct desired *d, const char *addr,
						  const struct inv_device *dev, bool named_only)
{
	struct strv members = { 0 };
	const struct desired_entry *found = NULL;
	char *group = NULL;

	if (view_link_name(v, &group, "/sys/bus/pci/devices/%s/iommu_group", addr) ||
	    strspn(group, "0123456789") != strlen(group) ||
	    view_list(v, &members, "/sys/kernel/iommu_groups/%s/devices", group)) {
		free(group);
		return NULL;
	}
	for (size_t i = 0; i < members.n && !found && members.n <= INV_MAX_MEMBERS; i++) {
		const struct desired_entry *e = desired_find(d, members.v[i]);
		struct inv_device md;

		if (!e || e->companion || !strcmp(members.v[i], addr) || hook_device(v, members.v[i], &md) ||
		    !ids_match(&md, &e->ids))
			continue;
		if (named_only || desired_lets_in(e, dev->has_class, dev->class_code))
			found = e;
	}
	strv_free(&members);
	free(group);
	return found;
}

/* ADDR.held in STATE/claims: the driver_override the hook wrote. */
static int hook_marker(const char *state_dir, const char *addr, const char *driver, char **why)
{
	char *name = xasprintf("%s%s", addr, CLAIM_HELD_SUFFIX), *text = xasprintf("%s\n", driver);
	int dir, fd, err = claim_state_open(state_dir, true, &dir, why);

	if (!err) {
		fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
			err = -errno;
		if (fd >= 0)
			close(fd);
		close(dir);
		if (err)
			*why = xasprintf("cannot write the marker %s in the state directory: %s", name, strerror(-err));
	}
	free(name);
	free(text);
	return err;
}

int apply_hook(struct view *v, const struct desired *d, const char *addr, const char *state_dir,
	       struct apply_hook_result *hr)
{
	const struct desired_entry *e, *line;
	struct claim_devstate st;
	struct inv_device dev;
	struct pci_addr pa;
	char canon[16], want[48];
	int err;

	memset(hr, 0, sizeof(*hr));
	if (pci_addr_parse(addr, &pa)) {
		hr->why = xstrdup("not a PCI address");
		return -EINVAL;
	}
	pci_addr_format(&pa, canon, sizeof(canon));
	hr->addr = xstrdup(canon);
	e = desired_find(d, canon);
	err = hook_device(v, canon, &dev);
	if (err) {
		if (e)
			hr->why = xstrdup("its vendor and device IDs cannot be read");
		return e ? err : 0;
	}
	dev_ids(&dev, hr->ids, sizeof(hr->ids));
	if (e && !ids_match(&dev, &e->ids)) {
		desired_ids_format(&e->ids, want, sizeof(want));
		hr->line = xstrdup(e->where);
		hr->why = xasprintf("%s is at this address, %s expects %s: a different card (swapped or moved); "
				    "left to its own driver", hr->ids, e->where, want);
		return -EPERM;
	}
	/* the line whose driver holds it: its own, or for a companion its group's device line */
	line = e && !e->companion ? e : hook_companion(v, d, canon, &dev, e != NULL);
	if (!line) {
		if (e)
			hr->why = xasprintf("companion (%s) of no named device of its group: left alone", e->where);
		return 0;
	}
	hr->line = xstrdup(e ? e->where : line->where);
	hr->driver = xstrdup(line->driver ? line->driver : CLAIM_DRIVER_DEFAULT);
	err = claim_devstate_read(v, "pci", canon, &st);
	if (err) {
		hr->why = xasprintf("cannot read its driver: %s", strerror(-err));
		return err;
	}
	if (st.driver) {
		hr->why = xasprintf("already bound to %s: 'iommuctl apply' claims it", st.driver);
		err = claim_streq(st.driver, hr->driver) ? 0 : -EBUSY;
	} else if (claim_streq(st.override, hr->driver)) {
		hr->why = xasprintf("driver_override is %s already", hr->driver);
	} else if (st.override) {
		hr->why = xasprintf("driver_override is %s, set by someone else: left alone", st.override);
		err = -EBUSY;
	} else {
		char *path = xasprintf("/sys/bus/pci/devices/%s/driver_override", canon), *why = NULL;

		err = view_write_file(v, path, hr->driver, strlen(hr->driver));
		free(path);
		if (err) {
			hr->why = xasprintf("cannot write its driver_override: %s", strerror(-err));
		} else {
			hr->wrote = true;
			err = hook_marker(state_dir, canon, hr->driver, &why);
			hr->why = err ? why : xasprintf("held for %s (driver_override), before any driver bound it",
						       hr->driver);
			if (err)
				err = 0;   /* held all the same: a release then leaves driver_override to clear */
		}
	}
	claim_devstate_free(&st);
	return err;
}
