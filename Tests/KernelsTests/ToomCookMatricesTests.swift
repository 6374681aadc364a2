@testable import Kernels
import Testing

/// The 1-D Winograd matrices satisfy their identity y = Aᵀ[(G g) ⊙ (Bᵀ d)] = the direct
/// correlation y_j = Σ_k g_k d_{j+k} (computed here by its definition), in Double, for every
/// tile the runtime chooses and the neighbouring ones.
@Test("Toom-Cook F(m, r) matrices reproduce the direct correlation", arguments: [
    (2, 3), (4, 3), (6, 3), (2, 5), (2, 7), (3, 7), (4, 7), (6, 7), (2, 11),
])
func toomCookIdentity(_ m: Int, _ r: Int) {
    let matrices = ToomCookMatrices(outputs: m, taps: r)
    #expect(matrices.inputs == m + r - 1)
    var values = SeededValues(seed: UInt64(m * 100 + r))
    for _ in 0..<20 {
        let g = values.array(r).map(Double.init)
        let d = values.array(m + r - 1).map(Double.init)
        let y = matrices.correlate(filter: g, inputs: d)
        for j in 0..<m {
            let direct = (0..<r).reduce(0.0) { $0 + g[$1] * d[j + $1] }
            #expect(abs(y[j] - direct) <= 1e-9 * max(1, abs(direct)), "F(\(m), \(r)) output \(j)")
        }
    }
}

/// The chosen tiles: F(3, 7) for 7 taps (F(6, 7) on axes of up to 18 outputs with two 512-bit
/// FMA ports), F(4, 3) for 3, and a tile within the C transforms' 12 inputs for every length the
/// 1-D form supports, with every micro-kernel.
@Test("The 1-D Winograd tile fits every supported filter length", arguments: MicroKernel.supported)
func lineTileFits(kernel: MicroKernel) {
    let short = ConvolutionAlgorithm.shortLineLength
    #expect(ConvolutionAlgorithm.lineOutputTile(taps: 7, length: 17, microKernel: kernel) == (kernel.hasTwoZmmFMAPorts ? 6 : 3))
    #expect(ConvolutionAlgorithm.lineOutputTile(taps: 7, length: short + 1, microKernel: kernel) == 3)
    #expect(ConvolutionAlgorithm.lineOutputTile(taps: 7, length: 73, microKernel: kernel) == 3)
    #expect(ConvolutionAlgorithm.lineOutputTile(taps: 3, length: 8, microKernel: kernel) == 4)
    for taps in 2...11 {
        for length in [1, 8, short, 35] {
            #expect(ConvolutionAlgorithm.lineOutputTile(taps: taps, length: length, microKernel: kernel) + taps - 1 <= 12, "\(taps) taps")
        }
    }
}
