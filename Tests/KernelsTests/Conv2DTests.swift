@testable import Kernels
import Testing

/// One convolution case: geometry, epilogue and threads.
struct ConvCase: CustomTestStringConvertible, Sendable {
    var name: String
    var shape: Conv2DShape
    var bias = true
    var residual = false
    var activation: Activation = .none
    var threads = 1
    /// nil: the one `ConvolutionAlgorithm.choose` picks.
    var algorithm: ConvolutionAlgorithm? = nil
    var testDescription: String { name }
}

private func shape(
    _ n: Int, _ c: Int, _ h: Int, _ w: Int, oc: Int, k: (Int, Int),
    stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1), pads: (Int, Int, Int, Int) = (0, 0, 0, 0),
    groups: Int = 1
) -> Conv2DShape {
    Conv2DShape(
        batch: n, inChannels: c, inHeight: h, inWidth: w, outChannels: oc,
        kernelHeight: k.0, kernelWidth: k.1, strideHeight: stride.0, strideWidth: stride.1,
        dilationHeight: dilation.0, dilationWidth: dilation.1,
        padTop: pads.0, padLeft: pads.1, padBottom: pads.2, padRight: pads.3, groups: groups)
}

let convCases: [ConvCase] = [
    ConvCase(name: "1x1 pointwise, odd pixels", shape: shape(1, 5, 7, 9, oc: 11, k: (1, 1))),
    ConvCase(name: "1x1 pointwise, 16-multiple pixels", shape: shape(1, 8, 4, 8, oc: 6, k: (1, 1)), bias: false),
    ConvCase(name: "1x1 stride 2", shape: shape(1, 6, 9, 11, oc: 7, k: (1, 1), stride: (2, 2))),
    // 1×1 stride 1 without padding, few output channels: AVX-512 reads B in place (pixel
    // counts of whole strips or a last strip of 1-4 columns; others pack), over several
    // reduction blocks, groups, batch 2 and 2 threads (pixel and row splits).
    ConvCase(name: "1x1 in place 14x14 (tail 4), batch 2, 2 threads, residual",
             shape: shape(2, 40, 14, 14, oc: 24, k: (1, 1)), residual: true, activation: .clip(min: 0, max: 6), threads: 2),
    ConvCase(name: "1x1 in place 17x17 (tail 1), 300 deep (2 blocks)", shape: shape(1, 300, 17, 17, oc: 20, k: (1, 1)),
             activation: .relu),
    // A single last column rides along with the last triple (17×17) or pair (9×9: a triple and a
    // pair; 3×11, 20 deep: pairs only).
    ConvCase(name: "1x1 in place 9x9 (tail 1 after a pair), residual", shape: shape(1, 40, 9, 9, oc: 20, k: (1, 1)),
             residual: true, activation: .relu),
    ConvCase(name: "1x1 in place 3x11 (tail 1 after a pair), 20 deep, 2 threads", shape: shape(1, 20, 3, 11, oc: 12, k: (1, 1)),
             bias: false, activation: .clip(min: -0.2, max: 0.3), threads: 2),
    ConvCase(name: "1x1 in place 16x16, 2 groups, 2 threads", shape: shape(1, 24, 16, 16, oc: 18, k: (1, 1), groups: 2),
             residual: true, threads: 2),
    ConvCase(name: "1x1 packed 5x5 (tail 9), 130 deep", shape: shape(1, 130, 5, 5, oc: 12, k: (1, 1)), bias: false),
    ConvCase(name: "1x1 in place 28x28, 120 output channels, 2 threads", shape: shape(1, 33, 28, 28, oc: 120, k: (1, 1)),
             activation: .leakyRelu(alpha: 0.1), threads: 2),
    // An input past the L2 (3.3 MB): read in place where the L2 is 2 MB or more
    // (`Conv2D.inPlaceInputLimit`), packed elsewhere; 2 threads split its pixel blocks.
    ConvCase(name: "1x1 input past the L2, 264 deep at 56x56, 2 threads", shape: shape(1, 264, 56, 56, oc: 10, k: (1, 1)),
             residual: true, activation: .relu, threads: 2),
    ConvCase(name: "3x3 same pad", shape: shape(1, 4, 10, 13, oc: 9, k: (3, 3), pads: (1, 1, 1, 1)),
             activation: .relu),
    ConvCase(name: "3x3 no pad", shape: shape(1, 3, 8, 8, oc: 13, k: (3, 3))),
    ConvCase(name: "7x7 stride 2 stem-like", shape: shape(1, 3, 23, 21, oc: 8, k: (7, 7), stride: (2, 2),
             pads: (3, 3, 3, 3)), activation: .relu),
    ConvCase(name: "asymmetric pads and kernel", shape: shape(1, 5, 9, 7, oc: 7, k: (1, 7), pads: (0, 3, 0, 2))),
    ConvCase(name: "7x1 with asymmetric height pads", shape: shape(1, 4, 11, 6, oc: 5, k: (7, 1), pads: (2, 0, 4, 0))),
    ConvCase(name: "stride 2 asymmetric pads (TF same)", shape: shape(1, 3, 12, 12, oc: 10, k: (3, 3),
             stride: (2, 2), pads: (0, 0, 1, 1))),
    ConvCase(name: "dilation 2", shape: shape(1, 3, 12, 11, oc: 6, k: (3, 3), dilation: (2, 2), pads: (2, 2, 2, 2))),
    ConvCase(name: "dilation and stride mixed", shape: shape(1, 2, 13, 14, oc: 5, k: (3, 2), stride: (2, 3),
             dilation: (2, 3), pads: (1, 2, 0, 1))),
    ConvCase(name: "groups 2", shape: shape(1, 6, 7, 7, oc: 10, k: (3, 3), pads: (1, 1, 1, 1), groups: 2)),
    ConvCase(name: "depthwise", shape: shape(1, 7, 9, 10, oc: 7, k: (3, 3), pads: (1, 1, 1, 1), groups: 7),
             activation: .clip(min: 0, max: 6)),
    ConvCase(name: "depthwise multiplier 2", shape: shape(2, 3, 6, 5, oc: 6, k: (3, 3), stride: (2, 2), groups: 3)),
    ConvCase(name: "batch 3", shape: shape(3, 4, 6, 7, oc: 9, k: (3, 3), pads: (1, 1, 1, 1))),
    ConvCase(name: "residual + relu", shape: shape(2, 8, 9, 9, oc: 14, k: (1, 1)), residual: true,
             activation: .relu),
    ConvCase(name: "residual + leakyRelu", shape: shape(1, 5, 6, 7, oc: 7, k: (3, 3), pads: (1, 1, 1, 1)),
             residual: true, activation: .leakyRelu(alpha: 0.1)),
    ConvCase(name: "sigmoid", shape: shape(1, 4, 5, 6, oc: 5, k: (3, 3), pads: (1, 1, 1, 1)), activation: .sigmoid),
    ConvCase(name: "tanh + residual, no bias", shape: shape(1, 4, 5, 6, oc: 5, k: (2, 2)), bias: false,
             residual: true, activation: .tanh),
    ConvCase(name: "deep reduction (several k blocks)", shape: shape(1, 70, 5, 6, oc: 13, k: (3, 3),
             pads: (1, 1, 1, 1)), residual: true, activation: .relu),
    ConvCase(name: "many output channels", shape: shape(1, 3, 4, 5, oc: 131, k: (1, 1))),
    ConvCase(name: "32 output channels, stride 2, batch 2, 2 threads", shape: shape(2, 19, 15, 17, oc: 32, k: (3, 3),
             stride: (2, 2), pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2),
    ConvCase(name: "odd channels and pixels past two strips", shape: shape(1, 9, 7, 11, oc: 23, k: (1, 3),
             pads: (0, 1, 0, 1)), residual: true, activation: .clip(min: -0.3, max: 0.4)),
    ConvCase(name: "many pixels (several pixel blocks), 2 threads", shape: shape(1, 3, 23, 19, oc: 7, k: (3, 3),
             pads: (1, 1, 1, 1)), threads: 2),
    // Stride 1 on maps 16+ wide: the AVX-512 variant reads B through the tap offsets over virtual
    // columns (`Conv2D+Taps`), storing each strip in up to two output rows.
    ConvCase(name: "taps: 3x3 no pad on 23x37 (the input read to its last float), residual, batch 2",
             shape: shape(2, 12, 23, 37, oc: 20, k: (3, 3)), residual: true, activation: .relu, algorithm: .pixelStrips),
    ConvCase(name: "taps: 5x5 pad 2 on 18x16 (16 wide), 2 groups, 2 threads", shape: shape(1, 16, 18, 16, oc: 24,
             k: (5, 5), pads: (2, 2, 2, 2), groups: 2), activation: .clip(min: -0.5, max: 0.5), threads: 2, algorithm: .pixelStrips),
    ConvCase(name: "taps: 1x7 pad 3, 80 channels (two reduction blocks), no bias, 2 threads", shape: shape(1, 80, 5, 20,
             oc: 40, k: (1, 7), pads: (0, 3, 0, 3)), bias: false, activation: .relu, threads: 2, algorithm: .pixelStrips),
    ConvCase(name: "taps: 3x3 pad 1, 32 channels on 21x35 (the 96 rows limit), 2 threads", shape: shape(1, 32, 21, 35,
             oc: 48, k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, threads: 2, algorithm: .pixelStrips),
    ConvCase(name: "taps: 1x3 pad 1 on 9x33, residual, sigmoid (packed instead)", shape: shape(1, 8, 9, 33, oc: 16, k: (1, 3),
             pads: (0, 1, 0, 1)), residual: true, activation: .sigmoid, algorithm: .pixelStrips),
    ConvCase(name: "taps: 1x3 pad 1 on 9x33, residual", shape: shape(1, 8, 9, 33, oc: 17, k: (1, 3),
             pads: (0, 1, 0, 1)), residual: true, activation: .none, algorithm: .pixelStrips),
    ConvCase(name: "few pixels, many channels, 2 threads (row split)", shape: shape(1, 16, 3, 3, oc: 70, k: (3, 3),
             pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2),
    // Strided, on outputs 16+ wide with few input rows per tile: the AVX-512 variant reads the
    // taps from the input's stride phases (`PhasePlanes`); the others pack.
    ConvCase(name: "strided taps: 7x7/2 pad 3 on 3 channels (ResNet's stem), residual, batch 2", shape: shape(2, 3, 37, 41,
             oc: 20, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)), residual: true, activation: .relu),
    ConvCase(name: "strided taps: 3x3/2 no pad, 3 -> 32 (Inception's stem), odd sizes, 2 threads", shape: shape(1, 3, 39, 35,
             oc: 32, k: (3, 3), stride: (2, 2)), activation: .relu, threads: 2),
    ConvCase(name: "strided taps: 3x3/2 pads (0, 0, 1, 1) (TF same), 2 groups, clip", shape: shape(1, 4, 34, 40, oc: 18,
             k: (3, 3), stride: (2, 2), pads: (0, 0, 1, 1), groups: 2), activation: .clip(min: -0.5, max: 0.5)),
    ConvCase(name: "strided taps: 2x2/2 (phase width = output width), no bias", shape: shape(1, 3, 20, 36, oc: 9,
             k: (2, 2), stride: (2, 2)), bias: false, activation: .none),
    ConvCase(name: "strided taps: 3x3 stride (2, 1) pad 1, residual, 2 threads", shape: shape(1, 5, 21, 18, oc: 12,
             k: (3, 3), stride: (2, 1), pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2),
    ConvCase(name: "strided taps: 3x5 stride (1, 2) pad 2", shape: shape(1, 3, 9, 40, oc: 10, k: (3, 5), stride: (1, 2),
             pads: (1, 2, 1, 2)), activation: .relu),
    ConvCase(name: "strided taps: 5x5/3 pad 2, 40 channels (too many rows: packed)", shape: shape(1, 40, 20, 60, oc: 8,
             k: (5, 5), stride: (3, 3), pads: (2, 2, 2, 2)), activation: .relu),
    ConvCase(name: "strided taps: 5x5/3 pad 2 on 50x60, batch 2", shape: shape(2, 3, 50, 60, oc: 8, k: (5, 5),
             stride: (3, 3), pads: (2, 2, 2, 2)), residual: true, activation: .relu),
    // Wide strided outputs: column-phase layout gives contiguous and two-run strips (packed:
    // a sigmoid is not a clamp, so every variant packs).
    ConvCase(name: "wide stride 2 pad 1", shape: shape(1, 3, 9, 41, oc: 7, k: (3, 3), stride: (2, 2),
             pads: (1, 1, 1, 1)), activation: .relu),
    ConvCase(name: "wide stride 2 pad 1, sigmoid (packed)", shape: shape(1, 3, 9, 41, oc: 7, k: (3, 3), stride: (2, 2),
             pads: (1, 1, 1, 1)), residual: true, activation: .sigmoid),
    ConvCase(name: "wide stride 2, dilation 2, odd pads", shape: shape(1, 2, 10, 45, oc: 5, k: (3, 3), stride: (2, 2),
             dilation: (2, 2), pads: (1, 0, 2, 3))),
    ConvCase(name: "wide stride 3 width-7 kernel", shape: shape(1, 2, 8, 70, oc: 6, k: (2, 7), stride: (1, 3),
             pads: (0, 3, 1, 3))),
    ConvCase(name: "wide 1x1 stride 2 no pad", shape: shape(1, 4, 6, 38, oc: 9, k: (1, 1), stride: (2, 2))),
    // Maps of up to 304 pixels are one pixel block: on 2 threads the rows are split and B is
    // packed once, shared (`Blocking.singleBlockPixels`); 17×17 and a 300-pixel 3×3 im2col.
    ConvCase(name: "one pixel block: 1x1 @17x17, 216 out, rows over 2 threads", shape: shape(1, 40, 17, 17, oc: 216,
             k: (1, 1)), residual: true, activation: .relu, threads: 2),
    ConvCase(name: "one pixel block: 3x3 pad 1 @15x20, 2 threads", shape: shape(1, 12, 15, 20, oc: 20, k: (3, 3),
             pads: (1, 1, 1, 1)), activation: .relu, threads: 2, algorithm: .pixelStrips),
    // Strided 1×1 without padding runs on a subsampled copy of its input (`Conv2D+Subsampling`):
    // odd sizes (the last row and column taken), unequal strides, batch 2 with a residual on
    // 2 threads, groups, stride 3, and a copy small enough for the in-place AVX-512 read.
    ConvCase(name: "subsampled 1x1/2: batch 2, residual, 2 threads", shape: shape(2, 24, 15, 13, oc: 40, k: (1, 1),
             stride: (2, 2)), residual: true, activation: .relu, threads: 2),
    // Rows past one vector of outputs (29 and 28 a row: whole vectors, then a tail) and stride
    // 2 across with 3 down.
    ConvCase(name: "subsampled 1x1/2, wide odd rows", shape: shape(1, 5, 9, 57, oc: 6, k: (1, 1), stride: (2, 2))),
    ConvCase(name: "subsampled 1x1 stride (3, 2), wide even rows", shape: shape(1, 3, 8, 56, oc: 9, k: (1, 1),
             stride: (3, 2)), residual: true, activation: .relu),
    ConvCase(name: "subsampled 1x1 stride (2, 1), groups 2", shape: shape(1, 12, 9, 20, oc: 10, k: (1, 1), stride: (2, 1),
             groups: 2), activation: .clip(min: -0.5, max: 0.5)),
    ConvCase(name: "subsampled 1x1/3, 32 out (in place)", shape: shape(1, 64, 50, 50, oc: 32, k: (1, 1), stride: (3, 3)),
             residual: true, activation: .relu),
    ConvCase(name: "subsampled 1x1/2 ResNet projection 256 -> 64 @28, channel strips", shape: shape(1, 256, 28, 28, oc: 64,
             k: (1, 1), stride: (2, 2)), residual: true, activation: .relu, threads: 2, algorithm: .channelStrips),
    // Small maps with long reductions: the channel-vector form, forced (which kernels choose it
    // is checked below).
    ConvCase(name: "channel strips: 1x1 @6x6, channel tail", shape: shape(1, 300, 6, 6, oc: 60, k: (1, 1)),
             residual: true, activation: .relu, algorithm: .channelStrips),
    ConvCase(name: "channel strips: 3x3 pad 1 @7x7, 2 threads", shape: shape(1, 32, 7, 7, oc: 64, k: (3, 3),
             pads: (1, 1, 1, 1)), activation: .leakyRelu(alpha: 0.2), threads: 2, algorithm: .channelStrips),
    ConvCase(name: "channel strips: stride 2, batch 2", shape: shape(2, 40, 13, 13, oc: 48, k: (3, 3),
             stride: (2, 2)), bias: false, activation: .sigmoid, algorithm: .channelStrips),
    ConvCase(name: "channel strips: groups 2", shape: shape(1, 520, 7, 7, oc: 64, k: (1, 1), groups: 2),
             residual: true, activation: .clip(min: -0.5, max: 0.5), threads: 2, algorithm: .channelStrips),
    ConvCase(name: "channel strips: 80 channels (two strip pairs and a single strip), ReLU6, residual",
             shape: shape(1, 256, 7, 7, oc: 80, k: (1, 1)), residual: true, activation: .clip(min: 0, max: 6), algorithm: .channelStrips),
    ConvCase(name: "channel strips: ResNeXt-style groups 4 of 32, 3 pixels past the last panel",
             shape: shape(2, 128, 5, 7, oc: 128, k: (3, 3), pads: (1, 1, 1, 1), groups: 4), activation: .relu, threads: 2, algorithm: .channelStrips),
    ConvCase(name: "channel strips: 3x3 at 7x7, 2304 deep (the C tile past 256 KB of weights a pair), residual, 2 threads",
             shape: shape(1, 256, 7, 7, oc: 48, k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2,
             algorithm: .channelStrips),
    // 3×3 stride 1: Winograd F(4×4, 3×3) from 24 outputs a side with 64+ channels, F(2×2, 3×3) there
    // with 32-63 channels and on smaller maps with 64+ (checked below; other F(4×4) shapes are forced). Odd sizes leave partial tiles;
    // widths past 16 (F(2×2)) or 32 (F(4×4)) take the vector store, others the lane-by-lane one.
    ConvCase(name: "winograd 2x2: pad 1, odd 9x7", shape: shape(1, 80, 9, 7, oc: 80, k: (3, 3), pads: (1, 1, 1, 1)),
             activation: .relu),
    ConvCase(name: "winograd 2x2: no pad, wide 13x41, residual", shape: shape(1, 90, 13, 41, oc: 86, k: (3, 3)),
             residual: true, activation: .relu),
    ConvCase(name: "winograd 2x2: asymmetric pads, batch 2, 2 threads", shape: shape(2, 80, 20, 35, oc: 96, k: (3, 3),
             pads: (0, 1, 1, 0)), bias: false, activation: .leakyRelu(alpha: 0.1), threads: 2, algorithm: .winograd2x2),
    ConvCase(name: "winograd 2x2: deep (several k blocks), sigmoid", shape: shape(1, 300, 6, 6, oc: 81, k: (3, 3),
             pads: (1, 1, 1, 1)), residual: true, activation: .sigmoid, algorithm: .winograd2x2),
    ConvCase(name: "winograd 2x2: several tile-row blocks, residual", shape: shape(1, 80, 60, 30, oc: 80, k: (3, 3),
             pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2, algorithm: .winograd2x2),
    ConvCase(name: "winograd 2x2: 2x2 output", shape: shape(1, 64, 4, 4, oc: 64, k: (3, 3)), activation: .clip(min: 0, max: 6),
             algorithm: .winograd2x2),
    ConvCase(name: "winograd 4x4: pad 1, odd 13x15 (partial tiles both ways)", shape: shape(1, 80, 13, 15, oc: 72,
             k: (3, 3), pads: (1, 1, 1, 1)), activation: .relu, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: no pad, wide 16x47 (vector and partial stores), residual",
             shape: shape(1, 72, 16, 47, oc: 88, k: (3, 3)), residual: true, activation: .relu, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: asymmetric pads, batch 2, 2 threads", shape: shape(2, 64, 21, 37, oc: 96, k: (3, 3),
             pads: (0, 1, 1, 0)), bias: false, activation: .leakyRelu(alpha: 0.1), threads: 2, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: deep (several k blocks), sigmoid, residual", shape: shape(1, 300, 12, 13, oc: 70,
             k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .sigmoid, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: several tile-row blocks, residual, 2 threads", shape: shape(1, 64, 82, 42, oc: 80,
             k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2),
    ConvCase(name: "winograd 4x4: clip, odd channels, 1 thread", shape: shape(1, 67, 12, 12, oc: 65, k: (3, 3),
             pads: (1, 1, 1, 1)), activation: .clip(min: -0.5, max: 0.5), algorithm: .winograd4x4),
    // Few input channels (`winograd4OutrunsDirect`: 32-63 inputs, 64+ outputs): Inception's
    // 32 -> 64 stem layer and Inception-ResNet's 48 -> 64 branch layer, the GEMMs 32 / 48 deep.
    ConvCase(name: "winograd 4x4: 32 -> 64, pad 1, 27x29, 2 threads", shape: shape(1, 32, 27, 29, oc: 64, k: (3, 3),
             pads: (1, 1, 1, 1)), activation: .relu, threads: 2, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: 48 -> 64 at 35x35, batch 2", shape: shape(2, 48, 35, 35, oc: 64, k: (3, 3),
             pads: (1, 1, 1, 1)), activation: .relu, algorithm: .winograd4x4),
    ConvCase(name: "winograd 2x2: 32 -> 48 channels on 26x27 (Inception branch)", shape: shape(1, 32, 26, 27, oc: 48,
             k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .relu, algorithm: .winograd2x2),
    // 15×15 tiles (225 = 14 strips + 1): V's rows read in place by the AVX-512 GEMM (≤ 32 channels).
    ConvCase(name: "winograd 2x2: 32 channels, V read in place, residual, 2 threads", shape: shape(1, 32, 30, 30, oc: 40,
             k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2, algorithm: .winograd2x2),
    ConvCase(name: "winograd 2x2: 24 channels, V read in place, batch 2", shape: shape(2, 24, 32, 32, oc: 16,
             k: (3, 3), pads: (1, 1, 1, 1)), activation: .clip(min: -0.5, max: 0.5), algorithm: .winograd2x2),
    ConvCase(name: "winograd 4x4: forced on 32 -> 48 channels on 26x27", shape: shape(1, 32, 26, 27, oc: 48,
             k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .relu, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: forced on a 5x6 map, batch 2, 2 threads", shape: shape(2, 64, 7, 8, oc: 64, k: (3, 3)),
             residual: true, activation: .tanh, threads: 2, algorithm: .winograd4x4),
    ConvCase(name: "winograd 4x4: forced on 3 channels", shape: shape(1, 3, 10, 9, oc: 5, k: (3, 3), pads: (1, 1, 1, 1)),
             algorithm: .winograd4x4),
    // The 1-D Winograd F(m, r) (`WinogradLineConv`): both axes, F(3, 7) / F(6, 7) and F(4, 3) as chosen,
    // odd sizes with a partial last tile, asymmetric pads, several tile-row blocks, a 5-tap
    // filter (F(2, 5), the transforms' general n), every epilogue, batch 2 and 2 threads.
    ConvCase(name: "winograd line 1x7 Inception-B 17x17", shape: shape(1, 40, 17, 17, oc: 48, k: (1, 7),
             pads: (0, 3, 0, 3)), activation: .relu),
    ConvCase(name: "winograd line 7x1 Inception-B 17x17, residual", shape: shape(1, 48, 17, 17, oc: 40, k: (7, 1),
             pads: (3, 0, 3, 0)), residual: true, activation: .relu),
    ConvCase(name: "winograd line 7x1 odd map, asymmetric pads, batch 2, 2 threads", shape: shape(2, 33, 13, 10,
             oc: 37, k: (7, 1), pads: (2, 0, 4, 0)), residual: true, activation: .leakyRelu(alpha: 0.1), threads: 2),
    ConvCase(name: "winograd line 1x7 wide row, several blocks, 2 threads", shape: shape(1, 32, 6, 73, oc: 35,
             k: (1, 7), pads: (0, 3, 0, 3)), activation: .clip(min: -0.5, max: 0.5), threads: 2, algorithm: .winogradLine),
    ConvCase(name: "winograd line 7x1 wide map, channels split over 2 threads, several blocks", shape: shape(1, 33, 20, 60,
             oc: 41, k: (7, 1), pads: (3, 0, 3, 0)), residual: true, activation: .relu, threads: 2, algorithm: .winogradLine),
    ConvCase(name: "winograd line 7x1 several blocks, no bias, tanh", shape: shape(1, 24, 40, 30, oc: 20, k: (7, 1),
             pads: (3, 0, 3, 0)), bias: false, activation: .tanh, algorithm: .winogradLine),
    // A 1×r kernel's outputs go down the plane's columns: 20 rows and 17 columns, each output row
    // a whole and a partial 16-column vector (AVX-512 gathers them from the phases through a mask).
    ConvCase(name: "winograd line 1x7 columns of 20 rows, residual", shape: shape(1, 24, 20, 17, oc: 28, k: (1, 7),
             pads: (0, 3, 0, 3)), residual: true, activation: .clip(min: -0.5, max: 0.5), algorithm: .winogradLine),
    ConvCase(name: "winograd line 1x3 Inception-C 8x8", shape: shape(1, 36, 8, 8, oc: 40, k: (1, 3),
             pads: (0, 1, 0, 1)), residual: true, activation: .relu, algorithm: .winogradLine),
    ConvCase(name: "winograd line 3x1 no pad, sigmoid, batch 2", shape: shape(2, 32, 9, 11, oc: 34, k: (3, 1)),
             activation: .sigmoid, algorithm: .winogradLine),
    ConvCase(name: "winograd line 1x5, 2 threads", shape: shape(1, 9, 7, 12, oc: 10, k: (1, 5), pads: (0, 2, 0, 2)),
             residual: true, threads: 2, algorithm: .winogradLine),
    // One pixel block split by output rows over 2 threads, B packed once for both
    // (`Conv2D+SharedPacking`): two depth blocks, a partial last strip, residual, batch 2.
    ConvCase(name: "shared packing: 3x3, rows over 2 threads, two depth blocks", shape: shape(1, 64, 12, 14, oc: 230,
             k: (3, 3), pads: (1, 1, 1, 1)), residual: true, activation: .relu, threads: 2, algorithm: .pixelStrips),
    ConvCase(name: "shared packing: 1x1, batch 2, rows over 2 threads", shape: shape(2, 300, 9, 9, oc: 260, k: (1, 1)),
             threads: 2, algorithm: .pixelStrips),
    // Reductions of 256 or more prefetch the next strip pair's C and residual lines in the
    // AVX-512 pair kernel: 17×17 (unaligned rows, 9 pairs and a narrow column), a partial last
    // panel (oc 141), one block with the residual, and two blocks (the residual on the first).
    ConvCase(name: "epilogue prefetch: 1x1 300 deep @17x17, residual", shape: shape(1, 300, 17, 17, oc: 141, k: (1, 1)),
             residual: true, activation: .relu, algorithm: .pixelStrips),
    ConvCase(name: "epilogue prefetch: 1x1 600 deep (two blocks), residual, 2 threads",
             shape: shape(1, 600, 13, 11, oc: 150, k: (1, 1)), residual: true, activation: .relu, threads: 2,
             algorithm: .pixelStrips),
    // The AVX-512 tile writer's forms (TileWriterAVX512.h: no bias or residual, bias alone,
    // residual alone, both, later reduction blocks) through each kernel that uses it: the
    // packed tiles, B read in place, and the taps (strips crossing output rows).
    ConvCase(name: "tile writer: 1x1 in place, residual without bias", shape: shape(1, 64, 16, 16, oc: 24, k: (1, 1)),
             bias: false, residual: true, activation: .relu),
    ConvCase(name: "tile writer: 1x1 packed, neither bias nor residual, 600 deep (2 blocks)",
             shape: shape(1, 600, 7, 14, oc: 136, k: (1, 1)), bias: false),
    ConvCase(name: "tile writer: 1x1 packed, residual without bias, 2 threads",
             shape: shape(1, 64, 12, 12, oc: 136, k: (1, 1)), bias: false, residual: true, activation: .clip(min: 0, max: 6),
             threads: 2),
    ConvCase(name: "tile writer: 3x3 taps, residual without bias", shape: shape(1, 8, 20, 21, oc: 16, k: (3, 3), pads: (1, 1, 1, 1)),
             bias: false, residual: true, activation: .relu, algorithm: .pixelStrips),
    ConvCase(name: "tile writer: 3x3 taps, neither bias nor residual, 2 threads",
             shape: shape(1, 8, 20, 21, oc: 16, k: (3, 3), pads: (1, 1, 1, 1)), bias: false, threads: 2,
             algorithm: .pixelStrips),
    ConvCase(name: "output 1x1", shape: shape(1, 3, 3, 3, oc: 4, k: (3, 3))),
    ConvCase(name: "pads larger than kernel reach", shape: shape(1, 2, 3, 3, oc: 3, k: (2, 2), pads: (3, 3, 3, 3))),
]

@Test("Conv2D matches the scalar reference with every micro-kernel this CPU runs", arguments: convCases, MicroKernel.supported)
func conv2DMatchesReference(_ c: ConvCase, _ kernel: MicroKernel) throws {
    let s = c.shape
    #expect(s.isValid)
    var values = SeededValues(seed: UInt64(s.inputCount &* 31 &+ s.weightCount))
    let input = values.array(s.inputCount)
    let weights = values.array(s.weightCount)
    let bias = values.array(s.outChannels)
    let residual = values.array(s.outputCount)
    var expected = [Float](repeating: 0, count: s.outputCount)
    var preActivation = [Float](repeating: 0, count: s.outputCount)
    var actual = [Float](repeating: .nan, count: s.outputCount)
    // With several threads, both ways of splitting the work (`CoreDistance`): phases shared by
    // all threads (a shared cache), and whole pieces per thread (threads on different dies).
    var splitOutputs: [[Float]] = []
    weights.withUnsafeBufferPointer { w in
        bias.withUnsafeBufferPointer { b in
            input.withUnsafeBufferPointer { x in
                residual.withUnsafeBufferPointer { r in
                    let biasPointer = c.bias ? b.baseAddress : nil
                    let residualPointer = c.residual ? r.baseAddress : nil
                    ReferenceKernels.conv2D(
                        shape: s, input: x.baseAddress!, weights: w.baseAddress!, bias: biasPointer,
                        residual: residualPointer, activation: c.activation, output: &expected)
                    ReferenceKernels.conv2D(
                        shape: s, input: x.baseAddress!, weights: w.baseAddress!, bias: biasPointer,
                        residual: residualPointer, activation: .none, output: &preActivation)
                    let conv = Conv2D(
                        shape: s, weights: w.baseAddress!, bias: biasPointer, microKernel: kernel, algorithm: c.algorithm)
                    #expect(conv.microKernel == kernel)
                    if let algorithm = c.algorithm { #expect(conv.algorithm == algorithm) }
                    actual.withUnsafeMutableBufferPointer { y in
                        conv.run(
                            input: x.baseAddress!, output: y.baseAddress!, residual: residualPointer,
                            activation: c.activation, threads: c.threads)
                    }
                    if c.threads > 1 {
                        for shared in [true, false] {
                            var y = [Float](repeating: .nan, count: s.outputCount)
                            y.withUnsafeMutableBufferPointer { y in
                                conv.run(
                                    input: x.baseAddress!, output: y.baseAddress!, residual: residualPointer,
                                    activation: c.activation, threads: c.threads, coresShareCache: shared)
                            }
                            splitOutputs.append(y)
                        }
                    }
                }
            }
        }
    }
    // F(4×4)'s transforms (coefficients up to 8) round about 10× more than the direct sum,
    // in proportion to the tiles' magnitude rather than each output's: on these ±1 weights
    // (outputs up to ~30) elements near zero miss the elementwise atol of 1e-5 (measured: 1.3–7×
    // the rule), so its cases are held to the scale rule (atol + rtol·max|b|, README), max|b|
    // taken before the activation (which may squash it, as sigmoid and clip do).
    // The 1-D F(3, 7) (entries up to 17.5 in Bᵀ) and F(6, 7) (up to 243 in Aᵀ) likewise.
    let heldToScale = [.winograd4x4, .winogradLine].contains(c.algorithm)
        || c.name.hasPrefix("winograd 4x4") || c.name.hasPrefix("winograd line")
    let scale = heldToScale ? preActivation.map(abs).max()! : nil
    #expect(worstViolation(actual, expected, scale: scale) <= 1, "\(c.name) with \(kernel)")
    for (index, y) in splitOutputs.enumerated() {
        // (Not always the same bits: a block's last 1-4 columns are summed in another order.)
        #expect(worstViolation(y, expected, scale: scale) <= 1, "\(c.name) with \(kernel), \(index == 0 ? "shared" : "per-thread") split")
    }
}

@Test("Strided stems read their taps from stride phases with the AVX-512 variant, others pack", arguments: MicroKernel.supported)
func stridedTapsSelection(_ kernel: MicroKernel) {
    let strided = convCases.filter { $0.name.hasPrefix("strided taps:") }
    #expect(strided.count == 8)
    for c in strided {
        let conv = Conv2D(shape: c.shape, weights: [Float](repeating: 0, count: c.shape.weightCount), bias: nil,
                          microKernel: kernel)
        let expected = kernel.readsTaps && !c.name.contains("packed")
        #expect((conv.phasePlanes != nil) == expected, "\(c.name) on \(kernel.name)")
    }
    // The networks' stems: ResNet's 7×7/2 at 224 (pads 3), Inception's 3×3/2 at 299, MobileNetV2's at 224.
    for s in [shape(1, 3, 224, 224, oc: 64, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3)),
              shape(1, 3, 299, 299, oc: 32, k: (3, 3), stride: (2, 2)),
              shape(1, 3, 224, 224, oc: 32, k: (3, 3), stride: (2, 2), pads: (1, 1, 1, 1))] {
        #expect(Conv2D.readsTaps(s, microKernel: kernel) == kernel.readsTaps)
    }
    // Inception-V4's 3×3/2 64 → 96 at 147 reads 384 input rows per tile: packed.
    #expect(!Conv2D.readsTaps(shape(1, 64, 147, 147, oc: 96, k: (3, 3), stride: (2, 2)), microKernel: kernel))
    // A stride past the kernel would make as many phases (10⁶ here, 64 GB): packed.
    let hostile = shape(1, 3, 3, 16000, oc: 4, k: (3, 3), stride: (1_000_000, 1))
    #expect(hostile.isValid && !Conv2D.readsTaps(hostile, microKernel: kernel))
    #expect(Conv2D(shape: hostile, weights: [Float](repeating: 0, count: hostile.weightCount), bias: nil,
                   microKernel: kernel).phasePlanes == nil)
}

@Test("3x3 stride-1 convolutions take Winograd F(4x4) on maps of 24+ a side with 64+ channels, F(2x2) there with 32-63 and on smaller maps with 64+ (but direct on maps of ≤ 16 tiles with two zmm FMA ports)")
func winogradSelection() throws {
    // The Winograd choice must not depend on the micro-kernel (so on the host): every compiled
    // variant must agree with the expectation (the direct forms' pixel / channel choice does
    // depend on the tile's rows, see `prefersChannelStrips`), except on maps of at most 16
    // F(2×2) tiles (`directOutrunsWinograd2OnSmallMap`) and on wide maps with 32–47 channels
    // (`directOutrunsWinograd2`), where a variant on two 512-bit FMA ports takes the direct
    // form: only the AVX-512 variant on such a CPU.
    func chosenByEvery(_ s: Conv2DShape) -> Set<ConvolutionAlgorithm> {
        Set(MicroKernel.compiled.map { ConvolutionAlgorithm.choose(for: s, microKernel: $0) })
    }
    func chosen(_ s: Conv2DShape) -> ConvolutionAlgorithm? {
        let all = chosenByEvery(s)
        return all.count == 1 ? all.first : nil
    }
    func direct(_ s: Conv2DShape) -> Bool {
        chosenByEvery(s).isSubset(of: [.pixelStrips, .channelStrips])
    }
    let wide = shape(1, 64, 56, 56, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))
    #expect(chosen(wide) == Conv2D(shape: wide, weights: [Float](repeating: 0, count: wide.weightCount), bias: nil).algorithm,
            "Conv2D takes the chosen algorithm")
    for c in convCases where c.algorithm == nil {
        let expected: ConvolutionAlgorithm? = c.name.hasPrefix("winograd 2x2")
            ? .winograd2x2 : c.name.hasPrefix("winograd 4x4") ? .winograd4x4
            : c.name.hasPrefix("winograd line") ? .winogradLine : nil
        if expected == .winogradLine {
            // Every variant but one reading the taps on two zmm FMA ports (`tapsOutrunLine`).
            for kernel in MicroKernel.compiled {
                let line: ConvolutionAlgorithm = ConvolutionAlgorithm.tapsOutrunLine(c.shape, microKernel: kernel) ? .pixelStrips : .winogradLine
                #expect(ConvolutionAlgorithm.choose(for: c.shape, microKernel: kernel) == line, "\(c.name) \(kernel.name)")
            }
        } else if let expected {
            #expect(chosen(c.shape) == expected, "\(c.name)")
        } else {
            #expect(direct(c.shape), "\(c.name)")
        }
    }
    for kernel in MicroKernel.compiled {
        #expect(!kernel.hasTwoZmmFMAPorts || kernel.name == "avx512", "\(kernel.name)")
        // ResNet's 7×7 stage and Inception-V3's 8×8 one (16 F(2×2) tiles) go to pixel strips on two
        // zmm FMA ports, F(2×2) elsewhere; a 6×6 map with 81 outputs (9 tiles) goes direct there
        // too, to the channel tile where the variant has one; 9×9 (25 tiles) keeps F(2×2).
        let small: ConvolutionAlgorithm = kernel.hasTwoZmmFMAPorts ? .pixelStrips : .winograd2x2
        for s in [shape(1, 512, 7, 7, oc: 512, k: (3, 3), pads: (1, 1, 1, 1)), shape(1, 448, 8, 8, oc: 384, k: (3, 3), pads: (1, 1, 1, 1))] {
            #expect(ConvolutionAlgorithm.choose(for: s, microKernel: kernel) == small, "\(kernel.name) \(s)")
        }
        let narrow = shape(1, 300, 6, 6, oc: 81, k: (3, 3), pads: (1, 1, 1, 1))
        let narrowExpected: Set<ConvolutionAlgorithm> = kernel.hasTwoZmmFMAPorts ? [.pixelStrips, .channelStrips] : [.winograd2x2]
        #expect(narrowExpected.contains(ConvolutionAlgorithm.choose(for: narrow, microKernel: kernel)), "\(kernel.name)")
        #expect(ConvolutionAlgorithm.choose(for: shape(1, 64, 9, 9, oc: 64, k: (3, 3), pads: (1, 1, 1, 1)), microKernel: kernel) == .winograd2x2,
                "\(kernel.name)")
    }
    #expect(chosen(shape(1, 256, 14, 14, oc: 256, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd2x2)
    #expect(chosen(shape(1, 80, 17, 17, oc: 192, k: (3, 3))) == .winograd2x2)
    #expect(chosen(shape(1, 64, 23, 30, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd2x2)
    #expect(chosen(shape(1, 64, 24, 30, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd4x4)
    #expect(chosen(shape(1, 256, 35, 35, oc: 256, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd4x4)
    #expect(chosen(shape(1, 64, 56, 56, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd4x4)
    #expect(chosen(shape(1, 64, 35, 35, oc: 96, k: (3, 3), pads: (1, 1, 1, 1))) == .winograd4x4)
    for kernel in MicroKernel.compiled {
        // Inception's 32-channel stem and branch layers: direct on two zmm FMA ports, but F(4×4)
        // for 64+ outputs from 32-63 inputs (`winograd4OutrunsDirect`: the 32 → 64 stem layer,
        // Inception-ResNet's 48 → 64), F(2×2) elsewhere.
        let expected: Set<ConvolutionAlgorithm> = kernel.hasTwoZmmFMAPorts ? [.pixelStrips, .channelStrips] : [.winograd2x2]
        for s in [shape(1, 32, 147, 147, oc: 32, k: (3, 3)), shape(1, 32, 35, 35, oc: 32, k: (3, 3), pads: (1, 1, 1, 1)),
                  shape(1, 32, 35, 35, oc: 48, k: (3, 3), pads: (1, 1, 1, 1))] {
            #expect(expected.contains(ConvolutionAlgorithm.choose(for: s, microKernel: kernel)), "\(kernel.name) \(s)")
        }
        let stem: ConvolutionAlgorithm = kernel.hasTwoZmmFMAPorts ? .winograd4x4 : .winograd2x2
        for s in [shape(1, 32, 147, 147, oc: 64, k: (3, 3), pads: (1, 1, 1, 1)), shape(1, 40, 30, 30, oc: 96, k: (3, 3)),
                  shape(1, 32, 24, 24, oc: 64, k: (3, 3), pads: (1, 1, 1, 1)), shape(1, 48, 35, 35, oc: 64, k: (3, 3), pads: (1, 1, 1, 1)),
                  shape(1, 63, 26, 26, oc: 128, k: (3, 3))] {
            #expect(ConvolutionAlgorithm.choose(for: s, microKernel: kernel) == stem, "\(kernel.name) \(s)")
        }
        // Below 24 outputs a side, 32 inputs or 64 outputs: not F(4×4).
        for s in [shape(1, 32, 23, 23, oc: 64, k: (3, 3), pads: (1, 1, 1, 1)), shape(1, 16, 147, 147, oc: 64, k: (3, 3), pads: (1, 1, 1, 1)),
                  shape(1, 48, 35, 35, oc: 63, k: (3, 3), pads: (1, 1, 1, 1))] {
            #expect(ConvolutionAlgorithm.choose(for: s, microKernel: kernel) != .winograd4x4, "\(kernel.name) \(s)")
        }
    }
    #expect(direct(shape(1, 32, 14, 14, oc: 32, k: (3, 3), pads: (1, 1, 1, 1))))
    #expect(chosen(shape(1, 24, 35, 35, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))) == .pixelStrips)
    #expect(chosen(shape(1, 3, 299, 299, oc: 32, k: (3, 3))) == .pixelStrips)
    #expect(chosen(shape(1, 320, 35, 35, oc: 384, k: (3, 3), stride: (2, 2))) == .pixelStrips)
    #expect(chosen(shape(1, 128, 20, 20, oc: 128, k: (3, 3), dilation: (2, 2))) == .pixelStrips)
    #expect(chosen(shape(1, 128, 20, 20, oc: 128, k: (3, 3), groups: 2)) == .pixelStrips)
    #expect(!ConvolutionAlgorithm.winograd4x4.supports(shape(1, 64, 20, 20, oc: 64, k: (3, 3), stride: (2, 2))))
    #expect(!ConvolutionAlgorithm.winograd2x2.supports(shape(1, 64, 20, 20, oc: 64, k: (1, 3))))
}

@Test("1x7 / 7x1 stride-1 convolutions with 32+ channels take the 1-D Winograd F(3, 7), small 1x3 / 3x1 ones F(4, 3); others do not")
func lineWinogradSelection() throws {
    func chosen(_ s: Conv2DShape) -> ConvolutionAlgorithm {
        Conv2D(shape: s, weights: [Float](repeating: 0, count: s.weightCount), bias: nil).algorithm
    }
    // Inception-V4 / Inception-ResNet-V2 / Inception-V3 shapes.
    #expect(chosen(shape(1, 224, 17, 17, oc: 256, k: (7, 1), pads: (3, 0, 3, 0))) == .winogradLine)
    #expect(chosen(shape(1, 128, 17, 17, oc: 160, k: (1, 7), pads: (0, 3, 0, 3))) == .winogradLine)
    #expect(chosen(shape(1, 64, 73, 73, oc: 64, k: (7, 1), pads: (3, 0, 3, 0))) == .winogradLine)
    // Its 1×7 twin reads taps directly on two zmm FMA ports (64 input rows per tile: `tapsOutrunLine`).
    for kernel in MicroKernel.compiled {
        let twin = shape(1, 64, 73, 73, oc: 64, k: (1, 7), pads: (0, 3, 0, 3))
        let expected: ConvolutionAlgorithm = kernel.hasTwoZmmFMAPorts && kernel.readsTaps ? .pixelStrips : .winogradLine
        #expect(ConvolutionAlgorithm.choose(for: twin, microKernel: kernel) == expected, "\(kernel.name)")
    }
    // 1×3 / 3×1: F(4, 3) for small filters only (memory, see `ConvolutionAlgorithm.choosesLine`):
    // Inception-ResNet-V2's 192 → 224 and 224 → 256 take it, but not on two zmm FMA ports;
    // Inception-V4's 384 → 256 does not.
    for kernel in MicroKernel.compiled {
        let line: Set<ConvolutionAlgorithm> = kernel.hasTwoZmmFMAPorts ? [.pixelStrips, .channelStrips] : [.winogradLine]
        for s in [shape(1, 192, 8, 8, oc: 224, k: (1, 3), pads: (0, 1, 0, 1)), shape(1, 224, 8, 8, oc: 256, k: (3, 1), pads: (1, 0, 1, 0))] {
            #expect(line.contains(ConvolutionAlgorithm.choose(for: s, microKernel: kernel)), "\(kernel.name)")
        }
    }
    #expect(chosen(shape(1, 384, 8, 8, oc: 256, k: (3, 1), pads: (1, 0, 1, 0))) != .winogradLine)
    #expect(chosen(shape(1, 448, 8, 8, oc: 512, k: (1, 3), pads: (0, 1, 0, 1))) != .winogradLine)
    // Few channels, stride 2, dilation, groups, padding across the axis, unmeasured lengths.
    #expect(chosen(shape(1, 16, 17, 17, oc: 64, k: (1, 7), pads: (0, 3, 0, 3))) != .winogradLine)
    #expect(chosen(shape(1, 64, 17, 17, oc: 64, k: (1, 7), stride: (2, 2), pads: (0, 3, 0, 3))) != .winogradLine)
    #expect(chosen(shape(1, 64, 17, 17, oc: 64, k: (1, 7), dilation: (2, 2), pads: (0, 6, 0, 6))) != .winogradLine)
    #expect(chosen(shape(1, 64, 17, 17, oc: 64, k: (1, 7), pads: (0, 3, 0, 3), groups: 2)) != .winogradLine)
    #expect(!ConvolutionAlgorithm.winogradLine.supports(shape(1, 64, 17, 17, oc: 64, k: (1, 7), pads: (1, 3, 1, 3))))
    #expect(chosen(shape(1, 64, 17, 17, oc: 64, k: (1, 5), pads: (0, 2, 0, 2))) != .winogradLine)
    #expect(!ConvolutionAlgorithm.winogradLine.supports(shape(1, 64, 20, 20, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))))
    #expect(!ConvolutionAlgorithm.winogradLine.supports(shape(1, 64, 20, 20, oc: 64, k: (1, 1))))
}

@Test("Small maps with long reductions take the channel-vector form where it pays; others do not")
func channelStripSelection() throws {
    func selects(_ s: Conv2DShape, _ kernel: MicroKernel) -> Bool {
        ConvolutionAlgorithm.choose(for: s, microKernel: kernel) == .channelStrips
    }
    for kernel in MicroKernel.compiled {
        // ResNet50's 7×7 stage takes the AVX-512 C tile, but not with two zmm FMA ports and
        // 256+ outputs (`channelTileLosesToPixelStrips`); the Swift form does not, since 16-pixel
        // strips take its 49th pixel as a narrow tail (see `prefersChannelStrips`).
        let tile = Conv2D.hasChannelTile(kernel)
        let wideTile = tile && !kernel.hasTwoZmmFMAPorts
        #expect(selects(shape(1, 2048, 7, 7, oc: 512, k: (1, 1)), kernel) == wideTile, "\(kernel)")
        #expect(selects(shape(1, 512, 7, 7, oc: 2048, k: (1, 1)), kernel) == wideTile, "\(kernel)")
        #expect(selects(shape(1, 2080, 8, 8, oc: 384, k: (1, 1)), kernel) == false, "\(kernel)")
        #expect(selects(shape(1, 256, 7, 7, oc: 80, k: (1, 1)), kernel) == tile, "\(kernel)")
        #expect(selects(shape(1, 960, 7, 7, oc: 160, k: (1, 1)), kernel) == tile, "\(kernel)")
        // A 2×3 map's 6 pixels fill a 16-pixel strip 38% (6- and 8-pixel panels 75-100%):
        // every form takes channel strips.
        #expect(selects(shape(1, 512, 2, 3, oc: 64, k: (1, 1)), kernel), "\(kernel)")
        // Larger maps, short reductions and 8×8 maps (whose 64 pixels fill 16-wide strips) do not.
        #expect(!selects(shape(1, 256, 14, 14, oc: 256, k: (3, 3), pads: (1, 1, 1, 1)), kernel))
        #expect(!selects(shape(1, 256, 56, 56, oc: 64, k: (1, 1)), kernel))
        #expect(!selects(shape(1, 64, 7, 7, oc: 64, k: (1, 1)), kernel))
        #expect(!selects(shape(1, 448, 8, 8, oc: 2080, k: (1, 1)), kernel))
    }
}

/// Seeded input, weights, optional bias and residual for a relu convolution (drawn in that
/// order), its scalar reference, and a run whose output goes over the residual.
private struct ResidualAliasingData {
    let input: [Float], weights: [Float], bias: [Float]?, residual: [Float], expected: [Float]

    init(shape s: Conv2DShape, seed: UInt64, bias withBias: Bool) {
        var values = SeededValues(seed: seed)
        input = values.array(s.inputCount)
        weights = values.array(s.weightCount)
        bias = withBias ? values.array(s.outChannels) : nil
        residual = values.array(s.outputCount)
        var expected = [Float](repeating: 0, count: s.outputCount)
        ReferenceKernels.conv2D(
            shape: s, input: input, weights: weights, bias: bias, residual: residual, activation: .relu,
            output: &expected)
        self.expected = expected
    }

    /// `conv` with `output` and `residual` the same buffer, which starts as the residual.
    func runOverResidual(_ conv: Conv2D, threads: Int, coresShareCache: Bool) -> [Float] {
        var inOut = residual
        inOut.withUnsafeMutableBufferPointer { y in
            conv.run(input: input, output: y.baseAddress!, residual: UnsafePointer(y.baseAddress!), activation: .relu,
                     threads: threads, coresShareCache: coresShareCache)
        }
        return inOut
    }
}

@Test("Conv2D residual may alias the output (in-place add)", arguments: [6, 40, 64, 33, 34], MicroKernel.supported)
func conv2DResidualAliasingOutput(channels: Int, kernel: MicroKernel) {
    // 40 channels × 9 taps = 360: more than one reduction block; 64 channels on 13×18: F(4×4);
    // 33 and 34: the 1-D F(3, 7) (F(6, 7)) along the width and the height.
    let s = switch channels {
    case 64: shape(1, channels, 13, 18, oc: 64, k: (3, 3), pads: (1, 1, 1, 1))
    case 33: shape(1, channels, 11, 15, oc: 36, k: (1, 7), pads: (0, 3, 0, 3))  // < 16 wide: no taps
    case 34: shape(1, channels, 17, 11, oc: 36, k: (7, 1), pads: (3, 0, 3, 0))
    default: shape(1, channels, 5, 7, oc: 8, k: (3, 3), pads: (1, 1, 1, 1))
    }
    let data = ResidualAliasingData(shape: s, seed: 7, bias: false)
    let conv = Conv2D(shape: s, weights: data.weights, bias: nil, microKernel: kernel)
    let inOut = data.runOverResidual(conv, threads: 1, coresShareCache: true)
    let expected = data.expected
    // F(4×4) and F(m, 7): the scale rule (see conv2DMatchesReference); relu keeps the largest outputs.
    if channels == 33 || channels == 34 { #expect(conv.algorithm == .winogradLine) }
    let scale = [.winograd4x4, .winogradLine].contains(conv.algorithm) ? expected.map(abs).max()! : nil
    #expect(worstViolation(inOut, expected, scale: scale) <= 1)
}

/// The runtime writes a fused convolution's output over its residual (`Session.isDisposable`):
/// every algorithm and path must read each residual element before it stores over it. Each
/// algorithm that supports the shape, with every variant the CPU runs: 3×3 (F(2×2), F(4×4),
/// pixel strips, channel strips, two reduction blocks), 1×1 read in place, 1×1 stride 2
/// (subsampled), and a single-block layer split by rows over 2 threads (shared packed B).
@Test("Every convolution algorithm may write over its residual", arguments: MicroKernel.supported)
func conv2DResidualAliasingEveryAlgorithm(kernel: MicroKernel) {
    let cases: [(Conv2DShape, Int)] = [
        (shape(1, 12, 9, 13, oc: 10, k: (3, 3), pads: (1, 1, 1, 1)), 1),
        (shape(2, 60, 7, 6, oc: 16, k: (3, 3), pads: (1, 1, 1, 1)), 2),
        (shape(1, 24, 10, 10, oc: 16, k: (1, 1)), 1),
        (shape(1, 8, 11, 37, oc: 12, k: (1, 1), stride: (2, 2)), 2),
        (shape(1, 96, 17, 17, oc: 200, k: (1, 1)), 2),
    ]
    let algorithms: [ConvolutionAlgorithm] = [.pixelStrips, .channelStrips, .winograd2x2, .winograd4x4, .winogradLine]
    for (s, threads) in cases {
        let data = ResidualAliasingData(shape: s, seed: 11, bias: true)
        let expected = data.expected
        // Two threads: on one die (one shared packed B, Winograd phases shared) and across dies.
        for algorithm in algorithms where algorithm.supports(s) {
            for shareCache in threads > 1 ? [true, false] : [true] {
                let conv = Conv2D(shape: s, weights: data.weights, bias: data.bias, microKernel: kernel, algorithm: algorithm)
                let inOut = data.runOverResidual(conv, threads: threads, coresShareCache: shareCache)
                let scale = [.winograd4x4, .winogradLine].contains(algorithm) ? expected.map(abs).max()! : nil
                #expect(worstViolation(inOut, expected, scale: scale) <= 1,
                        "\(s) \(algorithm) \(kernel.name), \(threads) threads, shared cache \(shareCache)")
            }
        }
    }
}

@Test("Conv2DShape output sizes follow the ONNX formula")
func conv2DShapeOutputSize() {
    let stem = shape(1, 3, 224, 224, oc: 64, k: (7, 7), stride: (2, 2), pads: (3, 3, 3, 3))
    #expect(stem.outHeight == 112 && stem.outWidth == 112)
    let tfSame = shape(1, 3, 299, 299, oc: 32, k: (3, 3), stride: (2, 2))
    #expect(tfSame.outHeight == 149 && tfSame.outWidth == 149)
    let dilated = shape(1, 1, 10, 10, oc: 1, k: (3, 3), dilation: (3, 3))
    #expect(dilated.outHeight == 4)
    #expect(!shape(1, 3, 2, 2, oc: 1, k: (3, 3)).isValid)
}

@Test("1x1 inputs go in place up to the L2 limit of this host: past the L2 only where it is 2 MB or more")
func inPlaceInputLimitFollowsTheL2() {
    func readsInPlace(channels: Int, side: Int, outputs: Int) -> Bool {
        let s = Conv2DShape(
            batch: 1, inChannels: channels, inHeight: side, inWidth: side, outChannels: outputs,
            kernelHeight: 1, kernelWidth: 1)
        return Conv2D(shape: s, weights: [Float](repeating: 0, count: s.weightCount), bias: nil).readsInputInPlace
    }
    // ResNet50's 256 → 64 at 56×56: 3.2 MB of input.
    #expect(readsInPlace(channels: 256, side: 56, outputs: 64) == (CacheSize.l2Bytes >= 2 << 20))
    // Always in place: 64 → 64 at 56×56 (800 KB); never: 256 outputs, or 16 MB of input.
    #expect(readsInPlace(channels: 64, side: 56, outputs: 64))
    #expect(!readsInPlace(channels: 64, side: 56, outputs: 256))
    #expect(!readsInPlace(channels: 1024, side: 64, outputs: 64) || CacheSize.l2Bytes >= 8 << 20)
}
