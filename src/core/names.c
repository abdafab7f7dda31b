/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * udev hwdb lookups: "pci:vXXXXXXXXdYYYYYYYY*" gives the vendor and model
 * names, a full modalias with the class bytes gives the class names
 * ("SATA controller (AHCI 1.0)", as lspci words them). libudev is
 * loaded on demand (core/dlib.h): when it cannot be, or the build had
 * none, every answer is NULL and callers show numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/util.h"

#ifdef HAVE_LIBUDEV
#include "core/dlib_udev.h"

struct names {
	struct udev *udev;
	struct udev_hwdb *hwdb;
};

int names_open(struct names **np)
{
	struct names *n;

	*np = NULL;
	if (dlib_load(DLIB_UDEV))
		return -EOPNOTSUPP;
	n = xcalloc(1, sizeof(*n));
	n->udev = udev_new();
	if (n->udev)
		n->hwdb = udev_hwdb_new(n->udev);
	if (!n->hwdb) {
		names_free(n);
		return -ENOENT;
	}
	*np = n;
	return 0;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	if (n->hwdb)
		udev_hwdb_unref(n->hwdb);
	if (n->udev)
		udev_unref(n->udev);
	free(n);
}

/* The value of property key for modalias, or NULL. */
static char *hwdb_get(struct names *n, const char *modalias, const char *key)
{
	struct udev_list_entry *e;

	udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(n->hwdb, modalias, 0)) {
		const char *val = udev_list_entry_get_value(e);

		if (!strcmp(udev_list_entry_get_name(e), key) && val && *val)
			return xstrdup(val);
	}
	return NULL;
}

void names_pci(struct names *n, uint16_t vendor, uint16_t device, uint32_t class_code,
	       struct pci_names *out)
{
	char alias[96], *sub, *iface;

	memset(out, 0, sizeof(*out));
	if (!n)
		return;
	snprintf(alias, sizeof(alias), "pci:v%08Xd%08X*", vendor, device);
	out->vendor = hwdb_get(n, alias, "ID_VENDOR_FROM_DATABASE");
	out->device = hwdb_get(n, alias, "ID_MODEL_FROM_DATABASE");
	snprintf(alias, sizeof(alias), "pci:v%08Xd%08Xsv00000000sd00000000bc%02Xsc%02Xi%02X",
		 vendor, device, (class_code >> 16) & 0xff, (class_code >> 8) & 0xff, class_code & 0xff);
	sub = hwdb_get(n, alias, "ID_PCI_SUBCLASS_FROM_DATABASE");
	if (!sub)
		sub = hwdb_get(n, alias, "ID_PCI_CLASS_FROM_DATABASE");
	iface = hwdb_get(n, alias, "ID_PCI_INTERFACE_FROM_DATABASE");
	if (sub && iface)
		out->class_name = xasprintf("%s (%s)", sub, iface);
	else if (sub)
		out->class_name = xstrdup(sub);
	free(sub);
	free(iface);
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
