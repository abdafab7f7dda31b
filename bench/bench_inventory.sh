#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Inventory benchmark (issue 15): `iommuctl group list`, `device list` and
# `iommu list` against the filesystem floor and the peers, every command on
# the same tree in the same run. Each tree is bound over /sys in one private
# mount namespace (unshare -m; needs root), so every tool reads /sys as it
# would on a machine; nothing outside the namespace sees the trees.
#
# Trees: a real 6.12 guest's (tests/fixtures/vtd/snapshot.tar, completed by
# bench/realtree.py with the files the snapshot does not record) and the
# synthetic trees of tests/tools/mksysfs.py, SIZES groups x 4 devices
# (default 256x4, 1024x4 and 4096x4: 1k, 4k and 16k devices), built once
# and cached under CACHE_DIR/trees/KEY (KEY: the generator's and this
# layout's content; 16k devices take ~40 s to build and 2.1 GB on ext4).
#
# Rows, each timed with build/bench/bench_run (fork+exec, no shell; best and
# mean of up to RUNS runs or TIME seconds, whichever ends first):
#   floor      find /sys/kernel/iommu_groups -type l
#   attrs      bench/attr_floor.c: the reads of device list's default columns
#              and nothing else (each device's uevent and config looked at,
#              opened, read, closed; its iommu_group link read), a second
#              floor: what those columns cost before iommuctl does any work
#   iommuctl   group list, device list, iommu list (the binary given)
#   peers      lspci -nnkv, driverctl list-devices, dpdk-devbind.py --status,
#              lsiommu (built by bench/build-lsiommu.sh outside the repository)
# and their ratio to the floor; iommuctl device list / attrs and attrs / floor;
# iommuctl group list / lsiommu on the trees
# lsiommu can list; the curve time per device at 1k, 4k, 16k; and
# `strace -c -f` of `iommuctl group list` on the 4096-device tree (and on the
# real tree, beside lsiommu's). Ratios, no thresholds; the machine is shared:
# take the best of several runs of the whole bench before quoting a number.
#
# Usage: bench/bench_inventory.sh [IOMMUCTL] [CACHE_DIR]
#   IOMMUCTL   default ./iommuctl
#   CACHE_DIR  default ${XDG_CACHE_HOME:-~/.cache}/iommuctl-bench
#   SIZES="256x4 1024x4 4096x4"   the synthetic trees, GROUPSxPER
#   RUNS=N       most runs of a command on the largest tree (default 5; the
#                smaller trees get more: 100 real, 20 at 1k, 10 at 4k)
#   TIME=S       stop repeating a command after S seconds (default 2)
#   MAXSECS=S    skip a peer whose time on a tree, estimated from its times
#                on the trees before (start-up on the real tree, then per
#                device), exceeds S (default 30; 0: run every peer on every
#                tree). Every peer runs on the real and the first synthetic
#                tree; driverctl takes ~10-40 ms a device, so by default it
#                runs on the 1k tree once, and no larger)
#   PEERS="lspci driverctl dpdk lsiommu"   the peers to run (default all;
#                PEERS="lspci lsiommu" for a run of a minute or two)
#   LSIOMMU=PATH the lsiommu binary (default CACHE_DIR/lsiommu/lsiommu)
#   O=DIR        where bench_run is built (default build: build/bench)
# The inner run's variables come from the outer run's environment, and
# bench/lib.sh sets bench_run:
# shellcheck disable=SC2153,SC2154,SC1091
set -eu
cd "$(dirname "$0")/.."

if [ "${1:-}" = --inner ]; then
	# --- inside the mount namespace: measure, write raw results to $res ---
	# (BENCH_RUN, ATTR_FLOOR, BIN, LSIOMMU, DPDK, TREES, TIME, MAXSECS, PEERS: from the outer run)
	shift
	res=$1; shift
	br=$BENCH_RUN
	# base[row], prev[row]: "SECONDS/DEVICES" of a peer on the first tree it
	# ran on and on the last
	declare -A base=() prev=()
	cmd_of() {
		case $1 in
		floor) echo "find /sys/kernel/iommu_groups -type l" ;;
		attrs) echo "$ATTR_FLOOR" ;;
		group) echo "$BIN group list" ;;
		device) echo "$BIN device list" ;;
		iommu) echo "$BIN iommu list" ;;
		lspci) echo "lspci -nnkv" ;;
		driverctl) echo "driverctl list-devices" ;;
		dpdk) echo "$DPDK --status" ;;
		lsiommu) echo "$LSIOMMU" ;;
		esac
	}
	for spec in $TREES; do
		IFS=: read -r name path ndev runs <<<"$spec"
		mount --bind "$path/sys" /sys
		# warm the dentry and page caches: every tool then reads a warm tree
		find /sys/ -xdev >/dev/null 2>&1 || true
		for row in floor attrs group device iommu lspci driverctl dpdk lsiommu; do
			case $row in
			lspci) command -v lspci >/dev/null || { echo "$name $row ABSENT not installed" >>"$res"; continue; } ;;
			driverctl) command -v driverctl >/dev/null || { echo "$name $row ABSENT not installed" >>"$res"; continue; } ;;
			dpdk) [ -n "$DPDK" ] || { echo "$name $row ABSENT not installed" >>"$res"; continue; } ;;
			lsiommu) [ -x "$LSIOMMU" ] || { echo "$name $row ABSENT not built: run bench/build-lsiommu.sh" >>"$res"; continue; } ;;
			esac
			case $row in
			floor|attrs|group|device|iommu) ;;
			*)
				case " $PEERS " in
				*" $row "*) ;;
				*) echo "$name $row SKIP not in PEERS" >>"$res"; continue ;;
				esac
				# the time on this tree, from the line through the two
				# trees before (the first of them the real tree: the
				# tool's start-up); none before a second tree
				if [ "$MAXSECS" != 0 ] && [ -n "${prev[$row]:-}" ] && [ -n "${base[$row]:-}" ]; then
					est=$(awk -v p="${prev[$row]}" -v b="${base[$row]}" -v n="$ndev" 'BEGIN {
						split(p, P, "/"); split(b, B, "/")
						printf "%.0f", P[1] + (P[1] - B[1]) / (P[2] - B[2]) * (n - P[2]) }')
					if [ "$est" -gt "$MAXSECS" ]; then
						echo "$name $row SKIP ~${est} s estimated (MAXSECS=$MAXSECS)" >>"$res"
						continue
					fi
				fi ;;
			esac
			# one run untimed first: the find above warms the dentries, not
			# the files each tool reads (cold, a 16k tree's uevent and config
			# files made device list's single timed run wait on the disk)
			# shellcheck disable=SC2046
			$(cmd_of "$row") >/dev/null 2>&1 || true
			# shellcheck disable=SC2046
			read -r n best mean user sys st cpu < <("$br" -n "$runs" -t "$TIME" -o "$res.out" -- $(cmd_of "$row"))
			lines=$(wc -l <"$res.out")
			echo "$name $row OK $n $best $mean $user $sys $st $lines $cpu" >>"$res"
			if [ -z "${base[$row]:-}" ]; then base[$row]=$best/$ndev; else prev[$row]=$best/$ndev; fi
		done
		if command -v strace >/dev/null; then
			if [ "$name" = 1024x4 ] || [ "$name" = real ]; then
				# shellcheck disable=SC2086
				strace -c -f -o "$res.strace-$name-group" $BIN group list >/dev/null 2>&1 || true
			fi
			if [ "$name" = real ] && [ -x "$LSIOMMU" ]; then
				strace -c -f -o "$res.strace-$name-lsiommu" "$LSIOMMU" >/dev/null 2>&1 || true
			fi
		fi
		umount /sys
	done
	exit 0
fi

bin=$(realpath "${1:-./iommuctl}")
[ -x "$bin" ] || { echo "no $bin: run make first" >&2; exit 1; }
cache=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/iommuctl-bench}
[ "$(id -u)" = 0 ] || { echo "bench_inventory.sh: needs root: each tree is bound over /sys in a private mount namespace (unshare -m)" >&2; exit 1; }
command -v unshare >/dev/null || { echo "bench_inventory.sh: needs unshare (util-linux)" >&2; exit 1; }
sizes=${SIZES:-"256x4 1024x4 4096x4"}
lsiommu=${LSIOMMU:-$cache/lsiommu/lsiommu}
dpdk=$(command -v dpdk-devbind.py || command -v dpdk-devbind || true)
. bench/lib.sh
bench_run_build

# the trees, cached by the content of what builds them
# (the synthetic ones by the generator's and the line below that adds
# /sys/module; the real one by the snapshot's and realtree.py's)
rkey=$(cat bench/realtree.py tests/fixtures/vtd/snapshot.tar | sha256sum | cut -c1-12)
real=$cache/trees/real-$rkey
if [ ! -d "$real/sys" ]; then
	rm -rf "$real.tmp"
	python3 bench/realtree.py tests/fixtures/vtd/snapshot.tar "$real.tmp" >&2
	mv "$real.tmp" "$real"
fi
tdir=$cache/trees/$( (cat tests/tools/mksysfs.py; echo module) | sha256sum | cut -c1-12)
mkdir -p "$tdir"
trees="real:$real:9:100"
for s in $sizes; do
	g=${s%x*} per=${s#*x}
	if [ ! -d "$tdir/$s/sys" ]; then
		echo "building the $s tree in $tdir/$s (once) ..." >&2
		rm -rf "$tdir/$s.tmp"
		python3 tests/tools/mksysfs.py "$tdir/$s.tmp" --groups "$g" --per-group "$per" >&2
		# every sysfs has /sys/module; dpdk-devbind lists it
		mkdir -p "$tdir/$s.tmp/sys/module"
		mv "$tdir/$s.tmp" "$tdir/$s"
	fi
	n=$((g * per))
	if [ "$n" -le 2048 ]; then r=20; elif [ "$n" -le 8192 ]; then r=10; else r=${RUNS:-5}; fi
	trees="$trees $s:$tdir/$s:$n:$r"
done

res=$(mktemp -d)/res
trap 'rm -rf "$(dirname "$res")"' EXIT
: >"$res"
echo "measuring in a private mount namespace ($(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)) ..." >&2
BENCH_RUN=$bench_run ATTR_FLOOR=$attr_floor BIN=$bin LSIOMMU=$lsiommu DPDK=$dpdk TREES=$trees TIME=${TIME:-2} \
	MAXSECS=${MAXSECS:-30} PEERS=${PEERS:-lspci driverctl dpdk lsiommu} unshare -m --propagation private -- "$BASH" "$0" --inner "$res"

# --- the report ---
python3 - "$res" "$bin" "$lsiommu" <<'EOF'
import os
import re
import sys

res, binary, lsiommu = sys.argv[1:4]
rows = {}
trees = []
for line in open(res):
    f = line.split()
    tree, row, kind = f[0], f[1], f[2]
    if tree not in trees:
        trees.append(tree)
    if kind == "OK":
        n, best, mean, user, sys_, st, lines, cpu = f[3:11]
        rows[tree, row] = dict(runs=int(n), best=float(best), mean=float(mean),
                               cpu=float(cpu), st=int(st), lines=int(lines))
    else:
        rows[tree, row] = dict(note=" ".join(f[3:]))

NAMES = [("floor", "find /sys/kernel/iommu_groups -type l (floor)"),
         ("attrs", "device list's reads alone (bench/attr_floor.c)"),
         ("group", "iommuctl group list"), ("device", "iommuctl device list"),
         ("iommu", "iommuctl iommu list"), ("lspci", "lspci -nnkv"),
         ("driverctl", "driverctl list-devices"), ("dpdk", "dpdk-devbind.py --status"),
         ("lsiommu", "lsiommu (sysfs build)")]


def devices(tree):
    if tree == "real":
        return 9
    g, per = tree.split("x")
    return int(g) * int(per)


def title(tree):
    if tree == "real":
        return "real 6.12 guest, 9 devices in 7 groups (tests/fixtures/vtd/snapshot.tar)"
    g, per = tree.split("x")
    return f"synthetic, {g} groups x {per} devices = {devices(tree)} devices"


def ms(t):
    t *= 1000
    if t < 10:
        return f"{t:.2f} ms"
    if t < 1000:
        return f"{t:.1f} ms"
    return f"{t / 1000:.2f} s"


def failed(r, row, tree):
    if r["st"] == 0:
        return None
    if row == "lsiommu" and int(tree.split("x")[0] if tree != "real" else 0) > 256:
        return f"fails (exit {r['st']}): lsiommu holds at most 256 groups"
    return f"fails (exit {r['st']})"


print(f"iommuctl inventory benchmark: {binary}")
print("best wall time of RUNS (fork+exec+wait, build/bench/bench_run), ratio = best / floor's best;")
print("cpu: least user+sys time of the runs, cpu ratio = cpu / floor's cpu (steadier on a busy machine)")
print(f"load average at the end: {' '.join(open('/proc/loadavg').read().split()[:3])} on {os.cpu_count()} CPUs")
for tree in trees:
    print()
    print(title(tree))
    print(f"  {'':48} {'runs':>4} {'best':>10} {'mean':>10} {'cpu':>10} {'lines':>6} {'ratio':>7} {'cpu ratio':>9}")
    floor = rows.get((tree, "floor"), {}).get("best")
    fcpu = rows.get((tree, "floor"), {}).get("cpu")
    for row, label in NAMES:
        r = rows.get((tree, row))
        if r is None:
            continue
        if "note" in r:
            print(f"  {label:48} {r['note']}")
            continue
        bad = failed(r, row, tree)
        ratio = f"{r['best'] / floor:6.2f}x" if floor else ""
        cratio = f"{r['cpu'] / fcpu:8.2f}x" if fcpu else ""
        print(f"  {label:48} {r['runs']:>4} {ms(r['best']):>10} {ms(r['mean']):>10} "
              f"{ms(r['cpu']):>10} {r['lines']:>6} {ratio:>7} {cratio:>9}" + (f"  {bad}" if bad else ""))

# the issue's table
print()
print("| tree | " + " | ".join(f"`{label}`" for _, label in NAMES) + " |")
print("|---|" + "---|" * len(NAMES))
for tree in trees:
    floor = rows.get((tree, "floor"), {}).get("best")
    cells = []
    for row, _ in NAMES:
        r = rows.get((tree, row))
        if r is None:
            cells.append("")
        elif "note" in r:
            cells.append(r["note"].split(" (")[0])
        elif failed(r, row, tree):
            cells.append(f"exit {r['st']}")
        elif row == "floor":
            cells.append(ms(r["best"]))
        else:
            cells.append(f"{ms(r['best'])} ({r['best'] / floor:.1f}x)")
    name = "real 6.12 guest, 9 devices" if tree == "real" else f"synthetic, {tree} = {devices(tree)} devices"
    print(f"| {name} | " + " | ".join(cells) + " |")

print()
print("iommuctl group list / lsiommu, same tree, same run (goal: at most 1.0):")
for tree in trees:
    g, l = rows.get((tree, "group")), rows.get((tree, "lsiommu"))
    if not g or not l or "note" in g:
        continue
    if "note" in l:
        print(f"  {title(tree)}: lsiommu {l['note']}")
    elif failed(l, "lsiommu", tree):
        print(f"  {title(tree)}: lsiommu {failed(l, 'lsiommu', tree)}")
    else:
        print(f"  {title(tree)}: {ms(g['best'])} / {ms(l['best'])} = {g['best'] / l['best']:.2f}"
              f"  (cpu {ms(g['cpu'])} / {ms(l['cpu'])} = {g['cpu'] / l['cpu']:.2f})")

print()
print("iommuctl device list / its reads alone (bench/attr_floor.c: each device's uevent and config")
print("looked at, opened, read and closed, its iommu_group link read; no parsing, no output),")
print("and those reads / the find floor: what the default columns cost before any work of iommuctl's")
for tree in trees:
    f, a, d = rows.get((tree, "floor")), rows.get((tree, "attrs")), rows.get((tree, "device"))
    if not f or not a or not d or "note" in a or "note" in d:
        continue
    print(f"  {title(tree)}: {ms(d['best'])} / {ms(a['best'])} = {d['best'] / a['best']:.2f}"
          f"  (cpu {d['cpu'] / a['cpu']:.2f});  reads / find {a['best'] / f['best']:.2f}"
          f"  (cpu {a['cpu'] / f['cpu']:.2f})")

synth = [t for t in trees if t != "real"]
if len(synth) >= 2:
    print()
    print("linearity: best time per device (us); last column: per-device time of the")
    print(f"largest tree / the smallest's (1.00 = linear; {synth[-1]} / {synth[0]} devices = "
          f"{devices(synth[-1]) / devices(synth[0]):.0f}x the devices)")
    for key, what in (("best", "wall"), ("cpu", "cpu")):
        print(f"  {what + ' us/device':48}" + "".join(f"{devices(t):>10}" for t in synth) + f"{'ratio':>10}")
        for row, label in NAMES:
            vals = []
            for t in synth:
                r = rows.get((t, row))
                vals.append(r[key] / devices(t) * 1e6 if r and "note" not in r and not failed(r, row, t) else None)
            if all(v is None for v in vals):
                continue
            cells = "".join(f"{v:10.1f}" if v is not None else f"{'-':>10}" for v in vals)
            ratio = f"{vals[-1] / vals[0]:10.2f}" if vals[0] and vals[-1] else f"{'-':>10}"
            print(f"  {label:48}{cells}{ratio}")


def strace_table(path):
    calls = {}
    total = None
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and re.match(r"^[0-9.]+$", f[0]) and f[-1] != "total":
            errors = int(f[4]) if len(f) == 6 else 0
            calls[f[-1]] = (int(f[3]), errors)
        elif f and f[-1] == "total":
            total = (int(f[3]), int(f[4]) if len(f) == 6 else 0)
    return total, calls


GROUPS = [("opens", ("openat", "open", "openat2")), ("reads", ("read", "pread64", "readv")),
          ("readlinks", ("readlink", "readlinkat")),
          ("stats", ("newfstatat", "fstat", "stat", "lstat", "statx", "access", "faccessat", "faccessat2")),
          ("closes", ("close",)), ("getdents", ("getdents64", "getdents"))]


def summary(path):
    total, calls = strace_table(path)
    parts = [f"{total[0]} syscalls ({total[1]} failing)"] if total else []
    for label, names in GROUPS:
        c = sum(calls.get(n, (0, 0))[0] for n in names)
        e = sum(calls.get(n, (0, 0))[1] for n in names)
        parts.append(f"{c} {label}" + (f" ({e} failing)" if e else ""))
    return ", ".join(parts), calls


s4 = res + ".strace-1024x4-group"
if os.path.exists(s4):
    print()
    print("strace -c -f of `iommuctl group list`, 4096-device tree:")
    line, calls = summary(s4)
    print(f"  {line}")
    print(f"  {'calls':>8} {'errors':>8}  syscall")
    for name, (c, e) in sorted(calls.items(), key=lambda kv: -kv[1][0])[:12]:
        print(f"  {c:8} {e:8}  {name}")
for who in ("group", "lsiommu"):
    p = res + ".strace-real-" + who
    if os.path.exists(p):
        if who == "group":
            print()
            print("strace -c -f, real guest tree:")
        print(f"  {'iommuctl group list' if who == 'group' else 'lsiommu':20} {summary(p)[0]}")
if not os.path.exists(s4):
    print()
    print("strace: not installed, or no 1024x4 tree in SIZES: no syscall counts")
EOF
