// Transforms of the 1-D Winograd F(m, r) convolution along one axis (WinogradLineConv.swift).
//
// Layout: a plane is seen along × across (rows along the kernel's axis; a horizontal kernel's
// plane transposed). A tile is (tile row t, position j across); the tiles of a block of tile
// rows are counted q = (t - tileRow0)·across + j. The input is staged as m phase planes (phase
// φ, row u holds plane row u·m + φ - padBefore, zero outside the plane), so that every input a
// transform needs for consecutive q is one contiguous run: 16 tiles per vector whatever the
// plane's width. One variant per instruction set (`level`: 2 AVX-512, 1 AVX2, 0 portable; the
// caller passes one the CPU runs).
#ifndef CK_WINOGRAD_LINE_H
#define CK_WINOGRAD_LINE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The largest n = m + r - 1 the transforms take.
#define CK_LINE_MAX_INPUTS 12

/// Stages one NCHW plane (inHeight × inWidth) as m phase planes of `rowsPerPhase` rows of
/// `across` floats each (`staged[(φ·rowsPerPhase + u)·across + j]`). `vertical`: the kernel
/// runs along the height (along = inHeight, across = inWidth); otherwise along the width and
/// the plane is read transposed.
void ck_line_stage(
    const float *plane, int vertical, ptrdiff_t along, ptrdiff_t across, ptrdiff_t padBefore, ptrdiff_t m,
    ptrdiff_t rowsPerPhase, float *staged);

/// V_ξ[q] = Σ_k bt[ξ·n + k] · staged[phase k mod m, row t + k div m, position j] for the
/// `count` tiles from tile row `tileRow0` on, written straight into the GEMM's packed B layout
/// (16-tile strips): tiles q..<q+16 of V_ξ go to `v + ξ·xiStride + (q / 16)·stripStride` as
/// one whole vector (zeros past `count`), so the products need no packing pass.
void ck_line_input(
    int level, const float *staged, ptrdiff_t rowsPerPhase, ptrdiff_t across, ptrdiff_t m, ptrdiff_t n,
    const float *bt, ptrdiff_t tileRow0, ptrdiff_t count, float *v, ptrdiff_t xiStride, ptrdiff_t stripStride);

/// phases[i·count + q] = Σ_ξ at[i·n + ξ] · products[ξ·xiStride + q], i < m, q < count.
void ck_line_output(
    int level, const float *products, ptrdiff_t xiStride, ptrdiff_t m, ptrdiff_t n, const float *at,
    ptrdiff_t count, float *phases);

/// Stores the outputs of tile rows [tileRow0, tileRow0 + tileRows) from their phases (as
/// `ck_line_output` left them, `count` = tileRows·across) into one channel's NCHW output plane:
/// value = clamp(phase value + bias + residual, lower, upper), outputs past `outAlong` dropped;
/// `residual` (the same plane layout) may be NULL or alias `output`.
void ck_line_store(
    int level, const float *phases, ptrdiff_t count, int vertical, ptrdiff_t m, ptrdiff_t across, ptrdiff_t outAlong,
    ptrdiff_t tileRow0, ptrdiff_t tileRows, float bias, float *output, const float *residual, float lower,
    float upper);

#ifdef __cplusplus
}
#endif

#endif
