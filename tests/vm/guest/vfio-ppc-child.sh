# SPDX-License-Identifier: GPL-2.0-or-later
# Run by 'exec' in tests/vm/guest/vfio-batch-ppc.txt: records what the batch
# handed on (the IOMMUCTL_* variables and the file descriptors behind them).
out=${OUT:-/out}
env | grep '^IOMMUCTL_' | sort > "$out/child-env.txt"
for kv in $IOMMUCTL_FDS; do
	echo "${kv%%=*} $(readlink "/proc/$$/fd/${kv#*=}")"
done > "$out/child-fds.txt"
echo "parent $PPID" >> "$out/child-fds.txt"
