// 1-D Winograd F(m, r) transforms (CKWinogradLine.h): 16 tiles per vector over the staged
// phase planes. The transforms are compiled per instruction set from one body
// (`WinogradLineBodies.h`, included once per variant with its partial-vector moves); the common
// sizes (n = 6, 8, 9, 10, 12) get a copy with n fixed so that the n × n products unroll. Staging
// only moves values: one plain body.
#include "CKWinogradLine.h"
#include "MicroKernelVariants.h"
#include "WinogradVectors.h"

#include <string.h>

/// The transforms' short loops over n and m unroll fully where n (and m) are fixed, so that their
/// sums stay in registers as independent chains; the generic copies (any n) cannot and need not.
#define LINE_UNROLL _Pragma("clang loop unroll(full)")
#pragma clang diagnostic ignored "-Wpass-failed"

/// sums[i] = Σ_k matrix[i·n + k] · x[k] for i < rows (Bᵀ d, Aᵀ m): all sums at once, input by
/// input, so that they are `rows` independent chains of multiply-adds (one sum at a time was one
/// chain of n dependent ones, bound by the multiply-add's latency). A macro: as an inline function
/// taking the vectors by pointer, its loops no longer unrolled and the transforms took 2–4× longer.
#define LINE_MULTIPLY_VECTORS(matrix, rows, n, x, sums)                            \
    do {                                                                           \
        LINE_UNROLL                                                                \
        for (ptrdiff_t i_ = 0; i_ < (rows); i_++) (sums)[i_] = (matrix)[i_ * (n)] * (x)[0]; \
        LINE_UNROLL                                                                \
        for (ptrdiff_t k_ = 1; k_ < (n); k_++) {                                   \
            LINE_UNROLL                                                            \
            for (ptrdiff_t i_ = 0; i_ < (rows); i_++) (sums)[i_] += (matrix)[i_ * (n) + k_] * (x)[k_]; \
        }                                                                          \
    } while (0)

#if CK_X86
#include <immintrin.h>

/// The first `count` (≤ 16) lanes as a mask.
static inline __mmask16 first_lanes(ptrdiff_t count) { return (__mmask16)((1u << count) - 1u); }

/// AVX2's masked moves take a vector mask, eight lanes at a time: the first `count` (< 16) lanes
/// as two halves (loads and stores skip the masked-off lanes, so nothing past `count` is touched).
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) __m256i first_lanes8(ptrdiff_t count)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__((target("avx2"))) static inline __attribute__((always_inline)) v16 avx2_load_partial(const float *p, ptrdiff_t count)
{
    v8 low = (v8)_mm256_maskload_ps(p, first_lanes8(count));
    v8 high = (v8)_mm256_maskload_ps(p + 8, first_lanes8(count - 8));
    return __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}

__attribute__((target("avx2"))) static inline __attribute__((always_inline)) void avx2_store_partial(float *p, v16 x, ptrdiff_t count)
{
    _mm256_maskstore_ps(p, first_lanes8(count), (__m256)__builtin_shufflevector(x, x, 0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(p + 8, first_lanes8(count - 8), (__m256)__builtin_shufflevector(x, x, 8, 9, 10, 11, 12, 13, 14, 15));
}

#define LINE_NAME(name) name##_avx512
#define LINE_TARGET __attribute__((target("avx512f,fma")))
#define LINE_LOAD_PARTIAL(p, count) ((v16)_mm512_maskz_loadu_ps(first_lanes(count), (p)))
#define LINE_STORE_PARTIAL(p, x, count) _mm512_mask_storeu_ps((p), first_lanes(count), (__m512)(x))
#define LINE_STORE_ACROSS 1
#include "WinogradLineBodies.h"

#define LINE_NAME(name) name##_avx2
#define LINE_TARGET __attribute__((target("avx2,fma")))
#define LINE_LOAD_PARTIAL(p, count) avx2_load_partial((p), (count))
#define LINE_STORE_PARTIAL(p, x, count) avx2_store_partial((p), (x), (count))
#define LINE_STORE_ACROSS 0
#include "WinogradLineBodies.h"
#endif

/// The portable variant's partial vectors, lane by lane.
CK_INLINE v16 portable_load_partial(const float *p, ptrdiff_t count)
{
    v16 x = {0};
    for (ptrdiff_t i = 0; i < count; i++) x[i] = p[i];
    return x;
}

CK_INLINE void portable_store_partial(float *p, v16 x, ptrdiff_t count)
{
    for (ptrdiff_t i = 0; i < count; i++) p[i] = x[i];
}

#define LINE_NAME(name) name##_portable
#define LINE_TARGET
#define LINE_LOAD_PARTIAL(p, count) portable_load_partial((p), (count))
#define LINE_STORE_PARTIAL(p, x, count) portable_store_partial((p), (x), (count))
#define LINE_STORE_ACROSS 0
#include "WinogradLineBodies.h"

void ck_line_input(
    int level, const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, ptrdiff_t n,
    const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride, ptrdiff_t stripStride)
{
    if (n > CK_LINE_MAX_INPUTS || n < 1 || m < 1) return;
#if CK_X86
    if (level >= 2) { line_input_avx512(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride); return; }
    if (level == 1) { line_input_avx2(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride); return; }
#endif
    line_input_portable(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride);
}

void ck_line_output(
    int level, const float *products, ptrdiff_t xiStride, ptrdiff_t m, ptrdiff_t n, const float *at,
    ptrdiff_t count, float *phases)
{
    if (n > CK_LINE_MAX_INPUTS || n < 1 || m < 1) return;
#if CK_X86
    if (level >= 2) { line_output_avx512(products, xiStride, m, n, at, count, phases); return; }
    if (level == 1) { line_output_avx2(products, xiStride, m, n, at, count, phases); return; }
#endif
    line_output_portable(products, xiStride, m, n, at, count, phases);
}

void ck_line_stage(
    const float *plane, int vertical, ptrdiff_t along, ptrdiff_t across, ptrdiff_t padBefore, ptrdiff_t m,
    ptrdiff_t rowsPerPhase, float *staged)
{
    for (ptrdiff_t phase = 0; phase < m; phase++) {
        for (ptrdiff_t u = 0; u < rowsPerPhase; u++) {
            float *row = staged + (phase * rowsPerPhase + u) * across;
            ptrdiff_t l = u * m + phase - padBefore;
            if (l < 0 || l >= along) {
                memset(row, 0, (size_t)across * sizeof(float));
            } else if (vertical) {
                memcpy(row, plane + l * across, (size_t)across * sizeof(float));
            } else {
                // Column l of the inHeight (= across) × inWidth (= along) plane.
                for (ptrdiff_t j = 0; j < across; j++) row[j] = plane[j * along + l];
            }
        }
    }
}

void ck_line_store(
    int level, const float *phases, ptrdiff_t count, int vertical, ptrdiff_t m, ptrdiff_t across, ptrdiff_t outAlong,
    ptrdiff_t tileRow0, ptrdiff_t tileRows, float bias, float *output, const float *residual, float lower,
    float upper)
{
#if CK_X86
    if (level >= 2) {
        line_store_avx512(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual, lower, upper);
        return;
    }
    if (level == 1) {
        line_store_avx2(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual, lower, upper);
        return;
    }
#endif
    line_store_portable(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual, lower, upper);
}
