#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Memory-source benchmark: builds bench/bench_mem.c against the memory
# sources (and libkdumpfile when pkg-config finds it) and runs it. Prints
# rates and ratios against baselines measured in the same run; no
# thresholds. Usage: bench/bench_mem.sh [DIR for the generated dumps]
set -eu
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
. bench/lib.sh
bench_mem_build
exec "$bm" "$@"
