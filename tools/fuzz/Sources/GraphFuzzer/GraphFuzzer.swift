import BlockMapper
import CFuzzerDriver
import Foundation
import ONNXIR
import ONNXProtobuf
import Runtime

/// libFuzzer entry: bytes → `FuzzedGraph` model → checker, writer/reader round trip, a
/// `Session` (built and run on a deterministic input under a 256 MiB budget) and the block
/// recognizer. Typed errors are fine; a trap, sanitizer report, hang or OOM is a finding.
/// The checker and the runtime must agree on SSA and required inputs: a model the runtime
/// ran is one `check` must not call structurally broken (schema errors aside).
@_cdecl("LLVMFuzzerTestOneInput")
public func graphFuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    var description = FuzzedGraph(bytes)
    let model = description.model(operators: Session.supportedOperators)
    let issues = ModelChecker().check(model)
    if let data = try? ModelWriter().serialize(model) {
        precondition((try? ModelReader().read(data: data)) == model, "round trip changed a fuzzed model")
    }
    _ = try? BlockRecognizer(loadWeights: true).recognize(model)
    guard let session = try? Session(model: model, options: SessionOptions(threads: 1, maxMemory: 256 << 20)) else { return 0 }
    let input = session.inputs[0]
    let shape = input.dims?.map { Int($0.intValue ?? 1) } ?? []
    let value = TensorValue(shape: shape, floats: (0..<shape.reduce(1, *)).map { Float($0 % 7) - 3 })
    if (try? session.run([input.name: value])) != nil {
        precondition(!issues.errors.contains { $0.rule == .ssa || $0.rule == .undefinedInput },
                     "the runtime ran a model check rejects: \(issues.errors)")
    }
    return 0
}

@_cdecl("GraphFuzzer_main")
public func graphFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { graphFuzzerTestOneInput($0, $1) }
}
