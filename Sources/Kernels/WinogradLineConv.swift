internal import CKernels

/// A 1×r or r×1, stride-1 convolution (Inception's factorized 1×7 / 7×1 layers) by a 1-D
/// Winograd F(m, r) along the kernel's axis (`ToomCookMatrices`): each run of m outputs along
/// that axis comes from n = m + r - 1 inputs, so the m·r multiply-adds per output run and input
/// channel become n, done as n GEMMs `M_ξ = U_ξ · V_ξ` (`WinogradProducts`).
///
/// Tiles are (tile row along the axis, position across it). Each input channel is first staged
/// as m phase planes (row u of phase φ holds input row u·m + φ − pad along the axis; a 1×r
/// kernel's plane is read transposed), so that every input the transforms read for consecutive
/// tiles is one contiguous run: 16 tiles per vector whatever the map's width. The outputs go
/// back to NCHW (transposed again for 1×r) as bias, residual and activation are applied
/// (`CKWinogradLine.h`).
///
/// F(3, 7) does 9 multiplications where the direct form does 21 (2.33×, 2.2× on a 17-row map with
/// its padded last tile), F(6, 7) 12 for 42 (3.3× on 17 rows); F(4, 3) 6 for 12.
/// `ConvolutionAlgorithm` says where they are chosen and why those tiles; the tests hold them to
/// the scale rule, like F(4×4, 3×3).
final class WinogradLineConv: @unchecked Sendable {
    let shape: Conv2DShape
    /// Whether the kernel runs along the height (r×1) rather than the width (1×r).
    let vertical: Bool
    /// m: outputs per tile.
    let outputTile: Int
    /// r: filter taps along the axis.
    let taps: Int
    var inputTile: Int { outputTile + taps - 1 }
    /// Input length along the axis, length across it, padding before, output length.
    let along: Int, across: Int, padBefore: Int, outAlong: Int
    let tileRows: Int
    /// Tile rows per block on one thread: the transformed inputs and products of a block stay
    /// in cache (`tileRowGroups`).
    let blockRows: Int
    /// Tiles per GEMM column block.
    let columnBlock: Int
    private let gemms: WinogradProducts
    private var microKernel: MicroKernel { gemms.microKernel }
    private let bias: UnsafePointer<Float>?
    /// Bᵀ (n × n) and Aᵀ (m × n), rounded to float, row-major.
    private let inputTransform: [Float]
    private let outputTransform: [Float]

    /// Whether the 1-D form computes `s`: a 1×r or r×1 kernel (r > 1), stride and dilation 1,
    /// one group, and no padding across the kernel's axis.
    static func supports(_ s: Conv2DShape) -> Bool {
        guard s.strideHeight == 1, s.strideWidth == 1, s.dilationHeight == 1, s.dilationWidth == 1, s.groups == 1
        else { return false }
        // Every r up to 11 has a tile (`ConvolutionAlgorithm.lineOutputTile`) within the C transforms' 12 inputs.
        if max(s.kernelHeight, s.kernelWidth) > 11 { return false }
        if s.kernelWidth == 1 && s.kernelHeight > 1 { return s.padLeft == 0 && s.padRight == 0 }
        if s.kernelHeight == 1 && s.kernelWidth > 1 { return s.padTop == 0 && s.padBottom == 0 }
        return false
    }

    /// - Parameter outputTile: m, with m + r - 1 ≤ `CK_LINE_MAX_INPUTS` (12).
    init(
        shape s: Conv2DShape, outputTile m: Int, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        microKernel: MicroKernel
    ) {
        precondition(Self.supports(s), "F(m, r) cannot compute \(s)")
        precondition(m >= 1 && m + max(s.kernelHeight, s.kernelWidth) - 1 <= Int(CK_LINE_MAX_INPUTS), "F(\(m), r) too large")
        shape = s
        vertical = s.kernelWidth == 1
        outputTile = m
        taps = vertical ? s.kernelHeight : s.kernelWidth
        along = vertical ? s.inHeight : s.inWidth
        across = vertical ? s.inWidth : s.inHeight
        padBefore = vertical ? s.padTop : s.padLeft
        outAlong = vertical ? s.outHeight : s.outWidth
        tileRows = (outAlong + m - 1) / m
        columnBlock = 16 * 8
        let rowsPerBlock = max(1, min(tileRows, columnBlock / max(1, across)))
        let blocks = (tileRows + rowsPerBlock - 1) / rowsPerBlock
        blockRows = (tileRows + blocks - 1) / blocks
        self.bias = bias
        let matrices = ToomCookMatrices(outputs: m, taps: taps)
        let n = matrices.inputs
        inputTransform = matrices.inputTransform.flatMap { $0.map(Float.init) }
        outputTransform = matrices.outputTransform.flatMap { $0.map(Float.init) }
        // U_ξ[o][i] = Σ_k G[ξ][k] · w[o][i][k], in Double, rounded once.
        let outC = s.outChannels, inC = s.inChannels, r = taps
        let plain = UnsafeMutablePointer<Float>.allocate(capacity: n * outC * inC)
        defer { plain.deallocate() }
        let g = matrices.filterTransform
        for o in 0..<outC {
            for i in 0..<inC {
                let w = weights + (o * inC + i) * r
                for xi in 0..<n {
                    var sum = 0.0
                    for k in 0..<r { sum += g[xi][k] * Double(w[k]) }
                    plain[(xi * outC + o) * inC + i] = Float(sum)
                }
            }
        }
        gemms = WinogradProducts(plain: plain, transformCount: n, outChannels: outC, inChannels: inC, microKernel: microKernel)
    }

    /// Rows of each staged phase plane: tile row t reads phase rows t … t + (n - 1) div m.
    var rowsPerPhase: Int { tileRows + (inputTile - 1) / outputTile }

    /// How the work is shared among `threads`:
    /// - by output channels, on maps with few tile rows (Inception's 17×17: 6): each thread
    ///   multiplies its rows of every M_ξ and transforms those channels' outputs, so the
    ///   transformed weights are read once in all;
    /// - by groups of tile rows otherwise, each group run whole (input transform, GEMMs, output
    ///   transform) by one thread: Inception-V4's 73×73 layers have 25 tile rows, whose one-row
    ///   blocks, each split three ways over the threads, ran 1.2× faster on 2 threads than on 1.
    func splitsChannels(threads: Int) -> Bool { threads > 1 && tileRows < 4 * threads }

    /// Groups of tile rows (see `splitsChannels`): blocks of `blockRows`, and with several
    /// threads at least one per thread, in a multiple of the thread count.
    func tileRowGroups(threads: Int) -> (count: Int, rows: Int) {
        var groups = (tileRows + blockRows - 1) / blockRows
        if threads > 1 && !splitsChannels(threads: threads) {
            groups = max(groups, threads)
            groups = min(tileRows, (groups + threads - 1) / threads * threads)
        }
        let rows = (tileRows + groups - 1) / groups
        return ((tileRows + rows - 1) / rows, rows)
    }

    func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int, coresShareCache: Bool = true
    ) {
        let s = shape
        let inC = s.inChannels, outC = s.outChannels, n = inputTile, m = outputTile
        let planeIn = s.inHeight * s.inWidth, planeOut = s.outHeight * s.outWidth
        let stagedFloats = m * rowsPerPhase * across
        let byChannels = splitsChannels(threads: threads)
        let (groups, groupRows) = tileRowGroups(threads: threads)
        let groupTiles = groupRows * across
        // Shared: the staged input, and when the channels are split V and M of one group.
        // Per worker: packed B, one channel's output phases, and V and M of its own group otherwise.
        let layout = WinogradProducts.StripLayout(inChannels: inC, strips: (groupTiles + 15) / 16)
        let vFloats = n * layout.xiFloats, productFloats = n * outC * groupTiles
        let workers = byChannels ? threads : Parallel.workerCount(items: groups, threads: threads)
        // Split by channels across dies, each worker stages and transforms every input channel
        // into its own V (twice the transform work, a small part of the layer): a V shared by
        // channel halves would send half of it over the interconnect to every worker.
        let privateV = byChannels && !coresShareCache
        // Whether each worker holds V and M of its own (groups of tile rows, or a private V).
        let ownsProducts = !byChannels || privateV
        let workerFloats = m * groupTiles + (ownsProducts ? vFloats + productFloats : 0)
            + (privateV ? inC * stagedFloats : 0)
        let sharedFloats = privateV ? 0 : inC * stagedFloats + (ownsProducts ? 0 : vFloats + productFloats)
        // Split by channels, share i takes output rows rowShare(i): whole panels, one share per worker.
        let panelRows = gemms.microKernel.rows
        let rowsPerShare = ((outC + panelRows - 1) / panelRows + workers - 1) / workers * panelRows
        func rowShare(_ share: Int) -> Range<Int> {
            let first = min(outC, share * rowsPerShare)
            return first..<min(outC, first + rowsPerShare)
        }
        let clamp = activation.clampBounds ?? (-.infinity, .infinity)
        let level = transformLevel
        ScratchPool.shared.withBuffers(count: 1, floats: sharedFloats + 16) { buffers in
            let staged = buffers[0]
            /// The worker's own buffer (`ScratchPool.local`): its phases, and V and M where it owns them.
            func withOwnBuffer(_ body: (UnsafeMutablePointer<Float>) -> Void) {
                ScratchPool.local.withBuffers(count: 1, floats: workerFloats + 16) { body($0[0]) }
            }
            inputTransform.withUnsafeBufferPointer { bt in
            outputTransform.withUnsafeBufferPointer { at in
                /// V for tile rows [t0, t0 + rows) of one channel, in the products' packed layout.
                func transformInput(
                    _ channel: Int, _ t0: Int, _ tiles: Int, _ v: UnsafeMutablePointer<Float>,
                    from staged: UnsafeMutablePointer<Float> = staged
                ) {
                    let place = layout.channel(channel)
                    ck_line_input(
                        level, staged + channel * stagedFloats, rowsPerPhase, across, m, n, bt.baseAddress!,
                        t0, tiles, v + place.offset, layout.xiFloats, place.stripStride)
                }
                /// One output channel's values of tile rows [t0, t0 + rows), from M.
                func transformOutput(
                    _ channel: Int, _ t0: Int, _ rows: Int, _ products: UnsafePointer<Float>,
                    _ phases: UnsafeMutablePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ res: UnsafePointer<Float>?
                ) {
                    let tiles = rows * across
                    ck_line_output(level, products + channel * tiles, outC * tiles, m, n, at.baseAddress!, tiles, phases)
                    let plane = y + channel * planeOut
                    ck_line_store(
                        level, phases, tiles, vertical ? 1 : 0, m, across, outAlong, t0, rows, bias?[channel] ?? 0,
                        plane, res.map { $0 + channel * planeOut }, clamp.0, clamp.1)
                    if activation.clampBounds == nil { applyActivation(activation, plane: plane, tileRows: t0..<(t0 + rows)) }
                }
                for image in 0..<s.batch {
                    let x = input + image * inC * planeIn
                    let y = output + image * outC * planeOut
                    let res = residual.map { $0 + image * outC * planeOut }
                    func stage(_ channel: Int, into staged: UnsafeMutablePointer<Float> = staged) {
                        ck_line_stage(
                            x + channel * planeIn, vertical ? 1 : 0, along, across, padBefore, m, rowsPerPhase,
                            staged + channel * stagedFloats)
                    }
                    if privateV {
                        Parallel.forEach(items: workers, threads: workers) { share, _ in
                            let outputRows = rowShare(share)
                            if outputRows.isEmpty { return }
                            withOwnBuffer { phases in
                                let v = phases + m * groupTiles, products = v + vFloats
                                let ownStaged = products + productFloats
                                for channel in 0..<inC { stage(channel, into: ownStaged) }
                                for group in 0..<groups {
                                    let t0 = group * groupRows, tileRowCount = min(tileRows, t0 + groupRows) - t0
                                    let tiles = tileRowCount * across
                                    for channel in 0..<inC { transformInput(channel, t0, tiles, v, from: ownStaged) }
                                    gemms.multiplyPackedRows(
                                        v, layout: layout, tiles: tiles, rows: outputRows, columnBlock: columnBlock,
                                        into: products)
                                    for channel in outputRows { transformOutput(channel, t0, tileRowCount, products, phases, y, res) }
                                }
                            }
                        }
                    } else if byChannels {
                        let v = staged + inC * stagedFloats, products = v + vFloats
                        for group in 0..<groups {
                            let t0 = group * groupRows, rows = min(tileRows, t0 + groupRows) - t0
                            let tiles = rows * across
                            Parallel.forEach(items: inC, threads: threads) { channel, _ in
                                if group == 0 { stage(channel) }
                                transformInput(channel, t0, tiles, v)
                            }
                            Parallel.forEach(items: workers, threads: workers) { share, _ in
                                let outputRows = rowShare(share)
                                if outputRows.isEmpty { return }
                                withOwnBuffer { phases in
                                    gemms.multiplyPackedRows(
                                        v, layout: layout, tiles: tiles, rows: outputRows, columnBlock: columnBlock,
                                        into: products)
                                    for channel in outputRows { transformOutput(channel, t0, rows, products, phases, y, res) }
                                }
                            }
                        }
                    } else {
                        Parallel.forEach(items: inC, threads: threads) { channel, _ in stage(channel) }
                        Parallel.forEach(items: groups, threads: workers) { group, _ in
                            let t0 = group * groupRows, rows = min(tileRows, t0 + groupRows) - t0
                            if rows <= 0 { return }
                            let tiles = rows * across
                            withOwnBuffer { phases in
                                let v = phases + m * groupTiles, products = v + vFloats
                                for channel in 0..<inC { transformInput(channel, t0, tiles, v) }
                                gemms.multiplyPackedRows(
                                    v, layout: layout, tiles: tiles, rows: 0..<outC, columnBlock: columnBlock, into: products)
                                for channel in 0..<outC { transformOutput(channel, t0, rows, products, phases, y, res) }
                            }
                        }
                    }
                }
            }
            }
        }
    }

    /// The transforms' instruction set, the micro-kernel's (`CKWinogradLine.h` levels).
    private var transformLevel: Int32 {
        switch microKernel.name {
        case "avx512": return 2
        case "avx2": return 1
        default: return 0
        }
    }

    /// Activations other than clamps, over the outputs of `tileRows` of one channel's plane.
    private func applyActivation(_ activation: Activation, plane: UnsafeMutablePointer<Float>, tileRows: Range<Int>) {
        let first = tileRows.lowerBound * outputTile, last = min(outAlong, tileRows.upperBound * outputTile)
        if vertical {
            activation.apply(plane + first * across, count: (last - first) * across)
        } else {
            for j in 0..<across { activation.apply(plane + j * outAlong + first, count: last - first) }
        }
    }
}
