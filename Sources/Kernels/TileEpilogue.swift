/// How a finished register tile is written to the output: scaled, accumulated onto what an
/// earlier reduction block left; bias and residual join on the first reduction block (so a
/// residual may alias the output: each element is read before it is first written) and the
/// activation on the last. One value describes a whole GEMM / convolution call; `store`
/// handles one tile.
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
    var activation: Activation = .none {
        didSet { clamp = Self.clampBounds(activation) }
    }
    /// none / relu / clip as a clamp to [lower, upper], applied inline on full tiles.
    private var clamp: (lower: Float, upper: Float)? = (-.infinity, .infinity)

    init(
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float = 1, beta: Float = 0,
        bias: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil, activation: Activation = .none
    ) {
        self.c = c
        self.ldc = ldc
        self.alpha = alpha
        self.beta = beta
        self.bias = bias
        self.residual = residual
        self.activation = activation
        clamp = Self.clampBounds(activation)
    }

    private static func clampBounds(_ activation: Activation) -> (lower: Float, upper: Float)? {
        switch activation {
        case .none: return (-.infinity, .infinity)
        case .relu: return (0, .infinity)
        case .clip(let lo, let hi): return (lo, hi)
        case .leakyRelu, .sigmoid, .tanh: return nil
        }
    }

    /// Stores a tile at (`row`, `column`) of C with `rows` × `columns` valid entries.
    /// `first`: this is the first reduction block; `last`: the last one.
    @inline(__always)
    func store(_ tile: MicroKernel.Tile, row: Int, column: Int, rows: Int, columns: Int, first: Bool, last: Bool) {
        if rows == MicroKernel.rows && columns == 16, let clamp, alpha == 1, beta == 0 {
            let out = c + row * ldc + column
            storeFull(tile.r0, out, row, first: first, last: last, clamp)
            storeFull(tile.r1, out + ldc, row + 1, first: first, last: last, clamp)
            storeFull(tile.r2, out + 2 * ldc, row + 2, first: first, last: last, clamp)
            storeFull(tile.r3, out + 3 * ldc, row + 3, first: first, last: last, clamp)
            storeFull(tile.r4, out + 4 * ldc, row + 4, first: first, last: last, clamp)
            storeFull(tile.r5, out + 5 * ldc, row + 5, first: first, last: last, clamp)
        } else {
            storeGeneral(tile, row: row, column: column, rows: rows, columns: columns, first: first, last: last)
        }
    }

    /// Full row, plain epilogue (no alpha/beta, clamp-type activation): stays in registers.
    @inline(__always)
    private func storeFull(
        _ value: SIMD16<Float>, _ out: UnsafeMutablePointer<Float>, _ row: Int,
        first: Bool, last: Bool, _ clamp: (lower: Float, upper: Float)
    ) {
        let raw = UnsafeMutableRawPointer(out)
        var v = value
        if !first {
            v += raw.loadUnaligned(as: SIMD16<Float>.self)
        } else {
            if let bias { v += bias[row] }
            if let residual {
                v += UnsafeRawPointer(residual + (out - c)).loadUnaligned(as: SIMD16<Float>.self)
            }
        }
        if last {
            v = v.replacing(with: clamp.lower, where: v .< clamp.lower)
            v = v.replacing(with: clamp.upper, where: v .> clamp.upper)
        }
        raw.storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Partial tiles, alpha/beta, and the other activations: element by element.
    @inline(never)
    private func storeGeneral(
        _ tile: MicroKernel.Tile, row: Int, column: Int, rows: Int, columns: Int, first: Bool, last: Bool
    ) {
        withUnsafeBytes(of: tile) { raw in
            let values = raw.bindMemory(to: Float.self).baseAddress!
            for r in 0..<rows {
                let value = values + r * 16
                let out = c + (row + r) * ldc + column
                for j in 0..<columns {
                    var x = alpha * value[j]
                    if !first {
                        x += out[j]
                    } else {
                        if beta != 0 { x += beta * out[j] }
                        if let bias { x += bias[row + r] }
                        if let residual { x += residual[(row + r) * ldc + column + j] }
                    }
                    if last { x = activation.apply(x) }
                    out[j] = x
                }
            }
        }
    }
}
