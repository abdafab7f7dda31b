#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's sample output is real output: every `$ iommuctl -F
# tests/fixtures/...` line of a ``` block in README.md that is followed by
# output lines is run (with the binary under test, from the repository's
# root, stdout a pipe) and its output compared with the lines shown; a line
# `...` ends what is shown (the rest is cut), else the whole output must
# match. check-sync.sh checks that the other examples run.
#   tests/cli/test-readme.sh [BINARY]     README=FILE checks another file
# run-all: once (the README is the source's)
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
bin=$(realpath "${1:-./iommuctl}")
readme=${README:-README.md}
[ -x "$bin" ] || { bad "no binary at $bin"; finish; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"; ln -s "$bin" "$tmp/bin/iommuctl"

# one case a file: line 1 the command, then the lines shown
python3 - "$readme" "$tmp" <<'PY'
import re, sys
readme, tmp = sys.argv[1], sys.argv[2]
block, cases, other, cur = False, [], [], None
for line in open(readme, encoding="utf-8").read().splitlines():
    if line.startswith("```"):
        block = not block
        cur = None
        continue
    if not block:
        continue
    if line.startswith("$ "):
        cmd = re.sub(r"\s{2,}#.*$", "", line[2:]).rstrip()
        cur = [cmd]
        if cmd.startswith("iommuctl -F tests/fixtures/") and "|" not in cmd and ">" not in cmd:
            cases.append(cur)
        elif cmd.startswith("iommuctl"):
            other.append(cur)
    elif cur is not None:
        cur.append(line)
for c in other:
    if len(c) > 1:
        # output shown for a command no test can run: say so
        with open(f"{tmp}/unchecked", "a", encoding="utf-8") as f:
            f.write(c[0] + "\n")
n = 0
for c in cases:
    if len(c) < 2:
        continue
    with open(f"{tmp}/case{n}", "w", encoding="utf-8") as f:
        f.write("\n".join(c) + "\n")
    n += 1
PY
while IFS= read -r cmd; do
	bad "README: '$cmd' shows output no test can check: show it run on a fixture (-F tests/fixtures/...)"
done < <(cat "$tmp/unchecked" 2>/dev/null)
n=0
for c in "$tmp"/case*; do
	[ -e "$c" ] || continue
	n=$((n + 1))
	cmd=$(head -n 1 "$c")
	tail -n +2 "$c" > "$tmp/want"
	if ! PATH="$tmp/bin:$PATH" bash -c "$cmd" > "$tmp/got" 2> "$tmp/err"; then
		bad "README: '$cmd' fails: $(head -n 1 "$tmp/err")"
		continue
	fi
	if grep -qx '\.\.\.' "$tmp/want"; then
		sed -i '/^\.\.\.$/,$d' "$tmp/want"
		head -n "$(wc -l < "$tmp/want")" "$tmp/got" > "$tmp/got.cut"
		mv "$tmp/got.cut" "$tmp/got"
	fi
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "README: '$cmd' prints what the README shows"
	else
		bad "README: '$cmd' prints otherwise than the README shows:"
		diff -u "$tmp/want" "$tmp/got" | sed 's/^/     /' | head -n 20
	fi
done
[ "$n" -gt 0 ] || bad "README: no sample output of a command on a fixture found in $readme"
finish
