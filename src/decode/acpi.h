/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IOMMU-related ACPI tables, decoded: DMAR (Intel VT-d), IVRS (AMD-Vi),
 * IORT (Arm) and VIOT (virtio-iommu). Layouts follow the kernel's
 * include/acpi/actbl1.h and actbl2.h and the specifications (VT-d 4.x
 * chapter 8, AMD IOMMU 3.x chapter 5, Arm DEN 0049, the virtio VIOT).
 *
 * A table is decoded into a flat list of records (the fixed part, each
 * subtable, and what subtables hold: device scopes and their paths, IVHD
 * device entries, IORT ID mappings, ...), each with a layout: a table of
 * fields {key, label, offset, size, kind}. Field values are read from the
 * table's bytes on demand, so decoding copies nothing. Every offset and
 * length is checked against the table before a record is made: a hostile
 * table is an error with a message naming the offset, never an overread,
 * and a subtable length of 0 is an error, not a loop.
 *
 * The second half ties records to PCI devices (which unit covers a device
 * and the ID it presents) and reserved memory ranges to devices; pure as
 * well: the caller gives each device's path from its root bus.
 */
#ifndef IOMMUCTL_DECODE_ACPI_H
#define IOMMUCTL_DECODE_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HDR_LEN 36
/* Records a table may hold: far more than any real table (a DMAR with a
 * scope per function of 256 buses has ~70000); past it the table is refused. */
#define ACPI_MAX_RECS 262144

enum acpi_fkind {
	AF_UINT,	/* decimal */
	AF_HEX,		/* hexadecimal */
	AF_ENUM,	/* names[value] (hex when not named) */
	AF_FLAGS,	/* hex, with names[bit] for the bits set */
	AF_STR,		/* fixed-size, NUL-padded ASCII */
	AF_CSTR,	/* NUL-terminated ASCII to the end of the record (size 0) */
	AF_RSVD,	/* reserved: not shown, non-zero noted */
};

/* Longest key and label, with the NUL: a field holds its text, not pointers. */
#define ACPI_KEY_MAX	32
#define ACPI_LABEL_MAX	48

struct acpi_field {
	char key[ACPI_KEY_MAX];	/* JSON key, snake_case */
	char label[ACPI_LABEL_MAX]; /* text label ("" for AF_RSVD) */
	uint16_t off;		/* from the record's start */
	uint8_t size;		/* bytes: 1, 2, 4, 8 (AF_STR: any; AF_CSTR: 0) */
	enum acpi_fkind kind;
	unsigned char names;	/* AF_ENUM, AF_FLAGS: index of its names (acpi_field_name()) */
	unsigned char nnames;
};

struct acpi_layout {
	const char *kind;	/* "drhd", "device_scope", "ivhd", "id_mapping", ... */
	const char *label;	/* "DRHD (remapping hardware unit)" */
	const char *list_key;	/* the key of the list records of this layout form in their parent */
	const struct acpi_field *fields;
	unsigned int nfields;
};

struct acpi_rec {
	const struct acpi_layout *lay;
	uint32_t off;		/* from the table's start */
	uint32_t len;		/* bytes the record spans (fields past it are absent) */
	int parent;		/* index of the enclosing record, -1 for the table and its subtables */
	unsigned int depth;	/* 0: the table's fixed part and its subtables; 1, 2: held within */
	uint16_t type;		/* subtable type as the table spells it (the table: 0) */
};

enum acpi_sig {
	ACPI_UNKNOWN,
	ACPI_DMAR,
	ACPI_IVRS,
	ACPI_IORT,
	ACPI_VIOT,
};

struct acpi_table {
	const uint8_t *buf;	/* the caller's bytes: kept alive while the table is used */
	size_t len;		/* the header's length (the buffer may be longer) */
	size_t buflen;
	enum acpi_sig sig;
	char signature[5];
	char oem_id[7];
	uint8_t revision;
	bool checksum_ok;
	struct acpi_rec *recs;	/* recs[0]: the table's fixed part */
	size_t nrecs;
	size_t cap;
	char err[192];		/* why parsing stopped (acpi_parse returned < 0) */
};

/* The four signatures this decodes, in the order `acpi list` shows them. */
extern const char *const acpi_signatures[];
extern const size_t acpi_nsignatures;

/*
 * Decode buf (the raw table, as /sys/firmware/acpi/tables/NAME or acpidump
 * write it). 0 on success; -EBADMSG with t->err set when the table is
 * malformed (t then holds the records decoded before the fault, for
 * `acpi show` to print with the error); -EPROTONOSUPPORT for a valid header
 * of another signature (only recs[0], the header, is decoded). -ENOMEM
 * cannot happen (allocation failure aborts).
 */
int acpi_parse(const uint8_t *buf, size_t len, struct acpi_table *t);
void acpi_table_release(struct acpi_table *t);

/* The header alone: 0, or -EBADMSG (shorter than 36 bytes). */
int acpi_header(const uint8_t *buf, size_t len, char sig[5], uint32_t *length, uint8_t *revision,
		char oem_id[7], bool *checksum_ok);

/* Whether a field lies inside its record (fields of newer revisions may not). */
bool acpi_field_present(const struct acpi_table *t, const struct acpi_rec *r,
			const struct acpi_field *f);
/* A numeric field's value (little-endian); 0 when absent. */
uint64_t acpi_field_u64(const struct acpi_table *t, const struct acpi_rec *r,
			const struct acpi_field *f);
/* A string field, printable ASCII only (others as '?'), into buf. */
void acpi_field_str(const struct acpi_table *t, const struct acpi_rec *r,
		    const struct acpi_field *f, char *buf, size_t len);
/* A field by key; NULL when the layout has none. */
const struct acpi_field *acpi_field_find(const struct acpi_layout *lay, const char *key);

/**
 * acpi_field_name() - the name of a value (AF_ENUM) or of a bit (AF_FLAGS)
 * @f: field
 * @v: value or bit number
 *
 * Return: the name, or NULL when it has none.
 */
const char *acpi_field_name(const struct acpi_field *f, uint64_t v);
/* Value of the field key of r, or dflt when the layout has none or it is absent. */
uint64_t acpi_rec_get(const struct acpi_table *t, const struct acpi_rec *r, const char *key,
		      uint64_t dflt);

/* ---- ties to devices ---- */

#define ACPI_PCI_MAX_HOPS 32

/* A PCI function and the bridges above it, from its root bus down. */
struct acpi_pci_path {
	uint16_t seg;
	unsigned int nhops;
	struct {
		uint8_t bus, devfn;
	} hop[ACPI_PCI_MAX_HOPS];	/* hop[nhops - 1] is the function itself */
};

/* Which unit a device is under, and the ID it presents. */
struct acpi_cover {
	bool covered;
	int unit;		/* record: DRHD, IVHD, IORT root complex, VIOT PCI range; -1 */
	int entry;		/* record: device scope, device entry, ID mapping; -1 (e.g. INCLUDE_PCI_ALL) */
	const char *how;	/* "endpoint scope", "bridge scope", "include_pci_all", "select",
				 * "range", "alias select", "alias range", "all", "id mapping", "pci range" */
	uint32_t rid;		/* the device's own requester ID: bus << 8 | devfn */
	uint32_t id;		/* the ID it presents to its IOMMU (alias, StreamID, endpoint ID) */
	const char *id_kind;	/* "requester_id", "device_id", "stream_id", "endpoint_id" */
	bool aliased;		/* id differs from rid by an alias entry */
	int iommu;		/* IORT: the SMMU node; VIOT: the IOMMU node; else = unit; -1 */
	bool has_its_id;	/* IORT: the ID reaches an ITS group (for MSIs) */
	uint32_t its_id;
	int its;		/* the ITS group node, -1 */
};

/*
 * The unit that covers the device at path p, as the kernel's matching
 * does: DMAR: a device scope (endpoint, or a bridge above it), else the
 * segment's INCLUDE_PCI_ALL unit; IVRS: the IVHDs of the highest type the
 * table has (10h < 11h < 40h), their entries in order; IORT: the root
 * complex of the segment, its ID mappings followed to an SMMU and an ITS;
 * VIOT: the PCI range holding the segment and BDF. 0, or -EPROTONOSUPPORT
 * for another table.
 */
int acpi_cover_pci(const struct acpi_table *t, const struct acpi_pci_path *p, struct acpi_cover *c);

/* A reserved memory range the table asks for: RMRR, IVMD, IORT RMR range. */
struct acpi_resv {
	int rec;		/* the RMRR / IVMD / RMR node */
	int sub;		/* the RMR range record, else -1 */
	uint64_t start, last;	/* inclusive */
	const char *kind;	/* "rmrr", "ivmd unity", "ivmd exclusion", "rmr" */
};

/* The reserved ranges of the table, in table order (malloc'd; *n may be 0); an RMRR
 * that ends before it starts is left out, as the kernel leaves it. */
void acpi_resv_list(const struct acpi_table *t, struct acpi_resv **out, size_t *n);
/* Whether reserved range r applies to the device at path p. */
bool acpi_resv_applies(const struct acpi_table *t, const struct acpi_resv *r,
		       const struct acpi_pci_path *p);

#endif
