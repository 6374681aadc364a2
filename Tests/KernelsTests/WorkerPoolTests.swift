@testable import Kernels
import Foundation
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

/// After a job, no worker may run on the CPU its caller ran on (`WorkerPool.placeWorkers`), and
/// each may run elsewhere; with a single usable CPU there is nowhere else, and no placement.
@Test("WorkerPool keeps its workers off the submitting thread's CPU")
func workersAvoidTheCallersCPU() {
    // A pool of its own: other tests submit to the shared one from other threads (and CPUs).
    // Workers register their thread ids as they start; placement counts once all have.
    let pool = WorkerPool()
    for _ in 0..<500 where pool.placedAwayFrom < 0 {
        pool.run(workers: 3) { _ in }
        usleep(1000)
    }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let cpu = pool.placedAwayFrom
    if cores >= 2 {
        #expect(cpu >= 0, "workers were never placed")
        #expect(pool.workersMayRun(onCPU: cpu).allSatisfy { $0 == false })
        let other = cpu == 0 ? 1 : 0
        #expect(pool.workersMayRun(onCPU: other).allSatisfy { $0 == true })
    } else {
        #expect(cpu == -1)
    }
}
