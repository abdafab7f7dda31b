/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsmartcols: the text tables (output/out.c). Loaded on demand, when a
 * table is printed as text: --version, decode and -j output map none of it.
 * dlib_load(DLIB_SMARTCOLS) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_SMARTCOLS_H
#define IOMMUCTL_DLIB_SMARTCOLS_H

#include <libsmartcols/libsmartcols.h>

#include "core/dlib.h"

#define DLIB_SMARTCOLS_SYMS(X) \
	X(scols_new_table) \
	X(scols_unref_table) \
	X(scols_table_set_stream) \
	X(scols_table_set_termwidth) \
	X(scols_table_enable_raw) \
	X(scols_table_enable_noheadings) \
	X(scols_table_enable_export) \
	X(scols_table_set_termforce) \
	X(scols_column_set_wrapfunc) \
	X(scols_column_set_safechars) \
	X(scols_wrapnl_chunksize) \
	X(scols_wrapnl_nextchunk) \
	X(scols_table_new_column) \
	X(scols_table_new_line) \
	X(scols_line_refer_data) \
	X(scols_print_table)

DLIB_SMARTCOLS_SYMS(DLIB_DECLARE)

#define scols_new_table dl_scols_new_table
#define scols_unref_table dl_scols_unref_table
#define scols_table_set_stream dl_scols_table_set_stream
#define scols_table_set_termwidth dl_scols_table_set_termwidth
#define scols_table_enable_raw dl_scols_table_enable_raw
#define scols_table_enable_noheadings dl_scols_table_enable_noheadings
#define scols_table_enable_export dl_scols_table_enable_export
#define scols_table_set_termforce dl_scols_table_set_termforce
#define scols_column_set_wrapfunc dl_scols_column_set_wrapfunc
#define scols_column_set_safechars dl_scols_column_set_safechars
#define scols_wrapnl_chunksize dl_scols_wrapnl_chunksize
#define scols_wrapnl_nextchunk dl_scols_wrapnl_nextchunk
#define scols_table_new_column dl_scols_table_new_column
#define scols_table_new_line dl_scols_table_new_line
#define scols_line_refer_data dl_scols_line_refer_data
#define scols_print_table dl_scols_print_table

#endif
