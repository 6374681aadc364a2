// Internal: the products of a block's last 1...CK_AVX512_NARROW_COLUMNS columns for the AVX-512
// micro-kernels (packed and in place), one column at a time as 8-row vectors instead of as a
// mostly empty 16-column strip (17×17 and 7×7 maps leave one column past their strips, the
// Winograd GEMMs of 56×56 maps four).
//
// The column count `T` is a compile-time constant in each copy (`narrow_sums_for`): with `T` a
// run-time argument, clang kept the `j < T` tests inside the reduction loop, three compares and
// branches per four FMAs, and the single column of ResNet50's 7×7 stage took 5% of the network's
// time. A single column also gets eight partial sums, not four: each FMA there needs two loads
// (the panel's 8 rows and the column's value), so four chains left the FMA units half idle
// waiting on each other's latency.
#ifndef CKERNELS_NARROW_COLUMNS_AVX512_H
#define CKERNELS_NARROW_COLUMNS_AVX512_H

#include "MicroKernelVariants.h"

#if CK_X86
#include <immintrin.h>
#include <stddef.h>

#define CK_NARROW __attribute__((target("avx512f,fma"), always_inline)) static inline

enum { NARROW_ROWS = CK_AVX512_ROWS, NARROW_CHAINS = 8 };

/// Columns j < T of C's rows 0..<8 for one reduction block: column j's sum over k of panel row
/// (`a + 8k`) times `b[ldb · k + j]`, written to `tile[16 · r + j]` (r the row).
CK_NARROW void narrow_sums(ptrdiff_t depth, const float *a, const float *b, ptrdiff_t ldb, const int T, float *tile)
{
    // Partial sums per column: enough independent chains to cover the FMA latency.
    const int U = T == 1 ? NARROW_CHAINS : 4;
    __m256 acc[CK_AVX512_NARROW_COLUMNS][NARROW_CHAINS];
#pragma clang loop unroll(full)
    for (int j = 0; j < CK_AVX512_NARROW_COLUMNS; j++) {
#pragma clang loop unroll(full)
        for (int u = 0; u < NARROW_CHAINS; u++) acc[j][u] = _mm256_setzero_ps();
    }
    ptrdiff_t k = 0;
    for (; k + U <= depth; k += U) {
#pragma clang loop unroll(full)
        for (int u = 0; u < NARROW_CHAINS; u++) {
            if (u >= U) continue;
            __m256 x = _mm256_loadu_ps(a + NARROW_ROWS * (k + u));
#pragma clang loop unroll(full)
            for (int j = 0; j < CK_AVX512_NARROW_COLUMNS; j++) {
                if (j < T) acc[j][u] = _mm256_fmadd_ps(x, _mm256_set1_ps(b[ldb * (k + u) + j]), acc[j][u]);
            }
        }
    }
    for (; k < depth; k++) {
        __m256 x = _mm256_loadu_ps(a + NARROW_ROWS * k);
#pragma clang loop unroll(full)
        for (int j = 0; j < CK_AVX512_NARROW_COLUMNS; j++) {
            if (j < T) acc[j][0] = _mm256_fmadd_ps(x, _mm256_set1_ps(b[ldb * k + j]), acc[j][0]);
        }
    }
#pragma clang loop unroll(full)
    for (int j = 0; j < CK_AVX512_NARROW_COLUMNS; j++) {
        if (j >= T) continue;
        // Pairwise: chains u and u + step, halving until one is left.
#pragma clang loop unroll(full)
        for (int step = NARROW_CHAINS / 2; step > 0; step /= 2) {
#pragma clang loop unroll(full)
            for (int u = 0; u < NARROW_CHAINS / 2; u++) {
                if (u < step && u + step < U) acc[j][u] = _mm256_add_ps(acc[j][u], acc[j][u + step]);
            }
        }
        float sums[NARROW_ROWS];
        _mm256_storeu_ps(sums, acc[j][0]);
#pragma clang loop unroll(full)
        for (int r = 0; r < NARROW_ROWS; r++) tile[r * 16 + j] = sums[r];
    }
}

/// Whether a block of `columnCount` columns ends in a single column past its strips that the
/// kernel multiplies alongside its last triple or pair (which must then be the last wide strips:
/// triples where `depth` ≥ `tripleDepth`, then pairs, then at most one strip alone).
static inline int single_column_rides(ptrdiff_t columnCount, ptrdiff_t depth, ptrdiff_t tripleDepth)
{
    if (columnCount % 16 != 1) return 0;
    const ptrdiff_t wideStrips = columnCount / 16;
    const ptrdiff_t triples = depth >= tripleDepth ? wideStrips / 3 : 0;
    const ptrdiff_t pairs = (wideStrips - 3 * triples) / 2;
    return wideStrips == 3 * triples + 2 * pairs && wideStrips > 0;
}

/// `narrow_sums` with `T` (1...4) as a constant in each case.
CK_NARROW void narrow_sums_for(ptrdiff_t depth, const float *a, const float *b, ptrdiff_t ldb, int T, float *tile)
{
    switch (T) {
    case 1: narrow_sums(depth, a, b, ldb, 1, tile); break;
    case 2: narrow_sums(depth, a, b, ldb, 2, tile); break;
    case 3: narrow_sums(depth, a, b, ldb, 3, tile); break;
    default: narrow_sums(depth, a, b, ldb, 4, tile); break;
    }
}

#endif
#endif
