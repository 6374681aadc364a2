/// How a finished register tile is written to the output: scaled, accumulated onto what an
/// earlier reduction block left; bias and residual join on the first reduction block (so a
/// residual may alias the output: each element is read before it is first written) and the
/// activation on the last. One value describes a whole GEMM / convolution call; `store` handles one tile.
struct TileEpilogue {
    /// Output matrix, row stride `ldc`.
    var c: UnsafeMutablePointer<Float>
    var ldc: Int
    /// Multiplies the product (Gemm's alpha).
    var alpha: Float = 1
    /// On the first reduction block: add `beta * C` (Gemm's beta; 0 means C is not read).
    var beta: Float = 0
    /// Per-row bias (output channel), added on the first reduction block.
    var bias: UnsafePointer<Float>? = nil
    /// Same layout and stride as C, added on the first reduction block.
    var residual: UnsafePointer<Float>? = nil
    var activation: Activation = .none

    /// Stores a tile at (`row`, `column`) of C with `rows` × `columns` valid entries.
    /// `first`: this is the first reduction block; `last`: the last one.
    @inline(__always)
    func store(_ tile: MicroKernel.Tile, row: Int, column: Int, rows: Int, columns: Int, first: Bool, last: Bool) {
        let mode = Mode(first: first, last: last, hasBeta: beta != 0)
        storeRow(tile.r0, row: row, column: column, columns: columns, mode: mode)
        if rows > 1 { storeRow(tile.r1, row: row + 1, column: column, columns: columns, mode: mode) }
        if rows > 2 { storeRow(tile.r2, row: row + 2, column: column, columns: columns, mode: mode) }
        if rows > 3 { storeRow(tile.r3, row: row + 3, column: column, columns: columns, mode: mode) }
        if rows > 4 { storeRow(tile.r4, row: row + 4, column: column, columns: columns, mode: mode) }
        if rows > 5 { storeRow(tile.r5, row: row + 5, column: column, columns: columns, mode: mode) }
    }

    struct Mode {
        var first: Bool
        var last: Bool
        var hasBeta: Bool
    }

    @inline(__always)
    private func storeRow(_ value: SIMD16<Float>, row: Int, column: Int, columns: Int, mode: Mode) {
        let out = c + row * ldc + column
        if columns == 16 {
            let raw = UnsafeMutableRawPointer(out)
            var v = alpha == 1 ? value : value * alpha
            if !mode.first {
                v += raw.loadUnaligned(as: SIMD16<Float>.self)
            } else {
                if mode.hasBeta { v += beta * raw.loadUnaligned(as: SIMD16<Float>.self) }
                if let bias { v += bias[row] }
                if let residual {
                    v += UnsafeRawPointer(residual + row * ldc + column).loadUnaligned(as: SIMD16<Float>.self)
                }
            }
            if mode.last { v = activation.apply(v) }
            raw.storeBytes(of: v, as: SIMD16<Float>.self)
        } else {
            for j in 0..<columns {
                var x = alpha * value[j]
                if !mode.first {
                    x += out[j]
                } else {
                    if mode.hasBeta { x += beta * out[j] }
                    if let bias { x += bias[row] }
                    if let residual { x += residual[row * ldc + column + j] }
                }
                if mode.last { x = activation.apply(x) }
                out[j] = x
            }
        }
    }
}
