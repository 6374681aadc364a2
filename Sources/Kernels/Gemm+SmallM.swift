extension Gemm {
    /// Rows of op(A) up to which `multiplySmallM` is used: a fully connected layer at batch 1
    /// is a 1 × K by K × N product, where packing all of B would cost more than the product.
    static let smallRowLimit = 4

    /// Memory-bound, so plain multiply-then-add (no fused form, which is a libm call per lane
    /// on x86 builds without FMA flags).
    /// Row by row without packing: with B not transposed, C's row accumulates scaled rows of
    /// B (vector along N); with B transposed, each C element is a dot product of two
    /// contiguous rows. Columns are split over threads.
    static func multiplySmallM(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        let chunk = transB ? 16 : 256
        let chunks = (n + chunk - 1) / chunk
        let workers = Parallel.workerCount(items: chunks, threads: threads)
        let perWorker = (chunks + workers - 1) / workers * chunk
        Parallel.forEach(items: workers, threads: workers) { worker, _ in
            let j0 = worker * perWorker
            let j1 = min(n, j0 + perWorker)
            if j0 >= j1 { return }
            for i in 0..<m {
                let aRow = transA ? a + i : a + i * lda
                let aStride = transA ? lda : 1
                let cRow = c + i * ldc
                if transB {
                    for j in j0..<j1 {
                        let dot = Self.dot(aRow, stride: aStride, b + j * ldb, count: k)
                        cRow[j] = alpha * dot + (beta == 0 ? 0 : beta * cRow[j])
                    }
                } else {
                    axpyRows(
                        aRow: aRow, aStride: aStride, b: b + j0, ldb: ldb, k: k, count: j1 - j0,
                        alpha: alpha, beta: beta, c: cRow + j0)
                }
            }
        }
    }

    /// c[0..<count] = alpha · Σ_p a[p]·b[p·ldb + j] + beta · c.
    private static func axpyRows(
        aRow: UnsafePointer<Float>, aStride: Int, b: UnsafePointer<Float>, ldb: Int, k: Int, count: Int,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>
    ) {
        var j = 0
        // 64 columns at a time in four vector accumulators.
        while j + 64 <= count {
            var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
            for p in 0..<k {
                let x = SIMD16<Float>(repeating: aRow[p * aStride])
                let row = UnsafeRawPointer(b + p * ldb + j)
                s0 += x * row.loadUnaligned(as: SIMD16<Float>.self)
                s1 += x * row.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                s2 += x * row.loadUnaligned(fromByteOffset: 128, as: SIMD16<Float>.self)
                s3 += x * row.loadUnaligned(fromByteOffset: 192, as: SIMD16<Float>.self)
            }
            storeScaled(s0, c + j, alpha: alpha, beta: beta)
            storeScaled(s1, c + j + 16, alpha: alpha, beta: beta)
            storeScaled(s2, c + j + 32, alpha: alpha, beta: beta)
            storeScaled(s3, c + j + 48, alpha: alpha, beta: beta)
            j += 64
        }
        while j + 16 <= count {
            var s = SIMD16<Float>()
            for p in 0..<k {
                let row = UnsafeRawPointer(b + p * ldb + j)
                s += SIMD16<Float>(repeating: aRow[p * aStride]) * row.loadUnaligned(as: SIMD16<Float>.self)
            }
            storeScaled(s, c + j, alpha: alpha, beta: beta)
            j += 16
        }
        while j < count {
            var s: Float = 0
            for p in 0..<k { s += aRow[p * aStride] * b[p * ldb + j] }
            c[j] = alpha * s + (beta == 0 ? 0 : beta * c[j])
            j += 1
        }
    }

    @inline(__always)
    private static func storeScaled(_ s: SIMD16<Float>, _ c: UnsafeMutablePointer<Float>, alpha: Float, beta: Float) {
        let raw = UnsafeMutableRawPointer(c)
        var v = s * alpha
        if beta != 0 { v += beta * raw.loadUnaligned(as: SIMD16<Float>.self) }
        raw.storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Σ x[p·xStride]·y[p] with y contiguous.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, stride: Int, _ y: UnsafePointer<Float>, count: Int) -> Float {
        var p = 0
        var total: Float = 0
        if stride == 1 {
            var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
            while p + 32 <= count {
                let xr = UnsafeRawPointer(x + p), yr = UnsafeRawPointer(y + p)
                s0 += xr.loadUnaligned(as: SIMD16<Float>.self) * yr.loadUnaligned(as: SIMD16<Float>.self)
                s1 += xr.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                    * yr.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                p += 32
            }
            total = (s0 + s1).sum()
        }
        while p < count {
            total += x[p * stride] * y[p]
            p += 1
        }
        return total
    }
}
