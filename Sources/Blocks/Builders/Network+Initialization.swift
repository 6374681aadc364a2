import Kernels
import Foundation

/// Seeded weights for a structure-only network: He-normal conv kernels (std √(2/fan-in)),
/// small random biases, a Glorot-uniform classifier, and BatchNorm statistics that look
/// trained: each BN's moving variance is the variance its input is expected to have (times
/// U(0.6, 1.4)), its moving mean N(0, 0.1·σ), gamma U(0.6, 1.4), beta N(0, 0.1). The expected
/// mean and variance are carried through the network as two numbers per tensor (`Moments`,
/// with ReLU taken on a Gaussian), so activations stay of order 1 at any depth — uncalibrated statistics let a
/// 50-block ResNet's activations grow by orders of magnitude, which hides real errors behind
/// rounding. Weights already present are kept (and only measured).
extension Network {
    public func initialized(seed: UInt64) -> Network {
        var rng = SeededGenerator(seed: seed)
        var net = self
        var q = Moments(mean: 0, variance: 1)  // a standard-normal input
        net.stem.layers = Layer.initialized(net.stem.layers, &rng, &q)
        net.blocks = net.blocks.map { $0.initialized(&rng, &q) }
        net.tail = Layer.initialized(net.tail, &rng, &q)
        if var head = net.head {
            for k in head.hidden.indices { head.hidden[k].initialize(&rng) }
            head.dense.initialize(&rng)
            net.head = head
        }
        return net
    }
}

extension Block {
    func initialized(_ rng: inout SeededGenerator, _ q: inout Moments) -> Block {
        switch self {
        case .residual(var b):
            let qIn = q
            var qPre = q
            b.preActivation = Layer.initialized(b.preActivation, &rng, &qPre)
            var qRes = qPre
            b.residual = Layer.initialized(b.residual, &rng, &qRes)
            var qShort = qIn
            switch b.shortcut {
            case .identity: break
            case .pool: break
            case .projection(let chain):
                qShort = b.shortcutFromPreActivation ? qPre : qIn
                b.shortcut = .projection(Layer.initialized(chain, &rng, &qShort))
            }
            q = qShort + qRes
            b.postAddition = Layer.initialized(b.postAddition, &rng, &q)
            return .residual(b)
        case .inception(var b):
            b.branches = Layer.initialized(branches: b.branches, &rng, &q)
            return .inception(b)
        case .reduction(var b):
            b.branches = Layer.initialized(branches: b.branches, &rng, &q)
            return .reduction(b)
        case .inceptionResNet(var b):
            let qIn = q
            var qUp = q
            b.branches = Layer.initialized(branches: b.branches, &rng, &qUp)
            var s: Double = 1
            switch b.scale {
            case .explicit(let v): s = Double(v)
            case .folded:
                // Baked-in scale: start the up-projection small, as a scaled one would be.
                if !b.up.hasWeights { b.up.initialize(&rng, std: 0.2) }
            }
            b.up.initialize(&rng)
            qUp = b.up.output(for: qUp)
            q = qIn + qUp.scaled(by: s)
            if b.activation { q = q.relu }
            return .inceptionResNet(b)
        case .transition(var b):
            b.layers = Layer.initialized(b.layers, &rng, &q)
            return .transition(b)
        case .convStage(var b):
            b.layers = Layer.initialized(b.layers, &rng, &q)
            return .convStage(b)
        case .invertedResidual(var b):
            let qIn = q
            b.layers = Layer.initialized(b.layers, &rng, &q)
            if b.hasShortcut { q = qIn + q }
            return .invertedResidual(b)
        case .dense(var b):
            let branches = Layer.initialized(branches: [[], b.path], &rng, &q)
            b.path = branches[1]
            return .dense(b)
        }
    }
}

extension Layer {
    static func initialized(_ chain: [Layer], _ rng: inout SeededGenerator, _ q: inout Moments) -> [Layer] {
        chain.map { layer in
            switch layer {
            case .conv(var c):
                c.initialize(&rng)
                q = c.output(for: q)
                return .conv(c)
            case .batchNorm(var b):
                b.initialize(&rng, input: q)
                q = b.output(for: q)
                return .batchNorm(b)
            case .activation:
                q = q.relu
                return layer
            case .pool, .localResponseNorm:
                return layer
            case .concat(let name, let branches):
                return .concat(name: name, branches: initialized(branches: branches, &rng, &q))
            }
        }
    }

    /// Branches on one input; the output's second moment is their channel-weighted mean.
    static func initialized(branches: [[Layer]], _ rng: inout SeededGenerator, _ q: inout Moments) -> [[Layer]] {
        let qIn = q
        var parts: [(Moments, Double)] = []
        let result = branches.map { chain -> [Layer] in
            var qb = qIn
            let out = initialized(chain, &rng, &qb)
            parts.append((qb, Double(convs(in: out).last?.outputChannels ?? 1)))
            return out
        }
        q = Moments.concatenating(parts)
        return result
    }
}

extension Conv {
    mutating func initialize(_ rng: inout SeededGenerator, std factor: Float = 1) {
        if weights.count != weightCount {
            let fanIn = Float((inputChannels / max(group, 1)) * kernel.height * kernel.width)
            let std = factor * (2 / fanIn).squareRoot()
            weights = (0..<weightCount).map { _ in rng.normal(std: std) }
        }
        if let b = bias, b.count != outputChannels {
            bias = (0..<outputChannels).map { _ in rng.normal(std: 0.05) }
        }
    }

    /// Expected output moments (zero-mean weights: variance = input second moment times the
    /// mean over output channels of the summed squared weights; the bias adds its spread).
    func output(for q: Moments) -> Moments {
        guard !weights.isEmpty, outputChannels > 0 else { return q }
        let sumSquares = weights.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(outputChannels)
        let b = (bias ?? []).map(Double.init)
        let biasMean = b.isEmpty ? 0 : b.reduce(0, +) / Double(b.count)
        let biasVariance = b.isEmpty ? 0 : b.reduce(0) { $0 + ($1 - biasMean) * ($1 - biasMean) } / Double(b.count)
        return Moments(mean: biasMean, variance: q.secondMoment * sumSquares + biasVariance)
    }
}

extension BatchNorm {
    mutating func initialize(_ rng: inout SeededGenerator, input q: Moments) {
        guard !hasWeights || gamma.count != channels else { return }
        let sigma = Float(max(q.variance, 1e-6).squareRoot())
        gamma = (0..<channels).map { _ in hasScale && !isAffine ? rng.uniform(0.6, 1.4) : 1 }
        beta = (0..<channels).map { _ in rng.normal(std: 0.1) }
        if isAffine {
            gamma = gamma.map { $0 / sigma }
            mean = [Float](repeating: 0, count: channels)
            variance = [Float](repeating: 1, count: channels)
            return
        }
        mean = (0..<channels).map { _ in Float(q.mean) + rng.normal(std: 0.1 * sigma) }
        variance = (0..<channels).map { _ in rng.uniform(0.6, 1.4) * sigma * sigma }
    }

    func output(for q: Moments) -> Moments {
        guard hasWeights, channels > 0 else { return q }
        let (scale, shift) = scaleAndShift
        var parts: [(Moments, Double)] = []
        for c in 0..<channels {
            let s = Double(scale[c])
            parts.append((Moments(mean: s * q.mean + Double(shift[c]), variance: s * s * q.variance), 1))
        }
        return Moments.concatenating(parts)
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

/// Mean and variance of a tensor's elements, as the initializer expects them.
struct Moments {
    var mean: Double
    var variance: Double

    var secondMoment: Double { variance + mean * mean }

    static func + (a: Moments, b: Moments) -> Moments {
        Moments(mean: a.mean + b.mean, variance: a.variance + b.variance)
    }

    func scaled(by s: Double) -> Moments { Moments(mean: mean * s, variance: variance * s * s) }

    /// ReLU of a Gaussian N(mean, variance).
    var relu: Moments {
        let sigma = max(variance, 1e-12).squareRoot()
        let a = mean / sigma
        let pdf = exp(-a * a / 2) / (2 * Double.pi).squareRoot()
        let cdf = 0.5 * erfc(-a / 2.0.squareRoot())
        let m1 = mean * cdf + sigma * pdf
        let m2 = (mean * mean + variance) * cdf + mean * sigma * pdf
        return Moments(mean: m1, variance: max(m2 - m1 * m1, 0))
    }

    /// Channels side by side: weights are channel counts.
    static func concatenating(_ parts: [(Moments, Double)]) -> Moments {
        let total = parts.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return parts.first?.0 ?? Moments(mean: 0, variance: 1) }
        let mean = parts.reduce(0) { $0 + $1.0.mean * $1.1 } / total
        let second = parts.reduce(0) { $0 + $1.0.secondMoment * $1.1 } / total
        return Moments(mean: mean, variance: max(second - mean * mean, 0))
    }
}
