import Kernels
import Testing

/// A 1×1 convolution on a 7×7 map (the channel-vector form) with bias and residual: our output
/// and the scalar reference's, on seeded inputs.
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
    let conv = Conv2D(shape: s, weights: weights, bias: bias, microKernel: kernel)
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
