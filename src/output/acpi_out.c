// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoded ACPI tables through the writer (see acpi_out.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "decode/acpi.h"
#include "output/acpi_out.h"
#include "output/out.h"

static const char *enum_name(const struct acpi_field *f, uint64_t v)
{
	return acpi_field_name(f, v);
}

static void flag_names(const struct acpi_field *f, uint64_t v, struct strv *sv)
{
	for (unsigned int b = 0; b < 64; b++) {
		if (!(v >> b & 1))
			continue;
		if (acpi_field_name(f, b)) {
			strv_push(sv, acpi_field_name(f, b));
		} else {
			char n[16];

			snprintf(n, sizeof(n), "bit%u", b);
			strv_push(sv, n);
		}
	}
}

static void emit_field(struct out *o, const struct acpi_table *t, const struct acpi_rec *r,
		       const struct acpi_field *f)
{
	char s[256], text[320];
	uint64_t v;
	int w = f->size ? f->size * 2 : 2;

	if (f->kind == AF_RSVD || !acpi_field_present(t, r, f))
		return;
	if (f->kind == AF_STR || f->kind == AF_CSTR) {
		acpi_field_str(t, r, f, s, sizeof(s));
		out_str(o, f->key, f->label, s);
		return;
	}
	v = acpi_field_u64(t, r, f);
	switch (f->kind) {
	case AF_UINT:
		out_u64(o, f->key, f->label, v);
		break;
	case AF_HEX:
		if (out_is_json(o)) {
			out_hex(o, f->key, NULL, v);
		} else {
			snprintf(text, sizeof(text), "0x%0*" PRIx64, w, v);
			out_str(o, NULL, f->label, text);
		}
		break;
	case AF_ENUM:
		if (out_is_json(o)) {
			char key[64];

			out_u64(o, f->key, NULL, v);
			snprintf(key, sizeof(key), "%s_name", f->key);
			out_str(o, key, NULL, enum_name(f, v));
		} else {
			snprintf(text, sizeof(text), "0x%0*" PRIx64 " (%s)", w, v,
				 enum_name(f, v) ? enum_name(f, v) : "reserved");
			out_str(o, NULL, f->label, text);
		}
		break;
	case AF_FLAGS: {
		struct strv sv = { 0 };

		flag_names(f, v, &sv);
		if (out_is_json(o)) {
			char key[64];

			out_u64(o, f->key, NULL, v);
			snprintf(key, sizeof(key), "%s_names", f->key);
			out_strv(o, key, NULL, &sv);
		} else {
			size_t n = (size_t)snprintf(text, sizeof(text), "0x%0*" PRIx64, w, v);

			for (size_t i = 0; i < sv.n && n < sizeof(text); i++)
				n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%s", i ? ", " : " (",
						      sv.v[i]);
			if (sv.n && n < sizeof(text))
				snprintf(text + n, sizeof(text) - n, ")");
			out_str(o, NULL, f->label, text);
		}
		strv_free(&sv);
		break;
	}
	default:
		break;
	}
}

static void emit_fields(struct out *o, const struct acpi_table *t, const struct acpi_rec *r)
{
	for (unsigned int i = 0; i < r->lay->nfields; i++)
		emit_field(o, t, r, &r->lay->fields[i]);
}

static size_t emit_rec(struct out *o, const struct acpi_table *t, size_t i);

/* The records held by recs[i] (those after it, deeper), grouped into lists by list_key. */
static size_t emit_children(struct out *o, const struct acpi_table *t, size_t i)
{
	const char *open = NULL;
	size_t j = i + 1;

	while (j < t->nrecs && t->recs[j].depth > t->recs[i].depth) {
		const struct acpi_rec *c = &t->recs[j];

		const char *key = out_is_json(o) ? "records" : c->lay->list_key;

		if (!open || strcmp(open, key)) {
			if (open)
				out_list_end(o);
			open = key;
			out_list_begin(o, open, NULL);
		}
		j = emit_rec(o, t, j);
	}
	if (open)
		out_list_end(o);
	return j;
}

/* Text: a scope's path in one line ("00:1f.2" style hops). */
static size_t emit_path_text(struct out *o, const struct acpi_table *t, size_t i)
{
	char text[256];
	size_t n = 0, j = i + 1;

	text[0] = '\0';
	for (; j < t->nrecs && t->recs[j].depth > t->recs[i].depth; j++) {
		const struct acpi_rec *c = &t->recs[j];

		if (n < sizeof(text))
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%02" PRIx64 ".%" PRIx64,
					      n ? " -> " : "", acpi_rec_get(t, c, "device", 0),
					      acpi_rec_get(t, c, "function", 0));
	}
	if (j > i + 1)
		out_str(o, NULL, "path", text);
	return j;
}

static size_t emit_rec(struct out *o, const struct acpi_table *t, size_t i)
{
	const struct acpi_rec *r = &t->recs[i];
	char label[160];
	size_t next;

	snprintf(label, sizeof(label), "%s at 0x%x", r->lay->label, r->off);
	out_obj_begin(o, NULL, label);
	if (out_is_json(o)) {
		out_str(o, "kind", NULL, r->lay->kind);
		out_hex(o, "offset", NULL, r->off);
		out_obj_begin(o, "acpi_fields", NULL);
	}
	emit_fields(o, t, r);
	if (out_is_json(o))
		out_obj_end(o);
	if (!out_is_json(o) && !strcmp(r->lay->kind, "device_scope"))
		next = emit_path_text(o, t, i);
	else
		next = emit_children(o, t, i);
	out_obj_end(o);
	return next;
}

void acpi_emit_table(struct out *o, const struct acpi_table *t)
{
	const char *open = NULL;
	size_t i = 1;

	if (!t->nrecs)
		return;
	out_obj_begin(o, "header", "header");
	if (out_is_json(o)) {
		out_str(o, "kind", NULL, t->recs[0].lay->kind);
		out_hex(o, "offset", NULL, 0);
		out_obj_begin(o, "acpi_fields", NULL);
	}
	emit_fields(o, t, &t->recs[0]);
	if (out_is_json(o))
		out_obj_end(o);
	out_obj_end(o);
	while (i < t->nrecs) {
		const struct acpi_rec *r = &t->recs[i];
		const char *key = out_is_json(o) ? "records" : r->lay->list_key;

		if (!open || strcmp(open, key)) {
			if (open)
				out_list_end(o);
			open = key;
			out_list_begin(o, open, open);
		}
		i = emit_rec(o, t, i);
	}
	if (open)
		out_list_end(o);
}

void acpi_rec_name(const struct acpi_table *t, int rec, char *buf, size_t len)
{
	if (rec < 0 || (size_t)rec >= t->nrecs) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%s@0x%x", t->recs[rec].lay->kind, t->recs[rec].off);
}
