/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libudev: names from the udev hardware database (udev_list_entry_foreach is libudev's macro over udev_list_entry_get_next).
 * Loaded on demand: dlib_load(DLIB_UDEV) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_UDEV_H
#define IOMMUCTL_DLIB_UDEV_H

#include <libudev.h>

#include "core/dlib.h"

#define DLIB_UDEV_SYMS(X) \
	X(udev_new) \
	X(udev_unref) \
	X(udev_hwdb_new) \
	X(udev_hwdb_unref) \
	X(udev_hwdb_get_properties_list_entry) \
	X(udev_list_entry_get_next) \
	X(udev_list_entry_get_name) \
	X(udev_list_entry_get_value)

DLIB_UDEV_SYMS(DLIB_DECLARE)

#define udev_new dl_udev_new
#define udev_unref dl_udev_unref
#define udev_hwdb_new dl_udev_hwdb_new
#define udev_hwdb_unref dl_udev_hwdb_unref
#define udev_hwdb_get_properties_list_entry dl_udev_hwdb_get_properties_list_entry
#define udev_list_entry_get_next dl_udev_list_entry_get_next
#define udev_list_entry_get_name dl_udev_list_entry_get_name
#define udev_list_entry_get_value dl_udev_list_entry_get_value

#endif
