/// A row-major matrix (rows × depth) repacked for the micro-kernel: panels of 6 rows, each
/// stored depth-major (for every k, the 6 row values side by side), rows past the end zero.
/// Convolution weights are packed once at construction; Gemm packs blocks of A per call.
struct PackedPanels {
    static func panelCount(rows: Int) -> Int {
        (rows + MicroKernel.rows - 1) / MicroKernel.rows
    }

    static func floatCount(rows: Int, depth: Int) -> Int {
        panelCount(rows: rows) * MicroKernel.rows * depth
    }

    /// Packs `rows` × `depth` values where element (i, k) is `source[i * rowStride + k * depthStride]`.
    static func pack(
        rows: Int, depth: Int,
        source: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        let mr = MicroKernel.rows
        for panel in 0..<panelCount(rows: rows) {
            let out = destination + panel * mr * depth
            let firstRow = panel * mr
            let validRows = min(mr, rows - firstRow)
            for r in 0..<mr {
                if r < validRows {
                    let src = source + (firstRow + r) * rowStride
                    if depthStride == 1 {
                        for k in 0..<depth { out[k * mr + r] = src[k] }
                    } else {
                        for k in 0..<depth { out[k * mr + r] = src[k * depthStride] }
                    }
                } else {
                    for k in 0..<depth { out[k * mr + r] = 0 }
                }
            }
        }
    }
}
