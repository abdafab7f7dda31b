/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw physical-memory images: file offset = physical address - base, one
 * contiguous range, no holes known (formats.md section 9.3). The base is
 * the user's to give (0 for x86 /dev/mem-style captures, 0x40000000 for
 * Arm "virt" guests).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "backends/dump/mem_priv.h"
#include "core/util.h"

int mem_raw_open(struct mem_source *m, const struct mem_open_opts *o, char **why)
{
	struct mem_map_ent *e;
	uint32_t ps = o->raw_page_size;

	if (o->raw_base + m->size < o->raw_base)
		return mem_why(why, -EINVAL, "base 0x%" PRIx64 " + file size 0x%" PRIx64
			       " wraps around", o->raw_base, m->size);
	if (ps) {
		if (ps < 512 || (ps & (ps - 1)))
			return mem_why(why, -EINVAL, "bad page size %u", ps);
		m->page_size = ps;
		m->page_size_from = "option";
	}
	e = xcalloc(1, sizeof(*e));
	*e = (struct mem_map_ent){ o->raw_base, o->raw_base + m->size, 0, -1, false };
	return mem_map_build(m, e, 1, why);
}
