import ONNXIR

/// A compiled kernel as the executor calls it: inputs by position (nil for omitted optional ones).
typealias Kernel = (_ inputs: [TensorValue?], _ context: ExecutionContext) throws -> [TensorValue]

/// A kernel as an operator writes it: inputs through the checked accessor.
typealias OperatorKernel = (_ inputs: KernelInputs, _ context: ExecutionContext) throws -> [TensorValue]

/// Output element types from input types (nil for omitted inputs); throws `TypeRuleError`.
typealias TypeRule = (NodeAttributes, [ElementType?]) throws -> [ElementType]

/// One row of an operator's definition: the operator over a range of opsets.
///
/// The harness (`Planner.validate`) checks arity against `inputs`/`outputs` and calls `types`,
/// which first refuses an empty name in a required position (the first `inputs.lowerBound`
/// inputs), so kernels never meet a missing required input.
struct OperatorSpec {
    var opsets: ClosedRange<Int>
    var inputs: ClosedRange<Int>
    var outputs: ClosedRange<Int>
    var typeRule: TypeRule
    /// Parses attributes once and returns the kernel. Its second argument holds the values of
    /// inputs known at load time (weights), for pre-packing.
    var make: (NodeAttributes, KernelInputs) throws -> OperatorKernel

    init(opsets: ClosedRange<Int> = OperatorTable.all, inputs: ClosedRange<Int>, outputs: ClosedRange<Int> = 1...1,
         types: @escaping TypeRule, build: @escaping (NodeAttributes, KernelInputs) throws -> OperatorKernel) {
        self.opsets = opsets
        self.inputs = inputs
        self.outputs = outputs
        self.typeRule = types
        self.make = build
    }

    /// Required inputs named, then the operator's own type rule.
    func types(_ node: NodeAttributes, _ inputTypes: [ElementType?]) throws -> [ElementType] {
        let names = node.node.inputs
        for k in 0..<min(inputs.lowerBound, names.count) where names[k].isEmpty {
            throw node.invalid("required input \(k) is missing (its name is empty)")
        }
        return try typeRule(node, inputTypes)
    }

    /// The executor's kernel, with `constants` (nil where unknown at load time).
    func build(_ node: NodeAttributes, _ constants: [TensorValue?]) throws -> Kernel {
        let kernel = try make(node, KernelInputs(constants))
        return { values, context in try kernel(KernelInputs(values), context) }
    }
}

/// A kernel's or type rule's complaint about an input's element type, mapped by the harness to
/// `RuntimeError.unsupportedType`.
enum TypeRuleError: Error {
    case input(Int)
    case output(ElementType?)
}
