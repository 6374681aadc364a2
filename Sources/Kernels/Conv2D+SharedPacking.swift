extension Conv2D {
    /// Whether one image's work is a single pixel block split by output rows over the threads
    /// (small maps with many output channels: ResNet50's 14×14 stage). Each row chunk used to
    /// pack the whole of B for itself, so two threads packed it twice (1024 × 196 floats for
    /// a 1024→256 layer, a sixth of each thread's time); here it is packed once, by all threads.
    func sharesPacking(blocking b: Blocking, workers: Int) -> Bool {
        workers > 1 && b.pixelBlocks == 1 && b.rowChunks > 1 && shape.groups == 1 && b.sharesPackedB
            && !(readsInputInPlace && microKernel.readsInPlace(columns: shape.outHeight * shape.outWidth))
    }

    /// `sharesPacking`'s form: B's strips packed for every depth block into one buffer, the
    /// packing split over the threads, then each thread multiplies its row chunk over all of it.
    /// - Parameter image: the zero-bordered copy or the input itself, as `computeBlock` reads it.
    func runSharedPacking(image: UnsafePointer<Float>, epilogue: TileEpilogue, workers: Int, blocking b: Blocking) {
        let s = shape
        let pixels = s.outHeight * s.outWidth
        let strips = (pixels + 15) / 16
        let depth = b.depth
        let depthBlocks = (depth + b.depthBlock - 1) / b.depthBlock
        let stripChunks = min(strips, 2 * workers)
        let stripsPerChunk = (strips + stripChunks - 1) / stripChunks
        ScratchPool.shared.withBuffers(count: 1, floats: depth * strips * 16) { buffers in
            let packed = buffers[0]
            // Block k0 (depth kc) holds its strips at packed + k0·strips·16, strip j at j·kc·16.
            Parallel.forEach(items: depthBlocks * stripChunks, threads: workers) { item, _ in
                let k0 = item / stripChunks * b.depthBlock
                let kc = min(b.depthBlock, depth - k0)
                let first = item % stripChunks * stripsPerChunk
                let count = min(strips, first + stripsPerChunk) - first
                if count <= 0 { return }
                columns.pack(
                    image: image, depthStart: k0, depthCount: kc, firstStrip: first, stripCount: count,
                    into: packed + k0 * strips * 16 + first * kc * 16)
            }
            Parallel.forEach(items: b.rowChunks, threads: workers) { chunk, _ in
                let chunkRows = b.rows(ofChunk: chunk)
                if chunkRows.isEmpty { return }
                var k0 = 0
                while k0 < depth {
                    let kc = min(b.depthBlock, depth - k0)
                    multiplyRowBlocks(
                        depth: kc, blockPanels: panels + k0 * b.rowsPadded, rows: chunkRows,
                        strips: packed + k0 * strips * 16, pixelStart: 0, pixelCount: pixels, epilogue: epilogue,
                        first: k0 == 0, last: k0 + kc == depth, blocking: b)
                    k0 += kc
                }
            }
        }
    }
}
