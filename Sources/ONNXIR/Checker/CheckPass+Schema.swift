extension CheckPass {
    /// Schema rules for a default-domain node: known operator at this opset, arity, required
    /// inputs, attributes. Unknown operators are a warning (the table covers the CNN set).
    mutating func checkSchema(_ node: Node, opset: Int) {
        let op = node.opType ?? ""
        guard !op.isEmpty else { return }
        switch OperatorSchema.standing(op, opset: opset) {
        case .defined:
            break
        case .notYetDefined(let first):
            error(.schema, "op_type", "operator \(op) does not exist at opset \(opset) (it first appears in opset \(first))")
            return
        case .deprecated(let since):
            error(.schema, "op_type", "operator \(op) is deprecated since opset \(since)")
            return
        case .undefined:
            // A warning, not an error: a newer ONNX may define it (onnx's checker errors here).
            if model.functions.contains(where: { $0.name == op && Self.normalizedDomain($0.domain).isEmpty }) { return }
            warning(.schema, "op_type", "ONNX (as of the schema table) defines no operator \(op) in the default domain: not checked")
            return
        }
        guard let schema = OperatorSchema.lookup(op, opset: opset) else {
            warning(.schema, "op_type", "operator \(op) is not in the schema table: arity, attributes and shapes not checked")
            return
        }
        for v in schema.arityViolations(of: node) + schema.attributeViolations(of: node) {
            error(.schema, v.field, v.message)
        }
    }

    /// Type and shape inference over the main graph, in node order. Declared shapes
    /// (graph inputs, initializers, value_info, outputs) seed and constrain it: an inferred
    /// shape that contradicts a declared one is an error, as in onnx's strict mode.
    mutating func inferShapes(_ graph: Graph) {
        guard let version = opsets[""] else { return }
        path.append("graph \(Self.quoted(graph.name))")
        defer { path.removeLast() }
        var facts: [String: ValueFacts] = [:]
        for input in graph.inputs { if let name = input.name { facts[name] = ValueFacts(input.type) } }
        for tensor in graph.initializers { if let name = tensor.name { facts[name] = ValueFacts(tensor) } }
        var declared: [String: ValueFacts] = [:]
        for info in graph.valueInfo + graph.outputs { if let name = info.name { declared[name] = ValueFacts(info.type) } }

        for node in graph.nodes {
            let domain = Self.normalizedDomain(node.domain)
            let schema = domain.isEmpty ? OperatorSchema.lookup(node.opType ?? "", opset: Int(version)) : nil
            var outputs = node.outputs.map { declared[$0] ?? ValueFacts() }
            if let schema {
                path.append("node '\(node.displayName)' (\(node.opType ?? "?"))")
                currentNode = node.displayName
                do {
                    let inferred = try ShapeInference.infer(node, schema: schema, inputs: node.inputs.map { facts[$0] })
                    for k in outputs.indices where k < inferred.count {
                        outputs[k] = merge(inferred[k], declared: declared[node.outputs[k]], field: "output[\(k)] '\(node.outputs[k])'")
                    }
                } catch {
                    self.error(.shapeInference, error.field, error.message)
                }
                path.removeLast()
                currentNode = nil
            }
            for (k, name) in node.outputs.enumerated() where !name.isEmpty { facts[name] = outputs[k] }
        }
    }

    /// The inferred facts, completed from the declared ones; a contradiction is an error.
    private mutating func merge(_ inferred: ValueFacts, declared: ValueFacts?, field: String) -> ValueFacts {
        guard let declared else { return inferred }
        var result = inferred
        if let a = inferred.elementType, let b = declared.elementType, a != b, a.isKnown, b.isKnown {
            error(.shapeInference, field, "inferred element type \(a) differs from the declared \(b)")
        }
        if result.elementType == nil { result.elementType = declared.elementType }
        guard let a = inferred.dims, let b = declared.dims else {
            if result.dims == nil { result.dims = declared.dims }
            return result
        }
        guard a.count == b.count else {
            error(.shapeInference, field, "inferred rank \(a.count) differs from the declared rank \(b.count)")
            return result
        }
        for i in a.indices {
            if let p = a[i].intValue, let q = b[i].intValue, p != q {
                error(.shapeInference, field, "inferred dimension \(i) is \(p), declared \(q)")
            } else if a[i].value == nil {
                result.dims![i] = b[i]
            }
        }
        return result
    }
}
