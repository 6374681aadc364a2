/// The layers from the network input to the first block: a chain, possibly with
/// concatenations (the Inception-V4 / Inception-ResNet-V2 paper stems).
public struct Stem: Sendable, Equatable {
    /// A stem is named after its network's family.
    public typealias Variant = Family
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
