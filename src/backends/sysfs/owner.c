/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a group (see claim.h): an iommuctl journal in the state
 * directory (a claim, or an interrupted type change; read as untrusted
 * input, and only the running machine's), and processes with
 * the group's /dev/vfio node or a member's VFIO cdev open, found through
 * the /proc/PID/fd links the view shows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/journal.h"
#include "backends/sysfs/lock.h"
#include "core/util.h"
#include "core/view.h"

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

/*
 * The journal at path, if there is one the running machine can take: its
 * path, state and driver (or, with type, the target type) into *at, *what
 * and *state. One that cannot be trusted or read leaves *problem instead.
 */
static void journal_peek(int dir, char *path, const char *source, bool type, char **at, char **what,
			 char **state, char **problem)
{
	struct claim_journal j;
	char *why = NULL;
	int err = claim_journal_read(dir, path, source, &j, &why);

	if (!err) {
		*at = path;
		path = NULL;
		*what = type ? (j.type_target ? xstrdup(j.type_target) : NULL) :
			       (j.driver ? xstrdup(j.driver) : NULL);
		*state = xstrdup(j.state);
		claim_journal_free(&j);
	} else if (err != -ENOENT && !*problem) {
		*problem = why;
		why = NULL;
	}
	free(why);
	free(path);
}

void claim_owner_find(struct view *v, const struct inventory *inv, const struct inv_group *g,
		      const char *state_dir, struct claim_owner *o)
{
	memset(o, 0, sizeof(*o));
	if (state_dir && g->members.n) {
		struct claim_place place;
		char *dir = claim_claims_dir(state_dir), *why = NULL, *unused = NULL;
		int dfd, err = claim_state_open(state_dir, false, &dfd, &why);

		/* a fact of the running machine: its boot's journals only (finding that cannot fail) */
		claim_place_find(v, NULL, state_dir, &place, &unused);
		free(unused);
		if (!err || err == -ENOENT) {
			o->journal_checked = true;
			journal_peek(dfd, xasprintf("%s/%s.json", dir, g->members.v[0]), place.source, false,
				     &o->journal, &o->journal_driver, &o->journal_state, &o->problem);
			journal_peek(dfd, claim_type_journal_path(state_dir, g->members.v[0]), place.source, true,
				     &o->type_journal, &o->type_journal_target, &o->type_journal_state,
				     &o->problem);
		} else if (!o->problem) {
			o->problem = why;
			why = NULL;
		}
		if (dfd >= 0)
			close(dfd);
		claim_place_free(&place);
		free(why);
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
	free(o->problem);
	strv_free(&o->vfio_users);
	memset(o, 0, sizeof(*o));
}
