/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Libraries loaded on demand. Most commands need none of libarchive (the
 * snapshots), the kdump page decompressors or libpci (names), and mapping
 * them, with what they bring, cost more than the rest of a short command's
 * start-up; so the binary does not link them, and the code that uses one
 * calls dlib_load() first. The build still needs each one and its headers.
 *
 * Each library has a header, core/dlib_NAME.h, that includes the library's
 * own headers, declares a pointer for every function iommuctl calls, typed
 * from the real prototype (typeof(&fn)) so the compiler checks every call,
 * and maps the function's name onto the pointer: code that includes it
 * calls archive_read_new() as before. A function missing from the list is
 * an undefined reference at link time.
 */
#ifndef IOMMUCTL_DLIB_H
#define IOMMUCTL_DLIB_H

enum dlib_id {
	DLIB_ARCHIVE,   /* snapshots (save, -F, diff) */
	DLIB_ZLIB,      /* kdump zlib pages, /proc/config.gz */
	DLIB_LZO2,      /* kdump lzo pages */
	DLIB_SNAPPY,    /* kdump snappy pages */
	DLIB_ZSTD,      /* kdump zstd pages */
	DLIB_PCI,       /* names of vendors, devices, classes, as lspci's (optional) */
	DLIB_SMARTCOLS, /* text tables */
	DLIB_JSONC,     /* reading JSON back: snapshot metadata, claim journal, apply record */
	DLIB_NLROUTE,   /* the interlocks: links, addresses, routes through netlink */
	DLIB_MOUNT,     /* the interlocks: the mount table and the swaps */
	DLIB_BPF,       /* the kernel's BTF in a crash dump: walk roots (optional) */
	DLIB_COUNT
};

/*
 * Load the library and resolve every function of its list, once
 * (RTLD_NOW | RTLD_LOCAL; it stays loaded). Returns 0; -ELIBACC when it
 * cannot be loaded or lacks a function (then every later call returns the
 * same, and dlib_error() says why); -EOPNOTSUPP when the build had no
 * such library (libpci and libbpf only).
 */
int dlib_load(enum dlib_id id);

/*
 * The reason of the last failed dlib_load(), for the user, one line:
 * "libarchive.so.13 cannot be loaded (install the Debian package
 * libarchive13): <the loader's message>"; NULL when none failed.
 */
const char *dlib_error(void);

/* The library's SONAME ("libarchive.so.13") and Debian package ("libarchive13"). */
const char *dlib_soname(enum dlib_id id);
const char *dlib_package(enum dlib_id id);

/* For the per-library headers: the pointer of one function. */
#define DLIB_DECLARE(fn) extern typeof(&fn) dl_##fn;

#endif
