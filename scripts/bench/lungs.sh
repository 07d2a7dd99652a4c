#!/usr/bin/env bash
# The lung mask of a 512x512x300 chest CT (the real CPTAC-LSCC series resampled to 300
# slices of 1 mm): `nodulekit lungs` next to the classic SimpleITK pipeline (threshold, body,
# two largest air regions, 15 mm ball closing, hole filling; 2 threads) in the same run.
# Both time the segmentation only (ours: the sum of --timings' stages), median of 3.
# Usage: scripts/bench/lungs.sh NODULEKIT
set -euo pipefail
cd "$(dirname "$0")/../.."
nk=${1:?usage: lungs.sh NODULEKIT}
py=.venv/bin/python
series=../shared/testdata/dicom/chest-ct-cptac-lscc-c3n-00247
work=${BENCH_WORK:-/tmp/nodulekit-bench-lungs}
mkdir -p "$work"
[ -f "$work/ct300.mha" ] || $py scripts/bench/lungs_sitk.py make "$series" "$work/ct300.mha"
times=()
for _ in 1 2 3; do
  t=$("$nk" lungs "$work/ct300.mha" --output "$work/lungs.mha" --threads 2 --timings --quiet \
      | awk -F', ' '/ s, / { s = 0; for (i = 1; i <= NF; i++) { n = split($i, w, " "); s += w[n - 1] } print s }')
  times+=("$t")
done
ours=$(printf '%s\n' "${times[@]}" | sort -g | sed -n 2p)
anchor=$($py scripts/bench/lungs_sitk.py run "$work/ct300.mha" 3 | sed -n 's/anchor_s=\([0-9.]*\).*/\1/p')
awk -v o="$ours" -v a="$anchor" 'BEGIN { printf "bench: lungs_mask_512x512x300 ours_s=%.4f anchor=simpleitk anchor_s=%.4f ratio=%.2f\n", o, a, o / a }'
