#!/usr/bin/env bash
# Fuzzes NoduleKit's DICOM reader (DICOMFile over CDICOMBridge: DCMTK parsing, DCMTK and
# GDCM decoding, Swift header decoding) with libFuzzer for SECONDS (default 60).
# Seeds: pydicom's small test files from `make test-data`. Findings: Fuzz/findings/.
# Usage: scripts/fuzz/dicom.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../../Fuzz"
SECONDS_TO_RUN=${1:-60}
swift build -c release --product DICOMFuzz \
  -Xswiftc -sanitize=fuzzer,address \
  -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address >/dev/null
BIN=$(swift build -c release --show-bin-path \
  -Xswiftc -sanitize=fuzzer,address \
  -Xcc -fsanitize=fuzzer-no-link,address -Xcxx -fsanitize=fuzzer-no-link,address)/DICOMFuzz
mkdir -p corpus findings
if [ -d ../.testdata/pydicom ]; then
  find ../.testdata/pydicom ../.testdata/pydicom-data -name '*.dcm' -size -64k -exec cp -n {} corpus/ \; 2>/dev/null || true
fi
# Leaks are reported by DCMTK's global dictionary at exit; they are not findings.
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$BIN" corpus -max_total_time="$SECONDS_TO_RUN" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=10 -artifact_prefix=findings/ -print_final_stats=1
