/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of group claim, release and type over the fake machine of
 * fake_sysfs.c: plans, round trips, a failure injected at every write step
 * (the machine must be left exactly as before), a kill after every step
 * (release must restore everything), the per-group lock and the prologue
 * and interlock refusal that claim and type share, the interlocks,
 * ownership detection, and the CLI verbs on top with their exact text.
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
#include <sys/file.h>
#include <sys/stat.h>
#include <linux/rtnetlink.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/interlock.h"
#include "backends/sysfs/netstate.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/lock.h"
#include "backends/sysfs/plan.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

#include "fake_sysfs.c"

/*
 * The machine: group 1 edu (unbound, no driver matches it), group 2 a NIC
 * on e1000e, group 7 a root port on pcieport with a NIC (e1000e) and an
 * unbound function behind it, group 5 an AHCI controller with the root
 * disk, group 3 a second NIC.
 */
static struct fake_sysfs *machine(void)
{
	struct fake_sysfs *fs = fake_new();

	fake_driver(fs, "e1000e", false);
	fake_driver(fs, "vfio-pci", false);
	fake_driver(fs, "pcieport", false);
	fake_driver(fs, "pci-stub", false);
	fake_driver(fs, "ahci", false);
	fake_device(fs, "0000:00:03.0", NULL, 1, NULL, NULL);
	fake_device(fs, "0000:00:04.0", NULL, 2, "e1000e", "e1000e");
	fake_device(fs, "0000:00:05.0", NULL, 3, "e1000e", "e1000e");
	fake_device(fs, "0000:00:06.0", NULL, 7, "pcieport", "pcieport");
	fake_device(fs, "0000:01:00.0", "0000:00:06.0", 7, "e1000e", "e1000e");
	fake_device(fs, "0000:01:00.1", "0000:00:06.0", 7, NULL, NULL);
	fake_device(fs, "0000:00:1f.2", NULL, 5, "ahci", "ahci");
	return fs;
}

struct fx {
	struct fake_sysfs *fs;
	char state[64];
	struct inventory inv;
	bool loaded;
};

static int fx_setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));

	f->fs = machine();
	snprintf(f->state, sizeof(f->state), "/tmp/iommuctl-state.XXXXXX");
	assert_non_null(mkdtemp(f->state));
	*state = f;
	return 0;
}

static void fx_unload(struct fx *f)
{
	if (f->loaded)
		inventory_release(&f->inv);
	f->loaded = false;
}

static int fx_teardown(void **state)
{
	struct fx *f = *state;
	char *cmd = xasprintf("rm -rf '%s'", f->state);

	fx_unload(f);
	fake_free(f->fs);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(f);
	return 0;
}

/* A fresh machine and state directory, for loops over injected failures. */
static void fx_reset(struct fx *f)
{
	char *cmd = xasprintf("rm -rf '%s'/claims", f->state);

	fx_unload(f);
	fake_free(f->fs);
	f->fs = machine();
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static struct inv_group *fx_group(struct fx *f, unsigned int id)
{
	struct inv_group *g;

	fx_unload(f);
	assert_int_equal(inventory_load(fake_view(f->fs), &f->inv), 0);
	f->loaded = true;
	g = inventory_group(&f->inv, id);
	assert_non_null(g);
	return g;
}

static void fx_opts(struct fx *f, struct claim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->state_dir = f->state;
	o->settle_ms = 0;
}

static int do_claim(struct fx *f, unsigned int id, const struct claim_opts *o, struct claim_result *r)
{
	struct inv_group *g = fx_group(f, id);

	return claim_group(fake_view(f->fs), &f->inv, g, o, r);
}

static int do_release(struct fx *f, unsigned int id, const struct claim_opts *o, struct claim_result *r)
{
	struct inv_group *g = fx_group(f, id);

	return claim_release(fake_view(f->fs), &f->inv, g, o, r);
}

static int do_type(struct fx *f, unsigned int id, const char *word, const struct claim_opts *o,
		   struct claim_result *r)
{
	struct inv_group *g = fx_group(f, id);

	return domtype_set(fake_view(f->fs), &f->inv, g, word, o, r);
}

static bool journal_exists(struct fx *f, const char *key)
{
	char *p = xasprintf("%s/claims/%s.json", f->state, key);
	bool ok = access(p, F_OK) == 0;

	free(p);
	return ok;
}

static void assert_dump_equal(const char *want, const char *got, const char *what, unsigned int n)
{
	if (strcmp(want, got)) {
		print_error("%s: failure at write %u left the machine changed\n--- before\n%s\n--- after\n%s\n",
			    what, n, want, got);
		fail();
	}
}

/* ---- claim ---- */

static void test_claim_plan_dry_run(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *before = fake_dump(f->fs), *after;

	fx_opts(f, &o);
	o.dry_run = true;
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	assert_int_equal(r.nmembers, 3);
	assert_string_equal(r.members[0].addr, "0000:00:06.0");
	assert_int_equal(r.members[0].action, CLAIM_KEEP);   /* pcieport */
	assert_int_equal(r.members[1].action, CLAIM_REBIND); /* e1000e */
	assert_int_equal(r.members[2].action, CLAIM_REBIND); /* unbound */
	assert_string_equal(r.members[1].why, "e1000e -> vfio-pci");
	assert_int_equal(r.writes, 0);
	assert_false(r.changed);
	after = fake_dump(f->fs);
	assert_string_equal(before, after);
	assert_false(journal_exists(f, "0000:00:06.0"));
	assert_int_equal(fake_writes(f->fs), 0);
	claim_result_release(&r);
	free(before);
	free(after);
}

static void test_claim_release_roundtrip(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *before = fake_dump(f->fs), *after;

	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	assert_true(r.changed);
	assert_int_equal(r.writes, 5);  /* 01:00.0: override, unbind, probe; 01:00.1: override, probe */
	claim_result_release(&r);
	assert_string_equal(fake_driver_of(f->fs, "0000:01:00.0"), "vfio-pci");
	assert_string_equal(fake_driver_of(f->fs, "0000:01:00.1"), "vfio-pci");
	assert_string_equal(fake_override_of(f->fs, "0000:01:00.0"), "vfio-pci");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "pcieport");
	assert_string_equal(fake_override_of(f->fs, "0000:00:06.0"), "(null)");
	assert_true(view_exists(fake_view(f->fs), "/dev/vfio/7"));
	assert_true(journal_exists(f, "0000:00:06.0"));

	/* again: already claimed, nothing written */
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	assert_true(r.already);
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);

	assert_int_equal(do_release(f, 7, &o, &r), 0);
	assert_true(r.changed);
	claim_result_release(&r);
	after = fake_dump(f->fs);
	assert_string_equal(before, after);
	assert_false(journal_exists(f, "0000:00:06.0"));

	/* nothing left to release: -ENOENT */
	assert_int_equal(do_release(f, 7, &o, &r), -ENOENT);
	assert_non_null(strstr(r.why, "no claim journal"));
	claim_result_release(&r);
	free(before);
	free(after);
}

static void test_claim_journal_contents(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *p, *text = NULL;
	size_t len;
	struct view *root;

	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:04.0/driver_override", "pci-stub-not-loaded\n");
	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	assert_int_equal(view_root_new("/", NULL, &root), 0);
	p = xasprintf("%s/claims/0000:00:04.0.json", f->state);
	assert_int_equal(view_read_file(root, p, &text, &len), 0);
	assert_non_null(strstr(text, "\"format\": \"iommuctl-claim-journal\""));
	assert_non_null(strstr(text, "\"state\": \"claimed\""));
	assert_non_null(strstr(text, "\"driver\": \"e1000e\""));
	assert_non_null(strstr(text, "\"driver_override\": \"pci-stub-not-loaded\""));
	free(text);
	free(p);
	view_free(root);
	/* release restores the previous override too, not just "(null)" */
	assert_int_equal(do_release(f, 2, &o, &r), 0);
	claim_result_release(&r);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "e1000e");
	assert_string_equal(fake_override_of(f->fs, "0000:00:04.0"), "pci-stub-not-loaded");
}

static void test_claim_fail_every_write(void **state)
{
	struct fx *f = *state;
	static const int errs[] = { EIO, EBUSY, ENODEV };
	struct claim_result r;
	struct claim_opts o;
	unsigned int total;

	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	total = r.writes;
	claim_result_release(&r);
	assert_true(total >= 5);
	for (size_t e = 0; e < ARRAY_SIZE(errs); e++) {
		for (unsigned int n = 1; n <= total; n++) {
			char *before, *after;
			int err;

			fx_reset(f);
			before = fake_dump(f->fs);
			fake_fail_write(f->fs, n, errs[e]);
			err = do_claim(f, 7, &o, &r);
			assert_int_not_equal(err, 0);
			assert_true(r.rolled_back);
			assert_false(r.rollback_failed);
			assert_non_null(r.why);
			after = fake_dump(f->fs);
			assert_dump_equal(before, after, "claim", n);
			assert_false(journal_exists(f, "0000:00:06.0"));
			claim_result_release(&r);
			free(before);
			free(after);
			/* and the lock was let go: a claim now works */
			fake_fail_write(f->fs, 0, 0);
			assert_int_equal(do_claim(f, 7, &o, &r), 0);
			claim_result_release(&r);
		}
	}
}

static void test_claim_verify_fails_rolls_back(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *before, *after;

	fx_reset(f);
	fake_driver(f->fs, "refuser", true);
	before = fake_dump(f->fs);
	fx_opts(f, &o);
	o.driver = "refuser";
	assert_int_not_equal(do_claim(f, 7, &o, &r), 0);
	assert_true(r.rolled_back);
	assert_false(r.rollback_failed);
	assert_non_null(strstr(r.why, "0000:01:00.0"));
	after = fake_dump(f->fs);
	assert_string_equal(before, after);
	claim_result_release(&r);
	free(before);
	free(after);

	/* a driver that is not loaded: refused before any change */
	o.driver = "no-such-driver";
	assert_int_equal(do_claim(f, 2, &o, &r), -EOPNOTSUPP);
	assert_int_equal(r.writes, 0);
	assert_non_null(strstr(r.why, "not loaded"));
	claim_result_release(&r);
	/* ... while a dry run plans on (a snapshot's machine, say), saying what the claim needs first */
	o.dry_run = true;
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	assert_int_equal(r.writes, 0);
	assert_false(r.changed);
	assert_non_null(strstr(r.why, "modprobe no-such-driver"));
	claim_result_release(&r);
	o.dry_run = false;
}

/* ---- kill in the middle ---- */

static unsigned int kill_at;

static void die_at_step(void *arg, const struct claim_step *s)
{
	if (s->n && s->n == kill_at)
		_exit(0);
}

/* A claim of group id (type NULL) or a change to type, killed right after write n. */
static void run_killed(struct fx *f, unsigned int id, const char *type, unsigned int n,
		       const struct claim_opts *o)
{
	struct inv_group *g = fx_group(f, id);
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct claim_opts co = *o;
		struct claim_result r;

		kill_at = n;
		co.step_cb = die_at_step;
		if (type)
			domtype_set(fake_view(f->fs), &f->inv, g, type, &co, &r);
		else
			claim_group(fake_view(f->fs), &f->inv, g, &co, &r);
		_exit(1);  /* not reached: dies at step n */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void test_claim_killed_every_step(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	unsigned int total;

	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	total = r.writes;
	claim_result_release(&r);
	for (unsigned int n = 1; n <= total; n++) {
		char *before, *after;

		fx_reset(f);
		before = fake_dump(f->fs);
		run_killed(f, 7, NULL, n, &o);
		assert_true(journal_exists(f, "0000:00:06.0"));
		{
			/* written before the first change, and updated at every step since */
			char *p = xasprintf("%s/claims/0000:00:06.0.json", f->state), text[4096] = "";
			FILE *jf = fopen(p, "r");

			assert_non_null(jf);
			assert_true(fread(text, 1, sizeof(text) - 1, jf) > 0);
			fclose(jf);
			free(p);
			assert_non_null(strstr(text, "\"state\": \"claiming\""));
			assert_non_null(strstr(text, "\"driver\": \"e1000e\""));
			assert_non_null(strstr(text, n == 1 ? "\"progress\": \"driver_override\"" :
					       n == 2 ? "\"progress\": \"unbind\"" : "\"progress\": \""));
		}
		/* a new claim refuses: the journal says a claim was interrupted */
		assert_int_equal(do_claim(f, 7, &o, &r), -EALREADY);
		assert_non_null(strstr(r.why, "interrupted"));
		claim_result_release(&r);
		assert_int_equal(do_release(f, 7, &o, &r), 0);
		claim_result_release(&r);
		after = fake_dump(f->fs);
		assert_dump_equal(before, after, "kill+release", n);
		assert_false(journal_exists(f, "0000:00:06.0"));
		free(before);
		free(after);
	}
}

/* ---- release ---- */

static void test_release_fail_every_write(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	unsigned int total;
	char *orig;

	fx_opts(f, &o);
	fx_reset(f);
	orig = fake_dump(f->fs);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	claim_result_release(&r);
	assert_int_equal(do_release(f, 7, &o, &r), 0);
	total = r.writes;
	claim_result_release(&r);
	assert_true(total >= 6);
	for (unsigned int n = 1; n <= total; n++) {
		char *claimed, *after, *back;

		fx_reset(f);
		assert_int_equal(do_claim(f, 7, &o, &r), 0);
		claim_result_release(&r);
		claimed = fake_dump(f->fs);
		fake_fail_write(f->fs, n, EIO);
		assert_int_not_equal(do_release(f, 7, &o, &r), 0);
		assert_true(r.rolled_back);
		assert_false(r.rollback_failed);
		claim_result_release(&r);
		after = fake_dump(f->fs);
		assert_dump_equal(claimed, after, "release", n);
		assert_true(journal_exists(f, "0000:00:06.0"));
		/* the journal still works */
		fake_fail_write(f->fs, 0, 0);
		assert_int_equal(do_release(f, 7, &o, &r), 0);
		claim_result_release(&r);
		back = fake_dump(f->fs);
		assert_string_equal(orig, back);
		free(claimed);
		free(after);
		free(back);
	}
	free(orig);
}

/* ---- type ---- */

static void test_type_roundtrip(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *before = fake_dump(f->fs), *after, *t = NULL;

	fx_opts(f, &o);
	assert_int_equal(do_type(f, 7, "identity", &o, &r), 0);
	assert_true(r.changed);
	assert_string_equal(r.type_before, "DMA");
	assert_string_equal(r.type_after, "identity");
	claim_result_release(&r);
	assert_int_equal(view_read_str(fake_view(f->fs), &t, "/sys/kernel/iommu_groups/7/type"), 0);
	assert_string_equal(t, "identity");
	free(t);
	assert_string_equal(fake_driver_of(f->fs, "0000:01:00.0"), "e1000e");
	assert_string_equal(fake_driver_of(f->fs, "0000:00:06.0"), "pcieport");
	assert_string_equal(fake_override_of(f->fs, "0000:01:00.0"), "(null)");

	/* same again: nothing to do */
	assert_int_equal(do_type(f, 7, "identity", &o, &r), 0);
	assert_true(r.already);
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);

	assert_int_equal(do_type(f, 7, "DMA", &o, &r), 0);
	claim_result_release(&r);
	after = fake_dump(f->fs);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_type_fail_every_write(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	unsigned int total;

	fx_opts(f, &o);
	for (int rule = 0; rule < 2; rule++) {
		fx_reset(f);
		fake_type_rule_owner_cnt(f->fs, rule);
		assert_int_equal(do_type(f, 7, "identity", &o, &r), 0);
		total = r.writes;
		claim_result_release(&r);
		assert_true(total >= 5);
		for (unsigned int n = 1; n <= total; n++) {
			char *before, *after;

			fx_reset(f);
			fake_type_rule_owner_cnt(f->fs, rule);
			before = fake_dump(f->fs);
			fake_fail_write(f->fs, n, EIO);
			assert_int_not_equal(do_type(f, 7, "identity", &o, &r), 0);
			assert_false(r.rollback_failed);
			assert_non_null(r.why);
			claim_result_release(&r);
			after = fake_dump(f->fs);
			assert_dump_equal(before, after, "type", n);
			free(before);
			free(after);
		}
	}
}

/* killed after any write of a type change: the journal lets release restore everything */
static void test_type_killed_every_step(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	unsigned int total;

	fx_opts(f, &o);
	fx_reset(f);
	assert_int_equal(do_type(f, 7, "identity", &o, &r), 0);
	total = r.writes;
	claim_result_release(&r);
	assert_true(total >= 5);
	/* a finished change leaves no journal */
	assert_false(journal_exists(f, "0000:00:06.0.type"));
	for (unsigned int n = 1; n <= total; n++) {
		char *before, *after, *p, text[4096] = "", *t = NULL;
		struct claim_owner own;
		FILE *jf;

		fx_reset(f);
		before = fake_dump(f->fs);
		run_killed(f, 7, "identity", n, &o);
		assert_true(journal_exists(f, "0000:00:06.0.type"));
		assert_false(journal_exists(f, "0000:00:06.0"));
		p = xasprintf("%s/claims/0000:00:06.0.type.json", f->state);
		jf = fopen(p, "r");
		assert_non_null(jf);
		assert_true(fread(text, 1, sizeof(text) - 1, jf) > 0);
		fclose(jf);
		free(p);
		assert_non_null(strstr(text, "\"state\": \"typing\""));
		assert_non_null(strstr(text, "\"type_before\": \"DMA\""));
		assert_non_null(strstr(text, "\"type_target\": \"identity\""));
		assert_non_null(strstr(text, "\"driver\": \"e1000e\""));
		/* group show names it; type changes and claims refuse until it is undone */
		claim_owner_find(fake_view(f->fs), &f->inv, fx_group(f, 7), f->state, &own);
		assert_non_null(own.type_journal);
		assert_string_equal(own.type_journal_target, "identity");
		claim_owner_release(&own);
		assert_int_equal(do_type(f, 7, "identity", &o, &r), -EALREADY);
		assert_non_null(strstr(r.why, "interrupted type change"));
		claim_result_release(&r);
		assert_int_equal(do_type(f, 7, "DMA", &o, &r), -EALREADY);
		claim_result_release(&r);
		assert_int_equal(do_claim(f, 7, &o, &r), -EALREADY);
		assert_non_null(strstr(r.why, "group release"));
		claim_result_release(&r);
		/* a dry run of the release says what it would do and changes nothing */
		o.dry_run = true;
		assert_int_equal(do_release(f, 7, &o, &r), 0);
		assert_int_equal(r.writes, 0);
		claim_result_release(&r);
		o.dry_run = false;
		assert_true(journal_exists(f, "0000:00:06.0.type"));
		assert_int_equal(do_release(f, 7, &o, &r), 0);
		assert_true(r.changed);
		assert_string_equal(r.type_after, "DMA");
		claim_result_release(&r);
		after = fake_dump(f->fs);
		assert_dump_equal(before, after, "type kill+release", n);
		assert_false(journal_exists(f, "0000:00:06.0.type"));
		assert_int_equal(view_read_str(fake_view(f->fs), &t, "/sys/kernel/iommu_groups/7/type"), 0);
		assert_string_equal(t, "DMA");
		free(t);
		/* and the group works again */
		assert_int_equal(do_type(f, 7, "identity", &o, &r), 0);
		claim_result_release(&r);
		free(before);
		free(after);
	}
}

/* a claimed group whose type change was interrupted: release undoes both */
static void test_type_killed_claimed(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *orig, *after;

	fx_opts(f, &o);
	fx_reset(f);
	orig = fake_dump(f->fs);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	claim_result_release(&r);
	run_killed(f, 7, "identity", 3, &o);
	assert_true(journal_exists(f, "0000:00:06.0.type"));
	assert_true(journal_exists(f, "0000:00:06.0"));
	assert_int_equal(do_release(f, 7, &o, &r), 0);
	claim_result_release(&r);
	assert_false(journal_exists(f, "0000:00:06.0.type"));
	assert_false(journal_exists(f, "0000:00:06.0"));
	after = fake_dump(f->fs);
	assert_string_equal(orig, after);
	free(orig);
	free(after);
}

static void test_type_dma_fq_in_place(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;

	fx_opts(f, &o);
	assert_int_equal(do_type(f, 2, "DMA-FQ", &o, &r), 0);
	assert_true(r.type_no_unbind);
	assert_int_equal(r.writes, 1);
	assert_string_equal(r.type_after, "DMA-FQ");
	claim_result_release(&r);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "e1000e");
	/* a failed in-place write changes nothing */
	fx_reset(f);
	fake_fail_write(f->fs, 1, EINVAL);
	assert_int_not_equal(do_type(f, 2, "DMA-FQ", &o, &r), 0);
	assert_string_equal(r.type_after, "DMA");
	claim_result_release(&r);
}

static void test_type_preconditions(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;

	fx_opts(f, &o);
	assert_int_equal(do_type(f, 2, "passthrough", &o, &r), -EUSAGE);
	claim_result_release(&r);

	fake_file(f->fs, "/proc/self/status", "Uid:\t0\t0\t0\t0\nCapEff:\t0000000000200000\n");
	assert_int_equal(do_type(f, 2, "identity", &o, &r), -EPERM);
	assert_non_null(strstr(r.why, "CAP_SYS_RAWIO"));
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);

	fx_reset(f);
	fake_file(f->fs, "/proc/sys/kernel/osrelease", "5.10.0\n");
	assert_int_equal(do_type(f, 2, "identity", &o, &r), -EOPNOTSUPP);
	claim_result_release(&r);
	fake_file(f->fs, "/proc/sys/kernel/osrelease", "5.13.0\n");
	assert_int_equal(do_type(f, 2, "DMA-FQ", &o, &r), -EOPNOTSUPP);
	assert_non_null(strstr(r.why, "5.15"));
	claim_result_release(&r);

	fx_reset(f);
	fake_remove(f->fs, "/sys/kernel/iommu_groups/2/type");
	assert_int_equal(do_type(f, 2, "identity", &o, &r), -EOPNOTSUPP);
	assert_non_null(strstr(r.why, "no /sys/kernel/iommu_groups/2/type"));
	claim_result_release(&r);

	/* VFIO holds the group: refused before anything is unbound */
	fx_reset(f);
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	fake_link(f->fs, "/proc/4242/fd/7", "/dev/vfio/2");
	fake_file(f->fs, "/proc/4242/comm", "qemu-system-x86\n");
	/* fake_link makes relative links; a process's fd link is absolute */
	fake_remove(f->fs, "/proc/4242/fd/7");
	{
		char *h = xasprintf("%s/proc/4242/fd/7", fake_root(f->fs));

		assert_int_equal(symlink("/dev/vfio/2", h), 0);
		free(h);
	}
	assert_int_equal(do_type(f, 2, "identity", &o, &r), -EBUSY);
	assert_non_null(strstr(r.why, "qemu-system-x86"));
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);
}

/* ---- lock ---- */

static void test_lock_busy(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *dir = xasprintf("%s/claims", f->state), *lock = xasprintf("%s/0000:00:04.0.lock", dir);
	int fd;

	fx_opts(f, &o);
	mkdir(dir, 0755);
	fd = open(lock, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(write(fd, "31337\n", 6), 6);
	assert_int_equal(do_claim(f, 2, &o, &r), -EBUSY);
	assert_non_null(strstr(r.why, "busy"));
	assert_non_null(strstr(r.why, "31337"));
	assert_int_equal(fake_writes(f->fs), 0);
	claim_result_release(&r);
	assert_int_equal(do_release(f, 2, &o, &r), -EBUSY);
	claim_result_release(&r);
	assert_int_equal(do_type(f, 2, "identity", &o, &r), -EBUSY);
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 0);
	close(fd);
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	free(dir);
	free(lock);
}

/* the prologue of claim, release and type: key, paths, and the lock unless dry run */
static void test_prologue(void **state)
{
	struct fx *f = *state;
	struct claim_result r = { 0 }, r2 = { 0 };
	struct claim_opts o;
	struct claim_hold h, h2;
	struct inv_group *g = fx_group(f, 7), empty = { .id = 99 };
	char *journal = xasprintf("%s/claims/0000:00:06.0.json", f->state);
	char *lock = xasprintf("%s/claims/0000:00:06.0.lock", f->state);
	char *busy = xasprintf("busy: another iommuctl (pid %ld) is changing group 7 (lock %s); nothing was "
			       "changed", (long)getpid(), lock);
	char *file = xasprintf("%s/file", f->state), *below = xasprintf("%s/file/state", f->state);

	fx_opts(f, &o);
	assert_int_equal(claim_begin(&o, g, &r, &h), 0);
	assert_true(h.lock >= 0);
	assert_true(h.dir >= 0);
	assert_int_equal(r.group, 7);
	assert_string_equal(r.key, "0000:00:06.0");   /* the lowest member address */
	assert_string_equal(r.journal, journal);
	assert_string_equal(r.lock, lock);
	assert_null(r.why);

	/* a second one fails at once, naming the holder, and holds nothing */
	assert_int_equal(claim_begin(&o, g, &r2, &h2), -EBUSY);
	assert_int_equal(h2.lock, -1);
	assert_int_equal(h2.dir, -1);
	assert_string_equal(r2.why, busy);
	claim_result_release(&r2);
	/* a dry run takes no lock, so it works while another change holds it */
	o.dry_run = true;
	assert_int_equal(claim_begin(&o, g, &r2, &h2), 0);
	assert_int_equal(h2.lock, -1);
	assert_string_equal(r2.journal, journal);
	claim_end(&h2);
	claim_result_release(&r2);
	o.dry_run = false;
	/* unlocked: the next one gets it */
	claim_end(&h);
	assert_int_equal(h.lock, -1);
	assert_int_equal(claim_begin(&o, g, &r2, &h2), 0);
	assert_true(h2.lock >= 0);
	claim_end(&h2);
	claim_result_release(&r2);
	claim_result_release(&r);

	assert_int_equal(claim_begin(&o, &empty, &r, &h), -ENODEV);
	assert_int_equal(h.lock, -1);
	assert_string_equal(r.why, "group 99 has no devices");
	claim_result_release(&r);

	/* a state directory that cannot be made: said, nothing taken */
	fclose(fopen(file, "w"));
	o.state_dir = below;
	assert_int_equal(claim_begin(&o, g, &r, &h), -ENOTDIR);
	assert_int_equal(h.lock, -1);
	assert_int_equal(h.dir, -1);
	assert_non_null(strstr(r.why, "cannot create the state directory"));
	claim_result_release(&r);
	/* a dry run makes nothing, and finds nothing where there is nothing */
	o.state_dir = f->state;
	o.dry_run = true;
	free(below);
	below = xasprintf("%s/new", f->state);
	o.state_dir = below;
	assert_int_equal(claim_begin(&o, g, &r, &h), 0);
	assert_int_equal(h.dir, -1);
	assert_int_equal(access(below, F_OK), -1);
	claim_end(&h);
	claim_result_release(&r);
	free(journal);
	free(lock);
	free(busy);
	free(file);
	free(below);
}

/* ---- interlocks ---- */

static void add_root_disk(struct fake_sysfs *fs)
{
	const char *blk = "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda";
	char *p = xasprintf("%s/sda2/dev", blk);

	fake_file(fs, p, "8:2\n");
	free(p);
	p = xasprintf("%s/sda2", blk);
	fake_link(fs, "/sys/class/block/sda2", p);
	fake_link(fs, "/sys/dev/block/8:2", p);
	free(p);
	fake_file(fs, "/proc/self/mountinfo",
		  "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n"
		  "23 22 0:21 / /proc rw - proc proc rw\n");
}

static void test_interlock_root_disk(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;

	add_root_disk(f->fs);
	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 5, &o, &r), -EPERM);
	assert_int_equal(r.nhits, 1);
	assert_string_equal(r.hits[0].member, "0000:00:1f.2");
	assert_string_equal(r.hits[0].what, "root filesystem (/ on /dev/sda2)");
	assert_non_null(strstr(r.why, "--force"));
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);
	assert_int_equal(do_type(f, 5, "identity", &o, &r), -EPERM);
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);
	/* other groups are not concerned */
	assert_int_equal(do_claim(f, 1, &o, &r), 0);
	claim_result_release(&r);
	o.force = true;
	assert_int_equal(do_claim(f, 5, &o, &r), 0);
	assert_int_equal(r.nhits, 0);
	claim_result_release(&r);
}

/* one refusal for claims and type changes: the members to be unbound, the change's wording */
static void test_interlock_refusal_shared(void **state)
{
	static const char hit[] = "0000:00:1f.2 holds the root filesystem (/ on /dev/sda2)";
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	struct inv_group *g;
	char *want_claim = xasprintf("refusing to claim group 5: %s (--force to claim it anyway)", hit);
	char *want_type = xasprintf("refusing to change the type of group 5, which means unbinding its members: "
				    "%s (--force to do it anyway)", hit);

	add_root_disk(f->fs);
	fx_opts(f, &o);
	g = fx_group(f, 5);
	memset(&r, 0, sizeof(r));
	assert_int_equal(claim_members_load(fake_view(f->fs), &f->inv, g, &r), 0);
	/* a member that keeps its driver holds nothing at risk */
	r.members[0].action = CLAIM_KEEP;
	assert_int_equal(claim_interlocks_refuse(fake_view(f->fs), &o, &r, CLAIM_CHANGE_CLAIM, NULL), 0);
	assert_int_equal(r.nhits, 0);
	assert_null(r.why);
	r.members[0].action = CLAIM_REBIND;
	assert_int_equal(claim_interlocks_refuse(fake_view(f->fs), &o, &r, CLAIM_CHANGE_CLAIM, NULL), -EPERM);
	assert_int_equal(r.nhits, 1);
	assert_string_equal(r.hits[0].member, "0000:00:1f.2");
	assert_string_equal(r.why, want_claim);
	claim_result_release(&r);
	assert_int_equal(claim_members_load(fake_view(f->fs), &f->inv, g, &r), 0);
	r.members[0].action = CLAIM_REBIND;
	assert_int_equal(claim_interlocks_refuse(fake_view(f->fs), &o, &r, CLAIM_CHANGE_TYPE, NULL), -EPERM);
	assert_string_equal(r.why, want_type);
	claim_result_release(&r);
	/* --force: not even looked at */
	assert_int_equal(claim_members_load(fake_view(f->fs), &f->inv, g, &r), 0);
	r.members[0].action = CLAIM_REBIND;
	o.force = true;
	assert_int_equal(claim_interlocks_refuse(fake_view(f->fs), &o, &r, CLAIM_CHANGE_TYPE, NULL), 0);
	assert_int_equal(r.nhits, 0);
	claim_result_release(&r);
	o.force = false;

	/* the verbs refuse through it, before any write */
	assert_int_equal(do_claim(f, 5, &o, &r), -EPERM);
	assert_string_equal(r.why, want_claim);
	assert_int_equal(r.nhits, 1);
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);
	assert_int_equal(do_type(f, 5, "identity", &o, &r), -EPERM);
	assert_string_equal(r.why, want_type);
	assert_int_equal(r.nhits, 1);
	assert_int_equal(r.writes, 0);
	claim_result_release(&r);
	/* DMA -> DMA-FQ unbinds nobody: the interlocks have nothing to refuse */
	assert_int_equal(do_type(f, 5, "DMA-FQ", &o, &r), 0);
	assert_int_equal(r.nhits, 0);
	assert_int_equal(r.writes, 1);
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 1);
	free(want_claim);
	free(want_type);
}

static void test_interlock_swap_dm(void **state)
{
	struct fx *f = *state;
	struct interlock_item *it;
	size_t n;
	bool found = false;

	/* swap on dm-1, whose slave is sdb on the AHCI controller */
	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:1f.2/ata2/host1/block/sdb/dev", "8:16\n");
	fake_link(f->fs, "/sys/class/block/sdb", "/sys/devices/pci0000:00/0000:00:1f.2/ata2/host1/block/sdb");
	fake_file(f->fs, "/sys/devices/virtual/block/dm-1/dev", "253:1\n");
	fake_link(f->fs, "/sys/devices/virtual/block/dm-1/slaves/sdb", "/sys/class/block/sdb");
	fake_link(f->fs, "/sys/class/block/dm-1", "/sys/devices/virtual/block/dm-1");
	fake_link(f->fs, "/dev/mapper/vg-swap", "/dev/dm-1");
	fake_file(f->fs, "/proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		  "/dev/mapper/vg-swap                     partition\t1000\t0\t-2\n");
	assert_int_equal(interlock_items(fake_view(f->fs), &it, &n), 0);
	for (size_t i = 0; i < n; i++)
		found |= str_startswith(it[i].path, "/sys/devices/pci0000:00/0000:00:1f.2/") &&
			 !strcmp(it[i].what, "active swap (/dev/mapper/vg-swap)");
	assert_true(found);
	interlock_items_free(it, n);
}

static void add_netdev(struct fake_sysfs *fs, const char *dev, const char *ifname)
{
	char *d = xasprintf("/sys/devices/pci0000:00/%s/net/%s", dev, ifname), *p = xasprintf("%s/ifindex", d);
	char *c = xasprintf("/sys/class/net/%s", ifname);

	fake_file(fs, p, "2\n");
	fake_link(fs, c, d);
	free(d);
	free(p);
	free(c);
}

/* claim group id with the network ns: 0 or the one hit's text (malloc'd) */
static char *net_claim(struct fx *f, unsigned int id, const struct netstate *ns, const char *source)
{
	struct claim_result r;
	struct claim_opts o;
	char *what = NULL;
	int err;

	fx_opts(f, &o);
	o.net = ns;
	o.source = source;
	err = do_claim(f, id, &o, &r);
	if (err) {
		assert_int_equal(err, -EPERM);
		assert_int_equal(r.nhits, 1);
		assert_int_equal(r.writes, 0);
		what = xstrdup(r.hits[0].what);
	}
	claim_result_release(&r);
	if (!err) {
		assert_int_equal(do_release(f, id, &o, &r), 0);
		claim_result_release(&r);
	}
	return what;
}

#define NET_REFUSED(f, id, ns, want) do { \
		char *w_ = net_claim(f, id, ns, NULL); \
		assert_non_null(w_); \
		assert_string_equal(w_, want); \
		free(w_); \
	} while (0)
#define NET_ALLOWED(f, id, ns) assert_null(net_claim(f, id, ns, NULL))

/* eth0 on 00:04.0 (group 2), eth1 on 00:05.0 (group 3) */
static void net_base(struct netstate *ns)
{
	netstate_free(ns);
	netstate_add_link(ns, 1, "lo", NULL, 0, 0);
	netstate_add_link(ns, 2, "eth0", NULL, 0, 2);
	netstate_add_link(ns, 3, "eth1", NULL, 0, 3);
	/* what every interface that is up has: link-local and multicast routes, a link-local address */
	for (int i = 2; i <= 3; i++) {
		char ll[32];

		snprintf(ll, sizeof(ll), "fe80::%d", i);
		assert_true(netstate_add_route(ns, "fe80::/64", RT_TABLE_MAIN, RTN_UNICAST, &i, 1));
		assert_true(netstate_add_route(ns, "ff00::/8", RT_TABLE_LOCAL, RTN_MULTICAST, &i, 1));
		assert_true(netstate_add_route(ns, ll, RT_TABLE_LOCAL, RTN_LOCAL, &i, 1));
		assert_true(netstate_add_addr(ns, i, ll, 64, RT_SCOPE_LINK));
	}
	assert_true(netstate_add_addr(ns, 1, "127.0.0.1", 8, RT_SCOPE_HOST));
}

static void test_interlock_network(void **state)
{
	static const int lo = 1, eth0 = 2, eth1 = 3, bond0 = 5, vlan = 6;
	struct fx *f = *state;
	struct netstate ns = { 0 };
	char *w;

	add_netdev(f->fs, "0000:00:04.0", "eth0");
	add_netdev(f->fs, "0000:00:05.0", "eth1");
	net_base(&ns);
	assert_true(netstate_add_route(&ns, "default", RT_TABLE_MAIN, RTN_UNICAST, &eth0, 1));
	assert_true(netstate_add_route(&ns, "127.0.0.0/8", RT_TABLE_LOCAL, RTN_LOCAL, &lo, 1));
	NET_REFUSED(f, 2, &ns, "network interface eth0 (carries route default table main)");
	/* eth1 is up, with what every interface has: idle */
	NET_ALLOWED(f, 3, &ns);

	/* policy routing: a route of table 100 only (not in /proc/net/route) */
	assert_true(netstate_add_route(&ns, "10.1.0.0/16", 100, RTN_UNICAST, &eth1, 1));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (carries route 10.1.0.0/16 table 100)");
	/* an IPv6 route of a table, and the count of the rest */
	assert_true(netstate_add_route(&ns, "2001:db8:1::/48", 200, RTN_UNICAST, &eth1, 1));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (carries route 10.1.0.0/16 table 100, "
		    "and 1 more route or address)");

	/* an address without its prefix route (noprefixroute), and the SSH session on it */
	net_base(&ns);
	assert_true(netstate_add_addr(&ns, eth1, "2001:db8::5", 128, RT_SCOPE_UNIVERSE));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (has address 2001:db8::5/128)");
	assert_true(netstate_add_ssh_connection(&ns, "2001:db8::99 50000 2001:db8::5 22"));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (carries this SSH session: 2001:db8::5 port 22 "
		    "from 2001:db8::99)");
	assert_false(netstate_add_ssh_connection(&ns, "2001:db8::99 50000"));
	/* a session whose local address is elsewhere, but whose peer is reached through eth0 */
	net_base(&ns);
	assert_true(netstate_add_ssh(&ns, "::ffff:192.0.2.1", 22, "::ffff:198.51.100.7", 40000, eth0));
	NET_REFUSED(f, 2, &ns, "network interface eth0 (carries this SSH session: 192.0.2.1 port 22 "
		    "from 198.51.100.7)");
	NET_ALLOWED(f, 3, &ns);

	/* a bond: eth1 is its member; the bond has the address */
	net_base(&ns);
	ns.links[2].master = bond0;
	netstate_add_link(&ns, bond0, "bond0", "bond", 0, 0);
	NET_ALLOWED(f, 3, &ns);   /* a bond that carries nothing */
	assert_true(netstate_add_addr(&ns, bond0, "10.5.0.1", 24, RT_SCOPE_UNIVERSE));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (member of bond bond0, which has address 10.5.0.1/24)");
	/* a VLAN on the bond with the route, the bond without */
	net_base(&ns);
	ns.links[2].master = bond0;
	netstate_add_link(&ns, bond0, "bond0", "bond", 0, 0);
	netstate_add_link(&ns, vlan, "bond0.10", "vlan", 0, bond0);
	assert_true(netstate_add_route(&ns, "10.6.0.0/24", RT_TABLE_MAIN, RTN_UNICAST, &vlan, 1));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (member of bond bond0, parent of vlan bond0.10, "
		    "which carries route 10.6.0.0/24 table main)");
	/* a VLAN on eth1 itself */
	net_base(&ns);
	netstate_add_link(&ns, vlan, "eth1.10", "vlan", 0, eth1);
	NET_ALLOWED(f, 3, &ns);
	assert_true(netstate_add_addr(&ns, vlan, "10.7.0.1", 24, RT_SCOPE_UNIVERSE));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (parent of vlan eth1.10, which has address 10.7.0.1/24)");
	/* a bridge port: the bridge's address */
	net_base(&ns);
	ns.links[2].master = bond0;
	netstate_add_link(&ns, bond0, "br0", "bridge", 0, 0);
	assert_true(netstate_add_addr(&ns, bond0, "10.8.0.1", 24, RT_SCOPE_UNIVERSE));
	NET_REFUSED(f, 3, &ns, "network interface eth1 (member of bridge br0, which has address 10.8.0.1/24)");
	NET_ALLOWED(f, 2, &ns);

	/* a tree (--sysfs-root) has no network: not looked at, netlink not asked */
	net_base(&ns);
	assert_true(netstate_add_route(&ns, "default", RT_TABLE_MAIN, RTN_UNICAST, &eth0, 1));
	w = net_claim(f, 2, NULL, "tree:/nowhere");
	assert_null(w);
	netstate_free(&ns);
}

static void test_interlock_console(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;

	fake_device(f->fs, "0000:00:02.0", NULL, 0, "e1000e", "e1000e");  /* stands for a GPU */
	fake_device(f->fs, "0000:00:08.0", NULL, 8, "e1000e", "e1000e");  /* a second one */
	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:02.0/boot_vga", "1\n");
	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:08.0/boot_vga", "0\n");
	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:02.0/drm/card0/dev", "226:0\n");
	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:08.0/drm/card1/dev", "226:1\n");
	fake_link(f->fs, "/sys/class/drm/card0", "/sys/devices/pci0000:00/0000:00:02.0/drm/card0");
	fake_link(f->fs, "/sys/class/drm/card1", "/sys/devices/pci0000:00/0000:00:08.0/drm/card1");
	fake_link(f->fs, "/sys/devices/pci0000:00/0000:00:02.0/drm/card0/device",
		  "/sys/devices/pci0000:00/0000:00:02.0");
	fake_link(f->fs, "/sys/devices/pci0000:00/0000:00:08.0/drm/card1/device",
		  "/sys/devices/pci0000:00/0000:00:08.0");
	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 0, &o, &r), -EPERM);
	assert_string_equal(r.hits[0].what, "DRM card0 (boot VGA device, the console)");
	claim_result_release(&r);
	/* the second GPU is what passthrough is for */
	assert_int_equal(do_claim(f, 8, &o, &r), 0);
	claim_result_release(&r);
	assert_int_equal(do_release(f, 8, &o, &r), 0);
	claim_result_release(&r);
	/* fbcon on fb0 of the second card */
	fake_file(f->fs, "/sys/class/vtconsole/vtcon1/name", "(M) frame buffer device\n");
	fake_file(f->fs, "/sys/class/vtconsole/vtcon1/bind", "1\n");
	fake_file(f->fs, "/sys/devices/pci0000:00/0000:00:08.0/graphics/fb0/dev", "29:0\n");
	fake_link(f->fs, "/sys/class/graphics/fb0", "/sys/devices/pci0000:00/0000:00:08.0/graphics/fb0");
	fake_link(f->fs, "/sys/devices/pci0000:00/0000:00:08.0/graphics/fb0/device",
		  "/sys/devices/pci0000:00/0000:00:08.0");
	assert_int_equal(do_claim(f, 8, &o, &r), -EPERM);
	assert_string_equal(r.hits[0].what, "console framebuffer fb0");
	claim_result_release(&r);
}

/* ---- hostile state (the audit's B1, B2, B5, B6) ---- */

/* A journal file written by hand into the claims directory, as another writer could. */
static void put_journal(struct fx *f, const char *name, const char *text)
{
	char *dir = xasprintf("%s/claims", f->state), *p = xasprintf("%s/%s", dir, name);
	FILE *fp;

	mkdir(dir, 0755);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(dir);
	free(p);
}

/* A claim journal of group KEY's one device DEV, recorded as on DRV, with the extra members EXTRA. */
static char *journal_text_of(const char *key, unsigned int group, const char *extra, const char *devs)
{
	return xasprintf("{\"format\": \"iommuctl-claim-journal\", \"version\": 1, \"state\": \"claimed\", "
			 "\"key\": \"%s\", \"group\": %u, \"driver\": \"vfio-pci\", %s\"pid\": 1, "
			 "\"devices\": %s}", key, group, extra, devs);
}

/* B1: a lock with another name for it, or a state directory others may write to */
static void test_state_unsafe(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *victim = xasprintf("%s/victim", f->state), *dir = xasprintf("%s/claims", f->state);
	char *lock = xasprintf("%s/0000:00:04.0.lock", dir), *text = NULL;
	struct view *root;
	size_t len;
	FILE *fp;

	fx_opts(f, &o);
	fp = fopen(victim, "w");
	fputs("IMPORTANT\n", fp);
	fclose(fp);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(link(victim, lock), 0);
	assert_int_equal(do_release(f, 2, &o, &r), -EPERM);
	assert_non_null(strstr(r.why, "hard links"));
	claim_result_release(&r);
	assert_int_equal(view_root_new("/", NULL, &root), 0);
	assert_int_equal(view_read_file(root, victim, &text, &len), 0);
	assert_string_equal(text, "IMPORTANT\n");
	free(text);
	view_free(root);
	unlink(lock);

	/* others may write the state directory: nothing is done in it */
	assert_int_equal(chmod(f->state, 0770), 0);
	assert_int_equal(do_claim(f, 2, &o, &r), -EPERM);
	assert_non_null(strstr(r.why, "is group/world-writable: chmod go-w"));
	assert_int_equal(fake_writes(f->fs), 0);
	claim_result_release(&r);
	assert_int_equal(chmod(f->state, 0700), 0);
	/* a claim leaves its journal and lock, and no temporary file */
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	{
		struct strv names = { 0 };

		assert_int_equal(view_root_new("/", NULL, &root), 0);
		assert_int_equal(view_list_dir(root, dir, &names), 0);
		strv_sort(&names);
		assert_int_equal(names.n, 2);
		assert_string_equal(names.v[0], "0000:00:04.0.json");
		assert_string_equal(names.v[1], "0000:00:04.0.lock");
		strv_free(&names);
		view_free(root);
	}
	free(victim);
	free(dir);
	free(lock);
}

/* B2: release acts on exactly the group's members, with names that are names */
static void test_release_journal_checked(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *j;

	fx_opts(f, &o);
	/* group 2's journal naming group 3's NIC */
	j = journal_text_of("0000:00:04.0", 2, "", "[{\"address\": \"0000:00:05.0\", \"bus\": \"pci\", "
			    "\"action\": \"rebind\", \"driver\": \"pci-stub\", \"driver_override\": null}]");
	put_journal(f, "0000:00:04.0.json", j);
	free(j);
	assert_int_equal(do_release(f, 2, &o, &r), -EBADMSG);
	assert_non_null(strstr(r.why, "it lists 0000:00:05.0, which is not a member of group 2"));
	assert_non_null(strstr(r.why, "it does not list its member 0000:00:04.0"));
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 0);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:05.0"), "e1000e");
	assert_true(journal_exists(f, "0000:00:04.0"));
	/* an empty list does not match either */
	j = journal_text_of("0000:00:04.0", 2, "", "[]");
	put_journal(f, "0000:00:04.0.json", j);
	free(j);
	assert_int_equal(do_release(f, 2, &o, &r), -EBADMSG);
	claim_result_release(&r);
	/* a type journal too */
	j = xasprintf("{\"format\": \"iommuctl-claim-journal\", \"version\": 1, \"state\": \"typing\", "
		      "\"type_before\": \"identity\", \"type_target\": \"DMA\", \"devices\": [{\"address\": "
		      "\"0000:00:05.0\", \"action\": \"rebind\", \"driver\": \"e1000e\"}]}");
	put_journal(f, "0000:00:04.0.type.json", j);
	free(j);
	assert_int_equal(do_release(f, 2, &o, &r), -EBADMSG);
	assert_non_null(strstr(r.why, "0000:00:04.0.type.json does not match group 2"));
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 0);
	fx_reset(f);

	/* a driver or override that is no name: refused before any write */
	j = journal_text_of("0000:00:04.0", 2, "", "[{\"address\": \"0000:00:04.0\", \"bus\": \"pci\", "
			    "\"action\": \"rebind\", \"driver\": \"e1000e\", \"driver_override\": \"x\\ny\"}]");
	put_journal(f, "0000:00:04.0.json", j);
	free(j);
	assert_int_equal(do_release(f, 2, &o, &r), -EBADMSG);
	assert_non_null(strstr(r.why, "driver_override \"x\\x0ay\" is not a driver name"));
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 0);
	/* and the engine refuses such a name whoever asks */
	{
		struct claim_devstate bad = { .driver = (char *)"../e1000e", .override = NULL };
		struct claim_txn t;
		struct inv_group *g = fx_group(f, 2);

		memset(&r, 0, sizeof(r));
		claim_txn_init(&t, fake_view(f->fs), &o, &r);
		assert_int_equal(claim_members_load(fake_view(f->fs), &f->inv, g, &r), 0);
		assert_int_equal(claim_txn_apply(&t, &r.members[0], &bad), -EINVAL);
		bad.driver = (char *)"vfio-pci";
		bad.override = (char *)"vfio-pci\n";
		assert_int_equal(claim_txn_apply(&t, &r.members[0], &bad), -EINVAL);
		claim_result_release(&r);
	}
	assert_int_equal(fake_writes(f->fs), 0);
}

/* B2: what release (or the recovery of a type change) unbinds passes the interlocks */
static void test_release_interlocks(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *j;

	add_root_disk(f->fs);
	fx_opts(f, &o);
	j = journal_text_of("0000:00:1f.2", 5, "", "[{\"address\": \"0000:00:1f.2\", \"bus\": \"pci\", "
			    "\"action\": \"rebind\", \"driver\": \"pci-stub\", \"driver_override\": null}]");
	put_journal(f, "0000:00:1f.2.json", j);
	free(j);
	assert_int_equal(do_release(f, 5, &o, &r), -EPERM);
	assert_int_equal(r.nhits, 1);
	assert_string_equal(r.why, "refusing to release group 5, which means unbinding members from their "
			    "present drivers: 0000:00:1f.2 holds the root filesystem (/ on /dev/sda2) "
			    "(--force to release it anyway)");
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 0);
	assert_true(journal_exists(f, "0000:00:1f.2"));
	o.force = true;
	assert_int_equal(do_release(f, 5, &o, &r), 0);
	claim_result_release(&r);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:1f.2"), "pci-stub");
	fx_reset(f);

	/* an interrupted type change: its type goes back only with every member unbound */
	add_root_disk(f->fs);
	o.force = false;
	j = xasprintf("{\"format\": \"iommuctl-claim-journal\", \"version\": 1, \"state\": \"typing\", "
		      "\"type_before\": \"identity\", \"type_target\": \"DMA\", \"devices\": [{\"address\": "
		      "\"0000:00:1f.2\", \"action\": \"rebind\", \"driver\": \"ahci\"}]}");
	put_journal(f, "0000:00:1f.2.type.json", j);
	free(j);
	assert_int_equal(do_release(f, 5, &o, &r), -EPERM);
	assert_string_equal(r.why, "refusing to finish the interrupted type change of group 5, which means "
			    "unbinding its members: 0000:00:1f.2 holds the root filesystem (/ on /dev/sda2) "
			    "(--force to do it anyway)");
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 0);
}

/* B5: a journal that is a FIFO is refused at once, by the changes and by group show's owner */
static void test_journal_fifo(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	struct claim_owner own;
	char *dir = xasprintf("%s/claims", f->state), *fifo = xasprintf("%s/0000:00:04.0.json", dir);

	fx_opts(f, &o);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* a reader that waits on the FIFO never comes back: the alarm ends the test as failed */
	alarm(20);
	assert_int_equal(do_release(f, 2, &o, &r), -EPERM);
	assert_non_null(strstr(r.why, "is not a regular file"));
	claim_result_release(&r);
	assert_int_equal(do_claim(f, 2, &o, &r), -EPERM);
	claim_result_release(&r);
	claim_owner_find(fake_view(f->fs), &f->inv, fx_group(f, 2), f->state, &own);
	assert_null(own.journal);
	assert_non_null(strstr(own.problem, "is not a regular file"));
	claim_owner_release(&own);
	alarm(0);
	assert_int_equal(fake_writes(f->fs), 0);
	free(dir);
	free(fifo);
}

/* B6: journals record where they were made, and another source's are refused */
static void test_journal_source(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	struct claim_place p;
	struct claim_owner own;
	char *why = NULL, *tree = realpath(f->state, NULL), *want, *text = NULL, *path;
	struct view *root;
	size_t len;

	unsetenv(CLAIM_STATE_DIR_ENV);
	/* the running machine: its boot id; a tree: its canonical path, and its own state directory */
	fake_file(f->fs, "/proc/sys/kernel/random/boot_id", "6c1a0b3e-1111-4222-8333-944455556666\n");
	assert_int_equal(claim_place_find(fake_view(f->fs), NULL, NULL, &p, &why), 0);
	assert_string_equal(p.source, "boot:6c1a0b3e-1111-4222-8333-944455556666");
	assert_string_equal(p.state_dir, CLAIM_STATE_DIR_DEFAULT);
	claim_place_free(&p);
	assert_int_equal(claim_place_find(fake_view(f->fs), f->state, NULL, &p, &why), 0);
	want = xasprintf("tree:%s", tree);
	assert_string_equal(p.source, want);
	free(want);
	want = xasprintf("%s.iommuctl-state", tree);
	assert_string_equal(p.state_dir, want);
	free(want);
	claim_place_free(&p);
	assert_int_equal(claim_place_find(fake_view(f->fs), f->state, "/x", &p, &why), 0);
	assert_string_equal(p.state_dir, "/x");
	claim_place_free(&p);
	setenv(CLAIM_STATE_DIR_ENV, "/y", 1);
	assert_int_equal(claim_place_find(fake_view(f->fs), f->state, NULL, &p, &why), 0);
	assert_string_equal(p.state_dir, "/y");
	claim_place_free(&p);
	unsetenv(CLAIM_STATE_DIR_ENV);
	assert_int_equal(claim_place_find(fake_view(f->fs), "/no/such/tree", NULL, &p, &why), -ENOENT);
	assert_non_null(strstr(why, "/no/such/tree"));
	free(why);

	/* a claim records its source */
	fx_opts(f, &o);
	o.source = "boot:6c1a0b3e-1111-4222-8333-944455556666";
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	assert_int_equal(view_root_new("/", NULL, &root), 0);
	path = xasprintf("%s/claims/0000:00:04.0.json", f->state);
	assert_int_equal(view_read_file(root, path, &text, &len), 0);
	assert_non_null(strstr(text, "\"source\": \"boot:6c1a0b3e-1111-4222-8333-944455556666\""));
	free(text);
	view_free(root);
	/* group show's owner is the running machine's, of this boot */
	claim_owner_find(fake_view(f->fs), &f->inv, fx_group(f, 2), f->state, &own);
	assert_non_null(own.journal);
	assert_null(own.problem);
	claim_owner_release(&own);

	/* after a reboot the journal is another boot's: refused, said why */
	fake_file(f->fs, "/proc/sys/kernel/random/boot_id", "77777777-1111-4222-8333-944455556666\n");
	claim_owner_find(fake_view(f->fs), &f->inv, fx_group(f, 2), f->state, &own);
	assert_null(own.journal);
	assert_non_null(strstr(own.problem, "was made in another boot of this machine"));
	claim_owner_release(&own);
	o.source = "boot:77777777-1111-4222-8333-944455556666";
	assert_int_equal(do_release(f, 2, &o, &r), -EXDEV);
	assert_non_null(strstr(r.why, "the bindings it recorded ended with that boot"));
	claim_result_release(&r);
	assert_int_equal(do_claim(f, 2, &o, &r), -EXDEV);
	claim_result_release(&r);
	/* a tree does not take it */
	o.source = "tree:/cap/sys";
	assert_int_equal(do_release(f, 2, &o, &r), -EXDEV);
	assert_non_null(strstr(r.why, "belongs to the running machine (boot 6c1a0b3e-1111-4222-8333-944455556666), "
				      "not to the --sysfs-root tree /cap/sys"));
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), 3);
	/* a boot id that cannot be read: any boot's journal is taken */
	o.source = NULL;
	assert_int_equal(do_release(f, 2, &o, &r), 0);
	claim_result_release(&r);
	assert_false(journal_exists(f, "0000:00:04.0"));

	/* a journal written before sources were recorded is the running machine's */
	{
		char *j = journal_text_of("0000:00:04.0", 2, "", "[{\"address\": \"0000:00:04.0\", \"bus\": \"pci\", "
					  "\"action\": \"rebind\", \"driver\": \"e1000e\", \"driver_override\": null}]");

		put_journal(f, "0000:00:04.0.json", j);
		free(j);
	}
	o.source = "tree:/cap/sys";
	assert_int_equal(do_release(f, 2, &o, &r), -EXDEV);
	assert_non_null(strstr(r.why, "belongs to the running machine, not to the --sysfs-root tree /cap/sys"));
	claim_result_release(&r);
	o.source = "boot:77777777-1111-4222-8333-944455556666";
	assert_int_equal(do_release(f, 2, &o, &r), 0);
	assert_true(r.already);
	claim_result_release(&r);
	free(path);
	free(tree);
}

/* ---- owner ---- */

static void test_owner(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	struct claim_owner own;
	struct inv_group *g;
	char *h;

	fx_opts(f, &o);
	g = fx_group(f, 2);
	claim_owner_find(fake_view(f->fs), &f->inv, g, f->state, &own);
	assert_true(own.journal_checked);
	assert_null(own.journal);
	assert_int_equal(own.vfio_users.n, 0);
	claim_owner_release(&own);

	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	h = xasprintf("%s/proc/99/fd/3", fake_root(f->fs));
	fake_file(f->fs, "/proc/99/comm", "qemu\n");
	fake_file(f->fs, "/proc/99/fd/0", "");
	assert_int_equal(symlink("/dev/vfio/2", h), 0);
	free(h);
	g = fx_group(f, 2);
	claim_owner_find(fake_view(f->fs), &f->inv, g, f->state, &own);
	assert_non_null(own.journal);
	assert_string_equal(own.journal_driver, "vfio-pci");
	assert_string_equal(own.journal_state, "claimed");
	assert_true(own.vfio_checked);
	assert_int_equal(own.vfio_users.n, 1);
	assert_string_equal(own.vfio_users.v[0], "pid 99 (qemu) has /dev/vfio/2 open");
	claim_owner_release(&own);
}

/* ---- holders: who has the group's VFIO objects open ---- */

/* A process of the fake /proc: its comm (NULL: none) and fds as (number, link target) pairs, ending with -1. */
static void fake_proc(struct fake_sysfs *fs, long pid, const char *comm, ...)
{
	va_list ap;
	int fd;

	if (comm) {
		char *p = xasprintf("/proc/%ld/comm", pid), *c = xasprintf("%s\n", comm);

		fake_file(fs, p, c);
		free(p);
		free(c);
	}
	va_start(ap, comm);
	while ((fd = va_arg(ap, int)) >= 0) {
		char *p = xasprintf("/proc/%ld/fd/%d", pid, fd);

		fake_rawlink(fs, p, va_arg(ap, const char *));
		free(p);
	}
	va_end(ap);
}

/* fdinfo of a VFIO device fd on Linux 6.18+ (syspath NULL: an older kernel, no such line) */
static void fake_fdinfo(struct fake_sysfs *fs, long pid, int fd, const char *syspath)
{
	char *p = xasprintf("/proc/%ld/fdinfo/%d", pid, fd);
	char *t = xasprintf("pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n%s%s%s", syspath ? "vfio-device-syspath: " : "",
			    syspath ? syspath : "", syspath ? "\n" : "");

	fake_file(fs, p, t);
	free(p);
	free(t);
}

#define DEV_0100_0 "/sys/devices/pci0000:00/0000:00:06.0/0000:01:00.0"
#define DEV_0100_1 "/sys/devices/pci0000:00/0000:00:06.0/0000:01:00.1"

static void assert_holder(const struct claim_holder *h, long pid, const char *comm, int fd, const char *node,
			  const char *device)
{
	assert_int_equal(h->pid, pid);
	if (comm)
		assert_string_equal(h->comm, comm);
	else
		assert_null(h->comm);
	assert_int_equal(h->fd, fd);
	if (node)
		assert_string_equal(h->node, node);
	else
		assert_null(h->node);
	if (device)
		assert_string_equal(h->device, device);
	else
		assert_null(h->device);
}

/*
 * Group 7 claimed (01:00.0 and 01:00.1 on vfio-pci, /dev/vfio/7), 01:00.1
 * with a cdev: a QEMU with the group node and a device fd whose fdinfo
 * names 01:00.0, another fd of an older kernel (no syspath line) and one of
 * another group's device; a VMM with the cdev; a shell holding nothing.
 */
static void holders_machine(struct fx *f)
{
	struct claim_result r;
	struct claim_opts o;

	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	claim_result_release(&r);
	fake_file(f->fs, DEV_0100_1 "/vfio-dev/vfio1/dev", "511:1\n");
	fake_proc(f->fs, 1, "init", 0, "/dev/console", 1, "/dev/console", -1);
	fake_proc(f->fs, 99, "qemu-system-x86", 0, "/dev/null", 3, "/dev/vfio/vfio", 7, "/dev/vfio/7",
		  9, "anon_inode:[vfio-device]", 10, "anon_inode:[vfio-device]", 11, "anon_inode:[vfio-device]",
		  12, "anon_inode:[eventfd]", -1);
	fake_fdinfo(f->fs, 99, 9, DEV_0100_0);
	fake_fdinfo(f->fs, 99, 10, NULL);
	fake_fdinfo(f->fs, 99, 11, "/sys/devices/pci0000:00/0000:00:05.0");
	fake_fdinfo(f->fs, 99, 12, DEV_0100_0);
	fake_proc(f->fs, 120, "cloud-hyperviso", 5, "/dev/vfio/devices/vfio1", 6, "/dev/iommu", -1);
	fake_proc(f->fs, 130, "sh", 0, "/dev/tty1", 3, "/dev/vfio/5", -1);
}

static void test_holders_scan(void **state)
{
	struct fx *f = *state;
	struct claim_holders h;
	struct claim_owner own;
	struct inv_group *g;
	char *t;

	holders_machine(f);
	g = fx_group(f, 7);
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, g, NULL, &h), 0);
	assert_int_equal(h.n, 3);
	assert_holder(&h.v[0], 99, "qemu-system-x86", 7, "/dev/vfio/7", NULL);
	/* the anon inode tied to its device by fdinfo; fd 10 (no syspath) and fd 11 (group 3's) are not */
	assert_holder(&h.v[1], 99, "qemu-system-x86", 9, NULL, "0000:01:00.0");
	assert_holder(&h.v[2], 120, "cloud-hyperviso", 5, "/dev/vfio/devices/vfio1", "0000:01:00.1");
	assert_int_equal(h.unreadable, 0);
	assert_int_equal(h.dropped, 0);
	t = claim_holder_text(&h.v[0]);
	assert_string_equal(t, "pid 99 (qemu-system-x86) holds /dev/vfio/7 (fd 7)");
	free(t);
	t = claim_holder_text(&h.v[1]);
	assert_string_equal(t, "pid 99 (qemu-system-x86) holds a device fd of 0000:01:00.0 (fd 9)");
	free(t);
	claim_holders_free(&h);

	/* one member: its group's node, its own cdev and device fds */
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, g, "0000:01:00.0", &h), 0);
	assert_int_equal(h.n, 2);
	assert_holder(&h.v[0], 99, "qemu-system-x86", 7, "/dev/vfio/7", NULL);
	assert_holder(&h.v[1], 99, "qemu-system-x86", 9, NULL, "0000:01:00.0");
	claim_holders_free(&h);
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, g, "0000:01:00.1", &h), 0);
	assert_int_equal(h.n, 2);
	assert_holder(&h.v[1], 120, "cloud-hyperviso", 5, "/dev/vfio/devices/vfio1", "0000:01:00.1");
	claim_holders_free(&h);

	/* a group nobody holds, one with no VFIO node at all (nothing is read) */
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, fx_group(f, 2), NULL, &h), 0);
	assert_int_equal(h.n, 0);
	claim_holders_free(&h);

	/* group show's owner: the same, one line per process and what it has open */
	claim_owner_find(fake_view(f->fs), &f->inv, fx_group(f, 7), f->state, &own);
	assert_true(own.vfio_checked);
	assert_int_equal(own.holders.n, 3);
	assert_int_equal(own.vfio_users.n, 3);
	assert_string_equal(own.vfio_users.v[0], "pid 99 (qemu-system-x86) has /dev/vfio/7 open");
	assert_string_equal(own.vfio_users.v[1], "pid 99 (qemu-system-x86) has a device fd of 0000:01:00.0 open");
	assert_string_equal(own.vfio_users.v[2], "pid 120 (cloud-hyperviso) has /dev/vfio/devices/vfio1 open");
	claim_owner_release(&own);
}

/* /proc as an attacker or a busy machine shows it: every case is passed over, nothing crashes or hangs */
static void test_holders_hostile(void **state)
{
	struct fx *f = *state;
	struct claim_holders h;
	struct inv_group *g;
	char *big, *info;

	holders_machine(f);
	/* names that are not pids or fds as the kernel writes them, even when they link to the node */
	fake_proc(f->fs, 7, "odd", 1, "/dev/null", -1);
	fake_rawlink(f->fs, "/proc/7/fd/01", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/7/fd/abc", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/7/fd/-3", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/7/fd/4294967296", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/007/fd/3", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/0/fd/3", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/99999999999/fd/3", "/dev/vfio/7");
	fake_rawlink(f->fs, "/proc/-5/fd/3", "/dev/vfio/7");
	fake_file(f->fs, "/proc/8", "not a directory\n");
	/* an fd directory that cannot be read (another user's process, not root) */
	fake_proc(f->fs, 200, "secret", 3, "/dev/vfio/7", -1);
	fake_read_rule(f->fs, "/proc/200/fd", EACCES, NULL);
	/* a process that exits while its fds are read: listed, then gone */
	fake_proc(f->fs, 201, "exiting", 3, "/dev/vfio/7", 4, "/dev/vfio/7", -1);
	fake_read_rule(f->fs, "/proc/201/fd", 0, "/proc/201");
	/* one that exits after its fd was read: no comm (text "?") */
	fake_proc(f->fs, 202, NULL, 3, "/dev/vfio/7", -1);
	/* an fd closed between the listing and the link read, beside one still open */
	fake_proc(f->fs, 203, "closer", 3, "/dev/vfio/7", 4, "/dev/vfio/7", -1);
	fake_read_rule(f->fs, "/proc/203/fd/3", ENOENT, NULL);
	/* a process listed in /proc whose directory is already gone */
	fake_read_rule(f->fs, "/proc/204/fd", ESRCH, NULL);
	fake_file(f->fs, "/proc/204/comm", "ghost\n");
	/* garbage fdinfo: only the first tag at the start of a line, a /sys path naming a member, counts */
	fake_proc(f->fs, 205, "garbage", 3, "anon_inode:[vfio-device]", 4, "anon_inode:[vfio-device]",
		  5, "anon_inode:[vfio-device]", 6, "anon_inode:[vfio-device]", 7, "anon_inode:[vfio-device]",
		  8, "anon_inode:[vfio-device]", 9, "anon_inode:[vfio-device]", 10, "anon_inode:[vfio-device]",
		  11, "anon_inode:[vfio-device]", 12, "anon_inode:[vfio-device]", -1);
	fake_file(f->fs, "/proc/205/fdinfo/3", "vfio-device-syspath:\n");
	fake_file(f->fs, "/proc/205/fdinfo/4", "vfio-device-syspath: devices/0000:01:00.0\n");
	fake_file(f->fs, "/proc/205/fdinfo/5", "vfio-device-syspath: " DEV_0100_0 "/\n");
	fake_file(f->fs, "/proc/205/fdinfo/6", "xvfio-device-syspath: " DEV_0100_0 "\n");
	fake_file(f->fs, "/proc/205/fdinfo/7", "vfio-device-syspath: /sys/devices/0000:01:00.0x\n"
		  "vfio-device-syspath: " DEV_0100_0 "\n");
	fake_file(f->fs, "/proc/205/fdinfo/8", "\x01\xff\xfe garbage\n\n\n:::\nvfio-device-syspath");
	fake_read_rule(f->fs, "/proc/205/fdinfo/9", EACCES, NULL);
	fake_file(f->fs, "/proc/205/fdinfo/10/x", "a directory\n");
	/* tied: at the end of a file without a newline, with tabs and a CR; after a 1 MiB line */
	fake_file(f->fs, "/proc/205/fdinfo/11", "pos:\t0\nvfio-device-syspath:\t" DEV_0100_1 " \r");
	big = xmalloc((1u << 20) + 1);
	memset(big, 'A', 1u << 20);
	big[1u << 20] = '\0';
	info = xasprintf("pos:\t0\nlong: %s\nvfio-device-syspath: %s\n", big, DEV_0100_0);
	fake_file(f->fs, "/proc/205/fdinfo/12", info);
	free(info);
	free(big);

	g = fx_group(f, 7);
	alarm(60);
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, g, NULL, &h), 0);
	alarm(0);
	assert_int_equal(h.n, 7);
	assert_holder(&h.v[0], 99, "qemu-system-x86", 7, "/dev/vfio/7", NULL);
	assert_holder(&h.v[1], 99, "qemu-system-x86", 9, NULL, "0000:01:00.0");
	assert_holder(&h.v[2], 120, "cloud-hyperviso", 5, "/dev/vfio/devices/vfio1", "0000:01:00.1");
	assert_holder(&h.v[3], 202, NULL, 3, "/dev/vfio/7", NULL);
	assert_holder(&h.v[4], 203, "closer", 4, "/dev/vfio/7", NULL);
	assert_holder(&h.v[5], 205, "garbage", 11, NULL, "0000:01:00.1");
	assert_holder(&h.v[6], 205, "garbage", 12, NULL, "0000:01:00.0");
	/* 200's fds could not be searched; 8 (a file) and 204 (gone) are not counted as such */
	assert_int_equal(h.unreadable, 1);
	{
		char *t = claim_holder_text(&h.v[3]);

		assert_string_equal(t, "pid 202 (?) holds /dev/vfio/7 (fd 3)");
		free(t);
	}
	claim_holders_free(&h);

	/* /proc that cannot be listed: an error, and nothing found */
	fake_read_rule(f->fs, "/proc", EACCES, NULL);
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, g, NULL, &h), -EACCES);
	assert_int_equal(h.n, 0);
	claim_holders_free(&h);
}

/* a process with a huge fd table; one with more holding fds than are kept */
static void test_holders_huge(void **state)
{
	struct fx *f = *state;
	struct claim_holders h;
	struct inv_group *g;
	char *p;

	holders_machine(f);
	for (int fd = 0; fd < 30000; fd++) {
		p = xasprintf("/proc/300/fd/%d", fd);
		fake_rawlink(f->fs, p, fd == 29999 ? "/dev/vfio/7" : "socket:[12345]");
		free(p);
	}
	fake_file(f->fs, "/proc/300/comm", "server\n");
	for (int fd = 0; fd < CLAIM_HOLDERS_MAX + 10; fd++) {
		p = xasprintf("/proc/301/fd/%d", fd);
		fake_rawlink(f->fs, p, "/dev/vfio/7");
		free(p);
	}
	g = fx_group(f, 7);
	alarm(60);
	assert_int_equal(claim_holders_find(fake_view(f->fs), &f->inv, g, NULL, &h), 0);
	alarm(0);
	assert_int_equal(h.n, CLAIM_HOLDERS_MAX);
	assert_int_equal(h.dropped, 3 + 1 + 10);
	assert_holder(&h.v[3], 300, "server", 29999, "/dev/vfio/7", NULL);
	assert_holder(&h.v[4], 301, NULL, 0, "/dev/vfio/7", NULL);
	claim_holders_free(&h);
}

/* release: a group that a process holds is refused, naming it, unless --force */
static void test_release_holders(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	unsigned int w;

	fx_opts(f, &o);
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	fake_proc(f->fs, 123, "qemu", 0, "/dev/null", 7, "/dev/vfio/2", -1);
	w = fake_writes(f->fs);
	assert_int_equal(do_release(f, 2, &o, &r), -EBUSY);
	assert_string_equal(r.why, "group 2: pid 123 (qemu) holds /dev/vfio/2 (fd 7); close it or use --force");
	assert_int_equal(r.holders.n, 1);
	assert_false(r.holders_forced);
	assert_int_equal(exit_status_from_err(-EBUSY), EXIT_FAIL);
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), w);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "vfio-pci");
	assert_true(journal_exists(f, "0000:00:04.0"));
	/* a dry run says the same */
	o.dry_run = true;
	assert_int_equal(do_release(f, 2, &o, &r), -EBUSY);
	claim_result_release(&r);
	o.dry_run = false;

	/* several: the first four named, the rest counted */
	fake_proc(f->fs, 124, "sh", 3, "/dev/vfio/2", 4, "/dev/vfio/2", -1);
	fake_proc(f->fs, 125, "sleep", 3, "/dev/vfio/2", 5, "anon_inode:[vfio-device]", -1);
	fake_fdinfo(f->fs, 125, 5, "/sys/devices/pci0000:00/0000:00:04.0");
	assert_int_equal(do_release(f, 2, &o, &r), -EBUSY);
	assert_string_equal(r.why, "group 2: pid 123 (qemu) holds /dev/vfio/2 (fd 7), pid 124 (sh) holds "
			    "/dev/vfio/2 (fd 3), pid 124 (sh) holds /dev/vfio/2 (fd 4), pid 125 (sleep) holds "
			    "/dev/vfio/2 (fd 3), and 1 more; close them or use --force");
	assert_int_equal(r.holders.n, 5);
	claim_result_release(&r);
	assert_int_equal(fake_writes(f->fs), w);

	/* closed: released */
	fake_remove(f->fs, "/proc/124/fd/3");
	fake_remove(f->fs, "/proc/124/fd/4");
	fake_remove(f->fs, "/proc/125/fd/3");
	fake_remove(f->fs, "/proc/125/fd/5");
	fake_remove(f->fs, "/proc/123/fd/7");
	assert_int_equal(do_release(f, 2, &o, &r), 0);
	assert_int_equal(r.holders.n, 0);
	claim_result_release(&r);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "e1000e");
	assert_false(journal_exists(f, "0000:00:04.0"));

	/* --force: released although held, and it says so */
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	fake_proc(f->fs, 123, "qemu", 7, "/dev/vfio/2", -1);
	o.force = true;
	assert_int_equal(do_release(f, 2, &o, &r), 0);
	assert_true(r.holders_forced);
	assert_int_equal(r.holders.n, 1);
	assert_true(r.changed);
	claim_result_release(&r);
	assert_string_equal(fake_driver_of(f->fs, "0000:00:04.0"), "e1000e");
	fake_remove(f->fs, "/proc/123/fd/7");
	o.force = false;

	/* a release that changes nothing (the devices are as recorded) does not look */
	assert_int_equal(do_claim(f, 2, &o, &r), 0);
	claim_result_release(&r);
	fake_proc(f->fs, 123, "qemu", 7, "/dev/vfio/2", -1);
	{
		char *j = journal_text_of("0000:00:04.0", 2, "", "[{\"address\": \"0000:00:04.0\", \"bus\": \"pci\", "
					  "\"action\": \"rebind\", \"driver\": \"vfio-pci\", \"driver_override\": "
					  "\"vfio-pci\"}]");

		put_journal(f, "0000:00:04.0.json", j);
		free(j);
	}
	assert_int_equal(do_release(f, 2, &o, &r), 0);
	assert_true(r.already);
	claim_result_release(&r);
	fake_remove(f->fs, "/proc/123/fd/7");
}

/* the recovery of an interrupted type change unbinds members too: refused while held */
static void test_release_holders_type(void **state)
{
	struct fx *f = *state;
	struct claim_result r;
	struct claim_opts o;
	char *orig, *after;

	fx_opts(f, &o);
	orig = fake_dump(f->fs);
	assert_int_equal(do_claim(f, 7, &o, &r), 0);
	claim_result_release(&r);
	/* killed after unbinding the root port: 01:00.0 and 01:00.1 still on vfio-pci */
	run_killed(f, 7, "identity", 1, &o);
	assert_true(journal_exists(f, "0000:00:06.0.type"));
	fake_proc(f->fs, 77, "vmm", 4, "/dev/vfio/7", -1);
	assert_int_equal(do_release(f, 7, &o, &r), -EBUSY);
	assert_string_equal(r.why, "group 7: pid 77 (vmm) holds /dev/vfio/7 (fd 4); close it or use --force");
	claim_result_release(&r);
	assert_true(journal_exists(f, "0000:00:06.0.type"));
	/* the process exits */
	{
		char *cmd = xasprintf("rm -rf '%s/proc/77'", fake_root(f->fs));

		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	assert_int_equal(do_release(f, 7, &o, &r), 0);
	claim_result_release(&r);
	assert_false(journal_exists(f, "0000:00:06.0.type"));
	assert_false(journal_exists(f, "0000:00:06.0"));
	after = fake_dump(f->fs);
	assert_string_equal(orig, after);
	free(orig);
	free(after);
}

/* ---- the CLI verbs ---- */

/* the effective uid run_cli's commands see (the dispatcher's root rule); -1: ours */
static long run_cli_euid = -1;

/*
 * With $IOMMUCTL_JSON_SAMPLES set, keep a JSON document there for
 * tests/cli/test-json-schema.sh, named by its schema: group-claim-N.json,
 * group-type-show-N.json (group type SEL alone), error-N.json (a failure
 * that printed nothing else), ...
 */
static void keep_sample(int argc, char **argv, const char *doc)
{
	static int nsample;
	const char *dir = getenv("IOMMUCTL_JSON_SAMPLES");
	int words = 0;
	char *path;
	FILE *fp;

	if (!dir)
		return;
	for (int i = 0; i < argc; i++)
		words += argv[i][0] != '-';
	if (str_startswith(doc, "{\"error\":"))
		path = xasprintf("%s/error-%d.json", dir, ++nsample);
	else
		path = xasprintf("%s/%s-%s%s-%d.json", dir, argv[0], argv[1],
				 !strcmp(argv[1], "type") && words == 3 ? "-show" : "", ++nsample);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(doc, fp);
	fclose(fp);
	free(path);
}

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

static void test_cli_verbs(void **state)
{
	struct fx *f = *state;
	char *out;

	setenv(CLAIM_STATE_DIR_ENV, f->state, 1);
	assert_int_equal(run_cli(f, &out, 5, "group", "claim", "01:00.0", "--dry-run", "-j"), 0);
	assert_non_null(strstr(out, "\"result\":\"dry run, nothing changed\""));
	assert_non_null(strstr(out, "\"plan\":\"e1000e -> vfio-pci\""));
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);

	assert_int_equal(run_cli(f, &out, 4, "group", "claim", "0000:00:04.0", "-j"), 0);
	assert_non_null(strstr(out, "\"result\":\"claimed\""));
	assert_non_null(strstr(out, "\"op\":\"drivers_probe\""));
	assert_non_null(strstr(out, "\"driver_after\":\"vfio-pci\""));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "claim", "2"), 0);
	assert_non_null(strstr(out, "already claimed"));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "show", "2"), 0);
	assert_non_null(strstr(out, "owner: iommuctl claim for vfio-pci"));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "show", "2", "-j"), 0);
	assert_non_null(strstr(out, "\"claim_driver\":\"vfio-pci\",\"claim_state\":\"claimed\""));
	free(out);
	assert_int_equal(run_cli(f, &out, 5, "group", "release", "2", "--dry-run", "-j"), 0);
	assert_non_null(strstr(out, "\"dry_run\":true,\"result\":\"dry run, nothing changed\""));
	assert_non_null(strstr(out, "\"plan\":\"vfio-pci -> e1000e\""));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "release", "2"), 0);
	assert_non_null(strstr(out, "result: released"));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "release", "2"), -ENOENT);
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "show", "2"), 0);
	assert_non_null(strstr(out, "owner: none"));
	free(out);

	assert_int_equal(run_cli(f, &out, 3, "group", "type", "2"), 0);
	assert_non_null(strstr(out, "type: DMA"));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "type", "2", "-j"), 0);
	assert_non_null(strstr(out, "{\"group\":2,\"type\":\"DMA\",\"writable\":"));
	assert_non_null(strstr(out, "\"drivers\":[\"e1000e\"]"));
	free(out);
	assert_int_equal(run_cli(f, &out, 6, "group", "type", "2", "identity", "--dry-run", "-j"), 0);
	assert_non_null(strstr(out, "\"dry_run\":true,\"unbind_needed\":true,"));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "type", "2", "bogus"), -EUSAGE);
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "type", "2", "identity"), 0);
	assert_non_null(strstr(out, "type now: identity"));
	free(out);
	assert_int_equal(run_cli(f, &out, 5, "group", "type", "2", "auto", "-j"), 0);
	assert_non_null(strstr(out, "\"type_after\":\"DMA\""));
	free(out);
	unsetenv(CLAIM_STATE_DIR_ENV);
}

/* as any user: what changes nothing runs (dry runs, the type shown), the rest is refused */
static void test_cli_non_root(void **state)
{
	struct fx *f = *state;
	char *out;

	setenv(CLAIM_STATE_DIR_ENV, f->state, 1);
	run_cli_euid = 1000;
	assert_int_equal(run_cli(f, &out, 4, "group", "claim", "2", "--dry-run"), 0);
	assert_non_null(strstr(out, "result: dry run, nothing changed"));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "type", "2"), 0);
	assert_non_null(strstr(out, "type: DMA"));
	free(out);
	assert_int_equal(run_cli(f, &out, 5, "group", "type", "2", "identity", "--dry-run"), 0);
	assert_non_null(strstr(out, "result: dry run, nothing changed"));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "claim", "2"), -EPERM);
	assert_non_null(strstr(out, "needs root"));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "type", "2", "identity"), -EPERM);
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "group", "release", "2"), -EPERM);
	free(out);
	assert_int_equal(fake_writes(f->fs), 0);
	run_cli_euid = -1;
	unsetenv(CLAIM_STATE_DIR_ENV);
}

/* occurrences of needle in hay */
static unsigned int count_of(const char *hay, const char *needle)
{
	unsigned int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* the exact text of a report (stdout, then stderr), as before the renderer used the writer */
static void test_cli_render(void **state)
{
	struct fx *f = *state;
	char *out, *want;

	setenv(CLAIM_STATE_DIR_ENV, f->state, 1);
	/* a failure after changes: the steps, the rollback, one diagnostic */
	fake_fail_write(f->fs, 4, EIO);
	assert_int_equal(run_cli(f, &out, 3, "group", "claim", "7"), -EIO);
	want = xasprintf(
		"group: 7\n"
		"driver: vfio-pci\n"
		"dry run: no\n"
		"result: failed, rolled back\n"
		"changed: no\n"
		"journal: %s/claims/0000:00:06.0.json\n"
		"devices:\n"
		"  0000:00:06.0: pcieport manages its own DMA (driver_managed_dma): kept; unchanged: pcieport\n"
		"  0000:01:00.0: e1000e -> vfio-pci; unchanged: e1000e\n"
		"  0000:01:00.1: unbound -> vfio-pci; unchanged: unbound\n"
		"steps:\n"
		"  claim    0000:01:00.0 driver_override 'vfio-pci': ok\n"
		"  claim    0000:01:00.0 unbind '0000:01:00.0': ok\n"
		"    claim    0000:01:00.0 verify '(unbound)': unbound\n"
		"  claim    0000:01:00.0 drivers_probe '0000:01:00.0': ok\n"
		"    claim    0000:01:00.0 verify 'vfio-pci': bound to vfio-pci\n"
		"  claim    0000:01:00.1 driver_override 'vfio-pci': write failed: Input/output error\n"
		"  rollback 0000:01:00.0 driver_override 'e1000e': ok\n"
		"  rollback 0000:01:00.0 unbind '0000:01:00.0': ok\n"
		"    rollback 0000:01:00.0 verify '(unbound)': unbound\n"
		"  rollback 0000:01:00.0 drivers_probe '0000:01:00.0': ok\n"
		"    rollback 0000:01:00.0 verify 'e1000e': bound to e1000e\n"
		"  rollback 0000:01:00.0 driver_override '': ok\n"
		"iommuctl: group claim: 0000:01:00.1: driver_override "
		"/sys/bus/pci/devices/0000:01:00.1/driver_override: write failed: Input/output error\n",
		f->state);
	assert_string_equal(out, want);
	free(want);
	free(out);
	/* the same under -j: the report's keys, and the failure once, as the error object */
	fake_fail_write(f->fs, 4, EIO);
	assert_int_equal(run_cli(f, &out, 4, "group", "claim", "7", "-j"), -EIO);
	assert_non_null(strstr(out, "\"result\":\"failed, rolled back\""));
	assert_non_null(strstr(out, "{\"step\":5,\"phase\":\"rollback\",\"device\":\"0000:01:00.0\","
				    "\"op\":\"driver_override\",\"path\":\"/sys/bus/pci/devices/0000:01:00.0/"
				    "driver_override\",\"written\":\"e1000e\",\"ok\":true,\"errno\":null,"
				    "\"errno_name\":null,\"detail\":null}"));
	assert_non_null(strstr(out, "\"path\":\"/sys/bus/pci/devices/0000:01:00.1/driver_override\","
				    "\"written\":\"vfio-pci\",\"ok\":false,\"errno\":5,\"errno_name\":\"EIO\","));
	assert_non_null(strstr(out, "\"rollback_errors\":[],\"error\":{\"message\":\"0000:01:00.1: "));
	assert_int_equal(count_of(out, "\"error\":{"), 1);
	free(out);
	fake_fail_write(f->fs, 0, 0);

	/* a type change whose type write fails: unbound members bound back */
	fake_fail_write(f->fs, 3, EIO);
	assert_int_equal(run_cli(f, &out, 4, "group", "type", "7", "identity"), -EIO);
	assert_string_equal(out,
		"group: 7\n"
		"requested: identity\n"
		"type before: DMA\n"
		"type now: DMA\n"
		"dry run: no\n"
		"unbind needed: yes\n"
		"result: failed, rolled back\n"
		"changed: no\n"
		"devices:\n"
		"  0000:00:06.0: unbind from pcieport, rebind after the type is written; unchanged: pcieport\n"
		"  0000:01:00.0: unbind from e1000e, rebind after the type is written; unchanged: e1000e\n"
		"  0000:01:00.1: unbound: nothing to do; unchanged: unbound\n"
		"steps:\n"
		"  type     0000:00:06.0 unbind '0000:00:06.0': ok\n"
		"    type     0000:00:06.0 verify '(unbound)': unbound\n"
		"  type     0000:01:00.0 unbind '0000:01:00.0': ok\n"
		"    type     0000:01:00.0 verify '(unbound)': unbound\n"
		"  type     type 'identity': write failed: Input/output error\n"
		"  rollback 0000:01:00.0 driver_override 'e1000e': ok\n"
		"  rollback 0000:01:00.0 drivers_probe '0000:01:00.0': ok\n"
		"    rollback 0000:01:00.0 verify 'e1000e': bound to e1000e\n"
		"  rollback 0000:01:00.0 driver_override '': ok\n"
		"  rollback 0000:00:06.0 driver_override 'pcieport': ok\n"
		"  rollback 0000:00:06.0 drivers_probe '0000:00:06.0': ok\n"
		"    rollback 0000:00:06.0 verify 'pcieport': bound to pcieport\n"
		"  rollback 0000:00:06.0 driver_override '': ok\n"
		"iommuctl: group type: cannot write identity to the type of group 7: Input/output error\n");
	free(out);
	fake_fail_write(f->fs, 0, 0);

	/* an interlock: the hits as their own part, the refusal as the diagnostic */
	add_root_disk(f->fs);
	assert_int_equal(run_cli(f, &out, 3, "group", "claim", "5"), -EPERM);
	want = xasprintf(
		"group: 5\n"
		"driver: vfio-pci\n"
		"dry run: no\n"
		"result: refused, nothing changed\n"
		"changed: no\n"
		"journal: %s/claims/0000:00:1f.2.json\n"
		"devices:\n"
		"  0000:00:1f.2: ahci -> vfio-pci; unchanged: ahci\n"
		"interlocks:\n"
		"  0000:00:1f.2 holds the root filesystem (/ on /dev/sda2)\n"
		"iommuctl: group claim: refusing to claim group 5: 0000:00:1f.2 holds the root filesystem "
		"(/ on /dev/sda2) (--force to claim it anyway)\n", f->state);
	assert_string_equal(out, want);
	free(want);
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "claim", "5", "-j"), -EPERM);
	assert_non_null(strstr(out, "\"interlocks\":[{\"device\":\"0000:00:1f.2\",\"holds\":\"root "
				    "filesystem (/ on /dev/sda2)\"}],\"steps\":[],\"rollback_errors\":[],"
				    "\"error\":{"));
	free(out);

	/* nothing to release: no report about nothing, only the error (-j: the error object alone) */
	assert_int_equal(run_cli(f, &out, 4, "group", "release", "2", "-j"), -ENOENT);
	assert_true(str_startswith(out, "{\"error\":{\"message\":\"group 2 has no claim journal"));
	assert_int_equal(count_of(out, "\"group\":"), 0);
	free(out);

	/* success: text without the empty parts; JSON with every key and no error */
	assert_int_equal(run_cli(f, &out, 3, "group", "claim", "1"), 0);
	want = xasprintf(
		"group: 1\n"
		"driver: vfio-pci\n"
		"dry run: no\n"
		"result: claimed\n"
		"changed: yes\n"
		"journal: %s/claims/0000:00:03.0.json\n"
		"devices:\n"
		"  0000:00:03.0: unbound -> vfio-pci; was unbound, now vfio-pci (driver_override vfio-pci)\n",
		f->state);
	assert_string_equal(out, want);
	free(want);
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "release", "1", "-j"), 0);
	assert_non_null(strstr(out, "{\"group\":1,\"operation\":\"release\",\"driver\":\"vfio-pci\","
				    "\"dry_run\":false,\"result\":\"released\",\"changed\":true,"));
	assert_non_null(strstr(out, "\"type_before\":null,\"type_after\":null,\"holders\":[],\"devices\":[{"
				    "\"address\":\"0000:00:03.0\",\"action\":\"rebind\","
				    "\"plan\":\"vfio-pci -> unbound\",\"driver_before\":null,"
				    "\"driver_override_before\":null,\"driver_after\":null,"
				    "\"driver_override_after\":null}],\"interlocks\":[],\"steps\":["));
	assert_non_null(strstr(out, "\"rollback_errors\":[]}\n"));
	assert_int_equal(count_of(out, "\"error\":{"), 0);
	free(out);
	unsetenv(CLAIM_STATE_DIR_ENV);
}

/* holders in group show, device show and group release, text and JSON, as they print */
static void test_cli_holders(void **state)
{
	struct fx *f = *state;
	char *out;

	setenv(CLAIM_STATE_DIR_ENV, f->state, 1);
	holders_machine(f);
	assert_int_equal(run_cli(f, &out, 3, "group", "show", "7"), 0);
	assert_non_null(strstr(out, "owner: iommuctl claim for vfio-pci (journal "));
	assert_non_null(strstr(out, "; VFIO: pid 99 (qemu-system-x86) has /dev/vfio/7 open; VFIO: pid 99 "
				    "(qemu-system-x86) has a device fd of 0000:01:00.0 open; VFIO: pid 120 "
				    "(cloud-hyperviso) has /dev/vfio/devices/vfio1 open\n"
				    "holders:\n"
				    "  pid 99 (qemu-system-x86) fd 7: /dev/vfio/7\n"
				    "  pid 99 (qemu-system-x86) fd 9: device fd of 0000:01:00.0\n"
				    "  pid 120 (cloud-hyperviso) fd 5: /dev/vfio/devices/vfio1 (0000:01:00.1)\n"
				    "iommu units:"));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "show", "7", "-j"), 0);
	assert_non_null(strstr(out, "\"holders\":[{\"pid\":99,\"comm\":\"qemu-system-x86\",\"fd\":7,"
				    "\"node\":\"/dev/vfio/7\",\"device\":null},{\"pid\":99,\"comm\":"
				    "\"qemu-system-x86\",\"fd\":9,\"node\":null,\"device\":\"0000:01:00.0\"},"
				    "{\"pid\":120,\"comm\":\"cloud-hyperviso\",\"fd\":5,\"node\":"
				    "\"/dev/vfio/devices/vfio1\",\"device\":\"0000:01:00.1\"}],\"unit_names\":"));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "device", "show", "01:00.1"), 0);
	assert_non_null(strstr(out, "vfio cdev: /dev/vfio/devices/vfio1\n"
				    "holders:\n"
				    "  pid 99 (qemu-system-x86) fd 7: /dev/vfio/7\n"
				    "  pid 120 (cloud-hyperviso) fd 5: /dev/vfio/devices/vfio1 (0000:01:00.1)\n"
				    "path: "));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "device", "show", "0000:01:00.0", "-j"), 0);
	assert_non_null(strstr(out, "\"vfio_cdevs\":[],\"holders\":[{\"pid\":99,\"comm\":\"qemu-system-x86\","
				    "\"fd\":7,\"node\":\"/dev/vfio/7\",\"device\":null},{\"pid\":99,\"comm\":"
				    "\"qemu-system-x86\",\"fd\":9,\"node\":null,\"device\":\"0000:01:00.0\"}],"
				    "\"path\":"));
	free(out);
	/* nobody: none (JSON []) */
	assert_int_equal(run_cli(f, &out, 3, "device", "show", "00:04.0"), 0);
	assert_non_null(strstr(out, "vfio cdev: -\nholders: none\npath: "));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "show", "2", "-j"), 0);
	assert_non_null(strstr(out, "\"vfio_users\":[]},\"holders\":[],\"unit_names\""));
	free(out);

	/* release refuses, names them, exit status 1 (busy) */
	assert_int_equal(run_cli(f, &out, 3, "group", "release", "7"), -EBUSY);
	assert_non_null(strstr(out, "result: refused, nothing changed\n"));
	assert_non_null(strstr(out, "holders:\n  pid 99 (qemu-system-x86) fd 7: /dev/vfio/7\n"));
	assert_non_null(strstr(out, "\niommuctl: group release: group 7: pid 99 (qemu-system-x86) holds "
				 "/dev/vfio/7 (fd 7), pid 99 (qemu-system-x86) holds a device fd of 0000:01:00.0 "
				 "(fd 9), pid 120 (cloud-hyperviso) holds /dev/vfio/devices/vfio1 (fd 5); close them "
				 "or use --force\n"));
	free(out);
	assert_int_equal(run_cli(f, &out, 4, "group", "release", "7", "-j"), -EBUSY);
	assert_non_null(strstr(out, "\"result\":\"refused, nothing changed\""));
	assert_non_null(strstr(out, "\"holders\":[{\"pid\":99,\"comm\":\"qemu-system-x86\",\"fd\":7,"));
	assert_non_null(strstr(out, "\"error\":{\"message\":\"group 7: pid 99 (qemu-system-x86) holds "));
	assert_non_null(strstr(out, "\"exit\":1}"));
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:01:00.0"), "vfio-pci");

	/* --force: released, and said so */
	assert_int_equal(run_cli(f, &out, 4, "group", "release", "7", "--force"), 0);
	assert_non_null(strstr(out, "result: released\n"));
	assert_non_null(strstr(out, "holders:\n  pid 99 (qemu-system-x86) fd 7: /dev/vfio/7\n"));
	assert_non_null(strstr(out, "iommuctl: group release: warning: --force: releasing group 7 although pid 99 "
				    "(qemu-system-x86) holds /dev/vfio/7 (fd 7) (and others: see holders)\n"));
	free(out);
	assert_string_equal(fake_driver_of(f->fs, "0000:01:00.0"), "e1000e");

	/* /proc that cannot be searched: not known (null, "-") */
	fake_read_rule(f->fs, "/proc", EACCES, NULL);
	assert_int_equal(run_cli(f, &out, 4, "group", "show", "7", "-j"), 0);
	assert_non_null(strstr(out, "\"vfio_users\":null},\"holders\":null,"));
	free(out);
	assert_int_equal(run_cli(f, &out, 3, "device", "show", "01:00.1"), 0);
	assert_non_null(strstr(out, "\nholders: -\n"));
	free(out);
	unsetenv(CLAIM_STATE_DIR_ENV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
		T(test_claim_plan_dry_run),
		T(test_claim_release_roundtrip),
		T(test_claim_journal_contents),
		T(test_claim_fail_every_write),
		T(test_claim_verify_fails_rolls_back),
		T(test_claim_killed_every_step),
		T(test_release_fail_every_write),
		T(test_type_roundtrip),
		T(test_type_fail_every_write),
		T(test_type_killed_every_step),
		T(test_type_killed_claimed),
		T(test_type_dma_fq_in_place),
		T(test_type_preconditions),
		T(test_lock_busy),
		T(test_prologue),
		T(test_interlock_root_disk),
		T(test_interlock_refusal_shared),
		T(test_interlock_swap_dm),
		T(test_interlock_network),
		T(test_interlock_console),
		T(test_owner),
		T(test_holders_scan),
		T(test_holders_hostile),
		T(test_holders_huge),
		T(test_release_holders),
		T(test_release_holders_type),
		T(test_state_unsafe),
		T(test_release_journal_checked),
		T(test_release_interlocks),
		T(test_journal_fifo),
		T(test_journal_source),
		T(test_cli_verbs),
		T(test_cli_render),
		T(test_cli_non_root),
		T(test_cli_holders),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
