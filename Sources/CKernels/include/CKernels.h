// SGEMM micro-kernels for the convolution and GEMM paths of the Kernels module, one variant
// per instruction set, chosen at run time from the CPU's features.
//
// Why C: Swift has no per-function target attribute, so Swift SIMD code is only as wide as
// the build's flags; a package that depends on ours builds without them. Each variant here
// carries its own `__attribute__((target(...)))`, so one binary built with no flags runs the
// AVX-512 code on AVX-512 hosts, the AVX2 code on AVX2 hosts, and portable C elsewhere.
//
// Layouts (one source of truth for the tile shape: `CKMicroKernel.rows` / `.columns`):
// - packed A: panels of `rows` rows, each depth-major (for every k, the `rows` values side by
//   side), rows past the end zero;
// - packed B: strips of `columns` (16) columns, each depth-major, columns past the end zero;
//   strip s of a block starts at s * depth * 16.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include "CKDepthwise.h"
#include "CKChannelStrips.h"
#include "CKThreadPlacement.h"
#include "CKWinogradLine.h"

#ifdef __cplusplus
extern "C" {
#endif

/// How a finished tile is written: `x = alpha * acc`; on the first reduction block
/// `x += beta * C` (C not read when beta == 0), `+ bias[row]`, `+ residual` (same layout as C;
/// read before C is written, so it may alias C); on later blocks `x += C`; on the last block
/// `x = min(upper, max(lower, x))` (NaN stays NaN). Other activations are applied by the caller.
typedef struct CKEpilogue {
    float *c;
    ptrdiff_t ldc;
    float alpha;
    float beta;
    const float *bias;
    const float *residual;
    float lower;
    float upper;
    int first;
    int last;
} CKEpilogue;

/// Rows [row0, row0 + rowCount) × columns [column0, column0 + columnCount) of C for one
/// reduction block of `depth`: `panels` is the packed A panel of row0 (row0's panel first,
/// then the following ones), `strips` the packed B strips of the block's columns.
typedef void (*CKMultiplyPanels)(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *strips, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *epilogue);

/// The AVX-512 variant's `CKMultiplyPanels` reading B where it lies instead of as packed
/// strips: row k of the block at `b + k · ldb`, C column column0 + j from `b[j]` (a 1×1
/// stride-1 convolution's input is its own im2col matrix). Strips are read as whole 16-float
/// vectors, except a last one of at most `CK_AVX512_NARROW_COLUMNS` columns, which reads only
/// its columns; so `columnCount % 16` must be 0 or at most that, or reads pass the row's end.
/// Only for CPUs that run the AVX-512 variant (a no-op elsewhere).
void ck_avx512_multiply_panels_in_place(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *b, ptrdiff_t ldb, ptrdiff_t column0, ptrdiff_t columnCount, const CKEpilogue *epilogue);
#define CK_AVX512_NARROW_COLUMNS 4

/// The AVX-512 variant's `CKMultiplyPanels` for a stride-1, undilated convolution whose B is
/// read from its zero-bordered input `image` (one group's channels, rows `paddedWidth` floats
/// long): B's element (k, v) is `image[offsets[k] + v]` for virtual columns v = oy · paddedWidth
/// + ox, of which this block covers [virtual0, virtual0 + virtualCount) (virtual0 a multiple of
/// 16). C's element for v with ox < `width` is column oy · width + ox (columns ox ≥ width are
/// computed and dropped); `width` ≥ 16. The block's last, partial strip reads with masks, so
/// no read passes image[offsets[k] + virtual0 + virtualCount - 1]. A no-op on CPUs without the
/// AVX-512 variant.
void ck_avx512_multiply_taps(
    ptrdiff_t depth, const float *panels, ptrdiff_t row0, ptrdiff_t rowCount,
    const float *image, const ptrdiff_t *offsets, ptrdiff_t virtual0, ptrdiff_t virtualCount,
    ptrdiff_t paddedWidth, ptrdiff_t width, const CKEpilogue *epilogue);

/// One full tile: `tile[r * 16 + j] = sum_k a[k * rows + r] * b[k * 16 + j]`.
typedef void (*CKMultiplyTile)(ptrdiff_t depth, const float *a, const float *b, float *tile);

/// Winograd F(2×2, 3×3) input transform V = Bᵀ d B of one input channel, 8 tiles per vector:
/// `padded` is the channel's zero-bordered plane, each stored row as its even then its odd
/// columns (`phaseWidth` floats each, rounded so 8-tile loads past the last tile stay inside);
/// tile rows [tileRow0, tileRow1) of `tileColumns` tiles; V_ξ of tile t goes to
/// `v[ξ * xiStride + t]` (t counted from tileRow0).
typedef void (*CKWinogradInput)(
    const float *padded, ptrdiff_t phaseWidth, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float *v, ptrdiff_t xiStride);

/// Winograd F(2×2, 3×3) output transform Y = Aᵀ M A of one output channel (M_ξ of tile t at
/// `products[ξ * xiStride + t]`), then `+ bias`, `+ residual` (may alias `output`), and a clamp
/// to [lower, upper] (NaN stays NaN); `output` / `residual` are the channel's outHeight ×
/// outWidth planes, outputs past the edge dropped.
typedef void (*CKWinogradOutput)(
    const float *products, ptrdiff_t xiStride, ptrdiff_t tileRow0, ptrdiff_t tileRow1, ptrdiff_t tileColumns,
    float bias, float *output, const float *residual, ptrdiff_t outHeight, ptrdiff_t outWidth,
    float lower, float upper);

/// Stores one zero-bordered input row (`4 · phaseWidth` floats readable) as its four column
/// phases for the F(4×4, 3×3) transforms: `phases[p · phaseWidth + i] = line[4i + p]`.
typedef void (*CKWinogradSplit)(const float *line, ptrdiff_t phaseWidth, float *phases);

/// Every other column of `rows` rows: row y of `source` starts at `source + y · pitch`, and
/// `target` gets its columns 0, 2, ..., 2 · (outWidth − 1), `outWidth` floats a row, rows one
/// after another. Reads no column past the last one taken.
typedef void (*CKSubsample2)(const float *source, ptrdiff_t pitch, ptrdiff_t rows, ptrdiff_t outWidth, float *target);

/// One instruction-set variant: the GEMM micro-kernel and the Winograd transforms that go with it.
typedef struct CKMicroKernel {
    /// "avx512", "avx2" or "portable".
    const char *name;
    /// Rows of a packed A panel (the tile's height).
    int rows;
    /// Columns of a packed B strip (the tile's width): 16 in every variant.
    int columns;
    /// Strips multiplied together in the widest register tile (AVX-512: three, an 8 × 48 tile;
    /// the others one), so pixel blocks are cut in whole groups of them.
    int tileStrips;
    CKMultiplyPanels multiplyPanels;
    CKMultiplyTile multiplyTile;
    CKWinogradInput winogradInput;
    CKWinogradOutput winogradOutput;
    /// F(4×4, 3×3): the same contracts with 6×6 input tiles, 36 ξ and 4×4 outputs per tile; the
    /// padded rows stored as four column phases (`winograd4Split`), 4·phaseWidth floats a row.
    CKWinogradInput winograd4Input;
    CKWinogradOutput winograd4Output;
    CKWinogradSplit winograd4Split;
    /// The stride-2 copy of a strided 1×1 convolution's input.
    CKSubsample2 subsample2;
} CKMicroKernel;

/// Variants compiled into this binary, best first (the last is the portable one).
int ck_micro_kernel_count(void);
const CKMicroKernel *ck_micro_kernel_at(int index);
/// Whether this CPU can run variant `index`.
int ck_micro_kernel_supported(int index);

/// Whether this CPU runs two 512-bit FMAs a cycle (two full-width FMA ports): Intel's server
/// cores from Skylake-SP to Granite Rapids and AMD from Zen 5, by CPUID family and model. Zen 4
/// runs one (each zmm FMA as two 256-bit halves), as do Intel's client AVX-512 cores; unknown
/// CPUs count as one. Some algorithm choices differ (`ConvolutionAlgorithm.choose`): at twice
/// the FMA rate, the direct forms' GEMMs gain on Winograd's transforms.
int ck_two_zmm_fma_ports(void);

/// Asks for the cache line at `address` ahead of its use (a hint; never faults). Swift has no
/// prefetch; packing B calls this for the input rows it reads next, which in a large network
/// come from memory.
static inline void ck_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#ifdef __cplusplus
}
#endif

#endif
