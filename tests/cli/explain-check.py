#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Checks `iommuctl -j device tree`: the groups the kernel's rules predict are
# the kernel's (prediction.differs is 0, and unknown too unless
# --allow-unknown), every device in a group names the rule that put it there,
# and, with --rules FILE, that each "ADDR RULE [VIA|-] [ACS-QUIRK]" line of
# FILE holds (VIA: the device whose group it joined).
# With --groups FILE (devices.txt of a capture: "ADDR ID CLASS driver=D
# group=G"), the tree's groups are those. Prints one line per check:
# "ok   ..." or "FAIL ...".
#   explain-check.py TREE.json [--allow-unknown] [--rules FILE] [--groups FILE] [--label L]
import argparse
import json
import sys

RULES = {"own", "bridge-alias", "acs-path", "function", "dma-alias"}

ap = argparse.ArgumentParser()
ap.add_argument("tree")
ap.add_argument("--allow-unknown", action="store_true")
ap.add_argument("--rules")
ap.add_argument("--groups")
ap.add_argument("--label", default="")
a = ap.parse_args()
lab = a.label + ": " if a.label else ""
fails = 0


def res(good, text):
    global fails
    print(("ok   " if good else "FAIL ") + lab + text)
    fails += not good


d = json.load(open(a.tree))
nodes = {}


def walk(lst):
    for n in lst:
        nodes[n["address"]] = n
        walk(n.get("children", []))


walk(d["tree"])
p = d["prediction"]
if p["reason"]:
    res(p["nnot_predicted"] == p["ngroups"], "not predicted: %s" % p["reason"])
    sys.exit(1 if fails else 0)
res(p["ndiffer"] == 0, "predicted groups equal the kernel's: %d of %d the same, %d differ%s" %
    (p["nsame"], p["ngroups"], p["ndiffer"],
     "".join("; group %d: %s" % (f["group"], f["finding"]) for f in p["findings"] if f["comparison"] == "differs")))
if a.allow_unknown:
    res(True, "%d group(s) unknown (config space too short to read ACS)" % p["nunknown"])
else:
    res(p["nunknown"] == 0, "no group is unknown (%d)" % p["nunknown"])
norule = [x for x, n in nodes.items() if n["group"] is not None and n["rule"] not in RULES]
res(not norule, "every grouped device names its rule (%d devices)%s" %
    (sum(1 for n in nodes.values() if n["group"] is not None), ": none for " + ", ".join(norule) if norule else ""))
if a.groups:
    want = {}
    for line in open(a.groups):
        w = line.split()
        g = [x for x in w if x.startswith("group=")]
        if g and g[0] != "group=-":
            want[w[0]] = int(g[0][6:])
    got = {x: n["group"] for x, n in nodes.items() if n["group"] is not None}
    res(want == got, "the tree's groups are the guest's own (%d devices)" % len(want))
if a.rules:
    for line in open(a.rules):
        w = line.split("#")[0].split()
        if not w:
            continue
        n = nodes.get(w[0])
        if not n:
            res(False, "%s: not in the tree" % w[0])
            continue
        via = w[2] if len(w) > 2 and w[2] != "-" else None
        quirk = w[3] if len(w) > 3 else None
        ok = n["rule"] == w[1] and n["via"] == via and (quirk is None or n["acs_quirk"] == quirk)
        res(ok, "%s: rule %s%s%s (got %s%s%s)" % (w[0], w[1], " via " + via if via else "",
                                                  ", ACS by " + quirk if quirk else "",
                                                  n["rule"], " via %s" % n["via"] if n["via"] else "",
                                                  ", ACS by %s" % n["acs_quirk"] if n["acs_quirk"] else ""))
sys.exit(1 if fails else 0)
