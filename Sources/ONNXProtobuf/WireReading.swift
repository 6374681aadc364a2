import Foundation
import ONNXIR
internal import CONNXProto
internal import CProtobufC

/// The shared read path of `ModelReader` and `TensorProtoFile`:
/// scan (validate, bound depth, set large payloads aside) → unpack → copy into Swift values.
enum WireReading {
    static func decode<M, R>(
        _ bytes: FileBytes, descriptor: UnsafePointer<ProtobufCMessageDescriptor>, as type: M.Type,
        label: String, maxDepth: Int, convert: (WireDecoder, M) -> R
    ) throws -> R {
        let scan = try WireScanner(bytes: bytes.buffer, file: label, maxDepth: maxDepth).scan(descriptor)
        let decoder = WireDecoder(largeBytes: scan.largePayloads.isEmpty ? nil : LargeBytesTable(scan: scan, file: bytes))
        if let stripped = scan.strippedMessage {
            return try stripped.withUnsafeBytes { buffer in
                try WireUnpacker.withUnpacked(descriptor, as: M.self, bytes: buffer, file: label) { convert(decoder, $0) }
            }
        }
        return try WireUnpacker.withUnpacked(descriptor, as: M.self, bytes: bytes.buffer, file: label) { convert(decoder, $0) }
    }
}
