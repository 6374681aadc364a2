/// IR 11 multi-device configuration (`DeviceConfigurationProto`).
public struct DeviceConfiguration: Sendable, Equatable {
    public var name: String?
    public var numDevices: Int32?
    public var devices: [String]
    public init(name: String? = nil, numDevices: Int32? = nil, devices: [String] = []) {
        self.name = name
        self.numDevices = numDevices
        self.devices = devices
    }
}

/// `NodeDeviceConfigurationProto`: how one node is sharded across devices.
public struct NodeDeviceConfiguration: Sendable, Equatable {
    public var configurationID: String?
    public var shardingSpecs: [ShardingSpec]
    public var pipelineStage: Int32?
    public init(configurationID: String? = nil, shardingSpecs: [ShardingSpec] = [], pipelineStage: Int32? = nil) {
        self.configurationID = configurationID
        self.shardingSpecs = shardingSpecs
        self.pipelineStage = pipelineStage
    }
}

/// `ShardingSpecProto`.
public struct ShardingSpec: Sendable, Equatable {
    public var tensorName: String?
    public var devices: [Int64]
    public var indexToDeviceGroupMap: [IntIntListEntry]
    public var shardedDims: [ShardedDim]
    public init(tensorName: String? = nil, devices: [Int64] = [],
                indexToDeviceGroupMap: [IntIntListEntry] = [], shardedDims: [ShardedDim] = []) {
        self.tensorName = tensorName
        self.devices = devices
        self.indexToDeviceGroupMap = indexToDeviceGroupMap
        self.shardedDims = shardedDims
    }
}

/// `IntIntListEntryProto`.
public struct IntIntListEntry: Sendable, Equatable {
    public var key: Int64?
    public var values: [Int64]
    public init(key: Int64? = nil, values: [Int64] = []) {
        self.key = key
        self.values = values
    }
}

/// `ShardedDimProto`.
public struct ShardedDim: Sendable, Equatable {
    public var axis: Int64?
    public var simpleShardings: [SimpleShardedDim]
    public init(axis: Int64? = nil, simpleShardings: [SimpleShardedDim] = []) {
        self.axis = axis
        self.simpleShardings = simpleShardings
    }
}

/// `SimpleShardedDimProto`.
public struct SimpleShardedDim: Sendable, Equatable {
    public var dim: Dimension.Value?
    public var numShards: Int64?
    public init(dim: Dimension.Value? = nil, numShards: Int64? = nil) {
        self.dim = dim
        self.numShards = numShards
    }
}
