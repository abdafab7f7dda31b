# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared by the tests/cli scripts (sourced, not run): pass/fail counters,
# and the golden-file comparison that UPDATE=1 turns into a rewrite.
pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
# Checks that did not run, and why; tests/run-all.sh lists every reason in
# its summary. skip: a reason the project accepts (this machine cannot run
# QEMU, the rebuilt iommufd kernel is not built yet, IOMMUCTL_VM_SKIP set by
# the developer). skip_broken: something the suite needed failed to
# download, install or build; on CI (CI=true) that fails the run, so that a
# green CI means the checks ran. note: said, not counted (the same checks
# run for another build).
skip() { skipped=$((skipped + 1)); echo "skip $*"; }
skip_broken() {
	if [ "${CI:-}" = true ]; then
		bad "$* (on CI a failed download, install or build may not skip checks)"
	else
		skip "$*"
	fi
}
note() { echo "note $*"; }
# the summary line tests/run-all.sh reads; exits 0 when nothing failed
finish() { echo "$pass passed, $fail failed, $skipped skipped"; [ "$fail" -eq 0 ]; exit $?; }

# vm_arm64_check WHAT LOGDIR: for the arm64 guest tests. Returns 1 after a
# "skip" line saying why (for WHAT) when IOMMUCTL_VM_SKIP is set, or when not
# root and qemu-system-aarch64 or the cross compiler is missing, or when the
# cross build fails; otherwise cross-builds iommuctl into build-arm64/ (unless
# $IOMMUCTL_ARM64 names a binary) and exports IOMMUCTL_ARM64. Run it from the
# repository's top. vm_arm64_ready WHAT LOGDIR: the same, ending the test
# (finish) instead of returning 1.
vm_arm64_check() {
	local what=$1 log=$2/arm64-build.log
	if [ -n "${IOMMUCTL_VM_SKIP:-}" ]; then
		skip "$what: IOMMUCTL_VM_SKIP is set"
		return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		command -v qemu-system-aarch64 >/dev/null 2>&1 ||
			{ skip "$what: no qemu-system-aarch64 (and not root to install qemu-system-arm)"; return 1; }
		[ -n "${IOMMUCTL_ARM64:-}" ] || command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 ||
			{ skip_broken "$what: no aarch64-linux-gnu-gcc (and not root to install gcc-aarch64-linux-gnu)"; return 1; }
	fi
	[ -z "${IOMMUCTL_ARM64:-}" ] || return 0
	# shellcheck disable=SC1091
	if ! (. tests/vm/lib.sh && vm_arm64_need_tools && vm_arm64_build_iommuctl) >"$log" 2>&1; then
		skip_broken "$what: cannot cross-build iommuctl for arm64: $(tail -n 2 "$log" | tr '\n' ' ')"
		return 1
	fi
	export IOMMUCTL_ARM64=$PWD/build-arm64/iommuctl
}

vm_arm64_ready() {
	vm_arm64_check "$@" || finish
}

# vm_ppc64_check WHAT BINARY LOGDIR: for the POWER guest tests. Returns 1
# after a "skip" line saying why (for WHAT) when IOMMUCTL_VM_SKIP is set, when
# BINARY is the sanitizer build (the guest runs the cross build: one run is
# enough), when not root and qemu-system-ppc64 or the cross compiler is
# missing, or when the cross build or the kernel cannot be had (an apt mirror
# down is a reason to skip). Otherwise exports IOMMUCTL_PPC64 (default
# build-ppc64/iommuctl, built) and sets kver to the guest kernel's release.
vm_ppc64_check() {
	local what=$1 bin=$2 log=$3/ppc64-prepare.log
	if [ -n "${IOMMUCTL_VM_SKIP:-}" ]; then
		skip "$what: IOMMUCTL_VM_SKIP is set"
		return 1
	fi
	case $bin in
	*build-san/*)
		note "$what: the guest runs the cross-built binary, not $bin: they run once, for the normal build"
		return 1 ;;
	esac
	if [ "$(id -u)" -ne 0 ]; then
		command -v qemu-system-ppc64 >/dev/null 2>&1 ||
			{ skip "$what: no qemu-system-ppc64 (and not root to install qemu-system-ppc)"; return 1; }
		[ -n "${IOMMUCTL_PPC64:-}" ] || command -v powerpc64le-linux-gnu-gcc >/dev/null 2>&1 ||
			{ skip_broken "$what: no powerpc64le-linux-gnu-gcc (and not root to install gcc-powerpc64le-linux-gnu)"; return 1; }
	fi
	export IOMMUCTL_PPC64_GIVEN=${IOMMUCTL_PPC64:-}
	export IOMMUCTL_PPC64=${IOMMUCTL_PPC64:-$PWD/build-ppc64/iommuctl}
	# shellcheck disable=SC1091,SC2034 # kver is for the caller
	if ! kver=$(. tests/vm/lib.sh && vm_ppc64_vfio_prepare 2>"$log"); then
		skip_broken "$what: $(grep -v '^  ' "$log" | tail -n 2 | sed 's/^vm: //' | tr '\n' ' ')"
		return 1
	fi
}

# world_note DIR: a note naming the kernel and QEMU of the guest run whose
# files are in DIR (tests/vm's DIR/.vm/world), once per run
world_note() {
	[ -s "$1/.vm/world" ] && note "$(cat "$1/.vm/world")"
	return 0
}

# vm_matrix CHECK [ALL...]: the scenarios a VM suite boots: CHECK (a list of
# 6.12 scenarios and a representative 7.2 one per family) in make check;
# CHECK and ALL (the rest of the 7.2 world) when IOMMUCTL_VM_ALL=1 (make
# check-vm-all). IOMMUCTL_VM_SCENARIOS, when set, names them instead.
vm_matrix() {
	local check=$1
	shift
	if [ -n "${IOMMUCTL_VM_SCENARIOS:-}" ]; then
		echo "$IOMMUCTL_VM_SCENARIOS"
	elif [ "${IOMMUCTL_VM_ALL:-0}" = 1 ]; then
		echo "$check $*"
	else
		echo "$check"
	fi
}

# guest_run SCENARIO GUEST DIR [SRC:DST...]: boots a tests/vm scenario with
# the guest script GUEST and tests/vm/guest/ as /guest (and each SRC copied
# to DST); the guest's files in DIR, the log in DIR.log. Sets secs; returns
# vm_run's status. Environment settings of the call (IOMMUCTL_VM_TIMEOUT...)
# reach the harness.
guest_run() {
	local s=$1 guest=$2 dir=$3 rc=0 t0 t1
	shift 3
	t0=$(date +%s.%N)
	bash -c '. tests/vm/lib.sh; vm_run "$@"' \
		_ "$s" "$guest" "$dir" "$PWD/tests/vm/guest:/guest" "$@" >"$dir.log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	world_note "$dir"
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	return "$rc"
}

# guest_results NAME DIR LOG RC: count the checks a guest wrote to
# DIR/results.txt ("ok   ..." / "FAIL ..."), each as NAME's; a guest that did
# not run (status 2, or no results) fails with the tail of LOG and returns 1;
# a non-zero status without a failed check fails too. Sets KEEP=1 on any
# failure; uses $secs (guest_run's) in its lines.
guest_results() {
	local name=$1 dir=$2 log=$3 rc=$4 line
	if [ "$rc" -eq 2 ] || [ ! -f "$dir/results.txt" ]; then
		bad "$name: the guest did not run (status $rc after ${secs}s):"
		sed 's/^/     /' "$log" | tail -n 15
		KEEP=1
		return 1
	fi
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "$name: ${line#ok   }" ;;
		"FAIL "*) bad "$name: ${line#FAIL }"; KEEP=1 ;;
		esac
	done < "$dir/results.txt"
	# the guest exits non-zero on a failed check, which results.txt already counted
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$dir/results.txt"; then
		bad "$name: guest script exited $rc without a failed check (log: $dir/.vm/guest.log)"
		KEEP=1
	fi
	echo "time $name: ${secs}s for the boot and $(grep -c . "$dir/results.txt") checks"
}

# check_guest DIR NAME EXPR: one check on the files a guest wrote to DIR: EXPR
# is a Python expression, with the helpers of tests/cli/guest_check.py
check_guest() {
	local dir=$1 name=$2 expr=$3 out
	if out=$(python3 tests/cli/guest_check.py "$dir" "$expr" 2>&1); then
		ok "$name"
	else
		bad "$name${out:+: $(echo "$out" | tail -n 1)}"
	fi
}

# ---- the guest memory-dump tests (tests/vm/lib-dump.sh, check-dump.py) ----

# dump_guest_run SCENARIO GUEST DIR DEVOPTS QMP-DUMP-ARGS...: boots SCENARIO
# with the guest script GUEST (its files in DIR/out) and the dump plumbing of
# tests/vm/lib-dump.sh in DIR/dump (the virtio-serial port placed by DEVOPTS;
# QMP-DUMP-ARGS for tests/vm/qmp-dump.py). Sets secs; returns the run's status
# (non-zero also when the coordinator failed). Log: DIR/run.log.
dump_guest_run() {
	local s=$1 guest=$2 d=$3 devopts=$4 rc=0 t0 t1
	shift 4
	mkdir -p "$d"
	t0=$(date +%s.%N)
	bash -c '
		. tests/vm/lib.sh; . tests/vm/lib-dump.sh
		s=$1 guest=$2 d=$3 devopts=$4; shift 4
		vm_dump_setup "$d/dump" "$devopts"
		vm_dump_start "$d/dump" "$@"
		rc=0
		vm_run "$s" "$guest" "$d/out" "$PWD/tests/vm/guest:/guest" || rc=$?
		vm_dump_wait || { echo "qmp-dump failed: $(cat "$d/dump/qmp-dump.err")" >&2; ((rc)) || rc=3; }
		exit $rc' _ "$s" "$guest" "$d" "$devopts" "$@" >"$d/run.log" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	world_note "$d/out"
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	return "$rc"
}

# dump_guest_report RC LABEL DIR TAG WHAT: after dump_guest_run (RC its
# status): did the guest hold its WHAT maps while the host dumped, did its
# batch run succeed and the host answer the request for TAG. 1 (after a
# "bad" and the logs' tails) when the checks cannot go on.
dump_guest_report() {
	local rc=$1 label=$2 d=$3 tag=$4 what=$5
	if [ "$rc" -ne 0 ]; then
		bad "$label: guest run with dumps failed ($secs s): $(grep -v '^vm: *|' "$d/run.log" | tail -n 3 | tr '\n' ' ')"
		[ -f "$d/out/.vm/guest.log" ] && sed 's/^/# guest: /' "$d/out/.vm/guest.log" | tail -n 10
		[ -f "$d/dump/qmp-dump.log" ] && sed 's/^/# qmp-dump: /' "$d/dump/qmp-dump.log" | tail -n 5
		return 1
	fi
	ok "$label: guest held its $what maps while the host dumped memory ($secs s)"
	if [ "$(cat "$d/out/batch.rc" 2>/dev/null)" = 0 ] && [ "$(cat "$d/out/$tag.reply" 2>/dev/null)" = "done $tag" ]; then
		ok "$label: batch run exit 0; the host answered the dump request"
	else
		bad "$label: batch rc $(cat "$d/out/batch.rc" 2>/dev/null), reply '$(cat "$d/out/$tag.reply" 2>/dev/null)': $(tail -n 2 "$d/out/batch.err" 2>/dev/null | tr '\n' ' ') $(cat "$d/out/kprobe.err" 2>/dev/null)"
		return 1
	fi
}

# dump_open BIN DIR TAG FMT LABEL: sets $mem to TAG's dump in FMT -- DIR/TAG.elf,
# or DIR/TAG.kdump reassembled from QEMU's flattened DIR/TAG.kdump-zlib -- and
# checks that iommuctl reads it as FMT. 1 (after a "bad") when it is unusable.
dump_open() {
	local bin=$1 dir=$2 tag=$3 fmt=$4 label=$5 info
	mem=$dir/$tag.elf
	if [ "$fmt" = kdump ]; then
		mem=$dir/$tag.kdump
		# shellcheck disable=SC1091
		if ! (. tests/vm/lib.sh && . tests/vm/lib-dump.sh && vm_dump_unflatten "$dir/$tag.kdump-zlib" "$mem"); then
			bad "$label: makedumpfile -R could not reassemble QEMU's kdump output"
			return 1
		fi
	fi
	info=$("$bin" -j mem info "$mem" 2>&1)
	if echo "$info" | grep -q "\"format\":\"$fmt\""; then
		ok "$label: iommuctl reads the dump as $fmt"
	else
		bad "$label: mem info: $(echo "$info" | head -c 300)"
	fi
}

# check_dump_run OUT LABEL CHECK-DUMP-ARGS...: tests/vm/check-dump.py, its
# "ok"/"FAIL" lines counted here (its output kept in OUT)
check_dump_run() {
	local out=$1 label=$2 line
	shift 2
	python3 tests/vm/check-dump.py --label "$label" "$@" >"$out" 2>&1
	while IFS= read -r line; do
		case $line in
		"ok   "*) ok "${line#ok   }" ;;
		"FAIL "*) bad "${line#FAIL }" ;;
		*) bad "$label: check-dump.py: $line" ;;
		esac
	done <"$out"
}

# golden_compare NAME GOT WANT: the output file GOT against the expected
# file WANT; with UPDATE set, WANT is rewritten instead.
golden_compare() {
	local name=$1 got=$2 want=$3
	if [ -n "${UPDATE:-}" ]; then
		mkdir -p "$(dirname "$want")"
		cp "$got" "$want"
		ok "$name (updated)"
	elif [ ! -f "$want" ]; then
		bad "$name: no expected file $want (run with UPDATE=1)"
	elif cmp -s "$want" "$got"; then
		ok "$name"
	else
		bad "$name: differs from $want:"
		diff -u "$want" "$got" | head -n 20 | sed 's/^/     /'
	fi
}

# json_error_matches OUT EXIT ERRFILE: OUT is exactly the JSON error object
# that -j writes for a failure: {"error": {"message", "errno", "exit"}},
# its exit equal to EXIT and its message the one line on stderr.
json_error_matches() {
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
out, rc, errf = sys.argv[1], int(sys.argv[2]), sys.argv[3]
try:
    d = json.load(open(out))
    e = d["error"]
    line = open(errf).read().strip()
    ok = (set(d) == {"error"} and set(e) == {"message", "errno", "exit"} and e["exit"] == rc
          and isinstance(e["errno"], int) and line.endswith(": " + e["message"]))
except Exception:
    ok = False
sys.exit(0 if ok else 1)
PY
}

