/// The geometry of a 2-D convolution, with ONNX `Conv` attribute names and defaults.
/// Tensors are NCHW float32; weights are OIHW with I = inChannels / groups.
public struct Conv2DShape: Sendable, Equatable, Hashable {
    public var batch: Int
    public var inChannels: Int
    public var inHeight: Int
    public var inWidth: Int
    public var outChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideHeight = 1
    public var strideWidth = 1
    public var dilationHeight = 1
    public var dilationWidth = 1
    public var padTop = 0
    public var padLeft = 0
    public var padBottom = 0
    public var padRight = 0
    public var groups = 1

    public init(
        batch: Int, inChannels: Int, inHeight: Int, inWidth: Int,
        outChannels: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int = 1, strideWidth: Int = 1,
        dilationHeight: Int = 1, dilationWidth: Int = 1,
        padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0,
        groups: Int = 1
    ) {
        self.batch = batch
        self.inChannels = inChannels
        self.inHeight = inHeight
        self.inWidth = inWidth
        self.outChannels = outChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padLeft = padLeft
        self.padBottom = padBottom
        self.padRight = padRight
        self.groups = groups
    }

    public var outHeight: Int {
        WindowArithmetic.outputSize(input: inHeight, kernel: kernelHeight, stride: strideHeight, dilation: dilationHeight,
                                    padBegin: padTop, padEnd: padBottom)
    }

    public var outWidth: Int {
        WindowArithmetic.outputSize(input: inWidth, kernel: kernelWidth, stride: strideWidth, dilation: dilationWidth,
                                    padBegin: padLeft, padEnd: padRight)
    }

    /// Input channels seen by one output channel.
    public var inChannelsPerGroup: Int { inChannels / groups }
    public var outChannelsPerGroup: Int { outChannels / groups }

    /// Element counts of the NCHW input, output and OIHW weights.
    public var inputCount: Int { batch * inChannels * inHeight * inWidth }
    public var outputCount: Int { batch * outChannels * outHeight * outWidth }
    public var weightCount: Int { outChannels * inChannelsPerGroup * kernelHeight * kernelWidth }

    /// Multiply-adds times two: the usual FLOP count of the convolution.
    public var flops: Double {
        2 * Double(batch) * Double(outChannels) * Double(outHeight * outWidth)
            * Double(inChannelsPerGroup * kernelHeight * kernelWidth)
    }

    /// Whether the sizes are consistent (positive, divisible by groups, non-empty output).
    public var isValid: Bool {
        batch >= 0 && inChannels > 0 && outChannels > 0 && groups > 0
            && inChannels % groups == 0 && outChannels % groups == 0
            && kernelHeight > 0 && kernelWidth > 0 && inHeight >= 0 && inWidth >= 0
            && strideHeight > 0 && strideWidth > 0 && dilationHeight > 0 && dilationWidth > 0
            && padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0
            && outHeight > 0 && outWidth > 0
    }

    /// A 1×1, stride-1, unpadded convolution reads the input in place as its GEMM operand.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0
    }
}
