/// An Inception-ResNet block (Szegedy et al. 2016, figs 10–13, 15–17):
/// `act(x + scale · up(concat(branches(x))))` where `up` is a 1×1 conv with bias
/// restoring the input's channel count.
public struct InceptionResNetBlock: Sendable, Equatable {
    /// Szegedy et al. 2016's A (35×35), B (17×17) and C (8×8) blocks.
    public enum Variant: String, Sendable, Hashable, Codable, CaseIterable {
        case a, b, c
    }
    /// How the residual scale appears: an explicit multiply, or baked into `up`'s weights.
    public enum Scale: Sendable, Equatable {
        case explicit(Float)
        case folded
    }
    public var name: String
    public var variant: Variant
    /// 1 or 2 (Inception-ResNet-V1 / V2).
    public var version: Int
    public var branches: [[Layer]]
    public var concatName: String
    /// The 1×1 up-projection (with bias, no BN).
    public var up: Conv
    public var scale: Scale
    /// Whether a ReLU follows the addition (Keras' last block35/block8 has none).
    public var activation: Bool

    public init(name: String, variant: Variant, version: Int, branches: [[Layer]], concatName: String? = nil,
                up: Conv, scale: Scale, activation: Bool) {
        self.name = name
        self.variant = variant
        self.version = version
        self.branches = branches
        self.concatName = concatName ?? name + "_mixed"
        self.up = up
        self.scale = scale
        self.activation = activation
    }

    public var residual: [Layer] {
        [.concat(name: concatName, branches: branches), .conv(up)]
    }
    public var outputChannels: Int { up.outputChannels }
    public func outputShape(for input: FeatureShape) -> FeatureShape { input }
    public var parameterCount: Int { Layer.parameterCount(of: residual) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: residual, for: input) }
}
