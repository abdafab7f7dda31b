/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Human names for PCI IDs, looked up by libpci as lspci looks them up
 * (pci.ids, then the udev hardware database). Names describe this
 * machine's databases, not the inspected source, so they stay out of the
 * inventory and snapshots; without libpci every lookup simply finds nothing.
 */
#ifndef IOMMUCTL_NAMES_H
#define IOMMUCTL_NAMES_H

#include <stdint.h>

struct names;

/* The PCI ID list to read instead of libpci's own (/usr/share/misc/pci.ids), as lspci -i FILE. */
#define NAMES_PCI_IDS_ENV "IOMMUCTL_PCI_IDS"

/* names_pci()'s class_code when the class is not known: no class name is looked up. */
#define NAMES_NO_CLASS 0xffffffffu

struct pci_names {
	char *vendor;      /* "Intel Corporation", or NULL */
	char *device;      /* "82574L Gigabit Network Connection", or NULL */
	char *class_name;  /* "SATA controller (AHCI 1.0)": subclass (or class), interface */
};

/*
 * Open the databases. Returns 0, or -EOPNOTSUPP when built without libpci
 * or when it cannot be loaded; *n is then NULL, which every other function
 * accepts. A missing PCI ID list is no error (the hardware database, if
 * any, still answers); one that cannot be parsed or read is left out, and
 * names_warning() says so.
 */
int names_open(struct names **n);
void names_free(struct names *n);

/* One line on a PCI ID list that could not be read, or NULL. */
const char *names_warning(const struct names *n);

/* Look up names for vendor:device and the 24-bit class code (or NAMES_NO_CLASS); fields may stay NULL. */
void names_pci(struct names *n, uint16_t vendor, uint16_t device, uint32_t class_code,
	       struct pci_names *out);
void pci_names_release(struct pci_names *pn);

#endif
