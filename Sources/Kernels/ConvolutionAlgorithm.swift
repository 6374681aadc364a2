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

    /// The algorithm for `s` with `microKernel`'s panels and tiles, by measurement
    /// (`kernel-bench --algorithm A --ab --ab-algorithm B`, one core, README "Speed"):
    /// - F(4×4) on maps of at least `winograd4MinimumSide` outputs a side with 64+ input and
    ///   output channels (1.13–1.5× faster than F(2×2) at 14×14–73×73), and on maps of 24+ a side
    ///   with 32+ channels (the Inception stems and branches: 1.25–2.0× faster than the direct
    ///   form, where F(2×2) gains 1.1–1.4×). At 14×14 with 32 channels it gains nothing.
    /// - F(2×2) on smaller maps with 64+ channels (at 7×7 and 8×8, F(4×4)'s 4 tiles fill a
    ///   quarter of a 16-column strip: half F(2×2)'s speed).
    /// - Otherwise the channel-vector form where it fills the tile better, else pixel strips.
    public static func choose(for s: Conv2DShape, microKernel: MicroKernel) -> ConvolutionAlgorithm {
        if ConvolutionAlgorithm.winograd2x2.supports(s) {
            let channels = min(s.inChannels, s.outChannels), side = min(s.outHeight, s.outWidth)
            if channels >= 64 && side >= winograd4MinimumSide || channels >= 32 && side >= 24 { return .winograd4x4 }
            if channels >= 64 { return .winograd2x2 }
        }
        // The AVX-512 C channel tile pays from a 128-deep reduction, the Swift form from 256.
        let minimumDepth = Conv2D.hasChannelTile(microKernel) ? 128 : 256
        return Conv2D.prefersChannelStrips(s, panelRows: microKernel.rows, minimumDepth: minimumDepth)
            ? .channelStrips : .pixelStrips
    }

    /// The smallest output side F(4×4, 3×3) is chosen for.
    public static let winograd4MinimumSide: Int = {
        if let text = ProcessInfo.processInfo.environment["ONNX_BLOCKS_WINO4_MIN_SIDE"], let v = Int(text) { return v }
        return 12
    }()
}
