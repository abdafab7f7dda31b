#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The list views as text (src/output/out.c): fitting the terminal's width
# (80 columns, -w, COLUMNS, a real pseudo-terminal) by wrapping text between
# words and leaving out OCF_HIDE columns, never cutting a value; full values
# when not on a terminal; "-" for empty cells; -r that awk splits right; -P
# pairs; no blank at the end of a line; --sort and --filter; and the
# progress line erased before a result line on a shared terminal.
#   tests/cli/test-table.sh [BINARY]
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# pty COLS CMD...: run CMD on a pseudo-terminal COLS wide (stdout and stderr
# both on it); the raw bytes it wrote on stdout. PTY_ENV="K=V ..." adds to
# the environment.
cat >"$tmp/runpty.py" <<'PY'
import fcntl, os, pty, struct, sys, termios
cols = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    # the terminal's size, not the caller's COLUMNS, unless PTY_ENV sets it
    os.environ.pop("COLUMNS", None)
    # the size set on the terminal before the command starts (no race)
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, cols, 0, 0))
    for kv in os.environ.get("PTY_ENV", "").split():
        k, v = kv.split("=", 1)
        os.environ[k] = v
    os.execv(sys.argv[2], sys.argv[2:])
out = bytearray()
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out))
sys.exit(os.waitstatus_to_exitcode(st))
PY
pty() { local cols=$1; shift; python3 "$tmp/runpty.py" "$cols" "$@"; }

# widest FILE: the widest line in terminal columns (CR LF taken as LF)
widest() { python3 -c "
import sys, unicodedata
w = 0
for l in open(sys.argv[1], encoding='utf-8', errors='replace').read().replace('\r\n', '\n').split('\n'):
    w = max(w, sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in l))
print(w)" "$1"; }

# trailing FILE: lines that end in a blank
trailing() { tr -d '\r' <"$1" | grep -c ' $'; }

# words_in WORDS_FILE TEXT_FILE: every word of WORDS_FILE is a word of TEXT_FILE (nothing cut)
words_in() { python3 -c "
import sys
have = set(open(sys.argv[2]).read().split())
miss = [w for w in open(sys.argv[1]).read().split() if w not in have]
print(' '.join(miss[:5]))
sys.exit(1 if miss else 0)" "$1" "$2"; }

fixtures=()
for f in tests/fixtures/*/snapshot.tar; do fixtures+=("$f"); done

# ---- 80 columns: -w 80, and the default on an 80-column terminal ----
views=("device list" "group list" "iommu list")
for snap in "${fixtures[@]}"; do
	scn=$(basename "$(dirname "$snap")")
	for v in "${views[@]}"; do
		# shellcheck disable=SC2086
		"$bin" -F "$snap" --numeric $v -w 80 >"$tmp/w80" 2>/dev/null
		w=$(widest "$tmp/w80")
		[ "$w" -le 80 ] && ok "$scn: $v -w 80 is $w wide" || bad "$scn: $v -w 80 is $w wide"
		[ "$(trailing "$tmp/w80")" = 0 ] && ok "$scn: $v -w 80: no line ends in a blank" ||
			bad "$scn: $v -w 80: lines end in blanks"
		# shellcheck disable=SC2086
		pty 80 "$bin" -F "$snap" --numeric $v >"$tmp/tty" 2>/dev/null
		w=$(widest "$tmp/tty")
		if [ "$w" -le 80 ] && cmp -s <(tr -d '\r' <"$tmp/tty") "$tmp/w80"; then
			ok "$scn: $v on an 80-column terminal: $w wide, as -w 80"
		else bad "$scn: $v on an 80-column terminal: $w wide"; fi
	done
done

# the tables of the ACPI fixtures, decode list, walk roots' are views too
for scn in vtd amd arm64-smmuv3 virtio; do
	for f in tests/fixtures/acpi/$scn/*; do
		# the table only: the notes after it are the command's own lines of text
		"$bin" -F "tests/fixtures/$scn/snapshot.tar" acpi devices --file "$f" -w 80 2>/dev/null |
			grep -v '^warning: ' >"$tmp/w80"
		w=$(widest "$tmp/w80")
		[ "$w" -le 80 ] && ok "$scn: acpi devices $(basename "$f") -w 80 is $w wide" ||
			bad "$scn: acpi devices $(basename "$f") -w 80 is $w wide"
		"$bin" acpi list --file "$f" -w 80 >"$tmp/w80" 2>/dev/null
		w=$(widest "$tmp/w80")
		[ "$w" -le 80 ] && ok "$scn: acpi list $(basename "$f") -w 80 is $w wide" ||
			bad "$scn: acpi list $(basename "$f") -w 80 is $w wide"
	done
done

# decode list: SUMMARY and SPEC wrapped between words, nothing cut
"$bin" decode list -j -o SUMMARY,SPEC | python3 -c "
import json, sys
for f in json.load(sys.stdin)['formats']:
    print(f['summary']); print(f['spec'])" >"$tmp/words"
"$bin" decode list -w 80 >"$tmp/w80"
w=$(widest "$tmp/w80")
[ "$w" -le 80 ] && ok "decode list -w 80 is $w wide" || bad "decode list -w 80 is $w wide"
miss=$(words_in "$tmp/words" "$tmp/w80") && ok "decode list -w 80: every word of SUMMARY and SPEC is there" ||
	bad "decode list -w 80: words cut: $miss"
head -n 1 "$tmp/w80" | grep -q 'ALIASES' && bad "decode list -w 80: ALIASES kept" ||
	ok "decode list -w 80: ALIASES (OCF_HIDE) left out"
"$bin" decode list -w 80 -o +ALIASES | head -n 1 | grep -q ALIASES && ok "decode list -w 80 -o +ALIASES: a named column stays" ||
	bad "decode list -w 80 -o +ALIASES: the named column was left out"
"$bin" decode list >"$tmp/pipe"
[ "$(widest "$tmp/pipe")" -gt 120 ] && [ "$(wc -l <"$tmp/pipe")" = "$(($("$bin" decode list -j | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["formats"]))') + 1))" ] &&
	ok "decode list into a pipe: full values, one line a format" || bad "decode list into a pipe: not one line a format"

# group REASON wraps between words at 80 columns; COLUMNS and -w
F=(-F tests/fixtures/vtd/snapshot.tar)
"$bin" "${F[@]}" group list -j -o REASON | python3 -c "
import json, sys
for g in json.load(sys.stdin)['groups']: print(g['reason'])" >"$tmp/words"
"$bin" "${F[@]}" group list -o +REASON,REGIONS -w 80 >"$tmp/w80"
w=$(widest "$tmp/w80")
[ "$w" -le 80 ] && ok "group list -o +REASON,REGIONS -w 80 is $w wide" || bad "group list -o +REASON,REGIONS -w 80 is $w wide"
miss=$(words_in "$tmp/words" "$tmp/w80") && ok "group list -w 80: every word of REASON is there" ||
	bad "group list -w 80: REASON cut: $miss"
[ "$(trailing "$tmp/w80")" = 0 ] && ok "group list wrapped: no line ends in a blank" || bad "group list wrapped: lines end in blanks"
"$bin" "${F[@]}" group list -o +REASON >"$tmp/pipe"
[ "$(wc -l <"$tmp/pipe")" = 8 ] && grep -q 'every device is unbound or bound to a driver that leaves DMA to its user$' "$tmp/pipe" &&
	ok "group list -o +REASON into a pipe: one line a group, REASON whole" || bad "group list -o +REASON into a pipe: wrapped"
PTY_ENV="COLUMNS=60" pty 80 "$bin" "${F[@]}" group list -o +REASON >"$tmp/tty"
w=$(widest "$tmp/tty")
[ "$w" -le 60 ] && [ "$w" -gt 40 ] && ok "COLUMNS=60 on a terminal: $w wide" || bad "COLUMNS=60 on a terminal: $w wide"
pty 100 "$bin" "${F[@]}" group list -o +REASON >"$tmp/tty"
w=$(widest "$tmp/tty")
[ "$w" -le 100 ] && [ "$w" -gt 80 ] && ok "a 100-column terminal: $w wide" || bad "a 100-column terminal: $w wide"
COLUMNS=40 "$bin" "${F[@]}" group list -o +REASON >"$tmp/pipe"
[ "$(wc -l <"$tmp/pipe")" = 8 ] && ok "COLUMNS into a pipe: no limit" || bad "COLUMNS limits a pipe"
for w in 0 -3 abc 12x; do
	"$bin" "${F[@]}" group list -w "$w" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 2 ] && grep -q -- "--width '$w'" "$tmp/err" && ok "-w $w: usage error" || bad "-w $w: exit $rc"
done

# ---- "-", -r, -P, -n ----
"$bin" "${F[@]}" group list >"$tmp/out"
grep -q '^    0 DMA        1 -  ' "$tmp/out" && ok "an empty DRIVERS cell prints -" || bad "empty cell: $(sed -n 2p "$tmp/out")"
[ "$(trailing "$tmp/out")" = 0 ] && ok "group list: no line ends in a blank" || bad "group list: lines end in blanks"
"$bin" "${F[@]}" iommu list >"$tmp/out"
[ "$(trailing "$tmp/out")" = 0 ] && ok "iommu list (empty last column): no line ends in a blank" ||
	bad "iommu list: lines end in blanks"
"$bin" "${F[@]}" group list -n -r -o GROUP,DRIVERS,RESV,REASON >"$tmp/raw"
nf=$(awk '{print NF}' "$tmp/raw" | sort -u)
[ "$nf" = 4 ] && ok "-r: awk sees 4 fields on every line" || bad "-r: awk field counts: $nf"
awk '$1 == 0 {print $2, $3}' "$tmp/raw" | grep -qx -- '- 1' && ok "-r: \$2 of an unbound group is -, \$3 its RESV" ||
	bad "-r: $(head -n 1 "$tmp/raw")"
grep -q 'every\\x20device\\x20is' "$tmp/raw" && ok "-r: blanks in a value as \\x20" || bad "-r: $(head -n 1 "$tmp/raw")"
grep -q '  \| $' "$tmp/raw" && bad "-r: double or trailing blanks" || ok "-r: no double or trailing blanks"
"$bin" "${F[@]}" group list -P -o +REASON >"$tmp/pairs"
python3 - "$tmp/pairs" <<'PY' && ok "-P: KEY=\"value\" pairs, every column on every line, empty = \"\"" || bad "-P: $(head -n 2 "$tmp/pairs")"
import shlex, sys
lines = open(sys.argv[1]).read().splitlines()
keys = ["GROUP", "TYPE", "DEVICES", "DRIVERS", "RESV", "VIABLE", "REASON"]
rows = [dict(w.split("=", 1) for w in shlex.split(l)) for l in lines]
assert len(rows) == 7 and all(list(r) == keys for r in rows), rows[0]
assert rows[0]["DRIVERS"] == "" and rows[2]["DRIVERS"] == "e1000e", rows[0]
assert rows[0]["REASON"].startswith("every device is unbound"), rows[0]
assert all('="' in w for l in lines for w in [l.split(" ")[0]])
PY
"$bin" "${F[@]}" group list -o GROUP -n >"$tmp/out"
[ "$(head -n 1 "$tmp/out")" = 0 ] && ok "-n -o GROUP: no header-width padding" || bad "-n -o GROUP: '$(head -n 1 "$tmp/out")'"

# device list: the compact CAPS column in text, the four columns in JSON
"$bin" "${F[@]}" device list >"$tmp/out"
head -n 1 "$tmp/out" | grep -q ' CAPS$' && ! head -n 1 "$tmp/out" | grep -q ' ATS ' &&
	grep -q '^0000:00:06.0 .* ACS+$' "$tmp/out" && ok "device list: CAPS, ACS+ on the enabled port" ||
	bad "device list CAPS: $(grep 00:06.0 "$tmp/out")"
"$bin" "${F[@]}" device list -j | python3 -c "
import json, sys
d = json.load(sys.stdin)['devices'][0]
assert 'ats_state' in d and 'acs_state' in d and 'caps' not in d" &&
	ok "device list -j: ats_state...acs_state as before, no caps" || bad "device list -j: columns changed"

# iommu list: decoded FLAGS in text, the registers in JSON as before
for want in "vtd: dmar0 .* PT,IR$" "amd: ivhd0 .* PPR,GT,GA$" "arm64-smmuv3: smmu3.0x0000000009050000 .* -$"; do
	scn=${want%%:*}
	"$bin" -F "tests/fixtures/$scn/snapshot.tar" iommu list >"$tmp/out"
	head -n 1 "$tmp/out" | grep -q ' FLAGS$' && grep -q "^${want#*: }" "$tmp/out" &&
		ok "$scn: iommu list FLAGS decoded" || bad "$scn: iommu list: $(tail -n 1 "$tmp/out")"
done
"$bin" "${F[@]}" iommu list -j | python3 -c "
import json, sys
u = json.load(sys.stdin)['units'][0]
assert list(u) == ['name', 'kind', 'ndevices', 'ngroups', 'cap', 'ecap', 'features'], list(u)" &&
	ok "iommu list -j: cap, ecap, features as before" || bad "iommu list -j: columns changed"

# ---- --sort ----
T=(-F tests/fixtures/vtd-topo/snapshot.tar)
"$bin" "${T[@]}" group list -r -n -o GROUP --sort GROUP >"$tmp/out"
sort -n -c "$tmp/out" 2>/dev/null && [ "$(wc -l <"$tmp/out")" -gt 10 ] && ok "--sort GROUP: numeric order ($(wc -l <"$tmp/out") groups)" ||
	bad "--sort GROUP: $(tr '\n' ' ' <"$tmp/out")"
"$bin" "${F[@]}" device list -r -n -o ADDRESS,DRIVER --sort driver >"$tmp/out"
awk '{print $2}' "$tmp/out" | tr '\n' ' ' | grep -qx -- '- - - - - e1000e e1000e pcieport virtio-pci ' &&
	ok "--sort DRIVER: empty cells first, then by name" || bad "--sort DRIVER: $(awk '{print $2}' "$tmp/out" | tr '\n' ' ')"
"$bin" "${F[@]}" device list -r -n -o ADDRESS --sort driver >"$tmp/out"
[ "$(head -n 1 "$tmp/out")" = 0000:00:00.0 ] && [ "$(awk '{print NF}' "$tmp/out" | sort -u)" = 1 ] &&
	[ "$(sed -n 6p "$tmp/out")" = 0000:00:04.0 ] && ok "--sort a column not shown: sorted, not printed" ||
	bad "--sort hidden: $(tr '\n' ' ' <"$tmp/out")"
"$bin" "${F[@]}" device list -j -o ADDRESS --sort driver | python3 -c "
import json, sys
d = json.load(sys.stdin)['devices']
assert [x['address'] for x in d][5:7] == ['0000:00:04.0', '0000:01:00.0'] and list(d[0]) == ['address'], d" &&
	ok "--sort in JSON: the same order, the sort column not added" || bad "--sort in JSON"
"$bin" "${F[@]}" device list --sort NOPE >/dev/null 2>"$tmp/err"; rc=$?
[ $rc = 2 ] && grep -q "unknown column 'NOPE'" "$tmp/err" && ok "--sort NOPE: usage error naming it" || bad "--sort NOPE: exit $rc"

# ---- --filter ----
"$bin" "${F[@]}" device list -r -n -o ADDRESS --filter DRIVER=e1000e >"$tmp/out"
[ "$(tr '\n' ' ' <"$tmp/out")" = "0000:00:04.0 0000:01:00.0 " ] && ok "--filter DRIVER=e1000e" || bad "--filter DRIVER=e1000e: $(cat "$tmp/out")"
"$bin" "${F[@]}" device list -r -n -o ADDRESS --filter 'driver=VIRTIO*' >"$tmp/out"
[ "$(cat "$tmp/out")" = "0000:00:05.0" ] && ok "--filter with a glob, case ignored" || bad "--filter glob: $(cat "$tmp/out")"
"$bin" "${F[@]}" device list -r -n -o ADDRESS --filter DRIVER=- --filter 'CLASS!=0x06*' >"$tmp/out"
[ "$(tr '\n' ' ' <"$tmp/out")" = "0000:00:03.0 0000:00:1f.2 0000:00:1f.3 " ] &&
	ok "--filter DRIVER=- and CLASS!=0x06*: both hold" || bad "--filter two: $(tr '\n' ' ' <"$tmp/out")"
"$bin" "${F[@]}" device list -r -n -o ADDRESS --filter DRIVER= >"$tmp/out2"
[ "$(wc -l <"$tmp/out2")" = 5 ] && ok "--filter DRIVER= (empty): the unbound devices" || bad "--filter DRIVER=: $(wc -l <"$tmp/out2")"
"$bin" "${F[@]}" group list -r -n -o GROUP --filter DRIVERS=e1000e --filter GROUP=6 >"$tmp/out"
[ "$(cat "$tmp/out")" = 6 ] && ok "--filter on a list column: any item" || bad "--filter list: $(cat "$tmp/out")"
"$bin" "${F[@]}" group list -j --filter VIABLE=no | python3 -c "
import json, sys
g = json.load(sys.stdin)['groups']
assert [x['group'] for x in g] == [2, 3, 6] and 'viable' in g[0]" && ok "--filter in JSON" || bad "--filter in JSON"
for f in NOPE=1 =x noequals '!=x'; do
	"$bin" "${F[@]}" device list --filter "$f" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc = 2 ] && grep -q -- "--filter" "$tmp/err" && ok "--filter '$f': usage error" || bad "--filter '$f': exit $rc"
done

# ---- progress on the terminal the result goes to ----
# A VT-d second-stage table mapping 16 GiB in 2 MiB runs that do not join
# (8192 leaf tables: the walk's progress shows twice, 8192 lines follow).
python3 - "$tmp/mem.raw" <<'PY'
import struct, sys
PS, TB, leaves = 4096, 0x1000000, 8192
l2 = leaves // 512
f = open(sys.argv[1], "wb")
def put(pa, entries):
    f.seek(pa); f.write(struct.pack("<%dQ" % len(entries), *entries))
put(TB, [(TB + PS) | 3])
put(TB + PS, [(TB + (2 + i) * PS) | 3 for i in range(l2)])
for i in range(l2):
    put(TB + (2 + i) * PS, [(TB + (2 + l2 + i * 512 + j) * PS) | 3 for j in range(512)])
base = 1 << 36
for t in range(leaves):
    pa = base + t * (4 << 20)
    put(TB + (2 + l2 + t) * PS, [(pa + j * PS) | 3 for j in range(512)])
f.close()
PY
pty 80 "$bin" walk --mem "$tmp/mem.raw" --mem-format raw --format vtd-sl-pte --levels 4 --root 0x1000000 >"$tmp/tty"
python3 - "$tmp/tty" <<'PY'
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
if "walk: 4096 tables" not in raw:
    print("no progress was drawn"); sys.exit(1)
# a screen: \r to the line's start, ESC[K erases to its end, \n a new line
lines, line, col = [], [], 0
i = 0
while i < len(raw):
    c = raw[i]
    if raw.startswith("\x1b[K", i):
        del line[col:]; i += 3; continue
    if c == "\r":
        col = 0
    elif c == "\n":
        lines.append("".join(line)); line, col = [], 0
    else:
        if col < len(line): line[col] = c
        else: line.append(c)
        col += 1
    i += 1
lines.append("".join(line))
res = [l for l in lines if re.search(r"0x[0-9a-f]{16}", l)]
badl = [l for l in lines if "walk:" in l and re.search(r"0x[0-9a-f]{16}", l)]
if len(res) != 8192 or badl or lines[-1].strip():
    print(len(res), "result lines;", badl[:2], "last:", repr(lines[-1][:80])); sys.exit(1)
PY
[ $? = 0 ] && ok "walk on a terminal: progress shown, erased before every result line (8192 lines whole)" ||
	bad "walk on a terminal: progress ran into the result"

finish
