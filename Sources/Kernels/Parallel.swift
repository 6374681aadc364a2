import Dispatch

/// Runs `items` independent work items on up to `threads` workers.
///
/// Items are dealt round-robin (item i goes to worker i mod workers) so that each worker can
/// own one workspace. With one worker everything runs on the calling thread.
enum Parallel {
    static func forEach(items: Int, threads: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        let workers = workerCount(items: items, threads: threads)
        if workers <= 1 {
            for item in 0..<items { body(item, 0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var item = worker
            while item < items {
                body(item, worker)
                item += workers
            }
        }
    }

    static func workerCount(items: Int, threads: Int) -> Int {
        max(1, min(items, threads))
    }
}
