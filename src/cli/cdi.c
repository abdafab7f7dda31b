// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cdi: a Container Device Interface spec for the devices bound to a VFIO
 * driver, the JSON file containerd, CRI-O, podman and the Kubernetes DRA
 * drivers read from /etc/cdi or /var/run/cdi. One spec per backend: with
 * iommufd every device brings its cdev (/dev/vfio/devices/vfioN) and the
 * spec /dev/iommu; with the legacy container every device brings its
 * group's node (/dev/vfio/N) and the spec /dev/vfio/vfio. Devices are named
 * after their PCI address (0000:01:00.0 is 0000-01-00.0: the CDI spec
 * allows letters, digits, '-', '_' and '.' in a name), so a name stays
 * the same across reboots as long as the card sits in its slot. It only
 * reads: --sysfs-root trees and snapshots work as the machine does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/inventory.h"
#include "backends/vfio/nodes.h"
#include "backends/vfio/vfio.h"
#include "cli/cdi.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/inv.h"
#include "core/exitcodes.h"
#include "core/fileio.h"
#include "core/util.h"
#include "output/out.h"

#define CDI_VERSION "0.6.0"

void cli_cdi_name(const char *addr, char *buf, size_t len)
{
	size_t i;

	for (i = 0; addr[i] && i + 1 < len; i++)
		buf[i] = addr[i] == ':' ? '-' : addr[i];
	buf[i] = '\0';
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A vendor or class of a CDI kind: a letter first, a letter or digit last, '-', '_', '.' between. */
static bool kind_part_ok(const char *s, size_t n, size_t max)
{
	if (!n || n > max || !letter(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

bool cli_cdi_kind_ok(const char *kind)
{
	const char *slash = strchr(kind, '/');

	return slash && !strchr(slash + 1, '/') && kind_part_ok(kind, (size_t)(slash - kind), 253) &&
	       kind_part_ok(slash + 1, strlen(slash + 1), 63);
}

bool cli_cdi_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || !alnum(name[0]) || !alnum(name[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!alnum(name[i]) && name[i] != '-' && name[i] != '_' && name[i] != '.')
			return false;
	return true;
}

enum vfio_backend cli_cdi_choose(const struct vfio_dev_nodes *dn, size_t n, enum vfio_backend want,
				  size_t *bad)
{
	bool all_iommufd = true, all_legacy = true;
	size_t first_i = n, first_l = n;

	for (size_t i = 0; i < n; i++) {
		if (!dn[i].iommufd && first_i == n)
			first_i = i;
		if (!dn[i].legacy && first_l == n)
			first_l = i;
		all_iommufd &= dn[i].iommufd;
		all_legacy &= dn[i].legacy;
	}
	*bad = n;
	if (want == VFIO_BACKEND_IOMMUFD || (want == VFIO_BACKEND_NONE && all_iommufd)) {
		*bad = first_i;
		return all_iommufd ? VFIO_BACKEND_IOMMUFD : VFIO_BACKEND_NONE;
	}
	*bad = first_l;
	if (want == VFIO_BACKEND_LEGACY || all_legacy)
		return all_legacy ? VFIO_BACKEND_LEGACY : VFIO_BACKEND_NONE;
	return VFIO_BACKEND_NONE;
}

/* ---- cdi spec ---- */

struct cdi_opts {
	const char *backend;
	const char *output;
	const char *kind;
};

enum { OPT_BACKEND = 0x700, OPT_KIND };

static const struct argp_option cdi_options[] = {
	{ "backend", OPT_BACKEND, "BACKEND", 0,
	  "auto (iommufd + cdevs when every device has them, else the legacy container), iommufd or legacy", 0 },
	{ "output", 'o', "FILE", 0, "write the spec to FILE, replaced atomically ('-': standard output)", 0 },
	{ "kind", OPT_KIND, "VENDOR/CLASS", 0, "the spec's kind (default " CLI_CDI_KIND ")", 0 },
	{ 0 }
};

static error_t cdi_parse(int key, char *arg, struct argp_state *state)
{
	struct cdi_opts *o = state->input;

	switch (key) {
	case OPT_BACKEND: o->backend = arg; break;
	case 'o': o->output = arg; break;
	case OPT_KIND: o->kind = arg; break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The devices asked for (all on a VFIO driver when none is), in the inventory's order. */
static int cdi_select(struct iommuctl_ctx *ctx, const struct inventory *inv, int argc, char **argv,
		      const struct inv_device ***out, size_t *n)
{
	const struct inv_device **sel = xcalloc(inv->ndevices + 1, sizeof(*sel));
	bool *want = xcalloc(inv->ndevices + 1, sizeof(*want));
	size_t k = 0;
	int err = 0;

	char name[64];

	for (int i = 0; i < argc && !err; i++) {
		const struct inv_device *d = inventory_device(inv, argv[i]);

		if (d)
			cli_cdi_name(d->name, name, sizeof(name));
		if (!d)
			err = err_report(ctx, pci_addr_looks_like(argv[i]) ? -ENOENT : -EUSAGE,
					 pci_addr_looks_like(argv[i]) ? "no device %s" :
					 "'%s' is not a PCI address (0000:00:03.0 or 00:03.0)", argv[i]);
		else if (!d->pci)
			err = err_report(ctx, -EINVAL, "%s: not a PCI device", d->name);
		else if (!vfio_driver_is_vfio(d->driver))
			err = err_report(ctx, -EINVAL, "%s: bound to %s, not to a VFIO driver: claim it first "
					 "('iommuctl group claim %s')", d->name, d->driver ? d->driver : "no driver",
					 d->name);
		else if (!cli_cdi_name_ok(name) || strlen(d->name) >= 32)
			err = err_report(ctx, -EINVAL, "%s: not a name a CDI spec allows", d->name);
		else
			want[d - inv->devices] = true;
	}
	for (size_t i = 0; !err && i < inv->ndevices; i++) {
		const struct inv_device *d = &inv->devices[i];

		if (!argc && d->pci && vfio_driver_is_vfio(d->driver)) {
			/* a source's name that no spec can carry (a hostile tree) is left out */
			cli_cdi_name(d->name, name, sizeof(name));
			want[i] = cli_cdi_name_ok(name) && strlen(d->name) < 32;
			if (!want[i])
				warn_msg(ctx, "%s: left out: not a name a CDI spec allows", d->name);
		}
		if (want[i])
			sel[k++] = d;
	}
	free(want);
	if (!err && !k)
		err = err_report(ctx, -ENOENT, "no device is bound to a VFIO driver: claim one first "
				 "('iommuctl group claim SEL')");
	if (err) {
		free(sel);
		return err;
	}
	*out = sel;
	*n = k;
	return 0;
}

static void node_out(struct out *o, const char *path)
{
	out_obj_begin(o, NULL, NULL);
	out_str(o, "path", NULL, path);
	out_str(o, "type", NULL, "c");
	out_str(o, "permissions", NULL, "rw");
	out_obj_end(o);
}

/* The spec, spelled by a JSON writer of its own into a buffer. */
static char *cdi_document(const char *kind, enum vfio_backend be, const struct inv_device **devs,
			  const struct vfio_dev_nodes *dn, size_t n, size_t *len)
{
	char *buf = NULL, name[32], grp[16];
	FILE *f = open_memstream(&buf, len);
	struct out *o;

	if (!f)
		return NULL;
	o = out_new(&(struct out_opts){ .f = f, .json = true, .pretty = true });
	out_obj_begin(o, NULL, NULL);
	out_str(o, "cdiVersion", NULL, CDI_VERSION);
	out_str(o, "kind", NULL, kind);
	/* annotation keys: iommuctl's prefix (a DNS name, as annotation keys need, whatever the kind) */
	out_obj_begin(o, "annotations", NULL);
	out_str(o, CLI_CDI_ANNOTATION "backend", NULL, vfio_backend_name(be));
	out_obj_end(o);
	out_list_begin(o, "devices", NULL);
	for (size_t i = 0; i < n; i++) {
		cli_cdi_name(devs[i]->name, name, sizeof(name));
		out_obj_begin(o, NULL, NULL);
		out_str(o, "name", NULL, name);
		out_obj_begin(o, "annotations", NULL);
		out_str(o, CLI_CDI_ANNOTATION "pciBusID", NULL, devs[i]->name);
		if (devs[i]->group >= 0) {
			snprintf(grp, sizeof(grp), "%d", devs[i]->group);
			out_str(o, CLI_CDI_ANNOTATION "iommuGroup", NULL, grp);
		}
		out_obj_end(o);
		out_obj_begin(o, "containerEdits", NULL);
		out_list_begin(o, "deviceNodes", NULL);
		node_out(o, be == VFIO_BACKEND_IOMMUFD ? dn[i].cdev : dn[i].group_node);
		out_list_end(o);
		out_obj_end(o);
		out_obj_end(o);
	}
	out_list_end(o);
	out_obj_begin(o, "containerEdits", NULL);
	out_list_begin(o, "deviceNodes", NULL);
	node_out(o, be == VFIO_BACKEND_IOMMUFD ? VFIO_PATH_IOMMU : VFIO_PATH_CONTAINER);
	out_list_end(o);
	out_obj_end(o);
	out_obj_end(o);
	out_end(o);
	out_free(o);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* With -o FILE: what was written, on stdout. */
static void cdi_summary(struct out *o, const char *file, const char *kind, enum vfio_backend be,
			const struct inv_device **devs, const struct vfio_dev_nodes *dn, size_t n)
{
	char name[32];

	out_obj_begin(o, NULL, NULL);
	out_fmt_str(o, "file", "wrote %s", file);
	out_fmt_str(o, "cdi_version", ": CDI %s", CDI_VERSION);
	out_fmt_str(o, "kind", ", kind %s", kind);
	out_fmt_str(o, "backend", ", backend %s", vfio_backend_name(be));
	out_fmt_u64(o, "ndevices", ", %" PRIu64 " devices", n);
	out_nl(o);
	out_list_begin(o, "devices", NULL);
	for (size_t i = 0; i < n; i++) {
		const char *node = be == VFIO_BACKEND_IOMMUFD ? dn[i].cdev : dn[i].group_node;

		cli_cdi_name(devs[i]->name, name, sizeof(name));
		out_obj_begin(o, NULL, NULL);
		out_textf(o, "  %s=", kind);
		out_fmt_str(o, "name", "%s", name);
		out_fmt_str(o, "address", "  %s", devs[i]->name);
		out_fmt_str(o, "node", "  %s", node);
		out_nl(o);
		out_obj_end(o);
	}
	out_list_end(o);
	out_fmt_str(o, "shared_node", "  every device also: %s",
		    be == VFIO_BACKEND_IOMMUFD ? VFIO_PATH_IOMMU : VFIO_PATH_CONTAINER);
	out_nl(o);
	out_obj_end(o);
}

static int cdi_spec(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct cdi_opts *co = opts;
	const char *kind = co->kind ? co->kind : CLI_CDI_KIND;
	enum vfio_backend want = VFIO_BACKEND_NONE, be;
	const struct inv_device **devs = NULL;
	struct vfio_dev_nodes *dn = NULL;
	struct vfio_nodes nodes;
	struct inventory inv;
	struct view *v;
	size_t n = 0, bad, len = 0;
	char *doc = NULL, *why = NULL;
	int err;

	if (!co->backend || !strcmp(co->backend, "auto"))
		want = VFIO_BACKEND_NONE;
	else if (!strcmp(co->backend, "iommufd"))
		want = VFIO_BACKEND_IOMMUFD;
	else if (!strcmp(co->backend, "legacy"))
		want = VFIO_BACKEND_LEGACY;
	else
		return err_report(ctx, -EUSAGE, "--backend: '%s' is not auto, iommufd or legacy", co->backend);
	if (!cli_cdi_kind_ok(kind))
		return err_report(ctx, -EUSAGE, "--kind: '%s' is not VENDOR/CLASS (letters, digits, '-', '_' "
				  "and '.', each starting with a letter and ending with a letter or digit)", kind);
	if (co->output && !*co->output)
		return err_report(ctx, -EUSAGE, "--output: an empty file name");
	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	cli_inventory_warn(ctx, &inv, INV_SCOPE_DEVICES | INV_SCOPE_GROUPS, NULL);
	if ((err = ctx_view(ctx, &v)) || (err = cdi_select(ctx, &inv, argc, argv, &devs, &n))) {
		inventory_release(&inv);
		return err;
	}
	vfio_nodes_read(v, &nodes);
	dn = xcalloc(n, sizeof(*dn));
	for (size_t i = 0; i < n; i++) {
		const struct inv_group *g = devs[i]->group >= 0 ?
					    inventory_group(&inv, (unsigned)devs[i]->group) : NULL;

		vfio_dev_nodes_find(&nodes, devs[i], g, &dn[i]);
		if (g && g->viable_known && !g->viable)
			warn_msg(ctx, "%s: group %u is not viable: %s", devs[i]->name, g->id,
				 g->reason ? g->reason : "");
	}
	be = cli_cdi_choose(dn, n, want, &bad);
	if (be == VFIO_BACKEND_NONE) {
		if (want == VFIO_BACKEND_IOMMUFD)
			err = err_report(ctx, -EOPNOTSUPP, "%s: no iommufd path: %s", devs[bad]->name,
					 dn[bad].why_not_iommufd);
		else if (want == VFIO_BACKEND_LEGACY)
			err = err_report(ctx, -EOPNOTSUPP, "%s: no legacy path: %s", devs[bad]->name,
					 dn[bad].why_not_legacy);
		else
			err = err_report(ctx, -EOPNOTSUPP, "%s: neither backend has every node: iommufd: %s; "
					 "legacy: %s", devs[bad]->name,
					 dn[bad].why_not_iommufd ? dn[bad].why_not_iommufd : "ok",
					 dn[bad].why_not_legacy ? dn[bad].why_not_legacy : "ok");
		goto out;
	}
	doc = cdi_document(kind, be, devs, dn, n, &len);
	if (!doc) {
		err = err_report(ctx, -ENOMEM, "cannot write the spec");
		goto out;
	}
	if (!co->output || !strcmp(co->output, "-")) {
		/* the spec is the document, JSON with or without -j */
		out_verbatim(ctx_out(ctx), doc);
		err = out_flush(ctx_out(ctx));
		goto out;
	}
	err = file_replace(co->output, doc, len, &why);
	if (err) {
		err = err_report(ctx, err, "%s: %s", co->output, why ? why : strerror(-err));
		goto out;
	}
	cdi_summary(ctx_out(ctx), co->output, kind, be, devs, dn, n);
	err = out_flush(ctx_out(ctx));
out:
	free(why);
	free(doc);
	for (size_t i = 0; i < n; i++)
		vfio_dev_nodes_release(&dn[i]);
	free(dn);
	free(devs);
	vfio_nodes_release(&nodes);
	inventory_release(&inv);
	return err;
}

static const char cdi_doc[] =
	"A CDI spec (cdiVersion " CDI_VERSION ") for the devices bound to a VFIO driver (those given, "
	"or all), as containerd, CRI-O, podman and the Kubernetes DRA drivers read it from /etc/cdi: "
	"a device named after its PCI address (0000:01:00.0 is " CLI_CDI_KIND "=0000-01-00.0) "
	"brings its node, the spec the backend's. iommufd: the device's cdev "
	"(/dev/vfio/devices/vfioN) and /dev/iommu; legacy: its group's node (/dev/vfio/N) and "
	"/dev/vfio/vfio. auto takes iommufd when every device has its cdev, else the legacy "
	"container. Annotations (iommuctl.dev/...) give each device's pciBusID and iommuGroup. Without -o the spec "
	"is printed; with -o FILE it replaces FILE atomically and a summary is printed (-j: as "
	"JSON). Works on --sysfs-root trees and snapshots: it only reads.";

static const struct cli_verb cdi_verbs[] = {
	{
		.name = "spec",
		.summary = "write a CDI spec for the devices bound to a VFIO driver",
		.args_doc = "[ADDR...]",
		.doc = cdi_doc,
		.options = cdi_options,
		.parser = cdi_parse,
		.opts_size = sizeof(struct cdi_opts),
		.min_args = 0,
		.max_args = -1,
		.run = cdi_spec,
	},
	{ 0 }
};

/* `iommuctl cdi 00:03.0`: an address is not a verb (spec's shorthand). */
static const struct cli_verb cdi_fallback = {
	.name = "ADDR",
	.summary = "the same as 'cdi spec ADDR...'",
	.args_doc = "[ADDR...]",
	.doc = cdi_doc,
	.options = cdi_options,
	.parser = cdi_parse,
	.opts_size = sizeof(struct cdi_opts),
	.min_args = 1,
	.max_args = -1,
	.run = cdi_spec,
};

const struct cli_object cli_object_cdi = {
	.name = "cdi",
	.summary = "Container Device Interface specs for the devices on VFIO drivers",
	.default_verb = "spec",
	.verbs = cdi_verbs,
	.fallback = &cdi_fallback,
};
