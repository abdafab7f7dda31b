/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zlib: kdump pages compressed with zlib, and /proc/config.gz (inflateInit and inflateInit2 are zlib's macros over inflateInit_ and inflateInit2_).
 * Loaded on demand: dlib_load(DLIB_ZLIB) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_ZLIB_H
#define IOMMUCTL_DLIB_ZLIB_H

#include <zlib.h>

#include "core/dlib.h"

#define DLIB_ZLIB_SYMS(X) \
	X(inflateInit_) \
	X(inflateInit2_) \
	X(inflate) \
	X(inflateReset) \
	X(inflateEnd)

DLIB_ZLIB_SYMS(DLIB_DECLARE)

#define inflateInit_ dl_inflateInit_
#define inflateInit2_ dl_inflateInit2_
#define inflate dl_inflate
#define inflateReset dl_inflateReset
#define inflateEnd dl_inflateEnd

#endif
