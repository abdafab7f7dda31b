/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals shared by the memory-source files (mem.c and one file per
 * container): the source object, the sorted range map that ELF and raw
 * sources read through, and the per-format open functions.
 */
#ifndef IOMMUCTL_MEM_PRIV_H
#define IOMMUCTL_MEM_PRIV_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/dump/mem.h"

/* One non-overlapping piece of the physical address space (ELF, raw). */
struct mem_map_ent {
	uint64_t start, end;
	uint64_t off;              /* file offset of start (data only) */
	int64_t seg;               /* program header index, or -1 */
	bool excluded;
};

struct mem_kdump;

/*
 * makedumpfile's flattened stream (mem_flat.c): the extents of the
 * reassembled kdump file ("logical" offsets) and where their bytes are in
 * the flattened file, sorted by loff and disjoint.
 */
struct mem_flat {
	struct flat_rec *ext;
	size_t n, hint;
	uint64_t lsize;            /* size of the reassembled file */
	uint64_t nrec;             /* records that carry data */
	uint64_t trailing;         /* bytes after the end marker */
};

/*
 * Residency of the file mapping: the whole file stays mapped (pointers
 * into it never go stale), but reads note the fixed, aligned window they
 * touch, and when more than MEM_NWIN windows have been touched the least
 * recently used one is dropped with madvise(MADV_DONTNEED). That only
 * unmaps its pages (the next access faults them back in from the page
 * cache), so the pages of the file counted in our RSS stay below
 * MEM_NWIN << MEM_WIN_SHIFT bytes whatever the dump size.
 */
/*
 * 2 MiB windows, the size of a huge page: the page cache maps large folios
 * of a file with one entry per 2 MiB where it can, and dropping a part of
 * one (the 512 KiB windows this had) splits it, after which its pages
 * fault back in one by one. A walk of 128 MiB of tables took about 21 ms
 * with 512 KiB windows and 8 ms with 2 MiB ones (start-up taken off,
 * bench_walk.sh, 6.18 kernel, ext4). Four of them: at most 8 MiB of the
 * file resident.
 */
#define MEM_WIN_SHIFT 21
#define MEM_NWIN 4

struct mem_source {
	int fd;
	const uint8_t *base;       /* the whole file, mapped read-only */
	uint64_t size;
	/*
	 * Set by the SIGBUS handler (mem.c) when an access to the mapping
	 * found no file behind it: the file shrank, or the page could not be
	 * read (NFS, FUSE, a failing disk). From then on every operation
	 * fails with -ESTALE. bus_off is the file offset, written first.
	 */
	volatile sig_atomic_t bus_fault;
	volatile uint64_t bus_off;
	struct mem_source *live_next; /* the sources whose mapping the handler knows */
	uint64_t win_cur;          /* window index + 1 of the last touch; 0 none */
	uint64_t win[MEM_NWIN];    /* touched windows, index + 1; 0 free */
	uint64_t win_stamp[MEM_NWIN];
	uint64_t win_clock;

	enum mem_format format;
	bool be;
	uint32_t page_size;
	const char *page_size_from;
	char machine[72];
	char osrelease[72];
	char *vmcoreinfo;          /* NUL-terminated copy */
	size_t vmcoreinfo_len;
	const char *warning;       /* static text */

	/* ELF / raw */
	struct mem_map_ent *map;
	size_t nmap;
	size_t hint;               /* last map entry hit */
	uint64_t nr_segments;
	bool phnum_extended;
	uint64_t overlap_bytes;

	struct mem_kdump *kd;
	struct mem_flat *flat;     /* a flattened kdump stream; NULL otherwise */

	struct mem_fault fault;
	char fault_why[192];
	uint64_t reads, cache_hits, cache_misses;
	uint64_t peeks, bytes_copied;
};

void mem_touch_slow(struct mem_source *m, uint64_t win);

/*
 * Note that [off, off + len) of the file is about to be read (len > 0; the
 * range may span windows: the caller splits bulk copies at window ends).
 */
static inline void mem_touch(struct mem_source *m, uint64_t off, uint64_t len)
{
	uint64_t w = off >> MEM_WIN_SHIFT, last = (off + len - 1) >> MEM_WIN_SHIFT;

	if (__builtin_expect(w + 1 == m->win_cur && w == last, 1))
		return;
	for (; w <= last; w++)
		mem_touch_slow(m, w);
}

/*
 * Read from the map: returns bytes copied (> 0) or -ENXIO / -ENODATA with
 * the fault reason filled in.
 */
long mem_map_read(struct mem_source *m, uint64_t pa, uint8_t *buf, size_t len);
/* Sort and clip ents into m->map; takes ownership of ents. */
int mem_map_build(struct mem_source *m, struct mem_map_ent *ents, size_t n, char **why);
int mem_map_range_next(struct mem_source *m, uint64_t pa, struct mem_range *r);

__attribute__((format(printf, 3, 4)))
int mem_fail(struct mem_source *m, int err, const char *fmt, ...);
/*
 * After touching the mapping: -ESTALE (fault reason filled in, at pa) when
 * the SIGBUS handler saw the file fail under it since the source opened,
 * else err unchanged.
 */
int mem_bus_check(struct mem_source *m, uint64_t pa, int err);
__attribute__((format(printf, 3, 4)))
int mem_why(char **why, int err, const char *fmt, ...);

/* Endian-aware loads from the mapped file (caller checked the bounds). */
uint16_t mem_get16(struct mem_source *m, uint64_t off);
uint32_t mem_get32(struct mem_source *m, uint64_t off);
uint64_t mem_get64(struct mem_source *m, uint64_t off);

/* Scan ELF notes in [off, off+len) for VMCOREINFO; sets m->vmcoreinfo. */
void mem_notes_scan(struct mem_source *m, uint64_t off, uint64_t len);
void mem_set_vmcoreinfo(struct mem_source *m, const uint8_t *p, uint64_t len);
/* the same from [off, off + len) of the container's file (mem_bytes) */
void mem_set_vmcoreinfo_at(struct mem_source *m, uint64_t off, uint64_t len);
#define MEM_VMCOREINFO_MAX (1u << 20)

/*
 * Flattened streams. mem_flat_index() reads the record headers (0, or
 * -EINVAL / -E2BIG with a reason); mem_flat_copy() copies bytes of the
 * reassembled file (zeros where no record wrote); mem_flat_ptr() points
 * at them in the mapping when one extent holds them all, else copies
 * them into scratch (len bytes).
 */
bool mem_flat_detect(const struct mem_source *m);
int mem_flat_index(struct mem_source *m, char **why);
void mem_flat_close(struct mem_source *m);
void mem_flat_copy(struct mem_source *m, uint64_t off, uint8_t *buf, size_t len);
const uint8_t *mem_flat_ptr(struct mem_source *m, uint64_t off, size_t len, uint8_t *scratch);

/*
 * The bytes [off, off + len) of the file a container reader sees: the file
 * itself, or the reassembled kdump file of a flattened stream (then
 * possibly copied into scratch, len bytes). Bounds are the caller's.
 */
static inline const uint8_t *mem_bytes(struct mem_source *m, uint64_t off, size_t len,
				       uint8_t *scratch)
{
	return m->flat ? mem_flat_ptr(m, off, len, scratch) : m->base + off;
}

/* Size of that file. */
static inline uint64_t mem_dsize(const struct mem_source *m)
{
	return m->flat ? m->flat->lsize : m->size;
}

int mem_elf_open(struct mem_source *m, char **why);
int mem_raw_open(struct mem_source *m, const struct mem_open_opts *o, char **why);
int mem_kdump_open(struct mem_source *m, char **why);
long mem_kdump_read(struct mem_source *m, uint64_t pa, uint8_t *buf, size_t len);
int mem_kdump_range_next(struct mem_source *m, uint64_t pa, struct mem_range *r);
void mem_kdump_info(struct mem_source *m, struct mem_info *out);
void mem_kdump_close(struct mem_source *m);

#endif
