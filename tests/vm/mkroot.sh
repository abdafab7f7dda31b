#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/mkroot.sh [BINARY]: make (once) the Debian bookworm root that the
# boot tests (tests/cli/test-vm-boot.sh) install iommuctl into, and print its
# path: debootstrap --variant=minbase with systemd, udev, kmod and the Debian
# packages of BINARY's libraries (default <repo>/iommuctl), cached in
# ${IOMMUCTL_VM_CACHE:-~/.cache/iommuctl-vm}/debian-root/ by package list.
# Needs root. See tests/vm/README ("A real Debian root").
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=lib-boot.sh
. "$VM_DIR/lib-boot.sh"

bin=${1:-$IOMMUCTL}
[[ -x $bin ]] || vm_die "no iommuctl binary at $bin (run make): its libraries decide the root's packages"
mapfile -t pkgs < <(vm_root_pkgs "$bin")
vm_debian_root "${pkgs[@]}"
echo "$VM_ROOT"
