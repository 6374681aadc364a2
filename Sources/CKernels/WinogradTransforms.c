// Winograd F(2×2, 3×3) transforms (see WinogradConv3x3.swift): one body written with 8-lane
// vector extensions, compiled three times: for AVX-512 (the AVX-512 variant: 32 vector
// registers and the 16-output stores as one zmm; Inception's 32 → 32 / 32 → 64 stem layers
// 5.93 / 9.80 → 5.46 / 8.80 ms, `kernel-bench` medians, one Zen 4 core), for AVX2 + FMA (the
// AVX2 variant) and for the build's baseline (the portable variant).
#include "MicroKernelVariants.h"
#include "WinogradVectors.h"

CK_INLINE void input_body(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride)
{
    ptrdiff_t rowFloats = 2 * phaseWidth;
    for (ptrdiff_t ty = tileRow0; ty < tileRow1; ty++) {
        const float *top = padded + 2 * ty * rowFloats;
        for (ptrdiff_t tx = 0; tx < tileColumns; tx += 8) {
            // Column j of the tiles' 4×4 inputs: even/odd phase, one tile on for j ≥ 2.
            // Rows first: t = Bᵀ d, Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1].
            v8 t[16];
            for (int j = 0; j < 4; j++) {
                const float *column = top + (j & 1) * phaseWidth + tx + (j >> 1);
                v8 d0 = load8(column), d1 = load8(column + rowFloats);
                v8 d2 = load8(column + 2 * rowFloats), d3 = load8(column + 3 * rowFloats);
                t[j] = d0 - d2;
                t[4 + j] = d1 + d2;
                t[8 + j] = d2 - d1;
                t[12 + j] = d1 - d3;
            }
            ptrdiff_t count = tileColumns - tx < 8 ? tileColumns - tx : 8;
            float *dst = v + (ty - tileRow0) * tileColumns + tx;
            // Then columns: V = t B.
            for (int i = 0; i < 4; i++) {
                v8 t0 = t[i * 4], t1 = t[i * 4 + 1], t2 = t[i * 4 + 2], t3 = t[i * 4 + 3];
                v8 values[4] = {t0 - t2, t1 + t2, t2 - t1, t1 - t3};
                for (int q = 0; q < 4; q++) {
                    float *out = dst + (i * 4 + q) * xiStride;
                    if (count == 8) {
                        store8(out, values[q]);
                    } else {
                        for (ptrdiff_t lane = 0; lane < count; lane++) out[lane] = values[q][lane];
                    }
                }
            }
        }
    }
}

CK_INLINE void output_body(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper)
{
    for (ptrdiff_t ty = tileRow0; ty < tileRow1; ty++) {
        for (ptrdiff_t tx = 0; tx < tileColumns; tx += 8) {
            ptrdiff_t count = tileColumns - tx < 8 ? tileColumns - tx : 8;
            const float *src = products + (ty - tileRow0) * tileColumns + tx;
            // Aᵀ M, Aᵀ = [1 1 1 0; 0 1 -1 -1]: two rows of four.
            v8 half[8];
            for (int j = 0; j < 4; j++) {
                v8 m[4];
                for (int q = 0; q < 4; q++) {
                    const float *p = src + (4 * q + j) * xiStride;
                    if (count == 8) {
                        m[q] = load8(p);
                    } else {
                        m[q] = (v8){0};
                        for (ptrdiff_t lane = 0; lane < count; lane++) m[q][lane] = p[lane];
                    }
                }
                half[j] = m[0] + m[1] + m[2];
                half[4 + j] = m[1] - m[2] - m[3];
            }
            for (int r = 0; r < 2; r++) {
                ptrdiff_t oy = 2 * ty + r;
                if (oy >= oh) continue;
                v8 s0 = half[r * 4], s1 = half[r * 4 + 1], s2 = half[r * 4 + 2], s3 = half[r * 4 + 3];
                v8 left = s0 + s1 + s2 + bias, right = s1 - s2 - s3 + bias;
                ptrdiff_t line = oy * ow + 2 * tx;
                if (count == 8 && 2 * tx + 16 <= ow) {
                    // The two output columns of 8 tiles interleaved: 16 consecutive outputs.
                    v16 x = __builtin_shufflevector(left, right, 0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
                    if (residual) x += load16(residual + line);
                    CLAMP16(x, lower, upper);
                    store16(output + line, x);
                    continue;
                }
                for (ptrdiff_t lane = 0; lane < count; lane++) {
                    ptrdiff_t ox = 2 * (tx + lane);
                    float x0 = left[lane];
                    if (residual) x0 += residual[line + 2 * lane];
                    output[line + 2 * lane] = clamp1(x0, lower, upper);
                    if (ox + 1 < ow) {
                        float x1 = right[lane];
                        if (residual) x1 += residual[line + 2 * lane + 1];
                        output[line + 2 * lane + 1] = clamp1(x1, lower, upper);
                    }
                }
            }
        }
    }
}

/// The exported transforms of one variant: the same bodies, compiled for `ATTRIBUTE`'s target.
#define CK_WINOGRAD_VARIANT(SUFFIX, ATTRIBUTE)                                                                 \
    ATTRIBUTE void ck_##SUFFIX##_winograd_input(                                                               \
        const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns, \
        float *v, ptrdiff_t xiStride)                                                                          \
    {                                                                                                          \
        input_body(padded, phaseWidth, tileRow0, tileRow1, tileColumns, v, xiStride);                          \
    }                                                                                                          \
    ATTRIBUTE void ck_##SUFFIX##_winograd_output(                                                              \
        const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns, \
        float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper) \
    {                                                                                                          \
        output_body(products, xiStride, tileRow0, tileRow1, tileColumns, bias, output, residual, oh, ow, lower, upper); \
    }

#if CK_X86
CK_WINOGRAD_VARIANT(avx2, __attribute__((target("avx2,fma"))))
CK_WINOGRAD_VARIANT(avx512, __attribute__((target("avx512f,avx512vl,fma"))))
#endif
CK_WINOGRAD_VARIANT(portable, )
