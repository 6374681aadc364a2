/// The GEMM half of every Winograd convolution: the transformed filters U_ξ (one
/// `outChannels × inChannels` matrix per transform point ξ), packed once as micro-kernel panels,
/// and the products M_ξ = U_ξ · V_ξ over a block of tiles. The 2-D (`WinogradConv3x3`) and
/// 1-D (`WinogradLineConv`) forms differ only in their transforms around it.
final class WinogradProducts: @unchecked Sendable {
    let transformCount: Int
    let outChannels: Int
    let inChannels: Int
    let microKernel: MicroKernel
    /// U_ξ for every ξ, each packed as panels in depth blocks of `depthBlock` (block-major,
    /// like `Conv2D`'s weights).
    private let packed: UnsafeMutablePointer<Float>
    private let panelFloats: Int
    static let depthBlock = 256

    /// - Parameter plain: U as `plain[(ξ·outChannels + o)·inChannels + i]`.
    init(plain: UnsafePointer<Float>, transformCount: Int, outChannels m: Int, inChannels c: Int, microKernel: MicroKernel) {
        self.transformCount = transformCount
        outChannels = m
        inChannels = c
        self.microKernel = microKernel
        let mr = microKernel.rows
        panelFloats = PackedPanels.floatCount(rows: m, depth: c, panelRows: mr)
        packed = .allocate(capacity: transformCount * panelFloats)
        let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: mr) * mr
        for xi in 0..<transformCount {
            var k0 = 0
            while k0 < c {
                let kc = min(Self.depthBlock, c - k0)
                PackedPanels.pack(
                    rows: m, depth: kc, panelRows: mr, source: plain + xi * m * c + k0, rowStride: c, depthStride: 1,
                    into: packed + xi * panelFloats + k0 * rowsPadded)
                k0 += kc
            }
        }
    }

    deinit { packed.deallocate() }

    /// How `tiles` columns are cut into GEMM work items: blocks of at most `columnBlock`, and,
    /// with several threads, enough equal blocks that the items (ξ × block) come in a multiple
    /// of the thread count: F(3, 7)'s 9 products of one block on 2 threads left one thread idle
    /// for a ninth of the phase.
    static func columnBlocks(tiles p: Int, columnBlock: Int, transformCount: Int, threads: Int) -> (count: Int, width: Int) {
        var blocks = max(1, (p + columnBlock - 1) / columnBlock)
        if threads <= 1 { return (blocks, columnBlock) }
        var candidate = blocks
        while (transformCount * candidate) % threads != 0 && candidate < blocks * threads && candidate < p { candidate += 1 }
        if (transformCount * candidate) % threads == 0 { blocks = candidate }
        let width = max(1, (p + blocks - 1) / blocks)
        return ((p + width - 1) / width, width)
    }

    /// M_ξ[o][tile] = Σᵢ U_ξ[o][i] · V_ξ[i][tile] for every ξ over `tiles` tiles, work items
    /// (ξ, block of `columnBlock` tiles) spread over the threads.
    /// - Parameters:
    ///   - v: V as `v[(ξ·inChannels + i)·tiles + tile]`.
    ///   - products: M as `products[(ξ·outChannels + o)·tiles + tile]`.
    func multiplyAll(
        _ v: UnsafePointer<Float>, tiles p: Int, columnBlock: Int, into products: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let m = outChannels
        let (columnBlocks, blockWidth) = Self.columnBlocks(
            tiles: p, columnBlock: columnBlock, transformCount: transformCount, threads: threads)
        let items = transformCount * columnBlocks
        let workers = Parallel.workerCount(items: items, threads: threads)
        let workspaceFloats = workspaceFloats(columns: blockWidth)
        Parallel.forEach(items: items, threads: workers) { item, _ in
            let column0 = (item % columnBlocks) * blockWidth
            ScratchPool.local.withBuffers(count: 1, floats: workspaceFloats) { workspace in
                multiply(
                    v, tiles: p, transform: item / columnBlocks, columns: column0..<min(p, column0 + blockWidth),
                    rows: 0..<m, into: products, workspace: workspace[0])
            }
        }
    }

    /// V laid out as the micro-kernel's packed B, for producers that write it so directly
    /// (`WinogradLineConv`): for each ξ (`xiFloats` apart) and depth block of `depthBlock`
    /// channels starting at k0, `strips` strips of 16 tiles, each the block's channels × 16.
    /// Channel i of V_ξ, tiles 16s..<16s+16, then sits at
    /// `ξ·xiFloats + k0·strips·16 + s·kc·16 + (i - k0)·16` (kc: the block's depth).
    struct StripLayout {
        let inChannels: Int
        let strips: Int
        var xiFloats: Int { inChannels * strips * 16 }
        /// Offset of channel i's first strip, and the distance between its strips.
        func channel(_ i: Int) -> (offset: Int, stripStride: Int) {
            let k0 = i / WinogradProducts.depthBlock * WinogradProducts.depthBlock
            let kc = min(WinogradProducts.depthBlock, inChannels - k0)
            return (k0 * strips * 16 + (i - k0) * 16, kc * 16)
        }
    }

    /// Rows `rows` of every M_ξ from V already in the packed layout (`StripLayout`), on the
    /// calling thread; `rows` starts at a multiple of the panel height.
    func multiplyPackedRows(
        _ v: UnsafePointer<Float>, layout: StripLayout, tiles p: Int, rows: Range<Int>, columnBlock: Int,
        into products: UnsafeMutablePointer<Float>
    ) {
        let m = outChannels, c = inChannels, mr = microKernel.rows
        let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: mr) * mr
        let blockWidth = max(16, columnBlock / 16 * 16)
        var column0 = 0
        while column0 < p {
            let columns = min(blockWidth, p - column0)
            for xi in 0..<transformCount {
                let epilogue = TileEpilogue(c: products + xi * m * p, ldc: p)
                var k0 = 0
                while k0 < c {
                    let kc = min(Self.depthBlock, c - k0)
                    let strips = v + xi * layout.xiFloats + k0 * layout.strips * 16 + (column0 / 16) * kc * 16
                    let blockPanels = UnsafePointer(packed + xi * panelFloats + k0 * rowsPadded)
                    microKernel.multiplyPanels(
                        depth: kc, panels: blockPanels + (rows.lowerBound / mr) * mr * kc, rows: rows, strips: strips,
                        firstColumn: column0, columns: columns, epilogue: epilogue, first: k0 == 0, last: k0 + kc == c)
                    k0 += kc
                }
            }
            column0 += columns
        }
    }

    /// Input channels up to which `multiply` reads V in place.
    static let inPlaceChannels = 32

    /// Floats of packed B a work item of `columns` tiles needs (whole 16-column strips).
    func workspaceFloats(columns: Int) -> Int {
        min(inChannels, Self.depthBlock) * ((columns + 15) / 16 * 16)
    }

    /// One product M_ξ, rows × columns, through the micro-kernel.
    private func multiply(
        _ v: UnsafePointer<Float>, tiles p: Int, transform xi: Int, columns: Range<Int>, rows: Range<Int>,
        into products: UnsafeMutablePointer<Float>, workspace packedB: UnsafeMutablePointer<Float>
    ) {
        let m = outChannels, c = inChannels, mr = microKernel.rows
        let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: mr) * mr
        let epilogue = TileEpilogue(c: products + xi * m * p, ldc: p)
        // V_ξ's rows are already a GEMM's B (channels × tiles), just written, so in cache: with
        // few channels (few row streams) read them in place where the kernel can, as a 1×1
        // convolution reads its input, instead of copying them into strips first.
        let inPlace = c <= Self.inPlaceChannels && microKernel.readsInPlace(columns: columns.count)
        var k0 = 0
        while k0 < c {
            let kc = min(Self.depthBlock, c - k0)
            let blockPanels = UnsafePointer(packed + xi * panelFloats + k0 * rowsPadded)
            if inPlace {
                microKernel.multiplyPanelsInPlace(
                    depth: kc, panels: blockPanels + (rows.lowerBound / mr) * mr * kc, rows: rows,
                    b: v + (xi * c + k0) * p + columns.lowerBound, ldb: p, firstColumn: columns.lowerBound,
                    columns: columns.count, epilogue: epilogue, first: k0 == 0, last: k0 + kc == c)
                k0 += kc
                continue
            }
            Gemm.packStrips(
                source: v + (xi * c + k0) * p + columns.lowerBound, depthStride: p, columnStride: 1,
                depth: kc, columns: columns.count, into: packedB)
            microKernel.multiplyPanels(
                depth: kc, panels: blockPanels + (rows.lowerBound / mr) * mr * kc, rows: rows, strips: packedB,
                firstColumn: columns.lowerBound, columns: columns.count, epilogue: epilogue,
                first: k0 == 0, last: k0 + kc == c)
            k0 += kc
        }
    }
}
