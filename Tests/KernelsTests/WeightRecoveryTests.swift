import Kernels
import Testing

/// `Conv2D.recoverWeights` gives back exactly the weights a packed kernel was built from (the
/// runtime drops its own copy on that promise), for every case of the convolution table, every
/// algorithm it can run them with, and every micro-kernel this CPU runs.
@Test("Packed convolutions give back their exact weights; Winograd ones say they cannot", arguments: convCases, MicroKernel.supported)
func packedWeightsRecover(_ c: ConvCase, _ kernel: MicroKernel) throws {
    let s = c.shape
    var values = SeededValues(seed: UInt64(s.weightCount &* 7 &+ 3))
    let weights = values.array(s.weightCount)
    for algorithm in ConvolutionAlgorithm.allCases where algorithm.supports(s) {
        let conv = weights.withUnsafeBufferPointer {
            Conv2D(shape: s, weights: $0.baseAddress!, bias: nil, microKernel: kernel, algorithm: algorithm)
        }
        switch algorithm {
        case .winograd2x2, .winograd4x4, .winogradLine:
            #expect(!conv.canRecoverWeights, "\(c.name) \(algorithm)")
            #expect(conv.recoverWeights() == nil, "\(c.name) \(algorithm)")
        case .pixelStrips, .channelStrips:
            #expect(conv.canRecoverWeights, "\(c.name) \(algorithm)")
            let recovered = try #require(conv.recoverWeights(), "\(c.name) \(algorithm) \(kernel)")
            // The first difference, not `recovered == weights`: a failing #expect diffs whole
            // collections, which takes minutes on the larger cases.
            let firstDifference = recovered.indices.first { recovered[$0] != weights[$0] }
            #expect(recovered.count == weights.count && firstDifference == nil,
                    "\(c.name) \(algorithm) \(kernel): first difference at \(firstDifference.map(String.init) ?? "none")")
        }
    }
}
