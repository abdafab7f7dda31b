/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LZO: kdump pages compressed with lzo (lzo_init() is lzo's macro over __lzo_init_v2).
 * Loaded on demand: dlib_load(DLIB_LZO2) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_LZO2_H
#define IOMMUCTL_DLIB_LZO2_H

#include <lzo/lzo1x.h>

#include "core/dlib.h"

#define DLIB_LZO2_SYMS(X) \
	X(__lzo_init_v2) \
	X(lzo1x_decompress_safe)

DLIB_LZO2_SYMS(DLIB_DECLARE)

#define __lzo_init_v2 dl___lzo_init_v2
#define lzo1x_decompress_safe dl_lzo1x_decompress_safe

#endif
