# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tests/cli scripts (sourced, not run): pass/fail counters,
# and the golden-file comparison that UPDATE=1 turns into a rewrite.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
skip() { echo "skip $*"; }
# the summary line tests/run-all.sh reads; exits 0 when nothing failed
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

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
			{ skip "$what: no aarch64-linux-gnu-gcc (and not root to install gcc-aarch64-linux-gnu)"; return 1; }
	fi
	[ -z "${IOMMUCTL_ARM64:-}" ] || return 0
	# shellcheck disable=SC1091
	if ! (. tests/vm/lib.sh && vm_arm64_need_tools && vm_arm64_build_iommuctl) >"$log" 2>&1; then
		skip "$what: cannot cross-build iommuctl for arm64: $(tail -n 2 "$log" | tr '\n' ' ')"
		return 1
	fi
	export IOMMUCTL_ARM64=$PWD/build-arm64/iommuctl
}

vm_arm64_ready() {
	vm_arm64_check "$@" || finish
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
