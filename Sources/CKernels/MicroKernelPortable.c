// The portable variant (any CPU, any compiler flags) and the scalar tile store every variant
// uses for partial tiles.
#include "MicroKernelVariants.h"

void ck_store_tile_scalar(
    const float *tile, ptrdiff_t row, ptrdiff_t column, ptrdiff_t rowCount, ptrdiff_t columnCount,
    const CKEpilogue *e)
{
    for (ptrdiff_t r = 0; r < rowCount; r++) {
        float *out = e->c + (row + r) * e->ldc + column;
        const float *residual = e->residual ? e->residual + (row + r) * e->ldc + column : 0;
        for (ptrdiff_t j = 0; j < columnCount; j++) {
            float x = e->alpha * tile[r * 16 + j];
            if (!e->first) {
                x += out[j];
            } else {
                if (e->beta != 0.0f) x += e->beta * out[j];
                if (e->bias) x += e->bias[row + r];
                if (residual) x += residual[j];
            }
            if (e->last) {
                // Comparisons written so that NaN stays NaN.
                if (x < e->lower) x = e->lower;
                if (x > e->upper) x = e->upper;
            }
            out[j] = x;
        }
    }
}

#if defined(__FMA__) || defined(__aarch64__) || defined(__ARM_FEATURE_FMA)
/// The target has fused multiply-add, which `acc += a * b` contracts to: each step rounds once,
/// as in the AVX2 / AVX-512 variants.
typedef float Accumulator;
#else
/// No fused multiply-add (x86-64 baseline): float multiply-then-add rounds twice per step,
/// which on long reductions (Winograd's included) drifts past the equivalence rule's
/// tolerance; a double sum of the exact float products stays well inside it.
typedef double Accumulator;
#endif

void ck_portable_multiply_tile(ptrdiff_t depth, const float *a, const float *b, float *tile)
{
    enum { MR = CK_PORTABLE_ROWS };
    Accumulator acc[MR][16] = {{0}};
    for (ptrdiff_t k = 0; k < depth; k++) {
        const float *bk = b + 16 * k;
        const float *ak = a + MR * k;
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < 16; j++) acc[r][j] += (Accumulator)ak[r] * bk[j];
        }
    }
    for (int r = 0; r < MR; r++) {
        for (int j = 0; j < 16; j++) tile[r * 16 + j] = (float)acc[r][j];
    }
}

void ck_portable_multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *e)
{
    enum { MR = CK_PORTABLE_ROWS };
    float tile[MR * 16];
    ptrdiff_t stripCount = (columnCount + 15) / 16;
    for (ptrdiff_t r = 0; r < rowCount; r += MR) {
        const float *a = panels + (r / MR) * MR * depth;
        ptrdiff_t rows = rowCount - r < MR ? rowCount - r : MR;
        for (ptrdiff_t s = 0; s < stripCount; s++) {
            ptrdiff_t columns = columnCount - 16 * s < 16 ? columnCount - 16 * s : 16;
            ck_portable_multiply_tile(depth, a, strips + s * depth * 16, tile);
            ck_store_tile_scalar(tile, row0 + r, column0 + 16 * s, rows, columns, e);
        }
    }
}
