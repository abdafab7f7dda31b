/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libraries loaded on demand (core/dlib.h): one row each, with its
 * SONAME and Debian package (from the build: dlib_sonames.h, written by
 * scripts/dlib-sonames.sh) and its functions (the lists in core/dlib_*.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "core/dlib.h"
#include "core/dlib_archive.h"
#include "core/dlib_jsonc.h"
#include "core/dlib_lzo2.h"
#include "core/dlib_mount.h"
#include "core/dlib_nl.h"
#include "core/dlib_smartcols.h"
#include "core/dlib_snappy.h"
#include "core/dlib_zlib.h"
#include "core/dlib_zstd.h"
#include "core/textesc.h"
#ifdef HAVE_LIBUDEV
#include "core/dlib_udev.h"
#endif
#include "dlib_sonames.h"

/* the pointers, typed by their declarations in the headers (## keeps the name unexpanded) */
#define DLIB_DEFINE(fn) typeof(dl_##fn) dl_##fn;
#define DLIB_ENTRY(fn) { #fn, (void **)&dl_##fn },

struct dlib_sym {
	const char *name;
	void **ptr;
};

DLIB_ARCHIVE_SYMS(DLIB_DEFINE)
DLIB_ZLIB_SYMS(DLIB_DEFINE)
DLIB_LZO2_SYMS(DLIB_DEFINE)
DLIB_SNAPPY_SYMS(DLIB_DEFINE)
DLIB_ZSTD_SYMS(DLIB_DEFINE)
DLIB_SMARTCOLS_SYMS(DLIB_DEFINE)
DLIB_JSONC_SYMS(DLIB_DEFINE)
DLIB_NLROUTE_SYMS(DLIB_DEFINE)
DLIB_MOUNT_SYMS(DLIB_DEFINE)
#ifdef HAVE_LIBUDEV
DLIB_UDEV_SYMS(DLIB_DEFINE)
#endif

static const struct dlib_sym archive_syms[] = { DLIB_ARCHIVE_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym zlib_syms[] = { DLIB_ZLIB_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym lzo2_syms[] = { DLIB_LZO2_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym snappy_syms[] = { DLIB_SNAPPY_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym zstd_syms[] = { DLIB_ZSTD_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym smartcols_syms[] = { DLIB_SMARTCOLS_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym jsonc_syms[] = { DLIB_JSONC_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym nlroute_syms[] = { DLIB_NLROUTE_SYMS(DLIB_ENTRY) { 0 } };
static const struct dlib_sym mount_syms[] = { DLIB_MOUNT_SYMS(DLIB_ENTRY) { 0 } };
#ifdef HAVE_LIBUDEV
static const struct dlib_sym udev_syms[] = { DLIB_UDEV_SYMS(DLIB_ENTRY) { 0 } };
#endif

static const struct dlib {
	const char *soname;
	const char *package;
	const struct dlib_sym *syms;    /* NULL: the build had no such library */
} libs[DLIB_COUNT] = {
	[DLIB_ARCHIVE] = { DLIB_SONAME_ARCHIVE, DLIB_PACKAGE_ARCHIVE, archive_syms },
	[DLIB_ZLIB]    = { DLIB_SONAME_ZLIB, DLIB_PACKAGE_ZLIB, zlib_syms },
	[DLIB_LZO2]    = { DLIB_SONAME_LZO2, DLIB_PACKAGE_LZO2, lzo2_syms },
	[DLIB_SNAPPY]  = { DLIB_SONAME_SNAPPY, DLIB_PACKAGE_SNAPPY, snappy_syms },
	[DLIB_ZSTD]    = { DLIB_SONAME_ZSTD, DLIB_PACKAGE_ZSTD, zstd_syms },
#ifdef HAVE_LIBUDEV
	[DLIB_UDEV]    = { DLIB_SONAME_UDEV, DLIB_PACKAGE_UDEV, udev_syms },
#else
	[DLIB_UDEV]    = { "libudev.so.1", "libudev1", NULL },
#endif
	[DLIB_SMARTCOLS] = { DLIB_SONAME_SMARTCOLS, DLIB_PACKAGE_SMARTCOLS, smartcols_syms },
	[DLIB_JSONC]   = { DLIB_SONAME_JSONC, DLIB_PACKAGE_JSONC, jsonc_syms },
	[DLIB_NLROUTE] = { DLIB_SONAME_NLROUTE, DLIB_PACKAGE_NLROUTE, nlroute_syms },
	[DLIB_MOUNT]   = { DLIB_SONAME_MOUNT, DLIB_PACKAGE_MOUNT, mount_syms },
};

/*
 * The SONAMEs this binary may load, where tools that copy a binary with its
 * libraries can read them (readelf -p .iommuctl.dlopen; the VM tests'
 * initramfs does, tests/vm/lib.sh), as ldd shows the linked ones.
 */
__attribute__((section(".iommuctl.dlopen"), used))
static const char dlopen_sonames[] = DLIB_SONAME_ARCHIVE "\0" DLIB_SONAME_ZLIB "\0" DLIB_SONAME_LZO2 "\0"
	DLIB_SONAME_SNAPPY "\0" DLIB_SONAME_ZSTD "\0" DLIB_SONAME_SMARTCOLS "\0" DLIB_SONAME_JSONC
	"\0" DLIB_SONAME_NLROUTE "\0" DLIB_SONAME_MOUNT
#ifdef HAVE_LIBUDEV
	"\0" DLIB_SONAME_UDEV
#endif
	;

static int state[DLIB_COUNT];   /* 0: not tried, 1: loaded, -errno: failed */
static char why[512];

/* "SONAME cannot be loaded (install the Debian package PKG): " what more */
static int fail(enum dlib_id id, const char *what, const char *more)
{
	int n = snprintf(why, sizeof(why), "%s cannot be loaded (install the Debian package %s): ",
			 libs[id].soname, libs[id].package);

	if (n > 0 && (size_t)n < sizeof(why))
		snprintf(why + n, sizeof(why) - n, "%s%s", what ? what : "unknown error", more);
	/* the loader's message may hold a newline: the reason stays one line */
	for (char *p = why; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return state[id] = -ELIBACC;
}

int dlib_load(enum dlib_id id)
{
	const struct dlib *l;
	void *h;

	if ((unsigned)id >= DLIB_COUNT)
		return -EINVAL;
	if (state[id] == 1)
		return 0;
	if (state[id] < 0)
		return state[id];
	l = &libs[id];
	if (!l->syms)
		return state[id] = -EOPNOTSUPP;
	/* before a library that reads it: libsmartcols measures text by it, libarchive converts names */
	text_locale();
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return fail(id, dlerror(), "");
	for (const struct dlib_sym *s = l->syms; s->name; s++) {
		void *p = dlsym(h, s->name);

		if (!p) {
			/* all or nothing: no pointer of a library half loaded */
			for (const struct dlib_sym *t = l->syms; t != s; t++)
				*t->ptr = NULL;
			dlclose(h);
			return fail(id, "no function ", s->name);
		}
		*s->ptr = p;
	}
	state[id] = 1;
	return 0;
}

const char *dlib_error(void)
{
	return why[0] ? why : NULL;
}

const char *dlib_soname(enum dlib_id id)
{
	return (unsigned)id < DLIB_COUNT ? libs[id].soname : NULL;
}

const char *dlib_package(enum dlib_id id)
{
	return (unsigned)id < DLIB_COUNT ? libs[id].package : NULL;
}
