/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PLACEHOLDER: replaced by the real iommu commands. */
#include "cli/cli.h"

static const struct cli_verb iommu_verbs[] = { { 0 } };

const struct cli_object cli_object_iommu = {
	.name = "iommu",
	.summary = "iommu (not yet implemented)",
	.verbs = iommu_verbs,
};
