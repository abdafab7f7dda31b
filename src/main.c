/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iommuctl entry point: global options, dispatch to OBJECT VERB, and the
 * mapping of the returned -errno to a documented exit status. Nothing else.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/dlib.h"
#include "core/exitcodes.h"
#include "core/textesc.h"
#include "core/util.h"

#ifdef IOMMUCTL_TEST_HOOKS
/* the live tests read this to know that the fault-injection hooks are in */
static const char version[] = "iommuctl " IOMMUCTL_VERSION " (test build: test hooks)\n";
#else
static const char version[] = "iommuctl " IOMMUCTL_VERSION "\n";
#endif

struct root_state {
	struct iommuctl_ctx *ctx;
	int obj_index;        /* argv index of OBJECT, 0 when none */
	bool help, version, dump_commands;
	const char *completion;
};

static error_t root_parse(int key, char *arg, struct argp_state *state)
{
	struct root_state *rs = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = rs->ctx;
		return 0;
	case 'h':
		rs->help = true;
		return 0;
	case 'V':
		rs->version = true;
		return 0;
	case CLI_OPT_DUMP_COMMANDS:
		rs->dump_commands = true;
		return 0;
	case CLI_OPT_COMPLETION:
		rs->completion = arg;
		return 0;
	case ARGP_KEY_ARG:
		/* the object: everything from here on belongs to it */
		rs->obj_index = state->next - 1;
		state->next = state->argc;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_child root_children[] = {
	{ &cli_global_argp, 0, NULL, 0 },
	{ 0 }
};

static const struct argp root_argp = {
	.options = cli_root_options,
	.parser = root_parse,
	.args_doc = "OBJECT [VERB] [ARGS...]",
	.children = root_children,
};

/*
 * The words up to the object, named "iommuctl" in diagnostics whatever
 * argv[0] is. The options' values point into them: they live as long as the
 * process (static, so that a leak checker sees them held, not lost).
 */
static struct strv av;

int main(int argc, char **argv)
{
	struct iommuctl_ctx ctx;
	struct root_state rs = { .ctx = &ctx };
	int err, status;

	/*
	 * libsmartcols and core/textesc measure and escape text by the locale's
	 * character set: LC_CTYPE is the one category used, set from the
	 * environment at its first use (core/textesc.h). (LC_ALL would load a
	 * dozen more files, and a LC_NUMERIC with a decimal comma has no
	 * business near the JSON.)
	 */
	text_locale_later();
	/* the completion scripts' helper: its words are a command line, not options */
	if (argc > 1 && !strcmp(argv[1], "__complete"))
		return cli_complete_words(argc - 2, argv + 2, stdout) ? EXIT_FAIL : EXIT_OK;
	ctx_init(&ctx);
	for (int i = 0; i < argc; i++)
		strv_push(&av, i ? argv[i] : "iommuctl");
	err = cli_parse_args(&ctx, &root_argp, ARGP_IN_ORDER, &av, &rs);
	if (err)
		return EXIT_USAGE;
	if (rs.version) {
		fputs(version, stdout);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	if (rs.help) {
		cli_help_root(&ctx, stdout, true);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	if (rs.dump_commands)
		return cli_dump_commands(&ctx, stdout) ? EXIT_FAIL : EXIT_OK;
	if (rs.completion) {
		if (cli_completion(rs.completion, stdout)) {
			err_msg(&ctx, "--completion: no such shell '%s' (bash, zsh, fish)", rs.completion);
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (!rs.obj_index) {
		cli_help_root(&ctx, stderr, false);
		return EXIT_USAGE;
	}
	err = cli_dispatch(&ctx, argc - rs.obj_index, argv + rs.obj_index);
	if (err && err != -EVERDICT && !ctx.reported)
		err_msg(&ctx, "%s", err == -EUSAGE ? "invalid usage" :
				    err == -ELIBACC && dlib_error() ? dlib_error() : strerror(-err));
	status = ctx_finish(&ctx, err);
	if (fflush(stdout) || ferror(stdout)) {
		if (!err)
			err_msg(&ctx, "write error on standard output");
		status = status ? status : exit_status_from_err(-EIO);
	}
	ctx_release(&ctx);
	return status;
}
