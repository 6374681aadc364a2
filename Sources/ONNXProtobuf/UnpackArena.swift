import Foundation
internal import CProtobufC

/// A `ProtobufCAllocator` that bump-allocates from 64-byte-aligned chunks and frees them
/// all at once. Unpacking thousands of small messages costs ~3x less than with malloc, and
/// releasing the tree is a handful of frees instead of a walk.
final class UnpackArena {
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private static let chunkSize = 4 << 20

    deinit { chunks.forEach { $0.deallocate() } }

    fileprivate func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let rounded = (max(size, 1) + 63) & ~63
        if rounded > Self.chunkSize / 4 {
            let p = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: 64)
            chunks.append(p)
            return p
        }
        if rounded > remaining {
            let p = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 64)
            chunks.append(p)
            cursor = p
            remaining = Self.chunkSize
        }
        let p = cursor!
        cursor = p + rounded
        remaining -= rounded
        return p
    }

    func withAllocator<R>(_ body: (UnsafeMutablePointer<ProtobufCAllocator>) -> R) -> R {
        var allocator = ProtobufCAllocator(
            alloc: { data, size in
                Unmanaged<UnpackArena>.fromOpaque(data!).takeUnretainedValue().allocate(size)
            },
            free: { _, _ in },
            allocator_data: Unmanaged.passUnretained(self).toOpaque()
        )
        return withUnsafeMutablePointer(to: &allocator) { body($0) }
    }
}
