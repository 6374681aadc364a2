import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime
import Testing

/// The ONNX backend conformance suites, generated from the `onnx` package: every in-scope
/// case must match its expected outputs under the suite's tolerances (rtol 1e-3, atol 1e-7).
@Suite struct ConformanceTests {
    struct Tally {
        var passed: [String] = []
        var failed: [String] = []
        var skipped: [String: Int] = [:]
        var excluded: [String] = []

        func summary(_ suite: String) -> String {
            let reasons = skipped.sorted { $0.value > $1.value }.prefix(8).map { "\($0.value) \($0.key)" }.joined(separator: "; ")
            return "\(suite): \(passed.count) passed, \(failed.count) failed, \(skipped.values.reduce(0, +)) skipped out of scope, \(excluded.count) excluded [\(reasons)]"
        }
    }

    @Test("backend node cases", arguments: ["node", "pytorch-converted", "pytorch-operator", "simple"])
    func suite(_ suite: String) throws {
        let root: URL
        switch ConformanceData.root() {
        case .success(let url): root = url
        case .failure(let missing): Issue.record("\(missing.message)"); return
        }
        let cases = ConformanceData.cases(root, suite: suite)
        #expect(!cases.isEmpty, "no cases under \(root.path)/\(suite)")
        var tally = Tally()
        for dir in cases {
            let name = dir.lastPathComponent
            let model: Model
            do { model = try ModelReader().read(contentsOf: dir.appendingPathComponent("model.onnx")) } catch {
                tally.failed.append(name)
                Issue.record("\(suite)/\(name): model does not load: \(error)")
                continue
            }
            if let reason = ConformanceScope.outOfScope(model) { tally.skipped[reason, default: 0] += 1; continue }
            if ConformanceScope.excluded[name] != nil { tally.excluded.append(name); continue }
            if let problem = Self.check(model, dir, rtol: 1e-3, atol: 1e-7) {
                tally.failed.append(name)
                Issue.record("\(suite)/\(name): \(problem)")
            } else {
                tally.passed.append(name)
            }
        }
        print(tally.summary(suite))
        if suite == "node" {
            // onnx 1.23 has 670 in-scope node cases (246 before the operator table grew);
            // fewer means the scope rule or data drifted.
            #expect(tally.passed.count + tally.failed.count + tally.excluded.count >= 670)
        }
    }

    /// Runs every data set of a case; nil when all outputs match.
    static func check(_ model: Model, _ dir: URL, rtol: Double, atol: Double) -> String? {
        do {
            let session = try Session(model: model, options: SessionOptions(threads: 1))
            let sets = ConformanceData.dataSets(dir)
            guard !sets.isEmpty else { return "no test_data_set folders" }
            for set in sets {
                let inputs = try ConformanceData.numbered(set, "input").map { try TensorValue(TensorProtoFile.read(contentsOf: $0)) }
                guard inputs.count == session.inputs.count else { return "\(set.lastPathComponent): \(inputs.count) input files for \(session.inputs.count) inputs" }
                var feeds: [String: TensorValue] = [:]
                for (k, input) in session.inputs.enumerated() { feeds[input.name] = inputs[k] }
                let outputs = try session.run(feeds)
                let expected = try ConformanceData.numbered(set, "output").map { try TensorValue(TensorProtoFile.read(contentsOf: $0)) }
                guard expected.count == session.outputNames.count else { return "\(expected.count) expected outputs for \(session.outputNames.count) outputs" }
                for (k, name) in session.outputNames.enumerated() {
                    let c = TensorComparison(name: name, actual: outputs[name]!, reference: expected[k], rtol: rtol, atol: atol)
                    if !c.passed {
                        return "\(set.lastPathComponent) output '\(name)': \(c.problem ?? "max abs \(c.maxAbsoluteError), max rel \(c.maxRelativeError) at \(c.worstIndex)")"
                    }
                }
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
