import Kernels
import Testing

/// A 1×1 convolution on a 7×7 map in the channel-vector form (forced: without the AVX-512 C tile
/// pixel strips are chosen there) with bias and residual: our output and the scalar
/// reference's, on seeded inputs.
private func pointwiseOn7x7(
    inChannels: Int, outChannels: Int, batch: Int, seed: UInt64, activation: Activation, threads: Int,
    kernel: MicroKernel
) -> (conv: Conv2D, actual: [Float], expected: [Float]) {
    let s = Conv2DShape(
        batch: batch, inChannels: inChannels, inHeight: 7, inWidth: 7, outChannels: outChannels,
        kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1,
        padTop: 0, padLeft: 0, padBottom: 0, padRight: 0)
    var values = SeededValues(seed: seed)
    let input = values.array(s.inputCount)
    let weights = values.array(s.weightCount)
    let bias = values.array(s.outChannels)
    let residual = values.array(s.outputCount)
    var expected = [Float](repeating: 0, count: s.outputCount)
    ReferenceKernels.conv2D(
        shape: s, input: input, weights: weights, bias: bias, residual: residual, activation: activation, output: &expected)
    let conv = Conv2D(shape: s, weights: weights, bias: bias, microKernel: kernel, algorithm: .channelStrips)
    var actual = [Float](repeating: .nan, count: s.outputCount)
    actual.withUnsafeMutableBufferPointer { y in
        conv.run(input: input, output: y.baseAddress!, residual: residual, activation: activation, threads: threads)
    }
    return (conv, actual, expected)
}

/// The channel-vector form past a 2048-deep reduction (where the AVX-512 C tile hands over to
/// the Swift store), every micro-kernel this CPU runs. Float sums over 2100 products of values
/// in [-1, 1] round at about 1e-4 absolute, so the absolute tolerance is 1e-4.
@Test("Channel strips past a 2048-deep reduction match the scalar reference", arguments: MicroKernel.supported)
func channelStripsDeepReduction(_ kernel: MicroKernel) {
    let run = pointwiseOn7x7(
        inChannels: 2100, outChannels: 48, batch: 1, seed: 2100, activation: .relu, threads: 1, kernel: kernel)
    #expect(run.conv.usesChannelStrips)
    #expect(worstViolation(run.actual, run.expected, atol: 1e-4) <= 1, "\(kernel)")
}

/// Two threads over an odd number of 16-channel strip pairs (80 channels: 3 pairs) take single
/// strips, so the work splits evenly; the result must not depend on it.
@Test("Channel strips over two threads with an odd number of strip pairs", arguments: MicroKernel.supported)
func channelStripsOddPairsTwoThreads(_ kernel: MicroKernel) {
    let run = pointwiseOn7x7(
        inChannels: 160, outChannels: 80, batch: 2, seed: 80, activation: .clip(min: 0, max: 6), threads: 2, kernel: kernel)
    #expect(worstViolation(run.actual, run.expected) <= 1, "\(kernel)")
}

/// 1×1 convolutions in the channel-vector form whose input the AVX-512 tile reads in place
/// (stride 1, no padding, whole 7- or 8-pixel panels), next to ones it must still pack
/// (partial last panel, padding, stride 2), grouped and batched, on 1 and 2 threads: each
/// against the scalar reference, every micro-kernel this CPU runs.
let channelStripInPlaceCases: [ConvCase] = [
    ConvCase(name: "1x1 7x7 (7-pixel panels, in place), batch 2, residual", shape: pointwise(2, 136, 7, 7, oc: 40),
             residual: true, activation: .clip(min: 0, max: 6), threads: 2, algorithm: .channelStrips),
    ConvCase(name: "1x1 7x7 160 channels on 2 threads (4 pairs + 2 single strips)", shape: pointwise(1, 144, 7, 7, oc: 160),
             residual: true, activation: .clip(min: 0, max: 6), threads: 2, algorithm: .channelStrips),
    ConvCase(name: "1x1 7x7 100 channels on 2 threads (2 pairs + 3 singles, the last partial), batch 2",
             shape: pointwise(2, 136, 7, 7, oc: 100), activation: .relu, threads: 2, algorithm: .channelStrips),
    ConvCase(name: "1x1 8x8 (8-pixel panels, in place)", shape: pointwise(1, 130, 8, 8, oc: 33),
             activation: .relu, algorithm: .channelStrips),
    ConvCase(name: "1x1 2x4 (one 8-pixel panel: the next pair's weights prefetched two lines a step), 3 pairs",
             shape: pointwise(1, 150, 2, 4, oc: 96), residual: true, algorithm: .channelStrips),
    ConvCase(name: "1x1 6x6 (partial 8-pixel panel, packed)", shape: pointwise(1, 129, 6, 6, oc: 48),
             residual: true, algorithm: .channelStrips),
    ConvCase(name: "1x1 7x7 grouped (2 groups, in place), 2 threads", shape: pointwise(1, 256, 7, 7, oc: 64, groups: 2),
             activation: .leakyRelu(alpha: 0.1), threads: 2, algorithm: .channelStrips),
    ConvCase(name: "1x1 5x5 padded to 7x7 (packed)", shape: pointwise(1, 140, 5, 5, oc: 32, pad: 1), bias: false,
             algorithm: .channelStrips),
    ConvCase(name: "1x1/2 14x14 -> 7x7 (packed)", shape: pointwise(2, 144, 14, 14, oc: 32, stride: 2),
             residual: true, threads: 2, algorithm: .channelStrips),
]

private func pointwise(
    _ n: Int, _ c: Int, _ h: Int, _ w: Int, oc: Int, groups: Int = 1, pad: Int = 0, stride: Int = 1
) -> Conv2DShape {
    Conv2DShape(
        batch: n, inChannels: c, inHeight: h, inWidth: w, outChannels: oc, kernelHeight: 1, kernelWidth: 1,
        strideHeight: stride, strideWidth: stride, padTop: pad, padLeft: pad, padBottom: pad, padRight: pad, groups: groups)
}

@Test("Channel strips reading 1x1 inputs in place match the scalar reference",
      arguments: channelStripInPlaceCases, MicroKernel.supported)
func channelStripsInPlace(_ c: ConvCase, _ kernel: MicroKernel) {
    let s = c.shape
    var values = SeededValues(seed: UInt64(s.inputCount &* 31 &+ s.outChannels))
    let input = values.array(s.inputCount)
    let weights = values.array(s.weightCount)
    let bias = values.array(s.outChannels)
    let residual = values.array(s.outputCount)
    var expected = [Float](repeating: 0, count: s.outputCount)
    var actual = [Float](repeating: .nan, count: s.outputCount)
    var usesChannelStrips = false
    bias.withUnsafeBufferPointer { b in
        residual.withUnsafeBufferPointer { r in
            let biasPointer = c.bias ? b.baseAddress : nil
            let residualPointer = c.residual ? r.baseAddress : nil
            ReferenceKernels.conv2D(
                shape: s, input: input, weights: weights, bias: biasPointer, residual: residualPointer,
                activation: c.activation, output: &expected)
            let conv = Conv2D(shape: s, weights: weights, bias: biasPointer, microKernel: kernel, algorithm: c.algorithm)
            usesChannelStrips = conv.usesChannelStrips
            actual.withUnsafeMutableBufferPointer { y in
                conv.run(input: input, output: y.baseAddress!, residual: residualPointer, activation: c.activation,
                         threads: c.threads)
            }
        }
    }
    #expect(usesChannelStrips)
    #expect(worstViolation(actual, expected) <= 1, "\(c.name), \(kernel)")
}
