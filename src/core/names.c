/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names of PCI vendors, devices and classes from libpci (pciutils), so
 * that a device is named as lspci names it: pci.ids first, then, where
 * libpci was built with it (Debian's is), the udev hardware database. The
 * IDs are this machine's answer, asked when a command prints, so a
 * snapshot read here is named as this machine would name the live device
 * (as lspci -F names a dump). libpci is loaded on demand (core/dlib.h):
 * when it cannot be, or the build had none, every answer is NULL and
 * callers show numbers.
 *
 * Only libpci's name functions are used, on a pci_access that is never
 * pci_init()ed (no access method, no bus scan); no DNS lookups and no
 * ~/.pciids-cache (that cache only holds what DNS lookups found).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/util.h"

#ifdef HAVE_LIBPCI
#include "core/dlib_pci.h"

struct names {
	struct pci_access *pacc;
	bool broken;                  /* libpci failed in a lookup: ask it no more */
	char warning[320];
};

/*
 * libpci reports what it cannot go on from (a pci.ids it cannot parse or
 * read, memory) through a->error, which must not return. It is called
 * only inside the libpci calls below, each made with a recovery point
 * set: the handler keeps the message and jumps back there.
 */
static jmp_buf *recover;
static char pci_error_msg[256];

__attribute__((format(printf, 1, 2)))
static void PCI_NONRET names_pci_error(char *msg, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, msg);
	vsnprintf(pci_error_msg, sizeof(pci_error_msg), msg, ap);
	va_end(ap);
	n = strlen(pci_error_msg);
	while (n && (pci_error_msg[n - 1] == '\n' || pci_error_msg[n - 1] == '.'))
		pci_error_msg[--n] = '\0';
	if (recover)
		longjmp(*recover, 1);
	abort();  /* a libpci call outside a recovery point: a bug here */
}

/* warnings (a name cache it cannot write, ...) and debugging: not ours to print */
static void names_pci_quiet(char *msg, ...)
{
}

int names_open(struct names **np)
{
	struct names *n;
	const char *ids = getenv(NAMES_PCI_IDS_ENV);
	static char no_list[] = "";
	volatile int failed = 0;
	jmp_buf jb;

	*np = NULL;
	if (dlib_load(DLIB_PCI))
		return -EOPNOTSUPP;
	n = xcalloc(1, sizeof(*n));
	n->pacc = pci_alloc();
	n->pacc->error = names_pci_error;
	n->pacc->warning = names_pci_quiet;
	n->pacc->debug = names_pci_quiet;
	n->pacc->id_lookup_mode &= ~(unsigned int)(PCI_LOOKUP_CACHE | PCI_LOOKUP_NETWORK);
	if (setjmp(jb)) {
		if (!failed++) {
			snprintf(n->warning, sizeof(n->warning), "PCI ID list: %s: its names are left out",
				 pci_error_msg);
			/*
			 * What was read up to the error goes too, and the list is
			 * not read again: an empty path is a missing list, as if
			 * there were none. The hardware database still answers.
			 */
			pci_set_name_list_path(n->pacc, no_list, 0);
			pci_load_name_list(n->pacc);
		} else {
			n->broken = true;
		}
		recover = NULL;
		*np = n;
		return 0;
	}
	recover = &jb;
	if (ids && *ids)
		pci_set_name_list_path(n->pacc, xstrdup(ids), 1);
	/* now rather than at the first lookup, so that a list it cannot parse is said once, here */
	pci_load_name_list(n->pacc);
	recover = NULL;
	*np = n;
	return 0;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	if (n->pacc)
		pci_cleanup(n->pacc);
	free(n);
}

const char *names_warning(const struct names *n)
{
	return n && n->warning[0] ? n->warning : NULL;
}

/* libpci's answer for one request, or NULL when no database knows it */
#define LOOKUP(n, flags, ...) ({ \
	char buf_[256]; \
	const char *r_ = pci_lookup_name((n)->pacc, buf_, sizeof(buf_), (flags) | PCI_LOOKUP_NO_NUMBERS, \
					 __VA_ARGS__); \
	r_ ? xstrdup(r_) : NULL; \
})

static void lookup_all(struct names *n, uint16_t vendor, uint16_t device, uint32_t class_code,
		       struct pci_names *out)
{
	char *sub = NULL, *iface = NULL;

	out->vendor = LOOKUP(n, PCI_LOOKUP_VENDOR, vendor);
	out->device = LOOKUP(n, PCI_LOOKUP_DEVICE, vendor, device);
	if (class_code == NAMES_NO_CLASS)
		return;
	/* the subclass, else the class (then with its number, "Mass storage controller [0180]"), as lspci */
	sub = LOOKUP(n, PCI_LOOKUP_CLASS, (int)(class_code >> 8));
	if (sub)
		iface = LOOKUP(n, PCI_LOOKUP_PROGIF, (int)(class_code >> 8), (int)(class_code & 0xff));
	if (iface) {
		out->class_name = xasprintf("%s (%s)", sub, iface);
		free(sub);
		free(iface);
	} else {
		out->class_name = sub;
	}
}

void names_pci(struct names *n, uint16_t vendor, uint16_t device, uint32_t class_code,
	       struct pci_names *out)
{
	jmp_buf jb;

	memset(out, 0, sizeof(*out));
	if (!n || n->broken)
		return;
	if (setjmp(jb)) {
		/* out of memory in libpci, say: the names found so far stay, no more are asked */
		recover = NULL;
		n->broken = true;
		return;
	}
	recover = &jb;
	lookup_all(n, vendor, device, class_code, out);
	recover = NULL;
}

#else

int names_open(struct names **np)
{
	*np = NULL;
	return -EOPNOTSUPP;
}

void names_free(struct names *n)
{
}

const char *names_warning(const struct names *n)
{
	return NULL;
}

void names_pci(struct names *n, uint16_t vendor, uint16_t device, uint32_t class_code,
	       struct pci_names *out)
{
	memset(out, 0, sizeof(*out));
}

#endif

void pci_names_release(struct pci_names *pn)
{
	free(pn->vendor);
	free(pn->device);
	free(pn->class_name);
	memset(pn, 0, sizeof(*pn));
}
