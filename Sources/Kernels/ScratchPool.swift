import Foundation

/// Reusable, 64-byte aligned float buffers for packing workspaces.
///
/// Kernels borrow buffers for the duration of a call and give them back (`shared` for buffers
/// all workers write, each worker's `local` pool for its own),
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

    /// The calling thread's own pool, for a worker's private buffers (packed B, Winograd V and
    /// M): taken inside the worker's body, a buffer is only ever written by one core. Lent from
    /// the shared pool for every worker at once, the buffers changed hands between calls, and a
    /// core then fetched each line the other had last written before overwriting it (across
    /// dies, a round trip over the interconnect per line).
    static var local: ScratchPool {
        if let p = pthread_getspecific(localKey) { return Unmanaged<ScratchPool>.fromOpaque(p).takeUnretainedValue() }
        let pool = ScratchPool()
        pthread_setspecific(localKey, Unmanaged.passRetained(pool).toOpaque())
        return pool
    }

    private static let localKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { p in
            if let p { Unmanaged<ScratchPool>.fromOpaque(p).release() }
        }
        return key
    }()

    /// Borrows `count` buffers of at least `floats` floats each, runs `body`, returns them.
    func withBuffers<R>(count: Int, floats: Int, _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows -> R {
        try withBuffers(floats: Array(repeating: floats, count: count), body)
    }

    /// Borrows one buffer per entry of `floats`, of at least that many floats, runs `body`,
    /// returns them. Each request takes the smallest parked buffer that holds it (the largest,
    /// grown, when none does): the pool's buffers keep their different sizes instead of all
    /// growing to the largest request, and a call that asks for the same sizes as the last one
    /// gets the same buffers back.
    func withBuffers<R>(floats sizes: [Int], _ body: ([UnsafeMutablePointer<Float>]) throws -> R) rethrows -> R {
        var taken = [Buffer?](repeating: nil, count: sizes.count)
        // Largest requests first, so that a small one does not take the only buffer a large one fits.
        let order = sizes.indices.sorted { sizes[$0] > sizes[$1] }
        lock.lock()
        for i in order where !free.isEmpty {
            var pick = 0
            for (j, buffer) in free.enumerated() {
                let best = free[pick].capacity, c = buffer.capacity
                let fits = c >= sizes[i], bestFits = best >= sizes[i]
                if fits && (!bestFits || c < best) || !fits && !bestFits && c > best { pick = j }
            }
            taken[i] = free.remove(at: pick)
        }
        lock.unlock()
        let buffers = sizes.indices.map { i -> Buffer in
            let buffer = taken[i] ?? Buffer(capacity: sizes[i])
            buffer.reserve(sizes[i])
            return buffer
        }
        defer {
            lock.lock()
            free.append(contentsOf: buffers)
            lock.unlock()
        }
        return try body(buffers.map(\.pointer))
    }
}
