/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The default domain type of an IOMMU group (/sys/kernel/iommu_groups/N/type):
 * check the kernel's preconditions, unbind the members, write the type,
 * rebind them, and roll back on failure. DMA -> DMA-FQ is done in place.
 */
#ifndef IOMMUCTL_DOMTYPE_H
#define IOMMUCTL_DOMTYPE_H

#include <stdbool.h>

#include "backends/sysfs/claim.h"

struct claim_txn;

/* The words the kernel accepts: DMA, DMA-FQ, identity, auto. */
bool domtype_word_valid(const char *word);

/* The kernel release from /proc/sys/kernel/osrelease as major*1000+minor, or -1. */
int domtype_kernel_version(struct view *v);

/*
 * Switch g's default domain type to word. Returns 0 (r->already when it was
 * that type), -EUSAGE for a bad word, -EOPNOTSUPP when the kernel lacks the
 * writable attribute (or the DMA-FQ word), -EPERM for missing capabilities
 * or an interlock, -EBUSY when VFIO holds the group or the lock is taken,
 * other -errno after a failure that was rolled back. r->why says which.
 */
int domtype_set(struct view *v, const struct inventory *inv, const struct inv_group *g,
		const char *word, const struct claim_opts *opts, struct claim_result *r);

/* The group's type as the kernel shows it; write one through the transaction (recorded step). */
int domtype_read(struct view *v, unsigned int id, char **type);
int domtype_write(struct claim_txn *t, const char *word);

#endif
