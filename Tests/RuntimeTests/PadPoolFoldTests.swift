import Kernels
import ONNXIR
@testable import Runtime
import Testing

/// `PadPoolFold`: a zero Pad between a never-negative tensor and a MaxPool becomes the pool's
/// padding; results equal the unfused graph (Pad, then MaxPool) exactly, and the Pad stays
/// wherever the fold would not hold.
@Suite struct PadPoolFoldTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The activation after the Conv ("Relu", "Clip0", "Clip-1", "" for none), or "ReluInput":
        /// the Pad reads Relu(x) with no Conv.
        var source: String
        var pads: [Int64] = [0, 0, 1, 1, 0, 0, 1, 1]
        var keepPadded = false
        var folds: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Conv + Relu, pads 1: folds", source: "Relu", folds: true),
        Case(name: "Conv + Clip(0, 6), pads (0, 1) (TF same): folds", source: "Clip0", pads: [0, 0, 0, 0, 0, 0, 1, 1], folds: true),
        Case(name: "Relu node on the input: folds", source: "ReluInput", folds: true),
        Case(name: "Conv without activation (negative values): stays", source: "", folds: false),
        Case(name: "Conv + Clip(-1, 1): stays", source: "Clip-1", folds: false),
        Case(name: "pads of the window's extent (a window of padding alone): stays", source: "Relu",
             pads: [0, 0, 3, 3, 0, 0, 3, 3], folds: false),
        Case(name: "padded tensor kept as an output: stays", source: "Relu", keepPadded: true, folds: false),
    ]

    static func model(_ c: Case) -> Model {
        var g = SeededGenerator(seed: 41)
        var nodes: [Node] = []
        var initializers = [Tensor(name: "pads", dims: [8], values: c.pads)]
        var padInput = "a"
        switch c.source {
        case "ReluInput":
            nodes.append(Node(opType: "Relu", inputs: ["x"], outputs: ["a"], name: "relu"))
        default:
            initializers.append(Tensor(name: "w", dims: [5, 4, 3, 3], values: (0..<180).map { _ in 0.4 * g.uniform(-1, 1) }))
            initializers.append(Tensor(name: "b", dims: [5], values: (0..<5).map { _ in 0.2 * g.uniform(-1, 1) }))
            initializers.append(Tensor(name: "lo0", dims: [], values: [Float(0)]))
            initializers.append(Tensor(name: "lo-1", dims: [], values: [Float(-1)]))
            initializers.append(Tensor(name: "hi", dims: [], values: [Float(6)]))
            let conv = Node(opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], name: "conv",
                            attributes: [.ints("pads", [1, 1, 1, 1])])
            nodes.append(conv)
            switch c.source {
            case "Relu": nodes.append(Node(opType: "Relu", inputs: ["c"], outputs: ["a"], name: "act"))
            case "Clip0": nodes.append(Node(opType: "Clip", inputs: ["c", "lo0", "hi"], outputs: ["a"], name: "act"))
            case "Clip-1": nodes.append(Node(opType: "Clip", inputs: ["c", "lo-1", "hi"], outputs: ["a"], name: "act"))
            default: padInput = "c"
            }
        }
        nodes.append(Node(opType: "Pad", inputs: [padInput, "pads"], outputs: ["p"], name: "pad"))
        nodes.append(Node(opType: "MaxPool", inputs: ["p"], outputs: ["y"], name: "pool",
                          attributes: [.ints("kernel_shape", [3, 3]), .ints("strides", [2, 2])]))
        let channels: Dimension = c.source == "ReluInput" ? 4 : 5
        var outputs: [ValueInfo] = [.tensor("y", .float, [1, channels, "h", "w"])]
        if c.keepPadded { outputs.append(.tensor("p", .float, [1, channels, "ph", "pw"])) }
        return Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
                     graph: Graph(name: "g", nodes: nodes, initializers: initializers,
                                  inputs: [.tensor("x", .float, [1, 4, 13, 15])], outputs: outputs))
    }

    @Test(arguments: cases, [1, 2])
    func foldsOnlyWhereTheMaximumIsUnchanged(_ c: Case, _ threads: Int) throws {
        var g = SeededGenerator(seed: 7)
        let x = TensorValue(shape: [1, 4, 13, 15], floats: (0..<780).map { _ in g.uniform(-1, 1) })
        let plain = try Session(model: Self.model(c), options: SessionOptions(threads: 1, fusion: false)).run(["x": x])
        let session = try Session(model: Self.model(c), options: SessionOptions(threads: threads))
        session.profiling = true
        let results = try session.run(["x": x])
        let padSteps = session.stepProfile.values.filter { $0.op == "Pad" }.count
        #expect((padSteps == 0) == c.folds, "\(padSteps) Pad steps")
        let y = try #require(results["y"]).floatArray()
        #expect(y == (try #require(plain["y"])).floatArray(), "pooled values differ from Pad + MaxPool")
    }
}
