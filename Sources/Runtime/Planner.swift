import Foundation
import ONNXIR

/// Turns a model into a `Plan`: topological order, validation of every node (operator,
/// opset, arity, element types), constant folding, fusion, slot numbering and the
/// release-after-last-use schedule.
struct Planner {
    let model: Model
    let graph: Graph
    let options: SessionOptions
    let opset: Int

    init(model: Model, options: SessionOptions) throws {
        guard let graph = model.graph else { throw RuntimeError.missingGraph }
        let version = model.opsetVersion() ?? Int64(OperatorTable.newestOpset)
        guard OperatorTable.all.contains(Int(version)) else { throw RuntimeError.unsupportedOpset(domain: "", version: version) }
        self.model = model
        self.graph = graph
        self.options = options
        self.opset = Int(version)
    }

    /// A node accepted by validation.
    struct Checked {
        var node: Node
        var attributes: NodeAttributes
        var spec: OperatorSpec
    }

    func makePlan() throws -> Plan {
        var constants: [String: TensorValue] = [:]
        var types: [String: ElementType] = [:]
        for t in graph.initializers {
            let name = t.name ?? ""
            let value = try TensorValue(t)
            constants[name] = value
            types[name] = value.elementType
        }
        let inputs = try graph.runtimeInputs.map { info -> InputDescription in
            let name = info.name ?? ""
            guard let tensorType = info.type?.tensorType, let type = tensorType.elementType else {
                throw RuntimeError.unsupportedTensorType(tensor: name, type: nil)
            }
            guard TensorValue.supportedTypes.contains(type) else { throw RuntimeError.unsupportedTensorType(tensor: name, type: type) }
            types[name] = type
            return InputDescription(name: name, elementType: type, dims: tensorType.shape?.dims)
        }
        try checkSingleAssignment(defined: Set(constants.keys).union(graph.inputs.compactMap(\.name)))
        let ordered = try topologicalOrder(available: Set(constants.keys).union(inputs.map(\.name)))
        let checked = try ordered.map { try validate($0, types: &types) }
        let graphOutputs = graph.outputs.compactMap(\.name)
        let wanted = options.outputs ?? graphOutputs
        var known = Set(constants.keys).union(inputs.map(\.name))
        for c in checked { known.formUnion(c.node.outputs.filter { !$0.isEmpty }) }
        for name in wanted where !known.contains(name) { throw RuntimeError.unknownOutput(name: name) }

        let remaining = try fold(checked, constants: &constants)
        let protected = Set(wanted).union(graphOutputs)
        let items = options.fusion
            ? SiblingMerge.merge(try PoolReorder.apply(
                PadPoolFold.apply(try Fusion.fuse(remaining, constants: constants, protected: protected),
                                  constants: constants, protected: protected),
                protected: protected))
            : remaining.map { PlanItem.node($0) }
        return try assemble(items, constants: constants, inputs: inputs, wanted: wanted, ordered: ordered)
    }

    /// SSA, as `check` demands it: no node writes a graph input, an initializer, or a name
    /// another node (or itself) already wrote. `Relu x -> x` would otherwise run.
    func checkSingleAssignment(defined: Set<String>) throws {
        var defined = defined
        for node in graph.nodes {
            for output in node.outputs where !output.isEmpty {
                guard defined.insert(output).inserted else {
                    throw RuntimeError.invalidNode(node: node.displayName, op: node.opType ?? "",
                                                   reason: "output '\(output)' is already defined by a graph input, an initializer or another output (SSA: each name is assigned once)")
                }
            }
        }
    }

    /// ONNXIR's topological order (stable: file order among ready nodes), its errors as
    /// the runtime's. Subgraph outer-scope names count as inputs of the node holding them.
    func topologicalOrder(available: Set<String>) throws -> [Node] {
        let order: [Int]
        do {
            order = try graph.topologicalOrder(outerScope: available)
        } catch {
            throw Self.runtimeError(error)
        }
        return order.map { graph.nodes[$0] }
    }

    static func runtimeError(_ error: GraphOrderError) -> RuntimeError {
        switch error {
        case let .undefinedInput(node, input): return .undefinedTensor(node: node, tensor: input)
        case let .cycle(nodes): return .cycle(nodes: nodes)
        case let .duplicateOutput(node, output):
            return .invalidNode(node: node, op: "", reason: "output '\(output)' is written by two nodes")
        }
    }

    /// The harness: operator and opset lookup, arity, element types. Records output types.
    func validate(_ node: Node, types: inout [String: ElementType]) throws -> Checked {
        let op = node.opType ?? ""
        let domain = node.domain ?? ""
        let attributes = NodeAttributes(node: node, opset: opset)
        // An operator the runtime cannot run is the first thing to say; then the spec's arity.
        guard domain.isEmpty || domain == "ai.onnx", let spec = OperatorTable.spec(op: op, opset: opset) else {
            throw RuntimeError.unsupportedOperator(node: node.displayName, op: op, domain: domain, opset: Int64(opset))
        }
        // The spec's arity (required inputs present) before any kernel: a Conv whose weight
        // name is empty is refused here, by name, whatever a kernel would assume.
        if domain.isEmpty || domain == "ai.onnx", let schema = OperatorSchema.lookup(op, opset: opset) {
            for (what, count, range) in [("inputs", node.inputs.count, schema.inputCount), ("outputs", node.outputs.count, schema.outputCount)]
            where !range.contains(count) {
                throw RuntimeError.wrongArity(node: node.displayName, op: op, what: what, expected: range, found: count)
            }
            // Attribute values the spec bounds (positive strides, num_outputs >= 1, ...): kernels
            // divide by them or build ranges from them.
            if let violation = (schema.arityViolations(of: node) + schema.rangeViolations(of: node)).first {
                throw RuntimeError.invalidNode(node: node.displayName, op: op, reason: violation.description)
            }
        }
        var inputCount = node.inputs.count
        while inputCount > 0 && node.inputs[inputCount - 1].isEmpty { inputCount -= 1 }
        guard spec.inputs.contains(inputCount) else {
            throw RuntimeError.wrongArity(node: node.displayName, op: op, what: "inputs", expected: spec.inputs, found: inputCount)
        }
        guard spec.outputs.contains(node.outputs.count) else {
            throw RuntimeError.wrongArity(node: node.displayName, op: op, what: "outputs", expected: spec.outputs, found: node.outputs.count)
        }
        let inputTypes = node.inputs.prefix(inputCount).map { $0.isEmpty ? nil : types[$0] }
        let outputTypes: [ElementType]
        do {
            outputTypes = try spec.types(attributes, Array(inputTypes))
        } catch TypeRuleError.input(let k) {
            throw RuntimeError.unsupportedType(node: node.displayName, op: op, tensor: node.inputs[k], type: inputTypes[k])
        } catch TypeRuleError.output(let t) {
            throw RuntimeError.unsupportedType(node: node.displayName, op: op, tensor: node.outputs.first ?? "", type: t)
        }
        for (k, name) in node.outputs.enumerated() where !name.isEmpty && k < outputTypes.count {
            types[name] = outputTypes[k]
        }
        return Checked(node: node, attributes: attributes, spec: spec)
    }

    /// Evaluates nodes whose inputs are all constants (weights made by ConstantOfShape,
    /// Constant nodes, shape arithmetic on constants). Returns the nodes left to run.
    func fold(_ nodes: [Checked], constants: inout [String: TensorValue]) throws -> [Checked] {
        var remaining: [Checked] = []
        let context = ExecutionContext(threads: options.threads)
        for c in nodes {
            let present = c.node.inputs.filter { !$0.isEmpty }
            guard present.allSatisfy({ constants[$0] != nil }) else { remaining.append(c); continue }
            let args = c.node.inputs.map { $0.isEmpty ? nil : constants[$0] }
            try MemoryBudget.check([c.node], opset: opset, limit: options.maxMemory, live: 0) { name in
                constants[name].map(MemoryBudget.facts)
            }
            do {
                let kernel = try c.spec.build(c.attributes, args)
                let results = try kernel(trimmed(args), context)
                for (k, name) in c.node.outputs.enumerated() where !name.isEmpty && k < results.count { constants[name] = results[k] }
            } catch let error as KernelError {
                throw RuntimeError.nodeFailed(node: c.node.displayName, op: c.attributes.op, reason: error.reason)
            }
        }
        return remaining
    }

    func trimmed(_ args: [TensorValue?]) -> [TensorValue?] {
        var a = args
        while let last = a.last, last == nil { a.removeLast() }
        return a
    }

    /// Numbers tensors, builds kernels, marks shape-only steps and schedules releases.
    func assemble(_ items: [PlanItem], constants: [String: TensorValue], inputs: [InputDescription], wanted: [String], ordered: [Node]) throws -> Plan {
        var slots: [String: Int] = [:]
        var names: [String] = []
        func slot(_ name: String) -> Int {
            if name.isEmpty { return -1 }
            if let s = slots[name] { return s }
            slots[name] = names.count
            names.append(name)
            return names.count - 1
        }
        for i in inputs { _ = slot(i.name) }
        var constantSlots: [Int: TensorValue] = [:]
        for (name, value) in constants { constantSlots[slot(name)] = value }
        var steps: [Step] = []
        var staticSlots = Set(constantSlots.keys)
        for item in items {
            var step: Step
            switch item {
            case .node(let c):
                var inputNames = c.node.inputs
                while let last = inputNames.last, last.isEmpty { inputNames.removeLast() }
                let args = inputNames.map { $0.isEmpty ? nil : constants[$0] }
                let kernel: Kernel
                do { kernel = try c.spec.build(c.attributes, args) } catch let error as KernelError {
                    throw RuntimeError.invalidNode(node: c.node.displayName, op: c.attributes.op, reason: error.reason)
                }
                step = Step(name: c.node.displayName, op: c.attributes.op, inputs: inputNames.map(slot),
                            outputs: c.node.outputs.map(slot), kernel: kernel)
                step.guarded = [c.node]
                if c.attributes.op == "Concat" { step.concatAxis = try? c.attributes.int("axis") }
                // Convolutions and single-output MaxPools write through `ExecutionContext.result`.
                step.writesResult = c.attributes.op == "Conv" || (c.attributes.op == "MaxPool" && c.node.outputs.count == 1)
            case .fusedConvolution(let f):
                step = Step(name: f.name, op: f.ops.joined(separator: "+"), inputs: [slot(f.input), f.residual.map(slot) ?? -1],
                            outputs: [slot(f.output)], kernel: f.kernel())
                step.guarded = ordered.filter { $0.displayName == f.name && $0.opType == "Conv" }
                step.writesResult = true
                step.residualSlot = f.residual.map(slot)
            case .pooledConvolution(let p):
                step = Step(name: p.name, op: p.ops.joined(separator: "+"), inputs: [slot(p.input)], outputs: [slot(p.output)],
                            kernel: p.kernel())
                step.guarded = p.guarded
                step.writesResult = true
            case .mergedConvolution(let m):
                step = Step(name: m.name, op: m.op, inputs: [slot(m.input)], outputs: m.outputs.map(slot), kernel: m.kernel())
                step.writesResult = true
                step.stackedChannels = m.channelCounts
                let members = Set(m.memberNames)
                step.guarded = ordered.filter { members.contains($0.displayName) && $0.opType == "Conv" }
            }
            step.shapeOnly = step.op == "Shape" || step.inputs.allSatisfy { $0 < 0 || staticSlots.contains($0) }
            if step.shapeOnly { staticSlots.formUnion(step.outputs.filter { $0 >= 0 }) }
            steps.append(step)
        }
        // Release each non-constant slot after its last reader, unless it is returned.
        let keep = Set(wanted.map(slot))
        var lastUse: [Int: Int] = [:]
        for (i, s) in steps.enumerated() { for slot in s.inputs where slot >= 0 { lastUse[slot] = i } }
        for (i, s) in steps.enumerated() { for slot in s.outputs where slot >= 0 && lastUse[slot] == nil { lastUse[slot] = i } }
        for (slot, i) in lastUse where !keep.contains(slot) && constantSlots[slot] == nil {
            steps[i].releases.append(slot)
        }
        // Keep only constants a step reads or the caller asked for: weights live on inside the
        // (fused, merged, pre-packed) kernels, and a tensor nothing reads would only hold memory.
        var read = keep
        for s in steps { read.formUnion(s.inputs.filter { $0 >= 0 }) }
        constantSlots = constantSlots.filter { read.contains($0.key) }
        var tensorNames = inputs.map(\.name)
        for n in ordered { tensorNames += n.outputs.filter { !$0.isEmpty } }
        return Plan(steps: steps, slots: slots, slotCount: names.count, constants: constantSlots, inputs: inputs,
                    outputNames: wanted, tensorNames: tensorNames, opset: opset,
                    constantFacts: constants.mapValues(MemoryBudget.facts),
                    concats: ConcatPlacement(steps: steps, kept: keep, writesInPlace: \.writesResult))
    }
}

/// A plan entry: a single node, or a convolution with the nodes fused into it.
enum PlanItem {
    case node(Planner.Checked)
    case fusedConvolution(FusedConvolution)
    case mergedConvolution(MergedConvolution)
    case pooledConvolution(PooledConvolution)

    /// The tensors the item writes.
    var outputNames: [String] {
        switch self {
        case .node(let c): return c.node.outputs.filter { !$0.isEmpty }
        case .fusedConvolution(let f): return [f.output]
        case .mergedConvolution(let m): return m.outputs
        case .pooledConvolution(let p): return [p.output]
        }
    }

    /// The tensors the item reads (for the plan passes' reader counts).
    var inputNames: [String] {
        switch self {
        case .node(let c): return c.node.inputs.filter { !$0.isEmpty }
        case .fusedConvolution(let f): return [f.input] + (f.residual.map { [$0] } ?? [])
        case .mergedConvolution(let m): return [m.input]
        case .pooledConvolution(let p): return [p.input]
        }
    }

    /// How many items read each tensor.
    static func readerCounts(_ items: [PlanItem]) -> [String: Int] {
        var readers: [String: Int] = [:]
        for item in items { for name in item.inputNames { readers[name, default: 0] += 1 } }
        return readers
    }
}
