import Foundation
import ONNXIR

/// Normalizations: BatchNormalization (inference), LRN, LayerNormalization,
/// InstanceNormalization.
extension Operators {
    static let batchNormalization = OperatorDefinition("BatchNormalization", [
        OperatorSpec(inputs: 5...5, outputs: 1...5, types: { n, t in
            if try n.int("training_mode", default: 0) != 0 { throw n.invalid("training mode is not supported (inference only)") }
            if n.node.outputs.count > 1, n.opset >= 14 || n.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
                throw n.invalid("the running statistics outputs exist only in training mode (inference only)")
            }
            return try floats(n, t).prefix(1).map { $0 }
        }) { node, _ in
            if node.opset < 7, try node.int("is_test", default: 0) == 0 { throw node.invalid("training mode (is_test=0) is not supported (inference only)") }
            let epsilon = try node.float("epsilon", default: 1e-5)
            if try node.int("spatial", default: 1) != 1 { throw node.invalid("spatial=0 is not supported") }
            return { inputs, c in [try OperatorTable.batchNormalization(try inputs.all(), epsilon: epsilon, c)] }
        },
    ])

    static let lrn = OperatorDefinition("LRN", [
        OperatorSpec(inputs: 1...1, types: floats) { node, _ in
            guard let size = try node.int("size"), size > 0 else { throw node.invalid("attribute 'size' must be positive") }
            let alpha = try node.float("alpha", default: 1e-4), beta = try node.float("beta", default: 0.75)
            let bias = try node.float("bias", default: 1)
            return { inputs, c in [try OperatorTable.localResponseNormalization(try inputs[0], size: size, alpha: alpha, beta: beta, bias: bias, c)] }
        },
    ])

    /// LayerNormalization (opset 17): normalizes over the axes from `axis` on; optional Mean and
    /// InvStdDev outputs keep the normalized axes as size 1.
    static let layerNormalization = OperatorDefinition("LayerNormalization", [
        OperatorSpec(opsets: 17...OperatorTable.newestOpset, inputs: 2...3, outputs: 1...3, types: { n, t in
            let x = try floats(n, t)[0]
            return [x, .float, .float]
        }) { node, _ in
            let axisAttribute = try node.int("axis", default: -1)
            let epsilon = try node.float("epsilon", default: 1e-5)
            if try node.int("stash_type", default: 1) != 1 { throw node.invalid("stash_type other than 1 (float) is not supported") }
            return { inputs, c in
                try OperatorTable.layerNormalization(try inputs[0], scale: try inputs[1], bias: inputs.optional(2),
                                                     axis: axisAttribute, epsilon: epsilon, c)
            }
        },
    ])

    /// InstanceNormalization: per (batch, channel) plane.
    static let instanceNormalization = OperatorDefinition("InstanceNormalization", [
        OperatorSpec(inputs: 3...3, types: floats) { node, _ in
            let epsilon = try node.float("epsilon", default: 1e-5)
            return { inputs, c in
                let x = try inputs[0], scale = try inputs[1], bias = try inputs[2]
                guard x.rank >= 3, scale.count == x.shape[1], bias.count == x.shape[1] else {
                    throw KernelError("input \(x.shape) with scale \(scale.shape) and bias \(bias.shape) do not fit")
                }
                let planes = x.shape[0] * x.shape[1], plane = x.count / Swift.max(planes, 1)
                let out = c.output(x.shape)
                for p in 0..<planes {
                    let ch = p % x.shape[1]
                    OperatorTable.normalizeRow(x.floats + p * plane, into: out.floats + p * plane, count: plane, epsilon: epsilon,
                                               scale: { _ in scale.floats[ch] }, bias: { _ in bias.floats[ch] })
                }
                return [out]
            }
        },
    ])
}

extension OperatorTable {
    static func batchNormalization(_ v: [TensorValue], epsilon: Float, _ c: ExecutionContext) throws -> TensorValue {
        let x = v[0]
        guard x.rank >= 2 else { throw KernelError("input must have a channel dimension") }
        let channels = x.shape[1]
        for k in 1...4 where v[k].count != channels {
            throw KernelError("parameter \(k) has \(v[k].count) values for \(channels) channels")
        }
        let (scale, shift) = foldedBatchNorm(scale: v[1], bias: v[2], mean: v[3], variance: v[4], epsilon: epsilon)
        let plane = x.shape[2...].reduce(1, *)
        let out = c.output(x.shape)
        let xi = x.floats, o = out.floats
        c.parallelFor(x.shape[0] * channels, cost: plane) { range in
            for p in range {
                let s = scale[p % channels], b = shift[p % channels]
                for i in (p * plane)..<((p + 1) * plane) { o[i] = xi[i] * s + b }
            }
        }
        return out
    }
    static func foldedBatchNorm(scale: TensorValue, bias: TensorValue, mean: TensorValue, variance: TensorValue, epsilon: Float) -> ([Float], [Float]) {
        let n = scale.count
        var s = [Float](repeating: 0, count: n), b = s
        for k in 0..<n {
            s[k] = scale.floats[k] / (variance.floats[k] + epsilon).squareRoot()
            b[k] = bias.floats[k] - mean.floats[k] * s[k]
        }
        return (s, b)
    }
    static func localResponseNormalization(_ x: TensorValue, size: Int, alpha: Float, beta: Float, bias: Float, _ c: ExecutionContext) throws -> TensorValue {
        guard x.rank >= 2 else { throw KernelError("input must have a channel dimension") }
        let channels = x.shape[1], plane = x.shape[2...].reduce(1, *)
        let out = c.output(x.shape)
        let lo = (size - 1) / 2, hi = size - 1 - lo
        let xi = x.floats, o = out.floats
        c.parallelFor(x.shape[0] * channels, cost: plane * size) { range in
            for p in range {
                let b = p / channels, ch = p % channels
                let first = max(0, ch - lo), last = min(channels - 1, ch + hi)
                for i in 0..<plane {
                    var sum: Float = 0
                    for k in first...last { let v = xi[(b * channels + k) * plane + i]; sum += v * v }
                    o[p * plane + i] = xi[p * plane + i] / powf(bias + alpha / Float(size) * sum, beta)
                }
            }
        }
        return out
    }

    static func layerNormalization(_ x: TensorValue, scale: TensorValue, bias: TensorValue?, axis axisAttribute: Int, epsilon: Float, _ c: ExecutionContext) throws -> [TensorValue] {
        let a = try axis(axisAttribute, rank: x.rank)
        let rows = x.shape[..<a].reduce(1, *), size = x.shape[a...].reduce(1, *)
        let normalized = Array(x.shape[a...])
        for (name, p) in [("scale", scale), ("bias", bias)] {
            guard let p else { continue }
            guard (try? Broadcast.shape([p.shape, normalized])) == normalized else {
                throw KernelError("\(name) \(p.shape) does not broadcast to the normalized shape \(normalized)")
            }
        }
        let s = broadcastCopy(scale, to: normalized, c), b = bias.map { broadcastCopy($0, to: normalized, c) }
        let out = c.output(x.shape)
        let statsShape = Array(x.shape[..<a]) + Array(repeating: 1, count: x.rank - a)
        let mean = c.output(statsShape), invStd = c.output(statsShape)
        let sp = s.floats, bp = b?.floats
        c.parallelFor(rows, cost: size * 4) { range in
            for r in range {
                let (m, inv) = normalizeRow(x.floats + r * size, into: out.floats + r * size, count: size, epsilon: epsilon,
                                            scale: { sp[$0] }, bias: { bp?[$0] ?? 0 })
                mean.floats[r] = m
                invStd.floats[r] = inv
            }
        }
        return [out, mean, invStd]
    }

    /// `(x - mean) / sqrt(var + eps) * scale(i) + bias(i)` over one contiguous row; returns the
    /// mean and the inverse standard deviation. Sums in Double: rows can be long.
    @discardableResult
    static func normalizeRow(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int, epsilon: Float,
                             scale: (Int) -> Float, bias: (Int) -> Float) -> (Float, Float) {
        var sum = 0.0
        for i in 0..<count { sum += Double(x[i]) }
        let mean = sum / Double(Swift.max(count, 1))
        var squares = 0.0
        for i in 0..<count { let d = Double(x[i]) - mean; squares += d * d }
        let inv = Float(1 / (squares / Double(Swift.max(count, 1)) + Double(epsilon)).squareRoot())
        let m = Float(mean)
        for i in 0..<count { y[i] = (x[i] - m) * inv * scale(i) + bias(i) }
        return (m, inv)
    }
}
