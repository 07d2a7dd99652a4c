#!/usr/bin/env bash
# Issue 2's benchmarks, each next to SimpleITK in the same run (medians of 5):
#   mhd_read_raw, mhd_read_zraw  — read a 512x512x300 MET_SHORT volume into memory
#   masks_job_20_nodules         — one scan, 20 nodules: read, masks, write the compressed mask
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product imaging-bench -q
bench=.build/release/imaging-bench
py=.venv/bin/python
work=${BENCH_WORK:-/tmp/nodulekit-bench-imaging}
[ -f "$work/annotations.csv" ] || $py scripts/bench/imaging_anchor.py make "$work"
uid=1.2.826.0.1.3680043.99.1
line() { # name ours anchor
  awk -v n="$1" -v o="$2" -v a="$3" 'BEGIN { printf "bench: %s ours_s=%.4f anchor=simpleitk anchor_s=%.4f ratio=%.2f\n", n, o, a, o / a }'
}
runs=5
# Warm the page cache for both readers.
cat "$work/raw/$uid.raw" "$work/zraw/$uid.zraw" > /dev/null
line mhd_read_raw "$($bench read "$work/raw/$uid.mhd" $runs)" "$($py scripts/bench/imaging_anchor.py read "$work/raw/$uid.mhd" $runs)"
line mhd_read_zraw "$($bench read "$work/zraw/$uid.mhd" $runs)" "$($py scripts/bench/imaging_anchor.py read "$work/zraw/$uid.mhd" $runs)"
line masks_job_20_nodules "$($bench masks "$work/annotations.csv" "$work/raw" "$work/out-ours" $runs)" \
  "$($py scripts/bench/imaging_anchor.py masks "$work/annotations.csv" "$work/raw" "$work/out-sitk" $runs)"
