import ONNXIR
@testable import Runtime

/// Which conformance cases the runtime is expected to pass: every node of every operator in
/// the runtime's table, every tensor float32/int32/int64/bool. Everything else is skipped with
/// the reason this type gives; the few in-scope cases skipped on purpose are listed in
/// `excluded`, each with its reason (the one exclusion list).
enum ConformanceScope {
    /// Every operator in the runtime's table: the scope grows with the table.
    static let operators = Set(OperatorTable.supportedOperators)
    static let types: Set<ElementType> = [.float, .int32, .int64, .bool]

    /// In-scope cases skipped on purpose: case name -> reason.
    static let excluded: [String: String] = [
        "test_batchnorm_epsilon_training_mode": "BatchNormalization training mode (batch statistics); the runtime is inference-only",
        "test_batchnorm_example_training_mode": "BatchNormalization training mode (batch statistics); the runtime is inference-only",
        "test_training_dropout": "random Dropout mask (training mode, numpy's RNG); the runtime is inference-only",
        "test_training_dropout_default": "random Dropout mask (training mode, numpy's RNG); the runtime is inference-only",
        "test_training_dropout_default_mask": "random Dropout mask (training mode, numpy's RNG); the runtime is inference-only",
        "test_training_dropout_mask": "random Dropout mask (training mode, numpy's RNG); the runtime is inference-only",
        "test_not_2d": "the model declares opset 1; the runtime accepts opsets 6 through 28",
        "test_not_3d": "the model declares opset 1; the runtime accepts opsets 6 through 28",
        "test_not_4d": "the model declares opset 1; the runtime accepts opsets 6 through 28",
    ]

    /// Why `model` is out of scope, or nil when in scope.
    static func outOfScope(_ model: Model) -> String? {
        guard let graph = model.graph else { return "no graph" }
        if let op = graph.nodes.compactMap(\.opType).first(where: { !operators.contains($0) }) {
            return "operator \(op) is not in the runtime's operator list"
        }
        if let d = graph.nodes.first(where: { !($0.domain ?? "").isEmpty && $0.domain != "ai.onnx" }) {
            return "domain \(d.domain!) is not supported"
        }
        for v in graph.inputs + graph.outputs {
            guard let t = v.type?.tensorType else { return "value '\(v.name ?? "")' is not a tensor" }
            if let e = t.elementType, !types.contains(e) { return "element type \(e.name)" }
        }
        for t in graph.initializers {
            if let e = t.dataType, !types.contains(e) { return "element type \(e.name)" }
        }
        for n in graph.nodes {
            for a in n.attributes {
                if let t = a.t, let e = t.dataType, !types.contains(e) { return "element type \(e.name)" }
                if n.opType == "Cast", a.name == "to", let i = a.i, !types.contains(ElementType(rawValue: Int32(i))) {
                    return "element type \(ElementType(rawValue: Int32(i)).name)"
                }
            }
        }
        return nil
    }
}
