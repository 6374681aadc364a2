import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime
import Testing

/// A session drops each convolution's own weights once its packed kernel can give them back
/// (`Convolution.releaseWeightsLocked`). A later input shape (batch 2 after batch 1, and back)
/// then packs from recovered weights: one session over every data set of each fixture, in
/// turn, must still match the stored onnxruntime outputs under the default rule.
@Suite struct WeightReleaseTests {
    @Test("one session across batch sizes matches onnxruntime after its weights were released", arguments: FixtureTests.names)
    func shapeChangesAfterRelease(_ name: String) throws {
        let dir = FixtureTests.fixturesRoot.appendingPathComponent(name)
        let model = try ModelReader().read(contentsOf: dir.appendingPathComponent("model.onnx"))
        let sets = ConformanceData.dataSets(dir)
        #expect(sets.count >= 2, "\(name): needs data sets of two batch sizes")
        let outputName = try #require(model.graph?.outputs.first?.name)
        let session = try Session(model: model, options: SessionOptions(threads: 2, outputs: [outputName]))
        let inputName = try #require(session.inputs.first?.name)
        // Forward, then backward: every shape is met both fresh and after another one.
        for set in sets + sets.reversed() {
            let input = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("input_0.pb"))
            let output = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("output_0.pb"))
            let result = try #require(try session.run([inputName: TensorValue(input)])[outputName])
            let c = TensorComparison(name: outputName, actual: result, reference: try TensorValue(output), rtol: 1e-4, atol: 1e-5)
            #expect(c.passed, "\(name)/\(set.lastPathComponent): \(c.problem ?? "max abs \(c.maxAbsoluteError) at \(c.worstIndex)")")
        }
    }
}
