#!/usr/bin/env bash
# Builds and runs the library example in Examples/ against SampleData, so it never rots.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d Examples/MaskWriter ] || exit 0
out=$(mktemp -d)
swift build --package-path Examples/MaskWriter -q
Examples/MaskWriter/.build/debug/MaskWriter SampleData/annotations.csv SampleData "$out"
ls "$out" | grep -q '_mask.mhd' || { echo "example wrote no mask"; exit 1; }
echo "example: MaskWriter wrote $(ls "$out" | grep -c '_mask.mhd') masks"
rm -rf "$out"
