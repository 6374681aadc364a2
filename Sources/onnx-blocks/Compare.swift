import ArgumentParser
import Foundation
import ONNXIR
import Runtime

/// `onnx-blocks compare A [B]`: are two models (or a model and a `test_data_set_N` folder)
/// numerically the same? Per tensor: shape, max abs / rel error, worst index, pass/fail under
/// Runtime's `EquivalenceRule` (B or the folder is the reference). Exit 0 equivalent, 1 not.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Check that two models, or a model and a test_data_set folder, agree numerically.",
        discussion: """
            Inputs not given (by --input or the folder's input_K files) are generated (seeded) and \
            named on stderr. Exit 0 equivalent, 1 not equivalent or invalid model, 2 unreadable \
            model, folder or inputs, or bad arguments.

            Rules (--rule): elementwise |a − b| ≤ atol + rtol·|b| per element (default); \
            scale |a − b| ≤ atol + rtol·max|b|, relative to the reference tensor's largest \
            magnitude (for logits of magnitude ~100s, whose float32 rounding error is set by that \
            scale, not by each element). The report names the rule applied.

            Examples:
              onnx-blocks compare rebuilt.onnx original.onnx --intermediates
              onnx-blocks run original.onnx --output-dir ref --format pb && onnx-blocks compare rebuilt.onnx --reference ref
            """
    )

    @Argument(help: "The model to check.") var modelA: String
    @Argument(help: "The reference model.") var modelB: String?
    @Option(help: "A test_data_set_N folder (input_K / output_K as .pb or .npy, as 'run --format pb' writes) to use as the reference.") var reference: String?
    @OptionGroup var runtime: RuntimeOptions
    @Option(help: "Relative tolerance.") var rtol: Double = 1e-4
    @Option(help: "Absolute tolerance.") var atol: Double = 1e-5
    @Option(help: "What rtol multiplies: elementwise (|b|) or scale (max|b| of the reference tensor).") var rule: EquivalenceRule.Mode = .elementwise
    @Flag(help: "Compare every tensor name both models share, and report the first that diverges.") var intermediates = false
    @Flag(help: "Print a JSON report.") var json = false

    func validate() throws {
        if (modelB == nil) == (reference == nil) { throw ValidationError("give either a second model B or --reference DIR") }
        if intermediates && modelB == nil { throw ValidationError("--intermediates needs a second model B") }
        if rtol < 0 || atol < 0 { throw ValidationError("tolerances must be >= 0") }
    }

    func run() throws {
        let results: [TensorComparison]
        if let reference {
            results = try compareWithFolder(reference)
        } else {
            results = try compareModels(modelB!)
        }
        let equivalent = !results.isEmpty && results.allSatisfy(\.passed)
        let first = intermediates ? results.first { !$0.passed }?.name : nil
        if json {
            try printJSON(Report(equivalent: equivalent, rule: equivalenceRule.mode.rawValue, formula: equivalenceRule.description, rtol: rtol, atol: atol, tensors: results.map(TensorRecord.init), firstDivergence: first))
        } else {
            for r in results {
                let status = r.passed ? "ok  " : "FAIL"
                let detail = r.problem ?? String(format: "max abs %.3g, max rel %.3g, worst at %@", r.maxAbsoluteError, r.maxRelativeError, "\(r.worstIndex)")
                print("\(status) \(r.name) \(r.shape): \(detail)")
            }
            if let first { print("first divergence: \(first)") }
            print("\(equivalent ? "equivalent" : "NOT equivalent") under \(equivalenceRule)")
        }
        if !equivalent { throw ExitCode(1) }
    }

    private var equivalenceRule: EquivalenceRule { EquivalenceRule(atol: atol, rtol: rtol, mode: rule) }

    private func compareWithFolder(_ folder: String) throws -> [TensorComparison] {
        let session = try ModelSession.load(modelA, options: try runtime.sessionOptions())
        let files = try TensorFiles.referenceFolder(folder)
        var given: [String: TensorValue] = [:]
        for (k, path) in files.inputs.enumerated() {
            let (name, value) = try TensorFiles.readNamed(path.path)
            if session.inputs.contains(where: { $0.name == name }) { given[name] = value }
            else if k < session.inputs.count { given[session.inputs[k].name] = value }
            else { throw CommandFailure.usage("\(path.path): the model has only \(session.inputs.count) inputs") }
        }
        let feeds = try InputFeeds.make(for: session, options: runtime, given: given, model: modelA)
        let outputs = try ModelSession.run(session, feeds, model: modelA)
        guard !files.outputs.isEmpty else { throw CommandFailure.usage("\(folder): no output_K.pb or output_K.npy files") }
        return try files.outputs.enumerated().map { k, path in
            var (name, expected) = try TensorFiles.readNamed(path.path)
            if outputs[name] == nil {
                guard k < session.outputNames.count else { throw CommandFailure.usage("\(path.path): the model has only \(session.outputNames.count) outputs") }
                name = session.outputNames[k]
            }
            return TensorComparison(name: name, actual: outputs[name]!, reference: expected, rule: equivalenceRule)
        }
    }

    private func compareModels(_ modelB: String) throws -> [TensorComparison] {
        let probeA = try ModelSession.load(modelA, options: try runtime.sessionOptions())
        let probeB = try ModelSession.load(modelB, options: try runtime.sessionOptions())
        var namesA = probeA.outputNames, namesB = probeB.outputNames
        if intermediates {
            let inB = Set(probeB.tensorNames)
            let inputNames = Set(probeA.inputs.map(\.name))
            let shared = probeA.tensorNames.filter { inB.contains($0) && !inputNames.contains($0) }
            namesA = shared + probeA.outputNames.filter { !shared.contains($0) }
            namesB = shared + probeB.outputNames.filter { !shared.contains($0) }
        }
        let sessionA = intermediates ? try ModelSession.load(modelA, options: try runtime.sessionOptions(outputs: namesA)) : probeA
        let sessionB = intermediates ? try ModelSession.load(modelB, options: try runtime.sessionOptions(outputs: namesB)) : probeB
        let feedsA = try InputFeeds.make(for: sessionA, options: runtime, model: modelA)
        // B gets the same tensors: by name, else by position.
        var feedsB: [String: TensorValue] = [:]
        for (k, input) in sessionB.inputs.enumerated() {
            if let v = feedsA[input.name] { feedsB[input.name] = v }
            else if k < sessionA.inputs.count { feedsB[input.name] = feedsA[sessionA.inputs[k].name] }
        }
        let outA = try ModelSession.run(sessionA, feedsA, model: modelA)
        let outB = try ModelSession.run(sessionB, feedsB, model: modelB)
        var results: [TensorComparison] = []
        var seen = Set<String>()
        for name in namesA where outB[name] != nil && seen.insert(name).inserted {
            results.append(TensorComparison(name: name, actual: outA[name]!, reference: outB[name]!, rule: equivalenceRule))
        }
        // Graph outputs with different names: pair them by position.
        for (k, name) in probeA.outputNames.enumerated() where !seen.contains(name) && k < probeB.outputNames.count {
            let other = probeB.outputNames[k]
            guard let b = outB[other] else { continue }
            results.append(TensorComparison(name: name == other ? name : "\(name) ~ \(other)", actual: outA[name]!, reference: b, rule: equivalenceRule))
        }
        return results
    }
}

extension EquivalenceRule.Mode: ExpressibleByArgument {}
