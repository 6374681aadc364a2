internal import CKernels

/// How a finished register tile is written to the output: scaled, accumulated onto what an
/// earlier reduction block left; bias and residual join on the first reduction block (so a
/// residual may alias the output: each element is read before it is first written) and the
/// activation on the last. One value describes a whole GEMM / convolution call; the
/// micro-kernel's C store applies it tile by tile (clamp-type activations included), and
/// `finish` applies the other activations to a finished region.
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
    }

    private var clampBounds: (lower: Float, upper: Float)? { activation.clampBounds }

    /// The C kernels' form for one reduction block.
    func cEpilogue(first: Bool, last: Bool) -> CKEpilogue {
        let clamp = clampBounds ?? (-.infinity, .infinity)
        return CKEpilogue(
            c: c, ldc: ldc, alpha: alpha, beta: beta, bias: bias, residual: residual,
            lower: clamp.lower, upper: clamp.upper, first: first ? 1 : 0, last: last ? 1 : 0)
    }

    /// After the last reduction block of `rows` × `columns`: the activations the C store
    /// does not apply (leaky ReLU, sigmoid, tanh).
    func finish(rows: Range<Int>, columns: Range<Int>) {
        if clampBounds != nil { return }
        for row in rows {
            activation.apply(c + row * ldc + columns.lowerBound, count: columns.count)
        }
    }
}
