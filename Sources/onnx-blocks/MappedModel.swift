import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// Reading a model and recognizing its blocks, shared by `blocks`, `verify` and `diff`.
enum MappedModel {
    /// A structure read from a graph that breaks the rules (a node reading a tensor nothing
    /// defines) would be a structure of nothing: such a model is invalid (exit 1), as `check` says.
    static func requireValid(_ model: Model, path: String) throws {
        let errors = ModelChecker().check(model).errors
        if let first = errors.first {
            throw CommandFailure.invalid("\(path): invalid model (\(errors.count) error\(errors.count == 1 ? "" : "s"); first: \(first)); 'onnx-blocks check' lists them")
        }
    }

    static func recognize(path: String, loadWeights: Bool = false, timing: Bool = false) throws -> Recognition {
        let model: Model
        let start = DispatchTime.now()
        do {
            // Structure only needs tensor shapes: external weight files are read only for weights.
            var reader = ModelReader()
            reader.loadExternalData = loadWeights
            model = try reader.read(contentsOf: URL(fileURLWithPath: path))
            try CommandFailure.requireONNX(model, path: path)
        } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        }
        try requireValid(model, path: path)
        let readMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        do {
            let recognizer = BlockRecognizer(loadWeights: loadWeights)
            guard timing else { return try recognizer.recognize(model) }
            let (recognition, t) = try RecognitionTiming.measure(model, with: recognizer)
            let numbers = String(format: "read %.2f ms; recognize first %.2f ms, median %.2f ms, min %.2f ms (CPU median %.2f ms)",
                                 readMilliseconds, t.firstMilliseconds, t.medianMilliseconds, t.minimumMilliseconds, t.medianCPUMilliseconds)
            let text = "timing: \(numbers) (\(model.graph?.nodes.count ?? 0) nodes, weights \(loadWeights ? "loaded" : "not loaded"))\n"
            FileHandle.standardError.write(Data(text.utf8))
            return recognition
        } catch let error as RecognitionError {
            throw CommandFailure.invalid("\(path): \(error)")
        }
    }
}
