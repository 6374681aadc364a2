// Internal: the variants' entry points and the shared scalar tile store (not part of the
// module's public header).
#ifndef CKERNELS_MICRO_KERNEL_VARIANTS_H
#define CKERNELS_MICRO_KERNEL_VARIANTS_H

#include "CKernels.h"

#if defined(__x86_64__) || defined(_M_X64)
#define CK_X86 1
#define CK_AVX512_ROWS 8
#define CK_AVX2_ROWS 6
void ck_avx512_multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *epilogue);
void ck_avx512_multiply_tile(ptrdiff_t depth, const float *a, const float *b, float *tile);
void ck_avx2_multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *epilogue);
void ck_avx2_multiply_tile(ptrdiff_t depth, const float *a, const float *b, float *tile);
void ck_avx512_winograd_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride);
void ck_avx512_winograd_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper);
void ck_avx2_winograd_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride);
void ck_avx2_winograd_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper);
void ck_avx2_winograd4_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper);
void ck_avx2_winograd4_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride);
void ck_avx2_winograd4_split(const float *line, ptrdiff_t phaseWidth, float *phases);
void ck_avx2_subsample2(const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target);
void ck_avx512_subsample2(const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target);
/// 2: AVX-512F + VL + FMA, 1: AVX2 + FMA, 0: neither (or the OS does not save their registers).
/// Computed once.
int ck_x86_level(void);
#endif

#define CK_PORTABLE_ROWS 6
void ck_portable_multiply_panels(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *epilogue);
void ck_portable_multiply_tile(ptrdiff_t depth, const float *a, const float *b, float *tile);
void ck_portable_winograd_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride);
void ck_portable_winograd_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper);
void ck_portable_winograd4_output(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t oh, ptrdiff_t ow, float lower, float upper);
void ck_portable_winograd4_input(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride);
void ck_portable_winograd4_split(const float *line, ptrdiff_t phaseWidth, float *phases);
void ck_portable_subsample2(const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target);

/// Whether a variant's tile writer (`TileWriterAVX512.h`, and the AVX2 one in
/// `MicroKernelAVX2.c`) applies to `e`: no alpha, and no beta on the first block. Otherwise the
/// general row store takes the tile.
static inline int tile_writer_applies(const CKEpilogue *e)
{
    return e->alpha == 1.0f && (!e->first || e->beta == 0.0f);
}

/// Stores `rowCount` × `columnCount` entries of a tile held in memory (row r at tile + 16·r)
/// at (row, column) of C, element by element: partial tiles and the portable variant.
void ck_store_tile_scalar(
    const float *tile, ptrdiff_t row, ptrdiff_t column, ptrdiff_t rowCount, ptrdiff_t columnCount,
    const CKEpilogue *epilogue);

#endif
