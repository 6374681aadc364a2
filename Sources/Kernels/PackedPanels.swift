/// A row-major matrix (rows × depth) repacked for a micro-kernel: panels of `panelRows` rows
/// (the kernel's `rows`), each stored depth-major (for every k, the panel's row values side
/// by side), rows past the end zero. Convolution weights are packed once at construction;
/// Gemm packs blocks of A per call.
struct PackedPanels {
    static func panelCount(rows: Int, panelRows: Int) -> Int {
        (rows + panelRows - 1) / panelRows
    }

    static func floatCount(rows: Int, depth: Int, panelRows: Int) -> Int {
        panelCount(rows: rows, panelRows: panelRows) * panelRows * depth
    }

    /// Packs `rows` × `depth` values where element (i, k) is `source[i * rowStride + k * depthStride]`.
    static func pack(
        rows: Int, depth: Int, panelRows mr: Int,
        source: UnsafePointer<Float>, rowStride: Int, depthStride: Int,
        into destination: UnsafeMutablePointer<Float>
    ) {
        for panel in 0..<panelCount(rows: rows, panelRows: mr) {
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
