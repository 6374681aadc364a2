internal import CKernels

/// The channel-vector form of `Conv2D`, for small feature maps (ResNet's 7×7 stage).
///
/// The main form vectorizes over output pixels: a 7×7 map has 49 pixels, which fill 16-wide
/// strips only 77% of the way. This form swaps the micro-kernel's operands: the same 6 × 16
/// tile then holds `rows` pixels × 16 output channels. Weights are packed once as 16-channel
/// strips over the whole reduction (channel counts are multiples of 16 in these networks);
/// the im2col matrix is packed per image as pixel panels, also over the whole reduction,
/// so each tile is finished in one pass and stored transposed (NCHW) with bias, residual
/// and activation. Chosen by `prefersChannelStrips` where it fills the tile better.
extension Conv2D {
    /// Whether the channel-vector form suits `s`: a small map (the whole packed im2col matrix
    /// stays cache-sized), a reduction long enough that the transposed store is amortized,
    /// and a clearly better tile fill than 16-pixel strips × `panelRows`-channel panels
    /// (measured with the AVX-512 kernel: 7×7 maps gained 1.2–1.4×; at 14×14, a 6% better fill
    /// does not pay for the extra packing). `minimumDepth`: see `hasChannelTile`.
    ///
    /// `narrowTails`: count a last pixel strip of at most `narrowStripColumns` columns as 75%
    /// full instead of as a whole strip (the micro-kernels multiply such columns one by one
    /// with 6- or 8-row vectors). The caller sets it for the Swift form: on an AVX2-only AMD
    /// Zen 1 core, 16-pixel strips with the 1-column tail ran 7×7 layers 1.10–1.40× faster
    /// than it (`kernel-bench --algorithm pixelStrips --ab --ab-algorithm channelStrips`:
    /// ResNet50's 512 → 2048 1.19, 2048 → 512 1.11, 3×3 512 → 512 1.10, MobileNetV2's 160 → 960
    /// 1.40, 320 → 1280 1.23, 960 → 160 0.99).
    static func prefersChannelStrips(_ s: Conv2DShape, panelRows: Int, minimumDepth: Int = 256, narrowTails: Bool = false) -> Bool {
        let pixels = s.outHeight * s.outWidth
        let m = s.outChannelsPerGroup
        let depth = s.inChannelsPerGroup * s.kernelHeight * s.kernelWidth
        guard pixels > 0, m > 0, depth >= minimumDepth, pixels * depth * s.groups <= 1 << 20 else { return false }
        func fill(_ n: Int, _ width: Int) -> Double { Double(n) / Double((n + width - 1) / width * width) }
        let whole = pixels / MicroKernel.columns * MicroKernel.columns, tail = pixels - whole
        let pixelFill = narrowTails && tail > 0 && tail <= narrowStripColumns
            ? Double(pixels) / (Double(whole) + Double(tail) / 0.75) : fill(pixels, MicroKernel.columns)
        let pixelStripFill = pixelFill * fill(m, panelRows)
        let channelStripFill = fill(pixels, panelRows) * fill(m, MicroKernel.columns)
        return channelStripFill > pixelStripFill * 1.12
    }

    /// The widest last pixel strip the micro-kernels multiply column by column (`NARROW_COLUMNS`
    /// in `MicroKernelAVX2.c` and `MicroKernelAVX512.c`).
    static let narrowStripColumns = 4

    /// Whether `kernel` has the C channel tile (8 pixels × 32 channels, transposed store in
    /// registers): then a reduction of 128 already pays for the form (160 → 960 channels at 7×7
    /// ran 13% faster than in 16-pixel strips); with the Swift store it takes 256.
    static func hasChannelTile(_ kernel: MicroKernel) -> Bool {
        kernel.name == "avx512" && kernel.rows == Int(CK_CHANNEL_TILE_PIXELS) && ck_channel_tile_supported() != 0
    }

    /// Pixels per panel for the C tile: 7 or 8, whichever computes fewer padded pixels
    /// (ties: 8). The tile's cost per reduction step grows with its pixel count, so padding
    /// is the only waste.
    static func channelTilePixels(pixels: Int) -> Int {
        let padded7 = (pixels + 6) / 7 * 7, padded8 = (pixels + 7) / 8 * 8
        return padded7 < padded8 ? 7 : Int(CK_CHANNEL_TILE_PIXELS)
    }

    /// Whether the C tile can read `s`'s input as its pixel panels (`runChannelStrips`): a 1×1
    /// kernel, stride 1 and no padding (the input rows are B's rows), and a map of whole
    /// `panelPixels`-pixel panels (no panel reads past the end of the input).
    static func readsPixelPanelsInPlace(_ s: Conv2DShape, columns: ColumnSource, panelPixels: Int) -> Bool {
        s.kernelHeight == 1 && s.kernelWidth == 1 && columns.pixelsContiguous
            && (s.outHeight * s.outWidth) % panelPixels == 0
    }

    /// Floats of one group's packed weights in this form: 16-channel strips × depth.
    static func channelStripFloats(shape s: Conv2DShape) -> Int {
        let depth = s.inChannelsPerGroup * s.kernelHeight * s.kernelWidth
        return (s.outChannelsPerGroup + MicroKernel.columns - 1) / MicroKernel.columns * MicroKernel.columns * depth
    }

    /// Packs OIHW `weights` of every group as 16-channel strips (zero channels past the end).
    static func packChannelStrips(shape s: Conv2DShape, weights: UnsafePointer<Float>, into panels: UnsafeMutablePointer<Float>) {
        let m = s.outChannelsPerGroup
        let depth = s.inChannelsPerGroup * s.kernelHeight * s.kernelWidth
        for g in 0..<s.groups {
            Gemm.packStrips(
                source: weights + g * m * depth, depthStride: 1, columnStride: depth,
                depth: depth, columns: m, into: panels + g * channelStripFloats(shape: s))
        }
    }

    /// `run` in the channel-vector form.
    func runChannelStrips(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int
    ) {
        let s = shape
        let pixels = s.outHeight * s.outWidth
        let m = s.outChannelsPerGroup
        let depth = blocking.depth
        // The C tile takes two 16-channel strips per work item while a pair's weights stay
        // L2-sized (1 MB: 3×3 512 → 512 at 7×7 is 590 KB). Before the tile prefetched its
        // weights, a Zen 4 core (1 MB L2) ran that layer 8% faster in the Swift form; on an
        // Emerald Rapids core (2 MB L2), with the prefetch, the C tile runs it 2× as fast.
        let cTile = Self.hasChannelTile(microKernel) && depth * 2 * MicroKernel.columns <= 1 << 18
        // Panel height: the micro-kernel's, or for the C tile 7 where that wastes fewer rows
        // (a 7×7 map fills 7 panels of 7 exactly; 8-pixel panels compute 56 pixels for 49).
        let mr = cTile ? Self.channelTilePixels(pixels: pixels) : microKernel.rows
        let pixelPanels = (pixels + mr - 1) / mr
        let channelStrips = (m + MicroKernel.columns - 1) / MicroKernel.columns
        let panelFloats = pixelPanels * mr * depth
        let plane = columns.paddedHeight * columns.paddedWidth
        let paddedFloats = columns.paddedFloats(channels: s.inChannels)
        // A 1×1 stride-1 convolution without padding on a map of whole panels: the NCHW input
        // already is the im2col matrix, k-major with the plane as row stride, so the C tile
        // reads it in place; no packing pass (on two threads also one job fewer per layer).
        let inPlace = cTile && Self.readsPixelPanelsInPlace(s, columns: columns, panelPixels: mr)
        let panelStride = inPlace ? plane : mr
        // AVX-512: the C tile (7 or 8 pixels × 32 channels, stored transposed in registers);
        // otherwise one strip per item, stored from Swift.
        var stripsPerItem = cTile ? 2 : 1
        // With one group, pairs first and then `singles` single strips, so that the threads get
        // equal strip counts with as many pairs as that allows (a single strip's tile has half
        // the FMAs per weight and pixel load): 160 channels on two threads are 4 pairs and 2
        // singles (2 pairs + 1 single each), not 5 pairs (3 + 2) nor 10 singles (5 + 5).
        var singles = 0
        if cTile, threads > 1 {
            let pairItems = s.groups * ((channelStrips + 1) / 2)
            if pairItems % threads != 0 && pairItems < 8 * threads {
                if s.groups == 1 { singles = channelStrips % (2 * threads) } else { stripsPerItem = 1 }
            }
        }
        let pairs = (channelStrips - singles + stripsPerItem - 1) / stripsPerItem
        let itemsPerGroup = pairs + singles
        let items = s.groups * itemsPerGroup
        /// The first strip and strip count of item `index` within its group.
        func itemStrips(_ index: Int) -> (first: Int, count: Int) {
            index < pairs
                ? (index * stripsPerItem, min(stripsPerItem, channelStrips - index * stripsPerItem))
                : (pairs * stripsPerItem + index - pairs, 1)
        }
        let workers = Parallel.workerCount(items: items, threads: threads)
        let clamp = activation.clampBounds
        let stripFloats = Self.channelStripFloats(shape: s)
        ScratchPool.shared.withBuffers(count: 2, floats: inPlace ? 0 : max(paddedFloats, s.groups * panelFloats)) { buffers in
            let padded = buffers[0], packed = buffers[1]
            for image in 0..<s.batch {
                let imageInput = input + image * s.inChannels * s.inHeight * s.inWidth
                let source: UnsafePointer<Float>
                if columns.needsPaddedCopy {
                    columns.copyPadded(shape: s, input: imageInput, channels: 0..<s.inChannels, into: padded)
                    source = UnsafePointer(padded)
                } else {
                    source = imageInput
                }
                // Pack every group's pixel panels, split across workers by panel.
                if !inPlace {
                    Parallel.forEach(items: s.groups * pixelPanels, threads: workers) { item, _ in
                        let group = item / pixelPanels, panel = item % pixelPanels
                        columns.packPixelPanel(
                            image: source + group * s.inChannelsPerGroup * plane, depth: depth,
                            firstPixel: panel * mr, pixels: pixels, panelRows: mr,
                            into: packed + group * panelFloats + panel * mr * depth)
                    }
                }
                // Pixel panel `panel` of `group`: packed, or the input itself.
                func pixelPanel(group: Int, panel: Int) -> UnsafePointer<Float> {
                    inPlace
                        ? source + group * s.inChannelsPerGroup * plane + panel * mr
                        : UnsafePointer(packed + group * panelFloats + panel * mr * depth)
                }
                Parallel.forEach(items: items, threads: workers) { item, _ in
                    let group = item / itemsPerGroup, (strip, stripCount) = itemStrips(item % itemsPerGroup)
                    let channel0 = group * m + strip * MicroKernel.columns
                    if cTile {
                        let channelCount = min(stripCount * MicroKernel.columns, m - strip * MicroKernel.columns)
                        let weights = UnsafePointer(panels + group * stripFloats + strip * MicroKernel.columns * depth)
                        let out = output + (image * s.outChannels + channel0) * pixels
                        let res = residual.map { $0 + (image * s.outChannels + channel0) * pixels }
                        // The weights of the item this worker likely takes next stream into L2
                        // behind this one's, a part during each panel: the next item, since a
                        // worker runs its own contiguous share of the items first (`WorkShares`).
                        let next = item % itemsPerGroup + 1
                        let ahead = next < itemsPerGroup
                            ? UnsafePointer(panels + group * stripFloats + itemStrips(next).first * MicroKernel.columns * depth) : nil
                        let aheadLines = next < itemsPerGroup ? itemStrips(next).count * depth : 0
                        for panel in 0..<pixelPanels {
                            let lines = panel * aheadLines / pixelPanels..<(panel + 1) * aheadLines / pixelPanels
                            ck_avx512_channel_tile(
                                depth, pixelPanel(group: group, panel: panel), weights, channelCount,
                                out + panel * mr, res.map { $0 + panel * mr }, pixels, min(mr, pixels - panel * mr),
                                bias.map { UnsafePointer($0 + channel0) }, clamp?.lower ?? -.infinity, clamp?.upper ?? .infinity,
                                mr, panelStride, ahead.map { $0 + lines.lowerBound * MicroKernel.columns }, lines.count)
                        }
                        if clamp == nil {
                            for c in 0..<channelCount { activation.apply(out + c * pixels, count: pixels) }
                        }
                        return
                    }
                    let channelCount = min(MicroKernel.columns, m - strip * MicroKernel.columns)
                    let weights = UnsafePointer(panels + group * stripFloats + strip * MicroKernel.columns * depth)
                    let out = output + (image * s.outChannels + channel0) * pixels
                    let res = residual.map { $0 + (image * s.outChannels + channel0) * pixels }
                    var biasLanes = SIMD16<Float>()
                    if let bias {
                        for j in 0..<channelCount { biasLanes[j] = bias[channel0 + j] }
                    }
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * MicroKernel.columns) { buffer in
                        let tile = buffer.baseAddress!
                        for panel in 0..<pixelPanels {
                            microKernel.multiplyTile(
                                depth: depth, a: packed + group * panelFloats + panel * mr * depth, b: weights, into: tile)
                            Self.storeTransposed(
                                tile, bias: biasLanes, output: out, residual: res, pixelStride: pixels,
                                firstPixel: panel * mr, pixelCount: min(mr, pixels - panel * mr),
                                channelCount: channelCount, activation: activation)
                        }
                    }
                }
            }
        }
    }

    /// Writes a tile of pixels (rows of 16 floats) × 16 channels (lanes) to NCHW `output` (channel c,
    /// pixel p at `c * pixelStride + p`): `activation(tile + bias + residual)`. Each element
    /// is read from `residual` before it is written, so `residual` may alias `output`.
    @inline(__always)
    static func storeTransposed(
        _ tile: UnsafePointer<Float>, bias: SIMD16<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, pixelStride: Int, firstPixel: Int, pixelCount: Int,
        channelCount: Int, activation: Activation
    ) {
        for j in 0..<channelCount {
            let out = output + j * pixelStride + firstPixel
            let res = residual.map { $0 + j * pixelStride + firstPixel }
            let b = bias[j]
            for r in 0..<pixelCount {
                var x = tile[r * MicroKernel.columns + j] + b
                if let res { x += res[r] }
                out[r] = activation.apply(x)
            }
        }
    }
}
