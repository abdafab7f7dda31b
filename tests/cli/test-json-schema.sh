#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every command's JSON against its schema in docs/json/, with
# python3-jsonschema (tests/tools/json-schema-check.py): each command of the
# table below runs with -j and with -p on every source it applies to, and
# each document it prints must validate. Also: the schemas give every key
# one type, the one docs/json/README.md gives it.
#   tests/cli/test-json-schema.sh [BINARY]        (default ./iommuctl)
# vfio probe, msi sw-window and the batch language need a VFIO kernel, and a
# claim, release or type change a kernel that binds drivers: their documents
# come from the unit tests' fake machines (tests/unit/test_vfio and
# test_claim, built beside BINARY by make units; apply's from test_apply).
# run-all: once (every build prints the same documents; the sanitizer build
# runs the same commands in the golden, roundtrip, decode and walk suites)
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
#   none     no machine: the command reads only its arguments and files
#   dump     every memory dump tests/tools/mkdump writes ({dump} in ARGS)
#   unit     the documents the unit tests keep: ARGS is their file pattern
# In ARGS, {unit}, {group} and {device} run the command once for each one
# the source has; @all is every column of the list view; {tmp} a scratch
# directory. Words that stand for several: {walk-case} and {translate-case}
# each case of test-walk.sh (the dump tests/tools/mktables writes, {mem}),
# {vector} each line of test-decode.sh's vectors (a format and its words),
# {log} each kernel log of the tests. Adding a command is one line (and its
# schema in docs/json/).
commands='
iommu-list     fixture iommu list
iommu-list     fixture iommu list -o @all
iommu-show     fixture iommu show {unit}
iommu-show     fixture iommu show --no-decode {unit}
group-list     fixture group list
group-list     fixture group list -o @all
group-show     fixture group show {group}
group-show     unit    group-show-*.json
device-list    fixture device list
device-list    fixture device list -o @all
device-show    fixture device show {device}
device-show    unit    device-show-*.json
msi-show       fixture msi show {group}
device-tree    fixture device tree
device-tree    tree    device tree
explain        fixture explain {group}
explain        fixture explain {device}
error          fixture explain 99999
msi-show       tree    msi show {group}
vfio-status    fixture vfio status
vfio-status    tree    vfio status
vfio-status    live    vfio status
vfio-caps      fixture vfio caps
vfio-caps      fixture vfio caps --all
vfio-caps      tree    vfio caps --all
vfio-caps      live    vfio caps --all
vfio-caps      unit    vfio-caps-*.json
error          fixture cdi
snapshot-show  fixture snapshot show
doctor         fixture doctor
doctor         tree    doctor --problems
doctor         live    doctor
snapshot-save  fixture snapshot save {tmp}/saved.tar
snapshot-save  tree    snapshot save {tmp}/saved.tar
snapshot-diff  fixture snapshot diff tests/fixtures/vtd/snapshot.tar
snapshot-diff  tree    snapshot diff tests/fixtures/amd/snapshot.tar
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
msi-sw-window  unit    msi-sw-window*.json
group-claim    fixture group claim --dry-run {group}
group-claim    tree    group claim --dry-run --state-dir {tmp}/state {group}
group-claim    unit    group-claim-*.json
error          tree    group release --dry-run --state-dir {tmp}/state {group}
group-release  unit    group-release-*.json
group-type     tree    group type --dry-run --state-dir {tmp}/state {group} identity
group-type     unit    group-type-[0-9]*.json
group-type-show fixture group type {group}
group-type-show tree   group type {group}
group-type-show unit   group-type-show-*.json
group-show     unit    group-show-*.json
apply          unit    apply-[0-9]*.json
apply-hook     unit    apply-hook-*.json
error          unit    error*.json
walk           none    walk --mem {mem} {walk-case}
walk-roots     none    walk roots --format vtd --mem {mem}
walk-roots     none    walk roots --format smmuv3 --mem {mem}
translate      none    translate --mem {mem} {translate-case}
decode         none    decode {vector}
decode         none    decode vtd-sl-pte --level 2 @tests/cli/golden-decode/input/batch-sl-pte.txt
decode         none    decode amd-features @tests/cli/golden-decode/input/batch-efr.txt
decode         none    decode vtd-context @tests/cli/golden-decode/input/batch-bad.txt
decode-list    none    decode list
decode-list    none    decode list -o @all
list-columns   none    decode list --list-columns
decode-log     none    decode log {log}
acpi-list      none    acpi list --file {acpi-table}
acpi-list      none    acpi list --file tests/fixtures/acpi/vtd/DMAR -o @all
acpi-show      none    acpi show --file {acpi-table}
acpi-devices   fixture acpi devices --file {acpi-table}
acpi-devices   fixture acpi devices --file tests/fixtures/acpi/vtd/DMAR -o DEVICE,GROUP,KERNEL_UNIT,IOMMU,IOMMU_ADDRESS,MATCH,ENTRY,ID_KIND,RID,ID,ALIASED,ITS_ID
error          fixture acpi list
acpi-show      none    -F tests/fixtures/acpi-live/arm64-smmuv3/snapshot.tar acpi show
acpi-devices   none    -F tests/fixtures/acpi-live/arm64-smmuv3/snapshot.tar acpi devices
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
		if ! "$bin" "$mode" "$@" >"$f" 2>"$tmp/err" </dev/null && [ ! -s "$f" ]; then
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
		*) a=${a//\{tmp\}/$tmp}; a=${a//\{mem\}/$tables/mem.elf} ;;
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

# values PLACEHOLDER: the values of a word that stands for several, one a
# line, each one or more words; nothing for any other word
values() {
	case $1 in
	'{walk-case}') awk -F'\t' '$1 !~ /^T:/ { print $4 }' "$tables/cases" ;;
	'{translate-case}') awk -F'\t' '$1 ~ /^T:/ { print $4 }' "$tables/cases" ;;
	'{vector}') grep -v -e '^#' -e '^ *$' tests/cli/golden-decode/input/vectors.txt | cut -d' ' -f2- ;;
	'{log}') printf '%s\n' tests/cli/golden-decode/input/kernel.log tests/fixtures/*/dmesg.txt ;;
	'{acpi-table}') printf '%s\n' tests/fixtures/acpi/*/* ;;
	esac
}

# run_each SCHEMA SOURCE-OPTS... -- ARGS...: run_row once for each value of
# the word of ARGS that stands for several (its words spliced in), else once
run_each() {
	local schema=$1 opts=() i v
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	local args=("$@")
	for i in "${!args[@]}"; do
		[ -n "$(values "${args[i]}" | head -n 1)" ] || continue
		while read -r v; do
			# shellcheck disable=SC2086
			run_row "$schema" "${opts[@]}" -- "${args[@]:0:i}" $v "${args[@]:i+1}"
		done < <(values "${args[i]}")
		return
	done
	run_row "$schema" "${opts[@]}" -- "$@"
}

mkdir -p "$tmp/out"

# ---- the sources ----

# walk and translate: the dump and the cases of tests/cli/test-walk.sh
tables=$tmp/tables
if ! cc -std=gnu11 -D_GNU_SOURCE -O1 -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD -Itests/tools \
	tests/tools/mktables.c -o "$tmp/mktables" -lz -llzo2 -lsnappy -lzstd 2>"$tmp/cc.err"; then
	bad "cannot build tests/tools/mktables.c: $(head -n 1 "$tmp/cc.err")"
elif ! "$tmp/mktables" "$tables" >"$tmp/mktables.log" 2>&1; then
	bad "mktables failed: $(head -n 1 "$tmp/mktables.log")"
fi

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

# the unit tests' documents: tests/unit/test_vfio, test_claim and test_apply of the build
# beside BINARY
samples=$tmp/samples
mkdir -p "$samples"
for t in test_vfio test_claim test_apply; do
	unit=$(dirname "$bin")/tests/unit/$t
	[ -x "$unit" ] || unit=$(dirname "$bin")/build/tests/unit/$t
	if [ ! -x "$unit" ]; then
		bad "no $unit: build the unit tests (make units); the unit source is their documents"
	elif ! IOMMUCTL_JSON_SAMPLES=$samples "$unit" >"$tmp/unit.log" 2>&1; then
		bad "$unit failed: $(grep -m 1 -E 'FAILED|ERROR' "$tmp/unit.log")"
	fi
done

# ---- run the table ----

while read -r schema source args; do
	[ -n "$schema" ] || continue
	# shellcheck disable=SC2086
	set -- $args
	case $source in
	fixture)
		for snap in tests/fixtures/*/snapshot.tar; do
			# acpi list: an error from a snapshot without the ACPI tables
			# (those saved before snapshots held them), a list from one with
			if [ "$schema $*" = "error acpi list" ] &&
				tar -tf "$snap" 2>/dev/null | grep -q '^sys/firmware/acpi/tables/.'; then
				run_each acpi-list -F "$snap" --numeric -- "$@"
				continue
			fi
			run_each "$schema" -F "$snap" --numeric -- "$@"
		done ;;
	tree)
		for snap in tests/fixtures/*/snapshot.tar; do
			dir=$tmp/tree/$(basename "$(dirname "$snap")")
			[ -d "$dir" ] || { mkdir -p "$dir"; tar -xf "$snap" -C "$dir" 2>/dev/null; }
			run_each "$schema" --sysfs-root "$dir/sys" --numeric -- "$@"
		done ;;
	live | none)
		run_each "$schema" -- "$@" ;;
	dump)
		for d in "${dumps[@]}"; do
			opts=()
			case $d in *raw) opts=(--mem-format raw --mem-base 0x1000) ;; esac
			run_each "$schema" -- "${@/\{dump\}/$d}" "${opts[@]}"
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
