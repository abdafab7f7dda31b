# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tests/cli scripts (sourced, not run): pass/fail counters,
# and the golden-file comparison that UPDATE=1 turns into a rewrite.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

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
