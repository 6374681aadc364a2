import Foundation
import ONNXIR
internal import CONNXProto
internal import CProtobufC

/// Single serialized `TensorProto`s: the `test_data_set_N/input_K.pb` / `output_K.pb` files of
/// the ONNX backend tests, and tensors exchanged with other tools.
public enum TensorProtoFile {
    public static func read(contentsOf url: URL) throws -> Tensor {
        try decode(FileBytes.read(path: url.path), label: url.path)
    }

    public static func decode(_ data: Data) throws -> Tensor {
        try decode(FileBytes.copy(of: data), label: "<memory>")
    }

    static func decode(_ bytes: FileBytes, label: String) throws -> Tensor {
        try WireReading.decode(bytes, descriptor: Descriptors.tensor, as: Onnx__TensorProto.self,
                               label: label, maxDepth: WireScanner.defaultMaxDepth) { $0.tensor($1) }
    }

    public static func encode(_ tensor: Tensor) throws -> Data {
        let encoder = WireEncoder()
        return try WirePacking.serialize(encoder.tensor(tensor).asMessage, encoder: encoder,
                                         what: "tensor '\(tensor.name ?? "<unnamed>")'")
    }

    public static func write(_ tensor: Tensor, to url: URL) throws {
        let encoder = WireEncoder()
        let message = encoder.tensor(tensor).asMessage
        let group = AtomicFileGroup()
        var sink = try group.create(url)
        try WirePacking.pack(message, encoder: encoder, what: url.path) { try sink.write($0) }
        try group.commit()
    }
}
