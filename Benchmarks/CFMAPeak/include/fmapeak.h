// The machine's single-precision peak as a plain FMA loop measures it: independent fused
// multiply-adds on the widest vectors the CPU runs (AVX-512, else AVX2 + FMA, else SSE),
// enough of them in flight to cover the FMA latency. For nn-bench's GFLOP/s rows.
#ifndef NODULEKIT_FMAPEAK_H
#define NODULEKIT_FMAPEAK_H

/// Runs `iterations` rounds of the loop on the calling thread and returns the
/// floating-point operations done (2 per FMA lane); `sink` receives a value that depends on
/// every accumulator, so the loop cannot be optimised away.
double nodulekit_fma_loop(long long iterations, float *sink);

/// The same loop on AVX2 + FMA at most: the peak of code limited to 256-bit vectors (such as
/// OpenBLAS's Haswell kernels, which OPENBLAS_CORETYPE=Haswell selects).
double nodulekit_fma_loop_avx2(long long iterations, float *sink);

/// The instruction set the loop uses: "avx512f", "avx2+fma" or "sse".
const char *nodulekit_fma_isa(void);

#endif
