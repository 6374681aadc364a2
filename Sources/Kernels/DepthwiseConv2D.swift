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
    ///
    /// Work items are runs of whole planes handed to the C kernel in one call: on 7×7 maps a
    /// plane is ~50 ns of arithmetic, less than a call and a shared-counter fetch per plane
    /// (the counter's cache line moving between the cores on every plane with two threads).
    public func run(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
        residual: UnsafePointer<Float>?, activation: Activation, threads: Int
    ) {
        let s = shape
        let planes = s.batch * s.inChannels
        let outPlane = s.outHeight * s.outWidth
        if planes == 0 || outPlane == 0 { return }
        let clamp = activation.clampBounds
        let chunks = Self.chunkCount(planes: planes, outPlane: outPlane, threads: threads)
        let perChunk = (planes + chunks - 1) / chunks
        weights.withUnsafeBufferPointer { w in
            withOptionalPointer(bias) { b in
                Parallel.forEach(items: chunks, threads: threads) { chunk, _ in
                    let first = chunk * perChunk, end = min(planes, first + perChunk)
                    if first >= end { return }
                    var layer = CKDepthwiseLayer(
                        plane: CKDepthwisePlane(
                            input: input, output: output, residual: residual, weights: w.baseAddress!, bias: 0,
                            lower: clamp?.lower ?? -.infinity, upper: clamp?.upper ?? .infinity,
                            inHeight: s.inHeight, inWidth: s.inWidth, outHeight: s.outHeight, outWidth: s.outWidth,
                            kernelHeight: s.kernelHeight, kernelWidth: s.kernelWidth, stride: s.strideHeight,
                            padTop: s.padTop, padLeft: s.padLeft),
                        biases: b, channels: s.inChannels)
                    variant.run(&layer, planes: first..<end)
                    if clamp == nil { activation.apply(output + first * outPlane, count: (end - first) * outPlane) }
                }
            }
        }
    }

    /// Work items for `planes` planes of `outPlane` outputs: one per thread with one thread,
    /// else runs of at least `minimumChunkOutputs` outputs, up to 4 per thread (the shared
    /// counter balances a late or slowed worker).
    static func chunkCount(planes: Int, outPlane: Int, threads: Int) -> Int {
        if threads <= 1 { return 1 }
        let byWork = max(1, planes * outPlane / minimumChunkOutputs)
        return max(1, min(planes, 4 * threads, byWork))
    }

    /// Outputs below which a work item costs more to hand out than to compute (~2 µs).
    static let minimumChunkOutputs = 4096
}

/// `body` with the array's base address, or nil.
private func withOptionalPointer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
