#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare the JSON goldens a change rewrote with their committed versions.

    tests/tools/json-same.py [REV]

For every *.json golden that differs from REV (default HEAD), parse both
(a file may hold several documents, one after another) and report whether
they are the same values; print the difference where not. Used when a
change of the writer re-spells JSON without changing what it says.
"""
import json, subprocess, sys

def docs(text):
    dec, i, out = json.JSONDecoder(), 0, []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return out
        v, i = dec.raw_decode(text, i)
        out.append(v)

rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
names = subprocess.run(["git", "diff", "--name-only", rev, "--", "tests/cli"],
                       capture_output=True, text=True, check=True).stdout.split()
same = differ = 0
for n in names:
    if not n.endswith(".json"):
        continue
    try:
        old = subprocess.run(["git", "show", f"{rev}:{n}"], capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError:
        print(f"new   {n}")
        continue
    new = open(n).read()
    try:
        a, b = docs(old), docs(new)
    except ValueError as e:
        print(f"BAD   {n}: {e}")
        differ += 1
        continue
    if a == b:
        same += 1
    else:
        differ += 1
        print(f"DIFF  {n}")
        if len(a) == len(b) == 1 and isinstance(a[0], dict) and isinstance(b[0], dict):
            for k in sorted(set(a[0]) | set(b[0])):
                if a[0].get(k) != b[0].get(k):
                    print(f"      key {k}: {json.dumps(a[0].get(k))[:200]} -> {json.dumps(b[0].get(k))[:200]}")
        else:
            print(f"      {json.dumps(a)[:300]}\n   -> {json.dumps(b)[:300]}")
print(f"{same} same, {differ} different")
