#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Vendor, device and class names come from libpci, looked up as lspci looks
# them up (src/core/names.c):
#  - with a PCI ID list of the test's own ($IOMMUCTL_PCI_IDS, as lspci -i),
#    its names are shown for the fixture's devices;
#  - for every device of every fixture, VENDOR_NAME, DEVICE_NAME and
#    CLASS_NAME are what lspci -F shows for a dump of the same IDs, with the
#    test's list, with a missing one and with the machine's own (where
#    lspci is installed);
#  - a snapshot is named as the tree it was saved from;
#  - --numeric shows no name (-j: null);
#  - a missing list is no error; one libpci cannot parse gives one warning
#    line (none with -q), none of its names but the hardware database's,
#    exit 0.
#   tests/cli/test-names.sh [BINARY]        (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cols=ADDRESS,ID,CLASS,VENDOR_NAME,DEVICE_NAME,CLASS_NAME

if ! "$bin" --version 2>/dev/null | grep -q .; then
	bad "$bin --version fails"; finish
fi
if ! LD_DEBUG=libs "$bin" -F tests/fixtures/vtd/snapshot.tar device list -o ADDRESS,VENDOR_NAME 2>&1 >/dev/null |
	grep -q 'calling init: .*/libpci\.so'; then
	skip "names: this build has no libpci, or this machine cannot load it"
	finish
fi

# A list of the test's own: names no database has, for IDs in the fixtures.
printf '%s\n' '# test list' \
	'8086  Test Vendor 8086' \
	'	10d3  Test NIC 10d3' \
	'1234  Test Vendor 1234' \
	'	11e8  Test Device 11e8' \
	'C 02  Test Network Class' \
	'	00  Test Ethernet Subclass' \
	'C 01  Test Storage Class' \
	'	06  Test SATA Subclass' \
	'		01  Test AHCI Interface' > "$tmp/test.ids"

vtd=tests/fixtures/vtd/snapshot.tar
# names ENV_IDS SNAP [ARGS...]: the -j device list of SNAP, IOMMUCTL_PCI_IDS=ENV_IDS ("" unset)
names() {
	local ids=$1 snap=$2; shift 2
	if [ -n "$ids" ]; then
		IOMMUCTL_PCI_IDS=$ids "$bin" -F "$snap" "$@" -j device list -o $cols
	else
		env -u IOMMUCTL_PCI_IDS "$bin" -F "$snap" "$@" -j device list -o $cols
	fi
}
# field JSON ADDRESS KEY: one device's value
field() {
	python3 -c 'import json,sys
d = {x["address"]: x for x in json.load(open(sys.argv[1]))["devices"]}
print(d[sys.argv[2]].get(sys.argv[3]))' "$@"
}

# 1. the test's list is read
if names "$tmp/test.ids" "$vtd" > "$tmp/t.json" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then
	want=("0000:00:04.0 vendor_name Test Vendor 8086" "0000:00:04.0 device_name Test NIC 10d3"
	      "0000:00:04.0 class_name Test Ethernet Subclass" "0000:00:03.0 vendor_name Test Vendor 1234"
	      "0000:00:03.0 device_name Test Device 11e8" "0000:00:1f.2 class_name Test SATA Subclass (Test AHCI Interface)")
	for w in "${want[@]}"; do
		read -r a k v <<<"$w"
		got=$(field "$tmp/t.json" "$a" "$k")
		[ "$got" = "$v" ] && ok "test list: $a $k is '$v'" || bad "test list: $a $k is '$got', want '$v'"
	done
else
	bad "test list: device list failed: $(head -c 300 "$tmp/err")"
fi

# 2. as lspci names the same IDs
if ! command -v lspci >/dev/null; then
	skip "lspci is missing (Debian package pciutils): the names are not compared with its"
else
	for snap in tests/fixtures/*/snapshot.tar; do
		fx=$(basename "$(dirname "$snap")")
		"$bin" -F "$snap" --numeric -j device list -o ADDRESS,ID,CLASS > "$tmp/ids.json" 2>/dev/null ||
			{ bad "$fx: device list fails"; continue; }
		# a dump in lspci -x's format: the IDs and class, the rest zero
		python3 - "$tmp/ids.json" > "$tmp/$fx.dump" <<'EOF'
import json, sys
for d in json.load(open(sys.argv[1]))["devices"]:
    if not d.get("id"):
        continue
    cfg = bytearray(64)
    v, dv = (int(x, 16) for x in d["id"].split(":"))
    cfg[0:4] = v.to_bytes(2, "little") + dv.to_bytes(2, "little")
    if d.get("class"):
        cfg[9:12] = int(d["class"], 16).to_bytes(3, "little")
    print(d["address"] + " " + d["id"])   # lspci wants text after the address
    for o in range(0, 64, 16):
        print("%02x: %s" % (o, " ".join("%02x" % b for b in cfg[o:o + 16])))
    print()
EOF
		for ids in "$tmp/test.ids" "$tmp/missing.ids" ""; do
			what=${ids:+${ids##*/}}
			what=${what:-the machine\'s list}
			lsargs=(-F "$tmp/$fx.dump" -D)
			[ -z "$ids" ] || lsargs+=(-i "$ids")
			if ! lspci "${lsargs[@]}" -vmm > "$tmp/mm" 2>"$tmp/err" || ! lspci "${lsargs[@]}" -v > "$tmp/v" 2>>"$tmp/err"; then
				bad "$fx, $what: lspci fails: $(head -c 300 "$tmp/err")"
				continue
			fi
			names "$ids" "$snap" > "$tmp/n.json" 2>"$tmp/err" && [ ! -s "$tmp/err" ] ||
				{ bad "$fx, $what: device list: $(head -c 300 "$tmp/err")"; continue; }
			if python3 - "$tmp/n.json" "$tmp/mm" "$tmp/v" > "$tmp/cmp" <<'EOF'
import json, re, sys
got = {d["address"]: d for d in json.load(open(sys.argv[1]))["devices"]}
want, cur = {}, None
for line in open(sys.argv[2]):
    k, _, v = line.rstrip("\n").partition(":\t")
    if k == "Slot":
        cur = want.setdefault(v, {})
    elif cur is not None and k in ("Vendor", "Device", "Class"):
        cur[k] = v
for line in open(sys.argv[3]):
    m = re.match(r"(\S+) .*\(prog-if [0-9a-f]{2} \[(.*)\]\)$", line.rstrip("\n"))
    if m:
        want[m.group(1)]["ProgIf"] = m.group(2)
bad = 0
for a, w in want.items():
    g = got.get(a)
    if g is None:
        print("%s: not in iommuctl's list" % a); bad += 1; continue
    vid, did = g["id"].split(":")
    # lspci words what no database knows as "Vendor 1234", "Device 11e8"
    exp = {"vendor_name": None if w["Vendor"] == "Vendor " + vid else w["Vendor"],
           "device_name": None if w["Device"] == "Device " + did else w["Device"]}
    cls = w["Class"]
    if cls == "Class " + g["class"][2:6]:
        cls = None
    exp["class_name"] = "%s (%s)" % (cls, w["ProgIf"]) if cls and "ProgIf" in w else cls
    for k, v in exp.items():
        if g.get(k) != v:
            print("%s %s: iommuctl %r, lspci %r" % (a, k, g.get(k), v)); bad += 1
print("%d devices" % len(want))
sys.exit(1 if bad or not want else 0)
EOF
			then ok "$fx, $what: names as lspci -F gives them ($(tail -n 1 "$tmp/cmp"))"
			else bad "$fx, $what: $(head -n 5 "$tmp/cmp" | tr '\n' ';')"; fi
		done
	done
fi

# 3. a snapshot is named as its tree
mkdir -p "$tmp/tree"
if tar -xf "$vtd" -C "$tmp/tree" 2>/dev/null; then
	IOMMUCTL_PCI_IDS=$tmp/test.ids "$bin" --sysfs-root "$tmp/tree/sys" -j device list -o $cols > "$tmp/live.json" 2>&1
	cmp -s "$tmp/live.json" "$tmp/t.json" && ok "snapshot: named as the tree it holds" ||
		bad "snapshot and tree named differently: $(diff "$tmp/live.json" "$tmp/t.json" | head -n 4 | tr '\n' ';')"
else
	bad "cannot extract $vtd"
fi

# 4. --numeric: no names
IOMMUCTL_PCI_IDS=$tmp/test.ids "$bin" -F "$vtd" --numeric -j device list -o $cols > "$tmp/num.json" 2>&1
python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["devices"]
assert d and all(x.get(k) is None for x in d for k in ("vendor_name", "device_name", "class_name")) and all(x["id"] for x in d)' \
	"$tmp/num.json" 2>/dev/null && ok "--numeric: IDs, no name" || bad "--numeric: $(head -c 300 "$tmp/num.json")"
IOMMUCTL_PCI_IDS=$tmp/test.ids "$bin" -F "$vtd" --numeric -j device show 0000:00:04.0 > "$tmp/show.json" 2>&1
if grep -q '"id":"8086:10d3"' "$tmp/show.json" && ! grep -qE '_name":[^n]' "$tmp/show.json"; then
	ok "--numeric device show: every *_name is null"
else
	bad "--numeric device show: $(head -c 300 "$tmp/show.json")"
fi
IOMMUCTL_PCI_IDS=$tmp/test.ids "$bin" -F "$vtd" device show 0000:00:04.0 > "$tmp/show.txt" 2>&1
grep -qx 'vendor: Test Vendor 8086' "$tmp/show.txt" && grep -qx 'device: Test NIC 10d3' "$tmp/show.txt" &&
	ok "device show: the names" || bad "device show: $(head -c 300 "$tmp/show.txt")"

# 5. a missing list: no error (the -j list, exit 0 and an empty stderr, checked in 2 against lspci)
IOMMUCTL_PCI_IDS=$tmp/missing.ids "$bin" -F "$vtd" device list -o $cols > "$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q '8086:10d3' "$tmp/out" && ! grep -q 'Test' "$tmp/out" &&
	ok "missing list: IDs, exit 0, nothing on stderr" || bad "missing list: exit $rc: $(head -c 300 "$tmp/err")"

# 6. a list libpci cannot parse: one warning, none of its names
{ printf '8086  Early Vendor Name\n'; printf 'this is no pci.ids line\n'; } > "$tmp/broken.ids"
IOMMUCTL_PCI_IDS=$tmp/broken.ids "$bin" -F "$vtd" device list -o $cols > "$tmp/out" 2>"$tmp/err"; rc=$?
if [ "$rc" -eq 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
	grep -qE "^iommuctl: device list: warning: PCI ID list: Parse error at .*broken\.ids, line 2: its names are left out$" "$tmp/err"; then
	ok "unparsable list: one warning line, exit 0"
else
	bad "unparsable list: exit $rc: $(head -c 300 "$tmp/err")"
fi
grep -q 'Early Vendor Name' "$tmp/out" && bad "unparsable list: its names are shown" ||
	ok "unparsable list: none of its names"
# and the other databases still answer: the names of a missing list
IOMMUCTL_PCI_IDS=$tmp/missing.ids "$bin" -F "$vtd" device list -o $cols > "$tmp/want" 2>/dev/null
cmp -s "$tmp/want" "$tmp/out" && ok "unparsable list: the names of a missing list (the hardware database's)" ||
	bad "unparsable list: $(diff "$tmp/want" "$tmp/out" | head -n 4 | tr '\n' ';')"
IOMMUCTL_PCI_IDS=$tmp/broken.ids "$bin" -q -F "$vtd" device list -o $cols > /dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok "unparsable list, -q: no warning" || bad "unparsable list, -q: $(head -c 200 "$tmp/err")"
# a directory where the list should be: read error, the same way
IOMMUCTL_PCI_IDS=$tmp "$bin" -F "$vtd" device list -o $cols > "$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q 'I/O error' "$tmp/err" &&
	ok "a directory as the list: exit 0, one warning line" ||
	bad "a directory as the list: exit $rc: $(head -c 300 "$tmp/err")"
cmp -s "$tmp/want" "$tmp/out" && ok "a directory as the list: the names of a missing list" ||
	bad "a directory as the list: $(diff "$tmp/want" "$tmp/out" | head -n 4 | tr '\n' ';')"
finish
