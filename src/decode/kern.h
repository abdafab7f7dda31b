/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel in a memory dump: its symbols, its types and its addresses,
 * read from the dump itself, so that what the kernel recorded (the IOMMU
 * root tables it programmed) can be read without its registers.
 *
 * - VMCOREINFO (the text a dump carries) gives the architecture, what
 *   turns a kernel address into a physical one (x86-64: phys_base, the
 *   direct map's page_offset_base read through its symbol; arm64:
 *   kimage_voffset, PHYS_OFFSET, VA_BITS) and, since Linux 6.5, the
 *   addresses of the kallsyms tables: every symbol of the image (data too
 *   with CONFIG_KALLSYMS_ALL) is decoded from them. A System.map, when
 *   given, adds its symbols (moved by KERNELOFFSET).
 * - BTF: the kernel's own type information (CONFIG_DEBUG_INFO_BTF), read
 *   from memory between __start_BTF and __stop_BTF, or from a file, parsed
 *   with libbpf: struct member offsets by name, so one reader serves every
 *   kernel whose layout differs.
 *
 * Everything read from the dump is bounded: symbol count, token table,
 * name bytes, BTF size; a symbol table whose decoded address of _stext is
 * not VMCOREINFO's is refused. Pure: memory comes through walk_mem.
 */
#ifndef IOMMUCTL_KERN_H
#define IOMMUCTL_KERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/walk.h"

/* Caps on what is read from a dump. */
#define KERN_MAX_SYMS ((uint32_t)4 << 20)	/* kallsyms_num_syms */
#define KERN_MAX_NAME_BYTES ((size_t)64 << 20)	/* kallsyms_names read */
#define KERN_MAX_BTF ((uint64_t)64 << 20)	/* __stop_BTF - __start_BTF */
#define KERN_MAX_STRUCT ((size_t)1 << 20)	/* one struct read whole */

enum kern_arch {
	KERN_ARCH_UNKNOWN,
	KERN_ARCH_X86_64,
	KERN_ARCH_ARM64,
	KERN_ARCH_RISCV64,
};

struct kern;

struct kern_opts {
	const struct walk_mem *m;
	const char *vmcoreinfo;		/* the dump's VMCOREINFO text; NULL when it has none */
	size_t vmcoreinfo_len;
	const char *system_map;		/* System.map text, or NULL */
	size_t system_map_len;
};

/*
 * kern_open() - the kernel of a dump: architecture, addresses, symbols
 * @o: memory, VMCOREINFO, an optional System.map
 * @out: the kernel; kern_close() it
 * @why: on failure, one line saying what is missing or broken (malloc'd)
 *
 * Return: 0; -ENOENT no VMCOREINFO, or neither kallsyms tables in it nor a
 * System.map; -EOPNOTSUPP an architecture other than x86-64 and arm64;
 * -EINVAL a symbol table that is corrupt (out of bounds, over the caps,
 * disagreeing with VMCOREINFO); a read error of the memory.
 */
int kern_open(const struct kern_opts *o, struct kern **out, char **why);
void kern_close(struct kern *k);

enum kern_arch kern_arch(const struct kern *k);
/* Symbols known, and where they came from: "kallsyms", "System.map", "kallsyms and System.map". */
size_t kern_nsyms(const struct kern *k);
const char *kern_syms_from(const struct kern *k);

/* The address of symbol NAME: 0 or -ENOENT. */
int kern_sym(const struct kern *k, const char *name, uint64_t *addr);
/* Every address of NAME (static symbols of several files share a name): their count (<= max stored). */
size_t kern_sym_all(const struct kern *k, const char *name, uint64_t *addrs, size_t max);
/* A symbol at exactly addr, or NULL. */
const char *kern_sym_at(const struct kern *k, uint64_t addr);

/* Kernel virtual address to physical: 0 or -EFAULT (not the image nor the linear map). */
int kern_v2p(const struct kern *k, uint64_t va, uint64_t *pa);
/* Read kernel virtual memory (within one linear stretch): 0, -EFAULT, or the read error. */
int kern_read(const struct kern *k, uint64_t va, void *buf, size_t len);
int kern_read_u64(const struct kern *k, uint64_t va, uint64_t *v);

/*
 * kern_btf_load() - the kernel's types
 * @k: kernel
 * @path: a BTF file (/sys/kernel/btf/vmlinux saved) or a vmlinux; NULL: from
 *	the dump, between __start_BTF and __stop_BTF
 * @why: on failure, one line (malloc'd)
 *
 * Return: 0; -EOPNOTSUPP built without libbpf; -ELIBACC libbpf cannot be
 * loaded; -ENOENT no __start_BTF/__stop_BTF symbols; -EINVAL bad bounds or
 * BTF that libbpf refuses; a read error.
 */
int kern_btf_load(struct kern *k, const char *path, char **why);
bool kern_has_btf(const struct kern *k);
/* The BTF's size in bytes (0 without). */
size_t kern_btf_size(const struct kern *k);

/*
 * A struct type named NAME that has member MEMBER (a dotted path through
 * nested and anonymous members: "strtab_cfg.l2.l1_dma"): its BTF id.
 * Return: 0, -ENOENT no struct of that name, -ENOMSG no such struct with that member.
 */
int kern_struct(const struct kern *k, const char *name, const char *member, uint32_t *id);
/*
 * The next struct type named NAME after BTF id after (0: the first): 0 and
 * *id, or -ENOENT. Two drivers may each have a struct of one name (SMMUv2's
 * and SMMUv3's arm_smmu_device).
 */
int kern_struct_next(const struct kern *k, const char *name, uint32_t after, uint32_t *id);
/* Member PATH of struct ID: byte offset and size. 0, -ENOMSG no such member, -EINVAL a bit field. */
int kern_member(const struct kern *k, uint32_t id, const char *path, size_t *off, size_t *size);
/* The size of struct ID (0 when unknown). */
size_t kern_struct_size(const struct kern *k, uint32_t id);

/* Little-endian integer of 1, 2, 4 or 8 bytes at off in buf of len bytes; 0 when out of it. */
uint64_t kern_get(const void *buf, size_t len, size_t off, size_t size);

#endif

/* ---- the IOMMU roots the kernel recorded (decode/kroots.c) ---- */

/* One IOMMU unit on the kernel's iommu_device_list. */
struct kern_root {
	enum walk_family family;	/* meaningful when known */
	bool known;			/* a family walk roots reads (VT-d, AMD, SMMUv3, RISC-V) */
	bool ok;			/* root and h are set */
	char unit[64];			/* "dmar0", "ivhd0", "smmu3.0x9050000"... */
	uint64_t reg_phys;		/* the unit's registers (0: not known) */
	uint64_t root;			/* physical address of the top table */
	const char *layout;		/* as roots.c names it: "legacy", "scalable", "linear", "2-level",
					 * "device table", "3LVL"... */
	struct walk_hier h;		/* the walk options: base, scalable, strtab_cfg, dte_count, ext_dc */
	char why[200];			/* !ok: why the root could not be read; ok: a remark or "" */
};

#define KERN_MAX_UNITS 256		/* list entries followed */

/*
 * kern_roots() - the roots of every IOMMU registered with the IOMMU core
 * @k: kernel, with symbols and BTF
 * @out: one entry per unit on iommu_device_list (free() it)
 * @n: their number
 * @why: on failure, one line (malloc'd)
 *
 * Follows iommu_device_list (at most KERN_MAX_UNITS entries, stopping at
 * a node seen before), names each unit's driver by its iommu_ops
 * (intel_iommu_ops, amd_iommu_ops, arm_smmu_ops, riscv_iommu_ops) and reads
 * the driver's structure through BTF member names.
 *
 * Return: 0 (a unit that cannot be read is an entry with !ok and why);
 * -ENOENT no iommu_device_list symbol, or no BTF; -ENOMSG a struct member
 * the reader needs is missing (why names it); -EINVAL the list is broken
 * (a loop, too long, a node outside memory).
 */
int kern_roots(const struct kern *k, struct kern_root **out, size_t *n, char **why);
