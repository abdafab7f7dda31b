#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Handing devices over, without a VFIO kernel: cdi (CDI specs) and vfio caps
# on --sysfs-root trees and snapshots made from the vtd fixture with devices
# bound to vfio-pci and the nodes of each backend, and the batch language's
# send and option rlimit-mode where no VFIO is needed (their refusals). The
# spec of every case goes through tests/tools/cdi-check.py: valid against
# docs/json/cdi-spec.schema.json, names the CDI spec allows, every node in
# the tree. The live ends (a real iommufd, container, group and cdev sent to
# a receiver) are in tests/cli/test-vm-vfio.sh; the socket itself in
# tests/unit/test_handoff.
#   tests/cli/test-handover.sh [BINARY]
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck disable=SC1091
. tests/cli/lib.sh
fixture=tests/fixtures/vtd/snapshot.tar
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cdicheck=tests/tools/cdi-check.py
schemacheck=tests/tools/json-schema-check.py

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	bad "python3-jsonschema is not installed (scripts/install-deps.sh test)"
	finish
fi

# tree NAME: the fixture unpacked, edu (00:03.0, group 1) on vfio-pci with
# cdev vfio0, and every node of both backends (regular files stand for them)
tree() {
	local t=$tmp/$1 d
	rm -rf "$t"; mkdir -p "$t"
	tar -C "$t" -xf "$fixture" 2>/dev/null; chmod -R u+w "$t"
	d=$t/sys/devices/pci0000:00/0000:00:03.0
	rm -f "$d/driver"; ln -s ../../../bus/pci/drivers/vfio-pci "$d/driver"
	mkdir -p "$d/vfio-dev/vfio0" "$t/dev/vfio/devices"
	rm -f "$t/dev/vfio/vfio"
	touch "$t/dev/iommu" "$t/dev/vfio/vfio" "$t/dev/vfio/1" "$t/dev/vfio/devices/vfio0"
}

# bind2 NAME: also 01:00.0 (group 6, e1000e in the fixture) on vfio-pci, cdev vfio1
bind2() {
	local t=$tmp/$1 d
	d=$t/sys/devices/pci0000:00/0000:00:06.0/0000:01:00.0
	[ -d "$d" ] || d=$(dirname "$(readlink -f "$t/sys/bus/pci/devices/0000:01:00.0")")/0000:01:00.0
	rm -f "$d/driver"; ln -s ../../../../bus/pci/drivers/vfio-pci "$d/driver"
	mkdir -p "$d/vfio-dev/vfio1"
	touch "$t/dev/vfio/6" "$t/dev/vfio/devices/vfio1"
}

# run ARGS...: iommuctl; stdout in $tmp/out, stderr in $tmp/err, status in $rc
run() {
	timeout 20 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
}

# spec_ok NAME ROOT [CDI-CHECK OPTIONS]: $tmp/out is a good spec for the tree at ROOT
spec_ok() {
	local name=$1 root=$2 out
	shift 2
	if out=$(python3 "$cdicheck" --root "$root" "$@" "$tmp/out" 2>&1); then
		ok "$name ($(grep -c '^ok' <<<"$out") checks)"
	else
		bad "$name: $(grep -m 3 -v '^ok' <<<"$out" | tr '\n' ' ')"
	fi
}

# one_line NAME RC WORDS: exit status RC and one line on stderr that has WORDS
one_line() {
	local name=$1 want=$2 words=$3
	if [ "$rc" -eq "$want" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$words" "$tmp/err"; then
		ok "$name"
	else
		bad "$name: exit $rc (want $want): $(head -n 3 "$tmp/err" | tr '\n' ' ')"
	fi
}

# ---- cdi on a tree ----

tree a
root=$tmp/a
run --sysfs-root "$root/sys" cdi
[ "$rc" -eq 0 ] && ok "cdi on a tree exits 0" || bad "cdi on a tree: exit $rc: $(head -n 2 "$tmp/err")"
spec_ok "cdi: auto takes iommufd when the device has its cdev: a valid spec, its nodes in the tree" "$root" --backend iommufd
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["kind"]=="iommuctl.dev/vfio" and d["cdiVersion"]=="0.6.0" and [x["name"] for x in d["devices"]]==["0000-00-03.0"] and d["devices"][0]["annotations"]=={"iommuctl.dev/pciBusID":"0000:00:03.0","iommuctl.dev/iommuGroup":"1"} and d["annotations"]=={"iommuctl.dev/backend":"iommufd"}))' "$tmp/out"; then
	ok "cdi: kind iommuctl.dev/vfio, CDI 0.6.0, device 0000-00-03.0 with its pciBusID and iommuGroup"
else
	bad "cdi: the spec's kind, version, names or annotations: $(head -c 400 "$tmp/out")"
fi
cp "$tmp/out" "$tmp/spec-iommufd.json"
run -j --sysfs-root "$root/sys" cdi
cmp -s "$tmp/out" "$tmp/spec-iommufd.json" && ok "cdi: -j prints the same spec" || bad "cdi: -j changed the spec"

run --sysfs-root "$root/sys" cdi --backend legacy
spec_ok "cdi --backend legacy: the group's node and /dev/vfio/vfio" "$root" --backend legacy

run --sysfs-root "$root/sys" cdi 00:03.0 --kind example.com/passthrough
spec_ok "cdi ADDR --kind: a valid spec of that kind" "$root" --backend iommufd
grep -q '"kind": "example.com/passthrough"' "$tmp/out" && grep -q '"iommuctl.dev/pciBusID": "0000:00:03.0"' "$tmp/out" &&
	ok "cdi --kind: the kind; the annotations keep iommuctl.dev/" || bad "cdi --kind: $(head -c 300 "$tmp/out")"

# without /dev/iommu: auto falls back to the legacy container; iommufd asked for is exit 4, one line
rm "$root/dev/iommu"
run --sysfs-root "$root/sys" cdi
spec_ok "cdi: without /dev/iommu auto takes the legacy container" "$root" --backend legacy
run --sysfs-root "$root/sys" cdi --backend iommufd
one_line "cdi --backend iommufd without /dev/iommu: exit 4, one line saying why" 4 "no /dev/iommu"
# neither: no group node either
rm "$root/dev/vfio/1"
run --sysfs-root "$root/sys" cdi
one_line "cdi with neither backend's nodes: exit 4, one line naming both" 4 "neither backend has every node"
touch "$root/dev/iommu" "$root/dev/vfio/1"
# the cdev's node gone: iommufd cannot, legacy can
rm "$root/dev/vfio/devices/vfio0"
run --sysfs-root "$root/sys" cdi --backend iommufd
one_line "cdi --backend iommufd without the cdev's node: exit 4" 4 "its cdev has no node in /dev/vfio/devices"
touch "$root/dev/vfio/devices/vfio0"

# two devices, in address order, each with its own node
bind2 a
run --sysfs-root "$root/sys" cdi
spec_ok "cdi with two devices: both in the spec, names valid and unique, nodes in the tree" "$root" --backend iommufd
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit([x["name"] for x in d["devices"]]!=["0000-00-03.0","0000-01-00.0"])' "$tmp/out" &&
	ok "cdi: devices in address order" || bad "cdi: device order: $(grep '"name"' "$tmp/out" | tr -d ' \n')"

# selection and refusals
run --sysfs-root "$root/sys" cdi 00:04.0
one_line "cdi of a device on e1000e: exit 1, one line naming its driver" 1 "bound to e1000e, not to a VFIO driver"
run --sysfs-root "$root/sys" cdi 0000:7f:00.0
one_line "cdi of no such device: exit 3" 3 "no device 0000:7f:00.0"
run --sysfs-root "$root/sys" cdi spec not-an-address
one_line "cdi of a word that is no address: exit 2" 2 "is not a PCI address"
run --sysfs-root "$root/sys" cdi --backend fast
one_line "cdi --backend fast: exit 2" 2 "--backend: 'fast'"
for k in nokind vendor.com/ vendor.com/a/b -x/y vendor.com/cls- ; do
	run --sysfs-root "$root/sys" cdi --kind "$k"
	one_line "cdi --kind '$k' refused: exit 2" 2 "--kind: '$k'"
done
run -F "$fixture" cdi
one_line "cdi on the fixture (no device on vfio-pci): exit 3, one line" 3 "no device is bound to a VFIO driver"

# ---- -o FILE: replaced atomically ----

mkdir -p "$tmp/etc-cdi"
echo "old" > "$tmp/etc-cdi/iommuctl.json"
ino=$(stat -c %i "$tmp/etc-cdi/iommuctl.json")
run --sysfs-root "$root/sys" cdi -o "$tmp/etc-cdi/iommuctl.json"
cp "$tmp/etc-cdi/iommuctl.json" "$tmp/written.json"
run2_out=$tmp/out
if [ "$rc" -eq 0 ] && grep -q "^wrote $tmp/etc-cdi/iommuctl.json: CDI 0.6.0, kind iommuctl.dev/vfio, backend iommufd, 2 devices$" "$tmp/out" &&
	[ "$(stat -c %i "$tmp/etc-cdi/iommuctl.json")" != "$ino" ] && [ "$(ls -A "$tmp/etc-cdi")" = iommuctl.json ]; then
	ok "cdi -o FILE: a summary, FILE replaced by a rename (a new inode), no temporary file left"
else
	bad "cdi -o: exit $rc: $(head -n 2 "$run2_out") $(ls -A "$tmp/etc-cdi" | tr '\n' ' ')"
fi
cp "$tmp/written.json" "$tmp/out"
spec_ok "cdi -o FILE: the file is a valid spec" "$root" --backend iommufd
run --sysfs-root "$root/sys" cdi
cmp -s "$tmp/out" "$tmp/written.json" && ok "cdi -o FILE writes what cdi prints" || bad "cdi -o FILE differs from stdout"
run -j --sysfs-root "$root/sys" cdi -o "$tmp/etc-cdi/iommuctl.json"
echo "cdi $tmp/out" > "$tmp/manifest"
out=$(python3 "$schemacheck" "$tmp/manifest" 2>&1) && ok "cdi -j -o FILE: the summary validates against cdi.schema.json" ||
	bad "cdi -j -o: $out"
run --sysfs-root "$root/sys" cdi -o "$tmp/no/such/dir/x.json"
one_line "cdi -o into a missing directory: exit 3 (as snapshot save), one line" 3 "cannot create a temporary file beside it"
run --sysfs-root "$root/sys" cdi -o -
cmp -s "$tmp/out" "$tmp/written.json" && ok "cdi -o -: the spec on standard output" || bad "cdi -o - differs"

# ---- a snapshot of the tree: the same spec ----

run --sysfs-root "$root/sys" snapshot save "$tmp/snap.tar"
run -F "$tmp/snap.tar" cdi
if [ "$rc" -eq 0 ] && cmp -s "$tmp/out" "$tmp/written.json"; then
	ok "cdi on a snapshot of the tree: the same spec (snapshots keep /dev/iommu and /dev/vfio/devices)"
else
	bad "cdi on the snapshot: exit $rc: $(head -n 2 "$tmp/err") $(diff "$tmp/out" "$tmp/written.json" | head -n 4 | tr '\n' ' ')"
fi
run -F "$tmp/snap.tar" cdi --backend legacy
spec_ok "cdi --backend legacy on the snapshot: nodes of the tree" "$root" --backend legacy

# ---- a hostile tree: a device whose name no spec can carry ----

tree h
hd=$tmp/h/sys/bus/pci/devices
ln -s "../../../devices/pci0000:00/0000:00:03.0" "$hd/0000:00:03.0;x"
run --sysfs-root "$tmp/h/sys" cdi
if [ "$rc" -eq 0 ] && python3 "$cdicheck" --root "$tmp/h" "$tmp/out" >/dev/null 2>&1 && ! grep -q ';' "$tmp/out"; then
	ok "cdi on a tree with a device named '0000:00:03.0;x': left out, the spec stays valid"
else
	bad "cdi hostile name: exit $rc: $(head -n 2 "$tmp/err")"
fi

# ---- vfio caps ----

run -j --sysfs-root "$root/sys" vfio caps
cp "$tmp/out" "$tmp/caps.json"
echo "vfio-caps $tmp/caps.json" > "$tmp/manifest"
out=$(python3 "$schemacheck" "$tmp/manifest" 2>&1) && ok "vfio caps -j on the tree validates against vfio-caps.schema.json" ||
	bad "vfio caps -j: $out"
run --sysfs-root "$root/sys" cdi
cp "$tmp/out" "$tmp/spec.json"
if python3 - "$tmp/caps.json" "$tmp/spec.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))
devs = {d["pciBusID"]: d for d in c["devices"]}
assert c["offline"] is True and c["backend"] == "iommufd" and c["cdi_kind"] == s["kind"]
assert c["iommufd"]["available"] is True and c["iommufd"]["node"] == "/dev/iommu" and c["iommufd"]["rlimit_mode"] is None
assert c["legacy"]["node"] == "/dev/vfio/vfio" and c["legacy"]["container_types"] is None
assert sorted(devs) == ["0000:00:03.0", "0000:01:00.0"], devs
assert [devs[a]["cdi_name"] for a in sorted(devs)] == [d["name"] for d in s["devices"]]
e = devs["0000:00:03.0"]
assert e["iommuGroup"] == 1 and e["viable"] is True and e["vfio_group"] == "/dev/vfio/1"
assert e["vfio_cdevs"] == ["/dev/vfio/devices/vfio0"] and e["backends"] == ["iommufd", "legacy"] and e["owner"] is None
EOF
then ok "vfio caps: backend, nodes, pciBusID, iommuGroup, viability and CDI names agree with the spec"
else bad "vfio caps: the report disagrees with the tree or the spec"; fi
run --sysfs-root "$root/sys" vfio caps --all
grep -q "^0000:00:04.0:" "$tmp/out" && grep -q "^  backends: -" "$tmp/out" &&
	ok "vfio caps --all: every PCI device, those not on vfio with no backend" || bad "vfio caps --all: $(head -n 5 "$tmp/out")"
run --sysfs-root "$root/sys" vfio caps 0000:7f:00.0
one_line "vfio caps of no such device: exit 3" 3 "no device 0000:7f:00.0"

# ---- send and option rlimit-mode: their refusals, where no VFIO is needed ----

run send /tmp/x
one_line "send outside a batch: exit 2" 2 "a batch command"
printf 'send %s/s\n' "$tmp" > "$tmp/b.txt"
run batch "$tmp/b.txt"
one_line "batch: send with nothing held: exit 1, one line" 1 "nothing to send"
run --sysfs-root "$root/sys" batch "$tmp/b.txt"
one_line "batch on a tree: send drives the running kernel: exit 4" 4 "drives the running kernel"
printf 'send %s/s rlimit-mode=often\n' "$tmp" > "$tmp/b.txt"
run batch "$tmp/b.txt"
one_line "batch: send rlimit-mode=often: exit 2" 2 "rlimit-mode=often: not a mode; fix: write rlimit-mode=process, rlimit-mode=user or rlimit-mode=keep"
printf 'send\n' > "$tmp/b.txt"
run batch "$tmp/b.txt"
one_line "batch: send without a socket: exit 2" 2 "missing argument"
if [ ! -e /dev/iommu ]; then
	printf 'option rlimit-mode process\n' > "$tmp/b.txt"
	run batch "$tmp/b.txt"
	one_line "batch: option rlimit-mode without /dev/iommu: exit 4" 4 "/dev/iommu"
fi
finish
