// 1-D Winograd F(m, r) transforms (CKWinogradLine.h): 16 tiles per vector over the staged
// phase planes. The transforms are compiled per instruction set; the common sizes (n = 6, 8,
// 9, 10) get a copy with n fixed so that the n × n products unroll. Staging only moves values:
// one plain body.
#include "CKWinogradLine.h"
#include "MicroKernelVariants.h"
#include "WinogradVectors.h"

#include <string.h>

/// The last `count` (< 16) tiles through a zero-filled vector.
CK_INLINE v16 load_partial(const float *p, ptrdiff_t count)
{
    float lanes[16] = {0};
    memcpy(lanes, p, (size_t)count * sizeof(float));
    return load16(lanes);
}

CK_INLINE void store_partial(float *p, v16 x, ptrdiff_t count)
{
    float lanes[16];
    store16(lanes, x);
    memcpy(p, lanes, (size_t)count * sizeof(float));
}

CK_INLINE void input_body(
    const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, const ptrdiff_t n,
    const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride, ptrdiff_t stripStride)
{
    const float *sources[CK_LINE_MAX_INPUTS];
    for (ptrdiff_t k = 0; k < n; k++)
        sources[k] = staged + ((k % m) * rowsPerPhase + tileRow0 + k / m) * across;
    for (ptrdiff_t q = 0; q < count; q += 16) {
        ptrdiff_t lanes = count - q < 16 ? count - q : 16;
        v16 d[CK_LINE_MAX_INPUTS];
        for (ptrdiff_t k = 0; k < n; k++) d[k] = lanes == 16 ? load16(sources[k] + q) : load_partial(sources[k] + q, lanes);
        float *out = v + (q / 16) * stripStride;
        for (ptrdiff_t xi = 0; xi < n; xi++) {
            v16 sum = bt[xi * n] * d[0];
            for (ptrdiff_t k = 1; k < n; k++) sum += bt[xi * n + k] * d[k];
            store16(out + xi * xiStride, sum);
        }
    }
}

CK_INLINE void output_body(
    const float *products, ptrdiff_t xiStride, ptrdiff_t m, const ptrdiff_t n, const float *at, ptrdiff_t count,
    float *phases)
{
    for (ptrdiff_t q = 0; q < count; q += 16) {
        ptrdiff_t lanes = count - q < 16 ? count - q : 16;
        v16 p[CK_LINE_MAX_INPUTS];
        for (ptrdiff_t xi = 0; xi < n; xi++)
            p[xi] = lanes == 16 ? load16(products + xi * xiStride + q) : load_partial(products + xi * xiStride + q, lanes);
        for (ptrdiff_t i = 0; i < m; i++) {
            v16 sum = at[i * n] * p[0];
            for (ptrdiff_t xi = 1; xi < n; xi++) sum += at[i * n + xi] * p[xi];
            if (lanes == 16) store16(phases + i * count + q, sum);
            else store_partial(phases + i * count + q, sum, lanes);
        }
    }
}

CK_INLINE void store_body(
    const float *phases, ptrdiff_t count, int vertical, ptrdiff_t m, ptrdiff_t across, ptrdiff_t outAlong,
    ptrdiff_t tileRow0, ptrdiff_t tileRows, float bias, float *output, const float *residual, float lower,
    float upper)
{
    for (ptrdiff_t t = 0; t < tileRows; t++) {
        for (ptrdiff_t i = 0; i < m; i++) {
            ptrdiff_t l = (tileRow0 + t) * m + i;
            if (l >= outAlong) break;
            const float *source = phases + i * count + t * across;
            if (vertical) {
                // One output row: contiguous, 16 at a time.
                float *out = output + l * across;
                const float *res = residual ? residual + l * across : 0;
                for (ptrdiff_t j = 0; j < across; j += 16) {
                    ptrdiff_t lanes = across - j < 16 ? across - j : 16;
                    v16 x = (lanes == 16 ? load16(source + j) : load_partial(source + j, lanes)) + bias;
                    if (res) x += lanes == 16 ? load16(res + j) : load_partial(res + j, lanes);
                    CLAMP16(x, lower, upper);
                    if (lanes == 16) store16(out + j, x);
                    else store_partial(out + j, x, lanes);
                }
            } else {
                // Output (j, l) of the across (= outHeight) × outAlong (= outWidth) plane.
                for (ptrdiff_t j = 0; j < across; j++) {
                    float x = source[j] + bias;
                    if (residual) x += residual[j * outAlong + l];
                    output[j * outAlong + l] = clamp1(x, lower, upper);
                }
            }
        }
    }
}

#define CK_LINE_VARIANT(SUFFIX, ATTRIBUTE)                                                                   \
    ATTRIBUTE static void line_input_##SUFFIX(                                                               \
        const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, ptrdiff_t n,             \
        const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride,                  \
        ptrdiff_t stripStride)                                                                               \
    {                                                                                                        \
        switch (n) {                                                                                         \
        case 6: input_body(staged, rowsPerPhase, across, m, 6, bt, tileRow0, count, v, xiStride, stripStride); break;     \
        case 8: input_body(staged, rowsPerPhase, across, m, 8, bt, tileRow0, count, v, xiStride, stripStride); break;     \
        case 9: input_body(staged, rowsPerPhase, across, m, 9, bt, tileRow0, count, v, xiStride, stripStride); break;     \
        case 10: input_body(staged, rowsPerPhase, across, m, 10, bt, tileRow0, count, v, xiStride, stripStride); break;   \
        default: input_body(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride); break;    \
        }                                                                                                    \
    }                                                                                                        \
    ATTRIBUTE static void line_output_##SUFFIX(                                                              \
        const float *products, ptrdiff_t xiStride, ptrdiff_t m, ptrdiff_t n, const float *at, ptrdiff_t count, \
        float *phases)                                                                                       \
    {                                                                                                        \
        switch (n) {                                                                                         \
        case 6: output_body(products, xiStride, m, 6, at, count, phases); break;                             \
        case 8: output_body(products, xiStride, m, 8, at, count, phases); break;                             \
        case 9: output_body(products, xiStride, m, 9, at, count, phases); break;                             \
        case 10: output_body(products, xiStride, m, 10, at, count, phases); break;                           \
        default: output_body(products, xiStride, m, n, at, count, phases); break;                            \
        }                                                                                                    \
    }                                                                                                        \
    ATTRIBUTE static void line_store_##SUFFIX(                                                               \
        const float *phases, ptrdiff_t count, int vertical, ptrdiff_t m, ptrdiff_t across, ptrdiff_t outAlong, \
        ptrdiff_t tileRow0, ptrdiff_t tileRows, float bias, float *output, const float *residual, float lower, \
        float upper)                                                                                         \
    {                                                                                                        \
        store_body(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual,  \
                   lower, upper);                                                                            \
    }

#if CK_X86
CK_LINE_VARIANT(avx512, __attribute__((target("avx512f,fma"))))
CK_LINE_VARIANT(avx2, __attribute__((target("avx2,fma"))))
#endif
CK_LINE_VARIANT(portable, )

void ck_line_input(
    int level, const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, ptrdiff_t n,
    const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride, ptrdiff_t stripStride)
{
    if (n > CK_LINE_MAX_INPUTS || n < 1 || m < 1) return;
#if CK_X86
    if (level >= 2) { line_input_avx512(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride); return; }
    if (level == 1) { line_input_avx2(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride); return; }
#endif
    line_input_portable(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride);
}

void ck_line_output(
    int level, const float *products, ptrdiff_t xiStride, ptrdiff_t m, ptrdiff_t n, const float *at,
    ptrdiff_t count, float *phases)
{
    if (n > CK_LINE_MAX_INPUTS || n < 1 || m < 1) return;
#if CK_X86
    if (level >= 2) { line_output_avx512(products, xiStride, m, n, at, count, phases); return; }
    if (level == 1) { line_output_avx2(products, xiStride, m, n, at, count, phases); return; }
#endif
    line_output_portable(products, xiStride, m, n, at, count, phases);
}

void ck_line_stage(
    const float *plane, int vertical, ptrdiff_t along, ptrdiff_t across, ptrdiff_t padBefore, ptrdiff_t m,
    ptrdiff_t rowsPerPhase, float *staged)
{
    for (ptrdiff_t phase = 0; phase < m; phase++) {
        for (ptrdiff_t u = 0; u < rowsPerPhase; u++) {
            float *row = staged + (phase * rowsPerPhase + u) * across;
            ptrdiff_t l = u * m + phase - padBefore;
            if (l < 0 || l >= along) {
                memset(row, 0, (size_t)across * sizeof(float));
            } else if (vertical) {
                memcpy(row, plane + l * across, (size_t)across * sizeof(float));
            } else {
                // Column l of the inHeight (= across) × inWidth (= along) plane.
                for (ptrdiff_t j = 0; j < across; j++) row[j] = plane[j * along + l];
            }
        }
    }
}

void ck_line_store(
    int level, const float *phases, ptrdiff_t count, int vertical, ptrdiff_t m, ptrdiff_t across, ptrdiff_t outAlong,
    ptrdiff_t tileRow0, ptrdiff_t tileRows, float bias, float *output, const float *residual, float lower,
    float upper)
{
#if CK_X86
    if (level >= 2) {
        line_store_avx512(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual, lower, upper);
        return;
    }
    if (level == 1) {
        line_store_avx2(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual, lower, upper);
        return;
    }
#endif
    line_store_portable(phases, count, vertical, m, across, outAlong, tileRow0, tileRows, bias, output, residual, lower, upper);
}
