/// What `onnx-blocks inspect` reports about a model: header, interface, op histogram and
/// weight totals. Pure data computed from a `Model`; works on invalid models too (sizes
/// that cannot be computed count as 0).
public struct ModelSummary: Sendable, Equatable {
    public var irVersion: Int64?
    public var producerName: String?
    public var producerVersion: String?
    public var domain: String?
    public var modelVersion: Int64?
    public var graphName: String?
    /// Domain → version; the default domain is `""` (also when the file says `"ai.onnx"`).
    public var opsetImports: [(domain: String, version: Int64)]
    /// Graph inputs a caller feeds (initializers listed as inputs are left out).
    public var inputs: [ValueSummary]
    public var outputs: [ValueSummary]
    /// Nodes of the main graph (not counting subgraphs).
    public var nodeCount: Int
    /// Nodes inside subgraphs (If/Loop/Scan bodies), at any depth.
    public var subgraphNodeCount: Int
    /// Op type → count in the main graph; non-default domains as `domain:OpType`.
    public var opCounts: [String: Int]
    public var initializerCount: Int
    /// Elements in all initializers (dense: product of dims; sparse: stored values).
    public var parameterCount: Int
    /// Bytes of initializer data (sub-byte types packed; strings: their byte lengths;
    /// sparse: values plus indices), wherever the data is stored.
    public var initializerBytes: Int
    /// Initializers whose data lives in external files.
    public var externalInitializerCount: Int
    public var functionCount: Int

    public static func == (a: ModelSummary, b: ModelSummary) -> Bool {
        a.irVersion == b.irVersion && a.producerName == b.producerName && a.producerVersion == b.producerVersion
            && a.domain == b.domain && a.modelVersion == b.modelVersion && a.graphName == b.graphName
            && a.opsetImports.map(\.domain) == b.opsetImports.map(\.domain)
            && a.opsetImports.map(\.version) == b.opsetImports.map(\.version)
            && a.inputs == b.inputs && a.outputs == b.outputs && a.nodeCount == b.nodeCount
            && a.subgraphNodeCount == b.subgraphNodeCount && a.opCounts == b.opCounts
            && a.initializerCount == b.initializerCount && a.parameterCount == b.parameterCount
            && a.initializerBytes == b.initializerBytes && a.externalInitializerCount == b.externalInitializerCount
            && a.functionCount == b.functionCount
    }
}

/// One graph input or output as `inspect` shows it.
public struct ValueSummary: Sendable, Equatable {
    public var name: String
    /// ONNX element type name (`"float"`) for tensor and sparse tensor values, else nil.
    public var elementType: String?
    /// Dims (numbers, symbols, or unknown); nil when the type carries no shape.
    public var shape: [Dimension.Value?]?
    /// The full type in ONNX notation: `tensor(float)`, `seq(tensor(int64))`, ...
    public var typeDescription: String

    public init(name: String, elementType: String?, shape: [Dimension.Value?]?, typeDescription: String) {
        self.name = name
        self.elementType = elementType
        self.shape = shape
        self.typeDescription = typeDescription
    }
}
