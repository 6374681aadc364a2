internal import CKernels
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
///
/// On a machine with more runnable threads than cores, a worker may not get a core until
/// long after the job started. Workers therefore claim a place (a worker number) in a job
/// (`slots`) before they run it, and the caller, once its own share is done, closes the job
/// to late comers and runs the unclaimed worker numbers itself: it waits only for workers
/// that are actually running, never for one that has not been scheduled yet. (With
/// `Parallel.forEach` the caller has by then stolen the unclaimed workers' items.) Polling
/// loops yield the core now and then, so a waiting thread does not hold off the one it waits for.
///
/// Workers are kept off the CPU the submitting thread runs on (`placeWorkers`): the kernel
/// otherwise sometimes wakes a worker onto its waker's CPU, where it gets no time until the
/// caller, which never waits for it, is done. Measured on a 2-core VM, MobileNetV2 on 2 threads
/// with 100 ms between runs: a third of the runs had the worker join none of ~60 jobs (9–12 ms,
/// the caller's CPU being the worker's in every one of them), 6.5–7.5 ms once placed.
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
    /// Open places in the current job: its counter (high bits, as in `ticket`) and how many
    /// workers may still join (low 8 bits, n: worker numbers 1...n are unclaimed). A worker
    /// joins by decrementing it and takes worker number n; the caller closes the job by zeroing it.
    private let slots = Atomic<Int>(0)
    /// Workers that joined the current job and have not finished it.
    private let pending = Atomic<Int>(0)
    /// Workers blocked (or about to block) on `sleepCondition`.
    private let sleepers = Atomic<Int>(0)
    /// The current job's body. Only read by a worker that takes part in the current job, and
    /// the caller waits for those before it clears or replaces it.
    nonisolated(unsafe) private var body: ((Int) -> Void)?
    private var threads: [Thread] = []
    /// Kernel thread ids of the started workers (registered by each as it starts).
    private var workerThreadIDs: [Int] = []
    private let threadIDLock = NSLock()
    /// The CPU the workers were last placed away from (read and written under `submitLock`).
    private(set) var placedAwayFrom = -1

    /// Marks threads that are running a job's body (nested calls run inline).
    static let insideJob = ThreadLocalFlag()

    /// Calls `body(worker)` once for each `worker` in `0..<workers`, concurrently as far as
    /// threads get a core, and returns when all have returned. Worker 0 runs on the calling
    /// thread, and so does any worker number no pool thread claimed in time.
    public func run(workers: Int, _ body: (Int) -> Void) {
        if workers <= 1 || Self.insideJob.isSet || !submitLock.try() {
            // One worker, a nested call, or another thread's job running: run inline.
            for worker in 0..<max(workers, 1) { body(worker) }
            return
        }
        defer { submitLock.unlock() }
        let helpers = min(workers - 1, 255)
        startThreads(upTo: helpers)
        let cpu = Int(ck_current_cpu())
        if cpu >= 0, cpu != placedAwayFrom { placeWorkers(awayFrom: cpu) }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            // `pending` is back at 0 here: every worker's increment is matched by its own
            // decrement (a late worker's attempt included), so it is never reset.
            let job = (ticket.load(ordering: .relaxed) >> 8) + 1
            let next = job << 8 | helpers
            slots.store(next, ordering: .sequentiallyConsistent)
            ticket.store(next, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                sleepCondition.lock()
                sleepCondition.broadcast()
                sleepCondition.unlock()
            }
            Self.insideJob.isSet = true
            escapable(0)
            Self.insideJob.isSet = false
            // Close the job: workers that have not joined yet never will; their shares run here.
            // Those that did are finishing theirs.
            let unclaimed = slots.exchange(job << 8, ordering: .sequentiallyConsistent) & 255
            if unclaimed > 0 {
                Self.insideJob.isSet = true
                for worker in 1...unclaimed { escapable(worker) }
                Self.insideJob.isSet = false
            }
            var polls = 0
            while pending.load(ordering: .acquiring) > 0 {
                polls += 1
                if polls & 255 == 0 { sched_yield() }
            }
            self.body = nil
        }
    }

    /// Whether no worker is asleep (all started ones are polling for a job).
    var workersAwake: Bool { sleepers.load(ordering: .relaxed) == 0 }

    /// Lets every started worker run anywhere but on `cpu` (the submitting thread's). Done when
    /// that CPU changes, and only counted as done once every worker has registered its id.
    private func placeWorkers(awayFrom cpu: Int) {
        let ids = threadIDLock.withLock { workerThreadIDs }
        var placed = ids.count == threads.count
        for id in ids where ck_place_thread_away_from(id, Int32(cpu)) != 0 { placed = false }
        if placed { placedAwayFrom = cpu }
    }

    /// For tests: whether each started worker may run on `cpu` (nil where unknown).
    func workersMayRun(onCPU cpu: Int) -> [Bool?] {
        threadIDLock.withLock { workerThreadIDs }.map { id in
            switch ck_thread_may_run_on(id, Int32(cpu)) { case 1: true; case 0: false; default: nil }
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
        let id = ck_current_thread_id()
        if id >= 0 { threadIDLock.withLock { workerThreadIDs.append(id) } }
        var seen = initial
        while true {
            seen = waitForJob(after: seen)
            if index <= seen & 255, let worker = join(ticket: seen) {
                body!(worker)
                pending.subtract(1, ordering: .releasing)
            }
        }
    }

    /// Takes a place in the job of `ticket` if that job is still open, returning its worker
    /// number (counted in `pending` before the place is taken, so the caller never sees a
    /// joined worker as finished).
    private func join(ticket: Int) -> Int? {
        let job = ticket >> 8
        pending.add(1, ordering: .sequentiallyConsistent)
        var current = slots.load(ordering: .sequentiallyConsistent)
        while current >> 8 == job, current & 255 > 0 {
            let (exchanged, original) = slots.compareExchange(
                expected: current, desired: current - 1, ordering: .sequentiallyConsistent)
            if exchanged { return current & 255 }
            current = original
        }
        pending.subtract(1, ordering: .sequentiallyConsistent)
        return nil
    }

    /// Returns the ticket of the next job after `seen`: polls (yielding now and then), then sleeps.
    private func waitForJob(after seen: Int) -> Int {
        let start = DispatchTime.now().uptimeNanoseconds
        var polls = 0
        while true {
            let current = ticket.load(ordering: .acquiring)
            if current != seen { return current }
            polls += 1
            if polls & 1023 == 0 {
                if DispatchTime.now().uptimeNanoseconds - start > Self.spinDuration { break }
                sched_yield()
            }
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
