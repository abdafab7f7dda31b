/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of what makes a batch line a command like any other: the
 * writer's nested document (a line's "result" is the document its command
 * would print alone), and the dispatcher's tables with the batch language
 * in them (flags, exact names outside a batch, prefixes inside one). The
 * runs themselves are in test_vfio.c, against its fake kernel.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/batch.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "core/exitcodes.h"
#include "output/out.h"

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

static const struct out_col cols[] = {
	{ .name = "GROUP", .type = OCT_NUM, .flags = OCF_DEFAULT, .help = "group" },
	{ .name = "TYPE", .type = OCT_STR, .flags = OCF_DEFAULT, .help = "type" },
};

/* Three lines of a batch: a table, a detail view, a command that prints nothing. */
static void emit_lines(struct out *o)
{
	struct out_table *tab;
	char *why = NULL;

	out_list_begin(o, NULL, NULL);

	out_obj_begin(o, NULL, NULL);
	out_u64(o, "line", NULL, 1);
	out_doc_begin(o, "result");
	out_set_list(o, &(struct out_opts){ .columns = "GROUP" });
	assert_int_equal(out_table_new(o, "groups", cols, 2, &tab, &why), 0);
	out_cell_u64(out_table_row(tab), 0, 5);
	assert_int_equal(out_table_print(tab), 0);
	out_doc_end(o);
	out_str(o, "status", NULL, "ok");
	out_obj_end(o);

	out_obj_begin(o, NULL, NULL);
	out_u64(o, "line", NULL, 2);
	out_doc_begin(o, "result");
	out_set_list(o, &(struct out_opts){ 0 });
	out_obj_begin(o, NULL, NULL);     /* a command's document */
	out_u64(o, "group", NULL, 5);
	out_obj_end(o);
	out_str(o, "late", NULL, "x");    /* after it closed: still inside, as at the top level */
	out_doc_end(o);
	out_obj_end(o);

	out_obj_begin(o, NULL, NULL);
	out_u64(o, "line", NULL, 3);
	out_doc_begin(o, "result");
	out_doc_end(o);
	out_obj_end(o);

	out_list_end(o);
}

static void test_nested_documents(void **state)
{
	char *j = capture(true, false, emit_lines), *p = capture(true, true, emit_lines);
	char *t = capture(false, false, emit_lines);

	assert_string_equal(j, "[{\"line\":1,\"result\":{\"groups\":[{\"group\":5}]},\"status\":\"ok\"},"
			       "{\"line\":2,\"result\":{\"group\":5,\"late\":\"x\"}},"
			       "{\"line\":3,\"result\":{}}]\n");
	/* -p: the nested document indented where it sits */
	assert_string_equal(p, "[\n  {\n    \"line\": 1,\n    \"result\": {\n      \"groups\": [\n"
			       "        {\n          \"group\": 5\n        }\n      ]\n    },\n"
			       "    \"status\": \"ok\"\n  },\n  {\n    \"line\": 2,\n    \"result\": {\n"
			       "      \"group\": 5,\n      \"late\": \"x\"\n    }\n  },\n  {\n    \"line\": 3,\n"
			       "    \"result\": {}\n  }\n]\n");
	/* text: the table with the line's own -o, and the values; no JSON keys */
	assert_string_equal(t, "line: 1\nGROUP\n5\nstatus: ok\nline: 2\ngroup: 5\nlate: x\nline: 3\n");
	free(j);
	free(p);
	free(t);
}

/* A nested document that is a list, and one its command ends early (out_end). */
static void emit_list_doc(struct out *o)
{
	out_obj_begin(o, NULL, NULL);
	out_doc_begin(o, "result");
	out_list_begin(o, NULL, NULL);
	out_u64(o, NULL, NULL, 1);
	out_list_end(o);
	out_doc_end(o);
	out_doc_begin(o, "again");
	out_u64(o, "a", NULL, 1);
	out_end(o);
	out_doc_end(o);
	out_u64(o, "after", NULL, 2);
	out_obj_end(o);
}

static void test_nested_list_and_end(void **state)
{
	char *j = capture(true, false, emit_list_doc);

	assert_string_equal(j, "{\"result\":[1],\"again\":{\"a\":1},\"after\":2}\n");
	free(j);
}

/*
 * Every verb, the batch language's too, is reachable by its exact name
 * outside a batch and inside one, and each batch verb is flagged so.
 */
static void test_tables(void **state)
{
	struct iommuctl_ctx ctx;
	struct cli_batch run = { 0 };
	const struct cli_object *obj;
	const struct cli_verb *verb, *v;
	size_t nbatch = 0;

	ctx_init(&ctx);
	ctx.errf = fopen("/dev/null", "w");
	for (int inside = 0; inside < 2; inside++) {
		ctx.batch = inside ? &run : NULL;
		for (size_t i = 0; cli_objects[i]; i++) {
			assert_int_equal(cli_find_object(&ctx, cli_objects[i]->name, &obj), 0);
			assert_ptr_equal(obj, cli_objects[i]);
			cli_for_each_verb(obj, v) {
				assert_int_equal(cli_find_verb(&ctx, obj, v->name, &verb), 0);
				assert_ptr_equal(verb, v);
				assert_non_null(v->summary);
				assert_non_null(v->run);
				if (obj->flags & CLI_BATCH_ONLY)
					assert_true(v->flags & CLI_BATCH_ONLY);
				nbatch += !inside && (v->flags & CLI_BATCH_ONLY);
			}
			for (v = obj->batch_verbs; v && v->name; v++)
				assert_true(v->flags & CLI_BATCH_ONLY);
			if (obj->fallback && (obj->flags & CLI_BATCH_ONLY))
				assert_true(obj->fallback->flags & CLI_BATCH_ONLY);
		}
	}
	/* ioas 6, device 4, spapr 4, dma 3, container 2, pasid 2, option 2, the rest 1 each */
	assert_int_equal(nbatch, 28);

	/* outside a batch the batch commands take no prefix: the command line stays as it was */
	ctx.batch = NULL;
	assert_int_equal(cli_find_object(&ctx, "io", &obj), 0);
	assert_ptr_equal(obj, &cli_object_iommu);
	assert_int_equal(cli_find_verb(&ctx, &cli_object_device, "b", &verb), -ENOENT);
	assert_int_equal(cli_find_object(&ctx, "con", &obj), -ENOENT);
	/* inside one they do, as the command line's do */
	ctx.batch = &run;
	assert_int_equal(cli_find_object(&ctx, "io", &obj), -EUSAGE);
	assert_int_equal(cli_find_object(&ctx, "con", &obj), 0);
	assert_ptr_equal(obj, &cli_object_container);
	assert_int_equal(cli_find_verb(&ctx, &cli_object_device, "b", &verb), 0);
	assert_string_equal(verb->name, "bind");
	assert_int_equal(cli_find_verb(&ctx, &cli_object_dma, "m", &verb), 0);
	assert_string_equal(verb->name, "map");
	fclose(ctx.errf);
	(void)state;
}

/* The language's verbs run only in a batch; --help of one still works outside. */
static void test_batch_only_outside(void **state)
{
	struct iommuctl_ctx ctx;
	char ioas[] = "ioas", alloc[] = "alloc", *err = NULL, *argv[] = { ioas, alloc, NULL };
	size_t len = 0;

	ctx_init(&ctx);
	ctx.errf = open_memstream(&err, &len);
	assert_int_equal(cli_dispatch(&ctx, 2, argv), -EUSAGE);
	fclose(ctx.errf);
	assert_string_equal(err, "iommuctl: ioas alloc: a batch command: it runs as a line of "
				 "'iommuctl batch FILE'\n");
	free(err);
	ctx_release(&ctx);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_documents),
		cmocka_unit_test(test_nested_list_and_end),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_batch_only_outside),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
