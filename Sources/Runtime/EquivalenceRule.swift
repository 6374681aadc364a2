/// When a computed tensor counts as equal to a reference: the one tolerance rule that
/// `compare`, `blocks --forward-check` and the tests share, so they cannot drift apart.
///
/// Two modes are offered because one rule does not fit every tensor:
/// - ``Mode/elementwise``: `|a − b| ≤ atol + rtol·|b|` per element (the onnx
///   backend-test rule). Strict near zero, which suits activations and small outputs.
/// - ``Mode/scale``: `|a − b| ≤ atol + rtol·max|b|`, the reference's largest
///   finite magnitude. Float32 rounding grows with the values a sum passes through, so logits
///   of magnitude ~500 carry errors ~1e-4 even on elements near zero; this rule judges them
///   against the tensor's scale instead of the single element's.
public struct EquivalenceRule: Sendable, Equatable, CustomStringConvertible {
    /// What the relative tolerance multiplies.
    public enum Mode: String, Sendable, CaseIterable {
        /// `rtol·|b|` of each reference element.
        case elementwise
        /// `rtol·max|b|` over the reference's finite elements.
        case scale
    }

    public var atol: Double
    public var rtol: Double
    public var mode: Mode

    public init(atol: Double = 1e-5, rtol: Double = 1e-4, mode: Mode = .elementwise) {
        self.atol = atol
        self.rtol = rtol
        self.mode = mode
    }

    /// atol 1e-5, rtol 1e-4, elementwise: the project's default for float32 outputs.
    public static let standard = EquivalenceRule()

    /// The rule as a formula, with its numbers, for reports.
    public var description: String {
        let factor = mode == .elementwise ? "|b|" : "max|b|"
        return "\(mode.rawValue) |a − b| ≤ \(atol) + \(rtol)·\(factor)"
    }

    /// The largest error allowed at an element whose reference value is `reference`;
    /// `referenceScale` is the reference's largest finite magnitude (used by `.scale` only).
    public func allowedError(reference: Double, referenceScale: Double) -> Double {
        atol + rtol * (mode == .elementwise ? abs(reference) : referenceScale)
    }

    /// Element errors of `count` values read through `actual` and `reference`.
    /// NaN matches only NaN; an infinity only the same infinity.
    public func measure(count: Int, actual: (Int) -> Double, reference: (Int) -> Double) -> ElementErrors {
        var referenceScale = 0.0
        if mode == .scale {
            for i in 0..<count {
                let v = reference(i)
                if v.isFinite { referenceScale = max(referenceScale, abs(v)) }
            }
        }
        var result = ElementErrors(referenceScale: referenceScale)
        var worst = -1.0
        for i in 0..<count {
            let u = actual(i), v = reference(i)
            let ratio: Double
            if !u.isFinite || !v.isFinite {
                let same = (u.isNaN && v.isNaN) || u == v
                ratio = same ? 0 : .infinity
                if !same { result.maxAbsoluteError = .infinity; result.maxRelativeError = .infinity }
            } else {
                let diff = abs(u - v)
                result.maxAbsoluteError = max(result.maxAbsoluteError, diff)
                if diff > 0 { result.maxRelativeError = max(result.maxRelativeError, v == 0 ? .infinity : diff / abs(v)) }
                let allowed = allowedError(reference: v, referenceScale: referenceScale)
                ratio = allowed > 0 ? diff / allowed : (diff > 0 ? .infinity : 0)
            }
            if ratio > 1 { result.passed = false }
            if ratio > worst { worst = ratio; result.worstFlatIndex = i }
        }
        return result
    }

    /// Element errors of two float arrays; unequal lengths never pass.
    public func measure(_ actual: [Float], reference: [Float]) -> ElementErrors {
        guard actual.count == reference.count else {
            var r = ElementErrors(referenceScale: 0)
            r.passed = false
            r.maxAbsoluteError = .infinity
            r.maxRelativeError = .infinity
            r.worstFlatIndex = -1
            return r
        }
        return measure(count: actual.count, actual: { Double(actual[$0]) }, reference: { Double(reference[$0]) })
    }
}

/// What ``EquivalenceRule/measure(count:actual:reference:)`` found: the largest errors,
/// where the rule is violated most, and whether every element passed.
public struct ElementErrors: Sendable, Equatable {
    public var maxAbsoluteError = 0.0
    /// max |a − b| / |b| over elements with an error (infinite when b is 0 there).
    public var maxRelativeError = 0.0
    /// The element whose error / allowed error is largest (-1 when the lengths differ).
    public var worstFlatIndex = 0
    public var passed = true
    /// max|b| over finite reference elements, when the rule's mode is `.scale`; else 0.
    public var referenceScale: Double

    public init(referenceScale: Double) { self.referenceScale = referenceScale }
}
