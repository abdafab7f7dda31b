#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test suite for one or more builds and print one summary line.
#   tests/run-all.sh [--only unit|cli] [--fuzz FUZZDIR] OBJDIR:BINARY ...
# Unit tests: every OBJDIR/tests/unit/test_* (cmocka). CLI tests: every
# executable tests/cli/*.sh, given the binary as $1; each ends with
# "N passed, M failed". Output of a suite is shown only when it fails
# (or with VERBOSE=1).
set -u
cd "$(dirname "$0")/.."

only="" fuzzdir=""
if [ "${1:-}" = --only ]; then only=$2; shift 2; fi
if [ "${1:-}" = --fuzz ]; then fuzzdir=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [--only unit|cli] OBJDIR:BINARY..." >&2; exit 2; }

total_pass=0 total_fail=0 failed_suites=()
log=$(mktemp); trap 'rm -f "$log"' EXIT

record() { # name pass fail rc
	local name=$1 p=$2 f=$3 rc=$4
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
	if [ "$f" -ne 0 ]; then
		failed_suites+=("$name")
		printf 'FAIL  %-44s %d passed, %d failed\n' "$name" "$p" "$f"
		sed 's/^/    | /' "$log" | tail -n 60
	else
		printf 'ok    %-44s %d passed\n' "$name" "$p"
		[ -z "${VERBOSE:-}" ] || sed 's/^/    | /' "$log"
	fi
}

for spec in "$@"; do
	objdir=${spec%%:*} bin=${spec#*:}
	tag=""; [ "$objdir" = build ] || tag=" [$objdir]"
	if [ "$only" != cli ]; then
		for t in "$objdir"/tests/unit/test_*; do
			[ -x "$t" ] || continue
			case $t in *.d|*.o) continue;; esac
			CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1; rc=$?
			p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
			f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
			record "unit/$(basename "$t")$tag" "$p" "$f" "$rc"
		done
	fi
	if [ "$only" != unit ]; then
		for t in tests/cli/*.sh; do
			[ -x "$t" ] || continue
			"$t" "$bin" >"$log" 2>&1; rc=$?
			line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
			p=$(echo "$line" | awk '{print $1+0}')
			f=$(echo "$line" | awk '{print $3+0}')
			[ -n "$line" ] || { p=0; f=1; echo "(no summary line)" >>"$log"; }
			# a helper the script calls has gone missing: its checks did not run
			if grep -q ': command not found$' "$log"; then
				f=$((f + 1)); echo "(a command the test calls was not found)" >>"$log"
			fi
			record "cli/$(basename "$t")$tag" "$p" "$f" "$rc"
		done
	fi
done

# a short run of every fuzz target: they build, start, and find nothing quickly
if [ -n "$fuzzdir" ]; then
	tests/fuzz/run.sh "$fuzzdir" "${FUZZ_SECONDS:-5}" >"$log" 2>&1; rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	record "fuzz (${FUZZ_SECONDS:-5}s each)" "$(echo "$line" | awk '{print $1+0}')" "$(echo "$line" | awk '{print $3+0}')" "$rc"
fi

echo
if [ ${#failed_suites[@]} -ne 0 ]; then
	echo "failed suites: ${failed_suites[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
