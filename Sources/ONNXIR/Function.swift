/// A model-local function (`FunctionProto`).
public struct Function: Sendable, Equatable {
    public var name: String?
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String]
    public var attributeProtos: [Attribute]
    public var nodes: [Node]
    public var docString: String?
    public var opsetImports: [OperatorSetID]
    public var domain: String?
    public var overload: String?
    public var valueInfo: [ValueInfo]
    public var metadataProps: [MetadataEntry]

    public init(
        name: String? = nil, inputs: [String] = [], outputs: [String] = [],
        attributes: [String] = [], attributeProtos: [Attribute] = [], nodes: [Node] = [],
        docString: String? = nil, opsetImports: [OperatorSetID] = [], domain: String? = nil,
        overload: String? = nil, valueInfo: [ValueInfo] = [], metadataProps: [MetadataEntry] = []
    ) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
        self.attributeProtos = attributeProtos
        self.nodes = nodes
        self.docString = docString
        self.opsetImports = opsetImports
        self.domain = domain
        self.overload = overload
        self.valueInfo = valueInfo
        self.metadataProps = metadataProps
    }
}

/// `TrainingInfoProto`: initialization and training-step graphs with their bindings.
public struct TrainingInfo: Sendable, Equatable {
    public var initialization: Graph?
    public var algorithm: Graph?
    public var initializationBinding: [MetadataEntry]
    public var updateBinding: [MetadataEntry]
    public init(initialization: Graph? = nil, algorithm: Graph? = nil,
                initializationBinding: [MetadataEntry] = [], updateBinding: [MetadataEntry] = []) {
        self.initialization = initialization
        self.algorithm = algorithm
        self.initializationBinding = initializationBinding
        self.updateBinding = updateBinding
    }
}
