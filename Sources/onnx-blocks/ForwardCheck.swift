import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime

/// `blocks MODEL --forward-check DIR`: runs the recognized network's own `forward` on
/// `DIR/input_0.pb` and compares with `DIR/output_0.pb` (and `DIR/logits.pb` when present)
/// under Runtime's `EquivalenceRule`.
struct ForwardCheck {
    let directory: URL
    var rule = EquivalenceRule.standard

    struct Result {
        var tensor: String
        var errors: ElementErrors
        var passed: Bool { errors.passed }
    }

    func compare(_ label: String, _ got: [Float], _ want: [Float]) -> Result {
        let name = got.count == want.count ? label : "\(label) (\(got.count) vs \(want.count) values)"
        return Result(tensor: name, errors: rule.measure(got, reference: want))
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
