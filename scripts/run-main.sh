#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make run`: the tool's main job on this machine, `iommuctl group list`.
# Where the machine has no IOMMU, say so plainly and also show the bundled
# sample snapshot of a real machine (a QEMU guest with VT-d), labelled.
set -u
bin=${1:-./iommuctl}
sample=tests/fixtures/vtd/snapshot.tar

echo "== iommuctl group list (this machine)"
"$bin" group list
rc=$?
ngroups=$(ls /sys/kernel/iommu_groups 2>/dev/null | wc -l)
if [ "$ngroups" -eq 0 ]; then
	echo
	echo "This machine has no IOMMU groups: no IOMMU is enabled (or none exists)."
	if [ -f "$sample" ]; then
		echo
		echo "== SAMPLE, not this machine: iommuctl -F $sample group list"
		echo "   (a snapshot of a real Linux 6.12 kernel with an emulated Intel VT-d IOMMU)"
		"$bin" -F "$sample" group list
		echo
		echo "== SAMPLE: iommuctl -F $sample iommu list"
		"$bin" -F "$sample" iommu list
	fi
fi
exit $rc
