import Foundation

/// How a `Conv2D` computes its outputs; `choose` is the one place that picks it per shape.
public enum ConvolutionAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Packed im2col GEMM, 16 output pixels per strip (any shape).
    case pixelStrips
    /// Packed im2col GEMM with the operands swapped, 16 output channels per strip
    /// (`Conv2D+ChannelStrips`, small maps with long reductions).
    case channelStrips
    /// Winograd F(2×2, 3×3): 16 GEMMs on 4×4 tiles (`WinogradConv3x3`).
    case winograd2x2
    /// Winograd F(4×4, 3×3): 36 GEMMs on 6×6 tiles (`WinogradConv3x3`).
    case winograd4x4

    public var description: String { rawValue }

    /// Whether this algorithm computes `s` at all (not whether it is fast there).
    public func supports(_ s: Conv2DShape) -> Bool {
        switch self {
        case .pixelStrips, .channelStrips: return true
        case .winograd2x2, .winograd4x4:
            return s.kernelHeight == 3 && s.kernelWidth == 3 && s.strideHeight == 1 && s.strideWidth == 1
                && s.dilationHeight == 1 && s.dilationWidth == 1 && s.groups == 1
        }
    }

    /// The algorithm for `s` with `panelRows`-row micro-kernel panels, by measurement
    /// (`kernel-bench`, README "Speed"):
    /// - Winograd needs at least 64 input and output channels, so that the GEMMs, not the
    ///   transforms, dominate (F(2×2) is 1.4–1.6× faster than the direct form for 80–512
    ///   channels at 7×7–73×73, a little at 64, slower for the 32-channel stem convolutions).
    /// - F(4×4) where its tiles fill the GEMM strips: maps of at least `winograd4MinimumSide`
    ///   outputs a side (at 7×7 its 4 tiles fill a quarter of one 16-column strip).
    /// - Otherwise the channel-vector form where it fills the tile better, else pixel strips.
    public static func choose(for s: Conv2DShape, panelRows: Int) -> ConvolutionAlgorithm {
        if ConvolutionAlgorithm.winograd2x2.supports(s) && s.inChannels >= 64 && s.outChannels >= 64 {
            return min(s.outHeight, s.outWidth) >= winograd4MinimumSide ? .winograd4x4 : .winograd2x2
        }
        return Conv2D.prefersChannelStrips(s, panelRows: panelRows) ? .channelStrips : .pixelStrips
    }

    /// The smallest output side F(4×4, 3×3) is chosen for.
    public static let winograd4MinimumSide: Int = {
        if let text = ProcessInfo.processInfo.environment["ONNX_BLOCKS_WINO4_MIN_SIDE"], let v = Int(text) { return v }
        return 12
    }()
}
