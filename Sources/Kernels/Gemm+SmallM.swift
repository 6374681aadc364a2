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
        if !transB, threads > 1, k >= 256 * threads, n <= axpyBand {
            multiplySmallMSplittingDepth(
                transA: transA, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc, threads: threads)
            return
        }
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

    /// `multiplySmallM` with B not transposed, its rows split over the threads: each thread reads
    /// one contiguous block of B front to back (a classifier's 2048 × 1000 weights, 8 MB from
    /// memory) into partial sums of every column, added up at the end. Split by columns, each
    /// thread read half of every row, a short stream per 4 KB page that the prefetchers picked
    /// up late: ResNet50's batch-1 MatMul took 0.6 ms on two threads.
    private static func multiplySmallMSplittingDepth(
        transA: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) {
        let parts = threads
        let aStride = transA ? lda : 1
        ScratchPool.shared.withBuffers(count: 1, floats: parts * m * n) { buffers in
            let partial = buffers[0]
            Parallel.forEach(items: parts, threads: parts) { part, _ in
                let p0 = part * k / parts, p1 = (part + 1) * k / parts
                for i in 0..<m {
                    let aRow = (transA ? a + i : a + i * lda) + p0 * aStride
                    axpyRows(
                        aRow: aRow, aStride: aStride, b: b + p0 * ldb, ldb: ldb, k: p1 - p0, count: n,
                        alpha: 1, beta: 0, c: partial + (part * m + i) * n)
                }
            }
            for i in 0..<m {
                let cRow = c + i * ldc
                for j in 0..<n {
                    var sum: Float = 0
                    for part in 0..<parts { sum += partial[(part * m + i) * n + j] }
                    cRow[j] = alpha * sum + (beta == 0 ? 0 : beta * cRow[j])
                }
            }
        }
    }

    /// c[0..<count] = alpha · Σ_p a[p]·b[p·ldb + j] + beta · c.
    ///
    /// B streams row by row, four rows per pass, into a band of column sums held in L1 (up to
    /// `axpyBand` columns): B is read once, in address order. (Walking all k rows per group of
    /// columns instead touched one 4 KB-strided line per row: a TLB miss per row on a
    /// 2048 × 1000 classifier, 0.9 ms for ResNet50's batch-1 MatMul.)
    private static func axpyRows(
        aRow: UnsafePointer<Float>, aStride: Int, b: UnsafePointer<Float>, ldb: Int, k: Int, count: Int,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: min(count, axpyBand) + 16) { buffer in
            let sums = buffer.baseAddress!
            var j0 = 0
            while j0 < count {
                let width = min(axpyBand, count - j0)
                sums.update(repeating: 0, count: width)
                var p = 0
                while p + 4 <= k {
                    let x0 = aRow[p * aStride], x1 = aRow[(p + 1) * aStride]
                    let x2 = aRow[(p + 2) * aStride], x3 = aRow[(p + 3) * aStride]
                    let r0 = b + p * ldb + j0
                    let r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb
                    var j = 0
                    while j + 16 <= width {
                        let t = UnsafeMutableRawPointer(sums + j)
                        let b0 = UnsafeRawPointer(r0 + j).loadUnaligned(as: SIMD16<Float>.self)
                        let b1 = UnsafeRawPointer(r1 + j).loadUnaligned(as: SIMD16<Float>.self)
                        let b2 = UnsafeRawPointer(r2 + j).loadUnaligned(as: SIMD16<Float>.self)
                        let b3 = UnsafeRawPointer(r3 + j).loadUnaligned(as: SIMD16<Float>.self)
                        let low: SIMD16<Float> = x0 * b0 + x1 * b1
                        let high: SIMD16<Float> = x2 * b2 + x3 * b3
                        t.storeBytes(of: t.loadUnaligned(as: SIMD16<Float>.self) + (low + high), as: SIMD16<Float>.self)
                        j += 16
                    }
                    while j < width {
                        let low: Float = x0 * r0[j] + x1 * r1[j]
                        let high: Float = x2 * r2[j] + x3 * r3[j]
                        sums[j] += low + high
                        j += 1
                    }
                    p += 4
                }
                while p < k {
                    let x = aRow[p * aStride]
                    let row = b + p * ldb + j0
                    for j in 0..<width { sums[j] += x * row[j] }
                    p += 1
                }
                var j = 0
                while j + 16 <= width {
                    storeScaled(UnsafeRawPointer(sums + j).loadUnaligned(as: SIMD16<Float>.self), c + j0 + j, alpha: alpha, beta: beta)
                    j += 16
                }
                while j < width {
                    c[j0 + j] = alpha * sums[j] + (beta == 0 ? 0 : beta * c[j0 + j])
                    j += 1
                }
                j0 += width
            }
        }
    }

    /// Columns of C summed per pass over B in `axpyRows` (4 KB of sums: L1 with room for B's lines).
    static let axpyBand = 1024

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
