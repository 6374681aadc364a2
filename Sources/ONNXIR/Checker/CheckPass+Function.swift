extension CheckPass {
    /// Model-local functions: unique (domain, name, overload), an operator set for every
    /// domain their nodes use, versions agreeing with the model's, and a body in SSA form
    /// whose nodes use only function inputs and earlier outputs, producing every output.
    mutating func checkFunctions() {
        if !model.functions.isEmpty { requireFeature(.modelFunctions, "functions") }
        var seen = Set<String>()
        for (k, function) in model.functions.enumerated() {
            let id = "\(function.domain ?? "")::\(function.name ?? "")\(function.overload.map { "::" + $0 } ?? "")"
            path.append("function[\(k)] '\(id)'")
            defer { path.removeLast() }
            if (function.name ?? "").isEmpty { error(.function, "name", "function has no name") }
            if (function.domain ?? "").isEmpty { warning(.function, "domain", "function has no domain") }
            if !seen.insert(id).inserted { error(.function, nil, "more than one function with id '\(id)'") }
            if function.overload != nil { requireFeature(.overload, "overload") }
            if !function.attributeProtos.isEmpty { requireFeature(.functionAttributeDefaults, "attribute_proto") }
            if !function.metadataProps.isEmpty { requireFeature(.nestedMetadataProps, "metadata_props") }
            checkFunctionBody(function)
        }
    }

    private mutating func checkFunctionBody(_ function: Function) {
        var functionOpsets: [String: Int64] = [:]
        for opset in function.opsetImports {
            let domain = Self.normalizedDomain(opset.domain)
            guard let version = opset.version else {
                error(.opsetImport, "opset_import '\(domain)'", "opset import has no version")
                continue
            }
            if let modelVersion = opsets[domain], modelVersion != version {
                warning(.opsetImport, "opset_import '\(domain)'",
                        "function imports version \(version) but the model imports \(modelVersion)")
            }
            functionOpsets[domain] = version
        }

        let scope = LexicalScope(parent: nil)
        var inputs = Set<String>()
        for (k, input) in function.inputs.enumerated() {
            if input.isEmpty { error(.function, "input[\(k)]", "function input has no name") }
            if !inputs.insert(input).inserted { error(.ssa, "input[\(k)] '\(input)'", "function input name used more than once") }
            scope.define(input)
        }
        for node in function.nodes {
            for output in node.outputs where !output.isEmpty && scope.producers[output] == nil {
                scope.producers[output] = node.displayName
            }
        }
        let saved = (inFunctionBody, functionAttributeNames)
        inFunctionBody = true
        functionAttributeNames = Set(function.attributes + function.attributeProtos.compactMap(\.name))
        for node in function.nodes {
            checkNode(node, scope: scope, opsets: functionOpsets)
        }
        (inFunctionBody, functionAttributeNames) = saved
        for (k, output) in function.outputs.enumerated() where !scope.definesHere(output) {
            error(.graphOutput, "output[\(k)] '\(output)'", "function output is not produced by any node or input")
        }
    }
}
