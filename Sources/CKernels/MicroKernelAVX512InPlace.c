// The AVX-512 micro-kernel reading B in place (`ck_avx512_multiply_panels_in_place`, see
// CKernels.h): the same 8 × 48 and 8 × 32 tiles, single / narrow strips and epilogue as
// MicroKernelAVX512.c, with B's rows `ldb` floats apart instead of packed 16-float rows. Kept
// apart from the packed kernel, whose helpers clang inlines and unrolls differently once they
// are shared (ResNet50's 3×3 512 → 512 at 7×7, Winograd, ran 7–20% slower through the shared form).
#include "MicroKernelVariants.h"
#include "NarrowColumnsAVX512.h"
#include "TileWriterAVX512.h"

#if CK_X86
#include <immintrin.h>

#define CK_AVX512 __attribute__((target("avx512f,fma")))
enum { MR = CK_AVX512_ROWS };
#ifndef CK_IN_PLACE_TRIPLE_DEPTH
#define CK_IN_PLACE_TRIPLE_DEPTH 32
#endif
/// Reductions at least this deep take three strips at a time, as in the packed kernel: one
/// Emerald Rapids core, same-process alternation against pairs only, 128- to 512-deep blocks read
/// in place (ResNet50's and Inception-ResNet's 1×1 shapes) 0.80–0.90× the time, 64-deep 0.95.
enum { IN_PLACE_TRIPLE_DEPTH = CK_IN_PLACE_TRIPLE_DEPTH };
/// How many rows ahead a triple asks for its B lines: B's rows lie `ldb` apart, each step's
/// 48 floats a new run of lines the prefetchers did not foresee. One Emerald Rapids core,
/// same-process alternation: the in-place 1×1 shapes above 0.86–0.97× the time (8 rows ahead:
/// no better than 4).
enum { B_PREFETCH_ROWS = 4 };

static inline __mmask16 column_mask(ptrdiff_t columns)
{
    return columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << columns) - 1u);
}

/// `strips` (2 or 3) strips, strip j at b0 + j · stripStep: rows × (16 · (strips − 1) + lastColumns)
/// of C, the packed kernel's 8 × 32 and 8 × 48 tiles (see `TRIPLE_DEPTH` in MicroKernelAVX512.c
/// for when a triple). `ahead`: a panel to prefetch alongside, one k step of it per k step (the
/// next panel during a panel's first tile). A triple also asks for B's row B_PREFETCH_ROWS ahead.
/// With `withSingle`, the block's one column past its strips (`single[ldb · k]`, C column
/// `singleColumn`) rides along in one more 8-row accumulator, as in the packed kernel.
CK_AVX512 static inline __attribute__((always_inline)) void multiply_store_strips(
    ptrdiff_t depth, const float *a, const float *b0, const ptrdiff_t stripStep, const ptrdiff_t ldb, ptrdiff_t row,
    ptrdiff_t column, ptrdiff_t rows, ptrdiff_t lastColumns, const float *ahead, const CKEpilogue *e, const int strips,
    const int withSingle, const float *single, ptrdiff_t singleColumn)
{
    const CKEpilogue local = *e; // for `store_general_row` (alpha, beta); else `write_tile`
    __m512 c[3][MR];
#pragma clang loop unroll(full)
    for (int j = 0; j < 3; j++) {
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) c[j][r] = _mm512_setzero_ps();
    }
    __m256 cs = _mm256_setzero_ps();
    for (ptrdiff_t k = 0; k < depth; k++) {
        _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
        const float *bk = b0 + ldb * k;
        if (strips == 3) {
            // Row k + B_PREFETCH_ROWS's strips (four lines at most when unaligned).
            const float *ahead_row = bk + ldb * B_PREFETCH_ROWS;
            _mm_prefetch((const char *)ahead_row, _MM_HINT_T0);
            _mm_prefetch((const char *)(ahead_row + stripStep), _MM_HINT_T0);
            _mm_prefetch((const char *)(ahead_row + 2 * stripStep), _MM_HINT_T0);
            _mm_prefetch((const char *)(ahead_row + 2 * stripStep + 15), _MM_HINT_T0);
        }
        __m512 x[3];
#pragma clang loop unroll(full)
        for (int j = 0; j < 3; j++) x[j] = j < strips ? _mm512_loadu_ps(bk + j * stripStep) : x[0];
        const float *ak = a + MR * k;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512 s = _mm512_set1_ps(ak[r]);
#pragma clang loop unroll(full)
            for (int j = 0; j < 3; j++) {
                if (j < strips) c[j][r] = _mm512_fmadd_ps(s, x[j], c[j][r]);
            }
        }
        if (withSingle) cs = _mm256_fmadd_ps(_mm256_loadu_ps(ak), _mm256_set1_ps(single[ldb * k]), cs);
    }
    if (withSingle) store_single_column(cs, row, singleColumn, rows, e);
    const __mmask16 lastMask = column_mask(lastColumns);
    if (tile_writer_applies(e)) {
        const StripPlacement p[3] = {
            strip_at(column, strips == 1 ? lastMask : 0xFFFF), strip_at(column + 16, strips == 2 ? lastMask : 0xFFFF),
            strip_at(column + 32, lastMask) };
        write_tile(c[0], c[1], c[2], strips, rows, row, p, 0, e);
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) {
#pragma clang loop unroll(full)
            for (int j = 0; j < 3; j++) {
                if (j < strips) store_general_row(c[j][r], row + r, column + 16 * j, j == strips - 1 ? lastMask : 0xFFFF, &local);
            }
        }
    }
}

/// `multiply_store_strips` with the block's single last column riding along where `single` is
/// set: one form of the k loop each, rather than a test per k step.
CK_AVX512 static inline __attribute__((always_inline)) void multiply_store_strips_with(
    ptrdiff_t depth, const float *a, const float *b0, const ptrdiff_t stripStep, const ptrdiff_t ldb, ptrdiff_t row,
    ptrdiff_t column, ptrdiff_t rows, ptrdiff_t lastColumns, const float *ahead, const CKEpilogue *e, const int strips,
    const float *single, ptrdiff_t singleColumn)
{
    if (single) {
        multiply_store_strips(depth, a, b0, stripStep, ldb, row, column, rows, lastColumns, ahead, e, strips, 1, single, singleColumn);
    } else {
        multiply_store_strips(depth, a, b0, stripStep, ldb, row, column, rows, lastColumns, ahead, e, strips, 0, 0, 0);
    }
}

/// One strip: rows × columns of C.
CK_AVX512 static inline __attribute__((always_inline)) void multiply_store(
    ptrdiff_t depth, const float *a, const float *b, const ptrdiff_t ldb, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, ptrdiff_t columns, const CKEpilogue *e)
{
    const CKEpilogue local = *e;
    __m512 c0[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) c0[r] = _mm512_setzero_ps();
    for (ptrdiff_t k = 0; k < depth; k++) {
        __m512 x0 = _mm512_loadu_ps(b + ldb * k);
        const float *ak = a + MR * k;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(ak[r]), x0, c0[r]);
    }
    __mmask16 mask = column_mask(columns);
    if (tile_writer_applies(e)) {
        write_strip(c0, mask, rows, row, column, e);
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) store_general_row(c0[r], row + r, column, mask, &local);
    }
}

/// Columns left past whole strips that go to `multiply_store_narrow` instead of a strip.
enum { NARROW_COLUMNS = CK_AVX512_NARROW_COLUMNS };

/// The last `T` (1...NARROW_COLUMNS) columns of a block, column by column (`narrow_sums`): a
/// 16-column strip would spend 16 columns' multiplies on them (17×17 maps, 289 pixels, leave one
/// column past 18 strips: 5% of the work).
CK_AVX512 static void multiply_store_narrow(
    ptrdiff_t depth, const float *a, const float *b, const ptrdiff_t ldb, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, const int T, const CKEpilogue *e)
{
    float tile[MR * 16];
    narrow_sums_for(depth, a, b, ldb, T, tile);
    store_narrow_tile(tile, T, row, column, rows, e);
}

/// `ck_avx512_multiply_panels` with B's rows `ldb` floats apart and strip s at `stripStep · s`
/// (packed strips: 16 and depth · 16; B read in place: the row length and 16).
CK_AVX512 static inline __attribute__((always_inline)) void multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, const ptrdiff_t ldb, const ptrdiff_t stripStep, ptrdiff_t column0, ptrdiff_t columnCount,
    const CKEpilogue *e)
{
    ptrdiff_t stripCount = (columnCount + 15) / 16;
    // A last strip of at most NARROW_COLUMNS columns is multiplied column by column.
    int tail = (int)(columnCount % 16);
    int narrow = tail > 0 && tail <= NARROW_COLUMNS;
    ptrdiff_t wideStrips = narrow ? stripCount - 1 : stripCount;
    const float *narrowStrip = strips + (stripCount - 1) * stripStep;
    const ptrdiff_t narrowColumn = column0 + 16 * (stripCount - 1);
    // A single narrow column rides along with the last triple, or pair, of the wide strips.
    const int singleRides = single_column_rides(columnCount, depth, IN_PLACE_TRIPLE_DEPTH);
    for (ptrdiff_t r = 0; r < rowCount; r += MR) {
        const float *a = panels + (r / MR) * MR * depth;
        ptrdiff_t rows = rowCount - r < MR ? rowCount - r : MR;
        ptrdiff_t s = 0;
        for (; depth >= IN_PLACE_TRIPLE_DEPTH && s + 2 < wideStrips; s += 3) {
            ptrdiff_t columns2 = columnCount - 16 * (s + 2) < 16 ? columnCount - 16 * (s + 2) : 16;
            const float *ahead = s == 0 ? a + MR * depth : a;
            const float *with = singleRides && s + 3 == wideStrips ? narrowStrip : 0;
            multiply_store_strips_with(
                depth, a, strips + s * stripStep, stripStep, ldb, row0 + r, column0 + 16 * s, rows, columns2, ahead, e, 3,
                with, narrowColumn);
        }
        for (; s + 1 < wideStrips; s += 2) {
            const float *b = strips + s * stripStep;
            ptrdiff_t columns1 = columnCount - 16 * (s + 1) < 16 ? columnCount - 16 * (s + 1) : 16;
            // The first pair pulls the next panel in (weights come from memory in a large network):
            // past the last one too, where the next row block's or depth block's panels follow.
            const float *ahead = s == 0 ? a + MR * depth : a;
            const float *with = singleRides && s + 2 == wideStrips ? narrowStrip : 0;
            multiply_store_strips_with(
                depth, a, b, stripStep, ldb, row0 + r, column0 + 16 * s, rows, columns1, ahead, e, 2, with, narrowColumn);
        }
        if (s < wideStrips) {
            ptrdiff_t columns = columnCount - 16 * s < 16 ? columnCount - 16 * s : 16;
            multiply_store(depth, a, strips + s * stripStep, ldb, row0 + r, column0 + 16 * s, rows, columns, e);
        }
        if (narrow && !singleRides) multiply_store_narrow(depth, a, narrowStrip, ldb, row0 + r, narrowColumn, rows, tail, e);
    }
}

CK_AVX512 void ck_avx512_multiply_panels_in_place(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *b, ptrdiff_t ldb, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *e)
{
    multiply_panels(depth, panels, row0, rowCount, b, ldb, 16, column0, columnCount, e);
}
#endif
#if !CK_X86
void ck_avx512_multiply_panels_in_place(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *b, ptrdiff_t ldb, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *e)
{
    (void)depth; (void)panels; (void)row0; (void)rowCount; (void)b; (void)ldb; (void)column0; (void)columnCount; (void)e;
}
#endif
