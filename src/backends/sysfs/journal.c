/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Journals (see journal.h): JSON files in the state directory, spelled by
 * the writer (json-c only reads them back), written through a temporary
 * file and rename so that a reader sees the old or the
 * new one, never half of one; read back by release, group show and the
 * refusals of a change that would start over an unfinished one.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/journal.h"
#include "backends/sysfs/lock.h"
#include "core/util.h"
#include "output/out.h"

#define JOURNAL_FORMAT "iommuctl-claim-journal"
#define JOURNAL_VERSION 1

void claim_journal_free(struct claim_journal *j)
{
	for (size_t i = 0; i < j->ndevs; i++)
		claim_member_free(&j->devs[i]);
	free(j->devs);
	free(j->state);
	free(j->driver);
	free(j->type_before);
	free(j->type_target);
	memset(j, 0, sizeof(*j));
}

/* fsync the directory holding path, so that a rename or unlink in it lasts */
static void dir_sync(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int dfd;

	if (slash)
		*slash = '\0';
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

/*
 * The journal's text, as the writer spells -p output (json-c reads it back):
 * malloc'd, NULL when memory ran out.
 */
static char *journal_text(const struct claim_journal_hook *h, const struct claim_result *r, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	struct out *o;

	if (!f)
		return NULL;
	o = out_new(&(struct out_opts){ .f = f, .json = true, .pretty = true });
	out_str(o, "format", NULL, JOURNAL_FORMAT);
	out_u64(o, "version", NULL, JOURNAL_VERSION);
	out_str(o, "state", NULL, h->state);
	out_str(o, "key", NULL, r->key);
	out_u64(o, "group", NULL, r->group);
	out_str(o, "driver", NULL, h->driver);
	if (h->type_before) {
		out_str(o, "type_before", NULL, h->type_before);
		out_str(o, "type_target", NULL, h->type_target);
	}
	out_i64(o, "pid", NULL, getpid());
	out_i64(o, "updated", NULL, time(NULL));
	out_list_begin(o, "devices", NULL);
	for (size_t i = 0; i < h->ndevs; i++) {
		const struct claim_member *m = &h->devs[i];

		out_obj_begin(o, NULL, NULL);
		out_str(o, "address", NULL, m->addr);
		out_str(o, "bus", NULL, m->bus);
		out_str(o, "action", NULL, m->action == CLAIM_REBIND ? "rebind" : "keep");
		out_str(o, "driver", NULL, m->before.driver);
		out_str(o, "driver_override", NULL, m->before.override);
		out_str(o, "progress", NULL, h->progress ? h->progress[i] : NULL);
		out_obj_end(o);
	}
	out_list_end(o);
	out_end(o);
	out_free(o);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

int claim_journal_write(const char *path, const struct claim_journal_hook *h,
			const struct claim_result *r)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	size_t len = 0;
	char *text = journal_text(h, r, &len);
	int fd, err = 0;

	if (!text) {
		free(tmp);
		return -ENOMEM;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
	} else {
		if (write(fd, text, len) != (ssize_t)len)
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
	free(text);
	free(tmp);
	if (err)
		return err;
	dir_sync(path);
	return 0;
}

int claim_journal_remove(const char *path)
{
	if (unlink(path) && errno != ENOENT)
		return -errno;
	dir_sync(path);
	return 0;
}

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int claim_journal_read(const char *path, struct claim_journal *j, char **why)
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
			claim_journal_free(j);
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

void claim_journal_peek(char *path, bool type, char **at, char **what, char **state)
{
	struct claim_journal j;
	char *why = NULL;

	if (!claim_journal_read(path, &j, &why)) {
		*at = path;
		path = NULL;
		*what = type ? (j.type_target ? xstrdup(j.type_target) : NULL) :
			       (j.driver ? xstrdup(j.driver) : NULL);
		*state = xstrdup(j.state);
		claim_journal_free(&j);
	}
	free(why);
	free(path);
}

/* The journal follows every write: progress of a device is its last step. */
int claim_journal_after_write(struct claim_txn *t, const struct claim_step *s)
{
	struct claim_journal_hook *h = t->priv;
	int err;

	for (size_t i = 0; i < h->ndevs && s->device; i++)
		if (!strcmp(h->devs[i].addr, s->device))
			h->progress[i] = s->op;
	err = claim_journal_write(t->r->journal, h, t->r);
	if (err)
		claim_result_why(t->r, "cannot update the journal %s: %s", t->r->journal, strerror(-err));
	return err;
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

char *claim_type_journal_path(const char *state_dir, const char *key)
{
	char *dir = claim_claims_dir(state_dir), *p = xasprintf("%s/%s.type.json", dir, key);

	free(dir);
	return p;
}

/* 0 when g has no interrupted type change; -EALREADY (why set) when it has. */
int claim_type_journal_check(const char *state_dir, struct claim_result *r)
{
	char *path = claim_type_journal_path(state_dir, r->key), *why = NULL;
	struct claim_journal j;
	int err = claim_journal_read(path, &j, &why);

	if (err == -ENOENT) {
		err = 0;
	} else if (!err) {
		err = -EALREADY;
		claim_result_why(r, "an interrupted type change to %s left the journal %s (state %s, pid %ld): "
				 "run 'iommuctl group release %s' to restore the group first",
				 j.type_target ? j.type_target : "?", path, j.state, j.pid, r->key);
		claim_journal_free(&j);
	} else {
		claim_result_why(r, "%s", why ? why : strerror(-err));
	}
	free(why);
	free(path);
	return err;
}

struct type_journal {
	struct claim_journal_hook hook;   /* first: claim_journal_after_write takes priv as the hook */
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
	r->journal = claim_type_journal_path(t->opts->state_dir, r->key);
	tj = xcalloc(1, sizeof(*tj));
	tj->progress = xcalloc(r->nmembers ? r->nmembers : 1, sizeof(*tj->progress));
	for (size_t i = 0; i < r->nmembers; i++)
		tj->progress[i] = r->members[i].action == CLAIM_REBIND ? "planned" : "kept";
	tj->hook = (struct claim_journal_hook){ "typing", NULL, r->members, r->nmembers, tj->progress,
						type_before, target };
	err = claim_journal_write(r->journal, &tj->hook, r);
	if (err) {
		claim_result_why(r, "cannot write the journal %s: %s; nothing was changed", r->journal,
				 strerror(-err));
		free(tj->progress);
		free(tj);
		return err;
	}
	t->after_write = claim_journal_after_write;
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
		claim_journal_write(t->r->journal, &tj->hook, t->r);
	} else {
		claim_journal_remove(t->r->journal);
	}
	free(tj->progress);
	free(tj);
	t->priv = NULL;
}
