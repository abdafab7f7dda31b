/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * makedumpfile's flattened format, read in place: the stream that QEMU's
 * dump-guest-memory kdump-zlib/-lzo/-snappy (QEMU up to 8.1 always, later
 * on request) and `makedumpfile -F` write. After a 4096-byte header
 * (signature "makedumpfile", type 1 and version 1 as big-endian int64s)
 * come records {offset, size: big-endian int64; size bytes of data}, each
 * the bytes of the kdump-compressed file at that offset, and a terminator
 * {-1, -1}. Layout facts: formats.md section 9.2.
 *
 * One pass over the record headers builds an index of extents of the
 * reassembled ("logical") file, sorted and without overlaps (a later
 * record wins over the bytes of an earlier one, as when the stream is
 * replayed by makedumpfile -R); the kdump reader then reads the logical
 * file through mem_flat_ptr()/mem_flat_copy(), from the mapping of the
 * flattened file itself. Bytes no record wrote read as zeros, as in the
 * sparse file makedumpfile -R would write.
 *
 * Bounds: the index holds at most one extent per record that carries
 * data (empty records are skipped), and at most MEM_FLAT_MAX_EXT plus one
 * per 4 KiB of file: a real stream (QEMU writes 16 KiB records,
 * makedumpfile buffers whole pages) stays far below that, a stream of
 * tiny records is refused with a reason rather than indexed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/dump/mem_priv.h"
#include "core/util.h"

#define FLAT_HDR_SIZE      4096u
#define FLAT_SIG_LEN       16u
#define FLAT_TYPE          1u
#define FLAT_VERSION       1u
#define FLAT_REC_HDR       16u
#define MEM_FLAT_MAX_EXT   (1u << 20)

struct flat_rec {
	uint64_t loff, len, foff;  /* logical offset, length, file offset of the data */
	uint64_t seq;              /* position in the stream: later wins */
};

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

bool mem_flat_detect(const struct mem_source *m)
{
	return m->size >= 12 && !memcmp(m->base, "makedumpfile", 12);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct flat_rec *x = a, *y = b;

	if (x->loff != y->loff)
		return x->loff < y->loff ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---- overlapping records: the latest one wins each byte ---- */

/* a max-heap of record indexes keyed by seq */
struct heap {
	size_t *v;
	size_t n;
};

static void heap_push(struct heap *h, const struct flat_rec *r, size_t i)
{
	size_t k = h->n++;

	h->v[k] = i;
	while (k && r[h->v[(k - 1) / 2]].seq < r[h->v[k]].seq) {
		size_t p = (k - 1) / 2, t = h->v[p];

		h->v[p] = h->v[k];
		h->v[k] = t;
		k = p;
	}
}

static void heap_pop(struct heap *h, const struct flat_rec *r)
{
	size_t k = 0;

	h->v[0] = h->v[--h->n];
	for (;;) {
		size_t l = 2 * k + 1, big = k, t;

		if (l < h->n && r[h->v[l]].seq > r[h->v[big]].seq)
			big = l;
		if (l + 1 < h->n && r[h->v[l + 1]].seq > r[h->v[big]].seq)
			big = l + 1;
		if (big == k)
			return;
		t = h->v[big];
		h->v[big] = h->v[k];
		h->v[k] = t;
		k = big;
	}
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * r[0..n) sorted by loff, some overlapping: the extents of the bytes each
 * latest record wrote, into *out (sorted, disjoint, adjacent pieces of one
 * record merged). A sweep over the 2n boundaries with a heap of the
 * records covering the current piece: O(n log n).
 */
static size_t resolve_overlaps(const struct flat_rec *r, size_t n, struct flat_rec **out)
{
	uint64_t *pts = xcalloc(2 * n, sizeof(*pts));
	struct heap h = { xcalloc(n, sizeof(size_t)), 0 };
	struct flat_rec *ext = xcalloc(2 * n, sizeof(*ext));
	size_t np = 0, ne = 0, next = 0;

	for (size_t i = 0; i < n; i++) {
		pts[np++] = r[i].loff;
		pts[np++] = r[i].loff + r[i].len;
	}
	qsort(pts, np, sizeof(*pts), u64_cmp);
	for (size_t p = 0; p + 1 < np; p++) {
		uint64_t a = pts[p], b = pts[p + 1];
		const struct flat_rec *w;

		if (a == b)
			continue;
		while (next < n && r[next].loff <= a)
			heap_push(&h, r, next++);
		/* drop the records that end at or before a (lazily: only from the top) */
		while (h.n && r[h.v[0]].loff + r[h.v[0]].len <= a)
			heap_pop(&h, r);
		if (!h.n)
			continue;
		w = &r[h.v[0]];
		if (ne && ext[ne - 1].seq == w->seq && ext[ne - 1].loff + ext[ne - 1].len == a) {
			ext[ne - 1].len += b - a;
			continue;
		}
		ext[ne++] = (struct flat_rec){ a, b - a, w->foff + (a - w->loff), w->seq };
	}
	free(pts);
	free(h.v);
	*out = ext;
	return ne;
}

/*
 * The record headers are read with pread(), not through the mapping: only
 * the pages that hold them are read, never the data between them, and
 * nothing of the file stays in our RSS. After a small record the next
 * header is likely near: a page is read at once.
 */
struct hdr_reader {
	uint8_t buf[4096];
	uint64_t at;
	size_t n;
};

static int hdr_at(struct mem_source *m, struct hdr_reader *h, uint64_t pos, bool near,
		  const uint8_t **p)
{
	size_t want = near ? sizeof(h->buf) : FLAT_REC_HDR;
	ssize_t got;

	if (pos >= h->at && pos - h->at + FLAT_REC_HDR <= h->n) {
		*p = h->buf + (pos - h->at);
		return 0;
	}
	if (want > m->size - pos)
		want = (size_t)(m->size - pos);
	do
		got = pread(m->fd, h->buf, want, (off_t)pos);
	while (got < 0 && errno == EINTR);
	if (got < (ssize_t)FLAT_REC_HDR)
		return got < 0 ? -errno : -ESTALE;
	h->at = pos;
	h->n = (size_t)got;
	*p = h->buf;
	return 0;
}

int mem_flat_index(struct mem_source *m, char **why)
{
	struct hdr_reader *hr;
	struct mem_flat *f;
	struct flat_rec *r = NULL;
	size_t n = 0, cap = 0, max_ext;
	uint64_t pos = FLAT_HDR_SIZE, seq = 0, lsize = 0, type, version;
	bool overlap = false, ended = false;

	if (m->size < FLAT_HDR_SIZE)
		return mem_why(why, -EINVAL, "flattened dump: truncated header (%" PRIu64 " of %u bytes)",
			       m->size, FLAT_HDR_SIZE);
	for (unsigned i = 12; i < FLAT_SIG_LEN; i++)
		if (m->base[i])
			return mem_why(why, -EINVAL, "flattened dump: bad signature");
	type = be64_at(m->base + FLAT_SIG_LEN);
	version = be64_at(m->base + FLAT_SIG_LEN + 8);
	if (type != FLAT_TYPE || version != FLAT_VERSION)
		return mem_why(why, -EINVAL, "flattened dump: type %" PRIu64 ", version %" PRIu64
			       " (only type 1, version 1 exists)", type, version);
	max_ext = MEM_FLAT_MAX_EXT + (size_t)(m->size / 4096);
	hr = xcalloc(1, sizeof(*hr));
	while (m->size - pos >= FLAT_REC_HDR) {
		uint64_t off, len;
		const uint8_t *h = NULL;
		int err = hdr_at(m, hr, pos, !n || r[n - 1].len < sizeof(hr->buf), &h);

		if (err) {
			free(r);
			free(hr);
			return mem_why(why, err == -ESTALE ? -ESTALE : -EIO, "flattened dump: cannot read the "
				       "record header at file offset 0x%" PRIx64 ": %s", pos,
				       err == -ESTALE ? "the file shrank" : strerror(-err));
		}
		off = be64_at(h);
		len = be64_at(h + 8);
		if (off == UINT64_MAX && len == UINT64_MAX) {
			ended = true;
			pos += FLAT_REC_HDR;
			break;
		}
		if (off >> 63 || len >> 63 || (off + len) >> 63) {
			free(r);
			free(hr);
			return mem_why(why, -EINVAL, "flattened dump: bad record header at file offset 0x%"
				       PRIx64 " (offset 0x%" PRIx64 ", size 0x%" PRIx64 ")", pos, off, len);
		}
		if (len > m->size - pos - FLAT_REC_HDR) {
			free(r);
			free(hr);
			return mem_why(why, -EINVAL, "flattened dump: the record at file offset 0x%" PRIx64
				       " (0x%" PRIx64 " bytes) runs past the end of the file (truncated?)",
				       pos, len);
		}
		if (len) {
			if (n == max_ext) {
				free(r);
				free(hr);
				return mem_why(why, -E2BIG, "flattened dump: more than %zu records carry data, "
					       "too many to index; reassemble it: makedumpfile -R OUTFILE < FILE",
					       max_ext);
			}
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				r = xrealloc(r, cap * sizeof(*r));
			}
			r[n] = (struct flat_rec){ off, len, pos + FLAT_REC_HDR, seq++ };
			if (off + len > lsize)
				lsize = off + len;
			n++;
		}
		pos += FLAT_REC_HDR + len;
	}
	free(hr);
	if (!n) {
		free(r);
		return mem_why(why, -EINVAL, "flattened dump: no record carries data");
	}
	/*
	 * The reassembled file is dense (every writer sends the headers, the
	 * bitmaps, the descriptors and the pages): a stream whose records
	 * claim a file much larger than itself would make the bitmaps and
	 * descriptors come from holes, and the passes over them as long as
	 * the claim.
	 */
	if (lsize > 2 * m->size + (1u << 20)) {
		free(r);
		return mem_why(why, -EINVAL, "flattened dump: its records place data up to offset 0x%"
			       PRIx64 " of the reassembled file, far beyond what a %" PRIu64 "-byte "
			       "stream can fill", lsize, m->size);
	}
	qsort(r, n, sizeof(*r), rec_cmp);
	for (size_t i = 1; i < n && !overlap; i++)
		overlap = r[i].loff < r[i - 1].loff + r[i - 1].len;
	f = xcalloc(1, sizeof(*f));
	f->nrec = seq;
	if (overlap) {
		f->n = resolve_overlaps(r, n, &f->ext);
		free(r);
	} else {
		f->ext = r;
		f->n = n;
	}
	f->lsize = lsize;
	f->trailing = m->size - pos;
	if (!ended)
		m->warning = "flattened dump without its end marker (cut short?): read as far as it goes";
	else if (f->trailing)
		m->warning = "flattened dump: bytes after the end marker are ignored";
	m->flat = f;
	return 0;
}

void mem_flat_close(struct mem_source *m)
{
	if (!m->flat)
		return;
	free(m->flat->ext);
	free(m->flat);
	m->flat = NULL;
}

/* the extent holding logical offset off, or the first after it (n: none) */
static size_t flat_find(struct mem_flat *f, uint64_t off)
{
	size_t lo = 0, hi = f->n;
	const struct flat_rec *h = &f->ext[f->hint < f->n ? f->hint : 0];

	if (off >= h->loff && off - h->loff < h->len)
		return f->hint;
	if (f->hint + 1 < f->n && off >= h[1].loff && off - h[1].loff < h[1].len)
		return ++f->hint;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->ext[mid].loff + f->ext[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->n)
		f->hint = lo;
	return lo;
}

void mem_flat_copy(struct mem_source *m, uint64_t off, uint8_t *buf, size_t len)
{
	struct mem_flat *f = m->flat;

	while (len) {
		size_t i = flat_find(f, off), n;
		const struct flat_rec *e = i < f->n ? &f->ext[i] : NULL;

		if (!e || off < e->loff) {
			/* a hole: zeros up to the next extent */
			uint64_t gap = e ? e->loff - off : len;

			n = gap < len ? (size_t)gap : len;
			memset(buf, 0, n);
		} else {
			uint64_t in = off - e->loff, avail = e->len - in;

			n = avail < len ? (size_t)avail : len;
			mem_touch(m, e->foff + in, n);
			memcpy(buf, m->base + e->foff + in, n);
		}
		buf += n;
		off += n;
		len -= n;
	}
}

const uint8_t *mem_flat_ptr(struct mem_source *m, uint64_t off, size_t len, uint8_t *scratch)
{
	struct mem_flat *f = m->flat;
	size_t i = flat_find(f, off);

	if (i < f->n && off >= f->ext[i].loff && f->ext[i].len - (off - f->ext[i].loff) >= len) {
		uint64_t fo = f->ext[i].foff + (off - f->ext[i].loff);

		mem_touch(m, fo, len);
		return m->base + fo;
	}
	mem_flat_copy(m, off, scratch, len);
	return scratch;
}
