#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test suite for one or more builds and print one summary line.
#   tests/run-all.sh [--only unit|cli] [--fuzz FUZZDIR] OBJDIR:BINARY ...
# Unit tests: every OBJDIR/tests/unit/test_* (cmocka). CLI tests: every
# executable tests/cli/*.sh, given the binary as $1; each ends with
# "N passed, M failed[, K skipped]". Output of a suite is shown only when it
# fails (or with VERBOSE=1); every skip's reason, each suite's wall time and
# the closing "N passed, M failed, K skipped" always are.
set -u
cd "$(dirname "$0")/.."

only="" fuzzdir=""
if [ "${1:-}" = --only ]; then only=$2; shift 2; fi
if [ "${1:-}" = --fuzz ]; then fuzzdir=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [--only unit|cli] OBJDIR:BINARY..." >&2; exit 2; }

total_pass=0 total_fail=0 total_skip=0 failed_suites=() skip_reasons=() t_all=$SECONDS
log=$(mktemp); trap 'rm -f "$log"' EXIT

# count LOG: "P F K" from a suite's summary line "P passed, F failed[, K skipped]"
count() {
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	[ -n "$line" ] || { echo "- - -"; return; }
	echo "$line" | awk '{ k = ($5 == "" ? 0 : $5); print $1 + 0, $3 + 0, k + 0 }'
}

record() { # name pass fail skipped rc seconds
	local name=$1 p=$2 f=$3 k=$4 rc=$5 t=$6 r n
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	# a "skip" line the suite did not count is still a skip
	n=$(grep -cE '^skip[ :]' "$log")
	[ "$n" -le "$k" ] || k=$n
	total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + k))
	# every skip's reason goes to the summary, not only to VERBOSE output
	while IFS= read -r r; do
		skip_reasons+=("$name: ${r#skip }")
	done < <(grep -E '^skip[ :]' "$log" | sed 's/^skip:* */skip /')
	if [ "$f" -ne 0 ]; then
		failed_suites+=("$name")
		printf 'FAIL  %-44s %d passed, %d failed, %d skipped  %4ds\n' "$name" "$p" "$f" "$k" "$t"
		sed 's/^/    | /' "$log" | tail -n 60
	else
		local sk=""
		[ "$k" -eq 0 ] || sk=", $k skipped"
		printf 'ok    %-44s %s  %4ds\n' "$name" "$p passed$sk" "$t"
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
			t0=$SECONDS
			CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$log" 2>&1; rc=$?
			p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
			f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
			k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
			record "unit/$(basename "$t")$tag" "$p" "$f" "$k" "$rc" $((SECONDS - t0))
		done
	fi
	if [ "$only" != unit ]; then
		for t in tests/cli/*.sh; do
			[ -x "$t" ] || continue
			t0=$SECONDS
			"$t" "$bin" >"$log" 2>&1; rc=$?
			read -r p f k < <(count "$log")
			[ "$p" != - ] || { p=0; f=1; k=0; echo "(no summary line)" >>"$log"; }
			# a helper the script calls has gone missing: its checks did not run
			if grep -q ': command not found$' "$log"; then
				f=$((f + 1)); echo "(a command the test calls was not found)" >>"$log"
			fi
			record "cli/$(basename "$t")$tag" "$p" "$f" "$k" "$rc" $((SECONDS - t0))
		done
	fi
done

# a short run of every fuzz target: they build, start, and find nothing quickly
if [ -n "$fuzzdir" ]; then
	t0=$SECONDS
	tests/fuzz/run.sh "$fuzzdir" "${FUZZ_SECONDS:-5}" >"$log" 2>&1; rc=$?
	read -r p f k < <(count "$log")
	[ "$p" != - ] || { p=0; f=1; k=0; }
	record "fuzz (${FUZZ_SECONDS:-5}s each)" "$p" "$f" "$k" "$rc" $((SECONDS - t0))
fi

echo
if [ ${#skip_reasons[@]} -ne 0 ]; then
	echo "skipped:"
	printf '  %s\n' "${skip_reasons[@]}"
fi
if [ ${#failed_suites[@]} -ne 0 ]; then
	echo "failed suites: ${failed_suites[*]}"
fi
echo "wall time: $(( (SECONDS - t_all) / 60 )) min $(( (SECONDS - t_all) % 60 )) s"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
