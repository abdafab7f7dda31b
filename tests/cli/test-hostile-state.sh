#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The ownership state under attack (the audit's B1, B2, B5, B6): state
# directories, locks and journals that are links, FIFOs, foreign or
# writable by others; journals that are huge, name devices outside their
# group or carry bad driver names; journals of another source. Each case
# runs on a scratch copy of the vtd fixture with a scratch --state-dir, and
# checks the exit status, the one-line reason and that nothing was written.
#   tests/cli/test-hostile-state.sh [BINARY]
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tmp=$(realpath "$tmp")
unset IOMMUCTL_STATE_DIR
KEY=0000:00:04.0

# a claim tree (the audit's recipe) at DIR/sys; drivers/e1000e has no unbind
# file, so that a claim of group 2 fails at once instead of waiting for a
# driver that a tree of regular files never unbinds
mkdir -p "$tmp/base" && tar -C "$tmp/base" -xf tests/fixtures/vtd/snapshot.tar
mkdir -p "$tmp"/base/sys/bus/pci/drivers/{vfio-pci,e1000e,virtio-pci,pci-stub}
touch "$tmp"/base/sys/bus/pci/drivers/virtio-pci/unbind "$tmp"/base/sys/bus/pci/drivers_probe
chmod -R u+w "$tmp/base"
tree() { cp -a "$tmp/base" "$1"; }
tree "$tmp/t"
T=$tmp/t/sys
OVR=$T/bus/pci/devices/$KEY/driver_override
ovr0=$(cat "$OVR")

# run NAME CMD...: stdout and stderr in $tmp/NAME.{out,err}, status in $rc; 10 s at most
run() {
	local name=$1; shift
	timeout 10 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"; rc=$?
}
# expect NAME RC WORDS DESCRIPTION: the run NAME exited RC with one line on
# stderr that contains WORDS (a grep -E pattern)
expect() {
	local name=$1 want=$2 words=$3 what=$4 lines
	lines=$(wc -l <"$tmp/$name.err")
	if [ "$rc" -eq "$want" ] && [ "$lines" -eq 1 ] && grep -qE -- "$words" "$tmp/$name.err"; then
		ok "$what (exit $rc)"
	else
		bad "$what: exit $rc (want $want), stderr: $(head -c 400 "$tmp/$name.err" | tr '\n' '|')"
	fi
}
# a journal of group 2 ($KEY) in state dir $1: devices given as JSON in $2;
# $3 its "source" member (default: made on the tree $T; "" for none)
journal() {
	local src='"source": "tree:'$T'", '
	mkdir -p "$1/claims"
	cat >"$1/claims/$KEY.json" <<-J
	{"format": "iommuctl-claim-journal", "version": 1, "state": "claimed", "key": "$KEY", "group": 2,
	 "driver": "vfio-pci", ${3-$src}"pid": 1, "devices": $2}
	J
}
same='[{"address": "'$KEY'", "bus": "pci", "action": "rebind", "driver": "e1000e", "driver_override": null}]'
victim() { echo "IMPORTANT DATA" >"$1"; }
intact() { [ "$(cat "$1")" = "IMPORTANT DATA" ]; }

# ---- B1: the state directory and its files ----
victim "$tmp/victim1"
mkdir -p "$tmp/s1/claims" && ln -s "$tmp/victim1" "$tmp/s1/claims/$KEY.lock"
run lock-link "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s1" 2
expect lock-link 1 "lock .*$KEY.lock is a symbolic link" "B1: a lock that is a symbolic link is refused"
intact "$tmp/victim1" && ok "B1: ...and the file it points to is untouched" ||
	bad "B1: the lock link's target was overwritten: $(head -c 80 "$tmp/victim1")"

victim "$tmp/victim2"
mkdir -p "$tmp/s2/claims"
run tmp-link sh -c "ln -s '$tmp/victim2' '$tmp/s2/claims/$KEY.json.tmp.'\$\$ &&
	exec '$bin' --sysfs-root '$T' group claim --state-dir '$tmp/s2' 2"
intact "$tmp/victim2" && ok "B1: a link planted at the journal's temporary name is not followed" ||
	bad "B1: the journal went through the planted link: $(head -c 80 "$tmp/victim2")"
rm -rf "$tmp/t" && tree "$tmp/t"

mkdir -p "$tmp/real" && ln -s "$tmp/real" "$tmp/s3"
run dir-link "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s3" 2
expect dir-link 1 "state directory .*s3 is a symbolic link" "B1: a state directory that is a symbolic link is refused"
[ ! -e "$tmp/real/claims" ] && ok "B1: ...and nothing is made where it points" || bad "B1: claims/ made through the link"

mkdir -p "$tmp/s4" "$tmp/other" && ln -s "$tmp/other" "$tmp/s4/claims"
run claims-link "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s4" 2
expect claims-link 1 "s4/claims is a symbolic link" "B1: a claims directory that is a symbolic link is refused"

mkdir -p "$tmp/s5" && chmod 0777 "$tmp/s5"
run dir-777 "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s5" 2
expect dir-777 1 "s5 is group/world-writable: chmod go-w $tmp/s5" "B1: a world-writable state directory is refused, saying what to fix"
[ ! -e "$tmp/s5/claims" ] && ok "B1: ...before anything is made in it" || bad "B1: claims/ made in a world-writable state directory"

mkdir -p "$tmp/s6/claims" && chmod 0775 "$tmp/s6/claims"
run claims-775 "$bin" --sysfs-root "$T" group claim --state-dir "$tmp/s6" 2
expect claims-775 1 "claims is group/world-writable" "B1: a group-writable claims directory is refused"

if [ "$(id -u)" -eq 0 ]; then
	mkdir -p "$tmp/s7" && chown nobody "$tmp/s7"
	run dir-nobody "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s7" 2
	expect dir-nobody 1 "s7 belongs to uid $(id -u nobody)" "B1: a state directory owned by another user is refused"
	mkdir -p "$tmp/s8" && chown nobody "$tmp/s8" && chmod 0777 "$tmp/s8"
	IOMMUCTL_STATE_DIR=$tmp/s8 run env-nobody "$bin" --sysfs-root "$T" group claim 2
	expect env-nobody 1 "s8 (belongs to uid|is group/world-writable)" "B1: IOMMUCTL_STATE_DIR owned by nobody, mode 0777: refused"
	journal "$tmp/s9" "$same" && chown nobody "$tmp/s9/claims/$KEY.json"
	run journal-nobody "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s9" 2
	expect journal-nobody 1 "journal .* belongs to uid $(id -u nobody)" "B1: a journal owned by another user is refused"
	[ -e "$tmp/s9/claims/$KEY.json" ] && ok "B1: ...and kept" || bad "B1: the foreign journal was consumed"
else
	skip "B1: the foreign-owner cases need root (chown nobody)"
fi

mkdir -p "$tmp/s10/claims" && mkfifo "$tmp/s10/claims/$KEY.lock"
run lock-fifo "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s10" 2
expect lock-fifo 1 "lock .* is not a regular file" "B1: a lock that is a FIFO is refused"

run dry-new "$bin" --sysfs-root "$T" group claim --dry-run --state-dir "$tmp/s11/new" 2
[ "$rc" -eq 0 ] && [ ! -e "$tmp/s11" ] && ok "B1: a dry run makes no state directory" ||
	bad "B1: dry run: exit $rc, $(ls -d "$tmp/s11" 2>&1)"

# made by the tool: safe whatever the umask, and usable at once
(umask 0; run made-umask0 "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s12" 2; exit $rc); rc=$?
modes=$(stat -c %a "$tmp/s12" "$tmp/s12/claims" "$tmp/s12/claims/$KEY.lock" 2>&1 | tr '\n' ' ')
[ "$rc" -eq 3 ] && [ "$modes" = "755 755 600 " ] &&
	ok "B1: with umask 0 the tool makes the state dir 755, claims/ 755, the lock 600 (release: nothing, exit 3)" ||
	bad "B1: made under umask 0: exit $rc, modes $modes: $(cat "$tmp/made-umask0.err")"

# ---- B5: journals that hang, eat memory, or are too big ----
mkdir -p "$tmp/s20/claims" && mkfifo "$tmp/s20/claims/$KEY.json"
run journal-fifo "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s20" 2
expect journal-fifo 1 "journal .* is not a regular file" "B5: a journal that is a FIFO is refused at once (release)"
run journal-fifo-claim "$bin" --sysfs-root "$T" group claim --dry-run --state-dir "$tmp/s20" 2
expect journal-fifo-claim 1 "journal .* is not a regular file" "B5: ...and by claim --dry-run"
mkfifo "$tmp/s20/claims/$KEY.type.json" && rm "$tmp/s20/claims/$KEY.json"
run type-fifo "$bin" --sysfs-root "$T" group type --dry-run --state-dir "$tmp/s20" 2 identity
expect type-fifo 1 "journal .*type.json is not a regular file" "B5: a type journal that is a FIFO is refused (type --dry-run)"

mkdir -p "$tmp/s21/claims" && ln -s /dev/zero "$tmp/s21/claims/$KEY.json"
# memory bounded: peak RSS from /usr/bin/time (not ulimit -v, which the
# sanitizer build's shadow memory cannot live with)
run journal-zero /usr/bin/time -f %M -o "$tmp/journal-zero.kb" "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s21" 2
sed -i '/^Command exited/d' "$tmp/journal-zero.err"
expect journal-zero 1 "journal .* is a symbolic link" "B5: a journal linked to /dev/zero is refused"
kb=$(tail -n 1 "$tmp/journal-zero.kb" 2>/dev/null)
[ "${kb:-999999}" -lt 204800 ] 2>/dev/null && ok "B5: ...in bounded memory (${kb} KB)" ||
	bad "B5: a journal linked to /dev/zero: peak RSS ${kb:-?} KB"

journal "$tmp/s22" "$same"
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >>"$tmp/s22/claims/$KEY.json"
run journal-big "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s22" 2
expect journal-big 1 "journal .* is larger than 1 MiB" "B5: a journal larger than 1 MiB is refused"

devs=$(for i in $(seq 0 299); do
	printf '{"address": "0000:02:%02x.%d", "bus": "pci", "action": "rebind", "driver": null}\n' $((i / 8)) $((i % 8))
done | paste -sd, -)
journal "$tmp/s23" "[$devs]"
run journal-many "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s23" 2
expect journal-many 1 "journal .* lists 300 devices, more than 256" "B5: a journal with 300 devices is refused"

# ---- B2: release acts only on the group's members, with valid names ----
UNB=$T/bus/pci/drivers/virtio-pci/unbind
journal "$tmp/s30" '[{"address": "0000:00:05.0", "bus": "pci", "action": "rebind", "driver": "pci-stub"}]'
run foreign-dev "$bin" -v --sysfs-root "$T" group release --state-dir "$tmp/s30" 2
expect foreign-dev 1 "lists 0000:00:05.0, which is not a member of group 2.*does not list its member $KEY" \
	"B2: a journal naming a device of another group is refused, naming the difference"
[ ! -s "$UNB" ] && ok "B2: ...and 0000:00:05.0 is not unbound" || bad "B2: virtio-pci/unbind got '$(cat "$UNB")'"
[ -e "$tmp/s30/claims/$KEY.json" ] && ok "B2: ...and the journal is kept" || bad "B2: the journal was removed"
: >"$UNB"

journal "$tmp/s31" '[{"address": "'$KEY'", "bus": "pci", "action": "rebind", "driver": "e1000e"},
	{"address": "0000:00:05.0", "bus": "pci", "action": "rebind", "driver": "pci-stub"}]'
run extra-dev "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s31" 2
expect extra-dev 1 "lists 0000:00:05.0, which is not a member of group 2" "B2: a journal with one device too many is refused"
[ ! -s "$UNB" ] && ok "B2: ...and nothing is unbound" || bad "B2: virtio-pci/unbind got '$(cat "$UNB")'"

for bad_name in 'pci-stub\nx' '../../x' '.hidden' 'e1000e x' ''; do
	for field in driver driver_override; do
		case $field in
		driver) pair='"driver": "'"$bad_name"'", "driver_override": null' ;;
		*) pair='"driver": "e1000e", "driver_override": "'"$bad_name"'"' ;;
		esac
		journal "$tmp/s32" '[{"address": "'$KEY'", "bus": "pci", "action": "rebind", '"$pair"'}]'
		run bad-name "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s32" 2
		expect bad-name 1 "journal .*: device $KEY: .*is not a driver name" \
			"B2: $field \"$bad_name\" in a journal is refused"
		[ "$(cat "$OVR")" = "$ovr0" ] || { bad "B2: driver_override became '$(cat "$OVR")'"; printf '%s\n' "$ovr0" >"$OVR"; }
	done
done
journal "$tmp/s33" "$same"
sed -i 's/"driver": "vfio-pci"/"driver": "vfio\/..\/x"/' "$tmp/s33/claims/$KEY.json"
run bad-target "$bin" --sysfs-root "$T" group release --state-dir "$tmp/s33" 2
expect bad-target 1 "journal .*: the claim's driver .*is not a driver name" "B2: a journal's claim driver with a slash is refused"
run bad-claim-driver "$bin" --sysfs-root "$T" group claim --dry-run --driver "$(printf 'vfio\nx')" --state-dir "$tmp/s34" 2
expect bad-claim-driver 2 "is not a driver name" "B2: claim --driver with a newline is a usage error"

# ---- B6: a journal belongs to the source it was made on ----
tree "$tmp/A" && tree "$tmp/B"
run dry-a "$bin" --sysfs-root "$tmp/A/sys" group claim --dry-run 2
if grep -qF "journal: $tmp/A/sys.iommuctl-state/claims/$KEY.json" "$tmp/dry-a.out"; then
	ok "B6: a --sysfs-root tree's journals default to TREE.iommuctl-state"
	run claim-a "$bin" --sysfs-root "$tmp/A/sys" group claim 2
	run claim-b "$bin" --sysfs-root "$tmp/B/sys" group claim --dry-run 2
	[ "$rc" -eq 0 ] && ok "B6: what a claim on tree A left does not block tree B" ||
		bad "B6: tree B: exit $rc: $(cat "$tmp/claim-b.err")"
	[ ! -e /run/iommuctl/claims/$KEY.json ] || ! grep -q "$tmp" /run/iommuctl/claims/$KEY.json &&
		ok "B6: ...and nothing of tree A's went to /run/iommuctl" || bad "B6: tree A's journal is in /run/iommuctl"
else
	# the claims on trees below would write into this machine's /run/iommuctl
	bad "B6: a tree's dry run names the journal $(grep '^journal' "$tmp/dry-a.out")"
fi
# one state directory shared by two trees: each refuses the other's journal
rm -rf "$tmp/A" "$tmp/B" && tree "$tmp/A" && tree "$tmp/B"
journal "$tmp/s40" "$same" '"source": "tree:'"$tmp"'/A/sys", '
IOMMUCTL_STATE_DIR=$tmp/s40 run b-release "$bin" --sysfs-root "$tmp/B/sys" group release 2
expect b-release 1 "belongs to the --sysfs-root tree $tmp/A/sys, not to the --sysfs-root tree $tmp/B/sys" \
	"B6: release on tree B refuses tree A's journal"
[ -e "$tmp/s40/claims/$KEY.json" ] && ok "B6: ...and does not consume it" || bad "B6: tree B's release consumed A's journal"
IOMMUCTL_STATE_DIR=$tmp/s40 run b-claim "$bin" --sysfs-root "$tmp/B/sys" group claim 2
expect b-claim 1 "belongs to the --sysfs-root tree $tmp/A/sys" "B6: claim on tree B names the tree the journal belongs to"
IOMMUCTL_STATE_DIR=$tmp/s40 run a-release "$bin" --sysfs-root "$tmp/A/sys" group release 2
[ "$rc" -eq 0 ] && [ ! -e "$tmp/s40/claims/$KEY.json" ] && ok "B6: release on tree A takes its own journal" ||
	bad "B6: release on tree A: exit $rc: $(cat "$tmp/a-release.err")"
# a journal from before sources were recorded is the running machine's
journal "$tmp/s41" "$same" ""
run old-journal "$bin" --sysfs-root "$tmp/B/sys" group release --state-dir "$tmp/s41" 2
expect old-journal 1 "belongs to the running machine, not to the --sysfs-root tree" \
	"B6: a journal without a source is the running machine's: a tree refuses it"
# the journal records where it was made: a claim of group 3 (virtio-pci,
# whose unbind a tree takes but never acts on) waits seconds for the unbind;
# killed then, as kill -9 would, it leaves its journal
rm -rf "$tmp/A" && tree "$tmp/A"
J3=$tmp/s42/claims/0000:00:05.0.json
"$bin" --sysfs-root "$tmp/A/sys" group claim --state-dir "$tmp/s42" 3 >"$tmp/a-claim.out" 2>&1 &
pid=$!
for _ in $(seq 400); do [ -e "$J3" ] && break; kill -0 $pid 2>/dev/null || break; sleep 0.05; done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
if [ -e "$J3" ]; then
	grep -qF "\"source\": \"tree:$tmp/A/sys\"" "$J3" &&
		ok "B6: a claim on a tree records the tree in its journal" || bad "B6: journal: $(cat "$J3")"
else
	bad "B6: no journal while the claim of group 3 ran: $(head -c 300 "$tmp/a-claim.out")"
fi

finish
