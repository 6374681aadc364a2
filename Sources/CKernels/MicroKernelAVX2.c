// The AVX2 + FMA variant: a 6 × 16 tile in 12 ymm accumulators (of 16 registers), leaving room
// for the two B vectors and a broadcast. A block's last 1-4 columns (17×17 maps: 289 = 18·16 + 1)
// go column by column instead of as a mostly empty strip.
#include "MicroKernelVariants.h"

#if CK_X86
#include <immintrin.h>

#define CK_AVX2 __attribute__((target("avx2,fma")))
enum { MR = CK_AVX2_ROWS };

/// Full-width row: `x` (16 lanes as two halves) through the epilogue into C.
CK_AVX2 static inline void store_row(__m256 lo, __m256 hi, ptrdiff_t row, ptrdiff_t column, const CKEpilogue *e)
{
    float *out = e->c + row * e->ldc + column;
    if (e->alpha != 1.0f) {
        __m256 alpha = _mm256_set1_ps(e->alpha);
        lo = _mm256_mul_ps(lo, alpha);
        hi = _mm256_mul_ps(hi, alpha);
    }
    if (!e->first) {
        lo = _mm256_add_ps(lo, _mm256_loadu_ps(out));
        hi = _mm256_add_ps(hi, _mm256_loadu_ps(out + 8));
    } else {
        if (e->beta != 0.0f) {
            __m256 beta = _mm256_set1_ps(e->beta);
            lo = _mm256_add_ps(lo, _mm256_mul_ps(beta, _mm256_loadu_ps(out)));
            hi = _mm256_add_ps(hi, _mm256_mul_ps(beta, _mm256_loadu_ps(out + 8)));
        }
        if (e->bias) {
            __m256 bias = _mm256_set1_ps(e->bias[row]);
            lo = _mm256_add_ps(lo, bias);
            hi = _mm256_add_ps(hi, bias);
        }
        if (e->residual) {
            const float *residual = e->residual + (out - e->c);
            lo = _mm256_add_ps(lo, _mm256_loadu_ps(residual));
            hi = _mm256_add_ps(hi, _mm256_loadu_ps(residual + 8));
        }
    }
    if (e->last) {
        // max(lower, x) / min(upper, x) return x when x is NaN.
        __m256 lower = _mm256_set1_ps(e->lower), upper = _mm256_set1_ps(e->upper);
        lo = _mm256_min_ps(upper, _mm256_max_ps(lower, lo));
        hi = _mm256_min_ps(upper, _mm256_max_ps(lower, hi));
    }
    _mm256_storeu_ps(out, lo);
    _mm256_storeu_ps(out + 8, hi);
}

/// `store_row` in the common case (alpha 1, and beta 0 on the first block) with the epilogue's
/// fields read once per tile, as the AVX-512 kernels' `TileWriter` (TileWriterAVX512.h): read
/// through `CKEpilogue *`, they were reloaded after every store of the tile.
typedef struct TileWriter {
    float *c;
    ptrdiff_t ldc;
    const float *bias;
    const float *residual;
    __m256 lower;
    __m256 upper;
    int accumulate;
} TileWriter;

/// Rows `row ..< row + rows` of a whole 16-column tile (`lo[r]`, `hi[r]`); `accumulate`, `bias`,
/// `residual` what is added (constants in `write_tile`'s common cases: straight-line code).
CK_AVX2 static inline __attribute__((always_inline)) void write_rows(
    const __m256 *lo, const __m256 *hi, ptrdiff_t rows, ptrdiff_t row, ptrdiff_t column, const TileWriter *w,
    const int accumulate, const int bias, const int residual)
{
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) {
            const ptrdiff_t offset = (row + r) * w->ldc + column;
            float *out = w->c + offset;
            __m256 l = lo[r], h = hi[r];
            if (accumulate) {
                l = _mm256_add_ps(l, _mm256_loadu_ps(out));
                h = _mm256_add_ps(h, _mm256_loadu_ps(out + 8));
            }
            if (bias) {
                const __m256 b = _mm256_set1_ps(w->bias[row + r]);
                l = _mm256_add_ps(l, b);
                h = _mm256_add_ps(h, b);
            }
            if (residual) {
                l = _mm256_add_ps(l, _mm256_loadu_ps(w->residual + offset));
                h = _mm256_add_ps(h, _mm256_loadu_ps(w->residual + offset + 8));
            }
            // Before the last block the bounds are infinite: x as it is, NaN included.
            _mm256_storeu_ps(out, _mm256_min_ps(w->upper, _mm256_max_ps(w->lower, l)));
            _mm256_storeu_ps(out + 8, _mm256_min_ps(w->upper, _mm256_max_ps(w->lower, h)));
        }
    }
}

/// A whole 16-column tile through `e` (`tile_writer_applies(e)`).
CK_AVX2 static inline __attribute__((always_inline)) void write_tile(
    const __m256 *lo, const __m256 *hi, ptrdiff_t rows, ptrdiff_t row, ptrdiff_t column, const CKEpilogue *e)
{
    TileWriter w;
    w.c = e->c;
    w.ldc = e->ldc;
    w.bias = e->first ? e->bias : 0;
    w.residual = e->first ? e->residual : 0;
    w.lower = _mm256_set1_ps(e->last ? e->lower : -__builtin_inff());
    w.upper = _mm256_set1_ps(e->last ? e->upper : __builtin_inff());
    w.accumulate = !e->first;
    if (w.accumulate) {
        write_rows(lo, hi, rows, row, column, &w, 1, 0, 0);
    } else if (w.bias && !w.residual) {
        write_rows(lo, hi, rows, row, column, &w, 0, 1, 0);
    } else if (w.bias) {
        write_rows(lo, hi, rows, row, column, &w, 0, 1, 1);
    } else {
        write_rows(lo, hi, rows, row, column, &w, 0, 0, w.residual != 0);
    }
}

#define CK_AVX2_ACCUMULATE                                                  \
    __m256 c0l = _mm256_setzero_ps(), c0h = _mm256_setzero_ps();           \
    __m256 c1l = _mm256_setzero_ps(), c1h = _mm256_setzero_ps();           \
    __m256 c2l = _mm256_setzero_ps(), c2h = _mm256_setzero_ps();           \
    __m256 c3l = _mm256_setzero_ps(), c3h = _mm256_setzero_ps();           \
    __m256 c4l = _mm256_setzero_ps(), c4h = _mm256_setzero_ps();           \
    __m256 c5l = _mm256_setzero_ps(), c5h = _mm256_setzero_ps();           \
    for (ptrdiff_t k = 0; k < depth; k++) {                                 \
        _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);          \
        __m256 bl = _mm256_loadu_ps(b + 16 * k);                            \
        __m256 bh = _mm256_loadu_ps(b + 16 * k + 8);                        \
        const float *ak = a + MR * k;                                       \
        __m256 x;                                                           \
        x = _mm256_broadcast_ss(ak + 0);                                    \
        c0l = _mm256_fmadd_ps(x, bl, c0l); c0h = _mm256_fmadd_ps(x, bh, c0h); \
        x = _mm256_broadcast_ss(ak + 1);                                    \
        c1l = _mm256_fmadd_ps(x, bl, c1l); c1h = _mm256_fmadd_ps(x, bh, c1h); \
        x = _mm256_broadcast_ss(ak + 2);                                    \
        c2l = _mm256_fmadd_ps(x, bl, c2l); c2h = _mm256_fmadd_ps(x, bh, c2h); \
        x = _mm256_broadcast_ss(ak + 3);                                    \
        c3l = _mm256_fmadd_ps(x, bl, c3l); c3h = _mm256_fmadd_ps(x, bh, c3h); \
        x = _mm256_broadcast_ss(ak + 4);                                    \
        c4l = _mm256_fmadd_ps(x, bl, c4l); c4h = _mm256_fmadd_ps(x, bh, c4h); \
        x = _mm256_broadcast_ss(ak + 5);                                    \
        c5l = _mm256_fmadd_ps(x, bl, c5l); c5h = _mm256_fmadd_ps(x, bh, c5h); \
    }

CK_AVX2 void ck_avx2_multiply_tile(ptrdiff_t depth, const float *a, const float *b, float *tile)
{
    const float *ahead = a;
    CK_AVX2_ACCUMULATE
    _mm256_storeu_ps(tile + 0, c0l); _mm256_storeu_ps(tile + 8, c0h);
    _mm256_storeu_ps(tile + 16, c1l); _mm256_storeu_ps(tile + 24, c1h);
    _mm256_storeu_ps(tile + 32, c2l); _mm256_storeu_ps(tile + 40, c2h);
    _mm256_storeu_ps(tile + 48, c3l); _mm256_storeu_ps(tile + 56, c3h);
    _mm256_storeu_ps(tile + 64, c4l); _mm256_storeu_ps(tile + 72, c4h);
    _mm256_storeu_ps(tile + 80, c5l); _mm256_storeu_ps(tile + 88, c5h);
}

/// One tile of C: full ones through the vector epilogue, partial ones through memory.
/// `ahead`: a panel to prefetch alongside, one k step of it per k step (the next panel during
/// a panel's first strip; weights come from memory in a large network).
CK_AVX2 static inline void multiply_store(
    ptrdiff_t depth, const float *a, const float *b, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, ptrdiff_t columns, const float *ahead, const CKEpilogue *e)
{
    CK_AVX2_ACCUMULATE
    if (columns == 16 && tile_writer_applies(e)) {
        const __m256 lo[MR] = { c0l, c1l, c2l, c3l, c4l, c5l }, hi[MR] = { c0h, c1h, c2h, c3h, c4h, c5h };
        write_tile(lo, hi, rows, row, column, e);
    } else if (columns == 16) {
        // Whole rows (a partial panel stores only its valid ones), alpha or beta.
        const CKEpilogue local = *e;
        store_row(c0l, c0h, row, column, &local);
        if (rows > 1) store_row(c1l, c1h, row + 1, column, &local);
        if (rows > 2) store_row(c2l, c2h, row + 2, column, &local);
        if (rows > 3) store_row(c3l, c3h, row + 3, column, &local);
        if (rows > 4) store_row(c4l, c4h, row + 4, column, &local);
        if (rows > 5) store_row(c5l, c5h, row + 5, column, &local);
    } else {
        float tile[MR * 16];
        _mm256_storeu_ps(tile + 0, c0l); _mm256_storeu_ps(tile + 8, c0h);
        _mm256_storeu_ps(tile + 16, c1l); _mm256_storeu_ps(tile + 24, c1h);
        _mm256_storeu_ps(tile + 32, c2l); _mm256_storeu_ps(tile + 40, c2h);
        _mm256_storeu_ps(tile + 48, c3l); _mm256_storeu_ps(tile + 56, c3h);
        _mm256_storeu_ps(tile + 64, c4l); _mm256_storeu_ps(tile + 72, c4h);
        _mm256_storeu_ps(tile + 80, c5l); _mm256_storeu_ps(tile + 88, c5h);
        ck_store_tile_scalar(tile, row, column, rows, columns, e);
    }
}

/// Columns left past whole strips that go to `multiply_store_narrow` instead of a strip.
enum { NARROW_COLUMNS = 4 };

/// The last `T` (1...NARROW_COLUMNS) columns of a block, as 6-row column vectors (256-bit loads
/// of a panel's 6 values per k and the next k's first 2, unused; the last k loads exactly its 6),
/// two interleaved partial sums over k per column. Masked loads would be exact but are
/// microcoded on AMD Zen 1: with them this path cost as much as 5% of a 17×17 layer there.
/// A 16-column strip would spend 16 columns' multiplies on them: 17×17 maps (289 pixels) leave
/// one column past 18 strips, 5% of the work. Inlined with `T` a constant into each case of
/// `multiply_store_narrow_columns`: with `T` a run-time argument the `j < T` tests stayed in the loop.
CK_AVX2 static inline __attribute__((always_inline)) void multiply_store_narrow(
    ptrdiff_t depth, const float *a, const float *b, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, const int T, const CKEpilogue *e)
{
    __m256 acc[NARROW_COLUMNS][2];
#pragma clang loop unroll(full)
    for (int j = 0; j < NARROW_COLUMNS; j++) { acc[j][0] = _mm256_setzero_ps(); acc[j][1] = _mm256_setzero_ps(); }
    ptrdiff_t k = 0;
    // Whole 8-float loads stay inside the panel up to k = depth − 2.
    for (; k + 3 <= depth; k += 2) {
#pragma clang loop unroll(full)
        for (int u = 0; u < 2; u++) {
            __m256 x = _mm256_loadu_ps(a + MR * (k + u));
#pragma clang loop unroll(full)
            for (int j = 0; j < NARROW_COLUMNS; j++) {
                if (j < T) acc[j][u] = _mm256_fmadd_ps(x, _mm256_set1_ps(b[16 * (k + u) + j]), acc[j][u]);
            }
        }
    }
    for (; k < depth; k++) {
        const float *ak = a + MR * k;
        __m256 x = k + 2 <= depth
            ? _mm256_loadu_ps(ak)
            : _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(ak)),
                                   _mm_castpd_ps(_mm_load_sd((const double *)(ak + 4))), 1);
#pragma clang loop unroll(full)
        for (int j = 0; j < NARROW_COLUMNS; j++) {
            if (j < T) acc[j][0] = _mm256_fmadd_ps(x, _mm256_set1_ps(b[16 * k + j]), acc[j][0]);
        }
    }
    float tile[MR * 16];
    for (int j = 0; j < T; j++) {
        float sums[8];
        _mm256_storeu_ps(sums, _mm256_add_ps(acc[j][0], acc[j][1]));
        for (int r = 0; r < MR; r++) tile[r * 16 + j] = sums[r];
    }
    ck_store_tile_scalar(tile, row, column, rows, T, e);
}

/// `multiply_store_narrow` for `T` (1...NARROW_COLUMNS) columns.
CK_AVX2 static void multiply_store_narrow_columns(
    ptrdiff_t depth, const float *a, const float *b, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, int T, const CKEpilogue *e)
{
    switch (T) {
    case 1: multiply_store_narrow(depth, a, b, row, column, rows, 1, e); break;
    case 2: multiply_store_narrow(depth, a, b, row, column, rows, 2, e); break;
    case 3: multiply_store_narrow(depth, a, b, row, column, rows, 3, e); break;
    default: multiply_store_narrow(depth, a, b, row, column, rows, 4, e); break;
    }
}

CK_AVX2 void ck_avx2_multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *e)
{
    ptrdiff_t stripCount = (columnCount + 15) / 16;
    // A last strip of at most NARROW_COLUMNS columns is multiplied column by column.
    int tail = (int)(columnCount % 16);
    int narrow = tail > 0 && tail <= NARROW_COLUMNS;
    ptrdiff_t wideStrips = narrow ? stripCount - 1 : stripCount;
    for (ptrdiff_t r = 0; r < rowCount; r += MR) {
        const float *a = panels + (r / MR) * MR * depth;
        ptrdiff_t rows = rowCount - r < MR ? rowCount - r : MR;
        for (ptrdiff_t s = 0; s < wideStrips; s++) {
            ptrdiff_t columns = columnCount - 16 * s < 16 ? columnCount - 16 * s : 16;
            // The next panel in memory, past this call's last one too (a prefetch never faults).
            const float *ahead = s == 0 ? a + MR * depth : a;
            multiply_store(depth, a, strips + s * depth * 16, row0 + r, column0 + 16 * s, rows, columns, ahead, e);
        }
        if (narrow) {
            const float *b = strips + (stripCount - 1) * depth * 16;
            ptrdiff_t column = column0 + 16 * (stripCount - 1);
            multiply_store_narrow_columns(depth, a, b, row0 + r, column, rows, tail, e);
        }
    }
}
#endif
