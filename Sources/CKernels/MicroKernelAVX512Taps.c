// The AVX-512 micro-kernel reading a stride-1 convolution's im2col matrix B straight from the
// zero-bordered input (`ck_avx512_multiply_taps`, see CKernels.h) instead of from packed strips.
// Output pixels are counted in "virtual" columns v = oy · paddedWidth + ox, so that every tap
// (k = channel, ky, kx) reads one contiguous run image[offsets[k] + v]: a strip is one vector
// load per tap, and the `paddedWidth - width` columns past each output row are computed and
// dropped at the store (a 35-wide map wastes 2 of 37). The tiles are the packed kernel's 8 × 48
// and 8 × 32 ones; the store splits each strip at the output row end it may cross.
#include "MicroKernelVariants.h"
#include "TileWriterAVX512.h"

#if CK_X86
#include <immintrin.h>

#define CK_AVX512 __attribute__((target("avx512f,fma")))
enum { MR = CK_AVX512_ROWS };
/// How many reduction steps ahead a tile asks for its B lines (a strip's 16 floats and the line
/// its unaligned end reaches into). The taps' rows are far apart in the image (a channel plane
/// per 9 steps of a 3×3 kernel), which the L1 prefetchers do not follow: with the lines asked
/// for, Inception's 3×3 32 → 32 and 32 → 64 stems at 147×147 ran 1.03–1.11× faster, the 3-channel
/// strided stems 1.03–1.06×, the 35×35 32-channel branches and V4's 1×7 at 73×73 up to 1.09×
/// (`kernel-bench --ab`, medians of 15–21 alternations, one Emerald Rapids core).
enum { TAP_PREFETCH_STEPS = 8 };

// `StripPlacement` (TileWriterAVX512.h): a strip's 16 virtual columns land in C as lanes of
// `first` at `offset + j`, lanes of `second` (the next output row's) at `secondOffset + j`.

static inline __mmask16 lanes_below(ptrdiff_t n)
{
    return n <= 0 ? 0 : n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u);
}

/// The placement of the strip starting at virtual column `v0`, `count` (≤ 16) columns long.
/// Output rows are at least 16 wide, so a strip crosses one row end at most.
static inline StripPlacement place_strip(ptrdiff_t v0, ptrdiff_t count, ptrdiff_t paddedWidth, ptrdiff_t width)
{
    const ptrdiff_t y = v0 / paddedWidth, x = v0 % paddedWidth;
    const __mmask16 valid = lanes_below(count);
    StripPlacement p;
    p.offset = y * width + x;
    p.secondOffset = p.offset + width - paddedWidth;
    p.first = (__mmask16)(lanes_below(width - x) & valid);
    p.second = (__mmask16)(~lanes_below(paddedWidth - x) & valid);
    return p;
}

/// Row `row` of C at a strip's placement, from accumulator `x`, under `MicroKernelAVX512.c`'s
/// epilogue rules (C and the residual read through the same two masks).
CK_AVX512 static inline void store_row(__m512 x, ptrdiff_t row, StripPlacement p, const CKEpilogue *e)
{
    float *out = e->c + row * e->ldc;
    float *out1 = out + p.offset, *out2 = out + p.secondOffset;
    if (e->alpha != 1.0f) x = _mm512_mul_ps(x, _mm512_set1_ps(e->alpha));
    if (!e->first || e->beta != 0.0f) {
        __m512 old = _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(p.first, out1), p.second, out2);
        x = _mm512_add_ps(x, e->first ? _mm512_mul_ps(_mm512_set1_ps(e->beta), old) : old);
    }
    if (e->first) {
        if (e->bias) x = _mm512_add_ps(x, _mm512_set1_ps(e->bias[row]));
        if (e->residual) {
            const float *r = e->residual + row * e->ldc;
            x = _mm512_add_ps(x, _mm512_mask_loadu_ps(_mm512_maskz_loadu_ps(p.first, r + p.offset), p.second, r + p.secondOffset));
        }
    }
    if (e->last) {
        // max(lower, x) / min(upper, x) return x when x is NaN.
        x = _mm512_min_ps(_mm512_set1_ps(e->upper), _mm512_max_ps(_mm512_set1_ps(e->lower), x));
    }
    _mm512_mask_storeu_ps(out1, p.first, x);
    _mm512_mask_storeu_ps(out2, p.second, x);
}

/// `strips` (1-3) whole strips from virtual column v0: rows × 16·strips of C.
CK_AVX512 static inline __attribute__((always_inline)) void multiply_store_strips(
    ptrdiff_t depth, const float *a, const float *image, const ptrdiff_t *offsets, ptrdiff_t v0, ptrdiff_t row,
    ptrdiff_t rows, ptrdiff_t paddedWidth, ptrdiff_t width, const float *ahead, const CKEpilogue *e, const int strips)
{
    const CKEpilogue local = *e;
    __m512 c0[MR], c1[MR], c2[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) { c0[r] = _mm512_setzero_ps(); c1[r] = _mm512_setzero_ps(); c2[r] = _mm512_setzero_ps(); }
    const float *b = image + v0;
    for (ptrdiff_t k = 0; k < depth; k++) {
        _mm_prefetch((const char *)(ahead + MR * k), _MM_HINT_T0);
        if (k + TAP_PREFETCH_STEPS < depth) {
            const float *later = b + offsets[k + TAP_PREFETCH_STEPS];
            _mm_prefetch((const char *)later, _MM_HINT_T0);
            if (strips > 1) _mm_prefetch((const char *)(later + 16), _MM_HINT_T0);
            if (strips > 2) _mm_prefetch((const char *)(later + 32), _MM_HINT_T0);
            _mm_prefetch((const char *)(later + 16 * strips - 1), _MM_HINT_T0);
        }
        const float *bk = b + offsets[k];
        __m512 x0 = _mm512_loadu_ps(bk);
        __m512 x1 = strips > 1 ? _mm512_loadu_ps(bk + 16) : x0;
        __m512 x2 = strips > 2 ? _mm512_loadu_ps(bk + 32) : x0;
        const float *ak = a + MR * k;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            __m512 s = _mm512_set1_ps(ak[r]);
            c0[r] = _mm512_fmadd_ps(s, x0, c0[r]);
            if (strips > 1) c1[r] = _mm512_fmadd_ps(s, x1, c1[r]);
            if (strips > 2) c2[r] = _mm512_fmadd_ps(s, x2, c2[r]);
        }
    }
    const StripPlacement p0 = place_strip(v0, 16, paddedWidth, width);
    const StripPlacement p1 = place_strip(v0 + 16, 16, paddedWidth, width);
    const StripPlacement p2 = place_strip(v0 + 32, 16, paddedWidth, width);
    if (tile_writer_applies(e)) {
        const StripPlacement p[3] = { p0, p1, p2 };
        write_tile(c0, c1, c2, strips, rows, row, p, 1, e);
        return;
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        if (r < rows) {
            store_row(c0[r], row + r, p0, &local);
            if (strips > 1) store_row(c1[r], row + r, p1, &local);
            if (strips > 2) store_row(c2[r], row + r, p2, &local);
        }
    }
}

/// The last, partial strip (`count` < 16 columns): masked loads, so no read passes the
/// block's last virtual column (the input itself may end right there).
CK_AVX512 static void multiply_store_partial(
    ptrdiff_t depth, const float *a, const float *image, const ptrdiff_t *offsets, ptrdiff_t v0, ptrdiff_t count,
    ptrdiff_t row, ptrdiff_t rows, ptrdiff_t paddedWidth, ptrdiff_t width, const CKEpilogue *e)
{
    const CKEpilogue local = *e;
    const __mmask16 mask = lanes_below(count);
    __m512 c0[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) c0[r] = _mm512_setzero_ps();
    const float *b = image + v0;
    for (ptrdiff_t k = 0; k < depth; k++) {
        __m512 x0 = _mm512_maskz_loadu_ps(mask, b + offsets[k]);
        const float *ak = a + MR * k;
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(ak[r]), x0, c0[r]);
    }
    const StripPlacement p = place_strip(v0, count, paddedWidth, width);
    if (tile_writer_applies(e)) {
        const StripPlacement placed[3] = { p, p, p };
        write_tile(c0, c0, c0, 1, rows, row, placed, 1, e);
        return;
    }
    for (int r = 0; r < MR; r++) {
        if (r < rows) store_row(c0[r], row + r, p, &local);
    }
}

CK_AVX512 static void multiply_store_triple(
    ptrdiff_t depth, const float *a, const float *image, const ptrdiff_t *offsets, ptrdiff_t v0, ptrdiff_t row,
    ptrdiff_t rows, ptrdiff_t paddedWidth, ptrdiff_t width, const float *ahead, const CKEpilogue *e)
{
    multiply_store_strips(depth, a, image, offsets, v0, row, rows, paddedWidth, width, ahead, e, 3);
}

CK_AVX512 static void multiply_store_pair(
    ptrdiff_t depth, const float *a, const float *image, const ptrdiff_t *offsets, ptrdiff_t v0, ptrdiff_t row,
    ptrdiff_t rows, ptrdiff_t paddedWidth, ptrdiff_t width, const float *ahead, const CKEpilogue *e)
{
    multiply_store_strips(depth, a, image, offsets, v0, row, rows, paddedWidth, width, ahead, e, 2);
}

CK_AVX512 static void multiply_store_single(
    ptrdiff_t depth, const float *a, const float *image, const ptrdiff_t *offsets, ptrdiff_t v0, ptrdiff_t row,
    ptrdiff_t rows, ptrdiff_t paddedWidth, ptrdiff_t width, const float *ahead, const CKEpilogue *e)
{
    multiply_store_strips(depth, a, image, offsets, v0, row, rows, paddedWidth, width, ahead, e, 1);
}

CK_AVX512 void ck_avx512_multiply_taps(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *image, const ptrdiff_t *offsets, ptrdiff_t virtual0, ptrdiff_t virtualCount,
    ptrdiff_t paddedWidth, ptrdiff_t width, const CKEpilogue *e)
{
    const ptrdiff_t whole = virtualCount / 16, tail = virtualCount % 16;
    for (ptrdiff_t r = 0; r < rowCount; r += MR) {
        const float *a = panels + (r / MR) * MR * depth;
        const ptrdiff_t rows = rowCount - r < MR ? rowCount - r : MR;
        // The first tile pulls the next panel in, one line per reduction step.
        const float *ahead = a + MR * depth;
        ptrdiff_t s = 0;
        for (; s + 3 <= whole; s += 3, ahead = a) {
            multiply_store_triple(depth, a, image, offsets, virtual0 + 16 * s, row0 + r, rows, paddedWidth, width, ahead, e);
        }
        if (s + 2 <= whole) {
            multiply_store_pair(depth, a, image, offsets, virtual0 + 16 * s, row0 + r, rows, paddedWidth, width, ahead, e);
            s += 2;
        } else if (s < whole) {
            multiply_store_single(depth, a, image, offsets, virtual0 + 16 * s, row0 + r, rows, paddedWidth, width, ahead, e);
            s += 1;
        }
        if (tail) {
            multiply_store_partial(depth, a, image, offsets, virtual0 + 16 * s, tail, row0 + r, rows, paddedWidth, width, e);
        }
    }
}
#else
void ck_avx512_multiply_taps(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *image, const ptrdiff_t *offsets, ptrdiff_t virtual0, ptrdiff_t virtualCount,
    ptrdiff_t paddedWidth, ptrdiff_t width, const CKEpilogue *e)
{
    (void)depth; (void)panels; (void)row0; (void)rowCount; (void)image; (void)offsets; (void)virtual0;
    (void)virtualCount; (void)paddedWidth; (void)width; (void)e;
}
#endif
