#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Help, man pages and shell completions must agree with the command tables
# (iommuctl --dump-commands): every object, verb and option is documented
# and completed, the batch language's commands in its section of
# iommuctl-vfio(8) and in help as batch commands, the checked-in completion
# files are what the tables generate, the man pages lint clean, and bash
# completion really completes.
# run-all: once (the docs and completions are the sources', whichever build prints the tables)
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
pass=0 fail=0
ok() { pass=$((pass + 1)); [ -z "${VERBOSE:-}" ] || echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi; }

dump=$(mktemp); bindir=$(mktemp -d); trap 'rm -rf "$dump" "$bindir"' EXIT
# the completion scripts ask "iommuctl __complete": this binary
ln -s "$bin" "$bindir/iommuctl"; export PATH=$bindir:$PATH
"$bin" --dump-commands > "$dump" || { echo "--dump-commands failed"; echo "0 passed, 1 failed"; exit 1; }
q() { python3 -c "import json,sys; d=json.load(open('$dump')); $1"; }

# 1. checked-in completions are the generated ones; they parse
for pair in bash:completions/iommuctl.bash zsh:completions/_iommuctl fish:completions/iommuctl.fish; do
	sh=${pair%%:*} file=${pair#*:}
	if cmp -s <("$bin" --completion "$sh") "$file"; then ok "$file up to date"
	else bad "$file is stale: run 'make completions'"; fi
done
check "bash -n completions/iommuctl.bash" bash -n completions/iommuctl.bash
if command -v zsh >/dev/null; then check "zsh -n completions/_iommuctl" zsh -n completions/_iommuctl
else bad "zsh not installed (make test-deps)"; fi
if command -v fish >/dev/null; then check "fish -n completions/iommuctl.fish" fish -n completions/iommuctl.fish
else bad "fish not installed (make test-deps)"; fi

# 2. bash completion completes objects, verbs and each verb's options
complete_words() { # words... -> COMPREPLY, one per line
	bash -c 'source completions/iommuctl.bash; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _iommuctl; printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
objs=$(q 'print(" ".join(o["name"] for o in d["objects"]))')
got=$(complete_words iommuctl "")
for o in $objs; do
	grep -qx "$o" <<<"$got" && ok "complete object $o" || bad "bash completion lacks object $o"
done
q 'print("\n".join(o["name"]+" "+v["name"] for o in d["objects"] for v in o["verbs"]))' | while read -r o v; do
	echo "$o $v"
done | grep -v '^ *$' > "$dump.verbs"
while read -r o v; do
	got=$(complete_words iommuctl "$o" "")
	grep -qx "$v" <<<"$got" && ok "complete verb $o $v" || bad "bash completion lacks verb '$o $v'"
	want=$(q "o=[x for x in d['objects'] if x['name']=='$o'][0]; v=[x for x in o['verbs'] if x['name']=='$v'][0]; print(' '.join('--'+p['long'] for p in v['options'] + (d['list_options'] if v['list'] else []) + d['global_options'] if 'long' in p))")
	got=$(complete_words iommuctl "$o" "$v" "--")
	missing=""
	for w in $want; do grep -qx -- "$w" <<<"$got" || missing="$missing $w"; done
	[ -z "$missing" ] && ok "complete options $o $v" || bad "bash completion of '$o $v' lacks:$missing"
done < "$dump.verbs"
# an object's fallback verb ("decode FORMAT ..."): any word that is no verb
# gets the fallback's options
q 'print("\n".join(o["name"] for o in d["objects"] if "fallback" in o))' | while read -r o; do
	fb=$(q "print([x for x in d['objects'] if x['name']=='$o'][0]['fallback']['name'])")
	want=$(q "o=[x for x in d['objects'] if x['name']=='$o'][0]; v=o['fallback']; print(' '.join('--'+p['long'] for p in v['options'] + (d['list_options'] if v['list'] else []) + d['global_options'] if 'long' in p))")
	# an object without verbs is one command (exec -- CMD): its options come first
	if [ "$(q "print(len([x for x in d['objects'] if x['name']=='$o'][0]['verbs']))")" = 0 ]; then
		got=$(complete_words iommuctl "$o" "--")
	else
		got=$(complete_words iommuctl "$o" "no-such-verb" "--")
	fi
	missing=""
	for w in $want; do grep -qx -- "$w" <<<"$got" || missing="$missing $w"; done
	[ -z "$missing" ] && echo "ok   complete options $o $fb" || echo "FAIL bash completion of '$o $fb' (any word that is no verb) lacks:$missing"
done > "$dump.fb"
pass=$((pass + $(grep -c '^ok' "$dump.fb"))); fail=$((fail + $(grep -c '^FAIL' "$dump.fb")))
grep '^FAIL' "$dump.fb"; [ -z "${VERBOSE:-}" ] || grep '^ok' "$dump.fb"

# 2b. fish completion completes objects, verbs and each verb's options too
if command -v fish >/dev/null; then
	fish_complete() { fish -c "source completions/iommuctl.fish; complete -C '$1'" 2>&1 | cut -f1; }
	got=$(fish_complete "iommuctl ")
	missing=""
	for o in $objs; do grep -qx "$o" <<<"$got" || missing="$missing $o"; done
	[ -z "$missing" ] && ok "fish: objects" || bad "fish completion lacks objects:$missing"
	while read -r o v; do
		got=$(fish_complete "iommuctl $o ")
		grep -qx "$v" <<<"$got" && ok "fish: verb $o $v" || bad "fish completion lacks verb '$o $v'"
		want=$(q "o=[x for x in d['objects'] if x['name']=='$o'][0]; v=[x for x in o['verbs'] if x['name']=='$v'][0]; print(' '.join('--'+p['long'] for p in v['options'] + (d['list_options'] if v['list'] else []) if 'long' in p))")
		got=$(fish_complete "iommuctl $o $v --")
		missing=""
		for w in $want; do grep -qx -- "$w" <<<"$got" || missing="$missing $w"; done
		[ -z "$missing" ] && ok "fish: options $o $v" || bad "fish completion of '$o $v' lacks:$missing"
	done < "$dump.verbs"
fi

# 3. man pages document every object, verb and long option
man_text=$(cat man/*.8 2>/dev/null | sed 's/\\-/-/g; s/\\f[BIRP]//g')
for o in $objs; do
	grep -q "$o" <<<"$man_text" && ok "man: object $o" || bad "man pages do not mention object $o"
done
while read -r o v; do
	grep -qE "$o +$v|$o $v" <<<"$man_text" && ok "man: $o $v" || bad "man pages lack '$o $v'"
done < "$dump.verbs"
for opt in $(q 'print(" ".join(sorted({p["long"] for p in d["global_options"]+d["list_options"]+[p for o in d["objects"] for v in o["verbs"]+([o["fallback"]] if "fallback" in o else []) for p in v["options"]] if "long" in p})))'); do
	grep -q -- "--$opt" <<<"$man_text" && ok "man: --$opt" || bad "man pages lack option --$opt"
done
# the batch language's commands, each in its section of iommuctl-vfio(8)
batch_text=$(sed -n '/^\.SH BATCH LANGUAGE/,/^\.SH [^B]/p' man/iommuctl-vfio.8 | sed 's/\\-/-/g; s/\\f[BIRP]//g')
q 'print("\n".join([o["name"]+" "+v["name"] for o in d["objects"] for v in o["verbs"] if v["batch_only"]] + [o["name"] for o in d["objects"] if o["batch_only"] and not o["verbs"]]))' > "$dump.batch"
[ -s "$dump.batch" ] || bad "--dump-commands names no batch command"
while read -r cmd; do
	grep -qE "^$cmd( |$)" <<<"$batch_text" && ok "man: batch language: $cmd" ||
		bad "the BATCH LANGUAGE section of iommuctl-vfio(8) lacks '$cmd'"
done < "$dump.batch"
# and no command in the man pages that the tables lack (".B iommuctl OBJ VERB" lines)
grep -h '^\.B iommuctl [a-z]' man/*.8 2>/dev/null | awk '$3 != "help" {print $3, $4}' | sort -u | while read -r o v; do
	grep -qx "$o $v" "$dump.verbs" || echo "$o $v"
done > "$dump.stale"
if [ -s "$dump.stale" ]; then bad "man pages name commands the tables lack: $(tr '\n' ';' < "$dump.stale")"
else ok "man pages name no stale commands"; fi
for page in man/*.8; do
	[ -f "$page" ] || { bad "no man pages"; continue; }
	warn=$(groff -ww -z -man "$page" 2>&1)
	[ -z "$warn" ] && ok "groff lint $page" || bad "groff warnings in $page: $warn"
done

# 4. --help works at every level and shows the summary from the table
check "iommuctl --help" "$bin" --help
while read -r o v; do
	s=$(q "o=[x for x in d['objects'] if x['name']=='$o'][0]; print([x for x in o['verbs'] if x['name']=='$v'][0]['summary'])")
	out=$("$bin" "$o" "$v" --help 2>&1); rc=$?
	[ $rc -eq 0 ] && grep -qF -- "$s" <<<"$out" && ok "help $o $v" || bad "'$o $v --help' (rc $rc) lacks its summary"
done < "$dump.verbs"
for o in $objs; do
	out=$("$bin" "$o" --help 2>&1) && ok "help $o" || bad "'$o --help' failed"
done
# -h is --help at every level (iommuctl(8) documents both); help is one
# Usage block wrapped to the terminal's width (COLUMNS when not a terminal),
# with no whitespace-only lines and no argp "Give this help list" capitals
help_shape() { # width words...
	local w=$1; shift
	local out long
	out=$(COLUMNS=$w "$bin" "$@" 2>&1) || { echo "exit $?"; return; }
	[ "$(COLUMNS=$w "$bin" "${@:1:$#-1}" -h 2>&1)" = "$out" ] || echo "-h differs from --help"
	[ "$(grep -c '^Usage' <<<"$out")" -eq 1 ] || echo "$(grep -c '^Usage' <<<"$out") Usage lines"
	! grep -qE '^[[:space:]]+$' <<<"$out" || echo "whitespace-only lines"
	! grep -qE '\s$' <<<"$out" || echo "trailing blanks"
	! grep -qE 'Give this help|Print program version|Give a short usage|Report bugs to|--usage' <<<"$out" || echo "argp's capitalised or --usage lines"
	long=$(awk -v w="$w" 'length($0) >= w' <<<"$out")
	[ -z "$long" ] || echo "lines of $w columns or more: $long"
}
for w in 72 150; do
	r=$(help_shape "$w" --help)
	[ -z "$r" ] && ok "help shape at $w columns: iommuctl --help" || bad "iommuctl --help at $w columns: $r"
	for o in $objs; do
		r=$(help_shape "$w" "$o" --help)
		[ -z "$r" ] && ok "help shape at $w columns: $o" || bad "iommuctl $o --help at $w columns: $r"
	done
done
while read -r o v; do
	r=$(help_shape 72 "$o" "$v" --help)
	[ -z "$r" ] && ok "help shape at 72 columns: $o $v" || bad "iommuctl $o $v --help at 72 columns: $r"
done < "$dump.verbs"
# help lists the batch-only objects apart, as batch commands
help_batch=$("$bin" --help 2>&1 | sed -n '/^Batch commands/,/^$/p')
for o in $(q 'print(" ".join(o["name"] for o in d["objects"] if o["batch_only"]))'); do
	grep -qE "^  $o " <<<"$help_batch" && ok "help: batch command $o" || bad "'iommuctl --help' does not list $o among the batch commands"
done

# 5. no drift between the man pages and the tables in either direction
# every option, long and short, is in a man page the way it is spelt there
# ("-o, --output"); every option a man page defines (a .TP item) exists
q 'import itertools
allo=d["root_options"]+d["global_options"]+d["list_options"]+[p for o in d["objects"] for v in o["verbs"]+([o["fallback"]] if "fallback" in o else []) for p in v["options"]]
seen=set()
for p in allo:
    k=(p.get("short",""),p.get("long",""))
    if k in seen: continue
    seen.add(k); print(k[0] + ":" + k[1])' > "$dump.opts"
man_flat=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/"//g; s/^\.[A-Z]* //' man/*.8)
while IFS=: read -r s l; do
	[ -n "$l" ] || continue
	if [ -n "$s" ] && [ -z "$(grep -E -- "(^|[ (])-$s( *, *| +)--$l([ =,.)]|$)" <<<"$man_flat")" ]; then
		bad "man pages lack '-$s, --$l' (the short form)"
	else
		grep -qE -- "(^|[^a-z-])--$l([^a-z-]|$)" <<<"$man_flat" && ok "man: --$l" || bad "man pages lack option --$l"
	fi
done < "$dump.opts"
# options the man pages define: the .TP items' first words
awk 'prev ~ /^\.TP/ && /^\.B/ {print} {prev=$0}' man/*.8 | sed 's/\\-/-/g; s/\\f[BIRP]//g; s/"//g' |
	grep -oE -- '(^|[ ,])--[a-z][a-z0-9-]*' | sed 's/^[ ,]*--//' | sort -u > "$dump.manopts"
while read -r l; do
	grep -qx -- ".*:$l" "$dump.opts" && ok "option --$l exists" ||
		bad "man pages define --$l, which no command has"
done < "$dump.manopts"
# the IOMMU kinds a page lists are the kinds the tool prints
kinds=$(q 'print(" ".join(d["iommu_kinds"]))')
sed 's/\\-/-/g' man/iommuctl.8 | tr '\n' ' ' | grep -oE 'kind \([^;)]*' | sed 's/^kind (//' | tr ',' '\n' |
	sed 's/^ *//; s/ *$//' | grep -vE '^(\.\.\.)?$' | while read -r k; do
	grep -qw -- "$k" <<<"$kinds" && echo "ok   man kind $k" || echo "FAIL iommuctl(8) lists kind '$k', which the tool never prints ($kinds)"
done > "$dump.kinds"
[ -s "$dump.kinds" ] || echo "FAIL no kind list found in iommuctl(8) (iommu list)" >> "$dump.kinds"
pass=$((pass + $(grep -c '^ok' "$dump.kinds"))); fail=$((fail + $(grep -c '^FAIL' "$dump.kinds"))); grep '^FAIL' "$dump.kinds"
# default verbs: 'iommuctl OBJECT' runs one (on a fixture where it reads a
# source), or says in one line what it needs
for ov in $(q 'print(" ".join(o["name"]+":"+o["default_verb"] for o in d["objects"] if "default_verb" in o))'); do
	o=${ov%%:*} v=${ov#*:}
	case $o in decode|walk|translate|batch|apply) src=() ;; *) src=(-F tests/fixtures/vtd/snapshot.tar) ;; esac
	"$bin" "${src[@]}" "$o" </dev/null >/dev/null 2>"$dump.err"; rc=$?
	if [ $rc -eq 0 ] || { [ $rc -ne 2 ] || grep -q "^iommuctl: $o $v: " "$dump.err"; } && [ $rc -lt 128 ] &&
		{ [ $rc -eq 0 ] || [ "$(grep -vc "^Try '" "$dump.err")" -eq 1 ]; }; then
		ok "default verb: iommuctl $o ($v) exits $rc"
	else
		bad "iommuctl $o (default verb $v) exits $rc: $(head -n 3 "$dump.err")"
	fi
done
# the examples in the man pages and the README run: on the VT-d fixture when
# they read a machine, as they are otherwise; none is a usage error (2)
python3 - "$bin" > "$dump.ex" <<'EOF'
import glob, os, re, shlex, subprocess, sys, tempfile
bin = sys.argv[1]
fixture = os.path.abspath("tests/fixtures/vtd/snapshot.tar")
# an example's files (host.tar, vmcore) are looked for, and none written, in an empty directory
cwd = tempfile.mkdtemp()
view_free = {"decode", "mem", "walk", "translate", "batch", "help"}
seen = set()
def examples(path):
    # man: prompts ($, #) and the lines of .EX/.nf blocks, .B lines of
    # EXAMPLES; README: the lines of ``` blocks
    text = open(path).read()
    man = path.endswith(".8")
    if man:
        text = text.replace("\\-", "-").replace("\\e", "\\")
        text = re.sub(r"\\f[BIRP]", "", text)
    block = section = False
    for line in text.splitlines():
        s = line.strip()
        if man and s.startswith(".SH"):
            section = s.startswith(".SH EXAMPLE")
        if s in (".EX", ".nf") or (not man and s.startswith("```") and not block):
            block = True
            continue
        if s in (".EE", ".fi") or (not man and s.startswith("```")):
            block = False
            continue
        m = re.match(r"^(?:[$#] +|\.B +)?(iommuctl [a-z-].*)$", s)
        if not m:
            continue
        if s.startswith(("$", "#")) or block or (man and section and s.startswith(".B ")):
            yield m.group(1).strip()
for path in sorted(glob.glob("man/*.8")) + ["README.md"]:
    for ex in examples(path):
        if re.search(r"[|<>`;&]|\$\(|\\$|\.\.\.|[A-Z]{3,}", ex.split("#")[0]) or ex in seen:
            continue  # a pipe, a redirection, a placeholder (FILE, SEL...), a continuation
        if re.search(r"snapshot save|\bcdi\b|(^| )-o /", ex):
            continue  # writes a file
        seen.add(ex)
        try:
            words = shlex.split(ex, comments=True)
        except ValueError:
            continue
        args = words[1:]
        obj = next((w for w in args if not w.startswith("-")), "")
        if obj not in view_free and "-F" not in args and "--sysfs-root" not in args and \
                not any(w.startswith("--snapshot") for w in args):
            args = ["-F", fixture] + args
        try:
            r = subprocess.run([bin] + args, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, cwd=cwd)
            rc, err = r.returncode, r.stderr.decode(errors="replace").strip().splitlines()
        except subprocess.TimeoutExpired:
            rc, err = "timeout", []
        ok = rc not in (2, "timeout") and isinstance(rc, int) and 0 <= rc < 128
        print(("ok   " if ok else "FAIL ") + "%s: example '%s' exits %s%s" % (path, ex, rc, "" if ok else ": " + " / ".join(err[:2])))
for f in os.listdir(cwd):
    print("FAIL the example commands wrote %s" % f)
    os.unlink(os.path.join(cwd, f))
os.rmdir(cwd)
EOF
pass=$((pass + $(grep -c '^ok' "$dump.ex"))); fail=$((fail + $(grep -c '^FAIL' "$dump.ex"))); grep '^FAIL' "$dump.ex"
[ -z "${VERBOSE:-}" ] || grep '^ok' "$dump.ex" "$dump.kinds"
rm -f "$dump.opts" "$dump.manopts" "$dump.kinds" "$dump.err" "$dump.ex"
rm -f "$dump.verbs" "$dump.stale" "$dump.fb" "$dump.batch"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
