extension CheckPass {
    /// Rules for one graph: interface, initializers, then every node in order.
    /// `isMain`: the model's graph (its interface must be fully typed; subgraphs may omit types).
    mutating func checkGraph(_ graph: Graph, parentScope: LexicalScope?, isMain: Bool) {
        let label = "graph \(Self.quoted(graph.name))"
        path.append(label)
        let savedNode = currentNode
        currentNode = nil
        defer { path.removeLast(); currentNode = savedNode }

        if (graph.name ?? "").isEmpty { error(.graphName, "name", "graph has no name") }
        let scope = LexicalScope(parent: parentScope)

        let inputNames = checkGraphInputs(graph, scope: scope, isMain: isMain)
        checkInitializers(graph, inputNames: inputNames, scope: scope)
        for (k, output) in graph.outputs.enumerated() {
            checkValueInfo(output, field: "output[\(k)] \(Self.quoted(output.name))", requireType: isMain)
        }
        for (k, info) in graph.valueInfo.enumerated() {
            checkValueInfo(info, field: "value_info[\(k)] \(Self.quoted(info.name))", requireType: false)
        }
        if !graph.quantizationAnnotations.isEmpty { requireFeature(.quantizationAnnotation, "quantization_annotation") }
        if !graph.metadataProps.isEmpty { requireFeature(.nestedMetadataProps, "metadata_props") }

        for node in graph.nodes {
            for output in node.outputs where !output.isEmpty && scope.producers[output] == nil {
                scope.producers[output] = node.displayName
            }
        }
        for node in graph.nodes {
            checkNode(node, scope: scope, opsets: opsets)
        }

        for (k, output) in graph.outputs.enumerated() {
            guard let name = output.name, !name.isEmpty else { continue }
            if !scope.definesHere(name) {
                let whereFrom = scope.isVisibleOutside(name)
                    ? "comes from an enclosing graph; a graph output must be defined in its own graph"
                    : "is not produced by any node, graph input or initializer"
                error(.graphOutput, "output[\(k)] '\(name)'", "graph output \(whereFrom)")
            }
        }
    }

    /// Inputs: named, typed (main graph), each name once. Returns the input names.
    private mutating func checkGraphInputs(_ graph: Graph, scope: LexicalScope, isMain: Bool) -> Set<String> {
        var names = Set<String>()
        for (k, input) in graph.inputs.enumerated() {
            let field = "input[\(k)] \(Self.quoted(input.name))"
            checkValueInfo(input, field: field, requireType: isMain)
            guard let name = input.name, !name.isEmpty else { continue }
            if !names.insert(name).inserted {
                error(.ssa, field, "'\(name)' is used as a graph input name more than once")
            } else if scope.isVisibleOutside(name) {
                warning(.ssa, field, "'\(name)' shadows a value of an enclosing graph")
            }
            scope.define(name)
        }
        return names
    }

    /// Initializers (dense and sparse): named, unique, inputs too when IR < 4, data consistent.
    private mutating func checkInitializers(_ graph: Graph, inputNames: Set<String>, scope: LexicalScope) {
        var names = Set<String>()
        var notInputs: [String] = []
        for (k, tensor) in graph.initializers.enumerated() {
            let field = "initializer[\(k)] \(Self.quoted(tensor.name))"
            checkTensor(tensor, field: field)
            guard let name = tensor.name, !name.isEmpty else {
                error(.initializer, field, "initializer has no name")
                continue
            }
            if !names.insert(name).inserted {
                error(.initializer, field, "initializer name '\(name)' is used more than once")
            }
            if !inputNames.contains(name) { notInputs.append(name) }
            scope.define(name)
        }
        if irVersion < 4, let first = notInputs.first {
            error(.initializer, "initializer '\(first)'",
                  "with IR version \(irVersion) (< 4) every initializer must also be a graph input; \(notInputs.count) are not")
        }
        if !graph.sparseInitializers.isEmpty { requireFeature(.sparseInitializer, "sparse_initializer") }
        for (k, sparse) in graph.sparseInitializers.enumerated() {
            let name = sparse.values?.name ?? ""
            let field = "sparse_initializer[\(k)] '\(name)'"
            checkSparseTensor(sparse, field: field)
            guard !name.isEmpty else {
                error(.sparseInitializer, field, "sparse initializer has no name (values.name)")
                continue
            }
            if !names.insert(name).inserted {
                error(.sparseInitializer, field, "name '\(name)' is used by more than one initializer or sparse initializer")
            }
            scope.define(name)
        }
    }
}
