/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory sources: read physical memory out of a dump file -- an ELF64
 * vmcore, a kdump-compressed ("diskdump") file or a raw image with a given
 * physical base -- for the offline page-table walker and `iommuctl mem`.
 * Sources never print; they return 0 or -errno and, on open, a reason.
 *
 * Why our own reader and not libkdumpfile (decision, issue 4 item 1):
 * libkdumpfile 0.5.1 (Debian) was measured in the same run as this reader
 * by bench/bench_mem.sh (128 MiB of data written by tests/tools/mkdump,
 * warm page cache, x86_64; MiB/s, ns per 8-byte read):
 *                        this reader          libkdumpfile
 *   ELF   4 KiB reads    9750                 9369
 *   ELF   8 B seq        894  (8.5 ns)        236  (32 ns)
 *   ELF   8 B random     91   (84 ns)         28   (277 ns)
 *   zlib  4 KiB reads    289  (direct 290)    218
 *   zlib  8 B seq        225  (34 ns)         120  (64 ns)
 *   zstd  4 KiB reads    6286 (direct 8371)   196
 *   zstd  8 B seq        881  (8.7 ns)        113  (68 ns)
 * It reads by machine-physical address (KDUMP_MACHPHYSADDR; KPHYSADDR
 * wants a real kernel), handles all four compressions and e_phnum
 * overflow. It does not serve: (1) excluded pages and addresses outside
 * the dump both come back as KDUMP_ERR_NODATA, told apart only by the
 * English message ("Excluded page" / "Out-of-bounds PFN" / "Page not
 * found"), and the ELF p_memsz > p_filesz tail is "Page not found";
 * (2) raw images are not a format it opens ("Unknown file format");
 * (3) the 8-byte reads a page-table walker makes are 2-8x slower; (4) it
 * pulls libaddrxlat and, through snappy, libstdc++ into every build.
 * So: our own reader, ~1300 lines over zlib, liblzo2, libsnappy and
 * libzstd, each optional at build time (HAVE_ZLIB, HAVE_LZO2, HAVE_SNAPPY,
 * HAVE_ZSTD); a page compressed with a missing one reads as -EOPNOTSUPP.
 * makedumpfile cannot convert a synthetic ELF (it needs kernel symbols),
 * so tests/tools/mkdump writes kdump files itself; libkdumpfile reading
 * those files back in all four compressions cross-checks the generator.
 */
#ifndef IOMMUCTL_MEM_H
#define IOMMUCTL_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mem_format {
	MEM_FMT_AUTO = 0,       /* by magic: \x7fELF, "KDUMP   " or "makedumpfile", else raw */
	MEM_FMT_ELF,
	MEM_FMT_KDUMP,
	MEM_FMT_RAW,
};

struct mem_open_opts {
	enum mem_format format;
	uint64_t raw_base;      /* raw: physical address of file offset 0 */
	uint32_t raw_page_size; /* raw: reported page size; 0 = 4096 */
};

/* kdump header status bits and page-data flags (crash/makedumpfile values) */
#define MEM_COMP_ZLIB           0x01u
#define MEM_COMP_LZO            0x02u
#define MEM_COMP_SNAPPY         0x04u
#define MEM_KDUMP_INCOMPLETE    0x08u
#define MEM_KDUMP_EXCL_VMEMMAP  0x10u
#define MEM_COMP_ZSTD           0x20u
#define MEM_COMP_MASK           (MEM_COMP_ZLIB | MEM_COMP_LZO | MEM_COMP_SNAPPY | MEM_COMP_ZSTD)

struct mem_source;

struct mem_info {
	enum mem_format format;
	const char *format_name;   /* "elf", "kdump", "raw" */
	const char *machine;       /* "x86_64", "aarch64", ...; "" when unknown */
	bool big_endian;
	uint64_t file_size;
	uint32_t page_size;
	const char *page_size_from; /* "header", "vmcoreinfo", "option", "default" */

	/* physical address space: see mem_range_next() for the ranges */
	uint64_t nr_data_ranges;
	uint64_t nr_excluded_ranges;
	uint64_t data_bytes;       /* bytes readable */
	uint64_t excluded_bytes;   /* bytes that exist but were not captured */
	uint64_t pa_min, pa_end;   /* [lowest, highest) over all ranges; 0, 0 when none */

	/* kdump */
	unsigned comp_declared;    /* MEM_COMP_* from the header status */
	unsigned comp_seen;        /* MEM_COMP_* of pages decompressed so far */
	bool incomplete;           /* the dump was cut short (status 0x8) */
	bool excluded_vmemmap;     /* status 0x10 */
	uint32_t header_version;   /* kdump header_version; ELF: 0 */
	uint32_t dump_level;       /* kdump sub-header dump_level */
	uint64_t phys_base;        /* kdump sub-header phys_base */
	uint64_t max_pfn;          /* kdump max_mapnr */
	/* kdump in makedumpfile's flattened stream: read through an index of its records */
	bool flattened;
	uint64_t flat_records;     /* records that carry data */
	uint64_t flat_extents;     /* pieces of the reassembled file in the index */
	uint64_t flat_size;        /* size of the reassembled kdump file */

	/* ELF */
	uint64_t nr_segments;      /* PT_LOAD program headers */
	bool phnum_extended;       /* e_phnum was PN_XNUM, count from section 0 */
	uint64_t overlap_bytes;    /* PT_LOAD bytes hidden by a lower-starting segment */

	/* both: VMCOREINFO text (ELF note or kdump sub-header); NULL when absent */
	const char *vmcoreinfo;
	size_t vmcoreinfo_len;
	const char *osrelease;     /* kdump utsname release, else VMCOREINFO OSRELEASE; "" */

	/* the first non-fatal problem met while opening (bad VMCOREINFO note...); NULL */
	const char *warning;

	/* counters, for -v and benchmarks */
	uint64_t reads, cache_hits, cache_misses;
	uint64_t peeks;            /* mem_peek() calls served in place */
	uint64_t bytes_copied;     /* bytes mem_read() copied out */
};

enum mem_range_kind {
	MEM_RANGE_DATA,            /* readable */
	MEM_RANGE_EXCLUDED,        /* exists, not captured: reads give -ENODATA */
};

struct mem_range {
	uint64_t start, end;       /* [start, end), physical */
	enum mem_range_kind kind;
	/*
	 * Where it is stored. ELF and raw: file offset of `start`'s bytes.
	 * kdump: file offset of the page descriptor of `start`'s page (pages
	 * are stored compressed one by one). Excluded ranges: 0.
	 */
	uint64_t file_offset;
	int64_t segment;           /* ELF: program header index; else -1 */
};

/* Where and why the last failing mem_read() stopped. */
struct mem_fault {
	uint64_t pa;               /* first byte that could not be read */
	int err;                   /* -ENXIO, -ENODATA, -EIO, -EOPNOTSUPP */
	const char *why;           /* one line, owned by the source */
};

/*
 * Open a dump. o may be NULL (auto-detect, raw base 0). Returns 0, or
 * -errno with a malloc'd one-line reason in *why (when why is not NULL):
 * -EINVAL malformed or truncated file (a flattened stream's record headers
 * included), -E2BIG a flattened stream of too many records to index,
 * -EOPNOTSUPP a format we do not read (ELF32; 32-bit kdump), -ESTALE the file changed while it was parsed (see
 * mem_read()), or the errno of open/fstat/mmap.
 */
int mem_open(const char *path, const struct mem_open_opts *o, struct mem_source **m,
	     char **why);
void mem_close(struct mem_source *m);

/*
 * Read len bytes of physical memory at pa into buf; the range may cross
 * page and segment boundaries. Returns 0 or:
 *   -ENXIO    part of the range is not in the dump at all
 *   -ENODATA  part of the range exists but was excluded from the dump
 *             (kdump filtering, ELF p_memsz > p_filesz, or a page lost
 *             from an incomplete kdump); never read as zeros
 *   -EIO      a corrupt page descriptor or compressed page
 *   -EOPNOTSUPP  the page uses a compression not built in
 *   -EINVAL   pa + len overflows
 *   -ESTALE   the file changed under the source (it shrank), or a page of
 *             it could not be read (an I/O error on NFS, FUSE, a failing
 *             disk): the reason names the file offset; from then on every
 *             read and range query of this source fails the same way
 * On failure buf holds the bytes before mem_last_fault()->pa.
 *
 * The file is mapped: an access past its end or to a page the kernel
 * cannot read raises SIGBUS. While a source is open a SIGBUS handler is
 * installed (process-wide; another SIGBUS goes to the handler that was
 * there before) that turns such an access into -ESTALE.
 */
int mem_read(struct mem_source *m, uint64_t pa, void *buf, size_t len);
const struct mem_fault *mem_last_fault(const struct mem_source *m);

/*
 * mem_peek() - physical memory in place, without a copy
 * @m: source
 * @pa: first byte
 * @len: bytes wanted (> 0)
 * @p: on 0, the bytes in the source's mapping of the file
 *
 * ELF and raw files store memory as it is: a walker reading table after
 * table can read them where they are instead of having each copied out.
 * *p stays valid until mem_close(). If the file fails under the mapping
 * while *p is read (it shrank; an I/O error), the bytes read as zeros and
 * the next call on m (or mem_check()) returns -ESTALE.
 *
 * Return: 0; -EAGAIN when the bytes cannot be served in place (a kdump
 * file, whose pages are compressed; a range that is not wholly inside one
 * stretch of the file, or is not in the dump at all): mem_read() them,
 * which reads them or says why not; -ESTALE (see mem_read()).
 */
int mem_peek(struct mem_source *m, uint64_t pa, size_t len, const void **p);

/* -ESTALE (mem_last_fault() says where) when the file failed under the mapping; else 0. */
int mem_check(struct mem_source *m);

/* Fill *out; its pointers stay valid until mem_close(). */
void mem_info(struct mem_source *m, struct mem_info *out);

/*
 * The first range that ends above pa (data and excluded ranges, ascending,
 * not overlapping; adjacent ELF segments stay separate). Returns 0, -ENOENT,
 * or -ESTALE (see mem_read()). Iterate:
 * for (pa = 0; !mem_range_next(m, pa, &r); pa = r.end).
 */
int mem_range_next(struct mem_source *m, uint64_t pa, struct mem_range *r);

/*
 * mem_hole_next() - the first hole of the file in a stretch of memory
 * @m: source
 * @pa: from here...
 * @end: ...to here (exclusive)
 * @hole_start, @hole_end: the hole, clipped to [pa, end) and to one data
 *	range, on 0
 *
 * Raw and ELF files store memory as it is, and a sparse file's holes
 * (never written; lseek SEEK_HOLE / SEEK_DATA) read as zeros: a search for
 * tables can skip them without reading terabytes of zeros. Only data
 * ranges have holes.
 *
 * Return: 0, or -ENOENT when [pa, end) has none (always for kdump files,
 * whose pages are stored one by one, and when the file system does not
 * report holes).
 */
int mem_hole_next(struct mem_source *m, uint64_t pa, uint64_t end, uint64_t *hole_start,
		  uint64_t *hole_end);

/*
 * The value of KEY in the VMCOREINFO text ("KEY=value" lines, e.g.
 * "SYMBOL(swapper_pg_dir)", "NUMBER(phys_base)"): a pointer into the text
 * and its length, or NULL.
 */
const char *mem_vmcoreinfo_lookup(const struct mem_source *m, const char *key, size_t *len);

/* "elf", "kdump", "raw", "auto" */
const char *mem_format_name(enum mem_format f);
/* "zlib,lzo,snappy,zstd" subset for MEM_COMP_* flags, "none" for 0. */
void mem_comp_names(unsigned flags, char *buf, size_t len);

#endif
