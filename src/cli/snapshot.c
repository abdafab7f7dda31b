/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * snapshot save / show / diff. save runs the inventory through a recording view
 * over the current source (machine, --sysfs-root tree or -F snapshot) and
 * writes what it read as a tar; show summarises a snapshot file: its
 * metadata, what it holds, and what the inventory finds in it; diff
 * compares the inventories of two sources (backends/sysfs/invdiff.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/dump/snapshot.h"
#include "backends/sysfs/invdiff.h"
#include "backends/sysfs/acpi_tables.h"
#include "backends/sysfs/doctor.h"
#include "backends/sysfs/inventory.h"
#include "backends/vfio/nodes.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/dlib.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "core/view.h"
#include "backends/dump/view_record.h"
#include "output/out.h"

#define PROC_HOSTNAME  "/proc/sys/kernel/hostname"
#define PROC_OSRELEASE "/proc/sys/kernel/osrelease"

static void out_stats(struct out *o, const struct snapshot_stats *st)
{
	out_obj_begin(o, "contents", "contents");
	out_u64(o, "entries", "entries", snapshot_stats_entries(st));
	out_u64(o, "files", "files", st->files);
	out_u64(o, "placeholders", "listed, not read", st->placeholders);
	out_u64(o, "directories", "directories", st->dirs);
	out_u64(o, "links", "links", st->links);
	out_u64(o, "device_nodes", "device nodes", st->devices);
	if (st->others)
		out_u64(o, "others", "others", st->others);
	out_u64(o, "bytes", "bytes", st->bytes);
	out_obj_end(o);
}

static int snapshot_save(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const char *file = argv[0];
	struct snapshot_meta meta = { 0 };
	struct snapshot_stats st;
	struct inventory inv;
	struct vfio_nodes nodes;
	struct acpi_blob blobs[ACPI_TABLES_MAX];
	size_t nblobs;
	struct doctor doc;
	struct view *src, *rec;
	bool to_stdout = !strcmp(file, "-");
	char *why = NULL;
	int err;

	if (to_stdout && isatty(STDOUT_FILENO))
		return err_report(ctx, -EUSAGE, "refusing to write a snapshot to a terminal");
	/* without libarchive nothing can be written: say so before reading the machine */
	err = dlib_load(DLIB_ARCHIVE);
	if (err)
		return err_lib(ctx, err);
	err = ctx_view(ctx, &src);
	if (err)
		return err;
	view_record_new(src, &rec);
	err = inventory_load(rec, &inv);
	if (err) {
		view_free(rec);
		return err_report(ctx, err, "cannot read the inventory: %s", strerror(-err));
	}
	inventory_release(&inv);
	/* the VFIO and iommufd nodes, for cdi and vfio caps on the snapshot */
	vfio_nodes_read(rec, &nodes);
	vfio_nodes_release(&nodes);
	/* the firmware's IOMMU tables, for acpi show / devices on the snapshot */
	if (!acpi_tables_read(rec, blobs, &nblobs))
		acpi_tables_release(blobs, nblobs);
	/* what doctor reads: /proc/cmdline, /proc/interrupts, /sys/module, /sys/firmware */
	if (!doctor_gather(rec, NULL, &doc))
		doctor_release(&doc);
	/* read through the recorder, so that a re-saved snapshot keeps them */
	if (view_read_str(rec, &meta.kernel_release, PROC_OSRELEASE))
		meta.kernel_release = NULL;
	if (view_read_str(rec, &meta.hostname, PROC_HOSTNAME))
		meta.hostname = NULL;

	err = view_record_write_tar(rec, file, &meta, &why);
	view_record_stats(rec, &st);
	view_free(rec);
	snapshot_meta_release(&meta);
	if (err == -ELIBACC) {
		free(why);
		return err_lib(ctx, err);
	}
	if (err) {
		err_msg(ctx, "%s: %s", file, why ? why : strerror(-err));
		free(why);
		return err;
	}
	if (!to_stdout) {
		struct out *o = ctx_out(ctx);

		if (out_is_json(o)) {
			out_str(o, "file", "file", file);
			out_stats(o, &st);
		} else {
			out_text(o, "wrote %s: %zu entries (%zu files, %zu directories, %zu links)", file,
				 snapshot_stats_entries(&st), st.files, st.dirs, st.links);
		}
		err = out_flush(o);
	}
	return err;
}

static int snapshot_show(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct snapshot_meta *meta;
	const struct snapshot_stats *st;
	struct inventory inv;
	struct view *v;
	struct stat sb;
	size_t members = 0;
	struct out *o;
	int err;

	if (argc > 0) {
		if (ctx->snapshot && strcmp(ctx->snapshot, argv[0]))
			return err_report(ctx, -EUSAGE, "two snapshots given: -F %s and %s",
					  ctx->snapshot, argv[0]);
		ctx->snapshot = argv[0];
	}
	if (!ctx->snapshot)
		return err_report(ctx, -EUSAGE, "which snapshot? give FILE (or -F FILE)");
	err = ctx_view(ctx, &v);
	if (err)
		return err;
	err = snapshot_view_info(v, &meta, &st);
	if (err)
		return err_report(ctx, err, "%s: not opened as a snapshot", ctx->snapshot);
	err = inventory_load(v, &inv);
	if (err)
		return err_report(ctx, err, "%s: cannot read the inventory: %s", ctx->snapshot,
				  strerror(-err));
	for (size_t i = 0; i < inv.ngroups; i++)
		members += inv.groups[i].members.n;

	o = ctx_out(ctx);
	out_str(o, "file", "file", ctx->snapshot);
	if (strcmp(ctx->snapshot, "-") && !stat(ctx->snapshot, &sb))
		out_u64(o, "size", "size", (uint64_t)sb.st_size);
	else
		out_str(o, "size", "size", NULL);
	if (meta->format_version)
		out_u64(o, "format_version", "format version", (uint64_t)meta->format_version);
	else
		out_str(o, "format_version", "format version", NULL);
	out_str(o, "tool_version", "written by", meta->tool_version);
	out_str(o, "created", "created", meta->created);
	out_str(o, "hostname", "hostname", meta->hostname);
	out_str(o, "kernel_release", "kernel release",
		meta->kernel_release ? meta->kernel_release : inv.kernel_release);
	out_stats(o, st);
	out_obj_begin(o, "inventory", "inventory");
	out_u64(o, "nunits", "IOMMU units", inv.nunits);
	out_u64(o, "ngroups", "groups", inv.ngroups);
	out_u64(o, "ndevices", "devices", inv.ndevices);
	out_u64(o, "nmembers", "group members", members);
	out_obj_end(o);
	inventory_release(&inv);
	return out_flush(o);
}

/* The operand that names the current source (the machine, --sysfs-root or -F), as machinectl's. */
#define DIFF_HOST ".host"

struct diff_side {
	const char *name;         /* the operand */
	struct view *view;        /* owned when opened here */
	bool own;
	struct inventory inv;
	bool loaded;
	char *hostname;
};

static int diff_open(struct iommuctl_ctx *ctx, struct diff_side *s)
{
	char *why = NULL;
	int err;

	if (!strcmp(s->name, DIFF_HOST)) {
		err = ctx_view(ctx, &s->view);
		if (err)
			return err;
	} else {
		err = snapshot_view_open(s->name, &s->view, &why);
		if (err == -ELIBACC) {
			free(why);
			return err_lib(ctx, err);
		}
		if (err) {
			err_input(ctx, err, "%s: %s", s->name, why ? why : strerror(-err));
			free(why);
			return err;
		}
		s->own = true;
	}
	err = inventory_load(s->view, &s->inv);
	if (err)
		return err_report(ctx, err, "%s: cannot read the inventory: %s", s->name, strerror(-err));
	s->loaded = true;
	if (s->own) {
		const struct snapshot_meta *meta;
		const struct snapshot_stats *st;

		if (!snapshot_view_info(s->view, &meta, &st) && meta->hostname)
			s->hostname = xstrdup(meta->hostname);
	} else if (view_read_str(s->view, &s->hostname, PROC_HOSTNAME)) {
		s->hostname = NULL;
	}
	return 0;
}

static void diff_close(struct diff_side *s)
{
	if (s->loaded)
		inventory_release(&s->inv);
	if (s->own)
		view_free(s->view);
	free(s->hostname);
}

static void diff_source(struct out *o, const char *key, const char *label, const struct diff_side *s)
{
	bool host = !strcmp(s->name, DIFF_HOST);

	if (!out_is_json(o)) {
		out_text(o, "%s %s%s%s%s%s%s", label, host ? "this machine" : s->name,
			 s->hostname || s->inv.kernel_release ? " (" : "", s->hostname ? s->hostname : "",
			 s->hostname && s->inv.kernel_release ? ", " : "",
			 s->inv.kernel_release ? s->inv.kernel_release : "",
			 s->hostname || s->inv.kernel_release ? ")" : "");
		return;
	}
	out_obj_begin(o, key, NULL);
	out_str(o, "file", NULL, host ? NULL : s->name);
	out_str(o, "hostname", NULL, s->hostname);
	out_str(o, "kernel_release", NULL, s->inv.kernel_release);
	out_obj_end(o);
}

static void diff_groups_json(struct out *o, const char *key, const struct invdiff_group *g, size_t n)
{
	out_list_begin(o, key, NULL);
	for (size_t i = 0; i < n; i++) {
		out_obj_begin(o, NULL, NULL);
		out_u64(o, "group", NULL, g[i].id);
		out_strv(o, "members", NULL, &g[i].members);
		out_obj_end(o);
	}
	out_list_end(o);
}

static int snapshot_diff(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct diff_side a = { .name = argv[0] }, b = { .name = argc > 1 ? argv[1] : DIFF_HOST };
	struct invdiff d = { 0 };
	struct out *o;
	int err;

	err = diff_open(ctx, &a);
	if (!err)
		err = diff_open(ctx, &b);
	if (err)
		goto out;
	inventory_diff(&a.inv, &b.inv, &d);
	o = ctx_out(ctx);
	out_obj_begin(o, NULL, NULL);
	diff_source(o, "old", "---", &a);
	diff_source(o, "new", "+++", &b);
	out_list_begin(o, "changes", NULL);
	for (size_t i = 0; i < d.n; i++) {
		const struct invdiff_change *c = &d.changes[i];

		out_obj_begin(o, NULL, NULL);
		out_text(o, "%s", c->text);
		if (out_is_json(o)) {
			out_str(o, "kind", NULL, invdiff_kind_name(c->kind));
			out_str(o, "object", NULL, c->object);
			if (c->field)
				out_str(o, "field", NULL, c->field);
			out_str(o, "before", NULL, c->before);
			out_str(o, "after", NULL, c->after);
			out_str(o, "text", NULL, c->text);
			if (c->old_groups || c->new_groups) {
				diff_groups_json(o, "old_groups", c->old_groups, c->nold);
				diff_groups_json(o, "new_groups", c->new_groups, c->nnew);
			}
		}
		out_obj_end(o);
	}
	out_list_end(o);
	if (!d.n)
		out_text(o, "no differences");
	else
		out_text(o, "%zu difference%s", d.n, d.n == 1 ? "" : "s");
	out_fmt_bool(o, "equal", NULL, !d.n);
	out_fmt_u64(o, "nchanges", NULL, d.n);
	out_obj_end(o);
	err = out_flush(o);
	if (!err && d.n)
		err = -EVERDICT;
out:
	invdiff_release(&d);
	diff_close(&a);
	diff_close(&b);
	return err;
}

static const struct cli_verb snapshot_verbs[] = {
	{
		.name = "save",
		.summary = "capture what the inventory reads into a snapshot file",
		.args_doc = "FILE",
		.doc = "Reads the inventory of the current source (this machine, the tree given "
		       "with --sysfs-root, or the snapshot given with -F) and writes every file, "
		       "directory listing, link and device node it read into FILE, a tar archive: "
		       "IOMMU groups, /sys/class/iommu, the PCI devices' attributes, links and "
		       "config space, /dev/vfio, /dev/iommu, the VFIO device nodes (for cdi and vfio caps), what doctor reads (/proc/cmdline, /proc/interrupts, /sys/module, the firmware tables present) and the kernel release. Every inventory command "
		       "then gives the same output with -F FILE as it did on the source.\n\n"
		       "FILE is replaced atomically (written beside it, synced, renamed); '-' "
		       "writes to standard output. Read it back with -F FILE, summarise it with "
		       "'snapshot show FILE', or unpack it with tar and use --sysfs-root DIR/sys. "
		       "Run as root to capture full config space.",
		.min_args = 1,
		.max_args = 1,
		.run = snapshot_save,
	},
	{
		.name = "show",
		.summary = "summarise a snapshot file",
		.args_doc = "[FILE]",
		.doc = "Shows a snapshot's metadata (format version, the iommuctl that wrote it, "
		       "when, and the machine's hostname and kernel release), how many files, "
		       "listings and links it holds, and how many IOMMU units, groups and devices "
		       "the inventory finds in it. FILE may also be given with -F.",
		.min_args = 0,
		.max_args = 1,
		.run = snapshot_show,
	},
	{
		.name = "diff",
		.summary = "compare two snapshots, or a snapshot and this machine",
		.args_doc = "OLD [NEW]",
		.doc = "Compares the inventories of OLD and NEW, each a snapshot file, or '" DIFF_HOST "' "
		       "for the current source (this machine, or the tree given with --sysfs-root, "
		       "or the snapshot given with -F); NEW defaults to '" DIFF_HOST "'. Prints one "
		       "line per difference: the kernel release; IOMMU units that appeared, vanished "
		       "or changed (kind, capability registers); groups that were renumbered, split, "
		       "merged, regrouped, appeared or vanished, matched by the devices they hold, "
		       "not by their numbers; a kept group's type, viability and reserved regions; "
		       "devices that appeared or vanished, a different card at an address, and "
		       "changes of driver, driver_override, IOMMU unit and grouping. "
		       "Exit status 0 when the two are the same, 1 when they differ (or on failure: "
		       "with -j, a failure is an error object). Run it after a firmware or kernel "
		       "update against a snapshot saved before it.",
		.min_args = 1,
		.max_args = 2,
		.run = snapshot_diff,
	},
	{ 0 }
};

const struct cli_object cli_object_snapshot = {
	.name = "snapshot",
	.summary = "save the machine's IOMMU state to a file, or describe such a file",
	.default_verb = "show",
	.verbs = snapshot_verbs,
};
