import Foundation

/// A Swift type that can hold one ONNX tensor element.
public protocol TensorElement: Sendable {
    static var elementType: ElementType { get }
    /// Decodes from `count` little-endian elements at `bytes`.
    static func decodeRaw(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Self]
    /// Decodes from the typed field ONNX uses for this type.
    static func decodeTyped(_ tensor: Tensor) -> (values: [Self], field: String)
    /// Encodes as little-endian `raw_data` bytes.
    static func encodeRaw(_ values: [Self]) -> Data
}

extension TensorElement where Self: FixedWidthInteger {
    public static func decodeRaw(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Self] {
        (0..<count).map { Self(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<Self>.size, as: Self.self)) }
    }
    public static func encodeRaw(_ values: [Self]) -> Data {
        var out = Data(count: values.count * MemoryLayout<Self>.size)
        out.withUnsafeMutableBytes { buf in
            for (k, v) in values.enumerated() { buf.storeBytes(of: v.littleEndian, toByteOffset: k * MemoryLayout<Self>.size, as: Self.self) }
        }
        return out
    }
}

extension Float: TensorElement {
    public static var elementType: ElementType { .float }
    public static func decodeRaw(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        (0..<count).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
    public static func decodeTyped(_ t: Tensor) -> (values: [Float], field: String) { (t.floatData, "float_data") }
    public static func encodeRaw(_ values: [Float]) -> Data { UInt32.encodeRaw(values.map(\.bitPattern)) }
}

extension Double: TensorElement {
    public static var elementType: ElementType { .double }
    public static func decodeRaw(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Double] {
        (0..<count).map { Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
    public static func decodeTyped(_ t: Tensor) -> (values: [Double], field: String) { (t.doubleData, "double_data") }
    public static func encodeRaw(_ values: [Double]) -> Data { UInt64.encodeRaw(values.map(\.bitPattern)) }
}

extension Int64: TensorElement {
    public static var elementType: ElementType { .int64 }
    public static func decodeTyped(_ t: Tensor) -> (values: [Int64], field: String) { (t.int64Data, "int64_data") }
}
extension Int32: TensorElement {
    public static var elementType: ElementType { .int32 }
    public static func decodeTyped(_ t: Tensor) -> (values: [Int32], field: String) { (t.int32Data, "int32_data") }
}
extension Int16: TensorElement {
    public static var elementType: ElementType { .int16 }
    public static func decodeTyped(_ t: Tensor) -> (values: [Int16], field: String) { (t.int32Data.map { Int16(truncatingIfNeeded: $0) }, "int32_data") }
}
extension Int8: TensorElement {
    public static var elementType: ElementType { .int8 }
    public static func decodeTyped(_ t: Tensor) -> (values: [Int8], field: String) { (t.int32Data.map { Int8(truncatingIfNeeded: $0) }, "int32_data") }
}
extension UInt8: TensorElement {
    public static var elementType: ElementType { .uint8 }
    public static func decodeTyped(_ t: Tensor) -> (values: [UInt8], field: String) { (t.int32Data.map { UInt8(truncatingIfNeeded: $0) }, "int32_data") }
}
extension UInt16: TensorElement {
    public static var elementType: ElementType { .uint16 }
    public static func decodeTyped(_ t: Tensor) -> (values: [UInt16], field: String) { (t.int32Data.map { UInt16(truncatingIfNeeded: $0) }, "int32_data") }
}
extension UInt32: TensorElement {
    public static var elementType: ElementType { .uint32 }
    public static func decodeTyped(_ t: Tensor) -> (values: [UInt32], field: String) { (t.uint64Data.map { UInt32(truncatingIfNeeded: $0) }, "uint64_data") }
}
extension UInt64: TensorElement {
    public static var elementType: ElementType { .uint64 }
    public static func decodeTyped(_ t: Tensor) -> (values: [UInt64], field: String) { (t.uint64Data, "uint64_data") }
}
extension Bool: TensorElement {
    public static var elementType: ElementType { .bool }
    public static func decodeRaw(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Bool] {
        (0..<count).map { bytes[$0] != 0 }
    }
    public static func decodeTyped(_ t: Tensor) -> (values: [Bool], field: String) { (t.int32Data.map { $0 != 0 }, "int32_data") }
    public static func encodeRaw(_ values: [Bool]) -> Data { Data(values.map { $0 ? 1 : 0 }) }
}

extension Tensor {
    /// A label for error messages.
    var label: String { name ?? "<unnamed>" }

    /// Number of elements the dims describe (1 for a scalar), checked for overflow.
    public func elementCount() throws -> Int {
        var count = 1
        for d in dims {
            guard d >= 0 else { throw TensorDataError.negativeDimension(tensor: label, dims: dims) }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(d))
            guard !overflow, product <= Int(Int32.max) * 64 else {
                throw TensorDataError.elementCountOverflow(tensor: label, dims: dims)
            }
            count = product
        }
        return count
    }

    /// The elements as `T`, whether stored in `raw_data` or the typed field.
    /// float16/bfloat16 tensors can be read as `Float` (widened exactly).
    public func values<T: TensorElement>(as type: T.Type = T.self) throws -> [T] {
        if T.self == Float.self, dataType == .float16 || dataType == .bfloat16 {
            return try widenedHalfFloats() as! [T]
        }
        guard dataType == T.elementType else {
            throw TensorDataError.typeMismatch(tensor: label, stored: dataType, requested: T.elementType)
        }
        if isExternal { throw TensorDataError.externalDataNotLoaded(tensor: label) }
        let count = try elementCount()
        if let raw = rawData {
            let width = (T.elementType.bitWidth ?? 8) / 8
            guard raw.count == count * width else {
                throw TensorDataError.sizeMismatch(tensor: label, expectedElements: count, field: "raw_data (\(raw.count) bytes)", found: raw.count / max(width, 1))
            }
            return raw.withUnsafeBytes { T.decodeRaw($0, count: count) }
        }
        let (typed, field) = T.decodeTyped(self)
        guard typed.count == count else {
            throw TensorDataError.sizeMismatch(tensor: label, expectedElements: count, field: field, found: typed.count)
        }
        return typed
    }

    /// The elements of a float tensor (float, float16 or bfloat16 storage).
    public func floats() throws -> [Float] { try values(as: Float.self) }

    /// Integer elements of an int32 or int64 tensor, widened to Int64 (shape tensors, indices).
    public func integers() throws -> [Int64] {
        switch dataType {
        case .int64?: return try values(as: Int64.self)
        case .int32?: return try values(as: Int32.self).map(Int64.init)
        default: throw TensorDataError.typeMismatch(tensor: label, stored: dataType, requested: .int64)
        }
    }

    /// String elements (ONNX strings are bytes; decoded as UTF-8).
    public func strings() throws -> [String] {
        guard dataType == .string else { throw TensorDataError.typeMismatch(tensor: label, stored: dataType, requested: .string) }
        return stringData.map { String(decoding: $0, as: UTF8.self) }
    }

    private func widenedHalfFloats() throws -> [Float] {
        if isExternal { throw TensorDataError.externalDataNotLoaded(tensor: label) }
        let count = try elementCount()
        let bits: [UInt16]
        if let raw = rawData {
            guard raw.count == count * 2 else {
                throw TensorDataError.sizeMismatch(tensor: label, expectedElements: count, field: "raw_data (\(raw.count) bytes)", found: raw.count / 2)
            }
            bits = raw.withUnsafeBytes { UInt16.decodeRaw($0, count: count) }
        } else {
            guard int32Data.count == count else {
                throw TensorDataError.sizeMismatch(tensor: label, expectedElements: count, field: "int32_data", found: int32Data.count)
            }
            bits = int32Data.map { UInt16(truncatingIfNeeded: $0) }
        }
        return dataType == .bfloat16
            ? bits.map { Float(bitPattern: UInt32($0) << 16) }
            : bits.map(Self.halfToFloat)
    }

    /// IEEE 754 binary16 → binary32, exact (portable: no reliance on `Float16`).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h >> 15) << 31
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F { return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13)) }
        if exponent == 0 {
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    /// A tensor holding `values` in `raw_data`.
    public init<T: TensorElement>(name: String?, dims: [Int64], values: [T]) {
        self.init(name: name, dims: dims, dataType: T.elementType, rawData: T.encodeRaw(values))
    }
}
