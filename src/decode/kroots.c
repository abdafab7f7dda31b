/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IOMMU roots the kernel recorded (decode/kern.h): the IOMMU core's
 * list of registered units (iommu_device_list in drivers/iommu/iommu.c, a
 * list of struct iommu_device, each embedded as member "iommu" in its
 * driver's structure), each read through BTF member names:
 *
 *   VT-d    struct intel_iommu: root_entry (virtual), reg_phys, ecap, name;
 *           scalable when intel_iommu_sm && ECAP.SMTS (bit 43), as
 *           sm_supported() in drivers/iommu/intel/iommu.h
 *   AMD     struct amd_iommu: pci_seg -> struct amd_iommu_pci_seg
 *           .dev_table (virtual), .dev_table_size; mmio_phys, index
 *   SMMUv3  struct arm_smmu_device: strtab_cfg (l2.l1_dma when features has
 *           ARM_SMMU_FEAT_2_LVL_STRTAB, bit 0, else linear.ste_dma: DMA
 *           addresses, physical for the SMMU), sid_bits, ioaddr; the
 *           STRTAB_BASE_CFG value as arm_smmu_write_strtab() writes it
 *   RISC-V  struct riscv_iommu_device: ddt_phys (DMA address), ddt_mode (the
 *           ddtp MODE the driver set: 2 1LVL, 3 2LVL, 4 3LVL), caps (MSI_FLAT,
 *           bit 22: extended device contexts, as riscv_iommu_get_dc())
 *
 * Same in Linux 6.12 and 7.2; a kernel whose structure lacks a member is
 * told by name.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/kern.h"

#define VTD_ECAP_SMTS (1ull << 43)
#define SMMU_FEAT_2_LVL_STRTAB (1u << 0)
#define SMMU_STRTAB_SPLIT 8u
#define AMD_DTE_SIZE 32u
#define RISCV_CAP_MSI_FLAT (1ull << 22)


/* A struct read whole, with its type. */
struct kobj {
	const struct kern *k;
	const char *type;
	uint32_t id;
	uint64_t va;
	uint8_t *buf;
	size_t len;
};

/*
 * Find the struct TYPE that has every member of need (NUL-separated, ending in an empty one;
 * of several structs of that name, the first that has them all): 0, or why
 * names the member the first of them lacks.
 */
static int kobj_type(const struct kern *k, const char *type, const char *need, uint32_t *id, char **why)
{
	const char *missing = NULL;
	uint32_t i = 0;

	while (!kern_struct_next(k, type, i, &i)) {
		const char *lack = NULL;
		size_t off, size;

		for (const char *m = need; *m && !lack; m += strlen(m) + 1)
			if (kern_member(k, i, m, &off, &size))
				lack = m;
		if (!lack) {
			*id = i;
			return 0;
		}
		if (!missing)
			missing = lack;
	}
	*why = missing ? xasprintf("struct %s has no member %s in this kernel's BTF", type, missing)
		       : xasprintf("the kernel's BTF has no struct %s", type);
	return -ENOMSG;
}

static int kobj_read(struct kobj *o, const struct kern *k, const char *type, uint32_t id, uint64_t va, char *why,
		     size_t wl)
{
	size_t size = kern_struct_size(k, id);
	int err;

	*o = (struct kobj){ .k = k, .type = type, .id = id, .va = va };
	if (!size || size > KERN_MAX_STRUCT) {
		snprintf(why, wl, "struct %s: size %zu", type, size);
		return -EINVAL;
	}
	o->buf = xmalloc(size);
	o->len = size;
	if ((err = kern_read(k, va, o->buf, size))) {
		snprintf(why, wl, "struct %s at 0x%" PRIx64 " cannot be read: %s", type, va,
			 err == -EFAULT ? "not a kernel address of the image or the linear map" : strerror(-err));
		free(o->buf);
		o->buf = NULL;
	}
	return err;
}

/* An integer member (the caller checked it exists). */
static uint64_t kobj_u(const struct kobj *o, const char *member)
{
	size_t off, size;

	if (kern_member(o->k, o->id, member, &off, &size) || size > 8)
		return 0;
	return kern_get(o->buf, o->len, off, size);
}

/* A char array member, printable. */
static void kobj_str(const struct kobj *o, const char *member, char *dst, size_t dl)
{
	size_t off, size, i;

	dst[0] = 0;
	if (kern_member(o->k, o->id, member, &off, &size) || off > o->len || size > o->len - off)
		return;
	for (i = 0; i < size && i + 1 < dl && o->buf[off + i]; i++)
		dst[i] = o->buf[off + i] >= 0x20 && o->buf[off + i] < 0x7f ? (char)o->buf[off + i] : '?';
	dst[i] = 0;
}

/* The driver structure around the struct iommu_device at dev_va: member "iommu" of TYPE. */
static int container(const struct kern *k, uint32_t id, uint64_t dev_va, uint64_t *va)
{
	size_t off, size;

	if (kern_member(k, id, "iommu", &off, &size))
		return -ENOMSG;
	*va = dev_va - off;
	return 0;
}

/*
 * The name of the unit's sysfs device (iommu_device.dev -> struct device
 * .kobj.name: "dmar0", "ivhd0", "smmu3.0x0000000009050000"), printable; "" when
 * it cannot be read.
 */
static void unit_name(const struct kern *k, uint64_t dev_va, size_t dev_off, char *dst, size_t dl)
{
	uint32_t did;
	size_t off, size, i;
	uint64_t dev, name;
	char buf[64];

	dst[0] = 0;
	if (kern_read_u64(k, dev_va + dev_off, &dev) || !dev || kern_struct(k, "device", "kobj.name", &did) ||
	    kern_member(k, did, "kobj.name", &off, &size) || size != 8 || kern_read_u64(k, dev + off, &name) ||
	    !name)
		return;
	for (size_t len = sizeof(buf); len >= 8; len /= 2)
		if (!kern_read(k, name, buf, len)) {
			for (i = 0; i < len && i + 1 < dl && buf[i]; i++)
				dst[i] = buf[i] > 0x20 && buf[i] < 0x7f ? buf[i] : '?';
			dst[i] = 0;
			if (i < len)
				return;
			dst[0] = 0;	/* no end within what could be read */
			return;
		}
}

/* The members each reader needs, NUL-separated (text, not a table of pointers: no relocations) */
static const char vtd_need[] = "iommu\0root_entry\0reg_phys\0ecap\0";
static const char amd_need[] = "iommu\0pci_seg\0";
static const char amd_seg_need[] = "dev_table\0dev_table_size\0";
static const char riscv_need[] = "iommu\0ddt_phys\0ddt_mode\0caps\0";
static const char smmu_need[] = "iommu\0strtab_cfg\0features\0sid_bits\0strtab_cfg.linear.ste_dma\0"
				"strtab_cfg.l2.l1_dma\0strtab_cfg.l2.num_l1_ents\0";

static void vtd_root(const struct kern *k, uint32_t id, uint64_t dev_va, int sm, struct kern_root *r)
{
	struct kobj o;
	uint64_t va, re, pa, ecap;
	char name[32];

	r->family = WALK_FAM_VTD;
	r->known = true;
	if (container(k, id, dev_va, &va) || kobj_read(&o, k, "intel_iommu", id, va, r->why, sizeof(r->why)))
		return;
	kobj_str(&o, "name", name, sizeof(name));
	r->reg_phys = kobj_u(&o, "reg_phys");
	ecap = kobj_u(&o, "ecap");
	re = kobj_u(&o, "root_entry");
	if (!r->unit[0] || !strcmp(r->unit, "dmar"))
		snprintf(r->unit, sizeof(r->unit), "%s", *name ? name : "dmar");
	if (!re)
		snprintf(r->why, sizeof(r->why), "intel_iommu.root_entry is NULL: no root table");
	else if (kern_v2p(k, re, &pa))
		snprintf(r->why, sizeof(r->why), "intel_iommu.root_entry 0x%" PRIx64 " is not in the linear map", re);
	else {
		r->ok = true;
		r->root = pa;
		r->h.family = WALK_FAM_VTD;
		r->h.base = pa;
		/* sm_supported(): the kernel's choice and the hardware's */
		r->h.scalable = (ecap & VTD_ECAP_SMTS) && sm != 0;
		r->layout = r->h.scalable ? "scalable" : "legacy";
		if (sm < 0)
			snprintf(r->why, sizeof(r->why), "intel_iommu_sm not in the symbols: %s from ECAP.SMTS alone",
				 r->layout);
	}
	free(o.buf);
}

static void amd_root(const struct kern *k, uint32_t id, uint32_t seg_id, uint64_t dev_va, struct kern_root *r)
{
	struct kobj o, s = { 0 };
	uint64_t va, seg, dt, pa, size;

	r->family = WALK_FAM_AMD;
	r->known = true;
	if (container(k, id, dev_va, &va) || kobj_read(&o, k, "amd_iommu", id, va, r->why, sizeof(r->why)))
		return;
	r->reg_phys = kobj_u(&o, "mmio_phys");
	if (!r->unit[0] || !strcmp(r->unit, "ivhd"))
		snprintf(r->unit, sizeof(r->unit), "ivhd%" PRIu64, kobj_u(&o, "index"));
	seg = kobj_u(&o, "pci_seg");
	if (!seg) {
		snprintf(r->why, sizeof(r->why), "amd_iommu.pci_seg is NULL");
		goto out;
	}
	if (kobj_read(&s, k, "amd_iommu_pci_seg", seg_id, seg, r->why, sizeof(r->why)))
		goto out;
	dt = kobj_u(&s, "dev_table");
	size = kobj_u(&s, "dev_table_size");
	if (!dt)
		snprintf(r->why, sizeof(r->why), "amd_iommu_pci_seg.dev_table is NULL: no device table");
	else if (kern_v2p(k, dt, &pa))
		snprintf(r->why, sizeof(r->why), "amd_iommu_pci_seg.dev_table 0x%" PRIx64 " is not in the linear map",
			 dt);
	else if (size < 4096 || size > 65536u * AMD_DTE_SIZE || size % 4096)
		snprintf(r->why, sizeof(r->why), "amd_iommu_pci_seg.dev_table_size is %" PRIu64, size);
	else {
		r->ok = true;
		r->root = pa;
		r->layout = "device table";
		r->h.family = WALK_FAM_AMD;
		r->h.base = pa;
		/* what iommu_set_device_table() programs: (size >> 12) - 1 pages, 32-byte entries */
		r->h.dte_count = (uint32_t)(size / AMD_DTE_SIZE);
	}
out:
	free(s.buf);
	free(o.buf);
}

static void smmu_root(const struct kern *k, uint32_t id, uint64_t dev_va, struct kern_root *r)
{
	struct kobj o;
	uint64_t va, feat, sid_bits, dma, l1;

	r->family = WALK_FAM_SMMUV3;
	r->known = true;
	if (container(k, id, dev_va, &va) || kobj_read(&o, k, "arm_smmu_device", id, va, r->why, sizeof(r->why)))
		return;
	/* no member holds the registers' address: the sysfs name does ("smmu3.%pa") */
	if (!strncmp(r->unit, "smmu3.0x", 8))
		r->reg_phys = strtoull(r->unit + 6, NULL, 16);
	feat = kobj_u(&o, "features");
	sid_bits = kobj_u(&o, "sid_bits");
	r->h.family = WALK_FAM_SMMUV3;
	if (feat & SMMU_FEAT_2_LVL_STRTAB) {
		dma = kobj_u(&o, "strtab_cfg.l2.l1_dma");
		l1 = kobj_u(&o, "strtab_cfg.l2.num_l1_ents");
		r->layout = "2-level";
		if (!l1 || (l1 & (l1 - 1)) || l1 > (1u << 24)) {
			snprintf(r->why, sizeof(r->why), "arm_smmu_device.strtab_cfg.l2.num_l1_ents is %" PRIu64, l1);
			goto out;
		}
		/* arm_smmu_write_strtab(): FMT 2LVL, LOG2SIZE ilog2(num_l1_ents) + STRTAB_SPLIT, SPLIT 8 */
		r->h.strtab_cfg = 1ull << 16 | (uint64_t)SMMU_STRTAB_SPLIT << 6 |
				  (uint64_t)(__builtin_ctzll(l1) + SMMU_STRTAB_SPLIT);
	} else {
		dma = kobj_u(&o, "strtab_cfg.linear.ste_dma");
		r->layout = "linear";
		if (sid_bits > 32) {
			snprintf(r->why, sizeof(r->why), "arm_smmu_device.sid_bits is %" PRIu64, sid_bits);
			goto out;
		}
		r->h.strtab_cfg = sid_bits;
	}
	if (!dma || dma % 64) {
		snprintf(r->why, sizeof(r->why), "the stream table's DMA address is 0x%" PRIx64 " (not an SMMUv3 "
			 "structure? an SMMUv2 shares the name arm_smmu_ops)", dma);
		goto out;
	}
	r->ok = true;
	r->root = dma;
	r->h.base = dma;
out:
	free(o.buf);
}

static void riscv_root(const struct kern *k, uint32_t id, uint64_t dev_va, struct kern_root *r)
{
	struct kobj o;
	uint64_t va, phys, mode, caps;

	r->family = WALK_FAM_RISCV;
	r->known = true;
	if (container(k, id, dev_va, &va) ||
	    kobj_read(&o, k, "riscv_iommu_device", id, va, r->why, sizeof(r->why)))
		return;
	phys = kobj_u(&o, "ddt_phys");
	mode = kobj_u(&o, "ddt_mode");
	caps = kobj_u(&o, "caps");
	if (mode < 2 || mode > 4)
		snprintf(r->why, sizeof(r->why), "riscv_iommu_device.ddt_mode is %" PRIu64 " (%s): no device directory",
			 mode, mode == 0 ? "OFF" : mode == 1 ? "BARE" : "reserved");
	else if (!phys || phys % 4096)
		snprintf(r->why, sizeof(r->why), "riscv_iommu_device.ddt_phys is 0x%" PRIx64, phys);
	else {
		r->ok = true;
		r->root = phys;
		r->h.family = WALK_FAM_RISCV;
		/* the ddtp register: PPN in bits 53:10, MODE in 3:0 */
		r->h.base = phys >> 12 << 10 | mode;
		r->h.ext_dc = caps & RISCV_CAP_MSI_FLAT;
		if (r->h.ext_dc)
			r->layout = mode == 2 ? "1LVL, extended DCs" : mode == 3 ? "2LVL, extended DCs" : "3LVL, extended DCs";
		else
			r->layout = mode == 2 ? "1LVL" : mode == 3 ? "2LVL" : "3LVL";
	}
	free(o.buf);
}

int kern_roots(const struct kern *k, struct kern_root **out, size_t *n, char **why)
{
	uint64_t head, node, ops, vtd_ops[4], amd_ops[4], smmu_ops[4], rv_ops[4], visited[KERN_MAX_UNITS], sm_addr;
	size_t nvtd, namd, nsmmu, nrv, list_off, ops_off, dev_off = 0, size, cnt = 0;
	uint32_t dev_id, vtd_id = 0, amd_id = 0, seg_id = 0, smmu_id = 0, rv_id = 0;
	char *vtd_why = NULL, *amd_why = NULL, *smmu_why = NULL, *rv_why = NULL;
	struct kern_root *r = NULL;
	int sm = -1, err;

	*out = NULL;
	*n = 0;
	*why = NULL;
	if (kern_sym(k, "iommu_device_list", &head)) {
		*why = xasprintf("no symbol iommu_device_list (a kernel without the IOMMU core, or without "
			    "CONFIG_KALLSYMS_ALL and no System.map)");
		return -ENOENT;
	}
	if (!kern_has_btf(k)) {
		*why = xasprintf("no BTF");
		return -ENOENT;
	}
	if (kern_struct(k, "iommu_device", "list", &dev_id) || kern_member(k, dev_id, "list", &list_off, &size) ||
	    kern_member(k, dev_id, "ops", &ops_off, &size) || size != 8) {
		*why = xasprintf("struct iommu_device without members list and ops in this kernel's BTF");
		return -ENOMSG;
	}
	if (kern_member(k, dev_id, "dev", &dev_off, &size) || size != 8)
		dev_off = 0;
	nvtd = kern_sym_all(k, "intel_iommu_ops", vtd_ops, 4);
	namd = kern_sym_all(k, "amd_iommu_ops", amd_ops, 4);
	nsmmu = kern_sym_all(k, "arm_smmu_ops", smmu_ops, 4);
	nrv = kern_sym_all(k, "riscv_iommu_ops", rv_ops, 4);
	if (nvtd) {
		uint8_t b[4];

		kobj_type(k, "intel_iommu", vtd_need, &vtd_id, &vtd_why);
		if (!kern_sym(k, "intel_iommu_sm", &sm_addr) && !kern_read(k, sm_addr, b, 4))
			sm = kern_get(b, 4, 0, 4) != 0;
	}
	if (namd && !kobj_type(k, "amd_iommu", amd_need, &amd_id, &amd_why))
		kobj_type(k, "amd_iommu_pci_seg", amd_seg_need, &seg_id, &amd_why);
	if (nsmmu)
		kobj_type(k, "arm_smmu_device", smmu_need, &smmu_id, &smmu_why);
	if (nrv)
		kobj_type(k, "riscv_iommu_device", riscv_need, &rv_id, &rv_why);

	if ((err = kern_read_u64(k, head, &node))) {
		*why = xasprintf("iommu_device_list at 0x%" PRIx64 " cannot be read: %s", head, strerror(-err));
		return err;
	}
	r = xcalloc(KERN_MAX_UNITS, sizeof(*r));
	while (node != head) {
		struct kern_root *u;
		uint64_t dev = node - list_off;

		for (size_t i = 0; i < cnt; i++)
			if (visited[i] == node) {
				*why = xasprintf("iommu_device_list loops at 0x%" PRIx64 " after %zu units", node, cnt);
				err = -EINVAL;
				goto fail;
			}
		if (cnt == KERN_MAX_UNITS) {
			*why = xasprintf("iommu_device_list: more than %d units", KERN_MAX_UNITS);
			err = -EINVAL;
			goto fail;
		}
		visited[cnt] = node;
		u = &r[cnt++];
		if ((err = kern_read_u64(k, dev + ops_off, &ops)) || (err = kern_read_u64(k, node, &node))) {
			*why = xasprintf("iommu_device_list: the unit at 0x%" PRIx64 " cannot be read: %s", dev,
				    err == -EFAULT ? "not a kernel address" : strerror(-err));
			goto fail;
		}
		bool is_vtd = false, is_amd = false, is_smmu = false, is_rv = false;
		char name[64] = "";

		if (dev_off)
			unit_name(k, dev, dev_off, name, sizeof(name));

		for (size_t i = 0; i < nvtd && i < 4; i++)
			is_vtd |= ops == vtd_ops[i];
		for (size_t i = 0; i < namd && i < 4; i++)
			is_amd |= ops == amd_ops[i];
		for (size_t i = 0; i < nsmmu && i < 4; i++)
			is_smmu |= ops == smmu_ops[i];
		for (size_t i = 0; i < nrv && i < 4; i++)
			is_rv |= ops == rv_ops[i];
		if (is_vtd) {
			u->family = WALK_FAM_VTD;
			u->known = true;
			snprintf(u->unit, sizeof(u->unit), "%s", *name ? name : "dmar");
			if (vtd_why)
				snprintf(u->why, sizeof(u->why), "%s", vtd_why);
			else
				vtd_root(k, vtd_id, dev, sm, u);
		} else if (is_amd) {
			u->family = WALK_FAM_AMD;
			u->known = true;
			snprintf(u->unit, sizeof(u->unit), "%s", *name ? name : "ivhd");
			if (amd_why)
				snprintf(u->why, sizeof(u->why), "%s", amd_why);
			else
				amd_root(k, amd_id, seg_id, dev, u);
		} else if (is_smmu) {
			u->family = WALK_FAM_SMMUV3;
			u->known = true;
			snprintf(u->unit, sizeof(u->unit), "%s", *name ? name : "smmu3");
			if (smmu_why)
				snprintf(u->why, sizeof(u->why), "%s", smmu_why);
			else
				smmu_root(k, smmu_id, dev, u);
		} else if (is_rv) {
			u->family = WALK_FAM_RISCV;
			u->known = true;
			snprintf(u->unit, sizeof(u->unit), "%s", *name ? name : "riscv-iommu");
			if (rv_why)
				snprintf(u->why, sizeof(u->why), "%s", rv_why);
			else
				riscv_root(k, rv_id, dev, u);
		} else {
			const char *sym = kern_sym_at(k, ops);

			if (*name)
				snprintf(u->unit, sizeof(u->unit), "%s", name);
			else
				snprintf(u->unit, sizeof(u->unit), "unit at 0x%" PRIx64, dev);
			snprintf(u->why, sizeof(u->why), "its iommu_ops 0x%" PRIx64 " (%s) is not of a family walk roots "
				 "reads", ops, sym ? sym : "no symbol: a module?");
		}
	}
	free(vtd_why);
	free(amd_why);
	free(smmu_why);
	free(rv_why);
	*out = r;
	*n = cnt;
	return 0;
fail:
	free(vtd_why);
	free(amd_why);
	free(smmu_why);
	free(rv_why);
	free(r);
	return err;
}
