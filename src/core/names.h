/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Human names for PCI IDs from the local udev hardware database (the same
 * data lspci and udevadm show). Names describe this machine's database,
 * not the inspected source, so they stay out of the inventory and
 * snapshots; without libudev every lookup simply finds nothing.
 */
#ifndef IOMMUCTL_NAMES_H
#define IOMMUCTL_NAMES_H

#include <stdint.h>

struct names;

struct pci_names {
	char *vendor;      /* "Intel Corporation", or NULL */
	char *device;      /* "82574L Gigabit Network Connection", or NULL */
	char *class_name;  /* "SATA controller (AHCI 1.0)": subclass (or class), interface */
};

/*
 * Open the database. Returns 0, or -EOPNOTSUPP when built without libudev
 * or when it cannot be loaded, -ENOENT when the database cannot be opened; *n is then NULL, which every
 * other function accepts.
 */
int names_open(struct names **n);
void names_free(struct names *n);

/* Look up names for vendor:device and the 24-bit class code; fields may stay NULL. */
void names_pci(struct names *n, uint16_t vendor, uint16_t device, uint32_t class_code,
	       struct pci_names *out);
void pci_names_release(struct pci_names *pn);

#endif
