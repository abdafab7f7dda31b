/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure bit-field decoders for IOMMU registers and table entries. A format is
 * a table of fields; one engine turns raw words into records (key, label,
 * bit range, raw value, meaning) and warnings. Page-table formats also expose
 * per-entry operations so one walker serves every family. Nothing in
 * src/decode/ prints or exits: functions return 0 or -errno.
 */
#ifndef IOMMUCTL_DECODE_H
#define IOMMUCTL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECODE_MAX_WORDS	8	/* largest entry: 512 bits */
#define DECODE_MEANING_MAX	96
#define DECODE_WARNING_MAX	160

enum bf_kind {
	BF_FLAG,	/* one bit: "yes"/"no" or names[0]/names[1] */
	BF_UINT,	/* unsigned number, decimal (or names[raw] when there is one) */
	BF_ADDR,	/* address = raw << shift (shift 0 means "by lo") */
	BF_ENUM,	/* names[raw]; a NULL or missing name is a reserved value */
	BF_RSVD,	/* reserved, must be zero: non-zero gives a warning */
};

struct bitfield;
struct decode_fmt;
struct decode_opts;
struct decode_result;

/*
 * What a callback sees: the format, the entry as host values (after any
 * byte-order conversion) and the options with defaults already filled in.
 */
struct decode_entry {
	const struct decode_fmt *fmt;
	const uint64_t *words;
	const struct decode_opts *opts;
};

/*
 * Longest key and label a field may have, with the NUL: the tables hold
 * their text, not pointers to it, so that they need no relocation in a
 * PIE and stay read-only (fmt.h checks each initializer against these).
 */
#define BF_KEY_MAX	24
#define BF_LABEL_MAX	60

struct bitfield {
	char key[BF_KEY_MAX];	/* stable snake_case JSON key */
	char label[BF_LABEL_MAX]; /* human name */
	unsigned char word;	/* index of the 64-bit word */
	unsigned char hi;	/* inclusive bit positions within the word */
	unsigned char lo;
	unsigned char shift;	/* BF_ADDR only; 0 = shift by lo */
	enum bf_kind kind;
	unsigned char names;	/* its value names: BFN_* (decode/fmt.h), 0 = none */
	unsigned char nnames;
	/* Computed meaning, BFM_* (decode/fmt.h), 0 = none; the engine still emits the record. */
	unsigned char meaning;
};

/* One interpretation of an entry's bits ("table", "page", "section"...). */
struct decode_layout {
	const char *name;
	const struct bitfield *fields;
	unsigned int nfields;
};

#define DECODE_LEVEL_UNSET	(-1)

enum decode_byteorder {
	DECODE_BO_VALUE,	/* words are the values the hardware means */
	DECODE_BO_LE,		/* words are memory loaded with a little-endian 64-bit load */
	DECODE_BO_BE,		/* words are memory loaded with a big-endian 64-bit load */
};

#define DECODE_QUIRK_MTK_EXT	(1u << 0)	/* Arm v7s: PA[32]/[33]/[34] in PTE bits 9/4/5 */
#define DECODE_QUIRK_BIG_ENDIAN	(1u << 1)	/* RISC-V: structures big-endian (fctl.BE) */

struct decode_opts {
	int level;		/* page-table level in the family's numbering; UNSET = default */
	unsigned int granule;	/* Arm LPAE: 4096, 16384 or 65536; 0 = 4096 */
	unsigned int page_shift; /* PowerPC TCE page size; 0 = 12 */
	unsigned int pa_bits;	/* output address width; 0 = do not check */
	unsigned int quirks;	/* DECODE_QUIRK_* */
	enum decode_byteorder byteorder;
};

/* Which options a format takes (struct decode_fmt.opts). */
#define DECODE_OPT_LEVEL	(1u << 0)
#define DECODE_OPT_GRANULE	(1u << 1)
#define DECODE_OPT_PAGE_SHIFT	(1u << 2)
#define DECODE_OPT_MTK_EXT	(1u << 3)
#define DECODE_OPT_BIG_ENDIAN	(1u << 4)

#define DECODE_PERM_R	(1u << 0)
#define DECODE_PERM_W	(1u << 1)
#define DECODE_PERM_X	(1u << 2)
#define DECODE_PERM_U	(1u << 3)

/* One page-table entry, interpreted. */
struct decode_pte {
	bool present;
	bool leaf;
	uint64_t addr;		/* leaf: output base address; table: next-table address */
	unsigned int page_shift; /* leaf: log2 of the page size */
	int next_level;		/* table: level of the table at addr */
	unsigned int perms;	/* DECODE_PERM_*; for tables, what they allow below them */
	unsigned int contig;	/* leaf: consecutive slots holding this same entry (1 = none) */
};

/* Where a level's index sits in the input address. */
struct decode_pt_level {
	unsigned int shift;	/* index = (iova >> shift) & ((1 << bits) - 1) */
	unsigned int bits;	/* for a full table at this level */
};

struct walk_pt;
struct walk_pt_params;

struct decode_pt_ops {
	/* Interpret the entry at opts->level. */
	int (*parse)(const struct decode_entry *e, struct decode_pte *pte);
	/* Build an entry from pte at opts->level (tests, synthetic tables). */
	int (*encode)(const struct decode_opts *opts, const struct decode_pte *pte,
		      uint64_t *words);
	/* Index geometry of a level; NULL when the walk setup sizes every level (TCE). */
	int (*level)(const struct decode_opts *opts, int level, struct decode_pt_level *g);
	/*
	 * A table of this format for the walker (decode/walk.h): levels, size of
	 * the top table, options, from what the user said. walk_pt_setup() has
	 * zeroed pt, set fmt, root, default opts and perms_mask, and checked that
	 * p sets only parameters in @params and each within its range; setup
	 * checks what depends on the format. Returns 0, or -EINVAL and *why.
	 */
	int (*setup)(struct walk_pt *pt, const struct walk_pt_params *p, const char **why);
	unsigned int params;	/* WALK_PARAM_BIT()s setup takes */
};

struct decode_fmt {
	const char *name;	/* CLI spelling, "vtd-context" */
	const char *summary;
	const char *spec;	/* document and section */
	unsigned int nwords;	/* 64-bit words */
	unsigned int min_words;	/* the user may type fewer; callers zero-fill to nwords; 0 = nwords */
	unsigned int width;	/* bits per word when narrower than 64 (v7s: 32); 0 = 64 */
	bool big_endian;	/* in memory */
	unsigned int opts;	/* DECODE_OPT_* it takes */
	int level_min, level_max, level_default;
	const struct decode_layout *layouts;
	unsigned int nlayouts;
	/* Layout index for this entry; NULL = layouts[0]. */
	int (*select)(const struct decode_entry *e);
	/* Cross-field checks: add warnings with decode_result_warn(). */
	void (*validate)(const struct decode_entry *e, struct decode_result *out);
	/* Values built from several fields: add with decode_result_add(). */
	void (*derive)(const struct decode_entry *e, struct decode_result *out);
	const struct decode_pt_ops *pt;
};

/*
 * word/hi/lo are as the specification numbers them within a 64-bit word;
 * the bit of the whole entry is word * 64 + hi.
 */
struct decode_record {
	const char *key;
	const char *label;
	enum bf_kind kind;
	bool derived;		/* computed, not one bit range: word/hi/lo unused */
	unsigned int word, hi, lo;
	uint64_t raw;		/* the field's bits, right-aligned */
	uint64_t value;		/* BF_ADDR: the address; otherwise raw */
	unsigned char mlen;	/* strlen(meaning) + 1 when the engine knows it; 0 unknown */
	char meaning[DECODE_MEANING_MAX];
};

struct decode_warning {
	const char *key;	/* field the warning is about, or NULL */
	char text[DECODE_WARNING_MAX];
};

struct decode_result {
	const struct decode_fmt *fmt;
	const char *layout;	/* name of the layout used */
	struct decode_record *records;
	size_t nrecords;
	struct decode_warning *warnings;
	size_t nwarnings;
	size_t rcap, wcap;	/* private */
	int error;		/* private: sticky -ENOMEM from the hooks */
};

/**
 * decode_opts_init() - options with every value at its default
 * @opts: options to fill
 */
void decode_opts_init(struct decode_opts *opts);

/**
 * decode_run() - decode one register or table entry
 * @fmt: the format
 * @words: fmt->nwords words, word 0 first, as the options' byte order says
 * @opts: options, or NULL for defaults
 * @out: result; initialised here, release with decode_result_release()
 *
 * Return: 0, -EINVAL for an option the format does not take or a level out
 * of range, -ERANGE for a word wider than the format, -ENOMEM.
 * On error @out is left empty.
 */
int decode_run(const struct decode_fmt *fmt, const uint64_t *words,
	       const struct decode_opts *opts, struct decode_result *out);

/**
 * decode_run_again() - decode_run() into a result used before
 * @out: zeroed before the first call, or a result of decode_run() or of
 *	this; what it holds is replaced. Batch decoding reuses the record
 *	array instead of allocating one per entry. Release it once with
 *	decode_result_release().
 *
 * Return: as decode_run(); on error @out holds no records.
 */
int decode_run_again(const struct decode_fmt *fmt, const uint64_t *words,
		     const struct decode_opts *opts, struct decode_result *out);

/**
 * decode_result_release() - free what decode_run() allocated
 * @r: result; safe on a zeroed or already released result
 */
void decode_result_release(struct decode_result *r);

/**
 * decode_result_find() - record by key
 * @r: result
 * @key: field key
 *
 * Return: the record, or NULL.
 */
const struct decode_record *decode_result_find(const struct decode_result *r, const char *key);

/**
 * decode_result_add() - append a derived record (from a derive hook)
 * @out: result
 * @key: snake_case key
 * @label: human name
 * @kind: BF_ADDR values are shown as hex, BF_UINT in decimal...
 * @value: the value
 * @meaning: text, or NULL to format @value by @kind
 *
 * Return: 0 or -ENOMEM.
 */
int decode_result_add(struct decode_result *out, const char *key, const char *label,
		      enum bf_kind kind, uint64_t value, const char *meaning);

/**
 * decode_result_warn() - append a warning
 * @out: result
 * @key: field the warning is about, or NULL
 * @fmt: printf format
 *
 * Return: 0 or -ENOMEM.
 */
__attribute__((format(printf, 3, 4)))
int decode_result_warn(struct decode_result *out, const char *key, const char *fmt, ...);

/**
 * decode_field_get() - extract a field's raw bits
 * @f: field
 * @words: entry
 *
 * Return: the field's bits, right-aligned.
 */
uint64_t decode_field_get(const struct bitfield *f, const uint64_t *words);

/**
 * decode_field_set() - store a value into a field of an entry (an encoder
 * for tests and synthetic tables)
 * @fmt: format
 * @layout: index into fmt->layouts
 * @key: field key
 * @value: raw value (right-aligned bits, not an address)
 * @words: entry, modified in place
 *
 * Return: 0, -ENOENT for an unknown key or layout, -ERANGE if @value does not
 * fit the field.
 */
int decode_field_set(const struct decode_fmt *fmt, unsigned int layout, const char *key,
		     uint64_t value, uint64_t *words);

/**
 * decode_fmt_entry_size() - bytes one entry of @fmt occupies in memory
 * @fmt: format
 *
 * Return: the size in bytes.
 */
size_t decode_fmt_entry_size(const struct decode_fmt *fmt);

/**
 * decode_words_load() - turn an entry's memory bytes into host values
 * @fmt: format (gives size and memory byte order)
 * @opts: options (RISC-V big-endian quirk), or NULL
 * @mem: decode_fmt_entry_size() bytes
 * @words: fmt->nwords words out
 */
void decode_words_load(const struct decode_fmt *fmt, const struct decode_opts *opts,
		       const void *mem, uint64_t *words);

/**
 * decode_pt_entry() - interpret a page-table entry
 * @fmt: a page-table format
 * @words: entry, in the options' byte order
 * @opts: options (level...), or NULL
 * @pte: result
 *
 * Return: 0, -EOPNOTSUPP if @fmt is not a page-table format, -EINVAL for bad
 * options.
 */
int decode_pt_entry(const struct decode_fmt *fmt, const uint64_t *words,
		    const struct decode_opts *opts, struct decode_pte *pte);

/**
 * decode_pt_encode() - build a page-table entry
 * @fmt: a page-table format
 * @opts: options (level...), or NULL
 * @pte: what the entry should say
 * @words: fmt->nwords words out, as host values
 *
 * Return: 0, -EOPNOTSUPP, or -EINVAL if the format cannot express @pte.
 */
int decode_pt_encode(const struct decode_fmt *fmt, const struct decode_opts *opts,
		     const struct decode_pte *pte, uint64_t *words);

/**
 * decode_pt_level() - input-address index geometry of a level
 * @fmt: a page-table format
 * @opts: options (granule, page_shift), or NULL
 * @level: level in the family's numbering
 * @g: result
 *
 * Return: 0, -EOPNOTSUPP, or -EINVAL for a level out of range.
 */
int decode_pt_level(const struct decode_fmt *fmt, const struct decode_opts *opts, int level,
		    struct decode_pt_level *g);

/**
 * decode_perms_format() - "rwxu" with '-' for each permission not granted
 * @perms: DECODE_PERM_* bits
 * @buf: at least 5 bytes
 */
void decode_perms_format(unsigned int perms, char *buf);

/* Registry (formats.c). */

/**
 * decode_format_find() - format by exact name or alias
 * @name: CLI spelling
 *
 * Return: the format, or NULL.
 */
const struct decode_fmt *decode_format_find(const char *name);

/**
 * decode_format_at() - iterate the registry in display order
 * @i: index from 0
 *
 * Return: the format, or NULL past the end.
 */
const struct decode_fmt *decode_format_at(size_t i);

/**
 * decode_alias_at() - iterate the aliases
 * @i: index from 0
 * @alias: the alternative name
 *
 * Return: the format @alias stands for, or NULL past the end.
 */
const struct decode_fmt *decode_alias_at(size_t i, const char **alias);

/* Value parsing (parse.c). */

/**
 * decode_parse_word() - parse one hex word: "0x1f", "1F", "0000_0001_2345_6001"
 * @s: text; '_' allowed between digits
 * @word: result
 *
 * Return: 0, -EINVAL for anything but hex digits, -ERANGE above 64 bits.
 */
int decode_parse_word(const char *s, uint64_t *word);

/**
 * decode_parse_words() - parse one hex word per argument, word 0 first
 * @argv: arguments
 * @argc: how many
 * @words: output
 * @nwords: room in @words
 *
 * Return: the number of words stored, -EINVAL, -ERANGE, or -E2BIG when
 * @argc exceeds @nwords.
 */
int decode_parse_words(const char *const *argv, int argc, uint64_t *words, size_t nwords);

/**
 * decode_parse_line() - parse whitespace-separated hex words from one line
 * @line: text; a trailing newline and a '#' comment are ignored
 * @words: output
 * @nwords: room in @words
 *
 * Return: as decode_parse_words().
 */
int decode_parse_line(const char *line, uint64_t *words, size_t nwords);

/**
 * decode_amd_features_parse() - read sysfs amd-iommu/features into EFR, EFR2
 * @text: "EFR" (old kernels), "EFR2:EFR" (v6.2-era) or "EFR:EFR2" (current);
 *        a blank may stand for the colon
 * @words: words[0] = EFR, words[1] = EFR2 (0 when absent)
 *
 * The two-value order changed between kernels and the text does not say
 * which it is, so the value with more feature bits set is taken as EFR:
 * EFR advertises dozens of features, EFR2 a handful.
 *
 * Return: 0, -EINVAL or -ERANGE.
 */
int decode_amd_features_parse(const char *text, uint64_t *words);

/**
 * decode_vtd_fault_reason() - VT-d fault reason text
 * @code: FRCD.FR or a kernel-log "fault reason 0xNN"
 *
 * Return: text, or NULL for a code the table does not know.
 */
const char *decode_vtd_fault_reason(unsigned int code);

#endif
