import BlockMapper
import Blocks
import Foundation
import ONNXIR
import ONNXProtobuf

/// Reading a model and recognizing its blocks, shared by `blocks`, `verify` and `diff`.
enum MappedModel {
    /// A structure read from a graph that breaks the rules (a node reading a tensor nothing
    /// defines) would be a structure of nothing: such a model is invalid (exit 1), as `check` says.
    static func requireValid(_ model: Model, path: String) throws {
        let errors = ModelChecker().check(model).errors
        if let first = errors.first {
            throw CommandFailure.invalid("\(path): invalid model (\(errors.count) error\(errors.count == 1 ? "" : "s"); first: \(first)); 'onnx-blocks check' lists them")
        }
    }

    static func recognize(path: String, loadWeights: Bool = false, timing: Bool = false) throws -> Recognition {
        let model: Model
        let start = DispatchTime.now()
        do {
            // Structure only needs tensor shapes: external weight files are read only for weights.
            var reader = ModelReader()
            reader.loadExternalData = loadWeights
            model = try reader.read(contentsOf: URL(fileURLWithPath: path))
            try CommandFailure.requireONNX(model, path: path)
        } catch let error as ONNXProtobufError {
            throw CommandFailure.from(error)
        }
        try requireValid(model, path: path)
        let read = DispatchTime.now()
        do {
            let recognition = try BlockRecognizer(loadWeights: loadWeights).recognize(model)
            if timing {
                let end = DispatchTime.now()
                func ms(_ a: DispatchTime, _ b: DispatchTime) -> Double {
                    Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e6
                }
                // Ten more runs: the first includes one-time runtime costs (type metadata, page faults).
                // Thread CPU time too: wall time on a busy machine includes waiting for a core.
                func cpu() -> Double {
                    var t = timespec()
                    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
                    return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
                }
                var runs: [Double] = [], cpuRuns: [Double] = []
                for _ in 0..<10 {
                    let t0 = DispatchTime.now(), c0 = cpu()
                    _ = try BlockRecognizer(loadWeights: loadWeights).recognize(model)
                    cpuRuns.append(cpu() - c0)
                    runs.append(ms(t0, DispatchTime.now()))
                }
                runs.sort()
                cpuRuns.sort()
                let numbers = String(format: "read %.2f ms; recognize first %.2f ms, median %.2f ms, min %.2f ms (CPU median %.2f ms)",
                                     ms(start, read), ms(read, end), runs[runs.count / 2], runs[0], cpuRuns[cpuRuns.count / 2])
                let text = "timing: \(numbers) (\(model.graph?.nodes.count ?? 0) nodes, weights \(loadWeights ? "loaded" : "not loaded"))\n"
                FileHandle.standardError.write(Data(text.utf8))
            }
            return recognition
        } catch let error as RecognitionError {
            throw CommandFailure.invalid("\(path): \(error)")
        }
    }
}
