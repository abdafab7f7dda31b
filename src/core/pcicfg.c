/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config-space capability parsing (PCI Local Bus 3.0 §6.7 capability list,
 * PCI Express Base 6.0 §7.6 extended capabilities: ACS §7.7.11, ATS §10.5.1,
 * PRI §10.5.2, PASID §7.8.8). Every read is bounds-checked against the
 * image, and both lists are walked with a visited set so that a looping
 * or wild pointer ends the walk instead of the program. Offsets, IDs and
 * bits are <linux/pci_regs.h>'s (through core/pcicfg.h); below, only what
 * that header lacks.
 */
#include <string.h>

#include "core/pcicfg.h"

/* Header Type bits 6:0 and 7, Multi-Function Device (PCIe Base 6.0 §7.5.1.1.9); not in older headers */
#ifndef PCI_HEADER_TYPE_MASK
#define PCI_HEADER_TYPE_MASK 0x7f
#endif
#ifndef PCI_HEADER_TYPE_MFD
#define PCI_HEADER_TYPE_MFD  0x80
#endif
/* a capability pointer's bits 1:0 are reserved, software masks them (PCI Local Bus 3.0 §6.7) */
#define CAP_PTR_MASK      0xfc
/* the extended capabilities start right after the conventional space (PCIe Base 6.0 §7.6.3) */
#define EXT_START         PCI_CFG_SPACE_SIZE
/* PCI Express Capabilities register: Device/Port Type, bits 7:4 (§7.5.3.2) */
#define PCIE_TYPE(flags)  (((flags) & PCI_EXP_FLAGS_TYPE) >> 4)
/* ATS Capability register bits 6 and 7 (§10.5.1.2) */
#define ATS_CAP_GLOBAL_INVAL   (1u << 6)
#define ATS_CAP_RELAXED_ORDER  (1u << 7)
/* PASID Capability register: Max PASID Width, bits 12:8 (§7.8.8.2) */
#define PASID_CAP_WIDTH(cap)   (((cap) >> 8) & 0x1f)

static uint16_t rd16(const uint8_t *b, size_t off)
{
	return (uint16_t)(b[off] | b[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

static bool fits(const struct pcicfg_info *info, size_t off, size_t n)
{
	return off + n <= info->len;
}

static void walk_std(const uint8_t *buf, struct pcicfg_info *info)
{
	uint8_t seen[PCICFG_STD_SIZE / 4] = { 0 };
	size_t ptr_off = info->header_type == PCI_HEADER_TYPE_CARDBUS ? PCI_CB_CAPABILITY_LIST
								     : PCI_CAPABILITY_LIST;
	unsigned int pos;

	if (!(rd16(buf, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		info->pcie = PCICFG_ABSENT;
		return;
	}
	pos = buf[ptr_off] & CAP_PTR_MASK;
	while (pos) {
		if (pos < PCI_STD_HEADER_SIZEOF) {
			info->bad_pointer = true;
			return;  /* pcie stays unknown */
		}
		if (!fits(info, pos, 4))
			return;  /* truncated image */
		if (seen[pos / 4]) {
			info->loop = true;
			return;
		}
		seen[pos / 4] = 1;
		if (buf[pos + PCI_CAP_LIST_ID] == PCI_CAP_ID_EXP) {
			info->pcie = PCICFG_PRESENT;
			info->pcie_type = PCIE_TYPE(rd16(buf, pos + PCI_EXP_FLAGS));
			return;
		}
		pos = buf[pos + PCI_CAP_LIST_NEXT] & CAP_PTR_MASK;
	}
	info->pcie = PCICFG_ABSENT;
}

static void parse_ats(const uint8_t *buf, unsigned int pos, struct pcicfg_ats *a)
{
	unsigned int depth;

	a->cap = rd16(buf, pos + PCI_ATS_CAP);
	a->ctrl = rd16(buf, pos + PCI_ATS_CTRL);
	depth = PCI_ATS_CAP_QDEP(a->cap);
	a->inv_queue_depth = depth ? depth : PCI_ATS_MAX_QDEP;
	a->page_aligned = a->cap & PCI_ATS_CAP_PAGE_ALIGNED;
	a->global_inval = a->cap & ATS_CAP_GLOBAL_INVAL;
	a->relaxed_ordering = a->cap & ATS_CAP_RELAXED_ORDER;
	a->stu = PCI_ATS_CTRL_STU(a->ctrl);
	a->enabled = a->ctrl & PCI_ATS_CTRL_ENABLE;
}

static void parse_pri(const uint8_t *buf, unsigned int pos, struct pcicfg_pri *p)
{
	p->ctrl = rd16(buf, pos + PCI_PRI_CTRL);
	p->status = rd16(buf, pos + PCI_PRI_STATUS);
	p->capacity = rd32(buf, pos + PCI_PRI_MAX_REQ);
	p->alloc = rd32(buf, pos + PCI_PRI_ALLOC_REQ);
	p->enabled = p->ctrl & PCI_PRI_CTRL_ENABLE;
	p->stopped = p->status & PCI_PRI_STATUS_STOPPED;
	p->pasid_required = p->status & PCI_PRI_STATUS_PASID;
}

static void parse_pasid(const uint8_t *buf, unsigned int pos, struct pcicfg_pasid *p)
{
	p->cap = rd16(buf, pos + PCI_PASID_CAP);
	p->ctrl = rd16(buf, pos + PCI_PASID_CTRL);
	p->exec = p->cap & PCI_PASID_CAP_EXEC;
	p->priv = p->cap & PCI_PASID_CAP_PRIV;
	p->max_width = PASID_CAP_WIDTH(p->cap);
	p->enabled = p->ctrl & PCI_PASID_CTRL_ENABLE;
	p->exec_enabled = p->ctrl & PCI_PASID_CTRL_EXEC;
	p->priv_enabled = p->ctrl & PCI_PASID_CTRL_PRIV;
}

static void parse_acs(const uint8_t *buf, unsigned int pos, struct pcicfg_acs *a)
{
	a->cap = rd16(buf, pos + PCI_ACS_CAP);
	a->ctrl = rd16(buf, pos + PCI_ACS_CTRL);
	a->egress_vec = buf[pos + PCI_ACS_EGRESS_BITS];  /* the Capability register's bits 15:8 */
	if ((a->cap & PCI_ACS_EC) && !a->egress_vec)
		a->egress_vec = 256;  /* 0 encodes 256 when egress control exists */
}

/* Register bytes each capability needs, header included; ACS: up to its egress control vector. */
#define ATS_SIZE   PCI_EXT_CAP_ATS_SIZEOF
#define PRI_SIZE   PCI_EXT_CAP_PRI_SIZEOF
#define PASID_SIZE PCI_EXT_CAP_PASID_SIZEOF
#define ACS_SIZE   PCI_ACS_EGRESS_CTL_V

static void set_all_ext(struct pcicfg_info *info, enum pcicfg_state from, enum pcicfg_state to)
{
	if (info->ats.state == from)
		info->ats.state = to;
	if (info->pri.state == from)
		info->pri.state = to;
	if (info->pasid.state == from)
		info->pasid.state = to;
	if (info->acs.state == from)
		info->acs.state = to;
}

/* Returns true when the list was walked to its end. */
static bool walk_ext(const uint8_t *buf, struct pcicfg_info *info)
{
	uint8_t seen[(PCICFG_EXT_SIZE - EXT_START) / 4] = { 0 };
	unsigned int pos = EXT_START;
	uint32_t hdr;

	if (!fits(info, pos, 4))
		return false;
	hdr = rd32(buf, pos);
	/* an empty list reads as zero; a dead device or no access as all ones */
	if (hdr == 0 || hdr == 0xffffffffu)
		return true;
	while (pos) {
		unsigned int id, need = 4;

		if (pos < EXT_START || pos >= PCICFG_EXT_SIZE) {
			info->bad_pointer = true;
			return false;
		}
		if (!fits(info, pos, 4))
			return false;
		if (seen[(pos - EXT_START) / 4]) {
			info->loop = true;
			return false;
		}
		seen[(pos - EXT_START) / 4] = 1;
		hdr = rd32(buf, pos);
		id = PCI_EXT_CAP_ID(hdr);
		switch (id) {
		case PCI_EXT_ID_ATS:
			need = ATS_SIZE;
			break;
		case PCI_EXT_ID_PRI:
			need = PRI_SIZE;
			break;
		case PCI_EXT_ID_PASID:
			need = PASID_SIZE;
			break;
		case PCI_EXT_ID_ACS:
			need = ACS_SIZE;
			break;
		}
		if (!fits(info, pos, need))
			return false;
		/* the first instance counts, as in the kernel's pci_find_ext_capability() */
		if (id == PCI_EXT_ID_ATS && info->ats.state != PCICFG_PRESENT) {
			info->ats.state = PCICFG_PRESENT;
			info->ats.offset = (uint16_t)pos;
			parse_ats(buf, pos, &info->ats);
		} else if (id == PCI_EXT_ID_PRI && info->pri.state != PCICFG_PRESENT) {
			info->pri.state = PCICFG_PRESENT;
			info->pri.offset = (uint16_t)pos;
			parse_pri(buf, pos, &info->pri);
		} else if (id == PCI_EXT_ID_PASID && info->pasid.state != PCICFG_PRESENT) {
			info->pasid.state = PCICFG_PRESENT;
			info->pasid.offset = (uint16_t)pos;
			parse_pasid(buf, pos, &info->pasid);
		} else if (id == PCI_EXT_ID_ACS && info->acs.state != PCICFG_PRESENT) {
			info->acs.state = PCICFG_PRESENT;
			info->acs.offset = (uint16_t)pos;
			parse_acs(buf, pos, &info->acs);
		}
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return true;
}

void pcicfg_parse(const uint8_t *buf, size_t len, struct pcicfg_info *info)
{
	memset(info, 0, sizeof(*info));
	info->len = len;
	if (!buf || len < PCI_STD_HEADER_SIZEOF)
		return;  /* everything unknown */
	info->have_header = true;
	info->vendor = rd16(buf, PCI_VENDOR_ID);
	info->device = rd16(buf, PCI_DEVICE_ID);
	info->header_type = buf[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK;
	info->multifunction = buf[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MFD;
	walk_std(buf, info);

	if (len < PCICFG_STD_SIZE)
		return;  /* a non-root read: the extended space is unknown */
	if (len == PCICFG_STD_SIZE) {
		/* the kernel sizes the file to what the device has: no extended space */
		info->ext = PCICFG_ABSENT;
		set_all_ext(info, PCICFG_UNKNOWN, PCICFG_ABSENT);
		return;
	}
	info->ext = PCICFG_PRESENT;
	if (walk_ext(buf, info))
		set_all_ext(info, PCICFG_UNKNOWN, PCICFG_ABSENT);
}

const char *pcicfg_state_name(enum pcicfg_state s)
{
	switch (s) {
	case PCICFG_PRESENT:
		return "present";
	case PCICFG_ABSENT:
		return "absent";
	default:
		return "unknown";
	}
}

const char *pcicfg_acs_bit_name(unsigned int bit)
{
	static const char *const names[PCI_ACS_BITS] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };

	return bit < PCI_ACS_BITS ? names[bit] : NULL;
}

const char *pcicfg_pcie_type_name(uint8_t type)
{
	static const char *const names[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "endpoint",
		[PCI_EXP_TYPE_LEG_END] = "legacy endpoint",
		[PCI_EXP_TYPE_ROOT_PORT] = "root port",
		[PCI_EXP_TYPE_UPSTREAM] = "upstream port",
		[PCI_EXP_TYPE_DOWNSTREAM] = "downstream port",
		[PCI_EXP_TYPE_PCI_BRIDGE] = "pcie-to-pci bridge",
		[PCI_EXP_TYPE_PCIE_BRIDGE] = "pci-to-pcie bridge",
		[PCI_EXP_TYPE_RC_END] = "root complex integrated endpoint",
		[PCI_EXP_TYPE_RC_EC] = "root complex event collector",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}
