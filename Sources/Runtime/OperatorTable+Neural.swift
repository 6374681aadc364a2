import Foundation
import ONNXIR

/// Conv, the pools, BatchNormalization, LRN, Softmax, Gemm, MatMul, ReduceMean.
extension OperatorTable {
    static func neuralOperators() -> [String: [OperatorSpec]] {
        let floats = TypeRules.same(TypeRules.float)
        return [
            "Conv": [OperatorSpec(opsets: all, inputs: 2...3, types: floats) { node, constants in
                if let w = constants[1] {
                    let conv = try Convolution(node: node, weights: w, bias: constants.count > 2 ? constants[2] : nil)
                    return { inputs, c in [try conv.run(inputs[0]!, residual: nil, c)] }
                }
                // Weights computed at run time: build per call.
                return { inputs, c in
                    let conv = try Convolution(node: node, weights: inputs[1]!, bias: inputs.count > 2 ? inputs[2] : nil)
                    return [try conv.run(inputs[0]!, residual: nil, c)]
                }
            }],
            "MaxPool": [OperatorSpec(opsets: all, inputs: 1...1, outputs: 1...2, types: { _, t in
                guard t[0] == .float else { throw TypeRuleError.input(0) }
                return [.float, .int64]
            }) { node, _ in
                let window = try PoolAttributes(node)
                let columnMajor = try node.int("storage_order", default: 0) == 1
                let wantsIndices = node.node.outputs.count > 1 && node.node.outputs[1] != ""
                return { inputs, c in
                    let x = inputs[0]!
                    let (y, i) = WindowPooling.maxPool(x, try window.geometry(x), indices: wantsIndices, columnMajor: columnMajor, ceilMode: window.ceilMode, c)
                    return i.map { [y, $0] } ?? [y]
                }
            }],
            "AveragePool": [OperatorSpec(opsets: all, inputs: 1...1, types: floats) { node, _ in
                let window = try PoolAttributes(node)
                let includePad = try node.int("count_include_pad", default: 0) != 0
                return { inputs, c in
                    let x = inputs[0]!
                    return [WindowPooling.averagePool(x, try window.geometry(x), countIncludePad: includePad, ceilMode: window.ceilMode, c)]
                }
            }],
            "GlobalAveragePool": [OperatorSpec(opsets: all, inputs: 1...1, types: floats) { _, _ in
                { inputs, c in
                    guard inputs[0]!.rank >= 3 else { throw KernelError("input must have spatial dimensions") }
                    return [WindowPooling.global(inputs[0]!, max: false, c)]
                }
            }],
            "GlobalMaxPool": [OperatorSpec(opsets: all, inputs: 1...1, types: floats) { _, _ in
                { inputs, c in
                    guard inputs[0]!.rank >= 3 else { throw KernelError("input must have spatial dimensions") }
                    return [WindowPooling.global(inputs[0]!, max: true, c)]
                }
            }],
            "BatchNormalization": [OperatorSpec(opsets: all, inputs: 5...5, outputs: 1...5, types: { n, t in
                if try n.int("training_mode", default: 0) != 0 { throw n.invalid("training mode is not supported (inference only)") }
                if n.node.outputs.count > 1, n.opset >= 14 || n.node.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
                    throw n.invalid("the running statistics outputs exist only in training mode (inference only)")
                }
                return try floats(n, t).prefix(1).map { $0 }
            }) { node, _ in
                if node.opset < 7, try node.int("is_test", default: 0) == 0 { throw node.invalid("training mode (is_test=0) is not supported (inference only)") }
                let epsilon = try node.float("epsilon", default: 1e-5)
                if try node.int("spatial", default: 1) != 1 { throw node.invalid("spatial=0 is not supported") }
                return { inputs, c in [try batchNormalization(inputs.map { $0! }, epsilon: epsilon, c)] }
            }],
            "LRN": [OperatorSpec(opsets: all, inputs: 1...1, types: floats) { node, _ in
                guard let size = try node.int("size"), size > 0 else { throw node.invalid("attribute 'size' must be positive") }
                let alpha = try node.float("alpha", default: 1e-4), beta = try node.float("beta", default: 0.75)
                let bias = try node.float("bias", default: 1)
                return { inputs, c in [try localResponseNormalization(inputs[0]!, size: size, alpha: alpha, beta: beta, bias: bias, c)] }
            }],
            "Softmax": [OperatorSpec(opsets: all, inputs: 1...1, types: floats) { node, _ in
                let legacy = node.opset < 13
                let axisAttribute = try node.int("axis", default: legacy ? 1 : -1)
                return { inputs, c in [try softmax(inputs[0]!, axis: axisAttribute, flattened: legacy, c)] }
            }],
            "Gemm": [OperatorSpec(opsets: all, inputs: 2...3, types: floats) { node, _ in
                let alpha = try node.float("alpha", default: 1), beta = try node.float("beta", default: 1)
                let transA = try node.int("transA", default: 0) != 0, transB = try node.int("transB", default: 0) != 0
                return { inputs, c in
                    [try gemm(inputs[0]!, inputs[1]!, inputs.count > 2 ? inputs[2] : nil, alpha: alpha, beta: beta, transA: transA, transB: transB, c)]
                }
            }],
            "MatMul": [OperatorSpec(opsets: all, inputs: 2...2, types: floats) { _, _ in
                { inputs, c in [try matMul(inputs[0]!, inputs[1]!, c)] }
            }],
            "ReduceMean": [OperatorSpec(opsets: all, inputs: 1...2, types: { n, t in
                try TypeRules.require(t, 1, [.int64])
                return try floats(n, t.prefix(1).map { $0 })
            }) { node, _ in
                let keepDims = try node.int("keepdims", default: 1) != 0
                let noopWhenEmpty = try node.int("noop_with_empty_axes", default: 0) != 0
                return { inputs, c in
                    let axes = try listInput(node, attribute: "axes", inputIndex: 1, inputSince: 18, inputs)
                    return [try reduceMean(inputs[0]!, axes: axes, keepDims: keepDims, noopWhenEmpty: noopWhenEmpty, c)]
                }
            }],
        ]
    }

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

    /// Per-channel `y = x * scale + shift` equivalent to inference BatchNormalization.
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

    static func softmax(_ x: TensorValue, axis axisAttribute: Int, flattened: Bool, _ c: ExecutionContext) throws -> TensorValue {
        let a = try axis(axisAttribute, rank: x.rank)
        let outer = x.shape[..<a].reduce(1, *)
        let (dim, inner) = flattened ? (x.shape[a...].reduce(1, *), 1) : (x.shape[a], x.shape[(a + 1)...].reduce(1, *))
        let out = c.output(x.shape)
        let xi = x.floats, o = out.floats
        c.parallelFor(outer * inner, cost: dim * 8) { range in
            for r in range {
                let base = (r / inner) * dim * inner + r % inner
                var m = -Float.infinity
                for k in 0..<dim { m = max(m, xi[base + k * inner]) }
                var sum: Float = 0
                for k in 0..<dim { let e = expf(xi[base + k * inner] - m); o[base + k * inner] = e; sum += e }
                let inv = 1 / sum
                for k in 0..<dim { o[base + k * inner] *= inv }
            }
        }
        return out
    }

    static func gemm(_ a: TensorValue, _ b: TensorValue, _ bias: TensorValue?, alpha: Float, beta: Float, transA: Bool, transB: Bool, _ c: ExecutionContext) throws -> TensorValue {
        guard a.rank == 2, b.rank == 2 else { throw KernelError("A \(a.shape) and B \(b.shape) must be matrices") }
        let m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1]
        let n = transB ? b.shape[0] : b.shape[1], kb = transB ? b.shape[1] : b.shape[0]
        guard k == kb else { throw KernelError("A \(a.shape) and B \(b.shape) do not multiply (transA \(transA), transB \(transB))") }
        let out = c.output([m, n])
        var betaUsed: Float = 0
        if let bias, beta != 0 {
            let bc = try Broadcast([bias.shape, [m, n]])
            guard bc.shape == [m, n] else { throw KernelError("C \(bias.shape) does not broadcast to [\(m), \(n)]") }
            let padded = Array(repeating: 1, count: 2 - bias.rank) + bias.shape
            StridedCopy.copy(from: bias.raw, to: out.raw, byteWidth: 4, shape: [m, n],
                             strides: [padded[0] == 1 ? 0 : padded[1], padded[1] == 1 ? 0 : 1], offset: 0)
            betaUsed = beta
        }
        c.flops.add(2 * Double(m * n * k))
        MatrixMultiply.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                            a: a.floats, lda: a.shape[1], b: b.floats, ldb: b.shape[1],
                            beta: betaUsed, c: out.floats, ldc: n, threads: c.threads)
        return out
    }

    static func matMul(_ a: TensorValue, _ b: TensorValue, _ c: ExecutionContext) throws -> TensorValue {
        guard a.rank >= 1, b.rank >= 1 else { throw KernelError("MatMul needs tensors of rank 1 or more") }
        let aShape = a.rank == 1 ? [1, a.shape[0]] : a.shape
        let bShape = b.rank == 1 ? [b.shape[0], 1] : b.shape
        let m = aShape[aShape.count - 2], k = aShape.last!, n = bShape.last!
        guard bShape[bShape.count - 2] == k else { throw KernelError("shapes \(a.shape) and \(b.shape) do not multiply") }
        let batch = try Broadcast.shape([Array(aShape.dropLast(2)), Array(bShape.dropLast(2))])
        var outShape = batch + [m, n]
        let out = c.output(outShape)
        let batches = batch.reduce(1, *)
        // Per-batch offsets through broadcasting (zero strides where broadcast).
        func offsets(_ s: [Int], _ matrix: Int) -> [Int] {
            let padded = Array(repeating: 1, count: batch.count - (s.count - 2)) + Array(s.dropLast(2))
            var st = [Int](repeating: 0, count: batch.count), running = matrix
            for k in stride(from: batch.count - 1, through: 0, by: -1) {
                st[k] = padded[k] == 1 ? 0 : running
                running *= padded[k]
            }
            return (0..<batches).map { idx in
                var rem = idx, off = 0
                for k in stride(from: batch.count - 1, through: 0, by: -1) { off += (rem % batch[k]) * st[k]; rem /= batch[k] }
                return off
            }
        }
        let ao = offsets(aShape, m * k), bo = offsets(bShape, k * n)
        c.flops.add(2 * Double(batches * m * n * k))
        for i in 0..<batches {
            MatrixMultiply.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1,
                                a: a.floats + ao[i], lda: k, b: b.floats + bo[i], ldb: n, beta: 0,
                                c: out.floats + i * m * n, ldc: n, threads: c.threads)
        }
        if a.rank == 1 { outShape.remove(at: outShape.count - 2) }
        if b.rank == 1 { outShape.removeLast() }
        return out.reshaped(outShape)
    }

    static func reduceMean(_ x: TensorValue, axes: [Int]?, keepDims: Bool, noopWhenEmpty: Bool, _ c: ExecutionContext) throws -> TensorValue {
        if (axes ?? []).isEmpty && noopWhenEmpty { return x }
        let reduced = try Set((axes?.isEmpty == false ? axes! : Array(0..<x.rank)).map { try axis($0, rank: x.rank) })
        let keptShape = x.shape.indices.map { reduced.contains($0) ? 1 : x.shape[$0] }
        let out = c.output(keptShape)
        let count = reduced.map { x.shape[$0] }.reduce(1, *)
        let o = out.floats
        for i in 0..<out.count { o[i] = 0 }
        // Walk the input once, accumulating into the output position with reduced axes zeroed.
        let outStrides = StridedCopy.strides(keptShape)
        let accumulate = x.shape.indices.map { reduced.contains($0) ? 0 : outStrides[$0] }
        var index = [Int](repeating: 0, count: x.rank)
        var target = 0
        let xi = x.floats
        for i in 0..<x.count {
            o[target] += xi[i]
            var k = x.rank - 1
            while k >= 0 {
                index[k] += 1
                target += accumulate[k]
                if index[k] < x.shape[k] { break }
                target -= accumulate[k] * x.shape[k]
                index[k] = 0
                k -= 1
            }
        }
        let scale = count > 0 ? 1 / Float(count) : .nan
        for i in 0..<out.count { o[i] *= scale }
        return keepDims ? out : out.reshaped(x.shape.indices.filter { !reduced.contains($0) }.map { x.shape[$0] })
    }
}

/// Kernel, strides, pads, dilations and ceil mode of a pooling node.
struct PoolAttributes {
    var kernel: [Int]
    var strides: [Int]?
    var dilations: [Int]?
    var pads: [Int]?
    var autoPad: String
    var ceilMode: Bool

    init(_ node: NodeAttributes) throws {
        guard let k = try node.ints("kernel_shape") else { throw node.invalid("attribute 'kernel_shape' is required") }
        kernel = k
        strides = try node.ints("strides")
        dilations = try node.ints("dilations")
        pads = try node.ints("pads")
        autoPad = node.string("auto_pad", default: "NOTSET")
        ceilMode = try node.int("ceil_mode", default: 0) != 0
    }

    func geometry(_ x: TensorValue) throws -> WindowGeometry {
        guard x.rank == kernel.count + 2 else { throw KernelError("input rank \(x.rank) does not match kernel \(kernel)") }
        return try WindowGeometry(input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations,
                                  pads: pads, autoPad: autoPad, ceilMode: ceilMode)
    }
}
