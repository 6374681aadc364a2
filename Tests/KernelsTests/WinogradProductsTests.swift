@testable import Kernels
import Testing

/// The GEMM work items of a Winograd convolution cover every tile once, stay within the column
/// block, and on several threads come in a multiple of the thread count where the tiles allow
/// (F(3, 7) on a 17×17 map: 9 products × 102 tiles on 2 threads).
@Test("Winograd GEMM column blocks cover the tiles and balance the threads", arguments: [
    (102, 128, 9, 2), (102, 128, 9, 1), (153, 128, 9, 2), (196, 128, 36, 2), (4, 208, 16, 2),
    (1, 128, 9, 2), (17, 128, 9, 3), (400, 128, 9, 2),
])
func winogradColumnBlocks(_ tiles: Int, _ columnBlock: Int, _ transforms: Int, _ threads: Int) {
    let (count, width) = WinogradProducts.columnBlocks(
        tiles: tiles, columnBlock: columnBlock, transformCount: transforms, threads: threads)
    #expect(count >= 1 && width >= 1 && width <= columnBlock)
    #expect(count * width >= tiles && (count - 1) * width < tiles, "every tile in exactly one block")
    if threads > 1 && tiles >= threads {
        #expect((transforms * count) % threads == 0, "\(transforms * count) items on \(threads) threads")
    }
}
