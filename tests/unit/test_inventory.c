/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the inventory over sysfs trees generated in a temporary
 * directory: group viability (unbound, vfio-pci, pcieport, pci-stub, a
 * DMA-API driver), reserved-region parsing, group selectors, unit kinds
 * and registers, VFIO nodes, and sysfs with parts missing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/inventory.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

static char root[64];

/* ---- tree building ---- */

static void mkdirs(const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(buf, 0755);
		*p = '/';
	}
	mkdir(buf, 0755);
}

static void parent_dirs(const char *path)
{
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	free(dir);
}

static void mkdir_rel(const char *rel)
{
	char *path = xasprintf("%s/%s", root, rel);

	mkdirs(path);
	free(path);
}

/* Write a file (relative to the root), creating directories. */
static void put(const char *rel, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", root, rel);
	FILE *f;

	parent_dirs(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	free(path);
}

__attribute__((format(printf, 2, 3)))
static void putf(const char *rel, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	put(rel, s, strlen(s));
	free(s);
}

static void link_to(const char *rel, const char *target)
{
	char *path = xasprintf("%s/%s", root, rel);

	parent_dirs(path);
	assert_int_equal(symlink(target, path), 0);
	free(path);
}

#define DEVDIR "sys/devices/pci0000:00"

/*
 * A PCI device on bus 0: IDs, a config image of cfg_len bytes (0: no
 * config file), driver (NULL: unbound), group (-1: none), unit link.
 */
static void pci_dev(const char *addr, uint16_t vendor, uint16_t device, uint32_t cls,
		    const char *driver, int group, const char *unit, size_t cfg_len)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), DEVDIR "/%s/vendor", addr);
	putf(rel, "0x%04x\n", vendor);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/device", addr);
	putf(rel, "0x%04x\n", device);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/class", addr);
	putf(rel, "0x%06x\n", cls);
	snprintf(rel, sizeof(rel), DEVDIR "/%s/driver_override", addr);
	putf(rel, "(null)\n");
	if (cfg_len) {
		uint8_t *cfg = xcalloc(1, cfg_len);

		cfg[0] = vendor & 0xff;
		cfg[1] = vendor >> 8;
		snprintf(rel, sizeof(rel), DEVDIR "/%s/config", addr);
		put(rel, cfg, cfg_len);
		free(cfg);
	}
	if (driver) {
		snprintf(rel, sizeof(rel), DEVDIR "/%s/driver", addr);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s", driver);
		link_to(rel, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), DEVDIR "/%s/iommu_group", addr);
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%d", group);
		link_to(rel, target);
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, addr);
		snprintf(target, sizeof(target), "../../../../devices/pci0000:00/%s", addr);
		link_to(rel, target);
	}
	if (unit) {
		snprintf(rel, sizeof(rel), DEVDIR "/%s/iommu", addr);
		snprintf(target, sizeof(target), "../../virtual/iommu/%s", unit);
		link_to(rel, target);
	}
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", addr);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", addr);
	link_to(rel, target);
}

static void group(int id, const char *type, const char *resv)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices", id);
	mkdir_rel(rel);
	if (type) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/type", id);
		putf(rel, "%s\n", type);
	}
	if (resv) {
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/reserved_regions", id);
		putf(rel, "%s", resv);
	}
}

static const char msi[] = "0x00000000fee00000 0x00000000feefffff msi\n";

static int tree_setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/iommuctl-inv-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int tree_teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", root);
	int rc = system(cmd);

	free(cmd);
	return rc == 0 ? 0 : -1;
}

static void load(struct inventory *inv, bool with_root)
{
	struct view *v;
	char *sys = xasprintf("%s/sys", root);

	mkdirs(sys);
	if (with_root)
		assert_int_equal(view_root_new(root, NULL, &v), 0);
	else
		assert_int_equal(view_root_new(NULL, sys, &v), 0);
	assert_int_equal(inventory_load(v, inv), 0);
	view_free(v);
	free(sys);
}

static bool has_warning(const struct inventory *inv, const char *needle)
{
	for (size_t i = 0; i < inv->nwarnings; i++)
		if (strstr(inv->warnings[i].text, needle))
			return true;
	return false;
}

/* ---- tests ---- */

static void test_driver_rule(void **state)
{
	assert_true(inv_driver_viable(NULL));
	assert_true(inv_driver_viable("vfio-pci"));
	assert_true(inv_driver_viable("pci-stub"));
	assert_true(inv_driver_viable("pcieport"));
	assert_true(inv_driver_viable("vfio-platform"));
	assert_true(inv_driver_viable("mlx5_vfio_pci"));
	assert_true(inv_driver_viable("hisi-acc-vfio-pci"));
	assert_false(inv_driver_viable("e1000e"));
	assert_false(inv_driver_viable("nvme"));
	assert_false(inv_driver_viable("ahci"));
	assert_false(inv_driver_viable("virtio-pci"));
}

static void test_viability(void **state)
{
	struct inventory inv;
	struct inv_group *g;

	group(0, "DMA", msi);
	pci_dev("0000:00:01.0", 0x8086, 0x29c0, 0x060000, NULL, 0, NULL, 256);
	group(1, "DMA", msi);
	pci_dev("0000:00:02.0", 0x10de, 0x1234, 0x030000, "vfio-pci", 1, NULL, 256);
	pci_dev("0000:00:02.1", 0x10de, 0x1235, 0x040300, "vfio-pci", 1, NULL, 256);
	group(2, "DMA-FQ", msi);
	pci_dev("0000:00:03.0", 0x1b36, 0x000c, 0x060400, "pcieport", 2, NULL, 256);
	pci_dev("0000:00:03.1", 0x1234, 0x0001, 0x020000, "pci-stub", 2, NULL, 256);
	pci_dev("0000:00:03.2", 0x1234, 0x0002, 0x020000, NULL, 2, NULL, 256);
	group(3, "DMA", msi);
	pci_dev("0000:00:04.0", 0x8086, 0x10d3, 0x020000, "e1000e", 3, NULL, 256);
	group(4, "identity", msi);
	pci_dev("0000:00:05.0", 0x1b36, 0x000c, 0x060400, "pcieport", 4, NULL, 256);
	pci_dev("0000:00:05.1", 0x8086, 0x2922, 0x010601, "ahci", 4, NULL, 256);
	pci_dev("0000:00:05.2", 0x8086, 0x2930, 0x0c0500, "i801_smbus", 4, NULL, 256);
	load(&inv, false);

	assert_int_equal(inv.ngroups, 5);
	g = inventory_group(&inv, 0);
	assert_true(g->viable);
	assert_int_equal(g->blockers.n, 0);
	assert_non_null(g->reason);
	g = inventory_group(&inv, 1);
	assert_true(g->viable);
	assert_int_equal(g->members.n, 2);
	g = inventory_group(&inv, 2);
	assert_true(g->viable);
	assert_string_equal(g->type, "DMA-FQ");

	g = inventory_group(&inv, 3);
	assert_false(g->viable);
	assert_int_equal(g->blockers.n, 1);
	assert_string_equal(g->blockers.v[0], "0000:00:04.0");
	assert_non_null(strstr(g->reason, "0000:00:04.0"));
	assert_non_null(strstr(g->reason, "e1000e"));

	g = inventory_group(&inv, 4);
	assert_false(g->viable);
	assert_int_equal(g->blockers.n, 2);
	assert_non_null(strstr(g->reason, "0000:00:05.1 (ahci)"));
	assert_non_null(strstr(g->reason, "0000:00:05.2 (i801_smbus)"));
	assert_null(strstr(g->reason, "pcieport"));

	/* the rule recomputes from the members' drivers */
	free(inventory_device(&inv, "00:05.1")->driver);
	inventory_device(&inv, "00:05.1")->driver = xstrdup("vfio-pci");
	free(inventory_device(&inv, "00:05.2")->driver);
	inventory_device(&inv, "00:05.2")->driver = NULL;
	inventory_group_viability(&inv, g);
	assert_true(g->viable);
	assert_int_equal(g->blockers.n, 0);
	inventory_release(&inv);
}

static void test_resv_parse(void **state)
{
	struct inv_resv *r;
	struct strv bad = { 0 };
	size_t n;

	assert_int_equal(inv_resv_parse("0x00000000fee00000 0x00000000feefffff msi\n"
					"\n"
					"0x0000000000000000 0x0000000000ffffff direct-relaxable\n"
					"0x000000fd00000000 0x000000ffffffffff reserved",
					&r, &n, &bad), 0);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].start, 0xfee00000);
	assert_int_equal(r[0].end, 0xfeefffff);
	assert_string_equal(r[0].type, "msi");
	assert_int_equal(r[1].start, 0);
	assert_string_equal(r[1].type, "direct-relaxable");
	assert_int_equal(r[2].end, 0xffffffffffULL);
	assert_string_equal(r[2].type, "reserved");
	inv_resv_free(r, n);

	assert_int_equal(inv_resv_parse("0xfee00000 0xfeefffff\n"           /* no type */
					"fee00000 feefffff msi\n"             /* no 0x */
					"0xfeefffff 0xfee00000 msi\n"         /* end < start */
					"0xzz 0xfeefffff msi\n"               /* not hex */
					"0x1000 0x1fff msi extra\n"           /* trailing junk */
					"0x2000 0x2fff direct\n"              /* fine */
					"0x10000000000000000 0x1 msi\n",      /* overflow */
					&r, &n, &bad), 6);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0x2000);
	assert_string_equal(r[0].type, "direct");
	assert_int_equal(bad.n, 6);
	assert_non_null(strstr(bad.v[0], "line 1"));
	assert_non_null(strstr(bad.v[4], "line 5"));
	inv_resv_free(r, n);
	strv_free(&bad);

	assert_int_equal(inv_resv_parse("", &r, &n, NULL), 0);
	assert_int_equal(n, 0);
	inv_resv_free(r, n);
}

static void test_resv_in_tree(void **state)
{
	struct inventory inv;
	struct inv_group *g;

	group(7, "DMA", "0x00000000fee00000 0x00000000feefffff msi\ngarbage here\n");
	pci_dev("0000:00:07.0", 0x1234, 0x5678, 0x020000, NULL, 7, NULL, 256);
	load(&inv, false);
	g = inventory_group(&inv, 7);
	assert_true(g->resv_read);
	assert_int_equal(g->nresv, 1);
	assert_true(has_warning(&inv, "group 7: reserved_regions line 2: 'garbage here'"));
	inventory_release(&inv);
}

static void test_selectors(void **state)
{
	struct inventory inv;
	struct inv_group *g;
	struct inv_device *d;
	struct inv_sel sel;

	assert_int_equal(inv_sel_parse("5", &sel), 0);
	assert_false(sel.is_addr);
	assert_int_equal(sel.group, 5);
	assert_int_equal(inv_sel_parse("00:03.0", &sel), 0);
	assert_true(sel.is_addr);
	assert_string_equal(sel.addr, "0000:00:03.0");
	assert_int_equal(inv_sel_parse("0001:0a:1f.7", &sel), 0);
	assert_string_equal(sel.addr, "0001:0a:1f.7");
	assert_int_equal(inv_sel_parse("", &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse(NULL, &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse("abc", &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse("-1", &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse("0x5", &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse("00:03", &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse("00:20.0", &sel), -EUSAGE);
	assert_int_equal(inv_sel_parse("99999999999", &sel), -EUSAGE);

	group(3, "DMA", msi);
	pci_dev("0000:00:03.0", 0x1234, 0x11e8, 0x00ff00, NULL, 3, NULL, 256);
	pci_dev("0000:00:09.0", 0x1234, 0x11e8, 0x00ff00, NULL, -1, NULL, 256);
	load(&inv, false);

	inv_sel_parse("3", &sel);
	assert_int_equal(inventory_group_select(&inv, &sel, &g, &d), 0);
	assert_int_equal(g->id, 3);
	inv_sel_parse("00:03.0", &sel);
	assert_int_equal(inventory_group_select(&inv, &sel, &g, &d), 0);
	assert_int_equal(g->id, 3);
	assert_string_equal(d->name, "0000:00:03.0");
	inv_sel_parse("4", &sel);
	assert_int_equal(inventory_group_select(&inv, &sel, &g, &d), -ENOENT);
	/* a device in no group */
	inv_sel_parse("00:09.0", &sel);
	assert_int_equal(inventory_group_select(&inv, &sel, &g, &d), -ENOENT);
	assert_non_null(d);
	assert_null(g);
	/* no such device */
	inv_sel_parse("00:1e.0", &sel);
	assert_int_equal(inventory_group_select(&inv, &sel, &g, &d), -ENOENT);
	assert_null(d);
	/* lookups accept short addresses */
	assert_non_null(inventory_device(&inv, "00:09.0"));
	assert_null(inventory_device(&inv, "00:0a.0"));
	inventory_release(&inv);
}

static void test_missing_attributes(void **state)
{
	struct inventory inv;
	struct inv_group *g;
	struct inv_device *d;

	/* group without type or reserved_regions; device without config or IDs */
	group(0, NULL, NULL);
	pci_dev("0000:00:01.0", 0x8086, 0x10d3, 0x020000, "e1000e", 0, NULL, 0);
	link_to("sys/bus/pci/devices/0000:00:02.0", "../../../devices/pci0000:00/0000:00:02.0");
	mkdir_rel(DEVDIR "/0000:00:02.0");
	/* a 64-byte config (what a non-root read gives) */
	group(1, "DMA", msi);
	pci_dev("0000:00:03.0", 0x8086, 0x10d3, 0x020000, NULL, 1, NULL, 64);
	putf(DEVDIR "/0000:00:03.0/driver_override", "vfio-pci\n");
	load(&inv, false);

	g = inventory_group(&inv, 0);
	assert_null(g->type);
	assert_false(g->resv_read);
	assert_int_equal(g->nresv, 0);
	assert_false(g->viable);

	d = inventory_device(&inv, "0000:00:01.0");
	assert_true(d->has_vendor);
	assert_int_equal(d->vendor, 0x8086);
	assert_int_equal(d->cfg_err, -ENOENT);
	assert_int_equal(d->cfg.ats.state, PCICFG_UNKNOWN);
	assert_null(d->driver_override);     /* "(null)" */
	assert_null(d->unit);
	assert_int_equal(d->group, 0);

	d = inventory_device(&inv, "0000:00:02.0");
	assert_non_null(d);
	assert_false(d->has_vendor);
	assert_false(d->has_class);
	assert_null(d->driver);
	assert_int_equal(d->group, -1);

	d = inventory_device(&inv, "0000:00:03.0");
	assert_int_equal(d->cfg_err, 0);
	assert_int_equal(d->cfg.len, 64);
	assert_int_equal(d->cfg.acs.state, PCICFG_UNKNOWN);
	assert_string_equal(d->driver_override, "vfio-pci");
	assert_true(has_warning(&inv, "config space of 1 device could be read only in part"));

	/* no /sys/class/iommu, no /dev, no /proc */
	assert_false(inv.have_units);
	assert_int_equal(inv.nunits, 0);
	assert_null(inv.kernel_release);
	assert_null(g->vfio_node);
	inventory_release(&inv);
}

static void test_no_groups(void **state)
{
	struct inventory inv;
	bool found = false;

	pci_dev("0000:00:01.0", 0x8086, 0x10d3, 0x020000, "e1000e", -1, NULL, 256);
	load(&inv, false);
	assert_false(inv.have_groups);
	assert_int_equal(inv.ngroups, 0);
	assert_int_equal(inv.ndevices, 1);
	for (size_t i = 0; i < inv.nwarnings; i++)
		if (!strcmp(inv.warnings[i].text, INV_NO_GROUPS_MSG)) {
			found = true;
			assert_true(inv.warnings[i].scope & INV_SCOPE_GROUPS);
			assert_false(inv.warnings[i].scope & INV_SCOPE_DEVICES);
		}
	assert_true(found);
	inventory_release(&inv);

	/* an empty directory means the same */
	mkdir_rel("sys/kernel/iommu_groups");
	load(&inv, false);
	assert_true(inv.have_groups);
	assert_int_equal(inv.ngroups, 0);
	assert_true(has_warning(&inv, "no IOMMU groups"));
	inventory_release(&inv);
}

static void test_no_pci_bus(void **state)
{
	struct inventory inv;
	struct inv_device *d;
	char *cmd;

	/* group members are found through the group even without /sys/bus/pci */
	group(0, "DMA", msi);
	pci_dev("0000:00:01.0", 0x8086, 0x10d3, 0x020000, "e1000e", 0, NULL, 256);
	putf(DEVDIR "/0000:00:01.0/x", "1\n");
	link_to(DEVDIR "/0000:00:01.0/subsystem", "../../../bus/pci");
	cmd = xasprintf("rm -rf '%s/sys/bus'", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* and a platform device as a member */
	putf("sys/devices/platform/ff000000.dma/uevent", "\n");
	link_to("sys/devices/platform/ff000000.dma/subsystem", "../../../bus/platform");
	link_to("sys/devices/platform/ff000000.dma/driver", "../../../bus/platform/drivers/pl330");
	link_to("sys/kernel/iommu_groups/0/devices/ff000000.dma",
		"../../../../devices/platform/ff000000.dma");
	load(&inv, false);
	assert_false(inv.have_pci);
	assert_true(has_warning(&inv, "PCI devices are not listed"));
	assert_int_equal(inv.ndevices, 2);
	d = inventory_device(&inv, "0000:00:01.0");
	assert_non_null(d);
	assert_true(d->pci);
	assert_string_equal(d->bus, "pci");
	assert_string_equal(d->driver, "e1000e");
	assert_int_equal(d->vendor, 0x8086);
	d = inventory_device(&inv, "ff000000.dma");
	assert_non_null(d);
	assert_false(d->pci);
	assert_string_equal(d->bus, "platform");
	assert_string_equal(d->path, "/sys/devices/platform/ff000000.dma");
	assert_int_equal(d->group, 0);
	assert_false(inventory_group(&inv, 0)->viable);
	inventory_release(&inv);
}

static void test_units(void **state)
{
	struct inventory inv;
	struct inv_unit *u;
	struct inv_device *d;
	struct strv sv = { 0 };

	/* Intel: virtual class device with intel-iommu/ attributes */
	putf("sys/devices/virtual/iommu/dmar0/intel-iommu/cap", "d2008c22260286\n");
	putf("sys/devices/virtual/iommu/dmar0/intel-iommu/ecap", "f00f4a\n");
	putf("sys/devices/virtual/iommu/dmar0/intel-iommu/version", "1:0\n");
	putf("sys/devices/virtual/iommu/dmar0/intel-iommu/address", "fed90000\n");
	putf("sys/devices/virtual/iommu/dmar0/intel-iommu/domains_used", "nine\n");
	link_to("sys/devices/virtual/iommu/dmar0/devices/0000:00:01.0",
		"../../../../pci0000:00/0000:00:01.0");
	link_to("sys/devices/virtual/iommu/dmar0/devices/0000:00:02.0",
		"../../../../pci0000:00/0000:00:02.0");
	link_to("sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0");
	group(0, "DMA", msi);
	group(1, "DMA", msi);
	pci_dev("0000:00:01.0", 0x8086, 0x10d3, 0x020000, NULL, 0, "dmar0", 256);
	pci_dev("0000:00:02.0", 0x8086, 0x10d3, 0x020000, NULL, 1, NULL, 256);

	/* AMD: under its PCI function, features with two values */
	pci_dev("0000:00:00.2", 0x1022, 0x1481, 0x080600, NULL, -1, NULL, 256);
	putf(DEVDIR "/0000:00:00.2/iommu/ivhd0/amd-iommu/cap", "1f03000f\n");
	putf(DEVDIR "/0000:00:00.2/iommu/ivhd0/amd-iommu/features", "29d3 40\n");
	link_to(DEVDIR "/0000:00:00.2/iommu/ivhd0/device", "../../../0000:00:00.2");
	link_to("sys/class/iommu/ivhd0", "../../devices/pci0000:00/0000:00:00.2/iommu/ivhd0");

	/* virtio-iommu: known by its parent's driver; no device link here */
	pci_dev("0000:00:04.0", 0x1af4, 0x1057, 0x00ff00, "virtio-pci", -1, NULL, 256);
	link_to(DEVDIR "/0000:00:04.0/virtio0/driver", "../../../../bus/virtio/drivers/virtio_iommu");
	mkdir_rel(DEVDIR "/0000:00:04.0/virtio0/iommu/0000:00:04.0/devices");
	link_to("sys/class/iommu/0000:00:04.0",
		"../../devices/pci0000:00/0000:00:04.0/virtio0/iommu/0000:00:04.0");

	/* something else: the parent's driver names it */
	putf("sys/devices/platform/foo.0/iommu/foo-unit/uevent", "\n");
	link_to("sys/devices/platform/foo.0/driver", "../../../bus/platform/drivers/foo-iommu");
	link_to("sys/class/iommu/foo-unit", "../../devices/platform/foo.0/iommu/foo-unit");

	/* RISC-V IOMMU (Linux 7.2 on QEMU's riscv-iommu-pci): a virtual unit
	 * named after its PCI function, no parent, no attributes */
	pci_dev("0000:00:05.0", 0x1b36, 0x0014, 0x080600, "iommu_pci", -1, NULL, 256);
	mkdir_rel("sys/devices/virtual/iommu/riscv-iommu@0000:00:05.0/devices");
	link_to("sys/class/iommu/riscv-iommu@0000:00:05.0",
		"../../devices/virtual/iommu/riscv-iommu@0000:00:05.0");

	load(&inv, false);
	assert_true(inv.have_units);
	assert_int_equal(inv.nunits, 5);

	u = inventory_unit(&inv, "dmar0");
	assert_non_null(u);
	assert_string_equal(u->kind_name, "intel-vtd");
	assert_string_equal(u->path, "/sys/devices/virtual/iommu/dmar0");
	assert_null(u->parent);
	assert_int_equal(u->nattrs, 6);
	assert_string_equal(u->attrs[0].text, "1:0");              /* version */
	assert_int_equal(u->attrs[1].vals[0], 0xfed90000);         /* address */
	assert_int_equal(u->attrs[2].vals[0], 0xd2008c22260286ULL); /* cap */
	assert_string_equal(u->attrs[2].desc->decode, "vtd-cap");
	assert_int_equal(u->attrs[3].vals[0], 0xf00f4a);           /* ecap */
	assert_null(u->attrs[4].text);                             /* domains_supported: missing */
	assert_int_equal(u->attrs[4].err, -ENOENT);
	assert_string_equal(u->attrs[5].text, "nine");             /* domains_used: unparsable */
	assert_int_equal(u->attrs[5].nvals, 0);
	assert_true(has_warning(&inv, "dmar0: intel-iommu/domains_used: cannot parse 'nine'"));
	assert_int_equal(u->devices.n, 2);
	inventory_unit_groups(&inv, u, &sv);
	assert_int_equal(sv.n, 2);
	strv_free(&sv);

	/* the unit of a device: its iommu link, else the unit listing it */
	d = inventory_device(&inv, "0000:00:01.0");
	assert_string_equal(d->unit, "dmar0");
	d = inventory_device(&inv, "0000:00:02.0");
	assert_string_equal(d->unit, "dmar0");
	inventory_group_units(&inv, inventory_group(&inv, 1), &sv);
	assert_int_equal(sv.n, 1);
	assert_string_equal(sv.v[0], "dmar0");
	strv_free(&sv);

	u = inventory_unit(&inv, "ivhd0");
	assert_string_equal(u->kind_name, "amd-vi");
	assert_string_equal(u->parent, "0000:00:00.2");
	assert_null(u->parent_driver);
	assert_int_equal(u->attrs[0].vals[0], 0x1f03000f);
	assert_int_equal(u->attrs[1].nvals, 2);
	assert_int_equal(u->attrs[1].vals[0], 0x29d3);
	assert_int_equal(u->attrs[1].vals[1], 0x40);

	u = inventory_unit(&inv, "0000:00:04.0");
	assert_string_equal(u->kind_name, "virtio-iommu");
	assert_string_equal(u->parent, "virtio0");
	assert_string_equal(u->parent_driver, "virtio_iommu");
	assert_int_equal(u->nattrs, 0);
	assert_int_equal(u->devices.n, 0);

	u = inventory_unit(&inv, "riscv-iommu@0000:00:05.0");
	assert_non_null(u);
	assert_string_equal(u->kind_name, "riscv-iommu");
	assert_null(u->parent);
	assert_int_equal(u->nattrs, 0);

	u = inventory_unit(&inv, "foo-unit");
	assert_null(u->kind);
	assert_string_equal(u->kind_name, "foo-iommu");
	assert_string_equal(u->parent, "foo.0");
	inventory_release(&inv);
}

static void test_attr_parse(void **state)
{
	static const struct inv_attr_desc list = { .file = "f", .key = "f", .type = INV_ATTR_HEX_LIST };
	static const struct inv_attr_desc hex = { .file = "h", .key = "h", .type = INV_ATTR_HEX };
	struct inv_attr a = { .desc = &list };
	char buf[32];

	snprintf(buf, sizeof(buf), "%s", "29d3");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), 0);
	assert_int_equal(a.nvals, 1);
	snprintf(buf, sizeof(buf), "%s", "29d3:0");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), 0);
	assert_int_equal(a.nvals, 2);
	assert_int_equal(a.vals[1], 0);
	snprintf(buf, sizeof(buf), "%s", "0x1 0x2");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), 0);
	assert_int_equal(a.vals[1], 2);
	snprintf(buf, sizeof(buf), "%s", "1:2:3");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), -E2BIG);
	assert_int_equal(a.nvals, 0);
	snprintf(buf, sizeof(buf), "%s", "xyz");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), -EINVAL);
	snprintf(buf, sizeof(buf), "%s", ":");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), -EINVAL);
	a.desc = &hex;
	snprintf(buf, sizeof(buf), "%s", "0xFF");
	a.text = buf;
	assert_int_equal(inv_attr_parse(&a), 0);
	assert_int_equal(a.vals[0], 0xff);
	a.text = NULL;
	assert_int_equal(inv_attr_parse(&a), -ENOENT);
}

static void test_vfio_nodes(void **state)
{
	struct inventory inv;
	struct inv_device *d;

	group(5, "DMA", msi);
	group(6, "DMA", msi);
	group(7, "DMA", msi);
	pci_dev("0000:00:05.0", 0x8086, 0x10d3, 0x020000, "vfio-pci", 5, NULL, 256);
	pci_dev("0000:00:06.0", 0x8086, 0x10d3, 0x020000, "vfio-pci", 6, NULL, 256);
	pci_dev("0000:00:07.0", 0x8086, 0x10d3, 0x020000, NULL, 7, NULL, 256);
	putf(DEVDIR "/0000:00:05.0/vfio-dev/vfio0/dev", "511:0\n");
	put("dev/vfio/5", "", 0);
	put("dev/vfio/noiommu-6", "", 0);
	put("dev/vfio/vfio", "", 0);
	put("dev/vfio/devices/vfio0", "", 0);
	putf("proc/sys/kernel/osrelease", "6.12.0-test\n");
	load(&inv, true);
	assert_string_equal(inv.kernel_release, "6.12.0-test");
	assert_string_equal(inventory_group(&inv, 5)->vfio_node, "/dev/vfio/5");
	assert_string_equal(inventory_group(&inv, 6)->vfio_node, "/dev/vfio/noiommu-6");
	assert_null(inventory_group(&inv, 7)->vfio_node);
	d = inventory_device(&inv, "0000:00:05.0");
	assert_int_equal(d->vfio_cdevs.n, 1);
	assert_string_equal(d->vfio_cdevs.v[0], "vfio0");
	assert_int_equal(inventory_device(&inv, "0000:00:06.0")->vfio_cdevs.n, 0);
	inventory_release(&inv);
}

static void test_order_and_garbage(void **state)
{
	struct inventory inv;

	/* groups in numeric order, a stray entry ignored with a warning */
	group(10, "DMA", msi);
	group(2, "DMA", msi);
	group(1, "DMA", msi);
	mkdir_rel("sys/kernel/iommu_groups/stray");
	/* devices in address order: hex, so 00:10.0 before 00:1f.0 */
	pci_dev("0000:00:1f.0", 0x8086, 0x2918, 0x060100, NULL, 2, NULL, 256);
	pci_dev("0000:00:10.0", 0x8086, 0x2918, 0x060100, NULL, 2, NULL, 256);
	pci_dev("0000:00:09.0", 0x8086, 0x2918, 0x060100, NULL, 2, NULL, 256);
	load(&inv, false);
	assert_int_equal(inv.ndevices, 3);
	assert_string_equal(inv.devices[0].name, "0000:00:09.0");
	assert_string_equal(inv.devices[1].name, "0000:00:10.0");
	assert_string_equal(inv.devices[2].name, "0000:00:1f.0");
	assert_string_equal(inventory_group(&inv, 2)->members.v[1], "0000:00:10.0");
	assert_int_equal(inv.ngroups, 3);
	assert_int_equal(inv.groups[0].id, 1);
	assert_int_equal(inv.groups[1].id, 2);
	assert_int_equal(inv.groups[2].id, 10);
	assert_true(has_warning(&inv, "stray: not a group number"));
	/* an empty group is viable and says why */
	assert_true(inv.groups[0].viable);
	assert_non_null(strstr(inv.groups[0].reason, "no devices"));
	inventory_release(&inv);
}

/* B12: a verdict that cannot be reached is unknown, never "viable" */
static void test_viability_unknown(void **state)
{
	struct inventory inv;
	struct inv_group *g;

	group(1, "DMA", msi);
	pci_dev("0000:00:01.0", 0x8086, 0x10d3, 0x020000, NULL, 1, NULL, 256);
	/* devices/ that is not a directory: the members are not known */
	group(2, "DMA", msi);
	mkdir_rel("sys/kernel/iommu_groups/3");
	putf("sys/kernel/iommu_groups/3/devices", "not a directory\n");
	/* a member whose driver is there but is no link: that driver is not known */
	group(4, "DMA", msi);
	pci_dev("0000:00:04.0", 0x8086, 0x10d3, 0x020000, NULL, 4, NULL, 256);
	putf(DEVDIR "/0000:00:04.0/driver", "e1000e\n");
	/* ... but a member that surely blocks makes the verdict "not viable" */
	group(5, "DMA", msi);
	pci_dev("0000:00:05.0", 0x8086, 0x10d3, 0x020000, NULL, 5, NULL, 256);
	putf(DEVDIR "/0000:00:05.0/driver", "x\n");
	pci_dev("0000:00:05.1", 0x8086, 0x10d3, 0x020000, "e1000e", 5, NULL, 256);
	load(&inv, false);

	g = inventory_group(&inv, 1);
	assert_true(g->viable && g->viable_known);
	g = inventory_group(&inv, 2);
	assert_true(g->viable && g->viable_known);   /* readable and empty: no devices */
	g = inventory_group(&inv, 3);
	assert_false(g->viable);
	assert_false(g->viable_known);
	assert_int_equal(g->members_err, -ENOTDIR);
	assert_non_null(strstr(g->reason, "cannot be listed"));
	assert_true(has_warning(&inv, "its members are unknown"));
	g = inventory_group(&inv, 4);
	assert_false(g->viable);
	assert_false(g->viable_known);
	assert_non_null(strstr(g->reason, "driver of 0000:00:04.0 cannot be read"));
	assert_int_equal(inventory_device(&inv, "00:04.0")->driver_err, -EINVAL);
	g = inventory_group(&inv, 5);
	assert_false(g->viable);
	assert_true(g->viable_known);
	assert_string_equal(g->blockers.v[0], "0000:00:05.1");
	inventory_release(&inv);
}

/* B13: group directories as the kernel names them only; B9: lookups stay exact at any count */
static void test_group_names_and_lookups(void **state)
{
	static const char *const decoys[] = { "01", "00", "+1", "-1", "0x1", " 1", "2147483648",
					       "99999999999" };
	struct inventory inv;
	char name[64];

	group(0, "DMA", msi);
	group(1, "identity", msi);
	pci_dev("0000:00:01.0", 0x8086, 0x10d3, 0x020000, NULL, 1, NULL, 0);
	for (size_t i = 0; i < ARRAY_SIZE(decoys); i++) {
		snprintf(name, sizeof(name), "sys/kernel/iommu_groups/%s/devices", decoys[i]);
		mkdir_rel(name);
	}
	/* enough devices to grow the index many times */
	for (unsigned int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "0000:%02x:%02x.%u", 1 + i / 256, (i / 8) % 32, i % 8);
		pci_dev(name, 0x1234, (uint16_t)i, 0x020000, NULL, -1, NULL, 0);
	}
	load(&inv, false);
	assert_int_equal(inv.ngroups, 2);
	assert_string_equal(inventory_group(&inv, 1)->type, "identity");
	assert_int_equal(inventory_group(&inv, 1)->members.n, 1);
	assert_null(inventory_group(&inv, 2));
	for (size_t i = 0; i < ARRAY_SIZE(decoys); i++) {
		snprintf(name, sizeof(name), "%s: not a group number", decoys[i]);
		assert_true(has_warning(&inv, name));
	}
	assert_int_equal(inv.ndevices, 201);
	for (unsigned int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "%02x:%02x.%u", 1 + i / 256, (i / 8) % 32, i % 8);
		assert_non_null(inventory_device(&inv, name));
		assert_int_equal(inventory_device(&inv, name)->device, i);
	}
	assert_null(inventory_device(&inv, "0000:7f:00.0"));
	inventory_release(&inv);
}

/*
 * B9, counted: the work of loading an inventory and looking up every
 * member grows (nearly) linearly with the members of one group. Work is
 * inv_work (comparisons and hash probes), not time: a quadratic lookup
 * (a scan of devices[] per member) quadruples it when the members double,
 * sorting and hashing about double it.
 */
static unsigned long long members_work(unsigned int from, unsigned int to)
{
	struct inventory inv;
	unsigned long long before;
	char name[64];

	for (unsigned int i = from; i < to; i++) {
		snprintf(name, sizeof(name), "0000:%02x:%02x.%u", i >> 8, (i >> 3) & 31, i & 7);
		pci_dev(name, 0x1234, (uint16_t)i, 0x020000, NULL, 1, NULL, 0);
	}
	before = inv_work;
	load(&inv, false);
	assert_int_equal(inventory_group(&inv, 1)->members.n, to);
	for (unsigned int i = 0; i < to; i++) {
		snprintf(name, sizeof(name), "%02x:%02x.%u", i >> 8, (i >> 3) & 31, i & 7);
		assert_non_null(inventory_device(&inv, name));
	}
	inventory_release(&inv);
	return inv_work - before;
}

static void test_linear_work(void **state)
{
	unsigned long long w1, w2;

	group(1, "DMA", msi);
	w1 = members_work(0, 1500);
	w2 = members_work(1500, 3000);
	print_message("B9: work for 1500 members %llu, for 3000 %llu (ratio %.2f)\n", w1, w2, (double)w2 / (double)w1);
	assert_true(w1 > 0);
	assert_true(w2 * 10 <= w1 * 25);
}

/* ---- what is read: a view that counts the names it is asked for ---- */

struct counting_view {
	struct view view;
	struct view *inner;
	struct strv asked;        /* basename of every path read, linked or listed */
};

static void count_name(struct view *v, const char *path)
{
	const char *slash = strrchr(path, '/');

	strv_push(&((struct counting_view *)v)->asked, slash ? slash + 1 : path);
}

static int cv_read_file(struct view *v, const char *path, char **buf, size_t *len)
{
	count_name(v, path);
	return view_read_file(((struct counting_view *)v)->inner, path, buf, len);
}

static int cv_read_link(struct view *v, const char *path, char **target)
{
	count_name(v, path);
	return view_read_link(((struct counting_view *)v)->inner, path, target);
}

static int cv_list_dir(struct view *v, const char *path, struct strv *names)
{
	count_name(v, path);
	return view_list_dir(((struct counting_view *)v)->inner, path, names);
}

static int cv_kind(struct view *v, const char *path, enum view_kind *kind)
{
	return view_kind(((struct counting_view *)v)->inner, path, kind);
}

static const struct view_ops counting_ops = {
	.name = "counting", .read_file = cv_read_file, .read_link = cv_read_link,
	.list_dir = cv_list_dir, .kind = cv_kind,
};

static size_t asked(const struct counting_view *cv, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < cv->asked.n; i++)
		n += !strcmp(cv->asked.v[i], name);
	return n;
}

static void load_need(struct inventory *inv, unsigned int need, struct counting_view *cv)
{
	char *sys = xasprintf("%s/sys", root);

	memset(cv, 0, sizeof(*cv));
	cv->view.ops = &counting_ops;
	assert_int_equal(view_root_new(NULL, sys, &cv->inner), 0);
	assert_int_equal(inventory_load_need(&cv->view, inv, need), 0);
	view_free(cv->inner);
	free(sys);
}

/*
 * A list view reads what its columns show: the groups with their members'
 * drivers read no IDs, config space, types or regions; the groups alone
 * read no drivers, and say nothing of viability. What is read agrees with
 * the whole inventory.
 */
static void test_need(void **state)
{
	struct inventory inv, all;
	struct counting_view cv;
	const struct inv_device *d, *e;

	group(1, "DMA", msi);
	group(2, "identity", msi);
	pci_dev("0000:00:03.0", 0x8086, 0x10d3, 0x020000, "e1000e", 1, "dmar0", 256);
	pci_dev("0000:00:04.0", 0x1b36, 0x0010, 0x010802, NULL, 2, "dmar0", 256);
	pci_dev("0000:00:05.0", 0x1af4, 0x1000, 0x020000, "vfio-pci", -1, NULL, 256);
	/* IDs come from uevent, as the kernel writes it; the files answer for a bad line */
	putf(DEVDIR "/0000:00:03.0/uevent", "DRIVER=e1000e\nPCI_CLASS=20000\nPCI_ID=8086:10D3\n"
	     "PCI_SUBSYS_ID=8086:0001\nPCI_SLOT_NAME=0000:00:03.0\n");
	putf(DEVDIR "/0000:00:04.0/uevent", "PCI_CLASS=10802\nPCI_ID=1b36:00100\n");

	load_need(&inv, INV_NEED_GROUPS | INV_NEED_DRIVER, &cv);
	assert_int_equal(inv.ngroups, 2);
	assert_int_equal(inv.ndevices, 2);         /* the members only */
	assert_true(inv.groups[0].viable_known && !inv.groups[0].viable);
	assert_true(inv.groups[1].viable_known && inv.groups[1].viable);
	assert_string_equal(inventory_device(&inv, "00:03.0")->driver, "e1000e");
	assert_int_equal(asked(&cv, "driver"), 2);
	assert_int_equal(asked(&cv, "config") + asked(&cv, "uevent") + asked(&cv, "vendor") +
			 asked(&cv, "type") + asked(&cv, "reserved_regions") + asked(&cv, "iommu") +
			 asked(&cv, "iommu_group") + asked(&cv, "driver_override"), 0);
	strv_free(&cv.asked);
	inventory_release(&inv);

	load_need(&inv, INV_NEED_GROUPS, &cv);
	assert_int_equal(asked(&cv, "driver"), 0);
	assert_false(inv.groups[0].viable_known);
	assert_int_equal(inventory_device(&inv, "00:04.0")->group, 2);
	strv_free(&cv.asked);
	inventory_release(&inv);

	/* device list's default columns: the same answers as the whole, fewer reads */
	load_need(&inv, INV_NEED_PCI | INV_NEED_GROUPS | INV_NEED_IDS | INV_NEED_DRIVER |
		  INV_NEED_DEV_UNIT | INV_NEED_CONFIG, &cv);
	assert_int_equal(asked(&cv, "vendor"), 2);   /* not 00:03.0's: its uevent said */
	assert_int_equal(asked(&cv, "revision") + asked(&cv, "driver_override") +
			 asked(&cv, "iommu_group"), 0);
	strv_free(&cv.asked);
	load(&all, false);
	assert_int_equal(inv.ndevices, all.ndevices);
	for (size_t i = 0; i < inv.ndevices; i++) {
		d = &inv.devices[i];
		e = &all.devices[i];
		assert_string_equal(d->name, e->name);
		assert_true(d->has_vendor == e->has_vendor && d->vendor == e->vendor);
		assert_true(d->has_device == e->has_device && d->device == e->device);
		assert_true(d->has_class == e->has_class && d->class_code == e->class_code);
		assert_int_equal(d->group, e->group);
		assert_true((!d->driver && !e->driver) || !strcmp(d->driver, e->driver));
		assert_true((!d->unit && !e->unit) || !strcmp(d->unit, e->unit));
		assert_int_equal(d->cfg.len, e->cfg.len);
	}
	d = inventory_device(&inv, "00:04.0");
	assert_true(d->has_device && d->device == 0x0010);   /* "00100" is not 16 bits: the file */
	assert_int_equal(d->class_code, 0x010802);
	inventory_release(&all);
	inventory_release(&inv);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tree_setup, tree_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_rule),
		T(test_viability),
		cmocka_unit_test(test_resv_parse),
		T(test_resv_in_tree),
		T(test_selectors),
		T(test_missing_attributes),
		T(test_no_groups),
		T(test_no_pci_bus),
		T(test_units),
		T(test_need),
		cmocka_unit_test(test_attr_parse),
		T(test_vfio_nodes),
		T(test_order_and_garbage),
		T(test_viability_unknown),
		T(test_group_names_and_lookups),
		T(test_linear_work),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
