extension ModelSummary {
    public init(model: Model) {
        let graph = model.graph ?? Graph()
        irVersion = model.irVersion
        producerName = model.producerName
        producerVersion = model.producerVersion
        domain = model.domain
        modelVersion = model.modelVersion
        graphName = graph.name
        opsetImports = model.opsetImports.map { opset in
            let d = opset.domain ?? ""
            return (domain: d == "ai.onnx" ? "" : d, version: opset.version ?? 0)
        }
        inputs = graph.runtimeInputs.map(ValueSummary.init(info:))
        outputs = graph.outputs.map(ValueSummary.init(info:))
        nodeCount = graph.nodes.count
        subgraphNodeCount = graph.nodes.reduce(0) { $0 + $1.subgraphNodeCount }
        opCounts = graph.nodes.reduce(into: [:]) { counts, node in
            let d = node.domain ?? ""
            let op = node.opType ?? ""
            counts[d.isEmpty || d == "ai.onnx" ? op : "\(d):\(op)", default: 0] += 1
        }
        initializerCount = graph.initializers.count + graph.sparseInitializers.count
        parameterCount = graph.initializers.reduce(0) { $0 + $1.safeElementCount }
            + graph.sparseInitializers.reduce(0) { $0 + ($1.values?.safeElementCount ?? 0) }
        initializerBytes = graph.initializers.reduce(0) { $0 + $1.dataByteCount }
            + graph.sparseInitializers.reduce(0) { $0 + ($1.values?.dataByteCount ?? 0) + ($1.indices?.dataByteCount ?? 0) }
        externalInitializerCount = graph.initializers.filter(\.isExternal).count
        functionCount = model.functions.count
    }
}

extension ValueSummary {
    init(info: ValueInfo) {
        let tensor: ValueType.TensorType?
        switch info.type?.value {
        case .tensor(let t)?, .sparseTensor(let t)?: tensor = t
        default: tensor = nil
        }
        self.init(
            name: info.name ?? "",
            elementType: tensor?.elementType.map(\.name),
            shape: tensor?.shape.map { $0.dims.map(\.value) },
            typeDescription: info.type.map(\.onnxNotation) ?? "?"
        )
    }
}

extension ValueType {
    /// The type as ONNX writes it: `tensor(float)`, `seq(tensor(float))`, `map(int64,tensor(float))`.
    public var onnxNotation: String {
        switch value {
        case .tensor(let t)?: return "tensor(\(t.elementType?.name ?? "?"))"
        case .sparseTensor(let t)?: return "sparse_tensor(\(t.elementType?.name ?? "?"))"
        case .sequence(let e)?: return "seq(\(e?.onnxNotation ?? "?"))"
        case .optional(let e)?: return "optional(\(e?.onnxNotation ?? "?"))"
        case .map(let k, let v)?: return "map(\(k?.name ?? "?"),\(v?.onnxNotation ?? "?"))"
        case .opaque(let domain, let name)?: return "opaque(\(domain ?? ""),\(name ?? ""))"
        case nil: return "?"
        }
    }
}

extension Tensor {
    /// Element count from dims, 0 when dims are invalid.
    var safeElementCount: Int { (try? elementCount()) ?? 0 }

    /// Bytes the data occupies: packed size for numeric types, summed lengths for strings.
    var dataByteCount: Int {
        if dataType == .string { return stringData.reduce(0) { $0 + $1.count } }
        return dataType?.packedByteCount(elements: safeElementCount) ?? 0
    }
}

extension Node {
    /// Nodes in the subgraphs this node holds, at any depth.
    var subgraphNodeCount: Int {
        attributes.reduce(0) { total, attribute in
            let graphs = (attribute.g.map { [$0] } ?? []) + attribute.graphs
            return total + graphs.reduce(0) { $0 + $1.nodes.count + $1.nodes.reduce(0) { $0 + $1.subgraphNodeCount } }
        }
    }
}
