/// An ONNX graph (`GraphProto`): nodes in order, initializers (weights), and its interface.
public struct Graph: Sendable, Equatable {
    public var name: String?
    public var nodes: [Node]
    public var initializers: [Tensor]
    public var sparseInitializers: [SparseTensor]
    public var docString: String?
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    public var valueInfo: [ValueInfo]
    public var quantizationAnnotations: [TensorAnnotation]
    public var metadataProps: [MetadataEntry]
    /// Fields unknown to this build, written back unchanged.
    public var unknownFields: [UnknownField] = []

    public init(
        name: String? = nil, nodes: [Node] = [], initializers: [Tensor] = [],
        sparseInitializers: [SparseTensor] = [], docString: String? = nil,
        inputs: [ValueInfo] = [], outputs: [ValueInfo] = [], valueInfo: [ValueInfo] = [],
        quantizationAnnotations: [TensorAnnotation] = [], metadataProps: [MetadataEntry] = []
    ) {
        self.name = name
        self.nodes = nodes
        self.initializers = initializers
        self.sparseInitializers = sparseInitializers
        self.docString = docString
        self.inputs = inputs
        self.outputs = outputs
        self.valueInfo = valueInfo
        self.quantizationAnnotations = quantizationAnnotations
        self.metadataProps = metadataProps
    }

    /// Graph inputs that are not initializers: what a caller must feed.
    /// (Models from old opsets list every initializer as an input too.)
    public var runtimeInputs: [ValueInfo] {
        let initializerNames = Set(initializers.compactMap(\.name))
        return inputs.filter { !initializerNames.contains($0.name ?? "") }
    }
}

/// `TensorAnnotation`: quantization parameters attached to a tensor.
public struct TensorAnnotation: Sendable, Equatable {
    public var tensorName: String?
    public var quantParameterTensorNames: [MetadataEntry]
    public init(tensorName: String? = nil, quantParameterTensorNames: [MetadataEntry] = []) {
        self.tensorName = tensorName
        self.quantParameterTensorNames = quantParameterTensorNames
    }
}
