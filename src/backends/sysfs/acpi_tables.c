// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reads the IOMMU-related ACPI tables through the view (see acpi_tables.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/acpi_tables.h"
#include "core/util.h"
#include "core/view.h"

static const char *const names[ACPI_TABLES_MAX] = { "DMAR", "IVRS", "IORT", "VIOT" };

int acpi_tables_read(struct view *v, struct acpi_blob *out, size_t *n)
{
	struct strv dir = { 0 };
	int err;

	*n = 0;
	err = view_list_dir(v, ACPI_TABLES_DIR, &dir);
	if (err)
		return err;
	for (size_t i = 0; i < ACPI_TABLES_MAX; i++) {
		struct acpi_blob *b = &out[*n];
		bool present = false;
		char *buf = NULL;
		char path[64];

		for (size_t j = 0; j < dir.n && !present; j++)
			present = !strcmp(dir.v[j], names[i]);
		if (!present)
			continue;
		memset(b, 0, sizeof(*b));
		snprintf(b->name, sizeof(b->name), "%s", names[i]);
		snprintf(path, sizeof(path), ACPI_TABLES_DIR "/%s", names[i]);
		b->err = view_read_file(v, path, &buf, &b->len);
		if (b->err)
			b->len = 0;
		else
			b->data = (uint8_t *)buf;
		(*n)++;
	}
	strv_free(&dir);
	return 0;
}

void acpi_tables_release(struct acpi_blob *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(b[i].data);
		b[i].data = NULL;
	}
}
