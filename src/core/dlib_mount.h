/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libmount (util-linux): the mount table and the swap list the interlocks
 * read (backends/sysfs/interlock.c). Loaded on demand, by the commands that
 * check the interlocks before unbinding a driver (group claim, type,
 * release, apply): the others map none of it.
 * dlib_load(DLIB_MOUNT) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_MOUNT_H
#define IOMMUCTL_DLIB_MOUNT_H

#include <libmount/libmount.h>

#include "core/dlib.h"

#define DLIB_MOUNT_SYMS(X) \
	X(mnt_new_table) \
	X(mnt_unref_table) \
	X(mnt_table_parse_stream) \
	X(mnt_table_next_fs) \
	X(mnt_new_iter) \
	X(mnt_free_iter) \
	X(mnt_fs_get_source) \
	X(mnt_fs_get_target) \
	X(mnt_fs_get_devno) \
	X(mnt_fs_get_swaptype)

DLIB_MOUNT_SYMS(DLIB_DECLARE)

#define mnt_new_table dl_mnt_new_table
#define mnt_unref_table dl_mnt_unref_table
#define mnt_table_parse_stream dl_mnt_table_parse_stream
#define mnt_table_next_fs dl_mnt_table_next_fs
#define mnt_new_iter dl_mnt_new_iter
#define mnt_free_iter dl_mnt_free_iter
#define mnt_fs_get_source dl_mnt_fs_get_source
#define mnt_fs_get_target dl_mnt_fs_get_target
#define mnt_fs_get_devno dl_mnt_fs_get_devno
#define mnt_fs_get_swaptype dl_mnt_fs_get_swaptype

#endif
