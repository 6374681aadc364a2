// One instruction set's copy of the 1-D Winograd F(m, r) transforms (CKWinogradLine.h).
// `WinogradLineTransforms.c` includes this file once per variant, after defining:
// - LINE_NAME(name): `name` with the variant's suffix appended;
// - LINE_TARGET: the variant's function attribute (empty for the portable one);
// - LINE_LOAD_PARTIAL(p, count) / LINE_STORE_PARTIAL(p, x, count): the first `count` (< 16)
//   lanes of a vector, loaded with zeros after them / stored, touching no memory past them.
//   Every block ends in one: a 17-wide map's rows in 16 + 1, its 6 · 17 = 102 tiles in 96 + 6.
//   (A copy through a stack array by `memcpy` cost a library call and a failed store-to-load
//   forward per partial vector: on AVX-512 they are masked loads and stores);
// - LINE_STORE_ACROSS: 1 where the variant stores a 1×r kernel's outputs along the output rows,
//   16 gathered at a time; 0 for one value at a time down the columns.
// No include guard: each inclusion is meant, and it ends by undefining those five parameters.

LINE_TARGET static inline __attribute__((always_inline)) void LINE_NAME(input_body)(
    const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, const ptrdiff_t n,
    const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride, ptrdiff_t stripStride)
{
    const float *sources[CK_LINE_MAX_INPUTS];
    for (ptrdiff_t k = 0; k < n; k++)
        sources[k] = staged + ((k % m) * rowsPerPhase + tileRow0 + k / m) * across;
    for (ptrdiff_t q = 0; q < count; q += 16) {
        ptrdiff_t lanes = count - q < 16 ? count - q : 16;
        v16 d[CK_LINE_MAX_INPUTS];
        LINE_UNROLL
        for (ptrdiff_t k = 0; k < n; k++) d[k] = lanes == 16 ? load16(sources[k] + q) : LINE_LOAD_PARTIAL(sources[k] + q, lanes);
        float *out = v + (q / 16) * stripStride;
        v16 sums[CK_LINE_MAX_INPUTS];
        LINE_MULTIPLY_VECTORS(bt, n, n, d, sums);
        // Whole vectors (zeros past `count`): the strip is the GEMM's packed B.
        LINE_UNROLL
        for (ptrdiff_t xi = 0; xi < n; xi++) store16(out + xi * xiStride, sums[xi]);
    }
}

LINE_TARGET static inline __attribute__((always_inline)) void LINE_NAME(output_body)(
    const float *products, ptrdiff_t xiStride, const ptrdiff_t m, const ptrdiff_t n, const float *at, ptrdiff_t count,
    float *phases)
{
    for (ptrdiff_t q = 0; q < count; q += 16) {
        ptrdiff_t lanes = count - q < 16 ? count - q : 16;
        v16 p[CK_LINE_MAX_INPUTS];
        LINE_UNROLL
        for (ptrdiff_t xi = 0; xi < n; xi++)
            p[xi] = lanes == 16 ? load16(products + xi * xiStride + q) : LINE_LOAD_PARTIAL(products + xi * xiStride + q, lanes);
        v16 sums[CK_LINE_MAX_INPUTS];
        LINE_MULTIPLY_VECTORS(at, m, n, p, sums);
        for (ptrdiff_t i = 0; i < m; i++) {
            if (lanes == 16) store16(phases + i * count + q, sums[i]);
            else LINE_STORE_PARTIAL(phases + i * count + q, sums[i], lanes);
        }
    }
}

LINE_TARGET static void LINE_NAME(line_store)(
    const float *phases, ptrdiff_t count, int vertical, ptrdiff_t m, ptrdiff_t across, ptrdiff_t outAlong,
    ptrdiff_t tileRow0, ptrdiff_t tileRows, float bias, float *output, const float *residual, float lower,
    float upper)
{
#if LINE_STORE_ACROSS
    if (!vertical) {
        // A 1×r kernel's outputs, output row by output row: row j's columns l0 ..< l1 (this
        // block's tile rows), value (l, j) at phases[(l mod m)·count + (l div m − tileRow0)·across
        // + j], gathered 16 columns at a time. Column by column, each value went to its own line.
        const ptrdiff_t l0 = tileRow0 * m, end = (tileRow0 + tileRows) * m, l1 = end < outAlong ? end : outAlong;
        for (ptrdiff_t lb = l0; lb < l1; lb += 16) {
            const ptrdiff_t lanes = l1 - lb < 16 ? l1 - lb : 16;
            const __mmask16 valid = first_lanes(lanes);
            int offsets[16];
            for (ptrdiff_t e = 0; e < 16; e++) {
                const ptrdiff_t l = lb + (e < lanes ? e : lanes - 1);
                offsets[e] = (int)((l % m) * count + (l / m - tileRow0) * across);
            }
            const __m512i index = _mm512_loadu_si512(offsets);
            for (ptrdiff_t j = 0; j < across; j++) {
                float *out = output + j * outAlong + lb;
                v16 x = (v16)_mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, index, phases + j, 4) + bias;
                if (residual) x += (v16)_mm512_maskz_loadu_ps(valid, residual + j * outAlong + lb);
                CLAMP16(x, lower, upper);
                _mm512_mask_storeu_ps(out, valid, (__m512)x);
            }
        }
        return;
    }
#endif
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
                    v16 x = (lanes == 16 ? load16(source + j) : LINE_LOAD_PARTIAL(source + j, lanes)) + bias;
                    if (res) x += lanes == 16 ? load16(res + j) : LINE_LOAD_PARTIAL(res + j, lanes);
                    CLAMP16(x, lower, upper);
                    if (lanes == 16) store16(out + j, x);
                    else LINE_STORE_PARTIAL(out + j, x, lanes);
                }
                continue;
            }
            // Output column l of the across (= outHeight) × outAlong (= outWidth) plane.
            for (ptrdiff_t j = 0; j < across; j++) {
                float x = source[j] + bias;
                if (residual) x += residual[j * outAlong + l];
                output[j * outAlong + l] = clamp1(x, lower, upper);
            }
        }
    }
}

/// Entry points with n fixed for the common sizes (6, 8, 9, 10, 12), so the n × n products unroll
/// (`LINE_UNROLL`; where n is not fixed the loops stay loops).
LINE_TARGET static void LINE_NAME(line_input)(
    const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, ptrdiff_t n,
    const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride, ptrdiff_t stripStride)
{
    switch (n) {
    case 6: LINE_NAME(input_body)(staged, rowsPerPhase, across, m, 6, bt, tileRow0, count, v, xiStride, stripStride); break;
    case 8: LINE_NAME(input_body)(staged, rowsPerPhase, across, m, 8, bt, tileRow0, count, v, xiStride, stripStride); break;
    case 9: LINE_NAME(input_body)(staged, rowsPerPhase, across, m, 9, bt, tileRow0, count, v, xiStride, stripStride); break;
    case 10: LINE_NAME(input_body)(staged, rowsPerPhase, across, m, 10, bt, tileRow0, count, v, xiStride, stripStride); break;
    case 12: LINE_NAME(input_body)(staged, rowsPerPhase, across, m, 12, bt, tileRow0, count, v, xiStride, stripStride); break;
    default: LINE_NAME(input_body)(staged, rowsPerPhase, across, m, n, bt, tileRow0, count, v, xiStride, stripStride); break;
    }
}

LINE_TARGET static void LINE_NAME(line_output)(
    const float *products, ptrdiff_t xiStride, ptrdiff_t m, ptrdiff_t n, const float *at, ptrdiff_t count,
    float *phases)
{
    // F(3, 7) and F(6, 7) (Inception's 1×7 / 7×1) and F(4, 3) (its 1×3 / 3×1) with m fixed too.
    if (m == 3 && n == 9) { LINE_NAME(output_body)(products, xiStride, 3, 9, at, count, phases); return; }
    if (m == 6 && n == 12) { LINE_NAME(output_body)(products, xiStride, 6, 12, at, count, phases); return; }
    if (m == 4 && n == 6) { LINE_NAME(output_body)(products, xiStride, 4, 6, at, count, phases); return; }
    switch (n) {
    case 6: LINE_NAME(output_body)(products, xiStride, m, 6, at, count, phases); break;
    case 8: LINE_NAME(output_body)(products, xiStride, m, 8, at, count, phases); break;
    case 9: LINE_NAME(output_body)(products, xiStride, m, 9, at, count, phases); break;
    case 10: LINE_NAME(output_body)(products, xiStride, m, 10, at, count, phases); break;
    default: LINE_NAME(output_body)(products, xiStride, m, n, at, count, phases); break;
    }
}

#undef LINE_NAME
#undef LINE_TARGET
#undef LINE_LOAD_PARTIAL
#undef LINE_STORE_PARTIAL
#undef LINE_STORE_ACROSS
