/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * group list / show / claim / release / type: IOMMU groups, their members,
 * default domain type, reserved regions, VFIO nodes, viability and owner;
 * and the transactional changes (backends/sysfs/claim.c, domtype.c), whose
 * plans, steps and outcomes are rendered here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sysfs/claim.h"
#include "backends/sysfs/domtype.h"
#include "backends/vfio/vfio.h"
#include "cli/cli.h"
#include "cli/inv.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

enum {
	COL_GROUP,
	COL_TYPE,
	COL_DEVICES,
	COL_DRIVERS,
	COL_RESV,
	COL_VIABLE,
	COL_MEMBERS,
	COL_IDS,
	COL_UNIT,
	COL_VFIO,
	COL_REGIONS,
	COL_BLOCKERS,
	COL_REASON,
};

static const struct out_col group_cols[] = {
	[COL_GROUP] = { "GROUP", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT,
			"group number (not stable across boots)" },
	[COL_TYPE] = { "TYPE", OCT_STR, 0, OCF_DEFAULT,
		       "default domain type: DMA, DMA-FQ, identity, blocked, unmanaged" },
	[COL_DEVICES] = { "DEVICES", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "number of member devices",
			  .key = "ndevices" },
	[COL_DRIVERS] = { "DRIVERS", OCT_LIST, 0, OCF_DEFAULT, "drivers bound to the members" },
	[COL_RESV] = { "RESV", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT | OCF_HIDE, "number of reserved regions",
		       .key = "nreserved_regions" },
	[COL_VIABLE] = { "VIABLE", OCT_BOOL, 0, OCF_DEFAULT, "VFIO could use the group as it stands" },
	[COL_MEMBERS] = { "MEMBERS", OCT_LIST, 0, OCF_WRAP, "member device addresses" },
	[COL_IDS] = { "IDS", OCT_LIST, 0, OCF_WRAP, "vendor:device of each member" },
	[COL_UNIT] = { "UNIT", OCT_LIST, 0, 0, "IOMMU unit(s) serving the members", .key = "unit_names" },
	[COL_VFIO] = { "VFIO", OCT_STR, 0, 0, "VFIO group node (/dev/vfio/N or /dev/vfio/noiommu-N)",
		       .key = "vfio_group" },
	[COL_REGIONS] = { "REGIONS", OCT_LIST, 0, OCF_WRAP, "reserved regions: start-end type" },
	[COL_BLOCKERS] = { "BLOCKERS", OCT_LIST, 0, 0,
			   "members bound to a driver that uses the kernel DMA API" },
	[COL_REASON] = { "REASON", OCT_STR, 0, OCF_WRAP, "why the group is viable or not" },
};

static void region_text(const struct inv_resv *r, struct strv *sv)
{
	strv_push_owned(sv, xasprintf("0x%llx-0x%llx %s", (unsigned long long)r->start,
				      (unsigned long long)r->end, r->type));
}

/* What each column reads, besides the groups and their members' names. */
static const unsigned int group_col_need[] = {
	[COL_TYPE] = INV_NEED_GROUP_TYPE,
	[COL_DRIVERS] = INV_NEED_DRIVER,
	[COL_RESV] = INV_NEED_GROUP_RESV,
	[COL_VIABLE] = INV_NEED_DRIVER,
	[COL_IDS] = INV_NEED_IDS,
	[COL_UNIT] = INV_NEED_DEV_UNIT,
	[COL_VFIO] = INV_NEED_VFIO_NODES,
	[COL_REGIONS] = INV_NEED_GROUP_RESV,
	[COL_BLOCKERS] = INV_NEED_DRIVER,
	[COL_REASON] = INV_NEED_DRIVER,
};
_Static_assert(ARRAY_SIZE(group_col_need) == ARRAY_SIZE(group_cols), "a need for every column");

static int group_list(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct inventory inv;
	struct out_table *tab;
	int err;

	err = cli_list_begin(ctx, "groups", group_cols, ARRAY_SIZE(group_cols), INV_SCOPE_GROUPS,
			     INV_NEED_GROUPS, group_col_need, &tab, &inv);
	if (err)
		return err < 0 ? err : 0;
	for (size_t i = 0; i < inv.ngroups; i++) {
		const struct inv_group *g = &inv.groups[i];
		struct out_row *row = out_table_row(tab);
		struct strv drivers = { 0 }, units = { 0 }, regions = { 0 }, ids = { 0 };

		inventory_group_drivers(&inv, g, &drivers);
		inventory_group_units(&inv, g, &units);
		for (size_t j = 0; j < g->nresv; j++)
			region_text(&g->resv[j], &regions);
		for (size_t j = 0; j < g->members.n; j++) {
			const struct inv_device *d = inventory_device(&inv, g->members.v[j]);
			char buf[16];
			const char *id = d ? cli_device_id(d, buf, sizeof(buf)) : NULL;

			strv_push(&ids, id ? id : "-");
		}
		out_cell_u64(row, COL_GROUP, g->id);
		out_cell_str(row, COL_TYPE, g->type);
		out_cell_u64(row, COL_DEVICES, g->members.n);
		out_cell_list(row, COL_DRIVERS, &drivers);
		if (g->resv_read)
			out_cell_u64(row, COL_RESV, g->nresv);
		if (g->viable_known)
			out_cell_bool(row, COL_VIABLE, g->viable);
		out_cell_list(row, COL_MEMBERS, &g->members);
		out_cell_list(row, COL_IDS, &ids);
		out_cell_list(row, COL_UNIT, &units);
		out_cell_str(row, COL_VFIO, g->vfio_node);
		out_cell_list(row, COL_REGIONS, &regions);
		out_cell_list(row, COL_BLOCKERS, &g->blockers);
		out_cell_str(row, COL_REASON, g->reason);
		strv_free(&drivers);
		strv_free(&units);
		strv_free(&regions);
		strv_free(&ids);
	}
	err = out_table_print(tab);
	inventory_release(&inv);
	return err;
}

static void show_member(struct out *o, const struct inventory *inv, struct names *names,
			const char *name)
{
	const struct inv_device *d = inventory_device(inv, name);
	struct pci_names pn = { 0 };
	struct strv cdevs = { 0 };
	char idbuf[16], clbuf[16];

	out_obj_begin(o, NULL, name);
	if (out_is_json(o))
		out_str(o, "address", NULL, name);
	if (!d) {
		out_obj_end(o);
		return;
	}
	cli_device_names(names, d, &pn);
	out_str(o, "id", "id", cli_device_id(d, idbuf, sizeof(idbuf)));
	out_str(o, "class", "class", cli_device_class(d, clbuf, sizeof(clbuf)));
	cli_out_opt_str(o, "vendor_name", "vendor", pn.vendor);
	cli_out_opt_str(o, "device_name", "device", pn.device);
	cli_out_opt_str(o, "class_name", "class name", pn.class_name);
	out_str(o, "driver", "driver", d->driver);
	out_str(o, "driver_override", "driver override", d->driver_override);
	out_str(o, "unit", "iommu unit", d->unit);
	cli_device_cdevs(d, &cdevs);
	out_strv(o, "vfio_cdevs", "vfio cdev", &cdevs);
	out_bool(o, "dma_api", "uses kernel DMA API", !inv_driver_viable(d->driver));
	out_obj_end(o);
	strv_free(&cdevs);
	pci_names_release(&pn);
}

static void show_region(struct out *o, const struct inv_resv *r)
{
	uint64_t size = r->end - r->start + 1;
	char sz[32];

	size_format(size, sz, sizeof(sz));
	if (!out_is_json(o)) {
		out_text(o, "0x%016llx-0x%016llx %6s %s", (unsigned long long)r->start,
			 (unsigned long long)r->end, sz, r->type);
		return;
	}
	out_obj_begin(o, NULL, NULL);
	out_hex(o, "start", NULL, r->start);
	out_hex(o, "last", NULL, r->end);
	out_u64(o, "size", NULL, size);
	out_str(o, "type", NULL, r->type);
	out_obj_end(o);
}

static int group_select_report(struct iommuctl_ctx *ctx, const struct inventory *inv,
			       const char *arg, struct inv_group **g)
{
	struct inv_device *d;
	struct inv_sel sel;
	int err = inv_sel_parse(arg, &sel);

	*g = NULL;
	if (!err && !sel.is_addr) {
		*g = inventory_group(inv, sel.group);
		if (*g)
			return 0;
		/* no groups at all: no IOMMU is enabled, so this kernel cannot answer */
		if (!inv->ngroups)
			return err_report(ctx, -EOPNOTSUPP, "%s", INV_NO_GROUPS_MSG);
		return err_report(ctx, -ENOENT, "no IOMMU group %u (see 'iommuctl group list')", sel.group);
	}
	if (!inv->ngroups && (!err || pci_addr_looks_like(arg)))
		return err_report(ctx, -EOPNOTSUPP, "%s", INV_NO_GROUPS_MSG);
	/* a member: by PCI address, lspci -s's short form or device name */
	err = cli_device_select(ctx, inv, arg, "group number, ", &d);
	if (err)
		return err;
	if (d->group >= 0 && (*g = inventory_group(inv, (unsigned int)d->group)))
		return 0;
	if (!inv->ngroups)
		return err_report(ctx, -EOPNOTSUPP, "%s", INV_NO_GROUPS_MSG);
	return err_report(ctx, -ENOENT, "%s is in no IOMMU group", d->name);
}

/* ---- options of the verbs that change a group (and show's --state-dir) ---- */

struct group_opts {
	const char *driver;
	const char *state_dir;
	bool dry_run;
	bool force;
	bool check;
};

enum {
	OPT_DRIVER = 0x200,
	OPT_DRY_RUN,
	OPT_FORCE,
	OPT_STATE_DIR,
	OPT_CHECK,
};

static const struct argp_option claim_options[] = {
	{ "driver", OPT_DRIVER, "DRIVER", 0, "driver to bind the members to (default vfio-pci)", 0 },
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "print the plan, change nothing", 0 },
	{ "force", OPT_FORCE, NULL, 0, CLI_DOC_INTERLOCKS, 0 },
	{ "state-dir", OPT_STATE_DIR, "DIR", 0, CLI_DOC_STATE_DIR, 0 },
	{ 0 }
};

static const struct argp_option release_options[] = {
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "print what would be restored, change nothing", 0 },
	{ "force", OPT_FORCE, NULL, 0, CLI_DOC_INTERLOCKS ", "
	  "and release a group that a process holds", 0 },
	{ "state-dir", OPT_STATE_DIR, "DIR", 0, CLI_DOC_STATE_DIR, 0 },
	{ 0 }
};

static const struct argp_option type_options[] = {
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "check the preconditions and print the plan, change nothing", 0 },
	{ "force", OPT_FORCE, NULL, 0, CLI_DOC_INTERLOCKS, 0 },
	{ "state-dir", OPT_STATE_DIR, "DIR", 0,
	  "the lock under DIR/claims (default $IOMMUCTL_STATE_DIR, else /run/iommuctl, "
	  "or TREE.iommuctl-state with --sysfs-root TREE)", 0 },
	{ 0 }
};

static const struct argp_option show_options[] = {
	{ "check", OPT_CHECK, NULL, 0, "exit 1 unless the group is viable (not viable, or unknown)", 0 },
	{ "state-dir", OPT_STATE_DIR, "DIR", 0,
	  "look for claim journals under DIR/claims (default $IOMMUCTL_STATE_DIR or /run/iommuctl)", 0 },
	{ 0 }
};

static error_t group_opts_parse(int key, char *arg, struct argp_state *state)
{
	struct group_opts *o = state->input;

	switch (key) {
	case OPT_DRIVER:
		o->driver = arg;
		break;
	case OPT_DRY_RUN:
		o->dry_run = true;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_STATE_DIR:
		o->state_dir = arg;
		break;
	case OPT_CHECK:
		o->check = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* For the dispatcher: a dry run changes nothing, so it runs as any user and on a snapshot. */
static bool group_dry_run(const void *opts, int argc, char **argv)
{
	const struct group_opts *go = opts;

	return go->dry_run;
}

/* group type SEL only shows the type; with a TYPE, only a dry run changes nothing. */
static bool group_type_shows(const void *opts, int argc, char **argv)
{
	return argc < 2 || group_dry_run(opts, argc, argv);
}

/* ---- owner (group show) ---- */

/*
 * Who holds the group: a claim journal (in --state-dir, $IOMMUCTL_STATE_DIR
 * or /run/iommuctl) and processes with the VFIO node, a member's cdev or a
 * device fd open (owner, then holders: one per fd). Both are facts of the
 * running machine: a snapshot or a --sysfs-root tree shows null, so that
 * the two offline sources render alike.
 */
static void show_owner(struct iommuctl_ctx *ctx, struct out *o, const struct inventory *inv,
		       const struct inv_group *g, const struct group_opts *go)
{
	cli_out_owner(ctx, o, inv, g, go ? go->state_dir : NULL);
}

static int group_show(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct group_opts *go = opts;
	struct out *o = ctx_out(ctx);
	struct strv objs = { 0 }, units = { 0 };
	struct inventory inv;
	struct inv_group *g;
	struct names *names;
	int err;

	err = cli_inventory_load(ctx, &inv);
	if (err)
		return err;
	err = group_select_report(ctx, &inv, argv[0], &g);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	strv_push_owned(&objs, xasprintf("%u", g->id));
	for (size_t i = 0; i < g->members.n; i++)
		strv_push(&objs, g->members.v[i]);
	cli_inventory_warn(ctx, &inv, INV_SCOPE_GROUPS, &objs);
	strv_free(&objs);

	names = cli_names_open(ctx);
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", g->id);
	out_str(o, "type", "type", g->type);
	if (g->viable_known)
		out_bool(o, "viable", "viable", g->viable);
	else
		out_str(o, "viable", "viable", out_is_json(o) ? NULL : "unknown");
	out_str(o, "reason", "reason", g->reason);
	out_strv(o, "blockers", "blockers", &g->blockers);
	out_str(o, "vfio_group", "vfio group", g->vfio_node);
	show_owner(ctx, o, &inv, g, opts);
	inventory_group_units(&inv, g, &units);
	out_strv(o, "unit_names", "iommu units", &units);
	strv_free(&units);
	out_list_begin(o, "devices", "devices");
	for (size_t i = 0; i < g->members.n; i++)
		show_member(o, &inv, names, g->members.v[i]);
	out_list_end(o);
	if (g->resv_read && !g->nresv && !out_is_json(o)) {
		/* a heading with nothing under it reads as cut off */
		out_text(o, "reserved regions: none");
	} else if (g->resv_read) {
		out_list_begin(o, "reserved_regions", "reserved regions");
		for (size_t i = 0; i < g->nresv; i++)
			show_region(o, &g->resv[i]);
		out_list_end(o);
	} else {
		out_str(o, "reserved_regions", "reserved regions", NULL);
	}
	out_obj_end(o);
	err = out_flush(o);
	/* --check: the verdict is the exit status; unknown is not viable (it fails closed) */
	if (!err && go->check && !g->viable)
		err = err_report(ctx, g->viable_known ? -EBUSY : -ENODATA, "group %u: %s: %s", g->id,
				 g->viable_known ? "not viable" : "viability unknown", g->reason);
	names_free(names);
	inventory_release(&inv);
	return err;
}

/* ---- claim, release, type ---- */

#ifdef IOMMUCTL_TEST_HOOKS
/*
 * A test build only (make TEST_HOOKS=1): IOMMUCTL_TEST_PAUSE_AFTER_STEP=N
 * stops the tool after its Nth write, so that the live tests can kill it
 * in the middle of a change. A release build has no such code.
 */
static void test_pause(struct iommuctl_ctx *ctx, const struct claim_step *s)
{
	const char *pause = getenv("IOMMUCTL_TEST_PAUSE_AFTER_STEP");

	if (!pause || !s->n || (unsigned)atoi(pause) != s->n)
		return;
	fprintf(ctx->errf, "iommuctl: %s: test hook: paused after step %u\n", ctx->cmdname, s->n);
	fflush(ctx->errf);
	for (int i = 0; i < 600; i++)
		sleep(1);
}
#endif

/* The step callback: with -v each write is reported on stderr as it happens. */
static void group_step(void *arg, const struct claim_step *s)
{
	struct iommuctl_ctx *ctx = arg;

	if (ctx->verbose && s->n)
		fprintf(ctx->errf, "iommuctl: %s: step %u: %s%s%s %s '%s': %s\n", ctx->cmdname, s->n,
			s->device ? s->device : "", s->device ? ": " : "", s->op, s->path,
			s->value ? s->value : "", s->err ? strerror(-s->err) : "ok");
#ifdef IOMMUCTL_TEST_HOOKS
	test_pause(ctx, s);
#endif
}

/*
 * The claim options of a changing verb. Where its state comes from and
 * lives (the running machine or the --sysfs-root tree; see
 * claim_place_find()) goes into *place, which they point to:
 * claim_place_free(place) when done. 0, or -errno (reported).
 */
static int opts_fill(struct iommuctl_ctx *ctx, const struct group_opts *go, struct view *v,
		     struct claim_opts *co, struct claim_place *place)
{
	char *why = NULL;
	int err = claim_place_find(v, ctx->sysfs_root, go->state_dir, place, &why);

	memset(co, 0, sizeof(*co));
	if (err) {
		err_report(ctx, err, "%s", why);
		free(why);
		return err;
	}
	co->state_dir = place->state_dir;
	co->source = place->source;
	co->driver = go->driver;
	co->dry_run = go->dry_run;
	co->force = go->force;
	co->settle_ms = -1;
	co->ssh_connection = getenv("SSH_CONNECTION");
	co->step_cb = group_step;
	co->cb_arg = ctx;
	return 0;
}

static const char *state_text(const struct claim_devstate *st, char *buf, size_t len)
{
	if (st->probe)
		snprintf(buf, len, "the kernel's choice (held at boot)");
	else if (st->override)
		snprintf(buf, len, "%s (driver_override %s)", st->driver ? st->driver : "unbound", st->override);
	else
		snprintf(buf, len, "%s", st->driver ? st->driver : "unbound");
	return buf;
}

/*
 * The report of claim, release and type is rendered from the result alone,
 * each part by one function whose calls give both forms: text is one line
 * per item (out_text, its own layout), JSON the item's members (out_fmt_*
 * with a key and no format). Text leaves out a part that is empty or, for
 * the steps, not asked for; JSON always has every key.
 */
static bool part_shown(const struct out *o, bool in_text)
{
	return in_text || out_is_json(o);
}

static void render_steps(struct out *o, const struct claim_result *r, bool in_text)
{
	if (!part_shown(o, in_text))
		return;
	out_list_begin(o, "steps", "steps");
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct claim_step *s = &r->steps[i];
		const char *outcome = s->detail ? s->detail : s->err ? strerror(-s->err) : "ok";

		out_obj_begin(o, NULL, NULL);
		/* a verification (no number) is indented under the write it checks */
		out_text(o, "%s%-8s %s%s%s %s%s%s: %s", s->n ? "" : "  ", s->phase,
			 s->device ? s->device : "", s->device ? " " : "", s->op,
			 s->value ? "'" : "", s->value ? s->value : "", s->value ? "'" : "", outcome);
		if (s->n)
			out_fmt_u64(o, "step", NULL, s->n);
		else
			out_fmt_str(o, "step", NULL, NULL);
		out_fmt_str(o, "phase", NULL, s->phase);
		out_fmt_str(o, "device", NULL, s->device);
		out_fmt_str(o, "op", NULL, s->op);
		out_fmt_str(o, "path", NULL, s->path);
		out_fmt_str(o, "written", NULL, s->value);
		out_fmt_bool(o, "ok", NULL, !s->err);
		/* a failure as vfio probe's steps say one: the errno and its name */
		if (s->err) {
			out_fmt_i64(o, "errno", NULL, -s->err);
			out_fmt_str(o, "errno_name", NULL, vfio_errno_name(s->err));
		} else {
			out_fmt_str(o, "errno", NULL, NULL);
			out_fmt_str(o, "errno_name", NULL, NULL);
		}
		out_fmt_str(o, "detail", NULL, s->detail);
		out_obj_end(o);
	}
	out_list_end(o);
}

static const char *result_word(const struct claim_result *r, int err, bool dry, const char *done,
			       const char *already)
{
	if (err)
		return r->rollback_failed ? "failed, rollback incomplete" :
		       r->rolled_back ? "failed, rolled back" : "refused, nothing changed";
	if (r->already)
		return already;
	return dry ? "dry run, nothing changed" : done;
}

static void render_members(struct out *o, const struct claim_result *r)
{
	char was[160], now[160];

	if (!part_shown(o, r->nmembers))
		return;
	out_list_begin(o, "devices", "devices");
	for (size_t i = 0; i < r->nmembers; i++) {
		const struct claim_member *m = &r->members[i];

		state_text(&m->before, was, sizeof(was));
		state_text(&m->after, now, sizeof(now));
		out_obj_begin(o, NULL, NULL);
		if (claim_devstate_equal(&m->before, &m->after))
			out_text(o, "%s: %s; unchanged: %s", m->addr, m->why ? m->why : "-", now);
		else
			out_text(o, "%s: %s; was %s, now %s", m->addr, m->why ? m->why : "-", was, now);
		out_fmt_str(o, "address", NULL, m->addr);
		out_fmt_str(o, "action", NULL, m->action == CLAIM_REBIND ? "rebind" : "keep");
		out_fmt_str(o, "plan", NULL, m->why);
		out_fmt_str(o, "driver_before", NULL, m->before.driver);
		out_fmt_str(o, "driver_override_before", NULL, m->before.override);
		out_fmt_str(o, "driver_after", NULL, m->after.driver);
		out_fmt_str(o, "driver_override_after", NULL, m->after.override);
		out_obj_end(o);
	}
	out_list_end(o);
}

static void render_interlocks(struct out *o, const struct claim_result *r)
{
	if (!part_shown(o, r->nhits))
		return;
	out_list_begin(o, "interlocks", "interlocks");
	for (size_t i = 0; i < r->nhits; i++) {
		out_obj_begin(o, NULL, NULL);
		out_text(o, "%s holds the %s", r->hits[i].member, r->hits[i].what);
		out_fmt_str(o, "device", NULL, r->hits[i].member);
		out_fmt_str(o, "holds", NULL, r->hits[i].what);
		out_obj_end(o);
	}
	out_list_end(o);
}

/*
 * The common end of the changing verbs: the members, the interlocks, the
 * steps (in text with -v, or when a failure followed changes) and the
 * rollback errors; the document written; one diagnostic for a failure
 * (under -j also the document's "error" object) and one line per rollback
 * error; everything released.
 */
static int change_finish(struct iommuctl_ctx *ctx, struct out *o, struct claim_result *r,
			 struct inventory *inv, int err)
{
	int ferr;

	render_members(o, r);
	render_interlocks(o, r);
	render_steps(o, r, ctx->verbose > 0 || (err && r->nsteps));
	if (part_shown(o, r->rollback_errors.n))
		out_strv(o, "rollback_errors", "rollback errors", &r->rollback_errors);
	out_obj_end(o);
	ferr = out_flush(o);
	if (err)
		err_report(ctx, err, "%s", r->why ? r->why : strerror(-err));
	else if (r->why)
		/* a dry run's condition: what the real run would need first */
		warn_msg(ctx, "%s", r->why);
	for (size_t i = 0; i < r->rollback_errors.n; i++)
		err_msg(ctx, "rollback: %s", r->rollback_errors.v[i]);
	claim_result_release(r);
	inventory_release(inv);
	return err ? err : ferr;
}

/* Load, select, refuse on snapshots: the common start of the changing verbs. */
static int group_change_begin(struct iommuctl_ctx *ctx, const char *sel, struct inventory *inv,
			      struct inv_group **g, struct view **v)
{
	int err = cli_inventory_load(ctx, inv);

	if (err)
		return err;
	err = group_select_report(ctx, inv, sel, g);
	if (!err)
		err = ctx_view(ctx, v);
	if (err)
		inventory_release(inv);
	return err;
}

static int group_claim(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct group_opts *go = opts;
	struct out *o = ctx_out(ctx);
	struct claim_result r;
	struct claim_opts co;
	struct claim_place place;
	struct inventory inv;
	struct inv_group *g;
	struct view *v;
	int err;

	err = group_change_begin(ctx, argv[0], &inv, &g, &v);
	if (err)
		return err;
	err = opts_fill(ctx, go, v, &co, &place);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	err = claim_group(v, &inv, g, &co, &r);
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", r.group);
	out_fmt_str(o, "operation", NULL, "claim");
	out_str(o, "driver", "driver", r.target);
	out_bool(o, "dry_run", "dry run", go->dry_run);
	out_str(o, "result", "result", result_word(&r, err, go->dry_run, "claimed",
						       "already claimed, nothing to do"));
	out_bool(o, "changed", "changed", r.changed);
	out_str(o, "journal", "journal", r.journal);
	err = change_finish(ctx, o, &r, &inv, err);
	claim_place_free(&place);
	return err;
}

static int group_release(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct group_opts *go = opts;
	struct out *o = ctx_out(ctx);
	struct claim_result r;
	struct claim_opts co;
	struct claim_place place;
	struct inventory inv;
	struct inv_group *g;
	struct view *v;
	int err;

	err = group_change_begin(ctx, argv[0], &inv, &g, &v);
	if (err)
		return err;
	err = opts_fill(ctx, go, v, &co, &place);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	err = claim_release(v, &inv, g, &co, &r);
	if (err == -ENOENT) {
		/* nothing recorded: say so, without a document about nothing */
		err_report(ctx, err, "%s", r.why);
		claim_result_release(&r);
		inventory_release(&inv);
		claim_place_free(&place);
		return err;
	}
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", r.group);
	out_fmt_str(o, "operation", NULL, "release");
	out_str(o, "driver", "claimed for", r.target);
	out_bool(o, "dry_run", "dry run", go->dry_run);
	out_str(o, "result", "result", result_word(&r, err, go->dry_run, "released",
						       "released (the devices were already as recorded)"));
	out_bool(o, "changed", "changed", r.changed);
	out_str(o, "journal", "journal", r.journal);
	/* an interrupted type change that the release undid (null otherwise) */
	if (part_shown(o, r.type_before)) {
		out_str(o, "type_before", "type before", r.type_before);
		out_str(o, "type_after", "type now", r.type_after);
	}
	/* the processes that held the group: why it was refused, or what --force went past */
	if (part_shown(o, r.holders.n))
		cli_out_holders(o, &r.holders);
	if (r.holders_forced) {
		char *first = claim_holder_text(&r.holders.v[0]);

		warn_msg(ctx, "--force: releasing group %u although %s%s", r.group, first,
			 r.holders.n + r.holders.dropped > 1 ? " (and others: see holders)" : "");
		free(first);
	}
	err = change_finish(ctx, o, &r, &inv, err);
	claim_place_free(&place);
	return err;
}

/* what `group type SEL TYPE` takes, shown by it and offered by the completion */
const char *const cli_domain_types[] = { "DMA", "DMA-FQ", "identity", "auto", NULL };

/* group type SEL: what the kernel says, and whether it could be changed here. */
static int group_type_show(struct iommuctl_ctx *ctx, struct inventory *inv, struct inv_group *g,
			   struct view *v)
{
	struct out *o = ctx_out(ctx);
	struct strv words = { 0 }, drivers = { 0 };
	int ver = domtype_kernel_version(v);
	char *path;
	int err;

	if (!g->type) {
		path = xasprintf("/sys/kernel/iommu_groups/%u/type", g->id);
		err = err_report(ctx, -EOPNOTSUPP, "this kernel has no %s: it cannot show or change "
				 "default domain types", path);
		free(path);
		return err;
	}
	for (size_t i = 0; cli_domain_types[i]; i++)
		if (ver < 0 || ver >= 5015 || strcmp(cli_domain_types[i], "DMA-FQ"))
			strv_push(&words, cli_domain_types[i]);
	inventory_group_drivers(inv, g, &drivers);
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", g->id);
	out_str(o, "type", "type", g->type);
	if (ver >= 0)
		out_bool(o, "writable", "writable", ver >= 5011);
	else
		out_str(o, "writable", "writable", NULL);
	out_strv(o, "accepts", "accepts", &words);
	out_strv(o, "drivers", "bound drivers", &drivers);
	out_obj_end(o);
	strv_free(&words);
	strv_free(&drivers);
	return out_flush(o);
}

static int group_type(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct group_opts *go = opts;
	struct out *o;
	struct claim_result r;
	struct claim_opts co;
	struct claim_place place;
	struct inventory inv;
	struct inv_group *g;
	struct view *v;
	int err;

	if (argc > 1 && !domtype_word_valid(argv[1]))
		return err_report(ctx, -EUSAGE, "'%s' is not a domain type: DMA, DMA-FQ, identity or auto",
				  argv[1]);
	err = group_change_begin(ctx, argv[0], &inv, &g, &v);
	if (err)
		return err;
	if (argc < 2) {
		err = group_type_show(ctx, &inv, g, v);
		inventory_release(&inv);
		return err;
	}
	err = opts_fill(ctx, go, v, &co, &place);
	if (err) {
		inventory_release(&inv);
		return err;
	}
	err = domtype_set(v, &inv, g, argv[1], &co, &r);
	o = ctx_out(ctx);
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "group", r.group);
	out_fmt_str(o, "operation", NULL, "type");
	out_str(o, "requested", "requested", argv[1]);
	out_str(o, "type_before", "type before", r.type_before);
	out_str(o, "type_after", "type now", r.type_after);
	out_bool(o, "dry_run", "dry run", go->dry_run);
	out_bool(o, "unbind_needed", "unbind needed", !r.type_no_unbind);
	out_str(o, "result", "result", result_word(&r, err, go->dry_run, "changed",
						       "unchanged, already that type"));
	out_bool(o, "changed", "changed", r.changed);
	err = change_finish(ctx, o, &r, &inv, err);
	claim_place_free(&place);
	return err;
}

static const struct cli_verb group_verbs[] = {
	{
		.name = "list",
		.alias = "ls",
		.summary = "list the IOMMU groups and whether VFIO could use them",
		.doc = "One row per group in /sys/kernel/iommu_groups. VIABLE follows the kernel's "
		       "rule: every member unbound, bound to vfio-pci (or another VFIO driver), or "
		       "bound to a driver that manages its own DMA (pcieport, pci-stub). Group "
		       "numbers are not stable across boots: scripts should select by address.",
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_LIST,
		.run = group_list,
	},
	{
		.name = "show",
		.summary = "show one group: members, reserved regions, viability and why",
		.args_doc = "SEL",
		.doc = "SEL is a group number or the PCI address of any member (0000:00:03.0 or "
		       "00:03.0). Exit status 3 when there is no such group. On the live machine, "
		       "'owner' says who holds the group: an iommuctl claim journal, processes "
		       "with its VFIO node open, or none; 'holders' lists each process and fd "
		       "that holds its /dev/vfio/N, a member's cdev or a device fd (root sees "
		       "every process).",
		.options = show_options,
		.parser = group_opts_parse,
		.opts_size = sizeof(struct group_opts),
		.min_args = 1,
		.max_args = 1,
		.run = group_show,
	},
	{
		.name = "claim",
		.summary = "bind every member of a group to vfio-pci (or --driver), all or nothing",
		.args_doc = "SEL",
		.doc = "Members bound to pcieport, pci-stub or the target driver stay as they are; "
		       "every other member gets driver_override, is unbound, probed "
		       "(drivers_probe) and checked. The previous drivers are journalled in "
		       "$IOMMUCTL_STATE_DIR/claims (default /run/iommuctl/claims) before the first "
		       "change; any failure puts every device back. Refuses, unless --force, when "
		       "the group holds the root or swap disk, a routed or SSH network interface, "
		       "or the console.",
		.options = claim_options,
		.parser = group_opts_parse,
		.opts_size = sizeof(struct group_opts),
		.min_args = 1,
		.max_args = 1,
		.flags = CLI_WRITES | CLI_NEEDS_ROOT,
		.run = group_claim,
		.changes_nothing = group_dry_run,
	},
	{
		.name = "release",
		.summary = "give a claimed group back to the drivers its journal recorded",
		.args_doc = "SEL",
		.doc = "Restores each device's previous driver and driver_override from the "
		       "claim journal, also after an interrupted claim; any failure puts the "
		       "devices back as they were before the release. After an interrupted "
		       "type change, first writes the recorded type back and rebinds the "
		       "recorded drivers. The journal must list exactly the group's members and "
		       "only driver names, and be this machine's (this boot's) or this tree's; "
		       "members to be unbound pass the interlocks unless --force. A group that a "
		       "process holds (its /dev/vfio/N, a member's cdev or device fd) is refused "
		       "naming the process, exit status 1, unless --force, which releases it "
		       "anyway and says so. Exit status 3 when the group has no journal.",
		.options = release_options,
		.parser = group_opts_parse,
		.opts_size = sizeof(struct group_opts),
		.min_args = 1,
		.max_args = 1,
		.flags = CLI_WRITES | CLI_NEEDS_ROOT,
		.run = group_release,
		.changes_nothing = group_dry_run,
	},
	{
		.name = "type",
		.summary = "show or change a group's default domain type (DMA, DMA-FQ, identity, auto)",
		.args_doc = "SEL [TYPE]",
		.doc = "Without a type, shows it. With one: checks CAP_SYS_ADMIN and CAP_SYS_RAWIO, "
		       "that no process holds the group through VFIO, and the interlocks; then "
		       "unbinds the bound members, writes the type, binds them back, and rolls "
		       "back on failure; a journal kept until the end lets 'group release' "
		       "finish the job if it is killed. DMA to DMA-FQ needs no unbind. Exit status 4 when the "
		       "kernel cannot change types, 2 for an unknown type.",
		.options = type_options,
		.parser = group_opts_parse,
		.opts_size = sizeof(struct group_opts),
		.min_args = 1,
		.max_args = 2,
		.flags = CLI_WRITES | CLI_NEEDS_ROOT,
		.run = group_type,
		.changes_nothing = group_type_shows,
	},
	{ 0 }
};

const struct cli_object cli_object_group = {
	.name = "group",
	.summary = "IOMMU groups: members, reserved regions, VFIO viability, claim, type",
	.default_verb = "list",
	.verbs = group_verbs,
	.batch_verbs = cli_batch_group_verbs,
};
