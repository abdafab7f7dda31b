/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a group (see claim.h): an iommuctl journal in the state
 * directory (a claim, or an interrupted type change; read as untrusted
 * input, and only the running machine's), and processes with
 * the group's /dev/vfio node, a member's VFIO cdev or a device fd open
 * (holders.c).
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

/* One line per process and what it has open, as before the holders had their fds. */
static void users_from_holders(const struct claim_holders *h, struct strv *users)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct claim_holder *x = &h->v[i];
		const char *comm = x->comm ? x->comm : "?";
		char *s = x->node ? xasprintf("pid %ld (%s) has %s open", x->pid, comm, x->node) :
				    xasprintf("pid %ld (%s) has a device fd of %s open", x->pid, comm, x->device);

		if (strv_contains(users, s))
			free(s);
		else
			strv_push_owned(users, s);
	}
}

int claim_vfio_users(struct view *v, const struct inventory *inv, const struct inv_group *g,
		     struct strv *users)
{
	struct claim_holders h;
	int err = claim_holders_find(v, inv, g, NULL, &h);

	users_from_holders(&h, users);
	claim_holders_free(&h);
	return err;
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
	o->vfio_checked = claim_holders_find(v, inv, g, NULL, &o->holders) == 0;
	users_from_holders(&o->holders, &o->vfio_users);
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
	claim_holders_free(&o->holders);
	memset(o, 0, sizeof(*o));
}
