internal import CKernels

/// A depthwise 2-D convolution (ONNX `Conv` with `group == inChannels == outChannels`), run
/// directly instead of as a GEMM: each (image, channel) plane goes through the C kernel of
/// `CKDepthwise.h`, which vectorizes along output rows and reads the plane in place (taps
/// outside it are masked loads, so no zero-bordered copy is made), with bias, residual and a
/// clamp-type activation applied before the store; other activations follow over the plane.
///
/// Layouts: input and output NCHW, weights `channels × 1 × kernelHeight × kernelWidth`.
/// Kernels up to 7×7, strides 1 and 2 (the same on both axes), dilation 1, any padding. The
/// caller owns all buffers; `run` keeps no state, so one instance may run concurrently on
/// different buffers.
public final class DepthwiseConv2D: @unchecked Sendable {
    public let shape: Conv2DShape
    /// The instruction-set variant that runs (tests pin each one the CPU supports).
    public let variant: DepthwiseVariant
    private let weights: [Float]
    private let bias: [Float]?

    /// Whether this kernel handles `shape`.
    public static func suits(_ shape: Conv2DShape) -> Bool {
        shape.isValid && shape.groups == shape.inChannels && shape.outChannels == shape.inChannels
            && shape.dilationHeight == 1 && shape.dilationWidth == 1
            && (1...2).contains(shape.strideHeight) && shape.strideWidth == shape.strideHeight
            && shape.kernelHeight <= Int(CK_DEPTHWISE_MAX_KERNEL) && shape.kernelWidth <= Int(CK_DEPTHWISE_MAX_KERNEL)
    }

    /// - Precondition: `DepthwiseConv2D.suits(shape)`.
    public init(
        shape: Conv2DShape, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        variant: DepthwiseVariant = .preferred
    ) {
        precondition(Self.suits(shape), "not a depthwise convolution: \(shape)")
        self.shape = shape
        self.variant = variant
        self.weights = Array(UnsafeBufferPointer(start: weights, count: shape.weightCount))
        self.bias = bias.map { Array(UnsafeBufferPointer(start: $0, count: shape.outChannels)) }
    }

    /// `output = activation(depthwise(input) + bias + residual)`; `residual` may alias `output`.
    public func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int
    ) {
        let s = shape
        let planes = s.batch * s.inChannels
        let inPlane = s.inHeight * s.inWidth, outPlane = s.outHeight * s.outWidth
        if planes == 0 || outPlane == 0 { return }
        let taps = s.kernelHeight * s.kernelWidth
        let clamp = activation.clampBounds
        let workers = Parallel.workerCount(items: planes, threads: threads)
        weights.withUnsafeBufferPointer { w in
            Parallel.forEach(items: planes, threads: workers) { plane, _ in
                let channel = plane % s.inChannels
                let out = output + plane * outPlane
                var p = CKDepthwisePlane(
                    input: input + plane * inPlane, output: out, residual: residual.map { $0 + plane * outPlane },
                    weights: w.baseAddress! + channel * taps, bias: bias?[channel] ?? 0,
                    lower: clamp?.lower ?? -.infinity, upper: clamp?.upper ?? .infinity,
                    inHeight: s.inHeight, inWidth: s.inWidth, outHeight: s.outHeight, outWidth: s.outWidth,
                    kernelHeight: s.kernelHeight, kernelWidth: s.kernelWidth, stride: s.strideHeight,
                    padTop: s.padTop, padLeft: s.padLeft)
                variant.run(&p, rows: 0..<s.outHeight)
                if clamp == nil { activation.apply(out, count: outPlane) }
            }
        }
    }
}
