# SPDX-License-Identifier: GPL-2.0-or-later
# Run by 'exec' in tests/vm/guest/dump-batch-ppc.txt: saves the kprobe trace of
# the OPAL calls that gave the PE its DMA windows (TCE table addresses, levels,
# sizes) as $OUT/TAG.trace, then becomes tests/vm/guest/dump-hold.sh TAG (exec:
# its parent stays the batch run that holds the mappings).
set -u
tag=${1:?usage: dump-ppc-hold.sh TAG}
cat /sys/kernel/tracing/trace > "${OUT:-/out}/$tag.trace" 2>&1
exec sh /guest/dump-hold.sh "$tag"
