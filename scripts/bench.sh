#!/usr/bin/env bash
# Runs every benchmark in scripts/bench/*.sh. Each prints lines
#   bench: NAME ours_s=… anchor=TOOL anchor_s=… ratio=…
# (medians of at least 3 runs, ours and the anchor measured in the same run). Every script
# takes the nodulekit binary as its one argument; knobs are environment variables. Exits
# non-zero when any benchmark failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for b in scripts/bench/*.sh; do
  [ -e "$b" ] || continue
  echo "== $b" >&2
  bash "$b" "$@" || { echo "benchmark $b failed" >&2; status=1; }
done
exit $status
