#!/usr/bin/env bash
# Builds and runs the library example in Examples/MaskWriter against SampleData, and
# checks it wrote one mask per scan, so the example in Docs/Library.md never rots.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
swift build --package-path Examples/MaskWriter -q
Examples/MaskWriter/.build/debug/MaskWriter SampleData/annotations.csv SampleData "$out"
scans=$(find SampleData -name '*.mhd' | wc -l)
masks=$(find "$out" -name '*_mask.mhd' | wc -l)
[ "$scans" -gt 0 ] && [ "$masks" -eq "$scans" ] || { echo "example: expected $scans masks, found $masks"; exit 1; }
echo "example: MaskWriter wrote $masks masks for $scans scans"
