import Foundation
import ONNXIR
import ONNXProtobuf
@testable import Runtime
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
            // Twice: from the second run on, convolutions write into their Concat's output
            // (`ConcatPlacement`) and the Concats copy only what is not in place.
            _ = try session.run([inputName: TensorValue(input)])
            let results = try session.run([inputName: TensorValue(input)])
            for (tensorName, reference) in [(outputName, output), (logitsName, logits)] {
                let c = TensorComparison(name: tensorName, actual: try #require(results[tensorName]), reference: try TensorValue(reference), rtol: 1e-4, atol: 1e-5)
                print("fixture \(name) \(set.lastPathComponent) \(tensorName): max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError), \(c.passed ? "pass" : "FAIL")")
                #expect(c.passed, "\(name)/\(set.lastPathComponent) '\(tensorName)': \(c.problem ?? "max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError) at \(c.worstIndex)")")
            }
        }
    }

    /// Residual blocks end in a convolution fused with the shortcut's Add: where that Add is
    /// the shortcut value's last reader, the convolution writes its output over it, so the
    /// fixture comparisons above cover that path.
    @Test("Residual fixtures write fused convolutions over their shortcut values")
    func residualsOverwritten() throws {
        for name in Self.names where name.hasPrefix("resnet") || name.hasPrefix("he2016") || name.hasPrefix("inception_resnet") {
            let model = try ModelReader().read(contentsOf: Self.fixturesRoot.appendingPathComponent("\(name)/model.onnx"))
            let session = try Session(model: model, options: SessionOptions(threads: 2))
            let input = try #require(session.inputs.first)
            let shape = input.concreteShape()
            _ = try session.run([input.name: TensorValue(shape: shape, floats: [Float](repeating: 0.5, count: shape.reduce(1, *)))])
            #expect(session.lastResidualsOverwritten > 0, "\(name): no fused convolution wrote over its residual")
            print("fixture \(name): \(session.lastResidualsOverwritten) residuals overwritten")
        }
    }

    /// Inception modules end in channel Concats of their branches: from the second run with an
    /// input shape on, the branches' last convolutions write into the Concat's output (merged
    /// 1×1s their whole stacked result around it), so the fixture comparisons above (second
    /// runs) cover placed Concats; a first run places none.
    @Test("Inception fixtures write their branches into the Concat output from the second run")
    func concatInputsPlaced() throws {
        for name in Self.names where name.hasPrefix("inception") || name.hasPrefix("googlenet") {
            let model = try ModelReader().read(contentsOf: Self.fixturesRoot.appendingPathComponent("\(name)/model.onnx"))
            let session = try Session(model: model, options: SessionOptions(threads: 2))
            let input = try #require(session.inputs.first)
            let shape = input.concreteShape()
            let feeds = [input.name: TensorValue(shape: shape, floats: [Float](repeating: 0.5, count: shape.reduce(1, *)))]
            _ = try session.run(feeds)
            #expect(session.lastConcatInputsInPlace == 0, "\(name): a first run placed Concat inputs")
            _ = try session.run(feeds)
            #expect(session.lastConcatInputsInPlace > 0, "\(name): no Concat input was written in place")
            // Each of these opens a module with merged 1×1s whose first member feeds the Concat:
            // the merged step writes its stacked result around the Concat's output.
            #expect(session.lastStackedInputsInPlace > 0, "\(name): no merged convolution's member was written in place")
            print("fixture \(name): \(session.lastConcatInputsInPlace) Concat inputs in place, \(session.lastStackedInputsInPlace) of them merged members")
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
            // Inception-V3 and -V4 pool branches (AveragePool, then a 1×1 to fewer channels)
            // run convolution first (`PoolReorder`); the comparisons above cover that path.
            if name == "inception_v3" || name == "inception_v4" {
                #expect(session.profile.keys.contains { $0.hasPrefix("AveragePool+Conv") }, "\(name): no reordered pool branch")
                #expect(!session.profile.keys.contains("AveragePool"), "\(name): an AveragePool still runs on its own")
            }
        }
    }

    /// A merged step hands out its members' outputs as views of the stacked output for one
    /// image (copies for a batch): each member output, asked for by name, equals the unmerged
    /// convolution's (fusion off runs every node on its own), batch 1 and 2.
    @Test("Merged sibling outputs (views for one image, copies for a batch) equal the unmerged convolutions")
    func mergedOutputsMatchUnmerged() throws {
        for name in Self.names where name.hasPrefix("inception") {
            let model = try ModelReader().read(contentsOf: Self.fixturesRoot.appendingPathComponent("\(name)/model.onnx"))
            let graph = try #require(model.graph)
            let pointwise = Set(graph.initializers.filter { $0.dims.count == 4 && $0.dims[2] == 1 && $0.dims[3] == 1 }.compactMap(\.name))
            var byInput: [String: [Node]] = [:]
            for node in graph.nodes where node.opType == "Conv" && node.inputs.count > 1 && pointwise.contains(node.inputs[1]) {
                byInput[node.inputs[0], default: []].append(node)
            }
            // The Relu after each sibling 1×1 convolution: the fused (and merged) step's output.
            let siblings = Set(byInput.values.filter { $0.count > 1 }.joined().map { $0.outputs[0] })
            let wanted = graph.nodes.filter { $0.opType == "Relu" && siblings.contains($0.inputs.first ?? "") }.map { $0.outputs[0] }
            #expect(wanted.count >= 2, "\(name): no sibling 1x1 convolutions found")
            let merged = try Session(model: model, options: SessionOptions(threads: 2, outputs: wanted))
            let plain = try Session(model: model, options: SessionOptions(threads: 1, outputs: wanted, fusion: false))
            let input = try #require(merged.inputs.first)
            for batch in [1, 2] {
                let shape = input.concreteShape(symbols: [:], override: nil).enumerated().map { $0.offset == 0 ? batch : $0.element }
                var values = [Float](repeating: 0, count: shape.reduce(1, *))
                for i in values.indices { values[i] = Float((i * 7919) % 1000) / 500 - 1 }
                let x = TensorValue(shape: shape, floats: values)
                merged.profiling = true
                let a = try merged.run([input.name: x])
                let b = try plain.run([input.name: x])
                for tensor in wanted {
                    let c = TensorComparison(name: tensor, actual: try #require(a[tensor]), reference: try #require(b[tensor]), rtol: 1e-4, atol: 1e-5)
                    #expect(c.passed, "\(name) batch \(batch) '\(tensor)': \(c.problem ?? "max abs \(c.maxAbsoluteError)")")
                }
            }
            #expect(merged.profile.keys.contains { $0.hasPrefix("Merged(") }, "\(name): nothing merged")
        }
    }
}
