/// A 2-D convolution (ONNX `Conv`) with weights prepacked once, run as a GEMM per group:
/// A = weights (outChannels/groups × inChannels/groups·kH·kW), B = input columns
/// (im2col, packed block by block into a small per-thread workspace from a zero-bordered
/// copy of the input, see `ColumnSource`), C = output rows in NCHW. Bias, residual and
/// activation are applied as each output tile is stored.
///
/// Thread safety: `run` keeps no state between calls (workspaces come from a shared pool),
/// so one instance may run concurrently on different buffers.
public final class Conv2D: @unchecked Sendable {
    public let shape: Conv2DShape
    /// Prepacked weight panels, one set per group.
    let panels: UnsafeMutablePointer<Float>
    let panelsPerGroup: Int
    let bias: UnsafeMutablePointer<Float>?

    /// Reduction (k) block and pixel (n) block sizes for one thread; see `Blocking`. (The
    /// packed weights follow its depth blocks, which do not depend on the thread count.)
    let blocking: Blocking
    /// Offsets that turn packing B (im2col) into copies.
    let columns: ColumnSource
    /// How this convolution is computed (`ConvolutionAlgorithm.choose`, unless given).
    public let algorithm: ConvolutionAlgorithm
    /// Small maps run in the channel-vector form (see `Conv2D+ChannelStrips`).
    public var usesChannelStrips: Bool { algorithm == .channelStrips }
    /// 3×3 stride-1 convolutions run by Winograd's F(2×2, 3×3) or F(4×4, 3×3) (see `WinogradConv3x3`).
    private let winograd: WinogradConv3x3?
    /// 1×r and r×1 stride-1 convolutions run by a 1-D Winograd F(m, r) (see `WinogradLineConv`).
    private let lineWinograd: WinogradLineConv?
    /// Whether a Winograd form (2-D or 1-D) computes this convolution: its weights are kept
    /// transformed only.
    public var usesWinograd: Bool { winograd != nil || lineWinograd != nil }
    /// The micro-kernel variant the weights are packed for.
    public let microKernel: MicroKernel
    /// A strided 1×1 convolution runs as this stride-1 one on its subsampled input (see
    /// `Conv2D+Subsampling`), which holds the packed weights.
    let pointwise: Conv2D?
    /// A strided convolution that reads its taps (`Conv2D+Taps`) reads them from these phases
    /// of its input.
    let phasePlanes: PhasePlanes?
    /// Whether the direct form reads its taps where `readsTaps(_:microKernel:)` allows (see `init`).
    let readsTapsWhereItCan: Bool

    /// - Parameters:
    ///   - weights: OIHW, `outChannels × inChannels/groups × kernelHeight × kernelWidth`.
    ///   - bias: `outChannels` values, or nil.
    ///   - microKernel: the variant to run (tests pin each one the CPU supports).
    ///   - algorithm: the algorithm to run (tests and benchmarks); nil chooses by shape.
    ///   - readsTaps: false packs B where the direct form could read its taps instead
    ///     (`Conv2D+Taps`; `kernel-bench --ab-packed` times the two).
    /// - Precondition: `shape.isValid`, and `algorithm` supports it.
    public init(
        shape: Conv2DShape, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        microKernel: MicroKernel = .preferred, algorithm: ConvolutionAlgorithm? = nil, readsTaps: Bool = true
    ) {
        precondition(shape.isValid, "invalid convolution shape \(shape)")
        let algorithm = algorithm ?? ConvolutionAlgorithm.choose(for: shape, microKernel: microKernel)
        precondition(algorithm.supports(shape), "\(algorithm) cannot compute \(shape)")
        self.algorithm = algorithm
        self.shape = shape
        self.microKernel = microKernel
        let mr = microKernel.rows
        let m = shape.outChannelsPerGroup
        let k = shape.inChannelsPerGroup * shape.kernelHeight * shape.kernelWidth
        if let bias {
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: shape.outChannels)
            copy.initialize(from: bias, count: shape.outChannels)
            self.bias = copy
        } else {
            self.bias = nil
        }
        switch algorithm {
        case .winograd2x2, .winograd4x4:
            winograd = WinogradConv3x3(
                shape: shape, outputTile: algorithm == .winograd2x2 ? 2 : 4, weights: weights,
                bias: self.bias.map { UnsafePointer($0) }, microKernel: microKernel)
            lineWinograd = nil
        case .winogradLine:
            winograd = nil
            lineWinograd = WinogradLineConv(
                shape: shape, outputTile: ConvolutionAlgorithm.lineOutputTile(
                    taps: max(shape.kernelHeight, shape.kernelWidth),
                    length: shape.kernelWidth == 1 ? shape.outHeight : shape.outWidth, microKernel: microKernel),
                weights: weights,
                bias: self.bias.map { UnsafePointer($0) }, microKernel: microKernel)
        case .pixelStrips, .channelStrips:
            winograd = nil
            lineWinograd = nil
        }
        let usesChannelStrips = algorithm == .channelStrips
        pointwise = Self.subsampledShape(shape).map {
            Conv2D(shape: $0, weights: weights, bias: bias, microKernel: microKernel, algorithm: algorithm)
        }
        panelsPerGroup = winograd != nil || lineWinograd != nil || pointwise != nil
            ? 0 : usesChannelStrips
            ? Self.channelStripFloats(shape: shape) : PackedPanels.floatCount(rows: m, depth: k, panelRows: mr)
        let total = panelsPerGroup * shape.groups
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1) * 4, alignment: 64)
        panels = raw.bindMemory(to: Float.self, capacity: max(total, 1))
        let blocking = Blocking(shape: shape, threads: 1, panelRows: mr, stripGroup: microKernel.tileStrips)
        if winograd != nil || lineWinograd != nil || pointwise != nil {
            // The Winograd forms keep their own transformed weights, `pointwise` its panels.
        } else if usesChannelStrips {
            Self.packChannelStrips(shape: shape, weights: weights, into: panels)
        } else {
            // Reduction-block major: all panels of one depth block are contiguous, so a block's
            // weights stream sequentially (prefetch-friendly) while the block is multiplied.
            let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: mr) * mr
            for g in 0..<shape.groups {
                var k0 = 0
                while k0 < k {
                    let kc = min(blocking.depthBlock, k - k0)
                    PackedPanels.pack(
                        rows: m, depth: kc, panelRows: mr, source: weights + g * m * k + k0, rowStride: k, depthStride: 1,
                        into: panels + g * panelsPerGroup + k0 * rowsPadded)
                    k0 += kc
                }
            }
        }
        self.blocking = blocking
        columns = ColumnSource(shape: shape)
        let strided = shape.strideHeight > 1 || shape.strideWidth > 1
        readsTapsWhereItCan = readsTaps
        phasePlanes = readsTaps && strided && pointwise == nil && Self.readsTaps(shape, microKernel: microKernel)
            ? PhasePlanes(shape: shape) : nil
    }

    deinit {
        panels.deallocate()
        bias?.deallocate()
    }

    /// `output = activation(conv(input) + bias + residual)`.
    /// - Parameters:
    ///   - input: NCHW, `shape.inputCount` floats.
    ///   - output: NCHW, `shape.outputCount` floats; must not overlap `input`.
    ///   - residual: NCHW with the output's shape, or nil. May alias `output`.
    ///   - threads: worker threads (1 runs on the caller's thread).
    public func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int
    ) {
        run(input: input, output: output, residual: residual, activation: activation, threads: threads,
            coresShareCache: CoreDistance.threadsShareCache(threads: threads))
    }

    /// `run` with the threads' split chosen by `coresShareCache` (see `CoreDistance`; tests run both).
    func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int, coresShareCache: Bool
    ) {
        let s = shape
        if let winograd {
            winograd.run(
                input: input, output: output, residual: residual, activation: activation, threads: threads,
                coresShareCache: coresShareCache)
            return
        }
        if let lineWinograd {
            lineWinograd.run(
                input: input, output: output, residual: residual, activation: activation, threads: threads,
                coresShareCache: coresShareCache)
            return
        }
        if let pointwise {
            ScratchPool.shared.withBuffers(count: 1, floats: pointwise.shape.inputCount) { buffers in
                subsample(input: input, into: buffers[0], threads: threads)
                pointwise.run(
                    input: buffers[0], output: output, residual: residual, activation: activation, threads: threads,
                    coresShareCache: coresShareCache)
            }
            return
        }
        if usesChannelStrips {
            if s.batch == 0 { return }
            runChannelStrips(input: input, output: output, residual: residual, activation: activation, threads: threads)
            return
        }
        let pixels = s.outHeight * s.outWidth
        let m = s.outChannelsPerGroup
        // Threads on different dies would pass the packed B between their caches: there each
        // packs its own from the input (which then crosses over once, not twice).
        // Layers on maps 16+ wide with few input rows read B through their tap offsets
        // (`Conv2D+Taps`; strided ones from their stride phases), in blocks of virtual columns;
        // activations other than clamps would need the real layout.
        let unitStride = s.strideHeight == 1 && s.strideWidth == 1
        let taps = readsTapsWhereItCan && Self.readsTaps(s, microKernel: microKernel) && activation.clampBounds != nil
            && (unitStride || phasePlanes != nil)
        let b = taps
            ? Blocking(
                shape: s, threads: threads, panelRows: microKernel.rows, stripGroup: microKernel.tileStrips,
                sharesPackedB: coresShareCache, pixels: virtualColumns)
            : threads == 1 ? blocking : Blocking(
                shape: s, threads: threads, panelRows: microKernel.rows, stripGroup: microKernel.tileStrips,
                sharesPackedB: coresShareCache)
        let items = s.groups * b.pixelBlocks * b.rowChunks
        if s.batch == 0 || items == 0 { return }
        let workers = Parallel.workerCount(items: items, threads: threads)
        // Strided taps read the input's stride phases (`PhasePlanes`); packing reads its padded copy.
        let phases = taps ? phasePlanes : nil
        let paddedFloats = phases?.floats(channels: s.inChannels) ?? columns.paddedFloats(channels: s.inChannels)
        let plane = phases?.channelFloats ?? columns.paddedHeight * columns.paddedWidth
        ScratchPool.shared.withBuffers(count: 1, floats: phases != nil || columns.needsPaddedCopy ? paddedFloats : 0) { buffers in
            let padded = buffers[0]
            for image in 0..<s.batch {
                let imageInput = input + image * s.inChannels * s.inHeight * s.inWidth
                let source: UnsafePointer<Float>
                if phases != nil || columns.needsPaddedCopy {
                    let channelsPerWorker = (s.inChannels + workers - 1) / workers
                    Parallel.forEach(items: workers, threads: workers) { chunk, _ in
                        let lo = chunk * channelsPerWorker
                        let hi = min(s.inChannels, lo + channelsPerWorker)
                        if lo >= hi { return }
                        if let phases {
                            phases.copy(input: imageInput, channels: lo..<hi, into: padded)
                        } else {
                            columns.copyPadded(shape: s, input: imageInput, channels: lo..<hi, into: padded)
                        }
                    }
                    source = UnsafePointer(padded)
                } else {
                    source = imageInput
                }
                if !taps && sharesPacking(blocking: b, workers: workers) {
                    let channelOffset = image * s.outChannels
                    let epilogue = TileEpilogue(
                        c: output + channelOffset * pixels, ldc: pixels, bias: bias.map { UnsafePointer($0) },
                        residual: residual.map { $0 + channelOffset * pixels }, activation: activation)
                    runSharedPacking(image: source, epilogue: epilogue, workers: workers, blocking: b)
                    continue
                }
                Parallel.forEach(items: items, threads: workers) { item, _ in
                    var rest = item
                    let chunk = rest % b.rowChunks; rest /= b.rowChunks
                    let pixelBlock = rest % b.pixelBlocks
                    let group = rest / b.pixelBlocks
                    let chunkRows = b.rows(ofChunk: chunk)
                    if chunkRows.isEmpty { return }
                    let channelOffset = image * s.outChannels + group * m
                    let epilogue = TileEpilogue(
                        c: output + channelOffset * pixels, ldc: pixels,
                        bias: bias.map { UnsafePointer($0 + group * m) },
                        residual: residual.map { $0 + channelOffset * pixels },
                        activation: activation)
                    let image = source + group * s.inChannelsPerGroup * plane
                    let groupPanels = panels + group * panelsPerGroup
                    if taps {
                        computeTapsBlock(
                            image: image, groupPanels: groupPanels, virtualColumns: b.pixels(ofBlock: pixelBlock),
                            rows: chunkRows, epilogue: epilogue, blocking: b)
                        return
                    }
                    ScratchPool.local.withBuffers(count: 1, floats: b.workspaceFloats) { workspace in
                        computeBlock(
                            image: image, groupPanels: groupPanels, pixels: b.pixels(ofBlock: pixelBlock),
                            rows: chunkRows, epilogue: epilogue, workspace: workspace[0], blocking: b)
                    }
                }
            }
        }
    }

    /// Whether B (im2col) is the input itself (a 1×1 kernel, stride 1, no padding), small
    /// enough to be read in place, for few output channels. Read in place, each 16-pixel strip
    /// walks down all input planes at once: from L2 that beat packing where B is used by few
    /// weight panels (MobileNetV2's 384 → 64 at 14×14, 192 → 32 at 28×28: 1.15–1.25× on one
    /// core; 96 → 576 at 14×14: even), but from memory the many short strided streams lost to
    /// packing's plane-by-plane reads (144 → 24 at 56×56 and 2080 → 192 at 8×8, cold
    /// caches: 1.25–1.6× slower).
    var readsInputInPlace: Bool {
        shape.kernelHeight == 1 && shape.kernelWidth == 1 && columns.pixelsContiguous
            && shape.outChannelsPerGroup <= Self.inPlaceOutputChannelLimit
            && shape.inChannelsPerGroup * shape.inHeight * shape.inWidth <= Self.inPlaceInputLimit
    }

    /// Input floats per image and group up to which `readsInputInPlace` holds. With 2 MB of L2 or
    /// more (Emerald Rapids), inputs up to twice the L2 in bytes: the in-place triple's B row
    /// prefetch keeps its strided streams fed from L3, and ResNet50's 256 → 64 at 56×56 (3.2 MB)
    /// ran 0.85–0.87× its packed time in the network on one thread, 0.90 on two (per-node
    /// medians of eight alternating `bench --profile` runs; the 1×1 layers beside it unchanged;
    /// 512 → 128 at 28×28, 1.6 MB, was in place already: 0.94×).
    /// Smaller L2s keep the limit measured on Zen 4 (1 MB): the L2 but 256 KB, where the layer
    /// before left it, as packing's plane-by-plane reads beat the strided streams from memory
    /// there (144 → 24 at 56×56 and 2080 → 192 at 8×8, cold caches: 1.25–1.6× slower in place).
    static let inPlaceInputLimit = CacheSize.l2Bytes >= 2 << 20
        ? CacheSize.l2Bytes / 2 : max(192 << 10, (CacheSize.l2Bytes - (256 << 10)) / 4)
    /// Output channels per group up to which `readsInputInPlace` holds.
    static let inPlaceOutputChannelLimit = 128

    /// One work item: output rows `rows` × pixels `block` (whole strips from a strip's start)
    /// of one image and group.
    private func computeBlock(
        image: UnsafePointer<Float>, groupPanels: UnsafePointer<Float>,
        pixels block: Range<Int>, rows: Range<Int>, epilogue: TileEpilogue,
        workspace: UnsafeMutablePointer<Float>, blocking b: Blocking
    ) {
        let mr = microKernel.rows
        let s = shape
        let pixelStart = block.lowerBound
        let pixelCount = block.count
        let strips = (pixelCount + 15) / 16
        let depth = b.depth
        let packedB = workspace
        // A 1×1 stride-1 convolution without padding: B's rows are the input's planes, read in
        // place where the micro-kernel can (no packing pass over B).
        let inPlace = readsInputInPlace && microKernel.readsInPlace(columns: pixelCount)
        let plane = s.inHeight * s.inWidth
        var k0 = 0
        while k0 < depth {
            let kc = min(b.depthBlock, depth - k0)
            let first = k0 == 0
            let last = k0 + kc == depth
            let blockPanels = groupPanels + k0 * b.rowsPadded
            if !inPlace {
                columns.pack(
                    image: image, depthStart: k0, depthCount: kc,
                    firstStrip: pixelStart / 16, stripCount: strips, into: packedB)
            }
            if inPlace {
                var m0 = rows.lowerBound
                while m0 < rows.upperBound {
                    let m1 = min(rows.upperBound, m0 + b.rowBlock)
                    microKernel.multiplyPanelsInPlace(
                        depth: kc, panels: blockPanels + (m0 / mr) * mr * kc, rows: m0..<m1,
                        b: image + k0 * plane + pixelStart, ldb: plane,
                        firstColumn: pixelStart, columns: pixelCount, epilogue: epilogue, first: first, last: last)
                    m0 = m1
                }
            } else {
                multiplyRowBlocks(
                    depth: kc, blockPanels: blockPanels, rows: rows, strips: packedB, pixelStart: pixelStart,
                    pixelCount: pixelCount, epilogue: epilogue, first: first, last: last, blocking: b)
            }
            k0 += kc
        }
    }

    /// Rows `rows` of one depth block over packed strips, `rowBlock` rows at a time (their
    /// weight panels stay in L2 while the strips stream).
    func multiplyRowBlocks(
        depth kc: Int, blockPanels: UnsafePointer<Float>, rows: Range<Int>, strips: UnsafePointer<Float>,
        pixelStart: Int, pixelCount: Int, epilogue: TileEpilogue, first: Bool, last: Bool, blocking b: Blocking
    ) {
        let mr = microKernel.rows
        var m0 = rows.lowerBound
        while m0 < rows.upperBound {
            let m1 = min(rows.upperBound, m0 + b.rowBlock)
            microKernel.multiplyPanels(
                depth: kc, panels: blockPanels + (m0 / mr) * mr * kc, rows: m0..<m1, strips: strips,
                firstColumn: pixelStart, columns: pixelCount, epilogue: epilogue, first: first, last: last)
            m0 = m1
        }
    }
}
