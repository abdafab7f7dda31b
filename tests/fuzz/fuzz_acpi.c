/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the ACPI table decoders (src/decode/acpi.c): the
 * input is a raw table (its bytes exactly: the decoder sees no more than
 * the input, so ASan catches any read past it), parsed, rendered as text
 * and JSON (to /dev/null), and tied to a few made-up PCI paths. Checks: no
 * crash, every record lies inside the table's length, every parent comes
 * before its children, and the reserved ranges and covers name real
 * records. Seeded from the captured tables (tests/fixtures/acpi/, by
 * tests/fuzz/run.sh).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/acpi.h"
#include "output/acpi_out.h"
#include "output/out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	if (!f)
		abort();
	return f;
}

static void render(const struct acpi_table *t, bool json)
{
	struct out_opts oo = { .f = devnull(), .json = json };
	struct out *o = out_new(&oo);

	out_list_begin(o, "acpi_tables", NULL);
	out_obj_begin(o, NULL, "t");
	acpi_emit_table(o, t);
	out_obj_end(o);
	out_list_end(o);
	out_free(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact copy: a read past size is a read past the allocation */
	uint8_t *buf = malloc(size ? size : 1);
	struct acpi_table t;
	struct acpi_resv *rv;
	size_t nrv;
	int rc;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	rc = acpi_parse(buf, size, &t);
	if (rc && rc != -EBADMSG && rc != -EPROTONOSUPPORT)
		abort();
	if (rc == -EBADMSG && !memchr(t.err, '\0', sizeof(t.err)))
		abort();
	for (size_t i = 0; i < t.nrecs; i++) {
		const struct acpi_rec *r = &t.recs[i];

		if ((size_t)r->off + r->len > t.len || t.len > size)
			abort();
		if (r->parent >= (int)i || (r->parent >= 0 && r->depth != t.recs[r->parent].depth + 1))
			abort();
	}
	render(&t, false);
	render(&t, true);
	acpi_resv_list(&t, &rv, &nrv);
	for (unsigned int k = 0; k < 4; k++) {
		struct acpi_pci_path p = { .seg = 0, .nhops = 1 + k % 2 };
		struct acpi_cover c;

		p.hop[0].bus = 0;
		p.hop[0].devfn = (uint8_t)(k * 8);
		p.hop[1].bus = 1;
		p.hop[1].devfn = 0;
		if (acpi_cover_pci(&t, &p, &c) == 0) {
			if (c.unit >= (int)t.nrecs || c.entry >= (int)t.nrecs || c.iommu >= (int)t.nrecs ||
			    c.its >= (int)t.nrecs)
				abort();
		}
		for (size_t i = 0; i < nrv; i++) {
			if (rv[i].rec < 0 || (size_t)rv[i].rec >= t.nrecs || rv[i].start > rv[i].last)
				abort();
			acpi_resv_applies(&t, &rv[i], &p);
		}
	}
	free(rv);
	acpi_table_release(&t);
	free(buf);
	return 0;
}
