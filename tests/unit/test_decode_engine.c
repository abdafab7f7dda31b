/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The decoder engine, registry and hex parser: table invariants for every
 * registered format, option handling, byte order, value parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "core/util.h"
#include "test_decode_helpers.h"

static void test_every_format_invariants(void **state)
{
	const struct decode_fmt *fmt;
	size_t i;

	for (i = 0; (fmt = decode_format_at(i)); i++)
		check_format(fmt);
	assert_true(i >= 31);
}

static void test_registry_names_unique(void **state)
{
	const struct decode_fmt *a, *b, *target;
	const char *alias;
	size_t i, j;

	for (i = 0; (a = decode_format_at(i)); i++) {
		assert_ptr_equal(decode_format_find(a->name), a);
		for (j = 0; j < i; j++) {
			b = decode_format_at(j);
			assert_string_not_equal(a->name, b->name);
		}
	}
	for (i = 0; (target = decode_alias_at(i, &alias)); i++) {
		/* An alias never hides a real name and always resolves to its target. */
		for (j = 0; (a = decode_format_at(j)); j++)
			assert_string_not_equal(alias, a->name);
		assert_ptr_equal(decode_format_find(alias), target);
	}
	assert_null(decode_format_find("vtd-nope"));
	assert_null(decode_format_find(""));
	assert_null(decode_format_find(NULL));
	assert_ptr_equal(decode_format_find("vtd-ss-pte"), decode_format_find("vtd-sl-pte"));
}

/* Every format decodes all-zero and all-one words without failing. */
static void test_every_format_extremes(void **state)
{
	uint64_t zero[DECODE_MAX_WORDS] = { 0 }, ones[DECODE_MAX_WORDS];
	const struct decode_fmt *fmt;
	struct decode_result r;
	size_t i;
	int lvl;

	for (i = 0; (fmt = decode_format_at(i)); i++) {
		for (size_t k = 0; k < DECODE_MAX_WORDS; k++)
			ones[k] = fmt->width == 32 ? 0xffffffff : ~0ULL;
		for (lvl = fmt->level_min; lvl <= fmt->level_max; lvl++) {
			struct decode_opts o;

			decode_opts_init(&o);
			if (fmt->opts & DECODE_OPT_LEVEL)
				o.level = lvl;
			assert_int_equal(decode_run(fmt, zero, &o, &r), 0);
			assert_true(r.nrecords > 0);
			decode_result_release(&r);
			assert_int_equal(decode_run(fmt, ones, &o, &r), 0);
			decode_result_release(&r);
		}
	}
}

/*
 * decode_run_again(): every format, entry after entry (all zeros, all
 * ones, a mix, then zeros again) into one result, gives what decode_run()
 * gives for each, and keeps its record array (batch decoding allocates
 * none per entry); the meaning lengths the engine notes are right; an
 * entry that fails leaves no records and the next one decodes.
 */
static void test_run_again(void **state)
{
	const struct decode_fmt *fmt;
	struct decode_result again = { 0 }, once;

	(void)state;
	for (size_t i = 0; (fmt = decode_format_at(i)); i++) {
		uint64_t w[4][DECODE_MAX_WORDS];
		uint64_t mask = fmt->width == 32 ? 0xffffffff : ~0ULL;
		const struct decode_record *prev = NULL;
		size_t prev_cap = 0;

		for (size_t k = 0; k < DECODE_MAX_WORDS; k++) {
			w[0][k] = 0;
			w[1][k] = mask;
			w[2][k] = (0x8000000000000403ULL ^ (k * 0x1111)) & mask;
			w[3][k] = 0;
		}
		for (int e = 0; e < 4; e++) {
			assert_int_equal(decode_run(fmt, w[e], NULL, &once), 0);
			assert_int_equal(decode_run_again(fmt, w[e], NULL, &again), 0);
			/* the same array unless it had to grow */
			if (e && again.rcap == prev_cap)
				assert_ptr_equal(again.records, prev);
			prev = again.records;
			prev_cap = again.rcap;
			assert_ptr_equal(again.fmt, once.fmt);
			assert_string_equal(again.layout, once.layout);
			assert_int_equal(again.nrecords, once.nrecords);
			assert_int_equal(again.nwarnings, once.nwarnings);
			for (size_t k = 0; k < once.nrecords; k++) {
				const struct decode_record *a = &again.records[k], *b = &once.records[k];

				assert_string_equal(a->key, b->key);
				assert_int_equal(a->raw, b->raw);
				assert_int_equal(a->value, b->value);
				assert_string_equal(a->meaning, b->meaning);
				if (a->mlen)
					assert_int_equal(a->mlen, strlen(a->meaning) + 1);
			}
			for (size_t k = 0; k < once.nwarnings; k++)
				assert_string_equal(again.warnings[k].text, once.warnings[k].text);
			decode_result_release(&once);
		}
	}
	/* a word wider than a 32-bit format: an error, no records, then on */
	fmt = decode_format_find("arm-v7s-l1");
	if (fmt && fmt->width == 32) {
		uint64_t wide[DECODE_MAX_WORDS] = { 1ULL << 40 }, ok[DECODE_MAX_WORDS] = { 0 };

		assert_int_equal(decode_run_again(fmt, wide, NULL, &again), -ERANGE);
		assert_int_equal(again.nrecords, 0);
		assert_int_equal(decode_run_again(fmt, ok, NULL, &again), 0);
		assert_true(again.nrecords > 0);
	}
	decode_result_release(&again);
}

static void test_options_rejected(void **state)
{
	const struct decode_fmt *root = decode_format_find("vtd-root");
	const struct decode_fmt *sl = decode_format_find("vtd-sl-pte");
	const struct decode_fmt *lpae = decode_format_find("arm-lpae-s1");
	uint64_t w[2] = { 1, 0 };
	struct decode_result r;
	struct decode_opts o;

	decode_opts_init(&o);
	o.level = 1;
	assert_int_equal(decode_run(root, w, &o, &r), -EINVAL);
	assert_int_equal(r.nrecords, 0);
	o.level = 6;
	assert_int_equal(decode_run(sl, w, &o, &r), -EINVAL);
	o.level = 0;
	assert_int_equal(decode_run(sl, w, &o, &r), -EINVAL);

	decode_opts_init(&o);
	o.granule = 8192;
	assert_int_equal(decode_run(lpae, w, &o, &r), -EINVAL);
	o.granule = 65536;
	assert_int_equal(decode_run(sl, w, &o, &r), -EINVAL);
	assert_int_equal(decode_run(lpae, w, &o, &r), 0);
	decode_result_release(&r);

	decode_opts_init(&o);
	o.quirks = DECODE_QUIRK_MTK_EXT;
	assert_int_equal(decode_run(lpae, w, &o, &r), -EINVAL);
	o.quirks = 1u << 20;
	assert_int_equal(decode_run(decode_format_find("arm-v7s-l2"), w, &o, &r), -EINVAL);

	decode_opts_init(&o);
	o.page_shift = 16;
	assert_int_equal(decode_run(sl, w, &o, &r), -EINVAL);
	o.page_shift = 11;
	assert_int_equal(decode_run(decode_format_find("ppc-tce"), w, &o, &r), -EINVAL);

	/* v7s levels are fixed by the format, but a walker may still say so. */
	decode_opts_init(&o);
	o.level = 1;
	assert_int_equal(decode_run(decode_format_find("arm-v7s-l1"), w, &o, &r), 0);
	decode_result_release(&r);
	assert_int_equal(decode_run(decode_format_find("arm-v7s-l2"), w, &o, &r), -EINVAL);

	assert_int_equal(decode_run(NULL, w, NULL, &r), -EINVAL);
	assert_int_equal(decode_run(root, NULL, NULL, &r), -EINVAL);
}

static void test_width_range(void **state)
{
	const struct decode_fmt *l2 = decode_format_find("arm-v7s-l2");
	uint64_t w = 0x100000002ULL;
	struct decode_result r;

	assert_int_equal(decode_run(l2, &w, NULL, &r), -ERANGE);
	w = 0xfffff002;
	assert_int_equal(decode_run(l2, &w, NULL, &r), 0);
	assert_string_equal(r.layout, "small-page");
	decode_result_release(&r);
}

/* A TCE read from memory with a little-endian load must be swapped. */
static void test_byteorder(void **state)
{
	const struct decode_fmt *tce = decode_format_find("ppc-tce");
	const struct decode_fmt *root = decode_format_find("vtd-root");
	uint64_t w = 0x0350341200000000ULL;	/* bytes 00 00 00 00 12 34 50 03 loaded LE */
	uint64_t rw[2] = { 0x0160452301000000ULL, 0 };
	static const unsigned char mem[8] = { 0, 0, 0, 0, 0x12, 0x34, 0x50, 0x03 };
	struct decode_result r;
	struct decode_opts o;

	decode_opts_init(&o);
	o.byteorder = DECODE_BO_LE;
	assert_int_equal(decode_run(tce, &w, &o, &r), 0);
	assert_int_equal(decode_result_find(&r, "rpn")->value, 0x12345000);
	assert_int_equal(decode_result_find(&r, "write")->value, 1);
	decode_result_release(&r);

	o.byteorder = DECODE_BO_BE;
	w = 0x0000000012345003ULL;
	assert_int_equal(decode_run(tce, &w, &o, &r), 0);
	assert_int_equal(decode_result_find(&r, "rpn")->value, 0x12345000);
	decode_result_release(&r);

	/* A little-endian format loaded big-endian is swapped too. */
	assert_int_equal(decode_run(root, rw, &o, &r), 0);
	assert_int_equal(decode_result_find(&r, "ctp")->value, 0x123456000ULL);
	decode_result_release(&r);

	decode_words_load(tce, NULL, mem, &w);
	assert_int_equal(w, 0x12345003);
	assert_int_equal(decode_fmt_entry_size(tce), 8);
	assert_int_equal(decode_fmt_entry_size(decode_format_find("arm-v7s-l1")), 4);
	assert_int_equal(decode_fmt_entry_size(decode_format_find("smmuv3-ste")), 64);
}

static void test_words_load_le32(void **state)
{
	static const unsigned char mem[4] = { 0x0e, 0x1c, 0x13, 0x80 };
	uint64_t w = 0;

	decode_words_load(decode_format_find("arm-v7s-l1"), NULL, mem, &w);
	assert_int_equal(w, 0x80131c0e);
}

static void test_field_set(void **state)
{
	const struct decode_fmt *ctx = decode_format_find("vtd-context");
	uint64_t w[2] = { 0, 0 };
	struct decode_result r;

	assert_int_equal(decode_field_set(ctx, 0, "present", 1, w), 0);
	assert_int_equal(decode_field_set(ctx, 0, "slptptr", 0x7f3a2, w), 0);
	assert_int_equal(decode_field_set(ctx, 0, "aw", 2, w), 0);
	assert_int_equal(decode_field_set(ctx, 0, "did", 0x2a, w), 0);
	assert_int_equal(w[0], 0x7f3a2001);
	assert_int_equal(w[1], 0x2a02);
	assert_int_equal(decode_field_set(ctx, 0, "aw", 8, w), -ERANGE);
	assert_int_equal(decode_field_set(ctx, 0, "nope", 1, w), -ENOENT);
	assert_int_equal(decode_field_set(ctx, 1, "aw", 1, w), -ENOENT);

	/* Field values round-trip through decode_run. */
	assert_int_equal(decode_run(ctx, w, NULL, &r), 0);
	assert_int_equal(decode_result_find(&r, "did")->raw, 0x2a);
	assert_int_equal(decode_result_find(&r, "aw")->raw, 2);
	assert_int_equal(decode_result_find(&r, "slptptr")->raw, 0x7f3a2);
	assert_int_equal(r.nwarnings, 0);
	decode_result_release(&r);
}

static void test_reserved_warning(void **state)
{
	const struct decode_fmt *ctx = decode_format_find("vtd-context");
	uint64_t w[2] = { 0x7f3a2001 | 0x30, 0x2a02 | (1ULL << 40) };
	struct decode_result r;

	assert_int_equal(decode_run(ctx, w, NULL, &r), 0);
	assert_int_equal(r.nwarnings, 2);
	assert_string_equal(r.warnings[0].key, "rsvd_q0_11_4");
	assert_string_equal(r.warnings[0].text,
			    "reserved bits 11:4 (word 0 bits 11:4) are 0x3, must be zero");
	assert_string_equal(r.warnings[1].text,
			    "reserved bits 127:88 (word 1 bits 63:24) are 0x10000, must be zero");
	decode_result_release(&r);
}

static void test_pa_bits_warning(void **state)
{
	const struct decode_fmt *root = decode_format_find("vtd-root");
	uint64_t w[2] = { 0x0000800000001001ULL, 0 };
	struct decode_result r;
	struct decode_opts o;

	decode_opts_init(&o);
	o.pa_bits = 46;
	assert_int_equal(decode_run(root, w, &o, &r), 0);
	assert_int_equal(r.nwarnings, 1);
	assert_string_equal(r.warnings[0].key, "ctp");
	decode_result_release(&r);
	o.pa_bits = 48;
	assert_int_equal(decode_run(root, w, &o, &r), 0);
	assert_int_equal(r.nwarnings, 0);
	decode_result_release(&r);
}

static void test_record_layout(void **state)
{
	const struct decode_fmt *ctx = decode_format_find("vtd-context");
	uint64_t w[2] = { 0x7f3a2001, 0x2a02 };
	struct decode_result r;
	const struct decode_record *rec;

	assert_int_equal(decode_run(ctx, w, NULL, &r), 0);
	assert_ptr_equal(r.fmt, ctx);
	assert_string_equal(r.records[0].key, "present");
	rec = decode_result_find(&r, "did");
	assert_int_equal(rec->word, 1);
	assert_int_equal(rec->hi, 23);
	assert_int_equal(rec->lo, 8);
	assert_false(rec->derived);
	assert_int_equal(rec->kind, BF_UINT);
	assert_string_equal(rec->meaning, "42");
	rec = decode_result_find(&r, "slptptr");
	assert_int_equal(rec->raw, 0x7f3a2);
	assert_int_equal(rec->value, 0x7f3a2000);
	assert_string_equal(rec->meaning, "0x7f3a2000");
	assert_string_equal(decode_result_find(&r, "present")->meaning, "yes");
	assert_string_equal(decode_result_find(&r, "fpd")->meaning, "no");
	assert_null(decode_result_find(&r, "nope"));
	decode_result_release(&r);
	decode_result_release(&r);
}

static void test_enum_reserved_value(void **state)
{
	const struct decode_fmt *ctx = decode_format_find("vtd-context");
	uint64_t w[2] = { 0x7f3a200d, 0x2a02 };	/* TT = 3 */
	struct decode_result r;

	assert_int_equal(decode_run(ctx, w, NULL, &r), 0);
	assert_string_equal(decode_result_find(&r, "tt")->meaning, "reserved (3)");
	assert_int_equal(r.nwarnings, 1);
	assert_string_equal(r.warnings[0].key, "tt");
	decode_result_release(&r);
}

static void test_pt_api_errors(void **state)
{
	const struct decode_fmt *root = decode_format_find("vtd-root");
	const struct decode_fmt *tce = decode_format_find("ppc-tce");
	const struct decode_fmt *sl = decode_format_find("vtd-sl-pte");
	struct decode_pt_level g;
	struct decode_pte pte = { 0 };
	uint64_t w[2] = { 0 };

	assert_int_equal(decode_pt_entry(root, w, NULL, &pte), -EOPNOTSUPP);
	assert_int_equal(decode_pt_encode(root, NULL, &pte, w), -EOPNOTSUPP);
	assert_int_equal(decode_pt_level(root, NULL, 1, &g), -EOPNOTSUPP);
	assert_int_equal(decode_pt_level(tce, NULL, 1, &g), -EOPNOTSUPP);
	assert_int_equal(decode_pt_level(sl, NULL, 6, &g), -EINVAL);
	assert_int_equal(decode_pt_level(sl, NULL, 4, &g), 0);
	assert_int_equal(g.shift, 39);
	assert_int_equal(g.bits, 9);
}

static void test_perms_and_sizes(void **state)
{
	char buf[16];

	decode_perms_format(DECODE_PERM_R | DECODE_PERM_W | DECODE_PERM_U, buf);
	assert_string_equal(buf, "rw-u");
	decode_perms_format(0, buf);
	assert_string_equal(buf, "----");
	size_format(4096, buf, sizeof(buf));
	assert_string_equal(buf, "4K");
	size_format(1ULL << 30, buf, sizeof(buf));
	assert_string_equal(buf, "1G");
	size_format(1ULL << 48, buf, sizeof(buf));
	assert_string_equal(buf, "256T");
	size_format(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
}

/* ---- parser ---- */

static void test_parse_word_ok(void **state)
{
	uint64_t v;

	assert_int_equal(decode_parse_word("0x1f", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(decode_parse_word("1F", &v), 0);
	assert_int_equal(v, 0x1f);
	assert_int_equal(decode_parse_word("0X0000_0001_2345_6001", &v), 0);
	assert_int_equal(v, 0x123456001ULL);
	assert_int_equal(decode_parse_word("ffffffffffffffff", &v), 0);
	assert_int_equal(v, ~0ULL);
	assert_int_equal(decode_parse_word("0000000000000000000000001", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(decode_parse_word("d2008c40660462", &v), 0);
	assert_int_equal(v, 0xd2008c40660462ULL);
	assert_int_equal(decode_parse_word("0", &v), 0);
	assert_int_equal(v, 0);
}

static void test_parse_word_garbage(void **state)
{
	static const char *const bad[] = {
		"", "0x", "0X", "x12", "12g", "-1", "+1", " 12", "12 ", "_12", "12_", "1__2",
		"0x_12", "0x12_", "12\n", "1.5", "0xg", "０x1", "0x1 2",
	};
	uint64_t v = 7;
	size_t i;

	for (i = 0; i < N_ELEM(bad); i++)
		if (decode_parse_word(bad[i], &v) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	assert_int_equal(v, 7);
	assert_int_equal(decode_parse_word(NULL, &v), -EINVAL);
}

static void test_parse_word_overflow(void **state)
{
	uint64_t v;

	assert_int_equal(decode_parse_word("10000000000000000", &v), -ERANGE);
	assert_int_equal(decode_parse_word("0x1_0000_0000_0000_0000", &v), -ERANGE);
	assert_int_equal(decode_parse_word("fffffffffffffffff", &v), -ERANGE);
	/* Garbage after an overflow is still garbage. */
	assert_int_equal(decode_parse_word("10000000000000000z", &v), -EINVAL);
}

/*
 * Sixteen digits take a path of their own (eight bytes at a time): every
 * byte value in every position, and every digit in every position, must
 * give what a digit-at-a-time reading gives.
 */
static int ref_parse16(const char *s, uint64_t *v)
{
	uint64_t r = 0;

	for (int i = 0; i < 16; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		r = r << 4 | (uint64_t)d;
	}
	*v = r;
	return 0;
}

static void test_parse_word_16_digits(void **state)
{
	static const char digits[] = "0123456789abcdefABCDEF";
	char s[20] = "0x";
	uint64_t v, want, seed = 0x9e3779b97f4a7c15ULL;

	for (int pos = 0; pos < 16; pos++) {
		for (int c = 1; c < 256; c++) {
			int got_rc, want_rc;

			for (int i = 0; i < 16; i++) {
				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				s[2 + i] = digits[(seed >> 33) % (sizeof(digits) - 1)];
			}
			s[2 + pos] = (char)c;
			s[18] = '\0';
			v = want = 0;
			want_rc = ref_parse16(s + 2, &want);
			if (c == '_' && pos > 0 && pos < 15)
				want_rc = 0;	/* a separator between digits */
			got_rc = decode_parse_word(s, &v);
			if (c == '_' && pos > 0 && pos < 15) {
				/* 15 digits around the '_' */
				assert_int_equal(got_rc, 0);
				continue;
			}
			if (got_rc != want_rc || (!got_rc && v != want))
				fail_msg("\"%s\": %d 0x%llx, want %d 0x%llx", s, got_rc,
					 (unsigned long long)v, want_rc, (unsigned long long)want);
			/* the same without the prefix */
			assert_int_equal(decode_parse_word(s + 2, &v), want_rc);
			if (!want_rc)
				assert_true(v == want);
		}
	}
}

static void test_parse_words(void **state)
{
	const char *argv[] = { "0x1", "2_0", "ff" };
	const char *bad[] = { "0x1", "zz" };
	uint64_t w[4] = { 0 };

	assert_int_equal(decode_parse_words(argv, 3, w, 4), 3);
	assert_int_equal(w[0], 1);
	assert_int_equal(w[1], 0x20);
	assert_int_equal(w[2], 0xff);
	assert_int_equal(decode_parse_words(argv, 3, w, 2), -E2BIG);
	assert_int_equal(decode_parse_words(bad, 2, w, 4), -EINVAL);
	assert_int_equal(decode_parse_words(argv, 0, w, 4), 0);
	assert_int_equal(decode_parse_words(argv, -1, w, 4), -EINVAL);
}

static void test_parse_line(void **state)
{
	uint64_t w[4] = { 0 };

	assert_int_equal(decode_parse_line("  0x7f3a2001\t2a02\n", w, 4), 2);
	assert_int_equal(w[0], 0x7f3a2001);
	assert_int_equal(w[1], 0x2a02);
	assert_int_equal(decode_parse_line("1 2 # a comment", w, 4), 2);
	assert_int_equal(decode_parse_line("# only a comment", w, 4), 0);
	assert_int_equal(decode_parse_line("", w, 4), 0);
	assert_int_equal(decode_parse_line("1 2 3 4 5", w, 4), -E2BIG);
	assert_int_equal(decode_parse_line("1 x 3", w, 4), -EINVAL);
	assert_int_equal(decode_parse_line("1,2", w, 4), -EINVAL);
	assert_int_equal(decode_parse_line("1 10000000000000000", w, 4), -ERANGE);
	assert_int_equal(decode_parse_line(NULL, w, 4), -EINVAL);
}

static void test_amd_features_parse(void **state)
{
	uint64_t w[2];

	/* Old kernels: EFR alone. */
	assert_int_equal(decode_amd_features_parse("58f77ef22294ade\n", w), 0);
	assert_int_equal(w[0], 0x58f77ef22294adeULL);
	assert_int_equal(w[1], 0);
	/* Current kernels: EFR:EFR2. */
	assert_int_equal(decode_amd_features_parse("58f77ef22294ade:20\n", w), 0);
	assert_int_equal(w[0], 0x58f77ef22294adeULL);
	assert_int_equal(w[1], 0x20);
	/* v6.2-era kernels: EFR2:EFR. */
	assert_int_equal(decode_amd_features_parse("20:58f77ef22294ade\n", w), 0);
	assert_int_equal(w[0], 0x58f77ef22294adeULL);
	assert_int_equal(w[1], 0x20);
	assert_int_equal(decode_amd_features_parse("58f77ef22294ade 20", w), 0);
	assert_int_equal(w[1], 0x20);
	assert_int_equal(decode_amd_features_parse("", w), -EINVAL);
	assert_int_equal(decode_amd_features_parse("1:2:3", w), -E2BIG);
	assert_int_equal(decode_amd_features_parse("zz", w), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_format_invariants),
		cmocka_unit_test(test_registry_names_unique),
		cmocka_unit_test(test_every_format_extremes),
		cmocka_unit_test(test_run_again),
		cmocka_unit_test(test_options_rejected),
		cmocka_unit_test(test_width_range),
		cmocka_unit_test(test_byteorder),
		cmocka_unit_test(test_words_load_le32),
		cmocka_unit_test(test_field_set),
		cmocka_unit_test(test_reserved_warning),
		cmocka_unit_test(test_pa_bits_warning),
		cmocka_unit_test(test_record_layout),
		cmocka_unit_test(test_enum_reserved_value),
		cmocka_unit_test(test_pt_api_errors),
		cmocka_unit_test(test_perms_and_sizes),
		cmocka_unit_test(test_parse_word_ok),
		cmocka_unit_test(test_parse_word_garbage),
		cmocka_unit_test(test_parse_word_overflow),
		cmocka_unit_test(test_parse_word_16_digits),
		cmocka_unit_test(test_parse_words),
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_amd_features_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
