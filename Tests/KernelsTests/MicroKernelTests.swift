@testable import Kernels
import Testing

/// Both multiply-add forms (the one chosen at run time depends on the build's CPU flags) must
/// compute the same 6 × 16 tile as a plain double-precision loop.
@Test("Micro-kernel tile matches a scalar product with either multiply-add form", arguments: [false, true])
func microKernelTile(fused: Bool) {
    let depth = 37
    var values = SeededValues(seed: 99)
    let a = values.array(depth * MicroKernel.rows)
    let b = values.array(depth * 16)
    let tile = a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            fused
                ? MicroKernel.multiply(depth: depth, a: ap.baseAddress!, b: bp.baseAddress!, using: FusedMultiplyAdd.self)
                : MicroKernel.multiply(depth: depth, a: ap.baseAddress!, b: bp.baseAddress!, using: SeparateMultiplyAdd.self)
        }
    }
    let rows = [tile.r0, tile.r1, tile.r2, tile.r3, tile.r4, tile.r5]
    var actual: [Float] = []
    var expected: [Float] = []
    for r in 0..<MicroKernel.rows {
        for j in 0..<16 {
            var sum: Double = 0
            for k in 0..<depth { sum += Double(a[k * MicroKernel.rows + r]) * Double(b[k * 16 + j]) }
            expected.append(Float(sum))
            actual.append(rows[r][j])
        }
    }
    #expect(worstViolation(actual, expected) <= 1)
}
