import Foundation

/// The activation fused into a kernel's epilogue (applied after bias and residual).
public enum Activation: Sendable, Equatable {
    case none
    case relu
    case clip(min: Float, max: Float)
    case leakyRelu(alpha: Float)
    case sigmoid
    case tanh

    /// Scalar form; also the reference the tests compare against.
    @inline(__always)
    public func apply(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return x > 0 ? x : 0
        case .clip(let lo, let hi): return Swift.min(Swift.max(x, lo), hi)
        case .leakyRelu(let alpha): return x >= 0 ? x : x * alpha
        case .sigmoid: return Activation.sigmoid(x)
        case .tanh: return Foundation.tanh(x)
        }
    }

    /// Numerically stable logistic function (no overflow for large |x|).
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x >= 0 {
            return 1 / (1 + exp(-x))
        }
        let e = exp(x)
        return e / (1 + e)
    }

    /// Vector form for the piecewise-linear activations; the transcendental ones go lane by lane.
    @inline(__always)
    func apply(_ v: SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .none: return v
        case .relu: return v.replacing(with: 0, where: v .< 0)
        case .clip(let lo, let hi):
            return v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
        case .leakyRelu(let alpha): return v.replacing(with: v * alpha, where: v .< 0)
        case .sigmoid, .tanh:
            var r = v
            for i in 0..<16 { r[i] = apply(v[i]) }
            return r
        }
    }

    /// Applies the activation in place over `count` contiguous floats.
    public func apply(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        if self == .none { return }
        var i = 0
        while i + 16 <= count {
            let raw = UnsafeMutableRawPointer(buffer + i)
            let v = raw.loadUnaligned(as: SIMD16<Float>.self)
            raw.storeBytes(of: apply(v), as: SIMD16<Float>.self)
            i += 16
        }
        while i < count {
            buffer[i] = apply(buffer[i])
            i += 1
        }
    }
}

extension Activation {
    /// none / relu / clip as a clamp to [lower, upper] (what the C kernels apply as they
    /// store); nil for the others, which the Swift callers apply afterwards.
    var clampBounds: (lower: Float, upper: Float)? {
        switch self {
        case .none: return (-.infinity, .infinity)
        case .relu: return (0, .infinity)
        case .clip(let lo, let hi): return (lo, hi)
        case .leakyRelu, .sigmoid, .tanh: return nil
        }
    }
}
