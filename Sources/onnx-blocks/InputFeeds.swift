import Foundation
import ONNXIR
import Runtime

/// The inputs for a run: read from files, or generated (seeded) for those not given — the
/// same for `run`, `compare` and `bench`, and always said on stderr so a comparison on random
/// data is never mistaken for one on real inputs.
/// Generation (seeded, symbols bound from given inputs) is Runtime's `Session.completingFeeds`.
enum InputFeeds {
    static func make(for session: Session, options: RuntimeOptions, given: [String: TensorValue] = [:], model: String) throws -> [String: TensorValue] {
        var feeds = given
        let names = Set(session.inputs.map(\.name))
        for (name, path) in try options.inputPaths() {
            guard names.contains(name) else {
                throw CommandFailure.usage("\(model): '\(name)' is not an input of the graph (inputs: \(session.inputs.map(\.name).joined(separator: ", ")))")
            }
            feeds[name] = try TensorFiles.read(path)
        }
        let overrides = try options.shapeOverrides()
        for name in overrides.keys where !names.contains(name) {
            throw CommandFailure.usage("--shape: '\(name)' is not an input of the graph (inputs: \(session.inputs.map(\.name).joined(separator: ", ")))")
        }
        let completed: (feeds: [String: TensorValue], generated: [String])
        do {
            completed = try session.completingFeeds(feeds, shapes: overrides, seed: options.seed)
        } catch let e as RuntimeError { throw ModelSession.failure(e, model: model) }
        let generated = completed.generated
        if !generated.isEmpty && !options.randomInput {
            let text = "note: no --input for \(generated.map { "'\($0)'" }.joined(separator: ", ")): using random inputs (uniform in [-1, 1), seed \(options.seed))\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        return completed.feeds
    }
}
