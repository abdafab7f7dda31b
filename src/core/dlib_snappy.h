/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snappy: kdump pages compressed with snappy.
 * Loaded on demand: dlib_load(DLIB_SNAPPY) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_SNAPPY_H
#define IOMMUCTL_DLIB_SNAPPY_H

#include <snappy-c.h>

#include "core/dlib.h"

#define DLIB_SNAPPY_SYMS(X) \
	X(snappy_uncompressed_length) \
	X(snappy_uncompress)

DLIB_SNAPPY_SYMS(DLIB_DECLARE)

#define snappy_uncompressed_length dl_snappy_uncompressed_length
#define snappy_uncompress dl_snappy_uncompress

#endif
