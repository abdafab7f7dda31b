// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain DEVICE|GROUP: why a device is in its group (the kernel's rule for
 * each member, from the PCI hierarchy and each port's ACS), the group the
 * rules predict against the one the kernel made, whether VFIO can take it
 * and the smallest change that would let it, and the reserved regions that
 * matter. device tree: the PCI hierarchy as lspci -tv draws it, with each
 * port's ACS, each device's group, driver and viability.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/sysfs/topology.h"
#include "cli/cli.h"
#include "cli/ctx.h"
#include "cli/explain.h"
#include "cli/inv.h"
#include "core/exitcodes.h"
#include "core/util.h"
#include "output/out.h"

static const char *node_type(const struct topo_node *n)
{
	const char *s;

	if (n->pcie == TOPO_NO)
		return n->is_bridge ? "PCI bridge" : "conventional PCI";
	if (n->pcie == TOPO_UNKNOWN)
		return n->is_bridge ? "bridge" : "device";
	s = pcicfg_pcie_type_name(n->pcie_type);
	return s ? s : "PCIe (reserved type)";
}

/* The ACS controls that isolate (SV RR CR UF) and TB, as enabled in the control register. */
static void acs_marks(const struct inv_device *d, struct strv *on)
{
	static const unsigned int bits[] = { PCI_ACS_SV, PCI_ACS_RR, PCI_ACS_CR, PCI_ACS_UF, PCI_ACS_TB };
	static const char *const names[] = { "SV", "RR", "CR", "UF", "TB" };

	for (size_t i = 0; i < 5; i++)
		if (d->cfg.acs.ctrl & bits[i])
			strv_push(on, names[i]);
}

/* Where ACS matters: ports below the root, multifunction devices, and anything that has it. */
static bool acs_matters(const struct topo_node *n, const struct inv_device *d)
{
	return d->cfg.acs.state == PCICFG_PRESENT || n->mf == TOPO_YES ||
	       (n->pcie == TOPO_YES &&
		(n->pcie_type == PCI_EXP_TYPE_ROOT_PORT || n->pcie_type == PCI_EXP_TYPE_DOWNSTREAM)) ||
	       (n->pcie == TOPO_UNKNOWN && n->is_bridge);
}

static char *acs_text(const struct topo_node *n, const struct inv_device *d)
{
	struct strv on = { 0 };
	char *s, *j;

	if (!acs_matters(n, d))
		return xstrdup("");
	if (n->acs_quirk && n->acs_req == TOPO_YES)
		return xasprintf(" [ACS by quirk %s]", n->acs_quirk);
	switch (d->cfg.acs.state) {
	case PCICFG_UNKNOWN:
		return xstrdup(" [ACS ?]");
	case PCICFG_ABSENT:
		return xstrdup(" [no ACS]");
	default:
		break;
	}
	acs_marks(d, &on);
	j = on.n ? strv_join(&on, " ") : xstrdup("none enabled");
	s = xasprintf(" [ACS %s]", j);
	free(j);
	strv_free(&on);
	return s;
}

static void node_json(struct out *o, const struct inventory *inv, const struct topology *t,
		      const struct topo_node *n)
{
	const struct inv_device *d = &inv->devices[n->dev];
	const struct inv_group *g = d->group >= 0 ? inventory_group(inv, (unsigned int)d->group) : NULL;
	struct strv on = { 0 };
	char buf[32];

	out_str(o, "address", NULL, n->name);
	out_str(o, "id", NULL, cli_device_id(d, buf, sizeof(buf)));
	out_str(o, "pcie_type", NULL, node_type(n));
	if (n->mf == TOPO_UNKNOWN)
		out_null(o, "multifunction", NULL);
	else
		out_bool(o, "multifunction", NULL, n->mf == TOPO_YES);
	out_str(o, "acs_state", NULL, cli_acs_state(d));
	if (d->cfg.acs.state == PCICFG_PRESENT)
		cli_acs_bits(d->cfg.acs.ctrl & ((1u << PCI_ACS_BITS) - 1), &on);
	out_strv(o, "acs_enabled", NULL, &on);
	strv_free(&on);
	if (n->acs_req == TOPO_UNKNOWN)
		out_null(o, "acs_isolates", NULL);
	else
		out_bool(o, "acs_isolates", NULL, n->acs_req == TOPO_YES);
	out_str(o, "acs_quirk", NULL, n->acs_quirk);
	if (d->group >= 0)
		out_u64(o, "group", NULL, (uint64_t)d->group);
	else
		out_null(o, "group", NULL);
	out_str(o, "driver", NULL, d->driver);
	if (g && g->viable_known)
		out_bool(o, "group_viable", NULL, g->viable);
	else
		out_null(o, "group_viable", NULL);
	out_str(o, "rule", NULL, topo_rule_key(n->rule));
	out_str(o, "via", NULL, n->via >= 0 ? t->nodes[n->via].name : NULL);
	out_str(o, "comparison", NULL, d->group >= 0 && topology_group(t, (unsigned int)d->group) ?
		topo_cmp_name(topology_group(t, (unsigned int)d->group)->cmp) : NULL);
}

static void node_text(struct out *o, const struct inventory *inv, const struct topology *t,
		      const struct topo_node *n, const char *prefix, const char *branch)
{
	const struct topo_group *tg;
	const struct inv_device *d = &inv->devices[n->dev];
	const struct inv_group *g = d->group >= 0 ? inventory_group(inv, (unsigned int)d->group) : NULL;
	char buf[32], gbuf[24];
	char *acs = acs_text(n, d);
	const char *id = cli_device_id(d, buf, sizeof(buf));

	if (d->group >= 0)
		snprintf(gbuf, sizeof(gbuf), "group %d", d->group);
	else
		snprintf(gbuf, sizeof(gbuf), "no group");
	tg = d->group >= 0 ? topology_group(t, (unsigned int)d->group) : NULL;
	out_text(o, "%s%s%s %s %s%s%s  %s  %s  %s%s", prefix, branch, n->name, id ? id : "-", node_type(n),
		 n->mf == TOPO_YES ? " multifunction" : "", acs, gbuf, d->driver ? d->driver : "-",
		 !g ? "-" : !g->viable_known ? "viable ?" : g->viable ? "viable" : "not viable",
		 tg && tg->cmp == TOPO_CMP_DIFFER ? "  (prediction differs)" :
		 tg && tg->cmp == TOPO_CMP_UNKNOWN ? "  (prediction unknown)" : "");
	free(acs);
}

/* Draw the nodes in list (and below them those show[] marks), lspci -tv style. */
static void tree_level(struct out *o, const struct inventory *inv, const struct topology *t,
		       const int *list, size_t n, const unsigned char *show, const char *prefix)
{
	size_t last = 0, shown = 0;

	for (size_t i = 0; i < n; i++)
		if (!show || show[list[i]]) {
			last = i;
			shown++;
		}
	if (!shown)
		return;
	if (out_is_json(o))
		out_list_begin(o, prefix ? "children" : "tree", NULL);
	for (size_t i = 0; i < n; i++) {
		const struct topo_node *nd = &t->nodes[list[i]];
		char *sub;

		if (show && !show[list[i]])
			continue;
		if (out_is_json(o)) {
			out_obj_begin(o, NULL, NULL);
			node_json(o, inv, t, nd);
			if (nd->nchildren)
				tree_level(o, inv, t, nd->children, nd->nchildren, show, "");
			out_obj_end(o);
			continue;
		}
		node_text(o, inv, t, nd, prefix ? prefix : "", prefix ? (i == last ? "\\-" : "+-") : "");
		sub = xasprintf("%s%s", prefix ? prefix : "", prefix ? (i == last ? "  " : "| ") : "");
		tree_level(o, inv, t, nd->children, nd->nchildren, show, sub);
		free(sub);
	}
	if (out_is_json(o))
		out_list_end(o);
}

/* Root buses in text: a header line per domain:bus, then its devices below. */
static void tree_draw(struct out *o, const struct inventory *inv, const struct topology *t,
		      const unsigned char *show)
{
	if (out_is_json(o)) {
		tree_level(o, inv, t, t->roots, t->nroots, show, NULL);
		return;
	}
	for (size_t i = 0; i < t->nroots;) {
		const struct topo_node *r = &t->nodes[t->roots[i]];
		size_t j = i;
		bool any = false;

		while (j < t->nroots && t->nodes[t->roots[j]].domain == r->domain &&
		       t->nodes[t->roots[j]].bus == r->bus) {
			any |= !show || show[t->roots[j]];
			j++;
		}
		if (any) {
			out_text(o, "[%04x:%02x]", r->domain, r->bus);
			tree_level(o, inv, t, t->roots + i, j - i, show, " ");
		}
		i = j;
	}
}

/* How the predicted groups compare with the kernel's, and each group that differs. */
static void prediction_summary(struct out *o, const struct topology *t)
{
	size_t same = 0, na = 0;

	for (size_t i = 0; i < t->ngroups; i++) {
		same += t->groups[i].cmp == TOPO_CMP_MATCH;
		na += t->groups[i].cmp == TOPO_CMP_NA;
	}
	if (!out_is_json(o)) {
		if (t->na)
			out_text(o, "predicted groups: %s", t->na);
		else
			out_text(o, "predicted groups: %zu of %zu as the kernel made them%s", same, t->ngroups - na,
				 t->ndiffer || t->nunknown ? ":" : "");
		for (size_t i = 0; i < t->ngroups; i++)
			if (t->groups[i].cmp == TOPO_CMP_DIFFER || t->groups[i].cmp == TOPO_CMP_UNKNOWN)
				out_text(o, "  group %u %s: %s", t->groups[i].id, topo_cmp_name(t->groups[i].cmp),
					 t->groups[i].finding);
		return;
	}
	out_obj_begin(o, "prediction", NULL);
	out_u64(o, "ngroups", NULL, t->ngroups);
	out_u64(o, "nsame", NULL, same);
	out_u64(o, "ndiffer", NULL, t->ndiffer);
	out_u64(o, "nunknown", NULL, t->nunknown);
	out_u64(o, "nnot_predicted", NULL, na);
	out_str(o, "reason", NULL, t->na);
	out_list_begin(o, "findings", NULL);
	for (size_t i = 0; i < t->ngroups; i++)
		if (t->groups[i].cmp == TOPO_CMP_DIFFER || t->groups[i].cmp == TOPO_CMP_UNKNOWN) {
			out_obj_begin(o, NULL, NULL);
			out_u64(o, "group", NULL, t->groups[i].id);
			out_str(o, "comparison", NULL, topo_cmp_name(t->groups[i].cmp));
			out_strv(o, "predicted", NULL, &t->groups[i].predicted);
			out_str(o, "finding", NULL, t->groups[i].finding);
			out_obj_end(o);
		}
	out_list_end(o);
	out_obj_end(o);
}

static int load(struct iommuctl_ctx *ctx, struct inventory *inv, struct topology *t)
{
	int err = cli_inventory_load(ctx, inv);

	if (err)
		return err;
	topology_build(inv, t);
	return 0;
}

int cli_device_tree(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct inventory inv;
	struct topology t;
	int err;

	(void)opts, (void)argc, (void)argv;
	err = load(ctx, &inv, &t);
	if (err)
		return err;
	cli_inventory_warn(ctx, &inv, INV_SCOPE_DEVICES, NULL);
	if (!inv.have_pci)
		warn_msg(ctx, "no PCI devices in this source");
	out_obj_begin(o, NULL, NULL);
	tree_draw(o, &inv, &t, NULL);
	if (!out_is_json(o))
		out_text(o, "(ACS: the controls enabled among SV RR CR UF TB; groups as the kernel made them)");
	prediction_summary(o, &t);
	out_obj_end(o);
	err = out_flush(o);
	topology_release(&t);
	inventory_release(&inv);
	return err;
}

/* ---- explain ---- */

static void mark_path(const struct topology *t, int i, unsigned char *show)
{
	for (; i >= 0; i = t->nodes[i].parent)
		show[i] = 1;
}

/* The requester ID the IOMMU sees for node i, and the bridge it aliases to (-1: its own). */
static int requester(const struct topology *t, int i, unsigned int *bus, unsigned int *devfn)
{
	int alias = -1;

	*bus = t->nodes[i].bus;
	*devfn = t->nodes[i].slot << 3 | t->nodes[i].fn;
	for (int b = t->nodes[i].parent; b >= 0; b = t->nodes[b].parent) {
		const struct topo_node *br = &t->nodes[b];

		if (br->pcie == TOPO_YES && br->pcie_type != PCI_EXP_TYPE_PCI_BRIDGE &&
		    br->pcie_type != PCI_EXP_TYPE_PCIE_BRIDGE)
			continue;
		if (br->pcie == TOPO_UNKNOWN)
			continue;
		alias = b;
		if (br->pcie == TOPO_YES && br->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE) {
			/* its secondary bus, devfn 00.0: the bus the device below is on, or the one above it */
			const struct topo_node *c = &t->nodes[i];
			int below = i;

			while (c->parent != b) {
				below = c->parent;
				c = &t->nodes[below];
			}
			*bus = c->bus;
			*devfn = 0;
		} else {
			*bus = br->bus;
			*devfn = br->slot << 3 | br->fn;
		}
	}
	return alias;
}

static void out_member(struct out *o, const struct inventory *inv, const struct topology *t, int k)
{
	const struct topo_node *n = &t->nodes[k];
	const struct inv_device *d = &inv->devices[n->dev];

	if (!out_is_json(o)) {
		out_text(o, "%s %-10s %s%s%s", n->name, d->driver ? d->driver : "-",
			 n->reason ? n->reason : "not predicted", n->uncertain ? "; uncertain: " : "",
			 n->uncertain ? n->uncertain : "");
		return;
	}
	out_obj_begin(o, NULL, NULL);
	out_str(o, "address", NULL, n->name);
	out_str(o, "driver", NULL, d->driver);
	out_str(o, "rule", NULL, topo_rule_key(n->rule));
	out_str(o, "reason", NULL, n->reason);
	out_str(o, "via", NULL, n->via >= 0 ? t->nodes[n->via].name : NULL);
	out_str(o, "uncertain", NULL, n->uncertain);
	out_obj_end(o);
}

static void advice(struct out *o, const struct inventory *inv, const struct topology *t,
		   const struct inv_group *g, int dev)
{
	struct strv fix = { 0 };
	bool any_acs = false, any_fn = false, any_alias = false;
	int at = -1;

	for (size_t m = 0; m < g->members.n; m++) {
		int k = topology_find(t, inv, g->members.v[m]);

		if (k < 0)
			continue;
		any_fn |= t->nodes[k].rule == TOPO_RULE_FUNCTION;
		any_alias |= t->nodes[k].rule == TOPO_RULE_BRIDGE_ALIAS;
		if (t->nodes[k].rule == TOPO_RULE_ACS_PATH) {
			any_acs = true;
			if (at < 0)
				at = t->nodes[k].at;
		}
	}
	if (g->viable) {
		bool all_vfio = true;

		for (size_t m = 0; m < g->members.n; m++) {
			const struct inv_device *d = inventory_device(inv, g->members.v[m]);

			if (d && (!d->driver || strcmp(d->driver, "vfio-pci")) &&
			    !(d->driver && !strcmp(d->driver, "pcieport")))
				all_vfio = false;
		}
		if (!all_vfio)
			strv_push_owned(&fix, xasprintf("viable as it is: 'iommuctl group claim %u' binds its "
							"endpoints to vfio-pci", g->id));
	} else if (g->blockers.n) {
		char *b = strv_join(&g->blockers, ", ");

		strv_push_owned(&fix, xasprintf("'iommuctl group claim %u' takes the whole group for "
						"vfio-pci as one transaction (the host loses %s)", g->id, b));
		strv_push_owned(&fix, xasprintf("or unbind %s (or bind to vfio-pci or pci-stub): a group "
						"is viable when every member is unbound, on a VFIO driver "
						"or on one that manages its own DMA", b));
		free(b);
	}
	if (g->members.n > 1) {
		if (any_acs && at >= 0 && t->nodes[at].acs_req == TOPO_UNKNOWN)
			strv_push_owned(&fix, xasprintf("whether %s isolates cannot be read here: run as "
							"root for its ACS capability", t->nodes[at].name));
		else if (any_acs && at >= 0)
			strv_push_owned(&fix, xasprintf("to split the group: move the card to a slot whose "
							"path to the root port has ACS enabled at every "
							"port; %s does not isolate (%s)", t->nodes[at].name,
							t->nodes[at].acs_why ? t->nodes[at].acs_why : "?"));
		if (any_fn)
			strv_push(&fix, "the functions of one multifunction slot without ACS go together: "
				  "pass all of them, or use a card whose functions have ACS (or a "
				  "pci_quirk_mf_endpoint_acs entry)");
		if (any_alias)
			strv_push(&fix, "conventional PCI behind a bridge shares the bridge's requester ID: "
				  "no kernel option can split it; move the card to a PCIe slot");
		if (any_acs || any_fn)
			strv_push_owned(&fix, xasprintf(
				"pcie_acs_override=%s (an out-of-tree patch, not in mainline) would split "
				"it by pretending the %s isolate: the devices could still reach each "
				"other by peer-to-peer DMA that the IOMMU never sees, so a guest could "
				"read or corrupt the other devices' DMA buffers",
				any_acs && any_fn ? "downstream,multifunction" : any_acs ? "downstream" :
				"multifunction", any_acs && any_fn ? "ports and functions" :
				any_acs ? "ports" : "functions"));
	}
	(void)dev;
	out_list_begin(o, "fixes", "fix");
	for (size_t i = 0; i < fix.n; i++)
		if (out_is_json(o))
			out_str(o, NULL, NULL, fix.v[i]);
		else
			out_text(o, "- %s", fix.v[i]);
	out_list_end(o);
	strv_free(&fix);
}

static int explain_run(struct iommuctl_ctx *ctx, void *opts, int argc, char **argv)
{
	struct out *o = ctx_out(ctx);
	struct inventory inv;
	struct topology t;
	struct inv_sel sel;
	struct inv_group *g = NULL;
	struct inv_device *d = NULL;
	const struct topo_group *tg;
	unsigned char *show;
	int dev = -1, err;

	(void)opts, (void)argc;
	if (inv_sel_parse(argv[0], &sel))
		return err_report(ctx, -EUSAGE, "'%s' is neither a group number nor a PCI address "
				  "(0000:00:03.0 or 00:03.0)", argv[0]);
	err = load(ctx, &inv, &t);
	if (err)
		return err;
	if (inventory_group_select(&inv, &sel, &g, &d)) {
		if (sel.is_addr && !inventory_device(&inv, sel.addr))
			err = err_report(ctx, -ENOENT, "no device %s", sel.addr);
		else if (!inv.ngroups)
			err = err_report(ctx, -EOPNOTSUPP, "%s", INV_NO_GROUPS_MSG);
		else if (!sel.is_addr)
			err = err_report(ctx, -ENOENT, "no IOMMU group %u (see 'iommuctl group list')", sel.group);
		else
			err = err_report(ctx, -ENOENT, "%s is in no IOMMU group", sel.addr);
		goto out;
	}
	if (sel.is_addr) {
		d = inventory_device(&inv, sel.addr);
		dev = topology_find(&t, &inv, d->name);
	}
	cli_inventory_warn(ctx, &inv, INV_SCOPE_GROUPS | INV_SCOPE_DEVICES, &g->members);
	show = xcalloc(t.n ? t.n : 1, 1);
	for (size_t m = 0; m < g->members.n; m++)
		mark_path(&t, topology_find(&t, &inv, g->members.v[m]), show);
	tg = topology_group(&t, g->id);

	out_obj_begin(o, NULL, NULL);
	out_str(o, "device", "device", d ? d->name : NULL);
	out_u64(o, "group", "group", g->id);
	if (!out_is_json(o))
		out_text(o, "path to the root:");
	tree_draw(o, &inv, &t, show);
	free(show);

	/* the device's own facts: functions of its slot, DMA alias */
	if (dev >= 0) {
		const struct topo_node *n = &t.nodes[dev];
		unsigned int bus, devfn;
		int alias = requester(&t, dev, &bus, &devfn);

		out_list_begin(o, "siblings", "functions of its slot");
		for (size_t k = 0; k < t.n; k++) {
			const struct topo_node *s = &t.nodes[k];

			if ((int)k == dev || strcmp(s->bus_key, n->bus_key) || s->slot != n->slot)
				continue;
			if (!out_is_json(o)) {
				out_text(o, "%s: %s%s", s->name,
					 s->acs_req == TOPO_YES ? "isolates: " :
					 s->acs_req == TOPO_NO ? "does not isolate: " : "unknown: ",
					 s->acs_why ? s->acs_why : "");
				continue;
			}
			out_obj_begin(o, NULL, NULL);
			out_str(o, "address", NULL, s->name);
			if (s->acs_req == TOPO_UNKNOWN)
				out_null(o, "acs_isolates", NULL);
			else
				out_bool(o, "acs_isolates", NULL, s->acs_req == TOPO_YES);
			out_str(o, "reason", NULL, s->acs_why);
			out_obj_end(o);
		}
		out_list_end(o);
		{
			char rid[16];

			snprintf(rid, sizeof(rid), "%02x:%02x.%x", bus, devfn >> 3, devfn & 7);
			out_str(o, "requester_id", "requester id at the IOMMU", rid);
			out_str(o, "alias_of", "dma alias of", alias >= 0 ? t.nodes[alias].name : NULL);
			out_str(o, "alias_quirk", "dma alias quirk", n->alias_quirk);
		}
	}

	out_strv(o, "members", "members", &g->members);
	out_list_begin(o, "devices", "the rule that put each member in the group");
	for (size_t m = 0; m < g->members.n; m++) {
		int k = topology_find(&t, &inv, g->members.v[m]);

		if (k >= 0) {
			out_member(o, &inv, &t, k);
		} else if (!out_is_json(o)) {
			out_text(o, "%s (not PCI: grouped by the IOMMU driver's own rule)", g->members.v[m]);
		} else {
			out_obj_begin(o, NULL, NULL);
			out_str(o, "address", NULL, g->members.v[m]);
			out_str(o, "driver", NULL, NULL);
			out_str(o, "rule", NULL, "none");
			out_str(o, "reason", NULL, "not PCI: grouped by the IOMMU driver's own rule");
			out_str(o, "via", NULL, NULL);
			out_str(o, "uncertain", NULL, NULL);
			out_obj_end(o);
		}
	}
	out_list_end(o);

	out_obj_begin(o, "prediction", "prediction");
	out_str(o, "comparison", "compared with the kernel", tg ? topo_cmp_name(tg->cmp) : "not applicable");
	if (tg && tg->cmp != TOPO_CMP_NA)
		out_strv(o, "predicted", "predicted members", &tg->predicted);
	else
		out_strv(o, "predicted", "predicted members", &(struct strv){ 0 });
	out_str(o, "finding", "finding", tg ? tg->finding : NULL);
	out_obj_end(o);

	if (g->viable_known)
		out_bool(o, "viable", "viable", g->viable);
	else
		out_null(o, "viable", "viable");
	out_str(o, "reason", "reason", g->reason);
	out_strv(o, "blockers", "blocked by", &g->blockers);
	advice(o, &inv, &t, g, dev);
	cli_msi_regions(ctx, &inv, g);
	out_obj_end(o);
	err = out_flush(o);
out:
	topology_release(&t);
	inventory_release(&inv);
	return err;
}

static const char explain_doc[] =
	"SEL is a PCI address or a group number. Draws the path from each group member to its "
	"root port (each port's type and the ACS controls it enables: SV RR CR UF TB), then "
	"for each member the kernel's rule that put it in the group (drivers/iommu/iommu.c "
	"pci_device_group: DMA aliases of bridges, the ACS path to the root, functions of a "
	"multifunction slot, the ACS and DMA-alias quirks of drivers/pci/quirks.c), the group "
	"those rules predict against the kernel's, whether VFIO can use it, the smallest change "
	"that would make it usable, and its reserved regions with the usable IOVA space (as "
	"'msi show'). Config space read as a normal user is 64 bytes: ACS is then unknown, and "
	"so said. Works on snapshots and --sysfs-root trees.";

static const struct cli_verb explain_verbs[] = { { 0 } };

static const struct cli_verb explain_command = {
	.name = "SEL",
	.summary = "why a device is grouped as it is, and what would change it",
	.args_doc = "DEVICE|GROUP",
	.doc = explain_doc,
	.min_args = 1,
	.max_args = 1,
	.run = explain_run,
};

const struct cli_object cli_object_explain = {
	.name = "explain",
	.summary = "why a device is in its IOMMU group, and what would change it",
	.verbs = explain_verbs,
	.fallback = &explain_command,
};
