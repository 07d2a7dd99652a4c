#include "fmapeak.h"
#include <immintrin.h>

// Twelve independent accumulators: two FMA pipes × a latency of 4–6 cycles is covered.
#define ROUNDS(T, FMA, SET1, ADD, LANES)                                                        \
    T m = SET1(0.9999999f), a = SET1(1e-7f);                                                    \
    T c0 = SET1(0.1f), c1 = SET1(0.2f), c2 = SET1(0.3f), c3 = SET1(0.4f), c4 = SET1(0.5f);     \
    T c5 = SET1(0.6f), c6 = SET1(0.7f), c7 = SET1(0.8f), c8 = SET1(0.9f), c9 = SET1(1.0f);     \
    T c10 = SET1(1.1f), c11 = SET1(1.2f);                                                        \
    for (long long n = 0; n < iterations; n++) {                                                \
        c0 = FMA(c0, m, a); c1 = FMA(c1, m, a); c2 = FMA(c2, m, a); c3 = FMA(c3, m, a);         \
        c4 = FMA(c4, m, a); c5 = FMA(c5, m, a); c6 = FMA(c6, m, a); c7 = FMA(c7, m, a);         \
        c8 = FMA(c8, m, a); c9 = FMA(c9, m, a); c10 = FMA(c10, m, a); c11 = FMA(c11, m, a);     \
        /* The compiler may not merge or skip accumulators: each is an opaque register. */      \
        __asm__ volatile("" : "+x"(c0), "+x"(c1), "+x"(c2), "+x"(c3), "+x"(c4), "+x"(c5));      \
        __asm__ volatile("" : "+x"(c6), "+x"(c7), "+x"(c8), "+x"(c9), "+x"(c10), "+x"(c11));    \
    }                                                                                           \
    T s = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));                    \
    s = ADD(s, ADD(ADD(c8, c9), ADD(c10, c11)));                                                \
    float lanes[LANES];                                                                         \
    __builtin_memcpy(lanes, &s, sizeof lanes);                                                  \
    float total = 0;                                                                            \
    for (int i = 0; i < LANES; i++) total += lanes[i];                                          \
    *sink = total;                                                                              \
    return (double)iterations * 12.0 * LANES * 2.0;

__attribute__((target("avx512f"))) static double loop_avx512(long long iterations, float *sink) {
    ROUNDS(__m512, _mm512_fmadd_ps, _mm512_set1_ps, _mm512_add_ps, 16)
}

__attribute__((target("avx2,fma"))) static double loop_avx2(long long iterations, float *sink) {
    ROUNDS(__m256, _mm256_fmadd_ps, _mm256_set1_ps, _mm256_add_ps, 8)
}

// Without FMA a multiply and an add: 2 operations as well.
#define SSE_FMA(c, m, a) _mm_add_ps(_mm_mul_ps(c, m), a)
static double loop_sse(long long iterations, float *sink) {
    ROUNDS(__m128, SSE_FMA, _mm_set1_ps, _mm_add_ps, 4)
}

const char *nodulekit_fma_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "avx2+fma";
    return "sse";
}

double nodulekit_fma_loop_avx2(long long iterations, float *sink) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return loop_avx2(iterations, sink);
    return loop_sse(iterations, sink);
}

double nodulekit_fma_loop(long long iterations, float *sink) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return loop_avx512(iterations, sink);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return loop_avx2(iterations, sink);
    return loop_sse(iterations, sink);
}
