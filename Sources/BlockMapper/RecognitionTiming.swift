import Foundation
import ONNXIR

/// How long recognizing a model takes. The first run pays one-time costs (type metadata, page
/// faults), so the recognizer is run again `reruns` times and the median reported; thread CPU
/// time is reported too because wall time on a busy machine includes waiting for a core.
public struct RecognitionTiming: Sendable, Equatable {
    /// Milliseconds of the first run.
    public var firstMilliseconds: Double
    public var medianMilliseconds: Double
    public var minimumMilliseconds: Double
    /// Median thread CPU time of the reruns, in milliseconds.
    public var medianCPUMilliseconds: Double

    /// Recognizes `model` once, then `reruns` more times for the timing.
    public static func measure(_ model: Model, with recognizer: BlockRecognizer, reruns: Int = 10) throws
        -> (recognition: Recognition, timing: RecognitionTiming) {
        let start = DispatchTime.now()
        let recognition = try recognizer.recognize(model)
        let first = milliseconds(since: start)
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<max(reruns, 1) {
            let t0 = DispatchTime.now(), c0 = threadCPUMilliseconds()
            _ = try recognizer.recognize(model)
            cpu.append(threadCPUMilliseconds() - c0)
            wall.append(milliseconds(since: t0))
        }
        wall.sort()
        cpu.sort()
        return (recognition, RecognitionTiming(firstMilliseconds: first, medianMilliseconds: wall[wall.count / 2],
                                               minimumMilliseconds: wall[0], medianCPUMilliseconds: cpu[cpu.count / 2]))
    }

    static func milliseconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    }

    static func threadCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }
}
