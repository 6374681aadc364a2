/// The register-blocked inner product shared by `Conv2D` and `Gemm`.
///
/// A tile of `rows` × `columns` outputs is held in registers while the kernel walks the
/// reduction dimension: each step broadcasts `rows` values of the packed A panel and
/// multiplies them with one 16-wide row of the packed B strip. 6 × 16 keeps 12 accumulator
/// registers live on AVX2 (16 ymm), leaving room for the B row and a broadcast.
enum MicroKernel {
    /// Rows of a packed A panel (output channels per tile).
    static let rows = 6
    /// Columns of a packed B strip (output pixels per tile).
    static let columns = 16

    /// `a`: `depth` groups of 6 floats (k-major panel); `b`: `depth` rows of 16 floats.
    @inline(__always)
    static func multiply<F: MultiplyAdd>(
        depth: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, using _: F.Type
    ) -> Tile {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
        var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
        var ap = a
        var bp = UnsafeRawPointer(b)
        for _ in 0..<depth {
            let row = bp.loadUnaligned(as: SIMD16<Float>.self)
            c0 = F.apply(SIMD16(repeating: ap[0]), row, c0)
            c1 = F.apply(SIMD16(repeating: ap[1]), row, c1)
            c2 = F.apply(SIMD16(repeating: ap[2]), row, c2)
            c3 = F.apply(SIMD16(repeating: ap[3]), row, c3)
            c4 = F.apply(SIMD16(repeating: ap[4]), row, c4)
            c5 = F.apply(SIMD16(repeating: ap[5]), row, c5)
            ap += 6
            bp += 64
        }
        return Tile(r0: c0, r1: c1, r2: c2, r3: c3, r4: c4, r5: c5)
    }

    /// Rows `rows` × `columns` columns of C for one depth block, panel by panel: each panel
    /// walks the strips front to back, so every output (and residual) row is written as a
    /// sequential stream the prefetchers follow. `panels`: the block's packed A (the panel of
    /// row r at (r / 6)·6·depth, `rows.lowerBound` a multiple of 6); `strips`: packed B
    /// (strip s at s·depth·16, C columns `firstColumn + 16·s` on).
    @inline(__always)
    static func multiplyPanels<F: MultiplyAdd>(
        depth: Int, panels: UnsafePointer<Float>, rows: Range<Int>,
        strips: UnsafePointer<Float>, firstColumn: Int, columns: Int,
        epilogue: TileEpilogue, first: Bool, last: Bool, using multiplyAdd: F.Type
    ) {
        let stripCount = (columns + Self.columns - 1) / Self.columns
        var row = rows.lowerBound
        while row < rows.upperBound {
            let aPanel = panels + (row / Self.rows) * Self.rows * depth
            for strip in 0..<stripCount {
                let tile = multiply(depth: depth, a: aPanel, b: strips + strip * depth * Self.columns, using: multiplyAdd)
                epilogue.store(
                    tile, row: row, column: firstColumn + strip * Self.columns, rows: min(Self.rows, rows.upperBound - row),
                    columns: min(Self.columns, columns - strip * Self.columns), first: first, last: last)
            }
            row += Self.rows
        }
    }

    /// Six 16-wide accumulator rows.
    struct Tile {
        var r0, r1, r2, r3, r4, r5: SIMD16<Float>
    }
}
