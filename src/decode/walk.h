/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The offline page-table walker: one engine driven by the page-table
 * operations of the decoder formats (decode.h), over memory that comes
 * through a read callback, plus the per-family hierarchies that lead from
 * a hardware root (VT-d root table, SMMUv3 stream table, AMD device table,
 * RISC-V DDT) and a requester to a page table. Pure: no I/O, no printing.
 */
#ifndef IOMMUCTL_WALK_H
#define IOMMUCTL_WALK_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/decode.h"

/*
 * Memory: read len bytes of physical memory at pa. Returns 0, or -ENXIO
 * (not in the dump), -ENODATA (excluded from the dump), -EIO (corrupt),
 * -EOPNOTSUPP (compressed with a method not built in): a part of the dump
 * that cannot be read, which a walk reports and goes around; *fault_pa
 * (may be NULL) gets the first byte that could not be read. Any other
 * error (-ESTALE: the dump file changed under the reader) is the memory
 * itself failing: walks and searches stop and return it.
 */
struct walk_mem {
	int (*read)(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault_pa);
	/*
	 * Optional. After a read failed with err at pa (its *fault_pa): the end
	 * of the stretch from pa on where every byte fails the same way, in
	 * *end (> pa; ~0 for the end of the address space); nonzero when that
	 * is not known. A walk then passes an unreadable table of millions of
	 * entries in one step instead of one read per entry; NULL: per entry.
	 */
	int (*fault_end)(void *priv, uint64_t pa, int err, uint64_t *end);
	/*
	 * Optional. len bytes at pa in place, without a copy: 0 and *p, valid
	 * as long as the memory is; -EAGAIN when the memory cannot serve them
	 * so (the walker then reads them, and read says why not); any other
	 * error as read's. A table is then read where it lies (a mapped dump
	 * file) instead of being copied out of it. NULL: always read.
	 */
	int (*peek)(void *priv, uint64_t pa, size_t len, const void **p);
	void *priv;
};

/* A read error that is the memory failing, not a part of the dump missing. */
static inline bool walk_mem_failed(int err)
{
	return err && err != -ENXIO && err != -ENODATA && err != -EIO && err != -EOPNOTSUPP;
}

#define WALK_MAX_LEVELS		6
#define WALK_MAX_STEPS		16	/* structure steps + page-table levels */
#define WALK_MAX_TABLES_DEFAULT	(1u << 20)
#define WALK_MAX_RANGES_DEFAULT	(1u << 24)

/* A page table, ready to walk. Build it with walk_pt_setup(). */
struct walk_pt {
	const struct decode_fmt *fmt;	/* entry format of the top level */
	const struct decode_fmt *fmt2;	/* levels fmt cannot express (v7s level 2); NULL */
	struct decode_opts opts;	/* granule, page_shift, quirks; the walker sets level */
	uint64_t root;			/* physical address of the top table */
	uint64_t root_align;		/* what root must be a multiple of: 4 KiB (a page
					 * frame), unless the format's setup says (Arm: the
					 * size of the top table) */
	int top_level, leaf_level;	/* in the family's numbering (LPAE 0..3, VT-d 5..1) */
	unsigned int top_bits;		/* index bits of the top table */
	unsigned int tce_level_bits;	/* TCE: index bits of every lower level */
	unsigned int tce_window_bits;	/* TCE: index bits of the DMA window; a level
					 * above them is used at index 0 only (Linux
					 * sizes levels by the kernel's page size, so a
					 * table may have more levels than it needs) */
	uint64_t iova_offset;		/* TCE: bus address of index 0 */
	unsigned int perms_mask;	/* ANDed into every mapping (AMD DTE IR/IW) */
	bool sign_extend;		/* input addresses are canonical (x86 first stage, RISC-V) */
	bool nested;			/* informational: VT-d PGTT=3, second stage walked */
};

/* What a user says about a raw page table; zero = the format's default. */
struct walk_pt_params {
	int levels;		/* number of levels (AMD: mode; TCE: levels incl. the TCE level) */
	unsigned int granule;	/* Arm LPAE: 4096, 16384, 65536 */
	unsigned int ias;	/* Arm LPAE: input address bits (sizes the top table) */
	unsigned int page_shift; /* TCE page size */
	uint64_t window_size;	/* TCE DMA window size in bytes */
	uint64_t bus_offset;	/* TCE bus address of the window */
	uint64_t level_entries;	/* TCE entries per table; 0 = from the window (Linux rule) */
	unsigned int kernel_page_shift; /* TCE: the kernel's page size, which bounds the level
					 * size in Linux's rule; 0 = 16 (64K pages) */
	bool mtk_ext;		/* Arm v7s MediaTek extension */
	bool big_endian;	/* RISC-V structures big-endian (fctl.BE) */
};

/*
 * The parameters of struct walk_pt_params, in the order walk_pt_setup()
 * refuses those a format does not take. A format's ops say which it takes
 * (decode_pt_ops.params); the range of each is checked in one place
 * (walk.c), for walk_param_set() and walk_pt_setup() alike.
 */
enum walk_param {
	WALK_PARAM_LEVELS,
	WALK_PARAM_GRANULE,
	WALK_PARAM_MTK_EXT,
	WALK_PARAM_PAGE_SHIFT,
	WALK_PARAM_WINDOW_SIZE,
	WALK_PARAM_BUS_OFFSET,
	WALK_PARAM_LEVEL_SIZE,
	WALK_PARAM_KERNEL_PAGE_SIZE,
	WALK_PARAM_IAS,
	WALK_PARAM_BIG_ENDIAN,
	WALK_NPARAMS
};

#define WALK_PARAM_BIT(p)	(1u << (p))

/*
 * walk_param_set() - store one parameter a user gave, after checking its range
 * @p: parameters
 * @id: which
 * @v: the value as given: a number, a size in bytes (granule, window,
 *     bus offset, kernel page size), 1 for a flag
 * @why: on -ERANGE, what the values may be ("1 to 6", "4K, 16K or 64K")
 *
 * Return: 0, -ERANGE, -EINVAL for an unknown @id.
 */
int walk_param_set(struct walk_pt_params *p, enum walk_param id, uint64_t v, const char **why);

/*
 * walk_pt_setup() - a page table from a format, its root and user parameters
 * @pt: result
 * @fmt: a page-table format (for Arm v7s either level's format)
 * @root: physical address of the top table
 * @p: parameters, or NULL for defaults
 * @why: on -EINVAL, a static sentence saying what is wrong
 *
 * The format's ops->setup hook does what depends on the format. A root
 * that is not a multiple of pt->root_align is refused: the hardware has no
 * way to point at it (pt is set up all the same, for the caller's message).
 *
 * Return: 0, -EINVAL (bad parameters), -ERANGE (an unaligned root),
 * -EOPNOTSUPP (not a page-table format).
 */
int walk_pt_setup(struct walk_pt *pt, const struct decode_fmt *fmt, uint64_t root,
		  const struct walk_pt_params *p, const char **why);

/* Number of levels and input-address bits of a page table (for display). */
int walk_pt_levels(const struct walk_pt *pt);
unsigned int walk_pt_input_bits(const struct walk_pt *pt);

/* ---- walking every mapping ---- */

enum walk_kind {
	WALK_MAP,	/* mapped: iova..last -> pa.. */
	WALK_FAULT,	/* a table or entry could not be read: err, at */
	WALK_SHARED,	/* an intermediate table already listed under first_iova: not walked again */
	WALK_LOOP,	/* the table is its own ancestor: not descended */
	WALK_BAD,	/* malformed entry (next level not below this one...): not descended */
	WALK_LIMIT,	/* max_tables or max_ranges reached: the range was not walked */
};

/* Which bound a WALK_LIMIT range met. */
enum walk_limit {
	WALK_LIMIT_TABLES,	/* max_tables: this table was not read */
	WALK_LIMIT_RANGES,	/* max_ranges: the rest of the window was not listed */
};

/* One output range. Ranges come in ascending IOVA order. */
struct walk_range {
	enum walk_kind kind;
	uint64_t iova, last;	/* inclusive */
	uint64_t pa;		/* MAP: output address of iova */
	unsigned int perms;	/* MAP: DECODE_PERM_* */
	unsigned int page_shift; /* MAP: size of the pages in the run */
	uint64_t pages;		/* MAP: pages in the run (clipped pages count) */
	int level;		/* not MAP: level of the table holding the entry / the table */
	uint64_t table;		/* not MAP: the table involved (unreadable, shared, looping) */
	uint64_t at;		/* FAULT: first byte not readable; BAD: entry address */
	int err;		/* FAULT: -ENXIO, -ENODATA, -EIO */
	uint64_t first_iova;	/* SHARED: where the table's mappings were listed */
	enum walk_limit limit;	/* LIMIT: which bound */
};

struct walk_stats {
	uint64_t tables;	/* tables read (counts against max_tables) */
	uint64_t entries;	/* present entries */
	uint64_t pages;		/* leaf entries (pages) mapped */
	uint64_t ranges;	/* MAP ranges emitted */
	uint64_t bytes;		/* bytes mapped */
	uint64_t faults, shared, loops, bad, limited;	/* non-MAP ranges, by kind */
	uint64_t run_entries;	/* leaf entries the run check passed without parsing each */
	bool out_of_ranges;	/* max_ranges was reached: walks on these stats list no more */
};

struct walk_opts {
	uint64_t iova_start, iova_last;	/* window, inclusive; last 0 = no limit */
	uint64_t max_tables;		/* 0 = WALK_MAX_TABLES_DEFAULT; counted in stats->tables */
	uint64_t max_ranges;		/* 0 = WALK_MAX_RANGES_DEFAULT; ranges of every kind
					 * emitted, counted in stats */
	bool expand_shared;		/* walk shared intermediate tables each time */
	/* Every range; a non-zero return stops the walk and is returned. */
	int (*emit)(void *priv, const struct walk_range *r);
	/* Optional, every 4096 tables. */
	void (*progress)(void *priv, const struct walk_stats *st, uint64_t iova);
	void *priv;
};

/*
 * walk_run() - list every mapping of a page table as coalesced ranges
 * @pt: the table
 * @m: memory
 * @o: window, limits, callbacks
 * @st: statistics, added to (so several walks can share one max_tables)
 *
 * Contiguous pages (IOVA and physical address contiguous, same permissions
 * and page size) become one range, emitted as soon as the run ends; memory
 * does not depend on the number of mappings. Unreadable parts are emitted
 * as WALK_FAULT ranges and the walk goes on. Policy for hostile tables:
 * a table that is its own ancestor is a WALK_LOOP range; an intermediate
 * (non-leaf-level) table reached a second time is a WALK_SHARED range and
 * not walked again unless expand_shared (leaf-level tables are not
 * tracked: listing their pages under every IOVA that reaches them is what
 * the IOMMU would translate, and costs one table read, which max_tables
 * counts); beyond max_tables table reads the rest is a WALK_LIMIT range.
 * Output is bounded too, since a few hostile tables can list the same
 * leaf tables a billion times: after max_ranges ranges (all kinds, counted
 * in @st), the rest of the window is one WALK_LIMIT range (two across the
 * hole of a sign-extended space), st->out_of_ranges is set and the walk
 * ends.
 *
 * Return: 0, -ENOMEM, what emit returned, or the error of a read that
 * failed for the memory itself (walk_mem_failed()).
 */
int walk_run(const struct walk_pt *pt, const struct walk_mem *m, const struct walk_opts *o,
	     struct walk_stats *st);

/* ---- translating one address ---- */

enum walk_stop {
	WALK_STOP_OK,		/* translated: pa, page_shift, perms */
	WALK_STOP_IDENTITY,	/* pass-through / bypass: output = input */
	WALK_STOP_NOT_PRESENT,	/* an entry on the way is not present (or invalid) */
	WALK_STOP_UNREADABLE,	/* an entry is not in the dump: err, fault_pa */
	WALK_STOP_RESERVED,	/* an entry has reserved bits set */
	WALK_STOP_LOOP,		/* a table is its own ancestor */
	WALK_STOP_MALFORMED,	/* an entry the hardware cannot use */
	WALK_STOP_RANGE,	/* the address is outside the input address space */
	WALK_STOP_BLOCKED,	/* the structures say: abort / no translation allowed */
};

/* One entry read on the way. */
struct walk_step {
	const char *what;	/* "root entry", "context entry", "page table"... */
	const struct decode_fmt *fmt;
	struct decode_opts opts; /* with the level, for decode_run() */
	int level;		/* page-table level; DECODE_LEVEL_UNSET for structures */
	uint64_t table;		/* table base */
	uint64_t index;
	uint64_t pa;		/* entry address */
	uint64_t words[DECODE_MAX_WORDS];
	bool read;		/* words are valid */
	const char *layout;	/* decoder layout name, or NULL */
	struct decode_pte pte;	/* page-table steps: the entry interpreted */
	char summary[120];	/* what the entry says, in words */
};

struct walk_trail {
	struct walk_step steps[WALK_MAX_STEPS];
	size_t n;
	enum walk_stop stop;
	int err;		/* UNREADABLE: -ENXIO, -ENODATA, -EIO */
	uint64_t fault_pa;	/* UNREADABLE: first byte not readable */
	char why[200];		/* the reason translation stopped, in words */
	char note[160];		/* e.g. "nested: walking the second stage only" */
	uint64_t pa;		/* OK, IDENTITY: output address */
	unsigned int page_shift; /* OK */
	unsigned int perms;	/* OK */
};

void walk_trail_init(struct walk_trail *t);

/*
 * walk_translate() - translate one input address, recording every entry read
 * @pt: the table
 * @m: memory
 * @iova: input address
 * @t: trail, appended to (hierarchy steps may already be there)
 *
 * Return: 0 (the outcome is in t->stop), -E2BIG if the trail is full.
 */
int walk_translate(const struct walk_pt *pt, const struct walk_mem *m, uint64_t iova,
		   struct walk_trail *t);

/* "translated", "identity", "not_present", ... */
const char *walk_stop_name(enum walk_stop s);
/* "mapping", "unreadable", "shared", "loop", "malformed", "limit" */
const char *walk_kind_name(enum walk_kind k);
/* The errno of a read failure in words: "not in the dump", "excluded from the dump". */
const char *walk_err_text(int err);

/* ---- hierarchies: hardware root + requester -> page table ---- */

/* Rows of the family table (walk_hier.c), in its order. */
enum walk_family {
	WALK_FAM_VTD,
	WALK_FAM_SMMUV3,
	WALK_FAM_AMD,
	WALK_FAM_RISCV,
};

struct walk_hier {
	enum walk_family family;
	uint64_t base;		/* VT-d RTADDR; SMMUv3 STRTAB_BASE; AMD device table;
				 * RISC-V: the ddtp register value (mode and PPN) */
	bool scalable;		/* VT-d: scalable-mode root/context entries */
	uint64_t strtab_cfg;	/* SMMUv3 STRTAB_BASE_CFG */
	uint32_t dte_count;	/* AMD: device-table entries; 0 = 65536 */
	bool ext_dc;		/* RISC-V: 64-byte extended device contexts */
	struct walk_pt_params params; /* RISC-V big_endian; nothing else is taken from here */
};

/* A requester: a PCI requester ID / stream ID / device ID, and a PASID. */
struct walk_rid {
	uint32_t id;
	uint32_t id_last;	/* enumeration problems may cover a range of IDs */
	bool has_pasid;
	uint32_t pasid;		/* PASID / SubstreamID / process ID */
};

enum walk_target_kind {
	WALK_TGT_TABLE,		/* walk pt */
	WALK_TGT_IDENTITY,	/* pass-through / bypass */
	WALK_TGT_BLOCKED,	/* abort, or no translation allowed */
};

struct walk_target {
	enum walk_target_kind kind;
	struct walk_pt pt;
	char note[160];		/* "second stage of a nested PASID entry"... */
};

/*
 * walk_hier_resolve() - follow a requester from the hardware root to its
 * page table
 * @h: hierarchy
 * @m: memory
 * @rid: requester (and PASID)
 * @t: trail: the structure entries read are appended; when the requester
 *     has no usable table, t->stop and t->why say why
 * @tgt: result when t->stop is WALK_STOP_OK
 *
 * Return: 0, or -EINVAL for an inconsistent hierarchy description (@t->why).
 */
int walk_hier_resolve(const struct walk_hier *h, const struct walk_mem *m,
		      const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt);

/*
 * Every valid requester (and every valid PASID where the structures have
 * them) under a root, in ascending order. tgt is NULL when the structures
 * of rid stop early (t says why: unreadable, reserved...). A non-zero
 * return from cb stops and is returned. Structure tables read count
 * against *tables, which stops at max_tables (-E2BIG).
 */
typedef int (*walk_hier_cb)(void *priv, const struct walk_rid *rid, const struct walk_target *tgt,
			    const struct walk_trail *t);
int walk_hier_enum(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
		   uint64_t *tables, walk_hier_cb cb, void *priv);

/* "00:03.0" for PCI-style families, "0x1234" otherwise (buf >= 16). */
void walk_rid_format(enum walk_family fam, uint32_t id, char *buf, size_t len);
const char *walk_family_name(enum walk_family fam);

/* ---- the family table ---- */

/* PASIDs, SubstreamIDs and RISC-V process IDs are 20 bits wide. */
#define WALK_PASID_BITS		20
#define WALK_PASID_MAX		((1u << WALK_PASID_BITS) - 1)

/* What an option of a hierarchy sets (walk_hier_set()). */
enum walk_hier_key {
	WALK_HK_NONE,		/* not taken: .group says what to give instead */
	WALK_HK_BASE,		/* walk_hier.base */
	WALK_HK_SCALABLE,	/* walk_hier.scalable */
	WALK_HK_STRTAB_CFG,	/* walk_hier.strtab_cfg */
	WALK_HK_DTE_COUNT,	/* walk_hier.dte_count */
	WALK_HK_EXT_DC,		/* walk_hier.ext_dc */
	WALK_HK_BIG_ENDIAN,	/* walk_hier.params.big_endian */
	WALK_HK_ID,		/* walk_rid.id: the requester; needed unless all are walked */
	WALK_HK_PASID,		/* walk_rid.pasid, at most WALK_PASID_MAX */
};

/* One option of a hierarchy, as the command line spells it. */
struct walk_hier_opt {
	const char *name;	/* without "--": "rtaddr" */
	enum walk_hier_key key;
	bool flag;		/* takes no value */
	bool required;		/* a structure option the hierarchy cannot go without */
	uint64_t lo, hi;	/* range of the value; hi 0 = any */
	const char *range;	/* ... in words: "1 to 65536" */
	uint64_t keep;		/* BASE: the address bits (the rest are register flags); 0 = all */
	const char *group;	/* how "--GROUP does not apply to --format F" names it */
};

/*
 * A hierarchy: one row of the family table (walk_hier.c), defined in its
 * own file (walk_vtd.c ...). Its options are in the order they are
 * checked; resolve and enumerate are walk_hier_resolve() and
 * walk_hier_enum() for the family (tgt zeroed, max_tables not 0).
 */
struct walk_fam {
	const char *name;	/* --format spelling: "vtd" */
	const struct walk_hier_opt *opts;
	size_t nopts;
	bool pci_ids;		/* requesters print as BB:DD.F */
	int (*resolve)(const struct walk_hier *h, const struct walk_mem *m,
		       const struct walk_rid *rid, struct walk_trail *t, struct walk_target *tgt);
	int (*enumerate)(const struct walk_hier *h, const struct walk_mem *m, uint64_t max_tables,
			 uint64_t *tables, walk_hier_cb cb, void *priv);
};

/* Row i of the table is enum walk_family i; NULL past the end. */
const struct walk_fam *walk_fam_at(size_t i);

/* The family named @name: 0, or -ENOENT (not a hierarchy). */
int walk_family_find(const char *name, enum walk_family *fam);

/* The option @name of @f (taken or refused), or NULL. */
const struct walk_hier_opt *walk_fam_opt(const struct walk_fam *f, const char *name);

/*
 * walk_fam_refuses() - whether a hierarchy refuses an option
 * @f: the hierarchy
 * @name: an option of some hierarchy
 *
 * Return: NULL when @f takes @name, else how to name it in "--%s does not
 * apply to --format F": @f's own hint ("dev (use --sid)"), or the group of
 * the first family that takes it ("dte-base/--dte-count").
 */
const char *walk_fam_refuses(const struct walk_fam *f, const char *name);

/*
 * walk_hier_set() - store the value of a hierarchy option
 * @h: hierarchy (its family's options)
 * @rid: requester (ID and PASID options)
 * @o: the option, from h's family
 * @v: its value (1 for a flag)
 * @why: on -ERANGE, what the values may be ("1 to 65536")
 *
 * Checks the option's range and drops the register flags of a base.
 *
 * Return: 0, -ERANGE, -EINVAL for an option that is not taken.
 */
int walk_hier_set(struct walk_hier *h, struct walk_rid *rid, const struct walk_hier_opt *o,
		  uint64_t v, const char **why);

/*
 * Helpers the family files share (walk.c): read one structure entry of
 * fmt at table + index * size into a new trail step, decode it for the
 * summary and reserved bits. Returns the step, or NULL when the trail
 * stopped (unreadable, full) -- t->stop and t->why are then set.
 */
struct walk_step *walk_step_read(struct walk_trail *t, const struct walk_mem *m, const char *what,
				 const struct decode_fmt *fmt, const struct decode_opts *opts,
				 uint64_t table, uint64_t index, size_t size);
__attribute__((format(printf, 3, 4)))
void walk_trail_stop(struct walk_trail *t, enum walk_stop s, const char *fmt, ...);
/* True (and the trail stopped) when the step's entry has reserved bits set. */
bool walk_step_reserved(struct walk_trail *t, struct walk_step *s);

#endif
