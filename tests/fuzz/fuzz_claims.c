/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for what apply reads from files: the desired state
 * (desired_parse_text in src/backends/sysfs/desired.c) and, for an input
 * that starts with '{', the record of the last apply (apply_record_read in
 * src/backends/sysfs/record.c, from a file as apply reads it). Checks: no
 * crash, leak or hang; the parse fails exactly when it reported a problem,
 * and each problem names its FILE:LINE; what is accepted holds only what
 * the formats allow: canonical PCI addresses, each named once, valid
 * driver names and domain types, companions' options on device lines only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sysfs/apply.h"
#include "backends/sysfs/desired.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/inventory.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[4096];

static void cleanup(void)
{
	unlink(path);
}

static void setup(void)
{
	const char *dir = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

	snprintf(path, sizeof(path), "%s/fuzz_claims.%d.json", dir, (int)getpid());
	atexit(cleanup);
}

static bool canonical(const char *a)
{
	struct pci_addr pa;
	char c[16];

	if (!a || pci_addr_parse(a, &pa))
		return false;
	pci_addr_format(&pa, c, sizeof(c));
	return !strcmp(a, c);
}

static void check_desired(const struct desired *d)
{
	if (d->n > DESIRED_MAX_ENTRIES)
		abort();
	for (size_t i = 0; i < d->n; i++) {
		const struct desired_entry *e = &d->e[i];

		if (!canonical(e->addr) || !e->where || strncmp(e->where, "f.conf:", 7))
			abort();
		if (e->driver && (!claim_name_valid(e->driver) || e->companion))
			abort();
		if (e->type && (!domtype_word_valid(e->type) || !strcmp(e->type, "auto") || e->companion))
			abort();
		if (e->companion && e->comp != DESIRED_COMP_UNSET)
			abort();
		if (e->comp == DESIRED_COMP_CLASSES && !e->comp_classes)
			abort();
		for (size_t k = 0; k < i; k++)
			if (!strcmp(d->e[k].addr, e->addr))
				abort();
	}
}

static void check_record(const struct apply_record *rec)
{
	for (size_t i = 0; i < rec->ngroups; i++) {
		const struct apply_rec_group *g = &rec->groups[i];

		if (!canonical(g->key) || !g->driver || !claim_name_valid(g->driver) ||
		    (g->type && !domtype_word_valid(g->type)))
			abort();
		for (size_t k = 0; k < g->ndevs; k++)
			if (!canonical(g->devs[k].addr) || (g->devs[k].driver && !claim_name_valid(g->devs[k].driver)))
				abort();
		for (size_t k = 0; k < g->nresv; k++)
			if (!g->resv[k].type)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0])
		setup();
	if (size && data[0] == '{') {
		struct apply_record rec;
		char *why = NULL;
		FILE *f = fopen(path, "w");
		int err;

		if (!f)
			abort();
		if (fwrite(data, 1, size, f) != size)
			abort();
		fclose(f);
		err = apply_record_read(path, &rec, &why);
		if (err) {
			if (!why)
				abort();
			free(why);
		} else {
			if (why)
				abort();
			check_record(&rec);
			apply_record_free(&rec);
		}
	} else {
		struct strv errors = { 0 };
		struct desired d = { 0 };
		int err = desired_parse_text("f.conf", (const char *)data, size, &d, &errors);

		if (!err != !errors.n)
			abort();
		for (size_t i = 0; i < errors.n; i++)
			if (strncmp(errors.v[i], "f.conf:", 7))
				abort();
		check_desired(&d);
		strv_free(&errors);
		desired_free(&d);
	}
	return 0;
}
