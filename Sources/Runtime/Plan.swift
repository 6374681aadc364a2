import ONNXIR
/// What the planner hands the session: ordered steps over numbered tensor slots.
struct Plan {
    var steps: [Step]
    var slots: [String: Int]
    var slotCount: Int
    var constants: [Int: TensorValue]
    var inputs: [InputDescription]
    var outputNames: [String]
    var tensorNames: [String]
    /// The default-domain opset (for the schemas `MemoryBudget` infers with).
    var opset: Int = OperatorTable.newestOpset
    /// Shapes and small integer values of every constant, including those folded into kernels.
    var constantFacts: [String: ValueFacts] = [:]
    /// Concats whose inputs their producers may write in place.
    var concats = ConcatPlacement(steps: [], kept: [], writesInPlace: { _ in false })
}
