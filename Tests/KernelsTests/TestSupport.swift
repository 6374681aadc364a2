import Kernels

/// Deterministic pseudo-random floats in [-1, 1) (SplitMix64), so failures reproduce.
struct SeededValues {
    private var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }

    mutating func array(_ count: Int) -> [Float] {
        (0..<count).map { _ in next() }
    }
}

/// Largest violation of `|a - b| <= atol + rtol·|b|` (≤ 1 means every element passes), or with
/// `scale`, of `|a - b| <= atol + rtol·scale` (Runtime's scale rule, where `scale` is the
/// magnitude the error is relative to, e.g. the largest output).
func worstViolation(
    _ actual: [Float], _ expected: [Float], rtol: Float = 1e-4, atol: Float = 1e-5, scale: Float? = nil
) -> Float {
    precondition(actual.count == expected.count)
    var worst: Float = 0
    for (a, b) in zip(actual, expected) {
        if a.isNaN != b.isNaN { return .infinity }
        if a.isNaN { continue }
        if a == b { continue }
        worst = max(worst, abs(a - b) / (atol + rtol * (scale ?? abs(b))))
    }
    return worst
}
