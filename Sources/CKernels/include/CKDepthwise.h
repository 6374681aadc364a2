// Direct depthwise convolution kernels (one channel plane at a time), one variant per
// instruction set, chosen at run time like the GEMM micro-kernels (see CKernels.h).
#ifndef CK_DEPTHWISE_H
#define CK_DEPTHWISE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// One (image, channel) plane of a depthwise convolution, NCHW: output(oy, ox) =
/// clamp(bias + Σ weights(ky, kx) · input(oy·stride + ky − padTop, ox·stride + kx − padLeft)
/// + residual(oy, ox), lower, upper), input outside the plane reading as zero. `residual` may
/// be NULL or alias `output`; `input` must not overlap `output`.
typedef struct CKDepthwisePlane {
    const float *input;
    float *output;
    const float *residual;
    /// kernelHeight × kernelWidth, row-major.
    const float *weights;
    float bias;
    float lower;
    float upper;
    ptrdiff_t inHeight, inWidth, outHeight, outWidth;
    ptrdiff_t kernelHeight, kernelWidth;
    /// 1 or 2, the same along both axes.
    ptrdiff_t stride;
    ptrdiff_t padTop, padLeft;
} CKDepthwisePlane;

/// Output rows [row0, row1) of one plane.
typedef void (*CKDepthwiseRows)(const CKDepthwisePlane *plane, ptrdiff_t row0, ptrdiff_t row1);

/// A run of planes of one depthwise layer: plane i (image i / channels, channel i % channels)
/// starts at `plane.input + i · inHeight · inWidth` (output and residual likewise, by the output
/// plane size) and uses weights `plane.weights + channel · kernelHeight · kernelWidth` and bias
/// `biases[channel]` (0 when `biases` is NULL); `plane.bias` is not read. One call covers many
/// planes, so what only depends on the geometry (tap masks, the AVX2 scratch plane, the choice
/// of code) is settled once per call instead of once per plane, which on 7×7 maps cost more
/// than the arithmetic.
typedef struct CKDepthwiseLayer {
    CKDepthwisePlane plane;
    const float *biases;
    ptrdiff_t channels;
} CKDepthwiseLayer;

/// Planes [plane0, plane1) of a layer, every output row.
typedef void (*CKDepthwisePlanes)(const CKDepthwiseLayer *layer, ptrdiff_t plane0, ptrdiff_t plane1);

/// Kernel sizes up to this along each axis.
#define CK_DEPTHWISE_MAX_KERNEL 7

/// Variants compiled into this binary, best first (the last is the portable one).
int ck_depthwise_count(void);
const char *ck_depthwise_name(int index);
CKDepthwiseRows ck_depthwise_at(int index);
/// The same variant's whole-plane entry (for the row entry's geometry).
CKDepthwisePlanes ck_depthwise_planes_at(int index);
/// Whether this CPU can run variant `index`.
int ck_depthwise_supported(int index);

#ifdef __cplusplus
}
#endif

#endif
