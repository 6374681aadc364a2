@testable import Kernels
import Synchronization
import Testing

/// Every worker number runs exactly once per job, whether or not a pool thread got a core in
/// time (late workers are closed out and the caller runs their numbers), over many
/// back-to-back jobs of different widths, some with a slow worker 0.
@Test("WorkerPool runs each worker number exactly once per job", arguments: [2, 3, 5])
func workerPoolRunsEachWorkerOnce(workers: Int) {
    let counts = Mutex([Int](repeating: 0, count: workers))
    let jobs = 3000
    for job in 0..<jobs {
        WorkerPool.shared.run(workers: workers) { worker in
            if worker == 0 && job % 97 == 0 {
                // A slow caller share: pool threads join and finish before it closes the job.
                var x = 0.0
                for i in 0..<20_000 { x += Double(i).squareRoot() }
                if x < 0 { print(x) }
            }
            counts.withLock { $0[worker] += 1 }
        }
    }
    let final = counts.withLock { $0 }
    #expect(final == [Int](repeating: jobs, count: workers))
}

/// `Parallel.forEach` hands out every item exactly once on top of the pool.
@Test("Parallel.forEach visits each item once", arguments: [1, 2, 4])
func parallelForEachVisitsEachItemOnce(threads: Int) {
    let seen = Mutex([Int](repeating: 0, count: 257))
    for _ in 0..<200 {
        Parallel.forEach(items: 257, threads: threads) { item, worker in
            #expect(worker < threads)
            seen.withLock { $0[item] += 1 }
        }
    }
    #expect(seen.withLock { $0 } == [Int](repeating: 200, count: 257))
}
