import Foundation

/// An ONNX model (`ModelProto`).
///
/// Optional properties mirror proto2 field presence: `nil` means "absent in the file", which
/// keeps a read-then-write round trip lossless (the `onnx` package compares presence too).
public struct Model: Sendable, Equatable {
    public var irVersion: Int64?
    public var opsetImports: [OperatorSetID]
    public var producerName: String?
    public var producerVersion: String?
    public var domain: String?
    public var modelVersion: Int64?
    public var docString: String?
    public var graph: Graph?
    public var metadataProps: [MetadataEntry]
    public var trainingInfo: [TrainingInfo]
    public var functions: [Function]
    public var configurations: [DeviceConfiguration]
    /// Fields unknown to this build, written back unchanged.
    public var unknownFields: [UnknownField] = []

    public init(
        irVersion: Int64? = nil, opsetImports: [OperatorSetID] = [], producerName: String? = nil,
        producerVersion: String? = nil, domain: String? = nil, modelVersion: Int64? = nil,
        docString: String? = nil, graph: Graph? = nil, metadataProps: [MetadataEntry] = [],
        trainingInfo: [TrainingInfo] = [], functions: [Function] = [],
        configurations: [DeviceConfiguration] = []
    ) {
        self.irVersion = irVersion
        self.opsetImports = opsetImports
        self.producerName = producerName
        self.producerVersion = producerVersion
        self.domain = domain
        self.modelVersion = modelVersion
        self.docString = docString
        self.graph = graph
        self.metadataProps = metadataProps
        self.trainingInfo = trainingInfo
        self.functions = functions
        self.configurations = configurations
    }

    /// The opset version imported for `domain` (`""` and `"ai.onnx"` are the default domain).
    public func opsetVersion(forDomain domain: String = "") -> Int64? {
        let wanted = domain == "ai.onnx" ? "" : domain
        return opsetImports.first { ($0.domain ?? "") == wanted || ($0.domain == "ai.onnx" && wanted.isEmpty) }?.version
    }
}

/// `OperatorSetIdProto`: which version of an operator set the model uses.
public struct OperatorSetID: Sendable, Equatable, Hashable {
    public var domain: String?
    public var version: Int64?
    public init(domain: String? = nil, version: Int64? = nil) {
        self.domain = domain
        self.version = version
    }
}

/// `StringStringEntryProto`: a key/value pair (metadata, external-data locations, bindings).
public struct MetadataEntry: Sendable, Equatable, Hashable {
    public var key: String?
    public var value: String?
    public init(key: String? = nil, value: String? = nil) {
        self.key = key
        self.value = value
    }
}
