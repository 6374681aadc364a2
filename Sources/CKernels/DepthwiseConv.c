// Direct depthwise convolution, one channel plane at a time, vectorized along output rows
// (16 pixels per AVX-512 vector, 8 per AVX2 vector). AVX-512 reads the plane straight from the
// tensor: taps that fall outside the input are masked loads (masked-off lanes neither read
// memory nor fault), and stride 2 loads two vectors of consecutive input columns and keeps the
// even ones (a lane permute). AVX2 reads a zero-bordered copy of the plane instead (masked
// loads are microcoded on AMD Zen 1), split into even and odd columns for stride 2.
// 3×3 and 5×5 are compiled with constant sizes (weights in registers, taps unrolled); other
// sizes up to 7×7 take the same code with run-time sizes.
#include "MicroKernelVariants.h"

#include <stdlib.h>
#include <string.h>

enum { KMAX = CK_DEPTHWISE_MAX_KERNEL };

static inline ptrdiff_t min_pd(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }
static inline ptrdiff_t max_pd(ptrdiff_t a, ptrdiff_t b) { return a > b ? a : b; }

/// Bits [lo, hi) of a 64-bit mask, the range clipped to [0, 64).
static inline unsigned long long bit_range(ptrdiff_t lo, ptrdiff_t hi)
{
    if (lo < 0) lo = 0;
    if (hi > 64) hi = 64;
    if (hi <= lo) return 0;
    unsigned long long belowHi = hi == 64 ? ~0ull : (1ull << hi) - 1;
    return belowHi & ~((1ull << lo) - 1);
}

/// Bias, residual, clamp (NaN stays NaN), the same order as the vector variants.
static inline float finish_scalar(float acc, const CKDepthwisePlane *p, ptrdiff_t index)
{
    if (p->residual) acc += p->residual[index];
    if (acc < p->lower) acc = p->lower;
    if (acc > p->upper) acc = p->upper;
    return acc;
}

static void ck_portable_depthwise_rows(const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1)
{
    const ptrdiff_t H = p->inHeight, W = p->inWidth, OW = p->outWidth, S = p->stride;
    for (ptrdiff_t oy = row0; oy < row1; oy++) {
        for (ptrdiff_t ox = 0; ox < OW; ox++) {
            float acc = p->bias;
            for (ptrdiff_t kx = 0; kx < p->kernelWidth; kx++) {
                ptrdiff_t ix = ox * S + kx - p->padLeft;
                if (ix < 0 || ix >= W) continue;
                for (ptrdiff_t ky = 0; ky < p->kernelHeight; ky++) {
                    ptrdiff_t iy = oy * S + ky - p->padTop;
                    if (iy < 0 || iy >= H) continue;
                    acc += p->weights[ky * p->kernelWidth + kx] * p->input[iy * W + ix];
                }
            }
            p->output[oy * OW + ox] = finish_scalar(acc, p, oy * OW + ox);
        }
    }
}

/// Plane i of `layer` (image i / channels, channel i % channels) as a single-plane description.
static inline CKDepthwisePlane plane_at(const CKDepthwiseLayer *layer, ptrdiff_t i)
{
    const CKDepthwisePlane *g = &layer->plane;
    const ptrdiff_t outPlane = g->outHeight * g->outWidth, channel = i % layer->channels;
    CKDepthwisePlane p = *g;
    p.input = g->input + i * g->inHeight * g->inWidth;
    p.output = g->output + i * outPlane;
    p.residual = g->residual ? g->residual + i * outPlane : 0;
    p.weights = g->weights + channel * g->kernelHeight * g->kernelWidth;
    p.bias = layer->biases ? layer->biases[channel] : 0;
    return p;
}

/// Planes [plane0, plane1) of `layer`, each through `rows` over all its output rows.
static inline void planes_by_rows(CKDepthwiseRows rows, const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1)
{
    for (ptrdiff_t i = plane0; i < plane1; i++) {
        const CKDepthwisePlane p = plane_at(layer, i);
        rows(&p, 0, p.outHeight);
    }
}

static void ck_portable_depthwise_planes(const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1)
{
    planes_by_rows(ck_portable_depthwise_rows, layer, plane0, plane1);
}

#if CK_X86
#include <immintrin.h>

#define CK_AVX512 __attribute__((target("avx512f,fma")))
#define CK_AVX2 __attribute__((target("avx2,fma")))
#define CK_ALWAYS_INLINE static inline __attribute__((always_inline))

// ---- AVX-512: 16 output pixels per vector, up to four output rows at a time.

/// Output blocks of 16 handled per pass (their column masks are computed once per pass).
enum { AVX512_BLOCKS = 32 };
/// Output rows per band: 4 independent accumulator chains, and each input row loaded once for
/// up to 4 output rows (measured against 2: 15% faster at 56×56, 9% at 112×112).
enum { BAND_ROWS = 4 };

/// Output rows [oy, oy + R) (R = 1, 2 or BAND_ROWS) over `blocks` blocks of 16 from output
/// column `firstColumn`. The R rows read (R − 1)·S + KH input rows, each loaded once per tap
/// column and used by every output row it feeds (R independent accumulator chains).
/// `columns` holds, per block, the lanes that lie inside the input row: for S = 1 one 16-bit
/// mask per kernel column kx (load at ix0 + kx), for S = 2 one 32-bit mask per load pair j (at
/// ix0 + 2j, whose even lanes are tap 2j and odd lanes tap 2j + 1). With `checkRows`, input
/// rows outside the plane load nothing.
CK_AVX512 CK_ALWAYS_INLINE void avx512_band(
    const CKDepthwisePlane *p, ptrdiff_t oy, const int R, const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S,
    const int checkRows, const __m512 *w, ptrdiff_t firstColumn, ptrdiff_t blocks, const unsigned *columns)
{
    const ptrdiff_t W = p->inWidth, OW = p->outWidth;
    const ptrdiff_t inputRows = (R - 1) * S + KH;
    const ptrdiff_t masksPerBlock = S == 1 ? KW : (KW + 1) / 2;
    const float *rows[4 * KMAX];
    unsigned inside[4 * KMAX];
    for (ptrdiff_t r = 0; r < inputRows; r++) {
        ptrdiff_t iy = oy * S - p->padTop + r;
        int valid = iy >= 0 && iy < p->inHeight;
        rows[r] = p->input + (valid ? iy : 0) * W;
        inside[r] = valid ? ~0u : 0;
    }
    const __m512 bias = _mm512_set1_ps(p->bias), lower = _mm512_set1_ps(p->lower), upper = _mm512_set1_ps(p->upper);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    for (ptrdiff_t b = 0; b < blocks; b++) {
        const ptrdiff_t ox0 = firstColumn + 16 * b;
        const ptrdiff_t ix0 = ox0 * S - p->padLeft;
        const unsigned *m = columns + b * masksPerBlock;
        __m512 acc[4] = {bias, bias, bias, bias};
        for (ptrdiff_t r = 0; r < inputRows; r++) {
            const float *row = rows[r] + ix0;
            for (ptrdiff_t kx = 0; kx < KW; kx++) {
                __m512 x;
                if (S == 1) {
                    unsigned mask = m[kx];
                    if (checkRows) mask &= inside[r];
                    x = _mm512_maskz_loadu_ps((__mmask16)mask, row + kx);
                } else {
                    // Even taps load the pair; odd taps reuse the pair of the tap before.
                    if (kx & 1) continue;
                    unsigned mask = m[kx / 2];
                    if (checkRows) mask &= inside[r];
                    __m512 lo = _mm512_maskz_loadu_ps((__mmask16)mask, row + kx);
                    __m512 hi = _mm512_maskz_loadu_ps((__mmask16)(mask >> 16), row + kx + 16);
                    x = _mm512_permutex2var_ps(lo, even, hi);
                    if (kx + 1 < KW) {
                        __m512 y = _mm512_permutex2var_ps(lo, odd, hi);
                        for (int o = 0; o < R; o++) {
                            ptrdiff_t ky = r - o * S;
                            if (ky >= 0 && ky < KH) acc[o] = _mm512_fmadd_ps(y, w[ky * KW + kx + 1], acc[o]);
                        }
                    }
                }
                for (int o = 0; o < R; o++) {
                    ptrdiff_t ky = r - o * S;
                    if (ky >= 0 && ky < KH) acc[o] = _mm512_fmadd_ps(x, w[ky * KW + kx], acc[o]);
                }
            }
        }
        const __mmask16 lanes = (__mmask16)bit_range(0, OW - ox0);
        for (int o = 0; o < R; o++) {
            float *out = p->output + (oy + o) * OW + ox0;
            __m512 v = acc[o];
            if (p->residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, p->residual + (out - p->output)));
            // max(lower, x) / min(upper, x) return x when x is NaN.
            v = _mm512_min_ps(upper, _mm512_max_ps(lower, v));
            _mm512_mask_storeu_ps(out, lanes, v);
        }
    }
}

CK_AVX512 CK_ALWAYS_INLINE void avx512_rows(
    const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1, const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S)
{
    const ptrdiff_t W = p->inWidth, OW = p->outWidth, H = p->inHeight;
    __m512 w[KMAX * KMAX];
    for (ptrdiff_t t = 0; t < KH * KW; t++) w[t] = _mm512_set1_ps(p->weights[t]);
    const ptrdiff_t masksPerBlock = S == 1 ? KW : (KW + 1) / 2;
    unsigned columns[AVX512_BLOCKS * KMAX];
    for (ptrdiff_t firstColumn = 0; firstColumn < OW; firstColumn += 16 * AVX512_BLOCKS) {
        const ptrdiff_t blocks = min_pd(AVX512_BLOCKS, (OW - firstColumn + 15) / 16);
        for (ptrdiff_t b = 0; b < blocks; b++) {
            const ptrdiff_t ix0 = (firstColumn + 16 * b) * S - p->padLeft;
            for (ptrdiff_t j = 0; j < masksPerBlock; j++) {
                const ptrdiff_t start = ix0 + (S == 1 ? j : 2 * j);
                columns[b * masksPerBlock + j] = (unsigned)bit_range(-start, min_pd(16 * S, W - start));
            }
        }
        for (ptrdiff_t oy = row0; oy < row1;) {
            ptrdiff_t band = min_pd(BAND_ROWS, row1 - oy);
            const ptrdiff_t top = oy * S - p->padTop, bottom = (oy + band - 1) * S - p->padTop + KH;
            const int rowsInside = top >= 0 && bottom <= H;
            if (band == BAND_ROWS) {
                if (rowsInside) avx512_band(p, oy, BAND_ROWS, KH, KW, S, 0, w, firstColumn, blocks, columns);
                else avx512_band(p, oy, BAND_ROWS, KH, KW, S, 1, w, firstColumn, blocks, columns);
            } else if (band >= 2) {
                avx512_band(p, oy, 2, KH, KW, S, 1, w, firstColumn, blocks, columns);
                band = 2;
            } else {
                avx512_band(p, oy, 1, KH, KW, S, 1, w, firstColumn, blocks, columns);
            }
            oy += band;
        }
    }
}

CK_AVX512 static void avx512_3x3_s1(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) { avx512_rows(p, r0, r1, 3, 3, 1); }
CK_AVX512 static void avx512_3x3_s2(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) { avx512_rows(p, r0, r1, 3, 3, 2); }
CK_AVX512 static void avx512_5x5_s1(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) { avx512_rows(p, r0, r1, 5, 5, 1); }
CK_AVX512 static void avx512_5x5_s2(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) { avx512_rows(p, r0, r1, 5, 5, 2); }
CK_AVX512 static void avx512_any_s1(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1)
{
    avx512_rows(p, r0, r1, p->kernelHeight, p->kernelWidth, 1);
}
CK_AVX512 static void avx512_any_s2(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1)
{
    avx512_rows(p, r0, r1, p->kernelHeight, p->kernelWidth, 2);
}

static void ck_avx512_depthwise_rows(const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1)
{
    const int s2 = p->stride == 2;
    if (p->kernelHeight == 3 && p->kernelWidth == 3) {
        (s2 ? avx512_3x3_s2 : avx512_3x3_s1)(p, row0, row1);
    } else if (p->kernelHeight == 5 && p->kernelWidth == 5) {
        (s2 ? avx512_5x5_s2 : avx512_5x5_s1)(p, row0, row1);
    } else {
        (s2 ? avx512_any_s2 : avx512_any_s1)(p, row0, row1);
    }
}

// ---- AVX-512, small maps: the plane as one flat run of pixels.
//
// With stride 1 and as many output as input columns, output pixel q = oy·W + ox reads input
// q + (ky − padTop)·W + (kx − padLeft) for tap (ky, kx): a fixed offset per tap. So a vector
// may take 16 consecutive output pixels across row ends (on a 7×7 map: 4 vectors, 49 of 64
// lanes used, against 7 row vectors using 7 of 16 lanes each), each tap one masked load whose
// mask (lanes whose tap falls inside the plane) depends only on the geometry: computed once
// per call for every plane.

/// Flat form limits: output rows of at most this many pixels (wider rows fill row vectors well)
/// and planes of at most FLAT_BLOCKS vectors.
enum { FLAT_MAX_WIDTH = 8, FLAT_BLOCKS = 8, FLAT_GROUP = 4 };

static int flat_suits(const CKDepthwisePlane *g)
{
    return g->stride == 1 && g->outWidth == g->inWidth && g->outWidth <= FLAT_MAX_WIDTH
        && g->outHeight * g->outWidth <= 16 * FLAT_BLOCKS;
}

/// Per block of 16 output pixels and tap t, the lanes whose input lies inside the plane, in
/// `masks[block · taps + t]`; blocks past the plane up to a multiple of FLAT_GROUP get 0.
/// Returns the block count (a multiple of FLAT_GROUP).
static ptrdiff_t flat_masks(const CKDepthwisePlane *g, unsigned short *masks)
{
    const ptrdiff_t W = g->inWidth, H = g->inHeight, KH = g->kernelHeight, KW = g->kernelWidth;
    const ptrdiff_t pixels = g->outHeight * g->outWidth;
    const ptrdiff_t blocks = ((pixels + 15) / 16 + FLAT_GROUP - 1) / FLAT_GROUP * FLAT_GROUP;
    for (ptrdiff_t b = 0; b < blocks; b++) {
        // Lanes whose tap row ky, and whose tap column kx, lie inside the plane.
        unsigned rowInside[KMAX] = {0}, columnInside[KMAX] = {0};
        for (ptrdiff_t lane = 0; lane < 16 && 16 * b + lane < pixels; lane++) {
            const ptrdiff_t oy = (16 * b + lane) / W, ox = (16 * b + lane) % W;
            for (ptrdiff_t ky = 0; ky < KH; ky++) {
                const ptrdiff_t iy = oy + ky - g->padTop;
                if (iy >= 0 && iy < H) rowInside[ky] |= 1u << lane;
            }
            for (ptrdiff_t kx = 0; kx < KW; kx++) {
                const ptrdiff_t ix = ox + kx - g->padLeft;
                if (ix >= 0 && ix < W) columnInside[kx] |= 1u << lane;
            }
        }
        for (ptrdiff_t t = 0; t < KH * KW; t++) masks[b * KH * KW + t] = (unsigned short)(rowInside[t / KW] & columnInside[t % KW]);
    }
    return blocks;
}

CK_AVX512 CK_ALWAYS_INLINE void avx512_flat_planes(
    const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1, const ptrdiff_t KH, const ptrdiff_t KW)
{
    const CKDepthwisePlane *g = &layer->plane;
    const ptrdiff_t W = g->inWidth, taps = KH * KW;
    const ptrdiff_t inPlane = g->inHeight * W, outPlane = g->outHeight * g->outWidth;
    unsigned short masks[FLAT_BLOCKS * KMAX * KMAX];
    const ptrdiff_t blocks = flat_masks(g, masks);
    ptrdiff_t offsets[KMAX * KMAX];
    for (ptrdiff_t t = 0; t < taps; t++) offsets[t] = (t / KW - g->padTop) * W + (t % KW - g->padLeft);
    const __m512 lower = _mm512_set1_ps(g->lower), upper = _mm512_set1_ps(g->upper);
    for (ptrdiff_t i = plane0; i < plane1; i++) {
        const ptrdiff_t channel = i % layer->channels;
        const float *in = g->input + i * inPlane;
        float *out = g->output + i * outPlane;
        const float *residual = g->residual ? g->residual + i * outPlane : 0;
        const float *weights = g->weights + channel * taps;
        const __m512 bias = _mm512_set1_ps(layer->biases ? layer->biases[channel] : 0);
        for (ptrdiff_t b0 = 0; b0 < blocks; b0 += FLAT_GROUP) {
            __m512 acc[FLAT_GROUP];
            for (int j = 0; j < FLAT_GROUP; j++) acc[j] = bias;
            for (ptrdiff_t t = 0; t < taps; t++) {
                const __m512 w = _mm512_set1_ps(weights[t]);
                for (int j = 0; j < FLAT_GROUP; j++) {
                    const ptrdiff_t b = b0 + j;
                    const __m512 x = _mm512_maskz_loadu_ps((__mmask16)masks[b * taps + t], in + 16 * b + offsets[t]);
                    acc[j] = _mm512_fmadd_ps(x, w, acc[j]);
                }
            }
            for (int j = 0; j < FLAT_GROUP; j++) {
                const ptrdiff_t q0 = 16 * (b0 + j);
                const __mmask16 lanes = (__mmask16)bit_range(0, outPlane - q0);
                if (!lanes) break;
                __m512 v = acc[j];
                if (residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(lanes, residual + q0));
                v = _mm512_min_ps(upper, _mm512_max_ps(lower, v));
                _mm512_mask_storeu_ps(out + q0, lanes, v);
            }
        }
    }
}

CK_AVX512 static void avx512_flat_3x3(const CKDepthwiseLayer *l, ptrdiff_t p0, ptrdiff_t p1) { avx512_flat_planes(l, p0, p1, 3, 3); }
CK_AVX512 static void avx512_flat_5x5(const CKDepthwiseLayer *l, ptrdiff_t p0, ptrdiff_t p1) { avx512_flat_planes(l, p0, p1, 5, 5); }
CK_AVX512 static void avx512_flat_any(const CKDepthwiseLayer *l, ptrdiff_t p0, ptrdiff_t p1)
{
    avx512_flat_planes(l, p0, p1, l->plane.kernelHeight, l->plane.kernelWidth);
}

// ---- AVX-512, stride 2 onto rows of at most 8 outputs: two output rows per vector.
//
// Output rows oy and oy + 1 read input rows 2·oy + ky − padTop and two below it. One 16-float
// load from each, at the same column, holds both taps of a kernel column pair for 8 outputs
// (even lanes tap 2j, odd lanes tap 2j + 1); a two-source permute puts row oy's 8 in the low
// half and row oy + 1's in the high half. A 7×7 output (from 14×14) takes 4 vectors instead of
// 7 row vectors using 7 of 16 lanes.

static int row_pairs_suit(const CKDepthwisePlane *g) { return g->stride == 2 && g->outWidth <= 8; }

CK_AVX512 CK_ALWAYS_INLINE void avx512_pair_planes(
    const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1, const ptrdiff_t KH, const ptrdiff_t KW)
{
    const CKDepthwisePlane *g = &layer->plane;
    const ptrdiff_t W = g->inWidth, H = g->inHeight, OW = g->outWidth, OH = g->outHeight, taps = KH * KW;
    const ptrdiff_t inPlane = H * W, outPlane = OH * OW, pairs = (KW + 1) / 2;
    // Per column pair j: the lanes of the load at column 2j − padLeft that lie inside the row.
    unsigned short columns[(KMAX + 1) / 2];
    for (ptrdiff_t j = 0; j < pairs; j++) {
        const ptrdiff_t start = 2 * j - g->padLeft;
        columns[j] = (unsigned short)bit_range(-start, W - start);
    }
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const __mmask16 lowLanes = (__mmask16)bit_range(0, OW), highLanes = (__mmask16)(bit_range(0, OW) << 8);
    const __m512 lower = _mm512_set1_ps(g->lower), upper = _mm512_set1_ps(g->upper);
    for (ptrdiff_t i = plane0; i < plane1; i++) {
        const ptrdiff_t channel = i % layer->channels;
        const float *in = g->input + i * inPlane;
        float *out = g->output + i * outPlane;
        const float *residual = g->residual ? g->residual + i * outPlane : 0;
        const float *weights = g->weights + channel * taps;
        __m512 w[KMAX * KMAX];
        for (ptrdiff_t t = 0; t < taps; t++) w[t] = _mm512_set1_ps(weights[t]);
        const __m512 bias = _mm512_set1_ps(layer->biases ? layer->biases[channel] : 0);
        for (ptrdiff_t oy = 0; oy < OH; oy += 2) {
            const int second = oy + 1 < OH;
            __m512 acc = bias;
            for (ptrdiff_t ky = 0; ky < KH; ky++) {
                const ptrdiff_t r0 = 2 * oy + ky - g->padTop, r1 = r0 + 2;
                const int inside0 = r0 >= 0 && r0 < H, inside1 = second && r1 >= 0 && r1 < H;
                const float *row0 = in + (inside0 ? r0 : 0) * W, *row1 = in + (inside1 ? r1 : 0) * W;
                for (ptrdiff_t j = 0; j < pairs; j++) {
                    const ptrdiff_t column = 2 * j - g->padLeft;
                    const __m512 lo = _mm512_maskz_loadu_ps(inside0 ? columns[j] : 0, row0 + column);
                    const __m512 hi = _mm512_maskz_loadu_ps(inside1 ? columns[j] : 0, row1 + column);
                    acc = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo, evens, hi), w[ky * KW + 2 * j], acc);
                    if (2 * j + 1 < KW) acc = _mm512_fmadd_ps(_mm512_permutex2var_ps(lo, odds, hi), w[ky * KW + 2 * j + 1], acc);
                }
            }
            // Row oy from lanes 0..OW−1, row oy + 1 from lanes 8..8+OW−1 (stored 8 floats early).
            float *first = out + oy * OW, *next = out + (oy + 1) * OW - 8;
            const __mmask16 high = second ? highLanes : 0;
            if (residual) {
                __m512 r = _mm512_maskz_loadu_ps(lowLanes, residual + oy * OW);
                r = _mm512_mask_loadu_ps(r, high, residual + (oy + 1) * OW - 8);
                acc = _mm512_add_ps(acc, r);
            }
            acc = _mm512_min_ps(upper, _mm512_max_ps(lower, acc));
            _mm512_mask_storeu_ps(first, lowLanes, acc);
            _mm512_mask_storeu_ps(next, high, acc);
        }
    }
}

CK_AVX512 static void avx512_pairs_3x3(const CKDepthwiseLayer *l, ptrdiff_t p0, ptrdiff_t p1) { avx512_pair_planes(l, p0, p1, 3, 3); }
CK_AVX512 static void avx512_pairs_5x5(const CKDepthwiseLayer *l, ptrdiff_t p0, ptrdiff_t p1) { avx512_pair_planes(l, p0, p1, 5, 5); }
CK_AVX512 static void avx512_pairs_any(const CKDepthwiseLayer *l, ptrdiff_t p0, ptrdiff_t p1)
{
    avx512_pair_planes(l, p0, p1, l->plane.kernelHeight, l->plane.kernelWidth);
}

static void ck_avx512_depthwise_planes(const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1)
{
    const CKDepthwisePlane *g = &layer->plane;
    const int square3 = g->kernelHeight == 3 && g->kernelWidth == 3, square5 = g->kernelHeight == 5 && g->kernelWidth == 5;
    if (row_pairs_suit(g)) {
        (square3 ? avx512_pairs_3x3 : square5 ? avx512_pairs_5x5 : avx512_pairs_any)(layer, plane0, plane1);
    } else if (!flat_suits(g)) {
        planes_by_rows(ck_avx512_depthwise_rows, layer, plane0, plane1);
    } else if (g->kernelHeight == 3 && g->kernelWidth == 3) {
        avx512_flat_3x3(layer, plane0, plane1);
    } else if (g->kernelHeight == 5 && g->kernelWidth == 5) {
        avx512_flat_5x5(layer, plane0, plane1);
    } else {
        avx512_flat_any(layer, plane0, plane1);
    }
}

// ---- AVX2: 8 output pixels per vector.

// ---- AVX2 reads a zero-bordered copy of each input plane: every load plain.
//
// Masked loads (`vmaskmovps`) are microcoded on AMD Zen 1: reading 14×14 planes through them
// (every block of such a row touches the padding) ran at a quarter of the plain loads' speed,
// and 3×3 depthwise layers at 2.5–5× onnxruntime's time. So each plane is first copied into a
// scratch plane whose zero borders hold the padding and enough columns on the right for every
// block's farthest load; the borders are zeroed once per call and each plane writes only the
// interior. For stride 2 the copy also splits each row into its even columns followed by its
// odd ones, so tap kx of output column ox is column ox + kx/2 of one half: plain loads of 8
// useful floats, no lane shuffles.

/// The scratch plane: `height` rows of `pitch` floats; with stride 2 a row's even padded
/// columns are its first `half` floats, the odd ones the next `half`.
typedef struct PaddedPlane {
    ptrdiff_t height, pitch, half;
} PaddedPlane;

static PaddedPlane padded_plane(const CKDepthwisePlane *g)
{
    const ptrdiff_t S = g->stride, KW = g->kernelWidth;
    const ptrdiff_t lastBlock = 8 * ((g->outWidth + 7) / 8 - 1);
    PaddedPlane plane;
    plane.height = max_pd(g->padTop + g->inHeight, (g->outHeight - 1) * S + g->kernelHeight);
    if (S == 1) {
        plane.half = 0;
        plane.pitch = max_pd(g->padLeft + g->inWidth, lastBlock + KW - 1 + 8);
    } else {
        plane.half = max_pd((g->padLeft + g->inWidth + 1) / 2, lastBlock + (KW - 1) / 2 + 8);
        plane.pitch = 2 * plane.half;
    }
    return plane;
}

/// `count` floats from `from` to `to` with plain vector moves (the last one overlapping the one
/// before instead of masked), nothing written past `to + count`.
CK_AVX2 static inline void copy_floats(float *to, const float *from, ptrdiff_t count)
{
    if (count >= 8) {
        ptrdiff_t i = 0;
        for (; i + 8 <= count; i += 8) _mm256_storeu_ps(to + i, _mm256_loadu_ps(from + i));
        if (i < count) _mm256_storeu_ps(to + count - 8, _mm256_loadu_ps(from + count - 8));
    } else if (count >= 4) {
        _mm_storeu_ps(to, _mm_loadu_ps(from));
        _mm_storeu_ps(to + count - 4, _mm_loadu_ps(from + count - 4));
    } else {
        for (ptrdiff_t i = 0; i < count; i++) to[i] = from[i];
    }
}

/// `from[2k]` to `evens[k]` and `from[2k + 1]` to `odds[k]` for the `count` floats of `from`,
/// nothing written past them. 128-bit shuffles: single µops on every x86 core.
CK_AVX2 static inline void split_floats(float *evens, float *odds, const float *from, ptrdiff_t count)
{
    ptrdiff_t i = 0;
    if (count >= 8) {
        for (; i + 8 <= count; i += 8) {
            const __m128 a = _mm_loadu_ps(from + i), b = _mm_loadu_ps(from + i + 4);
            _mm_storeu_ps(evens + i / 2, _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
            _mm_storeu_ps(odds + i / 2, _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
        }
        if (i < count - 1) {
            // An even start keeps the halves' parity: the floats up to the last even count.
            const ptrdiff_t last = (count - 8) & ~(ptrdiff_t)1;
            const __m128 a = _mm_loadu_ps(from + last), b = _mm_loadu_ps(from + last + 4);
            _mm_storeu_ps(evens + last / 2, _mm_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)));
            _mm_storeu_ps(odds + last / 2, _mm_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
            i = last + 8;
        }
    }
    for (; i < count; i++) (i & 1 ? odds : evens)[i / 2] = from[i];
}

/// Plane `in` into the scratch plane's interior (its borders stay as they are: zero).
CK_AVX2 static void fill_padded(float *padded, const PaddedPlane *plane, const CKDepthwisePlane *g, const float *in)
{
    const ptrdiff_t W = g->inWidth, left = g->padLeft;
    for (ptrdiff_t y = 0; y < g->inHeight; y++) {
        float *row = padded + (g->padTop + y) * plane->pitch;
        const float *from = in + y * W;
        if (g->stride == 1) {
            copy_floats(row + left, from, W);
        } else {
            // Padded column left + x: even columns to the first half, odd ones to the second.
            float *evens = row, *odds = row + plane->half;
            if (left % 2 == 0) split_floats(evens + left / 2, odds + left / 2, from, W);
            else split_floats(odds + (left - 1) / 2, evens + (left + 1) / 2, from, W);
        }
    }
}

/// Output rows [oy, oy + R) of one plane from its scratch copy into `sums` (the plane's outputs
/// before the residual and the clamp, rows of OW floats), `blocks` blocks of 8 columns. Row r
/// of the R rows' input (r < (R − 1)·S + KH) is scratch row oy·S + r.
///
/// Every store is a plain 8-float one: a row's partial last block writes past the row's end
/// into the next rows' first columns, which are stored later (blocks go right to left, rows
/// top to bottom), and past the last row into `sums`' 8 spare floats. Masked stores are
/// microcoded on AMD Zen 1–3.
CK_AVX2 CK_ALWAYS_INLINE void padded_band(
    const float *padded, const PaddedPlane *plane, ptrdiff_t OW, float bias, float *sums, ptrdiff_t oy, const int R,
    const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S, const __m256 *w, ptrdiff_t blocks)
{
    const ptrdiff_t inputRows = (R - 1) * S + KH;
    const float *first = padded + oy * S * plane->pitch;
    const __m256 start = _mm256_set1_ps(bias);
    for (ptrdiff_t b = blocks - 1; b >= 0; b--) {
        const ptrdiff_t ox0 = 8 * b;
        __m256 acc[4] = {start, start, start, start};
        for (ptrdiff_t r = 0; r < inputRows; r++) {
            const float *row = first + r * plane->pitch + ox0;
            for (ptrdiff_t kx = 0; kx < KW; kx++) {
                const __m256 x = _mm256_loadu_ps(row + (S == 1 ? kx : (kx & 1) * plane->half + kx / 2));
                for (int o = 0; o < R; o++) {
                    const ptrdiff_t ky = r - o * S;
                    if (ky >= 0 && ky < KH) acc[o] = _mm256_fmadd_ps(x, w[ky * KW + kx], acc[o]);
                }
            }
        }
        for (int o = 0; o < R; o++) _mm256_storeu_ps(sums + (oy + o) * OW + ox0, acc[o]);
    }
}

/// `out[i] = clamp(sums[i] + residual[i])` for i < count (`residual` may be NULL or alias
/// `out`), plain stores only: the last, overlapping vector's residual is read before anything
/// is stored.
CK_AVX2 static inline void finish_outputs(
    const float *sums, const float *residual, float *out, ptrdiff_t count, float lowerBound, float upperBound)
{
    const __m256 lower = _mm256_set1_ps(lowerBound), upper = _mm256_set1_ps(upperBound);
    if (count < 8) {
        for (ptrdiff_t i = 0; i < count; i++) {
            float v = sums[i] + (residual ? residual[i] : 0);
            out[i] = v < lowerBound ? lowerBound : v > upperBound ? upperBound : v;
        }
        return;
    }
    const __m256 lastResidual = residual ? _mm256_loadu_ps(residual + count - 8) : _mm256_setzero_ps();
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 v = _mm256_loadu_ps(sums + i);
        if (residual) v = _mm256_add_ps(v, _mm256_loadu_ps(residual + i));
        // max(lower, x) / min(upper, x) return x when x is NaN.
        _mm256_storeu_ps(out + i, _mm256_min_ps(upper, _mm256_max_ps(lower, v)));
    }
    if (i < count) {
        __m256 v = _mm256_add_ps(_mm256_loadu_ps(sums + count - 8), lastResidual);
        _mm256_storeu_ps(out + count - 8, _mm256_min_ps(upper, _mm256_max_ps(lower, v)));
    }
}

/// Output rows [row0, row1) of one plane from its scratch copy, in bands of BAND_ROWS rows
/// (4 accumulator chains, each scratch row loaded once for up to 4 output rows), then 2, 1;
/// then the residual and the clamp in one pass.
CK_AVX2 CK_ALWAYS_INLINE void padded_rows(
    const float *padded, const PaddedPlane *plane, float *sums, const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1,
    const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S)
{
    __m256 w[KMAX * KMAX];
    for (ptrdiff_t t = 0; t < KH * KW; t++) w[t] = _mm256_set1_ps(p->weights[t]);
    const ptrdiff_t OW = p->outWidth, blocks = (OW + 7) / 8;
    ptrdiff_t oy = row0;
    for (; oy + BAND_ROWS <= row1; oy += BAND_ROWS) padded_band(padded, plane, OW, p->bias, sums, oy, BAND_ROWS, KH, KW, S, w, blocks);
    if (oy + 2 <= row1) {
        padded_band(padded, plane, OW, p->bias, sums, oy, 2, KH, KW, S, w, blocks);
        oy += 2;
    }
    if (oy < row1) padded_band(padded, plane, OW, p->bias, sums, oy, 1, KH, KW, S, w, blocks);
    const ptrdiff_t offset = row0 * OW;
    finish_outputs(sums + offset, p->residual ? p->residual + offset : NULL, p->output + offset, (row1 - row0) * OW,
                   p->lower, p->upper);
}

typedef void (*PaddedRows)(const float *, const PaddedPlane *, float *, const CKDepthwisePlane *, ptrdiff_t, ptrdiff_t);

#define CK_PADDED_ROWS(name, KH, KW, S)                                                                   \
    CK_AVX2 static void name(                                                                             \
        const float *x, const PaddedPlane *g, float *sums, const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) \
    {                                                                                                     \
        padded_rows(x, g, sums, p, r0, r1, KH, KW, S);                                                     \
    }
CK_PADDED_ROWS(padded_3x3_s1, 3, 3, 1)
CK_PADDED_ROWS(padded_3x3_s2, 3, 3, 2)
CK_PADDED_ROWS(padded_5x5_s1, 5, 5, 1)
CK_PADDED_ROWS(padded_5x5_s2, 5, 5, 2)
CK_PADDED_ROWS(padded_any_s1, p->kernelHeight, p->kernelWidth, 1)
CK_PADDED_ROWS(padded_any_s2, p->kernelHeight, p->kernelWidth, 2)

/// The compiled form for the layer's kernel size and stride.
static PaddedRows padded_rows_for(const CKDepthwisePlane *g)
{
    const int s2 = g->stride == 2;
    if (g->kernelHeight == 3 && g->kernelWidth == 3) return s2 ? padded_3x3_s2 : padded_3x3_s1;
    if (g->kernelHeight == 5 && g->kernelWidth == 5) return s2 ? padded_5x5_s2 : padded_5x5_s1;
    return s2 ? padded_any_s2 : padded_any_s1;
}

/// The most floats the AVX2 scratch may take (64 MB): planes beyond it (over 2800 × 2800 at
/// stride 1) run the portable form rather than allocate that much outside the runtime's memory
/// budget.
enum { SCRATCH_MAX_FLOATS = 16 << 20 };

/// Scratch for one plane: the zero-bordered input copy (zeroed) followed by the output sums
/// (one plane and 8 spare floats); NULL when out of memory or over SCRATCH_MAX_FLOATS.
static float *new_scratch(const CKDepthwisePlane *g, const PaddedPlane *plane, float **sums)
{
    const size_t inputFloats = ((size_t)(plane->height * plane->pitch) + 15) / 16 * 16;
    const size_t floats = inputFloats + (size_t)(g->outHeight * g->outWidth) + 8;
    if (floats > SCRATCH_MAX_FLOATS) return NULL;
    const size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;
    float *padded = aligned_alloc(64, bytes);
    if (!padded) return NULL;
    memset(padded, 0, inputFloats * sizeof(float));
    *sums = padded + inputFloats;
    return padded;
}

static void ck_avx2_depthwise_rows(const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1)
{
    const PaddedPlane plane = padded_plane(p);
    float *sums;
    float *padded = new_scratch(p, &plane, &sums);
    if (!padded) {
        // Out of memory, or a plane too large for the scratch: the portable form.
        ck_portable_depthwise_rows(p, row0, row1);
        return;
    }
    fill_padded(padded, &plane, p, p->input);
    padded_rows_for(p)(padded, &plane, sums, p, row0, row1);
    free(padded);
}

static void ck_avx2_depthwise_planes(const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1)
{
    const CKDepthwisePlane *g = &layer->plane;
    const PaddedPlane plane = padded_plane(g);
    float *sums;
    float *padded = new_scratch(g, &plane, &sums);
    if (!padded) {
        // Out of memory, or a plane too large for the scratch: the portable form.
        ck_portable_depthwise_planes(layer, plane0, plane1);
        return;
    }
    const PaddedRows rows = padded_rows_for(g);
    for (ptrdiff_t i = plane0; i < plane1; i++) {
        const CKDepthwisePlane p = plane_at(layer, i);
        fill_padded(padded, &plane, &p, p.input);
        rows(padded, &plane, sums, &p, 0, p.outHeight);
    }
    free(padded);
}
#endif

// ---- The variant table.

typedef struct DepthwiseVariant {
    const char *name;
    CKDepthwiseRows rows;
    CKDepthwisePlanes planes;
    /// ck_x86_level() needed (0: any CPU).
    int level;
} DepthwiseVariant;

static const DepthwiseVariant depthwiseVariants[] = {
#if CK_X86
    {"avx512", ck_avx512_depthwise_rows, ck_avx512_depthwise_planes, 2},
    {"avx2", ck_avx2_depthwise_rows, ck_avx2_depthwise_planes, 1},
#endif
    {"portable", ck_portable_depthwise_rows, ck_portable_depthwise_planes, 0},
};

int ck_depthwise_count(void) { return (int)(sizeof depthwiseVariants / sizeof depthwiseVariants[0]); }

const char *ck_depthwise_name(int index)
{
    return index >= 0 && index < ck_depthwise_count() ? depthwiseVariants[index].name : 0;
}

CKDepthwiseRows ck_depthwise_at(int index)
{
    return index >= 0 && index < ck_depthwise_count() ? depthwiseVariants[index].rows : 0;
}

CKDepthwisePlanes ck_depthwise_planes_at(int index)
{
    return index >= 0 && index < ck_depthwise_count() ? depthwiseVariants[index].planes : 0;
}

int ck_depthwise_supported(int index)
{
    if (index < 0 || index >= ck_depthwise_count()) return 0;
#if CK_X86
    return ck_x86_level() >= depthwiseVariants[index].level;
#else
    return 1;
#endif
}
