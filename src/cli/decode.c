/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode list / decode FORMAT VALUE... / decode log: the bit-field decoders
 * of src/decode/ on the command line, one entry from arguments or one per
 * line from files and standard input, and kernel-log annotation of VT-d,
 * AMD-Vi, SMMUv3 and RISC-V IOMMU fault reports (parsed by src/decode/klog.c,
 * printed by src/output/). Reads no machine state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/lines.h"
#include "core/util.h"
#include "decode/decode.h"
#include "decode/klog.h"
#include "output/decode_out.h"
#include "output/klog_out.h"
#include "output/out.h"

/* ---- decode list ---- */

enum {
	COL_NAME,
	COL_SUMMARY,
	COL_SPEC,
	COL_WORDS,
	COL_OPTIONS,
	COL_ALIASES,
	COL_BITS,
};

static const struct out_col list_cols[] = {
	[COL_NAME] = { "NAME", OCT_STR, 0, OCF_DEFAULT, "format name, as typed after 'decode'" },
	[COL_SUMMARY] = { "SUMMARY", OCT_STR, 0, OCF_DEFAULT | OCF_WRAP, "what the format is" },
	[COL_SPEC] = { "SPEC", OCT_STR, 0, OCF_DEFAULT | OCF_WRAP, "specification and section it follows" },
	[COL_WORDS] = { "WORDS", OCT_STR, 0, OCF_DEFAULT | OCF_RIGHT,
			"hex words an entry takes, word 0 first (MIN-MAX when fewer may be given)",
			.key = "entry_words" },
	[COL_OPTIONS] = { "OPTIONS", OCT_LIST, 0, OCF_DEFAULT | OCF_HIDE, "options the format takes (--level with its range)" },
	[COL_ALIASES] = { "ALIASES", OCT_LIST, 0, OCF_DEFAULT | OCF_HIDE, "other names for the format" },
	[COL_BITS] = { "BITS", OCT_NUM, 0, OCF_RIGHT, "size of one entry in bits", .key = "entry_bits" },
};

static void fmt_options(const struct decode_fmt *fmt, struct strv *sv)
{
	if (fmt->opts & DECODE_OPT_LEVEL) {
		if (fmt->level_min == fmt->level_max)
			strv_push_owned(sv, xasprintf("--level %d", fmt->level_min));
		else
			strv_push_owned(sv, xasprintf("--level %d-%d", fmt->level_min, fmt->level_max));
	}
	if (fmt->opts & DECODE_OPT_GRANULE)
		strv_push(sv, "--granule");
	if (fmt->opts & DECODE_OPT_PAGE_SHIFT)
		strv_push(sv, "--page-shift");
	if (fmt->opts & DECODE_OPT_MTK_EXT)
		strv_push(sv, "--mtk-ext");
	if (fmt->opts & DECODE_OPT_BIG_ENDIAN)
		strv_push(sv, "--big-endian");
}

static int decode_list(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct out_table *tab;
	const struct decode_fmt *fmt;
	int err;

	err = cli_table_new(ctx, "formats", list_cols, ARRAY_SIZE(list_cols), &tab);
	if (err)
		return err < 0 ? err : 0;
	for (size_t i = 0; (fmt = decode_format_at(i)); i++) {
		struct out_row *row = out_table_row(tab);
		struct strv options = { 0 }, aliases = { 0 };
		const struct decode_fmt *af;
		const char *alias;
		char words[24];

		if (fmt->min_words && fmt->min_words < fmt->nwords)
			snprintf(words, sizeof(words), "%u-%u", fmt->min_words, fmt->nwords);
		else
			snprintf(words, sizeof(words), "%u", fmt->nwords);
		fmt_options(fmt, &options);
		for (size_t j = 0; (af = decode_alias_at(j, &alias)); j++)
			if (af == fmt)
				strv_push(&aliases, alias);
		out_cell_str(row, COL_NAME, fmt->name);
		out_cell_str(row, COL_SUMMARY, fmt->summary);
		out_cell_str(row, COL_SPEC, fmt->spec);
		out_cell_str(row, COL_WORDS, words);
		out_cell_list(row, COL_OPTIONS, &options);
		out_cell_list(row, COL_ALIASES, &aliases);
		out_cell_u64(row, COL_BITS, decode_fmt_entry_size(fmt) * 8);
		strv_free(&options);
		strv_free(&aliases);
	}
	return out_table_print(tab);
}

/* ---- decode FORMAT VALUE... ---- */

enum {
	OPT_LEVEL = 0x300,
	OPT_GRANULE,
	OPT_PAGE_SHIFT,
	OPT_PAGE_SIZE,
	OPT_MTK_EXT,
	OPT_BIG_ENDIAN,
	OPT_BYTEORDER,
};

struct decode_cli_opts {
	const char *level;
	const char *granule;
	const char *page_shift;
	const char *page_size;
	const char *byteorder;
	bool mtk_ext;
	bool big_endian;
};

static const struct argp_option decode_options[] = {
	{ "level", OPT_LEVEL, "N", 0, "page-table level of the entry (range per format: 'decode list')", 0 },
	{ "granule", OPT_GRANULE, "SIZE", 0, "Arm LPAE translation granule: 4K (default), 16K or 64K", 0 },
	{ "page-shift", OPT_PAGE_SHIFT, "N", 0, "PowerPC TCE page size as a power of two, 12 (4K) to 34 (16G)", 0 },
	{ "page-size", OPT_PAGE_SIZE, "SIZE", 0, "PowerPC TCE page size: 4K (default), 64K, 16M, 16G...", 0 },
	{ "mtk-ext", OPT_MTK_EXT, NULL, 0, "Arm v7s: MediaTek extension (PA bits 32-34 in entry bits 9, 4, 5)", 0 },
	{ "big-endian", OPT_BIG_ENDIAN, NULL, 0, "RISC-V: the IOMMU's structures are big-endian (fctl.BE set)", 0 },
	{ "byteorder", OPT_BYTEORDER, "ORDER", 0,
	  "the words given are: value (the register or entry value, default), le or be "
	  "(a 64-bit load of memory in that byte order)", 0 },
	{ 0 }
};

static error_t decode_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct decode_cli_opts *o = state->input;

	switch (key) {
	case OPT_LEVEL:
		o->level = arg;
		break;
	case OPT_GRANULE:
		o->granule = arg;
		break;
	case OPT_PAGE_SHIFT:
		o->page_shift = arg;
		break;
	case OPT_PAGE_SIZE:
		o->page_size = arg;
		break;
	case OPT_BYTEORDER:
		o->byteorder = arg;
		break;
	case OPT_MTK_EXT:
		o->mtk_ext = true;
		break;
	case OPT_BIG_ENDIAN:
		o->big_endian = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The formats that take option bit opt, for "--granule applies to ..." */
static char *formats_taking(unsigned int opt)
{
	struct strv sv = { 0 };
	const struct decode_fmt *f;
	char *s;

	for (size_t i = 0; (f = decode_format_at(i)); i++)
		if (f->opts & opt)
			strv_push(&sv, f->name);
	s = strv_join(&sv, ", ");
	strv_free(&sv);
	return s;
}

static int opt_not_taken(struct iommuctl_ctx *ctx, const struct decode_fmt *fmt, const char *opt,
			 unsigned int bit)
{
	char *list = formats_taking(bit);
	int err = err_report(ctx, -EUSAGE, "%s does not apply to %s (it applies to %s)", opt,
			     fmt->name, list);

	free(list);
	return err;
}

/* Command-line options to decode_opts, with one-line diagnostics. */
static int decode_opts_from_cli(struct iommuctl_ctx *ctx, const struct decode_fmt *fmt,
				const struct decode_cli_opts *c, struct decode_opts *o)
{
	uint64_t v;

	decode_opts_init(o);
	if (c->level) {
		if (!(fmt->opts & DECODE_OPT_LEVEL))
			return opt_not_taken(ctx, fmt, "--level", DECODE_OPT_LEVEL);
		if (parse_u64_base(c->level, 10, &v) || v > (uint64_t)fmt->level_max ||
		    (int)v < fmt->level_min) {
			if (fmt->level_min == fmt->level_max)
				return err_report(ctx, -EUSAGE, "--level %s: %s entries are level %d",
						  c->level, fmt->name, fmt->level_min);
			return err_report(ctx, -EUSAGE, "--level %s: %s levels are %d to %d", c->level,
					  fmt->name, fmt->level_min, fmt->level_max);
		}
		o->level = (int)v;
	}
	if (c->granule) {
		if (!(fmt->opts & DECODE_OPT_GRANULE))
			return opt_not_taken(ctx, fmt, "--granule", DECODE_OPT_GRANULE);
		if (parse_size(c->granule, &v) || (v != 4096 && v != 16384 && v != 65536))
			return err_report(ctx, -EUSAGE, "--granule %s: the granule is 4K, 16K or 64K",
					  c->granule);
		o->granule = (unsigned int)v;
	}
	if (c->page_shift && c->page_size)
		return err_report(ctx, -EUSAGE, "--page-shift and --page-size say the same thing: give one");
	if (c->page_shift || c->page_size) {
		const char *name = c->page_shift ? "--page-shift" : "--page-size";
		const char *arg = c->page_shift ? c->page_shift : c->page_size;
		unsigned int shift = 0;

		if (!(fmt->opts & DECODE_OPT_PAGE_SHIFT))
			return opt_not_taken(ctx, fmt, name, DECODE_OPT_PAGE_SHIFT);
		if (c->page_shift) {
			if (parse_u64_base(arg, 10, &v) || v < 12 || v > 34)
				return err_report(ctx, -EUSAGE, "--page-shift %s: give 12 (4K) to 34 (16G)", arg);
			shift = (unsigned int)v;
		} else {
			if (parse_size(arg, &v) || !v || (v & (v - 1)) || v < 4096 || v > (1ULL << 34))
				return err_report(ctx, -EUSAGE,
						  "--page-size %s: give a power of two from 4K to 16G", arg);
			shift = (unsigned int)__builtin_ctzll(v);
		}
		o->page_shift = shift;
	}
	if (c->mtk_ext) {
		if (!(fmt->opts & DECODE_OPT_MTK_EXT))
			return opt_not_taken(ctx, fmt, "--mtk-ext", DECODE_OPT_MTK_EXT);
		o->quirks |= DECODE_QUIRK_MTK_EXT;
	}
	if (c->big_endian) {
		if (!(fmt->opts & DECODE_OPT_BIG_ENDIAN))
			return opt_not_taken(ctx, fmt, "--big-endian", DECODE_OPT_BIG_ENDIAN);
		o->quirks |= DECODE_QUIRK_BIG_ENDIAN;
	}
	if (c->byteorder) {
		if (!strcmp(c->byteorder, "value"))
			o->byteorder = DECODE_BO_VALUE;
		else if (!strcmp(c->byteorder, "le"))
			o->byteorder = DECODE_BO_LE;
		else if (!strcmp(c->byteorder, "be"))
			o->byteorder = DECODE_BO_BE;
		else
			return err_report(ctx, -EUSAGE, "--byteorder %s: give value, le or be", c->byteorder);
	}
	return 0;
}

static int format_lookup(struct iommuctl_ctx *ctx, const char *name, const struct decode_fmt **fmtp)
{
	struct strv cand = { 0 };
	const struct decode_fmt *f;
	const char *alias;
	char *list;
	int err;

	*fmtp = decode_format_find(name);
	if (*fmtp)
		return 0;
	for (size_t i = 0; (f = decode_format_at(i)); i++)
		if (str_startswith(f->name, name))
			strv_push(&cand, f->name);
	for (size_t i = 0; decode_alias_at(i, &alias); i++)
		if (str_startswith(alias, name))
			strv_push(&cand, alias);
	/* a typo'd FORMAT is a usage error, as a typo'd verb is */
	for (size_t i = 0, prefixed = cand.n; !prefixed && (f = decode_format_at(i)); i++)
		cli_suggest(&cand, &f->name, 1, name);
	for (size_t i = 0, prefixed = cand.n; !prefixed && decode_alias_at(i, &alias); i++)
		cli_suggest(&cand, &alias, 1, name);
	if (!cand.n)
		return err_report(ctx, -EUSAGE, "unknown format '%s' (see 'iommuctl decode list')", name);
	list = strv_join(&cand, ", ");
	err = err_report(ctx, -EUSAGE, "unknown format '%s'; did you mean: %s", name, list);
	free(list);
	strv_free(&cand);
	return err;
}

static bool fmt_is_efr(const struct decode_fmt *fmt)
{
	return !strcmp(fmt->name, "amd-efr");
}

static unsigned int fmt_min_words(const struct decode_fmt *fmt)
{
	return fmt->min_words ? fmt->min_words : fmt->nwords;
}

/*
 * Why the words in s do not parse, in one phrase naming the bad token:
 * "'0xzz' is not a hexadecimal value". s is whitespace-separated tokens
 * ending at NUL or '#'.
 */
static void words_problem(const struct decode_fmt *fmt, const char *s, char *buf, size_t len)
{
	const char *seps = " \t\r\n";
	unsigned int n = 0;
	uint64_t v;

	for (;;) {
		size_t tl;
		char *tok;
		int err;

		s += strspn(s, seps);
		if (!*s || *s == '#')
			break;
		tl = strcspn(s, seps);
		tok = xstrndup(s, tl);
		err = decode_parse_word(tok, &v);
		if (err) {
			snprintf(buf, len, err == -ERANGE ? "'%s' is wider than 64 bits" :
				 "'%s' is not a hexadecimal value", tok);
			free(tok);
			return;
		}
		free(tok);
		n++;
		s += tl;
	}
	if (n > fmt->nwords)
		snprintf(buf, len, "expected %u word%s, got %u", fmt->nwords,
			 fmt->nwords == 1 ? "" : "s", n);
	else
		snprintf(buf, len, "expected %s%u word%s (word 0 first), got %u",
			 fmt_min_words(fmt) < fmt->nwords ? "at least " : "", fmt_min_words(fmt),
			 fmt_min_words(fmt) == 1 ? "" : "s", n);
}

static int entry_words(const struct decode_fmt *fmt, const char *text, uint64_t *words,
		       char *buf, size_t len)
{
	int n = decode_parse_line(text, words, fmt->nwords);

	if (n == 0)
		return 1;
	if (n >= (int)fmt_min_words(fmt))
		return 0;
	words_problem(fmt, text, buf, len);
	return -EINVAL;
}

/*
 * Parse one entry's words from text (a line, or arguments joined). 0 and
 * the words zero-filled to fmt->nwords; 1 for nothing to decode (blank or
 * comment); -EINVAL with a phrase in buf.
 */
static int entry_parse(const struct decode_fmt *fmt, const char *text, uint64_t *words,
		       char *buf, size_t len)
{
	int n;

	memset(words, 0, sizeof(uint64_t) * DECODE_MAX_WORDS);
	/* sysfs amd-iommu/features prints "EFR:EFR2": take it as it is */
	if (fmt_is_efr(fmt) && strchr(text, ':') && (!strchr(text, '#') || strchr(text, ':') < strchr(text, '#'))) {
		if (!decode_amd_features_parse(text, words))
			return 0;
		snprintf(buf, len, "'%s' is not an EFR:EFR2 pair of hexadecimal values", text);
		return -EINVAL;
	}
	/*
	 * iommuctl's own display of the features, "0x29d3,0x0" (iommu list) or
	 * "0x29d3, 0x0" (iommu show), pasted back: the comma separates words
	 */
	if (fmt_is_efr(fmt) && strcspn(text, ",") < strcspn(text, "#")) {
		char *copy = xstrdup(text);

		for (char *c = copy; *c && *c != '#'; c++)
			if (*c == ',')
				*c = ' ';
		n = entry_words(fmt, copy, words, buf, len);
		free(copy);
		return n;
	}
	return entry_words(fmt, text, words, buf, len);
}

static int run_error(struct iommuctl_ctx *ctx, const struct decode_fmt *fmt, const uint64_t *words,
		     int err, char *buf, size_t len)
{
	if (err == -ERANGE) {
		for (unsigned int i = 0; i < fmt->nwords; i++)
			if (fmt->width && fmt->width < 64 && (words[i] >> fmt->width)) {
				snprintf(buf, len, "word %u (0x%llx) is wider than the %u-bit %s entry", i,
					 (unsigned long long)words[i], fmt->width, fmt->name);
				return -EUSAGE;
			}
		snprintf(buf, len, "a word is wider than the %s entry", fmt->name);
		return -EUSAGE;
	}
	if (err == -EINVAL) {
		snprintf(buf, len, "the options given do not fit %s", fmt->name);
		return -EUSAGE;
	}
	snprintf(buf, len, "%s", strerror(-err));
	return err;
}

/* Batch: entries one per line from files and standard input. */
struct batch {
	struct iommuctl_ctx *ctx;
	const struct decode_fmt *fmt;
	const struct decode_opts *opts;
	struct decode_printer out;
	unsigned long bad;
	unsigned long lines;         /* read, of every source */
	int err;                     /* first failure other than a bad line */
};

static void batch_file(struct batch *b, FILE *f, const char *name)
{
	uint64_t words[DECODE_MAX_WORDS];
	struct decode_result r = { 0 };	/* one record array for every entry */
	struct line_reader lr;
	char msg[256];
	struct stat st;
	int err, rc;

	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		b->err = err_report(b->ctx, -EISDIR, "%s: is a directory", name);
		return;
	}
	line_reader_init(&lr, f, 0);
	while ((rc = line_next(&lr)) != 1) {
		if (rc == -EIO) {
			b->err = err_report(b->ctx, -EIO, "%s:%lu: read error: %s", name, lr.lineno + 1,
					    strerror(lr.err));
			break;
		}
		if (rc == -EFBIG) {
			b->err = err_report(b->ctx, -EFBIG, "%s:%lu: no newline in 64 MiB: not a text file",
					    name, lr.lineno);
			break;
		}
		if (rc == -E2BIG || rc == -EILSEQ) {
			err_msg(b->ctx, "%s:%lu: %s", name, lr.lineno,
				rc == -E2BIG ? "line longer than 1 MiB" : "NUL byte in the line");
			b->bad++;
			continue;
		}
		err = entry_parse(b->fmt, lr.buf, words, msg, sizeof(msg));
		if (err > 0)
			continue;
		if (!err) {
			err = decode_run_again(b->fmt, words, b->opts, &r);
			if (err)
				err = run_error(b->ctx, b->fmt, words, err, msg, sizeof(msg));
		}
		if (err) {
			err_msg(b->ctx, "%s:%lu: %s", name, lr.lineno, msg);
			if (err == -EUSAGE || err == -EINVAL)
				b->bad++;
			else if (!b->err)
				b->err = err;
			continue;
		}
		decode_printer_entry(&b->out, &r, words, b->opts);
		if (decode_printer_failed(&b->out) || b->err)
			break;
	}
	b->lines += lr.lineno;
	decode_result_release(&r);
	line_reader_release(&lr);
}

/* the source when no VALUE is given and standard input is not a terminal */
static char *stdin_src[] = { (char *)"-" };

static int decode_batch(struct iommuctl_ctx *ctx, const struct decode_fmt *fmt,
			const struct decode_opts *opts, int nsrc, char **src)
{
	struct batch b = { .ctx = ctx, .fmt = fmt, .opts = opts };
	int err;

	decode_printer_begin(&b.out, ctx_out(ctx), true);
	for (int i = 0; i < nsrc && !b.err && !decode_printer_failed(&b.out); i++) {
		const char *path = src[i];
		FILE *f;

		if (!strcmp(path, "-")) {
			batch_file(&b, stdin, "<stdin>");
			continue;
		}
		path++;	/* @FILE */
		f = fopen(path, "r");
		if (!f) {
			b.err = err_input(ctx, -errno, "%s: %s", path, strerror(errno));
			break;
		}
		batch_file(&b, f, path);
		fclose(f);
	}
	if (decode_printer_end(&b.out) && !b.err)
		b.err = -EIO;
	err = b.err;
	if (!err && b.bad) {
		ctx->reported = true;
		err = -EUSAGE;
	}
	/* no VALUE, and standard input (not a terminal) held nothing: not a silent success */
	if (!err && !b.lines && nsrc == 1 && src == stdin_src)
		err = err_report(ctx, -EUSAGE, "no VALUE given, and standard input is empty: %s takes %u hex "
				 "word%s", fmt->name, fmt->nwords, fmt->nwords == 1 ? "" : "s");
	return err;
}

static bool is_source(const char *s)
{
	return !strcmp(s, "-") || s[0] == '@';
}

static int decode_format(struct iommuctl_ctx *ctx, void *optsp, int argc, char **argv)
{
	const struct decode_fmt *fmt;
	struct decode_opts opts;
	uint64_t words[DECODE_MAX_WORDS];
	struct decode_result r;
	struct decode_printer out;
	char msg[256];
	char *text;
	int nsrc = 0, err;

	err = format_lookup(ctx, argv[0], &fmt);
	if (err)
		return err;
	err = decode_opts_from_cli(ctx, fmt, optsp, &opts);
	if (err)
		return err;
	argc--;
	argv++;

	for (int i = 0; i < argc; i++)
		nsrc += is_source(argv[i]);
	if (nsrc && nsrc != argc) {
		const char *src = argv[0];

		for (int i = 0; i < argc && !is_source(src); i++)
			src = argv[i];
		return err_report(ctx, -EUSAGE,
				  "give values, or '-' and @FILE sources, not both ('%s' is a source)", src);
	}
	if (!argc) {
		if (isatty(STDIN_FILENO))
			return err_report(ctx, -EUSAGE,
					  "no VALUE given: %s takes %u hex word%s (or '-' to read entries from standard input)",
					  fmt->name, fmt->nwords, fmt->nwords == 1 ? "" : "s");
		return decode_batch(ctx, fmt, &opts, 1, stdin_src);
	}
	if (nsrc)
		return decode_batch(ctx, fmt, &opts, argc, argv);

	if (argc > (int)fmt->nwords)
		return err_report(ctx, -EUSAGE, "expected %u word%s (word 0 first), got %d",
				  fmt->nwords, fmt->nwords == 1 ? "" : "s", argc);
	{
		struct strv sv = { 0 };

		for (int i = 0; i < argc; i++) {
			/* a '#' would start a comment in the line syntax: not on the command line */
			if (strchr(argv[i], '#'))
				return err_report(ctx, -EUSAGE, "'%s' is not a hexadecimal value", argv[i]);
			strv_push(&sv, argv[i]);
		}
		text = strv_join(&sv, " ");
		strv_free(&sv);
	}
	err = entry_parse(fmt, text, words, msg, sizeof(msg));
	free(text);
	if (err > 0)
		return err_report(ctx, -EUSAGE, "no value given");
	if (err)
		return err_report(ctx, -EUSAGE, "%s", msg);
	err = decode_run(fmt, words, &opts, &r);
	if (err) {
		err = run_error(ctx, fmt, words, err, msg, sizeof(msg));
		return err_report(ctx, err, "%s", msg);
	}
	decode_printer_begin(&out, ctx_out(ctx), false);
	decode_printer_entry(&out, &r, words, &opts);
	err = decode_printer_end(&out);
	decode_result_release(&r);
	return err;
}

/* ---- decode log ---- */

/*
 * Each line passes through; a report's annotation goes below its last
 * line, or above the line that shows it ended early.
 */
static void log_line(struct klog_parser *kp, struct klog_out *ko, const char *line, size_t len)
{
	struct klog_event done[2];
	int n, before;

	n = klog_feed(kp, line, done, &before);
	for (int i = 0; i < before; i++)
		klog_out_event(ko, &done[i]);
	klog_out_line(ko, line, len);
	for (int i = before; i < n; i++)
		klog_out_event(ko, &done[i]);
}

static int decode_log(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const char *name = argc ? argv[0] : "-";
	struct klog_parser kp;
	struct klog_event ev;
	struct klog_out ko;
	struct line_reader lr;
	FILE *f = stdin;
	struct stat st;
	int err = 0, rc;

	if (strcmp(name, "-")) {
		f = fopen(name, "r");
		if (!f)
			return err_input(ctx, -errno, "%s: %s", name, strerror(errno));
		if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
			fclose(f);
			return err_input(ctx, -EISDIR, "%s: is a directory", name);
		}
	} else if (isatty(STDIN_FILENO)) {
		return err_report(ctx, -EUSAGE,
				  "standard input is a terminal: give a FILE or pipe the log in (dmesg | iommuctl decode log)");
	}
	klog_parser_init(&kp);
	klog_out_begin(&ko, ctx_out(ctx));
	line_reader_init(&lr, f, 0);
	while ((rc = line_next(&lr)) != 1) {
		size_t n = lr.len;

		if (rc == -EIO) {
			err = err_report(ctx, -EIO, "%s:%lu: read error: %s", name, lr.lineno + 1, strerror(lr.err));
			break;
		}
		if (rc == -EFBIG) {
			err = err_report(ctx, -EFBIG, "%s:%lu: no newline in 64 MiB: not a text file", name, lr.lineno);
			break;
		}
		if (rc == -E2BIG || rc == -EILSEQ) {
			/* no kernel line is like that: not a report, and not passed through */
			warn_msg(ctx, "%s:%lu: %s: skipped", name, lr.lineno,
				 rc == -E2BIG ? "line longer than 1 MiB" : "NUL byte in the line");
			continue;
		}
		/* keep passed-through lines whole: give an unterminated last line its newline */
		if (lr.buf[n - 1] != '\n') {
			if (lr.cap < n + 2)
				lr.buf = xrealloc(lr.buf, lr.cap = n + 2);
			lr.buf[n++] = '\n';
			lr.buf[n] = '\0';
		}
		log_line(&kp, &ko, lr.buf, n);
	}
	line_reader_release(&lr);
	if (klog_finish(&kp, &ev))
		klog_out_event(&ko, &ev);
	if (f != stdin)
		fclose(f);
	if (klog_out_end(&ko) && !err)
		err = -EIO;
	return err;
}

static const struct cli_verb decode_verbs[] = {
	{
		.name = "list",
		.alias = "ls",
		.summary = "list the formats the decoder knows",
		.doc = "One row per format: its name, what it is, the specification section it "
		       "follows, how many hex words an entry takes, the options it accepts, and "
		       "other names for it. 'decode list -n -o name' prints just the names.",
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_LIST | CLI_NO_VIEW,
		.run = decode_list,
	},
	{
		.name = "log",
		.summary = "annotate IOMMU fault reports in a kernel log",
		.args_doc = "[FILE]",
		.doc = "Reads kernel log text (dmesg, journalctl -k; standard input by default or "
		       "with FILE '-') and passes every line through, adding after each VT-d (DMAR), "
		       "AMD-Vi, Arm SMMUv3 and RISC-V IOMMU fault report a line starting with '    iommuctl: ' "
		       "that names the device, the address and the decoded reason. With -j, prints "
		       "an array of the fault events only.",
		.min_args = 0,
		.max_args = 1,
		.flags = CLI_NO_VIEW,
		.run = decode_log,
	},
	{ 0 }
};

static const struct cli_verb decode_fallback = {
	.name = "FORMAT",
	.summary = "decode a register or table entry field by field",
	.args_doc = "[VALUE...|-|@FILE...]",
	.doc = "FORMAT is a name from 'iommuctl decode list' (or an alias). VALUE is one hex "
	       "word per argument (0x optional, '_' allowed between digits), word 0 first as the "
	       "specification numbers them; missing trailing words of formats that allow it are "
	       "zero. '-' reads standard input and @FILE a file, one entry per line ('#' starts a "
	       "comment), as does no VALUE when standard input is not a terminal. Prints every "
	       "field (bits, name, raw value, meaning) and warnings for reserved bits that are "
	       "set. Exit status 3 for an unknown format, 2 for a malformed value or an option "
	       "the format does not take.",
	.options = decode_options,
	.parser = decode_parse_opt,
	.opts_size = sizeof(struct decode_cli_opts),
	.min_args = 1,
	.max_args = -1,
	.flags = CLI_NO_VIEW,
	.run = decode_format,
};

const struct cli_object cli_object_decode = {
	.name = "decode",
	.summary = "decode registers, table entries and kernel fault logs",
	.default_verb = "list",
	.verbs = decode_verbs,
	.fallback = &decode_fallback,
};
