import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime
import Testing

/// `Network.forward` on the recognized blocks reproduces onnxruntime's stored outputs and
/// logits for every fixture (default rule |a − b| ≤ 1e-5 + 1e-4·|b|), for batch 1 and 2.
@Suite struct ForwardTests {
    static let atol = 1e-5, rtol = 1e-4

    /// Under Runtime's equivalence rule (elementwise, atol / rtol above): max abs error, the
    /// worst element, pass.
    static func compare(_ got: [Float], _ want: [Float]) -> (Float, Int, Bool) {
        let e = EquivalenceRule(atol: atol, rtol: rtol).measure(got, reference: want)
        return (Float(e.maxAbsoluteError), e.worstFlatIndex, e.passed)
    }

    @Test(arguments: FixtureSupport.names)
    func forwardMatchesOnnxruntime(_ name: String) throws {
        let recognition = try BlockRecognizer(loadWeights: true).recognize(try FixtureSupport.model(name))
        #expect(recognition.isComplete)
        let folder = FixtureSupport.root.appendingPathComponent(name)
        var sets = 0
        for k in 0..<4 {
            let set = folder.appendingPathComponent("test_data_set_\(k)")
            guard FileManager.default.fileExists(atPath: set.path) else { break }
            sets += 1
            let input = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("input_0.pb"))
            let output = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("output_0.pb"))
            let logits = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("logits.pb"))
            let batch = Int(input.dims[0])
            let prediction = try recognition.network.forward(try input.floats(), batch: batch, threads: 2)
            let (outErr, outIdx, outOK) = Self.compare(prediction.output, try output.floats())
            let (logErr, logIdx, logOK) = Self.compare(prediction.logits, try logits.floats())
            #expect(outOK, "\(name) set \(k): output max abs \(outErr) at \(outIdx)")
            #expect(logOK, "\(name) set \(k): logits max abs \(logErr) at \(logIdx)")
        }
        #expect(sets >= 1, "\(name) has no test_data_set_*")
    }
}

/// The comparison above can fail: a small change to one weight is caught.
@Test func forwardDetectsAPerturbedWeight() throws {
    let name = "resnet_v1_basic"
    var network = try BlockRecognizer(loadWeights: true).recognize(try FixtureSupport.model(name)).network
    guard case .residual(var block) = network.blocks[0], case .conv(var conv) = block.residual[0] else {
        Issue.record("expected a residual block with a conv first"); return
    }
    conv.weights[0] += 0.05
    block.residual[0] = .conv(conv)
    network.blocks[0] = .residual(block)
    let set = FixtureSupport.root.appendingPathComponent(name).appendingPathComponent("test_data_set_0")
    let input = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("input_0.pb"))
    let logits = try TensorProtoFile.read(contentsOf: set.appendingPathComponent("logits.pb"))
    let prediction = try network.forward(try input.floats(), batch: Int(input.dims[0]))
    #expect(!ForwardTests.compare(prediction.logits, try logits.floats()).2)
}
