import ONNXIR

/// Every supported operator, keyed by op type, each row covering a range of opsets.
/// Semantics that changed between opsets are separate rows (or read `attributes.opset`).
enum OperatorTable {
    /// The newest default-domain opset the `onnx` package (1.23) knows.
    static let newestOpset = 28
    /// Opset 6 is accepted too: the onnx package's pytorch-converted models use it, and for
    /// these operators it differs from 7 only in the legacy `broadcast`/`is_test` attributes.
    static let oldestOpset = 6
    static let all = oldestOpset...newestOpset

    static let specs: [String: [OperatorSpec]] = {
        var table: [String: [OperatorSpec]] = [:]
        for (op, rows) in elementwiseOperators() { table[op, default: []] += rows }
        for (op, rows) in shapeOperators() { table[op, default: []] += rows }
        for (op, rows) in tensorOperators() { table[op, default: []] += rows }
        for (op, rows) in neuralOperators() { table[op, default: []] += rows }
        return table
    }()

    /// The row for `op` at `opset`, or nil when unsupported.
    static func spec(op: String, opset: Int) -> OperatorSpec? {
        specs[op]?.first { $0.opsets.contains(opset) }
    }

    static var supportedOperators: [String] { specs.keys.sorted() }
}
