#!/usr/bin/env bash
# NeuralNet benchmark for `make bench`: the paper's U-Net (batch 16, 64x64 and 128x128) and
# classifier (batch 16, 2x64x64), training step and inference, with 1 and 2 threads, against
# PyTorch CPU on the same machine in the same run; our conv's GFLOP/s against raw sgemm; and
# the U-Net rows' GFLOP/s (3× the forward multiply-adds for a training step) against the
# machine's single-precision peak measured by a plain FMA loop (Benchmarks/CFMAPeak).
# Prints `bench: NAME ours_s=… anchor=pytorch anchor_s=… ratio=…` (median seconds).
# PyTorch comes from PyPI into the ignored venv .build-nn/torch-venv (made once, reused).
# Knobs: NN_BENCH_THREADS (1,2), NN_BENCH_SIZES (64,128; "none" for the classifier only),
# NN_BENCH_REPEATS (3), NN_BENCH_BACKENDS (openblas,onednn: NeuralNet's convolution backends;
# oneDNN's rows end in _onednn and are paired with the same PyTorch row). OPENBLAS_CORETYPE
# set by the caller is respected. NN_BENCH_STAT=min and NN_BENCH_CLOCK=cpu reach both
# programs (fastest run; CPU clock) for iterating, not reporting.
set -euo pipefail
cd "$(dirname "$0")/../.."

threads=${NN_BENCH_THREADS:-1,2}
sizes=${NN_BENCH_SIZES:-64,128}
repeats=${NN_BENCH_REPEATS:-3}
backends=${NN_BENCH_BACKENDS:-openblas,onednn}
venv=.build-nn/torch-venv

if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    echo "neuralnet bench: installing PyTorch into $venv (once; several GB)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q torch numpy safetensors >&2
fi
swift build -c release --scratch-path .build-nn --product nn-bench >&2

# OpenBLAS 0.3.21 (Debian 12) knows no Zen 4 and falls back to its AVX2 Haswell kernels on an
# AVX-512 AMD CPU, at about 2/3 of the speed; its SkylakeX kernels run there. The core type is
# read when the library loads, so it can only be set from outside the process.
if [ -z "${OPENBLAS_CORETYPE:-}" ] && grep -q avx512f /proc/cpuinfo 2>/dev/null \
    && grep -q avx512dq /proc/cpuinfo && grep -q avx512vl /proc/cpuinfo && grep -q avx512bw /proc/cpuinfo; then
    export OPENBLAS_CORETYPE=SKYLAKEX
fi
echo "neuralnet bench: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-auto}" >&2

ours=$(mktemp)
anchor=$(mktemp)
trap 'rm -f "$ours" "$anchor"' EXIT
# Ours and PyTorch alternate per thread count, so load from other work on the machine falls
# on both sides alike.
for t in ${threads//,/ }; do
    for b in ${backends//,/ }; do
        .build-nn/release/nn-bench --threads "$t" --sizes "$sizes" --repeats "$repeats" --backend "$b" >>"$ours"
    done
    "$venv/bin/python" scripts/bench/neuralnet_torch.py --threads "$t" --sizes "$sizes" --repeats "$repeats" >>"$anchor"
done

# Pair the two `NAME seconds` lists by name; the gflops lines carry conv= and sgemm= fields.
awk '
    FNR == NR { anchor[$1] = $2; next }
    { key = $1; sub(/_onednn$/, "", key) }
    $1 ~ /^gflops_/ {
        split($2, conv, "="); split($3, gemm, "=")
        printf "bench: nn_conv_%s ours_gflops=%.1f anchor=openblas_sgemm anchor_gflops=%.1f ratio=%.2f\n", $1, conv[2], gemm[2], conv[2] / gemm[2]
        next
    }
    # The machine'"'"'s measured single-precision peak (a plain FMA loop on its widest vectors).
    $1 ~ /^peak_/ { split($2, g, "="); split($3, isa, "="); if (!(($1 ":" isa[2]) in shown)) printf "neuralnet bench: %s FMA peak %.1f GFLOP/s (%s)\n", $1, g[2], isa[2] > "/dev/stderr"; shown[$1 ":" isa[2]] = 1; next }
    $1 ~ /^peakshare_/ {
        split($2, ours, "="); split($3, peak, "="); name = $1; sub(/^peakshare_/, "", name)
        printf "bench: nn_%s_gflops ours_gflops=%.1f anchor=fma_peak anchor_gflops=%.1f ratio=%.2f\n", name, ours[2], peak[2], ours[2] / peak[2]
        next
    }
    (key in anchor) {
        printf "bench: nn_%s ours_s=%.4f anchor=pytorch anchor_s=%.4f ratio=%.2f\n", $1, $2, anchor[key], $2 / anchor[key]
    }
' "$anchor" "$ours"
