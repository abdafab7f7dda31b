/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of doctor on fake machines (fake_sysfs.c): each verdict of
 * each check from the files it reads (firmware tables, the kernel command
 * line and configuration, /proc/interrupts, module parameters, the VFIO
 * nodes, group viability), unknown where the source lacks them, the exit
 * status and JSON of the command, and that `snapshot save` keeps what it
 * reads (doctor on the snapshot says what it said on the machine).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "backends/dump/snapshot.h"
#include "backends/sysfs/doctor.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"

#include "fake_sysfs.c"

/* ---- machines ---- */

/* A whole directory away (fake_remove unlinks one file). */
static void remove_tree(struct fake_sysfs *fs, const char *path)
{
	char *h = host(fs, path);

	rm_rf(h);
	free(h);
}

static void unit_dmar0(struct fake_sysfs *fs, const char *ecap)
{
	fake_file(fs, "/sys/devices/virtual/iommu/dmar0/intel-iommu/cap", "d2008c22260286\n");
	fake_file(fs, "/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap", ecap);
	fake_link(fs, "/sys/class/iommu/dmar0", "/sys/devices/virtual/iommu/dmar0");
}

static void modules(struct fake_sysfs *fs, const char *unsafe, const char *noiommu)
{
	fake_file(fs, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", noiommu);
	fake_file(fs, "/sys/module/vfio_pci/parameters/ids", "\n");
	fake_file(fs, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", unsafe);
}

/* An Intel machine with VT-d on and VFIO loaded: every check ok. */
static struct fake_sysfs *machine_ready(void)
{
	struct fake_sysfs *fs = fake_new();

	fake_file(fs, "/sys/firmware/acpi/tables/DMAR", "");
	fake_file(fs, "/sys/firmware/acpi/tables/FACP", "");
	unit_dmar0(fs, "f00f5e\n");
	fake_driver(fs, "vfio-pci", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, "vfio-pci", NULL);
	fake_file(fs, "/dev/vfio/1", "");
	fake_file(fs, "/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommuctl_vm.x=1 quiet vfio-pci.ids=1b36:0005\n");
	fake_file(fs, "/proc/interrupts", "           CPU0\n 24:    0  IR-PCI-MSIX-0000:00:04.0 0-edge eth0\n");
	modules(fs, "N\n", "N\n");
	return fs;
}

/* A machine whose firmware describes no IOMMU. */
static struct fake_sysfs *machine_bare(void)
{
	struct fake_sysfs *fs = fake_new();

	fake_file(fs, "/sys/firmware/acpi/tables/FACP", "");
	fake_file(fs, "/sys/kernel/iommu_groups/.keep", "");
	fake_remove(fs, "/sys/kernel/iommu_groups/.keep");
	fake_file(fs, "/sys/class/iommu/.keep", "");
	fake_remove(fs, "/sys/class/iommu/.keep");
	fake_file(fs, "/proc/cmdline", "root=/dev/vda quiet\n");
	fake_file(fs, "/proc/interrupts", "           CPU0\n  1:   9  IO-APIC   1-edge  i8042\n");
	modules(fs, "N\n", "N\n");
	return fs;
}

static void gather(struct fake_sysfs *fs, struct doctor *d)
{
	struct doctor_opts o = { .live = false };

	assert_int_equal(doctor_gather(fake_view(fs), &o, d), 0);
}

static const struct doctor_check *find(const struct doctor *d, const char *id)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->checks[i].id, id))
			return &d->checks[i];
	fail_msg("no check %s", id);
	return NULL;
}

static void expect(const struct doctor *d, const char *id, enum doctor_verdict v, const char *in_evidence,
		   const char *in_fix)
{
	const struct doctor_check *c = find(d, id);

	if (c->verdict != v)
		fail_msg("%s: verdict %s, expected %s (%s)", id, doctor_verdict_name(c->verdict),
			 doctor_verdict_name(v), c->evidence);
	if (in_evidence && !strstr(c->evidence, in_evidence))
		fail_msg("%s: evidence '%s' lacks '%s'", id, c->evidence, in_evidence);
	if (in_fix && (!c->fix || !strstr(c->fix, in_fix)))
		fail_msg("%s: fix '%s' lacks '%s'", id, c->fix ? c->fix : "(none)", in_fix);
	if (!in_fix && v == DOCTOR_OK && c->fix)
		fail_msg("%s: ok with a fix '%s'", id, c->fix);
}

/* ---- the pure helpers ---- */

static void test_cmdline_value(void **state)
{
	char *v;

	v = doctor_cmdline_value("a intel_iommu=on b intel_iommu=off,sm_on", "intel_iommu");
	assert_string_equal(v, "off,sm_on");  /* the last one wins, as the kernel's parser */
	free(v);
	v = doctor_cmdline_value("iommu.passthrough=1 iommu=pt", "iommu");
	assert_string_equal(v, "pt");          /* not iommu.passthrough */
	free(v);
	v = doctor_cmdline_value("quiet pcie_acs_override", "pcie_acs_override");
	assert_string_equal(v, "");
	free(v);
	assert_null(doctor_cmdline_value("root=/dev/sda -- iommu=off", "iommu"));  /* init's */
	assert_null(doctor_cmdline_value("intel_iommu_x=on", "intel_iommu"));
	assert_null(doctor_cmdline_value("", "iommu"));
}

static void test_interrupts(void **state)
{
	assert_int_equal(doctor_interrupts_isolated(" 0: 1 IR-IO-APIC 2-edge timer\n"), 1);
	assert_int_equal(doctor_interrupts_isolated(" 9: 1 ITS-PCI-MSIX-0000:00:01.0 0 edge\n"), 2);
	assert_int_equal(doctor_interrupts_isolated(" 0: 1 IO-APIC 2-edge timer\n 24: PCI-MSI-0000:00:04.0\n"), 0);
	assert_int_equal(doctor_interrupts_isolated(""), 0);
}

/* ---- verdicts ---- */

static void test_ready(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	gather(fs, &d);
	expect(&d, "firmware.table", DOCTOR_OK, "/sys/firmware/acpi/tables/DMAR", NULL);
	expect(&d, "firmware.enabled", DOCTOR_OK, "1 unit (dmar0)", NULL);
	expect(&d, "kernel.cmdline", DOCTOR_OK, "/proc/cmdline: intel_iommu=on vfio-pci.ids=1b36:0005", NULL);
	expect(&d, "kernel.acs-override", DOCTOR_OK, NULL, NULL);
	expect(&d, "kernel.domain-type", DOCTOR_OK, "DMA (strict) 1", NULL);
	expect(&d, "kernel.irq-remapping", DOCTOR_OK, "dmar0 ecap IR=1", NULL);
	expect(&d, "kernel.noiommu-mode", DOCTOR_OK, "enable_unsafe_noiommu_mode: N", NULL);
	expect(&d, "vfio.module-vfio", DOCTOR_OK, NULL, NULL);
	expect(&d, "vfio.module-vfio-pci", DOCTOR_OK, NULL, NULL);
	expect(&d, "vfio.backend", DOCTOR_OK, "vfio_iommu_type1: present", NULL);
	expect(&d, "vfio.container", DOCTOR_OK, "present", NULL);
	expect(&d, "vfio.iommufd", DOCTOR_OK, "legacy container", NULL);
	expect(&d, "vfio.devices", DOCTOR_OK, "/dev/vfio/1", NULL);
	expect(&d, "vfio.access", DOCTOR_UNKNOWN, "not known from a snapshot", NULL);
	assert_true(find(&d, "vfio.access")->live_only);
	expect(&d, "group.1", DOCTOR_OK, "0000:00:03.0", NULL);
	assert_int_equal(d.count[DOCTOR_FAIL], 0);
	assert_int_equal(d.count[DOCTOR_WARN], 0);
	doctor_release(&d);
	fake_free(fs);
}

static void test_no_iommu(void **state)
{
	struct fake_sysfs *fs = machine_bare();
	struct doctor d;

	gather(fs, &d);
	expect(&d, "firmware.table", DOCTOR_FAIL, "no DMAR, IVRS, IORT or VIOT", "-device intel-iommu");
	expect(&d, "firmware.enabled", DOCTOR_FAIL, "0 groups", "no IOMMU is described by the firmware");
	expect(&d, "kernel.irq-remapping", DOCTOR_FAIL, "no IR- or ITS-", "allow_unsafe_interrupts=1");
	/* no groups: no domain type, no group lines */
	for (size_t i = 0; i < d.n; i++) {
		assert_string_not_equal(d.checks[i].id, "kernel.domain-type");
		assert_false(str_startswith(d.checks[i].id, "group."));
	}
	doctor_release(&d);
	fake_free(fs);
}

static void test_devicetree(void **state)
{
	struct fake_sysfs *fs = machine_bare();
	struct doctor d;

	remove_tree(fs, "/sys/firmware/acpi");
	fake_file(fs, "/sys/firmware/devicetree/base/smmu@9050000/#iommu-cells", "");
	fake_file(fs, "/sys/firmware/devicetree/base/smmu@9050000/compatible", "arm,smmu-v3");
	fake_file(fs, "/sys/firmware/devicetree/base/pcie@10000000/iommu-map", "");
	gather(fs, &d);
	expect(&d, "firmware.table", DOCTOR_OK, "devicetree /smmu@9050000 (arm,smmu-v3) (1 devicetree nodes", NULL);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "load or build in its driver");
	doctor_release(&d);
	fake_free(fs);
}

static void gz_file(struct fake_sysfs *fs, const char *path, const char *text)
{
	unsigned char buf[4096];
	z_stream zs = { 0 };
	char *host_path = xasprintf("%s%s", fake_root(fs), path);
	FILE *f;

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)text;
	zs.avail_in = (uInt)strlen(text);
	zs.next_out = buf;
	zs.avail_out = sizeof(buf);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	fake_file(fs, path, "");
	f = fopen(host_path, "wb");
	assert_non_null(f);
	fwrite(buf, 1, sizeof(buf) - zs.avail_out, f);
	fclose(f);
	deflateEnd(&zs);
	free(host_path);
}

/* A DMAR table and no groups: the cause named from the command line and the kernel's configuration. */
static void test_table_not_enabled(void **state)
{
	struct fake_sysfs *fs = machine_bare();
	struct doctor d;

	fake_file(fs, "/sys/firmware/acpi/tables/DMAR", "");
	/* nothing says what the kernel's default is */
	gather(fs, &d);
	expect(&d, "firmware.table", DOCTOR_OK, "DMAR", NULL);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "check /boot/config-6.12.0-fake or /proc/config.gz");
	doctor_release(&d);
	/* the configuration in /boot: off by default */
	fake_file(fs, "/boot/config-6.12.0-fake", "CONFIG_X=y\n# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n");
	gather(fs, &d);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL,
	       "CONFIG_INTEL_IOMMU_DEFAULT_ON is not set in /boot/config-6.12.0-fake): add intel_iommu=on");
	doctor_release(&d);
	/* /proc/config.gz first: on by default, so the BIOS */
	gz_file(fs, "/proc/config.gz", "CONFIG_A=m\nCONFIG_INTEL_IOMMU_DEFAULT_ON=y\n");
	gather(fs, &d);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "(CONFIG_INTEL_IOMMU_DEFAULT_ON=y in /proc/config.gz)");
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "BIOS enables VT-d");
	doctor_release(&d);
	/* Debian's choice: on except for an integrated GPU */
	gz_file(fs, "/proc/config.gz", "# CONFIG_INTEL_IOMMU_DEFAULT_ON is not set\n"
		"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF=y\n");
	gather(fs, &d);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "BIOS enables VT-d");
	doctor_release(&d);
	/* turned off on the command line */
	fake_file(fs, "/proc/cmdline", "root=/dev/vda intel_iommu=off\n");
	gather(fs, &d);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "intel_iommu=off: replace it with intel_iommu=on");
	expect(&d, "kernel.cmdline", DOCTOR_FAIL, "intel_iommu=off", "remove intel_iommu=off");
	doctor_release(&d);
	fake_file(fs, "/proc/cmdline", "root=/dev/vda iommu=off\n");
	gather(fs, &d);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "(iommu=off in /proc/cmdline): remove it");
	doctor_release(&d);
	fake_file(fs, "/proc/cmdline", "root=/dev/vda intel_iommu=on\n");
	gather(fs, &d);
	expect(&d, "firmware.enabled", DOCTOR_FAIL, NULL, "intel_iommu=on is given");
	doctor_release(&d);
	fake_free(fs);
}

static void test_passthrough(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	fake_file(fs, "/proc/cmdline", "intel_iommu=on iommu=pt\n");
	fake_file(fs, "/sys/kernel/iommu_groups/1/type", "identity\n");
	gather(fs, &d);
	expect(&d, "kernel.domain-type", DOCTOR_WARN, "identity (passthrough) 1; /proc/cmdline: iommu=pt",
	       "remove iommu=pt");
	expect(&d, "kernel.domain-type", DOCTOR_WARN, NULL, "VFIO is not affected");
	assert_int_equal(d.count[DOCTOR_FAIL], 0);
	doctor_release(&d);
	/* identity with nothing on the command line: the kernel's default or a changed group */
	fake_file(fs, "/proc/cmdline", "intel_iommu=on iommu.strict=0\n");
	gather(fs, &d);
	expect(&d, "kernel.domain-type", DOCTOR_WARN, "iommu.strict=0", "iommuctl group type N DMA");
	doctor_release(&d);
	fake_free(fs);
}

static void test_acs_override(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	fake_file(fs, "/proc/cmdline", "intel_iommu=on pcie_acs_override=downstream,multifunction\n");
	gather(fs, &d);
	expect(&d, "kernel.acs-override", DOCTOR_WARN, "pcie_acs_override=downstream,multifunction",
	       "peer-to-peer DMA");
	doctor_release(&d);
	fake_free(fs);
}

static void test_irq_remapping(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	fake_file(fs, "/proc/interrupts", " 24: 0 PCI-MSIX-0000:00:04.0 0-edge eth0\n");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_FAIL, "allow_unsafe_interrupts=N", "No interrupt remapping");
	doctor_release(&d);
	fake_file(fs, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "Y\n");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_WARN, "allow_unsafe_interrupts=Y", "drop allow_unsafe_interrupts");
	doctor_release(&d);
	fake_file(fs, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n");
	fake_file(fs, "/sys/module/iommufd/parameters/allow_unsafe_interrupts", "Y\n");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_WARN, "iommufd.allow_unsafe_interrupts=Y", NULL);
	doctor_release(&d);
	fake_file(fs, "/proc/interrupts", " 9: 1 ITS-PCI-MSIX-0000:00:01.0 0 edge\n");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_OK, "GIC ITS", NULL);
	doctor_release(&d);
	fake_free(fs);
	/* POWER: the SPAPR TCE backend does not ask for MSI isolation */
	fs = machine_bare();
	fake_file(fs, "/sys/devices/virtual/iommu/iommu-phb0000/.keep", "");
	fake_link(fs, "/sys/class/iommu/iommu-phb0000", "/sys/devices/virtual/iommu/iommu-phb0000");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_OK, "iommu-phb0000: the SPAPR TCE backend (POWER) does not need it",
	       NULL);
	doctor_release(&d);
	fake_free(fs);
	/*
	 * RISC-V (the riscv64 7.2 guest of test-vm-vfio): IMSIC MSIs, which
	 * nothing isolates; the fix says no setting enables it, not VT-d's intremap
	 */
	fs = machine_bare();
	fake_file(fs, "/sys/devices/virtual/iommu/riscv-iommu@0000:00:01.0/.keep", "");
	fake_link(fs, "/sys/class/iommu/riscv-iommu@0000:00:01.0", "/sys/devices/virtual/iommu/riscv-iommu@0000:00:01.0");
	fake_file(fs, "/proc/interrupts", " 11: 0 PCI-MSIX-0000:00:01.0 0 Edge 0000:00:01.0\n");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_FAIL,
	       "riscv-iommu@0000:00:01.0: the RISC-V IOMMU driver remaps no MSIs and the IMSIC does not isolate them",
	       "boot with iommufd.allow_unsafe_interrupts=1 on a kernel with CONFIG_IOMMUFD (this one has no iommufd)");
	assert_null(strstr(find(&d, "kernel.irq-remapping")->fix, "intremap"));
	doctor_release(&d);
	/* a kernel with iommufd (the riscv64 rebuild) needs only the parameter */
	fake_file(fs, "/sys/module/iommufd/uevent", "");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_FAIL, NULL, "boot with iommufd.allow_unsafe_interrupts=1");
	assert_null(strstr(find(&d, "kernel.irq-remapping")->fix, "CONFIG_IOMMUFD"));
	doctor_release(&d);
	fake_file(fs, "/sys/module/iommufd/parameters/allow_unsafe_interrupts", "Y\n");
	gather(fs, &d);
	expect(&d, "kernel.irq-remapping", DOCTOR_WARN, "iommufd.allow_unsafe_interrupts=Y",
	       "On RISC-V nothing enables isolation with this kernel");
	assert_null(strstr(find(&d, "kernel.irq-remapping")->fix, "intremap"));
	doctor_release(&d);
	fake_free(fs);
}

static void test_noiommu_mode(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	fake_file(fs, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "Y\n");
	gather(fs, &d);
	expect(&d, "kernel.noiommu-mode", DOCTOR_WARN, "enable_unsafe_noiommu_mode: Y", "without any DMA protection");
	doctor_release(&d);
	fake_remove(fs, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode");
	gather(fs, &d);
	expect(&d, "kernel.noiommu-mode", DOCTOR_OK, "no CONFIG_VFIO_NOIOMMU", NULL);
	doctor_release(&d);
	fake_free(fs);
}

static void test_modules_and_nodes(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	remove_tree(fs, "/sys/module/vfio");
	remove_tree(fs, "/sys/module/vfio_pci");
	remove_tree(fs, "/sys/module/vfio_iommu_type1");
	remove_tree(fs, "/dev/vfio");
	fake_file(fs, "/sys/module/e1000e/parameters/debug", "-1\n");
	gather(fs, &d);
	expect(&d, "vfio.module-vfio", DOCTOR_WARN, "absent", "modprobe vfio-pci");
	expect(&d, "vfio.module-vfio-pci", DOCTOR_WARN, "absent", "modprobe vfio-pci");
	expect(&d, "vfio.backend", DOCTOR_WARN, "absent", "modprobe vfio_iommu_type1");
	expect(&d, "vfio.container", DOCTOR_WARN, "absent", "modprobe vfio-pci");
	expect(&d, "vfio.iommufd", DOCTOR_WARN, "absent", "modprobe iommufd");
	expect(&d, "kernel.noiommu-mode", DOCTOR_OK, "vfio not loaded", NULL);
	doctor_release(&d);
	/* iommufd alone is a backend, and its node stands for the container */
	fake_file(fs, "/sys/module/iommufd/parameters/allow_unsafe_interrupts", "N\n");
	fake_file(fs, "/dev/iommu", "");
	fake_file(fs, "/dev/vfio/devices/vfio0", "");
	gather(fs, &d);
	expect(&d, "vfio.backend", DOCTOR_OK, "iommufd: present", NULL);
	expect(&d, "vfio.container", DOCTOR_OK, "iommufd is there", NULL);
	expect(&d, "vfio.iommufd", DOCTOR_OK, "present", NULL);
	expect(&d, "vfio.devices", DOCTOR_OK, "/dev/vfio/devices: vfio0", NULL);
	doctor_release(&d);
	fake_free(fs);
}

static void test_groups(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	fake_driver(fs, "e1000e", false);
	fake_device(fs, "0000:00:04.0", NULL, 2, "e1000e", NULL);
	gather(fs, &d);
	expect(&d, "group.1", DOCTOR_OK, NULL, NULL);
	expect(&d, "group.2", DOCTOR_WARN, "0000:00:04.0 is bound to e1000e", "iommuctl group claim 2");
	doctor_release(&d);
	fake_free(fs);
}

/* A source without /proc, /sys/module or /sys/firmware (a snapshot of an older iommuctl): unknown. */
static void test_not_recorded(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	struct doctor d;

	fake_remove(fs, "/proc/cmdline");
	fake_remove(fs, "/proc/interrupts");
	remove_tree(fs, "/sys/module");
	remove_tree(fs, "/sys/firmware");
	gather(fs, &d);
	expect(&d, "firmware.table", DOCTOR_UNKNOWN, "not in the source", NULL);
	expect(&d, "firmware.enabled", DOCTOR_OK, NULL, NULL);
	expect(&d, "kernel.cmdline", DOCTOR_UNKNOWN, NULL, NULL);
	expect(&d, "kernel.acs-override", DOCTOR_UNKNOWN, NULL, NULL);
	expect(&d, "kernel.irq-remapping", DOCTOR_UNKNOWN, "not in the source", NULL);
	expect(&d, "kernel.noiommu-mode", DOCTOR_UNKNOWN, NULL, NULL);
	expect(&d, "vfio.module-vfio", DOCTOR_UNKNOWN, NULL, NULL);
	expect(&d, "vfio.backend", DOCTOR_UNKNOWN, NULL, NULL);
	assert_int_equal(d.count[DOCTOR_FAIL], 0);
	doctor_release(&d);
	fake_free(fs);
}

/* ---- the command ---- */

static void test_cli_status(void **state)
{
	struct fake_sysfs *fs = machine_bare();
	const char *argv_j[] = { "doctor", "-j" };
	const char *argv_p[] = { "doctor", "--problems" };
	char *out = NULL;

	/* problems found: exit 1, the document and no error object */
	assert_int_equal(fake_cli(fs, 1000, NULL, &out, 2, argv_j), -EVERDICT);
	assert_int_equal(exit_status_from_err(-EVERDICT), EXIT_FAIL);
	assert_non_null(strstr(out, "\"ready\":false"));
	assert_non_null(strstr(out, "\"nfail\":3"));
	assert_null(strstr(out, "\"error\""));
	free(out);
	assert_int_equal(fake_cli(fs, 1000, NULL, &out, 2, argv_p), -EVERDICT);
	assert_null(strstr(out, "  ok "));
	assert_non_null(strstr(out, "  fail    kernel enabled an IOMMU"));
	assert_non_null(strstr(out, "          fix: "));
	assert_non_null(strstr(out, "summary: "));
	assert_non_null(strstr(out, "not ready"));
	free(out);
	fake_free(fs);

	fs = machine_ready();
	assert_int_equal(fake_cli(fs, 1000, NULL, &out, 2, argv_j), 0);
	assert_non_null(strstr(out, "\"ready\":true"));
	free(out);
	fake_free(fs);
}

/* snapshot save records what doctor reads: the same verdicts from the snapshot */
static void test_snapshot_keeps(void **state)
{
	struct fake_sysfs *fs = machine_ready();
	char file[] = "/tmp/iommuctl-doctor-snap.XXXXXX";
	const char *argv_s[] = { "snapshot", "save", file };
	struct doctor a, b;
	struct view *sv;
	char *why = NULL;
	int fd = mkstemp(file);

	assert_true(fd >= 0);
	close(fd);
	fake_file(fs, "/sys/firmware/acpi/tables/IVRS", "");
	fake_file(fs, "/proc/cmdline", "iommu=pt pcie_acs_override=downstream\n");
	fake_file(fs, "/sys/kernel/iommu_groups/1/type", "identity\n");
	assert_int_equal(fake_cli(fs, 0, NULL, NULL, 3, argv_s), 0);
	gather(fs, &a);
	assert_int_equal(snapshot_view_open(file, &sv, &why), 0);
	assert_int_equal(doctor_gather(sv, &(struct doctor_opts){ .live = false }, &b), 0);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++) {
		assert_string_equal(a.checks[i].id, b.checks[i].id);
		if (a.checks[i].verdict != b.checks[i].verdict || strcmp(a.checks[i].evidence, b.checks[i].evidence))
			fail_msg("%s: machine %s '%s', snapshot %s '%s'", a.checks[i].id,
				 doctor_verdict_name(a.checks[i].verdict), a.checks[i].evidence,
				 doctor_verdict_name(b.checks[i].verdict), b.checks[i].evidence);
	}
	expect(&b, "kernel.acs-override", DOCTOR_WARN, NULL, NULL);
	expect(&b, "firmware.table", DOCTOR_OK, "DMAR, /sys/firmware/acpi/tables/IVRS", NULL);
	doctor_release(&a);
	doctor_release(&b);
	view_free(sv);
	unlink(file);
	fake_free(fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_value),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_no_iommu),
		cmocka_unit_test(test_devicetree),
		cmocka_unit_test(test_table_not_enabled),
		cmocka_unit_test(test_passthrough),
		cmocka_unit_test(test_acs_override),
		cmocka_unit_test(test_irq_remapping),
		cmocka_unit_test(test_noiommu_mode),
		cmocka_unit_test(test_modules_and_nodes),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_not_recorded),
		cmocka_unit_test(test_cli_status),
		cmocka_unit_test(test_snapshot_keeps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
