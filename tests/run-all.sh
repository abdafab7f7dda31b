#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every test suite for one or more builds and print one summary line.
#   tests/run-all.sh [--only unit|cli|vm] [--fuzz FUZZDIR] OBJDIR:BINARY ...
# Unit tests: every OBJDIR/tests/unit/test_* (cmocka). CLI tests: every
# executable tests/cli/*.sh, given the binary as $1; each ends with
# "N passed, M failed[, K skipped]". Output of a suite is shown only when it
# fails (or with VERBOSE=1); every skip's reason, each suite's wall time and
# the closing "N passed, M failed, K skipped" always are. Suites run JOBS at a
# time (default: the CPUs), the QEMU suites in a lane of their own.
set -u
cd "$(dirname "$0")/.."

only="" fuzzdir=""
if [ "${1:-}" = --only ]; then only=$2; shift 2; fi
if [ "${1:-}" = --fuzz ]; then fuzzdir=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: $0 [--only unit|cli|vm] OBJDIR:BINARY..." >&2; exit 2; }

# python3 as the interpreter itself, not a version manager's shim: the
# suites start it thousands of times, and pyenv's shim costs 0.4 s a start
# (check-sync: 96 s with it, 37 s without). The same interpreter, found once.
if py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) && [ -x "$py" ] &&
	[ "$(command -v python3)" != "$py" ]; then
	PATH=$(dirname "$py"):$PATH
	export PATH
fi

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
		# the failing checks first (a long log's tail may not reach them),
		# then the log's end for context
		grep -E '^(FAIL|not ok)' "$log" | head -n 40 | sed 's/^/    ! /'
		sed 's/^/    | /' "$log" | tail -n 60
	else
		local sk=""
		[ "$k" -eq 0 ] || sk=", $k skipped"
		printf 'ok    %-44s %s  %4ds\n' "$name" "$p passed$sk" "$t"
		[ -z "${VERBOSE:-}" ] || sed 's/^/    | /' "$log"
	fi
}

# The jobs: every unit test and CLI suite of every build, then the fuzz
# targets. A suite marked "# run-all: once" checks the sources, not a build
# (docs and completions against the tables): it runs for the first build only.
jl=() # "KIND|NAME|COMMAND-PATH|BINARY"
first=1
for spec in "$@"; do
	objdir=${spec%%:*} bin=${spec#*:}
	tag=""; [ "$objdir" = build ] || tag=" [$objdir]"
	if [ "$only" != cli ] && [ "$only" != vm ]; then
		for t in "$objdir"/tests/unit/test_*; do
			[ -x "$t" ] || continue
			case $t in *.d|*.o) continue;; esac
			jl+=("unit|unit/$(basename "$t")$tag|$t|")
		done
	fi
	if [ "$only" != unit ]; then
		for t in tests/cli/*.sh; do
			[ -x "$t" ] || continue
			# --only vm: the QEMU suites
			[ "$only" != vm ] || case $t in tests/cli/test-vm-*) ;; *) continue ;; esac
			[ "$first" = 1 ] || ! grep -q '^# run-all: once' "$t" || continue
			jl+=("cli|cli/$(basename "$t")$tag|$t|$bin")
		done
	fi
	first=0
done
# a short run of every fuzz target: they build, start, and find nothing quickly
[ -z "$fuzzdir" ] || jl+=("fuzz|fuzz (${FUZZ_SECONDS:-5}s each)|$fuzzdir|")

# run_job I: job I, its output in $work/I.log, then "P F K RC SECONDS" in $work/I.res
run_job() {
	local kind name t bin t0 rc p f k out=$work/$1.log
	IFS='|' read -r kind name t bin <<<"${jl[$1]}"
	t0=$SECONDS
	case $kind in
	unit)
		CMOCKA_MESSAGE_OUTPUT=stdout "$t" >"$out" 2>&1; rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
		k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}') ;;
	cli)
		"$t" "$bin" >"$out" 2>&1; rc=$?
		read -r p f k < <(count "$out")
		[ "$p" != - ] || { p=0; f=1; k=0; echo "(no summary line)" >>"$out"; }
		# a helper the script calls has gone missing: its checks did not run
		if grep -q ': command not found$' "$out"; then
			f=$((f + 1)); echo "(a command the test calls was not found)" >>"$out"
		fi ;;
	fuzz)
		tests/fuzz/run.sh "$t" "${FUZZ_SECONDS:-5}" >"$out" 2>&1; rc=$?
		read -r p f k < <(count "$out")
		[ "$p" != - ] || { p=0; f=1; k=0; } ;;
	esac
	echo "$p $f $k $rc $((SECONDS - t0))" >"$work/$1.res.tmp" && mv "$work/$1.res.tmp" "$work/$1.res"
}

# collect: record every finished job not recorded yet
declare -A done_jobs=()
collect() {
	local i name p f k rc t
	for i in "${!jl[@]}"; do
		[ -z "${done_jobs[$i]:-}" ] && [ -f "$work/$i.res" ] || continue
		done_jobs[$i]=1
		name=$(cut -d'|' -f2 <<<"${jl[$i]}")
		read -r p f k rc t <"$work/$i.res"
		cp "$work/$i.log" "$log"
		record "$name" "$p" "$f" "$k" "$rc" "$t"
	done
}

# JOBS (default: the number of CPUs) jobs at a time: the suites that boot
# QEMU guests (test-vm-*) one after another in a lane of their own (they
# share the guest caches), everything else in JOBS-1 more (JOBS once the lane
# is done). JOBS=1: one at a time, in order.
work=$(mktemp -d); trap 'rm -f "$log"; rm -rf "$work"' EXIT
# the dump tests' guest runs, made once for all the builds (test-vm-dump.sh)
export IOMMUCTL_VM_SHARE=$work/vm-share
njobs=${JOBS:-$(nproc 2>/dev/null || echo 1)}
vm=() pool=()
for i in "${!jl[@]}"; do
	case ${jl[$i]} in cli\|cli/test-vm-*) vm+=("$i") ;; *) pool+=("$i") ;; esac
done
if [ "$njobs" -le 1 ]; then
	for i in "${!jl[@]}"; do run_job "$i"; collect; done
else
	# died JOB: a job that ended without its result fails, it does not hang the run
	died() { [ -f "$work/$1.res" ] || { echo "(the job ended without a result)" >>"$work/$1.log"; echo "0 1 0 1 0" >"$work/$1.res"; }; }
	lane=""
	if [ ${#vm[@]} -ne 0 ]; then
		( for i in "${vm[@]}"; do run_job "$i"; done ) &
		lane=$!
	fi
	next=0 workers=$njobs
	[ -z "$lane" ] || workers=$((njobs - 1))
	declare -A pid_of=()
	while :; do
		running=0
		for i in "${!pid_of[@]}"; do
			[ ! -f "$work/$i.res" ] || continue
			if kill -0 "${pid_of[$i]}" 2>/dev/null; then running=$((running + 1)); else died "$i"; fi
		done
		if [ -n "$lane" ] && ! kill -0 "$lane" 2>/dev/null; then
			for i in "${vm[@]}"; do died "$i"; done
			lane="" workers=$njobs   # the lane's CPU is free for the rest
		fi
		while [ "$running" -lt "$workers" ] && [ "$next" -lt ${#pool[@]} ]; do
			run_job "${pool[$next]}" &
			pid_of[${pool[$next]}]=$!; next=$((next + 1)); running=$((running + 1))
		done
		collect
		[ ${#done_jobs[@]} -lt ${#jl[@]} ] || break
		sleep 1
	done
	wait
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
