#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# acpi list / show / devices on the ACPI tables QEMU wrote for the guests
# (tests/fixtures/acpi/<scenario>/<TABLE>, tests/vm/capture-acpi.sh) and on
# ACPICA's own templates (tests/fixtures/acpi/iasl-template: every subtable
# type, compiled by iasl -T; iasl -tc):
#   - golden text and JSON of show and list, and of devices against the
#     snapshots of the same guests (tests/fixtures/<scenario>/snapshot.tar,
#     and tests/fixtures/acpi-live/arm64-smmuv3/snapshot.tar: an arm64 guest
#     booted through UEFI, whose snapshot holds its IORT);
#   - every field equal to what iasl -d prints (tests/tools/acpi-iasl-check.py),
#     with an iasl that knows VIOT and the newer IORT (tests/tools/newer-iasl.sh;
#     a visible skip when none can be had);
#   - the tables read through a --sysfs-root tree, and kept by snapshot save;
#   - hostile tables (truncated, bad and zero lengths, counts past the end):
#     exit 1 naming the fault, never a crash;
#   - exit statuses.
#   tests/cli/test-acpi.sh [BINARY]        UPDATE=1 rewrites tests/cli/golden-acpi
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
. tests/cli/lib.sh
golden=tests/cli/golden-acpi
acpi=tests/fixtures/acpi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# check NAME KIND CMD...: run, compare with $golden/NAME.KIND
check() {
	local name=$1 kind=$2 j=() rc; shift 2
	[ "$kind" = json ] && j=(-j)
	"$bin" --numeric "${j[@]}" "$@" >"$tmp/got" 2>"$tmp/err"; rc=$?
	if [ $rc -ne 0 ]; then bad "$name.$kind: exit $rc: $(head -n 2 "$tmp/err")"; return; fi
	if [ "$kind" = json ] && ! python3 -m json.tool "$tmp/got" >/dev/null 2>&1; then
		bad "$name.$kind: not JSON"; return
	fi
	golden_compare "$name.$kind" "$tmp/got" "$golden/$name.$kind"
}

status_is() { # WANT DESC CMD...
	local want=$1 desc=$2 rc; shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -eq "$want" ]; then ok "$desc exits $want"
	else bad "$desc exits $rc, expected $want: $(head -n 1 "$tmp/err")"; fi
}

# ---- golden: show, list, devices ----
for f in "$acpi"/*/*; do
	scn=$(basename "$(dirname "$f")") t=$(basename "$f")
	check "$scn/show-$t" txt acpi show --file "$f"
	check "$scn/show-$t" json acpi show --file "$f"
	check "$scn/list-$t" txt acpi list --file "$f"
	snap=tests/fixtures/$scn/snapshot.tar
	if [ -f "$snap" ]; then
		check "$scn/devices-$t" txt -F "$snap" acpi devices --file "$f"
		check "$scn/devices-$t" json -F "$snap" acpi devices --file "$f" -o +ENTRY,ID_KIND,RID,ALIASED,ITS_ID
	fi
done

# an arm64 guest booted through UEFI (ACPI, not a device tree): its snapshot
# holds the IORT (tests/cli/test-vm-acpi.sh saved it)
live=tests/fixtures/acpi-live/arm64-smmuv3/snapshot.tar
check arm64-smmuv3/live-list txt -F "$live" acpi list
check arm64-smmuv3/live-devices txt -F "$live" acpi devices
check arm64-smmuv3/live-devices json -F "$live" acpi devices -o +ENTRY,ID_KIND,RID,ALIASED,ITS_ID
if "$bin" -F "$live" -j acpi show IORT >"$tmp/live.json" 2>"$tmp/err" &&
	"$bin" -j acpi show --file "$acpi/arm64-smmuv3/IORT" >"$tmp/file.json" 2>>"$tmp/err" &&
	python3 -c 'import json,sys; a,b=(json.load(open(p))["acpi_tables"][0] for p in sys.argv[1:]); a.pop("source"); b.pop("source"); sys.exit(a != b)' "$tmp/live.json" "$tmp/file.json"; then
	ok "the live arm64 snapshot's IORT is the captured table"
else bad "the live arm64 snapshot's IORT differs from the captured table: $(head -n 1 "$tmp/err")"; fi

# ---- what the tables say, in words the tests can read ----
python3 - "$bin" >"$tmp/facts" 2>&1 <<'PY'
import json, subprocess, sys
def run(*a):
    r = subprocess.run([sys.argv[1], '-j'] + list(a), capture_output=True, text=True)
    return json.loads(r.stdout)['acpi_tables'][0]
def devices(scn, t):
    d = run('-F', f'tests/fixtures/{scn}/snapshot.tar', 'acpi', 'devices', '--file', f'tests/fixtures/acpi/{scn}/{t}',
            '-o', '+ENTRY,ID_KIND,RID,ALIASED,ITS_ID')
    return {x['device']: x for x in d['devices']}, d
# VT-d: QEMU scopes every device by endpoint; the root port as a bridge, the card behind it through it
v, _ = devices('vtd', 'DMAR')
assert v['0000:00:04.0']['match'] == 'endpoint scope' and v['0000:00:04.0']['presented_id'] == '0x20', v
assert v['0000:01:00.0']['match'] == 'bridge scope' and v['0000:01:00.0']['presented_id'] == '0x100', v
assert v['0000:01:00.0']['iommu_address'] == '0xfed90000', v
# AMD: select entries, and bus 1 through a range
a, _ = devices('amd', 'IVRS')
assert a['0000:00:03.0']['match'] == 'select' and a['0000:01:00.0']['match'] == 'range', a
# the AMD IOMMU's own function is in no group, and that is no finding
_, ad = devices('amd', 'IVRS')
assert not [f for f in ad['findings'] if f['device'] == '0000:00:01.0'], ad['findings']
# IORT: RID -> StreamID through the root complex's first mapping, to the SMMUv3 at 0x9050000
i, _ = devices('arm64-smmuv3', 'IORT')
assert i['0000:01:00.0']['presented_id'] == '0x100' and i['0000:01:00.0']['iommu'] == 'smmu_v3@0x48', i
assert i['0000:01:00.0']['its_id'] == '0x100', i
# VIOT: endpoint IDs from the PCI range, to the virtio-iommu at 00:01.0; the kernel left some devices out
w, wd = devices('virtio', 'VIOT')
assert w['0000:00:04.0']['presented_id'] == '0x20' and w['0000:00:04.0']['iommu'] == 'virtio_iommu_pci@0x30', w
assert any(f['device'] == '0000:00:03.0' for f in wd['findings']), wd['findings']
print('facts ok')
PY
if grep -qx 'facts ok' "$tmp/facts"; then ok "devices: the IDs and matches of every table kind"
else bad "devices facts: $(tail -n 5 "$tmp/facts")"; fi

# ---- iasl -d, field for field ----
iasl=$(tests/tools/newer-iasl.sh 2>"$tmp/iasl.err")
if [ -n "$iasl" ]; then
	python3 tests/tools/acpi-iasl-check.py "$iasl" "$bin" "$acpi"/*/* >"$tmp/iasl.out" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "iasl: ${line#ok   }" ;;
		"FAIL "*) bad "iasl: ${line#FAIL }" ;;
		*) echo "     $line" ;;
		esac
	done <"$tmp/iasl.out"
else
	skip_broken "iasl comparison: no iasl that knows VIOT and IORT: $(tail -n 1 "$tmp/iasl.err")"
fi

# ---- through a --sysfs-root tree and a snapshot ----
tree=$tmp/tree
mkdir -p "$tree"
tar -xf tests/fixtures/vtd/snapshot.tar -C "$tree" 2>/dev/null
mkdir -p "$tree/sys/firmware/acpi/tables"
cp "$acpi/vtd/DMAR" "$tree/sys/firmware/acpi/tables/DMAR"
"$bin" --sysfs-root "$tree/sys" -j acpi show >"$tmp/tree.json" 2>"$tmp/err" &&
	"$bin" -j acpi show --file "$acpi/vtd/DMAR" >"$tmp/file.json" 2>>"$tmp/err"
if python3 - "$tmp/tree.json" "$tmp/file.json" <<'PY'
import json, sys
a, b = (json.load(open(p))['acpi_tables'][0] for p in sys.argv[1:3])
a.pop('source'); b.pop('source')
sys.exit(0 if a == b else 1)
PY
then ok "acpi show --sysfs-root reads /sys/firmware/acpi/tables/DMAR"
else bad "acpi show --sysfs-root differs from --file: $(head -n 1 "$tmp/err")"; fi
if "$bin" --sysfs-root "$tree/sys" snapshot save "$tmp/saved.tar" >/dev/null 2>"$tmp/err" &&
	tar -tf "$tmp/saved.tar" | grep -q 'sys/firmware/acpi/tables/DMAR$'; then
	ok "snapshot save keeps /sys/firmware/acpi/tables/DMAR"
	"$bin" -F "$tmp/saved.tar" -j acpi devices >"$tmp/snap.json" 2>"$tmp/err"
	"$bin" --sysfs-root "$tree/sys" -j acpi devices >"$tmp/tree-dev.json" 2>>"$tmp/err"
	if [ -s "$tmp/snap.json" ] && cmp -s "$tmp/snap.json" "$tmp/tree-dev.json"; then
		ok "acpi devices on the saved snapshot equals the tree's"
	else bad "acpi devices on the saved snapshot differs: $(head -n 1 "$tmp/err")"; fi
else
	bad "snapshot save did not keep the DMAR: $(head -n 1 "$tmp/err")"
fi

# ---- reserved ranges against the kernel's regions ----
# QEMU writes no RMRR: tests/fixtures/acpi/vtd-rmrr/DMAR is the vtd guest's
# DMAR with two added (made here, and checked to be what this makes). The
# kernel of that guest gave group 5 (the ISA bridge 00:1f.0) 0x0-0xffffff
# direct-relaxable (its floppy workaround): an RMRR of that range for 00:1f.0
# is one the kernel made, one for 00:04.0 at 0x7a000000 is not (a finding).
python3 - "$acpi/vtd/DMAR" "$tmp/DMAR-rmrr" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
def rmrr(base, end, dev, fn):
    scope = bytes([1, 8, 0, 0, 0, 0, dev, fn])
    return struct.pack('<HHHHQQ', 1, 24 + len(scope), 0, 0, base, end) + scope
b += rmrr(0, 0xffffff, 0x1f, 0) + rmrr(0x7a000000, 0x7a01ffff, 4, 0)
b[4:8] = struct.pack('<I', len(b))
b[9] = 0
b[9] = (-sum(b)) & 0xff
open(sys.argv[2], 'wb').write(b)
PY
if cmp -s "$tmp/DMAR-rmrr" "$acpi/vtd-rmrr/DMAR"; then ok "vtd-rmrr/DMAR is the vtd DMAR with two RMRRs"
else bad "tests/fixtures/acpi/vtd-rmrr/DMAR is not what the script above makes of the vtd DMAR"; fi
check vtd/devices-rmrr txt -F tests/fixtures/vtd/snapshot.tar acpi devices --file "$acpi/vtd-rmrr/DMAR"
check vtd/devices-rmrr json -F tests/fixtures/vtd/snapshot.tar acpi devices --file "$acpi/vtd-rmrr/DMAR"
if python3 - "$bin" "$acpi/vtd-rmrr/DMAR" <<'PY'
import json, subprocess, sys
r = subprocess.run([sys.argv[1], '-F', 'tests/fixtures/vtd/snapshot.tar', '-j', 'acpi', 'devices', '--file', sys.argv[2]],
                   capture_output=True, text=True)
d = json.loads(r.stdout)['acpi_tables'][0]
rr = d['reserved_ranges']
assert [x['kind'] for x in rr] == ['rmrr', 'rmrr'], rr
assert rr[0]['devices'] == [{'device': '0000:00:1f.0', 'group': 5, 'kernel_region': True,
                             'kernel_type': 'direct-relaxable'}], rr[0]
assert rr[1]['devices'] == [{'device': '0000:00:04.0', 'group': 2, 'kernel_region': False, 'kernel_type': None}], rr[1]
f = [x for x in d['findings'] if '0x7a000000' in x['text']]
assert len(f) == 1 and f[0]['device'] == '0000:00:04.0', d['findings']
assert len(d['findings']) == 1, d['findings']
PY
then ok "RMRRs against the kernel's reserved regions: one made (direct-relaxable), one missing (a finding)"
else bad "RMRRs against the kernel's reserved regions"; fi

# ---- hostile tables ----
python3 - "$acpi" "$tmp/hostile" <<'PY'
import os, struct, sys
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
def fix(b):
    b = bytearray(b)
    b[9] = 0
    b[9] = (-sum(b)) & 0xff
    return bytes(b)
def put(name, b, fixlen=True):
    b = bytearray(b)
    if fixlen and len(b) >= 8:
        b[4:8] = struct.pack('<I', len(b))
    open(os.path.join(out, name), 'wb').write(fix(b) if len(b) >= 10 else bytes(b))
dmar = open(f'{src}/vtd/DMAR', 'rb').read()
ivrs = open(f'{src}/amd/IVRS', 'rb').read()
iort = open(f'{src}/arm64-smmuv3/IORT', 'rb').read()
viot = open(f'{src}/virtio/VIOT', 'rb').read()
put('short-header', dmar[:20], False)
put('dmar-truncated', dmar[:-3], False)                  # header says more than there is
b = bytearray(dmar); b[4:8] = struct.pack('<I', 20); put('dmar-length-below-header', b, False)
b = bytearray(dmar); b[0x32:0x34] = b'\0\0'; put('dmar-zero-subtable', b)
b = bytearray(dmar); b[0x32:0x34] = struct.pack('<H', 0xfff0); put('dmar-subtable-past-end', b)
b = bytearray(dmar); b[0x41] = 0; put('dmar-zero-scope', b)
b = bytearray(dmar); b[0x41] = 7; put('dmar-odd-scope', b)
b = bytearray(dmar); b[0x81] = 0x40; put('dmar-scope-past-subtable', b)
put('dmar-cut-subtable', dmar[:0x33])
b = bytearray(ivrs); b[0x32:0x34] = b'\0\0'; put('ivrs-zero-subtable', b)
b = bytearray(ivrs); b[0x70] = 0x80; put('ivrs-unknown-variable-entry', b)
b = bytearray(ivrs); b[0x74] = 0xf0; put('ivrs-hid-past-end', b)
b = bytearray(ivrs); b[0x32:0x34] = struct.pack('<H', 0x50); put('ivrs-entries-past-end', b)
b = bytearray(iort); b[36:40] = struct.pack('<I', 0xffffffff); put('iort-count-past-end', b)
b = bytearray(iort); b[0x31:0x33] = b'\0\0'; put('iort-zero-node', b)
b = bytearray(iort); b[0x54:0x58] = struct.pack('<I', 0xfff0); put('iort-mapping-offset-outside', b)
b = bytearray(iort); b[0x50:0x54] = struct.pack('<I', 0x10000000); put('iort-mapping-count-past-end', b)
b = bytearray(iort); b[0x40:0x44] = struct.pack('<I', 0x40000000); put('iort-its-count-past-end', b)
b = bytearray(iort); b[40:44] = struct.pack('<I', 0x7fffffff); put('iort-node-offset-outside', b)
b = bytearray(viot); b[36:38] = struct.pack('<H', 0xffff); put('viot-count-past-end', b)
b = bytearray(viot); b[0x32:0x34] = b'\0\0'; put('viot-zero-node', b)
b = bytearray(viot); b[38:40] = struct.pack('<H', 0xffff); put('viot-offset-outside', b)
PY
for f in "$tmp"/hostile/*; do
	n=$(basename "$f")
	for verb in show list; do
		"$bin" acpi $verb --file "$f" >/dev/null 2>"$tmp/err"; rc=$?
		want=1; [ $verb = list ] && want=0
		if [ $rc -eq $want ] && { [ $verb = list ] || grep -qE 'malformed|header|truncated' "$tmp/err"; }; then
			ok "hostile $n: acpi $verb exits $want"
		else
			bad "hostile $n: acpi $verb exits $rc (want $want): $(head -n 1 "$tmp/err")"
		fi
	done
done
# a malformed table shows what decoded before the fault, and names it
"$bin" acpi show --file "$tmp/hostile/dmar-zero-scope" >"$tmp/out" 2>"$tmp/err"
if grep -q 'device scope at offset 0x40: length 0' "$tmp/err" && grep -q 'DRHD' "$tmp/out"; then
	ok "a malformed DMAR: the records before the fault, and the offset named"
else bad "a malformed DMAR: $(head -n 1 "$tmp/err")"; fi

# a table that cannot be read: list says so, show and devices fail
mkfifo "$tree/sys/firmware/acpi/tables/IVRS"
"$bin" --sysfs-root "$tree/sys" acpi list >"$tmp/out" 2>"$tmp/err"
if grep -q '^IVRS .*unreadable' "$tmp/out" && grep -q '^DMAR .* ok$' "$tmp/out"; then
	ok "acpi list: an unreadable table is listed as such"
else bad "acpi list with an unreadable IVRS: $(head -n 3 "$tmp/out" | tr '\n' ';')"; fi
status_is 1 "acpi show with an unreadable IVRS" --sysfs-root "$tree/sys" acpi show
status_is 0 "acpi show DMAR beside an unreadable IVRS" --sysfs-root "$tree/sys" acpi show DMAR
rm -f "$tree/sys/firmware/acpi/tables/IVRS"

# ---- exit statuses ----
status_is 2 "acpi show BOGUS" acpi show BOGUS --file "$acpi/vtd/DMAR"
status_is 2 "acpi show with TABLE and --file" acpi show DMAR --file "$acpi/vtd/DMAR"
status_is 3 "acpi show IORT where there is only a DMAR" --sysfs-root "$tree/sys" acpi show IORT
status_is 3 "acpi list on a snapshot without tables" -F tests/fixtures/amd/snapshot.tar acpi list
status_is 1 "acpi show --file of a missing file" acpi show --file "$tmp/none"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()[:36]); b[0:8] = b"FACP\x24\0\0\0"; open(sys.argv[2], "wb").write(b)' "$acpi/vtd/DMAR" "$tmp/FACP"
status_is 4 "acpi show --file of a table it does not decode" acpi show --file "$tmp/FACP"

finish
