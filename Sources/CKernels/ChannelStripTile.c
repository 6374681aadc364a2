// The AVX-512 channel-vector tile: 8 (or 7) pixels (broadcast) × 32 channels (two zmm strips)
// in 16 (14) accumulators, so the FMA chains are as many as in the pixel-vector 8 × 32 tile; then bias
// per channel lane, an in-register 8 × 16 transpose per strip (unpack, shuffle, 128-bit lane
// moves) and, per channel, residual, clamp and a masked 8-pixel store into its NCHW row.
#include "MicroKernelVariants.h"

#if CK_X86
#include <immintrin.h>

#define CK_AVX512 __attribute__((target("avx512f,fma")))

/// How many reduction steps ahead a pair asks for its weight lines (one 64-byte line per strip
/// and step), as `MicroKernelAVX512.c`'s triple does for its B strips: the weights stream from
/// L2 at 128 bytes per 14 FMAs. One Emerald Rapids core, `kernel-bench`, nine alternations:
/// ResNet50's 1×1 2048 → 512 and 512 → 2048 at 7×7 0.81–0.94, its 3×3 512 → 512 0.96.
enum { WEIGHT_PREFETCH_STEPS = 8 };

/// Adds `bias` lanes to the 8 pixel rows of one strip, transposes them and stores channels
/// [0, channels) of the strip: channel c's 8 pixels to output[c · pixelStride].
CK_AVX512 static inline void store_strip(
    __m512 *rows, __m512 bias, ptrdiff_t channels, float *output, const float *residual, ptrdiff_t pixelStride,
    __mmask16 pixels, __m512 lower, __m512 upper)
{
    for (int r = 0; r < 8; r++) rows[r] = _mm512_add_ps(rows[r], bias);
    // Per 128-bit lane L: u[q] holds channel 4L + q of pixels 0-3, u[q + 4] of pixels 4-7.
    __m512 t[8], u[8];
    for (int h = 0; h < 2; h++) {
        __m512 *r = rows + 4 * h;
        t[4 * h + 0] = _mm512_unpacklo_ps(r[0], r[1]);
        t[4 * h + 1] = _mm512_unpackhi_ps(r[0], r[1]);
        t[4 * h + 2] = _mm512_unpacklo_ps(r[2], r[3]);
        t[4 * h + 3] = _mm512_unpackhi_ps(r[2], r[3]);
        u[4 * h + 0] = _mm512_shuffle_ps(t[4 * h + 0], t[4 * h + 2], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * h + 1] = _mm512_shuffle_ps(t[4 * h + 0], t[4 * h + 2], _MM_SHUFFLE(3, 2, 3, 2));
        u[4 * h + 2] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(1, 0, 1, 0));
        u[4 * h + 3] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int q = 0; q < 4; q++) {
        // [u[q].L0, u[q+4].L0, u[q].L2, u[q+4].L2]: channel q (low half), channel 8 + q (high half);
        // the same with lanes 1 and 3: channels 4 + q and 12 + q.
        __m512 a = _mm512_shuffle_f32x4(u[q], u[q + 4], _MM_SHUFFLE(2, 0, 2, 0));
        __m512 b = _mm512_shuffle_f32x4(u[q], u[q + 4], _MM_SHUFFLE(3, 1, 3, 1));
        a = _mm512_shuffle_f32x4(a, a, _MM_SHUFFLE(3, 1, 2, 0));
        b = _mm512_shuffle_f32x4(b, b, _MM_SHUFFLE(3, 1, 2, 0));
        __m512 column[4] = {
            a, b, _mm512_shuffle_f32x4(a, a, _MM_SHUFFLE(3, 2, 3, 2)), _mm512_shuffle_f32x4(b, b, _MM_SHUFFLE(3, 2, 3, 2))};
        for (int i = 0; i < 4; i++) {
            const ptrdiff_t c = q + 4 * i;
            if (c >= channels) continue;
            __m512 v = column[i];
            float *out = output + c * pixelStride;
            if (residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(pixels, residual + c * pixelStride));
            // max(lower, x) / min(upper, x) return x when x is NaN.
            v = _mm512_min_ps(upper, _mm512_max_ps(lower, v));
            _mm512_mask_storeu_ps(out, pixels, v);
        }
    }
}

/// Reduction step k of a strip pair: c0[r] += a[k][r] · b0[k], c1[r] += a[k][r] · b1[k].
CK_AVX512 static inline __attribute__((always_inline)) void pair_step(
    ptrdiff_t k, const float *pixelPanel, ptrdiff_t panelStride, const float *b0, const float *b1,
    __m512 c0[8], __m512 c1[8], const int P)
{
    _mm_prefetch((const char *)(b0 + 16 * (k + WEIGHT_PREFETCH_STEPS)), _MM_HINT_T0);
    _mm_prefetch((const char *)(b1 + 16 * (k + WEIGHT_PREFETCH_STEPS)), _MM_HINT_T0);
    __m512 x0 = _mm512_loadu_ps(b0 + 16 * k), x1 = _mm512_loadu_ps(b1 + 16 * k);
    const float *a = pixelPanel + panelStride * k;
    for (int r = 0; r < P; r++) {
        __m512 s = _mm512_set1_ps(a[r]);
        c0[r] = _mm512_fmadd_ps(s, x0, c0[r]);
        c1[r] = _mm512_fmadd_ps(s, x1, c1[r]);
    }
}

/// Reduction step k of one strip.
CK_AVX512 static inline __attribute__((always_inline)) void strip_step(
    ptrdiff_t k, const float *pixelPanel, ptrdiff_t panelStride, const float *b0, __m512 c0[8], const int P)
{
    __m512 x0 = _mm512_loadu_ps(b0 + 16 * k);
    const float *a = pixelPanel + panelStride * k;
    for (int r = 0; r < P; r++) c0[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), x0, c0[r]);
}

/// The tile for panels of P pixels (7 or 8; rows past P stay zero and are never stored).
CK_AVX512 static inline __attribute__((always_inline)) void channel_tile(
    ptrdiff_t depth, const float *pixelPanel, const float *channelStrips, ptrdiff_t channelCount,
    float *output, const float *residual, ptrdiff_t pixelStride, ptrdiff_t pixelCount,
    const float *bias, float lower, float upper, const int P, ptrdiff_t panelStride, const float *ahead, ptrdiff_t aheadLines)
{
    __m512 c0[8], c1[8];
    for (int r = 0; r < 8; r++) { c0[r] = _mm512_setzero_ps(); c1[r] = _mm512_setzero_ps(); }
    const float *b0 = channelStrips, *b1 = channelStrips + 16 * depth;
    // Lines of `ahead` go to L2 one per reduction step (two while more remain than steps): the
    // weights the caller multiplies next, which in a large network come from memory.
    ptrdiff_t k = 0;
    const ptrdiff_t single = aheadLines < depth ? aheadLines : depth;
    const ptrdiff_t twice = aheadLines - depth > 0 ? (aheadLines - depth < depth ? aheadLines - depth : depth) : 0;
    if (channelCount > 16) {
        for (; k < twice; k++) {
            _mm_prefetch((const char *)(ahead + 16 * k), _MM_HINT_T1);
            _mm_prefetch((const char *)(ahead + 16 * (depth + k)), _MM_HINT_T1);
            pair_step(k, pixelPanel, panelStride, b0, b1, c0, c1, P);
        }
        for (; k < single; k++) {
            _mm_prefetch((const char *)(ahead + 16 * k), _MM_HINT_T1);
            pair_step(k, pixelPanel, panelStride, b0, b1, c0, c1, P);
        }
        for (; k < depth; k++) pair_step(k, pixelPanel, panelStride, b0, b1, c0, c1, P);
    } else {
        for (; k < single; k++) {
            _mm_prefetch((const char *)(ahead + 16 * k), _MM_HINT_T1);
            strip_step(k, pixelPanel, panelStride, b0, c0, P);
        }
        for (; k < depth; k++) strip_step(k, pixelPanel, panelStride, b0, c0, P);
    }
    const __mmask16 pixels = (__mmask16)((1u << (pixelCount < 8 ? pixelCount : 8)) - 1u);
    const __m512 lo = _mm512_set1_ps(lower), hi = _mm512_set1_ps(upper);
    const ptrdiff_t first = channelCount < 16 ? channelCount : 16;
    __m512 bias0 = bias ? _mm512_maskz_loadu_ps((__mmask16)((1u << first) - 1u), bias) : _mm512_setzero_ps();
    store_strip(c0, bias0, first, output, residual, pixelStride, pixels, lo, hi);
    if (channelCount > 16) {
        const ptrdiff_t second = channelCount - 16 < 16 ? channelCount - 16 : 16;
        __m512 bias1 = bias ? _mm512_maskz_loadu_ps((__mmask16)((1u << second) - 1u), bias + 16) : _mm512_setzero_ps();
        store_strip(c1, bias1, second, output + 16 * pixelStride, residual ? residual + 16 * pixelStride : 0,
                    pixelStride, pixels, lo, hi);
    }
}

CK_AVX512 static void channel_tile7(
    ptrdiff_t depth, const float *pixelPanel, const float *channelStrips, ptrdiff_t channelCount,
    float *output, const float *residual, ptrdiff_t pixelStride, ptrdiff_t pixelCount,
    const float *bias, float lower, float upper, ptrdiff_t panelStride, const float *ahead, ptrdiff_t aheadLines)
{
    channel_tile(depth, pixelPanel, channelStrips, channelCount, output, residual, pixelStride, pixelCount, bias, lower, upper, 7,
                 panelStride, ahead, aheadLines);
}

CK_AVX512 static void channel_tile8(
    ptrdiff_t depth, const float *pixelPanel, const float *channelStrips, ptrdiff_t channelCount,
    float *output, const float *residual, ptrdiff_t pixelStride, ptrdiff_t pixelCount,
    const float *bias, float lower, float upper, ptrdiff_t panelStride, const float *ahead, ptrdiff_t aheadLines)
{
    channel_tile(depth, pixelPanel, channelStrips, channelCount, output, residual, pixelStride, pixelCount, bias, lower, upper, 8,
                 panelStride, ahead, aheadLines);
}

void ck_avx512_channel_tile(
    ptrdiff_t depth, const float *pixelPanel, const float *channelStrips, ptrdiff_t channelCount,
    float *output, const float *residual, ptrdiff_t pixelStride, ptrdiff_t pixelCount,
    const float *bias, float lower, float upper, ptrdiff_t panelPixels, ptrdiff_t panelStride, const float *ahead,
    ptrdiff_t aheadLines)
{
    (panelPixels == 7 ? channel_tile7 : channel_tile8)(
        depth, pixelPanel, channelStrips, channelCount, output, residual, pixelStride, pixelCount, bias, lower, upper,
        panelStride, ahead, aheadLines);
}

int ck_channel_tile_supported(void) { return ck_x86_level() >= 2; }
#else
void ck_avx512_channel_tile(
    ptrdiff_t depth, const float *pixelPanel, const float *channelStrips, ptrdiff_t channelCount,
    float *output, const float *residual, ptrdiff_t pixelStride, ptrdiff_t pixelCount,
    const float *bias, float lower, float upper, ptrdiff_t panelPixels, ptrdiff_t panelStride, const float *ahead,
    ptrdiff_t aheadLines)
{
    (void)panelPixels; (void)panelStride; (void)ahead; (void)aheadLines;
    (void)depth; (void)pixelPanel; (void)channelStrips; (void)channelCount; (void)output; (void)residual;
    (void)pixelStride; (void)pixelCount; (void)bias; (void)lower; (void)upper;
}

int ck_channel_tile_supported(void) { return 0; }
#endif
