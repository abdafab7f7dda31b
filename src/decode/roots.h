/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding the hardware roots in a memory dump: a crash dump holds the
 * IOMMU's tables but not its registers, so the VT-d root table, the AMD
 * device table or the SMMUv3 stream table has to be found in memory.
 * Every page of the dump is checked against the layout of the family's
 * top table (a cheap test of every entry), then each candidate is walked
 * as a hierarchy (walk_hier_enum) and ranked by what it leads to: the
 * devices with a page table first. Pure: memory comes through walk_mem.
 */
#ifndef IOMMUCTL_ROOTS_H
#define IOMMUCTL_ROOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/walk.h"

struct root_candidate {
	struct walk_hier h;	/* ready for walk_hier_resolve / _enum */
	const char *layout;	/* "legacy", "scalable", "2-level", "linear", "device table",
				 * "2LVL", "3LVL" (", extended DCs") */
	uint64_t requesters;	/* valid requesters (and PASIDs) under it */
	uint64_t translated;	/* ... that lead to a page table */
	uint64_t identity, blocked;
	uint64_t broken;	/* requesters whose structures stop early (unreadable, reserved) */
	uint64_t tables;	/* structure tables read while checking it */
};

struct roots_opts {
	enum walk_family family;	/* VT-d, SMMUv3, AMD or RISC-V... */
	bool any_family;		/* ...or all four, in one pass, ranked together */
	/*
	 * Data ranges of the dump: the first range ending above pa; 0 or
	 * -ENOENT (another error ends the search and is returned).
	 */
	int (*range_next)(void *priv, uint64_t pa, uint64_t *start, uint64_t *end);
	void *range_priv;
	size_t max_checks;		/* candidates walked per family (best pre-checks first); 0 = 256 */
	uint64_t max_tables;		/* structure tables per candidate; 0 = 4096 */
	/* Optional, every 64 MiB scanned. */
	void (*progress)(void *priv, uint64_t scanned, uint64_t pa);
	void *progress_priv;
};

struct roots_stats {
	uint64_t pages;		/* pages scanned */
	uint64_t unreadable;	/* pages that could not be read */
	uint64_t prechecked;	/* pages (or runs) that passed the layout test */
	uint64_t checked;	/* candidates walked */
};

/*
 * roots_find() - candidate hardware roots of one family in a dump
 * @m: memory
 * @o: family (or any of them), ranges, limits
 * @out: candidates that lead to at least one valid requester, best first
 *       across the families
 *       (most requesters with a page table, then most requesters, then
 *       fewest broken ones); free() it
 * @n: their number
 * @st: what was scanned (may be NULL)
 *
 * Return: 0, -EINVAL for a family without a finder, the error of
 * range_next, or of a read that failed for the memory itself
 * (walk_mem_failed(): the dump file changed under the reader).
 */
int roots_find(const struct walk_mem *m, const struct roots_opts *o, struct root_candidate **out,
	       size_t *n, struct roots_stats *st);

#endif
