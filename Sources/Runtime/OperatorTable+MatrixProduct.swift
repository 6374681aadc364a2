import Foundation
import ONNXIR

/// Matrix products: Gemm and MatMul.
extension Operators {
    static let gemm = OperatorDefinition("Gemm", [
        OperatorSpec(inputs: 2...3, types: floats) { node, _ in
            let alpha = try node.float("alpha", default: 1), beta = try node.float("beta", default: 1)
            let transA = try node.int("transA", default: 0) != 0, transB = try node.int("transB", default: 0) != 0
            return { inputs, c in
                [try OperatorTable.gemm(try inputs[0], try inputs[1], inputs.optional(2), alpha: alpha, beta: beta, transA: transA, transB: transB, c)]
            }
        },
    ])

    static let matMul = OperatorDefinition("MatMul", [
        OperatorSpec(inputs: 2...2, types: floats) { _, _ in
            { inputs, c in [try OperatorTable.matMul(try inputs[0], try inputs[1], c)] }
        },
    ])
}

extension OperatorTable {
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
        if a.rank > 2, b.rank == 2, a.shape.last == b.shape[0] {
            // Linear layers on feature maps ([N, H, W, C] × [C, D], ConvNeXt): the leading
            // dims of A are rows of one GEMM, not a batch of small ones.
            let rows = a.count / max(b.shape[0], 1)
            let product = try matMul(a.reshaped([rows, b.shape[0]]), b, c)
            return product.reshaped(Array(a.shape.dropLast()) + [b.shape[1]])
        }
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
}
