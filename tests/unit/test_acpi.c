// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ACPI table decoders (src/decode/acpi.c): the tables QEMU wrote for the
 * test guests (tests/fixtures/acpi/, see tests/vm/capture-acpi.sh) and
 * ACPICA's templates of every subtable type; hostile variants of each (cut
 * at every byte, zero and oversized lengths, counts and offsets past the
 * end, every byte flipped); and the ties to devices on tables built here:
 * DMAR INCLUDE_PCI_ALL and RMRR scopes, IVRS alias ranges and the highest
 * IVHD type, IVMD, IORT's overlapping ID mappings, VIOT endpoint IDs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decode/acpi.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(65536);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 65536, f);
	fclose(f);
	*len = n;
	return buf;
}

static const char *const fixtures[] = {
	"tests/fixtures/acpi/vtd/DMAR", "tests/fixtures/acpi/vtd-sm/DMAR", "tests/fixtures/acpi/amd/IVRS",
	"tests/fixtures/acpi/virtio/VIOT", "tests/fixtures/acpi/arm64-smmuv3/IORT",
	"tests/fixtures/acpi/iasl-template/DMAR", "tests/fixtures/acpi/iasl-template/IVRS",
	"tests/fixtures/acpi/iasl-template/IORT", "tests/fixtures/acpi/iasl-template/VIOT",
};

static size_t count_kind(const struct acpi_table *t, const char *kind)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nrecs; i++)
		n += !strcmp(t->recs[i].lay->kind, kind);
	return n;
}

static const struct acpi_rec *first_kind(const struct acpi_table *t, const char *kind)
{
	for (size_t i = 0; i < t->nrecs; i++)
		if (!strcmp(t->recs[i].lay->kind, kind))
			return &t->recs[i];
	return NULL;
}

/* Every record inside the table, parents before children. */
static void check_shape(const struct acpi_table *t, size_t buflen)
{
	assert_true(t->len <= buflen);
	for (size_t i = 0; i < t->nrecs; i++) {
		const struct acpi_rec *r = &t->recs[i];

		assert_true((size_t)r->off + r->len <= t->len);
		assert_true(r->parent < (int)i);
		if (r->parent >= 0)
			assert_int_equal(r->depth, t->recs[r->parent].depth + 1);
	}
}

static void test_real_tables(void **state)
{
	struct acpi_table t;
	const struct acpi_rec *r;
	uint8_t *b;
	size_t n;

	b = slurp("tests/fixtures/acpi/vtd/DMAR", &n);
	assert_int_equal(acpi_parse(b, n, &t), 0);
	assert_int_equal(t.sig, ACPI_DMAR);
	assert_true(t.checksum_ok);
	assert_string_equal(t.oem_id, "BOCHS ");
	assert_int_equal(acpi_rec_get(&t, &t.recs[0], "host_address_width", 0), 38);
	assert_int_equal(acpi_rec_get(&t, &t.recs[0], "flags", 0), 1);	/* INTR_REMAP */
	r = first_kind(&t, "drhd");
	assert_non_null(r);
	assert_int_equal(acpi_rec_get(&t, r, "address", 0), 0xfed90000);
	assert_int_equal(count_kind(&t, "device_scope"), 9);
	assert_int_equal(count_kind(&t, "path"), 9);
	check_shape(&t, n);
	acpi_table_release(&t);
	free(b);

	b = slurp("tests/fixtures/acpi/amd/IVRS", &n);
	assert_int_equal(acpi_parse(b, n, &t), 0);
	assert_int_equal(t.sig, ACPI_IVRS);
	r = first_kind(&t, "ivhd");
	assert_non_null(r);
	assert_int_equal(r->type, 0x10);
	assert_int_equal(acpi_rec_get(&t, r, "device_id", 0), 0x8);
	assert_int_equal(acpi_rec_get(&t, r, "base_address", 0), 0xfed80000);
	assert_int_equal(count_kind(&t, "device_entry"), 12);
	acpi_table_release(&t);
	free(b);

	b = slurp("tests/fixtures/acpi/arm64-smmuv3/IORT", &n);
	assert_int_equal(acpi_parse(b, n, &t), 0);
	assert_int_equal(count_kind(&t, "its_group") + count_kind(&t, "smmu_v3") + count_kind(&t, "root_complex"), 3);
	assert_int_equal(count_kind(&t, "id_mapping"), 3);
	assert_int_equal(acpi_rec_get(&t, first_kind(&t, "smmu_v3"), "base_address", 0), 0x9050000);
	acpi_table_release(&t);
	free(b);

	b = slurp("tests/fixtures/acpi/virtio/VIOT", &n);
	assert_int_equal(acpi_parse(b, n, &t), 0);
	r = first_kind(&t, "pci_range");
	assert_non_null(r);
	assert_int_equal(acpi_rec_get(&t, r, "bdf_end", 0), 0x1ff);
	assert_int_equal(acpi_rec_get(&t, first_kind(&t, "virtio_iommu_pci"), "bdf", 0), 0x8);
	acpi_table_release(&t);
	free(b);

	/* ACPICA's templates hold every kind */
	b = slurp("tests/fixtures/acpi/iasl-template/IORT", &n);
	assert_int_equal(acpi_parse(b, n, &t), 0);
	for (const char *const *k = (const char *const[]){ "its_group", "named_component", "root_complex", "smmu",
							     "smmu_v3", "pmcg", "rmr", "range",
							     "global_interrupts", NULL }; *k; k++)
		assert_true(count_kind(&t, *k) > 0);
	acpi_table_release(&t);
	free(b);
}

/* Cut short at every length: an error naming the fault, never a read past the cut. */
static void test_truncated(void **state)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		size_t n;
		uint8_t *b = slurp(fixtures[f], &n);

		for (size_t cut = 0; cut < n; cut++) {
			uint8_t *c = malloc(cut ? cut : 1);
			struct acpi_table t;

			memcpy(c, b, cut);
			assert_int_equal(acpi_parse(c, cut, &t), -EBADMSG);
			assert_true(t.err[0] != '\0');
			check_shape(&t, cut);
			acpi_table_release(&t);
			/* the header's length cut to match: a table that ends mid-subtable */
			if (cut >= 48) {
				c[4] = (uint8_t)cut;
				c[5] = (uint8_t)(cut >> 8);
				c[6] = c[7] = 0;
				int rc = acpi_parse(c, cut, &t);

				assert_true(rc == 0 || rc == -EBADMSG);
				check_shape(&t, cut);
				acpi_table_release(&t);
			}
			free(c);
		}
		free(b);
	}
}

/* Every byte set to 0x00 and to 0xff in turn: any verdict, but inside the table. */
static void test_every_byte(void **state)
{
	for (size_t f = 0; f < sizeof(fixtures) / sizeof(fixtures[0]); f++) {
		size_t n;
		uint8_t *b = slurp(fixtures[f], &n);

		for (size_t i = 0; i < n; i++) {
			for (int v = 0; v < 2; v++) {
				uint8_t *c = malloc(n), save;
				struct acpi_table t;
				struct acpi_resv *rv;
				size_t nrv;
				int rc;

				memcpy(c, b, n);
				save = c[i];
				c[i] = v ? 0xff : 0x00;
				rc = acpi_parse(c, n, &t);
				assert_true(rc == 0 || rc == -EBADMSG || rc == -EPROTONOSUPPORT);
				check_shape(&t, n);
				acpi_resv_list(&t, &rv, &nrv);
				free(rv);
				acpi_table_release(&t);
				(void)save;
				free(c);
			}
		}
		free(b);
	}
}

/* ---- tables built here ---- */

struct tb {
	uint8_t b[1024];
	size_t n;
};

static void p8(struct tb *t, uint64_t v) { t->b[t->n++] = (uint8_t)v; }
static void p16(struct tb *t, uint64_t v) { p8(t, v); p8(t, v >> 8); }
static void p32(struct tb *t, uint64_t v) { p16(t, v); p16(t, v >> 16); }
static void p64(struct tb *t, uint64_t v) { p32(t, v); p32(t, v >> 32); }
static void pat16(struct tb *t, size_t at, uint64_t v) { t->b[at] = (uint8_t)v; t->b[at + 1] = (uint8_t)(v >> 8); }

static void header(struct tb *t, const char *sig)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = 1;
	memcpy(t->b + 10, "IOMMUC", 6);
	t->n = 36;
}

static void finish(struct tb *t)
{
	uint8_t sum = 0;

	t->b[4] = (uint8_t)t->n;
	t->b[5] = (uint8_t)(t->n >> 8);
	t->b[9] = 0;
	for (size_t i = 0; i < t->n; i++)
		sum = (uint8_t)(sum + t->b[i]);
	t->b[9] = (uint8_t)-sum;
}

static struct acpi_pci_path path1(uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct acpi_pci_path p = { .seg = 0, .nhops = 1 };

	p.hop[0].bus = bus;
	p.hop[0].devfn = (uint8_t)(dev << 3 | fn);
	return p;
}

static void test_dmar_ties(void **state)
{
	struct tb t;
	struct acpi_table a;
	struct acpi_cover c;
	struct acpi_resv *rv;
	size_t nrv, at;
	struct acpi_pci_path usb = path1(0, 0x14, 0), nic = path1(0, 2, 0), behind = { .seg = 0, .nhops = 2 };

	header(&t, "DMAR");
	p8(&t, 38); p8(&t, 1); t.n += 10;
	/* DRHD 1: scopes the root port 00:1c.0 (a bridge) */
	at = t.n; p16(&t, 0); p16(&t, 0); p8(&t, 0); p8(&t, 0); p16(&t, 0); p64(&t, 0xfed91000);
	p8(&t, 2); p8(&t, 8); p16(&t, 0); p8(&t, 0); p8(&t, 0); p8(&t, 0x1c); p8(&t, 0);
	pat16(&t, at + 2, t.n - at);
	/* DRHD 2: INCLUDE_PCI_ALL */
	at = t.n; p16(&t, 0); p16(&t, 0); p8(&t, 1); p8(&t, 0); p16(&t, 0); p64(&t, 0xfed90000);
	pat16(&t, at + 2, t.n - at);
	/* RMRR for 00:14.0 */
	at = t.n; p16(&t, 1); p16(&t, 0); p16(&t, 0); p16(&t, 0); p64(&t, 0x7a000000); p64(&t, 0x7a01ffff);
	p8(&t, 1); p8(&t, 8); p16(&t, 0); p8(&t, 0); p8(&t, 0); p8(&t, 0x14); p8(&t, 0);
	pat16(&t, at + 2, t.n - at);
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), 0);
	assert_true(a.checksum_ok);

	assert_int_equal(acpi_cover_pci(&a, &nic, &c), 0);
	assert_true(c.covered);
	assert_string_equal(c.how, "include_pci_all");
	assert_int_equal(acpi_rec_get(&a, &a.recs[c.unit], "address", 0), 0xfed90000);
	assert_int_equal(c.id, 0x10);

	behind.hop[0].bus = 0;
	behind.hop[0].devfn = 0x1c << 3;
	behind.hop[1].bus = 2;
	behind.hop[1].devfn = 0;
	assert_int_equal(acpi_cover_pci(&a, &behind, &c), 0);
	assert_string_equal(c.how, "bridge scope");
	assert_int_equal(acpi_rec_get(&a, &a.recs[c.unit], "address", 0), 0xfed91000);
	assert_int_equal(c.id, 0x200);

	acpi_resv_list(&a, &rv, &nrv);
	assert_int_equal(nrv, 1);
	assert_string_equal(rv[0].kind, "rmrr");
	assert_int_equal(rv[0].start, 0x7a000000);
	assert_int_equal(rv[0].last, 0x7a01ffff);
	assert_true(acpi_resv_applies(&a, &rv[0], &usb));
	assert_false(acpi_resv_applies(&a, &rv[0], &nic));
	free(rv);
	acpi_table_release(&a);

	/* a device scope of length 0 is an error, not a loop */
	t.b[0x30 + 16 + 1] = 0;
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), -EBADMSG);
	assert_non_null(strstr(a.err, "length 0"));
	acpi_table_release(&a);
}

static void test_ivrs_ties(void **state)
{
	struct tb t;
	struct acpi_table a;
	struct acpi_cover c;
	struct acpi_resv *rv;
	size_t nrv, at;
	struct acpi_pci_path edu = path1(0, 3, 0), card = path1(1, 0, 0), other = path1(0, 5, 0);

	header(&t, "IVRS");
	p32(&t, 0x2800); p64(&t, 0);
	/* IVHD 10h selecting everything: ignored, a 40h block is there */
	at = t.n; p8(&t, 0x10); p8(&t, 0); p16(&t, 0); p16(&t, 0x8); p16(&t, 0x40); p64(&t, 0xfed80000);
	p16(&t, 0); p16(&t, 0); p32(&t, 0);
	p8(&t, 1); p16(&t, 0); p8(&t, 0);
	pat16(&t, at + 2, t.n - at);
	/* IVHD 40h: select 00:03.0; bus 1 aliased to 00:1e.0 */
	at = t.n; p8(&t, 0x40); p8(&t, 0); p16(&t, 0); p16(&t, 0x8); p16(&t, 0x40); p64(&t, 0xfed80000);
	p16(&t, 0); p16(&t, 0); p32(&t, 0); p64(&t, 0); p64(&t, 0);
	p8(&t, 2); p16(&t, 0x18); p8(&t, 0);
	p8(&t, 0x43); p16(&t, 0x100); p8(&t, 0); p8(&t, 0); p16(&t, 0xf0); p8(&t, 0);
	p8(&t, 4); p16(&t, 0x1ff); p8(&t, 0);
	p8(&t, 0x48); p16(&t, 0); p8(&t, 0); p8(&t, 0x21); p16(&t, 0xa0); p8(&t, 1);	/* IOAPIC */
	pat16(&t, at + 2, t.n - at);
	/* IVMD 21h: a unity range for 00:03.0 */
	p8(&t, 0x21); p8(&t, 0x7); p16(&t, 32); p16(&t, 0x18); p16(&t, 0); p64(&t, 0);
	p64(&t, 0x80000000); p64(&t, 0x10000);
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), 0);

	assert_int_equal(acpi_cover_pci(&a, &edu, &c), 0);
	assert_true(c.covered);
	assert_string_equal(c.how, "select");
	assert_int_equal(a.recs[c.unit].type, 0x40);
	assert_int_equal(acpi_cover_pci(&a, &card, &c), 0);
	assert_string_equal(c.how, "alias range");
	assert_true(c.aliased);
	assert_int_equal(c.rid, 0x100);
	assert_int_equal(c.id, 0xf0);
	/* covered by the 10h block's ALL only, which the kernel does not use here */
	assert_int_equal(acpi_cover_pci(&a, &other, &c), 0);
	assert_false(c.covered);

	acpi_resv_list(&a, &rv, &nrv);
	assert_int_equal(nrv, 1);
	assert_string_equal(rv[0].kind, "ivmd unity");
	assert_int_equal(rv[0].last, 0x8000ffff);
	assert_true(acpi_resv_applies(&a, &rv[0], &edu));
	assert_false(acpi_resv_applies(&a, &rv[0], &card));
	free(rv);
	acpi_table_release(&a);

	/* an entry type past 0x80 other than ACPI HID has no known length */
	t.b[76 + 40] = 0x81;	/* the first entry of the 40h block */
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), -EBADMSG);
	acpi_table_release(&a);
}

static void iort_node(struct tb *t, uint8_t type, uint8_t rev, uint32_t id, uint32_t nmap, uint32_t moff)
{
	p8(t, type); p16(t, 0); p8(t, rev); p32(t, id); p32(t, nmap); p32(t, moff);
}

static void idmap(struct tb *t, uint32_t in, uint32_t count, uint32_t out, uint32_t ref, uint32_t flags)
{
	p32(t, in); p32(t, count); p32(t, out); p32(t, ref); p32(t, flags);
}

static void test_iort_ties(void **state)
{
	struct tb t;
	struct acpi_table a;
	struct acpi_cover c;
	size_t its, smmu, rc;
	struct acpi_pci_path lo = path1(0, 0x1f, 7), hi = path1(1, 0, 0);

	header(&t, "IORT");
	p32(&t, 3); p32(&t, 48); p32(&t, 0);
	its = t.n;
	iort_node(&t, 0, 1, 0, 0, 0); p32(&t, 1); p32(&t, 0);
	pat16(&t, its + 1, t.n - its);
	smmu = t.n;
	iort_node(&t, 4, 4, 1, 1, 68);
	p64(&t, 0x9050000); p32(&t, 0); p32(&t, 0); p64(&t, 0); p32(&t, 0);
	p32(&t, 106); p32(&t, 107); p32(&t, 109); p32(&t, 108); p32(&t, 0); p32(&t, 0);
	idmap(&t, 0, 0xffff, 0x10000, (uint32_t)its, 0);
	pat16(&t, smmu + 1, t.n - smmu);
	rc = t.n;
	iort_node(&t, 2, 3, 2, 2, 36);
	p32(&t, 1); p32(&t, 0); p32(&t, 0); p32(&t, 0); p8(&t, 64); p16(&t, 0); p8(&t, 0);
	/* the off-by-one of early firmware: [0, 0x100] and [0x100, ...] overlap at 0x100 */
	idmap(&t, 0, 0x100, 0, (uint32_t)smmu, 0);
	idmap(&t, 0x100, 0xfeff, 0x100, (uint32_t)its, 0);
	pat16(&t, rc + 1, t.n - rc);
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), 0);

	assert_int_equal(acpi_cover_pci(&a, &lo, &c), 0);
	assert_true(c.covered);
	assert_string_equal(a.recs[c.iommu].lay->kind, "smmu_v3");
	assert_int_equal(c.id, 0xff);
	assert_true(c.has_its_id);
	assert_int_equal(c.its_id, 0x100ff);
	/* 0x100 matched the end of the first range: the range starting there wins, straight to the ITS */
	assert_int_equal(acpi_cover_pci(&a, &hi, &c), 0);
	assert_false(c.covered);
	assert_true(c.has_its_id);
	assert_int_equal(c.its_id, 0x100);
	acpi_table_release(&a);

	/* a mapping that refers to itself (a loop) ends */
	memcpy(t.b + rc + 36 + 12, &(uint32_t){ (uint32_t)rc }, 4);
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), 0);
	assert_int_equal(acpi_cover_pci(&a, &lo, &c), 0);
	assert_false(c.covered);
	acpi_table_release(&a);

	/* a node count past the nodes there are */
	t.b[36] = 9;
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), -EBADMSG);
	acpi_table_release(&a);
}

static void test_viot_ties(void **state)
{
	struct tb t;
	struct acpi_table a;
	struct acpi_cover c;
	struct acpi_pci_path dev = path1(0, 4, 0), out = path1(2, 0, 0);

	header(&t, "VIOT");
	p16(&t, 2); p16(&t, 48); p64(&t, 0);
	p8(&t, 3); p8(&t, 0); p16(&t, 16); p16(&t, 0); p16(&t, 0x8); p64(&t, 0);
	p8(&t, 1); p8(&t, 0); p16(&t, 24); p32(&t, 0x1000); p16(&t, 0); p16(&t, 0); p16(&t, 0x10);
	p16(&t, 0x1ff); p16(&t, 48); t.n += 6;
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), 0);
	assert_int_equal(acpi_cover_pci(&a, &dev, &c), 0);
	assert_true(c.covered);
	assert_int_equal(c.id, 0x1000 + 0x20 - 0x10);
	assert_string_equal(a.recs[c.iommu].lay->kind, "virtio_iommu_pci");
	assert_int_equal(acpi_cover_pci(&a, &out, &c), 0);
	assert_false(c.covered);
	acpi_table_release(&a);

	/* a node of length 0 is an error, not a loop */
	t.b[48 + 2] = 0;
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), -EBADMSG);
	acpi_table_release(&a);
}

static void test_other_signature(void **state)
{
	struct tb t;
	struct acpi_table a;

	header(&t, "FACP");
	finish(&t);
	assert_int_equal(acpi_parse(t.b, t.n, &a), -EPROTONOSUPPORT);
	assert_int_equal(a.nrecs, 1);
	acpi_table_release(&a);
	/* a header that says less than itself */
	t.b[4] = 12;
	assert_int_equal(acpi_parse(t.b, t.n, &a), -EBADMSG);
	acpi_table_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_tables),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_dmar_ties),
		cmocka_unit_test(test_ivrs_ties),
		cmocka_unit_test(test_iort_ties),
		cmocka_unit_test(test_viot_ties),
		cmocka_unit_test(test_other_signature),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
