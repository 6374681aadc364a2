import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// Reading a model and recognizing its blocks, shared by `blocks`, `verify` and `diff`.
enum MappedModel {
    static func recognize(path: String, loadWeights: Bool = false) throws -> Recognition {
        let model: Model
        do {
            model = try ModelReader().read(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        }
        do {
            return try BlockRecognizer(loadWeights: loadWeights).recognize(model)
        } catch let error as RecognitionError {
            throw CommandFailure.invalid("\(path): \(error)")
        }
    }
}
