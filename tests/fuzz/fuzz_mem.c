/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the memory sources: arbitrary bytes become a file
 * (a memfd), opened as auto-detected, forced ELF and forced kdump; then
 * ranges are listed and read. Build with clang -fsanitize=fuzzer,address
 * -Isrc -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD, this file,
 * src/backends/dump/mem*.c and src/core/util.c, -lz -llzo2 -lsnappy -lzstd.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/dump/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_fd = -1;
static char fuzz_path[64];

/* What mem_peek() serves in place is what mem_read() copies out. */
static void fuzz_peek(struct mem_source *m, uint64_t pa, uint64_t len)
{
	static uint8_t buf[4096];
	const void *p;
	int err = mem_peek(m, pa, (size_t)len, &p);

	if (err == -EAGAIN || err == -ESTALE)
		return;
	if (err || len > sizeof(buf) || mem_read(m, pa, buf, (size_t)len) ||
	    memcmp(p, buf, (size_t)len))
		abort();
}

static void fuzz_one(enum mem_format f)
{
	struct mem_open_opts o = { .format = f, .raw_base = 0x1000 };
	struct mem_source *m = NULL;
	struct mem_info in;
	struct mem_range r;
	char *why = NULL;
	uint8_t buf[8192];
	int n = 0;

	if (mem_open(fuzz_path, &o, &m, &why)) {
		if (!why)
			abort();        /* every failure says why */
		free(why);
		return;
	}
	mem_info(m, &in);
	for (uint64_t pa = 0; n < 64 && !mem_range_next(m, pa, &r); pa = r.end, n++) {
		if (r.end <= r.start || r.start < pa)
			abort();        /* ranges ascend and are not empty */
		(void)mem_read(m, r.start, buf, 8);
		(void)mem_read(m, r.end - 8 > r.start ? r.end - 8 : r.start, buf, 16);
		(void)mem_read(m, r.start + (r.end - r.start) / 2, buf, sizeof(buf));
		fuzz_peek(m, r.start, r.end - r.start < 4096 ? r.end - r.start : 4096);
		fuzz_peek(m, r.end - 8 > r.start ? r.end - 8 : r.start, 16);
		if (r.end == 0)
			break;
	}
	(void)mem_read(m, 0, buf, 64);
	(void)mem_read(m, UINT64_MAX - 7, buf, 8);
	mem_close(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fuzz_fd < 0) {
		fuzz_fd = memfd_create("fuzz_mem", MFD_CLOEXEC);
		if (fuzz_fd < 0)
			abort();
		snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
	}
	if (ftruncate(fuzz_fd, 0) || (size && pwrite(fuzz_fd, data, size, 0) != (ssize_t)size))
		abort();
	fuzz_one(MEM_FMT_AUTO);
	fuzz_one(MEM_FMT_ELF);
	fuzz_one(MEM_FMT_KDUMP);
	return 0;
}
