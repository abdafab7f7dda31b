/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test-dump generator API: describe physical memory (regions with a
 * pattern, single 8-byte words, excluded ranges) and write it as an ELF64
 * vmcore, a kdump-compressed file or a raw image. Used by tests/tools/mkdump
 * (the command) and by unit tests, which #include "../tools/mkdump.c".
 */
#ifndef IOMMUCTL_MKDUMP_H
#define IOMMUCTL_MKDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of the "seed:N" pattern at physical address pa. */
static inline uint64_t mkdump_pattern_word(uint64_t seed, uint64_t pa_aligned8)
{
	uint64_t z = pa_aligned8 ^ (seed * 0x9e3779b97f4a7c15ull) ^ 0x5bd1e9955bd1e995ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint8_t mkdump_pattern_byte(uint64_t seed, uint64_t pa)
{
	return (uint8_t)(mkdump_pattern_word(seed, pa & ~7ull) >> (8 * (pa & 7)));
}

enum mkdump_format { MKDUMP_ELF, MKDUMP_KDUMP, MKDUMP_RAW };

/* Page-data flags of the kdump format (page_desc.flags). */
enum mkdump_comp {
	MKDUMP_COMP_NONE = 0,
	MKDUMP_COMP_ZLIB = 0x1,
	MKDUMP_COMP_LZO = 0x2,
	MKDUMP_COMP_SNAPPY = 0x4,
	MKDUMP_COMP_ZSTD = 0x20,
};

struct mkdump_opts {
	enum mkdump_format format;
	enum mkdump_comp comp;      /* kdump only */
	uint32_t page_size;         /* default 4096 */
	uint64_t raw_base;          /* raw only: physical address of file offset 0 */
	const char *machine;        /* default "x86_64" */
	const char *vmcoreinfo;     /* NULL: a default text; "" : none */
	uint64_t split;             /* ELF: cut segments into pieces of this many bytes */
	bool force_xnum;            /* ELF: use e_phnum = PN_XNUM even when not needed */
	bool big_endian;            /* ELF/kdump: write headers big-endian */
	long incomplete;            /* kdump: >= 0: flag incomplete, keep only this many pages */
	uint64_t max_mapnr;         /* kdump: 0 = highest pfn + 1 */
	uint64_t flat_chunk;        /* kdump: > 0: makedumpfile's flattened stream, records of this size */
	bool flat_shuffle;          /* flattened: records out of order, and a first, zeroed copy of
				       the header that a later record overwrites */
};

struct mkdump;

struct mkdump *mkdump_new(void);
void mkdump_free(struct mkdump *d);
/* Data at [pa, pa+len): pattern "seed:N", "fill:0xBB" or "zero". */
int mkdump_region(struct mkdump *d, uint64_t pa, uint64_t len, const char *pattern);
/* Data from a buffer. */
int mkdump_bytes(struct mkdump *d, uint64_t pa, const void *buf, uint64_t len);
/* An 8-byte little-endian word; creates a zero page around it when uncovered. */
int mkdump_word(struct mkdump *d, uint64_t pa, uint64_t val, uint32_t page_size);
/* RAM that exists but was not captured (kdump: excluded; ELF: p_memsz > p_filesz). */
int mkdump_exclude(struct mkdump *d, uint64_t pa, uint64_t len);
/* One spec line ("region PA LEN PAT", "word PA VAL", "exclude PA LEN", "image FILE PA"). */
int mkdump_spec_line(struct mkdump *d, const char *line, uint32_t page_size, char **why);
int mkdump_write(struct mkdump *d, const struct mkdump_opts *o, const char *path, char **why);

#endif
