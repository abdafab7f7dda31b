#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of msi show (and the offline vfio status) on the snapshots of
# real kernels in tests/fixtures/*/snapshot.tar, text and JSON, plus the exit
# statuses of the vfio/msi/batch verbs that need a live kernel.
#   tests/cli/test-msi.sh [BINARY]           UPDATE=1 rewrites tests/cli/golden-msi
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
golden=tests/cli/golden-msi
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

check() { # SCN SNAP KIND NAME CMD...
	local scn=$1 snap=$2 kind=$3 name=$4; shift 4
	local want=$golden/$scn/$name.$kind j=() rc
	[ "$kind" = json ] && j=(-j)
	"$bin" -F "$snap" --numeric "${j[@]}" "$@" >"$tmp/got" 2>"$tmp/err"; rc=$?
	if [ $rc -ne 0 ]; then bad "$scn/$name.$kind: exit $rc: $(head -n 2 "$tmp/err")"; return; fi
	if [ "$kind" = json ] && ! python3 -m json.tool "$tmp/got" >/dev/null 2>&1; then
		bad "$scn/$name.$kind: not JSON"; return
	fi
	if [ -n "${UPDATE:-}" ]; then
		mkdir -p "$golden/$scn"; cp "$tmp/got" "$want"; ok "$scn/$name.$kind (updated)"
	elif cmp -s "$want" "$tmp/got"; then ok "$scn/$name.$kind"
	else bad "$scn/$name.$kind differs:"; diff -u "$want" "$tmp/got" | head -n 15 | sed 's/^/     /'; fi
}

status_is() { # WANT DESC CMD...
	local want=$1 desc=$2 rc; shift 2
	"$bin" "$@" >/dev/null 2>"$tmp/err"; rc=$?
	[ $rc -eq "$want" ] && ok "$desc exits $want" || bad "$desc exits $rc, expected $want: $(head -n 1 "$tmp/err")"
}

printf 'container open\n' >"$tmp/live.txt"
for snap in tests/fixtures/*/snapshot.tar; do
	scn=$(basename "$(dirname "$snap")")
	groups=$("$bin" -F "$snap" -j group list -o GROUP | python3 -c 'import json,sys; print(" ".join(str(g["group"]) for g in json.load(sys.stdin)["groups"]))')
	for g in $groups; do
		check "$scn" "$snap" txt "msi-show-$g" msi show "$g"
		check "$scn" "$snap" json "msi-show-$g" msi show "$g"
	done
	check "$scn" "$snap" json vfio-status vfio status
	status_is 3 "$scn: msi show 99" -F "$snap" msi show 99
	status_is 2 "$scn: msi show bogus" -F "$snap" msi show bogus
	status_is 4 "$scn: vfio probe on a snapshot" -F "$snap" vfio probe 00:03.0
	status_is 4 "$scn: a batch's kernel line on a snapshot" -F "$snap" batch "$tmp/live.txt"
	status_is 4 "$scn: msi sw-window on a snapshot" -F "$snap" msi sw-window 00:03.0
done
# the classes the fixtures must show
python3 - "$bin" >"$tmp/cls" 2>&1 <<'PY'
import json, subprocess, sys
def show(scn, g):
    return json.loads(subprocess.run([sys.argv[1], '-F', f'tests/fixtures/{scn}/snapshot.tar', '-j', 'msi', 'show', g],
                                     capture_output=True, text=True).stdout)
v = show('vtd', '5')
assert [r['kind'] for r in v['reserved_regions']] == ['direct_relaxable', 'hw_msi'], v
assert v['usable_iova'][0] == {'start': '0x0', 'last': '0xfedfffff'}, v
a = show('amd', '0')
assert [r['kind'] for r in a['reserved_regions']] == ['hw_msi', 'reserved'], a
s = show('vtd-sm', '1')
assert s['iova_width'] == 48, s
print('classes ok')
PY
grep -q 'classes ok' "$tmp/cls" && ok "fixtures: hw MSI, direct-relaxable, reserved classes and widths" || bad "classes: $(tail -n 3 "$tmp/cls")"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
