import Synchronization

/// Runs `items` independent work items on up to `threads` workers.
///
/// Workers take the next item from a shared counter until none is left, so a worker that
/// finishes early (a partial block, a core shared with another process) picks up the rest.
/// `worker` identifies the thread, so each worker can own one workspace. With one worker
/// everything runs on the calling thread, in order.
enum Parallel {
    static func forEach(items: Int, threads: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        let workers = workerCount(items: items, threads: threads)
        if workers <= 1 {
            for item in 0..<items { body(item, 0) }
            return
        }
        let next = Atomic<Int>(0)
        WorkerPool.shared.run(workers: workers) { worker in
            while true {
                let item = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if item >= items { return }
                body(item, worker)
            }
        }
    }

    static func workerCount(items: Int, threads: Int) -> Int {
        max(1, min(items, threads))
    }
}
