import Foundation
import ONNXIR
internal import CONNXProto
internal import CProtobufC

/// Reads `.onnx` files (ModelProto) into `ONNXIR.Model`.
///
/// Before protobuf-c sees the bytes, a `WireScanner` bounds nesting depth and memory and
/// reports malformed input with its byte offset. Large `raw_data` payloads are not copied:
/// tensors share the file buffer.
public struct ModelReader: Sendable {
    /// Resolve tensors stored in external files into `rawData` (paths relative to the
    /// model's folder; see `ExternalDataLoader` for what is refused). Loaded tensors look
    /// like `onnx.load`'s: `dataLocation = .default`, no `externalData` entries.
    public var loadExternalData: Bool = true
    /// Verify the SHA-1 `checksum` of external data files that declare one (refusing a
    /// mismatch with `ExternalDataProblem.checksumMismatch`).
    public var verifyChecksums: Bool = true
    /// Deepest message nesting accepted (protobuf's own default limit is 100).
    public var maxNestingDepth: Int = WireScanner.defaultMaxDepth
    /// Reports (bytes done, total) while reading large files.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init() {}

    public func read(contentsOf url: URL) throws -> Model {
        let path = url.path
        let bytes = try FileBytes.read(path: path, progress: progress)
        return try decode(bytes, label: path, baseDirectory: url.deletingLastPathComponent())
    }

    public func read(data: Data, baseDirectory: URL? = nil) throws -> Model {
        try decode(FileBytes.copy(of: data), label: "<memory>", baseDirectory: baseDirectory)
    }

    func decode(_ bytes: FileBytes, label: String, baseDirectory: URL?) throws -> Model {
        var model = try WireReading.decode(bytes, descriptor: Descriptors.model, as: Onnx__ModelProto.self,
                                           label: label, maxDepth: maxNestingDepth) { $0.model($1) }
        if loadExternalData {
            try ExternalDataLoader(baseDirectory: baseDirectory, verifyChecksums: verifyChecksums).load(into: &model)
        }
        return model
    }
}

extension ModelReader {
    /// Loads external tensors of a model read with `loadExternalData = false`
    /// (same checks and result as reading with `loadExternalData = true`).
    public func resolveExternalData(in model: inout Model, baseDirectory: URL?) throws {
        try ExternalDataLoader(baseDirectory: baseDirectory, verifyChecksums: verifyChecksums).load(into: &model)
    }

    /// Whether any tensor of `model` still refers to an external file.
    public static func hasExternalData(_ model: Model) -> Bool {
        var found = false
        var copy = model
        copy.updateAllTensors { if $0.isExternal { found = true } }
        return found
    }
}
