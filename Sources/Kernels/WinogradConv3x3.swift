/// A 3×3, stride-1 convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// Each 2×2 block of outputs comes from a 4×4 input tile: with the tile transformed
/// (V = Bᵀ d B) and the filter transformed once (U = G g Gᵀ), the 36 multiply-adds per
/// 2×2 outputs and input channel become 16, done as 16 independent GEMMs
/// `M_ξ[outChannels × tiles] = U_ξ[outChannels × inChannels] · V_ξ[inChannels × tiles]`,
/// after which Y = Aᵀ M A gives the outputs, with bias, residual and activation.
/// 2.25× fewer multiplications than the direct form, for transforms that cost a few adds
/// per value; the transforms' coefficients (0, ±1, ±½) keep float32 rounding close to the
/// direct sum's.
final class WinogradConv3x3: @unchecked Sendable {
    let shape: Conv2DShape
    /// U_ξ for ξ in 0..<16, each outChannels × inChannels, packed as micro-kernel panels in
    /// depth blocks of `depthBlock` (block-major, like `Conv2D`'s weights).
    private let transformedWeights: UnsafeMutablePointer<Float>
    private let panelFloats: Int
    static let depthBlock = 256
    static let columnBlock = 16 * 13
    private let bias: UnsafePointer<Float>?
    let tileRows: Int
    let tileColumns: Int
    /// Width of one column phase of a stored input row (tiles + 1, rounded so 8-tile vector
    /// loads past the last tile stay inside the row).
    let phaseWidth: Int
    let paddedRows: Int

    /// Whether `s` suits this form: 3×3, stride 1, no dilation, one group, and at least 64
    /// input and output channels, so that the 16 GEMMs, not the transforms, dominate.
    /// (Measured with kernel-bench: 1.4–1.6× faster for 80–512 channels at 7×7–73×73, a
    /// little faster at 64, slower for the 32-channel stem convolutions.)
    static func suits(_ s: Conv2DShape) -> Bool {
        s.kernelHeight == 3 && s.kernelWidth == 3 && s.strideHeight == 1 && s.strideWidth == 1
            && s.dilationHeight == 1 && s.dilationWidth == 1 && s.groups == 1
            && s.inChannels >= 64 && s.outChannels >= 64
    }

    /// The micro-kernel the transformed weights are packed for.
    let microKernel: MicroKernel

    init(shape s: Conv2DShape, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, microKernel: MicroKernel) {
        shape = s
        self.microKernel = microKernel
        let mr = microKernel.rows
        self.bias = bias
        tileRows = (s.outHeight + 1) / 2
        tileColumns = (s.outWidth + 1) / 2
        phaseWidth = (tileColumns + 7) / 8 * 8 + 1
        paddedRows = 2 * tileRows + 2
        let m = s.outChannels, c = s.inChannels
        let plain = UnsafeMutablePointer<Float>.allocate(capacity: 16 * m * c)
        defer { plain.deallocate() }
        let transformedWeights = plain
        for o in 0..<m {
            for i in 0..<c {
                let g = weights + (o * c + i) * 9
                // G g (4×3), then (G g) Gᵀ (4×4); G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1].
                var gg = [Float](repeating: 0, count: 12)
                for col in 0..<3 {
                    let g0 = g[col], g1 = g[3 + col], g2 = g[6 + col]
                    gg[col] = g0
                    gg[3 + col] = 0.5 * (g0 + g1 + g2)
                    gg[6 + col] = 0.5 * (g0 - g1 + g2)
                    gg[9 + col] = g2
                }
                for row in 0..<4 {
                    let r0 = gg[row * 3], r1 = gg[row * 3 + 1], r2 = gg[row * 3 + 2]
                    let u = [r0, 0.5 * (r0 + r1 + r2), 0.5 * (r0 - r1 + r2), r2]
                    for col in 0..<4 { transformedWeights[((row * 4 + col) * m + o) * c + i] = u[col] }
                }
            }
        }
        panelFloats = PackedPanels.floatCount(rows: m, depth: c, panelRows: mr)
        self.transformedWeights = .allocate(capacity: 16 * panelFloats)
        let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: mr) * mr
        for xi in 0..<16 {
            var k0 = 0
            while k0 < c {
                let kc = min(Self.depthBlock, c - k0)
                PackedPanels.pack(
                    rows: m, depth: kc, panelRows: mr, source: plain + xi * m * c + k0, rowStride: c, depthStride: 1,
                    into: self.transformedWeights + xi * panelFloats + k0 * rowsPadded)
                k0 += kc
            }
        }
    }

    deinit { transformedWeights.deallocate() }


    /// Tile rows transformed, multiplied and written back together: about one GEMM column
    /// block of tiles, so the transformed inputs and products of a block stay in cache and the
    /// scratch memory stays small whatever the image size.
    var blockRows: Int { max(1, min(tileRows, Self.columnBlock / tileColumns)) }

    func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int
    ) {
        let s = shape
        let m = s.outChannels, c = s.inChannels
        let rowFloats = 2 * phaseWidth
        let paddedFloats = c * paddedRows * rowFloats
        let blockTiles = blockRows * tileColumns
        ScratchPool.shared.withBuffers(count: 3, floats: max(paddedFloats, 16 * c * blockTiles, 16 * m * blockTiles)) { buffers in
            let padded = buffers[0], transformedInput = buffers[1], products = buffers[2]
            for image in 0..<s.batch {
                let x = input + image * c * s.inHeight * s.inWidth
                Parallel.forEach(items: c, threads: threads) { channel, _ in
                    copyPhases(x + channel * s.inHeight * s.inWidth, into: padded + channel * paddedRows * rowFloats)
                }
                let y = output + image * m * s.outHeight * s.outWidth
                let r = residual.map { $0 + image * m * s.outHeight * s.outWidth }
                var ty0 = 0
                while ty0 < tileRows {
                    let rows = ty0..<min(tileRows, ty0 + blockRows)
                    let tiles = rows.count * tileColumns
                    Parallel.forEach(items: c, threads: threads) { channel, _ in
                        transformInput(
                            padded + channel * paddedRows * rowFloats, channel: channel, tileRows: rows, tiles: tiles,
                            into: transformedInput)
                    }
                    multiplyAll(transformedInput, tiles: tiles, into: products, threads: threads)
                    Parallel.forEach(items: m, threads: threads) { channel, _ in
                        transformOutput(
                            products, channel: channel, tileRows: rows, tiles: tiles, output: y, residual: r,
                            activation: activation)
                    }
                    ty0 = rows.upperBound
                }
            }
        }
    }

    /// The 16 products M_ξ = U_ξ · V_ξ over `tiles` tiles, work items (ξ, column block)
    /// spread over the threads.
    private func multiplyAll(_ v: UnsafePointer<Float>, tiles p: Int, into products: UnsafeMutablePointer<Float>, threads: Int) {
        let m = shape.outChannels, c = shape.inChannels
        let columnBlocks = (p + Self.columnBlock - 1) / Self.columnBlock
        let items = 16 * columnBlocks
        let workers = Parallel.workerCount(items: items, threads: threads)
        let kc0 = min(c, Self.depthBlock)
        let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: microKernel.rows) * microKernel.rows
        ScratchPool.shared.withBuffers(count: workers, floats: kc0 * Self.columnBlock) { workspaces in
            Parallel.forEach(items: items, threads: workers) { item, worker in
                let xi = item / columnBlocks
                let column0 = (item % columnBlocks) * Self.columnBlock
                let columns = min(Self.columnBlock, p - column0)
                let packedB = workspaces[worker]
                let epilogue = TileEpilogue(c: products + xi * m * p, ldc: p)
                var k0 = 0
                while k0 < c {
                    let kc = min(Self.depthBlock, c - k0)
                    Gemm.packStrips(
                        source: v + (xi * c + k0) * p + column0, depthStride: p, columnStride: 1,
                        depth: kc, columns: columns, into: packedB)
                    let blockPanels = UnsafePointer(transformedWeights + xi * panelFloats + k0 * rowsPadded)
                    microKernel.multiplyPanels(
                        depth: kc, panels: blockPanels, rows: 0..<m, strips: packedB, firstColumn: column0,
                        columns: columns, epilogue: epilogue, first: k0 == 0, last: k0 + kc == c)
                    k0 += kc
                }
            }
        }
    }

    /// One input plane as zero-bordered rows (2·tileRows + 2 of them, starting `padTop` above
    /// the input), each stored as its even columns then its odd columns (`phaseWidth` each),
    /// so that column j of the tiles tx…tx+7 is one contiguous 8-float load.
    private func copyPhases(_ plane: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        let s = shape
        let rowFloats = 2 * phaseWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rowFloats + 32) { buffer in
            // One zero-bordered input row; the borders stay zero.
            let line = buffer.baseAddress!
            line.update(repeating: 0, count: rowFloats + 32)
            let width = min(s.inWidth, rowFloats - s.padLeft)
            for y in 0..<paddedRows {
                let row = out + y * rowFloats
                let iy = y - s.padTop
                if iy < 0 || iy >= s.inHeight {
                    row.update(repeating: 0, count: rowFloats)
                    continue
                }
                if width > 0 { (line + s.padLeft).update(from: plane + iy * s.inWidth, count: width) }
                ColumnSource.splitEvenOdd(line, even: row, evenCount: phaseWidth, odd: row + phaseWidth, oddCount: phaseWidth)
            }
        }
    }

    /// V = Bᵀ d B for every tile of one channel, in C (`CKWinogradInput`, 8 tiles per vector;
    /// Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]). Writes V_ξ[channel][tile] for the 16 ξ.
    private func transformInput(
        _ padded: UnsafePointer<Float>, channel: Int, tileRows rows: Range<Int>, tiles p: Int,
        into v: UnsafeMutablePointer<Float>
    ) {
        microKernel.winogradInput(
            padded: padded, phaseWidth: phaseWidth, tileRows: rows, tileColumns: tileColumns,
            into: v + channel * p, xiStride: shape.inChannels * p)
    }

    /// Y = Aᵀ M A for every tile of one output channel, Aᵀ = [1 1 1 0; 0 1 -1 -1], then bias,
    /// residual and activation, in C (clamp-type activations there, others after it over the
    /// rows written); outputs past the edge (odd sizes) are dropped.
    private func transformOutput(
        _ products: UnsafePointer<Float>, channel: Int, tileRows rows: Range<Int>, tiles p: Int,
        output: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, activation: Activation
    ) {
        let s = shape
        let oh = s.outHeight, ow = s.outWidth
        let out = output + channel * oh * ow
        microKernel.winogradOutput(
            products: products + channel * p, xiStride: s.outChannels * p, tileRows: rows, tileColumns: tileColumns,
            bias: bias?[channel] ?? 0, output: out, residual: residual.map { $0 + channel * oh * ow },
            outHeight: oh, outWidth: ow, activation: activation)
    }
}
