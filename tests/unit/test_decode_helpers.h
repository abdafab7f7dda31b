/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the test_decode_*.c programs: table-invariant checks for a
 * format, and a vector runner that decodes words and compares records.
 * Included after cmocka.h; everything here is static.
 */
#ifndef IOMMUCTL_TEST_DECODE_HELPERS_H
#define IOMMUCTL_TEST_DECODE_HELPERS_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode.h"

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Keys the engine adds itself; a field must not use them. */
static const char *const derived_keys[] = {
	"entry_type", "output_addr", "page_size", "contig", "next_table", "next_level",
	"perms", "gcr3_root",
};

static __attribute__((unused)) void check_layout(const struct decode_fmt *fmt,
						 const struct decode_layout *l)
{
	unsigned int width = fmt->width ? fmt->width : 64;
	uint64_t seen[DECODE_MAX_WORDS] = { 0 };
	unsigned int i, j;

	assert_non_null(l->name);
	assert_true(l->nfields > 0);
	for (i = 0; i < l->nfields; i++) {
		const struct bitfield *f = &l->fields[i];
		uint64_t mask;

		assert_non_null(f->key);
		assert_non_null(f->label);
		if (f->hi < f->lo || f->hi >= width || f->word >= fmt->nwords)
			fail_msg("%s/%s: field %s has bad range %u:%u word %u", fmt->name, l->name,
				 f->key, f->hi, f->lo, f->word);
		mask = (~0ULL >> (63 - f->hi)) & (~0ULL << f->lo);
		if (seen[f->word] & mask)
			fail_msg("%s/%s: field %s overlaps another", fmt->name, l->name, f->key);
		seen[f->word] |= mask;
		for (j = 0; j < i; j++)
			if (!strcmp(l->fields[j].key, f->key))
				fail_msg("%s/%s: duplicate key %s", fmt->name, l->name, f->key);
		for (j = 0; j < N_ELEM(derived_keys); j++)
			if (!strcmp(derived_keys[j], f->key))
				fail_msg("%s/%s: key %s is reserved for derived records", fmt->name,
					 l->name, f->key);
		for (j = 0; f->key[j]; j++)
			if (!((f->key[j] >= 'a' && f->key[j] <= 'z') ||
			      (f->key[j] >= '0' && f->key[j] <= '9') || f->key[j] == '_'))
				fail_msg("%s: key %s is not snake_case", fmt->name, f->key);
		if (f->kind == BF_ENUM)
			assert_non_null(f->names);
		if (f->names) {
			unsigned int bits = f->hi - f->lo + 1;

			if (bits < 32 && f->nnames > (1u << bits))
				fail_msg("%s: %s has %u names for %u bits", fmt->name, f->key,
					 f->nnames, bits);
			if (f->kind == BF_FLAG && f->nnames != 2)
				fail_msg("%s: flag %s needs two names", fmt->name, f->key);
			if (f->kind != BF_FLAG && f->kind != BF_ENUM && f->kind != BF_UINT)
				fail_msg("%s: %s has names but is not an enum", fmt->name, f->key);
		}
		if (f->kind == BF_ADDR && f->shift > 63)
			fail_msg("%s: %s shift %u", fmt->name, f->key, f->shift);
		if (f->kind == BF_FLAG && f->hi != f->lo)
			fail_msg("%s: flag %s is wider than one bit", fmt->name, f->key);
	}
	for (i = 0; i < fmt->nwords; i++) {
		uint64_t all = width == 64 ? ~0ULL : (1ULL << width) - 1;

		if (seen[i] != all)
			fail_msg("%s/%s: word %u covers 0x%llx, not 0x%llx", fmt->name, l->name, i,
				 (unsigned long long)seen[i], (unsigned long long)all);
	}
}

static __attribute__((unused)) void check_format(const struct decode_fmt *fmt)
{
	unsigned int i;

	assert_non_null(fmt->name);
	assert_non_null(fmt->summary);
	assert_non_null(fmt->spec);
	assert_true(fmt->nwords >= 1 && fmt->nwords <= DECODE_MAX_WORDS);
	assert_true(fmt->min_words <= fmt->nwords);
	assert_true(fmt->width == 0 || fmt->width == 32);
	assert_true(fmt->nlayouts >= 1);
	assert_true(fmt->level_min <= fmt->level_default);
	assert_true(fmt->level_default <= fmt->level_max);
	if (fmt->nlayouts > 1)
		assert_non_null(fmt->select);
	for (i = 0; i < fmt->nlayouts; i++)
		check_layout(fmt, &fmt->layouts[i]);
}

struct expect {
	const char *key;
	uint64_t value;		/* record.value: the address for BF_ADDR */
	const char *meaning;	/* NULL: not checked */
};

struct vector {
	const char *fmt;
	uint64_t words[DECODE_MAX_WORDS];
	int level;		/* 0 with has_level false: default */
	bool has_level;
	unsigned int granule;
	unsigned int page_shift;
	unsigned int quirks;
	enum decode_byteorder byteorder;
	const char *layout;
	int nwarn;
	struct expect exp[32];
};

#define LEVEL(n) .level = (n), .has_level = true

static __attribute__((unused)) void run_vector(const struct vector *v)
{
	const struct decode_fmt *fmt = decode_format_find(v->fmt);
	struct decode_result r;
	struct decode_opts o;
	size_t i;
	int err;

	if (!fmt)
		fail_msg("no format %s", v->fmt);
	decode_opts_init(&o);
	if (v->has_level)
		o.level = v->level;
	o.granule = v->granule;
	o.page_shift = v->page_shift;
	o.quirks = v->quirks;
	o.byteorder = v->byteorder;
	err = decode_run(fmt, v->words, &o, &r);
	if (err)
		fail_msg("%s 0x%llx: decode_run: %d", v->fmt, (unsigned long long)v->words[0], err);
	if (v->layout && strcmp(v->layout, r.layout))
		fail_msg("%s 0x%llx: layout %s, expected %s", v->fmt,
			 (unsigned long long)v->words[0], r.layout, v->layout);
	if ((int)r.nwarnings != v->nwarn) {
		for (i = 0; i < r.nwarnings; i++)
			fprintf(stderr, "  warning: %s\n", r.warnings[i].text);
		fail_msg("%s 0x%llx: %zu warnings, expected %d", v->fmt,
			 (unsigned long long)v->words[0], r.nwarnings, v->nwarn);
	}
	for (i = 0; i < N_ELEM(v->exp) && v->exp[i].key; i++) {
		const struct expect *x = &v->exp[i];
		const struct decode_record *rec = decode_result_find(&r, x->key);

		if (!rec)
			fail_msg("%s 0x%llx: no record %s", v->fmt,
				 (unsigned long long)v->words[0], x->key);
		if (rec->value != x->value)
			fail_msg("%s 0x%llx: %s = 0x%llx, expected 0x%llx", v->fmt,
				 (unsigned long long)v->words[0], x->key,
				 (unsigned long long)rec->value, (unsigned long long)x->value);
		if (x->meaning && strcmp(rec->meaning, x->meaning))
			fail_msg("%s 0x%llx: %s means \"%s\", expected \"%s\"", v->fmt,
				 (unsigned long long)v->words[0], x->key, rec->meaning,
				 x->meaning);
	}
	/* Every record key is unique in the result, derived ones included. */
	for (i = 0; i < r.nrecords; i++) {
		size_t j;

		for (j = 0; j < i; j++)
			if (!strcmp(r.records[i].key, r.records[j].key))
				fail_msg("%s: record key %s twice", v->fmt, r.records[i].key);
	}
	decode_result_release(&r);
}

static __attribute__((unused)) void run_vectors(const struct vector *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		run_vector(&v[i]);
}

/* Encode pte at level, decode it back, compare. */
static __attribute__((unused)) void roundtrip(const char *name, const struct decode_opts *o,
					      const struct decode_pte *in)
{
	const struct decode_fmt *fmt = decode_format_find(name);
	uint64_t words[DECODE_MAX_WORDS] = { 0 };
	struct decode_result r;
	struct decode_pte out;
	int err;

	assert_non_null(fmt);
	err = decode_pt_encode(fmt, o, in, words);
	if (err)
		fail_msg("%s level %d: encode: %d", name, o->level, err);
	assert_int_equal(decode_pt_entry(fmt, words, o, &out), 0);
	if (out.present != in->present || out.leaf != in->leaf || out.addr != in->addr)
		fail_msg("%s level %d: 0x%llx decodes to present %d leaf %d addr 0x%llx", name,
			 o->level, (unsigned long long)words[0], out.present, out.leaf,
			 (unsigned long long)out.addr);
	if (in->leaf && out.page_shift != in->page_shift)
		fail_msg("%s: page shift %u, expected %u", name, out.page_shift, in->page_shift);
	if (in->present && out.perms != in->perms)
		fail_msg("%s level %d: 0x%llx perms 0x%x, expected 0x%x", name, o->level,
			 (unsigned long long)words[0], out.perms, in->perms);
	if (in->present && !in->leaf && out.next_level != in->next_level)
		fail_msg("%s: next level %d, expected %d", name, out.next_level, in->next_level);
	/* The encoded entry is clean: no reserved bits, no warnings. */
	assert_int_equal(decode_run(fmt, words, o, &r), 0);
	if (r.nwarnings)
		fail_msg("%s level %d: encoded 0x%llx warns: %s", name, o->level,
			 (unsigned long long)words[0], r.warnings[0].text);
	decode_result_release(&r);
}

static __attribute__((unused)) void check_formats_named(const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct decode_fmt *fmt = decode_format_find(names[i]);

		if (!fmt)
			fail_msg("format %s is not registered", names[i]);
		check_format(fmt);
	}
}

#endif
