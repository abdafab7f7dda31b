// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi list / show / devices: the firmware's IOMMU tables (DMAR, IVRS, IORT,
 * VIOT) from /sys/firmware/acpi/tables through the view (the machine,
 * --sysfs-root, a snapshot) or from a raw table file (acpidump, acpixtract),
 * decoded (src/decode/acpi.h) and tied to the kernel's devices, groups and
 * reserved regions (the inventory).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backends/sysfs/acpi_tables.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/inv.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "decode/acpi.h"
#include "output/acpi_out.h"
#include "output/out.h"

#define ACPI_FILE_MAX (16u << 20)	/* a table's length field is 32 bits; none is near this */

struct acpi_opts {
	const char *file;
};

enum { OPT_FILE = 0x500 };

static const struct argp_option acpi_options[] = {
	{ "file", OPT_FILE, "FILE", 0, "a raw table file (acpidump -b, acpixtract) instead of the source's", 0 },
	{ 0 }
};

static error_t acpi_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct acpi_opts *o = state->input;

	switch (key) {
	case OPT_FILE:
		o->file = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

struct acpi_src {
	struct acpi_blob b[ACPI_TABLES_MAX];
	size_t n;
	char *paths[ACPI_TABLES_MAX];
};

static void src_release(struct acpi_src *s)
{
	acpi_tables_release(s->b, s->n);
	for (size_t i = 0; i < s->n; i++)
		free(s->paths[i]);
}

static int read_file(struct iommuctl_ctx *ctx, const char *path, struct acpi_blob *b)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0;
	uint8_t *buf;
	char sig[5], oem[7];
	uint32_t len;
	uint8_t rev;
	bool ok;

	if (!f)
		return err_input(ctx, -errno, "%s: %s", path, strerror(errno));
	buf = xmalloc(cap);
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			if (cap >= ACPI_FILE_MAX) {
				fclose(f);
				free(buf);
				return err_report(ctx, -EFBIG, "%s: larger than %u MiB: not an ACPI table",
						  path, ACPI_FILE_MAX >> 20);
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		free(buf);
		return err_input(ctx, -e, "%s: %s", path, strerror(e));
	}
	fclose(f);
	memset(b, 0, sizeof(*b));
	b->data = buf;
	b->len = n;
	if (acpi_header(buf, n, sig, &len, &rev, oem, &ok))
		snprintf(b->name, sizeof(b->name), "?");
	else
		snprintf(b->name, sizeof(b->name), "%s", sig);
	return 0;
}

/* Why a table of the source could not be read, in words. */
static const char *unreadable_why(int err)
{
	switch (err) {
	case -EACCES:
	case -EPERM:
		return " (the tables are readable by root only)";
	case -ENODATA:
		return " (the snapshot lists it but holds no copy: it was saved by a user who could not read it)";
	default:
		return "";
	}
}

/* show and devices need every table they were asked for: an unreadable one is the command's failure. */
static int need_readable(struct iommuctl_ctx *ctx, const struct acpi_src *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->b[i].err)
			return err_report(ctx, s->b[i].err, "%s: %s%s", s->paths[i], strerror(-s->b[i].err),
					  unreadable_why(s->b[i].err));
	return 0;
}

/* The tables to work on: --file, or the source's (only the one named, when one is). */
static int load(struct iommuctl_ctx *ctx, const struct acpi_opts *o, const char *only,
		struct acpi_src *s)
{
	struct view *v;
	int err;

	memset(s, 0, sizeof(*s));
	if (only) {
		bool known = false;

		for (size_t i = 0; i < acpi_nsignatures; i++)
			known |= !strcasecmp(only, acpi_signatures[i]);
		if (!known)
			return err_report(ctx, -EUSAGE, "'%s' is not a table iommuctl decodes (DMAR, IVRS, IORT, VIOT)",
					  only);
		if (o->file)
			return err_report(ctx, -EUSAGE, "give TABLE or --file, not both");
	}
	if (o->file) {
		err = read_file(ctx, o->file, &s->b[0]);
		if (err)
			return err;
		s->paths[0] = xstrdup(o->file);
		s->n = 1;
		return 0;
	}
	err = ctx_view(ctx, &v);
	if (err)
		return err;
	err = acpi_tables_read(v, s->b, &s->n);
	if (err == -ENOENT)
		return err_report(ctx, -ENOENT, "no ACPI tables in this source (%s is absent: a device-tree "
				  "machine, or a snapshot saved before iommuctl kept them)", ACPI_TABLES_DIR);
	if (err)
		return err_report(ctx, err, "%s: %s", ACPI_TABLES_DIR, strerror(-err));
	for (size_t i = 0; i < s->n; i++)
		s->paths[i] = xasprintf(ACPI_TABLES_DIR "/%s", s->b[i].name);
	if (only) {
		size_t k = 0;

		for (size_t i = 0; i < s->n; i++) {
			if (!strcasecmp(s->b[i].name, only)) {
				struct acpi_blob b = s->b[i];
				char *p = s->paths[i];

				s->b[i] = s->b[k];
				s->paths[i] = s->paths[k];
				s->b[k] = b;
				s->paths[k] = p;
				k++;
			}
		}
		for (size_t i = k; i < s->n; i++) {
			free(s->b[i].data);
			free(s->paths[i]);
		}
		s->n = k;
		if (!k)
			return err_report(ctx, -ENOENT, "this source has no %s table", only);
	}
	return 0;
}

/* ---- list ---- */

enum { COL_TABLE, COL_REVISION, COL_LENGTH, COL_OEM_ID, COL_OEM_TABLE_ID, COL_CHECKSUM, COL_STATUS,
       COL_SOURCE };

static const struct out_col list_cols[] = {
	[COL_TABLE] = { "TABLE", OCT_STR, 0, OCF_DEFAULT, "signature: DMAR, IVRS, IORT, VIOT", .key = "signature" },
	[COL_REVISION] = { "REVISION", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "table revision",
			   .key = "table_revision" },
	[COL_LENGTH] = { "LENGTH", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "length in bytes (the header's)" },
	[COL_OEM_ID] = { "OEM_ID", OCT_STR, 0, OCF_DEFAULT, "OEM id" },
	[COL_OEM_TABLE_ID] = { "OEM_TABLE_ID", OCT_STR, 0, OCF_DEFAULT, "OEM table id" },
	[COL_CHECKSUM] = { "CHECKSUM_OK", OCT_BOOL, 0, OCF_DEFAULT, "the bytes sum to zero" },
	[COL_STATUS] = { "STATUS", OCT_STR, 0, OCF_DEFAULT | OCF_WRAP,
			 "\"ok\", or why it cannot be read or decoded" },
	[COL_SOURCE] = { "SOURCE", OCT_STR, 0, 0, "the file it was read from" },
};

static int acpi_list(struct iommuctl_ctx *ctx, void *optsp, int argc, char **argv)
{
	struct out_table *tab;
	struct acpi_src s;
	int err;

	err = cli_table_new(ctx, "acpi_tables", list_cols, ARRAY_SIZE(list_cols), &tab);
	if (err)
		return err > 0 ? 0 : err;
	err = load(ctx, optsp, NULL, &s);
	if (err) {
		out_table_free(tab);
		return err;
	}
	for (size_t i = 0; i < s.n; i++) {
		struct out_row *row = out_table_row(tab);
		struct acpi_table t;
		char status[256];

		out_cell_str(row, COL_TABLE, s.b[i].name);
		out_cell_str(row, COL_SOURCE, s.paths[i]);
		if (s.b[i].err) {
			snprintf(status, sizeof(status), "unreadable: %s%s", strerror(-s.b[i].err),
				 unreadable_why(s.b[i].err));
			out_cell_str(row, COL_STATUS, status);
			continue;
		}
		err = acpi_parse(s.b[i].data, s.b[i].len, &t);
		if (s.b[i].len >= ACPI_HDR_LEN) {
			const uint8_t *h = s.b[i].data;
			char tid[9];

			for (int k = 0; k < 8; k++)
				tid[k] = h[16 + k] >= 0x20 && h[16 + k] < 0x7f ? (char)h[16 + k] : '?';
			tid[8] = '\0';
			out_cell_u64(row, COL_REVISION, t.revision);
			out_cell_u64(row, COL_LENGTH, (uint64_t)h[4] | (uint64_t)h[5] << 8 | (uint64_t)h[6] << 16 |
				     (uint64_t)h[7] << 24);
			out_cell_str(row, COL_OEM_ID, t.oem_id);
			out_cell_str(row, COL_OEM_TABLE_ID, tid);
			out_cell_bool(row, COL_CHECKSUM, t.checksum_ok);
		}
		if (err == -EPROTONOSUPPORT)
			snprintf(status, sizeof(status), "not an IOMMU table iommuctl decodes");
		else if (err)
			snprintf(status, sizeof(status), "malformed: %s", t.err);
		else
			snprintf(status, sizeof(status), "ok");
		out_cell_str(row, COL_STATUS, status);
		acpi_table_release(&t);
	}
	err = out_table_print(tab);
	src_release(&s);
	return err;
}

/* ---- show ---- */

static int acpi_show(struct iommuctl_ctx *ctx, void *optsp, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct acpi_src s;
	int err, ret = 0;

	err = load(ctx, optsp, argc ? argv[0] : NULL, &s);
	if (err)
		return err;
	err = need_readable(ctx, &s);
	if (err) {
		src_release(&s);
		return err;
	}
	out_list_begin(o, "acpi_tables", NULL);
	for (size_t i = 0; i < s.n; i++) {
		struct acpi_table t;
		char head[160];

		err = acpi_parse(s.b[i].data, s.b[i].len, &t);
		snprintf(head, sizeof(head), "%s (%s)", s.b[i].name, s.paths[i]);
		out_obj_begin(o, NULL, head);
		out_str(o, "signature", NULL, s.b[i].name);
		out_str(o, "source", NULL, s.paths[i]);
		out_bool(o, "checksum_ok", "checksum ok", t.checksum_ok);
		if (err == -EPROTONOSUPPORT)
			out_str(o, "decode_error", "error", "not an IOMMU table iommuctl decodes (DMAR, IVRS, IORT, VIOT)");
		else if (err)
			out_str(o, "decode_error", "error", t.err);
		else if (out_is_json(o))
			out_null(o, "decode_error", NULL);
		acpi_emit_table(o, &t);
		out_obj_end(o);
		if (err && !ret) {
			if (err == -EPROTONOSUPPORT)
				ret = err_report(ctx, -EOPNOTSUPP, "%s: %s is not a table iommuctl decodes (DMAR, "
						 "IVRS, IORT, VIOT)", s.paths[i], s.b[i].name);
			else
				ret = err_report(ctx, err, "%s: malformed %s: %s", s.paths[i], s.b[i].name, t.err);
		}
		acpi_table_release(&t);
	}
	out_list_end(o);
	err = out_flush(o);
	src_release(&s);
	return ret ? ret : err;
}

/* ---- devices ---- */

/* The device's path from its root bus, from its sysfs directory's names. */
static bool pci_path(const struct inv_device *d, struct acpi_pci_path *p)
{
	const char *s;

	memset(p, 0, sizeof(*p));
	if (!d->pci || !d->path)
		return false;
	s = d->path;
	while (s && *s) {
		unsigned int dom, bus, dev, fn;
		char tail;
		const char *end = strchr(s, '/');
		char comp[64];
		size_t n = end ? (size_t)(end - s) : strlen(s);

		if (n && n < sizeof(comp)) {
			memcpy(comp, s, n);
			comp[n] = '\0';
			if (sscanf(comp, "%4x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &tail) == 4 && dev < 32 &&
			    fn < 8 && strlen(comp) == 12) {
				if (p->nhops == ACPI_PCI_MAX_HOPS)
					return false;
				if (!p->nhops)
					p->seg = (uint16_t)dom;
				p->hop[p->nhops].bus = (uint8_t)bus;
				p->hop[p->nhops].devfn = (uint8_t)(dev << 3 | fn);
				p->nhops++;
			}
		}
		s = end ? end + 1 : NULL;
	}
	return p->nhops > 0;
}

/* Is this function the IOMMU itself (an AMD IOMMU's PCI function, a virtio-iommu)? */
static bool is_iommu_fn(const struct acpi_table *t, const struct acpi_pci_path *p)
{
	uint32_t rid = (uint32_t)p->hop[p->nhops - 1].bus << 8 | p->hop[p->nhops - 1].devfn;

	for (size_t i = 1; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i];

		if (r->depth)
			continue;
		if (t->sig == ACPI_IVRS && !strcmp(r->lay->kind, "ivhd") &&
		    acpi_rec_get(t, r, "device_id", UINT64_MAX) == rid &&
		    acpi_rec_get(t, r, "segment", UINT64_MAX) == p->seg)
			return true;
		if (t->sig == ACPI_VIOT && !strcmp(r->lay->kind, "virtio_iommu_pci") &&
		    acpi_rec_get(t, r, "bdf", UINT64_MAX) == rid && acpi_rec_get(t, r, "segment", UINT64_MAX) == p->seg)
			return true;
	}
	return false;
}

/* The kernel region types a table's reserved range should become. */
static bool resv_type_ok(const char *kind, const char *type)
{
	if (!strcmp(type, "direct") || !strcmp(type, "direct-relaxable"))
		return true;
	return !strcmp(kind, "ivmd exclusion") && !strcmp(type, "reserved");
}

static const struct inv_resv *resv_find(const struct inv_group *g, const struct acpi_resv *x)
{
	for (size_t i = 0; g && i < g->nresv; i++)
		if (g->resv[i].start <= x->start && g->resv[i].end >= x->last &&
		    resv_type_ok(x->kind, g->resv[i].type))
			return &g->resv[i];
	return NULL;
}

enum { DC_DEVICE, DC_GROUP, DC_KUNIT, DC_IOMMU, DC_IOMMU_ADDR, DC_MATCH, DC_ENTRY, DC_ID_KIND, DC_RID, DC_ID,
       DC_ALIASED, DC_ITS_ID };

static const struct out_col dev_cols[] = {
	[DC_DEVICE] = { "DEVICE", OCT_STR, 0, OCF_DEFAULT, "PCI function" },
	[DC_GROUP] = { "GROUP", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "the kernel's IOMMU group (none: not attached)" },
	[DC_KUNIT] = { "KERNEL_UNIT", OCT_STR, 0, OCF_DEFAULT, "the kernel's IOMMU unit for it" },
	[DC_IOMMU] = { "IOMMU", OCT_STR, 0, OCF_DEFAULT,
		       "the table's IOMMU for it: KIND@OFFSET (drhd, ivhd, smmu_v3, virtio_iommu_pci, ...)" },
	[DC_IOMMU_ADDR] = { "IOMMU_ADDRESS", OCT_HEX, 0, OCF_DEFAULT | OCF_HIDE, "that IOMMU's register base address" },
	[DC_MATCH] = { "MATCH", OCT_STR, 0, OCF_DEFAULT | OCF_WRAP,
		       "what covers it: endpoint scope, bridge scope, include_pci_all, select, range, "
		       "alias select, alias range, all, id mapping, pci range" },
	[DC_ENTRY] = { "ENTRY", OCT_STR, 0, 0, "the scope, device entry or ID mapping: KIND@OFFSET",
		       .key = "table_entry" },
	[DC_ID_KIND] = { "ID_KIND", OCT_STR, 0, 0, "requester_id, device_id, stream_id, endpoint_id" },
	[DC_RID] = { "RID", OCT_HEX, 0, 0, "the device's own requester ID (bus << 8 | devfn)" },
	[DC_ID] = { "ID", OCT_HEX, 0, OCF_DEFAULT,
		    "the ID it presents to the IOMMU: requester ID, IVRS device ID after aliases, "
		    "StreamID after the IORT mappings, VIOT endpoint ID", .key = "presented_id" },
	[DC_ALIASED] = { "ALIASED", OCT_BOOL, 0, 0, "the ID is an alias (IVRS alias entries)" },
	[DC_ITS_ID] = { "ITS_ID", OCT_HEX, 0, 0, "IORT: the DeviceID its MSIs carry to the ITS" },
};

static void finding(struct out *o, const char *severity, const char *device, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void finding(struct out *o, const char *severity, const char *device, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!out_is_json(o)) {
		out_text(o, "%s: %s", severity, text);
		return;
	}
	out_obj_begin(o, NULL, NULL);
	out_str(o, "severity", NULL, severity);
	out_str(o, "device", NULL, device);
	out_str(o, "text", NULL, text);
	out_obj_end(o);
}

static uint64_t iommu_address(const struct acpi_table *t, int rec)
{
	if (rec < 0)
		return UINT64_MAX;
	return acpi_rec_get(t, &t->recs[rec], "address",
			    acpi_rec_get(t, &t->recs[rec], "base_address", UINT64_MAX));
}

static int devices_one(struct iommuctl_ctx *ctx, struct out *o, const struct inventory *inv,
		       const struct acpi_table *t, const char *name, const char *path, unsigned int *nfind)
{
	struct out_table *tab;
	struct acpi_resv *rv;
	size_t nrv;
	int err;

	out_obj_begin(o, NULL, NULL);
	if (out_is_json(o)) {
		out_str(o, "signature", NULL, name);
		out_str(o, "source", NULL, path);
	} else {
		out_text(o, "%s (%s):", name, path);
	}
	err = cli_table_new(ctx, "devices", dev_cols, ARRAY_SIZE(dev_cols), &tab);
	if (err) {
		out_obj_end(o);
		return err;
	}
	for (size_t i = 0; i < inv->ndevices; i++) {
		const struct inv_device *d = &inv->devices[i];
		struct acpi_pci_path p;
		struct acpi_cover c;
		struct out_row *row;
		char buf[64];
		uint64_t a;

		if (!pci_path(d, &p) || acpi_cover_pci(t, &p, &c))
			continue;
		row = out_table_row(tab);
		out_cell_str(row, DC_DEVICE, d->name);
		if (d->group >= 0)
			out_cell_u64(row, DC_GROUP, (uint64_t)d->group);
		out_cell_str(row, DC_KUNIT, d->unit);
		if (c.covered) {
			acpi_rec_name(t, c.iommu, buf, sizeof(buf));
			out_cell_str(row, DC_IOMMU, buf);
			a = iommu_address(t, c.iommu);
			if (a != UINT64_MAX)
				out_cell_hex(row, DC_IOMMU_ADDR, a);
			out_cell_str(row, DC_MATCH, c.how);
			if (c.entry >= 0) {
				acpi_rec_name(t, c.entry, buf, sizeof(buf));
				out_cell_str(row, DC_ENTRY, buf);
			}
			out_cell_str(row, DC_ID_KIND, c.id_kind);
			out_cell_hex(row, DC_ID, c.id);
		} else if (is_iommu_fn(t, &p)) {
			out_cell_str(row, DC_MATCH, "the IOMMU itself");
		}
		out_cell_hex(row, DC_RID, c.rid);
		out_cell_bool(row, DC_ALIASED, c.aliased);
		if (c.has_its_id)
			out_cell_hex(row, DC_ITS_ID, c.its_id);
	}
	err = out_table_print(tab);
	if (err) {
		out_obj_end(o);
		return err;
	}

	/* reserved ranges: the devices each applies to, and the kernel's regions */
	acpi_resv_list(t, &rv, &nrv);
	out_list_begin(o, "reserved_ranges", nrv ? "reserved ranges" : NULL);
	for (size_t k = 0; k < nrv; k++) {
		char rn[64], label[160];

		acpi_rec_name(t, rv[k].rec, rn, sizeof(rn));
		snprintf(label, sizeof(label), "%s 0x%016" PRIx64 "-0x%016" PRIx64 " (%s)", rn, rv[k].start,
			 rv[k].last, rv[k].kind);
		out_obj_begin(o, NULL, label);
		if (out_is_json(o)) {
			out_str(o, "table_entry", NULL, rn);
			out_str(o, "kind", NULL, rv[k].kind);
			out_hex(o, "start", NULL, rv[k].start);
			out_hex(o, "last", NULL, rv[k].last);
		}
		out_list_begin(o, "devices", NULL);
		for (size_t i = 0; i < inv->ndevices; i++) {
			const struct inv_device *d = &inv->devices[i];
			const struct inv_group *g;
			const struct inv_resv *kr;
			struct acpi_pci_path p;

			if (!pci_path(d, &p) || !acpi_resv_applies(t, &rv[k], &p))
				continue;
			g = d->group >= 0 ? inventory_group(inv, (unsigned int)d->group) : NULL;
			kr = resv_find(g, &rv[k]);
			if (out_is_json(o)) {
				out_obj_begin(o, NULL, NULL);
				out_str(o, "device", NULL, d->name);
				if (g)
					out_u64(o, "group", NULL, g->id);
				else
					out_null(o, "group", NULL);
				out_bool(o, "kernel_region", NULL, kr != NULL);
				out_str(o, "kernel_type", NULL, kr ? kr->type : NULL);
				out_obj_end(o);
			} else {
				out_text(o, "%s: %s", d->name, kr ? kr->type : g ? "no kernel region" : "in no group");
			}
		}
		out_list_end(o);
		out_obj_end(o);
	}
	out_list_end(o);

	/* findings: where the table and the kernel disagree */
	out_list_begin(o, "findings", NULL);
	for (size_t i = 0; i < inv->ndevices; i++) {
		const struct inv_device *d = &inv->devices[i];
		struct acpi_pci_path p;
		struct acpi_cover c;
		char un[64];

		if (!pci_path(d, &p) || acpi_cover_pci(t, &p, &c))
			continue;
		acpi_rec_name(t, c.iommu >= 0 ? c.iommu : c.unit, un, sizeof(un));
		if (c.covered && d->group < 0 && !is_iommu_fn(t, &p)) {
			finding(o, "warning", d->name, "%s: the %s covers it (%s, %s) but the kernel attached it "
				"to no IOMMU group", d->name, name, un, c.how);
			(*nfind)++;
		} else if (!c.covered && d->group >= 0) {
			finding(o, "warning", d->name, "%s: in IOMMU group %d, but no entry of the %s covers it",
				d->name, d->group, name);
			(*nfind)++;
		}
		for (size_t k = 0; k < nrv; k++) {
			const struct inv_group *g;
			char rn[64];

			if (!acpi_resv_applies(t, &rv[k], &p) || d->group < 0)
				continue;
			g = inventory_group(inv, (unsigned int)d->group);
			if (!g || !g->resv_read || resv_find(g, &rv[k]))
				continue;
			acpi_rec_name(t, rv[k].rec, rn, sizeof(rn));
			finding(o, "warning", d->name, "%s: %s 0x%" PRIx64 "-0x%" PRIx64 " (%s) is not among group "
				"%u's reserved regions as a direct mapping", d->name, rn, rv[k].start, rv[k].last,
				rv[k].kind, g->id);
			(*nfind)++;
		}
	}
	out_list_end(o);
	free(rv);
	out_obj_end(o);
	return 0;
}

static int acpi_devices(struct iommuctl_ctx *ctx, void *optsp, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct inventory inv;
	struct acpi_src s;
	unsigned int nfind = 0;
	int err, ret = 0;

	err = load(ctx, optsp, argc ? argv[0] : NULL, &s);
	if (!err)
		err = need_readable(ctx, &s);
	if (err) {
		src_release(&s);
		return err;
	}
	err = cli_inventory_load(ctx, &inv);
	if (err) {
		src_release(&s);
		return err;
	}
	cli_inventory_warn(ctx, &inv, INV_SCOPE_DEVICES | INV_SCOPE_GROUPS, NULL);
	out_list_begin(o, "acpi_tables", NULL);
	for (size_t i = 0; i < s.n && !ret; i++) {
		struct acpi_table t;

		err = acpi_parse(s.b[i].data, s.b[i].len, &t);
		if (err == -EPROTONOSUPPORT) {
			ret = err_report(ctx, -EOPNOTSUPP, "%s: %s is not a table iommuctl decodes (DMAR, IVRS, IORT, "
					 "VIOT)", s.paths[i], s.b[i].name);
		} else if (err) {
			ret = err_report(ctx, err, "%s: malformed %s: %s", s.paths[i], s.b[i].name, t.err);
		} else {
			ret = devices_one(ctx, o, &inv, &t, s.b[i].name, s.paths[i], &nfind);
			if (!out_is_json(o) && i + 1 < s.n)
				out_text(o, "%s", "");
		}
		acpi_table_release(&t);
	}
	out_list_end(o);
	err = out_flush(o);
	inventory_release(&inv);
	src_release(&s);
	return ret ? ret : err;
}

static const struct cli_verb acpi_verbs[] = {
	{
		.name = "list",
		.summary = "the IOMMU tables the firmware gave (DMAR, IVRS, IORT, VIOT)",
		.doc = "Signature, revision, length, OEM ids, whether the checksum holds and whether the "
		       "table decodes. Reads /sys/firmware/acpi/tables (root only on most systems), a "
		       "--sysfs-root tree or a snapshot.",
		.options = acpi_options,
		.parser = acpi_parse_opt,
		.opts_size = sizeof(struct acpi_opts),
		.max_args = 0,
		.flags = CLI_LIST,
		.run = acpi_list,
	},
	{
		.name = "show",
		.summary = "a table decoded, every subtable and field",
		.args_doc = "[TABLE]",
		.doc = "TABLE is DMAR, IVRS, IORT or VIOT (default: all present); --file FILE decodes a raw "
		       "table as acpidump -b or acpixtract write it. A malformed table is shown up to the "
		       "fault, then exit status 1 with the offset named.",
		.options = acpi_options,
		.parser = acpi_parse_opt,
		.opts_size = sizeof(struct acpi_opts),
		.max_args = 1,
		.run = acpi_show,
	},
	{
		.name = "devices",
		.summary = "each PCI device's IOMMU and ID per the tables, against the kernel's view",
		.args_doc = "[TABLE]",
		.doc = "For each PCI device: the DRHD / IVHD / IORT SMMU / VIOT IOMMU that covers it, how, "
		       "and the ID it presents (requester ID, IVRS device ID with aliases applied, StreamID "
		       "after the IORT ID mappings, VIOT endpoint ID). For each RMRR, IVMD or RMR range: the "
		       "devices it applies to and the kernel's reserved region for it. Findings: a device "
		       "the table covers but the kernel put in no group, a group member no entry covers, a "
		       "range the kernel did not turn into a direct region. --file FILE takes the table from "
		       "a file, the devices from the source (-F, --sysfs-root, this machine).",
		.options = acpi_options,
		.parser = acpi_parse_opt,
		.opts_size = sizeof(struct acpi_opts),
		.max_args = 1,
		.flags = CLI_LIST,
		.run = acpi_devices,
	},
	{ 0 }
};

const struct cli_object cli_object_acpi = {
	.name = "acpi",
	.summary = "the firmware's IOMMU tables (DMAR, IVRS, IORT, VIOT) decoded and tied to devices",
	.default_verb = "list",
	.verbs = acpi_verbs,
};
