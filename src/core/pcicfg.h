/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration-space parsing: the capabilities an IOMMU user cares
 * about (ATS, PRI, PASID, ACS) found by walking the standard and PCIe
 * extended capability lists of a config-space image. Pure: no I/O, and a
 * short image (a non-root read gives 64 bytes) makes a capability unknown,
 * never absent.
 */
#ifndef IOMMUCTL_PCICFG_H
#define IOMMUCTL_PCICFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Register offsets, capability IDs and bits are the kernel's uapi header's
 * (PCI_ACS_SV ... PCI_ACS_DT: the ACS capability and control bits, at the
 * same positions in both registers).
 */
#include <linux/pci_regs.h>

#define PCICFG_STD_SIZE   PCI_CFG_SPACE_SIZE      /* conventional PCI config space */
#define PCICFG_EXT_SIZE   PCI_CFG_SPACE_EXP_SIZE  /* PCI Express extended config space */

/* The PCIe extended capabilities looked for, by the names the callers use. */
#define PCI_EXT_ID_ACS    PCI_EXT_CAP_ID_ACS
#define PCI_EXT_ID_ATS    PCI_EXT_CAP_ID_ATS
#define PCI_EXT_ID_PRI    PCI_EXT_CAP_ID_PRI
#define PCI_EXT_ID_PASID  PCI_EXT_CAP_ID_PASID

/* ACS bits 6:0, SV to DT (PCIe Base 6.0 §7.7.11.2-3); the header has no count */
#define PCI_ACS_BITS 7

enum pcicfg_state {
	PCICFG_UNKNOWN = 0,  /* the image is too short (or the list broken) to tell */
	PCICFG_ABSENT,
	PCICFG_PRESENT,
};

struct pcicfg_ats {
	enum pcicfg_state state;
	uint16_t offset;
	uint16_t cap;              /* raw ATS Capability register */
	uint16_t ctrl;             /* raw ATS Control register */
	unsigned int inv_queue_depth; /* 0 in the register means 32 */
	bool page_aligned;
	bool global_inval;
	bool relaxed_ordering;
	unsigned int stu;          /* smallest translation unit: 2^(12+stu) bytes */
	bool enabled;
};

struct pcicfg_pri {
	enum pcicfg_state state;
	uint16_t offset;
	uint16_t ctrl;
	uint16_t status;
	uint32_t capacity;         /* outstanding page request capacity */
	uint32_t alloc;            /* outstanding page request allocation */
	bool enabled;
	bool stopped;
	bool pasid_required;       /* PRG response PASID required */
};

struct pcicfg_pasid {
	enum pcicfg_state state;
	uint16_t offset;
	uint16_t cap;
	uint16_t ctrl;
	unsigned int max_width;    /* bits: 2^max_width PASIDs */
	bool exec;                 /* execute permission supported */
	bool priv;                 /* privileged mode supported */
	bool enabled;
	bool exec_enabled;
	bool priv_enabled;
};

struct pcicfg_acs {
	enum pcicfg_state state;
	uint16_t offset;
	uint16_t cap;              /* raw; PCI_ACS_* in bits 6:0 */
	uint16_t ctrl;             /* raw; PCI_ACS_* in bits 6:0 */
	unsigned int egress_vec;   /* egress control vector size (EC) */
};

struct pcicfg_info {
	size_t len;                /* bytes of the image */
	bool have_header;          /* at least the 64-byte header */
	uint16_t vendor, device;
	uint8_t header_type;       /* bits 6:0 */
	bool multifunction;        /* header type bit 7: the kernel's pdev->multifunction */
	enum pcicfg_state pcie;    /* PCI Express capability in the standard list */
	uint8_t pcie_type;         /* device/port type, valid when pcie is present */
	enum pcicfg_state ext;     /* extended space: present (walked), absent, unknown */
	bool loop;                 /* a capability list pointed back into itself */
	bool bad_pointer;          /* a capability pointer left the image or space */
	struct pcicfg_ats ats;
	struct pcicfg_pri pri;
	struct pcicfg_pasid pasid;
	struct pcicfg_acs acs;
};

/*
 * Parse a config-space image (len bytes, little-endian as the sysfs
 * `config` file gives it). Never fails: what cannot be known is
 * PCICFG_UNKNOWN.
 */
void pcicfg_parse(const uint8_t *buf, size_t len, struct pcicfg_info *info);

/* "present", "absent", "unknown". */
const char *pcicfg_state_name(enum pcicfg_state s);
/* "SV", "TB", ... for bit 0..6 of an ACS register, NULL beyond. */
const char *pcicfg_acs_bit_name(unsigned int bit);
/* "endpoint", "root port", ... for the PCIe device/port type; NULL if reserved. */
const char *pcicfg_pcie_type_name(uint8_t type);

#endif
