#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every fuzz target built in OBJDIR for SECONDS each, seeded from the
# test fixtures (snapshots, dmesg text for decoders, generated dumps).
#   tests/fuzz/run.sh OBJDIR [SECONDS]
# Prints one line per target (runs, seeds, corpus size, edges covered and
# features) and ends with "N passed, M failed". FUZZ_KEEP=DIR keeps each
# target's corpus in DIR/TARGET; FUZZ_ONLY=NAME runs one target.
set -u
objdir=${1:?usage: run.sh OBJDIR [SECONDS]} secs=${2:-60}
cd "$(dirname "$0")/../.."
pass=0 fail=0
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# mkdump_seeds DIR: small ELF, raw and kdump (each compression) dumps of
# pages, excluded pages and holes, made by tests/tools/mkdump
mem_seeds=("elf" "elf -S 0x1000 -X" "elf -E -m ppc64" "raw -B 0x1000" "kdump -c none"
	"kdump -c zlib" "kdump -c lzo" "kdump -c snappy" "kdump -c zstd" "kdump -c zlib -I 2"
	"kdump -c zlib -F 4096" "kdump -c none -F 1000 -R")
mkdump_seeds() {
	local dir=$1 i=0 a
	cc -std=gnu11 -O2 -D_GNU_SOURCE -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD -Isrc \
		tests/tools/mkdump.c -o "$work/mkdump" -lz -llzo2 -lsnappy -lzstd || return
	printf '%s\n' "region 0x1000 0x3000 seed:1" "exclude 0x4000 0x2000" "region 0x6000 0x1000 fill:0x5a" \
		"region 0x10000 0x2000 seed:2" "region 0x12000 0x1000 zero" "exclude 0x20000 0x1000" >"$work/spec"
	for a in "${mem_seeds[@]}"; do
		# shellcheck disable=SC2086 # the options' words
		"$work/mkdump" -o "$dir/seed$i" -f $a "$work/spec" || return
		i=$((i + 1))
	done
}

for bin in "$objdir"/tests/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	case $bin in *.d|*.o) continue;; esac
	name=$(basename "$bin")
	[ -z "${FUZZ_ONLY:-}" ] || [ "$FUZZ_ONLY" = "$name" ] || continue
	corpus=$work/$name; mkdir -p "$corpus"
	case $name in
	fuzz_snapshot)
		# every fixture: they share the name snapshot.tar, so each under its own
		for f in tests/fixtures/*/snapshot.tar; do cp "$f" "$corpus/$(basename "$(dirname "$f")").tar"; done ;;
	fuzz_decode) printf '0xd2008c22260286\n' > "$corpus/cap" ;;
	fuzz_batch)
		for f in tests/cli/golden-batch/input/*.txt tests/vm/guest/*.txt; do
			cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
		done ;;
	fuzz_klog)
		for f in tests/fixtures/*/dmesg.txt; do cp "$f" "$corpus/$(basename "$(dirname "$f")").txt"; done
		cp tests/cli/golden-decode/input/kernel.log "$corpus/" ;;
	fuzz_journal) cp tests/fuzz/seeds/journal/*.json "$corpus/" ;;
	# the valid image in both kallsyms forms, and with a System.map (fuzz_kern.c)
	fuzz_kern) cp tests/fuzz/seeds/kern/* "$corpus/" ;;
	fuzz_claims) cp tests/fuzz/seeds/claims/* "$corpus/" ;;
	fuzz_acpi)
		# the tables QEMU wrote and ACPICA's templates, each under its own name
		for f in tests/fixtures/acpi/*/*; do cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"; done ;;
	fuzz_mem)
		# the dumps of test-mem.sh: every container and compression mkdump writes
		mkdump_seeds "$corpus"
		# and the inputs that once broke it
		cp tests/fuzz/seeds/mem/* "$corpus/" ;;
	esac
	# the seeds are all there (same-named fixtures once overwrote each other)
	seeds=$(ls "$corpus" | wc -l)
	case $name in
	fuzz_snapshot) want=$(ls tests/fixtures/*/snapshot.tar | wc -l) ;;
	fuzz_batch) want=$(ls tests/cli/golden-batch/input/*.txt tests/vm/guest/*.txt | wc -l) ;;
	fuzz_klog) want=$(( $(ls tests/fixtures/*/dmesg.txt | wc -l) + 1 )) ;;
	fuzz_journal) want=$(ls tests/fuzz/seeds/journal/*.json | wc -l) ;;
	fuzz_claims) want=$(ls tests/fuzz/seeds/claims/* | wc -l) ;;
	fuzz_kern) want=$(ls tests/fuzz/seeds/kern/* | wc -l) ;;
	fuzz_acpi) want=$(ls tests/fixtures/acpi/*/* | wc -l) ;;
	fuzz_mem) want=$(( ${#mem_seeds[@]} + $(ls tests/fuzz/seeds/mem | wc -l) )) ;;
	*) want=$seeds ;;
	esac
	if [ "$seeds" -ne "$want" ]; then
		fail=$((fail + 1)); echo "FAIL $name: $seeds seeds for $want inputs"; continue
	fi
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
		"$corpus" >"$work/$name.log" 2>&1; then
		pass=$((pass + 1))
		cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/$name.log" | tail -n 1)
		echo "ok   $name: $(grep -o 'Done [0-9]* runs' "$work/$name.log" | tail -n 1) in ${secs}s from $seeds seeds, corpus $(ls "$corpus" | wc -l), ${cov:-cov: ?}"
		[ -z "${FUZZ_KEEP:-}" ] || { mkdir -p "$FUZZ_KEEP/$name" && cp "$corpus"/* "$FUZZ_KEEP/$name/"; }
	else
		fail=$((fail + 1))
		echo "FAIL $name"; tail -n 30 "$work/$name.log"
		mkdir -p build-fuzz-crashes && cp crash-* leak-* timeout-* build-fuzz-crashes/ 2>/dev/null
	fi
	rm -f crash-* leak-* timeout-* oom-*
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
