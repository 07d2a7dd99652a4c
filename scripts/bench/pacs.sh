#!/usr/bin/env bash
# PACS bench for `make bench`: C-STORE of a 300-slice 512x512 CT series (a phantom from
# `nodulekit phantom --format dicom`, made once into .build-bench/pacs/) to a real Orthanc
# started here on 127.0.0.1 (scripts/orthanc/test-config.json, TCP_NODELAY=1), ours
# (`nodulekit pacs send`) next to DCMTK's storescu in the same run: one association, and
# four (ours --associations 4; four storescu processes on a quarter each). Then C-MOVE of
# the series back: ours (`pacs move` into `nodulekit listen`) next to movescu into storescp.
# The instances are sent once before timing, so every timed send meets the same Orthanc
# state (already stored). Prints `bench: NAME ours_s=… anchor=TOOL anchor_s=… ratio=…`
# (medians of PACS_BENCH_REPEATS, default 3). Usage: scripts/bench/pacs.sh [NODULEKIT]
set -euo pipefail
cd "$(dirname "$0")/../.."
nk=${1:-.build/release/nodulekit}
repeats=${PACS_BENCH_REPEATS:-3}
work=.build-bench/pacs
series=$work/series
if [ ! -d "$series" ]; then
    echo "pacs bench: writing a 512x512x300 DICOM series (once)" >&2
    "$nk" phantom --format dicom --output "$series" --size 512,512,300 --spacing 0.7,0.7,1 --nodules 2 --quiet >&2
fi
tmp=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dicom=$(free_port) http=$(free_port) move=$(free_port)
sed -e "s|@STORAGE@|$tmp/db|" -e "s|@HTTP_PORT@|$http|" -e "s|@DICOM_PORT@|$dicom|" -e "s|@MOVE_PORT@|$move|" \
    scripts/orthanc/test-config.json > "$tmp/orthanc.json"
TCP_NODELAY=1 Orthanc "$tmp/orthanc.json" > "$tmp/orthanc.log" 2>&1 &
orthanc=$!
cleanup() { kill "$orthanc" 2>/dev/null || true; [ -n "${listener:-}" ] && kill "$listener" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for _ in $(seq 100); do "$nk" pacs echo --host 127.0.0.1 --port "$dicom" --called-ae ORTHANC >/dev/null 2>&1 && break; sleep 0.1; done
export TCP_NODELAY=1
peer=(--host 127.0.0.1 --port "$dicom" --called-ae ORTHANC)
folder=$(dirname "$(find "$series" -name '*.dcm' | head -1)")   # the series' own folder, DICOM only
files=$(find "$folder" -name '*.dcm' | sort)
count=$(echo "$files" | wc -l)
echo "$files" > "$tmp/files.txt"
split -n l/4 "$tmp/files.txt" "$tmp/quarter-"
"$nk" pacs send "${peer[@]}" --quiet "$folder" >/dev/null   # Orthanc holds the series from here on

seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v a="$s" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'; }
storescu4() { for q in "$tmp"/quarter-*; do xargs storescu -aec ORTHANC 127.0.0.1 "$dicom" < "$q" & done; wait; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
o1=() a1=() o4=() a4=()
for _ in $(seq "$repeats"); do
    o1+=("$(seconds "$nk" pacs send "${peer[@]}" --quiet "$folder")")
    a1+=("$(seconds storescu -aec ORTHANC +sd 127.0.0.1 "$dicom" "$folder")")
    o4+=("$(seconds "$nk" pacs send "${peer[@]}" --quiet --associations 4 "$folder")")
    a4+=("$(seconds storescu4)")
done
line() {
    awk -v n="$1" -v o="$2" -v t="$3" -v a="$4" -v c="$count" 'BEGIN {
        printf "bench: %s ours_s=%.3f anchor=%s anchor_s=%.3f ratio=%.2f\n", n, o, t, a, o / a
        printf "pacs bench: %s: ours %.0f instances/s, %s %.0f instances/s\n", n, c / o, t, c / a > "/dev/stderr" }'
}
line "pacs_store_${count}_ct512_1assoc" "$(median "${o1[@]}")" storescu "$(median "${a1[@]}")"
line "pacs_store_${count}_ct512_4assoc" "$(median "${o4[@]}")" storescu_x4 "$(median "${a4[@]}")"

# C-MOVE back to NKLISTEN (Orthanc's modality at $move): ours into `listen`, movescu into storescp.
study=$(dcmdump +P StudyInstanceUID "$(echo "$files" | head -1)" | sed 's/.*\[\(.*\)\].*/\1/')
up() { for _ in $(seq 100); do echoscu -aec NKLISTEN 127.0.0.1 "$1" >/dev/null 2>&1 && return; sleep 0.1; done; }
om=() am=()
for r in $(seq "$repeats"); do
    "$nk" listen --port "$move" --ae-title NKLISTEN --output "$tmp/ours-$r" --quiet >/dev/null 2>&1 & listener=$!
    up "$move"
    om+=("$(seconds "$nk" pacs move "${peer[@]}" --study "$study" --destination NKLISTEN)")
    kill "$listener"; wait "$listener" 2>/dev/null || true
    mkdir -p "$tmp/theirs-$r"
    storescp -aet NKLISTEN -od "$tmp/theirs-$r" "$move" >/dev/null 2>&1 & listener=$!
    up "$move"
    am+=("$(seconds movescu -S -aec ORTHANC -aem NKLISTEN -k QueryRetrieveLevel=STUDY -k StudyInstanceUID="$study" 127.0.0.1 "$dicom")")
    kill "$listener"; wait "$listener" 2>/dev/null || true
    listener=
    rm -rf "$tmp/ours-$r" "$tmp/theirs-$r"
done
line "pacs_move_${count}_ct512" "$(median "${om[@]}")" movescu "$(median "${am[@]}")"
