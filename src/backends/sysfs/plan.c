/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Before the first write (see plan.h): the claim plan, the privilege
 * check, and the one interlock refusal of claims, type changes and releases.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/interlock.h"
#include "backends/sysfs/plan.h"
#include "core/dlib.h"
#include "core/util.h"
#include "core/view.h"

#define CAP_DAC_OVERRIDE 1

bool claim_vfio_like(const char *drv)
{
	size_t len = drv ? strlen(drv) : 0;

	return drv && (str_startswith(drv, "vfio") ||
		       (len > 8 && (!strcmp(drv + len - 8, "vfio_pci") || !strcmp(drv + len - 8, "vfio-pci"))));
}

void claim_plan(struct claim_result *r, const char *target)
{
	for (size_t i = 0; i < r->nmembers; i++) {
		struct claim_member *m = &r->members[i];
		const char *drv = m->before.driver;

		free(m->why);
		if (drv && !strcmp(drv, target)) {
			m->action = CLAIM_KEEP;
			m->why = xasprintf("already bound to %s", target);
		} else if (drv && (!strcmp(drv, "pcieport") || !strcmp(drv, "pci-stub"))) {
			m->action = CLAIM_KEEP;
			m->why = xasprintf("%s manages its own DMA (driver_managed_dma): kept", drv);
		} else if (drv && claim_vfio_like(drv) && claim_vfio_like(target)) {
			m->action = CLAIM_KEEP;
			m->why = xasprintf("already bound to the VFIO driver %s: kept", drv);
		} else {
			m->action = CLAIM_REBIND;
			m->why = drv ? xasprintf("%s -> %s", drv, target) :
				 m->before.probe ? xasprintf("held at boot (apply hook) -> %s", target) :
				       xasprintf("unbound -> %s", target);
		}
	}
}

int claim_caps_read(struct view *v, unsigned long long *capeff, long *euid)
{
	char *text = NULL, *p;
	int err = view_read_file(v, "/proc/self/status", &text, NULL);
	bool have = false;

	if (err)
		return err;
	*euid = -1;
	p = strstr(text, "\nCapEff:");
	if (p && sscanf(p + 8, "%llx", capeff) == 1)
		have = true;
	p = strstr(text, "\nUid:");
	if (p) {
		long ruid;

		if (sscanf(p + 5, "%ld %ld", &ruid, euid) != 2)
			*euid = -1;
	}
	free(text);
	return have ? 0 : -ENOENT;
}

int claim_check_root(struct view *v, struct claim_result *r)
{
	unsigned long long cap = 0;
	long euid = -1;

	/* not visible (a tree without /proc): let the kernel decide */
	if (claim_caps_read(v, &cap, &euid))
		return 0;
	if (euid == 0 || (cap & (1ull << CAP_DAC_OVERRIDE)))
		return 0;
	return claim_result_why(r, "this needs root: writing driver_override, unbind and drivers_probe "
		    "(effective uid %ld, no CAP_DAC_OVERRIDE)", euid), -EPERM;
}

/* "refusing to <verb> group N<aside>: <hits> (--force to <anyway>)" */
static const struct {
	const char *verb;
	const char *aside;
	const char *anyway;
} refusal_words[] = {
	[CLAIM_CHANGE_CLAIM] = { .verb = "claim", .aside = "", .anyway = "claim it anyway" },
	[CLAIM_CHANGE_TYPE] = { .verb = "change the type of",
				.aside = ", which means unbinding its members", .anyway = "do it anyway" },
	[CLAIM_CHANGE_RELEASE] = { .verb = "release",
				   .aside = ", which means unbinding members from their present drivers",
				   .anyway = "release it anyway" },
	[CLAIM_CHANGE_RECOVER] = { .verb = "finish the interrupted type change of",
				   .aside = ", which means unbinding its members", .anyway = "do it anyway" },
};

int claim_interlocks_refuse(struct view *v, const struct claim_opts *opts, struct claim_result *r,
			    enum claim_change change, const bool *unbinds)
{
	struct strv names = { 0 }, paths = { 0 }, parts = { 0 };
	char *list;

	if (opts->force)
		return 0;
	for (size_t i = 0; i < r->nmembers; i++) {
		bool loses = unbinds ? unbinds[i] : r->members[i].action == CLAIM_REBIND;

		if (!loses || !r->members[i].path)
			continue;
		strv_push(&names, r->members[i].addr);
		strv_push(&paths, r->members[i].path);
	}
	/* nobody loses a driver: nothing to look for */
	if (names.n) {
		/* the network of the running machine, or the one a test gives; a tree has none */
		struct interlock_net net = {
			.live = !opts->net && !(opts->source && str_startswith(opts->source, "tree:")),
			.state = opts->net,
			.ssh_connection = opts->ssh_connection,
		};
		int err = interlock_check(v, &names, &paths, &net, &r->hits, &r->nhits);

		if (err) {
			strv_free(&names);
			strv_free(&paths);
			claim_result_why(r, "%s", err == -ELIBACC && dlib_error() ? dlib_error() : strerror(-err));
			return err;
		}
	}
	strv_free(&names);
	strv_free(&paths);
	if (!r->nhits)
		return 0;
	for (size_t i = 0; i < r->nhits; i++)
		strv_push_owned(&parts, xasprintf("%s holds the %s", r->hits[i].member, r->hits[i].what));
	list = strv_join(&parts, "; ");
	claim_result_why(r, "refusing to %s group %u%s: %s (--force to %s)", refusal_words[change].verb,
			 r->group, refusal_words[change].aside, list, refusal_words[change].anyway);
	free(list);
	strv_free(&parts);
	return -EPERM;
}
