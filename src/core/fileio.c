// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file_replace(): a temporary file beside the target, written, synced,
 * renamed over it; then the directory synced (fileio.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/util.h"

/* "dir/.name.XXXXXX" beside file: rename() needs the same file system. */
static char *temp_beside(const char *file)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		return xasprintf(".%s.XXXXXX", file);
	return xasprintf("%.*s/.%s.XXXXXX", (int)(slash - file), file, slash + 1);
}

static void sync_parent(const char *file)
{
	const char *slash = strrchr(file, '/');
	char *dir = slash ? xstrndup(file, slash == file ? 1 : (size_t)(slash - file)) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	/* best effort: the rename is done */
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int file_replace(const char *file, const void *buf, size_t len, char **why)
{
	char *tmp = temp_beside(file);
	const char *p = buf;
	mode_t um;
	int fd, err = 0;

	*why = NULL;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		*why = xasprintf("cannot create a temporary file beside it: %s", strerror(errno));
		free(tmp);
		return err;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um))
		err = -errno;
	while (!err && len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (err)
		*why = xasprintf("cannot write %s: %s", tmp, strerror(-err));
	if (!err && rename(tmp, file)) {
		err = -errno;
		*why = xasprintf("cannot replace it: %s", strerror(errno));
	}
	if (err)
		unlink(tmp);
	else
		sync_parent(file);
	free(tmp);
	return err;
}
