/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory-dump options every verb that reads a dump shares (mem info,
 * mem read, walk, translate, walk roots): the same names, one parser and
 * one function that opens the dump and reports why it cannot.
 *   --mem FILE         the dump (mem info/read also take it as FILE)
 *   --mem-format FMT   auto (by its signature), elf, kdump or raw
 *   --mem-base PA      raw image: the physical address of its first byte
 * --format, wherever it appears, names a page-table format or family.
 */
#ifndef IOMMUCTL_CLI_MEMSRC_H
#define IOMMUCTL_CLI_MEMSRC_H

#include <argp.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct iommuctl_ctx;
struct mem_source;

enum {
	CLI_OPT_MEM = 0x700,
	CLI_OPT_MEM_FORMAT,
	CLI_OPT_MEM_BASE,
};

/* Rows for a verb's struct argp_option table, in help group G. */
#define CLI_MEM_FORMAT_OPTIONS(G) \
	{ "mem-format", CLI_OPT_MEM_FORMAT, "FMT", 0, "the dump is: auto (default: by its signature), elf, kdump or raw", G }, \
	{ "mem-base", CLI_OPT_MEM_BASE, "PA", 0, "raw image: the physical address of its first byte (default 0)", G }
#define CLI_MEM_OPTIONS(G) \
	{ "mem", CLI_OPT_MEM, "FILE", 0, "the memory dump: ELF vmcore, kdump-compressed file or raw image", G }, \
	CLI_MEM_FORMAT_OPTIONS(G)

struct cli_mem_opts {
	const char *file;
	const char *format;
	const char *base;
};

/* From a verb's argp parser: 0 when key was one of ours, else ARGP_ERR_UNKNOWN. */
error_t cli_mem_parse_opt(struct cli_mem_opts *o, int key, char *arg);

/*
 * Open the dump: file (a positional FILE), else o->file. Every failure is
 * reported in one line naming the file; -EUSAGE for bad options. Inside a
 * batch (ctx->mem_keep set) a dump opened by an earlier line is handed out
 * again while its file is the same (path, --mem-format, --mem-base, and
 * device, inode, size, mtime and ctime unchanged) and has not failed under
 * the reader: a batch of translate lines indexes a kdump once, not once a
 * line. Give the source back with cli_mem_close().
 */
int cli_mem_open(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *file,
		 struct mem_source **m);
/* The same, never from or into the batch's keep: a verb whose output depends on the source's history (mem info). */
int cli_mem_open_fresh(struct iommuctl_ctx *ctx, const struct cli_mem_opts *o, const char *file,
		       struct mem_source **m);
/* Close m, unless the batch keeps it for its next lines. NULL is ignored. */
void cli_mem_close(struct iommuctl_ctx *ctx, struct mem_source *m);

/*
 * The dumps a batch keeps open between its lines: the last CLI_MEM_KEEP
 * used. Zeroed to start; cli_mem_keep_release() closes them at its end.
 */
#define CLI_MEM_KEEP 4
struct cli_mem_keep {
	struct cli_mem_kept {
		struct mem_source *m;  /* NULL: a free slot */
		char *path;
		int format;            /* enum mem_format asked for */
		uint64_t raw_base;
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime, ctime;
		unsigned long used;    /* when last handed out (the keep's clock) */
	} slot[CLI_MEM_KEEP];
	unsigned long clock;
	unsigned long opens;           /* dumps opened for the batch's lines, kept or not (-v) */
};
void cli_mem_keep_release(struct cli_mem_keep *k);

#endif
