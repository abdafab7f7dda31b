/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * doctor: is this machine ready for VFIO, and if not, what to change. The
 * checks are gathered by backends/sysfs/doctor.c through the view; this
 * renders them grouped by area, one line each, the fix under a warning or
 * a failure, and a summary. Exit status 0: no check failed, 1: one did.
 */
#include <argp.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "backends/sysfs/doctor.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/view.h"
#include "output/out.h"

struct doctor_cli_opts {
	bool problems;
};

enum { OPT_PROBLEMS = 0x100 };

static const struct argp_option doctor_options[] = {
	{ "problems", OPT_PROBLEMS, 0, 0, "show only the checks that are not ok (the summary counts all)", 0 },
	{ 0 }
};

static error_t doctor_parse(int key, char *arg, struct argp_state *state)
{
	struct doctor_cli_opts *o = state->input;

	switch (key) {
	case OPT_PROBLEMS:
		o->problems = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char *source_name(const struct iommuctl_ctx *ctx)
{
	return ctx->snapshot ? "snapshot" : ctx->sysfs_root ? "tree" : "live";
}

static int doctor_run(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct doctor_cli_opts *co = opts;
	struct doctor_opts dopts = { 0 };
	struct doctor d;
	struct view *v;
	struct out *o;
	bool json;
	int err;

	err = ctx_view(ctx, &v);
	if (err)
		return err;
	dopts.live = !ctx->snapshot && !ctx->sysfs_root;
	err = doctor_gather(v, &dopts, &d);
	if (err)
		return err_report(ctx, err, "cannot read the source: %s", strerror(-err));
	o = ctx_out(ctx);
	json = out_is_json(o);
	if (json) {
		out_str(o, "origin", "origin", source_name(ctx));
		out_list_begin(o, "checks", "checks");
		for (size_t i = 0; i < d.n; i++) {
			const struct doctor_check *c = &d.checks[i];

			if (co->problems && c->verdict == DOCTOR_OK)
				continue;
			out_obj_begin(o, NULL, NULL);
			out_str(o, "check", "check", c->id);
			out_str(o, "area", "area", doctor_area_name(c->area));
			out_str(o, "name", "name", c->name);
			out_str(o, "verdict", "verdict", doctor_verdict_name(c->verdict));
			out_str(o, "evidence", "evidence", c->evidence);
			out_str(o, "fix", "fix", c->fix);
			out_bool(o, "live_only", "live only", c->live_only);
			out_obj_end(o);
		}
		out_list_end(o);
	} else {
		for (int a = 0; a < DOCTOR_NAREAS; a++) {
			bool head = false;

			for (size_t i = 0; i < d.n; i++) {
				const struct doctor_check *c = &d.checks[i];

				if ((int)c->area != a || (co->problems && c->verdict == DOCTOR_OK))
					continue;
				if (!head) {
					out_textf(o, "%s\n", doctor_area_name(c->area));
					head = true;
				}
				out_textf(o, "  %-7s %-36s %s\n", doctor_verdict_name(c->verdict), c->name,
					  c->evidence ? c->evidence : "");
				if (c->fix && (c->verdict == DOCTOR_WARN || c->verdict == DOCTOR_FAIL))
					out_textf(o, "          fix: %s\n", c->fix);
			}
		}
	}
	if (json) {
		out_obj_begin(o, "totals", "totals");
		out_u64(o, "nok", "ok", d.count[DOCTOR_OK]);
		out_u64(o, "nwarn", "warn", d.count[DOCTOR_WARN]);
		out_u64(o, "nfail", "fail", d.count[DOCTOR_FAIL]);
		out_u64(o, "nunknown", "unknown", d.count[DOCTOR_UNKNOWN]);
		out_obj_end(o);
		out_bool(o, "ready", "ready", !d.count[DOCTOR_FAIL]);
	} else {
		out_textf(o, "summary: %zu ok, %zu warn, %zu fail, %zu unknown: %s\n", d.count[DOCTOR_OK],
			  d.count[DOCTOR_WARN], d.count[DOCTOR_FAIL], d.count[DOCTOR_UNKNOWN],
			  d.count[DOCTOR_FAIL] ? "not ready" : d.count[DOCTOR_WARN] ? "ready, with warnings" :
			  "ready");
	}
	err = out_flush(o);
	if (!err && d.count[DOCTOR_FAIL]) {
		/* the answer, not an error: the summary says it, stdout has the document */
		ctx->reported = true;
		err = -EVERDICT;
	}
	doctor_release(&d);
	return err;
}

static const struct cli_verb doctor_verbs[] = {
	{
		.name = "check",
		.summary = "is this machine ready for VFIO, and if not, what to change",
		.args_doc = "",
		.doc = "Checks, read-only and as any user: whether the firmware describes an IOMMU (ACPI "
		       "DMAR, IVRS, IORT, VIOT, the devicetree) and the kernel enabled it; the kernel "
		       "command line and state (iommu=pt, iommu.passthrough, iommu.strict, intel_iommu=, "
		       "amd_iommu=, the default domain type, pcie_acs_override, interrupt remapping and "
		       "allow_unsafe_interrupts, the VFIO no-IOMMU mode); the VFIO modules and nodes "
		       "and whether the user can open them (on the running machine only); and whether "
		       "each IOMMU group is viable. Each check says ok, warn, fail or unknown (the source "
		       "does not hold what it reads), the evidence (the file and value read) and, when "
		       "not ok, the fix. Works on --sysfs-root trees and snapshots ('snapshot save' "
		       "records what doctor reads). Exit status 0: no check failed; 1: at least one did.",
		.options = doctor_options,
		.parser = doctor_parse,
		.opts_size = sizeof(struct doctor_cli_opts),
		.min_args = 0,
		.max_args = 0,
		.run = doctor_run,
	},
	{ 0 }
};

const struct cli_object cli_object_doctor = {
	.name = "doctor",
	.summary = "is this machine ready for VFIO, and if not, what to change",
	.default_verb = "check",
	.verbs = doctor_verbs,
};
