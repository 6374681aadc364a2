import Kernels
import ONNXIR
@testable import Runtime
import Testing

/// Inception's reduction blocks end in a Concat of strided convolutions and a MaxPool branch:
/// from the second run the pool writes into its part of the Concat's output as the
/// convolutions do (`ConcatPlacement`), and the result equals the first run's (nothing placed).
@Test("A MaxPool branch writes into its Concat's output from the second run", arguments: [1, 2])
func maxPoolBranchIsPlaced(threads: Int) throws {
    var g = SeededGenerator(seed: 11)
    let weights = Tensor(name: "w", dims: [6, 4, 3, 3], values: (0..<216).map { _ in 0.3 * g.uniform(-1, 1) })
    let nodes = [
        Node(opType: "Conv", inputs: ["x", "w"], outputs: ["c"], name: "conv", attributes: [.ints("strides", [2, 2])]),
        Node(opType: "Relu", inputs: ["c"], outputs: ["a"], name: "relu"),
        Node(opType: "MaxPool", inputs: ["x"], outputs: ["p"], name: "pool",
             attributes: [.ints("kernel_shape", [3, 3]), .ints("strides", [2, 2])]),
        Node(opType: "Concat", inputs: ["a", "p"], outputs: ["y"], name: "concat", attributes: [.int("axis", 1)]),
    ]
    let model = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
                      graph: Graph(name: "g", nodes: nodes, initializers: [weights],
                                   inputs: [.tensor("x", .float, [1, 4, 35, 37])], outputs: [.tensor("y", .float, [1, 10, 17, 18])]))
    let x = TensorValue(shape: [1, 4, 35, 37], floats: (0..<5180).map { _ in g.uniform(-1, 1) })
    let session = try Session(model: model, options: SessionOptions(threads: threads))
    let first = try session.run(["x": x])["y"]!.floatArray()
    #expect(session.lastConcatInputsInPlace == 0)
    let second = try session.run(["x": x])["y"]!.floatArray()
    #expect(session.lastConcatInputsInPlace == 2, "\(session.lastConcatInputsInPlace) of 2 Concat inputs in place")
    #expect(first == second)
    // The pool's part is the input's 3×3/2 maxima: plane 0's first output.
    let x0 = x.floatArray()
    let window = [0, 1, 2].flatMap { r in [0, 1, 2].map { x0[r * 37 + $0] } }
    #expect(second[6 * 17 * 18] == window.max())
}
