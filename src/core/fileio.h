/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replacing a file atomically: the bytes go to a temporary file beside it
 * (the same file system), which is synced and renamed over it, so that a
 * reader (a container runtime scanning /etc/cdi) sees the old file or the
 * new one, never a part.
 */
#ifndef IOMMUCTL_FILEIO_H
#define IOMMUCTL_FILEIO_H

#include <stddef.h>

/*
 * Write buf to file that way, with mode 0666 less the umask. 0, or -errno
 * and *why (malloc'd) saying which step failed; the temporary file is gone
 * either way.
 */
int file_replace(const char *file, const void *buf, size_t len, char **why);

#endif
