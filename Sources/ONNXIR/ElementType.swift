/// `TensorProto.DataType`, open to values this build does not know (they round-trip untouched).
public struct ElementType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let undefined = ElementType(rawValue: 0)
    public static let float = ElementType(rawValue: 1)
    public static let uint8 = ElementType(rawValue: 2)
    public static let int8 = ElementType(rawValue: 3)
    public static let uint16 = ElementType(rawValue: 4)
    public static let int16 = ElementType(rawValue: 5)
    public static let int32 = ElementType(rawValue: 6)
    public static let int64 = ElementType(rawValue: 7)
    public static let string = ElementType(rawValue: 8)
    public static let bool = ElementType(rawValue: 9)
    public static let float16 = ElementType(rawValue: 10)
    public static let double = ElementType(rawValue: 11)
    public static let uint32 = ElementType(rawValue: 12)
    public static let uint64 = ElementType(rawValue: 13)
    public static let complex64 = ElementType(rawValue: 14)
    public static let complex128 = ElementType(rawValue: 15)
    public static let bfloat16 = ElementType(rawValue: 16)
    public static let float8e4m3fn = ElementType(rawValue: 17)
    public static let float8e4m3fnuz = ElementType(rawValue: 18)
    public static let float8e5m2 = ElementType(rawValue: 19)
    public static let float8e5m2fnuz = ElementType(rawValue: 20)
    public static let uint4 = ElementType(rawValue: 21)
    public static let int4 = ElementType(rawValue: 22)
    public static let float4e2m1 = ElementType(rawValue: 23)
    public static let float8e8m0 = ElementType(rawValue: 24)
    public static let uint2 = ElementType(rawValue: 25)
    public static let int2 = ElementType(rawValue: 26)

    /// ONNX type names as the spec and `onnx.helper` write them (`"float"`, `"int64"`, ...).
    private static let names: [Int32: String] = [
        0: "undefined", 1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32",
        7: "int64", 8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32",
        13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16", 17: "float8e4m3fn",
        18: "float8e4m3fnuz", 19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4",
        23: "float4e2m1", 24: "float8e8m0", 25: "uint2", 26: "int2",
    ]

    public init?(name: String) {
        guard let raw = Self.names.first(where: { $0.value == name })?.key else { return nil }
        self.rawValue = raw
    }

    public var name: String { Self.names[rawValue] ?? "unknown(\(rawValue))" }
    public var description: String { name }
    public var isKnown: Bool { Self.names[rawValue] != nil && rawValue != 0 }

    /// Bits per element in `raw_data` (sub-byte types pack), or nil for strings/unknown.
    public var bitWidth: Int? {
        switch rawValue {
        case 1, 6, 12: return 32
        case 2, 3, 9, 17, 18, 19, 20, 24: return 8
        case 4, 5, 10, 16: return 16
        case 7, 11, 13, 14: return 64
        case 15: return 128
        case 21, 22, 23: return 4
        case 25, 26: return 2
        default: return nil
        }
    }
}
