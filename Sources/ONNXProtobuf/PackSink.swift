import Foundation
internal import CONNXProto
internal import CProtobufC

/// Streams protobuf-c's packed output (`protobuf_c_message_pack_to_buffer`) to a consumer in
/// 1 MiB pieces, so a model is never held twice in memory while it is written. Appends of a
/// `WireEncoder` placeholder address are replaced by the real payload.
final class PackSink {
    private let payloads: [UnsafeRawPointer: Data]
    private let consume: (UnsafeRawBufferPointer) throws -> Void
    private let staging: UnsafeMutableRawPointer
    private let stagingSize = 1 << 20
    private var used = 0
    private(set) var failure: Error?

    init(payloads: [UnsafeRawPointer: Data], consume: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.payloads = payloads
        self.consume = consume
        staging = .allocate(byteCount: stagingSize, alignment: 64)
    }

    deinit { staging.deallocate() }

    /// Packs `message` and flushes; rethrows the first consumer error.
    func pack(_ message: UnsafePointer<ProtobufCMessage>) throws {
        // A ProtobufCBuffer followed by our context pointer: the C callback finds `self`
        // at a fixed offset behind the buffer it is handed.
        let block = UnsafeMutableRawPointer.allocate(byteCount: 2 * MemoryLayout<UnsafeRawPointer>.stride,
                                                     alignment: MemoryLayout<UnsafeRawPointer>.alignment)
        defer { block.deallocate() }
        let buffer = block.bindMemory(to: ProtobufCBuffer.self, capacity: 1)
        buffer.pointee.append = { bufferPointer, length, bytes in
            guard let bufferPointer, let bytes else { return }
            let context = UnsafeMutableRawPointer(bufferPointer).load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.stride,
                                                                       as: UnsafeRawPointer.self)
            Unmanaged<PackSink>.fromOpaque(context).takeUnretainedValue().append(UnsafeRawPointer(bytes), length)
        }
        block.storeBytes(of: UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque()),
                         toByteOffset: MemoryLayout<UnsafeRawPointer>.stride, as: UnsafeRawPointer.self)
        _ = protobuf_c_message_pack_to_buffer(message, buffer)
        flush()
        if let failure { throw failure }
    }

    private func append(_ bytes: UnsafeRawPointer, _ length: Int) {
        guard failure == nil, length > 0 else { return }
        if length >= WireEncoder.largeBytesThreshold, let payload = payloads[bytes] {
            flush()
            payload.withUnsafeBytes { emit($0) }
            return
        }
        if used + length > stagingSize { flush() }
        if length > stagingSize {
            emit(UnsafeRawBufferPointer(start: bytes, count: length))
            return
        }
        (staging + used).copyMemory(from: bytes, byteCount: length)
        used += length
    }

    private func flush() {
        guard used > 0 else { return }
        emit(UnsafeRawBufferPointer(start: staging, count: used))
        used = 0
    }

    private func emit(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        do { try consume(chunk) } catch { failure = error }
    }
}
