import Foundation

/// A node attribute (`AttributeProto`). Every value field is kept, as in the wire format,
/// so that unusual files survive a round trip; `type` says which one is meant.
public struct Attribute: Sendable, Equatable {
    public var name: String?
    public var refAttrName: String?
    public var docString: String?
    public var type: AttributeType?
    public var f: Float?
    public var i: Int64?
    public var s: Data?
    public var t: Tensor?
    public var g: Graph?
    public var sparseTensor: SparseTensor?
    public var tp: ValueType?
    public var floats: [Float]
    public var ints: [Int64]
    public var strings: [Data]
    public var tensors: [Tensor]
    public var graphs: [Graph]
    public var sparseTensors: [SparseTensor]
    public var typeProtos: [ValueType]
    /// Fields unknown to this build, written back unchanged.
    public var unknownFields: [UnknownField] = []

    public init(
        name: String? = nil, type: AttributeType? = nil, refAttrName: String? = nil,
        docString: String? = nil, f: Float? = nil, i: Int64? = nil, s: Data? = nil,
        t: Tensor? = nil, g: Graph? = nil, sparseTensor: SparseTensor? = nil, tp: ValueType? = nil,
        floats: [Float] = [], ints: [Int64] = [], strings: [Data] = [], tensors: [Tensor] = [],
        graphs: [Graph] = [], sparseTensors: [SparseTensor] = [], typeProtos: [ValueType] = []
    ) {
        self.name = name
        self.type = type
        self.refAttrName = refAttrName
        self.docString = docString
        self.f = f
        self.i = i
        self.s = s
        self.t = t
        self.g = g
        self.sparseTensor = sparseTensor
        self.tp = tp
        self.floats = floats
        self.ints = ints
        self.strings = strings
        self.tensors = tensors
        self.graphs = graphs
        self.sparseTensors = sparseTensors
        self.typeProtos = typeProtos
    }

    public static func int(_ name: String, _ value: Int64) -> Attribute {
        Attribute(name: name, type: .int, i: value)
    }
    public static func float(_ name: String, _ value: Float) -> Attribute {
        Attribute(name: name, type: .float, f: value)
    }
    public static func ints(_ name: String, _ values: [Int64]) -> Attribute {
        Attribute(name: name, type: .ints, ints: values)
    }
    public static func floats(_ name: String, _ values: [Float]) -> Attribute {
        Attribute(name: name, type: .floats, floats: values)
    }
    public static func string(_ name: String, _ value: String) -> Attribute {
        Attribute(name: name, type: .string, s: Data(value.utf8))
    }
    public static func tensor(_ name: String, _ value: Tensor) -> Attribute {
        Attribute(name: name, type: .tensor, t: value)
    }

    /// The string value decoded as UTF-8 (ONNX strings are bytes).
    public var stringValue: String? { s.map { String(decoding: $0, as: UTF8.self) } }
}

/// `AttributeProto.AttributeType`, open to values this build does not know.
public struct AttributeType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let undefined = AttributeType(rawValue: 0)
    public static let float = AttributeType(rawValue: 1)
    public static let int = AttributeType(rawValue: 2)
    public static let string = AttributeType(rawValue: 3)
    public static let tensor = AttributeType(rawValue: 4)
    public static let graph = AttributeType(rawValue: 5)
    public static let floats = AttributeType(rawValue: 6)
    public static let ints = AttributeType(rawValue: 7)
    public static let strings = AttributeType(rawValue: 8)
    public static let tensors = AttributeType(rawValue: 9)
    public static let graphs = AttributeType(rawValue: 10)
    public static let sparseTensor = AttributeType(rawValue: 11)
    public static let sparseTensors = AttributeType(rawValue: 12)
    public static let typeProto = AttributeType(rawValue: 13)
    public static let typeProtos = AttributeType(rawValue: 14)

    static let names: [Int32: String] = [
        0: "UNDEFINED", 1: "FLOAT", 2: "INT", 3: "STRING", 4: "TENSOR", 5: "GRAPH", 6: "FLOATS",
        7: "INTS", 8: "STRINGS", 9: "TENSORS", 10: "GRAPHS", 11: "SPARSE_TENSOR",
        12: "SPARSE_TENSORS", 13: "TYPE_PROTO", 14: "TYPE_PROTOS",
    ]
    public var isKnown: Bool { Self.names[rawValue] != nil }
    public var description: String { Self.names[rawValue] ?? "AttributeType(\(rawValue))" }
}
