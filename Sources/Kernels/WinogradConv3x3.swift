/// A 3×3, stride-1 convolution by Winograd's minimal filtering F(m×m, 3×3), m = 2 or 4
/// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// Each m×m block of outputs comes from an n×n input tile, n = m + 2: with the tile transformed
/// (V = Bᵀ d B) and the filter transformed once (U = G g Gᵀ), the 9m² multiply-adds per block
/// and input channel become n², done as n² independent GEMMs
/// `M_ξ[outChannels × tiles] = U_ξ[outChannels × inChannels] · V_ξ[inChannels × tiles]`,
/// after which Y = Aᵀ M A gives the outputs, with bias, residual and activation.
/// - F(2×2): 16 GEMMs, 2.25× fewer multiplications than the direct form; the transforms'
///   coefficients (0, ±1, ±½) keep float32 rounding close to the direct sum's.
/// - F(4×4): 36 GEMMs, 4× fewer; points 0, ±1, ±2, ∞, whose larger coefficients (up to 8 in
///   Aᵀ, 5 in Bᵀ, 1/24 in G) cost about 10× F(2×2)'s float32 rounding error (see
///   `ConvolutionAlgorithm` for where it is used).
final class WinogradConv3x3: @unchecked Sendable {
    let shape: Conv2DShape
    /// m: outputs per tile side (2 or 4).
    let outputTile: Int
    /// n = m + 2: inputs per tile side.
    var inputTile: Int { outputTile + 2 }
    /// n²: the number of GEMMs (ξ).
    var transformCount: Int { inputTile * inputTile }
    /// U_ξ for every ξ, packed, and the n² GEMMs.
    private let gemms: WinogradProducts
    /// Tiles per GEMM column block (and about per tile-row block, see `blockRows`): F(4×4)'s
    /// 36 transformed planes take fewer tiles (kernel-bench: 128 tiles within 5% of the best of
    /// 64–256 on the ResNet / Inception shapes).
    let columnBlock: Int
    private let bias: UnsafePointer<Float>?
    let tileRows: Int
    let tileColumns: Int
    /// Width of one column phase of a stored input row (tiles + 1, rounded so 8-tile vector
    /// loads past the last tile stay inside the row). A stored row holds m phases.
    let phaseWidth: Int
    let paddedRows: Int

    /// The micro-kernel the transformed weights are packed for.
    let microKernel: MicroKernel

    /// U_ξ = (G g Gᵀ)_ξ of every filter for F(2×2, 3×3), G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1], in
    /// float: `plain[(ξ·m + o)·c + i]`.
    private static func transformFiltersF2(
        _ weights: UnsafePointer<Float>, outChannels m: Int, inChannels c: Int, into plain: UnsafeMutablePointer<Float>
    ) {
        var gg = [Float](repeating: 0, count: 12)
        for o in 0..<m {
            for i in 0..<c {
                let g = weights + (o * c + i) * 9
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
                    for col in 0..<4 { plain[((row * 4 + col) * m + o) * c + i] = u[col] }
                }
            }
        }
    }

    /// The same for F(4×4, 3×3), G (6×3) rows [¼ 0 0], [-⅙ -⅙ -⅙], [-⅙ ⅙ -⅙], [1/24 1/12 ⅙],
    /// [1/24 -1/12 ⅙], [0 0 1]: computed in Double and rounded once (G's sixths and 24ths are
    /// not exact in float).
    private static func transformFiltersF4(
        _ weights: UnsafePointer<Float>, outChannels m: Int, inChannels c: Int, into plain: UnsafeMutablePointer<Float>
    ) {
        let sixth: Double = 1.0 / 6, twelfth: Double = 1.0 / 12, twentyFourth: Double = 1.0 / 24
        let g: [[Double]] = [
            [0.25, 0, 0], [-sixth, -sixth, -sixth], [-sixth, sixth, -sixth],
            [twentyFourth, twelfth, sixth], [twentyFourth, -twelfth, sixth], [0, 0, 1],
        ]
        var gw = [Double](repeating: 0, count: 18)
        for o in 0..<m {
            for i in 0..<c {
                let w = weights + (o * c + i) * 9
                // G w (6×3), then (G w) Gᵀ (6×6).
                for row in 0..<6 {
                    for col in 0..<3 {
                        let a = g[row][0] * Double(w[col]), b = g[row][1] * Double(w[3 + col])
                        gw[row * 3 + col] = a + b + g[row][2] * Double(w[6 + col])
                    }
                }
                for row in 0..<6 {
                    for col in 0..<6 {
                        let a = gw[row * 3] * g[col][0], b = gw[row * 3 + 1] * g[col][1]
                        plain[((row * 6 + col) * m + o) * c + i] = Float(a + b + gw[row * 3 + 2] * g[col][2])
                    }
                }
            }
        }
    }

    /// - Parameter outputTile: m, 2 or 4.
    init(
        shape s: Conv2DShape, outputTile: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        microKernel: MicroKernel
    ) {
        precondition(outputTile == 2 || outputTile == 4, "Winograd F(m×m, 3×3) is built for m = 2 or 4")
        shape = s
        self.outputTile = outputTile
        self.microKernel = microKernel
        columnBlock = outputTile == 2 ? 16 * 13 : 16 * 8
        self.bias = bias
        tileRows = (s.outHeight + outputTile - 1) / outputTile
        tileColumns = (s.outWidth + outputTile - 1) / outputTile
        phaseWidth = (tileColumns + 7) / 8 * 8 + 1
        paddedRows = outputTile * tileRows + 2
        let n = outputTile + 2, xiCount = n * n
        let m = s.outChannels, c = s.inChannels
        let plain = UnsafeMutablePointer<Float>.allocate(capacity: xiCount * m * c)
        defer { plain.deallocate() }
        if outputTile == 2 {
            Self.transformFiltersF2(weights, outChannels: m, inChannels: c, into: plain)
        } else {
            Self.transformFiltersF4(weights, outChannels: m, inChannels: c, into: plain)
        }
        gemms = WinogradProducts(plain: plain, transformCount: xiCount, outChannels: m, inChannels: c, microKernel: microKernel)
    }


    /// Tile rows transformed, multiplied and written back together: about one GEMM column
    /// block of tiles, so the transformed inputs and products of a block stay in cache and the
    /// scratch memory stays small whatever the image size.
    var blockRows: Int { max(1, min(tileRows, columnBlock / tileColumns)) }

    /// Groups of tile rows for threads that do not share a cache (`CoreDistance`): each group
    /// is run whole by one thread (input transform, GEMMs, output transform), so V and M never
    /// cross cores. About `blockRows` rows each, at least one group per thread and a multiple of
    /// the thread count where the rows allow; group i holds rows ⌊i·R/n⌋ ..< ⌊(i+1)·R/n⌋, so
    /// groups differ by one row at most.
    func tileRowGroups(threads: Int) -> Int {
        let groups = max((tileRows + blockRows - 1) / blockRows, threads)
        return min(tileRows, (groups + threads - 1) / threads * threads)
    }

    /// The tile rows of group `i` of `count`.
    func tileRows(ofGroup i: Int, of count: Int) -> Range<Int> {
        (i * tileRows / count)..<((i + 1) * tileRows / count)
    }

    /// Whether whole groups per thread pay on different dies: each thread then reads all of U
    /// instead of passing V and M, so only where U is the smaller (Inception's 35×35 and stem
    /// layers, ResNet50's 56×56 ones). ResNet50's 28×28 and smaller layers (U of 2.4–16 MB) ran
    /// 1.2× slower as groups on 2 threads across dies.
    var groupsSuit: Bool {
        let u = transformCount * shape.inChannels * shape.outChannels
        let vm = transformCount * tileRows * tileColumns * (shape.inChannels + shape.outChannels)
        return u <= vm
    }

    func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int, coresShareCache: Bool
    ) {
        let s = shape
        let m = s.outChannels, c = s.inChannels
        let rowFloats = outputTile * phaseWidth
        let paddedFloats = c * paddedRows * rowFloats
        let xiCount = transformCount
        // Threads on one die share V and M: the input transform split by channels, the GEMMs
        // by (ξ, column block), the output transform by channels, block after block. Threads
        // on different dies would move V and M between their caches at every phase, so there
        // each runs whole groups of tile rows where that reads less (`groupsSuit`).
        let byGroups = threads > 1 && !coresShareCache && groupsSuit
        let groups = byGroups ? tileRowGroups(threads: threads) : (tileRows + blockRows - 1) / blockRows
        let groupRows = byGroups ? (tileRows + groups - 1) / groups : blockRows
        let groupTiles = groupRows * tileColumns
        let workers = byGroups ? Parallel.workerCount(items: groups, threads: threads) : 1
        // The padded input, V and M, each with 8 floats of slack: the transforms read whole
        // 8-tile vectors past a row's end. By groups, each worker copies the padded rows its
        // groups read (their tile rows' outputs plus the window's two rows of reach) into its
        // own buffer: a copy split by channels would cross the dies once more.
        let groupPaddedFloats = c * (groupRows * outputTile + 2) * rowFloats
        let sizes = [byGroups ? groupPaddedFloats : paddedFloats, xiCount * c * groupTiles, xiCount * m * groupTiles].map { $0 + 8 }
        ScratchPool.shared.withBuffers(floats: byGroups ? [] : sizes) { buffers in
            for image in 0..<s.batch {
                let x = input + image * c * s.inHeight * s.inWidth
                let y = output + image * m * s.outHeight * s.outWidth
                let r = residual.map { $0 + image * m * s.outHeight * s.outWidth }
                if byGroups {
                    Parallel.forEach(items: groups, threads: workers) { group, _ in
                        let rows = tileRows(ofGroup: group, of: groups)
                        if rows.isEmpty { return }
                        ScratchPool.local.withBuffers(floats: sizes) { own in
                            runGroup(
                                tileRows: rows, input: x, output: y, residual: r, activation: activation,
                                padded: own[0], transformedInput: own[1], products: own[2])
                        }
                    }
                    continue
                }
                let padded = buffers[0], transformedInput = buffers[1], products = buffers[2]
                Parallel.forEach(items: c, threads: threads) { channel, _ in
                    copyPhases(x + channel * s.inHeight * s.inWidth, into: padded + channel * paddedRows * rowFloats)
                }
                var ty0 = 0
                while ty0 < tileRows {
                    let rows = ty0..<min(tileRows, ty0 + groupRows)
                    let tiles = rows.count * tileColumns
                    Parallel.forEach(items: c, threads: threads) { channel, _ in
                        transformInput(
                            padded + channel * paddedRows * rowFloats, channel: channel, tileRows: rows, tiles: tiles,
                            into: transformedInput)
                    }
                    gemms.multiplyAll(transformedInput, tiles: tiles, columnBlock: columnBlock, into: products, threads: threads)
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

    /// One group of tile rows, whole, on the calling thread (`CoreDistance`: threads on
    /// different dies): the padded rows it reads, then V, the GEMMs and the outputs, all in
    /// the worker's own buffers.
    private func runGroup(
        tileRows rows: Range<Int>, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
        residual r: UnsafePointer<Float>?, activation: Activation,
        padded: UnsafeMutablePointer<Float>, transformedInput: UnsafeMutablePointer<Float>,
        products: UnsafeMutablePointer<Float>
    ) {
        let s = shape
        let rowFloats = outputTile * phaseWidth
        let tiles = rows.count * tileColumns
        // Tile row t reads padded rows t·m ..< t·m + m + 2 (the halo rows are copied by both
        // neighbouring groups). `padded` holds only those rows, channel after channel; `plane(c)`
        // is where channel c's whole padded plane would start, so row y sits at plane(c) + y·rowFloats.
        let readRows = (rows.lowerBound * outputTile)..<(rows.upperBound * outputTile + 2)
        func plane(_ channel: Int) -> UnsafeMutablePointer<Float> {
            padded + (channel * readRows.count - readRows.lowerBound) * rowFloats
        }
        for channel in 0..<s.inChannels {
            copyPhases(x + channel * s.inHeight * s.inWidth, into: plane(channel), rows: readRows)
        }
        for channel in 0..<s.inChannels {
            transformInput(plane(channel), channel: channel, tileRows: rows, tiles: tiles, into: transformedInput)
        }
        gemms.multiplyAll(transformedInput, tiles: tiles, columnBlock: columnBlock, into: products, threads: 1)
        for channel in 0..<s.outChannels {
            transformOutput(
                products, channel: channel, tileRows: rows, tiles: tiles, output: y, residual: r, activation: activation)
        }
    }

    /// One input plane as zero-bordered rows (m·tileRows + 2 of them, starting `padTop` above
    /// the input), each stored as its m column phases (columns ≡ p mod m, `phaseWidth` each),
    /// so that column j of the tiles tx…tx+7 is one contiguous 8-float load.
    private func copyPhases(
        _ plane: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, rows: Range<Int>? = nil
    ) {
        let s = shape
        let rowFloats = outputTile * phaseWidth
        withUnsafeTemporaryAllocation(of: Float.self, capacity: rowFloats + 32) { buffer in
            // One zero-bordered input row; the borders stay zero.
            let line = buffer.baseAddress!
            line.update(repeating: 0, count: rowFloats + 32)
            let width = min(s.inWidth, rowFloats - s.padLeft)
            for y in rows ?? 0..<paddedRows {
                let row = out + y * rowFloats
                let iy = y - s.padTop
                if iy < 0 || iy >= s.inHeight {
                    row.update(repeating: 0, count: rowFloats)
                    continue
                }
                if width > 0 { (line + s.padLeft).update(from: plane + iy * s.inWidth, count: width) }
                if outputTile == 2 {
                    ColumnSource.splitEvenOdd(line, even: row, evenCount: phaseWidth, odd: row + phaseWidth, oddCount: phaseWidth)
                } else {
                    microKernel.winograd4Split(line, phaseWidth: phaseWidth, into: row)
                }
            }
        }
    }

    /// V = Bᵀ d B for every tile of one channel, in C (`CKWinogradInput`, 8 tiles per vector;
    /// F(2×2): Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]; F(4×4): see Winograd4Transforms.c).
    /// Writes V_ξ[channel][tile] for every ξ.
    private func transformInput(
        _ padded: UnsafePointer<Float>, channel: Int, tileRows rows: Range<Int>, tiles p: Int,
        into v: UnsafeMutablePointer<Float>
    ) {
        microKernel.winogradInput(
            outputTile: outputTile, padded: padded, phaseWidth: phaseWidth, tileRows: rows, tileColumns: tileColumns,
            into: v + channel * p, xiStride: shape.inChannels * p)
    }

    /// Y = Aᵀ M A for every tile of one output channel (F(2×2): Aᵀ = [1 1 1 0; 0 1 -1 -1]), then bias,
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
            outputTile: outputTile, products: products + channel * p, xiStride: s.outChannels * p, tileRows: rows, tileColumns: tileColumns,
            bias: bias?[channel] ?? 0, output: out, residual: residual.map { $0 + channel * oh * ow },
            outHeight: oh, outWidth: ow, activation: activation)
    }
}
