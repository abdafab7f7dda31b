/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PLACEHOLDER: replaced by the real group commands. */
#include "cli/cli.h"

static const struct cli_verb group_verbs[] = { { 0 } };

const struct cli_object cli_object_group = {
	.name = "group",
	.summary = "group (not yet implemented)",
	.verbs = group_verbs,
};
