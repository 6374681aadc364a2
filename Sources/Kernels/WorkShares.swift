import Synchronization

/// The items of one `Parallel.forEach`, cut into one contiguous share per worker.
///
/// A worker takes items from the front of its own share and, once that is empty, from the
/// back of the others'. So in the common case worker w runs exactly the w-th contiguous
/// range of items, in every kernel of a network alike: a convolution's pixel blocks, the next
/// layer's and a Concat's pages fall to the same core, whose L2 still holds what it wrote
/// (with one shared counter the blocks landed on whichever core asked first, and half the
/// input of each layer came from the other core's cache). A worker that falls behind (a core
/// the hypervisor took away) still has its share finished by the others, from the far end.
///
/// Each share is one atomic word, `front << 32 | end`, so the owner's and a thief's claims on
/// the same share never overlap (both are compare-and-exchange on the same word).
struct WorkShares: ~Copyable {
    private let words: UnsafeMutablePointer<Atomic<Int>>
    let workers: Int
    /// Words between two shares' (128 bytes: owners claiming at once do not share a line).
    private static let spacing = 16

    /// Items up to which the shares fit the packed word (front and end below 2³¹, so
    /// `front << 32` stays positive).
    static let maximumItems = Int(Int32.max)

    init(items: Int, workers: Int) {
        precondition(items <= Self.maximumItems && workers > 0)
        self.workers = workers
        words = .allocate(capacity: workers * Self.spacing)
        for w in 0..<workers {
            let lo = w * items / workers, hi = (w + 1) * items / workers
            (words + w * Self.spacing).initialize(to: Atomic(lo << 32 | hi))
        }
    }

    deinit {
        for w in 0..<workers { (words + w * Self.spacing).deinitialize(count: 1) }
        words.deallocate()
    }

    /// Up to `count` items from the front of `worker`'s own share (empty when it is used up).
    func takeFront(of worker: Int, count: Int) -> Range<Int> {
        let word = words + worker * Self.spacing
        var current = word.pointee.load(ordering: .relaxed)
        while true {
            let front = current >> 32, end = current & 0xFFFF_FFFF
            if front >= end { return front..<front }
            let taken = min(end, front + count)
            let (exchanged, original) = word.pointee.compareExchange(
                expected: current, desired: taken << 32 | end, ordering: .relaxed)
            if exchanged { return front..<taken }
            current = original
        }
    }

    /// Up to `count` items from the back of another worker's share: the first non-empty one
    /// after `worker`, in order (empty when every share is used up).
    func steal(for worker: Int, count: Int) -> Range<Int> {
        for offset in 1..<workers {
            let word = words + (worker + offset) % workers * Self.spacing
            var current = word.pointee.load(ordering: .relaxed)
            while true {
                let front = current >> 32, end = current & 0xFFFF_FFFF
                if front >= end { break }
                let start = max(front, end - count)
                let (exchanged, original) = word.pointee.compareExchange(
                    expected: current, desired: front << 32 | start, ordering: .relaxed)
                if exchanged { return start..<end }
                current = original
            }
        }
        return 0..<0
    }
}
