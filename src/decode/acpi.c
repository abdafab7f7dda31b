// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DMAR, IVRS, IORT and VIOT decoded into records (see acpi.h). The layouts
 * are tables of fields; the walkers below only find where each record
 * starts and how long it is, checking both against the table first.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/acpi.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A field's names are an index (NAMES(tbl) in its row), not a pointer, and
 * its key and label are arrays: the tables need no relocation in a PIE and
 * stay read-only. acpi_field_name() maps the index back.
 */
#define ACPI_NAMES_LIST(X) \
	X(dmar_flag_names) X(dmar_type_names) X(drhd_flag_names) X(atsr_flag_names) \
	X(satc_flag_names) X(scope_type_names) X(ivrs_type_names) X(ivhd_flag_names) \
	X(ivmd_flag_names) X(de_type_names) X(de_data_names) X(variety_names) X(uid_type_names) \
	X(iort_type_names) X(hint_names) X(mflag_names) X(nc_flag_names) X(ats_names) \
	X(smmu_model_names) X(smmu_flag_names) X(smmu3_model_names) X(smmu3_flag_names) \
	X(rmr_flag_names) X(idmap_flag_names) X(viot_type_names)
#define ACPI_NAMES_ENUM(tbl) ACPI_N_##tbl,
enum { ACPI_N_NONE, ACPI_NAMES_LIST(ACPI_NAMES_ENUM) ACPI_N_COUNT };
_Static_assert(ACPI_N_COUNT <= 256, "struct acpi_field holds the index in a byte");
#define NAMES(tbl) ACPI_N_##tbl, N(tbl)

const char *const acpi_signatures[] = { "DMAR", "IVRS", "IORT", "VIOT" };
const size_t acpi_nsignatures = N(acpi_signatures);

/* ---- reading ---- */

static uint64_t rd(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* ---- the layouts ---- */

#define HDR_FIELDS \
	{ "signature", "signature", 0, 4, AF_STR }, \
	{ "length", "length", 4, 4, AF_UINT }, \
	{ "revision", "revision", 8, 1, AF_UINT }, \
	{ "checksum", "checksum", 9, 1, AF_HEX }, \
	{ "oem_id", "oem id", 10, 6, AF_STR }, \
	{ "oem_table_id", "oem table id", 16, 8, AF_STR }, \
	{ "oem_revision", "oem revision", 24, 4, AF_HEX }, \
	{ "asl_compiler_id", "asl compiler id", 28, 4, AF_STR }, \
	{ "asl_compiler_revision", "asl compiler revision", 32, 4, AF_HEX }

#define LAYOUT(name, kind, label, list, fields) \
	static const struct acpi_layout name = { kind, label, list, fields, N(fields) }

static const struct acpi_field hdr_f[] = { HDR_FIELDS };
LAYOUT(hdr_l, "table", "table", NULL, hdr_f);

/* DMAR (VT-d specification chapter 8, actbl1.h) */
static const char *const dmar_flag_names[] = { "intr_remap", "x2apic_opt_out", "dma_ctrl_platform_opt_in" };
static const struct acpi_field dmar_f[] = {
	HDR_FIELDS,
	{ "host_address_width", "host address width - 1", 36, 1, AF_UINT },
	{ "flags", "flags", 37, 1, AF_FLAGS, NAMES(dmar_flag_names) },
	{ "reserved", "", 38, 8, AF_RSVD },
};
LAYOUT(dmar_l, "dmar", "DMAR", NULL, dmar_f);

static const char *const dmar_type_names[] = { "drhd", "rmrr", "atsr", "rhsa", "andd", "satc", "sidp" };
#define DMAR_HDR { "type", "type", 0, 2, AF_ENUM, NAMES(dmar_type_names) }, \
	{ "length", "length", 2, 2, AF_UINT }
static const char *const drhd_flag_names[] = { "include_pci_all" };
static const struct acpi_field drhd_f[] = {
	DMAR_HDR,
	{ "flags", "flags", 4, 1, AF_FLAGS, NAMES(drhd_flag_names) },
	{ "size", "register set size (log2 pages)", 5, 1, AF_UINT },
	{ "segment", "pci segment", 6, 2, AF_UINT },
	{ "address", "register base address", 8, 8, AF_HEX },
};
LAYOUT(drhd_l, "drhd", "DRHD (remapping hardware unit)", "subtables", drhd_f);
static const struct acpi_field rmrr_f[] = {
	DMAR_HDR,
	{ "reserved", "", 4, 2, AF_RSVD },
	{ "segment", "pci segment", 6, 2, AF_UINT },
	{ "base_address", "base address", 8, 8, AF_HEX },
	{ "end_address", "end address (inclusive)", 16, 8, AF_HEX },
};
LAYOUT(rmrr_l, "rmrr", "RMRR (reserved memory region)", "subtables", rmrr_f);
static const char *const atsr_flag_names[] = { "all_ports" };
static const struct acpi_field atsr_f[] = {
	DMAR_HDR,
	{ "flags", "flags", 4, 1, AF_FLAGS, NAMES(atsr_flag_names) },
	{ "reserved", "", 5, 1, AF_RSVD },
	{ "segment", "pci segment", 6, 2, AF_UINT },
};
LAYOUT(atsr_l, "atsr", "ATSR (root port ATS capability)", "subtables", atsr_f);
static const struct acpi_field rhsa_f[] = {
	DMAR_HDR,
	{ "reserved", "", 4, 4, AF_RSVD },
	{ "base_address", "register base address", 8, 8, AF_HEX },
	{ "proximity_domain", "proximity domain", 16, 4, AF_UINT },
};
LAYOUT(rhsa_l, "rhsa", "RHSA (remapping hardware NUMA affinity)", "subtables", rhsa_f);
static const struct acpi_field andd_f[] = {
	DMAR_HDR,
	{ "reserved", "", 4, 3, AF_RSVD },
	{ "device_number", "acpi device number", 7, 1, AF_UINT },
	{ "device_name", "acpi object name", 8, 0, AF_CSTR },
};
LAYOUT(andd_l, "andd", "ANDD (ACPI namespace device)", "subtables", andd_f);
static const char *const satc_flag_names[] = { "atc_required" };
static const struct acpi_field satc_f[] = {
	DMAR_HDR,
	{ "flags", "flags", 4, 1, AF_FLAGS, NAMES(satc_flag_names) },
	{ "reserved", "", 5, 1, AF_RSVD },
	{ "segment", "pci segment", 6, 2, AF_UINT },
};
LAYOUT(satc_l, "satc", "SATC (SoC integrated address translation cache)", "subtables", satc_f);
static const struct acpi_field sidp_f[] = {
	DMAR_HDR,
	{ "reserved", "", 4, 2, AF_RSVD },
	{ "segment", "pci segment", 6, 2, AF_UINT },
};
LAYOUT(sidp_l, "sidp", "SIDP (SoC integrated device property)", "subtables", sidp_f);
static const struct acpi_field dmar_unk_f[] = { DMAR_HDR };
LAYOUT(dmar_unk_l, "unknown", "unknown subtable", "subtables", dmar_unk_f);

static const char *const scope_type_names[] = { NULL, "pci_endpoint", "pci_bridge", "ioapic", "hpet",
						"acpi_namespace" };
static const struct acpi_field scope_f[] = {
	{ "type", "type", 0, 1, AF_ENUM, NAMES(scope_type_names) },
	{ "length", "length", 1, 1, AF_UINT },
	{ "flags", "flags", 2, 1, AF_HEX },
	{ "reserved", "", 3, 1, AF_RSVD },
	{ "enumeration_id", "enumeration id", 4, 1, AF_UINT },
	{ "bus", "start bus", 5, 1, AF_HEX },
};
LAYOUT(scope_l, "device_scope", "device scope", "device_scopes", scope_f);
static const struct acpi_field path_f[] = {
	{ "device", "device", 0, 1, AF_HEX },
	{ "function", "function", 1, 1, AF_HEX },
};
LAYOUT(path_l, "path", "path", "path", path_f);

/* IVRS (AMD IOMMU specification chapter 5, actbl2.h) */
static const struct acpi_field ivrs_f[] = {
	HDR_FIELDS,
	{ "iv_info", "iv info", 36, 4, AF_HEX },
	{ "reserved", "", 40, 8, AF_RSVD },
};
LAYOUT(ivrs_l, "ivrs", "IVRS", NULL, ivrs_f);

static const char *const ivrs_type_names[] = {
	[0x10] = "ivhd_10", [0x11] = "ivhd_11", [0x20] = "ivmd_all", [0x21] = "ivmd_select",
	[0x22] = "ivmd_range", [0x40] = "ivhd_40",
};
static const char *const ivhd_flag_names[] = { "ht_tun_en", "pass_pw", "res_pass_pw", "isoc", "iotlb",
					       "coherent", "prefetch", "ppr" };
#define IVRS_HDR(flagnames) \
	{ "type", "type", 0, 1, AF_ENUM, NAMES(ivrs_type_names) }, \
	{ "flags", "flags", 1, 1, AF_FLAGS, NAMES(flagnames) }, \
	{ "length", "length", 2, 2, AF_UINT }, \
	{ "device_id", "device id", 4, 2, AF_HEX }
#define IVHD_COMMON \
	IVRS_HDR(ivhd_flag_names), \
	{ "capability_offset", "capability offset", 6, 2, AF_HEX }, \
	{ "base_address", "base address", 8, 8, AF_HEX }, \
	{ "segment", "pci segment group", 16, 2, AF_UINT }, \
	{ "info", "info (msi number, unit id)", 18, 2, AF_HEX }
static const struct acpi_field ivhd10_f[] = {
	IVHD_COMMON,
	{ "feature_reporting", "iommu feature reporting", 20, 4, AF_HEX },
};
LAYOUT(ivhd10_l, "ivhd", "IVHD type 10h (I/O virtualization hardware)", "subtables", ivhd10_f);
static const struct acpi_field ivhd11_f[] = {
	IVHD_COMMON,
	{ "attributes", "iommu attributes", 20, 4, AF_HEX },
	{ "efr_image", "efr register image", 24, 8, AF_HEX },
	{ "reserved", "", 32, 8, AF_RSVD },
};
LAYOUT(ivhd11_l, "ivhd", "IVHD type 11h/40h (I/O virtualization hardware)", "subtables", ivhd11_f);
static const char *const ivmd_flag_names[] = { "unity", "read", "write", "exclusion_range" };
static const struct acpi_field ivmd_f[] = {
	IVRS_HDR(ivmd_flag_names),
	{ "aux_data", "aux data (range end)", 6, 2, AF_HEX },
	{ "reserved", "", 8, 8, AF_RSVD },
	{ "start_address", "start address", 16, 8, AF_HEX },
	{ "memory_length", "memory length", 24, 8, AF_HEX },
};
LAYOUT(ivmd_l, "ivmd", "IVMD (I/O virtualization memory)", "subtables", ivmd_f);
static const struct acpi_field ivrs_unk_f[] = { IVRS_HDR(ivhd_flag_names) };
LAYOUT(ivrs_unk_l, "unknown", "unknown subtable", "subtables", ivrs_unk_f);

enum {
	DE_PAD4 = 0, DE_ALL = 1, DE_SELECT = 2, DE_START = 3, DE_END = 4,
	DE_PAD8 = 64, DE_ALIAS_SELECT = 66, DE_ALIAS_START = 67, DE_EXT_SELECT = 70, DE_EXT_START = 71,
	DE_SPECIAL = 72, DE_HID = 240,
};
static const char *const de_type_names[] = {
	[DE_PAD4] = "pad4", [DE_ALL] = "all", [DE_SELECT] = "select", [DE_START] = "range_start",
	[DE_END] = "range_end", [DE_PAD8] = "pad8", [DE_ALIAS_SELECT] = "alias_select",
	[DE_ALIAS_START] = "alias_range_start", [DE_EXT_SELECT] = "ext_select",
	[DE_EXT_START] = "ext_range_start", [DE_SPECIAL] = "special", [DE_HID] = "acpi_hid",
};
static const char *const de_data_names[] = { "init_pass", "eint_pass", "nmi_pass", NULL, "sys_mgt_lo",
					     "sys_mgt_hi", "lint0_pass", "lint1_pass" };
#define DE_HDR \
	{ "type", "type", 0, 1, AF_ENUM, NAMES(de_type_names) }, \
	{ "device_id", "device id", 1, 2, AF_HEX }, \
	{ "data", "data setting", 3, 1, AF_FLAGS, NAMES(de_data_names) }
static const struct acpi_field de4_f[] = { DE_HDR };
LAYOUT(de4_l, "device_entry", "device entry", "device_entries", de4_f);
static const struct acpi_field de_alias_f[] = {
	DE_HDR,
	{ "reserved", "", 4, 1, AF_RSVD },
	{ "source_id", "source (alias) device id", 5, 2, AF_HEX },
	{ "reserved2", "", 7, 1, AF_RSVD },
};
LAYOUT(de_alias_l, "device_entry", "device entry", "device_entries", de_alias_f);
static const struct acpi_field de_ext_f[] = {
	DE_HDR,
	{ "extended_data", "extended data", 4, 4, AF_HEX },
};
LAYOUT(de_ext_l, "device_entry", "device entry", "device_entries", de_ext_f);
static const char *const variety_names[] = { NULL, "ioapic", "hpet" };
static const struct acpi_field de_special_f[] = {
	DE_HDR,
	{ "handle", "handle (ioapic id, hpet number)", 4, 1, AF_UINT },
	{ "source_id", "source device id", 5, 2, AF_HEX },
	{ "variety", "variety", 7, 1, AF_ENUM, NAMES(variety_names) },
};
LAYOUT(de_special_l, "device_entry", "device entry", "device_entries", de_special_f);
static const char *const uid_type_names[] = { "none", "integer", "string" };
#define DE_HID_F \
	DE_HDR, \
	{ "hid", "acpi hid", 4, 8, AF_STR }, \
	{ "cid", "acpi cid", 12, 8, AF_HEX }, \
	{ "uid_type", "uid type", 20, 1, AF_ENUM, NAMES(uid_type_names) }, \
	{ "uid_length", "uid length", 21, 1, AF_UINT }
static const struct acpi_field de_hid_f[] = { DE_HID_F };
LAYOUT(de_hid_l, "device_entry", "device entry", "device_entries", de_hid_f);
static const struct acpi_field de_hid_int_f[] = { DE_HID_F, { "uid", "acpi uid", 22, 0, AF_UINT } };
LAYOUT(de_hid_int_l, "device_entry", "device entry", "device_entries", de_hid_int_f);
static const struct acpi_field de_hid_str_f[] = { DE_HID_F, { "uid", "acpi uid", 22, 0, AF_CSTR } };
LAYOUT(de_hid_str_l, "device_entry", "device entry", "device_entries", de_hid_str_f);

/* IORT (Arm DEN 0049, actbl2.h) */
static const struct acpi_field iort_f[] = {
	HDR_FIELDS,
	{ "node_count", "node count", 36, 4, AF_UINT },
	{ "node_offset", "node offset", 40, 4, AF_HEX },
	{ "reserved", "", 44, 4, AF_RSVD },
};
LAYOUT(iort_l, "iort", "IORT", NULL, iort_f);

static const char *const iort_type_names[] = { "its_group", "named_component", "root_complex", "smmu",
					       "smmu_v3", "pmcg", "rmr" };
#define IORT_HDR \
	{ "type", "type", 0, 1, AF_ENUM, NAMES(iort_type_names) }, \
	{ "length", "length", 1, 2, AF_UINT }, \
	{ "revision", "revision", 3, 1, AF_UINT }, \
	{ "identifier", "identifier", 4, 4, AF_HEX }, \
	{ "mapping_count", "id mapping count", 8, 4, AF_UINT }, \
	{ "mapping_offset", "id mapping offset", 12, 4, AF_HEX }
static const char *const hint_names[] = { "transient", "write_allocate", "read_allocate", "override" };
static const char *const mflag_names[] = { "coherency", "device_attribute", "ensured_coherency" };
#define IORT_MEM(o) \
	{ "cache_coherency", "cache coherency", (o), 4, AF_UINT }, \
	{ "hints", "hints", (o) + 4, 1, AF_FLAGS, NAMES(hint_names) }, \
	{ "reserved_mem", "", (o) + 5, 2, AF_RSVD }, \
	{ "memory_flags", "memory flags", (o) + 7, 1, AF_FLAGS, NAMES(mflag_names) }
static const struct acpi_field its_f[] = {
	IORT_HDR,
	{ "its_count", "its count", 16, 4, AF_UINT },
};
LAYOUT(its_l, "its_group", "ITS group", "nodes", its_f);
static const struct acpi_field its_id_f[] = { { "id", "its identifier", 0, 4, AF_HEX } };
LAYOUT(its_id_l, "its_id", "ITS identifier", "its_ids", its_id_f);
static const char *const nc_flag_names[] = { "stall_supported" };
static const struct acpi_field nc_f[] = {
	IORT_HDR,
	{ "node_flags", "node flags", 16, 4, AF_FLAGS, NAMES(nc_flag_names) },
	IORT_MEM(20),
	{ "memory_address_limit", "memory address size limit (bits)", 28, 1, AF_UINT },
	{ "device_name", "device object name", 29, 0, AF_CSTR },
};
LAYOUT(nc_l, "named_component", "named component", "nodes", nc_f);
static const char *const ats_names[] = { "ats", "pri", "pasid_fwd" };
static const struct acpi_field rc_f[] = {
	IORT_HDR,
	IORT_MEM(16),
	{ "ats_attribute", "ats attribute", 24, 4, AF_FLAGS, NAMES(ats_names) },
	{ "segment", "pci segment number", 28, 4, AF_UINT },
	{ "memory_address_limit", "memory address size limit (bits)", 32, 1, AF_UINT },
	{ "pasid_capabilities", "pasid capabilities", 33, 2, AF_HEX },
	{ "reserved", "", 35, 1, AF_RSVD },
	{ "flags", "flags", 36, 4, AF_HEX },
};
LAYOUT(rc_l, "root_complex", "PCI root complex", "nodes", rc_f);
static const char *const smmu_model_names[] = { "smmu_v1", "smmu_v2", "mmu400", "mmu500", "mmu401",
						"cavium_thunderx" };
static const char *const smmu_flag_names[] = { "dvm", "coherent_walk" };
static const struct acpi_field smmu_f[] = {
	IORT_HDR,
	{ "base_address", "base address", 16, 8, AF_HEX },
	{ "span", "span", 24, 8, AF_HEX },
	{ "model", "model", 32, 4, AF_ENUM, NAMES(smmu_model_names) },
	{ "flags", "flags", 36, 4, AF_FLAGS, NAMES(smmu_flag_names) },
	{ "global_interrupt_offset", "global interrupt offset", 40, 4, AF_HEX },
	{ "context_interrupt_count", "context interrupt count", 44, 4, AF_UINT },
	{ "context_interrupt_offset", "context interrupt offset", 48, 4, AF_HEX },
	{ "pmu_interrupt_count", "pmu interrupt count", 52, 4, AF_UINT },
	{ "pmu_interrupt_offset", "pmu interrupt offset", 56, 4, AF_HEX },
};
LAYOUT(smmu_l, "smmu", "SMMUv1/v2", "nodes", smmu_f);
static const struct acpi_field gsi_f[] = {
	{ "nsg_irpt", "nsg interrupt", 0, 4, AF_UINT },
	{ "nsg_irpt_flags", "nsg interrupt flags", 4, 4, AF_HEX },
	{ "nsg_cfg_irpt", "nsg config interrupt", 8, 4, AF_UINT },
	{ "nsg_cfg_irpt_flags", "nsg config interrupt flags", 12, 4, AF_HEX },
};
LAYOUT(gsi_l, "global_interrupts", "global interrupts", "global_interrupts", gsi_f);
static const struct acpi_field irq_f[] = {
	{ "gsiv", "gsiv", 0, 4, AF_UINT },
	{ "flags", "flags", 4, 4, AF_HEX },
};
LAYOUT(ctx_irq_l, "context_interrupt", "context interrupt", "context_interrupts", irq_f);
LAYOUT(pmu_irq_l, "pmu_interrupt", "pmu interrupt", "pmu_interrupts", irq_f);
static const char *const smmu3_model_names[] = { "generic", "hisilicon_hi161x", "cavium_cn99xx" };
static const char *const smmu3_flag_names[] = { "cohacc_override", "httu_override_0", "httu_override_1",
						"pxm_valid", "deviceid_valid" };
static const struct acpi_field smmu3_f[] = {
	IORT_HDR,
	{ "base_address", "base address", 16, 8, AF_HEX },
	{ "flags", "flags", 24, 4, AF_FLAGS, NAMES(smmu3_flag_names) },
	{ "reserved", "", 28, 4, AF_RSVD },
	{ "vatos_address", "vatos address", 32, 8, AF_HEX },
	{ "model", "model", 40, 4, AF_ENUM, NAMES(smmu3_model_names) },
	{ "event_gsiv", "event gsiv", 44, 4, AF_UINT },
	{ "pri_gsiv", "pri gsiv", 48, 4, AF_UINT },
	{ "gerr_gsiv", "gerr gsiv", 52, 4, AF_UINT },
	{ "sync_gsiv", "sync gsiv", 56, 4, AF_UINT },
	{ "proximity_domain", "proximity domain", 60, 4, AF_UINT },
	{ "id_mapping_index", "device id mapping index", 64, 4, AF_UINT },
};
LAYOUT(smmu3_l, "smmu_v3", "SMMUv3", "nodes", smmu3_f);
static const struct acpi_field pmcg_f[] = {
	IORT_HDR,
	{ "page0_base_address", "page 0 base address", 16, 8, AF_HEX },
	{ "overflow_gsiv", "overflow gsiv", 24, 4, AF_UINT },
	{ "node_reference", "node reference", 28, 4, AF_HEX },
	{ "page1_base_address", "page 1 base address", 32, 8, AF_HEX },
};
LAYOUT(pmcg_l, "pmcg", "PMCG (performance monitor counter group)", "nodes", pmcg_f);
static const char *const rmr_flag_names[] = { "remap_permitted", "access_privilege" };
static const struct acpi_field rmr_f[] = {
	IORT_HDR,
	{ "flags", "flags", 16, 4, AF_FLAGS, NAMES(rmr_flag_names) },
	{ "range_count", "memory range count", 20, 4, AF_UINT },
	{ "range_offset", "memory range offset", 24, 4, AF_HEX },
};
LAYOUT(rmr_l, "rmr", "RMR (reserved memory range)", "nodes", rmr_f);
static const struct acpi_field rmr_desc_f[] = {
	{ "base_address", "base address", 0, 8, AF_HEX },
	{ "length", "length", 8, 8, AF_HEX },
	{ "reserved", "", 16, 4, AF_RSVD },
};
LAYOUT(rmr_desc_l, "range", "memory range", "ranges", rmr_desc_f);
static const struct acpi_field iort_unk_f[] = { IORT_HDR };
LAYOUT(iort_unk_l, "unknown", "unknown node", "nodes", iort_unk_f);
static const char *const idmap_flag_names[] = { "single_mapping" };
static const struct acpi_field idmap_f[] = {
	{ "input_base", "input base", 0, 4, AF_HEX },
	{ "id_count", "id count - 1", 4, 4, AF_HEX },
	{ "output_base", "output base", 8, 4, AF_HEX },
	{ "output_reference", "output reference", 12, 4, AF_HEX },
	{ "flags", "flags", 16, 4, AF_FLAGS, NAMES(idmap_flag_names) },
};
LAYOUT(idmap_l, "id_mapping", "id mapping", "id_mappings", idmap_f);

/* VIOT (virtio specification, actbl3.h) */
static const struct acpi_field viot_f[] = {
	HDR_FIELDS,
	{ "node_count", "node count", 36, 2, AF_UINT },
	{ "node_offset", "node offset", 38, 2, AF_HEX },
	{ "reserved", "", 40, 8, AF_RSVD },
};
LAYOUT(viot_l, "viot", "VIOT", NULL, viot_f);
static const char *const viot_type_names[] = { NULL, "pci_range", "mmio", "virtio_iommu_pci",
					       "virtio_iommu_mmio" };
#define VIOT_HDR \
	{ "type", "type", 0, 1, AF_ENUM, NAMES(viot_type_names) }, \
	{ "reserved_hdr", "", 1, 1, AF_RSVD }, \
	{ "length", "length", 2, 2, AF_UINT }
static const struct acpi_field viot_pci_f[] = {
	VIOT_HDR,
	{ "endpoint_start", "endpoint start", 4, 4, AF_UINT },
	{ "segment_start", "pci segment start", 8, 2, AF_UINT },
	{ "segment_end", "pci segment end", 10, 2, AF_UINT },
	{ "bdf_start", "pci bdf start", 12, 2, AF_HEX },
	{ "bdf_end", "pci bdf end", 14, 2, AF_HEX },
	{ "output_node", "output node", 16, 2, AF_HEX },
	{ "reserved", "", 18, 6, AF_RSVD },
};
LAYOUT(viot_pci_l, "pci_range", "PCI range", "nodes", viot_pci_f);
static const struct acpi_field viot_mmio_f[] = {
	VIOT_HDR,
	{ "endpoint", "endpoint", 4, 4, AF_UINT },
	{ "base_address", "base address", 8, 8, AF_HEX },
	{ "output_node", "output node", 16, 2, AF_HEX },
	{ "reserved", "", 18, 6, AF_RSVD },
};
LAYOUT(viot_mmio_l, "mmio", "MMIO endpoint", "nodes", viot_mmio_f);
static const struct acpi_field viot_vpci_f[] = {
	VIOT_HDR,
	{ "segment", "pci segment", 4, 2, AF_UINT },
	{ "bdf", "pci bdf", 6, 2, AF_HEX },
	{ "reserved", "", 8, 8, AF_RSVD },
};
LAYOUT(viot_vpci_l, "virtio_iommu_pci", "virtio-iommu (PCI)", "nodes", viot_vpci_f);
static const struct acpi_field viot_vmmio_f[] = {
	VIOT_HDR,
	{ "reserved", "", 4, 4, AF_RSVD },
	{ "base_address", "base address", 8, 8, AF_HEX },
};
LAYOUT(viot_vmmio_l, "virtio_iommu_mmio", "virtio-iommu (MMIO)", "nodes", viot_vmmio_f);
static const struct acpi_field viot_unk_f[] = { VIOT_HDR };
LAYOUT(viot_unk_l, "unknown", "unknown node", "nodes", viot_unk_f);

/* ---- fields ---- */

#define ACPI_NAMES_PTR(tbl) [ACPI_N_##tbl] = tbl,
static const char *const *const acpi_names[ACPI_N_COUNT] = { ACPI_NAMES_LIST(ACPI_NAMES_PTR) };

const char *acpi_field_name(const struct acpi_field *f, uint64_t v)
{
	return f->names && v < f->nnames ? acpi_names[f->names][v] : NULL;
}

bool acpi_field_present(const struct acpi_table *t, const struct acpi_rec *r, const struct acpi_field *f)
{
	return (size_t)f->off + f->size <= r->len && (size_t)r->off + r->len <= t->len &&
	       (f->size || f->off < r->len);
}

uint64_t acpi_field_u64(const struct acpi_table *t, const struct acpi_rec *r, const struct acpi_field *f)
{
	size_t n = f->size;

	if (!acpi_field_present(t, r, f))
		return 0;
	if (!n) {	/* to the end of the record, at most 8 bytes */
		n = r->len - f->off;
		if (n > 8)
			n = 8;
	}
	if (n > 8)
		n = 8;
	return rd(t->buf + r->off + f->off, n);
}

void acpi_field_str(const struct acpi_table *t, const struct acpi_rec *r, const struct acpi_field *f,
		    char *buf, size_t len)
{
	size_t n = f->size, o = 0;
	const uint8_t *p;

	if (!len)
		return;
	buf[0] = '\0';
	if (!acpi_field_present(t, r, f))
		return;
	if (!n)
		n = r->len - f->off;
	p = t->buf + r->off + f->off;
	for (size_t i = 0; i < n && p[i] && o + 1 < len; i++)
		buf[o++] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	buf[o] = '\0';
}

const struct acpi_field *acpi_field_find(const struct acpi_layout *lay, const char *key)
{
	for (unsigned int i = 0; i < lay->nfields; i++)
		if (!strcmp(lay->fields[i].key, key))
			return &lay->fields[i];
	return NULL;
}

uint64_t acpi_rec_get(const struct acpi_table *t, const struct acpi_rec *r, const char *key, uint64_t dflt)
{
	const struct acpi_field *f = acpi_field_find(r->lay, key);

	if (!f || !acpi_field_present(t, r, f))
		return dflt;
	return acpi_field_u64(t, r, f);
}

/* ---- records ---- */

__attribute__((format(printf, 2, 3)))
static int bad(struct acpi_table *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

/* A record at [off, off + len) of the table: its index, or -EBADMSG. */
static int add(struct acpi_table *t, const struct acpi_layout *lay, size_t off, size_t len, int parent,
	       unsigned int depth, uint16_t type)
{
	if (off > t->len || len > t->len - off)
		return bad(t, "%s at offset 0x%zx: %zu bytes run past the table's end (0x%zx)",
			   lay->label, off, len, t->len);
	if (t->nrecs >= ACPI_MAX_RECS)
		return bad(t, "more than %d records: refused", ACPI_MAX_RECS);
	if (t->nrecs == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->recs = xrealloc(t->recs, t->cap * sizeof(*t->recs));
	}
	t->recs[t->nrecs] = (struct acpi_rec){ lay, (uint32_t)off, (uint32_t)len, parent, depth, type };
	return (int)t->nrecs++;
}

static uint64_t at(const struct acpi_table *t, size_t off, size_t n)
{
	return rd(t->buf + off, n);
}

/* ---- DMAR ---- */

static int dmar_scopes(struct acpi_table *t, int parent, size_t off, size_t end)
{
	while (off < end) {
		size_t len;
		int s, rc;

		if (end - off < 6)
			return bad(t, "device scope at offset 0x%zx: %zu bytes left, a scope needs 6", off,
				   end - off);
		len = at(t, off + 1, 1);
		if (len < 6 || len > end - off || (len - 6) % 2)
			return bad(t, "device scope at offset 0x%zx: length %zu (needs 6 + 2 per path "
				   "hop, within its subtable's %zu bytes left)", off, len, end - off);
		s = add(t, &scope_l, off, len, parent, 1, (uint16_t)at(t, off, 1));
		if (s < 0)
			return s;
		for (size_t p = off + 6; p < off + len; p += 2) {
			rc = add(t, &path_l, p, 2, s, 2, 0);
			if (rc < 0)
				return rc;
		}
		off += len;
	}
	return 0;
}

static int parse_dmar(struct acpi_table *t)
{
	static const struct {
		const struct acpi_layout *lay;
		size_t min, scopes;	/* minimum length; where scopes start (0: none) */
	} types[] = {
		[0] = { &drhd_l, 16, 16 }, [1] = { &rmrr_l, 24, 24 }, [2] = { &atsr_l, 8, 8 },
		[3] = { &rhsa_l, 20, 0 }, [4] = { &andd_l, 8, 0 }, [5] = { &satc_l, 8, 8 },
		[6] = { &sidp_l, 8, 8 },
	};
	size_t off = 48;
	int rc;

	if (t->len < 48)
		return bad(t, "DMAR of %zu bytes: its fixed part alone is 48", t->len);
	rc = add(t, &dmar_l, 0, 48, -1, 0, 0);
	if (rc < 0)
		return rc;
	while (off < t->len) {
		const struct acpi_layout *lay = &dmar_unk_l;
		size_t type, len, min = 4, sc = 0;
		int r;

		if (t->len - off < 4)
			return bad(t, "subtable at offset 0x%zx: %zu bytes left, a header needs 4", off,
				   t->len - off);
		type = at(t, off, 2);
		len = at(t, off + 2, 2);
		if (type < N(types) && types[type].lay) {
			lay = types[type].lay;
			min = types[type].min;
			sc = types[type].scopes;
		}
		if (len < min || len > t->len - off)
			return bad(t, "%s at offset 0x%zx: length %zu (at least %zu, and %zu bytes are left)",
				   lay->label, off, len, min, t->len - off);
		r = add(t, lay, off, len, -1, 0, (uint16_t)type);
		if (r < 0)
			return r;
		if (sc) {
			rc = dmar_scopes(t, r, off + sc, off + len);
			if (rc < 0)
				return rc;
		}
		off += len;
	}
	return 0;
}

/* ---- IVRS ---- */

static int ivhd_entries(struct acpi_table *t, int parent, size_t off, size_t end)
{
	while (off < end) {
		const struct acpi_layout *lay = &de4_l;
		unsigned int type = (unsigned int)at(t, off, 1);
		size_t len;
		int rc;

		if (type == DE_HID) {
			if (end - off < 22)
				return bad(t, "ACPI HID device entry at offset 0x%zx: %zu bytes left, it needs 22",
					   off, end - off);
			len = 22 + at(t, off + 21, 1);
			switch (at(t, off + 20, 1)) {
			case 1: lay = &de_hid_int_l; break;
			case 2: lay = &de_hid_str_l; break;
			default: lay = &de_hid_l; break;
			}
		} else if (type < 0x80) {
			len = (size_t)4 << (type >> 6);
			if (type == DE_ALIAS_SELECT || type == DE_ALIAS_START)
				lay = &de_alias_l;
			else if (type == DE_EXT_SELECT || type == DE_EXT_START)
				lay = &de_ext_l;
			else if (type == DE_SPECIAL)
				lay = &de_special_l;
			else if (type >= 0x40)
				lay = &de4_l;
		} else {
			return bad(t, "device entry at offset 0x%zx: type 0x%02x has no known length", off, type);
		}
		if (len > end - off)
			return bad(t, "device entry at offset 0x%zx (type 0x%02x): %zu bytes, %zu left in its IVHD",
				   off, type, len, end - off);
		rc = add(t, lay, off, len, parent, 1, (uint16_t)type);
		if (rc < 0)
			return rc;
		off += len;
	}
	return 0;
}

static int parse_ivrs(struct acpi_table *t)
{
	size_t off = 48;
	int rc;

	if (t->len < 48)
		return bad(t, "IVRS of %zu bytes: its fixed part alone is 48", t->len);
	rc = add(t, &ivrs_l, 0, 48, -1, 0, 0);
	if (rc < 0)
		return rc;
	while (off < t->len) {
		const struct acpi_layout *lay = &ivrs_unk_l;
		size_t type, len, min = 6, ent = 0;
		int r;

		if (t->len - off < 6)
			return bad(t, "subtable at offset 0x%zx: %zu bytes left, a header needs 6", off,
				   t->len - off);
		type = at(t, off, 1);
		len = at(t, off + 2, 2);
		switch (type) {
		case 0x10: lay = &ivhd10_l; min = ent = 24; break;
		case 0x11:
		case 0x40: lay = &ivhd11_l; min = ent = 40; break;
		case 0x20:
		case 0x21:
		case 0x22: lay = &ivmd_l; min = 32; break;
		}
		if (len < min || len > t->len - off)
			return bad(t, "%s at offset 0x%zx: length %zu (at least %zu, and %zu bytes are left)",
				   lay->label, off, len, min, t->len - off);
		r = add(t, lay, off, len, -1, 0, (uint16_t)type);
		if (r < 0)
			return r;
		if (ent) {
			rc = ivhd_entries(t, r, off + ent, off + len);
			if (rc < 0)
				return rc;
		}
		off += len;
	}
	return 0;
}

/* ---- IORT ---- */

/* count records of size each at node offset o (relative), all inside the node. */
static int iort_array(struct acpi_table *t, int parent, size_t node, size_t nlen, size_t o,
		      uint64_t count, size_t each, const struct acpi_layout *lay, const char *what)
{
	if (!count)
		return 0;
	if (o > nlen || count > (nlen - o) / each)
		return bad(t, "node at offset 0x%zx: %llu %s of %zu bytes at offset 0x%zx run past its %zu bytes",
			   node, (unsigned long long)count, what, each, o, nlen);
	for (uint64_t i = 0; i < count; i++) {
		int rc = add(t, lay, node + o + i * each, each, parent, 1, 0);

		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_iort(struct acpi_table *t)
{
	static const struct acpi_layout *const types[] = { &its_l, &nc_l, &rc_l, &smmu_l, &smmu3_l, &pmcg_l,
							   &rmr_l };
	uint64_t count, off;
	int rc;

	if (t->len < 48)
		return bad(t, "IORT of %zu bytes: its fixed part alone is 48", t->len);
	rc = add(t, &iort_l, 0, 48, -1, 0, 0);
	if (rc < 0)
		return rc;
	count = at(t, 36, 4);
	off = at(t, 40, 4);
	if (count && (off < 48 || off > t->len))
		return bad(t, "node offset 0x%llx is outside the table (48 to %zu)", (unsigned long long)off,
			   t->len);
	for (uint64_t i = 0; i < count; i++) {
		const struct acpi_layout *lay = &iort_unk_l;
		size_t len, type, data_end;
		uint64_t nmap, moff;
		int r;

		if (t->len - off < 16)
			return bad(t, "node %llu at offset 0x%llx: %zu bytes left, a node header needs 16 "
				   "(node count %llu)", (unsigned long long)i, (unsigned long long)off,
				   (size_t)(t->len - off), (unsigned long long)count);
		type = at(t, off, 1);
		len = at(t, off + 1, 2);
		if (type < N(types))
			lay = types[type];
		if (len < 16 || len > t->len - off)
			return bad(t, "%s node at offset 0x%llx: length %zu (at least 16, and %zu bytes are left)",
				   lay->label, (unsigned long long)off, len, (size_t)(t->len - off));
		nmap = at(t, off + 8, 4);
		moff = at(t, off + 12, 4);
		data_end = len;
		if (nmap) {
			if (moff < 16 || moff > len)
				return bad(t, "%s node at offset 0x%llx: id mapping offset 0x%llx is outside "
					   "its %zu bytes", lay->label, (unsigned long long)off,
					   (unsigned long long)moff, len);
			data_end = moff;
		}
		r = add(t, lay, off, data_end, -1, 0, (uint16_t)type);
		if (r < 0)
			return r;
		/* what a node holds besides its fields */
		switch (type) {
		case 0:
			if (len >= 20)
				rc = iort_array(t, r, off, len, 20, at(t, off + 16, 4), 4, &its_id_l,
						"ITS identifiers");
			break;
		case 3:
			if (len < 60)
				break;
			rc = iort_array(t, r, off, len, at(t, off + 40, 4), 1, 16, &gsi_l, "global interrupts");
			if (!rc)
				rc = iort_array(t, r, off, len, at(t, off + 48, 4), at(t, off + 44, 4), 8,
						&ctx_irq_l, "context interrupts");
			if (!rc)
				rc = iort_array(t, r, off, len, at(t, off + 56, 4), at(t, off + 52, 4), 8,
						&pmu_irq_l, "PMU interrupts");
			break;
		case 6:
			if (len >= 28)
				rc = iort_array(t, r, off, len, at(t, off + 24, 4), at(t, off + 20, 4), 20,
						&rmr_desc_l, "memory ranges");
			break;
		}
		if (rc < 0)
			return rc;
		rc = iort_array(t, r, off, len, moff, nmap, 20, &idmap_l, "id mappings");
		if (rc < 0)
			return rc;
		off += len;
	}
	return 0;
}

/* ---- VIOT ---- */

static int parse_viot(struct acpi_table *t)
{
	static const struct {
		const struct acpi_layout *lay;
		size_t min;
	} types[] = {
		[1] = { &viot_pci_l, 24 }, [2] = { &viot_mmio_l, 24 }, [3] = { &viot_vpci_l, 16 },
		[4] = { &viot_vmmio_l, 16 },
	};
	uint64_t count, off;
	int rc;

	if (t->len < 48)
		return bad(t, "VIOT of %zu bytes: its fixed part alone is 48", t->len);
	rc = add(t, &viot_l, 0, 48, -1, 0, 0);
	if (rc < 0)
		return rc;
	count = at(t, 36, 2);
	off = at(t, 38, 2);
	if (count && (off < 48 || off > t->len))
		return bad(t, "node offset 0x%llx is outside the table (48 to %zu)", (unsigned long long)off,
			   t->len);
	for (uint64_t i = 0; i < count; i++) {
		const struct acpi_layout *lay = &viot_unk_l;
		size_t type, len, min = 4;
		int r;

		if (t->len - off < 4)
			return bad(t, "node %llu at offset 0x%llx: %zu bytes left, a node header needs 4 "
				   "(node count %llu)", (unsigned long long)i, (unsigned long long)off,
				   (size_t)(t->len - off), (unsigned long long)count);
		type = at(t, off, 1);
		len = at(t, off + 2, 2);
		if (type < N(types) && types[type].lay) {
			lay = types[type].lay;
			min = types[type].min;
		}
		if (len < min || len > t->len - off)
			return bad(t, "%s node at offset 0x%llx: length %zu (at least %zu, and %zu bytes are left)",
				   lay->label, (unsigned long long)off, len, min, (size_t)(t->len - off));
		r = add(t, lay, off, len, -1, 0, (uint16_t)type);
		if (r < 0)
			return r;
		off += len;
	}
	return 0;
}

/* ---- the table ---- */

int acpi_header(const uint8_t *buf, size_t len, char sig[5], uint32_t *length, uint8_t *revision,
		char oem_id[7], bool *checksum_ok)
{
	uint8_t sum = 0;
	uint32_t l;

	if (len < ACPI_HDR_LEN)
		return -EBADMSG;
	for (int i = 0; i < 4; i++)
		sig[i] = buf[i] >= 0x20 && buf[i] < 0x7f ? (char)buf[i] : '?';
	sig[4] = '\0';
	for (int i = 0; i < 6; i++)
		oem_id[i] = buf[10 + i] >= 0x20 && buf[10 + i] < 0x7f ? (char)buf[10 + i] : '?';
	oem_id[6] = '\0';
	l = (uint32_t)rd(buf + 4, 4);
	*length = l;
	*revision = buf[8];
	for (size_t i = 0; i < len && i < l; i++)
		sum = (uint8_t)(sum + buf[i]);
	*checksum_ok = sum == 0 && l <= len;
	return 0;
}

int acpi_parse(const uint8_t *buf, size_t len, struct acpi_table *t)
{
	uint32_t l;
	int rc;

	memset(t, 0, sizeof(*t));
	t->buf = buf;
	t->buflen = len;
	if (acpi_header(buf, len, t->signature, &l, &t->revision, t->oem_id, &t->checksum_ok))
		return bad(t, "%zu bytes: an ACPI table starts with a 36-byte header", len);
	if (l < ACPI_HDR_LEN)
		return bad(t, "%s: the header's length %u is less than the header itself (36)", t->signature, l);
	if (l > len)
		return bad(t, "%s: truncated: the header says %u bytes, there are %zu", t->signature, l, len);
	t->len = l;
	if (!memcmp(buf, "DMAR", 4)) {
		t->sig = ACPI_DMAR;
		rc = parse_dmar(t);
	} else if (!memcmp(buf, "IVRS", 4)) {
		t->sig = ACPI_IVRS;
		rc = parse_ivrs(t);
	} else if (!memcmp(buf, "IORT", 4)) {
		t->sig = ACPI_IORT;
		rc = parse_iort(t);
	} else if (!memcmp(buf, "VIOT", 4)) {
		t->sig = ACPI_VIOT;
		rc = parse_viot(t);
	} else {
		rc = add(t, &hdr_l, 0, ACPI_HDR_LEN, -1, 0, 0);
		if (!rc)
			rc = -EPROTONOSUPPORT;
	}
	return rc;
}

void acpi_table_release(struct acpi_table *t)
{
	free(t->recs);
	t->recs = NULL;
	t->nrecs = t->cap = 0;
}

/* ---- ties to devices ---- */

static const struct acpi_rec *rec_at(const struct acpi_table *t, uint64_t off)
{
	for (size_t i = 0; i < t->nrecs; i++)
		if (t->recs[i].depth == 0 && t->recs[i].parent < 0 && t->recs[i].off == off && i)
			return &t->recs[i];
	return NULL;
}

static int rec_index(const struct acpi_table *t, const struct acpi_rec *r)
{
	return r ? (int)(r - t->recs) : -1;
}

static uint32_t path_rid(const struct acpi_pci_path *p)
{
	return (uint32_t)p->hop[p->nhops - 1].bus << 8 | p->hop[p->nhops - 1].devfn;
}

/* Does DMAR device scope s match the device, as an endpoint or a bridge above it? */
static const char *scope_match(const struct acpi_table *t, size_t s, const struct acpi_pci_path *p)
{
	const struct acpi_rec *r = &t->recs[s];
	unsigned int type = (unsigned int)at(t, r->off, 1), n = 0;

	if (type != 1 && type != 2)
		return NULL;
	if (!p->nhops || at(t, r->off + 5, 1) != p->hop[0].bus)
		return NULL;
	for (size_t i = s + 1; i < t->nrecs && t->recs[i].parent == (int)s; i++, n++) {
		uint8_t devfn = (uint8_t)(at(t, t->recs[i].off, 1) << 3 | (at(t, t->recs[i].off + 1, 1) & 7));

		if (n >= p->nhops || p->hop[n].devfn != devfn || at(t, t->recs[i].off, 1) > 31 ||
		    at(t, t->recs[i].off + 1, 1) > 7)
			return NULL;
	}
	if (!n)
		return NULL;
	if (n == p->nhops)
		return type == 1 ? "endpoint scope" : "bridge scope";
	return type == 2 ? "bridge scope" : NULL;
}

static void cover_dmar(const struct acpi_table *t, const struct acpi_pci_path *p, struct acpi_cover *c)
{
	int all = -1;

	for (size_t i = 1; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i];

		if (r->depth || r->type != 0 || at(t, r->off + 6, 2) != p->seg)
			continue;
		if ((at(t, r->off + 4, 1) & 1) && all < 0)
			all = (int)i;
		for (size_t s = i + 1; s < t->nrecs && t->recs[s].depth; s++) {
			const char *how;

			if (t->recs[s].parent != (int)i)
				continue;
			how = scope_match(t, s, p);
			if (how) {
				c->covered = true;
				c->unit = c->iommu = (int)i;
				c->entry = (int)s;
				c->how = how;
				return;
			}
		}
	}
	if (all >= 0) {
		c->covered = true;
		c->unit = c->iommu = all;
		c->how = "include_pci_all";
	}
}

static int ivhd_rank(unsigned int type)
{
	return type == 0x10 ? 1 : type == 0x11 ? 2 : type == 0x40 ? 3 : 0;
}

static void cover_ivrs(const struct acpi_table *t, const struct acpi_pci_path *p, struct acpi_cover *c)
{
	int best = 0;

	for (size_t i = 1; i < t->nrecs; i++)
		if (!t->recs[i].depth && ivhd_rank(t->recs[i].type) > best)
			best = ivhd_rank(t->recs[i].type);
	for (size_t i = 1; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i];
		bool in_range = false, range_alias = false;
		uint32_t start = 0, alias = 0;
		int start_rec = -1;

		if (r->depth || !best || ivhd_rank(r->type) != best || at(t, r->off + 16, 2) != p->seg)
			continue;
		for (size_t e = i + 1; e < t->nrecs && t->recs[e].parent == (int)i; e++) {
			const struct acpi_rec *d = &t->recs[e];
			uint32_t id = (uint32_t)at(t, d->off + 1, 2);
			const char *how = NULL;
			bool aliased = false;
			uint32_t to = c->rid;
			int ent = (int)e;

			switch (d->type) {
			case DE_ALL:
				how = "all";
				break;
			case DE_SELECT:
			case DE_EXT_SELECT:
				if (id == c->rid)
					how = "select";
				break;
			case DE_ALIAS_SELECT:
				if (id == c->rid) {
					how = "alias select";
					aliased = true;
					to = (uint32_t)at(t, d->off + 5, 2);
				}
				break;
			case DE_START:
			case DE_EXT_START:
			case DE_ALIAS_START:
				in_range = true;
				start = id;
				start_rec = (int)e;
				range_alias = d->type == DE_ALIAS_START;
				alias = range_alias ? (uint32_t)at(t, d->off + 5, 2) : 0;
				break;
			case DE_END:
				if (in_range && c->rid >= start && c->rid <= id) {
					how = range_alias ? "alias range" : "range";
					aliased = range_alias;
					to = range_alias ? alias : c->rid;
					ent = start_rec;
				}
				in_range = false;
				break;
			}
			if (how) {
				c->covered = true;
				c->unit = c->iommu = (int)i;
				c->entry = ent;
				c->how = how;
				c->id = to;
				c->aliased = aliased && to != c->rid;
			}
		}
	}
}

/* Map id through node n's ID mappings, as the kernel's iort_node_map_id(). */
static const struct acpi_rec *iort_map(const struct acpi_table *t, const struct acpi_rec *n, uint32_t id,
				       uint32_t *out, int *entry)
{
	const struct acpi_rec *hit = NULL;
	size_t ni = (size_t)(n - t->recs);
	bool at_end = false;

	for (size_t i = ni + 1; i < t->nrecs && t->recs[i].parent == (int)ni; i++) {
		const struct acpi_rec *m = &t->recs[i];
		uint64_t base, cnt;

		if (m->lay != &idmap_l)
			continue;
		base = at(t, m->off, 4);
		cnt = at(t, m->off + 4, 4);
		if (at(t, m->off + 16, 4) & 1)	/* single mapping: no input IDs */
			continue;
		if (id < base || id > base + cnt)
			continue;
		/* a match at the end of a range gives way to a range starting there
		 * (the "id count" off-by-one of early firmware, as the kernel allows) */
		if (hit && !(at_end && id == base))
			continue;
		hit = m;
		at_end = cnt && id == base + cnt;
		*out = (uint32_t)(at(t, m->off + 8, 4) + (id - base));
		*entry = (int)i;
	}
	return hit ? rec_at(t, at(t, hit->off + 12, 4)) : NULL;
}

static void cover_iort(const struct acpi_table *t, const struct acpi_pci_path *p, struct acpi_cover *c)
{
	for (size_t i = 1; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i], *n = r;
		uint32_t id = c->rid;
		int entry = -1;

		if (r->depth || r->lay != &rc_l || at(t, r->off + 28, 4) != p->seg)
			continue;
		c->unit = (int)i;
		/* at most a few hops: RC -> SMMU -> ITS; a loop stops here */
		for (int hop = 0; hop < 8 && n; hop++) {
			int e = -1;
			const struct acpi_rec *next = iort_map(t, n, id, &id, &e);

			if (!next)
				break;
			if (hop == 0)
				c->entry = e;
			if (next->lay == &smmu3_l || next->lay == &smmu_l) {
				if (c->iommu < 0) {
					c->covered = true;
					c->iommu = rec_index(t, next);
					c->id = id;
					c->how = "id mapping";
				}
			} else if (next->lay == &its_l) {
				c->has_its_id = true;
				c->its_id = id;
				c->its = rec_index(t, next);
				break;
			}
			n = next;
		}
		(void)entry;
		return;
	}
}

static void cover_viot(const struct acpi_table *t, const struct acpi_pci_path *p, struct acpi_cover *c)
{
	for (size_t i = 1; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i];
		uint64_t s0, s1, b0, b1;

		if (r->depth || r->lay != &viot_pci_l)
			continue;
		s0 = at(t, r->off + 8, 2);
		s1 = at(t, r->off + 10, 2);
		b0 = at(t, r->off + 12, 2);
		b1 = at(t, r->off + 14, 2);
		if (p->seg < s0 || p->seg > s1 || c->rid < b0 || c->rid > b1)
			continue;
		c->covered = true;
		c->unit = (int)i;
		c->how = "pci range";
		c->id = (uint32_t)(((p->seg - s0) << 16) + (c->rid - b0) + at(t, r->off + 4, 4));
		c->iommu = rec_index(t, rec_at(t, at(t, r->off + 16, 2)));
		return;
	}
}

int acpi_cover_pci(const struct acpi_table *t, const struct acpi_pci_path *p, struct acpi_cover *c)
{
	memset(c, 0, sizeof(*c));
	c->unit = c->entry = c->iommu = c->its = -1;
	if (!p->nhops || p->nhops > ACPI_PCI_MAX_HOPS)
		return -EINVAL;
	c->rid = c->id = path_rid(p);
	switch (t->sig) {
	case ACPI_DMAR:
		c->id_kind = "requester_id";
		cover_dmar(t, p, c);
		return 0;
	case ACPI_IVRS:
		c->id_kind = "device_id";
		cover_ivrs(t, p, c);
		return 0;
	case ACPI_IORT:
		c->id_kind = "stream_id";
		cover_iort(t, p, c);
		return 0;
	case ACPI_VIOT:
		c->id_kind = "endpoint_id";
		cover_viot(t, p, c);
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
}

void acpi_resv_list(const struct acpi_table *t, struct acpi_resv **out, size_t *n)
{
	struct acpi_resv *v = NULL;
	size_t k = 0;

	for (size_t i = 1; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i];
		struct acpi_resv x = { (int)i, -1, 0, 0, NULL };

		if (t->sig == ACPI_DMAR && !r->depth && r->lay == &rmrr_l) {
			x.start = at(t, r->off + 8, 8);
			x.last = at(t, r->off + 16, 8);
			x.kind = "rmrr";
			if (x.last < x.start)	/* ends before it starts: the kernel ignores it too */
				continue;
		} else if (t->sig == ACPI_IVRS && !r->depth && r->lay == &ivmd_l) {
			uint64_t len = at(t, r->off + 24, 8), fl = at(t, r->off + 1, 1);

			if (!len)
				continue;
			x.start = at(t, r->off + 16, 8);
			x.last = x.start + len - 1 < x.start ? UINT64_MAX : x.start + len - 1;
			x.kind = fl & 8 ? "ivmd exclusion" : fl & 1 ? "ivmd unity" : "ivmd";
		} else if (t->sig == ACPI_IORT && r->lay == &rmr_desc_l) {
			uint64_t len = at(t, r->off + 8, 8);

			if (!len)
				continue;
			x.rec = r->parent;
			x.sub = (int)i;
			x.start = at(t, r->off, 8);
			x.last = x.start + len - 1 < x.start ? UINT64_MAX : x.start + len - 1;
			x.kind = "rmr";
		} else {
			continue;
		}
		v = xrealloc(v, (k + 1) * sizeof(*v));
		v[k++] = x;
	}
	*out = v;
	*n = k;
}

bool acpi_resv_applies(const struct acpi_table *t, const struct acpi_resv *x, const struct acpi_pci_path *p)
{
	const struct acpi_rec *r;
	uint32_t rid;

	if (!p->nhops || p->nhops > ACPI_PCI_MAX_HOPS || x->rec < 1 || (size_t)x->rec >= t->nrecs)
		return false;
	r = &t->recs[x->rec];
	rid = path_rid(p);
	if (r->lay == &rmrr_l) {
		if (at(t, r->off + 6, 2) != p->seg)
			return false;
		for (size_t s = (size_t)x->rec + 1; s < t->nrecs && t->recs[s].depth; s++)
			if (t->recs[s].parent == x->rec && scope_match(t, s, p))
				return true;
		return false;
	}
	if (r->lay == &ivmd_l) {
		uint32_t id = (uint32_t)at(t, r->off + 4, 2), aux = (uint32_t)at(t, r->off + 6, 2);

		switch (r->type) {
		case 0x20: return true;
		case 0x21: return rid == id;
		case 0x22: return rid >= id && rid <= aux;
		}
		return false;
	}
	if (r->lay == &rmr_l) {
		struct acpi_cover c;

		if (acpi_cover_pci(t, p, &c) || !c.covered)
			return false;
		for (size_t i = (size_t)x->rec + 1; i < t->nrecs && t->recs[i].parent == x->rec; i++) {
			const struct acpi_rec *m = &t->recs[i];
			uint64_t out, cnt;

			if (m->lay != &idmap_l)
				continue;
			out = at(t, m->off + 8, 4);
			cnt = at(t, m->off + 4, 4);
			if (rec_index(t, rec_at(t, at(t, m->off + 12, 4))) == c.iommu && c.id >= out &&
			    c.id <= out + cnt)
				return true;
		}
	}
	return false;
}
