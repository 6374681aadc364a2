import Kernels
import ONNXIR
import Runtime
import Testing

/// Load-time and run-time errors name what and where, and load-time ones come before any
/// node runs.
@Suite struct SessionErrorTests {
    static func model(_ nodes: [Node], inputs: [ValueInfo], outputs: [ValueInfo], initializers: [Tensor] = [], opset: Int64 = 17) -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: opset)],
              graph: Graph(name: "g", nodes: nodes, initializers: initializers, inputs: inputs, outputs: outputs))
    }

    static let reluModel = model(
        [Node(opType: "Relu", inputs: ["x"], outputs: ["y"], name: "relu")],
        inputs: [.tensor("x", .float, ["batch", 3])], outputs: [.tensor("y", .float, ["batch", 3])])

    @Test func unsupportedOperatorNamesTheNode() {
        let m = Self.model([Node(opType: "Relu", inputs: ["x"], outputs: ["a"], name: "first"),
                            Node(opType: "ConvTranspose", inputs: ["a"], outputs: ["y"], name: "the_unknown")],
                           inputs: [.tensor("x", .float, [2])], outputs: [.tensor("y", .float, [2])])
        #expect(throws: RuntimeError.unsupportedOperator(node: "the_unknown", op: "ConvTranspose", domain: "", opset: 17)) { try Session(model: m) }
    }

    @Test func unsupportedTypeNamesNodeAndTensor() {
        let m = Self.model([Node(opType: "Cast", inputs: ["x"], outputs: ["h"], name: "to_int", attributes: [.int("to", 7)]),
                            Node(opType: "Relu", inputs: ["h"], outputs: ["y"], name: "relu_int")],
                           inputs: [.tensor("x", .float, [2])], outputs: [.tensor("y", .int64, [2])])
        #expect(throws: RuntimeError.unsupportedType(node: "relu_int", op: "Relu", tensor: "h", type: .int64)) { try Session(model: m) }
    }

    @Test func danglingTensorAndWrongArity() {
        let dangling = Self.model([Node(opType: "Add", inputs: ["x", "ghost"], outputs: ["y"], name: "add")],
                                  inputs: [.tensor("x", .float, [2])], outputs: [.tensor("y", .float, [2])])
        #expect(throws: RuntimeError.undefinedTensor(node: "add", tensor: "ghost")) { try Session(model: dangling) }
        let arity = Self.model([Node(opType: "Add", inputs: ["x"], outputs: ["y"], name: "add1")],
                               inputs: [.tensor("x", .float, [2])], outputs: [.tensor("y", .float, [2])])
        #expect(throws: RuntimeError.wrongArity(node: "add1", op: "Add", what: "inputs", expected: 2...2, found: 1)) { try Session(model: arity) }
    }

    @Test func badFeeds() throws {
        let session = try Session(model: Self.reluModel)
        #expect(throws: RuntimeError.missingInput(name: "x")) { try session.run([:]) }
        let good = TensorValue(shape: [2, 3], floats: [1, -2, 3, -4, 5, -6])
        #expect(throws: RuntimeError.unknownInput(name: "z", known: ["x"])) { try session.run(["x": good, "z": good]) }
        #expect(throws: RuntimeError.inputShapeMismatch(name: "x", expected: "batchx3", found: [2, 4])) {
            try session.run(["x": TensorValue(shape: [2, 4], floats: Array(repeating: 0, count: 8))])
        }
        #expect(throws: RuntimeError.inputTypeMismatch(name: "x", expected: .float, found: .int64)) {
            try session.run(["x": TensorValue(shape: [1, 3], int64s: [1, 2, 3])])
        }
        #expect(throws: RuntimeError.unknownOutput(name: "nope")) { try Session(model: Self.reluModel, options: SessionOptions(outputs: ["nope"])) }
        let y = try #require(session.run(["x": good])["y"])
        #expect(y.floatArray() == [1, 0, 3, 0, 5, 0])
    }

    @Test func kernelFailureNamesTheNode() throws {
        let m = Self.model([Node(opType: "Reshape", inputs: ["x", "shape"], outputs: ["y"], name: "bad_reshape")],
                           inputs: [.tensor("x", .float, [2, 3])], outputs: [.tensor("y", .float, [4])],
                           initializers: [Tensor(name: "shape", dims: [1], values: [Int64(4)])])
        let session = try Session(model: m)
        do {
            _ = try session.run(["x": TensorValue(shape: [2, 3], floats: Array(repeating: 0, count: 6))])
            Issue.record("expected a failure")
        } catch let RuntimeError.nodeFailed(node, op, reason) {
            #expect(node == "bad_reshape" && op == "Reshape" && reason.contains("[4]"))
        }
    }

    /// Conv + BatchNormalization + residual Add + Relu fused and folded at load must equal the
    /// unfused graph (fusion off), on random weights and non-trivial BN statistics.
    @Test func fusionMatchesUnfused() throws {
        var g = SeededGenerator(seed: 11)
        func tensor(_ name: String, _ dims: [Int64], scale: Float = 1, offset: Float = 0) -> Tensor {
            Tensor(name: name, dims: dims, values: (0..<dims.reduce(1, *)).map { _ in offset + scale * g.uniform(-1, 1) })
        }
        let m = Self.model([
            Node(opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], name: "conv", attributes: [.ints("pads", [1, 1, 1, 1])]),
            Node(opType: "BatchNormalization", inputs: ["c", "gamma", "beta", "mean", "var"], outputs: ["n"], name: "bn"),
            Node(opType: "Add", inputs: ["n", "x"], outputs: ["s"], name: "add"),
            Node(opType: "Relu", inputs: ["s"], outputs: ["y"], name: "relu"),
        ], inputs: [.tensor("x", .float, [1, 4, 5, 7])], outputs: [.tensor("y", .float, [1, 4, 5, 7])],
           initializers: [tensor("w", [4, 4, 3, 3], scale: 0.3), tensor("b", [4], scale: 0.1), tensor("gamma", [4], scale: 0.4, offset: 1),
                          tensor("beta", [4], scale: 0.1), tensor("mean", [4], scale: 0.1), tensor("var", [4], scale: 0.4, offset: 1)])
        let x = TensorValue(shape: [1, 4, 5, 7], floats: (0..<140).map { _ in g.uniform(-1, 1) })
        let fused = try Session(model: m, options: SessionOptions(threads: 1)).run(["x": x])["y"]!
        let plain = try Session(model: m, options: SessionOptions(threads: 1, fusion: false)).run(["x": x])["y"]!
        let c = TensorComparison(name: "y", actual: fused, reference: plain, rtol: 1e-5, atol: 1e-6)
        #expect(c.passed, "max abs \(c.maxAbsoluteError)")
        #expect(plain.floatArray().contains { $0 == 0 } && plain.floatArray().contains { $0 > 0 })
    }
}

extension SessionErrorTests {
    /// A BatchNormalization exported as Mul and Add of per-channel constants (tf2onnx's form for
    /// some Keras models) folds into the convolution, residual Add and Relu included, and gives
    /// the unfused result; a Mul whose constant would broadcast the output to rank 5 stays apart.
    @Test func perChannelMulFoldedIntoConvMatchesUnfused() throws {
        var g = SeededGenerator(seed: 17)
        func tensor(_ name: String, _ dims: [Int64], scale: Float = 1, offset: Float = 0) -> Tensor {
            Tensor(name: name, dims: dims, values: (0..<dims.reduce(1, *)).map { _ in offset + scale * g.uniform(-1, 1) })
        }
        func model(scaleDims: [Int64]) -> Model {
            Self.model([
                Node(opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], name: "conv", attributes: [.ints("pads", [1, 1, 1, 1])]),
                Node(opType: "Mul", inputs: ["scale", "c"], outputs: ["m"], name: "bn_mul"),
                Node(opType: "Add", inputs: ["m", "shift"], outputs: ["n"], name: "bn_add"),
                Node(opType: "Add", inputs: ["x", "n"], outputs: ["s"], name: "add"),
                Node(opType: "Relu", inputs: ["s"], outputs: ["y"], name: "relu"),
            ], inputs: [.tensor("x", .float, [1, 4, 6, 5])], outputs: [.tensor("y", .float, scaleDims.count > 4 ? [1, 1, 4, 6, 5] : [1, 4, 6, 5])],
               initializers: [tensor("w", [4, 4, 3, 3], scale: 0.3), tensor("b", [4], scale: 0.2), tensor("scale", scaleDims, scale: 0.5, offset: 1),
                              tensor("shift", [1, 4, 1, 1], scale: 0.1)])
        }
        let x = TensorValue(shape: [1, 4, 6, 5], floats: (0..<120).map { _ in g.uniform(-1, 1) })
        for dims: [Int64] in [[1, 4, 1, 1], [4, 1, 1], [1, 1, 4, 1, 1]] {
            let m = model(scaleDims: dims)
            let session = try Session(model: m, options: SessionOptions(threads: 1))
            session.profiling = true
            let fused = try session.run(["x": x])["y"]!
            let plain = try Session(model: m, options: SessionOptions(threads: 1, fusion: false)).run(["x": x])["y"]!
            #expect(fused.shape == plain.shape, "\(dims)")
            let c = TensorComparison(name: "y", actual: fused, reference: plain, rtol: 1e-5, atol: 1e-6)
            #expect(c.passed, "\(dims): max abs \(c.maxAbsoluteError)")
            let ops = Set(session.stepProfile.values.map(\.op))
            if dims.count > 4 {
                #expect(ops.contains("Mul") && ops.contains("Conv"), "\(dims): \(ops)")
            } else {
                #expect(ops.contains("Conv+Mul+Add+Add+Relu"), "\(dims): \(ops)")
            }
        }
    }

    /// A zero Pad folded into the next Conv's pads gives the unfused result.
    @Test func padFoldedIntoConvMatchesUnfused() throws {
        var g = SeededGenerator(seed: 5)
        let m = Self.model([
            Node(opType: "Pad", inputs: ["x", "pads"], outputs: ["p"], name: "pad"),
            Node(opType: "Conv", inputs: ["p", "w"], outputs: ["y"], name: "conv", attributes: [.ints("strides", [2, 2])]),
        ], inputs: [.tensor("x", .float, [1, 3, 9, 8])], outputs: [.tensor("y", .float, [1, 2, 5, 5])],
           initializers: [Tensor(name: "pads", dims: [8], values: [Int64(0), 0, 3, 1, 0, 0, 1, 2]),
                          Tensor(name: "w", dims: [2, 3, 3, 3], values: (0..<54).map { _ in g.uniform(-1, 1) })])
        let x = TensorValue(shape: [1, 3, 9, 8], floats: (0..<216).map { _ in g.uniform(-1, 1) })
        let fused = try Session(model: m, options: SessionOptions(threads: 1)).run(["x": x])["y"]!
        let plain = try Session(model: m, options: SessionOptions(threads: 1, fusion: false)).run(["x": x])["y"]!
        #expect(fused.shape == [1, 2, 6, 5] && plain.shape == fused.shape)
        #expect(TensorComparison(name: "y", actual: fused, reference: plain, rtol: 1e-5, atol: 1e-6).passed)
    }
}

/// Deterministic values in [-1, 1) for tests.
