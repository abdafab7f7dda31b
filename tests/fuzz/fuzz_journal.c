/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the claim journal reader (claim_journal_read in
 * src/backends/sysfs/journal.c): the input is written as a journal, mode
 * 0600, into a private claims directory and read back as `group release`
 * reads it, once for each kind of source (the running machine of an unknown
 * boot, one boot, a --sysfs-root tree). Checks: no crash or leak; a refusal
 * always says why; what is accepted holds only what a journal of ours can:
 * a known state, at most CLAIM_JOURNAL_MAX_DEVICES devices, each a PCI
 * address listed once, every driver and bus name valid, and a source that
 * matches the one it was read for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/domtype.h"
#include "backends/sysfs/exec.h"
#include "backends/sysfs/journal.h"
#include "core/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "0000:00:04.0.json"

static int dir = -1;
static const char *dirname_;
static char path[4096];

static void cleanup(void)
{
	unlinkat(dir, NAME, 0);
	rmdir(dirname_);
}

/* the claims directory: in memory where there is /dev/shm (a run writes a file) */
static void setup(void)
{
	static char shm[] = "/dev/shm/fuzz_journal.XXXXXX", tmp[] = "/tmp/fuzz_journal.XXXXXX";
	const char *tmpl = mkdtemp(shm);

	if (!tmpl && !(tmpl = mkdtemp(tmp)))
		abort();
	dirname_ = tmpl;
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/%s", tmpl, NAME);
	dir = open(tmpl, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dir < 0)
		abort();
}

static bool state_known(const char *s)
{
	static const char *const states[] = { "claiming", "claimed", "releasing", "typing", "failed" };

	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (!strcmp(s, states[i]))
			return true;
	return false;
}

static void check(const struct claim_journal *j, const char *source)
{
	if (!j->state || !state_known(j->state))
		abort();
	if (j->ndevs > CLAIM_JOURNAL_MAX_DEVICES || (j->ndevs && !j->devs))
		abort();
	if (j->driver && !claim_name_valid(j->driver))
		abort();
	if ((j->type_before && !domtype_word_valid(j->type_before)) ||
	    (j->type_target && !domtype_word_valid(j->type_target)))
		abort();
	/* a tree's journal is read only for that tree, and a tree reads no other */
	if (source && !strncmp(source, "tree:", 5) && (!j->source || strcmp(j->source, source)))
		abort();
	if (j->source && !strncmp(j->source, "tree:", 5) && (!source || strcmp(j->source, source)))
		abort();
	for (size_t i = 0; i < j->ndevs; i++) {
		const struct claim_member *m = &j->devs[i];

		if (!m->addr || !pci_addr_looks_like(m->addr) || !m->bus || !claim_name_valid(m->bus))
			abort();
		if ((m->before.driver && !claim_name_valid(m->before.driver)) ||
		    (m->before.override && !claim_name_valid(m->before.override)))
			abort();
		if (m->action != CLAIM_REBIND && m->action != CLAIM_KEEP)
			abort();
		for (size_t k = 0; k < i; k++)
			if (!strcmp(j->devs[k].addr, m->addr))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sources[] = {
		NULL, "boot:4f1c2a8e-93d1-4e55-b0b2-7d3c0e9a6f10", "tree:/srv/trees/vtd/sys",
	};
	int fd;

	if (dir < 0)
		setup();
	unlinkat(dir, NAME, 0);
	fd = openat(dir, NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		struct claim_journal j;
		char *why = NULL;
		int err = claim_journal_read(dir, path, sources[i], &j, &why);

		if (err) {
			/* every refusal says what is wrong; the journal is freed */
			if (err != -ENOENT && (!why || !*why))
				abort();
			if (j.devs || j.state)
				abort();
		} else {
			if (why)
				abort();
			check(&j, sources[i]);
			claim_journal_free(&j);
		}
		free(why);
	}
	return 0;
}
