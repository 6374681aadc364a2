extension Conv2D {
    /// Cache blocking of one convolution: the reduction is cut into blocks of `depthBlock`
    /// (a packed B strip of depthBlock × 16 floats stays in L1), pixels into blocks of
    /// `pixelBlock` (the packed B block stays in L2), output rows into blocks of `rowBlock`
    /// (the weight panels they use stay in L2). When an image has too few pixel blocks to feed
    /// every thread, rows are split into `rowChunks` work items as well.
    struct Blocking {
        var depth: Int
        var depthBlock: Int
        var pixelBlock: Int
        var pixelBlocks: Int
        var rowBlock: Int
        /// Output channels per group rounded up to whole panels.
        var rowsPadded: Int
        var rowsPerChunk: Int
        var rowChunks: Int

        static let maximumDepthBlock = 256
        static let maximumPixelBlock = 16 * 12
        static let rowBlockPanels = 16

        init(shape s: Conv2DShape, threads: Int = 2) {
            let mr = MicroKernel.rows
            depth = s.inChannelsPerGroup * s.kernelHeight * s.kernelWidth
            let depthBlocks = (depth + Self.maximumDepthBlock - 1) / Self.maximumDepthBlock
            depthBlock = (depth + depthBlocks - 1) / depthBlocks
            let pixels = s.outHeight * s.outWidth
            let pixelBlocksNeeded = (pixels + Self.maximumPixelBlock - 1) / Self.maximumPixelBlock
            // Balanced blocks, rounded up to whole strips.
            pixelBlock = ((pixels + pixelBlocksNeeded - 1) / pixelBlocksNeeded + 15) / 16 * 16
            pixelBlocks = (pixels + pixelBlock - 1) / pixelBlock
            rowBlock = Self.rowBlockPanels * mr
            let m = s.outChannelsPerGroup
            let panels = (m + mr - 1) / mr
            rowsPadded = panels * mr
            // Split rows only where pixel blocks alone leave threads idle.
            let perImage = s.groups * pixelBlocks
            var chunks = 1
            if perImage * s.batch < 2 * threads {
                chunks = min(panels, max(1, (2 * threads + perImage - 1) / perImage))
            }
            rowsPerChunk = (panels + chunks - 1) / chunks * mr
            rowChunks = (m + rowsPerChunk - 1) / rowsPerChunk
        }

        /// Floats per worker: the packed B block.
        var workspaceFloats: Int { depthBlock * pixelBlock }
    }
}
