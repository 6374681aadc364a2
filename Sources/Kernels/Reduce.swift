/// Vectorized reductions over contiguous floats (vector main loop + scalar tail).
public enum Reduce {
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= count {
            acc0 += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            acc1 += UnsafeRawPointer(x + i + 16).loadUnaligned(as: SIMD16<Float>.self)
            i += 32
        }
        var total = (acc0 + acc1).sum()
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }

    /// Maximum (NaN-propagation is not guaranteed); -infinity for an empty range.
    public static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var i = 0
        var result = -Float.infinity
        if count >= 16 {
            var acc = UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self)
            i = 16
            while i + 16 <= count {
                acc = lanewiseMax(acc, UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self))
                i += 16
            }
            result = acc.max()
        }
        while i < count {
            result = max(result, x[i])
            i += 1
        }
        return result
    }
}
