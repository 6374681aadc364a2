/// When a `Pad` only adds zeros around the spatial axes, so that the Conv or pool reading it
/// can take the padding as its own `pads`: the one rule both Runtime's fusion and
/// BlockMapper's extractor apply, so the runtime and the block map never disagree on which
/// Pads fold.
public enum SpatialZeroPad {
    /// The spatial pads in a Conv's `pads` order (all begins, then all ends), or nil unless
    /// the Pad is constant-mode with value 0, names no axes, leaves batch and channel axes
    /// alone, pads no axis negatively, and has rank ≥ 3 (N, C and at least one spatial axis).
    /// - Parameters:
    ///   - pads: the Pad's `pads` (attribute before opset 11, constant input after): begins then ends.
    ///   - value: the padding value (attribute or constant input); nil when it is not a known constant.
    public static func spatialPads(mode: String, pads: [Int64], value: Float?, axesGiven: Bool) -> [Int]? {
        guard mode == "constant", value == 0, !axesGiven, pads.count % 2 == 0 else { return nil }
        let rank = pads.count / 2
        guard rank >= 3, pads.allSatisfy({ $0 >= 0 }),
              pads[0] == 0, pads[1] == 0, pads[rank] == 0, pads[rank + 1] == 0 else { return nil }
        return (Array(pads[2..<rank]) + Array(pads[(rank + 2)...])).map { Int($0) }
    }
}
