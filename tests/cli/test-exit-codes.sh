#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Exit statuses are interface (iommuctl(8) EXIT STATUS): one check per code,
# on fixtures so that the result does not depend on this machine.
set -u
bin=$(realpath "${1:-./iommuctl}")
cd "$(dirname "$0")/../.."
snap=tests/fixtures/vtd/snapshot.tar
pass=0 fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

expect() { # code description command...
	local want=$1 what=$2; shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"; local rc=$?
	if [ "$rc" -eq "$want" ]; then
		# a failure says so in one line on stderr (and may add a
		# "Try '... --help'." line after a usage error)
		local lines; lines=$(grep -vc "^Try '" "$tmp/err")
		if [ "$want" -ne 0 ] && { [ "$lines" -ne 1 ] || ! head -n 1 "$tmp/err" | grep -q '^iommuctl'; }; then
			fail=$((fail + 1)); echo "FAIL $what: exit $rc but $lines stderr lines:"; cat "$tmp/err"
			return
		fi
		pass=$((pass + 1)); echo "ok   $what (exit $rc)"
	else
		fail=$((fail + 1)); echo "FAIL $what: exit $rc, want $want"; cat "$tmp/err"
	fi
}

# expect, and the one stderr line says this too (grep -E pattern)
expect_msg() { # code pattern description command...
	local want=$1 pat=$2 what=$3; shift 3
	local f0=$fail
	expect "$want" "$what" "$@"
	if [ "$fail" -eq "$f0" ] && ! grep -qE -- "$pat" "$tmp/err"; then
		pass=$((pass - 1)) fail=$((fail + 1)); echo "FAIL $what: stderr lacks /$pat/:"; cat "$tmp/err"
	fi
}

# 0: success
expect 0 "group list on a snapshot" "$bin" -F "$snap" group list
expect 0 "help" "$bin" help
# --dry-run plans a change on a snapshot (the machine it was taken of)
for fx in vtd amd arm64-smmuv3; do
	expect_msg 0 "modprobe vfio-pci' first" "group claim --dry-run on the $fx snapshot" \
		"$bin" -F "tests/fixtures/$fx/snapshot.tar" group claim 1 --dry-run
done
printf 'device 0000:00:03.0 id=1234:11e8\n' > "$tmp/claim.conf"
expect 0 "apply run --dry-run on a snapshot" "$bin" -F "$snap" apply run --dry-run "$tmp/claim.conf"
expect 0 "group type --dry-run on a snapshot" "$bin" -F "$snap" group type 1 identity --dry-run
# -h as iommuctl(8) documents it, at every level
expect 0 "iommuctl -h" "$bin" -h
expect 0 "iommuctl group -h" "$bin" group -h
expect 0 "iommuctl group show -h" "$bin" group show -h
expect 0 "iommuctl -V" "$bin" -V
# 1: the operation failed
printf 'not a tar archive at all\n' > "$tmp/garbage.tar"
expect 1 "garbage snapshot" "$bin" -F "$tmp/garbage.tar" group list
head -c 3000 "$snap" > "$tmp/truncated.tar"
expect 1 "truncated snapshot" "$bin" -F "$tmp/truncated.tar" group list
# an input file that is missing is a failure, not "not found" (3 is an
# answer about the machine or the tables: no such group, unmapped address)
expect 1 "no such snapshot file" "$bin" -F "$tmp/missing.tar" group list
expect 1 "no such snapshot file (snapshot show)" "$bin" snapshot show "$tmp/missing.tar"
expect 1 "no such dump file (mem info)" "$bin" mem info "$tmp/missing.elf"
expect 1 "no such dump file (walk)" "$bin" walk --mem "$tmp/missing.elf" --format vtd-sl-pte --root 0x1000
expect 1 "no such dump file (translate)" "$bin" translate --mem "$tmp/missing.elf" --format vtd-sl-pte --root 0x1000 0x0
expect 1 "no such @FILE (decode)" "$bin" decode vtd-cap "@$tmp/missing.txt"
expect 1 "no such log file (decode log)" "$bin" decode log "$tmp/missing.log"
expect 1 "no such batch file" "$bin" batch "$tmp/missing.batch"
expect 1 "no such ACPI table file" "$bin" acpi show --file "$tmp/missing.dat"
# 2: usage
expect 2 "unknown object" "$bin" frobnicate
expect 2 "unknown verb" "$bin" group frobnicate
expect_msg 2 "did you mean: group\\?" "misspelt object: a suggestion" "$bin" grup list
expect_msg 2 "did you mean: list\\?" "misspelt verb: a suggestion" "$bin" group lsit
expect_msg 2 "^iommuctl: group show: missing argument: SEL$" "argp's complaint in the tool's style" "$bin" group show
expect 2 "unknown option" "$bin" group list --no-such-option
expect 2 "unknown column" "$bin" -F "$snap" group list -o group,nonsense
expect 2 "malformed selector" "$bin" -F "$snap" group show 00:zz.0
expect 2 "missing argument" "$bin" -F "$snap" group show
expect 2 "extra argument" "$bin" -F "$snap" group show 1 2
expect 2 "--sysfs-root with -F" "$bin" -F "$snap" --sysfs-root /sys group list
expect_msg 2 "did you mean: vtd-cap" "misspelt decode FORMAT (the verb's place)" "$bin" decode vdt-cap 0x1
expect 2 "no decode FORMAT of that name" "$bin" decode no-such-format 0x1
expect_msg 2 "^iommuctl: translate iova: --format" "translate IOVA is named translate iova" "$bin" translate 0x1000
expect_msg 2 "standard input is empty" "decode with no VALUE and an empty standard input" \
	bash -c '"$0" decode vtd-cap </dev/null' "$bin"
expect 2 "a device selector that names nothing" "$bin" -F "$snap" device show zz
# 3: not found
expect 3 "no such group" "$bin" -F "$snap" group show 999
expect 3 "no such device" "$bin" -F "$snap" device show 0000:7f:00.0
expect 3 "no such unit" "$bin" -F "$snap" iommu show dmar9
expect_msg 3 "see 'iommuctl device list'" "no such member, with a hint" "$bin" -F "$snap" group show 00:1f.7
expect 3 "no device of lspci -s's short form" "$bin" -F "$snap" device show 1f.7
expect 0 "lspci -s's short form of one device" "$bin" -F "$snap" group show 3.0
# a platform device is a device: the SMMU's own is behind no IOMMU (3), not a malformed name (2)
expect_msg 3 "IOMMU unit smmu3" "an IOMMU's own platform device" \
	"$bin" -F tests/fixtures/arm64-smmuv3/snapshot.tar device show 9050000.smmuv3
expect 3 "an IOMMU's own platform device (group show)" \
	"$bin" -F tests/fixtures/arm64-smmuv3/snapshot.tar group show 9050000.smmuv3
# 4: unsupported by this kernel or source
mkdir -p "$tmp/noiommu/sys/kernel/iommu_groups" "$tmp/noiommu/sys/bus/pci/devices"
expect 4 "group lookup on a kernel with no IOMMU" "$bin" --sysfs-root "$tmp/noiommu/sys" group show 1
printf '{"format":"iommuctl-snapshot","format_version":99}' > "$tmp/iommuctl-snapshot.json"
tar -C "$tmp" -cf "$tmp/future.tar" iommuctl-snapshot.json
expect 4 "group claim (no --dry-run) on a snapshot" "$bin" -F "$snap" group claim 1
expect 4 "apply run (no --dry-run) on a snapshot" "$bin" -F "$snap" apply run "$tmp/claim.conf"
expect 4 "snapshot from a newer format" "$bin" -F "$tmp/future.tar" group list

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
