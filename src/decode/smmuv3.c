/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arm SMMUv3: Arm System Memory Management Unit Architecture Specification,
 * SMMU architecture version 3 (IHI 0070, issue G.b), chapter 5 "Data
 * structure formats": §5.1 L1STD, §5.2 STE, §5.3 L1CD, §5.4 CD. Field
 * positions follow the tables there; fields added by later architecture
 * versions are decoded by name, their semantics are left to the spec.
 */
#include <stdio.h>

#include "decode/fmt.h"

const char *const smmu_config_names[] = {
	"abort", NULL, NULL, NULL, "bypass", "stage 1 only", "stage 2 only", "stage 1 + stage 2",
};

const char *const smmu_s1fmt_names[] = {
	"linear", "2-level, 4K leaf tables", "2-level, 64K leaf tables", NULL,
};

const char *const smmu_s1dss_names[] = {
	"terminate", "bypass stage 1", "use substream 0", NULL,
};

const char *const smmu_cache_names[] = {
	"non-cacheable", "write-back, read-allocate", "write-through, read-allocate",
	"write-back, no read-allocate",
};

const char *const smmu_sh_names[] = {
	"non-shareable", NULL, "outer shareable", "inner shareable",
};

const char *const smmu_eats_names[] = {
	"ATS disabled", "full ATS", "ATS stage-1 check (split stage)", NULL,
};

/* For Non-secure STEs; 0bx1 is ILLEGAL there (Secure/Realm: see the spec). */
const char *const smmu_strw_names[] = { "EL1", NULL, "EL2", NULL };

const char *const smmu_shcfg_names[] = {
	"non-shareable", "use incoming", "outer shareable", "inner shareable",
};

const char *const smmu_tg_names[] = { "4K", "64K", "16K", NULL };

const char *const smmu_ps_names[] = {
	"32-bit", "36-bit", "40-bit", "42-bit", "44-bit", "48-bit", "52-bit", "56-bit",
};

void smmu_cdmax_meaning(const struct decode_entry *e, const struct bitfield *f,
			uint64_t raw, char *buf, size_t len)
{
	if (!raw)
		snprintf(buf, len, "one CD, substreams disabled");
	else
		snprintf(buf, len, "%llu CDs", 1ULL << raw);
}

void smmu_t0sz_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	snprintf(buf, len, "%llu-bit input", 64 - (unsigned long long)raw);
}

void smmu_s2sl0_meaning(const struct decode_entry *e, const struct bitfield *f,
			uint64_t raw, char *buf, size_t len)
{
	/* Depends on S2TG: 4K counts from level 2 down, 16K/64K from level 3. */
	uint64_t tg = bits64(e->words[2], 47, 46);
	int start = (tg == 0 ? 2 : 3) - (int)raw;

	if (raw == 3 || start < 0)
		snprintf(buf, len, "reserved (%llu)", (unsigned long long)raw);
	else
		snprintf(buf, len, "start at level %d", start);
}

static const struct bitfield smmu_ste_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_ENUM(0, 3, 1, "config", "Stream Configuration", smmu_config_names) },
	{ F_ENUM(0, 5, 4, "s1fmt", "Stage 1 Format", smmu_s1fmt_names) },
	{ F_ADDR(0, 55, 6, "s1_context_ptr", "Stage 1 Context Descriptor Pointer") },
	{ F_RSVD(0, 58, 56) },
	{ F_UINT(0, 63, 59, "s1cdmax", "Stage 1 CD Max (log2)"), .meaning = BFM(smmu_cdmax_meaning) },
	{ F_ENUM(1, 1, 0, "s1dss", "Default Substream", smmu_s1dss_names) },
	{ F_ENUM(1, 3, 2, "s1cir", "CD Fetch Inner Cacheability", smmu_cache_names) },
	{ F_ENUM(1, 5, 4, "s1cor", "CD Fetch Outer Cacheability", smmu_cache_names) },
	{ F_ENUM(1, 7, 6, "s1csh", "CD Fetch Shareability", smmu_sh_names) },
	{ F_FLAG(1, 8, "s2hwu59", "Stage 2 HW use of bit 59") },
	{ F_FLAG(1, 9, "s2hwu60", "Stage 2 HW use of bit 60") },
	{ F_FLAG(1, 10, "s2hwu61", "Stage 2 HW use of bit 61") },
	{ F_FLAG(1, 11, "s2hwu62", "Stage 2 HW use of bit 62") },
	{ F_FLAG(1, 12, "dre", "Destructive Read Enable") },
	{ F_UINT(1, 16, 13, "cont", "Contiguous Hint") },
	{ F_FLAG(1, 17, "dcp", "Directed Cache Prefetch") },
	{ F_FLAG(1, 18, "ppar", "PRI Page Request Auto Response") },
	{ F_FLAG(1, 19, "mev", "Merge Events") },
	{ F_UINT(1, 23, 20, "sw_reserved", "Reserved for software") },
	{ F_FLAG(1, 24, "s1pie", "Stage 1 Indirect Permissions Enable") },
	{ F_FLAG(1, 25, "s2fwb", "Stage 2 Forced Write-Back") },
	{ F_FLAG(1, 26, "s1mpam", "Stage 1 MPAM") },
	{ F_FLAG(1, 27, "s1stalld", "Stage 1 Stall Disable") },
	{ F_ENUM(1, 29, 28, "eats", "Enable PCIe ATS", smmu_eats_names) },
	{ F_ENUM(1, 31, 30, "strw", "StreamWorld", smmu_strw_names) },
	{ F_UINT(1, 35, 32, "mem_attr", "Memory Attribute Override") },
	{ F_FLAG(1, 36, "mtcfg", "Memory Type Override Enable") },
	{ F_UINT(1, 40, 37, "alloccfg", "Allocation Hints Override") },
	{ F_RSVD(1, 43, 41) },
	{ F_ENUM(1, 45, 44, "shcfg", "Shareability Override", smmu_shcfg_names) },
	{ F_UINT(1, 47, 46, "nscfg", "Non-secure Override") },
	{ F_UINT(1, 49, 48, "privcfg", "Privilege Override") },
	{ F_UINT(1, 51, 50, "instcfg", "Instruction/Data Override") },
	{ F_UINT(1, 63, 52, "impdef_127_116", "Implementation Defined"), .meaning = BFM(meaning_hex) },
	{ F_UINT(2, 15, 0, "s2vmid", "Stage 2 VMID") },
	{ F_UINT(2, 31, 16, "impdef_159_144", "Implementation Defined"), .meaning = BFM(meaning_hex) },
	{ F_UINT(2, 37, 32, "s2t0sz", "Stage 2 T0SZ"), .meaning = BFM(smmu_t0sz_meaning) },
	{ F_UINT(2, 39, 38, "s2sl0", "Stage 2 Starting Level"), .meaning = BFM(smmu_s2sl0_meaning) },
	{ F_ENUM(2, 41, 40, "s2ir0", "Stage 2 Walk Inner Cacheability", smmu_cache_names) },
	{ F_ENUM(2, 43, 42, "s2or0", "Stage 2 Walk Outer Cacheability", smmu_cache_names) },
	{ F_ENUM(2, 45, 44, "s2sh0", "Stage 2 Walk Shareability", smmu_sh_names) },
	{ F_ENUM(2, 47, 46, "s2tg", "Stage 2 Translation Granule", smmu_tg_names) },
	{ F_ENUM(2, 50, 48, "s2ps", "Stage 2 Physical Address Size", smmu_ps_names) },
	{ F_FLAG(2, 51, "s2aa64", "Stage 2 AArch64 Tables") },
	{ F_FLAG(2, 52, "s2endi", "Stage 2 Big-endian Walks") },
	{ F_FLAG(2, 53, "s2affd", "Stage 2 Access Flag Fault Disable") },
	{ F_FLAG(2, 54, "s2ptw", "Stage 2 Protected Table Walk") },
	{ F_FLAG(2, 55, "s2hd", "Stage 2 Hardware Dirty Update") },
	{ F_FLAG(2, 56, "s2ha", "Stage 2 Hardware Access Flag Update") },
	{ F_FLAG(2, 57, "s2s", "Stage 2 Stall") },
	{ F_FLAG(2, 58, "s2r", "Stage 2 Record Faults") },
	{ F_FLAG(2, 59, "s2haft", "Stage 2 Hardware Table Access Flag") },
	{ F_FLAG(2, 60, "s2pie", "Stage 2 Indirect Permissions Enable") },
	{ F_FLAG(2, 61, "s2poe", "Stage 2 Overlay Permissions Enable") },
	{ F_UINT(2, 63, 62, "dpt_vmatch", "DPT VMID Match") },
	{ F_FLAG(3, 0, "s2nsw", "Stage 2 Non-secure Walk") },
	{ F_FLAG(3, 1, "s2nsa", "Stage 2 Non-secure Access") },
	{ F_FLAG(3, 2, "s2sl0_2", "Stage 2 Starting Level bit 2") },
	{ F_FLAG(3, 3, "s2ds", "Stage 2 52-bit (DS)") },
	{ F_ADDR(3, 55, 4, "s2ttb", "Stage 2 Translation Table Base") },
	{ F_RSVD(3, 60, 56) },
	{ F_UINT(3, 62, 61, "s2skl", "Stage 2 Skip Level") },
	{ F_RSVD(3, 63, 63) },
	{ F_UINT(4, 15, 0, "impdef_271_256", "Implementation Defined"), .meaning = BFM(meaning_hex) },
	{ F_UINT(4, 31, 16, "partid", "MPAM PARTID") },
	{ F_UINT(4, 37, 32, "s_s2t0sz", "Secure Stage 2 T0SZ"), .meaning = BFM(smmu_t0sz_meaning) },
	{ F_UINT(4, 39, 38, "s_s2sl0", "Secure Stage 2 Starting Level") },
	{ F_RSVD(4, 45, 40) },
	{ F_ENUM(4, 47, 46, "s_s2tg", "Secure Stage 2 Translation Granule", smmu_tg_names) },
	{ F_UINT(4, 63, 48, "mecid", "Memory Encryption Context ID") },
	{ F_UINT(5, 7, 0, "pmg", "MPAM PMG") },
	{ F_FLAG(5, 8, "mpam_ns", "MPAM NS") },
	{ F_FLAG(5, 9, "assured_only", "AssuredOnly") },
	{ F_FLAG(5, 10, "tl0", "TL0") },
	{ F_FLAG(5, 11, "tl1", "TL1") },
	{ F_ADDR(5, 55, 12, "vms_ptr", "Virtual Machine Structure Pointer") },
	{ F_RSVD(5, 63, 56) },
	{ F_FLAG(6, 0, "s2sw", "Secure Stage 2 Walks to Secure") },
	{ F_FLAG(6, 1, "s2sa", "Secure Stage 2 Accesses to Secure") },
	{ F_FLAG(6, 2, "s_s2sl0_2", "Secure Stage 2 Starting Level bit 2") },
	{ F_RSVD(6, 3, 3) },
	{ F_ADDR(6, 55, 4, "s_s2ttb", "Secure Stage 2 Translation Table Base") },
	{ F_RSVD(6, 60, 56) },
	{ F_UINT(6, 62, 61, "s_s2skl", "Secure Stage 2 Skip Level") },
	{ F_RSVD(6, 63, 63) },
	{ F_UINT(7, 63, 0, "s2poi", "Stage 2 Overlay Permission Indices"),
	  .meaning = BFM(meaning_hex) },
};

static const struct decode_layout smmu_ste_layouts[] = { LAYOUT("ste", smmu_ste_fields) };

static void smmu_ste_validate(const struct decode_entry *e, struct decode_result *out)
{
	uint64_t cfg = bits64(e->words[0], 3, 1);

	if (!(e->words[0] & 1))
		return;
	if ((cfg & 5) == 5 && !bits64(e->words[0], 55, 6))
		decode_result_warn(out, "s1_context_ptr",
				   "stage 1 translates but the context descriptor pointer is 0");
	if ((cfg & 6) == 6 && !bits64(e->words[3], 55, 4))
		decode_result_warn(out, "s2ttb",
				   "stage 2 translates but the translation table base is 0");
}

const struct decode_fmt fmt_smmuv3_ste = {
	.name = "smmuv3-ste",
	.summary = "Arm SMMUv3 Stream Table Entry (8 x 64-bit)",
	.spec = "Arm SMMUv3 spec IHI 0070G.b §5.2 STE, Stream Table Entry",
	.nwords = 8,
	.layouts = smmu_ste_layouts,
	.nlayouts = ARRAY_SIZE(smmu_ste_layouts),
	.validate = smmu_ste_validate,
};

const char *const smmu_tg1_names[] = { NULL, "16K", "4K", "64K" };

static const struct bitfield smmu_cd_fields[] = {
	{ F_UINT(0, 5, 0, "t0sz", "TTB0 Input Size (T0SZ)"), .meaning = BFM(smmu_t0sz_meaning) },
	{ F_ENUM(0, 7, 6, "tg0", "TTB0 Granule", smmu_tg_names) },
	{ F_ENUM(0, 9, 8, "ir0", "TTB0 Walk Inner Cacheability", smmu_cache_names) },
	{ F_ENUM(0, 11, 10, "or0", "TTB0 Walk Outer Cacheability", smmu_cache_names) },
	{ F_ENUM(0, 13, 12, "sh0", "TTB0 Walk Shareability", smmu_sh_names) },
	{ F_FLAG(0, 14, "epd0", "TTB0 Walk Disable") },
	{ F_FLAG(0, 15, "endi", "Big-endian Walks") },
	{ F_UINT(0, 21, 16, "t1sz", "TTB1 Input Size (T1SZ)"), .meaning = BFM(smmu_t0sz_meaning) },
	{ F_UINT(0, 23, 22, "tg1", "TTB1 Granule"), F_NAMES(smmu_tg1_names) },
	{ F_ENUM(0, 25, 24, "ir1", "TTB1 Walk Inner Cacheability", smmu_cache_names) },
	{ F_ENUM(0, 27, 26, "or1", "TTB1 Walk Outer Cacheability", smmu_cache_names) },
	{ F_ENUM(0, 29, 28, "sh1", "TTB1 Walk Shareability", smmu_sh_names) },
	{ F_FLAG(0, 30, "epd1", "TTB1 Walk Disable") },
	{ F_FLAG(0, 31, "v", "Valid") },
	{ F_ENUM(0, 34, 32, "ips", "Intermediate Physical Size", smmu_ps_names) },
	{ F_FLAG(0, 35, "affd", "Access Flag Fault Disable") },
	{ F_FLAG(0, 36, "wxn", "Write Execute-never") },
	{ F_FLAG(0, 37, "uwxn", "Unprivileged Write Execute-never") },
	{ F_FLAG(0, 38, "tbi0", "Top Byte Ignore, TTB0") },
	{ F_FLAG(0, 39, "tbi1", "Top Byte Ignore, TTB1") },
	{ F_FLAG(0, 40, "pan", "Privileged Access Never") },
	{ F_FLAG(0, 41, "aa64", "AArch64 Translation Tables") },
	{ F_FLAG(0, 42, "hd", "Hardware Dirty Update") },
	{ F_FLAG(0, 43, "ha", "Hardware Access Flag Update") },
	{ F_FLAG(0, 44, "s", "Stall on Fault") },
	{ F_FLAG(0, 45, "r", "Record Faults") },
	{ F_FLAG(0, 46, "a", "Abort on Fault") },
	{ F_FLAG(0, 47, "aset", "ASID Set (not shared with CPU broadcast)") },
	{ F_UINT(0, 63, 48, "asid", "Address Space ID") },
	{ F_FLAG(1, 0, "nscfg0", "TTB0 Walk Non-secure") },
	{ F_FLAG(1, 1, "had0", "Hierarchical Attributes Disable, TTB0 (DisCH0 with D128)") },
	{ F_FLAG(1, 2, "e0pd0", "Unprivileged Access Disable, TTB0") },
	{ F_FLAG(1, 3, "haft", "Hardware Table Access Flag") },
	{ F_ADDR(1, 55, 4, "ttb0", "Translation Table Base 0") },
	{ F_RSVD(1, 57, 56) },
	{ F_FLAG(1, 58, "pnch", "Protected Attribute Enable") },
	{ F_FLAG(1, 59, "epan", "Enhanced PAN") },
	{ F_FLAG(1, 60, "hwu059", "TTB0 HW use of bit 59") },
	{ F_FLAG(1, 61, "hwu060", "TTB0 HW use of bit 60") },
	{ F_UINT(1, 63, 62, "hwu0_62_61", "TTB0 HW use of bits 62:61 (SKL0 with D128)") },
	{ F_FLAG(2, 0, "nscfg1", "TTB1 Walk Non-secure") },
	{ F_FLAG(2, 1, "had1", "Hierarchical Attributes Disable, TTB1 (DisCH1 with D128)") },
	{ F_FLAG(2, 2, "e0pd1", "Unprivileged Access Disable, TTB1") },
	{ F_FLAG(2, 3, "aie", "Attribute Index Enable") },
	{ F_ADDR(2, 55, 4, "ttb1", "Translation Table Base 1") },
	{ F_RSVD(2, 57, 56) },
	{ F_FLAG(2, 58, "ds", "52-bit Addresses (DS)") },
	{ F_FLAG(2, 59, "pie", "Indirect Permissions Enable") },
	{ F_FLAG(2, 60, "hwu159", "TTB1 HW use of bit 59") },
	{ F_FLAG(2, 61, "hwu160", "TTB1 HW use of bit 60") },
	{ F_UINT(2, 63, 62, "hwu1_62_61", "TTB1 HW use of bits 62:61 (SKL1 with D128)") },
	{ F_UINT(3, 31, 0, "mair0", "MAIR0"), .meaning = BFM(meaning_hex) },
	{ F_UINT(3, 63, 32, "mair1", "MAIR1"), .meaning = BFM(meaning_hex) },
	{ F_UINT(4, 31, 0, "amair0", "AMAIR0"), .meaning = BFM(meaning_hex) },
	{ F_UINT(4, 63, 32, "amair1", "AMAIR1"), .meaning = BFM(meaning_hex) },
	{ F_UINT(5, 31, 0, "impdef_351_320", "Implementation Defined"), .meaning = BFM(meaning_hex) },
	{ F_UINT(5, 47, 32, "partid", "MPAM PARTID") },
	{ F_UINT(5, 55, 48, "pmg", "MPAM PMG") },
	{ F_RSVD(5, 63, 56) },
	{ F_UINT(6, 47, 0, "piiu", "Unprivileged Indirect Permission Indices"),
	  .meaning = BFM(meaning_hex) },
	{ F_RSVD(6, 63, 48) },
	{ F_UINT(7, 47, 0, "piip", "Privileged Indirect Permission Indices"),
	  .meaning = BFM(meaning_hex) },
	{ F_RSVD(7, 63, 48) },
};

static const struct decode_layout smmu_cd_layouts[] = { LAYOUT("cd", smmu_cd_fields) };

const struct decode_fmt fmt_smmuv3_cd = {
	.name = "smmuv3-cd",
	.summary = "Arm SMMUv3 Context Descriptor (8 x 64-bit)",
	.spec = "Arm SMMUv3 spec IHI 0070G.b §5.4 CD, Context Descriptor",
	.nwords = 8,
	.layouts = smmu_cd_layouts,
	.nlayouts = ARRAY_SIZE(smmu_cd_layouts),
};

void smmu_span_meaning(const struct decode_entry *e, const struct bitfield *f,
		       uint64_t raw, char *buf, size_t len)
{
	if (!raw)
		snprintf(buf, len, "invalid");
	else if (raw > 11)
		snprintf(buf, len, "reserved (%llu)", (unsigned long long)raw);
	else
		snprintf(buf, len, "%llu STEs", 1ULL << (raw - 1));
}

static const struct bitfield smmu_l1std_fields[] = {
	{ F_UINT(0, 4, 0, "span", "Span"), .meaning = BFM(smmu_span_meaning) },
	{ F_RSVD(0, 5, 5) },
	{ F_ADDR(0, 55, 6, "l2ptr", "Level 2 Table Pointer") },
	{ F_RSVD(0, 63, 56) },
};

static const struct decode_layout smmu_l1std_layouts[] = { LAYOUT("l1std", smmu_l1std_fields) };

const struct decode_fmt fmt_smmuv3_l1_std = {
	.name = "smmuv3-l1-std",
	.summary = "Arm SMMUv3 Level 1 Stream Table Descriptor",
	.spec = "Arm SMMUv3 spec IHI 0070G.b §5.1 L1STD, Level 1 Stream Table Descriptor",
	.nwords = 1,
	.layouts = smmu_l1std_layouts,
	.nlayouts = ARRAY_SIZE(smmu_l1std_layouts),
};

static const struct bitfield smmu_l1cd_fields[] = {
	{ F_FLAG(0, 0, "v", "Valid") },
	{ F_RSVD(0, 11, 1) },
	{ F_ADDR(0, 55, 12, "l2ptr", "Level 2 CD Table Pointer") },
	{ F_RSVD(0, 63, 56) },
};

static const struct decode_layout smmu_l1cd_layouts[] = { LAYOUT("l1cd", smmu_l1cd_fields) };

const struct decode_fmt fmt_smmuv3_l1_cd = {
	.name = "smmuv3-l1-cd",
	.summary = "Arm SMMUv3 Level 1 Context Descriptor",
	.spec = "Arm SMMUv3 spec IHI 0070G.b §5.3 L1CD, Level 1 Context Descriptor",
	.nwords = 1,
	.layouts = smmu_l1cd_layouts,
	.nlayouts = ARRAY_SIZE(smmu_l1cd_layouts),
};
