import Synchronization

/// Runs `items` independent work items on up to `threads` workers.
///
/// Worker w runs the w-th contiguous share of the items first (`WorkShares`: the same part
/// of every tensor stays on the same core from layer to layer), then helps with the others'
/// shares from their far end, so a worker that finishes early (a partial block, a core shared
/// with another process) picks up the rest. Many small items (a transform per channel:
/// hundreds of items of a microsecond) are taken a run at a time (`claimSize`): every claim
/// is a compare-and-exchange on a share's word, and a steal moves its cache line between cores.
/// `worker` identifies the thread, so each worker can own one workspace. With one worker
/// everything runs on the calling thread, in order.
enum Parallel {
    static func forEach(items: Int, threads: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        forEach(items: items, threads: threads, partLimit: WorkShares.maximumItems, body)
    }

    /// `forEach`, run as consecutive parts of at most `partLimit` items (tests pass a small one).
    static func forEach(items: Int, threads: Int, partLimit: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        let workers = workerCount(items: items, threads: threads)
        if workers <= 1 {
            for item in 0..<items { body(item, 0) }
            return
        }
        if items > partLimit {
            // Beyond what a share's packed word holds: consecutive parts.
            var done = 0
            while done < items {
                let part = min(partLimit, items - done)
                let offset = done
                forEach(items: part, threads: threads, partLimit: partLimit) { item, worker in body(offset + item, worker) }
                done += part
            }
            return
        }
        let claim = claimSize(items: items, workers: workers)
        let shares = WorkShares(items: items, workers: workers)
        WorkerPool.shared.run(workers: workers) { worker in
            while true {
                let taken = shares.takeFront(of: worker, count: claim)
                if taken.isEmpty { break }
                for item in taken { body(item, worker) }
            }
            while true {
                let taken = shares.steal(for: worker, count: claim)
                if taken.isEmpty { return }
                for item in taken.reversed() { body(item, worker) }
            }
        }
    }

    /// Items per claim: 1 until there are 32 per worker, then about a sixteenth of a worker's
    /// share (so the last claims still even out a worker that fell behind).
    static func claimSize(items: Int, workers: Int) -> Int {
        max(1, items / (workers * 16))
    }

    static func workerCount(items: Int, threads: Int) -> Int {
        max(1, min(items, threads))
    }
}
