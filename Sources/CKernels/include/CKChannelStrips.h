// The channel-vector tile of `Conv2D`'s small-map form (Conv2D+ChannelStrips.swift), computed
// and stored transposed (NCHW) in one call. AVX-512 only; other CPUs use the GEMM micro-kernel
// tile and a Swift store.
#ifndef CK_CHANNEL_STRIPS_H
#define CK_CHANNEL_STRIPS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Pixels per panel of the AVX-512 channel tile (the AVX-512 micro-kernel's panel height).
#define CK_CHANNEL_TILE_PIXELS 8

/// One tile of up to `panelPixels` (7 or 8) pixels × 32 output channels over the whole
/// reduction `depth`: `pixelPanel` holds, for every k, `panelPixels` pixel values side by
/// side, step k at `k · panelStride` (`panelPixels` for a packed panel; a 1×1 convolution
/// reads its NCHW input in place with the plane size as the stride, all `panelPixels` values
/// of each step being readable),
/// `channelStrips` one or two packed 16-channel strips (strip s at s · 16 · depth, for every
/// k 16 channel values side by side). Output channel c, pixel p (p < pixelCount,
/// c < channelCount) goes to `output[c · pixelStride + p]` as clamp(acc + bias[c] +
/// residual[c · pixelStride + p], lower, upper); `bias` and `residual` may be NULL, and
/// `residual` may alias `output` (each element is read before it is written). The
/// `aheadLines` cache lines from `ahead` (at most 2 · depth; 0 for none) are prefetched into
/// L2 alongside, one per reduction step (two while more remain than steps): part of the
/// weights the caller multiplies next (a prefetch never faults, so they may point past them).
void ck_avx512_channel_tile(
    ptrdiff_t depth, const float *pixelPanel, const float *channelStrips, ptrdiff_t channelCount,
    float *output, const float *residual, ptrdiff_t pixelStride, ptrdiff_t pixelCount,
    const float *bias, float lower, float upper, ptrdiff_t panelPixels, ptrdiff_t panelStride, const float *ahead,
    ptrdiff_t aheadLines);

/// Whether this CPU runs `ck_avx512_channel_tile`.
int ck_channel_tile_supported(void);

#ifdef __cplusplus
}
#endif

#endif
