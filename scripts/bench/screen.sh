#!/usr/bin/env bash
# Screening bench for `make bench`: `nodulekit screen` end to end (read a 512×512×300 DICOM
# CT series, every slice through the full-width paper U-Net at 128×128, the discriminator,
# 3-D nodules, all outputs written) on two threads, next to PyTorch's forward pass of the same
# U-Net over the same 300 slices in the same run. Prints the total and the per-slice line
#   bench: NAME ours_s=… anchor=pytorch anchor_s=… ratio=…
# (medians), and the last run's phases (read, lungs, forward, 3-D nodules, writes). The series
# is a phantom (nodulekit phantom --format dicom), made once into
# .build-bench/; the U-Net's weights are seeded, untrained (speed does not depend on them).
# Knobs: SCREEN_BENCH_REPEATS (3), SCREEN_BENCH_SIZE (128), SCREEN_BENCH_THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/../.."
nk=${1:-.build/release/nodulekit}
repeats=${SCREEN_BENCH_REPEATS:-3}
size=${SCREEN_BENCH_SIZE:-128}
threads=${SCREEN_BENCH_THREADS:-2}
slices=300
work=.build-bench/screen
venv=.build-nn/torch-venv

if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    echo "screen bench: installing PyTorch into $venv (once; several GB)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch numpy safetensors >&2
fi
swift build -c release --product imaging-bench >&2
if [ ! -d "$work/series" ]; then
    echo "screen bench: writing a 512x512x$slices DICOM series (once)" >&2
    "$nk" phantom --format dicom --output "$work/series" --size 512,512,$slices --spacing 0.7,0.7,1 --nodules 4 --quiet >&2
fi
.build/release/imaging-bench segmenter-run "$work/unet-full" 1 "$size" >/dev/null

ours=() anchor=()
for _ in $(seq "$repeats"); do
    start=$(date +%s.%N)
    phases=$("$nk" screen "$work/series" --segmenter "$work/unet-full" --output "$work/out" --threads "$threads" --quiet --timings \
        | sed -n 's/^timings: //p')
    ours+=("$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')")
    anchor+=("$("$venv/bin/python" scripts/bench/screen_torch.py "$slices" "$size" "$threads" 1)")
done
# Where the time goes (the last run's phases, `screen --timings`): not a bench line.
echo "screen phases: $phases"
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
o=$(median "${ours[@]}") a=$(median "${anchor[@]}")
awk -v o="$o" -v a="$a" -v n="$slices" -v s="$size" -v t="$threads" 'BEGIN {
    printf "bench: screen_512x512x%d_unet64_%dpx_t%d ours_s=%.3f anchor=pytorch anchor_s=%.3f ratio=%.2f\n", n, s, t, o, a, o / a
    printf "bench: screen_per_slice_unet64_%dpx_t%d ours_s=%.4f anchor=pytorch anchor_s=%.4f ratio=%.2f\n", s, t, o / n, a / n, o / a
}'
