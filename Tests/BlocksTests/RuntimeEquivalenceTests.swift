import Kernels
import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime
import Testing

/// `Network.forward` on the recognized blocks equals running the source graph on the
/// runtime (default rule), on a fresh seeded batch of 3 — not only on the stored references.
@Suite struct RuntimeEquivalenceTests {
    @Test(arguments: FixtureSupport.names)
    func forwardEqualsRunningTheGraph(_ name: String) throws {
        let model = try FixtureSupport.model(name)
        let network = try BlockRecognizer(loadWeights: true).recognize(model).network
        let graph = model.graph!
        let logitsName = try TensorProtoFile.read(contentsOf: FixtureSupport.root.appendingPathComponent(name)
            .appendingPathComponent("test_data_set_0").appendingPathComponent("logits.pb")).name!
        let outputName = graph.outputs[0].name!
        let session = try Session(model: model, options: SessionOptions(threads: 2, outputs: [outputName, logitsName]))
        let batch = 3
        var generator = SeededGenerator(seed: 17)
        let s = network.inputShape
        let values = (0..<(batch * s.elementCount)).map { _ in Float.random(in: -1...1, using: &generator) }
        let dims = network.inputLayout == .nhwc ? [batch, s.height, s.width, s.channels] : [batch, s.channels, s.height, s.width]
        let results = try session.run([network.inputName: TensorValue(shape: dims, floats: values)])
        let prediction = try network.forward(values, batch: batch, threads: 2)
        for (label, got, tensor) in [("output", prediction.output, outputName), ("logits", prediction.logits, logitsName)] {
            let ref = results[tensor]!
            let want = Array(UnsafeBufferPointer(start: ref.floats, count: ref.count))
            let (err, index, ok) = ForwardTests.compare(got, want)
            #expect(ok, "\(name) \(label): max abs \(err) at \(index)")
        }
    }
}
