/// One layer of a DenseNet dense block (Huang et al. 2017, arXiv 1608.06993): a new path on
/// the layer's input whose `growth` feature maps are concatenated onto that input, so every
/// later layer sees all earlier maps. Not an Inception module: one branch is the input itself.
public struct DenseLayer: Sendable, Equatable {
    public enum Variant: String, Sendable, Hashable, Codable, CaseIterable {
        /// DenseNet-B: BN → ReLU → 1×1 conv → BN → ReLU → 3×3 conv (paper §3, "bottleneck layers").
        case bottleneck
        /// BN → ReLU → 3×3 conv (the paper's basic composite function H_ℓ).
        case basic
        /// Any other path concatenated onto its input.
        case generic
    }
    public var name: String
    public var variant: Variant
    /// The new path, run on the layer's input.
    public var path: [Layer]
    /// The name of the concatenation.
    public var concatName: String
    /// Whether the input comes first in the concatenation (Keras and torchvision: yes).
    public var inputFirst: Bool

    public init(name: String, variant: Variant, path: [Layer], concatName: String, inputFirst: Bool = true) {
        self.name = name
        self.variant = variant
        self.path = path
        self.concatName = concatName
        self.inputFirst = inputFirst
    }

    /// The variant the path's layers spell, checked on kernels, strides and the order of
    /// ReLUs and BNs alone. The path must open with its BN (pre-activation); a BN after a conv
    /// may be folded into that conv's weights (tf2onnx does), so inner BNs are optional.
    public static func variant(of path: [Layer]) -> Variant {
        guard case .batchNorm? = path.first else { return .generic }
        let steps: [String] = path.dropFirst().compactMap { layer in
            switch layer {
            case .batchNorm: return nil
            case .activation(let a, _): return a == .relu ? "relu" : "act"
            case .conv(let c): return c.group == 1 && c.strides == .one ? "c\(c.kernel)" : "conv"
            default: return "other"
            }
        }
        switch steps {
        case ["relu", "c1x1", "relu", "c3x3"]: return .bottleneck
        case ["relu", "c3x3"]: return .basic
        default: return .generic
        }
    }

    /// Feature maps the layer adds to its input.
    public var growth: Int { Layer.convs(in: path).last?.outputChannels ?? 0 }
    public var body: [Layer] { [.concat(name: concatName, branches: inputFirst ? [[], path] : [path, []])] }
    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: body, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: body) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: body, for: input) }
}
