import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// `blocks MODEL --forward-check DIR`: runs the recognized network's own `forward` on
/// `DIR/input_0.pb` and compares with `DIR/output_0.pb` (and `DIR/logits.pb` when present)
/// under the equivalence rule |a − b| ≤ atol + rtol·|b|.
struct ForwardCheck {
    let directory: URL
    var atol: Float = 1e-5
    var rtol: Float = 1e-4

    struct Result {
        var tensor: String
        var maxAbs: Float
        var maxRel: Float
        var worstIndex: Int
        var passed: Bool
    }

    func compare(_ label: String, _ got: [Float], _ want: [Float]) -> Result {
        guard got.count == want.count else { return Result(tensor: "\(label) (\(got.count) vs \(want.count) values)", maxAbs: .infinity, maxRel: .infinity, worstIndex: -1, passed: false) }
        var r = Result(tensor: label, maxAbs: 0, maxRel: 0, worstIndex: 0, passed: true)
        for k in got.indices {
            let d = abs(got[k] - want[k])
            if d > r.maxAbs { r.maxAbs = d; r.worstIndex = k }
            if want[k] != 0 { r.maxRel = max(r.maxRel, d / abs(want[k])) }
            if !(d <= atol + rtol * abs(want[k])) { r.passed = false }
        }
        return r
    }

    func run(_ network: Network) throws -> [Result] {
        func tensor(_ name: String) throws -> Tensor? {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            do { return try TensorProtoFile.read(contentsOf: url) } catch let e as ONNXProtobufError { throw CommandFailure.from(e) }
        }
        guard let input = try tensor("input_0.pb"), let output = try tensor("output_0.pb") else {
            throw CommandFailure.usage("\(directory.path) needs input_0.pb and output_0.pb")
        }
        let batch = Int(input.dims.first ?? 1)
        let prediction: Network.Prediction
        do { prediction = try network.forward(try input.floats(), batch: batch, threads: 2) } catch let e as ForwardError {
            throw CommandFailure.invalid("forward: \(e)")
        }
        var results = [compare("output", prediction.output, try output.floats())]
        if let logits = try tensor("logits.pb") { results.append(compare("logits", prediction.logits, try logits.floats())) }
        return results
    }
}
