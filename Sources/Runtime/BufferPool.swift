import Foundation
import Kernels

/// Recycles freed tensor buffers by size class: the memory plan's arena.
///
/// The executor frees every intermediate after its last use; with the pool, the next
/// allocation of the same size class reuses that memory, so a steady-state run allocates
/// nothing and peak memory stays at the largest live set (plus size-class slack).
/// Execution is sequential between nodes, but kernels may allocate from worker threads,
/// hence the lock.
public final class BufferPool: @unchecked Sendable {
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private let lock = NSLock()
    /// Bytes currently parked in the pool.
    public private(set) var parkedBytes = 0
    /// Bytes of pool storage currently in use by live tensors (what the memory budget counts).
    public var liveBytes: Int {
        lock.lock(); defer { lock.unlock() }
        return outstanding
    }
    private var outstanding = 0

    public init() {}

    deinit {
        for list in free.values { for p in list { LargeMemory.deallocate(p) } }
    }

    /// Size classes: multiples of 64 bytes up to 4 KiB, then of 4 KiB, and whole huge pages
    /// from `LargeMemory.hugeThreshold` on (such blocks are allocated on huge pages).
    static func sizeClass(_ bytes: Int) -> Int {
        let b = max(bytes, 1)
        if b >= LargeMemory.hugeThreshold { return LargeMemory.roundedSize(b) }
        return b <= 4096 ? (b + 63) & ~63 : (b + 4095) & ~4095
    }

    func take(_ capacity: Int) -> UnsafeMutableRawPointer? {
        lock.lock(); defer { lock.unlock() }
        outstanding += capacity
        guard var list = free[capacity], let p = list.popLast() else { return nil }
        free[capacity] = list
        parkedBytes -= capacity
        return p
    }

    func give(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        lock.lock(); defer { lock.unlock() }
        free[capacity, default: []].append(pointer)
        parkedBytes += capacity
        outstanding -= capacity
    }

    /// Returns every parked buffer to the system.
    public func trim() {
        lock.lock(); defer { lock.unlock() }
        for list in free.values { for p in list { LargeMemory.deallocate(p) } }
        free = [:]
        parkedBytes = 0
    }

    /// Storage of at least `byteCount` bytes, from the pool when one is parked.
    public func storage(byteCount: Int) -> TensorStorage {
        TensorStorage(capacity: Self.sizeClass(byteCount), pool: self)
    }
}
