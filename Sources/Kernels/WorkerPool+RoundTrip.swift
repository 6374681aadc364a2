import Dispatch
import Synchronization

extension WorkerPool {
    /// The time a cache line takes from the calling thread to pool worker 1 and back, in
    /// nanoseconds: the best of a few batches of ping-pongs on one atomic word. nil where no
    /// worker took part within `timeout` nanoseconds (the pool busy with another thread's job,
    /// a call from inside a job, a worker not scheduled in time).
    ///
    /// On this project's 2-vCPU VMs it reads 50–90 ns while the vCPUs sit on one die (shared L3)
    /// and 290–370 ns while the host has put them on different dies (see `CoreDistance`).
    func roundTripNanoseconds(batches: Int = 3, pingsPerBatch: Int = 8, timeout: UInt64 = 200_000) -> Double? {
        // A sleeping worker takes longer to wake than the timeout: measure once they are awake.
        if Self.insideJob.isSet || !workersAwake { return nil }
        let line = PingPongLine()
        let pings = batches * pingsPerBatch
        var best = Double.infinity
        run(workers: 2) { worker in
            if worker == 0 {
                defer { line.closed.store(true, ordering: .releasing) }
                // Worker 1 announces itself with 1; ping k is 2k + 2, its answer 2k + 3.
                guard line.wait(for: 1, timeout: timeout) else { return }
                for batch in 0..<batches {
                    let start = DispatchTime.now().uptimeNanoseconds
                    for ping in (batch * pingsPerBatch)..<((batch + 1) * pingsPerBatch) {
                        line.word.store(2 * ping + 2, ordering: .releasing)
                        guard line.wait(for: 2 * ping + 3, timeout: timeout) else { return }
                    }
                    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
                    best = min(best, elapsed / Double(pingsPerBatch))
                }
            } else {
                // Run inline by the caller after worker 0 gave up: nobody to answer.
                if line.closed.load(ordering: .acquiring) { return }
                line.word.store(1, ordering: .releasing)
                for ping in 0..<pings {
                    guard line.wait(for: 2 * ping + 2, timeout: timeout) else { return }
                    line.word.store(2 * ping + 3, ordering: .releasing)
                }
            }
        }
        return best.isFinite ? best : nil
    }
}

/// The word `roundTripNanoseconds` bounces between two threads, on a cache line of its own.
private final class PingPongLine: @unchecked Sendable {
    private let padBefore = (0, 0, 0, 0, 0, 0, 0, 0)
    let word = Atomic<Int>(0)
    let closed = Atomic<Bool>(false)
    private let padAfter = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Spins until `word` holds `value` (true), the other side closed, or `timeout` ns passed.
    func wait(for value: Int, timeout: UInt64) -> Bool {
        var polls = 0
        var start: UInt64 = 0
        while word.load(ordering: .acquiring) != value {
            if closed.load(ordering: .relaxed) { return false }
            polls += 1
            if polls & 255 == 0 {
                let now = DispatchTime.now().uptimeNanoseconds
                if start == 0 { start = now } else if now - start > timeout { return false }
            }
        }
        return true
    }
}
