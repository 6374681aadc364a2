import Foundation

/// A small deterministic random source (SplitMix64) so a seed gives the same weights (Blocks)
/// and generated inputs (Runtime) on every platform and Swift version (the standard library's
/// generators promise neither). Lives in Kernels, the one module both depend on.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    /// Box–Muller makes normals in pairs; the second waits here.
    private var spare: Float?

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

    /// Normal by Marsaglia's polar method (no trigonometry), using both values of each pair.
    public mutating func normal(mean: Float = 0, std: Float = 1) -> Float {
        if let z = spare {
            spare = nil
            return mean + std * z
        }
        while true {
            let u = Double(unit()) * 2 - 1
            let v = Double(unit()) * 2 - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let factor = (-2 * Foundation.log(s) / s).squareRoot()
            spare = Float(v * factor)
            return mean + std * Float(u * factor)
        }
    }
}
