/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * zstd: kdump pages compressed with zstd.
 * Loaded on demand: dlib_load(DLIB_ZSTD) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_ZSTD_H
#define IOMMUCTL_DLIB_ZSTD_H

#include <zstd.h>

#include "core/dlib.h"

#define DLIB_ZSTD_SYMS(X) \
	X(ZSTD_createDCtx) \
	X(ZSTD_freeDCtx) \
	X(ZSTD_decompressDCtx) \
	X(ZSTD_isError)

DLIB_ZSTD_SYMS(DLIB_DECLARE)

#define ZSTD_createDCtx dl_ZSTD_createDCtx
#define ZSTD_freeDCtx dl_ZSTD_freeDCtx
#define ZSTD_decompressDCtx dl_ZSTD_decompressDCtx
#define ZSTD_isError dl_ZSTD_isError

#endif
