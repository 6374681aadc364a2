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
        let m = outChannels, c = inChannels
        let (columnBlocks, blockWidth) = Self.columnBlocks(
            tiles: p, columnBlock: columnBlock, transformCount: transformCount, threads: threads)
        let items = transformCount * columnBlocks
        let workers = Parallel.workerCount(items: items, threads: threads)
        let kc0 = min(c, Self.depthBlock)
        let rowsPadded = PackedPanels.panelCount(rows: m, panelRows: microKernel.rows) * microKernel.rows
        // Packed strips are whole: 16 columns each.
        ScratchPool.shared.withBuffers(count: workers, floats: kc0 * ((blockWidth + 15) / 16 * 16)) { workspaces in
            Parallel.forEach(items: items, threads: workers) { item, worker in
                let xi = item / columnBlocks
                let column0 = (item % columnBlocks) * blockWidth
                let columns = min(blockWidth, p - column0)
                let packedB = workspaces[worker]
                let epilogue = TileEpilogue(c: products + xi * m * p, ldc: p)
                var k0 = 0
                while k0 < c {
                    let kc = min(Self.depthBlock, c - k0)
                    Gemm.packStrips(
                        source: v + (xi * c + k0) * p + column0, depthStride: p, columnStride: 1,
                        depth: kc, columns: columns, into: packedB)
                    let blockPanels = UnsafePointer(packed + xi * panelFloats + k0 * rowsPadded)
                    microKernel.multiplyPanels(
                        depth: kc, panels: blockPanels, rows: 0..<m, strips: packedB, firstColumn: column0,
                        columns: columns, epilogue: epilogue, first: k0 == 0, last: k0 + kc == c)
                    k0 += kc
                }
            }
        }
    }
}
