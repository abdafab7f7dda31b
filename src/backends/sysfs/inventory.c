/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Gathering the inventory through a view: PCI devices (/sys/bus/pci),
 * IOMMU groups (/sys/kernel/iommu_groups), IOMMU units (/sys/class/iommu)
 * and the VFIO nodes in /dev/vfio, plus the few decisions that depend on
 * nothing but what was read (group viability). Links are resolved inside
 * the view, and every later read uses the resolved path, so a snapshot
 * needs to hold only real paths and the links met on the way.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/inventory.h"
#include "core/exitcodes.h"
#include "core/textesc.h"
#include "core/util.h"
#include "core/view.h"

#define SYS_PCI_DEVICES  "/sys/bus/pci/devices"
#define SYS_GROUPS       "/sys/kernel/iommu_groups"
#define SYS_CLASS_IOMMU  "/sys/class/iommu"
#define DEV_VFIO         "/dev/vfio"
#define PROC_OSRELEASE   "/proc/sys/kernel/osrelease"

/* ---- kinds ---- */

static const struct inv_attr_desc vtd_attrs[] = {
	{ .file = "version", .key = "version", .label = "version", .type = INV_ATTR_STR },
	{ .file = "address", .key = "address", .label = "register base", .type = INV_ATTR_HEX },
	{ .file = "cap", .key = "cap", .label = "cap", .type = INV_ATTR_HEX, .decode = "vtd-cap" },
	{ .file = "ecap", .key = "ecap", .label = "ecap", .type = INV_ATTR_HEX, .decode = "vtd-ecap" },
	{ .file = "domains_supported", .key = "domains_supported", .label = "domains supported",
	  .type = INV_ATTR_DEC },
	{ .file = "domains_used", .key = "domains_used", .label = "domains used", .type = INV_ATTR_DEC },
};

static const struct inv_attr_desc amd_attrs[] = {
	{ .file = "cap", .key = "cap", .label = "capability header", .type = INV_ATTR_HEX },
	{ .file = "features", .key = "features", .label = "features", .type = INV_ATTR_HEX_LIST,
	  .decode = "amd-efr" },
};

const struct inv_kind inv_kinds[] = {
	{ .name = "intel-vtd", .attr_dir = "intel-iommu", .attrs = vtd_attrs,
	  .nattrs = ARRAY_SIZE(vtd_attrs) },
	{ .name = "amd-vi", .attr_dir = "amd-iommu", .attrs = amd_attrs,
	  .nattrs = ARRAY_SIZE(amd_attrs) },
	{ .name = "virtio-iommu", .driver = "virtio_iommu" },
	{ .name = "arm-smmu-v3", .driver = "arm-smmu-v3" },
	{ .name = "arm-smmu", .driver = "arm-smmu" },
	/* POWER PHBs (arch/powerpc/kernel/iommu.c, v6.4+): virtual units named
	 * iommu-phb%04x after the PHB's domain, with no parent device */
	{ .name = "spapr-tce", .prefix = "iommu-phb" },
	/* RISC-V IOMMU (drivers/iommu/riscv/iommu.c, v6.13+): virtual units
	 * named riscv-iommu@ after the IOMMU's own device (a PCI function or
	 * a platform device), with no parent device and no attributes */
	{ .name = "riscv-iommu", .prefix = "riscv-iommu@" },
};

const size_t inv_nkinds = ARRAY_SIZE(inv_kinds);

/* ---- small helpers ---- */

/*
 * Room for element n of an array grown by doubling, its capacity implied
 * by n (a power of two, or 0): appending stays linear however many come.
 */
static void *grow(void *p, size_t n, size_t size)
{
	if (n & (n - 1))
		return p;
	return xrealloc(p, (n ? 2 * n : 1) * size);
}

__attribute__((format(printf, 4, 5)))
static void inv_warn(struct inventory *inv, unsigned int scope, const char *obj,
		     const char *fmt, ...)
{
	va_list ap;
	char *text, *esc;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	if (!text)
		return;
	/* warnings quote what was read (a bad line, a name): no terminal controls */
	esc = text_escape(text);
	if (esc) {
		free(text);
		text = esc;
	}
	inv->warnings = grow(inv->warnings, inv->nwarnings, sizeof(*inv->warnings));
	inv->warnings[inv->nwarnings].scope = scope;
	inv->warnings[inv->nwarnings].text = text;
	inv->warnings[inv->nwarnings].obj = obj ? xstrdup(obj) : NULL;
	inv->nwarnings++;
}

static char *basename_dup(const char *path)
{
	const char *slash = strrchr(path, '/');

	return xstrdup(slash ? slash + 1 : path);
}

static char *dirname_dup(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

/*
 * Device names in address order: PCI addresses by their numbers (natural
 * order would put 00:1f.0 before 00:10.0, hex not being decimal), then
 * other names naturally.
 */
unsigned long long inv_work;

/* A name's place in address order, parsed once for a sort. */
struct dev_key {
	uint64_t key;
	bool pci;
	const char *name;
	size_t idx;
};

static void dev_key_init(struct dev_key *k, const char *name, size_t idx)
{
	struct pci_addr a;

	k->name = name;
	k->idx = idx;
	k->pci = !pci_addr_parse(name, &a);
	k->key = k->pci ? pci_addr_key(&a) : 0;
}

/* dev_name_cmp() on parsed names */
static int dev_key_cmp(const void *a, const void *b)
{
	const struct dev_key *x = a, *y = b;

	inv_work++;
	if (x->pci && y->pci)
		return (x->key > y->key) - (x->key < y->key);
	if (x->pci != y->pci)
		return x->pci ? -1 : 1;
	return strverscmp(x->name, y->name);
}

static void sort_dev_names(struct strv *sv)
{
	struct dev_key *k;

	if (sv->n < 2)
		return;
	k = xmalloc(sv->n * sizeof(*k));
	for (size_t i = 0; i < sv->n; i++)
		dev_key_init(&k[i], sv->v[i], i);
	qsort(k, sv->n, sizeof(*k), dev_key_cmp);
	for (size_t i = 0; i < sv->n; i++)
		sv->v[i] = (char *)k[i].name;
	free(k);
}

/* Resolved path of a link (or any path), or a copy of path when it cannot be resolved. */
static char *resolve(struct view *v, const char *path)
{
	char *out;

	if (view_resolve(v, path, &out, NULL, NULL))
		return path_normalize(path);
	return out;
}

/*
 * A group directory's name as the kernel writes it ("%d"): decimal, no
 * sign, no leading zero, at most INT32_MAX. "01" is not group 1: a tree
 * that has both would otherwise show group 1 twice, and select a decoy.
 */
static int parse_group_name(const char *s, uint64_t *id)
{
	if (!s[0] || strspn(s, "0123456789") != strlen(s) || (s[0] == '0' && s[1]) ||
	    strlen(s) > 10)
		return -EINVAL;
	*id = strtoull(s, NULL, 10);
	return *id > INT32_MAX ? -ERANGE : 0;
}

/* Hex number with optional 0x (sysfs mixes both). */
static int parse_hex(const char *s, uint64_t *val)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return parse_u64_base(s, 16, val);
}

/* ---- unit attributes ---- */

int inv_attr_parse(struct inv_attr *a)
{
	char *copy, *tok, *save = NULL;
	int err = 0;

	a->nvals = 0;
	if (!a->text)
		return -ENOENT;
	switch (a->desc->type) {
	case INV_ATTR_STR:
		return 0;
	case INV_ATTR_DEC:
		err = parse_u64(a->text, &a->vals[0]);
		if (!err)
			a->nvals = 1;
		return err;
	case INV_ATTR_HEX:
		err = parse_hex(a->text, &a->vals[0]);
		if (!err)
			a->nvals = 1;
		return err;
	case INV_ATTR_HEX_LIST:
		copy = xstrdup(a->text);
		for (tok = strtok_r(copy, ": \t,", &save); tok; tok = strtok_r(NULL, ": \t,", &save)) {
			if (a->nvals == INV_ATTR_MAX_VALS) {
				err = -E2BIG;
				break;
			}
			err = parse_hex(tok, &a->vals[a->nvals]);
			if (err)
				break;
			a->nvals++;
		}
		free(copy);
		if (!err && !a->nvals)
			err = -EINVAL;
		if (err)
			a->nvals = 0;
		return err;
	}
	return -EINVAL;
}

/* ---- reserved regions ---- */

void inv_resv_free(struct inv_resv *resv, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(resv[i].type);
	free(resv);
}

static int resv_line(const char *line, struct inv_resv *r)
{
	char start[32], end[32], type[64], extra[2];
	uint64_t s, e;

	if (sscanf(line, "%31s %31s %63s %1s", start, end, type, extra) != 3)
		return -EINVAL;
	if (strncmp(start, "0x", 2) || strncmp(end, "0x", 2))
		return -EINVAL;
	if (parse_hex(start, &s) || parse_hex(end, &e) || e < s)
		return -EINVAL;
	r->start = s;
	r->end = e;
	r->type = xstrdup(type);
	return 0;
}

int inv_resv_parse(const char *text, struct inv_resv **resvp, size_t *nresvp, struct strv *bad)
{
	struct inv_resv *resv = NULL;
	size_t n = 0, lineno = 0;
	const char *p = text;
	int nbad = 0;

	while (p && *p) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		struct inv_resv r;

		lineno++;
		str_rstrip(line);
		if (*line) {
			if (resv_line(line, &r)) {
				nbad++;
				if (bad)
					strv_push_owned(bad, xasprintf("line %zu: '%s'", lineno, line));
			} else {
				resv = grow(resv, n, sizeof(*resv));
				resv[n++] = r;
			}
		}
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
	*resvp = resv;
	*nresvp = n;
	return nbad;
}

/* ---- the device index: name -> position in devices[] ---- */

/*
 * Open addressing with linear probing, at most half full. Every member of
 * every group is looked up, so a scan of devices[] per lookup made a
 * hostile snapshot with 100k members in one group run for minutes.
 */
struct inv_index {
	size_t cap;               /* slots: a power of two */
	size_t n;
	size_t *slot;             /* position + 1; 0: empty */
};

static uint64_t name_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;   /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static size_t *index_slot(const struct inventory *inv, const char *name)
{
	const struct inv_index *ix = inv->dev_index;
	size_t i = (size_t)name_hash(name) & (ix->cap - 1);

	while (inv_work++, ix->slot[i] && strcmp(inv->devices[ix->slot[i] - 1].name, name))
		i = (i + 1) & (ix->cap - 1);
	return &ix->slot[i];
}

/* Index devices[pos]; a name already there keeps its first device. */
static void index_add(struct inventory *inv, size_t pos)
{
	struct inv_index *ix = inv->dev_index;
	size_t *sl;

	if (!ix)
		ix = inv->dev_index = xcalloc(1, sizeof(*ix));
	if (2 * (ix->n + 1) > ix->cap) {
		size_t old = ix->cap, *slots = ix->slot;

		ix->cap = old ? 2 * old : 64;
		ix->slot = xcalloc(ix->cap, sizeof(*ix->slot));
		for (size_t i = 0; i < old; i++)
			if (slots[i])
				*index_slot(inv, inv->devices[slots[i] - 1].name) = slots[i];
		free(slots);
	}
	sl = index_slot(inv, inv->devices[pos].name);
	if (!*sl) {
		*sl = pos + 1;
		ix->n++;
	}
}

static void index_free(struct inventory *inv)
{
	if (inv->dev_index)
		free(inv->dev_index->slot);
	free(inv->dev_index);
	inv->dev_index = NULL;
}

/* After devices[] is sorted: every position has changed. */
static void index_rebuild(struct inventory *inv)
{
	index_free(inv);
	for (size_t i = 0; i < inv->ndevices; i++)
		index_add(inv, i);
}

static struct inv_device *device_find(const struct inventory *inv, const char *name)
{
	size_t *sl;

	if (!inv->dev_index)
		return NULL;
	sl = index_slot(inv, name);
	return *sl ? &inv->devices[*sl - 1] : NULL;
}

/*
 * A set of strings kept by pointer, each with a value (or NULL): open
 * addressing, at most half full. The distinct values of a group's or
 * unit's members, and which unit lists a device, stay linear however many
 * a hostile source lists.
 */
struct inv_strset {
	size_t cap, n;
	const char **slot;
	const char **val;
};

/* Where s is, or the empty slot where it would go (cap > 0). */
static size_t strset_slot(const struct inv_strset *set, const char *s)
{
	size_t i;

	for (i = (size_t)name_hash(s) & (set->cap - 1); inv_work++, set->slot[i]; i = (i + 1) & (set->cap - 1))
		if (!strcmp(set->slot[i], s))
			break;
	return i;
}

/* Add s with val (both kept by pointer); false, and nothing changed, when s is there. */
static bool strset_put(struct inv_strset *set, const char *s, const char *val)
{
	size_t i;

	if (2 * (set->n + 1) > set->cap) {
		const char **old = set->slot, **oldval = set->val;
		size_t oldcap = set->cap;

		set->cap = oldcap ? 2 * oldcap : 16;
		set->slot = xcalloc(set->cap, sizeof(*set->slot));
		set->val = xcalloc(set->cap, sizeof(*set->val));
		set->n = 0;
		for (size_t k = 0; k < oldcap; k++)
			if (old[k])
				strset_put(set, old[k], oldval[k]);
		free(old);
		free(oldval);
	}
	i = strset_slot(set, s);
	if (set->slot[i])
		return false;
	set->slot[i] = s;
	set->val[i] = val;
	set->n++;
	return true;
}

static bool strset_add(struct inv_strset *set, const char *s)
{
	return strset_put(set, s, NULL);
}

/* The value s was put with; NULL when s is not there. */
static const char *strset_get(const struct inv_strset *set, const char *s)
{
	size_t i;

	if (!set->cap)
		return NULL;
	i = strset_slot(set, s);
	return set->slot[i] ? set->val[i] : NULL;
}

static void strset_free(struct inv_strset *set)
{
	free(set->slot);
	free(set->val);
	memset(set, 0, sizeof(*set));
}

/* The unit that lists device name (unit_map_build), or NULL. */
static const char *unit_map_find(const struct inventory *inv, const char *name)
{
	return inv->unit_map ? strset_get(inv->unit_map, name) : NULL;
}

/* ---- devices ---- */

static struct inv_device *device_add(struct inventory *inv, const char *name)
{
	struct inv_device *d;

	inv->devices = grow(inv->devices, inv->ndevices, sizeof(*inv->devices));
	d = &inv->devices[inv->ndevices];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(name);
	d->group = -1;
	index_add(inv, inv->ndevices++);
	return d;
}

/* A sysfs attribute as text, or NULL; an empty value counts as none. */
static char *dir_text(struct view_dir *dir, const char *name)
{
	char *s = NULL;

	if (view_dir_read_str(dir, name, &s))
		return NULL;
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

static int dir_hex(struct view_dir *dir, const char *name, uint64_t *val)
{
	char *s = dir_text(dir, name);
	int err;

	if (!s)
		return -ENOENT;
	err = parse_hex(s, val);
	free(s);
	return err;
}

/* "VVVV:DDDD" as uevent writes IDs: two hex numbers of at most 16 bits. */
static bool parse_id_pair(const char *s, uint16_t *a, uint16_t *b)
{
	const char *colon = strchr(s, ':');
	uint64_t x, y;
	char first[8];

	if (!colon || colon == s || colon - s > 4 || strlen(colon + 1) > 4)
		return false;
	memcpy(first, s, (size_t)(colon - s));
	first[colon - s] = '\0';
	if (parse_u64_base(first, 16, &x) || parse_u64_base(colon + 1, 16, &y))
		return false;
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return true;
}

/*
 * The kernel's IDs of a PCI device (its vendor, device, subsystem and
 * class, as the attribute files show them, quirks applied) come in one
 * read from uevent; the attribute files answer for what it lacks (a
 * source recorded without it, a line that does not parse).
 */
static void device_load_ids(struct view_dir *dir, struct inv_device *d, unsigned int need,
			    bool *driver_known)
{
	char *ue = NULL, *line, *save = NULL, *driver = NULL;
	uint64_t val;

	if (!view_dir_read_str(dir, "uevent", &ue)) {
		for (line = strtok_r(ue, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (str_startswith(line, "DRIVER=") && line[7] && !driver) {
				driver = line + 7;
			} else if (str_startswith(line, "PCI_ID=")) {
				d->has_vendor = d->has_device = parse_id_pair(line + 7, &d->vendor, &d->device);
			} else if (str_startswith(line, "PCI_SUBSYS_ID=")) {
				d->has_subsys = parse_id_pair(line + 14, &d->subsys_vendor, &d->subsys_device);
			} else if (str_startswith(line, "PCI_CLASS=") && !parse_u64_base(line + 10, 16, &val) &&
				   val <= 0xffffff) {
				d->class_code = (uint32_t)val;
				d->has_class = true;
			}
		}
		/*
		 * The kernel writes DRIVER= from the device's driver, as it names
		 * the driver link; a uevent with its PCI_ID is the kernel's, so
		 * no DRIVER= line is no driver: the link need not be read.
		 */
		if (d->has_vendor && d->has_device && !(need & INV_NEED_DRIVER_LINK) &&
		    (need & INV_NEED_DRIVER)) {
			d->driver = driver ? xstrdup(driver) : NULL;
			*driver_known = true;
		}
		free(ue);
	}
	if (!d->has_vendor && !dir_hex(dir, "vendor", &val) && val <= 0xffff) {
		d->vendor = (uint16_t)val;
		d->has_vendor = true;
	}
	if (!d->has_device && !dir_hex(dir, "device", &val) && val <= 0xffff) {
		d->device = (uint16_t)val;
		d->has_device = true;
	}
	if (!d->has_subsys && !dir_hex(dir, "subsystem_vendor", &val) && val <= 0xffff) {
		d->subsys_vendor = (uint16_t)val;
		if (!dir_hex(dir, "subsystem_device", &val) && val <= 0xffff) {
			d->subsys_device = (uint16_t)val;
			d->has_subsys = true;
		}
	}
	if (!d->has_class && !dir_hex(dir, "class", &val) && val <= 0xffffff) {
		d->class_code = (uint32_t)val;
		d->has_class = true;
	}
	if ((need & INV_NEED_REVISION) && !dir_hex(dir, "revision", &val) && val <= 0xff) {
		d->revision = (uint8_t)val;
		d->has_revision = true;
	}
}

static void device_load_config(struct view_dir *dir, struct inventory *inv, struct inv_device *d)
{
	char *cfg = NULL;
	size_t len = 0;
	int err = view_dir_read_file(dir, "config", &cfg, &len);

	d->cfg_err = err;
	pcicfg_parse(err ? NULL : (const uint8_t *)cfg, err ? 0 : len, &d->cfg);
	free(cfg);
	if (!err && d->cfg.loop)
		inv_warn(inv, INV_SCOPE_DEVICES, d->name, "%s: config: a capability list loops; "
			 "capabilities past the loop are unknown", d->name);
	else if (!err && d->cfg.bad_pointer)
		inv_warn(inv, INV_SCOPE_DEVICES, d->name, "%s: config: a capability pointer is out of range; "
			 "capabilities past it are unknown", d->name);
}

/*
 * Load one device from link (a /sys path that is or leads to its
 * directory), reading what inv->need asks for through one open directory.
 * pci says it was listed under /sys/bus/pci.
 */
static struct inv_device *device_load(struct view *v, struct inventory *inv, const char *link,
				      const char *name, bool pci)
{
	struct inv_device *d = device_add(inv, name);
	unsigned int need = inv->need;
	struct strv names = { 0 };
	struct view_dir dir;
	bool driver_known = false;
	char *s;
	uint64_t grp;
	int err;

	if (pci)
		d->bus = xstrdup("pci");
	if (!(need & INV_NEED_DEVICE)) {
		d->pci = pci || pci_addr_looks_like(name);
		return d;
	}
	if (need & INV_NEED_PATH)
		d->path = resolve(v, link);
	if (view_dir_open(v, d->path ? d->path : link, &dir)) {
		/* each read below fails as it would by path, and says why */
		dir.v = v;
		dir.fd = -1;
		dir.path = xstrdup(d->path ? d->path : link);
	}
	if (!pci && (need & (INV_NEED_BUS | INV_NEED_IDS | INV_NEED_REVISION | INV_NEED_CONFIG)) &&
	    !view_dir_link_name(&dir, "subsystem", &s))
		d->bus = s;
	/* without a subsystem link, a PCI-address name is the best evidence */
	d->pci = d->bus ? !strcmp(d->bus, "pci") : pci_addr_looks_like(name);
	if (d->pci && (need & (INV_NEED_IDS | INV_NEED_REVISION)))
		device_load_ids(&dir, d, need, &driver_known);
	if (d->pci && (need & INV_NEED_CONFIG))
		device_load_config(&dir, inv, d);

	if ((need & (INV_NEED_DRIVER | INV_NEED_DRIVER_LINK)) && !driver_known) {
		/* no link is no driver; a link that cannot be read is a driver not known */
		err = view_dir_link_name(&dir, "driver", &s);
		if (!err)
			d->driver = s;
		else if (err != -ENOENT)
			d->driver_err = err;
	}
	if (need & INV_NEED_OVERRIDE) {
		s = dir_text(&dir, "driver_override");
		if (s && strcmp(s, "(null)"))
			d->driver_override = s;
		else
			free(s);
	}
	if ((need & INV_NEED_DEV_GROUP) && !view_dir_link_name(&dir, "iommu_group", &s)) {
		if (!parse_group_name(s, &grp))
			d->group = (int)grp;
		free(s);
	}
	if (need & (INV_NEED_DEV_UNIT | INV_NEED_UNIT_LINK)) {
		/*
		 * Its own link, or the unit that lists it (the kernel makes both
		 * at once): a list view reads the link only for a device no unit
		 * lists; the whole inventory, which a snapshot records, reads it.
		 */
		const char *unit = need & INV_NEED_UNIT_LINK ? NULL : unit_map_find(inv, name);

		if (unit)
			d->unit = xstrdup(unit);
		else if (!view_dir_link_name(&dir, "iommu", &s))
			d->unit = s;
		else if ((unit = unit_map_find(inv, name)))
			d->unit = xstrdup(unit);
	}
	if ((need & INV_NEED_CDEVS) && !view_dir_list(&dir, "vfio-dev", &names)) {
		for (size_t i = 0; i < names.n; i++)
			if (str_startswith(names.v[i], "vfio"))
				strv_push(&d->vfio_cdevs, names.v[i]);
	}
	strv_free(&names);
	view_dir_close(&dir);
	return d;
}

static void load_pci(struct view *v, struct inventory *inv)
{
	struct strv names = { 0 };
	int err = view_list_dir(v, SYS_PCI_DEVICES, &names);

	if (err) {
		inv_warn(inv, INV_SCOPE_DEVICES, NULL, "%s: %s: PCI devices are not listed",
			 SYS_PCI_DEVICES, strerror(-err));
		return;
	}
	inv->have_pci = true;
	for (size_t i = 0; i < names.n; i++) {
		char *link = xasprintf("%s/%s", SYS_PCI_DEVICES, names.v[i]);

		device_load(v, inv, link, names.v[i], true);
		free(link);
	}
	strv_free(&names);
}

/* ---- groups ---- */

static void group_load(struct view *v, struct inventory *inv, struct inv_group *g,
		       const char *dir)
{
	struct strv bad = { 0 };
	struct view_dir gdir = { .fd = -1 };
	char *text = NULL, gname[16];
	bool opened = false;
	int err;

	snprintf(gname, sizeof(gname), "%u", g->id);
	if (inv->need & (INV_NEED_GROUP_TYPE | INV_NEED_GROUP_RESV))
		opened = !view_dir_open(v, dir, &gdir);
	if (!opened) {
		/* read by path: each read fails as it would, and says why */
		gdir.v = v;
		gdir.fd = -1;
		gdir.path = xstrdup(dir);
	}
	if (inv->need & INV_NEED_GROUP_TYPE)
		g->type = dir_text(&gdir, "type");
	err = inv->need & INV_NEED_GROUP_RESV ? view_dir_read_str(&gdir, "reserved_regions", &text) :
		-ENODATA;
	if (!err) {
		g->resv_read = true;
		inv_resv_parse(text, &g->resv, &g->nresv, &bad);
		for (size_t i = 0; i < bad.n; i++)
			inv_warn(inv, INV_SCOPE_GROUPS, gname, "group %u: reserved_regions %s not understood",
				 g->id, bad.v[i]);
		free(text);
	}
	strv_free(&bad);

	err = view_dir_list(&gdir, "devices", &g->members);
	view_dir_close(&gdir);
	if (err) {
		/* not "no members": viability is unknown (inventory_group_viability) */
		g->members_err = err;
		strv_free(&g->members);
		inv_warn(inv, INV_SCOPE_GROUPS, gname, "group %u: %s/devices: %s: its members are unknown",
			 g->id, dir, strerror(-err));
	}
	/* cut before the sort: the listing, in natural order, is bounded only by the source */
	if (g->members.n > INV_MAX_MEMBERS) {
		inv_warn(inv, INV_SCOPE_GROUPS, gname, "group %u: %zu members listed, more than the %u "
			 "functions of a PCI domain: only the first %u are read", g->id, g->members.n,
			 INV_MAX_MEMBERS, INV_MAX_MEMBERS);
		g->members_err = -E2BIG;
		while (g->members.n > INV_MAX_MEMBERS) {
			free(g->members.v[--g->members.n]);
			g->members.v[g->members.n] = NULL;
		}
	}
	sort_dev_names(&g->members);
	for (size_t i = 0; i < g->members.n; i++) {
		struct inv_device *d = inventory_device(inv, g->members.v[i]);

		if (!d) {
			char *link = xasprintf("%s/devices/%s", dir, g->members.v[i]);

			d = device_load(v, inv, link, g->members.v[i], false);
			free(link);
		}
		if (d->group < 0)
			d->group = (int)g->id;
		else if (d->group != (int)g->id)
			inv_warn(inv, INV_SCOPE_GROUPS | INV_SCOPE_DEVICES, d->name,
				 "%s is listed in group %u but its iommu_group link says %d",
				 d->name, g->id, d->group);
	}
}

static int group_cmp(const void *a, const void *b)
{
	const struct inv_group *ga = a, *gb = b;

	inv_work++;
	return (ga->id > gb->id) - (ga->id < gb->id);
}

static void group_release(struct inv_group *g)
{
	free(g->type);
	inv_resv_free(g->resv, g->nresv);
	strv_free(&g->members);
	free(g->vfio_node);
	free(g->reason);
	strv_free(&g->blockers);
}

/*
 * Canonical names cannot repeat in one directory, but a view that lists a
 * name twice must not make two groups of one number: the first is kept.
 */
static void dedup_groups(struct inventory *inv)
{
	size_t w = 0;

	for (size_t i = 0; i < inv->ngroups; i++) {
		if (w && inv->groups[w - 1].id == inv->groups[i].id) {
			inv_warn(inv, INV_SCOPE_GROUPS, NULL, "%s/%u: listed twice, the second ignored",
				 SYS_GROUPS, inv->groups[i].id);
			group_release(&inv->groups[i]);
			continue;
		}
		inv->groups[w++] = inv->groups[i];
	}
	inv->ngroups = w;
}

static void load_groups(struct view *v, struct inventory *inv)
{
	struct strv names = { 0 };
	int err = view_list_dir(v, SYS_GROUPS, &names);

	if (err && err != -ENOENT)
		inv_warn(inv, INV_SCOPE_GROUPS, NULL, "%s: %s", SYS_GROUPS, strerror(-err));
	inv->have_groups = !err;
	for (size_t i = 0; i < names.n; i++) {
		struct inv_group *g;
		uint64_t id;
		char *dir;

		if (parse_group_name(names.v[i], &id)) {
			inv_warn(inv, INV_SCOPE_GROUPS, NULL, "%s/%s: not a group number as the kernel writes "
				 "it, ignored", SYS_GROUPS, names.v[i]);
			continue;
		}
		inv->groups = grow(inv->groups, inv->ngroups, sizeof(*inv->groups));
		g = &inv->groups[inv->ngroups++];
		memset(g, 0, sizeof(*g));
		g->id = (unsigned int)id;
		dir = xasprintf("%s/%s", SYS_GROUPS, names.v[i]);
		group_load(v, inv, g, dir);
		free(dir);
	}
	strv_free(&names);
	if (inv->ngroups > 1)
		qsort(inv->groups, inv->ngroups, sizeof(*inv->groups), group_cmp);
	dedup_groups(inv);
	if (!inv->ngroups)
		inv_warn(inv, INV_SCOPE_GROUPS, NULL, "%s", INV_NO_GROUPS_MSG);
}

static int str_qcmp(const void *a, const void *b)
{
	inv_work++;
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool sorted_contains(const struct strv *sv, const char *s)
{
	return sv->n && bsearch(&s, sv->v, sv->n, sizeof(*sv->v), str_qcmp);
}

static void load_vfio_nodes(struct view *v, struct inventory *inv)
{
	struct strv names = { 0 };

	if (view_list_dir(v, DEV_VFIO, &names))
		return;
	/* a node per group: a lookup per group must not scan them all */
	if (names.n > 1)
		qsort(names.v, names.n, sizeof(*names.v), str_qcmp);
	for (size_t i = 0; i < inv->ngroups; i++) {
		struct inv_group *g = &inv->groups[i];
		char plain[16], noiommu[32];

		snprintf(plain, sizeof(plain), "%u", g->id);
		snprintf(noiommu, sizeof(noiommu), "noiommu-%u", g->id);
		if (sorted_contains(&names, plain))
			g->vfio_node = xasprintf("%s/%s", DEV_VFIO, plain);
		else if (sorted_contains(&names, noiommu))
			g->vfio_node = xasprintf("%s/%s", DEV_VFIO, noiommu);
	}
	strv_free(&names);
}

/* ---- viability ---- */

bool inv_driver_viable(const char *driver)
{
	static const char *const managed[] = { "vfio-pci", "pci-stub", "pcieport" };
	size_t len;

	if (!driver)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(managed); i++)
		if (!strcmp(driver, managed[i]))
			return true;
	/* vfio-platform, vfio-fsl-mc, and variant drivers such as mlx5_vfio_pci */
	if (str_startswith(driver, "vfio"))
		return true;
	len = strlen(driver);
	return len > 8 && (!strcmp(driver + len - 8, "vfio_pci") || !strcmp(driver + len - 8, "vfio-pci"));
}

void inventory_group_viability(const struct inventory *inv, struct inv_group *g)
{
	struct strv parts = { 0 };
	const struct inv_device *unknown = NULL;
	char *list;

	strv_free(&g->blockers);
	free(g->reason);
	g->viable_known = true;
	/* a safety verdict fails closed: members not known, no verdict */
	if (g->members_err) {
		g->viable = g->viable_known = false;
		g->reason = g->members_err == -E2BIG ?
			xasprintf("group %u lists more than %u members: only those were read", g->id,
				  INV_MAX_MEMBERS) :
			xasprintf("the members of group %u cannot be listed (devices: %s)", g->id,
				  strerror(-g->members_err));
		return;
	}
	for (size_t i = 0; i < g->members.n; i++) {
		struct inv_device *d = inventory_device(inv, g->members.v[i]);

		if (d && d->driver_err && !unknown)
			unknown = d;
		if (d && !d->driver_err && !inv_driver_viable(d->driver)) {
			strv_push(&g->blockers, d->name);
			strv_push_owned(&parts, xasprintf("%s (%s)", d->name, d->driver));
		}
	}
	g->viable = g->blockers.n == 0;
	if (g->viable && unknown) {
		/* one member surely blocks: not viable; none does, but one is unknown: unknown */
		g->viable = g->viable_known = false;
		g->reason = xasprintf("the driver of %s cannot be read (%s)", unknown->name,
				      strerror(-unknown->driver_err));
		strv_free(&parts);
		return;
	}
	if (g->viable) {
		g->reason = xstrdup(g->members.n ?
			"every device is unbound or bound to a driver that leaves DMA to its user" :
			"the group has no devices");
		strv_free(&parts);
		return;
	}
	if (g->blockers.n == 1) {
		struct inv_device *d = inventory_device(inv, g->blockers.v[0]);

		g->reason = xasprintf("%s is bound to %s, which uses the kernel DMA API",
				      d->name, d->driver);
	} else {
		list = strv_join(&parts, ", ");
		g->reason = xasprintf("%s are bound to drivers that use the kernel DMA API", list);
		free(list);
	}
	strv_free(&parts);
}

/* ---- units ---- */

static void unit_load_attrs(struct view *v, struct inventory *inv, struct inv_unit *u)
{
	const struct inv_kind *k = u->kind;
	char *dir = xasprintf("%s/%s", u->path, k->attr_dir);

	u->nattrs = k->nattrs;
	u->attrs = xcalloc(k->nattrs, sizeof(*u->attrs));
	for (size_t i = 0; i < k->nattrs; i++) {
		struct inv_attr *a = &u->attrs[i];
		int err;

		a->desc = &k->attrs[i];
		err = view_read_str(v, &a->text, "%s/%s", dir, a->desc->file);
		if (err) {
			a->text = NULL;
			a->err = err;
			continue;
		}
		if (inv_attr_parse(a))
			inv_warn(inv, INV_SCOPE_UNITS, u->name, "%s: %s/%s: cannot parse '%s'", u->name,
				 k->attr_dir, a->desc->file, a->text);
	}
	free(dir);
}

static void unit_load(struct view *v, struct inventory *inv, struct inv_unit *u)
{
	struct strv entries = { 0 };
	char *link, *parent = NULL, *s;
	enum view_kind kind;
	int err;

	link = xasprintf("%s/%s", SYS_CLASS_IOMMU, u->name);
	u->path = resolve(v, link);
	free(link);

	/* The parent: the "device" link when there is one, else the directory
	 * above the class glue directory ("<parent>/iommu/<name>"). */
	link = xasprintf("%s/device", u->path);
	if (!view_kind(v, link, &kind) && kind == VIEW_LINK)
		parent = resolve(v, link);
	free(link);
	if (!parent && !str_startswith(u->path, "/sys/devices/virtual/")) {
		char *glue = dirname_dup(u->path);

		if (!strcmp(strrchr(glue, '/') + 1, "iommu"))
			parent = dirname_dup(glue);
		free(glue);
	}
	if (parent && strcmp(parent, "/sys/devices")) {
		u->parent = basename_dup(parent);
		if (!view_link_name(v, &s, "%s/driver", parent))
			u->parent_driver = s;
	}
	free(parent);

	err = view_list_dir(v, u->path, &entries);
	if (err)
		inv_warn(inv, INV_SCOPE_UNITS, u->name, "%s: %s: %s", u->name, u->path, strerror(-err));
	for (size_t i = 0; i < inv_nkinds && !u->kind; i++) {
		const struct inv_kind *k = &inv_kinds[i];

		if (k->attr_dir && strv_contains(&entries, k->attr_dir))
			u->kind = k;
		else if (k->driver && u->parent_driver && !strcmp(k->driver, u->parent_driver))
			u->kind = k;
		else if (k->prefix && str_startswith(u->name, k->prefix))
			u->kind = k;
	}
	strv_free(&entries);
	if (u->kind)
		u->kind_name = xstrdup(u->kind->name);
	else if (u->parent_driver)
		u->kind_name = xstrdup(u->parent_driver);
	if (u->kind && u->kind->attr_dir && (inv->need & INV_NEED_UNIT_ATTRS))
		unit_load_attrs(v, inv, u);

	err = view_list(v, &u->devices, "%s/devices", u->path);
	sort_dev_names(&u->devices);
	if (err && err != -ENOENT)
		inv_warn(inv, INV_SCOPE_UNITS, u->name, "%s: devices: %s", u->name, strerror(-err));
}

static void load_units(struct view *v, struct inventory *inv)
{
	struct strv names = { 0 };
	int err = view_list_dir(v, SYS_CLASS_IOMMU, &names);

	if (err && err != -ENOENT)
		inv_warn(inv, INV_SCOPE_UNITS, NULL, "%s: %s", SYS_CLASS_IOMMU, strerror(-err));
	inv->have_units = !err;
	inv->units = xcalloc(names.n, sizeof(*inv->units));
	for (size_t i = 0; i < names.n; i++) {
		struct inv_unit *u = &inv->units[inv->nunits++];

		u->name = xstrdup(names.v[i]);
		unit_load(v, inv, u);
	}
	strv_free(&names);
}

/*
 * Which unit lists each device: read before the devices, so that a device
 * a unit names needs no iommu link read of its own. The first unit to
 * list a name keeps it.
 */
static void unit_map_build(struct inventory *inv)
{
	inv->unit_map = xcalloc(1, sizeof(*inv->unit_map));
	for (size_t i = 0; i < inv->nunits; i++)
		for (size_t j = 0; j < inv->units[i].devices.n; j++)
			strset_put(inv->unit_map, inv->units[i].devices.v[j], inv->units[i].name);
}

static void unit_map_free(struct inventory *inv)
{
	if (inv->unit_map)
		strset_free(inv->unit_map);
	free(inv->unit_map);
	inv->unit_map = NULL;
}

/* After the groups: what the units say, set against them. */
static void units_check(struct inventory *inv)
{
	/* groups without units: an IOMMU whose driver registers none (POWER
	 * PHBs before Linux 6.4), not a machine without an IOMMU */
	if (!inv->nunits && inv->ngroups)
		inv_warn(inv, INV_SCOPE_UNITS, NULL,
			 "no IOMMU units (%s is %s), but %zu IOMMU group%s: the IOMMU driver registers "
			 "no units (as on IBM POWER before Linux 6.4)", SYS_CLASS_IOMMU,
			 inv->have_units ? "empty" : "missing", inv->ngroups, inv->ngroups == 1 ? "" : "s");
	else if (!inv->nunits)
		inv_warn(inv, INV_SCOPE_UNITS, NULL,
			 "no IOMMU units: the kernel registered no IOMMU hardware (%s is %s)",
			 SYS_CLASS_IOMMU, inv->have_units ? "empty" : "missing");
}

/* ---- the whole ---- */

/* devices[] in address order: keys sorted, then each device moved once */
static void sort_devices(struct inventory *inv)
{
	struct inv_device *sorted;
	struct dev_key *k;
	size_t cap = 1;

	k = xmalloc(inv->ndevices * sizeof(*k));
	for (size_t i = 0; i < inv->ndevices; i++)
		dev_key_init(&k[i], inv->devices[i].name, i);
	qsort(k, inv->ndevices, sizeof(*k), dev_key_cmp);
	/* the capacity grow() implies, should a device be added later */
	while (cap < inv->ndevices)
		cap *= 2;
	sorted = xmalloc(cap * sizeof(*sorted));
	for (size_t i = 0; i < inv->ndevices; i++)
		sorted[i] = inv->devices[k[i].idx];
	free(k);
	free(inv->devices);
	inv->devices = sorted;
}

int inventory_load(struct view *v, struct inventory *inv)
{
	return inventory_load_need(v, inv, INV_NEED_ALL);
}

int inventory_load_need(struct view *v, struct inventory *inv, unsigned int need)
{
	size_t partial = 0;

	memset(inv, 0, sizeof(*inv));
	/* a device's unit may come from the units' device lists; viability is the groups' */
	if (need & INV_NEED_DEV_UNIT)
		need |= INV_NEED_UNITS;
	inv->need = need;
	if ((need & INV_NEED_KERNEL) && view_read_str(v, &inv->kernel_release, PROC_OSRELEASE))
		inv->kernel_release = NULL;
	if (need & INV_NEED_UNITS)
		load_units(v, inv);
	if (need & INV_NEED_DEV_UNIT)
		unit_map_build(inv);
	if (need & INV_NEED_PCI)
		load_pci(v, inv);
	if (need & INV_NEED_GROUPS)
		load_groups(v, inv);
	unit_map_free(inv);
	if (need & INV_NEED_VFIO_NODES)
		load_vfio_nodes(v, inv);
	if (need & INV_NEED_UNITS)
		units_check(inv);
	if (inv->ndevices > 1) {
		sort_devices(inv);
		index_rebuild(inv);
	}
	if (need & INV_NEED_DRIVER)
		for (size_t i = 0; i < inv->ngroups; i++)
			inventory_group_viability(inv, &inv->groups[i]);
	for (size_t i = 0; i < inv->ndevices && (need & INV_NEED_CONFIG); i++)
		if (inv->devices[i].pci && !inv->devices[i].cfg_err &&
		    inv->devices[i].cfg.len < PCICFG_STD_SIZE)
			partial++;
	if (partial)
		inv_warn(inv, INV_SCOPE_DEVICES, NULL,
			 "config space of %zu device%s could be read only in part (64 bytes without root): "
			 "ATS, PRI, PASID and ACS are unknown", partial, partial == 1 ? "" : "s");
	return 0;
}

static void device_release(struct inv_device *d)
{
	free(d->name);
	free(d->path);
	free(d->bus);
	free(d->driver);
	free(d->driver_override);
	free(d->unit);
	strv_free(&d->vfio_cdevs);
}

void inventory_release(struct inventory *inv)
{
	free(inv->kernel_release);
	for (size_t i = 0; i < inv->nunits; i++) {
		struct inv_unit *u = &inv->units[i];

		free(u->name);
		free(u->path);
		free(u->kind_name);
		free(u->parent);
		free(u->parent_driver);
		for (size_t j = 0; j < u->nattrs; j++)
			free(u->attrs[j].text);
		free(u->attrs);
		strv_free(&u->devices);
	}
	free(inv->units);
	for (size_t i = 0; i < inv->ngroups; i++)
		group_release(&inv->groups[i]);
	free(inv->groups);
	for (size_t i = 0; i < inv->ndevices; i++)
		device_release(&inv->devices[i]);
	free(inv->devices);
	index_free(inv);
	for (size_t i = 0; i < inv->nwarnings; i++)
	{
		free(inv->warnings[i].text);
		free(inv->warnings[i].obj);
	}
	free(inv->warnings);
	memset(inv, 0, sizeof(*inv));
}

/* ---- lookups ---- */

struct inv_device *inventory_device(const struct inventory *inv, const char *name)
{
	struct inv_device *d = device_find(inv, name);
	struct pci_addr a;
	char canon[16];

	if (d || pci_addr_parse(name, &a))
		return d;
	pci_addr_format(&a, canon, sizeof(canon));
	return device_find(inv, canon);
}

/* groups[] is sorted by number, each number once (load_groups) */
struct inv_group *inventory_group(const struct inventory *inv, unsigned int id)
{
	size_t lo = 0, hi = inv->ngroups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		inv_work++;
		if (inv->groups[mid].id == id)
			return &inv->groups[mid];
		if (inv->groups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct inv_unit *inventory_unit(const struct inventory *inv, const char *name)
{
	for (size_t i = 0; i < inv->nunits; i++)
		if (!strcmp(inv->units[i].name, name))
			return &inv->units[i];
	return NULL;
}

static void strset_init(struct inv_strset *set, const struct strv *sv)
{
	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < sv->n; i++)
		strset_add(set, sv->v[i]);
}

/* Push s (NULL: nothing) unless sv, whose strings set holds, has it already. */
static void push_distinct(struct inv_strset *set, struct strv *sv, const char *s)
{
	if (!s)
		return;
	strv_push(sv, s);
	if (!strset_add(set, sv->v[sv->n - 1])) {
		free(sv->v[--sv->n]);
		sv->v[sv->n] = NULL;
	}
}

struct inv_unit *inventory_group_unit(const struct inventory *inv, const struct inv_group *g)
{
	for (size_t i = 0; i < g->members.n; i++) {
		struct inv_device *d = inventory_device(inv, g->members.v[i]);

		if (d && d->unit)
			return inventory_unit(inv, d->unit);
	}
	return NULL;
}

void inventory_group_units(const struct inventory *inv, const struct inv_group *g,
			   struct strv *units)
{
	struct inv_strset seen;

	strset_init(&seen, units);
	for (size_t i = 0; i < g->members.n; i++) {
		struct inv_device *d = inventory_device(inv, g->members.v[i]);

		if (d)
			push_distinct(&seen, units, d->unit);
	}
	strset_free(&seen);
}

void inventory_group_drivers(const struct inventory *inv, const struct inv_group *g,
			     struct strv *drivers)
{
	struct inv_strset seen;

	strset_init(&seen, drivers);
	for (size_t i = 0; i < g->members.n; i++) {
		struct inv_device *d = inventory_device(inv, g->members.v[i]);

		if (d)
			push_distinct(&seen, drivers, d->driver);
	}
	strset_free(&seen);
}

void inventory_unit_groups(const struct inventory *inv, const struct inv_unit *u,
			   struct strv *groups)
{
	struct inv_strset seen;

	strset_init(&seen, groups);
	for (size_t i = 0; i < u->devices.n; i++) {
		struct inv_device *d = inventory_device(inv, u->devices.v[i]);
		char buf[16];

		if (d && d->group >= 0) {
			snprintf(buf, sizeof(buf), "%d", d->group);
			push_distinct(&seen, groups, buf);
		}
	}
	strset_free(&seen);
	strv_sort(groups);
}

/* ---- selectors ---- */

int inv_sel_parse(const char *s, struct inv_sel *sel)
{
	struct pci_addr a;
	uint64_t id;

	memset(sel, 0, sizeof(*sel));
	if (!s || !*s)
		return -EUSAGE;
	if (!parse_u64_base(s, 10, &id)) {
		if (id > INT32_MAX)
			return -EUSAGE;
		sel->group = (unsigned int)id;
		return 0;
	}
	if (pci_addr_parse(s, &a))
		return -EUSAGE;
	sel->is_addr = true;
	pci_addr_format(&a, sel->addr, sizeof(sel->addr));
	return 0;
}

int inventory_group_select(const struct inventory *inv, const struct inv_sel *sel,
			   struct inv_group **g, struct inv_device **dev)
{
	struct inv_device *d = NULL;

	*g = NULL;
	if (dev)
		*dev = NULL;
	if (!sel->is_addr) {
		*g = inventory_group(inv, sel->group);
		return *g ? 0 : -ENOENT;
	}
	d = inventory_device(inv, sel->addr);
	if (dev)
		*dev = d;
	if (!d || d->group < 0)
		return -ENOENT;
	*g = inventory_group(inv, (unsigned int)d->group);
	return *g ? 0 : -ENOENT;
}
