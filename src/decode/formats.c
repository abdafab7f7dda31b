/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The registry of decoder formats, in the order `decode list` shows them,
 * and alternative names (newer spec vocabulary, common abbreviations).
 */
#include <string.h>

#include "decode/fmt.h"

static const struct decode_fmt *const formats[] = {
	&fmt_vtd_root, &fmt_vtd_root_sm, &fmt_vtd_context, &fmt_vtd_context_sm,
	&fmt_vtd_pasid_dir, &fmt_vtd_pasid, &fmt_vtd_sl_pte, &fmt_vtd_fl_pte,
	&fmt_vtd_cap, &fmt_vtd_ecap, &fmt_vtd_frcd,
	&fmt_amd_dte, &fmt_amd_v1_pte, &fmt_amd_v2_pte, &fmt_amd_gcr3, &fmt_amd_efr,
	&fmt_arm_lpae_s1, &fmt_arm_lpae_s2, &fmt_arm_v7s_l1, &fmt_arm_v7s_l2,
	&fmt_smmuv3_ste, &fmt_smmuv3_cd, &fmt_smmuv3_l1_std, &fmt_smmuv3_l1_cd,
	&fmt_ppc_tce,
	&fmt_riscv_ddte, &fmt_riscv_dc, &fmt_riscv_dc_ext, &fmt_riscv_pdte, &fmt_riscv_pc,
	&fmt_riscv_pte, &fmt_riscv_caps, &fmt_riscv_fctl, &fmt_riscv_ddtp,
};

static const struct {
	const char *alias;
	const struct decode_fmt *fmt;
} aliases[] = {
	/* VT-d 3.x+ says "second/first stage" where older revisions said "level". */
	{ "vtd-ss-pte", &fmt_vtd_sl_pte },
	{ "vtd-fs-pte", &fmt_vtd_fl_pte },
	{ "vtd-pasid-entry", &fmt_vtd_pasid },
	{ "amd-features", &fmt_amd_efr },
	{ "arm-lpae", &fmt_arm_lpae_s1 },
	{ "smmuv3-l1std", &fmt_smmuv3_l1_std },
	{ "smmuv3-l1cd", &fmt_smmuv3_l1_cd },
	{ "riscv-sv-pte", &fmt_riscv_pte },
	{ "riscv-capabilities", &fmt_riscv_caps },
};

const struct decode_fmt *decode_format_at(size_t i)
{
	return i < ARRAY_SIZE(formats) ? formats[i] : NULL;
}

const struct decode_fmt *decode_alias_at(size_t i, const char **alias)
{
	if (i >= ARRAY_SIZE(aliases))
		return NULL;
	*alias = aliases[i].alias;
	return aliases[i].fmt;
}

const struct decode_fmt *decode_format_find(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i]->name, name))
			return formats[i];
	for (i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(aliases[i].alias, name))
			return aliases[i].fmt;
	return NULL;
}
