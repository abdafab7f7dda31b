#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command's JSON against its schema in docs/json/, with
# python3-jsonschema (tests/tools/json-schema-check.py): each command of the
# table below runs with -j and with -p on every source it applies to, and
# each document it prints must validate. Also: the schemas give every key
# one type, the one docs/json/README.md gives it.
#   tests/cli/test-json-schema.sh [BINARY]        (default ./iommuctl)
# vfio probe and the batch language need a VFIO kernel: their documents come
# from the unit tests' fake kernel (tests/unit/test_vfio, built beside BINARY
# by make units).
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1

. tests/cli/lib.sh

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
check=tests/tools/json-schema-check.py

# One line per command: SCHEMA SOURCE ARGS...
# SOURCE says what it runs on:
#   fixture  every tests/fixtures/*/snapshot.tar (-F)
#   tree     each of them unpacked (--sysfs-root; the inventory commands
#            print the same from both, tests/cli/run-roundtrip.sh checks)
#   live     this machine
#   dump     every memory dump tests/tools/mkdump writes ({dump} in ARGS)
#   unit     the documents the unit tests keep: ARGS is their file pattern
# In ARGS, {unit}, {group} and {device} run the command once for each one
# the source has; @all is every column of the list view; {tmp} a scratch
# directory. Adding a command is one line (and its schema in docs/json/).
commands='
iommu-list     fixture iommu list
iommu-list     fixture iommu list -o @all
iommu-show     fixture iommu show {unit}
iommu-show     fixture iommu show --no-decode {unit}
group-list     fixture group list
group-list     fixture group list -o @all
group-show     fixture group show {group}
device-list    fixture device list
device-list    fixture device list -o @all
device-show    fixture device show {device}
msi-show       fixture msi show {group}
msi-show       tree    msi show {group}
vfio-status    fixture vfio status
vfio-status    tree    vfio status
vfio-status    live    vfio status
snapshot-show  fixture snapshot show
snapshot-save  fixture snapshot save {tmp}/saved.tar
snapshot-save  tree    snapshot save {tmp}/saved.tar
list-columns   fixture iommu list --list-columns
list-columns   fixture group list --list-columns
list-columns   fixture device list --list-columns
error          fixture group show 99999
error          fixture device show 0000:7f:00.0
error          fixture iommu show no-such-unit
mem-info       dump    mem info {dump}
mem-read       dump    mem read {dump} 0x1000 0x40
mem-read       dump    mem read {dump} 0x3ff0 0x20
vfio-probe     unit    vfio-probe-*.json
vfio-status    unit    vfio-status-*.json
batch          fixture batch tests/cli/golden-batch/input/provision.txt
batch          tree    batch --force tests/cli/golden-batch/input/live.txt
batch          fixture batch --force tests/cli/golden-batch/input/hostile.txt
batch          unit    batch-*.json
'

manifest=$tmp/manifest
: >"$manifest"
n=0

# emit SCHEMA FLAGS ARGS...: run the command with -j and with -p; the
# documents go to the manifest
emit() {
	local schema=$1 flags=$2 f; shift 2
	for mode in -j -p; do
		n=$((n + 1))
		f=$tmp/out/$n.json
		if ! "$bin" "$mode" "$@" >"$f" 2>"$tmp/err" && [ ! -s "$f" ]; then
			bad "$schema: iommuctl $mode $*: no JSON: $(head -n 1 "$tmp/err")"
			continue
		fi
		echo "$schema $f $flags" >>"$manifest"
		echo "$n $mode $*" >>"$tmp/names"
	done
}

# ids SOURCE-OPTS... -- OBJECT COLUMN: the objects of a list view, one per line
ids() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	"$bin" "${opts[@]}" "$2" list -r -n -o "$3" 2>/dev/null
}

# columns SOURCE-OPTS... -- OBJECT: every column of a list view, "A,B,C"
columns() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	"$bin" "${opts[@]}" "$2" list --list-columns | awk 'NR > 1 { printf "%s%s", s, ($1 == "*" ? $2 : $1); s = "," }'
}

# run_row SCHEMA SOURCE-OPTS... -- ARGS...: expand the placeholders and emit
run_row() {
	local schema=$1 opts=() args=() a flags="" obj="" key="" each
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	for a in "$@"; do
		case $a in
		'{unit}') obj=iommu key=NAME ;;
		'{group}') obj=group key=GROUP ;;
		'{device}') obj=device key=ADDRESS ;;
		@all)
			a=$(columns "${opts[@]}" -- "${args[0]}")
			flags="all-columns" ;;
		*) a=${a//\{tmp\}/$tmp} ;;
		esac
		args+=("$a")
	done
	if [ -z "$obj" ]; then
		emit "$schema" "$flags" "${opts[@]}" "${args[@]}"
		return
	fi
	for each in $(ids "${opts[@]}" -- "$obj" "$key"); do
		emit "$schema" "$flags" "${opts[@]}" "${args[@]//\{*\}/$each}"
	done
}

mkdir -p "$tmp/out"

# ---- the sources ----

dumps=()
if cc -std=gnu11 -O2 -D_GNU_SOURCE -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD -Isrc \
	tests/tools/mkdump.c -o "$tmp/mkdump" -lz -llzo2 -lsnappy -lzstd 2>"$tmp/cc.err"; then
	# pages 1-3 data, 4-5 excluded (a read across them faults), a fill page
	printf '%s\n' 'region 0x1000 0x3000 seed:1' 'exclude 0x4000 0x2000' 'region 0x6000 0x1000 fill:0x5a' \
		'region 0x10000 0x1000 zero' >"$tmp/spec"
	for d in elf:-f:elf split.elf:-f:elf:-S:0x1000:-X raw:-f:raw:-B:0x1000 zlib.kdump:-f:kdump:-c:zlib \
		zstd.kdump:-f:kdump:-c:zstd cut.kdump:-f:kdump:-c:zlib:-I:2; do
		name=${d%%:*} mkopts=${d#*:}
		# shellcheck disable=SC2086
		if "$tmp/mkdump" -o "$tmp/$name" ${mkopts//:/ } "$tmp/spec" 2>"$tmp/err"; then
			dumps+=("$tmp/$name")
		else
			bad "mkdump $name: $(head -n 1 "$tmp/err")"
		fi
	done
else
	bad "cannot build tests/tools/mkdump.c: $(head -n 1 "$tmp/cc.err")"
fi

# the unit tests' documents: tests/unit/test_vfio of the build beside BINARY
samples=$tmp/samples
mkdir -p "$samples"
unit=$(dirname "$bin")/tests/unit/test_vfio
[ -x "$unit" ] || unit=$(dirname "$bin")/build/tests/unit/test_vfio
if [ ! -x "$unit" ]; then
	bad "no $unit: build the unit tests (make units); vfio probe is validated from them"
elif ! IOMMUCTL_JSON_SAMPLES=$samples "$unit" >"$tmp/unit.log" 2>&1; then
	bad "$unit failed: $(grep -m 1 -E 'FAILED|ERROR' "$tmp/unit.log")"
fi

# ---- run the table ----

while read -r schema source args; do
	[ -n "$schema" ] || continue
	# shellcheck disable=SC2086
	set -- $args
	case $source in
	fixture)
		for snap in tests/fixtures/*/snapshot.tar; do
			run_row "$schema" -F "$snap" --numeric -- "$@"
		done ;;
	tree)
		for snap in tests/fixtures/*/snapshot.tar; do
			dir=$tmp/tree/$(basename "$(dirname "$snap")")
			[ -d "$dir" ] || { mkdir -p "$dir"; tar -xf "$snap" -C "$dir" 2>/dev/null; }
			run_row "$schema" --sysfs-root "$dir/sys" --numeric -- "$@"
		done ;;
	live)
		run_row "$schema" -- "$@" ;;
	dump)
		for d in "${dumps[@]}"; do
			opts=()
			case $d in *raw) opts=(--mem-format raw --mem-base 0x1000) ;; esac
			run_row "$schema" -- "${@/\{dump\}/$d}" "${opts[@]}"
		done ;;
	unit)
		found=0
		for f in "$samples"/$1; do
			[ -f "$f" ] || continue
			found=1
			echo "$schema $f" >>"$manifest"
		done
		[ $found = 1 ] || bad "$schema: the unit tests kept no $1" ;;
	*)
		bad "$schema: unknown source $source" ;;
	esac
done <<<"$commands"

# ---- validate ----

if ! python3 -c 'import jsonschema' 2>/dev/null; then
	bad "python3-jsonschema is not installed (scripts/install-deps.sh test)"
	finish
fi
python3 "$check" "$manifest" >"$tmp/check.out" 2>&1
python3 "$check" --vocabulary docs/json/README.md >>"$tmp/check.out" 2>&1
while IFS= read -r line; do
	case $line in
	"ok   "*) ok "${line#ok   }" ;;
	"FAIL "*)
		# name the command that printed it
		f=$(echo "$line" | grep -o "$tmp/out/[0-9]*\.json" | head -n 1)
		what=""
		[ -n "$f" ] && what=" [iommuctl $(grep "^$(basename "$f" .json) " "$tmp/names" | cut -d' ' -f2-)]"
		bad "${line#FAIL }$what" ;;
	*) bad "json-schema-check.py: $line" ;;
	esac
done <"$tmp/check.out"
finish
