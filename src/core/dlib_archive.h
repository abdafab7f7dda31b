/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libarchive, for the snapshots: their tar archives read and written.
 * Loaded on demand: dlib_load(DLIB_ARCHIVE) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_ARCHIVE_H
#define IOMMUCTL_DLIB_ARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

#include "core/dlib.h"

#define DLIB_ARCHIVE_SYMS(X) \
	X(archive_entry_clear) \
	X(archive_entry_filetype) \
	X(archive_entry_free) \
	X(archive_entry_hardlink) \
	X(archive_entry_new) \
	X(archive_entry_pathname) \
	X(archive_entry_perm) \
	X(archive_entry_set_filetype) \
	X(archive_entry_set_gid) \
	X(archive_entry_set_mtime) \
	X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) \
	X(archive_entry_set_rdev) \
	X(archive_entry_set_size) \
	X(archive_entry_set_symlink) \
	X(archive_entry_set_uid) \
	X(archive_entry_size) \
	X(archive_entry_symlink) \
	X(archive_errno) \
	X(archive_error_string) \
	X(archive_read_data) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open_fd) \
	X(archive_read_support_format_tar) \
	X(archive_write_close) \
	X(archive_write_data) \
	X(archive_write_free) \
	X(archive_write_header) \
	X(archive_write_new) \
	X(archive_write_open_fd) \
	X(archive_write_set_format_pax_restricted)

DLIB_ARCHIVE_SYMS(DLIB_DECLARE)

#define archive_entry_clear dl_archive_entry_clear
#define archive_entry_filetype dl_archive_entry_filetype
#define archive_entry_free dl_archive_entry_free
#define archive_entry_hardlink dl_archive_entry_hardlink
#define archive_entry_new dl_archive_entry_new
#define archive_entry_pathname dl_archive_entry_pathname
#define archive_entry_perm dl_archive_entry_perm
#define archive_entry_set_filetype dl_archive_entry_set_filetype
#define archive_entry_set_gid dl_archive_entry_set_gid
#define archive_entry_set_mtime dl_archive_entry_set_mtime
#define archive_entry_set_pathname dl_archive_entry_set_pathname
#define archive_entry_set_perm dl_archive_entry_set_perm
#define archive_entry_set_rdev dl_archive_entry_set_rdev
#define archive_entry_set_size dl_archive_entry_set_size
#define archive_entry_set_symlink dl_archive_entry_set_symlink
#define archive_entry_set_uid dl_archive_entry_set_uid
#define archive_entry_size dl_archive_entry_size
#define archive_entry_symlink dl_archive_entry_symlink
#define archive_errno dl_archive_errno
#define archive_error_string dl_archive_error_string
#define archive_read_data dl_archive_read_data
#define archive_read_free dl_archive_read_free
#define archive_read_new dl_archive_read_new
#define archive_read_next_header dl_archive_read_next_header
#define archive_read_open_fd dl_archive_read_open_fd
#define archive_read_support_format_tar dl_archive_read_support_format_tar
#define archive_write_close dl_archive_write_close
#define archive_write_data dl_archive_write_data
#define archive_write_free dl_archive_write_free
#define archive_write_header dl_archive_write_header
#define archive_write_new dl_archive_write_new
#define archive_write_open_fd dl_archive_write_open_fd
#define archive_write_set_format_pax_restricted dl_archive_write_set_format_pax_restricted

#endif
