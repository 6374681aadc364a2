import Dispatch
import Foundation
import Synchronization

/// Whether the worker threads currently share a last-level cache, so that data one thread
/// writes is cheap for another to read.
///
/// Threads that share a cache split each phase of a kernel over all of them and pass results
/// between phases: all threads pack one B for a convolution, or transform the input of a
/// Winograd convolution by channels, multiply by transform points and transform the output by
/// channels again. Every phase stays balanced. Threads on different dies pay for each such
/// pass with trips over the interconnect; there, where it moves less data, each thread runs
/// whole pieces on its own: packs its own B (`Conv2D.Blocking.sharesPackedB`), runs whole
/// groups of Winograd tile rows where the transformed weights are smaller than the transformed
/// data (`WinogradConv3x3.groupsSuit`).
///
/// This project's 2-vCPU VMs switch between the two within seconds (the host moves the vCPUs):
/// a cache line's round trip between the threads reads 50–90 ns on one die and 290–370 ns
/// across, and on two threads across dies every network slows down (Inception-ResNet-V2 from
/// 110–116 to 140–150 ms, ResNet50 from 33–34 to 41–50). Lockstep A/B of the two splits in such
/// periods: Inception-ResNet-V2 0.955, Inception-V4 and InceptionV3 0.97–0.98, ResNet50
/// 1.01–1.02; on one die the measured choice is within 1% of the shared split it then makes.
///
/// The answer is measured (`WorkerPool.roundTripNanoseconds`) at most every `refreshInterval`
/// and cached; `ONNX_BLOCKS_CORES=near` or `far` fixes the answer (benchmarks, tests).
public enum CoreDistance {
    /// Round trips above this many nanoseconds count as different dies.
    static let farRoundTrip = 200.0
    /// How long a measurement is trusted, in nanoseconds.
    static let refreshInterval: UInt64 = 20_000_000
    /// Environment variable that fixes the answer: `near` or `far`.
    public static let environmentKey = "ONNX_BLOCKS_CORES"

    /// The fixed answer from `ONNX_BLOCKS_CORES`, if any.
    static let fixed: Bool? = {
        switch ProcessInfo.processInfo.environment[environmentKey] {
        case "near": return true
        case "far": return false
        default: return nil
        }
    }()

    /// The last measurement: its time in ms since boot (high bits) and whether the threads
    /// were near (bit 0); 0 before the first.
    private static let last = Atomic<Int>(0)

    private static let nearCount = Atomic<Int>(0)
    private static let farCount = Atomic<Int>(0)

    /// How many measurements so far found the threads on one die, and on different ones
    /// (`bench` reports them: a benchmark's figures depend on which it ran in).
    public static var measurements: (near: Int, far: Int) {
        (nearCount.load(ordering: .relaxed), farCount.load(ordering: .relaxed))
    }

    /// Whether `threads` worker threads share a cache now (always with one thread).
    public static func threadsShareCache(threads: Int) -> Bool {
        if threads <= 1 { return true }
        let measured = measure()
        return fixed ?? measured
    }

    /// The cached measurement, refreshed when older than `refreshInterval` (`ONNX_BLOCKS_CORES`
    /// fixes the answer, not the measuring: `bench` still reports what the host did).
    private static func measure() -> Bool {
        let now = DispatchTime.now().uptimeNanoseconds
        let state = last.load(ordering: .relaxed)
        if state != 0, now / 1_000_000 - UInt64(state >> 1) < refreshInterval / 1_000_000 {
            return state & 1 == 1
        }
        guard let roundTrip = WorkerPool.shared.roundTripNanoseconds() else {
            // Not measurable now (workers asleep, the pool busy): the last answer, measured again next call.
            return state == 0 || state & 1 == 1
        }
        let near = roundTrip <= farRoundTrip
        last.store(Int(now / 1_000_000) << 1 | (near ? 1 : 0), ordering: .relaxed)
        if near { nearCount.add(1, ordering: .relaxed) } else { farCount.add(1, ordering: .relaxed) }
        return near
    }
}
