import Foundation
import ONNXIR

/// Where moved tensors go in an external-data file: in model order, each at an aligned
/// offset (4 KiB for tensors of 64 KiB and more so a runtime can map them, 64 bytes otherwise).
struct ExternalDataLayout {
    struct Piece { var offset: Int; var data: Data }
    var pieces: [Piece] = []
    var totalBytes = 0

    /// Rewrites eligible tensors of `model` as references into `location`; returns what to write.
    static func move(_ model: inout Model, location: String, sizeThreshold: Int) -> ExternalDataLayout {
        var layout = ExternalDataLayout()
        model.updateAllTensors { tensor in
            guard !tensor.isExternal, let raw = tensor.rawData, raw.count >= max(sizeThreshold, 0) else { return }
            let alignment = raw.count >= 64 * 1024 ? 4096 : 64
            let offset = (layout.totalBytes + alignment - 1) / alignment * alignment
            layout.pieces.append(Piece(offset: offset, data: raw))
            layout.totalBytes = offset + raw.count
            tensor.rawData = nil
            tensor.dataLocation = .external
            tensor.externalData = [
                MetadataEntry(key: "location", value: location),
                MetadataEntry(key: "offset", value: String(offset)),
                MetadataEntry(key: "length", value: String(raw.count)),
            ]
        }
        return layout
    }

    /// The data file's URL; the same path rules as for reading, and never the model itself.
    static func destination(_ location: String, besides modelURL: URL) throws -> URL {
        let problem = { (p: ExternalDataProblem) in ONNXProtobufError.externalData(tensor: "*", location: location, problem: p) }
        try ExternalDataLoader.checkRelativePath(location, problem)
        let url = modelURL.deletingLastPathComponent().appendingPathComponent(location)
        guard url.standardizedFileURL.path != modelURL.standardizedFileURL.path else {
            throw ONNXProtobufError.notEncodable(what: "external data '\(location)'", reason: "it would overwrite the model file")
        }
        return url
    }
}
