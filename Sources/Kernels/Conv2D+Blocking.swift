extension Conv2D {
    /// Cache blocking of one convolution: the reduction is cut into blocks of `depthBlock`
    /// (every block after the first reads and rewrites C: few, long blocks), pixels into blocks of
    /// `pixelBlock` (the packed B block stays in L2), output rows into blocks of `rowBlock`
    /// (the weight panels they use stay in L2). When an image has too few pixel blocks to feed
    /// every thread, rows are split into `rowChunks` work items as well.
    struct Blocking {
        var depth: Int
        var depthBlock: Int
        /// Output pixels per image and group.
        var pixels: Int
        /// The largest pixel block (whole strips; the packed B workspace holds one).
        var pixelBlock: Int
        var pixelBlocks: Int
        var rowBlock: Int
        /// Output channels per group rounded up to whole panels.
        var rowsPadded: Int
        /// Output channels per group, and the micro-kernel's panel height.
        var rows: Int
        var panelRows: Int
        var rowChunks: Int
        /// Strips per group: pixel blocks hold whole groups (but the map's last), so the
        /// micro-kernel's widest tile (`MicroKernel.tileStrips`) fills every block.
        var stripGroup: Int
        /// Whether threads that split one pixel block's rows pack B once for all of them
        /// (`Conv2D+SharedPacking`), or each its own.
        var sharesPackedB: Bool

        /// 512, not 256: Inception-ResNet's 384 → 1088 up-projections (C 1.26 MB, with a
        /// residual) then write C once instead of twice, 5% faster each in the network
        /// (lockstep A/B, one AVX-512 core: Inception-ResNet-V2 0.965–0.986, the other networks
        /// 0.995–1.01). The strips stream from L2 either way (panel by panel, see `computeBlock`).
        static let maximumDepthBlock = 512
        static let maximumPixelBlock = 16 * 13
        /// Shallow reductions take longer pixel blocks, up to a packed B block of this size
        /// (deep ones keep `maximumPixelBlock`): a 16-deep block of 13 strips held 13 KB, and
        /// each panel then wrote 8 output planes 208 pixels at a time, 96 planes in turn, more
        /// write streams than the prefetchers follow. MobileNetV2's 16 → 96 at 112×112, one Zen 4
        /// core: 0.66 → 0.62 ms (cold caches 1.16 → 0.81); the network 0.94 (lockstep A/B, one
        /// thread), ResNet50 and Inception-ResNet-V2 even.
        static let packedBlockBytes = 256 << 10
        /// The most strips in a pixel block of a `depthBlock`-deep reduction.
        static func maximumStrips(depthBlock: Int) -> Int {
            max(maximumPixelBlock / 16, packedBlockBytes / (max(1, depthBlock) * 16 * 4))
        }
        /// With 3-strip groups, 4 (12 strips) in deep reductions: 13 left a lone strip, an
        /// 8 × 16 tile of 8 accumulators, at every block's end.
        static func maximumGroups(stripGroup g: Int, depthBlock: Int) -> Int {
            max(1, maximumStrips(depthBlock: depthBlock) / g)
        }
        /// A map of up to this many pixels is one block, whatever `maximumPixelBlock` says
        /// (Inception's 17×17 = 289 pixels, 19 strips). Two blocks would each stream all the
        /// weights, and those layers' weights (1088 → 320, 384 → 1088: 1.4–1.7 MB) outweigh
        /// their B blocks; as one block, two threads split the rows and share one packed B, each
        /// streaming half the weights (Inception-ResNet-V2, two threads, lockstep A/B: 0.96).
        static let singleBlockPixels = 16 * 19
        /// Row chunks per thread where all chunks share one packed B (`Conv2D+SharedPacking`).
        /// With two per thread, a thread 10% slower than the other (this VM's vCPUs often are)
        /// still held its second chunk when the other ran out of work, which then waited; eight
        /// leave a slice of an eighth to take over. Two Emerald Rapids vCPUs, same-process
        /// alternation of 2 and 8 (`kernel-bench --threads 2`, medians of 80 calls): ResNet50's
        /// and Inception-ResNet's 1×1 layers at 14×14, 8×8 and 7×7 1.05–1.11× as fast, those at
        /// 17×17 1.00–1.03×; the best calls alike (nothing to balance there). 16 and 32: as 8.
        /// Whole networks, runs alternating in one process: Inception-ResNet-V2 0.967–0.973 the
        /// time, ResNet50 0.987–0.989, Inception-V4 0.98, InceptionV3 1.01.
        static let sharedChunksPerThread = 8
        static let rowBlockPanels = 16

        /// The depth blocking (which the packed weights follow) depends on the shape alone;
        /// pixel blocks and row chunks on the thread count too: work items come in a multiple
        /// of `threads` of about equal size, so no worker idles at the end of a convolution.
        /// `panelRows`: the micro-kernel's panel height; `stripGroup`: its `tileStrips`.
        /// `pixels`: the columns to block when not the output's pixels (the virtual columns of
        /// `Conv2D+Taps`).
        init(
            shape s: Conv2DShape, threads: Int, panelRows mr: Int, stripGroup g: Int = 1, sharesPackedB: Bool = true,
            pixels pixelOverride: Int? = nil
        ) {
            let t = max(1, threads)
            self.sharesPackedB = sharesPackedB
            stripGroup = max(1, g)
            depth = s.inChannelsPerGroup * s.kernelHeight * s.kernelWidth
            let depthBlocks = (depth + Self.maximumDepthBlock - 1) / Self.maximumDepthBlock
            depthBlock = (depth + depthBlocks - 1) / depthBlocks
            let pixels = pixelOverride ?? s.outHeight * s.outWidth
            let strips = (pixels + 15) / 16
            let groups = (strips + stripGroup - 1) / stripGroup
            let maximumGroups = Self.maximumGroups(stripGroup: stripGroup, depthBlock: depthBlock)
            var blocks = pixels <= Self.singleBlockPixels ? 1 : (groups + maximumGroups - 1) / maximumGroups
            // Work items are per image (images run one after another).
            let perImage = s.groups
            if t > 1, blocks * perImage >= t {
                // Enough pixel blocks: make their total a multiple of the thread count.
                while (blocks * perImage) % t != 0, blocks < groups { blocks += 1 }
            }
            let m = s.outChannelsPerGroup
            // Few output channels on a small map (MobileNetV2's 1×1 projections at 14×14): split
            // the pixels over the threads, each packing only its part of B, rather than the rows,
            // where every row chunk packs all of B again (for 64 rows of a 384-deep B, four
            // chunks packed 4× the B that the 64×384 weights are worth).
            let pixelSplit = t > 1 && blocks * perImage < t && m < Self.maximumPixelBlock && groups >= t
            if pixelSplit { blocks = t }
            // Blocks of whole strip groups, as equal as the groups allow (`pixels(ofBlock:)`).
            self.pixels = pixels
            pixelBlocks = blocks
            pixelBlock = (groups + blocks - 1) / blocks * stripGroup * 16
            rowBlock = Self.rowBlockPanels * mr
            let panels = (m + mr - 1) / mr
            rowsPadded = panels * mr
            // Split rows only where pixel blocks alone leave threads idle (never with one thread).
            var chunks = 1
            if t > 1, !pixelSplit, pixelBlocks * perImage < 2 * t {
                // Where one packed B serves every chunk (threads sharing a cache, a single pixel
                // block of one group: `Conv2D+SharedPacking`), chunks cost nothing extra and come
                // in `sharedChunksPerThread` per thread, so that a thread that runs ahead takes
                // over work from one that falls behind. Elsewhere each chunk packs B for itself:
                // threads that each pack their own take one chunk each, else two per thread.
                let packedOnce = sharesPackedB && pixelBlocks == 1 && perImage == 1
                let perThread = packedOnce ? Self.sharedChunksPerThread : sharesPackedB ? 2 : 1
                let wanted = perThread * t
                chunks = min(panels, max(1, (wanted + pixelBlocks * perImage - 1) / (pixelBlocks * perImage)))
                while (chunks * pixelBlocks * perImage) % t != 0, chunks < panels { chunks += 1 }
            }
            rows = m
            panelRows = mr
            rowChunks = chunks
        }

        /// The output rows of chunk `i`: whole panels, the first `panels % rowChunks` chunks one
        /// panel more than the others. Threads take chunks in turn, so the larger ones go
        /// first and each thread's share comes out within a panel of the others': with the
        /// AVX2 kernel's 6-row panels 320 rows (54 panels) went as 14 + 14 | 14 + 12 in chunks
        /// of one size, one thread waiting 4% of the layer at its end.
        func rows(ofChunk i: Int) -> Range<Int> {
            let panels = rowsPadded / panelRows
            let base = panels / rowChunks, extra = panels % rowChunks
            let first = i * base + min(i, extra)
            let count = base + (i < extra ? 1 : 0)
            return min(rows, first * panelRows)..<min(rows, (first + count) * panelRows)
        }

        /// The pixels of block `i`: strip groups ⌊i·G/n⌋ ..< ⌊(i+1)·G/n⌋ of the G groups, so
        /// blocks differ by one group at most. Blocks of one size with a short last one left two
        /// threads unequal shares: ResNet50's 28×28 maps (49 strips) went as 13 + 13 | 13 + 10.
        func pixels(ofBlock i: Int) -> Range<Int> {
            let groups = ((pixels + 15) / 16 + stripGroup - 1) / stripGroup
            let lower = min(pixels, i * groups / pixelBlocks * stripGroup * 16)
            let upper = min(pixels, (i + 1) * groups / pixelBlocks * stripGroup * 16)
            return lower..<upper
        }

        /// Floats per worker: the packed B block.
        var workspaceFloats: Int { depthBlock * pixelBlock }
    }
}
