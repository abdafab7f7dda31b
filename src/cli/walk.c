/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * walk / translate: the offline page-table walker over a memory dump.
 * `walk` lists every mapping of a page table (or of every device under a
 * hardware root) as coalesced ranges, streaming text or JSON as it goes;
 * `translate` prints the entries read for one address down to the leaf,
 * or why translation stops. Reads no machine state.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/dump/mem.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/memsrc.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "decode/kern.h"
#include "decode/roots.h"
#include "decode/walk.h"
#include "output/out.h"

enum {
	OPT_FORMAT = 0x500,
	OPT_ROOT,
	OPT_LEVELS,
	OPT_GRANULE,
	OPT_IAS,
	OPT_MTK_EXT,
	OPT_PAGE_SHIFT,
	OPT_WINDOW_SIZE,
	OPT_BUS_OFFSET,
	OPT_LEVEL_SIZE,
	OPT_BIG_ENDIAN,
	OPT_IOVA,
	OPT_MAX_TABLES,
	OPT_MAX_RANGES,
	OPT_EXPAND_SHARED,
	OPT_RTADDR,
	OPT_SCALABLE,
	OPT_DEV,
	OPT_PASID,
	OPT_STRTAB,
	OPT_STRTAB_CFG,
	OPT_SID,
	OPT_SSID,
	OPT_DTE_BASE,
	OPT_DTE_COUNT,
	OPT_DDTP,
	OPT_EXT_DC,
	OPT_ALL_DEVICES,
	OPT_KERNEL_PAGE_SIZE,
	OPT_SYSTEM_MAP,
	OPT_BTF,
};

struct walk_cli_opts {
	struct cli_mem_opts mem;
	const char *format, *root;
	const char *levels, *granule, *ias, *page_shift, *window, *bus_offset, *level_size, *kernel_page;
	bool mtk_ext, big_endian;
	const char *iova, *max_tables, *max_ranges;
	bool expand_shared;
	const char *rtaddr, *dev, *pasid, *strtab, *strtab_cfg, *sid, *ssid, *dte_base, *dte_count;
	const char *ddtp;
	const char *system_map, *btf;
	bool scalable, ext_dc, all_devices;
};

#define WALK_COMMON_OPTIONS \
	CLI_MEM_OPTIONS(0), \
	{ "format", OPT_FORMAT, "FMT", 0, "page-table format (vtd-sl-pte, arm-lpae-s1, ppc-tce...) or a hierarchy: vtd, smmuv3, amd, riscv", 0 }, \
	{ "root", OPT_ROOT, "PA", 0, "physical address of the top page table (page-table formats)", 0 }, \
	{ "levels", OPT_LEVELS, "N", 0, "number of table levels (VT-d 2-5, x86 4-5, AMD mode 1-6, LPAE 1-4, TCE 1-5, RISC-V 3-5)", 1 }, \
	{ "granule", OPT_GRANULE, "SIZE", 0, "Arm LPAE granule: 4K (default), 16K or 64K", 1 }, \
	{ "ias", OPT_IAS, "BITS", 0, "Arm LPAE input address bits (default 48; sizes the top table)", 1 }, \
	{ "mtk-ext", OPT_MTK_EXT, NULL, 0, "Arm v7s: MediaTek extension (PA bits 32-34 in PTE bits 9/4/5)", 1 }, \
	{ "page-shift", OPT_PAGE_SHIFT, "S", 0, "ppc-tce: log2 of the TCE page size (default 12)", 1 }, \
	{ "window-size", OPT_WINDOW_SIZE, "SIZE", 0, "ppc-tce: DMA window size (power of two: 2G, 1T...)", 1 }, \
	{ "bus-offset", OPT_BUS_OFFSET, "ADDR", 0, "ppc-tce: bus address of the window start (default 0)", 1 }, \
	{ "level-size", OPT_LEVEL_SIZE, "ENTRIES", 0, "ppc-tce: entries per table level (default: Linux's rule, from the window and the kernel's page size)", 1 }, \
	{ "kernel-page-size", OPT_KERNEL_PAGE_SIZE, "SIZE", 0, "ppc-tce: the page size of the kernel that built the table: 4K or 64K (default: the dump's VMCOREINFO PAGESIZE, else 64K)", 1 }, \
	{ "big-endian", OPT_BIG_ENDIAN, NULL, 0, "RISC-V: structures and tables are big-endian (fctl.BE)", 1 }, \
	{ "rtaddr", OPT_RTADDR, "PA", 0, "vtd: root-table address (RTADDR_REG without flags)", 2 }, \
	{ "scalable", OPT_SCALABLE, NULL, 0, "vtd: scalable-mode root and context entries", 2 }, \
	{ "dev", OPT_DEV, "BB:DD.F", 0, "vtd, amd, riscv: the requester ([DDDD:]BB:DD.F, or a number)", 2 }, \
	{ "pasid", OPT_PASID, "N", 0, "vtd, amd, riscv: the PASID / process ID (smmuv3: same as --ssid)", 2 }, \
	{ "strtab", OPT_STRTAB, "PA", 0, "smmuv3: stream-table base (STRTAB_BASE address)", 2 }, \
	{ "strtab-cfg", OPT_STRTAB_CFG, "VALUE", 0, "smmuv3: STRTAB_BASE_CFG register (FMT, SPLIT, LOG2SIZE)", 2 }, \
	{ "sid", OPT_SID, "N", 0, "smmuv3: stream ID", 2 }, \
	{ "ssid", OPT_SSID, "N", 0, "smmuv3: substream ID (default: the STE's default substream)", 2 }, \
	{ "dte-base", OPT_DTE_BASE, "PA", 0, "amd: device-table base address", 2 }, \
	{ "dte-count", OPT_DTE_COUNT, "N", 0, "amd: device-table entries (default 65536)", 2 }, \
	{ "ddtp", OPT_DDTP, "VALUE", 0, "riscv: the ddtp register (mode 1LVL/2LVL/3LVL and PPN)", 2 }, \
	{ "ext-dc", OPT_EXT_DC, NULL, 0, "riscv: extended (64-byte) device contexts (capabilities.MSI_FLAT)", 2 }

static const struct argp_option walk_options[] = {
	WALK_COMMON_OPTIONS,
	{ "iova", OPT_IOVA, "START[-END]", 0, "only this input-address range (END inclusive)", 3 },
	{ "max-tables", OPT_MAX_TABLES, "N", 0, "stop reading tables after N (default 1048576)", 3 },
	{ "max-ranges", OPT_MAX_RANGES, "N", 0, "stop after listing N ranges (default 16777216)", 3 },
	{ "expand-shared", OPT_EXPAND_SHARED, NULL, 0, "walk shared tables and device tables under every reference", 3 },
	{ "all-devices", OPT_ALL_DEVICES, NULL, 0, "walk every valid device (and PASID) under the hierarchy root", 3 },
	{ 0 }
};

static const struct argp_option roots_options[] = {
	CLI_MEM_OPTIONS(0),
	{ "format", OPT_FORMAT, "FAMILY", 0, "look for this family only: vtd, smmuv3, amd or riscv (default: all four)", 0 },
	{ "max-tables", OPT_MAX_TABLES, "N", 0, "structure tables read per candidate (default 4096)", 3 },
	{ "system-map", OPT_SYSTEM_MAP, "FILE", 0, "the kernel's System.map: symbols besides the dump's kallsyms", 4 },
	{ "btf", OPT_BTF, "FILE", 0, "the kernel's BTF (a saved /sys/kernel/btf/vmlinux, or a vmlinux) instead of the dump's", 4 },
	{ 0 }
};

static const struct argp_option translate_options[] = {
	WALK_COMMON_OPTIONS,
	{ 0 }
};

static error_t walk_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct walk_cli_opts *o = state->input;

	switch (key) {
	case OPT_FORMAT: o->format = arg; break;
	case OPT_ROOT: o->root = arg; break;
	case OPT_LEVELS: o->levels = arg; break;
	case OPT_GRANULE: o->granule = arg; break;
	case OPT_IAS: o->ias = arg; break;
	case OPT_MTK_EXT: o->mtk_ext = true; break;
	case OPT_PAGE_SHIFT: o->page_shift = arg; break;
	case OPT_WINDOW_SIZE: o->window = arg; break;
	case OPT_BUS_OFFSET: o->bus_offset = arg; break;
	case OPT_LEVEL_SIZE: o->level_size = arg; break;
	case OPT_KERNEL_PAGE_SIZE: o->kernel_page = arg; break;
	case OPT_BIG_ENDIAN: o->big_endian = true; break;
	case OPT_IOVA: o->iova = arg; break;
	case OPT_MAX_TABLES: o->max_tables = arg; break;
	case OPT_MAX_RANGES: o->max_ranges = arg; break;
	case OPT_EXPAND_SHARED: o->expand_shared = true; break;
	case OPT_SYSTEM_MAP: o->system_map = arg; break;
	case OPT_BTF: o->btf = arg; break;
	case OPT_RTADDR: o->rtaddr = arg; break;
	case OPT_SCALABLE: o->scalable = true; break;
	case OPT_DEV: o->dev = arg; break;
	case OPT_PASID: o->pasid = arg; break;
	case OPT_STRTAB: o->strtab = arg; break;
	case OPT_STRTAB_CFG: o->strtab_cfg = arg; break;
	case OPT_SID: o->sid = arg; break;
	case OPT_SSID: o->ssid = arg; break;
	case OPT_DTE_BASE: o->dte_base = arg; break;
	case OPT_DTE_COUNT: o->dte_count = arg; break;
	case OPT_DDTP: o->ddtp = arg; break;
	case OPT_EXT_DC: o->ext_dc = true; break;
	case OPT_ALL_DEVICES: o->all_devices = true; break;
	default:
		return cli_mem_parse_opt(&o->mem, key, arg);
	}
	return 0;
}

/* ---- parsing values ---- */

static int num_opt(struct iommuctl_ctx *ctx, const char *name, const char *s, uint64_t *v)
{
	if (parse_u64(s, v))
		return err_report(ctx, -EUSAGE, "--%s %s: not a number (hex with 0x, or decimal)", name, s);
	return 0;
}

/* 4096, 0x1000, 4K, 2M, 1G, 1T: the one size parser */
static int size_opt(struct iommuctl_ctx *ctx, const char *name, const char *s, uint64_t *v)
{
	size_t n = strlen(s);

	if (!parse_size(s, v))
		return 0;
	if (n && strchr("KMGTPE", toupper((unsigned char)s[n - 1])))
		return err_report(ctx, -EUSAGE, "--%s %s: not a size (4096, 4K, 2M, 1G...)", name, s);
	return num_opt(ctx, name, s, v);
}

/* [DDDD:]BB:DD.F, or a plain number. */
static int dev_opt(struct iommuctl_ctx *ctx, const char *name, const char *s, uint32_t *id)
{
	struct pci_addr a;
	uint64_t v;

	if (pci_addr_looks_like(s) && !pci_addr_parse(s, &a)) {
		*id = (uint32_t)a.bus << 8 | a.dev << 3 | a.fn;
		return 0;
	}
	if (parse_u64(s, &v) || v > 0xffffffffu)
		return err_report(ctx, -EUSAGE, "--%s %s: give a PCI address (BB:DD.F) or a number",
				  name, s);
	*id = (uint32_t)v;
	return 0;
}

static int iova_opt(struct iommuctl_ctx *ctx, const char *s, uint64_t *start, uint64_t *last)
{
	const char *dash = strchr(s, '-');
	char *a;
	int err;

	*last = 0;
	if (!dash)
		return num_opt(ctx, "iova", s, start);
	a = xstrndup(s, (size_t)(dash - s));
	err = parse_u64(a, start) || parse_u64(dash + 1, last) ? -EUSAGE : 0;
	free(a);
	if (err || *last < *start)
		return err_report(ctx, -EUSAGE, "--iova %s: give START or START-END (END inclusive, END >= START)", s);
	return 0;
}

/* ---- the memory source ---- */

static int cli_mem_read(void *priv, uint64_t pa, void *buf, size_t len, uint64_t *fault)
{
	struct mem_source *m = priv;
	int err = mem_read(m, pa, buf, len);

	if (err && fault) {
		const struct mem_fault *f = mem_last_fault(m);

		*fault = f ? f->pa : pa;
	}
	return err;
}

/*
 * After a read failed at pa with err: where that stretch of failing reads
 * ends. A gap between the dump's ranges (-ENXIO) ends where the next range
 * starts, or nowhere; an excluded range (-ENODATA) where it ends. Anything
 * else (a corrupt page, a failing file) is not known to go on: -ENOENT.
 */
static int cli_mem_fault_end(void *priv, uint64_t pa, int err, uint64_t *end)
{
	struct mem_range r;
	int rc = mem_range_next(priv, pa, &r);

	if (rc == -ENOENT && err == -ENXIO) {
		*end = ~0ULL;
		return 0;
	}
	if (rc)
		return rc;
	if (r.start > pa && err == -ENXIO) {
		*end = r.start;
		return 0;
	}
	if (r.start <= pa && r.kind == MEM_RANGE_EXCLUDED && err == -ENODATA) {
		*end = r.end;
		return 0;
	}
	return -ENOENT;
}

static int cli_mem_peek(void *priv, uint64_t pa, size_t len, const void **p)
{
	return mem_peek(priv, pa, len, p);
}

/* The walker's view of a dump: tables read in place where the dump stores them so. */
static struct walk_mem cli_walk_mem(struct mem_source *ms)
{
	return (struct walk_mem){ .read = cli_mem_read, .fault_end = cli_mem_fault_end,
				  .peek = cli_mem_peek, .priv = ms };
}

static int walk_mem_open(struct iommuctl_ctx *ctx, const struct walk_cli_opts *o,
			 struct mem_source **m)
{
	return cli_mem_open(ctx, &o->mem, NULL, m);
}

/*
 * The dump file failed under the reader (it shrank, or an I/O error):
 * whatever the walk concluded, that is the one line to say. 0 otherwise.
 */
static int walk_mem_broken(struct iommuctl_ctx *ctx, const struct walk_cli_opts *o,
			   struct mem_source *m)
{
	const struct mem_fault *f;

	/* tables read in place: their accesses are checked here */
	mem_check(m);
	f = mem_last_fault(m);
	if (!f || f->err != -ESTALE)
		return 0;
	return err_report(ctx, -ESTALE, "%s: %s", o->mem.file, f->why);
}

/* ---- what to walk: a raw table or a hierarchy ---- */

struct walk_setup {
	bool hier;
	struct walk_hier h;
	struct walk_rid rid;
	bool have_rid;
	struct walk_pt pt;	/* raw table */
	struct walk_pt_params params;	/* ... and what the user said of it */
	const char *name;	/* --format as given */
};

static bool any_hier_opt(const struct walk_cli_opts *o)
{
	return o->rtaddr || o->scalable || o->dev || o->pasid || o->strtab || o->strtab_cfg ||
	       o->sid || o->ssid || o->dte_base || o->dte_count || o->ddtp || o->ext_dc ||
	       o->all_devices;
}

/* Parse what is given; the walker checks the ranges. */
static int pt_params(struct iommuctl_ctx *ctx, const struct walk_cli_opts *o,
		     struct walk_pt_params *p)
{
	enum { NUM, SIZE, FLAG };
	const struct {
		const char *name, *val;
		enum walk_param id;
		int kind;
	} a[] = {
		{ "levels", o->levels, WALK_PARAM_LEVELS, NUM },
		{ "granule", o->granule, WALK_PARAM_GRANULE, SIZE },
		{ "ias", o->ias, WALK_PARAM_IAS, NUM },
		{ "page-shift", o->page_shift, WALK_PARAM_PAGE_SHIFT, NUM },
		{ "window-size", o->window, WALK_PARAM_WINDOW_SIZE, SIZE },
		{ "bus-offset", o->bus_offset, WALK_PARAM_BUS_OFFSET, SIZE },
		{ "level-size", o->level_size, WALK_PARAM_LEVEL_SIZE, NUM },
		{ "kernel-page-size", o->kernel_page, WALK_PARAM_KERNEL_PAGE_SIZE, SIZE },
		{ "mtk-ext", o->mtk_ext ? "" : NULL, WALK_PARAM_MTK_EXT, FLAG },
		{ "big-endian", o->big_endian ? "" : NULL, WALK_PARAM_BIG_ENDIAN, FLAG },
	};
	const char *why;
	uint64_t v;

	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < ARRAY_SIZE(a); i++) {
		if (!a[i].val)
			continue;
		v = 1;
		if (a[i].kind != FLAG && (a[i].kind == SIZE ? size_opt : num_opt)(ctx, a[i].name,
										 a[i].val, &v))
			return -EUSAGE;
		if (walk_param_set(p, a[i].id, v, &why))
			return err_report(ctx, -EUSAGE, "--%s %s: %s", a[i].name, a[i].val, why);
	}
	return 0;
}

static int need(struct iommuctl_ctx *ctx, const char *val, const char *opt, const char *fmt)
{
	if (!val)
		return err_report(ctx, -EUSAGE, "--format %s needs --%s", fmt, opt);
	return 0;
}

struct hier_arg {
	const char *name, *val;
};

static const char *hier_val(const struct hier_arg *a, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i].name, name))
			return a[i].val;
	return NULL;
}

/* A hierarchy (--format vtd ...): its options are data of the walker's family table. */
static int hier_setup(struct iommuctl_ctx *ctx, const struct walk_cli_opts *o,
		      const struct walk_pt_params *p, struct walk_setup *w)
{
	/* What was given, in the order a misplaced option is reported. */
	const struct hier_arg a[] = {
		{ "rtaddr", o->rtaddr }, { "scalable", o->scalable ? "" : NULL },
		{ "strtab", o->strtab }, { "strtab-cfg", o->strtab_cfg }, { "sid", o->sid },
		{ "ssid", o->ssid }, { "dte-base", o->dte_base }, { "dte-count", o->dte_count },
		{ "ddtp", o->ddtp }, { "ext-dc", o->ext_dc ? "" : NULL },
		{ "big-endian", o->big_endian ? "" : NULL }, { "dev", o->dev }, { "pasid", o->pasid },
	};
	const size_t n = ARRAY_SIZE(a);
	const struct walk_fam *fam = walk_fam_at(w->h.family);
	const struct walk_hier_opt *id = NULL, *pasid = NULL;
	const char *f = o->format, *why, *s;
	uint32_t v32 = 0;
	uint64_t v;
	int err;

	w->hier = true;
	if (o->root)
		return err_report(ctx, -EUSAGE, "--root is for page-table formats; --format %s starts "
					      "from its hardware root", f);
	if (p->levels || p->granule || p->ias || p->page_shift || p->window_size || p->bus_offset ||
	    p->level_entries || p->mtk_ext)
		return err_report(ctx, -EUSAGE, "--format %s takes the table geometry from its "
					      "structures: drop --levels/--granule/--ias/TCE options", f);
	for (size_t i = 0; i < n; i++)
		if (a[i].val && (s = walk_fam_refuses(fam, a[i].name)))
			return err_report(ctx, -EUSAGE, "--%s does not apply to --format %s", s, f);
	/* Structure options: every one needed first, then their values. */
	for (size_t i = 0; i < fam->nopts; i++)
		if (fam->opts[i].required &&
		    (err = need(ctx, hier_val(a, n, fam->opts[i].name), fam->opts[i].name, f)))
			return err;
	for (size_t i = 0; i < fam->nopts; i++) {
		const struct walk_hier_opt *ho = &fam->opts[i];

		s = hier_val(a, n, ho->name);
		if (ho->key == WALK_HK_ID)
			id = ho;
		if (!s || ho->key == WALK_HK_NONE || ho->key == WALK_HK_ID || ho->key == WALK_HK_PASID)
			continue;
		v = 1;
		if (!ho->flag && (err = num_opt(ctx, ho->name, s, &v)))
			return err;
		if (walk_hier_set(&w->h, &w->rid, ho, v, &why))
			return err_report(ctx, -EUSAGE, "--%s %s: %s", ho->name, s, why);
	}
	if (o->all_devices) {
		for (size_t i = 0; i < fam->nopts; i++)
			if ((fam->opts[i].key == WALK_HK_ID || fam->opts[i].key == WALK_HK_PASID) &&
			    hier_val(a, n, fam->opts[i].name))
				return err_report(ctx, -EUSAGE, "--all-devices walks every requester: drop --dev/--sid/--pasid/--ssid");
		return 0;
	}
	/* The requester and its PASID. */
	s = hier_val(a, n, id->name);
	if (!s)
		return err_report(ctx, -EUSAGE, "--format %s needs --%s (or --all-devices)", f,
				  id->name);
	if ((err = dev_opt(ctx, id->name, s, &v32)))
		return err;
	if (walk_hier_set(&w->h, &w->rid, id, v32, &why))
		return err_report(ctx, -EUSAGE, "--%s %s: %s", id->name, s, why);
	for (size_t i = 0; i < fam->nopts; i++) {
		const struct walk_hier_opt *ho = &fam->opts[i];

		if (ho->key != WALK_HK_PASID || !hier_val(a, n, ho->name))
			continue;
		if (pasid)
			return err_report(ctx, -EUSAGE, "give --%s or --%s, not both", pasid->name,
					  ho->name);
		pasid = ho;
	}
	if (pasid) {
		s = hier_val(a, n, pasid->name);
		if ((err = num_opt(ctx, pasid->name, s, &v)))
			return err;
		if (walk_hier_set(&w->h, &w->rid, pasid, v, &why))
			return err_report(ctx, -EUSAGE, "--%s %s: %s", pasid->name, s, why);
	}
	w->have_rid = true;
	return 0;
}

static int walk_setup(struct iommuctl_ctx *ctx, const struct walk_cli_opts *o, bool translate,
		      struct walk_setup *w)
{
	struct walk_pt_params p;
	const struct decode_fmt *fmt;
	const char *why = NULL;
	uint64_t v;
	int err;

	memset(w, 0, sizeof(*w));
	if (!o->format)
		return err_report(ctx, -EUSAGE,
				  "--format is required: a page-table format with --root, or vtd, smmuv3, amd, riscv");
	w->name = o->format;
	if ((err = pt_params(ctx, o, &p)))
		return err;
	if (!walk_family_find(o->format, &w->h.family))
		return hier_setup(ctx, o, &p, w);
	if (any_hier_opt(o))
		return err_report(ctx, -EUSAGE,
				  "--rtaddr, --dev, --pasid, --strtab, --sid, --dte-base, --ddtp and "
				  "--all-devices need a hierarchy: --format vtd, smmuv3, amd or riscv");
	fmt = decode_format_find(!strcmp(o->format, "arm-v7s") ? "arm-v7s-l1" : o->format);
	if (!fmt || !fmt->pt)
		return err_report(ctx, -EUSAGE,
				  "--format %s: %s; page-table formats: vtd-sl-pte, vtd-fl-pte, amd-v1-pte, "
				  "amd-v2-pte, arm-lpae-s1, arm-lpae-s2, arm-v7s, ppc-tce, riscv-pte; "
				  "hierarchies: vtd, smmuv3, amd, riscv", o->format,
				  fmt ? "not a page-table format" : "unknown format");
	if ((err = need(ctx, o->root, "root", o->format)) ||
	    (err = num_opt(ctx, "root", o->root, &v)))
		return err;
	w->params = p;
	err = walk_pt_setup(&w->pt, fmt, v, &p, &why);
	if (err == -ERANGE) {
		char align[16];

		size_format(w->pt.root_align, align, sizeof(align));
		return err_report(ctx, -EUSAGE, "--root %s: the top table of %s is aligned to %s "
				  "(0x%" PRIx64 "), which this address is not", o->root, o->format,
				  align, w->pt.root_align);
	}
	if (err)
		return err_report(ctx, err == -EOPNOTSUPP ? -EOPNOTSUPP : -EUSAGE, "--format %s: %s",
				  o->format, why ? why : strerror(-err));
	(void)translate;
	return 0;
}

/*
 * ppc-tce: Linux sizes the levels of a multilevel TCE table by the kernel's
 * page size (4K or 64K). Unless the user said, take it from the dump when
 * the dump says: the kernel's VMCOREINFO (PAGESIZE), in an ELF note or a
 * kdump sub-header. A kdump header's block size is not the kernel's page
 * size but the dumper's: makedumpfile writes the kernel's, QEMU's
 * dump-guest-memory its target page (4 KiB for powernv, whatever page size
 * the guest kernel runs with), and neither header says which wrote it.
 */
static void tce_kernel_page(const struct walk_cli_opts *o, struct mem_source *ms, struct walk_setup *s)
{
	struct walk_pt_params p = s->params;
	struct walk_pt pt;
	const char *v;
	size_t len;
	char buf[24];
	uint64_t ps;

	if (s->hier || strcmp(s->pt.fmt->name, "ppc-tce") || o->level_size || o->kernel_page ||
	    walk_pt_levels(&s->pt) < 2)
		return;
	v = mem_vmcoreinfo_lookup(ms, "PAGESIZE", &len);
	if (!v || len >= sizeof(buf))
		return;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (parse_u64(buf, &ps) || ps < 4096 || ps > (1u << 24) || (ps & (ps - 1)))
		return;
	p.kernel_page_shift = (unsigned int)__builtin_ctzll(ps);
	if (!walk_pt_setup(&pt, s->pt.fmt, s->pt.root, &p, NULL))
		s->pt = pt;
}

/* ---- streaming output ---- */

/*
 * Every walk line is one item of the "mappings" list, written field by
 * field through the writer: each call is a text column, a JSON member, or
 * both (iproute2's print_* model), in the JSON member order; the text
 * columns keep their order because the two orders agree where a field has
 * both forms. Nothing is held: the writer streams either form.
 */
struct wout {
	struct iommuctl_ctx *ctx;
	struct out *o;
	bool labels;			/* --all-devices: DEVICE and PASID columns */
	enum walk_family fam;
	const struct walk_rid *rid;	/* what is being walked */
	struct walk_stats st;
	uint64_t max_ranges;		/* the budget in force, for the message */
	uint64_t devices, device_problems;
};

/* -EIO once a write to the output failed: the walk stops there. */
static int wout_status(const struct wout *w)
{
	return ferror(out_stream(w->o)) ? -EIO : 0;
}

/* --all-devices: who the line is about (DEVICE, PASID columns; "device", "pasid_number"). */
static void wout_label(struct wout *w)
{
	char dev[24];

	if (!w->labels)
		return;
	walk_rid_format(w->fam, w->rid ? w->rid->id : 0, dev, sizeof(dev));
	out_fmt_str(w->o, "device", "%-10s ", dev);
	if (w->rid && w->rid->has_pasid)
		out_fmt_u64(w->o, "pasid_number", "%-7" PRIu64 " ", w->rid->pasid);
	else
		out_fmt_str(w->o, "pasid_number", "%-7s ", NULL);
}

static void size_text(uint64_t iova, uint64_t last, char *buf, size_t len)
{
	uint64_t size = last - iova + 1;

	if (!size)
		snprintf(buf, len, "16E");
	else
		size_format(size, buf, len);
}

/* JSON "size": in bytes; the whole 64-bit space is 2^64, beyond uint64. */
static void size_json(struct out *o, uint64_t iova, uint64_t last)
{
	if (last - iova + 1)
		out_fmt_u64(o, "size", NULL, last - iova + 1);
	else
		out_json_raw(o, "size", "18446744073709551616");
}

static void range_message(const struct walk_range *r, char *buf, size_t len)
{
	switch (r->kind) {
	case WALK_FAULT:
		snprintf(buf, len, "unreadable: level-%d table at 0x%" PRIx64 " is %s (at 0x%" PRIx64 ")",
			 r->level, r->table, walk_err_text(r->err), r->at);
		break;
	case WALK_SHARED:
		snprintf(buf, len, "shared: level-%d table at 0x%" PRIx64 " already listed under IOVA 0x%" PRIx64,
			 r->level, r->table, r->first_iova);
		break;
	case WALK_LOOP:
		snprintf(buf, len, "loop: the entry at 0x%" PRIx64 " points back to its ancestor, the table at 0x%" PRIx64,
			 r->at, r->table);
		break;
	case WALK_BAD:
		snprintf(buf, len, "malformed: the level-%d entry at 0x%" PRIx64 " (table 0x%" PRIx64 ") points to a level that cannot follow",
			 r->level, r->at, r->table);
		break;
	case WALK_LIMIT:
		snprintf(buf, len, "not walked: %s reached",
			 r->limit == WALK_LIMIT_RANGES ? "--max-ranges" : "--max-tables");
		break;
	default:
		buf[0] = '\0';
	}
}

/* A mapping: IOVA, PA, SIZE, PERMS, PAGE. */
static void wout_map(struct out *o, const struct walk_range *r, const char *size)
{
	char perms[8], psz[16];

	decode_perms_format(r->perms, perms);
	size_format(1ULL << r->page_shift, psz, sizeof(psz));
	out_fmt_hex(o, "pa", "0x%016" PRIx64 "  ", r->pa);
	out_fmt_str(o, NULL, "%-6s ", size);
	out_fmt_str(o, "perms", "%-5s ", perms);
	out_fmt_u64(o, "page_size", NULL, 1ULL << r->page_shift);
	out_fmt_str(o, NULL, "%s", psz);
	out_fmt_u64(o, "pages", NULL, r->pages);
}

/* A range the walk could not list: '!' and what stopped it. */
static void wout_unlisted(struct out *o, const struct walk_range *r, const char *size)
{
	char msg[200];

	range_message(r, msg, sizeof(msg));
	out_textf(o, "%-18s  %-6s !     ", "-", size);
	/* the end of --max-ranges is about the listing, not about a table */
	if (r->kind != WALK_LIMIT || r->limit != WALK_LIMIT_RANGES) {
		out_fmt_i64(o, "level", NULL, r->level);
		out_fmt_hex(o, "table", NULL, r->table);
	}
	if (r->kind == WALK_BAD || r->kind == WALK_LOOP || r->kind == WALK_SHARED ||
	    (r->kind == WALK_LIMIT && r->limit == WALK_LIMIT_TABLES))
		out_fmt_hex(o, "entry_address", NULL, r->at);
	if (r->kind == WALK_FAULT) {
		out_fmt_hex(o, "fault_address", NULL, r->at);
		out_fmt_str(o, "read_error", NULL, walk_err_text(r->err));
	}
	if (r->kind == WALK_SHARED)
		out_fmt_hex(o, "first_iova", NULL, r->first_iova);
	out_fmt_str(o, "message", "%s", msg);
}

static char *put_hex16(char *p, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '0';
	*p++ = 'x';
	for (int i = 15; i >= 0; i--, v >>= 4)
		p[i] = hex[v & 15];
	return p + 16;
}

static char *put_padded(char *p, const char *s, size_t width)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	p += n;
	for (; n < width; n++)
		*p++ = ' ';
	return p;
}

/*
 * The text line of a mapping, by hand: a walk of scattered pages prints
 * millions of them, and the writer's per-field formatting was most of
 * its time. The same bytes as the generic path below:
 * "0x%016x  0x%016x  %-6s %-5s %s\n".
 */
static void wout_map_text(struct out *o, const struct walk_range *r, const char *size)
{
	char line[128], perms[8], psz[16], *p = line;

	decode_perms_format(r->perms, perms);
	size_format(1ULL << r->page_shift, psz, sizeof(psz));
	p = put_hex16(p, r->iova);
	*p++ = ' ';
	*p++ = ' ';
	p = put_hex16(p, r->pa);
	*p++ = ' ';
	*p++ = ' ';
	p = put_padded(p, size, 6);
	*p++ = ' ';
	p = put_padded(p, perms, 5);
	*p++ = ' ';
	p = put_padded(p, psz, 0);
	*p++ = '\n';
	out_bytes(o, line, (size_t)(p - line));
}

static int wout_range(void *priv, const struct walk_range *r)
{
	struct wout *w = priv;
	struct out *o = w->o;
	char size[16];

	size_text(r->iova, r->last, size, sizeof(size));
	if (r->kind == WALK_MAP && !w->labels && !out_is_json(o)) {
		out_obj_begin(o, NULL, NULL);
		wout_map_text(o, r, size);
		out_obj_end(o);
		return wout_status(w);
	}
	out_obj_begin(o, NULL, NULL);
	wout_label(w);
	out_fmt_str(o, "kind", NULL, walk_kind_name(r->kind));
	out_fmt_hex(o, "iova", "0x%016" PRIx64 "  ", r->iova);
	out_fmt_hex(o, "last", NULL, r->last);
	size_json(o, r->iova, r->last);
	if (r->kind == WALK_MAP)
		wout_map(o, r, size);
	else
		wout_unlisted(o, r, size);
	out_nl(o);
	out_obj_end(o);
	return wout_status(w);
}

/* A device-level line: identity, blocked, same table as another, or a structure problem. */
static void wout_device(struct wout *w, const char *kind, const char *msg)
{
	struct out *o = w->o;
	char dev[24];

	out_obj_begin(o, NULL, NULL);
	if (w->labels) {
		wout_label(w);
	} else if (w->rid) {
		/* one requester: named in JSON, said by the header's options in text */
		walk_rid_format(w->fam, w->rid->id, dev, sizeof(dev));
		out_fmt_str(o, "device", NULL, dev);
	}
	out_fmt_str(o, "kind", NULL, kind);
	out_textf(o, "%-18s  %-18s  %-6s %-5s ", "-", "-", "-",
		  !strcmp(kind, "identity") ? "=" :
		  !strcmp(kind, "note") || !strcmp(kind, "same_table") ? "~" : "!");
	out_fmt_str(o, "message", "%s", msg);
	out_nl(o);
	out_obj_end(o);
}

static void wout_progress(void *priv, const struct walk_stats *st, uint64_t iova)
{
	struct wout *w = priv;

	progress_msg(w->ctx, "walk: %" PRIu64 " tables, %" PRIu64 " pages, at IOVA 0x%" PRIx64,
		     st->tables, st->pages, iova);
}

static void pt_describe(const struct walk_pt *pt, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s, %d levels, %u-bit input, root 0x%" PRIx64, pt->fmt->name,
			 walk_pt_levels(pt), walk_pt_input_bits(pt), pt->root);

	/* TCE: the level size is a guess from the kernel's page size unless given */
	if (pt->tce_level_bits && walk_pt_levels(pt) > 1 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %llu entries per lower level",
			 1ULL << pt->tce_level_bits);
}

/* The page table walked, as JSON members (text says it in the header line of translate). */
static void pt_members(struct out *o, const struct walk_pt *pt)
{
	out_fmt_str(o, "format", NULL, pt->fmt->name);
	out_fmt_hex(o, "root", NULL, pt->root);
	out_fmt_i64(o, "levels", NULL, walk_pt_levels(pt));
	out_fmt_u64(o, "input_bits", NULL, walk_pt_input_bits(pt));
}

/* Opens the document and its "mappings" list; text: the column headings. */
static void wout_header(struct wout *w, const struct walk_setup *s, const struct walk_pt *pt)
{
	struct out *o = w->o;

	out_obj_begin(o, NULL, NULL);
	if (s->hier) {
		out_fmt_str(o, "hierarchy", NULL, walk_family_name(s->h.family));
		out_fmt_hex(o, "hierarchy_root", NULL, s->h.base);
	}
	if (pt)
		pt_members(o, pt);
	if (w->labels)
		out_textf(o, "%-10s %-7s ", "DEVICE", "PASID");
	out_textf(o, "%-18s  %-18s  %-6s %-5s %s", "IOVA", "PA", "SIZE", "PERMS", "PAGE");
	out_nl(o);
	out_list_begin(o, "mappings", NULL);
}

/* Closes the list and the document with the counts (text: on stderr with -v). */
static void wout_footer(struct wout *w)
{
	const struct walk_stats *st = &w->st;
	struct out *o = w->o;

	out_list_end(o);
	out_obj_begin(o, "totals", NULL);
	out_fmt_u64(o, "nranges", NULL, st->ranges);
	out_fmt_u64(o, "pages", NULL, st->pages);
	out_fmt_u64(o, "bytes", NULL, st->bytes);
	out_fmt_u64(o, "tables", NULL, st->tables);
	out_fmt_u64(o, "entries", NULL, st->entries);
	out_fmt_u64(o, "unreadable", NULL, st->faults);
	out_fmt_u64(o, "shared", NULL, st->shared);
	out_fmt_u64(o, "loops", NULL, st->loops);
	out_fmt_u64(o, "malformed", NULL, st->bad);
	out_fmt_u64(o, "limited", NULL, st->limited);
	if (w->labels) {
		out_fmt_u64(o, "ndevices", NULL, w->devices);
		out_fmt_u64(o, "device_problems", NULL, w->device_problems);
	}
	out_obj_end(o);
	out_obj_end(o);
	/* the JSON document carries the counts; text keeps stdout to the listing */
	if (w->ctx->verbose && !out_is_json(o))
		fprintf(w->ctx->errf, "walk: %" PRIu64 " ranges, %" PRIu64 " pages, %" PRIu64
			" bytes mapped, %" PRIu64 " tables read\n", st->ranges, st->pages,
			st->bytes, st->tables);
}

/* ---- walk ---- */

struct seen_root {
	const struct decode_fmt *fmt;
	uint64_t root;
	int levels;
	uint32_t id;
	bool has_pasid;
	uint32_t pasid;
};

struct all_state {
	struct wout *w;
	const struct walk_mem *m;
	struct walk_opts wo;
	struct seen_root *seen;
	size_t nseen, cap;
	bool expand;
};

/* all_device_cb(): --max-ranges ended the listing (not an error) */
#define ALL_STOPPED 1

static int all_device_cb(void *priv, const struct walk_rid *rid, const struct walk_target *tgt,
			 const struct walk_trail *t)
{
	struct all_state *a = priv;
	struct wout *w = a->w;
	char msg[260], dev[24];
	int err;

	w->rid = rid;
	if (!tgt) {
		w->device_problems++;
		if (rid->id_last != rid->id) {
			walk_rid_format(w->fam, rid->id_last, dev, sizeof(dev));
			snprintf(msg, sizeof(msg), "(through %s) %s", dev, t->why);
		} else {
			snprintf(msg, sizeof(msg), "%s", t->why);
		}
		wout_device(w, walk_stop_name(t->stop), msg);
		return wout_status(w);
	}
	w->devices++;
	if (tgt->kind != WALK_TGT_TABLE) {
		wout_device(w, tgt->kind == WALK_TGT_IDENTITY ? "identity" : "blocked",
			    tgt->note[0] ? tgt->note : tgt->kind == WALK_TGT_IDENTITY ?
			    "identity (no translation)" : "blocked");
		return wout_status(w);
	}
	if (!a->expand) {
		for (size_t i = 0; i < a->nseen; i++) {
			const struct seen_root *s = &a->seen[i];

			if (s->fmt == tgt->pt.fmt && s->root == tgt->pt.root &&
			    s->levels == walk_pt_levels(&tgt->pt)) {
				walk_rid_format(w->fam, s->id, dev, sizeof(dev));
				snprintf(msg, sizeof(msg), "same page table (%s at 0x%" PRIx64 ") as %s",
					 s->fmt->name, s->root, dev);
				if (s->has_pasid)
					snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), " PASID %u",
						 s->pasid);
				wout_device(w, "same_table", msg);
				return wout_status(w);
			}
		}
		if (a->nseen == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			a->seen = xrealloc(a->seen, a->cap * sizeof(*a->seen));
		}
		a->seen[a->nseen++] = (struct seen_root){ tgt->pt.fmt, tgt->pt.root,
							  walk_pt_levels(&tgt->pt), rid->id,
							  rid->has_pasid, rid->pasid };
	}
	if (tgt->note[0])
		wout_device(w, "note", tgt->note);
	err = walk_run(&tgt->pt, a->m, &a->wo, &w->st);
	if (err || !w->st.out_of_ranges)
		return err;
	/* the budget is spent: the devices after this one are not walked */
	wout_device(w, "limit", "not walked: --max-ranges reached; the devices after this one "
		    "are not listed");
	return wout_status(w) ? wout_status(w) : ALL_STOPPED;
}

static int walk_exit(struct iommuctl_ctx *ctx, const struct wout *w, int err)
{
	const struct walk_stats *st = &w->st;
	uint64_t bad = st->faults + st->loops + st->bad + st->limited + w->device_problems;

	if (err == -E2BIG)
		return err_report(ctx, -EIO, "--max-tables reached while reading device structures; "
					    "the listing stops there");
	if (err)
		return err_report(ctx, err, "walk stopped: %s", strerror(-err));
	if (st->out_of_ranges)
		return err_report(ctx, -EIO, "--max-ranges reached: the listing stops after %" PRIu64
				  " ranges (see its last line; a larger --max-ranges lists more)",
				  w->max_ranges);
	if (bad)
		return err_report(ctx, -EIO, "%" PRIu64 " range(s) or device(s) could not be listed "
					    "(unreadable, loop, malformed or --max-tables): see the '!' lines",
				  bad);
	return 0;
}

static int walk_cmd(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct walk_cli_opts *o = opts;
	struct walk_setup s;
	struct mem_source *ms = NULL;
	struct walk_mem m;
	struct wout w = { .ctx = ctx, .o = ctx_out(ctx) };
	struct walk_opts wo = { .emit = wout_range, .progress = wout_progress, .priv = &w };
	struct walk_trail t;
	struct walk_target tgt;
	int err, broken;

	if ((err = walk_setup(ctx, o, false, &s)))
		return err;
	if (o->iova && (err = iova_opt(ctx, o->iova, &wo.iova_start, &wo.iova_last)))
		return err;
	if (o->max_tables) {
		if ((err = num_opt(ctx, "max-tables", o->max_tables, &wo.max_tables)))
			return err;
		if (!wo.max_tables)
			return err_report(ctx, -EUSAGE, "--max-tables must be at least 1");
	}
	if (o->max_ranges) {
		if ((err = num_opt(ctx, "max-ranges", o->max_ranges, &wo.max_ranges)))
			return err;
		if (!wo.max_ranges)
			return err_report(ctx, -EUSAGE, "--max-ranges must be at least 1");
	}
	w.max_ranges = wo.max_ranges ? wo.max_ranges : WALK_MAX_RANGES_DEFAULT;
	wo.expand_shared = o->expand_shared;
	if ((err = walk_mem_open(ctx, o, &ms)))
		return err;
	tce_kernel_page(o, ms, &s);
	m = cli_walk_mem(ms);
	w.fam = s.h.family;

	if (!s.hier) {
		wout_header(&w, &s, &s.pt);
		err = walk_run(&s.pt, &m, &wo, &w.st);
	} else if (o->all_devices) {
		struct all_state a = { .w = &w, .m = &m, .wo = wo, .expand = o->expand_shared };

		w.labels = true;
		wout_header(&w, &s, NULL);
		err = walk_hier_enum(&s.h, &m, wo.max_tables, &w.st.tables, all_device_cb, &a);
		if (err == ALL_STOPPED)
			err = 0;
		w.rid = NULL;
		free(a.seen);
	} else {
		walk_trail_init(&t);
		err = walk_hier_resolve(&s.h, &m, &s.rid, &t, &tgt);
		if (err) {
			err = err_report(ctx, -EUSAGE, "%s", t.why);
			goto out;
		}
		w.rid = &s.rid;
		wout_header(&w, &s, t.stop == WALK_STOP_OK && tgt.kind == WALK_TGT_TABLE ? &tgt.pt : NULL);
		if (t.stop != WALK_STOP_OK) {
			w.device_problems++;
			wout_device(&w, walk_stop_name(t.stop), t.why);
		} else if (tgt.kind != WALK_TGT_TABLE) {
			wout_device(&w, tgt.kind == WALK_TGT_IDENTITY ? "identity" : "blocked",
				    tgt.note[0] ? tgt.note : "no translation");
		} else {
			if (tgt.note[0])
				wout_device(&w, "note", tgt.note);
			err = walk_run(&tgt.pt, &m, &wo, &w.st);
		}
	}
	progress_done(ctx);
	wout_footer(&w);
	broken = walk_mem_broken(ctx, o, ms);
	err = broken ? broken : walk_exit(ctx, &w, err);
out:
	cli_mem_close(ctx, ms);
	return err;
}

/* ---- translate ---- */

static void step_out(struct out *o, const struct walk_step *s)
{
	/* an entry's words: 32- or 64-bit, blank-separated in text */
	static const char *const word_fmt[2][2] = {
		{ "0x%016" PRIx64, " 0x%016" PRIx64 },
		{ "0x%08" PRIx64, " 0x%08" PRIx64 },
	};
	bool level = s->level != DECODE_LEVEL_UNSET && !strcmp(s->what, "page table");
	bool w32 = s->fmt && s->fmt->width == 32;
	size_t n = s->fmt ? s->fmt->nwords : 1;
	char name[40];

	if (level)
		snprintf(name, sizeof(name), "level %d", s->level);
	else
		snprintf(name, sizeof(name), "%s", s->what);
	out_obj_begin(o, NULL, NULL);
	out_fmt_str(o, "what", NULL, s->what);
	out_fmt_str(o, "format", NULL, s->fmt ? s->fmt->name : NULL);
	if (level)
		out_fmt_i64(o, "level", NULL, s->level);
	out_fmt_str(o, NULL, "%-22s ", name);
	out_fmt_hex(o, "table", "table 0x%016" PRIx64 "  ", s->table);
	out_fmt_u64(o, "index", "index 0x%-5" PRIx64 " ", s->index);
	out_fmt_hex(o, "entry_address", NULL, s->pa);
	if (s->read) {
		out_textf(o, "entry ");
		out_list_begin(o, "entry", NULL);
		/* inside a list the key is not written: it only asks for the JSON item */
		for (size_t i = 0; i < n; i++)
			out_fmt_hex(o, "entry", word_fmt[w32][i > 0], s->words[i]);
		out_list_end(o);
		out_textf(o, "  ");
	} else {
		out_fmt_str(o, "entry", "entry %s  ", NULL);
	}
	out_fmt_str(o, "layout", NULL, s->layout);
	out_fmt_str(o, "summary", "%s", s->summary);
	out_nl(o);
	out_obj_end(o);
}

/* The outcome: translated (PA, page size, permissions), pass-through, or why not. */
static void result_out(struct out *o, const struct walk_trail *t)
{
	bool ok = t->stop == WALK_STOP_OK, identity = t->stop == WALK_STOP_IDENTITY;
	char perms[8], psz[16];

	decode_perms_format(t->perms, perms);
	size_format(1ULL << t->page_shift, psz, sizeof(psz));
	out_obj_begin(o, "translation", NULL);
	out_textf(o, "result: ");
	out_fmt_str(o, "status", ok || identity ? NULL : "%s: ", walk_stop_name(t->stop));
	if (ok || identity)
		out_fmt_hex(o, "pa", "0x%016" PRIx64, t->pa);
	if (ok) {
		out_fmt_u64(o, "page_size", NULL, 1ULL << t->page_shift);
		out_fmt_str(o, NULL, " (%s page, ", psz);
		out_fmt_str(o, "perms", "%s)", perms);
	}
	if (identity)
		out_textf(o, " (identity)");
	if (t->stop == WALK_STOP_UNREADABLE) {
		out_fmt_str(o, "read_error", NULL, walk_err_text(t->err));
		out_fmt_hex(o, "fault_address", NULL, t->fault_pa);
	}
	if (!ok && !identity)
		out_fmt_str(o, "reason", "%s", t->why);
	out_nl(o);
	out_obj_end(o);
}

static int translate_cmd(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct walk_cli_opts *o = opts;
	struct walk_setup s;
	struct mem_source *ms = NULL;
	struct walk_mem m;
	struct walk_trail *t = xcalloc(1, sizeof(*t));
	struct walk_target tgt;
	const struct walk_pt *pt = NULL;
	struct out *out;
	uint64_t iova;
	char desc[160], dev[24];
	int err;

	if ((err = walk_setup(ctx, o, true, &s)))
		goto out_free;
	if (o->all_devices) {
		err = err_report(ctx, -EUSAGE, "translate takes one requester: drop --all-devices");
		goto out_free;
	}
	if ((err = num_opt(ctx, "IOVA", argv[0], &iova)))
		goto out_free;
	if ((err = walk_mem_open(ctx, o, &ms)))
		goto out_free;
	tce_kernel_page(o, ms, &s);
	m = cli_walk_mem(ms);
	walk_trail_init(t);
	if (s.hier) {
		err = walk_hier_resolve(&s.h, &m, &s.rid, t, &tgt);
		if (err) {
			err = err_report(ctx, -EUSAGE, "%s", t->why);
			goto out_close;
		}
		if (t->stop == WALK_STOP_OK) {
			if (tgt.note[0])
				snprintf(t->note, sizeof(t->note), "%s", tgt.note);
			if (tgt.kind == WALK_TGT_TABLE)
				pt = &tgt.pt;
			else if (tgt.kind == WALK_TGT_IDENTITY) {
				t->stop = WALK_STOP_IDENTITY;
				t->pa = iova;
			} else {
				walk_trail_stop(t, WALK_STOP_BLOCKED, "%s", tgt.note[0] ? tgt.note : "blocked");
			}
		}
	} else {
		pt = &s.pt;
	}
	if (pt && (err = walk_translate(pt, &m, iova, t)))
		goto out_close;
	if ((err = walk_mem_broken(ctx, o, ms)))
		goto out_close;

	out = ctx_out(ctx);
	out_obj_begin(out, NULL, NULL);
	out_fmt_hex(out, "iova", "iova 0x%016" PRIx64, iova);
	out_nl(out);
	if (s.hier) {
		walk_rid_format(s.h.family, s.rid.id, dev, sizeof(dev));
		out_fmt_str(out, "hierarchy", "%s", walk_family_name(s.h.family));
		out_fmt_hex(out, "hierarchy_root", " root 0x%" PRIx64, s.h.base);
		out_fmt_str(out, "device", ", device %s", dev);
		if (s.rid.has_pasid)
			out_fmt_u64(out, "pasid_number", ", PASID %" PRIu64, s.rid.pasid);
		else
			out_fmt_str(out, "pasid_number", NULL, NULL);
		out_nl(out);
	}
	if (pt) {
		pt_members(out, pt);
		pt_describe(pt, desc, sizeof(desc));
		out_text(out, "page table: %s", desc);
	}
	out_list_begin(out, "steps", NULL);
	for (size_t i = 0; i < t->n; i++)
		step_out(out, &t->steps[i]);
	out_list_end(out);
	out_fmt_str(out, "note", t->note[0] ? "note: %s\n" : NULL, t->note[0] ? t->note : NULL);
	result_out(out, t);
	out_obj_end(out);
	err = out_flush(out);
	if (!err && t->stop == WALK_STOP_UNREADABLE)
		err = err_report(ctx, -EIO, "%s", t->why);
	else if (!err && t->stop != WALK_STOP_OK && t->stop != WALK_STOP_IDENTITY)
		err = err_report(ctx, -ENOENT, "%s", t->why);
out_close:
	cli_mem_close(ctx, ms);
out_free:
	free(t);
	return err;
}

/* ---- tables ---- */

#define WALK_DOC_FORMATS \
	"FMT is a page-table format with --root (vtd-sl-pte, vtd-fl-pte, amd-v1-pte, amd-v2-pte, " \
	"arm-lpae-s1, arm-lpae-s2, arm-v7s, ppc-tce, riscv-pte and their decode aliases) or a " \
	"hierarchy that starts from a hardware root and a requester: vtd (--rtaddr, --scalable, " \
	"--dev, --pasid), smmuv3 (--strtab, --strtab-cfg, --sid, --ssid), amd (--dte-base, --dev, " \
	"--pasid for the v2 table through GCR3), riscv (--ddtp, --ext-dc, --dev, --pasid). "

/* ---- walk roots ---- */

enum {
	RCOL_ROOT,
	RCOL_FAMILY,
	RCOL_LAYOUT,
	RCOL_DEVICES,
	RCOL_TRANSLATED,
	RCOL_IDENTITY,
	RCOL_BLOCKED,
	RCOL_BROKEN,
	RCOL_OPTIONS,
};

static const struct out_col roots_cols[] = {
	[RCOL_ROOT] = { "ROOT", OCT_HEX, 0, OCF_DEFAULT, "physical address of the table" },
	[RCOL_FAMILY] = { "FAMILY", OCT_STR, 0, OCF_DEFAULT, "vtd, smmuv3, amd or riscv" },
	[RCOL_LAYOUT] = { "LAYOUT", OCT_STR, 0, OCF_DEFAULT,
			  "legacy or scalable (VT-d), 2-level or linear (SMMUv3), device table (AMD), "
			  "2LVL or 3LVL with base or extended DCs (RISC-V)" },
	[RCOL_DEVICES] = { "DEVICES", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT,
			   "valid requesters (and PASIDs) under it", .key = "ndevices" },
	[RCOL_TRANSLATED] = { "TRANSLATED", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "... with a page table" },
	[RCOL_IDENTITY] = { "IDENTITY", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "... passed through" },
	[RCOL_BLOCKED] = { "BLOCKED", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT, "... blocked (abort)" },
	[RCOL_BROKEN] = { "BROKEN", OCT_NUM, 0, OCF_DEFAULT | OCF_RIGHT,
			  "... whose structures stop early (unreadable, reserved bits)" },
	[RCOL_OPTIONS] = { "OPTIONS", OCT_STR, 0, OCF_DEFAULT | OCF_WRAP, "what to give walk and translate",
			   .key = "walk_options" },
};

/* What walk roots scans: the dump, and what was skipped and said so far. */
struct roots_src {
	struct iommuctl_ctx *ctx;
	struct mem_source *m;
	uint64_t pa_end;		/* the end of the dump's memory, for progress */
	uint64_t data_bytes;		/* the dump's readable bytes (0: not known), for progress */
	uint64_t holes;			/* bytes of file holes skipped */
	struct timespec said;		/* -v: when progress was last written */
	bool said_any;
};

/* The page walk roots reads at a time (roots.c) */
#define ROOTS_PAGE ((uint64_t)4096)

/*
 * The data ranges of the dump, less the holes of a sparse raw or ELF file
 * (zeros, in which no table can be found) that cover whole pages: a 1 TiB
 * sparse image is a few ranges to scan, not a terabyte of zeros.
 */
static int roots_range_next(void *priv, uint64_t pa, uint64_t *start, uint64_t *end)
{
	struct roots_src *src = priv;
	struct mem_range r;
	uint64_t s, from, hs, he;
	int err;

	for (;; pa = r.end) {
		/* data ranges only: excluded pages cannot hold a table we could read */
		while (!(err = mem_range_next(src->m, pa, &r)) && r.kind != MEM_RANGE_DATA)
			pa = r.end;
		if (err)
			return err;
		s = from = pa > r.start ? pa : r.start;
		while (from < r.end && !mem_hole_next(src->m, from, r.end, &hs, &he)) {
			uint64_t ps = (hs + ROOTS_PAGE - 1) & ~(ROOTS_PAGE - 1), pe = he & ~(ROOTS_PAGE - 1);

			from = he;
			if (ps < hs || ps >= pe)
				continue;	/* no whole page: read it */
			if (ps > s) {
				*start = s;
				*end = ps;
				return 0;
			}
			src->holes += pe - s;
			s = pe;
		}
		if (s < r.end) {
			*start = s;
			*end = r.end;
			return 0;
		}
	}
}

/* "N MiB scanned", and of how much when the dump says how much it holds */
static void roots_progress_text(const struct roots_src *src, uint64_t scanned, uint64_t pa, char *buf,
				size_t len)
{
	/* file holes are skipped, not read: they count as done */
	uint64_t done = scanned + src->holes;

	if (src->data_bytes && done <= src->data_bytes)
		snprintf(buf, len, "walk roots: %" PRIu64 " of %" PRIu64 " MiB (%u%%), at 0x%" PRIx64, done >> 20,
			 src->data_bytes >> 20, (unsigned)(done * 100.0 / (double)src->data_bytes), pa);
	else
		snprintf(buf, len, "walk roots: %" PRIu64 " MiB scanned, at 0x%" PRIx64 " of 0x%" PRIx64,
			 scanned >> 20, pa, src->pa_end);
}

static void roots_progress(void *priv, uint64_t scanned, uint64_t pa)
{
	struct roots_src *src = priv;
	struct iommuctl_ctx *ctx = src->ctx;
	struct timespec now;
	char text[160];

	roots_progress_text(src, scanned, pa, text, sizeof(text));
	progress_msg(ctx, "%s", text);
	/* -v away from a terminal (a log): a line at most every 10 seconds */
	if (!ctx->verbose || ctx->quiet || isatty(fileno(ctx->errf)))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (src->said_any && now.tv_sec - src->said.tv_sec < 10)
		return;
	fprintf(ctx->errf, "%s\n", text);
	src->said = now;
	src->said_any = true;
}

static char *roots_options_text(const struct walk_hier *h)
{
	switch (h->family) {
	case WALK_FAM_VTD:
		return xasprintf("--format vtd --rtaddr 0x%" PRIx64 "%s", h->base, h->scalable ? " --scalable" : "");
	case WALK_FAM_SMMUV3:
		return xasprintf("--format smmuv3 --strtab 0x%" PRIx64 " --strtab-cfg 0x%" PRIx64, h->base,
				 h->strtab_cfg);
	case WALK_FAM_RISCV:
		return xasprintf("--format riscv --ddtp 0x%" PRIx64 "%s", h->base, h->ext_dc ? " --ext-dc" : "");
	default:
		return xasprintf("--format amd --dte-base 0x%" PRIx64 " --dte-count %u", h->base, h->dte_count);
	}
}

/* The roots the kernel recorded, read beside the scan (decode/kern.h). */
struct kroots {
	char *note;			/* why they could not be read; NULL when read */
	struct kern_root *r;
	size_t n;
	size_t nsyms;
	const char *syms_from;		/* a string literal */
	bool btf_file;
	size_t btf_bytes;
};

/* Largest System.map read (Debian's amd64 one is ~10 MiB). */
#define SYSTEM_MAP_MAX ((size_t)256 << 20)

/* The whole file, up to SYSTEM_MAP_MAX: 0 or -errno. */
static int read_whole(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1 << 20, n = 0, got;
	char *b;

	if (!f)
		return -errno;
	b = xmalloc(cap);
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			if (cap >= SYSTEM_MAP_MAX) {
				fclose(f);
				free(b);
				return -EFBIG;
			}
			cap *= 2;
			b = xrealloc(b, cap);
		}
	}
	if (ferror(f)) {
		int err = -errno;

		fclose(f);
		free(b);
		return err ? err : -EIO;
	}
	fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

static void kroots_read(const struct walk_cli_opts *o, const struct mem_info *mi, const struct walk_mem *m,
			const char *smap, size_t smap_len, struct kroots *kr)
{
	struct kern_opts ko = { .m = m, .vmcoreinfo = mi->vmcoreinfo, .vmcoreinfo_len = mi->vmcoreinfo_len,
				.system_map = smap, .system_map_len = smap_len };
	struct kern *k = NULL;
	char *why = NULL;
	int err;

	if (!mi->vmcoreinfo || !mi->vmcoreinfo_len) {
		kr->note = xstrdup("the dump carries no VMCOREINFO (QEMU writes it only with -device vmcoreinfo "
				   "and the guest's qemu_fw_cfg driver)");
		return;
	}
	if ((err = kern_open(&ko, &k, &why))) {
		kr->note = xasprintf("%s", why ? why : strerror(-err));
		free(why);
		return;
	}
	kr->nsyms = kern_nsyms(k);
	kr->syms_from = kern_syms_from(k);
	if ((err = kern_btf_load(k, o->btf, &why))) {
		kr->note = xasprintf("no BTF: %s", why ? why : strerror(-err));
		goto out;
	}
	kr->btf_file = o->btf;
	kr->btf_bytes = kern_btf_size(k);
	if ((err = kern_roots(k, &kr->r, &kr->n, &why)))
		kr->note = xasprintf("%s", why ? why : strerror(-err));
out:
	free(why);
	kern_close(k);
}

/* The rank (1 = first) of the scan's candidate that is this root, 0 when none is. */
static size_t kroots_rank(const struct kern_root *r, const struct root_candidate *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c[i].h.family == r->h.family && c[i].h.base == r->h.base &&
		    (r->h.family != WALK_FAM_RISCV || c[i].h.ext_dc == r->h.ext_dc))
			return i + 1;
	return 0;
}

static void kroots_print(struct iommuctl_ctx *ctx, const struct kroots *kr, const struct root_candidate *c,
			 size_t n, bool looked_all, enum walk_family looked)
{
	struct out *o = ctx_out(ctx);
	bool json = out_is_json(o);

	if (kr->note) {
		if (json) {
			out_obj_begin(o, "kernel", NULL);
			out_str(o, "note", NULL, kr->note);
			out_obj_end(o);
		}
		out_flush(o);
		note_msg(ctx, "the roots the kernel recorded were not read: %s", kr->note);
		return;
	}
	if (json) {
		out_obj_begin(o, "kernel", NULL);
		out_u64(o, "symbols", NULL, kr->nsyms);
		out_str(o, "symbols_from", NULL, kr->syms_from);
		out_str(o, "btf_from", NULL, kr->btf_file ? "file" : "dump");
		if (!kr->btf_file)
			out_u64(o, "btf_bytes", NULL, kr->btf_bytes);
		out_list_begin(o, "units", NULL);
	} else {
		out_nl(o);
		out_textf(o, "kernel: %zu symbols (%s), BTF %s; %zu IOMMU unit%s on iommu_device_list\n", kr->nsyms,
			  kr->syms_from, kr->btf_file ? "from the file given" : "from the dump", kr->n,
			  kr->n == 1 ? "" : "s");
	}
	for (size_t i = 0; i < kr->n; i++) {
		const struct kern_root *r = &kr->r[i];
		size_t rank = r->ok ? kroots_rank(r, c, n) : 0;
		bool looked_for = looked_all || (r->known && r->family == looked);
		char *opt = r->ok ? roots_options_text(&r->h) : NULL;

		if (json) {
			out_obj_begin(o, NULL, NULL);
			out_str(o, "name", NULL, r->unit);
			out_str(o, "family", NULL, r->known ? walk_family_name(r->family) : NULL);
			if (r->reg_phys)
				out_hex(o, "register_base", NULL, r->reg_phys);
			else
				out_null(o, "register_base", NULL);
			if (r->ok) {
				out_hex(o, "root", NULL, r->root);
				out_str(o, "layout", NULL, r->layout);
				out_str(o, "walk_options", NULL, opt);
				if (rank)
					out_u64(o, "scan_rank", NULL, rank);
				else
					out_null(o, "scan_rank", NULL);
			}
			if (r->why[0])
				out_str(o, r->ok ? "note" : "reason", NULL, r->why);
			out_obj_end(o);
		} else {
			out_textf(o, "  %s (%s", r->unit, r->known ? walk_family_name(r->family) : "unknown");
			if (r->reg_phys)
				out_textf(o, ", registers 0x%" PRIx64, r->reg_phys);
			if (!r->ok) {
				out_textf(o, "): not read: %s\n", r->why);
			} else {
				out_textf(o, "): root 0x%" PRIx64 ", %s; ", r->root, r->layout);
				if (rank)
					out_textf(o, "the scan ranks it %zu of %zu\n", rank, n);
				else if (!looked_for)
					out_textf(o, "not looked for (--format %s)\n", walk_family_name(looked));
				else
					out_textf(o, "the scan did not find it\n");
				if (r->why[0])
					out_textf(o, "    note: %s\n", r->why);
				out_textf(o, "    %s\n", opt);
			}
		}
		free(opt);
	}
	if (json) {
		out_list_end(o);
		out_obj_end(o);
	}
}

static int roots_cmd(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct walk_cli_opts *o = opts;
	struct roots_src src = { .ctx = ctx };
	struct roots_opts ro = { .range_next = roots_range_next, .range_priv = &src,
				 .progress = roots_progress, .progress_priv = &src };
	struct root_candidate *c = NULL;
	struct roots_stats st;
	struct mem_source *ms = NULL;
	struct mem_info mi;
	struct out_table *tab;
	struct walk_mem m;
	struct kroots kr = { 0 };
	char *smap = NULL;
	size_t n = 0, i, smap_len = 0;
	int err;

	(void)argc;
	(void)argv;
	/* without --format: every family at once, ranked together */
	ro.any_family = !o->format;
	if (o->format && walk_family_find(o->format, &ro.family))
		return err_report(ctx, -EUSAGE, "--format %s: walk roots looks for vtd, smmuv3, amd or riscv tables",
				  o->format);
	if (o->max_tables) {
		if ((err = num_opt(ctx, "max-tables", o->max_tables, &ro.max_tables)))
			return err;
		if (!ro.max_tables)
			return err_report(ctx, -EUSAGE, "--max-tables must be at least 1");
	}
	if (o->btf && access(o->btf, R_OK))
		return err_report(ctx, -errno, "--btf %s: %s", o->btf, strerror(errno));
	if (o->system_map && (err = read_whole(o->system_map, &smap, &smap_len)))
		return err_report(ctx, err, "--system-map %s: %s", o->system_map,
				  err == -EFBIG ? "larger than 256 MiB" : strerror(-err));
	err = cli_table_new(ctx, "roots", roots_cols, ARRAY_SIZE(roots_cols), &tab);
	if (err) {
		free(smap);
		return err < 0 ? err : 0;
	}
	if ((err = walk_mem_open(ctx, o, &ms))) {
		free(smap);
		out_table_free(tab);
		return err;
	}
	m = cli_walk_mem(ms);
	mem_info(ms, &mi);
	src.m = ms;
	src.pa_end = mi.pa_end;
	src.data_bytes = mi.data_bytes;
	err = roots_find(&m, &ro, &c, &n, &st);
	progress_done(ctx);
	if (ctx->verbose && !ctx->quiet)
		fprintf(ctx->errf, "walk roots: %" PRIu64 " pages scanned (%" PRIu64 " MiB), %" PRIu64
			" MiB of file holes skipped, %" PRIu64 " unreadable pages, %" PRIu64
			" candidates checked\n", st.pages, (st.pages * ROOTS_PAGE) >> 20, src.holes >> 20,
			st.unreadable, st.checked);
	if (!err)
		err = walk_mem_broken(ctx, o, ms);
	else if (!walk_mem_broken(ctx, o, ms))
		err = err_report(ctx, err, "walk roots: %s", strerror(-err));
	/* what the kernel itself recorded, when the dump says enough to read it */
	if (!err)
		kroots_read(o, &mi, &m, smap, smap_len, &kr);
	free(smap);
	if (!err)
		err = walk_mem_broken(ctx, o, ms);
	cli_mem_close(ctx, ms);
	if (err) {
		free(kr.note);
		free(kr.r);
		free(c);
		out_table_free(tab);
		return err;
	}
	for (i = 0; i < n; i++) {
		struct out_row *row = out_table_row(tab);
		char *opt = roots_options_text(&c[i].h);

		/* RISC-V: the candidate is a ddtp value, mode and PPN */
		out_cell_hex(row, RCOL_ROOT, c[i].h.family == WALK_FAM_RISCV ? c[i].h.base >> 10 << 12 :
			     c[i].h.base);
		out_cell_str(row, RCOL_FAMILY, walk_family_name(c[i].h.family));
		out_cell_str(row, RCOL_LAYOUT, c[i].layout);
		out_cell_u64(row, RCOL_DEVICES, c[i].requesters - c[i].broken);
		out_cell_u64(row, RCOL_TRANSLATED, c[i].translated);
		out_cell_u64(row, RCOL_IDENTITY, c[i].identity);
		out_cell_u64(row, RCOL_BLOCKED, c[i].blocked);
		out_cell_u64(row, RCOL_BROKEN, c[i].broken);
		out_cell_str(row, RCOL_OPTIONS, opt);
		free(opt);
	}
	/* JSON: one document, the table's "roots" and then "kernel" */
	if (out_is_json(ctx_out(ctx)))
		out_obj_begin(ctx_out(ctx), NULL, NULL);
	err = out_table_print(tab);
	if (!err)
		kroots_print(ctx, &kr, c, n, ro.any_family, ro.family);
	if (!err && out_is_json(ctx_out(ctx)))
		out_obj_end(ctx_out(ctx));
	free(kr.note);
	free(kr.r);
	free(c);
	if (!err && !n)
		return err_report(ctx, -ENOENT, "no %s table found in %s (%" PRIu64 " pages scanned, %" PRIu64
				  " unreadable, %" PRIu64 " candidates checked)",
				  o->format ? o->format : "VT-d, SMMUv3, AMD or RISC-V", o->mem.file, st.pages,
				  st.unreadable, st.checked);
	return err;
}

static const struct cli_verb walk_verbs[] = {
	{
		.name = "mappings",
		.alias = "ls",
		.summary = "list every mapping of a page table in a memory dump",
		.doc = WALK_DOC_FORMATS
		       "Prints one line per run of mappings that are contiguous in IOVA and physical "
		       "address with the same permissions and page size: IOVA, PA, SIZE, PERMS (rwxu, "
		       "'-' for each not granted), PAGE. Output streams as the walk goes. Lines marked "
		       "'!' are ranges the walk could not list: a table outside the dump or excluded "
		       "from it, a loop (a table that is its own ancestor: not descended), a malformed "
		       "entry, --max-tables reached, or the end of the listing at --max-ranges (16M "
		       "lines unless given); 'shared' lines are intermediate tables reached "
		       "a second time, listed under the first IOVA only (--expand-shared walks them "
		       "again). With --all-devices every valid device (and PASID) is walked and "
		       "labelled; a device whose table was already listed for another says so. "
		       "Exit status 1 when some range or device could not be listed.",
		.options = walk_options,
		.parser = walk_parse_opt,
		.opts_size = sizeof(struct walk_cli_opts),
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_NO_VIEW,
		.run = walk_cmd,
	},
	{
		.name = "roots",
		.summary = "find the IOMMU root tables (VT-d, SMMUv3, AMD, RISC-V) in a memory dump",
		.doc = "A crash dump holds the IOMMU's tables but not its registers. This reads every page "
		       "of the dump once (not the holes of a sparse raw or ELF file), keeps those laid out like a family's top table as Linux writes it "
		       "(VT-d: 256 root entries, each zero or present with reserved bits clear; SMMUv3: "
		       "level-1 descriptors of one span, or pages of valid STEs; AMD: pages of valid "
		       "DTEs), walks each candidate as a hierarchy and lists those that lead to valid "
		       "devices, best first: most devices with a page table, then most devices, then "
		       "fewest broken ones. Without --format every family is looked for in the same pass and "
		       "the candidates of all are ranked together (a dump of an unknown machine); with it, "
		       "that family only. OPTIONS is what to give 'walk' and 'translate'; for a "
		       "2-level SMMUv3 table LOG2SIZE is what one page of level-1 descriptors covers, "
		       "which may exceed the SMMU's. When the dump carries VMCOREINFO, the roots the kernel "
		       "itself recorded are read too (its symbols from the kallsyms tables VMCOREINFO points to "
		       "or --system-map, its types from its BTF in the dump or --btf, then the IOMMU core's "
		       "iommu_device_list) and listed after the table with where the scan ranks each; when "
		       "something needed is missing, a note on stderr says what. "
		       "Exit status 3 when nothing is found.",
		.options = roots_options,
		.parser = walk_parse_opt,
		.opts_size = sizeof(struct walk_cli_opts),
		.min_args = 0,
		.max_args = 0,
		.flags = CLI_NO_VIEW,
		.run = roots_cmd,
	},
	{ 0 }
};

static const struct cli_verb translate_verbs[] = {
	{
		.name = "iova",
		.summary = "translate one address through a page table in a memory dump",
		.args_doc = "IOVA",
		.doc = WALK_DOC_FORMATS
		       "Prints every entry read, one line per step (table address, index, raw entry, "
		       "what it says), then the result: the physical address, page size and "
		       "permissions, or why translation stops (not present at a level, an entry "
		       "outside the dump or excluded from it, reserved bits set, a loop, a malformed "
		       "entry, an address outside the input space). 'translate IOVA' is short for "
		       "'translate iova IOVA'. Exit status 0 when translated (or pass-through), 3 when "
		       "the IOMMU would fault, 1 when the dump cannot tell.",
		.options = translate_options,
		.parser = walk_parse_opt,
		.opts_size = sizeof(struct walk_cli_opts),
		.min_args = 1,
		.max_args = 1,
		.flags = CLI_NO_VIEW,
		.run = translate_cmd,
	},
	{ 0 }
};

const struct cli_object cli_object_walk = {
	.name = "walk",
	.summary = "list the mappings of IOMMU page tables in a memory dump",
	.default_verb = "mappings",
	.verbs = walk_verbs,
};

/* 'translate IOVA ...': any word that is not a verb is the address. */
static const struct cli_verb translate_fallback = {
	.name = "IOVA",
	.summary = "same as 'translate iova IOVA'",
	.options = translate_options,
	.parser = walk_parse_opt,
	.opts_size = sizeof(struct walk_cli_opts),
	.min_args = 1,
	.max_args = 1,
	.flags = CLI_NO_VIEW,
	.run = translate_cmd,
};

const struct cli_object cli_object_translate = {
	.name = "translate",
	.summary = "translate an address through IOMMU tables in a memory dump",
	.default_verb = "iova",
	.verbs = translate_verbs,
	.fallback = &translate_fallback,
};
