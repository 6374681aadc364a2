import Kernels
/// Row-major `C = alpha * op(A) * op(B) + beta * C` behind Gemm, MatMul and the convolution
/// fallback: the Kernels module's packed GEMM; `referenceGemm` is the plain loop for tests.
enum MatrixMultiply {
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                     a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int) {
        Gemm.multiply(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: c, ldc: ldc, threads: threads)
    }

    /// Plain loops (i-p-j order so the inner loop is contiguous in B and C).
    static func referenceGemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        var packedB: [Float] = []
        var bp = b, ldbp = ldb
        if transB {
            packedB = [Float](repeating: 0, count: k * n)
            for p in 0..<k { for j in 0..<n { packedB[p * n + j] = b[j * ldb + p] } }
        }
        packedB.withUnsafeBufferPointer { packed in
            if transB { bp = packed.baseAddress!; ldbp = n }
            for i in 0..<m {
                let row = c + i * ldc
                if beta == 0 { for j in 0..<n { row[j] = 0 } } else if beta != 1 { for j in 0..<n { row[j] *= beta } }
                for p in 0..<k {
                    let av = alpha * (transA ? a[p * lda + i] : a[i * lda + p])
                    let brow = bp + p * ldbp
                    for j in 0..<n { row[j] += av * brow[j] }
                }
            }
        }
    }
}
