import ONNXIR
/// Broadcasting binary and plain unary loops over raw buffers, generic over the element.
/// Inner loops are written so the optimizer vectorizes them (contiguous, or one side scalar).
enum Elementwise {
    /// `op` over `a` and `b` broadcast together; the result has element type `type` (default: `a`'s).
    @inline(__always)
    static func binary<T, U>(
        _ a: TensorValue, _ b: TensorValue, as _: T.Type, into type: ElementType? = nil,
        _ context: ExecutionContext, _ op: (T, T) -> U
    ) throws -> TensorValue {
        let bc = try Broadcast([a.shape, b.shape])
        let out = context.output(bc.shape, type ?? a.elementType)
        let pa = UnsafePointer(a.raw.assumingMemoryBound(to: T.self))
        let pb = UnsafePointer(b.raw.assumingMemoryBound(to: T.self))
        let po = out.raw.assumingMemoryBound(to: U.self)
        if out.count == 0 { return out }
        let n = bc.inner
        let sa = bc.strides[0].last!, sb = bc.strides[1].last!
        context.parallelFor(bc.outerCount, cost: n) { range in
            bc.forEachRun(range) { off, o in
                let x = pa + off[0], y = pb + off[1], z = po + o
                if sa == 1 && sb == 1 {
                    for i in 0..<n { z[i] = op(x[i], y[i]) }
                } else if sa == 1 {
                    let yy = y[0]
                    for i in 0..<n { z[i] = op(x[i], yy) }
                } else if sb == 1 {
                    let xx = x[0]
                    for i in 0..<n { z[i] = op(xx, y[i]) }
                } else {
                    let v = op(x[0], y[0])
                    for i in 0..<n { z[i] = v }
                }
            }
        }
        return out
    }

    @inline(__always)
    static func unary<T, U>(
        _ a: TensorValue, from _: T.Type, to _: U.Type, type: ElementType,
        _ context: ExecutionContext, _ op: (T) -> U
    ) -> TensorValue {
        let out = context.output(a.shape, type)
        let x = UnsafePointer(a.raw.assumingMemoryBound(to: T.self))
        let z = out.raw.assumingMemoryBound(to: U.self)
        context.parallelFor(a.count, cost: 4) { range in
            for i in range { z[i] = op(x[i]) }
        }
        return out
    }

    /// In-place float map (used on freshly produced outputs only).
    @inline(__always)
    static func applyInPlace(_ a: TensorValue, _ context: ExecutionContext, _ op: (Float) -> Float) {
        let z = a.floats
        context.parallelFor(a.count, cost: 4) { range in
            for i in range { z[i] = op(z[i]) }
        }
    }
}
