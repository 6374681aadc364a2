import ONNXIR
@testable import Runtime
import Testing

/// The operator table's own rules: one row per opset, and required inputs checked before
/// anything runs (typed errors naming the node, never a trap).
@Suite struct OperatorTableTests {
    @Test func rowsOfAnOperatorNeverOverlap() {
        var seen = Set<String>()
        for definition in OperatorTable.registered {
            #expect(seen.insert(definition.name).inserted, "\(definition.name) is registered twice")
            for opset in OperatorTable.all {
                let matching = definition.rows.filter { $0.opsets.contains(opset) }.count
                #expect(matching <= 1, "\(definition.name) has \(matching) rows at opset \(opset)")
            }
        }
    }

    /// Nodes whose required input has an empty name: (op, inputs, expected reason).
    static let missingRequired: [(String, [String], String)] = [
        ("Conv", ["x", "", "b"], "required input 1 is missing (its name is empty)"),
        ("Add", ["", "x"], "required input 0 is missing (its name is empty)"),
        ("Where", ["x", "", "x"], "required input 1 is missing (its name is empty)"),
        ("LayerNormalization", ["x", ""], "wrong arity"),
    ]

    @Test(arguments: missingRequired)
    func missingRequiredInputIsATypedError(_ op: String, _ inputs: [String], _ reason: String) {
        let node = Node(opType: op, inputs: inputs, outputs: ["y"], name: "the_node")
        let model = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 18)],
                          graph: Graph(name: "g", nodes: [node], initializers: [Tensor(name: "b", dims: [1], values: [Float(0)])],
                                       inputs: [.tensor("x", .float, [1, 1, 3, 3])], outputs: [.tensor("y", .float, [1, 1, 3, 3])]))
        do {
            _ = try Session(model: model)
            Issue.record("\(op) with inputs \(inputs) was accepted")
        } catch let error as RuntimeError {
            switch error {
            case let .invalidNode(node, errorOp, message):
                // The schema check (ONNXIR) or the kernel's input accessor may be the one to
                // refuse it; either way the node, the operator and the missing input are named.
                #expect(node == "the_node" && errorOp == op)
                #expect(message.contains("required input") && message.contains("missing"), "\(message) vs \(reason)")
            case let .wrongArity(node, _, what, _, _):
                #expect(node == "the_node" && what == "inputs" && reason == "wrong arity")
            default:
                Issue.record("unexpected error \(error)")
            }
        } catch {
            Issue.record("untyped error \(error)")
        }
    }
}

/// The elementwise maps that run 16 lanes at a time (`vectorFloatUnary`) against their scalar
/// definitions, element by element and bit for bit (NaN stays NaN, −0 and ±∞ as the scalar
/// form gives them), on a length with a partial last vector, on one and two threads.
@Suite struct VectorUnaryTests {
    static let maps: [(String, (Float) -> Float)] = [
        ("Relu", { Swift.max($0, 0) }),
        ("Sqrt", { $0.squareRoot() }),
        ("Floor", { $0.rounded(.down) }),
        ("Ceil", { $0.rounded(.up) }),
        ("Round", { $0.rounded(.toNearestOrEven) }),
        ("Reciprocal", { 1 / $0 }),
        ("Softsign", { $0 / (1 + Swift.abs($0)) }),
    ]

    @Test(arguments: maps.map(\.0), [1, 2])
    func matchesTheScalarDefinition(_ op: String, _ threads: Int) throws {
        let scalar = Self.maps.first { $0.0 == op }!.1
        let specials: [Float] = [.nan, -.nan, 0, -0.0, .infinity, -.infinity, 2.5, -2.5, 0.5, -0.5, 1.5, 1e-40, -1e-40, 3.4e38]
        let values = specials + (0..<(1000 - specials.count)).map { Float($0 % 97) * 0.37 - 17.3 }
        let length = Dimension(.value(Int64(values.count)))
        let node = Node(opType: op, inputs: ["x"], outputs: ["y"], name: "map")
        let model = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 18)],
                          graph: Graph(name: "g", nodes: [node], initializers: [],
                                       inputs: [.tensor("x", .float, [1, length])], outputs: [.tensor("y", .float, [1, length])]))
        let session = try Session(model: model, options: SessionOptions(threads: threads))
        let y = try session.run(["x": TensorValue(shape: [1, values.count], floats: values)])["y"]!.floatArray()
        for (i, x) in values.enumerated() {
            let expected = scalar(x)
            #expect(expected.isNaN ? y[i].isNaN : y[i].bitPattern == expected.bitPattern, "\(op)(\(x)) = \(y[i]), want \(expected)")
        }
    }
}

/// Transpose against its definition, element by element: the 3-channel NHWC → NCHW split
/// (`StridedCopy.channelSplit`) for batches of 1 and 2, a 2-D [N, 3] → [3, N], and views that
/// look alike but are not that split (4 channels, channels last kept, another permutation).
@Suite struct TransposeTests {
    static let cases: [([Int], [Int])] = [
        ([1, 5, 7, 3], [0, 3, 1, 2]), ([2, 4, 6, 3], [0, 3, 1, 2]), ([9, 3], [1, 0]), ([1, 1, 17, 3], [0, 3, 1, 2]),
        ([1, 5, 7, 4], [0, 3, 1, 2]), ([2, 5, 7, 3], [0, 1, 3, 2]), ([3, 5, 3], [2, 0, 1]), ([2, 3, 5, 3], [3, 0, 2, 1]),
    ]

    @Test(arguments: cases)
    func matchesTheDefinition(_ shape: [Int], _ perm: [Int]) throws {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float($0) * 0.5 - 3 }
        let node = Node(opType: "Transpose", inputs: ["x"], outputs: ["y"], name: "t", attributes: [.ints("perm", perm.map(Int64.init))])
        let outShape = perm.map { shape[$0] }
        let model = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
                          graph: Graph(name: "g", nodes: [node], initializers: [],
                                       inputs: [.tensor("x", .float, shape.map { Dimension(.value(Int64($0))) })],
                                       outputs: [.tensor("y", .float, outShape.map { Dimension(.value(Int64($0))) })]))
        let y = try Session(model: model, options: SessionOptions(threads: 1))
            .run(["x": TensorValue(shape: shape, floats: values)])["y"]!.floatArray()
        // y[o] = x[i] where i's index along axis perm[k] is o's index along axis k.
        var inStrides = [Int](repeating: 1, count: shape.count)
        for k in stride(from: shape.count - 2, through: 0, by: -1) { inStrides[k] = inStrides[k + 1] * shape[k + 1] }
        for o in 0..<count {
            var rest = o, i = 0
            for k in stride(from: outShape.count - 1, through: 0, by: -1) {
                i += (rest % outShape[k]) * inStrides[perm[k]]
                rest /= outShape[k]
            }
            #expect(y[o] == values[i], "\(shape) perm \(perm): y[\(o)]")
        }
    }
}
