/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * apply [FILE|DIR]: make the machine match a desired state (claims.d), as
 * one transaction; --dry-run prints the plan, --check reports where the
 * machine differs from the files and from what the last apply recorded
 * (drift). The work is backends/sysfs/apply.c's; this renders it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sysfs/apply.h"
#include "backends/sysfs/claim.h"
#include "backends/sysfs/desired.h"
#include "backends/sysfs/inventory.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/inv.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

struct apply_cli_opts {
	bool dry_run;
	bool check;
	bool force;
	const char *state_dir;
	const char *record;
};

enum {
	OPT_DRY_RUN = 0x700,
	OPT_CHECK,
	OPT_FORCE,
	OPT_STATE_DIR,
	OPT_RECORD,
};

static const struct argp_option apply_options[] = {
	{ "dry-run", OPT_DRY_RUN, NULL, 0, "print the plan, change nothing", 0 },
	{ "check", OPT_CHECK, NULL, 0,
	  "change nothing; exit 0 when the machine matches the files and the record, else 5 "
	  "with one line per difference (drift)", 0 },
	{ "force", OPT_FORCE, NULL, 0, CLI_DOC_INTERLOCKS, 0 },
	{ "state-dir", OPT_STATE_DIR, "DIR", 0, CLI_DOC_STATE_DIR, 0 },
	{ "record", OPT_RECORD, "FILE", 0,
	  "what was applied, for --check (default $IOMMUCTL_APPLY_RECORD, else "
	  "/var/lib/iommuctl/applied.json, or STATE/applied.json with --sysfs-root)", 0 },
	{ 0 }
};

static error_t apply_parse(int key, char *arg, struct argp_state *state)
{
	struct apply_cli_opts *o = state->input;

	switch (key) {
	case OPT_DRY_RUN:
		o->dry_run = true;
		break;
	case OPT_CHECK:
		o->check = true;
		break;
	case OPT_FORCE:
		o->force = true;
		break;
	case OPT_STATE_DIR:
		o->state_dir = arg;
		break;
	case OPT_RECORD:
		o->record = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static bool apply_changes_nothing(const void *opts, int argc, char **argv)
{
	const struct apply_cli_opts *o = opts;

	return o->dry_run || o->check;
}

/* A list that text shows line by line of its own: the array in JSON only. */
static void json_strv(struct out *o, const char *key, const struct strv *sv)
{
	if (out_is_json(o))
		out_strv(o, key, NULL, sv);
}

static const char *action_word(const struct apply_group *g)
{
	if (g->action == APPLY_RELEASE)
		return "release";
	if (g->need_type && g->need_claim)
		return "type+claim";
	if (g->need_type)
		return "type";
	if (g->need_claim)
		return "claim";
	return "none";
}

/* One member's plan: the claim's word for it, else its role. */
static const char *member_plan(const struct apply_group *g, const char *addr)
{
	for (size_t i = 0; i < g->claim.nmembers; i++)
		if (!strcmp(g->claim.members[i].addr, addr))
			return g->claim.members[i].why;
	return NULL;
}

static void render_group(struct out *o, const struct apply_group *g, bool check)
{
	const char *act = action_word(g);

	out_obj_begin(o, NULL, NULL);
	if (g->action == APPLY_RELEASE)
		out_text(o, "group %u (%s): release: no line names it now", g->group, g->key);
	else if (!strcmp(act, "none"))
		out_text(o, "group %u (%s): %s%s%s, nothing to do", g->group, g->key, g->driver ? g->driver : "-",
			 g->type_want ? ", type " : "", g->type_want ? g->type_want : "");
	else
		out_text(o, "group %u (%s): %s%s%s%s%s", g->group, g->key,
			 g->need_type ? "type " : "", g->need_type ? g->type_want : "",
			 g->need_type && g->need_claim ? ", " : "", g->need_claim ? "claim for " : "",
			 g->need_claim ? g->driver : "");
	out_fmt_u64(o, "group", NULL, g->group);
	out_fmt_str(o, "key_device", NULL, g->key);
	out_fmt_str(o, "action", NULL, act);
	out_fmt_str(o, "driver", NULL, g->driver);
	out_fmt_str(o, "type", NULL, g->type_now);
	out_fmt_str(o, "type_wanted", NULL, g->type_want);
	out_list_begin(o, "devices", NULL);
	for (size_t i = 0; i < g->nmembers; i++) {
		const struct apply_member *m = &g->members[i];
		const char *plan = member_plan(g, m->addr);

		out_obj_begin(o, NULL, NULL);
		out_text(o, "  %s %s %s%s%s%s%s%s", m->addr, m->ids[0] ? m->ids : "?", m->role,
			 plan ? ": " : "", plan ? plan : "", m->where ? " (" : "", m->where ? m->where : "",
			 m->where ? ")" : "");
		out_fmt_str(o, "address", NULL, m->addr);
		out_fmt_str(o, "pci_ids", NULL, m->ids[0] ? m->ids : NULL);
		if (m->has_class) {
			char cls[16];

			snprintf(cls, sizeof(cls), "0x%06x", m->class_code);
			out_fmt_str(o, "class", NULL, cls);
		} else {
			out_fmt_str(o, "class", NULL, NULL);
		}
		out_fmt_str(o, "class_word", NULL, m->class_word);
		out_fmt_str(o, "role", NULL, m->role);
		out_fmt_str(o, "plan", NULL, plan);
		out_fmt_str(o, "where", NULL, m->where);
		out_obj_end(o);
	}
	out_list_end(o);
	for (size_t i = 0; i < g->problems.n; i++)
		out_text(o, "  refused: %s", g->problems.v[i]);
	json_strv(o, "problems", &g->problems);
	if (check)
		for (size_t i = 0; i < g->drift.n; i++)
			out_text(o, "  drift: %s", g->drift.v[i]);
	json_strv(o, "drift", &g->drift);
	out_fmt_str(o, "failure", NULL, g->why);
	if (g->why)
		out_text(o, "  failed: %s", g->why);
	out_obj_end(o);
}

static const char *result_word(const struct apply_plan *p, const struct apply_cli_opts *ao, int err)
{
	if (ao->check)
		return p->nproblems || p->ndrift ? "drift" : "matches";
	if (p->nproblems)
		return "refused, nothing changed";
	if (err)
		return p->rollback_failed ? "failed, rollback incomplete" :
		       p->rolled_back ? "failed, rolled back" : "failed, nothing changed";
	if (ao->dry_run)
		return "dry run, nothing changed";
	return p->changed ? "applied" : "nothing to do";
}

static int apply_exec(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct apply_cli_opts *ao = opts;
	const char *path = argc ? argv[0] : DESIRED_DIR_DEFAULT;
	struct out *o = ctx_out(ctx);
	struct apply_record rec, *recp = NULL;
	struct strv errors = { 0 };
	struct claim_place place;
	struct apply_plan plan;
	struct apply_opts aopts;
	struct inventory inv;
	struct desired d;
	struct view *v;
	char *why = NULL, *record;
	bool written = false;
	int err, ferr;
	unsigned nchanged = 0, nsame = 0;

	if (ao->check && ao->dry_run)
		return err_report(ctx, -EUSAGE, "--check and --dry-run: choose one (both change nothing)");
	err = desired_load(path, &d, &errors);
	if (err) {
		for (size_t i = 0; i + 1 < errors.n; i++)
			err_msg(ctx, "%s", errors.v[i]);
		if (err == -ENOENT)
			err = err_input(ctx, err, "%s", errors.n ? errors.v[errors.n - 1] : path);
		else
			err = err_report(ctx, -EINVAL, "%s (nothing applied)", errors.n ? errors.v[errors.n - 1] : path);
		strv_free(&errors);
		desired_free(&d);
		return err;
	}
	strv_free(&errors);
	err = cli_inventory_load(ctx, &inv);
	if (err) {
		desired_free(&d);
		return err;
	}
	err = ctx_view(ctx, &v);
	if (!err) {
		err = claim_place_find(v, ctx->sysfs_root, ao->state_dir, &place, &why);
		if (err)
			err_report(ctx, err, "%s", why);
		free(why);
		why = NULL;
	}
	if (err) {
		inventory_release(&inv);
		desired_free(&d);
		return err;
	}
	record = apply_record_path(ao->record, ctx->sysfs_root != NULL, place.state_dir);
	err = apply_record_read(record, &rec, &why);
	if (!err) {
		recp = &rec;
	} else if (err != -ENOENT) {
		/* an unusable record: said, and taken as none (apply writes a good one) */
		warn_msg(ctx, "%s", why);
	}
	free(why);
	why = NULL;

	memset(&aopts, 0, sizeof(aopts));
	aopts.claim.state_dir = place.state_dir;
	aopts.claim.source = place.source;
	aopts.claim.force = ao->force;
	aopts.claim.settle_ms = -1;
	aopts.claim.ssh_connection = getenv("SSH_CONNECTION");
	aopts.record = record;
	aopts.dry_run = ao->dry_run;
	if (ao->check)
		err = apply_check(v, &inv, &d, recp, &plan);
	else
		err = apply_plan_make(v, &inv, &d, recp, &aopts, &plan);
	if (!err && !ao->check)
		err = apply_run(v, &inv, &d, &aopts, &plan, &written);

	for (size_t i = 0; i < plan.ngroups; i++) {
		const struct apply_group *g = &plan.groups[i];

		if (g->done_claim || g->done_type || g->done_release || (ao->dry_run && g->action != APPLY_NONE))
			nchanged++;
		else if (g->action == APPLY_NONE)
			nsame++;
	}
	out_obj_begin(o, NULL, NULL);
	out_fmt_str(o, "operation", NULL, ao->check ? "check" : "apply");
	out_strv(o, "conf_files", "files", &d.files);
	out_str(o, "record", "record", record);
	out_fmt_bool(o, "dry_run", NULL, ao->dry_run);
	out_list_begin(o, "groups", NULL);
	for (size_t i = 0; i < plan.ngroups; i++)
		render_group(o, &plan.groups[i], ao->check);
	out_list_end(o);
	for (size_t i = 0; i < plan.problems.n; i++)
		out_text(o, "refused: %s", plan.problems.v[i]);
	json_strv(o, "problems", &plan.problems);
	for (size_t i = 0; i < plan.notes.n; i++)
		out_text(o, "note: %s", plan.notes.v[i]);
	json_strv(o, "notes", &plan.notes);
	out_str(o, "result", "result", result_word(&plan, ao, err));
	out_bool(o, "changed", "changed", plan.changed);
	out_fmt_u64(o, "nchanged", NULL, ao->dry_run || ao->check ? 0 : nchanged);
	out_fmt_u64(o, "nunchanged", NULL, nsame);
	out_fmt_u64(o, "nproblems", NULL, plan.nproblems);
	out_fmt_u64(o, "ndrift", NULL, plan.ndrift);
	out_fmt_bool(o, "record_written", NULL, written);
	if (plan.rollback_errors.n || out_is_json(o))
		out_strv(o, "rollback_errors", "rollback errors", &plan.rollback_errors);
	out_obj_end(o);
	ferr = out_flush(o);
	if (ao->check) {
		if (!err && (plan.nproblems || plan.ndrift))
			err = err_report(ctx, -EDRIFT, "%u difference%s from the desired state", plan.nproblems + plan.ndrift,
					 plan.nproblems + plan.ndrift == 1 ? "" : "s");
	} else if (err == -EPERM && plan.nproblems) {
		err_report(ctx, err, "refused: %u problem%s (above); nothing was changed", plan.nproblems,
			   plan.nproblems == 1 ? "" : "s");
	} else if (err) {
		/*
		 * A failed run exits 1, whatever the failing write said: a probe
		 * that refused the device (ENODEV) is no missing file (3).
		 */
		if (exit_status_from_err(err) != EXIT_FAIL)
			err = -EIO;
		err_report(ctx, err, "%s", plan.why ? plan.why : strerror(-err));
	}
	for (size_t i = 0; i < plan.rollback_errors.n; i++)
		err_msg(ctx, "rollback: %s", plan.rollback_errors.v[i]);
	apply_plan_free(&plan);
	if (recp)
		apply_record_free(recp);
	free(record);
	claim_place_free(&place);
	inventory_release(&inv);
	desired_free(&d);
	return err ? err : ferr;
}

/* ---- apply hook ---- */

struct hook_opts {
	bool kmsg;
	const char *state_dir;
};

enum { OPT_KMSG = 0x720, OPT_HOOK_STATE_DIR };

static const struct argp_option hook_options[] = {
	{ "kmsg", OPT_KMSG, NULL, 0, "also write what was done (or refused) to the kernel log, as a udev rule runs it", 0 },
	{ "state-dir", OPT_HOOK_STATE_DIR, "DIR", 0,
	  "leave the marker of a held device under DIR/claims (default $IOMMUCTL_STATE_DIR, else /run/iommuctl)", 0 },
	{ 0 }
};

static error_t hook_parse(int key, char *arg, struct argp_state *state)
{
	struct hook_opts *o = state->input;

	if (key == OPT_KMSG)
		o->kmsg = true;
	else if (key == OPT_HOOK_STATE_DIR)
		o->state_dir = arg;
	else
		return ARGP_ERR_UNKNOWN;
	return 0;
}

/*
 * One line in the kernel log (the boot's record of what the rule did); best
 * effort. It ends with a newline: the kernel keeps a record without one open
 * for a continuation, and no reader (dmesg, journald) sees it until the next
 * message of anyone closes it.
 */
__attribute__((format(printf, 2, 3)))
static void kmsg_line(int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t len;
	int fd, n;

	n = snprintf(buf, sizeof(buf), "<%d>iommuctl: ", level);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - 1 - (size_t)n, fmt, ap);
	va_end(ap);
	len = strlen(buf);
	for (size_t i = (size_t)n; i < len; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';   /* one record */
	buf[len++] = '\n';
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return;
	if (write(fd, buf, len) < 0) {
		/* nothing more to say it with */
	}
	close(fd);
}

static int apply_hook_exec(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct hook_opts *ho = opts;
	const char *path = argc > 1 ? argv[1] : DESIRED_DIR_DEFAULT;
	struct out *o = ctx_out(ctx);
	struct strv errors = { 0 };
	struct apply_hook_result hr;
	struct claim_place place;
	struct strv also = { 0 };
	struct desired d;
	struct view *v;
	char *why = NULL;
	const char *result;
	int err, ferr;

	err = desired_load(path, &d, &errors);
	if (err == -ENOENT) {
		/* nothing configured: the rule has nothing to do */
		strv_free(&errors);
		desired_free(&d);
		return 0;
	}
	if (err) {
		/* a broken file holds nothing back: apply at boot reports it in full */
		if (ho->kmsg)
			kmsg_line(4, "%s: not held: %s", argv[0], errors.n ? errors.v[0] : path);
		err = err_report(ctx, -EINVAL, "%s", errors.n ? errors.v[0] : path);
		strv_free(&errors);
		desired_free(&d);
		return err;
	}
	strv_free(&errors);
	err = ctx_view(ctx, &v);
	if (!err) {
		err = claim_place_find(v, ctx->sysfs_root, ho->state_dir, &place, &why);
		if (err)
			err_report(ctx, err, "%s", why);
		free(why);
	}
	if (err) {
		desired_free(&d);
		return err;
	}
	err = apply_hook(v, &d, argv[0], place.state_dir, &hr);
	/*
	 * Every other device a line names, held too if nothing has bound it
	 * yet: the event of an unnamed card of the same model loads the module
	 * that would take them all before their own events come (udev runs
	 * events in parallel). Their refusals are said on their own events.
	 */
	for (size_t i = 0; i < d.n; i++) {
		struct apply_hook_result other;

		if (hr.addr && !strcmp(d.e[i].addr, hr.addr))
			continue;
		if (!apply_hook(v, &d, d.e[i].addr, place.state_dir, &other) && other.wrote) {
			strv_push(&also, other.addr);
			if (ho->kmsg)
				kmsg_line(5, "%s: %s (%s), on the event of %s", other.addr, other.why,
					  other.line ? other.line : "-", hr.addr ? hr.addr : argv[0]);
		}
		apply_hook_free(&other);
	}
	result = hr.wrote ? "held" : err == -EPERM ? "refused" : hr.driver && !err ? "held already" :
		 hr.driver ? "left alone" : "not named";
	out_obj_begin(o, NULL, NULL);
	out_text(o, "%s: %s%s%s%s", hr.addr ? hr.addr : argv[0], hr.why ? hr.why : "no line names it",
		 hr.line ? " (" : "", hr.line ? hr.line : "", hr.line ? ")" : "");
	out_fmt_str(o, "address", NULL, hr.addr);
	out_fmt_str(o, "pci_ids", NULL, hr.ids[0] ? hr.ids : NULL);
	out_fmt_str(o, "where", NULL, hr.line);
	out_fmt_str(o, "driver", NULL, hr.driver);
	out_fmt_bool(o, "override_written", NULL, hr.wrote);
	out_fmt_str(o, "result", NULL, result);
	out_fmt_str(o, "why", NULL, hr.why);
	if (also.n) {
		char *list = strv_join(&also, ", ");

		out_text(o, "also held, before any driver bound them: %s", list);
		free(list);
	}
	if (out_is_json(o))
		out_strv(o, "also_held", NULL, &also);
	out_obj_end(o);
	ferr = out_flush(o);
	if (ho->kmsg && (hr.wrote || err == -EPERM))
		kmsg_line(err ? 4 : 5, "%s: %s%s%s%s", hr.addr, hr.why, hr.line ? " (" : "", hr.line ? hr.line : "",
			  hr.line ? ")" : "");
	if (err == -EBUSY)
		err = 0;   /* bound already, or someone else's override: said; apply decides */
	else if (err)
		err_report(ctx, err, "%s: %s", hr.addr ? hr.addr : argv[0], hr.why ? hr.why : strerror(-err));
	apply_hook_free(&hr);
	strv_free(&also);
	claim_place_free(&place);
	desired_free(&d);
	return err ? err : ferr;
}

static const struct cli_verb apply_verbs[] = {
	{
		.name = "run",
		.summary = "make the machine match the desired state (claims.d) as one transaction",
		.args_doc = "[FILE|DIR]",
		.doc = "Reads FILE, or the *.conf files of DIR in name order (default "
		       DESIRED_DIR_DEFAULT "). Each 'device ADDR id=VVVV:DDDD' line claims the "
		       "device's whole IOMMU group (driver=, default vfio-pci; type=); a group member no "
		       "line names is claimed with it only when a 'companion ADDR id=...' line or the "
		       "device line's companions= allows it. A device whose IDs differ from the line's "
		       "is refused, never bound. Groups an earlier apply claimed that no line names any "
		       "more are released. A failure anywhere undoes every change of the run. The "
		       "record of what was applied is what --check compares. See iommuctl-apply(8).",
		.options = apply_options,
		.parser = apply_parse,
		.opts_size = sizeof(struct apply_cli_opts),
		.min_args = 0,
		.max_args = 1,
		.flags = CLI_WRITES | CLI_NEEDS_ROOT,
		.run = apply_exec,
		.changes_nothing = apply_changes_nothing,
	},
	{
		.name = "hook",
		.summary = "for the udev rule: hold a named device before a driver binds it",
		.args_doc = "ADDR [FILE|DIR]",
		.doc = "Run by the udev rule iommuctl installs (70-iommuctl.rules) for each PCI device "
		       "added: when a line of the desired state names ADDR (or lets it in as a companion "
		       "of a named device of its group) and the IDs found are the line's, and no driver "
		       "is bound yet, writes its driver_override so that its host driver cannot bind it. "
		       "A different card at that address is left alone and reported (--kmsg: in the "
		       "kernel log). 'iommuctl apply' at boot then claims the groups.",
		.options = hook_options,
		.parser = hook_parse,
		.opts_size = sizeof(struct hook_opts),
		.min_args = 1,
		.max_args = 2,
		.flags = CLI_WRITES | CLI_NEEDS_ROOT,
		.run = apply_hook_exec,
	},
	{ 0 }
};

/* `iommuctl apply FILE|DIR`: any word that is not a verb is the path. */
static const struct cli_verb apply_fallback = {
	.name = "PATH",
	.summary = "the same as 'apply run PATH'",
	.args_doc = "",
	.options = apply_options,
	.parser = apply_parse,
	.opts_size = sizeof(struct apply_cli_opts),
	.min_args = 1,
	.max_args = 1,
	.flags = CLI_WRITES | CLI_NEEDS_ROOT,
	.run = apply_exec,
	.changes_nothing = apply_changes_nothing,
};

const struct cli_object cli_object_apply = {
	.name = "apply",
	.summary = "provisioning: apply a desired state (claims.d), check it for drift",
	.default_verb = "run",
	.verbs = apply_verbs,
	.fallback = &apply_fallback,
};
