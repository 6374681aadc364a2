import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime

/// Loading a model into a runtime `Session`, with every failure mapped to a command failure
/// (unreadable file or inputs that do not fit the model: exit 2; invalid or unsupported model: exit 1).
enum ModelSession {
    static func load(_ path: String, options: SessionOptions) throws -> Session {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: path) else { throw CommandFailure.usage("\(path): no such file") }
        do {
            let model = try ModelReader().read(contentsOf: url)
            try CommandFailure.requireONNX(model, path: path)
            return try Session(model: model, options: options)
        } catch let e as ONNXProtobufError {
            throw CommandFailure.from(e)
        } catch let e as RuntimeError {
            throw failure(e, model: path)
        }
    }

    /// Runs, mapping runtime errors.
    static func run(_ session: Session, _ feeds: [String: TensorValue], model: String) throws -> [String: TensorValue] {
        do { return try session.run(feeds) } catch let e as RuntimeError { throw failure(e, model: model) }
    }

    static func failure(_ e: RuntimeError, model: String) -> CommandFailure {
        switch e {
        case .missingInput, .unknownInput, .unknownOutput, .invalidShapeOverride, .inputTypeMismatch, .inputShapeMismatch:
            return .usage("\(model): \(e)")
        default:
            return .invalid("\(model): \(e)")
        }
    }
}
