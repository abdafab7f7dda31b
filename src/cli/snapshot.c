/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PLACEHOLDER: replaced by the real snapshot commands. */
#include "cli/cli.h"

static const struct cli_verb snapshot_verbs[] = { { 0 } };

const struct cli_object cli_object_snapshot = {
	.name = "snapshot",
	.summary = "snapshot (not yet implemented)",
	.verbs = snapshot_verbs,
};
