/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/decode/: the VT-d structure fields that both the decoder
 * tables (vtd.c) and the walker (walk_vtd.c) read, and the values the
 * walker acts on (Intel VT-d spec §9.1-9.6 root, context, PASID directory
 * and PASID table entries; §10.4.6 RTADDR_REG). One source for each bit:
 * positions are "word, hi, lo" (flags "word, bit") for FIELD_AT,
 * FIELD_GET, FIELD_ADDR and FLAG_GET (fmt.h).
 */
#ifndef IOMMUCTL_DECODE_VTD_FIELDS_H
#define IOMMUCTL_DECODE_VTD_FIELDS_H

#include "decode/fmt.h"

/* RTADDR_REG: bits 11:10 (TTM) are flags. */
#define VTD_RTADDR_RTA		0, 63, 12

/* Root entry, legacy (§9.1) and scalable mode (§9.2: lower and upper halves). */
#define VTD_ROOT_P		0, 0
#define VTD_ROOT_CTP		0, 63, 12
#define VTD_ROOT_SM_LP		0, 0
#define VTD_ROOT_SM_LCTP	0, 63, 12
#define VTD_ROOT_SM_UP		1, 0
#define VTD_ROOT_SM_UCTP	1, 63, 12
#define VTD_ROOT_SM_UPPER	0x80	/* devfn from which the upper half applies */

/* Context entry, legacy (§9.3). */
#define VTD_CTX_P		0, 0
#define VTD_CTX_TT		0, 3, 2
#define VTD_CTX_SLPTPTR		0, 63, 12
#define VTD_CTX_AW		1, 2, 0
#define VTD_CTX_DID		1, 23, 8

enum vtd_tt {
	VTD_TT_SS,		/* second stage */
	VTD_TT_SS_DEVTLB,	/* second stage, device-TLB allowed */
	VTD_TT_PT,		/* pass-through */
	VTD_TT_RSVD,
};

/* Address width: AW 0-3 is a 2- to 5-level second-stage table. */
#define VTD_AW_MAX		3
#define VTD_AW_LEVELS(aw)	((int)(aw) + 2)

/* Context entry, scalable mode (§9.4). */
#define VTD_SMCTX_P		0, 0
#define VTD_SMCTX_PASIDE	0, 3
#define VTD_SMCTX_PDTS		0, 11, 9
#define VTD_SMCTX_PASIDDIRPTR	0, 63, 12
#define VTD_SMCTX_RID_PASID	1, 19, 0
#define VTD_PDTS_ENTRIES(pdts)	(1u << ((pdts) + 7))	/* PASID directory entries */

/* PASID directory entry (§9.5); PASID[5:0] index the PASID table it points to. */
#define VTD_PASIDDIR_P		0, 0
#define VTD_PASIDDIR_PTP	0, 63, 12
#define VTD_PASID_TABLE_BITS	6

/* PASID table entry (§9.6). */
#define VTD_PASID_P		0, 0
#define VTD_PASID_AW		0, 4, 2
#define VTD_PASID_PGTT		0, 8, 6
#define VTD_PASID_SSPTPTR	0, 63, 12
#define VTD_PASID_DID		1, 15, 0
#define VTD_PASID_FSPM		2, 3, 2
#define VTD_PASID_FSPTPTR	2, 63, 12

enum vtd_pgtt {
	VTD_PGTT_FS = 1,	/* first stage only */
	VTD_PGTT_SS,		/* second stage only */
	VTD_PGTT_NESTED,
	VTD_PGTT_PT,		/* pass-through */
};

/* First-stage paging mode: FSPM 0-1 is 4- or 5-level paging. */
#define VTD_FSPM_MAX		1
#define VTD_FSPM_LEVELS(fspm)	((int)(fspm) + 4)

#endif
