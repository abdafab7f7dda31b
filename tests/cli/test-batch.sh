#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of `iommuctl batch` without a VFIO kernel: a run of ordinary
# commands and a batch-language line against the vtd fixture (its snapshot
# unpacked for --sysfs-root), text, JSON and pretty JSON; hostile lines, each
# one diagnostic with FILE:LINE; the kernel lines refused on -F and
# --sysfs-root while the rest runs; the batch commands outside a batch.
# The VFIO lines themselves run in tests/unit/test_vfio.c (a fake kernel)
# and in the VM tests (tests/cli/test-vm-vfio*.sh).
#   tests/cli/test-batch.sh [BINARY]        UPDATE=1 rewrites tests/cli/golden-batch
set -u
export LC_ALL=C
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
golden=tests/cli/golden-batch
input=$golden/input
snap=tests/fixtures/vtd/snapshot.tar

. tests/cli/lib.sh

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/vtd" && tar -C "$tmp/vtd" -xf "$snap" 2>/dev/null
# --numeric: the host's hardware database (there or not) must not change the goldens
root=(--numeric --sysfs-root "$tmp/vtd/sys")

# run NAME RC ARGS...: `iommuctl ARGS` must exit RC; stdout is compared with
# NAME, stderr with NAME.err; a .json NAME must be one JSON document.
run() {
	local name=$1 want_rc=$2 rc; shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit status $rc, expected $want_rc: $(head -n 2 "$tmp/err")"
		return
	fi
	case $name in
	*.json)
		if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null; then
			bad "$name: not one JSON document"
			return
		fi ;;
	esac
	golden_compare "$name" "$tmp/out" "$golden/$name"
	golden_compare "$name.err" "$tmp/err" "$golden/$name.err"
}

# 1. ordinary commands and a batch line: both outputs, in one document under -j
run provision.txt 0 "${root[@]}" batch "$input/provision.txt"
run provision.json 0 "${root[@]}" -j batch "$input/provision.txt"
run provision-pretty.json 0 "${root[@]}" -p batch "$input/provision.txt"
# the same lines alone give the same output (the batch adds its status lines)
"$bin" "${root[@]}" group list -o GROUP,TYPE,DEVICES,VIABLE >"$tmp/alone" 2>&1
"$bin" "${root[@]}" group show 5 >>"$tmp/alone" 2>&1
"$bin" "${root[@]}" batch "$input/provision.txt" 2>&1 | grep -v "^$input/provision.txt:\|ok, .* failed" >"$tmp/inbatch"
if cmp -s "$tmp/alone" "$tmp/inbatch"; then ok "provision: a line prints what the command prints alone"
else bad "provision: a line's output differs from the command's alone:"; diff -u "$tmp/alone" "$tmp/inbatch" | head -n 10; fi
python3 - "$bin" "$tmp/vtd/sys" "$input/provision.txt" >"$tmp/py" 2>&1 <<'PY'
import json, subprocess, sys
binary, root, script = sys.argv[1:]
def j(*args):
    return json.loads(subprocess.run([binary, '--sysfs-root', root, '-j', *args], capture_output=True, text=True).stdout)
lines = j('batch', script)
assert [l['line'] for l in lines] == [4, 5, 6], lines
assert lines[0]['output'] == j('group', 'list', '-o', 'GROUP,TYPE,DEVICES,VIABLE'), lines[0]
assert lines[1]['output'] == j('group', 'show', '5'), lines[1]
assert lines[2]['output'] == {'exit_status': 0} and lines[2]['status'] == 'ok', lines[2]
PY
if [ $? -eq 0 ]; then ok "provision: each line's output is the command's own JSON document"
else bad "provision: outputs: $(tail -n 3 "$tmp/py")"; fi
# from standard input, and with -F instead of --sysfs-root: the same lines
"$bin" --numeric -F "$snap" batch - <"$input/provision.txt" >"$tmp/stdin" 2>&1
sed "s|^$input/provision.txt:|<stdin>:|" "$golden/provision.txt" | cmp -s - "$tmp/stdin" &&
	ok "provision: from stdin on a snapshot, the same" || bad "provision: stdin on -F differs from the golden"

# 2. hostile lines: one diagnostic each, FILE:LINE and the command, the run goes on
run hostile.txt 2 "${root[@]}" batch --force "$input/hostile.txt"
run hostile.json 2 "${root[@]}" -j batch --force "$input/hostile.txt"
nfail=$(grep -c ': FAIL ' "$golden/hostile.txt")
nerr=$(grep -c "^iommuctl: batch: $input/hostile.txt:[0-9]*: " "$golden/hostile.txt.err")
[ "$nfail" -eq 14 ] && [ "$nerr" -eq "$nfail" ] && [ "$(wc -l < "$golden/hostile.txt.err")" -eq "$nfail" ] &&
	ok "hostile: $nfail failed lines, one diagnostic each" ||
	bad "hostile: $nfail failed lines, $nerr located diagnostics in $(wc -l < "$golden/hostile.txt.err") lines"
# without --force the first failure ends the run
run hostile-stop.txt 2 "${root[@]}" batch "$input/hostile.txt"
# a line of 100000 characters, quotes inside words, a comment after a command
{
	printf 'group show %s\n' "$(head -c 100000 /dev/zero | tr '\0' 9)"
	printf "gr'oup' \"list\" -o 'GROUP' # a comment\n"
} >"$tmp/long.txt"
"$bin" "${root[@]}" batch --force "$tmp/long.txt" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -ne 0 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "^iommuctl: batch: $tmp/long.txt:1: group show 9999" "$tmp/err" &&
	grep -q "^$tmp/long.txt:2: ok    group list -o GROUP$" "$tmp/out" &&
	ok "a 100000-character line fails alone with one diagnostic; quotes join words" ||
	bad "long line: exit $rc, $(wc -l < "$tmp/err") diagnostics: $(head -c 200 "$tmp/err")"

# 3. kernel lines refuse -F and --sysfs-root (exit 4); exec and the rest run
run live-snapshot.txt 4 -F "$snap" batch --force "$input/live.txt"
run live-snapshot.json 4 -F "$snap" -j batch --force "$input/live.txt"
run live-root.txt 4 "${root[@]}" batch --force "$input/live.txt"

# 4. the batch commands outside a batch: help works, running says where they run
run outside-alloc.txt 2 ioas alloc
run outside-bind.txt 2 device bind 00:03.0
"$bin" ioas map --help >"$tmp/out" 2>&1 && grep -q 'KEY=VALUE for --KEY=VALUE' "$tmp/out" &&
	ok "ioas map --help: its options and their batch spelling" || bad "ioas map --help"
"$bin" help >"$tmp/out" 2>&1 && grep -q '^Batch commands' "$tmp/out" && grep -q '^  spapr ' "$tmp/out" &&
	ok "help lists the batch commands" || bad "help does not list the batch commands"
# outside a batch they take no prefix: 'io' is still iommu, 'device b' no verb
"$bin" -F "$snap" io list -o NAME >/dev/null 2>&1 && ok "outside a batch 'io' is iommu" || bad "'io' no longer means iommu"
run outside-prefix.txt 2 -F "$snap" device b 00:03.0
finish
