/// One body block of a network, by kind.
public enum Block: Sendable, Equatable {
    case residual(ResidualBlock)
    case inception(InceptionModule)
    case reduction(ReductionModule)
    case inceptionResNet(InceptionResNetBlock)
    /// Pools (and norms) between stages: GoogLeNet's max-pools.
    case transition(Transition)
    /// A plain network's stage (VGG, AlexNet).
    case convStage(ConvStage)
    /// MobileNetV2's inverted residual.
    case invertedResidual(InvertedResidualBlock)
    /// DenseNet's layer: a path concatenated onto its own input.
    case dense(DenseLayer)

    public var name: String {
        get {
            switch self {
            case .residual(let b): return b.name
            case .inception(let b): return b.name
            case .reduction(let b): return b.name
            case .inceptionResNet(let b): return b.name
            case .transition(let b): return b.name
            case .convStage(let b): return b.name
            case .invertedResidual(let b): return b.name
            case .dense(let b): return b.name
            }
        }
        set {
            switch self {
            case .residual(var b): b.name = newValue; self = .residual(b)
            case .inception(var b): b.name = newValue; self = .inception(b)
            case .reduction(var b): b.name = newValue; self = .reduction(b)
            case .inceptionResNet(var b): b.name = newValue; self = .inceptionResNet(b)
            case .transition(var b): b.name = newValue; self = .transition(b)
            case .convStage(var b): b.name = newValue; self = .convStage(b)
            case .invertedResidual(var b): b.name = newValue; self = .invertedResidual(b)
            case .dense(var b): b.name = newValue; self = .dense(b)
            }
        }
    }

    /// The vocabulary's `kind` (GUIDE §3).
    public var kind: String {
        switch self {
        case .residual, .invertedResidual: return "residual"
        case .inception: return "inception"
        case .reduction: return "reduction"
        case .inceptionResNet: return "inception-resnet"
        case .transition: return "transition"
        case .convStage: return "conv-stage"
        case .dense: return "dense"
        }
    }

    /// The vocabulary's `variant`.
    public var variant: String {
        switch self {
        case .residual(let b): return b.variant.rawValue
        case .inception(let b): return b.variant.rawValue
        case .reduction(let b): return b.variant.rawValue
        case .inceptionResNet(let b): return b.variant.rawValue
        case .transition(let b): return b.variant
        case .convStage(let b): return b.variant.rawValue
        case .invertedResidual: return "inverted"
        case .dense(let b): return b.variant.rawValue
        }
    }

    public func outputShape(for input: FeatureShape) -> FeatureShape {
        switch self {
        case .residual(let b): return b.outputShape(for: input)
        case .inception(let b): return b.outputShape(for: input)
        case .reduction(let b): return b.outputShape(for: input)
        case .inceptionResNet(let b): return b.outputShape(for: input)
        case .transition(let b): return b.outputShape(for: input)
        case .convStage(let b): return b.outputShape(for: input)
        case .invertedResidual(let b): return b.outputShape(for: input)
        case .dense(let b): return b.outputShape(for: input)
        }
    }

    public var parameterCount: Int {
        switch self {
        case .residual(let b): return b.parameterCount
        case .inception(let b): return b.parameterCount
        case .reduction(let b): return b.parameterCount
        case .inceptionResNet(let b): return b.parameterCount
        case .transition(let b): return b.parameterCount
        case .convStage(let b): return b.parameterCount
        case .invertedResidual(let b): return b.parameterCount
        case .dense(let b): return b.parameterCount
        }
    }

    public func macs(for input: FeatureShape) -> Int {
        switch self {
        case .residual(let b): return b.macs(for: input)
        case .inception(let b): return b.macs(for: input)
        case .reduction(let b): return b.macs(for: input)
        case .inceptionResNet(let b): return b.macs(for: input)
        case .transition(let b): return b.macs(for: input)
        case .convStage(let b): return b.macs(for: input)
        case .invertedResidual(let b): return b.macs(for: input)
        case .dense(let b): return b.macs(for: input)
        }
    }
}
