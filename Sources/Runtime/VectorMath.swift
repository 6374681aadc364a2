/// Vector forms of transcendental functions the activations need, 16 lanes at a time: libm's
/// scalar `expf` made Sigmoid (SiLU in EfficientNet, MobileNetV3) half of a network's time.
enum VectorMath {
    /// `e^x` by range reduction to `x = n·ln 2 + r` (n the nearest integer, |r| ≤ ln 2 / 2), a degree-6 polynomial for
    /// `e^r` (Cephes' coefficients, about 1 ulp) and `2^n` from the exponent bits. Inputs are
    /// clamped to [-87.34, 88] (the normal float range of the result).
    @inline(__always)
    static func exp(_ input: SIMD16<Float>) -> SIMD16<Float> {
        // Compare + blend (the standard library's `clamped` is a scalar lane loop).
        let lo = SIMD16<Float>(repeating: -87.3365), hi = SIMD16<Float>(repeating: 88.0)
        var x = input.replacing(with: lo, where: input .< lo)
        x = x.replacing(with: hi, where: x .> hi)
        // Round x·log2(e) to the nearest integer by adding 1.5·2^23 (the float's low mantissa
        // bits then hold n): no per-lane floor or float-to-int conversion calls.
        let magic = SIMD16<Float>(repeating: 12582912)
        let shifted = x * 1.44269504088896341 + magic
        let n = shifted - magic
        x = x - n * 0.693359375 + n * 2.12194440e-4
        let z = x * x
        var y = SIMD16<Float>(repeating: 1.9875691500e-4)
        y = y * x + 1.3981999507e-3
        y = y * x + 8.3334519073e-3
        y = y * x + 4.1665795894e-2
        y = y * x + 1.6666665459e-1
        y = y * x + 5.0000001201e-1
        y = y * z + x + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: SIMD16<Float>.self)
    }

    /// The logistic function `1 / (1 + e^-x)`.
    @inline(__always)
    static func sigmoid(_ x: SIMD16<Float>) -> SIMD16<Float> {
        1 / (1 + exp(-x))
    }

    /// The error function: an odd Taylor polynomial for |x| < 0.5 (terms to x^11, relative
    /// error < 1e-8 there), else `1 - erfc(|x|)` with the Chebyshev fit of erfc from Numerical
    /// Recipes (fractional error < 1.2e-7), sign restored.
    @inline(__always)
    static func erf(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let a = x.replacing(with: -x, where: x .< 0)
        let x2 = x * x
        var p = SIMD16<Float>(repeating: -1.0 / 1320)
        p = p * x2 + 1.0 / 216
        p = p * x2 - 1.0 / 42
        p = p * x2 + 1.0 / 10
        p = p * x2 - 1.0 / 3
        p = p * x2 + 1
        let small = p * x * 1.1283791670955126
        let t = 1 / (1 + 0.5 * a)
        var q = SIMD16<Float>(repeating: 0.17087277)
        q = q * t - 0.82215223
        q = q * t + 1.48851587
        q = q * t - 1.13520398
        q = q * t + 0.27886807
        q = q * t - 0.18628806
        q = q * t + 0.09678418
        q = q * t + 0.37409196
        q = q * t + 1.00002368
        q = q * t - 1.26551223
        let large = 1 - t * exp(q - a * a)
        let signed = large.replacing(with: -large, where: x .< 0)
        return signed.replacing(with: small, where: a .< 0.5)
    }

    /// Applies `op` to `count` floats, 16 at a time (the tail through a zero-padded vector, so
    /// every element sees the same arithmetic).
    @inline(__always)
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, _ op: (SIMD16<Float>) -> SIMD16<Float>) {
        var i = 0
        while i + 16 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(y + i).storeBytes(of: op(v), as: SIMD16<Float>.self)
            i += 16
        }
        if i < count {
            var v = SIMD16<Float>()
            for k in 0..<(count - i) { v[k] = x[i + k] }
            let r = op(v)
            for k in 0..<(count - i) { y[i + k] = r[k] }
        }
    }
}
