@testable import Kernels
import Testing

/// `Conv2D.Blocking`'s pixel blocks: every pixel of the map in exactly one block, blocks in
/// order, starting on strip-group boundaries (groups of the micro-kernel's `tileStrips`: 1, or 3
/// for AVX-512's 8 × 48 tile), within the workspace's `pixelBlock`, and within one group of each
/// other (so threads get equal shares).
@Test("Pixel blocks cover the map once, in whole strip groups, within one group of each other",
      arguments: [(28, 1), (28, 2), (35, 1), (35, 2), (56, 2), (56, 3), (17, 2), (73, 2), (147, 1), (7, 2), (3, 2)],
      [1, 3])
func pixelBlocksPartitionTheMap(sideAndThreads: (Int, Int), stripGroup: Int) {
    let (side, threads) = sideAndThreads
    let shape = Conv2DShape(
        batch: 1, inChannels: 64, inHeight: side, inWidth: side, outChannels: 96, kernelHeight: 1, kernelWidth: 1)
    let b = Conv2D.Blocking(shape: shape, threads: threads, panelRows: 8, stripGroup: stripGroup)
    let pixels = side * side
    let groupPixels = 16 * stripGroup
    var next = 0
    var sizes: [Int] = []
    for i in 0..<b.pixelBlocks {
        let block = b.pixels(ofBlock: i)
        #expect(block.lowerBound == next, "block \(i) of \(side)×\(side) starts at \(block.lowerBound), not \(next)")
        #expect(block.lowerBound % groupPixels == 0)
        #expect(!block.isEmpty && block.count <= b.pixelBlock)
        if block.upperBound < pixels { #expect(block.count % groupPixels == 0, "block \(i) ends inside a group") }
        sizes.append((block.count + groupPixels - 1) / groupPixels)
        next = block.upperBound
    }
    #expect(next == pixels)
    #expect(sizes.max()! - sizes.min()! <= 1, "\(side)×\(side) on \(threads) threads: groups per block \(sizes)")
    if pixels > Conv2D.Blocking.singleBlockPixels {
        let groups = Conv2D.Blocking.maximumStrips(depthBlock: b.depthBlock) / stripGroup
        #expect(b.pixelBlock <= 16 * stripGroup * groups, "blocks of at most \(groups) groups")
    }
}

/// Row chunks: every output row in exactly one chunk, in order, starting on panel boundaries,
/// larger chunks first and within one panel of each other, so threads taking chunks in turn
/// get shares within a panel of each other (320 rows in 6-row panels on 17×17: 27 | 27 panels,
/// where chunks of one size left 28 | 26).
@Test("Row chunks cover the rows once, in whole panels, larger ones first",
      arguments: [(320, 6, 2), (224, 6, 2), (1088, 6, 2), (320, 8, 2), (384, 6, 3), (2080, 6, 2), (1000, 8, 4)])
func rowChunksPartitionTheRows(rows: Int, panelRows: Int, threads: Int) {
    let shape = Conv2DShape(
        batch: 1, inChannels: 1088, inHeight: 17, inWidth: 17, outChannels: rows, kernelHeight: 1, kernelWidth: 1)
    let b = Conv2D.Blocking(shape: shape, threads: threads, panelRows: panelRows)
    #expect(b.rowChunks > 1, "a single 17×17 block on \(threads) threads splits its rows")
    var next = 0
    var panels: [Int] = []
    for i in 0..<b.rowChunks {
        let chunk = b.rows(ofChunk: i)
        #expect(chunk.lowerBound == next, "chunk \(i) starts at \(chunk.lowerBound), not \(next)")
        #expect(chunk.lowerBound % panelRows == 0)
        #expect(!chunk.isEmpty)
        panels.append((chunk.count + panelRows - 1) / panelRows)
        next = chunk.upperBound
    }
    #expect(next == rows)
    #expect(panels == panels.sorted(by: >), "\(rows) rows: panels per chunk \(panels)")
    #expect(panels.max()! - panels.min()! <= 1)
    // Threads take chunks in turn, the next one going to whoever is done first.
    var finish = [Int](repeating: 0, count: threads)
    for p in panels { finish[finish.indices.min { finish[$0] < finish[$1] }!] += p }
    #expect(finish.max()! - finish.min()! <= 1, "\(rows) rows on \(threads) threads: panels per thread \(finish)")
}

/// Where one packed B serves all row chunks (a single pixel block of one group, threads that
/// share a cache), rows come in `sharedChunksPerThread` chunks per thread, or one per panel when
/// there are fewer panels, so a thread that runs ahead can take over a slice of the other's
/// rows; threads that each pack their own B take one chunk each (every chunk packs it again).
/// (Fewer than `maximumPixelBlock` rows split the pixels instead: `pixelBlocksPartitionTheMap`.)
@Test("Row chunks: several per thread over one shared packed B, one per thread otherwise",
      arguments: [(1088, 2), (320, 2), (256, 2), (320, 3), (216, 4)])
func rowChunksPerThread(rows: Int, threads: Int) {
    let shape = Conv2DShape(
        batch: 1, inChannels: 1088, inHeight: 17, inWidth: 17, outChannels: rows, kernelHeight: 1, kernelWidth: 1)
    let panels = (rows + 7) / 8
    let shared = Conv2D.Blocking(shape: shape, threads: threads, panelRows: 8, sharesPackedB: true)
    #expect(shared.pixelBlocks == 1)
    let wanted = min(panels, Conv2D.Blocking.sharedChunksPerThread * threads)
    #expect(shared.rowChunks >= wanted && shared.rowChunks <= panels,
            "\(rows) rows on \(threads) threads: \(shared.rowChunks) chunks for \(panels) panels")
    #expect(shared.rowChunks % threads == 0 || shared.rowChunks == panels)
    // Several per thread: with two, a thread 10% behind still held a whole chunk at the end.
    #expect(shared.rowChunks >= min(panels, 4 * threads))
    let own = Conv2D.Blocking(shape: shape, threads: threads, panelRows: 8, sharesPackedB: false)
    #expect(own.rowChunks == min(panels, threads), "\(rows) rows, own B per thread: \(own.rowChunks) chunks")
}
