/// A stage of a plain (non-residual, non-branching) network: convolutions, each with its
/// optional BN and ReLU (and AlexNet's LRN), closed by a pool (Simonyan & Zisserman 2014;
/// Krizhevsky et al. 2012).
public struct ConvStage: Sendable, Equatable {
    /// VGG's regular stage, or any other conv / pool run (AlexNet).
    public enum Variant: String, Sendable, Hashable, Codable, CaseIterable {
        /// n × (3×3 stride-1 same conv [+ BN] + ReLU), then a 2×2 stride-2 max-pool.
        case vgg
        /// Any other run of convolutions and pools.
        case generic
    }
    public var name: String
    public var variant: Variant
    public var layers: [Layer]

    public init(name: String, variant: Variant, layers: [Layer]) {
        self.name = name
        self.variant = variant
        self.layers = layers
    }

    /// The VGG signature, checked on the layers alone.
    public static func isVGG(_ layers: [Layer]) -> Bool {
        let convs = Layer.convs(in: layers)
        guard !convs.isEmpty, convs.allSatisfy({ $0.kernel == Size2(3) && $0.strides == .one && $0.padding == Padding(all: 1) && $0.group == 1 }),
              case .pool(let p)? = layers.last, p.kind == .max, p.window == Size2(2), p.strides == Size2(2),
              (p.padding + p.zeroPadding).isZero else { return false }
        // Every conv is followed by ReLU (possibly after a BN), and nothing else is in between.
        var expectReLU = false
        for layer in layers.dropLast() {
            switch layer {
            case .conv: if expectReLU { return false }; expectReLU = true
            case .batchNorm: if !expectReLU { return false }
            case .activation(.relu, _): if !expectReLU { return false }; expectReLU = false
            default: return false
            }
        }
        return !expectReLU
    }

    public var stride: Int { Layer.stride(of: layers) }
    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: layers, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: layers) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: layers, for: input) }
}
