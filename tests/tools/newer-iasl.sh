#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a command that runs an iasl knowing VIOT and the newer IORT
# revisions: the machine's own iasl when it decodes a VIOT (tried, not judged
# by version); otherwise acpica-tools from Debian trixie, with trixie's libc6
# (its iasl needs a newer glibc than bookworm's) run through that libc's own
# loader; both downloaded through an apt
# configuration private to the VM cache ($IOMMUCTL_VM_CACHE/apt-acpica: its
# own sources list, lists and archives; the machine's sources and dpkg are
# never touched, as tests/vm/lib.sh's vm_foreign_* do for arm64) and unpacked
# there (never installed). Exit 1, with the reason on stderr, when none can
# be had.
#
# usage: tests/tools/newer-iasl.sh [SUITE]    (SUITE: trixie, the default, or sid)
set -uo pipefail

suite=${1:-trixie}
cache=${IOMMUCTL_VM_CACHE:-$HOME/.cache/iommuctl-vm}
d=$cache/apt-acpica-$suite
bin=$d/root/usr/bin/iasl
wrap=$d/iasl

# An iasl that knows VIOT names the nodes of the captured virtio VIOT.
viot=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures/acpi/virtio" && pwd)/VIOT
knows_viot() {
	local t rc
	t=$(mktemp -d) || return 1
	cp "$viot" "$t/v.dat" || { rm -rf "$t"; return 1; }
	(cd "$t" && $1 -d v.dat >/dev/null 2>&1)
	grep -q 'VirtIO-PCI IOMMU' "$t/v.dsl" 2>/dev/null
	rc=$?
	rm -rf "$t"
	return $rc
}

if command -v iasl >/dev/null 2>&1 && knows_viot "$(command -v iasl)"; then
	command -v iasl
	exit 0
fi
if [[ -x $wrap ]] && knows_viot "$wrap"; then
	echo "$wrap"
	exit 0
fi
command -v apt-get >/dev/null 2>&1 || { echo "newer-iasl: no apt-get to fetch acpica-tools ($suite)" >&2; exit 1; }
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[[ -r $keyring ]] || { echo "newer-iasl: no $keyring" >&2; exit 1; }
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
mkdir -p "$d/lists/partial" "$d/cache/archives/partial" || exit 1
[[ -e $d/status ]] || : >"$d/status"
# the mirror the machine already uses
# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
site=$(apt-get indextargets --format '$(SITE)' 'Origin: Debian' 2>/dev/null | grep -v security | head -n1)
site=${site:-http://deb.debian.org/debian}
echo "deb [arch=$arch signed-by=$keyring] $site $suite main" >"$d/sources.list"
a() {
	"$@" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::Status="$d/status" \
		-o APT::Sandbox::User="$(id -un)" -q
}
if [[ ! -e $d/.updated ]]; then
	a apt-get update >&2 || { echo "newer-iasl: apt-get update ($suite, $site) failed" >&2; exit 1; }
	touch "$d/.updated"
fi
tmp=$(mktemp -d "$d/.fetch.XXXXXX") || exit 1
if ! (cd "$tmp" && a apt-get download acpica-tools libc6 >&2); then
	rm -rf "$tmp"
	echo "newer-iasl: apt-get download acpica-tools ($suite) failed" >&2
	exit 1
fi
rm -rf "$d/root"
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$d/root" || { rm -rf "$tmp"; echo "newer-iasl: dpkg-deb -x $deb failed" >&2; exit 1; }
done
rm -rf "$tmp"
lib=$d/root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
ld=$(ls "$lib"/ld-linux*.so.* 2>/dev/null | head -n1)
[[ -n $ld ]] || { echo "newer-iasl: no loader in trixie's libc6 ($lib)" >&2; exit 1; }
printf '#!/bin/sh\nexec %q --library-path %q %q "$@"\n' "$ld" "$lib" "$bin" >"$wrap"
chmod +x "$wrap"
if knows_viot "$wrap"; then
	echo "$wrap"
	exit 0
fi
echo "newer-iasl: the acpica-tools of $suite ($bin) does not decode VIOT either" >&2
exit 1
