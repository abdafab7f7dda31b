/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What is decided before the first write: a claim's plan by the kernel's
 * ownership rule (which members are rebound, which are kept and why), the
 * privilege check, and the interlock refusal that every change shares: a
 * member about to lose its driver that holds the root disk, swap, a routed
 * or SSH network interface or the console stops the change.
 */
#ifndef IOMMUCTL_CLAIM_PLAN_H
#define IOMMUCTL_CLAIM_PLAN_H

#include <stdbool.h>

#include "backends/sysfs/claim.h"

/* Drivers that leave a device's DMA to its user (vfio-pci and its variants). */
bool claim_vfio_like(const char *drv);

/* Each member's action and why, for a claim by target (members loaded). */
void claim_plan(struct claim_result *r, const char *target);

/* Capabilities from /proc/self/status (CapEff) through the view; -ENOENT if unreadable. */
int claim_caps_read(struct view *v, unsigned long long *capeff, long *euid);
/* Root or CAP_DAC_OVERRIDE, for the writes of a claim or release; -EPERM (r->why) if not. */
int claim_check_root(struct view *v, struct claim_result *r);

/* The changes that refuse on an interlock, for the wording of the refusal. */
enum claim_change {
	CLAIM_CHANGE_CLAIM,
	CLAIM_CHANGE_TYPE,
	CLAIM_CHANGE_RELEASE,
	CLAIM_CHANGE_RECOVER,     /* release finishing an interrupted type change */
};

/*
 * The interlocks, over the members to be unbound: those flagged in unbinds
 * (one per member), or with unbinds NULL those to be rebound. 0 when none
 * holds anything the machine needs, or with opts->force; else -EPERM with
 * every hit in r->hits and the refusal, worded for the change, in r->why.
 */
int claim_interlocks_refuse(struct view *v, const struct claim_opts *opts, struct claim_result *r,
			    enum claim_change change, const bool *unbinds);

#endif
