import Blocks
import ONNXIR

/// Layer chains: convs (with a following BatchNorm folded in when asked), BatchNorm, ReLU,
/// pools (an explicit zero `Pad` first where the source had one) and concatenations.
extension ONNXEmitter {
    func emit(chain: [Layer], from x: String, block: String, into g: GraphAssembly) throws -> String {
        var y = x
        var i = 0
        while i < chain.count {
            if options.foldBatchNorm, case .conv(let c) = chain[i], i + 1 < chain.count, case .batchNorm(let bn) = chain[i + 1] {
                y = try emit(conv: c, folding: bn, from: y, block: block, into: g)
                i += 2
                continue
            }
            y = try emit(layer: chain[i], from: y, block: block, into: g)
            i += 1
        }
        return y
    }

    func emit(layer: Layer, from x: String, block: String, into g: GraphAssembly) throws -> String {
        switch layer {
        case .conv(let c):
            return try emit(conv: c, folding: nil, from: x, block: block, into: g)
        case .batchNorm(let bn):
            return try emit(batchNorm: bn, from: x, block: block, into: g)
        case .activation(.relu, let name):
            return g.node("Relu", name: name, inputs: [x])
        case .activation(.relu6, let name):
            let low = g.constant("\(name)/min", dims: [], values: [0])
            let high = g.constant("\(name)/max", dims: [], values: [6])
            return g.node("Clip", name: name, inputs: [x, low, high])
        case .localResponseNorm(let n):
            return g.node("LRN", name: n.name, inputs: [x], attributes: [
                .int("size", Int64(n.size)), .float("alpha", n.alpha), .float("beta", n.beta), .float("bias", n.bias),
            ])
        case .pool(let p):
            var y = x
            if !p.zeroPadding.isZero {
                let z = p.zeroPadding
                let pads = g.constant("\(p.name)_pad/pads", dims: [8], int64: [0, 0, Int64(z.top), Int64(z.left), 0, 0,
                                                                              Int64(z.bottom), Int64(z.right)])
                y = g.node("Pad", name: "\(p.name)_pad", inputs: [y, pads])
            }
            var attributes: [Attribute] = [
                .ints("kernel_shape", [Int64(p.window.height), Int64(p.window.width)]),
                .ints("strides", [Int64(p.strides.height), Int64(p.strides.width)]),
            ]
            if !p.padding.isZero { attributes.append(.ints("pads", p.padding.onnxPads.map(Int64.init))) }
            if p.ceilMode { attributes.append(.int("ceil_mode", 1)) }
            if p.kind == .average && p.countIncludePad { attributes.append(.int("count_include_pad", 1)) }
            return g.node(p.kind == .max ? "MaxPool" : "AveragePool", name: p.name, inputs: [y], attributes: attributes)
        case .concat(let name, let branches):
            var outs: [String] = []
            for branch in branches {
                outs.append(try emit(chain: branch, from: x, block: block, into: g))
            }
            return g.node("Concat", name: name, inputs: outs, attributes: [.int("axis", 1)])
        }
    }

    /// A conv, optionally with a BatchNorm folded in: `W'[o] = W[o]·s[o]`, `b' = b·s + shift`
    /// (computed in Double so folding adds no error beyond the final rounding).
    func emit(conv c: Conv, folding bn: BatchNorm?, from x: String, block: String, into g: GraphAssembly) throws -> String {
        guard c.weights.count == c.weightCount else {
            if c.weights.isEmpty { throw EmitError.missingWeights(block: block, layer: c.name) }
            throw EmitError.badWeightCount(block: block, layer: c.name, expected: c.weightCount, found: c.weights.count)
        }
        if let b = c.bias, b.count != c.outputChannels {
            throw EmitError.badWeightCount(block: block, layer: "\(c.name)/bias", expected: c.outputChannels, found: b.count)
        }
        var weights = c.weights
        var bias = c.bias
        if let bn {
            let (scale, shift) = try Self.scaleAndShift(bn, block: block)
            let perOutput = c.weightCount / max(c.outputChannels, 1)
            for o in 0..<c.outputChannels {
                for k in 0..<perOutput {
                    weights[o * perOutput + k] = Float(Double(weights[o * perOutput + k]) * scale[o])
                }
            }
            bias = (0..<c.outputChannels).map { o in Float(Double(c.bias?[o] ?? 0) * scale[o] + shift[o]) }
        }
        var inputs = [x, g.constant("\(c.name)/kernel",
                                    dims: [c.outputChannels, c.inputChannels / max(c.group, 1), c.kernel.height, c.kernel.width],
                                    values: weights)]
        if let bias { inputs.append(g.constant("\(c.name)/bias", dims: [c.outputChannels], values: bias)) }
        var attributes: [Attribute] = [
            .ints("kernel_shape", [Int64(c.kernel.height), Int64(c.kernel.width)]),
            .ints("strides", [Int64(c.strides.height), Int64(c.strides.width)]),
            .ints("pads", c.padding.onnxPads.map(Int64.init)),
        ]
        if c.dilations != .one { attributes.append(.ints("dilations", [Int64(c.dilations.height), Int64(c.dilations.width)])) }
        if c.group != 1 { attributes.append(.int("group", Int64(c.group))) }
        return g.node("Conv", name: c.name, inputs: inputs, attributes: attributes)
    }

    func emit(batchNorm bn: BatchNorm, from x: String, block: String, into g: GraphAssembly) throws -> String {
        try Self.checkWeights(bn, block: block)
        let c = bn.channels
        if bn.isAffine || options.foldBatchNorm {
            let (scale, shift) = try Self.scaleAndShift(bn, block: block)
            let s = g.constant("\(bn.name)/scale", dims: [c, 1, 1], values: scale.map { Float($0) })
            let t = g.constant("\(bn.name)/shift", dims: [c, 1, 1], values: shift.map { Float($0) })
            let scaled = g.node("Mul", name: "\(bn.name)_mul", inputs: [x, s])
            return g.node("Add", name: bn.name, inputs: [scaled, t])
        }
        let inputs = [
            x,
            g.constant("\(bn.name)/gamma", dims: [c], values: bn.gamma),
            g.constant("\(bn.name)/beta", dims: [c], values: bn.beta),
            g.constant("\(bn.name)/moving_mean", dims: [c], values: bn.mean),
            g.constant("\(bn.name)/moving_variance", dims: [c], values: bn.variance),
        ]
        return g.node("BatchNormalization", name: bn.name, inputs: inputs, attributes: [.float("epsilon", bn.epsilon)])
    }

    static func checkWeights(_ bn: BatchNorm, block: String) throws {
        for (field, values) in [("gamma", bn.gamma), ("beta", bn.beta), ("mean", bn.mean), ("variance", bn.variance)] {
            if values.isEmpty { throw EmitError.missingWeights(block: block, layer: bn.name) }
            if values.count != bn.channels {
                throw EmitError.badWeightCount(block: block, layer: "\(bn.name)/\(field)", expected: bn.channels, found: values.count)
            }
        }
    }

    /// Per-channel `scale = gamma / √(variance + ε)`, `shift = beta − mean · scale`, in Double.
    static func scaleAndShift(_ bn: BatchNorm, block: String) throws -> (scale: [Double], shift: [Double]) {
        try checkWeights(bn, block: block)
        var scale = [Double](repeating: 1, count: bn.channels)
        var shift = [Double](repeating: 0, count: bn.channels)
        for i in 0..<bn.channels {
            let s = bn.isAffine ? Double(bn.gamma[i])
                : Double(bn.gamma[i]) / (Double(bn.variance[i]) + Double(bn.epsilon)).squareRoot()
            scale[i] = s
            shift[i] = bn.isAffine ? Double(bn.beta[i]) : Double(bn.beta[i]) - Double(bn.mean[i]) * s
        }
        return (scale, shift)
    }
}
