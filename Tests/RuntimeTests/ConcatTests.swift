@testable import Runtime
import Testing

/// Concat puts every element where the ONNX definition says, whether it copies on one thread
/// or splits the copy over two (outputs of several hundred KB, segments cut mid-page), along
/// the first, a middle and the last axis. Each input element holds its own input number and
/// position, so a misplaced element names itself.
@Test("Concat places every element, on 1 and 2 threads, along every axis", arguments: [
    (0, 1), (0, 2), (1, 1), (1, 2), (2, 2), (3, 2),
])
func concatPlacesEveryElement(axis: Int, threads: Int) throws {
    let base = [2, 37, 41, 43]
    let sizes = [3, 50, 7]
    let values: [TensorValue] = sizes.enumerated().map { index, size in
        var shape = base
        shape[axis] = size
        let count = shape.reduce(1, *)
        return TensorValue(shape: shape, floats: (0..<count).map { Float(index * 1_000_000 + $0) })
    }
    let out = try OperatorTable.concat(values, axis: axis, ExecutionContext(threads: threads))
    var expectedShape = base
    expectedShape[axis] = sizes.reduce(0, +)
    #expect(out.shape == expectedShape)
    // Expected value of every output element from its multi-index.
    let outer = expectedShape[..<axis].reduce(1, *)
    let inner = expectedShape[(axis + 1)...].reduce(1, *)
    var firstWrong: Int? = nil
    for o in 0..<outer {
        var start = 0
        for (index, size) in sizes.enumerated() {
            for j in 0..<size {
                for i in 0..<inner {
                    let position = (o * expectedShape[axis] + start + j) * inner + i
                    let expected = Float(index * 1_000_000 + (o * size + j) * inner + i)
                    if firstWrong == nil && out.floats[position] != expected { firstWrong = position }
                }
            }
            start += size
        }
    }
    #expect(firstWrong == nil, "first misplaced output element: \(firstWrong.map(String.init) ?? "none")")
}
