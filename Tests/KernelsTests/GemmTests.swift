import Kernels
import Testing

struct GemmCase: CustomTestStringConvertible, Sendable {
    var m: Int, n: Int, k: Int
    var transA = false, transB = false
    var alpha: Float = 1, beta: Float = 0
    /// Extra columns in each leading dimension, to catch lda/ldb/ldc mix-ups.
    var padding = 0
    var threads = 1
    var testDescription: String {
        "m\(m) n\(n) k\(k) tA\(transA) tB\(transB) α\(alpha) β\(beta) pad\(padding) t\(threads)"
    }
}

let gemmCases: [GemmCase] = [
    GemmCase(m: 1, n: 1, k: 1),
    GemmCase(m: 6, n: 16, k: 8),
    GemmCase(m: 7, n: 17, k: 5),
    GemmCase(m: 1, n: 37, k: 300, transB: true),
    GemmCase(m: 13, n: 5, k: 3, transA: true),
    GemmCase(m: 9, n: 33, k: 20, transA: true, transB: true, alpha: 0.5, beta: 2, padding: 3),
    GemmCase(m: 20, n: 200, k: 270, beta: 1, padding: 1),
    GemmCase(m: 100, n: 50, k: 40, alpha: -1, beta: 0.25, threads: 2),
    GemmCase(m: 4, n: 400, k: 9, transB: true, padding: 2, threads: 2),
    GemmCase(m: 5, n: 6, k: 0, beta: 0.5),
    // Small m (fully connected at batch 1..4): the unpacked path, vector and scalar tails.
    GemmCase(m: 1, n: 150, k: 70),
    GemmCase(m: 2, n: 83, k: 33, transB: true, alpha: 2, beta: 0.5, padding: 1),
    GemmCase(m: 3, n: 40, k: 17, transA: true, beta: 1, padding: 2, threads: 2),
    GemmCase(m: 4, n: 300, k: 5, transA: true, transB: true, threads: 2),
    // B streamed in column bands of 1024 (`axpyRows`): several bands, k not a multiple of 4.
    GemmCase(m: 1, n: 2100, k: 23, alpha: 0.5, beta: 1, padding: 3, threads: 2),
    GemmCase(m: 2, n: 1030, k: 6, transA: true, padding: 1),
    // B's rows split over the threads into partial sums (k ≥ 256 per thread, n within one
    // band): a classifier's shape, an odd k, A transposed, alpha and beta, batch 3.
    GemmCase(m: 1, n: 1000, k: 2048, threads: 2),
    GemmCase(m: 3, n: 77, k: 1031, transA: true, alpha: 0.5, beta: 2, padding: 2, threads: 2),
    // Whole 8 × 32 and 6 × 16 tiles, and partial ones in both directions past them.
    GemmCase(m: 8, n: 32, k: 19),
    GemmCase(m: 24, n: 48, k: 300, beta: 0.5, padding: 1),
    GemmCase(m: 17, n: 47, k: 600, alpha: 1.5, beta: 1, threads: 2),
]

@Test("Gemm matches the scalar reference with every micro-kernel this CPU runs", arguments: gemmCases, MicroKernel.supported)
func gemmMatchesReference(_ g: GemmCase, _ kernel: MicroKernel) {
    let aRows = g.transA ? g.k : g.m, aCols = g.transA ? g.m : g.k
    let bRows = g.transB ? g.n : g.k, bCols = g.transB ? g.k : g.n
    let lda = aCols + g.padding, ldb = bCols + g.padding, ldc = g.n + g.padding
    var values = SeededValues(seed: UInt64(g.m * 1000 + g.n * 10 + g.k))
    let a = values.array(max(1, aRows * lda))
    let b = values.array(max(1, bRows * ldb))
    let c0 = values.array(g.m * ldc)
    var expected = c0
    var actual = c0
    ReferenceKernels.gemm(
        transA: g.transA, transB: g.transB, m: g.m, n: g.n, k: g.k, alpha: g.alpha,
        a: a, lda: lda, b: b, ldb: ldb, beta: g.beta, c: &expected, ldc: ldc)
    Gemm.multiply(
        transA: g.transA, transB: g.transB, m: g.m, n: g.n, k: g.k, alpha: g.alpha,
        a: a, lda: lda, b: b, ldb: ldb, beta: g.beta, c: &actual, ldc: ldc, threads: g.threads,
        microKernel: kernel)
    #expect(worstViolation(actual, expected) <= 1)
}

@Test("Gemm with beta 0 ignores NaN in C", arguments: MicroKernel.supported)
func gemmBetaZeroIgnoresOldC(_ kernel: MicroKernel) {
    let a: [Float] = [1, 2, 3, 4]
    let b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: .nan, count: 4)
    Gemm.multiply(
        transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a: a, lda: 2, b: b, ldb: 2,
        beta: 0, c: &c, ldc: 2, threads: 1, microKernel: kernel)
    #expect(c == [19, 22, 43, 50])
}
