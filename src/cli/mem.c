/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mem info / mem read: memory-dump files (ELF vmcores, kdump-compressed
 * files, raw images) through the memory sources of backends/dump/mem.h.
 * info describes the file and its physical ranges; read hex-dumps physical
 * memory and stops, saying where and why, at the first byte the dump
 * cannot give. Reads no machine state.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/dump/mem.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/memsrc.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

/* Ranges listed by `mem info` without -v; vmcoreinfo lines likewise. */
#define MEM_INFO_RANGES   50
#define MEM_INFO_VMCI     10
/* kdump pages decompressed by `mem info` to see which compressions are used */
#define MEM_INFO_SAMPLES  64
/* The most `mem read` dumps at once. */
#define MEM_READ_MAX      (64ull << 20)
#define MEM_READ_CHUNK    (64u << 10)   /* a multiple of the 16-byte line */

enum {
	OPT_BINARY = 0x400,
};

struct mem_cli_opts {
	struct cli_mem_opts mem;
	bool binary;
};

static const struct argp_option mem_options[] = {
	CLI_MEM_OPTIONS(0),
	{ 0 }
};

static const struct argp_option mem_read_options[] = {
	CLI_MEM_FORMAT_OPTIONS(0),
	{ "binary", OPT_BINARY, NULL, 0, "write the bytes as they are instead of a hex dump (not to a terminal)", 0 },
	{ 0 }
};

static error_t mem_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct mem_cli_opts *o = state->input;

	if (key == OPT_BINARY) {
		o->binary = true;
		return 0;
	}
	return cli_mem_parse_opt(&o->mem, key, arg);
}

/* ---- mem info ---- */

struct range_vec {
	struct mem_range *v;
	size_t n, cap;
};

static void range_push(struct range_vec *rv, const struct mem_range *r)
{
	if (rv->n == rv->cap) {
		rv->cap = rv->cap ? 2 * rv->cap : 64;
		rv->v = xrealloc(rv->v, rv->cap * sizeof(*rv->v));
	}
	rv->v[rv->n++] = *r;
}

static const char *range_kind(enum mem_range_kind k)
{
	return k == MEM_RANGE_DATA ? "data" : "excluded";
}

/*
 * kdump: decompress the first page of the first data ranges, so that
 * "compression seen" says something before any read; a page that does not
 * decompress becomes a warning. Returns the number of pages read.
 */
static unsigned mem_sample_pages(struct mem_source *m, const struct range_vec *rv, uint32_t page_size,
				 struct strv *warnings)
{
	uint8_t *buf = xmalloc(page_size);
	unsigned n = 0;

	for (size_t i = 0; i < rv->n && n < MEM_INFO_SAMPLES; i++) {
		const struct mem_fault *f;
		int err;

		if (rv->v[i].kind != MEM_RANGE_DATA)
			continue;
		err = mem_read(m, rv->v[i].start, buf, page_size);
		n++;
		if (!err || err == -ENODATA)   /* a page lost from an incomplete dump */
			continue;
		f = mem_last_fault(m);
		if (f && f->why)
			strv_push(warnings, f->why);
		else
			strv_push_owned(warnings, xasprintf("page 0x%llx: %s",
							    (unsigned long long)rv->v[i].start,
							    strerror(-err)));
	}
	free(buf);
	return n;
}

static void comp_strv(unsigned flags, struct strv *sv)
{
	static const unsigned bits[] = { MEM_COMP_ZLIB, MEM_COMP_LZO, MEM_COMP_SNAPPY, MEM_COMP_ZSTD };
	char name[32];

	for (size_t i = 0; i < ARRAY_SIZE(bits); i++)
		if (flags & bits[i]) {
			mem_comp_names(bits[i], name, sizeof(name));
			strv_push(sv, name);
		}
}

static void out_comp(struct out *o, const char *key, const char *label, unsigned flags)
{
	struct strv sv = { 0 };
	char names[64];

	if (out_is_json(o)) {
		comp_strv(flags, &sv);
		out_strv(o, key, label, &sv);
		strv_free(&sv);
		return;
	}
	mem_comp_names(flags, names, sizeof(names));
	out_str(o, key, label, names);
}

static void out_bytes_ranges(struct out *o, const char *what, uint64_t bytes, uint64_t nranges)
{
	char *key, sz[32];

	if (out_is_json(o)) {
		key = xasprintf("%s_bytes", what);
		out_u64(o, key, NULL, bytes);
		free(key);
		key = xasprintf("%s_ranges", what);
		out_u64(o, key, NULL, nranges);
		free(key);
		return;
	}
	size_format(bytes, sz, sizeof(sz));
	out_text(o, "%s: %llu bytes (%s) in %llu range%s", what, (unsigned long long)bytes, sz,
		 (unsigned long long)nranges, nranges == 1 ? "" : "s");
}

static void out_range(struct out *o, const struct mem_range *r, bool has_segments)
{
	char sz[32], off[32];

	size_format(r->end - r->start, sz, sizeof(sz));
	if (out_is_json(o)) {
		out_obj_begin(o, NULL, NULL);
		out_hex(o, "start", NULL, r->start);
		out_hex(o, "end", NULL, r->end);
		out_u64(o, "size", NULL, r->end - r->start);
		out_str(o, "kind", NULL, range_kind(r->kind));
		if (r->kind == MEM_RANGE_DATA)
			out_hex(o, "file_offset", NULL, r->file_offset);
		else
			out_str(o, "file_offset", NULL, NULL);
		if (has_segments)
			out_i64(o, "segment", NULL, r->segment);
		out_obj_end(o);
		return;
	}
	if (r->kind == MEM_RANGE_DATA)
		snprintf(off, sizeof(off), "0x%llx", (unsigned long long)r->file_offset);
	else
		snprintf(off, sizeof(off), "-");
	if (has_segments)
		out_text(o, "0x%016llx  0x%016llx  %8s  %-8s  %-12s  %lld", (unsigned long long)r->start,
			 (unsigned long long)r->end, sz, range_kind(r->kind), off, (long long)r->segment);
	else
		out_text(o, "0x%016llx  0x%016llx  %8s  %-8s  %s", (unsigned long long)r->start,
			 (unsigned long long)r->end, sz, range_kind(r->kind), off);
}

static void out_ranges(struct iommuctl_ctx *ctx, struct out *o, const struct range_vec *rv,
		       enum mem_format format)
{
	bool has_segments = format == MEM_FMT_ELF;
	/* text lists the first ones unless -v; JSON is for programs: all of them */
	size_t shown = out_is_json(o) || ctx->verbose || rv->n <= MEM_INFO_RANGES + 1 ?
		       rv->n : MEM_INFO_RANGES;

	out_list_begin(o, "ranges", "ranges");
	if (rv->n && has_segments)
		out_text(o, "%-18s  %-18s  %8s  %-8s  %-12s  %s", "START", "END (excl.)", "SIZE", "KIND",
			 "FILE OFFSET", "SEGMENT");
	else if (rv->n)
		/* kdump stores pages one by one: where the first page's descriptor is */
		out_text(o, "%-18s  %-18s  %8s  %-8s  %s", "START", "END (excl.)", "SIZE", "KIND",
			 format == MEM_FMT_KDUMP ? "DESCRIPTOR" : "FILE OFFSET");
	else
		out_text(o, "none");
	for (size_t i = 0; i < shown; i++)
		out_range(o, &rv->v[i], has_segments);
	if (shown < rv->n)
		out_text(o, "... %zu more (use -v)", rv->n - shown);
	out_list_end(o);
}

static void out_vmcoreinfo(struct iommuctl_ctx *ctx, struct out *o, const struct mem_info *info)
{
	const char *p = info->vmcoreinfo, *end = p ? p + info->vmcoreinfo_len : NULL;
	size_t lines = 0, shown = 0;

	if (out_is_json(o)) {
		char *s = p ? xstrndup(p, info->vmcoreinfo_len) : NULL;

		/* a note may be NUL-padded: keep the text only */
		out_str(o, "vmcoreinfo", NULL, s);
		free(s);
		return;
	}
	if (!p || !info->vmcoreinfo_len || !*p) {
		out_str(o, "vmcoreinfo", "vmcoreinfo", NULL);
		return;
	}
	out_obj_begin(o, "vmcoreinfo", "vmcoreinfo");
	while (p < end && *p) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t len = strnlen(p, (size_t)(e - p));

		if (len && (ctx->verbose || shown < MEM_INFO_VMCI)) {
			out_text(o, "%.*s", (int)len, p);
			shown++;
		}
		lines += len != 0;
		if (len < (size_t)(e - p))
			break;          /* a NUL inside: the text ends there */
		p = nl ? nl + 1 : end;
	}
	if (shown < lines)
		out_text(o, "... %zu more lines (use -v)", lines - shown);
	out_obj_end(o);
}

static int mem_info_cmd(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct mem_cli_opts *co = opts;
	const char *path = argc ? argv[0] : co->mem.file;
	struct strv warnings = { 0 };
	struct range_vec rv = { 0 };
	struct mem_source *m;
	struct mem_info info;
	struct mem_range r;
	unsigned sampled = 0;
	bool is_elf;
	struct out *o;
	char buf[96];
	int err;

	err = cli_mem_open_fresh(ctx, &co->mem, path, &m);
	if (err)
		return err;
	for (uint64_t pa = 0; !mem_range_next(m, pa, &r); pa = r.end) {
		range_push(&rv, &r);
		if (r.end <= pa)
			break;          /* a source that does not advance: stop, never loop */
	}
	mem_info(m, &info);
	if (info.format == MEM_FMT_KDUMP)
		sampled = mem_sample_pages(m, &rv, info.page_size, &warnings);
	mem_info(m, &info);         /* again: comp_seen after the samples */
	is_elf = info.format == MEM_FMT_ELF;

	if (info.warning)
		strv_push(&warnings, info.warning);
	if (info.overlap_bytes)
		strv_push_owned(&warnings, xasprintf("%llu bytes of PT_LOAD segments overlap a segment "
						     "that starts lower; that segment's bytes are read",
						     (unsigned long long)info.overlap_bytes));
	if (info.incomplete)
		strv_push(&warnings, "the dump is incomplete (cut short while it was written): "
			  "pages after the cut read as lost");
	if (info.comp_seen & ~info.comp_declared) {
		char names[64];

		mem_comp_names(info.comp_seen & ~info.comp_declared, names, sizeof(names));
		strv_push_owned(&warnings, xasprintf("pages are compressed with %s, which the header "
						     "does not declare", names));
	}
	if (info.format == MEM_FMT_RAW && !co->mem.format && !co->mem.base)
		strv_push(&warnings, "no ELF or kdump signature: read as a raw image at physical "
			  "address 0 (say --mem-format raw, and --mem-base PA, to confirm)");

	o = ctx_out(ctx);
	out_obj_begin(o, NULL, NULL);
	out_str(o, "file", "file", path);
	out_str(o, "format", "format", info.format_name);
	out_str(o, "machine", "machine", info.machine && *info.machine ? info.machine : NULL);
	/* a raw image has no header to say either */
	if (info.format == MEM_FMT_RAW)
		out_str(o, "byte_order", "byte order", NULL);
	else if (out_is_json(o))
		out_str(o, "byte_order", NULL, info.big_endian ? "big" : "little");
	else
		out_str(o, NULL, "byte order", info.big_endian ? "big-endian" : "little-endian");
	out_u64(o, "file_size", "file size", info.file_size);
	if (out_is_json(o)) {
		out_u64(o, "page_size", NULL, info.page_size);
		out_str(o, "page_size_from", NULL, info.page_size_from);
	} else {
		snprintf(buf, sizeof(buf), "%u (%s)", info.page_size, info.page_size_from);
		out_str(o, NULL, "page size", buf);
	}
	out_str(o, "os_release", "os release", info.osrelease && *info.osrelease ? info.osrelease : NULL);
	if (out_is_json(o)) {
		out_hex(o, "pa_start", NULL, info.pa_min);
		out_hex(o, "pa_end", NULL, info.pa_end);
	} else {
		snprintf(buf, sizeof(buf), "0x%016llx-0x%016llx", (unsigned long long)info.pa_min,
			 (unsigned long long)info.pa_end);
		out_str(o, NULL, "physical span", info.pa_end ? buf : NULL);
	}
	out_bytes_ranges(o, "data", info.data_bytes, info.nr_data_ranges);
	out_bytes_ranges(o, "excluded", info.excluded_bytes, info.nr_excluded_ranges);
	if (is_elf) {
		out_obj_begin(o, "elf", "elf");
		out_u64(o, "segments", "PT_LOAD segments", info.nr_segments);
		out_bool(o, "phnum_extended", "e_phnum extended (PN_XNUM)", info.phnum_extended);
		out_u64(o, "overlap_bytes", "overlapping bytes", info.overlap_bytes);
		out_obj_end(o);
	}
	if (info.format == MEM_FMT_KDUMP) {
		out_obj_begin(o, "kdump", "kdump");
		out_u64(o, "header_version", "header version", info.header_version);
		out_u64(o, "dump_level", "dump level", info.dump_level);
		out_hex(o, "phys_base", "phys_base", info.phys_base);
		out_u64(o, "max_pfn", "max pfn", info.max_pfn);
		out_comp(o, "compression_declared", "compression declared", info.comp_declared);
		out_comp(o, "compression_seen", "compression seen", info.comp_seen);
		out_u64(o, "pages_sampled", "pages sampled", sampled);
		out_bool(o, "incomplete", "incomplete", info.incomplete);
		out_bool(o, "excluded_vmemmap", "excluded vmemmap", info.excluded_vmemmap);
		out_bool(o, "flattened", "flattened stream", info.flattened);
		if (info.flattened) {
			out_u64(o, "flat_records", "stream records", info.flat_records);
			out_u64(o, "flat_extents", "index extents", info.flat_extents);
			out_u64(o, "flat_size", "reassembled size", info.flat_size);
		}
		out_obj_end(o);
	}
	if (out_is_json(o) || warnings.n) {
		/* JSON: warning objects {"text"}, as the decoder's (which add the field's "key") */
		out_list_begin(o, "warnings", "warnings");
		for (size_t i = 0; i < warnings.n; i++) {
			out_obj_begin(o, NULL, NULL);
			out_fmt_str(o, "text", NULL, warnings.v[i]);
			out_obj_end(o);
			out_text(o, "%s", warnings.v[i]);
		}
		out_list_end(o);
	}
	out_ranges(ctx, o, &rv, info.format);
	out_vmcoreinfo(ctx, o, &info);
	out_obj_end(o);
	err = out_flush(o);

	strv_free(&warnings);
	free(rv.v);
	cli_mem_close(ctx, m);
	return err;
}

/* ---- mem read ---- */

static int hex_digits(uint64_t v)
{
	int n = 1;

	while (v >>= 4)
		n++;
	return n;
}

/*
 * One line: "0x00001000: 00 11 .. 77  88 .. ff  |........|", like
 * hexdump -C. Formatted by hand: a 64 MiB dump is 4 million lines.
 */
static void hexdump_line(struct out *o, int width, uint64_t pa, const uint8_t *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	char line[128], *q;

	q = line + snprintf(line, 32, "0x%0*llx: ", width, (unsigned long long)pa);
	for (size_t i = 0; i < 16; i++) {
		if (i == 8)
			*q++ = ' ';
		q[0] = i < n ? hexd[p[i] >> 4] : ' ';
		q[1] = i < n ? hexd[p[i] & 15] : ' ';
		q[2] = ' ';
		q += 3;
	}
	*q++ = ' ';
	*q++ = '|';
	for (size_t i = 0; i < n; i++)
		*q++ = isprint(p[i]) && p[i] < 0x80 ? (char)p[i] : '.';
	*q++ = '|';
	*q++ = '\n';
	*q = '\0';
	out_verbatim(o, line);
}

/* The error line of a read that stopped; the error to return (exit status). */
static int read_fault_report(struct iommuctl_ctx *ctx, struct mem_source *m, int err, uint64_t pa)
{
	const struct mem_fault *f = mem_last_fault(m);
	const char *why = f && f->why ? f->why : strerror(-err);
	uint64_t at = f ? f->pa : pa;

	switch (err) {
	case -ENXIO:
		/* the reason names the address already ("physical address 0x0 is not in the dump") */
		if (f && f->why)
			err_msg(ctx, "%s", why);
		else
			err_msg(ctx, "not in the dump at 0x%llx: %s", (unsigned long long)at, why);
		err = -ENOENT;
		break;
	case -ENODATA:
		err_msg(ctx, "excluded page at 0x%llx: %s", (unsigned long long)at, why);
		err = -ENOENT;
		break;
	case -EIO:
		err_msg(ctx, "corrupt data at 0x%llx: %s", (unsigned long long)at, why);
		break;
	default:
		err_msg(ctx, "cannot read 0x%llx: %s", (unsigned long long)at, why);
		break;
	}
	ctx->reported = true;
	return err;
}

static const char *fault_kind(int err)
{
	switch (err) {
	case -ENXIO: return "not_in_dump";
	case -ENODATA: return "excluded";
	case -EIO: return "corrupt";
	case -EOPNOTSUPP: return "unsupported";
	default: return "error";
	}
}

static int mem_read_cmd(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	const struct mem_cli_opts *co = opts;
	static const char hexd[] = "0123456789abcdef";
	uint64_t pa, len, done = 0;
	struct mem_source *m;
	uint8_t *buf;
	char *hex = NULL;
	int err = 0, oerr = 0, width;
	bool json = ctx->json;
	struct out *o = ctx_out(ctx);

	if (parse_u64(argv[1], &pa))
		return err_report(ctx, -EUSAGE, "PA '%s': not an address (hex with 0x, or decimal)", argv[1]);
	if (parse_u64(argv[2], &len))
		return err_report(ctx, -EUSAGE, "LEN '%s': not a length (hex with 0x, or decimal)", argv[2]);
	if (!len || len > MEM_READ_MAX)
		return err_report(ctx, -EUSAGE, "LEN %s: give 1 to %llu (64 MiB) bytes", argv[2],
				  MEM_READ_MAX);
	if (pa + len - 1 < pa)
		return err_report(ctx, -EUSAGE, "PA %s + LEN %s wraps around the address space", argv[1],
				  argv[2]);
	if (co->binary && json)
		return err_report(ctx, -EUSAGE, "--binary and --json: give one");
	if (co->binary && out_isatty(ctx_out(ctx)))
		return err_report(ctx, -EUSAGE, "refusing to write binary data to a terminal");

	err = cli_mem_open(ctx, &co->mem, argv[0], &m);
	if (err)
		return err;
	width = hex_digits(pa + len - 1);
	if (width < 8)
		width = 8;
	buf = xmalloc(MEM_READ_CHUNK);
	if (json)
		hex = xmalloc(2 * len + 1);
	/* chunk by chunk, so a huge read streams and a fault shows what came before it */
	while (done < len) {
		size_t n = len - done < MEM_READ_CHUNK ? (size_t)(len - done) : MEM_READ_CHUNK;
		size_t got = n;

		err = mem_read(m, pa + done, buf, n);
		if (err) {
			const struct mem_fault *f = mem_last_fault(m);

			got = f && f->pa >= pa + done && f->pa - (pa + done) < n ? f->pa - (pa + done) : 0;
		}
		if (co->binary) {
			out_bytes(o, buf, got);
		} else if (json) {
			for (size_t i = 0; i < got; i++) {
				hex[2 * (done + i)] = hexd[buf[i] >> 4];
				hex[2 * (done + i) + 1] = hexd[buf[i] & 15];
			}
		} else {
			for (size_t i = 0; i < got; i += 16)
				hexdump_line(o, width, pa + done + i, buf + i, got - i < 16 ? got - i : 16);
		}
		done += got;
		if (err)
			break;
	}
	if (json) {
		hex[2 * done] = '\0';
		out_obj_begin(o, NULL, NULL);
		out_hex(o, "pa", NULL, pa);
		out_u64(o, "len", NULL, done);
		out_str(o, "data", NULL, hex);
		if (err) {
			const struct mem_fault *f = mem_last_fault(m);

			out_obj_begin(o, "fault", NULL);
			out_hex(o, "pa", NULL, pa + done);
			out_str(o, "kind", NULL, fault_kind(err));
			out_str(o, "message", NULL, f && f->why ? f->why : strerror(-err));
			out_obj_end(o);
		} else {
			out_str(o, "fault", NULL, NULL);
		}
		out_obj_end(o);
		oerr = out_flush(o);
	}
	if (err) {
		/* the data before the fault is out first, then the one error line */
		out_flush(o);
		err = read_fault_report(ctx, m, err, pa + done);
	} else {
		err = oerr;
	}
	free(hex);
	free(buf);
	cli_mem_close(ctx, m);
	return err;
}

static const struct cli_verb mem_verbs[] = {
	{
		.name = "info",
		.summary = "describe a memory dump: format, physical ranges, compression, vmcoreinfo",
		.args_doc = "[FILE]",
		.doc = "FILE (or --mem FILE) is an ELF64 vmcore (/proc/vmcore, kdump's default), a kdump-compressed "
		       "file (makedumpfile -c, -l, -p or -z) or a raw image of physical memory. "
		       "Shows the machine, page size, the physical ranges the file holds (data) and "
		       "those that exist but were not captured (excluded; END is exclusive), kdump "
		       "compression as declared by the header and as seen in the first pages, the "
		       "incomplete flag, VMCOREINFO and anything odd. Without -v, text lists the first "
		       "50 ranges and 10 VMCOREINFO lines; JSON always lists all. A kdump file in "
		       "makedumpfile's flattened stream (QEMU's dump-guest-memory kdump formats up to 8.1, "
		       "makedumpfile -F) is read as it is, through an index of its records built in one "
		       "pass: kdump.flattened says so.",
		.options = mem_options,
		.parser = mem_parse_opt,
		.opts_size = sizeof(struct mem_cli_opts),
		.min_args = 0,
		.max_args = 1,
		.flags = CLI_NO_VIEW,
		.run = mem_info_cmd,
	},
	{
		.name = "read",
		.summary = "hex-dump physical memory from a memory dump",
		.args_doc = "FILE PA LEN",
		.doc = "PA and LEN are hex with 0x or decimal; LEN is at most 64 MiB. Text is 16 bytes "
		       "a line, 'PA: bytes |ascii|'; JSON is {\"pa\", \"len\", \"data\" (hex), \"fault\"}. "
		       "A read never makes up bytes: at the first byte the dump cannot give, the bytes "
		       "before it are shown, then one error line names the address and why. Exit "
		       "status 3 when the address is not in the dump or its page was excluded (or lost "
		       "from an incomplete dump), 1 when the dump's data is corrupt, 4 when the page "
		       "uses a compression this build cannot read.",
		.options = mem_read_options,
		.parser = mem_parse_opt,
		.opts_size = sizeof(struct mem_cli_opts),
		.min_args = 3,
		.max_args = 3,
		.flags = CLI_NO_VIEW,
		.run = mem_read_cmd,
	},
	{ 0 }
};

const struct cli_object cli_object_mem = {
	.name = "mem",
	.summary = "memory dumps: ELF vmcores, kdump-compressed files, raw images",
	.verbs = mem_verbs,
};
