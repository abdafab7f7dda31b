// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor (doctor.h): the checks, each from files read through the view.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/sysfs/doctor.h"
#include "backends/sysfs/inventory.h"
#include "backends/vfio/nodes.h"
#include "backends/vfio/vfio.h"
#include "core/dlib_zlib.h"
#include "core/util.h"
#include "core/view.h"

#define ACPI_TABLES  "/sys/firmware/acpi/tables"
#define DT_BASE      "/sys/firmware/devicetree/base"
#define PROC_CMDLINE "/proc/cmdline"
#define PROC_INTR    "/proc/interrupts"
#define SYS_MODULE   "/sys/module"
#define DT_MAX_NODES 4096
#define DT_MAX_DEPTH 16
#define DT_MAX_NAMED 8      /* IOMMU nodes named in the evidence */

static const char *const verdict_names[] = { "ok", "warn", "fail", "unknown" };
static const char *const area_names[] = { "firmware", "kernel", "vfio", "groups" };

const char *doctor_verdict_name(enum doctor_verdict v)
{
	return v < DOCTOR_NVERDICTS ? verdict_names[v] : "unknown";
}

const char *doctor_area_name(enum doctor_area a)
{
	return a < DOCTOR_NAREAS ? area_names[a] : "?";
}

/* ---- pure helpers ---- */

char *doctor_cmdline_value(const char *cmdline, const char *name)
{
	size_t nl = strlen(name);
	char *found = NULL;
	const char *p = cmdline;

	while (p && *p) {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, " \t\n");
		/* the kernel stops at "--": what follows is init's */
		if (end - p == 2 && !strncmp(p, "--", 2))
			break;
		if ((size_t)(end - p) >= nl && !strncmp(p, name, nl) &&
		    (p + nl == end || p[nl] == '=')) {
			free(found);
			found = p + nl == end ? xstrdup("") : xstrndup(p + nl + 1, end - p - nl - 1);
		}
		p = end;
	}
	return found;
}

/* Whether the comma-separated list val holds word. */
static bool list_has(const char *val, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = val; p && *p;) {
		size_t n = strcspn(p, ",");

		if (n == wl && !strncmp(p, word, wl))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool bool_on(const char *val)
{
	return val && (!strcmp(val, "1") || !strcasecmp(val, "y") || !strcasecmp(val, "on") ||
		       !strcasecmp(val, "yes") || !strcasecmp(val, "true"));
}

int doctor_interrupts_isolated(const char *text)
{
	int its = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char *line = xstrndup(p, n);
		bool ir = strstr(line, " IR-") != NULL, isits = strstr(line, " ITS-") != NULL;

		free(line);
		if (ir)
			return 1;
		if (isits)
			its = 2;
	}
	return its;
}

/* ---- the list being built ---- */

static struct doctor_check *add(struct doctor *d, enum doctor_area area, const char *id,
				const char *name, enum doctor_verdict verdict)
{
	struct doctor_check *c;

	d->checks = xrealloc(d->checks, (d->n + 1) * sizeof(*d->checks));
	c = &d->checks[d->n++];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	c->area = area;
	c->name = xstrdup(name);
	c->verdict = verdict;
	return c;
}

__attribute__((format(printf, 2, 3)))
static void evidence(struct doctor_check *c, const char *fmt, ...)
{
	va_list ap;

	free(c->evidence);
	va_start(ap, fmt);
	c->evidence = xvasprintf(fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void fix(struct doctor_check *c, const char *fmt, ...)
{
	va_list ap;

	free(c->fix);
	va_start(ap, fmt);
	c->fix = xvasprintf(fmt, ap);
	va_end(ap);
}

/* ---- facts ---- */

struct facts {
	struct inventory inv;
	bool inv_ok;
	char *release;

	bool fw_known;            /* /sys/firmware could be listed */
	bool acpi;                /* /sys/firmware/acpi/tables could be listed */
	struct strv tables;       /* of DMAR IVRS IORT VIOT, those present */
	bool dt;                  /* /sys/firmware/devicetree/base could be listed */
	struct strv dt_iommus;    /* "/iommu@1000 (arm,smmu-v3)": nodes with #iommu-cells (the first few) */
	size_t dt_providers;      /* how many there are */
	size_t dt_users;          /* nodes with iommus or iommu-map */

	char *cmdline;            /* NULL: not in the source */
	bool modules_known;       /* /sys/module could be listed */
	struct strv modules;
	char *interrupts;         /* NULL: not in the source */
	struct vfio_nodes nodes;
	bool dev_known;           /* /dev is in the source */
};

static void read_dt(struct view *v, const char *path, int depth, struct facts *f, size_t *budget)
{
	struct strv names = { 0 };
	bool provider = false, user = false;

	if (!*budget || depth > DT_MAX_DEPTH || view_list(v, &names, "%s", path))
		return;
	(*budget)--;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];

		if (!strcmp(n, "#iommu-cells"))
			provider = true;
		else if (!strcmp(n, "iommus") || !strcmp(n, "iommu-map"))
			user = true;
	}
	if (provider) {
		char *compat = NULL;
		size_t len = 0;
		const char *node = path + strlen(DT_BASE);

		char *cp = xasprintf("%s/compatible", path);

		if (view_read_file(v, cp, &compat, &len))
			compat = NULL;
		free(cp);
		if (f->dt_iommus.n < DT_MAX_NAMED)
			strv_push_owned(&f->dt_iommus, xasprintf("%s (%s)", *node ? node : "/",
								 compat && *compat ? compat : "no compatible"));
		f->dt_providers++;
		free(compat);
	}
	if (user)
		f->dt_users++;
	for (size_t i = 0; i < names.n; i++) {
		enum view_kind k;
		char *sub = xasprintf("%s/%s", path, names.v[i]);

		if (!view_kind(v, sub, &k) && k == VIEW_DIR)
			read_dt(v, sub, depth + 1, f, budget);
		free(sub);
	}
	strv_free(&names);
}

static void facts_read(struct view *v, struct facts *f)
{
	struct strv names = { 0 };
	size_t len;

	memset(f, 0, sizeof(*f));
	f->inv_ok = !inventory_load(v, &f->inv);
	if (view_read_str(v, &f->release, "/proc/sys/kernel/osrelease"))
		f->release = NULL;

	if (!view_list(v, &names, "/sys/firmware")) {
		f->fw_known = true;
		if (strv_contains(&names, "acpi")) {
			struct strv t = { 0 };

			if (!view_list(v, &t, ACPI_TABLES)) {
				static const char *const want[] = { "DMAR", "IVRS", "IORT", "VIOT" };

				f->acpi = true;
				for (size_t i = 0; i < ARRAY_SIZE(want); i++)
					if (strv_contains(&t, want[i]))
						strv_push(&f->tables, want[i]);
			}
			strv_free(&t);
		}
		if (strv_contains(&names, "devicetree")) {
			size_t budget = DT_MAX_NODES;
			enum view_kind k;

			if (!view_kind(v, DT_BASE, &k) && k != VIEW_NONE) {
				f->dt = true;
				read_dt(v, DT_BASE, 0, f, &budget);
			}
		}
	}
	strv_free(&names);

	if (view_read_file(v, PROC_CMDLINE, &f->cmdline, &len))
		f->cmdline = NULL;
	if (!view_list(v, &f->modules, SYS_MODULE))
		f->modules_known = true;
	if (view_read_file(v, PROC_INTR, &f->interrupts, &len))
		f->interrupts = NULL;
	vfio_nodes_read(v, &f->nodes);
	{
		enum view_kind k;

		f->dev_known = !view_kind(v, "/dev", &k) && k == VIEW_DIR;
	}
}

static void facts_release(struct facts *f)
{
	if (f->inv_ok)
		inventory_release(&f->inv);
	free(f->release);
	strv_free(&f->tables);
	strv_free(&f->dt_iommus);
	free(f->cmdline);
	strv_free(&f->modules);
	free(f->interrupts);
	vfio_nodes_release(&f->nodes);
}

static bool module_loaded(const struct facts *f, const char *name)
{
	return f->modules_known && strv_contains(&f->modules, name);
}

/* The name of the first unit of that kind ("spapr-tce"); NULL when none, or the inventory was not read. */
static const char *unit_of_kind(const struct facts *f, const char *kind)
{
	for (size_t i = 0; f->inv_ok && i < f->inv.nunits; i++)
		if (f->inv.units[i].kind_name && !strcmp(f->inv.units[i].kind_name, kind))
			return f->inv.units[i].name;
	return NULL;
}

/* A module parameter: malloc'd value, NULL when absent. */
static char *module_param(struct view *v, const char *mod, const char *param)
{
	char *val;

	if (view_read_str(v, &val, SYS_MODULE "/%s/parameters/%s", mod, param))
		return NULL;
	return val;
}

/* A gzip stream inflated, at most 16 MiB (a bomb is no configuration); NULL: not one. */
static char *gunzip(const char *in, size_t inlen, size_t *outlen)
{
	z_stream zs = { 0 };
	size_t cap = 1 << 18, n = 0;
	char *out;
	int rc;

	/* without zlib the configuration is looked for in /boot */
	if (dlib_load(DLIB_ZLIB))
		return NULL;
	out = xmalloc(cap + 1);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)inlen;
	do {
		if (n == cap) {
			if (cap >= (16u << 20))
				break;
			cap *= 2;
			out = xrealloc(out, cap + 1);
		}
		zs.next_out = (unsigned char *)out + n;
		zs.avail_out = (uInt)(cap - n);
		rc = inflate(&zs, Z_NO_FLUSH);
		n = cap - zs.avail_out;
	} while (rc == Z_OK);
	inflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

/*
 * One CONFIG_ option of the running kernel: "y", "m", "n" (not set), or
 * NULL when no configuration is in the source. *from names the file read.
 */
static const char *kconfig(struct view *v, const struct facts *f, const char *opt, char **from)
{
	char *buf = NULL, *text = NULL, *key;
	size_t len = 0, tlen = 0;
	const char *res = NULL;

	*from = NULL;
	if (!view_read_file(v, "/proc/config.gz", &buf, &len)) {
		text = gunzip(buf, len, &tlen);
		free(buf);
		if (text)
			*from = xstrdup("/proc/config.gz");
	}
	if (!text && f->release) {
		char *p = xasprintf("/boot/config-%s", f->release);

		if (!view_read_file(v, p, &text, &tlen))
			*from = p;
		else {
			text = NULL;
			free(p);
		}
	}
	if (!text)
		return NULL;
	res = "n";
	key = xasprintf("%s=", opt);
	for (char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, strlen(key))) {
			char c = p[strlen(key)];

			res = c == 'y' ? "y" : c == 'm' ? "m" : "n";
			break;
		}
	free(key);
	free(text);
	return res;
}

/* ---- the checks ---- */

static char *joined(const struct strv *sv, const char *empty)
{
	return sv->n ? strv_join(sv, ", ") : xstrdup(empty);
}

static void check_firmware(struct view *v, struct facts *f, struct doctor *d)
{
	struct doctor_check *c;
	struct strv where = { 0 };
	bool described = f->tables.n || f->dt_iommus.n;
	size_t ngroups = f->inv_ok ? f->inv.ngroups : 0;
	char *intel = f->cmdline ? doctor_cmdline_value(f->cmdline, "intel_iommu") : NULL;
	char *amd = f->cmdline ? doctor_cmdline_value(f->cmdline, "amd_iommu") : NULL;
	char *iommu = f->cmdline ? doctor_cmdline_value(f->cmdline, "iommu") : NULL;

	/* does the firmware describe an IOMMU? */
	c = add(d, DOCTOR_FIRMWARE, "firmware.table", "firmware describes an IOMMU", DOCTOR_OK);
	for (size_t i = 0; i < f->tables.n; i++)
		strv_push_owned(&where, xasprintf(ACPI_TABLES "/%s", f->tables.v[i]));
	for (size_t i = 0; i < f->dt_iommus.n; i++)
		strv_push_owned(&where, xasprintf("devicetree %s", f->dt_iommus.v[i]));
	if (!f->fw_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, "/sys/firmware: not in the source (a snapshot saved before doctor existed, or a tree "
			 "without it)");
	} else if (described) {
		char *s = strv_join(&where, ", ");

		char *more = f->dt_providers > f->dt_iommus.n ?
			     xasprintf(", ... (%zu devicetree IOMMU nodes)", f->dt_providers) : xstrdup("");

		if (f->dt_users)
			evidence(c, "%s%s (%zu devicetree nodes name an IOMMU)", s, more, f->dt_users);
		else
			evidence(c, "%s%s", s, more);
		free(more);
		free(s);
	} else {
		c->verdict = ngroups ? DOCTOR_OK : DOCTOR_FAIL;
		evidence(c, "%s%s%s", f->acpi ? ACPI_TABLES ": no DMAR, IVRS, IORT or VIOT" : "no ACPI tables",
			 f->dt ? "; devicetree: no node with #iommu-cells" : "", "");
		if (!ngroups)
			fix(c, "the firmware does not expose an IOMMU: enable it in the BIOS/UEFI setup (Intel "
			       "VT-d, AMD IOMMU / AMD-Vi, sometimes \"DMA protection\"); under QEMU add an IOMMU "
			       "device (-device intel-iommu,intremap=on with -machine q35,kernel-irqchip=split, "
			       "-device amd-iommu, or -device virtio-iommu-pci)");
	}
	strv_free(&where);

	/* did the kernel enable one? */
	c = add(d, DOCTOR_FIRMWARE, "firmware.enabled", "kernel enabled an IOMMU", DOCTOR_OK);
	if (!f->inv_ok || !f->inv.have_groups) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, "/sys/kernel/iommu_groups: not in the source");
		goto out;
	}
	{
		struct strv units = { 0 };
		char *u;

		for (size_t i = 0; i < f->inv.nunits && i < 4; i++)
			strv_push(&units, f->inv.units[i].name);
		if (f->inv.nunits > 4)
			strv_push(&units, "...");
		u = joined(&units, "none");
		evidence(c, "/sys/class/iommu: %zu unit%s (%s); /sys/kernel/iommu_groups: %zu group%s",
			 f->inv.nunits, f->inv.nunits == 1 ? "" : "s", u, ngroups, ngroups == 1 ? "" : "s");
		free(u);
		strv_free(&units);
	}
	if (ngroups)
		goto out;
	c->verdict = DOCTOR_FAIL;
	if (iommu && list_has(iommu, "off")) {
		fix(c, "the kernel command line turns the IOMMU off (iommu=%s in " PROC_CMDLINE "): remove it", iommu);
	} else if (strv_contains(&f->tables, "DMAR") && intel && list_has(intel, "off")) {
		fix(c, "the firmware has a DMAR table but the command line says intel_iommu=%s: replace it with "
		       "intel_iommu=on", intel);
	} else if (strv_contains(&f->tables, "IVRS") && amd && list_has(amd, "off")) {
		fix(c, "the firmware has an IVRS table but the command line says amd_iommu=%s: remove it", amd);
	} else if (strv_contains(&f->tables, "DMAR") && !(intel && list_has(intel, "on"))) {
		char *from = NULL;
		const char *def = kconfig(v, f, "CONFIG_INTEL_IOMMU_DEFAULT_ON", &from);

		/* Debian's kernels: on except for an integrated GPU, as a choice beside it */
		if (def && strcmp(def, "y")) {
			char *from2 = NULL;
			const char *igpu = kconfig(v, f, "CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF", &from2);

			free(from2);
			if (igpu && !strcmp(igpu, "y"))
				def = "y";
		}
		if (def && !strcmp(def, "y"))
			fix(c, "the firmware has a DMAR table and this kernel enables VT-d by default "
			       "(CONFIG_INTEL_IOMMU_DEFAULT_ON=y in %s), yet no unit registered: check that the "
			       "BIOS enables VT-d and that the kernel has CONFIG_INTEL_IOMMU", from);
		else if (def)
			fix(c, "the firmware has a DMAR table but this kernel leaves VT-d off by default "
			       "(CONFIG_INTEL_IOMMU_DEFAULT_ON is not set in %s): add intel_iommu=on to the kernel "
			       "command line", from);
		else
			fix(c, "the firmware has a DMAR table but the command line has no intel_iommu=on: add it "
			       "(the default is the kernel's CONFIG_INTEL_IOMMU_DEFAULT_ON: check /boot/config-%s "
			       "or /proc/config.gz)", f->release ? f->release : "$(uname -r)");
		free(from);
	} else if (strv_contains(&f->tables, "DMAR")) {
		fix(c, "intel_iommu=on is given and the firmware has a DMAR table, yet no unit registered: "
		       "check that the BIOS enables VT-d and that the kernel has CONFIG_INTEL_IOMMU");
	} else if (strv_contains(&f->tables, "IVRS")) {
		fix(c, "the firmware has an IVRS table, yet no unit registered: check that the BIOS enables the "
		       "IOMMU (AMD-Vi), that the kernel has CONFIG_AMD_IOMMU, and iommu=soft is not given");
	} else if (strv_contains(&f->tables, "IORT")) {
		fix(c, "the firmware has an IORT table, yet no unit registered: load the SMMU driver "
		       "(arm_smmu_v3 or arm_smmu) or build it in");
	} else if (strv_contains(&f->tables, "VIOT")) {
		fix(c, "the firmware has a VIOT table, yet no unit registered: load virtio_iommu "
		       "(modprobe virtio_iommu) or build it in (CONFIG_VIRTIO_IOMMU)");
	} else if (f->dt_iommus.n) {
		fix(c, "the devicetree describes an IOMMU (%s), yet no unit registered: load or build in its "
		       "driver", f->dt_iommus.v[0]);
	} else if (f->fw_known) {
		fix(c, "no IOMMU is described by the firmware (see firmware.table): nothing for the kernel "
		       "to enable");
	} else {
		fix(c, "no IOMMU groups: check that the firmware enables the IOMMU and that the kernel command "
		       "line does not disable it (intel_iommu=on, amd_iommu, iommu=off)");
	}
out:
	free(intel);
	free(amd);
	free(iommu);
}

/* The IOMMU words of the command line, as evidence. */
static bool iommu_word(const char *w, size_t n)
{
	static const char *const names[] = {
		"iommu", "intel_iommu", "amd_iommu", "intremap", "pcie_acs_override", "nointremap",
	};
	static const char *const prefixes[] = { "iommu.", "vfio", "iommufd.", "amd_iommu_", "intel_iommu." };
	size_t kl = strcspn(w, "=");

	if (kl > n)
		kl = n;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (kl == strlen(names[i]) && !strncmp(w, names[i], kl))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (kl > strlen(prefixes[i]) && !strncmp(w, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static char *cmdline_words(const char *cmdline)
{
	struct strv w = { 0 };
	char *res;

	for (const char *p = cmdline; *p;) {
		const char *end;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		end = p + strcspn(p, " \t\n");
		if (end - p == 2 && !strncmp(p, "--", 2))
			break;
		if (iommu_word(p, (size_t)(end - p)))
			strv_push_owned(&w, xstrndup(p, end - p));
		p = end;
	}
	res = w.n ? strv_join(&w, " ") : NULL;
	strv_free(&w);
	return res;
}

static void check_kernel(struct view *v, struct facts *f, struct doctor *d)
{
	struct doctor_check *c;
	size_t ngroups = f->inv_ok ? f->inv.ngroups : 0;
	char *iommu = NULL, *pt = NULL, *strict = NULL, *acs = NULL;

	/* the command line */
	c = add(d, DOCTOR_KERNEL, "kernel.cmdline", "IOMMU words on the command line", DOCTOR_OK);
	if (!f->cmdline) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, PROC_CMDLINE ": not in the source");
	} else {
		char *w = cmdline_words(f->cmdline);
		char *intel = doctor_cmdline_value(f->cmdline, "intel_iommu");
		char *amd = doctor_cmdline_value(f->cmdline, "amd_iommu");

		iommu = doctor_cmdline_value(f->cmdline, "iommu");
		pt = doctor_cmdline_value(f->cmdline, "iommu.passthrough");
		strict = doctor_cmdline_value(f->cmdline, "iommu.strict");
		acs = doctor_cmdline_value(f->cmdline, "pcie_acs_override");
		evidence(c, PROC_CMDLINE ": %s", w ? w : "none (the kernel's defaults)");
		if ((iommu && list_has(iommu, "off")) || (intel && list_has(intel, "off")) ||
		    (amd && list_has(amd, "off"))) {
			c->verdict = DOCTOR_FAIL;
			fix(c, "remove %s from the kernel command line (boot loader: GRUB_CMDLINE_LINUX in "
			       "/etc/default/grub, then update-grub)",
			    iommu && list_has(iommu, "off") ? "iommu=off" :
			    intel && list_has(intel, "off") ? "intel_iommu=off" : "amd_iommu=off");
		}
		free(w);
		free(intel);
		free(amd);
	}

	/* ACS override */
	c = add(d, DOCTOR_KERNEL, "kernel.acs-override", "pcie_acs_override not set", DOCTOR_OK);
	if (!f->cmdline) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, PROC_CMDLINE ": not in the source");
	} else if (acs) {
		c->verdict = DOCTOR_WARN;
		evidence(c, PROC_CMDLINE ": pcie_acs_override=%s", acs);
		fix(c, "the groups no longer show the isolation the hardware gives: devices in different groups "
		       "may still reach each other by peer-to-peer DMA (only kernels with the ACS override patch "
		       "honour it). Remove it and pass through whole groups, or move the card behind an "
		       "ACS-capable port");
	} else {
		evidence(c, PROC_CMDLINE ": no pcie_acs_override");
	}

	/* the default domain type */
	if (ngroups) {
		size_t ident = 0, dma = 0, fq = 0, other = 0;
		struct strv idg = { 0 };
		char *ids, *words;

		for (size_t i = 0; i < f->inv.ngroups; i++) {
			const char *t = f->inv.groups[i].type;

			if (!t)
				other++;
			else if (!strcmp(t, "identity")) {
				ident++;
				if (idg.n < 8)
					strv_push_owned(&idg, xasprintf("%u", f->inv.groups[i].id));
			} else if (!strcmp(t, "DMA-FQ"))
				fq++;
			else if (!strcmp(t, "DMA"))
				dma++;
			else
				other++;
		}
		c = add(d, DOCTOR_KERNEL, "kernel.domain-type", "default domain type", DOCTOR_OK);
		{
			struct strv parts = { 0 };

			if (dma)
				strv_push_owned(&parts, xasprintf("DMA (strict) %zu", dma));
			if (fq)
				strv_push_owned(&parts, xasprintf("DMA-FQ (lazy invalidation) %zu", fq));
			if (ident)
				strv_push_owned(&parts, xasprintf("identity (passthrough) %zu", ident));
			/* the other types by name: few distinct ones, counted in one pass */
			if (other) {
				struct strv names = { 0 };
				size_t counts[8] = { 0 }, rest = 0;

				for (size_t i = 0; i < f->inv.ngroups; i++) {
					const char *t = f->inv.groups[i].type ? f->inv.groups[i].type : "unreadable";
					size_t j;

					if (!strcmp(t, "identity") || !strcmp(t, "DMA-FQ") || !strcmp(t, "DMA"))
						continue;
					for (j = 0; j < names.n && strcmp(names.v[j], t); j++)
						;
					if (j == names.n && names.n < ARRAY_SIZE(counts))
						strv_push(&names, t);
					if (j < names.n)
						counts[j]++;
					else
						rest++;
				}
				for (size_t j = 0; j < names.n; j++)
					strv_push_owned(&parts, xasprintf("%s %zu", names.v[j], counts[j]));
				if (rest)
					strv_push_owned(&parts, xasprintf("other %zu", rest));
				strv_free(&names);
			}
			words = strv_join(&parts, ", ");
			strv_free(&parts);
		}
		ids = strv_join(&idg, ", ");
		evidence(c, "/sys/kernel/iommu_groups/*/type: %s%s%s%s%s", words,
			 iommu && list_has(iommu, "pt") ? "; " PROC_CMDLINE ": iommu=pt" : "",
			 pt ? "; " PROC_CMDLINE ": iommu.passthrough=" : "", pt ? pt : "",
			 strict ? (bool_on(strict) ? "; iommu.strict=1" : "; iommu.strict=0") : "");
		if (ident) {
			c->verdict = DOCTOR_WARN;
			fix(c, "identity (group%s %s%s) is passthrough: the host drivers' DMA is not translated, "
			       "so those devices can reach all memory. VFIO is not affected (it gives a group its "
			       "own domain when it claims it). For isolation from host drivers, %s",
			    ident == 1 ? "" : "s", ids, ident > idg.n ? ", ..." : "",
			    (iommu && list_has(iommu, "pt")) || bool_on(pt) ?
			    "remove iommu=pt / iommu.passthrough=1 from the kernel command line" :
			    "boot with iommu.passthrough=0 (the kernel's default is CONFIG_IOMMU_DEFAULT_PASSTHROUGH), "
			    "or change one group with 'iommuctl group type N DMA'");
		}
		free(ids);
		free(words);
		strv_free(&idg);
	}

	/* interrupt remapping */
	{
		char *t1 = module_param(v, "vfio_iommu_type1", "allow_unsafe_interrupts");
		char *fd = module_param(v, "iommufd", "allow_unsafe_interrupts");
		int iso = f->interrupts ? doctor_interrupts_isolated(f->interrupts) : -1;
		bool unsafe = bool_on(t1) || bool_on(fd);
		const char *spapr = unit_of_kind(f, "spapr-tce"), *riscv = unit_of_kind(f, "riscv-iommu");
		struct strv ev = { 0 };
		char *e;

		c = add(d, DOCTOR_KERNEL, "kernel.irq-remapping", "interrupt remapping", DOCTOR_OK);
		if (iso < 0)
			strv_push(&ev, PROC_INTR ": not in the source");
		else if (iso == 1)
			strv_push(&ev, PROC_INTR ": IR- interrupt chips (remapped)");
		else if (iso == 2)
			strv_push(&ev, PROC_INTR ": ITS- interrupt chips (GIC ITS isolates MSIs)");
		else
			strv_push(&ev, PROC_INTR ": no IR- or ITS- interrupt chip");
		for (size_t i = 0; f->inv_ok && i < f->inv.nunits; i++) {
			const struct inv_unit *u = &f->inv.units[i];

			for (size_t j = 0; j < u->nattrs; j++)
				if (!strcmp(u->attrs[j].desc->key, "ecap") && u->attrs[j].nvals) {
					strv_push_owned(&ev, xasprintf("%s ecap IR=%u", u->name,
								       (unsigned)((u->attrs[j].vals[0] >> 3) & 1)));
					break;
				}
			if (ev.n > 4)
				break;
		}
		strv_push_owned(&ev, xasprintf("vfio_iommu_type1.allow_unsafe_interrupts=%s",
					       t1 ? t1 : !f->modules_known ? "(not in the source)" :
					       module_loaded(f, "vfio_iommu_type1") ? "(absent)" : "(not loaded)"));
		if (fd)
			strv_push_owned(&ev, xasprintf("iommufd.allow_unsafe_interrupts=%s", fd));
		/*
		 * RISC-V: the IMSIC's MSI domain does not isolate (no
		 * IRQ_DOMAIN_FLAG_ISOLATED_MSI) and Linux's RISC-V IOMMU driver
		 * (through 7.2) remaps no MSIs (no MSI page table): no IR- chip
		 * can appear, and no setting makes one
		 */
		if (riscv && iso == 0)
			strv_push_owned(&ev, xasprintf("%s: the RISC-V IOMMU driver remaps no MSIs and the IMSIC "
						       "does not isolate them", riscv));
		e = strv_join(&ev, "; ");
		evidence(c, "%s", e);
		if (spapr) {
			/* the SPAPR TCE backend attaches without asking for MSI isolation */
			c->verdict = DOCTOR_OK;
			evidence(c, "%s; %s: the SPAPR TCE backend (POWER) does not need it", e, spapr);
		} else if (iso < 0) {
			c->verdict = unsafe ? DOCTOR_WARN : DOCTOR_UNKNOWN;
		} else if (iso == 0 && riscv) {
			c->verdict = unsafe ? DOCTOR_WARN : DOCTOR_FAIL;
			if (unsafe)
				fix(c, "MSIs are not isolated and allow_unsafe_interrupts is set: VFIO works, but a "
				       "device can raise interrupts it does not own. On RISC-V nothing enables "
				       "isolation with this kernel (it would need the IOMMU to remap MSIs through "
				       "its MSI page table, which Linux's driver does not set up): keep "
				       "allow_unsafe_interrupts only for devices trusted not to raise others' "
				       "interrupts");
			else
				fix(c, "MSIs are not isolated: iommufd refuses to bind a device (\"MSI interrupts "
				       "are not secure\"; RISC-V has no vfio_iommu_type1). On RISC-V no setting "
				       "enables isolation with this kernel (Linux's RISC-V IOMMU driver remaps no "
				       "MSIs, and the IMSIC does not isolate them): accepting that a device can "
				       "raise any interrupt, boot with iommufd.allow_unsafe_interrupts=1%s",
				    f->modules_known && !module_loaded(f, "iommufd") ?
				    " on a kernel with CONFIG_IOMMUFD (this one has no iommufd)" : "");
		} else if (iso == 0 && unsafe) {
			c->verdict = DOCTOR_WARN;
			fix(c, "MSIs are not isolated and allow_unsafe_interrupts is set: VFIO works, but a device "
			       "can raise interrupts it does not own. Enable interrupt remapping (VT-d/AMD-Vi "
			       "with intremap, x2apic; QEMU: intremap=on on the IOMMU device with "
			       "kernel-irqchip=split) and drop allow_unsafe_interrupts");
		} else if (iso == 0) {
			c->verdict = DOCTOR_FAIL;
			fix(c, "MSIs are not isolated: VFIO refuses to attach a group (type1: \"No interrupt "
			       "remapping support\"). %sEnable interrupt remapping (VT-d/AMD-Vi with intremap, "
			       "x2apic; QEMU: intremap=on on the IOMMU device with kernel-irqchip=split), or, "
			       "accepting that a device can raise any interrupt, boot with "
			       "vfio_iommu_type1.allow_unsafe_interrupts=1 (iommufd.allow_unsafe_interrupts=1)",
			    ngroups ? "" : "There is no IOMMU to remap with (see firmware.enabled). ");
		}
		free(e);
		strv_free(&ev);
		free(t1);
		free(fd);
	}

	/* the VFIO no-IOMMU mode */
	c = add(d, DOCTOR_KERNEL, "kernel.noiommu-mode", "VFIO no-IOMMU mode off", DOCTOR_OK);
	if (!f->modules_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, SYS_MODULE ": not in the source");
	} else if (!module_loaded(f, "vfio")) {
		evidence(c, SYS_MODULE "/vfio: absent (vfio not loaded)");
	} else {
		char *m = module_param(v, "vfio", "enable_unsafe_noiommu_mode");

		if (!m) {
			evidence(c, SYS_MODULE "/vfio/parameters/enable_unsafe_noiommu_mode: absent (no "
				 "CONFIG_VFIO_NOIOMMU)");
		} else {
			evidence(c, SYS_MODULE "/vfio/parameters/enable_unsafe_noiommu_mode: %s", m);
			if (bool_on(m)) {
				c->verdict = DOCTOR_WARN;
				fix(c, "no-IOMMU mode hands devices to userspace without any DMA protection "
				       "(/dev/vfio/noiommu-N, taints the kernel): set it to N "
				       "(vfio.enable_unsafe_noiommu_mode=0) unless there is no IOMMU by design");
			}
			free(m);
		}
	}
	free(iommu);
	free(pt);
	free(strict);
	free(acs);
}

/* A module that should be loaded: ok when /sys/module/NAME is there, else a warning with the fix. */
static void check_module(struct doctor *d, const struct facts *f, const char *id,
			 const char *name, const char *fixtext)
{
	char *label = xasprintf("%s loaded", name);
	struct doctor_check *c = add(d, DOCTOR_VFIO, id, label, DOCTOR_OK);

	free(label);
	if (!f->modules_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, SYS_MODULE ": not in the source");
	} else if (module_loaded(f, name)) {
		evidence(c, SYS_MODULE "/%s: present", name);
	} else {
		c->verdict = DOCTOR_WARN;
		evidence(c, SYS_MODULE "/%s: absent", name);
		fix(c, "%s", fixtext);
	}
}

static void check_vfio(struct facts *f, const struct doctor_opts *opts, struct doctor *d)
{
	struct doctor_check *c;
	static const char modfix[] = "modprobe vfio-pci (it loads vfio, vfio_pci_core and vfio_iommu_type1); "
				     "to load it at boot, add vfio-pci to /etc/modules-load.d/vfio.conf";

	check_module(d, f, "vfio.module-vfio", "vfio", modfix);
	check_module(d, f, "vfio.module-vfio-pci", "vfio_pci", modfix);
	c = add(d, DOCTOR_VFIO, "vfio.backend", "vfio_iommu_type1 or iommufd loaded", DOCTOR_OK);
	if (!f->modules_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, SYS_MODULE ": not in the source");
	} else {
		bool t1 = module_loaded(f, "vfio_iommu_type1"), fd = module_loaded(f, "iommufd");

		evidence(c, SYS_MODULE "/vfio_iommu_type1: %s; " SYS_MODULE "/iommufd: %s",
			 t1 ? "present" : "absent", fd ? "present" : "absent");
		if (!t1 && !fd) {
			c->verdict = DOCTOR_WARN;
			fix(c, "modprobe vfio_iommu_type1 (the legacy container) or iommufd (the cdev path, "
			       "Linux 6.6+ with CONFIG_VFIO_DEVICE_CDEV)");
		}
	}

	/* the nodes */
	c = add(d, DOCTOR_VFIO, "vfio.container", "/dev/vfio/vfio", DOCTOR_OK);
	if (!f->dev_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, "/dev: not in the source");
	} else if (f->nodes.container) {
		evidence(c, VFIO_PATH_CONTAINER ": present");
	} else {
		evidence(c, VFIO_PATH_CONTAINER ": absent%s", f->nodes.iommu ? " (iommufd is there)" : "");
		if (!f->nodes.iommu) {
			c->verdict = DOCTOR_WARN;
			fix(c, "load VFIO (modprobe vfio-pci); the container comes with vfio_iommu_type1 "
			       "(CONFIG_VFIO_CONTAINER)");
		}
	}
	c = add(d, DOCTOR_VFIO, "vfio.iommufd", "/dev/iommu", DOCTOR_OK);
	if (!f->dev_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, "/dev: not in the source");
	} else if (f->nodes.iommu) {
		evidence(c, VFIO_PATH_IOMMU ": present");
	} else {
		evidence(c, VFIO_PATH_IOMMU ": absent%s", f->nodes.container ?
			 " (the legacy container /dev/vfio/vfio is used)" : "");
		if (!f->nodes.container) {
			c->verdict = DOCTOR_WARN;
			fix(c, "modprobe iommufd (CONFIG_IOMMUFD, Linux 6.2+), or use the legacy container");
		}
	}
	c = add(d, DOCTOR_VFIO, "vfio.devices", "VFIO device nodes", DOCTOR_OK);
	if (!f->dev_known) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, "/dev: not in the source");
	} else {
		struct strv gn = { 0 };
		char *cd = joined(&f->nodes.cdevs, "none"), *gs;

		for (size_t i = 0; f->inv_ok && i < f->inv.ngroups; i++)
			if (f->inv.groups[i].vfio_node)
				strv_push(&gn, f->inv.groups[i].vfio_node);
		gs = joined(&gn, "none");
		evidence(c, VFIO_PATH_CDEV_DIR ": %s; group nodes: %s", cd, gs);
		free(cd);
		free(gs);
		strv_free(&gn);
	}

	/* can the user who asked open them? */
	c = add(d, DOCTOR_VFIO, "vfio.access", "the user can open the VFIO nodes", DOCTOR_OK);
	c->live_only = true;
	if (!opts->live) {
		c->verdict = DOCTOR_UNKNOWN;
		evidence(c, "permissions are the running machine's: not known from a snapshot or a tree");
	} else {
		struct strv ok = { 0 }, denied = { 0 };
		char *a, *b;

		if (f->nodes.container)
			strv_push(access(VFIO_PATH_CONTAINER, R_OK | W_OK) ? &denied : &ok, VFIO_PATH_CONTAINER);
		if (f->nodes.iommu)
			strv_push(access(VFIO_PATH_IOMMU, R_OK | W_OK) ? &denied : &ok, VFIO_PATH_IOMMU);
		for (size_t i = 0; i < f->nodes.cdevs.n; i++) {
			char *p = xasprintf(VFIO_PATH_CDEV_DIR "/%s", f->nodes.cdevs.v[i]);

			strv_push(access(p, R_OK | W_OK) ? &denied : &ok, p);
			free(p);
		}
		for (size_t i = 0; f->inv_ok && i < f->inv.ngroups; i++) {
			const char *p = f->inv.groups[i].vfio_node;

			if (p)
				strv_push(access(p, R_OK | W_OK) ? &denied : &ok, p);
		}
		a = joined(&ok, "none");
		b = joined(&denied, "none");
		evidence(c, "uid %u: read-write: %s; denied: %s", (unsigned)getuid(), a, b);
		if (denied.n) {
			c->verdict = DOCTOR_WARN;
			fix(c, "run as root, or give the user the nodes: a udev rule such as SUBSYSTEM==\"vfio\", "
			       "GROUP=\"kvm\", MODE=\"0660\" (and /dev/vfio/vfio, /dev/iommu likewise) with the user "
			       "in that group");
		} else if (!ok.n) {
			evidence(c, "uid %u: no VFIO node to open", (unsigned)getuid());
		}
		free(a);
		free(b);
		strv_free(&ok);
		strv_free(&denied);
	}
}

static void check_groups(struct facts *f, struct doctor *d)
{
	if (!f->inv_ok)
		return;
	for (size_t i = 0; i < f->inv.ngroups; i++) {
		const struct inv_group *g = &f->inv.groups[i];
		char *id = xasprintf("group.%u", g->id), *name, *members = joined(&g->members, "no members");
		struct doctor_check *c;

		name = xasprintf("group %u viable", g->id);
		c = add(d, DOCTOR_GROUPS, id, name, !g->viable_known ? DOCTOR_UNKNOWN :
						     g->viable ? DOCTOR_OK : DOCTOR_WARN);
		evidence(c, "/sys/kernel/iommu_groups/%u (%s): %s", g->id, members,
			 g->reason ? g->reason : "");
		if (g->viable_known && !g->viable) {
			char *bl = joined(&g->blockers, "its members");

			fix(c, "unbind %s from %s driver%s, or hand over the whole group: 'iommuctl group claim %u' "
			       "(binds every member to vfio-pci)", bl, g->blockers.n == 1 ? "its" : "their",
			    g->blockers.n == 1 ? "" : "s", g->id);
			free(bl);
		}
		free(id);
		free(name);
		free(members);
	}
}

int doctor_gather(struct view *v, const struct doctor_opts *opts, struct doctor *d)
{
	struct facts f;
	static const struct doctor_opts none = { 0 };

	memset(d, 0, sizeof(*d));
	facts_read(v, &f);
	check_firmware(v, &f, d);
	check_kernel(v, &f, d);
	check_vfio(&f, opts ? opts : &none, d);
	check_groups(&f, d);
	for (size_t i = 0; i < d->n; i++)
		d->count[d->checks[i].verdict]++;
	facts_release(&f);
	return 0;
}

void doctor_release(struct doctor *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->checks[i].id);
		free(d->checks[i].name);
		free(d->checks[i].evidence);
		free(d->checks[i].fix);
	}
	free(d->checks);
	memset(d, 0, sizeof(*d));
}
