import Kernels
import ONNXIR

/// Graph-level fusion after constant folding: each Conv with constant weights absorbs the
/// chain that follows it while every link has one reader and is not an observed tensor:
/// BatchNormalization (folded into weights and bias), Mul by a per-channel constant (into
/// weights and bias: tf2onnx exports some Keras BatchNormalizations as that Mul and an Add),
/// Add of a per-channel constant (into the bias), Add of another tensor (residual epilogue),
/// then Relu / LeakyRelu / Clip.
enum Fusion {
    static func fuse(_ nodes: [Planner.Checked], constants: [String: TensorValue], protected: Set<String>) throws -> [PlanItem] {
        var readers: [String: Int] = [:]
        for c in nodes { for i in c.node.inputs where !i.isEmpty { readers[i, default: 0] += 1 } }
        var firstReader: [String: Int] = [:]
        for (k, c) in nodes.enumerated() { for i in c.node.inputs where firstReader[i] == nil { firstReader[i] = k } }

        // A constant zero Pad on the spatial axes feeding only a Conv becomes the Conv's pads.
        var producer: [String: Int] = [:]
        for (k, c) in nodes.enumerated() { for o in c.node.outputs where !o.isEmpty { producer[o] = k } }
        func spatialZeroPad(_ p: Planner.Checked) -> [Int]? {
            guard p.node.outputs.count == 1, !protected.contains(p.node.outputs[0]), readers[p.node.outputs[0]] == 1 else { return nil }
            return Fusion.spatialZeroPad(p, constants: constants)
        }

        var absorbed = Set<Int>()
        var placed: [Int: FusedConvolution] = [:]   // position of the chain's last node -> fused step
        var heads = Set<Int>()
        for (k, c) in nodes.enumerated() where c.attributes.op == "Conv" {
            guard c.node.inputs.count >= 2, let w = constants[c.node.inputs[1]], w.elementType == .float else { continue }
            let biasName = c.node.inputs.count > 2 ? c.node.inputs[2] : ""
            let bias = biasName.isEmpty ? nil : constants[biasName]
            if !biasName.isEmpty && bias == nil { continue }
            let conv = try Convolution(node: c.attributes, weights: w, bias: bias)
            var fused = FusedConvolution(name: c.node.displayName, ops: ["Conv"], convolution: conv,
                                         input: c.node.inputs[0], residual: nil, output: c.node.outputs[0])
            var last = k
            var chain: [Int] = []
            if let p = producer[c.node.inputs[0]], !absorbed.contains(p), let extra = spatialZeroPad(nodes[p]),
               ["NOTSET", ""].contains(conv.autoPad), extra.count == 2 * (w.rank - 2) {
                let own = conv.pads ?? Array(repeating: 0, count: extra.count)
                if own.count == extra.count {
                    conv.pads = zip(own, extra).map(+)
                    fused.input = nodes[p].node.inputs[0]
                    fused.ops.insert("Pad", at: 0)
                    absorbed.insert(p)
                }
            }
            while !protected.contains(fused.output), readers[fused.output] == 1,
                  let j = firstReader[fused.output], j > last, !absorbed.contains(j) {
                let next = nodes[j]
                let op = next.attributes.op
                guard next.node.outputs.count == 1 else { break }
                let parameters = next.node.inputs.dropFirst().compactMap { constants[$0] }
                if op == "BatchNormalization", fused.residual == nil, conv.activation == .none, parameters.count == 4 {
                    guard try foldBatchNorm(conv, parameters, epsilon: next.attributes.float("epsilon", default: 1e-5)) else { break }
                } else if op == "Mul", fused.residual == nil, conv.activation == .none {
                    let other = next.node.inputs[0] == fused.output ? next.node.inputs[1] : next.node.inputs[0]
                    guard other != fused.output, let constant = constants[other], scaleOutputs(conv, constant) else { break }
                } else if op == "Add", fused.residual == nil, conv.activation == .none {
                    let other = next.node.inputs[0] == fused.output ? next.node.inputs[1] : next.node.inputs[0]
                    if other == fused.output { break }
                    if let constant = constants[other] {
                        guard addToBias(conv, constant) else { break }
                    } else {
                        // The residual must exist before the fused step runs at the Add's place.
                        fused.residual = other
                    }
                } else if conv.activation == .none, let activation = try activation(next, constants: constants) {
                    conv.activation = activation
                } else {
                    break
                }
                fused.ops.append(op)
                fused.output = next.node.outputs[0]
                chain.append(j)
                last = j
            }
            if chain.isEmpty {
                // Only a Pad was absorbed: the fused step takes the Conv's place.
                if fused.ops.first == "Pad" { placed[k] = fused }
                continue
            }
            absorbed.formUnion(chain)
            heads.insert(k)
            placed[last] = fused
        }
        var items: [PlanItem] = []
        for (k, c) in nodes.enumerated() {
            if heads.contains(k) { continue }
            if let f = placed[k] { items.append(.fusedConvolution(f)); continue }
            if absorbed.contains(k) { continue }
            items.append(.node(c))
        }
        return items
    }

    /// The spatial pads (ONNX order: begins, then ends) of a constant zero `Pad` that pads only
    /// the spatial axes, or nil for any other node.
    static func spatialZeroPad(_ p: Planner.Checked, constants: [String: TensorValue]) -> [Int]? {
        guard p.attributes.op == "Pad", p.attributes.string("mode", default: "constant") == "constant" else { return nil }
        let pads: [Int64]
        var value: Float? = 0
        if p.attributes.opset < 11 {
            guard let attribute = try? p.attributes.ints("pads") else { return nil }
            pads = attribute.map { Int64($0) }
            value = try? p.attributes.float("value", default: 0)
        } else {
            guard p.node.inputs.count >= 2, let constant = constants[p.node.inputs[1]] else { return nil }
            if p.node.inputs.count > 2, !p.node.inputs[2].isEmpty {
                let v = constants[p.node.inputs[2]]
                value = v.flatMap { $0.elementType == .float && $0.count == 1 ? $0.floats[0] : nil }
            }
            pads = constant.integerArray()
        }
        let axesGiven = p.node.inputs.count > 3 && !p.node.inputs[3].isEmpty
        return SpatialZeroPad.spatialPads(mode: "constant", pads: pads, value: value, axesGiven: axesGiven)
    }

    static func activation(_ c: Planner.Checked, constants: [String: TensorValue]) throws -> Activation? {
        switch c.attributes.op {
        case "Relu": return .relu
        case "LeakyRelu": return .leakyRelu(alpha: try c.attributes.float("alpha", default: 0.01))
        case "Clip":
            if c.attributes.opset < 11 {
                return .clip(min: try c.attributes.float("min", default: -.greatestFiniteMagnitude),
                             max: try c.attributes.float("max", default: .greatestFiniteMagnitude))
            }
            let bounds = c.node.inputs.dropFirst().map { $0.isEmpty ? nil : constants[$0] }
            for (k, name) in c.node.inputs.dropFirst().enumerated() where !name.isEmpty && bounds[k] == nil { return nil }
            let lo = bounds.count > 0 ? bounds[0]?.floats[0] : nil
            let hi = bounds.count > 1 ? bounds[1]?.floats[0] : nil
            return .clip(min: lo ?? -.infinity, max: hi ?? .infinity)
        default: return nil
        }
    }

    /// `W' = W * s`, `b' = (b - mean) * s + beta`, `s = gamma / sqrt(var + eps)`.
    static func foldBatchNorm(_ conv: Convolution, _ p: [TensorValue], epsilon: Float) throws -> Bool {
        let m = conv.weights.shape[0]
        guard p.allSatisfy({ $0.count == m && $0.elementType == .float }) else { return false }
        let (scale, shift) = OperatorTable.foldedBatchNorm(scale: p[0], bias: p[1], mean: p[2], variance: p[3], epsilon: epsilon)
        let per = conv.weights.count / m
        let folded = TensorValue(shape: conv.weights.shape, elementType: .float)
        for o in 0..<m { for i in 0..<per { folded.floats[o * per + i] = conv.weights.floats[o * per + i] * scale[o] } }
        conv.weights = folded
        let b = conv.bias ?? Array(repeating: 0, count: m)
        conv.bias = (0..<m).map { b[$0] * scale[$0] + shift[$0] }
        return true
    }

    /// Adds a per-channel constant (`[M]`-broadcastable as `[1, M, 1, 1]`) to the bias.
    static func addToBias(_ conv: Convolution, _ constant: TensorValue) -> Bool {
        let m = conv.weights.shape[0]
        guard isPerChannel(constant, of: conv) else { return false }
        let b = conv.bias ?? Array(repeating: 0, count: m)
        conv.bias = (0..<m).map { b[$0] + constant.floats[$0] }
        return true
    }

    /// Multiplies output channel o's weights and bias by `constant[o]` (a per-channel constant
    /// as `addToBias` takes): conv(x)·s = conv'(x) for conv' = (w·s, b·s), up to rounding.
    static func scaleOutputs(_ conv: Convolution, _ constant: TensorValue) -> Bool {
        guard isPerChannel(constant, of: conv) else { return false }
        let m = conv.weights.shape[0]
        let per = conv.weights.count / m
        let scaled = TensorValue(shape: conv.weights.shape, elementType: .float)
        for o in 0..<m { for i in 0..<per { scaled.floats[o * per + i] = conv.weights.floats[o * per + i] * constant.floats[o] } }
        conv.weights = scaled
        conv.bias = conv.bias.map { b in (0..<m).map { b[$0] * constant.floats[$0] } }
        return true
    }

    /// Whether `constant` holds one float per output channel of `conv`, on the channel axis of
    /// its output (`[M]`-broadcastable as `[1, M, 1, 1]`): the Add or Mul keeps the output shape.
    static func isPerChannel(_ constant: TensorValue, of conv: Convolution) -> Bool {
        let m = conv.weights.shape[0]
        guard constant.elementType == .float, constant.count == m else { return false }
        let spatial = conv.weights.rank - 2
        let nonUnit = constant.shape.enumerated().filter { $0.element != 1 }
        // The channel axis counted from the right: spatial dims follow it.
        return constant.rank >= spatial + 1 && constant.rank <= spatial + 2 && nonUnit.count <= 1
            && (nonUnit.first.map({ constant.rank - 1 - $0.offset == spatial }) ?? true)
    }
}
