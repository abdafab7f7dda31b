#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of `iommuctl mem`: tests/tools/mkdump writes the same
# physical memory as ELF vmcores (plain, split into many segments with
# e_phnum overflow, big-endian), a raw image with a base, kdump files in
# every compression, an incomplete kdump and kdump files in makedumpfile's
# flattened stream (read directly); then `mem info` (text and
# JSON) must match the expected files, `mem read` must give identical bytes
# from every container, excluded and missing memory must stop the read
# with exit status 3 (never zeros), and hostile files (a bad flattened
# header among them) and bad arguments must fail with their documented status and one
# line. Everything runs in a temporary directory with relative paths, so
# the output holds no machine-specific path.
#   tests/cli/test-mem.sh [BINARY]        (default ./iommuctl)
#   UPDATE=1 tests/cli/test-mem.sh        rewrite the expected files
set -u
export LC_ALL=C
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.." || exit 1
top=$PWD
golden=$top/tests/cli/golden-mem

. $top/tests/cli/lib.sh

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# compare NAME FILE: FILE against $golden/NAME
compare() { golden_compare "$1" "$2" "$golden/$1"; }

# run NAME RC ARGS...: run `iommuctl ARGS` in the dump directory, require
# exit status RC, compare stdout with NAME and, when anything went to
# stderr or RC is not 0, stderr with NAME.err. A .json NAME must be JSON.
run() {
	local name=$1 want_rc=$2 rc; shift 2
	(cd "$tmp/d" && "$bin" "$@") >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit status $rc, expected $want_rc: $(head -n 2 "$tmp/err")"
		return
	fi
	case $name in
	*.json)
		if [ -s "$tmp/out" ] && ! python3 -m json.tool "$tmp/out" >/dev/null 2>&1; then
			bad "$name: output is not valid JSON"
			return
		fi ;;
	esac
	compare "$name" "$tmp/out"
	if [ -s "$tmp/err" ] || [ "$want_rc" -ne 0 ]; then
		compare "$name.err" "$tmp/err"
	fi
}

# fails NAME RC PATTERN ARGS...: exit status RC, nothing on stdout, exactly
# one line on stderr, matching PATTERN (grep -E)
fails() {
	local name=$1 want_rc=$2 pat=$3 rc; shift 3
	(cd "$tmp/d" && "$bin" "$@") >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		bad "$name: exit status $rc, expected $want_rc: $(head -n 2 "$tmp/err")"
	elif [ -s "$tmp/out" ] && ! json_error_matches "$tmp/out" "$want_rc" "$tmp/err"; then
		bad "$name: wrote to stdout: $(head -c 200 "$tmp/out")"
	elif [ "$(wc -l < "$tmp/err")" -ne 1 ]; then
		bad "$name: $(wc -l < "$tmp/err") lines on stderr, expected 1: $(head -n 3 "$tmp/err")"
	elif ! grep -qE -- "$pat" "$tmp/err"; then
		bad "$name: stderr lacks /$pat/: $(cat "$tmp/err")"
	else
		ok "$name (exit $rc: $(cat "$tmp/err"))"
	fi
}

# ---- the dumps ----

mkdump=$tmp/mkdump
if ! cc -std=gnu11 -O2 -D_GNU_SOURCE -DHAVE_ZLIB -DHAVE_LZO2 -DHAVE_SNAPPY -DHAVE_ZSTD -Isrc \
	tests/tools/mkdump.c -o "$mkdump" -lz -llzo2 -lsnappy -lzstd 2>"$tmp/cc.err"; then
	bad "cannot build tests/tools/mkdump.c: $(head -n 3 "$tmp/cc.err")"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "build mkdump"

mkdir -p "$tmp/d"
cd "$tmp/d" || exit 1
# pages 1-3 data, 4-5 excluded, 6 a fill pattern (text), a hole, 0x10-0x12
# data (0x12 all zero), another hole, 0x20 excluded
cat > spec <<'EOF'
region 0x1000 0x3000 seed:1
exclude 0x4000 0x2000
region 0x6000 0x1000 fill:0x5a
region 0x10000 0x2000 seed:2
word 0x10008 0x4142434445464748
region 0x12000 0x1000 zero
exclude 0x20000 0x1000
EOF
gen() { # FILE MKDUMP-OPTIONS...
	local f=$1; shift
	if "$mkdump" -o "$f" "$@" spec 2>"$tmp/mk.err"; then ok "mkdump $f"
	else bad "mkdump $f $*: $(cat "$tmp/mk.err")"; fi
}
gen vmcore.elf -f elf
gen split.elf -f elf -S 0x1000 -X
gen be.elf -f elf -E -m ppc64
gen mem.raw -f raw -B 0x1000
gen none.kdump -f kdump -c none
gen zlib.kdump -f kdump -c zlib
gen lzo.kdump -f kdump -c lzo
gen snappy.kdump -f kdump -c snappy
gen zstd.kdump -f kdump -c zstd
gen cut.kdump -f kdump -c zlib -I 2
# makedumpfile's flattened stream (QEMU's kdump output up to 8.1, makedumpfile -F):
# in order in QEMU's 16 KiB records; shuffled 1000-byte records, the header twice
gen zlib-flat.kdump -f kdump -c zlib -F 16384
gen zstd-flat.kdump -f kdump -c zstd -F 1000 -R
dumps="vmcore.elf split.elf be.elf mem.raw none.kdump zlib.kdump lzo.kdump snappy.kdump zstd.kdump cut.kdump zlib-flat.kdump zstd-flat.kdump"
cd "$top" || exit 1

# ---- mem info ----

for f in $dumps; do
	opts=""
	[ "$f" = mem.raw ] && opts="--mem-format raw --mem-base 0x1000"
	# shellcheck disable=SC2086
	run "info/$f.txt" 0 mem info $opts "$f"
	# shellcheck disable=SC2086
	run "info/$f.json" 0 -j mem info $opts "$f"
done
run info/mem.raw-auto.txt 0 mem info mem.raw
run info/vmcore.elf-v.txt 0 -v mem info vmcore.elf
run info/zstd.kdump-pretty.json 0 -p mem info zstd.kdump

# the facts each container must show
jq_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
for f in $dumps; do
	[ "$f" = mem.raw ] && continue
	(cd "$tmp/d" && "$bin" -j mem info "$f") > "$tmp/info.json" 2>/dev/null
	got=$(jq_get "$tmp/info.json" "d['data_bytes'], d['excluded_bytes'], d['pa_start'], d['pa_end'], d['page_size'], d['os_release']")
	want="(28672, 12288, '0x1000', '0x21000', 4096, '6.1.0-mkdump')"
	[ "$got" = "$want" ] && ok "info $f: data and excluded bytes, span, page size, release" ||
		bad "info $f: got $got, expected $want"
	case $f in
	*.kdump)
		c=${f%.kdump}; c=${c%-flat}; [ "$c" = cut ] && c=zlib
		got=$(jq_get "$tmp/info.json" "','.join(d['kdump']['compression_declared']) or 'none', ','.join(d['kdump']['compression_seen']) or 'none', d['kdump']['incomplete']")
		# cut.kdump keeps two pages of random data: stored as they are
		inc=False seen=$c; [ "$f" = cut.kdump ] && inc=True seen=none
		[ "$got" = "('$c', '$seen', $inc)" ] && ok "info $f: compression declared $c, seen $seen, incomplete $inc" ||
			bad "info $f: compression/incomplete $got, expected ('$c', '$seen', $inc)" ;;
	esac
done
(cd "$tmp/d" && "$bin" -j mem info vmcore.elf) > "$tmp/plain.json"
(cd "$tmp/d" && "$bin" -j mem info split.elf) > "$tmp/info.json"
plain=$(jq_get "$tmp/plain.json" "d['elf']['segments']")
[ "$(jq_get "$tmp/info.json" "d['elf']['phnum_extended'], d['elf']['segments'] > $plain")" = "(True, True)" ] &&
	ok "info split.elf: e_phnum extended, more segments than vmcore.elf ($plain)" ||
	bad "info split.elf: not PN_XNUM, or no more segments than vmcore.elf"

# more than 50 ranges: text lists 50 and says how many more; -v and JSON list all
cd "$tmp/d" || exit 1
for i in $(seq 0 59); do printf 'region 0x%x 0x1000 seed:%d\n' $((0x100000 + i * 0x2000)) "$i"; done > many.spec
"$mkdump" -o many.kdump -f kdump -c zstd many.spec 2>/dev/null
cd "$top" || exit 1
run info/many.kdump.txt 0 mem info many.kdump
(cd "$tmp/d" && "$bin" -v mem info many.kdump) | grep -c '^  0x' > "$tmp/n"
[ "$(cat "$tmp/n")" -eq 60 ] && ok "info -v lists all 60 ranges" || bad "info -v listed $(cat "$tmp/n") ranges, expected 60"
(cd "$tmp/d" && "$bin" -j mem info many.kdump) > "$tmp/info.json"
[ "$(jq_get "$tmp/info.json" "len(d['ranges'])")" = 60 ] && ok "info -j lists all 60 ranges" ||
	bad "info -j did not list 60 ranges"

# a long VMCOREINFO: text shows 10 lines and how many more; -v all of them
cd "$tmp/d" || exit 1
vmci=$(printf 'OSRELEASE=6.9.0-long\nPAGESIZE=4096\n'; for i in $(seq 1 12); do printf 'SYMBOL(sym%d)=ffffffff8100%04x\n' "$i" "$i"; done)
"$mkdump" -o long.elf -f elf -V "$vmci" -e 'region 0x1000 0x1000 seed:9' 2>/dev/null
cd "$top" || exit 1
run info/long.elf.txt 0 mem info long.elf
(cd "$tmp/d" && "$bin" -v mem info long.elf) > "$tmp/out"
grep -q 'SYMBOL(sym12)' "$tmp/out" && ! grep -q 'more lines' "$tmp/out" &&
	ok "info -v shows all 14 VMCOREINFO lines" || bad "info -v does not show every VMCOREINFO line"

# ---- mem read: the same bytes from every container ----

reads="0x1000:0x40 0x1ff8:0x20 0x3ff0:0x10 0x6000:0x1000 0x10003:0x2000 0x1000:0x3000 4096:16"
run read/vmcore.elf-0x1000-0x40.txt 0 mem read vmcore.elf 0x1000 0x40
run read/vmcore.elf-0x1ff8-0x20.json 0 -j mem read vmcore.elf 0x1ff8 0x20
run read/vmcore.elf-0x10003-0x30.txt 0 mem read vmcore.elf 0x10003 0x30
run read/vmcore.elf-0x10000-0x20-pretty.json 0 mem read -p vmcore.elf 0x10000 0x20
for f in $dumps; do
	[ "$f" = vmcore.elf ] && continue
	[ "$f" = cut.kdump ] && continue        # two pages only: below
	opts=""
	[ "$f" = mem.raw ] && opts="--mem-format raw --mem-base 0x1000"
	same=0 diffs=""
	for r in $reads; do
		pa=${r%:*} len=${r#*:}
		for j in "" -j; do
			(cd "$tmp/d" && "$bin" $j mem read vmcore.elf "$pa" "$len") > "$tmp/want" 2>&1
			# shellcheck disable=SC2086
			(cd "$tmp/d" && "$bin" $j mem read $opts "$f" "$pa" "$len") > "$tmp/got" 2>&1
			if cmp -s "$tmp/want" "$tmp/got" && [ -s "$tmp/want" ]; then same=$((same + 1))
			else diffs="$diffs $pa+$len${j:+(json)}"; fi
		done
	done
	[ -z "$diffs" ] && ok "read $f: $same reads identical to vmcore.elf" ||
		bad "read $f differs from vmcore.elf at:$diffs"
done
# the bytes are the ones written: the fill page, the word, the zero page
cd "$tmp/d" || exit 1
head -c 4096 /dev/zero | tr '\0' '\132' > "$tmp/fill"
for f in vmcore.elf zstd.kdump lzo.kdump; do
	"$bin" mem read --binary "$f" 0x6000 0x1000 > "$tmp/got" 2>/dev/null
	cmp -s "$tmp/fill" "$tmp/got" && ok "read --binary $f: the 0x5a page" || bad "read --binary $f: not the 0x5a page"
	"$bin" mem read --binary "$f" 0x12000 0x1000 > "$tmp/got" 2>/dev/null
	cmp -s <(head -c 4096 /dev/zero) "$tmp/got" && ok "read --binary $f: the zero page" || bad "read --binary $f: not the zero page"
	"$bin" mem read "$f" 0x10008 8 > "$tmp/got" 2>/dev/null
	grep -q '48 47 46 45 44 43 42 41 .*|HGFEDCBA|' "$tmp/got" && ok "read $f: the word at 0x10008" ||
		bad "read $f: word at 0x10008: $(cat "$tmp/got")"
done
cd "$top" || exit 1

# ---- mem read: excluded, missing, lost, corrupt ----

run read/excluded-kdump.txt 3 mem read zlib.kdump 0x3fe0 0x40
run read/excluded-kdump.json 3 -j mem read zlib.kdump 0x3fe0 0x40
run read/excluded-elf.txt 3 mem read vmcore.elf 0x3fe0 0x40
run read/excluded-lone.txt 3 mem read snappy.kdump 0x20000 0x10
run read/missing-kdump.txt 3 mem read zstd.kdump 0x7000 0x10
run read/missing-elf.txt 3 mem read split.elf 0x6ff0 0x20
run read/missing-raw.txt 3 mem read --mem-format raw --mem-base 0x1000 mem.raw 0x800 0x10
run read/beyond-kdump.txt 3 mem read lzo.kdump 0x1000000 0x10
run read/lost-incomplete.txt 3 mem read cut.kdump 0x2ff0 0x20
run read/kept-incomplete.txt 0 mem read cut.kdump 0x1ff0 0x20
# excluded memory never reads as zeros: stdout ends before the fault
for f in vmcore.elf none.kdump zlib.kdump lzo.kdump snappy.kdump zstd.kdump; do
	(cd "$tmp/d" && "$bin" mem read "$f" 0x3ff0 0x2000) > "$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -eq 3 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q '^0x00003ff0:' "$tmp/out" &&
	   ! grep -q '^0x00004000' "$tmp/out" && grep -q 'excluded page at 0x4000' "$tmp/err"; then
		ok "read $f across an excluded page: 16 bytes, then 'excluded', exit 3"
	else
		bad "read $f across an excluded page: rc $rc, $(wc -l < "$tmp/out") lines, $(cat "$tmp/err")"
	fi
	(cd "$tmp/d" && "$bin" -j mem read "$f" 0x4000 0x10) > "$tmp/out" 2>/dev/null
	[ "$(jq_get "$tmp/out" "d['len'], d['data'], d['fault']['kind']")" = "(0, '', 'excluded')" ] &&
		ok "read -j $f of an excluded page: no data, fault 'excluded'" ||
		bad "read -j $f of an excluded page: $(cat "$tmp/out")"
done

# a corrupt compressed page (the fill page: random pages are stored as they are): exit 1, named
cd "$tmp/d" || exit 1
cp zlib.kdump bad.kdump
desc=$("$bin" -j mem info bad.kdump | python3 -c 'import json,sys; print(int([r for r in json.load(sys.stdin)["ranges"] if r["start"] == "0x6000"][0]["file_offset"], 16))')
python3 - "$desc" <<'EOF'
import struct, sys
d = int(sys.argv[1])
with open("bad.kdump", "r+b") as f:
    f.seek(d)
    off, size, flags = struct.unpack("<QII", f.read(16))
    assert flags == 1, flags
    f.seek(off + size // 2)
    f.write(bytes((0x55 + i) & 0xff for i in range(min(16, size // 2))))
EOF
cd "$top" || exit 1
run read/corrupt-kdump.txt 1 mem read bad.kdump 0x6000 0x20
run info/corrupt-kdump.txt 0 mem info bad.kdump

# ---- hostile files, the flattened format ----

cd "$tmp/d" || exit 1
head -c 3000 vmcore.elf > trunc.elf
head -c 9000 zlib.kdump > trunc.kdump
head -c 20 vmcore.elf > tiny.elf
{ printf '\177ELF'; awk 'BEGIN { for (i = 0; i < 4000; i++) printf "%c", (i * 37 + 11) % 251 + 1 }'; } > garbage.elf
{ printf 'KDUMP   '; awk 'BEGIN { for (i = 0; i < 4000; i++) printf "%c", (i * 53 + 7) % 251 + 1 }'; } > garbage.kdump
{ printf 'makedumpfile'; head -c 4084 /dev/zero; } > flat.kdump
: > empty
cd "$top" || exit 1
fails "info truncated ELF" 1 'trunc.elf: .*(past the end|truncated)' mem info trunc.elf
fails "info truncated kdump" 1 'trunc.kdump: .*(past the end|truncated)' mem info trunc.kdump
fails "read truncated kdump" 1 'trunc.kdump: ' mem read trunc.kdump 0x1000 16
fails "info 20-byte ELF" 1 'tiny.elf: truncated ELF header' mem info tiny.elf
fails "info garbage ELF" 1 '^iommuctl: mem info: garbage.elf: ' mem info garbage.elf
fails "info garbage kdump" 1 '^iommuctl: mem info: garbage.kdump: ' mem info garbage.kdump
fails "read garbage kdump" 1 '^iommuctl: mem read: garbage.kdump: ' mem read garbage.kdump 0 16
fails "info ELF as --mem-format kdump" 1 'vmcore.elf: no "KDUMP   " signature' mem info --mem-format kdump vmcore.elf
fails "info empty file" 1 'empty: empty file' mem info empty
fails "info missing file" 1 'no-such-file: No such file' mem info no-such-file
fails "info flattened, type 0" 1 'flat.kdump: flattened dump: type 0, version 0' mem info flat.kdump
fails "read flattened, type 0" 1 'flat.kdump: flattened dump: type 0' mem read flat.kdump 0 16
run info/garbage.elf.txt 1 mem info garbage.elf
run info/flat.kdump.txt 1 mem info flat.kdump

# ---- bad arguments ----

fails "read: PA not a number" 2 "PA '0xzz': not an address" mem read vmcore.elf 0xzz 16
fails "read: PA with a sign" 2 "PA '\+5': not an address" mem read vmcore.elf +5 16
fails "read: LEN not a number" 2 "LEN '1k': not a length" mem read vmcore.elf 0x1000 1k
fails "read: LEN 0" 2 'LEN 0: give 1 to' mem read vmcore.elf 0x1000 0
fails "read: LEN over 64 MiB" 2 'LEN 0x4000001: give 1 to 67108864' mem read vmcore.elf 0x1000 0x4000001
fails "read: PA + LEN wraps" 2 'wraps around' mem read vmcore.elf 0xfffffffffffffff0 0x20
fails "read: --binary with -j" 2 '--binary and --json' -j mem read --binary vmcore.elf 0x1000 16
fails "info: --mem-format bogus" 2 '--mem-format bogus: give auto, elf, kdump or raw' mem info --mem-format bogus vmcore.elf
fails "info: --mem-base not a number" 2 '--mem-base 12q: not a number' mem info --mem-base 12q mem.raw
fails "info: --mem-base with --mem-format elf" 2 '--mem-base applies to raw images' mem info --mem-format elf --mem-base 0x1000 vmcore.elf
fails "info: --mem-base on an ELF file" 2 '--mem-base applies to raw images; vmcore.elf is elf' mem info --mem-base 0x1000 vmcore.elf
(cd "$tmp/d" && "$bin" mem info --format elf vmcore.elf) >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unrecognized option '--format'" "$tmp/err" &&
	ok "info: --format names page-table formats, not dumps (exit 2)" || bad "info --format: rc $rc: $(cat "$tmp/err")"
fails "info: two dumps named" 2 'two dumps named' mem info --mem mem.raw vmcore.elf
fails "info: no dump named" 2 '--mem FILE is required' mem info
(cd "$tmp/d" && "$bin" mem read vmcore.elf 0x1000) >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'missing argument: FILE PA LEN' "$tmp/err" && ok "read: missing LEN (exit 2)" ||
	bad "read: missing LEN: rc $rc: $(head -n 1 "$tmp/err")"
(cd "$tmp/d" && "$bin" mem info vmcore.elf extra) >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && ok "info: an extra argument (exit 2)" || bad "info: extra argument: rc $rc"

# ---- a segment whose excluded tail spans other segments ----
# (the fuzz campaign's find: seven data segments inside one p_memsz > p_filesz
# tail cut it into more excluded pieces than the map had room for, a heap
# overflow the sanitizer build reports)
f=tests/fuzz/seeds/mem/excluded-over-data.elf
out=$("$bin" -j mem info "$f" 2>"$tmp/err"); rc=$?
if [ $rc -eq 0 ] && python3 -c '
import json, sys
d = json.loads(sys.argv[1]); r = d["ranges"]
kinds = [x["kind"] for x in r]
ok = d["data_ranges"] == 7 and kinds.count("excluded") == 4 and len(r) == 11 and \
    all(int(a["end"], 16) <= int(b["start"], 16) for a, b in zip(r, r[1:]))
sys.exit(not ok)' "$out"; then
	ok "info: an excluded tail over seven data segments: 7 data and 4 excluded pieces, in order"
else
	bad "info: excluded tail over data segments: rc $rc: $(head -c 300 "$tmp/err")"
fi

# ---- a batch keeps a dump open between its lines ----
# Six reads of one kdump and one of an ELF file in a batch: the kdump is
# opened (and its page descriptors indexed) once, each line's bytes are
# those of the same read run alone, and mem info still opens its own.
bl=$tmp/d/keep.batch
: >"$bl"; : >"$tmp/keep.want"
for pa in 0x1000 0x1008 0x10000 0x10008 0x6000 0x2ff8; do
	echo "mem read zlib.kdump $pa 8" >>"$bl"
	(cd "$tmp/d" && "$bin" mem read zlib.kdump "$pa" 8) >>"$tmp/keep.want" 2>&1
done
echo "mem read vmcore.elf 0x10008 8" >>"$bl"
(cd "$tmp/d" && "$bin" mem read vmcore.elf 0x10008 8) >>"$tmp/keep.want" 2>&1
if command -v strace >/dev/null 2>&1; then
	# (LeakSanitizer cannot run under a tracer: the sanitizer build's leaks are checked by the run below)
	(cd "$tmp/d" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -e trace=open,openat,openat2 -o "$tmp/keep.trace" "$bin" -v batch keep.batch) \
		>"$tmp/keep.out" 2>"$tmp/keep.err"; rc=$?
	n=$(grep -c '"zlib.kdump"' "$tmp/keep.trace")
	[ $rc = 0 ] && [ "$n" = 1 ] && ok "batch: six reads of one kdump open it once (strace: $n open)" ||
		bad "batch: six reads of one kdump: rc $rc, $n opens: $(head -n 2 "$tmp/keep.err")"
else
	skip_broken "batch: the kdump's opens not counted: strace is not installed (make check installs it)"
fi
(cd "$tmp/d" && "$bin" -v batch keep.batch) >"$tmp/keep.out" 2>"$tmp/keep.err"
grep -v -e '^keep.batch:' -e '^7 ok, 0 failed$' "$tmp/keep.out" | cmp -s - "$tmp/keep.want" &&
	ok "batch: each kept-open read gives the bytes of the same read alone" ||
	bad "batch: the kept-open reads differ from the reads alone: $(grep -v '^keep.batch:' "$tmp/keep.out" | diff - "$tmp/keep.want" | head -n 3)"
grep -qx 'iommuctl: batch: memory dumps opened 2 times for its lines' "$tmp/keep.err" &&
	ok "batch -v: memory dumps opened 2 times for its 7 lines" ||
	bad "batch -v: $(tail -n 1 "$tmp/keep.err")"
(cd "$tmp/d" && printf 'mem read zlib.kdump 0x1000 8\nmem info zlib.kdump\n' | "$bin" batch - ) >"$tmp/keep.out" 2>&1
(cd "$tmp/d" && "$bin" mem info zlib.kdump) >"$tmp/keep.info" 2>&1
sed -n '/^<stdin>:1:/,/^<stdin>:2:/p' "$tmp/keep.out" | sed '1d;$d' | cmp -s - "$tmp/keep.info" &&
	ok "batch: mem info after a read says what it says alone (its pages sampled afresh)" ||
	bad "batch: mem info after a read differs from mem info alone"

# The file changes between two lines of a running batch (a pipe feeds it
# line by line): replaced by another file, the next line reads the new one;
# cut to nothing, the next line fails with one line naming it.
head -c 8192 /dev/urandom >"$tmp/d/chg.raw"
head -c 8192 /dev/zero | tr '\0' 'B' >"$tmp/d/chg.new"
head -c 8192 /dev/zero | tr '\0' 'C' >"$tmp/d/chg.same"
out=$(cd "$tmp/d" && timeout 60 python3 - "$bin" <<'PY' 2>&1
import os, subprocess, sys
p = subprocess.Popen([sys.argv[1], "batch", "--force", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE, text=True, bufsize=1)
def line(n, l):
    p.stdin.write(l + "\n"); p.stdin.flush()
    out = []
    while True:
        s = p.stdout.readline()
        if not s or s.startswith("<stdin>:%d:" % n):
            return "".join(out), s
        out.append(s)
cmd = "mem read --mem-format raw chg.raw 0x10 8"
a = line(1, cmd)
os.rename("chg.new", "chg.raw")
b = line(2, cmd)
# the same file rewritten in place, its size kept (a new mtime)
with open("chg.raw", "r+b") as f:
    f.write(open("chg.same", "rb").read())
os.utime("chg.raw", ns=(1, 1))
c = line(3, cmd)
os.truncate("chg.raw", 0)
d = line(4, cmd)
p.stdin.close(); p.stdout.read(); err = p.stderr.read(); p.wait()
ok = (" ok " in a[1] and "BBBBBBBB" in b[0] and " ok " in b[1] and "CCCCCCCC" in c[0] and
      "FAIL" in d[1] and "chg.raw: empty file" in err)
print("ok" if ok else "bad %r %r %r %r %r" % (a, b, c, d, err))
PY
)
[ "$out" = ok ] && ok "batch: a dump replaced, rewritten or emptied between lines is read afresh" ||
	bad "batch: a dump changed between lines: $out"

# ---- help ----

for v in info read; do
	out=$("$bin" mem "$v" --help 2>&1); rc=$?
	[ $rc -eq 0 ] && grep -q -- '--mem-format' <<<"$out" && grep -q -- '--mem-base' <<<"$out" &&
		ok "mem $v --help" || bad "mem $v --help (rc $rc)"
done
out=$("$bin" mem --help 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q 'info \[FILE\]' <<<"$out" && grep -q 'read FILE PA LEN' <<<"$out" &&
	ok "mem --help lists info and read" || bad "mem --help (rc $rc) does not list both verbs"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
