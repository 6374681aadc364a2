/// What shape inference knows about one tensor: element type, shape (rank and dims, each
/// a number, a symbol or unknown), and for small integer tensors (shapes, axes, pads) the
/// values themselves, so that `Shape → Gather → Concat → Reshape` chains resolve.
public struct ValueFacts: Sendable, Equatable {
    public var elementType: ElementType?
    /// nil: rank unknown. A `Dimension` with nil value: that dim unknown.
    public var dims: [Dimension]?
    /// The integer contents, row-major, when known and small.
    public var values: [Int64]?

    public init(elementType: ElementType? = nil, dims: [Dimension]? = nil, values: [Int64]? = nil) {
        self.elementType = elementType
        self.dims = dims
        self.values = values
    }

    /// Fully known dims (every dim a number).
    public init(elementType: ElementType?, shape: [Int], values: [Int64]? = nil) {
        self.init(elementType: elementType, dims: shape.map { Dimension(.value(Int64($0))) }, values: values)
    }

    public var rank: Int? { dims?.count }

    /// Every dim as a number, or nil when any is symbolic or unknown.
    public var concreteShape: [Int]? {
        guard let dims else { return nil }
        var out: [Int] = []
        for d in dims {
            guard let v = d.intValue else { return nil }
            out.append(Int(v))
        }
        return out
    }

    /// The largest integer tensor whose values inference tracks.
    public static let maxTrackedValues = 64

    /// Facts declared by a `ValueInfo` (graph input, output, value_info).
    public init(_ type: ValueType?) {
        let tensor = type?.tensorType
        self.init(elementType: tensor?.elementType, dims: tensor?.shape?.dims)
    }

    /// Facts of an initializer or constant tensor (values for small integer tensors).
    public init(_ tensor: Tensor) {
        self.init(elementType: tensor.dataType, dims: tensor.dims.map { Dimension(.value($0)) })
        if let type = tensor.dataType, type == .int64 || type == .int32,
           tensor.dims.count <= 1, (tensor.dims.first ?? 1) <= Int64(Self.maxTrackedValues) {
            values = try? tensor.integers()
        }
    }
}
