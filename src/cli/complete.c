/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shell completion for bash, zsh and fish. The scripts
 * (`iommuctl --completion SHELL`, checked in as completions/) are thin:
 * for each word they ask the tool, `iommuctl __complete WORDS...`, which
 * reads the line with the command tables as the dispatcher does (unique
 * prefixes too) and prints the candidates, so that a completion cannot
 * drift from the commands or differ from shell to shell, and the groups,
 * devices and units offered are those of the view the command would read.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/dump/mem.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/util.h"
#include "core/view.h"
#include "decode/decode.h"
#include "decode/walk.h"
#include "output/out.h"

/* ---- the candidates for one word: iommuctl __complete WORDS... ---- */

/*
 * The scripts below hand the words of the command line (after "iommuctl",
 * up to the cursor; the last is the word being completed, maybe empty) to
 * `iommuctl __complete`, which reads them as the dispatcher would: global
 * options, the object and verb by exact name, alias or unique prefix, the
 * verb's options (which take a value), its positional arguments. It prints
 * one line of what the shell adds itself ("files", "dirs", "nospace", or
 * "-" for nothing), then one candidate a line, "WORD<TAB>DESCRIPTION" or
 * "WORD". Candidates from the machine (groups, devices, units) come from
 * the view the command itself would read: -F FILE or --sysfs-root DIR
 * given earlier on the line, else this machine.
 */

struct cstate {
	struct iommuctl_ctx *ctx;
	const char *cur;              /* the word being completed */
	const struct cli_object *obj;
	const struct cli_verb *verb;  /* the verb, the default verb, or the fallback */
	bool fallback_word;           /* the word after the object named the fallback (decode FORMAT) */
	int nargs;                    /* positional arguments before cur */
	bool rest;                    /* after "--": arguments only */
	const char *how;              /* the first output line */
	FILE *f;
};

static void cand(struct cstate *s, const char *w, const char *desc)
{
	if (!w || strncmp(w, s->cur, strlen(s->cur)))
		return;
	/* a candidate is one line; a tab separates its description */
	if (strpbrk(w, "\t\n"))
		return;
	fputs(w, s->f);
	if (desc && *desc) {
		fputc('\t', s->f);
		for (; *desc && *desc != '\n'; desc++)
			fputc(*desc == '\t' ? ' ' : *desc, s->f);
	}
	fputc('\n', s->f);
}

/* The option groups in scope after the verb: its own, the list view's, the global ones. */
static void verb_optsets(const struct cli_verb *v, const struct argp_option *sets[3])
{
	sets[0] = v ? v->options : NULL;
	sets[1] = v && (v->flags & CLI_LIST) ? cli_list_argp.options : NULL;
	sets[2] = cli_global_argp.options;
}

/*
 * The option word w names in sets (--name, --name=VALUE, -x, -xVALUE,
 * -abc): the one whose value is the next word (NULL: none, or the value
 * is in w), and in *set which group it came from.
 */
static const struct argp_option *opt_takes_next(const struct argp_option *const sets[3],
						const char *w, int *set)
{
	if (w[1] == '-') {
		const char *name = w + 2;
		size_t len = strcspn(name, "=");

		if (name[len] == '=')
			return NULL;
		for (int k = 0; k < 3; k++)
			for (const struct argp_option *o = sets[k]; o && (o->name || o->key); o++)
				if (o->name && strlen(o->name) == len && !strncmp(o->name, name, len)) {
					*set = k;
					return o->arg && !(o->flags & OPTION_ARG_OPTIONAL) ? o : NULL;
				}
		/* a unique prefix of a long option, as argp takes it */
		const struct argp_option *found = NULL;
		int nfound = 0, fset = 0;

		for (int k = 0; k < 3; k++)
			for (const struct argp_option *o = sets[k]; o && (o->name || o->key); o++)
				if (o->name && !strncmp(o->name, name, len) &&
				    (!found || strcmp(found->name, o->name))) {
					found = o;
					fset = k;
					nfound++;
				}
		if (nfound != 1)
			return NULL;
		*set = fset;
		return found->arg && !(found->flags & OPTION_ARG_OPTIONAL) ? found : NULL;
	}
	for (const char *c = w + 1; *c; c++)
		for (int k = 0; k < 3; k++)
			for (const struct argp_option *o = sets[k]; o && (o->name || o->key); o++)
				if (o->key == (unsigned char)*c && o->arg) {
					if (c[1] || (o->flags & OPTION_ARG_OPTIONAL))
						return NULL; /* -Ffile: the value is in the word */
					*set = k;
					return o;
				}
	return NULL;
}

static const struct argp_option *global_opt(const char *name, size_t len)
{
	for (const struct argp_option *o = cli_global_argp.options; o->name || o->key; o++)
		if (o->name && strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	return NULL;
}

/* The value of -F/--snapshot or --sysfs-root, for the view of the dynamic candidates. */
static void note_global(struct cstate *s, const struct argp_option *o, const char *val)
{
	static char *home_path;

	if (!val || (o != global_opt("snapshot", 8) && o != global_opt("sysfs-root", 10)))
		return;
	if (!strncmp(val, "~/", 2) && getenv("HOME")) {
		free(home_path);
		val = home_path = xasprintf("%s/%s", getenv("HOME"), val + 2);
	}
	if (o == global_opt("snapshot", 8))
		s->ctx->snapshot = val;
	else
		s->ctx->sysfs_root = val;
}

/* The same when the value is inside the word: --snapshot=FILE, -FFILE, -vFFILE. */
static void note_global_inline(struct cstate *s, const struct argp_option *const sets[3], const char *w)
{
	const char *eq = strchr(w, '=');

	if (w[1] == '-') {
		if (eq)
			note_global(s, global_opt(w + 2, (size_t)(eq - w - 2)), eq + 1);
		return;
	}
	for (const char *c = w + 1; *c; c++) {
		const struct argp_option *found = NULL;

		for (int k = 0; k < 3 && !found; k++)
			for (const struct argp_option *o = sets[k]; o && (o->name || o->key); o++)
				if (o->key == (unsigned char)*c) {
					found = o;
					break;
				}
		if (!found)
			return;
		if (found->arg) {
			if (c[1])
				note_global(s, found, c + 1);
			return;
		}
	}
}

static void list_names(struct cstate *s, const char *path)
{
	struct strv names = { 0 };
	struct view *v;

	if (ctx_view(s->ctx, &v))
		return;
	if (view_list(v, &names, "%s", path) == 0)
		for (size_t i = 0; i < names.n; i++)
			cand(s, names.v[i], NULL);
	strv_free(&names);
}

/*
 * -o, --sort, --filter: the columns of the list view, as `OBJ VERB
 * --list-columns` prints them (run in a child whose standard output is a
 * pipe); "+COL", "A,B" kept; each followed by suffix ("=" for --filter).
 */
static void columns(struct cstate *s, const char *suffix)
{
	const char *last = strrchr(s->cur, ','), *word;
	static char list_columns[] = "--list-columns";
	char *argv[] = { (char *)s->obj->name, (char *)s->verb->name, list_columns, NULL };
	char *buf = NULL, *line;
	size_t len = 0, keep;
	int fds[2], status;
	FILE *in;
	pid_t pid;

	s->how = "nospace";
	if (pipe(fds))
		return;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		struct iommuctl_ctx *ctx = s->ctx;

		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0)
			_exit(1);
		if (s->verb->flags & CLI_NO_VIEW)
			ctx->snapshot = ctx->sysfs_root = NULL; /* they would be refused */
		ctx->list_columns = true;
		cli_dispatch(ctx, 3, argv);
		if (ctx->out)
			out_flush(ctx->out);
		fflush(NULL);
		_exit(0);
	}
	close(fds[1]);
	in = fdopen(fds[0], "r");
	if (!in) {
		close(fds[0]);
		waitpid(pid, &status, 0);
		return;
	}
	/* what stays of the word: up to the last comma, or the '+' */
	word = last ? last + 1 : s->cur;
	if (*word == '+')
		word++;
	keep = (size_t)(word - s->cur);
	while (getline(&buf, &len, in) > 0) {
		char name[64], *full;
		const char *desc;

		line = str_rstrip(buf);
		/* " * NAME             help" (out.c print_columns) */
		if (strncmp(line, " * ", 3) && strncmp(line, "   ", 3))
			continue;
		if (sscanf(line + 3, "%63s", name) != 1)
			continue;
		desc = line + 3 + strlen(name);
		desc += strspn(desc, " ");
		full = xasprintf("%.*s%s%s", (int)keep, s->cur, name, suffix);
		cand(s, full, desc);
		free(full);
	}
	free(buf);
	fclose(in);
	waitpid(pid, &status, 0);
}

/* What the value of option o (of group set) completes to. */
static void opt_value(struct cstate *s, const struct argp_option *o, int set)
{
	const char *a = o->arg;

	if (set == 1 && o->key == 'o') {
		columns(s, "");
	} else if (set == 1 && o->name && !strcmp(o->name, "sort")) {
		columns(s, "");
		s->how = "-";   /* one column, then the next word */
	} else if (set == 1 && o->name && !strcmp(o->name, "filter")) {
		/* COL=GLOB: the column, then the pattern is the user's */
		if (!strchr(s->cur, '='))
			columns(s, "=");
	} else if (o->name && !strcmp(o->name, "sysfs-root")) {
		s->how = "dirs";
	} else if (o->name && !strcmp(o->name, "mem-format")) {
		static const enum mem_format fmts[] = { MEM_FMT_AUTO, MEM_FMT_ELF, MEM_FMT_KDUMP, MEM_FMT_RAW };

		for (size_t i = 0; i < ARRAY_SIZE(fmts); i++)
			cand(s, mem_format_name(fmts[i]), NULL);
	} else if (o->name && !strcmp(o->name, "format") && (!strcmp(a, "FMT") || !strcmp(a, "FAMILY"))) {
		/* walk/translate: the page-table formats and the hierarchies; walk roots: these */
		const struct decode_fmt *fmt;
		const struct walk_fam *fam;
		enum walk_family id;

		for (size_t i = 0; !strcmp(a, "FMT") && (fmt = decode_format_at(i)); i++)
			if (fmt->pt)
				cand(s, !strcmp(fmt->name, "arm-v7s-l1") ? "arm-v7s" : fmt->name, fmt->summary);
		for (size_t i = 0; (fam = walk_fam_at(i)); i++)
			if (!walk_family_find(fam->name, &id) && (!strcmp(a, "FMT") || id != WALK_FAM_RISCV))
				cand(s, fam->name, "hierarchy");
	} else if (strstr(a, "FILE") || strstr(a, "PATH") || strstr(a, "DUMP")) {
		s->how = "files";
	} else if (strstr(a, "DIR")) {
		s->how = "dirs";
	}
}

/* A positional argument's placeholder ("SEL", "[FILE]", "type1|noiommu") completes to. */
static void arg_value(struct cstate *s, const char *tok)
{
	char *alt, *save = NULL, *t = xstrdup(tok);
	bool literal = true;

	for (const char *c = t; *c; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '-' && *c != '|')
			literal = false;
	if (literal) {
		for (alt = strtok_r(t, "|", &save); alt; alt = strtok_r(NULL, "|", &save))
			cand(s, alt, NULL);
		free(t);
		return;
	}
	/* the first alternative names the kind ("FILE|-", "DEVICE|GROUP", "VALUE...|@FILE") */
	t[strcspn(t, "|.")] = 0;
	if (!strcmp(t, "FILE") || !strcmp(t, "DUMP") || !strcmp(t, "OLD") || !strcmp(t, "NEW") ||
	    !strcmp(t, "PATH") || !strcmp(t, "SOCKET")) {
		s->how = "files";
	} else if (!strcmp(t, "SEL") || !strcmp(t, "GROUP") || !strcmp(t, "DEVICE")) {
		list_names(s, "/sys/kernel/iommu_groups");
		list_names(s, "/sys/bus/pci/devices");
	} else if (!strcmp(t, "ADDR")) {
		list_names(s, "/sys/bus/pci/devices");
	} else if (!strcmp(t, "UNIT")) {
		list_names(s, "/sys/class/iommu");
	} else if (!strcmp(t, "TYPE")) {
		for (size_t i = 0; cli_domain_types[i]; i++)
			cand(s, cli_domain_types[i], NULL);
	} else if (!strcmp(t, "FORMAT")) {
		const struct decode_fmt *fmt;

		for (size_t i = 0; (fmt = decode_format_at(i)); i++)
			cand(s, fmt->name, fmt->summary);
	}
	free(t);
}

/* The positional argument number n of verb v: its placeholder in args_doc. */
static void positional(struct cstate *s, const struct cli_verb *v, int n)
{
	char *doc, *tok, *save = NULL, *last = NULL;
	int i = 0;

	if (s->fallback_word) {
		if (n == 0) {
			arg_value(s, v->name);
			return;
		}
		n--;
	}
	if (!v->args_doc)
		return;
	doc = xstrdup(v->args_doc);
	for (tok = strtok_r(doc, " []", &save); tok; tok = strtok_r(NULL, " []", &save)) {
		if (!strcmp(tok, "--"))
			continue;
		last = tok;
		if (i++ == n)
			break;
	}
	/* past the end: the last one again if it repeats ("[ADDR...]") */
	if (last && (i > n || strstr(last, "...")))
		arg_value(s, last);
	free(doc);
}

static void options_of(struct cstate *s, const struct argp_option *opts)
{
	for (const struct argp_option *o = opts; o && (o->name || o->key); o++) {
		char w[3] = { '-', 0, 0 };

		if (o->flags & OPTION_HIDDEN)
			continue;
		if (o->name) {
			char *l = xasprintf("--%s", o->name);

			cand(s, l, o->doc);
			free(l);
		}
		if (o->key > 0 && o->key < 128 && isalnum(o->key)) {
			w[1] = (char)o->key;
			cand(s, w, o->doc);
		}
	}
}

static void verbs_of(struct cstate *s, const struct cli_object *obj)
{
	const struct cli_verb *v;

	cand(s, "help", "list the verbs");
	cli_for_each_verb(obj, v)
		cand(s, v->name, v->summary);
}

int cli_complete_words(int argc, char **argv, FILE *f)
{
	struct iommuctl_ctx ctx;
	struct cstate s = { .ctx = &ctx, .how = "-", .f = f };
	const struct argp_option *sets[3], *pending = NULL;
	bool verb_seen = false;
	int pending_set = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int i;

	if (!out)
		return -ENOMEM;
	ctx_init(&ctx);
	/* nothing on the terminal while the user types: errors make no candidates */
	ctx.errf = fopen("/dev/null", "w");
	if (!ctx.errf)
		ctx.errf = stderr;
	ctx.quiet = true;
	s.f = out;
	s.cur = argc > 0 ? argv[argc - 1] : "";
	verb_optsets(NULL, sets);
	for (i = 0; i < argc - 1; i++) {
		const char *w = argv[i];

		if (pending) {
			if (!strcmp(w, "="))
				continue; /* bash breaks --opt=VALUE at the '=' */
			note_global(&s, pending, w);
			pending = NULL;
			continue;
		}
		if (!s.rest && !strcmp(w, "--")) {
			s.rest = true;
			continue;
		}
		if (!s.rest && w[0] == '-' && w[1]) {
			if (s.obj && !verb_seen) {
				/* options right after the object belong to its default verb */
				verb_seen = true;
				if (s.obj->default_verb)
					cli_find_verb(s.ctx, s.obj, s.obj->default_verb, &s.verb);
				verb_optsets(s.verb, sets);
			}
			note_global_inline(&s, sets, w);
			pending = opt_takes_next(sets, w, &pending_set);
			continue;
		}
		if (!s.obj) {
			if (!strcmp(w, "help") || cli_find_object(s.ctx, w, &s.obj))
				goto done; /* nothing follows an unknown object */
			if (!cli_verb_next(s.obj, NULL) && s.obj->fallback) {
				/* one command (destroy OBJ): every word is its own */
				verb_seen = true;
				s.verb = s.obj->fallback;
				verb_optsets(s.verb, sets);
			}
			continue;
		}
		if (!verb_seen) {
			verb_seen = true;
			if (!strcmp(w, "help"))
				goto done;
			if (cli_find_verb(s.ctx, s.obj, w, &s.verb)) {
				if (!s.obj->fallback)
					goto done;
				s.verb = s.obj->fallback;
				s.fallback_word = true;
				s.nargs = 1;
			}
			verb_optsets(s.verb, sets);
			continue;
		}
		if (s.verb && (s.verb->flags & CLI_ARGS_REST))
			s.rest = true;
		s.nargs++;
	}

	if (pending && !strcmp(s.cur, "="))
		s.cur = ""; /* bash: --opt=<TAB> */
	if (pending) {
		opt_value(&s, pending, pending_set);
	} else if (!s.rest && s.cur[0] == '-') {
		if (!strchr(s.cur, '=')) {
			if (s.obj && !verb_seen && s.obj->default_verb)
				cli_find_verb(s.ctx, s.obj, s.obj->default_verb, &s.verb);
			verb_optsets(s.obj ? s.verb : NULL, sets);
			for (int k = 0; k < 3; k++)
				options_of(&s, sets[k]);
			cand(&s, "--help", "this help");
			if (!s.obj)
				cand(&s, "--version", "print the version");
		}
	} else if (!s.obj) {
		cand(&s, "help", "list the objects");
		for (size_t k = 0; cli_objects[k]; k++)
			cand(&s, cli_objects[k]->name, cli_objects[k]->summary);
	} else if (!verb_seen) {
		verbs_of(&s, s.obj);
		if (s.obj->fallback) {
			s.fallback_word = true;
			positional(&s, s.obj->fallback, 0);
		}
	} else if (s.verb) {
		positional(&s, s.verb, s.nargs);
	}
done:
	fflush(out);
	fprintf(f, "%s\n%.*s", s.how, (int)len, buf ? buf : "");
	fclose(out);
	free(buf);
	if (ctx.errf != stderr)
		fclose(ctx.errf);
	ctx.errf = stderr;
	ctx_release(&ctx);
	return 0;
}

/* ---- the scripts ---- */

static const char bash_script[] =
"# SPDX-License-Identifier: GPL-2.0-or-later\n"
"# bash completion for iommuctl\n"
"# Generated by `iommuctl --completion bash`; do not edit. The candidates come\n"
"# from `iommuctl __complete WORDS...`: its first line says what the shell adds\n"
"# (files, dirs, nospace), each other line is a candidate and its description.\n"
"\n"
"# Without bash-completion: the words up to the cursor, with the ':' that bash\n"
"# breaks words at (PCI addresses) joined back, as `_init_completion -n :` does.\n"
"_iommuctl_words() {\n"
"\tlocal line=${COMP_LINE:0:COMP_POINT} i w glued\n"
"\tif [[ -z $COMP_LINE ]]; then\n"
"\t\twords=(\"${COMP_WORDS[@]:0:COMP_CWORD+1}\") cword=$COMP_CWORD cur=${COMP_WORDS[COMP_CWORD]}\n"
"\t\treturn\n"
"\tfi\n"
"\twords=() cword=-1\n"
"\tfor ((i = 0; i <= COMP_CWORD; i++)); do\n"
"\t\tglued=1\n"
"\t\t[[ $line == [[:space:]]* ]] && glued=0\n"
"\t\tline=${line#\"${line%%[![:space:]]*}\"}\n"
"\t\tif ((i < COMP_CWORD)); then w=${COMP_WORDS[i]}; else w=$line; fi\n"
"\t\tline=${line#\"$w\"}\n"
"\t\tif ((cword >= 0 && glued)) && [[ $w == : || ${words[cword]} == *: ]]; then\n"
"\t\t\twords[cword]+=$w\n"
"\t\telse\n"
"\t\t\twords[++cword]=$w\n"
"\t\tfi\n"
"\tdone\n"
"\tcur=${words[cword]}\n"
"}\n"
"\n"
"_iommuctl() {\n"
"\tlocal cur prev words cword how c i\n"
"\tlocal -a out\n"
"\tif declare -F _init_completion >/dev/null; then\n"
"\t\t_init_completion -n : || return\n"
"\telse\n"
"\t\t_iommuctl_words\n"
"\tfi\n"
"\t# --opt=<TAB>: bash completes what follows the '='\n"
"\t[[ $cur == = ]] && cur= && words[cword]=\n"
"\tmapfile -t out < <(command iommuctl __complete \"${words[@]:1:cword}\" 2>/dev/null)\n"
"\thow=\" ${out[0]} \"\n"
"\tCOMPREPLY=()\n"
"\tfor c in \"${out[@]:1}\"; do COMPREPLY+=(\"${c%%$'\\t'*}\"); done\n"
"\tif [[ $how == *\" files \"* || $how == *\" dirs \"* ]]; then\n"
"\t\tif declare -F _filedir >/dev/null; then\n"
"\t\t\tif [[ $how == *\" dirs \"* ]]; then _filedir -d; else _filedir; fi\n"
"\t\telse\n"
"\t\t\tcompopt -o filenames 2>/dev/null\n"
"\t\t\tif [[ $how == *\" dirs \"* ]]; then\n"
"\t\t\t\tmapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -d -- \"$cur\")\n"
"\t\t\telse\n"
"\t\t\t\tmapfile -t -O ${#COMPREPLY[@]} COMPREPLY < <(compgen -f -- \"$cur\")\n"
"\t\t\tfi\n"
"\t\tfi\n"
"\tfi\n"
"\t[[ $how == *\" nospace \"* ]] && compopt -o nospace 2>/dev/null\n"
"\t# bash replaces only the part after the last ':' (COMP_WORDBREAKS)\n"
"\tif [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then\n"
"\t\tif declare -F __ltrim_colon_completions >/dev/null; then\n"
"\t\t\t__ltrim_colon_completions \"$cur\"\n"
"\t\telse\n"
"\t\t\tc=${cur%\"${cur##*:}\"}\n"
"\t\t\tfor i in \"${!COMPREPLY[@]}\"; do COMPREPLY[i]=${COMPREPLY[i]#\"$c\"}; done\n"
"\t\tfi\n"
"\tfi\n"
"}\n"
"complete -F _iommuctl iommuctl\n";

static const char zsh_script[] =
"#compdef iommuctl\n"
"# SPDX-License-Identifier: GPL-2.0-or-later\n"
"# zsh completion for iommuctl\n"
"# Generated by `iommuctl --completion zsh`; do not edit. The candidates come\n"
"# from `iommuctl __complete WORDS...`: its first line says what the shell adds\n"
"# (files, dirs, nospace), each other line is a candidate and its description.\n"
"\n"
"_iommuctl() {\n"
"\tlocal -a out described plain suffix\n"
"\tlocal how c w\n"
"\tout=(\"${(@f)$(command iommuctl __complete \"${(@)words[2,CURRENT-1]}\" \"$PREFIX\" 2>/dev/null)}\")\n"
"\thow=\" ${out[1]} \"\n"
"\tfor c in \"${(@)out[2,-1]}\"; do\n"
"\t\t[[ -n $c ]] || continue\n"
"\t\tw=${c%%$'\\t'*}\n"
"\t\tif [[ $c == *$'\\t'* ]]; then described+=(\"${w//:/\\\\:}:${c#*$'\\t'}\")\n"
"\t\telse plain+=(\"$w\"); fi\n"
"\tdone\n"
"\t[[ $how == *' nospace '* ]] && suffix=(-S '')\n"
"\t(( $#described )) && _describe -t values value described \"${suffix[@]}\"\n"
"\t(( $#plain )) && compadd \"${suffix[@]}\" -a plain\n"
"\tcase $how in\n"
"\t*' files '*) _files ;;\n"
"\t*' dirs '*) _files -/ ;;\n"
"\tesac\n"
"}\n"
"\n"
"_iommuctl \"$@\"\n";

static const char fish_script[] =
"# SPDX-License-Identifier: GPL-2.0-or-later\n"
"# fish completion for iommuctl\n"
"# Generated by `iommuctl --completion fish`; do not edit. The candidates come\n"
"# from `iommuctl __complete WORDS...`: its first line says what the shell adds\n"
"# (files, dirs, nospace), each other line is a candidate and its description.\n"
"\n"
"function __iommuctl_complete\n"
"\tset -l cur (commandline -ct)\n"
"\tset -l out (command iommuctl __complete (commandline -opc)[2..-1] \"$cur\" 2>/dev/null)\n"
"\tset -l how (string split ' ' -- $out[1])\n"
"\tstring join \\n -- $out[2..-1]\n"
"\tif contains -- files $how\n"
"\t\t__fish_complete_path \"$cur\"\n"
"\telse if contains -- dirs $how\n"
"\t\t__fish_complete_directories \"$cur\"\n"
"\tend\n"
"end\n"
"\n"
"complete -c iommuctl -f -a '(__iommuctl_complete)'\n";

int cli_completion(const char *shell, FILE *f)
{
	if (!strcmp(shell, "bash"))
		fputs(bash_script, f);
	else if (!strcmp(shell, "zsh"))
		fputs(zsh_script, f);
	else if (!strcmp(shell, "fish"))
		fputs(fish_script, f);
	else
		return -EINVAL;
	return 0;
}
