/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rendering of decoded ACPI tables (src/decode/acpi.h) through the writer:
 * every record of a table with its fields, nested as the table nests them,
 * text and JSON from the same walk over the layouts.
 */
#ifndef IOMMUCTL_ACPI_OUT_H
#define IOMMUCTL_ACPI_OUT_H

#include <stddef.h>

struct out;
struct acpi_table;

/*
 * The table's records as members of the object that is open: "header"
 * (the fixed part) and "records" (its subtables or nodes), each record
 * {"kind", "offset", "acpi_fields": {KEY: value, enumerations with
 * KEY_name, flag words with KEY_names}, "records": [what it holds]}. Text:
 * the same nesting, lists named by what they hold (subtables, nodes,
 * device_scopes, device_entries, id_mappings, ...).
 */
void acpi_emit_table(struct out *o, const struct acpi_table *t);

/* One record's one-line description: "drhd@0x30" (for references). */
void acpi_rec_name(const struct acpi_table *t, int rec, char *buf, size_t len);

#endif
