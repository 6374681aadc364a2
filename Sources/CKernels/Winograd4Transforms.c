// Winograd F(4×4, 3×3) transforms (see WinogradConv3x3.swift), interpolation points 0, ±1, ±2
// and ∞ (Lavin & Gray 2016): one body written with 8-lane vector extensions, compiled for
// AVX2 + FMA (used by the AVX-512 and AVX2 variants) and for the build's baseline (portable).
//
//      Bᵀ = [4  0 -5  0 1 0]      Aᵀ = [1 1  1 1  1 0]
//           [0 -4 -4  1 1 0]           [0 1 -1 2 -2 0]
//           [0  4 -4 -1 1 0]           [0 1  1 4  4 0]
//           [0 -2 -1  2 1 0]           [0 1 -1 8 -8 1]
//           [0  2 -1 -2 1 0]
//           [0  4  0 -5 0 1]
#include "MicroKernelVariants.h"
#include "WinogradVectors.h"

/// out = Bᵀ d for one column of six (a macro: vectors stay out of function signatures).
#define INPUT_1D(d0, d1, d2, d3, d4, d5, out0, out1, out2, out3, out4, out5) \
    do {                                                                     \
        v8 a_ = (d4) - 4.0f * (d2), b_ = (d3) - 4.0f * (d1);                 \
        v8 c_ = (d4) - (d2), e_ = 2.0f * ((d3) - (d1));                      \
        (out0) = 4.0f * (d0) - 5.0f * (d2) + (d4);                           \
        (out1) = a_ + b_;                                                    \
        (out2) = a_ - b_;                                                    \
        (out3) = c_ + e_;                                                    \
        (out4) = c_ - e_;                                                    \
        (out5) = 4.0f * (d1) - 5.0f * (d3) + (d5);                           \
    } while (0)

/// out = Aᵀ m for one column of six.
#define OUTPUT_1D(m0, m1, m2, m3, m4, m5, out0, out1, out2, out3)           \
    do {                                                                     \
        v8 s12_ = (m1) + (m2), d12_ = (m1) - (m2);                           \
        v8 s34_ = (m3) + (m4), d34_ = (m3) - (m4);                           \
        (out0) = (m0) + s12_ + s34_;                                         \
        (out1) = d12_ + 2.0f * d34_;                                         \
        (out2) = s12_ + 4.0f * s34_;                                         \
        (out3) = d12_ + 8.0f * d34_ + (m5);                                  \
    } while (0)

CK_INLINE void input4_body(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride)
{
    ptrdiff_t rowFloats = 4 * phaseWidth;
    for (ptrdiff_t ty = tileRow0; ty < tileRow1; ty++) {
        const float *top = padded + 4 * ty * rowFloats;
        for (ptrdiff_t tx = 0; tx < tileColumns; tx += 8) {
            // Column j of the 8 tiles' 6×6 inputs is phase j mod 4, one tile on for j ≥ 4.
            // Rows first: t = Bᵀ d (t[i * 6 + j]: row i, column j).
            v8 t[36];
            for (int j = 0; j < 6; j++) {
                const float *column = top + (j & 3) * phaseWidth + tx + (j >> 2);
                v8 d0 = load8(column), d1 = load8(column + rowFloats), d2 = load8(column + 2 * rowFloats);
                v8 d3 = load8(column + 3 * rowFloats), d4 = load8(column + 4 * rowFloats);
                v8 d5 = load8(column + 5 * rowFloats);
                INPUT_1D(d0, d1, d2, d3, d4, d5, t[j], t[6 + j], t[12 + j], t[18 + j], t[24 + j], t[30 + j]);
            }
            ptrdiff_t count = tileColumns - tx < 8 ? tileColumns - tx : 8;
            float *dst = v + (ty - tileRow0) * tileColumns + tx;
            // Lanes past the row's end land on the next tile rows' first tiles, written after
            // this; only stores reaching past the block's last tile go lane by lane.
            int wholeVector = count == 8 || (ty - tileRow0) * tileColumns + tx + 8 <= (tileRow1 - tileRow0) * tileColumns;
            // Then columns: V = t B, row i giving ξ = 6i … 6i + 5.
            for (int i = 0; i < 6; i++) {
                const v8 *row = t + 6 * i;
                v8 values[6];
                INPUT_1D(row[0], row[1], row[2], row[3], row[4], row[5],
                    values[0], values[1], values[2], values[3], values[4], values[5]);
                for (int q = 0; q < 6; q++) {
                    float *out = dst + (6 * i + q) * xiStride;
                    if (wholeVector) {
                        store8(out, values[q]);
                    } else {
                        for (ptrdiff_t lane = 0; lane < count; lane++) out[lane] = values[q][lane];
                    }
                }
            }
        }
    }
}

/// The first `count` (≤ 16 stored) of 16 consecutive outputs: + residual, clamped, stored.
/// A macro: vectors stay out of function signatures.
#define store_outputs(x, out, res, count, lower, upper)                                \
    do {                                                                             \
        v16 y_ = (x);                                                                \
        if ((count) >= 16) {                                                         \
            if (res) y_ += load16(res);                                              \
            CLAMP16(y_, lower, upper);                                               \
            store16(out, y_);                                                        \
        } else {                                                                     \
            for (ptrdiff_t k_ = 0; k_ < (count); k_++) {                             \
                float z_ = y_[k_];                                                   \
                if (res) z_ += (res)[k_];                                            \
                (out)[k_] = clamp1(z_, lower, upper);                                \
            }                                                                        \
        }                                                                            \
    } while (0)

CK_INLINE void output4_body(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper)
{
    for (ptrdiff_t ty = tileRow0; ty < tileRow1; ty++) {
        for (ptrdiff_t tx = 0; tx < tileColumns; tx += 8) {
            ptrdiff_t count = tileColumns - tx < 8 ? tileColumns - tx : 8;
            const float *src = products + (ty - tileRow0) * tileColumns + tx;
            // Rows first: h = Aᵀ M (h[r * 6 + j]: output row r, column j of M).
            v8 h[24];
            for (int j = 0; j < 6; j++) {
                v8 m[6];
                // Lanes past `count` read whatever follows (the caller leaves 8 floats of
                // slack past the last ξ); their outputs are dropped.
                for (int q = 0; q < 6; q++) m[q] = load8(src + (6 * q + j) * xiStride);
                OUTPUT_1D(m[0], m[1], m[2], m[3], m[4], m[5], h[j], h[6 + j], h[12 + j], h[18 + j]);
            }
            // Outputs of this tile row left in the map, from column 4·tx: 4 per tile.
            ptrdiff_t width = ow - 4 * tx < 4 * count ? ow - 4 * tx : 4 * count;
            for (int r = 0; r < 4; r++) {
                ptrdiff_t oy = 4 * ty + r;
                if (oy >= oh) break;
                const v8 *row = h + 6 * r;
                v8 o0, o1, o2, o3;
                OUTPUT_1D(row[0], row[1], row[2], row[3], row[4], row[5], o0, o1, o2, o3);
                // The four output columns of 8 tiles interleaved: 32 consecutive outputs.
                v16 p01 = __builtin_shufflevector(o0, o1, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
                v16 p23 = __builtin_shufflevector(o2, o3, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
                v16 x0 = __builtin_shufflevector(p01, p23, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23);
                v16 x1 = __builtin_shufflevector(p01, p23, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31);
                x0 += bias;
                x1 += bias;
                float *out = output + oy * ow + 4 * tx;
                const float *res = residual ? residual + oy * ow + 4 * tx : 0;
                store_outputs(x0, out, res, width, lower, upper);
                if (width > 16) store_outputs(x1, out + 16, res ? res + 16 : 0, width - 16, lower, upper);
            }
        }
    }
}

/// Row `line` (4 · phaseWidth floats readable) as its four column phases:
/// `phases[p * phaseWidth + i] = line[4 i + p]`.
CK_INLINE void split4_body(const float *line, ptrdiff_t phaseWidth, float *phases)
{
    ptrdiff_t i = 0;
    for (; i + 8 <= phaseWidth; i += 8) {
        v16 a = load16(line + 4 * i), b = load16(line + 4 * i + 16);
        v16 even = __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        v16 odd = __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        store8(phases + i, __builtin_shufflevector(even, even, 0, 2, 4, 6, 8, 10, 12, 14));
        store8(phases + 2 * phaseWidth + i, __builtin_shufflevector(even, even, 1, 3, 5, 7, 9, 11, 13, 15));
        store8(phases + phaseWidth + i, __builtin_shufflevector(odd, odd, 0, 2, 4, 6, 8, 10, 12, 14));
        store8(phases + 3 * phaseWidth + i, __builtin_shufflevector(odd, odd, 1, 3, 5, 7, 9, 11, 13, 15));
    }
    for (; i < phaseWidth; i++) {
        for (int p = 0; p < 4; p++) phases[p * phaseWidth + i] = line[4 * i + p];
    }
}

#if CK_X86
__attribute__((target("avx2,fma"))) void ck_avx2_winograd4_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride)
{
    input4_body(padded, phaseWidth, tileRow0, tileRow1, tileColumns, v, xiStride);
}

__attribute__((target("avx2,fma"))) void ck_avx2_winograd4_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper)
{
    output4_body(products, xiStride, tileRow0, tileRow1, tileColumns, bias, output, residual, oh, ow, lower, upper);
}

__attribute__((target("avx2,fma"))) void ck_avx2_winograd4_split(const float *line, ptrdiff_t phaseWidth, float *phases)
{
    split4_body(line, phaseWidth, phases);
}
#endif

void ck_portable_winograd4_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride)
{
    input4_body(padded, phaseWidth, tileRow0, tileRow1, tileColumns, v, xiStride);
}

void ck_portable_winograd4_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper)
{
    output4_body(products, xiStride, tileRow0, tileRow1, tileColumns, bias, output, residual, oh, ow, lower, upper);
}

void ck_portable_winograd4_split(const float *line, ptrdiff_t phaseWidth, float *phases)
{
    split4_body(line, phaseWidth, phases);
}
