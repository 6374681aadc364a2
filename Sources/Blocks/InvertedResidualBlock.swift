import Foundation
/// MobileNetV2's inverted residual (Sandler et al. 2018): an optional 1×1 expansion, a 3×3
/// depthwise conv, a linear 1×1 projection (BN, no activation), and an identity shortcut when
/// stride and channels allow one.
public struct InvertedResidualBlock: Sendable, Equatable {
    public var name: String
    /// expansion conv unit (may be absent), depthwise unit, projection conv + BN.
    public var layers: [Layer]
    public var hasShortcut: Bool

    public init(name: String, layers: [Layer], hasShortcut: Bool) {
        self.name = name
        self.layers = layers
        self.hasShortcut = hasShortcut
    }

    public var inputChannels: Int { Layer.convs(in: layers).first?.inputChannels ?? 0 }
    /// Channels of the depthwise conv over channels entering the block (1 when there is no
    /// expansion). Not always whole: MobileNetV3-Small expands 16 → 72 (4.5) and 24 → 88 (3.67).
    public var expansion: Double {
        guard let dw = Layer.convs(in: layers).first(where: \.isDepthwise), inputChannels > 0 else { return 1 }
        return Double(dw.inputChannels) / Double(inputChannels)
    }

    /// `expansion` as the block vocabulary writes it: an integer when whole, else three decimals.
    public var expansionValue: JSONValue {
        expansion == expansion.rounded() ? .int(Int(expansion)) : .number((expansion * 1000).rounded() / 1000)
    }

    /// `expansion` for text: "6", "4.5", "3.67".
    public var expansionText: String {
        expansion == expansion.rounded() ? String(Int(expansion)) : String(format: "%.3g", expansion)
    }
    /// Whether the block's last layer is not an activation (the paper's linear bottleneck).
    public var isLinear: Bool { if case .activation? = layers.last { return false }; return true }
    public var stride: Int { Layer.stride(of: layers) }
    public func outputShape(for input: FeatureShape) -> FeatureShape { Layer.outputShape(of: layers, for: input) }
    public var parameterCount: Int { Layer.parameterCount(of: layers) }
    public func macs(for input: FeatureShape) -> Int { Layer.macs(of: layers, for: input) }
}
