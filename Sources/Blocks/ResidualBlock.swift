/// A ResNet block: `post(residual(pre(x)) + shortcut(x or pre(x)))`.
///
/// The five arrangements of He et al. 2016 (fig. 4) differ only in where BN and ReLU sit,
/// so they share this one type: `preActivation` (BN/ReLU applied to the block input),
/// `residual` (the conv chain), `shortcut`, and `postAddition` (BN/ReLU after the sum).
public struct ResidualBlock: Sendable, Equatable {
    /// The residual branch's shape: two 3×3 convs (basic), 1×1-3×3-1×1 (bottleneck), or separable.
    public enum Variant: String, Sendable, Hashable, Codable {
        case basic, bottleneck
        /// Xception's blocks: depthwise-separable convolutions (Chollet 2016).
        case separable
    }
    /// He et al. 2016, fig. 4 (a)–(e).
    public enum Arrangement: String, Sendable, Hashable, Codable, CaseIterable {
        case original
        case bnAfterAddition = "bn-after-addition"
        case reluBeforeAddition = "relu-before-addition"
        case reluOnlyPreactivation = "relu-only-preactivation"
        case fullPreactivation = "full-preactivation"
    }
    /// What the shortcut path computes.
    public enum Shortcut: Sendable, Equatable {
        case identity
        /// A conv (usually 1×1, strided), with BN after it for version 1.
        case projection([Layer])
        /// Keras ResNetV2's stride-in-last-block shortcut: a 1×1 stride-2 max pool.
        case pool(Pool)

        public var kindName: String {
            switch self {
            case .identity: return "identity"
            case .projection: return "projection"
            case .pool: return "pool"
            }
        }
    }

    public var name: String
    public var variant: Variant
    /// 1: post-activation (He 2015); 2: pre-activation (He 2016).
    public var version: Int
    public var arrangement: Arrangement
    public var preActivation: [Layer]
    public var residual: [Layer]
    public var shortcut: Shortcut
    /// Whether the shortcut starts from the pre-activated input (Keras ResNetV2 projection
    /// shortcuts do) rather than from the raw block input.
    public var shortcutFromPreActivation: Bool
    public var postAddition: [Layer]

    public init(name: String, variant: Variant, version: Int, arrangement: Arrangement,
                preActivation: [Layer] = [], residual: [Layer], shortcut: Shortcut = .identity,
                shortcutFromPreActivation: Bool = false, postAddition: [Layer] = []) {
        self.name = name
        self.variant = variant
        self.version = version
        self.arrangement = arrangement
        self.preActivation = preActivation
        self.residual = residual
        self.shortcut = shortcut
        self.shortcutFromPreActivation = shortcutFromPreActivation
        self.postAddition = postAddition
    }

    /// The largest stride of the residual chain's convs and pools.
    public var stride: Int {
        var s = 1
        for layer in residual {
            switch layer {
            case .conv(let c): s *= max(c.strides.height, 1)
            case .pool(let p): s *= max(p.strides.height, 1)
            default: break
            }
        }
        return s
    }

    public var outputChannels: Int { Layer.convs(in: residual).last?.outputChannels ?? 0 }
    /// Cardinality of the grouped convolutions (ResNeXt); 1 when none is grouped. Depthwise
    /// convs (one group per channel) are not counted: they make a separable block instead.
    public var groups: Int { Layer.convs(in: residual).filter { !$0.isDepthwise }.map(\.group).max() ?? 1 }
    /// The kernel of the residual chain's strided conv (1×1 in Keras' V1, 3×3 in torchvision's V1.5).
    public var stridedKernel: Size2? { Layer.convs(in: residual).first { $0.strides != .one }?.kernel }
    /// A bottleneck's middle width (its 3×3's channels), for Wide ResNets.
    public var bottleneckWidth: Int? {
        let convs = Layer.convs(in: residual)
        return variant == .bottleneck && convs.count == 3 ? convs[1].outputChannels : nil
    }
    public var inputChannels: Int { Layer.convs(in: residual).first?.inputChannels ?? 0 }

    public var parameterCount: Int {
        var n = Layer.parameterCount(of: preActivation) + Layer.parameterCount(of: residual)
            + Layer.parameterCount(of: postAddition)
        if case .projection(let chain) = shortcut { n += Layer.parameterCount(of: chain) }
        return n
    }

    public func outputShape(for input: FeatureShape) -> FeatureShape {
        Layer.outputShape(of: residual, for: input)
    }

    public func macs(for input: FeatureShape) -> Int {
        var n = Layer.macs(of: residual, for: input)
        if case .projection(let chain) = shortcut { n += Layer.macs(of: chain, for: input) }
        return n
    }
}
