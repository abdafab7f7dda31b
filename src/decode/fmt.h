/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/decode/: the format instances each family file defines,
 * the hierarchies each walk file defines, the shorthands their field
 * tables are written with, and helpers the families share. Consumers
 * include decode.h (and walk.h) only.
 */
#ifndef IOMMUCTL_DECODE_FMT_H
#define IOMMUCTL_DECODE_FMT_H

#include <stdint.h>

#include "decode/decode.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define GENMASK64(hi, lo) ((~0ULL >> (63 - (hi))) & (~0ULL << (lo)))

static inline uint64_t bits64(uint64_t v, unsigned int hi, unsigned int lo)
{
	return (v & GENMASK64(hi, lo)) >> lo;
}

/*
 * Field shorthands: each expands to designated initializers, so a table
 * entry can add .meaning or .shift after it. Keys and labels are string
 * literals copied into the entry's arrays; BF_FITS makes one that would
 * not fit with its NUL a compile error (C lets an initializer drop it).
 */
#define BF_FITS(s, n) \
	(0 * sizeof(struct { _Static_assert(sizeof(s) <= (n), "too long: " s); char c; }))
#define BF_FIELD(w, h, l, k, lab, kd) \
	.key = k, .label = lab, .word = (w) + BF_FITS(k, BF_KEY_MAX) + BF_FITS(lab, BF_LABEL_MAX), \
	.hi = (h), .lo = (l), .kind = (kd)
#define F_FLAG(w, b, k, lab)		BF_FIELD(w, b, b, k, lab, BF_FLAG)
#define F_UINT(w, h, l, k, lab)		BF_FIELD(w, h, l, k, lab, BF_UINT)
#define F_ADDR(w, h, l, k, lab)		BF_FIELD(w, h, l, k, lab, BF_ADDR)
#define F_ENUM(w, h, l, k, lab, tbl)	BF_FIELD(w, h, l, k, lab, BF_ENUM), F_NAMES(tbl)
#define F_RSVD(w, h, l) \
	BF_FIELD(w, h, l, "rsvd_q" #w "_" #h "_" #l, "Reserved", BF_RSVD)
#define F_NAMES(tbl)			.names = BFN_##tbl, .nnames = ARRAY_SIZE(tbl)

/*
 * Value names and computed meanings are indexes, not pointers, for the
 * same reason: .names = BFN_vtd_tt_names (what F_NAMES writes), .meaning =
 * BFM(meaning_hex). Each list names every table and function the field
 * tables use; field.c maps the indexes back.
 */
#define BF_NAMES_LIST(X) \
	X(amd_mode_names) X(amd_glx_names) X(amd_ioctl_names) X(amd_sysmgt_names) \
	X(amd_gpt_level_names) X(amd_intctl_names) X(amd_pde_nl_names) X(amd_pte_nl_names) \
	X(amd_hats_names) X(amd_gats_names) X(amd_devtblseg_names) \
	X(lpae_aptable_names) X(lpae_ap_names) X(lpae_sh_names) X(lpae_s2ap_names) \
	X(rv_iohgatp_mode_names) X(rv_msiptp_mode_names) X(rv_pbmt_names) X(rv_igs_names) \
	X(rv_ddtp_mode_names) \
	X(smmu_config_names) X(smmu_s1fmt_names) X(smmu_s1dss_names) X(smmu_cache_names) \
	X(smmu_sh_names) X(smmu_eats_names) X(smmu_strw_names) X(smmu_shcfg_names) \
	X(smmu_tg_names) X(smmu_ps_names) X(smmu_tg1_names) \
	X(vtd_tt_names) X(vtd_aw_names) X(vtd_pgtt_names) X(vtd_fspm_names) X(vtd_emt_names) \
	X(vtd_frcd_at_names) X(vtd_frcd_t_names) \
	X(x86_rw_names) X(x86_us_names)

#define BF_MEANING_LIST(X) \
	X(meaning_pasid_bits) X(meaning_pow2_entries) X(meaning_hex) \
	X(lpae_type_meaning) X(lpae_attr_idx_meaning) X(lpae_memattr_meaning) X(lpae_s2xn_meaning) \
	X(v7s_type_meaning) X(rv_fsc_mode_meaning) X(rv_version_meaning) X(rv_pas_meaning) \
	X(smmu_cdmax_meaning) X(smmu_t0sz_meaning) X(smmu_s2sl0_meaning) X(smmu_span_meaning) \
	X(vtd_avail_meaning) X(vtd_pdts_meaning) X(vtd_pasid_aw_meaning) X(vtd_nd_meaning) \
	X(vtd_sagaw_meaning) X(vtd_width_meaning) X(vtd_offset16_meaning) X(vtd_sllps_meaning) \
	X(vtd_nfr_meaning) X(vtd_fr_meaning) X(vtd_sid_meaning)

#define BF_NAMES_ENUM(tbl)	BFN_##tbl,
#define BF_MEANING_ENUM(fn)	BFM_##fn,
enum { BFN_NONE, BF_NAMES_LIST(BF_NAMES_ENUM) BFN_COUNT };
enum { BFM_NONE, BF_MEANING_LIST(BF_MEANING_ENUM) BFM_COUNT };
_Static_assert(BFN_COUNT <= 256 && BFM_COUNT <= 256, "struct bitfield holds them in a byte");
#define BFM(fn)			BFM_##fn

typedef void bf_meaning_fn(const struct decode_entry *e, const struct bitfield *f, uint64_t raw,
			   char *buf, size_t len);
#define BF_NAMES_DECL(tbl)	extern const char *const tbl[];
#define BF_MEANING_DECL(fn)	bf_meaning_fn fn;
BF_NAMES_LIST(BF_NAMES_DECL)
BF_MEANING_LIST(BF_MEANING_DECL)

#define LAYOUT(n, tbl) { .name = (n), .fields = (tbl), .nfields = ARRAY_SIZE(tbl) }

/*
 * Fields whose position is a named constant that other code reads too
 * (a walker): "word, hi, lo", or "word, bit" for a flag. FIELD_AT puts the
 * constant into a shorthand, FIELD_AT(F_ENUM, VTD_CTX_TT, "tt", ...); the
 * readers take the same constant, FIELD_GET(words, VTD_CTX_TT). The extra
 * expansion step splits the constant into arguments; a constant of the
 * wrong kind does not compile.
 */
#define FIELD_AT(shorthand, ...)	shorthand(__VA_ARGS__)
#define FIELD_GET(words, pos)		field_get_at(words, pos)
#define FIELD_ADDR(words, pos)		field_addr_at(words, pos)
#define FLAG_GET(words, pos)		flag_get_at(words, pos)
#define FIELD_MASK(pos)			FIELD_MASK_(pos)
#define FIELD_MASK_(w, hi, lo)		GENMASK64(hi, lo)

static inline uint64_t field_get_at(const uint64_t *w, unsigned int word, unsigned int hi,
				    unsigned int lo)
{
	return bits64(w[word], hi, lo);
}

/* An address field: its bits in place, the others clear. */
static inline uint64_t field_addr_at(const uint64_t *w, unsigned int word, unsigned int hi,
				     unsigned int lo)
{
	return w[word] & GENMASK64(hi, lo);
}

static inline bool flag_get_at(const uint64_t *w, unsigned int word, unsigned int bit)
{
	return w[word] >> bit & 1;
}

/* Formats, by family file. */
extern const struct decode_fmt fmt_vtd_root, fmt_vtd_root_sm, fmt_vtd_context,
	fmt_vtd_context_sm, fmt_vtd_pasid_dir, fmt_vtd_pasid, fmt_vtd_sl_pte, fmt_vtd_fl_pte,
	fmt_vtd_cap, fmt_vtd_ecap, fmt_vtd_frcd;
extern const struct decode_fmt fmt_amd_dte, fmt_amd_v1_pte, fmt_amd_v2_pte, fmt_amd_gcr3,
	fmt_amd_efr;
extern const struct decode_fmt fmt_arm_lpae_s1, fmt_arm_lpae_s2;
extern const struct decode_fmt fmt_arm_v7s_l1, fmt_arm_v7s_l2;
extern const struct decode_fmt fmt_smmuv3_ste, fmt_smmuv3_cd, fmt_smmuv3_l1_std,
	fmt_smmuv3_l1_cd;
extern const struct decode_fmt fmt_ppc_tce;
extern const struct decode_fmt fmt_riscv_ddte, fmt_riscv_dc, fmt_riscv_dc_ext,
	fmt_riscv_pdte, fmt_riscv_pc, fmt_riscv_pte, fmt_riscv_caps, fmt_riscv_fctl, fmt_riscv_ddtp;

/* Hierarchies, by walk file: the rows of the family table (walk_hier.c). */
struct walk_fam;
extern const struct walk_fam walk_fam_vtd, walk_fam_smmuv3, walk_fam_amd, walk_fam_riscv;

/*
 * x86-64 style paging entries (x86_pte.c): VT-d first stage and AMD v2.
 * The walker takes VT-d first-stage input addresses as canonical
 * (x86_pte_canonical_ops), AMD v2 ones as they are (x86_pte_ops).
 */
#define X86_PTE_NLAYOUTS 6
extern const struct decode_layout x86_pte_layouts[X86_PTE_NLAYOUTS];
extern const struct decode_pt_ops x86_pte_ops, x86_pte_canonical_ops;
int x86_pte_select(const struct decode_entry *e);

/* Geometry shared by every 512-entry, 4 KiB-based family (VT-d, AMD, RISC-V). */
int pt_level_9bit(int level, int leaf_level, struct decode_pt_level *g);

/*
 * A present entry of such a table whose address sits in bits 51:12 (x86-64
 * and VT-d second stage): a leaf at level N maps 2^(12 + 9 * (N - 1)) bytes
 * at the address aligned to that size; a table entry points at level N - 1.
 */
void pt_entry_9bit(struct decode_pte *pte, uint64_t v, int level, bool leaf);

/*
 * Meaning callbacks shared by several families (declared with the others
 * by BF_MEANING_LIST): meaning_pasid_bits for width fields stored as
 * "bits - 1", meaning_pow2_entries, meaning_hex.
 */

#endif
