/// One step inside a block. A block body is a chain `[Layer]`; `concat` runs several chains
/// on the same input and concatenates their outputs on the channel axis, so a chain can hold
/// the nested splits of Inception modules (V3-C's 1×3 / 3×1 pairs) and the V4 stem.
public indirect enum Layer: Sendable, Equatable {
    case conv(Conv)
    case batchNorm(BatchNorm)
    case activation(Activation, name: String)
    case pool(Pool)
    case localResponseNorm(LocalResponseNorm)
    case concat(name: String, branches: [[Layer]])

    public var name: String {
        switch self {
        case .conv(let c): return c.name
        case .batchNorm(let b): return b.name
        case .activation(_, let name): return name
        case .pool(let p): return p.name
        case .localResponseNorm(let n): return n.name
        case .concat(let name, _): return name
        }
    }

    /// Output shape for an input shape.
    public func outputShape(for input: FeatureShape) -> FeatureShape {
        switch self {
        case .conv(let c): return c.outputShape(for: input)
        case .batchNorm, .activation, .localResponseNorm: return input
        case .pool(let p): return p.outputShape(for: input)
        case .concat(_, let branches):
            let outs = branches.map { Layer.outputShape(of: $0, for: input) }
            guard let first = outs.first else { return input }
            return FeatureShape(channels: outs.reduce(0) { $0 + $1.channels }, height: first.height, width: first.width)
        }
    }

    public var parameterCount: Int {
        switch self {
        case .conv(let c): return c.parameterCount
        case .batchNorm(let b): return b.parameterCount
        case .activation, .pool, .localResponseNorm: return 0
        case .concat(_, let branches): return branches.reduce(0) { $0 + Layer.parameterCount(of: $1) }
        }
    }

    /// Multiply-accumulates of convs (pooling and elementwise work are not counted).
    public func macs(for input: FeatureShape) -> Int {
        switch self {
        case .conv(let c): return c.macs(for: input)
        case .batchNorm, .activation, .pool, .localResponseNorm: return 0
        case .concat(_, let branches): return branches.reduce(0) { $0 + Layer.macs(of: $1, for: input) }
        }
    }

    public static func outputShape(of chain: [Layer], for input: FeatureShape) -> FeatureShape {
        chain.reduce(input) { $1.outputShape(for: $0) }
    }
    public static func parameterCount(of chain: [Layer]) -> Int {
        chain.reduce(0) { $0 + $1.parameterCount }
    }
    public static func macs(of chain: [Layer], for input: FeatureShape) -> Int {
        var shape = input
        var total = 0
        for layer in chain {
            total += layer.macs(for: shape)
            shape = layer.outputShape(for: shape)
        }
        return total
    }

    /// Every BatchNorm in the chain, depth first, in order.
    public static func batchNorms(in chain: [Layer]) -> [BatchNorm] {
        chain.flatMap { layer -> [BatchNorm] in
            switch layer {
            case .batchNorm(let b): return [b]
            case .concat(_, let branches): return branches.flatMap { batchNorms(in: $0) }
            default: return []
            }
        }
    }

    /// Every conv in the chain, depth first, in order.
    public static func convs(in chain: [Layer]) -> [Conv] {
        chain.flatMap { layer -> [Conv] in
            switch layer {
            case .conv(let c): return [c]
            case .concat(_, let branches): return branches.flatMap { convs(in: $0) }
            default: return []
            }
        }
    }

    /// The product of the strides of the chain's convs and pools (nested branches: the first's).
    public static func stride(of chain: [Layer]) -> Int {
        var s = 1
        for layer in chain {
            switch layer {
            case .conv(let c): s *= max(c.strides.height, 1)
            case .pool(let p): s *= max(p.strides.height, 1)
            case .concat(_, let branches): s *= branches.first.map { stride(of: $0) } ?? 1
            default: break
            }
        }
        return s
    }
}
