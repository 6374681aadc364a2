import Foundation
import ONNXIR
internal import CONNXProto
internal import CProtobufC

/// Writes `ONNXIR.Model` as an `.onnx` file (ModelProto), optionally moving large weights to
/// an external-data file or pulling them back in. File writes are atomic: everything goes to
/// temporary files that are renamed into place only when complete.
public struct ModelWriter: Sendable {
    /// Where tensor data goes: kept as it was read, inlined, or moved to an external file.
    public enum ExternalData: Sendable, Equatable {
        /// Write tensors as they are (external references stay references).
        case keep
        /// Put all tensor data in the model file; fails for references that were not loaded.
        case inline
        /// Move `raw_data` of at least `sizeThreshold` bytes into `file` (relative to the
        /// model's folder); other tensors are written inline.
        case move(file: String, sizeThreshold: Int)
    }

    public var externalData: ExternalData = .keep
    /// Reports (bytes written, total) while writing files.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init() {}

    public init(externalData: ExternalData) {
        self.externalData = externalData
    }

    /// The model file's bytes. With `.move`, use `write(_:to:)` (the data file needs a place).
    public func serialize(_ model: Model) throws -> Data {
        if case .move = externalData {
            throw ONNXProtobufError.notEncodable(what: "model", reason: "moving data to an external file needs write(_:to:)")
        }
        let model = try prepared(model)
        let encoder = WireEncoder()
        return try WirePacking.serialize(encoder.model(model).asMessage, encoder: encoder, what: "model")
    }

    public func write(_ model: Model, to url: URL) throws {
        var model = try prepared(model)
        let group = AtomicFileGroup()
        if case let .move(file, threshold) = externalData {
            let dataURL = try ExternalDataLayout.destination(file, besides: url)
            let layout = ExternalDataLayout.move(&model, location: file, sizeThreshold: threshold)
            var sink = try group.create(dataURL)
            let total = layout.totalBytes
            for piece in layout.pieces {
                try sink.writeZeros(piece.offset - sink.written)
                try piece.data.withUnsafeBytes { try sink.write($0) }
                progress?(sink.written, total)
            }
        }
        let encoder = WireEncoder()
        let message = encoder.model(model).asMessage
        var sink = try group.create(url)
        let total = WirePacking.packedSize(message)
        let progress = self.progress
        try WirePacking.pack(message, encoder: encoder, what: url.path) { chunk in
            try sink.write(chunk)
            progress?(sink.written, total)
        }
        try group.commit()
    }

    /// Applies `.inline` (the `.move` layout needs the destination, so `write` does it).
    private func prepared(_ model: Model) throws -> Model {
        guard externalData == .inline else { return model }
        var model = model
        try model.updateAllTensors { tensor in
            guard tensor.isExternal else { return }
            guard tensor.rawData != nil else {
                throw ONNXProtobufError.notEncodable(what: "tensor '\(tensor.name ?? "<unnamed>")'",
                                                     reason: "its external data was not loaded")
            }
            tensor.dataLocation = .default
            tensor.externalData = []
        }
        return model
    }
}
