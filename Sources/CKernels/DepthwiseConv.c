// Direct depthwise convolution, one channel plane at a time, vectorized along output rows
// (16 pixels per AVX-512 vector, 8 per AVX2 vector). No zero-bordered copy of the plane is
// made: taps that fall outside the input are masked loads (masked-off lanes neither read
// memory nor fault), so a plane is read straight from the tensor and written once. Stride 2
// loads two vectors of consecutive input columns and keeps the even ones (a lane permute).
// 3×3 and 5×5 are compiled with constant sizes (weights in registers, taps unrolled); other
// sizes up to 7×7 take the same code with run-time sizes.
#include "MicroKernelVariants.h"

enum { KMAX = CK_DEPTHWISE_MAX_KERNEL };

static inline ptrdiff_t min_pd(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

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

/// Planes [plane0, plane1) of `layer`, each through `rows` over all its output rows.
static inline void planes_by_rows(CKDepthwiseRows rows, const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1)
{
    const CKDepthwisePlane *g = &layer->plane;
    const ptrdiff_t inPlane = g->inHeight * g->inWidth, outPlane = g->outHeight * g->outWidth;
    const ptrdiff_t taps = g->kernelHeight * g->kernelWidth;
    for (ptrdiff_t i = plane0; i < plane1; i++) {
        const ptrdiff_t channel = i % layer->channels;
        CKDepthwisePlane p = *g;
        p.input = g->input + i * inPlane;
        p.output = g->output + i * outPlane;
        p.residual = g->residual ? g->residual + i * outPlane : 0;
        p.weights = g->weights + channel * taps;
        p.bias = layer->biases ? layer->biases[channel] : 0;
        rows(&p, 0, g->outHeight);
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

// ---- AVX2: 8 output pixels per vector, two output rows at a time.

/// Lanes i of 8 with lo <= i < hi, as a maskload / maskstore mask.
CK_AVX2 CK_ALWAYS_INLINE __m256i lane_mask(ptrdiff_t lo, ptrdiff_t hi)
{
    if (lo < -1) lo = -1;
    if (hi > 9) hi = 9;
    if (hi < -1) hi = -1;
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i atLeastLo = _mm256_cmpgt_epi32(index, _mm256_set1_epi32((int)lo - 1));
    __m256i belowHi = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), index);
    return _mm256_and_si256(atLeastLo, belowHi);
}

enum { AVX2_BLOCKS = 32 };

/// One block of 8 output columns from `ox0` over R output rows of `avx2_band`. `masked`
/// (a constant at each call, so the plain form has no per-load branch): loads through the
/// block's column masks (`m`) and the rows' `inside` masks; otherwise every load lies inside
/// the row and the rows inside the plane.
CK_AVX2 CK_ALWAYS_INLINE void avx2_block(
    const CKDepthwisePlane *p, ptrdiff_t oy, const int R, const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S,
    const int checkRows, const int masked, const __m256 *w, const float *const *rows, const __m256i *inside,
    ptrdiff_t ox0, const __m256i *m)
{
    const ptrdiff_t OW = p->outWidth;
    const ptrdiff_t inputRows = (R - 1) * S + KH;
    const ptrdiff_t ix0 = ox0 * S - p->padLeft;
    const __m256 bias = _mm256_set1_ps(p->bias);
    __m256 acc[2] = {bias, bias};
    for (ptrdiff_t r = 0; r < inputRows; r++) {
        const float *row = rows[r] + ix0;
        for (ptrdiff_t kx = 0; kx < KW; kx++) {
            __m256 x;
            if (S == 1) {
                if (masked) {
                    __m256i mask = m[kx];
                    if (checkRows) mask = _mm256_and_si256(mask, inside[r]);
                    x = _mm256_maskload_ps(row + kx, mask);
                } else {
                    x = _mm256_loadu_ps(row + kx);
                }
            } else {
                if (kx & 1) continue;
                __m256 lo, hi;
                if (masked) {
                    __m256i lowMask = m[kx], highMask = m[kx + 1];
                    if (checkRows) {
                        lowMask = _mm256_and_si256(lowMask, inside[r]);
                        highMask = _mm256_and_si256(highMask, inside[r]);
                    }
                    lo = _mm256_maskload_ps(row + kx, lowMask);
                    hi = _mm256_maskload_ps(row + kx + 8, highMask);
                } else {
                    lo = _mm256_loadu_ps(row + kx);
                    hi = _mm256_loadu_ps(row + kx + 8);
                }
                // Per 128-bit lane: lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6 (odd: 1 3), then the
                // 64-bit pairs reordered.
                __m256 evens = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
                x = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(evens), _MM_SHUFFLE(3, 1, 2, 0)));
                if (kx + 1 < KW) {
                    __m256 odds = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
                    __m256 y = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(odds), _MM_SHUFFLE(3, 1, 2, 0)));
                    for (int o = 0; o < R; o++) {
                        ptrdiff_t ky = r - o * S;
                        if (ky >= 0 && ky < KH) acc[o] = _mm256_fmadd_ps(y, w[ky * KW + kx + 1], acc[o]);
                    }
                }
            }
            for (int o = 0; o < R; o++) {
                ptrdiff_t ky = r - o * S;
                if (ky >= 0 && ky < KH) acc[o] = _mm256_fmadd_ps(x, w[ky * KW + kx], acc[o]);
            }
        }
    }
    // Whole blocks store plainly: a masked store is microcoded on AMD Zen 2/3 (several times an
    // FMA's cost), and was most of a block's time there.
    const __m256 lower = _mm256_set1_ps(p->lower), upper = _mm256_set1_ps(p->upper);
    const int whole = ox0 + 8 <= OW;
    const __m256i lanes = lane_mask(0, OW - ox0);
    for (int o = 0; o < R; o++) {
        float *out = p->output + (oy + o) * OW + ox0;
        const float *residual = p->residual ? p->residual + (out - p->output) : NULL;
        __m256 v = acc[o];
        if (whole) {
            if (residual) v = _mm256_add_ps(v, _mm256_loadu_ps(residual));
            _mm256_storeu_ps(out, _mm256_min_ps(upper, _mm256_max_ps(lower, v)));
        } else {
            if (residual) v = _mm256_add_ps(v, _mm256_maskload_ps(residual, lanes));
            _mm256_maskstore_ps(out, lanes, _mm256_min_ps(upper, _mm256_max_ps(lower, v)));
        }
    }
}

/// The AVX2 form of `avx512_band`: 8 pixels per vector, masks as lane vectors (`columns`: per
/// block, KW masks for S = 1, or a low and a high mask per load pair for S = 2). Blocks whose
/// every load lies inside the row (with the rows inside the plane) take the unmasked form.
CK_AVX2 CK_ALWAYS_INLINE void avx2_band(
    const CKDepthwisePlane *p, ptrdiff_t oy, const int R, const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S,
    const int checkRows, const __m256 *w, ptrdiff_t firstColumn, ptrdiff_t blocks, const __m256i *columns)
{
    const ptrdiff_t W = p->inWidth;
    const ptrdiff_t inputRows = (R - 1) * S + KH;
    const ptrdiff_t masksPerBlock = S == 1 ? KW : 2 * ((KW + 1) / 2);
    const float *rows[2 * KMAX + 1];
    __m256i inside[2 * KMAX + 1];
    for (ptrdiff_t r = 0; r < inputRows; r++) {
        ptrdiff_t iy = oy * S - p->padTop + r;
        int valid = iy >= 0 && iy < p->inHeight;
        rows[r] = p->input + (valid ? iy : 0) * W;
        inside[r] = _mm256_set1_epi32(valid ? -1 : 0);
    }
    // The farthest float a block's loads reach past its first input column.
    const ptrdiff_t reach = S == 1 ? KW - 1 + 8 : 2 * ((KW - 1) / 2) + 16;
    for (ptrdiff_t b = 0; b < blocks; b++) {
        const ptrdiff_t ox0 = firstColumn + 8 * b;
        const ptrdiff_t ix0 = ox0 * S - p->padLeft;
        const __m256i *m = columns + b * masksPerBlock;
        if (!checkRows && ix0 >= 0 && ix0 + reach <= W) {
            avx2_block(p, oy, R, KH, KW, S, 0, 0, w, rows, inside, ox0, m);
        } else {
            avx2_block(p, oy, R, KH, KW, S, checkRows, 1, w, rows, inside, ox0, m);
        }
    }
}

CK_AVX2 CK_ALWAYS_INLINE void avx2_rows(
    const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1, const ptrdiff_t KH, const ptrdiff_t KW, const ptrdiff_t S)
{
    const ptrdiff_t W = p->inWidth, OW = p->outWidth, H = p->inHeight;
    __m256 w[KMAX * KMAX];
    for (ptrdiff_t t = 0; t < KH * KW; t++) w[t] = _mm256_set1_ps(p->weights[t]);
    const ptrdiff_t masksPerBlock = S == 1 ? KW : 2 * ((KW + 1) / 2);
    __m256i columns[AVX2_BLOCKS * (KMAX + 1)];
    for (ptrdiff_t firstColumn = 0; firstColumn < OW; firstColumn += 8 * AVX2_BLOCKS) {
        const ptrdiff_t blocks = min_pd(AVX2_BLOCKS, (OW - firstColumn + 7) / 8);
        for (ptrdiff_t b = 0; b < blocks; b++) {
            const ptrdiff_t ix0 = (firstColumn + 8 * b) * S - p->padLeft;
            if (S == 1) {
                for (ptrdiff_t kx = 0; kx < KW; kx++) {
                    const ptrdiff_t start = ix0 + kx;
                    columns[b * masksPerBlock + kx] = lane_mask(-start, W - start);
                }
            } else {
                for (ptrdiff_t j = 0; j < masksPerBlock / 2; j++) {
                    const ptrdiff_t start = ix0 + 2 * j;
                    columns[b * masksPerBlock + 2 * j] = lane_mask(-start, W - start);
                    columns[b * masksPerBlock + 2 * j + 1] = lane_mask(-start - 8, W - start - 8);
                }
            }
        }
        for (ptrdiff_t oy = row0; oy < row1; oy += 2) {
            const int pair = oy + 1 < row1;
            const ptrdiff_t top = oy * S - p->padTop, bottom = (oy + pair) * S - p->padTop + KH;
            const int rowsInside = top >= 0 && bottom <= H;
            if (pair) {
                if (rowsInside) avx2_band(p, oy, 2, KH, KW, S, 0, w, firstColumn, blocks, columns);
                else avx2_band(p, oy, 2, KH, KW, S, 1, w, firstColumn, blocks, columns);
            } else {
                avx2_band(p, oy, 1, KH, KW, S, 1, w, firstColumn, blocks, columns);
            }
        }
    }
}

CK_AVX2 static void avx2_3x3_s1(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) { avx2_rows(p, r0, r1, 3, 3, 1); }
CK_AVX2 static void avx2_3x3_s2(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1) { avx2_rows(p, r0, r1, 3, 3, 2); }
CK_AVX2 static void avx2_any_s1(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1)
{
    avx2_rows(p, r0, r1, p->kernelHeight, p->kernelWidth, 1);
}
CK_AVX2 static void avx2_any_s2(const CKDepthwisePlane *p, ptrdiff_t r0, ptrdiff_t r1)
{
    avx2_rows(p, r0, r1, p->kernelHeight, p->kernelWidth, 2);
}

static void ck_avx2_depthwise_rows(const CKDepthwisePlane *p, ptrdiff_t row0, ptrdiff_t row1)
{
    const int s2 = p->stride == 2;
    if (p->kernelHeight == 3 && p->kernelWidth == 3) {
        (s2 ? avx2_3x3_s2 : avx2_3x3_s1)(p, row0, row1);
    } else {
        (s2 ? avx2_any_s2 : avx2_any_s1)(p, row0, row1);
    }
}

static void ck_avx2_depthwise_planes(const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1)
{
    planes_by_rows(ck_avx2_depthwise_rows, layer, plane0, plane1);
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
