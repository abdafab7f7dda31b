/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for terminal-safe text (core/textesc.c) and its use by the
 * writer's text forms: labels and values, out_strv, out_fmt_str, out_text
 * and out_textf print controls as \xNN; JSON keeps the value itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/textesc.h"
#include "core/util.h"
#include "output/out.h"

static void expect_escape(const char *in, const char *want)
{
	char *got = text_escape(in);

	if (!want) {
		assert_null(got);
		assert_int_equal(text_safe_prefix(in), strlen(in));
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_escape_utf8(void **state)
{
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		skip();
		return;
	}
	expect_escape("plain text, 0x10 \\n", NULL);
	expect_escape("\x1b]0;PWNED\x07\x1b[2J", "\\x1b]0;PWNED\\x07\\x1b[2J");
	expect_escape("h\n fake: line", "h\\x0a fake: line");
	expect_escape("tab\there\r", "tab\\x09here\\x0d");
	expect_escape("del\x7f", "del\\x7f");
	/* a backslash before x would read as an escape: escaped itself */
	expect_escape("C:\\x1b", "C:\\x5cx1b");
	/* valid UTF-8 prints; C1 controls (U+0080..U+009F) and broken UTF-8 do not */
	expect_escape("caf\xc3\xa9 \xe2\x80\x93 \xf0\x9f\x99\x82", NULL);
	expect_escape("csi\xc2\x9b" "31m", "csi\\xc2\\x9b31m");
	expect_escape("raw\x9b" "31m", "raw\\x9b31m");
	expect_escape("cut\xe2\x80", "cut\\xe2\\x80");
	expect_escape("overlong\xc0\xaf", "overlong\\xc0\\xaf");
	expect_escape("surrogate\xed\xa0\x80", "surrogate\\xed\\xa0\\x80");
	expect_escape("\xff", "\\xff");
	setlocale(LC_CTYPE, "C");
}

static void test_escape_c_locale(void **state)
{
	/* outside UTF-8 every byte above 0x7f may be a C1 control to the terminal */
	setlocale(LC_CTYPE, "C");
	expect_escape("caf\xc3\xa9", "caf\\xc3\\xa9");
	expect_escape("ascii only", NULL);
}

static void emit(struct out *o)
{
	struct strv sv = { 0 };

	strv_push(&sv, "a\x1b[31m");
	strv_push(&sv, "b\nc");
	out_obj_begin(o, NULL, NULL);
	out_str(o, "type", "type", "\x1b]0;PWNED\x07");
	out_obj_begin(o, "dev", "dev\x1b[2J");
	out_str(o, "driver", "driver", "e1000e\x1b[31mRED");
	out_obj_end(o);
	out_strv(o, "list", "list", &sv);
	out_fmt_str(o, "fmt", "fmt %-10s|\n", "x\ty");
	out_fmt_str(o, "fmt2", "fmt2 %.3s|\n", "\x1b\x1b\x1b\x1b");
	out_text(o, "text %s", "evil\n fake: line");
	out_textf(o, "textf %s\n", "v\x07");
	out_obj_end(o);
	strv_free(&sv);
}

static char *capture(bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out *o = out_new(&(struct out_opts){ .f = f, .json = json });

	emit(o);
	out_free(o);
	fclose(f);
	return buf;
}

static void test_writer_text(void **state)
{
	char *text = capture(false), *json = capture(true);

	assert_string_equal(text,
		"type: \\x1b]0;PWNED\\x07\n"
		"dev\\x1b[2J:\n"
		"  driver: e1000e\\x1b[31mRED\n"
		"list: a\\x1b[31m, b\\x0ac\n"
		"fmt x\\x09y    |\n"
		/* the escape is made before the layout: %.3s cuts it, not a raw byte */
		"fmt2 \\x1|\n"
		"text evil\\x0a fake: line\n"
		"textf v\\x07\n");
	assert_null(strchr(text, '\x1b'));
	/* JSON is escaped by JSON: the value itself */
	assert_non_null(strstr(json, "\"type\":\"\\u001b]0;PWNED\\u0007\""));
	assert_non_null(strstr(json, "\"fmt\":\"x\\ty\""));
	free(text);
	free(json);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_utf8),
		cmocka_unit_test(test_escape_c_locale),
		cmocka_unit_test(test_writer_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
