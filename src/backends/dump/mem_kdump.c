/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kdump-compressed ("diskdump") files as makedumpfile and QEMU write them
 * (as such, or in makedumpfile's flattened stream: mem_flat.c, through
 * mem_bytes() and mem_dsize()):
 * header, sub-header, the two pfn bitmaps (exists / dumped), one 24-byte
 * descriptor per dumped page, pages stored raw or zlib/lzo/snappy/zstd
 * compressed. Decompressed pages live in a small set-associative cache.
 * Layout facts: formats.md section 9.2; flag values: uapi.md.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the decompressors are loaded on demand: kd_comp_load() */
#ifdef HAVE_ZLIB
#include "core/dlib_zlib.h"
#endif
#ifdef HAVE_LZO2
#include "core/dlib_lzo2.h"
#endif
#ifdef HAVE_SNAPPY
#include "core/dlib_snappy.h"
#endif
#ifdef HAVE_ZSTD
#include "core/dlib_zstd.h"
#endif

#include "backends/dump/mem_priv.h"
#include "core/dlib.h"
#include "core/util.h"

/* 64-bit disk_dump_header field offsets */
#define KD_HDR_SIZE        464u
#define KD_HEADER_VERSION  8u
#define KD_UTS_RELEASE     (12u + 2 * 65)
#define KD_UTS_MACHINE     (12u + 4 * 65)
#define KD_STATUS          424u
#define KD_BLOCK_SIZE      428u
#define KD_SUB_HDR_SIZE    432u
#define KD_BITMAP_BLOCKS   436u
#define KD_MAX_MAPNR       440u
/* kdump_sub_header, at block 1 */
#define KD_SUB_PHYS_BASE   0u
#define KD_SUB_DUMP_LEVEL  8u
#define KD_SUB_OFF_VMCI    32u
#define KD_SUB_SIZE_VMCI   40u
#define KD_SUB_OFF_NOTE    48u
#define KD_SUB_SIZE_NOTE   56u
#define KD_SUB_MAX_MAPNR64 96u
#define KD_DESC_SIZE       24u

#define RANK_BITS          4096u   /* bitmap bits per rank-table entry */
#define CACHE_WAYS         4u
#define CACHE_BYTES        (4u << 20)

struct kd_slot {
	uint64_t pfn;
	uint64_t stamp;            /* 0: empty */
	const uint8_t *data;       /* buf, or the page inside the mapping */
	uint8_t *buf;
};

struct mem_kdump {
	uint32_t status;
	uint32_t header_version, dump_level;
	uint32_t shift;
	uint64_t phys_base;
	uint64_t max_pfn;          /* pfns [0, max_pfn) have bitmap bits */
	uint64_t max_mapnr;        /* as declared */
	uint64_t bm1, bm2;         /* file offsets of the two bitmaps */
	uint64_t desc_off, ndumped;
	uint64_t *rank;            /* set bits of bitmap 2 below each RANK_BITS chunk */
	bool rank_memo;            /* rank_next is the pfn after the last one looked up... */
	uint64_t rank_next, rank_next_idx; /* ...and its rank if it is dumped */

	/* totals for mem_info, from one pass over the bitmaps at open */
	uint64_t data_pages, excl_pages, data_runs, excl_runs, pfn_lo, pfn_hi;

	unsigned comp_seen;
	uint8_t *zsrc;             /* flattened: a compressed page that spans records */
	struct kd_slot *slots;
	unsigned nsets;
	uint64_t clock;
#ifdef HAVE_ZLIB
	z_stream zs;
	bool zs_ready;
#endif
#ifdef HAVE_ZSTD
	ZSTD_DCtx *zd;
#endif
};

/* ---- bitmaps ---- */

/*
 * n (<= BM_CHUNK) words of bitmap bm from word index w into out, bits past
 * max_pfn cleared: one look-up of the file's bytes per chunk, not one
 * per word (a flattened stream finds its extent by a search, and the two
 * bitmaps read in turn would send it to the other one every time).
 */
#define BM_CHUNK 512
static void bm_load(struct mem_source *m, uint64_t bm, uint64_t w, size_t n, uint64_t *out)
{
	const struct mem_kdump *kd = m->kd;
	uint8_t scratch[BM_CHUNK * 8];
	const uint8_t *p = mem_bytes(m, bm + w * 8, n * 8, scratch);
	uint64_t nbits = kd->max_pfn - (w + n - 1) * 64;

	memcpy(out, p, n * 8);
	for (size_t i = 0; i < n; i++)
		out[i] = le64toh(out[i]);
	if (nbits < 64)
		out[n - 1] &= (1ull << nbits) - 1;
}

/* Word widx of bitmap bm (at file offset bm), bits past max_pfn cleared. */
static uint64_t bm_word(struct mem_source *m, uint64_t bm, uint64_t widx)
{
	uint64_t v;

	bm_load(m, bm, widx, 1, &v);
	return v;
}

/* Words of (data) and (exists but not dumped) at word index w. */
static void bm_words(struct mem_source *m, uint64_t w, uint64_t *data, uint64_t *excl)
{
	uint64_t w1 = bm_word(m, m->kd->bm1, w), w2 = bm_word(m, m->kd->bm2, w);

	*data = w2;
	*excl = w1 & ~w2;
}

static uint64_t kd_rank(struct mem_source *m, uint64_t pfn)
{
	struct mem_kdump *kd = m->kd;
	uint64_t chunk = pfn / RANK_BITS, r = kd->rank[chunk];
	uint64_t w = chunk * (RANK_BITS / 64), wend = pfn / 64;

	for (; w < wend; w++)
		r += (uint64_t)__builtin_popcountll(bm_word(m, kd->bm2, w));
	if (pfn % 64)
		r += (uint64_t)__builtin_popcountll(bm_word(m, kd->bm2, wend) &
						    ((1ull << (pfn % 64)) - 1));
	return r;
}

/* Rank table and totals, in one pass over the bitmaps. */
static void kd_scan(struct mem_source *m)
{
	struct mem_kdump *kd = m->kd;
	uint64_t nwords = (kd->max_pfn + 63) / 64, count = 0;
	uint64_t prev_d = 0, prev_x = 0;
	bool any = false;
	uint64_t b1[BM_CHUNK], b2[BM_CHUNK];

	kd->rank = xcalloc(kd->max_pfn / RANK_BITS + 1, sizeof(*kd->rank));
	for (uint64_t w = 0; w < nwords; w++) {
		uint64_t d, x;
		size_t i = (size_t)(w % BM_CHUNK);

		if (!i) {
			size_t n = nwords - w < BM_CHUNK ? (size_t)(nwords - w) : BM_CHUNK;

			bm_load(m, kd->bm1, w, n, b1);
			bm_load(m, kd->bm2, w, n, b2);
		}
		if (!(w % (RANK_BITS / 64)))
			kd->rank[w / (RANK_BITS / 64)] = count;
		/* as bm_words() */
		d = b2[i];
		x = b1[i] & ~b2[i];
		if (!(d | x)) {
			/* most words of a sparse machine's bitmaps */
			prev_d = prev_x = 0;
			continue;
		}
		count += (uint64_t)__builtin_popcountll(d);
		kd->excl_pages += (uint64_t)__builtin_popcountll(x);
		/* a run starts at every set bit whose lower neighbour is clear */
		kd->data_runs += (uint64_t)__builtin_popcountll(d & ~(d << 1 | prev_d));
		kd->excl_runs += (uint64_t)__builtin_popcountll(x & ~(x << 1 | prev_x));
		prev_d = d >> 63;
		prev_x = x >> 63;
		if (d | x) {
			if (!any)
				kd->pfn_lo = w * 64 + (uint64_t)__builtin_ctzll(d | x);
			kd->pfn_hi = w * 64 + 64 - (uint64_t)__builtin_clzll(d | x);
			any = true;
		}
	}
	kd->data_pages = count;
	kd->ndumped = count;
}

/* ---- open ---- */

static bool kd_machine_is_32bit(const char *mach)
{
	static const char *const names[] = { "i386", "i486", "i586", "i686", "arm", "armv7l",
					     "armv6l", "ppc", "mips", "s390", "sparc" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(mach, names[i]))
			return true;
	return false;
}

static bool kd_block_size_ok(uint32_t bs)
{
	return bs >= 512 && bs <= (1u << 20) && !(bs & (bs - 1));
}

static bool kd_header_sane(struct mem_source *m)
{
	uint32_t v = mem_get32(m, KD_HEADER_VERSION);

	return v >= 1 && v <= 255 && kd_block_size_ok(mem_get32(m, KD_BLOCK_SIZE));
}

/*
 * The library of one compression (a MEM_COMP_* bit), loaded on first use:
 * 0, or -ELIBACC (dlib_error() names it). A compression this build lacks
 * is kd_decompress()'s to report.
 */
static int kd_comp_load(unsigned flag)
{
	switch (flag) {
#ifdef HAVE_ZLIB
	case MEM_COMP_ZLIB:
		return dlib_load(DLIB_ZLIB);
#endif
#ifdef HAVE_LZO2
	case MEM_COMP_LZO:
		return dlib_load(DLIB_LZO2);
#endif
#ifdef HAVE_SNAPPY
	case MEM_COMP_SNAPPY:
		return dlib_load(DLIB_SNAPPY);
#endif
#ifdef HAVE_ZSTD
	case MEM_COMP_ZSTD:
		return dlib_load(DLIB_ZSTD);
#endif
	default:
		return 0;
	}
}

int mem_kdump_open(struct mem_source *m, char **why)
{
	struct mem_kdump *kd;
	uint64_t bs, sub, bm_bytes, half, need, size = mem_dsize(m);
	uint32_t sub_blocks, bm_blocks;
	uint8_t hdr_buf[KD_HDR_SIZE];
	const uint8_t *hdr;

	if (size < KD_HDR_SIZE)
		return mem_why(why, -EINVAL, "truncated kdump header (%" PRIu64 " bytes)", size);
	hdr = mem_bytes(m, 0, KD_HDR_SIZE, hdr_buf);
	if (memcmp(hdr, "KDUMP   ", 8))
		return mem_why(why, -EINVAL, "no \"KDUMP   \" signature");
	/* integers are in the dumped machine's byte order: the one that reads sanely */
	m->be = false;
	if (!kd_header_sane(m)) {
		m->be = true;
		if (!kd_header_sane(m)) {
			m->be = false;
			return mem_why(why, -EINVAL, "bad kdump header: version %u, block size %u",
				       mem_get32(m, KD_HEADER_VERSION), mem_get32(m, KD_BLOCK_SIZE));
		}
	}
	snprintf(m->machine, sizeof(m->machine), "%.*s", 64, (const char *)hdr + KD_UTS_MACHINE);
	snprintf(m->osrelease, sizeof(m->osrelease), "%.*s", 64, (const char *)hdr + KD_UTS_RELEASE);
	if (kd_machine_is_32bit(m->machine))
		return mem_why(why, -EOPNOTSUPP, "kdump files of 32-bit machines (%s) are not supported",
			       m->machine);

	kd = xcalloc(1, sizeof(*kd));
	m->kd = kd;
	bs = mem_get32(m, KD_BLOCK_SIZE);
	m->page_size = (uint32_t)bs;
	m->page_size_from = "header";
	kd->shift = (uint32_t)__builtin_ctzll(bs);
	kd->header_version = mem_get32(m, KD_HEADER_VERSION);
	kd->status = mem_get32(m, KD_STATUS);
	/* the compressions the header declares: a missing library is said at once */
	for (unsigned c = kd->status & MEM_COMP_MASK; c; c &= c - 1) {
		int err = kd_comp_load(c & -c);

		if (err)
			return mem_why(why, err, "%s", dlib_error());
	}
	sub_blocks = mem_get32(m, KD_SUB_HDR_SIZE);
	bm_blocks = mem_get32(m, KD_BITMAP_BLOCKS);
	kd->max_mapnr = mem_get32(m, KD_MAX_MAPNR);

	sub = bs;
	if (!sub_blocks || size / bs < 1 + (uint64_t)sub_blocks)
		return mem_why(why, -EINVAL, "sub-header of %u blocks runs past the end of the file",
			       sub_blocks);
	kd->phys_base = mem_get64(m, sub + KD_SUB_PHYS_BASE);
	kd->dump_level = mem_get32(m, sub + KD_SUB_DUMP_LEVEL);
	if (kd->header_version >= 6 && sub_blocks * bs >= KD_SUB_MAX_MAPNR64 + 8 &&
	    mem_get64(m, sub + KD_SUB_MAX_MAPNR64))
		kd->max_mapnr = mem_get64(m, sub + KD_SUB_MAX_MAPNR64);

	if (!bm_blocks || (bm_blocks & 1))
		return mem_why(why, -EINVAL, "bad bitmap size: %u blocks (must be even)", bm_blocks);
	bm_bytes = (uint64_t)bm_blocks * bs;
	kd->bm1 = (1 + (uint64_t)sub_blocks) * bs;
	if (kd->bm1 > size || size - kd->bm1 < bm_bytes)
		return mem_why(why, -EINVAL, "bitmaps (%u blocks at 0x%" PRIx64 ") run past the end "
			       "of the file", bm_blocks, kd->bm1);
	half = bm_bytes / 2;
	kd->bm2 = kd->bm1 + half;
	kd->desc_off = kd->bm1 + bm_bytes;
	/* bits past what the bitmap holds cannot mark pages: treat them as absent */
	kd->max_pfn = kd->max_mapnr < half * 8 ? kd->max_mapnr : half * 8;
	kd_scan(m);

	need = kd->ndumped * KD_DESC_SIZE;
	if (need / KD_DESC_SIZE != kd->ndumped || kd->desc_off > size ||
	    size - kd->desc_off < need) {
		if (!(kd->status & MEM_KDUMP_INCOMPLETE))
			return mem_why(why, -EINVAL, "descriptors of %" PRIu64 " pages at 0x%" PRIx64
				       " run past the end of the file (truncated?)",
				       kd->ndumped, kd->desc_off);
		m->warning = "incomplete dump: some page descriptors are missing";
	}

	if (kd->header_version >= 3) {
		uint64_t off = mem_get64(m, sub + KD_SUB_OFF_VMCI);
		uint64_t len = mem_get64(m, sub + KD_SUB_SIZE_VMCI);

		if (len && off <= size && size - off >= len)
			mem_set_vmcoreinfo_at(m, off, len);
		else if (len)
			m->warning = "the VMCOREINFO pointer of the sub-header is out of the file";
	}
	if (!m->vmcoreinfo && kd->header_version >= 4) {
		uint64_t off = mem_get64(m, sub + KD_SUB_OFF_NOTE);
		uint64_t len = mem_get64(m, sub + KD_SUB_SIZE_NOTE);

		if (len)
			mem_notes_scan(m, off, len);
	}
	return 0;
}

void mem_kdump_close(struct mem_source *m)
{
	struct mem_kdump *kd = m->kd;

	if (!kd)
		return;
	if (kd->slots)
		for (unsigned i = 0; i < kd->nsets * CACHE_WAYS; i++)
			free(kd->slots[i].buf);
	free(kd->slots);
	free(kd->rank);
	free(kd->zsrc);
#ifdef HAVE_ZLIB
	if (kd->zs_ready)
		inflateEnd(&kd->zs);
#endif
#ifdef HAVE_ZSTD
	/* libzstd is loaded only if a zstd page was read */
	if (kd->zd)
		ZSTD_freeDCtx(kd->zd);
#endif
	free(kd);
	m->kd = NULL;
}

/* ---- pages ---- */

static int kd_decompress(struct mem_source *m, unsigned flag, const uint8_t *src, uint64_t len,
			 uint8_t *dst, uint64_t pfn)
{
	struct mem_kdump *kd = m->kd;
	size_t bs = m->page_size;
	bool ok = false;

	(void)bs;
	(void)src;
	(void)len;
	(void)dst;

	/* a page of a compression the header did not declare */
	if (kd_comp_load(flag))
		return mem_fail(m, -ELIBACC, "page 0x%" PRIx64 ": %s", pfn << kd->shift, dlib_error());
	switch (flag) {
#ifdef HAVE_ZLIB
	case MEM_COMP_ZLIB:
		if (!kd->zs_ready) {
			if (inflateInit(&kd->zs) != Z_OK)
				return mem_fail(m, -ENOMEM, "zlib: cannot initialise");
			kd->zs_ready = true;
		} else {
			inflateReset(&kd->zs);
		}
		kd->zs.next_in = (Bytef *)(uintptr_t)src;
		kd->zs.avail_in = (uInt)len;
		kd->zs.next_out = dst;
		kd->zs.avail_out = (uInt)bs;
		ok = inflate(&kd->zs, Z_FINISH) == Z_STREAM_END && kd->zs.total_out == bs;
		break;
#endif
#ifdef HAVE_LZO2
	case MEM_COMP_LZO: {
		static bool lzo_ready;
		lzo_uint out = bs;

		if (!lzo_ready) {
			if (lzo_init() != LZO_E_OK)
				return mem_fail(m, -ENOMEM, "lzo: cannot initialise");
			lzo_ready = true;
		}
		ok = lzo1x_decompress_safe(src, (lzo_uint)len, dst, &out, NULL) == LZO_E_OK && out == bs;
		break;
	}
#endif
#ifdef HAVE_SNAPPY
	case MEM_COMP_SNAPPY: {
		size_t out = 0;

		ok = snappy_uncompressed_length((const char *)src, len, &out) == SNAPPY_OK && out == bs &&
		     snappy_uncompress((const char *)src, len, (char *)dst, &out) == SNAPPY_OK && out == bs;
		break;
	}
#endif
#ifdef HAVE_ZSTD
	case MEM_COMP_ZSTD: {
		size_t r;

		if (!kd->zd && !(kd->zd = ZSTD_createDCtx()))
			return mem_fail(m, -ENOMEM, "zstd: cannot initialise");
		r = ZSTD_decompressDCtx(kd->zd, dst, bs, src, len);
		ok = !ZSTD_isError(r) && r == bs;
		break;
	}
#endif
	default: {
		char name[16];

		mem_comp_names(flag, name, sizeof(name));
		return mem_fail(m, -EOPNOTSUPP, "page 0x%" PRIx64 " is %s-compressed and this build "
				"has no %s support", pfn << kd->shift, name, name);
	}
	}
	if (!ok) {
		char name[16];

		mem_comp_names(flag, name, sizeof(name));
		return mem_fail(m, -EIO, "page 0x%" PRIx64 ": corrupt %s data", pfn << kd->shift, name);
	}
	kd->comp_seen |= flag;
	return 0;
}

/* Load pfn (known dumped) into slot s. */
static int kd_load(struct mem_source *m, uint64_t pfn, struct kd_slot *s)
{
	struct mem_kdump *kd = m->kd;
	uint64_t pa = pfn << kd->shift, idx, d;
	uint64_t off, len;
	uint32_t flags;
	bool incomplete = kd->status & MEM_KDUMP_INCOMPLETE;
	int ret;

	/*
	 * The descriptor's index is the number of dumped pages below pfn: one
	 * more than the last one's when a walk reads page after page (pfn is
	 * dumped, and so was the one before it, looked up last).
	 */
	if (kd->rank_memo && pfn == kd->rank_next)
		idx = kd->rank_next_idx;
	else
		idx = kd_rank(m, pfn);
	kd->rank_memo = true;
	kd->rank_next = pfn + 1;
	kd->rank_next_idx = idx + 1;
	d = kd->desc_off + idx * KD_DESC_SIZE;
	if (d > mem_dsize(m) || mem_dsize(m) - d < KD_DESC_SIZE)
		return incomplete ? mem_fail(m, -ENODATA, "page 0x%" PRIx64 " was lost: the dump is "
					     "incomplete", pa)
				  : mem_fail(m, -EIO, "page 0x%" PRIx64 ": descriptor past the end of "
					     "the file", pa);
	if (!m->flat)   /* (the flattened reader notes its own touches) */
		mem_touch(m, d, KD_DESC_SIZE);
	off = mem_get64(m, d);
	len = mem_get32(m, d + 8);
	flags = mem_get32(m, d + 12);
	if (incomplete && (!off || !len))
		return mem_fail(m, -ENODATA, "page 0x%" PRIx64 " was lost: the dump is incomplete", pa);
	if (!len || off > mem_dsize(m) || mem_dsize(m) - off < len)
		return incomplete ? mem_fail(m, -ENODATA, "page 0x%" PRIx64 " was lost: the dump is "
					     "incomplete", pa)
				  : mem_fail(m, -EIO, "page 0x%" PRIx64 ": data (0x%" PRIx64 "+0x%" PRIx64
					     ") out of the file", pa, off, len);
	if (flags & ~MEM_COMP_MASK || __builtin_popcount(flags) > 1)
		return mem_fail(m, -EIO, "page 0x%" PRIx64 ": unknown page flags 0x%x", pa, flags);
	if (!m->flat) {
		mem_touch(m, off, len);
	} else if (flags && len > 2ull * m->page_size) {
		/* no compressor makes a page bigger: QEMU and makedumpfile store it raw then */
		return mem_fail(m, -EIO, "page 0x%" PRIx64 ": 0x%" PRIx64 " bytes of compressed "
				"data for a page of 0x%x", pa, len, m->page_size);
	}
	if (!flags) {
		if (len != m->page_size)
			return mem_fail(m, -EIO, "page 0x%" PRIx64 ": uncompressed but 0x%" PRIx64
					" bytes long", pa, len);
		if (m->flat && !s->buf)
			s->buf = xmalloc(m->page_size);
		s->data = mem_bytes(m, off, (size_t)len, s->buf);
		return 0;
	}
	if (!s->buf)
		s->buf = xmalloc(m->page_size);
	if (m->flat && !kd->zsrc)
		kd->zsrc = xmalloc(2ull * m->page_size);
	s->data = NULL;
	ret = kd_decompress(m, flags, mem_bytes(m, off, (size_t)len, kd->zsrc), len, s->buf, pfn);
	if (ret)
		return ret;
	s->data = s->buf;
	return 0;
}

static struct kd_slot *kd_set(struct mem_kdump *kd, uint64_t pfn)
{
	return &kd->slots[(pfn * 0x9e3779b1u >> 7) % kd->nsets * CACHE_WAYS];
}

static bool kd_cached(struct mem_source *m, uint64_t pfn)
{
	struct kd_slot *set;

	if (!m->kd->slots)
		return false;
	set = kd_set(m->kd, pfn);
	for (unsigned w = 0; w < CACHE_WAYS; w++)
		if (set[w].stamp && set[w].pfn == pfn)
			return true;
	return false;
}

static int kd_page(struct mem_source *m, uint64_t pfn, const uint8_t **data)
{
	struct mem_kdump *kd = m->kd;
	struct kd_slot *set, *victim;
	int ret;

	if (!kd->slots) {
		unsigned n = CACHE_BYTES / m->page_size;

		if (n > 256)
			n = 256;
		if (n < 2 * CACHE_WAYS)
			n = 2 * CACHE_WAYS;
		kd->nsets = n / CACHE_WAYS;
		kd->slots = xcalloc((size_t)kd->nsets * CACHE_WAYS, sizeof(*kd->slots));
	}
	set = kd_set(kd, pfn);
	victim = &set[0];
	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		if (set[w].stamp && set[w].pfn == pfn) {
			set[w].stamp = ++kd->clock;
			m->cache_hits++;
			*data = set[w].data;
			return 0;
		}
		if (set[w].stamp < victim->stamp)
			victim = &set[w];
	}
	m->cache_misses++;
	victim->stamp = 0;
	ret = kd_load(m, pfn, victim);
	if (ret)
		return ret;
	victim->pfn = pfn;
	victim->stamp = ++kd->clock;
	*data = victim->data;
	return 0;
}

static bool bm_bit(struct mem_source *m, uint64_t bm, uint64_t pfn)
{
	uint8_t tmp;

	return *mem_bytes(m, bm + pfn / 8, 1, &tmp) >> (pfn % 8) & 1;
}

long mem_kdump_read(struct mem_source *m, uint64_t pa, uint8_t *buf, size_t len)
{
	struct mem_kdump *kd = m->kd;
	uint64_t pfn = pa >> kd->shift, in = pa & (m->page_size - 1), n = m->page_size - in;
	const uint8_t *page;
	int ret;

	if (pfn >= kd->max_pfn)
		return mem_fail(m, -ENXIO, "physical address 0x%" PRIx64 " is beyond the dump's last "
				"page frame (0x%" PRIx64 ")", pa, kd->max_pfn);
	if (!bm_bit(m, kd->bm2, pfn)) {
		if (bm_bit(m, kd->bm1, pfn))
			return mem_fail(m, -ENODATA, "physical address 0x%" PRIx64 " was excluded "
					"from the dump (dump level %u)", pa, kd->dump_level);
		return mem_fail(m, -ENXIO, "physical address 0x%" PRIx64 " is not in the dump", pa);
	}
	if (!in && len >= m->page_size && !kd_cached(m, pfn)) {
		/*
		 * A whole page not in the cache (a walker reading table after
		 * table): decompressed straight into the caller's buffer, not
		 * into the cache and copied from there. Small reads of it later
		 * load it into the cache.
		 */
		struct kd_slot direct = { .buf = buf };

		m->cache_misses++;
		ret = kd_load(m, pfn, &direct);
		if (ret)
			return ret;
		if (direct.data != buf)
			memcpy(buf, direct.data, m->page_size);
		return (long)m->page_size;
	}
	ret = kd_page(m, pfn, &page);
	if (ret)
		return ret;
	if (n > len)
		n = len;
	memcpy(buf, page + in, n);
	return (long)n;
}

/* ---- ranges and info ---- */

/* First pfn >= p whose bit in (data or excl, as chosen) equals want; max_pfn if none. */
static uint64_t kd_next(struct mem_source *m, uint64_t p, int which, bool want)
{
	uint64_t maxp = m->kd->max_pfn;

	while (p < maxp) {
		uint64_t d, x, w, bits;

		bm_words(m, p / 64, &d, &x);
		w = which == 0 ? d : which == 1 ? x : (d | x);
		bits = (want ? w : ~w) >> (p % 64);
		if (bits) {
			p += (uint64_t)__builtin_ctzll(bits);
			return p < maxp ? p : maxp;
		}
		p = (p | 63) + 1;
	}
	return maxp;
}

/* The first pfn of the run of (data or excl) bits that p is in. */
static uint64_t kd_run_start(struct mem_source *m, uint64_t p, int which)
{
	while (p) {
		uint64_t d, x, w, below;
		unsigned bit = (unsigned)(p % 64);

		bm_words(m, p / 64, &d, &x);
		w = which == 0 ? d : x;
		/* bits below p in this word that are clear */
		below = ~w & (bit ? (1ull << bit) - 1 : 0);
		if (below)
			return p - bit + 64 - (uint64_t)__builtin_clzll(below);
		if (bit) {
			p -= bit;
			continue;
		}
		if (!(bm_word(m, which == 0 ? m->kd->bm2 : m->kd->bm1, p / 64 - 1) >> 63 & 1) ||
		    (which == 1 && bm_word(m, m->kd->bm2, p / 64 - 1) >> 63 & 1))
			return p;
		p--;
	}
	return 0;
}

int mem_kdump_range_next(struct mem_source *m, uint64_t pa, struct mem_range *r)
{
	struct mem_kdump *kd = m->kd;
	uint64_t p = pa >> kd->shift, end;
	bool data;

	p = kd_next(m, p, 2, true);
	if (p >= kd->max_pfn)
		return -ENOENT;
	data = bm_bit(m, kd->bm2, p);
	end = kd_next(m, p, data ? 0 : 1, false);
	p = kd_run_start(m, p, data ? 0 : 1);
	*r = (struct mem_range){
		.start = p << kd->shift, .end = end << kd->shift,
		.kind = data ? MEM_RANGE_DATA : MEM_RANGE_EXCLUDED,
		.file_offset = data ? kd->desc_off + kd_rank(m, p) * KD_DESC_SIZE : 0,
		.segment = -1,
	};
	return 0;
}

void mem_kdump_info(struct mem_source *m, struct mem_info *out)
{
	struct mem_kdump *kd = m->kd;

	out->nr_data_ranges = kd->data_runs;
	out->nr_excluded_ranges = kd->excl_runs;
	out->data_bytes = kd->data_pages << kd->shift;
	out->excluded_bytes = kd->excl_pages << kd->shift;
	if (kd->data_pages + kd->excl_pages) {
		out->pa_min = kd->pfn_lo << kd->shift;
		out->pa_end = kd->pfn_hi << kd->shift;
	}
	out->comp_declared = kd->status & MEM_COMP_MASK;
	out->comp_seen = kd->comp_seen;
	out->incomplete = kd->status & MEM_KDUMP_INCOMPLETE;
	out->excluded_vmemmap = kd->status & MEM_KDUMP_EXCL_VMEMMAP;
	out->header_version = kd->header_version;
	out->dump_level = kd->dump_level;
	out->phys_base = kd->phys_base;
	out->max_pfn = kd->max_mapnr;
	if (m->flat) {
		out->flattened = true;
		out->flat_records = m->flat->nrec;
		out->flat_extents = m->flat->n;
		out->flat_size = m->flat->lsize;
	}
}
