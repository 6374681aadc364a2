/// One operator application (`NodeProto`).
public struct Node: Sendable, Equatable {
    /// Input tensor names; `""` marks an omitted optional input.
    public var inputs: [String]
    public var outputs: [String]
    public var name: String?
    public var opType: String?
    public var domain: String?
    public var overload: String?
    public var attributes: [Attribute]
    public var docString: String?
    public var metadataProps: [MetadataEntry]
    public var deviceConfigurations: [NodeDeviceConfiguration]
    /// Fields unknown to this build, written back unchanged.
    public var unknownFields: [UnknownField] = []

    public init(
        opType: String? = nil, inputs: [String] = [], outputs: [String] = [], name: String? = nil,
        domain: String? = nil, overload: String? = nil, attributes: [Attribute] = [],
        docString: String? = nil, metadataProps: [MetadataEntry] = [],
        deviceConfigurations: [NodeDeviceConfiguration] = []
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.name = name
        self.opType = opType
        self.domain = domain
        self.overload = overload
        self.attributes = attributes
        self.docString = docString
        self.metadataProps = metadataProps
        self.deviceConfigurations = deviceConfigurations
    }

    /// The attribute called `name`, if present.
    public func attribute(_ name: String) -> Attribute? {
        attributes.first { $0.name == name }
    }

    /// A label for messages: the node name, or its op type and first output.
    public var displayName: String {
        if let name, !name.isEmpty { return name }
        return "\(opType ?? "?")(\(outputs.first ?? ""))"
    }
}
