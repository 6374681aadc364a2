/// Seeded weights for a structure-only network: He-normal conv kernels (std √(2/fan-in)),
/// small random biases, and BN statistics away from the identity defaults (gamma and
/// variance in U(0.6, 1.4), beta and mean ~ N(0, 0.1)) so that a folding mistake shows.
/// Only missing tensors are filled; weights already present are kept.
extension Network {
    public func initialized(seed: UInt64) -> Network {
        var rng = SeededGenerator(seed: seed)
        var net = self
        net.stem.layers = Layer.initialized(net.stem.layers, &rng)
        net.blocks = net.blocks.map { $0.initialized(&rng) }
        net.tail = Layer.initialized(net.tail, &rng)
        if var head = net.head {
            head.dense.initialize(&rng)
            net.head = head
        }
        return net
    }
}

extension Block {
    func initialized(_ rng: inout SeededGenerator) -> Block {
        switch self {
        case .residual(var b):
            b.preActivation = Layer.initialized(b.preActivation, &rng)
            b.residual = Layer.initialized(b.residual, &rng)
            if case .projection(let chain) = b.shortcut { b.shortcut = .projection(Layer.initialized(chain, &rng)) }
            b.postAddition = Layer.initialized(b.postAddition, &rng)
            return .residual(b)
        case .inception(var b):
            b.branches = b.branches.map { Layer.initialized($0, &rng) }
            return .inception(b)
        case .reduction(var b):
            b.branches = b.branches.map { Layer.initialized($0, &rng) }
            return .reduction(b)
        case .inceptionResNet(var b):
            b.branches = b.branches.map { Layer.initialized($0, &rng) }
            b.up.initialize(&rng)
            return .inceptionResNet(b)
        }
    }
}

extension Layer {
    static func initialized(_ chain: [Layer], _ rng: inout SeededGenerator) -> [Layer] {
        chain.map { layer in
            switch layer {
            case .conv(var c):
                c.initialize(&rng)
                return .conv(c)
            case .batchNorm(var b):
                b.initialize(&rng)
                return .batchNorm(b)
            case .concat(let name, let branches):
                return .concat(name: name, branches: branches.map { initialized($0, &rng) })
            case .activation, .pool:
                return layer
            }
        }
    }
}

extension Conv {
    mutating func initialize(_ rng: inout SeededGenerator) {
        if weights.count != weightCount {
            let fanIn = Float((inputChannels / max(group, 1)) * kernel.height * kernel.width)
            let std = (2 / fanIn).squareRoot()
            weights = (0..<weightCount).map { _ in rng.normal(std: std) }
        }
        if let b = bias, b.count != outputChannels {
            bias = (0..<outputChannels).map { _ in rng.normal(std: 0.05) }
        }
    }
}

extension BatchNorm {
    mutating func initialize(_ rng: inout SeededGenerator) {
        guard !hasWeights || gamma.count != channels else { return }
        gamma = (0..<channels).map { _ in hasScale && !isAffine ? rng.uniform(0.6, 1.4) : 1 }
        if isAffine {
            beta = (0..<channels).map { _ in rng.normal(std: 0.1) }
            mean = [Float](repeating: 0, count: channels)
            variance = [Float](repeating: 1, count: channels)
            return
        }
        beta = (0..<channels).map { _ in rng.normal(std: 0.1) }
        mean = (0..<channels).map { _ in rng.normal(std: 0.1) }
        variance = (0..<channels).map { _ in rng.uniform(0.6, 1.4) }
    }
}

extension Dense {
    /// Glorot-uniform kernel (Keras' Dense default) and a small random bias.
    mutating func initialize(_ rng: inout SeededGenerator) {
        if weights.count != inputFeatures * outputFeatures {
            let limit = (6 / Float(inputFeatures + outputFeatures)).squareRoot()
            weights = (0..<(inputFeatures * outputFeatures)).map { _ in rng.uniform(-limit, limit) }
        }
        if let b = bias, b.count != outputFeatures {
            bias = (0..<outputFeatures).map { _ in rng.normal(std: 0.05) }
        }
    }
}
