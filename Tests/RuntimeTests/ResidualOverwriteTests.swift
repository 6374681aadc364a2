import Kernels
import ONNXIR
@testable import Runtime
import Testing

/// A fused convolution writes its output over its residual input only where nothing else can
/// see that value again: the step is its last reader, and it is not a feed, a kept output or a
/// value read later. Results equal the unfused graph (Conv, then a separate Add) either way.
@Suite struct ResidualOverwriteTests {
    /// x → a = relu(conv(x)); s1 = relu(conv(conv(a)) + a) (not a's last reader);
    /// s2 = relu(conv(conv(s1)) + a) (a's last reader); y = s1 + s2; y2 = conv(s2) + x (x is
    /// the caller's feed).
    static func model(keeping extra: [String] = []) -> Model {
        var g = SeededGenerator(seed: 23)
        func weights(_ name: String) -> Tensor {
            Tensor(name: name, dims: [6, 6, 3, 3], values: (0..<324).map { _ in 0.3 * g.uniform(-1, 1) })
        }
        func conv(_ input: String, _ w: String, _ output: String) -> Node {
            Node(opType: "Conv", inputs: [input, w], outputs: [output], name: output, attributes: [.ints("pads", [1, 1, 1, 1])])
        }
        let nodes = [
            conv("x", "wa", "ca"), Node(opType: "Relu", inputs: ["ca"], outputs: ["a"], name: "relu_a"),
            conv("a", "we", "ce"), conv("ce", "wb", "cb"),
            Node(opType: "Add", inputs: ["cb", "a"], outputs: ["sb"], name: "add_b"),
            Node(opType: "Relu", inputs: ["sb"], outputs: ["s1"], name: "relu_b"),
            conv("s1", "wf", "cf"), conv("cf", "wc", "cc"),
            Node(opType: "Add", inputs: ["cc", "a"], outputs: ["sc"], name: "add_c"),
            Node(opType: "Relu", inputs: ["sc"], outputs: ["s2"], name: "relu_c"),
            Node(opType: "Add", inputs: ["s1", "s2"], outputs: ["y"], name: "sum"),
            conv("s2", "wd", "cd"), Node(opType: "Add", inputs: ["cd", "x"], outputs: ["y2"], name: "add_d"),
        ]
        let shape: [Dimension] = [1, 6, 9, 11]
        return Model(
            irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
            graph: Graph(name: "g", nodes: nodes, initializers: ["wa", "we", "wb", "wf", "wc", "wd"].map(weights),
                         inputs: [.tensor("x", .float, shape)],
                         outputs: (["y", "y2"] + extra).map { .tensor($0, .float, shape) }))
    }

    static let input: TensorValue = {
        var g = SeededGenerator(seed: 5)
        return TensorValue(shape: [1, 6, 9, 11], floats: (0..<594).map { _ in g.uniform(-1, 1) })
    }()

    @Test("Only the last reader of a value overwrites it; feeds and kept outputs stay", arguments: [1, 2])
    func overwritesOnlyDisposableResiduals(threads: Int) throws {
        let feed = TensorValue(shape: Self.input.shape, floats: Self.input.floatArray())
        let plain = try Session(model: Self.model(), options: SessionOptions(threads: 1, fusion: false)).run(["x": Self.input])
        let session = try Session(model: Self.model(), options: SessionOptions(threads: threads))
        for run in 1...2 {
            let results = try session.run(["x": feed])
            // cc over a; cb reads a before cc does, cd's residual is the feed.
            #expect(session.lastResidualsOverwritten == 1, "run \(run): \(session.lastResidualsOverwritten) residuals overwritten")
            for name in ["y", "y2"] {
                let c = TensorComparison(name: name, actual: try #require(results[name]), reference: try #require(plain[name]), rtol: 1e-5, atol: 1e-6)
                #expect(c.passed, "run \(run) \(name): max abs \(c.maxAbsoluteError)")
            }
            #expect(feed.floatArray() == Self.input.floatArray(), "run \(run): the feed was written")
        }
    }

    @Test("A residual the caller asked for is returned intact")
    func keptOutputIsNotOverwritten() throws {
        let plain = try Session(model: Self.model(keeping: ["a"]), options: SessionOptions(threads: 1, fusion: false)).run(["x": Self.input])
        let session = try Session(model: Self.model(keeping: ["a"]), options: SessionOptions(threads: 2))
        let results = try session.run(["x": Self.input])
        #expect(session.lastResidualsOverwritten == 0)
        for name in ["a", "y", "y2"] {
            let c = TensorComparison(name: name, actual: try #require(results[name]), reference: try #require(plain[name]), rtol: 1e-5, atol: 1e-6)
            #expect(c.passed, "\(name): max abs \(c.maxAbsoluteError)")
        }
    }
}
