#!/usr/bin/env bash
# DICOM series load bench: a 300-slice 512x512 CT series written by pydicom
# (uncompressed, shuffled file names) loaded into an Int16 HU volume by NoduleKit,
# SimpleITK's ImageSeriesReader and pydicom's read-sort-stack; best of 5 with the files
# in the page cache. Usage: DICOM_BENCH_SLICES=N scripts/bench/dicom.sh [NODULEKIT]
set -euo pipefail
cd "$(dirname "$0")/../.."
SLICES=${DICOM_BENCH_SLICES:-300}  # $1 is the nodulekit binary, as for every bench script
PY=.venv/bin/python
FLAGS=(-c release ${SCRATCH:+--scratch-path "$SCRATCH"})  # SCRATCH: another build folder
swift build "${FLAGS[@]}" --product dicom-bench >/dev/null
BENCH=$(swift build "${FLAGS[@]}" --show-bin-path)/dicom-bench
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
$PY scripts/bench/dicom_series.py make "$DIR" "$SLICES"
cat "$DIR"/*.dcm >/dev/null  # page cache
ours=$("$BENCH" "$DIR" 5 | sed -n 's/.*ours_s=\([0-9.]*\).*/\1/p')
sitk=$($PY scripts/bench/dicom_series.py sitk "$DIR" 5 | sed -n 's/anchor_s=//p')
pyd=$($PY scripts/bench/dicom_series.py pydicom "$DIR" 5 | sed -n 's/anchor_s=//p')
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "bench: dicom_series_load ours_s=$ours anchor=simpleitk anchor_s=$sitk ratio=$(ratio "$ours" "$sitk")"
echo "bench: dicom_series_load ours_s=$ours anchor=pydicom anchor_s=$pyd ratio=$(ratio "$ours" "$pyd")"
