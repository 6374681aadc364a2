import ArgumentParser
import Foundation
import Kernels
import Runtime

/// `onnx-blocks bench MODEL`: latency after warm-up (median, min), GFLOP/s of the convolutions
/// and matrix products, and the process's peak resident memory.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a model's inference latency, GFLOP/s and peak memory.",
        discussion: """
            Inputs are generated (seeded) unless given. JSON keys: medianMs, minMs, gflops, peakRssBytes,
            and with several threads coresNear / coresFar: how often the threads were found sharing a
            cache, or on different dies, during the timed runs (the kernels split work accordingly).
            Exit 0 ok, 1 invalid model, 2 unreadable file or bad arguments.

            Example:
              onnx-blocks bench model.onnx --threads 1 --runs 20 --json
            """
    )

    @Argument(help: "The model to measure.") var model: String
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Timed runs after warm-up.") var runs: Int = 10
    @Option(help: "Untimed warm-up runs.") var warmup: Int = 2
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print time per operator (timed runs).") var profile = false
    @Option(help: "With --profile, also print the N slowest nodes.") var profileNodes = 0
    @Flag(help: ArgumentHelp(
        "Before each timed run wait for a line on standard input; after it print `step MS`.",
        discussion: "Lets a driver interleave our runs with another runtime's (tools/bench_runtime.py)."))
    var paced = false

    func validate() throws {
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must be >= 0") }
    }

    func run() throws {
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let session = try ModelSession.load(model, options: try runtime.sessionOptions())
        let loadMs = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e6
        var options = runtime
        options.randomInput = true
        let feeds = try InputFeeds.make(for: session, options: options, model: model)
        for _ in 0..<warmup { _ = try ModelSession.run(session, feeds, model: model) }
        var times: [Double] = []
        session.profiling = profile
        let cpuStart = Self.cpuSeconds()
        let coresBefore = CoreDistance.measurements
        for _ in 0..<runs {
            if paced, readLine() == nil { throw CommandFailure.usage("--paced: standard input closed before the last run") }
            let before = CoreDistance.measurements
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try ModelSession.run(session, feeds, model: model)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            if paced {
                let after = CoreDistance.measurements
                print("step \(times[times.count - 1]) near \(after.near - before.near) far \(after.far - before.far)")
                fflush(stdout)
            }
        }
        let coresAfter = CoreDistance.measurements
        let cores = (near: coresAfter.near - coresBefore.near, far: coresAfter.far - coresBefore.far)
        let cpuMs = (Self.cpuSeconds() - cpuStart) * 1000 / Double(runs)
        times.sort()
        if profile {
            let byOperator = session.profile
            let total = byOperator.values.reduce(0) { $0 + $1.nanoseconds }
            for (op, entry) in byOperator.sorted(by: { $0.value.nanoseconds > $1.value.nanoseconds }) {
                FileHandle.standardError.write(Data(String(format: "%-28@ %6d calls %9.2f ms/run %5.1f%%\n", op as NSString, entry.calls / runs,
                    Double(entry.nanoseconds) / 1e6 / Double(runs), 100 * Double(entry.nanoseconds) / Double(max(total, 1))).utf8))
            }
            let slowest = session.stepProfile.sorted { $0.value.nanoseconds > $1.value.nanoseconds }.prefix(profileNodes)
            for (name, entry) in slowest {
                FileHandle.standardError.write(Data(String(format: "  %9.3f ms/run  %-16@ %@\n",
                    Double(entry.nanoseconds) / 1e6 / Double(runs), entry.op as NSString, name as NSString).utf8))
            }
        }
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        let gflops = session.lastFlops / (median * 1e6)
        let result = Result(medianMs: median, minMs: times[0], gflops: gflops, peakRssBytes: PeakMemory.residentBytes(),
                            runs: runs, threads: session.options.threads, loadMs: loadMs, flops: session.lastFlops, cpuMsPerRun: cpuMs,
                            coresNear: cores.near, coresFar: cores.far)
        if json {
            try printJSON(result)
        } else {
            print(String(format: "median %.2f ms, min %.2f ms, %.1f GFLOP/s, peak RSS %.1f MB, CPU %.1f ms/run (%d runs, %d threads, load %.0f ms)",
                         median, times[0], gflops, Double(result.peakRssBytes) / 1e6, cpuMs, runs, result.threads, loadMs))
            if cores.near + cores.far > 0 {
                print("threads on different dies in \(cores.far) of \(cores.near + cores.far) checks (see CoreDistance)")
            }
        }
    }

    struct Result: Encodable {
        var medianMs: Double
        var minMs: Double
        var gflops: Double
        var peakRssBytes: Int
        var runs: Int
        var threads: Int
        var loadMs: Double
        var flops: Double
        /// CPU time (user + system, all threads) per timed run: with one thread, the latency an
        /// idle machine would show, even when other processes compete for the cores.
        var cpuMsPerRun: Double
        /// Checks of whether the threads share a cache (`CoreDistance`) that found them on one
        /// die, and on different dies, during the timed runs (0 and 0 with one thread).
        var coresNear: Int
        var coresFar: Int
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

}
