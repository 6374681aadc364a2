@testable import Kernels
import Testing

/// `Conv2D.Blocking`'s pixel blocks: every pixel of the map in exactly one block, blocks in
/// order, starting on strip boundaries, within the workspace's `pixelBlock`, and within one
/// strip of each other (so threads get equal shares).
@Test("Pixel blocks cover the map once, in whole strips, within one strip of each other",
      arguments: [(28, 1), (28, 2), (35, 1), (35, 2), (56, 2), (56, 3), (17, 2), (73, 2), (147, 1), (7, 2), (3, 2)])
func pixelBlocksPartitionTheMap(side: Int, threads: Int) {
    let shape = Conv2DShape(
        batch: 1, inChannels: 64, inHeight: side, inWidth: side, outChannels: 96, kernelHeight: 1, kernelWidth: 1)
    let b = Conv2D.Blocking(shape: shape, threads: threads, panelRows: 8)
    let pixels = side * side
    var next = 0
    var sizes: [Int] = []
    for i in 0..<b.pixelBlocks {
        let block = b.pixels(ofBlock: i)
        #expect(block.lowerBound == next, "block \(i) of \(side)×\(side) starts at \(block.lowerBound), not \(next)")
        #expect(block.lowerBound % 16 == 0)
        #expect(!block.isEmpty && block.count <= b.pixelBlock)
        sizes.append((block.count + 15) / 16)
        next = block.upperBound
    }
    #expect(next == pixels)
    #expect(sizes.max()! - sizes.min()! <= 1, "\(side)×\(side) on \(threads) threads: strips per block \(sizes)")
}
