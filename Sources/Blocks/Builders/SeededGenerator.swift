import Foundation

/// A small deterministic random source (SplitMix64) so a seed gives the same weights on every
/// platform and Swift version (the standard library's generators promise neither).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 random bits (exact in Float).
    public mutating func unit() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * unit() }

    /// Standard normal by Box–Muller (one value per call; simple beats fast here).
    public mutating func normal(mean: Float = 0, std: Float = 1) -> Float {
        let u1 = max(unit(), 1e-7)
        let u2 = unit()
        let radius = (-2 * Foundation.log(Double(u1))).squareRoot()
        return mean + std * Float(radius * Foundation.cos(2 * Double.pi * Double(u2)))
    }
}
