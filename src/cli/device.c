/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PLACEHOLDER: replaced by the real device commands. */
#include "cli/cli.h"

static const struct cli_verb device_verbs[] = { { 0 } };

const struct cli_object cli_object_device = {
	.name = "device",
	.summary = "device (not yet implemented)",
	.verbs = device_verbs,
};
