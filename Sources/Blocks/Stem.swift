/// The layers from the network input to the first block: a chain, possibly with
/// concatenations (the Inception-V4 / Inception-ResNet-V2 paper stems).
public struct Stem: Sendable, Equatable {
    public enum Variant: String, Sendable, Hashable, Codable, CaseIterable {
        case resnet
        case inceptionV3 = "inception-v3"
        case inceptionV4 = "inception-v4"
        case inceptionResNetV1 = "inception-resnet-v1"
        case inceptionResNetV2 = "inception-resnet-v2"
        case custom
    }
    public var name: String
    public var variant: Variant
    public var layers: [Layer]

    public init(name: String = "stem", variant: Variant, layers: [Layer]) {
        self.name = name
        self.variant = variant
        self.layers = layers
    }

    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: layers, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: layers) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: layers, for: input) }
}
