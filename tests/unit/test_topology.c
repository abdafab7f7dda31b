/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the group prediction (backends/sysfs/topology.c) on
 * synthetic PCI hierarchies: sysfs trees of the fake machine whose devices
 * carry config-space images (PCIe port type, ACS capability and control,
 * multifunction bit, bridge header), and groups set as the kernel would
 * make them, or not: a switch port without ACS, a root port with ACS
 * disabled, multifunction endpoints with and without ACS, conventional PCI
 * behind a bridge, the Intel RCiEP quirk, 64-byte config reads (ACS
 * unknown, never a wrong prediction) and a kernel that grouped otherwise
 * (a finding that names the likely reason).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/inventory.h"
#include "backends/sysfs/topology.h"
#include "core/util.h"
#include "core/view.h"

#include "fake_sysfs.c"

#define CONV   (-1)   /* conventional PCI: no PCI Express capability */
#define NO_ACS (-1)

/*
 * A config-space image of len bytes: header type (1 for a bridge), the
 * multifunction bit, the PCIe port type (or CONV), an ACS capability with
 * cap and ctrl (or NO_ACS).
 */
static void cfg(struct fake_sysfs *fs, const char *addr, int bridge, bool mf, int type, int acs_cap,
		int acs_ctrl, size_t len)
{
	uint8_t b[4096] = { 0 };
	char *p;

	b[0] = 0x86, b[1] = 0x80;
	b[0x0e] = (uint8_t)((bridge ? 1 : 0) | (mf ? 0x80 : 0));
	if (type != CONV) {
		b[0x06] = 0x10;               /* status: capability list */
		b[0x34] = 0x40;
		b[0x40] = 0x10;               /* PCI Express */
		b[0x42] = (uint8_t)(type << 4 | 2);
	}
	if (acs_cap != NO_ACS) {
		b[0x100] = 0x0d;              /* ACS, version 1, last */
		b[0x102] = 0x01;
		b[0x104] = (uint8_t)acs_cap;
		b[0x106] = (uint8_t)acs_ctrl;
	}
	p = xasprintf("%s/config", fake_device_dir(fs, addr));
	fake_file_bytes(fs, p, b, len);
	free(p);
}

static void vendor(struct fake_sysfs *fs, const char *addr, const char *id)
{
	char *p = xasprintf("%s/vendor", fake_device_dir(fs, addr));

	fake_file(fs, p, id);
	free(p);
}

struct built {
	struct fake_sysfs *fs;
	struct inventory inv;
	struct topology t;
};

static void build(struct built *b)
{
	assert_int_equal(inventory_load(fake_view(b->fs), &b->inv), 0);
	assert_int_equal(topology_build(&b->inv, &b->t), 0);
}

static void done(struct built *b)
{
	topology_release(&b->t);
	inventory_release(&b->inv);
	fake_free(b->fs);
}

static const struct topo_node *node(struct built *b, const char *addr)
{
	int i = topology_find(&b->t, &b->inv, addr);

	assert_true(i >= 0);
	return &b->t.nodes[i];
}

static void expect_rule(struct built *b, const char *addr, enum topo_rule r, const char *via)
{
	const struct topo_node *n = node(b, addr);

	if (n->rule != r || (via ? n->via < 0 || strcmp(b->t.nodes[n->via].name, via) : n->via >= 0))
		fail_msg("%s: rule %s via %s, expected %s via %s (%s)", addr, topo_rule_key(n->rule),
			 n->via >= 0 ? b->t.nodes[n->via].name : "-", topo_rule_key(r), via ? via : "-",
			 n->reason ? n->reason : "");
}

#define FULL 4096
#define SV_RR_CR_UF (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/* A switch: root port (ACS) -> upstream -> two downstream ports, one with ACS and one without. */
static void make_switch(struct built *b, size_t len, bool kernel_right)
{
	struct fake_sysfs *fs = fake_new();

	b->fs = fs;
	fake_device(fs, "0000:00:1c.0", NULL, 0, "pcieport", NULL);
	fake_device(fs, "0000:01:00.0", "0000:00:1c.0", 1, "pcieport", NULL);
	fake_device(fs, "0000:02:00.0", "0000:01:00.0", 2, "pcieport", NULL);
	fake_device(fs, "0000:02:01.0", "0000:01:00.0", 3, "pcieport", NULL);
	fake_device(fs, "0000:03:00.0", "0000:02:00.0", 2, "e1000e", NULL);
	fake_device(fs, "0000:04:00.0", "0000:02:01.0", kernel_right ? 4 : 3, NULL, NULL);
	cfg(fs, "0000:00:1c.0", 1, false, 0x4, 0x5f, SV_RR_CR_UF, len);
	cfg(fs, "0000:01:00.0", 1, false, 0x5, NO_ACS, 0, len);
	cfg(fs, "0000:02:00.0", 1, false, 0x6, NO_ACS, 0, len);
	cfg(fs, "0000:02:01.0", 1, false, 0x6, 0x1f, SV_RR_CR_UF, len);
	cfg(fs, "0000:03:00.0", 0, false, 0x0, NO_ACS, 0, len);
	cfg(fs, "0000:04:00.0", 0, false, 0x0, NO_ACS, 0, len);
}

static void test_switch(void **state)
{
	struct built b;

	(void)state;
	make_switch(&b, FULL, true);
	build(&b);
	expect_rule(&b, "0000:00:1c.0", TOPO_RULE_OWN, NULL);
	expect_rule(&b, "0000:01:00.0", TOPO_RULE_OWN, NULL);
	expect_rule(&b, "0000:02:00.0", TOPO_RULE_OWN, NULL);
	expect_rule(&b, "0000:03:00.0", TOPO_RULE_ACS_PATH, "0000:02:00.0");
	expect_rule(&b, "0000:04:00.0", TOPO_RULE_OWN, NULL);
	assert_non_null(strstr(node(&b, "0000:03:00.0")->reason, "not ACS-isolated at 0000:02:00.0 (no ACS capability)"));
	assert_int_equal(b.t.ndiffer, 0);
	assert_int_equal(b.t.nunknown, 0);
	for (size_t i = 0; i < b.t.ngroups; i++)
		assert_int_equal(b.t.groups[i].cmp, TOPO_CMP_MATCH);
	/* the hierarchy: one root, the kernel's add order */
	assert_int_equal(b.t.nroots, 1);
	assert_string_equal(b.t.nodes[b.t.order[0]].name, "0000:00:1c.0");
	assert_int_equal(node(&b, "0000:01:00.0")->nchildren, 2);
	done(&b);
}

/* ACS present but not enabled at the downstream port: the same as none, and said so. */
static void test_acs_disabled(void **state)
{
	struct built b;

	(void)state;
	make_switch(&b, FULL, false);
	cfg(b.fs, "0000:02:01.0", 1, false, 0x6, 0x1f, PCI_ACS_SV, FULL);
	build(&b);
	expect_rule(&b, "0000:04:00.0", TOPO_RULE_ACS_PATH, "0000:02:01.0");
	assert_non_null(strstr(node(&b, "0000:04:00.0")->reason, "lacks RR CR UF"));
	assert_int_equal(b.t.ndiffer, 0);
	done(&b);
}

/* The kernel merged what the rules keep apart: a finding with the likely reason. */
static void test_differs(void **state)
{
	struct built b;
	const struct topo_group *g;

	(void)state;
	make_switch(&b, FULL, false);
	build(&b);
	assert_int_equal(b.t.ndiffer, 1);
	g = topology_group(&b.t, 3);
	assert_non_null(g);
	assert_int_equal(g->cmp, TOPO_CMP_DIFFER);
	assert_non_null(strstr(g->finding, "the kernel merged more"));
	assert_non_null(strstr(g->finding, "DMA alias quirk"));
	done(&b);
}

/* 64 bytes of config space (a normal user): ACS unknown, never a wrong answer. */
static void test_short_config(void **state)
{
	struct built b;

	(void)state;
	make_switch(&b, 64, true);
	build(&b);
	assert_int_equal(b.t.ndiffer, 0);
	assert_true(b.t.nunknown > 0);
	assert_non_null(node(&b, "0000:03:00.0")->uncertain);
	assert_int_equal(node(&b, "0000:02:00.0")->acs_req, TOPO_UNKNOWN);
	/* the root port's ACS is unknown: whether the switch joins it cannot be told */
	assert_int_equal(topology_group(&b.t, 0)->cmp, TOPO_CMP_UNKNOWN);
	assert_non_null(strstr(topology_group(&b.t, 0)->finding, "run as root"));
	done(&b);
}

/* Multifunction: without ACS the functions share a group; with ACS each is alone. */
static void test_multifunction(void **state)
{
	struct built b = { .fs = fake_new() };

	(void)state;
	fake_device(b.fs, "0000:00:1c.0", NULL, 0, "pcieport", NULL);
	fake_device(b.fs, "0000:01:00.0", "0000:00:1c.0", 1, NULL, NULL);
	fake_device(b.fs, "0000:01:00.1", "0000:00:1c.0", 1, NULL, NULL);
	fake_device(b.fs, "0000:00:1d.0", NULL, 2, "pcieport", NULL);
	fake_device(b.fs, "0000:02:00.0", "0000:00:1d.0", 3, NULL, NULL);
	fake_device(b.fs, "0000:02:00.1", "0000:00:1d.0", 4, NULL, NULL);
	for (int i = 0; i < 4; i++)
		vendor(b.fs, (const char *[]){ "0000:01:00.0", "0000:01:00.1", "0000:02:00.0",
					       "0000:02:00.1" }[i], "0x1234\n");
	cfg(b.fs, "0000:00:1c.0", 1, false, 0x4, 0x1f, SV_RR_CR_UF, FULL);
	cfg(b.fs, "0000:00:1d.0", 1, false, 0x4, 0x1f, SV_RR_CR_UF, FULL);
	/* function 1 does not set the bit: the kernel counts it multifunction anyway */
	cfg(b.fs, "0000:01:00.0", 0, true, 0x0, NO_ACS, 0, FULL);
	cfg(b.fs, "0000:01:00.1", 0, false, 0x0, NO_ACS, 0, FULL);
	cfg(b.fs, "0000:02:00.0", 0, true, 0x0, 0x0c, PCI_ACS_RR | PCI_ACS_CR, FULL);
	cfg(b.fs, "0000:02:00.1", 0, false, 0x0, 0x0c, PCI_ACS_RR | PCI_ACS_CR, FULL);
	build(&b);
	expect_rule(&b, "0000:01:00.0", TOPO_RULE_OWN, NULL);
	expect_rule(&b, "0000:01:00.1", TOPO_RULE_FUNCTION, "0000:01:00.0");
	expect_rule(&b, "0000:02:00.0", TOPO_RULE_OWN, NULL);
	expect_rule(&b, "0000:02:00.1", TOPO_RULE_OWN, NULL);
	assert_int_equal(b.t.ndiffer, 0);
	done(&b);
}

/* Intel RCiEPs on the root bus: pci_quirk_rciep_acs isolates them; another vendor's do not. */
static void test_rciep_quirk(void **state)
{
	struct built b = { .fs = fake_new() };

	(void)state;
	fake_device(b.fs, "0000:00:02.0", NULL, 0, NULL, NULL);
	fake_device(b.fs, "0000:00:02.1", NULL, 1, NULL, NULL);
	fake_device(b.fs, "0000:00:03.0", NULL, 2, NULL, NULL);
	fake_device(b.fs, "0000:00:03.1", NULL, 2, NULL, NULL);
	vendor(b.fs, "0000:00:03.0", "0x1af4\n");
	vendor(b.fs, "0000:00:03.1", "0x1af4\n");
	cfg(b.fs, "0000:00:02.0", 0, true, 0x9, NO_ACS, 0, FULL);
	cfg(b.fs, "0000:00:02.1", 0, true, 0x9, NO_ACS, 0, FULL);
	cfg(b.fs, "0000:00:03.0", 0, true, 0x9, NO_ACS, 0, FULL);
	cfg(b.fs, "0000:00:03.1", 0, true, 0x9, NO_ACS, 0, FULL);
	build(&b);
	expect_rule(&b, "0000:00:02.1", TOPO_RULE_OWN, NULL);
	assert_string_equal(node(&b, "0000:00:02.1")->acs_quirk, "pci_quirk_rciep_acs");
	expect_rule(&b, "0000:00:03.1", TOPO_RULE_FUNCTION, "0000:00:03.0");
	assert_null(node(&b, "0000:00:03.1")->acs_quirk);
	assert_int_equal(b.t.ndiffer, 0);
	done(&b);
}

/* Conventional PCI behind a PCI bridge and behind a PCIe-to-PCI bridge: the bridge's group. */
static void test_bridges(void **state)
{
	struct built b = { .fs = fake_new() };

	(void)state;
	fake_device(b.fs, "0000:00:1e.0", NULL, 0, NULL, NULL);
	fake_device(b.fs, "0000:05:01.0", "0000:00:1e.0", 0, NULL, NULL);
	fake_device(b.fs, "0000:05:02.0", "0000:00:1e.0", 0, NULL, NULL);
	fake_device(b.fs, "0000:00:1c.0", NULL, 1, "pcieport", NULL);
	fake_device(b.fs, "0000:06:00.0", "0000:00:1c.0", 2, NULL, NULL);
	fake_device(b.fs, "0000:07:01.0", "0000:06:00.0", 2, NULL, NULL);
	cfg(b.fs, "0000:00:1e.0", 1, false, CONV, NO_ACS, 0, 256);
	cfg(b.fs, "0000:05:01.0", 0, false, CONV, NO_ACS, 0, 256);
	cfg(b.fs, "0000:05:02.0", 0, false, CONV, NO_ACS, 0, 256);
	cfg(b.fs, "0000:00:1c.0", 1, false, 0x4, 0x1f, SV_RR_CR_UF, FULL);
	cfg(b.fs, "0000:06:00.0", 1, false, 0x7, NO_ACS, 0, FULL);
	cfg(b.fs, "0000:07:01.0", 0, false, CONV, NO_ACS, 0, 256);
	build(&b);
	expect_rule(&b, "0000:05:01.0", TOPO_RULE_BRIDGE_ALIAS, "0000:00:1e.0");
	expect_rule(&b, "0000:05:02.0", TOPO_RULE_BRIDGE_ALIAS, "0000:00:1e.0");
	expect_rule(&b, "0000:06:00.0", TOPO_RULE_OWN, NULL);
	expect_rule(&b, "0000:07:01.0", TOPO_RULE_BRIDGE_ALIAS, "0000:06:00.0");
	assert_non_null(strstr(node(&b, "0000:07:01.0")->reason, "PCIe-to-PCI bridge"));
	assert_int_equal(b.t.ndiffer, 0);
	done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_acs_disabled),
		cmocka_unit_test(test_differs),
		cmocka_unit_test(test_short_config),
		cmocka_unit_test(test_multifunction),
		cmocka_unit_test(test_rciep_quirk),
		cmocka_unit_test(test_bridges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
