import Kernels
import Testing

private func depthwise(
    _ n: Int, _ c: Int, _ h: Int, _ w: Int, k: Int, stride: Int, pads: (Int, Int, Int, Int)
) -> Conv2DShape {
    Conv2DShape(batch: n, inChannels: c, inHeight: h, inWidth: w, outChannels: c, kernelHeight: k, kernelWidth: k,
                strideHeight: stride, strideWidth: stride,
                padTop: pads.0, padLeft: pads.1, padBottom: pads.2, padRight: pads.3, groups: c)
}

/// Depthwise cases: MobileNet/EfficientNet shapes shrunk to odd sizes, both strides, the
/// epilogues the fusion pass produces (BN folded into bias, ReLU6 as Clip, residual), 2 threads.
let depthwiseCases: [ConvCase] = [
    ConvCase(name: "3x3 s1 pad 1, ReLU6", shape: depthwise(1, 5, 9, 11, k: 3, stride: 1, pads: (1, 1, 1, 1)),
             activation: .clip(min: 0, max: 6)),
    ConvCase(name: "3x3 s2 pad 1, odd size, ReLU6", shape: depthwise(1, 6, 13, 15, k: 3, stride: 2, pads: (1, 1, 1, 1)),
             activation: .clip(min: 0, max: 6)),
    ConvCase(name: "3x3 s2 TF-same pads (0,0,1,1)", shape: depthwise(1, 4, 12, 12, k: 3, stride: 2, pads: (0, 0, 1, 1))),
    ConvCase(name: "5x5 s1 pad 2, wide rows (vector + tail)", shape: depthwise(1, 3, 7, 37, k: 5, stride: 1, pads: (2, 2, 2, 2)),
             activation: .relu),
    ConvCase(name: "5x5 s2 pad 2, batch 2, 2 threads", shape: depthwise(2, 7, 17, 19, k: 5, stride: 2, pads: (2, 2, 2, 2)),
             threads: 2),
    ConvCase(name: "3x3 s1 residual, no bias", shape: depthwise(2, 3, 6, 21, k: 3, stride: 1, pads: (1, 1, 1, 1)), bias: false,
             residual: true, activation: .leakyRelu(alpha: 0.1), threads: 2),
    ConvCase(name: "7x7 s1 pad 3 (ConvNeXt)", shape: depthwise(1, 4, 9, 8, k: 7, stride: 1, pads: (3, 3, 3, 3))),
    ConvCase(name: "3x3 no pad, sigmoid", shape: depthwise(1, 2, 5, 5, k: 3, stride: 1, pads: (0, 0, 0, 0)), activation: .sigmoid),
    ConvCase(name: "3x3 s2 32 wide, residual", shape: depthwise(1, 3, 8, 64, k: 3, stride: 2, pads: (1, 1, 1, 1)),
             residual: true, activation: .relu),
    // Row widths around the vector widths (8 and 16 lanes): full vectors, one lane over, tails.
    ConvCase(name: "3x3 s1 widths 16/17", shape: depthwise(1, 3, 5, 17, k: 3, stride: 1, pads: (1, 1, 1, 1)),
             activation: .clip(min: 0, max: 6)),
    ConvCase(name: "3x3 s2 33 wide (17 outputs)", shape: depthwise(1, 3, 7, 33, k: 3, stride: 2, pads: (1, 1, 1, 1)),
             residual: true, activation: .clip(min: 0, max: 6)),
    ConvCase(name: "3x3 s1 7x7 map (MobileNetV2's last stage), 2 threads",
             shape: depthwise(1, 9, 7, 7, k: 3, stride: 1, pads: (1, 1, 1, 1)), residual: true, threads: 2),
    ConvCase(name: "3x3 s2 14 -> 7", shape: depthwise(2, 5, 14, 14, k: 3, stride: 2, pads: (1, 1, 1, 1)),
             activation: .clip(min: 0, max: 6)),
    ConvCase(name: "5x5 s2 TF-same pads (1,1,2,2)", shape: depthwise(1, 3, 16, 16, k: 5, stride: 2, pads: (1, 1, 2, 2))),
    ConvCase(name: "3x3 1-wide column", shape: depthwise(1, 2, 9, 1, k: 3, stride: 1, pads: (1, 1, 1, 1)), activation: .relu),
    ConvCase(name: "3x3 pads wider than the kernel reach", shape: depthwise(1, 2, 4, 5, k: 3, stride: 2, pads: (3, 4, 3, 4)),
             residual: true),
    ConvCase(name: "6x6 s1 (run-time kernel size)", shape: depthwise(1, 3, 11, 20, k: 6, stride: 1, pads: (2, 3, 3, 2)),
             activation: .tanh),
    ConvCase(name: "1x1 s2", shape: depthwise(1, 3, 9, 40, k: 1, stride: 2, pads: (0, 0, 0, 0))),
    // Maps narrower than a vector; fewer output rows than input rows.
    ConvCase(name: "3x3 s1 14x14, residual, batch 2", shape: depthwise(2, 4, 14, 14, k: 3, stride: 1, pads: (1, 1, 1, 1)),
             residual: true, activation: .clip(min: 0, max: 6)),
    // More channels, batch 2, a non-clamp activation applied after the kernel.
    ConvCase(name: "3x3 s1 24 channels at 7x7, batch 2, residual, leaky ReLU",
             shape: depthwise(2, 24, 7, 7, k: 3, stride: 1, pads: (1, 1, 1, 1)), residual: true,
             activation: .leakyRelu(alpha: 0.1)),
    ConvCase(name: "3x3 s2 42 channels 14 -> 7, 2 threads",
             shape: depthwise(1, 42, 14, 14, k: 3, stride: 2, pads: (1, 1, 1, 1)), bias: false,
             activation: .clip(min: 0, max: 6), threads: 2),
    // Small stride-1 maps run as one flat run of pixels per plane (AVX-512: rows up to 8 wide,
    // up to 8 vectors a plane): vectors crossing row ends, the last group of four partly empty,
    // asymmetric pads (fewer output rows than input rows), 5×5, and runs of planes split
    // mid-channel over 2 threads (130 channels × batch 2 at 7×7: 3 work items of 87 planes).
    ConvCase(name: "3x3 s1 7x7 flat, 130 channels, batch 2, 2 threads, ReLU6",
             shape: depthwise(2, 130, 7, 7, k: 3, stride: 1, pads: (1, 1, 1, 1)), residual: true,
             activation: .clip(min: 0, max: 6), threads: 2),
    ConvCase(name: "3x3 s1 8x16 flat (8 vectors), no bias", shape: depthwise(1, 5, 16, 8, k: 3, stride: 1, pads: (1, 1, 1, 1)),
             bias: false, activation: .relu),
    ConvCase(name: "3x3 s1 9x8 flat (5 vectors), pads (0,1,1,1)", shape: depthwise(1, 3, 9, 8, k: 3, stride: 1, pads: (0, 1, 1, 1)),
             residual: true),
    ConvCase(name: "5x5 s1 6x6 flat, pads (2,2,1,2)", shape: depthwise(2, 3, 6, 6, k: 5, stride: 1, pads: (2, 2, 1, 2)),
             activation: .clip(min: -0.5, max: 0.5), threads: 2),
    ConvCase(name: "3x3 s1 3x3 map flat, pads wider than the kernel reach rows",
             shape: depthwise(1, 4, 3, 3, k: 3, stride: 1, pads: (2, 1, 2, 1)), activation: .sigmoid),
    ConvCase(name: "3x3 s1 28x28, 2 threads in runs of planes", shape: depthwise(1, 19, 28, 28, k: 3, stride: 1, pads: (1, 1, 1, 1)),
             residual: true, activation: .leakyRelu(alpha: 0.2), threads: 2),
    // Stride 2 onto rows of at most 8 outputs: two output rows per AVX-512 vector (an odd
    // last row alone), kernel column pairs split into even and odd lanes.
    ConvCase(name: "3x3 s2 13x9 -> 7x5 (odd row count), 70 channels, batch 2, 2 threads, residual",
             shape: depthwise(2, 70, 13, 9, k: 3, stride: 2, pads: (1, 1, 1, 1)), residual: true,
             activation: .clip(min: 0, max: 6), threads: 2),
    ConvCase(name: "5x5 s2 11x15 -> 6x8, residual", shape: depthwise(1, 3, 11, 15, k: 5, stride: 2, pads: (2, 2, 2, 2)),
             residual: true, activation: .relu),
    ConvCase(name: "3x3 s2 no pad 9x9 -> 4x4, no bias", shape: depthwise(1, 3, 9, 9, k: 3, stride: 2, pads: (0, 0, 0, 0)),
             bias: false, activation: .sigmoid),
    // Rows wider than one pass of column masks (512 outputs with AVX-512, 256 with AVX2).
    ConvCase(name: "3x3 s1 600 wide, residual", shape: depthwise(1, 2, 5, 600, k: 3, stride: 1, pads: (1, 1, 1, 1)),
             residual: true, activation: .relu),
    ConvCase(name: "3x3 s2 1100 wide (550 outputs)", shape: depthwise(1, 2, 6, 1100, k: 3, stride: 2, pads: (1, 1, 1, 1))),
    // Rows of whole 8-output blocks and a partial last block, odd widths and one-sided pads (AVX2:
    // the scratch plane's even/odd split for stride 2 with an even and an odd left pad).
    ConvCase(name: "3x3 s2 9x61 -> 4x31, pads (1,0,0,1), residual", shape: depthwise(1, 3, 9, 61, k: 3, stride: 2, pads: (1, 0, 0, 1)),
             residual: true, activation: .clip(min: 0, max: 6)),
    ConvCase(name: "5x5 s2 8x70 -> 4x35, residual", shape: depthwise(1, 2, 8, 70, k: 5, stride: 2, pads: (2, 2, 2, 2)),
             residual: true, activation: .relu),
    ConvCase(name: "3x3 s1 7x43, no pad, residual", shape: depthwise(2, 3, 7, 43, k: 3, stride: 1, pads: (0, 0, 0, 0)),
             residual: true),
    ConvCase(name: "5x5 s1 13 wide, fewer output rows than input rows",
             shape: depthwise(1, 3, 13, 13, k: 5, stride: 1, pads: (2, 2, 1, 2)), activation: .relu),
    // A plane too large for the AVX2 scratch (64 MB), which then runs the portable form.
    ConvCase(name: "3x3 s1 3000x3000 plane (past the AVX2 scratch limit), residual",
             shape: depthwise(1, 1, 3000, 3000, k: 3, stride: 1, pads: (1, 1, 1, 1)), residual: true,
             activation: .clip(min: 0, max: 6)),
]

/// Asymmetric kernels (3×5, 7×1) are depthwise too.
let asymmetricDepthwiseCases: [ConvCase] = {
    var wide = depthwise(1, 3, 10, 23, k: 3, stride: 1, pads: (1, 2, 1, 2))
    wide.kernelWidth = 5
    var tall = depthwise(2, 2, 12, 9, k: 7, stride: 2, pads: (3, 0, 3, 0))
    tall.kernelWidth = 1
    var flatWide = depthwise(1, 3, 5, 6, k: 3, stride: 1, pads: (1, 2, 1, 2))
    flatWide.kernelWidth = 5
    var flatTall = depthwise(1, 2, 8, 4, k: 7, stride: 1, pads: (3, 0, 3, 0))
    flatTall.kernelWidth = 1
    return [
        ConvCase(name: "3x5 s1", shape: wide, activation: .clip(min: -1, max: 1)),
        ConvCase(name: "3x5 s1 6 wide (flat)", shape: flatWide, residual: true, activation: .relu),
        ConvCase(name: "7x1 s1 4 wide (flat)", shape: flatTall),
        ConvCase(name: "7x1 s2, batch 2", shape: tall, residual: true, threads: 2),
    ]
}()

@Test("DepthwiseConv2D matches the scalar reference, every variant the CPU runs",
      arguments: depthwiseCases + asymmetricDepthwiseCases, DepthwiseVariant.supported)
func depthwiseMatchesReference(_ c: ConvCase, _ variant: DepthwiseVariant) throws {
    let s = c.shape
    #expect(DepthwiseConv2D.suits(s))
    var values = SeededValues(seed: UInt64(s.inputCount &* 17 &+ s.weightCount))
    let input = values.array(s.inputCount)
    let weights = values.array(s.weightCount)
    let bias = values.array(s.outChannels)
    let residual = values.array(s.outputCount)
    var expected = [Float](repeating: 0, count: s.outputCount)
    var actual = [Float](repeating: .nan, count: s.outputCount)
    weights.withUnsafeBufferPointer { w in
        bias.withUnsafeBufferPointer { b in
            input.withUnsafeBufferPointer { x in
                residual.withUnsafeBufferPointer { r in
                    let biasPointer = c.bias ? b.baseAddress : nil
                    let residualPointer = c.residual ? r.baseAddress : nil
                    ReferenceKernels.conv2D(
                        shape: s, input: x.baseAddress!, weights: w.baseAddress!, bias: biasPointer,
                        residual: residualPointer, activation: c.activation, output: &expected)
                    let conv = DepthwiseConv2D(shape: s, weights: w.baseAddress!, bias: biasPointer, variant: variant)
                    actual.withUnsafeMutableBufferPointer { y in
                        conv.run(input: x.baseAddress!, output: y.baseAddress!, residual: residualPointer,
                                 activation: c.activation, threads: c.threads)
                    }
                }
            }
        }
    }
    #expect(worstViolation(actual, expected) <= 1, "\(c.name), \(variant)")
}

/// The runtime fuses a residual Add into the depthwise kernel and writes over the residual
/// (`Session.isDisposable`): every element must be read before anything stores over it. Row
/// widths that are not a multiple of the vector (7, 14, 3: a row's last vector reaches into the
/// next row, or two rows on), both strides, ReLU6, 2 threads splitting planes mid-layer; the
/// output buffer is followed by a guard region that must stay untouched.
@Test("DepthwiseConv2D may write over its residual, every variant the CPU runs",
      arguments: DepthwiseVariant.supported)
func depthwiseResidualAliasingOutput(_ variant: DepthwiseVariant) {
    let shapes: [(Conv2DShape, Int)] = [
        (depthwise(1, 9, 7, 7, k: 3, stride: 1, pads: (1, 1, 1, 1)), 1),
        (depthwise(2, 7, 14, 14, k: 3, stride: 2, pads: (1, 1, 1, 1)), 2),
        (depthwise(1, 6, 14, 14, k: 3, stride: 1, pads: (1, 1, 1, 1)), 2),
        (depthwise(1, 5, 28, 28, k: 3, stride: 2, pads: (0, 0, 1, 1)), 1),
        (depthwise(1, 4, 3, 3, k: 3, stride: 1, pads: (1, 1, 1, 1)), 1),
        (depthwise(1, 3, 11, 13, k: 5, stride: 1, pads: (2, 2, 2, 2)), 1),
        (depthwise(2, 65, 7, 7, k: 3, stride: 1, pads: (1, 1, 1, 1)), 2),
    ]
    let guardCount = 64
    for (s, threads) in shapes {
        var values = SeededValues(seed: UInt64(s.outputCount))
        let input = values.array(s.inputCount)
        let weights = values.array(s.weightCount)
        let bias = values.array(s.outChannels)
        let residual = values.array(s.outputCount)
        var expected = [Float](repeating: 0, count: s.outputCount)
        ReferenceKernels.conv2D(shape: s, input: input, weights: weights, bias: bias, residual: residual,
                                activation: .clip(min: 0, max: 6), output: &expected)
        var inOut = residual + [Float](repeating: -7, count: guardCount)
        weights.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let conv = DepthwiseConv2D(shape: s, weights: w.baseAddress!, bias: b.baseAddress!, variant: variant)
                inOut.withUnsafeMutableBufferPointer { y in
                    conv.run(input: input, output: y.baseAddress!, residual: UnsafePointer(y.baseAddress!),
                             activation: .clip(min: 0, max: 6), threads: threads)
                }
            }
        }
        #expect(worstViolation(Array(inOut[..<s.outputCount]), expected) <= 1, "\(s), \(variant)")
        #expect(inOut[s.outputCount...].allSatisfy { $0 == -7 }, "wrote past the output: \(s), \(variant)")
    }
}

@Test("Every depthwise variant this CPU runs is offered, the portable one last")
func depthwiseVariants() {
    let names = DepthwiseVariant.supported.map(\.name)
    #expect(names.last == "portable")
    #expect(names.contains(MicroKernel.preferred.name))
    #expect(DepthwiseVariant.preferred.name == MicroKernel.preferred.name)
}

@Test("Only plain depthwise shapes take the direct kernel")
func depthwiseSelection() {
    #expect(DepthwiseConv2D.suits(depthwise(1, 32, 112, 112, k: 3, stride: 1, pads: (1, 1, 1, 1))))
    // Channel multiplier 2, dilation, stride 3 and grouped (not depthwise) stay on the GEMM path.
    var multiplier = depthwise(1, 4, 8, 8, k: 3, stride: 1, pads: (1, 1, 1, 1))
    multiplier.outChannels = 8
    #expect(!DepthwiseConv2D.suits(multiplier))
    var dilated = depthwise(1, 4, 8, 8, k: 3, stride: 1, pads: (2, 2, 2, 2))
    dilated.dilationHeight = 2
    dilated.dilationWidth = 2
    #expect(!DepthwiseConv2D.suits(dilated))
    #expect(!DepthwiseConv2D.suits(depthwise(1, 4, 9, 9, k: 3, stride: 3, pads: (0, 0, 0, 0))))
    var grouped = depthwise(1, 8, 8, 8, k: 3, stride: 1, pads: (1, 1, 1, 1))
    grouped.groups = 4
    #expect(!DepthwiseConv2D.suits(grouped))
}
