/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command tables: each src/cli/<object>.c exports one struct cli_object
 * whose verbs are a NULL-terminated array of struct cli_verb. The
 * dispatcher (cli.c) matches object and verb (exact, alias, or unique
 * prefix), parses the verb's options with argp (the verb's own options
 * plus the shared global and list-view groups), checks the argument count,
 * then calls run(). Help, --dump-commands (for completions), and the man
 * page sync test all read these tables.
 *
 * Adding a verb: write run(), fill a struct cli_verb row, done.
 *
 * The batch language (cli/batch*.c) is rows of the same tables: its own
 * objects (ioas, container, dma, exec...) are flagged CLI_BATCH_ONLY, and
 * its verbs of ordinary objects (device bind, group add) sit in those
 * objects' batch_verbs. A batch line is dispatched like a command line;
 * batch-only verbs run only there.
 */
#ifndef IOMMUCTL_CLI_H
#define IOMMUCTL_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct iommuctl_ctx;

/*
 * Preconditions, enforced by the dispatcher before run() (verbs do not
 * check them by hand):
 */
#define CLI_LIST       (1u << 0)  /* a list view: takes -o, --list-columns, -n, -r */
#define CLI_NEEDS_ROOT (1u << 1)  /* on the running machine, refused unless root
                                   * (or the invocation changes nothing) */
#define CLI_WRITES     (1u << 2)  /* changes the machine; refused on a snapshot */
#define CLI_NO_VIEW    (1u << 3)  /* reads no machine state (decode, dumps):
                                   * -F and --sysfs-root do not apply */
#define CLI_LIVE       (1u << 4)  /* drives the running kernel (ioctls): refused
                                   * on a snapshot or --sysfs-root */
/*
 * A line of the batch language: runs only inside `iommuctl batch`, where
 * objects live across lines; outside, only its exact name matches (for
 * --help). Its options may also be written as the language's words:
 * KEY=VALUE for --KEY=VALUE, a bare FLAG for --FLAG. On an object: every
 * verb of it is a batch verb (help lists it among the batch commands).
 */
#define CLI_BATCH_ONLY (1u << 5)
/* Options end at the first argument: the rest is taken as is (exec -- CMD ARGS...). */
#define CLI_ARGS_REST  (1u << 6)

/* Help texts that the changing verbs (group claim/release/type, apply) share. */
#define CLI_DOC_INTERLOCKS "skip the interlocks (root disk, swap, routed NIC, SSH, console)"
#define CLI_DOC_STATE_DIR \
	"journals and locks under DIR/claims (default $IOMMUCTL_STATE_DIR, else /run/iommuctl, " \
	"or TREE.iommuctl-state with --sysfs-root TREE)"

struct cli_verb {
	const char *name;
	const char *alias;
	const char *summary;         /* one line */
	const char *args_doc;        /* positional grammar: "SEL", "[FILE]" */
	const char *doc;             /* longer help text, may be NULL */
	const struct argp_option *options; /* verb's own options, or NULL */
	argp_parser_t parser;        /* stores into the opts buffer (state->input) */
	size_t opts_size;            /* size of the verb's options struct */
	int min_args;
	int max_args;                /* -1: unlimited */
	unsigned flags;
	/* opts: zeroed buffer of opts_size filled by parser; args: positionals */
	int (*run)(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv);
	/*
	 * For CLI_WRITES and CLI_NEEDS_ROOT verbs: true when this invocation
	 * changes nothing (--dry-run, a show form), so that it may run on a
	 * snapshot and as any user. NULL: every invocation may change.
	 */
	bool (*changes_nothing)(const void *opts, int argc, char **argv);
};

struct cli_object {
	const char *name;
	const char *alias;
	const char *summary;
	const char *default_verb;    /* run when no verb is given, or NULL */
	unsigned flags;               /* CLI_BATCH_ONLY */
	const struct cli_verb *verbs; /* terminated by a row with name == NULL */
	/* its verbs of the batch language, defined with the language (same termination) */
	const struct cli_verb *batch_verbs;
	/*
	 * Runs when the word after the object matches no verb (decode FORMAT
	 * VALUE...): the word is passed on as the first positional argument.
	 * Its name is the placeholder shown in help ("FORMAT"). An object
	 * without verbs is this one command (destroy OBJ, exec -- CMD): every
	 * word after the object, options too, goes to it.
	 */
	const struct cli_verb *fallback;
};

/* The verbs of obj in help order, its own then its batch_verbs: NULL starts, NULL ends. */
const struct cli_verb *cli_verb_next(const struct cli_object *obj, const struct cli_verb *v);
#define cli_for_each_verb(obj, v) \
	for ((v) = cli_verb_next((obj), NULL); (v); (v) = cli_verb_next((obj), (v)))

extern const struct cli_object *const cli_objects[];

/* One per src/cli/<object>.c. */
extern const struct cli_object cli_object_iommu;
extern const struct cli_object cli_object_group;
extern const struct cli_object cli_object_device;
extern const struct cli_object cli_object_snapshot;
extern const struct cli_object cli_object_decode;
extern const struct cli_object cli_object_mem;
extern const struct cli_object cli_object_walk;
extern const struct cli_object cli_object_translate;
extern const struct cli_object cli_object_vfio;
extern const struct cli_object cli_object_msi;
extern const struct cli_object cli_object_acpi;
extern const struct cli_object cli_object_cdi;
extern const struct cli_object cli_object_batch;
extern const struct cli_object cli_object_apply;
extern const struct cli_object cli_object_doctor;
extern const struct cli_object cli_object_explain;
/* The batch language's own objects (cli/batch_*.c). */
extern const struct cli_object cli_object_iommufd;
extern const struct cli_object cli_object_ioas;
extern const struct cli_object cli_object_hwpt;
extern const struct cli_object cli_object_pasid;
extern const struct cli_object cli_object_viommu;
extern const struct cli_object cli_object_vdevice;
extern const struct cli_object cli_object_hw_info;
extern const struct cli_object cli_object_option;
extern const struct cli_object cli_object_destroy;
extern const struct cli_object cli_object_container;
extern const struct cli_object cli_object_dma;
extern const struct cli_object cli_object_spapr;
extern const struct cli_object cli_object_exec;
extern const struct cli_object cli_object_send;
/* Its verbs of ordinary objects: device bind/open/attach/detach, group add. */
extern const struct cli_verb cli_batch_device_verbs[];
extern const struct cli_verb cli_batch_group_verbs[];

/*
 * Dispatch argv (argv[0] is the object name). Returns 0 or -errno; on
 * -EUSAGE a diagnostic has been printed. Inside a batch (ctx->batch set)
 * argv is one line: batch-only verbs run, prefixes match them too, there
 * is no help, the global options are the batch's own (a line cannot set
 * them), and a parse error is one diagnostic line (no exit).
 */
int cli_dispatch(struct iommuctl_ctx *ctx, int argc, char **argv);

/*
 * The dispatcher's precondition check, exposed for tests: 0, or the
 * reported -errno that refuses verb with these options and arguments.
 */
int cli_preconditions(struct iommuctl_ctx *ctx, const struct cli_verb *verb, const void *opts,
		      int argc, char **argv);

/*
 * Lookup helpers exposed for tests. -ENOENT: none; -EUSAGE: ambiguous
 * (reported). Outside a batch (ctx NULL or ctx->batch NULL), batch-only
 * objects and verbs match by their exact name only, so that they take no
 * prefix from the commands of the command line.
 */
int cli_find_object(struct iommuctl_ctx *ctx, const char *name, const struct cli_object **obj);
int cli_find_verb(struct iommuctl_ctx *ctx, const struct cli_object *obj, const char *name,
		  const struct cli_verb **verb);

/*
 * The matching rule, exposed for tests: exact name or alias, else a unique
 * prefix of a name. 0 and *idx set; -ENOENT: nothing matches; -EUSAGE:
 * ambiguous, cand holds the candidates (caller frees).
 */
struct strv;
int cli_match(const char *const *names, const char *const *aliases, size_t n, const char *s,
	      size_t *idx, struct strv *cand);

/*
 * Top-level help (objects; full: the options too, as --help shows it),
 * object help (verbs).
 */
void cli_help_root(struct iommuctl_ctx *ctx, FILE *f, bool full);
void cli_help_object(struct iommuctl_ctx *ctx, const struct cli_object *obj, FILE *f);

/* The options before the object (main.c): -h, -V, --dump-commands, --completion. */
enum { CLI_OPT_DUMP_COMMANDS = 0x200, CLI_OPT_COMPLETION };
extern const struct argp_option cli_root_options[];

/*
 * argp_parse(argp, av) for the command line or a batch line: ARGP_NO_EXIT
 * and ARGP_NO_HELP added, a mistake reported as one line in the tool's
 * style (then "Try 'NAME --help'." outside a batch) and returned as -EUSAGE.
 */
struct strv;
int cli_parse_args(struct iommuctl_ctx *ctx, const struct argp *argp, unsigned flags,
		   struct strv *av, void *input);

/* Names among names[0..n) close to the mistyped s (edit distance), pushed to out. */
void cli_suggest(struct strv *out, const char *const *names, size_t n, const char *s);

/* JSON description of every object, verb and option (--dump-commands). */
int cli_dump_commands(struct iommuctl_ctx *ctx, FILE *f);

/* A completion script for shell "bash", "zsh" or "fish" (-EINVAL otherwise). */
int cli_completion(const char *shell, FILE *f);

/*
 * `iommuctl __complete WORDS...`, what the scripts call: the candidates for
 * the last word (maybe empty) of a command line whose words after
 * "iommuctl" are argv (cli/complete.c says what it prints).
 */
int cli_complete_words(int argc, char **argv, FILE *f);

/* The default domain types `group type SEL TYPE` takes (NULL-terminated). */
extern const char *const cli_domain_types[];

/* The shared option groups, as argp children. */
extern const struct argp cli_global_argp;
extern const struct argp cli_list_argp;

#endif
