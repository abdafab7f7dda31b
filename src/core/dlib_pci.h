/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpci (pciutils): names of PCI vendors, devices and classes, looked up
 * as lspci looks them up (pci.ids, then the udev hardware database where
 * libpci was built with it). Only the name functions: iommuctl reads
 * devices through its own view, never through libpci's access methods.
 * Loaded on demand: dlib_load(DLIB_PCI) before the first call (core/dlib.h).
 */
#ifndef IOMMUCTL_DLIB_PCI_H
#define IOMMUCTL_DLIB_PCI_H

#include <pci/pci.h>

#include "core/dlib.h"

#define DLIB_PCI_SYMS(X) \
	X(pci_alloc) \
	X(pci_cleanup) \
	X(pci_set_name_list_path) \
	X(pci_load_name_list) \
	X(pci_free_name_list) \
	X(pci_lookup_name)

DLIB_PCI_SYMS(DLIB_DECLARE)

#define pci_alloc dl_pci_alloc
#define pci_cleanup dl_pci_cleanup
#define pci_set_name_list_path dl_pci_set_name_list_path
#define pci_load_name_list dl_pci_load_name_list
#define pci_free_name_list dl_pci_free_name_list
#define pci_lookup_name dl_pci_lookup_name

#endif
