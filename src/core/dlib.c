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
#ifdef HAVE_LIBPCI
#include "core/dlib_pci.h"
#endif
#ifdef HAVE_LIBBPF
#include "core/dlib_bpf.h"
#endif
#include "dlib_sonames.h"

/* the pointers, typed by their declarations in the headers (## keeps the name unexpanded) */
#define DLIB_DEFINE(fn) typeof(dl_##fn) dl_##fn;

/*
 * Each library's pointers are set by code, one dlsym() a function, not
 * from a table of names and pointer addresses: such a table would cost two
 * relative relocations a function at every start (tests/cli/test-relocs.sh),
 * for a library most commands never load. NAME_resolve(h) sets them all
 * and returns NULL, or returns the name of the first it cannot find;
 * NAME_reset() clears them (all or nothing).
 */
#define DLIB_SET(fn) \
	if (!(*(void **)&dl_##fn = dlsym(h, #fn))) \
		return #fn;
#define DLIB_RESET(fn) dl_##fn = NULL;
#define DLIB_RESOLVER(name, SYMS) \
	SYMS(DLIB_DEFINE) \
	static const char *name##_resolve(void *h) { SYMS(DLIB_SET) return NULL; } \
	static void name##_reset(void) { SYMS(DLIB_RESET) }

DLIB_RESOLVER(archive, DLIB_ARCHIVE_SYMS)
DLIB_RESOLVER(zlib, DLIB_ZLIB_SYMS)
DLIB_RESOLVER(lzo2, DLIB_LZO2_SYMS)
DLIB_RESOLVER(snappy, DLIB_SNAPPY_SYMS)
DLIB_RESOLVER(zstd, DLIB_ZSTD_SYMS)
DLIB_RESOLVER(smartcols, DLIB_SMARTCOLS_SYMS)
DLIB_RESOLVER(jsonc, DLIB_JSONC_SYMS)
DLIB_RESOLVER(nlroute, DLIB_NLROUTE_SYMS)
DLIB_RESOLVER(mount, DLIB_MOUNT_SYMS)
#ifdef HAVE_LIBPCI
DLIB_RESOLVER(pci, DLIB_PCI_SYMS)
#endif
#ifdef HAVE_LIBBPF
DLIB_RESOLVER(bpf, DLIB_BPF_SYMS)
#endif

static const struct dlib {
	const char *soname;
	const char *package;
	const char *(*resolve)(void *h);   /* NULL: the build had no such library */
	void (*reset)(void);
} libs[DLIB_COUNT] = {
	[DLIB_ARCHIVE] = { DLIB_SONAME_ARCHIVE, DLIB_PACKAGE_ARCHIVE, archive_resolve, archive_reset },
	[DLIB_ZLIB]    = { DLIB_SONAME_ZLIB, DLIB_PACKAGE_ZLIB, zlib_resolve, zlib_reset },
	[DLIB_LZO2]    = { DLIB_SONAME_LZO2, DLIB_PACKAGE_LZO2, lzo2_resolve, lzo2_reset },
	[DLIB_SNAPPY]  = { DLIB_SONAME_SNAPPY, DLIB_PACKAGE_SNAPPY, snappy_resolve, snappy_reset },
	[DLIB_ZSTD]    = { DLIB_SONAME_ZSTD, DLIB_PACKAGE_ZSTD, zstd_resolve, zstd_reset },
#ifdef HAVE_LIBPCI
	[DLIB_PCI]     = { DLIB_SONAME_PCI, DLIB_PACKAGE_PCI, pci_resolve, pci_reset },
#else
	[DLIB_PCI]     = { "libpci.so.3", "libpci3", NULL, NULL },
#endif
	[DLIB_SMARTCOLS] = { DLIB_SONAME_SMARTCOLS, DLIB_PACKAGE_SMARTCOLS, smartcols_resolve, smartcols_reset },
	[DLIB_JSONC]   = { DLIB_SONAME_JSONC, DLIB_PACKAGE_JSONC, jsonc_resolve, jsonc_reset },
	[DLIB_NLROUTE] = { DLIB_SONAME_NLROUTE, DLIB_PACKAGE_NLROUTE, nlroute_resolve, nlroute_reset },
	[DLIB_MOUNT]   = { DLIB_SONAME_MOUNT, DLIB_PACKAGE_MOUNT, mount_resolve, mount_reset },
#ifdef HAVE_LIBBPF
	[DLIB_BPF]     = { DLIB_SONAME_BPF, DLIB_PACKAGE_BPF, bpf_resolve, bpf_reset },
#else
	[DLIB_BPF]     = { "libbpf.so.1", "libbpf1", NULL, NULL },
#endif
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
#ifdef HAVE_LIBPCI
	"\0" DLIB_SONAME_PCI
#endif
#ifdef HAVE_LIBBPF
	"\0" DLIB_SONAME_BPF
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
	const char *missing;
	void *h;

	if ((unsigned)id >= DLIB_COUNT)
		return -EINVAL;
	if (state[id] == 1)
		return 0;
	if (state[id] < 0)
		return state[id];
	l = &libs[id];
	if (!l->resolve)
		return state[id] = -EOPNOTSUPP;
	/* before a library that reads it: libsmartcols measures text by it, libarchive converts names */
	text_locale();
	h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return fail(id, dlerror(), "");
	missing = l->resolve(h);
	if (missing) {
		/* all or nothing: no pointer of a library half loaded */
		l->reset();
		dlclose(h);
		return fail(id, "no function ", missing);
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
