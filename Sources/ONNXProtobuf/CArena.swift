import Foundation

/// A bump allocator for the C message tree the writer builds: every struct, array and
/// string of one `pack` lives here and is released in one go (no per-field frees).
final class CArena {
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private let chunkSize = 1 << 20

    deinit { chunks.forEach { $0.deallocate() } }

    /// `byteCount` zeroed bytes aligned to 16.
    func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        let size = max(16, (byteCount + 15) & ~15)
        if size > remaining {
            let fresh = UnsafeMutableRawPointer.allocate(byteCount: max(size, chunkSize), alignment: 16)
            chunks.append(fresh)
            if size >= chunkSize {
                fresh.initializeMemory(as: UInt8.self, repeating: 0, count: size)
                return fresh
            }
            cursor = fresh
            remaining = chunkSize
        }
        let p = cursor!
        cursor = p + size
        remaining -= size
        p.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        return p
    }

    func make<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        allocate(byteCount: MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 1)
    }

    /// A C array holding `values` (nil when empty, as protobuf-c expects with n == 0).
    func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let p = allocate(byteCount: MemoryLayout<T>.stride * values.count).bindMemory(to: T.self, capacity: values.count)
        values.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: values.count) }
        return p
    }

    /// A NUL-terminated copy of `s`.
    func cString(_ s: String) -> UnsafeMutablePointer<CChar> {
        var s = s
        return s.withUTF8 { utf8 in
            let p = allocate(byteCount: utf8.count + 1).bindMemory(to: CChar.self, capacity: utf8.count + 1)
            if let base = utf8.baseAddress {
                UnsafeMutableRawPointer(p).copyMemory(from: base, byteCount: utf8.count)
            }
            p[utf8.count] = 0
            return p
        }
    }

    func cString(_ s: String?) -> UnsafeMutablePointer<CChar>? { s.map { cString($0) } }
}
