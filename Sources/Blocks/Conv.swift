import Kernels

/// A 2-D convolution with its weights (ONNX `Conv`, NCHW, kernel layout OIHW).
///
/// `padding` includes any explicit zero `Pad` that preceded the conv in the source graph
/// (Keras' `ZeroPadding2D`), since the two compute the same thing.
/// `weights` may be empty in a structure-only network (a spec without weights).
public struct Conv: Sendable, Equatable {
    public var name: String
    public var inputChannels: Int
    public var outputChannels: Int
    public var kernel: Size2
    public var strides: Size2
    public var padding: Padding
    public var dilations: Size2
    public var group: Int
    /// OIHW: `outputChannels × inputChannels/group × kernel.height × kernel.width`.
    public var weights: [Float]
    /// One per output channel; nil when the conv has none (Keras `use_bias=False`, BN after).
    public var bias: [Float]?

    public init(
        name: String, inputChannels: Int, outputChannels: Int, kernel: Size2,
        strides: Size2 = .one, padding: Padding = .zero, dilations: Size2 = .one, group: Int = 1,
        weights: [Float] = [], bias: [Float]? = nil
    ) {
        self.name = name
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernel = kernel
        self.strides = strides
        self.padding = padding
        self.dilations = dilations
        self.group = group
        self.weights = weights
        self.bias = bias
    }

    /// Number of weight elements the geometry asks for.
    public var weightCount: Int { outputChannels * (inputChannels / max(group, 1)) * kernel.height * kernel.width }
    public var hasWeights: Bool { !weights.isEmpty }
    /// One group per input channel (MobileNet, Xception): a spatial filter per channel.
    public var isDepthwise: Bool { group > 1 && group == inputChannels }
    /// Trainable parameters: kernel plus bias.
    public var parameterCount: Int { weightCount + (bias == nil ? 0 : outputChannels) }

    /// Output shape for an input shape (floor division, as ONNX without ceil_mode).
    public func outputShape(for input: FeatureShape) -> FeatureShape {
        FeatureShape(
            channels: outputChannels,
            height: WindowArithmetic.outputSize(input: input.height, kernel: kernel.height, stride: strides.height,
                                                dilation: dilations.height, padBegin: padding.top, padEnd: padding.bottom),
            width: WindowArithmetic.outputSize(input: input.width, kernel: kernel.width, stride: strides.width,
                                               dilation: dilations.width, padBegin: padding.left, padEnd: padding.right))
    }

    /// Multiply-accumulates for one image.
    public func macs(for input: FeatureShape) -> Int {
        let out = outputShape(for: input)
        return out.elementCount * (inputChannels / max(group, 1)) * kernel.height * kernel.width
    }
}
