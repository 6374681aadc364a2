/// Giving back the OIHW weights a kernel was built from, so that a caller may drop its own
/// copy once the kernel is packed (the runtime then holds the weights once, not twice).
///
/// The packed forms (pixel strips, channel strips) only move values and pad with zeros, so the
/// weights can be read back exactly. Rather than mirror each packing layout here (and drift
/// when one changes), the recovery packs a probe with the same shape, micro-kernel and
/// algorithm whose weights are their own indices + 1: each nonzero probe entry names the weight
/// at that position of the real panels. Winograd kernels keep transformed weights only: no
/// recovery.
extension Conv2D {
    /// Whether `recoverWeights` can give the weights back: a packed (non-Winograd) form whose
    /// weight indices are exact in float32.
    public var canRecoverWeights: Bool {
        !usesWinograd && shape.weightCount < 1 << 24
    }

    /// The weights this kernel was built from, `outChannels × inChannels/groups × kH × kW`, or
    /// nil when `canRecoverWeights` is false or the probe does not find every weight.
    public func recoverWeights() -> [Float]? {
        guard canRecoverWeights else { return nil }
        if let pointwise { return pointwise.recoverWeights() }
        let count = shape.weightCount
        let tags = (0..<count).map { Float($0 + 1) }
        let probe = tags.withUnsafeBufferPointer {
            Conv2D(shape: shape, weights: $0.baseAddress!, bias: nil, microKernel: microKernel, algorithm: algorithm)
        }
        var weights = [Float](repeating: 0, count: count)
        var seen = [Bool](repeating: false, count: count)
        var found = 0
        let total = panelsPerGroup * shape.groups
        for i in 0..<total {
            let tag = Int(probe.panels[i])
            guard tag > 0 else { continue }
            weights[tag - 1] = panels[i]
            if !seen[tag - 1] { seen[tag - 1] = true; found += 1 }
        }
        return found == count ? weights : nil
    }
}
