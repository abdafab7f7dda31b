/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI hierarchy and the IOMMU groups the kernel's rules give it.
 *
 * Built from the inventory alone (each device's sysfs path gives its
 * upstream bridge; its config space the header type, PCIe port type and
 * ACS registers), so it works live, on --sysfs-root trees and snapshots.
 * The prediction replays drivers/iommu/iommu.c pci_device_group() in the
 * order the kernel adds devices (a bus's devices, then the buses below
 * them): the DMA alias walk of drivers/pci/search.c
 * pci_for_each_dma_alias() (conventional PCI behind a bridge, and PCIe-to-PCI
 * bridges, alias to the bridge), the climb while pci_acs_path_enabled()
 * with REQ_ACS_FLAGS (SV, RR, CR, UF) fails, then the functions of a
 * multifunction slot without ACS (get_pci_function_alias_group), with the
 * ACS and DMA-alias quirks of drivers/pci/quirks.c we know by ID. Each
 * device records the rule that placed it; the result is compared with the
 * groups the kernel made. Nothing here prints.
 */
#ifndef IOMMUCTL_TOPOLOGY_H
#define IOMMUCTL_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/sysfs/inventory.h"

/* REQ_ACS_FLAGS of drivers/iommu/iommu.c */
#define TOPO_REQ_ACS (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

enum topo_tri { TOPO_NO = 0, TOPO_YES, TOPO_UNKNOWN };

enum topo_rule {
	TOPO_RULE_NONE = 0,     /* not predicted (in no group, or not PCI) */
	TOPO_RULE_OWN,          /* a new group */
	TOPO_RULE_BRIDGE_ALIAS, /* DMA-aliased to an upstream bridge (pci_for_each_dma_alias) */
	TOPO_RULE_ACS_PATH,     /* the path to the root is not ACS-isolated: the bridge's group */
	TOPO_RULE_FUNCTION,     /* a function of a multifunction slot without ACS */
	TOPO_RULE_DMA_ALIAS,    /* a DMA alias quirk names a function on its bus */
};

struct topo_node {
	size_t dev;               /* index into inventory.devices */
	const char *name;         /* that device's name */
	int parent;               /* node of the upstream bridge; -1: on a root bus */
	char *bus_key;            /* its bus: same key, same bus */
	unsigned int domain, bus, slot, fn;
	bool is_bridge;           /* header type 1 (class 0x0604 bridges) */
	enum topo_tri mf;         /* multifunction bit of the header type */
	enum topo_tri pcie;       /* PCI Express capability */
	uint8_t pcie_type;        /* valid when pcie is TOPO_YES */
	/* pci_acs_enabled(dev, REQ_ACS_FLAGS) and why */
	enum topo_tri acs_req;
	const char *acs_quirk;    /* the quirks.c function that decided it, or NULL */
	char *acs_why;
	/* DMA alias quirk: the function it also uses as requester ID (-1: none) */
	int alias_devfn;
	const char *alias_quirk;
	/* the hierarchy, children in the kernel's order */
	int *children;
	size_t nchildren;
	/* the prediction */
	int pred;                 /* predicted group index; -1: not predicted */
	enum topo_rule rule;
	int via;                  /* node whose group it joined (or the bridge it aliased to) */
	int at;                   /* ACS_PATH: the first bridge without ACS on the path */
	char *reason;             /* one line: the rule with its evidence */
	char *uncertain;          /* non-NULL: what could not be read (config space too short) */
};

/* One group of the kernel compared with the prediction. */
enum topo_cmp { TOPO_CMP_MATCH = 0, TOPO_CMP_DIFFER, TOPO_CMP_UNKNOWN, TOPO_CMP_NA };

struct topo_group {
	unsigned int id;          /* the kernel's group number */
	enum topo_cmp cmp;
	struct strv predicted;    /* the members the prediction gives the group's first PCI member */
	char *finding;            /* NULL when equal: what differs and the likely reason */
};

struct topology {
	struct topo_node *nodes;
	size_t n;
	int *roots;               /* nodes on root buses, in order */
	size_t nroots;
	int *order;               /* every node in the kernel's add order */
	size_t npred;             /* predicted groups */
	const char *na;           /* non-NULL: why the groups are not pci_device_group's (powernv) */
	struct topo_group *groups;
	size_t ngroups;
	size_t ndiffer, nunknown; /* groups that differ / cannot be told */
};

int topology_build(const struct inventory *inv, struct topology *t);
void topology_release(struct topology *t);

/* The node of a device (by name as the inventory spells it), or -1. */
int topology_find(const struct topology *t, const struct inventory *inv, const char *name);
const struct topo_group *topology_group(const struct topology *t, unsigned int id);

/* "same", "differs", "unknown", "not applicable" */
const char *topo_cmp_name(enum topo_cmp c);
/* "own", "bridge-alias", "acs-path", "function", "dma-alias", "none" */
const char *topo_rule_key(enum topo_rule r);
/* The ACS bits of a node's control register in REQ_ACS_FLAGS plus TB (SV RR CR UF TB), as words. */
const char *topo_tri_name(enum topo_tri t);

#endif
