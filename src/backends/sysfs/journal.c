/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Journals (see journal.h): JSON files in the claims directory, spelled by
 * the writer (json-c only reads them back), written through a new temporary
 * file and rename so that a reader sees the old or the new one, never half
 * of one; read back, as untrusted input, by release, group show and the
 * refusals of a change that would start over an unfinished one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/journal.h"
#include "backends/sysfs/lock.h"
#include "core/dlib_jsonc.h"
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
	free(j->source);
	memset(j, 0, sizeof(*j));
}

/* The name of a journal (or its lock) in the claims directory: path's last component. */
static const char *leaf(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
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
	out_str(o, "source", NULL, r->source);
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
		/* held at boot: given back to the kernel's choice (claim_devstate.probe) */
		out_bool(o, "probe", NULL, m->before.probe);
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

/*
 * A new temporary file beside the journal: NAME.XXXXXX with a random suffix,
 * created exclusively, so that nothing put there in advance (a link to
 * another file) is ever opened. *tmp gets its name; fd or -errno.
 */
static int tmp_create(int dir, const char *name, char **tmp)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char rnd[6];

	for (int tries = 0; tries < 100; tries++) {
		char suffix[sizeof(rnd) + 1];
		int fd;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return errno ? -errno : -EIO;
		for (size_t i = 0; i < sizeof(rnd); i++)
			suffix[i] = chars[rnd[i] % (sizeof(chars) - 1)];
		suffix[sizeof(rnd)] = '\0';
		*tmp = xasprintf("%s.%s", name, suffix);
		fd = openat(dir, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		free(*tmp);
		*tmp = NULL;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int claim_journal_write(int dir, const char *path, const struct claim_journal_hook *h,
			const struct claim_result *r)
{
	const char *name = leaf(path);
	size_t len = 0;
	char *text, *tmp = NULL;
	int fd, err = 0;

	if (dir < 0)
		return -EBADF;
	text = journal_text(h, r, &len);
	if (!text)
		return -ENOMEM;
	fd = tmp_create(dir, name, &tmp);
	if (fd < 0) {
		err = fd;
	} else {
		if (write(fd, text, len) != (ssize_t)len)
			err = errno ? -errno : -EIO;
		if (!err && fsync(fd))
			err = -errno;
		if (close(fd) && !err)
			err = -errno;
		if (!err && renameat(dir, tmp, dir, name))
			err = -errno;
		if (err)
			unlinkat(dir, tmp, 0);
	}
	free(text);
	free(tmp);
	if (err)
		return err;
	/* the rename lasts once the directory is on disk */
	fsync(dir);
	return 0;
}

int claim_journal_remove(int dir, const char *path)
{
	if (dir < 0)
		return 0;
	if (unlinkat(dir, leaf(path), 0) && errno != ENOENT)
		return -errno;
	fsync(dir);
	return 0;
}

bool claim_journal_exists(int dir, const char *path)
{
	struct stat st;

	return dir >= 0 && !fstatat(dir, leaf(path), &st, AT_SYMLINK_NOFOLLOW);
}

/*
 * The journal's bytes: opened without following a link and without waiting
 * (a FIFO), checked as opened (claim_file_check()), at most
 * CLAIM_JOURNAL_MAX_BYTES. *text is NUL-terminated, *len its length.
 */
static int journal_load(int dir, const char *path, char **text, size_t *len, char **why)
{
	struct stat st;
	size_t cap = CLAIM_JOURNAL_MAX_BYTES + 1, got = 0;
	char *buf;
	int fd, err;

	if (dir < 0)
		return -ENOENT;
	fd = openat(dir, leaf(path), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		if (err == -ENOENT)
			return err;
		if (err == -ELOOP) {
			*why = xasprintf("journal %s is a symbolic link: it is not iommuctl's; remove it", path);
			return -EPERM;
		}
		*why = xasprintf("cannot read the journal %s: %s", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		*why = xasprintf("cannot read the journal %s: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	err = claim_file_check(&st, "journal", path, why);
	if (!err && st.st_size > CLAIM_JOURNAL_MAX_BYTES)
		err = -EFBIG;
	if (err == -EPERM) {
		close(fd);
		return err;
	}
	/* as large as the file, plus one byte to see it grew; never past the bound */
	if (!err && (size_t)st.st_size < CLAIM_JOURNAL_MAX_BYTES)
		cap = (size_t)st.st_size + 1;
	buf = err ? NULL : xmalloc(cap);
	/* a file that grows while read is cut at the bound all the same */
	while (!err && got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = -errno;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (!err && got > CLAIM_JOURNAL_MAX_BYTES)
		err = -EFBIG;
	else if (!err && got == cap)
		err = -EBUSY;   /* grew while read: ours are replaced by a rename, never written in place */
	if (err) {
		*why = err == -EFBIG ? xasprintf("journal %s is larger than 1 MiB: it is not iommuctl's; remove it", path) :
		       err == -EBUSY ? xasprintf("journal %s changed while it was read: it is not iommuctl's "
						 "alone; check what writes it", path) :
				       xasprintf("cannot read the journal %s: %s", path, strerror(-err));
		free(buf);
		return err == -EFBIG ? -EBADMSG : err;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}

static const char *jget_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Whether key is absent or null (a name that is not there), else its string. */
static bool jget_opt(json_object *o, const char *key, const char **val)
{
	json_object *v;

	*val = NULL;
	if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	*val = json_object_get_string(v);
	return true;
}

static const char *const journal_states[] = { "claiming", "claimed", "releasing", "typing", "failed" };

static bool state_valid(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(journal_states); i++)
		if (!strcmp(s, journal_states[i]))
			return true;
	return false;
}

/* *why = "journal PATH: WHAT" with one name in it quoted; -EBADMSG. */
static int bad_name(char **why, const char *path, const char *where, const char *what, const char *name)
{
	char *q = claim_name_quote(name);

	*why = xasprintf("journal %s: %s%s %s is not a driver name ([A-Za-z0-9_.-], not starting with a dot): "
			 "it was not written by iommuctl; check it and remove it", path, where, what, q);
	free(q);
	return -EBADMSG;
}

/* One device of a journal into m; -EBADMSG with *why for anything not as written by us. */
static int device_parse(json_object *d, size_t i, const char *path, struct claim_member *m, char **why)
{
	const char *addr = json_object_is_type(d, json_type_object) ? jget_str(d, "address") : NULL;
	const char *bus, *act, *drv, *ovr, *s;
	json_object *pv;
	char *where;
	int err = 0;

	if (!addr || !pci_addr_looks_like(addr)) {
		*why = xasprintf("journal %s: device %zu has no valid address", path, i);
		return -EBADMSG;
	}
	where = xasprintf("device %s: ", addr);
	if (!jget_opt(d, "bus", &bus) || (bus && !claim_name_valid(bus)))
		err = bad_name(why, path, where, "bus", bus ? bus : "(not a string)");
	else if (!jget_opt(d, "action", &act) || (act && strcmp(act, "rebind") && strcmp(act, "keep")))
		*why = xasprintf("journal %s: %saction is neither \"rebind\" nor \"keep\"", path, where), err = -EBADMSG;
	else if (!jget_opt(d, "driver", &drv) || (drv && !claim_name_valid(drv)))
		err = bad_name(why, path, where, "driver", drv ? drv : "(not a string)");
	else if (!jget_opt(d, "driver_override", &ovr) || (ovr && !claim_name_valid(ovr)))
		err = bad_name(why, path, where, "driver_override", ovr ? ovr : "(not a string)");
	free(where);
	if (err)
		return err;
	m->addr = xstrdup(addr);
	m->bus = xstrdup(bus ? bus : "pci");
	m->action = act && !strcmp(act, "keep") ? CLAIM_KEEP : CLAIM_REBIND;
	m->before.driver = drv ? xstrdup(drv) : NULL;
	m->before.override = ovr ? xstrdup(ovr) : NULL;
	/* optional (older journals lack it); only with no driver and no override recorded */
	if (json_object_object_get_ex(d, "probe", &pv)) {
		if (!json_object_is_type(pv, json_type_boolean) ||
		    (json_object_get_boolean(pv) && (drv || ovr))) {
			*why = xasprintf("journal %s: device %s: probe is not a boolean of a device recorded "
					 "unbound without driver_override: it was not written by iommuctl; check it "
					 "and remove it", path, addr);
			claim_devstate_free(&m->before);
			free(m->addr);
			free(m->bus);
			m->addr = m->bus = NULL;
			return -EBADMSG;
		}
		m->before.probe = json_object_get_boolean(pv);
	}
	s = jget_str(d, "progress");
	m->why = s ? xstrdup(s) : NULL;
	return 0;
}

/* "the running machine (boot ID)", "the --sysfs-root tree PATH" (malloc'd) */
static char *source_words(const char *src)
{
	char *q, *w;

	if (!src)
		return xstrdup("the running machine");
	if (str_startswith(src, "boot:"))
		return xasprintf("the running machine (boot %s)", src + 5);
	if (str_startswith(src, "tree:"))
		return xasprintf("the --sysfs-root tree %s", src + 5);
	q = claim_name_quote(src);
	w = xasprintf("an unknown source %s", q);
	free(q);
	return w;
}

static bool source_live(const char *src)
{
	return !src || str_startswith(src, "boot:");
}

/*
 * Was the journal made where this invocation works? A journal without a
 * source (written before sources were recorded, or where the boot id was
 * unreadable) is the running machine's, of whatever boot; so is any boot
 * when this one's id is unknown. -EXDEV with *why otherwise.
 */
static int source_check(const char *path, const char *jsrc, const char *cur, char **why)
{
	char *was, *now;

	if (claim_streq(jsrc, cur) || (source_live(jsrc) && source_live(cur) && (!jsrc || !cur)))
		return 0;
	if (source_live(jsrc) && source_live(cur)) {
		*why = xasprintf("journal %s was made in another boot of this machine (boot %s; this is boot %s): "
				 "the bindings it recorded ended with that boot; remove it", path, jsrc + 5, cur + 5);
		return -EXDEV;
	}
	was = source_words(jsrc);
	now = source_words(cur);
	*why = xasprintf("journal %s belongs to %s, not to %s: refusing to use it; give each its own "
			 "--state-dir, and remove the journal once its own source no longer needs it", path, was, now);
	free(was);
	free(now);
	return -EXDEV;
}

int claim_journal_read(int dir, const char *path, const char *source, struct claim_journal *j,
		       char **why)
{
	json_tokener *tok;
	json_object *root, *devs, *v;
	const char *s, *drv, *src;
	size_t len = 0, end;
	char *text = NULL;
	int err;

	memset(j, 0, sizeof(*j));
	*why = NULL;
	err = journal_load(dir, path, &text, &len, why);
	if (!err && (err = dlib_load(DLIB_JSONC))) {
		*why = xstrdup(dlib_error() ? dlib_error() : strerror(-err));
		free(text);
	}
	if (err)
		return err;
	tok = json_tokener_new();
	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_error(tok) == json_tokener_success ? json_tokener_get_parse_end(tok) : 0;
	json_tokener_free(tok);
	if (!root || strspn(text + end, " \t\r\n") != len - end) {
		*why = xasprintf("journal %s is not valid JSON: move it away after checking it", path);
		json_object_put(root);
		free(text);
		return -EBADMSG;
	}
	free(text);
	s = jget_str(root, "format");
	if (!s || strcmp(s, JOURNAL_FORMAT) || !json_object_object_get_ex(root, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array) || !jget_str(root, "state") ||
	    !jget_opt(root, "source", &src)) {
		*why = xasprintf("%s: not an iommuctl claim journal: move it away after checking it", path);
		json_object_put(root);
		return -EBADMSG;
	}
	if (!state_valid(jget_str(root, "state"))) {
		*why = xasprintf("journal %s: state is none of claiming, claimed, releasing, typing, failed: "
				 "move it away after checking it", path);
		err = -EBADMSG;
		goto out;
	}
	err = source_check(path, src, source, why);
	if (err)
		goto out;
	if (!jget_opt(root, "driver", &drv) || (drv && !claim_name_valid(drv))) {
		err = bad_name(why, path, "", "the claim's driver", drv ? drv : "(not a string)");
		goto out;
	}
	j->ndevs = json_object_array_length(devs);
	if (j->ndevs > CLAIM_JOURNAL_MAX_DEVICES) {
		*why = xasprintf("journal %s lists %zu devices, more than %d: it is not iommuctl's; remove it", path,
				 j->ndevs, CLAIM_JOURNAL_MAX_DEVICES);
		j->ndevs = 0;
		err = -EBADMSG;
		goto out;
	}
	j->state = xstrdup(jget_str(root, "state"));
	j->driver = drv ? xstrdup(drv) : NULL;
	j->source = src ? xstrdup(src) : NULL;
	s = jget_str(root, "type_before");
	j->type_before = s && domtype_word_valid(s) ? xstrdup(s) : NULL;
	s = jget_str(root, "type_target");
	j->type_target = s && domtype_word_valid(s) ? xstrdup(s) : NULL;
	if (json_object_object_get_ex(root, "group", &v))
		j->group = (unsigned)json_object_get_int64(v);
	if (json_object_object_get_ex(root, "pid", &v))
		j->pid = (long)json_object_get_int64(v);
	j->devs = xcalloc(j->ndevs ? j->ndevs : 1, sizeof(*j->devs));
	for (size_t i = 0; i < j->ndevs && !err; i++) {
		err = device_parse(json_object_array_get_idx(devs, i), i, path, &j->devs[i], why);
		for (size_t k = 0; k < i && !err; k++)
			if (!strcmp(j->devs[k].addr, j->devs[i].addr)) {
				*why = xasprintf("journal %s lists %s twice: move it away after checking it", path,
						 j->devs[i].addr);
				err = -EBADMSG;
			}
	}
out:
	json_object_put(root);
	if (err)
		claim_journal_free(j);
	return err;
}

/* The journal follows every write: progress of a device is its last step. */
int claim_journal_after_write(struct claim_txn *t, const struct claim_step *s)
{
	struct claim_journal_hook *h = t->priv;
	int err;

	for (size_t i = 0; i < h->ndevs && s->device; i++)
		if (!strcmp(h->devs[i].addr, s->device))
			h->progress[i] = s->op;
	err = claim_journal_write(t->dir, t->r->journal, h, t->r);
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
int claim_type_journal_check(int dir, const char *state_dir, struct claim_result *r)
{
	char *path = claim_type_journal_path(state_dir, r->key), *why = NULL;
	struct claim_journal j;
	int err = claim_journal_read(dir, path, r->source, &j, &why);

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
	int err = claim_type_journal_check(t->dir, t->opts->state_dir, r);

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
	err = claim_journal_write(t->dir, r->journal, &tj->hook, r);
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
		claim_journal_write(t->dir, t->r->journal, &tj->hook, t->r);
	} else {
		claim_journal_remove(t->dir, t->r->journal);
	}
	free(tj->progress);
	free(tj);
	t->priv = NULL;
}
