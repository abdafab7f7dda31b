/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The words of vfio status and vfio probe: the backend (backends/vfio)
 * records what it tried and what the kernel answered as data; these turn
 * a feature row or a probe step into the text both outputs show. Exported
 * for the unit tests, which check them against the fake kernel.
 */
#ifndef IOMMUCTL_CLI_VFIO_H
#define IOMMUCTL_CLI_VFIO_H

#include <stdint.h>

struct vfio_feature;
struct vfio_path_run;
struct vfio_probe_result;
struct vfio_step;

/* "iommufd (/dev/iommu)": the row's label; the key itself when unknown. */
const char *cli_vfio_feature_label(const char *key);
/* The value, or why it is absent (malloc'd); NULL when there is nothing to add. */
char *cli_vfio_feature_detail(const struct vfio_feature *f);

/* "map the buffer at IOVA 0x100000" (malloc'd). */
char *cli_vfio_step_what(const struct vfio_step *s);
/* What came back ("mapped"), or on failure the errno explained (malloc'd). */
char *cli_vfio_step_result(const struct vfio_probe_result *res, const struct vfio_step *s);
/* One line: why the path failed (malloc'd); NULL when it did not. */
char *cli_vfio_path_why(const struct vfio_probe_result *res, const struct vfio_path_run *p);
/* The newer iommufd's answer for the probed device (res->feats), in a sentence, or NULL. */
char *cli_vfio_probe_feature_detail(const struct vfio_probe_result *res, const struct vfio_feature *f);
/* IOMMU_GET_HW_INFO's out_capabilities by the uAPI's names, "PCI_ATS_NOT_SUPPORTED" ("" for 0; malloc'd). */
char *cli_vfio_hw_caps_text(uint64_t caps);
/* What a hardware info of type none means, naming the driver (malloc'd); NULL for any other type. */
char *cli_vfio_hw_info_detail(const struct vfio_probe_result *res);

#endif
