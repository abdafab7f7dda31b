/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF64 vmcores (/proc/vmcore copies, QEMU dump-guest-memory): PT_LOAD
 * segments by physical address, the e_phnum == PN_XNUM overflow (count in
 * section header 0's sh_info), VMCOREINFO from the PT_NOTE segments.
 * Layout facts: formats.md section 9.1.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dump/mem_priv.h"
#include "core/util.h"

#define PN_XNUM 0xffffu
#define ELF_PT_LOAD 1u
#define ELF_PT_NOTE 4u
#define ELF_ET_CORE 4u

static const struct {
	uint16_t em;
	const char *name;
	const char *name_le;       /* when the little-endian name differs */
} elf_machines[] = {
	{ 3, "i386", NULL },
	{ 8, "mips64", NULL },
	{ 21, "ppc64", "ppc64le" },
	{ 22, "s390x", NULL },
	{ 40, "arm", NULL },
	{ 62, "x86_64", NULL },
	{ 183, "aarch64", NULL },
	{ 243, "riscv64", NULL },
	{ 258, "loongarch64", NULL },
};

static void elf_machine(struct mem_source *m, uint16_t em)
{
	for (size_t i = 0; i < ARRAY_SIZE(elf_machines); i++) {
		if (elf_machines[i].em != em)
			continue;
		snprintf(m->machine, sizeof(m->machine), "%s",
			 !m->be && elf_machines[i].name_le ? elf_machines[i].name_le : elf_machines[i].name);
		return;
	}
	snprintf(m->machine, sizeof(m->machine), "elf-machine-%u", em);
}

static void elf_page_size(struct mem_source *m)
{
	size_t len;
	const char *v = mem_vmcoreinfo_lookup(m, "PAGESIZE", &len);
	char buf[24];
	uint64_t ps;

	if (!v || len >= sizeof(buf))
		return;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (parse_u64(buf, &ps) || ps < 512 || ps > (1u << 24) || (ps & (ps - 1)))
		return;
	m->page_size = (uint32_t)ps;
	m->page_size_from = "vmcoreinfo";
}

int mem_elf_open(struct mem_source *m, char **why)
{
	uint64_t phoff, shoff, phnum, phentsize, nload = 0;
	struct mem_map_ent *ents;
	size_t n = 0;

	if (m->size < 64)
		return mem_why(why, -EINVAL, "truncated ELF header (%" PRIu64 " bytes)", m->size);
	if (memcmp(m->base, "\x7f" "ELF", 4))
		return mem_why(why, -EINVAL, "no ELF magic");
	if (m->base[4] == 1)
		return mem_why(why, -EOPNOTSUPP, "ELF32 core files are not supported");
	if (m->base[4] != 2)
		return mem_why(why, -EINVAL, "bad ELF class %u", m->base[4]);
	if (m->base[5] != 1 && m->base[5] != 2)
		return mem_why(why, -EINVAL, "bad ELF data encoding %u", m->base[5]);
	m->be = m->base[5] == 2;
	if (mem_get16(m, 16) != ELF_ET_CORE)
		return mem_why(why, -EINVAL, "not an ELF core file (e_type %u)", mem_get16(m, 16));
	elf_machine(m, mem_get16(m, 18));
	phoff = mem_get64(m, 32);
	shoff = mem_get64(m, 40);
	phentsize = mem_get16(m, 54);
	phnum = mem_get16(m, 56);
	if (phnum == PN_XNUM) {
		/* the real count lives in section header 0 */
		uint64_t shentsize = mem_get16(m, 58);

		if (!shoff || shoff > m->size || m->size - shoff < 64 || (shentsize && shentsize < 64))
			return mem_why(why, -EINVAL, "e_phnum is PN_XNUM but section header 0 at "
				       "0x%" PRIx64 " is missing or truncated", shoff);
		phnum = mem_get32(m, shoff + 44);
		if (!phnum)
			return mem_why(why, -EINVAL, "e_phnum is PN_XNUM but section 0 sh_info is 0");
		m->phnum_extended = true;
	}
	if (!phnum)
		return mem_why(why, -EINVAL, "no program headers");
	if (phentsize < 56)
		return mem_why(why, -EINVAL, "bad e_phentsize %" PRIu64, phentsize);
	if (phoff > m->size || (m->size - phoff) / phentsize < phnum)
		return mem_why(why, -EINVAL, "%" PRIu64 " program headers at 0x%" PRIx64
			       " run past the end of the file", phnum, phoff);

	/* notes first: PAGESIZE decides nothing below, but the reason texts read better */
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize;

		if (mem_get32(m, ph) == ELF_PT_NOTE)
			mem_notes_scan(m, mem_get64(m, ph + 8), mem_get64(m, ph + 32));
		else if (mem_get32(m, ph) == ELF_PT_LOAD)
			nload++;
	}
	elf_page_size(m);

	ents = xcalloc(nload ? 2 * nload : 1, sizeof(*ents));
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize;
		uint64_t off, pa, filesz, memsz;

		if (mem_get32(m, ph) != ELF_PT_LOAD)
			continue;
		off = mem_get64(m, ph + 8);
		pa = mem_get64(m, ph + 24);
		filesz = mem_get64(m, ph + 32);
		memsz = mem_get64(m, ph + 40);
		if (filesz > memsz) {
			free(ents);
			return mem_why(why, -EINVAL, "PT_LOAD %" PRIu64 ": p_filesz 0x%" PRIx64
				       " > p_memsz 0x%" PRIx64, i, filesz, memsz);
		}
		if (pa + memsz < pa) {
			free(ents);
			return mem_why(why, -EINVAL, "PT_LOAD %" PRIu64 ": p_paddr 0x%" PRIx64
				       " + p_memsz 0x%" PRIx64 " wraps around", i, pa, memsz);
		}
		if (off > m->size || m->size - off < filesz) {
			free(ents);
			return mem_why(why, -EINVAL, "PT_LOAD %" PRIu64 ": data at 0x%" PRIx64 "+0x%" PRIx64
				       " runs past the end of the file (0x%" PRIx64 " bytes; truncated?)",
				       i, off, filesz, m->size);
		}
		m->nr_segments++;
		if (filesz)
			ents[n++] = (struct mem_map_ent){ pa, pa + filesz, off, (int64_t)i, false };
		if (memsz > filesz)
			ents[n++] = (struct mem_map_ent){ pa + filesz, pa + memsz, 0, (int64_t)i, true };
	}
	return mem_map_build(m, ents, n, why);
}
