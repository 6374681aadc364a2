/// One body block of a network, by kind.
public enum Block: Sendable, Equatable {
    case residual(ResidualBlock)
    case inception(InceptionModule)
    case reduction(ReductionModule)
    case inceptionResNet(InceptionResNetBlock)

    public var name: String {
        switch self {
        case .residual(let b): return b.name
        case .inception(let b): return b.name
        case .reduction(let b): return b.name
        case .inceptionResNet(let b): return b.name
        }
    }

    /// The vocabulary's `kind` (GUIDE §3).
    public var kind: String {
        switch self {
        case .residual: return "residual"
        case .inception: return "inception"
        case .reduction: return "reduction"
        case .inceptionResNet: return "inception-resnet"
        }
    }

    /// The vocabulary's `variant`.
    public var variant: String {
        switch self {
        case .residual(let b): return b.variant.rawValue
        case .inception(let b): return b.variant.rawValue
        case .reduction(let b): return b.variant.rawValue
        case .inceptionResNet(let b): return b.variant.rawValue
        }
    }

    public func outputShape(for input: FeatureShape) -> FeatureShape {
        switch self {
        case .residual(let b): return b.outputShape(for: input)
        case .inception(let b): return b.outputShape(for: input)
        case .reduction(let b): return b.outputShape(for: input)
        case .inceptionResNet(let b): return b.outputShape(for: input)
        }
    }

    public var parameterCount: Int {
        switch self {
        case .residual(let b): return b.parameterCount
        case .inception(let b): return b.parameterCount
        case .reduction(let b): return b.parameterCount
        case .inceptionResNet(let b): return b.parameterCount
        }
    }

    public func macs(for input: FeatureShape) -> Int {
        switch self {
        case .residual(let b): return b.macs(for: input)
        case .inception(let b): return b.macs(for: input)
        case .reduction(let b): return b.macs(for: input)
        case .inceptionResNet(let b): return b.macs(for: input)
        }
    }
}
