// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCI hierarchy from sysfs paths and config space, and the IOMMU groups
 * the kernel's rules give it (see topology.h). The rules, as Linux 6.12 has
 * them:
 *
 * - drivers/iommu/iommu.c pci_device_group(): walk the device's DMA aliases
 *   upwards (pci_for_each_dma_alias) and take the group of the last alias
 *   that has one; from the topmost alias, climb bus by bus while the bridge
 *   above is not pci_acs_path_enabled(REQ_ACS_FLAGS), taking the bridge's
 *   group; then the groups of DMA-alias functions (get_pci_alias_group) and
 *   of the other functions of a multifunction slot when neither has ACS
 *   (get_pci_function_alias_group); else a new group.
 * - drivers/pci/search.c pci_for_each_dma_alias(): root ports and switch
 *   ports pass requests on unchanged; a PCIe-to-PCI bridge takes the
 *   requests of its secondary side as (secondary bus, devfn 00.0), a
 *   PCI-to-PCIe bridge and a conventional bridge as its own requester ID;
 *   either way the alias is the bridge itself.
 * - drivers/pci/pci.c pci_acs_enabled(): the device-specific quirks first;
 *   conventional PCI never isolates; PCI/PCIe bridges and event collectors
 *   never; root and downstream ports by their ACS capability and control
 *   (a flag missing from the capability counts as enabled, except EC);
 *   endpoints, upstream ports and RCiEPs only when multifunction, then by
 *   their ACS; single-function devices always.
 *   pci_acs_path_enabled(): every device from the bridge up to the root bus.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/topology.h"
#include "core/util.h"

/* PCIe device/port types: PCI_EXP_TYPE_* of <linux/pci_regs.h> (through core/pcicfg.h) */

struct tctx {
	const struct inventory *inv;
	struct topology *t;
	bool ivrs;                 /* an AMD-Vi unit: the firmware has an IVRS table */
	int *grp;                  /* per node: predicted group so far, -1 none */
	unsigned char *seen;       /* per node: visited by the alias search */
	int *node_of;              /* per inventory device: its node, -1 */
	int cur;                   /* the node being predicted */
};

static const struct inv_device *dev_of(const struct tctx *c, const struct topo_node *n)
{
	return &c->inv->devices[n->dev];
}

static bool parse_addr(const char *s, unsigned int *dom, unsigned int *bus, unsigned int *slot,
		       unsigned int *fn)
{
	char tail;

	if (!s || sscanf(s, "%x:%x:%x.%x%c", dom, bus, slot, fn, &tail) != 4)
		return false;
	return *bus < 256 && *slot < 32 && *fn < 8;
}

/* ---- ACS ---- */

/* pci_acs_flags_enabled(): every flag asked for and implemented is enabled */
static enum topo_tri acs_flags_enabled(const struct inv_device *d, char **why)
{
	const struct pcicfg_acs *a = &d->cfg.acs;
	uint16_t want;

	if (a->state == PCICFG_UNKNOWN) {
		*why = xstrdup("ACS unknown: config space not readable past 256 bytes (as a normal user: 64)");
		return TOPO_UNKNOWN;
	}
	if (a->state != PCICFG_PRESENT) {
		*why = xstrdup("no ACS capability");
		return TOPO_NO;
	}
	want = TOPO_REQ_ACS & (a->cap | PCI_ACS_EC);
	if ((a->ctrl & want) == want) {
		*why = xstrdup("ACS enables SV, RR, CR and UF (those it implements)");
		return TOPO_YES;
	}
	*why = xasprintf("ACS control 0x%02x lacks%s%s%s%s", a->ctrl & 0x7f,
			 (want & ~a->ctrl & PCI_ACS_SV) ? " SV" : "", (want & ~a->ctrl & PCI_ACS_RR) ? " RR" : "",
			 (want & ~a->ctrl & PCI_ACS_CR) ? " CR" : "", (want & ~a->ctrl & PCI_ACS_UF) ? " UF" : "");
	return TOPO_NO;
}

/* Device-specific ACS: the pci_dev_acs_enabled[] table of drivers/pci/quirks.c (a subset). */
#define V_ATI     0x1002
#define V_AMD     0x1022
#define V_INTEL   0x8086
#define V_SFC     0x1924
#define V_CAVIUM  0x177d
#define ANY       0xffffu

/* Quirk answers: -1 does not apply (the next entry, then the standard rules), else a tri. */
typedef int (*acs_fn)(const struct tctx *c, const struct topo_node *n, const struct inv_device *d);

static int q_amd_sb(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	(void)d;
	/* multifunction southbridge devices on the root bus, with an IVRS table:
	 * RR and CR count as enabled, and SV and UF do not apply */
	if (n->mf != TOPO_YES || n->parent >= 0 || !c->ivrs)
		return -1;
	return TOPO_YES;
}

static int q_mf_endpoint(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	(void)c, (void)n, (void)d;
	return TOPO_YES;  /* verified by the vendor not to do peer-to-peer between functions */
}

static const uint16_t intel_pch_rp_ids[] = {
	0x3b42, 0x3b43, 0x3b44, 0x3b45, 0x3b46, 0x3b47, 0x3b48, 0x3b49, 0x3b4a, 0x3b4b, 0x3b4c,
	0x3b4d, 0x3b4e, 0x3b4f, 0x3b50, 0x3b51, 0x1c10, 0x1c11, 0x1c12, 0x1c13, 0x1c14, 0x1c15,
	0x1c16, 0x1c17, 0x1c18, 0x1c19, 0x1c1a, 0x1c1b, 0x1c1c, 0x1c1d, 0x1c1e, 0x1c1f, 0x1e10,
	0x1e11, 0x1e12, 0x1e13, 0x1e14, 0x1e15, 0x1e16, 0x1e17, 0x1e18, 0x1e19, 0x1e1a, 0x1e1b,
	0x1e1c, 0x1e1d, 0x1e1e, 0x1e1f, 0x8c10, 0x8c11, 0x8c12, 0x8c13, 0x8c14, 0x8c15, 0x8c16,
	0x8c17, 0x8c18, 0x8c19, 0x8c1a, 0x8c1b, 0x8c1c, 0x8c1d, 0x8c1e, 0x8c1f, 0x9c10, 0x9c11,
	0x9c12, 0x9c13, 0x9c14, 0x9c15, 0x9c16, 0x9c17, 0x9c18, 0x9c19, 0x9c1a, 0x9c1b, 0x9c90,
	0x9c91, 0x9c92, 0x9c93, 0x9c94, 0x9c95, 0x9c96, 0x9c97, 0x9c98, 0x9c99, 0x9c9a, 0x9c9b,
	0x1d10, 0x1d12, 0x1d14, 0x1d16, 0x1d18, 0x1d1a, 0x1d1c, 0x1d1e, 0x8d10, 0x8d11, 0x8d12,
	0x8d13, 0x8d14, 0x8d15, 0x8d16, 0x8d17, 0x8d18, 0x8d19, 0x8d1a, 0x8d1b, 0x8d1c, 0x8d1d,
	0x8d1e, 0x8c90, 0x8c92, 0x8c94, 0x8c96, 0x8c98, 0x8c9a, 0x8c9c, 0x8c9e,
};

static int q_intel_pch(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	(void)c;
	if (n->pcie != TOPO_YES || n->pcie_type != PCI_EXP_TYPE_ROOT_PORT)
		return -1;
	for (size_t i = 0; i < sizeof(intel_pch_rp_ids) / sizeof(intel_pch_rp_ids[0]); i++)
		if (intel_pch_rp_ids[i] == d->device)
			return TOPO_YES;  /* once pci_quirk_enable_intel_pch_acs has run */
	return -1;
}

static int q_intel_spt_pch(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	unsigned int id = d->device;

	(void)c;
	if (n->pcie != TOPO_YES || n->pcie_type != PCI_EXP_TYPE_ROOT_PORT)
		return -1;
	if ((id >= 0xa110 && id <= 0xa11f) || (id >= 0xa167 && id <= 0xa16a) ||
	    (id >= 0xa290 && id <= 0xa29f) || (id >= 0xa2e7 && id <= 0xa2ee))
		/* the control register is a dword at offset 8: not what our parse reads */
		return d->cfg.acs.state == PCICFG_ABSENT ? -1 : TOPO_UNKNOWN;
	return -1;
}

static int q_rciep(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	(void)c, (void)d;
	/* Intel RCiEPs allow peer-to-peer only on translated addresses (VT-d 3.16) */
	if (n->pcie == TOPO_UNKNOWN)
		return TOPO_UNKNOWN;
	if (n->pcie != TOPO_YES || n->pcie_type != PCI_EXP_TYPE_RC_END)
		return -1;
	return TOPO_YES;
}

static int q_cavium(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	(void)c, (void)n;
	return d->device >= 0xa000 && d->device <= 0xa0ff ? TOPO_YES : -1;
}

static int q_qcom_rp(const struct tctx *c, const struct topo_node *n, const struct inv_device *d)
{
	(void)c, (void)n, (void)d;
	return TOPO_YES;
}

static const struct {
	uint16_t vendor, device;
	const char *name;
	acs_fn fn;
} acs_quirks[] = {
	{ V_ATI, 0x4385, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_ATI, 0x439c, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_ATI, 0x4383, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_ATI, 0x439d, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_ATI, 0x4384, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_ATI, 0x4399, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_AMD, 0x780f, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_AMD, 0x7809, "pci_quirk_amd_sb_acs", q_amd_sb },
	{ V_SFC, 0x0903, "pci_quirk_mf_endpoint_acs", q_mf_endpoint },
	{ V_SFC, 0x0923, "pci_quirk_mf_endpoint_acs", q_mf_endpoint },
	{ V_SFC, 0x0a03, "pci_quirk_mf_endpoint_acs", q_mf_endpoint },
#define MF(id) { V_INTEL, id, "pci_quirk_mf_endpoint_acs", q_mf_endpoint }
	MF(0x10c6), MF(0x10db), MF(0x10dd), MF(0x10e1), MF(0x10f1), MF(0x10f7), MF(0x10f8),
	MF(0x10f9), MF(0x10fa), MF(0x10fb), MF(0x10fc), MF(0x1507), MF(0x1514), MF(0x151c),
	MF(0x1529), MF(0x152a), MF(0x154d), MF(0x154f), MF(0x1551), MF(0x1558),
	MF(0x1509), MF(0x150e), MF(0x150f), MF(0x1510), MF(0x1511), MF(0x1516), MF(0x1527), /* 82580 */
	MF(0x10c9), MF(0x10e6), MF(0x10e7), MF(0x10e8), MF(0x150a), MF(0x150d), MF(0x1518),
	MF(0x1526),                                                                 /* 82576 */
	MF(0x10a7), MF(0x10a9), MF(0x10d6),                                         /* 82575 */
	MF(0x1521), MF(0x1522), MF(0x1523), MF(0x1524),                             /* I350 */
	MF(0x105e), MF(0x105f), MF(0x1060), MF(0x10d9),                             /* 82571 */
	MF(0x15b7), MF(0x15b8),                                                     /* I219 */
#undef MF
	{ V_INTEL, ANY, "pci_quirk_rciep_acs", q_rciep },
	{ 0x17cb, 0x0400, "pci_quirk_qcom_rp_acs", q_qcom_rp },
	{ 0x17cb, 0x0401, "pci_quirk_qcom_rp_acs", q_qcom_rp },
	{ V_INTEL, ANY, "pci_quirk_intel_pch_acs", q_intel_pch },
	{ V_INTEL, ANY, "pci_quirk_intel_spt_pch_acs", q_intel_spt_pch },
	{ 0x19a2, 0x0710, "pci_quirk_mf_endpoint_acs", q_mf_endpoint },  /* Emulex BE3-R */
	{ 0x10df, 0x0720, "pci_quirk_mf_endpoint_acs", q_mf_endpoint },  /* Emulex Skyhawk-R */
	{ V_CAVIUM, ANY, "pci_quirk_cavium_acs", q_cavium },
};

/* pci_acs_enabled(dev, REQ_ACS_FLAGS), with the quirk that decided and why */
static enum topo_tri acs_enabled(const struct tctx *c, struct topo_node *n)
{
	const struct inv_device *d = dev_of(c, n);

	if (d->has_vendor && d->has_device)
		for (size_t i = 0; i < sizeof(acs_quirks) / sizeof(acs_quirks[0]); i++) {
			int r;

			if (acs_quirks[i].vendor != d->vendor ||
			    (acs_quirks[i].device != ANY && acs_quirks[i].device != d->device))
				continue;
			r = acs_quirks[i].fn(c, n, d);
			if (r < 0)
				continue;
			n->acs_quirk = acs_quirks[i].name;
			n->acs_why = xasprintf(r == TOPO_YES ? "isolated by quirk %s" :
					       r == TOPO_NO ? "not isolated: quirk %s" :
					       "decided by quirk %s, whose register we do not read",
					       acs_quirks[i].name);
			return (enum topo_tri)r;
		}
	if (n->pcie == TOPO_UNKNOWN) {
		n->acs_why = xstrdup("unknown: the PCI Express capability is past the 64 bytes readable here");
		return TOPO_UNKNOWN;
	}
	if (n->pcie == TOPO_NO) {
		n->acs_why = xstrdup("conventional PCI: no ACS, peers on the bus see each other's DMA");
		return TOPO_NO;
	}
	switch (n->pcie_type) {
	case PCI_EXP_TYPE_PCIE_BRIDGE:
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_RC_EC:
		n->acs_why = xstrdup("a PCIe/PCI bridge or event collector: never isolates");
		return TOPO_NO;
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		return acs_flags_enabled(d, &n->acs_why);
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		if (n->mf == TOPO_NO)
			break;
		if (n->mf == TOPO_UNKNOWN) {
			n->acs_why = xstrdup("unknown: header type not readable");
			return TOPO_UNKNOWN;
		}
		return acs_flags_enabled(d, &n->acs_why);
	}
	n->acs_why = xstrdup("single function: nothing to isolate from");
	return TOPO_YES;
}

/* pci_acs_path_enabled(from, NULL): the first node on the path that fails, -1 none;
 * *unk set when one could not be read (then taken as failing) */
static int acs_path_fail(const struct topology *t, int from, int *unk)
{
	for (int i = from; i >= 0; i = t->nodes[i].parent) {
		if (t->nodes[i].acs_req == TOPO_UNKNOWN && *unk < 0)
			*unk = i;
		if (t->nodes[i].acs_req != TOPO_YES)
			return i;
	}
	return -1;
}

/* ---- DMA alias quirks (drivers/pci/quirks.c, a subset) ---- */

static const struct {
	uint16_t vendor, device;
	int fn;                  /* the function used as requester ID */
	const char *name;
} alias_quirks[] = {
	{ 0x1180, 0xe832, 0, "quirk_dma_func0_alias" },  /* Ricoh */
	{ 0x1180, 0xe476, 0, "quirk_dma_func0_alias" },
	{ 0x1b4b, 0x9123, 1, "quirk_dma_func1_alias" },  /* Marvell 88SE9123 */
	{ 0x1b4b, 0x9128, 1, "quirk_dma_func1_alias" },  /* Marvell 88SE9128 */
	{ 0x1b4b, 0x9130, 1, "quirk_dma_func1_alias" },  /* Marvell 88SE9130 */
	{ 0x1b4b, 0x9172, 1, "quirk_dma_func1_alias" },  /* Marvell 88SE9172 */
	{ 0x1b4b, 0x9230, 1, "quirk_dma_func1_alias" },  /* Marvell 88SE9230 */
};

/* ---- building ---- */

static int node_by_name(const struct tctx *c, const char *name)
{
	const struct inv_device *d = name ? inventory_device(c->inv, name) : NULL;

	return d ? c->node_of[d - c->inv->devices] : -1;
}

static const struct topology *sort_t;

static int by_addr(const void *a, const void *b)
{
	const struct topo_node *x = &sort_t->nodes[*(const int *)a], *y = &sort_t->nodes[*(const int *)b];

	if (x->domain != y->domain)
		return x->domain < y->domain ? -1 : 1;
	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->fn < y->fn ? -1 : x->fn > y->fn;
}

static void add_order(struct topology *t, const int *list, size_t n, size_t *k)
{
	for (size_t i = 0; i < n; i++)
		t->order[(*k)++] = list[i];
	for (size_t i = 0; i < n; i++)
		add_order(t, t->nodes[list[i]].children, t->nodes[list[i]].nchildren, k);
}

/* ---- the replay of pci_device_group() ---- */

static void note_unknown(struct tctx *c, const struct topo_node *at)
{
	struct topo_node *n = &c->t->nodes[c->cur];

	if (!n->uncertain)
		n->uncertain = xasprintf("%s: %s", at->name, at->acs_why ? at->acs_why :
					 "config space too short to tell");
}

static bool same_bus(const struct topo_node *a, const struct topo_node *b)
{
	return !strcmp(a->bus_key, b->bus_key);
}

/* get_pci_alias_group(): its own group, or that of a function it aliases (or aliases it) */
static int alias_group(struct tctx *c, int i, int *found, const char **quirk);

static int function_group(struct tctx *c, int i, int *found)
{
	struct topology *t = c->t;
	struct topo_node *n = &t->nodes[i];

	if (n->mf != TOPO_YES || n->acs_req == TOPO_YES) {
		if (n->mf == TOPO_UNKNOWN)
			note_unknown(c, n);
		return -1;
	}
	if (n->acs_req == TOPO_UNKNOWN)
		note_unknown(c, n);
	for (size_t k = 0; k < t->n; k++) {
		struct topo_node *o = &t->nodes[t->order[k]];
		const char *q = NULL;
		int g;

		if (o == n || !same_bus(o, n) || o->slot != n->slot || o->acs_req == TOPO_YES)
			continue;
		g = alias_group(c, t->order[k], found, &q);
		if (g >= 0) {
			if (found && *found < 0)
				*found = t->order[k];
			return g;
		}
	}
	return -1;
}

static int alias_group(struct tctx *c, int i, int *found, const char **quirk)
{
	struct topology *t = c->t;
	struct topo_node *n = &t->nodes[i];
	unsigned int devfn = n->slot << 3 | n->fn;

	if (c->seen[i])
		return -1;
	c->seen[i] = 1;
	(void)devfn;
	if (c->grp[i] >= 0) {
		*found = i;
		return c->grp[i];
	}
	for (size_t k = 0; k < t->n; k++) {
		int j = t->order[k], g;
		struct topo_node *o = &t->nodes[j];
		bool aliases;

		if (o == n || !same_bus(o, n))
			continue;
		aliases = (n->alias_devfn >= 0 && (unsigned int)n->alias_devfn == (o->slot << 3 | o->fn)) ||
			  (o->alias_devfn >= 0 && (unsigned int)o->alias_devfn == (n->slot << 3 | n->fn));
		if (!aliases)
			continue;
		*quirk = n->alias_devfn >= 0 ? n->alias_quirk : o->alias_quirk;
		g = alias_group(c, j, found, quirk);
		if (g >= 0)
			return g;
		g = function_group(c, j, found);
		if (g >= 0)
			return g;
	}
	return -1;
}

static void predict_one(struct tctx *c, int i)
{
	struct topology *t = c->t;
	struct topo_node *n = &t->nodes[i];
	int top = i, g = -1, found = -1, unk = -1;
	const char *quirk = NULL;

	c->cur = i;
	/* 1. the DMA alias walk: the last alias with a group gives it */
	for (int b = n->parent; b >= 0; b = t->nodes[b].parent) {
		struct topo_node *br = &t->nodes[b];

		if (br->pcie == TOPO_UNKNOWN) {
			note_unknown(c, br);
			continue;
		}
		if (br->pcie == TOPO_YES && br->pcie_type != PCI_EXP_TYPE_PCI_BRIDGE &&
		    br->pcie_type != PCI_EXP_TYPE_PCIE_BRIDGE)
			continue;  /* root and switch ports forward the requester ID unchanged */
		top = b;
		if (c->grp[b] >= 0) {
			n->rule = TOPO_RULE_BRIDGE_ALIAS;
			n->via = b;
			n->reason = xasprintf("with bridge %s: %s behind %s, whose requests carry the "
					      "bridge's requester ID (DMA alias)",
					      br->name, n->pcie == TOPO_YES ? "PCIe device" : "conventional PCI",
					      br->pcie == TOPO_YES && br->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE ?
					      "a PCIe-to-PCI bridge" : "a conventional PCI bridge");
			c->grp[i] = c->grp[b];
			return;
		}
	}
	/* 2. climb while the path to the root is not ACS-isolated */
	for (int b = t->nodes[top].parent; b >= 0; b = t->nodes[b].parent) {
		int fail = acs_path_fail(t, b, &unk);

		if (unk >= 0)
			note_unknown(c, &t->nodes[unk]);
		if (fail < 0)
			break;
		top = b;
		if (c->grp[b] >= 0) {
			const struct topo_node *f = &t->nodes[fail];

			n->rule = TOPO_RULE_ACS_PATH;
			n->via = b;
			n->at = fail;
			n->reason = xasprintf("with %s: the path to the root is not ACS-isolated at %s (%s)",
					      t->nodes[b].name, f->name, f->acs_why ? f->acs_why : "?");
			c->grp[i] = c->grp[b];
			return;
		}
	}
	/* 3. DMA alias functions, 4. functions of a slot without ACS */
	memset(c->seen, 0, t->n);
	g = alias_group(c, top, &found, &quirk);
	if (g >= 0 && found != i) {
		n->rule = TOPO_RULE_DMA_ALIAS;
		n->via = found;
		n->reason = xasprintf("with %s: DMA alias (%s)", t->nodes[found].name, quirk ? quirk : "?");
		c->grp[i] = g;
		return;
	}
	found = -1;
	g = function_group(c, top, &found);
	if (g >= 0) {
		n->rule = TOPO_RULE_FUNCTION;
		n->via = found;
		n->reason = xasprintf("with %s: functions of one multifunction slot without ACS "
				      "isolation (%s: %s; %s: %s)", t->nodes[found].name, t->nodes[top].name,
				      t->nodes[top].acs_why ? t->nodes[top].acs_why : "?",
				      t->nodes[found].name,
				      t->nodes[found].acs_why ? t->nodes[found].acs_why : "?");
		c->grp[i] = g;
		return;
	}
	/* 5. a new group */
	c->grp[i] = (int)t->npred++;
	n->rule = TOPO_RULE_OWN;
	n->via = -1;
	{
		const char *where;
		char *extra = NULL;

		if (n->parent < 0)
			where = "on a root bus";
		else
			where = NULL;
		if (n->mf == TOPO_YES)
			extra = xasprintf("; multifunction, %s", n->acs_why ? n->acs_why : "?");
		if (where)
			n->reason = xasprintf("own group: %s, no DMA alias%s", where, extra ? extra : "");
		else
			n->reason = xasprintf("own group: ACS path to the root enabled from %s%s",
					      t->nodes[n->parent].name, extra ? extra : "");
		free(extra);
	}
}

static bool members_equal(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static void compare(struct tctx *c)
{
	const struct inventory *inv = c->inv;
	struct topology *t = c->t;

	t->groups = xcalloc(inv->ngroups ? inv->ngroups : 1, sizeof(*t->groups));
	t->ngroups = inv->ngroups;
	for (size_t gi = 0; gi < inv->ngroups; gi++) {
		const struct inv_group *g = &inv->groups[gi];
		struct topo_group *tg = &t->groups[gi];
		int first = -1;
		bool unknown = false, nonpci = false;

		tg->id = g->id;
		for (size_t m = 0; m < g->members.n; m++) {
			int k = node_by_name(c, g->members.v[m]);

			if (k < 0) {
				nonpci = true;
				continue;
			}
			if (first < 0)
				first = k;
			if (t->nodes[k].uncertain)
				unknown = true;
		}
		if (t->na || first < 0) {
			tg->cmp = TOPO_CMP_NA;
			tg->finding = xstrdup(t->na ? t->na : nonpci ?
					      "no PCI member: the IOMMU driver groups platform devices by its own rule" :
					      "no members");
			continue;
		}
		for (size_t k = 0; k < t->n; k++)
			if (t->nodes[k].pred >= 0 && t->nodes[k].pred == t->nodes[first].pred) {
				strv_push(&tg->predicted, t->nodes[k].name);
				if (t->nodes[k].uncertain)
					unknown = true;
			}
		strv_sort(&tg->predicted);
		{
			struct strv pcim = { 0 };

			for (size_t m = 0; m < g->members.n; m++)
				if (node_by_name(c, g->members.v[m]) >= 0)
					strv_push(&pcim, g->members.v[m]);
			strv_sort(&pcim);
			if (members_equal(&pcim, &tg->predicted)) {
				tg->cmp = unknown ? TOPO_CMP_UNKNOWN : TOPO_CMP_MATCH;
				if (unknown)
					tg->finding = xstrdup("the same members, but ACS could not be read "
							      "on the way: run as root for the full config space");
			} else if (unknown) {
				tg->cmp = TOPO_CMP_UNKNOWN;
				tg->finding = xstrdup("cannot tell: ACS or the PCIe capability is past the "
						      "config space readable here (run as root)");
			} else {
				const char *why;

				tg->cmp = TOPO_CMP_DIFFER;
				if (pcim.n > tg->predicted.n)
					why = c->ivrs ? "the kernel merged more: a DMA alias quirk we do not know, or "
							"an IVRS alias entry (amd_iommu adds them as DMA aliases)" :
						"the kernel merged more: a DMA alias quirk (quirk_dma_func*_alias, "
						"quirk_fixed_dma_alias) we do not know, or ACS turned off after boot";
				else
					why = "the kernel isolates more: an ACS quirk of drivers/pci/quirks.c not "
					      "in our table, or pcie_acs_override=/pci=config_acs= on the "
					      "command line";
				tg->finding = xasprintf("kernel: %zu PCI member(s), predicted: %zu; %s",
							pcim.n, tg->predicted.n, why);
				t->ndiffer++;
			}
			if (tg->cmp == TOPO_CMP_UNKNOWN)
				t->nunknown++;
			strv_free(&pcim);
		}
	}
}

int topology_build(const struct inventory *inv, struct topology *t)
{
	struct tctx c = { .inv = inv, .t = t };
	size_t k = 0;
	int *root_list;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < inv->nunits; i++) {
		const char *kn = inv->units[i].kind ? inv->units[i].kind->name : NULL;

		if (kn && !strcmp(kn, "amd-vi"))
			c.ivrs = true;
		if (kn && !strcmp(kn, "spapr-tce"))
			t->na = "POWER (PowerNV/pSeries) groups by partitionable endpoint (PE), "
				"not by pci_device_group: not predicted";
	}
	t->nodes = xcalloc(inv->ndevices ? inv->ndevices : 1, sizeof(*t->nodes));
	c.node_of = xcalloc(inv->ndevices ? inv->ndevices : 1, sizeof(int));
	for (size_t i = 0; i < inv->ndevices; i++) {
		const struct inv_device *d = &inv->devices[i];
		struct topo_node *n;

		c.node_of[i] = -1;
		if (!d->pci || !d->path)
			continue;
		c.node_of[i] = (int)t->n;
		n = &t->nodes[t->n++];
		n->dev = i;
		n->name = d->name;
		n->parent = -1;
		n->pred = -1;
		n->via = n->at = -1;
		n->alias_devfn = -1;
		if (!parse_addr(d->name, &n->domain, &n->bus, &n->slot, &n->fn))
			n->domain = n->bus = n->slot = n->fn = 0;
		n->is_bridge = d->cfg.have_header ? d->cfg.header_type == PCI_HEADER_TYPE_BRIDGE :
			       d->has_class && (d->class_code >> 8) == 0x0604;
		/* pci_scan_slot() marks every function but 0 multifunction, whatever its header says */
		n->mf = n->fn > 0 ? TOPO_YES : !d->cfg.have_header ? TOPO_UNKNOWN :
			d->cfg.multifunction ? TOPO_YES : TOPO_NO;
		n->pcie = d->cfg.pcie == PCICFG_PRESENT ? TOPO_YES :
			  d->cfg.pcie == PCICFG_ABSENT ? TOPO_NO : TOPO_UNKNOWN;
		n->pcie_type = d->cfg.pcie_type;
		for (size_t q = 0; q < sizeof(alias_quirks) / sizeof(alias_quirks[0]); q++)
			if (d->has_vendor && d->has_device && alias_quirks[q].vendor == d->vendor &&
			    alias_quirks[q].device == d->device) {
				n->alias_devfn = (int)(n->slot << 3 | (unsigned int)alias_quirks[q].fn);
				n->alias_quirk = alias_quirks[q].name;
			}
	}
	/* parents: the directory above in the device's sysfs path */
	root_list = xcalloc(t->n ? t->n : 1, sizeof(int));
	for (size_t i = 0; i < t->n; i++) {
		struct topo_node *n = &t->nodes[i];
		const char *path = inv->devices[n->dev].path;
		const char *slash = strrchr(path, '/');
		char *dir = xstrndup(path, slash ? (size_t)(slash - path) : 0);
		const char *base = strrchr(dir, '/');

		base = base ? base + 1 : dir;
		n->parent = node_by_name(&c, base);
		if (n->parent == (int)i)
			n->parent = -1;
		n->bus_key = xasprintf("%s/%02x", dir, n->bus);
		free(dir);
	}
	/* a parent loop (a hostile tree) would never end a walk: cut it */
	for (size_t i = 0; i < t->n; i++) {
		size_t steps = 0;

		for (int p = t->nodes[i].parent; p >= 0; p = t->nodes[p].parent)
			if (++steps > t->n) {
				t->nodes[i].parent = -1;
				break;
			}
	}
	for (size_t i = 0; i < t->n; i++) {
		struct topo_node *p;

		if (t->nodes[i].parent < 0) {
			root_list[t->nroots++] = (int)i;
			continue;
		}
		p = &t->nodes[t->nodes[i].parent];
		p->children = xrealloc(p->children, (p->nchildren + 1) * sizeof(int));
		p->children[p->nchildren++] = (int)i;
	}
	sort_t = t;
	qsort(root_list, t->nroots, sizeof(int), by_addr);
	for (size_t i = 0; i < t->n; i++)
		if (t->nodes[i].nchildren > 1)
			qsort(t->nodes[i].children, t->nodes[i].nchildren, sizeof(int), by_addr);
	sort_t = NULL;
	t->roots = root_list;
	t->order = xcalloc(t->n ? t->n : 1, sizeof(int));
	add_order(t, t->roots, t->nroots, &k);
	for (size_t i = 0; i < t->n; i++)
		t->nodes[i].acs_req = acs_enabled(&c, &t->nodes[i]);

	c.grp = xcalloc(t->n ? t->n : 1, sizeof(int));
	c.seen = xcalloc(t->n ? t->n : 1, 1);
	for (size_t i = 0; i < t->n; i++)
		c.grp[i] = -1;
	if (!t->na)
		for (size_t o = 0; o < k; o++) {
			int i = t->order[o];

			/* the kernel groups only the devices its IOMMU probed */
			if (inv->devices[t->nodes[i].dev].group < 0)
				continue;
			predict_one(&c, i);
		}
	for (size_t i = 0; i < t->n; i++)
		t->nodes[i].pred = c.grp[i];
	compare(&c);
	free(c.grp);
	free(c.seen);
	free(c.node_of);
	return 0;
}

void topology_release(struct topology *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->nodes[i].bus_key);
		free(t->nodes[i].acs_why);
		free(t->nodes[i].children);
		free(t->nodes[i].reason);
		free(t->nodes[i].uncertain);
	}
	for (size_t i = 0; i < t->ngroups; i++) {
		strv_free(&t->groups[i].predicted);
		free(t->groups[i].finding);
	}
	free(t->groups);
	free(t->nodes);
	free(t->roots);
	free(t->order);
	memset(t, 0, sizeof(*t));
}

int topology_find(const struct topology *t, const struct inventory *inv, const char *name)
{
	const struct inv_device *d = inventory_device(inv, name);

	if (!d)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		if (t->nodes[i].dev == (size_t)(d - inv->devices))
			return (int)i;
	return -1;
}

const struct topo_group *topology_group(const struct topology *t, unsigned int id)
{
	for (size_t i = 0; i < t->ngroups; i++)
		if (t->groups[i].id == id)
			return &t->groups[i];
	return NULL;
}

const char *topo_cmp_name(enum topo_cmp c)
{
	switch (c) {
	case TOPO_CMP_MATCH:
		return "same";
	case TOPO_CMP_DIFFER:
		return "differs";
	case TOPO_CMP_UNKNOWN:
		return "unknown";
	default:
		return "not applicable";
	}
}

const char *topo_rule_key(enum topo_rule r)
{
	switch (r) {
	case TOPO_RULE_OWN:
		return "own";
	case TOPO_RULE_BRIDGE_ALIAS:
		return "bridge-alias";
	case TOPO_RULE_ACS_PATH:
		return "acs-path";
	case TOPO_RULE_FUNCTION:
		return "function";
	case TOPO_RULE_DMA_ALIAS:
		return "dma-alias";
	default:
		return "none";
	}
}

const char *topo_tri_name(enum topo_tri t)
{
	return t == TOPO_YES ? "yes" : t == TOPO_NO ? "no" : "unknown";
}
