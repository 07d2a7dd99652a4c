#!/usr/bin/env bash
# Issue 10's benchmarks, each next to SimpleITK in the same run (medians of 5):
#   resample_pet_onto_ct — a 128x128x100 PET (4 mm) resampled linearly through a rigid
#                          transform onto a 512x512x300 CT grid (78.6 M voxels)
#   register_pet_to_ct   — one rigid Mattes MI registration of a 128x128x100 PET-like image to
#                          a 512x512x300 CT-like one (1 % sampling, shrink 4/2/1), median of 3;
#                          both TREs over the lungs go to standard error
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product registration-bench -q
bench=.build/release/registration-bench
py=.venv/bin/python
work=${BENCH_WORK:-/tmp/nodulekit-bench-registration}
[ -f "$work/t.tfm" ] || $py scripts/bench/registration_anchor.py make "$work"
[ -f "$work/truth.tfm" ] || $py scripts/bench/registration_anchor.py make-pair "$work"
line() { # name ours anchor
  awk -v n="$1" -v o="$2" -v a="$3" 'BEGIN { printf "bench: %s ours_s=%.4f anchor=simpleitk anchor_s=%.4f ratio=%.2f\n", n, o, a, o / a }'
}
runs=5
line resample_pet_onto_ct "$($bench resample "$work/pet.mha" "$work/ct.mha" "$work/t.tfm" $runs)" \
  "$($py scripts/bench/registration_anchor.py resample "$work" $runs)"
line register_pet_to_ct "$($bench register "$work/pair-ct.mha" "$work/pair-pet.mha" "$work/truth.tfm" ${REG_RUNS:-3})" \
  "$($py scripts/bench/registration_anchor.py register "$work" ${REG_RUNS:-3})"
