#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build lsiommu (https://github.com/puavo-org/lsiommu, GPL-3.0, Opinsys Oy),
# the small C lister of IOMMU groups that bench/bench_inventory.sh runs as a
# peer, OUTSIDE this repository: nothing of it is copied here, it is cloned
# and built in DIR, as any other installed peer would be.
#
#   bench/build-lsiommu.sh [DIR]
#     DIR            default ${XDG_CACHE_HOME:-~/.cache}/iommuctl-bench/lsiommu
#     LSIOMMU_GIT    where to clone from (default the GitHub repository; a
#                    local clone or mirror works the same)
#     LSIOMMU_REV    the commit (default 6b1b18c, "Release 1.0" + a doc fix)
#
# Leaves DIR/lsiommu, built with DISCOVERY=sysfs (readdir of
# /sys/bus/pci/devices, the build the issue measured). Upstream's default
# build (DISCOVERY=udev) is not built: libudev checks that /sys is a sysfs
# (fstatfs, SYSFS_MAGIC) and finds no device in a tree bound over /sys.
# Needs git, make, a C11 compiler.
set -eu
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/iommuctl-bench/lsiommu}
git_url=${LSIOMMU_GIT:-https://github.com/puavo-org/lsiommu.git}
rev=${LSIOMMU_REV:-6b1b18c87af51e7522146755a66e0ebb0afefe53}
case $(realpath -m "$dir")/ in
"$(realpath "$(dirname "$0")/..")"/*)
	echo "build-lsiommu.sh: $dir is inside this repository; lsiommu (GPL-3.0) is built outside it" >&2
	exit 2 ;;
esac
mkdir -p "$dir"
if [ ! -d "$dir/src/.git" ]; then
	rm -rf "$dir/src"
	git clone -q "$git_url" "$dir/src"
fi
git -C "$dir/src" -c advice.detachedHead=false checkout -q "$rev"
# upstream's Makefile sets CFLAGS with := (-I. -Werror -Wpedantic, no -O):
# a CFLAGS given here would replace them all, so -O2 rides on CC
build() {
	make -s -C "$dir/src" clean >/dev/null
	make -s -C "$dir/src" CC="${CC:-cc} -O2" DISCOVERY="$1" >/dev/null
	cp "$dir/src/lsiommu" "$dir/$2.tmp" && mv "$dir/$2.tmp" "$dir/$2"
}
build sysfs lsiommu
echo "lsiommu $(git -C "$dir/src" rev-parse --short HEAD) (DISCOVERY=sysfs): $dir/lsiommu"
