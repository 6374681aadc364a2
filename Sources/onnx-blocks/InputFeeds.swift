import Foundation
import ONNXIR
import Runtime

/// The inputs for a run: read from files, or generated (seeded) for those not given — the
/// same for `run`, `compare` and `bench`, and always said on stderr so a comparison on random
/// data is never mistaken for one on real inputs.
/// Symbolic dims are bound from the given inputs; generated inputs default unbound symbols
/// to 1 unless `--shape` says otherwise.
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
        // Bind symbols from given inputs.
        var symbols: [String: Int] = [:]
        for input in session.inputs {
            guard let v = feeds[input.name], let dims = input.dims, dims.count == v.rank else { continue }
            for (d, size) in zip(dims, v.shape) { if case .param(let s)? = d.value { symbols[s] = size } }
        }
        var generator = SplitMix64(seed: options.seed)
        var generated: [String] = []
        for input in session.inputs where feeds[input.name] == nil {
            generated.append(input.name)
            let shape = input.concreteShape(symbols: symbols, override: overrides[input.name])
            if let dims = input.dims, dims.count == shape.count {
                for (d, size) in zip(dims, shape) { if case .param(let s)? = d.value, symbols[s] == nil { symbols[s] = size } }
            }
            do {
                try session.checkInputAllocation(name: input.name, shape: shape, elementType: input.elementType)
            } catch let e as RuntimeError { throw ModelSession.failure(e, model: model) }
            feeds[input.name] = random(shape: shape, type: input.elementType, &generator)
        }
        if !generated.isEmpty && !options.randomInput {
            let text = "note: no --input for \(generated.map { "'\($0)'" }.joined(separator: ", ")): using random inputs (uniform in [-1, 1), seed \(options.seed))\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        return feeds
    }

    static func random(shape: [Int], type: ElementType, _ g: inout SplitMix64) -> TensorValue {
        let value = TensorValue(shape: shape, elementType: type)
        for i in 0..<value.count {
            let u = g.nextUnit()
            switch type {
            case .float: value.floats[i] = Float(u * 2 - 1)
            case .int32: value.int32s[i] = Int32(u * 10)
            case .int64: value.int64s[i] = Int64(u * 10)
            default: value.bools[i] = u < 0.5 ? 0 : 1
            }
        }
        return value
    }
}

/// A small, fast, seedable generator (SplitMix64) so generated inputs repeat across runs.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
