import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime
import Testing

/// Every Keras fixture (`fixtures/<name>/`): our outputs and logits match the stored
/// onnxruntime values under the default rule (`|a − b| ≤ 1e-5 + 1e-4·|b|`), batch 1 and 2.
@Suite struct FixtureTests {
    static let fixturesRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures")

    static var names: [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: fixturesRoot.path)) ?? []
        return all.sorted().filter { FileManager.default.fileExists(atPath: fixturesRoot.appendingPathComponent("\($0)/model.onnx").path) }
    }

    @Test func fixturesExist() {
        #expect(!Self.names.isEmpty, "no fixtures under \(Self.fixturesRoot.path)")
    }

    @Test("fixture outputs and logits match onnxruntime", arguments: names)
    func fixture(_ name: String) throws {
        let dir = Self.fixturesRoot.appendingPathComponent(name)
        let model = try ModelReader().read(contentsOf: dir.appendingPathComponent("model.onnx"))
        let sets = ConformanceData.dataSets(dir)
        #expect(!sets.isEmpty)
        for set in sets {
            let input = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("input_0.pb"))
            let output = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("output_0.pb"))
            let logits = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("logits.pb"))
            let outputName = try #require(model.graph?.outputs.first?.name)
            let logitsName = try #require(logits.name)
            let session = try Session(model: model, options: SessionOptions(outputs: Array(Set([outputName, logitsName]))))
            let inputName = try #require(session.inputs.first?.name)
            let results = try session.run([inputName: TensorValue(input)])
            for (tensorName, reference) in [(outputName, output), (logitsName, logits)] {
                let c = TensorComparison(name: tensorName, actual: try #require(results[tensorName]), reference: try TensorValue(reference), rtol: 1e-4, atol: 1e-5)
                print("fixture \(name) \(set.lastPathComponent) \(tensorName): max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError), \(c.passed ? "pass" : "FAIL")")
                #expect(c.passed, "\(name)/\(set.lastPathComponent) '\(tensorName)': \(c.problem ?? "max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError) at \(c.worstIndex)")")
            }
        }
    }

    /// Inception modules open branches with 1×1 convolutions of one tensor; the runtime runs
    /// them as one (`SiblingMerge`), so the fixture comparisons above cover the merged path.
    @Test("Inception fixtures run their sibling 1x1 convolutions merged")
    func siblingConvolutionsMerged() throws {
        for name in Self.names where name.hasPrefix("inception") {
            let model = try ModelReader().read(contentsOf: Self.fixturesRoot.appendingPathComponent("\(name)/model.onnx"))
            let session = try Session(model: model, options: SessionOptions(threads: 1))
            session.profiling = true
            let input = try #require(session.inputs.first)
            let shape = input.concreteShape()
            _ = try session.run([input.name: TensorValue(shape: shape, floats: [Float](repeating: 0.5, count: shape.reduce(1, *)))])
            #expect(session.profile.keys.contains { $0.hasPrefix("Merged(") }, "\(name): no merged step in \(session.profile.keys.sorted())")
        }
    }
}
