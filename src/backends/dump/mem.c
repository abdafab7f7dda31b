/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory sources, the common part: open and format detection by magic,
 * the read loop that stitches reads across pages and segments, the sorted
 * range map ELF and raw sources share, ELF note scanning for VMCOREINFO,
 * the info/range queries, and the SIGBUS handler that turns a file failing
 * under its mapping into an error.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/dump/mem_priv.h"
#include "core/util.h"

int mem_why(char **why, int err, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	if (why && !*why) {
		va_start(ap, fmt);
		if (vasprintf(&s, fmt, ap) < 0)
			s = NULL;
		va_end(ap);
		*why = s;
	}
	return err;
}

int mem_fail(struct mem_source *m, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->fault_why, sizeof(m->fault_why), fmt, ap);
	va_end(ap);
	m->fault.err = err;
	m->fault.why = m->fault_why;
	return err;
}

/* ---- a file failing under the mapping ---- */

/*
 * A mapped file that shrinks, or whose page the kernel cannot read (an I/O
 * error of NFS, FUSE or a disk), raises SIGBUS on the access, which kills
 * the process unless handled. The handler maps a zero page over the
 * faulting page of the source's mapping and notes the file offset; the
 * access then completes (reading zeros) and the operation that made it
 * checks the note before it returns (mem_bus_check): the answer is
 * -ESTALE, and every later one too. So the read path costs one flag test:
 * no sigsetjmp per read, and no jump out of the middle of a memcpy or of
 * zlib or zstd (whose state would be left half-updated). mmap() in a
 * handler is a plain system call on Linux, like the sigaction() and
 * raise() that POSIX lists as async-signal-safe.
 *
 * The handler is installed while a source is open and finds the source by
 * the address (mem_live, changed only outside accesses to the mappings).
 * A SIGBUS of another mapping, or one sent by kill(2), goes to the
 * disposition that was there before: it is put back, and the access
 * faults again (or the signal is raised again) into it.
 */
static struct mem_source *mem_live;
static struct sigaction mem_bus_prev;
static uintptr_t mem_page_mask;

static void mem_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	int saved = errno;

	(void)uc;
	for (struct mem_source *m = si->si_code > 0 ? mem_live : NULL; m; m = m->live_next) {
		if (a - (uintptr_t)m->base >= m->size)
			continue;
		if (mmap((void *)(a & ~mem_page_mask), mem_page_mask + 1, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		if (!m->bus_fault) {
			m->bus_off = a - (uintptr_t)m->base;
			m->bus_fault = 1;
		}
		errno = saved;
		return;
	}
	sigaction(SIGBUS, &mem_bus_prev, NULL);
	if (si->si_code <= 0)
		raise(sig);
	errno = saved;
}

/* m is mapped: make the handler know it (installed with the first source). */
static void mem_live_add(struct mem_source *m)
{
	struct sigaction cur, sa = { .sa_sigaction = mem_sigbus, .sa_flags = SA_SIGINFO };

	/* another handler may have replaced ours since (a test harness does) */
	if (!sigaction(SIGBUS, NULL, &cur) && !((cur.sa_flags & SA_SIGINFO) &&
						cur.sa_sigaction == mem_sigbus)) {
		mem_page_mask = (uintptr_t)sysconf(_SC_PAGESIZE) - 1;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, &mem_bus_prev);
	}
	m->live_next = mem_live;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	mem_live = m;
}

/* Before m's mapping goes: the last source puts the previous handler back. */
static void mem_live_del(struct mem_source *m)
{
	struct sigaction cur;

	for (struct mem_source **p = &mem_live; *p; p = &(*p)->live_next)
		if (*p == m) {
			*p = m->live_next;
			break;
		}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (!mem_live && !sigaction(SIGBUS, NULL, &cur) && (cur.sa_flags & SA_SIGINFO) &&
	    cur.sa_sigaction == mem_sigbus)
		sigaction(SIGBUS, &mem_bus_prev, NULL);
}

int mem_bus_check(struct mem_source *m, uint64_t pa, int err)
{
	/* read the handler's note after the accesses it is about */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (__builtin_expect(!m->bus_fault, 1))
		return err;
	mem_fail(m, -ESTALE, "the file changed or could not be read at offset 0x%" PRIx64
		 " (it was 0x%" PRIx64 " bytes long when opened)", (uint64_t)m->bus_off, m->size);
	m->fault.pa = pa;
	return -ESTALE;
}

void mem_touch_slow(struct mem_source *m, uint64_t win)
{
	unsigned victim = 0;

	for (unsigned i = 0; i < MEM_NWIN; i++) {
		if (m->win[i] == win + 1) {
			m->win_stamp[i] = ++m->win_clock;
			m->win_cur = win + 1;
			return;
		}
		if (m->win_stamp[i] < m->win_stamp[victim])
			victim = i;
	}
	if (m->win[victim]) {
		uint64_t off = (m->win[victim] - 1) << MEM_WIN_SHIFT;
		uint64_t len = m->size - off < (1ull << MEM_WIN_SHIFT) ? m->size - off
									 : 1ull << MEM_WIN_SHIFT;

		/* best effort: on failure the pages just stay resident */
		(void)madvise((void *)(m->base + off), (size_t)len, MADV_DONTNEED);
	}
	m->win[victim] = win + 1;
	m->win_stamp[victim] = ++m->win_clock;
	m->win_cur = win + 1;
#ifdef MADV_POPULATE_READ
	{
		uint64_t off = win << MEM_WIN_SHIFT;
		uint64_t len = m->size - off < (1ull << MEM_WIN_SHIFT) ? m->size - off : 1ull << MEM_WIN_SHIFT;

		/*
		 * Map the window's pages in one call (Linux 5.14+), not one fault
		 * every 16 pages as the reads reach them: a walk reads a table in
		 * place once, and the prefetch of the next one (mem_peek) is
		 * dropped on a page not yet mapped. Best effort: an older kernel
		 * says EINVAL, a page past a shrunk file's end is left to fault
		 * (SIGBUS, mem_bus_check) as before.
		 */
		if (off < m->size)
			(void)madvise((void *)(m->base + off), (size_t)len, MADV_POPULATE_READ);
	}
#endif
}

uint16_t mem_get16(struct mem_source *m, uint64_t off)
{
	uint8_t tmp[2];
	const uint8_t *p = mem_bytes(m, off, sizeof(tmp), tmp);

	return m->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

uint32_t mem_get32(struct mem_source *m, uint64_t off)
{
	uint8_t tmp[4];
	const uint8_t *p = mem_bytes(m, off, sizeof(tmp), tmp);
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[i] << (m->be ? 8 * (3 - i) : 8 * i);
	return v;
}

uint64_t mem_get64(struct mem_source *m, uint64_t off)
{
	uint8_t tmp[8];
	const uint8_t *p = mem_bytes(m, off, sizeof(tmp), tmp);
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (m->be ? 8 * (7 - i) : 8 * i);
	return v;
}

const char *mem_format_name(enum mem_format f)
{
	switch (f) {
	case MEM_FMT_ELF: return "elf";
	case MEM_FMT_KDUMP: return "kdump";
	case MEM_FMT_RAW: return "raw";
	default: return "auto";
	}
}

void mem_comp_names(unsigned flags, char *buf, size_t len)
{
	static const struct { unsigned bit; const char *name; } t[] = {
		{ MEM_COMP_ZLIB, "zlib" }, { MEM_COMP_LZO, "lzo" },
		{ MEM_COMP_SNAPPY, "snappy" }, { MEM_COMP_ZSTD, "zstd" },
	};
	size_t at = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (!(flags & t[i].bit))
			continue;
		int n = snprintf(buf + at, len - at, "%s%s", at ? "," : "", t[i].name);

		if (n < 0 || (size_t)n >= len - at) {
			buf[at] = '\0';
			return;
		}
		at += (size_t)n;
	}
	if (!at)
		snprintf(buf, len, "none");
}

/* ---- VMCOREINFO ---- */

void mem_set_vmcoreinfo(struct mem_source *m, const uint8_t *p, uint64_t len)
{
	if (m->vmcoreinfo)
		return;
	while (len && p[len - 1] == '\0')
		len--;
	m->vmcoreinfo = xstrndup((const char *)p, len);
	m->vmcoreinfo_len = strlen(m->vmcoreinfo);
}

void mem_set_vmcoreinfo_at(struct mem_source *m, uint64_t off, uint64_t len)
{
	uint8_t *buf;

	if (!m->flat) {
		mem_set_vmcoreinfo(m, m->base + off, len);
		return;
	}
	/* copied out of the stream: a sane size only (the kernel's is one page) */
	if (len > MEM_VMCOREINFO_MAX) {
		m->warning = "the VMCOREINFO note is implausibly large; ignored";
		return;
	}
	buf = xmalloc(len ? len : 1);
	mem_flat_copy(m, off, buf, len);
	mem_set_vmcoreinfo(m, buf, len);
	free(buf);
}

void mem_notes_scan(struct mem_source *m, uint64_t off, uint64_t len)
{
	uint64_t end;
	uint8_t name_buf[10];

	if (off > mem_dsize(m) || len > mem_dsize(m) - off) {
		m->warning = "the note segment runs past the end of the file; notes ignored";
		return;
	}
	end = off + len;
	while (end - off >= sizeof(Elf64_Nhdr)) {
		uint64_t namesz = mem_get32(m, off + offsetof(Elf64_Nhdr, n_namesz));
		uint64_t descsz = mem_get32(m, off + offsetof(Elf64_Nhdr, n_descsz));
		uint64_t name = off + sizeof(Elf64_Nhdr);
		uint64_t desc = name + ((namesz + 3) & ~3ull);
		uint64_t next = desc + ((descsz + 3) & ~3ull);

		if (desc > end || next > end || next <= off) {
			m->warning = "a malformed ELF note; the notes after it are ignored";
			return;
		}
		/* the kernel's VMCOREINFO_NOTE_NAME (crash_core.h, in no uapi header), with or without its NUL */
		if ((namesz == 11 || namesz == 10) &&
		    !memcmp(mem_bytes(m, name, sizeof(name_buf), name_buf), "VMCOREINFO", 10))
			mem_set_vmcoreinfo_at(m, desc, descsz);
		off = next;
	}
}

const char *mem_vmcoreinfo_lookup(const struct mem_source *m, const char *key, size_t *len)
{
	const char *p = m->vmcoreinfo;
	size_t kl = strlen(key);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);

		if (ll > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			if (len)
				*len = ll - kl - 1;
			return p + kl + 1;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* ---- the range map (ELF, raw) ---- */

static int map_ent_cmp(const void *a, const void *b)
{
	const struct mem_map_ent *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seg < y->seg ? -1 : x->seg > y->seg;
}

/* Sort, and clip each entry to what the ones before it left uncovered. */
static size_t map_clip(struct mem_map_ent *e, size_t n, uint64_t *overlap)
{
	uint64_t covered = 0;
	size_t out = 0;
	bool any = false;

	qsort(e, n, sizeof(*e), map_ent_cmp);
	for (size_t i = 0; i < n; i++) {
		struct mem_map_ent x = e[i];

		if (any && x.start < covered) {
			uint64_t cut = (x.end < covered ? x.end : covered) - x.start;

			*overlap += cut;
			x.start += cut;
			x.off += cut;
		}
		if (x.start >= x.end)
			continue;
		e[out++] = x;
		covered = x.end;
		any = true;
	}
	return out;
}

int mem_map_build(struct mem_source *m, struct mem_map_ent *ents, size_t n, char **why)
{
	struct mem_map_ent *data, *excl, *out;
	size_t nd = 0, nx = 0, no = 0, j = 0;
	uint64_t ignored = 0;

	data = xcalloc(n ? n : 1, sizeof(*data));
	excl = xcalloc(n ? n : 1, sizeof(*excl));
	for (size_t i = 0; i < n; i++) {
		if (ents[i].excluded)
			excl[nx++] = ents[i];
		else
			data[nd++] = ents[i];
	}
	free(ents);
	nd = map_clip(data, nd, &m->overlap_bytes);
	nx = map_clip(excl, nx, &ignored);

	/*
	 * excluded pieces only fill the gaps between data: captured bytes win.
	 * An excluded range gives a piece before each data range that starts
	 * inside it, and one after the last: at most nd + nx pieces in all
	 * (the ranges of each kind are disjoint), and the nd data ranges.
	 */
	out = xcalloc(2 * nd + nx + 1, sizeof(*out));
	for (size_t i = 0; i < nx; i++) {
		uint64_t s = excl[i].start, e = excl[i].end;

		while (j < nd && data[j].end <= s)
			j++;
		for (size_t k = j; k < nd && data[k].start < e && s < e; k++) {
			if (data[k].start > s) {
				out[no] = excl[i];
				out[no].start = s;
				out[no++].end = data[k].start;
			}
			if (data[k].end > s)
				s = data[k].end;
		}
		if (s < e) {
			out[no] = excl[i];
			out[no].start = s;
			out[no++].end = e;
		}
	}
	memcpy(out + no, data, nd * sizeof(*data));
	no += nd;
	free(data);
	free(excl);
	qsort(out, no, sizeof(*out), map_ent_cmp);
	m->map = out;
	m->nmap = no;
	(void)why;
	return 0;
}

/* Index of the entry containing pa, or of the first one above it (nmap if none). */
static size_t map_find(struct mem_source *m, uint64_t pa)
{
	size_t lo = 0, hi = m->nmap;

	if (m->hint < m->nmap && m->map[m->hint].start <= pa && pa < m->map[m->hint].end)
		return m->hint;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->map[mid].end <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long mem_map_read(struct mem_source *m, uint64_t pa, uint8_t *buf, size_t len)
{
	const struct mem_map_ent *e = m->map + m->hint;
	uint64_t n, off, wend;

	/* most reads land in the entry the last one did */
	if (__builtin_expect(m->hint >= m->nmap || pa < e->start || pa >= e->end, 0)) {
		size_t i = map_find(m, pa);

		if (i == m->nmap || m->map[i].start > pa)
			return mem_fail(m, -ENXIO, "physical address 0x%" PRIx64 " is not in the dump", pa);
		m->hint = i;
		e = &m->map[i];
	}
	if (e->excluded)
		return mem_fail(m, -ENODATA, "physical address 0x%" PRIx64 " was not captured "
				"(segment %" PRId64 " has p_memsz > p_filesz)", pa, e->seg);
	n = e->end - pa;
	if (n > len)
		n = len;
	off = e->off + (pa - e->start);
	/* stop at the window's end: the caller's loop goes on in the next one */
	wend = ((off >> MEM_WIN_SHIFT) + 1) << MEM_WIN_SHIFT;
	if (n > wend - off)
		n = wend - off;
	mem_touch(m, off, n);
	memcpy(buf, m->base + off, n);
	/*
	 * Walkers read table after table upwards: start pulling the next
	 * bytes (as many as this read, up to a page, not past this window and
	 * entry) into the cache while the caller works on these. Hardware
	 * prefetchers stop at 4 KiB boundaries, so a 4 KiB read otherwise
	 * begins with a full memory latency.
	 */
	if (n <= 4096 && pa + n < e->end) {
		uint64_t pn = e->end - (pa + n), w = wend - (off + n);

		if (pn > n)
			pn = n;
		if (pn > w)
			pn = w;
		for (uint64_t i = 0; i < pn; i += 64)
			__builtin_prefetch(m->base + off + n + i);
	}
	return (long)n;
}

int mem_map_range_next(struct mem_source *m, uint64_t pa, struct mem_range *r)
{
	size_t i = map_find(m, pa);
	const struct mem_map_ent *e;

	if (i == m->nmap)
		return -ENOENT;
	e = &m->map[i];
	*r = (struct mem_range){
		.start = e->start, .end = e->end,
		.kind = e->excluded ? MEM_RANGE_EXCLUDED : MEM_RANGE_DATA,
		.file_offset = e->excluded ? 0 : e->off, .segment = e->seg,
	};
	return 0;
}

int mem_hole_next(struct mem_source *m, uint64_t pa, uint64_t end, uint64_t *hole_start,
		  uint64_t *hole_end)
{
	while (!m->kd && pa < end) {
		size_t i = map_find(m, pa);
		const struct mem_map_ent *e;
		uint64_t lim, off, olim;
		off_t h, d;

		if (i == m->nmap || m->map[i].start >= end)
			break;
		e = &m->map[i];
		if (pa < e->start)
			pa = e->start;
		lim = e->end < end ? e->end : end;
		if (e->excluded) {
			pa = lim;
			continue;
		}
		off = e->off + (pa - e->start);
		olim = e->off + (lim - e->start);
		/* the end of the file counts as a hole: it is at or past olim */
		h = lseek(m->fd, (off_t)off, SEEK_HOLE);
		if (h < 0)
			break;
		if ((uint64_t)h >= olim) {
			pa = lim;
			continue;
		}
		d = lseek(m->fd, h, SEEK_DATA);
		if (d < 0 && errno != ENXIO)	/* ENXIO: a hole to the end of the file */
			break;
		*hole_start = e->start + ((uint64_t)h - e->off);
		*hole_end = d < 0 || (uint64_t)d > olim ? lim : e->start + ((uint64_t)d - e->off);
		return 0;
	}
	return -ENOENT;
}

/* ---- open, read, close ---- */

static enum mem_format mem_detect(const struct mem_source *m)
{
	if (m->size >= SELFMAG && !memcmp(m->base, ELFMAG, SELFMAG))
		return MEM_FMT_ELF;
	if ((m->size >= 8 && !memcmp(m->base, "KDUMP   ", 8)) || mem_flat_detect(m))
		return MEM_FMT_KDUMP;
	return MEM_FMT_RAW;
}

int mem_open(const char *path, const struct mem_open_opts *o, struct mem_source **mp, char **why)
{
	static const struct mem_open_opts defaults = { .format = MEM_FMT_AUTO };
	struct mem_source *m;
	struct stat st;
	off_t end;
	void *p;
	int ret;

	*mp = NULL;
	if (!o)
		o = &defaults;
	m = xcalloc(1, sizeof(*m));
	m->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (m->fd < 0) {
		ret = mem_why(why, -errno, "%s: %s", path, strerror(errno));
		free(m);
		return ret;
	}
	if (fstat(m->fd, &st) < 0) {
		ret = mem_why(why, -errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISREG(st.st_mode)) {
		m->size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode) && (end = lseek(m->fd, 0, SEEK_END)) >= 0) {
		m->size = (uint64_t)end;
	} else {
		ret = mem_why(why, -EINVAL, "%s: not a regular file or block device", path);
		goto fail;
	}
	if (!m->size) {
		ret = mem_why(why, -EINVAL, "%s: empty file", path);
		goto fail;
	}
	if (m->size > SIZE_MAX) {
		ret = mem_why(why, -EFBIG, "%s: too large to map", path);
		goto fail;
	}
	p = mmap(NULL, (size_t)m->size, PROT_READ, MAP_PRIVATE, m->fd, 0);
	if (p == MAP_FAILED) {
		ret = mem_why(why, -errno, "%s: cannot map the file: %s", path, strerror(errno));
		goto fail;
	}
	m->base = p;
	mem_live_add(m);
	m->page_size = 4096;
	m->page_size_from = "default";

	m->format = o->format == MEM_FMT_AUTO ? mem_detect(m) : o->format;
	/*
	 * makedumpfile's flattened stream holds a kdump file in pieces: it is
	 * read through an index of them (mem_flat.c), found by its signature
	 * whether the format was detected or given as kdump.
	 */
	if (m->format == MEM_FMT_KDUMP && mem_flat_detect(m)) {
		ret = mem_flat_index(m, why);
		if (ret) {
			char *inner = why ? *why : NULL;

			if (why)
				*why = NULL;
			ret = mem_why(why, ret, "%s: %s", path, inner ? inner : "bad flattened stream");
			free(inner);
			goto fail;
		}
	}
	switch (m->format) {
	case MEM_FMT_ELF:
		ret = mem_elf_open(m, why);
		break;
	case MEM_FMT_KDUMP:
		ret = mem_kdump_open(m, why);
		break;
	case MEM_FMT_RAW:
		ret = mem_raw_open(m, o, why);
		break;
	default:
		ret = mem_why(why, -EINVAL, "unknown format %d", (int)o->format);
		break;
	}
	/* what was parsed came from zero pages: that, not what it said, is the reason */
	if (mem_bus_check(m, 0, 0)) {
		free(why ? *why : NULL);
		if (why)
			*why = NULL;
		ret = mem_why(why, -ESTALE, "%s: %s", path, m->fault_why);
	}
	if (ret)
		goto fail;
	*mp = m;
	return 0;
fail:
	mem_close(m);
	return ret;
}

void mem_close(struct mem_source *m)
{
	if (!m)
		return;
	mem_kdump_close(m);
	mem_flat_close(m);
	if (m->base) {
		mem_live_del(m);
		munmap((void *)m->base, (size_t)m->size);
	}
	if (m->fd >= 0)
		close(m->fd);
	free(m->map);
	free(m->vmcoreinfo);
	free(m);
}

int mem_read(struct mem_source *m, uint64_t pa, void *buf, size_t len)
{
	uint64_t start = pa;
	uint8_t *p = buf;
	int err = 0;

	m->reads++;
	if (len && pa + (len - 1) < pa)
		return mem_fail(m, -EINVAL, "read of 0x%zx bytes at 0x%" PRIx64 " wraps around", len, pa);
	while (len) {
		long n = m->kd ? mem_kdump_read(m, pa, p, len) : mem_map_read(m, pa, p, len);

		if (n < 0) {
			m->fault.pa = pa;
			err = (int)n;
			break;
		}
		p += n;
		pa += (uint64_t)n;
		len -= (size_t)n;
		m->bytes_copied += (uint64_t)n;
	}
	return mem_bus_check(m, start, err);
}

int mem_peek(struct mem_source *m, uint64_t pa, size_t len, const void **p)
{
	const struct mem_map_ent *e;
	uint64_t off;
	int err = mem_bus_check(m, pa, 0);

	if (err)
		return err;
	if (m->kd || !m->nmap || !len || pa + (len - 1) < pa)
		return -EAGAIN;
	e = m->map + m->hint;
	if (m->hint >= m->nmap || pa < e->start || pa >= e->end) {
		size_t i = map_find(m, pa);

		if (i == m->nmap || m->map[i].start > pa)
			return -EAGAIN;
		m->hint = i;
		e = &m->map[i];
	}
	if (e->excluded || len > e->end - pa)
		return -EAGAIN;
	off = e->off + (pa - e->start);
	mem_touch(m, off, len);
	/* as mem_map_read() does: the next table is likely the next bytes */
	if (len <= 4096 && len < e->end - pa) {
		uint64_t pn = e->end - pa - len;

		if (pn > len)
			pn = len;
		for (uint64_t i = 0; i < pn; i += 64)
			__builtin_prefetch(m->base + off + len + i);
	}
	m->peeks++;
	*p = m->base + off;
	return 0;
}

int mem_check(struct mem_source *m)
{
	return mem_bus_check(m, m->bus_off, 0);
}

const struct mem_fault *mem_last_fault(const struct mem_source *m)
{
	return &m->fault;
}

int mem_range_next(struct mem_source *m, uint64_t pa, struct mem_range *r)
{
	int err = m->kd ? mem_kdump_range_next(m, pa, r) : mem_map_range_next(m, pa, r);

	/* kdump ranges come from the bitmaps in the mapping */
	return mem_bus_check(m, pa, err);
}

void mem_info(struct mem_source *m, struct mem_info *out)
{
	const char *v;
	size_t vl;

	*out = (struct mem_info){
		.format = m->format,
		.format_name = mem_format_name(m->format),
		.machine = m->machine,
		.big_endian = m->be,
		.file_size = m->size,
		.page_size = m->page_size,
		.page_size_from = m->page_size_from,
		.nr_segments = m->nr_segments,
		.phnum_extended = m->phnum_extended,
		.overlap_bytes = m->overlap_bytes,
		.vmcoreinfo = m->vmcoreinfo,
		.vmcoreinfo_len = m->vmcoreinfo_len,
		.osrelease = m->osrelease,
		.warning = m->warning,
		.reads = m->reads,
		.cache_hits = m->cache_hits,
		.cache_misses = m->cache_misses,
		.peeks = m->peeks,
		.bytes_copied = m->bytes_copied,
	};
	if (!m->osrelease[0] && (v = mem_vmcoreinfo_lookup(m, "OSRELEASE", &vl)))
		snprintf(m->osrelease, sizeof(m->osrelease), "%.*s", (int)vl, v);
	if (m->kd) {
		mem_kdump_info(m, out);
		return;
	}
	for (size_t i = 0; i < m->nmap; i++) {
		const struct mem_map_ent *e = &m->map[i];

		if (e->excluded) {
			out->nr_excluded_ranges++;
			out->excluded_bytes += e->end - e->start;
		} else {
			out->nr_data_ranges++;
			out->data_bytes += e->end - e->start;
		}
	}
	if (m->nmap) {
		out->pa_min = m->map[0].start;
		out->pa_end = m->map[m->nmap - 1].end;
	}
}
