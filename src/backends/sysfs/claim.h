/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transactional driver changes over a whole IOMMU group: claim (bind every
 * member that needs it to a target driver such as vfio-pci) and release
 * (restore what a journal recorded), with a journal written before the
 * first change, a per-group lock, and rollback of every device on failure.
 * The outcome is data (struct claim_result) for the command line to render;
 * every sysfs and /proc access goes through the view; nothing here prints.
 * The parts: lock.h, plan.h, journal.h, exec.h (shared with domtype.h).
 */
#ifndef IOMMUCTL_CLAIM_H
#define IOMMUCTL_CLAIM_H

#include <stdbool.h>
#include <stddef.h>

#include "backends/sysfs/holders.h"
#include "backends/sysfs/interlock.h"
#include "core/util.h"

struct view;
struct inventory;
struct inv_group;

/* Where journals and locks live unless --state-dir or IOMMUCTL_STATE_DIR say otherwise. */
#define CLAIM_STATE_DIR_DEFAULT "/run/iommuctl"
#define CLAIM_STATE_DIR_ENV     "IOMMUCTL_STATE_DIR"
#define CLAIM_DRIVER_DEFAULT    "vfio-pci"
#define CLAIM_SETTLE_MS_DEFAULT 3000

/* What a device is bound to and what its driver_override holds. */
struct claim_devstate {
	char *driver;     /* NULL: unbound */
	char *override;   /* NULL: not set ("(null)") */
	/*
	 * "As the kernel would have it": no driver_override, and whichever
	 * driver the kernel's own probe binds (none, or a host driver; never
	 * a VFIO one). The state before a claim of a device that the udev
	 * rule of `apply hook` held at boot, before any driver could bind it:
	 * giving it back clears driver_override and probes. driver is NULL.
	 */
	bool probe;
};

/*
 * The marker `apply hook` leaves in STATE/claims for a device it held at
 * boot: ADDR.held, holding the driver_override it wrote.
 */
#define CLAIM_HELD_SUFFIX ".held"

enum claim_action {
	CLAIM_KEEP,       /* left as it is */
	CLAIM_REBIND,     /* driver_override, unbind, probe, verify */
};

struct claim_member {
	char *addr;       /* "0000:00:04.0" */
	char *bus;        /* "pci" */
	char *path;       /* resolved /sys/devices/... directory (interlocks) */
	struct claim_devstate before;  /* as found (claim) or as recorded (release) */
	struct claim_devstate after;   /* as left, read back at the end */
	enum claim_action action;
	char *why;        /* one line: why kept, or what will be done */
	bool touched;     /* a write was attempted on it in this run */
	/*
	 * Held at boot by `apply hook` and bound since by that driver, which
	 * took it as its module loaded (driver_override): kept, and journalled
	 * as coming from the kernel's choice, which a release gives back.
	 */
	bool held_bound;
};

/* One write (or verification) the engine made, in order. */
struct claim_step {
	unsigned n;       /* 1-based number among the writes of this run; 0 for a verification */
	const char *phase;/* "claim", "release", "type", "rollback" */
	char *device;     /* member address, or NULL (type write) */
	char *op;         /* "driver_override", "unbind", "drivers_probe", "bind", "type", "verify" */
	char *path;       /* file written, or the link checked */
	char *value;      /* what was written (no trailing newline), or what was expected */
	int err;          /* 0 or -errno */
	char *detail;     /* outcome in words, or NULL */
};

struct claim_opts {
	const char *state_dir;    /* NULL: claim_state_dir() */
	/*
	 * Where the state comes from (claim_place_find()): recorded
	 * in every journal, and a journal of another source is refused. NULL:
	 * the running machine, boot unknown.
	 */
	const char *source;
	const char *driver;       /* claim target; NULL: vfio-pci */
	bool dry_run;
	bool force;               /* skip the interlocks */
	int settle_ms;            /* how long to wait for a driver to (un)bind; <0: default */
	const char *ssh_connection; /* $SSH_CONNECTION, for the interlocks */
	/*
	 * The network the interlocks judge (tests); NULL: this network
	 * namespace through netlink, unless source names a tree ("tree:"),
	 * whose devices are not this machine's network interfaces.
	 */
	const struct netstate *net;
	/* Called after every step; a test hook may pause there. */
	void (*step_cb)(void *arg, const struct claim_step *step);
	void *cb_arg;
};

struct claim_result {
	unsigned group;
	char *key;                /* lowest member address: names journal and lock */
	char *journal;            /* journal path */
	char *lock;               /* lock file path */
	char *source;             /* opts->source, as recorded in the journal */
	char *target;             /* claim: the driver; type: the requested type */
	struct claim_member *members;
	size_t nmembers;
	struct claim_step *steps;
	size_t nsteps;
	unsigned writes;          /* writes attempted */
	struct interlock_hit *hits;
	size_t nhits;
	bool already;             /* nothing had to change */
	bool adopt;               /* ... but members held_bound: the claim writes their journal */
	bool changed;             /* the machine was changed and left changed (success) */
	bool rolled_back;         /* a failure was undone */
	bool rollback_failed;     /* ...not completely: see rollback_errors */
	struct strv rollback_errors;
	char *why;                /* the failure in one line (the CLI prints it) */
	/* type changes */
	char *type_before;
	char *type_after;
	bool type_no_unbind;      /* DMA -> DMA-FQ: done in place */
	struct claim_owner_info {
		bool known;
		struct strv users;    /* "pid 123 (qemu) has /dev/vfio/5 open" */
	} vfio;
	/* release: the processes that held the group (a refusal, or what --force went past) */
	struct claim_holders holders;
	bool holders_forced;      /* --force released it although they held it */
};

/* Set r->why (the first reason set wins), printf-style; returns 0. */
__attribute__((format(printf, 2, 3)))
int claim_result_why(struct claim_result *r, const char *fmt, ...);

void claim_result_release(struct claim_result *r);

bool claim_devstate_equal(const struct claim_devstate *a, const struct claim_devstate *b);

/* state_dir, else $IOMMUCTL_STATE_DIR, else /run/iommuctl. */
const char *claim_state_dir(const char *state_dir);

/*
 * Where a change's state comes from and lives, for claim_opts: the running
 * machine (sysfs_root NULL, or a tree that is /sys itself) is "boot:ID"
 * with its boot id from /proc/sys/kernel/random/boot_id through the view
 * (NULL when unreadable); a --sysfs-root tree is "tree:CANONICAL-PATH".
 * The state directory: state_dir, else $IOMMUCTL_STATE_DIR, else for a
 * tree TREE.iommuctl-state beside it, else /run/iommuctl.
 */
struct claim_place {
	char *source;
	char *state_dir;
};

int claim_place_find(struct view *v, const char *sysfs_root, const char *state_dir,
		     struct claim_place *p, char **why);
void claim_place_free(struct claim_place *p);

/*
 * Claim the group g for opts->driver. 0 when claimed (or already was:
 * r->already). -EBUSY when another invocation holds the group's lock;
 * -EPERM when an interlock refused (r->hits); other -errno on failure, after
 * which every device is as it was (r->rolled_back), unless r->rollback_failed.
 * With opts->dry_run only the plan is made (r->members), nothing written.
 */
int claim_group(struct view *v, const struct inventory *inv, const struct inv_group *g,
		const struct claim_opts *opts, struct claim_result *r);

/*
 * Restore what the group's journal recorded, also after an interrupted
 * claim. -ENOENT when there is no journal. The journal must list exactly
 * the group's members (-EBADMSG otherwise, nothing changed), a member
 * to be unbound passes the interlocks (-EPERM, r->hits) unless opts->force,
 * and a group a process holds (its VFIO node, a member's cdev or device
 * fd; r->holders) is refused with -EBUSY unless opts->force (then
 * r->holders_forced).
 * On failure the devices are put back as they were before this release and
 * the journal is kept.
 */
int claim_release(struct view *v, const struct inventory *inv, const struct inv_group *g,
		  const struct claim_opts *opts, struct claim_result *r);

/* ---- who holds a group ---- */

struct claim_owner {
	bool journal_checked;
	char *journal;            /* a claim journal exists: its path */
	char *journal_driver;
	char *journal_state;      /* "claiming", "claimed", "releasing", "failed" */
	char *type_journal;       /* an interrupted type change's journal: its path */
	char *type_journal_target;/* ...the type it was changing to */
	char *type_journal_state; /* "typing", "failed" */
	char *problem;            /* a state directory or journal that cannot be trusted or read: why */
	bool vfio_checked;        /* /proc could be searched */
	struct strv vfio_users;   /* "pid 123 (qemu) has /dev/vfio/5 open" */
	struct claim_holders holders; /* the same, one per fd (holders.h) */
};

/*
 * Who owns g: a claim journal of the running machine in state_dir (NULL: do
 * not look; one that cannot be read or is another source's is not taken,
 * and o->problem says why), and processes holding the group's /dev/vfio
 * node or a member's VFIO cdev open (found through /proc/PID/fd links in
 * the view; only root sees every process).
 */
void claim_owner_find(struct view *v, const struct inventory *inv, const struct inv_group *g,
		      const char *state_dir, struct claim_owner *o);
void claim_owner_release(struct claim_owner *o);
/* Processes holding g's VFIO group node, a member's cdev or a device fd open, one line each. */
int claim_vfio_users(struct view *v, const struct inventory *inv, const struct inv_group *g,
		     struct strv *users);

#endif
