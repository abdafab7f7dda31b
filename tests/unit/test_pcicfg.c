/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the config-space capability parser on hand-built images:
 * capabilities present with their fields decoded, absent, truncated images
 * (unknown, never absent), and looping or wild capability pointers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/pcicfg.h"

static uint8_t cfg[PCICFG_EXT_SIZE];

static void w16(unsigned int off, uint16_t v)
{
	cfg[off] = v & 0xff;
	cfg[off + 1] = v >> 8;
}

static void w32(unsigned int off, uint32_t v)
{
	w16(off, v & 0xffff);
	w16(off + 2, v >> 16);
}

/* Extended capability header: ID, version 1, next pointer. */
static void ext(unsigned int off, uint16_t id, unsigned int next)
{
	w32(off, id | (1u << 16) | (next << 20));
}

/* A PCIe endpoint header with a standard list: 0x40 (PM) -> 0x50 (PCIe, type). */
static void header(uint8_t pcie_type)
{
	memset(cfg, 0, sizeof(cfg));
	w16(0x00, 0x8086);
	w16(0x02, 0x10d3);
	w16(0x06, 1u << 4);       /* capabilities list */
	cfg[0x0e] = 0x00;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x01;         /* power management */
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x10;         /* PCI Express */
	cfg[0x51] = 0x00;
	w16(0x52, (uint16_t)(2 | pcie_type << 4));
}

/* ATS @0x100 -> PRI @0x140 -> PASID @0x160 -> ACS @0x180 -> end. */
static void full_chain(void)
{
	header(0);
	ext(0x100, PCI_EXT_ID_ATS, 0x140);
	w16(0x104, 0x0000 | (1u << 5));     /* depth 0 (= 32), page aligned */
	w16(0x106, (1u << 15) | 3);         /* enabled, STU 3 */
	ext(0x140, PCI_EXT_ID_PRI, 0x160);
	w16(0x144, 0x0001);                 /* enabled */
	w16(0x146, (1u << 15));             /* PASID required */
	w32(0x148, 512);
	w32(0x14c, 64);
	ext(0x160, PCI_EXT_ID_PASID, 0x180);
	w16(0x164, (20u << 8) | (1u << 1) | (1u << 2)); /* width 20, exec, priv */
	w16(0x166, (1u << 0) | (1u << 2));              /* enabled, priv enabled */
	ext(0x180, PCI_EXT_ID_ACS, 0);
	w16(0x184, 0x5f);                   /* SV TB RR CR UF DT */
	w16(0x186, 0x1d);                   /* SV RR CR UF */
}

static void test_present(void **state)
{
	struct pcicfg_info info;

	full_chain();
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_true(info.have_header);
	assert_int_equal(info.vendor, 0x8086);
	assert_int_equal(info.device, 0x10d3);
	assert_int_equal(info.pcie, PCICFG_PRESENT);
	assert_int_equal(info.pcie_type, 0);
	assert_string_equal(pcicfg_pcie_type_name(info.pcie_type), "endpoint");
	assert_int_equal(info.ext, PCICFG_PRESENT);
	assert_false(info.loop);
	assert_false(info.bad_pointer);

	assert_int_equal(info.ats.state, PCICFG_PRESENT);
	assert_int_equal(info.ats.offset, 0x100);
	assert_int_equal(info.ats.inv_queue_depth, 32);
	assert_true(info.ats.page_aligned);
	assert_false(info.ats.global_inval);
	assert_int_equal(info.ats.stu, 3);
	assert_true(info.ats.enabled);

	assert_int_equal(info.pri.state, PCICFG_PRESENT);
	assert_int_equal(info.pri.offset, 0x140);
	assert_true(info.pri.enabled);
	assert_true(info.pri.pasid_required);
	assert_false(info.pri.stopped);
	assert_int_equal(info.pri.capacity, 512);
	assert_int_equal(info.pri.alloc, 64);

	assert_int_equal(info.pasid.state, PCICFG_PRESENT);
	assert_int_equal(info.pasid.max_width, 20);
	assert_true(info.pasid.exec);
	assert_true(info.pasid.priv);
	assert_true(info.pasid.enabled);
	assert_false(info.pasid.exec_enabled);
	assert_true(info.pasid.priv_enabled);

	assert_int_equal(info.acs.state, PCICFG_PRESENT);
	assert_int_equal(info.acs.offset, 0x180);
	assert_int_equal(info.acs.cap, 0x5f);
	assert_int_equal(info.acs.ctrl, 0x1d);
	assert_int_equal(info.acs.egress_vec, 0);
}

static void test_fields_edge(void **state)
{
	struct pcicfg_info info;

	header(4);
	ext(0x100, PCI_EXT_ID_ACS, 0x200);
	w16(0x104, PCI_ACS_EC | PCI_ACS_SV);   /* egress control, vector size 0 = 256 */
	ext(0x200, PCI_EXT_ID_ATS, 0);
	w16(0x204, 7 | (1u << 6));             /* depth 7, global invalidate */
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_string_equal(pcicfg_pcie_type_name(info.pcie_type), "root port");
	assert_int_equal(info.acs.egress_vec, 256);
	assert_int_equal(info.ats.inv_queue_depth, 7);
	assert_true(info.ats.global_inval);
	assert_false(info.ats.enabled);
	assert_int_equal(info.pri.state, PCICFG_ABSENT);
	assert_int_equal(info.pasid.state, PCICFG_ABSENT);
	assert_null(pcicfg_pcie_type_name(0xf));
	assert_string_equal(pcicfg_acs_bit_name(0), "SV");
	assert_string_equal(pcicfg_acs_bit_name(6), "DT");
	assert_null(pcicfg_acs_bit_name(7));
	assert_string_equal(pcicfg_state_name(PCICFG_UNKNOWN), "unknown");
	assert_string_equal(pcicfg_state_name(PCICFG_ABSENT), "absent");
	assert_string_equal(pcicfg_state_name(PCICFG_PRESENT), "present");
}

static void test_absent(void **state)
{
	struct pcicfg_info info;

	/* a 4K image with an empty extended list */
	header(0);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_int_equal(info.ext, PCICFG_PRESENT);
	assert_int_equal(info.ats.state, PCICFG_ABSENT);
	assert_int_equal(info.pri.state, PCICFG_ABSENT);
	assert_int_equal(info.pasid.state, PCICFG_ABSENT);
	assert_int_equal(info.acs.state, PCICFG_ABSENT);

	/* all ones at 0x100: no extended capabilities either */
	w32(0x100, 0xffffffff);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_int_equal(info.ats.state, PCICFG_ABSENT);

	/* other capabilities only */
	header(0);
	ext(0x100, 0x0001, 0x140);  /* AER */
	ext(0x140, 0x0003, 0);      /* DSN */
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_int_equal(info.ats.state, PCICFG_ABSENT);
	assert_int_equal(info.acs.state, PCICFG_ABSENT);

	/* 256 bytes: the device has no extended space at all */
	full_chain();
	pcicfg_parse(cfg, PCICFG_STD_SIZE, &info);
	assert_int_equal(info.ext, PCICFG_ABSENT);
	assert_int_equal(info.ats.state, PCICFG_ABSENT);
	assert_int_equal(info.acs.state, PCICFG_ABSENT);
	assert_int_equal(info.pcie, PCICFG_PRESENT);

	/* conventional PCI: no capability list */
	header(0);
	w16(0x06, 0);
	pcicfg_parse(cfg, PCICFG_STD_SIZE, &info);
	assert_int_equal(info.pcie, PCICFG_ABSENT);
}

static void test_truncated(void **state)
{
	struct pcicfg_info info;

	full_chain();
	/* a non-root read: 64 bytes */
	pcicfg_parse(cfg, 64, &info);
	assert_true(info.have_header);
	assert_int_equal(info.vendor, 0x8086);
	assert_int_equal(info.pcie, PCICFG_UNKNOWN);
	assert_int_equal(info.ext, PCICFG_UNKNOWN);
	assert_int_equal(info.ats.state, PCICFG_UNKNOWN);
	assert_int_equal(info.pri.state, PCICFG_UNKNOWN);
	assert_int_equal(info.pasid.state, PCICFG_UNKNOWN);
	assert_int_equal(info.acs.state, PCICFG_UNKNOWN);

	/* less than a header, or nothing */
	pcicfg_parse(cfg, 10, &info);
	assert_false(info.have_header);
	assert_int_equal(info.ats.state, PCICFG_UNKNOWN);
	pcicfg_parse(NULL, 0, &info);
	assert_false(info.have_header);
	assert_int_equal(info.acs.state, PCICFG_UNKNOWN);

	/* cut inside the extended list: what was seen is present, the rest unknown */
	pcicfg_parse(cfg, 0x150, &info);
	assert_int_equal(info.ats.state, PCICFG_PRESENT);
	assert_int_equal(info.pri.state, PCICFG_PRESENT);
	assert_int_equal(info.pasid.state, PCICFG_UNKNOWN);
	assert_int_equal(info.acs.state, PCICFG_UNKNOWN);

	/* cut inside a capability's registers */
	pcicfg_parse(cfg, 0x184, &info);
	assert_int_equal(info.pasid.state, PCICFG_PRESENT);
	assert_int_equal(info.acs.state, PCICFG_UNKNOWN);
}

static void test_loop(void **state)
{
	struct pcicfg_info info;

	/* ATS -> PRI -> back to ATS */
	full_chain();
	ext(0x140, PCI_EXT_ID_PRI, 0x100);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_true(info.loop);
	assert_int_equal(info.ats.state, PCICFG_PRESENT);
	assert_int_equal(info.pri.state, PCICFG_PRESENT);
	assert_int_equal(info.pasid.state, PCICFG_UNKNOWN);
	assert_int_equal(info.acs.state, PCICFG_UNKNOWN);

	/* a capability pointing at itself */
	header(0);
	ext(0x100, 0x0001, 0x100);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_true(info.loop);
	assert_int_equal(info.ats.state, PCICFG_UNKNOWN);

	/* a pointer back into the standard space */
	header(0);
	ext(0x100, PCI_EXT_ID_ACS, 0x040);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_true(info.bad_pointer);
	assert_int_equal(info.acs.state, PCICFG_PRESENT);
	assert_int_equal(info.ats.state, PCICFG_UNKNOWN);

	/* a looping standard list */
	header(0);
	cfg[0x41] = 0x40;
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_true(info.loop);
	assert_int_equal(info.pcie, PCICFG_UNKNOWN);

	/* a standard pointer into the header */
	header(0);
	cfg[0x34] = 0x10;
	pcicfg_parse(cfg, PCICFG_STD_SIZE, &info);
	assert_true(info.bad_pointer);
	assert_int_equal(info.pcie, PCICFG_UNKNOWN);
}

static void test_long_chain(void **state)
{
	struct pcicfg_info info;
	unsigned int off;

	/* the longest legal list: one capability per dword, ACS at the very end */
	header(0);
	for (off = 0x100; off < 0xffc; off += 4)
		ext(off, 0x0001, off + 4);
	ext(0xffc, PCI_EXT_ID_ACS, 0);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_false(info.loop);
	/* ACS needs 8 bytes; at 0xffc it runs past the space */
	assert_int_equal(info.acs.state, PCICFG_UNKNOWN);
	ext(0xff8, PCI_EXT_ID_ACS, 0);
	pcicfg_parse(cfg, PCICFG_EXT_SIZE, &info);
	assert_int_equal(info.acs.state, PCICFG_PRESENT);
	assert_int_equal(info.acs.offset, 0xff8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_present),
		cmocka_unit_test(test_fields_edge),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_long_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
