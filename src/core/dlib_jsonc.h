/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json-c: the parser of the files iommuctl reads back (a snapshot's
 * metadata, the claim journal, the apply record); iommuctl writes JSON
 * itself (output/out.c). Loaded on demand: dlib_load(DLIB_JSONC) before
 * the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_JSONC_H
#define IOMMUCTL_DLIB_JSONC_H

#include <json-c/json.h>

#include "core/dlib.h"

#define DLIB_JSONC_SYMS(X) \
	X(json_tokener_new) \
	X(json_tokener_new_ex) \
	X(json_tokener_free) \
	X(json_tokener_parse_ex) \
	X(json_tokener_get_error) \
	X(json_tokener_get_parse_end) \
	X(json_object_put) \
	X(json_object_is_type) \
	X(json_object_object_get_ex) \
	X(json_object_array_length) \
	X(json_object_array_get_idx) \
	X(json_object_get_boolean) \
	X(json_object_get_int) \
	X(json_object_get_int64) \
	X(json_object_get_string) \
	X(json_object_get_string_len)

DLIB_JSONC_SYMS(DLIB_DECLARE)

#define json_tokener_new dl_json_tokener_new
#define json_tokener_new_ex dl_json_tokener_new_ex
#define json_tokener_free dl_json_tokener_free
#define json_tokener_parse_ex dl_json_tokener_parse_ex
#define json_tokener_get_error dl_json_tokener_get_error
#define json_tokener_get_parse_end dl_json_tokener_get_parse_end
#define json_object_put dl_json_object_put
#define json_object_is_type dl_json_object_is_type
#define json_object_object_get_ex dl_json_object_object_get_ex
#define json_object_array_length dl_json_object_array_length
#define json_object_array_get_idx dl_json_object_array_get_idx
#define json_object_get_boolean dl_json_object_get_boolean
#define json_object_get_int dl_json_object_get_int
#define json_object_get_int64 dl_json_object_get_int64
#define json_object_get_string dl_json_object_get_string
#define json_object_get_string_len dl_json_object_get_string_len

#endif
