#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check iommuctl's offline page-table walks against a guest's own view.

The guest (tests/vm/guest/dump-hold.sh) recorded, for the batch run holding
the mappings, every map object (IOMMUCTL_OBJECTS: NAME=map:IOVA+SIZE), where its
buffer lives (IOMMUCTL_BUFFERS: NAME=VADDR+SIZE) and the buffer's
/proc/PID/pagemap entries; the host dumped guest memory meanwhile. For every map
and every page of it this checks:
  - `iommuctl translate` of the page's IOVA (plus an offset inside the page)
    gives the physical address the guest's pagemap gives for that page (the
    pages as lines of one `iommuctl batch` run, the first also on its own),
  - `iommuctl walk mappings` lists exactly the guest's pages: every IOVA page
    of every map at its pagemap address, and nothing else (unless --extra-ok).
Maps named in --readonly must be read-only in the walk, the others writable.

usage: check-dump.py --iommuctl BIN --dir DIR --tag TAG --mem DUMP --label L
                     [--map NAME]... [--readonly NAME]... [--unmapped IOVA]...
                     [--extra-ok] -- HIERARCHY-ARGS...
HIERARCHY-ARGS are the options that select the table, the same for translate
and walk (--format smmuv3 --strtab PA --strtab-cfg V --sid N, or
--format ppc-tce --root PA --levels N ...). Prints "ok ..." / "FAIL ..." lines, one per check;
exit status 1 when a check failed.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile


def batch_word(w):
    """A word of the batch language: quoted when it holds a blank, a quote or #."""
    if w and not any(c in w for c in " \t'\"#"):
        return w
    if "'" in w:
        raise SystemExit("check-dump.py: cannot quote %r for a batch line" % w)
    return "'" + w + "'"


def read_objects(path):
    maps = {}
    for w in open(path).read().split():
        name, _, val = w.partition("=")
        if val.startswith("map:"):
            iova, _, size = val[4:].partition("+")
            maps[name] = (int(iova, 16), int(size, 16))
    return maps


def read_buffers(path):
    bufs = {}
    for line in open(path):
        f = line.split()
        if len(f) == 4:
            bufs[f[0]] = (int(f[1], 16), int(f[2], 16), int(f[3]))
    return bufs


def pagemap_pas(path, ps):
    """Physical address of every page (None where not present)."""
    data = open(path, "rb").read()
    out = []
    for (e,) in struct.iter_unpack("<Q", data[: len(data) // 8 * 8]):
        out.append((e & ((1 << 55) - 1)) * ps if e >> 63 else None)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iommuctl", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--tag", required=True)
    p.add_argument("--mem", required=True)
    p.add_argument("--label", required=True)
    p.add_argument("--readonly", action="append", default=[])
    p.add_argument("--extra-ok", action="store_true")
    p.add_argument("--offset", type=lambda s: int(s, 0), default=0x88)
    p.add_argument("--map", action="append", default=[],
                   help="check only this map (repeatable): the maps of one table when a batch holds several")
    p.add_argument("--unmapped", action="append", default=[], type=lambda s: int(s, 0),
                   help="an IOVA no map covers: translate must not find it")
    p.add_argument("hier", nargs=argparse.REMAINDER)
    a = p.parse_args()
    hier = [x for x in a.hier if x != "--"]
    fails = 0

    def report(ok, what):
        nonlocal fails
        print(("ok   " if ok else "FAIL ") + a.label + ": " + what)
        fails += not ok

    maps = read_objects(os.path.join(a.dir, a.tag + ".objects"))
    if a.map:
        maps = {k: v for k, v in maps.items() if k in a.map}
    bufs = read_buffers(os.path.join(a.dir, a.tag + ".buffers"))
    if not maps:
        report(False, "the guest recorded no maps")
        return 1
    want = {}  # IOVA page -> (PA, writable)
    ps = None
    for name, (iova, size) in sorted(maps.items()):
        if name not in bufs:
            report(False, "map %s: the guest recorded no buffer for it" % name)
            continue
        _va, _bsize, ps = bufs[name]
        pas = pagemap_pas(os.path.join(a.dir, "%s.%s.pagemap" % (a.tag, name)), ps)
        if len(pas) * ps < size or None in pas:
            report(False, "map %s: the guest's pagemap lacks pages (%d of %d present)"
                   % (name, sum(x is not None for x in pas), size // ps))
            continue
        for i in range(size // ps):
            want[iova + i * ps] = (pas[i], name not in a.readonly, name)

    # translate, page by page: a translate line per page in one batch run (a
    # process per page made the sanitizer build's run take many minutes), and
    # the first page as a command of its own too, which must print the same
    def translate_args(iova):
        return ["translate", "iova", "--mem", a.mem] + hier + ["0x%x" % iova]

    pages = sorted(want.items())
    outputs, batch_err = {}, ""
    if pages:
        with tempfile.NamedTemporaryFile("w", suffix=".batch", delete=False) as f:
            for page, _ in pages:
                f.write(" ".join(batch_word(w) for w in translate_args(page + a.offset)) + "\n")
            bfile = f.name
        r = subprocess.run([a.iommuctl, "-j", "batch", bfile], capture_output=True, text=True)
        os.unlink(bfile)
        try:
            for ent in json.loads(r.stdout):
                outputs[pages[ent["line"] - 1][0]] = ent.get("output")
        except (ValueError, KeyError, TypeError, IndexError):
            pass
        if len(outputs) != len(pages):
            batch_err = "batch exit %d: %s" % (r.returncode, r.stderr.strip()[:300])
        first = pages[0][0]
        r = subprocess.run([a.iommuctl, "-j"] + translate_args(first + a.offset), capture_output=True, text=True)
        try:
            alone = json.loads(r.stdout)
        except ValueError:
            alone = r.stderr.strip()
        report(alone == outputs.get(first),
               "translate of IOVA 0x%x on its own prints what its batch line printed" % (first + a.offset))
    bad = []
    for page, (pa, _w, name) in pages:
        out = outputs.get(page)
        try:
            res = out["translation"]
            got = int(res["pa"], 16) if res.get("status") == "translated" else None
        except (KeyError, TypeError, ValueError):
            got, res = None, batch_err or "no output"
        if got != pa + a.offset:
            bad.append("%s IOVA 0x%x: want PA 0x%x, got %s" % (name, page + a.offset, pa + a.offset, res))
    report(not bad, "translate agrees with the guest's pagemap on all %d pages (%d-byte pages)%s"
           % (len(want), ps or 0, ": " + "; ".join(bad[:3]) if bad else ""))

    for iova in a.unmapped:
        r = subprocess.run([a.iommuctl, "-j", "translate", "iova", "--mem", a.mem] + hier + ["0x%x" % iova],
                           capture_output=True, text=True)
        try:
            st = json.loads(r.stdout)["translation"]["status"]
        except (ValueError, KeyError, TypeError):
            st = "no JSON: " + r.stderr.strip()
        report(st == "not_present" and r.returncode != 0,
               "translate of the unmapped IOVA 0x%x: not present, exit %d (%s)" % (iova, r.returncode, st))

    # walk: the same pages and nothing else
    r = subprocess.run([a.iommuctl, "-j", "walk", "mappings", "--mem", a.mem] + hier,
                       capture_output=True, text=True)
    try:
        walk = json.loads(r.stdout)
    except ValueError:
        report(False, "walk mappings gave no JSON (exit %d): %s" % (r.returncode, r.stderr.strip()))
        return 1
    got = {}
    for m in walk.get("mappings", []):
        if m.get("kind") != "mapping":
            continue
        iova, pa, size = int(m["iova"], 16), int(m["pa"], 16), int(m["size"])
        for off in range(0, size, ps or 4096):
            got[iova + off] = (pa + off, "w" in m.get("perms", ""))
    missing = [pg for pg in want if pg not in got]
    wrong = [pg for pg in want if pg in got and got[pg][0] != want[pg][0]]
    perms = [pg for pg in want if pg in got and got[pg][1] != want[pg][1]]
    extra = [pg for pg in got if pg not in want]
    report(not missing and not wrong,
           "walk lists every page of the %d maps at the guest's addresses%s"
           % (len(maps), "" if not (missing or wrong) else
              ": missing %s, wrong PA %s" % (["0x%x" % x for x in missing[:3]], ["0x%x" % x for x in wrong[:3]])))
    report(not perms, "walk: permissions (read-only maps %s)%s"
           % (",".join(a.readonly) or "none", "" if not perms else ": wrong at 0x%x" % perms[0]))
    if not a.extra_ok:
        report(not extra, "walk lists no mapping the batch did not make%s"
               % ("" if not extra else ": 0x%x ... (%d pages)" % (min(extra), len(extra))))
    s = walk.get("totals", {})
    report(r.returncode == 0 and not s.get("loops") and not s.get("malformed") and not s.get("unreadable"),
           "walk: exit 0, no loops, malformed or unreadable tables (%s)"
           % ", ".join("%s %s" % kv for kv in sorted(s.items())))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
