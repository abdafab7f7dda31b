/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the kernel reader (src/decode/kern.c): a 64 KiB
 * x86-64 memory image holding valid kallsyms tables that a fixed VMCOREINFO
 * points to (7.x self-relative offsets, or 6.12's relative base when the
 * input's first byte is odd), with the input XORed over it (an empty input
 * is the valid image; every mutation corrupts counts, token tables, names,
 * offsets), and the input's tail after a NUL also read as a System.map.
 * Then kern_open(), symbol look-ups, kern_btf_load() (the BTF bounds come
 * from the corrupted symbols) and kern_roots(). Checks: no crash, no hang,
 * bounded memory; a kernel that opens finds _stext where VMCOREINFO says.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/kern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define IMG 65536u
#define KMAP ((uint64_t)0xffffffff80000000)	/* phys_base 0: va = KMAP + pa */
#define P_NUM 0x100u
#define P_TOKTAB 0x200u
#define P_TOKIDX 0x400u
#define P_OFFS 0x600u
#define P_BASE 0x700u
#define P_NAMES 0x800u

static uint8_t img[IMG];

static int fz_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	(void)priv;
	if (pa >= IMG || len > IMG - pa) {
		*fault = pa;
		return -ENXIO;
	}
	memcpy(buf, img + pa, len);
	return 0;
}

static void put(uint32_t pa, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		img[pa + i] = (uint8_t)(v >> (8 * i));
}

static const char *const names[] = { "_stext", "page_offset_base", "iommu_device_list", "intel_iommu_ops",
				     "__start_BTF", "__stop_BTF", "arm_smmu_ops", "arm_smmu_ops" };
static const uint32_t where[] = { 0x1000, 0x1100, 0x1200, 0x1300, 0x2000, 0x2100, 0x1400, 0x1500 };
#define N (sizeof(names) / sizeof(names[0]))

/* The valid image: one-character tokens, names as their own bytes. */
static void baseline(int form)
{
	uint32_t off = 0;
	uint64_t base = KMAP;

	memset(img, 0, sizeof(img));
	for (unsigned i = 0; i < 256; i++) {
		put(P_TOKIDX + 2 * i, 2 * i, 2);
		img[P_TOKTAB + 2 * i] = (uint8_t)(i ? i : ' ');
	}
	put(P_NUM, N, 4);
	put(P_BASE, base, 8);
	for (size_t i = 0; i < N; i++) {
		size_t len = strlen(names[i]);

		img[P_NAMES + off++] = (uint8_t)(len + 1);
		img[P_NAMES + off++] = 'D';
		memcpy(img + P_NAMES + off, names[i], len);
		off += (uint32_t)len;
		if (form)
			put(P_OFFS + 4 * (uint32_t)i, where[i], 4);	/* base + unsigned offset */
		else
			put(P_OFFS + 4 * (uint32_t)i, (uint64_t)(int64_t)((int64_t)where[i] - (P_OFFS + 4 * (int64_t)i)), 4);
	}
	put(0x1100, 0xffff888000000000ull, 8);
	put(0x1200, KMAP + 0x1200, 8);	/* an empty list */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char vi[1024];
	struct walk_mem m = { .read = fz_read };
	struct kern_opts o = { .m = &m };
	const uint8_t *nul = memchr(data, 0, size);
	struct kern_root *r = NULL;
	struct kern *k = NULL;
	char *why = NULL;
	uint64_t a, all[4], st[64];
	size_t n = 0;
	int form = size && (data[0] & 1);

	baseline(form);
	for (size_t i = 0; i < size && i < IMG; i++)
		img[i] ^= data[i];
	snprintf(vi, sizeof(vi),
		 "OSRELEASE=7.2.0\nSYMBOL(_stext)=%" PRIx64 "\nNUMBER(phys_base)=0\nKERNELOFFSET=0\n"
		 "SYMBOL(kallsyms_names)=%" PRIx64 "\nSYMBOL(kallsyms_num_syms)=%" PRIx64
		 "\nSYMBOL(kallsyms_token_table)=%" PRIx64 "\nSYMBOL(kallsyms_token_index)=%" PRIx64
		 "\nSYMBOL(kallsyms_offsets)=%" PRIx64 "\n%s%" PRIx64 "\n",
		 KMAP + 0x1000, KMAP + P_NAMES, KMAP + P_NUM, KMAP + P_TOKTAB, KMAP + P_TOKIDX, KMAP + P_OFFS,
		 form ? "SYMBOL(kallsyms_relative_base)=" : "SYMBOL(other)=", KMAP + P_BASE);
	o.vmcoreinfo = vi;
	o.vmcoreinfo_len = strlen(vi);
	if (nul && (size_t)(nul - data) + 1 < size) {
		o.system_map = (const char *)nul + 1;
		o.system_map_len = size - (size_t)(nul - data) - 1;
	}
	if (kern_open(&o, &k, &why)) {
		free(why);
		return 0;
	}
	/* opened: a symbol _stext, if any, was checked against VMCOREINFO's */
	n = kern_sym_all(k, "_stext", st, 64);
	if (n && n <= 64) {
		bool seen = false;

		for (size_t i = 0; i < n; i++)
			seen |= st[i] == KMAP + 0x1000;
		if (!seen)
			abort();
	}
	n = 0;
	kern_sym_all(k, "arm_smmu_ops", all, 4);
	(void)kern_sym(k, "iommu_device_list", &a);
	kern_sym_at(k, KMAP + 0x1300);
	if (kern_btf_load(k, NULL, &why) == 0 && kern_roots(k, &r, &n, &why) == 0)
		free(r);
	free(why);
	kern_close(k);
	return 0;
}
