import Foundation
internal import CONNXProto
internal import CProtobufC

/// Runs protobuf-c's unpack on bytes the `WireScanner` has already checked, hands the
/// message to `body`, and frees it (copy in, copy out: nothing C outlives `body`).
enum WireUnpacker {
    static func withUnpacked<M, R>(
        _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, as type: M.Type,
        bytes: UnsafeRawBufferPointer, file: String, _ body: (M) throws -> R
    ) throws -> R {
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        let allocator = UnpackArena()
        guard let message = allocator.withAllocator({ protobuf_c_message_unpack(descriptor, $0, bytes.count, base) }) else {
            throw ONNXProtobufError.malformed(file: file, offset: nil, reason: "protobuf-c rejected the \(String(cString: descriptor.pointee.short_name)) message")
        }
        // The arena frees everything at once when `allocator` goes away; no free_unpacked walk.
        return try withExtendedLifetime(allocator) {
            try body(UnsafeRawPointer(message).assumingMemoryBound(to: M.self).pointee)
        }
    }
}
