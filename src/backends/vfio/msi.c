// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reserved-region classification and the usable IOVA window (msi.h).
 * The hardware/software MSI distinction follows the drivers: intel-iommu
 * and amd-iommu report the x86 interrupt window as IOMMU_RESV_MSI;
 * arm-smmu(-v3) and virtio-iommu without a device-given MSI region add
 * IOMMU_RESV_SW_MSI at MSI_IOVA_BASE 0x8000000 (1 MiB); virtio-iommu on x86
 * passes on the device's 0xfee00000 bypass region as IOMMU_RESV_MSI.
 */
#include <stdlib.h>
#include <string.h>

#include "backends/vfio/msi.h"
#include "core/util.h"

#define X86_MSI_START 0xfee00000ULL
#define X86_MSI_END   0xfeefffffULL
#define SW_MSI_BASE   0x8000000ULL     /* MSI_IOVA_BASE in the Arm drivers and virtio-iommu */

const char *resv_arch_guess(const char *kind, const char *kernel_release)
{
	static const struct {
		const char *kind, *arch;
	} by_kind[] = {
		{ "intel-vtd", "x86" }, { "amd-vi", "x86" },
		{ "arm-smmu-v3", "arm64" }, { "arm-smmu", "arm64" }, { "spapr-tce", "ppc64" },
		{ "riscv-iommu", "riscv64" },
	};
	static const struct {
		const char *suffix, *arch;
	} by_release[] = {
		{ "amd64", "x86" }, { "x86_64", "x86" }, { "arm64", "arm64" }, { "aarch64", "arm64" },
		{ "riscv64", "riscv64" }, { "ppc64el", "ppc64" }, { "ppc64le", "ppc64" },
		{ "powerpc64le", "ppc64" },
	};

	for (size_t i = 0; kind && i < ARRAY_SIZE(by_kind); i++)
		if (!strcmp(kind, by_kind[i].kind))
			return by_kind[i].arch;
	for (size_t i = 0; kernel_release && i < ARRAY_SIZE(by_release); i++)
		if (strstr(kernel_release, by_release[i].suffix))
			return by_release[i].arch;
	return NULL;
}

void resv_classify(const char *type, uint64_t start, uint64_t end, const char *kind,
		   const char *arch, struct resv_info *ri)
{
	bool x86_window = start == X86_MSI_START && end == X86_MSI_END;

	memset(ri, 0, sizeof(*ri));
	ri->excluded = true;
	if (!strcmp(type, "direct-relaxable")) {
		ri->cls = RESV_DIRECT_RELAXABLE;
		ri->key = "direct_relaxable";
		ri->label = "direct-mapped, relaxable";
		ri->why = "identity-mapped only while the kernel's DMA domain is in use (an RMRR for USB "
			  "or graphics); given up when the device is assigned: stays usable for maps";
		ri->excluded = false;
		return;
	}
	if (!strcmp(type, "direct")) {
		ri->cls = RESV_DIRECT;
		ri->key = "direct";
		ri->label = "direct-mapped";
		ri->why = "must stay identity-mapped (RMRR, IVMD, IORT RMR): excluded from maps; on VT-d "
			  "such a device usually cannot be assigned";
		return;
	}
	if (!strcmp(type, "reserved")) {
		ri->cls = RESV_RESERVED;
		ri->key = "reserved";
		ri->label = "reserved";
		ri->why = kind && !strcmp(kind, "amd-vi") ? "never translated (AMD HyperTransport window)" :
			  "never translated: excluded from maps";
		return;
	}
	if (strcmp(type, "msi")) {
		ri->cls = RESV_OTHER;
		ri->key = "other";
		ri->label = type;
		ri->why = "a region type this tool does not know: treated as excluded";
		return;
	}
	if (kind && (!strcmp(kind, "intel-vtd") || !strcmp(kind, "amd-vi"))) {
		ri->cls = RESV_MSI_HW;
		ri->why = "x86 interrupt window, reported by the IOMMU driver as IOMMU_RESV_MSI: MSI "
			  "writes there reach the interrupt remapping hardware; fixed, cannot move";
	} else if (kind && (!strcmp(kind, "arm-smmu-v3") || !strcmp(kind, "arm-smmu"))) {
		ri->cls = RESV_MSI_SW;
		ri->why = "IOMMU_RESV_SW_MSI chosen by the SMMU driver (MSI_IOVA_BASE): the kernel maps "
			  "the MSI doorbell at this IOVA in every domain";
	} else if (kind && !strcmp(kind, "virtio-iommu")) {
		if (x86_window || (arch && !strcmp(arch, "x86"))) {
			ri->cls = RESV_MSI_HW;
			ri->why = "x86 interrupt window given by the virtio-iommu device (bypass, "
				  "IOMMU_RESV_MSI)";
		} else {
			ri->cls = RESV_MSI_SW;
			ri->why = "virtio-iommu gave no MSI region, so the driver added IOMMU_RESV_SW_MSI "
				  "at MSI_IOVA_BASE";
		}
	} else if (x86_window) {
		ri->cls = RESV_MSI_HW;
		ri->why = "the x86 interrupt window (by address; IOMMU kind unknown)";
	} else if (start == SW_MSI_BASE) {
		ri->cls = RESV_MSI_SW;
		ri->why = "MSI_IOVA_BASE, the software MSI window (by address; IOMMU kind unknown)";
	} else {
		ri->cls = RESV_MSI_UNKNOWN;
		ri->why = "an MSI window of an IOMMU this tool cannot place: hardware or software unknown";
	}
	ri->key = ri->cls == RESV_MSI_HW ? "hw_msi" : ri->cls == RESV_MSI_SW ? "sw_msi" : "msi";
	ri->label = ri->cls == RESV_MSI_HW ? "hardware MSI window" :
		    ri->cls == RESV_MSI_SW ? "software MSI window" : "MSI window";
}

static int region_cmp(const void *a, const void *b)
{
	const struct resv_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void resv_usable_window(unsigned int width, const struct resv_region *r, size_t n,
			struct vfio_range **out, size_t *nout)
{
	uint64_t top = width >= 64 || width == 0 ? UINT64_MAX : (1ULL << width) - 1;
	struct resv_region *s = xcalloc(n ? n : 1, sizeof(*s));
	uint64_t cur = 0;
	bool done = false;
	size_t k = 0, m = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].excluded)
			s[m++] = r[i];
	qsort(s, m, sizeof(*s), region_cmp);
	*out = xcalloc(m + 1, sizeof(**out));
	for (size_t i = 0; i < m && !done; i++) {
		if (s[i].end < cur)
			continue;
		if (s[i].start > top)
			break;
		if (s[i].start > cur) {
			(*out)[k].start = cur;
			(*out)[k].last = s[i].start - 1;
			k++;
		}
		if (s[i].end >= top) {
			done = true;
			break;
		}
		cur = s[i].end + 1;
	}
	if (!done) {
		(*out)[k].start = cur;
		(*out)[k].last = top;
		k++;
	}
	*nout = k;
	free(s);
}

unsigned int resv_vtd_width(uint64_t cap)
{
	unsigned int mgaw = (unsigned int)((cap >> 16) & 0x3f) + 1;
	unsigned int sagaw = (unsigned int)((cap >> 8) & 0x1f), widest = 0;

	/* SAGAW bit 1: 39-bit (3-level), bit 2: 48-bit (4-level), bit 3: 57-bit (5-level) */
	for (unsigned int b = 1; b <= 3; b++)
		if (sagaw & (1u << b))
			widest = 30 + 9 * b;
	if (!widest)
		return 0;
	return mgaw < widest ? mgaw : widest;
}
