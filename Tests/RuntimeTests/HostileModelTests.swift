import Foundation
import Synchronization
import ONNXIR
@testable import Runtime
import Testing

/// Models that parse but break operator rules or ask for absurd sizes: each ends in a
/// `RuntimeError` naming the node (never a trap, never an allocation attempt).
@Suite struct HostileModelTests {
    static func model(_ nodes: [Node], inputs: [ValueInfo], initializers: [Tensor] = [], output: String = "y") -> Model {
        Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
              graph: Graph(name: "g", nodes: nodes, initializers: initializers, inputs: inputs,
                           outputs: [.tensor(output, .float, [])]))
    }

    static func int64s(_ name: String, _ values: [Int64]) -> Tensor {
        Tensor(name: name, dims: [Int64(values.count)], values: values)
    }

    static let x = ValueInfo.tensor("x", .float, [1, 2, 4, 4])
    static let feed = ["x": TensorValue(shape: [1, 2, 4, 4], floats: (0..<32).map(Float.init))]

    struct Case: CustomTestStringConvertible, Sendable {
        var id: String
        var model: Model
        var maxMemory: Int? = nil
        /// The error's description must contain all of these.
        var mentions: [String]
        var testDescription: String { id }
    }

    static let cases: [Case] = [
        Case(id: "conv weight name empty",
             model: model([Node(opType: "Conv", inputs: ["x", "", "b"], outputs: ["y"], name: "conv")], inputs: [x],
                          initializers: [Tensor(name: "b", dims: [2], values: [Float](repeating: 0, count: 2))]),
             mentions: ["'conv'", "required input 'W'"]),
        Case(id: "ConstantOfShape 2^60 elements",
             model: model([Node(opType: "ConstantOfShape", inputs: ["s"], outputs: ["y"], name: "huge")], inputs: [],
                          initializers: [int64s("s", [1 << 20, 1 << 20, 1 << 20])]),
             mentions: ["'huge'", "memory budget"]),
        Case(id: "Pad of 2^40",
             model: model([Node(opType: "Pad", inputs: ["x", "p"], outputs: ["y"], name: "pad")], inputs: [x],
                          initializers: [int64s("p", [0, 0, 1 << 40, 0, 0, 0, 1 << 40, 0])]),
             mentions: ["'pad'", "memory budget"]),
        Case(id: "Pad overflowing 64 bits",
             model: model([Node(opType: "Pad", inputs: ["x", "p"], outputs: ["y"], name: "pad")], inputs: [x],
                          initializers: [int64s("p", [0, 0, Int64.max, 0, 0, 0, Int64.max, 0])]),
             mentions: ["'pad'", "overflow"]),
        Case(id: "Reshape to [2^62, 4]",
             model: model([Node(opType: "Reshape", inputs: ["x", "s"], outputs: ["y"], name: "reshape")], inputs: [x],
                          initializers: [int64s("s", [1 << 62, 4])]),
             mentions: ["'reshape'"]),
        Case(id: "Relu writes its own input",
             model: model([Node(opType: "Relu", inputs: ["x"], outputs: ["x"], name: "relu")], inputs: [x], output: "x"),
             mentions: ["'relu'", "SSA"]),
        Case(id: "two nodes write one name",
             model: model([Node(opType: "Relu", inputs: ["x"], outputs: ["y"], name: "a"),
                           Node(opType: "Sigmoid", inputs: ["x"], outputs: ["y"], name: "b")], inputs: [x]),
             mentions: ["'b'", "SSA"]),
        Case(id: "activation over a small budget",
             model: model([Node(opType: "Relu", inputs: ["x"], outputs: ["y"], name: "relu")], inputs: [x]),
             maxMemory: 100, mentions: ["'relu'", "128 bytes", "memory budget of 100"]),
        // GraphFuzzer crash-23ffd22e: Split with num_outputs -1 trapped building a range in the kernel.
        Case(id: "Split with num_outputs -1",
             model: Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 18)],
                          graph: Graph(name: "g", nodes: [Node(opType: "Split", inputs: ["x"], outputs: ["y"], name: "split",
                                                               attributes: [.int("num_outputs", -1)])],
                                       inputs: [x], outputs: [.tensor("y", .float, [])])),
             mentions: ["'split'", "num_outputs"]),
        Case(id: "Conv with stride 0",
             model: model([Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"], name: "conv", attributes: [.ints("strides", [0, 0])])], inputs: [x],
                          initializers: [Tensor(name: "w", dims: [1, 2, 1, 1], values: [Float](repeating: 1, count: 2))]),
             mentions: ["'conv'", "strides"]),
        Case(id: "Concat on axis 9",
             model: model([Node(opType: "Concat", inputs: ["x", "x"], outputs: ["y"], name: "cat", attributes: [.int("axis", 9)])], inputs: [x]),
             mentions: ["'cat'", "axis 9"]),
        Case(id: "Gemm with mismatched inner dims",
             model: model([Node(opType: "Flatten", inputs: ["x"], outputs: ["f"], name: "flat"),
                           Node(opType: "Gemm", inputs: ["f", "w"], outputs: ["y"], name: "fc")], inputs: [x],
                          initializers: [Tensor(name: "w", dims: [5, 3], values: [Float](repeating: 1, count: 15))]),
             mentions: ["'fc'"]),
    ]

    @Test(arguments: cases)
    func refusedWithTheNodesName(_ c: Case) {
        do {
            let session = try Session(model: c.model, options: SessionOptions(threads: 1, maxMemory: c.maxMemory))
            let feeds = c.model.graph!.runtimeInputs.isEmpty ? [:] : Self.feed
            _ = try session.run(feeds)
            Issue.record("\(c.id): ran without an error")
        } catch let error as RuntimeError {
            for text in c.mentions {
                #expect(error.description.contains(text), "\(c.id): '\(error)' does not mention \(text)")
            }
        } catch {
            Issue.record("\(c.id): not a RuntimeError: \(error)")
        }
    }

    /// One session, several threads, each checking its own result (run under
    /// ThreadSanitizer with tools/tsan.sh).
    @Test func oneSessionManyThreads() throws {
        let conv = Node(opType: "Conv", inputs: ["x", "w"], outputs: ["c"], name: "conv", attributes: [.ints("pads", [1, 1, 1, 1])])
        let relu = Node(opType: "Relu", inputs: ["c"], outputs: ["y"], name: "relu")
        let weights = Tensor(name: "w", dims: [3, 2, 3, 3], values: (0..<54).map { Float($0 % 7) - 3 })
        let m = Model(irVersion: 8, opsetImports: [OperatorSetID(domain: "", version: 17)],
                      graph: Graph(name: "g", nodes: [conv, relu], initializers: [weights],
                                   inputs: [.tensor("x", .float, ["n", 2, 4, 4])], outputs: [.tensor("y", .float, [])]))
        let session = try Session(model: m, options: SessionOptions(threads: 2))
        session.profiling = true
        func input(_ k: Int) -> TensorValue {
            TensorValue(shape: [1 + k % 3, 2, 4, 4], floats: (0..<(32 * (1 + k % 3))).map { Float(($0 * (k + 1)) % 11) - 5 })
        }
        // Expected results from a session used by one thread only.
        let single = try Session(model: m, options: SessionOptions(threads: 1, fusion: false))
        let expected = try (0..<6).map { try single.run(["x": input($0)])["y"]!.floatArray() }
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 24) { i in
            let k = i % 6
            let got = try? session.run(["x": input(k)])["y"]?.floatArray()
            let close = got.map { $0.count == expected[k].count && zip($0, expected[k]).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) } } ?? false
            if !close { failures.withLock { $0 += 1 } }
        }
        #expect(failures.withLock { $0 } == 0)
        #expect(session.stepProfile.values.map(\.calls).reduce(0, +) >= 24)
    }
}

extension HostileModelTests {
    /// Size bombs through operators whose output size comes from a shape input (whether or
    /// not this build's operator table runs them): the budget check refuses them by name.
    @Test(arguments: [("Expand", [Int64(1), 2, 1 << 30, 1 << 30]), ("Tile", [Int64(1), 1, 1 << 40, 1 << 40])])
    func sizeFromAShapeInputIsBudgeted(_ op: String, _ shape: [Int64]) throws {
        let node = Node(opType: op, inputs: ["x", "s"], outputs: ["y"], name: "bomb")
        let facts = ["x": ValueFacts(elementType: .float, shape: [1, 2, 4, 4]),
                     "s": ValueFacts(elementType: .int64, shape: [4], values: shape)]
        do {
            try MemoryBudget.check([node], opset: 17, limit: 1 << 30, live: 0) { facts[$0] }
            Issue.record("\(op): no error")
        } catch let error as RuntimeError {
            #expect(error.description.contains("'bomb'"), "\(error)")
        }
    }
}
