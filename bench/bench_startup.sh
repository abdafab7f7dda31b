#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Start-up cost: `iommuctl --version` and a one-shot decode
# (`iommuctl decode vtd-sl-pte VALUE`) against `/bin/true`, measured in the
# same run by a small C runner (bench/startup_run.c, built into
# $O/bench): fork + execve + wait4 N times, wall time per execution (mean
# and best) and the child's CPU time (user + system, which other load on a
# shared machine disturbs less). A shell loop's own fork and wait would
# swamp the 2 ms measured. Each figure is the best of ROUNDS. Also its page
# faults (a count the machine's load does not change: mapping libraries and
# relocating a PIE's tables of pointers are most of them), the
# shared objects mapped when each exits (the runner stops it there and
# reads /proc/PID/maps) and ldd's count. Ratios, no thresholds.
# Builds nothing else: run `make` first.
# Usage: bench/bench_startup.sh [BINARY]
#   RUNS=N    executions per command and round (default 2000)
#   ROUNDS=N  rounds, the commands interleaved; best round kept (default 3)
set -eu
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-./iommuctl}")
[ -x "$bin" ] || { echo "no $bin: run make first" >&2; exit 1; }
runs=${RUNS:-2000}
rounds=${ROUNDS:-3}
out=${O:-build}/bench
mkdir -p "$out"
# shellcheck disable=SC1091
. bench/lib.sh
bench_tool_build startup_run
run=$tool
true_bin=$(command -v true)
[ "${true_bin#/}" != "$true_bin" ] || true_bin=/bin/true
pte=0x8000000012345003

names=(true version decode)
declare -A cmd=(
	[true]="$true_bin"
	[version]="$bin --version"
	[decode]="$bin decode vtd-sl-pte $pte"
)
declare -A mean best cpu flt
for c in "${names[@]}"; do
	# shellcheck disable=SC2086
	$run time 20 ${cmd[$c]} > /dev/null	# warm the page cache
done
for ((r = 0; r < rounds; r++)); do
	for c in "${names[@]}"; do
		# shellcheck disable=SC2086
		read -r m b u f < <($run time "$runs" ${cmd[$c]})
		flt[$c]=$f
		if [ -z "${mean[$c]:-}" ] || awk "BEGIN{exit !($m < ${mean[$c]})}"; then mean[$c]=$m; fi
		if [ -z "${best[$c]:-}" ] || awk "BEGIN{exit !($b < ${best[$c]})}"; then best[$c]=$b; fi
		if [ -z "${cpu[$c]:-}" ] || awk "BEGIN{exit !($u < ${cpu[$c]})}"; then cpu[$c]=$u; fi
	done
done

ratio() { awk "BEGIN{printf \"%.2f\", $1 / $2}"; }
echo "start-up ($(uname -m), $(nproc) CPUs, $runs runs x $rounds rounds, best of the rounds; $bin)"
echo "wall: fork to wait4's return, mean of a round and best single run; cpu: the child's user + system, mean"
printf '%-44s %8s %8s %8s %9s %9s %8s %6s %6s %4s\n' "" "mean us" "best us" "cpu us" "mean/true" "best/true" "cpu/true" "faults" "mapped" "ldd"
for c in "${names[@]}"; do
	# shellcheck disable=SC2086
	maps=$($run maps ${cmd[$c]})
	read -r exe _ <<< "${cmd[$c]}"
	nldd=$(ldd "$exe" 2>/dev/null | wc -l)
	label=${cmd[$c]/$bin/iommuctl}
	printf '%-44s %8s %8s %8s %9s %9s %8s %6s %6s %4s\n' "$label" "${mean[$c]}" "${best[$c]}" "${cpu[$c]}" \
		"$(ratio "${mean[$c]}" "${mean[true]}")" "$(ratio "${best[$c]}" "${best[true]}")" \
		"$(ratio "${cpu[$c]}" "${cpu[true]}")" "${flt[$c]}" "$maps" "$nldd"
done
