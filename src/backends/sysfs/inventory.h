/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inventory: IOMMU units, groups and devices as sysfs describes them,
 * gathered in one pass through a view. Every inventory command (iommu,
 * group and device list/show) renders from this structure alone, so a
 * snapshot that recorded the reads of inventory_load() reproduces their
 * output exactly. Nothing here prints: problems become warnings.
 */
#ifndef IOMMUCTL_INVENTORY_H
#define IOMMUCTL_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/pcicfg.h"
#include "core/util.h"

struct view;

/* ---- IOMMU units ---- */

enum inv_attr_type {
	INV_ATTR_HEX,       /* one hex value, "0x" optional: "d2008c22260286" */
	INV_ATTR_HEX_LIST,  /* one or more hex values: AMD "features" ("EFR", "EFR:EFR2") */
	INV_ATTR_DEC,       /* a decimal count */
	INV_ATTR_STR,       /* text shown as is: VT-d "version" ("1:0") */
};

struct inv_attr_desc {
	const char *file;         /* under the kind's attribute directory */
	const char *key;          /* JSON key, snake_case */
	const char *label;        /* text label */
	enum inv_attr_type type;
	const char *decode;       /* decoder format for the value(s), NULL if none */
};

/* A kind of IOMMU we recognise, by attribute directory or parent's driver. */
struct inv_kind {
	const char *name;         /* "intel-vtd", "amd-vi", "virtio-iommu", ... */
	const char *attr_dir;     /* "intel-iommu"; NULL: recognised by driver only */
	const char *driver;       /* driver of the parent device; NULL: by attr_dir only */
	const char *prefix;       /* unit name prefix, for units with no parent ("iommu-phb") */
	const struct inv_attr_desc *attrs;
	size_t nattrs;
};

#define INV_ATTR_MAX_VALS 2

struct inv_attr {
	const struct inv_attr_desc *desc;
	char *text;               /* as read, trailing newline stripped; NULL if unreadable */
	int err;                  /* -errno when text is NULL */
	uint64_t vals[INV_ATTR_MAX_VALS];
	size_t nvals;             /* values parsed from text; 0 if it did not parse */
};

struct inv_unit {
	char *name;               /* "dmar0", "ivhd0", "smmu3.0x...", "0000:00:01.0" (virtio) */
	char *path;               /* resolved directory under /sys/devices */
	const struct inv_kind *kind;  /* NULL: not a kind we know */
	char *kind_name;          /* kind->name, else the parent's driver, else NULL */
	char *parent;             /* the device it hangs off ("0000:00:00.2", "virtio0"), or NULL */
	char *parent_driver;      /* NULL: none or unknown */
	struct inv_attr *attrs;   /* one per kind->attrs */
	size_t nattrs;
	struct strv devices;      /* names in its devices/ directory */
};

/* ---- devices ---- */

struct inv_device {
	char *name;               /* sysfs name: "0000:00:04.0" for PCI */
	char *path;               /* resolved directory under /sys/devices */
	char *bus;                /* "pci", "platform", ...; NULL if unknown */
	bool pci;
	bool has_vendor, has_device, has_subsys, has_class, has_revision;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class_code;      /* 24 bits: base class, subclass, prog-if */
	uint8_t revision;
	char *driver;             /* NULL: unbound (or unknown: driver_err) */
	int driver_err;           /* the driver link could not be read: -errno (0: read, or none) */
	char *driver_override;    /* NULL: not set (or no such attribute) */
	int group;                /* -1: in no group */
	char *unit;               /* IOMMU unit name, or NULL */
	struct strv vfio_cdevs;   /* "vfio0": /dev/vfio/devices/vfio0, from vfio-dev/ */
	int cfg_err;              /* reading config failed: -errno (0: read) */
	struct pcicfg_info cfg;   /* capabilities; all unknown when config was not read */
};

/* ---- groups ---- */

struct inv_resv {
	uint64_t start;
	uint64_t end;             /* inclusive */
	char *type;               /* "msi", "direct", "direct-relaxable", "reserved", ... */
};

struct inv_group {
	unsigned int id;
	char *type;               /* default domain type; NULL if the attribute is missing */
	bool resv_read;           /* reserved_regions was readable */
	struct inv_resv *resv;
	size_t nresv;
	struct strv members;      /* device names, natural order */
	int members_err;          /* devices/ could not be listed: -errno; -E2BIG: over INV_MAX_MEMBERS */
	char *vfio_node;          /* "/dev/vfio/5" or "/dev/vfio/noiommu-5", or NULL */
	bool viable;              /* usable by VFIO as it stands; false when unknown */
	bool viable_known;        /* false: the members or a member's driver could not be read */
	char *reason;             /* one line explaining the verdict (or why there is none) */
	struct strv blockers;     /* members that make it not viable */
};

/* ---- the whole ---- */

#define INV_SCOPE_UNITS   (1u << 0)
#define INV_SCOPE_GROUPS  (1u << 1)
#define INV_SCOPE_DEVICES (1u << 2)
#define INV_SCOPE_ALL     (INV_SCOPE_UNITS | INV_SCOPE_GROUPS | INV_SCOPE_DEVICES)

struct inv_warning {
	unsigned int scope;       /* INV_SCOPE_*: which commands should show it */
	char *obj;                /* what it is about: device or unit name, group
	                           * number; NULL: the source as a whole */
	char *text;
};

/* One PCI domain holds at most 65536 functions: a group listing more is not read past that. */
#define INV_MAX_MEMBERS 65536

/*
 * Every comparison and hash probe the inventory's lookups and sorts have
 * made since the program started: a count of work that does not depend on
 * the machine's speed, so that a test can hold loading and lookups to
 * (nearly) linear growth without timing them.
 */
extern unsigned long long inv_work;

struct inv_index;
struct inv_strset;

/*
 * What to read (inventory_load_need): a list view reads what its columns
 * show and nothing else, as lsblk does. Devices met in a group are kept
 * by name (and group) even when nothing of theirs is read.
 */
#define INV_NEED_PCI         (1u << 0)   /* every device of /sys/bus/pci, not only group members */
#define INV_NEED_GROUPS      (1u << 1)   /* the groups and their members */
#define INV_NEED_GROUP_TYPE  (1u << 2)   /* a group's default domain type */
#define INV_NEED_GROUP_RESV  (1u << 3)   /* a group's reserved regions */
#define INV_NEED_VFIO_NODES  (1u << 4)   /* /dev/vfio/N */
#define INV_NEED_UNITS       (1u << 5)   /* /sys/class/iommu: units, kinds, parents, device lists */
#define INV_NEED_UNIT_ATTRS  (1u << 6)   /* the units' registers */
#define INV_NEED_DRIVER      (1u << 7)   /* drivers, and with the groups their viability */
#define INV_NEED_IDS         (1u << 8)   /* vendor, device, subsystem, class */
#define INV_NEED_CONFIG      (1u << 9)   /* config space: ATS, PRI, PASID, ACS, PCIe type */
#define INV_NEED_DEV_GROUP   (1u << 10)  /* each device's iommu_group link (checked against the groups) */
#define INV_NEED_DEV_UNIT    (1u << 11)  /* each device's IOMMU unit */
#define INV_NEED_OVERRIDE    (1u << 12)  /* driver_override */
#define INV_NEED_CDEVS       (1u << 13)  /* VFIO cdevs (vfio-dev/) */
#define INV_NEED_PATH        (1u << 14)  /* each device's resolved sysfs directory */
#define INV_NEED_BUS         (1u << 15)  /* the bus of devices not listed under /sys/bus/pci */
#define INV_NEED_KERNEL      (1u << 16)  /* the kernel release */
#define INV_NEED_REVISION    (1u << 17)  /* the revision ID (with the other IDs) */
#define INV_NEED_DRIVER_LINK (1u << 18)  /* the driver link even when uevent named the driver
                                          * (a snapshot keeps both, for every later reader) */
#define INV_NEED_UNIT_LINK   (1u << 19)  /* the iommu link even when a unit lists the device */
#define INV_NEED_ALL         ((1u << 20) - 1)
/* The needs that read a device's own directory. */
#define INV_NEED_DEVICE      (INV_NEED_DRIVER | INV_NEED_IDS | INV_NEED_CONFIG | INV_NEED_DEV_GROUP | \
			      INV_NEED_DEV_UNIT | INV_NEED_OVERRIDE | INV_NEED_CDEVS | INV_NEED_PATH | \
			      INV_NEED_BUS | INV_NEED_REVISION | INV_NEED_DRIVER_LINK | \
			      INV_NEED_UNIT_LINK)

struct inventory {
	unsigned int need;        /* what was read: INV_NEED_* */
	char *kernel_release;     /* NULL when /proc is not part of the source */
	bool have_groups;         /* /sys/kernel/iommu_groups exists */
	bool have_units;          /* /sys/class/iommu exists */
	bool have_pci;            /* /sys/bus/pci/devices exists */
	struct inv_unit *units;
	size_t nunits;
	struct inv_group *groups;
	size_t ngroups;
	struct inv_device *devices;
	size_t ndevices;
	struct inv_warning *warnings;
	size_t nwarnings;
	struct inv_index *dev_index;  /* device name -> devices[] (private to inventory.c) */
	struct inv_strset *unit_map;   /* device name -> unit, while loading (private) */
};

/* The reason text used when a source has no IOMMU groups at all. */
#define INV_NO_GROUPS_MSG \
	"no IOMMU groups: the kernel has no IOMMU enabled " \
	"(see intel_iommu=on / amd_iommu / iommu.passthrough)"

/*
 * Read everything any inventory command can show, through v only.
 * Missing parts of sysfs leave fields empty and add warnings; the return
 * value is 0, or -errno only for failures that leave nothing usable
 * (-ENOMEM cannot happen: allocation failure aborts).
 */
int inventory_load(struct view *v, struct inventory *inv);
/* The same, reading only what need names (INV_NEED_*; inventory_load: INV_NEED_ALL). */
int inventory_load_need(struct view *v, struct inventory *inv, unsigned int need);
void inventory_release(struct inventory *inv);

/* Lookups; NULL when absent. name may be a short PCI address ("00:03.0"). */
struct inv_device *inventory_device(const struct inventory *inv, const char *name);
struct inv_group *inventory_group(const struct inventory *inv, unsigned int id);
struct inv_unit *inventory_unit(const struct inventory *inv, const char *name);

/* The unit serving the group's first member that has one (the first of inventory_group_units), or NULL. */
struct inv_unit *inventory_group_unit(const struct inventory *inv, const struct inv_group *g);
/* Distinct units serving a group's members / distinct groups of a unit's devices. */
void inventory_group_units(const struct inventory *inv, const struct inv_group *g,
			   struct strv *units);
void inventory_unit_groups(const struct inventory *inv, const struct inv_unit *u,
			   struct strv *groups);
/* Distinct drivers bound to a group's members. */
void inventory_group_drivers(const struct inventory *inv, const struct inv_group *g,
			     struct strv *drivers);

/* ---- pure helpers, exposed for tests ---- */

/* A group selector: a group number or a member's PCI address. */
struct inv_sel {
	bool is_addr;
	unsigned int group;
	char addr[16];            /* canonical "DDDD:BB:DD.F" */
};

/* -EUSAGE when s is neither a group number nor a PCI address. */
int inv_sel_parse(const char *s, struct inv_sel *sel);
/*
 * The group sel names: -ENOENT when there is no such group, no such
 * device, or the device is in no group (*dev tells which, when not NULL).
 */
int inventory_group_select(const struct inventory *inv, const struct inv_sel *sel,
			   struct inv_group **g, struct inv_device **dev);

/*
 * Parse reserved_regions text ("0x... 0x... type" per line). Malformed
 * lines are skipped and appended, quoted with their line number, to bad
 * (when not NULL). Returns the number of malformed lines.
 */
int inv_resv_parse(const char *text, struct inv_resv **resv, size_t *nresv, struct strv *bad);
void inv_resv_free(struct inv_resv *resv, size_t n);

/*
 * Whether a device bound to driver (NULL: unbound) keeps its group usable
 * by VFIO: unbound, a VFIO driver, or a driver that manages DMA itself
 * (pci-stub, pcieport: the kernel's driver_managed_dma).
 */
bool inv_driver_viable(const char *driver);
/*
 * Recompute g->viable, g->viable_known, g->reason and g->blockers from its
 * members. Fails closed: members that could not be listed, or a member
 * whose driver could not be read (and no member that blocks for sure),
 * give viable_known false, viable false, and the reason.
 */
void inventory_group_viability(const struct inventory *inv, struct inv_group *g);

/* Parse one unit attribute's text into a->vals per its type. */
int inv_attr_parse(struct inv_attr *a);

/* The known kinds, in matching order. */
extern const struct inv_kind inv_kinds[];
extern const size_t inv_nkinds;

#endif
