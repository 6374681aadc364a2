// Internal: how the AVX-512 micro-kernels (packed, in place, taps) write a finished tile in the
// common case of a convolution's epilogue: alpha 1 and, on the first reduction block, beta 0
// (`CKEpilogue`'s other cases go through `store_general_row` here, or the taps kernel's `store_row`).
//
// Read through the `CKEpilogue *` at every store, the epilogue's fields were reloaded after each
// store of a tile (a store through C's float pointer may alias the struct's float fields) and
// every row tested alpha, beta, bias, residual and the bounds again: some 30 instructions per
// 16 floats stored, a quarter of the packed kernel's time at a 64-deep reduction (ResNet50's
// 64 → 256 1×1 layers at 56×56). `TileWriter` reads them once per tile into values the compiler
// keeps in registers, and `write_tile` picks a straight-line form for the usual mixes.
#ifndef CKERNELS_TILE_WRITER_AVX512_H
#define CKERNELS_TILE_WRITER_AVX512_H

#include "MicroKernelVariants.h"

#if CK_X86
#include <immintrin.h>

#define CK_TILE_WRITER __attribute__((target("avx512f,fma"), always_inline)) static inline
/// The rarer paths (alpha, beta; narrow columns), left to the compiler to inline or call, as
/// they were in each kernel: forced inline, they grew the packed kernel by a tenth.
#define CK_TILE_WRITER_PATH __attribute__((target("avx512f,fma"))) static inline

/// Where a strip's 16 columns land in one row of C: lanes of `first` at `offset + j`, lanes of
/// `second` at `secondOffset + j`. Only the taps kernel's strips, which may cross an output
/// row's end, use `second`; the others leave it empty and pass `split` 0.
typedef struct StripPlacement {
    ptrdiff_t offset;
    ptrdiff_t secondOffset;
    __mmask16 first;
    __mmask16 second;
} StripPlacement;

/// A strip of C's columns `column ..< column + 16` (lanes where `mask` is set).
static inline StripPlacement strip_at(ptrdiff_t column, __mmask16 mask)
{
    StripPlacement p = { column, column, mask, 0 };
    return p;
}

/// The epilogue's fields, read once per tile.
typedef struct TileWriter {
    float *c;
    ptrdiff_t ldc;
    const float *bias;
    const float *residual;
    __m512 lower;
    __m512 upper;
    int accumulate;
} TileWriter;

/// Row `row` of C, columns where `mask` is set, from accumulator `x`, through any epilogue
/// (alpha and beta included): the general form beside `write_tile`.
CK_TILE_WRITER_PATH void store_general_row(__m512 x, ptrdiff_t row, ptrdiff_t column, __mmask16 mask, const CKEpilogue *e)
{
    float *out = e->c + row * e->ldc + column;
    if (e->alpha != 1.0f) x = _mm512_mul_ps(x, _mm512_set1_ps(e->alpha));
    if (!e->first) {
        x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask, out));
    } else {
        if (e->beta != 0.0f) x = _mm512_add_ps(x, _mm512_mul_ps(_mm512_set1_ps(e->beta), _mm512_maskz_loadu_ps(mask, out)));
        if (e->bias) x = _mm512_add_ps(x, _mm512_set1_ps(e->bias[row]));
        if (e->residual) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(mask, e->residual + (out - e->c)));
    }
    if (e->last) {
        // max(lower, x) / min(upper, x) return x when x is NaN.
        x = _mm512_min_ps(_mm512_set1_ps(e->upper), _mm512_max_ps(_mm512_set1_ps(e->lower), x));
    }
    _mm512_mask_storeu_ps(out, mask, x);
}

CK_TILE_WRITER TileWriter tile_writer(const CKEpilogue *e)
{
    TileWriter w;
    w.c = e->c;
    w.ldc = e->ldc;
    w.bias = e->first ? e->bias : 0;
    w.residual = e->first ? e->residual : 0;
    // Before the last block, infinite bounds: max(lower, x) and min(upper, x) return x as it
    // is, NaN included (both return their second operand when either is NaN).
    w.lower = _mm512_set1_ps(e->last ? e->lower : -__builtin_inff());
    w.upper = _mm512_set1_ps(e->last ? e->upper : __builtin_inff());
    w.accumulate = !e->first;
    return w;
}

CK_TILE_WRITER __m512 load_placed(const float *row, StripPlacement p, const int split)
{
    const __m512 x = _mm512_maskz_loadu_ps(p.first, row + p.offset);
    return split ? _mm512_mask_loadu_ps(x, p.second, row + p.secondOffset) : x;
}

CK_TILE_WRITER void store_placed(float *row, StripPlacement p, const int split, __m512 x)
{
    _mm512_mask_storeu_ps(row + p.offset, p.first, x);
    if (split) _mm512_mask_storeu_ps(row + p.secondOffset, p.second, x);
}

/// Rows `row ..< row + rows` (at most CK_AVX512_ROWS) of `strips` (1-3) strips, accumulators
/// c0, c1, c2 (one per strip), placed by `p[j]`. `accumulate`, `bias`, `residual`: what is added
/// (constants in `write_tile`'s common cases, so each form is straight-line code).
CK_TILE_WRITER void write_rows(
    const __m512 *c0, const __m512 *c1, const __m512 *c2, const int strips, ptrdiff_t rows, ptrdiff_t row,
    const StripPlacement *p, const int split, const TileWriter *w, const int accumulate, const int bias,
    const int residual)
{
#pragma clang loop unroll(full)
    for (int r = 0; r < CK_AVX512_ROWS; r++) {
        if (r < rows) {
            float *out = w->c + (row + r) * w->ldc;
            const float *res = residual ? w->residual + (row + r) * w->ldc : 0;
            const __m512 b = bias ? _mm512_set1_ps(w->bias[row + r]) : _mm512_setzero_ps();
#pragma clang loop unroll(full)
            for (int j = 0; j < 3; j++) {
                if (j < strips) {
                    __m512 x = j == 0 ? c0[r] : j == 1 ? c1[r] : c2[r];
                    if (accumulate) x = _mm512_add_ps(x, load_placed(out, p[j], split));
                    if (bias) x = _mm512_add_ps(x, b);
                    if (residual) x = _mm512_add_ps(x, load_placed(res, p[j], split));
                    store_placed(out, p[j], split, _mm512_min_ps(w->upper, _mm512_max_ps(w->lower, x)));
                }
            }
        }
    }
}

/// A finished tile through `e` (`tile_writer_applies(e)`): later reduction blocks, bias, and
/// bias with residual as straight-line code, other mixes with a test per store.
CK_TILE_WRITER void write_tile(
    const __m512 *c0, const __m512 *c1, const __m512 *c2, const int strips, ptrdiff_t rows, ptrdiff_t row,
    const StripPlacement *p, const int split, const CKEpilogue *e)
{
    const TileWriter w = tile_writer(e);
    if (w.accumulate) {
        write_rows(c0, c1, c2, strips, rows, row, p, split, &w, 1, 0, 0);
    } else if (w.bias && !w.residual) {
        write_rows(c0, c1, c2, strips, rows, row, p, split, &w, 0, 1, 0);
    } else if (w.bias) {
        write_rows(c0, c1, c2, strips, rows, row, p, split, &w, 0, 1, 1);
    } else {
        write_rows(c0, c1, c2, strips, rows, row, p, split, &w, 0, 0, w.residual != 0);
    }
}

/// One strip (accumulators `c`, lanes of `mask`) at C's `column` through `write_tile`.
CK_TILE_WRITER void write_strip(
    const __m512 *c, __mmask16 mask, ptrdiff_t rows, ptrdiff_t row, ptrdiff_t column, const CKEpilogue *e)
{
    const StripPlacement p[3] = { strip_at(column, mask), strip_at(column, mask), strip_at(column, mask) };
    write_tile(c, c, c, 1, rows, row, p, 0, e);
}

/// One column of C (`column`, rows `row ..< row + rows`) from its 8 row sums `x` through `e`,
/// element by element, in `write_rows`' order of additions and clamp (so the same values). Through
/// a tile in memory (`write_memory_strip`) each row's masked load waited on the scalar store
/// before it, which a load of a wider vector cannot take its value from.
CK_TILE_WRITER void write_column(__m256 x, ptrdiff_t rows, ptrdiff_t row, ptrdiff_t column, const CKEpilogue *e)
{
    float sums[CK_AVX512_ROWS];
    _mm256_storeu_ps(sums, x);
    const ptrdiff_t ldc = e->ldc;
    float *out = e->c + row * ldc + column;
    const float *bias = e->first && e->bias ? e->bias + row : 0;
    const float *residual = e->first && e->residual ? e->residual + row * ldc + column : 0;
    const float lower = e->last ? e->lower : -__builtin_inff(), upper = e->last ? e->upper : __builtin_inff();
#pragma clang loop unroll(full)
    for (int r = 0; r < CK_AVX512_ROWS; r++) {
        if (r < rows) {
            float v = sums[r];
            if (!e->first) v += out[r * ldc];
            if (bias) v += bias[r];
            if (residual) v += residual[r * ldc];
            // As _mm512_max_ps(lower, v) and _mm512_min_ps(upper, v): NaN stays.
            v = lower > v ? lower : v;
            out[r * ldc] = upper < v ? upper : v;
        }
    }
}

/// A narrow tile summed into memory (`tile`, rows 16 floats apart, the lanes of `mask`) at C's
/// `column` through `write_tile`.
CK_TILE_WRITER void write_memory_strip(
    const float *tile, __mmask16 mask, ptrdiff_t rows, ptrdiff_t row, ptrdiff_t column, const CKEpilogue *e)
{
    __m512 c[CK_AVX512_ROWS];
#pragma clang loop unroll(full)
    for (int r = 0; r < CK_AVX512_ROWS; r++) c[r] = _mm512_maskz_loadu_ps(mask, tile + 16 * r);
    write_strip(c, mask, rows, row, column, e);
}


/// Stores `T` columns of 8 rows, column j of row r at `tile[16 · r + j]`, through the epilogue.
/// Each row's T sums go through the vector epilogue (masked), not element by element: with a
/// short reduction (Winograd's 32-channel GEMMs) the scalar store took a tenth of the time.
CK_TILE_WRITER_PATH void store_narrow_tile(
    const float *tile, int T, ptrdiff_t row, ptrdiff_t column, ptrdiff_t rows, const CKEpilogue *e)
{
    const CKEpilogue local = *e;
    const __mmask16 mask = (__mmask16)((1u << T) - 1u);
    if (tile_writer_applies(e)) {
        write_memory_strip(tile, mask, rows, row, column, e);
        return;
    }
    for (int r = 0; r < CK_AVX512_ROWS; r++) {
        if (r < rows) store_general_row(_mm512_maskz_loadu_ps(mask, tile + 16 * r), row + r, column, mask, &local);
    }
}

/// One column of 8 rows, the sums of a single column that rode along with a tile, through `e`.
CK_TILE_WRITER_PATH void store_single_column(__m256 sums, ptrdiff_t row, ptrdiff_t column, ptrdiff_t rows, const CKEpilogue *e)
{
    if (tile_writer_applies(e)) {
        write_column(sums, rows, row, column, e);
        return;
    }
    float rowSums[CK_AVX512_ROWS], tile[CK_AVX512_ROWS * 16];
    _mm256_storeu_ps(rowSums, sums);
#pragma clang loop unroll(full)
    for (int r = 0; r < CK_AVX512_ROWS; r++) tile[16 * r] = rowSums[r];
    store_narrow_tile(tile, 1, row, column, rows, e);
}

#endif
#endif
