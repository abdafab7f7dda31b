/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the desired state and apply over the fake machine of
 * fake_sysfs.c: the claims.d parser (every error collected, bounded
 * input, files in name order), apply's plan (a swapped card refused, a
 * companion refused unless a line allows it), idempotence (a second apply
 * changes nothing, not even the record), the release of a group no line
 * names any more, one transaction (a failure injected at every write: the
 * machine left exactly as before), and --check (drift after the group
 * gained a member or a device changed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/sysfs/apply.h"
#include "backends/sysfs/claim.h"
#include "backends/sysfs/desired.h"
#include "backends/sysfs/inventory.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

#include "fake_sysfs.c"

static void ids(struct fake_sysfs *fs, const char *addr, const char *ven, const char *dev, const char *cls)
{
	char *p;

	p = xasprintf("/sys/devices/pci0000:00/%s/vendor", addr);
	fake_file(fs, p, ven);
	free(p);
	p = xasprintf("/sys/devices/pci0000:00/%s/device", addr);
	fake_file(fs, p, dev);
	free(p);
	p = xasprintf("/sys/devices/pci0000:00/%s/class", addr);
	fake_file(fs, p, cls);
	free(p);
}

/*
 * The machine: group 2 a NIC (e1000e, 8086:10d3), group 3 a second one,
 * group 4 a GPU (10de:2204, on "nouveau") with its HD audio function
 * (10de:1aef, snd_hda_intel) beside it, group 5 the AHCI controller with
 * the root disk.
 */
static struct fake_sysfs *machine(void)
{
	struct fake_sysfs *fs = fake_new();

	fake_driver(fs, "e1000e", false);
	fake_driver(fs, "vfio-pci", false);
	fake_driver(fs, "nouveau", false);
	fake_driver(fs, "snd_hda_intel", false);
	fake_driver(fs, "ahci", false);
	fake_device(fs, "0000:00:04.0", NULL, 2, "e1000e", "e1000e");
	fake_device(fs, "0000:00:05.0", NULL, 3, "e1000e", "e1000e");
	fake_device(fs, "0000:00:08.0", NULL, 4, "nouveau", "nouveau");
	ids(fs, "0000:00:08.0", "0x10de\n", "0x2204\n", "0x030000\n");
	fake_device(fs, "0000:00:08.1", NULL, 4, "snd_hda_intel", "snd_hda_intel");
	ids(fs, "0000:00:08.1", "0x10de\n", "0x1aef\n", "0x040300\n");
	fake_device(fs, "0000:00:1f.2", NULL, 5, "ahci", "ahci");
	ids(fs, "0000:00:1f.2", "0x8086\n", "0x2922\n", "0x010601\n");
	fake_file(fs, "/proc/mounts", "/dev/sda1 / ext4 rw 0 0\n");
	return fs;
}

struct fx {
	struct fake_sysfs *fs;
	char dir[64];
	char *state, *record, *conf;
};

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->fs = machine();
	snprintf(f->dir, sizeof(f->dir), "/tmp/iommuctl-apply.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->state = xasprintf("%s/state", f->dir);
	f->record = xasprintf("%s/lib/applied.json", f->dir);
	f->conf = xasprintf("%s/claims.d", f->dir);
	assert_int_equal(mkdir(f->conf, 0755), 0);
	setenv(CLAIM_STATE_DIR_ENV, f->state, 1);
	setenv(APPLY_RECORD_ENV, f->record, 1);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->dir);

	fake_free(f->fs);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f->state);
	free(f->record);
	free(f->conf);
	free(f);
	unsetenv(CLAIM_STATE_DIR_ENV);
	unsetenv(APPLY_RECORD_ENV);
	return 0;
}

/* conf/NAME holds text (NULL: removed) */
static void conf(struct fx *f, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", f->conf, name);

	if (text) {
		FILE *fp = fopen(p, "w");

		assert_non_null(fp);
		fputs(text, fp);
		fclose(fp);
	} else {
		unlink(p);
	}
	free(p);
}

/*
 * With $IOMMUCTL_JSON_SAMPLES set, keep each -j document there for
 * tests/cli/test-json-schema.sh: apply-N.json, apply-hook-N.json, or
 * error-apply-N.json.
 */
static void keep_sample(int argc, char **argv, const char *doc)
{
	bool hook = argc > 1 && !strcmp(argv[1], "hook");
	static int nsample;
	const char *dir = getenv("IOMMUCTL_JSON_SAMPLES");
	char *path;
	FILE *fp;

	if (!dir)
		return;
	path = xasprintf("%s/%s-%d.json", dir, str_startswith(doc, "{\"error\":") ? "error-apply" :
			 hook ? "apply-hook" : "apply", ++nsample);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(doc, fp);
	fclose(fp);
	free(path);
}

static long run_cli_euid = -1;

/* iommuctl ARGS... on the fake machine: its return, stdout then stderr in *out */
static int run_cli(struct fx *f, char **out, int argc, ...)
{
	const char *argv[32];
	va_list ap;

	va_start(ap, argc);
	for (int i = 0; i < argc && i < 32; i++)
		argv[i] = va_arg(ap, const char *);
	va_end(ap);
	return fake_cli(f->fs, run_cli_euid, keep_sample, out, argc, argv);
}

static void assert_has(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		print_error("expected '%s' in:\n%s\n", needle, hay);
		fail();
	}
}

/* ---- the parser ---- */

static void test_parse_good(void **state)
{
	static const char text[] =
		"# a GPU and its audio function\n"
		"device 01:00.0 id=10de:2204 subsystem=1458:403B driver=vfio-pci type=DMA companions=audio,usb\n"
		"  companion 0000:01:00.1 id=10de:1aef   # stays with it\n"
		"\n"
		"device 0000:02:00.0 id=8086:10d3 driver='pci-stub' companions=any\n";
	struct strv errors = { 0 };
	struct desired d = { 0 };
	char buf[64];

	assert_int_equal(desired_parse_text("t.conf", text, sizeof(text) - 1, &d, &errors), 0);
	assert_int_equal(errors.n, 0);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.e[0].addr, "0000:01:00.0");
	assert_false(d.e[0].companion);
	assert_int_equal(d.e[0].ids.vendor, 0x10de);
	assert_int_equal(d.e[0].ids.subsys_device, 0x403b);
	assert_string_equal(d.e[0].driver, "vfio-pci");
	assert_string_equal(d.e[0].type, "DMA");
	assert_int_equal(d.e[0].comp, DESIRED_COMP_CLASSES);
	assert_string_equal(d.e[0].where, "t.conf:2");
	desired_ids_format(&d.e[0].ids, buf, sizeof(buf));
	assert_string_equal(buf, "10de:2204 subsystem 1458:403b");
	assert_true(d.e[1].companion);
	assert_string_equal(d.e[1].where, "t.conf:3");
	assert_string_equal(d.e[2].driver, "pci-stub");
	assert_int_equal(d.e[2].comp, DESIRED_COMP_ANY);
	assert_ptr_equal(desired_find(&d, "0000:01:00.1"), &d.e[1]);
	assert_string_equal(desired_class_word(0x040300), "audio");
	assert_string_equal(desired_class_word(0x040100), "multimedia");
	assert_null(desired_class_word(0xff0000));
	desired_free(&d);
}

/* every problem of a file, each with its line, none stopping the rest */
static void test_parse_errors(void **state)
{
	static const char text[] =
		"claim 01:00.0 id=10de:2204\n"                  /* 1 keyword */
		"device id=10de:2204\n"                         /* 2 no address */
		"device 01:00.zz id=10de:2204\n"                /* 3 bad address */
		"device 01:00.0\n"                              /* 4 no id */
		"device 02:00.0 id=10de\n"                      /* 5 bad id */
		"device 03:00.0 id=10de:2204 type=fast\n"       /* 6 bad type */
		"device 04:00.0 id=10de:2204 companions=gpu\n"  /* 7 bad class */
		"device 05:00.0 id=10de:2204 driver=../x\n"     /* 8 bad driver */
		"companion 06:00.0 id=10de:2204 driver=x\n"     /* 9 not for a companion */
		"device 07:00.0 id=10de:2204 'unterminated\n"   /* 10 quote */
		"device 08:00.0 id=10de:2204 id=10de:2205\n"    /* 11 twice */
		"device 09:00.0 id=10de:2204\n"
		"device 0000:09:00.0 id=10de:2204\n"            /* 13 duplicate */
		"device 0a:00.0 id=10de:2204 type=auto\n"       /* 14 auto */
		"device 0b:00.0 id=10de:2204 \x1b[31m\n";       /* 15 not KEY=VALUE, escaped */
	struct strv errors = { 0 };
	struct desired d = { 0 };
	char *all;

	assert_int_equal(desired_parse_text("e.conf", text, sizeof(text) - 1, &d, &errors), -EINVAL);
	all = strv_join(&errors, "\n");
	assert_has(all, "e.conf:1: 'claim' is not a keyword (device, companion)");
	assert_has(all, "e.conf:2: device needs a PCI address");
	assert_has(all, "e.conf:3: '01:00.zz' is not a PCI address");
	assert_has(all, "e.conf:4: device 0000:01:00.0 has no id=");
	assert_has(all, "e.conf:5: id= must be VENDOR:DEVICE");
	assert_has(all, "e.conf:6: type 'fast' is not one of DMA, DMA-FQ, identity");
	assert_has(all, "e.conf:7: companions: 'gpu' is not a class");
	assert_has(all, "e.conf:8: driver '../x' is not a driver name");
	assert_has(all, "e.conf:9: 'driver=x': companion takes id= and subsystem=");
	assert_has(all, "e.conf:10: unterminated quote");
	assert_has(all, "e.conf:11: id= given twice");
	assert_has(all, "e.conf:13: 0000:09:00.0 is already named at e.conf:12");
	assert_has(all, "e.conf:14: type 'auto' is not one of");
	assert_has(all, "e.conf:15: '\\x1b[31m' is not KEY=VALUE");
	assert_int_equal(d.n, 1);
	free(all);
	strv_free(&errors);
	desired_free(&d);
}

/* a directory: *.conf in name order, other names ignored, a FIFO refused without waiting */
static void test_parse_dir(void **state)
{
	struct fx *f = *state;
	struct strv errors = { 0 };
	struct desired d = { 0 };
	char *p;

	conf(f, "20-b.conf", "device 02:00.0 id=8086:10d3\n");
	conf(f, "10-a.conf", "device 01:00.0 id=8086:10d3\n");
	conf(f, "30-c.conf.bak", "device 03:00.0 id=8086:10d3\n");
	conf(f, ".hidden.conf", "device 04:00.0 id=8086:10d3\n");
	assert_int_equal(desired_load(f->conf, &d, &errors), 0);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.e[0].addr, "0000:01:00.0");
	assert_int_equal(d.files.n, 2);
	desired_free(&d);

	p = xasprintf("%s/40-fifo.conf", f->conf);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(desired_load(f->conf, &d, &errors), -EINVAL);
	assert_has(errors.v[0], "40-fifo.conf: not a regular file");
	unlink(p);
	free(p);
	strv_free(&errors);
	desired_free(&d);

	assert_int_equal(desired_load("/nonexistent/claims.d", &d, &errors), -ENOENT);
	strv_free(&errors);
	desired_free(&d);
	/* a binary file: one error, bounded */
	assert_int_equal(desired_load("/dev/null", &d, &errors), -EINVAL);
	strv_free(&errors);
	desired_free(&d);
}

/* ---- apply ---- */

static void test_apply_idempotent(void **state)
{
	struct fx *f = *state;
	struct stat st1, st2;
	unsigned writes;
	char *out;

	conf(f, "50-nic.conf", "device 00:04.0 id=8086:10d3\n");
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--dry-run"), 0);
	assert_has(out, "group 2 (0000:00:04.0): claim for vfio-pci");
	assert_has(out, "0000:00:04.0 8086:10d3 named: e1000e -> vfio-pci (");
	assert_has(out, "result: dry run, nothing changed");
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);

	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "-j"), 0);
	assert_has(out, "\"action\":\"claim\"");
	assert_has(out, "\"result\":\"applied\",\"changed\":true,\"nchanged\":1");
	assert_has(out, "\"record_written\":true");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "vfio-pci");
	assert_int_equal(stat(f->record, &st1), 0);

	/* the second run: nothing to do, nothing written, the record untouched */
	writes = fake_writes(f->fs);
	assert_int_equal(run_cli(f, &out, 4, "apply", "run", f->conf, "-j"), 0);
	assert_has(out, "\"action\":\"none\"");
	assert_has(out, "\"result\":\"nothing to do\",\"changed\":false");
	assert_has(out, "\"record_written\":false");
	free(out);
	assert_int_equal(fake_writes(f->fs), writes);
	assert_int_equal(stat(f->record, &st2), 0);
	assert_int_equal(st1.st_mtim.tv_nsec, st2.st_mtim.tv_nsec);
	assert_int_equal(st1.st_ino, st2.st_ino);

	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), 0);
	assert_has(out, "result: matches");
	free(out);
}

/* a different card at the address: refused with its IDs, nothing written */
static void test_apply_swapped(void **state)
{
	struct fx *f = *state;
	char *out;

	conf(f, "50-gpu.conf", "device 00:04.0 id=10de:2204\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "refused: 0000:00:04.0 (8086:10d3, network, on e1000e): ");
	assert_has(out, "50-gpu.conf:1 expects 10de:2204; a different device is there now (swapped or moved card): not claimed");
	assert_has(out, ": refused: 1 problem (above); nothing was changed");
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "e1000e");
	/* --check says so too, with the drift status */
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), -EDRIFT);
	assert_int_equal(exit_status_from_err(-EDRIFT), 5);
	free(out);
	/* the subsystem is checked when given */
	conf(f, "50-gpu.conf", "device 00:04.0 id=8086:10d3 subsystem=1028:0001\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "expects 8086:10d3 subsystem 1028:0001");
	free(out);
	/* a device that is not there at all */
	conf(f, "50-gpu.conf", "device 00:09.0 id=8086:10d3\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "0000:00:09.0 (");
	assert_has(out, "no device at this address");
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);
}

/* a group member no line names: refused and named, unless a line lets it in */
static void test_apply_companions(void **state)
{
	struct fx *f = *state;
	char *out;

	conf(f, "50-gpu.conf", "device 00:08.0 id=10de:2204\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "group 4: 0000:00:08.1 (10de:1aef, audio, on snd_hda_intel) shares the group with "
		   "0000:00:08.0 and would be claimed with it, but no line names it: add 'companion "
		   "0000:00:08.1 id=10de:1aef' or companions=audio to the device line");
	assert_has(out, "0000:00:08.1 10de:1aef unauthorised: snd_hda_intel -> vfio-pci");
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);

	/* a companion line with the wrong IDs is no better */
	conf(f, "50-gpu.conf", "device 00:08.0 id=10de:2204\ncompanion 00:08.1 id=10de:0001\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "refused: group 4: companion 0000:00:08.1 (10de:1aef, audio, on snd_hda_intel): ");
	assert_has(out, "50-gpu.conf:2 expects 10de:0001; a different device is there now: not claimed");
	assert_has(out, "0000:00:08.1 10de:1aef mismatch: snd_hda_intel -> vfio-pci");
	free(out);

	conf(f, "50-gpu.conf", "device 00:08.0 id=10de:2204 companions=usb,audio\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "0000:00:08.1 10de:1aef companion: snd_hda_intel -> vfio-pci");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:08.0"), "vfio-pci");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:08.1"), "vfio-pci");

	/* named by a companion line: the same, and still idempotent */
	conf(f, "50-gpu.conf", "device 00:08.0 id=10de:2204\ncompanion 00:08.1 id=10de:1aef\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "result: nothing to do");
	free(out);
}

/* a group an earlier apply claimed, no longer named: released; others kept */
static void test_apply_release(void **state)
{
	struct fx *f = *state;
	char *out;

	conf(f, "10-a.conf", "device 00:04.0 id=8086:10d3\n");
	conf(f, "20-b.conf", "device 00:05.0 id=8086:10d3 type=identity\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "group 3 (0000:00:05.0): type identity, claim for vfio-pci");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "vfio-pci");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:05.0"), "vfio-pci");

	conf(f, "10-a.conf", NULL);
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), -EDRIFT);
	assert_has(out, "drift: group 2 (0000:00:04.0): claimed by an earlier apply, no line names it now: apply releases it");
	free(out);
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "group 2 (0000:00:04.0): release: no line names it now");
	assert_has(out, "result: applied");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "e1000e");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:05.0"), "vfio-pci");
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), 0);
	free(out);
	/* an empty directory releases the rest */
	conf(f, "20-b.conf", NULL);
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:05.0"), "e1000e");
}

/* one transaction: a failure at any write leaves the machine exactly as before */
static void test_apply_fail_every_write(void **state)
{
	struct fx *f = *state;
	unsigned total, n;
	char *before, *after, *out;
	int err;

	conf(f, "50.conf", "device 00:04.0 id=8086:10d3\ndevice 00:05.0 id=8086:10d3 type=identity\n"
	     "device 00:08.0 id=10de:2204 companions=audio\n");
	before = fake_dump(f->fs);
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	free(out);
	total = fake_writes(f->fs);
	assert_true(total > 10);
	for (n = 1; n <= total; n++) {
		char *cmd = xasprintf("rm -rf '%s' '%s'", f->state, f->record);

		fake_free(f->fs);
		f->fs = machine();
		assert_int_equal(system(cmd), 0);
		free(cmd);
		fake_fail_write(f->fs, n, EIO);
		err = run_cli(f, &out, 2, "apply", f->conf);
		assert_int_not_equal(err, 0);
		assert_has(out, "result: failed, rolled back");
		fake_fail_write(f->fs, 0, 0);
		after = fake_dump(f->fs);
		if (strcmp(before, after)) {
			print_error("failure at write %u left the machine changed:\n%s\n--- before\n%s\n--- after\n%s\n",
				    n, out, before, after);
			fail();
		}
		assert_int_equal(access(f->record, F_OK), -1);
		free(after);
		free(out);
	}
	free(before);
}

/*
 * The record is part of the run: its directories are made as mkdir -p
 * would (a system without /var/lib yet), and a record that cannot be
 * written undoes the claims (the machine exactly as before, exit 1). A
 * write the kernel refuses with ENODEV (a probe that does not take the
 * device) fails the run with exit 1 too, not 3 (no such file).
 */
static void test_apply_record_unwritable(void **state)
{
	struct fx *f = *state;
	char *before, *after, *out, *rec, *file;
	FILE *fp;
	int err;

	conf(f, "50.conf", "device 00:04.0 id=8086:10d3\ndevice 00:05.0 id=8086:10d3 type=identity\n");
	before = fake_dump(f->fs);
	file = xasprintf("%s/file", f->dir);
	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	rec = xasprintf("%s/applied.json", file);
	err = run_cli(f, &out, 4, "apply", f->conf, "--record", rec);
	assert_int_equal(err, -ENOTDIR);
	assert_int_equal(exit_status_from_err(err), EXIT_FAIL);
	assert_has(out, "result: failed, rolled back");
	assert_has(out, "cannot write the record");
	after = fake_dump(f->fs);
	assert_string_equal(before, after);
	free(after);
	free(out);
	free(rec);

	rec = xasprintf("%s/var/lib/iommuctl/applied.json", f->dir);
	fake_fail_write(f->fs, 3, ENODEV);
	err = run_cli(f, &out, 4, "apply", f->conf, "--record", rec);
	fake_fail_write(f->fs, 0, 0);
	assert_has(out, "result: failed, rolled back");
	assert_int_equal(exit_status_from_err(err), EXIT_FAIL);
	after = fake_dump(f->fs);
	assert_string_equal(before, after);
	assert_int_equal(access(rec, F_OK), -1);
	free(after);
	free(out);

	assert_int_equal(run_cli(f, &out, 4, "apply", f->conf, "--record", rec), 0);
	assert_has(out, "result: applied");
	assert_int_equal(access(rec, F_OK), 0);
	free(out);
	free(rec);
	free(file);
	free(before);
}

/* --check after the topology changed: a gained member, a changed device */
static void test_check_drift(void **state)
{
	struct fx *f = *state;
	char *out;

	conf(f, "50.conf", "device 00:04.0 id=8086:10d3\n");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	free(out);
	/* after an "update": group 2 gained a function on its host driver */
	fake_file(f->fs, "/proc/sys/kernel/osrelease", "7.2.13-amd64\n");
	fake_device(f->fs, "0000:00:04.1", NULL, 2, "e1000e", "e1000e");
	ids(f->fs, "0000:00:04.1", "0x8086\n", "0x1c22\n", "0x0c0500\n");
	assert_int_equal(run_cli(f, &out, 4, "apply", f->conf, "--check", "-j"), -EDRIFT);
	assert_has(out, "\"group 2 gained 0000:00:04.1 (8086:1c22, smbus, on e1000e): no longer viable\"");
	assert_has(out, "\"result\":\"drift\"");
	assert_has(out, "\"notes\":[\"the kernel is 7.2.13-amd64; the record was made under 6.12.");
	assert_has(out, " differences from the desired state\",\"errno\":0,\"exit\":5}");
	free(out);
	/* and apply refuses to claim it along unauthorised */
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "0000:00:04.1 (8086:1c22, smbus, on e1000e) shares the group");
	free(out);
	/* a record that is not one: said, and taken as none */
	{
		FILE *fp = fopen(f->record, "w");

		fputs("{\"format\":\"iommuctl-applied\",\"version\":1,\"groups\":[{\"key\":\"../x\"}]}", fp);
		fclose(fp);
	}
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), -EDRIFT);
	assert_has(out, "is not an iommuctl apply record");
	free(out);
}

/* the record read back: hostile ones refused, never trusted */
static void test_record_hostile(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
		"",
		"[]",
		"{\"format\":\"other\",\"version\":1,\"groups\":[]}",
		"{\"format\":\"iommuctl-applied\",\"version\":2,\"groups\":[]}",
		"{\"format\":\"iommuctl-applied\",\"version\":1,\"groups\":{}}",
		"{\"format\":\"iommuctl-applied\",\"version\":1,\"groups\":[{\"key\":\"0000:00:04.0\",\"group\":1,"
		"\"driver\":\"../../x\",\"type\":null,\"devices\":[],\"reserved_regions\":[]}]}",
		"{\"format\":\"iommuctl-applied\",\"version\":1,\"groups\":[{\"key\":\"0000:00:04.0\",\"group\":1,"
		"\"driver\":\"vfio-pci\",\"type\":null,\"devices\":[{\"address\":\"0000:00:04.0\",\"vendor\":99999}],"
		"\"reserved_regions\":[]}]}",
		"{\"format\":\"iommuctl-applied\",\"version\":1,\"groups\":[]} trailing",
	};
	struct apply_record rec;
	char *why;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *fp;

		mkdir(f->state, 0755);
		fp = fopen(f->record, "w");
		if (!fp) {
			char *d = xasprintf("%s/lib", f->dir);

			mkdir(d, 0755);
			free(d);
			fp = fopen(f->record, "w");
		}
		assert_non_null(fp);
		fputs(bad[i], fp);
		fclose(fp);
		assert_int_equal(apply_record_read(f->record, &rec, &why), -EBADMSG);
		assert_non_null(why);
		free(why);
	}
	unlink(f->record);
	assert_int_equal(mkfifo(f->record, 0600), 0);
	assert_int_equal(apply_record_read(f->record, &rec, &why), -EBADMSG);
	free(why);
	unlink(f->record);
	assert_int_equal(apply_record_read(f->record, &rec, &why), -ENOENT);
}

/*
 * Boot: the udev rule's hook holds a device that no driver has bound yet
 * (driver_override and its marker); apply claims it; a release gives it to
 * the kernel's choice (its host driver), not back to "unbound, held".
 */
static void test_hook_boot(void **state)
{
	struct fx *f = *state;
	char *out, *marker;
	unsigned writes;

	fake_device(f->fs, "0000:00:06.0", NULL, 6, NULL, "e1000e");
	fake_device(f->fs, "0000:00:07.0", NULL, 7, NULL, "nouveau");
	ids(f->fs, "0000:00:07.0", "0x10de\n", "0x2204\n", "0x030000\n");
	fake_device(f->fs, "0000:00:07.1", NULL, 7, NULL, "snd_hda_intel");
	ids(f->fs, "0000:00:07.1", "0x10de\n", "0x1aef\n", "0x040300\n");
	conf(f, "50.conf", "device 00:06.0 id=8086:10d3\ndevice 00:07.0 id=10de:2204 companions=audio\n");

	/*
	 * A device no line names: nothing for it, but the named devices that
	 * no driver has bound yet are held on its event (the module its event
	 * loads would take them before their own events come)
	 */
	assert_int_equal(run_cli(f, &out, 5, "apply", "hook", "0000:00:05.0", f->conf, "-j"), 0);
	assert_has(out, "\"override_written\":false,\"result\":\"not named\"");
	assert_has(out, "\"also_held\":[\"0000:00:06.0\",\"0000:00:07.0\"]");
	free(out);
	assert_string_equal(fake_override_of(f->fs, "0000:00:07.0"), "vfio-pci");
	assert_string_equal(fake_override_of(f->fs, "0000:00:07.1"), "(null)");
	writes = fake_writes(f->fs);
	/* bound already: said, nothing written, not a failure */
	conf(f, "60.conf", "device 00:04.0 id=8086:10d3\n");
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "0000:00:04.0", f->conf), 0);
	assert_has(out, "already bound to e1000e: 'iommuctl apply' claims it");
	free(out);
	conf(f, "60.conf", NULL);
	assert_int_equal(fake_writes(f->fs), writes);

	assert_int_equal(run_cli(f, &out, 5, "apply", "hook", "0000:00:06.0", f->conf, "-j"), 0);
	assert_has(out, "\"override_written\":false,\"result\":\"held already\"");
	free(out);
	assert_string_equal(fake_override_of(f->fs, "0000:00:06.0"), "vfio-pci");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "(none)");
	marker = xasprintf("%s/claims/0000:00:06.0.held", f->state);
	assert_int_equal(access(marker, F_OK), 0);
	free(marker);
	/* the GPU's audio function: let in by companions=audio of its group's device line */
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "00:07.1", f->conf), 0);
	assert_has(out, "0000:00:07.1: held for vfio-pci (driver_override), before any driver bound it");
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "00:07.0", f->conf), 0);
	free(out);
	/* a second run: nothing more */
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "00:06.0", f->conf), 0);
	assert_has(out, "driver_override is vfio-pci already");
	free(out);

	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "0000:00:06.0 8086:10d3 named: held at boot (apply hook) -> vfio-pci");
	assert_has(out, "0000:00:07.1 10de:1aef companion: held at boot (apply hook) -> vfio-pci");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "vfio-pci");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:07.1"), "vfio-pci");
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), 0);
	free(out);

	/* no longer named: released to the kernel's choice, the host driver */
	conf(f, "50.conf", "");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "result: applied");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "e1000e");
	assert_string_equal(fake_override_of(f->fs, "0000:00:06.0"), "(null)");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:07.0"), "nouveau");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:07.1"), "snd_hda_intel");
}

/* a different card where the line expects another: left alone, said (and exit 1) */
/*
 * The boot as it runs: the hook holds the device, then iommuctl-apply.service
 * loads vfio-pci, which takes it at once (driver_override), and only then
 * does apply run. apply finds it on vfio-pci and changes nothing, but writes
 * the claim's journal, so that dropping the line gives it back to its host
 * driver (before, nothing could: no journal, 'nothing to release').
 */
static void test_hook_bound_at_load(void **state)
{
	struct fx *f = *state;
	char *out, *journal;

	fake_device(f->fs, "0000:00:06.0", NULL, 6, NULL, "e1000e");
	conf(f, "50.conf", "device 00:06.0 id=8086:10d3\n");
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "0000:00:06.0", f->conf), 0);
	free(out);
	/* modprobe vfio-pci: the driver binds what driver_override names as it registers */
	assert_int_equal(view_write_file(fake_view(f->fs), "/sys/bus/pci/drivers_probe", "0000:00:06.0", 12), 0);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "vfio-pci");

	/* the machine matches the line: --check and --dry-run see nothing to change */
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), 0);
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--dry-run"), 0);
	assert_has(out, "0000:00:06.0 8086:10d3 named: held at boot (apply hook), taken by vfio-pci as it loaded: kept");
	free(out);
	journal = xasprintf("%s/claims/0000:00:06.0.json", f->state);
	assert_int_equal(access(journal, F_OK), -1);
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "result: nothing to do");
	free(out);
	assert_int_equal(access(journal, F_OK), 0);
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), 0);
	assert_has(out, "result: matches");
	free(out);
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "result: nothing to do");
	free(out);

	/* the line dropped: back to the kernel's choice, its host driver */
	conf(f, "50.conf", "");
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), 0);
	assert_has(out, "0000:00:06.0 8086:10d3 released: vfio-pci -> the kernel's choice (held at boot)");
	assert_has(out, "result: applied");
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "e1000e");
	assert_string_equal(fake_override_of(f->fs, "0000:00:06.0"), "(null)");
	assert_int_equal(access(journal, F_OK), -1);
	free(journal);
}

static void test_hook_swapped(void **state)
{
	struct fx *f = *state;
	char *out;

	fake_device(f->fs, "0000:00:06.0", NULL, 6, NULL, "e1000e");
	conf(f, "50.conf", "device 00:06.0 id=10de:2204\n");
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "0000:00:06.0", f->conf), -EPERM);
	assert_has(out, "0000:00:06.0: 8086:10d3 is at this address, ");
	assert_has(out, "50.conf:1 expects 10de:2204: a different card (swapped or moved); left to its own driver");
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);
	/* no configuration at all: nothing to do, silently */
	assert_int_equal(run_cli(f, &out, 4, "apply", "hook", "0000:00:06.0", "/nonexistent"), 0);
	assert_string_equal(out, "");
	free(out);
}

/* as any user: --check and --dry-run run, apply is refused */
static void test_apply_non_root(void **state)
{
	struct fx *f = *state;
	char *out;

	conf(f, "50.conf", "device 00:04.0 id=8086:10d3\n");
	run_cli_euid = 1000;
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--dry-run"), 0);
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "apply", f->conf, "--check"), -EDRIFT);
	assert_has(out, "drift: group 2: 0000:00:04.0 is on e1000e, not vfio-pci");
	free(out);
	assert_int_equal(run_cli(f, &out, 2, "apply", f->conf), -EPERM);
	assert_has(out, "needs root");
	free(out);
	run_cli_euid = -1;
	assert_int_equal(fake_writes(f->fs), 0);
	/* --check and --dry-run together: a usage error */
	assert_int_equal(run_cli(f, &out, 4, "apply", f->conf, "--check", "--dry-run"), -EUSAGE);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_parse_good),
		T(test_parse_errors),
		T(test_parse_dir),
		T(test_apply_idempotent),
		T(test_apply_swapped),
		T(test_apply_companions),
		T(test_apply_release),
		T(test_apply_fail_every_write),
		T(test_apply_record_unwritable),
		T(test_check_drift),
		T(test_record_hostile),
		T(test_apply_non_root),
		T(test_hook_boot),
		T(test_hook_swapped),
		T(test_hook_bound_at_load),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
