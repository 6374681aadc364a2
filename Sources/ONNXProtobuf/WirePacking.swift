import Foundation
internal import CONNXProto
internal import CProtobufC

/// The shared write path: pack an encoded message tree to a byte consumer, streaming.
enum WirePacking {
    /// protobuf's hard limit for one message (and `onnx`'s for a model file).
    static let maxMessageSize = Int(Int32.max)

    static func packedSize(_ message: UnsafePointer<ProtobufCMessage>) -> Int {
        protobuf_c_message_get_packed_size(message)
    }

    static func pack(_ message: UnsafePointer<ProtobufCMessage>, encoder: WireEncoder, what: String,
                     consume: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        if let problem = encoder.problem { throw problem }
        let size = packedSize(message)
        guard size <= maxMessageSize else {
            throw ONNXProtobufError.notEncodable(
                what: what, reason: "it would take \(size) bytes, over protobuf's 2 GiB limit; store weights as external data")
        }
        try PackSink(payloads: encoder.largePayloads, consume: consume).pack(message)
    }

    static func serialize(_ message: UnsafePointer<ProtobufCMessage>, encoder: WireEncoder, what: String) throws -> Data {
        var out = Data()
        out.reserveCapacity(packedSize(message))
        try pack(message, encoder: encoder, what: what) { out.append(contentsOf: $0) }
        return out
    }
}

extension UnsafeMutablePointer {
    /// The `ProtobufCMessage` header every generated struct starts with.
    var asMessage: UnsafePointer<ProtobufCMessage> {
        UnsafeRawPointer(self).assumingMemoryBound(to: ProtobufCMessage.self)
    }
}
