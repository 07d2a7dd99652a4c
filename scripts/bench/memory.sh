#!/usr/bin/env bash
# Peak resident memory of each step of the paper's protocol (Docs/Paper.md) at LUNA16 scan
# size: a 512x512x300 chest CT (the real CPTAC-LSCC series resampled to 300 slices of 1 mm,
# as in lungs.sh), the full-width paper U-Net at 128x128 and batch 16. Training reads its
# set memory-mapped and the per-scan steps hold one scan at a time, so these figures are the
# per-process memory at any number of scans. One line per step:
#   memory: STEP peak_rss_mb=… seconds=… (what it ran on)
# GNU time (Debian's `time`) reads the peak. Usage: scripts/bench/memory.sh NODULEKIT
set -euo pipefail
cd "$(dirname "$0")/../.."
nk=${1:?usage: memory.sh NODULEKIT}
py=.venv/bin/python
series=../shared/testdata/dicom/chest-ct-cptac-lscc-c3n-00247
work=${BENCH_WORK:-/tmp/nodulekit-bench-memory}
scans=${MEMORY_BENCH_SCANS:-6}
mkdir -p "$work/images"
[ -f "$work/ct300.mha" ] || $py scripts/bench/lungs_sitk.py make "$series" "$work/ct300.mha"

# step NAME WHAT COMMAND…: runs COMMAND under GNU time, prints its peak RSS and wall time.
step() {
  local name=$1 what=$2; shift 2
  local start; start=$(date +%s.%N)
  if ! /usr/bin/time -f %M -o "$work/rss" "$@" >"$work/$name.log" 2>&1; then
    echo "memory bench: $name failed:" >&2; tail -5 "$work/$name.log" >&2; exit 1
  fi
  awk -v n="$name" -v k="$(tail -1 "$work/rss")" -v a="$start" -v b="$(date +%s.%N)" -v w="$what" \
    'BEGIN { printf "memory: %s peak_rss_mb=%.0f seconds=%.1f (%s)\n", n, k / 1024, b - a, w }'
}

step lungs "one 512x512x300 CT" "$nk" lungs "$work/ct300.mha" --output "$work/lungs.mha" --threads 2 --quiet
uids=()
for i in $(seq "$scans"); do
  ln -sf "$work/ct300.mha" "$work/images/scan$i.mha"; uids+=("scan$i")
done
$py scripts/bench/memory_nodules.py "$work/lungs.mha" "$work/annotations.csv" 3 "${uids[@]}"
step masks "$scans scans of 512x512x300, 3 nodules each" \
  "$nk" masks --annotations "$work/annotations.csv" --images "$work/images" --output "$work/masks" --compress --quiet
rm -rf "$work/seg128"
step dataset-segmentation "$scans scans of 512x512x300, lung masks, 128x128 slices" \
  "$nk" dataset segmentation --annotations "$work/annotations.csv" --images "$work/images" \
  --output "$work/seg128" --size 128 --split 60/20/20 --quiet
rm -rf "$work/unet"
step train-segmenter "full-width U-Net (15.3 M parameters), 128x128, batch 16, 1 epoch, 2 threads" \
  "$nk" train segmenter --dataset "$work/seg128" --output "$work/unet" --epochs 1 --width 1 --batch-size 16 --threads 2 --quiet
rm -rf "$work/screen"
step screen "one 512x512x300 CT, full-width U-Net at 128x128, lung mask, 2 threads" \
  "$nk" screen "$work/ct300.mha" --segmenter "$work/unet" --output "$work/screen" --threads 2 --quiet
