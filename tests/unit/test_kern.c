/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmocka tests of the kernel reader (src/decode/kern.c, kroots.c) on a
 * synthetic x86-64 memory image: VMCOREINFO text, kallsyms tables in both
 * address forms (7.x self-relative offsets; 6.12's relative base with
 * absolute per-CPU entries), a BTF built with libbpf's writer, and the IOMMU
 * core's iommu_device_list with one VT-d, one AMD and one SMMUv3 unit whose
 * structures have the layouts the BTF gives. Then hostile variants: counts
 * over the caps, a token without an end, a symbol table that disagrees with
 * VMCOREINFO, BTF bounds, a list that loops, a member missing.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "core/util.h"
#include "decode/kern.h"

/* ---- the image: physical memory 0 .. MEM_SIZE ---- */

#define MEM_SIZE (4u << 20)
#define KMAP 0xffffffff80000000ull	/* __START_KERNEL_map, phys_base 0x100000 */
#define PHYS_BASE ((uint64_t)0x100000)
#define PO 0xffff888000000000ull	/* page_offset_base */

static uint8_t *mem;

static int mem_rd(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	(void)priv;
	if (pa >= MEM_SIZE || len > MEM_SIZE - pa) {
		*fault = pa;
		return -ENXIO;
	}
	memcpy(buf, mem + pa, len);
	return 0;
}

static const struct walk_mem wm = { .read = mem_rd };

/* image va <-> pa */
static uint64_t iva(uint64_t pa)
{
	return KMAP + pa - PHYS_BASE;
}

static void put(uint64_t pa, uint64_t v, size_t size)
{
	for (size_t i = 0; i < size; i++)
		mem[pa + i] = (uint8_t)(v >> (8 * i));
}

/* where things are, physical */
#define P_STEXT 0x101000ull
#define P_NAMES 0x110000ull
#define P_NUM 0x108000ull
#define P_TOKTAB 0x109000ull
#define P_TOKIDX 0x10a000ull
#define P_OFFS 0x10b000ull
#define P_RELBASE 0x10c000ull
#define P_POBASE 0x120000ull	/* page_offset_base */
#define P_LIST 0x120100ull	/* iommu_device_list */
#define P_VTD_OPS 0x121000ull
#define P_AMD_OPS 0x121100ull
#define P_SMMU_OPS 0x121200ull
#define P_SMMU_OPS2 0x121300ull	/* a second arm_smmu_ops (SMMUv2's), same name */
#define P_SM 0x121400ull	/* intel_iommu_sm */
#define P_OTHER_OPS 0x121500ull
#define P_RV_OPS 0x121600ull
#define P_BTF 0x200000ull
/* heap (direct map) */
#define P_VTD 0x300000ull
#define P_AMD 0x301000ull
#define P_SEG 0x302000ull
#define P_SMMU 0x303000ull
#define P_VTD_ROOT 0x310000ull
#define P_AMD_DT 0x320000ull
#define SMMU_L1_DMA 0x330000ull
#define P_RV 0x306000ull
#define RV_DDT 0x340000ull

struct sym {
	const char *name;
	char type;
	uint64_t pa;
};

static const struct sym syms[] = {
	{ "_stext", 'T', P_STEXT },
	{ "page_offset_base", 'D', P_POBASE },
	{ "iommu_device_list", 'd', P_LIST },
	{ "intel_iommu_ops", 'R', P_VTD_OPS },
	{ "amd_iommu_ops", 'R', P_AMD_OPS },
	{ "arm_smmu_ops", 'r', P_SMMU_OPS },
	{ "arm_smmu_ops", 'r', P_SMMU_OPS2 },
	{ "intel_iommu_sm", 'D', P_SM },
	{ "other_iommu_ops", 'r', P_OTHER_OPS },
	{ "riscv_iommu_ops", 'r', P_RV_OPS },
	{ "__start_BTF", 'R', P_BTF },
	{ "__stop_BTF", 'R', 0 },	/* set from the BTF's size */
};
#define NSYMS (sizeof(syms) / sizeof(syms[0]))

static uint64_t stop_btf_pa;
static char vmcoreinfo[2048];

/*
 * kallsyms: token i is the one-character string (char)i for printable i,
 * so a name compresses to its own bytes; the first is the type letter.
 * form 0: 7.x offsets relative to themselves; form 2: 6.12 relative base with
 * absolute per-CPU entries (CONFIG_KALLSYMS_ABSOLUTE_PERCPU, x86-64 SMP).
 */
static void build_kallsyms(int form)
{
	uint64_t off = 0, base = iva(P_STEXT) - 0x1000;

	for (unsigned i = 0; i < 256; i++) {
		put(P_TOKIDX + 2 * i, 2 * i, 2);
		mem[P_TOKTAB + 2 * i] = (uint8_t)(i ? i : ' ');
		mem[P_TOKTAB + 2 * i + 1] = 0;
	}
	put(P_NUM, NSYMS, 4);
	for (size_t i = 0; i < NSYMS; i++) {
		size_t len = strlen(syms[i].name) + 1;
		uint64_t pa = strcmp(syms[i].name, "__stop_BTF") ? syms[i].pa : stop_btf_pa, va = iva(pa);

		mem[P_NAMES + off++] = (uint8_t)len;
		mem[P_NAMES + off++] = (uint8_t)syms[i].type;
		memcpy(mem + P_NAMES + off, syms[i].name, len - 1);
		off += len - 1;
		if (form == 0)
			put(P_OFFS + 4 * i, (uint64_t)(va - (iva(P_OFFS) + 4 * i)), 4);
		else	/* relative to base - 1, negated */
			put(P_OFFS + 4 * i, (uint64_t)(int64_t)-(int64_t)(va - base + 1), 4);
	}
	put(P_RELBASE, base, 8);
	snprintf(vmcoreinfo, sizeof(vmcoreinfo),
		 "OSRELEASE=7.2.0\nPAGESIZE=4096\nSYMBOL(_stext)=%" PRIx64 "\nNUMBER(phys_base)=%" PRIu64
		 "\nSYMBOL(init_top_pgt)=ffffffff82000000\nNUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=0\n"
		 "SYMBOL(kallsyms_names)=%" PRIx64 "\nSYMBOL(kallsyms_num_syms)=%" PRIx64
		 "\nSYMBOL(kallsyms_token_table)=%" PRIx64 "\nSYMBOL(kallsyms_token_index)=%" PRIx64
		 "\nSYMBOL(kallsyms_offsets)=%" PRIx64 "\n%s",
		 iva(P_STEXT), PHYS_BASE, iva(P_NAMES), iva(P_NUM), iva(P_TOKTAB), iva(P_TOKIDX), iva(P_OFFS),
		 form ? "SYMBOL(kallsyms_relative_base)=" : "");
	if (form) {
		size_t l = strlen(vmcoreinfo);

		snprintf(vmcoreinfo + l, sizeof(vmcoreinfo) - l, "%" PRIx64 "\n", iva(P_RELBASE));
	}
}

/* ---- BTF: the structures, as the kernel's (member names and nesting) ---- */

struct layout {
	bool vtd_no_root_entry;		/* a kernel without intel_iommu.root_entry */
};

static size_t build_btf(const struct layout *lo)
{
	struct btf *b = btf__new_empty();
	int u64, u32, u16, chr, chrp, vp, lh, lhp, idev, arr, iseg, segp, strtab, lin, l2, un, kobj;
	const void *raw;
	uint32_t size;

	assert_non_null(b);
	u64 = btf__add_int(b, "long long unsigned int", 8, 0);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	u16 = btf__add_int(b, "short unsigned int", 2, 0);
	chr = btf__add_int(b, "char", 1, BTF_INT_SIGNED);
	vp = btf__add_ptr(b, 0);
	lh = btf__add_struct(b, "list_head", 16);
	lhp = btf__add_ptr(b, lh);
	btf__add_field(b, "next", lhp, 0, 0);
	btf__add_field(b, "prev", lhp, 64, 0);
	idev = btf__add_struct(b, "iommu_device", 48);
	btf__add_field(b, "list", lh, 0, 0);
	btf__add_field(b, "ops", vp, 128, 0);
	btf__add_field(b, "fwnode", vp, 192, 0);
	btf__add_field(b, "dev", vp, 256, 0);
	btf__add_field(b, "max_pasids", u32, 320, 0);
	arr = btf__add_array(b, u32, chr, 16);
	/* struct intel_iommu */
	btf__add_struct(b, "intel_iommu", 160);
	btf__add_field(b, "reg_phys", u64, 0, 0);
	btf__add_field(b, "ecap", u64, 64, 0);
	btf__add_field(b, "name", arr, 128, 0);
	if (!lo->vtd_no_root_entry)
		btf__add_field(b, "root_entry", vp, 256, 0);
	btf__add_field(b, "iommu", idev, 512, 0);
	/* struct amd_iommu_pci_seg, struct amd_iommu */
	iseg = btf__add_struct(b, "amd_iommu_pci_seg", 24);
	btf__add_field(b, "id", u16, 0, 0);
	btf__add_field(b, "last_bdf", u16, 16, 0);
	btf__add_field(b, "dev_table_size", u32, 32, 0);
	btf__add_field(b, "dev_table", vp, 64, 0);
	segp = btf__add_ptr(b, iseg);	/* before the struct: fields go to the last type added */
	btf__add_struct(b, "amd_iommu", 96);
	btf__add_field(b, "index", u32, 0, 0);
	btf__add_field(b, "mmio_phys", u64, 64, 0);
	btf__add_field(b, "pci_seg", segp, 128, 0);
	btf__add_field(b, "iommu", idev, 256, 0);
	/* struct arm_smmu_strtab_cfg: an anonymous union of linear and l2 */
	lin = btf__add_struct(b, NULL, 24);
	btf__add_field(b, "table", vp, 0, 0);
	btf__add_field(b, "ste_dma", u64, 64, 0);
	btf__add_field(b, "num_ents", u32, 128, 0);
	l2 = btf__add_struct(b, NULL, 32);
	btf__add_field(b, "l1tab", vp, 0, 0);
	btf__add_field(b, "l2ptrs", vp, 64, 0);
	btf__add_field(b, "l1_dma", u64, 128, 0);
	btf__add_field(b, "num_l1_ents", u32, 192, 0);
	un = btf__add_union(b, NULL, 32);
	btf__add_field(b, "linear", lin, 0, 0);
	btf__add_field(b, "l2", l2, 0, 0);
	strtab = btf__add_struct(b, "arm_smmu_strtab_cfg", 32);
	btf__add_field(b, "", un, 0, 0);
	/* SMMUv2's struct of the same name first: an iommu member too, but no strtab_cfg */
	btf__add_struct(b, "arm_smmu_device", 56);
	btf__add_field(b, "ioaddr", u64, 0, 0);
	btf__add_field(b, "iommu", idev, 64, 0);
	btf__add_struct(b, "arm_smmu_device", 112);
	btf__add_field(b, "base", vp, 0, 0);
	btf__add_field(b, "features", u32, 64, 0);
	btf__add_field(b, "sid_bits", u32, 96, 0);
	btf__add_field(b, "strtab_cfg", strtab, 128, 0);
	btf__add_field(b, "iommu", idev, 512, 0);
	/* struct riscv_iommu_device: iommu first, as the driver has it */
	btf__add_struct(b, "riscv_iommu_device", 72);
	btf__add_field(b, "iommu", idev, 0, 0);
	btf__add_field(b, "caps", u64, 384, 0);
	btf__add_field(b, "ddt_mode", u32, 448, 0);
	btf__add_field(b, "ddt_phys", u64, 512, 0);
	/* struct device's kobj.name: the unit's sysfs name */
	chrp = btf__add_ptr(b, chr);
	kobj = btf__add_struct(b, "kobject", 8);
	btf__add_field(b, "name", chrp, 0, 0);
	btf__add_struct(b, "device", 16);
	btf__add_field(b, "init_name", vp, 0, 0);
	btf__add_field(b, "kobj", kobj, 64, 0);
	raw = btf__raw_data(b, &size);
	assert_non_null(raw);
	memcpy(mem + P_BTF, raw, size);
	btf__free(b);
	return size;
}

/* the units on iommu_device_list: VT-d, AMD, SMMUv3, and one of another driver */
static void build_units(void)
{
	uint64_t vtd_dev = PO + P_VTD + 64, amd_dev = PO + P_AMD + 32, smmu_dev = PO + P_SMMU + 64;
	uint64_t other_dev = PO + 0x304000;

	put(P_POBASE, PO, 8);
	put(P_SM, 1, 4);
	/* list: head -> vtd -> amd -> smmu -> other -> head */
	put(P_LIST, vtd_dev, 8);
	put(P_VTD + 64, amd_dev, 8);
	put(P_AMD + 32, smmu_dev, 8);
	put(P_SMMU + 64, other_dev, 8);
	put(0x304000, PO + P_RV, 8);
	put(P_RV, iva(P_LIST), 8);
	put(P_RV + 16, iva(P_RV_OPS), 8);
	/* riscv_iommu_device: MSI_FLAT, 3LVL */
	put(P_RV + 48, 1ull << 22, 8);
	put(P_RV + 56, 4, 4);
	put(P_RV + 64, RV_DDT, 8);
	put(P_VTD + 64 + 16, iva(P_VTD_OPS), 8);
	put(P_AMD + 32 + 16, iva(P_AMD_OPS), 8);
	put(P_SMMU + 64 + 16, iva(P_SMMU_OPS2), 8);
	put(0x304000 + 16, iva(P_OTHER_OPS), 8);
	/* intel_iommu: reg_phys, ecap with SMTS (bit 43), "dmar0", root_entry */
	put(P_VTD, 0xfed90000, 8);
	put(P_VTD + 8, 1ull << 43, 8);
	memcpy(mem + P_VTD + 16, "dmar0", 6);
	put(P_VTD + 32, PO + P_VTD_ROOT, 8);
	/* amd_iommu: index 0, mmio_phys, pci_seg; seg: 2 MiB table of 65536 DTEs */
	put(P_AMD + 8, 0xfeb80000, 8);
	put(P_AMD + 16, PO + P_SEG, 8);
	put(P_SEG + 4, 65536 * 32, 4);
	put(P_SEG + 8, PO + P_AMD_DT, 8);
	/* arm_smmu_device: 2-level stream table, 256 level-1 descriptors */
	put(P_SMMU, 0x9050000, 8);
	put(P_SMMU + 8, 1, 4);
	put(P_SMMU + 12, 16, 4);
	put(P_SMMU + 16 + 16, SMMU_L1_DMA, 8);
	put(P_SMMU + 16 + 24, 256, 4);
	/* its sysfs device, named as the driver names it: "smmu3.%pa" */
	put(P_SMMU + 64 + 32, PO + 0x305000, 8);
	put(0x305000 + 8, PO + 0x305100, 8);
	memcpy(mem + 0x305100, "smmu3.0x0000000009050000", 25);
}

static struct layout default_layout;

static int build(int form, const struct layout *lo)
{
	size_t btf_size;

	memset(mem, 0, MEM_SIZE);
	btf_size = build_btf(lo ? lo : &default_layout);
	stop_btf_pa = P_BTF + btf_size;
	build_kallsyms(form);
	build_units();
	return 0;
}

static int open_k(struct kern **k, char **why)
{
	struct kern_opts o = { .m = &wm, .vmcoreinfo = vmcoreinfo, .vmcoreinfo_len = strlen(vmcoreinfo) };

	return kern_open(&o, k, why);
}

static int setup(void **state)
{
	(void)state;
	mem = calloc(1, MEM_SIZE);
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static void check_syms(int form)
{
	struct kern *k;
	char *why = NULL;
	uint64_t a, all[4];

	build(form, NULL);
	assert_int_equal(open_k(&k, &why), 0);
	assert_null(why);
	assert_int_equal(kern_nsyms(k), NSYMS);
	assert_string_equal(kern_syms_from(k), "kallsyms");
	assert_int_equal(kern_sym(k, "iommu_device_list", &a), 0);
	assert_true(a == iva(P_LIST));
	assert_int_equal(kern_sym(k, "__stop_BTF", &a), 0);
	assert_true(a == iva(stop_btf_pa));
	assert_int_equal(kern_sym(k, "no_such_symbol", &a), -ENOENT);
	/* two static arm_smmu_ops */
	assert_int_equal(kern_sym_all(k, "arm_smmu_ops", all, 4), 2);
	assert_string_equal(kern_sym_at(k, iva(P_AMD_OPS)), "amd_iommu_ops");
	/* addresses: the image by phys_base, the heap by page_offset_base */
	assert_int_equal(kern_v2p(k, iva(P_LIST), &a), 0);
	assert_true(a == P_LIST);
	assert_int_equal(kern_v2p(k, PO + 0x1234, &a), 0);
	assert_true(a == 0x1234);
	assert_int_equal(kern_v2p(k, 0xffffc90000000000ull, &a), -EFAULT);	/* vmalloc */
	kern_close(k);
}

static void test_kallsyms_72(void **state)
{
	(void)state;
	check_syms(0);
}

static void test_kallsyms_612_percpu(void **state)
{
	(void)state;
	check_syms(2);
}

static void test_roots(void **state)
{
	struct kern *k;
	struct kern_root *r;
	char *why = NULL;
	size_t n;

	(void)state;
	build(0, NULL);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, NULL, &why), 0);
	assert_true(kern_btf_size(k) == stop_btf_pa - P_BTF);
	assert_int_equal(kern_roots(k, &r, &n, &why), 0);
	assert_int_equal(n, 5);
	/* VT-d: scalable (intel_iommu_sm 1, ECAP.SMTS) */
	assert_true(r[0].ok);
	assert_int_equal(r[0].family, WALK_FAM_VTD);
	assert_string_equal(r[0].unit, "dmar0");
	assert_true(r[0].root == P_VTD_ROOT && r[0].h.base == P_VTD_ROOT);
	assert_true(r[0].h.scalable);
	assert_string_equal(r[0].layout, "scalable");
	assert_true(r[0].reg_phys == 0xfed90000);
	if (!r[1].ok)
		print_message("amd: %s\n", r[1].why);
	/* AMD: the device table, 65536 entries */
	assert_true(r[1].ok);
	assert_int_equal(r[1].family, WALK_FAM_AMD);
	assert_string_equal(r[1].unit, "ivhd0");
	assert_true(r[1].root == P_AMD_DT);
	assert_int_equal(r[1].h.dte_count, 65536);
	/* SMMUv3 (through the second arm_smmu_ops; the BTF struct with strtab_cfg) */
	assert_true(r[2].ok);
	assert_int_equal(r[2].family, WALK_FAM_SMMUV3);
	assert_string_equal(r[2].layout, "2-level");
	assert_true(r[2].root == SMMU_L1_DMA);
	/* FMT 2LVL, SPLIT 8, LOG2SIZE ilog2(256) + 8 */
	assert_true(r[2].h.strtab_cfg == (1u << 16 | 8u << 6 | 16u));
	assert_string_equal(r[2].unit, "smmu3.0x0000000009050000");
	assert_true(r[2].reg_phys == 0x9050000);
	/* another driver: named, not read */
	assert_false(r[3].ok);
	assert_false(r[3].known);
	assert_non_null(strstr(r[3].why, "other_iommu_ops"));
	/* RISC-V: the ddtp value (PPN, MODE 3LVL), extended device contexts */
	assert_true(r[4].ok);
	assert_int_equal(r[4].family, WALK_FAM_RISCV);
	assert_true(r[4].root == RV_DDT && r[4].h.base == (RV_DDT >> 12 << 10 | 4));
	assert_true(r[4].h.ext_dc);
	assert_string_equal(r[4].layout, "3LVL, extended DCs");
	free(r);
	kern_close(k);
}

static void test_roots_legacy_and_missing_member(void **state)
{
	struct layout lo = { .vtd_no_root_entry = true };
	struct kern *k;
	struct kern_root *r;
	char *why = NULL;
	size_t n;

	(void)state;
	/* intel_iommu_sm 0: legacy even with SMTS */
	build(0, NULL);
	put(P_SM, 0, 4);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, NULL, &why), 0);
	assert_int_equal(kern_roots(k, &r, &n, &why), 0);
	assert_true(r[0].ok);
	assert_false(r[0].h.scalable);
	assert_string_equal(r[0].layout, "legacy");
	free(r);
	kern_close(k);
	/* a kernel whose intel_iommu has no root_entry: said by name */
	build(0, &lo);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, NULL, &why), 0);
	assert_int_equal(kern_roots(k, &r, &n, &why), 0);
	assert_false(r[0].ok);
	assert_true(r[0].known);
	assert_non_null(strstr(r[0].why, "root_entry"));
	assert_true(r[1].ok);
	free(r);
	kern_close(k);
}

static void expect_open_fails(int err, const char *what)
{
	struct kern *k = NULL;
	char *why = NULL;

	assert_int_equal(open_k(&k, &why), err);
	assert_null(k);
	assert_non_null(why);
	if (what && !strstr(why, what))
		fail_msg("'%s' does not say '%s'", why, what);
	free(why);
}

static void test_hostile_kallsyms(void **state)
{
	(void)state;
	/* no VMCOREINFO */
	{
		struct kern_opts o = { .m = &wm };
		struct kern *k;
		char *why = NULL;

		assert_int_equal(kern_open(&o, &k, &why), -ENOENT);
		free(why);
	}
	/* a count over the cap, and zero */
	build(0, NULL);
	put(P_NUM, KERN_MAX_SYMS + 1, 4);
	expect_open_fails(-EINVAL, "kallsyms_num_syms");
	put(P_NUM, 0, 4);
	expect_open_fails(-EINVAL, "kallsyms_num_syms");
	/* a count larger than the table: the names run into zeros (an empty symbol) */
	put(P_NUM, NSYMS + 5, 4);
	expect_open_fails(-EINVAL, "empty");
	/* a token without a NUL in reach */
	build(0, NULL);
	put(P_TOKIDX + 2 * 'a', 0x100, 2);
	memset(mem + P_TOKTAB + 0x100, 'x', 0x400);
	expect_open_fails(-EINVAL, "no end");
	/* offsets that do not give VMCOREINFO's _stext */
	build(0, NULL);
	put(P_OFFS, 0x7777, 4);
	expect_open_fails(-EINVAL, "_stext");
	/* names outside memory */
	build(0, NULL);
	{
		char *p = strstr(vmcoreinfo, "SYMBOL(kallsyms_names)=");

		assert_non_null(p);
		memcpy(p + strlen("SYMBOL(kallsyms_names)="), "ffffffffbf", 10);
	}
	expect_open_fails(-ENXIO, "kallsyms_names");
	/* an architecture this reader does not know */
	snprintf(vmcoreinfo, sizeof(vmcoreinfo), "OSRELEASE=7.2\nPAGESIZE=4096\n");
	expect_open_fails(-EOPNOTSUPP, NULL);
}

static void test_hostile_btf_and_list(void **state)
{
	struct kern *k;
	struct kern_root *r;
	char *why = NULL;
	size_t n;

	(void)state;
	/* BTF bounds over the cap: __stop_BTF far past __start_BTF */
	build(0, NULL);
	stop_btf_pa = P_BTF + KERN_MAX_BTF + 1;
	build_kallsyms(0);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, NULL, &why), -EINVAL);
	assert_non_null(strstr(why, "__stop_BTF"));
	free(why);
	why = NULL;
	kern_close(k);
	/* garbage where the BTF is */
	build(0, NULL);
	memset(mem + P_BTF, 0x5a, 64);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, NULL, &why), -EINVAL);
	free(why);
	why = NULL;
	assert_int_equal(kern_roots(k, &r, &n, &why), -ENOENT);
	free(why);
	why = NULL;
	kern_close(k);
	/* a list that loops (smmu -> amd) without coming back to the head */
	build(0, NULL);
	put(P_SMMU + 64, PO + P_AMD + 32, 8);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, NULL, &why), 0);
	assert_int_equal(kern_roots(k, &r, &n, &why), -EINVAL);
	assert_non_null(strstr(why, "loops"));
	free(why);
	why = NULL;
	/* a node outside memory */
	put(P_SMMU + 64, 0x1234, 8);
	assert_int_equal(kern_roots(k, &r, &n, &why), -EFAULT);
	free(why);
	why = NULL;
	/* a unit whose root_entry points nowhere: that unit says so, the others stand */
	put(P_SMMU + 64, PO + 0x304000, 8);
	put(P_VTD + 32, 0x1000, 8);
	assert_int_equal(kern_roots(k, &r, &n, &why), 0);
	assert_false(r[0].ok);
	assert_non_null(strstr(r[0].why, "root_entry"));
	assert_true(r[1].ok && r[2].ok);
	free(r);
	kern_close(k);
}

static void test_system_map(void **state)
{
	struct kern *k;
	char *why = NULL, map[256];
	uint64_t a;
	struct kern_opts o = { .m = &wm };

	(void)state;
	build(0, NULL);
	o.vmcoreinfo = vmcoreinfo;
	o.vmcoreinfo_len = strlen(vmcoreinfo);
	snprintf(map, sizeof(map), "%016" PRIx64 " T _stext\nffffffff81999000 D only_in_map\n", iva(P_STEXT));
	o.system_map = map;
	o.system_map_len = strlen(map);
	assert_int_equal(kern_open(&o, &k, &why), 0);
	assert_string_equal(kern_syms_from(k), "kallsyms and System.map");
	assert_int_equal(kern_sym(k, "only_in_map", &a), 0);
	assert_true(a == 0xffffffff81999000ull);
	kern_close(k);
	/* another kernel's map */
	snprintf(map, sizeof(map), "ffffffff81000000 T _stext\n");
	o.system_map_len = strlen(map);
	assert_int_equal(kern_open(&o, &k, &why), -EINVAL);
	assert_non_null(strstr(why, "not this kernel's"));
	free(why);
	why = NULL;
	/* not a map */
	snprintf(map, sizeof(map), "hello world\n");
	o.system_map_len = strlen(map);
	assert_int_equal(kern_open(&o, &k, &why), -EINVAL);
	free(why);
}

/* --btf FILE: the same BTF from a file (a saved /sys/kernel/btf/vmlinux), the dump's ignored */
static void test_btf_file(void **state)
{
	char path[] = "/tmp/test_kern_btf.XXXXXX";
	struct kern *k;
	struct kern_root *r;
	char *why = NULL;
	size_t n, size;
	FILE *f;
	int fd;

	(void)state;
	build(0, NULL);
	size = stop_btf_pa - P_BTF;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_int_equal(fwrite(mem + P_BTF, 1, size, f), size);
	fclose(f);
	memset(mem + P_BTF, 0, size);	/* the dump's is gone */
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, path, &why), 0);
	assert_int_equal(kern_roots(k, &r, &n, &why), 0);
	assert_true(n == 5 && r[0].ok && r[0].root == P_VTD_ROOT);
	free(r);
	kern_close(k);
	/* not BTF */
	f = fopen(path, "w");
	fputs("hello\n", f);
	fclose(f);
	assert_int_equal(open_k(&k, &why), 0);
	assert_int_equal(kern_btf_load(k, path, &why), -EINVAL);
	assert_non_null(strstr(why, "no BTF libbpf can read"));
	free(why);
	kern_close(k);
	unlink(path);
}

/*
 * One architecture's address rules from its VMCOREINFO numbers: where the
 * linear map and the image translate, and an address outside both that
 * does not (-EFAULT).
 */
struct arch_case {
	const char *vmcoreinfo, *system_map;
	enum kern_arch arch;
	uint64_t linear_va, linear_pa, image_va, image_pa, outside;
};

static void check_arch(const struct arch_case *c)
{
	struct kern *k;
	char *why = NULL;
	uint64_t a;
	struct kern_opts o = { .m = &wm, .vmcoreinfo = c->vmcoreinfo, .vmcoreinfo_len = strlen(c->vmcoreinfo),
			       .system_map = c->system_map, .system_map_len = strlen(c->system_map) };

	assert_int_equal(kern_open(&o, &k, &why), 0);
	assert_int_equal(kern_arch(k), c->arch);
	assert_int_equal(kern_v2p(k, c->linear_va, &a), 0);
	assert_true(a == c->linear_pa);
	assert_int_equal(kern_v2p(k, c->image_va, &a), 0);
	assert_true(a == c->image_pa);
	assert_int_equal(kern_v2p(k, c->outside, &a), -EFAULT);
	kern_close(k);
}

static void test_riscv64_addresses(void **state)
{
	/* arch/riscv/kernel/vmcore_info.c's numbers: Sv57's PAGE_OFFSET, the image at 2 GiB; modules outside */
	static const struct arch_case c = {
		.vmcoreinfo = "OSRELEASE=7.2\nNUMBER(phys_ram_base)=2147483648\n"
			      "NUMBER(PAGE_OFFSET)=0xff60000000000000\nNUMBER(VA_BITS)=57\n"
			      "NUMBER(MODULES_VADDR)=0xffffffff01000000\nNUMBER(KERNEL_LINK_ADDR)=0xffffffff80000000\n"
			      "NUMBER(va_kernel_pa_offset)=0xffffffff00000000\nKERNELOFFSET=0\n",
		.system_map = "ffffffff80002000 T _stext\n",
		.arch = KERN_ARCH_RISCV64,
		.linear_va = 0xff60000000123000ull, .linear_pa = 0x80123000ull,
		.image_va = 0xffffffff80002000ull, .image_pa = 0x80002000ull,
		.outside = 0xffffffff01000000ull,
	};

	(void)state;
	check_arch(&c);
}

static void test_arm64_addresses(void **state)
{
	/* VA_BITS 48: PAGE_OFFSET 0xffff000000000000, modules from 0xffff800000000000 */
	static const struct arch_case c = {
		.vmcoreinfo = "OSRELEASE=7.2\nNUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0xffff7fffc0000000\n"
			      "NUMBER(PHYS_OFFSET)=0x40000000\nNUMBER(MODULES_VADDR)=0xffff800000000000\n"
			      "KERNELOFFSET=0\n",
		.system_map = "ffff800080010000 T _stext\n",
		.arch = KERN_ARCH_ARM64,
		.linear_va = 0xffff000000123000ull, .linear_pa = 0x40123000ull,
		.image_va = 0xffff800080010000ull, .image_pa = 0xffff800080010000ull - 0xffff7fffc0000000ull,
		.outside = 0xfffe000000000000ull,
	};

	(void)state;
	check_arch(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms_72),
		cmocka_unit_test(test_kallsyms_612_percpu),
		cmocka_unit_test(test_roots),
		cmocka_unit_test(test_roots_legacy_and_missing_member),
		cmocka_unit_test(test_hostile_kallsyms),
		cmocka_unit_test(test_hostile_btf_and_list),
		cmocka_unit_test(test_system_map),
		cmocka_unit_test(test_btf_file),
		cmocka_unit_test(test_arm64_addresses),
		cmocka_unit_test(test_riscv64_addresses),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
