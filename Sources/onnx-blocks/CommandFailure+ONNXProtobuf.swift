import ONNXIR
import ONNXProtobuf

extension CommandFailure {
    /// Maps reader/writer errors to exit codes. A file that cannot be read as ONNX at all
    /// (missing, a folder, empty, truncated, not protobuf, nested or sized past the limits) is
    /// unreadable input: 2. A model that reads but breaks the rules (external data escaping its
    /// folder, a tensor that does not fit) is an invalid model: 1.
    static func from(_ error: ONNXProtobufError) -> CommandFailure {
        switch error {
        case .io, .malformed, .unsupported, .nestingTooDeep, .resourceLimit: return .usage(error.description)
        case .externalData, .notEncodable: return .invalid(error.description)
        }
    }

    /// A file protobuf reads without complaint can still be no ONNX model at all (a text file's
    /// bytes may decode as unknown fields): with no IR version, opset or graph it is refused
    /// as unreadable input (exit 2) rather than reported as an invalid model.
    static func requireONNX(_ model: Model, path: String) throws {
        if model.graph == nil && model.irVersion == nil && model.opsetImports.isEmpty {
            throw CommandFailure.usage("\(path): not an ONNX model (no IR version, opset or graph)")
        }
    }
}
