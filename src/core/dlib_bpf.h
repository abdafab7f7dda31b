/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libbpf: the kernel's BTF (type information) read from a crash dump or a
 * file, for the struct member offsets walk roots needs to read the roots
 * the kernel recorded (decode/kern.c). Only the BTF functions.
 * Loaded on demand: dlib_load(DLIB_BPF) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_BPF_H
#define IOMMUCTL_DLIB_BPF_H

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/dlib.h"

#define DLIB_BPF_SYMS(X) \
	X(btf__new) \
	X(btf__parse) \
	X(btf__free) \
	X(btf__type_cnt) \
	X(btf__type_by_id) \
	X(btf__name_by_offset) \
	X(btf__resolve_size) \
	X(libbpf_get_error) \
	X(libbpf_set_print) \
	X(libbpf_strerror)

DLIB_BPF_SYMS(DLIB_DECLARE)

#define btf__new dl_btf__new
#define btf__parse dl_btf__parse
#define btf__free dl_btf__free
#define btf__type_cnt dl_btf__type_cnt
#define btf__type_by_id dl_btf__type_by_id
#define btf__name_by_offset dl_btf__name_by_offset
#define btf__resolve_size dl_btf__resolve_size
#define libbpf_get_error dl_libbpf_get_error
#define libbpf_set_print dl_libbpf_set_print
#define libbpf_strerror dl_libbpf_strerror

#endif
