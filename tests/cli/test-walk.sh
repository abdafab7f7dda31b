#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of `walk` and `translate` on dumps written by
# tests/tools/mktables (every family, hierarchies, hostile tables):
#  - text and -j output against tests/cli/golden-walk/ (UPDATE=1 rewrites them);
#  - walk text against the mapping list mktables recorded while it built the
#    tables (an independent oracle);
#  - the same memory as ELF, raw and kdump (none, zlib, lzo, snappy, zstd)
#    gives the same output;
#  - exit statuses: 0 ok, 1 a range/device could not be listed or the dump
#    cannot tell (or no such dump file), 2 usage (an unknown format too), 3 the IOMMU would fault.
# Usage: tests/cli/test-walk.sh ./iommuctl
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
golden=tests/cli/golden-walk
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); [ -z "${VERBOSE:-}" ] || echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

cc=${CC:-cc}
command -v "$cc" >/dev/null || cc=gcc
if ! "$cc" -std=gnu11 -D_GNU_SOURCE -O1 -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD \
	-Itests/tools tests/tools/mktables.c -o "$tmp/mktables" -lz -llzo2 -lsnappy -lzstd 2>"$tmp/cc.err"; then
	cat "$tmp/cc.err"; echo "0 passed, 1 failed"; exit 1
fi
"$tmp/mktables" "$tmp/d" || { echo "mktables failed"; echo "0 passed, 1 failed"; exit 1; }
d=$tmp/d
mkdir -p "$golden"

# one case: NAME WANT_RC RAW ARGS...
run_case() {
	local name=$1 want=$2 raw=$3; shift 3
	local cmd=walk base=$name
	case $name in T:*) cmd=translate; base=translate-${name#T:};; *) base=walk-$name;; esac
	local out rc json jrc
	out=$("$bin" $cmd --mem "$d/mem.elf" "$@" 2>"$tmp/err"); rc=$?
	[ "$rc" -eq "$want" ] && ok "$name exit $rc" || bad "$name: exit $rc, want $want ($(head -c 300 "$tmp/err"))"
	if [ "$rc" -ne 0 ] && [ ! -s "$tmp/err" ]; then bad "$name: exit $rc without a diagnostic"; fi
	json=$("$bin" -j $cmd --mem "$d/mem.elf" "$@" 2>/dev/null); jrc=$?
	[ "$jrc" -eq "$rc" ] && ok "$name -j exit" || bad "$name: -j exit $jrc, text exit $rc"
	if python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$json" 2>/dev/null; then ok "$name json parses"
	else bad "$name: -j output is not JSON"; fi
	if [ -n "${UPDATE:-}" ]; then
		printf '%s\n' "$out" > "$golden/$base.txt"
		printf '%s\n' "$json" > "$golden/$base.json"
	fi
	if [ -f "$golden/$base.txt" ] && diff -u "$golden/$base.txt" <(printf '%s\n' "$out") > "$tmp/diff"; then ok "$name golden text"
	else bad "$name golden text"; head -20 "$tmp/diff"; fi
	if [ -f "$golden/$base.json" ] && diff -u "$golden/$base.json" <(printf '%s\n' "$json") > "$tmp/diff"; then ok "$name golden json"
	else bad "$name golden json"; head -20 "$tmp/diff"; fi
	if [ -f "$d/expect/$name" ]; then
		if diff -u "$d/expect/$name" <(printf '%s\n' "$out") > "$tmp/diff"; then ok "$name = mktables mapping list"
		else bad "$name differs from the mappings mktables wrote"; head -20 "$tmp/diff"; fi
	fi
	# the same memory in every container gives the same answer
	local f o2
	for f in mem-none.kdump mem-zlib.kdump mem-lzo.kdump mem-snappy.kdump mem-zstd.kdump; do
		o2=$("$bin" $cmd --mem "$d/$f" "$@" 2>/dev/null)
		[ "$o2" == "$out" ] && ok "$name $f = elf" || bad "$name: $f output differs from the ELF's"
	done
	if [ "$raw" = raw ]; then
		o2=$("$bin" $cmd --mem "$d/mem.raw" --mem-format raw "$@" 2>/dev/null)
		[ "$o2" == "$out" ] && ok "$name raw = elf" || bad "$name: raw image output differs from the ELF's"
	fi
}

while IFS=$'\t' read -r name want raw args; do
	# shellcheck disable=SC2086
	run_case "$name" "$want" "$raw" $args
done < "$d/cases"

# -j -p: the same document as -j, pretty-printed (one member a line), the
# error member of a failed walk included
pretty_case() { # NAME: a case of $d/cases
	local name=$1 cmd=walk args
	args=$(awk -F'\t' -v n="$name" '$1 == n { print $4 }' "$d/cases")
	case $name in T:*) cmd=translate;; esac
	# shellcheck disable=SC2086
	"$bin" -j $cmd --mem "$d/mem.elf" $args >"$tmp/plain.json" 2>/dev/null
	# shellcheck disable=SC2086
	"$bin" -j -p $cmd --mem "$d/mem.elf" $args >"$tmp/pretty.json" 2>/dev/null
	if python3 - "$tmp/plain.json" "$tmp/pretty.json" 2>/dev/null <<'PY'
import json, sys
plain, pretty = (open(f).read() for f in sys.argv[1:3])
a, b = json.loads(plain), json.loads(pretty)
lines = pretty.splitlines()
sys.exit(0 if a == b and plain.count("\n") == 1 and len(lines) > len(a) + 1
         and lines[1].startswith('  "') else 1)
PY
	then ok "$name: -j -p parses, the same values as -j"
	else bad "$name: -j -p output is not the pretty form of -j: $(head -c 300 "$tmp/pretty.json")"; fi
}
pretty_case vtd-sm-all
pretty_case T:vtd-sm-fl

# usage errors and the other exit statuses
root=$(awk -F'\t' '$1 == "vtd-sl" { split($4, a, " "); print a[6] }' "$d/cases")
expect_rc() { # WANT DESCRIPTION ARGS...
	local want=$1 what=$2; shift 2
	"$bin" "$@" >/dev/null 2>"$tmp/err"; local rc=$?
	if [ "$rc" -eq "$want" ] && [ -s "$tmp/err" ]; then ok "exit $want: $what"
	else bad "$what: exit $rc, want $want with a diagnostic"; fi
}
expect_rc 2 "walk without --mem" walk --format vtd-sl-pte --root "$root"
expect_rc 2 "walk without --format" walk --mem "$d/mem.elf" --root "$root"
expect_rc 2 "walk without --root" walk --mem "$d/mem.elf" --format vtd-sl-pte
expect_rc 2 "walk with an unknown format" walk --mem "$d/mem.elf" --format nosuch --root 0
expect_rc 2 "walk with a non-page-table format" walk --mem "$d/mem.elf" --format vtd-cap --root 0
expect_rc 2 "vtd without --rtaddr" walk --mem "$d/mem.elf" --format vtd --dev 00:03.0
expect_rc 2 "vtd without --dev" walk --mem "$d/mem.elf" --format vtd --rtaddr 0x1000
expect_rc 2 "--granule on VT-d" walk --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" --granule 64K
expect_rc 2 "--levels out of range" walk --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" --levels 7
expect_rc 2 "bad --iova" walk --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" --iova 5-1
expect_rc 2 "--root with a hierarchy" walk --mem "$d/mem.elf" --format amd --dte-base 0 --root 0 --dev 0
expect_rc 2 "--sid on amd" walk --mem "$d/mem.elf" --format amd --dte-base 0 --sid 1
expect_rc 2 "translate without IOVA" translate --mem "$d/mem.elf" --format vtd-sl-pte --root "$root"
expect_rc 2 "translate with a bad IOVA" translate --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" zz
expect_rc 2 "translate --all-devices" translate --mem "$d/mem.elf" --format vtd --rtaddr 0 --all-devices 0
expect_rc 2 "--mem-base without raw" walk --mem "$d/mem.elf" --mem-base 0 --format vtd-sl-pte --root "$root"
expect_rc 1 "a missing dump file" walk --mem "$tmp/nosuch" --format vtd-sl-pte --root "$root"
expect_rc 2 "TCE without a window" walk --mem "$d/mem.elf" --format ppc-tce --root 0
# B18: a root the hardware cannot point at (not aligned as the format's top
# table must be) is a usage error naming the alignment, not an empty walk
expect_msg() { # WANT MESSAGE DESCRIPTION ARGS...
	local want=$1 msg=$2 what=$3; shift 3
	"$bin" "$@" >/dev/null 2>"$tmp/err"; local rc=$?
	if [ "$rc" -eq "$want" ] && grep -qF -- "$msg" "$tmp/err"; then ok "exit $want: $what"
	else bad "$what: exit $rc, want $want and '$msg' in: $(head -c 300 "$tmp/err")"; fi
}
expect_msg 2 "the top table of vtd-sl-pte is aligned to 4K" "walk: an unaligned VT-d --root" \
	walk --mem "$d/mem.elf" --format vtd-sl-pte --root 0x1100001
expect_msg 2 "the top table of vtd-sl-pte is aligned to 4K" "translate: an unaligned VT-d --root" \
	translate --mem "$d/mem.elf" --format vtd-sl-pte --root 0x1100800 0x3abc
expect_msg 2 "the top table of arm-lpae-s2 is aligned to 16K" "an LPAE --root aligned to 4K, not to its 16K top table" \
	walk --mem "$d/mem.elf" --format arm-lpae-s2 --granule 64K --ias 40 --root 0x1601000
expect_msg 2 "the top table of arm-v7s is aligned to 16K" "a v7s --root aligned to 4K, not 16K" \
	walk --mem "$d/mem.elf" --format arm-v7s --root 0x1801000
expect_msg 2 "the top table of ppc-tce is aligned to 4K" "an unaligned TCE --root" \
	walk --mem "$d/mem.elf" --format ppc-tce --window-size 64M --root 0x1a00008
# B14: output amplification. The audit's image: 4096 level-2 tables whose
# 512 entries all point at one leaf table whose 512 entries all map one page
# (no coalescing): 17 MB of sparse dump, about 10^9 ranges. --max-ranges
# (default 16M) cuts the listing with a limit line and exit 1.
python3 - "$tmp/amp.raw" <<'PY'
import struct, sys
P = 4096
t = lambda e: b''.join(struct.pack('<Q', x) for x in e)
N, base, pg = 4096, 0x100000, {}
pg[0x1000] = t([(0x2000 + i * P) | 3 for i in range(8)] + [0] * 504)
for j in range(8):
    pg[0x2000 + j * P] = t([(base + (j * 512 + i) * P) | 3 for i in range(512)])
pg[0x80000] = t([0x200000 | 3] * 512)
for k in range(N):
    pg[base + k * P] = t([0x80000 | 3] * 512)
with open(sys.argv[1], 'wb') as f:
    f.truncate(base + N * P + P)
    for a, d in pg.items():
        f.seek(a)
        f.write(d)
PY
amp="--mem $tmp/amp.raw --mem-format raw --format vtd-sl-pte --levels 4 --root 0x1000"
# shellcheck disable=SC2086
out=$(timeout 20 "$bin" walk $amp --max-ranges 1000 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <<<"$out")" -eq 1002 ] &&
	[ "$(grep -c ' 0x0000000000200000  4K ' <<<"$out")" -eq 1000 ] &&
	tail -n 1 <<<"$out" | grep -q '^0x00000000003e8000  -  *[0-9]*K !  *not walked: --max-ranges reached$' &&
	grep -q -- '--max-ranges reached' "$tmp/err"; then
	ok "--max-ranges 1000: 1000 ranges, a limit line to the end, exit 1"
else
	bad "--max-ranges 1000: exit $rc, $(wc -l <<<"$out") lines, last: $(tail -n 1 <<<"$out"); $(head -c 300 "$tmp/err")"
fi
# shellcheck disable=SC2086
timeout 20 "$bin" -j walk $amp --max-ranges 1000 2>/dev/null >"$tmp/amp.json"
python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["mappings"]
assert len(m) == 1001 and all(r["kind"] == "mapping" for r in m[:1000]), len(m)
assert m[-1]["kind"] == "limit" and m[-1]["message"] == "not walked: --max-ranges reached", m[-1]
assert m[-1]["iova"] == "0x3e8000" and m[-1]["last"] == "0xffffffffffff", m[-1]
assert "table" not in m[-1] and "entry_address" not in m[-1], m[-1]
assert d["totals"]["limited"] == 1 and d["error"]["exit"] == 1, d["totals"]
' <"$tmp/amp.json" 2>"$tmp/py.err" && ok "-j --max-ranges: the limit row" ||
	bad "-j --max-ranges: no limit row as expected: $(tail -n 1 "$tmp/py.err")"
if python3 -c 'import jsonschema' 2>/dev/null; then
	echo "walk $tmp/amp.json" >"$tmp/amp.manifest"
	python3 tests/tools/json-schema-check.py "$tmp/amp.manifest" >"$tmp/schema.out" 2>&1 &&
		ok "-j --max-ranges: valid against docs/json/walk.schema.json" ||
		bad "-j --max-ranges: $(grep -v '^ok' "$tmp/schema.out" | head -c 300)"
fi
# --all-devices: the budget ends the device list too, with a line saying so;
# a first-stage (sign-extended) window is cut in its two halves
sm=$(awk -F'\t' '$1 == "vtd-sm-rid" { split($4, a, " "); print a[5] }' "$d/cases")
out=$("$bin" walk --mem "$d/mem.elf" --format vtd --scalable --rtaddr "$sm" --all-devices --max-ranges 1 2>/dev/null); rc=$?
if [ "$rc" -eq 1 ] && [ "$(grep -c 'not walked: --max-ranges reached$' <<<"$out")" -eq 2 ] &&
	tail -n 1 <<<"$out" | grep -q 'not walked: --max-ranges reached; the devices after this one are not listed$'; then
	ok "--all-devices --max-ranges 1: the window's halves and the devices after it not walked"
else
	bad "--all-devices --max-ranges 1: exit $rc: $out"
fi
# shellcheck disable=SC2086
expect_rc 2 "--max-ranges 0" walk $amp --max-ranges 0
# shellcheck disable=SC2086
expect_rc 2 "--max-ranges x" walk $amp --max-ranges x

# 'translate IOVA --options' is the same as 'translate iova --options IOVA'
a=$("$bin" translate 0x3abc --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" 2>&1)
b=$("$bin" translate iova --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" 0x3abc 2>&1)
[ -n "$a" ] && [ "$a" == "$b" ] && ok "translate IOVA shorthand" || bad "translate IOVA shorthand differs"
# an empty window lists nothing and succeeds
out=$("$bin" walk --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" --iova 0x1000000000000-0x2000000000000 2>&1); rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l <<<"$out")" -eq 1 ] && ok "empty window" || bad "empty window: rc $rc: $out"

# ppc-tce levels follow the kernel's page size: the dump's VMCOREINFO
# (PAGESIZE=4096 in mktables' dumps), else 64K, unless --kernel-page-size says
tce=$(awk -F'\t' '$1 == "tce-2" { n = split($4, a, " "); for (i = 1; i < n; i++) if (a[i] == "--root") print a[i + 1] }' "$d/cases")
tcargs="--format ppc-tce --levels 2 --page-shift 16 --window-size 1T --bus-offset 0x800000000000000 --root $tce 0x800000801234567"
# shellcheck disable=SC2086
"$bin" translate --mem "$d/mem.elf" $tcargs 2>&1 | grep -q ', 4096 entries per lower level' &&
	ok "ppc-tce: the ELF's VMCOREINFO page size (4K) sizes the levels" || bad "ppc-tce: the dump's page size was not used"
# shellcheck disable=SC2086
"$bin" translate --mem "$d/mem.raw" --mem-format raw $tcargs 2>&1 | grep -q ', 8192 entries per lower level' &&
	ok "ppc-tce: a raw image says nothing: 64K pages assumed" || bad "ppc-tce: raw image level size"
# shellcheck disable=SC2086
"$bin" translate --mem "$d/mem.elf" --kernel-page-size 64K $tcargs >/dev/null 2>&1 &&
	ok "ppc-tce: --kernel-page-size 64K overrides the dump" || bad "ppc-tce: --kernel-page-size 64K"
expect_rc 2 "--kernel-page-size 3K" translate --mem "$d/mem.elf" --kernel-page-size 3K $tcargs
expect_rc 2 "--kernel-page-size on VT-d" walk --mem "$d/mem.elf" --format vtd-sl-pte --root "$root" --kernel-page-size 4K

# walk roots: the hierarchy tables mktables built are found from the memory alone
for fam in vtd smmuv3; do
	out=$("$bin" walk roots --format $fam --mem "$d/mem.elf" 2>"$tmp/err"); rc=$?
	json=$("$bin" -j walk roots --format $fam --mem "$d/mem.elf" 2>/dev/null)
	[ "$rc" -eq 0 ] && ok "roots-$fam exit 0" || bad "roots-$fam: exit $rc: $(cat "$tmp/err")"
	if [ -n "${UPDATE:-}" ]; then
		printf '%s\n' "$out" > "$golden/roots-$fam.txt"
		printf '%s\n' "$json" > "$golden/roots-$fam.json"
	fi
	for x in txt json; do
		if [ $x = txt ]; then got=$out; else got=$json; fi
		if diff -u "$golden/roots-$fam.$x" <(printf '%s\n' "$got") > "$tmp/diff"; then ok "roots-$fam golden $x"
		else bad "roots-$fam golden $x"; head -20 "$tmp/diff"; fi
	done
	o2=$("$bin" walk roots --format $fam --mem "$d/mem-zstd.kdump" 2>/dev/null)
	[ "$o2" == "$out" ] && ok "roots-$fam kdump = elf" || bad "roots-$fam: the kdump's answer differs"
done
top() { "$bin" -j walk roots --format "$1" --mem "$d/mem.elf" |
	python3 -c 'import json,sys; r=json.load(sys.stdin)["roots"]; print(" ".join("%s/%s" % (x["root"], x["layout"]) for x in r))'; }
vtd=$(awk -F'\t' '$1 == "vtd-legacy-dev" { split($4, a, " "); print a[4] }' "$d/cases")
vsm=$(awk -F'\t' '$1 == "vtd-sm-rid" { split($4, a, " "); print a[5] }' "$d/cases")
case " $(top vtd) " in *" $vsm/scalable $vtd/legacy "*) ok "roots: VT-d scalable root $vsm and legacy root $vtd found" ;;
*) bad "roots: VT-d roots $vsm, $vtd not found: $(top vtd)" ;; esac
case "$(top smmuv3)" in "0x2100000/2-level "*) ok "roots: the 2-level stream table ranks first" ;;
*) bad "roots: SMMUv3: $(top smmuv3)" ;; esac
expect_rc 3 "walk roots: no AMD device table in the dump" walk roots --format amd --mem "$d/mem.elf"
# the roots the kernel recorded: mktables' VMCOREINFO has no kallsyms tables,
# so the scan answers alone and a note says why; with a System.map the
# symbols are there and the note names what is missing next, the BTF
"$bin" walk roots --format vtd --mem "$d/mem.elf" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && grep -q 'note: the roots the kernel recorded were not read: VMCOREINFO has no kallsyms tables' "$tmp/err" &&
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && cmp -s "$tmp/out" "$golden/roots-vtd.txt"; then
	ok "walk roots: no kallsyms tables in VMCOREINFO: the scan's answer, and one note line saying so"
else bad "walk roots without kallsyms: exit $rc: $(cat "$tmp/err")"; fi
printf 'ffffffff81000000 T _stext\nffffffff81200000 D iommu_device_list\n' >"$tmp/System.map"
"$bin" -j walk roots --format vtd --mem "$d/mem.elf" --system-map "$tmp/System.map" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && grep -q '"kernel":{"note":"no BTF: no __start_BTF and __stop_BTF symbols' "$tmp/out"; then
	ok "walk roots --system-map: its symbols are read; the note names the BTF as missing"
else bad "walk roots --system-map: exit $rc: $(cat "$tmp/out" "$tmp/err" | tail -c 300)"; fi
printf 'not a map\n' >"$tmp/bad.map"
"$bin" -j walk roots --format vtd --mem "$d/mem.elf" --system-map "$tmp/bad.map" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && grep -q "System.map line 1: 'not' is not an address" "$tmp/err"; then
	ok "walk roots --system-map of something else: said in the note, the scan still answers"
else bad "walk roots --system-map bad.map: exit $rc: $(cat "$tmp/err")"; fi
expect_rc 3 "walk roots --system-map of a file that is not there" walk roots --mem "$d/mem.elf" --system-map "$tmp/nosuch"
expect_rc 3 "walk roots --btf of a file that is not there" walk roots --mem "$d/mem.elf" --btf "$tmp/nosuch"
# without --format: every family in one pass, ranked together -- the same
# candidates as the runs for each family, in the order of their ranks
all=$("$bin" -j walk roots --mem "$d/mem.elf" 2>"$tmp/err"); rc=$?
[ "$rc" -eq 0 ] && ok "roots, no --format: exit 0" || bad "roots, no --format: exit $rc: $(cat "$tmp/err")"
if [ -n "${UPDATE:-}" ]; then printf '%s\n' "$all" > "$golden/roots-all.json"; fi
diff -u "$golden/roots-all.json" <(printf '%s\n' "$all") > "$tmp/diff" && ok "roots-all golden json" ||
	{ bad "roots-all golden json"; head -20 "$tmp/diff"; }
fams=$(python3 - "$bin" "$d/mem.elf" <<'PY' 2>&1
import json, subprocess, sys
bin, mem = sys.argv[1], sys.argv[2]
def roots(*a):
    return json.loads(subprocess.run([bin, "-j", "walk", "roots", "--mem", mem, *a], capture_output=True).stdout)["roots"]
every = roots()
each = []
for f in ("vtd", "smmuv3", "riscv"):
    each += roots("--format", f)
key = lambda r: (r["family"], r["root"], r["layout"])
if sorted(map(key, every)) != sorted(map(key, each)):
    print("different candidates: %s vs %s" % (sorted(map(key, every)), sorted(map(key, each))))
elif [r["translated"] for r in every] != sorted((r["translated"] for r in every), reverse=True):
    print("not ranked by devices with a page table: %s" % [r["translated"] for r in every])
else:
    print("ok %s" % " ".join(sorted(set(r["family"] for r in every))))
PY
)
[ "$fams" = "ok riscv smmuv3 vtd" ] && ok "roots, no --format: the VT-d, SMMUv3 and RISC-V candidates of the per-family runs, ranked together" ||
	bad "roots, no --format: $fams"
# RISC-V: both directories, each read with extended and base device contexts
# (the same devices at other IDs when the MSI fields are zero: equal rank,
# extended first); the register's mode and PPN are the options' ddtp
rvb=$(awk -F'\t' '$1 == "riscv-dev" { split($4, a, " "); print a[4] }' "$d/cases")
rv3=$(awk -F'\t' '$1 == "riscv-ext-3lvl" { split($4, a, " "); print a[4] }' "$d/cases")
rvtop=$("$bin" -j walk roots --format riscv --mem "$d/mem.elf" |
	python3 -c 'import json,sys; r=json.load(sys.stdin)["roots"]; print(" | ".join("%s/%s/%s" % (x["root"], x["layout"], x["walk_options"]) for x in r))')
case "$rvtop" in
"0x2300000/2LVL, extended DCs/--format riscv --ddtp $rvb --ext-dc | 0x2300000/2LVL/--format riscv --ddtp $rvb | 0x2400000/3LVL, extended DCs/--format riscv --ddtp $rv3 --ext-dc | 0x2400000/3LVL/--format riscv --ddtp $rv3")
	ok "roots: RISC-V 2LVL directory $rvb and 3LVL directory $rv3 found, the lower DDT pages not taken for roots" ;;
*) bad "roots: RISC-V: $rvtop (want ddtp $rvb and $rv3)" ;;
esac
expect_rc 2 "walk roots without --mem" walk roots --format vtd

# B16: walk roots skips the holes of a sparse raw or ELF image (zeros: no
# table there), so a 1 TiB image holding mktables' memory takes no longer
# than the memory itself; -v says how far a long scan is away from a terminal.
if cp --sparse=always "$d/mem.raw" "$tmp/big.raw" && truncate -s 1T "$tmp/big.raw" &&
	python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_RDONLY); os.lseek(fd, 1 << 39, os.SEEK_DATA)' \
		"$tmp/big.raw" 2>/dev/null; then
	bad "the file system says a 1 TiB sparse file has data in its last half: cannot test holes"
else
	# an ELF core with one 1 TiB PT_LOAD at offset 4096 holding the same memory
	python3 - "$d/mem.raw" "$tmp/big.elf" <<'PY'
import os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
size = 1 << 40
hdr = b'\x7fELF' + bytes([2, 1, 1]) + bytes(9)
hdr += struct.pack('<HHIQQQIHHHHHH', 4, 62, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
hdr += struct.pack('<IIQQQQQQ', 1, 4, 4096, 0, 0, size, size, 0)
i, o = os.open(src, os.O_RDONLY), os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.pwrite(o, hdr, 0)
end, pos = os.fstat(i).st_size, 0
while True:
    try:
        pos = os.lseek(i, pos, os.SEEK_DATA)
    except OSError:
        break
    hole = os.lseek(i, pos, os.SEEK_HOLE)
    os.pwrite(o, os.pread(i, hole - pos, pos), 4096 + pos)
    pos = hole
os.ftruncate(o, 4096 + size)
PY
	want=$("$bin" walk roots --format vtd --mem "$d/mem.raw" --mem-format raw 2>&1)
	for f in big.raw big.elf; do
		got=$(timeout 20 "$bin" walk roots --format vtd --mem "$tmp/$f" 2>&1); rc=$?
		if [ "$rc" -eq 0 ] && [ "$got" == "$want" ]; then ok "walk roots on a 1 TiB sparse $f: the holes skipped"
		else bad "walk roots on a 1 TiB sparse $f: exit $rc (124: still scanning after 20 s): $(head -c 300 <<<"$got")"; fi
	done
	timeout 20 "$bin" -v walk roots --format vtd --mem "$tmp/big.raw" --mem-format raw 2>&1 >/dev/null |
		grep -q 'MiB of file holes skipped' && ok "walk roots -v: what was skipped" || bad "walk roots -v: no summary"
fi
yes | head -c 80M >"$tmp/dense.raw"
"$bin" -v walk roots --format amd --mem "$tmp/dense.raw" --mem-format raw 2>&1 >/dev/null |
	grep -q '^walk roots: 64 of 80 MiB (80%), at 0x3fff000$' &&
	ok "walk roots -v: progress on stderr away from a terminal" || bad "walk roots -v: no progress line"
rm -f "$tmp/dense.raw" "$tmp/big.raw" "$tmp/big.elf"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
