import Foundation
import ONNXIR
import ONNXProtobuf
#if canImport(Glibc)
import Glibc
#endif

/// Times `ModelReader` on one file (`convert --bench-read N IN`, used by tools/bench_reader.py)
/// and prints one JSON object: per-run milliseconds, their median, and the process's peak RSS.
struct ReadBenchmark {
    var path: String
    var runs: Int

    func run() throws {
        let url = URL(fileURLWithPath: path)
        var times: [Double] = []
        var parameters = 0
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let model = try ModelReader().read(contentsOf: url)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            parameters = model.graph?.initializers.reduce(0) { $0 + ((try? $1.elementCount()) ?? 0) } ?? 0
        }
        let sorted = times.sorted()
        let result: [String: Any] = [
            "runsMs": times, "medianMs": sorted[sorted.count / 2],
            "peakRSSBytes": PeakMemory.residentBytes(), "parameters": parameters,
        ]
        let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }

}
