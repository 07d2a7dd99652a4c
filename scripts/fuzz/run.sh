#!/usr/bin/env bash
# Fuzzes NoduleKit's parsers with libFuzzer under ASan and UBSan, one target after the
# other, SECONDS each (default 60): DICOM (DICOMFile over DCMTK/GDCM), MetaImage header +
# data, NIfTI, the annotations CSVs (LUNA16, labels.csv, nodules.csv), .npy, safetensors
# and model.json. Seeds come from the real files in ../shared/testdata, SampleData,
# pydicom's and nibabel's test files (scripts/fuzz/seeds.py). libFuzzer runs in fork mode
# so a finding does not end the run; every finding is saved as Fuzz/findings/<Target>/…
# and replays with `Fuzz/.build/release/<Target> FILE`. Logs: Fuzz/logs/<Target>.log.
# Exits non-zero when any target found something.
# Usage: scripts/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
SECONDS_TO_RUN=${1:-60}
shift || true
ALL=(DICOMFuzz MetaImageFuzz NIfTIFuzz AnnotationsCSVFuzz NumPyFuzz SafetensorsFuzz ModelJSONFuzz)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
testdata=${NODULEKIT_SHARED_TESTDATA:-$repo/../shared/testdata}

# ASan everywhere; UBSan on the C/C++ side (the DCMTK/GDCM bridge, the C shims). swiftc has
# no UBSan on Linux, and needs none: Swift traps on overflow and out-of-bounds access in
# release builds too, and the fuzzer reports each trap as a crash.
flags=(-c release -Xswiftc -sanitize=fuzzer,address
       -Xcc -fsanitize=fuzzer-no-link,address,undefined -Xcxx -fsanitize=fuzzer-no-link,address,undefined)
cd Fuzz
swift build "${flags[@]}" >/dev/null
bin=$(swift build "${flags[@]}" --show-bin-path)

# Seed corpora (libFuzzer adds what it finds to the same folders).
mkdir -p corpus findings logs
if [ -x ../.venv/bin/python ] && [ -d "$testdata" ]; then
  ../.venv/bin/python ../scripts/fuzz/seeds.py "$testdata" corpus
fi
mkdir -p corpus/DICOMFuzz
for dir in ../.testdata/pydicom ../.testdata/pydicom-data ../SampleData/dicom; do
  [ -d "$dir" ] && find "$dir" -name '*.dcm' -size -64k -exec cp -n {} corpus/DICOMFuzz/ \; 2>/dev/null || true
done

# Harnesses write inputs to files: keep them in memory, and remove them afterwards.
scratch=$(mktemp -d /dev/shm/nodulekit-fuzz.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$scratch"' EXIT

max_len() {
  case $1 in
    MetaImageFuzz|NIfTIFuzz) echo 131072 ;;
    DICOMFuzz|NumPyFuzz) echo 65536 ;;
    SafetensorsFuzz|AnnotationsCSVFuzz) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

found_any=0
printf '%-20s %8s %12s %9s\n' target seconds executions findings
for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target" "findings/$target"
  before=$(find "findings/$target" -type f | wc -l)
  start=$(date +%s)
  # Leaks are reported by DCMTK's global dictionary and Swift's metadata caches at exit;
  # they are not findings. A UBSan report stops the input like a crash.
  SWIFT_BACKTRACE=enable=no TMPDIR="$scratch" ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$bin/$target" "corpus/$target" -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
      -max_total_time="$SECONDS_TO_RUN" -max_len="$(max_len "$target")" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
      -timeout=10 -artifact_prefix="findings/$target/" -print_final_stats=1 >"logs/$target.log" 2>&1 || true
  elapsed=$(( $(date +%s) - start ))
  # Fork mode logs "#<executions>: cov: … crash: c" lines; the last one is the total.
  execs=$(grep -oE '^#[0-9]+' "logs/$target.log" | tail -1 | tr -d '#')
  found=$(( $(find "findings/$target" -type f | wc -l) - before ))
  [ "$found" -eq 0 ] || found_any=1
  printf '%-20s %8s %12s %9s\n' "$target" "$elapsed" "${execs:-?}" "$found"
done
exit $found_any
