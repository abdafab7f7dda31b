/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The desired state: which devices a driver such as vfio-pci should hold,
 * as an operator writes it in /etc/iommuctl/claims.d, NAME.conf files (iommuctl(8),
 * APPLY). One entry per line, keyed by PCI address and checked against
 * the vendor:device (and subsystem) IDs found there at apply time:
 *
 *   device 0000:01:00.0 id=10de:2204 [subsystem=1458:403b] [driver=vfio-pci]
 *          [type=DMA|DMA-FQ|identity|auto] [companions=none|any|CLASS[,CLASS...]]
 *   companion 0000:01:00.1 id=10de:1aef [subsystem=...]
 *
 * A `device` is claimed with its whole IOMMU group. A member of that group
 * that no line names is a companion: it is claimed too only when a
 * `companion` line names it (IDs checked) or the group's companions= lets
 * its class in. Files are read in the lexical order of their names; the
 * parse collects every error (FILE:LINE: what) rather than stopping at the
 * first. Reading is bounded: at most DESIRED_MAX_FILES files, lines of at
 * most LINE_MAX_BYTES, DESIRED_MAX_ENTRIES entries.
 */
#ifndef IOMMUCTL_DESIRED_H
#define IOMMUCTL_DESIRED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

#define DESIRED_DIR_DEFAULT "/etc/iommuctl/claims.d"
#define DESIRED_MAX_FILES   4096
#define DESIRED_MAX_ENTRIES 65536

/* Device classes a companions= list may name: the class code's base (and subclass). */
struct desired_class {
	const char *word;         /* "audio" */
	uint8_t base;
	int sub;                  /* -1: any subclass */
};
extern const struct desired_class desired_classes[];
extern const size_t desired_nclasses;

struct desired_ids {
	uint16_t vendor, device;
	bool has_subsys;
	uint16_t subsys_vendor, subsys_device;
};

enum desired_companions {
	DESIRED_COMP_UNSET,       /* not said on this line */
	DESIRED_COMP_NONE,        /* only companions named by a companion line */
	DESIRED_COMP_ANY,         /* every member of the group may be claimed with it */
	DESIRED_COMP_CLASSES,     /* those of the listed classes (and named ones) */
};

struct desired_entry {
	bool companion;           /* a companion line; else a device line */
	char *addr;               /* canonical "0000:01:00.0" */
	struct desired_ids ids;
	char *driver;             /* NULL: vfio-pci (device lines only) */
	char *type;               /* NULL: the group's type is left as it is */
	enum desired_companions comp;
	uint32_t comp_classes;    /* bit i: desired_classes[i] */
	char *where;              /* "FILE:LINE" */
};

struct desired {
	struct desired_entry *e;
	size_t n;
	struct strv files;        /* the files read, in order */
};

/*
 * Read path: a file, or a directory whose *.conf files are read in order
 * (others are ignored, so are names starting with '.'). Every problem is a
 * line in errors ("FILE:LINE: ..."); returns 0 when there were none, else
 * -EINVAL (-errno of the first file or directory that could not be read,
 * -ENOENT for a missing path). A directory with no *.conf file is an empty
 * desired state (0).
 */
int desired_load(const char *path, struct desired *d, struct strv *errors);
/* Parse one file's text (for tests and the fuzzer); name is used in messages. */
int desired_parse_text(const char *name, const char *text, size_t len, struct desired *d,
		       struct strv *errors);
void desired_free(struct desired *d);

/* The entry for addr (canonical), or NULL. */
const struct desired_entry *desired_find(const struct desired *d, const char *addr);
/* "10de:2204" or "10de:2204 subsystem 1458:403b" into buf. */
void desired_ids_format(const struct desired_ids *ids, char *buf, size_t len);
/*
 * Whether a device line's companions= lets a member of this class in
 * (any; or one of its classes: a class's base, and subclass when named).
 */
bool desired_lets_in(const struct desired_entry *e, bool has_class, uint32_t class_code);
/* The class word of a 24-bit class code, or NULL. */
const char *desired_class_word(uint32_t class_code);

#endif
