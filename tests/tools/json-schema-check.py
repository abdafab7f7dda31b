#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate iommuctl's JSON output against the schemas in docs/json/.

    tests/tools/json-schema-check.py [--schemas DIR] MANIFEST
    tests/tools/json-schema-check.py [--schemas DIR] --vocabulary README

MANIFEST has one line per output file: SCHEMA FILE [all-columns], SCHEMA
being a name under DIR without .schema.json ("group-show"). Each file must
be one JSON document valid against its schema (python3-jsonschema, draft
2020-12, the other schemas reachable by their $id); with all-columns, a list
view printed with every column, each row must also hold every key its
schema declares. One line per file: "ok   ..." or "FAIL ...".

--vocabulary checks the schemas against each other and against the
vocabulary table of README (| `key` | type | meaning |): every key has one
type in every schema, the type README gives it. Keys under an object that
says "x-keys" (a map: sysfs attribute names) are data, not vocabulary, and
a schema that says "x-foreign" describes another project's format (the CDI
spec), whose keys are its own. Exit status 0 when every check passed.
"""
import argparse
import glob
import json
import os
import re
import sys

import jsonschema

URN = "urn:iommuctl:json:"


def load_schemas(d):
    schemas = {}
    for f in sorted(glob.glob(os.path.join(d, "*.schema.json"))):
        s = json.load(open(f))
        jsonschema.Draft202012Validator.check_schema(s)
        schemas[s["$id"]] = s
    return schemas


def validator(schemas, name):
    """A draft 2020-12 validator for schema `name` that resolves the others by $id."""
    s = schemas[URN + name]
    try:
        # jsonschema >= 4.18
        from referencing import Registry, Resource
        reg = Registry().with_resources(
            (i, Resource.from_contents(x)) for i, x in schemas.items())
        return jsonschema.Draft202012Validator(s, registry=reg)
    except (ImportError, TypeError):
        # before 4.18 (Debian 12 has 4.10)
        resolver = jsonschema.RefResolver.from_schema(s, store=dict(schemas))
        return jsonschema.Draft202012Validator(s, resolver=resolver)


def resolve(schemas, node, base):
    """Follow $ref (to another file or within one) to the node it names."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        doc, _, frag = ref.partition("#")
        base = doc or base
        node = schemas[base]
        for part in [p for p in frag.split("/") if p]:
            node = node[part]
    return node, base


def one_line(e):
    # a document that matches none of anyOf's branches: say what is wrong
    # with the branch it came closest to, not the whole document again
    while e.context:
        e = max(e.context, key=lambda x: len(x.absolute_path))
    where = "/".join(str(p) for p in e.absolute_path) or "(document)"
    return "%s: %s" % (where, e.message[:300])


def check_files(schemas, manifest):
    bad = 0
    vals = {}
    for line in open(manifest):
        words = line.split()
        if not words:
            continue
        name, path, flags = words[0], words[1], words[2:]
        label = "%s (%s)" % (path, name)
        if URN + name not in schemas:
            print("FAIL %s: no schema docs/json/%s.schema.json" % (label, name))
            bad += 1
            continue
        try:
            doc = json.load(open(path))
        except ValueError as e:
            print("FAIL %s: not one JSON document: %s" % (label, e))
            bad += 1
            continue
        v = vals.setdefault(name, validator(schemas, name))
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if not errors and "all-columns" in flags:
            errors = missing_columns(schemas, name, doc)
        if errors:
            bad += 1
            print("FAIL %s: %s" % (label, "; ".join(
                x if isinstance(x, str) else one_line(x) for x in errors[:3])))
        else:
            print("ok   %s" % label)
    return bad


def missing_columns(schemas, name, doc):
    """A list view with every column: each row has every key of its schema."""
    s = schemas[URN + name]
    table, prop = next((k, p) for k, p in s["properties"].items() if k != "error")
    row, _ = resolve(schemas, prop["items"], URN + name)
    want = set(row["properties"])
    out = []
    for i, r in enumerate(doc.get(table, [])):
        if set(r) != want:
            out.append("%s/%d: lacks %s" % (table, i, ", ".join(sorted(want - set(r)))))
    return out


# ---- the vocabulary ----

def canon(schemas, node, base):
    """One word for a schema node's type, null left out: string, hex, integer,
    boolean, object, array of X; alternatives joined with |."""
    node, base = resolve(schemas, node, base)
    if node.get("pattern") == "^0x[0-9a-f]+$":
        return "hex"
    alts = node.get("anyOf") or node.get("oneOf")
    if alts:
        kinds = [canon(schemas, a, base) for a in alts]
        return "|".join(sorted(set(k for k in kinds if k != "null")))
    t = node.get("type")
    if t is None and "enum" in node:
        t = sorted(set({str: "string", bool: "boolean", int: "integer"}[type(x)]
                       for x in node["enum"] if x is not None))
    types = [t] if isinstance(t, str) else list(t or [])
    types = [x for x in types if x != "null"]
    if types == ["array"]:
        return "array of " + canon(schemas, node.get("items", {}), base)
    return "|".join(types) or "null"


def keys_of(schemas, node, base, where, out, seen):
    node, base = resolve(schemas, node, base)
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen = seen | {id(node)}
    is_map = "x-keys" in node
    for k, p in node.get("properties", {}).items():
        if not is_map:
            out.setdefault(k, {}).setdefault(canon(schemas, p, base), set()).add(where)
        keys_of(schemas, p, base, where, out, seen)
    for kw in ("items", "additionalProperties"):
        if isinstance(node.get(kw), dict):
            keys_of(schemas, node[kw], base, where, out, seen)
    for kw in ("anyOf", "oneOf", "allOf"):
        for a in node.get(kw, []):
            keys_of(schemas, a, base, where, out, seen)


def check_vocabulary(schemas, readme):
    bad = 0
    used = {}
    for i, s in schemas.items():
        # a format of another project (x-foreign: the CDI spec) keeps its own keys
        if i != URN + "common" and "x-foreign" not in s:
            keys_of(schemas, s, i, i[len(URN):], used, frozenset())
    table = {}
    for line in open(readme):
        # | `key` | type | meaning |; a "|" inside the type is escaped: \|
        m = re.match(r"^\|\s*`([A-Za-z0-9_]+)`\s*\|\s*((?:[^|\\]|\\\|)+?)\s*\|", line)
        if m:
            table[m.group(1)] = m.group(2).replace("\\|", "|")
    for k in sorted(used):
        types = used[k]
        if len(types) > 1:
            bad += 1
            print("FAIL key %s has %d types: %s" % (k, len(types), "; ".join(
                "%s in %s" % (t, ", ".join(sorted(w))) for t, w in sorted(types.items()))))
            continue
        (t, where), = types.items()
        if k not in table:
            bad += 1
            print("FAIL key %s (%s, in %s) is not in %s" % (k, t, ", ".join(sorted(where)), readme))
        elif table[k] != t:
            bad += 1
            print("FAIL key %s: %s says %s, the schemas %s" % (k, readme, table[k], t))
        else:
            print("ok   key %s: %s" % (k, t))
    for k in sorted(set(table) - set(used)):
        bad += 1
        print("FAIL key %s is in %s but in no schema" % (k, readme))
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemas", default=os.path.join(os.path.dirname(__file__), "../../docs/json"))
    ap.add_argument("--vocabulary", metavar="README")
    ap.add_argument("manifest", nargs="?")
    a = ap.parse_args()
    schemas = load_schemas(a.schemas)
    bad = check_vocabulary(schemas, a.vocabulary) if a.vocabulary else check_files(schemas, a.manifest)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
