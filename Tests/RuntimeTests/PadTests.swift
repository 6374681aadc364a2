@testable import Runtime
import Testing

/// Constant Pad on maps large enough to be split over the threads (the conformance cases are
/// a few elements and run on one): every output element against the definition, computed
/// element by element here, for zero and non-zero fill, leading-axis pads and one-sided pads.
@Suite struct PadTests {
    static let cases: [(shape: [Int], pads: [Int], value: Float)] = [
        ([1, 64, 112, 112], [0, 0, 1, 1, 0, 0, 1, 1], 0),     // ResNet50's stem pool Pad
        ([2, 5, 37, 41], [0, 1, 2, 3, 1, 0, 4, 0], -2.5),
        ([3, 33, 65], [1, 0, 0, 0, 2, 7], 1),
        ([2, 8, 300], [0, 0, 0, 0, 0, 0], 0),
    ]

    @Test("constant Pad equals its definition on 1 and 2 threads", arguments: cases)
    func constantPad(shape: [Int], pads: [Int], value: Float) throws {
        let count = shape.reduce(1, *)
        let x = TensorValue(shape: shape, floats: (0..<count).map { Float($0 % 1013) * 0.25 - 100 })
        let rank = shape.count
        let outShape = (0..<rank).map { shape[$0] + pads[$0] + pads[$0 + rank] }
        for threads in [1, 2] {
            let y = try OperatorTable.pad(x, pads: pads, axes: nil, mode: "constant", value: value, ExecutionContext(threads: threads))
            #expect(y.shape == outShape)
            var index = [Int](repeating: 0, count: rank)
            var mismatches = 0
            for o in 0..<y.count {
                var rest = o, source = 0, step = 1, inside = true
                for k in stride(from: rank - 1, through: 0, by: -1) {
                    index[k] = rest % outShape[k]
                    rest /= outShape[k]
                    let i = index[k] - pads[k]
                    if i < 0 || i >= shape[k] { inside = false }
                    source += i * step
                    step *= shape[k]
                }
                let expected = inside ? x.floats[source] : value
                if y.floats[o] != expected { mismatches += 1 }
            }
            #expect(mismatches == 0, "\(shape) pads \(pads) on \(threads) threads: \(mismatches) wrong elements")
        }
    }
}
