import Kernels

/// Inference on the runtime's kernels: the network computes what its source graph computes.
public enum ForwardError: Error, Equatable, CustomStringConvertible {
    case missingWeights(layer: String)
    case inputSize(expected: Int, found: Int)
    case shapeMismatch(layer: String, detail: String)
    case noHead

    public var description: String {
        switch self {
        case .missingWeights(let l): return "\(l): weights were not loaded (recognize with loadWeights: true)"
        case .inputSize(let e, let f): return "input has \(f) values, \(e) expected"
        case .shapeMismatch(let l, let d): return "\(l): \(d)"
        case .noHead: return "the network has no head"
        }
    }
}

extension Network {
    /// The head's outputs: `logits` (the dense output) and `output` (after softmax, or the logits).
    public struct Prediction: Sendable {
        public var logits: [Float]
        public var output: [Float]
        public var classes: Int
    }

    /// Runs a batch given in the network's input layout (NHWC for Keras exports).
    public func forward(_ input: [Float], batch: Int, threads: Int = 1) throws -> Prediction {
        let expected = batch * inputShape.elementCount
        guard input.count == expected else { throw ForwardError.inputSize(expected: expected, found: input.count) }
        let x: FeatureMap = inputLayout == .nhwc
            ? FeatureMap(nhwc: input, batch: batch, height: inputShape.height, width: inputShape.width, channels: inputShape.channels)
            : FeatureMap(batch: batch, shape: inputShape, values: input)
        let features = try features(x, threads: threads)
        guard let head else { throw ForwardError.noHead }
        return try head.forward(features, threads: threads)
    }

    /// Stem, blocks and tail: the feature map the head reads.
    public func features(_ input: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        var x = try Layer.forward(stem.layers, input, threads: threads)
        for block in blocks { x = try block.forward(x, threads: threads) }
        return try Layer.forward(tail, x, threads: threads)
    }
}

extension Block {
    public func forward(_ x: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        switch self {
        case .residual(let b): return try b.forward(x, threads: threads)
        case .inception(let b): return try Layer.forward(b.body, x, threads: threads)
        case .reduction(let b): return try Layer.forward(b.body, x, threads: threads)
        case .inceptionResNet(let b): return try b.forward(x, threads: threads)
        case .transition(let b): return try Layer.forward(b.layers, x, threads: threads)
        case .convStage(let b): return try Layer.forward(b.layers, x, threads: threads)
        case .dense(let b): return try Layer.forward(b.body, x, threads: threads)
        case .invertedResidual(let b):
            var y = try Layer.forward(b.layers, x, threads: threads)
            guard b.hasShortcut else { return y }
            guard y.shape == x.shape else {
                throw ForwardError.shapeMismatch(layer: b.name, detail: "shortcut \(x.shape) vs residual \(y.shape)")
            }
            y.values.withUnsafeMutableBufferPointer { out in
                x.values.withUnsafeBufferPointer { a in
                    Elementwise.binary(.add, UnsafePointer(out.baseAddress!), a.baseAddress!, output: out.baseAddress!, count: out.count)
                }
            }
            return y
        }
    }
}

extension ResidualBlock {
    public func forward(_ x: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        let pre = try Layer.forward(preActivation, x, threads: threads)
        let r = try Layer.forward(residual, pre, threads: threads)
        let source = shortcutFromPreActivation ? pre : x
        let s: FeatureMap
        switch shortcut {
        case .identity: s = source
        case .pool(let p): s = try Layer.forward([.pool(p)], source, threads: threads)
        case .projection(let chain): s = try Layer.forward(chain, source, threads: threads)
        }
        guard s.shape == r.shape else {
            throw ForwardError.shapeMismatch(layer: name, detail: "shortcut \(s.shape) vs residual \(r.shape)")
        }
        var sum = r
        sum.values.withUnsafeMutableBufferPointer { out in
            s.values.withUnsafeBufferPointer { a in
                Elementwise.binary(.add, UnsafePointer(out.baseAddress!), a.baseAddress!, output: out.baseAddress!, count: out.count)
            }
        }
        return try Layer.forward(postAddition, sum, threads: threads)
    }
}

extension InceptionResNetBlock {
    public func forward(_ x: FeatureMap, threads: Int = 1) throws -> FeatureMap {
        var r = try Layer.forward(residual, x, threads: threads)
        guard r.shape == x.shape else {
            throw ForwardError.shapeMismatch(layer: name, detail: "up-projection \(r.shape) vs input \(x.shape)")
        }
        let factor: Float
        switch scale {
        case .folded: factor = 1
        case .explicit(let s): factor = s
        }
        let act: Kernels.Activation = activation ? .relu : .none
        r.values.withUnsafeMutableBufferPointer { out in
            x.values.withUnsafeBufferPointer { a in
                let o = out.baseAddress!
                if factor != 1 { Elementwise.binary(.multiply, UnsafePointer(o), scalar: factor, output: o, count: out.count) }
                Elementwise.binary(.add, UnsafePointer(o), a.baseAddress!, output: o, count: out.count, activation: act)
            }
        }
        return r
    }
}

extension Head {
    public func forward(_ x: FeatureMap, threads: Int = 1) throws -> Network.Prediction {
        var pooled: FeatureMap
        switch pooling {
        case .globalAverage, .globalMax:
            var out = [Float](repeating: 0, count: x.batch * x.shape.channels)
            let spatial = x.shape.height * x.shape.width
            x.values.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    if case .globalMax = pooling {
                        Kernels.Pooling.globalMaxPool(input: src.baseAddress!, output: dst.baseAddress!, planes: x.batch * x.shape.channels, spatial: spatial)
                    } else {
                        Kernels.Pooling.globalAveragePool(input: src.baseAddress!, output: dst.baseAddress!, planes: x.batch * x.shape.channels, spatial: spatial)
                    }
                }
            }
            pooled = FeatureMap(batch: x.batch, shape: FeatureShape(channels: x.shape.channels, height: 1, width: 1), values: out)
        case .average(let p):
            pooled = try Layer.forward([.pool(p)], x, threads: threads)
        case .none:
            pooled = x
        }
        var features = pooled.values
        var width = pooled.shape.elementCount
        for layer in hidden {
            features = try Self.multiply(features, batch: x.batch, width: width, by: layer, threads: threads)
            width = layer.outputFeatures
            features.withUnsafeMutableBufferPointer { Kernels.Activation.relu.apply($0.baseAddress!, count: $0.count) }
        }
        let logits = try Self.multiply(features, batch: x.batch, width: width, by: dense, threads: threads)
        let n = dense.outputFeatures
        var output = logits
        if softmax {
            logits.withUnsafeBufferPointer { src in
                output.withUnsafeMutableBufferPointer { dst in
                    Elementwise.softmax(input: src.baseAddress!, output: dst.baseAddress!, rows: x.batch, columns: n)
                }
            }
        }
        return Network.Prediction(logits: logits, output: output, classes: n)
    }

    /// `x · W + b` for a batch of `width`-long rows.
    static func multiply(_ x: [Float], batch: Int, width: Int, by dense: Dense, threads: Int) throws -> [Float] {
        guard width == dense.inputFeatures else {
            throw ForwardError.shapeMismatch(layer: dense.name, detail: "\(width) features reach a dense layer of \(dense.inputFeatures) inputs")
        }
        guard dense.weights.count == dense.inputFeatures * dense.outputFeatures else { throw ForwardError.missingWeights(layer: dense.name) }
        let n = dense.outputFeatures
        var out = [Float](repeating: 0, count: batch * n)
        if let bias = dense.bias {
            guard bias.count == n else { throw ForwardError.missingWeights(layer: dense.name) }
            for b in 0..<batch { for j in 0..<n { out[b * n + j] = bias[j] } }
        }
        x.withUnsafeBufferPointer { a in
            dense.weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { c in
                    Gemm.multiply(transA: false, transB: false, m: batch, n: n, k: width, alpha: 1,
                                  a: a.baseAddress!, lda: width, b: w.baseAddress!, ldb: n,
                                  beta: dense.bias == nil ? 0 : 1, c: c.baseAddress!, ldc: n, threads: threads)
                }
            }
        }
        return out
    }
}
