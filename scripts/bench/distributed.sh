#!/usr/bin/env bash
# Data-parallel training over MPI on this machine: one epoch of the segmenter at 2 ranks ×
# 1 thread against 1 rank × 1 thread and 1 rank × 2 threads, medians of DIST_BENCH_RUNS (3);
# the paper's U-Net (DIST_BENCH_WIDTH=1) at 64² on phantom slices, batch 16 a step, on a
# set split 90/10 so an epoch is mostly training, as at scale. `ours_s` and `anchor_s` are the
# epoch's training time as `train` prints it (steps only: the fixed start-up, validation and
# checkpoint writes are not part of an epoch's cost at scale); `wall-…` lines give the whole
# run's wall time too. Prints the allreduce time per step of the 2-rank runs (and the wait
# for the slower rank before it) and rank 0's peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/../.."
nk=${1:-.build/release/nodulekit}
width=${DIST_BENCH_WIDTH:-1}
runs=${DIST_BENCH_RUNS:-3}
out=.build-bench/distributed-v2
mkdir -p "$out"
if [ ! -f "$out/set/manifest.csv" ]; then
    "$nk" phantom --output "$out/scans" --count 10 --size 128,128,48 --spacing 0.75,0.75,2.5 --nodules 3 --labelled --seed 21 --quiet >/dev/null
    "$nk" dataset segmentation --annotations "$out/scans/annotations.csv" --images "$out/scans" --output "$out/set" \
        --size 64 --background-slices 2 --split 90/10/0 --seed 21 --quiet >/dev/null
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI runs as root; this script only
mpi=(mpirun --oversubscribe --bind-to none)
# Shared memory hands a large message over in one copy (CMA) where the container lets a
# process read its peer's memory (ptrace rights); a small 2-rank run finds out, and without
# them the ranks go through copy-in/copy-out buffers (twice the copies: 0.069 s instead of
# 0.029 s a step for this U-Net's 61 MB on the machine of Docs/Distributed.md).
if ! "${mpi[@]}" -np 2 "$nk" train segmenter --dataset "$out/set" --output "$out/probe" --width 0.0625 --epochs 1 \
        --batch-size 8 --seed 1 --threads 1 --distributed --quiet >"$out/probe.txt" 2>&1 \
   || grep -qi 'single.copy\|process_vm\|CMA' "$out/probe.txt"; then
    mpi+=(--mca btl_vader_single_copy_mechanism none)
    echo "distributed bench: no single-copy shared memory here (see $out/probe.txt); copy-in/copy-out it is" >&2
fi
train() {  # RANKS THREADS BATCH → "EPOCH_SECONDS WALL_SECONDS"; the allreduce line goes to $out/allreduce.txt
    local start end
    start=$(date +%s.%N)
    "${mpi[@]}" -np "$1" "$nk" train segmenter --dataset "$out/set" --output "$out/run-$1x$2" --width "$width" \
        --epochs 1 --batch-size "$3" --learning-rate 1e-3 --seed 1 --threads "$2" --distributed --quiet >"$out/log-$1x$2.txt"
    end=$(date +%s.%N)
    grep '^allreduce' "$out/log-$1x$2.txt" >>"$out/allreduce.txt" || true
    grep '^peak resident' "$out/log-$1x$2.txt" | awk '{ print $4 }' >"$out/rss-$1x$2.txt" || true
    epoch=$(sed -n 's/^training: \([0-9.]*\) s an epoch.*/\1/p' "$out/log-$1x$2.txt")
    [ -n "$epoch" ] || { echo "distributed bench: no training line in $out/log-$1x$2.txt" >&2; exit 1; }
    awk -v e="$epoch" -v a="$start" -v b="$end" 'BEGIN { print e, b - a }'
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$out/allreduce.txt"
one_runs=$(for _ in $(seq "$runs"); do train 1 1 16; done)
wide_runs=$(for _ in $(seq "$runs"); do train 1 2 16; done)
: >"$out/allreduce.txt"
two_runs=$(for _ in $(seq "$runs"); do train 2 1 8; done)
col() { awk -v c="$1" '{ print $c }' | median; }  # COLUMN of the runs' lines → median
one=$(col 1 <<<"$one_runs") wide=$(col 1 <<<"$wide_runs") two=$(col 1 <<<"$two_runs")
one_wall=$(col 2 <<<"$one_runs") wide_wall=$(col 2 <<<"$wide_runs") two_wall=$(col 2 <<<"$two_runs")
allreduce=$(awk '{ print $2 }' "$out/allreduce.txt" | median)
wait=$(awk '{ print $8 }' "$out/allreduce.txt" | median)
slices=$(awk -F, '$2 == "train"' "$out/set/manifest.csv" | wc -l)
printf 'bench: train-epoch-2ranks-vs-1rank ours_s=%.2f anchor=nodulekit-1rank-1thread anchor_s=%.2f ratio=%.2f\n' "$two" "$one" "$(div "$two" "$one")"
printf 'bench: train-epoch-2ranks-vs-2threads ours_s=%.2f anchor=nodulekit-1rank-2threads anchor_s=%.2f ratio=%.2f\n' "$two" "$wide" "$(div "$two" "$wide")"
printf 'bench: wall-train-run-2ranks-vs-1rank ours_s=%.2f anchor=nodulekit-1rank-1thread anchor_s=%.2f ratio=%.2f\n' "$two_wall" "$one_wall" "$(div "$two_wall" "$one_wall")"
printf 'distributed-bench: mpi="%s" width=%s slices=%s speedup=%.2f wall_speedup=%.2f vs_2threads=%.2f allreduce_s_per_step=%s wait_s_per_step=%s peak_rss_mb_rank0=%s (1 rank: %s)\n' \
    "${mpi[*]:1}" "$width" "$slices" "$(div "$one" "$two")" "$(div "$one_wall" "$two_wall")" "$(div "$wide" "$two")" "$allreduce" "$wait" \
    "$(cat "$out/rss-2x1.txt")" "$(cat "$out/rss-1x1.txt")"
