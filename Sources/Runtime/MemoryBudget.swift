import ONNXIR

/// The check that runs before a step allocates: infer its outputs' exact sizes from the
/// concrete input shapes (and the values of shape inputs) with `ShapeInference`, in
/// overflow-checked arithmetic, and refuse the step when a size overflows or would take the
/// live tensors past the budget. A hostile `ConstantOfShape [2^20, 2^20, 2^20]` or a `Pad`
/// of 2^40 then ends in `RuntimeError.memoryBudget` naming the node, not in a trap or in
/// `malloc` failing inside a kernel.
enum MemoryBudget {
    /// Throws when a node of `nodes` cannot be sized or would not fit. `facts(name)` gives what
    /// is known of each input at this point; `live` is what the run already holds.
    static func check(_ nodes: [Node], opset: Int, limit: Int, live: Int, facts: (String) -> ValueFacts?) throws {
        for node in nodes {
            let op = node.opType ?? ""
            guard let schema = OperatorSchema.lookup(op, opset: opset) else { continue }
            let outputs: [ValueFacts]
            do {
                outputs = try ShapeInference.infer(node, schema: schema, inputs: node.inputs.map { $0.isEmpty ? nil : facts($0) })
            } catch {
                throw RuntimeError.nodeFailed(node: node.displayName, op: op, reason: error.description)
            }
            var total = live
            for (k, output) in outputs.enumerated() where k < node.outputs.count && !node.outputs[k].isEmpty {
                guard let shape = output.concreteShape, let width = output.elementType?.bitWidth else { continue }
                let bytes = try? ShapeArithmetic.byteCount(shape, bitWidth: width)
                let (sum, overflow) = total.addingReportingOverflow(bytes ?? Int.max)
                guard bytes != nil, !overflow, sum <= limit else {
                    throw RuntimeError.memoryBudget(node: node.displayName, tensor: node.outputs[k], shape: shape, bytes: bytes, limit: limit)
                }
                total = sum
            }
        }
    }

    /// Facts of a runtime value: its exact shape, and its values when it is a small integer tensor.
    static func facts(_ value: TensorValue) -> ValueFacts {
        let small = (value.elementType == .int64 || value.elementType == .int32) && value.count <= ValueFacts.maxTrackedValues
        return ValueFacts(elementType: value.elementType, shape: value.shape, values: small ? value.integerArray() : nil)
    }
}
