import Dispatch
import Foundation
import Synchronization

/// Persistent worker threads that wait for work by spinning briefly before they sleep.
///
/// A network runs a hundred or more parallel kernels of about a millisecond each. Waking a
/// sleeping thread for each (what `DispatchQueue.concurrentPerform` does once its threads
/// have parked) can cost as much as the kernel on a virtual machine, so the second core
/// mostly arrived after the work was done. Here, after finishing a job a worker keeps
/// polling for the next one for `spinDuration` before it blocks on a condition variable, so
/// back-to-back kernels find their workers awake; an idle process sleeps.
///
/// One job runs at a time. A caller that finds the pool busy (another thread's job), or
/// that calls from inside a job, runs its work on its own thread instead of waiting.
public final class WorkerPool: @unchecked Sendable {
    public static let shared = WorkerPool()

    /// How long an idle worker polls for the next job before it sleeps.
    static let spinDuration: UInt64 = 2_000_000  // ns

    private let submitLock = NSLock()
    private let sleepCondition = NSCondition()
    /// The job ticket: a counter bumped for every job (high bits) and how many pool workers
    /// take part in it (low 8 bits), published together so a worker that sees a ticket knows
    /// whether that very job includes it. Workers compare it with the last one they saw.
    private let ticket = Atomic<Int>(0)
    /// Pool workers still running the current job.
    private let pending = Atomic<Int>(0)
    /// Workers blocked (or about to block) on `sleepCondition`.
    private let sleepers = Atomic<Int>(0)
    /// The current job's body. Only read by a worker that takes part in the current job, and
    /// the caller waits for those before it clears or replaces it.
    nonisolated(unsafe) private var body: ((Int) -> Void)?
    private var threads: [Thread] = []

    /// Marks threads that are running a job's body (nested calls run inline).
    private static let insideJob = ThreadLocalFlag()

    /// Calls `body(worker)` for `worker` in `0..<workers`, concurrently, and returns when all
    /// have returned. Worker 0 runs on the calling thread.
    public func run(workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 || Self.insideJob.isSet || !submitLock.try() {
            // One worker, a nested call, or another thread's job running: run inline.
            for worker in 0..<max(workers, 1) { body(worker) }
            return
        }
        defer { submitLock.unlock() }
        let helpers = min(workers - 1, 255)
        startThreads(upTo: helpers)
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            pending.store(helpers, ordering: .sequentiallyConsistent)
            let next = ((ticket.load(ordering: .relaxed) >> 8) + 1) << 8 | helpers
            ticket.store(next, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                sleepCondition.lock()
                sleepCondition.broadcast()
                sleepCondition.unlock()
            }
            Self.insideJob.isSet = true
            escapable(0)
            Self.insideJob.isSet = false
            // The others took part in the same job; their share is about the size of ours.
            while pending.load(ordering: .acquiring) > 0 {}
            self.body = nil
        }
    }

    private func startThreads(upTo count: Int) {
        while threads.count < count {
            let index = threads.count + 1
            let seen = ticket.load(ordering: .sequentiallyConsistent)
            let thread = Thread { [unowned self] in self.workerLoop(index: index, seen: seen) }
            thread.name = "onnx-blocks worker \(index)"
            threads.append(thread)
            thread.start()
        }
    }

    private func workerLoop(index: Int, seen initial: Int) {
        Self.insideJob.isSet = true
        var seen = initial
        while true {
            seen = waitForJob(after: seen)
            if index <= seen & 255 {
                body!(index)
                pending.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Returns the ticket of the next job after `seen`: polls, then sleeps.
    private func waitForJob(after seen: Int) -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let current = ticket.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            if polls & 1023 == 0, DispatchTime.now().uptimeNanoseconds - start > Self.spinDuration { break }
        }
        sleepCondition.lock()
        defer { sleepCondition.unlock() }
        sleepers.add(1, ordering: .sequentiallyConsistent)
        defer { sleepers.subtract(1, ordering: .sequentiallyConsistent) }
        while true {
            let current = ticket.load(ordering: .sequentiallyConsistent)
            if current != seen { return current }
            sleepCondition.wait()
        }
    }
}

/// A per-thread boolean.
final class ThreadLocalFlag: @unchecked Sendable {
    private let key: pthread_key_t

    init() {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        self.key = key
    }

    var isSet: Bool {
        get { pthread_getspecific(key) != nil }
        set { pthread_setspecific(key, newValue ? UnsafeRawPointer(bitPattern: 1) : nil) }
    }
}
