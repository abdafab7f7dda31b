/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the core: command-name matching, number and PCI address
 * parsing, path arithmetic and symlink resolution in the rooted view, and
 * the output layer (tables and the detail emitter, text and JSON).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "core/lines.h"
#include "core/util.h"
#include "core/view.h"
#include "output/out.h"

static const char *const vnames[] = { "list", "show", "claim", "release", "sort" };
static const char *const aliases[] = { "ls", NULL, NULL, NULL, NULL };

static void test_match_exact_alias_prefix(void **state)
{
	struct strv cand = { 0 };
	size_t idx = 99;

	assert_int_equal(cli_match(vnames, aliases, 5, "show", &idx, &cand), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(cli_match(vnames, aliases, 5, "ls", &idx, &cand), 0);
	assert_int_equal(idx, 0);
	assert_int_equal(cli_match(vnames, aliases, 5, "cl", &idx, &cand), 0);
	assert_int_equal(idx, 2);
	assert_int_equal(cli_match(vnames, aliases, 5, "r", &idx, &cand), 0);
	assert_int_equal(idx, 3);
	strv_free(&cand);
}

static void test_match_ambiguous_and_unknown(void **state)
{
	struct strv cand = { 0 };
	size_t idx = 0;

	/* "s" matches show and sort: never first-match */
	assert_int_equal(cli_match(vnames, aliases, 5, "s", &idx, &cand), -EUSAGE);
	assert_int_equal(cand.n, 2);
	assert_true(strv_contains(&cand, "show"));
	assert_true(strv_contains(&cand, "sort"));
	strv_free(&cand);
	assert_int_equal(cli_match(vnames, aliases, 5, "frob", &idx, &cand), -ENOENT);
	assert_int_equal(cli_match(vnames, aliases, 5, "", &idx, &cand), -ENOENT);
	assert_int_equal(cli_match(vnames, aliases, 5, "listx", &idx, &cand), -ENOENT);
	strv_free(&cand);
}

static void test_real_tables_unique(void **state)
{
	/* every object and verb name must be reachable by its exact name */
	struct iommuctl_ctx ctx;
	const struct cli_object *obj;
	const struct cli_verb *verb;

	ctx_init(&ctx);
	ctx.errf = fopen("/dev/null", "w");
	for (size_t i = 0; cli_objects[i]; i++) {
		assert_int_equal(cli_find_object(&ctx, cli_objects[i]->name, &obj), 0);
		assert_ptr_equal(obj, cli_objects[i]);
		for (const struct cli_verb *v = obj->verbs; v->name; v++) {
			assert_int_equal(cli_find_verb(&ctx, obj, v->name, &verb), 0);
			assert_ptr_equal(verb, v);
			assert_non_null(v->summary);
			assert_non_null(v->run);
		}
	}
	fclose(ctx.errf);
}

static void test_parse_u64(void **state)
{
	uint64_t v;

	assert_int_equal(parse_u64("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("0x1F", &v), 0);
	assert_int_equal(v, 31);
	assert_int_equal(parse_u64("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", &v), -ERANGE);
	assert_int_equal(parse_u64("0x", &v), -EINVAL);
	assert_int_equal(parse_u64("-1", &v), -EINVAL);
	assert_int_equal(parse_u64(" 1", &v), -EINVAL);
	assert_int_equal(parse_u64("12z", &v), -EINVAL);
	assert_int_equal(parse_u64("", &v), -EINVAL);
}

static void test_parse_size(void **state)
{
	uint64_t v;

	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("0x1000", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("4K", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(parse_size("2M", &v), 0);
	assert_int_equal(v, 2u << 20);
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, 1u << 30);
	assert_int_equal(parse_size("1T", &v), 0);
	assert_int_equal(v, 1ull << 40);
	assert_int_equal(parse_size("15E", &v), 0);
	assert_int_equal(v, 15ull << 60);
	/* hexadecimal digits are not units */
	assert_int_equal(parse_size("0x1E", &v), 0);
	assert_int_equal(v, 30);
	assert_int_equal(parse_size("16E", &v), -ERANGE);
	assert_int_equal(parse_size("K", &v), -EINVAL);
	assert_int_equal(parse_size("4KB", &v), -EINVAL);
	assert_int_equal(parse_size("-4K", &v), -EINVAL);
	assert_int_equal(parse_size("4.5K", &v), -EINVAL);
	assert_int_equal(parse_size("", &v), -EINVAL);
}

/* A verb that changes the machine, to check the dispatcher's preconditions on. */
struct pre_opts { bool dry_run; };

static bool pre_changes_nothing(const void *opts, int argc, char **argv)
{
	return ((const struct pre_opts *)opts)->dry_run;
}

static void test_preconditions(void **state)
{
	const struct cli_verb writes = { .name = "claim", .flags = CLI_WRITES | CLI_NEEDS_ROOT,
					 .changes_nothing = pre_changes_nothing };
	const struct cli_verb live = { .name = "probe", .flags = CLI_LIVE };
	const struct cli_verb pure = { .name = "decode", .flags = CLI_NO_VIEW };
	struct pre_opts go = { false }, dry = { true };
	struct iommuctl_ctx ctx;
	struct view *v;

	ctx_init(&ctx);
	ctx.errf = fopen("/dev/null", "w");
	ctx.euid = 0;
	assert_int_equal(cli_preconditions(&ctx, &writes, &go, 0, NULL), 0);
	assert_int_equal(cli_preconditions(&ctx, &live, NULL, 0, NULL), 0);
	assert_int_equal(cli_preconditions(&ctx, &pure, NULL, 0, NULL), 0);
	/* not root: refused on the machine, unless it changes nothing */
	ctx.euid = 1000;
	assert_int_equal(cli_preconditions(&ctx, &writes, &go, 0, NULL), -EPERM);
	assert_int_equal(cli_preconditions(&ctx, &writes, &dry, 0, NULL), 0);
	assert_int_equal(cli_preconditions(&ctx, &live, NULL, 0, NULL), 0);
	/* a tree of one's own needs no root */
	ctx.sysfs_root = "/tmp";
	assert_int_equal(cli_preconditions(&ctx, &writes, &go, 0, NULL), 0);
	assert_int_equal(cli_preconditions(&ctx, &live, NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(cli_preconditions(&ctx, &pure, NULL, 0, NULL), -EUSAGE);
	ctx.sysfs_root = NULL;
	ctx.snapshot = "host.tar";
	assert_int_equal(cli_preconditions(&ctx, &writes, &go, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(cli_preconditions(&ctx, &writes, &dry, 0, NULL), 0);
	assert_int_equal(cli_preconditions(&ctx, &live, NULL, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(cli_preconditions(&ctx, &pure, NULL, 0, NULL), -EUSAGE);
	ctx.snapshot = NULL;
	/* a verb that reads no machine state cannot open it */
	ctx.no_view = true;
	assert_int_equal(ctx_view(&ctx, &v), -EINVAL);
	ctx_release(&ctx);
	fclose(ctx.errf);
}

static void test_pci_addr(void **state)
{
	struct pci_addr a;
	char buf[16];

	assert_int_equal(pci_addr_parse("0000:00:03.0", &a), 0);
	assert_int_equal(a.bus, 0);
	assert_int_equal(a.dev, 3);
	assert_int_equal(pci_addr_parse("1f:1c.7", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 0x1f);
	assert_int_equal(a.dev, 0x1c);
	assert_int_equal(a.fn, 7);
	pci_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "0000:1f:1c.7");
	assert_int_equal(pci_addr_parse("10000:00:00.0", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("00:20.0", &a), -EINVAL);  /* device is 5 bits */
	assert_int_equal(pci_addr_parse("00:1f.8", &a), -EINVAL);  /* function is 3 bits */
	assert_int_equal(pci_addr_parse("00:1f.1x", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("12", &a), -EINVAL);
	assert_int_equal(pci_addr_parse("g0:00.0", &a), -EINVAL);
}

static void test_size_format(void **state)
{
	char buf[32];

	size_format(4096, buf, sizeof(buf));
	assert_string_equal(buf, "4K");
	size_format(0x100000, buf, sizeof(buf));
	assert_string_equal(buf, "1M");
	size_format(4097, buf, sizeof(buf));
	assert_string_equal(buf, "4097");
	size_format(3ull << 30, buf, sizeof(buf));
	assert_string_equal(buf, "3G");
	size_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	size_format(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "18446744073709551615");
	size_format(1ull << 63, buf, sizeof(buf));
	assert_string_equal(buf, "8E");
	size_format(123456789, buf, 4);	/* truncated as snprintf would */
	assert_string_equal(buf, "123");
}

static void test_strv_sort(void **state)
{
	struct strv sv = { 0 };

	strv_push(&sv, "10");
	strv_push(&sv, "0000:00:1f.0");
	strv_push(&sv, "2");
	strv_push(&sv, "0000:00:10.0");
	strv_push(&sv, "0000:00:02.0");
	strv_sort(&sv);
	assert_string_equal(sv.v[0], "0000:00:02.0");
	assert_string_equal(sv.v[1], "0000:00:10.0");
	assert_string_equal(sv.v[2], "0000:00:1f.0");
	assert_string_equal(sv.v[3], "2");
	assert_string_equal(sv.v[4], "10");
	strv_free(&sv);
}

static void test_paths(void **state)
{
	char *p;

	p = path_normalize("/sys//bus/./pci/../pci/devices/");
	assert_string_equal(p, "/sys/bus/pci/devices");
	free(p);
	p = path_normalize("/../..");
	assert_string_equal(p, "/");
	free(p);
	p = path_join_link("/sys/bus/pci/devices/0000:00:03.0", "../../../devices/pci0000:00/0000:00:03.0");
	assert_string_equal(p, "/sys/devices/pci0000:00/0000:00:03.0");
	free(p);
	p = path_join_link("/a/b", "/abs/x");
	assert_string_equal(p, "/abs/x");
	free(p);
}

/* A small sysfs-like tree with relative links, and a link loop. */
static char tmpdir[64];

static void mk(const char *rel, const char *content)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static void mkd(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void mkl(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int tree_setup(void **state)
{
	strcpy(tmpdir, "/tmp/iommuctl-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	mkd("devices");
	mkd("devices/pci0000:00");
	mkd("devices/pci0000:00/0000:00:03.0");
	mk("devices/pci0000:00/0000:00:03.0/vendor", "0x1234\n");
	mkd("bus");
	mkd("bus/pci");
	mkd("bus/pci/devices");
	mkl("../../../devices/pci0000:00/0000:00:03.0", "bus/pci/devices/0000:00:03.0");
	mkl("loop2", "bus/loop1");
	mkl("loop1", "bus/loop2");
	return 0;
}

static int tree_teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_view_root(void **state)
{
	struct view *v;
	struct strv names = { 0 };
	char *s, *res;
	uint64_t val;
	enum view_kind k;

	assert_int_equal(view_root_new(NULL, tmpdir, &v), 0);
	assert_int_equal(view_read_str(v, &s, "/sys/bus/pci/devices/%s/vendor", "0000:00:03.0"), 0);
	assert_string_equal(s, "0x1234");
	free(s);
	assert_int_equal(view_read_u64(v, &val, "/sys/bus/pci/devices/0000:00:03.0/vendor"), 0);
	assert_int_equal(val, 0x1234);
	assert_int_equal(view_link_name(v, &s, "/sys/bus/pci/devices/0000:00:03.0"), 0);
	assert_string_equal(s, "0000:00:03.0");
	free(s);
	assert_int_equal(view_list(v, &names, "/sys/bus/pci/devices"), 0);
	assert_int_equal(names.n, 1);
	strv_free(&names);
	assert_int_equal(view_kind(v, "/sys/bus/pci/devices/0000:00:03.0", &k), 0);
	assert_int_equal(k, VIEW_LINK);
	assert_int_equal(view_kind(v, "/sys/nope", &k), 0);
	assert_int_equal(k, VIEW_NONE);
	/* outside /sys there is nothing when only a sysfs root is given */
	assert_int_equal(view_read_str(v, &s, "/proc/sys/kernel/osrelease"), -ENOENT);
	assert_int_equal(view_resolve(v, "/sys/bus/pci/devices/0000:00:03.0/vendor", &res, NULL, NULL), 0);
	assert_string_equal(res, "/sys/devices/pci0000:00/0000:00:03.0/vendor");
	free(res);
	assert_int_equal(view_resolve(v, "/sys/bus/loop1/x", &res, NULL, NULL), -ELOOP);
	assert_int_equal(view_write_file(v, "/sys/nope/x", "1", 1), -ENOENT);
	view_free(v);
	assert_int_equal(view_root_new(NULL, "/nonexistent-dir", &v), -ENOENT);
}

static char *capture(bool json, bool pretty, void (*fn)(struct out *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out *o = out_new(&(struct out_opts){ .f = f, .json = json, .pretty = pretty });

	fn(o);
	out_free(o);
	fclose(f);
	return buf;
}

static void emit_sample(struct out *o)
{
	struct strv sv = { 0 };

	strv_push(&sv, "a");
	strv_push(&sv, "b");
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "group", "Group", 3);
	out_hex(o, "addr", "Address", 0xfee00000);
	out_str(o, "type", "Type", NULL);
	out_bool(o, "viable", "Viable", true);
	out_strv(o, "drivers", "Drivers", &sv);
	out_list_begin(o, "devices", "Devices");
	out_obj_begin(o, NULL, "0000:00:03.0");
	out_str(o, "driver", "Driver", "e1000e \"x\"");
	out_obj_end(o);
	out_list_end(o);
	out_obj_end(o);
	strv_free(&sv);
}

static void test_out_emitter(void **state)
{
	char *t = capture(false, false, emit_sample), *j = capture(true, false, emit_sample);

	assert_string_equal(t, "Group: 3\nAddress: 0xfee00000\nType: -\nViable: yes\nDrivers: a, b\n"
			       "Devices:\n  0000:00:03.0:\n    Driver: e1000e \"x\"\n");
	assert_string_equal(j, "{\"group\":3,\"addr\":\"0xfee00000\",\"type\":null,\"viable\":true,"
			       "\"drivers\":[\"a\",\"b\"],\"devices\":[{\"driver\":\"e1000e \\\"x\\\"\"}]}\n");
	free(t);
	free(j);
}

/* -p is spelled as json-c spells it, so that every golden holds. */
static void test_out_pretty(void **state)
{
	char *p = capture(true, true, emit_sample);

	assert_string_equal(p, "{\n  \"group\": 3,\n  \"addr\": \"0xfee00000\",\n  \"type\": null,\n"
			       "  \"viable\": true,\n  \"drivers\": [\n    \"a\",\n    \"b\"\n  ],\n"
			       "  \"devices\": [\n    {\n      \"driver\": \"e1000e \\\"x\\\"\"\n    }\n  ]\n}\n");
	free(p);
}

static void emit_escapes(struct out *o)
{
	struct strv none = { 0 };

	out_str(o, "path", NULL, "/tmp/b.txt");
	out_str(o, "ctl", NULL, "a\tb\n\x01\x1b[31m\\");
	out_strv(o, "empty", NULL, &none);
	out_obj_begin(o, "eo", NULL);
	out_obj_end(o);
}

static void test_out_escapes(void **state)
{
	char *j = capture(true, false, emit_escapes), *p = capture(true, true, emit_escapes);

	/* no "\/", control characters as \u00XX */
	assert_string_equal(j, "{\"path\":\"/tmp/b.txt\",\"ctl\":\"a\\tb\\n\\u0001\\u001b[31m\\\\\","
			       "\"empty\":[],\"eo\":{}}\n");
	assert_string_equal(p, "{\n  \"path\": \"/tmp/b.txt\",\n  \"ctl\": \"a\\tb\\n\\u0001\\u001b[31m\\\\\",\n"
			       "  \"empty\": [\n  ],\n  \"eo\": {\n  }\n}\n");
	free(j);
	free(p);
}

/* A value after the top-level object was closed lands inside it (one document per flush). */
static void emit_reopen(struct out *o)
{
	out_obj_begin(o, NULL, NULL);
	out_u64(o, "a", NULL, 1);
	out_obj_end(o);
	out_u64(o, "b", NULL, 2);
	out_flush(o);
	out_u64(o, "c", NULL, 3);
	out_end(o);
	out_list_begin(o, NULL, NULL);
	out_u64(o, NULL, NULL, 3);
	out_list_end(o);
}

static void test_out_documents(void **state)
{
	char *j = capture(true, false, emit_reopen);

	assert_string_equal(j, "{\"a\":1,\"b\":2,\"c\":3}\n[3]\n");
	free(j);
}

static void emit_error_inside(struct out *o)
{
	out_obj_begin(o, NULL, NULL);
	out_str(o, "format", NULL, "vtd-sl");
	out_list_begin(o, "mappings", NULL);
	out_obj_begin(o, NULL, NULL);
	out_hex(o, "iova", NULL, 0x1000);
	out_error(o, "read error", -EIO, 1);
}

static void emit_error_alone(struct out *o)
{
	out_error(o, "group 7: no such group", -ENOENT, 3);
}

static void emit_error_list(struct out *o)
{
	out_list_begin(o, NULL, NULL);
	out_u64(o, NULL, NULL, 1);
	out_error(o, "bad", -EINVAL, 2);
}

/* A failure under -j is a JSON object, and a document cut short by one stays valid. */
static void test_out_error(void **state)
{
	char *a = capture(true, false, emit_error_alone), *b = capture(true, false, emit_error_inside);
	char *c = capture(true, false, emit_error_list), *t = capture(false, false, emit_error_alone);

	assert_string_equal(a, "{\"error\":{\"message\":\"group 7: no such group\",\"errno\":2,\"exit\":3}}\n");
	assert_string_equal(b, "{\"format\":\"vtd-sl\",\"mappings\":[{\"iova\":\"0x1000\"}],"
			       "\"error\":{\"message\":\"read error\",\"errno\":5,\"exit\":1}}\n");
	assert_string_equal(c, "[1,{\"error\":{\"message\":\"bad\",\"errno\":22,\"exit\":2}}]\n");
	assert_string_equal(t, "");
	free(a);
	free(b);
	free(c);
	free(t);
}

static void emit_fmt(struct out *o)
{
	out_list_begin(o, "mappings", NULL);
	for (int i = 0; i < 2; i++) {
		out_obj_begin(o, NULL, NULL);
		out_fmt_hex(o, "iova", "0x%016" PRIx64 "  ", 0x1000u * (unsigned)(i + 1));
		out_fmt_str(o, "perms", "%-5s", i ? "r" : "rw");
		out_fmt_u64(o, "size", " %" PRIu64, 4096);
		out_json_raw(o, "big", "18446744073709551616");
		out_nl(o);
		out_obj_end(o);
	}
	out_list_end(o);
}

/* One call per field prints a command's own text layout and its JSON. */
static void test_out_fmt(void **state)
{
	char *t = capture(false, false, emit_fmt), *j = capture(true, false, emit_fmt);

	assert_string_equal(t, "0x0000000000001000  rw    4096\n0x0000000000002000  r     4096\n");
	assert_string_equal(j, "{\"mappings\":[{\"iova\":\"0x1000\",\"perms\":\"rw\",\"size\":4096,"
			       "\"big\":18446744073709551616},{\"iova\":\"0x2000\",\"perms\":\"r\",\"size\":4096,"
			       "\"big\":18446744073709551616}]}\n");
	free(t);
	free(j);
}

/*
 * out_fmt_* write their layouts by hand, not through printf: the same
 * bytes as fprintf for every layout the commands use, and fprintf's own
 * for what the hand formatter does not take (precision, '*', '+', '#').
 */
static const char *const fmt_u[] = {
	"%" PRIu64, "%-7" PRIu64 " ", "%7" PRIu64, "%07" PRIu64 "|", "0x%016" PRIx64 "  ", "%" PRIx64,
	"%-18" PRIx64 ".", "%#" PRIx64, "[%3" PRIu64 "]", "%" PRIu64 "%%",
};
static const char *const fmt_i[] = { "%" PRId64, "%-5" PRId64 "|", "%5" PRId64, "%05" PRId64, "%+" PRId64, "%" PRIi64 };
static const char *const fmt_s[] = { "%s", "%-10s ", "%10s|", "x%-3s", "%.2s", "%-6.3s." };
static const uint64_t vals_u[] = { 0, 1, 9, 10, 15, 16, 255, 256, 4095, 0x1000, 123456789, 1ull << 63, UINT64_MAX };
static const int64_t vals_i[] = { 0, 1, -1, 42, -42, 99999, -99999, INT64_MIN, INT64_MAX };
static const char *const vals_s[] = { "", "a", "rw", "exactly10!", "longer than ten" };

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

static void test_out_fmt_printf(void **state)
{
	char *buf = NULL, want[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct out *o = out_new(&(struct out_opts){ .f = f });
	char *all = NULL;
	size_t alln = 0;
	FILE *w = open_memstream(&all, &alln);

	for (size_t i = 0; i < ARRAY_SIZE(fmt_u); i++)
		for (size_t v = 0; v < ARRAY_SIZE(vals_u); v++) {
			out_fmt_u64(o, "k", fmt_u[i], vals_u[v]);
			out_fmt_hex(o, "k", fmt_u[i], vals_u[v]);
			snprintf(want, sizeof(want), fmt_u[i], vals_u[v]);
			fputs(want, w);
			fputs(want, w);
		}
	for (size_t i = 0; i < ARRAY_SIZE(fmt_i); i++)
		for (size_t v = 0; v < ARRAY_SIZE(vals_i); v++) {
			out_fmt_i64(o, "k", fmt_i[i], vals_i[v]);
			snprintf(want, sizeof(want), fmt_i[i], vals_i[v]);
			fputs(want, w);
		}
	for (size_t i = 0; i < ARRAY_SIZE(fmt_s); i++) {
		for (size_t v = 0; v < ARRAY_SIZE(vals_s); v++) {
			out_fmt_str(o, "k", fmt_s[i], vals_s[v]);
			snprintf(want, sizeof(want), fmt_s[i], vals_s[v]);
			fputs(want, w);
		}
		out_fmt_str(o, "k", fmt_s[i], NULL);	/* NULL prints "-" */
		snprintf(want, sizeof(want), fmt_s[i], "-");
		fputs(want, w);
	}
	/* the buffered bytes and a printf fallback stay in order */
	out_textf(o, "%s|%.3s|", "a", "bcdef");
	fputs("a|bcd|", w);
	out_free(o);
	fclose(f);
	fclose(w);
	if (strcmp(buf, all)) {
		size_t k = 0;

		while (buf[k] == all[k])
			k++;
		fail_msg("differs at %zu: got \"%.40s\", printf \"%.40s\"", k, buf + k, all + k);
	}
	free(buf);
	free(all);
}

#pragma GCC diagnostic pop

enum { C_GROUP, C_TYPE, C_VIABLE, C_MEMBERS };
static const struct out_col cols[] = {
	[C_GROUP] = { "GROUP", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "group number" },
	[C_TYPE] = { "TYPE", OCT_STR, 0, OCF_DEFAULT, "domain type" },
	[C_VIABLE] = { "VIABLE", OCT_BOOL, 0, OCF_DEFAULT, "usable by userspace" },
	[C_MEMBERS] = { "MEMBERS", OCT_LIST, 0, 0, "member devices" },
};

static char *table(bool json, const char *sel, bool empty, int *err)
{
	struct iommuctl_ctx ctx;
	struct out_table *tab;
	struct out_row *row;
	struct strv sv = { 0 };
	char *buf = NULL;
	size_t len = 0;

	ctx_init(&ctx);
	ctx.outf = open_memstream(&buf, &len);
	ctx.errf = fopen("/dev/null", "w");
	ctx.json = json;
	ctx.columns = sel;
	*err = cli_table_new(&ctx, "groups", cols, ARRAY_SIZE(cols), &tab);
	if (!*err) {
		if (!empty) {
			strv_push(&sv, "0000:00:03.0");
			strv_push(&sv, "0000:00:04.0");
		}
		row = out_table_row(tab);
		out_cell_u64(row, C_GROUP, 12);
		out_cell_str(row, C_TYPE, "DMA-FQ");
		out_cell_bool(row, C_VIABLE, false);
		out_cell_list(row, C_MEMBERS, &sv);
		*err = out_table_print(tab);
		strv_free(&sv);
	}
	ctx_release(&ctx);
	fclose(ctx.outf);
	fclose(ctx.errf);
	return buf;
}

static void test_out_table(void **state)
{
	int err;
	char *s;

	s = table(false, NULL, false, &err);
	assert_int_equal(err, 0);
	assert_string_equal(s, "GROUP TYPE   VIABLE\n   12 DMA-FQ no\n");
	free(s);
	s = table(false, "+members", false, &err);
	assert_int_equal(err, 0);
	assert_non_null(strstr(s, "0000:00:03.0,0000:00:04.0"));
	free(s);
	s = table(true, "group,viable,members", false, &err);
	assert_int_equal(err, 0);
	assert_string_equal(s, "{\"groups\":[{\"group\":12,\"viable\":false,"
			       "\"members\":[\"0000:00:03.0\",\"0000:00:04.0\"]}]}\n");
	free(s);
	s = table(true, "members,type", true, &err);
	assert_int_equal(err, 0);
	assert_string_equal(s, "{\"groups\":[{\"members\":[],\"type\":\"DMA-FQ\"}]}\n");
	free(s);
	s = table(false, "group,bogus", false, &err);
	assert_int_equal(err, -EUSAGE);
	free(s);
}

static void test_exit_status(void **state)
{
	assert_int_equal(exit_status_from_err(0), EXIT_OK);
	assert_int_equal(exit_status_from_err(-EUSAGE), EXIT_USAGE);
	assert_int_equal(exit_status_from_err(-ENOENT), EXIT_NOTFOUND);
	assert_int_equal(exit_status_from_err(-EOPNOTSUPP), EXIT_UNSUPPORTED);
	assert_int_equal(exit_status_from_err(-EIO), EXIT_FAIL);
	assert_int_equal(exit_status_from_err(-EBUSY), EXIT_FAIL);
}

/* ---- line reading (core/lines.c) ---- */

/* A stream holding the bytes [s, s + n), read through a pipe of its own or a file. */
static FILE *stream_of(const char *s, size_t n)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	assert_int_equal(fwrite(s, 1, n, f), n);
	rewind(f);
	return f;
}

static void test_line_next(void **state)
{
	/* max 8: a line of 8 bytes (newline included) is taken, 9 are refused */
	static const char in[] = "abc\n1234567\n12345678\nxy\0z\nlast";
	struct line_reader lr;
	FILE *f = stream_of(in, sizeof(in) - 1);

	line_reader_init(&lr, f, 8);
	assert_int_equal(line_next(&lr), 0);
	assert_string_equal(lr.buf, "abc\n");
	assert_int_equal(line_next(&lr), 0);
	assert_string_equal(lr.buf, "1234567\n");
	assert_int_equal(lr.len, 8);
	assert_int_equal(line_next(&lr), -E2BIG);
	assert_string_equal(lr.buf, "12345678");
	assert_int_equal(lr.lineno, 3);
	/* the refused line's rest is skipped: the next line is the one after it */
	assert_int_equal(line_next(&lr), -EILSEQ);
	assert_int_equal(lr.len, 5);
	assert_memory_equal(lr.buf, "xy\0z\n", 5);
	assert_int_equal(line_next(&lr), 0);
	assert_string_equal(lr.buf, "last");
	assert_int_equal(line_next(&lr), 1);
	assert_int_equal(lr.lineno, 5);
	line_reader_release(&lr);
	fclose(f);
}

/* Lines longer than stdio's buffer, in many pieces; and a line that never ends. */
static void test_line_next_long(void **state)
{
	size_t n = 3 * 65536 + 17, i;
	char *big = malloc(2 * n + 2);
	struct line_reader lr;
	FILE *f;

	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (char)('a' + i % 26);
	big[n] = '\n';
	memcpy(big + n + 1, big, n);
	big[2 * n + 1] = '\n';
	f = stream_of(big, 2 * n + 2);
	line_reader_init(&lr, f, n + 1);
	assert_int_equal(line_next(&lr), 0);
	assert_int_equal(lr.len, n + 1);
	assert_memory_equal(lr.buf, big, n + 1);
	line_reader_release(&lr);
	/* one byte less room: refused, and the next line is the second copy */
	rewind(f);
	line_reader_init(&lr, f, n);
	assert_int_equal(line_next(&lr), -E2BIG);
	assert_int_equal(lr.len, n);
	assert_memory_equal(lr.buf, big, n);
	assert_int_equal(line_next(&lr), -E2BIG);
	assert_int_equal(line_next(&lr), 1);
	line_reader_release(&lr);
	fclose(f);
	/* no newline at all: refused at max, then the rest is not text */
	memset(big, 'x', 2 * n + 2);
	f = stream_of(big, 2 * n + 2);
	line_reader_init(&lr, f, 1000);
	assert_int_equal(line_next(&lr), -E2BIG);
	assert_int_equal(lr.len, 1000);
	assert_int_equal(line_next(&lr), 1);
	line_reader_release(&lr);
	fclose(f);
	free(big);
}

static void on_alarm(int sig)
{
	(void)sig;
	fail_msg("line_next waited for more input than the line");
}

/* A pipe whose writer stays open: each line comes as soon as it is written. */
static void test_line_next_pipe(void **state)
{
	struct line_reader lr;
	int fds[2];
	FILE *f;

	assert_int_equal(pipe(fds), 0);
	f = fdopen(fds[0], "r");
	assert_non_null(f);
	signal(SIGALRM, on_alarm);
	alarm(5);
	line_reader_init(&lr, f, 0);
	assert_int_equal(write(fds[1], "one\ntw", 6), 6);
	assert_int_equal(line_next(&lr), 0);
	assert_string_equal(lr.buf, "one\n");
	assert_int_equal(write(fds[1], "o\n", 2), 2);
	assert_int_equal(line_next(&lr), 0);
	assert_string_equal(lr.buf, "two\n");
	close(fds[1]);
	assert_int_equal(line_next(&lr), 1);
	alarm(0);
	line_reader_release(&lr);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_exact_alias_prefix),
		cmocka_unit_test(test_match_ambiguous_and_unknown),
		cmocka_unit_test(test_real_tables_unique),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_preconditions),
		cmocka_unit_test(test_pci_addr),
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_strv_sort),
		cmocka_unit_test(test_paths),
		cmocka_unit_test_setup_teardown(test_view_root, tree_setup, tree_teardown),
		cmocka_unit_test(test_out_emitter),
		cmocka_unit_test(test_out_pretty),
		cmocka_unit_test(test_out_escapes),
		cmocka_unit_test(test_out_documents),
		cmocka_unit_test(test_out_error),
		cmocka_unit_test(test_out_fmt),
		cmocka_unit_test(test_out_fmt_printf),
		cmocka_unit_test(test_out_table),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_line_next),
		cmocka_unit_test(test_line_next_long),
		cmocka_unit_test(test_line_next_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
