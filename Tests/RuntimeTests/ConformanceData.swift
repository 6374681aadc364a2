import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime

/// Where the generated ONNX conformance data lives (`$ONNX_BLOCKS_CACHE/conformance`,
/// written by tools/make_conformance_data.py) and how to read one case.
enum ConformanceData {
    /// The data folder, or a message saying why it is missing.
    static func root() -> Result<URL, ConformanceMissing> {
        guard let cache = ProcessInfo.processInfo.environment["ONNX_BLOCKS_CACHE"], !cache.isEmpty else {
            return .failure(ConformanceMissing(message: "ONNX_BLOCKS_CACHE is not set; run tools/test.sh (it generates $ONNX_BLOCKS_CACHE/conformance)"))
        }
        let url = URL(fileURLWithPath: cache).appendingPathComponent("conformance")
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("node").path) else {
            return .failure(ConformanceMissing(message: "\(url.path)/node is missing; run tools/make_conformance_data.py --out \(url.path)"))
        }
        return .success(url)
    }

    /// Case folders (holding model.onnx) under `root/suite`, sorted by name.
    static func cases(_ root: URL, suite: String) -> [URL] {
        let dir = root.appendingPathComponent(suite)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().map { dir.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.onnx").path) }
    }

    /// `test_data_set_N` folders of a case.
    static func dataSets(_ caseDir: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: caseDir.path)) ?? []
        return names.filter { $0.hasPrefix("test_data_set_") }.sorted().map { caseDir.appendingPathComponent($0) }
    }

    /// `prefix_K.pb` files of a data set in K order.
    static func numbered(_ dir: URL, _ prefix: String) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.compactMap { n -> (Int, URL)? in
            guard n.hasPrefix(prefix + "_"), n.hasSuffix(".pb"), let k = Int(n.dropFirst(prefix.count + 1).dropLast(3)) else { return nil }
            return (k, dir.appendingPathComponent(n))
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

struct ConformanceMissing: Error { var message: String }
