/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The firmware's ACPI tables that describe IOMMUs (DMAR, IVRS, IORT, VIOT),
 * read as raw bytes from /sys/firmware/acpi/tables/NAME through the view,
 * so a --sysfs-root tree and a snapshot hold them too (and `snapshot save`,
 * reading through its recorder, keeps them). Decoding is src/decode/acpi.h.
 */
#ifndef IOMMUCTL_ACPI_TABLES_H
#define IOMMUCTL_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

struct view;

#define ACPI_TABLES_DIR "/sys/firmware/acpi/tables"
#define ACPI_TABLES_MAX 4

struct acpi_blob {
	char name[8];		/* "DMAR" */
	uint8_t *data;		/* NULL when it could not be read */
	size_t len;
	int err;		/* -errno of the read (0: read) */
};

/*
 * The IOMMU tables the view has, in the order DMAR, IVRS, IORT, VIOT (those
 * absent are left out). 0, or -ENOENT when the view has no ACPI tables
 * directory at all (no ACPI: a device tree machine), -errno when it cannot
 * be listed. A table that cannot be read is kept with its err.
 */
int acpi_tables_read(struct view *v, struct acpi_blob *out, size_t *n);
void acpi_tables_release(struct acpi_blob *b, size_t n);

#endif
