/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing a snapshot: the tree as a POSIX tar (pax restricted: plain ustar
 * headers unless a name needs more) through libarchive, into a temporary
 * file beside the target that is fsync'd and renamed over it, so readers
 * see the old file or the new one, never half of one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/dump/snapshot.h"
#include "backends/dump/snapshot_tree.h"
#include "core/dlib_archive.h"
#include "core/util.h"
#include "output/out.h"

/*
 * Layout, chosen so that `tar xf` gives a tree that --sysfs-root reads
 * exactly as -F reads the archive:
 *  - iommuctl-snapshot.json first (metadata, see meta_json());
 *  - then every node in path order, named by its path without the "/":
 *    directories as directory members (0755); files that were read with
 *    their content (0444); symbolic links as symlink members with the
 *    target exactly as readlink gave it (sysfs's are relative, so the
 *    extracted tree resolves within itself); character device nodes as
 *    0600 device members numbered 0:0 (a snapshot records that /dev/vfio/N
 *    exists, not what it opens); anything else as a FIFO.
 *  - A listed directory keeps its listing by holding one member per entry;
 *    there is no side file that would show up in the extracted tree. An
 *    entry that was listed but never read is a zero-length member with
 *    mode 0000, a placeholder: the reader answers -ENODATA for it. No
 *    output depends on one, since the inventory did not read it while
 *    saving and, given the same answers, makes the same reads on replay.
 *  - Owner 0:0, every mtime the time of writing.
 */
#define SNAP_PERM_DIR         0755
#define SNAP_PERM_FILE        0444
#define SNAP_PERM_PLACEHOLDER 0000
#define SNAP_PERM_LINK        0777
#define SNAP_PERM_CHR         0600
#define SNAP_PERM_OTHER       0644

/*
 * {"format": "iommuctl-snapshot", "format_version": 1, "tool_version":
 *  "...", "created": "2025-01-31T12:00:00Z", "hostname": "..." | null,
 *  "kernel_release": "..." | null}, spelled by the one JSON writer.
 */
static char *meta_json(const struct snapshot_meta *meta, const char *created)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	struct out *o;

	if (!f)
		return NULL;
	o = out_new(&(struct out_opts){ .f = f, .json = true, .pretty = true });
	out_str(o, "format", NULL, "iommuctl-snapshot");
	out_u64(o, "format_version", NULL, SNAPSHOT_FORMAT_VERSION);
	out_str(o, "tool_version", NULL, IOMMUCTL_VERSION);
	out_str(o, "created", NULL, created);
	out_str(o, "hostname", NULL, meta->hostname);
	out_str(o, "kernel_release", NULL, meta->kernel_release);
	out_free(o);
	if (fclose(f)) {
		free(s);
		return NULL;
	}
	return s;
}

struct member {
	const char *name;
	unsigned type;       /* AE_IF* */
	unsigned perm;
	const char *data;
	size_t len;
	const char *target;
};

static int put_member(struct archive *a, struct archive_entry *e, const struct member *m,
		      time_t mtime)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, m->name);
	archive_entry_set_filetype(e, m->type);
	archive_entry_set_perm(e, m->perm);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_size(e, m->type == AE_IFREG ? (la_int64_t)m->len : 0);
	if (m->target)
		archive_entry_set_symlink(e, m->target);
	if (m->type == AE_IFCHR)
		archive_entry_set_rdev(e, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return -1;
	if (m->len && archive_write_data(a, m->data, m->len) != (la_ssize_t)m->len)
		return -1;
	return 0;
}

static void node_member(const struct snap_node *n, struct member *m)
{
	memset(m, 0, sizeof(*m));
	m->name = n->path + 1;
	switch (n->kind) {
	case VIEW_DIR:
		m->type = AE_IFDIR;
		m->perm = SNAP_PERM_DIR;
		break;
	case VIEW_FILE:
		m->type = AE_IFREG;
		m->perm = n->captured ? SNAP_PERM_FILE : SNAP_PERM_PLACEHOLDER;
		if (n->captured) {
			m->data = n->data;
			m->len = n->len;
		}
		break;
	case VIEW_LINK:
		m->type = AE_IFLNK;
		m->perm = SNAP_PERM_LINK;
		m->target = n->target;
		break;
	case VIEW_CHR:
		m->type = AE_IFCHR;
		m->perm = SNAP_PERM_CHR;
		break;
	default:
		m->type = AE_IFIFO;
		m->perm = SNAP_PERM_OTHER;
		break;
	}
}

static int write_archive(struct snap_tree *t, int fd, const struct snapshot_meta *meta,
			 char **why)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct snap_node **nodes = NULL;
	time_t now = time(NULL);
	char created[32], *json;
	struct member m = { 0 };
	size_t n = 0;
	int err = 0;

	if (!a || !e) {
		archive_write_free(a);
		archive_entry_free(e);
		*why = xstrdup("out of memory");
		return -ENOMEM;
	}
	if (meta->created) {
		snprintf(created, sizeof(created), "%s", meta->created);
	} else {
		struct tm tm;

		strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	}
	if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		goto fail;

	json = meta_json(meta, created);
	if (!json) {
		err = -ENOMEM;
		*why = xstrdup("out of memory");
		goto out;
	}
	m = (struct member){ .name = SNAPSHOT_META_NAME, .type = AE_IFREG, .perm = SNAP_PERM_FILE,
			     .data = json, .len = strlen(json) };
	err = put_member(a, e, &m, now);
	free(json);
	if (err)
		goto fail;

	nodes = snap_tree_sorted(t, &n);
	for (size_t i = 0; i < n; i++) {
		node_member(nodes[i], &m);
		if (put_member(a, e, &m, now))
			goto fail;
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		goto fail;
	goto out;
fail:
	err = archive_errno(a) > 0 ? -archive_errno(a) : -EIO;
	*why = xstrdup(archive_error_string(a) ? archive_error_string(a) : "write error");
out:
	free(nodes);
	archive_entry_free(e);
	archive_write_free(a);
	return err;
}

/* "dir/.name.XXXXXX" beside file: rename() needs the same file system. */
static char *temp_name(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		return xasprintf(".%s.XXXXXX", file);
	return xasprintf("%.*s/.%s.XXXXXX", (int)(slash - file), file, slash + 1);
}

static void sync_dir(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir = slash ? xstrndup(file, slash == file ? 1 : (size_t)(slash - file))
			  : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* best effort: the rename is done; a failed sync cannot be undone */
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int snap_tree_write(struct snap_tree *t, const char *file, const struct snapshot_meta *meta,
		    char **why)
{
	char *tmp;
	mode_t um;
	int fd, err;

	*why = NULL;
	/* -ELIBACC: the caller names the library (dlib_error()) */
	err = dlib_load(DLIB_ARCHIVE);
	if (err)
		return err;
	if (!strcmp(file, "-"))
		return write_archive(t, STDOUT_FILENO, meta, why);

	tmp = temp_name(file);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		*why = xasprintf("cannot create a temporary file beside it: %s", strerror(errno));
		free(tmp);
		return err;
	}
	um = umask(0);
	umask(um);
	err = fchmod(fd, 0666 & ~um) ? -errno : 0;
	if (err)
		*why = xasprintf("%s: %s", tmp, strerror(-err));
	if (!err)
		err = write_archive(t, fd, meta, why);
	if (!err && fsync(fd)) {
		err = -errno;
		*why = xasprintf("cannot sync %s: %s", tmp, strerror(errno));
	}
	if (close(fd) && !err) {
		err = -errno;
		*why = xasprintf("cannot close %s: %s", tmp, strerror(errno));
	}
	if (!err && rename(tmp, file)) {
		err = -errno;
		*why = xasprintf("cannot replace it: %s", strerror(errno));
	}
	if (err)
		unlink(tmp);
	else
		sync_dir(file);
	free(tmp);
	return err;
}
