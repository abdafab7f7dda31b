#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Offline equals live: every inventory command prints the same from a
# snapshot (-F), the snapshot unpacked (--sysfs-root), the snapshot saved
# again, and the source it was taken of; saving is atomic.
#   tests/cli/run-roundtrip.sh BIN [SOURCE...]   (SOURCE: snapshot or sysfs tree)
#
# Sources: tests/fixtures/*/snapshot.tar, tests/fixtures/*/sys, this machine,
# and the SOURCEs given. Commands: list and show of iommu, group and device,
# text and JSON, with and without --numeric; standard output, standard error
# and exit status must be byte-identical. Also: saving again is a fixed
# point, a failed save leaves the old file and no temporary file, and
# hostile files fail with one line.
set -u
[ $# -ge 1 ] || { echo "usage: $0 BIN [SOURCE...]" >&2; exit 2; }
bin=$(realpath "$1")
shift
extra=()
for s in "$@"; do extra+=("$(realpath "$s")"); done
cd "$(dirname "$0")/../.." || exit 2

tmp=$(mktemp -d /tmp/iommuctl-roundtrip.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

ok()  { pass=$((pass + 1)); echo "ok    $*"; }
bad() { fail=$((fail + 1)); echo "FAIL  $*"; }

# run OUTFILE ARGS...: stdout and exit status of one command, into OUTFILE
run() {
	local out=$1; shift
	"$bin" "$@" >"$out" 2>"$out.err"
	echo "exit status $?" >>"$out"
	cat "$out.err" >>"$out"
}

# objects IDS_OF...: the ids in the first column of "OBJ list"
ids() {
	local obj=$1; shift
	"$bin" "$@" "$obj" list -r -n 2>/dev/null | awk '{ print $1 }'
}

# members TAR: type, mode, size, name and link target of each member but the metadata
members() {
	tar -tvf "$1" | awk '$NF != "iommuctl-snapshot.json" { $2 = ""; $4 = ""; $5 = ""; print }' | sort
}

# same_tree DIR TAR: TAR unpacks to the same files as DIR/x (device nodes aside)
same_tree() {
	mkdir -p "$1/y"
	tar -xf "$2" -C "$1/y" 2>/dev/null
	diff -r --no-dereference -x iommuctl-snapshot.json -x dev "$1/x" "$1/y" >/dev/null
}

# compare NAME LABELS... -- CMD...: run CMD with each way's source options
# (ways are arrays named by the labels), compare every output to the first
compare() {
	local name=$1; shift
	local labels=() cmd i first="" diffs=""
	while [ "$1" != -- ]; do labels+=("$1"); shift; done
	shift
	cmd=("$@")
	for i in "${!labels[@]}"; do
		local -n way="${labels[$i]}"
		run "$tmp/out.$i" "${way[@]}" "${cmd[@]}"
		if [ -z "$first" ]; then
			first=$tmp/out.$i
		elif ! cmp -s "$first" "$tmp/out.$i"; then
			diffs+=" ${labels[$i]}"
		fi
	done
	if [ -z "$diffs" ]; then
		ok "$name: ${cmd[*]}"
	else
		bad "$name: ${cmd[*]}: differs from ${labels[0]} with:$diffs"
		for i in "${!labels[@]}"; do
			[ "$i" -eq 0 ] && continue
			cmp -s "$first" "$tmp/out.$i" ||
				diff -u "$first" "$tmp/out.$i" | head -n 20 | sed "s/^/      [${labels[$i]}] /"
		done
	fi
}

# check_source NAME SNAPSHOT [ORIGIN_OPTS...]: the three (or four) ways agree
check_source() {
	local name=$1 snap=$2; shift 2
	local dir=$tmp/$name
	local labels=()
	mkdir -p "$dir/x"
	# device nodes cannot be made without root: they do not matter to --sysfs-root
	tar -xf "$snap" -C "$dir/x" 2>/dev/null
	if [ ! -d "$dir/x/sys" ]; then
		bad "$name: tar cannot unpack $snap"
		return
	fi
	if "$bin" -F "$snap" snapshot save "$dir/resaved.tar" >/dev/null; then
		ok "$name: snapshot save from -F"
	else
		bad "$name: snapshot save from -F"
		return
	fi
	# saving what a snapshot answers gives the same snapshot (but for its date)
	if cmp -s <(members "$snap") <(members "$dir/resaved.tar") &&
	   same_tree "$dir" "$dir/resaved.tar"; then
		ok "$name: a re-saved snapshot holds the same members"
	else
		bad "$name: a re-saved snapshot holds different members"
		diff <(members "$snap") <(members "$dir/resaved.tar") | head -n 10 | sed 's/^/      /'
	fi
	# the ways, by name: compare reaches them through "local -n"
	# shellcheck disable=SC2034
	origin=("$@")
	# shellcheck disable=SC2034
	snapshot=(-F "$snap")
	# shellcheck disable=SC2034
	unpacked=(--sysfs-root "$dir/x/sys")
	# shellcheck disable=SC2034
	resaved=(-F "$dir/resaved.tar")
	[ $# -gt 0 ] || [ "${LIVE_ORIGIN:-}" = 1 ] && labels+=(origin)
	labels+=(snapshot unpacked resaved)

	for obj in iommu group device; do
		"$bin" "$obj" list --help >/dev/null 2>&1 || continue
		local cmds=("$obj list")
		for id in $(ids "$obj" -F "$snap"); do
			cmds+=("$obj show $id")
		done
		for c in "${cmds[@]}"; do
			# shellcheck disable=SC2086 # word splitting of $c is the point
			for fmt in "" -j; do
				compare "$name" "${labels[@]}" -- $fmt --numeric $c
				compare "$name" "${labels[@]}" -- $fmt $c
			done
		done
	done
	compare "$name" snapshot resaved -- --numeric group show 999999
	compare "$name" snapshot resaved -- --numeric device show 0000:ff:1f.7
}

# ---- the sources ----

found=0
for snap in tests/fixtures/*/snapshot.tar; do
	[ -f "$snap" ] || continue
	found=1
	LIVE_ORIGIN=0 check_source "$(basename "$(dirname "$snap")")" "$snap"
done

for snap in "${extra[@]}"; do
	[ -f "$snap" ] || continue
	LIVE_ORIGIN=0 check_source "$(basename "$snap" .tar)" "$snap"
done

# a sysfs tree kept as a fixture: its snapshot must read like the tree
n=0
for tree in tests/fixtures/*/sys "${extra[@]}"; do
	[ -d "$tree" ] || continue
	found=1
	n=$((n + 1))
	name=tree$n-$(basename "$(dirname "$tree")")
	if "$bin" --sysfs-root "$tree" snapshot save "$tmp/$name.tar" >/dev/null; then
		ok "$name: snapshot save --sysfs-root"
		LIVE_ORIGIN=0 check_source "$name" "$tmp/$name.tar" --sysfs-root "$tree"
	else
		bad "$name: snapshot save --sysfs-root $tree"
	fi
done

# this machine
if [ -d /sys/bus/pci/devices ]; then
	if "$bin" snapshot save "$tmp/live.tar" >/dev/null; then
		ok "live: snapshot save"
		LIVE_ORIGIN=1 check_source live "$tmp/live.tar"
	else
		bad "live: snapshot save"
	fi
fi
[ "$found" = 1 ] || echo "note: no tests/fixtures/*/snapshot.tar yet; only this machine was checked"

# ---- atomic replacement ----

out=$tmp/atomic
mkdir -p "$out"
temps() { find "$out" -name '.*.tar.*' | wc -l; }
echo old >"$out/s.tar"
if ! "$bin" --sysfs-root "$tmp/no-such-dir" snapshot save "$out/s.tar" 2>/dev/null &&
   [ "$(cat "$out/s.tar")" = old ] && [ "$(temps)" -eq 0 ]; then
	ok "atomic: a failed save leaves the old file and no temporary file"
else
	bad "atomic: a failed save leaves the old file and no temporary file"
fi
mkdir "$out/d.tar"
if ! "$bin" snapshot save "$out/d.tar" 2>"$out/err" && [ "$(temps)" -eq 0 ] &&
   grep -q "d.tar: cannot replace it" "$out/err"; then
	ok "atomic: saving over a directory fails cleanly"
else
	bad "atomic: saving over a directory fails cleanly"
fi
first=""
for f in tests/fixtures/*/snapshot.tar "$tmp/live.tar"; do
	[ -f "$f" ] && { first=$f; break; }
done
if [ -n "$first" ]; then
	if "$bin" -F "$first" snapshot save "$out/s.tar" >/dev/null && [ "$(temps)" -eq 0 ] &&
	   "$bin" snapshot show "$out/s.tar" >/dev/null; then
		ok "atomic: a save replaces the old file with a whole snapshot"
	else
		bad "atomic: a save replaces the old file with a whole snapshot"
	fi
	if "$bin" -F "$first" snapshot save - >"$out/stdout.tar" &&
	   "$bin" -F "$out/stdout.tar" snapshot show >/dev/null 2>&1; then
		ok "stdout: snapshot save - writes a snapshot to standard output"
	else
		bad "stdout: snapshot save - writes a snapshot to standard output"
	fi
fi

# ---- hostile input: one line, status 1, no crash ----

head -c 3000 /dev/urandom >"$out/garbage"
"$bin" -F "$out/garbage" group list >/dev/null 2>"$out/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$out/err")" -eq 1 ] && grep -q "not a tar archive" "$out/err"; then
	ok "hostile: garbage is not a tar archive"
else
	bad "hostile: garbage: status $rc: $(cat "$out/err")"
fi
if [ -n "$first" ]; then
	head -c 3000 "$first" >"$out/cut.tar"
	"$bin" -F "$out/cut.tar" group list >/dev/null 2>"$out/err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$out/err")" -eq 1 ] && grep -q "truncated" "$out/err"; then
		ok "hostile: a truncated snapshot"
	else
		bad "hostile: truncated: status $rc: $(cat "$out/err")"
	fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
