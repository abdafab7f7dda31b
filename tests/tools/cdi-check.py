#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check a CDI spec that `iommuctl cdi` wrote.

    tests/tools/cdi-check.py [--root DIR | --nodes FILE] [--backend B] SPEC

The spec must validate against docs/json/cdi-spec.schema.json (the CDI
format as its specification documents it), and, checked here again by hand
so that a lax schema cannot hide it: every device name is one the CDI
specification allows (letters, digits, '-', '_', '.', a letter or digit at
both ends) and unique, the kind is VENDOR/CLASS, every device brings at
least one node, its pciBusID annotation is the address its name was made
from, and every node it names exists: under DIR (a --sysfs-root tree's
root: DIR/dev/...), or among the lines of FILE (the nodes a guest listed).
--backend: the backend the spec must be for (its nodes say which).
One line per check, "ok ..." or "FAIL ..."; exit status 1 when one failed.
"""
import argparse
import json
import os
import re
import sys

import jsonschema

NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$")
PART = r"[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9])?"
KIND = re.compile(r"^%s/%s$" % (PART, PART))
SHARED = {"iommufd": "/dev/iommu", "legacy": "/dev/vfio/vfio"}
DEVNODE = {"iommufd": re.compile(r"^/dev/vfio/devices/vfio[0-9]+$"),
           "legacy": re.compile(r"^/dev/vfio/(noiommu-)?[0-9]+$")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemas", default=os.path.join(os.path.dirname(__file__), "../../docs/json"))
    ap.add_argument("--root")
    ap.add_argument("--nodes")
    ap.add_argument("--backend", choices=["iommufd", "legacy"])
    ap.add_argument("spec")
    a = ap.parse_args()
    bad = 0

    def check(cond, what):
        nonlocal bad
        print(("ok   " if cond else "FAIL ") + what)
        bad += 0 if cond else 1

    try:
        spec = json.load(open(a.spec))
    except ValueError as e:
        print("FAIL %s: not JSON: %s" % (a.spec, e))
        return 1
    schema = json.load(open(os.path.join(a.schemas, "cdi-spec.schema.json")))
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(spec))
    check(not errors, "valid against cdi-spec.schema.json" +
          ("" if not errors else ": " + "; ".join(e.message[:200] for e in errors[:3])))
    if errors:
        return 1
    check(bool(KIND.match(spec["kind"])), "kind %s is VENDOR/CLASS" % spec["kind"])
    names = [d["name"] for d in spec["devices"]]
    check(len(names) == len(set(names)), "device names unique: %s" % ", ".join(names))
    have = None
    if a.nodes:
        have = set(l.strip() for l in open(a.nodes) if l.strip())
    shared = [n["path"] for n in spec.get("containerEdits", {}).get("deviceNodes", [])]
    paths = list(shared)
    for d in spec["devices"]:
        check(bool(NAME.match(d["name"])), "name %s allowed by the CDI spec" % d["name"])
        nodes = [n["path"] for n in d["containerEdits"].get("deviceNodes", [])]
        check(len(nodes) >= 1, "%s brings a node" % d["name"])
        paths += nodes
        bus = [v for k, v in d.get("annotations", {}).items() if k.endswith("/pciBusID")]
        check(len(bus) == 1 and bus[0].replace(":", "-") == d["name"],
              "%s: its pciBusID annotation %s is its address" % (d["name"], bus))
        if a.backend:
            check(all(DEVNODE[a.backend].match(p) for p in nodes),
                  "%s: its nodes %s are %s nodes" % (d["name"], nodes, a.backend))
    if a.backend:
        check(shared == [SHARED[a.backend]], "the spec's node is %s" % SHARED[a.backend])
    for p in sorted(set(paths)):
        if a.root:
            check(os.path.lexists(os.path.join(a.root, p.lstrip("/"))), "node %s exists in %s" % (p, a.root))
        elif have is not None:
            check(p in have, "node %s exists on the machine" % p)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
