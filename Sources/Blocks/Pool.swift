import Kernels

/// A max or average pooling window (ONNX `MaxPool` / `AveragePool`).
public struct Pool: Sendable, Equatable {
    /// Max or average over the window.
    public enum Kind: String, Sendable, Hashable, Codable {
        case max, average
    }
    public var name: String
    public var kind: Kind
    public var window: Size2
    public var strides: Size2
    /// The pool's own padding (ignored cells: −∞ for max; excluded or zero for average).
    public var padding: Padding
    /// Zeros added *before* pooling by an explicit `Pad` (Keras' `ZeroPadding2D`); unlike
    /// `padding`, these take part in the max / average.
    public var zeroPadding: Padding
    /// AveragePool `count_include_pad`.
    public var countIncludePad: Bool
    public var ceilMode: Bool

    public init(name: String, kind: Kind, window: Size2, strides: Size2, padding: Padding = .zero,
                zeroPadding: Padding = .zero, countIncludePad: Bool = false, ceilMode: Bool = false) {
        self.name = name
        self.kind = kind
        self.window = window
        self.strides = strides
        self.padding = padding
        self.zeroPadding = zeroPadding
        self.countIncludePad = countIncludePad
        self.ceilMode = ceilMode
    }

    public func outputShape(for input: FeatureShape) -> FeatureShape {
        let pad = padding + zeroPadding
        return FeatureShape(
            channels: input.channels,
            height: WindowArithmetic.outputSize(input: input.height, kernel: window.height, stride: strides.height,
                                                padBegin: pad.top, padEnd: pad.bottom, ceilMode: ceilMode),
            width: WindowArithmetic.outputSize(input: input.width, kernel: window.width, stride: strides.width,
                                               padBegin: pad.left, padEnd: pad.right, ceilMode: ceilMode))
    }
}
