#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Judge one check on the files a tests/vm guest wrote (used by check_guest
in tests/cli/lib.sh): evaluates EXPR, a Python expression, in DIR, with

  t(f)        the text of file f ('' when absent)
  j(f)        file f parsed as JSON
  rc(n)       the exit status the guest recorded in n.rc
  line(f, n)  batch JSON output f: the result of line n
  lines(f)    batch JSON output f: {line number: result} (not the error object)
  feat()      vfio status (status.out): {feature key: row}
  env()       child-env.txt: {NAME: value}
  dts_pfns(f) VT-d debugfs domain_translation_struct f: the IOVA page numbers
  overlaps_msi(r)  an IOVA range {start, last} meets Arm's software MSI window

usage: guest_check.py DIR EXPR; exit status 0 when EXPR is true.
"""
import json
import os
import sys

MSI_LO, MSI_HI = 0x8000000, 0x80fffff
d = sys.argv[1]


def t(f):
    p = os.path.join(d, f)
    return open(p).read() if os.path.exists(p) else ''


def j(f):
    return json.loads(t(f))


def rc(n):
    return int(t(n + '.rc').strip() or -1)


def line(f, n):
    return [x for x in j(f) if x.get('line') == n][0]


def lines(f):
    # a failed run's array ends with the error object, which is no line
    return {x['line']: x for x in j(f) if 'line' in x}


def feat():
    return {x['key']: x for x in j('status.out')['kernel_features']}


def env():
    return dict(x.split('=', 1) for x in t('child-env.txt').splitlines() if '=' in x)


def dts_pfns(f):
    # VT-d debugfs: "0x%013lx |..." rows, one per present leaf: the IOVA page numbers
    return {int(x.split('|')[0], 16) for x in t(f).splitlines() if x.startswith('0x') and '|' in x}


def overlaps_msi(r):
    return int(r['start'], 16) <= MSI_HI and int(r['last'], 16) >= MSI_LO


sys.exit(0 if eval(sys.argv[2]) else 1)
