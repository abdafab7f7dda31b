#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of doctor on the snapshots of real kernels in
# tests/fixtures/*/snapshot.tar, text and JSON (and --problems): the 6.12 ones were
# saved before doctor existed and hold no /proc/cmdline, /proc/interrupts,
# /sys/module or /sys/firmware, so those checks must say unknown, not fail.
# Also: the same answers from the unpacked tree (--sysfs-root), exit statuses,
# and that a snapshot re-saved now answers as its source did.
#   tests/cli/test-doctor.sh [BINARY]        UPDATE=1 rewrites tests/cli/golden-doctor
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
golden=tests/cli/golden-doctor
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check() { # SCN NAME KIND WANT-RC ARGS...
	local scn=$1 name=$2 kind=$3 want_rc=$4 rc; shift 4
	local want=$golden/$scn/$name.$kind j=()
	[ "$kind" = json ] && j=(-j)
	"$bin" --numeric "${j[@]}" "$@" >"$tmp/got" 2>"$tmp/err"; rc=$?
	if [ "$rc" -ne "$want_rc" ]; then bad "$scn/$name.$kind: exit $rc, expected $want_rc: $(head -n 2 "$tmp/err")"; return; fi
	if [ "$kind" = json ] && ! python3 -m json.tool "$tmp/got" >/dev/null 2>&1; then
		bad "$scn/$name.$kind: not JSON"; return
	fi
	if [ -n "${UPDATE:-}" ]; then
		mkdir -p "$golden/$scn"; cp "$tmp/got" "$want"; ok "$scn/$name.$kind (updated)"
	elif cmp -s "$want" "$tmp/got"; then ok "$scn/$name.$kind"
	else bad "$scn/$name.$kind differs:"; diff -u "$want" "$tmp/got" | head -n 15 | sed 's/^/     /'; fi
}

for snap in tests/fixtures/*/snapshot.tar; do
	scn=$(basename "$(dirname "$snap")")
	check "$scn" doctor txt 0 -F "$snap" doctor
	check "$scn" doctor json 0 -F "$snap" doctor
	check "$scn" doctor-problems txt 0 -F "$snap" doctor --problems
	# what a snapshot does not hold is unknown, and is no failure; a snapshot
	# saved since doctor exists (the 7.2 fixtures) holds the files, and the
	# guest it was saved in was fine
	"$bin" -F "$snap" -j doctor >"$tmp/snap.json" 2>/dev/null
	tar -tf "$snap" >"$tmp/members" 2>/dev/null
	if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
members = open(sys.argv[3]).read().split()
by = {c["check"]: c for c in d["checks"]}
source = {"kernel.cmdline": "proc/cmdline", "vfio.module-vfio": "sys/module/vfio/",
          "vfio.access": None, "firmware.table": "sys/firmware/acpi/tables/",
          "kernel.irq-remapping": "proc/interrupts"}
for k in ("kernel.cmdline", "vfio.module-vfio", "vfio.access", "firmware.table") + (() if sys.argv[2] == "powernv" else ("kernel.irq-remapping",)):
    held = source[k] is not None and source[k] in members
    assert by[k]["verdict"] == ("ok" if held else "unknown"), (k, held, by[k])
assert by["firmware.enabled"]["verdict"] == "ok" and d["ready"] is True, d
assert d["origin"] == "snapshot"
' "$tmp/snap.json" "$scn" "$tmp/members" 2>"$tmp/err"; then ok "$scn: what the snapshot lacks is unknown, what it holds ok, the machine is ready"
	else bad "$scn: $(tail -n 1 "$tmp/err")"; fi
	# the unpacked tree answers as the snapshot, but for its origin
	rm -rf "$tmp/tree"; mkdir -p "$tmp/tree"; tar -xf "$snap" -C "$tmp/tree" 2>/dev/null
	"$bin" --sysfs-root "$tmp/tree/sys" -j doctor >"$tmp/tree.json" 2>/dev/null
	if python3 -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert a["origin"] == "snapshot" and b["origin"] == "tree"
del a["origin"], b["origin"]
assert a == b, "differ"
' "$tmp/snap.json" "$tmp/tree.json" 2>"$tmp/err"; then ok "$scn: --sysfs-root on the unpacked snapshot answers the same"
	else bad "$scn: tree and snapshot differ: $(tail -n 1 "$tmp/err")"; fi
	# re-saved now: the same answers
	"$bin" -F "$snap" snapshot save "$tmp/resaved.tar" >/dev/null 2>&1
	"$bin" -F "$tmp/resaved.tar" -j doctor >"$tmp/resaved.json" 2>/dev/null
	if cmp -s "$tmp/snap.json" "$tmp/resaved.json"; then ok "$scn: a re-saved snapshot answers the same"
	else bad "$scn: a re-saved snapshot answers differently"; fi
done
# hostile trees: FIFOs where doctor reads, a devicetree that loops and nests
# deep, a compressed configuration that inflates without end, terminal
# controls on the command line: it returns, and prints no control
h=$tmp/hostile
rm -rf "$h"; mkdir -p "$h"; tar -xf tests/fixtures/vtd/snapshot.tar -C "$h" 2>/dev/null
mkdir -p "$h/sys/module/vfio/parameters" "$h/sys/firmware/acpi/tables" "$h/boot"
touch "$h/sys/firmware/acpi/tables/DMAR"
mkfifo "$h/proc/interrupts" "$h/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"
printf 'root=/dev/sda intel_iommu=\033]0;pwned\007on pcie_acs_override=\033[2J\n' >"$h/proc/cmdline"
dt=$h/sys/firmware/devicetree/base
mkdir -p "$dt"
p=$dt; for i in $(seq 1 40); do p=$p/n$i; mkdir "$p"; touch "$p/#iommu-cells"; done
ln -s .. "$dt/n1/loop"
ln -s "$dt" "$dt/n1/n2/abs"
head -c 64M /dev/zero | gzip -c >"$h/proc/config.gz"
rm -rf "$h/sys/kernel/iommu_groups"/*
mkdir -p "$h/proc/sys/kernel"; echo 6.12.0-hostile >"$h/proc/sys/kernel/osrelease"
timeout 30 "$bin" --sysfs-root "$h/sys" doctor >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -le 1 ] && ! grep -q $'\033' "$tmp/out" && grep -q 'pcie_acs_override=\\x1b' "$tmp/out"; then
	ok "hostile tree: doctor returns (exit $rc), controls escaped, the nested devicetree bounded"
else
	bad "hostile tree: exit $rc (124: hung): $(head -c 300 "$tmp/err")"
fi
timeout 30 "$bin" --sysfs-root "$h/sys" -j doctor >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -le 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c={x["check"]:x for x in d["checks"]}; assert c["firmware.enabled"]["verdict"]=="fail"; assert "check /boot/config-6.12.0-hostile" in (c["firmware.enabled"]["fix"] or ""), c["firmware.enabled"]; assert c["firmware.table"]["evidence"].count("devicetree /") == 8, c["firmware.table"]' "$tmp/out" 2>"$tmp/err2"; then
	ok "hostile tree: -j is JSON; an inflating config.gz is not taken as the configuration; 8 devicetree IOMMUs named"
else
	bad "hostile tree: -j: exit $rc: $(head -c 300 "$tmp/err") $(tail -n 1 "$tmp/err2")"
fi

# usage
"$bin" doctor bogus >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && ok "doctor with an argument exits 2" || bad "doctor with an argument exits $rc, expected 2"
"$bin" --sysfs-root "$tmp/nonexistent" doctor >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -ne 0 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok "doctor on a missing tree: exit $rc, one line: $(cat "$tmp/err")" ||
	bad "doctor on a missing tree exits $rc: $(cat "$tmp/err")"
finish
