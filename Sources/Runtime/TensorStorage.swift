import Kernels
/// A 64-byte-aligned block of tensor memory.
///
/// Storage returns itself to the `BufferPool` it came from when the last value using it goes
/// away, so one run's freed intermediates become the next node's outputs (the executor's
/// arena) instead of fresh `mmap`s that page-fault again.
public final class TensorStorage: @unchecked Sendable {
    public let pointer: UnsafeMutableRawPointer
    /// Bytes reserved (a pool size class), at least the bytes requested.
    public let capacity: Int
    private let pool: BufferPool?

    init(capacity: Int, pool: BufferPool?) {
        self.capacity = capacity
        self.pool = pool
        // Arena (pool) buffers are activations: huge pages. Others (weights, constants) are
        // long-lived and sized exactly.
        self.pointer = pool?.take(capacity) ?? LargeMemory.allocate(byteCount: capacity, hugePages: pool != nil)
    }

    /// Storage of `byteCount` bytes, uninitialized.
    public convenience init(byteCount: Int) {
        self.init(capacity: max(byteCount, 1), pool: nil)
    }

    deinit {
        if let pool { pool.give(pointer, capacity: capacity) } else { LargeMemory.deallocate(pointer) }
    }
}
