#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The layering rules of docs/ARCHITECTURE.md, checked on the source:
# core is the ground (includes nothing above it), all output goes through
# src/output (no stdout writes elsewhere), and json-c is used only there
# and by the readers of JSON input named below.
#   tests/cli/test-layers.sh [BINARY]   (the binary is not used)
# run-all: once
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh

# json-c may parse JSON input here (the claim journal, snapshot metadata);
# nowhere else outside src/output. They only read: their JSON is written
# by the writer.
json_readers='src/backends/sysfs/journal.c src/backends/sysfs/record.c src/backends/dump/snapshot.c'
# and the loader that maps json-c on demand names its functions
json_loader='src/core/dlib_jsonc.h src/core/dlib.c'

check() { # name: the lines found must be none
	local name=$1 found=$2
	if [ -z "$found" ]; then ok "$name"; else bad "$name:"$'\n'"$found"; fi
}

check "src/core includes nothing from cli, output or backends" \
	"$(grep -nE '#include "(cli|output|backends)/' src/core/*.[ch])"

found=""
for f in $(find src -name '*.[ch]' -not -path 'src/output/*' | sort); do
	case " $json_readers $json_loader " in *" $f "*) continue;; esac
	found+=$(grep -nE 'json-c/|json_object|json_tokener' "$f" | sed "s|^|$f:|")
done
check "json-c only in src/output (and the readers of JSON input)" "$found"

check "the readers of JSON input only read with json-c" \
	"$(grep -nE 'json_object_(new_|to_json_string|object_add|array_add|to_file)' $json_readers)"

# stdout is written only by the writer: no printf/puts/putchar, no stream
# named stdout or the context's outf, outside src/output. main.c and
# cli/ctx.c hand stdout to the writer and flush it at exit; the help text
# (cli_help_root/cli_help_object, like argp's) is the one exception.
found=$(grep -rnE '(^|[^a-z_])(printf|puts|putchar|vprintf) *\(|\bstdout\b|->outf\b' src \
	--include='*.c' --include='*.h' | grep -v '^src/output/' |
	grep -vE '^src/(main\.c|cli/ctx\.[ch]):' | grep -vE ':[0-9]+:\s*(/?\*|//)' |
	grep -vE 'cli_help_(root|object|verb)\(')
check "no stdout writes outside src/output" "$found"

finish
