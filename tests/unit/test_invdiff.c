/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of inventory_diff() and `snapshot diff` on two fake machines
 * (fake_sysfs.c): equal machines give nothing; groups are matched by the
 * devices they hold, so a renumbered group is one change and a split, a
 * merge and a regrouping are each named; a different card at an address,
 * a new driver, a changed type, a group that is no longer viable, a new
 * reserved region and a device that came or went are each one change;
 * the command exits 1 on a difference with no error object.
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

#include "backends/sysfs/invdiff.h"
#include "backends/sysfs/inventory.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"

#include "fake_sysfs.c"

struct pair {
	struct fake_sysfs *a, *b;
	struct inventory ia, ib;
	struct invdiff d;
};

static int setup(void **state)
{
	struct pair *p = xcalloc(1, sizeof(*p));

	p->a = fake_new();
	p->b = fake_new();
	fake_driver(p->a, "e1000e", false);
	fake_driver(p->b, "e1000e", false);
	fake_driver(p->a, "vfio-pci", false);
	fake_driver(p->b, "vfio-pci", false);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	invdiff_release(&p->d);
	inventory_release(&p->ia);
	inventory_release(&p->ib);
	fake_free(p->a);
	fake_free(p->b);
	free(p);
	return 0;
}

/* Both machines get the device. */
static void both(struct pair *p, const char *addr, int group_a, int group_b, const char *drv)
{
	fake_device(p->a, addr, NULL, group_a, drv, NULL);
	fake_device(p->b, addr, NULL, group_b, drv, NULL);
}

static void run(struct pair *p)
{
	assert_int_equal(inventory_load(fake_view(p->a), &p->ia), 0);
	assert_int_equal(inventory_load(fake_view(p->b), &p->ib), 0);
	inventory_diff(&p->ia, &p->ib, &p->d);
	for (size_t i = 0; i < p->d.n; i++)
		printf("  %s: %s\n", invdiff_kind_name(p->d.changes[i].kind), p->d.changes[i].text);
}

/* The one change of kind k (fails when there is not exactly one). */
static const struct invdiff_change *only(struct pair *p, enum invdiff_kind k)
{
	const struct invdiff_change *c = NULL;

	for (size_t i = 0; i < p->d.n; i++) {
		if (p->d.changes[i].kind != k)
			continue;
		assert_null(c);
		c = &p->d.changes[i];
	}
	assert_non_null(c);
	return c;
}

static void test_equal(void **state)
{
	struct pair *p = *state;

	both(p, "0000:00:03.0", 1, 1, NULL);
	both(p, "0000:00:04.0", 2, 2, "e1000e");
	run(p);
	assert_int_equal(p->d.n, 0);
}

static void test_renumbered(void **state)
{
	struct pair *p = *state;
	const struct invdiff_change *c;

	both(p, "0000:00:03.0", 1, 1, NULL);
	both(p, "0000:00:04.0", 2, 7, NULL);
	run(p);
	assert_int_equal(p->d.n, 1);
	c = only(p, INVDIFF_GROUP_RENUMBERED);
	assert_string_equal(c->before, "2");
	assert_string_equal(c->after, "7");
	assert_string_equal(c->text, "group 2 is now group 7 (0000:00:04.0)");
	assert_int_equal(c->nold, 1);
	assert_int_equal(c->new_groups[0].id, 7);
}

static void test_split_merge_regroup(void **state)
{
	struct pair *p = *state;
	const struct invdiff_change *c;

	/* split: 1 {03.0, 03.1} -> 1 {03.0}, 2 {03.1} */
	both(p, "0000:00:03.0", 1, 1, NULL);
	both(p, "0000:00:03.1", 1, 2, NULL);
	/* merge: 3 {04.0}, 4 {04.1} -> 3 {04.0, 04.1} */
	both(p, "0000:00:04.0", 3, 3, NULL);
	both(p, "0000:00:04.1", 4, 3, NULL);
	/* regroup: 5 {05.0, 05.1}, 6 {05.2, 05.3} -> 5 {05.0, 05.2}, 6 {05.1, 05.3} */
	both(p, "0000:00:05.0", 5, 5, NULL);
	both(p, "0000:00:05.1", 5, 6, NULL);
	both(p, "0000:00:05.2", 6, 5, NULL);
	both(p, "0000:00:05.3", 6, 6, NULL);
	run(p);
	assert_int_equal(p->d.n, 3);
	c = only(p, INVDIFF_GROUP_SPLIT);
	assert_string_equal(c->text, "group 1 (0000:00:03.0, 0000:00:03.1) split into groups "
				     "1 (0000:00:03.0) and 2 (0000:00:03.1)");
	assert_int_equal(c->nold, 1);
	assert_int_equal(c->nnew, 2);
	c = only(p, INVDIFF_GROUP_MERGED);
	assert_string_equal(c->before, "3,4");
	assert_string_equal(c->after, "3");
	c = only(p, INVDIFF_GROUP_REGROUPED);
	assert_int_equal(c->nold, 2);
	assert_int_equal(c->nnew, 2);
	assert_string_equal(c->new_groups[1].members.v[1], "0000:00:05.3");
}

static void test_devices(void **state)
{
	struct pair *p = *state;
	const struct invdiff_change *c;

	both(p, "0000:00:03.0", 1, 1, NULL);
	fake_device(p->a, "0000:00:04.0", NULL, 2, "e1000e", NULL);
	fake_device(p->b, "0000:00:04.0", NULL, 2, "vfio-pci", NULL);
	fake_device(p->a, "0000:00:05.0", NULL, 3, NULL, NULL);       /* gone */
	fake_device(p->b, "0000:00:06.0", NULL, 4, NULL, NULL);       /* new */
	fake_file(p->b, "/sys/devices/pci0000:00/0000:00:03.0/device", "0x1533\n");  /* another card */
	run(p);
	c = only(p, INVDIFF_DEVICE_REMOVED);
	assert_string_equal(c->object, "0000:00:05.0");
	c = only(p, INVDIFF_DEVICE_ADDED);
	assert_string_equal(c->text, "device 0000:00:06.0 (8086:10d3, no driver, group 4) appeared");
	only(p, INVDIFF_GROUP_REMOVED);
	only(p, INVDIFF_GROUP_ADDED);
	for (size_t i = 0; i < p->d.n; i++) {
		c = &p->d.changes[i];
		if (c->kind != INVDIFF_DEVICE_CHANGED)
			continue;
		if (!strcmp(c->field, "id")) {
			assert_string_equal(c->object, "0000:00:03.0");
			assert_string_equal(c->before, "8086:10d3");
			assert_string_equal(c->after, "8086:1533");
		} else {
			assert_string_equal(c->field, "driver");
			assert_string_equal(c->before, "e1000e");
			assert_string_equal(c->after, "vfio-pci");
		}
	}
	only(p, INVDIFF_GROUP_CHANGED);
	assert_int_equal(p->d.n, 7);
}

static void test_group_state(void **state)
{
	struct pair *p = *state;
	const struct invdiff_change *c;

	both(p, "0000:00:03.0", 1, 1, NULL);
	fake_file(p->b, "/sys/kernel/iommu_groups/1/type", "identity\n");
	fake_file(p->b, "/sys/kernel/iommu_groups/1/reserved_regions",
		  "0x00000000fee00000 0x00000000feefffff msi\n"
		  "0x00000000000e0000 0x00000000000fffff direct\n");
	/* group 2 gains a member bound to a host driver: no longer viable */
	both(p, "0000:00:04.0", 2, 2, NULL);
	fake_device(p->b, "0000:00:04.1", NULL, 2, "e1000e", NULL);
	run(p);
	c = only(p, INVDIFF_RESV_ADDED);
	assert_string_equal(c->after, "0xe0000-0xfffff direct");
	only(p, INVDIFF_DEVICE_ADDED);
	for (size_t i = 0; i < p->d.n; i++) {
		c = &p->d.changes[i];
		if (c->kind != INVDIFF_GROUP_CHANGED)
			continue;
		if (!strcmp(c->field, "type")) {
			assert_string_equal(c->before, "DMA");
			assert_string_equal(c->after, "identity");
		} else {
			assert_string_equal(c->field, "viable");
			assert_string_equal(c->object, "2");
			assert_string_equal(c->before, "viable");
			assert_string_equal(c->after, "not viable");
		}
	}
	assert_int_equal(p->d.n, 4);
}

/* The command: exit 1 and no error object on a difference; 0 on none. */
static void test_cli(void **state)
{
	struct pair *p = *state;
	char *out = NULL, *snap = xasprintf("%s/a.tar", fake_root(p->b));
	const char *save[] = { "snapshot", "save", snap };
	const char *diff[] = { "snapshot", "diff", snap, ".host", "-j" };
	int err;

	both(p, "0000:00:03.0", 1, 1, NULL);
	both(p, "0000:00:04.0", 2, 2, NULL);
	err = fake_cli(p->b, -1, NULL, &out, 3, save);
	if (err)
		printf("%s\n", out);
	assert_int_equal(err, 0);
	free(out);
	err = fake_cli(p->b, -1, NULL, &out, 5, diff);
	assert_int_equal(err, 0);
	assert_non_null(strstr(out, "\"equal\":true"));
	free(out);
	fake_device(p->b, "0000:00:04.1", NULL, 5, NULL, NULL);
	err = fake_cli(p->b, -1, NULL, &out, 5, diff);
	assert_int_equal(err, -EVERDICT);
	assert_int_equal(exit_status_from_err(err), EXIT_FAIL);
	assert_non_null(strstr(out, "\"equal\":false"));
	assert_non_null(strstr(out, "\"kind\":\"group-added\""));
	assert_null(strstr(out, "\"error\""));
	assert_null(strstr(out, "iommuctl:"));
	free(out);
	free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renumbered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_merge_regroup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
