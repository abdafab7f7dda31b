/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Config-space capability parsing (PCI Local Bus 3.0 §6.7 capability list,
 * PCI Express Base 6.0 §7.6 extended capabilities: ACS §7.7.11, ATS §10.5.1,
 * PRI §10.5.2, PASID §7.8.8). Every read is bounds-checked against the
 * image, and both lists are walked with a visited set so that a looping
 * or wild pointer ends the walk instead of the program.
 */
#include <string.h>

#include "core/pcicfg.h"

/* Header offsets and bits. */
#define CFG_VENDOR        0x00
#define CFG_DEVICE        0x02
#define CFG_STATUS        0x06
#define CFG_STATUS_CAPS   (1u << 4)
#define CFG_HEADER_TYPE   0x0e
#define CFG_CAP_PTR       0x34   /* header types 0 and 1 */
#define CFG_CAP_PTR_CB    0x14   /* header type 2 (CardBus) */
#define CFG_HEADER_SIZE   64u

#define CAP_ID_PCIE       0x10
#define PCIE_FLAGS        0x02   /* PCI Express Capabilities register */

#define EXT_START         0x100u
#define EXT_ID(h)         ((h) & 0xffffu)
#define EXT_NEXT(h)       (((h) >> 20) & 0xffcu)

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
	size_t ptr_off = (info->header_type == 2) ? CFG_CAP_PTR_CB : CFG_CAP_PTR;
	unsigned int pos;

	if (!(rd16(buf, CFG_STATUS) & CFG_STATUS_CAPS)) {
		info->pcie = PCICFG_ABSENT;
		return;
	}
	pos = buf[ptr_off] & 0xfc;
	while (pos) {
		if (pos < CFG_HEADER_SIZE) {
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
		if (buf[pos] == CAP_ID_PCIE) {
			info->pcie = PCICFG_PRESENT;
			info->pcie_type = (rd16(buf, pos + PCIE_FLAGS) >> 4) & 0xf;
			return;
		}
		pos = buf[pos + 1] & 0xfc;
	}
	info->pcie = PCICFG_ABSENT;
}

static void parse_ats(const uint8_t *buf, unsigned int pos, struct pcicfg_ats *a)
{
	unsigned int depth;

	a->cap = rd16(buf, pos + 4);
	a->ctrl = rd16(buf, pos + 6);
	depth = a->cap & 0x1f;
	a->inv_queue_depth = depth ? depth : 32;
	a->page_aligned = a->cap & (1u << 5);
	a->global_inval = a->cap & (1u << 6);
	a->relaxed_ordering = a->cap & (1u << 7);
	a->stu = a->ctrl & 0x1f;
	a->enabled = a->ctrl & (1u << 15);
}

static void parse_pri(const uint8_t *buf, unsigned int pos, struct pcicfg_pri *p)
{
	p->ctrl = rd16(buf, pos + 4);
	p->status = rd16(buf, pos + 6);
	p->capacity = rd32(buf, pos + 8);
	p->alloc = rd32(buf, pos + 12);
	p->enabled = p->ctrl & (1u << 0);
	p->stopped = p->status & (1u << 8);
	p->pasid_required = p->status & (1u << 15);
}

static void parse_pasid(const uint8_t *buf, unsigned int pos, struct pcicfg_pasid *p)
{
	p->cap = rd16(buf, pos + 4);
	p->ctrl = rd16(buf, pos + 6);
	p->exec = p->cap & (1u << 1);
	p->priv = p->cap & (1u << 2);
	p->max_width = (p->cap >> 8) & 0x1f;
	p->enabled = p->ctrl & (1u << 0);
	p->exec_enabled = p->ctrl & (1u << 1);
	p->priv_enabled = p->ctrl & (1u << 2);
}

static void parse_acs(const uint8_t *buf, unsigned int pos, struct pcicfg_acs *a)
{
	a->cap = rd16(buf, pos + 4);
	a->ctrl = rd16(buf, pos + 6);
	a->egress_vec = (a->cap >> 8) & 0xff;
	if ((a->cap & PCI_ACS_EC) && !a->egress_vec)
		a->egress_vec = 256;  /* 0 encodes 256 when egress control exists */
}

/* Register bytes each capability needs, header included. */
#define ATS_SIZE   8u
#define PRI_SIZE   16u
#define PASID_SIZE 8u
#define ACS_SIZE   8u

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
		id = EXT_ID(hdr);
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
		pos = EXT_NEXT(hdr);
	}
	return true;
}

void pcicfg_parse(const uint8_t *buf, size_t len, struct pcicfg_info *info)
{
	memset(info, 0, sizeof(*info));
	info->len = len;
	if (!buf || len < CFG_HEADER_SIZE)
		return;  /* everything unknown */
	info->have_header = true;
	info->vendor = rd16(buf, CFG_VENDOR);
	info->device = rd16(buf, CFG_DEVICE);
	info->header_type = buf[CFG_HEADER_TYPE] & 0x7f;
	info->multifunction = buf[CFG_HEADER_TYPE] & 0x80;
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
		[0x0] = "endpoint",
		[0x1] = "legacy endpoint",
		[0x4] = "root port",
		[0x5] = "upstream port",
		[0x6] = "downstream port",
		[0x7] = "pcie-to-pci bridge",
		[0x8] = "pci-to-pcie bridge",
		[0x9] = "root complex integrated endpoint",
		[0xa] = "root complex event collector",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}
