/// The geometry of a 2-D pooling window over NCHW, with ONNX `MaxPool` / `AveragePool`
/// attribute names and defaults (`ceil_mode` off, dilations 1, no padding).
public struct Pool2DShape: Sendable, Equatable, Hashable {
    public var batch: Int
    public var channels: Int
    public var inHeight: Int
    public var inWidth: Int
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
    public var ceilMode = false

    public init(
        batch: Int, channels: Int, inHeight: Int, inWidth: Int,
        kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int = 1, strideWidth: Int = 1,
        dilationHeight: Int = 1, dilationWidth: Int = 1,
        padTop: Int = 0, padLeft: Int = 0, padBottom: Int = 0, padRight: Int = 0,
        ceilMode: Bool = false
    ) {
        self.batch = batch
        self.channels = channels
        self.inHeight = inHeight
        self.inWidth = inWidth
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
        self.ceilMode = ceilMode
    }

    public var outHeight: Int {
        Self.outputSize(
            input: inHeight, kernel: kernelHeight, stride: strideHeight, dilation: dilationHeight,
            padBegin: padTop, padEnd: padBottom, ceilMode: ceilMode)
    }

    public var outWidth: Int {
        Self.outputSize(
            input: inWidth, kernel: kernelWidth, stride: strideWidth, dilation: dilationWidth,
            padBegin: padLeft, padEnd: padRight, ceilMode: ceilMode)
    }

    public var inputCount: Int { batch * channels * inHeight * inWidth }
    public var outputCount: Int { batch * channels * outHeight * outWidth }

    public var isValid: Bool {
        batch >= 0 && channels >= 0 && inHeight > 0 && inWidth > 0
            && kernelHeight > 0 && kernelWidth > 0 && strideHeight > 0 && strideWidth > 0
            && dilationHeight > 0 && dilationWidth > 0
            && padTop >= 0 && padLeft >= 0 && padBottom >= 0 && padRight >= 0
            && outHeight > 0 && outWidth > 0
    }

    /// ONNX output size: floor (or ceil with `ceil_mode`) of the window count; with ceil_mode a
    /// last window that would start past the input and its begin padding is dropped.
    static func outputSize(
        input: Int, kernel: Int, stride: Int, dilation: Int, padBegin: Int, padEnd: Int, ceilMode: Bool
    ) -> Int {
        WindowArithmetic.outputSize(input: input, kernel: kernel, stride: stride, dilation: dilation,
                                    padBegin: padBegin, padEnd: padEnd, ceilMode: ceilMode)
    }
}
