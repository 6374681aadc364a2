import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// Reading a model and recognizing its blocks, shared by `blocks`, `verify` and `diff`.
enum MappedModel {
    static func recognize(path: String, loadWeights: Bool = false, timing: Bool = false) throws -> Recognition {
        let model: Model
        let start = DispatchTime.now()
        do {
            model = try ModelReader().read(contentsOf: URL(fileURLWithPath: path))
        } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        }
        let read = DispatchTime.now()
        do {
            let recognition = try BlockRecognizer(loadWeights: loadWeights).recognize(model)
            if timing {
                let end = DispatchTime.now()
                func ms(_ a: DispatchTime, _ b: DispatchTime) -> String {
                    String(format: "%.2f ms", Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e6)
                }
                FileHandle.standardError.write(Data("timing: read \(ms(start, read)), recognize \(ms(read, end)) (\(model.graph?.nodes.count ?? 0) nodes, weights \(loadWeights ? "loaded" : "not loaded"))\n".utf8))
            }
            return recognition
        } catch let error as RecognitionError {
            throw CommandFailure.invalid("\(path): \(error)")
        }
    }
}
