#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of the inventory commands on snapshots of real kernels.
#   tests/cli/run-golden.sh [BINARY]        (default ./iommuctl)
#   UPDATE=1 tests/cli/run-golden.sh        rewrite the expected files
# For every tests/fixtures/<scenario>/snapshot.tar: run iommu list/show,
# group list/show and device list/show for every unit, group and device
# (with --numeric, so the host's hardware database does not matter), in
# text and JSON, and compare with tests/cli/golden/<scenario>/<cmd>.{txt,json}.
# device tree and explain for every group too, and the predicted groups
# against the kernel's (tests/cli/explain-check.py, explain-rules/).
# Also checks group membership against the guest's own `ls -l` of
# /sys/kernel/iommu_groups (groups.ls), and the not-found and usage exit
# statuses. FIXTURES and GOLDEN override the two directories.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
fixtures=${FIXTURES:-tests/fixtures}
golden=${GOLDEN:-tests/cli/golden}
update=${UPDATE:-}

. tests/cli/lib.sh

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# JSON on stdin -> one value per line: python3 expression over `d`
jq_lines() { python3 -c "import json,sys; d=json.load(sys.stdin); print('\n'.join(str(x) for x in ($1)))" 2>/dev/null; }

# cmd words -> file name: "device show 0000:00:04.0" -> device-show-0000_00_04.0
cmd_file() { local IFS=-; local s="$*"; s=${s//[^A-Za-z0-9._-]/_}; echo "$s"; }

# check SCENARIO SNAPSHOT KIND(txt|json) CMD... : run and compare with the golden file
check() {
	local scn=$1 snap=$2 kind=$3; shift 3
	local name; name="$scn/$(cmd_file "$@").$kind"
	local want="$golden/$name" got="$tmp/got" err="$tmp/err" rc
	local jflag=(); [ "$kind" = json ] && jflag=(-j)
	"$bin" -F "$snap" --numeric "${jflag[@]}" "$@" >"$got" 2>"$err"; rc=$?
	if [ $rc -ne 0 ]; then
		bad "$name: exit status $rc: $(head -n 3 "$err")"
		return
	fi
	if [ "$kind" = json ] && ! python3 -m json.tool "$got" >/dev/null 2>&1; then
		bad "$name: output is not valid JSON"
		return
	fi
	golden_compare "$name" "$got" "$want"
}

# expect_status SCENARIO SNAPSHOT STATUS CMD... : exit status only
expect_status() {
	local scn=$1 snap=$2 want=$3; shift 3
	local rc
	"$bin" -F "$snap" --numeric "$@" >/dev/null 2>"$tmp/err"; rc=$?
	if [ $rc -eq "$want" ]; then ok "$scn: '$*' exits $want"
	else bad "$scn: '$*' exits $rc, expected $want: $(head -n 1 "$tmp/err")"; fi
}

# groups.ls (busybox or coreutils `ls -l /sys/kernel/iommu_groups/*/devices`)
# against `group list -j -o GROUP,MEMBERS`: both parsed into {group: [members]}
check_groups_ls() {
	local scn=$1 snap=$2 ls=$3
	if ! "$bin" -F "$snap" --numeric -j group list -o GROUP,MEMBERS >"$tmp/groups.json" 2>"$tmp/err"; then
		bad "$scn: group list -j failed: $(head -n 1 "$tmp/err")"
		return
	fi
	if python3 - "$ls" "$tmp/groups.json" >"$tmp/cmp" 2>&1 <<'EOF'
import json, re, sys
ls, ours = {}, {}
cur = None
for line in open(sys.argv[1]):
    m = re.match(r'^/sys/kernel/iommu_groups/(\d+)/devices:\s*$', line)
    if m:
        cur = int(m.group(1))
        ls[cur] = []
    elif cur is not None and ' -> ' in line:
        ls[cur].append(line.split(' -> ')[0].split()[-1])
for g in json.load(open(sys.argv[2]))["groups"]:
    ours[g["group"]] = g["members"]
ls = {k: sorted(v) for k, v in ls.items()}
ours = {k: sorted(v) for k, v in ours.items()}
if ls != ours:
    for k in sorted(set(ls) | set(ours)):
        if ls.get(k) != ours.get(k):
            print("group %s: groups.ls %s, iommuctl %s" % (k, ls.get(k), ours.get(k)))
    sys.exit(1)
print("%d groups, %d devices" % (len(ls), sum(len(v) for v in ls.values())))
EOF
	then ok "$scn: group membership matches groups.ls ($(cat "$tmp/cmp"))"
	else bad "$scn: group membership differs from groups.ls:"; sed 's/^/     /' "$tmp/cmp"; fi
}

# The groups the kernel's rules predict (device tree) are the kernel's, each
# device names its rule, and those of tests/cli/explain-rules/SCENARIO.txt hold.
check_prediction() {
	local scn=$1 snap=$2 dir=$3 args=() line
	if ! "$bin" -F "$snap" --numeric -j device tree >"$tmp/tree.json" 2>"$tmp/err"; then
		bad "$scn: device tree -j failed: $(head -n 1 "$tmp/err")"
		return
	fi
	[ -f "$dir/devices.txt" ] && args+=(--groups "$dir/devices.txt")
	[ -f "tests/cli/explain-rules/$scn.txt" ] && args+=(--rules "tests/cli/explain-rules/$scn.txt")
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "${line#ok   }" ;;
		*) bad "${line#FAIL }" ;;
		esac
	done < <(python3 tests/cli/explain-check.py "$tmp/tree.json" --label "$scn" "${args[@]}" 2>&1)
}

nscn=0
for dir in "$fixtures"/*/; do
	scn=$(basename "$dir")
	snap="$dir/snapshot.tar"
	if [ ! -f "$snap" ]; then
		# not a guest's fixtures (tests/fixtures/acpi: ACPI tables, test-acpi.sh's)
		[ -f "$dir/uname" ] || continue
		echo "skip $scn: no snapshot.tar"
		continue
	fi
	nscn=$((nscn + 1))
	[ -z "$update" ] || rm -rf "${golden:?}/$scn"

	units=$("$bin" -F "$snap" -q -j iommu list -o NAME 2>/dev/null | jq_lines '[u["name"] for u in d["units"]]') ||
		{ bad "$scn: iommu list -j failed"; continue; }
	groups=$("$bin" -F "$snap" -q -j group list -o GROUP 2>/dev/null | jq_lines '[g["group"] for g in d["groups"]]') ||
		{ bad "$scn: group list -j failed"; continue; }
	devices=$("$bin" -F "$snap" -q -j device list -o ADDRESS 2>/dev/null | jq_lines '[x["address"] for x in d["devices"]]') ||
		{ bad "$scn: device list -j failed"; continue; }

	for kind in txt json; do
		check "$scn" "$snap" "$kind" iommu list
		for u in $units; do check "$scn" "$snap" "$kind" iommu show "$u"; done
		check "$scn" "$snap" "$kind" group list
		for g in $groups; do check "$scn" "$snap" "$kind" group show "$g"; done
		check "$scn" "$snap" "$kind" device list
		for a in $devices; do check "$scn" "$snap" "$kind" device show "$a"; done
		check "$scn" "$snap" "$kind" device tree
		for g in $groups; do check "$scn" "$snap" "$kind" explain "$g"; done
	done
	check_prediction "$scn" "$snap" "$dir"

	if [ -f "$dir/groups.ls" ]; then check_groups_ls "$scn" "$snap" "$dir/groups.ls"
	else echo "skip $scn: no groups.ls"; fi

	expect_status "$scn" "$snap" 3 group show 99999
	expect_status "$scn" "$snap" 3 group show 00:1e.7
	expect_status "$scn" "$snap" 2 group show not-a-selector
	expect_status "$scn" "$snap" 3 device show 00:1e.7
	expect_status "$scn" "$snap" 3 iommu show no-such-unit
done
[ "$nscn" -gt 0 ] || echo "no scenario has a snapshot.tar yet"

# snapshot diff: each fixture against itself is equal (exit 0), and pairs of
# real machines differ (exit 1) as tests/cli/golden/diff/OLD-NEW.{txt,json} say
# (-F OLD diff NEW, and the reverse with OLD as .host)
[ -z "$update" ] || rm -rf "${golden:?}/diff"
for dir in "$fixtures"/*/; do
	snap="$dir/snapshot.tar"
	[ -f "$snap" ] || continue
	expect_status "$(basename "$dir")" "$snap" 0 snapshot diff "$snap"
	expect_status "$(basename "$dir")" "$snap" 0 snapshot diff "$snap" .host
done
for pair in vtd:vtd-sm vtd:amd vtd:virtio arm64-smmuv3:arm64-smmuv3-16k; do
	a=${pair%%:*} b=${pair#*:}
	sa=$fixtures/$a/snapshot.tar sb=$fixtures/$b/snapshot.tar
	[ -f "$sa" ] && [ -f "$sb" ] || { echo "skip diff $a $b: a snapshot is missing"; continue; }
	for kind in txt json; do
		jflag=(); [ "$kind" = json ] && jflag=(-j)
		( cd "$fixtures" && "$bin" --numeric "${jflag[@]}" snapshot diff "$a/snapshot.tar" "$b/snapshot.tar" ) \
			>"$tmp/got" 2>"$tmp/err"; rc=$?
		if [ $rc -ne 1 ]; then
			bad "diff $a $b ($kind): exit status $rc, expected 1: $(head -n 1 "$tmp/err")"
			continue
		fi
		golden_compare "diff/$a-$b.$kind" "$tmp/got" "$golden/diff/$a-$b.$kind"
	done
	# the reverse, through .host: every change turned around (as many lines)
	"$bin" -F "$sb" --numeric snapshot diff "$sa" >"$tmp/rev" 2>"$tmp/err"; rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/rev")" -eq "$(wc -l <"$golden/diff/$a-$b.txt")" ]; then
		ok "diff $a $b: the reverse (-F $b diff $a) exits 1 with as many lines"
	else
		bad "diff $a $b: the reverse exits $rc with $(wc -l <"$tmp/rev") lines: $(head -n 1 "$tmp/err")"
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
