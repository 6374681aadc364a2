extension CheckPass {
    /// One node: op type, opset for its domain, inputs defined before use, attributes,
    /// and SSA for its outputs (which then become visible to later nodes).
    mutating func checkNode(_ node: Node, scope: LexicalScope, opsets: [String: Int64]) {
        let label = "node '\(node.displayName)' (\(node.opType ?? "?"))"
        path.append(label)
        let savedNode = currentNode
        currentNode = node.displayName
        defer { path.removeLast(); currentNode = savedNode }

        if (node.opType ?? "").isEmpty { error(.node, "op_type", "node has no op_type") }
        if node.inputs.isEmpty && node.outputs.isEmpty {
            error(.node, nil, "node has neither inputs nor outputs")
        }
        let domain = Self.normalizedDomain(node.domain)
        if opsets[domain] == nil {
            error(.opsetImport, "domain '\(node.domain ?? "")'", "no opset import for domain '\(domain)'")
        }
        if domain.isEmpty, let version = opsets[""] { checkSchema(node, opset: Int(version)) }
        if node.overload != nil { requireFeature(.overload, "overload") }
        if !node.metadataProps.isEmpty { requireFeature(.nestedMetadataProps, "metadata_props") }
        if !node.deviceConfigurations.isEmpty { requireFeature(.deviceConfigurations, "device_configurations") }

        for (k, input) in node.inputs.enumerated() where !input.isEmpty {
            guard !scope.isVisible(input) else { continue }
            let field = "input[\(k)] '\(input)'"
            if let producer = scope.producer(of: input) {
                let why = producer == node.displayName && node.outputs.contains(input)
                    ? "is this node's own output (a cycle)"
                    : "is produced by node '\(producer)', which comes later: nodes are not in topological order"
                error(.topologicalOrder, field, "input \(why)")
            } else {
                error(.undefinedInput, field,
                      "input is not defined (no earlier node output, graph input or initializer\(scope.parent == nil ? "" : ", nor a value of an enclosing graph"))")
            }
        }

        var attributeNames = Set<String>()
        for (k, attribute) in node.attributes.enumerated() {
            if let name = attribute.name, !name.isEmpty, !attributeNames.insert(name).inserted {
                error(.attribute, "attribute '\(name)'", "attribute appears more than once")
            }
            checkAttribute(attribute, index: k, scope: scope)
        }

        var ownOutputs = Set<String>()
        for (k, output) in node.outputs.enumerated() where !output.isEmpty {
            let field = "output[\(k)] '\(output)'"
            if scope.definesHere(output) {
                let what = ownOutputs.contains(output) ? "this node already" : "an earlier node, graph input or initializer"
                error(.ssa, field, "'\(output)' is already defined by \(what) (SSA: each name is assigned once)")
            } else if scope.isVisibleOutside(output) {
                error(.ssa, field, "'\(output)' shadows a value of an enclosing graph (SSA: each name is assigned once)")
            }
            ownOutputs.insert(output)
            scope.define(output)
        }
    }
}
