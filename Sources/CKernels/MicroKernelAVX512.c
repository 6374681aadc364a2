// The AVX-512 variant: 8-row panels, multiplied three 16-column strips at a time where the
// reduction is 32 deep or more (an 8 × 48 tile in 24 zmm accumulators of 32: per reduction step
// 3 B loads and 8 broadcasts feed 24 FMAs, against 2 and 8 per 16 for a pair), otherwise two
// (8 × 32, 16 accumulators); enough independent chains for two FMA ports with 4-cycle latency
// either way. 8 rows divide the channel counts of the ResNet /
// Inception families (32, 48, 80, 1088, ...), so panels are full.
// A block's last 1-4 columns (17×17 maps: 289 = 18·16 + 1) go column by column instead of as a
// mostly empty strip; a single one rides along with the last triple or pair (`single`).
#include "MicroKernelVariants.h"
#include "NarrowColumnsAVX512.h"
#include "TileWriterAVX512.h"

#if CK_X86
#include <immintrin.h>

#define CK_AVX512 __attribute__((target("avx512f,fma,prfchw")))
#ifndef CK_TRIPLE_DEPTH
#define CK_TRIPLE_DEPTH 32
#endif
enum { MR = CK_AVX512_ROWS };
/// Reductions at least this deep prefetch the next pair's C and residual lines while they
/// multiply (see `multiply_store_pair`). Shallower ones were measured slower with it
/// (Inception-ResNet's 128 → 320 at 35×35: +5%), and their stores are a smaller share anyway.
enum { EPILOGUE_PREFETCH_DEPTH = 256 };
/// Reductions at least this deep take three strips at a time (`multiply_store_triple`). The
/// stores per FMA are the same for both tiles (one per `depth` FMAs); the triple's fewer loads
/// per FMA matter at two FMAs a cycle: on an Emerald Rapids core, 32- to 96-deep blocks of 12
/// strips ran 0.84–0.96× the time with triples (128 was the threshold measured on Zen 4, whose
/// one zmm FMA a cycle left the pair's loads room; its shallow reductions were not measured).
enum { TRIPLE_DEPTH = CK_TRIPLE_DEPTH };
/// How many reduction steps ahead a triple asks for its B lines (one 64-byte line per strip and
/// step). At two FMAs a cycle (Intel's two 512-bit ports) a triple streams 16 bytes a cycle of B
/// from L2, which the L1 prefetchers did not keep up with: a 128-deep block of 12 strips ran at
/// 112–124 GFLOP/s against 150 from L1 (one Sapphire/Emerald Rapids core). Past a strip's end the
/// lines asked for are the next strip's (or the next triple's) first ones.
enum { B_PREFETCH_STEPS = 8 };

static inline __mmask16 column_mask(ptrdiff_t columns)
{
    return columns >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << columns) - 1u);
}

/// Reduction step k's prefetch of the next tile's C lines (for writing) and, with `nextR`, its
/// residual lines: the tile is `width` (32 or 48) unaligned floats a row, so width / 16 + 1 lines
/// per row, one line per step. - Returns: how many steps prefetch (C lines, then residual ones).
static inline ptrdiff_t next_tile_lines(ptrdiff_t width, const float *nextR)
{
    return (nextR ? 2 : 1) * (width / 16 + 1) * MR;
}

static inline __attribute__((always_inline)) void prefetch_next_tile_line(
    ptrdiff_t k, ptrdiff_t width, const float *nextC, const float *nextR, ptrdiff_t ldc)
{
    const ptrdiff_t parts = width / 16 + 1, cLines = parts * MR;
    const ptrdiff_t j = k < cLines ? k : k - cLines;
    const ptrdiff_t part = j % parts;
    const float *line = (k < cLines ? nextC : nextR) + (j / parts) * ldc + (part == parts - 1 ? width - 1 : 16 * part);
    if (k < cLines) __builtin_prefetch(line, 1, 3); else __builtin_prefetch(line, 0, 3);
}

/// Columns left past whole strips that go to `multiply_store_narrow` instead of a strip.
enum { NARROW_COLUMNS = CK_AVX512_NARROW_COLUMNS };

/// The last `T` (1...NARROW_COLUMNS) columns of a block, column by column (`narrow_sums`): a
/// 16-column strip would spend 16 columns' multiplies on them (17×17 maps, 289 pixels, leave one
/// column past 18 strips: 5% of the work).
CK_AVX512 static void multiply_store_narrow(
    ptrdiff_t depth, const float *a, const float *b, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, const int T, const CKEpilogue *e)
{
    float tile[MR * 16];
    narrow_sums_for(depth, a, b, 16, T, tile);
    store_narrow_tile(tile, T, row, column, rows, e);
}

/// Reduction step k of a strip pair: c0[r] += a[k][r] · b0[k], c1[r] += a[k][r] · b1[k].
CK_AVX512 static inline __attribute__((always_inline)) void pair_step(
    ptrdiff_t k, const float *a, const float *b0, const float *b1, __m512 c0[MR], __m512 c1[MR])
{
    __m512 x0 = _mm512_loadu_ps(b0 + 16 * k);
    __m512 x1 = _mm512_loadu_ps(b1 + 16 * k);
    const float *ak = a + MR * k;
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        __m512 s = _mm512_set1_ps(ak[r]);
        c0[r] = _mm512_fmadd_ps(s, x0, c0[r]);
        c1[r] = _mm512_fmadd_ps(s, x1, c1[r]);
    }
}

/// Two strips (b0, b1 = the next strip): rows × (16 + columns1) of C. `ahead`: a panel to
/// prefetch alongside, one k step of it per k step (the next panel during a panel's first pair).
/// `next`: whether a full pair follows in the same rows; its C lines (for writing) and, when this
/// block adds a residual, its residual lines are then prefetched over the first k steps, one per
/// step. C rows are `ldc` apart and rarely aligned (17×17 maps: 289 floats), so each row's 32
/// floats touch three lines, which otherwise miss at the stores: in a deep layer the stalls at
/// the epilogue were 4–7% of the time (Inception-ResNet's 384 → 1088 up-projections with their
/// residual; lockstep A/B of the network, one thread: 0.98–0.99).
CK_AVX512 static inline void multiply_store_pair(
    ptrdiff_t depth, const float *a, const float *b0, const float *b1, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, ptrdiff_t columns1, const float *ahead, int next, const float *single, ptrdiff_t singleColumn,
    const CKEpilogue *e)
{
    // For `store_general_row`, the general epilogue (alpha, beta); the common one goes through
    // `write_tile` (TileWriterAVX512.h), which keeps the fields in registers.
    const CKEpilogue local = *e;
    __m512 c0[MR], c1[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) { c0[r] = _mm512_setzero_ps(); c1[r] = _mm512_setzero_ps(); }
    ptrdiff_t k = 0;
    if (single) {
        __m256 cs = _mm256_setzero_ps();
        for (; k < depth; k++) {
            _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
            pair_step(k, a, b0, b1, c0, c1);
            cs = _mm256_fmadd_ps(_mm256_loadu_ps(a + MR * k), _mm256_set1_ps(single[16 * k]), cs);
        }
        store_single_column(cs, row, singleColumn, rows, e);
    }
    if (next) {
        // The next pair's C (and residual) lines, one per k step.
        const float *nextC = e->c + row * e->ldc + column + 32;
        const float *nextR = e->residual && e->first ? e->residual + row * e->ldc + column + 32 : 0;
        const ptrdiff_t lines = next_tile_lines(32, nextR);
        for (; k < lines && k < depth; k++) {
            _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
            prefetch_next_tile_line(k, 32, nextC, nextR, e->ldc);
            pair_step(k, a, b0, b1, c0, c1);
        }
    }
    for (; k < depth; k++) {
        _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
        pair_step(k, a, b0, b1, c0, c1);
    }
    __mmask16 mask1 = column_mask(columns1);
    if (tile_writer_applies(e)) {
        const StripPlacement p[3] = { strip_at(column, 0xFFFF), strip_at(column + 16, mask1), strip_at(column + 16, mask1) };
        write_tile(c0, c1, c1, 2, rows, row, p, 0, e);
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) {
            store_general_row(c0[r], row + r, column, 0xFFFF, &local);
            store_general_row(c1[r], row + r, column + 16, mask1, &local);
        }
    }
}

/// Reduction step k of a strip triple: as `pair_step`, with a third strip b2 (24 accumulators).
CK_AVX512 static inline __attribute__((always_inline)) void triple_step(
    ptrdiff_t k, const float *a, const float *b0, const float *b1, const float *b2,
    __m512 c0[MR], __m512 c1[MR], __m512 c2[MR])
{
    _mm_prefetch((const char *)(b0 + 16 * (k + B_PREFETCH_STEPS)), _MM_HINT_T0);
    _mm_prefetch((const char *)(b1 + 16 * (k + B_PREFETCH_STEPS)), _MM_HINT_T0);
    _mm_prefetch((const char *)(b2 + 16 * (k + B_PREFETCH_STEPS)), _MM_HINT_T0);
    __m512 x0 = _mm512_loadu_ps(b0 + 16 * k);
    __m512 x1 = _mm512_loadu_ps(b1 + 16 * k);
    __m512 x2 = _mm512_loadu_ps(b2 + 16 * k);
    const float *ak = a + MR * k;
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        __m512 s = _mm512_set1_ps(ak[r]);
        c0[r] = _mm512_fmadd_ps(s, x0, c0[r]);
        c1[r] = _mm512_fmadd_ps(s, x1, c1[r]);
        c2[r] = _mm512_fmadd_ps(s, x2, c2[r]);
    }
}

/// Three strips (b0, b1, b2 consecutive): rows × (32 + columns2) of C, an 8 × 48 tile in 24
/// accumulators. `ahead` and `next` as in `multiply_store_pair` (C lines: 4 per row).
/// `single`: when not null, the block's one column past its strips (a packed strip, of which
/// only `single[16 · k]` counts; C column `singleColumn`) is multiplied alongside, in one more
/// 8-row accumulator from the panel's values the triple (or pair) reads anyway. On its own
/// (`multiply_store_narrow`) that column read the whole panel again from L2 and a B line per
/// k step, a sixth of a 7×7 layer's time for a 49th of its work.
CK_AVX512 static inline void multiply_store_triple(
    ptrdiff_t depth, const float *a, const float *b0, ptrdiff_t stripFloats, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, ptrdiff_t columns2, const float *ahead, int next, const float *single, ptrdiff_t singleColumn,
    const CKEpilogue *e)
{
    const CKEpilogue local = *e;
    const float *b1 = b0 + stripFloats, *b2 = b1 + stripFloats;
    __m512 c0[MR], c1[MR], c2[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) { c0[r] = _mm512_setzero_ps(); c1[r] = _mm512_setzero_ps(); c2[r] = _mm512_setzero_ps(); }
    ptrdiff_t k = 0;
    __m256 cs = _mm256_setzero_ps();
    if (single) {
        for (; k < depth; k++) {
            _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
            _mm_prefetch((const char *)(single + 16 * (k + B_PREFETCH_STEPS)), _MM_HINT_T0);
            triple_step(k, a, b0, b1, b2, c0, c1, c2);
            cs = _mm256_fmadd_ps(_mm256_loadu_ps(a + MR * k), _mm256_set1_ps(single[16 * k]), cs);
        }
        store_single_column(cs, row, singleColumn, rows, e);
    }
    if (next) {
        const float *nextC = e->c + row * e->ldc + column + 48;
        const float *nextR = e->residual && e->first ? e->residual + row * e->ldc + column + 48 : 0;
        const ptrdiff_t lines = next_tile_lines(48, nextR);
        for (; k < lines && k < depth; k++) {
            _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
            prefetch_next_tile_line(k, 48, nextC, nextR, e->ldc);
            triple_step(k, a, b0, b1, b2, c0, c1, c2);
        }
    }
    for (; k < depth; k++) {
        _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
        triple_step(k, a, b0, b1, b2, c0, c1, c2);
    }
    __mmask16 mask2 = column_mask(columns2);
    if (tile_writer_applies(e)) {
        const StripPlacement p[3] = { strip_at(column, 0xFFFF), strip_at(column + 16, 0xFFFF), strip_at(column + 32, mask2) };
        write_tile(c0, c1, c2, 3, rows, row, p, 0, e);
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) {
            store_general_row(c0[r], row + r, column, 0xFFFF, &local);
            store_general_row(c1[r], row + r, column + 16, 0xFFFF, &local);
            store_general_row(c2[r], row + r, column + 32, mask2, &local);
        }
    }
}

/// One strip: rows × columns of C.
CK_AVX512 static inline void multiply_store(
    ptrdiff_t depth, const float *a, const float *b, ptrdiff_t row, ptrdiff_t column,
    ptrdiff_t rows, ptrdiff_t columns, const CKEpilogue *e)
{
    const CKEpilogue local = *e;
    __m512 c0[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) c0[r] = _mm512_setzero_ps();
    for (ptrdiff_t k = 0; k < depth; k++) {
        __m512 x0 = _mm512_loadu_ps(b + 16 * k);
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

CK_AVX512 void ck_avx512_multiply_tile(ptrdiff_t depth, const float *a, const float *b, float *tile)
{
    __m512 c0[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) c0[r] = _mm512_setzero_ps();
    for (ptrdiff_t k = 0; k < depth; k++) {
        __m512 x0 = _mm512_loadu_ps(b + 16 * k);
        const float *ak = a + MR * k;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(ak[r]), x0, c0[r]);
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) _mm512_storeu_ps(tile + 16 * r, c0[r]);
}

CK_AVX512 void ck_avx512_multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *e)
{
    ptrdiff_t stripCount = (columnCount + 15) / 16;
    // A last strip of at most NARROW_COLUMNS columns is multiplied column by column.
    int tail = (int)(columnCount % 16);
    int narrow = tail > 0 && tail <= NARROW_COLUMNS;
    ptrdiff_t wideStrips = narrow ? stripCount - 1 : stripCount;
    const float *narrowStrip = strips + (stripCount - 1) * depth * 16;
    const ptrdiff_t narrowColumn = column0 + 16 * (stripCount - 1);
    // A single narrow column rides along with the last triple, or pair, of the wide strips.
    const int singleRides = single_column_rides(columnCount, depth, TRIPLE_DEPTH);
    for (ptrdiff_t r = 0; r < rowCount; r += MR) {
        const float *a = panels + (r / MR) * MR * depth;
        ptrdiff_t rows = rowCount - r < MR ? rowCount - r : MR;
        ptrdiff_t s = 0;
        for (; depth >= TRIPLE_DEPTH && s + 2 < wideStrips; s += 3) {
            const float *b = strips + s * depth * 16;
            ptrdiff_t columns2 = columnCount - 16 * (s + 2) < 16 ? columnCount - 16 * (s + 2) : 16;
            const float *ahead = s == 0 ? a + MR * depth : a;
            int next = depth >= EPILOGUE_PREFETCH_DEPTH && s + 3 < wideStrips;
            const float *with = singleRides && s + 3 == wideStrips ? narrowStrip : 0;
            multiply_store_triple(
                depth, a, b, depth * 16, row0 + r, column0 + 16 * s, rows, columns2, ahead, next, with, narrowColumn, e);
        }
        for (; s + 1 < wideStrips; s += 2) {
            const float *b = strips + s * depth * 16;
            ptrdiff_t columns1 = columnCount - 16 * (s + 1) < 16 ? columnCount - 16 * (s + 1) : 16;
            // The first pair pulls the next panel in (weights come from memory in a large network):
            // past the last one too, where the next row block's or depth block's panels follow.
            const float *ahead = s == 0 ? a + MR * depth : a;
            int next = depth >= EPILOGUE_PREFETCH_DEPTH && s + 2 < wideStrips;
            const float *with = singleRides && s + 2 == wideStrips ? narrowStrip : 0;
            multiply_store_pair(
                depth, a, b, b + depth * 16, row0 + r, column0 + 16 * s, rows, columns1, ahead, next, with, narrowColumn, e);
        }
        if (s < wideStrips) {
            ptrdiff_t columns = columnCount - 16 * s < 16 ? columnCount - 16 * s : 16;
            multiply_store(depth, a, strips + s * depth * 16, row0 + r, column0 + 16 * s, rows, columns, e);
        }
        if (narrow && !singleRides) {
            const float *b = narrowStrip;
            ptrdiff_t column = narrowColumn;
            multiply_store_narrow(depth, a, b, row0 + r, column, rows, tail, e);
        }
    }
}
#endif
