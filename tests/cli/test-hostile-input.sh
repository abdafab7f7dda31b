#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile text input (the audit's B7, B11, B17, B19): every line reader --
# batch files, decode's @FILE and -, decode log -- bounds a line (1 MiB) and
# a batch line's words (4096), refuses a NUL byte inside a line and a
# directory given as a file, and stops on a stream that is not text
# (/dev/zero) instead of growing or spinning. Each case must end within 20
# s (timeout) and 200 MB of memory (/usr/bin/time): seconds and a few MB
# when it is right, a hang or gigabytes when it is not.
#   tests/cli/test-hostile-input.sh [BINARY]    (default ./iommuctl)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=lib.sh
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -x /usr/bin/time ] || { bad "no /usr/bin/time (apt-get install time)"; finish; }

# expect NAME RC MESSAGE ARGS... [< input via $in]: exit status RC, MESSAGE
# on stderr, in bounded time and memory
in=/dev/null
expect() {
	local name=$1 want=$2 msg=$3 rc kb
	shift 3
	timeout 20 /usr/bin/time -f '%M' -o "$tmp/mem" "$bin" "$@" <"$in" >"$tmp/out" 2>"$tmp/err"; rc=$?
	kb=$(tail -n 1 "$tmp/mem" 2>/dev/null)
	if [ "$rc" -eq 124 ]; then
		bad "$name: still running after 20 s"
	elif [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, not $want: $(head -c 300 "$tmp/err")"
	elif ! grep -qF -- "$msg" "$tmp/err"; then
		bad "$name: no '$msg' in: $(head -c 300 "$tmp/err")"
	elif ! [ "${kb:-0}" -lt 204800 ] 2>/dev/null; then
		bad "$name: peak RSS ${kb} KB"
	else
		ok "$name (exit $rc, ${kb} KB)"
	fi
}

# B7: a line of a million one-letter words (2 MB), and 400 000 words in 800 KB
python3 -c "open('$tmp/w1m.txt','w').write('ioas ' + ' '.join(['x'] * 1000000) + '\n')"
python3 -c "open('$tmp/w400k.txt','w').write('ioas ' + ' '.join(['x'] * 400000) + '\n')"
expect "batch: a 2 MB line is refused" 2 "w1m.txt:1: line longer than 1 MiB" batch "$tmp/w1m.txt"
expect "batch: 400 000 words are refused" 2 "more than 4096 words" batch "$tmp/w400k.txt"

# B11: endless lines
in=/dev/zero
expect "batch -: /dev/zero stops at the first line" 2 "<stdin>:1: line longer than 1 MiB" batch -
expect "batch --force -: /dev/zero is not text" 2 "no newline in 64 MiB: not a text file" batch --force -
in=/dev/null
expect "decode @/dev/zero: not text" 1 "/dev/zero:1: no newline in 64 MiB: not a text file" decode vtd-sl-pte @/dev/zero
expect "decode log /dev/zero: not text" 1 "/dev/zero:1: no newline in 64 MiB: not a text file" decode log /dev/zero
head -c 1100000 /dev/zero | tr '\0' '0' >"$tmp/long.txt"; printf '\n0x3\n' >>"$tmp/long.txt"
expect "decode @FILE: a 1.1 MB line is a bad line, the next decodes" 2 "long.txt:1: line longer than 1 MiB" \
	decode vtd-sl-pte @"$tmp/long.txt"
grep -q '0x0000000000000003' "$tmp/out" && ok "decode @FILE: the line after the long one was decoded" ||
	bad "decode @FILE: the line after the long one is missing: $(head -c 200 "$tmp/out")"
{ head -c 1100000 /dev/zero | tr '\0' 'x'; printf '\n'; cat tests/cli/golden-decode/input/kernel.log; } >"$tmp/klog.txt"
expect "decode log: a 1.1 MB line is skipped with a warning" 0 "klog.txt:1: line longer than 1 MiB: skipped" \
	decode log "$tmp/klog.txt"
"$bin" decode log tests/cli/golden-decode/input/kernel.log >"$tmp/want" 2>/dev/null
cmp -s "$tmp/want" "$tmp/out" && ok "decode log: the rest of the log decodes as without the long line" ||
	bad "decode log: output differs from the log without the long line"

# B17: a directory is not a file, and a read error is not the end of the file
expect "batch DIR fails" 1 "is a directory, not a batch file" batch "$tmp"
expect "decode @DIR fails" 1 "is a directory" decode vtd-sl-pte @"$tmp"
expect "decode log DIR fails" 1 "is a directory" decode log "$tmp"

# B19: a NUL byte inside a line
printf 'vfio status\0 garbage\n' >"$tmp/nul.txt"
expect "batch: a NUL byte fails the line" 2 "nul.txt:1: vfio status: NUL byte in the line" batch "$tmp/nul.txt"
printf '0x1\0garbage\n0x3\n' >"$tmp/nul2.txt"
expect "decode @FILE: a NUL byte is a bad line" 2 "nul2.txt:1: NUL byte in the line" decode vtd-sl-pte @"$tmp/nul2.txt"
grep -q '0x0000000000000001' "$tmp/out" && bad "decode @FILE: 0x1 before the NUL byte was decoded" ||
	ok "decode @FILE: nothing of the line with the NUL byte was decoded"
finish
