/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for snapshot files, the inventory's untrusted input:
 * the bytes are opened as a snapshot, and when that succeeds the whole
 * inventory is loaded through it, so hostile archives and hostile sysfs
 * contents (reserved regions, config space, links) are both exercised.
 * Build and run: make fuzz (clang -fsanitize=fuzzer,address,undefined).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/dump/snapshot.h"
#include "backends/sysfs/inventory.h"
#include "backends/sysfs/topology.h"
#include "core/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv;
	struct view *v = NULL;
	char path[64], *why = NULL;
	int fd = memfd_create("fuzz-snapshot", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (snapshot_view_open(path, &v, &why) == 0) {
		if (inventory_load(v, &inv) == 0) {
			struct topology t;

			/* the hierarchy and the group prediction over whatever the tree holds */
			topology_build(&inv, &t);
			topology_release(&t);
			inventory_release(&inv);
		}
		view_free(v);
	}
	free(why);
	close(fd);
	return 0;
}
