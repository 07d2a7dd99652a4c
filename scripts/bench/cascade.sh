#!/usr/bin/env bash
# The cascade at the paper's full U-Net width (64…1024 channels; `make test` runs it at
# width 0.125) on the same 40 labelled phantom CTs: scripts/cascade.sh in its check mode,
# so the accuracy targets are printed (and checked) with the time of every stage. Long:
# tens of minutes on two cores. Knobs: CASCADE_BENCH_WIDTH (1), CASCADE_BENCH_EPOCHS (12).
# Prints `cascade-bench: …` lines; there is no anchor to put beside a whole training run.
set -uo pipefail
cd "$(dirname "$0")/../.."
nk=${1:-.build/release/nodulekit}
out=.build-bench/cascade
mkdir -p .build-bench
width=${CASCADE_BENCH_WIDTH:-1}
CASCADE_WIDTH=$width CASCADE_SEGMENTER_EPOCHS=${CASCADE_BENCH_EPOCHS:-12} scripts/cascade.sh "$nk" "$out" check >"$out.log" 2>&1
status=$?
grep '^cascade' "$out.log" | sed "s/^cascade/cascade-bench: width=$width/"
awk -F, -v w="$width" 'NR > 1 { printf "cascade-bench: width=%s stage=%s seconds=%s\n", w, $1, $2 }' "$out/times.csv"
echo "cascade-bench: report $out/report.md, log $out.log"
exit $status
