/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ELF64 vmcores (/proc/vmcore copies, QEMU dump-guest-memory): PT_LOAD
 * segments by physical address, the e_phnum == PN_XNUM overflow (count in
 * section header 0's sh_info), VMCOREINFO from the PT_NOTE segments.
 * Layout facts: formats.md section 9.1; types, offsets and constants from
 * <elf.h>. Fields are read with the file's byte order (mem_get*), never
 * through the structs, which only give the offsets.
 */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/dump/mem_priv.h"
#include "core/util.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258    /* <elf.h> has it since glibc 2.36 */
#endif

/* offsets of the header fields read */
#define EH(f) offsetof(Elf64_Ehdr, f)
#define PH(f) offsetof(Elf64_Phdr, f)
#define SH(f) offsetof(Elf64_Shdr, f)

static const struct {
	uint16_t em;
	const char *name;
	const char *name_le;       /* when the little-endian name differs */
} elf_machines[] = {
	{ EM_386, "i386", NULL },
	{ EM_MIPS, "mips64", NULL },
	{ EM_PPC64, "ppc64", "ppc64le" },
	{ EM_S390, "s390x", NULL },
	{ EM_ARM, "arm", NULL },
	{ EM_X86_64, "x86_64", NULL },
	{ EM_AARCH64, "aarch64", NULL },
	{ EM_RISCV, "riscv64", NULL },
	{ EM_LOONGARCH, "loongarch64", NULL },
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

	if (m->size < sizeof(Elf64_Ehdr))
		return mem_why(why, -EINVAL, "truncated ELF header (%" PRIu64 " bytes)", m->size);
	if (memcmp(m->base, ELFMAG, SELFMAG))
		return mem_why(why, -EINVAL, "no ELF magic");
	if (m->base[EI_CLASS] == ELFCLASS32)
		return mem_why(why, -EOPNOTSUPP, "ELF32 core files are not supported");
	if (m->base[EI_CLASS] != ELFCLASS64)
		return mem_why(why, -EINVAL, "bad ELF class %u", m->base[EI_CLASS]);
	if (m->base[EI_DATA] != ELFDATA2LSB && m->base[EI_DATA] != ELFDATA2MSB)
		return mem_why(why, -EINVAL, "bad ELF data encoding %u", m->base[EI_DATA]);
	m->be = m->base[EI_DATA] == ELFDATA2MSB;
	if (mem_get16(m, EH(e_type)) != ET_CORE)
		return mem_why(why, -EINVAL, "not an ELF core file (e_type %u)", mem_get16(m, EH(e_type)));
	elf_machine(m, mem_get16(m, EH(e_machine)));
	phoff = mem_get64(m, EH(e_phoff));
	shoff = mem_get64(m, EH(e_shoff));
	phentsize = mem_get16(m, EH(e_phentsize));
	phnum = mem_get16(m, EH(e_phnum));
	if (phnum == PN_XNUM) {
		/* the real count lives in section header 0 */
		uint64_t shentsize = mem_get16(m, EH(e_shentsize));

		if (!shoff || shoff > m->size || m->size - shoff < sizeof(Elf64_Shdr) ||
		    (shentsize && shentsize < sizeof(Elf64_Shdr)))
			return mem_why(why, -EINVAL, "e_phnum is PN_XNUM but section header 0 at "
				       "0x%" PRIx64 " is missing or truncated", shoff);
		phnum = mem_get32(m, shoff + SH(sh_info));
		if (!phnum)
			return mem_why(why, -EINVAL, "e_phnum is PN_XNUM but section 0 sh_info is 0");
		m->phnum_extended = true;
	}
	if (!phnum)
		return mem_why(why, -EINVAL, "no program headers");
	if (phentsize < sizeof(Elf64_Phdr))
		return mem_why(why, -EINVAL, "bad e_phentsize %" PRIu64, phentsize);
	if (phoff > m->size || (m->size - phoff) / phentsize < phnum)
		return mem_why(why, -EINVAL, "%" PRIu64 " program headers at 0x%" PRIx64
			       " run past the end of the file", phnum, phoff);

	/* notes first: PAGESIZE decides nothing below, but the reason texts read better */
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize;

		if (mem_get32(m, ph + PH(p_type)) == PT_NOTE)
			mem_notes_scan(m, mem_get64(m, ph + PH(p_offset)), mem_get64(m, ph + PH(p_filesz)));
		else if (mem_get32(m, ph + PH(p_type)) == PT_LOAD)
			nload++;
	}
	elf_page_size(m);

	ents = xcalloc(nload ? 2 * nload : 1, sizeof(*ents));
	for (uint64_t i = 0; i < phnum; i++) {
		uint64_t ph = phoff + i * phentsize;
		uint64_t off, pa, filesz, memsz;

		if (mem_get32(m, ph + PH(p_type)) != PT_LOAD)
			continue;
		off = mem_get64(m, ph + PH(p_offset));
		pa = mem_get64(m, ph + PH(p_paddr));
		filesz = mem_get64(m, ph + PH(p_filesz));
		memsz = mem_get64(m, ph + PH(p_memsz));
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
