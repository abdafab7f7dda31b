/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel in a memory dump: VMCOREINFO, kallsyms, System.map, BTF
 * (decode/kern.h). Layouts from Linux's kernel/kallsyms.c,
 * kernel/vmcore_info.c, scripts/kallsyms.c, arch/x86/kernel/vmcore_info_64.c,
 * arch/arm64/kernel/vmcore_info.c and arch/arm64/include/asm/memory.h
 * (6.12 and 7.2).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "decode/kern.h"
#ifdef HAVE_LIBBPF
#include "core/dlib_bpf.h"
#endif

/* x86-64: __START_KERNEL_map, where the image is mapped (arch/x86/include/asm/page_64_types.h) */
#define X86_START_KERNEL_MAP 0xffffffff80000000ull

struct ksym {
	uint64_t addr;
	uint32_t name;		/* offset in names */
	uint8_t from_map;	/* 1: System.map (looked up first) */
};

struct kern {
	struct walk_mem m;
	enum kern_arch arch;
	/* x86-64 */
	uint64_t phys_base, page_offset, direct_size;
	bool have_direct;
	/* arm64; riscv64 (kimage_voffset: va_kernel_pa_offset, phys_offset: phys_ram_base) */
	uint64_t kimage_voffset, phys_offset, lm_start, lm_end, kimg_start;
	uint64_t kernel_offset;
	/* symbols, sorted by name then System.map first */
	struct ksym *syms;
	size_t nsyms, cap;
	char *names;
	size_t names_len, names_cap;
	bool from_kallsyms, from_map;
	/* BTF (struct btf *) */
	void *btf;
	size_t btf_size;
};


/* ---- VMCOREINFO ---- */

/* The value of KEY= in the text (a line that starts with it): pointer and length, or NULL. */
static const char *vi_find(const char *text, size_t len, const char *key, size_t *vlen)
{
	size_t kl = strlen(key), i = 0;

	if (!text)
		return NULL;
	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;

		if (ll > kl && !memcmp(line, key, kl) && line[kl] == '=') {
			*vlen = ll - kl - 1;
			return line + kl + 1;
		}
		i += ll + 1;
	}
	return NULL;
}

/* KEY's value as a number: hex (SYMBOL(), KERNELOFFSET, base 16) or as written (NUMBER(): decimal or 0x). */
static bool vi_num(const struct kern_opts *o, const char *key, int base, uint64_t *v)
{
	size_t len;
	const char *p = vi_find(o->vmcoreinfo, o->vmcoreinfo_len, key, &len);
	char buf[40], *end;

	if (!p || !len || len >= sizeof(buf))
		return false;
	memcpy(buf, p, len);
	buf[len] = 0;
	errno = 0;
	if (buf[0] == '-')
		*v = (uint64_t)strtoll(buf, &end, base);
	else
		*v = strtoull(buf, &end, base);
	return !errno && end != buf && !*end;
}

static bool vi_sym(const struct kern_opts *o, const char *name, uint64_t *v)
{
	char key[96];

	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	return vi_num(o, key, 16, v);
}

static bool vi_number(const struct kern_opts *o, const char *name, uint64_t *v)
{
	char key[96];

	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	return vi_num(o, key, 0, v);
}

/* ---- addresses ---- */

enum kern_arch kern_arch(const struct kern *k)
{
	return k->arch;
}

/* The image only: what symbols need before the linear map is known. */
static int kimg_v2p(const struct kern *k, uint64_t va, uint64_t *pa)
{
	switch (k->arch) {
	case KERN_ARCH_X86_64:
		if (va < X86_START_KERNEL_MAP)
			return -EFAULT;
		*pa = va - X86_START_KERNEL_MAP + k->phys_base;
		return 0;
	case KERN_ARCH_ARM64:
		if (va < k->lm_end)
			return -EFAULT;
		*pa = va - k->kimage_voffset;
		return 0;
	case KERN_ARCH_RISCV64:
		/* the image above KERNEL_LINK_ADDR: va - kernel_map.va_kernel_pa_offset */
		if (va < k->kimg_start)
			return -EFAULT;
		*pa = va - k->kimage_voffset;
		return 0;
	default:
		return -EFAULT;
	}
}

int kern_v2p(const struct kern *k, uint64_t va, uint64_t *pa)
{
	if (!kimg_v2p(k, va, pa))
		return 0;
	switch (k->arch) {
	case KERN_ARCH_X86_64:
		if (!k->have_direct || va < k->page_offset || va - k->page_offset >= k->direct_size)
			return -EFAULT;
		*pa = va - k->page_offset;
		return 0;
	case KERN_ARCH_ARM64:
	case KERN_ARCH_RISCV64:
		if (va < k->lm_start || va >= k->lm_end)
			return -EFAULT;
		*pa = va - k->lm_start + k->phys_offset;
		return 0;
	default:
		return -EFAULT;
	}
}

int kern_read(const struct kern *k, uint64_t va, void *buf, size_t len)
{
	uint64_t pa, fault;

	if (!len)
		return 0;
	if (va + len < va || kern_v2p(k, va, &pa) || kern_v2p(k, va + len - 1, &fault) ||
	    fault - pa != len - 1)
		return -EFAULT;
	return k->m.read(k->m.priv, pa, buf, len, &fault);
}

int kern_read_u64(const struct kern *k, uint64_t va, uint64_t *v)
{
	uint8_t b[8];
	int err = kern_read(k, va, b, 8);

	if (!err)
		*v = kern_get(b, 8, 0, 8);
	return err;
}

uint64_t kern_get(const void *buf, size_t len, size_t off, size_t size)
{
	const uint8_t *p = buf;
	uint64_t v = 0;

	if (size > 8 || off > len || size > len - off)
		return 0;
	for (size_t i = size; i--;)
		v = v << 8 | p[off + i];
	return v;
}

/* ---- the symbol table ---- */

static int sym_add(struct kern *k, const char *name, size_t nlen, uint64_t addr, bool from_map)
{
	if (k->nsyms >= KERN_MAX_SYMS * 2u)
		return -E2BIG;
	if (k->names_len + nlen + 1 > k->names_cap) {
		size_t cap = k->names_cap ? k->names_cap * 2 : 1 << 20;

		while (cap < k->names_len + nlen + 1)
			cap *= 2;
		k->names = xrealloc(k->names, cap);
		k->names_cap = cap;
	}
	if (k->nsyms == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 4096;
		k->syms = xrealloc(k->syms, k->cap * sizeof(*k->syms));
	}
	k->syms[k->nsyms++] = (struct ksym){ .addr = addr, .name = (uint32_t)k->names_len, .from_map = from_map };
	memcpy(k->names + k->names_len, name, nlen);
	k->names[k->names_len + nlen] = 0;
	k->names_len += nlen + 1;
	return 0;
}

static const char *sort_names;

static int sym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int c = strcmp(sort_names + x->name, sort_names + y->name);

	if (c)
		return c;
	if (x->from_map != y->from_map)
		return x->from_map ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void syms_sort(struct kern *k)
{
	sort_names = k->names;
	qsort(k->syms, k->nsyms, sizeof(*k->syms), sym_cmp);
	sort_names = NULL;
}

/* The first entry named NAME (index), or nsyms. */
static size_t sym_first(const struct kern *k, const char *name)
{
	size_t lo = 0, hi = k->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k->names + k->syms[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->nsyms && !strcmp(k->names + k->syms[lo].name, name) ? lo : k->nsyms;
}

int kern_sym(const struct kern *k, const char *name, uint64_t *addr)
{
	size_t i = sym_first(k, name);

	if (i == k->nsyms)
		return -ENOENT;
	*addr = k->syms[i].addr;
	return 0;
}

size_t kern_sym_all(const struct kern *k, const char *name, uint64_t *addrs, size_t max)
{
	size_t n = 0;

	for (size_t i = sym_first(k, name); i < k->nsyms && !strcmp(k->names + k->syms[i].name, name); i++) {
		bool dup = false;

		for (size_t j = 0; j < n && j < max; j++)
			dup |= addrs[j] == k->syms[i].addr;
		if (dup)
			continue;
		if (n < max)
			addrs[n] = k->syms[i].addr;
		n++;
	}
	return n;
}

const char *kern_sym_at(const struct kern *k, uint64_t addr)
{
	for (size_t i = 0; i < k->nsyms; i++)
		if (k->syms[i].addr == addr)
			return k->names + k->syms[i].name;
	return NULL;
}

size_t kern_nsyms(const struct kern *k)
{
	return k->nsyms;
}

const char *kern_syms_from(const struct kern *k)
{
	if (k->from_kallsyms && k->from_map)
		return "kallsyms and System.map";
	return k->from_map ? "System.map" : k->from_kallsyms ? "kallsyms" : "none";
}

/* ---- kallsyms ---- */

/* The names stream, read through a window of the image. */
struct names_rd {
	const struct kern *k;
	uint64_t va;		/* kallsyms_names */
	uint8_t win[65536];
	uint64_t win_off;	/* offset of win[0] in the stream */
	size_t win_len;
	uint64_t total;		/* bytes fetched, against the cap */
};

/* n (<= 256) bytes at off of the names stream. */
static int names_get(struct names_rd *r, uint64_t off, size_t n, const uint8_t **p)
{
	if (off < r->win_off || off + n > r->win_off + r->win_len) {
		size_t want = sizeof(r->win);
		int err;

		if (off + want > KERN_MAX_NAME_BYTES)
			want = n;
		if (off + n > KERN_MAX_NAME_BYTES)
			return -E2BIG;
		/* the end of the image may be nearer than a window: then exactly what is asked */
		if ((err = kern_read(r->k, r->va + off, r->win, want)) && want > n)
			err = kern_read(r->k, r->va + off, r->win, want = n);
		if (err)
			return err;
		r->win_off = off;
		r->win_len = want;
		r->total += want;
	}
	*p = r->win + (off - r->win_off);
	return 0;
}

struct kallsyms_tab {
	uint64_t names, num_syms, token_table, token_index, offsets, relative_base;
	bool have_relative_base;
};

/* The offsets of the 6.12 form: a relative base, and (x86-64 SMP) absolute per-CPU entries. */
static uint64_t ks_addr(const struct kallsyms_tab *t, uint64_t base, int32_t off, uint32_t idx, int mode)
{
	switch (mode) {
	case 0:	/* 7.x: each entry is relative to itself (offset_to_ptr) */
		return t->offsets + 4ull * idx + (uint64_t)(int64_t)off;
	case 1:	/* relative_base + unsigned offset */
		return base + (uint32_t)off;
	default: /* CONFIG_KALLSYMS_ABSOLUTE_PERCPU: >= 0 absolute, < 0 relative to base - 1 */
		return off >= 0 ? (uint64_t)off : base - 1 - (uint64_t)(int64_t)off;
	}
}

static int kallsyms_load(struct kern *k, const struct kern_opts *o, char **why)
{
	struct kallsyms_tab t = { 0 };
	uint8_t idxb[512], nb[4], *tokens = NULL;
	uint16_t tidx[256];
	uint32_t num, max_idx = 0, i;
	uint64_t base = 0, stext = 0;
	int32_t *offs = NULL;
	struct names_rd *r = NULL;
	uint64_t off = 0, *addrs[3] = { NULL, NULL, NULL };
	size_t first = k->nsyms, tlen;
	int err, mode = 0, nmodes;
	char name[520];

	if (!vi_sym(o, "kallsyms_names", &t.names) || !vi_sym(o, "kallsyms_num_syms", &t.num_syms) ||
	    !vi_sym(o, "kallsyms_token_table", &t.token_table) ||
	    !vi_sym(o, "kallsyms_token_index", &t.token_index) || !vi_sym(o, "kallsyms_offsets", &t.offsets)) {
		*why = xasprintf("VMCOREINFO has no kallsyms tables (Linux 6.5 or later with CONFIG_KALLSYMS writes them; --system-map gives the symbols)");
		return -ENOENT;
	}
	t.have_relative_base = vi_sym(o, "kallsyms_relative_base", &t.relative_base);
	if ((err = kern_read(k, t.num_syms, nb, 4))) {
		*why = xasprintf("kallsyms_num_syms at 0x%" PRIx64 " cannot be read: %s", t.num_syms, strerror(-err));
		return err;
	}
	num = (uint32_t)kern_get(nb, 4, 0, 4);
	if (!num || num > KERN_MAX_SYMS) {
		*why = xasprintf("kallsyms_num_syms is %" PRIu32 " (1 to %" PRIu32 " expected)", num, KERN_MAX_SYMS);
		return -EINVAL;
	}
	if (t.have_relative_base && (err = kern_read_u64(k, t.relative_base, &base))) {
		*why = xasprintf("kallsyms_relative_base at 0x%" PRIx64 " cannot be read: %s", t.relative_base,
			    strerror(-err));
		return err;
	}
	if ((err = kern_read(k, t.token_index, idxb, sizeof(idxb)))) {
		*why = xasprintf("kallsyms_token_index cannot be read: %s", strerror(-err));
		return err;
	}
	for (i = 0; i < 256; i++) {
		tidx[i] = (uint16_t)kern_get(idxb, sizeof(idxb), 2 * i, 2);
		if (tidx[i] > max_idx)
			max_idx = tidx[i];
	}
	/* every token ends with a NUL within 256 bytes of its start */
	tlen = max_idx + 256;
	tokens = xmalloc(tlen);
	if ((err = kern_read(k, t.token_table, tokens, tlen)) &&
	    (err = kern_read(k, t.token_table, tokens, tlen = max_idx + 1))) {
		*why = xasprintf("kallsyms_token_table cannot be read: %s", strerror(-err));
		goto out;
	}
	for (i = 0; i < 256; i++)
		if (!memchr(tokens + tidx[i], 0, tlen - tidx[i])) {
			*why = xasprintf("kallsyms_token_table: token %u has no end", i);
			err = -EINVAL;
			goto out;
		}
	offs = xmalloc((size_t)num * 4);
	if ((err = kern_read(k, t.offsets, offs, (size_t)num * 4))) {
		*why = xasprintf("kallsyms_offsets (%" PRIu32 " entries) cannot be read: %s", num, strerror(-err));
		goto out;
	}
	r = xcalloc(1, sizeof(*r));
	r->k = k;
	r->va = t.names;
	r->win_len = 0;
	/* 6.12: unsigned offsets or absolute per-CPU ones, told apart by _stext below */
	nmodes = t.have_relative_base ? 2 : 1;
	for (int md = 0; md < nmodes; md++)
		addrs[md] = xmalloc((size_t)num * sizeof(uint64_t));
	for (i = 0; i < num; i++) {
		const uint8_t *p;
		size_t len, olen = 0;
		bool first_char = true;

		if ((err = names_get(r, off, 2, &p)) && (err = names_get(r, off, 1, &p)))
			goto names_err;
		len = p[0];
		if (len & 0x80) {
			if ((err = names_get(r, off + 1, 1, &p)))
				goto names_err;
			len = (len & 0x7f) | (size_t)p[0] << 7;
			off += 2;
		} else {
			off += 1;
		}
		if (!len) {
			*why = xasprintf("kallsyms_names: symbol %" PRIu32 " is empty", i);
			err = -EINVAL;
			goto out;
		}
		for (size_t done = 0; done < len;) {
			size_t n = len - done > 256 ? 256 : len - done;

			if ((err = names_get(r, off + done, n, &p)))
				goto names_err;
			for (size_t j = 0; j < n; j++) {
				const char *tk = (const char *)tokens + tidx[p[j]];

				for (; *tk; tk++) {
					if (first_char) {	/* the type letter */
						first_char = false;
						continue;
					}
					if (olen < sizeof(name) - 8)
						name[olen++] = *tk;
				}
			}
			done += n;
		}
		off += len;
		for (int md = 0; md < nmodes; md++)
			addrs[md][i] = ks_addr(&t, base, (int32_t)kern_get(offs, (size_t)num * 4, 4ull * i, 4), i,
					       t.have_relative_base ? md + 1 : 0);
		if ((err = sym_add(k, name, olen, 0, false)))
			goto names_err;
	}
	/* the decoded address of _stext must be VMCOREINFO's */
	if (vi_sym(o, "_stext", &stext)) {
		size_t at = SIZE_MAX;

		for (size_t j = first; j < k->nsyms; j++)
			if (!strcmp(k->names + k->syms[j].name, "_stext")) {
				at = j - first;
				break;
			}
		for (mode = 0; mode < nmodes && (at == SIZE_MAX || addrs[mode][at] != stext); mode++)
			;
		if (at != SIZE_MAX && mode == nmodes) {
			*why = xasprintf("kallsyms decodes _stext at 0x%" PRIx64 ", VMCOREINFO says 0x%" PRIx64,
				    addrs[0][at], stext);
			err = -EINVAL;
			goto out;
		}
		if (mode == nmodes)
			mode = 0;
	}
	for (size_t j = first; j < k->nsyms; j++)
		k->syms[j].addr = addrs[mode][j - first];
	k->from_kallsyms = true;
	err = 0;
	goto out;
names_err:
	*why = err == -E2BIG ? xasprintf("kallsyms_names: over %zu MiB for %" PRIu32 " symbols", KERN_MAX_NAME_BYTES >> 20, num)
		: xasprintf("kallsyms_names cannot be read at symbol %" PRIu32 ": %s", i, strerror(-err));
	if (err == -E2BIG)
		err = -EINVAL;
out:
	if (err)
		k->nsyms = first;
	for (int md = 0; md < 3; md++)
		free(addrs[md]);
	free(r);
	free(offs);
	free(tokens);
	return err;
}

/* ---- System.map ---- */

static int system_map_load(struct kern *k, const struct kern_opts *o, char **why)
{
	const char *p = o->system_map, *end = p + o->system_map_len;
	size_t before = k->nsyms, lineno = 0;
	uint64_t stext_vi, stext_map = 0;
	bool have_stext = false;
	int err;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		char buf[600], *s, *addr, *type, *name, *ep;
		size_t ll = (size_t)(le - p);
		uint64_t a;

		lineno++;
		if (ll && ll < sizeof(buf)) {
			memcpy(buf, p, ll);
			buf[ll] = 0;
			addr = strtok_r(buf, " \t\r", &s);
			type = addr ? strtok_r(NULL, " \t\r", &s) : NULL;
			name = type ? strtok_r(NULL, " \t\r", &s) : NULL;
			if (!name || strlen(type) != 1 || strtok_r(NULL, " \t\r", &s)) {
				*why = xasprintf("System.map line %zu is not 'ADDRESS TYPE NAME'", lineno);
				err = -EINVAL;
				goto fail;
			}
			errno = 0;
			a = strtoull(addr, &ep, 16);
			if (errno || *ep || ep == addr) {
				*why = xasprintf("System.map line %zu: '%s' is not an address", lineno, addr);
				err = -EINVAL;
				goto fail;
			}
			/* KASLR: the map has link-time addresses */
			a += k->kernel_offset;
			if (!strcmp(name, "_stext")) {
				stext_map = a;
				have_stext = true;
			}
			if ((err = sym_add(k, name, strlen(name), a, true))) {
				*why = xasprintf("System.map: more than %u symbols", KERN_MAX_SYMS * 2u);
				goto fail;
			}
		} else if (ll) {
			*why = xasprintf("System.map line %zu is too long", lineno);
			err = -EINVAL;
			goto fail;
		}
		p = nl ? nl + 1 : end;
	}
	if (k->nsyms == before) {
		*why = xasprintf("System.map holds no symbol");
		return -EINVAL;
	}
	if (have_stext && vi_sym(o, "_stext", &stext_vi) && stext_vi != stext_map) {
		*why = xasprintf("System.map is not this kernel's: _stext is 0x%" PRIx64 " (KERNELOFFSET added), "
			    "VMCOREINFO says 0x%" PRIx64, stext_map, stext_vi);
		err = -EINVAL;
		goto fail;
	}
	k->from_map = true;
	return 0;
fail:
	k->nsyms = before;
	return err;
}

/* ---- opening ---- */

int kern_open(const struct kern_opts *o, struct kern **out, char **why)
{
	struct kern *k;
	uint64_t v, va_bits, mod;
	char *kwhy = NULL;
	int err, kerr;

	*out = NULL;
	*why = NULL;
	if (!o->vmcoreinfo || !o->vmcoreinfo_len) {
		*why = xasprintf("the dump carries no VMCOREINFO");
		return -ENOENT;
	}
	k = xcalloc(1, sizeof(*k));
	k->m = *o->m;
	if (vi_num(o, "KERNELOFFSET", 16, &v))
		k->kernel_offset = v;
	if (vi_number(o, "kimage_voffset", &k->kimage_voffset)) {
		k->arch = KERN_ARCH_ARM64;
		if (!vi_number(o, "VA_BITS", &va_bits) || va_bits < 36 || va_bits > 52 ||
		    !vi_number(o, "PHYS_OFFSET", &k->phys_offset)) {
			*why = xasprintf("VMCOREINFO of arm64 without VA_BITS or PHYS_OFFSET");
			err = -EINVAL;
			goto fail;
		}
		/* PAGE_OFFSET = -(1 << VA_BITS); the linear map ends at PAGE_END, where the modules start */
		k->lm_start = -(1ull << va_bits);
		if (!vi_number(o, "MODULES_VADDR", &mod) || mod <= k->lm_start)
			mod = -(1ull << ((va_bits > 48 ? 48 : va_bits) - 1));
		k->lm_end = mod;
	} else if (vi_number(o, "va_kernel_pa_offset", &k->kimage_voffset)) {
		/* riscv64 (arch/riscv/kernel/vmcore_info.c): the linear map from PAGE_OFFSET
		 * at phys_ram_base, up to the modules; the image from KERNEL_LINK_ADDR */
		k->arch = KERN_ARCH_RISCV64;
		if (!vi_number(o, "PAGE_OFFSET", &k->lm_start) || !vi_number(o, "phys_ram_base", &k->phys_offset) ||
		    !vi_number(o, "KERNEL_LINK_ADDR", &k->kimg_start)) {
			*why = xasprintf("VMCOREINFO of riscv64 without PAGE_OFFSET, phys_ram_base or KERNEL_LINK_ADDR");
			err = -EINVAL;
			goto fail;
		}
		if (!vi_number(o, "MODULES_VADDR", &k->lm_end) || k->lm_end <= k->lm_start || k->lm_end > k->kimg_start)
			k->lm_end = k->kimg_start;
	} else if (vi_number(o, "phys_base", &k->phys_base)) {
		k->arch = KERN_ARCH_X86_64;
		k->direct_size = vi_number(o, "pgtable_l5_enabled", &v) && v ? 1ull << 52 : 1ull << 46;
	} else {
		*why = xasprintf("VMCOREINFO of an architecture walk roots cannot read the kernel of "
			    "(x86-64, arm64 and riscv64 only)");
		err = -EOPNOTSUPP;
		goto fail;
	}
	kerr = kallsyms_load(k, o, &kwhy);
	if (kerr && kerr != -ENOENT) {
		*why = kwhy;
		err = kerr;
		goto fail;
	}
	if (o->system_map && (err = system_map_load(k, o, why))) {
		free(kwhy);
		goto fail;
	}
	if (!k->nsyms) {
		*why = kwhy ? kwhy : xasprintf("no symbols");
		err = -ENOENT;
		goto fail;
	}
	free(kwhy);
	syms_sort(k);
	/* x86-64: the direct map moves with KASLR: page_offset_base says where */
	if (k->arch == KERN_ARCH_X86_64) {
		if (!kern_sym(k, "page_offset_base", &v) && !kern_read_u64(k, v, &k->page_offset))
			k->have_direct = true;
	}
	*out = k;
	return 0;
fail:
	kern_close(k);
	return err;
}

void kern_close(struct kern *k)
{
	if (!k)
		return;
#ifdef HAVE_LIBBPF
	if (k->btf)
		btf__free(k->btf);
#endif
	free(k->syms);
	free(k->names);
	free(k);
}

/* ---- BTF ---- */

bool kern_has_btf(const struct kern *k)
{
	return k->btf;
}

size_t kern_btf_size(const struct kern *k)
{
	return k->btf_size;
}

#ifdef HAVE_LIBBPF

int kern_btf_load(struct kern *k, const char *path, char **why)
{
	uint64_t start, stop;
	struct btf *btf;
	uint8_t *buf;
	char msg[160];
	long lerr;
	int err;

	*why = NULL;
	if ((err = dlib_load(DLIB_BPF))) {
		*why = xasprintf("%s", dlib_error());
		return err;
	}
	/* libbpf's own messages would go to stderr: why says what failed, in one line */
	libbpf_set_print(NULL);
	if (path) {
		btf = btf__parse(path, NULL);
		if ((lerr = libbpf_get_error(btf))) {
			libbpf_strerror((int)lerr, msg, sizeof(msg));
			*why = xasprintf("%s: no BTF libbpf can read: %s", path, msg);
			return -EINVAL;
		}
		k->btf = btf;
		k->btf_size = 0;
		return 0;
	}
	if (kern_sym(k, "__start_BTF", &start) || kern_sym(k, "__stop_BTF", &stop)) {
		*why = xasprintf("no __start_BTF and __stop_BTF symbols (a kernel without CONFIG_DEBUG_INFO_BTF)");
		return -ENOENT;
	}
	if (stop <= start || stop - start > KERN_MAX_BTF) {
		*why = xasprintf("__start_BTF 0x%" PRIx64 " .. __stop_BTF 0x%" PRIx64 ": not 1 byte to %" PRIu64 " MiB",
			    start, stop, KERN_MAX_BTF >> 20);
		return -EINVAL;
	}
	buf = xmalloc(stop - start);
	if ((err = kern_read(k, start, buf, stop - start))) {
		*why = xasprintf("the BTF at 0x%" PRIx64 " (%" PRIu64 " bytes) cannot be read: %s", start, stop - start,
			    strerror(-err));
		free(buf);
		return err;
	}
	btf = btf__new(buf, (uint32_t)(stop - start));
	free(buf);
	if ((lerr = libbpf_get_error(btf))) {
		libbpf_strerror((int)lerr, msg, sizeof(msg));
		*why = xasprintf("the BTF in the dump (%" PRIu64 " bytes) is refused by libbpf: %s", stop - start, msg);
		return -EINVAL;
	}
	k->btf = btf;
	k->btf_size = stop - start;
	return 0;
}

/* Typedefs and qualifiers skipped; 0 when the chain is broken or too long. */
static uint32_t btf_skip(const struct btf *btf, uint32_t id)
{
	for (int i = 0; i < 32; i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t)
			return 0;
		if (!btf_is_typedef(t) && !btf_is_const(t) && !btf_is_volatile(t) && !btf_is_restrict(t) &&
		    !btf_is_type_tag(t))
			return id;
		id = t->type;
	}
	return 0;
}

/* Member NAME (len nl) of composite id, looking into anonymous members: bit offset and type. */
static int btf_find_one(const struct btf *btf, uint32_t id, const char *name, size_t nl, int depth, uint64_t *bits,
			uint32_t *type, bool *bitfield)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *mb;

	if (!t || depth > 8 || !btf_is_composite(t))
		return -ENOMSG;
	mb = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, mb++) {
		const char *mn = btf__name_by_offset(btf, mb->name_off);
		uint64_t sub;

		if (mn && *mn) {
			if (strlen(mn) == nl && !memcmp(mn, name, nl)) {
				*bits = btf_member_bit_offset(t, i);
				*type = mb->type;
				*bitfield = btf_member_bitfield_size(t, i) != 0;
				return 0;
			}
		} else if (!btf_find_one(btf, btf_skip(btf, mb->type), name, nl, depth + 1, &sub, type, bitfield)) {
			*bits = btf_member_bit_offset(t, i) + sub;
			return 0;
		}
	}
	return -ENOMSG;
}

int kern_member(const struct kern *k, uint32_t id, const char *path, size_t *off, size_t *size)
{
	const struct btf *btf = k->btf;
	uint64_t total = 0, bits;
	uint32_t type = id;
	bool bitfield = false;
	long sz;

	if (!btf)
		return -ENOENT;
	for (const char *p = path;;) {
		const char *dot = strchr(p, '.');
		size_t nl = dot ? (size_t)(dot - p) : strlen(p);

		if (btf_find_one(btf, btf_skip(btf, type), p, nl, 0, &bits, &type, &bitfield))
			return -ENOMSG;
		total += bits;
		if (!dot)
			break;
		p = dot + 1;
	}
	if (bitfield || total % 8)
		return -EINVAL;
	sz = btf__resolve_size(btf, type);
	if (sz < 0)
		return -EINVAL;
	*off = total / 8;
	*size = (size_t)sz;
	return 0;
}

int kern_struct_next(const struct kern *k, const char *name, uint32_t after, uint32_t *id)
{
	const struct btf *btf = k->btf;

	if (!btf)
		return -ENOENT;
	for (uint32_t i = after + 1; i < btf__type_cnt(btf); i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *tn;

		if (t && btf_is_struct(t) && (tn = btf__name_by_offset(btf, t->name_off)) && !strcmp(tn, name)) {
			*id = i;
			return 0;
		}
	}
	return -ENOENT;
}

int kern_struct(const struct kern *k, const char *name, const char *member, uint32_t *id)
{
	bool named = false;
	size_t off, size;
	uint32_t i = 0;

	if (!k->btf)
		return -ENOENT;
	while (!kern_struct_next(k, name, i, &i)) {
		named = true;
		if (!member || !kern_member(k, i, member, &off, &size)) {
			*id = i;
			return 0;
		}
	}
	return named ? -ENOMSG : -ENOENT;
}

size_t kern_struct_size(const struct kern *k, uint32_t id)
{
	long sz = k->btf ? btf__resolve_size(k->btf, id) : -1;

	return sz < 0 ? 0 : (size_t)sz;
}

#else

int kern_btf_load(struct kern *k, const char *path, char **why)
{
	(void)k;
	(void)path;
	*why = xasprintf("iommuctl was built without libbpf (libbpf-dev), which reads the kernel's BTF");
	return -EOPNOTSUPP;
}

int kern_member(const struct kern *k, uint32_t id, const char *path, size_t *off, size_t *size)
{
	(void)k, (void)id, (void)path, (void)off, (void)size;
	return -ENOENT;
}

int kern_struct(const struct kern *k, const char *name, const char *member, uint32_t *id)
{
	(void)k, (void)name, (void)member, (void)id;
	return -ENOENT;
}

int kern_struct_next(const struct kern *k, const char *name, uint32_t after, uint32_t *id)
{
	(void)k, (void)name, (void)after, (void)id;
	return -ENOENT;
}

size_t kern_struct_size(const struct kern *k, uint32_t id)
{
	(void)k, (void)id;
	return 0;
}

#endif
