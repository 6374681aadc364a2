import Foundation

/// A tensor value (`TensorProto`): initializers, constants, test inputs and outputs.
///
/// Data lives in exactly one of: `rawData` (little-endian bytes), one typed field, or an
/// external file (`dataLocation == .external`, `externalData` says where). Use
/// `Tensor+Values.swift` for typed access that does not care which.
public struct Tensor: Sendable, Equatable {
    public var name: String?
    public var dims: [Int64]
    public var dataType: ElementType?
    public var segment: Segment?
    public var floatData: [Float]
    public var int32Data: [Int32]
    public var stringData: [Data]
    public var int64Data: [Int64]
    public var doubleData: [Double]
    public var uint64Data: [UInt64]
    public var rawData: Data?
    public var externalData: [MetadataEntry]
    public var dataLocation: DataLocation?
    public var docString: String?
    public var metadataProps: [MetadataEntry]
    /// Fields unknown to this build, written back unchanged.
    public var unknownFields: [UnknownField] = []

    public init(
        name: String? = nil, dims: [Int64] = [], dataType: ElementType? = nil,
        segment: Segment? = nil, floatData: [Float] = [], int32Data: [Int32] = [],
        stringData: [Data] = [], int64Data: [Int64] = [], doubleData: [Double] = [],
        uint64Data: [UInt64] = [], rawData: Data? = nil, externalData: [MetadataEntry] = [],
        dataLocation: DataLocation? = nil, docString: String? = nil,
        metadataProps: [MetadataEntry] = []
    ) {
        self.name = name
        self.dims = dims
        self.dataType = dataType
        self.segment = segment
        self.floatData = floatData
        self.int32Data = int32Data
        self.stringData = stringData
        self.int64Data = int64Data
        self.doubleData = doubleData
        self.uint64Data = uint64Data
        self.rawData = rawData
        self.externalData = externalData
        self.dataLocation = dataLocation
        self.docString = docString
        self.metadataProps = metadataProps
    }

    /// `TensorProto.Segment`: a slice of a larger tensor split across messages.
    public struct Segment: Sendable, Equatable {
        public var begin: Int64?
        public var end: Int64?
        public init(begin: Int64? = nil, end: Int64? = nil) {
            self.begin = begin
            self.end = end
        }
    }

    /// Whether the data sits in this message or in an external file.
    public struct DataLocation: RawRepresentable, Sendable, Hashable {
        public var rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let `default` = DataLocation(rawValue: 0)
        public static let external = DataLocation(rawValue: 1)
    }

    public var isExternal: Bool { dataLocation == .external }

    /// The value of an `external_data` key (`location`, `offset`, `length`, `checksum`).
    public func externalDataValue(_ key: String) -> String? {
        externalData.first { $0.key == key }?.value
    }
}

/// `SparseTensorProto`: COO values and indices plus the dense shape.
public struct SparseTensor: Sendable, Equatable {
    public var values: Tensor?
    public var indices: Tensor?
    public var dims: [Int64]
    public init(values: Tensor? = nil, indices: Tensor? = nil, dims: [Int64] = []) {
        self.values = values
        self.indices = indices
        self.dims = dims
    }
}
