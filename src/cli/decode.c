/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode list / decode FORMAT VALUE... / decode log: the bit-field decoders
 * of src/decode/ on the command line, one entry from arguments or one per
 * line from files and standard input, and kernel-log annotation of VT-d,
 * AMD-Vi and SMMUv3 fault reports. Reads no machine state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/decode_out.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "decode/decode.h"
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
			"hex words an entry takes, word 0 first (MIN-MAX when fewer may be given)" },
	[COL_OPTIONS] = { "OPTIONS", OCT_LIST, 0, OCF_DEFAULT, "options the format takes (--level with its range)" },
	[COL_ALIASES] = { "ALIASES", OCT_LIST, 0, OCF_DEFAULT, "other names for the format" },
	[COL_BITS] = { "BITS", OCT_NUM, 0, OCF_RIGHT, "size of one entry in bits" },
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
	if (!cand.n)
		return err_report(ctx, -ENOENT, "unknown format '%s' (see 'iommuctl decode list')", name);
	list = strv_join(&cand, ", ");
	err = err_report(ctx, -ENOENT, "unknown format '%s'; did you mean: %s", name, list);
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
	n = decode_parse_line(text, words, fmt->nwords);
	if (n == 0)
		return 1;
	if (n >= (int)fmt_min_words(fmt))
		return 0;
	words_problem(fmt, text, buf, len);
	return -EINVAL;
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
	struct decode_buf buf;       /* text */
	unsigned long bad;
	int err;                     /* first failure other than a bad line */
};

static void batch_file(struct batch *b, FILE *f, const char *name)
{
	uint64_t words[DECODE_MAX_WORDS];
	struct decode_result r;
	char msg[256];
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int err;

	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		err = entry_parse(b->fmt, line, words, msg, sizeof(msg));
		if (err > 0)
			continue;
		if (!err) {
			err = decode_run(b->fmt, words, b->opts, &r);
			if (err)
				err = run_error(b->ctx, b->fmt, words, err, msg, sizeof(msg));
		}
		if (err) {
			err_msg(b->ctx, "%s:%lu: %s", name, lineno, msg);
			if (err == -EUSAGE || err == -EINVAL)
				b->bad++;
			else if (!b->err)
				b->err = err;
			continue;
		}
		if (b->ctx->json)
			decode_emit_entry(ctx_out(b->ctx), NULL, NULL, &r, words, b->opts);
		else
			decode_text_entry(&b->buf, &r, words, b->opts);
		decode_result_release(&r);
		if (b->buf.error || b->err)
			break;
	}
	if (ferror(f) && !b->err)
		b->err = err_report(b->ctx, -EIO, "%s: read error", name);
	free(line);
}

static int decode_batch(struct iommuctl_ctx *ctx, const struct decode_fmt *fmt,
			const struct decode_opts *opts, int nsrc, char **src)
{
	struct batch b = { .ctx = ctx, .fmt = fmt, .opts = opts };
	int err;

	if (!ctx->json)
		decode_buf_init(&b.buf, ctx->outf, 1 << 16);
	else
		out_list_begin(ctx_out(ctx), NULL, NULL);
	for (int i = 0; i < nsrc && !b.err && !b.buf.error; i++) {
		const char *path = src[i];
		FILE *f;

		if (!strcmp(path, "-")) {
			batch_file(&b, stdin, "<stdin>");
			continue;
		}
		path++;	/* @FILE */
		f = fopen(path, "r");
		if (!f) {
			b.err = err_report(ctx, -errno, "%s: %s", path, strerror(errno));
			break;
		}
		batch_file(&b, f, path);
		fclose(f);
	}
	if (ctx->json)
		out_list_end(ctx_out(ctx));
	else if (decode_buf_release(&b.buf) && !b.err)
		b.err = -EIO;
	err = b.err;
	if (!err && b.bad) {
		ctx->reported = true;
		err = -EUSAGE;
	}
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
	struct decode_buf buf;
	char msg[256];
	char *text;
	int nsrc = 0, err;
	char *stdin_src[] = { (char *)"-" };

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
	if (ctx->json) {
		struct out *o = ctx_out(ctx);

		decode_emit_entry(o, NULL, NULL, &r, words, &opts);
		err = out_flush(o);
	} else {
		decode_buf_init(&buf, ctx->outf, 1 << 14);
		decode_text_entry(&buf, &r, words, &opts);
		err = decode_buf_release(&buf);
	}
	decode_result_release(&r);
	return err;
}

/* ---- decode log ---- */

/*
 * Kernel log lines this reads (the driver's printk formats):
 *  intel/dmar.c dmar_fault_do_one(), v5.x-current:
 *    DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x7f000 [fault reason 0x06] TEXT
 *    DMAR: [DMA Write PASID 0x2] Request device [...] fault addr 0x... [fault reason 0x05] TEXT
 *    DMAR: [INTR-REMAP] Request device [f0:1f.0] fault index 0x2 [fault reason 0x25] TEXT
 *  older kernels: "[DMA Read] ... [PASID ffffffff] fault addr 7f000 [fault reason 06]" (decimal
 *  reason, hex address without 0x), and before v4.7 the reason on the next line:
 *    DMAR:[DMA Read] Request device [00:02.0] fault addr 6df084000
 *    DMAR:[fault reason 06] PTE Read access is not set
 *  amd/iommu.c, with or without the device prefix of pci_err():
 *    AMD-Vi: Event logged [IO_PAGE_FAULT device=0000:00:03.0 domain=0x000b address=0x... flags=0x0020]
 *    vfio-pci 0000:00:03.0: AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000b address=0x... flags=0x0020]
 *    (and ILLEGAL_DEV_TABLE_ENTRY, PAGE_TAB_HARDWARE_ERROR, IOTLB_INV_TIMEOUT, ... with key=value pairs)
 *  arm/arm-smmu-v3: "event 0x10 received:" then the four event-record words,
 *    arm-smmu-v3 arm-smmu-v3.0.auto: event 0x10 received:
 *    arm-smmu-v3 arm-smmu-v3.0.auto: \t0x0000000800000010
 *    ... (three more)
 */

enum log_source { LOG_DMAR, LOG_AMD, LOG_SMMU };

static const char *const log_source_names[] = {
	[LOG_DMAR] = "dmar",
	[LOG_AMD] = "amd-vi",
	[LOG_SMMU] = "arm-smmu-v3",
};

struct log_event {
	enum log_source src;
	unsigned long line;
	char type[40];
	char device[40];           /* "" when the line does not say */
	bool has_addr;
	uint64_t addr;
	const char *access;        /* "read", "write", "interrupt", or NULL */
	char detail[128];          /* more about the access: ", execute, user" */
	char reason[160];          /* decoded cause */
	/* DMAR */
	bool has_code, has_pasid, intr;
	unsigned int code;
	uint64_t pasid;
	/* AMD-Vi */
	bool has_domain, has_flags;
	unsigned int domain, flags;
	/* SMMUv3 */
	bool has_ipa, has_fetch;
	uint64_t ipa, fetch;
	char smmu[64];
	unsigned int nwords;
	uint64_t words[4];
	/* the annotation line, without the prefix */
	char text[512];
};

#define LOG_PREFIX "    iommuctl: "

/* Hex after an optional 0x; returns the end or NULL. */
static const char *scan_hex(const char *s, uint64_t *v)
{
	const char *p = s;
	uint64_t x = 0;
	int n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; isxdigit((unsigned char)*p); p++, n++) {
		if (n == 16)
			return NULL;
		x = x << 4 | (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : tolower(*p) - 'a' + 10);
	}
	if (!n)
		return NULL;
	*v = x;
	return p;
}

static void dmar_reason_text(struct log_event *ev, const char *kernel_text)
{
	const char *t = decode_vtd_fault_reason(ev->code);

	if (t)
		snprintf(ev->reason, sizeof(ev->reason), "%s", t);
	else if (kernel_text && *kernel_text)
		snprintf(ev->reason, sizeof(ev->reason), "%.130s (kernel's wording)", kernel_text);
	else
		snprintf(ev->reason, sizeof(ev->reason), "unknown fault reason");
}

/* "[fault reason 0x06] TEXT", "[fault reason 06] TEXT" (decimal), "[fault reason 06h]" */
static bool dmar_scan_reason(const char *p, struct log_event *ev)
{
	const char *q = strstr(p, "[fault reason ");
	char text[160];
	uint64_t v;
	char *end;

	if (!q)
		return false;
	q += strlen("[fault reason ");
	if (q[0] == '0' && q[1] == 'x') {
		if (!(end = (char *)scan_hex(q, &v)))
			return false;
	} else {
		v = strtoull(q, &end, 10);
		if (end == q)
			return false;
		if (*end == 'h' || isxdigit((unsigned char)*end)) {
			if (!(end = (char *)scan_hex(q, &v)))
				return false;
			if (*end == 'h')
				end++;
		}
	}
	if (*end != ']')
		return false;
	end++;
	while (*end == ' ')
		end++;
	snprintf(text, sizeof(text), "%s", end);
	str_rstrip(text);
	ev->has_code = true;
	ev->code = (unsigned int)v;
	dmar_reason_text(ev, text);
	return true;
}

/* A DMAR fault line: 1 parsed, 0 not one. */
static int dmar_parse(const char *line, struct log_event *ev)
{
	const char *p = strstr(line, "DMAR:"), *b, *q;
	char kind[40];
	size_t n;

	if (!p)
		return 0;
	p += 5;
	while (*p == ' ')
		p++;
	if (*p != '[' || !(q = strstr(p, "] Request device [")))
		return 0;
	n = (size_t)(q - p - 1);
	if (n >= sizeof(kind))
		return 0;
	memcpy(kind, p + 1, n);
	kind[n] = '\0';
	b = q + strlen("] Request device [");
	q = strchr(b, ']');
	if (!q || (size_t)(q - b) >= sizeof(ev->device))
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->src = LOG_DMAR;
	memcpy(ev->device, b, (size_t)(q - b));
	p = q + 1;

	/* kind: "DMA Read NO_PASID", "DMA Write PASID 0x2", "DMA Read", "INTR-REMAP" */
	if (str_startswith(kind, "INTR-REMAP")) {
		ev->intr = true;
		ev->access = "interrupt";
		snprintf(ev->type, sizeof(ev->type), "INTR-REMAP");
	} else if (str_startswith(kind, "DMA Read") || str_startswith(kind, "DMA Write")) {
		bool rd = kind[4] == 'R';
		const char *pas = strstr(kind, "PASID 0x");

		ev->access = rd ? "read" : "write";
		snprintf(ev->type, sizeof(ev->type), "%s", rd ? "DMA Read" : "DMA Write");
		if (pas && scan_hex(pas + 6, &ev->pasid))
			ev->has_pasid = true;
	} else {
		return 0;
	}
	/* v5.x: "PASID ffffffff" between the device and the address; all ones is none */
	q = strstr(p, " PASID ");
	if (q && (!strstr(p, " fault ") || q < strstr(p, " fault "))) {
		uint64_t v;

		if (scan_hex(q + 7, &v) && v != 0xffffffff) {
			ev->pasid = v;
			ev->has_pasid = true;
		}
	}
	if ((q = strstr(p, " fault addr ")) && scan_hex(q + 12, &ev->addr))
		ev->has_addr = true;
	else if ((q = strstr(p, " fault index ")) && scan_hex(q + 13, &ev->addr))
		ev->has_addr = true;
	dmar_scan_reason(p, ev);
	return 1;
}

static void dmar_text(struct log_event *ev)
{
	char pasid[32] = "", reason[200] = "";

	if (ev->has_pasid)
		snprintf(pasid, sizeof(pasid), ", PASID 0x%llx", (unsigned long long)ev->pasid);
	if (ev->has_code)
		snprintf(reason, sizeof(reason), ", reason 0x%02x: %s", ev->code, ev->reason);
	else
		snprintf(reason, sizeof(reason), ", reason not in the log");
	if (ev->intr)
		snprintf(ev->text, sizeof(ev->text),
			 "device %s, interrupt remapping table index 0x%llx%s", ev->device,
			 (unsigned long long)ev->addr, reason);
	else
		snprintf(ev->text, sizeof(ev->text), "device %s, IOVA 0x%llx, DMA %s%s%s", ev->device,
			 (unsigned long long)ev->addr, ev->access, pasid, reason);
}

/* IO_PAGE_FAULT flags (AMD IOMMU spec, event log: flags = event bits 59:48 of the entry) */
static const struct {
	unsigned int bit;
	const char *name;
} amd_flag_names[] = {
	{ 0, "GN" }, { 1, "NX" }, { 2, "US" }, { 3, "I" }, { 4, "PR" },
	{ 5, "RW" }, { 6, "PE" }, { 7, "RZ" }, { 8, "TR" },
};

#define AMD_GN (1u << 0)
#define AMD_NX (1u << 1)
#define AMD_US (1u << 2)
#define AMD_I  (1u << 3)
#define AMD_PR (1u << 4)
#define AMD_RW (1u << 5)
#define AMD_PE (1u << 6)
#define AMD_RZ (1u << 7)
#define AMD_TR (1u << 8)

static void amd_page_fault_reason(struct log_event *ev)
{
	unsigned int f = ev->flags;
	const char *cause;

	ev->access = f & AMD_I ? "interrupt" : f & AMD_RW ? "write" : "read";
	if (f & AMD_RZ)
		cause = "reserved bits set or an invalid level in a table entry";
	else if (!(f & AMD_PR))
		cause = f & AMD_I ? "interrupt remapping entry not present" :
				    "page-table entry not present";
	else if (f & AMD_PE)
		cause = "access not permitted by the page-table entry";
	else
		cause = "entry present, no permission or reserved-bit error flagged";
	snprintf(ev->detail, sizeof(ev->detail), "%s%s%s%s", f & AMD_NX ? ", execute" : "",
		 f & AMD_US ? ", user" : "", f & AMD_GN ? ", with PASID (guest)" : "",
		 f & AMD_TR ? ", ATS translation request" : "");
	snprintf(ev->reason, sizeof(ev->reason), "%s", cause);
}

/* key=value in the bracket, value up to a blank, comma or ']' */
static bool amd_field(const char *body, const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);
	const char *p = body;

	while ((p = strstr(p, key))) {
		if (p[kl] == '=' && (p == body || p[-1] == ' ' || p[-1] == ',')) {
			size_t n;

			p += kl + 1;
			n = strcspn(p, " ,]");
			if (n >= len)
				return false;
			memcpy(val, p, n);
			val[n] = '\0';
			return true;
		}
		p += kl;
	}
	return false;
}

static int amd_parse(const char *line, struct log_event *ev)
{
	const char *p = strstr(line, "AMD-Vi: Event logged ["), *body;
	char val[64];
	uint64_t v;
	size_t n;

	if (!p)
		return 0;
	body = p + strlen("AMD-Vi: Event logged [");
	n = strcspn(body, " ]");
	if (!n || n >= sizeof(ev->type))
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->src = LOG_AMD;
	memcpy(ev->type, body, n);
	if (amd_field(body, "device", val, sizeof(val))) {
		snprintf(ev->device, sizeof(ev->device), "%.39s", val);
	} else if (p > line + 2 && p[-1] == ' ' && p[-2] == ':') {
		/* "DRIVER 0000:00:03.0: AMD-Vi: ...": the device pci_err() named */
		const char *e = p - 2, *s = e;

		while (s > line && s[-1] != ' ')
			s--;
		if ((size_t)(e - s) < sizeof(ev->device)) {
			memcpy(ev->device, s, (size_t)(e - s));
			ev->device[e - s] = '\0';
			if (!pci_addr_looks_like(ev->device))
				ev->device[0] = '\0';
		}
	}
	if ((amd_field(body, "address", val, sizeof(val)) || amd_field(body, "gpa", val, sizeof(val)) ||
	     amd_field(body, "spa", val, sizeof(val))) && scan_hex(val, &ev->addr))
		ev->has_addr = true;
	if (amd_field(body, "domain", val, sizeof(val)) && scan_hex(val, &v)) {
		ev->has_domain = true;
		ev->domain = (unsigned int)v;
	}
	if (amd_field(body, "pasid", val, sizeof(val)) && scan_hex(val, &v)) {
		ev->has_pasid = true;
		ev->pasid = v;
	}
	if (amd_field(body, "flags", val, sizeof(val)) && scan_hex(val, &v)) {
		ev->has_flags = true;
		ev->flags = (unsigned int)v;
	}
	if (!strcmp(ev->type, "IO_PAGE_FAULT") && ev->has_flags)
		amd_page_fault_reason(ev);
	else if (!strcmp(ev->type, "ILLEGAL_DEV_TABLE_ENTRY"))
		snprintf(ev->reason, sizeof(ev->reason), "the device table entry is invalid (reserved bits or bad settings)");
	else if (!strcmp(ev->type, "DEV_TAB_HARDWARE_ERROR"))
		snprintf(ev->reason, sizeof(ev->reason), "hardware error reading the device table");
	else if (!strcmp(ev->type, "PAGE_TAB_HARDWARE_ERROR"))
		snprintf(ev->reason, sizeof(ev->reason), "hardware error reading a page table");
	else if (!strcmp(ev->type, "ILLEGAL_COMMAND_ERROR"))
		snprintf(ev->reason, sizeof(ev->reason), "the IOMMU rejected a command in the command buffer");
	else if (!strcmp(ev->type, "COMMAND_HARDWARE_ERROR"))
		snprintf(ev->reason, sizeof(ev->reason), "hardware error reading the command buffer");
	else if (!strcmp(ev->type, "IOTLB_INV_TIMEOUT"))
		snprintf(ev->reason, sizeof(ev->reason), "the device did not answer an ATS invalidation in time");
	else if (!strcmp(ev->type, "INVALID_DEVICE_REQUEST"))
		snprintf(ev->reason, sizeof(ev->reason), "the device made a request it is not allowed to make");
	else if (!strcmp(ev->type, "INVALID_PPR_REQUEST"))
		snprintf(ev->reason, sizeof(ev->reason), "invalid peripheral page request");
	else if (!strcmp(ev->type, "RMP_PAGE_FAULT"))
		snprintf(ev->reason, sizeof(ev->reason), "SEV-SNP reverse map table check failed");
	else if (!strcmp(ev->type, "RMP_HW_ERROR"))
		snprintf(ev->reason, sizeof(ev->reason), "hardware error reading the SEV-SNP reverse map table");
	else
		snprintf(ev->reason, sizeof(ev->reason), "event not known to iommuctl");
	return 1;
}

static void amd_text(struct log_event *ev)
{
	char dom[24] = "", addr[32] = "", flags[24] = "", pasid[32] = "";

	if (ev->has_domain)
		snprintf(dom, sizeof(dom), ", domain 0x%04x", ev->domain);
	if (ev->has_addr)
		snprintf(addr, sizeof(addr), ", %s 0x%llx", !strcmp(ev->type, "IO_PAGE_FAULT") ? "IOVA" : "address",
			 (unsigned long long)ev->addr);
	if (ev->has_pasid)
		snprintf(pasid, sizeof(pasid), ", PASID 0x%llx", (unsigned long long)ev->pasid);
	if (ev->has_flags)
		snprintf(flags, sizeof(flags), " flags 0x%04x", ev->flags);
	snprintf(ev->text, sizeof(ev->text), "device %s%s%s%s, %s%s: %s%s%s%s",
		 ev->device[0] ? ev->device : "unknown", dom, pasid, addr, ev->type, flags,
		 ev->access ? ev->access : "", ev->detail, ev->access ? ", " : "", ev->reason);
}

/* SMMUv3 event record (SMMUv3 spec, chapter 7 Events) */
#define SMMU_EV_ADDR  (1u << 0)  /* word 2 is the input address */
#define SMMU_EV_IPA   (1u << 1)  /* word 3 bits 51:12 are the IPA (stage 2) */
#define SMMU_EV_FETCH (1u << 2)  /* word 3 bits 51:3 are the fetch address */
#define SMMU_EV_ACC   (1u << 3)  /* word 1 describes the access */
#define SMMU_IPA_MASK 0x000ffffffffff000ULL

static const struct {
	unsigned int id;
	const char *name;
	const char *what;
	unsigned int has;
} smmu_events[] = {
	{ 0x01, "F_UUT", "unsupported upstream transaction", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x02, "C_BAD_STREAMID", "StreamID beyond the stream table", 0 },
	{ 0x03, "F_STE_FETCH", "external abort fetching the stream table entry", SMMU_EV_FETCH },
	{ 0x04, "C_BAD_STE", "invalid stream table entry", 0 },
	{ 0x05, "F_BAD_ATS_TREQ", "ATS translation request not allowed", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x06, "F_STREAM_DISABLED", "transaction on a disabled stream", 0 },
	{ 0x07, "F_TRANSL_FORBIDDEN", "translated (ATS) transaction not allowed", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x08, "C_BAD_SUBSTREAMID", "SubstreamID out of range or not allowed", 0 },
	{ 0x09, "F_CD_FETCH", "external abort fetching the context descriptor", SMMU_EV_FETCH },
	{ 0x0a, "C_BAD_CD", "invalid context descriptor", 0 },
	{ 0x0b, "F_WALK_EABT", "external abort during a translation table walk",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_FETCH },
	{ 0x10, "F_TRANSLATION", "translation fault: no valid mapping for the address",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x11, "F_ADDR_SIZE", "address size fault: address beyond the configured range",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x12, "F_ACCESS", "access flag fault", SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x13, "F_PERMISSION", "permission fault: the mapping does not allow this access",
	  SMMU_EV_ADDR | SMMU_EV_ACC | SMMU_EV_IPA },
	{ 0x20, "F_TLB_CONFLICT", "TLB conflict", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x21, "F_CFG_CONFLICT", "configuration cache conflict", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x24, "E_PAGE_REQUEST", "page request hint", SMMU_EV_ADDR | SMMU_EV_ACC },
	{ 0x25, "F_VMS_FETCH", "external abort fetching the VMS", SMMU_EV_FETCH },
};

static const char *const smmu_class_names[] = {
	"CD fetch", "translation table fetch", "input address", "reserved class",
};

static void smmu_decode(struct log_event *ev)
{
	uint64_t w0 = ev->words[0], w1 = ev->words[1];
	unsigned int id = (unsigned int)(w0 & 0xff), has = SMMU_EV_ADDR | SMMU_EV_ACC;
	const char *name = NULL, *what = "event not known to iommuctl";
	char ssid[32] = "", addr[48] = "", extra[64] = "", acc[128] = "";

	for (size_t i = 0; i < ARRAY_SIZE(smmu_events); i++)
		if (smmu_events[i].id == id) {
			name = smmu_events[i].name;
			what = smmu_events[i].what;
			has = smmu_events[i].has;
		}
	if (id >= 0xe0 && id <= 0xef)
		what = "IMPLEMENTATION DEFINED event";
	snprintf(ev->type, sizeof(ev->type), "%s", name ? name : "UNKNOWN");
	if (w0 & (1u << 11)) {
		ev->has_pasid = true;
		ev->pasid = (w0 >> 12) & 0xfffff;
		snprintf(ssid, sizeof(ssid), ", SubstreamID 0x%llx", (unsigned long long)ev->pasid);
	}
	if (has & SMMU_EV_ADDR) {
		ev->has_addr = true;
		ev->addr = ev->words[2];
		snprintf(addr, sizeof(addr), ", IOVA 0x%llx", (unsigned long long)ev->addr);
	}
	if (has & SMMU_EV_ACC) {
		bool s2 = w1 & (1ULL << 39);

		ev->access = w1 & (1ULL << 35) ? "read" : "write";
		snprintf(acc, sizeof(acc), " (%s, %s, %s, stage %d, class %s%s)", ev->access,
			 w1 & (1ULL << 34) ? "instruction" : "data",
			 w1 & (1ULL << 33) ? "privileged" : "unprivileged", s2 ? 2 : 1,
			 smmu_class_names[(w1 >> 40) & 3], w1 & (1ULL << 31) ? ", stalled" : "");
		if ((has & SMMU_EV_IPA) && s2) {
			ev->has_ipa = true;
			ev->ipa = ev->words[3] & SMMU_IPA_MASK;
			snprintf(extra, sizeof(extra), ", IPA 0x%llx", (unsigned long long)ev->ipa);
		}
	}
	if (has & SMMU_EV_FETCH) {
		ev->has_fetch = true;
		ev->fetch = ev->words[3] & 0x000ffffffffffff8ULL;
		snprintf(extra, sizeof(extra), ", fetch address 0x%llx", (unsigned long long)ev->fetch);
	}
	snprintf(ev->reason, sizeof(ev->reason), "%s", what);
	snprintf(ev->text, sizeof(ev->text), "StreamID 0x%llx%s%s%s, event 0x%02x %s: %s%s",
		 (unsigned long long)(w0 >> 32), ssid, addr, extra, id, ev->type, what, acc);
}

/* "SMMU: event 0x10 received:" -> 1 and the SMMU's name */
static int smmu_event_start(const char *line, struct log_event *ev)
{
	const char *p = strstr(line, "event 0x"), *s, *e;
	uint64_t id;
	const char *q;

	if (!p || !(q = scan_hex(p + 6, &id)) || strncmp(q, " received:", 10))
		return 0;
	memset(ev->smmu, 0, sizeof(ev->smmu));
	/* "arm-smmu-v3 arm-smmu-v3.0.auto: event ...": the device name before ": " */
	e = p;
	while (e > line && (e[-1] == ' ' || e[-1] == ':'))
		e--;
	s = e;
	while (s > line && s[-1] != ' ' && s[-1] != ']')
		s--;
	if (e > s && (size_t)(e - s) < sizeof(ev->smmu))
		memcpy(ev->smmu, s, (size_t)(e - s));
	if (!strstr(line, "smmu") && !strstr(line, "SMMU"))
		return 0;
	ev->src = LOG_SMMU;
	ev->nwords = 0;
	return 1;
}

/* A record word line: the last token is 0x and 16 hex digits. */
static bool smmu_word(const char *line, uint64_t *w)
{
	size_t n = strlen(line);
	const char *end;

	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	if (n < 18)
		return false;
	if (n > 18 && !isspace((unsigned char)line[n - 19]))
		return false;
	end = scan_hex(line + n - 18, w);
	return end == line + n && line[n - 17] == 'x';
}

struct log_state {
	struct iommuctl_ctx *ctx;
	struct out *o;             /* JSON */
	unsigned long nevents;
	bool dmar_pending;         /* old two-line DMAR report waiting for its reason */
	struct log_event dmar;
	bool smmu_pending;         /* collecting the record words */
	struct log_event smmu;
	size_t len;                /* of the current line, which may hold NULs */
};

static void log_emit(struct log_state *st, struct log_event *ev)
{
	struct out *o = st->o;

	st->nevents++;
	if (!o) {
		fputs(LOG_PREFIX, st->ctx->outf);
		fputs(ev->text, st->ctx->outf);
		fputc('\n', st->ctx->outf);
		return;
	}
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "line", NULL, ev->line);
	out_str(o, "source", NULL, log_source_names[ev->src]);
	out_str(o, "event", NULL, ev->type);
	out_str(o, "device", NULL, ev->device[0] ? ev->device : NULL);
	if (ev->has_addr)
		out_hex(o, "address", NULL, ev->addr);
	else
		out_str(o, "address", NULL, NULL);
	out_str(o, "access", NULL, ev->access);
	out_str(o, "reason", NULL, ev->reason[0] ? ev->reason : NULL);
	if (ev->has_pasid)
		out_u64(o, "pasid", NULL, ev->pasid);
	else
		out_str(o, "pasid", NULL, NULL);
	switch (ev->src) {
	case LOG_DMAR:
		if (ev->has_code)
			out_u64(o, "fault_reason", NULL, ev->code);
		else
			out_str(o, "fault_reason", NULL, NULL);
		if (ev->intr)
			out_u64(o, "index", NULL, ev->addr);
		break;
	case LOG_AMD:
		if (ev->has_domain)
			out_u64(o, "domain", NULL, ev->domain);
		if (ev->has_flags) {
			struct strv names = { 0 };

			out_hex(o, "flags", NULL, ev->flags);
			for (size_t i = 0; i < ARRAY_SIZE(amd_flag_names); i++)
				if (ev->flags & (1u << amd_flag_names[i].bit))
					strv_push(&names, amd_flag_names[i].name);
			if (!strcmp(ev->type, "IO_PAGE_FAULT"))
				out_strv(o, "flag_names", NULL, &names);
			strv_free(&names);
		}
		break;
	case LOG_SMMU: {
		char buf[24];

		out_str(o, "smmu", NULL, ev->smmu[0] ? ev->smmu : NULL);
		out_u64(o, "event_id", NULL, ev->words[0] & 0xff);
		out_u64(o, "stream_id", NULL, ev->words[0] >> 32);
		if (ev->has_ipa)
			out_hex(o, "ipa", NULL, ev->ipa);
		if (ev->has_fetch)
			out_hex(o, "fetch_address", NULL, ev->fetch);
		out_list_begin(o, "words", NULL);
		for (unsigned int i = 0; i < ev->nwords; i++) {
			*decode_put_hex(buf, ev->words[i], 16) = '\0';
			out_str(o, NULL, NULL, buf);
		}
		out_list_end(o);
		break;
	}
	}
	out_str(o, "text", NULL, ev->text);
	out_obj_end(o);
}

static void log_pass(struct log_state *st, const char *line)
{
	if (!st->o)
		fwrite(line, 1, st->len, st->ctx->outf);
}

static void log_flush_pending(struct log_state *st)
{
	if (st->dmar_pending) {
		dmar_text(&st->dmar);
		log_emit(st, &st->dmar);
		st->dmar_pending = false;
	}
	if (st->smmu_pending) {
		/* the record was cut short: decode what there is */
		smmu_decode(&st->smmu);
		log_emit(st, &st->smmu);
		st->smmu_pending = false;
	}
}

static void log_line(struct log_state *st, const char *line, unsigned long lineno)
{
	struct log_event ev;
	uint64_t w;

	if (st->smmu_pending && smmu_word(line, &w)) {
		st->smmu.words[st->smmu.nwords++] = w;
		log_pass(st, line);
		if (st->smmu.nwords == 4) {
			smmu_decode(&st->smmu);
			log_emit(st, &st->smmu);
			st->smmu_pending = false;
		}
		return;
	}
	if (st->dmar_pending && strstr(line, "DMAR:") && dmar_scan_reason(line, &st->dmar)) {
		log_pass(st, line);
		dmar_text(&st->dmar);
		log_emit(st, &st->dmar);
		st->dmar_pending = false;
		return;
	}
	log_flush_pending(st);

	if (dmar_parse(line, &ev)) {
		ev.line = lineno;
		log_pass(st, line);
		if (!ev.has_code) {
			st->dmar = ev;
			st->dmar_pending = true;
			return;
		}
		dmar_text(&ev);
		log_emit(st, &ev);
		return;
	}
	if (amd_parse(line, &ev)) {
		ev.line = lineno;
		log_pass(st, line);
		amd_text(&ev);
		log_emit(st, &ev);
		return;
	}
	memset(&ev, 0, sizeof(ev));
	if (smmu_event_start(line, &ev)) {
		ev.line = lineno;
		st->smmu = ev;
		st->smmu_pending = true;
		log_pass(st, line);
		return;
	}
	log_pass(st, line);
}

static int decode_log(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct log_state st = { .ctx = ctx };
	const char *name = argc ? argv[0] : "-";
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	FILE *f = stdin;
	int err = 0;

	if (strcmp(name, "-")) {
		f = fopen(name, "r");
		if (!f)
			return err_report(ctx, -errno, "%s: %s", name, strerror(errno));
	} else if (isatty(STDIN_FILENO)) {
		return err_report(ctx, -EUSAGE,
				  "standard input is a terminal: give a FILE or pipe the log in (dmesg | iommuctl decode log)");
	}
	if (ctx->json) {
		st.o = ctx_out(ctx);
		out_list_begin(st.o, NULL, NULL);
	}
	while ((got = getline(&line, &cap, f)) >= 0) {
		size_t n = (size_t)got;

		/* keep passed-through lines whole: give an unterminated last line its newline */
		if (n && line[n - 1] != '\n') {
			if (cap < n + 2)
				line = xrealloc(line, cap = n + 2);
			line[n++] = '\n';
			line[n] = '\0';
		}
		st.len = n;
		log_line(&st, line, ++lineno);
	}
	log_flush_pending(&st);
	if (ferror(f))
		err = err_report(ctx, -EIO, "%s: read error", name);
	if (f != stdin)
		fclose(f);
	free(line);
	if (st.o) {
		out_list_end(st.o);
		if (!err)
			err = out_flush(st.o);
	}
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
		       "AMD-Vi and Arm SMMUv3 fault report a line starting with '    iommuctl: ' "
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
