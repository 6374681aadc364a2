import ONNXIR

/// A tensor as the runtime holds it: a shape, an element type and raw, aligned storage.
///
/// Supported element types: float32 (compute), int32, int64 and bool (shapes, indices, masks).
/// Values are cheap to copy; reshaping shares storage. Kernels never write into an input.
public struct TensorValue: @unchecked Sendable {
    public var shape: [Int]
    public var elementType: ElementType
    public var storage: TensorStorage
    /// Where this value starts in `storage` (a view of part of a larger buffer, such as one
    /// member's channels of a merged convolution's output); 0 for a value owning its storage.
    public var byteOffset = 0

    public static let supportedTypes: Set<ElementType> = [.float, .int32, .int64, .bool]

    /// Uninitialized storage for `shape`, from `pool` when given.
    public init(shape: [Int], elementType: ElementType, pool: BufferPool? = nil) {
        self.shape = shape
        self.elementType = elementType
        let bytes = shape.reduce(1, *) * Self.byteWidth(elementType)
        self.storage = pool?.storage(byteCount: bytes) ?? TensorStorage(byteCount: bytes)
    }

    public init(shape: [Int], elementType: ElementType, storage: TensorStorage, byteOffset: Int = 0) {
        self.shape = shape
        self.elementType = elementType
        self.storage = storage
        self.byteOffset = byteOffset
    }

    /// A float tensor holding `values`.
    public init(shape: [Int], floats values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "value count must match the shape")
        self.init(shape: shape, elementType: .float)
        values.withUnsafeBufferPointer { floats.update(from: $0.baseAddress!, count: values.count) }
    }

    /// An int64 tensor holding `values`.
    public init(shape: [Int], int64s values: [Int64]) {
        precondition(values.count == shape.reduce(1, *), "value count must match the shape")
        self.init(shape: shape, elementType: .int64)
        values.withUnsafeBufferPointer { int64s.update(from: $0.baseAddress!, count: values.count) }
    }

    static func byteWidth(_ type: ElementType) -> Int {
        switch type {
        case .int64: return 8
        case .bool: return 1
        default: return 4
        }
    }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }
    public var byteWidth: Int { Self.byteWidth(elementType) }
    public var byteCount: Int { count * byteWidth }
    public var raw: UnsafeMutableRawPointer { storage.pointer + byteOffset }
    public var floats: UnsafeMutablePointer<Float> { raw.assumingMemoryBound(to: Float.self) }
    public var int32s: UnsafeMutablePointer<Int32> { raw.assumingMemoryBound(to: Int32.self) }
    public var int64s: UnsafeMutablePointer<Int64> { raw.assumingMemoryBound(to: Int64.self) }
    public var bools: UnsafeMutablePointer<UInt8> { raw.assumingMemoryBound(to: UInt8.self) }

    /// The same data under another shape with the same element count (no copy).
    public func reshaped(_ newShape: [Int]) -> TensorValue {
        TensorValue(shape: newShape, elementType: elementType, storage: storage, byteOffset: byteOffset)
    }

    /// Elements as Float (any supported type, converted).
    public func floatArray() -> [Float] {
        switch elementType {
        case .float: return Array(UnsafeBufferPointer(start: floats, count: count))
        case .int32: return (0..<count).map { Float(int32s[$0]) }
        case .int64: return (0..<count).map { Float(int64s[$0]) }
        default: return (0..<count).map { Float(bools[$0]) }
        }
    }

    /// Elements as Int64 (integers and bools; floats truncated).
    public func integerArray() -> [Int64] {
        switch elementType {
        case .int64: return Array(UnsafeBufferPointer(start: int64s, count: count))
        case .int32: return (0..<count).map { Int64(int32s[$0]) }
        case .bool: return (0..<count).map { Int64(bools[$0]) }
        default: return (0..<count).map { Int64(floats[$0]) }
        }
    }
}
