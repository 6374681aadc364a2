import Foundation

/// Reusable, 64-byte aligned float buffers for packing workspaces.
///
/// Kernels borrow one buffer per worker thread for the duration of a call and give it back,
/// so steady-state calls allocate nothing and the memory held is bounded by the peak number
/// of concurrent workers times the largest workspace (not by the number of layers).
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()

    final class Buffer {
        private(set) var pointer: UnsafeMutablePointer<Float>
        private(set) var capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            pointer = Buffer.allocate(self.capacity)
        }

        /// Grows (never shrinks) to hold at least `count` floats; contents are not kept.
        func reserve(_ count: Int) {
            if count <= capacity { return }
            LargeMemory.deallocate(pointer)
            capacity = count
            pointer = Buffer.allocate(count)
        }

        private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            LargeMemory.allocate(byteCount: count * 4).bindMemory(to: Float.self, capacity: count)
        }

        deinit { LargeMemory.deallocate(pointer) }
    }

    private let lock = NSLock()
    private var free: [Buffer] = []

    /// Borrows `count` buffers of at least `floats` floats each, runs `body`, returns them.
    func withBuffers<R>(count: Int, floats: Int, _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows -> R {
        var taken: [Buffer] = []
        taken.reserveCapacity(count)
        lock.lock()
        while taken.count < count, let buffer = free.popLast() {
            taken.append(buffer)
        }
        lock.unlock()
        while taken.count < count {
            taken.append(Buffer(capacity: floats))
        }
        for buffer in taken { buffer.reserve(floats) }
        defer {
            lock.lock()
            free.append(contentsOf: taken)
            lock.unlock()
        }
        return try body(taken.map(\.pointer))
    }
}
