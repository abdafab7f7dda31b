/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reserved regions seen from userspace DMA: sysfs prints both the hardware
 * MSI window (IOMMU_RESV_MSI) and the software one (IOMMU_RESV_SW_MSI) as
 * "msi", so they are told apart here by IOMMU driver and address; and the
 * usable IOVA window is the IOMMU's address range minus every region VFIO
 * and iommufd exclude (all but direct-relaxable). Pure functions over data.
 */
#ifndef IOMMUCTL_VFIO_MSI_H
#define IOMMUCTL_VFIO_MSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/vfio/vfio.h"

enum resv_class {
	RESV_MSI_HW,          /* fixed by the platform: x86 0xfee00000 interrupt window */
	RESV_MSI_SW,          /* chosen by software: the kernel maps the doorbell there (Arm 0x8000000) */
	RESV_MSI_UNKNOWN,     /* "msi" we cannot place */
	RESV_DIRECT,          /* identity-mapped, must stay so (RMRR, IVMD, IORT RMR) */
	RESV_DIRECT_RELAXABLE,/* identity-mapped only under the kernel's DMA domain */
	RESV_RESERVED,        /* never mapped (AMD HyperTransport window, ...) */
	RESV_OTHER,
};

struct resv_info {
	enum resv_class cls;
	const char *key;      /* "hw_msi", "sw_msi", ... */
	const char *label;    /* "hardware MSI window" */
	const char *why;      /* how we know, one line */
	bool excluded;        /* VFIO/iommufd keep it out of the usable IOVA ranges */
};

/*
 * Classify one region. kind: the IOMMU kind ("intel-vtd", "amd-vi",
 * "virtio-iommu", "arm-smmu-v3", "arm-smmu", NULL); arch: "x86", "arm64",
 * NULL when unknown.
 */
void resv_classify(const char *type, uint64_t start, uint64_t end, const char *kind,
		   const char *arch, struct resv_info *ri);

/* "x86" / "arm64" / "riscv64" / "ppc64" from the IOMMU kind or kernel release; NULL if unknown. */
const char *resv_arch_guess(const char *kind, const char *kernel_release);

/*
 * [0, 2^width - 1] minus the excluded regions (start/end inclusive pairs).
 * Allocates *out. width 64 means the whole space.
 */
struct resv_region {
	uint64_t start, end;
	bool excluded;
};
void resv_usable_window(unsigned int width, const struct resv_region *r, size_t n,
			struct vfio_range **out, size_t *nout);

/* The VT-d DMA address width from the cap register: min(MGAW, widest SAGAW). 0 if unknown. */
unsigned int resv_vtd_width(uint64_t cap);

#endif
