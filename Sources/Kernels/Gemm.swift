/// General matrix multiply (ONNX `Gemm` / `MatMul`, BLAS `sgemm` semantics):
/// `C[m×n] = alpha · op(A) · op(B) + beta · C`, all row-major with leading dimensions.
/// `op(A)` is m×k (A is k×m when `transA`), `op(B)` is k×n (B is n×k when `transB`).
/// With `beta == 0`, C is write-only (its old contents, even NaN, are ignored).
public enum Gemm {
    static let depthBlock = 256
    static let columnBlock = 16 * 12
    /// Rows of A packed at a time: 16 panels.
    static func rowBlock(_ kernel: MicroKernel) -> Int { kernel.rows * 16 }

    /// - Parameter microKernel: the variant to run (tests pin each one the CPU supports).
    public static func multiply(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int,
        microKernel: MicroKernel = .preferred
    ) {
        if m <= 0 || n <= 0 { return }
        if k <= 0 || alpha == 0 {
            scale(c: c, m: m, n: n, ldc: ldc, beta: beta)
            return
        }
        if m <= smallRowLimit {
            multiplySmallM(
                transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                beta: beta, c: c, ldc: ldc, threads: threads)
            return
        }
        let mr = microKernel.rows
        let rowBlock = rowBlock(microKernel)
        let columnBlocks = (n + columnBlock - 1) / columnBlock
        let rowChunks = columnBlocks >= 2 * threads ? 1 : min((m + rowBlock - 1) / rowBlock, 2 * threads)
        let rowsPerChunk = ((m + rowChunks - 1) / rowChunks + mr - 1) / mr * mr
        let items = columnBlocks * rowChunks
        let kc0 = min(k, depthBlock)
        let workspaceFloats = kc0 * columnBlock + PackedPanels.floatCount(rows: rowBlock, depth: kc0, panelRows: mr)
        let workers = Parallel.workerCount(items: items, threads: threads)
        let epilogue = TileEpilogue(c: c, ldc: ldc, alpha: alpha, beta: beta)
        // A element (i, p) and B element (p, j) as strides.
        let aRow = transA ? 1 : lda, aDepth = transA ? lda : 1
        let bDepth = transB ? 1 : ldb, bColumn = transB ? ldb : 1
        let call = Call(
            m: m, n: n, k: k, a: a, b: b, aRow: aRow, aDepth: aDepth, bDepth: bDepth, bColumn: bColumn,
            depthBlock: kc0, rowsPerChunk: rowsPerChunk, rowChunks: rowChunks, epilogue: epilogue,
            microKernel: microKernel)
        Parallel.forEach(items: items, threads: workers) { item, _ in
            ScratchPool.local.withBuffers(count: 1, floats: workspaceFloats) { workspace in
                call.run(item: item, workspace: workspace[0])
            }
        }
    }

    /// One multiply's operands and blocking; `run` computes one work item (a column block of C,
    /// or a chunk of its rows).
    private struct Call {
        var m, n, k: Int
        var a, b: UnsafePointer<Float>
        /// Strides of A element (i, p) and B element (p, j).
        var aRow, aDepth, bDepth, bColumn: Int
        var depthBlock, rowsPerChunk, rowChunks: Int
        var epilogue: TileEpilogue
        var microKernel: MicroKernel

        func run(item: Int, workspace: UnsafeMutablePointer<Float>) {
            let chunk = item % rowChunks
            let columnStart = (item / rowChunks) * Gemm.columnBlock
            let columns = min(Gemm.columnBlock, n - columnStart)
            let rowStart = chunk * rowsPerChunk
            let rowEnd = min(m, rowStart + rowsPerChunk)
            if rowStart >= rowEnd { return }
            let packedB = workspace
            let packedA = packedB + depthBlock * Gemm.columnBlock
            let rowBlock = Gemm.rowBlock(microKernel)
            var k0 = 0
            while k0 < k {
                let kc = min(depthBlock, k - k0)
                Gemm.packStrips(
                    source: b + k0 * bDepth + columnStart * bColumn, depthStride: bDepth, columnStride: bColumn,
                    depth: kc, columns: columns, into: packedB)
                var m0 = rowStart
                while m0 < rowEnd {
                    let rows = min(rowBlock, rowEnd - m0)
                    PackedPanels.pack(
                        rows: rows, depth: kc, panelRows: microKernel.rows, source: a + m0 * aRow + k0 * aDepth,
                        rowStride: aRow, depthStride: aDepth, into: packedA)
                    microKernel.multiplyPanels(
                        depth: kc, panels: packedA,
                        rows: m0..<(m0 + rows), strips: packedB, firstColumn: columnStart, columns: columns,
                        epilogue: epilogue, first: k0 == 0, last: k0 + kc == k)
                    m0 += rows
                }
                k0 += kc
            }
        }
    }

    /// Packs a depth × columns block of B (element (p, j) at p·depthStride + j·columnStride)
    /// into 16-column strips, zero-padding the last one.
    static func packStrips(
        source: UnsafePointer<Float>, depthStride: Int, columnStride: Int,
        depth: Int, columns: Int, into packed: UnsafeMutablePointer<Float>
    ) {
        let strips = (columns + 15) / 16
        for strip in 0..<strips {
            let out = packed + strip * depth * 16
            let j0 = strip * 16
            let count = min(16, columns - j0)
            if columnStride == 1 && count == 16 {
                for p in 0..<depth {
                    let v = UnsafeRawPointer(source + p * depthStride + j0).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(out + p * 16).storeBytes(of: v, as: SIMD16<Float>.self)
                }
            } else {
                for p in 0..<depth {
                    let row = source + p * depthStride
                    for j in 0..<16 {
                        out[p * 16 + j] = j < count ? row[(j0 + j) * columnStride] : 0
                    }
                }
            }
        }
    }

    private static func scale(c: UnsafeMutablePointer<Float>, m: Int, n: Int, ldc: Int, beta: Float) {
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
        }
    }
}
