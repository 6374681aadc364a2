import ArgumentParser
import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// `build`'s inputs and outputs beyond the model: the network named or specified, and the
/// native forward pass written as TensorProto files.
extension Build {
    /// Runs the native blocks on a TensorProto input and writes the head's output.
    func forward(_ network: Network, input: String, output: String) throws {
        do {
            let tensor = try TensorProtoFile.read(contentsOf: URL(fileURLWithPath: input))
            let values: [Float] = try tensor.values(as: Float.self)
            let batch = Int(tensor.dims.first ?? 1)
            let prediction = try network.forward(values, batch: batch)
            let result = Tensor(name: network.outputName, dims: [Int64(batch), Int64(prediction.classes)], values: prediction.output)
            try TensorProtoFile.write(result, to: URL(fileURLWithPath: output))
            if let forwardLogits {
                let logits = Tensor(name: "logits", dims: [Int64(batch), Int64(prediction.classes)], values: prediction.logits)
                try TensorProtoFile.write(logits, to: URL(fileURLWithPath: forwardLogits))
            }
        } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        } catch let error as ForwardError {
            throw CommandFailure.invalid("forward: \(error)")
        }
    }

    /// An architecture by name, or a spec file.
    func network(_ source: String) throws -> Network {
        if let arch = Architecture(name: source) {
            return try arch.build(inputSize: inputSize, classes: classes ?? 1000, seed: seed)
        }
        guard source.hasSuffix(".json") || FileManager.default.fileExists(atPath: source) else {
            throw CommandFailure.usage("'\(source)' is neither an architecture (see 'build --list') nor a spec file")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: source)) } catch {
            throw CommandFailure.usage("cannot read \(source): \(error.localizedDescription)")
        }
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch {
            throw CommandFailure.usage("\(source) is not JSON: \(error.localizedDescription)")
        }
        let structure = try SpecBuilder(inputSize: inputSize, classes: classes).network(from: json)
        return structure.initialized(seed: seed)
    }
}
