/// A named, typed value in a graph's interface (`ValueInfoProto`).
public struct ValueInfo: Sendable, Equatable {
    public var name: String?
    public var type: ValueType?
    public var docString: String?
    public var metadataProps: [MetadataEntry]
    /// Fields unknown to this build, written back unchanged.
    public var unknownFields: [UnknownField] = []

    public init(name: String? = nil, type: ValueType? = nil, docString: String? = nil,
                metadataProps: [MetadataEntry] = []) {
        self.name = name
        self.type = type
        self.docString = docString
        self.metadataProps = metadataProps
    }

    /// A float/int tensor value with the given dims (`.value` or `.param`).
    public static func tensor(_ name: String, _ elementType: ElementType, _ dims: [Dimension]) -> ValueInfo {
        ValueInfo(name: name, type: ValueType(value: .tensor(.init(elementType: elementType, shape: TensorShape(dims: dims)))))
    }
}

/// `TypeProto`: the type of a value. Recursive (sequences of maps of ...), hence the indirect enum.
public struct ValueType: Sendable, Equatable {
    public var value: Kind?
    public var denotation: String?

    public init(value: Kind? = nil, denotation: String? = nil) {
        self.value = value
        self.denotation = denotation
    }

    public indirect enum Kind: Sendable, Equatable {
        case tensor(TensorType)
        case sequence(elementType: ValueType?)
        case map(keyType: ElementType?, valueType: ValueType?)
        case optional(elementType: ValueType?)
        case sparseTensor(TensorType)
        case opaque(domain: String?, name: String?)
    }

    /// `TypeProto.Tensor` / `TypeProto.SparseTensor`.
    public struct TensorType: Sendable, Equatable {
        public var elementType: ElementType?
        public var shape: TensorShape?
        public init(elementType: ElementType? = nil, shape: TensorShape? = nil) {
            self.elementType = elementType
            self.shape = shape
        }
    }

    /// The tensor type, if this is a (dense) tensor.
    public var tensorType: TensorType? {
        if case .tensor(let t) = value { return t }
        return nil
    }
}

/// `TensorShapeProto`.
public struct TensorShape: Sendable, Equatable {
    public var dims: [Dimension]
    public init(dims: [Dimension] = []) { self.dims = dims }
}

/// `TensorShapeProto.Dimension`: a number, a symbol (`"batch"`, `"unk__401"`), or unknown.
public struct Dimension: Sendable, Equatable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// A fixed size or a named symbol.
    public enum Value: Sendable, Equatable, Hashable {
        case value(Int64)
        case param(String)
    }
    public var value: Value?
    public var denotation: String?

    public init(_ value: Value?, denotation: String? = nil) {
        self.value = value
        self.denotation = denotation
    }
    public init(integerLiteral value: Int64) { self.init(.value(value)) }
    public init(stringLiteral value: String) { self.init(.param(value)) }

    public var intValue: Int64? {
        if case .value(let v) = value { return v }
        return nil
    }
}
